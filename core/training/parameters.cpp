#include "core/training/parameters.h"

#include "core/base/random.h"

#include <cmath>

namespace attnlab::core::training {
namespace {

constexpr double kEmbeddingStd = 1.0;

Matrix normal(std::uint64_t seed, const std::string& name, int rows, int cols, double stddev) {
    Random rng(deriveSeed(seed, name));
    return rng.normalMatrix(rows, cols, stddev);
}

LayerNormParams layerNorm(const ModelConfig& config) {
    LayerNormParams ln;
    if (config.layerNorm) {
        ln.gamma = RowVector::Ones(config.dModel);
        ln.beta = RowVector::Zero(config.dModel);
    }
    return ln;
}

AttentionParams attention(const ModelConfig& config, std::uint64_t seed,
                          const std::string& prefix) {
    const int d = config.dModel;
    const int width = config.heads * config.dK();
    const double scale = 1.0 / std::sqrt(static_cast<double>(d));
    AttentionParams a;
    a.wq = normal(seed, prefix + ".wq", d, width, scale);
    a.wk = normal(seed, prefix + ".wk", d, width, scale);
    a.wv = normal(seed, prefix + ".wv", d, width, scale);
    a.wo = normal(seed, prefix + ".wo", width, d, 1.0 / std::sqrt(static_cast<double>(width)));
    const std::uint64_t scoringSeed = deriveSeed(seed, prefix + ".scoring");
    for (int h = 0; h < config.heads; ++h) {
        ScoringParams s = makeScoringParams(config.scoring, config.dK(), config.dA(), true,
                                            config.cosineScale, scoringSeed, h);
        // makeScoringParams scales for showing the formulas on unit-variance embeddings; a
        // trained model starts its scores at about the spread of scaled-dot instead, so that
        // softmax is not saturated (and its gradient not vanishing) at step 0: W_a one more
        // 1/√d_k (q W_a kᵀ sums d_k² terms), v by 1/√d_a (vᵀ tanh(·) sums d_a terms).
        if (s.wa.size() > 0)
            s.wa /= std::sqrt(static_cast<float>(config.dK()));
        if (s.v.size() > 0)
            s.v /= std::sqrt(static_cast<float>(config.dA()));
        a.scoring.push_back(std::move(s));
    }
    return a;
}

BlockParams block(const ModelConfig& config, std::uint64_t seed, const std::string& prefix,
                  bool cross) {
    BlockParams b;
    b.ln1 = layerNorm(config);
    b.self = attention(config, seed, prefix + ".self");
    if (cross) {
        b.lnCross = layerNorm(config);
        b.cross = attention(config, seed, prefix + ".cross");
    }
    if (config.ffn != FeedForward::None) {
        const int d = config.dModel;
        const int f = config.hidden();
        b.ln2 = layerNorm(config);
        b.ffn.w1 = normal(seed, prefix + ".ffn.w1", d, f, 1.0 / std::sqrt(static_cast<double>(d)));
        b.ffn.b1 = RowVector::Zero(f);
        b.ffn.w2 = normal(seed, prefix + ".ffn.w2", f, d, 1.0 / std::sqrt(static_cast<double>(f)));
        b.ffn.b2 = RowVector::Zero(d);
    }
    return b;
}

template <typename T, typename P>
void addMatrix(T& builder, const std::string& name, P& m, bool decay) {
    if (m.size() == 0)
        return;
    builder.views.push_back(
        {name,
         m.data(),
         {static_cast<std::int64_t>(m.rows()), static_cast<std::int64_t>(m.cols())},
         static_cast<std::size_t>(m.size()),
         decay});
}

template <typename T, typename P> void addVector(T& builder, const std::string& name, P& v) {
    if (v.size() == 0)
        return;
    builder.views.push_back({name,
                             v.data(),
                             {static_cast<std::int64_t>(v.size())},
                             static_cast<std::size_t>(v.size()),
                             false});
}

template <typename Builder, typename LN>
void addLayerNorm(Builder& builder, const std::string& name, LN& ln) {
    addVector(builder, name + ".weight", ln.gamma);
    addVector(builder, name + ".bias", ln.beta);
}

template <typename Builder, typename A>
void addAttention(Builder& builder, const std::string& name, A& a) {
    addMatrix(builder, name + ".wq", a.wq, true);
    addMatrix(builder, name + ".wk", a.wk, true);
    addMatrix(builder, name + ".wv", a.wv, true);
    addMatrix(builder, name + ".wo", a.wo, true);
    for (std::size_t h = 0; h < a.scoring.size(); ++h) {
        const std::string head = name + ".head" + std::to_string(h);
        addMatrix(builder, head + ".wa", a.scoring[h].wa, true);
        addMatrix(builder, head + ".w1", a.scoring[h].w1, true);
        addMatrix(builder, head + ".w2", a.scoring[h].w2, true);
        addVector(builder, head + ".v", a.scoring[h].v);
    }
}

template <typename Builder, typename B>
void addBlock(Builder& builder, const std::string& name, B& b) {
    addLayerNorm(builder, name + ".ln1", b.ln1);
    addAttention(builder, name + ".self", b.self);
    addLayerNorm(builder, name + ".ln_cross", b.lnCross);
    addAttention(builder, name + ".cross", b.cross);
    addLayerNorm(builder, name + ".ln2", b.ln2);
    addMatrix(builder, name + ".ffn.w1", b.ffn.w1, true);
    addVector(builder, name + ".ffn.b1", b.ffn.b1);
    addMatrix(builder, name + ".ffn.w2", b.ffn.w2, true);
    addVector(builder, name + ".ffn.b2", b.ffn.b2);
}

template <typename T, typename P> std::vector<BasicParameterView<T>> views(P& params) {
    struct {
        std::vector<BasicParameterView<T>> views;
    } builder;
    addMatrix(builder, "embed.tokens", params.tokens, false);
    addMatrix(builder, "embed.positions", params.positions, false);
    for (std::size_t l = 0; l < params.encoder.size(); ++l)
        addBlock(builder, "encoder." + std::to_string(l), params.encoder[l]);
    addLayerNorm(builder, "encoder.final_ln", params.encoderFinal);
    for (std::size_t l = 0; l < params.decoder.size(); ++l)
        addBlock(builder, "decoder." + std::to_string(l), params.decoder[l]);
    addLayerNorm(builder, "decoder.final_ln", params.decoderFinal);
    addMatrix(builder, "output.weight", params.output, true);
    addVector(builder, "output.bias", params.outputBias);
    return std::move(builder.views);
}

} // namespace

TransformerParams initialParameters(const ModelConfig& config, std::uint64_t seed) {
    validate(config);
    TransformerParams p;
    const int d = config.dModel;
    p.tokens = normal(seed, "embed.tokens", config.vocabSize, d, kEmbeddingStd);
    if (config.positional == ModelPositional::Learned)
        p.positions = normal(seed, "embed.positions", config.maxPositions, d, kEmbeddingStd);
    if (config.encoderDecoder())
        for (int l = 0; l < config.layers; ++l)
            p.encoder.push_back(block(config, seed, "encoder." + std::to_string(l), false));
    for (int l = 0; l < config.layers; ++l)
        p.decoder.push_back(
            block(config, seed, "decoder." + std::to_string(l), config.encoderDecoder()));
    if (config.encoderDecoder())
        p.encoderFinal = layerNorm(config);
    p.decoderFinal = layerNorm(config);
    p.output =
        normal(seed, "output.weight", d, config.vocabSize, 1.0 / std::sqrt(static_cast<double>(d)));
    p.outputBias = RowVector::Zero(config.vocabSize);
    return p;
}

TransformerParams zeroParameters(const ModelConfig& config) {
    TransformerParams p = initialParameters(config, 0);
    for (ParameterView& view : parameterViews(p))
        std::fill(view.data, view.data + view.size, 0.0f);
    return p;
}

std::vector<ParameterView> parameterViews(TransformerParams& params) {
    return views<float>(params);
}

std::vector<ConstParameterView> parameterViews(const TransformerParams& params) {
    return views<const float>(params);
}

std::size_t parameterCount(const TransformerParams& params) {
    std::size_t count = 0;
    for (const ConstParameterView& view : parameterViews(params))
        count += view.size;
    return count;
}

} // namespace attnlab::core::training
