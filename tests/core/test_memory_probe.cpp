// The peak memory probe of the complexity lab sees memory a computation touches and gives back.

#include "core/efficient/memory_probe.h"

#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <thread>

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
