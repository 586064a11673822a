// Feature maps of linear attention (docs/attention-math.md, "Efficient attention"): the formulas
// entry by entry, the random directions ω of FAVOR+, and two statistical tests with fixed seeds
// whose bounds are derived from the estimator's moments (Chebyshev's inequality with a union
// bound, total false-failure probability ≤ 1 % per test), not tuned to the numbers:
//   1. φ(q)·φ(k) is an unbiased estimate of exp(q·k/√d_k) with the variance the theory gives;
//   2. FAVOR+ attention converges to softmax attention in mean square as M grows.
//
// Moments. With x = q/d^{1/4}, y = k/d^{1/4}, u = x + y, s = ‖u‖², one feature gives
// W = exp(ωᵀu − s/2) · (the 1/M of the sum) with ω ~ N(0, I), and φ(q)·φ(k) / exp(xᵀy) is the
// mean of M such W. E[W^p] = exp(p(p − 1)s/2), so E[W] = 1, σ² = Var W = e^s − 1 and
// m₄ = E[(W − 1)⁴] = e^{6s} − 4e^{3s} + 6e^s − 3. For r = mean − 1 over M iid features:
// E[r] = 0, E[r²] = σ²/M, E[r⁴] = (m₄ + 3(M − 1)σ⁴)/M³. Orthogonal features (blocks of d rows,
// M = B·d) keep every row N(0, I), so E[r] = 0; within a block the mean has variance at most
// σ²/d (Choromanski et al. 2021, Theorem 2: orthogonal positive features never raise the MSE) and
// fourth moment at most m₄ (power-mean inequality), and blocks are independent, hence
// E[r²] ≤ σ²/M and E[r⁴] ≤ (m₄ + 3(B − 1)σ⁴/d²)/B³; for iid features this bound holds too.

#include "core/efficient/feature_maps.h"
#include "core/efficient/linear_attention.h"

#include "attention_reference.h"
#include "eigen_testing.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_feature_maps {

using attnlab::core::favorProjection;
using attnlab::core::FeatureMap;
using attnlab::core::featureMap;
using attnlab::core::InputError;
using attnlab::core::LinearAttentionOptions;
using attnlab::core::Matrix;
namespace ref = attnlab::testref;

namespace {

// φ(q)·φ(k) by the formula, in double, with the ω given.
double favorKernel(const Eigen::VectorXd& x, const Eigen::VectorXd& y, const Matrix& omega) {
    const Eigen::MatrixXd w = omega.cast<double>();
    const double m = static_cast<double>(omega.rows());
    return ((w * x).array() - x.squaredNorm() / 2)
               .exp()
               .matrix()
               .dot(((w * y).array() - y.squaredNorm() / 2).exp().matrix()) /
           m;
}

struct Moments {
    double sigma2, m4;
};

Moments moments(double s) {
    return {std::exp(s) - 1, std::exp(6 * s) - 4 * std::exp(3 * s) + 6 * std::exp(s) - 3};
}

// Upper bound of E[r⁴] for M = B·d features (exact for iid when d = 1).
double fourthMomentBound(const Moments& mo, int features, int d) {
    const double b = static_cast<double>(features) / d;
    return (mo.m4 + 3 * (b - 1) * mo.sigma2 * mo.sigma2 / (d * d)) / (b * b * b);
}

} // namespace

TEST(FeatureMaps, FormulasEntryByEntry) {
    const Matrix x = ref::randomMatrix(5, 6, 1, 2.0);
    const Matrix elu = featureMap(FeatureMap::Elu, x);
    const Matrix relu = featureMap(FeatureMap::Relu, x);
    const Matrix soft = featureMap(FeatureMap::Softmax, x);
    for (int i = 0; i < 5; ++i) {
        double sum = 0.0;
        for (int c = 0; c < 6; ++c)
            sum += std::exp(static_cast<double>(x(i, c)));
        for (int c = 0; c < 6; ++c) {
            const double v = x(i, c);
            EXPECT_NEAR(elu(i, c), v > 0 ? v + 1 : std::exp(v), 1e-6);
            EXPECT_EQ(relu(i, c), static_cast<float>(std::max(0.0, v)));
            EXPECT_NEAR(soft(i, c), std::exp(v) / sum, 1e-6);
        }
    }
    const Matrix omega = favorProjection(6, 10, 3);
    const Matrix favor = featureMap(FeatureMap::Favor, x, omega);
    ASSERT_EQ(favor.cols(), 10);
    const double scale = std::pow(6.0, -0.25);
    for (int i = 0; i < 5; ++i)
        for (int r = 0; r < 10; ++r) {
            const Eigen::VectorXd xi = x.row(i).cast<double>().transpose() * scale;
            const double expected =
                std::exp(omega.row(r).cast<double>().dot(xi) - xi.squaredNorm() / 2) /
                std::sqrt(10.0);
            EXPECT_NEAR(favor(i, r), expected, 1e-5 * std::max(1.0, expected));
        }
}

TEST(FavorProjection, SeededOrthogonalBlocksOfGaussianLength) {
    const int d = 8;
    EXPECT_TRUE(favorProjection(d, 20, 7) == favorProjection(d, 20, 7));
    EXPECT_FALSE(favorProjection(d, 20, 7) == favorProjection(d, 20, 8));
    const Matrix omega = favorProjection(d, 20, 7); // blocks of 8, 8 and 4 rows
    for (int first : {0, 8, 16})
        for (int a = first; a < std::min(20, first + d); ++a)
            for (int b = first; b < a; ++b)
                EXPECT_LE(std::abs(omega.row(a).dot(omega.row(b))),
                          1e-5 * omega.row(a).norm() * omega.row(b).norm())
                    << "rows " << a << " and " << b;
    const Matrix iid = favorProjection(d, 20, 7, false);
    double largest = 0.0;
    for (int a = 1; a < d; ++a)
        largest = std::max(largest, std::abs(static_cast<double>(iid.row(a).dot(iid.row(0)))) /
                                        (iid.row(a).norm() * iid.row(0).norm()));
    EXPECT_GT(largest, 0.05) << "iid rows should not be orthogonal";
    // ‖ω‖² is χ²_d for every row (mean d, variance 2d) and rows' lengths are independent:
    // Chebyshev at 10 standard deviations of the mean over M rows (probability ≤ 1 %).
    for (bool orthogonal : {true, false}) {
        const int m = 4096;
        const Matrix w = favorProjection(d, m, 11, orthogonal);
        const double mean = w.rowwise().squaredNorm().cast<double>().mean();
        EXPECT_LE(std::abs(mean - d), 10 * std::sqrt(2.0 * d / m)) << orthogonal;
    }
    EXPECT_THROW(favorProjection(0, 4, 1), InputError);
    EXPECT_THROW(favorProjection(4, 0, 1), InputError);
}

TEST(FavorStatistics, KernelEstimateIsUnbiasedWithTheDerivedVariance) {
    // Four pairs (q, k) with s = ‖u‖² from about 0.2 to 2, M = 64 features (8 blocks of d = 8),
    // R independent seeds. 16 checks in all → t = √(16 / 0.01) = 40 standard deviations each.
    const int d = 8, m = 64, seeds = 20000;
    const double t = 40.0;
    std::vector<Eigen::VectorXd> xs, ys;
    for (double length : {0.3, 0.5, 0.7, 1.0}) {
        const Matrix pair = ref::randomMatrix(2, d, static_cast<std::uint64_t>(length * 100));
        xs.push_back(pair.row(0).cast<double>().transpose().normalized() * length);
        ys.push_back(pair.row(1).cast<double>().transpose().normalized() * length);
    }
    for (bool orthogonal : {false, true}) {
        std::vector<double> sumR(xs.size(), 0.0), sumR2(xs.size(), 0.0);
        for (int seed = 0; seed < seeds; ++seed) {
            const Matrix omega =
                favorProjection(d, m, 100000 + static_cast<std::uint64_t>(seed), orthogonal);
            for (std::size_t p = 0; p < xs.size(); ++p) {
                const double r = favorKernel(xs[p], ys[p], omega) / std::exp(xs[p].dot(ys[p])) - 1;
                sumR[p] += r;
                sumR2[p] += r * r;
            }
        }
        for (std::size_t p = 0; p < xs.size(); ++p) {
            const double s = (xs[p] + ys[p]).squaredNorm();
            const Moments mo = moments(s);
            const double meanR = sumR[p] / seeds, meanR2 = sumR2[p] / seeds;
            const double varR = mo.sigma2 / m; // upper bound for orthogonal features
            EXPECT_LE(std::abs(meanR), t * std::sqrt(varR / seeds))
                << (orthogonal ? "orthogonal" : "iid") << ", s = " << s;
            if (orthogonal) {
                EXPECT_LE(meanR2, varR + t * std::sqrt(fourthMomentBound(mo, m, d) / seeds))
                    << "orthogonal, s = " << s;
            } else {
                const double fourth =
                    (mo.m4 + 3 * (m - 1) * mo.sigma2 * mo.sigma2) / std::pow(m, 3);
                const double sd = std::sqrt((fourth - varR * varR) / seeds);
                EXPECT_LE(std::abs(meanR2 - varR), t * sd)
                    << "iid, s = " << s << ": mean r² " << meanR2 << " vs σ²/M " << varR;
            }
        }
    }
}

TEST(FavorStatistics, AttentionConvergesToSoftmaxAsFeaturesGrow) {
    // Softmax attention weights A_ij ∝ exp(q_i·k_j/√d) and the FAVOR+ ones Â_ij ∝ K̂_ij differ by
    // Â_ij − A_ij = A_ij (r_ij − r̄_i)/(1 + r̄_i), r̄_i = Σ_j A_ij r_ij, so with V = max|v| and
    // Q_i = Σ_j A_ij r_ij²: |ĉ_ic − c_ic| ≤ V Σ_j |Â_ij − A_ij| ≤ V min(2, √Q_i/(1 − √Q_i)), hence
    // D_i = max_c (ĉ_ic − c_ic)² ≤ 16 V² Q_i always. E[Q_i] ≤ ρ_i/M with ρ_i = Σ_j A_ij σ²_ij and
    // √E[Q_i²] ≤ Σ_j A_ij √E[r_ij⁴]. Over R seeds, Chebyshev bounds the mean of D_i by
    // 16 V² (ρ_i/M + t √E[Q_i²] / √R): a bound that falls as 1/M. 2 kinds of features × 3 M ×
    // 4 rows = 24 checks → t = √(24 / 0.01) ≈ 49.
    const int n = 4, d = 8, seeds = 200;
    const double t = std::sqrt(24 / 0.01);
    const Matrix q = ref::randomMatrix(n, d, 21, 0.3), k = ref::randomMatrix(n, d, 22, 0.3),
                 v = ref::randomMatrix(n, 3, 23);
    const ref::Attention exact = ref::maskedSoftmax(q, k, v, ref::everything, 1 / std::sqrt(8.0));
    const double bigV = v.cwiseAbs().maxCoeff();
    const double scale = std::pow(d, -0.25);
    for (bool orthogonal : {false, true}) {
        std::vector<double> previousBound(n, 1e300);
        for (int m : {64, 512, 4096}) {
            std::vector<double> meanD(n, 0.0);
            for (int seed = 0; seed < seeds; ++seed) {
                LinearAttentionOptions o;
                o.featureMap = FeatureMap::Favor;
                o.features = m;
                o.orthogonal = orthogonal;
                o.seed = 500 + static_cast<std::uint64_t>(seed);
                const Matrix got = attnlab::core::linearAttention(q, k, v, o).context;
                for (int i = 0; i < n; ++i)
                    meanD[static_cast<std::size_t>(i)] +=
                        (got.row(i).cast<double>() - exact.context.row(i)).cwiseAbs2().maxCoeff() /
                        seeds;
            }
            for (int i = 0; i < n; ++i) {
                double rho = 0.0, rootQ2 = 0.0;
                for (int j = 0; j < n; ++j) {
                    const double s = ((q.row(i) + k.row(j)).cast<double>() * scale).squaredNorm();
                    const Moments mo = moments(s);
                    rho += exact.weights(i, j) * mo.sigma2;
                    rootQ2 += exact.weights(i, j) * std::sqrt(fourthMomentBound(mo, m, d));
                }
                const double bound =
                    16 * bigV * bigV * (rho / m + t * rootQ2 / std::sqrt(seeds)) + 1e-9;
                EXPECT_LE(meanD[static_cast<std::size_t>(i)], bound)
                    << (orthogonal ? "orthogonal" : "iid") << ", M = " << m << ", row " << i;
                EXPECT_LT(bound, previousBound[static_cast<std::size_t>(i)] / 4)
                    << "the bound must fall with M";
                previousBound[static_cast<std::size_t>(i)] = bound;
            }
        }
    }
}

} // namespace test_feature_maps
