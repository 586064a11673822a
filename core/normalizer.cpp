#include "normalizer.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace attnlab::core {
namespace {

constexpr float kMinusInfinity = -std::numeric_limits<float>::infinity();

bool isVisible(float logit) { return logit != kMinusInfinity; }

// Largest visible logit of a row; −∞ when every key is masked.
float rowMaximum(const Eigen::Ref<const RowVector>& row) { return row.maxCoeff(); }

void softmaxRow(const Eigen::Ref<const RowVector>& logits, Eigen::Ref<RowVector> out) {
    const float top = rowMaximum(logits);
    // Every visible cell is exp(≤ 0): no overflow. Eigen's vectorised exp clamps −∞ to a tiny
    // denormal, so masked cells are set to exactly 0 by hand.
    out = (logits.array() == kMinusInfinity).select(0.0f, (logits.array() - top).exp()).matrix();
    out /= out.sum();
}

void reluRow(const Eigen::Ref<const RowVector>& logits, Eigen::Ref<RowVector> out, bool& flagged) {
    out = logits.cwiseMax(0.0f);
    const float top = out.maxCoeff();
    if (!(top > 0.0f)) {
        out.setZero();
        flagged = true;
        return;
    }
    // Divide by the maximum first so that the sum of huge logits cannot overflow.
    out /= top;
    out /= out.sum();
}

void sigmoidRow(const Eigen::Ref<const RowVector>& logits, Eigen::Ref<RowVector> out) {
    for (Eigen::Index j = 0; j < logits.size(); ++j) {
        const float x = logits(j);
        // Written so that neither branch overflows: exp of a non-positive number only.
        if (x >= 0.0f) {
            out(j) = 1.0f / (1.0f + std::exp(-x));
        } else {
            const float e = std::exp(x);
            out(j) = e / (1.0f + e);
        }
    }
}

void hardmaxRow(const Eigen::Ref<const RowVector>& logits, Eigen::Ref<RowVector> out) {
    const float top = rowMaximum(logits);
    out = (logits.array() == top).cast<float>().matrix();
    out /= out.sum();
}

} // namespace

RowVector sparsemax(const Eigen::Ref<const RowVector>& z) {
    RowVector result = RowVector::Zero(z.size());
    std::vector<double> sorted;
    for (Eigen::Index j = 0; j < z.size(); ++j)
        if (isVisible(z(j)))
            sorted.push_back(z(j));
    if (sorted.empty())
        return result;
    std::sort(sorted.begin(), sorted.end(), std::greater<>());
    // Support size k: the largest k with 1 + k·z_(k) > Σ_{j≤k} z_(j); τ puts the support on the simplex.
    double cumulative = 0.0;
    double tau = 0.0;
    for (std::size_t k = 1; k <= sorted.size(); ++k) {
        cumulative += sorted[k - 1];
        if (1.0 + static_cast<double>(k) * sorted[k - 1] > cumulative)
            tau = (cumulative - 1.0) / static_cast<double>(k);
    }
    for (Eigen::Index j = 0; j < z.size(); ++j)
        if (isVisible(z(j)))
            result(j) = static_cast<float>(std::max(static_cast<double>(z(j)) - tau, 0.0));
    return result;
}

Matrix normalizeRows(Normalizer normalizer, const Eigen::Ref<const Matrix>& logits,
                     std::vector<int>& flaggedRows) {
    Matrix weights = Matrix::Zero(logits.rows(), logits.cols());
    for (Eigen::Index i = 0; i < logits.rows(); ++i) {
        const auto row = logits.row(i);
        if (!(rowMaximum(row) > kMinusInfinity)) {
            flaggedRows.push_back(static_cast<int>(i)); // every key masked: no distribution
            continue;
        }
        bool flagged = false;
        auto out = weights.row(i);
        switch (normalizer) {
        case Normalizer::Softmax:
            softmaxRow(row, out);
            break;
        case Normalizer::Sparsemax:
            out = sparsemax(row);
            break;
        case Normalizer::Relu:
            reluRow(row, out, flagged);
            break;
        case Normalizer::Sigmoid:
            sigmoidRow(row, out);
            break;
        case Normalizer::Hardmax:
            hardmaxRow(row, out);
            break;
        }
        if (flagged)
            flaggedRows.push_back(static_cast<int>(i));
    }
    return weights;
}

Vector rowEntropy(const Eigen::Ref<const Matrix>& weights) {
    Vector entropy(weights.rows());
    for (Eigen::Index i = 0; i < weights.rows(); ++i) {
        double sum = 0.0;
        for (Eigen::Index j = 0; j < weights.cols(); ++j) {
            const double a = weights(i, j);
            if (a > 0.0)
                sum -= a * std::log(a);
        }
        entropy(i) = static_cast<float>(sum);
    }
    return entropy;
}

} // namespace attnlab::core
