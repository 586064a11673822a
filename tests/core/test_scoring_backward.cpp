// Gradients of the scoring functions against central finite differences of per-cell loops in
// double precision, written from the formulas of attention-math.md ("Scores"), not from the
// core's code.

#include "core/attention/options.h"
#include "core/attention/scoring.h"
#include "core/attention/scoring_backward.h"
#include "core/base/random.h"
#include "core/base/types.h"

#include "eigen_testing.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <functional>
#include <tuple>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_scoring_backward {

using attnlab::core::makeScoringParams;
using attnlab::core::Matrix;
using attnlab::core::Random;
using attnlab::core::scoringBackward;
using attnlab::core::ScoringFunction;
using attnlab::core::ScoringParams;
using attnlab::core::toString;

namespace {

using MatrixD = Eigen::MatrixXd;

// Parameters in double, so that the finite differences see no float rounding.
struct ParamsD {
    MatrixD wa, w1, w2;
    Eigen::VectorXd v;
    double scale = 1.0;
};

ParamsD toDouble(const ScoringParams& p) {
    ParamsD d;
    d.wa = p.wa.cast<double>();
    d.w1 = p.w1.cast<double>();
    d.w2 = p.w2.cast<double>();
    d.v = p.v.cast<double>();
    d.scale = p.scale;
    return d;
}

// Σ_ij G_ij S_ij, with S from the formulas of the math page, cell by cell.
double weightedScores(ScoringFunction scoring, const MatrixD& q, const MatrixD& k, const ParamsD& p,
                      const MatrixD& g) {
    double total = 0.0;
    for (int i = 0; i < q.rows(); ++i)
        for (int j = 0; j < k.rows(); ++j) {
            double s = 0.0;
            switch (scoring) {
            case ScoringFunction::Dot:
                s = q.row(i).dot(k.row(j));
                break;
            case ScoringFunction::ScaledDot:
                s = q.row(i).dot(k.row(j)) / std::sqrt(static_cast<double>(q.cols()));
                break;
            case ScoringFunction::General:
                for (int a = 0; a < q.cols(); ++a)
                    for (int b = 0; b < k.cols(); ++b)
                        s += q(i, a) * p.wa(a, b) * k(j, b);
                break;
            case ScoringFunction::Additive:
                for (int a = 0; a < p.w1.rows(); ++a) {
                    double pre = 0.0;
                    for (int c = 0; c < q.cols(); ++c)
                        pre += p.w1(a, c) * q(i, c) + p.w2(a, c) * k(j, c);
                    s += p.v(a) * std::tanh(pre);
                }
                break;
            case ScoringFunction::Cosine: {
                const double nq = q.row(i).norm();
                const double nk = k.row(j).norm();
                s = nq > 0.0 && nk > 0.0 ? p.scale * q.row(i).dot(k.row(j)) / (nq * nk) : 0.0;
                break;
            }
            }
            total += g(i, j) * s;
        }
    return total;
}

// Central difference of f with respect to every entry of x.
template <typename M> M numericGradient(M& x, const std::function<double()>& f) {
    constexpr double h = 1e-6;
    M grad(x.rows(), x.cols());
    for (int r = 0; r < x.rows(); ++r)
        for (int c = 0; c < x.cols(); ++c) {
            const double saved = x(r, c);
            x(r, c) = saved + h;
            const double up = f();
            x(r, c) = saved - h;
            const double down = f();
            x(r, c) = saved;
            grad(r, c) = (up - down) / (2.0 * h);
        }
    return grad;
}

class ScoringBackward
    : public ::testing::TestWithParam<std::tuple<ScoringFunction, int, int, int, int>> {};

TEST_P(ScoringBackward, MatchesFiniteDifferences) {
    const auto [scoring, nq, nk, dK, seed] = GetParam();
    const int dA = dK + 1; // a hidden width unlike d_k catches transposed shapes
    Random rng(static_cast<std::uint64_t>(seed));
    const Matrix q = rng.normalMatrix(nq, dK, 1.0);
    const Matrix k = rng.normalMatrix(nk, dK, 1.0);
    const Matrix g = rng.normalMatrix(nq, nk, 1.0);
    ScoringParams params =
        makeScoringParams(scoring, dK, dA, true, 3.0f, static_cast<std::uint64_t>(seed), 0);

    const auto result = scoringBackward(scoring, q, k, params, g);

    MatrixD qd = q.cast<double>();
    MatrixD kd = k.cast<double>();
    const MatrixD gd = g.cast<double>();
    ParamsD pd = toDouble(params);
    // scoring by value: clang 14 cannot capture a structured binding by reference
    const auto loss = [&, scoring = scoring] { return weightedScores(scoring, qd, kd, pd, gd); };
    constexpr double kTolerance = 2e-4;
    EXPECT_EIGEN_NEAR(result.dq.cast<double>(), numericGradient(qd, loss), kTolerance);
    EXPECT_EIGEN_NEAR(result.dk.cast<double>(), numericGradient(kd, loss), kTolerance);
    if (scoring == ScoringFunction::General)
        EXPECT_EIGEN_NEAR(result.dparams.wa.cast<double>(), numericGradient(pd.wa, loss),
                          kTolerance);
    else
        EXPECT_EQ(result.dparams.wa.size(), 0);
    if (scoring == ScoringFunction::Additive) {
        EXPECT_EIGEN_NEAR(result.dparams.w1.cast<double>(), numericGradient(pd.w1, loss),
                          kTolerance);
        EXPECT_EIGEN_NEAR(result.dparams.w2.cast<double>(), numericGradient(pd.w2, loss),
                          kTolerance);
        EXPECT_EIGEN_NEAR(result.dparams.v.cast<double>(), numericGradient(pd.v, loss), kTolerance);
    } else {
        EXPECT_EQ(result.dparams.w1.size(), 0);
        EXPECT_EQ(result.dparams.v.size(), 0);
    }
    EXPECT_EQ(result.dparams.scale, 0.0f);
}

INSTANTIATE_TEST_SUITE_P(
    AllFunctions, ScoringBackward,
    ::testing::Combine(::testing::Values(ScoringFunction::Dot, ScoringFunction::ScaledDot,
                                         ScoringFunction::General, ScoringFunction::Additive,
                                         ScoringFunction::Cosine),
                       ::testing::Values(1, 4), ::testing::Values(1, 5), ::testing::Values(1, 3),
                       ::testing::Values(7, 8)),
    [](const auto& info) {
        std::string name(toString(std::get<0>(info.param)));
        for (char& c : name)
            if (c == '-')
                c = '_';
        return name + "_q" + std::to_string(std::get<1>(info.param)) + "_k" +
               std::to_string(std::get<2>(info.param)) + "_d" +
               std::to_string(std::get<3>(info.param)) + "_seed" +
               std::to_string(std::get<4>(info.param));
    });

TEST(ScoringBackward, CosineZeroVectorsGetZeroGradient) {
    Random rng(3);
    Matrix q = rng.normalMatrix(3, 4, 1.0);
    Matrix k = rng.normalMatrix(2, 4, 1.0);
    q.row(1).setZero();
    k.row(0).setZero();
    const Matrix g = rng.normalMatrix(3, 2, 1.0);
    ScoringParams params;
    params.scale = 10.0f;
    const auto result = scoringBackward(ScoringFunction::Cosine, q, k, params, g);
    EXPECT_TRUE(result.dq.allFinite());
    EXPECT_TRUE(result.dk.allFinite());
    EXPECT_EQ(result.dq.row(1).cwiseAbs().maxCoeff(), 0.0f);
    EXPECT_EQ(result.dk.row(0).cwiseAbs().maxCoeff(), 0.0f);
    EXPECT_GT(result.dq.row(0).cwiseAbs().maxCoeff(), 0.0f);
    EXPECT_GT(result.dk.row(1).cwiseAbs().maxCoeff(), 0.0f);
}

TEST(ScoringBackward, CosineGradientIsOrthogonalToItsVector) {
    // Scaling a query leaves its cosine scores unchanged, so the gradient has no radial part.
    Random rng(5);
    const Matrix q = rng.normalMatrix(4, 6, 1.0);
    const Matrix k = rng.normalMatrix(5, 6, 1.0);
    const Matrix g = rng.normalMatrix(4, 5, 1.0);
    ScoringParams params;
    params.scale = 10.0f;
    const auto result = scoringBackward(ScoringFunction::Cosine, q, k, params, g);
    for (int i = 0; i < q.rows(); ++i)
        EXPECT_NEAR(result.dq.row(i).dot(q.row(i)), 0.0f, 1e-4f) << "row " << i;
}

TEST(ScoringBackward, DotWorkedExample) {
    // S = q kᵀ with q = [1 2], k = [[3 4], [5 6]] and dS = [1 −1]: dq = 1·k_0 − 1·k_1 = [−2 −2],
    // dk_0 = q, dk_1 = −q.
    Matrix q(1, 2);
    q << 1, 2;
    Matrix k(2, 2);
    k << 3, 4, 5, 6;
    Matrix g(1, 2);
    g << 1, -1;
    const auto result = scoringBackward(ScoringFunction::Dot, q, k, ScoringParams{}, g);
    Matrix dq(1, 2);
    dq << -2, -2;
    Matrix dk(2, 2);
    dk << 1, 2, -1, -2;
    EXPECT_EIGEN_NEAR(result.dq, dq, 0.0);
    EXPECT_EIGEN_NEAR(result.dk, dk, 0.0);
}

} // namespace

} // namespace test_scoring_backward
