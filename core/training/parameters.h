#pragma once
// The trainable parameters of the small transformer, their seeded initial values, and a flat
// named view of them for the optimiser, the model file and the tests.

#include "core/attention/scoring.h"
#include "core/base/types.h"
#include "core/training/model_config.h"

#include <cstdint>
#include <string>
#include <vector>

namespace attnlab::core::training {

/// y = γ ⊙ (x − mean) / √(var + ε) + β per row; empty when LayerNorm is off.
struct LayerNormParams {
    RowVector gamma; ///< d_model
    RowVector beta;  ///< d_model
};

/// Multi-head attention: head h uses columns [h·d_k, (h+1)·d_k) of W_q, W_k, W_v (the math
/// page's W_q^h) and rows of the same range of W_o. Rows are inputs: Q = X W_q.
struct AttentionParams {
    Matrix wq, wk, wv;                  ///< d_model × (H·d_k)
    Matrix wo;                          ///< (H·d_k) × d_model
    std::vector<ScoringParams> scoring; ///< one per head: general W_a, additive W_1, W_2, v
};

/// FFN(x) = act(x W_1 + b_1) W_2 + b_2; empty when the model is attention-only.
struct FeedForwardParams {
    Matrix w1;    ///< d_model × hidden
    RowVector b1; ///< hidden
    Matrix w2;    ///< hidden × d_model
    RowVector b2; ///< d_model
};

/// One layer: self-attention, cross-attention (decoder of an encoder–decoder only), FFN, each
/// with its pre-LayerNorm and a residual connection.
struct BlockParams {
    LayerNormParams ln1;
    AttentionParams self;
    LayerNormParams lnCross;
    AttentionParams cross;
    LayerNormParams ln2;
    FeedForwardParams ffn;
};

struct TransformerParams {
    Matrix tokens;    ///< vocab × d_model token embeddings (shared by encoder and decoder)
    Matrix positions; ///< maxPositions × d_model learned positions (learned only)
    std::vector<BlockParams> encoder; ///< encoder–decoder only
    std::vector<BlockParams> decoder;
    LayerNormParams encoderFinal, decoderFinal; ///< LayerNorm at each stack's end
    Matrix output;                              ///< d_model × vocab unembedding
    RowVector outputBias;                       ///< vocab
};

/// Seeded initial values: embeddings and learned positions N(0, 1); W_q, W_k, W_v, W_o and the
/// unembedding N(0, 1/d_model); FFN W_1 N(0, 1/d_model), W_2 N(0, 1/hidden); scoring
/// parameters as makeScoringParams (random) with general's W_a divided by √d_k and additive's
/// v by √d_a, so every scoring function starts unsaturated; biases 0, LayerNorm γ 1, β 0. Each
/// tensor draws from its own stream deriveSeed(seed, its name), so adding a layer leaves the others
/// as they were.
TransformerParams initialParameters(const ModelConfig& config, std::uint64_t seed);

/// The same shapes, all zero (a gradient accumulator).
TransformerParams zeroParameters(const ModelConfig& config);

/// One tensor of the model, by name ("decoder.0.self.wq", "decoder.0.self.head1.v", …).
template <typename T> struct BasicParameterView {
    std::string name;
    T* data = nullptr;               ///< row-major, `size` floats
    std::vector<std::int64_t> shape; ///< as stored in the model file
    std::size_t size = 0;
    bool decay = false; ///< weight decay applies (projection and FFN matrices, unembedding)
};
using ParameterView = BasicParameterView<float>;
using ConstParameterView = BasicParameterView<const float>;

/// Every non-empty tensor in a fixed order (embeddings, encoder, decoder, output).
std::vector<ParameterView> parameterViews(TransformerParams& params);
std::vector<ConstParameterView> parameterViews(const TransformerParams& params);

/// Number of trainable floats.
std::size_t parameterCount(const TransformerParams& params);

} // namespace attnlab::core::training
