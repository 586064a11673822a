#include "core/efficient/memory_probe.h"

#include "core/base/message.h"

#include <algorithm>
#include <fstream>
#include <string>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace attnlab::core {
namespace {

constexpr int kMmapThresholdBytes = 128 * 1024;

// AddressSanitizer replaces the allocator and holds freed blocks in a quarantine (256 MiB by
// default) before reusing them, so the resident peak grows with every block allocated, not with
// the most alive at once: there the probe reports itself unavailable rather than a wrong peak.
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kAllocatorReplaced = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kAllocatorReplaced = true;
#else
constexpr bool kAllocatorReplaced = false;
#endif
#else
constexpr bool kAllocatorReplaced = false;
#endif

// A "Vm…:   1234 kB" line of /proc/self/status in bytes, or −1.
std::int64_t statusBytes(std::string_view field) {
#if defined(__linux__)
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.compare(0, field.size(), field) == 0 && line.size() > field.size() &&
            line[field.size()] == ':')
            return std::stoll(line.substr(field.size() + 1)) * 1024;
#else
    (void)field;
#endif
    return -1;
}

} // namespace

PeakMemoryProbe::PeakMemoryProbe() {
    if (kAllocatorReplaced)
        return;
#if defined(__linux__)
#if defined(__GLIBC__)
    // glibc raises its mmap threshold (up to 32 MiB) after a large block is freed; blocks below
    // it then come from a thread's heap, whose free top stays resident (malloc_trim returns only
    // the main heap's), so a worker thread that measured before would reuse those pages unseen.
    // Fixed at glibc's initial 128 KiB, every block of 128 KiB or more is mapped afresh and
    // counted. Process-wide and lasting: only programs that measure are affected.
    mallopt(M_MMAP_THRESHOLD, kMmapThresholdBytes);
    // The program's policy (core/base/memory.h) keeps up to 512 MiB of freed memory in the heap,
    // which a small measurement would reuse unseen and a large one would not: glibc's own trim
    // threshold (also 128 KiB) hands the free top back as measurements expect.
    mallopt(M_TRIM_THRESHOLD, kMmapThresholdBytes);
    malloc_trim(0);
#endif
    std::ofstream clear("/proc/self/clear_refs");
    clear << "5";
    clear.close();
    if (!clear)
        return;
    m_startBytes = statusBytes("VmRSS");
    m_available = m_startBytes >= 0 && statusBytes("VmHWM") >= 0;
#endif
}

std::int64_t PeakMemoryProbe::peakBytes() const {
    if (!m_available)
        return -1;
    const std::int64_t peak = statusBytes("VmHWM");
    return peak < 0 ? -1 : std::max<std::int64_t>(0, peak - m_startBytes);
}

std::string_view PeakMemoryProbe::method() {
    if (kAllocatorReplaced)
        return translatable("none: AddressSanitizer's allocator keeps freed blocks resident, so "
                            "the peak resident set does not show the computation's peak");
    return translatable("peak resident set (VmHWM) above the start, after resetting it through "
                        "/proc/self/clear_refs and returning free heap pages");
}

} // namespace attnlab::core
