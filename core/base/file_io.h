#pragma once
// Every file the program reads or writes goes through this module (POSIX).
//
// Reading: a path is opened without blocking (O_NONBLOCK) and checked with fstat to be a regular
// file before a byte is read, so a named pipe, a device, a socket or a folder named as an input
// is refused at once with a message, never waited on.
//
// Writing: a file is replaced atomically. The bytes go, as they are produced, into a temporary
// file in the target's folder: an unnamed one (O_TMPFILE) where the file system has them, which
// a killed process cannot leave behind, else a short hidden name. Once every byte is written and
// synced, the file takes the target's name in one rename, so the earlier file is either wholly
// kept or wholly replaced. Only regular files are replaced; a symbolic link is written through
// (its final target is replaced, the link stays a link); a file with other hard links gets a new
// inode, so the other names keep the earlier contents (commit() says so in a note).

#include "core/base/types.h"

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace attnlab::core {

/// The system's text for an errno value ("No such file or directory").
std::string systemMessage(int error);

/// Device and inode: what makes two paths (or a path and a hard link or symbolic link to it) one
/// file.
struct FileIdentity {
    std::uint64_t device = 0;
    std::uint64_t inode = 0;
    friend bool operator==(const FileIdentity&, const FileIdentity&) = default;
};

/// A regular file open for reading. Opening never blocks: the kind of file is checked before
/// anything is read, and anything but a regular file is refused.
class InputFile {
public:
    /// Opens `path` (through symbolic links). Throws FileError "cannot open '<path>': <reason>"
    /// when it is missing or unreadable, a directory, or a named pipe, device or socket (the
    /// message names the kind).
    explicit InputFile(const std::string& path);
    ~InputFile();
    InputFile(InputFile&& other) noexcept;
    InputFile& operator=(InputFile&& other) noexcept;
    InputFile(const InputFile&) = delete;
    InputFile& operator=(const InputFile&) = delete;

    /// The open descriptor (O_RDONLY, close-on-exec, blocking); valid while the object lives.
    int descriptor() const { return m_fd; }
    /// The path as given to the constructor, for messages.
    const std::string& path() const { return m_path; }
    /// Size in bytes when the file was opened.
    std::uint64_t size() const { return m_size; }
    /// Last modification, nanoseconds since the epoch, when the file was opened.
    std::int64_t modifiedNanoseconds() const { return m_modified; }
    FileIdentity identity() const { return m_identity; }

    /// Reads up to `n` bytes at `offset` (pread, retried on interruption); returns how many, less
    /// than `n` only at the end of the file. Throws FileError on a read error.
    std::size_t readSome(std::uint64_t offset, void* out, std::size_t n) const;
    /// Reads exactly `n` bytes at `offset`. Throws FileError on a read error or when the file
    /// ends first ("the file became shorter while it was being read").
    void readExactly(std::uint64_t offset, void* out, std::size_t n) const;
    /// The whole file. Throws FileError when it is larger than `maxBytes` (the message gives
    /// both in MB) or there is not enough memory for it. `progress` (may be empty) is called with
    /// (MiB read, MiB in all) before each block of 16 MiB; when it returns false, throws
    /// Cancelled.
    std::string readAll(std::uint64_t maxBytes, const ProgressCallback& progress = {}) const;

private:
    int m_fd = -1;
    std::string m_path;
    std::uint64_t m_size = 0;
    std::int64_t m_modified = 0;
    FileIdentity m_identity;
};

/// The InputFile at `path`, or nothing (with the reason in `reason` when given) for files that
/// may be absent or unusable without it being an error, such as caches.
std::optional<InputFile> tryOpenInput(const std::string& path, std::string* reason = nullptr);

/// The bytes of the file at `path`. Throws FileError as InputFile does, and when the file is
/// larger than `maxBytes`; progress and cancel as InputFile::readAll.
std::string readFileBytes(const std::string& path, std::uintmax_t maxBytes,
                          const ProgressCallback& progress = {});

/// A whole regular file mapped read-only into memory (for loaders of large binary files such as
/// model weights). Opened as InputFile is, so it never blocks and maps only regular files.
/// Caution: if another program truncates the file while it is mapped, touching the lost pages
/// kills the process with SIGBUS; loaders of files that users edit (the text embeddings loader)
/// read with pread instead.
class MappedFile {
public:
    /// Opens and maps `path`. Throws FileError as InputFile does, or when mapping fails.
    explicit MappedFile(const std::string& path);
    /// Maps an already open file.
    explicit MappedFile(InputFile file);
    ~MappedFile();
    MappedFile(MappedFile&& other) noexcept;
    MappedFile& operator=(MappedFile&& other) noexcept;
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;

    /// The file's bytes (empty for an empty file); valid while the object lives.
    std::string_view bytes() const {
        return {static_cast<const char*>(m_data), static_cast<std::size_t>(m_length)};
    }
    const std::byte* data() const { return static_cast<const std::byte*>(m_data); }
    std::size_t size() const { return static_cast<std::size_t>(m_length); }
    const std::string& path() const { return m_file.path(); }
    const InputFile& file() const { return m_file; }

    /// Asks the kernel to start reading [offset, offset + length) ahead of use (asynchronous;
    /// never blocks, never fails).
    void prefetch(std::size_t offset, std::size_t length) const;
    /// Tells the kernel the range is no longer needed, so that its pages leave this process's
    /// resident memory (they are read again from the file if touched later).
    void release(std::size_t offset, std::size_t length) const;

private:
    void map();
    InputFile m_file;
    void* m_data = nullptr;
    std::uint64_t m_length = 0;
};

/// The files a run reads (embeddings, lesson, imported array and its tokens, model files), so
/// that no output replaces one of them. A value: copy it to a worker thread as it is.
class InputFiles {
public:
    /// Records the file at `path` (followed through symbolic links) as an input, described in
    /// messages as `role` ("the embeddings file"). A path that does not exist is ignored.
    void add(const std::string& path, std::string role);
    /// Records an open file.
    void add(const InputFile& file, std::string role);
    /// The recorded input that is the file `identity`, or null.
    struct Entry {
        FileIdentity identity;
        std::string path;
        std::string role;
    };
    const Entry* find(FileIdentity identity) const;
    bool empty() const { return m_entries.empty(); }

private:
    std::vector<Entry> m_entries;
};

/// How a file is written.
struct WriteOptions {
    /// An output that is one of these files (same device and inode, through links) is refused;
    /// null (default) = no check.
    const InputFiles* inputs = nullptr;
    /// Called with the number of bytes written so far, every 4 MiB and at the end; return false
    /// to cancel (the write then throws Cancelled and leaves the earlier file as it was). May be
    /// empty (default).
    std::function<bool(std::uint64_t written)> progress;
    /// Use an unnamed temporary file (O_TMPFILE) where the file system has one; default true.
    /// False forces the named temporary file (tests of that path).
    bool unnamedTemporary = true;
};

/// A file being written in place of `path`, atomically (see the top of this header). Write to
/// stream() or write(), then commit(); destroying it without commit() discards everything and
/// leaves the earlier file as it was.
class AtomicFile {
public:
    /// Checks the target and creates the temporary file. Throws FileError "cannot write
    /// '<path>': <reason>" when the folder is missing or not writable, the target is a folder,
    /// a named pipe, a device or a socket, a read-only file, or one of `options.inputs`.
    explicit AtomicFile(const std::string& path, const WriteOptions& options = {});
    ~AtomicFile();
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;

    /// A binary stream into the temporary file. A failed write throws FileError out of the
    /// stream operation (the stream's exceptions include badbit), as does a cancel (Cancelled).
    std::ostream& stream();
    /// Appends `bytes`; throws like stream().
    void write(std::string_view bytes);
    /// Writes `bytes` at `offset` (pwrite), leaving the stream's position alone. Safe from
    /// several threads at once for ranges that do not overlap (and not while the stream is
    /// written); WriteOptions::progress is not called. Throws FileError like stream().
    void writeAt(std::uint64_t offset, std::string_view bytes);
    /// Writes what is buffered, syncs, and puts the file in the target's place. Returns notes the
    /// user should see (other hard links that keep the earlier contents); throws FileError, in
    /// which case the earlier file is as it was and no temporary file is left.
    std::vector<std::string> commit();
    /// Drops the temporary file (also done by the destructor); the earlier file stays.
    void discard() noexcept;

    /// The target after following symbolic links (the file that is replaced).
    const std::string& finalPath() const;
    /// True when the temporary file has no name (nothing is left if the process dies).
    bool isUnnamed() const;

private:
    struct State;
    std::unique_ptr<State> m_state;
};

/// Writes `bytes` to `path` atomically; returns AtomicFile::commit()'s notes. Throws FileError
/// (also when `path` is an existing read-only file, which is then left as it was).
std::vector<std::string> writeFileAtomically(const std::string& path, std::string_view bytes,
                                             const WriteOptions& options = {});
/// Writes what `produce` puts into the stream, atomically, as it is produced. Anything thrown
/// inside `produce` discards the file; std::bad_alloc becomes FileError ("not enough memory").
std::vector<std::string> writeFileAtomically(const std::string& path,
                                             const std::function<void(std::ostream&)>& produce,
                                             const WriteOptions& options = {});

} // namespace attnlab::core
