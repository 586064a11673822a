#include "core/text/tokenizer.h"

#include "core/base/types.h"

#include <unicode/brkiter.h>
#include <unicode/locid.h>
#include <unicode/uchar.h>
#include <unicode/utext.h>
#include <unicode/utf16.h>
#include <unicode/utf8.h>

#include <cassert>
#include <cstdint>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>

// How the text is cut:
//  - The text is validated and converted to UTF-16 in one pass, because ICU's break iterators
//    work in UTF-16. Segments come back as UTF-16 ranges; they are contiguous and in order, so
//    one cursor that advances by each code point's UTF-8 length maps them back to byte offsets
//    without an index table. That is exact because validated UTF-8 has one encoding per code
//    point.
//  - word: ICU's rule-based word breaks for the root locale (dictionary-based for Chinese,
//    Japanese, Thai, …). ICU never joins punctuation marks, so "..." gives three "." tokens and
//    "?!" gives two; we keep that rather than invent our own joining rule.
//  - char: ICU's character (extended grapheme cluster) breaks, so ZWJ emoji sequences, flags
//    and base + combining marks each stay one token.
//  - whitespace: maximal runs of code points without the Unicode White_Space property.
//  - In every mode, White_Space code points are trimmed from both ends of a segment and a
//    segment that is all whitespace is dropped ("whitespace never becomes a token").
//  - Control characters (general category Cc: NUL, BEL, ESC, DEL, …) count as whitespace, and
//    invisible format characters (category Cf: the right-to-left and left-to-right marks,
//    zero-width space and joiners, the BOM, the soft hyphen) are trimmed from the ends of a token
//    like whitespace. Both come with pasted terminal output or bidirectional text, and a token
//    made of them would be an empty-looking label in every view. Inside a token a joiner stays,
//    so emoji ZWJ sequences are kept whole. Two kinds of Cf are visible parts of what they belong
//    to and are kept: emoji tag characters (the end of subdivision flags such as Scotland's) and
//    prepended concatenation marks (the Arabic number sign). Variation selectors are marks (Mn),
//    not Cf, so "❤️" keeps its emoji presentation selector.
//  - keepPunctuation = false drops, in every mode, a token whose code points are all
//    punctuation (general category P*, i.e. u_ispunct), ignoring combining marks and format
//    characters attached to them. Symbols (S*: "$", "+", emoji) are not punctuation and stay.
//    We do not use the word-break rule status, because UBRK_WORD_NONE also covers emoji and
//    symbols, and it does not exist for the char and whitespace modes.

namespace attnlab::core {
namespace {

constexpr int kMaxTokensLimit = 1'000'000;

std::string hexByte(unsigned char byte) {
    constexpr char kDigits[] = "0123456789ABCDEF";
    return std::string("0x") + kDigits[byte >> 4] + kDigits[byte & 0xF];
}

/// Byte positions in messages count from 1, like line numbers.
[[noreturn]] void throwInvalidUtf8(std::string_view text, std::size_t offset, bool truncated) {
    const std::string where = std::to_string(offset + 1) + " of " + std::to_string(text.size());
    if (truncated)
        throw InputError("the text is not valid UTF-8 (the character starting at byte " + where +
                         " is cut off by the end of the text)");
    throw InputError("the text is not valid UTF-8 (byte " + where + " is " +
                     hexByte(static_cast<unsigned char>(text[offset])) + ")");
}

/// Strict UTF-8 (Unicode table 3-7: no overlong forms, no surrogates, nothing above U+10FFFF).
std::u16string toUtf16(std::string_view text) {
    std::u16string out;
    out.reserve(text.size());
    const std::size_t n = text.size();
    std::size_t i = 0;
    while (i < n) {
        const auto lead = static_cast<unsigned char>(text[i]);
        if (lead < 0x80) {
            out.push_back(static_cast<char16_t>(lead));
            ++i;
            continue;
        }
        std::size_t length = 0;
        UChar32 c = 0;
        unsigned char low = 0x80;
        unsigned char high = 0xBF;
        if (lead >= 0xC2 && lead <= 0xDF) {
            length = 2;
            c = lead & 0x1F;
        } else if (lead >= 0xE0 && lead <= 0xEF) {
            length = 3;
            c = lead & 0x0F;
            if (lead == 0xE0)
                low = 0xA0; // overlong
            if (lead == 0xED)
                high = 0x9F; // surrogates
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            length = 4;
            c = lead & 0x07;
            if (lead == 0xF0)
                low = 0x90; // overlong
            if (lead == 0xF4)
                high = 0x8F; // above U+10FFFF
        } else {
            throwInvalidUtf8(text, i, false);
        }
        for (std::size_t k = 1; k < length; ++k) {
            if (i + k >= n)
                throwInvalidUtf8(text, i, true);
            const auto byte = static_cast<unsigned char>(text[i + k]);
            if (byte < low || byte > high)
                throwInvalidUtf8(text, i + k, false);
            low = 0x80;
            high = 0xBF;
            c = (c << 6) | (byte & 0x3F);
        }
        if (c <= 0xFFFF) {
            out.push_back(static_cast<char16_t>(c));
        } else {
            out.push_back(static_cast<char16_t>(U16_LEAD(c)));
            out.push_back(static_cast<char16_t>(U16_TRAIL(c)));
        }
        i += length;
    }
    return out;
}

bool isPunctuation(UChar32 c) {
    return u_ispunct(c) != 0;
}

/// Marks and format characters (e.g. a combining accent on "!", a ZWJ) do not make a
/// punctuation token into something else.
bool isAttachedToPrevious(UChar32 c) {
    return (U_GET_GC_MASK(c) & (U_GC_MN_MASK | U_GC_ME_MASK | U_GC_CF_MASK)) != 0;
}

/// Separates tokens in every mode (whitespace mode splits on these).
bool isWhitespace(UChar32 c) {
    return u_isUWhiteSpace(c) != 0 || u_charType(c) == U_CONTROL_CHAR;
}

/// Never at the start or end of a token; a token of nothing else is dropped.
bool isInvisible(UChar32 c) {
    if (isWhitespace(c))
        return true;
    const bool emojiTag = c >= 0xE0000 && c <= 0xE007F;
    return u_charType(c) == U_FORMAT_CHAR && !emojiTag &&
           u_hasBinaryProperty(c, UCHAR_PREPENDED_CONCATENATION_MARK) == 0;
}

/// Receives the segments of the UTF-16 text in order and turns them into tokens.
class TokenCollector {
public:
    TokenCollector(std::string_view text, const std::u16string& utf16,
                   const TokenizerConfig& config)
        : m_text(text), m_utf16(utf16), m_config(config) {}

    /// The next segment runs from the end of the previous one to `end16` (UTF-16 index).
    void addSegment(int32_t end16) {
        assert(end16 >= m_pos16 && end16 <= static_cast<int32_t>(m_utf16.size()));
        const char16_t* units = m_utf16.data();
        std::size_t byte = m_posByte;
        std::size_t tokenBegin = std::string_view::npos;
        std::size_t tokenEnd = 0;
        bool anyPunctuation = false;
        bool onlyPunctuation = true;
        int32_t i = m_pos16;
        while (i < end16) {
            UChar32 c = 0;
            U16_NEXT(units, i, end16, c);
            const std::size_t length = static_cast<std::size_t>(U8_LENGTH(c));
            if (!isInvisible(c)) {
                if (tokenBegin == std::string_view::npos)
                    tokenBegin = byte;
                tokenEnd = byte + length;
                if (isPunctuation(c))
                    anyPunctuation = true;
                else if (!isAttachedToPrevious(c))
                    onlyPunctuation = false;
            }
            byte += length;
        }
        m_pos16 = end16;
        m_posByte = byte;
        assert(m_posByte <= m_text.size());

        if (tokenBegin == std::string_view::npos)
            return;
        if (!m_config.keepPunctuation && anyPunctuation && onlyPunctuation)
            return;
        ++m_count;
        // Past the limit we only count, so the error can say how many tokens there are.
        if (m_count <= static_cast<std::size_t>(m_config.maxTokens))
            m_tokens.push_back(Token{std::string(m_text.substr(tokenBegin, tokenEnd - tokenBegin)),
                                     tokenBegin, tokenEnd});
    }

    std::vector<Token> finish() {
        assert(m_pos16 == static_cast<int32_t>(m_utf16.size()));
        assert(m_posByte == m_text.size());
        if (m_count > static_cast<std::size_t>(m_config.maxTokens))
            throw InputError("the text has " + std::to_string(m_count) + " tokens; the limit is " +
                             std::to_string(m_config.maxTokens));
        return std::move(m_tokens);
    }

private:
    std::string_view m_text;
    const std::u16string& m_utf16;
    const TokenizerConfig& m_config;
    int32_t m_pos16 = 0;
    std::size_t m_posByte = 0;
    std::size_t m_count = 0;
    std::vector<Token> m_tokens;
};

void splitWithBreakIterator(const std::u16string& utf16, TokenizerMode mode,
                            TokenCollector& collector) {
    UErrorCode status = U_ZERO_ERROR;
    // A new iterator per call keeps tokenize() thread-safe; ICU caches the rules internally.
    std::unique_ptr<icu::BreakIterator> iterator(
        mode == TokenizerMode::Word
            ? icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), status)
            : icu::BreakIterator::createCharacterInstance(icu::Locale::getRoot(), status));
    if (U_FAILURE(status) || !iterator)
        throw std::runtime_error(std::string("ICU could not create a break iterator: ") +
                                 u_errorName(status));

    icu::LocalUTextPointer utext(
        utext_openUChars(nullptr, utf16.data(), static_cast<int64_t>(utf16.size()), &status));
    iterator->setText(utext.getAlias(), status);
    if (U_FAILURE(status))
        throw std::runtime_error(std::string("ICU could not read the text: ") +
                                 u_errorName(status));

    iterator->first();
    for (int32_t end = iterator->next(); end != icu::BreakIterator::DONE; end = iterator->next())
        collector.addSegment(end);
}

void splitOnWhitespace(const std::u16string& utf16, TokenCollector& collector) {
    const char16_t* units = utf16.data();
    const auto length = static_cast<int32_t>(utf16.size());
    int32_t i = 0;
    bool inWhitespace = false;
    while (i < length) {
        const int32_t start = i;
        UChar32 c = 0;
        U16_NEXT(units, i, length, c);
        const bool whitespace = isWhitespace(c);
        if (start > 0 && whitespace != inWhitespace)
            collector.addSegment(start);
        inWhitespace = whitespace;
    }
    if (length > 0)
        collector.addSegment(length);
}

} // namespace

std::vector<Token> tokenize(std::string_view text, const TokenizerConfig& config) {
    if (config.maxTokens < 1 || config.maxTokens > kMaxTokensLimit)
        throw InputError("the token limit must be between 1 and " +
                         std::to_string(kMaxTokensLimit) + ", not " +
                         std::to_string(config.maxTokens));
    // ICU indexes text with int32_t; UTF-16 never has more units than UTF-8 has bytes.
    if (text.size() > static_cast<std::size_t>(std::numeric_limits<int32_t>::max()))
        throw InputError("the text is too long (" + std::to_string(text.size()) +
                         " bytes); split it into smaller pieces");

    const std::u16string utf16 = toUtf16(text);
    TokenCollector collector(text, utf16, config);
    switch (config.mode) {
    case TokenizerMode::Word:
    case TokenizerMode::Char:
        splitWithBreakIterator(utf16, config.mode, collector);
        break;
    case TokenizerMode::Whitespace:
        splitOnWhitespace(utf16, collector);
        break;
    }
    return collector.finish();
}

namespace {
constexpr std::pair<TokenizerMode, std::string_view> kModeNames[] = {
    {TokenizerMode::Word, "word"},
    {TokenizerMode::Char, "char"},
    {TokenizerMode::Whitespace, "whitespace"},
};
} // namespace

std::string_view toString(TokenizerMode value) {
    for (const auto& [mode, name] : kModeNames)
        if (mode == value)
            return name;
    return "?";
}

const std::vector<TokenizerMode>& allTokenizerModes() {
    static const std::vector<TokenizerMode> modes = {TokenizerMode::Word, TokenizerMode::Char,
                                                     TokenizerMode::Whitespace};
    return modes;
}

TokenizerMode parseTokenizerMode(std::string_view name) {
    for (const auto& [mode, modeName] : kModeNames)
        if (modeName == name)
            return mode;
    throw InputError("unknown tokenizer mode '" + std::string(name) +
                     "'; choose one of: word, char, whitespace");
}

} // namespace attnlab::core
