#pragma once
// The tiled and linear kinds of attention (docs/attention-math.md, "Efficient attention") as the
// built-in layer runs them for one head, once its Q, K and V are projected: the kernels of
// core/efficient give the context, and the weights the maps show are recomputed from them (the
// exact softmax rows for tiled, the implicit weights φ(q_i)·φ(k_j) / Σ_j φ(q_i)·φ(k_j) for
// linear).

#include "core/attention/mask.h"
#include "core/model/config.h"

#include <vector>

namespace attnlab::core {

/// One head's weights and context computed by a kind other than dense.
struct KindHeadResult {
    Matrix weights; ///< n_q × n_k: softmax weights (tiled) or the implicit weights (linear)
    Matrix context; ///< C, n_q × d_v
    /// Linear: rows whose denominator φ(q_i)·Σ_j φ(k_j) is 0 (relu features), weights all 0.
    std::vector<int> flaggedRows;
};

/// The logit scale of a tiled head: 1/(√d_k · T) for scaled-dot, 1/T for dot. Asserts that the
/// scoring function is one of them (checkSettings refuses the others).
float tiledLogitScale(const Config& config, int dK);

/// Runs `config.attention` (tiled or linear) on one head's q (n_q × d_k), k (n_k × d_k) and
/// v (n_k × d_v). `mask` is the run's mask pattern (tiled honours every pattern; linear is
/// causal or sees every key, as checkSettings requires). Favor's random features are drawn
/// from the configuration's seed. Throws InputError from the kernels (non-finite inputs).
KindHeadResult runKindHead(const Config& config, const Eigen::Ref<const Matrix>& q,
                           const Eigen::Ref<const Matrix>& k, const Eigen::Ref<const Matrix>& v,
                           const MaskPattern& mask);

} // namespace attnlab::core
