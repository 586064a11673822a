// Positional encodings (attention-math.md, "Positional encodings"): sinusoidal table and RoPE
// rotations against the formulas written out as loops, RoPE's relative-position property, and the
// standard ALiBi slopes (Press et al. 2021, including the rule for head counts that are not
// powers of two).

#include "core/attention/positional.h"
#include "core/base/random.h"
#include "core/base/types.h"

#include "eigen_testing.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <vector>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_positional {

using attnlab::core::alibiBias;
using attnlab::core::alibiSlopes;
using attnlab::core::applyRope;
using attnlab::core::Matrix;
using attnlab::core::Random;
using attnlab::core::sinusoidalEncoding;

namespace {

using Reference = Eigen::MatrixXd;

// PE[p, 2i] = sin(p / 10000^{2i/d}), PE[p, 2i+1] = cos(p / 10000^{2i/d}).
Reference loopSinusoidal(int n, int d) {
    Reference pe(n, d);
    for (int p = 0; p < n; ++p)
        for (int c = 0; c < d; ++c) {
            const int i = c / 2;
            const double angle = p / std::pow(10000.0, 2.0 * i / d);
            pe(p, c) = (c % 2 == 0) ? std::sin(angle) : std::cos(angle);
        }
    return pe;
}

// Row p, pair (2i, 2i+1) rotated by p·θ_i, θ_i = 10000^{−2i/d_k}, as an explicit 2×2 rotation
// [[cos, −sin], [sin, cos]] applied to the column vector (x_{2i}, x_{2i+1}). An odd last column
// stays.
Reference loopRope(const Matrix& m) {
    const int d = static_cast<int>(m.cols());
    Reference out = m.cast<double>();
    for (int p = 0; p < m.rows(); ++p)
        for (int i = 0; 2 * i + 1 < d; ++i) {
            const double theta = std::pow(10000.0, -2.0 * i / d);
            const double angle = p * theta;
            const double rotation[2][2] = {{std::cos(angle), -std::sin(angle)},
                                           {std::sin(angle), std::cos(angle)}};
            const double x = m(p, 2 * i), y = m(p, 2 * i + 1);
            out(p, 2 * i) = rotation[0][0] * x + rotation[0][1] * y;
            out(p, 2 * i + 1) = rotation[1][0] * x + rotation[1][1] * y;
        }
    return out;
}

// The reference get_slopes of the ALiBi paper's code:
//   power of two n: start = 2^(−8/n), slopes start^1 … start^n;
//   otherwise: slopes of the closest power of two c below n, then every other slope of 2c,
//   the first n − c of them.
std::vector<double> slopesPowerOfTwo(int n) {
    const double start = std::pow(2.0, -8.0 / n);
    std::vector<double> slopes;
    for (int i = 1; i <= n; ++i)
        slopes.push_back(std::pow(start, i));
    return slopes;
}

std::vector<double> referenceSlopes(int n) {
    int closest = 1;
    while (closest * 2 <= n)
        closest *= 2;
    if (closest == n)
        return slopesPowerOfTwo(n);
    std::vector<double> slopes = slopesPowerOfTwo(closest);
    const std::vector<double> doubled = referenceSlopes(2 * closest);
    for (int i = 0; static_cast<int>(slopes.size()) < n; i += 2)
        slopes.push_back(doubled[static_cast<std::size_t>(i)]);
    return slopes;
}

void expectSlopes(int heads, const std::vector<double>& expected) {
    const std::vector<float> slopes = alibiSlopes(heads);
    ASSERT_EQ(slopes.size(), expected.size()) << "H = " << heads;
    for (std::size_t h = 0; h < expected.size(); ++h)
        EXPECT_NEAR(slopes[h], expected[h], 1e-6 * expected[h] + 1e-9)
            << "H = " << heads << ", head " << h;
}

Matrix randomMatrix(int rows, int cols, std::uint64_t seed) {
    Random rng(seed);
    return rng.normalMatrix(rows, cols, 1.0);
}

} // namespace

// ---- sinusoidal ------------------------------------------------------------------------------

TEST(SinusoidalEncoding, MatchesFormula) {
    for (auto [n, d] :
         std::vector<std::pair<int, int>>{{1, 2}, {5, 4}, {10, 8}, {7, 7}, {50, 64}, {3, 1}}) {
        const Matrix pe = sinusoidalEncoding(n, d);
        EXPECT_EIGEN_NEAR(pe, loopSinusoidal(n, d), 1e-5) << n << "×" << d;
    }
}

TEST(SinusoidalEncoding, HandWorkedCells) {
    const Matrix pe = sinusoidalEncoding(3, 4);
    // Position 0: sin 0 = 0, cos 0 = 1.
    EXPECT_NEAR(pe(0, 0), 0.0f, 1e-7f);
    EXPECT_NEAR(pe(0, 1), 1.0f, 1e-7f);
    EXPECT_NEAR(pe(0, 2), 0.0f, 1e-7f);
    EXPECT_NEAR(pe(0, 3), 1.0f, 1e-7f);
    // Position 2, i = 0: angle 2; i = 1: angle 2 / 10000^{2/4} = 0.02.
    EXPECT_NEAR(pe(2, 0), std::sin(2.0), 1e-6);
    EXPECT_NEAR(pe(2, 1), std::cos(2.0), 1e-6);
    EXPECT_NEAR(pe(2, 2), std::sin(0.02), 1e-6);
    EXPECT_NEAR(pe(2, 3), std::cos(0.02), 1e-6);
}

// ---- RoPE ------------------------------------------------------------------------------------

TEST(Rope, MatchesExplicitRotation) {
    for (auto [n, d] : std::vector<std::pair<int, int>>{
             {1, 2}, {4, 2}, {6, 4}, {9, 8}, {5, 16}, {7, 5}, {3, 1}}) {
        const Matrix original = randomMatrix(n, d, static_cast<std::uint64_t>(n * 100 + d));
        Matrix rotated = original;
        applyRope(rotated);
        EXPECT_EIGEN_NEAR(rotated, loopRope(original), 1e-5) << n << "×" << d;
    }
}

TEST(Rope, HandWorkedPair) {
    // d_k = 2, θ_0 = 1: row p of (1, 0) becomes (cos p, sin p).
    Matrix m(3, 2);
    m << 1, 0, 1, 0, 1, 0;
    applyRope(m);
    for (int p = 0; p < 3; ++p) {
        EXPECT_NEAR(m(p, 0), std::cos(static_cast<double>(p)), 1e-6) << "p = " << p;
        EXPECT_NEAR(m(p, 1), std::sin(static_cast<double>(p)), 1e-6) << "p = " << p;
    }
}

TEST(Rope, PositionZeroUnchangedAndNormsPreserved) {
    const Matrix original = randomMatrix(8, 6, 3);
    Matrix rotated = original;
    applyRope(rotated);
    EXPECT_EIGEN_NEAR(rotated.row(0), original.row(0), 0.0);
    for (int p = 0; p < 8; ++p)
        for (int i = 0; i < 3; ++i) {
            const double before = std::hypot(original(p, 2 * i), original(p, 2 * i + 1));
            const double after = std::hypot(rotated(p, 2 * i), rotated(p, 2 * i + 1));
            EXPECT_NEAR(after, before, 1e-5) << "row " << p << ", pair " << i;
        }
}

TEST(Rope, OddLastColumnUnchanged) {
    const Matrix original = randomMatrix(5, 7, 4);
    Matrix rotated = original;
    applyRope(rotated);
    EXPECT_EIGEN_NEAR(rotated.col(6), original.col(6), 0.0);
}

TEST(Rope, DotProductDependsOnlyOnRelativePosition) {
    // q placed at position p and k at p + Δ: rotate(q, p) · rotate(k, p + Δ) must not depend on p.
    for (int d : {2, 4, 8, 16}) {
        const Matrix qk = randomMatrix(2, d, static_cast<std::uint64_t>(d));
        for (int delta : {-3, 0, 1, 5}) {
            double first = 0.0;
            for (int p = 3; p < 12; ++p) {
                const int n = std::max(p, p + delta) + 1;
                Matrix q = Matrix::Zero(n, d), k = Matrix::Zero(n, d);
                q.row(p) = qk.row(0);
                k.row(p + delta) = qk.row(1);
                applyRope(q);
                applyRope(k);
                const double dot = static_cast<double>(q.row(p).dot(k.row(p + delta)));
                if (p == 3)
                    first = dot;
                else
                    EXPECT_NEAR(dot, first, 1e-4 * std::max(1.0, std::abs(first)))
                        << "d = " << d << ", Δ = " << delta << ", p = " << p;
            }
            // The relative form qᵀ R(Δθ_i) k per pair: Σ_i (q_a k_a + q_b k_b) cos(Δθ_i) + (q_b k_a
            // − q_a k_b) sin(Δθ_i).
            double expected = 0.0;
            for (int i = 0; 2 * i + 1 < d; ++i) {
                const double angle = delta * std::pow(10000.0, -2.0 * i / d);
                const double qa = qk(0, 2 * i), qb = qk(0, 2 * i + 1);
                const double ka = qk(1, 2 * i), kb = qk(1, 2 * i + 1);
                expected +=
                    (qa * ka + qb * kb) * std::cos(angle) + (qb * ka - qa * kb) * std::sin(angle);
            }
            EXPECT_NEAR(first, expected, 1e-4 * std::max(1.0, std::abs(expected)))
                << "d = " << d << ", Δ = " << delta;
        }
    }
}

// ---- ALiBi -----------------------------------------------------------------------------------

TEST(AlibiSlopes, EightHeadsAreHalfToOneOver256) {
    std::vector<double> expected;
    for (int h = 1; h <= 8; ++h)
        expected.push_back(std::pow(2.0, -h));
    expectSlopes(8, expected);
}

TEST(AlibiSlopes, PowersOfTwo) {
    expectSlopes(1, {1.0 / 256});
    expectSlopes(2, {1.0 / 16, 1.0 / 256});
    expectSlopes(4, {1.0 / 4, 1.0 / 16, 1.0 / 64, 1.0 / 256});
    std::vector<double> sixteen;
    for (int h = 1; h <= 16; ++h)
        sixteen.push_back(std::pow(2.0, -0.5 * h));
    expectSlopes(16, sixteen);
}

TEST(AlibiSlopes, NonPowersOfTwoFollowTheStandardRule) {
    // get_slopes(6) = slopes(4) + slopes(8)[0::2][:2] = (2^-2, 2^-4, 2^-6, 2^-8, 2^-1, 2^-3).
    expectSlopes(6, {0.25, 0.0625, 1.0 / 64, 1.0 / 256, 0.5, 0.125});
    // get_slopes(12) = slopes(8) + slopes(16)[0::2][:4] = 2^-1 … 2^-8, 2^-0.5, 2^-1.5, 2^-2.5,
    // 2^-3.5.
    std::vector<double> twelve;
    for (int h = 1; h <= 8; ++h)
        twelve.push_back(std::pow(2.0, -h));
    for (double e : {0.5, 1.5, 2.5, 3.5})
        twelve.push_back(std::pow(2.0, -e));
    expectSlopes(12, twelve);
    // get_slopes(3) = slopes(2) + slopes(4)[0::2][:1] = (2^-4, 2^-8, 2^-2).
    expectSlopes(3, {1.0 / 16, 1.0 / 256, 0.25});
}

TEST(AlibiSlopes, EveryHeadCountMatchesReference) {
    for (int heads = 1; heads <= 16; ++heads)
        expectSlopes(heads, referenceSlopes(heads));
}

TEST(AlibiBias, IsMinusSlopeTimesDistance) {
    for (auto [nq, nk] : std::vector<std::pair<int, int>>{{1, 1}, {4, 4}, {3, 6}, {6, 3}}) {
        for (float slope : {0.5f, 0.0625f, 1.0f / 256}) {
            const Matrix bias = alibiBias(nq, nk, slope);
            Reference expected(nq, nk);
            for (int i = 0; i < nq; ++i)
                for (int j = 0; j < nk; ++j)
                    expected(i, j) = -static_cast<double>(slope) * std::abs(i - j);
            EXPECT_EIGEN_NEAR(bias, expected, 1e-7) << nq << "×" << nk << ", m = " << slope;
        }
    }
}

TEST(AlibiBias, HandWorked) {
    const Matrix bias = alibiBias(2, 3, 0.5f);
    Reference expected(2, 3);
    expected << 0, -0.5, -1, //
        -0.5, 0, -0.5;
    EXPECT_EIGEN_NEAR(bias, expected, 0.0);
}

} // namespace test_positional
