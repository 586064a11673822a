#pragma once
// Attention weights computed elsewhere (a trained model saved with numpy.save) with their tokens,
// shown in the same views as the built-in engine's results.

#include "core/base/npy.h"
#include "core/model/attention.h"

#include <string>
#include <string_view>
#include <vector>

namespace attnlab::core {

/// The most heads an imported array may have per layer (large models have up to 128).
inline constexpr int kMaxImportedHeads = 128;

struct ImportedAttention {
    int layers = 1; ///< 1 for a [heads, n_q, n_k] array
    int heads = 0;
    int queries = 0;            ///< n_q
    int keys = 0;               ///< n_k
    std::vector<float> weights; ///< [layer][head][query][key], C order
    std::vector<std::string> queryTokens, keyTokens;
    std::vector<std::string> warnings;
};

/// Token lists as JSON: ["我", "爱", …] for self-attention, or {"query": […], "key": […]}, or
/// [[…query…], […key…]]. Returns (query tokens, key tokens). Throws InputError.
std::pair<std::vector<std::string>, std::vector<std::string>>
parseTokenLists(std::string_view json);

/// Checks `array` ([heads, n_q, n_k] or [layers, heads, n_q, n_k]) against the tokens: n_q must
/// equal the number of query tokens and n_k that of key tokens. Throws InputError saying which
/// dimension does not fit. Values outside [0, 1] or rows that do not sum to 1 are allowed (some
/// models normalise differently) but listed in `warnings`.
ImportedAttention importAttention(NpyArray array, std::vector<std::string> queryTokens,
                                  std::vector<std::string> keyTokens);

/// Reads the .npy file and the JSON token file and calls importAttention. Messages name the file.
/// `progress` (may be empty) follows the reading of the array (MiB read, MiB in all); when it
/// returns false, throws Cancelled.
ImportedAttention loadImportedAttention(const std::string& npyPath, const std::string& tokensPath,
                                        const ProgressCallback& progress = {});

/// Layer `layer` as a Result the views can show: per head its weights, entropy and argmax, the
/// mean and max over heads, the tokens; `weightsOnly` is set. Throws InputError for a layer out
/// of range.
Result importedResult(const ImportedAttention& imported, int layer);

} // namespace attnlab::core
