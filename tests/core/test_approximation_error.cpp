// Approximation errors: worked examples with exact numbers, and the identity the header states
// for sparse kinds: KL(approx ‖ exact) = −ln(the exact weight the approximation keeps) when the
// approximation is softmax over a subset of the keys.

#include "core/attention/mask.h"
#include "core/efficient/approximation_error.h"
#include "core/efficient/dense_attention.h"
#include "core/efficient/sparse_attention.h"

#include "attention_reference.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_approximation_error {

using attnlab::core::approximationError;
using attnlab::core::ApproximationError;
using attnlab::core::InputError;
using attnlab::core::Matrix;

TEST(ApproximationError, WorkedExample) {
    Matrix exact(3, 2), approx(3, 2), c1(3, 1), c2(3, 1);
    exact << 0.5f, 0.5f, 0.5f, 0.5f, 0.0f, 0.0f; // row 2 sees nothing
    approx << 0.25f, 0.75f, 1.0f, 0.0f, 0.5f, 0.5f;
    c1 << 1, 2, 3;
    c2 << 1.5f, 2, 2;
    const ApproximationError e = approximationError(exact, approx, c1, c2);
    EXPECT_EQ(e.rowsCompared, 2);
    EXPECT_EQ(e.rowsSkipped, 1);
    EXPECT_EQ(e.infiniteRows, 1);
    EXPECT_TRUE(std::isinf(e.meanRowKL));
    // Row 0: KL(q‖p) = 0.25 ln 0.5 + 0.75 ln 1.5; row 1: 1 · ln 2.
    EXPECT_NEAR(e.meanRowReverseKL,
                (0.25 * std::log(0.5) + 0.75 * std::log(1.5) + std::log(2.0)) / 2, 1e-7);
    EXPECT_NEAR(e.meanDroppedWeight, 0.25, 1e-7); // row 1 drops 0.5
    EXPECT_NEAR(e.maxOutputDifference, 1.0, 1e-7);
    EXPECT_NEAR(e.maxWeightDifference, 0.5, 1e-7);

    Matrix finite(1, 2), p(1, 2), c(1, 1);
    p << 0.5f, 0.5f;
    finite << 0.25f, 0.75f;
    c << 0;
    const ApproximationError f = approximationError(p, finite, c, c);
    EXPECT_NEAR(f.meanRowKL, 0.5 * std::log(2.0) + 0.5 * std::log(0.5 / 0.75), 1e-7);
    EXPECT_EQ(f.infiniteRows, 0);
    EXPECT_EQ(f.maxOutputDifference, 0.0);
}

TEST(ApproximationError, SparseReverseKLIsMinusLogOfTheKeptWeight) {
    const int n = 60;
    const Matrix q = attnlab::testref::randomMatrix(n, 4, 1),
                 k = attnlab::testref::randomMatrix(n, 4, 2),
                 v = attnlab::testref::randomMatrix(n, 2, 3);
    const auto exact = attnlab::core::denseAttention(q, k, v);
    const attnlab::core::MaskPattern mask(attnlab::core::parseMask("window:3"), n, n);
    const auto sparse = attnlab::core::sparseAttention(q, k, v, mask);
    const ApproximationError e =
        approximationError(exact.weights, sparse.weights.toDense(), exact.context, sparse.context);
    double expected = 0.0, dropped = 0.0;
    for (int i = 0; i < n; ++i) {
        double kept = 0.0;
        for (int j = 0; j < n; ++j)
            if (std::abs(i - j) <= 3)
                kept += exact.weights(i, j);
        expected -= std::log(kept) / n;
        dropped += (1 - kept) / n;
    }
    EXPECT_NEAR(e.meanRowReverseKL, expected, 1e-5);
    EXPECT_NEAR(e.meanDroppedWeight, dropped, 1e-5);
    EXPECT_EQ(e.infiniteRows, n);
    EXPECT_GT(e.maxOutputDifference, 0.0);
}

TEST(ApproximationError, RefusesDifferentShapes) {
    const Matrix a = Matrix::Zero(2, 3), b = Matrix::Zero(3, 2), c = Matrix::Zero(2, 1);
    EXPECT_THROW(approximationError(a, b, c, c), InputError);
    EXPECT_THROW(approximationError(a, a, c, Matrix::Zero(2, 2)), InputError);
}

} // namespace test_approximation_error
