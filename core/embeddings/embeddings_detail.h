#pragma once
// Internal to the embeddings library: not installed, and no other library includes it. The
// lexicon, the table and the loaders live in files of their own; what more than one of them needs
// is declared here once, in its own namespace so that these short names can never collide with
// another library's helpers at link time.

#include "core/embeddings/embeddings.h"

#include <algorithm>
#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <vector>

namespace attnlab::core {

namespace embeddings_detail {

// ---- text helpers (the lexicon and the loaders) ----

inline std::string str(std::size_t value) {
    return std::to_string(value);
}

std::string asciiLower(std::string_view text);

std::string countOf(long long count, const std::string& noun);

// Inline because the text parser calls it for every byte of a file.
inline bool isFieldSeparator(char c) {
    return c == ' ' || c == '\t';
}

/// Splits on runs of spaces and tabs; leading and trailing separators give no empty fields.
std::vector<std::string_view> splitFields(std::string_view line);

std::string_view stripBom(std::string_view text);

/// Splits text into lines, dropping the '\n' and a '\r' before it.
std::vector<std::string_view> splitLines(std::string_view text);

bool isBlank(std::string_view line);

/// A non-negative decimal integer that fills the whole field.
bool parseCount(std::string_view field, long long& value);

enum class NumberStatus { Ok, NotANumber, NotFinite, TooLarge };

NumberStatus parseFloat(std::string_view field, float& value);

std::vector<std::string_view> splitOn(std::string_view text, char separator);

// ---- the table ----

constexpr std::size_t kMinSlots = 16;

inline double rowSumOfSquares(const float* row, int dimension) {
    double sum = 0.0;
    for (int k = 0; k < dimension; ++k)
        sum += static_cast<double>(row[k]) * static_cast<double>(row[k]);
    return sum;
}

/// Words that appear more than once, for the warning that names a few of them.
struct DuplicateWords {
    static constexpr std::size_t kShown = 5;
    std::size_t count = 0;
    std::vector<std::string> shown;

    void add(std::string_view word) {
        if (count++ < kShown)
            shown.emplace_back(word);
    }
};

} // namespace embeddings_detail

/// The loaders fill a table's storage directly instead of calling add() per word.
struct EmbeddingTableAccess {
    using FloatStore = std::vector<float, detail::DefaultInitAllocator<float>>;

    static FloatStore& data(EmbeddingTable& table) { return table.m_data; }

    /// Turns `rows` parsed rows (vectors already in data(), row r's word from wordOf(r), its
    /// Σ x² in rowSums[r]) into the table: words and the index in row order; a word seen before
    /// keeps its first vector and later rows move up over the duplicate.
    template <typename WordOf>
    static void finishRows(EmbeddingTable& table, std::size_t rows, std::size_t wordBytes,
                           WordOf&& wordOf, const std::vector<double>& rowSums,
                           embeddings_detail::DuplicateWords& duplicates) {
        const auto d = static_cast<std::size_t>(table.m_dimension);
        table.m_words.clear();
        table.m_wordEnds.clear();
        table.m_words.reserve(wordBytes);
        table.m_wordEnds.reserve(rows);
        table.m_slots.assign(std::max(embeddings_detail::kMinSlots, std::bit_ceil(2 * rows + 1)),
                             -1);
        double sum = 0.0;
        std::size_t kept = 0;
        float* data = table.m_data.data();
        for (std::size_t r = 0; r < rows; ++r) {
            const std::string_view word = wordOf(r);
            if (table.probe(word) >= 0) {
                duplicates.add(word);
                continue;
            }
            if (kept != r)
                std::memmove(data + kept * d, data + r * d, d * sizeof(float));
            table.m_words.append(word);
            table.m_wordEnds.push_back(table.m_words.size());
            table.insertSlot(static_cast<int>(kept));
            sum += rowSums[r];
            ++kept;
        }
        table.m_data.resize(kept * d);
        table.m_sumSquares = sum;
    }

    /// Installs storage read back from a cache. The index is taken as stored (it depends only on
    /// the words and the FNV-1a hash); false when it cannot be an index of these rows, so that a
    /// damaged cache can never make find() loop or read out of bounds.
    static bool adopt(EmbeddingTable& table, int dimension, FloatStore&& data, std::string&& words,
                      std::vector<std::uint64_t>&& wordEnds, std::vector<std::int32_t>&& slots,
                      double sumSquares);

    static const std::string& words(const EmbeddingTable& table) { return table.m_words; }
    static const std::vector<std::uint64_t>& wordEnds(const EmbeddingTable& table) {
        return table.m_wordEnds;
    }
    static const std::vector<std::int32_t>& slots(const EmbeddingTable& table) {
        return table.m_slots;
    }
    static double sumSquares(const EmbeddingTable& table) { return table.m_sumSquares; }
};

namespace embeddings_detail {

// ---- loaders: reading ----

constexpr std::size_t kDefaultBlockBytes = std::size_t{4} << 20;
/// A longer line is no embeddings line: 4096 numbers of 20 characters each are under 100 KB.
constexpr std::size_t kMaxLineBytes = std::size_t{16} << 20;

/// File content quoted in a message: at most 40 bytes; control bytes and bytes that are not
/// UTF-8 appear as \xNN, so a binary file cannot garble the message.
std::string shown(std::string_view text);

/// The bytes being parsed: text in memory, or an open file read with pread.
class ByteSource {
public:
    explicit ByteSource(std::string_view memory) : m_memory(memory), m_size(memory.size()) {}
    ByteSource(int fd, std::uint64_t size, const std::string& origin)
        : m_fd(fd), m_size(size), m_origin(&origin) {}

    std::uint64_t size() const { return m_size; }
    bool inMemory() const { return m_fd < 0; }
    std::string_view memory() const { return m_memory; }

    /// Copies min(n, size − offset) bytes at `offset` to `out`; returns that count.
    std::size_t read(std::uint64_t offset, char* out, std::size_t n) const;

private:
    std::string_view m_memory;
    int m_fd = -1;
    std::uint64_t m_size = 0;
    const std::string* m_origin = nullptr;
};

/// A window onto a ByteSource: bytes from a given offset, from memory directly or through a
/// buffer that keeps the unread rest of a line when it refills.
class Window {
public:
    explicit Window(const ByteSource& source) : m_source(source) {}

    /// At least min(want, size − from) bytes starting at `from` (more when already at hand).
    std::string_view at(std::uint64_t from, std::size_t want);

private:
    const ByteSource& m_source;
    std::vector<char> m_buffer;
    std::uint64_t m_start = 0;
    std::size_t m_length = 0;
};

enum class LineStatus { Line, End, TooLong };

/// The lines whose first byte lies in [begin, end). A line runs to its '\n' or the end of the
/// data, so the last one may reach past `end`; line() excludes the '\n' and one '\r' before it.
class LineReader {
public:
    LineReader(const ByteSource& source, std::uint64_t begin, std::uint64_t end,
               bool beginIsLineStart)
        : m_source(source), m_window(source), m_end(std::min(end, source.size())) {
        m_next = beginIsLineStart ? begin : firstLineStartAfter(begin);
    }

    LineStatus next();

    std::string_view line() const { return m_line; }
    std::uint64_t lineStart() const { return m_lineStart; }
    /// Where the line after the current one starts.
    std::uint64_t nextStart() const { return m_next; }

private:
    /// The first line start in [begin, end): one past a '\n' at begin − 1 … end − 2.
    std::uint64_t firstLineStartAfter(std::uint64_t begin);

    const ByteSource& m_source;
    Window m_window;
    std::uint64_t m_end;
    std::uint64_t m_next = 0;
    std::uint64_t m_lineStart = 0;
    std::string_view m_line;
};

/// Line content as parsed: without a UTF-8 byte-order mark at the very start of the data.
std::string_view content(std::string_view line, std::uint64_t lineStart);

std::size_t countFields(std::string_view line);

/// The first `n` fields of a line (fewer when it has fewer).
std::vector<std::string_view> firstFields(std::string_view line, std::size_t n);

// ---- loaders: progress and threads ----

/// Counts work from any thread; reports and asks for cancellation on the loading thread only.
class Progress {
public:
    Progress(const LoadProgressCallback& callback, std::int64_t total)
        : m_callback(callback), m_total(std::max<std::int64_t>(total, 1)) {}

    void add(std::int64_t amount) { m_done.fetch_add(amount, std::memory_order_relaxed); }
    /// Calls the callback; false when it asked to cancel.
    bool report() {
        if (!m_callback)
            return true;
        const std::int64_t done = std::min(m_done.load(std::memory_order_relaxed), m_total);
        m_reported = std::max(done, m_reported);
        return m_callback(m_reported, m_total);
    }
    /// Reports, throwing Cancelled when the callback says stop.
    void check() {
        if (!report())
            throw Cancelled();
    }
    /// Everything done: done = total.
    void finish() {
        m_done.store(m_total, std::memory_order_relaxed);
        check();
    }
    std::int64_t total() const { return m_total; }

private:
    const LoadProgressCallback& m_callback;
    std::int64_t m_total;
    std::atomic<std::int64_t> m_done{0};
    std::int64_t m_reported = 0;
};

int threadCount(const EmbeddingLoadOptions& options, std::size_t blocks);

/// Runs work(b) for blocks b = 0 … count − 1 on up to `threads` threads, the caller being one of
/// them. work returns true when its block ended in an error; later blocks are then skipped, as
/// only the first error in file order is reported. An exception thrown by work (a read error,
/// no memory) is rethrown here, the earliest block's first. Throws Cancelled when the progress
/// callback asks to stop; workers finish their current block first.
template <typename Work>
void forEachBlock(std::size_t count, int threads, Progress& progress, Work&& work) {
    std::atomic<std::size_t> next{0};
    std::atomic<std::size_t> firstFailed{count};
    std::atomic<bool> stop{false};
    std::vector<std::exception_ptr> errors(count);
    const auto loop = [&](bool caller) {
        while (!stop.load(std::memory_order_relaxed)) {
            const std::size_t block = next.fetch_add(1);
            if (block >= count || block > firstFailed.load())
                break;
            bool failed = false;
            try {
                failed = work(block);
            } catch (...) {
                errors[block] = std::current_exception();
                failed = true;
            }
            if (failed) {
                std::size_t current = firstFailed.load();
                while (block < current && !firstFailed.compare_exchange_weak(current, block)) {
                }
            }
            if (caller && !progress.report())
                stop = true;
        }
    };
    std::vector<std::thread> workers;
    for (int t = 1; t < threads; ++t) {
        try {
            workers.emplace_back(loop, false);
        } catch (const std::system_error&) {
            break; // no more threads: the ones running share the work
        }
    }
    try {
        loop(true);
    } catch (...) {
        stop = true; // the progress callback threw: let the workers stop, then pass it on
        for (std::thread& worker : workers)
            worker.join();
        throw;
    }
    for (std::thread& worker : workers)
        worker.join();
    if (stop.load())
        throw Cancelled();
    for (const std::exception_ptr& error : errors)
        if (error)
            std::rethrow_exception(error);
}

/// Allocation of a table that does not fit in memory becomes a FileError a user can read.
[[noreturn]] void outOfMemory(const std::string& origin, std::size_t rows, int dimension);

std::string duplicateWarning(const DuplicateWords& duplicates);

// ---- loaders: the formats ----

EmbeddingLoadResult parseText(const ByteSource& source, const std::string& origin,
                              const EmbeddingLoadOptions& options);

EmbeddingLoadResult parseWord2VecBinary(const ByteSource& source, const std::string& origin,
                                        const EmbeddingLoadOptions& options);

// ---- loaders: the binary cache ----

/// What identifies the file a cache was made from.
struct SourceIdentity {
    std::string path; ///< absolute
    std::uint64_t size = 0;
    std::int64_t modified = 0;
};

/// The table in the cache at `cachePath` when it was made from exactly `source`; empty otherwise
/// (missing, another file's, stale, damaged: all mean "parse the file again").
std::optional<EmbeddingLoadResult> readCache(const std::string& cachePath,
                                             const SourceIdentity& source);

/// Writes the cache atomically (a temporary file renamed over the target); the problem, or
/// empty on success.
std::string writeCache(const std::string& cachePath, const SourceIdentity& source,
                       const EmbeddingLoadResult& loaded);

/// Where a cache may live: next to the file, then in the cache folder (named by a hash of the
/// file's absolute path, which the cache also records).
std::vector<std::string> cacheCandidates(const SourceIdentity& source,
                                         const EmbeddingLoadOptions& options);

} // namespace embeddings_detail

} // namespace attnlab::core
