#pragma once
// Row-wise normalisers A = norm(L) (attention-math.md, "Normalisers"). Masked cells of L are −∞
// and get weight exactly 0; a row with no visible key is all zeros.

#include "core/attention/options.h"
#include "core/base/types.h"

#include <vector>

namespace attnlab::core {

/// Normalises each row of `logits`. `flaggedRows` receives the rows without a defined
/// distribution: every key masked, or (relu) no positive logit. Never produces NaN.
Matrix normalizeRows(Normalizer normalizer, const Eigen::Ref<const Matrix>& logits,
                     std::vector<int>& flaggedRows);

/// As normalizeRows, writing into `weights` (the shape of `logits`, every cell overwritten) so
/// that a caller can normalise a block of rows in place; flagged rows are reported as
/// `firstRow` + their index in the block.
void normalizeRowsInto(Normalizer normalizer, const Eigen::Ref<const Matrix>& logits,
                       Eigen::Ref<Matrix> weights, std::vector<int>& flaggedRows, int firstRow = 0);

/// Sparsemax of one vector (Martins & Astudillo 2016); −∞ entries get 0. Exposed for tests.
RowVector sparsemax(const Eigen::Ref<const RowVector>& z);

/// −Σ A ln A per row, with 0·ln 0 = 0.
Vector rowEntropy(const Eigen::Ref<const Matrix>& weights);

} // namespace attnlab::core
