#pragma once
// Internal to the pretrained tokenizers: walking UTF-8, the character classes that the tokenizer
// formats refer to (their definitions follow the reference implementations of the formats, see
// each function), the GPT-2 byte ↔ character table, and readable text for pieces.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace attnlab::core::tokenizers::detail {

/// Throws InputError "`what` is not valid UTF-8 (byte N of M is 0xNN)" for anything but strict
/// UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF).
void requireValidUtf8(std::string_view text, std::string_view what);
/// Whether `text` is strict UTF-8.
bool isValidUtf8(std::string_view text);

/// The code point starting at byte `i` of valid UTF-8; advances `i` past it.
char32_t nextCodePoint(std::string_view text, std::size_t& i);
/// The number of UTF-8 bytes of `c`.
std::size_t utf8Length(char32_t c);
/// The number of UTF-8 bytes of the character that starts with byte `lead`.
std::size_t utf8LengthFromLead(unsigned char lead);
void appendUtf8(std::string& out, char32_t c);
std::size_t countCodePoints(std::string_view text);

/// Unicode White_Space (what the formats' reference implementation calls whitespace).
bool isWhitespace(char32_t c);
/// BERT's cleaning: tab, newline and carriage return are whitespace, not control characters;
/// every other character of general category C* (Cc, Cf, Cn, Co, Cs) is a control character.
bool isBertControl(char32_t c);
/// BERT's punctuation: ASCII punctuation or Unicode general category P*.
bool isPunctuation(char32_t c);
/// BERT's "Chinese character": the CJK Unified Ideographs blocks and their extensions and the
/// compatibility ideographs (not Hangul, Hiragana or Katakana).
bool isChineseCharacter(char32_t c);
/// General category N* (Nd, Nl, No).
bool isNumeric(char32_t c);
/// General category Mn (what BERT's accent stripping removes).
bool isNonspacingMark(char32_t c);
/// General category M* (Mn, Mc, Me: what the StripAccents normaliser removes).
bool isMark(char32_t c);
/// A word character as regular expressions mean \w: alphabetic, marks, decimal digits,
/// connector punctuation and the zero-width joiners.
bool isWordCharacter(char32_t c);
/// Scripts written without spaces between words, for which word segmentation needs a
/// dictionary (Han, Hiragana, Katakana, Thai, Lao, Khmer, Myanmar).
bool needsDictionarySegmentation(char32_t c);

/// GPT-2's byte-level alphabet: each byte is shown as a printable character (space is 'Ġ',
/// newline 'Ċ').
char32_t byteToChar(unsigned char byte);
/// The byte a byte-level character stands for, or -1 when `c` is not one of the 256.
int charToByte(char32_t c);

/// A UTF-16 copy of valid UTF-8 with the byte offset of every UTF-16 unit (and one past the end),
/// because ICU's regular expressions and break iterators work in UTF-16.
struct Utf16Text {
    std::u16string text;
    std::vector<std::uint32_t> byteOffset; ///< text.size() + 1 entries
};
Utf16Text toUtf16(std::string_view utf8);
std::string toUtf8(std::u16string_view utf16);

/// `<0xNN>` with upper-case hexadecimal digits, the spelling of byte tokens.
std::string byteTokenName(unsigned char byte);
/// The byte of a `<0xNN>` token name, or -1 for any other text.
int parseByteTokenName(std::string_view piece);

/// Readable text for a label: spaces as '␣', newlines as '↵', tabs as '⇥', carriage returns as
/// '␍', other control characters as their control pictures, and bytes that are not valid UTF-8
/// as `<0xNN>`.
std::string visibleText(std::string_view bytes);

/// Bytes as UTF-8 text, each maximal ill-formed sequence replaced by one U+FFFD.
std::string lossyUtf8(std::string_view bytes);

} // namespace attnlab::core::tokenizers::detail
