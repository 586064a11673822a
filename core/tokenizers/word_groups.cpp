#include "core/tokenizers/word_groups.h"

#include "core/base/types.h"
#include "core/text/tokenizer.h"
#include "core/tokenizers/unicode_text.h"

#include <algorithm>
#include <numeric>

namespace attnlab::core::tokenizers {
namespace {

struct Range {
    std::size_t begin = 0;
    std::size_t end = 0;
};

bool isTypedSpecial(const EncodedToken& token) {
    return token.special && !token.inserted && token.end > token.begin;
}

/// The first byte at or after `begin` (before `end`) that does not start a whitespace
/// character, or `end`.
std::size_t firstVisibleByte(std::string_view text, std::size_t begin, std::size_t end) {
    std::size_t i = begin;
    while (i < end) {
        std::size_t next = i;
        if (!detail::isWhitespace(detail::nextCodePoint(text, next)))
            return i;
        i = next;
    }
    return end;
}

/// [begin, end) without whitespace at either end.
Range trimmed(std::string_view text, Range range) {
    range.begin = firstVisibleByte(text, range.begin, range.end);
    while (range.end > range.begin) {
        std::size_t start = range.end - 1;
        while (start > range.begin && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80)
            --start;
        std::size_t next = start;
        if (!detail::isWhitespace(detail::nextCodePoint(text, next)))
            break;
        range.end = start;
    }
    return range;
}

WordSegmentation resolve(std::string_view text, WordSegmentation requested) {
    if (requested != WordSegmentation::Auto)
        return requested;
    std::size_t i = 0;
    while (i < text.size())
        if (detail::needsDictionarySegmentation(detail::nextCodePoint(text, i)))
            return WordSegmentation::Dictionary;
    return WordSegmentation::Whitespace;
}

/// The words of the text outside typed special tokens, in order.
std::vector<Range> segmentText(std::string_view text, const Encoding& encoding,
                               WordSegmentation segmentation) {
    TokenizerConfig config;
    config.mode = segmentation == WordSegmentation::Dictionary ? TokenizerMode::Word
                                                               : TokenizerMode::Whitespace;
    config.keepPunctuation = true;
    config.maxTokens = 1'000'000;
    std::vector<Range> segments;
    const auto addRegion = [&](std::size_t begin, std::size_t end) {
        if (end <= begin)
            return;
        for (const Token& word : tokenize(text.substr(begin, end - begin), config))
            segments.push_back({begin + word.begin, begin + word.end});
    };
    std::size_t done = 0;
    for (const EncodedToken& token : encoding.tokens) {
        if (!isTypedSpecial(token) || token.begin < done)
            continue;
        addRegion(done, token.begin);
        done = token.end;
    }
    addRegion(done, text.size());
    return segments;
}

} // namespace

std::string_view toString(WordSegmentation value) {
    switch (value) {
    case WordSegmentation::Auto:
        return "auto";
    case WordSegmentation::Dictionary:
        return "dictionary";
    case WordSegmentation::Whitespace:
        return "whitespace";
    }
    return "auto";
}

const std::vector<WordSegmentation>& allWordSegmentations() {
    static const std::vector<WordSegmentation> all = {
        WordSegmentation::Auto, WordSegmentation::Dictionary, WordSegmentation::Whitespace};
    return all;
}

WordSegmentation parseWordSegmentation(std::string_view name) {
    for (const WordSegmentation value : allWordSegmentations())
        if (toString(value) == name)
            return value;
    throw InputError("unknown word segmentation '" + std::string(name) +
                     "' (choose auto, dictionary or whitespace)");
}

WordGrouping groupTokensIntoWords(std::string_view text, const Encoding& encoding,
                                  WordSegmentation segmentation) {
    detail::requireValidUtf8(text, "the text");
    WordGrouping grouping;
    grouping.segmentation = resolve(text, segmentation);
    const std::vector<Range> segments = segmentText(text, encoding, grouping.segmentation);
    const std::size_t count = encoding.tokens.size();
    grouping.wordOfToken.assign(count, -1);
    std::vector<int> wordOfSegment(segments.size(), -1);
    std::vector<Range> spans; // per word, before trimming

    const auto newWord = [&](bool special, Range span) {
        PieceWord word;
        word.special = special;
        grouping.words.push_back(std::move(word));
        spans.push_back(span);
        return static_cast<int>(grouping.words.size()) - 1;
    };

    // Specials and tokens with something visible first; whitespace-only tokens afterwards.
    for (std::size_t i = 0; i < count; ++i) {
        const EncodedToken& token = encoding.tokens[i];
        const std::size_t begin = std::min(token.begin, text.size());
        const std::size_t end = std::clamp(token.end, begin, text.size());
        if (token.special) {
            grouping.wordOfToken[i] = newWord(true, {begin, end});
            continue;
        }
        const std::size_t anchor = firstVisibleByte(text, begin, end);
        if (anchor == end || segments.empty())
            continue;
        // The last word that starts at or before the anchor.
        auto it = std::upper_bound(segments.begin(), segments.end(), anchor,
                                   [](std::size_t at, const Range& r) { return at < r.begin; });
        const std::size_t s =
            it == segments.begin() ? 0 : static_cast<std::size_t>(it - segments.begin()) - 1;
        if (wordOfSegment[s] < 0)
            wordOfSegment[s] = newWord(false, segments[s]);
        const int word = wordOfSegment[s];
        grouping.wordOfToken[i] = word;
        Range& span = spans[static_cast<std::size_t>(word)];
        span.begin = std::min(span.begin, begin);
        span.end = std::max(span.end, end);
    }
    // Whitespace-only tokens join the word of the token before (or after, at the start).
    int previous = -1;
    for (std::size_t i = 0; i < count; ++i) {
        const int word = grouping.wordOfToken[i];
        if (word >= 0) {
            if (!grouping.words[static_cast<std::size_t>(word)].special)
                previous = word;
            continue;
        }
        grouping.wordOfToken[i] = previous;
    }
    int following = -1;
    for (std::size_t i = count; i-- > 0;) {
        const int word = grouping.wordOfToken[i];
        if (word >= 0) {
            if (!grouping.words[static_cast<std::size_t>(word)].special)
                following = word;
            continue;
        }
        grouping.wordOfToken[i] = following >= 0 ? following : newWord(false, {0, 0});
        following = grouping.wordOfToken[i];
    }

    // Words in the order of their first tokens.
    std::vector<int> firstToken(grouping.words.size(), static_cast<int>(count));
    for (std::size_t i = count; i-- > 0;)
        firstToken[static_cast<std::size_t>(grouping.wordOfToken[i])] = static_cast<int>(i);
    std::vector<int> order(grouping.words.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
        return firstToken[static_cast<std::size_t>(a)] < firstToken[static_cast<std::size_t>(b)];
    });
    std::vector<int> renumbered(order.size());
    std::vector<PieceWord> words(order.size());
    for (std::size_t k = 0; k < order.size(); ++k)
        renumbered[static_cast<std::size_t>(order[k])] = static_cast<int>(k);
    for (std::size_t i = 0; i < count; ++i) {
        const int word = renumbered[static_cast<std::size_t>(grouping.wordOfToken[i])];
        grouping.wordOfToken[i] = word;
        words[static_cast<std::size_t>(word)].tokens.push_back(static_cast<int>(i));
    }
    for (std::size_t k = 0; k < order.size(); ++k) {
        const auto old = static_cast<std::size_t>(order[k]);
        PieceWord& word = words[k];
        word.special = grouping.words[old].special;
        const EncodedToken& first = encoding.tokens[static_cast<std::size_t>(word.tokens.front())];
        if (word.special && first.end <= first.begin) {
            word.text = first.piece;
            word.begin = word.end = first.begin;
            continue;
        }
        Range span = spans[old];
        if (!word.special && span.end <= span.begin) {
            // Only whitespace tokens and no word to join: the word is their text.
            span = {first.begin, encoding.tokens[static_cast<std::size_t>(word.tokens.back())].end};
        }
        const Range visible = trimmed(text, span);
        const Range used = visible.end > visible.begin ? visible : span;
        word.begin = used.begin;
        word.end = used.end;
        word.text = std::string(text.substr(used.begin, used.end - used.begin));
    }
    grouping.words = std::move(words);
    return grouping;
}

} // namespace attnlab::core::tokenizers
