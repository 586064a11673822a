#pragma once
// Sparse attention computed sparsely (docs/attention-math.md, "Efficient attention"): for any
// pattern of the mask registry, the logits, the normaliser and the context are computed over the
// visible keys of each row only, so the cost is proportional to the visible cells, not n_q × n_k.
// The weights are kept as compressed sparse rows.

#include "core/attention/mask.h"
#include "core/attention/options.h"
#include "core/base/types.h"

#include <cstdint>
#include <vector>

namespace attnlab::core {

/// Attention weights stored by rows: the visible keys of row i are
/// keys[rowOffsets[i] … rowOffsets[i + 1]), increasing, with their weights in `values`.
struct SparseWeights {
    int rows = 0;
    int cols = 0;
    std::vector<std::int64_t> rowOffsets{0}; ///< rows + 1 entries
    std::vector<int> keys;
    std::vector<float> values;

    std::int64_t storedCells() const { return static_cast<std::int64_t>(keys.size()); }
    /// The dense rows × cols matrix (cells not stored are 0). Throws InputError above 2²⁶ cells.
    Matrix toDense() const;
    /// The weights max-pooled to `pooledRows` × `pooledCols` (PoolingGrid; unstored cells are 0).
    Matrix pooled(int pooledRows, int pooledCols) const;
};

struct SparseAttentionOptions {
    /// Any normaliser: each is row-wise and gives masked cells exactly 0, so normalising the
    /// visible keys alone gives the dense masked result. Default softmax.
    Normalizer normalizer = Normalizer::Softmax;
    float scale = 0.0f;      ///< logits L = scale · q·k; > 0, or 0 (default) for 1/√d_k
    bool keepWeights = true; ///< store the weights (one int and one float per visible cell)
};

struct SparseAttentionResult {
    Matrix context;                   ///< C, n_q × d_v
    SparseWeights weights;            ///< empty (rows = 0) unless keepWeights
    std::int64_t visibleCells = 0;    ///< the cells computed
    std::vector<int> fullyMaskedRows; ///< rows that see no key (weights and context 0)
    std::vector<int> degenerateRows;  ///< rows the normaliser flags (relu: no positive logit)
};

/// Attention of Q (n_q × d_k), K (n_k × d_k), V (n_k × d_v) over the visible keys of `mask`
/// (which must be n_q × n_k). Throws InputError for mismatched shapes or non-finite inputs,
/// Cancelled when `progress` returns false.
SparseAttentionResult sparseAttention(const Eigen::Ref<const Matrix>& q,
                                      const Eigen::Ref<const Matrix>& k,
                                      const Eigen::Ref<const Matrix>& v, const MaskPattern& mask,
                                      const SparseAttentionOptions& options = {},
                                      const ProgressCallback& progress = {});

} // namespace attnlab::core
