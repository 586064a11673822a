#include "core/tokenizers/models.h"

#include "core/base/types.h"
#include "core/tokenizers/unicode_text.h"

#include <algorithm>

namespace attnlab::core::tokenizers::detail {
namespace {

/// Ids are indices of the model's embedding matrix; a file with an id far beyond its number of
/// pieces is broken (and would make us allocate for nothing).
constexpr long long kMaxId = (1LL << 22) - 1;

class WordPieceModel : public Model {
public:
    WordPieceModel(Vocabulary vocabulary, const std::string& unknownToken, std::string prefix,
                   int maxInputCharsPerWord, const std::string& where)
        : m_vocabulary(std::move(vocabulary)), m_prefix(std::move(prefix)),
          m_maxInputCharsPerWord(static_cast<std::size_t>(std::max(maxInputCharsPerWord, 0))) {
        m_unknownId = m_vocabulary.idOf(unknownToken);
        if (m_unknownId < 0)
            throw InputError(where + ": the unknown token '" + unknownToken +
                             "' is not in the vocabulary");
    }

    void tokenize(std::string_view piece, std::vector<ModelToken>& out) const override {
        const auto whole = ModelToken{m_unknownId, 0, static_cast<std::uint32_t>(piece.size())};
        if (countCodePoints(piece) > m_maxInputCharsPerWord) {
            out.push_back(whole);
            return;
        }
        const std::size_t first = out.size();
        std::string key;
        std::size_t start = 0;
        while (start < piece.size()) {
            std::size_t end = piece.size();
            int found = -1;
            while (end > start) {
                key.clear();
                if (start > 0)
                    key += m_prefix;
                key.append(piece.substr(start, end - start));
                found = m_vocabulary.idOf(key);
                if (found >= 0)
                    break;
                // Drop the last character.
                --end;
                while (end > start && (static_cast<unsigned char>(piece[end]) & 0xC0) == 0x80)
                    --end;
            }
            if (found < 0) {
                // One unknown token for the whole word, as BERT does.
                out.resize(first);
                out.push_back(whole);
                return;
            }
            out.push_back(
                {found, static_cast<std::uint32_t>(start), static_cast<std::uint32_t>(end)});
            start = end;
        }
    }

    const Vocabulary& vocabulary() const override { return m_vocabulary; }
    int unknownId() const override { return m_unknownId; }
    std::string name() const override { return "WordPiece"; }

private:
    Vocabulary m_vocabulary;
    std::string m_prefix;
    std::size_t m_maxInputCharsPerWord;
    int m_unknownId = -1;
};

class WordLevelModel : public Model {
public:
    WordLevelModel(Vocabulary vocabulary, const std::string& unknownToken, const std::string& where)
        : m_vocabulary(std::move(vocabulary)) {
        m_unknownId = m_vocabulary.idOf(unknownToken);
        if (m_unknownId < 0)
            throw InputError(where + ": the unknown token '" + unknownToken +
                             "' is not in the vocabulary");
    }

    void tokenize(std::string_view piece, std::vector<ModelToken>& out) const override {
        const int id = m_vocabulary.idOf(piece);
        out.push_back({id >= 0 ? id : m_unknownId, 0, static_cast<std::uint32_t>(piece.size())});
    }

    const Vocabulary& vocabulary() const override { return m_vocabulary; }
    int unknownId() const override { return m_unknownId; }
    std::string name() const override { return "WordLevel"; }

private:
    Vocabulary m_vocabulary;
    int m_unknownId = -1;
};

} // namespace

Vocabulary::Vocabulary(std::vector<std::pair<std::string, long long>> entries,
                       const std::string& where) {
    long long largest = -1;
    for (const auto& [piece, id] : entries) {
        if (id < 0 || id > kMaxId)
            throw InputError((where + ": the id of '")
                                 .append(piece)
                                 .append("' is ")
                                 .append(std::to_string(id))
                                 .append("; ids must be from 0 to ")
                                 .append(std::to_string(kMaxId)));
        largest = std::max(largest, id);
    }
    if (largest >= static_cast<long long>(entries.size()) * 16 + 65536)
        throw InputError(where + ": the ids go up to " + std::to_string(largest) + " for only " +
                         std::to_string(entries.size()) + " pieces");
    m_pieces.resize(static_cast<std::size_t>(largest + 1));
    m_ids.reserve(entries.size());
    // Plain pairs rather than a structured binding: the pieces are moved out of `entries`.
    for (std::pair<std::string, long long>& entry : entries) {
        m_ids.insert(entry.first, static_cast<int>(entry.second));
        m_pieces[static_cast<std::size_t>(entry.second)] = std::move(entry.first);
    }
}

const std::string& Vocabulary::pieceOf(int id) const {
    static const std::string kNone;
    if (id < 0 || id >= size())
        return kNone;
    return m_pieces[static_cast<std::size_t>(id)];
}

std::unique_ptr<Model> makeWordPieceModel(Vocabulary vocabulary, const std::string& unknownToken,
                                          std::string continuingSubwordPrefix,
                                          int maxInputCharsPerWord, const std::string& where) {
    return std::make_unique<WordPieceModel>(std::move(vocabulary), unknownToken,
                                            std::move(continuingSubwordPrefix),
                                            maxInputCharsPerWord, where);
}

std::unique_ptr<Model> makeWordLevelModel(Vocabulary vocabulary, const std::string& unknownToken,
                                          const std::string& where) {
    return std::make_unique<WordLevelModel>(std::move(vocabulary), unknownToken, where);
}

} // namespace attnlab::core::tokenizers::detail
