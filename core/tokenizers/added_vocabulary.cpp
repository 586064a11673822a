#include "core/tokenizers/added_vocabulary.h"

#include "core/tokenizers/unicode_text.h"

#include <algorithm>

namespace attnlab::core::tokenizers::detail {
namespace {

bool endsWithWordCharacter(std::string_view text) {
    if (text.empty())
        return false;
    std::size_t start = text.size() - 1;
    while (start > 0 && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80)
        --start;
    return isWordCharacter(nextCodePoint(text, start));
}

bool startsWithWordCharacter(std::string_view text) {
    if (text.empty())
        return false;
    std::size_t i = 0;
    return isWordCharacter(nextCodePoint(text, i));
}

/// The start of the whitespace that ends text[0, end), at least `floor`.
std::size_t whitespaceBefore(std::string_view text, std::size_t end, std::size_t floor) {
    while (end > floor) {
        std::size_t start = end - 1;
        while (start > floor && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80)
            --start;
        std::size_t i = start;
        if (!isWhitespace(nextCodePoint(text, i)))
            break;
        end = start;
    }
    return end;
}

std::size_t whitespaceAfter(std::string_view text, std::size_t begin) {
    while (begin < text.size()) {
        std::size_t i = begin;
        if (!isWhitespace(nextCodePoint(text, i)))
            break;
        begin = i;
    }
    return begin;
}

} // namespace

void AddedVocabulary::add(AddedToken token) {
    const int existing = find(token.content);
    if (existing >= 0) {
        m_matchText[static_cast<std::size_t>(existing)] = token.content;
        m_tokens[static_cast<std::size_t>(existing)] = std::move(token);
    } else {
        m_matchText.push_back(token.content);
        m_tokens.push_back(std::move(token));
    }
    rebuildIndex();
}

void AddedVocabulary::setNormalizedContent(std::size_t index, std::string content) {
    m_matchText[index] = std::move(content);
    rebuildIndex();
}

int AddedVocabulary::find(std::string_view content) const {
    for (std::size_t k = 0; k < m_tokens.size(); ++k)
        if (m_tokens[k].content == content)
            return static_cast<int>(k);
    return -1;
}

int AddedVocabulary::findId(int id) const {
    for (std::size_t k = 0; k < m_tokens.size(); ++k)
        if (m_tokens[k].id == id)
            return static_cast<int>(k);
    return -1;
}

void AddedVocabulary::rebuildIndex() {
    for (auto& table : m_byFirstByte)
        for (auto& list : table)
            list.clear();
    for (std::size_t k = 0; k < m_tokens.size(); ++k) {
        const std::string& text = m_matchText[k];
        if (text.empty())
            continue;
        m_byFirstByte[m_tokens[k].normalized ? 1 : 0][static_cast<unsigned char>(text[0])]
            .push_back(static_cast<int>(k));
    }
    for (auto& table : m_byFirstByte)
        for (auto& list : table)
            std::stable_sort(list.begin(), list.end(), [&](int a, int b) {
                return m_matchText[static_cast<std::size_t>(a)].size() >
                       m_matchText[static_cast<std::size_t>(b)].size();
            });
}

std::vector<TextSegment> AddedVocabulary::split(std::string_view text,
                                                bool normalizedTokens) const {
    std::vector<TextSegment> segments;
    const auto& table = m_byFirstByte[normalizedTokens ? 1 : 0];
    std::size_t done = 0; // text before this is in segments
    std::size_t i = 0;
    while (i < text.size()) {
        const auto& candidates = table[static_cast<unsigned char>(text[i])];
        int found = -1;
        for (const int k : candidates) {
            const std::string& content = m_matchText[static_cast<std::size_t>(k)];
            if (text.compare(i, content.size(), content) == 0) {
                found = k;
                break;
            }
        }
        if (found < 0) {
            ++i;
            continue;
        }
        const AddedToken& token = m_tokens[static_cast<std::size_t>(found)];
        std::size_t begin = i;
        std::size_t end = i + m_matchText[static_cast<std::size_t>(found)].size();
        if (token.singleWord && (endsWithWordCharacter(text.substr(0, begin)) ||
                                 startsWithWordCharacter(text.substr(end)))) {
            i = end; // matches do not overlap, so the search goes on after this one
            continue;
        }
        if (token.lstrip)
            begin = whitespaceBefore(text, begin, done);
        if (token.rstrip)
            end = whitespaceAfter(text, end);
        if (begin > done)
            segments.push_back({done, begin, -1});
        segments.push_back({begin, end, found});
        done = end;
        i = end;
    }
    if (done < text.size())
        segments.push_back({done, text.size(), -1});
    return segments;
}

} // namespace attnlab::core::tokenizers::detail
