// The word2vec binary loader (see embeddings.h).

#include "core/embeddings/embeddings_detail.h"

#include <bit>
#include <cmath>
#include <cstdio>
#include <new>

namespace attnlab::core::embeddings_detail {

namespace {

/// word2vec binary words are phrases at most; a longer one means a damaged or foreign file.
constexpr std::size_t kMaxBinaryWordBytes = std::size_t{1} << 16;

/// Reads a ByteSource front to back.
class SequentialReader {
public:
    SequentialReader(const ByteSource& source, std::uint64_t position)
        : m_source(source), m_window(source), m_position(position) {}

    std::uint64_t position() const { return m_position; }
    std::uint64_t remaining() const { return m_source.size() - m_position; }
    /// The next byte, or −1 at the end.
    int peek() {
        const std::string_view bytes = m_window.at(m_position, 1);
        return bytes.empty() ? -1 : static_cast<unsigned char>(bytes[0]);
    }
    void skip(std::size_t n) { m_position += n; }
    /// Bytes up to (not including) `stop`, which is skipped; false when the data ends first or
    /// `stop` is not within maxBytes (then `tooLong` is set).
    bool readUntil(char stop, std::size_t maxBytes, std::string& out, bool& tooLong) {
        tooLong = false;
        const std::string_view bytes = m_window.at(m_position, maxBytes + 1);
        const std::size_t limit = std::min(bytes.size(), maxBytes + 1);
        // At the end the view is empty and its data() may be null, which memchr must not get.
        const void* found = limit > 0 ? std::memchr(bytes.data(), stop, limit) : nullptr;
        if (!found) {
            tooLong = limit > maxBytes;
            return false;
        }
        const auto length =
            static_cast<std::size_t>(static_cast<const char*>(found) - bytes.data());
        out.assign(bytes.data(), length);
        m_position += length + 1;
        return true;
    }
    /// Copies n bytes; false (copying nothing) when fewer remain.
    bool read(char* out, std::size_t n) {
        if (remaining() < n)
            return false;
        std::memcpy(out, m_window.at(m_position, n).data(), n);
        m_position += n;
        return true;
    }

private:
    const ByteSource& m_source;
    Window m_window;
    std::uint64_t m_position;
};

// A word whose first space was taken for its end leaves the reader out of step: it reads the
// rest of the word as numbers and the next word from inside the numbers. Both show. Text read as
// a float is absurd: a lower-case letter in the high byte gives at least 2^67, a space below
// 2^-61, and bytes shifted out of their float give any exponent, most often far outside what
// trained vectors hold. And a word read from inside the numbers soon contains a control byte,
// which word2vec's own tool never puts in a word.
constexpr float kMinPlausibleBinaryValue = 0x1p-60f; // about 8.7e-19
constexpr float kMaxPlausibleBinaryValue = 0x1p67f;  // about 1.5e20

bool plausibleBinaryValue(float value) {
    const float size = std::fabs(value);
    return value == 0.0f || (size >= kMinPlausibleBinaryValue && size < kMaxPlausibleBinaryValue);
}

std::size_t controlByte(std::string_view word) {
    for (std::size_t i = 0; i < word.size(); ++i) {
        const auto byte = static_cast<unsigned char>(word[i]);
        if (byte < 0x20 || byte == 0x7F)
            return i;
    }
    return std::string_view::npos;
}

std::string shortNumber(float value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.2g", static_cast<double>(value));
    return text;
}

[[noreturn]] void throwOutOfStep(const std::string& origin, const std::string& what) {
    throw InputError(origin + ": " + what +
                     ": the words and the numbers are out of step at or before this point (does a "
                     "word contain a space?); the file cannot be read as word2vec binary");
}

} // namespace

EmbeddingLoadResult parseWord2VecBinary(const ByteSource& source, const std::string& origin,
                                        const EmbeddingLoadOptions& options) {
    const std::uint64_t size = source.size();
    if (size == 0)
        throw InputError(origin + ": the file is empty");
    Progress progress(options.progress, static_cast<std::int64_t>(size));
    progress.check();

    std::string headerLine;
    {
        char head[256];
        const std::size_t n = source.read(0, head, sizeof head);
        const void* newline = std::memchr(head, '\n', n);
        if (!newline)
            throw InputError(origin +
                             ": the header line \"count dimension\" is missing its end of line; "
                             "this is not a word2vec binary file");
        headerLine.assign(head, static_cast<std::size_t>(static_cast<const char*>(newline) - head));
    }
    std::string_view header = headerLine;
    if (!header.empty() && header.back() == '\r')
        header.remove_suffix(1);
    const std::vector<std::string_view> fields = splitFields(header);
    long long count = 0;
    long long dim = 0;
    if (fields.size() != 2 || !parseCount(fields[0], count) || !parseCount(fields[1], dim))
        throw InputError(origin +
                         ": the first line should be \"count dimension\" (two whole "
                         "numbers), not '" +
                         shown(header) + "'; this is not a word2vec binary file");
    if (dim < 1 || dim > kMaxEmbeddingDimension)
        throw InputError(origin + ": the header gives the dimension as " + std::to_string(dim) +
                         "; it must be at least 1 and at most " +
                         std::to_string(kMaxEmbeddingDimension));
    if (count < 1)
        throw InputError(origin + ": the header says the file has no words");

    const auto dimension = static_cast<int>(dim);
    const std::size_t vectorBytes = static_cast<std::size_t>(dimension) * 4;
    SequentialReader reader(source, headerLine.size() + 1);
    // Every entry needs at least one word byte, a space and the numbers.
    if (static_cast<unsigned long long>(count) > reader.remaining() / (vectorBytes + 2))
        throw InputError(origin + ": the header announces " + countOf(count, "word") + " of " +
                         countOf(dimension, "number") + ", but the file is too short for that (" +
                         std::to_string(size) + " bytes); it may be truncated");

    const auto rows = static_cast<std::size_t>(count);
    EmbeddingLoadResult result;
    result.table = EmbeddingTable(dimension);
    EmbeddingTableAccess::FloatStore& data = EmbeddingTableAccess::data(result.table);
    std::vector<double> rowSums;
    std::string words;
    std::vector<std::uint32_t> wordLengths;
    try {
        data.resize(rows * static_cast<std::size_t>(dimension));
        rowSums.resize(rows);
        wordLengths.reserve(rows);
    } catch (const std::bad_alloc&) {
        outOfMemory(origin, rows, dimension);
    }

    std::vector<char> raw(vectorBytes);
    std::string word;
    std::uint64_t reportedAt = 0;
    for (std::size_t w = 0; w < rows; ++w) {
        const auto entry = [&] {
            return "word " + std::to_string(w + 1) + " of " + std::to_string(count);
        };
        while (reader.peek() == '\n' || reader.peek() == '\r')
            reader.skip(1);
        const std::uint64_t wordStart = reader.position();
        bool tooLong = false;
        if (!reader.readUntil(' ', kMaxBinaryWordBytes, word, tooLong)) {
            if (tooLong)
                throw InputError(origin + ": " + entry() + " is longer than " +
                                 std::to_string(kMaxBinaryWordBytes) +
                                 " bytes; the file is damaged or not a word2vec binary file");
            throw InputError(origin + ": " + entry() +
                             " is cut off before its numbers; the file is truncated");
        }
        if (word.empty())
            throw InputError(origin + ": " + entry() + " is empty");
        if (const std::size_t bad = controlByte(word); bad != std::string::npos)
            throwOutOfStep(origin, entry() + " (at byte " + std::to_string(wordStart) +
                                       ") contains the control byte " + shown(word.substr(bad, 1)));
        if (!reader.read(raw.data(), vectorBytes))
            throw InputError(origin + ": the vector of " + entry() + " ('" + shown(word) +
                             "') is cut off; the file is truncated");
        float* out = data.data() + w * static_cast<std::size_t>(dimension);
        for (int k = 0; k < dimension; ++k) {
            std::uint32_t bits = 0;
            std::memcpy(&bits, raw.data() + static_cast<std::size_t>(k) * 4, 4);
            if constexpr (std::endian::native == std::endian::big)
                bits = ((bits & 0xFFu) << 24) | ((bits & 0xFF00u) << 8) | ((bits >> 8) & 0xFF00u) |
                       (bits >> 24);
            const float value = std::bit_cast<float>(bits);
            if (!std::isfinite(value))
                throw InputError(origin + ": " + entry() + " ('" + shown(word) + "'): value " +
                                 std::to_string(k + 1) + " is NaN/infinite");
            if (!plausibleBinaryValue(value))
                throwOutOfStep(origin, entry() + " ('" + shown(word) + "', at byte " +
                                           std::to_string(wordStart) + "): value " +
                                           std::to_string(k + 1) + " is " + shortNumber(value) +
                                           ", which no word vector holds");
            out[k] = value;
        }
        rowSums[w] = rowSumOfSquares(out, dimension);
        words += word;
        wordLengths.push_back(static_cast<std::uint32_t>(word.size()));
        if (reader.position() - reportedAt >= kDefaultBlockBytes) {
            reportedAt = reader.position();
            progress.add(static_cast<std::int64_t>(kDefaultBlockBytes));
            progress.check();
        }
    }
    while (reader.peek() == '\n' || reader.peek() == '\r' || reader.peek() == ' ')
        reader.skip(1);
    if (reader.remaining() != 0)
        throw InputError(origin + ": the file continues after the " + countOf(count, "word") +
                         " its header announces (" + std::to_string(reader.remaining()) +
                         " bytes left); the header count is wrong");

    std::size_t offset = 0;
    std::size_t index = 0;
    DuplicateWords duplicates;
    EmbeddingTableAccess::finishRows(
        result.table, rows, words.size(),
        [&](std::size_t) {
            const std::string_view view =
                std::string_view(words).substr(offset, wordLengths[index]);
            offset += wordLengths[index++];
            return view;
        },
        rowSums, duplicates);
    if (duplicates.count > 0)
        result.warnings.push_back(origin + ": " + duplicateWarning(duplicates));
    progress.finish();
    return result;
}

} // namespace attnlab::core::embeddings_detail
