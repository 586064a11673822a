// Reading: InputFile, readFileBytes, MappedFile, InputFiles. Atomic writing is in
// file_io_write.cpp.

#include "core/base/file_io.h"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <new>
#include <system_error>
#include <utility>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace attnlab::core {
std::string systemMessage(int error) {
    return std::error_code(error, std::generic_category()).message();
}

namespace {

std::string megabytes(std::uint64_t bytes) {
    return std::to_string((bytes + (1u << 20) - 1) >> 20) + " MB";
}

[[noreturn]] void throwOpenError(const std::string& path, const std::string& reason) {
    throw FileError("cannot open '" + path + "': " + reason);
}

// Why a file of this mode cannot be read, or empty for a regular file.
std::string kindProblem(mode_t mode) {
    if (S_ISREG(mode))
        return {};
    if (S_ISDIR(mode))
        return "it is a directory, not a file";
    if (S_ISFIFO(mode))
        return "it is a named pipe (FIFO), not a regular file; reading it could wait forever";
    if (S_ISCHR(mode) || S_ISBLK(mode))
        return "it is a device, not a regular file";
    if (S_ISSOCK(mode))
        return "it is a socket, not a regular file";
    return "it is not a regular file";
}

} // namespace

// ---- InputFile --------------------------------------------------------------------------------

InputFile::InputFile(const std::string& path) : m_path(path) {
    if (path.empty())
        throw FileError("cannot open a file without a name");
    // The kind is checked by name first, so that a device is not even opened (opening some has
    // effects), then on the open descriptor, which is what is read: the name may have changed.
    struct stat info {};
    if (::stat(path.c_str(), &info) == 0) {
        if (const std::string problem = kindProblem(info.st_mode); !problem.empty())
            throwOpenError(path, problem);
    }
    // O_NONBLOCK: opening a named pipe for reading would otherwise wait for a writer.
    do {
        m_fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    } while (m_fd < 0 && errno == EINTR);
    if (m_fd < 0)
        throwOpenError(path, systemMessage(errno));
    if (::fstat(m_fd, &info) != 0) {
        const int error = errno;
        ::close(m_fd);
        m_fd = -1;
        throwOpenError(path, systemMessage(error));
    }
    if (const std::string problem = kindProblem(info.st_mode); !problem.empty()) {
        ::close(m_fd);
        m_fd = -1;
        throwOpenError(path, problem);
    }
    // Reads of a regular file never wait anyway; clear the flag so nothing depends on it.
    const int flags = ::fcntl(m_fd, F_GETFL);
    if (flags >= 0)
        ::fcntl(m_fd, F_SETFL, flags & ~O_NONBLOCK);
    m_size = static_cast<std::uint64_t>(info.st_size);
    m_modified = static_cast<std::int64_t>(info.st_mtim.tv_sec) * 1'000'000'000 +
                 static_cast<std::int64_t>(info.st_mtim.tv_nsec);
    m_identity = {static_cast<std::uint64_t>(info.st_dev), static_cast<std::uint64_t>(info.st_ino)};
}

InputFile::~InputFile() {
    if (m_fd >= 0)
        ::close(m_fd);
}

InputFile::InputFile(InputFile&& other) noexcept
    : m_fd(std::exchange(other.m_fd, -1)), m_path(std::move(other.m_path)), m_size(other.m_size),
      m_modified(other.m_modified), m_identity(other.m_identity) {}

InputFile& InputFile::operator=(InputFile&& other) noexcept {
    if (this != &other) {
        if (m_fd >= 0)
            ::close(m_fd);
        m_fd = std::exchange(other.m_fd, -1);
        m_path = std::move(other.m_path);
        m_size = other.m_size;
        m_modified = other.m_modified;
        m_identity = other.m_identity;
    }
    return *this;
}

std::size_t InputFile::readSome(std::uint64_t offset, void* out, std::size_t n) const {
    auto* bytes = static_cast<char*>(out);
    std::size_t got = 0;
    while (got < n) {
        // At most 1 GiB per call: Linux transfers at most about 2 GiB at once.
        const std::size_t chunk = std::min<std::size_t>(n - got, std::size_t{1} << 30);
        const ssize_t r = ::pread(m_fd, bytes + got, chunk, static_cast<off_t>(offset + got));
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            throw FileError("cannot read '" + m_path + "': " + systemMessage(errno));
        if (r == 0)
            break;
        got += static_cast<std::size_t>(r);
    }
    return got;
}

void InputFile::readExactly(std::uint64_t offset, void* out, std::size_t n) const {
    if (readSome(offset, out, n) != n)
        throw FileError("cannot read '" + m_path +
                        "': the file became shorter while it was being read");
}

std::string InputFile::readAll(std::uint64_t maxBytes, const ProgressCallback& progress) const {
    const auto tooLarge = [&](const std::string& size) {
        throw FileError("cannot open '" + m_path + "': it is " + size + ", more than the " +
                        megabytes(maxBytes) + " such a file may have");
    };
    if (m_size > maxBytes)
        tooLarge(megabytes(m_size));
    std::string bytes;
    try {
        bytes.resize(static_cast<std::size_t>(m_size));
        // In blocks, so that a long read reports progress and can be cancelled between them.
        constexpr std::size_t kBlock = std::size_t{16} << 20;
        const int totalMiB = static_cast<int>(std::min<std::uint64_t>(m_size >> 20, INT_MAX));
        std::size_t got = 0;
        while (got < bytes.size()) {
            if (progress && !progress(static_cast<int>(got >> 20), totalMiB))
                throw Cancelled();
            const std::size_t n =
                readSome(got, bytes.data() + got, std::min(kBlock, bytes.size() - got));
            got += n;
            if (n == 0)
                break;
        }
        bytes.resize(got);
        // A file that grew since it was opened is read to its end, within the limit.
        char buffer[1 << 16];
        for (std::uint64_t at = got;;) {
            const std::size_t n = readSome(at, buffer, sizeof buffer);
            if (n == 0)
                break;
            bytes.append(buffer, n);
            at += n;
            if (bytes.size() > maxBytes)
                tooLarge("larger than that");
        }
    } catch (const std::bad_alloc&) {
        throw FileError("cannot read '" + m_path + "': " + megabytes(m_size) +
                        " do not fit in the memory available");
    }
    return bytes;
}

std::optional<InputFile> tryOpenInput(const std::string& path, std::string* reason) {
    try {
        return InputFile(path);
    } catch (const FileError& error) {
        if (reason)
            *reason = error.what();
        return std::nullopt;
    }
}

std::string readFileBytes(const std::string& path, std::uintmax_t maxBytes,
                          const ProgressCallback& progress) {
    return InputFile(path).readAll(maxBytes, progress);
}

// ---- MappedFile -------------------------------------------------------------------------------

MappedFile::MappedFile(const std::string& path) : m_file(path) {
    map();
}

MappedFile::MappedFile(InputFile file) : m_file(std::move(file)) {
    map();
}

void MappedFile::map() {
    m_length = m_file.size();
    if (m_length == 0)
        return;
    if (m_length > static_cast<std::uint64_t>(SIZE_MAX))
        throw FileError("cannot map '" + m_file.path() + "': it is too large for this system");
    void* data = ::mmap(nullptr, static_cast<std::size_t>(m_length), PROT_READ, MAP_PRIVATE,
                        m_file.descriptor(), 0);
    if (data == MAP_FAILED)
        throw FileError("cannot map '" + m_file.path() + "': " + systemMessage(errno));
    m_data = data;
}

MappedFile::~MappedFile() {
    if (m_data)
        ::munmap(m_data, static_cast<std::size_t>(m_length));
}

MappedFile::MappedFile(MappedFile&& other) noexcept
    : m_file(std::move(other.m_file)), m_data(std::exchange(other.m_data, nullptr)),
      m_length(std::exchange(other.m_length, 0)) {}

MappedFile& MappedFile::operator=(MappedFile&& other) noexcept {
    if (this != &other) {
        if (m_data)
            ::munmap(m_data, static_cast<std::size_t>(m_length));
        m_file = std::move(other.m_file);
        m_data = std::exchange(other.m_data, nullptr);
        m_length = std::exchange(other.m_length, 0);
    }
    return *this;
}

// ---- InputFiles -------------------------------------------------------------------------------

void InputFiles::add(const std::string& path, std::string role) {
    struct stat info {};
    if (path.empty() || ::stat(path.c_str(), &info) != 0)
        return;
    const FileIdentity identity{static_cast<std::uint64_t>(info.st_dev),
                                static_cast<std::uint64_t>(info.st_ino)};
    if (!find(identity))
        m_entries.push_back({identity, path, std::move(role)});
}

void InputFiles::add(const InputFile& file, std::string role) {
    if (!find(file.identity()))
        m_entries.push_back({file.identity(), file.path(), std::move(role)});
}

const InputFiles::Entry* InputFiles::find(FileIdentity identity) const {
    for (const Entry& entry : m_entries)
        if (entry.identity == identity)
            return &entry;
    return nullptr;
}

namespace {
std::size_t pageSize() {
    static const std::size_t size = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    return size;
}
} // namespace

void MappedFile::prefetch(std::size_t offset, std::size_t length) const {
    if (m_data == nullptr || offset >= size())
        return;
    const std::size_t page = pageSize();
    const std::size_t start = offset / page * page;
    const std::size_t end = std::min(size(), offset + length);
    ::madvise(static_cast<std::byte*>(m_data) + start, end - start, MADV_WILLNEED);
}

void MappedFile::release(std::size_t offset, std::size_t length) const {
    if (m_data == nullptr || offset >= size())
        return;
    // Only whole pages inside the range: a page shared with a neighbouring tensor stays.
    const std::size_t page = pageSize();
    const std::size_t start = (offset + page - 1) / page * page;
    const std::size_t end = std::min(size(), offset + length) / page * page;
    if (end > start)
        ::madvise(static_cast<std::byte*>(m_data) + start, end - start, MADV_DONTNEED);
}

} // namespace attnlab::core
