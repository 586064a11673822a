#include "core/pretrained/forward.h"

#include <cmath>

namespace attnlab::core::pretrained {
namespace {

void embed(const Engine& engine, const std::vector<int>& tokens, const std::vector<int>& types,
           MatrixMap x) {
    const ModelInfo& info = engine.config.info;
    const ModelWeights& w = engine.weights;
    const ConstMatrixMap tokenTable(w.tokenEmbedding, info.vocabSize, info.dModel);
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        const auto row = static_cast<Eigen::Index>(i);
        x.row(row) = tokenTable.row(tokens[i]);
        if (w.positionEmbedding != nullptr)
            x.row(row) +=
                ConstMatrixMap(w.positionEmbedding, info.maxPositions, info.dModel).row(row);
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

// Q, K and V of one layer into `projections` (n × (heads + 2·kvHeads)·d_k), with rotary
// embeddings for the Llama family. `input` is the normed (GPT-2, Llama) or raw (BERT) stream.
void project(const Engine& engine, const LayerWeights& layer, const MatrixMap& input,
             Workspace& workspace, MatrixMap projections) {
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
        ropeTables(static_cast<int>(n), engine.ropeInverseFrequencies, cosines, sines);
        applyRope(projections.leftCols(qWidth), info.heads, info.headDim, cosines, sines);
        applyRope(projections.middleCols(qWidth, kvWidth), info.kvHeads, info.headDim, cosines,
                  sines);
    }
}

} // namespace

void runLayers(const Engine& engine, const std::vector<int>& tokens,
               const std::vector<int>& tokenTypes,
               const std::vector<std::vector<HeadSetting>>& settings, bool keepAttentions,
               const ProgressCallback& progress, Workspace& workspace, TransformerRun& result) {
    const TransformerConfig& config = engine.config;
    const ModelInfo& info = config.info;
    const ModelWeights& w = engine.weights;
    const auto n = static_cast<Eigen::Index>(tokens.size());
    const int d = info.dModel;
    const int qWidth = info.heads * info.headDim, kvWidth = info.kvHeads * info.headDim;
    const float eps = config.normEps;
    const bool bert = info.family == TransformerFamily::Bert;
    const bool llama = info.family == TransformerFamily::Llama;

    MatrixMap x = workspace.residual.matrix(n, d);
    embed(engine, tokens, tokenTypes, x);
    if (keepAttentions)
        result.attentions.resize(static_cast<std::size_t>(info.layers));
    else
        result.attentions.clear();
    result.flaggedRows.resize(static_cast<std::size_t>(info.layers));

    for (int l = 0; l < info.layers; ++l) {
        const LayerWeights& layer = w.layers[static_cast<std::size_t>(l)];
        const auto index = static_cast<std::size_t>(l);
        MatrixMap normed = workspace.normed.matrix(n, d);
        MatrixMap projections = workspace.projections.matrix(n, qWidth + 2 * kvWidth);
        MatrixMap context = workspace.context.matrix(n, qWidth);
        MatrixMap attended = workspace.attended.matrix(n, d);

        // Attention block: pre-norm (GPT-2, Llama) or post-norm (BERT).
        if (!bert)
            normalizeLayer(x, layer.attentionNorm, eps, normed);
        project(engine, layer, bert ? x : normed, workspace, projections);
        std::vector<Matrix>& weights =
            keepAttentions ? result.attentions[index] : workspace.headWeights;
        attendLayer(projections, geometryOf(config, l), settings[index], weights,
                    result.flaggedRows[index], workspace.headLogits, context);
        applyLinear(context, layer.output, attended);
        if (bert) {
            attended += x;
            normalizeLayer(attended, layer.attentionNorm, eps, normed); // normed = a
        } else {
            x += attended;
            normalizeLayer(x, layer.mlpNorm, eps, normed);
        }

        // Feed-forward block on `normed`.
        MatrixMap inner = workspace.inner.matrix(n, info.intermediate);
        applyLinear(normed, layer.up, inner);
        if (llama) {
            MatrixMap gate = workspace.gate.matrix(n, info.intermediate);
            applyLinear(normed, layer.gate, gate);
            activate(gate, config.activation);
            inner.array() *= gate.array();
        } else {
            activate(inner, config.activation);
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
    if (w.finalNorm.weight != nullptr)
        normalizeLayer(x, w.finalNorm, eps, result.hidden);
    else
        result.hidden = x;
}

} // namespace attnlab::core::pretrained
