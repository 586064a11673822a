#pragma once
// Internal to the pretrained tokenizers: added tokens (tokenizer.json "added_tokens", and the
// special tokens of tokenizer_config.json), found in the text before the model sees it, so that
// "[MASK]" or "<|im_start|>" typed by the user is one token and not "[", "MASK", "]".

#include "core/tokenizers/normalized_text.h"
#include "core/tokenizers/string_maps.h"

#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace attnlab::core::tokenizers::detail {

struct AddedToken {
    int id = 0;
    std::string content;
    bool singleWord = false; ///< only where it is not part of a longer word
    bool lstrip = false;     ///< takes the whitespace before it
    bool rstrip = false;     ///< takes the whitespace after it
    bool normalized = true;  ///< matched in the normalised text (else in the raw text)
    bool special = false;    ///< a control token ([CLS], <s>), not text
};

/// A stretch of text: either an added token (index into tokens()) or text to tokenise.
struct TextSegment {
    std::size_t begin = 0;
    std::size_t end = 0;
    int addedToken = -1;
};

class AddedVocabulary {
public:
    /// Adds a token (a later one with the same content replaces the earlier one).
    void add(AddedToken token);
    /// Sets the text a normalised token is matched as (its content, normalised).
    void setNormalizedContent(std::size_t index, std::string content);
    /// Builds the tables split() matches with; call after the last change, before splitting.
    void buildMatcher();

    const std::vector<AddedToken>& tokens() const { return m_tokens; }
    /// The index of the token with this content, or -1.
    int find(std::string_view content) const { return m_byContent.find(content); }

    /// Splits `text` at the added tokens of one kind (raw: normalized == false; else the
    /// normalised ones), leftmost-longest first, with their single_word, lstrip and rstrip
    /// flags. The segments cover the text in order; empty text gives no segment.
    std::vector<TextSegment> split(std::string_view text, bool normalizedTokens) const;

private:
    /// A byte trie over the match texts of one kind (some models have thousands of added
    /// tokens, many starting alike: "<|reserved_special_token_…|>").
    struct TrieNode {
        int token = -1; ///< the token whose match text ends here
        std::vector<std::pair<unsigned char, int>> children;
    };
    struct Trie {
        std::array<int, 256> root{}; ///< child node of the root per byte, 0 when none
        std::vector<TrieNode> nodes{TrieNode{}};
    };
    /// The longest token matching at `at`, or -1; its length in `length`.
    int longestMatch(const Trie& trie, std::string_view text, std::size_t at,
                     std::size_t& length) const;

    std::vector<AddedToken> m_tokens;
    std::vector<std::string> m_matchText; ///< what each token is matched as
    StringIdMap m_byContent;
    Trie m_tries[2]; ///< raw, normalised
};

} // namespace attnlab::core::tokenizers::detail
