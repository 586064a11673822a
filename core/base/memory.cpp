#include "core/base/memory.h"

#include <sys/resource.h>
#include <unistd.h>

#ifdef __linux__
#include <sys/mman.h>
#endif

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <algorithm>
#include <cstdint>

namespace attnlab::core {

double availableMemoryBytes() {
    const long pages = sysconf(_SC_PHYS_PAGES);
    const long pageSize = sysconf(_SC_PAGE_SIZE);
    double bytes = pages > 0 && pageSize > 0
                       ? static_cast<double>(pages) * static_cast<double>(pageSize)
                       : 4e9;
    rlimit limit{};
    if (getrlimit(RLIMIT_AS, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY)
        bytes = std::min(bytes, static_cast<double>(limit.rlim_cur));
    return bytes;
}

void keepFreedMemoryForReuse() {
#if defined(__GLIBC__)
    constexpr int kHeapBlockBytes = 256 * 1024 * 1024; // see memory.h
    constexpr int kKeptFreeBytes = 512 * 1024 * 1024;
    mallopt(M_MMAP_THRESHOLD, kHeapBlockBytes);
    mallopt(M_TRIM_THRESHOLD, kKeptFreeBytes);
#endif
}

void adviseHugePages(void* data, std::size_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    constexpr std::uintptr_t kHuge = std::uintptr_t{2} << 20;
    if (data == nullptr || bytes < 2 * kHuge)
        return;
    // The aligned start is reached by offsetting `data`, not by turning an integer back into a
    // pointer, so the compiler keeps track of what it points to.
    const auto address = reinterpret_cast<std::uintptr_t>(data);
    const auto begin = (address + kHuge - 1) & ~(kHuge - 1);
    const auto end = (address + bytes) & ~(kHuge - 1);
    if (end > begin)
        madvise(static_cast<char*>(data) + (begin - address), end - begin,
                MADV_HUGEPAGE); // advice only
#else
    (void)data;
    (void)bytes;
#endif
}

} // namespace attnlab::core
