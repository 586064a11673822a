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
#include <optional>
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
    int panelWidth = 0;              // of `packed`

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
            l.panelWidth = panelWidth;
        }
        return l;
    }
    // Runs from weights packed for `kernel` from now on; false where it runs no vector kernels.
    bool usePacked(ProductKernel kernel) {
        attnlab::core::pretrained::PackedWeights copy = packWeights(layer(), kernel);
        packed = std::move(copy.floats);
        panelWidth = copy.panelWidth;
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
        {6, 40, 96, 0, 96},      // one block of rows of the AVX2 kernels, two whole panels
        {11, 24, 41, 0, 41},     // AVX2: blocks of 5 and 6 rows, strips of 16, 16 and 9 columns
        {1, 50, 110, 0, 110},    // one row over whole panels and a last one of 14 columns
    };
    return all;
}

std::string kernelName(ProductKernel kernel) {
    switch (kernel) {
    case ProductKernel::automatic:
        return "Automatic";
    case ProductKernel::avx2:
        return "Avx2";
    case ProductKernel::portable:
        return "Portable";
    }
    return "Unknown";
}

class LinearProduct : public ::testing::TestWithParam<ProductKernel> {};

TEST_P(LinearProduct, MatchesTheDoubleProductAndWritesOnlyItsBlock) {
    std::uint64_t seed = 11;
    // Weights as stored, and packed for each kernel set (a layout the kernel asked for does not
    // read takes Eigen's product).
    for (const std::optional<ProductKernel> packing :
         {std::optional<ProductKernel>(), std::optional(ProductKernel::automatic),
          std::optional(ProductKernel::avx2)})
        for (const bool outByIn : {true, false}) {
            for (const Shape& shape : shapes()) {
                for (const bool withBias : {false, true}) {
                    SCOPED_TRACE((packing ? "packed for " + kernelName(*packing) + " from "
                                          : std::string()) +
                                 std::string(outByIn ? "out × in" : "in × out") + ", rows " +
                                 std::to_string(shape.rows) + ", in " + std::to_string(shape.in) +
                                 ", columns " + std::to_string(shape.first) + " + " +
                                 std::to_string(shape.count) + " of " + std::to_string(shape.out) +
                                 (withBias ? ", bias" : ""));
                    Case c = makeCase(shape, outByIn, seed += 2);
                    if (packing && !c.usePacked(*packing))
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
                         ::testing::Values(ProductKernel::automatic, ProductKernel::avx2,
                                           ProductKernel::portable),
                         [](const auto& info) { return kernelName(info.param); });

// The layer as the engine runs it, its columns split over the threads and the bias added: each
// kernel agrees with Eigen's product on one large enough to be split (GPT-2 small's Q, K, V at
// 32 tokens).
TEST(LinearLayer, TheKernelsAgreeOnASplitProductWithBias) {
    for (const ProductKernel kernel : {ProductKernel::automatic, ProductKernel::avx2})
        for (const bool packed : {false, true})
            for (const bool outByIn : {true, false})
                for (const int rows : {32, 1}) { // a sentence, and a typed key's one new row
                    SCOPED_TRACE(kernelName(kernel) + (packed ? ", packed, " : ", ") +
                                 (outByIn ? "out × in" : "in × out") + ", rows " +
                                 std::to_string(rows));
                    Case c = makeCase({rows, 768, 2304, 0, 2304}, outByIn, 41);
                    if (packed && !c.usePacked(kernel))
                        continue;
                    const Matrix bias = randomMatrix<Matrix>(1, 2304, 43);
                    c.bias = bias.data();
                    Matrix vector(rows, 2304), portable(rows, 2304);
                    applyLinear(c.x(), c.layer(), vector, kernel);
                    applyLinear(c.x(), c.layer(), portable, ProductKernel::portable);
                    EXPECT_EIGEN_NEAR(vector, portable, 2e-3);
                    const Eigen::MatrixXd expected =
                        c.product.rowwise() + bias.cast<double>().row(0);
                    EXPECT_EIGEN_NEAR(Eigen::MatrixXd(vector.cast<double>()), expected, 2e-3);
                }
}

// Packed weights are panels of 48 columns (AVX-512) or 16 (AVX2), each `in` rows of that many
// floats, one after the other, the columns past the layer's zero up to a multiple of 48;
// whatever the stored layout, every weight is where the kernels read it. Where the kernels do
// not run, nothing is packed.
TEST(LinearLayer, PackedWeightsAreWherePanelsReadThem) {
    ASSERT_EQ(attnlab::core::pretrained::packedFloats(21, 100), 3u * 48 * 21);
    for (const ProductKernel kernel : {ProductKernel::automatic, ProductKernel::avx2})
        for (const bool outByIn : {true, false}) {
            SCOPED_TRACE(kernelName(kernel) + (outByIn ? ", out × in" : ", in × out"));
            Case c = makeCase({1, 21, 100, 0, 100}, outByIn, 53);
            const Linear stored = c.layer();
            const attnlab::core::pretrained::PackedWeights packed = packWeights(stored, kernel);
            if (kernel == ProductKernel::automatic) {
                ASSERT_EQ(packed.floats != nullptr, vectorProductAvailable());
            }
            if (!packed.floats)
                continue;
            const int width = packed.panelWidth;
            ASSERT_TRUE(width == 48 || width == 16) << width;
            if (kernel == ProductKernel::avx2) {
                EXPECT_EQ(width, 16);
            }
            for (int k = 0; k < 21; ++k)
                for (int column = 0; column < 3 * 48; ++column) {
                    const float value =
                        packed.floats[static_cast<std::size_t>(column / width) * width * 21 +
                                      static_cast<std::size_t>(k) * width + column % width];
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

TEST(LinearLayer, TheVectorKernelsRunWhereTheProcessorHasAvx512OrAvx2WithFma) {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    EXPECT_EQ(vectorProductAvailable(),
              __builtin_cpu_supports("avx512f") != 0 ||
                  (__builtin_cpu_supports("avx2") != 0 && __builtin_cpu_supports("fma") != 0));
#else
    EXPECT_FALSE(vectorProductAvailable());
#endif
}

} // namespace test_linear_product
