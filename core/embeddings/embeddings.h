#pragma once
// Token embeddings: the built-in bilingual teaching lexicon, hashed vectors for unknown tokens,
// and loaders for GloVe / word2vec / fastText files (attention-math.md, "Shapes and convention").

#include "core/base/types.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace attnlab::core {

struct EmbeddingTableAccess;

namespace detail {
/// std::allocator whose resize() leaves floats uninitialised, so that a loader fills a large
/// block once instead of zeroing it first.
template <typename T> class DefaultInitAllocator : public std::allocator<T> {
public:
    using value_type = T;
    template <typename U> struct rebind { using other = DefaultInitAllocator<U>; };
    DefaultInitAllocator() = default;
    template <typename U> DefaultInitAllocator(const DefaultInitAllocator<U>&) noexcept {}
    template <typename U> void construct(U* p) { ::new (static_cast<void*>(p)) U; }
    template <typename U, typename... Args> void construct(U* p, Args&&... args) {
        ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
    }
};
} // namespace detail

/// A word → vector table of fixed dimension. The vectors live in one contiguous row-major block
/// and the words in one byte buffer, so a 400 000-word file costs little more than its floats.
class EmbeddingTable {
public:
    EmbeddingTable() = default;
    explicit EmbeddingTable(int dimension) : m_dimension(dimension) {}

    int dimension() const { return m_dimension; }
    std::size_t size() const { return m_wordEnds.size(); }
    /// Adds a word; a word already present keeps its first vector and the call returns false.
    /// Throws InputError when the vector's length is not dimension().
    bool add(std::string_view word, const RowVector& vector);
    /// Row index of `word`: exact match first, then its lower-case form; -1 when absent.
    int find(std::string_view word) const;
    /// The word of row `index` (valid while the table lives).
    std::string_view word(int index) const;
    /// The vector of the word at `index` (a row of the stored matrix).
    RowVector vector(int index) const;
    /// All vectors, size() × dimension(), one row per word (valid while the table lives).
    Eigen::Map<const Matrix> matrix() const;
    /// Root mean square of all stored entries (scale for hashed vectors of unknown words);
    /// 1 for an empty or all-zero table. Kept up to date by add(), so the call is O(1).
    float rms() const;

private:
    friend struct EmbeddingTableAccess;

    int probe(std::string_view word) const;
    void insertSlot(int row);
    void rehash(std::size_t slotCount);

    int m_dimension = 0;
    std::vector<float, detail::DefaultInitAllocator<float>> m_data; ///< size() × dimension()
    std::string m_words;                   ///< every word's bytes, one after the other
    std::vector<std::uint64_t> m_wordEnds; ///< end of word i in m_words (start: end of i − 1)
    std::vector<std::int32_t> m_slots;     ///< open-addressing hash index: row or −1
    double m_sumSquares = 0.0;             ///< Σ over rows of the row's Σ x², for rms()
};

/// Vector for a token absent from every table: entries N(0, scale²) from a generator seeded with
/// the FNV-1a hash of the token's UTF-8 bytes, identical on every machine and build.
RowVector hashedVector(std::string_view token, int dimension, float scale = 1.0f);

/// The built-in bilingual lexicon (resources/lexicon/lexicon.tsv, compiled in) at `dimension`
/// entries per vector; dimension 2 … 4096. Words naming the same concept in English and Chinese
/// share one concept vector; related concepts are closer than unrelated ones. Entries have
/// roughly unit variance, as attention-math.md's √d_k argument assumes.
EmbeddingTable builtinLexicon(int dimension);

/// One line of the built-in lexicon: a concept, its categories and its word forms.
struct LexiconConcept {
    std::string name;                    ///< unique concept name (e.g. "love")
    std::vector<std::string> categories; ///< category names, in file order (weights left out)
    std::vector<std::string> english;    ///< English forms, base form first; may be empty
    std::vector<std::string> chinese;    ///< Chinese forms, most common first; may be empty
};

/// The concepts of the built-in lexicon in file order (for tasks that need words of both
/// languages, such as the trainer's toy translation).
std::vector<LexiconConcept> builtinLexiconConcepts();

/// Largest dimension an embeddings file may have (the largest d_model the core accepts).
inline constexpr int kMaxEmbeddingDimension = 4096;

/// Called with (done, total) as a load advances; return false to cancel (the loader then throws
/// Cancelled). Both count bytes of work: the text loader reads the file twice (a quick pass that
/// counts lines, then the parse), so done passes through the file's size once per pass, scaled
/// so that done grows monotonically to total. Always called on the loading thread.
using LoadProgressCallback = std::function<bool(std::int64_t done, std::int64_t total)>;

struct EmbeddingLoadOptions {
    /// Keep a binary copy of the parsed table (the cache) and reuse it while the file's size and
    /// modification time are unchanged; default false. The cache is written next to the file
    /// ("<file>.attnlab-cache") or, when that folder is not writable, in cacheDirectory.
    bool useCache = false;
    /// Folder for caches that cannot live next to their file; empty (default) =
    /// $XDG_CACHE_HOME/attention-lab, else $HOME/.cache/attention-lab.
    std::string cacheDirectory;
    /// Parser threads; 0 (default) = the machine's hardware threads, at most 8. Files smaller
    /// than one block are parsed on the calling thread only.
    int threads = 0;
    /// Bytes per unit of parallel work; 0 (default) = 4 MiB. Small values exist for tests.
    std::size_t blockBytes = 0;
    /// Progress and cancel; may be empty.
    LoadProgressCallback progress;
};

struct EmbeddingLoadResult {
    EmbeddingTable table;
    std::vector<std::string> warnings; ///< things the user should know (e.g. duplicate words)
    bool fromCache = false;            ///< the table came from the binary cache
    std::string cachePath;             ///< the cache read or written; empty when none
};

/// Loads GloVe / word2vec / fastText text (.txt, .vec; with or without the "count dim" header
/// line) or word2vec binary (.bin, chosen by extension). Throws FileError when the file cannot be
/// read (missing, a directory, a read error, not enough memory) and InputError naming the line
/// and the problem when it is malformed (wrong number of values, not a number, NaN/Inf,
/// dimension mismatch or above kMaxEmbeddingDimension, a header that disagrees with the file,
/// a binary file given as text, an empty file). A word that appears twice keeps its first vector.
EmbeddingTable loadEmbeddingsFile(const std::string& path);
/// The same with options (cache, threads, progress and cancel) and warnings; throws Cancelled
/// when options.progress returns false.
EmbeddingLoadResult loadEmbeddings(const std::string& path, const EmbeddingLoadOptions& options);

/// Parsers behind loadEmbeddingsFile, on text already in memory (`origin` names it in messages).
EmbeddingTable parseEmbeddingsText(std::string_view text, const std::string& origin);
EmbeddingTable parseEmbeddingsWord2VecBinary(std::string_view bytes, const std::string& origin);
/// The same with options (threads, block size, progress) and warnings; the cache is not used.
EmbeddingLoadResult parseEmbeddingsText(std::string_view text, const std::string& origin,
                                        const EmbeddingLoadOptions& options);
EmbeddingLoadResult parseEmbeddingsWord2VecBinary(std::string_view bytes, const std::string& origin,
                                                  const EmbeddingLoadOptions& options);

/// Looks each token up in `table`; tokens it lacks get hashedVector(token, dim, table.rms()).
/// `unknown[i]` is true for those. Returns the n × dim matrix X.
Matrix embedTokens(const std::vector<std::string>& tokens, const EmbeddingTable& table,
                   std::vector<bool>& unknown);

} // namespace attnlab::core
