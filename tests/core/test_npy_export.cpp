// The streamed .npy export of the weights (core/io/npy_export.h): a run that hands its weights to
// the file block by block writes the same bytes as the export of a run that kept them, and a
// failure anywhere leaves the earlier file as it was.

#include "core/base/npy.h"
#include "core/io/data_export.h"
#include "core/io/npy_export.h"
#include "core/model/builtin_model.h"

#include "test_support.h"

#include <gtest/gtest.h>

#include <sys/resource.h>

#include <algorithm>
#include <cmath>
#include <csignal>
#include <filesystem>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_npy_export {

using namespace attnlab::core;
using attnlab::testing::readFile;
using attnlab::testing::TempDir;

namespace {

std::string words(int n) {
    std::string text;
    for (int i = 0; i < n; ++i)
        text += (i > 0 ? " w" : "w") + std::to_string(i % 97);
    return text;
}

// The options of an export of the weights alone, streamed into `sink` when there is one.
RunOptions weightsExport(WeightsSink* sink = nullptr) {
    RunOptions run;
    run.trace = false;
    run.weightsOnly = true;
    run.weightsSink = sink;
    return run;
}

// The bytes exportData writes for a run that kept its weights.
std::string keptNpy(const Config& config) {
    const ModelOutput output = runBuiltin(config, weightsExport());
    EXPECT_FALSE(output.weightsStreamed);
    std::ostringstream out;
    writeNpy(output, out);
    return out.str();
}

// The bytes of the file a run streams its weights into.
std::string streamedNpy(const Config& config, const std::string& path, bool expectStreamed = true) {
    NpyWeightsFile file(path);
    const ModelOutput output = runBuiltin(config, weightsExport(&file));
    EXPECT_EQ(output.weightsStreamed, expectStreamed);
    if (output.weightsStreamed) {
        EXPECT_TRUE(output.maps.weights.empty());
    }
    file.finish(output);
    return readFile(path);
}

struct StreamCase {
    std::string name;
    int tokens = 0;
    int heads = 1;
    std::string mask = "none";
    ScoringFunction scoring = ScoringFunction::ScaledDot;
    Normalizer normalizer = Normalizer::Softmax;
    bool cross = false;
};

class StreamedNpy : public ::testing::TestWithParam<StreamCase> {};

TEST_P(StreamedNpy, SameBytesAsTheExportOfTheKeptWeights) {
    const StreamCase& c = GetParam();
    Config config;
    config.sentence = words(c.tokens);
    if (c.cross)
        config.source = words(c.tokens / 2 + 3);
    config.heads = c.heads;
    config.dModel = 32;
    config.scoring = c.scoring;
    config.normalizer = c.normalizer;
    config.mask = parseMask(c.mask);
    config.seed = 7;
    TempDir dir;
    const std::string expected = keptNpy(config);
    const std::string streamed = streamedNpy(config, dir.file("w.npy"));
    EXPECT_EQ(dir.entries(), std::vector<std::string>{"w.npy"});
    // The same header, and the same weights to rounding: a block of rows computed into its own
    // buffer starts at another memory alignment than the same rows of a whole map, which can
    // change the order of a row's vectorised sum in the last bit.
    const NpyArray kept = parseNpy(expected, "kept.npy");
    const NpyArray file = parseNpy(streamed, "w.npy");
    ASSERT_EQ(streamed.size(), expected.size());
    EXPECT_EQ(streamed.substr(0, 128), expected.substr(0, 128));
    ASSERT_EQ(file.shape, kept.shape);
    float largest = 0.0f;
    std::size_t differing = 0;
    for (std::size_t i = 0; i < kept.data.size(); ++i) {
        largest = std::max(largest, std::abs(file.data[i] - kept.data[i]));
        differing += file.data[i] != kept.data[i] ? 1 : 0;
        // Exact zeros (masked keys, sparsemax's and relu's zeros) stay exact.
        if ((kept.data[i] == 0.0f) != (file.data[i] == 0.0f))
            ADD_FAILURE() << "cell " << i << ": " << kept.data[i] << " kept, " << file.data[i]
                          << " streamed";
    }
    EXPECT_LE(largest, 1e-6f) << differing << " of " << kept.data.size() << " cells differ";
}

// Blocks of rows: 1,500 keys make several blocks per head, so rows arrive out of order from two
// threads; one head splits its blocks between the threads, several heads run side by side.
INSTANTIATE_TEST_SUITE_P(
    Cases, StreamedNpy,
    ::testing::Values(
        StreamCase{"OneHeadManyBlocks", 1500, 1}, StreamCase{"FourHeads", 1500, 4},
        StreamCase{"CausalTwoHeads", 900, 2, "causal"},
        StreamCase{"WindowWithFullyVisibleRows", 700, 2, "window:3"},
        StreamCase{"PaddingMaskedRows", 300, 2, "padding:340"},
        StreamCase{"AdditiveScoresWholeMatrix", 400, 2, "none", ScoringFunction::Additive},
        StreamCase{"SparsemaxNormaliser", 500, 2, "causal", ScoringFunction::ScaledDot,
                   Normalizer::Sparsemax},
        StreamCase{"ReluFlagsRows", 300, 4, "none", ScoringFunction::Dot, Normalizer::Relu},
        StreamCase{"CrossAttention", 800, 2, "none", ScoringFunction::ScaledDot,
                   Normalizer::Softmax, true},
        StreamCase{"FewTokens", 3, 8}),
    [](const ::testing::TestParamInfo<StreamCase>& info) { return info.param.name; });

TEST(StreamedNpy, KindsWithWholeMapsAreWrittenFromWhatTheRunKept) {
    // Linear attention's kernel gives whole maps: the run keeps them and finish() writes them.
    Config config;
    config.sentence = words(200);
    config.heads = 2;
    config.dModel = 16;
    config.attention = AttentionKind::Linear;
    TempDir dir;
    EXPECT_EQ(streamedNpy(config, dir.file("w.npy"), false), keptNpy(config));
}

TEST(StreamedNpy, SeveralLayersGetTheFourDimensionalShape) {
    ModelOutput output;
    output.maps.layers = 2;
    output.maps.heads = 3;
    for (int i = 0; i < 2; ++i) {
        output.maps.queryTokens.push_back({"q" + std::to_string(i)});
        output.maps.keyTokens.push_back({"k" + std::to_string(i)});
    }
    output.maps.keyTokens.push_back({"k2"});
    for (int m = 0; m < 6; ++m)
        output.maps.weights.push_back(Matrix::Constant(2, 3, static_cast<float>(m) / 8.0f));
    TempDir dir;
    NpyWeightsFile file(dir.file("w.npy"));
    file.finish(output);
    const NpyArray array = parseNpy(readFile(dir.file("w.npy")), "w.npy");
    EXPECT_EQ(array.shape, (std::vector<std::int64_t>{2, 3, 2, 3}));
    for (int m = 0; m < 6; ++m)
        EXPECT_EQ(array.data[static_cast<std::size_t>(m * 6 + 5)], static_cast<float>(m) / 8.0f);
    std::ostringstream kept;
    writeNpy(output, kept);
    EXPECT_EQ(readFile(dir.file("w.npy")), kept.str());
}

TEST(StreamedNpy, AFailedRunLeavesTheEarlierFile) {
    // The progress callback cancels after the first head: some blocks are in the temporary file
    // already, and none of it may reach the target.
    TempDir dir;
    const std::string path = dir.write("w.npy", "earlier export");
    Config config;
    config.sentence = words(600);
    config.heads = 4;
    config.dModel = 16;
    {
        NpyWeightsFile file(path);
        EXPECT_THROW(
            runBuiltin(config, weightsExport(&file), [](int done, int) { return done < 2; }),
            Cancelled);
    }
    EXPECT_EQ(readFile(path), "earlier export");
    EXPECT_EQ(dir.entries(), std::vector<std::string>{"w.npy"});
}

TEST(StreamedNpy, MissingRowsAreRefusedAndNothingIsWritten) {
    TempDir dir;
    const std::string path = dir.write("w.npy", "earlier export");
    ModelOutput output;
    output.weightsStreamed = true; // as if the run had streamed, but only one head arrived
    NpyWeightsFile file(path);
    file.begin(1, 2, 3, 4);
    file.rows(0, 0, 0, Matrix::Constant(3, 4, 0.25f));
    const std::string message =
        attnlab::testing::errorMessageOf<FileError>([&] { file.finish(output); });
    EXPECT_CONTAINS(message, "the run gave 3 rows of weights where the file holds 6");
    EXPECT_EQ(readFile(path), "earlier export");
    EXPECT_EQ(dir.entries(), std::vector<std::string>{"w.npy"});
}

TEST(StreamedNpy, RowsOutsideTheShapeAreRefused) {
    TempDir dir;
    NpyWeightsFile file(dir.file("w.npy"));
    EXPECT_THROW(file.rows(0, 0, 0, Matrix::Zero(1, 4)), std::invalid_argument); // before begin
    file.begin(1, 2, 3, 4);
    EXPECT_THROW(file.rows(0, 2, 0, Matrix::Zero(1, 4)), std::invalid_argument);
    EXPECT_THROW(file.rows(1, 0, 0, Matrix::Zero(1, 4)), std::invalid_argument);
    EXPECT_THROW(file.rows(0, 0, 2, Matrix::Zero(2, 4)), std::invalid_argument);
    EXPECT_THROW(file.rows(0, 0, 0, Matrix::Zero(1, 5)), std::invalid_argument);
    EXPECT_THROW(file.rows(0, 0, -1, Matrix::Zero(1, 4)), std::invalid_argument);
}

TEST(StreamedNpy, AFullDiskStopsTheRunAndLeavesTheEarlierFile) {
    // A file-size limit makes the positioned writes fail part-way (EFBIG), as a full disk would.
    // Set in this process and put back at once (a forked child could not start OpenMP's
    // threads); the limit is the process's, so the heads' threads meet it too.
    TempDir dir;
    const std::string path = dir.write("w.npy", "earlier export");
    Config config;
    config.sentence = words(1000); // 4 MB of weights per head
    config.heads = 2;
    config.dModel = 16;
    rlimit saved{};
    ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &saved), 0);
    auto* previousHandler = std::signal(SIGXFSZ, SIG_IGN);
    rlimit small = saved;
    small.rlim_cur = 1 << 20;
    ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
    std::string message;
    try {
        NpyWeightsFile file(path);
        file.finish(runBuiltin(config, weightsExport(&file)));
    } catch (const FileError& error) {
        message = error.what();
    }
    ::setrlimit(RLIMIT_FSIZE, &saved);
    std::signal(SIGXFSZ, previousHandler);
    EXPECT_EQ(message, "cannot write '" + path + "': writing failed (File too large)");
    EXPECT_EQ(readFile(path), "earlier export");
    EXPECT_EQ(dir.entries(), std::vector<std::string>{"w.npy"});
}

TEST(AtomicFileWriteAt, ThreadsWritingTheirOwnRangesMakeTheWholeFile) {
    TempDir dir;
    const std::string path = dir.file("out.bin");
    constexpr int kThreads = 4;
    constexpr std::size_t kPiece = 100000;
    {
        AtomicFile file(path);
        std::vector<std::thread> threads;
        for (int t = 0; t < kThreads; ++t)
            threads.emplace_back([&file, t] {
                // Each thread writes its piece back to front, in small writes.
                const std::string piece(kPiece, static_cast<char>('a' + t));
                for (std::size_t end = kPiece; end > 0; end -= 1000)
                    file.writeAt(static_cast<std::uint64_t>(t) * kPiece + end - 1000,
                                 std::string_view(piece).substr(end - 1000, 1000));
            });
        for (std::thread& thread : threads)
            thread.join();
        EXPECT_FALSE(std::filesystem::exists(path)) << "the file appeared before commit";
        file.commit();
        EXPECT_THROW(file.writeAt(0, "late"), FileError);
    }
    std::string expected;
    for (int t = 0; t < kThreads; ++t)
        expected += std::string(kPiece, static_cast<char>('a' + t));
    EXPECT_TRUE(readFile(path) == expected);
}

TEST(AtomicFileWriteAt, LeavesTheStreamPositionAlone) {
    TempDir dir;
    const std::string path = dir.file("out.bin");
    AtomicFile file(path);
    file.writeAt(5, "world");
    file.write("hello");
    file.commit();
    EXPECT_EQ(readFile(path), "helloworld");
}

} // namespace

} // namespace test_npy_export
