#pragma once
// Forward and backward passes of the trained transformer over a batch (attention-math.md,
// "Transformers" and "Training"): embeddings, pre-LayerNorm blocks of attention and FFN with
// residuals, an unembedding, and cross-entropy on the target tokens.

#include "core/base/types.h"
#include "core/training/attention_block.h"
#include "core/training/model_config.h"
#include "core/training/parameters.h"

#include <string_view>
#include <vector>

namespace attnlab::core::training {

/// Token ids of a batch, row-major (example by example), all examples padded to one length.
struct ModelBatch {
    int batch = 0;                   ///< number of examples
    int decoderLength = 0;           ///< decoder input tokens per example
    std::vector<int> decoderTokens;  ///< batch × decoderLength
    std::vector<int> targets;        ///< batch × decoderLength; −1 = position not scored
    int encoderLength = 0;           ///< encoder–decoder: source tokens per example, else 0
    std::vector<int> encoderTokens;  ///< batch × encoderLength
    std::vector<int> encoderLengths; ///< per example: real source tokens (the rest is padding,
                                     ///< masked as keys); empty = all real
};

/// Throws InputError when the batch does not fit the model (token outside the vocabulary,
/// sequence longer than maxPositions, missing source for an encoder–decoder).
void validate(const ModelBatch& batch, const ModelConfig& config);

enum class AttentionKind { EncoderSelf, DecoderSelf, Cross };
std::string_view toString(AttentionKind kind);

/// Weights of one attention block of one layer, for every example and head.
struct AttentionMaps {
    AttentionKind kind = AttentionKind::DecoderSelf;
    int layer = 0;
    int heads = 0;
    int queryLength = 0, keyLength = 0;
    std::vector<Matrix> weights; ///< [example · heads + head], queryLength × keyLength
    const Matrix& at(int example, int head) const {
        return weights[static_cast<std::size_t>(example) * heads + head];
    }
};

struct ForwardResult {
    Matrix logits;                        ///< batch · decoderLength × vocab
    std::vector<AttentionMaps> attention; ///< encoder layers, then per decoder layer self, cross
};

/// Mean cross-entropy over scored positions, their number, and how many the argmax got right.
struct LossStats {
    double loss = 0.0;
    int counted = 0;
    int correct = 0;
    double accuracy() const { return counted > 0 ? static_cast<double>(correct) / counted : 0.0; }
};

/// Cross-entropy of `logits` (one row per position) against `targets` (−1 = skip); when dLogits
/// is given it receives ∂(mean loss)/∂logits. Sums run in double, in row order.
LossStats crossEntropy(const Eigen::Ref<const Matrix>& logits, const std::vector<int>& targets,
                       Matrix* dLogits);

/// Changes at inference per decoder layer and head: [layer][head]; an empty layer has none.
/// They apply to the block the window shows: self-attention of a decoder-only model, the
/// cross-attention of an encoder–decoder.
using LayerChanges = std::vector<std::vector<HeadChange>>;

/// Logits and attention maps, with `changes` (null = none) applied. `progress(done, total)` is
/// called at each checkpoint of the pass, layer by layer: in each attention block after its
/// projections and after each head (for every example), and after the block; after each
/// feed-forward block; after the output layer (an attention-only decoder: total = layers ×
/// (heads + 2) + 1). When it returns false the pass stops there and throws Cancelled (nothing
/// outside it has changed).
ForwardResult forward(const ModelConfig& config, const TransformerParams& params,
                      const ModelBatch& batch, const LayerChanges* changes = nullptr,
                      const ProgressCallback& progress = {});

/// Loss statistics of the batch (and, if wanted, the forward result); cancelled as forward().
LossStats evaluate(const ModelConfig& config, const TransformerParams& params,
                   const ModelBatch& batch, ForwardResult* result = nullptr,
                   const ProgressCallback& progress = {});

/// Forward, loss and backward: adds ∂(mean loss)/∂θ to `grads` (shaped like params).
/// `progress` is called at the checkpoints of forward(), then of the backward pass: after the
/// output layer's gradients, then block by block in reverse order (each feed-forward block; in
/// each attention block after ∂W_o and ∂C, after each head, after ∂W_q, ∂W_k, ∂W_v and after the
/// block). When it returns false the pass throws Cancelled, leaving `grads` partly summed (a
/// caller that cancels zeroes them before its next pass).
LossStats lossAndGradients(const ModelConfig& config, const TransformerParams& params,
                           const ModelBatch& batch, TransformerParams& grads,
                           const ProgressCallback& progress = {});

} // namespace attnlab::core::training
