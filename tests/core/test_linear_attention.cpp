// Linear attention (docs/attention-math.md, "Efficient attention") against explicit sums in double:
// φ of every row written out from the formulas, C_i = Σ_j (φ(q_i)·φ(k_j)) v_j / Σ_j φ(q_i)·φ(k_j)
// over all keys or j ≤ i, for every feature map, several sizes and seeds, cross and causal.
// Also: the implicit weights (rows sum to 1, they reproduce the context, pooled images are their
// max-pooling), zero denominators (flagged, never NaN) and the causal prefix sums across the
// kernel's chunk and segment boundaries against a recurrent loop.

#include "core/efficient/feature_maps.h"
#include "core/efficient/linear_attention.h"

#include "attention_reference.h"
#include "eigen_testing.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#ifdef _OPENMP
#include <omp.h>
#endif

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_linear_attention {

using attnlab::core::Cancelled;
using attnlab::core::FeatureMap;
using attnlab::core::InputError;
using attnlab::core::linearAttention;
using attnlab::core::LinearAttentionOptions;
using attnlab::core::LinearAttentionResult;
using attnlab::core::linearAttentionWeights;
using attnlab::core::linearPooledWeights;
using attnlab::core::Matrix;
namespace ref = attnlab::testref;
using Dense = ref::Dense;

namespace {

// φ of one row, from the formulas, in double. `omega` is FAVOR+'s ω (M × d).
std::vector<double> phi(FeatureMap map, const Matrix& x, int row, const Matrix& omega) {
    const int d = static_cast<int>(x.cols());
    std::vector<double> out;
    switch (map) {
    case FeatureMap::Softmax: {
        double top = -1e300, sum = 0.0;
        for (int c = 0; c < d; ++c)
            top = std::max(top, static_cast<double>(x(row, c)));
        for (int c = 0; c < d; ++c) {
            out.push_back(std::exp(x(row, c) - top));
            sum += out.back();
        }
        for (double& value : out)
            value /= sum;
        break;
    }
    case FeatureMap::Elu:
        for (int c = 0; c < d; ++c)
            out.push_back(x(row, c) > 0 ? x(row, c) + 1.0
                                        : std::exp(static_cast<double>(x(row, c))));
        break;
    case FeatureMap::Relu:
        for (int c = 0; c < d; ++c)
            out.push_back(std::max(0.0, static_cast<double>(x(row, c))));
        break;
    case FeatureMap::Favor: {
        const double scale = std::pow(d, -0.25);
        double half = 0.0;
        for (int c = 0; c < d; ++c)
            half += 0.5 * scale * scale * x(row, c) * x(row, c);
        for (int r = 0; r < omega.rows(); ++r) {
            double dot = 0.0;
            for (int c = 0; c < d; ++c)
                dot += static_cast<double>(omega(r, c)) * scale * x(row, c);
            out.push_back(std::exp(dot - half) / std::sqrt(static_cast<double>(omega.rows())));
        }
        break;
    }
    }
    return out;
}

struct Expected {
    Dense weights, context;
    std::vector<int> zeroRows;
};

// The explicit sums of the math page, cell by cell.
Expected explicitLinear(const Matrix& q, const Matrix& k, const Matrix& v, FeatureMap map,
                        bool causal, const Matrix& omega) {
    const int nq = static_cast<int>(q.rows()), nk = static_cast<int>(k.rows());
    Expected e{Dense::Zero(nq, nk), Dense::Zero(nq, v.cols()), {}};
    std::vector<std::vector<double>> phiK;
    for (int j = 0; j < nk; ++j)
        phiK.push_back(phi(map, k, j, omega));
    for (int i = 0; i < nq; ++i) {
        const std::vector<double> phiQ = phi(map, q, i, omega);
        double den = 0.0;
        for (int j = 0; j < nk && (!causal || j <= i); ++j) {
            double kernel = 0.0;
            for (std::size_t f = 0; f < phiQ.size(); ++f)
                kernel += phiQ[f] * phiK[static_cast<std::size_t>(j)][f];
            e.weights(i, j) = kernel;
            den += kernel;
        }
        if (!(den > 0.0)) {
            e.weights.row(i).setZero();
            e.zeroRows.push_back(i);
            continue;
        }
        e.weights.row(i) /= den;
        for (int j = 0; j < nk; ++j)
            for (int c = 0; c < v.cols(); ++c)
                e.context(i, c) += e.weights(i, j) * v(j, c);
    }
    return e;
}

LinearAttentionOptions options(FeatureMap map, bool causal = false, int features = 32,
                               std::uint64_t seed = 5) {
    LinearAttentionOptions o;
    o.featureMap = map;
    o.causal = causal;
    o.features = features;
    o.seed = seed;
    return o;
}

Matrix omegaFor(const LinearAttentionOptions& o, int d) {
    return o.featureMap == FeatureMap::Favor
               ? attnlab::core::favorProjection(d, o.features, o.seed, o.orthogonal)
               : Matrix();
}

const std::vector<FeatureMap> kMaps = {FeatureMap::Softmax, FeatureMap::Elu, FeatureMap::Relu,
                                       FeatureMap::Favor};

std::string name(FeatureMap map, bool causal) {
    return std::string(attnlab::core::toString(map)) + (causal ? " causal" : "");
}

} // namespace

TEST(LinearAttention, EqualsTheExplicitSumsForEveryFeatureMap) {
    for (FeatureMap map : kMaps)
        for (bool causal : {false, true})
            for (int n : {1, 3, 50, 300})
                for (std::uint64_t seed : {1u, 2u}) {
                    const Matrix q = ref::randomMatrix(n, 6, seed),
                                 k = ref::randomMatrix(n, 6, seed + 10),
                                 v = ref::randomMatrix(n, 4, seed + 20);
                    const LinearAttentionOptions o = options(map, causal, 40, seed);
                    const Expected e = explicitLinear(q, k, v, map, causal, omegaFor(o, 6));
                    const LinearAttentionResult got = linearAttention(q, k, v, o);
                    EXPECT_EIGEN_NEAR(got.context, e.context, 1e-5)
                        << name(map, causal) << ", n = " << n << ", seed " << seed;
                    EXPECT_EQ(got.zeroRows, e.zeroRows) << name(map, causal);
                    if (n <= 50) {
                        std::vector<int> zero;
                        EXPECT_EIGEN_NEAR(linearAttentionWeights(q, k, o, &zero), e.weights, 1e-6)
                            << name(map, causal);
                        EXPECT_EQ(zero, e.zeroRows);
                    }
                }
}

TEST(LinearAttention, CrossAttentionWithDifferentLengths) {
    for (FeatureMap map : kMaps)
        for (auto [nq, nk] : std::vector<std::pair<int, int>>{{3, 40}, {70, 5}, {1, 1}}) {
            const Matrix q = ref::randomMatrix(nq, 5, 3), k = ref::randomMatrix(nk, 5, 4),
                         v = ref::randomMatrix(nk, 2, 5);
            const LinearAttentionOptions o = options(map);
            const Expected e = explicitLinear(q, k, v, map, false, omegaFor(o, 5));
            EXPECT_EIGEN_NEAR(linearAttention(q, k, v, o).context, e.context, 1e-5)
                << name(map, false) << " " << nq << "×" << nk;
            EXPECT_EIGEN_NEAR(linearAttentionWeights(q, k, o), e.weights, 1e-6);
        }
}

TEST(LinearAttention, WeightsAreDistributionsThatReproduceTheContext) {
    for (FeatureMap map : kMaps)
        for (bool causal : {false, true}) {
            const int n = 64;
            const Matrix q = ref::randomMatrix(n, 8, 6), k = ref::randomMatrix(n, 8, 7),
                         v = ref::randomMatrix(n, 3, 8);
            const LinearAttentionOptions o = options(map, causal, 64);
            std::vector<int> zero;
            const Matrix weights = linearAttentionWeights(q, k, o, &zero);
            const LinearAttentionResult got = linearAttention(q, k, v, o);
            for (int i = 0; i < n; ++i) {
                if (std::find(zero.begin(), zero.end(), i) != zero.end())
                    continue;
                EXPECT_NEAR(weights.row(i).sum(), 1.0, 1e-5) << name(map, causal) << " row " << i;
                EXPECT_GE(weights.row(i).minCoeff(), 0.0f);
                if (causal) {
                    EXPECT_TRUE(weights.row(i).tail(n - i - 1).isZero(0.0f));
                }
            }
            EXPECT_EIGEN_NEAR(weights * v, got.context, 1e-5) << name(map, causal);
        }
}

TEST(LinearAttention, ZeroDenominatorsAreFlaggedNeverNaN) {
    // relu: query row 1 is all negative, so φ(q_1) = 0; query row 2 is positive only where
    // every key is 0, so φ(q_2)·φ(k_j) = 0 for all j.
    Matrix q(3, 2), k(3, 2), v(3, 2);
    q << 1, 1, -1, -2, 0, 3;
    k << 2, -1, 1, -3, 0.5, -0.1f;
    v << 1, 2, 3, 4, 5, 6;
    const LinearAttentionOptions o = options(FeatureMap::Relu);
    const LinearAttentionResult got = linearAttention(q, k, v, o);
    EXPECT_EQ(got.zeroRows, (std::vector<int>{1, 2}));
    EXPECT_TRUE(got.context.allFinite());
    EXPECT_TRUE(got.context.bottomRows(2).isZero(0.0f));
    std::vector<int> zero;
    const Matrix weights = linearAttentionWeights(q, k, o, &zero);
    EXPECT_EQ(zero, (std::vector<int>{1, 2}));
    EXPECT_TRUE(weights.allFinite());
    EXPECT_TRUE(weights.bottomRows(2).isZero(0.0f));
    // Causal: row 0 sees only key 0, whose relu features are (2, 0) and meet q_0 = (1, 1).
    const LinearAttentionResult causal = linearAttention(q, k, v, options(FeatureMap::Relu, true));
    EXPECT_NEAR(causal.context(0, 0), 1.0, 1e-6);
    EXPECT_TRUE(causal.context.allFinite());
    // No keys at all: every row is flagged.
    const LinearAttentionResult none =
        linearAttention(q, k.topRows(0), v.topRows(0), options(FeatureMap::Elu));
    EXPECT_EQ(none.zeroRows, (std::vector<int>{0, 1, 2}));
}

TEST(LinearAttention, FavorIsStableForLargeInputs) {
    // Rows of norm 25 in d_k = 8: ‖x‖²/2 = 110 while ωᵀx stays within about ±55, so every
    // feature of the formula is below e^−55 and every product φ(q)·φ(k) below e^−110, under
    // the smallest float: the formula evaluated in float gives 0/0. The stabilised kernel
    // divides the per-row (queries) and common (keys) factors out and gives the weights the
    // formula gives in double.
    const int n = 20, d = 8;
    Matrix q = ref::randomMatrix(n, d, 9), k = ref::randomMatrix(n, d, 10);
    q.rowwise().normalize();
    k.rowwise().normalize();
    q *= 25.0f;
    k *= 25.0f;
    const Matrix v = ref::randomMatrix(n, 3, 11);
    const LinearAttentionOptions o = options(FeatureMap::Favor, false, 64);
    const Matrix phiQ = attnlab::core::featureMap(FeatureMap::Favor, q, omegaFor(o, d));
    const Matrix phiK = attnlab::core::featureMap(FeatureMap::Favor, k, omegaFor(o, d));
    EXPECT_TRUE((phiQ * phiK.transpose()).isZero(0.0f)) << "the float formula should underflow";
    for (bool causal : {false, true}) {
        const LinearAttentionOptions oc = options(FeatureMap::Favor, causal, 64);
        const Expected e = explicitLinear(q, k, v, FeatureMap::Favor, causal, omegaFor(oc, d));
        const LinearAttentionResult got = linearAttention(q, k, v, oc);
        ASSERT_TRUE(got.context.allFinite());
        EXPECT_EQ(got.zeroRows, e.zeroRows);
        EXPECT_TRUE(e.zeroRows.empty());
        EXPECT_EIGEN_NEAR(got.context, e.context, 1e-4) << (causal ? "causal" : "");
    }
}

TEST(LinearAttention, CausalPrefixSumsAcrossChunksAndSegments) {
    // Longer than the kernel's chunks (128) and segments (32768): a recurrent loop in double,
    // S ← S + φ(k_i)ᵀ v_i, z ← z + φ(k_i), c_i = φ(q_i)S / φ(q_i)z, must give the same rows.
    const int n = 70000, d = 3;
    const Matrix q = ref::randomMatrix(n, d, 12, 0.5), k = ref::randomMatrix(n, d, 13, 0.5),
                 v = ref::randomMatrix(n, 2, 14);
    for (FeatureMap map : {FeatureMap::Elu, FeatureMap::Favor}) {
        const LinearAttentionOptions o = options(map, true, 6);
        const Matrix omega = omegaFor(o, d);
        const LinearAttentionResult got = linearAttention(q, k, v, o);
        const int features = map == FeatureMap::Favor ? 6 : d;
        Dense s = Dense::Zero(features, 2);
        Eigen::VectorXd z = Eigen::VectorXd::Zero(features);
        double worst = 0.0;
        for (int i = 0; i < n; ++i) {
            const std::vector<double> fk = phi(map, k, i, omega), fq = phi(map, q, i, omega);
            for (int f = 0; f < features; ++f) {
                z(f) += fk[static_cast<std::size_t>(f)];
                for (int c = 0; c < 2; ++c)
                    s(f, c) += fk[static_cast<std::size_t>(f)] * v(i, c);
            }
            double den = 0.0;
            Eigen::Vector2d num = Eigen::Vector2d::Zero();
            for (int f = 0; f < features; ++f) {
                den += fq[static_cast<std::size_t>(f)] * z(f);
                num += fq[static_cast<std::size_t>(f)] * s.row(f).transpose();
            }
            for (int c = 0; c < 2; ++c)
                worst = std::max(worst, std::abs(num(c) / den - got.context(i, c)));
        }
        // Float sums over 70000 rows: relative rounding about 1e-7 · √n per step, far below.
        EXPECT_LT(worst, 1e-4) << attnlab::core::toString(map);
    }
}

TEST(LinearAttention, PooledImagesAreMaxPoolingOfTheWeights) {
    for (FeatureMap map : kMaps)
        for (bool causal : {false, true}) {
            const int n = 300;
            const Matrix q = ref::randomMatrix(n, 4, 15), k = ref::randomMatrix(n, 4, 16);
            const LinearAttentionOptions o = options(map, causal, 8);
            const Matrix weights = linearAttentionWeights(q, k, o);
            for (auto [r, c] : std::vector<std::pair<int, int>>{{1, 1}, {7, 13}, {64, 64}, {n, n}})
                EXPECT_EIGEN_NEAR(linearPooledWeights(q, k, r, c, o), ref::maxPooled(weights, r, c),
                                  1e-6)
                    << name(map, causal) << " " << r << "×" << c;
        }
}

TEST(LinearAttention, RefusesBadInputAndStopsWhenCancelled) {
    const Matrix q = ref::randomMatrix(5, 4, 17), k = ref::randomMatrix(6, 4, 18),
                 v = ref::randomMatrix(6, 2, 19);
    EXPECT_THROW(linearAttention(q, k, v, options(FeatureMap::Elu, true)), InputError);
    EXPECT_THROW(linearAttention(q, k, v, options(FeatureMap::Favor, false, 0)), InputError);
    EXPECT_THROW(linearAttention(q, k, v, options(FeatureMap::Favor, false, 16385)), InputError);
    EXPECT_THROW(linearAttention(q, k.leftCols(3), v), InputError);
    const Matrix big = ref::randomMatrix(9000, 4, 20);
    EXPECT_THROW(linearAttentionWeights(big, big), InputError);
    EXPECT_THROW(
        linearAttention(big, big, big, options(FeatureMap::Elu), [](int, int) { return false; }),
        Cancelled);
}

#ifdef _OPENMP
TEST(LinearAttention, SameNumbersOnAnyThreadCount) {
    const Matrix q = ref::randomMatrix(40000, 8, 21), k = ref::randomMatrix(40000, 8, 22),
                 v = ref::randomMatrix(40000, 8, 23);
    for (bool causal : {false, true}) {
        const LinearAttentionOptions o = options(FeatureMap::Favor, causal, 16);
        const int previous = omp_get_max_threads();
        omp_set_num_threads(1);
        const Matrix one = linearAttention(q, k, v, o).context;
        omp_set_num_threads(3);
        const Matrix three = linearAttention(q, k, v, o).context;
        omp_set_num_threads(previous);
        EXPECT_TRUE(one == three) << (causal ? "causal" : "");
    }
}
#endif

} // namespace test_linear_attention
