// The parallel loader of embedding text files (any split into blocks and threads gives the same
// table and the same first error, progress and cancellation) and the binary cache written next
// to a loaded file (reused, invalidated, repaired, moved to the cache folder).

#include "core/embeddings/embeddings.h"

#include "support/embeddings_testing.h"
#include "test_support.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_embeddings_loader {

using namespace attnlab::core;
using namespace attnlab::testing;

// ---- the parallel loader (issue 6) ----

TEST(ParallelLoader, AnySplitIntoBlocksGivesTheSameTable) {
    for (const bool header : {false, true}) {
        const std::string text = awkwardText(60, 5, header, header ? 7 : 8);
        const EmbeddingLoadResult reference =
            parseEmbeddingsText(text, "mem.txt", blocks(1 << 30, 1));
        ASSERT_EQ(reference.table.dimension(), 5);
        ASSERT_LT(reference.table.size(), 60u);   // duplicates were dropped …
        ASSERT_EQ(reference.warnings.size(), 1u); // … and named
        EXPECT_CONTAINS(reference.warnings[0], "repeat a word seen earlier");
        for (const std::size_t blockBytes : {1, 2, 3, 5, 17, 64, 1000}) {
            for (const int threads : {1, 2, 3}) {
                SCOPED_TRACE("header " + std::to_string(header) + ", block " +
                             std::to_string(blockBytes) + " bytes, " + std::to_string(threads) +
                             " threads");
                const EmbeddingLoadResult split =
                    parseEmbeddingsText(text, "mem.txt", blocks(blockBytes, threads));
                expectSameTable(split.table, reference.table);
                EXPECT_EQ(split.warnings, reference.warnings);
            }
        }
    }
}

TEST(ParallelLoader, FirstErrorInFileOrderWhateverTheBlocks) {
    // Two bad lines: the message must always name the first (line 5), even when another thread
    // reaches line 9 first.
    std::string text;
    for (int i = 1; i <= 12; ++i)
        text += i == 5 ? "bad 1 x\n" : (i == 9 ? "worse 1\n" : "w" + std::to_string(i) + " 1 2\n");
    for (const std::size_t blockBytes : {1, 4, 9, 30, 4096})
        for (const int threads : {1, 2, 4}) {
            SCOPED_TRACE(std::to_string(blockBytes) + " / " + std::to_string(threads));
            EXPECT_CONTAINS(inputErrorOf([&] {
                                parseEmbeddingsText(text, "mem.txt", blocks(blockBytes, threads));
                            }),
                            "mem.txt: line 5: 'x' is not a number");
        }
}

TEST(ParallelLoader, FileAndMemoryAgreeAcrossReadBuffers) {
    // Lines longer than the 1 MiB read buffer force the file reader to keep partial lines.
    const TempDir dir;
    std::string text = "short 1 2 3\n";
    const std::string longNumber = "1." + std::string(400'000, '0') + "1";
    text += "long " + longNumber + " " + longNumber + " " + longNumber + "\n";
    text += awkwardText(300, 3, false, 3).substr(4);
    const std::string path = dir.write("long_lines.txt", text);
    const EmbeddingLoadResult memory = parseEmbeddingsText(text, path, blocks(1 << 30, 1));
    EXPECT_EIGEN_NEAR(vectorOf(memory.table, "long"), row({1, 1, 1}), 0.0);
    for (const std::size_t blockBytes : {std::size_t{1000}, std::size_t{300'000}, std::size_t{0}})
        for (const int threads : {1, 2}) {
            SCOPED_TRACE(blockBytes);
            const EmbeddingLoadResult file = loadEmbeddings(path, blocks(blockBytes, threads));
            expectSameTable(file.table, memory.table);
        }
}

TEST(ParallelLoader, LineLongerThan16MiBIsRejectedWithItsNumber) {
    std::string text = "a 1 2\nb 3 4\n";
    text += "c " + std::string((16u << 20) + 10, '7') + "\n";
    text += "d 5 6\n";
    for (const std::size_t blockBytes : {std::size_t{0}, std::size_t{1} << 20})
        EXPECT_CONTAINS(
            inputErrorOf([&] { parseEmbeddingsText(text, "big.txt", blocks(blockBytes, 2)); }),
            "big.txt: line 3: the line is longer than 16 MiB");
}

TEST(ParallelLoader, LyingHeaderNeverAllocatesForItsCount) {
    // The header's count is only compared, never used to size anything.
    EXPECT_CONTAINS(inputErrorOf([] { parseEmbeddingsText("2000000000 3\na 1 2 3\n", "lie.txt"); }),
                    "the header says 2000000000 words but the file has 1");
    // Many short lines under a wide header: they cannot all hold 4096 numbers, so the loader
    // looks for the bad line without allocating 4096 floats per line.
    std::string text = "100000 4096\n";
    for (int i = 0; i < 100000; ++i)
        text += "w 1\n";
    EXPECT_CONTAINS(inputErrorOf([&] { parseEmbeddingsText(text, "wide.txt", blocks(4096, 2)); }),
                    "wide.txt: line 2: expected 4096 numbers, found 1");
}

TEST(ParallelLoader, DimensionAboveTheLimitIsRejected) {
    std::string line = "w";
    for (int k = 0; k <= kMaxEmbeddingDimension; ++k)
        line += " 0";
    EXPECT_CONTAINS(inputErrorOf([&] { parseEmbeddingsText(line + "\n", "wide.txt"); }),
                    "line 1: the word 'w' has 4097 numbers; vectors may have at most 4096");
    EXPECT_CONTAINS(inputErrorOf([] { parseEmbeddingsText("1 5000\nw 1\n", "h.vec"); }),
                    "line 1: the header gives the dimension as 5000; it must be at least 1 and "
                    "at most 4096");
    EXPECT_CONTAINS(inputErrorOf([] { parseEmbeddingsWord2VecBinary("1 5000\nw ", "h.bin"); }),
                    "dimension as 5000");
}

TEST(ParallelLoader, BinaryDataGivenAsTextIsNamedAsSuch) {
    std::string bytes = word2vecBinary("3 3\n", kBinaryWords);
    bytes += std::string(4, '\0');
    const TempDir dir;
    EXPECT_CONTAINS(inputErrorOf([&] { loadEmbeddingsFile(dir.write("vectors.txt", bytes)); }),
                    "is 0); text embeddings are lines of a word and its numbers");
    // Control bytes in a message are escaped, so the message stays readable.
    EXPECT_CONTAINS(inputErrorOf([] { parseEmbeddingsText("w 1 \x1b[31m\n", "esc.txt"); }),
                    "'\\x1B[31m' is not a number");
}

TEST(ParallelLoader, ProgressRisesToTotalOnTheCallingThread) {
    const std::string text = awkwardText(2000, 8, true, 11);
    std::vector<std::pair<std::int64_t, std::int64_t>> calls;
    const std::thread::id caller = std::this_thread::get_id();
    bool otherThread = false;
    EmbeddingLoadOptions options = blocks(512, 2);
    options.progress = [&](std::int64_t done, std::int64_t total) {
        calls.emplace_back(done, total);
        otherThread = otherThread || std::this_thread::get_id() != caller;
        return true;
    };
    parseEmbeddingsText(text, "mem.txt", options);
    ASSERT_GE(calls.size(), 3u);
    EXPECT_FALSE(otherThread);
    EXPECT_EQ(calls.front().first, 0);
    EXPECT_EQ(calls.back().first, calls.back().second);
    EXPECT_EQ(calls.back().second, 2 * static_cast<std::int64_t>(text.size()));
    for (std::size_t i = 1; i < calls.size(); ++i) {
        EXPECT_GE(calls[i].first, calls[i - 1].first) << "call " << i;
        EXPECT_EQ(calls[i].second, calls[0].second);
    }
}

TEST(ParallelLoader, CancelStopsTheLoad) {
    const TempDir dir;
    // About 20 MB: several default 4 MiB blocks, as a large file would have.
    std::string text;
    const std::string numbers = " 0.125 -1.5 2.25 3.0 -0.5 0.75 1.0 -2.0\n";
    for (int w = 0; text.size() < (20u << 20); ++w)
        text += "w" + std::to_string(w) + numbers;
    const std::string path = dir.write("large.txt", text);
    for (const int stopAtCall : {1, 3}) {
        SCOPED_TRACE(stopAtCall);
        int calls = 0;
        int callsAfterCancel = 0;
        EmbeddingLoadOptions options;
        options.threads = 2;
        options.progress = [&](std::int64_t, std::int64_t) {
            if (calls >= stopAtCall)
                ++callsAfterCancel;
            return ++calls < stopAtCall;
        };
        EXPECT_THROW(loadEmbeddings(path, options), Cancelled);
        EXPECT_EQ(calls, stopAtCall);
        EXPECT_EQ(callsAfterCancel, 0);
    }
    // Not cancelled, the same file loads.
    EXPECT_GT(loadEmbeddingsFile(path).size(), 400'000u);
}

TEST(ParallelLoader, Word2VecBinaryReportsProgressAndCancels) {
    const TempDir dir;
    std::vector<BinaryWord> words;
    for (int w = 0; w < 30000; ++w)
        words.push_back({"w" + std::to_string(w), std::vector<float>(50, 0.5f), true});
    const std::string path = dir.write("many.bin", word2vecBinary("30000 50\n", words));
    std::int64_t last = -1;
    std::int64_t total = 0;
    EmbeddingLoadOptions options;
    options.progress = [&](std::int64_t done, std::int64_t all) {
        EXPECT_GE(done, last);
        last = done;
        total = all;
        return true;
    };
    EXPECT_EQ(loadEmbeddings(path, options).table.size(), 30000u);
    EXPECT_EQ(last, total);
    options.progress = [](std::int64_t done, std::int64_t) { return done == 0; };
    EXPECT_THROW(loadEmbeddings(path, options), Cancelled);
}

TEST(ParallelLoader, DevicesAreNotRegularFiles) {
    if (!std::filesystem::exists("/dev/null"))
        GTEST_SKIP() << "no /dev/null";
    try {
        loadEmbeddingsFile("/dev/null");
        ADD_FAILURE() << "no exception";
    } catch (const FileError& error) {
        EXPECT_CONTAINS(std::string(error.what()), "not a regular file");
    }
}

// ---- the binary cache ----

namespace {

std::filesystem::file_time_type bumpModificationTime(const std::string& path) {
    const auto time = std::filesystem::last_write_time(path) + std::chrono::seconds(5);
    std::filesystem::last_write_time(path, time);
    return time;
}

} // namespace

TEST(EmbeddingCache, WrittenNextToTheFileAndReloaded) {
    const TempDir dir;
    const std::string path = dir.write("vectors.txt", awkwardText(200, 4, false, 5));
    EmbeddingLoadOptions options;
    options.useCache = true;
    options.cacheDirectory = dir.file("cache");
    const EmbeddingLoadResult first = loadEmbeddings(path, options);
    EXPECT_FALSE(first.fromCache);
    EXPECT_EQ(first.cachePath, std::filesystem::absolute(path).string() + ".attnlab-cache");
    ASSERT_TRUE(std::filesystem::exists(first.cachePath));

    const EmbeddingLoadResult second = loadEmbeddings(path, options);
    EXPECT_TRUE(second.fromCache);
    EXPECT_EQ(second.cachePath, first.cachePath);
    expectSameTable(second.table, first.table);
    EXPECT_EQ(second.warnings, first.warnings); // the duplicate warning survives the cache
    EXPECT_EQ(second.table.find("WORD12"), first.table.find("word12"));

    // Without useCache the cache is neither read nor written.
    EXPECT_FALSE(loadEmbeddings(path, EmbeddingLoadOptions{}).fromCache);
}

TEST(EmbeddingCache, InvalidatedWhenTheFileChanges) {
    const TempDir dir;
    const std::string path = dir.write("vectors.vec", "2 2\na 1 2\nb 3 4\n");
    EmbeddingLoadOptions options;
    options.useCache = true;
    options.cacheDirectory = dir.file("cache");
    ASSERT_FALSE(loadEmbeddings(path, options).fromCache);
    ASSERT_TRUE(loadEmbeddings(path, options).fromCache);

    // Same size, new content and a new modification time.
    dir.write("vectors.vec", "2 2\na 5 6\nb 7 8\n");
    bumpModificationTime(path);
    const EmbeddingLoadResult changed = loadEmbeddings(path, options);
    EXPECT_FALSE(changed.fromCache);
    EXPECT_EIGEN_NEAR(vectorOf(changed.table, "a"), row({5, 6}), 0.0);
    EXPECT_TRUE(loadEmbeddings(path, options).fromCache);

    // Another size, same modification time.
    const auto time = std::filesystem::last_write_time(path);
    dir.write("vectors.vec", "3 2\na 5 6\nb 7 8\nc 9 9\n");
    std::filesystem::last_write_time(path, time);
    const EmbeddingLoadResult grown = loadEmbeddings(path, options);
    EXPECT_FALSE(grown.fromCache);
    EXPECT_EQ(grown.table.size(), 3u);
}

TEST(EmbeddingCache, DamagedCachesAreIgnoredAndRewritten) {
    const TempDir dir;
    const std::string path = dir.write("vectors.txt", awkwardText(50, 3, true, 9));
    EmbeddingLoadOptions options;
    options.useCache = true;
    options.cacheDirectory = dir.file("cache");
    const EmbeddingLoadResult reference = loadEmbeddings(path, options);
    const std::string cache = reference.cachePath;
    const std::string good = readFile(cache);
    ASSERT_GT(good.size(), 200u);

    struct Damage {
        std::string name;
        std::string bytes;
        bool mayGoUnnoticed = false; ///< inside a word or a float: no checksum covers the data
    };
    std::vector<Damage> damages = {
        {"empty", ""},
        {"truncated", good.substr(0, good.size() - 3)},
        {"longer", good + "x"},
        {"other magic", "B" + good.substr(1)},
    };
    // Every header field (byte order, version, source size and time, counts, checksum).
    for (std::size_t offset = 16; offset < 104; offset += 4) {
        std::string flipped = good;
        flipped[offset] = static_cast<char>(flipped[offset] ^ 0x40);
        damages.push_back({"header byte " + std::to_string(offset), flipped});
    }
    for (const std::size_t offset : {good.size() / 2, good.size() - 2}) {
        std::string flipped = good;
        flipped[offset] = static_cast<char>(flipped[offset] ^ 0x40);
        damages.push_back({"byte " + std::to_string(offset), flipped, true});
    }
    std::string infinite = good; // the last float becomes +inf
    const std::uint32_t infBits = 0x7F800000u;
    std::memcpy(infinite.data() + infinite.size() - 4, &infBits, 4);
    damages.push_back({"infinite value", infinite});

    for (const Damage& damage : damages) {
        SCOPED_TRACE(damage.name);
        std::ofstream(cache, std::ios::binary | std::ios::trunc) << damage.bytes;
        const EmbeddingLoadResult loaded = loadEmbeddings(path, options);
        if (loaded.fromCache) {
            EXPECT_TRUE(damage.mayGoUnnoticed) << "a damaged cache was used";
            // Unnoticed damage must still give a well-formed table of finite numbers.
            EXPECT_EQ(loaded.table.size(), reference.table.size());
            EXPECT_TRUE(loaded.table.matrix().allFinite());
            for (int i = 0; i < static_cast<int>(loaded.table.size()); ++i)
                EXPECT_GE(loaded.table.find(loaded.table.word(i)), 0);
            continue;
        }
        expectSameTable(loaded.table, reference.table);
        EXPECT_EQ(readFile(cache), good) << "the cache was not rewritten";
    }
}

TEST(EmbeddingCache, FallsBackToTheCacheFolderWhenTheFileFolderIsNotWritable) {
    const TempDir dir;
    const std::string path = dir.write("vectors.txt", "a 1 2\nb 3 4\n");
    // A directory where the cache file would go makes writing next to the file fail, for root
    // as well (permissions do not stop root).
    std::filesystem::create_directory(path + ".attnlab-cache");
    EmbeddingLoadOptions options;
    options.useCache = true;
    options.cacheDirectory = dir.file("cache dir");
    const EmbeddingLoadResult first = loadEmbeddings(path, options);
    EXPECT_FALSE(first.fromCache);
    EXPECT_EQ(std::filesystem::path(first.cachePath).parent_path(), options.cacheDirectory);
    EXPECT_TRUE(first.warnings.empty());
    const EmbeddingLoadResult second = loadEmbeddings(path, options);
    EXPECT_TRUE(second.fromCache);
    EXPECT_EQ(second.cachePath, first.cachePath);
    expectSameTable(second.table, first.table);

    // Nowhere to write: the table still loads, with a warning that says why.
    options.cacheDirectory = path + "/not a folder";
    std::filesystem::remove_all(first.cachePath);
    const EmbeddingLoadResult nowhere = loadEmbeddings(path, options);
    EXPECT_FALSE(nowhere.fromCache);
    EXPECT_TRUE(nowhere.cachePath.empty());
    EXPECT_EQ(nowhere.table.size(), 2u);
    ASSERT_EQ(nowhere.warnings.size(), 1u);
    EXPECT_CONTAINS(nowhere.warnings[0], "could not save the cache");
}

TEST(EmbeddingCache, ReadOnlyFolderUsesTheCacheFolder) {
    if (::geteuid() == 0)
        GTEST_SKIP() << "root may write into read-only folders; covered by the test above";
    const TempDir dir;
    const std::string folder = dir.file("read-only");
    std::filesystem::create_directory(folder);
    const std::string path = folder + "/vectors.txt";
    std::ofstream(path) << "a 1 2\n";
    std::filesystem::permissions(folder, std::filesystem::perms::owner_write,
                                 std::filesystem::perm_options::remove);
    EmbeddingLoadOptions options;
    options.useCache = true;
    options.cacheDirectory = dir.file("cache");
    const EmbeddingLoadResult first = loadEmbeddings(path, options);
    std::filesystem::permissions(folder, std::filesystem::perms::owner_write,
                                 std::filesystem::perm_options::add);
    EXPECT_EQ(std::filesystem::path(first.cachePath).parent_path(), options.cacheDirectory);
}

} // namespace test_embeddings_loader
