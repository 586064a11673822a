// Embedding files read from their formats: GloVe and fastText text, word2vec binary, files that
// cannot be opened, and regressions found by fuzzing. Every malformed input is refused with a
// message naming the file, the line or word, and the problem.

#include "core/embeddings/embeddings.h"

#include "support/embeddings_testing.h"
#include "test_support.h"

#include <gtest/gtest.h>

#include <limits>
#include <string>
#include <vector>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_embeddings_files {

using namespace attnlab::core;
using namespace attnlab::testing;

// ---- text files ----

TEST(LoadEmbeddingsFile, GloveTextWithoutHeader) {
    const EmbeddingTable table = loadEmbeddingsFile(kDataDir + "/glove_small.txt");
    ASSERT_EQ(table.dimension(), 4);
    ASSERT_EQ(table.size(), 3u);
    EXPECT_EQ(table.word(0), "cat");
    EXPECT_EQ(table.word(2), "猫");
    EXPECT_EIGEN_NEAR(vectorOf(table, "cat"), row({0.5f, -1.25f, 2.0f, 0.125f}), 0.0);
    EXPECT_EIGEN_NEAR(vectorOf(table, "dog"), row({0.25f, -1.0f, 1.5f, 0.0f}), 0.0);
    EXPECT_EIGEN_NEAR(vectorOf(table, "猫"), row({1e-3f, 25.0f, -0.75f, 3.0f}), 1e-7);
}

TEST(LoadEmbeddingsFile, FastTextVecWithHeaderBomCrLfAndTrailingSpaces) {
    const EmbeddingTable table = loadEmbeddingsFile(kDataDir + "/fasttext_small.vec");
    ASSERT_EQ(table.dimension(), 4);
    ASSERT_EQ(table.size(), 3u);
    EXPECT_EQ(table.word(0), "the"); // no BOM glued to the first word
    EXPECT_EIGEN_NEAR(table.vector(0), row({0.1f, 0.2f, 0.3f, 0.4f}), 0.0);
    EXPECT_EQ(table.word(table.find("The")), "The"); // exact case wins
    EXPECT_EIGEN_NEAR(vectorOf(table, "l'amour"), row({1.5f, -0.5f, 0.0f, 2.0f}), 0.0);
}

TEST(ParseEmbeddingsText, HeaderIsExactlyTwoIntegers) {
    const EmbeddingTable withHeader = parseEmbeddingsText("2 3\nx 1 2 3\ny 4 5 6\n", "h.vec");
    EXPECT_EQ(withHeader.dimension(), 3);
    EXPECT_EQ(withHeader.size(), 2u);
    // Three fields: a GloVe line whose word happens to be a number.
    const EmbeddingTable glove = parseEmbeddingsText("2 3 4\n5 6 7\n", "g.txt");
    EXPECT_EQ(glove.dimension(), 2);
    EXPECT_EIGEN_NEAR(vectorOf(glove, "2"), row({3, 4}), 0.0);
    EXPECT_EIGEN_NEAR(vectorOf(glove, "5"), row({6, 7}), 0.0);
}

TEST(ParseEmbeddingsText, DuplicatesKeepTheFirstVector) {
    const EmbeddingTable table = parseEmbeddingsText("a 1 2\nb 3 4\na 5 6\n", "dup.txt");
    EXPECT_EQ(table.size(), 2u);
    EXPECT_EIGEN_NEAR(vectorOf(table, "a"), row({1, 2}), 0.0);
}

TEST(ParseEmbeddingsText, NumberSpellings) {
    const EmbeddingTable table =
        parseEmbeddingsText("w +1.5 -2e-3 1E2 .25 -0 1e-50\r\n\r\n", "numbers.txt");
    EXPECT_EIGEN_NEAR(vectorOf(table, "w"), row({1.5f, -2e-3f, 100.0f, 0.25f, 0.0f, 0.0f}), 1e-7);
}

TEST(ParseEmbeddingsText, MalformedInputNamesTheLineAndTheProblem) {
    struct Case {
        std::string text;
        std::string expected;
    };
    const std::vector<Case> cases = {
        {"", "the file is empty"},
        {"\xEF\xBB\xBF\r\n \n", "the file is empty"},
        {"a 1 2 3\nb 1 2\n", "line 2: expected 3 numbers, found 2"},
        {"a 1 2\n\nb 1 2 3\n", "line 3: expected 2 numbers, found 3"},
        {"a 1 2\nb 1 abc\n", "line 2: 'abc' is not a number"},
        {"a 1 2\nb 1,5 2\n", "line 2: '1,5' is not a number"},
        {"a 1 2\nb 1 nan\n", "line 2: value 2 is NaN/infinite"},
        {"a inf 2\n", "line 1: value 1 is NaN/infinite"},
        {"a 1e50 2\n", "line 1: value 1 ('1e50') is too large"},
        {"hello\n", "line 1: expected numbers after the word 'hello'"},
        {"3 2\na 1 2\nb 3 4\n", "the header says 3 words but the file has 2"},
        {"1 2\na 1 2\nb 3 4\n", "the header says 1 word but the file has 2"},
        {"2 3\na 1 2\nb 3 4\n", "line 2: expected 3 numbers, found 2"},
        {"\xEF\xBB\xBF"
         "2 2\r\na 1 2\r\nb 3\r\n",
         "line 3: expected 2 numbers, found 1"},
        {"0 3\n", "no word vectors"},
        {"2 0\na\nb\n", "line 1: the header gives the dimension as 0"},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE("input: \"" + c.text + "\"");
        const std::string message = inputErrorOf([&] { parseEmbeddingsText(c.text, "mem.txt"); });
        EXPECT_CONTAINS(message, "mem.txt: ");
        EXPECT_CONTAINS(message, c.expected);
    }
}

// ---- word2vec binary ----

TEST(LoadEmbeddingsFile, Word2VecBinary) {
    const TempDir dir;
    const std::string bytes = word2vecBinary("3 3\n", kBinaryWords);
    for (const std::string name : {"small.bin", "SMALL.BIN"}) {
        SCOPED_TRACE(name);
        const EmbeddingTable table = loadEmbeddingsFile(dir.write(name, bytes));
        ASSERT_EQ(table.dimension(), 3);
        ASSERT_EQ(table.size(), 3u);
        EXPECT_EQ(table.word(0), "alpha");
        EXPECT_EQ(table.word(1), "猫");
        for (const BinaryWord& w : kBinaryWords)
            EXPECT_EIGEN_NEAR(vectorOf(table, w.word), row({w.values[0], w.values[1], w.values[2]}),
                              0.0);
        EXPECT_EQ(table.find("Gamma"), 2);
        EXPECT_EQ(table.find("ALPHA"), 0);
    }
}

TEST(ParseEmbeddingsWord2VecBinary, MalformedFilesAreRejectedClearly) {
    const std::string good = word2vecBinary("3 3\n", kBinaryWords);
    const float nan = std::numeric_limits<float>::quiet_NaN();
    struct Case {
        std::string bytes;
        std::string expected;
    };
    const std::vector<Case> cases = {
        {"", "the file is empty"},
        {"3 3", "missing its end of line"},
        {"abc\n", "not a word2vec binary file"},
        {"3\n", "not a word2vec binary file"},
        {"3 x\n", "not a word2vec binary file"},
        {"3 0\nabc", "dimension as 0"},
        {"0 3\n", "no words"},
        {"9 3\n" + good.substr(4), "header announces 9 words of 3 numbers"},
        {good.substr(0, good.size() - 5), "is cut off; the file is truncated"},
        {"1 2\nabcdefghijkl", "word 1 of 1 is cut off before its numbers"},
        {"2 3\n" + good.substr(4), "continues after the 2 words"},
        {word2vecBinary("2 3\n", {{"a", {1, 2, 3}}, {"b", {1, nan, 3}}}),
         "word 2 of 2 ('b'): value 2 is NaN/infinite"},
        {word2vecBinary("1 2\n", {{"a", {std::numeric_limits<float>::infinity(), 0}}}),
         "word 1 of 1 ('a'): value 1 is NaN/infinite"},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE("expecting: " + c.expected);
        const std::string message =
            inputErrorOf([&] { parseEmbeddingsWord2VecBinary(c.bytes, "mem.bin"); });
        EXPECT_CONTAINS(message, "mem.bin: ");
        EXPECT_CONTAINS(message, c.expected);
    }
}

// ---- file errors ----

TEST(LoadEmbeddingsFile, MissingFileAndDirectoryThrowFileError) {
    const std::string missing = kDataDir + "/no_such_file.vec";
    try {
        loadEmbeddingsFile(missing);
        ADD_FAILURE() << "no exception for a missing file";
    } catch (const FileError& error) {
        EXPECT_CONTAINS(std::string(error.what()), "cannot open '" + missing + "'");
    }
    try {
        loadEmbeddingsFile(kDataDir);
        ADD_FAILURE() << "no exception for a directory";
    } catch (const FileError& error) {
        EXPECT_CONTAINS(std::string(error.what()), "cannot open '" + kDataDir + "'");
        EXPECT_CONTAINS(std::string(error.what()), "directory");
    }
}

TEST(LoadEmbeddingsFile, MalformedFileNamesThePath) {
    const TempDir dir;
    const std::string path = dir.write("bad.txt", "a 1 2\nb 1\n");
    EXPECT_CONTAINS(inputErrorOf([&] { loadEmbeddingsFile(path); }),
                    path + ": line 2: expected 2 numbers, found 1");
}

// ---- regressions found by fuzzing (tests/fuzz) ----

TEST(FuzzFindings, Word2VecEndAfterNewlinesBeforeAWord) {
    // fuzz_embeddings_word2vec, finding 1: newlines up to the end of the file where a word
    // should start made the reader search an empty buffer (memchr on a null pointer, undefined
    // behaviour caught by UBSan). Now it is the "cut off" error.
    EXPECT_CONTAINS(
        inputErrorOf([] { parseEmbeddingsWord2VecBinary("1 1\n\n\n\n\n\n\n", "f.bin"); }),
        "f.bin: word 1 of 1 is cut off before its numbers");
    std::string bytes = word2vecBinary("2 1\n", {{"a", {1.0f}, true}});
    bytes += std::string(6, '\n');
    EXPECT_CONTAINS(inputErrorOf([&] { parseEmbeddingsWord2VecBinary(bytes, "f.bin"); }),
                    "f.bin: word 2 of 2 is cut off before its numbers");
}

} // namespace test_embeddings_files
