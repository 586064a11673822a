#pragma once
// Dense attention with the n_q × n_k weights materialised (docs/attention-math.md, "Normalisers"
// and "Outputs"): the exact reference the efficient kinds are measured against, and the "dense"
// kind of the complexity lab. Scores are the scaled dot product.

#include "core/attention/mask.h"
#include "core/attention/options.h"
#include "core/base/types.h"

#include <vector>

namespace attnlab::core {

struct DenseAttentionOptions {
    Normalizer normalizer = Normalizer::Softmax; ///< any normaliser; default softmax
    float scale = 0.0f; ///< logits L = scale · q·k; > 0, or 0 (default) for 1/√d_k
};

struct DenseAttentionResult {
    Matrix weights;                   ///< A, n_q × n_k, invisible cells exactly 0
    Matrix context;                   ///< C = A V, n_q × d_v
    std::vector<int> fullyMaskedRows; ///< rows that see no key (weights and context 0)
    std::vector<int> degenerateRows;  ///< rows the normaliser flags (relu: no positive logit)
};

/// A = norm(scale · Q Kᵀ with invisible cells −∞), C = A V. One n_q × n_k matrix is allocated.
/// `mask` may be null (every key visible). Throws InputError for mismatched shapes or non-finite
/// inputs.
DenseAttentionResult denseAttention(const Eigen::Ref<const Matrix>& q,
                                    const Eigen::Ref<const Matrix>& k,
                                    const Eigen::Ref<const Matrix>& v,
                                    const MaskPattern* mask = nullptr,
                                    const DenseAttentionOptions& options = {});

} // namespace attnlab::core
