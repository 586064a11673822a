#include "core/pretrained/transformer_config.h"

#include "core/base/message.h"
#include "core/base/types.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

namespace attnlab::core {
namespace {

using nlohmann::json;

struct ArchitectureEntry {
    std::string_view name;
    TransformerFamily family;
};

const std::vector<ArchitectureEntry>& architectureTable() {
    static const std::vector<ArchitectureEntry> table = {
        {"GPT2LMHeadModel", TransformerFamily::Gpt2},
        {"GPT2Model", TransformerFamily::Gpt2},
        {"BertModel", TransformerFamily::Bert},
        {"BertForMaskedLM", TransformerFamily::Bert},
        {"BertForPreTraining", TransformerFamily::Bert},
        {"LlamaForCausalLM", TransformerFamily::Llama},
        {"LlamaModel", TransformerFamily::Llama},
        {"MistralForCausalLM", TransformerFamily::Llama},
        {"MistralModel", TransformerFamily::Llama},
        {"Qwen2ForCausalLM", TransformerFamily::Llama},
        {"Qwen2Model", TransformerFamily::Llama},
    };
    return table;
}

// The architecture a config without "architectures" most likely is, by its model_type.
std::string architectureOfModelType(const std::string& modelType) {
    if (modelType == "gpt2")
        return "GPT2LMHeadModel";
    if (modelType == "bert")
        return "BertModel";
    if (modelType == "llama")
        return "LlamaForCausalLM";
    if (modelType == "mistral")
        return "MistralForCausalLM";
    if (modelType == "qwen2")
        return "Qwen2ForCausalLM";
    return {};
}

// Reads the members of one config object with messages that name the file and the key.
class ConfigReader {
public:
    ConfigReader(const json& config, const std::string& origin)
        : m_config(config), m_origin(origin) {}

    [[noreturn]] void fail(const std::string& what) const {
        throw InputError(m_origin + ": " + what);
    }
    /// Where the configuration came from ("config.json"), for messages that name it.
    const std::string& origin() const { return m_origin; }

    bool has(const char* key) const {
        const auto it = m_config.find(key);
        return it != m_config.end() && !it->is_null();
    }

    // A positive integer no larger than `limit`; `fallback` when the key is absent or null
    // (a missing key without fallback is an error).
    int positive(const char* key, std::optional<int> fallback = std::nullopt,
                 int limit = 1 << 24) const {
        if (!has(key)) {
            if (fallback)
                return *fallback;
            fail("the key \"" + std::string(key) + "\" is missing (a positive integer)");
        }
        const json& value = m_config.at(key);
        if (!value.is_number_integer() || value.get<std::int64_t>() <= 0 ||
            value.get<std::int64_t>() > limit)
            fail("\"" + std::string(key) + "\" must be an integer from 1 to " +
                 std::to_string(limit) + ", found " + value.dump());
        return static_cast<int>(value.get<std::int64_t>());
    }

    double number(const char* key, double fallback, bool positiveOnly = true) const {
        if (!has(key))
            return fallback;
        const json& value = m_config.at(key);
        if (!value.is_number() || !std::isfinite(value.get<double>()) ||
            (positiveOnly && value.get<double>() <= 0.0))
            fail("\"" + std::string(key) + "\" must be a " + (positiveOnly ? "positive " : "") +
                 "number, found " + value.dump());
        return value.get<double>();
    }

    bool boolean(const char* key, bool fallback) const {
        if (!has(key))
            return fallback;
        const json& value = m_config.at(key);
        if (!value.is_boolean())
            fail("\"" + std::string(key) + "\" must be true or false, found " + value.dump());
        return value.get<bool>();
    }

    std::string string(const char* key, const std::string& fallback) const {
        if (!has(key))
            return fallback;
        const json& value = m_config.at(key);
        if (!value.is_string())
            fail("\"" + std::string(key) + "\" must be a string, found " + value.dump());
        return value.get<std::string>();
    }

    // A token id: an integer, or the first of a list (eos_token_id may list several).
    std::optional<int> tokenId(const char* key) const {
        if (!has(key))
            return std::nullopt;
        const json* value = &m_config.at(key);
        if (value->is_array() && !value->empty())
            value = &value->front();
        if (!value->is_number_integer() || value->get<std::int64_t>() < 0 ||
            value->get<std::int64_t>() > std::numeric_limits<int>::max())
            return std::nullopt; // ids are informative only: never refuse a model over them
        return static_cast<int>(value->get<std::int64_t>());
    }

    const json& raw(const char* key) const { return m_config.at(key); }

private:
    const json& m_config;
    const std::string& m_origin;
};

Activation parseActivation(const ConfigReader& reader, const char* key,
                           const std::string& fallback) {
    const std::string name = reader.string(key, fallback);
    if (name == "gelu")
        return Activation::GeluErf;
    if (name == "gelu_new" || name == "gelu_pytorch_tanh")
        return Activation::GeluTanh;
    if (name == "relu")
        return Activation::Relu;
    if (name == "silu" || name == "swish")
        return Activation::Silu;
    if (name == "quick_gelu")
        return Activation::QuickGelu;
    reader.fail("\"" + std::string(key) + "\" is \"" + name +
                "\", which is not supported (supported: gelu, gelu_new, gelu_pytorch_tanh, relu, "
                "silu, swish, quick_gelu)");
}

void readGpt2(const ConfigReader& reader, TransformerConfig& config) {
    ModelInfo& info = config.info;
    info.dModel = reader.positive("n_embd");
    info.heads = reader.positive("n_head");
    info.layers = reader.positive("n_layer", std::nullopt, 10000);
    info.maxPositions =
        reader.has("n_positions") ? reader.positive("n_positions") : reader.positive("n_ctx");
    info.vocabSize = reader.positive("vocab_size");
    info.intermediate = reader.positive("n_inner", 4 * info.dModel);
    if (info.dModel % info.heads != 0)
        reader.fail("\"n_embd\" (" + std::to_string(info.dModel) + ") must be a multiple of " +
                    "\"n_head\" (" + std::to_string(info.heads) + ")");
    info.kvHeads = info.heads;
    info.headDim = info.dModel / info.heads;
    info.causal = true;
    if (reader.boolean("add_cross_attention", false))
        reader.fail("GPT-2 with cross-attention (\"add_cross_attention\") is not supported");
    config.activation = parseActivation(reader, "activation_function", "gelu_new");
    config.normEps = static_cast<float>(reader.number("layer_norm_epsilon", 1e-5));
    config.scaleAttention = reader.boolean("scale_attn_weights", true);
    config.scaleByInverseLayer = reader.boolean("scale_attn_by_inverse_layer_idx", false);
    config.qkvBias = config.outputBias = config.mlpBias = true;
    config.tieWordEmbeddings = reader.boolean("tie_word_embeddings", true);
}

void readBert(const ConfigReader& reader, TransformerConfig& config) {
    ModelInfo& info = config.info;
    info.dModel = reader.positive("hidden_size");
    info.heads = reader.positive("num_attention_heads");
    info.layers = reader.positive("num_hidden_layers", std::nullopt, 10000);
    info.intermediate = reader.positive("intermediate_size");
    info.maxPositions = reader.positive("max_position_embeddings");
    info.vocabSize = reader.positive("vocab_size");
    info.typeVocabSize = reader.positive("type_vocab_size", 2);
    if (info.dModel % info.heads != 0)
        reader.fail("\"hidden_size\" (" + std::to_string(info.dModel) + ") must be a multiple of " +
                    "\"num_attention_heads\" (" + std::to_string(info.heads) + ")");
    info.kvHeads = info.heads;
    info.headDim = info.dModel / info.heads;
    info.causal = false;
    const std::string positions = reader.string("position_embedding_type", "absolute");
    if (positions != "absolute")
        reader.fail("\"position_embedding_type\" is \"" + positions +
                    "\"; only \"absolute\" position embeddings are supported");
    if (reader.boolean("is_decoder", false))
        reader.fail("BERT as a decoder (\"is_decoder\": true) is not supported");
    config.activation = parseActivation(reader, "hidden_act", "gelu");
    config.normEps = static_cast<float>(reader.number("layer_norm_eps", 1e-12));
    config.qkvBias = config.outputBias = config.mlpBias = true;
    config.tieWordEmbeddings = reader.boolean("tie_word_embeddings", true);
}

void readRopeScaling(const ConfigReader& reader, TransformerConfig& config) {
    if (!reader.has("rope_scaling"))
        return;
    const json& scaling = reader.raw("rope_scaling");
    if (!scaling.is_object())
        reader.fail("\"rope_scaling\" must be null or an object");
    std::string type;
    for (const char* key : {"rope_type", "type"}) {
        const auto it = scaling.find(key);
        if (it != scaling.end() && it->is_string()) {
            type = it->get<std::string>();
            break;
        }
    }
    if (type == "default")
        return;
    if (type != "linear")
        reader.fail("\"rope_scaling\" of type \"" + type +
                    "\" is not supported (supported: null, \"default\", \"linear\")");
    const auto factor = scaling.find("factor");
    if (factor == scaling.end() || !factor->is_number() || !(factor->get<double>() > 0.0) ||
        !std::isfinite(factor->get<double>()))
        reader.fail("\"rope_scaling\" of type \"linear\" needs a positive \"factor\"");
    config.ropeLinearFactor = factor->get<double>();
}

void readLlama(const ConfigReader& reader, TransformerConfig& config) {
    ModelInfo& info = config.info;
    info.dModel = reader.positive("hidden_size");
    info.heads = reader.positive("num_attention_heads");
    info.layers = reader.positive("num_hidden_layers", std::nullopt, 10000);
    info.intermediate = reader.positive("intermediate_size");
    info.maxPositions = reader.positive("max_position_embeddings", std::nullopt, 1 << 30);
    info.vocabSize = reader.positive("vocab_size");
    info.kvHeads = reader.positive("num_key_value_heads", info.heads);
    if (info.heads % info.kvHeads != 0)
        reader.fail("\"num_attention_heads\" (" + std::to_string(info.heads) +
                    ") must be a multiple of \"num_key_value_heads\" (" +
                    std::to_string(info.kvHeads) + ")");
    if (!reader.has("head_dim") && info.dModel % info.heads != 0)
        reader.fail("\"hidden_size\" (" + std::to_string(info.dModel) + ") must be a multiple of " +
                    "\"num_attention_heads\" (" + std::to_string(info.heads) +
                    ") unless \"head_dim\" is given");
    info.headDim = reader.positive("head_dim", info.dModel / std::max(1, info.heads));
    if (info.headDim % 2 != 0)
        reader.fail("the head dimension (" + std::to_string(info.headDim) +
                    ") must be even for rotary position embeddings");
    info.causal = true;
    config.activation = parseActivation(reader, "hidden_act", "silu");
    config.normEps = static_cast<float>(reader.number("rms_norm_eps", 1e-6));
    config.ropeTheta = reader.number("rope_theta", 10000.0);
    readRopeScaling(reader, config);
    if (reader.has("partial_rotary_factor") && reader.number("partial_rotary_factor", 1.0) != 1.0)
        reader.fail("\"partial_rotary_factor\" other than 1 is not supported");
    const bool qwen2 = info.architecture.rfind("Qwen2", 0) == 0;
    const bool attentionBias = reader.boolean("attention_bias", false);
    config.qkvBias = qwen2 || attentionBias;
    config.outputBias = attentionBias;
    config.mlpBias = reader.boolean("mlp_bias", false);
    config.tieWordEmbeddings = reader.boolean("tie_word_embeddings", false);

    // A sliding window changes nothing for inputs no longer than it: cap the input there rather
    // than reproduce each library version's window convention.
    const bool mistral = info.architecture.rfind("Mistral", 0) == 0;
    const bool windowed =
        mistral ? reader.has("sliding_window")
                : reader.boolean("use_sliding_window", false) && reader.has("sliding_window");
    if (windowed)
        info.maxPositions =
            std::min(info.maxPositions, reader.positive("sliding_window", std::nullopt, 1 << 30));
}

} // namespace

std::string_view toString(TransformerFamily family) {
    switch (family) {
    case TransformerFamily::Gpt2:
        return "GPT-2";
    case TransformerFamily::Bert:
        return "BERT";
    case TransformerFamily::Llama:
        return "Llama";
    }
    return "?";
}

const std::vector<std::string>& supportedArchitectures() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> out;
        for (const ArchitectureEntry& entry : architectureTable())
            out.emplace_back(entry.name);
        return out;
    }();
    return names;
}

std::string supportedArchitecturesText() {
    std::string text;
    for (const std::string& name : supportedArchitectures())
        text += (text.empty() ? "" : ", ") + name;
    return text;
}

TransformerConfig parseTransformerConfig(std::string_view text, const std::string& origin) {
    json root;
    try {
        root = json::parse(text.begin(), text.end());
    } catch (const json::parse_error& error) {
        throw InputError(origin + ": not valid JSON (" + error.what() + ")");
    }
    if (!root.is_object())
        throw InputError(origin + ": the configuration must be a JSON object");
    const ConfigReader reader(root, origin);

    TransformerConfig config;
    ModelInfo& info = config.info;
    info.modelType = reader.string("model_type", "");
    std::vector<std::string> named;
    if (reader.has("architectures")) {
        const json& list = reader.raw("architectures");
        if (!list.is_array())
            reader.fail("\"architectures\" must be a list of names");
        for (const json& name : list)
            if (name.is_string())
                named.push_back(name.get<std::string>());
    }
    const ArchitectureEntry* chosen = nullptr;
    for (const std::string& name : named) {
        const auto it = std::find_if(architectureTable().begin(), architectureTable().end(),
                                     [&](const ArchitectureEntry& e) { return e.name == name; });
        if (it != architectureTable().end()) {
            chosen = &*it;
            break;
        }
    }
    if (chosen == nullptr && named.empty()) {
        const std::string guess = architectureOfModelType(info.modelType);
        const auto it = std::find_if(architectureTable().begin(), architectureTable().end(),
                                     [&](const ArchitectureEntry& e) { return e.name == guess; });
        if (it != architectureTable().end())
            chosen = &*it;
    }
    if (chosen == nullptr) {
        const std::string supported = supportedArchitecturesText();
        if (!named.empty())
            throw InputError(message("%1: the architecture \"%2\" is not supported; supported "
                                     "architectures: %3",
                                     reader.origin(), named.front(), supported));
        if (info.modelType.empty())
            throw InputError(message("%1: a model without \"architectures\" or \"model_type\" "
                                     "is not supported; supported architectures: %2",
                                     reader.origin(), supported));
        throw InputError(message("%1: the model type \"%2\" is not supported; supported "
                                 "architectures: %3",
                                 reader.origin(), info.modelType, supported));
    }
    info.architecture = std::string(chosen->name);
    info.family = chosen->family;
    switch (info.family) {
    case TransformerFamily::Gpt2:
        readGpt2(reader, config);
        break;
    case TransformerFamily::Bert:
        readBert(reader, config);
        break;
    case TransformerFamily::Llama:
        readLlama(reader, config);
        break;
    }
    info.bosTokenId = reader.tokenId("bos_token_id");
    info.eosTokenId = reader.tokenId("eos_token_id");
    info.padTokenId = reader.tokenId("pad_token_id");
    return config;
}

} // namespace attnlab::core
