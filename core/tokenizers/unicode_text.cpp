#include "core/tokenizers/unicode_text.h"

#include "core/base/types.h"

#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/utf16.h>

#include <algorithm>
#include <array>
#include <cassert>

namespace attnlab::core::tokenizers::detail {
namespace {

constexpr char kHexDigits[] = "0123456789ABCDEF";

/// Decodes one strict UTF-8 character at `i`. Returns its length, or 0 when the bytes there are
/// not valid; then `badByte` is the offset of the first offending byte and `truncated` says
/// whether the text ended inside the character.
std::size_t decodeStrict(std::string_view text, std::size_t i, char32_t& c, std::size_t& badByte,
                         bool& truncated) {
    const auto lead = static_cast<unsigned char>(text[i]);
    truncated = false;
    if (lead < 0x80) {
        c = lead;
        return 1;
    }
    std::size_t length = 0;
    unsigned char low = 0x80;
    unsigned char high = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
        c = lead & 0x1Fu;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        c = lead & 0x0Fu;
        if (lead == 0xE0)
            low = 0xA0; // overlong
        if (lead == 0xED)
            high = 0x9F; // surrogates
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        c = lead & 0x07u;
        if (lead == 0xF0)
            low = 0x90; // overlong
        if (lead == 0xF4)
            high = 0x8F; // above U+10FFFF
    } else {
        badByte = i;
        return 0;
    }
    for (std::size_t k = 1; k < length; ++k) {
        if (i + k >= text.size()) {
            badByte = i;
            truncated = true;
            return 0;
        }
        const auto byte = static_cast<unsigned char>(text[i + k]);
        if (byte < low || byte > high) {
            badByte = i + k;
            return 0;
        }
        low = 0x80;
        high = 0xBF;
        c = (c << 6) | (byte & 0x3Fu);
    }
    return length;
}

bool hasCategory(char32_t c, std::uint32_t mask) {
    return (U_GET_GC_MASK(static_cast<UChar32>(c)) & mask) != 0;
}

struct ByteTables {
    std::array<char32_t, 256> toChar{};
    std::array<std::int16_t, 324> toByte{}; // the characters are all below U+0144
};

/// GPT-2's table: printable Latin-1 bytes stand for themselves, the other 68 bytes (controls,
/// space, DEL, NBSP, soft hyphen) are moved to U+0100… in byte order.
const ByteTables& byteTables() {
    static const ByteTables tables = [] {
        ByteTables t;
        t.toByte.fill(-1);
        char32_t next = 256;
        for (int b = 0; b < 256; ++b) {
            const bool printable =
                (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            t.toChar[static_cast<std::size_t>(b)] = printable ? static_cast<char32_t>(b) : next++;
        }
        for (int b = 0; b < 256; ++b)
            t.toByte[t.toChar[static_cast<std::size_t>(b)]] = static_cast<std::int16_t>(b);
        return t;
    }();
    return tables;
}

} // namespace

void requireValidUtf8(std::string_view text, std::string_view what) {
    std::size_t i = 0;
    while (i < text.size()) {
        char32_t c = 0;
        std::size_t bad = 0;
        bool truncated = false;
        const std::size_t length = decodeStrict(text, i, c, bad, truncated);
        if (length == 0) {
            const std::string where =
                std::to_string(bad + 1) + " of " + std::to_string(text.size());
            if (truncated)
                throw InputError(std::string(what) +
                                 " is not valid UTF-8 (the character starting at byte " + where +
                                 " is cut off by the end)");
            const auto byte = static_cast<unsigned char>(text[bad]);
            throw InputError(std::string(what) + " is not valid UTF-8 (byte " + where + " is 0x" +
                             kHexDigits[byte >> 4] + kHexDigits[byte & 0xF] + ")");
        }
        i += length;
    }
}

bool isValidUtf8(std::string_view text) {
    std::size_t i = 0;
    while (i < text.size()) {
        char32_t c = 0;
        std::size_t bad = 0;
        bool truncated = false;
        const std::size_t length = decodeStrict(text, i, c, bad, truncated);
        if (length == 0)
            return false;
        i += length;
    }
    return true;
}

char32_t nextCodePoint(std::string_view text, std::size_t& i) {
    assert(i < text.size());
    const auto lead = static_cast<unsigned char>(text[i]);
    if (lead < 0x80) {
        ++i;
        return lead;
    }
    const std::size_t length = utf8LengthFromLead(lead);
    char32_t c = lead & (0x7Fu >> length);
    for (std::size_t k = 1; k < length && i + k < text.size(); ++k)
        c = (c << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3Fu);
    i += length;
    return c;
}

std::size_t utf8Length(char32_t c) {
    return c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
}

std::size_t utf8LengthFromLead(unsigned char lead) {
    return lead < 0xC0 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
}

void appendUtf8(std::string& out, char32_t c) {
    if (c < 0x80) {
        out.push_back(static_cast<char>(c));
    } else if (c < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (c >> 6)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else if (c < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (c >> 12)));
        out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (c >> 18)));
        out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
}

std::size_t countCodePoints(std::string_view text) {
    std::size_t count = 0;
    for (const char byte : text)
        count += (static_cast<unsigned char>(byte) & 0xC0) != 0x80 ? 1 : 0;
    return count;
}

bool isWhitespace(char32_t c) {
    if (c < 0x80)
        return c == ' ' || (c >= '\t' && c <= '\r');
    return u_isUWhiteSpace(static_cast<UChar32>(c)) != 0;
}

bool isBertControl(char32_t c) {
    if (c == '\t' || c == '\n' || c == '\r')
        return false;
    return hasCategory(c, U_GC_C_MASK);
}

bool isPunctuation(char32_t c) {
    if (c < 0x80)
        return (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) ||
               (c >= 123 && c <= 126);
    return hasCategory(c, U_GC_P_MASK);
}

bool isChineseCharacter(char32_t c) {
    return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
           (c >= 0x20000 && c <= 0x2A6DF) || (c >= 0x2A700 && c <= 0x2B73F) ||
           (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B920 && c <= 0x2CEAF) ||
           (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
}

bool isNumeric(char32_t c) {
    if (c < 0x80)
        return c >= '0' && c <= '9';
    return hasCategory(c, U_GC_N_MASK);
}

bool isNonspacingMark(char32_t c) {
    return c >= 0x300 && hasCategory(c, U_GC_MN_MASK);
}

bool isMark(char32_t c) {
    return c >= 0x300 && hasCategory(c, U_GC_M_MASK);
}

bool isWordCharacter(char32_t c) {
    if (c < 0x80)
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
               c == '_';
    if (c == 0x200C || c == 0x200D)
        return true;
    const auto u = static_cast<UChar32>(c);
    return u_hasBinaryProperty(u, UCHAR_ALPHABETIC) != 0 ||
           hasCategory(c, U_GC_M_MASK | U_GC_ND_MASK | U_GC_PC_MASK);
}

bool needsDictionarySegmentation(char32_t c) {
    if (c < 0x0E00)
        return false;
    UErrorCode status = U_ZERO_ERROR;
    const UScriptCode script = uscript_getScript(static_cast<UChar32>(c), &status);
    if (U_FAILURE(status))
        return false;
    switch (script) {
    case USCRIPT_HAN:
    case USCRIPT_HIRAGANA:
    case USCRIPT_KATAKANA:
    case USCRIPT_THAI:
    case USCRIPT_LAO:
    case USCRIPT_KHMER:
    case USCRIPT_MYANMAR:
        return true;
    default:
        return false;
    }
}

char32_t byteToChar(unsigned char byte) {
    return byteTables().toChar[byte];
}

int charToByte(char32_t c) {
    const auto& table = byteTables().toByte;
    return c < table.size() ? table[c] : -1;
}

Utf16Text toUtf16(std::string_view utf8) {
    Utf16Text out;
    out.text.reserve(utf8.size());
    out.byteOffset.reserve(utf8.size() + 1);
    std::size_t i = 0;
    while (i < utf8.size()) {
        const auto offset = static_cast<std::uint32_t>(i);
        const char32_t c = nextCodePoint(utf8, i);
        if (c <= 0xFFFF) {
            out.text.push_back(static_cast<char16_t>(c));
            out.byteOffset.push_back(offset);
        } else {
            out.text.push_back(static_cast<char16_t>(U16_LEAD(c)));
            out.text.push_back(static_cast<char16_t>(U16_TRAIL(c)));
            out.byteOffset.push_back(offset);
            out.byteOffset.push_back(offset);
        }
    }
    out.byteOffset.push_back(static_cast<std::uint32_t>(utf8.size()));
    return out;
}

std::string toUtf8(std::u16string_view utf16) {
    std::string out;
    out.reserve(utf16.size());
    std::size_t i = 0;
    while (i < utf16.size()) {
        char32_t c = utf16[i++];
        if (U16_IS_LEAD(c) && i < utf16.size() && U16_IS_TRAIL(utf16[i]))
            c = static_cast<char32_t>(U16_GET_SUPPLEMENTARY(c, utf16[i++]));
        else if (U16_IS_SURROGATE(c))
            c = 0xFFFD;
        appendUtf8(out, c);
    }
    return out;
}

std::string byteTokenName(unsigned char byte) {
    std::string name = "<0x";
    name.push_back(kHexDigits[byte >> 4]);
    name.push_back(kHexDigits[byte & 0xF]);
    name.push_back('>');
    return name;
}

int parseByteTokenName(std::string_view piece) {
    if (piece.size() != 6 || piece.substr(0, 3) != "<0x" || piece[5] != '>')
        return -1;
    int value = 0;
    for (const char digit : piece.substr(3, 2)) {
        value <<= 4;
        if (digit >= '0' && digit <= '9')
            value += digit - '0';
        else if (digit >= 'A' && digit <= 'F')
            value += digit - 'A' + 10;
        else if (digit >= 'a' && digit <= 'f')
            value += digit - 'a' + 10;
        else
            return -1;
    }
    return value;
}

std::string visibleText(std::string_view bytes) {
    std::string out;
    out.reserve(bytes.size() + 8);
    std::size_t i = 0;
    while (i < bytes.size()) {
        char32_t c = 0;
        std::size_t bad = 0;
        bool truncated = false;
        const std::size_t length = decodeStrict(bytes, i, c, bad, truncated);
        if (length == 0) {
            out += byteTokenName(static_cast<unsigned char>(bytes[i]));
            ++i;
            continue;
        }
        i += length;
        if (c == ' ')
            appendUtf8(out, 0x2423); // ␣
        else if (c == '\n')
            appendUtf8(out, 0x21B5); // ↵
        else if (c == '\t')
            appendUtf8(out, 0x21E5); // ⇥
        else if (c < 0x20)
            appendUtf8(out, 0x2400 + c); // control pictures (␍ for carriage return)
        else if (c == 0x7F)
            appendUtf8(out, 0x2421); // ␡
        else
            appendUtf8(out, c);
    }
    return out;
}

std::string lossyUtf8(std::string_view bytes) {
    std::string out;
    out.reserve(bytes.size());
    std::size_t i = 0;
    while (i < bytes.size()) {
        char32_t c = 0;
        std::size_t bad = 0;
        bool truncated = false;
        const std::size_t length = decodeStrict(bytes, i, c, bad, truncated);
        if (length == 0) {
            // One replacement character per maximal ill-formed part, as Unicode recommends.
            appendUtf8(out, 0xFFFD);
            i = truncated ? bytes.size() : std::max(bad, i + 1);
            continue;
        }
        out.append(bytes.substr(i, length));
        i += length;
    }
    return out;
}

} // namespace attnlab::core::tokenizers::detail
