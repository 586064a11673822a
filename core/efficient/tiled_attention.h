#pragma once
// Exact softmax attention computed tile by tile (docs/attention-math.md, "Efficient attention",
// tiled exact attention): keys in blocks of B, per query row a running maximum m, running sum
// ℓ = Σ exp(L − m) and running context c = Σ exp(L − m) v, rescaled by exp(m_old − m_new) when a
// block raises the maximum. No n_q × n_k matrix is stored: memory is linear in n. The weights
// for drawing are recomputed block by block from the final m and ℓ, as exact rows or as a
// max-pooled image.

#include "core/attention/mask.h"
#include "core/base/types.h"

#include <span>
#include <vector>

namespace attnlab::core {

struct TiledAttentionOptions {
    int blockSize = 256;      ///< keys per block B; 1 … 65536, default 256
    int queryBlockSize = 256; ///< queries per block (one thread's unit); 1 … 65536, default 256
    float scale = 0.0f;       ///< logits L = scale · q·k; > 0, or 0 (default) for 1/√d_k
};

struct TiledAttentionResult {
    Matrix context; ///< C, n_q × d_v: softmax attention, rows that see no key are 0
    Vector rowMax;  ///< m_i: the largest visible logit of row i (−∞ when it sees no key)
    Vector rowSum;  ///< ℓ_i = Σ_j exp(L_ij − m_i) over the visible keys (0 when none)
    std::vector<int> fullyMaskedRows; ///< rows that see no key
};

/// Softmax attention C = softmax(scale · Q Kᵀ, invisible cells −∞) V by online softmax over key
/// blocks; `mask` may be null (every key visible) and may be any pattern of the mask registry
/// (blocks no row of a query block sees are skipped). Throws InputError for mismatched shapes,
/// non-finite inputs or options out of range, Cancelled when `progress` returns false.
TiledAttentionResult
tiledAttention(const Eigen::Ref<const Matrix>& q, const Eigen::Ref<const Matrix>& k,
               const Eigen::Ref<const Matrix>& v, const MaskPattern* mask = nullptr,
               const TiledAttentionOptions& options = {}, const ProgressCallback& progress = {});

/// The exact weight rows `rows` (each 0 ≤ row < n_q), rows.size() × n_k, recomputed from the
/// final m and ℓ of `stats` (the result of tiledAttention on the same q, k, mask and options).
Matrix tiledWeightRows(const Eigen::Ref<const Matrix>& q, const Eigen::Ref<const Matrix>& k,
                       const TiledAttentionResult& stats, std::span<const int> rows,
                       const MaskPattern* mask = nullptr,
                       const TiledAttentionOptions& options = {});

/// The weights max-pooled to `pooledRows` × `pooledCols` pixels (PoolingGrid in
/// core/efficient/pooling.h), recomputed block by block: memory is the image plus one tile per
/// thread. Same preconditions as tiledWeightRows.
Matrix tiledPooledWeights(const Eigen::Ref<const Matrix>& q, const Eigen::Ref<const Matrix>& k,
                          const TiledAttentionResult& stats, int pooledRows, int pooledCols,
                          const MaskPattern* mask = nullptr,
                          const TiledAttentionOptions& options = {},
                          const ProgressCallback& progress = {});

} // namespace attnlab::core
