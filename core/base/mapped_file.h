#pragma once
// Read-only memory maps of large files (model weights) and a safe reader for small files next to
// them. Both open the file non-blocking and check that it is a regular file before reading, so
// that a FIFO, a device or a folder in place of a weights file fails at once instead of hanging.

#include <cstddef>
#include <cstdint>
#include <string>

namespace attnlab::core {

/// A whole regular file mapped read-only. Move-only; the mapping lives as long as the object.
/// Reading the bytes is safe from any thread. If another program truncates the file while it is
/// mapped, reading the lost pages raises SIGBUS: model folders are expected not to change while
/// open.
class MappedFile {
public:
    /// Maps `path`. Throws FileError naming the file when it is missing, not a regular file
    /// (folder, FIFO, device), empty, or cannot be mapped.
    explicit MappedFile(const std::string& path);
    ~MappedFile();
    MappedFile(MappedFile&& other) noexcept;
    MappedFile& operator=(MappedFile&& other) noexcept;
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;

    const std::byte* data() const { return m_data; }
    std::size_t size() const { return m_size; }
    const std::string& path() const { return m_path; }

    /// Asks the kernel to start reading [offset, offset + length) ahead of use (asynchronous;
    /// never blocks, never fails).
    void prefetch(std::size_t offset, std::size_t length) const;
    /// Tells the kernel the range is no longer needed, so that its pages leave this process's
    /// resident memory (they are read again from the file if touched later).
    void release(std::size_t offset, std::size_t length) const;

private:
    void unmap() noexcept;

    std::string m_path;
    const std::byte* m_data = nullptr;
    std::size_t m_size = 0;
};

/// The bytes of a small regular file (config.json, an index). Throws FileError naming the file
/// when it is missing, not a regular file, unreadable or larger than `maxBytes`.
std::string readRegularFile(const std::string& path, std::uintmax_t maxBytes);

} // namespace attnlab::core
