#pragma once
// What the tests of the embedding tables and their loaders share (test_embeddings,
// test_embeddings_files, test_embeddings_loader): the test data folder, a table's vector by
// word, row vectors from lists, word2vec binary files built in memory, text files with the
// awkward parts of real ones, and a comparison of two loaded tables.

#include "core/embeddings/embeddings.h"
#include "test_support.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace attnlab::testing {

inline const std::string kDataDir = std::string(ATTNLAB_TEST_DATA_DIR) + "/embeddings";

/// The message of the InputError `f` throws, or a marker that fails every EXPECT_CONTAINS.
template <typename F> std::string inputErrorOf(F&& f) {
    return errorMessageOf<core::InputError>(std::forward<F>(f));
}

/// The vector of `word`, which must be in the table.
inline core::RowVector vectorOf(const core::EmbeddingTable& table, std::string_view word) {
    const int index = table.find(word);
    EXPECT_GE(index, 0) << "'" << word << "' is not in the table";
    return index >= 0 ? table.vector(index) : core::RowVector::Zero(table.dimension());
}

/// A row vector of the given numbers.
inline core::RowVector row(std::initializer_list<float> values) {
    core::RowVector v(static_cast<Eigen::Index>(values.size()));
    Eigen::Index i = 0;
    for (float value : values)
        v[i++] = value;
    return v;
}

/// One entry of a word2vec binary file: the word, its numbers, and whether a newline follows.
struct BinaryWord {
    std::string word;
    std::vector<float> values;
    bool newline = true;
};

/// A word2vec binary file: `header` (the counts line, as written), then each word, a space and
/// its numbers as little-endian float32.
inline std::string word2vecBinary(const std::string& header, const std::vector<BinaryWord>& words) {
    std::string bytes = header;
    for (const BinaryWord& w : words) {
        bytes += w.word + ' ';
        for (float value : w.values) {
            std::uint32_t bits = 0;
            std::memcpy(&bits, &value, 4);
            for (int shift = 0; shift < 32; shift += 8) // little-endian on every host
                bytes += static_cast<char>((bits >> shift) & 0xFFu);
        }
        if (w.newline)
            bytes += '\n';
    }
    return bytes;
}

/// Three words of three numbers, one without the newline some writers omit.
inline const std::vector<BinaryWord> kBinaryWords = {
    {"alpha", {1.0f, -2.5f, 0.125f}, true},
    {"猫", {3.0f, 0.0f, -1e-3f}, false}, // some writers omit the newline
    {"Gamma", {-7.0f, 8.5f, 1e20f}, true},
};

/// Everything a caller can observe of a table, for comparing two loads.
inline void expectSameTable(const core::EmbeddingTable& actual,
                            const core::EmbeddingTable& expected) {
    ASSERT_EQ(actual.dimension(), expected.dimension());
    ASSERT_EQ(actual.size(), expected.size());
    for (int i = 0; i < static_cast<int>(expected.size()); ++i) {
        ASSERT_EQ(actual.word(i), expected.word(i)) << "row " << i;
        ASSERT_EQ(actual.find(expected.word(i)), i) << expected.word(i);
        ASSERT_TRUE((actual.vector(i).array() == expected.vector(i).array()).all()) << "row " << i;
    }
    EXPECT_EQ(actual.rms(), expected.rms());
}

/// A text file with the awkward parts of real ones: optional header and BOM, CRLF, blank and
/// whitespace-only lines, leading and trailing blanks, tabs, duplicates, '+' and exponents.
inline std::string awkwardText(int words, int dimension, bool header, std::uint64_t seed) {
    std::string text =
        header ? "\xEF\xBB\xBF" + std::to_string(words) + " " + std::to_string(dimension) + "\r\n"
               : std::string("\n \t\n");
    std::uint64_t state = seed;
    const auto next = [&state] {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        return state >> 33;
    };
    for (int w = 0; w < words; ++w) {
        if (next() % 5 == 0)
            text += next() % 2 ? "\r\n" : "  \t \n";
        if (next() % 7 == 0)
            text += "\t ";
        // Every ninth word repeats an earlier one; the file still has `words` word lines.
        text += (w > 3 && w % 9 == 0) ? "word" + std::to_string(w / 3) : "word" + std::to_string(w);
        for (int k = 0; k < dimension; ++k) {
            const auto v = static_cast<long long>(next() % 20001) - 10000;
            text += next() % 3 ? " " : "\t";
            text += (k == 0 && v > 0) ? "+" : "";
            text += std::to_string(v / 1000) + "." + std::to_string(std::llabs(v) % 1000);
            if (k == 1)
                text += "e-2";
        }
        text += next() % 2 ? "\r\n" : (next() % 2 ? " \n" : "\n");
    }
    return text;
}

/// Load options that split the text into blocks of `blockBytes` read by `threads` threads.
inline core::EmbeddingLoadOptions blocks(std::size_t blockBytes, int threads) {
    core::EmbeddingLoadOptions options;
    options.blockBytes = blockBytes;
    options.threads = threads;
    return options;
}

} // namespace attnlab::testing
