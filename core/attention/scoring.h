#pragma once
// Score functions S[i, j] (attention-math.md, "Scores"), computed with matrix products.

#include "core/model/attention.h"

namespace attnlab::core {

/// Scoring parameters for one head: general W_a is identity unless `random`; additive W_1, W_2,
/// v are always seeded (N(0, 1/d_k)); cosine takes `cosineScale`.
ScoringParams makeScoringParams(ScoringFunction scoring, int dK, int dA, bool random,
                                float cosineScale, std::uint64_t seed, int head);

/// S = score(Q, K): n_q × n_k. q is n_q × d_k, k is n_k × d_k. Scaled-dot divides by √d_k.
/// Cosine gives 0 where either vector is zero.
Matrix computeScores(ScoringFunction scoring, const Eigen::Ref<const Matrix>& q,
                     const Eigen::Ref<const Matrix>& k, const ScoringParams& params);

} // namespace attnlab::core
