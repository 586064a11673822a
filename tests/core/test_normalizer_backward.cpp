// Gradients of the normalisers against central finite differences of double-precision
// reference normalisers written from attention-math.md ("Normalisers"); sparsemax's reference
// finds its threshold by bisection rather than by sorting.

#include "core/attention/normalizer.h"
#include "core/attention/normalizer_backward.h"
#include "core/attention/options.h"
#include "core/base/random.h"
#include "core/base/types.h"

#include "eigen_testing.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <tuple>
#include <vector>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_normalizer_backward {

using attnlab::core::InputError;
using attnlab::core::Matrix;
using attnlab::core::Normalizer;
using attnlab::core::normalizerBackward;
using attnlab::core::normalizeRows;
using attnlab::core::Random;
using attnlab::core::toString;

namespace {

using MatrixD = Eigen::MatrixXd;
constexpr double kInf = std::numeric_limits<double>::infinity();

Eigen::RowVectorXd referenceRow(Normalizer normalizer, const Eigen::RowVectorXd& z) {
    const Eigen::Index n = z.size();
    Eigen::RowVectorXd a = Eigen::RowVectorXd::Zero(n);
    double top = -kInf;
    for (Eigen::Index j = 0; j < n; ++j)
        top = std::max(top, z(j));
    if (top == -kInf)
        return a;
    switch (normalizer) {
    case Normalizer::Softmax: {
        double sum = 0.0;
        for (Eigen::Index j = 0; j < n; ++j)
            if (z(j) != -kInf)
                sum += std::exp(z(j) - top);
        for (Eigen::Index j = 0; j < n; ++j)
            a(j) = z(j) == -kInf ? 0.0 : std::exp(z(j) - top) / sum;
        break;
    }
    case Normalizer::Sparsemax: {
        // Σ max(z − τ, 0) = 1 is decreasing in τ; bisect between max − 1 and max.
        double low = top - 1.0, high = top;
        for (int iteration = 0; iteration < 200; ++iteration) {
            const double tau = 0.5 * (low + high);
            double sum = 0.0;
            for (Eigen::Index j = 0; j < n; ++j)
                if (z(j) != -kInf)
                    sum += std::max(z(j) - tau, 0.0);
            (sum > 1.0 ? low : high) = tau;
        }
        for (Eigen::Index j = 0; j < n; ++j)
            a(j) = z(j) == -kInf ? 0.0 : std::max(z(j) - 0.5 * (low + high), 0.0);
        break;
    }
    case Normalizer::Relu: {
        double sum = 0.0;
        for (Eigen::Index j = 0; j < n; ++j)
            sum += std::max(z(j), 0.0);
        if (sum > 0.0)
            for (Eigen::Index j = 0; j < n; ++j)
                a(j) = std::max(z(j), 0.0) / sum;
        break;
    }
    case Normalizer::Sigmoid:
        for (Eigen::Index j = 0; j < n; ++j)
            a(j) = z(j) == -kInf ? 0.0 : 1.0 / (1.0 + std::exp(-z(j)));
        break;
    case Normalizer::Hardmax:
        break;
    }
    return a;
}

double weightedReference(Normalizer normalizer, const MatrixD& logits, const MatrixD& g) {
    double total = 0.0;
    for (Eigen::Index i = 0; i < logits.rows(); ++i)
        total += referenceRow(normalizer, logits.row(i)).dot(g.row(i));
    return total;
}

class NormalizerBackward : public ::testing::TestWithParam<std::tuple<Normalizer, int, int, int>> {
};

TEST_P(NormalizerBackward, MatchesFiniteDifferences) {
    const auto [normalizer, rows, cols, seed] = GetParam();
    Random rng(static_cast<std::uint64_t>(seed));
    Matrix logits = rng.normalMatrix(rows, cols, 1.5);
    // A causal pattern of masked cells, plus one fully masked row when there are several rows.
    for (int i = 0; i < rows; ++i)
        for (int j = i + 1; j < cols; ++j)
            logits(i, j) = -std::numeric_limits<float>::infinity();
    if (rows > 2)
        logits.row(rows - 1).setConstant(-std::numeric_limits<float>::infinity());
    const Matrix g = rng.normalMatrix(rows, cols, 1.0);
    std::vector<int> flagged;
    const Matrix weights = normalizeRows(normalizer, logits, flagged);
    const Matrix analytic = normalizerBackward(normalizer, logits, weights, g);

    MatrixD ld = logits.cast<double>();
    const MatrixD gd = g.cast<double>();
    MatrixD numeric = MatrixD::Zero(rows, cols);
    constexpr double h = 1e-6;
    for (int i = 0; i < rows; ++i)
        for (int j = 0; j < cols; ++j) {
            if (!std::isfinite(ld(i, j)))
                continue; // a masked cell is not a variable: its gradient must be exactly 0
            const double saved = ld(i, j);
            ld(i, j) = saved + h;
            const double up = weightedReference(normalizer, ld, gd);
            ld(i, j) = saved - h;
            const double down = weightedReference(normalizer, ld, gd);
            ld(i, j) = saved;
            numeric(i, j) = (up - down) / (2.0 * h);
        }
    EXPECT_TRUE(analytic.allFinite());
    EXPECT_EIGEN_NEAR(analytic.cast<double>(), numeric, 2e-4);
}

INSTANTIATE_TEST_SUITE_P(
    AllWithGradient, NormalizerBackward,
    ::testing::Combine(::testing::Values(Normalizer::Softmax, Normalizer::Sparsemax,
                                         Normalizer::Relu, Normalizer::Sigmoid),
                       ::testing::Values(1, 4), ::testing::Values(1, 3, 9),
                       ::testing::Values(11, 12, 13)),
    [](const auto& info) {
        return std::string(toString(std::get<0>(info.param))) + "_r" +
               std::to_string(std::get<1>(info.param)) + "_c" +
               std::to_string(std::get<2>(info.param)) + "_seed" +
               std::to_string(std::get<3>(info.param));
    });

TEST(NormalizerBackward, SparsemaxIsTheSupportProjection) {
    // ∂a/∂ℓ = diag(𝟙_S) − 𝟙_S 𝟙_Sᵀ/|S| (attention-math.md, "Training"): logits 2, 1.8, −1 have
    // the support {0, 1}; the gradient of Σ g a is g − mean over the support, on the support.
    Matrix logits(1, 3);
    logits << 2.0f, 1.8f, -1.0f;
    std::vector<int> flagged;
    const Matrix weights = normalizeRows(Normalizer::Sparsemax, logits, flagged);
    Matrix g(1, 3);
    g << 1.0f, 4.0f, 7.0f;
    Matrix expected(1, 3);
    expected << -1.5f, 1.5f, 0.0f;
    EXPECT_EIGEN_NEAR(normalizerBackward(Normalizer::Sparsemax, logits, weights, g), expected,
                      1e-6);
}

TEST(NormalizerBackward, ReluRowWithoutPositiveLogitHasZeroGradient) {
    Matrix logits(1, 3);
    logits << -1.0f, -0.5f, 0.0f;
    std::vector<int> flagged;
    const Matrix weights = normalizeRows(Normalizer::Relu, logits, flagged);
    const Matrix g = Matrix::Ones(1, 3);
    EXPECT_EQ(normalizerBackward(Normalizer::Relu, logits, weights, g).cwiseAbs().maxCoeff(), 0.0f);
}

TEST(NormalizerBackward, SoftmaxGradientSumsToZeroPerRow) {
    // Adding a constant to a row leaves softmax unchanged, so every row of ∂L sums to 0.
    Random rng(21);
    const Matrix logits = rng.normalMatrix(6, 7, 2.0);
    const Matrix g = rng.normalMatrix(6, 7, 1.0);
    std::vector<int> flagged;
    const Matrix weights = normalizeRows(Normalizer::Softmax, logits, flagged);
    const Matrix d = normalizerBackward(Normalizer::Softmax, logits, weights, g);
    for (int i = 0; i < d.rows(); ++i)
        EXPECT_NEAR(d.row(i).sum(), 0.0f, 1e-5f) << "row " << i;
}

TEST(NormalizerBackward, HardmaxIsRefusedWithAReason) {
    Matrix logits = Matrix::Ones(2, 2);
    try {
        normalizerBackward(Normalizer::Hardmax, logits, logits, logits);
        FAIL() << "hardmax must have no gradient";
    } catch (const InputError& error) {
        const std::string message = error.what();
        EXPECT_NE(message.find("hardmax"), std::string::npos) << message;
        EXPECT_NE(message.find("gradient"), std::string::npos) << message;
    }
    EXPECT_FALSE(attnlab::core::hasGradient(Normalizer::Hardmax));
    EXPECT_TRUE(attnlab::core::noGradientReason(Normalizer::Softmax).empty());
}

} // namespace

} // namespace test_normalizer_backward
