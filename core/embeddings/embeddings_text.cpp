// The text loader: GloVe, word2vec text and fastText files (see embeddings.h).

#include "core/embeddings/embeddings_detail.h"

#include <charconv>
#include <cmath>
#include <limits>
#include <new>
#include <stdexcept>
#include <utility>

// Design notes:
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

namespace attnlab::core::embeddings_detail {

namespace {

/// The first bytes of a text file are checked for NUL, the mark of a binary file.
constexpr std::size_t kBinarySniffBytes = std::size_t{1} << 16;

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

} // namespace

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

} // namespace attnlab::core::embeddings_detail
