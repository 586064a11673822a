#pragma once
// Internal to the pretrained tokenizers: the patterns of tokenizer.json (Split pre-tokenizers,
// Replace normalisers) run through ICU's regular expressions, which understand the syntax these
// files use (\p{L}, \p{N}, (?i:…), look-ahead, possessive quantifiers).

#include "core/tokenizers/normalized_text.h"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <unicode/uversion.h>

U_NAMESPACE_BEGIN
class RegexPattern;
U_NAMESPACE_END

namespace attnlab::core::tokenizers::detail {

class TextPattern {
public:
    /// A regular expression. Throws InputError naming `where` when ICU cannot compile it.
    static TextPattern regex(const std::string& pattern, const std::string& where);
    /// A literal string (an empty one never matches).
    static TextPattern literal(std::string text);

    /// The non-empty, non-overlapping matches in `text` (valid UTF-8), leftmost first.
    std::vector<Match> matches(std::string_view text) const;
    /// The matches and the stretches between them, covering `text` in order.
    std::vector<Match> cover(std::string_view text) const;

private:
    std::shared_ptr<const icu::RegexPattern> m_regex;
    std::string m_literal;
};

} // namespace attnlab::core::tokenizers::detail
