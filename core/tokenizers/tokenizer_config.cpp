#include "core/tokenizers/tokenizer_config.h"

#include "core/tokenizers/json_access.h"

namespace attnlab::core::tokenizers::detail {
namespace {

constexpr const char* kConfigFile = "tokenizer_config.json";
constexpr const char* kSpecialsFile = "special_tokens_map.json";
constexpr const char* kNamedTokens[] = {"bos_token", "eos_token", "unk_token", "sep_token",
                                        "pad_token", "cls_token", "mask_token"};

/// "<s>" or {"content": "<s>", "lstrip": …} (older files add "__type": "AddedToken").
ConfigToken readToken(const Json& value, const std::string& where) {
    ConfigToken token;
    if (value.is_string()) {
        token.content = value.get<std::string>();
        return token;
    }
    requireObject(value, where);
    token.content =
        stringValue(requireMember(value, "content", where), memberPath(where, "content"));
    token.singleWord = boolOr(value, "single_word", false, where);
    token.lstrip = boolOr(value, "lstrip", false, where);
    token.rstrip = boolOr(value, "rstrip", false, where);
    token.normalized = boolOr(value, "normalized", false, where);
    token.special = boolOr(value, "special", true, where);
    return token;
}

std::optional<bool> optionalBool(const Json& object, std::string_view key,
                                 const std::string& where) {
    const Json* member = findMember(object, key);
    if (member == nullptr)
        return std::nullopt;
    return boolValue(*member, memberPath(where, key));
}

void readNamedTokens(const Json& root, const std::string& where, FolderConfig& config) {
    for (const char* key : kNamedTokens) {
        if (root.contains(key))
            config.mentioned.emplace_back(key);
        if (config.named.count(key) != 0)
            continue;
        if (const Json* value = findMember(root, key))
            config.named[key] = readToken(*value, memberPath(where, key));
    }
    if (config.additionalSpecialTokens.empty())
        if (const Json* list = findMember(root, "additional_special_tokens")) {
            const std::string listWhere = memberPath(where, "additional_special_tokens");
            requireArray(*list, listWhere);
            for (std::size_t i = 0; i < list->size(); ++i)
                config.additionalSpecialTokens.push_back(
                    readToken((*list)[i], elementPath(listWhere, i)));
        }
}

} // namespace

FolderConfig parseFolderConfig(std::string_view tokenizerConfigJson,
                               std::string_view specialTokensMapJson) {
    FolderConfig config;
    if (!tokenizerConfigJson.empty()) {
        const Json root = parseJsonDocument(tokenizerConfigJson, kConfigFile);
        const std::string where = std::string(kConfigFile) + ": ";
        if (!root.is_object())
            failAt(kConfigFile, "expected a JSON object");
        config.tokenizerClass = optionalString(root, "tokenizer_class", where);
        config.doLowerCase = optionalBool(root, "do_lower_case", where);
        config.stripAccents = optionalBool(root, "strip_accents", where);
        config.tokenizeChineseChars = optionalBool(root, "tokenize_chinese_chars", where);
        config.addPrefixSpace = optionalBool(root, "add_prefix_space", where);
        config.addBosToken = optionalBool(root, "add_bos_token", where);
        config.addEosToken = optionalBool(root, "add_eos_token", where);
        readNamedTokens(root, where, config);
        if (const Json* decoder = findMember(root, "added_tokens_decoder")) {
            const std::string decoderWhere = memberPath(where, "added_tokens_decoder");
            requireObject(*decoder, decoderWhere);
            for (const auto& [key, value] : decoder->items()) {
                const std::string entryWhere = memberPath(decoderWhere, key);
                int id = -1;
                try {
                    std::size_t used = 0;
                    id = std::stoi(key, &used);
                    if (used != key.size())
                        id = -1;
                } catch (const std::exception&) {
                    id = -1;
                }
                if (id < 0)
                    failAt(entryWhere, "the key must be a token id");
                config.addedTokens.emplace_back(id, readToken(value, entryWhere));
            }
        }
    }
    if (!specialTokensMapJson.empty()) {
        const Json root = parseJsonDocument(specialTokensMapJson, kSpecialsFile);
        if (!root.is_object())
            failAt(kSpecialsFile, "expected a JSON object");
        readNamedTokens(root, std::string(kSpecialsFile) + ": ", config);
    }
    return config;
}

} // namespace attnlab::core::tokenizers::detail
