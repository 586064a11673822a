// Tiled exact attention (docs/attention-math.md, "Efficient attention"): the online softmax over
// key blocks equals softmax attention computed cell by cell in double, for block sizes that do and
// do not divide n, n = 1, cross-attention, causal and every mask of the registry; the weights
// recomputed from the final m and ℓ are the exact rows, and the pooled images are the
// max-pooling of the exact weights.

#include "core/attention/mask.h"
#include "core/efficient/tiled_attention.h"

#include "attention_reference.h"
#include "eigen_testing.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>
#include <vector>

#ifdef _OPENMP
#include <omp.h>
#endif

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_tiled_attention {

using attnlab::core::Cancelled;
using attnlab::core::InputError;
using attnlab::core::MaskKind;
using attnlab::core::MaskPattern;
using attnlab::core::MaskSpec;
using attnlab::core::Matrix;
using attnlab::core::parseMask;
using attnlab::core::tiledAttention;
using attnlab::core::TiledAttentionOptions;
using attnlab::core::TiledAttentionResult;
using attnlab::core::tiledPooledWeights;
using attnlab::core::tiledWeightRows;
namespace ref = attnlab::testref;

namespace {

constexpr double kContextTolerance = 1e-5;
constexpr double kWeightTolerance = 1e-6;

TiledAttentionOptions blocks(int keys, int queries = 128) {
    TiledAttentionOptions options;
    options.blockSize = keys;
    options.queryBlockSize = queries;
    return options;
}

std::vector<int> allRows(int n) {
    std::vector<int> rows(static_cast<std::size_t>(n));
    std::iota(rows.begin(), rows.end(), 0);
    return rows;
}

struct Inputs {
    Matrix q, k, v;
};

Inputs inputs(int nq, int nk, int dK, int dV, std::uint64_t seed, double stddev = 1.0) {
    return {ref::randomMatrix(nq, dK, seed, stddev), ref::randomMatrix(nk, dK, seed + 1000, stddev),
            ref::randomMatrix(nk, dV, seed + 2000)};
}

} // namespace

TEST(TiledAttention, EqualsDenseSoftmaxForEveryBlockSize) {
    for (int n : {1, 2, 7, 64, 100, 257})
        for (int b : {1, 3, 16, 64, 256})
            for (int qb : {1, 5, 128})
                for (std::uint64_t seed : {1u, 2u}) {
                    const Inputs in = inputs(n, n, 8, 5, seed);
                    const ref::Attention expected =
                        ref::maskedSoftmax(in.q, in.k, in.v, ref::everything, 1.0 / std::sqrt(8.0));
                    const TiledAttentionResult got =
                        tiledAttention(in.q, in.k, in.v, nullptr, blocks(b, qb));
                    EXPECT_EIGEN_NEAR(got.context, expected.context, kContextTolerance)
                        << "n = " << n << ", B = " << b << ", query block " << qb;
                    EXPECT_TRUE(got.fullyMaskedRows.empty());
                }
}

TEST(TiledAttention, CrossAttentionWithDifferentLengths) {
    for (auto [nq, nk] : std::vector<std::pair<int, int>>{{5, 17}, {33, 4}, {1, 300}, {130, 1}}) {
        const Inputs in = inputs(nq, nk, 6, 3, 7);
        const ref::Attention expected =
            ref::maskedSoftmax(in.q, in.k, in.v, ref::everything, 1.0 / std::sqrt(6.0));
        for (int b : {1, 7, 256})
            EXPECT_EIGEN_NEAR(tiledAttention(in.q, in.k, in.v, nullptr, blocks(b, 16)).context,
                              expected.context, kContextTolerance)
                << nq << "×" << nk << ", B = " << b;
    }
}

TEST(TiledAttention, EveryMaskOfTheRegistry) {
    struct Case {
        std::string text;
        ref::Visible rule;
    };
    const std::vector<Case> cases = {
        {"causal", [](int i, int j) { return j <= i; }},
        {"window:3", [](int i, int j) { return std::abs(i - j) <= 3; }},
        {"dilated:2:3", [](int i, int j) { return std::abs(i - j) <= 6 && (i - j) % 3 == 0; }},
        {"strided:4", [](int i, int j) { return std::abs(i - j) < 4 || (i - j) % 4 == 0; }},
        {"longformer:2:3", [](int i, int j) { return std::abs(i - j) <= 2 || i < 3 || j < 3; }},
        {"block:5", [](int i, int j) { return i / 5 == j / 5; }},
    };
    for (const Case& c : cases)
        for (int n : {1, 9, 40, 131})
            for (int b : {1, 4, 32}) {
                const Inputs in = inputs(n, n, 4, 3, 11);
                const MaskPattern mask(parseMask(c.text), n, n);
                const ref::Attention expected = ref::maskedSoftmax(in.q, in.k, in.v, c.rule, 0.5);
                const TiledAttentionResult got =
                    tiledAttention(in.q, in.k, in.v, &mask, blocks(b, 8));
                EXPECT_EIGEN_NEAR(got.context, expected.context, kContextTolerance)
                    << c.text << ", n = " << n << ", B = " << b;
                EXPECT_EIGEN_NEAR(tiledWeightRows(in.q, in.k, got, allRows(n), &mask, blocks(b, 8)),
                                  expected.weights, kWeightTolerance)
                    << c.text;
            }
}

TEST(TiledAttention, BigBirdPaddingAndCustomMasks) {
    const int n = 23;
    const Inputs in = inputs(n, n, 5, 4, 3);
    const MaskPattern bigbird(parseMask("bigbird:1:2:3"), n, n, false, {}, 99);
    std::vector<bool> padding(n, false);
    for (int j = 15; j < n; ++j)
        padding[static_cast<std::size_t>(j)] = true;
    MaskSpec padSpec;
    padSpec.kind = MaskKind::Padding;
    padSpec.padLength = n;
    const MaskPattern padded(padSpec, n, n, false, padding);
    MaskSpec customSpec;
    customSpec.kind = MaskKind::Custom;
    for (int j = 0; j < n; ++j)
        customSpec.blocked.push_back({4, j}); // row 4 sees nothing
    customSpec.blocked.push_back({0, 0});
    customSpec.blocked.push_back({10, 12});
    const MaskPattern custom(customSpec, n, n);
    for (const MaskPattern* mask : {&bigbird, &padded, &custom}) {
        // The predicate (not the runs the kernel reads) decides the reference.
        const ref::Visible rule = [mask](int i, int j) { return mask->visible(i, j); };
        const ref::Attention expected = ref::maskedSoftmax(in.q, in.k, in.v, rule, 0.3);
        TiledAttentionOptions options = blocks(4, 3);
        options.scale = 0.3f;
        const TiledAttentionResult got = tiledAttention(in.q, in.k, in.v, mask, options);
        EXPECT_EIGEN_NEAR(got.context, expected.context, kContextTolerance) << mask->info().name;
        EXPECT_EQ(got.fullyMaskedRows, expected.empty) << mask->info().name;
        EXPECT_EIGEN_NEAR(tiledWeightRows(in.q, in.k, got, allRows(n), mask, options),
                          expected.weights, kWeightTolerance)
            << mask->info().name;
    }
}

TEST(TiledAttention, FullyMaskedRowsAreZeroWithNoNaN) {
    MaskSpec spec;
    spec.kind = MaskKind::Custom;
    for (int j = 0; j < 6; ++j) {
        spec.blocked.push_back({2, j});
        spec.blocked.push_back({5, j});
    }
    const MaskPattern mask(spec, 6, 6);
    const Inputs in = inputs(6, 6, 3, 2, 5);
    const TiledAttentionResult got = tiledAttention(in.q, in.k, in.v, &mask, blocks(2, 2));
    EXPECT_EQ(got.fullyMaskedRows, (std::vector<int>{2, 5}));
    EXPECT_TRUE(got.context.allFinite());
    EXPECT_TRUE(got.context.row(2).isZero(0.0f));
    EXPECT_TRUE(std::isinf(got.rowMax(5)) && got.rowMax(5) < 0);
    EXPECT_EQ(got.rowSum(5), 0.0f);
    const Matrix weights = tiledWeightRows(in.q, in.k, got, allRows(6), &mask, blocks(2, 2));
    EXPECT_TRUE(weights.row(2).isZero(0.0f));
    EXPECT_NEAR(weights.row(3).sum(), 1.0, 1e-6);
}

TEST(TiledAttention, RowStatisticsAreTheLogSumExp) {
    const Inputs in = inputs(30, 45, 4, 2, 21);
    const TiledAttentionResult got = tiledAttention(in.q, in.k, in.v, nullptr, blocks(7, 4));
    for (int i = 0; i < 30; ++i) {
        double top = -1e300, sum = 0.0;
        std::vector<double> logits;
        for (int j = 0; j < 45; ++j) {
            double dot = 0.0;
            for (int c = 0; c < 4; ++c)
                dot += static_cast<double>(in.q(i, c)) * in.k(j, c);
            logits.push_back(dot / 2.0);
            top = std::max(top, dot / 2.0);
        }
        for (double l : logits)
            sum += std::exp(l - top);
        EXPECT_NEAR(got.rowMax(i), top, 1e-5) << "row " << i;
        EXPECT_NEAR(std::log(got.rowSum(i)) + got.rowMax(i), std::log(sum) + top, 1e-5);
    }
}

TEST(TiledAttention, LargeLogitsStayExact) {
    // Logits of several hundred: exp would overflow without the running maximum. Float logits
    // of that size carry a rounding error δ ≤ γ_d · scale · Σ_c |q_c k_c| (γ_d = d·ε/(1 − d·ε),
    // the bound of a float dot product of length d, plus one rounding for the scale), which
    // moves each weight by a factor within e^{±2δ}: the bound on the context below follows, and
    // it is the same for any float kernel (dense included), not a property of the tiling.
    const int n = 50, d = 16;
    const float scale = 0.25f;
    const Inputs in = inputs(n, n, d, 4, 31, 6.0);
    const ref::Attention expected = ref::maskedSoftmax(in.q, in.k, in.v, ref::everything, scale);
    const double eps = std::numeric_limits<float>::epsilon() / 2;
    const double gamma = (d + 1) * eps / (1 - (d + 1) * eps);
    double delta = 0.0;
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j)
            delta = std::max(
                delta, gamma * scale *
                           (in.q.row(i).cwiseAbs().cwiseProduct(in.k.row(j).cwiseAbs())).sum());
    const double bound = (std::exp(2 * delta) - 1) * in.v.cwiseAbs().maxCoeff() + kContextTolerance;
    EXPECT_GT(delta, 1e-6) << "the inputs should make float rounding of the logits visible";
    for (int b : {1, 8, 64}) {
        TiledAttentionOptions options = blocks(b, 16);
        options.scale = scale;
        const TiledAttentionResult got = tiledAttention(in.q, in.k, in.v, nullptr, options);
        ASSERT_TRUE(got.context.allFinite());
        EXPECT_LE((got.context.cast<double>() - expected.context).cwiseAbs().maxCoeff(), bound)
            << "B = " << b;
    }
}

TEST(TiledAttention, ChosenRowsAreTheExactRows) {
    const Inputs in = inputs(70, 70, 8, 3, 41);
    const ref::Attention expected =
        ref::maskedSoftmax(in.q, in.k, in.v, ref::everything, 1.0 / std::sqrt(8.0));
    const TiledAttentionResult got = tiledAttention(in.q, in.k, in.v, nullptr, blocks(16));
    const std::vector<int> rows = {69, 0, 33, 33};
    const Matrix weights = tiledWeightRows(in.q, in.k, got, rows, nullptr, blocks(16));
    ASSERT_EQ(weights.rows(), 4);
    for (int t = 0; t < 4; ++t)
        EXPECT_EIGEN_NEAR(weights.row(t), expected.weights.row(rows[static_cast<std::size_t>(t)]),
                          kWeightTolerance);
    EXPECT_THROW(tiledWeightRows(in.q, in.k, got, std::vector<int>{70}, nullptr, blocks(16)),
                 InputError);
}

TEST(TiledAttention, PooledImagesAreMaxPoolingOfTheExactWeights) {
    for (const char* maskText : {"none", "causal", "window:4", "strided:5"})
        for (auto [nq, nk] : std::vector<std::pair<int, int>>{{37, 37}, {64, 64}, {20, 53}}) {
            if (nq != nk && std::string(maskText) == "causal")
                continue;
            const Inputs in = inputs(nq, nk, 6, 2, 51);
            const MaskPattern mask(parseMask(maskText), nq, nk, nq != nk);
            const ref::Visible rule = [&](int i, int j) { return mask.visible(i, j); };
            const ref::Attention expected =
                ref::maskedSoftmax(in.q, in.k, in.v, rule, 1.0 / std::sqrt(6.0));
            const TiledAttentionResult stats =
                tiledAttention(in.q, in.k, in.v, &mask, blocks(8, 8));
            for (auto [r, c] : std::vector<std::pair<int, int>>{
                     {1, 1}, {3, 5}, {7, 4}, {nq, nk}, {1000, 1000}, {16, 16}})
                EXPECT_EIGEN_NEAR(tiledPooledWeights(in.q, in.k, stats, r, c, &mask, blocks(8, 8)),
                                  ref::maxPooled(expected.weights, r, c), kWeightTolerance)
                    << maskText << " " << nq << "×" << nk << " pooled to " << r << "×" << c;
        }
}

TEST(TiledAttention, ProgressIsReportedAndCancelStops) {
    const Inputs in = inputs(3000, 3000, 2, 2, 61);
    int calls = 0, lastDone = -1, lastTotal = 0;
    tiledAttention(in.q, in.k, in.v, nullptr, blocks(256, 16), [&](int done, int total) {
        ++calls;
        EXPECT_GE(done, lastDone);
        lastDone = done;
        lastTotal = total;
        return true;
    });
    EXPECT_GE(calls, 2);
    EXPECT_EQ(lastDone, lastTotal);
    EXPECT_THROW(tiledAttention(in.q, in.k, in.v, nullptr, blocks(256, 16),
                                [](int done, int) { return done == 0; }),
                 Cancelled);
}

TEST(TiledAttention, RefusesBadInput) {
    const Inputs in = inputs(4, 4, 3, 2, 71);
    EXPECT_THROW(tiledAttention(in.q, in.k, in.v, nullptr, blocks(0)), InputError);
    EXPECT_THROW(tiledAttention(in.q, in.k, in.v, nullptr, blocks(8, 0)), InputError);
    EXPECT_THROW(tiledAttention(in.q, in.k.leftCols(2), in.v), InputError);
    EXPECT_THROW(tiledAttention(in.q, in.k, in.v.topRows(3)), InputError);
    const MaskPattern wrongShape(parseMask("window:1"), 5, 5);
    EXPECT_THROW(tiledAttention(in.q, in.k, in.v, &wrongShape), InputError);
    Matrix bad = in.q;
    bad(1, 1) = std::nanf("");
    EXPECT_THROW(tiledAttention(bad, in.k, in.v), InputError);
}

#ifdef _OPENMP
TEST(TiledAttention, SameNumbersOnAnyThreadCount) {
    const Inputs in = inputs(700, 650, 8, 8, 81);
    const MaskPattern mask(parseMask("longformer:5:3"), 700, 650, true);
    const int previous = omp_get_max_threads();
    omp_set_num_threads(1);
    const TiledAttentionResult one = tiledAttention(in.q, in.k, in.v, &mask, blocks(32, 16));
    const Matrix pooledOne = tiledPooledWeights(in.q, in.k, one, 33, 33, &mask, blocks(32, 16));
    omp_set_num_threads(3);
    const TiledAttentionResult three = tiledAttention(in.q, in.k, in.v, &mask, blocks(32, 16));
    const Matrix pooledThree = tiledPooledWeights(in.q, in.k, three, 33, 33, &mask, blocks(32, 16));
    omp_set_num_threads(previous);
    EXPECT_TRUE(one.context == three.context);
    EXPECT_TRUE(pooledOne == pooledThree);
}
#endif

} // namespace test_tiled_attention
