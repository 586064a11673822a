// Sparse attention computed over the visible keys only (docs/attention-math.md, "Efficient
// attention"): for every pattern of the mask registry it equals dense masked attention — softmax
// against loops in double, the other normalisers against the program's normalisers on the dense
// masked logits — with the weights stored as compressed rows, convertible to dense and pooled.

#include "core/attention/mask.h"
#include "core/attention/normalizer.h"
#include "core/efficient/sparse_attention.h"

#include "attention_reference.h"
#include "eigen_testing.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#ifdef _OPENMP
#include <omp.h>
#endif

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_sparse_attention {

using attnlab::core::Cancelled;
using attnlab::core::InputError;
using attnlab::core::MaskKind;
using attnlab::core::MaskPattern;
using attnlab::core::MaskSpec;
using attnlab::core::Matrix;
using attnlab::core::Normalizer;
using attnlab::core::parseMask;
using attnlab::core::sparseAttention;
using attnlab::core::SparseAttentionOptions;
using attnlab::core::SparseAttentionResult;
namespace ref = attnlab::testref;

namespace {

struct Case {
    std::string text;
    ref::Visible rule; // empty: use the pattern's predicate (random or data-dependent patterns)
};

const std::vector<Case>& cases() {
    static const std::vector<Case> all = {
        {"none", ref::everything},
        {"causal", [](int i, int j) { return j <= i; }},
        {"window:2", [](int i, int j) { return std::abs(i - j) <= 2; }},
        {"dilated:2:3", [](int i, int j) { return std::abs(i - j) <= 6 && (i - j) % 3 == 0; }},
        {"strided:4", [](int i, int j) { return std::abs(i - j) < 4 || (i - j) % 4 == 0; }},
        {"longformer:1:2", [](int i, int j) { return std::abs(i - j) <= 1 || i < 2 || j < 2; }},
        {"block:4", [](int i, int j) { return i / 4 == j / 4; }},
        {"bigbird:1:1:3", {}},
    };
    return all;
}

std::int64_t countVisible(const ref::Visible& rule, int nq, int nk) {
    std::int64_t count = 0;
    for (int i = 0; i < nq; ++i)
        for (int j = 0; j < nk; ++j)
            count += rule(i, j);
    return count;
}

} // namespace

TEST(SparseAttention, SoftmaxEqualsDenseMaskedForEveryPattern) {
    for (const Case& c : cases())
        for (auto [nq, nk] :
             std::vector<std::pair<int, int>>{{1, 1}, {9, 9}, {40, 40}, {6, 25}, {25, 6}})
            for (std::uint64_t seed : {1u, 2u}) {
                const bool cross = nq != nk;
                if (cross && c.text == "causal")
                    continue;
                const MaskPattern mask(parseMask(c.text), nq, nk, cross, {}, seed);
                const ref::Visible rule =
                    c.rule ? c.rule
                           : ref::Visible([&](int i, int j) { return mask.visible(i, j); });
                const Matrix q = ref::randomMatrix(nq, 5, seed),
                             k = ref::randomMatrix(nk, 5, seed + 9),
                             v = ref::randomMatrix(nk, 3, seed + 19);
                const ref::Attention expected =
                    ref::maskedSoftmax(q, k, v, rule, 1 / std::sqrt(5.0));
                const SparseAttentionResult got = sparseAttention(q, k, v, mask);
                const std::string what =
                    c.text + " " + std::to_string(nq) + "×" + std::to_string(nk);
                EXPECT_EIGEN_NEAR(got.context, expected.context, 1e-5) << what;
                EXPECT_EIGEN_NEAR(got.weights.toDense(), expected.weights, 1e-6) << what;
                EXPECT_EQ(got.visibleCells, countVisible(rule, nq, nk)) << what;
                EXPECT_EQ(got.weights.storedCells(), got.visibleCells) << what;
                EXPECT_EQ(got.fullyMaskedRows, expected.empty) << what;
                // Stored keys are increasing within each row.
                for (int i = 0; i < nq; ++i)
                    for (auto t = got.weights.rowOffsets[static_cast<std::size_t>(i)] + 1;
                         t < got.weights.rowOffsets[static_cast<std::size_t>(i) + 1]; ++t)
                        ASSERT_LT(got.weights.keys[static_cast<std::size_t>(t) - 1],
                                  got.weights.keys[static_cast<std::size_t>(t)]);
            }
}

TEST(SparseAttention, OtherNormalisersEqualTheProgramsOnDenseMaskedLogits) {
    const int n = 30;
    const Matrix q = ref::randomMatrix(n, 4, 3, 2.0), k = ref::randomMatrix(n, 4, 4),
                 v = ref::randomMatrix(n, 2, 5);
    for (const Case& c : cases()) {
        const MaskPattern mask(parseMask(c.text), n, n, false, {}, 7);
        Matrix logits = (q * 0.5f) * k.transpose();
        for (int i = 0; i < n; ++i)
            for (int j = 0; j < n; ++j)
                if (!mask.visible(i, j))
                    logits(i, j) = -std::numeric_limits<float>::infinity();
        for (Normalizer normalizer : attnlab::core::allNormalizers()) {
            std::vector<int> flagged;
            const Matrix expected = attnlab::core::normalizeRows(normalizer, logits, flagged);
            SparseAttentionOptions options;
            options.normalizer = normalizer;
            options.scale = 0.5f;
            const SparseAttentionResult got = sparseAttention(q, k, v, mask, options);
            const std::string what =
                c.text + " " + std::string(attnlab::core::toString(normalizer));
            EXPECT_EIGEN_NEAR(got.weights.toDense(), expected, 1e-6) << what;
            EXPECT_EIGEN_NEAR(got.context, expected * v, 1e-5) << what;
            std::vector<int> all = got.fullyMaskedRows;
            all.insert(all.end(), got.degenerateRows.begin(), got.degenerateRows.end());
            std::sort(all.begin(), all.end());
            EXPECT_EQ(all, flagged) << what;
        }
    }
}

TEST(SparseAttention, PaddingAndCustomMasksWithRowsThatSeeNothing) {
    const int n = 12;
    std::vector<bool> padding(n, false);
    padding[3] = padding[10] = padding[11] = true;
    MaskSpec padSpec;
    padSpec.kind = MaskKind::Padding;
    padSpec.padLength = n;
    MaskSpec customSpec;
    customSpec.kind = MaskKind::Custom;
    for (int j = 0; j < n; ++j)
        customSpec.blocked.push_back({7, j});
    customSpec.blocked.push_back({2, 5});
    const Matrix q = ref::randomMatrix(n, 3, 8), k = ref::randomMatrix(n, 3, 9),
                 v = ref::randomMatrix(n, 2, 10);
    for (const MaskPattern& mask :
         {MaskPattern(padSpec, n, n, false, padding), MaskPattern(customSpec, n, n)}) {
        const ref::Attention expected = ref::maskedSoftmax(
            q, k, v, [&](int i, int j) { return mask.visible(i, j); }, 1 / std::sqrt(3.0));
        const SparseAttentionResult got = sparseAttention(q, k, v, mask);
        EXPECT_EIGEN_NEAR(got.context, expected.context, 1e-5) << mask.info().name;
        EXPECT_EQ(got.fullyMaskedRows, expected.empty) << mask.info().name;
        EXPECT_TRUE(got.context.allFinite());
    }
}

TEST(SparseAttention, PooledWeightsAreMaxPoolingOfTheDenseWeights) {
    const int n = 150;
    const Matrix q = ref::randomMatrix(n, 4, 11), k = ref::randomMatrix(n, 4, 12),
                 v = ref::randomMatrix(n, 2, 13);
    for (const char* text : {"window:3", "strided:7", "bigbird:2:3:4"}) {
        const MaskPattern mask(parseMask(text), n, n, false, {}, 5);
        const SparseAttentionResult got = sparseAttention(q, k, v, mask);
        const Matrix dense = got.weights.toDense();
        for (auto [r, c] :
             std::vector<std::pair<int, int>>{{1, 1}, {10, 15}, {64, 64}, {n, n}, {999, 999}})
            EXPECT_EIGEN_NEAR(got.weights.pooled(r, c), ref::maxPooled(dense, r, c), 0.0) << text;
    }
}

TEST(SparseAttention, WeightsAreOptional) {
    const int n = 50;
    const Matrix q = ref::randomMatrix(n, 4, 14), k = ref::randomMatrix(n, 4, 15),
                 v = ref::randomMatrix(n, 2, 16);
    const MaskPattern mask(parseMask("window:5"), n, n);
    SparseAttentionOptions options;
    options.keepWeights = false;
    const SparseAttentionResult light = sparseAttention(q, k, v, mask, options);
    EXPECT_EQ(light.weights.rows, 0);
    EXPECT_EQ(light.weights.storedCells(), 0);
    EXPECT_EQ(light.visibleCells,
              countVisible([](int i, int j) { return std::abs(i - j) <= 5; }, n, n));
    EXPECT_TRUE(light.context == sparseAttention(q, k, v, mask).context);
}

TEST(SparseAttention, RefusesBadInputAndStopsWhenCancelled) {
    const Matrix q = ref::randomMatrix(5, 4, 17), k = ref::randomMatrix(5, 4, 18),
                 v = ref::randomMatrix(5, 2, 19);
    EXPECT_THROW(sparseAttention(q, k, v, MaskPattern(parseMask("window:1"), 4, 5)), InputError);
    EXPECT_THROW(sparseAttention(q, k.leftCols(2), v, MaskPattern(parseMask("window:1"), 5, 5)),
                 InputError);
    const Matrix big = ref::randomMatrix(5000, 4, 20);
    EXPECT_THROW(sparseAttention(big, big, big, MaskPattern(parseMask("window:2"), 5000, 5000), {},
                                 [](int done, int) { return done == 0; }),
                 Cancelled);
    attnlab::core::SparseWeights huge;
    huge.rows = 10000;
    huge.cols = 10000;
    huge.rowOffsets.assign(10001, 0);
    EXPECT_THROW(huge.toDense(), InputError);
}

#ifdef _OPENMP
TEST(SparseAttention, SameNumbersOnAnyThreadCount) {
    const int n = 5000;
    const Matrix q = ref::randomMatrix(n, 8, 21), k = ref::randomMatrix(n, 8, 22),
                 v = ref::randomMatrix(n, 8, 23);
    const MaskPattern mask(parseMask("bigbird:8:2:3"), n, n, false, {}, 4);
    const int previous = omp_get_max_threads();
    omp_set_num_threads(1);
    const SparseAttentionResult one = sparseAttention(q, k, v, mask);
    omp_set_num_threads(3);
    const SparseAttentionResult three = sparseAttention(q, k, v, mask);
    omp_set_num_threads(previous);
    EXPECT_TRUE(one.context == three.context);
    EXPECT_EQ(one.weights.values, three.weights.values);
    EXPECT_EQ(one.weights.keys, three.weights.keys);
}
#endif

} // namespace test_sparse_attention
