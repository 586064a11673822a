#include "attention.h"

#include "embeddings.h"
#include "mask.h"
#include "normalizer.h"
#include "positional.h"
#include "random.h"
#include "scoring.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <string>

namespace attnlab::core {
namespace {

constexpr int kMaxHeads = 16;
constexpr int kMaxWidth = 4096;
constexpr float kMinTemperature = 1e-6f;
constexpr float kMaxTemperature = 1e6f;
constexpr const char* kPadToken = "[PAD]";

std::string str(int value) { return std::to_string(value); }

void requireRange(int value, int low, int high, const std::string& what) {
    if (value < low || value > high)
        throw InputError(what + " must be between " + str(low) + " and " + str(high) + ", not " +
                         str(value));
}

// One sentence turned into tokens and rows of X.
struct Side {
    std::vector<TokenInfo> tokens;
    Matrix x;
};

std::vector<TokenInfo> tokenInfos(const std::vector<Token>& tokens) {
    std::vector<TokenInfo> infos;
    infos.reserve(tokens.size());
    for (const Token& token : tokens)
        infos.push_back({token.text, token.begin, token.end, false, false});
    return infos;
}

Side embedSide(const std::string& text, const char* what, const Config& config,
               const EmbeddingTable* table, const Matrix* manual) {
    Side side;
    side.tokens = tokenInfos(tokenize(text, config.tokenizer));
    if (side.tokens.empty())
        throw InputError(std::string("the ") + what + " has no tokens; type at least one word");
    if (manual) {
        if (manual->rows() != static_cast<Eigen::Index>(side.tokens.size()))
            throw InputError(std::string("the manual embeddings of the ") + what + " have " +
                             str(static_cast<int>(manual->rows())) + " rows but it has " +
                             str(static_cast<int>(side.tokens.size())) + " tokens");
        side.x = *manual;
        return side;
    }
    std::vector<std::string> texts;
    for (const TokenInfo& token : side.tokens)
        texts.push_back(token.text);
    std::vector<bool> unknown;
    side.x = embedTokens(texts, *table, unknown);
    for (std::size_t i = 0; i < unknown.size(); ++i)
        side.tokens[i].unknown = unknown[i];
    return side;
}

void appendPadding(Side& side, int length) {
    const int n = static_cast<int>(side.tokens.size());
    if (length < n)
        throw InputError("padding length " + str(length) + " is shorter than the sentence (" +
                         str(n) + " tokens); choose at least " + str(n));
    Matrix padded = Matrix::Zero(length, side.x.cols()); // [PAD] embeds as the zero vector
    padded.topRows(n) = side.x;
    side.x = std::move(padded);
    for (int i = n; i < length; ++i)
        side.tokens.push_back({kPadToken, 0, 0, false, true});
}

// Head h of the identity projection reads embedding dimensions [h·d_k, (h+1)·d_k), wrapping
// around d_model when an explicit d_k makes H·d_k larger than d_model.
Matrix identitySlice(int dModel, int dK, int head) {
    Matrix w = Matrix::Zero(dModel, dK);
    for (int c = 0; c < dK; ++c)
        w((head * dK + c) % dModel, c) = 1.0f;
    return w;
}

Matrix projection(const Config& config, int dModel, int dK, int head, const char* label,
                  const std::vector<Matrix>& manual) {
    switch (config.projection) {
    case ProjectionInit::Identity:
        return identitySlice(dModel, dK, head);
    case ProjectionInit::Random: {
        Random rng(deriveSeed(config.seed, label, head));
        return rng.normalMatrix(dModel, dK, 1.0 / std::sqrt(static_cast<double>(dModel)));
    }
    case ProjectionInit::Manual: {
        if (static_cast<int>(manual.size()) <= head)
            throw InputError(std::string("manual projection: no ") + label + " matrix for head " +
                             str(head + 1));
        const Matrix& w = manual[static_cast<std::size_t>(head)];
        if (w.rows() != dModel || w.cols() != dK)
            throw InputError(std::string("manual projection: ") + label + " of head " +
                             str(head + 1) + " is " + str(static_cast<int>(w.rows())) + " × " +
                             str(static_cast<int>(w.cols())) + ", expected " + str(dModel) +
                             " × " + str(dK));
        return w;
    }
    }
    return identitySlice(dModel, dK, head);
}

Matrix outputProjection(const Config& config, int dModel, int concatWidth) {
    if (config.projection == ProjectionInit::Manual && config.manual.wo) {
        const Matrix& wo = *config.manual.wo;
        if (wo.rows() != concatWidth || wo.cols() != dModel)
            throw InputError("manual projection: W_o is " + str(static_cast<int>(wo.rows())) +
                             " × " + str(static_cast<int>(wo.cols())) + ", expected " +
                             str(concatWidth) + " × " + str(dModel));
        return wo;
    }
    if (config.projection == ProjectionInit::Random) {
        Random rng(deriveSeed(config.seed, "w_o", 0));
        return rng.normalMatrix(concatWidth, dModel, 1.0 / std::sqrt(static_cast<double>(concatWidth)));
    }
    // Identity: each head's context goes back to the dimensions its slice was read from.
    Matrix wo = Matrix::Zero(concatWidth, dModel);
    for (int r = 0; r < concatWidth; ++r)
        wo(r, r % dModel) = 1.0f;
    return wo;
}

// Logits L = S / T (+ bias), with overflow clamped to the largest float so that the normalisers
// never see +∞ or NaN; masked cells become −∞.
Matrix maskedLogits(const Matrix& scores, float temperature, const Matrix* bias,
                    const BoolMatrix& allowed) {
    constexpr float kLargest = std::numeric_limits<float>::max();
    Matrix logits = scores / temperature;
    if (bias)
        logits += *bias;
    logits = logits.cwiseMax(-kLargest).cwiseMin(kLargest);
    return allowed.select(logits, -std::numeric_limits<float>::infinity());
}

std::vector<int> rowArgmax(const Matrix& weights, const BoolMatrix& allowed) {
    std::vector<int> argmax(static_cast<std::size_t>(weights.rows()), -1);
    for (Eigen::Index i = 0; i < weights.rows(); ++i) {
        if (!allowed.row(i).any())
            continue;
        Eigen::Index best = 0;
        weights.row(i).maxCoeff(&best);
        argmax[static_cast<std::size_t>(i)] = static_cast<int>(best);
    }
    return argmax;
}

// d_model as the embeddings will give it: the built-in width, the file's, or the manual matrix's.
int embeddingWidth(const Config& config) {
    switch (config.embeddings) {
    case EmbeddingSource::File:
        return config.table ? config.table->dimension() : 0;
    case EmbeddingSource::Manual:
        return static_cast<int>(config.manualQueryEmbeddings.cols());
    case EmbeddingSource::Builtin:
        break;
    }
    return config.dModel;
}

// d_k from the config: the explicit value, else d_model / H, which must divide.
int resolveDK(const Config& config, int dModel) {
    if (config.dK != 0)
        return config.dK;
    if (dModel % config.heads != 0)
        throw InputError("d_model (" + str(dModel) + ") is not divisible by the number of heads (" +
                         str(config.heads) + "); choose a head count that divides it or set d_k");
    return dModel / config.heads;
}

} // namespace

void validateSettings(const Config& config) {
    requireRange(config.heads, 1, kMaxHeads, "the number of heads");
    if (config.embeddings == EmbeddingSource::Builtin)
        requireRange(config.dModel, 2, kMaxWidth, "d_model");
    if (config.dK != 0)
        requireRange(config.dK, 1, kMaxWidth, "d_k");
    if (config.additiveDim != 0)
        requireRange(config.additiveDim, 1, kMaxWidth, "the additive width d_a");
    if (!std::isfinite(config.temperature) || config.temperature < kMinTemperature ||
        config.temperature > kMaxTemperature)
        throw InputError("the temperature must be a number from 1e-6 to 1e6, not " +
                         std::to_string(config.temperature));
    if (!std::isfinite(config.cosineScale))
        throw InputError("the cosine scale must be a finite number");
    if (config.tokenizer.maxTokens < 1)
        throw InputError("the token limit must be at least 1");
    if (config.mask.kind == MaskKind::Padding && config.mask.padLength < 1)
        throw InputError("the padding length must be at least 1");
    if (config.mask.kind == MaskKind::Padding && config.mask.padLength > config.tokenizer.maxTokens)
        throw InputError("the padding length " + str(config.mask.padLength) +
                         " is above the token limit " + str(config.tokenizer.maxTokens));
    if (config.mask.kind == MaskKind::Window && config.mask.window < 0)
        throw InputError("the window width must be 0 or more, not " + str(config.mask.window));
    if (config.mask.kind == MaskKind::Causal && !config.source.empty())
        throw InputError("the causal mask applies to self-attention only; remove the source "
                         "sentence or choose another mask");
}

void validate(const Config& config) {
    validateSettings(config);
    if (config.embeddings == EmbeddingSource::File && !config.table)
        throw InputError("no embeddings file is loaded");
    if (config.embeddings == EmbeddingSource::Manual && config.manualQueryEmbeddings.size() == 0)
        throw InputError("manual embeddings are selected but no matrix was given");
    if (config.embeddings == EmbeddingSource::Manual && !config.source.empty() &&
        config.manualKeyEmbeddings.cols() != config.manualQueryEmbeddings.cols())
        throw InputError("the manual embeddings of the source sentence must have as many columns "
                         "as those of the query sentence");
    resolveDK(config, embeddingWidth(config));
}

Result compute(const Config& config, const ProgressCallback& progress) {
    validate(config);
    Result result;
    result.config = config;
    result.cross = !config.source.empty();
    const int totalSteps = config.heads + 2;
    auto step = [&](int done) {
        if (progress && !progress(done, totalSteps))
            throw Cancelled();
    };

    // 1. Tokens and embeddings.
    std::shared_ptr<const EmbeddingTable> table = config.table;
    if (config.embeddings == EmbeddingSource::Builtin &&
        (!table || table->dimension() != config.dModel))
        table = std::make_shared<const EmbeddingTable>(builtinLexicon(config.dModel));
    const bool manual = config.embeddings == EmbeddingSource::Manual;
    Side query = embedSide(config.sentence, "sentence", config, table.get(),
                           manual ? &config.manualQueryEmbeddings : nullptr);
    Side key = result.cross ? embedSide(config.source, "source sentence", config, table.get(),
                                        manual ? &config.manualKeyEmbeddings : nullptr)
                            : query;
    const int dModel = static_cast<int>(query.x.cols());
    if (config.embeddings == EmbeddingSource::File && config.dModel != dModel)
        result.warnings.push_back("d_model is " + str(dModel) + ", the width of the embeddings file");
    result.config.dModel = dModel;

    if (config.mask.kind == MaskKind::Padding) {
        appendPadding(key, config.mask.padLength);
        if (!result.cross)
            query = key;
    }
    const int nq = static_cast<int>(query.tokens.size());
    const int nk = static_cast<int>(key.tokens.size());

    if (config.positional == PositionalEncoding::Sinusoidal) {
        query.x += sinusoidalEncoding(nq, dModel);
        key.x += sinusoidalEncoding(nk, dModel);
    }

    // 2. Shapes.
    const int dK = resolveDK(config, dModel);
    const int dA = config.scoring == ScoringFunction::Additive
                       ? (config.additiveDim > 0 ? config.additiveDim : dK)
                       : 0;
    result.dK = dK;
    result.dA = dA;
    result.config.dK = dK;
    result.config.additiveDim = dA;

    std::vector<bool> keyIsPadding;
    for (const TokenInfo& token : key.tokens)
        keyIsPadding.push_back(token.padding);
    result.allowed = buildMask(config.mask, nq, nk, result.cross, keyIsPadding);
    for (int i = 0; i < nq; ++i)
        if (!result.allowed.row(i).any())
            result.fullyMaskedRows.push_back(i);
    step(1);

    // 3. Heads.
    const std::vector<float> slopes = alibiSlopes(config.heads);
    std::set<int> degenerate;
    Matrix concatenated(nq, config.heads * dK);
    result.heads.reserve(static_cast<std::size_t>(config.heads));
    for (int h = 0; h < config.heads; ++h) {
        HeadResult head;
        head.wq = projection(config, dModel, dK, h, "w_q", config.manual.wq);
        head.wk = projection(config, dModel, dK, h, "w_k", config.manual.wk);
        head.wv = projection(config, dModel, dK, h, "w_v", config.manual.wv);
        head.q.noalias() = query.x * head.wq;
        head.k.noalias() = key.x * head.wk;
        head.v.noalias() = key.x * head.wv;
        if (config.positional == PositionalEncoding::Rope) {
            applyRope(head.q);
            applyRope(head.k);
        }
        head.params = makeScoringParams(config.scoring, dK, dA,
                                        config.projection == ProjectionInit::Random,
                                        config.cosineScale, config.seed, h);
        head.scores = computeScores(config.scoring, head.q, head.k, head.params);
        Matrix bias;
        if (config.positional == PositionalEncoding::Alibi)
            bias = alibiBias(nq, nk, slopes[static_cast<std::size_t>(h)]);
        head.logits = maskedLogits(head.scores, config.temperature,
                                   bias.size() > 0 ? &bias : nullptr, result.allowed);
        std::vector<int> flagged;
        head.weights = normalizeRows(config.normalizer, head.logits, flagged);
        degenerate.insert(flagged.begin(), flagged.end());
        head.context.noalias() = head.weights * head.v;
        head.entropy = rowEntropy(head.weights);
        head.argmax = rowArgmax(head.weights, result.allowed);
        concatenated.middleCols(h * dK, dK) = head.context;
        result.heads.push_back(std::move(head));
        step(2 + h);
    }

    // 4. Combined views and the output projection.
    result.meanWeights = Matrix::Zero(nq, nk);
    result.maxWeights = result.heads.front().weights;
    for (const HeadResult& head : result.heads) {
        result.meanWeights += head.weights;
        result.maxWeights = result.maxWeights.cwiseMax(head.weights);
    }
    result.meanWeights /= static_cast<float>(config.heads);
    result.wo = outputProjection(config, dModel, config.heads * dK);
    result.output.noalias() = concatenated * result.wo;

    for (int row : result.fullyMaskedRows)
        degenerate.erase(row);
    result.degenerateRows.assign(degenerate.begin(), degenerate.end());

    int unknownCount = 0;
    for (const auto* side : {&query.tokens, &key.tokens})
        for (const TokenInfo& token : *side)
            unknownCount += token.unknown ? 1 : 0;
    if (!result.cross)
        unknownCount /= 2;
    if (unknownCount > 0 && config.embeddings != EmbeddingSource::Manual)
        result.warnings.push_back(str(unknownCount) + (unknownCount == 1 ? " token is" : " tokens are") +
                                  " not in the embeddings and got a hashed stand-in vector");
    if (!result.fullyMaskedRows.empty())
        result.warnings.push_back(str(static_cast<int>(result.fullyMaskedRows.size())) +
                                  " query rows have every key masked; their weights are all zero");

    result.queryTokens = std::move(query.tokens);
    result.keyTokens = std::move(key.tokens);
    result.queryInputs = std::move(query.x);
    result.keyInputs = std::move(key.x);
    step(totalSteps);
    return result;
}

} // namespace attnlab::core
