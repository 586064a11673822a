#pragma once
// Gradients of the score functions (attention-math.md, "Scores" and "Training"): given
// ∂loss/∂S, the gradients with respect to the queries, the keys and the function's trainable
// parameters.

#include "core/attention/options.h"
#include "core/attention/scoring.h"
#include "core/base/types.h"

namespace attnlab::core {

/// The backward pass of `scoring` (its registry entry's) of the scores for the upstream gradient
/// dScores (n_q × n_k). Cosine gives zero gradient to a zero query or key row (its scores are the
/// constant 0). The forward is recomputed where the gradient needs it (additive, cosine).
ScoringGradients scoringBackward(ScoringFunction scoring, const Eigen::Ref<const Matrix>& q,
                                 const Eigen::Ref<const Matrix>& k, const ScoringParams& params,
                                 const Eigen::Ref<const Matrix>& dScores);

} // namespace attnlab::core
