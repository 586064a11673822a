// word2vec binary files whose words contain spaces: the reader takes the word up to its first
// space, so the numbers it reads next start inside the word and the next word starts inside the
// numbers. Such files must be refused with the byte offset, never loaded with shifted vectors.
// Both layouts are covered: a newline after each vector (the original tool) and none (others).

#include "core/embeddings/embeddings.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_embeddings_word2vec {

using namespace attnlab::core;

namespace {

// Values like trained vectors: a smooth deterministic spread in about ±1.
std::vector<float> vectorFor(int word, int dimension) {
    std::vector<float> values(static_cast<std::size_t>(dimension));
    for (int k = 0; k < dimension; ++k)
        values[static_cast<std::size_t>(k)] =
            0.9f * static_cast<float>(((word * 37 + k * 11) % 101) - 50) / 50.0f + 0.003f * k;
    return values;
}

std::string binaryFile(const std::vector<std::string>& words, int dimension, bool newlines) {
    std::string bytes = std::to_string(words.size()) + " " + std::to_string(dimension) + "\n";
    for (std::size_t w = 0; w < words.size(); ++w) {
        bytes += words[w] + ' ';
        for (float value : vectorFor(static_cast<int>(w), dimension)) {
            std::uint32_t bits = 0;
            std::memcpy(&bits, &value, 4);
            for (int shift = 0; shift < 32; shift += 8)
                bytes += static_cast<char>((bits >> shift) & 0xFFu);
        }
        if (newlines)
            bytes += '\n';
    }
    return bytes;
}

std::string errorOf(const std::string& bytes) {
    try {
        const EmbeddingTable table = parseEmbeddingsWord2VecBinary(bytes, "phrases.bin");
        return "<loaded " + std::to_string(table.size()) + " words>";
    } catch (const InputError& error) {
        return error.what();
    }
}

} // namespace

TEST(Word2VecPhrases, WordsWithSpacesAreRefusedWithTheByteOffset) {
    // Tails after the first space of 2 to 9 bytes: every alignment of the shift modulo 4.
    const std::vector<std::string> phrases = {"new york",  "a b",     "x yz",     "los angeles",
                                              "ice cream", "hot dog", "san jose", "of the day"};
    for (const bool newlines : {true, false}) {
        for (const int dimension : {50, 300}) {
            for (const std::string& phrase : phrases) {
                for (const std::size_t at : {std::size_t{0}, std::size_t{2}, std::size_t{4}}) {
                    std::vector<std::string> words = {"cat", "dog", "sat", "mat", "the"};
                    words.insert(words.begin() + static_cast<std::ptrdiff_t>(at), phrase);
                    SCOPED_TRACE((newlines ? "newlines, d = " : "no newlines, d = ") +
                                 std::to_string(dimension) + ", '" + phrase + "' at " +
                                 std::to_string(at));
                    const std::string message = errorOf(binaryFile(words, dimension, newlines));
                    EXPECT_EQ(message.rfind("phrases.bin: ", 0), 0u) << message;
                    EXPECT_NE(message.find("out of step"), std::string::npos) << message;
                    EXPECT_NE(message.find(" byte "), std::string::npos) << message;
                }
            }
        }
    }
}

TEST(Word2VecPhrases, TheOffsetIsWhereTheDamageIsFound) {
    // 'new york', d = 4, newlines: "new" is read, then 16 bytes from "york" on; the first value
    // is the text "york" read as a float (about 2.9e26).
    const std::string bytes = binaryFile({"cat", "new york", "dog"}, 4, true);
    const std::size_t second = bytes.find("new york");
    const std::string message = errorOf(bytes);
    EXPECT_NE(message.find("word 2 of 3 ('new', at byte " + std::to_string(second) + ")"),
              std::string::npos)
        << message;
    EXPECT_NE(message.find("value 1 is 2.9"), std::string::npos) << message;
}

TEST(Word2VecPhrases, OrdinaryFilesStillLoad) {
    for (const bool newlines : {true, false}) {
        for (const int dimension : {1, 4, 50, 300}) {
            SCOPED_TRACE(dimension);
            std::vector<std::string> words;
            for (int w = 0; w < 200; ++w)
                words.push_back("w" + std::to_string(w) + (w % 7 == 0 ? "_phrase" : "") +
                                (w % 11 == 0 ? "猫" : ""));
            const EmbeddingTable table =
                parseEmbeddingsWord2VecBinary(binaryFile(words, dimension, newlines), "ok.bin");
            EXPECT_EQ(table.size(), words.size());
            const std::vector<float> expected = vectorFor(17, dimension);
            const int row = table.find(words[17]);
            ASSERT_GE(row, 0);
            for (int k = 0; k < dimension; ++k)
                EXPECT_EQ(table.vector(row)(k), expected[static_cast<std::size_t>(k)]);
        }
    }
    // Zeros, and values as small and as large as trained vectors get, are ordinary.
    std::string bytes = "1 4\nz ";
    for (const float value : {0.0f, -1e-12f, 3e-7f, 5e6f}) {
        std::uint32_t bits = 0;
        std::memcpy(&bits, &value, 4);
        for (int shift = 0; shift < 32; shift += 8)
            bytes += static_cast<char>((bits >> shift) & 0xFFu);
    }
    EXPECT_EQ(parseEmbeddingsWord2VecBinary(bytes, "z.bin").size(), 1u);
}

} // namespace test_embeddings_word2vec
