#pragma once
// Words from pieces: for models that see sub-words or characters, which tokens make up which
// word, so that attention maps can be aggregated to words (the aggregation itself is the map's
// business: docs/attention-math.md).

#include "core/tokenizers/pretrained_tokenizer.h"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace attnlab::core::tokenizers {

/// How the text is cut into words.
enum class WordSegmentation {
    Auto,       ///< Dictionary when the text has Chinese, Japanese, Thai, … else Whitespace
    Dictionary, ///< ICU's word segmentation (a dictionary for CJK: 深度 / 学习)
    Whitespace  ///< runs of characters between whitespace
};

/// The canonical name of a segmentation ("auto", "dictionary", "whitespace").
std::string_view toString(WordSegmentation value);
/// Every segmentation in declaration order.
const std::vector<WordSegmentation>& allWordSegmentations();
/// Parses a canonical name; throws InputError naming the choices for anything else.
WordSegmentation parseWordSegmentation(std::string_view name);

struct PieceWord {
    std::string text;        ///< the word as written (a special token's own text)
    std::size_t begin = 0;   ///< its first byte in the text
    std::size_t end = 0;     ///< one past its last byte (begin == end for inserted specials)
    bool special = false;    ///< a special token, which is always a word of its own
    std::vector<int> tokens; ///< indices of its tokens in the encoding, increasing
};

struct WordGrouping {
    std::vector<int> wordOfToken; ///< for each token of the encoding, its word's index
    std::vector<PieceWord> words; ///< in the order of their first tokens
    WordSegmentation segmentation = WordSegmentation::Whitespace; ///< what was used
};

/// Groups the tokens of `encoding` (of `text`) into words. A token belongs to the word in which
/// its first non-whitespace byte lies (so a token that straddles a word boundary goes to the
/// word where it starts, and that word's text grows to cover it); a token of only whitespace
/// joins the word before it (or after it, at the start); special tokens are words of their own.
/// Throws InputError for text that is not valid UTF-8.
WordGrouping groupTokensIntoWords(std::string_view text, const Encoding& encoding,
                                  WordSegmentation segmentation = WordSegmentation::Auto);

} // namespace attnlab::core::tokenizers
