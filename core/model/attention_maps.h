#pragma once
// Attention maps: the one thing every view and export reads, whichever model made them
// (docs/attention-math.md#outputs). A map is n_q × n_k weights, rows = queries, columns = keys;
// a model gives layers × heads of them, plus their combinations and per-row statistics.

#include "core/base/types.h"

#include <optional>
#include <string>
#include <vector>

namespace attnlab::core {

/// One token on the query or the key side of the maps.
struct MapToken {
    std::string text;               ///< as shown on the axes
    std::size_t begin = 0, end = 0; ///< byte span in its sentence; 0, 0 for added tokens
    bool unknown = false; ///< built-in model: not in the embeddings, a hashed vector stood in
    bool padding = false; ///< a [PAD] token added by the padding mask
    bool special = false; ///< added by a model's tokenizer ([CLS], [SEP], <s>)
};

/// Which combination of a layer's heads a view shows (beside the heads themselves, 0 … H−1).
enum class Combination { Mean = -1, Max = -2, Rollout = -3 };

/// Head indices for views: 0 … H−1, or a combination.
inline constexpr int kMeanOfHeads = static_cast<int>(Combination::Mean);
inline constexpr int kMaxOfHeads = static_cast<int>(Combination::Max);
inline constexpr int kRollout = static_cast<int>(Combination::Rollout);

struct AttentionMaps {
    std::vector<MapToken> queryTokens; ///< n_q tokens, the rows
    std::vector<MapToken> keyTokens;   ///< n_k tokens, the columns
    bool cross = false;                ///< queries and keys come from different sentences
    int layers = 1;                    ///< L ≥ 1
    int heads = 1;                     ///< H ≥ 1 per layer

    std::vector<Matrix> weights;          ///< L·H maps, layer-major: weights[l·H + h]
    std::vector<Vector> entropy;          ///< per map: −Σ_j A ln A of each row
    std::vector<std::vector<int>> argmax; ///< per map: key of each row's largest weight, −1
                                          ///< for a fully masked row
    std::vector<Matrix> mean;             ///< per layer: mean over its heads
    std::vector<Matrix> max;              ///< per layer: maximum over its heads
    std::optional<Matrix> rollout;        ///< attention rollout over the layers (L > 1)

    BoolMatrix allowed;               ///< n_q × n_k, true = visible (the same for every map)
    std::vector<int> fullyMaskedRows; ///< rows whose keys are all masked (weights all 0)
    std::vector<int> degenerateRows;  ///< rows a normaliser flagged (e.g. relu: no positive
                                      ///< logit), in any map
    std::vector<Message> warnings;    ///< things the user should know

    int queries() const { return static_cast<int>(queryTokens.size()); }
    int keys() const { return static_cast<int>(keyTokens.size()); }
    /// Index of (layer, head) into weights, entropy and argmax.
    std::size_t index(int layer, int head) const {
        return static_cast<std::size_t>(layer) * static_cast<std::size_t>(heads) +
               static_cast<std::size_t>(head);
    }
    /// Map of `head` (0 … H−1, kMeanOfHeads, kMaxOfHeads or kRollout) in `layer`; null when it
    /// does not exist.
    const Matrix* map(int layer, int head) const;
    /// The same; asserts that it exists.
    const Matrix& weightsOf(int layer, int head) const;
    /// The largest weight of the maps of `layer` listed in `heads` (0 when there is none).
    float largestWeight(int layer, const std::vector<int>& heads) const;
};

/// Fills entropy and argmax of every map and the mean and the maximum over heads of every
/// layer. Rows listed in fullyMaskedRows get argmax −1. The mean is summed in double, so maps of
/// huge finite values (imported scores) keep a finite mean.
void completeMaps(AttentionMaps& maps);

/// `logits` with the cells `allowed` hides set to −∞ (the masked logits of
/// docs/attention-math.md#masks).
Matrix maskedLogits(const Eigen::Ref<const Matrix>& logits, const BoolMatrix& allowed);

} // namespace attnlab::core
