#pragma once
// Token embeddings: the built-in bilingual teaching lexicon, hashed vectors for unknown tokens,
// and loaders for GloVe / word2vec / fastText files (attention-math.md, "Shapes and convention").

#include "types.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace attnlab::core {

/// A word → vector table of fixed dimension.
class EmbeddingTable {
public:
    EmbeddingTable() = default;
    explicit EmbeddingTable(int dimension) : m_dimension(dimension) {}

    int dimension() const { return m_dimension; }
    std::size_t size() const { return m_words.size(); }
    /// Adds a word; a word already present keeps its first vector and the call returns false.
    bool add(std::string word, const RowVector& vector);
    /// Row index of `word`: exact match first, then its lower-case form; -1 when absent.
    int find(std::string_view word) const;
    const std::string& word(int index) const { return m_words[static_cast<std::size_t>(index)]; }
    /// The vector of the word at `index` (a row of the stored matrix).
    RowVector vector(int index) const;
    /// Root mean square of all stored entries (scale for hashed vectors of unknown words).
    float rms() const;

private:
    int m_dimension = 0;
    std::vector<std::string> m_words;
    std::vector<float> m_data; ///< size() × dimension(), row-major
    std::unordered_map<std::string, int> m_index;
};

/// Vector for a token absent from every table: entries N(0, scale²) from a generator seeded with
/// the FNV-1a hash of the token's UTF-8 bytes, identical on every machine and build.
RowVector hashedVector(std::string_view token, int dimension, float scale = 1.0f);

/// The built-in bilingual lexicon (resources/lexicon/lexicon.tsv, compiled in) at `dimension`
/// entries per vector; dimension 2 … 4096. Words naming the same concept in English and Chinese
/// share one concept vector; related concepts are closer than unrelated ones. Entries have
/// roughly unit variance, as attention-math.md's √d_k argument assumes.
EmbeddingTable builtinLexicon(int dimension);

/// Loads GloVe / word2vec / fastText text (.txt, .vec; with or without the "count dim" header
/// line) or word2vec binary (.bin, chosen by extension). Throws FileError when the file cannot be
/// read and InputError naming the line and the problem when it is malformed (wrong number of
/// values, not a number, NaN/Inf, dimension mismatch, empty file).
EmbeddingTable loadEmbeddingsFile(const std::string& path);
/// Parsers behind loadEmbeddingsFile, on text already in memory (`origin` names it in messages).
EmbeddingTable parseEmbeddingsText(std::string_view text, const std::string& origin);
EmbeddingTable parseEmbeddingsWord2VecBinary(std::string_view bytes, const std::string& origin);

/// Looks each token up in `table`; tokens it lacks get hashedVector(token, dim, table.rms()).
/// `unknown[i]` is true for those. Returns the n × dim matrix X.
Matrix embedTokens(const std::vector<std::string>& tokens, const EmbeddingTable& table,
                   std::vector<bool>& unknown);

} // namespace attnlab::core
