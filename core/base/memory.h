#pragma once
// How much memory this computer has, for the checks that refuse a request before allocating it
// (an allocation that fails half-way is slower to report and noisier than a refusal up front);
// the allocator policy of the program, and huge pages for large buffers.

#include <Eigen/Core>

#include <cstddef>

namespace attnlab::core {

/// The computer's physical memory in bytes, or lower if the process's address space is limited;
/// 4e9 when the system does not say.
double availableMemoryBytes();

/// The program's allocator policy (glibc; a no-op elsewhere): blocks up to 256 MiB come from the
/// heap rather than their own mapping (one map of a 4096-token input is 64 MiB and a few bytes),
/// and up to 512 MiB of freed memory stays in the heap. Each
/// keystroke's result, training step and export allocates and frees matrices of the same sizes
/// again and again; with glibc's defaults the freed ones go back to the system and return as page
/// faults, which cost more than the arithmetic (2.5× at 512 tokens with 8 heads, 4× for a
/// training step of the default model). Process-wide, so the core never calls it: the program's
/// main and the window's controller do, and benchmarks that time what the program does.
void keepFreedMemoryForReuse();

/// Asks the system to back [data, data + bytes) with transparent huge pages (Linux; elsewhere
/// nothing): call it on a large buffer before writing it. A first write then faults once per
/// 2 MiB instead of once per 4 KiB, which matters where page faults are slow (virtual machines):
/// writing a fresh 256 MiB output can otherwise take longer than computing it.
void adviseHugePages(void* data, std::size_t bytes);

/// The same for the storage of a matrix just allocated, before anything writes it.
template <typename Derived> void adviseHugePages(Eigen::PlainObjectBase<Derived>& matrix) {
    adviseHugePages(matrix.data(),
                    sizeof(typename Derived::Scalar) * static_cast<std::size_t>(matrix.size()));
}

} // namespace attnlab::core
