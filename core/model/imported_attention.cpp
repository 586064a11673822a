#include "core/model/imported_attention.h"

#include "core/attention/normalizer.h"
#include "core/base/file_io.h"
#include "core/base/json.h"

#include <cmath>

namespace attnlab::core {
namespace {

constexpr std::uintmax_t kMaxNpyBytes = std::uintmax_t{2} << 30;
constexpr std::uintmax_t kMaxTokenFileBytes = 64u << 20;
constexpr int kMaxImportedTokens = 4096;

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
    if (root.isObject()) {
        const auto query =
            json::stringArrayAt(json::require(root, "query", "tokens"), "tokens.query");
        const json::Value* key = root.find("key");
        return {query, key ? json::stringArrayAt(*key, "tokens.key") : query};
    }
    if (!root.isArray())
        throw InputError("the token file must hold a list of tokens, two lists, or "
                         "{\"query\": […], \"key\": […]}");
    const json::Array& items = root.asArray();
    if (!items.empty() && items.front().isArray()) {
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

Result importedResult(const ImportedAttention& imported, int layer) {
    if (layer < 0 || layer >= imported.layers)
        throw InputError("layer " + str(layer + 1) + " does not exist; the file has " +
                         str(imported.layers) + (imported.layers == 1 ? " layer" : " layers"));
    Result result;
    result.weightsOnly = true;
    result.config.heads = imported.heads;
    result.cross = imported.queryTokens != imported.keyTokens;
    for (const std::string& token : imported.queryTokens)
        result.queryTokens.push_back({token, 0, 0, false, false});
    for (const std::string& token : imported.keyTokens)
        result.keyTokens.push_back({token, 0, 0, false, false});
    const Eigen::Index nq = imported.queries;
    const Eigen::Index nk = imported.keys;
    result.allowed.setConstant(nq, nk, true);
    const std::size_t matrixSize = static_cast<std::size_t>(nq * nk);
    const float* layerData =
        imported.weights.data() +
        static_cast<std::size_t>(layer) * static_cast<std::size_t>(imported.heads) * matrixSize;
    // Summed in double: the mean of finite floats is finite, but their float sum may not be
    // (weights near the largest float, which a file of scores rather than weights can hold).
    Eigen::MatrixXd sum = Eigen::MatrixXd::Zero(nq, nk);
    for (int h = 0; h < imported.heads; ++h) {
        HeadResult head;
        head.weights =
            Eigen::Map<const Matrix>(layerData + static_cast<std::size_t>(h) * matrixSize, nq, nk);
        // Entropy is only meaningful for weights in [0, 1]; other values (warned about) are
        // clamped so that it stays finite.
        head.entropy = rowEntropy(head.weights.cwiseMax(0.0f).cwiseMin(1.0f));
        head.argmax.resize(static_cast<std::size_t>(nq));
        for (Eigen::Index i = 0; i < nq; ++i) {
            Eigen::Index best = 0;
            head.weights.row(i).maxCoeff(&best);
            head.argmax[static_cast<std::size_t>(i)] = static_cast<int>(best);
        }
        sum += head.weights.cast<double>();
        result.maxWeights = h == 0 ? head.weights : result.maxWeights.cwiseMax(head.weights);
        result.heads.push_back(std::move(head));
    }
    result.meanWeights = (sum / static_cast<double>(imported.heads)).cast<float>();
    result.warnings = imported.warnings;
    return result;
}

} // namespace attnlab::core
