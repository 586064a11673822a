#pragma once
// Multi-head attention of the trained transformer over a batch, forward and backward: the
// projections are one product for the whole batch; scores, masks, normalisers and contexts are
// per example and head (attention-math.md, "Scores" to "Outputs"), using the registry's
// computeScores / normalizeRows and their backward passes.

#include "core/attention/options.h"
#include "core/base/types.h"
#include "core/training/layers.h"
#include "core/training/model_config.h"
#include "core/training/parameters.h"

#include <functional>
#include <optional>
#include <vector>

namespace attnlab::core::training {

/// A change to one head at inference ("what if", docs/attention-math.md#transformers): never
/// used in training, so the backward pass ignores it.
struct HeadChange {
    /// Replaces the model's normaliser; unset = the model's.
    std::optional<Normalizer> normalizer;
    /// T > 0: the model's logits are further divided by T; default 1 (no change).
    float temperature = 1.0f;
    /// n_q × n_k, false = hidden on top of the model's own mask; empty = no extra mask.
    BoolMatrix allowed;
    /// The head's context is zeroed (its weights are still kept); default false.
    bool ablate = false;
};

/// Shapes and masks of one attention block over a batch.
struct AttentionLayout {
    int batch = 0;
    int queryLength = 0; ///< n_q per example
    int keyLength = 0;   ///< n_k per example
    bool causal = false; ///< query i sees keys j ≤ i
    int window = 0;      ///< > 0: query i sees keys with |i − j| ≤ window
    const std::vector<int>* keyLengths = nullptr;    ///< per example, keys j ≥ length are padding
    const RopeTable* rope = nullptr;                 ///< rotate q and k (self-attention with rope)
    const std::vector<float>* alibiSlopes = nullptr; ///< per head, bias −m_h |i − j|
    const std::vector<HeadChange>* changes = nullptr; ///< per head (inference only); null = none
};

struct AttentionCache {
    Matrix q, k, v;              ///< batch · n × heads · d_k (q, k after rope)
    std::vector<Matrix> logits;  ///< [example · heads + head]: L = S / T + bias, masked −∞
    std::vector<Matrix> weights; ///< [example · heads + head]: A = norm(L)
    Matrix context;              ///< batch · n_q × heads · d_k
};

/// Called at the checkpoints inside one attention block, outside any parallel region, so that a
/// long pass can be stopped there: it may throw (Cancelled), abandoning the block. Empty = no
/// call (the heads then run as one loop over every example and head).
using BlockCheck = std::function<void()>;

/// Calls of `check` in one attentionForward (after the projections and after each head) and in
/// one attentionBackward (after ∂W_o and ∂C, after each head and after ∂W_q, ∂W_k, ∂W_v).
constexpr int forwardChecks(int heads) {
    return heads + 1;
}
constexpr int backwardChecks(int heads) {
    return heads + 2;
}

/// out = [C_1 … C_H] W_o for queries from `xq` and keys and values from `xkv`
/// (batch · n rows each). `check` is called forwardChecks(heads) times: after the projections
/// and after each head's weights and contexts for every example.
Matrix attentionForward(const ModelConfig& config, const AttentionParams& p,
                        const Eigen::Ref<const Matrix>& xq, const Eigen::Ref<const Matrix>& xkv,
                        const AttentionLayout& layout, AttentionCache& cache,
                        const BlockCheck& check = {});

/// Gradients for dOut: adds to `grads` and returns ∂/∂xq in dXq and ∂/∂xkv in dXkv (for
/// self-attention the caller adds the two). `check` is called backwardChecks(heads) times; a
/// call that throws leaves `grads` partly summed.
void attentionBackward(const ModelConfig& config, const AttentionParams& p,
                       const Eigen::Ref<const Matrix>& xq, const Eigen::Ref<const Matrix>& xkv,
                       const AttentionLayout& layout, const AttentionCache& cache,
                       const Eigen::Ref<const Matrix>& dOut, AttentionParams& grads, Matrix& dXq,
                       Matrix& dXkv, const BlockCheck& check = {});

} // namespace attnlab::core::training
