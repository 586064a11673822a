// The binary cache of a parsed embeddings file (EmbeddingLoadOptions::useCache).

#include "core/embeddings/embeddings_detail.h"

#include "core/base/file_io.h"
#include "core/base/random.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <new>
#include <utility>

#include <unistd.h>

namespace attnlab::core::embeddings_detail {

namespace {

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

std::string defaultCacheDirectory() {
    if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg == '/')
        return std::string(xdg) + "/attention-lab";
    if (const char* home = std::getenv("HOME"); home && *home)
        return std::string(home) + "/.cache/attention-lab";
    return {};
}

} // namespace

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

} // namespace attnlab::core::embeddings_detail
