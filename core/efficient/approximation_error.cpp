#include "core/efficient/approximation_error.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

namespace attnlab::core {

ApproximationError approximationError(const Eigen::Ref<const Matrix>& exactWeights,
                                      const Eigen::Ref<const Matrix>& approxWeights,
                                      const Eigen::Ref<const Matrix>& exactContext,
                                      const Eigen::Ref<const Matrix>& approxContext) {
    auto shape = [](const Eigen::Ref<const Matrix>& m) {
        return std::to_string(m.rows()) + " × " + std::to_string(m.cols());
    };
    if (exactWeights.rows() != approxWeights.rows() || exactWeights.cols() != approxWeights.cols())
        throw InputError("approximation error: the weights are " + shape(exactWeights) + " and " +
                         shape(approxWeights));
    if (exactContext.rows() != approxContext.rows() || exactContext.cols() != approxContext.cols())
        throw InputError("approximation error: the contexts are " + shape(exactContext) + " and " +
                         shape(approxContext));
    ApproximationError error;
    double kl = 0.0, reverse = 0.0, dropped = 0.0;
    for (Eigen::Index i = 0; i < exactWeights.rows(); ++i) {
        const auto p = exactWeights.row(i);
        const auto q = approxWeights.row(i);
        if (p.sum() <= 0.0f || q.sum() <= 0.0f) {
            ++error.rowsSkipped;
            continue;
        }
        ++error.rowsCompared;
        double rowKL = 0.0, rowReverse = 0.0, rowDropped = 0.0;
        bool infinite = false;
        for (Eigen::Index j = 0; j < p.size(); ++j) {
            const double pj = p(j), qj = q(j);
            if (pj > 0.0 && qj > 0.0) {
                rowKL += pj * std::log(pj / qj);
                rowReverse += qj * std::log(qj / pj);
            } else if (pj > 0.0) {
                infinite = true;
                rowDropped += pj;
            } else if (qj > 0.0) {
                rowReverse = std::numeric_limits<double>::infinity();
            }
        }
        // Rounding can leave a divergence a hair below 0 when the rows agree; it is 0.
        if (infinite)
            ++error.infiniteRows;
        else
            kl += std::max(0.0, rowKL);
        reverse += std::max(0.0, rowReverse);
        dropped += rowDropped;
    }
    if (error.rowsCompared > 0) {
        const double rows = error.rowsCompared;
        error.meanRowKL =
            error.infiniteRows > 0 ? std::numeric_limits<double>::infinity() : kl / rows;
        error.meanRowReverseKL = reverse / rows;
        error.meanDroppedWeight = dropped / rows;
    }
    if (exactWeights.size() > 0)
        error.maxWeightDifference =
            (exactWeights.cast<double>() - approxWeights.cast<double>()).cwiseAbs().maxCoeff();
    if (exactContext.size() > 0)
        error.maxOutputDifference =
            (exactContext.cast<double>() - approxContext.cast<double>()).cwiseAbs().maxCoeff();
    return error;
}

} // namespace attnlab::core
