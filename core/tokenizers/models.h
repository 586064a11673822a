#pragma once
// Internal to the pretrained tokenizers: the models (tokenizer.json "model"), which turn one
// pre-tokenised piece into vocabulary ids: byte-pair encoding, WordPiece and word-level lookup.

#include "core/tokenizers/string_maps.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace attnlab::core::tokenizers::detail {

/// One token of a piece: its id and its bytes [begin, end) in the piece.
struct ModelToken {
    int id = 0;
    std::uint32_t begin = 0;
    std::uint32_t end = 0;
};

/// The vocabulary of a model: ids ↔ pieces. Ids need not be contiguous.
class Vocabulary {
public:
    /// Adds the entries in order; throws InputError naming `where` for a negative or too large
    /// id. A piece listed twice keeps its last id (as the formats' reference code does).
    Vocabulary(std::vector<std::pair<std::string, long long>> entries, const std::string& where);
    int idOf(std::string_view piece) const { return m_ids.find(piece); }
    /// The piece of an id (empty when the id is not used).
    const std::string& pieceOf(int id) const;
    /// One past the largest id.
    int size() const { return static_cast<int>(m_pieces.size()); }

private:
    StringIdMap m_ids;
    std::vector<std::string> m_pieces;
};

class Model {
public:
    virtual ~Model() = default;
    /// Appends the tokens of one non-empty piece.
    virtual void tokenize(std::string_view piece, std::vector<ModelToken>& out) const = 0;
    virtual const Vocabulary& vocabulary() const = 0;
    /// The id of the unknown token, or -1 when the model has none.
    virtual int unknownId() const = 0;
    /// "BPE", "WordPiece", "WordLevel".
    virtual std::string name() const = 0;
};

struct BpeOptions {
    std::optional<std::string> unknownToken; ///< for characters the vocabulary lacks
    std::string continuingSubwordPrefix;     ///< put before every piece but the first of a word
    std::string endOfWordSuffix;             ///< put after the last piece of a word
    bool byteFallback = false;               ///< spell missing characters as <0xNN> byte tokens
    bool fuseUnknown = false;                ///< one unknown token for a run of unknown characters
    bool ignoreMerges = false; ///< a word that is in the vocabulary is one token, unmerged
};

/// Byte-pair encoding: split into characters, then apply the lowest-ranked merge until none
/// applies. `merges` are in rank order; `where` names them in errors (a merge whose pieces or
/// result are not in the vocabulary).
std::unique_ptr<Model> makeBpeModel(Vocabulary vocabulary,
                                    std::vector<std::pair<std::string, std::string>> merges,
                                    BpeOptions options, const std::string& where);

/// WordPiece: greedy longest match first; a word longer than `maxInputCharsPerWord` characters
/// or one that cannot be spelt becomes the unknown token.
std::unique_ptr<Model> makeWordPieceModel(Vocabulary vocabulary, const std::string& unknownToken,
                                          std::string continuingSubwordPrefix,
                                          int maxInputCharsPerWord, const std::string& where);

/// Word level: each piece is looked up whole.
std::unique_ptr<Model> makeWordLevelModel(Vocabulary vocabulary, const std::string& unknownToken,
                                          const std::string& where);

} // namespace attnlab::core::tokenizers::detail
