#include "core/tokenizers/normalized_text.h"

#include <algorithm>
#include <cassert>

namespace attnlab::core::tokenizers::detail {

NormalizedText makeNormalized(std::string_view original, std::size_t begin, std::size_t end) {
    assert(begin <= end && end <= original.size());
    NormalizedText out;
    out.text.assign(original.substr(begin, end - begin));
    out.align.resize(out.text.size());
    out.original = {begin, end};
    std::size_t i = 0;
    while (i < out.text.size()) {
        const std::size_t length = std::min(
            utf8LengthFromLead(static_cast<unsigned char>(out.text[i])), out.text.size() - i);
        const Span span{begin + i, begin + i + length};
        std::fill_n(out.align.begin() + static_cast<std::ptrdiff_t>(i), length, span);
        i += length;
    }
    return out;
}

Span originalSpan(const NormalizedText& text, std::size_t begin, std::size_t end) {
    assert(begin <= end && end <= text.text.size());
    if (begin == end) {
        const std::size_t at = begin < text.align.size() ? text.align[begin].begin
                               : begin > 0               ? text.align[begin - 1].end
                                                         : text.original.begin;
        return {at, at};
    }
    // Alignments are monotonic for every transformation we apply; min/max keep the span whole
    // should a normaliser ever reorder (canonical reordering of combining marks does, inside one
    // normalisation segment that shares one alignment).
    Span span{text.align[begin].begin, text.align[end - 1].end};
    for (std::size_t i = begin; i < end; ++i) {
        span.begin = std::min(span.begin, text.align[i].begin);
        span.end = std::max(span.end, text.align[i].end);
    }
    return span;
}

NormalizedText slice(const NormalizedText& text, std::size_t begin, std::size_t end) {
    NormalizedText out;
    out.text.assign(text.text, begin, end - begin);
    out.align.assign(text.align.begin() + static_cast<std::ptrdiff_t>(begin),
                     text.align.begin() + static_cast<std::ptrdiff_t>(end));
    out.original = originalSpan(text, begin, end);
    return out;
}

void prepend(NormalizedText& text, std::string_view prefix) {
    if (text.text.empty() || prefix.empty())
        return;
    const std::size_t length =
        std::min(utf8LengthFromLead(static_cast<unsigned char>(text.text[0])), text.text.size());
    const Span first{text.align[0].begin, text.align[length - 1].end};
    text.text.insert(0, prefix);
    text.align.insert(text.align.begin(), prefix.size(), first);
}

void replaceRanges(NormalizedText& text, const std::vector<Match>& ranges,
                   std::string_view content) {
    if (ranges.empty())
        return;
    std::string out;
    std::vector<Span> align;
    out.reserve(text.text.size());
    align.reserve(text.text.size());
    std::size_t last = 0;
    for (const Match& range : ranges) {
        assert(range.begin >= last && range.end >= range.begin);
        out.append(text.text, last, range.begin - last);
        align.insert(align.end(), text.align.begin() + static_cast<std::ptrdiff_t>(last),
                     text.align.begin() + static_cast<std::ptrdiff_t>(range.begin));
        const Span span = originalSpan(text, range.begin, range.end);
        out.append(content);
        align.insert(align.end(), content.size(), span);
        last = range.end;
    }
    out.append(text.text, last, std::string::npos);
    align.insert(align.end(), text.align.begin() + static_cast<std::ptrdiff_t>(last),
                 text.align.end());
    text.text = std::move(out);
    text.align = std::move(align);
}

void splitText(const NormalizedText& text, const std::vector<Match>& matches,
               SplitBehavior behavior, std::vector<NormalizedText>& out) {
    // Ranges to keep, built from the matches the way each behaviour asks.
    std::vector<Match> parts;
    parts.reserve(matches.size());
    switch (behavior) {
    case SplitBehavior::Removed:
        for (const Match& m : matches)
            if (!m.isMatch)
                parts.push_back(m);
        break;
    case SplitBehavior::Isolated:
        parts = matches;
        break;
    case SplitBehavior::Contiguous: {
        bool previousMatch = false;
        for (const Match& m : matches) {
            if (!parts.empty() && m.isMatch == previousMatch)
                parts.back().end = m.end;
            else
                parts.push_back(m);
            previousMatch = m.isMatch;
        }
        break;
    }
    case SplitBehavior::MergedWithPrevious: {
        bool previousMatch = false;
        for (const Match& m : matches) {
            if (m.isMatch && !previousMatch && !parts.empty())
                parts.back().end = m.end;
            else
                parts.push_back(m);
            previousMatch = m.isMatch;
        }
        break;
    }
    case SplitBehavior::MergedWithNext: {
        bool previousMatch = false;
        for (auto it = matches.rbegin(); it != matches.rend(); ++it) {
            if (it->isMatch && !previousMatch && !parts.empty())
                parts.back().begin = it->begin;
            else
                parts.push_back(*it);
            previousMatch = it->isMatch;
        }
        std::reverse(parts.begin(), parts.end());
        break;
    }
    }
    for (const Match& part : parts)
        if (part.end > part.begin)
            out.push_back(slice(text, part.begin, part.end));
}

} // namespace attnlab::core::tokenizers::detail
