#pragma once
// Building blocks of the trained transformer with their backward passes: products with a fixed
// summation order, LayerNorm, the feed-forward block and rotary position tables.

#include "core/base/types.h"
#include "core/training/model_config.h"
#include "core/training/parameters.h"

#include <vector>

namespace attnlab::core::training {

/// Longest inner dimension handed to one Eigen product. Eigen splits longer sums into blocks
/// whose size depends on the cache size and on the number of threads, which would change the
/// rounding from one machine or thread count to another; below this size every product sums in
/// one pass, so longer ones are split here, always at the same places, and added in order.
inline constexpr Eigen::Index kProductChunk = 256;

/// out = lhs · rhs (accumulate = false) or out += lhs · rhs, the inner dimension split into
/// chunks of kProductChunk added in order. Shapes must agree; out is not resized.
template <typename Lhs, typename Rhs>
void multiplyInto(Eigen::Ref<Matrix> out, const Lhs& lhs, const Rhs& rhs, bool accumulate) {
    if (!accumulate)
        out.setZero();
    const Eigen::Index inner = lhs.cols();
    for (Eigen::Index start = 0; start < inner; start += kProductChunk) {
        const Eigen::Index length = std::min(kProductChunk, inner - start);
        out.noalias() += lhs.middleCols(start, length) * rhs.middleRows(start, length);
    }
}

/// lhs · rhs as a new matrix, summed as multiplyInto.
template <typename Lhs, typename Rhs> Matrix multiply(const Lhs& lhs, const Rhs& rhs) {
    Matrix out(lhs.rows(), rhs.cols());
    multiplyInto(out, lhs, rhs, false);
    return out;
}

/// Column sums of `m` (a row vector), rows added in order.
RowVector columnSums(const Eigen::Ref<const Matrix>& m);

// ---- LayerNorm ----

struct LayerNormCache {
    Matrix normalized; ///< x̂ = (x − mean) / σ per row
    Vector inverseStd; ///< 1 / σ per row, σ = √(var + 1e-5)
};

/// y = γ ⊙ x̂ + β. With empty parameters (LayerNorm off) y = x and the cache stays empty.
Matrix layerNormForward(const LayerNormParams& p, const Eigen::Ref<const Matrix>& x,
                        LayerNormCache& cache);
/// dx for dy; adds dγ, dβ to `grads`. With empty parameters dx = dy.
Matrix layerNormBackward(const LayerNormParams& p, const LayerNormCache& cache,
                         const Eigen::Ref<const Matrix>& dy, LayerNormParams& grads);

// ---- feed-forward ----

struct FeedForwardCache {
    Matrix pre;    ///< x W_1 + b_1
    Matrix hidden; ///< act(pre)
};

Matrix feedForwardForward(FeedForward kind, const FeedForwardParams& p,
                          const Eigen::Ref<const Matrix>& x, FeedForwardCache& cache);
/// dx for dy; adds the parameter gradients to `grads`.
Matrix feedForwardBackward(FeedForward kind, const FeedForwardParams& p,
                           const Eigen::Ref<const Matrix>& x, const FeedForwardCache& cache,
                           const Eigen::Ref<const Matrix>& dy, FeedForwardParams& grads);

// ---- rotary positions ----

/// cos and sin of p·θ_i for positions 0 … n−1 and pairs i of one head (θ_i = 10000^(−2i/d_k)),
/// the interleaved pairs (2i, 2i+1) of applyRope in core/attention/positional.h.
struct RopeTable {
    int positions = 0;
    int pairs = 0;
    std::vector<double> cos, sin; ///< positions × pairs
};
RopeTable makeRopeTable(int positions, int dK);

/// Rotates every head's pairs of `m` (batch · length rows, heads · d_k columns), row r at
/// position r mod length; `inverse` rotates back (the backward pass of a rotation).
void applyRopeRows(Matrix& m, const RopeTable& table, int length, int heads, int dK, bool inverse);

} // namespace attnlab::core::training
