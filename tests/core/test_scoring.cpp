// Scoring functions (attention-math.md, "Scores") against per-cell loops in double precision.
// The loops are written from the formulas on that page, not from the core's code.

#include "core/attention/options.h"
#include "core/attention/scoring.h"
#include "core/base/random.h"
#include "core/base/types.h"

#include "eigen_testing.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <tuple>
#include <vector>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_scoring {

using attnlab::core::computeScores;
using attnlab::core::makeScoringParams;
using attnlab::core::Matrix;
using attnlab::core::Random;
using attnlab::core::ScoringFunction;
using attnlab::core::ScoringParams;

namespace {

using Reference = Eigen::MatrixXd;

constexpr double kTolerance = 1e-4;

Matrix randomMatrix(int rows, int cols, std::uint64_t seed, double stddev = 1.0) {
    Random rng(seed);
    return rng.normalMatrix(rows, cols, stddev);
}

double dot(const Matrix& a, int i, const Matrix& b, int j) {
    double sum = 0.0;
    for (int c = 0; c < a.cols(); ++c)
        sum += static_cast<double>(a(i, c)) * static_cast<double>(b(j, c));
    return sum;
}

double norm(const Matrix& a, int i) {
    return std::sqrt(dot(a, i, a, i));
}

// dot: q_i · k_j
Reference loopDot(const Matrix& q, const Matrix& k) {
    Reference s(q.rows(), k.rows());
    for (int i = 0; i < q.rows(); ++i)
        for (int j = 0; j < k.rows(); ++j)
            s(i, j) = dot(q, i, k, j);
    return s;
}

// scaled-dot: q_i · k_j / √d_k
Reference loopScaledDot(const Matrix& q, const Matrix& k) {
    const double root = std::sqrt(static_cast<double>(q.cols()));
    Reference s(q.rows(), k.rows());
    for (int i = 0; i < q.rows(); ++i)
        for (int j = 0; j < k.rows(); ++j)
            s(i, j) = dot(q, i, k, j) / root;
    return s;
}

// general: q_i W_a k_jᵀ = Σ_a Σ_b q_i[a] W_a[a, b] k_j[b]
Reference loopGeneral(const Matrix& q, const Matrix& k, const Matrix& wa) {
    Reference s(q.rows(), k.rows());
    for (int i = 0; i < q.rows(); ++i)
        for (int j = 0; j < k.rows(); ++j) {
            double sum = 0.0;
            for (int a = 0; a < q.cols(); ++a)
                for (int b = 0; b < k.cols(); ++b)
                    sum += static_cast<double>(q(i, a)) * static_cast<double>(wa(a, b)) *
                           static_cast<double>(k(j, b));
            s(i, j) = sum;
        }
    return s;
}

// additive: vᵀ tanh(W_1 q_iᵀ + W_2 k_jᵀ)
Reference loopAdditive(const Matrix& q, const Matrix& k, const ScoringParams& p) {
    const int dA = static_cast<int>(p.v.size());
    Reference s(q.rows(), k.rows());
    for (int i = 0; i < q.rows(); ++i)
        for (int j = 0; j < k.rows(); ++j) {
            double sum = 0.0;
            for (int a = 0; a < dA; ++a) {
                double hidden = 0.0;
                for (int c = 0; c < q.cols(); ++c)
                    hidden += static_cast<double>(p.w1(a, c)) * static_cast<double>(q(i, c)) +
                              static_cast<double>(p.w2(a, c)) * static_cast<double>(k(j, c));
                sum += static_cast<double>(p.v(a)) * std::tanh(hidden);
            }
            s(i, j) = sum;
        }
    return s;
}

// cosine: s · (q_i · k_j) / (‖q_i‖ ‖k_j‖), 0 when either vector is zero
Reference loopCosine(const Matrix& q, const Matrix& k, double scale) {
    Reference s(q.rows(), k.rows());
    for (int i = 0; i < q.rows(); ++i)
        for (int j = 0; j < k.rows(); ++j) {
            const double nq = norm(q, i), nk = norm(k, j);
            s(i, j) = (nq == 0.0 || nk == 0.0) ? 0.0 : scale * dot(q, i, k, j) / (nq * nk);
        }
    return s;
}

// (n_q, n_k, d_k, seed): n_q ≠ n_k in most cases, d_k 1, 3, 8, 16.
const std::vector<std::tuple<int, int, int, std::uint64_t>>& shapes() {
    static const std::vector<std::tuple<int, int, int, std::uint64_t>> all = {
        {1, 1, 1, 1}, {3, 5, 1, 2},  {4, 2, 3, 3},  {5, 7, 8, 4},
        {6, 6, 8, 5}, {2, 9, 16, 6}, {7, 3, 16, 7}, {3, 4, 3, 8},
    };
    return all;
}

ScoringParams params(ScoringFunction scoring, int dK, int dA = 0, bool random = false,
                     float scale = 10.0f, std::uint64_t seed = 42, int head = 0) {
    return makeScoringParams(scoring, dK, dA, random, scale, seed, head);
}

} // namespace

TEST(ComputeScores, DotMatchesLoop) {
    for (const auto& [nq, nk, dK, seed] : shapes()) {
        SCOPED_TRACE(::testing::Message()
                     << nq << "×" << nk << ", d_k " << dK << ", seed " << seed);
        const Matrix q = randomMatrix(nq, dK, seed);
        const Matrix k = randomMatrix(nk, dK, seed + 100);
        const Matrix s =
            computeScores(ScoringFunction::Dot, q, k, params(ScoringFunction::Dot, dK));
        EXPECT_EIGEN_NEAR(s, loopDot(q, k), kTolerance);
    }
}

TEST(ComputeScores, ScaledDotMatchesLoop) {
    for (const auto& [nq, nk, dK, seed] : shapes()) {
        SCOPED_TRACE(::testing::Message()
                     << nq << "×" << nk << ", d_k " << dK << ", seed " << seed);
        const Matrix q = randomMatrix(nq, dK, seed);
        const Matrix k = randomMatrix(nk, dK, seed + 100);
        const Matrix s =
            computeScores(ScoringFunction::ScaledDot, q, k, params(ScoringFunction::ScaledDot, dK));
        EXPECT_EIGEN_NEAR(s, loopScaledDot(q, k), kTolerance);
    }
}

TEST(ComputeScores, ScaledDotIsDotOverRootDk) {
    const Matrix q = randomMatrix(4, 16, 11);
    const Matrix k = randomMatrix(5, 16, 12);
    const Matrix dotScores =
        computeScores(ScoringFunction::Dot, q, k, params(ScoringFunction::Dot, 16));
    const Matrix scaled =
        computeScores(ScoringFunction::ScaledDot, q, k, params(ScoringFunction::ScaledDot, 16));
    const Matrix quarter = dotScores / 4.0f;
    EXPECT_EIGEN_NEAR(scaled, quarter, kTolerance);
}

TEST(ComputeScores, GeneralWithIdentityEqualsDot) {
    for (const auto& [nq, nk, dK, seed] : shapes()) {
        SCOPED_TRACE(::testing::Message()
                     << nq << "×" << nk << ", d_k " << dK << ", seed " << seed);
        const Matrix q = randomMatrix(nq, dK, seed);
        const Matrix k = randomMatrix(nk, dK, seed + 100);
        const ScoringParams p = params(ScoringFunction::General, dK, 0, false);
        const Matrix identity = Matrix::Identity(dK, dK);
        ASSERT_EIGEN_NEAR(p.wa, identity, 0.0);
        const Matrix s = computeScores(ScoringFunction::General, q, k, p);
        EXPECT_EIGEN_NEAR(s, loopDot(q, k), kTolerance);
        EXPECT_EIGEN_NEAR(s, loopGeneral(q, k, p.wa), kTolerance);
    }
}

TEST(ComputeScores, GeneralWithRandomWaMatchesLoop) {
    for (const auto& [nq, nk, dK, seed] : shapes()) {
        SCOPED_TRACE(::testing::Message()
                     << nq << "×" << nk << ", d_k " << dK << ", seed " << seed);
        const Matrix q = randomMatrix(nq, dK, seed);
        const Matrix k = randomMatrix(nk, dK, seed + 100);
        const ScoringParams p = params(ScoringFunction::General, dK, 0, true, 10.0f, seed);
        ASSERT_EQ(p.wa.rows(), dK);
        ASSERT_EQ(p.wa.cols(), dK);
        EXPECT_FALSE(p.wa.isApprox(Matrix::Identity(dK, dK))) << "random W_a is the identity";
        const Matrix s = computeScores(ScoringFunction::General, q, k, p);
        EXPECT_EIGEN_NEAR(s, loopGeneral(q, k, p.wa), kTolerance);
    }
}

TEST(ComputeScores, GeneralWithHandMadeWa) {
    // q = (1, 2), k = (3, -1), W_a = [[0, 1], [2, 0]]: q W_a = (4, 1), · k = 12 - 1 = 11.
    Matrix q(1, 2), k(1, 2);
    q << 1, 2;
    k << 3, -1;
    ScoringParams p;
    p.wa.resize(2, 2);
    p.wa << 0, 1, 2, 0;
    const Matrix s = computeScores(ScoringFunction::General, q, k, p);
    ASSERT_EQ(s.rows(), 1);
    ASSERT_EQ(s.cols(), 1);
    EXPECT_FLOAT_EQ(s(0, 0), 11.0f);
}

TEST(ComputeScores, AdditiveMatchesLoop) {
    for (const auto& [nq, nk, dK, seed] : shapes()) {
        for (int dA : {dK, 5}) {
            SCOPED_TRACE(::testing::Message() << nq << "×" << nk << ", d_k " << dK << ", d_a " << dA
                                              << ", seed " << seed);
            const Matrix q = randomMatrix(nq, dK, seed);
            const Matrix k = randomMatrix(nk, dK, seed + 100);
            const ScoringParams p = params(ScoringFunction::Additive, dK, dA, false, 10.0f, seed);
            const Matrix s = computeScores(ScoringFunction::Additive, q, k, p);
            EXPECT_EIGEN_NEAR(s, loopAdditive(q, k, p), kTolerance);
        }
    }
}

TEST(ComputeScores, AdditiveWithHandMadeParameters) {
    // d_k = 1, d_a = 2: W_1 = (1, 0)ᵀ, W_2 = (0, 1)ᵀ, v = (1, 2): S = tanh(q) + 2 tanh(k).
    Matrix q(2, 1), k(3, 1);
    q << 0.5f, -1.0f;
    k << 0.0f, 1.0f, -2.0f;
    ScoringParams p;
    p.w1.resize(2, 1);
    p.w1 << 1, 0;
    p.w2.resize(2, 1);
    p.w2 << 0, 1;
    p.v.resize(2);
    p.v << 1, 2;
    const Matrix s = computeScores(ScoringFunction::Additive, q, k, p);
    ASSERT_EQ(s.rows(), 2);
    ASSERT_EQ(s.cols(), 3);
    for (int i = 0; i < 2; ++i)
        for (int j = 0; j < 3; ++j)
            EXPECT_NEAR(s(i, j), std::tanh(q(i, 0)) + 2.0 * std::tanh(k(j, 0)), 1e-6)
                << "cell (" << i << ", " << j << ")";
}

TEST(ComputeScores, CosineMatchesLoop) {
    for (const auto& [nq, nk, dK, seed] : shapes()) {
        for (float scale : {10.0f, 1.0f, -2.5f}) {
            SCOPED_TRACE(::testing::Message() << nq << "×" << nk << ", d_k " << dK << ", scale "
                                              << scale << ", seed " << seed);
            const Matrix q = randomMatrix(nq, dK, seed);
            const Matrix k = randomMatrix(nk, dK, seed + 100);
            const ScoringParams p = params(ScoringFunction::Cosine, dK, 0, false, scale);
            EXPECT_FLOAT_EQ(p.scale, scale);
            const Matrix s = computeScores(ScoringFunction::Cosine, q, k, p);
            EXPECT_EIGEN_NEAR(s, loopCosine(q, k, scale), kTolerance);
        }
    }
}

TEST(ComputeScores, CosineIsBoundedByScale) {
    const Matrix q = randomMatrix(6, 8, 21);
    const Matrix k = randomMatrix(7, 8, 22);
    const Matrix s =
        computeScores(ScoringFunction::Cosine, q, k, params(ScoringFunction::Cosine, 8));
    EXPECT_LE(s.cwiseAbs().maxCoeff(), 10.0f * (1.0f + 1e-5f));
    // A vector with itself scores exactly the scale.
    const Matrix self =
        computeScores(ScoringFunction::Cosine, q, q, params(ScoringFunction::Cosine, 8));
    for (int i = 0; i < q.rows(); ++i)
        EXPECT_NEAR(self(i, i), 10.0f, 1e-4f);
}

TEST(ComputeScores, CosineWithZeroVectorScoresZero) {
    Matrix q = randomMatrix(3, 4, 31);
    Matrix k = randomMatrix(4, 4, 32);
    q.row(1).setZero();
    k.row(2).setZero();
    const Matrix s =
        computeScores(ScoringFunction::Cosine, q, k, params(ScoringFunction::Cosine, 4));
    ASSERT_TRUE(s.allFinite()) << s;
    for (int j = 0; j < 4; ++j)
        EXPECT_EQ(s(1, j), 0.0f) << "zero query, key " << j;
    for (int i = 0; i < 3; ++i)
        EXPECT_EQ(s(i, 2), 0.0f) << "zero key, query " << i;
    EXPECT_EIGEN_NEAR(s, loopCosine(q, k, 10.0), kTolerance);
}

// Finite vectors near the float limit: a plain sum of squares overflows to ∞ (and every score
// would be 0); the cosine of q and k depends only on their directions.
TEST(ComputeScores, CosineOfVectorsNearTheFloatLimitIsTheCosineOfTheirDirections) {
    const Matrix q = randomMatrix(3, 5, 41);
    const Matrix k = randomMatrix(4, 5, 42);
    const float huge = 3e38f / std::max(q.cwiseAbs().maxCoeff(), k.cwiseAbs().maxCoeff());
    const Matrix big = computeScores(ScoringFunction::Cosine, q * huge, k * huge,
                                     params(ScoringFunction::Cosine, 5));
    ASSERT_TRUE(big.allFinite()) << big;
    EXPECT_EIGEN_NEAR(big, loopCosine(q, k, 10.0), kTolerance);
}

TEST(ComputeScores, DotOfHandMadeVectors) {
    Matrix q(2, 3), k(2, 3);
    q << 1, 2, 3, 0, -1, 4;
    k << 1, 0, 1, 2, 2, 2;
    const Matrix s = computeScores(ScoringFunction::Dot, q, k, params(ScoringFunction::Dot, 3));
    Matrix expected(2, 2);
    expected << 4, 12, 4, 6;
    EXPECT_EIGEN_NEAR(s, expected, 0.0);
}

TEST(MakeScoringParams, GeneralShapeAndIdentity) {
    for (int dK : {1, 3, 8, 16}) {
        const ScoringParams p = params(ScoringFunction::General, dK, 0, false);
        ASSERT_EQ(p.wa.rows(), dK);
        ASSERT_EQ(p.wa.cols(), dK);
        const Matrix identity = Matrix::Identity(dK, dK);
        EXPECT_EIGEN_NEAR(p.wa, identity, 0.0);
        const ScoringParams r = params(ScoringFunction::General, dK, 0, true, 10.0f, 7);
        ASSERT_EQ(r.wa.rows(), dK);
        ASSERT_EQ(r.wa.cols(), dK);
        EXPECT_TRUE(r.wa.allFinite());
    }
}

TEST(MakeScoringParams, AdditiveShapes) {
    for (int dK : {1, 3, 8, 16}) {
        for (int dA : {1, 4, dK, 20}) {
            SCOPED_TRACE(::testing::Message() << "d_k " << dK << ", d_a " << dA);
            for (bool random : {false, true}) {
                const ScoringParams p = params(ScoringFunction::Additive, dK, dA, random, 10.0f, 3);
                EXPECT_EQ(p.w1.rows(), dA);
                EXPECT_EQ(p.w1.cols(), dK);
                EXPECT_EQ(p.w2.rows(), dA);
                EXPECT_EQ(p.w2.cols(), dK);
                EXPECT_EQ(p.v.size(), dA);
                EXPECT_TRUE(p.w1.allFinite() && p.w2.allFinite() && p.v.allFinite());
                // Seeded, never all zero: a zero W or v would make every score 0.
                EXPECT_GT(p.w1.cwiseAbs().sum(), 0.0f);
                EXPECT_GT(p.w2.cwiseAbs().sum(), 0.0f);
                EXPECT_GT(p.v.cwiseAbs().sum(), 0.0f);
            }
        }
    }
}

TEST(MakeScoringParams, CosineScale) {
    EXPECT_FLOAT_EQ(params(ScoringFunction::Cosine, 4, 0, false, 10.0f).scale, 10.0f);
    EXPECT_FLOAT_EQ(params(ScoringFunction::Cosine, 4, 0, false, 3.5f).scale, 3.5f);
}

TEST(MakeScoringParams, DeterministicPerSeedAndHead) {
    for (bool random : {false, true}) {
        const ScoringParams a = params(ScoringFunction::Additive, 8, 6, random, 10.0f, 99, 2);
        const ScoringParams b = params(ScoringFunction::Additive, 8, 6, random, 10.0f, 99, 2);
        EXPECT_EIGEN_NEAR(a.w1, b.w1, 0.0);
        EXPECT_EIGEN_NEAR(a.w2, b.w2, 0.0);
        EXPECT_EIGEN_NEAR(a.v, b.v, 0.0);

        const ScoringParams otherSeed =
            params(ScoringFunction::Additive, 8, 6, random, 10.0f, 100, 2);
        EXPECT_FALSE(a.w1.isApprox(otherSeed.w1)) << "W_1 ignores the seed";
        EXPECT_FALSE(a.v.isApprox(otherSeed.v)) << "v ignores the seed";
        const ScoringParams otherHead =
            params(ScoringFunction::Additive, 8, 6, random, 10.0f, 99, 3);
        EXPECT_FALSE(a.w1.isApprox(otherHead.w1)) << "every head gets the same W_1";
    }
    const ScoringParams g1 = params(ScoringFunction::General, 8, 0, true, 10.0f, 5, 0);
    const ScoringParams g2 = params(ScoringFunction::General, 8, 0, true, 10.0f, 5, 0);
    const ScoringParams g3 = params(ScoringFunction::General, 8, 0, true, 10.0f, 6, 0);
    EXPECT_EIGEN_NEAR(g1.wa, g2.wa, 0.0);
    EXPECT_FALSE(g1.wa.isApprox(g3.wa)) << "random W_a ignores the seed";
}

TEST(MakeScoringParams, AdditiveWeightsHaveTheDocumentedSpread) {
    // N(0, 1/d_k): with d_k = 16 and d_a = 256 there are 4096 entries of W_1.
    const int dK = 16, dA = 256;
    const ScoringParams p = params(ScoringFunction::Additive, dK, dA, false, 10.0f, 12);
    double sum = 0.0, squares = 0.0;
    for (int r = 0; r < dA; ++r)
        for (int c = 0; c < dK; ++c) {
            sum += p.w1(r, c);
            squares += static_cast<double>(p.w1(r, c)) * p.w1(r, c);
        }
    const double n = dA * dK;
    const double mean = sum / n;
    const double variance = squares / n - mean * mean;
    EXPECT_NEAR(mean, 0.0, 0.02);
    EXPECT_NEAR(variance, 1.0 / dK, 0.1 / dK);
}

} // namespace test_scoring
