#include "core/embeddings/embeddings.h"

#include "core/base/file_io.h"
#include "core/base/random.h"

#include <algorithm>
#include <atomic>
#include <bit>
#include <cassert>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <limits>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <system_error>
#include <thread>
#include <utility>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

// Design notes:
//  - Lookup falls back to ASCII lower-casing only. The built-in lexicon stores English in lower
//    case and Chinese has no case, so this covers "The" → "the" without ICU; files with other
//    scripts usually carry their own case variants.
//  - The built-in lexicon is parsed from the embedded TSV on every call (no cached global
//    state). Parsing and generating all vectors at d = 64 takes about a millisecond; callers that
//    switch d_model often keep their own cache.
//  - Concept vectors (resources/lexicon/README.md): v = √s · Σ w_c g_c / √(Σ w_c²) + √(1−s) · u,
//    rescaled to |v| = √d, with s = kCategoryShare. g_c ~ N(0, I) is seeded by
//    fnv1a64("category:" + name), u ~ N(0, I) by fnv1a64("concept:" + concept). Entries then have
//    unit mean square, which is what attention-math.md's √d_k argument assumes; two concepts with
//    the same categories have cosine ≈ s, unrelated ones ≈ 0 ± 1/√d. Because each vector is drawn
//    entry by entry from one stream, the first k entries of a category's vector are the same at
//    every dimension ≥ k.
//  - Text files are parsed strictly: one word (any run of bytes without space or tab) followed by
//    the numbers. GloVe files whose words contain spaces therefore fail with a line number rather
//    than loading silently shifted vectors.
//  - Large text files (GloVe's 400 000 × 300 is 1 GB) are read twice in blocks of 4 MiB with
//    pread, never whole: the first pass counts the lines of each block, which gives every block
//    its first line number and first row, so the second pass can parse blocks on several threads
//    straight into the one float matrix. Peak memory is the floats plus a few buffers. The file
//    is not memory-mapped because a mapped file truncated by another program kills the reader
//    with SIGBUS.
//  - A block owns the lines that start inside it; its last line may run past its end. Every
//    error is recorded with its block and line, and the first one in file order is reported, so
//    messages are the same whatever the number of threads.
//  - rms() sums each row in double precision, then the row sums in row order, so it does not
//    depend on how the file was split into blocks.

namespace attnlab::core {

namespace detail {
extern const unsigned char kLexiconData[];
extern const std::size_t kLexiconSize;
} // namespace detail

namespace {

constexpr int kMinLexiconDimension = 2;
constexpr int kMaxLexiconDimension = 4096;
/// Share of a concept vector's variance that comes from its categories (cosine of two concepts
/// with identical categories).
constexpr double kCategoryShare = 0.6;

std::string str(std::size_t value) {
    return std::to_string(value);
}

std::string asciiLower(std::string_view text) {
    std::string lower(text);
    for (char& c : lower)
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    return lower;
}

std::string countOf(long long count, const std::string& noun) {
    return std::to_string(count) + " " + noun + (count == 1 ? "" : "s");
}

bool isFieldSeparator(char c) {
    return c == ' ' || c == '\t';
}

/// Splits on runs of spaces and tabs; leading and trailing separators give no empty fields.
std::vector<std::string_view> splitFields(std::string_view line) {
    std::vector<std::string_view> fields;
    std::size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && isFieldSeparator(line[i]))
            ++i;
        const std::size_t start = i;
        while (i < line.size() && !isFieldSeparator(line[i]))
            ++i;
        if (i > start)
            fields.push_back(line.substr(start, i - start));
    }
    return fields;
}

std::string_view stripBom(std::string_view text) {
    if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF")
        text.remove_prefix(3);
    return text;
}

/// Splits text into lines, dropping the '\n' and a '\r' before it.
std::vector<std::string_view> splitLines(std::string_view text) {
    std::vector<std::string_view> lines;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        const std::size_t next = end == std::string_view::npos ? text.size() : end + 1;
        if (end == std::string_view::npos)
            end = text.size();
        std::string_view line = text.substr(start, end - start);
        if (!line.empty() && line.back() == '\r')
            line.remove_suffix(1);
        lines.push_back(line);
        start = next;
    }
    return lines;
}

bool isBlank(std::string_view line) {
    return std::all_of(line.begin(), line.end(), [](char c) { return isFieldSeparator(c); });
}

/// A non-negative decimal integer that fills the whole field.
bool parseCount(std::string_view field, long long& value) {
    if (field.empty())
        return false;
    const auto [end, ec] = std::from_chars(field.data(), field.data() + field.size(), value);
    return ec == std::errc() && end == field.data() + field.size() && value >= 0;
}

enum class NumberStatus { Ok, NotANumber, NotFinite, TooLarge };

NumberStatus parseFloat(std::string_view field, float& value) {
    // from_chars rejects a leading '+', which some writers emit.
    if (field.size() > 1 && field[0] == '+' && field[1] != '-' && field[1] != '+')
        field.remove_prefix(1);
    const char* first = field.data();
    const char* last = field.data() + field.size();
    const auto [end, ec] = std::from_chars(first, last, value);
    if (end != last || field.empty())
        return NumberStatus::NotANumber;
    if (ec == std::errc::result_out_of_range) {
        // Underflow (1e-50) rounds to zero; overflow (1e50) does not fit a float.
        double wide = 0.0;
        const auto wideResult = std::from_chars(first, last, wide);
        if (wideResult.ec == std::errc() && std::isfinite(wide) &&
            std::abs(wide) < static_cast<double>(std::numeric_limits<float>::max())) {
            value = static_cast<float>(wide);
            return NumberStatus::Ok;
        }
        return NumberStatus::TooLarge;
    }
    if (ec != std::errc())
        return NumberStatus::NotANumber;
    return std::isfinite(value) ? NumberStatus::Ok : NumberStatus::NotFinite;
}

// ---- built-in lexicon ----

struct WeightedCategory {
    std::string name;
    double weight = 1.0;
};

struct Concept {
    std::string name;
    std::vector<WeightedCategory> categories;
    std::vector<std::string> forms; ///< English then Chinese
    std::size_t englishCount = 0;   ///< forms[0, englishCount) are English
};

[[noreturn]] void lexiconError(std::size_t line, const std::string& problem) {
    // The lexicon is compiled in, so a malformed line is a defect of the build, not user input.
    throw std::logic_error("built-in lexicon (resources/lexicon/lexicon.tsv), line " + str(line) +
                           ": " + problem);
}

std::vector<std::string_view> splitOn(std::string_view text, char separator) {
    std::vector<std::string_view> parts;
    if (text.empty())
        return parts;
    std::size_t start = 0;
    while (true) {
        const std::size_t end = text.find(separator, start);
        parts.push_back(text.substr(start, end == std::string_view::npos ? end : end - start));
        if (end == std::string_view::npos)
            return parts;
        start = end + 1;
    }
}

std::vector<Concept> parseLexicon(std::string_view text) {
    std::vector<Concept> concepts;
    const std::vector<std::string_view> lines = splitLines(stripBom(text));
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const std::string_view line = lines[i];
        const std::size_t lineNumber = i + 1;
        if (line.empty() || line.front() == '#' || isBlank(line))
            continue;
        const std::vector<std::string_view> fields = splitOn(line, '\t');
        if (fields.size() < 3 || fields.size() > 4)
            lexiconError(lineNumber,
                         "expected 4 tab-separated fields, found " + str(fields.size()));
        Concept entry;
        entry.name = std::string(fields[0]);
        if (entry.name.empty())
            lexiconError(lineNumber, "the concept name is empty");
        for (std::string_view item : splitOn(fields[1], ',')) {
            WeightedCategory category;
            const std::size_t star = item.find('*');
            category.name = std::string(item.substr(0, star));
            if (star != std::string_view::npos) {
                const std::string_view weight = item.substr(star + 1);
                const auto [end, ec] =
                    std::from_chars(weight.data(), weight.data() + weight.size(), category.weight);
                if (ec != std::errc() || end != weight.data() + weight.size() ||
                    !(category.weight > 0.0))
                    lexiconError(lineNumber, "bad category weight '" + std::string(item) + "'");
            }
            if (category.name.empty())
                lexiconError(lineNumber, "empty category name");
            entry.categories.push_back(std::move(category));
        }
        for (std::size_t f = 2; f < fields.size(); ++f) {
            for (std::string_view form : splitOn(fields[f], '|')) {
                if (form.empty())
                    lexiconError(lineNumber, "empty word form");
                entry.forms.emplace_back(form);
            }
            if (f == 2)
                entry.englishCount = entry.forms.size();
        }
        if (entry.forms.empty())
            lexiconError(lineNumber, "the concept '" + entry.name + "' has no words");
        concepts.push_back(std::move(entry));
    }
    return concepts;
}

std::vector<double> gaussian(std::string_view seedText, int dimension) {
    Random random(fnv1a64(seedText));
    std::vector<double> values(static_cast<std::size_t>(dimension));
    for (double& value : values)
        value = random.normal();
    return values;
}

/// "didn't" is also typed "didn’t" (U+2019), which ICU keeps as one token as well.
std::string typographicApostrophes(const std::string& form) {
    std::string result;
    for (char c : form) {
        if (c == '\'')
            result += "\xE2\x80\x99";
        else
            result += c;
    }
    return result;
}

} // namespace

// ---- EmbeddingTable ----

namespace {

constexpr std::size_t kMinSlots = 16;

std::uint64_t wordHash(std::string_view word) {
    return fnv1a64(word);
}

double rowSumOfSquares(const float* row, int dimension) {
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

} // namespace

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
                           DuplicateWords& duplicates) {
        const auto d = static_cast<std::size_t>(table.m_dimension);
        table.m_words.clear();
        table.m_wordEnds.clear();
        table.m_words.reserve(wordBytes);
        table.m_wordEnds.reserve(rows);
        table.m_slots.assign(std::max(kMinSlots, std::bit_ceil(2 * rows + 1)), -1);
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
                      double sumSquares) {
        const std::size_t rows = wordEnds.size();
        // Each row once and more slots than rows: a probe always meets an empty slot.
        if (!std::has_single_bit(slots.size()) || slots.size() <= rows)
            return false;
        std::vector<bool> seen(rows, false);
        for (std::int32_t row : slots) {
            if (row < -1 || row >= static_cast<std::int64_t>(rows))
                return false;
            if (row >= 0) {
                if (seen[static_cast<std::size_t>(row)])
                    return false;
                seen[static_cast<std::size_t>(row)] = true;
            }
        }
        if (std::find(seen.begin(), seen.end(), false) != seen.end())
            return false;
        table = EmbeddingTable(dimension);
        table.m_data = std::move(data);
        table.m_words = std::move(words);
        table.m_wordEnds = std::move(wordEnds);
        table.m_slots = std::move(slots);
        table.m_sumSquares = sumSquares;
        return true;
    }

    static const std::string& words(const EmbeddingTable& table) { return table.m_words; }
    static const std::vector<std::uint64_t>& wordEnds(const EmbeddingTable& table) {
        return table.m_wordEnds;
    }
    static const std::vector<std::int32_t>& slots(const EmbeddingTable& table) {
        return table.m_slots;
    }
    static double sumSquares(const EmbeddingTable& table) { return table.m_sumSquares; }
};

bool EmbeddingTable::add(std::string_view word, const RowVector& vector) {
    if (vector.size() != m_dimension)
        throw InputError("the vector for '" + std::string(word) + "' has " +
                         std::to_string(vector.size()) + " numbers but the table's dimension is " +
                         std::to_string(m_dimension));
    if (probe(word) >= 0)
        return false;
    if (size() >= static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max() - 1))
        throw InputError("an embedding table holds at most " +
                         std::to_string(std::numeric_limits<std::int32_t>::max() - 1) + " words");
    m_words.append(word);
    m_wordEnds.push_back(m_words.size());
    m_data.insert(m_data.end(), vector.data(), vector.data() + vector.size());
    m_sumSquares += rowSumOfSquares(vector.data(), m_dimension);
    const int row = static_cast<int>(size() - 1);
    if (2 * size() >= m_slots.size())
        rehash(std::max(kMinSlots, 2 * m_slots.size()));
    else
        insertSlot(row);
    return true;
}

int EmbeddingTable::probe(std::string_view word) const {
    if (m_slots.empty())
        return -1;
    const std::size_t mask = m_slots.size() - 1;
    for (std::size_t i = wordHash(word) & mask;; i = (i + 1) & mask) {
        const std::int32_t row = m_slots[i];
        if (row < 0)
            return -1;
        if (this->word(row) == word)
            return row;
    }
}

void EmbeddingTable::insertSlot(int row) {
    // The caller keeps the load factor at most 1/2, so an empty slot always exists.
    const std::size_t mask = m_slots.size() - 1;
    std::size_t i = wordHash(word(row)) & mask;
    while (m_slots[i] >= 0)
        i = (i + 1) & mask;
    m_slots[i] = row;
}

void EmbeddingTable::rehash(std::size_t slotCount) {
    assert(std::has_single_bit(slotCount) && slotCount > 2 * size());
    m_slots.assign(slotCount, -1);
    for (std::size_t r = 0; r < size(); ++r)
        insertSlot(static_cast<int>(r));
}

int EmbeddingTable::find(std::string_view word) const {
    if (const int row = probe(word); row >= 0)
        return row;
    if (std::none_of(word.begin(), word.end(), [](char c) { return c >= 'A' && c <= 'Z'; }))
        return -1;
    return probe(asciiLower(word));
}

std::string_view EmbeddingTable::word(int index) const {
    assert(index >= 0 && static_cast<std::size_t>(index) < size());
    const auto i = static_cast<std::size_t>(index);
    const std::size_t begin = i == 0 ? 0 : static_cast<std::size_t>(m_wordEnds[i - 1]);
    return std::string_view(m_words).substr(begin, static_cast<std::size_t>(m_wordEnds[i]) - begin);
}

RowVector EmbeddingTable::vector(int index) const {
    assert(index >= 0 && static_cast<std::size_t>(index) < size());
    const std::size_t offset =
        static_cast<std::size_t>(index) * static_cast<std::size_t>(m_dimension);
    return Eigen::Map<const RowVector>(m_data.data() + offset, m_dimension);
}

Eigen::Map<const Matrix> EmbeddingTable::matrix() const {
    return Eigen::Map<const Matrix>(m_data.data(), static_cast<Eigen::Index>(size()), m_dimension);
}

float EmbeddingTable::rms() const {
    // Empty (or all-zero) tables give 1, so unknown words still get distinct unit-scale vectors.
    if (m_data.empty())
        return 1.0f;
    const double result = std::sqrt(m_sumSquares / static_cast<double>(m_data.size()));
    return result > 0.0 && std::isfinite(result) ? static_cast<float>(result) : 1.0f;
}

// ---- hashed vectors and the built-in lexicon ----

RowVector hashedVector(std::string_view token, int dimension, float scale) {
    if (dimension < 1)
        throw InputError("the embedding dimension must be at least 1, not " +
                         std::to_string(dimension));
    Random random(fnv1a64(token));
    RowVector vector(dimension);
    for (int i = 0; i < dimension; ++i)
        vector[i] = static_cast<float>(random.normal() * static_cast<double>(scale));
    return vector;
}

std::vector<LexiconConcept> builtinLexiconConcepts() {
    const std::string_view text(reinterpret_cast<const char*>(detail::kLexiconData),
                                detail::kLexiconSize);
    std::vector<LexiconConcept> result;
    for (Concept& entry : parseLexicon(text)) {
        LexiconConcept item;
        item.name = std::move(entry.name);
        for (WeightedCategory& category : entry.categories)
            item.categories.push_back(std::move(category.name));
        const auto split = entry.forms.begin() + static_cast<std::ptrdiff_t>(entry.englishCount);
        item.english.assign(entry.forms.begin(), split);
        item.chinese.assign(split, entry.forms.end());
        result.push_back(std::move(item));
    }
    return result;
}

EmbeddingTable builtinLexicon(int dimension) {
    if (dimension < kMinLexiconDimension || dimension > kMaxLexiconDimension)
        throw InputError("the built-in lexicon's dimension must be between " +
                         std::to_string(kMinLexiconDimension) + " and " +
                         std::to_string(kMaxLexiconDimension) + ", not " +
                         std::to_string(dimension));

    const std::string_view text(reinterpret_cast<const char*>(detail::kLexiconData),
                                detail::kLexiconSize);
    const std::vector<Concept> concepts = parseLexicon(text);

    std::unordered_map<std::string, std::vector<double>> categoryVectors;
    const auto categoryVector = [&](const std::string& name) -> const std::vector<double>& {
        auto it = categoryVectors.find(name);
        if (it == categoryVectors.end())
            it = categoryVectors.emplace(name, gaussian("category:" + name, dimension)).first;
        return it->second;
    };

    const auto d = static_cast<std::size_t>(dimension);
    EmbeddingTable table(dimension);
    RowVector vector(dimension);
    for (const Concept& entry : concepts) {
        std::vector<double> mixed = gaussian("concept:" + entry.name, dimension);
        double ownScale = 1.0;
        if (!entry.categories.empty()) {
            double weightNorm = 0.0;
            for (const WeightedCategory& category : entry.categories)
                weightNorm += category.weight * category.weight;
            weightNorm = std::sqrt(weightNorm);
            ownScale = std::sqrt(1.0 - kCategoryShare);
            for (double& value : mixed)
                value *= ownScale;
            const double categoryScale = std::sqrt(kCategoryShare) / weightNorm;
            for (const WeightedCategory& category : entry.categories) {
                const std::vector<double>& g = categoryVector(category.name);
                for (std::size_t k = 0; k < d; ++k)
                    mixed[k] += categoryScale * category.weight * g[k];
            }
        }
        double norm = 0.0;
        for (double value : mixed)
            norm += value * value;
        norm = std::sqrt(norm);
        // A zero-norm draw is impossible with Box-Muller's open interval; guard anyway.
        const double rescale = norm > 0.0 ? std::sqrt(static_cast<double>(dimension)) / norm : 1.0;
        for (std::size_t k = 0; k < d; ++k)
            vector[static_cast<Eigen::Index>(k)] = static_cast<float>(mixed[k] * rescale);

        for (const std::string& form : entry.forms) {
            table.add(form, vector);
            if (form.find('\'') != std::string::npos)
                table.add(typographicApostrophes(form), vector);
        }
    }
    return table;
}

// ---- loaders: reading ----

namespace {

constexpr std::size_t kDefaultBlockBytes = std::size_t{4} << 20;
constexpr std::size_t kReadChunk = std::size_t{1} << 20;
/// A longer line is no embeddings line: 4096 numbers of 20 characters each are under 100 KB.
constexpr std::size_t kMaxLineBytes = std::size_t{16} << 20;
/// word2vec binary words are phrases at most; a longer one means a damaged or foreign file.
constexpr std::size_t kMaxBinaryWordBytes = std::size_t{1} << 16;
/// The first bytes of a text file are checked for NUL, the mark of a binary file.
constexpr std::size_t kBinarySniffBytes = std::size_t{1} << 16;
constexpr int kMaxThreads = 8;

std::string systemMessage(int error) {
    return std::error_code(error, std::generic_category()).message();
}

std::string megabytes(double bytes) {
    char text[32];
    std::snprintf(text, sizeof text, "%.0f MB", bytes / 1e6);
    return text;
}

/// File content quoted in a message: at most 40 bytes; control bytes and bytes that are not
/// UTF-8 appear as \xNN, so a binary file cannot garble the message.
std::string shown(std::string_view text) {
    constexpr std::size_t kLimit = 40;
    std::string out;
    std::size_t i = 0;
    const auto hex = [&](unsigned char byte) {
        constexpr char kDigits[] = "0123456789ABCDEF";
        out += "\\x";
        out += kDigits[byte >> 4];
        out += kDigits[byte & 0xF];
    };
    while (i < text.size() && i < kLimit) {
        const auto lead = static_cast<unsigned char>(text[i]);
        std::size_t length = 1;
        if (lead >= 0xC2 && lead <= 0xDF)
            length = 2;
        else if (lead >= 0xE0 && lead <= 0xEF)
            length = 3;
        else if (lead >= 0xF0 && lead <= 0xF4)
            length = 4;
        else if (lead >= 0x80)
            length = 0; // a continuation byte or an invalid lead
        bool valid = length > 0 && i + length <= text.size();
        for (std::size_t k = 1; valid && k < length; ++k)
            valid = (static_cast<unsigned char>(text[i + k]) & 0xC0) == 0x80;
        if (!valid || (length == 1 && (lead < 0x20 || lead == 0x7F))) {
            hex(lead);
            ++i;
            continue;
        }
        out.append(text.substr(i, length));
        i += length;
    }
    if (i < text.size())
        out += "…";
    return out;
}

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
    std::size_t read(std::uint64_t offset, char* out, std::size_t n) const {
        if (offset >= m_size)
            return 0;
        n = static_cast<std::size_t>(std::min<std::uint64_t>(n, m_size - offset));
        if (inMemory()) {
            std::memcpy(out, m_memory.data() + offset, n);
            return n;
        }
        std::size_t got = 0;
        while (got < n) {
            const ssize_t r = ::pread(m_fd, out + got, n - got, static_cast<off_t>(offset + got));
            if (r < 0 && errno == EINTR)
                continue;
            if (r < 0)
                throw FileError("cannot read '" + *m_origin + "': " + systemMessage(errno));
            if (r == 0)
                throw FileError("cannot read '" + *m_origin +
                                "': the file became shorter while it was being read");
            got += static_cast<std::size_t>(r);
        }
        return n;
    }

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
    std::string_view at(std::uint64_t from, std::size_t want) {
        const std::uint64_t size = m_source.size();
        if (from >= size)
            return {};
        const std::size_t available = static_cast<std::size_t>(size - from);
        want = std::min(want, available);
        if (m_source.inMemory())
            return m_source.memory().substr(static_cast<std::size_t>(from), available);
        if (from < m_start || from + want > m_start + m_length) {
            std::size_t keep = 0;
            if (from >= m_start && from < m_start + m_length) {
                keep = static_cast<std::size_t>(m_start + m_length - from);
                std::memmove(m_buffer.data(), m_buffer.data() + (from - m_start), keep);
            }
            const std::size_t capacity = std::max(want, kReadChunk);
            if (m_buffer.size() < capacity)
                m_buffer.resize(capacity);
            const std::size_t fill = std::min(m_buffer.size(), available);
            m_start = from;
            m_length = keep + m_source.read(from + keep, m_buffer.data() + keep, fill - keep);
        }
        return std::string_view(m_buffer.data() + (from - m_start),
                                static_cast<std::size_t>(m_start + m_length - from));
    }

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

    LineStatus next() {
        if (m_next >= m_end)
            return LineStatus::End;
        m_lineStart = m_next;
        std::size_t searched = 0;
        std::size_t want = 1; // whatever the buffer holds; more only when the line goes on
        while (true) {
            const std::string_view bytes = m_window.at(m_lineStart, want);
            const std::size_t limit = std::min(bytes.size(), kMaxLineBytes + 1);
            const void* newline = searched < limit
                                      ? std::memchr(bytes.data() + searched, '\n', limit - searched)
                                      : nullptr;
            if (newline) {
                const auto length =
                    static_cast<std::size_t>(static_cast<const char*>(newline) - bytes.data());
                if (length > kMaxLineBytes)
                    return LineStatus::TooLong;
                m_line = bytes.substr(0, length);
                m_next = m_lineStart + length + 1;
                break;
            }
            if (bytes.size() > kMaxLineBytes)
                return LineStatus::TooLong;
            if (m_lineStart + bytes.size() >= m_source.size()) {
                m_line = bytes; // the last line, without '\n'
                m_next = m_source.size();
                break;
            }
            searched = bytes.size();
            want = std::min(bytes.size() + kReadChunk, kMaxLineBytes + 1);
        }
        if (!m_line.empty() && m_line.back() == '\r')
            m_line.remove_suffix(1);
        return LineStatus::Line;
    }

    std::string_view line() const { return m_line; }
    std::uint64_t lineStart() const { return m_lineStart; }
    /// Where the line after the current one starts.
    std::uint64_t nextStart() const { return m_next; }

private:
    /// The first line start in [begin, end): one past a '\n' at begin − 1 … end − 2.
    std::uint64_t firstLineStartAfter(std::uint64_t begin) {
        if (begin == 0)
            return 0;
        std::uint64_t position = begin - 1;
        while (position + 1 < m_end) {
            const std::size_t span =
                static_cast<std::size_t>(std::min<std::uint64_t>(kReadChunk, m_end - 1 - position));
            const std::string_view bytes = m_window.at(position, span);
            const std::size_t limit = std::min(bytes.size(), span);
            if (limit == 0)
                break;
            if (const void* newline = std::memchr(bytes.data(), '\n', limit))
                return position +
                       static_cast<std::uint64_t>(static_cast<const char*>(newline) -
                                                  bytes.data()) +
                       1;
            position += limit;
        }
        return m_end;
    }

    const ByteSource& m_source;
    Window m_window;
    std::uint64_t m_end;
    std::uint64_t m_next = 0;
    std::uint64_t m_lineStart = 0;
    std::string_view m_line;
};

/// Line content as parsed: without a UTF-8 byte-order mark at the very start of the data.
std::string_view content(std::string_view line, std::uint64_t lineStart) {
    return lineStart == 0 ? stripBom(line) : line;
}

std::size_t countFields(std::string_view line) {
    std::size_t count = 0;
    bool inField = false;
    for (char c : line) {
        const bool separator = isFieldSeparator(c);
        if (!separator && !inField)
            ++count;
        inField = !separator;
    }
    return count;
}

/// The first `n` fields of a line (fewer when it has fewer).
std::vector<std::string_view> firstFields(std::string_view line, std::size_t n) {
    std::vector<std::string_view> fields;
    std::size_t i = 0;
    while (i < line.size() && fields.size() < n) {
        while (i < line.size() && isFieldSeparator(line[i]))
            ++i;
        const std::size_t start = i;
        while (i < line.size() && !isFieldSeparator(line[i]))
            ++i;
        if (i > start)
            fields.push_back(line.substr(start, i - start));
    }
    return fields;
}

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

int threadCount(const EmbeddingLoadOptions& options, std::size_t blocks) {
    int threads = options.threads;
    if (threads <= 0)
        threads = static_cast<int>(std::clamp(std::thread::hardware_concurrency(), 1u,
                                              static_cast<unsigned>(kMaxThreads)));
    threads = std::min(threads, kMaxThreads);
    return static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(threads), blocks));
}

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
[[noreturn]] void outOfMemory(const std::string& origin, std::size_t rows, int dimension) {
    throw FileError("cannot load '" + origin + "': " + std::to_string(rows) + " vectors of " +
                    std::to_string(dimension) + " numbers need " +
                    megabytes(static_cast<double>(rows) * dimension * sizeof(float)) +
                    " of memory, more than is available");
}

std::string duplicateWarning(const DuplicateWords& duplicates) {
    std::string text = countOf(static_cast<long long>(duplicates.count), "line") +
                       (duplicates.count == 1 ? " repeats" : " repeat") +
                       " a word seen earlier in the file; each word keeps its first vector (";
    for (std::size_t i = 0; i < duplicates.shown.size(); ++i)
        text += (i ? ", '" : "'") + shown(duplicates.shown[i]) + "'";
    return text + (duplicates.count > duplicates.shown.size() ? ", …)" : ")");
}

// ---- loaders: text ----

/// Where the word lines start and what the header (if any) says.
struct TextLayout {
    long long headerCount = -1; ///< −1 without a header
    int dimension = 0;
    std::uint64_t dataStart = 0;   ///< offset of the first line that may hold a word
    std::uint64_t linesBefore = 0; ///< lines before dataStart
};

/// Per block of the first pass.
struct BlockCount {
    std::uint64_t lines = 0;
    std::uint64_t rows = 0; ///< non-blank lines
    bool tooLong = false;   ///< the line after `lines` counted lines is too long
};

/// Per block of the second pass.
struct BlockParse {
    std::string words;
    std::vector<std::uint32_t> wordLengths;
    bool failed = false;
    std::uint64_t errorLine = 0; ///< index of the bad line within the block
    std::string problem;
};

std::string tooLongProblem() {
    return "the line is longer than " + std::to_string(kMaxLineBytes >> 20) +
           " MiB; this is not a text embeddings file";
}

[[noreturn]] void throwTextError(const std::string& origin, std::uint64_t line,
                                 const std::string& problem) {
    throw InputError(origin + ": line " + std::to_string(line) + ": " + problem);
}

TextLayout readTextLayout(const ByteSource& source, const std::string& origin) {
    {
        std::vector<char> head(kBinarySniffBytes);
        const std::size_t n = source.read(0, head.data(), head.size());
        if (const void* nul = std::memchr(head.data(), '\0', n))
            throw InputError(origin + ": this is a binary file, not text (byte " +
                             std::to_string(static_cast<const char*>(nul) - head.data() + 1) +
                             " is 0); text embeddings are lines of a word and its numbers, and "
                             "a word2vec binary file must be named *.bin");
    }
    LineReader reader(source, 0, source.size(), true);
    std::uint64_t lineNumber = 0;
    while (true) {
        const LineStatus status = reader.next();
        if (status == LineStatus::End)
            throw InputError(origin + ": the file is empty");
        ++lineNumber;
        if (status == LineStatus::TooLong)
            throwTextError(origin, lineNumber, tooLongProblem());
        const std::string_view line = content(reader.line(), reader.lineStart());
        if (isBlank(line))
            continue;

        TextLayout layout;
        const std::size_t fieldCount = countFields(line);
        const std::vector<std::string_view> fields = firstFields(line, 2);
        long long count = 0;
        long long dim = 0;
        // A first line of exactly two integers is the word2vec / fastText "count dim" header.
        if (fieldCount == 2 && parseCount(fields[0], count) && parseCount(fields[1], dim)) {
            if (dim < 1 || dim > kMaxEmbeddingDimension)
                throwTextError(origin, lineNumber,
                               "the header gives the dimension as " + shown(fields[1]) +
                                   "; it must be at least 1 and at most " +
                                   std::to_string(kMaxEmbeddingDimension));
            layout.headerCount = count;
            layout.dimension = static_cast<int>(dim);
            layout.dataStart = reader.nextStart();
            layout.linesBefore = lineNumber;
            return layout;
        }
        // GloVe: the first word line fixes the dimension.
        const std::size_t numbers = fieldCount - 1;
        if (numbers == 0)
            throwTextError(origin, lineNumber,
                           "expected numbers after the word '" + shown(fields[0]) +
                               "', found none");
        if (numbers > static_cast<std::size_t>(kMaxEmbeddingDimension))
            throwTextError(origin, lineNumber,
                           "the word '" + shown(fields[0]) + "' has " + str(numbers) +
                               " numbers; vectors may have at most " +
                               std::to_string(kMaxEmbeddingDimension));
        layout.dimension = static_cast<int>(numbers);
        return layout; // dataStart 0: the word lines include this one
    }
}

/// Parses one non-blank line into `out` (dimension floats); returns the problem, empty if none.
std::string parseTextLine(std::string_view line, int dimension, float* out,
                          std::string_view& word) {
    const char* p = line.data();
    const char* const end = p + line.size();
    while (p < end && isFieldSeparator(*p))
        ++p;
    const char* const wordBegin = p;
    while (p < end && !isFieldSeparator(*p))
        ++p;
    word = std::string_view(wordBegin, static_cast<std::size_t>(p - wordBegin));
    for (int k = 0; k < dimension; ++k) {
        while (p < end && isFieldSeparator(*p))
            ++p;
        const char* const field = p;
        while (p < end && !isFieldSeparator(*p))
            ++p;
        if (field == p)
            return "expected " + std::to_string(dimension) + " numbers, found " + std::to_string(k);
        const auto [stop, ec] = std::from_chars(field, p, out[k]);
        if (ec == std::errc() && stop == p && std::isfinite(out[k]))
            continue;
        // The slow path: '+' signs, underflow, and the messages.
        const std::string_view text(field, static_cast<std::size_t>(p - field));
        switch (parseFloat(text, out[k])) {
        case NumberStatus::Ok:
            continue;
        case NumberStatus::NotANumber:
            return "'" + shown(text) + "' is not a number";
        case NumberStatus::NotFinite:
            return "value " + std::to_string(k + 1) + " is NaN/infinite ('" + shown(text) + "')";
        case NumberStatus::TooLarge:
            return "value " + std::to_string(k + 1) + " ('" + shown(text) +
                   "') is too large for a 32-bit float";
        }
    }
    const std::size_t extra = countFields(std::string_view(p, static_cast<std::size_t>(end - p)));
    if (extra > 0)
        return "expected " + std::to_string(dimension) + " numbers, found " +
               str(static_cast<std::size_t>(dimension) + extra);
    return {};
}

EmbeddingLoadResult parseText(const ByteSource& source, const std::string& origin,
                              const EmbeddingLoadOptions& options) {
    const TextLayout layout = readTextLayout(source, origin);
    const int dimension = layout.dimension;
    const auto d = static_cast<std::size_t>(dimension);
    const std::uint64_t dataBytes = source.size() - layout.dataStart;
    const std::size_t blockBytes = options.blockBytes > 0 ? options.blockBytes : kDefaultBlockBytes;
    const std::size_t blocks = static_cast<std::size_t>((dataBytes + blockBytes - 1) / blockBytes);
    const int threads = threadCount(options, blocks);
    const auto blockBegin = [&](std::size_t b) { return layout.dataStart + b * blockBytes; };
    const auto blockEnd = [&](std::size_t b) {
        return std::min<std::uint64_t>(blockBegin(b) + blockBytes, source.size());
    };
    const auto reader = [&](std::size_t b) {
        return LineReader(source, blockBegin(b), blockEnd(b), b == 0);
    };
    Progress progress(options.progress, 2 * static_cast<std::int64_t>(source.size()));
    progress.check();
    progress.add(static_cast<std::int64_t>(layout.dataStart));

    // Pass 1: lines and rows per block.
    std::vector<BlockCount> counts(blocks);
    forEachBlock(blocks, threads, progress, [&](std::size_t b) {
        LineReader lines = reader(b);
        BlockCount& count = counts[b];
        while (true) {
            const LineStatus status = lines.next();
            if (status == LineStatus::End)
                break;
            if (status == LineStatus::TooLong) {
                count.tooLong = true;
                break;
            }
            ++count.lines;
            if (!isBlank(content(lines.line(), lines.lineStart())))
                ++count.rows;
        }
        progress.add(static_cast<std::int64_t>(blockEnd(b) - blockBegin(b)));
        return count.tooLong;
    });
    std::vector<std::uint64_t> firstLine(blocks + 1, layout.linesBefore);
    std::vector<std::uint64_t> firstRow(blocks + 1, 0);
    bool anyTooLong = false;
    for (std::size_t b = 0; b < blocks; ++b) {
        firstLine[b + 1] = firstLine[b] + counts[b].lines;
        firstRow[b + 1] = firstRow[b] + counts[b].rows;
        anyTooLong = anyTooLong || counts[b].tooLong;
    }
    const std::uint64_t rows = firstRow[blocks];
    progress.add(static_cast<std::int64_t>(source.size()) -
                 static_cast<std::int64_t>(dataBytes)); // the first pass is complete

    // A valid row needs a word, separators and numbers: at least 2·d + 1 bytes. When the rows
    // cannot all be valid, or a line is too long, a parse without storage finds the first bad
    // line, so a lying file never makes us allocate more than about twice its size.
    const bool cannotBeValid =
        anyTooLong ||
        rows > static_cast<std::uint64_t>(std::numeric_limits<std::int32_t>::max() - 1) ||
        rows > dataBytes / (2 * d + 1);

    std::vector<BlockParse> parses(blocks);
    EmbeddingLoadResult result;
    result.table = EmbeddingTable(dimension);
    EmbeddingTableAccess::FloatStore& data = EmbeddingTableAccess::data(result.table);
    std::vector<double> rowSums;
    if (!cannotBeValid) {
        try {
            data.resize(static_cast<std::size_t>(rows) * d);
            rowSums.resize(static_cast<std::size_t>(rows));
        } catch (const std::bad_alloc&) {
            outOfMemory(origin, static_cast<std::size_t>(rows), dimension);
        } catch (const std::length_error&) {
            outOfMemory(origin, static_cast<std::size_t>(rows), dimension);
        }
    }

    // Pass 2: parse each block into its rows.
    forEachBlock(blocks, threads, progress, [&](std::size_t b) {
        LineReader lines = reader(b);
        BlockParse& parse = parses[b];
        std::vector<float> scratch(cannotBeValid ? d : 0);
        std::size_t row = static_cast<std::size_t>(firstRow[b]);
        for (std::uint64_t index = 0;; ++index) {
            const LineStatus status = lines.next();
            if (status == LineStatus::End)
                break;
            if (status == LineStatus::TooLong) {
                parse.failed = true;
                parse.errorLine = index;
                parse.problem = tooLongProblem();
                break;
            }
            const std::string_view line = content(lines.line(), lines.lineStart());
            if (isBlank(line))
                continue;
            float* out = cannotBeValid ? scratch.data() : data.data() + row * d;
            std::string_view word;
            std::string problem = parseTextLine(line, dimension, out, word);
            if (!problem.empty()) {
                parse.failed = true;
                parse.errorLine = index;
                parse.problem = std::move(problem);
                break;
            }
            if (!cannotBeValid) {
                rowSums[row] = rowSumOfSquares(out, dimension);
                parse.words.append(word);
                parse.wordLengths.push_back(static_cast<std::uint32_t>(word.size()));
            }
            ++row;
        }
        progress.add(static_cast<std::int64_t>(blockEnd(b) - blockBegin(b)));
        return parse.failed;
    });
    for (std::size_t b = 0; b < blocks; ++b)
        if (parses[b].failed)
            throwTextError(origin, firstLine[b] + parses[b].errorLine + 1, parses[b].problem);
    if (cannotBeValid) // unreachable: a row too short for its numbers fails to parse
        throw InputError(origin + ": the file has more lines than its size allows for " +
                         std::to_string(dimension) + " numbers each");

    if (layout.headerCount >= 0 && static_cast<std::uint64_t>(layout.headerCount) != rows)
        throw InputError(origin + ": the header says " + countOf(layout.headerCount, "word") +
                         " but the file has " + std::to_string(rows));
    if (rows == 0)
        throw InputError(origin + ": the file has a header but no word vectors");

    // Words in row order: block by block.
    std::size_t wordBytes = 0;
    for (const BlockParse& parse : parses)
        wordBytes += parse.words.size();
    std::size_t block = 0;
    std::size_t within = 0;
    std::size_t offset = 0;
    DuplicateWords duplicates;
    EmbeddingTableAccess::finishRows(
        result.table, static_cast<std::size_t>(rows), wordBytes,
        [&](std::size_t) {
            while (within == parses[block].wordLengths.size()) {
                ++block;
                within = 0;
                offset = 0;
            }
            const std::size_t length = parses[block].wordLengths[within++];
            const std::string_view word =
                std::string_view(parses[block].words).substr(offset, length);
            offset += length;
            return word;
        },
        rowSums, duplicates);
    if (duplicates.count > 0)
        result.warnings.push_back(origin + ": " + duplicateWarning(duplicates));
    progress.finish();
    return result;
}

// ---- loaders: word2vec binary ----

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

// ---- loaders: the binary cache ----

constexpr char kCacheMagic[16] = {'A', 't', 't', 'n', 'L', 'a', 'b', ' ',
                                  'v', 'e', 'c', 't', 'o', 'r', 's', '\n'};
constexpr std::uint32_t kCacheVersion = 1;
constexpr std::uint32_t kCacheByteOrder = 0x01020304;
constexpr const char* kCacheSuffix = ".attnlab-cache";

/// The fixed start of a cache file. The sections follow: source path, warnings ('\n'-separated),
/// padding to 8, word ends (u64 per row), the hash index (i32 per slot), words, padding to 4,
/// floats (row-major). All numbers in the byte order of the machine that wrote it.
struct CacheHeader {
    char magic[16];
    std::uint32_t byteOrder;
    std::uint32_t version;
    std::uint64_t sourceSize;
    std::int64_t sourceModified; ///< ns since the epoch
    std::uint64_t rows;
    std::uint64_t dimension;
    std::uint64_t wordBytes;
    std::uint64_t pathBytes;
    std::uint64_t warningBytes;
    std::uint64_t slotCount;
    double sumSquares;
    std::uint64_t checksum; ///< FNV-1a of the bytes above
};
static_assert(sizeof(CacheHeader) == 104);

/// What identifies the file a cache was made from.
struct SourceIdentity {
    std::string path; ///< absolute
    std::uint64_t size = 0;
    std::int64_t modified = 0;
};

std::uint64_t headerChecksum(const CacheHeader& header) {
    return fnv1a64(
        std::string_view(reinterpret_cast<const char*>(&header), offsetof(CacheHeader, checksum)));
}

/// Byte layout of the sections after the header; false when the sizes cannot be right.
struct CacheLayout {
    std::uint64_t path, warnings, wordEnds, slots, words, data, total;
};

bool cacheLayout(const CacheHeader& h, CacheLayout& layout) {
    constexpr std::uint64_t kLimit = std::uint64_t{1} << 46; // no section is anywhere near
    if (h.rows == 0 ||
        h.rows > static_cast<std::uint64_t>(std::numeric_limits<std::int32_t>::max() - 1) ||
        h.dimension < 1 || h.dimension > static_cast<std::uint64_t>(kMaxEmbeddingDimension) ||
        h.wordBytes > kLimit || h.pathBytes > kLimit || h.warningBytes > kLimit ||
        h.slotCount > kLimit)
        return false;
    layout.path = sizeof(CacheHeader);
    layout.warnings = layout.path + h.pathBytes;
    layout.wordEnds = (layout.warnings + h.warningBytes + 7) / 8 * 8;
    layout.slots = layout.wordEnds + 8 * h.rows;
    layout.words = layout.slots + 4 * h.slotCount;
    layout.data = (layout.words + h.wordBytes + 3) / 4 * 4;
    layout.total = layout.data + 4 * h.rows * h.dimension;
    return true;
}

bool readAll(int fd, std::uint64_t offset, void* out, std::uint64_t n) {
    auto* bytes = static_cast<char*>(out);
    while (n > 0) {
        const ssize_t r =
            ::pread(fd, bytes, static_cast<std::size_t>(std::min<std::uint64_t>(n, 1u << 30)),
                    static_cast<off_t>(offset));
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return false;
        bytes += r;
        offset += static_cast<std::uint64_t>(r);
        n -= static_cast<std::uint64_t>(r);
    }
    return true;
}

/// True when no value is NaN or infinite (a test of the exponent bits that vectorises).
bool allFinite(const float* values, std::size_t n) {
    std::uint32_t bad = 0;
    for (std::size_t i = 0; i < n; ++i) {
        std::uint32_t bits = 0;
        std::memcpy(&bits, values + i, sizeof bits);
        bad |= static_cast<std::uint32_t>((bits & 0x7F800000u) == 0x7F800000u);
    }
    return bad == 0;
}

/// Reads n floats and checks them, in two halves on two threads: the copy out of the page cache
/// and the first touch of fresh memory are most of a cache reload.
bool readFloats(int fd, std::uint64_t offset, float* out, std::size_t n) {
    const std::size_t half = n / 2;
    bool secondOk = false;
    const auto second = [&] {
        secondOk = readAll(fd, offset + 4 * half, out + half, 4 * (n - half)) &&
                   allFinite(out + half, n - half);
    };
    std::thread helper;
    try {
        if (n >= (std::size_t{1} << 20))
            helper = std::thread(second);
    } catch (const std::system_error&) {
    }
    if (!helper.joinable())
        second();
    const bool firstOk = readAll(fd, offset, out, 4 * half) && allFinite(out, half);
    if (helper.joinable())
        helper.join();
    return firstOk && secondOk;
}

std::vector<std::string> splitWarnings(std::string_view text) {
    std::vector<std::string> warnings;
    for (std::string_view part : splitOn(text, '\n'))
        warnings.emplace_back(part);
    return warnings;
}

/// The table in the cache at `cachePath` when it was made from exactly `source`; empty otherwise
/// (missing, another file's, stale, damaged: all mean "parse the file again").
std::optional<EmbeddingLoadResult> readCache(const std::string& cachePath,
                                             const SourceIdentity& source) {
    // Opened like every input: a cache that is not a regular file (a FIFO) is passed over.
    const std::optional<InputFile> file = tryOpenInput(cachePath);
    if (!file)
        return std::nullopt;
    const int fd = file->descriptor();
    CacheHeader header{};
    CacheLayout layout{};
    if (!readAll(fd, 0, &header, sizeof header) ||
        std::memcmp(header.magic, kCacheMagic, sizeof kCacheMagic) != 0 ||
        header.byteOrder != kCacheByteOrder || header.version != kCacheVersion ||
        header.checksum != headerChecksum(header) || header.sourceSize != source.size ||
        header.sourceModified != source.modified || header.pathBytes != source.path.size() ||
        !cacheLayout(header, layout) || layout.total != file->size() ||
        !std::isfinite(header.sumSquares) || header.sumSquares < 0.0)
        return std::nullopt;
    try {
        std::string path(static_cast<std::size_t>(header.pathBytes), '\0');
        std::string warnings(static_cast<std::size_t>(header.warningBytes), '\0');
        std::vector<std::uint64_t> wordEnds(static_cast<std::size_t>(header.rows));
        std::vector<std::int32_t> slots(static_cast<std::size_t>(header.slotCount));
        std::string words(static_cast<std::size_t>(header.wordBytes), '\0');
        EmbeddingTableAccess::FloatStore data;
        data.resize(static_cast<std::size_t>(header.rows * header.dimension));
        if (!readAll(fd, layout.path, path.data(), path.size()) || path != source.path ||
            !readAll(fd, layout.warnings, warnings.data(), warnings.size()) ||
            !readAll(fd, layout.wordEnds, wordEnds.data(), 8 * wordEnds.size()) ||
            !readAll(fd, layout.slots, slots.data(), 4 * slots.size()) ||
            !readAll(fd, layout.words, words.data(), words.size()) ||
            !readFloats(fd, layout.data, data.data(), data.size()))
            return std::nullopt;
        std::uint64_t previous = 0;
        for (std::uint64_t end : wordEnds) {
            if (end <= previous || end > header.wordBytes)
                return std::nullopt;
            previous = end;
        }
        if (previous != header.wordBytes)
            return std::nullopt;
        EmbeddingLoadResult result;
        if (!EmbeddingTableAccess::adopt(result.table, static_cast<int>(header.dimension),
                                         std::move(data), std::move(words), std::move(wordEnds),
                                         std::move(slots), header.sumSquares))
            return std::nullopt;
        if (!warnings.empty())
            result.warnings = splitWarnings(warnings);
        result.fromCache = true;
        result.cachePath = cachePath;
        return result;
    } catch (const std::bad_alloc&) {
        return std::nullopt;
    }
}

/// Writes the cache atomically (a temporary file renamed over the target); the problem, or
/// empty on success.
std::string writeCache(const std::string& cachePath, const SourceIdentity& source,
                       const EmbeddingLoadResult& loaded) {
    const EmbeddingTable& table = loaded.table;
    std::string warnings;
    for (const std::string& warning : loaded.warnings)
        warnings += (warnings.empty() ? "" : "\n") + warning;
    CacheHeader header{};
    std::memcpy(header.magic, kCacheMagic, sizeof kCacheMagic);
    header.byteOrder = kCacheByteOrder;
    header.version = kCacheVersion;
    header.sourceSize = source.size;
    header.sourceModified = source.modified;
    header.rows = table.size();
    header.dimension = static_cast<std::uint64_t>(table.dimension());
    header.wordBytes = EmbeddingTableAccess::words(table).size();
    header.pathBytes = source.path.size();
    header.warningBytes = warnings.size();
    header.slotCount = EmbeddingTableAccess::slots(table).size();
    header.sumSquares = EmbeddingTableAccess::sumSquares(table);
    header.checksum = headerChecksum(header);
    CacheLayout layout{};
    if (!cacheLayout(header, layout))
        return "the table is too large for a cache";

    const char zeros[8] = {};
    const std::vector<std::uint64_t>& wordEnds = EmbeddingTableAccess::wordEnds(table);
    const std::string& words = EmbeddingTableAccess::words(table);
    const std::vector<std::int32_t>& slots = EmbeddingTableAccess::slots(table);
    const auto bytesOf = [](const void* data, std::size_t n) {
        return std::string_view(static_cast<const char*>(data), n);
    };
    try {
        // Atomically, like every file the program writes: readers never see half a cache.
        AtomicFile file(cachePath);
        file.write(bytesOf(&header, sizeof header));
        file.write(source.path);
        file.write(warnings);
        file.write(bytesOf(zeros, layout.wordEnds - (layout.warnings + warnings.size())));
        file.write(bytesOf(wordEnds.data(), 8 * wordEnds.size()));
        file.write(bytesOf(slots.data(), 4 * slots.size()));
        file.write(words);
        file.write(bytesOf(zeros, layout.data - (layout.words + words.size())));
        file.write(bytesOf(table.matrix().data(), sizeof(float) * table.size() *
                                                      static_cast<std::size_t>(table.dimension())));
        file.commit();
    } catch (const FileError& error) {
        return error.what();
    } catch (const std::bad_alloc&) {
        return "not enough memory to write it";
    }
    return {};
}

std::string defaultCacheDirectory() {
    if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg == '/')
        return std::string(xdg) + "/attention-lab";
    if (const char* home = std::getenv("HOME"); home && *home)
        return std::string(home) + "/.cache/attention-lab";
    return {};
}

/// Where a cache may live: next to the file, then in the cache folder (named by a hash of the
/// file's absolute path, which the cache also records).
std::vector<std::string> cacheCandidates(const SourceIdentity& source,
                                         const EmbeddingLoadOptions& options) {
    std::vector<std::string> candidates{source.path + kCacheSuffix};
    const std::string directory =
        options.cacheDirectory.empty() ? defaultCacheDirectory() : options.cacheDirectory;
    if (!directory.empty()) {
        char name[32];
        std::snprintf(name, sizeof name, "%016llx",
                      static_cast<unsigned long long>(fnv1a64(source.path)));
        candidates.push_back(directory + "/" + name + kCacheSuffix);
    }
    return candidates;
}

} // namespace

// ---- loaders: entry points ----

EmbeddingLoadResult parseEmbeddingsText(std::string_view text, const std::string& origin,
                                        const EmbeddingLoadOptions& options) {
    return parseText(ByteSource(text), origin, options);
}

EmbeddingLoadResult parseEmbeddingsWord2VecBinary(std::string_view bytes, const std::string& origin,
                                                  const EmbeddingLoadOptions& options) {
    return parseWord2VecBinary(ByteSource(bytes), origin, options);
}

EmbeddingTable parseEmbeddingsText(std::string_view text, const std::string& origin) {
    return parseEmbeddingsText(text, origin, EmbeddingLoadOptions{}).table;
}

EmbeddingTable parseEmbeddingsWord2VecBinary(std::string_view bytes, const std::string& origin) {
    return parseEmbeddingsWord2VecBinary(bytes, origin, EmbeddingLoadOptions{}).table;
}

EmbeddingLoadResult loadEmbeddings(const std::string& path, const EmbeddingLoadOptions& options) {
    namespace fs = std::filesystem;
    std::error_code ec;
    // Refuses a folder, a named pipe, a device or a socket before reading anything.
    const InputFile file(path);

    SourceIdentity identity;
    identity.path = fs::absolute(path, ec).lexically_normal().string();
    if (ec)
        identity.path = path;
    identity.size = file.size();
    identity.modified = file.modifiedNanoseconds();

    std::vector<std::string> candidates;
    if (options.useCache) {
        candidates = cacheCandidates(identity, options);
        for (const std::string& candidate : candidates) {
            if (std::optional<EmbeddingLoadResult> cached = readCache(candidate, identity)) {
                const auto total = static_cast<std::int64_t>(identity.size);
                if (options.progress && !options.progress(total, total))
                    throw Cancelled();
                return std::move(*cached);
            }
        }
    }

    const ByteSource source(file.descriptor(), identity.size, path);
    const std::string extension = asciiLower(fs::path(path).extension().string());
    EmbeddingLoadResult result = extension == ".bin" ? parseWord2VecBinary(source, path, options)
                                                     : parseText(source, path, options);

    if (options.useCache) {
        std::string problems;
        for (const std::string& candidate : candidates) {
            if (candidate != candidates.front()) {
                std::error_code ignored;
                fs::create_directories(fs::path(candidate).parent_path(), ignored);
            }
            const std::string problem = writeCache(candidate, identity, result);
            if (problem.empty()) {
                result.cachePath = candidate;
                break;
            }
            problems += (problems.empty() ? "" : "; ") + problem;
        }
        if (result.cachePath.empty())
            result.warnings.push_back("could not save the cache for '" + path +
                                      "' (the next load parses the file again): " + problems);
    }
    return result;
}

EmbeddingTable loadEmbeddingsFile(const std::string& path) {
    return loadEmbeddings(path, EmbeddingLoadOptions{}).table;
}

// ---- embedding a sentence ----

Matrix embedTokens(const std::vector<std::string>& tokens, const EmbeddingTable& table,
                   std::vector<bool>& unknown) {
    const int dimension = table.dimension();
    if (dimension < 1)
        throw InputError("the embedding table has no dimension; load or build a table first");
    const auto n = static_cast<Eigen::Index>(tokens.size());
    Matrix x(n, dimension);
    unknown.assign(tokens.size(), false);
    float scale = 0.0f; // rms() reads the whole table, so compute it only when a token is unknown
    bool haveScale = false;
    for (Eigen::Index i = 0; i < n; ++i) {
        const std::string& token = tokens[static_cast<std::size_t>(i)];
        const int row = table.find(token);
        if (row >= 0) {
            x.row(i) = table.vector(row);
            continue;
        }
        if (!haveScale) {
            scale = table.rms();
            haveScale = true;
        }
        x.row(i) = hashedVector(token, dimension, scale);
        unknown[static_cast<std::size_t>(i)] = true;
    }
    return x;
}

} // namespace attnlab::core
