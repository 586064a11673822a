#include "core/pretrained/forward.h"

#include <algorithm>
#include <cmath>
#include <optional>

namespace attnlab::core::pretrained {
namespace {

// The embeddings of positions first … n − 1 into the rows of `x`.
void embed(const Engine& engine, const std::vector<int>& tokens, const std::vector<int>& types,
           std::size_t first, MatrixMap x) {
    const ModelInfo& info = engine.config.info;
    const ModelWeights& w = engine.weights;
    const ConstMatrixMap tokenTable(w.tokenEmbedding, info.vocabSize, info.dModel);
    for (std::size_t i = first; i < tokens.size(); ++i) {
        const auto row = static_cast<Eigen::Index>(i - first);
        x.row(row) = tokenTable.row(tokens[i]);
        if (w.positionEmbedding != nullptr)
            x.row(row) += ConstMatrixMap(w.positionEmbedding, info.maxPositions, info.dModel)
                              .row(static_cast<Eigen::Index>(i));
        if (w.tokenTypeEmbedding != nullptr)
            x.row(row) += ConstMatrixMap(w.tokenTypeEmbedding, info.typeVocabSize, info.dModel)
                              .row(types.empty() ? 0 : types[i]);
    }
    if (w.embeddingNorm.weight != nullptr)
        normalizeLayer(x, w.embeddingNorm, engine.config.normEps, x);
}

AttentionGeometry geometryOf(const TransformerConfig& config, int layer) {
    const ModelInfo& info = config.info;
    AttentionGeometry geometry;
    geometry.heads = info.heads;
    geometry.kvHeads = info.kvHeads;
    geometry.headDim = info.headDim;
    geometry.causal = info.causal;
    double scale = 1.0;
    if (info.family != TransformerFamily::Gpt2 || config.scaleAttention)
        scale /= std::sqrt(static_cast<double>(info.headDim));
    if (info.family == TransformerFamily::Gpt2 && config.scaleByInverseLayer)
        scale /= static_cast<double>(layer + 1);
    geometry.scale = static_cast<float>(scale);
    return geometry;
}

// Q, K and V of one layer into `projections` (rows × (heads + 2·kvHeads)·d_k) for the positions
// first … first + rows − 1, with rotary embeddings for the Llama family. `input` is the normed
// (GPT-2, Llama) or raw (BERT) stream of those positions.
void project(const Engine& engine, const LayerWeights& layer, const MatrixMap& input, int first,
             Workspace& workspace, Eigen::Ref<Matrix> projections) {
    const ModelInfo& info = engine.config.info;
    if (info.family == TransformerFamily::Gpt2) {
        applyLinear(input, layer.qkv, projections);
        return;
    }
    const int qWidth = info.heads * info.headDim, kvWidth = info.kvHeads * info.headDim;
    applyLinear(input, layer.query, projections.leftCols(qWidth));
    applyLinear(input, layer.key, projections.middleCols(qWidth, kvWidth));
    applyLinear(input, layer.value, projections.middleCols(qWidth + kvWidth, kvWidth));
    if (info.family == TransformerFamily::Llama) {
        const auto n = input.rows();
        const auto half = static_cast<Eigen::Index>(engine.ropeInverseFrequencies.size());
        MatrixMap cosines = workspace.cosines.matrix(n, half);
        MatrixMap sines = workspace.sines.matrix(n, half);
        ropeTables(first, static_cast<int>(n), engine.ropeInverseFrequencies, cosines, sines);
        applyRope(projections.leftCols(qWidth), info.heads, info.headDim, cosines, sines);
        applyRope(projections.middleCols(qWidth, kvWidth), info.kvHeads, info.headDim, cosines,
                  sines);
    }
}

} // namespace

std::size_t prefixEntryBytes(const ModelInfo& info, std::size_t tokens) {
    const std::size_t width =
        (static_cast<std::size_t>(info.heads) + 2 * static_cast<std::size_t>(info.kvHeads)) *
        static_cast<std::size_t>(info.headDim);
    return tokens *
           (static_cast<std::size_t>(info.layers) * width + static_cast<std::size_t>(info.dModel)) *
           sizeof(float);
}

int reusablePositions(const PrefixEntry& entry, const std::vector<int>& tokens,
                      const std::vector<std::vector<HeadSetting>>& settings) {
    if (entry.tokens.empty() || entry.settings.size() != settings.size())
        return 0;
    auto shared = static_cast<int>(
        std::mismatch(tokens.begin(), tokens.end(), entry.tokens.begin(), entry.tokens.end())
            .first -
        tokens.begin());
    for (std::size_t l = 0; l < settings.size(); ++l) {
        const std::vector<HeadSetting>& before = entry.settings[l];
        const std::vector<HeadSetting>& now = settings[l];
        if (before.size() != now.size())
            return 0;
        for (std::size_t h = 0; h < now.size(); ++h) {
            const HeadSetting& a = before[h];
            const HeadSetting& b = now[h];
            if (a.changesWeights != b.changesWeights || a.normalizer != b.normalizer ||
                a.temperature != b.temperature || a.ablate != b.ablate || a.hasMask != b.hasMask)
                return 0;
            if (!a.hasMask)
                continue;
            // Query i sees keys 0 … i under the model's causal mask: only those cells count.
            for (int i = 0; i < shared; ++i) {
                const auto seen = static_cast<Eigen::Index>(i) + 1;
                if (!(a.mask.row(i).head(seen) == b.mask.row(i).head(seen)).all()) {
                    shared = i;
                    break;
                }
            }
        }
    }
    return shared;
}

void runLayers(const Engine& engine, const std::vector<int>& tokens,
               const std::vector<int>& tokenTypes,
               const std::vector<std::vector<HeadSetting>>& settings, bool keepAttentions,
               const ProgressCallback& progress, Workspace& workspace, PrefixEntry* prefix,
               int reused, TransformerRun& result) {
    const TransformerConfig& config = engine.config;
    const ModelInfo& info = config.info;
    const ModelWeights& w = engine.weights;
    const auto n = static_cast<Eigen::Index>(tokens.size());
    const int d = info.dModel;
    const int qWidth = info.heads * info.headDim, kvWidth = info.kvHeads * info.headDim;
    const float eps = config.normEps;
    const bool bert = info.family == TransformerFamily::Bert;
    const bool llama = info.family == TransformerFamily::Llama;
    // Positions taken from the prefix entry, and the m after them that this run computes.
    const Eigen::Index first = prefix != nullptr ? reused : 0;
    const Eigen::Index m = n - first;
    if (prefix != nullptr) {
        prefix->tokens.clear();
        prefix->projections.resize(static_cast<std::size_t>(info.layers));
    }

    // Every position's projections of a layer: with an entry, its rows before `first` are kept.
    const auto projectionsOf = [&](std::size_t layer) {
        const Eigen::Index width = qWidth + 2 * kvWidth;
        if (prefix == nullptr)
            return workspace.projections.matrix(n, width);
        Matrix& kept = prefix->projections[layer];
        kept.conservativeResize(n, width);
        return MatrixMap(kept.data(), n, width);
    };

    MatrixMap x = workspace.residual.matrix(m, d);
    embed(engine, tokens, tokenTypes, static_cast<std::size_t>(first), x);
    if (keepAttentions)
        result.attentions.resize(static_cast<std::size_t>(info.layers));
    else
        result.attentions.clear();
    result.flaggedRows.resize(static_cast<std::size_t>(info.layers));

    for (int l = 0; l < info.layers; ++l) {
        const LayerWeights& layer = w.layers[static_cast<std::size_t>(l)];
        const auto index = static_cast<std::size_t>(l);
        MatrixMap normed = workspace.normed.matrix(m, d);
        MatrixMap projections = projectionsOf(index);
        MatrixMap context = workspace.context.matrix(n, qWidth);
        MatrixMap attended = workspace.attended.matrix(m, d);

        // Attention block: pre-norm (GPT-2, Llama) or post-norm (BERT).
        if (!bert)
            normalizeLayer(x, layer.attentionNorm, eps, normed);
        project(engine, layer, bert ? x : normed, static_cast<int>(first), workspace,
                projections.bottomRows(m));
        std::vector<Matrix>& weights =
            keepAttentions ? result.attentions[index] : workspace.headWeights;
        attendLayer(projections, geometryOf(config, l), settings[index], weights,
                    result.flaggedRows[index], workspace.headLogits, context);
        applyLinear(context.bottomRows(m), layer.output, attended);
        if (bert) {
            attended += x;
            normalizeLayer(attended, layer.attentionNorm, eps, normed); // normed = a
        } else {
            x += attended;
            normalizeLayer(x, layer.mlpNorm, eps, normed);
        }

        // Feed-forward block on `normed`.
        MatrixMap inner = workspace.inner.matrix(m, info.intermediate);
        // The activation goes on the up projection, or on Llama's gate (SwiGLU) when it has one.
        const std::optional<Activation> none;
        applyLinear(normed, layer.up, inner, ProductKernel::automatic,
                    llama ? none : config.activation);
        if (llama) {
            MatrixMap gate = workspace.gate.matrix(m, info.intermediate);
            applyLinear(normed, layer.gate, gate, ProductKernel::automatic, config.activation);
            inner.array() *= gate.array();
        }
        applyLinear(inner, layer.down, attended);
        if (bert) {
            attended += normed;
            normalizeLayer(attended, layer.mlpNorm, eps, x);
        } else {
            x += attended;
        }
        if (progress && !progress(l + 1, info.layers))
            throw Cancelled();
    }

    result.hidden.resize(n, d);
    if (first > 0)
        result.hidden.topRows(first) = prefix->hidden.topRows(first);
    if (w.finalNorm.weight != nullptr)
        normalizeLayer(x, w.finalNorm, eps, result.hidden.bottomRows(m));
    else
        result.hidden.bottomRows(m) = x;
    if (prefix != nullptr) {
        prefix->hidden = result.hidden;
        prefix->settings = settings;
        prefix->tokens = tokens;
    }
}

} // namespace attnlab::core::pretrained
