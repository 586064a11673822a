// The shared test helpers (tests/test_support.h) do what the tests rely on: the matrix
// comparison fails where it should and names the cell, temporary folders disappear, child
// processes report exit codes, output, environment and timeouts, seeded matrices repeat, error
// messages are caught by type and text containment fails where it should.

#include "test_support.h"

#include <gtest/gtest.h>

#include <sys/resource.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <limits>
#include <numbers>
#include <random>
#include <stdexcept>
#include <string>

namespace fs = std::filesystem;
using attnlab::testing::EnvironmentChanges;
using attnlab::testing::errorMessageOf;
using attnlab::testing::ProcessResult;
using attnlab::testing::randomMatrix;
using attnlab::testing::readFile;
using attnlab::testing::RunExtras;
using attnlab::testing::runProgram;
using attnlab::testing::TempDir;
using attnlab::testing::writeFile;

namespace {

::testing::AssertionResult near(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b, double tol) {
    return attnlab::testing::eigenNear("a", "b", "tol", a, b, tol);
}

} // namespace

TEST(EigenNear, AcceptsWithinToleranceAndRejectsBeyondIt) {
    Eigen::MatrixXd a(2, 2), b(2, 2);
    a << 1, 2, 3, 4;
    b << 1, 2, 3, 4 + 1e-7;
    EXPECT_TRUE(near(a, b, 1e-6));
    b(1, 1) = 4.1;
    const ::testing::AssertionResult result = near(a, b, 1e-6);
    ASSERT_FALSE(result);
    EXPECT_NE(std::string(result.message()).find("differ at (1, 1)"), std::string::npos)
        << result.message();
}

TEST(EigenNear, RelativeForLargeValuesAbsoluteForSmallOnes) {
    Eigen::MatrixXd a(1, 2), b(1, 2);
    a << 1e6, 1e-3;
    b << 1e6 + 0.5, 1e-3;
    EXPECT_TRUE(near(a, b, 1e-6)) << "0.5 on 1e6 is within 1e-6 relative";
    b << 1e6, 2e-3;
    EXPECT_FALSE(near(a, b, 1e-6)) << "1e-3 apart is beyond 1e-6 absolute";
}

TEST(EigenNear, ShapesInfinitiesAndNaN) {
    EXPECT_FALSE(near(Eigen::MatrixXd::Zero(2, 3), Eigen::MatrixXd::Zero(3, 2), 1.0));
    const double inf = std::numeric_limits<double>::infinity();
    Eigen::MatrixXd a(1, 2), b(1, 2);
    a << inf, -inf;
    b << inf, -inf;
    EXPECT_TRUE(near(a, b, 0.0));
    b << inf, inf;
    EXPECT_FALSE(near(a, b, 1e300));
    a << std::nan(""), 0;
    b << std::nan(""), 0;
    EXPECT_FALSE(near(a, b, 1e300)) << "NaN equals nothing";
}

TEST(EigenNear, MacroAcceptsMatricesOfDifferentScalarsAndArrays) {
    Eigen::MatrixXf f = Eigen::MatrixXf::Constant(2, 2, 0.5f);
    Eigen::MatrixXd d = Eigen::MatrixXd::Constant(2, 2, 0.5);
    EXPECT_EIGEN_NEAR(f, d, 1e-7);
    EXPECT_EIGEN_NEAR(f.array(), d.array() + 1e-9, 1e-7);
}

TEST(RandomMatrix, SameSeedSameNumbersOtherSeedOtherNumbers) {
    const Eigen::MatrixXd a = randomMatrix(4, 5, 7);
    EXPECT_EQ(a, randomMatrix(4, 5, 7));
    EXPECT_NE(a, randomMatrix(4, 5, 8));
    // Float matrices are the same draws rounded.
    const auto f = randomMatrix<Eigen::MatrixXf>(4, 5, 7);
    EXPECT_EIGEN_NEAR(f, a, 1e-6);
}

TEST(RandomMatrix, FirstDrawsAreFixed) {
    // The documented stream: mt19937_64 (fixed by the standard), 53-bit uniforms in (0, 1), and
    // Box–Muller giving r·cos then r·sin of each pair of uniforms, row by row.
    const Eigen::MatrixXd a = randomMatrix(1, 3, 1);
    std::mt19937_64 bits(1);
    const double u1 = (static_cast<double>(bits() >> 11) + 0.5) * 0x1.0p-53;
    const double u2 = (static_cast<double>(bits() >> 11) + 0.5) * 0x1.0p-53;
    const double r = std::sqrt(-2.0 * std::log(u1));
    EXPECT_DOUBLE_EQ(a(0, 0), r * std::cos(2.0 * std::numbers::pi * u2));
    EXPECT_DOUBLE_EQ(a(0, 1), r * std::sin(2.0 * std::numbers::pi * u2));
}

TEST(RandomMatrix, MomentsFitTheDistribution) {
    const Eigen::MatrixXd a = randomMatrix(200, 200, 3, 2.0);
    const double mean = a.mean();
    const double variance = (a.array() - mean).square().mean();
    EXPECT_NEAR(mean, 0.0, 0.05);
    EXPECT_NEAR(variance, 4.0, 0.1);
}

TEST(TempDirTest, FolderExistsAndIsRemovedWithItsContents) {
    fs::path kept;
    {
        TempDir dir;
        kept = dir.path();
        ASSERT_TRUE(fs::is_directory(kept));
        EXPECT_TRUE(dir.entries().empty());
        writeFile(dir.file("a.txt"), "héllo\n");
        fs::create_directories(dir.path() / "sub" / "deeper");
        writeFile((dir.path() / "sub" / "deeper" / "b").string(), "b");
        // A folder the test made read-only must not stop the clean-up.
        fs::permissions(dir.path() / "sub", fs::perms::owner_read | fs::perms::owner_exec);
        EXPECT_EQ(dir.entries(), (std::vector<std::string>{"a.txt", "sub"}));
    }
    EXPECT_FALSE(fs::exists(kept));
}

TEST(Files, ReadBackWhatWasWrittenByteForByte) {
    TempDir dir;
    const std::string bytes("a\0b\r\n\xff", 6);
    writeFile(dir.file("x"), bytes);
    EXPECT_EQ(readFile(dir.file("x")), bytes);
    EXPECT_THROW(readFile(dir.file("missing")), std::runtime_error);
}

TEST(Files, TempDirWriteReturnsThePathOfTheWrittenFile) {
    TempDir dir;
    const std::string path = dir.write("y.txt", "bytes");
    EXPECT_EQ(path, dir.file("y.txt"));
    EXPECT_EQ(readFile(path), "bytes");
}

TEST(ErrorMessageOf, TheMessageOfTheExpectedTypeAndMarkersOtherwise) {
    EXPECT_EQ(errorMessageOf<std::invalid_argument>([] { throw std::invalid_argument("bad x"); }),
              "bad x");
    EXPECT_EQ(errorMessageOf<std::invalid_argument>([] { throw std::runtime_error("other"); }),
              "<wrong exception type: other>");
    EXPECT_EQ(errorMessageOf<std::invalid_argument>([] {}), "<no exception>");
}

TEST(Contains, AcceptsAPartAndNamesBothOtherwise) {
    EXPECT_CONTAINS("line 2: 'x' is not a number", "'x'");
    EXPECT_TRUE(attnlab::testing::contains("t", "p", "abc", ""));
    const ::testing::AssertionResult missing = attnlab::testing::contains("t", "p", "abc", "abd");
    EXPECT_FALSE(missing);
    EXPECT_CONTAINS(std::string(missing.message()), "t = \"abc\" does not contain p = \"abd\"");
}

TEST(RunProgram, ExitCodeStdoutAndStderrApart) {
    const ProcessResult run = runProgram({"/bin/sh", "-c", "printf out; printf err >&2; exit 3"});
    EXPECT_EQ(run.exitCode, 3) << describe(run);
    EXPECT_EQ(run.out, "out");
    EXPECT_EQ(run.err, "err");
    EXPECT_FALSE(run.timedOut);
}

TEST(RunProgram, LargeOutputOnBothStreamsDoesNotBlock) {
    // 1 MB on each stream: more than a pipe holds, so both must be read while the child runs.
    const ProcessResult run =
        runProgram({"/bin/sh", "-c", "head -c 1000000 /dev/zero; head -c 1000000 /dev/zero >&2"});
    EXPECT_EQ(run.exitCode, 0) << run.err.substr(0, 200);
    EXPECT_EQ(run.out.size(), 1000000u);
    EXPECT_EQ(run.err.size(), 1000000u);
}

TEST(RunProgram, EnvironmentIsSetAndRemoved) {
    ::setenv("ATTNLAB_SUPPORT_REMOVED", "present", 1);
    const EnvironmentChanges env = {{"ATTNLAB_SUPPORT_SET", "值 1"},
                                    {"ATTNLAB_SUPPORT_REMOVED", std::nullopt}};
    const ProcessResult run = runProgram(
        {"/bin/sh", "-c", "echo \"$ATTNLAB_SUPPORT_SET|${ATTNLAB_SUPPORT_REMOVED-unset}\""}, env);
    ::unsetenv("ATTNLAB_SUPPORT_REMOVED");
    EXPECT_EQ(run.out, "值 1|unset\n") << describe(run);
}

TEST(RunProgram, TimeoutKillsTheChildAndWhatItStarted) {
    // The grandchild (sleep) keeps stdout open; the kill of the process group ends it too, so
    // the call returns at the timeout instead of after 30 s.
    const auto start = std::chrono::steady_clock::now();
    const ProcessResult run = runProgram({"/bin/sh", "-c", "sleep 30 & echo started; wait"}, {},
                                         std::chrono::milliseconds(500));
    const auto elapsed = std::chrono::steady_clock::now() - start;
    EXPECT_TRUE(run.timedOut) << describe(run);
    EXPECT_EQ(run.exitCode, 128 + SIGKILL);
    EXPECT_EQ(run.out, "started\n");
    EXPECT_LT(elapsed, std::chrono::seconds(20));
}

TEST(RunProgram, InputWorkingDirectoryAndChildSetup) {
    TempDir dir;
    RunExtras extras;
    extras.input = "line one\nline two\n";
    extras.workingDirectory = dir.path().string();
    extras.inChild = [] {
        const rlimit limit{1000, 1000}; // a file-size limit, as tests of failed writes use
        ::setrlimit(RLIMIT_FSIZE, &limit);
    };
    const ProcessResult run = runProgram({"/bin/sh", "-c", "wc -l; pwd; ulimit -f"}, {},
                                         std::chrono::seconds(30), extras);
    EXPECT_EQ(run.exitCode, 0) << describe(run);
    EXPECT_EQ(run.out, "2\n" + fs::canonical(dir.path()).string() + "\n1\n") << describe(run);
}

TEST(RunProgram, MissingProgramExits127) {
    const ProcessResult run = runProgram({"/nonexistent/attnlab-no-such-program"});
    EXPECT_EQ(run.exitCode, 127);
}
