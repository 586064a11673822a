// Fuzzes core::tokenize. Input: byte 0 picks the mode (value % 3) and whether punctuation is kept
// (bit 2); byte 1 the token limit (0 = the default 4096, else its value); the rest is the text.
// Any text must either tokenise into tokens that satisfy the documented contract or throw
// InputError (invalid UTF-8, too many tokens); anything else is a finding.

#include "fuzz_common.h"

#include "core/base/types.h"
#include "core/text/tokenizer.h"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace {

using namespace attnlab::core;

/// The first and last code points of a token are not whitespace.
bool trimmed(std::string_view token) {
    UChar32 first = 0;
    int32_t i = 0;
    U8_NEXT(token.data(), i, static_cast<int32_t>(token.size()), first);
    UChar32 last = 0;
    int32_t j = static_cast<int32_t>(token.size());
    U8_PREV(token.data(), 0, j, last);
    return first >= 0 && last >= 0 && !u_isUWhiteSpace(first) && !u_isUWhiteSpace(last);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2)
        return 0;
    TokenizerConfig config;
    config.mode = static_cast<TokenizerMode>(data[0] % 3);
    config.keepPunctuation = (data[0] & 4) == 0;
    if (data[1] != 0)
        config.maxTokens = data[1];
    const std::string_view text(reinterpret_cast<const char*>(data + 2), size - 2);

    std::vector<Token> tokens;
    try {
        tokens = tokenize(text, config);
    } catch (const InputError&) {
        return 0; // documented: invalid UTF-8 or too many tokens, with a message
    }
    FUZZ_CHECK(tokens.size() <= static_cast<std::size_t>(config.maxTokens));
    std::size_t previousEnd = 0;
    for (const Token& token : tokens) {
        FUZZ_CHECK(token.begin < token.end);
        FUZZ_CHECK(token.end <= text.size());
        FUZZ_CHECK(token.begin >= previousEnd); // in order, never overlapping
        FUZZ_CHECK(token.text == text.substr(token.begin, token.end - token.begin));
        FUZZ_CHECK(trimmed(token.text));
        previousEnd = token.end;
    }
    // Tokenising again gives the same tokens (no hidden state).
    const std::vector<Token> again = tokenize(text, config);
    FUZZ_CHECK(again.size() == tokens.size());
    for (std::size_t i = 0; i < tokens.size(); ++i)
        FUZZ_CHECK(again[i].begin == tokens[i].begin && again[i].end == tokens[i].end);
    return 0;
}
