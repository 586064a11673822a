#include "core/tokenizers/models.h"

#include "core/base/types.h"
#include "core/tokenizers/unicode_text.h"

#include <algorithm>
#include <array>
#include <functional>
#include <mutex>
#include <queue>
#include <unordered_map>

namespace attnlab::core::tokenizers::detail {
namespace {

/// Pieces seen before are not merged again: text repeats its words.
constexpr std::size_t kCacheEntries = 10'000;
constexpr std::size_t kCacheMaxPieceBytes = 256;

struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const {
        return static_cast<std::size_t>(hashBytes(text));
    }
};

/// A symbol of the word being merged, in a doubly linked list over a vector.
struct Symbol {
    int id = 0;
    int previous = -1;
    int next = -1;
    std::uint32_t begin = 0;
    std::uint32_t end = 0;
    bool alive = true;
};

/// A candidate merge of the symbol at `left` with its successor.
struct Candidate {
    int rank = 0;
    int left = 0;
    int mergedId = 0;
    bool operator>(const Candidate& other) const {
        // Lowest rank first; equal ranks from the left, as the reference implementations do.
        return rank != other.rank ? rank > other.rank : left > other.left;
    }
};

class BpeModel : public Model {
public:
    BpeModel(Vocabulary vocabulary, std::vector<std::pair<std::string, std::string>> merges,
             BpeOptions options, const std::string& where)
        : m_vocabulary(std::move(vocabulary)), m_options(std::move(options)) {
        if (m_options.unknownToken) {
            m_unknownId = m_vocabulary.idOf(*m_options.unknownToken);
            if (m_unknownId < 0)
                throw InputError(where + ": the unknown token '" + *m_options.unknownToken +
                                 "' is not in the vocabulary");
        }
        for (int byte = 0; byte < 256; ++byte)
            m_byteIds[static_cast<std::size_t>(byte)] =
                m_vocabulary.idOf(byteTokenName(static_cast<unsigned char>(byte)));
        m_merges.reserve(merges.size());
        const std::string& prefix = m_options.continuingSubwordPrefix;
        std::string merged;
        for (std::size_t rank = 0; rank < merges.size(); ++rank) {
            const std::string& left = merges[rank].first;
            const std::string& right = merges[rank].second;
            const int leftId = m_vocabulary.idOf(left);
            const int rightId = m_vocabulary.idOf(right);
            const auto missing = [&](const std::string& piece) {
                return InputError((where + " ")
                                      .append(std::to_string(rank + 1))
                                      .append(" ('")
                                      .append(left)
                                      .append("' + '")
                                      .append(right)
                                      .append("'): '")
                                      .append(piece)
                                      .append("' is not in the vocabulary"));
            };
            if (leftId < 0)
                throw missing(left);
            if (rightId < 0)
                throw missing(right);
            merged = left;
            const bool hasPrefix =
                !prefix.empty() && right.size() >= prefix.size() && right.starts_with(prefix);
            merged.append(right, hasPrefix ? prefix.size() : 0);
            const int mergedId = m_vocabulary.idOf(merged);
            if (mergedId < 0)
                throw missing(merged);
            m_merges.insert(leftId, rightId, {static_cast<int>(rank), mergedId});
        }
    }

    void tokenize(std::string_view piece, std::vector<ModelToken>& out) const override {
        if (piece.empty())
            return;
        if (m_options.ignoreMerges) {
            const int id = m_vocabulary.idOf(piece);
            if (id >= 0) {
                out.push_back({id, 0, static_cast<std::uint32_t>(piece.size())});
                return;
            }
        }
        const bool cacheable = piece.size() <= kCacheMaxPieceBytes;
        if (cacheable) {
            const std::lock_guard lock(m_cacheMutex);
            const auto it = m_cache.find(piece);
            if (it != m_cache.end()) {
                out.insert(out.end(), it->second.begin(), it->second.end());
                return;
            }
        }
        const std::size_t first = out.size();
        mergeWord(piece, out);
        if (cacheable) {
            const std::lock_guard lock(m_cacheMutex);
            if (m_cache.size() >= kCacheEntries)
                m_cache.clear();
            m_cache.emplace(std::string(piece),
                            std::vector<ModelToken>(
                                out.begin() + static_cast<std::ptrdiff_t>(first), out.end()));
        }
    }

    const Vocabulary& vocabulary() const override { return m_vocabulary; }
    int unknownId() const override { return m_unknownId; }
    std::string name() const override { return "BPE"; }

private:
    /// The initial symbols: one per character (with the subword prefix and word suffix where
    /// the model uses them), byte tokens or the unknown token for characters not in the
    /// vocabulary, as the model's options say.
    void initialSymbols(std::string_view word, std::vector<Symbol>& symbols) const {
        std::string key;
        int pendingUnknownBegin = -1;
        std::uint32_t pendingUnknownEnd = 0;
        const auto flushUnknown = [&] {
            if (pendingUnknownBegin >= 0)
                symbols.push_back({m_unknownId, -1, -1,
                                   static_cast<std::uint32_t>(pendingUnknownBegin),
                                   pendingUnknownEnd, true});
            pendingUnknownBegin = -1;
        };
        std::size_t i = 0;
        while (i < word.size()) {
            const auto begin = static_cast<std::uint32_t>(i);
            i = std::min(word.size(), i + utf8LengthFromLead(static_cast<unsigned char>(word[i])));
            const auto end = static_cast<std::uint32_t>(i);
            const std::string_view character = word.substr(begin, end - begin);
            int id = -1;
            if (m_options.continuingSubwordPrefix.empty() && m_options.endOfWordSuffix.empty()) {
                id = m_vocabulary.idOf(character);
            } else {
                key.clear();
                if (begin > 0)
                    key += m_options.continuingSubwordPrefix;
                key += character;
                if (end == word.size())
                    key += m_options.endOfWordSuffix;
                id = m_vocabulary.idOf(key);
            }
            if (id >= 0) {
                flushUnknown();
                symbols.push_back({id, -1, -1, begin, end, true});
                continue;
            }
            if (m_options.byteFallback) {
                bool allBytes = true;
                for (std::uint32_t b = begin; b < end; ++b)
                    allBytes = allBytes && m_byteIds[static_cast<unsigned char>(word[b])] >= 0;
                if (allBytes) {
                    flushUnknown();
                    for (std::uint32_t b = begin; b < end; ++b)
                        symbols.push_back({m_byteIds[static_cast<unsigned char>(word[b])], -1, -1,
                                           b, b + 1, true});
                    continue;
                }
            }
            if (m_unknownId < 0)
                continue; // no way to spell it: dropped, as the reference implementation does
            if (pendingUnknownBegin >= 0 && m_options.fuseUnknown) {
                pendingUnknownEnd = end;
                continue;
            }
            flushUnknown();
            pendingUnknownBegin = static_cast<int>(begin);
            pendingUnknownEnd = end;
        }
        flushUnknown();
        for (std::size_t k = 0; k < symbols.size(); ++k) {
            symbols[k].previous = static_cast<int>(k) - 1;
            symbols[k].next = k + 1 < symbols.size() ? static_cast<int>(k) + 1 : -1;
        }
    }

    void mergeWord(std::string_view word, std::vector<ModelToken>& out) const {
        std::vector<Symbol> symbols;
        symbols.reserve(word.size());
        initialSymbols(word, symbols);
        std::priority_queue<Candidate, std::vector<Candidate>, std::greater<>> queue;
        const auto consider = [&](int left) {
            if (left < 0)
                return;
            const int right = symbols[static_cast<std::size_t>(left)].next;
            if (right < 0)
                return;
            const MergeRule rule = m_merges.find(symbols[static_cast<std::size_t>(left)].id,
                                                 symbols[static_cast<std::size_t>(right)].id);
            if (rule.rank >= 0)
                queue.push({rule.rank, left, rule.mergedId});
        };
        for (std::size_t k = 0; k + 1 < symbols.size(); ++k)
            consider(static_cast<int>(k));
        while (!queue.empty()) {
            const Candidate top = queue.top();
            queue.pop();
            Symbol& left = symbols[static_cast<std::size_t>(top.left)];
            if (!left.alive || left.next < 0)
                continue;
            Symbol& right = symbols[static_cast<std::size_t>(left.next)];
            // Stale when either side has changed since the candidate was queued.
            if (m_merges.find(left.id, right.id).rank != top.rank)
                continue;
            left.id = top.mergedId;
            left.end = right.end;
            left.next = right.next;
            right.alive = false;
            if (right.next >= 0)
                symbols[static_cast<std::size_t>(right.next)].previous = top.left;
            consider(left.previous);
            consider(top.left);
        }
        for (const Symbol& symbol : symbols)
            if (symbol.alive)
                out.push_back({symbol.id, symbol.begin, symbol.end});
    }

    Vocabulary m_vocabulary;
    BpeOptions m_options;
    PairMap m_merges;
    int m_unknownId = -1;
    std::array<int, 256> m_byteIds{};
    mutable std::mutex m_cacheMutex;
    mutable std::unordered_map<std::string, std::vector<ModelToken>, StringHash, std::equal_to<>>
        m_cache;
};

} // namespace

std::unique_ptr<Model> makeBpeModel(Vocabulary vocabulary,
                                    std::vector<std::pair<std::string, std::string>> merges,
                                    BpeOptions options, const std::string& where) {
    return std::make_unique<BpeModel>(std::move(vocabulary), std::move(merges), std::move(options),
                                      where);
}

} // namespace attnlab::core::tokenizers::detail
