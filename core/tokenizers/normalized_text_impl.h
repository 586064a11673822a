#pragma once
// Templates of normalized_text.h.

#include "core/tokenizers/normalized_text.h"
#include "core/tokenizers/unicode_text.h"

namespace attnlab::core::tokenizers::detail {

template <typename Map> void mapCharacters(NormalizedText& text, Map map) {
    std::string out;
    std::vector<Span> align;
    out.reserve(text.text.size());
    align.reserve(text.text.size());
    std::size_t i = 0;
    while (i < text.text.size()) {
        const std::size_t start = i;
        const char32_t c = nextCodePoint(text.text, i);
        const Span span{text.align[start].begin, text.align[i - 1].end};
        const std::size_t before = out.size();
        map(c, out);
        align.insert(align.end(), out.size() - before, span);
    }
    text.text = std::move(out);
    text.align = std::move(align);
}

template <typename Predicate>
std::vector<Match> matchCharacters(std::string_view text, Predicate predicate) {
    std::vector<Match> matches;
    std::size_t last = 0;
    std::size_t i = 0;
    while (i < text.size()) {
        const std::size_t start = i;
        const char32_t c = nextCodePoint(text, i);
        if (!predicate(c))
            continue;
        if (last < start)
            matches.push_back({last, start, false});
        matches.push_back({start, i, true});
        last = i;
    }
    if (last < text.size())
        matches.push_back({last, text.size(), false});
    return matches;
}

} // namespace attnlab::core::tokenizers::detail
