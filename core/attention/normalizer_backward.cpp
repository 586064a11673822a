#include "core/attention/normalizer_backward.h"

#include <cassert>
#include <limits>

namespace attnlab::core {
namespace {

constexpr float kMinusInfinity = -std::numeric_limits<float>::infinity();

// Σ_j a_j g_j of one row, summed in double so that long rows keep their digits.
float weightedSum(const Eigen::Ref<const RowVector>& a, const Eigen::Ref<const RowVector>& g) {
    double sum = 0.0;
    for (Eigen::Index j = 0; j < a.size(); ++j)
        sum += static_cast<double>(a(j)) * static_cast<double>(g(j));
    return static_cast<float>(sum);
}

void softmaxRow(const Eigen::Ref<const RowVector>& a, const Eigen::Ref<const RowVector>& g,
                Eigen::Ref<RowVector> out) {
    // ∂a_k/∂ℓ_j = a_k (δ_kj − a_j). Masked cells have a = 0 and so get 0.
    const float mean = weightedSum(a, g);
    out.array() = a.array() * (g.array() - mean);
}

void sparsemaxRow(const Eigen::Ref<const RowVector>& a, const Eigen::Ref<const RowVector>& g,
                  Eigen::Ref<RowVector> out) {
    // ∂a/∂ℓ = diag(𝟙_S) − 𝟙_S 𝟙_Sᵀ / |S| on the support S = {j : a_j > 0}.
    double sum = 0.0;
    int count = 0;
    for (Eigen::Index j = 0; j < a.size(); ++j)
        if (a(j) > 0.0f) {
            sum += g(j);
            ++count;
        }
    if (count == 0) {
        out.setZero();
        return;
    }
    const float mean = static_cast<float>(sum / count);
    for (Eigen::Index j = 0; j < a.size(); ++j)
        out(j) = a(j) > 0.0f ? g(j) - mean : 0.0f;
}

void reluRow(const Eigen::Ref<const RowVector>& logits, const Eigen::Ref<const RowVector>& a,
             const Eigen::Ref<const RowVector>& g, Eigen::Ref<RowVector> out) {
    // a = r / Σr with r = max(ℓ, 0): for ℓ_j > 0, ∂a_k/∂ℓ_j = (δ_kj − a_k) / Σr. At ℓ_j ≤ 0 the
    // (sub)gradient taken is 0, as for max(ℓ, 0) itself.
    double total = 0.0;
    for (Eigen::Index j = 0; j < logits.size(); ++j)
        if (logits(j) > 0.0f)
            total += logits(j);
    if (!(total > 0.0)) {
        out.setZero();
        return;
    }
    const float mean = weightedSum(a, g);
    const float inverse = static_cast<float>(1.0 / total);
    for (Eigen::Index j = 0; j < logits.size(); ++j)
        out(j) = logits(j) > 0.0f ? (g(j) - mean) * inverse : 0.0f;
}

void sigmoidRow(const Eigen::Ref<const RowVector>& logits, const Eigen::Ref<const RowVector>& a,
                const Eigen::Ref<const RowVector>& g, Eigen::Ref<RowVector> out) {
    for (Eigen::Index j = 0; j < logits.size(); ++j)
        out(j) = logits(j) == kMinusInfinity ? 0.0f : g(j) * a(j) * (1.0f - a(j));
}

} // namespace

bool hasGradient(Normalizer normalizer) {
    return normalizer != Normalizer::Hardmax;
}

std::string noGradientReason(Normalizer normalizer) {
    if (hasGradient(normalizer))
        return {};
    return "the hardmax normaliser cannot be trained: its weights are a step function of the "
           "scores (one-hot at the largest), so their gradient is zero wherever it exists and "
           "nothing would be learned; choose softmax, sparsemax, relu or sigmoid";
}

void normalizerBackwardInto(Normalizer normalizer, const Eigen::Ref<const Matrix>& logits,
                            const Eigen::Ref<const Matrix>& weights,
                            const Eigen::Ref<const Matrix>& dWeights, Eigen::Ref<Matrix> dLogits) {
    if (!hasGradient(normalizer))
        throw InputError(noGradientReason(normalizer));
    assert(weights.rows() == logits.rows() && weights.cols() == logits.cols());
    assert(dWeights.rows() == logits.rows() && dWeights.cols() == logits.cols());
    assert(dLogits.rows() == logits.rows() && dLogits.cols() == logits.cols());
    for (Eigen::Index i = 0; i < logits.rows(); ++i) {
        const auto l = logits.row(i);
        const auto a = weights.row(i);
        const auto g = dWeights.row(i);
        auto out = dLogits.row(i);
        if (!(l.maxCoeff() > kMinusInfinity)) {
            out.setZero(); // every key masked: the weights are the constant 0
            continue;
        }
        switch (normalizer) {
        case Normalizer::Softmax:
            softmaxRow(a, g, out);
            break;
        case Normalizer::Sparsemax:
            sparsemaxRow(a, g, out);
            break;
        case Normalizer::Relu:
            reluRow(l, a, g, out);
            break;
        case Normalizer::Sigmoid:
            sigmoidRow(l, a, g, out);
            break;
        case Normalizer::Hardmax:
            break; // refused above
        }
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
