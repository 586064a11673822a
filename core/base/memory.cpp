#include "core/base/memory.h"

#include <sys/resource.h>
#include <unistd.h>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <algorithm>

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
    constexpr int kHeapBlockBytes = 64 * 1024 * 1024;
    constexpr int kKeptFreeBytes = 512 * 1024 * 1024;
    mallopt(M_MMAP_THRESHOLD, kHeapBlockBytes);
    mallopt(M_TRIM_THRESHOLD, kKeptFreeBytes);
#endif
}

} // namespace attnlab::core
