// Atomic writing: AtomicFile and writeFileAtomically (see file_io.h).
//
// Sequence, all relative to a descriptor of the target's folder so that a folder renamed
// meanwhile cannot redirect the steps:
//   1. Follow symbolic links to the final target; refuse a target that is not a regular file, is
//      read-only, or is one of the run's inputs.
//   2. openat(folder, O_TMPFILE): an unnamed file in the target's folder (same file system, so
//      the final step is a rename). Where the file system lacks O_TMPFILE, a hidden name of at
//      most 42 bytes (O_CREAT | O_EXCL), whatever the length of the target's name.
//   3. Write through a buffer; every failure (short write, ENOSPC, EFBIG, a cancel) throws.
//   4. fsync; then a new target gets its name with linkat (fails if the name appeared
//      meanwhile), an existing one through linkat to a hidden name and renameat over the target.
//      The unnamed file is linked through /proc/self/fd (linkat's AT_EMPTY_PATH needs a
//      privilege); without /proc the named temporary file is used from the start.
//   5. fsync the folder so the rename itself survives a crash.
// A process killed before step 4 leaves nothing with O_TMPFILE; between the two system calls of
// step 4 it leaves a complete hidden file; with a named temporary file it leaves that file.

#include "core/base/file_io.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <new>
#include <ostream>
#include <streambuf>
#include <system_error>
#include <utility>
#include <vector>

#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

namespace attnlab::core {
namespace {

constexpr std::size_t kBufferBytes = std::size_t{1} << 18;
constexpr std::uint64_t kProgressBytes = std::uint64_t{4} << 20;
constexpr int kMaxLinkHops = 40;
constexpr std::size_t kTemporaryPrefixBytes = 24;

[[noreturn]] void throwWriteError(const std::string& path, const std::string& reason,
                                  int error = 0) {
    throw FileError("cannot write '" + path + "': " + reason +
                    (error != 0 ? " (" + systemMessage(error) + ")" : std::string()));
}

std::string parentOf(const std::string& path) {
    const std::size_t slash = path.find_last_of('/');
    if (slash == std::string::npos)
        return ".";
    if (slash == 0)
        return "/";
    return path.substr(0, slash);
}

std::string nameOf(const std::string& path) {
    const std::size_t slash = path.find_last_of('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

// What a target of this mode is, for a refusal; empty for a regular file.
std::string targetKindProblem(mode_t mode) {
    if (S_ISREG(mode))
        return {};
    if (S_ISDIR(mode))
        return "it is a folder";
    if (S_ISFIFO(mode))
        return "it is a named pipe (FIFO), not a regular file; only regular files are replaced";
    if (S_ISCHR(mode) || S_ISBLK(mode))
        return "it is a device, not a regular file; only regular files are replaced";
    if (S_ISSOCK(mode))
        return "it is a socket, not a regular file; only regular files are replaced";
    return "it is not a regular file; only regular files are replaced";
}

// The file `path` finally names after following symbolic links; a dangling link gives the path
// its last link points to (which the write then creates, as `>` in a shell would).
std::string followLinks(const std::string& path, const std::string& shownPath) {
    std::string current = path;
    for (int hops = 0;; ++hops) {
        struct stat info {};
        if (::lstat(current.c_str(), &info) != 0 || !S_ISLNK(info.st_mode))
            return current;
        if (hops == kMaxLinkHops)
            throwWriteError(shownPath, "too many levels of symbolic links", ELOOP);
        std::vector<char> target(static_cast<std::size_t>(std::max<off_t>(info.st_size, 255)) + 1);
        const ssize_t n = ::readlink(current.c_str(), target.data(), target.size());
        if (n < 0 || static_cast<std::size_t>(n) >= target.size())
            throwWriteError(shownPath, "cannot read the symbolic link '" + current + "'", errno);
        const std::string next(target.data(), static_cast<std::size_t>(n));
        current = next.starts_with('/') ? next : parentOf(current).append("/").append(next);
    }
}

// Why a file cannot be created in `directory`, in words (errno is that of the failed step).
std::string creationFailureReason(const std::string& directory, int error) {
    struct stat info {};
    if (error == ENOENT || error == ENOTDIR) {
        if (::stat(directory.c_str(), &info) != 0)
            return "the folder '" + directory + "' does not exist";
        if (!S_ISDIR(info.st_mode))
            return "'" + directory + "' is not a folder";
    }
    if (error == EACCES || error == EPERM || error == EROFS)
        return "cannot create a file in the folder '" + directory + "'";
    return "cannot create a temporary file beside it";
}

// A short hidden name for a temporary file beside `target`: ".<start of the name>.<random>.tmp",
// at most 1 + 24 + 1 + 12 + 4 bytes, so that it fits a folder entry whatever the target's name.
std::string temporaryName(const std::string& target) {
    std::string prefix = target.substr(0, kTemporaryPrefixBytes);
    while (!prefix.empty() && (static_cast<unsigned char>(prefix.back()) & 0xC0) == 0x80)
        prefix.pop_back(); // do not end inside a UTF-8 sequence
    if (!prefix.empty() && static_cast<unsigned char>(prefix.back()) >= 0xC0)
        prefix.pop_back();
    std::array<unsigned char, 12> random{};
    if (::getrandom(random.data(), random.size(), GRND_NONBLOCK) !=
        static_cast<ssize_t>(random.size())) {
        // Unique enough with O_EXCL retrying: the process and the time.
        const auto now =
            static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
        const std::uint64_t mix = now ^ (static_cast<std::uint64_t>(::getpid()) << 40);
        for (std::size_t i = 0; i < random.size(); ++i)
            random[i] = static_cast<unsigned char>(mix >> (8 * (i % 8)));
    }
    constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    std::string name = "." + prefix + ".";
    for (unsigned char byte : random)
        name += kAlphabet[byte % 36];
    return name + ".tmp";
}

bool procFdAvailable() {
    return ::access("/proc/self/fd", X_OK) == 0;
}

} // namespace

// Not in the anonymous namespace: AtomicFile::State, which has external linkage, holds one.
namespace detail {

// A streambuf that writes to a descriptor through a buffer and throws on any failure.
class DescriptorBuffer : public std::streambuf {
public:
    DescriptorBuffer(int fd, const std::string& path,
                     const std::function<bool(std::uint64_t)>& progress)
        : m_fd(fd), m_path(path), m_progress(progress), m_buffer(kBufferBytes) {
        setp(m_buffer.data(), m_buffer.data() + m_buffer.size());
    }

    void flushAll() { drain(); }
    std::uint64_t written() const { return m_written; }

protected:
    int_type overflow(int_type c) override {
        drain();
        if (!traits_type::eq_int_type(c, traits_type::eof())) {
            *pptr() = traits_type::to_char_type(c);
            pbump(1);
        }
        return traits_type::not_eof(c);
    }

    std::streamsize xsputn(const char* data, std::streamsize n) override {
        const auto count = static_cast<std::size_t>(n);
        const auto room = static_cast<std::size_t>(epptr() - pptr());
        if (count <= room) {
            std::memcpy(pptr(), data, count);
            pbump(static_cast<int>(count));
            return n;
        }
        drain();
        if (count < m_buffer.size()) {
            std::memcpy(pptr(), data, count);
            pbump(static_cast<int>(count));
        } else {
            writeAll(data, count);
        }
        return n;
    }

    int sync() override {
        drain();
        return 0;
    }

private:
    void drain() {
        const auto n = static_cast<std::size_t>(pptr() - pbase());
        if (n > 0)
            writeAll(pbase(), n);
        setp(m_buffer.data(), m_buffer.data() + m_buffer.size());
    }

    void writeAll(const char* data, std::size_t n) {
        while (n > 0) {
            const ssize_t r = ::write(m_fd, data, std::min<std::size_t>(n, std::size_t{1} << 30));
            if (r < 0 && errno == EINTR)
                continue;
            if (r <= 0) {
                // ENOSPC, EDQUOT, EFBIG, EIO: the system's words name the cause.
                throwWriteError(m_path, "writing failed", r < 0 ? errno : EIO);
            }
            data += r;
            n -= static_cast<std::size_t>(r);
            m_written += static_cast<std::uint64_t>(r);
        }
        if (m_progress && m_written - m_reported >= kProgressBytes) {
            m_reported = m_written;
            if (!m_progress(m_written))
                throw Cancelled();
        }
    }

    int m_fd;
    const std::string& m_path;
    const std::function<bool(std::uint64_t)>& m_progress;
    std::vector<char> m_buffer;
    std::uint64_t m_written = 0;
    std::uint64_t m_reported = 0;
};

} // namespace detail

struct AtomicFile::State {
    std::string path;      ///< as given, for messages
    std::string finalPath; ///< after following links
    std::string name;      ///< the final path's last component
    WriteOptions options;
    int directoryFd = -1;
    bool directorySyncable = false;
    int fd = -1;
    bool unnamed = false;
    std::string temporary; ///< the named temporary file (empty while unnamed)
    bool targetExisted = false;
    struct stat target {};
    std::unique_ptr<detail::DescriptorBuffer> buffer;
    std::unique_ptr<std::ostream> stream;
    bool done = false;

    ~State() {
        if (!done)
            cleanUp();
    }

    [[noreturn]] void fail(const std::string& reason, int error = 0) {
        cleanUp();
        throwWriteError(path, reason, error);
    }

    void cleanUp() noexcept {
        stream.reset();
        buffer.reset();
        if (fd >= 0)
            ::close(fd);
        fd = -1;
        if (!temporary.empty() && directoryFd >= 0)
            ::unlinkat(directoryFd, temporary.c_str(), 0);
        temporary.clear();
        if (directoryFd >= 0)
            ::close(directoryFd);
        directoryFd = -1;
        done = true;
    }

    // Checks the target's current state; refuses what may not be replaced.
    void checkTarget() {
        struct stat info {};
        if (::fstatat(directoryFd, name.c_str(), &info, AT_SYMLINK_NOFOLLOW) != 0) {
            if (errno != ENOENT)
                fail("cannot examine it", errno);
            targetExisted = false;
            return;
        }
        if (S_ISLNK(info.st_mode))
            fail("it was replaced by a symbolic link while it was being written");
        if (const std::string problem = targetKindProblem(info.st_mode); !problem.empty())
            fail(problem, S_ISDIR(info.st_mode) ? EISDIR : 0);
        // The rename would replace a read-only file as long as its folder is writable; a file
        // its owner marked read-only (or one this user may not write) is left alone instead.
        // The mode bits are checked as well as access(), which grants root everything.
        if ((info.st_mode & 0222) == 0 ||
            ::faccessat(directoryFd, name.c_str(), W_OK, AT_EACCESS) != 0)
            fail("the file is read-only", EACCES);
        if (options.inputs) {
            const FileIdentity identity{static_cast<std::uint64_t>(info.st_dev),
                                        static_cast<std::uint64_t>(info.st_ino)};
            if (const InputFiles::Entry* input = options.inputs->find(identity))
                fail("it is " + input->role + " ('" + input->path +
                     "'), which is being read; writing over an input would destroy it, so "
                     "choose another name");
        }
        targetExisted = true;
        target = info;
    }

    void openTemporary() {
        const mode_t createMode = targetExisted ? 0600 : 0666; // the umask applies to 0666
        if (options.unnamedTemporary && procFdAvailable()) {
            fd = ::openat(directoryFd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, createMode);
            if (fd >= 0) {
                unnamed = true;
                return;
            }
            const int error = errno;
            if (error != EOPNOTSUPP && error != EISDIR && error != EINVAL && error != ENOSYS &&
                error != ENOENT)
                fail(creationFailureReason(parentOf(finalPath), error), error);
        }
        for (int attempt = 0; attempt < 100; ++attempt) {
            const std::string candidate = temporaryName(name);
            fd = ::openat(directoryFd, candidate.c_str(),
                          O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, createMode);
            if (fd >= 0) {
                temporary = candidate;
                return;
            }
            if (errno != EEXIST)
                fail(creationFailureReason(parentOf(finalPath), errno), errno);
        }
        fail("cannot find a free name for a temporary file beside it", EEXIST);
    }

    // Links the unnamed file under `linkName` in the folder; false when the name exists.
    bool linkUnnamed(const std::string& linkName) {
        const std::string self = "/proc/self/fd/" + std::to_string(fd);
        if (::linkat(AT_FDCWD, self.c_str(), directoryFd, linkName.c_str(), AT_SYMLINK_FOLLOW) == 0)
            return true;
        if (errno == EEXIST)
            return false;
        fail("cannot give the written file its name", errno);
    }
};

AtomicFile::AtomicFile(const std::string& path, const WriteOptions& options)
    : m_state(std::make_unique<State>()) {
    State& s = *m_state;
    s.path = path;
    s.options = options;
    if (path.empty())
        throw FileError("cannot write a file without a name");
    if (path.back() == '/')
        throwWriteError(path, "it is a folder", EISDIR);
    // Through links: what is finally named is what gets replaced; the links stay links.
    struct stat followed {};
    if (::stat(path.c_str(), &followed) == 0) {
        if (const std::string problem = targetKindProblem(followed.st_mode); !problem.empty())
            throwWriteError(path, problem, S_ISDIR(followed.st_mode) ? EISDIR : 0);
    }
    s.finalPath = followLinks(path, path);
    s.name = nameOf(s.finalPath);
    if (s.name.empty() || s.name == "." || s.name == "..")
        throwWriteError(path, "it is a folder", EISDIR);
    const std::string directory = parentOf(s.finalPath);
    s.directoryFd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    s.directorySyncable = s.directoryFd >= 0;
    if (s.directoryFd < 0 && errno == EACCES)
        s.directoryFd = ::open(directory.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (s.directoryFd < 0) {
        const int error = errno;
        s.fail(creationFailureReason(directory, error), error);
    }
    s.checkTarget();
    s.openTemporary();
    if (s.targetExisted && ::fchmod(s.fd, s.target.st_mode & 07777) != 0)
        s.fail("cannot give the new file the permissions of the earlier one", errno);
    try {
        s.buffer = std::make_unique<detail::DescriptorBuffer>(s.fd, s.path, s.options.progress);
        s.stream = std::make_unique<std::ostream>(s.buffer.get());
    } catch (const std::bad_alloc&) {
        s.fail("not enough memory");
    }
    s.stream->exceptions(std::ios::badbit);
}

AtomicFile::~AtomicFile() {
    discard();
}

std::ostream& AtomicFile::stream() {
    if (m_state->done || !m_state->stream)
        throwWriteError(m_state->path, "the file was already finished");
    return *m_state->stream;
}

void AtomicFile::write(std::string_view bytes) {
    stream().write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

void AtomicFile::writeAt(std::uint64_t offset, std::string_view bytes) {
    const State& s = *m_state;
    if (s.done || s.fd < 0)
        throwWriteError(s.path, "the file was already finished");
    const char* data = bytes.data();
    std::size_t left = bytes.size();
    auto at = static_cast<off_t>(offset);
    while (left > 0) {
        const ssize_t r =
            ::pwrite(s.fd, data, std::min<std::size_t>(left, std::size_t{1} << 30), at);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            throwWriteError(s.path, "writing failed", r < 0 ? errno : EIO);
        data += r;
        left -= static_cast<std::size_t>(r);
        at += r;
    }
#if defined(__linux__)
    // Start putting these pages on the disk now, while the caller computes the next ones, so
    // that commit's fsync has little left to wait for. Only a hint: its failure changes nothing.
    ::sync_file_range(s.fd, static_cast<off_t>(offset), static_cast<off_t>(bytes.size()),
                      SYNC_FILE_RANGE_WRITE);
#endif
}

std::vector<std::string> AtomicFile::commit() {
    State& s = *m_state;
    if (s.done)
        throwWriteError(s.path, "the file was already finished");
    try {
        s.buffer->flushAll();
        if (!*s.stream)
            s.fail("writing failed");
        if (s.options.progress && !s.options.progress(s.buffer->written()))
            throw Cancelled();
    } catch (const FileError&) {
        s.cleanUp();
        throw;
    } catch (const Cancelled&) {
        s.cleanUp();
        throw;
    }
    if (::fsync(s.fd) != 0)
        s.fail("writing failed", errno);
    // The target may have changed since the start: check it again just before replacing it.
    s.checkTarget();
    std::vector<std::string> notes;
    if (s.targetExisted && s.target.st_nlink > 1)
        notes.push_back(
            "'" + s.path + "' had " + std::to_string(s.target.st_nlink - 1) +
            (s.target.st_nlink == 2 ? " other name (a hard link)" : " other names (hard links)") +
            ", which keep the earlier contents: the new file replaces this name only");

    if (s.unnamed) {
        bool placed = false;
        if (!s.targetExisted)
            placed = s.linkUnnamed(s.name); // false: the name appeared meanwhile
        if (!placed) {
            for (int attempt = 0; attempt < 100 && s.temporary.empty(); ++attempt) {
                const std::string candidate = temporaryName(s.name);
                if (s.linkUnnamed(candidate))
                    s.temporary = candidate;
            }
            if (s.temporary.empty())
                s.fail("cannot find a free name for a temporary file beside it", EEXIST);
        }
    } else if (::close(std::exchange(s.fd, -1)) != 0) {
        // A file system that reports write errors only at close (NFS).
        s.fail("writing failed", errno);
    }
    if (!s.temporary.empty()) {
        if (::renameat(s.directoryFd, s.temporary.c_str(), s.directoryFd, s.name.c_str()) != 0)
            s.fail("cannot replace it", errno);
        s.temporary.clear();
    }
    // Make the new name durable; a failure here loses nothing already written.
    if (s.directorySyncable)
        ::fsync(s.directoryFd);
    s.cleanUp();
    return notes;
}

void AtomicFile::discard() noexcept {
    if (m_state && !m_state->done)
        m_state->cleanUp();
}

const std::string& AtomicFile::finalPath() const {
    return m_state->finalPath;
}

bool AtomicFile::isUnnamed() const {
    return m_state->unnamed;
}

std::vector<std::string> writeFileAtomically(const std::string& path, std::string_view bytes,
                                             const WriteOptions& options) {
    return writeFileAtomically(
        path,
        [bytes](std::ostream& out) {
            out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        },
        options);
}

std::vector<std::string> writeFileAtomically(const std::string& path,
                                             const std::function<void(std::ostream&)>& produce,
                                             const WriteOptions& options) {
    AtomicFile file(path, options);
    try {
        produce(file.stream());
    } catch (const std::bad_alloc&) {
        file.discard();
        throwWriteError(path, "not enough memory to produce it; nothing was written");
    } catch (const std::ios_base::failure&) {
        // A stream error that is not the file's own (those throw FileError).
        file.discard();
        throwWriteError(path, "writing failed");
    }
    return file.commit();
}

} // namespace attnlab::core
