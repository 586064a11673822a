// Normalisers (attention-math.md, "Normalisers") against per-cell loops in double precision
// (sparsemax against a bisection on its threshold), hand-worked sparsemax vectors and the
// properties the page promises (rows sum to 1, masked cells exactly 0, fully masked rows all
// zero and flagged, never NaN).

#include "core/attention/normalizer.h"
#include "core/attention/options.h"
#include "core/base/random.h"
#include "core/base/types.h"

#include "eigen_testing.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <tuple>
#include <vector>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_normalizer {

using attnlab::core::Matrix;
using attnlab::core::Normalizer;
using attnlab::core::normalizeRows;
using attnlab::core::Random;
using attnlab::core::rowEntropy;
using attnlab::core::RowVector;
using attnlab::core::sparsemax;
using attnlab::core::Vector;

namespace {

using Reference = Eigen::MatrixXd;

constexpr float kInf = std::numeric_limits<float>::infinity();
constexpr double kTolerance = 1e-4;

Matrix randomLogits(int rows, int cols, std::uint64_t seed, double stddev = 2.0) {
    Random rng(seed);
    return rng.normalMatrix(rows, cols, stddev);
}

// Blocks a pseudo-random ~30 % of cells (never a whole row) with −∞.
Matrix withMaskedCells(Matrix logits, std::uint64_t seed) {
    Random rng(seed);
    for (int i = 0; i < logits.rows(); ++i) {
        for (int j = 0; j < logits.cols(); ++j)
            if (rng.uniform() < 0.3)
                logits(i, j) = -kInf;
        if (std::isinf(logits.row(i).maxCoeff()))
            logits(i, i % logits.cols()) = 0.5f;
    }
    return logits;
}

Matrix normalize(Normalizer normalizer, const Matrix& logits) {
    std::vector<int> flagged;
    return normalizeRows(normalizer, logits, flagged);
}

// softmax: exp(L − max L) / Σ exp(L − max L), −∞ cells contribute exp(−∞) = 0.
Reference loopSoftmax(const Matrix& logits) {
    Reference a = Reference::Zero(logits.rows(), logits.cols());
    for (int i = 0; i < logits.rows(); ++i) {
        double top = -std::numeric_limits<double>::infinity();
        for (int j = 0; j < logits.cols(); ++j)
            top = std::max(top, static_cast<double>(logits(i, j)));
        if (std::isinf(top))
            continue;
        double sum = 0.0;
        for (int j = 0; j < logits.cols(); ++j)
            sum += std::exp(static_cast<double>(logits(i, j)) - top);
        for (int j = 0; j < logits.cols(); ++j)
            a(i, j) = std::exp(static_cast<double>(logits(i, j)) - top) / sum;
    }
    return a;
}

// relu: max(L, 0) / Σ max(L, 0); zeros when nothing is positive.
Reference loopRelu(const Matrix& logits) {
    Reference a = Reference::Zero(logits.rows(), logits.cols());
    for (int i = 0; i < logits.rows(); ++i) {
        double sum = 0.0;
        for (int j = 0; j < logits.cols(); ++j)
            sum += std::max(0.0, static_cast<double>(logits(i, j)));
        if (sum <= 0.0)
            continue;
        for (int j = 0; j < logits.cols(); ++j)
            a(i, j) = std::max(0.0, static_cast<double>(logits(i, j))) / sum;
    }
    return a;
}

// sigmoid: 1 / (1 + e^{−L}) element-wise; −∞ gives 0.
Reference loopSigmoid(const Matrix& logits) {
    Reference a(logits.rows(), logits.cols());
    for (int i = 0; i < logits.rows(); ++i)
        for (int j = 0; j < logits.cols(); ++j)
            a(i, j) = 1.0 / (1.0 + std::exp(-static_cast<double>(logits(i, j))));
    return a;
}

// hardmax: 1/(number of maxima) at every maximum of the row.
Reference loopHardmax(const Matrix& logits) {
    Reference a = Reference::Zero(logits.rows(), logits.cols());
    for (int i = 0; i < logits.rows(); ++i) {
        const float top = logits.row(i).maxCoeff();
        if (std::isinf(top) && top < 0)
            continue;
        int ties = 0;
        for (int j = 0; j < logits.cols(); ++j)
            ties += logits(i, j) == top ? 1 : 0;
        for (int j = 0; j < logits.cols(); ++j)
            a(i, j) = logits(i, j) == top ? 1.0 / ties : 0.0;
    }
    return a;
}

// Sparsemax by bisection on the threshold τ, independent of the sort-based algorithm of the
// code: the projection onto the simplex is p_j = max(z_j − τ, 0) with Σ_j p_j = 1, and
// f(τ) = Σ_j max(z_j − τ, 0) falls continuously from f(max z − 1) ≥ 1 to f(max z) = 0, so the
// one τ with f(τ) = 1 lies in [max z − 1, max z]. Halving that interval until it stops shrinking
// pins τ to double precision. −∞ entries take no part and get 0.
std::vector<double> loopSparsemax(const std::vector<double>& z) {
    std::vector<double> p(z.size(), 0.0);
    double top = -std::numeric_limits<double>::infinity();
    for (double value : z)
        top = std::max(top, value);
    if (std::isinf(top))
        return p;
    const auto mass = [&z](double tau) {
        double sum = 0.0;
        for (double value : z)
            if (!std::isinf(value))
                sum += std::max(value - tau, 0.0);
        return sum;
    };
    double low = top - 1.0, high = top; // mass(low) ≥ 1 ≥ mass(high)
    for (;;) {
        const double middle = 0.5 * (low + high);
        if (middle <= low || middle >= high)
            break;
        (mass(middle) >= 1.0 ? low : high) = middle;
    }
    const double tau = 0.5 * (low + high);
    for (std::size_t j = 0; j < z.size(); ++j)
        p[j] = std::isinf(z[j]) ? 0.0 : std::max(0.0, z[j] - tau);
    return p;
}

RowVector row(std::initializer_list<float> values) {
    RowVector r(static_cast<Eigen::Index>(values.size()));
    Eigen::Index i = 0;
    for (float v : values)
        r(i++) = v;
    return r;
}

const std::vector<std::tuple<int, int, std::uint64_t>>& shapes() {
    static const std::vector<std::tuple<int, int, std::uint64_t>> all = {
        {1, 1, 1}, {1, 5, 2}, {3, 3, 3}, {4, 7, 4}, {7, 4, 5}, {10, 10, 6}, {2, 32, 7},
    };
    return all;
}

bool hasNaN(const Matrix& m) {
    return m.hasNaN();
}

} // namespace

// ---- softmax ---------------------------------------------------------------------------------

TEST(Softmax, MatchesLoop) {
    for (const auto& [rows, cols, seed] : shapes()) {
        SCOPED_TRACE(::testing::Message() << rows << "×" << cols << ", seed " << seed);
        const Matrix logits = randomLogits(rows, cols, seed);
        const Matrix a = normalize(Normalizer::Softmax, logits);
        EXPECT_EIGEN_NEAR(a, loopSoftmax(logits), kTolerance);
    }
}

TEST(Softmax, MatchesLoopWithMaskedCells) {
    for (const auto& [rows, cols, seed] : shapes()) {
        SCOPED_TRACE(::testing::Message() << rows << "×" << cols << ", seed " << seed);
        const Matrix logits = withMaskedCells(randomLogits(rows, cols, seed), seed + 50);
        std::vector<int> flagged;
        const Matrix a = normalizeRows(Normalizer::Softmax, logits, flagged);
        EXPECT_EIGEN_NEAR(a, loopSoftmax(logits), kTolerance);
        EXPECT_TRUE(flagged.empty());
        for (int i = 0; i < rows; ++i)
            for (int j = 0; j < cols; ++j)
                if (std::isinf(logits(i, j))) {
                    EXPECT_EQ(a(i, j), 0.0f)
                        << "masked cell (" << i << ", " << j << ") is not exactly 0";
                }
    }
}

TEST(Softmax, RowsSumToOneAndAreNonNegative) {
    for (const auto& [rows, cols, seed] : shapes()) {
        const Matrix a = normalize(Normalizer::Softmax, randomLogits(rows, cols, seed, 5.0));
        for (int i = 0; i < rows; ++i) {
            EXPECT_NEAR(a.row(i).sum(), 1.0f, 1e-5f) << "row " << i << ", seed " << seed;
            EXPECT_GE(a.row(i).minCoeff(), 0.0f);
        }
    }
}

TEST(Softmax, HandWorkedRow) {
    // L = (0, ln 2, ln 3): exp = (1, 2, 3) → (1/6, 1/3, 1/2).
    Matrix logits(1, 3);
    logits << 0.0f, std::log(2.0f), std::log(3.0f);
    const Matrix a = normalize(Normalizer::Softmax, logits);
    Reference expected(1, 3);
    expected << 1.0 / 6.0, 1.0 / 3.0, 0.5;
    EXPECT_EIGEN_NEAR(a, expected, 1e-6);
}

TEST(Softmax, ShiftInvariance) {
    for (const auto& [rows, cols, seed] : shapes()) {
        const Matrix logits = randomLogits(rows, cols, seed);
        Matrix shifted = logits;
        Random rng(seed + 7);
        for (int i = 0; i < rows; ++i)
            shifted.row(i).array() += static_cast<float>(rng.normal() * 50.0);
        EXPECT_EIGEN_NEAR(normalize(Normalizer::Softmax, shifted),
                          normalize(Normalizer::Softmax, logits), kTolerance);
        // A large constant too (exp would overflow without the max shift).
        Matrix big = logits.array() + 1000.0f;
        EXPECT_EIGEN_NEAR(normalize(Normalizer::Softmax, big),
                          normalize(Normalizer::Softmax, logits), 1e-3);
    }
}

TEST(Softmax, StableForHugeLogits) {
    Matrix logits(4, 3);
    logits << 1e30f, -1e30f, 0.0f, //
        1e30f, 1e30f, -1e30f,      //
        -1e30f, -1e30f, -1e30f,    //
        3e38f, 0.0f, -3e38f;
    const Matrix a = normalize(Normalizer::Softmax, logits);
    ASSERT_FALSE(hasNaN(a)) << a;
    ASSERT_TRUE(a.allFinite()) << a;
    Reference expected(4, 3);
    expected << 1, 0, 0,           //
        0.5, 0.5, 0,               //
        1.0 / 3, 1.0 / 3, 1.0 / 3, //
        1, 0, 0;
    EXPECT_EIGEN_NEAR(a, expected, 1e-6);
}

TEST(Softmax, MaskedCellsAreExactlyZero) {
    Matrix logits(2, 4);
    logits << 1.0f, -kInf, 2.0f, -kInf, //
        -kInf, -kInf, -kInf, 0.0f;
    const Matrix a = normalize(Normalizer::Softmax, logits);
    EXPECT_EQ(a(0, 1), 0.0f);
    EXPECT_EQ(a(0, 3), 0.0f);
    EXPECT_EQ(a(1, 0), 0.0f);
    EXPECT_EQ(a(1, 1), 0.0f);
    EXPECT_EQ(a(1, 2), 0.0f);
    EXPECT_NEAR(a(1, 3), 1.0f, 1e-7f);
    const double e = std::exp(1.0);
    EXPECT_NEAR(a(0, 0), 1.0 / (1.0 + e), 1e-6);
    EXPECT_NEAR(a(0, 2), e / (1.0 + e), 1e-6);
}

// ---- fully masked rows, every normaliser -----------------------------------------------------

TEST(NormalizeRows, FullyMaskedRowIsZeroAndFlaggedForEveryNormalizer) {
    Matrix logits(3, 4);
    logits << 0.5f, 1.0f, -kInf, 2.0f, //
        -kInf, -kInf, -kInf, -kInf,    //
        -1.0f, 0.0f, 3.0f, 1.0f;
    for (Normalizer normalizer : attnlab::core::allNormalizers()) {
        SCOPED_TRACE(std::string(attnlab::core::toString(normalizer)));
        std::vector<int> flagged;
        const Matrix a = normalizeRows(normalizer, logits, flagged);
        ASSERT_EQ(a.rows(), 3);
        ASSERT_EQ(a.cols(), 4);
        EXPECT_FALSE(hasNaN(a)) << a;
        for (int j = 0; j < 4; ++j)
            EXPECT_EQ(a(1, j), 0.0f) << "fully masked row, column " << j;
        EXPECT_NE(std::find(flagged.begin(), flagged.end(), 1), flagged.end())
            << "row 1 (every key masked) is not flagged";
        EXPECT_EQ(std::find(flagged.begin(), flagged.end(), 0), flagged.end()) << "row 0 flagged";
        EXPECT_EQ(std::find(flagged.begin(), flagged.end(), 2), flagged.end()) << "row 2 flagged";
        EXPECT_EQ(a(0, 2), 0.0f) << "masked cell (0, 2)";
    }
}

TEST(NormalizeRows, AllRowsMaskedNeverNaN) {
    const Matrix logits = Matrix::Constant(3, 3, -kInf);
    for (Normalizer normalizer : attnlab::core::allNormalizers()) {
        std::vector<int> flagged;
        const Matrix a = normalizeRows(normalizer, logits, flagged);
        EXPECT_FALSE(hasNaN(a)) << attnlab::core::toString(normalizer);
        EXPECT_EQ(a.cwiseAbs().sum(), 0.0f) << attnlab::core::toString(normalizer);
        std::sort(flagged.begin(), flagged.end());
        flagged.erase(std::unique(flagged.begin(), flagged.end()), flagged.end());
        EXPECT_EQ(flagged, (std::vector<int>{0, 1, 2})) << attnlab::core::toString(normalizer);
    }
}

TEST(NormalizeRows, MaskedCellsExactlyZeroForEveryNormalizer) {
    const Matrix logits = withMaskedCells(randomLogits(6, 8, 77), 78);
    for (Normalizer normalizer : attnlab::core::allNormalizers()) {
        const Matrix a = normalize(normalizer, logits);
        EXPECT_FALSE(hasNaN(a));
        for (int i = 0; i < 6; ++i)
            for (int j = 0; j < 8; ++j)
                if (std::isinf(logits(i, j))) {
                    EXPECT_EQ(a(i, j), 0.0f)
                        << attnlab::core::toString(normalizer) << " (" << i << ", " << j << ")";
                }
    }
}

// ---- sparsemax -------------------------------------------------------------------------------

TEST(Sparsemax, HandWorkedVectors) {
    // z = (1, 0.5, 0.2): sorted 1, 0.5, 0.2; partial sums 1, 1.5, 1.7;
    // k=1: 1+1·1 = 2 > 1 ✓, k=2: 1+2·0.5 = 2 > 1.5 ✓, k=3: 1+3·0.2 = 1.6 > 1.7 ✗ → support 2,
    // τ = (1.5 − 1)/2 = 0.25 → p = (0.75, 0.25, 0).
    EXPECT_EIGEN_NEAR(sparsemax(row({1.0f, 0.5f, 0.2f})), row({0.75f, 0.25f, 0.0f}), 1e-6);
    // Equal entries: uniform.
    EXPECT_EIGEN_NEAR(sparsemax(row({0.0f, 0.0f, 0.0f})), row({1.0f / 3, 1.0f / 3, 1.0f / 3}),
                      1e-6);
    // z = (3, 1, 0): k=2: 1+2·1 = 3 > 4 ✗ → support 1, τ = 2 → (1, 0, 0).
    EXPECT_EIGEN_NEAR(sparsemax(row({3.0f, 1.0f, 0.0f})), row({1.0f, 0.0f, 0.0f}), 1e-6);
    // Order does not matter: z = (0.2, 1, 0.5) → (0, 0.75, 0.25).
    EXPECT_EIGEN_NEAR(sparsemax(row({0.2f, 1.0f, 0.5f})), row({0.0f, 0.75f, 0.25f}), 1e-6);
    // z = (0.5, 0.4, 0.3, −2): k=3: 1+0.9 = 1.9 > 1.2 ✓ → τ = (1.2 − 1)/3 → (0.3667, 0.2667,
    // 0.1667, 0).
    EXPECT_EIGEN_NEAR(sparsemax(row({0.5f, 0.4f, 0.3f, -2.0f})),
                      row({0.5f - 0.2f / 3, 0.4f - 0.2f / 3, 0.3f - 0.2f / 3, 0.0f}), 1e-6);
    // A single entry is always 1.
    EXPECT_EIGEN_NEAR(sparsemax(row({-7.0f})), row({1.0f}), 1e-6);
}

TEST(Sparsemax, ExactZeros) {
    const RowVector p = sparsemax(row({3.0f, 1.0f, 0.0f}));
    EXPECT_EQ(p(1), 0.0f);
    EXPECT_EQ(p(2), 0.0f);
    const RowVector q = sparsemax(row({1.0f, 0.5f, 0.2f}));
    EXPECT_EQ(q(2), 0.0f);
}

TEST(Sparsemax, InfiniteEntriesGetZero) {
    const RowVector p = sparsemax(row({1.0f, -kInf, 0.5f, -kInf, 0.2f}));
    EXPECT_EIGEN_NEAR(p, row({0.75f, 0.0f, 0.25f, 0.0f, 0.0f}), 1e-6);
    EXPECT_EQ(p(1), 0.0f);
    EXPECT_EQ(p(3), 0.0f);
    const RowVector all = sparsemax(row({-kInf, -kInf}));
    EXPECT_FALSE(all.hasNaN());
    EXPECT_EQ(all.cwiseAbs().sum(), 0.0f);
}

TEST(Sparsemax, MatchesBisectionAndIsTheSimplexProjection) {
    for (std::uint64_t seed = 1; seed <= 40; ++seed) {
        const int n = 1 + static_cast<int>(seed % 9);
        const Matrix z = randomLogits(1, n, seed, seed % 2 ? 0.3 : 2.0);
        const RowVector zRow = z.row(0);
        const RowVector p = sparsemax(zRow);
        std::vector<double> zs(static_cast<std::size_t>(n));
        for (int j = 0; j < n; ++j)
            zs[static_cast<std::size_t>(j)] = z(0, j);
        const std::vector<double> expected = loopSparsemax(zs);
        ASSERT_EQ(p.size(), n);
        for (int j = 0; j < n; ++j)
            EXPECT_NEAR(p(j), expected[static_cast<std::size_t>(j)], 1e-5)
                << "seed " << seed << ", entry " << j;
        // Properties: on the simplex, and the KKT conditions of the projection: z_j − p_j = τ on
        // the support, z_j ≤ τ off it.
        EXPECT_NEAR(p.sum(), 1.0f, 1e-5f) << "seed " << seed;
        EXPECT_GE(p.minCoeff(), 0.0f) << "seed " << seed;
        double tau = 0.0;
        int support = 0;
        for (int j = 0; j < n; ++j)
            if (p(j) > 0.0f) {
                tau += z(0, j) - p(j);
                ++support;
            }
        ASSERT_GT(support, 0);
        tau /= support;
        for (int j = 0; j < n; ++j) {
            if (p(j) > 0.0f)
                EXPECT_NEAR(z(0, j) - p(j), tau, 1e-5) << "seed " << seed << ", entry " << j;
            else
                EXPECT_LE(z(0, j), tau + 1e-5) << "seed " << seed << ", entry " << j;
        }
    }
}

TEST(Sparsemax, NormalizeRowsAppliesItPerRow) {
    for (const auto& [rows, cols, seed] : shapes()) {
        const Matrix logits = withMaskedCells(randomLogits(rows, cols, seed, 1.0), seed + 3);
        std::vector<int> flagged;
        const Matrix a = normalizeRows(Normalizer::Sparsemax, logits, flagged);
        EXPECT_TRUE(flagged.empty());
        for (int i = 0; i < rows; ++i) {
            std::vector<double> z(static_cast<std::size_t>(cols));
            for (int j = 0; j < cols; ++j)
                z[static_cast<std::size_t>(j)] = logits(i, j);
            const std::vector<double> expected = loopSparsemax(z);
            for (int j = 0; j < cols; ++j)
                EXPECT_NEAR(a(i, j), expected[static_cast<std::size_t>(j)], 1e-5)
                    << "seed " << seed << " (" << i << ", " << j << ")";
            EXPECT_NEAR(a.row(i).sum(), 1.0f, 1e-5f);
        }
    }
}

// ---- relu ------------------------------------------------------------------------------------

TEST(Relu, MatchesLoop) {
    for (const auto& [rows, cols, seed] : shapes()) {
        const Matrix logits = withMaskedCells(randomLogits(rows, cols, seed), seed + 9);
        const Matrix a = normalize(Normalizer::Relu, logits);
        EXPECT_EIGEN_NEAR(a, loopRelu(logits), kTolerance);
    }
}

TEST(Relu, HandWorkedRow) {
    Matrix logits(1, 4);
    logits << 2.0f, -1.0f, 6.0f, 0.0f;
    const Matrix a = normalize(Normalizer::Relu, logits);
    Reference expected(1, 4);
    expected << 0.25, 0, 0.75, 0;
    EXPECT_EIGEN_NEAR(a, expected, 1e-7);
    EXPECT_EQ(a(0, 1), 0.0f);
    EXPECT_EQ(a(0, 3), 0.0f);
}

TEST(Relu, RowWithoutPositiveEntryIsZeroAndFlagged) {
    Matrix logits(3, 3);
    logits << 1.0f, 2.0f, -1.0f, //
        -1.0f, 0.0f, -kInf,      //
        -3.0f, 0.5f, 0.5f;
    std::vector<int> flagged;
    const Matrix a = normalizeRows(Normalizer::Relu, logits, flagged);
    EXPECT_FALSE(hasNaN(a));
    EXPECT_EQ(a.row(1).cwiseAbs().sum(), 0.0f) << a;
    EXPECT_EQ(flagged, std::vector<int>{1});
    EXPECT_NEAR(a.row(0).sum(), 1.0f, 1e-6f);
    EXPECT_NEAR(a.row(2).sum(), 1.0f, 1e-6f);
}

// ---- sigmoid ---------------------------------------------------------------------------------

TEST(Sigmoid, ElementWiseAndNotNormalised) {
    for (const auto& [rows, cols, seed] : shapes()) {
        const Matrix logits = randomLogits(rows, cols, seed);
        std::vector<int> flagged;
        const Matrix a = normalizeRows(Normalizer::Sigmoid, logits, flagged);
        EXPECT_EIGEN_NEAR(a, loopSigmoid(logits), kTolerance);
        EXPECT_TRUE(flagged.empty());
    }
    Matrix logits(1, 3);
    logits << 0.0f, 0.0f, 0.0f;
    const Matrix a = normalize(Normalizer::Sigmoid, logits);
    EXPECT_NEAR(a.sum(), 1.5f, 1e-6f) << "sigmoid rows are not normalised";
}

TEST(Sigmoid, MaskedCellsZeroAndExtremesFinite) {
    Matrix logits(1, 5);
    logits << -kInf, 0.0f, 1e30f, -1e30f, std::log(3.0f);
    const Matrix a = normalize(Normalizer::Sigmoid, logits);
    EXPECT_FALSE(hasNaN(a));
    EXPECT_EQ(a(0, 0), 0.0f);
    EXPECT_NEAR(a(0, 1), 0.5f, 1e-7f);
    EXPECT_NEAR(a(0, 2), 1.0f, 1e-7f);
    EXPECT_NEAR(a(0, 3), 0.0f, 1e-7f);
    EXPECT_NEAR(a(0, 4), 0.75f, 1e-6f);
}

// ---- hardmax ---------------------------------------------------------------------------------

TEST(Hardmax, OneHotAtMaximum) {
    for (const auto& [rows, cols, seed] : shapes()) {
        const Matrix logits = withMaskedCells(randomLogits(rows, cols, seed), seed + 11);
        const Matrix a = normalize(Normalizer::Hardmax, logits);
        EXPECT_EIGEN_NEAR(a, loopHardmax(logits), 0.0);
    }
}

TEST(Hardmax, TiesShareEqually) {
    Matrix logits(3, 4);
    logits << 1.0f, 3.0f, 3.0f, 0.0f, //
        2.0f, 2.0f, 2.0f, 2.0f,       //
        -kInf, 5.0f, -kInf, 5.0f;
    const Matrix a = normalize(Normalizer::Hardmax, logits);
    Reference expected(3, 4);
    expected << 0, 0.5, 0.5, 0, //
        0.25, 0.25, 0.25, 0.25, //
        0, 0.5, 0, 0.5;
    EXPECT_EIGEN_NEAR(a, expected, 1e-7);
    EXPECT_EQ(a(0, 0), 0.0f);
    EXPECT_EQ(a(0, 3), 0.0f);
}

TEST(Hardmax, HugeLogits) {
    Matrix logits(1, 3);
    logits << 1e30f, -1e30f, 3e38f;
    const Matrix a = normalize(Normalizer::Hardmax, logits);
    Reference expected(1, 3);
    expected << 0, 0, 1;
    EXPECT_EIGEN_NEAR(a, expected, 0.0);
}

// ---- entropy ---------------------------------------------------------------------------------

TEST(RowEntropy, UniformRowIsLogN) {
    for (int n : {1, 2, 3, 5, 8, 64}) {
        const Matrix a = Matrix::Constant(2, n, 1.0f / static_cast<float>(n));
        const Vector h = rowEntropy(a);
        ASSERT_EQ(h.size(), 2);
        EXPECT_NEAR(h(0), std::log(static_cast<double>(n)), 1e-5) << "n = " << n;
        EXPECT_NEAR(h(1), std::log(static_cast<double>(n)), 1e-5) << "n = " << n;
    }
}

TEST(RowEntropy, ZeroLogZeroIsZero) {
    Matrix a(4, 3);
    a << 1, 0, 0,    //
        0.5, 0.5, 0, //
        0, 0, 0,     //
        0.4, 0.4, 0.2;
    const Vector h = rowEntropy(a);
    ASSERT_FALSE(h.hasNaN()) << h;
    EXPECT_EQ(h(0), 0.0f);
    EXPECT_NEAR(h(1), std::log(2.0), 1e-6);
    EXPECT_EQ(h(2), 0.0f) << "a fully masked row has entropy 0";
    EXPECT_NEAR(h(3), -(0.8 * std::log(0.4) + 0.2 * std::log(0.2)), 1e-6);
}

TEST(RowEntropy, MatchesLoopOnSoftmaxAndSparsemaxRows) {
    for (const auto& [rows, cols, seed] : shapes()) {
        for (Normalizer normalizer : {Normalizer::Softmax, Normalizer::Sparsemax}) {
            const Matrix a = normalize(normalizer, randomLogits(rows, cols, seed, 0.5));
            const Vector h = rowEntropy(a);
            ASSERT_EQ(h.size(), rows);
            for (int i = 0; i < rows; ++i) {
                double expected = 0.0;
                for (int j = 0; j < cols; ++j)
                    if (a(i, j) > 0.0f)
                        expected -=
                            static_cast<double>(a(i, j)) * std::log(static_cast<double>(a(i, j)));
                EXPECT_NEAR(h(i), expected, 1e-5) << "seed " << seed << ", row " << i;
            }
        }
    }
}

} // namespace test_normalizer
