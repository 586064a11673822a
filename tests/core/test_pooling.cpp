// Pooled images (core/efficient/pooling.h): the pixel grid covers every cell once, in blocks of
// ⌊n/r⌋ or ⌈n/r⌉ rows (columns), and pooling block by block equals max-pooling cell by cell.

#include "core/efficient/pooling.h"

#include "attention_reference.h"
#include "eigen_testing.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <vector>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_pooling {

using attnlab::core::InputError;
using attnlab::core::Matrix;
using attnlab::core::maxPool;
using attnlab::core::PoolingGrid;
namespace ref = attnlab::testref;

TEST(PoolingGrid, PixelsCoverConsecutiveBlocksOfNearlyEqualSize) {
    for (int n : {1, 2, 7, 100, 1001})
        for (int pixels : {1, 3, 7, 64, 5000}) {
            const PoolingGrid grid(n, n, pixels, pixels);
            const int r = grid.rows();
            EXPECT_EQ(r, std::min(n, pixels));
            std::vector<int> count(static_cast<std::size_t>(r), 0);
            int previous = 0;
            for (int i = 0; i < n; ++i) {
                const int p = grid.pixelRow(i);
                ASSERT_GE(p, previous) << "pixels must be consecutive";
                ASSERT_LT(p, r);
                previous = p;
                ++count[static_cast<std::size_t>(p)];
            }
            for (int p = 0; p < r; ++p) {
                EXPECT_GE(count[static_cast<std::size_t>(p)], n / r) << n << " into " << r;
                EXPECT_LE(count[static_cast<std::size_t>(p)], (n + r - 1) / r)
                    << n << " into " << r;
                EXPECT_EQ(grid.pixelRow(grid.firstQuery(p)), p);
                EXPECT_EQ(grid.pixelColumn(grid.firstKey(p)), p);
                if (grid.firstQuery(p) > 0) {
                    EXPECT_EQ(grid.pixelRow(grid.firstQuery(p) - 1), p - 1);
                }
            }
            EXPECT_EQ(grid.firstKey(grid.cols()), n);
        }
}

TEST(PoolingGrid, BlockByBlockEqualsCellByCell) {
    const Matrix weights = ref::randomMatrix(45, 31, 3).cwiseAbs();
    for (auto [r, c] :
         std::vector<std::pair<int, int>>{{1, 1}, {4, 6}, {45, 31}, {10, 31}, {90, 90}}) {
        const PoolingGrid grid(45, 31, r, c);
        Matrix image = grid.emptyImage();
        // Uneven blocks, in an odd order.
        for (auto [r0, c0, rows, cols] :
             std::vector<std::array<int, 4>>{{20, 0, 25, 31}, {0, 13, 20, 18}, {0, 0, 20, 13}})
            grid.poolBlock(image, weights.block(r0, c0, rows, cols), r0, c0);
        EXPECT_EIGEN_NEAR(image, ref::maxPooled(weights, r, c), 0.0);
        EXPECT_EIGEN_NEAR(maxPool(weights, r, c), ref::maxPooled(weights, r, c), 0.0);
    }
}

TEST(PoolingGrid, SparseRowsPoolLikeDenseRows) {
    const PoolingGrid grid(5, 9, 2, 4);
    Matrix image = grid.emptyImage();
    const std::vector<int> keys = {0, 4, 8};
    const std::vector<float> values = {0.5f, 0.25f, 0.75f};
    grid.poolSparseRow(image, 3, keys.data(), values.data(), keys.size());
    Matrix dense = Matrix::Zero(5, 9);
    dense(3, 0) = 0.5f;
    dense(3, 4) = 0.25f;
    dense(3, 8) = 0.75f;
    EXPECT_EIGEN_NEAR(image, ref::maxPooled(dense, 2, 4), 0.0);
}

TEST(PoolingGrid, RefusesEmptyImages) {
    EXPECT_THROW(PoolingGrid(4, 4, 0, 3), InputError);
    EXPECT_THROW(PoolingGrid(4, 4, 3, -1), InputError);
}

} // namespace test_pooling
