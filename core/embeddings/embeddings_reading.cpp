// What the lexicon and the loaders share: splitting and parsing fields and lines, reading a file
// or text in memory by windows and lines, and the progress and thread plumbing of the loaders.

#include "core/embeddings/embeddings_detail.h"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>

#include <unistd.h>

namespace attnlab::core::embeddings_detail {

// ---- text helpers (the lexicon and the loaders) ----

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

bool parseCount(std::string_view field, long long& value) {
    if (field.empty())
        return false;
    const auto [end, ec] = std::from_chars(field.data(), field.data() + field.size(), value);
    return ec == std::errc() && end == field.data() + field.size() && value >= 0;
}

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

// ---- loaders: reading ----

namespace {

constexpr std::size_t kReadChunk = std::size_t{1} << 20;
constexpr int kMaxThreads = 8;

std::string systemMessage(int error) {
    return std::error_code(error, std::generic_category()).message();
}

std::string megabytes(double bytes) {
    char text[32];
    std::snprintf(text, sizeof text, "%.0f MB", bytes / 1e6);
    return text;
}

} // namespace

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

std::size_t ByteSource::read(std::uint64_t offset, char* out, std::size_t n) const {
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

std::string_view Window::at(std::uint64_t from, std::size_t want) {
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

LineStatus LineReader::next() {
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

std::uint64_t LineReader::firstLineStartAfter(std::uint64_t begin) {
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
                   static_cast<std::uint64_t>(static_cast<const char*>(newline) - bytes.data()) + 1;
        position += limit;
    }
    return m_end;
}

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

int threadCount(const EmbeddingLoadOptions& options, std::size_t blocks) {
    int threads = options.threads;
    if (threads <= 0)
        threads = static_cast<int>(std::clamp(std::thread::hardware_concurrency(), 1u,
                                              static_cast<unsigned>(kMaxThreads)));
    threads = std::min(threads, kMaxThreads);
    return static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(threads), blocks));
}

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

} // namespace attnlab::core::embeddings_detail
