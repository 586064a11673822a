#pragma once
// Internal to the pretrained tokenizers: what tokenizer_config.json and special_tokens_map.json
// say about the tokenizer (its class, lower-casing, the special tokens and whether a BOS/EOS
// token is added).

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace attnlab::core::tokenizers::detail {

/// A token named by the configuration, with the flags of an added token when it gives them.
struct ConfigToken {
    std::string content;
    bool singleWord = false;
    bool lstrip = false;
    bool rstrip = false;
    bool normalized = false;
    bool special = true;
};

struct FolderConfig {
    std::optional<std::string> tokenizerClass; ///< "BertTokenizer", "LlamaTokenizerFast", …
    std::optional<bool> doLowerCase;
    std::optional<bool> stripAccents;
    std::optional<bool> tokenizeChineseChars;
    std::optional<bool> addPrefixSpace;
    std::optional<bool> addBosToken;
    std::optional<bool> addEosToken;
    /// "bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token",
    /// "mask_token" → token.
    std::map<std::string, ConfigToken, std::less<>> named;
    /// Those keys mentioned at all, even as null ("bos_token": null says there is none).
    std::vector<std::string> mentioned;
    /// added_tokens_decoder: id → token.
    std::vector<std::pair<int, ConfigToken>> addedTokens;
    std::vector<ConfigToken> additionalSpecialTokens;
};

/// Parses the two files (either may be empty: absent). special_tokens_map.json fills what
/// tokenizer_config.json leaves out. Throws InputError naming the file and member.
FolderConfig parseFolderConfig(std::string_view tokenizerConfigJson,
                               std::string_view specialTokensMapJson);

} // namespace attnlab::core::tokenizers::detail
