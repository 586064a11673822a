#pragma once
// How far an approximate kind of attention (linear, sparse) is from exact softmax attention on
// the same input: divergence of the weight rows and the largest difference of the outputs.

#include "core/base/types.h"

namespace attnlab::core {

struct ApproximationError {
    /// Mean over the compared rows of KL(exact ‖ approx) = Σ_j p_j ln(p_j / q_j), in nats. +∞
    /// when some row gives weight 0 to a key the exact row weighs (a sparse pattern always does
    /// unless it sees every key): see infiniteRows and the two measures below.
    double meanRowKL = 0.0;
    int infiniteRows = 0; ///< rows whose KL(exact ‖ approx) is +∞
    /// Mean over rows of KL(approx ‖ exact), finite for sparse kinds: for softmax over a subset
    /// of the keys it equals −ln(the exact weight of that subset).
    double meanRowReverseKL = 0.0;
    /// Mean over rows of the exact weight on keys the approximation gives 0 (what it drops).
    double meanDroppedWeight = 0.0;
    double maxOutputDifference = 0.0; ///< max over cells of |C_exact − C_approx|
    double maxWeightDifference = 0.0; ///< max over cells of |A_exact − A_approx|
    int rowsCompared = 0;             ///< rows where both weight rows are a distribution
    int rowsSkipped = 0;              ///< rows where either is all 0 (no key visible, or flagged)
};

/// Compares weights (n_q × n_k) and contexts (n_q × d_v) of an exact and an approximate
/// computation, in double. Throws InputError when the shapes differ.
ApproximationError approximationError(const Eigen::Ref<const Matrix>& exactWeights,
                                      const Eigen::Ref<const Matrix>& approxWeights,
                                      const Eigen::Ref<const Matrix>& exactContext,
                                      const Eigen::Ref<const Matrix>& approxContext);

} // namespace attnlab::core
