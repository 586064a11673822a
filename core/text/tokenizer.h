#pragma once
// Splits UTF-8 text into tokens with ICU (attention-math.md: one row of X per token).

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace attnlab::core {

enum class TokenizerMode { Word, Char, Whitespace };

/// The canonical name of a mode ("word", "char", "whitespace").
std::string_view toString(TokenizerMode value);
/// Every mode in declaration order.
const std::vector<TokenizerMode>& allTokenizerModes();
/// Parses a canonical name; throws InputError naming the choices for anything else.
TokenizerMode parseTokenizerMode(std::string_view name);

struct TokenizerConfig {
    TokenizerMode mode =
        TokenizerMode::Word;     ///< word (ICU word breaks, default) | char | whitespace
    bool keepPunctuation = true; ///< keep punctuation marks as tokens (default true)
    int maxTokens = 4096; ///< error beyond this many tokens; range 1 … 1 000 000, default 4096
};

struct Token {
    std::string text;      ///< the token's UTF-8 text, exactly as in the input
    std::size_t begin = 0; ///< byte offset of the first byte in the input
    std::size_t end = 0;   ///< byte offset one past the last byte in the input
};

/// Tokenise `text` (UTF-8). Whitespace never becomes a token. Empty or whitespace-only input
/// gives an empty vector. Throws InputError when the text is not valid UTF-8 or has more than
/// config.maxTokens tokens (the message says how many were found and what the limit is).
std::vector<Token> tokenize(std::string_view text, const TokenizerConfig& config = {});

} // namespace attnlab::core
