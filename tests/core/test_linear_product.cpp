// The product of the pretrained engine's linear layers: the vector kernels (where this processor
// runs them) and Eigen's product against a double-precision product, on shapes that reach
// every edge of the kernels (partial panels of columns, partial blocks of rows, depths that are
// not a multiple of 16 or that take several passes), in both weight layouts, into a block of a
// wider matrix whose other cells must stay untouched.
#include "core/base/types.h"
#include "core/pretrained/kernels.h"
#include "core/pretrained/linear_product.h"

#include "eigen_testing.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

namespace test_linear_product {

using attnlab::core::Matrix;
using attnlab::core::pretrained::applyLinear;
using attnlab::core::pretrained::Linear;
using attnlab::core::pretrained::multiplyColumns;
using attnlab::core::pretrained::packWeights;
using attnlab::core::pretrained::ProductKernel;
using attnlab::core::pretrained::vectorProductAvailable;
using attnlab::testing::randomMatrix;

constexpr float kUntouched = 7.25f;

struct Shape {
    int rows, in, out, first, count;
};

// The weights as stored (out × in when outByIn, else in × out) and x·W in double.
struct Case {
    Matrix wide, stored;
    Eigen::Index offset = 0;
    Eigen::Index in = 0;
    Eigen::MatrixXd product; // x·W[:, first : first + count]
    bool outByIn = true;
    const float* bias = nullptr;
    std::shared_ptr<float[]> packed; // packWeights' copy of `stored`, when taken (usePacked)

    // x: the middle of a wider matrix, so that its rows have a stride of their own.
    Eigen::Block<const Matrix> x() const { return wide.middleCols(offset, in); }

    // A view of `stored`, taken where it is used (a Case may have been moved).
    Linear layer() const {
        Linear l;
        l.weight = stored.data();
        l.bias = bias;
        l.in = static_cast<int>(outByIn ? stored.cols() : stored.rows());
        l.out = static_cast<int>(outByIn ? stored.rows() : stored.cols());
        l.outByIn = outByIn;
        if (packed) {
            l.weight = packed.get();
            l.packed = true;
        }
        return l;
    }
    // Runs from packed weights from now on; false where the vector kernels do not run.
    bool usePacked() {
        packed = packWeights(layer());
        return packed != nullptr;
    }
};

Case makeCase(const Shape& shape, bool outByIn, std::uint64_t seed) {
    Case c;
    c.wide = randomMatrix<Matrix>(shape.rows, shape.in + 5, seed);
    c.offset = shape.rows == 0 ? 0 : 2; // no rows: no storage to take the middle of
    c.in = shape.in;
    c.stored = outByIn ? randomMatrix<Matrix>(shape.out, shape.in, seed + 1)
                       : randomMatrix<Matrix>(shape.in, shape.out, seed + 1);
    const Eigen::MatrixXd w = outByIn ? Eigen::MatrixXd(c.stored.cast<double>().transpose())
                                      : Eigen::MatrixXd(c.stored.cast<double>());
    c.product = c.x().cast<double>() * w.middleCols(shape.first, shape.count);
    c.outByIn = outByIn;
    return c;
}

const std::vector<Shape>& shapes() {
    static const std::vector<Shape> all = {
        {1, 768, 100, 0, 100},   // one row, as the prediction of a typed key (Eigen's product)
        {2, 100, 60, 10, 50},    // the fewest rows the vector kernels take
        {7, 33, 50, 3, 45},      // a partial row block, odd depth, a partial last panel
        {8, 16, 48, 0, 48},      // exactly one block of rows and one panel
        {13, 1030, 97, 5, 90},   // two passes over the depth
        {32, 2100, 130, 0, 130}, // three passes, 32 rows as a sentence of 32 tokens
        {20, 5, 17, 16, 1},      // depth below one register, a single column
        {9, 64, 200, 64, 100},   // a thread's block of columns in the middle of the weights
    };
    return all;
}

class LinearProduct : public ::testing::TestWithParam<ProductKernel> {};

TEST_P(LinearProduct, MatchesTheDoubleProductAndWritesOnlyItsBlock) {
    std::uint64_t seed = 11;
    for (const bool packed : {false, true})
        for (const bool outByIn : {true, false}) {
            for (const Shape& shape : shapes()) {
                for (const bool withBias : {false, true}) {
                    SCOPED_TRACE(std::string(packed ? "packed from " : "") +
                                 std::string(outByIn ? "out × in" : "in × out") + ", rows " +
                                 std::to_string(shape.rows) + ", in " + std::to_string(shape.in) +
                                 ", columns " + std::to_string(shape.first) + " + " +
                                 std::to_string(shape.count) + " of " + std::to_string(shape.out) +
                                 (withBias ? ", bias" : ""));
                    Case c = makeCase(shape, outByIn, seed += 2);
                    if (packed && !c.usePacked())
                        continue; // no vector kernels here: weights are never packed
                    const Matrix bias = randomMatrix<Matrix>(1, shape.out, seed + 1);
                    Eigen::MatrixXd expected = c.product;
                    if (withBias) {
                        c.bias = bias.data();
                        expected.rowwise() +=
                            bias.cast<double>().row(0).segment(shape.first, shape.count);
                    }
                    Matrix y = Matrix::Constant(shape.rows + 2, shape.count + 6, kUntouched);
                    Eigen::Ref<Matrix> block = y.block(1, 3, shape.rows, shape.count);
                    multiplyColumns(c.x(), c.layer(), shape.first, shape.count, block, GetParam());
                    const Matrix result = y.block(1, 3, shape.rows, shape.count);
                    // Float rounding of a sum of `in` products of unit size grows with `in`; a
                    // wrong or missing term (or a bias added twice, or to the wrong columns) moves
                    // a cell by about one unit.
                    const double tolerance = std::max(1e-4, 2e-6 * shape.in);
                    EXPECT_EIGEN_NEAR(Eigen::MatrixXd(result.cast<double>()), expected, tolerance);
                    Matrix outside = y;
                    outside.block(1, 3, shape.rows, shape.count).setConstant(kUntouched);
                    EXPECT_TRUE((outside.array() == kUntouched).all())
                        << "a cell outside the block changed";
                }
            }
        }
}

TEST_P(LinearProduct, NoRowsWriteNothing) {
    const Case c = makeCase({0, 40, 30, 0, 30}, true, 5);
    Matrix y = Matrix::Constant(2, 30, kUntouched);
    Eigen::Ref<Matrix> block = y.topRows(0);
    multiplyColumns(c.x(), c.layer(), 0, 30, block, GetParam());
    EXPECT_TRUE((y.array() == kUntouched).all());
}

INSTANTIATE_TEST_SUITE_P(Kernels, LinearProduct,
                         ::testing::Values(ProductKernel::automatic, ProductKernel::portable),
                         [](const auto& info) {
                             return std::string(
                                 info.param == ProductKernel::automatic ? "Automatic" : "Portable");
                         });

// The layer as the engine runs it, its columns split over the threads and the bias added: the
// two kernels agree on a product large enough to be split (GPT-2 small's Q, K, V at 32 tokens).
TEST(LinearLayer, BothKernelsAgreeOnASplitProductWithBias) {
    for (const bool packed : {false, true})
        for (const bool outByIn : {true, false})
            for (const int rows : {32, 1}) { // a sentence, and a typed key's one new row
                SCOPED_TRACE(std::string(packed ? "packed, " : "") +
                             (outByIn ? "out × in" : "in × out") + ", rows " +
                             std::to_string(rows));
                Case c = makeCase({rows, 768, 2304, 0, 2304}, outByIn, 41);
                if (packed && !c.usePacked())
                    continue;
                const Matrix bias = randomMatrix<Matrix>(1, 2304, 43);
                c.bias = bias.data();
                Matrix automatic(rows, 2304), portable(rows, 2304);
                applyLinear(c.x(), c.layer(), automatic, ProductKernel::automatic);
                applyLinear(c.x(), c.layer(), portable, ProductKernel::portable);
                EXPECT_EIGEN_NEAR(automatic, portable, 2e-3);
                const Eigen::MatrixXd expected = c.product.rowwise() + bias.cast<double>().row(0);
                EXPECT_EIGEN_NEAR(Eigen::MatrixXd(automatic.cast<double>()), expected, 2e-3);
            }
}

// Packed weights are panels of 48 columns, each `in` rows of 48 floats, one after the other,
// the last panel's missing columns zero; whatever the stored layout, every weight is where the
// kernels read it. Where the kernels do not run, nothing is packed.
TEST(LinearLayer, PackedWeightsAreWherePanelsReadThem) {
    for (const bool outByIn : {true, false}) {
        Case c = makeCase({1, 21, 100, 0, 100}, outByIn, 53);
        const Linear stored = c.layer();
        const std::unique_ptr<float[]> packed = packWeights(stored);
        ASSERT_EQ(packed != nullptr, vectorProductAvailable());
        if (!packed)
            continue;
        ASSERT_EQ(attnlab::core::pretrained::packedFloats(21, 100), 3u * 48 * 21);
        for (int k = 0; k < 21; ++k)
            for (int column = 0; column < 3 * 48; ++column) {
                const float value = packed[static_cast<std::size_t>(column / 48) * 48 * 21 +
                                           static_cast<std::size_t>(k) * 48 + column % 48];
                const float expected = column >= 100 ? 0.0f
                                       : outByIn     ? c.stored(column, k)
                                                     : c.stored(k, column);
                ASSERT_EQ(value, expected) << "depth " << k << ", column " << column;
            }
    }
}

// The activation given to applyLinear reaches every thread's block of columns: one product and
// activation matches the product, bias and activation applied one after the other.
TEST(LinearLayer, AnActivationIsAppliedToEveryColumnOfASplitProduct) {
    using attnlab::core::Activation;
    using attnlab::core::pretrained::activate;
    Case c = makeCase({32, 768, 2304, 0, 2304}, false, 47);
    const Matrix bias = randomMatrix<Matrix>(1, 2304, 53);
    c.bias = bias.data();
    for (const Activation activation :
         {Activation::GeluTanh, Activation::GeluErf, Activation::Silu, Activation::Relu}) {
        Matrix fused(32, 2304), separate(32, 2304);
        applyLinear(c.x(), c.layer(), fused, ProductKernel::automatic, activation);
        applyLinear(c.x(), c.layer(), separate, ProductKernel::automatic);
        activate(separate, activation);
        EXPECT_EIGEN_NEAR(fused, separate, 1e-6);
        // And it was applied: the activations differ from the plain product somewhere.
        Matrix plain(32, 2304);
        applyLinear(c.x(), c.layer(), plain, ProductKernel::automatic);
        EXPECT_GT((plain - fused).cwiseAbs().maxCoeff(), 1e-2);
    }
}

TEST(LinearLayer, TheVectorKernelsRunWhereTheProcessorHasAvx512) {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    EXPECT_EQ(vectorProductAvailable(), __builtin_cpu_supports("avx512f") != 0);
#else
    EXPECT_FALSE(vectorProductAvailable());
#endif
}

} // namespace test_linear_product
