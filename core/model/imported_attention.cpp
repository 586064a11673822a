#include "core/model/imported_attention.h"

#include "core/base/limits.h"

#include "core/attention/normalizer.h"
#include "core/base/file_io.h"
#include "core/base/json.h"

#include <cmath>

namespace attnlab::core {
namespace {

constexpr std::uintmax_t kMaxNpyBytes = std::uintmax_t{2} << 30;
constexpr std::uintmax_t kMaxTokenFileBytes = 64u << 20;
using limits::kMaxImportedHeads;
using limits::kMaxImportedTokens;

std::string str(std::int64_t value) {
    return std::to_string(value);
}

std::string shapeText(const std::vector<std::int64_t>& shape) {
    std::string out = "[";
    for (std::size_t i = 0; i < shape.size(); ++i)
        out += (i > 0 ? ", " : "") + str(shape[i]);
    return out + "]";
}

} // namespace

std::pair<std::vector<std::string>, std::vector<std::string>>
parseTokenLists(std::string_view text) {
    const json::Value root = json::parse(text);
    if (root.is_object()) {
        const auto query =
            json::stringArrayAt(json::require(root, "query", "tokens"), "tokens.query");
        const json::Value* key = json::member(root, "key");
        return {query, key ? json::stringArrayAt(*key, "tokens.key") : query};
    }
    if (!root.is_array())
        throw InputError("the token file must hold a list of tokens, two lists, or "
                         "{\"query\": […], \"key\": […]}");
    const json::Value& items = root;
    if (!items.empty() && items.front().is_array()) {
        if (items.size() != 2)
            throw InputError("a token file with lists must have exactly two: query tokens, then "
                             "key tokens (it has " +
                             str(static_cast<std::int64_t>(items.size())) + ")");
        return {json::stringArrayAt(items[0], "tokens[0]"),
                json::stringArrayAt(items[1], "tokens[1]")};
    }
    auto tokens = json::stringArrayAt(root, "tokens");
    return {tokens, tokens};
}

ImportedAttention importAttention(NpyArray array, std::vector<std::string> queryTokens,
                                  std::vector<std::string> keyTokens) {
    const auto& shape = array.shape;
    if (shape.size() != 3 && shape.size() != 4)
        throw InputError("the weights have shape " + shapeText(shape) +
                         "; expected [heads, n_q, n_k] or [layers, heads, n_q, n_k]");
    ImportedAttention out;
    const std::size_t base = shape.size() - 3;
    out.layers =
        shape.size() == 4 ? static_cast<int>(std::min<std::int64_t>(shape[0], 1 << 20)) : 1;
    const std::int64_t heads = shape[base];
    const std::int64_t nq = shape[base + 1];
    const std::int64_t nk = shape[base + 2];
    if (out.layers < 1 || heads < 1 || nq < 1 || nk < 1)
        throw InputError("the weights have shape " + shapeText(shape) + ", which holds no matrix");
    if (heads > kMaxImportedHeads)
        throw InputError("the weights have " + str(heads) + " heads; at most " +
                         str(kMaxImportedHeads) +
                         " can be shown (is the shape in the order "
                         "[layers, heads, n_q, n_k]?)");
    if (queryTokens.empty() || keyTokens.empty())
        throw InputError("the token list is empty");
    if (nq != static_cast<std::int64_t>(queryTokens.size()))
        throw InputError("the weights have " + str(nq) + " query rows (shape " + shapeText(shape) +
                         ") but the token file lists " +
                         str(static_cast<std::int64_t>(queryTokens.size())) + " query tokens");
    if (nk != static_cast<std::int64_t>(keyTokens.size()))
        throw InputError("the weights have " + str(nk) + " key columns (shape " + shapeText(shape) +
                         ") but the token file lists " +
                         str(static_cast<std::int64_t>(keyTokens.size())) + " key tokens");
    if (nq > kMaxImportedTokens || nk > kMaxImportedTokens)
        throw InputError("at most " + str(kMaxImportedTokens) + " tokens can be shown");
    out.heads = static_cast<int>(heads);
    out.queries = static_cast<int>(nq);
    out.keys = static_cast<int>(nk);
    out.weights = std::move(array.data);
    out.queryTokens = std::move(queryTokens);
    out.keyTokens = std::move(keyTokens);

    bool outside = false;
    bool unnormalised = false;
    for (std::size_t row = 0; row * out.keys < out.weights.size(); ++row) {
        double sum = 0;
        for (int j = 0; j < out.keys; ++j) {
            const float w =
                out.weights[row * static_cast<std::size_t>(out.keys) + static_cast<std::size_t>(j)];
            outside = outside || w < 0.0f || w > 1.0f;
            sum += w;
        }
        unnormalised = unnormalised || std::abs(sum - 1.0) > 1e-3;
    }
    if (outside)
        out.warnings.push_back(
            "some weights lie outside [0, 1]; the colour scale is fitted to them");
    if (unnormalised)
        out.warnings.push_back("some rows do not sum to 1");
    return out;
}

ImportedAttention loadImportedAttention(const std::string& npyPath, const std::string& tokensPath,
                                        const ProgressCallback& progress) {
    NpyArray array = parseNpy(readFileBytes(npyPath, kMaxNpyBytes, progress), npyPath);
    std::pair<std::vector<std::string>, std::vector<std::string>> tokens;
    try {
        tokens = parseTokenLists(readFileBytes(tokensPath, kMaxTokenFileBytes));
    } catch (const InputError& error) {
        throw InputError(tokensPath + ": " + error.what());
    }
    return importAttention(std::move(array), std::move(tokens.first), std::move(tokens.second));
}

AttentionMaps importedMaps(const ImportedAttention& imported) {
    AttentionMaps maps;
    maps.layers = imported.layers;
    maps.heads = imported.heads;
    maps.cross = imported.queryTokens != imported.keyTokens;
    for (const std::string& token : imported.queryTokens)
        maps.queryTokens.push_back({token});
    for (const std::string& token : imported.keyTokens)
        maps.keyTokens.push_back({token});
    const Eigen::Index nq = imported.queries;
    const Eigen::Index nk = imported.keys;
    maps.allowed.setConstant(nq, nk, true);
    const std::size_t matrixSize = static_cast<std::size_t>(nq * nk);
    for (int map = 0; map < imported.layers * imported.heads; ++map)
        maps.weights.push_back(Eigen::Map<const Matrix>(
            imported.weights.data() + static_cast<std::size_t>(map) * matrixSize, nq, nk));
    completeMaps(maps);
    for (const std::string& warning : imported.warnings)
        maps.warnings.push_back(Message{warning, {}, {}});
    return maps;
}

ImportedModel::ImportedModel(std::shared_ptr<const ImportedAttention> imported, std::string name)
    : m_imported(std::move(imported)),
      m_maps(std::make_shared<const AttentionMaps>(importedMaps(*m_imported))),
      m_name(std::move(name)) {}

ModelCapabilities ImportedModel::capabilities(const Config&) const {
    ModelCapabilities capabilities;
    capabilities.takesText = false;
    capabilities.attentionSettings = false;
    capabilities.layers = m_imported->layers;
    capabilities.heads = m_imported->heads;
    return capabilities;
}

ModelOutput ImportedModel::run(const Config& config, const RunOptions&,
                               const ProgressCallback&) const {
    ModelOutput output;
    output.config = config;
    output.config.heads = m_imported->heads;
    output.model = m_name;
    output.capabilities = capabilities(config);
    output.maps = *m_maps;
    return output;
}

} // namespace attnlab::core
