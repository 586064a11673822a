#pragma once
// Peak memory of one measured computation, as the operating system sees it.
//
// Method (Linux): free heap pages are returned to the system (malloc_trim), the process's peak
// resident set is reset to its current size by writing "5" to /proc/self/clear_refs, and the
// current size is read from VmRSS in /proc/self/status; after the computation the peak is read
// from VmHWM. Peak − start is every page the computation touched and did not give back before
// its peak: its own matrices, Eigen's packing buffers, thread stacks grown for it. Counting the
// bytes the kernels allocate would miss the library's internal buffers and count untouched
// reservations, so the resident set is the honest figure. It is process-wide: other threads
// allocating at the same time (a window redrawing) add to it, and its resolution is a page.
// Blocks of 128 KiB or more are counted on any thread: the first probe fixes glibc's mmap and
// trim thresholds at 128 KiB for the process (see memory_probe.cpp), undoing the program's
// allocator policy; smaller blocks may reuse pages that were resident.

#include <cstdint>
#include <string_view>

namespace attnlab::core {

class PeakMemoryProbe {
public:
    /// Resets the peak and reads the starting resident size.
    PeakMemoryProbe();
    /// False where the peak cannot be reset or read (not Linux, /proc unavailable) or means
    /// nothing (a build with AddressSanitizer, whose allocator keeps freed blocks resident).
    bool available() const { return m_available; }
    /// Bytes by which the peak resident set rose above the start; −1 when unavailable.
    std::int64_t peakBytes() const;
    /// One sentence naming the method, for reports.
    static std::string_view method();

private:
    bool m_available = false;
    std::int64_t m_startBytes = 0;
};

} // namespace attnlab::core
