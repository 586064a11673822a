#include "core/base/mapped_file.h"

#include "core/base/types.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace attnlab::core {
namespace {

std::string systemError(int error) {
    return std::strerror(error);
}

// Closes a descriptor when it leaves scope.
class Descriptor {
public:
    explicit Descriptor(int fd) : m_fd(fd) {}
    ~Descriptor() {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    Descriptor(const Descriptor&) = delete;
    Descriptor& operator=(const Descriptor&) = delete;
    int get() const { return m_fd; }

private:
    int m_fd;
};

// Opens `path` for reading without blocking (a FIFO without a writer would otherwise block in
// open()) and returns the descriptor with its size; refuses anything but a regular file.
std::pair<int, std::size_t> openRegular(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        const int error = errno;
        if (error == ENOENT)
            throw FileError("cannot open '" + path + "': no such file");
        throw FileError("cannot open '" + path + "': " + systemError(error));
    }
    struct stat info {};
    if (::fstat(fd, &info) != 0) {
        const int error = errno;
        ::close(fd);
        throw FileError("cannot read '" + path + "': " + systemError(error));
    }
    if (!S_ISREG(info.st_mode)) {
        ::close(fd);
        const char* what = S_ISDIR(info.st_mode)                            ? "a folder"
                           : S_ISFIFO(info.st_mode)                         ? "a pipe (FIFO)"
                           : S_ISCHR(info.st_mode) || S_ISBLK(info.st_mode) ? "a device"
                           : S_ISSOCK(info.st_mode)                         ? "a socket"
                                                                            : "not a regular file";
        throw FileError("cannot open '" + path + "': it is " + what + ", not a regular file");
    }
    // Reads must block normally from here on (a regular file ignores O_NONBLOCK, but be explicit).
    const int flags = ::fcntl(fd, F_GETFL);
    if (flags >= 0)
        ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
    return {fd, static_cast<std::size_t>(info.st_size)};
}

std::size_t pageSize() {
    const long size = ::sysconf(_SC_PAGESIZE);
    return size > 0 ? static_cast<std::size_t>(size) : 4096;
}

} // namespace

MappedFile::MappedFile(const std::string& path) : m_path(path) {
    const auto [fd, size] = openRegular(path);
    const Descriptor descriptor(fd);
    if (size == 0)
        throw FileError("cannot read '" + path + "': the file is empty");
    void* address = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (address == MAP_FAILED)
        throw FileError("cannot map '" + path + "' into memory: " + systemError(errno));
    m_data = static_cast<const std::byte*>(address);
    m_size = size;
}

MappedFile::~MappedFile() {
    unmap();
}

MappedFile::MappedFile(MappedFile&& other) noexcept
    : m_path(std::move(other.m_path)), m_data(std::exchange(other.m_data, nullptr)),
      m_size(std::exchange(other.m_size, 0)) {}

MappedFile& MappedFile::operator=(MappedFile&& other) noexcept {
    if (this != &other) {
        unmap();
        m_path = std::move(other.m_path);
        m_data = std::exchange(other.m_data, nullptr);
        m_size = std::exchange(other.m_size, 0);
    }
    return *this;
}

void MappedFile::unmap() noexcept {
    if (m_data != nullptr)
        ::munmap(const_cast<std::byte*>(m_data), m_size);
    m_data = nullptr;
    m_size = 0;
}

void MappedFile::prefetch(std::size_t offset, std::size_t length) const {
    if (m_data == nullptr || offset >= m_size)
        return;
    const std::size_t page = pageSize();
    const std::size_t start = offset / page * page;
    const std::size_t end = std::min(m_size, offset + length);
    ::madvise(const_cast<std::byte*>(m_data) + start, end - start, MADV_WILLNEED);
}

void MappedFile::release(std::size_t offset, std::size_t length) const {
    if (m_data == nullptr || offset >= m_size)
        return;
    // Only whole pages inside the range: a page shared with a neighbouring tensor stays.
    const std::size_t page = pageSize();
    const std::size_t start = (offset + page - 1) / page * page;
    const std::size_t end = std::min(m_size, offset + length) / page * page;
    if (end > start)
        ::madvise(const_cast<std::byte*>(m_data) + start, end - start, MADV_DONTNEED);
}

std::string readRegularFile(const std::string& path, std::uintmax_t maxBytes) {
    const auto [fd, size] = openRegular(path);
    const Descriptor descriptor(fd);
    if (size > maxBytes)
        throw FileError("cannot read '" + path + "': it is " + std::to_string(size) +
                        " bytes, more than the " + std::to_string(maxBytes) +
                        " such a file may have");
    std::string bytes(size, '\0');
    std::size_t done = 0;
    while (done < size) {
        const ssize_t n = ::read(fd, bytes.data() + done, size - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            throw FileError("cannot read '" + path + "': " + systemError(errno));
        if (n == 0)
            break; // shrank while reading
        done += static_cast<std::size_t>(n);
    }
    bytes.resize(done);
    return bytes;
}

} // namespace attnlab::core
