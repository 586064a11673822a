#include "core/attention/normalizer_backward.h"

#include "core/attention/normalizer.h"
#include "core/base/message.h"

#include <cassert>
#include <limits>

namespace attnlab::core {

bool hasGradient(Normalizer normalizer) {
    return normalizerEntry(normalizer).backwardRow != nullptr;
}

std::string noGradientReason(Normalizer normalizer) {
    return std::string(normalizerEntry(normalizer).noGradient);
}

void normalizerBackwardInto(Normalizer normalizer, const Eigen::Ref<const Matrix>& logits,
                            const Eigen::Ref<const Matrix>& weights,
                            const Eigen::Ref<const Matrix>& dWeights, Eigen::Ref<Matrix> dLogits) {
    const NormalizerEntry& entry = normalizerEntry(normalizer);
    if (!entry.backwardRow)
        throw InputError(message(entry.noGradient));
    assert(weights.rows() == logits.rows() && weights.cols() == logits.cols());
    assert(dWeights.rows() == logits.rows() && dWeights.cols() == logits.cols());
    assert(dLogits.rows() == logits.rows() && dLogits.cols() == logits.cols());
    for (Eigen::Index i = 0; i < logits.rows(); ++i) {
        auto out = dLogits.row(i);
        if (!(logits.row(i).maxCoeff() > -std::numeric_limits<float>::infinity())) {
            out.setZero(); // every key masked: the weights are the constant 0
            continue;
        }
        entry.backwardRow(logits.row(i), weights.row(i), dWeights.row(i), out);
    }
}

Matrix normalizerBackward(Normalizer normalizer, const Eigen::Ref<const Matrix>& logits,
                          const Eigen::Ref<const Matrix>& weights,
                          const Eigen::Ref<const Matrix>& dWeights) {
    Matrix dLogits(logits.rows(), logits.cols());
    normalizerBackwardInto(normalizer, logits, weights, dWeights, dLogits);
    return dLogits;
}

} // namespace attnlab::core
