#pragma once
// Linear attention (docs/attention-math.md, "Efficient attention"): C = φ(Q)(φ(K)ᵀV) /
// (φ(Q)Σ_jφ(k_j)) row by row, in time and memory linear in n, with the feature maps of
// feature_maps.h; causal by prefix sums. The implicit weights A_ij = φ(q_i)·φ(k_j) / Σ_j
// φ(q_i)·φ(k_j) are what a heatmap of linear attention shows: as a matrix for small inputs,
// max-pooled for large ones.

#include "core/base/types.h"
#include "core/efficient/attention_kind.h"

#include <cstdint>
#include <vector>

namespace attnlab::core {

struct LinearAttentionOptions {
    FeatureMap featureMap = FeatureMap::Elu; ///< default elu
    int features = 256;      ///< Favor only: random features M; 1 … 16384, default 256
    bool causal = false;     ///< row i sums over keys j ≤ i only (self-attention: n_q = n_k)
    bool orthogonal = true;  ///< Favor only: orthogonal blocks of ω (FAVOR+, default) or iid rows
    std::uint64_t seed = 42; ///< Favor only: seed of ω (favorProjection); default 42
};

struct LinearAttentionResult {
    Matrix context; ///< C, n_q × d_v
    /// Rows whose denominator φ(q_i)·Σ_j φ(k_j) is 0 (relu features can all be 0): their
    /// weights and context are 0, never NaN.
    std::vector<int> zeroRows;
};

/// Linear attention of Q (n_q × d_k), K (n_k × d_k), V (n_k × d_v). Throws InputError for
/// mismatched shapes, non-finite inputs, M out of range or causal with n_q ≠ n_k; Cancelled
/// when `progress` returns false.
LinearAttentionResult linearAttention(const Eigen::Ref<const Matrix>& q,
                                      const Eigen::Ref<const Matrix>& k,
                                      const Eigen::Ref<const Matrix>& v,
                                      const LinearAttentionOptions& options = {},
                                      const ProgressCallback& progress = {});

/// Largest n_q · n_k for which linearAttentionWeights builds the whole matrix.
inline constexpr std::int64_t kMaxLinearWeightCells = std::int64_t{1} << 26;

/// The implicit weights A (n_q × n_k; causal: 0 above the diagonal), rows summing to 1 except
/// the rows of `zeroRows` (all 0). Throws InputError when n_q · n_k exceeds
/// kMaxLinearWeightCells (use linearPooledWeights).
Matrix linearAttentionWeights(const Eigen::Ref<const Matrix>& q, const Eigen::Ref<const Matrix>& k,
                              const LinearAttentionOptions& options = {},
                              std::vector<int>* zeroRows = nullptr);

/// The implicit weights max-pooled to `pooledRows` × `pooledCols` (PoolingGrid), block by block;
/// memory is the image plus φ(K) (n_k × features).
Matrix linearPooledWeights(const Eigen::Ref<const Matrix>& q, const Eigen::Ref<const Matrix>& k,
                           int pooledRows, int pooledCols,
                           const LinearAttentionOptions& options = {},
                           const ProgressCallback& progress = {});

} // namespace attnlab::core
