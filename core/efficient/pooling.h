#pragma once
// Max-pooled images of attention weights too large to draw cell by cell: an r × c image of an
// n_q × n_k matrix, each pixel the largest weight of its block of cells. The kernels fill one
// block of computed weights at a time, so the n_q × n_k matrix never exists.

#include "core/base/types.h"

#include <vector>

namespace attnlab::core {

/// Which block of cells each pixel covers: query row i lies in pixel row ⌊i·r/n_q⌋ and key j in
/// pixel column ⌊j·c/n_k⌋, so every pixel covers ⌊n/r⌋ or ⌈n/r⌉ consecutive rows (columns).
/// r and c are clamped to n_q and n_k (a pixel never covers less than one cell).
class PoolingGrid {
public:
    /// Throws InputError when `rows` or `cols` is below 1.
    PoolingGrid(int nq, int nk, int rows, int cols);

    int rows() const { return m_rows; }
    int cols() const { return m_cols; }
    int pixelRow(int i) const;
    int pixelColumn(int j) const;
    /// First key of pixel column q (q = cols() gives n_k).
    int firstKey(int q) const;
    /// First query of pixel row p (p = rows() gives n_q).
    int firstQuery(int p) const;

    /// An image of zeros (weights are ≥ 0; a block with no visible cell stays 0).
    Matrix emptyImage() const { return Matrix::Zero(m_rows, m_cols); }
    /// Folds `block`, the weights of rows [r0, r0 + block.rows()) and keys
    /// [c0, c0 + block.cols()), into `image` by maximum.
    void poolBlock(Matrix& image, const Eigen::Ref<const Matrix>& block, int r0, int c0) const;
    /// Folds one row of weights given as (key, value) pairs, keys increasing, into `image`.
    void poolSparseRow(Matrix& image, int i, const int* keys, const float* values,
                       std::size_t count) const;

private:
    int m_nq, m_nk, m_rows, m_cols;
};

/// Max-pools a whole matrix (what the kernels' pooled images must equal; small inputs).
Matrix maxPool(const Eigen::Ref<const Matrix>& weights, int rows, int cols);

/// image = max(image, other), cell by cell (combining the images of several threads).
void maxInto(Matrix& image, const Matrix& other);

} // namespace attnlab::core
