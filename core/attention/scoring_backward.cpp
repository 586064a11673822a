#include "core/attention/scoring_backward.h"

#include <cassert>

namespace attnlab::core {

ScoringGradients scoringBackward(ScoringFunction scoring, const Eigen::Ref<const Matrix>& q,
                                 const Eigen::Ref<const Matrix>& k, const ScoringParams& params,
                                 const Eigen::Ref<const Matrix>& dScores) {
    assert(dScores.rows() == q.rows() && dScores.cols() == k.rows());
    assert(q.cols() == k.cols());
    const ScoringEntry& entry = scoringEntry(scoring);
    assert(entry.backward && "every scoring function has a backward pass");
    return entry.backward(q, k, params, dScores);
}

} // namespace attnlab::core
