#pragma once
// Row-wise normalisers A = norm(L) as registry entries (docs/attention-math.md#normalisers).
// Masked cells of L are −∞ and get weight exactly 0; a row with no visible key is all zeros.
// Adding a normaliser is one entry in normalizer.cpp (and its test).

#include "core/attention/options.h"
#include "core/base/types.h"

#include <string_view>
#include <vector>

namespace attnlab::core {

struct NormalizerEntry {
    Normalizer id;
    std::string_view name;      ///< canonical name: command line, lessons, exports ("softmax")
    std::string_view label;     ///< menu text, translated by the window
    std::string_view help;      ///< one sentence for tooltips and --help
    std::string_view shortName; ///< as in "A = softmax(L)" on the Steps page (translated)
    bool sumsToOne = true;      ///< rows of visible keys sum to 1 (sigmoid's need not)
    /// Why the normaliser cannot be trained (empty when it can): shown when it is chosen for
    /// training.
    std::string_view noGradient;
    /// Normalises one row whose largest logit is finite (fully masked rows never get here).
    /// `scratch` may be used freely; `flagged` is set for a row without a defined distribution.
    void (*row)(const Eigen::Ref<const RowVector>& logits, Eigen::Ref<RowVector> out,
                std::vector<float>& scratch, bool& flagged);
    /// ∂loss/∂L of one row whose largest logit is finite, from its logits, weights and
    /// ∂loss/∂A; null when there is no gradient (training refuses the normaliser then).
    void (*backwardRow)(const Eigen::Ref<const RowVector>& logits,
                        const Eigen::Ref<const RowVector>& weights,
                        const Eigen::Ref<const RowVector>& dWeights,
                        Eigen::Ref<RowVector> dLogits) = nullptr;
};

/// Every normaliser in menu order.
const std::vector<NormalizerEntry>& normalizers();
/// The entry of `normalizer`. Asserts that it exists.
const NormalizerEntry& normalizerEntry(Normalizer normalizer);

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
