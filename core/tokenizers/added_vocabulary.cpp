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
        return;
    }
    m_byContent.insert(token.content, static_cast<int>(m_tokens.size()));
    m_matchText.push_back(token.content);
    m_tokens.push_back(std::move(token));
}

void AddedVocabulary::setNormalizedContent(std::size_t index, std::string content) {
    m_matchText[index] = std::move(content);
}

void AddedVocabulary::buildMatcher() {
    for (Trie& trie : m_tries)
        trie = Trie{};
    for (std::size_t k = 0; k < m_tokens.size(); ++k) {
        const std::string& text = m_matchText[k];
        if (text.empty())
            continue;
        Trie& trie = m_tries[m_tokens[k].normalized ? 1 : 0];
        int& first = trie.root[static_cast<unsigned char>(text[0])];
        if (first == 0) {
            first = static_cast<int>(trie.nodes.size());
            trie.nodes.emplace_back();
        }
        int node = first;
        for (std::size_t i = 1; i < text.size(); ++i) {
            const auto byte = static_cast<unsigned char>(text[i]);
            int next = 0;
            for (const auto& [label, child] : trie.nodes[static_cast<std::size_t>(node)].children)
                if (label == byte)
                    next = child;
            if (next == 0) {
                next = static_cast<int>(trie.nodes.size());
                trie.nodes[static_cast<std::size_t>(node)].children.emplace_back(byte, next);
                trie.nodes.emplace_back();
            }
            node = next;
        }
        // Two tokens matched as the same text: the later one wins, as with equal contents.
        trie.nodes[static_cast<std::size_t>(node)].token = static_cast<int>(k);
    }
}

int AddedVocabulary::longestMatch(const Trie& trie, std::string_view text, std::size_t at,
                                  std::size_t& length) const {
    int node = trie.root[static_cast<unsigned char>(text[at])];
    int found = -1;
    std::size_t i = at + 1;
    while (node != 0) {
        const TrieNode& current = trie.nodes[static_cast<std::size_t>(node)];
        if (current.token >= 0) {
            found = current.token;
            length = i - at;
        }
        if (i == text.size())
            break;
        const auto byte = static_cast<unsigned char>(text[i]);
        int next = 0;
        for (const auto& [label, child] : current.children)
            if (label == byte)
                next = child;
        node = next;
        ++i;
    }
    return found;
}

std::vector<TextSegment> AddedVocabulary::split(std::string_view text,
                                                bool normalizedTokens) const {
    std::vector<TextSegment> segments;
    const Trie& trie = m_tries[normalizedTokens ? 1 : 0];
    if (trie.nodes.size() == 1) {
        if (!text.empty())
            segments.push_back({0, text.size(), -1});
        return segments;
    }
    std::size_t done = 0; // text before this is in segments
    std::size_t i = 0;
    while (i < text.size()) {
        std::size_t length = 0;
        const int found = longestMatch(trie, text, i, length);
        if (found < 0) {
            ++i;
            continue;
        }
        const AddedToken& token = m_tokens[static_cast<std::size_t>(found)];
        std::size_t begin = i;
        std::size_t end = i + length;
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
