#include "embeddings.h"

#include "random.h"

#include <algorithm>
#include <bit>
#include <cassert>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>
#include <memory>
#include <string>
#include <system_error>
#include <utility>

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
        for (std::size_t f = 2; f < fields.size(); ++f)
            for (std::string_view form : splitOn(fields[f], '|')) {
                if (form.empty())
                    lexiconError(lineNumber, "empty word form");
                entry.forms.emplace_back(form);
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

bool EmbeddingTable::add(std::string word, const RowVector& vector) {
    if (vector.size() != m_dimension)
        throw InputError("the vector for '" + word + "' has " + std::to_string(vector.size()) +
                         " numbers but the table's dimension is " + std::to_string(m_dimension));
    if (m_index.count(word))
        return false;
    m_index.emplace(word, static_cast<int>(m_words.size()));
    m_words.push_back(std::move(word));
    m_data.insert(m_data.end(), vector.data(), vector.data() + vector.size());
    return true;
}

int EmbeddingTable::find(std::string_view word) const {
    const std::string key(word);
    if (auto it = m_index.find(key); it != m_index.end())
        return it->second;
    const std::string lower = asciiLower(word);
    if (lower != key)
        if (auto it = m_index.find(lower); it != m_index.end())
            return it->second;
    return -1;
}

RowVector EmbeddingTable::vector(int index) const {
    assert(index >= 0 && static_cast<std::size_t>(index) < m_words.size());
    const std::size_t offset =
        static_cast<std::size_t>(index) * static_cast<std::size_t>(m_dimension);
    return Eigen::Map<const RowVector>(m_data.data() + offset, m_dimension);
}

float EmbeddingTable::rms() const {
    // Empty (or all-zero) tables give 1, so unknown words still get distinct unit-scale vectors.
    if (m_data.empty())
        return 1.0f;
    double sumSquares = 0.0;
    for (float value : m_data)
        sumSquares += static_cast<double>(value) * static_cast<double>(value);
    const double result = std::sqrt(sumSquares / static_cast<double>(m_data.size()));
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

// ---- loaders ----

EmbeddingTable parseEmbeddingsText(std::string_view text, const std::string& origin) {
    const std::vector<std::string_view> lines = splitLines(stripBom(text));
    std::size_t first = 0;
    while (first < lines.size() && isBlank(lines[first]))
        ++first;
    if (first == lines.size())
        throw InputError(origin + ": the file is empty");

    const auto where = [&](std::size_t index) {
        return origin + ": line " + str(index + 1) + ": ";
    };

    // A first line of exactly two integers is the word2vec / fastText "count dim" header.
    long long headerCount = -1;
    int dimension = 0;
    std::size_t next = first;
    {
        const std::vector<std::string_view> fields = splitFields(lines[first]);
        long long count = 0;
        long long dim = 0;
        if (fields.size() == 2 && parseCount(fields[0], count) && parseCount(fields[1], dim)) {
            if (dim < 1 || dim > std::numeric_limits<int>::max())
                throw InputError(where(first) + "the header gives the dimension as " +
                                 std::string(fields[1]) + "; it must be at least 1");
            headerCount = count;
            dimension = static_cast<int>(dim);
            next = first + 1;
        }
    }

    EmbeddingTable table;
    bool haveTable = false;
    if (dimension > 0) {
        table = EmbeddingTable(dimension);
        haveTable = true;
    }
    long long wordLines = 0;
    RowVector vector;
    for (std::size_t i = next; i < lines.size(); ++i) {
        if (isBlank(lines[i]))
            continue;
        const std::vector<std::string_view> fields = splitFields(lines[i]);
        const std::size_t numbers = fields.size() - 1;
        if (!haveTable) {
            // GloVe: the first word line fixes the dimension.
            if (numbers == 0)
                throw InputError(where(i) + "expected numbers after the word '" +
                                 std::string(fields[0]) + "', found none");
            dimension = static_cast<int>(std::min<std::size_t>(
                numbers, static_cast<std::size_t>(std::numeric_limits<int>::max())));
            table = EmbeddingTable(dimension);
            haveTable = true;
        }
        if (numbers != static_cast<std::size_t>(dimension))
            throw InputError(where(i) + "expected " + str(static_cast<std::size_t>(dimension)) +
                             " numbers, found " + str(numbers));
        vector.resize(dimension);
        for (std::size_t k = 0; k < numbers; ++k) {
            const std::string_view field = fields[k + 1];
            float value = 0.0f;
            switch (parseFloat(field, value)) {
            case NumberStatus::Ok:
                break;
            case NumberStatus::NotANumber:
                throw InputError(where(i) + "'" + std::string(field) + "' is not a number");
            case NumberStatus::NotFinite:
                throw InputError(where(i) + "value " + str(k + 1) + " is NaN/infinite ('" +
                                 std::string(field) + "')");
            case NumberStatus::TooLarge:
                throw InputError(where(i) + "value " + str(k + 1) + " ('" + std::string(field) +
                                 "') is too large for a 32-bit float");
            }
            vector[static_cast<Eigen::Index>(k)] = value;
        }
        ++wordLines;
        table.add(std::string(fields[0]), vector); // a duplicate keeps its first vector
    }

    if (headerCount >= 0 && headerCount != wordLines)
        throw InputError(origin + ": the header says " + countOf(headerCount, "word") +
                         " but the file has " + std::to_string(wordLines));
    if (wordLines == 0)
        throw InputError(origin + ": the file has a header but no word vectors");
    return table;
}

EmbeddingTable parseEmbeddingsWord2VecBinary(std::string_view bytes, const std::string& origin) {
    if (bytes.empty())
        throw InputError(origin + ": the file is empty");
    const std::size_t headerEnd = bytes.find('\n');
    if (headerEnd == std::string_view::npos)
        throw InputError(origin +
                         ": the header line \"count dimension\" is missing its end of line; "
                         "this is not a word2vec binary file");
    std::string_view headerLine = bytes.substr(0, headerEnd);
    if (!headerLine.empty() && headerLine.back() == '\r')
        headerLine.remove_suffix(1);
    const std::vector<std::string_view> header = splitFields(headerLine);
    long long count = 0;
    long long dim = 0;
    if (header.size() != 2 || !parseCount(header[0], count) || !parseCount(header[1], dim)) {
        std::string shown(headerLine.substr(0, 40));
        throw InputError(origin +
                         ": the first line should be \"count dimension\" (two whole "
                         "numbers), not '" +
                         shown + "'; this is not a word2vec binary file");
    }
    if (dim < 1 || dim > std::numeric_limits<int>::max() / 4)
        throw InputError(origin + ": the header gives the dimension as " + std::to_string(dim) +
                         "; it must be at least 1");
    if (count < 1)
        throw InputError(origin + ": the header says the file has no words");

    const auto dimension = static_cast<int>(dim);
    const std::size_t vectorBytes = static_cast<std::size_t>(dimension) * 4;
    std::size_t pos = headerEnd + 1;
    // Every entry needs at least one word byte, a space and the numbers.
    const std::size_t remaining = bytes.size() - pos;
    if (static_cast<unsigned long long>(count) > remaining / (vectorBytes + 2))
        throw InputError(origin + ": the header announces " + countOf(count, "word") + " of " +
                         countOf(dimension, "number") + ", but the file is too short for that (" +
                         str(bytes.size()) + " bytes); it may be truncated");

    EmbeddingTable table(dimension);
    RowVector vector(dimension);
    for (long long w = 0; w < count; ++w) {
        const std::string entry = "word " + std::to_string(w + 1) + " of " + std::to_string(count);
        while (pos < bytes.size() && (bytes[pos] == '\n' || bytes[pos] == '\r'))
            ++pos;
        const std::size_t space = bytes.find(' ', pos);
        if (space == std::string_view::npos)
            throw InputError(origin + ": " + entry +
                             " is cut off before its numbers; the file is truncated");
        if (space == pos)
            throw InputError(origin + ": " + entry + " is empty");
        std::string word(bytes.substr(pos, space - pos));
        pos = space + 1;
        if (bytes.size() - pos < vectorBytes)
            throw InputError(origin + ": the vector of " + entry + " ('" + word +
                             "') is cut off; the file is truncated");
        for (int k = 0; k < dimension; ++k) {
            std::uint32_t bits = 0;
            std::memcpy(&bits, bytes.data() + pos + static_cast<std::size_t>(k) * 4, 4);
            if constexpr (std::endian::native == std::endian::big)
                bits = ((bits & 0xFFu) << 24) | ((bits & 0xFF00u) << 8) | ((bits >> 8) & 0xFF00u) |
                       (bits >> 24);
            const float value = std::bit_cast<float>(bits);
            if (!std::isfinite(value))
                throw InputError(origin + ": " + entry + " ('" + word + "'): value " +
                                 std::to_string(k + 1) + " is NaN/infinite");
            vector[k] = value;
        }
        pos += vectorBytes;
        table.add(std::move(word), vector); // a duplicate keeps its first vector
    }
    while (pos < bytes.size() && (bytes[pos] == '\n' || bytes[pos] == '\r' || bytes[pos] == ' '))
        ++pos;
    if (pos != bytes.size())
        throw InputError(origin + ": the file continues after the " + countOf(count, "word") +
                         " its header announces (" + str(bytes.size() - pos) +
                         " bytes left); the header count is wrong");
    return table;
}

EmbeddingTable loadEmbeddingsFile(const std::string& path) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (fs::is_directory(path, ec))
        throw FileError("cannot open '" + path + "': it is a directory, not a file");

    errno = 0;
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"),
                                                         &std::fclose);
    if (!file)
        throw FileError("cannot open '" + path +
                        "': " + (errno != 0 ? std::string(std::strerror(errno)) : "unknown error"));
    std::string bytes;
    char buffer[1 << 16];
    while (true) {
        const std::size_t n = std::fread(buffer, 1, sizeof buffer, file.get());
        bytes.append(buffer, n);
        if (n < sizeof buffer)
            break;
    }
    if (std::ferror(file.get()))
        throw FileError("cannot read '" + path + "': " + std::strerror(errno));

    const std::string extension = asciiLower(fs::path(path).extension().string());
    if (extension == ".bin")
        return parseEmbeddingsWord2VecBinary(bytes, path);
    return parseEmbeddingsText(bytes, path);
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
