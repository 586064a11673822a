// An exception thrown inside an OpenMP region (a failed allocation in a parallel loop) reaches
// the caller after the region instead of ending the program.

#include "core/base/parallel_errors.h"
#include "core/base/types.h"
#include "core/efficient/kernel_support.h"

#include <gtest/gtest.h>

#include <atomic>
#include <new>
#include <stdexcept>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_parallel_errors {

using namespace attnlab::core;

TEST(ParallelErrors, TheFirstExceptionOfAParallelLoopIsRethrownAfterIt) {
    for (int failing : {0, 7, 63}) {
        ParallelErrors errors;
        std::atomic<int> ran{0};
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 1)
#endif
        for (int i = 0; i < 64; ++i)
            errors.run([&] {
                ++ran;
                if (i == failing)
                    throw std::bad_alloc();
            });
        EXPECT_TRUE(errors.failed());
        EXPECT_THROW(errors.rethrow(), std::bad_alloc);
        EXPECT_GE(ran.load(), 1);
        EXPECT_LE(ran.load(), 64);
    }
}

TEST(ParallelErrors, NothingThrownNothingRethrown) {
    ParallelErrors errors;
    int sum = 0;
    for (int i = 0; i < 4; ++i)
        errors.run([&] { sum += i; });
    EXPECT_FALSE(errors.failed());
    EXPECT_NO_THROW(errors.rethrow());
    EXPECT_EQ(sum, 6);
}

TEST(ParallelErrors, WorkAfterAFailureIsSkipped) {
    ParallelErrors errors;
    errors.run([] { throw std::runtime_error("first"); });
    bool ran = false;
    errors.run([&] { ran = true; });
    EXPECT_FALSE(ran);
    try {
        errors.rethrow();
        FAIL() << "nothing was rethrown";
    } catch (const std::runtime_error& error) {
        EXPECT_STREQ(error.what(), "first");
    }
}

TEST(ParallelErrors, ABlockOfTheEfficientKernelsThatThrowsReachesTheCaller) {
    for (int threads : {1, 2}) {
        EXPECT_THROW(kernels::forEachBlock(16, threads, {},
                                           [](int block) {
                                               if (block == 5)
                                                   throw std::bad_alloc();
                                           }),
                     std::bad_alloc);
    }
}

} // namespace test_parallel_errors
