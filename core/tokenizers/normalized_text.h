#pragma once
// Internal to the pretrained tokenizers: text being normalised and split, aligned byte by byte
// with the user's original text, so that every piece knows the bytes of the original it came
// from however the text was changed on the way (lower-cased, NFKC, spaces replaced by '▁',
// bytes mapped to GPT-2's alphabet).

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace attnlab::core::tokenizers::detail {

/// A byte range [begin, end) of the original text.
struct Span {
    std::size_t begin = 0;
    std::size_t end = 0;
};

struct NormalizedText {
    std::string text;        ///< the current UTF-8 text
    std::vector<Span> align; ///< for each byte of text, the original character(s) it came from
    Span original;           ///< the original range this text stands for (also when empty)
};

/// The original bytes [begin, end) of `original`, aligned with themselves character by character
/// (every byte of a character maps to the whole character, so no piece splits a character).
NormalizedText makeNormalized(std::string_view original, std::size_t begin, std::size_t end);

/// The original range of the bytes [begin, end) of the normalised text; an empty range gives an
/// empty span where it sits in the original.
Span originalSpan(const NormalizedText& text, std::size_t begin, std::size_t end);

/// The bytes [begin, end) of the normalised text with their alignment.
NormalizedText slice(const NormalizedText& text, std::size_t begin, std::size_t end);

/// Replaces every character by what `map(c, out)` appends to `out` (nothing removes it); the new
/// bytes are aligned with the character they replace.
template <typename Map> void mapCharacters(NormalizedText& text, Map map);

/// Puts `prefix` in front of a non-empty text, aligned with its first character.
void prepend(NormalizedText& text, std::string_view prefix);

/// A byte range of the normalised text and whether it is a match of a pattern.
struct Match {
    std::size_t begin = 0;
    std::size_t end = 0;
    bool isMatch = false;
};

/// Replaces the given non-overlapping byte ranges (in order) by `content`, which is aligned with
/// the range it replaces.
void replaceRanges(NormalizedText& text, const std::vector<Match>& ranges,
                   std::string_view content);

/// How a split treats the delimiters it found (tokenizer.json "behavior").
enum class SplitBehavior { Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous };

/// Cuts the text at the matches (which cover it in order, matches and the text between them)
/// and appends the non-empty parts to `out`.
void splitText(const NormalizedText& text, const std::vector<Match>& matches,
               SplitBehavior behavior, std::vector<NormalizedText>& out);

/// Covers `text` with the matches of a predicate on characters: each character for which
/// `predicate(c)` holds is one match.
template <typename Predicate>
std::vector<Match> matchCharacters(std::string_view text, Predicate predicate);

} // namespace attnlab::core::tokenizers::detail

#include "core/tokenizers/normalized_text_impl.h"
