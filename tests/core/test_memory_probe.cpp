// The peak memory probe of the complexity lab sees memory a computation touches and gives back.

#include "core/efficient/memory_probe.h"

#include <gtest/gtest.h>

#include <cstring>
#include <memory>

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
