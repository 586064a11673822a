#include "core/efficient/pooling.h"

#include <algorithm>
#include <cstdint>
#include <string>

namespace attnlab::core {

PoolingGrid::PoolingGrid(int nq, int nk, int rows, int cols) : m_nq(nq), m_nk(nk) {
    if (rows < 1 || cols < 1)
        throw InputError("a pooled image needs at least 1 × 1 pixels, not " + std::to_string(rows) +
                         " × " + std::to_string(cols));
    m_rows = std::max(1, std::min(rows, nq));
    m_cols = std::max(1, std::min(cols, nk));
}

int PoolingGrid::pixelRow(int i) const {
    return static_cast<int>(std::int64_t{i} * m_rows / std::max(1, m_nq));
}

int PoolingGrid::pixelColumn(int j) const {
    return static_cast<int>(std::int64_t{j} * m_cols / std::max(1, m_nk));
}

int PoolingGrid::firstKey(int q) const {
    // The smallest j with ⌊j·c/n_k⌋ ≥ q, i.e. ⌈q·n_k/c⌉.
    return static_cast<int>((std::int64_t{q} * m_nk + m_cols - 1) / m_cols);
}

int PoolingGrid::firstQuery(int p) const {
    return static_cast<int>((std::int64_t{p} * m_nq + m_rows - 1) / m_rows);
}

void PoolingGrid::poolBlock(Matrix& image, const Eigen::Ref<const Matrix>& block, int r0,
                            int c0) const {
    const int c1 = c0 + static_cast<int>(block.cols());
    for (Eigen::Index r = 0; r < block.rows(); ++r) {
        const int p = pixelRow(r0 + static_cast<int>(r));
        for (int j = c0; j < c1;) {
            const int q = pixelColumn(j);
            const int end = std::min(c1, firstKey(q + 1));
            const float top = block.row(r).segment(j - c0, end - j).maxCoeff();
            image(p, q) = std::max(image(p, q), top);
            j = end;
        }
    }
}

void PoolingGrid::poolSparseRow(Matrix& image, int i, const int* keys, const float* values,
                                std::size_t count) const {
    const int p = pixelRow(i);
    for (std::size_t t = 0; t < count; ++t) {
        float& pixel = image(p, pixelColumn(keys[t]));
        pixel = std::max(pixel, values[t]);
    }
}

Matrix maxPool(const Eigen::Ref<const Matrix>& weights, int rows, int cols) {
    const PoolingGrid grid(static_cast<int>(weights.rows()), static_cast<int>(weights.cols()), rows,
                           cols);
    Matrix image = grid.emptyImage();
    if (weights.size() > 0)
        grid.poolBlock(image, weights, 0, 0);
    return image;
}

void maxInto(Matrix& image, const Matrix& other) {
    image = image.cwiseMax(other);
}

} // namespace attnlab::core
