#pragma once
// Attention weights computed elsewhere (a trained model saved with numpy.save) with their tokens,
// shown in the same views as the built-in engine's results.

#include "core/base/npy.h"
#include "core/model/model.h"

#include <string>
#include <string_view>
#include <vector>

namespace attnlab::core {

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

/// Every layer and head as attention maps the views can show: the weights, per map its entropy
/// and argmax, the mean and maximum over each layer's heads, the tokens.
AttentionMaps importedMaps(const ImportedAttention& imported);

/// Imported weights behind the model interface: the maps are the file's, whatever the settings
/// say; there is no trace and no prediction.
class ImportedModel : public Model {
public:
    ImportedModel(std::shared_ptr<const ImportedAttention> imported, std::string name);
    std::string name() const override { return m_name; }
    ModelCapabilities capabilities(const Config& config) const override;
    ModelOutput run(const Config& config, const RunOptions& options = {},
                    const ProgressCallback& progress = {}) const override;
    double estimateWork(const Config&) const override { return 0; }

private:
    std::shared_ptr<const ImportedAttention> m_imported;
    std::shared_ptr<const AttentionMaps> m_maps; ///< made once; every run copies it
    std::string m_name;
};

} // namespace attnlab::core
