// Dense attention of core/efficient (the exact reference of the complexity lab): softmax over the
// visible keys against loops in double, the other normalisers against the program's own
// normalisers on the masked logits, and the edge cases (a row that sees nothing, no keys).

#include "core/attention/mask.h"
#include "core/attention/normalizer.h"
#include "core/efficient/dense_attention.h"

#include "attention_reference.h"
#include "eigen_testing.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#ifdef _OPENMP
#include <omp.h>
#endif

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_dense_attention {

using attnlab::core::denseAttention;
using attnlab::core::DenseAttentionOptions;
using attnlab::core::DenseAttentionResult;
using attnlab::core::InputError;
using attnlab::core::MaskKind;
using attnlab::core::MaskPattern;
using attnlab::core::MaskSpec;
using attnlab::core::Matrix;
using attnlab::core::Normalizer;
using attnlab::core::parseMask;
namespace ref = attnlab::testref;

TEST(DenseAttention, SoftmaxEqualsLoopsForMasksAndShapes) {
    for (const char* text : {"none", "causal", "window:2", "block:3", "strided:3"})
        for (auto [nq, nk] : std::vector<std::pair<int, int>>{{1, 1}, {9, 9}, {70, 70}, {5, 12}}) {
            if (nq != nk && std::string(text) == "causal")
                continue;
            const Matrix q = ref::randomMatrix(nq, 6, 1), k = ref::randomMatrix(nk, 6, 2),
                         v = ref::randomMatrix(nk, 4, 3);
            const MaskPattern mask(parseMask(text), nq, nk, nq != nk);
            const ref::Attention expected = ref::maskedSoftmax(
                q, k, v, [&](int i, int j) { return mask.visible(i, j); }, 1.0 / std::sqrt(6.0));
            const DenseAttentionResult got = denseAttention(q, k, v, &mask);
            EXPECT_EIGEN_NEAR(got.weights, expected.weights, 1e-6) << text;
            EXPECT_EIGEN_NEAR(got.context, expected.context, 1e-5) << text;
            EXPECT_EQ(got.fullyMaskedRows, expected.empty) << text;
        }
}

TEST(DenseAttention, OtherNormalisersMatchTheProgramsOnMaskedLogits) {
    const int n = 40;
    const Matrix q = ref::randomMatrix(n, 5, 4), k = ref::randomMatrix(n, 5, 5),
                 v = ref::randomMatrix(n, 3, 6);
    const MaskPattern mask(parseMask("window:4"), n, n);
    Matrix logits = (q * 0.5f) * k.transpose();
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j)
            if (!mask.visible(i, j))
                logits(i, j) = -std::numeric_limits<float>::infinity();
    for (Normalizer normalizer : attnlab::core::allNormalizers()) {
        std::vector<int> flagged;
        const Matrix expected = attnlab::core::normalizeRows(normalizer, logits, flagged);
        DenseAttentionOptions options;
        options.normalizer = normalizer;
        options.scale = 0.5f;
        const DenseAttentionResult got = denseAttention(q, k, v, &mask, options);
        EXPECT_EIGEN_NEAR(got.weights, expected, 1e-6) << attnlab::core::toString(normalizer);
        EXPECT_EIGEN_NEAR(got.context, expected * v, 1e-5);
    }
}

TEST(DenseAttention, RowsThatSeeNothingAndNoKeys) {
    MaskSpec spec;
    spec.kind = MaskKind::Custom;
    spec.blocked = {{1, 0}, {1, 1}, {1, 2}};
    const MaskPattern mask(spec, 3, 3);
    const Matrix q = ref::randomMatrix(3, 2, 7), k = ref::randomMatrix(3, 2, 8),
                 v = ref::randomMatrix(3, 2, 9);
    const DenseAttentionResult got = denseAttention(q, k, v, &mask);
    EXPECT_EQ(got.fullyMaskedRows, std::vector<int>{1});
    EXPECT_TRUE(got.degenerateRows.empty());
    EXPECT_TRUE(got.weights.row(1).isZero(0.0f));
    EXPECT_TRUE(got.context.allFinite());
    const DenseAttentionResult none = denseAttention(q, k.topRows(0), v.topRows(0));
    EXPECT_EQ(none.fullyMaskedRows, (std::vector<int>{0, 1, 2}));
    EXPECT_TRUE(none.context.isZero(0.0f));
    EXPECT_THROW(denseAttention(q, k, v.topRows(2)), InputError);
}

TEST(DenseAttention, ReluFlagsRowsWithoutAPositiveLogit) {
    Matrix q(2, 1), k(2, 1), v(2, 1);
    q << 1, -1;
    k << 1, 2;
    v << 3, 4;
    DenseAttentionOptions options;
    options.normalizer = Normalizer::Relu;
    const DenseAttentionResult got = denseAttention(q, k, v, nullptr, options);
    EXPECT_EQ(got.degenerateRows, std::vector<int>{1});
    EXPECT_TRUE(got.fullyMaskedRows.empty());
    EXPECT_NEAR(got.context(0, 0), (1 * 3 + 2 * 4) / 3.0, 1e-6);
    EXPECT_EQ(got.context(1, 0), 0.0f);
}

#ifdef _OPENMP
TEST(DenseAttention, SameNumbersOnAnyThreadCount) {
    // Large enough that Eigen would split one product between threads (with blocking sizes, and
    // so rounding, that depend on the thread count) if the kernel let it.
    const int n = 700;
    const Matrix q = ref::randomMatrix(n, 64, 10), k = ref::randomMatrix(n, 64, 11),
                 v = ref::randomMatrix(n, 64, 12);
    const int previous = omp_get_max_threads();
    omp_set_num_threads(1);
    const DenseAttentionResult one = denseAttention(q, k, v);
    omp_set_num_threads(3);
    const DenseAttentionResult three = denseAttention(q, k, v);
    omp_set_num_threads(previous);
    EXPECT_TRUE(one.weights == three.weights);
    EXPECT_TRUE(one.context == three.context);
    EXPECT_EQ(omp_get_max_threads(), previous) << "the kernel must restore the thread count";
}
#endif

} // namespace test_dense_attention
