// The peak memory probe of the complexity lab sees memory a computation touches and gives back;
// the program's allocator policy keeps freed memory for the next block of the same size.

#include "core/base/memory.h"
#include "core/efficient/memory_probe.h"

#include "process_testing.h"

#include <gtest/gtest.h>

#include <sys/mman.h>
#include <sys/resource.h>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <thread>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_memory_probe {

namespace {

long minorFaults() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_minflt;
}

// Keeps the compiler from removing a block it can prove unused (new/delete pairs may be elided).
void keep(char* block) {
    asm volatile("" : : "r"(block) : "memory");
}

// Page faults taken by touching a fresh block of `bytes` (4 MiB unless said) after an earlier
// one of the same size was freed, as each training step and keystroke does with its matrices.
// (Unused where the tests below skip: under AddressSanitizer, or without glibc.)
[[maybe_unused]] long faultsOfASecondBlock(std::size_t bytes = std::size_t{4} << 20) {
    // Free memory the test program's earlier tests left at the top of the heap would serve the
    // blocks whatever the policy (glibc takes a block from there before it considers a mapping).
#if defined(__GLIBC__)
    malloc_trim(0);
#endif
    const std::size_t kBytes = bytes;
    char* first = static_cast<char*>(std::malloc(kBytes));
    std::memset(first, 1, kBytes);
    keep(first);
    std::free(first);
    const long before = minorFaults();
    char* second = static_cast<char*>(std::malloc(kBytes));
    std::memset(second, 2, kBytes);
    keep(second);
    const long faults = minorFaults() - before;
    std::free(second);
    return faults;
}

} // namespace

TEST(AllocatorPolicy, AFreedBlockIsReusedWithoutPageFaults) {
#if !defined(__GLIBC__) || defined(ATTNLAB_ADDRESS_SANITIZER)
    GTEST_SKIP() << "the policy is glibc's; AddressSanitizer replaces the allocator";
#else
    // In children, so that neither policy reaches the other tests of this program.
    const auto withDefaults = attnlab::testing::runInChild([](std::string& report) {
        // glibc's starting threshold, held fixed (this process may have raised it already).
        mallopt(M_MMAP_THRESHOLD, 128 * 1024);
        report = std::to_string(faultsOfASecondBlock());
        return 0;
    });
    const auto withPolicy = attnlab::testing::runInChild([](std::string& report) {
        attnlab::core::keepFreedMemoryForReuse();
        report = std::to_string(faultsOfASecondBlock());
        return 0;
    });
    ASSERT_EQ(withDefaults.exitCode, 0) << withDefaults.describe();
    ASSERT_EQ(withPolicy.exitCode, 0) << withPolicy.describe();
    // 4 MiB is 1024 pages: glibc's defaults map the block afresh (one fault per page), the
    // policy hands back the pages of the freed one.
    EXPECT_GE(std::stol(withDefaults.report), 512) << "glibc's defaults reused the block";
    EXPECT_LT(std::stol(withPolicy.report), 64) << "the freed block was not reused";
#endif
}

// One map of a 4096-token input (4096 × 4096 floats, 64 MiB, plus the few bytes of the
// allocator's header): the window thread draws such maps one after another, and a fresh mapping
// for each cost it a page fault per 4 KiB in the turn that draws it.
TEST(AllocatorPolicy, AMapOfTheLongestInputIsReusedWithoutPageFaults) {
#if !defined(__GLIBC__) || defined(ATTNLAB_ADDRESS_SANITIZER)
    GTEST_SKIP() << "the policy is glibc's; AddressSanitizer replaces the allocator";
#else
    constexpr std::size_t kMap = std::size_t{4096} * 4096 * sizeof(float);
    const auto withPolicy = attnlab::testing::runInChild([&](std::string& report) {
        attnlab::core::keepFreedMemoryForReuse();
        report = std::to_string(faultsOfASecondBlock(kMap));
        return 0;
    });
    ASSERT_EQ(withPolicy.exitCode, 0) << withPolicy.describe();
    // 16384 pages of 4 KiB if mapped afresh.
    EXPECT_LT(std::stol(withPolicy.report), 256) << "the freed map was not reused";
#endif
}

namespace {

// Page faults taken by the first writes to 64 MiB of fresh anonymous memory (2 MiB-aligned),
// with or without the huge-page advice; -1 when it cannot be mapped.
long faultsOfAFreshRegion(bool advise) {
    constexpr std::size_t kHuge = std::size_t{2} << 20;
    constexpr std::size_t kBytes = std::size_t{64} << 20;
    void* mapping =
        mmap(nullptr, kBytes + kHuge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mapping == MAP_FAILED)
        return -1;
    const auto address = reinterpret_cast<std::uintptr_t>(mapping);
    char* region = static_cast<char*>(mapping) + (((address + kHuge - 1) & ~(kHuge - 1)) - address);
    if (advise)
        attnlab::core::adviseHugePages(region, kBytes);
    const long before = minorFaults();
    std::memset(region, 1, kBytes);
    keep(region);
    const long faults = minorFaults() - before;
    munmap(mapping, kBytes + kHuge);
    return faults;
}

// Whether the kernel gives transparent huge pages to regions that ask (Linux "always" or
// "madvise", not "never").
bool hugePagesOnRequest() {
    std::ifstream setting("/sys/kernel/mm/transparent_hugepage/enabled");
    std::string line;
    std::getline(setting, line);
    return line.find("[always]") != std::string::npos ||
           line.find("[madvise]") != std::string::npos;
}

} // namespace

// The n × n matrices of a long input are written once, fresh: with the advice their first writes
// fault once per 2 MiB rather than once per 4 KiB page.
TEST(HugePages, AnAdvisedFreshRegionTakesFarFewerPageFaults) {
#if defined(ATTNLAB_ADDRESS_SANITIZER)
    GTEST_SKIP() << "AddressSanitizer's checks of the writes fault on its own shadow pages";
#endif
    if (!hugePagesOnRequest())
        GTEST_SKIP() << "this kernel gives no transparent huge pages on request";
    const long plain = faultsOfAFreshRegion(false);
    const long advised = faultsOfAFreshRegion(true);
    ASSERT_GE(plain, 0);
    ASSERT_GE(advised, 0);
    // 64 MiB: 16384 pages of 4 KiB or 32 of 2 MiB ("always" may give huge pages to both).
    EXPECT_LT(advised, 512) << "the advised region faulted page by page";
    EXPECT_LT(advised, plain / 4 + 512);
}

TEST(PeakMemoryProbe, SeesTouchedMemoryAfterItIsFreed) {
    const attnlab::core::PeakMemoryProbe probe;
    if (!probe.available())
        GTEST_SKIP() << "the peak resident set cannot be reset here (/proc/self/clear_refs)";
    constexpr std::size_t kBytes = std::size_t{96} << 20;
    {
        std::unique_ptr<char[]> block(new char[kBytes]);
        std::memset(block.get(), 1, kBytes);
        volatile char sink = block[kBytes / 2];
        (void)sink;
    }
    EXPECT_GE(probe.peakBytes(), static_cast<std::int64_t>(kBytes) * 9 / 10);
    // A new probe starts from the current size: the freed block is not counted again.
    const attnlab::core::PeakMemoryProbe fresh;
    EXPECT_LT(fresh.peakBytes(), static_cast<std::int64_t>(kBytes) / 2);
    EXPECT_FALSE(attnlab::core::PeakMemoryProbe::method().empty());
}

namespace {

// Allocates `bytes`, writes every page, frees them (the barrier keeps the compiler from
// leaving out an allocation whose contents nobody reads).
void touch(std::size_t bytes) {
    std::unique_ptr<char[]> block(new char[bytes]);
    std::memset(block.get(), 1, bytes);
    asm volatile("" : : "r"(block.get()) : "memory");
}

} // namespace

// A worker thread (as the window's lab runs on) whose earlier large blocks taught the allocator
// to keep blocks of a few MiB in its own heap: what it touches again is still counted, not taken
// from pages that stayed resident (which the window's measurements of small kinds were).
TEST(PeakMemoryProbe, CountsAWorkerThreadsBlocksAfterLargerOnesWereFreed) {
    if (!attnlab::core::PeakMemoryProbe().available())
        GTEST_SKIP() << "the peak resident set cannot be reset here (/proc/self/clear_refs)";
    constexpr std::size_t kBlock = std::size_t{8} << 20;
    std::int64_t peak = -1;
    std::thread worker([&] {
        // Freed, a 16 MiB block raises glibc's threshold above 8 MiB: the next 8 MiB come from
        // the thread's heap and stay resident when freed.
        touch(std::size_t{16} << 20);
        touch(kBlock);
        const attnlab::core::PeakMemoryProbe probe;
        touch(kBlock);
        peak = probe.peakBytes();
    });
    worker.join();
    EXPECT_GE(peak, static_cast<std::int64_t>(kBlock) * 9 / 10);
}

} // namespace test_memory_probe
