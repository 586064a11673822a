// Custom mask files (core/io/mask_file.h): rows of 0 and 1 become the blocked cells, comments and
// blank lines are skipped, and every malformed file is named with its line.

#include "core/io/mask_file.h"

#include "core/base/random.h"
#include "core/base/types.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_mask_file {

using attnlab::core::BoolMatrix;
using attnlab::core::checkMaskShape;
using attnlab::core::customMask;
using attnlab::core::formatMaskText;
using attnlab::core::InputError;
using attnlab::core::MaskKind;
using attnlab::core::MaskSpec;
using attnlab::core::parseMaskText;

namespace {

std::string messageOf(const std::string& text) {
    try {
        parseMaskText(text, "m.txt");
    } catch (const InputError& error) {
        return error.what();
    }
    return "";
}

} // namespace

TEST(MaskFile, ZerosAreTheBlockedCellsInRowOrder) {
    const auto file = parseMaskText("# causal, but 'sat' does not see 'the'\n"
                                    "1 0 0\r\n"
                                    "\n"
                                    "110\n"
                                    "0\t1 1",
                                    "m.txt");
    EXPECT_EQ(file.mask.kind, MaskKind::Custom);
    EXPECT_EQ(file.rows, 3);
    EXPECT_EQ(file.keys, 3);
    const std::vector<std::pair<int, int>> blocked{{0, 1}, {0, 2}, {1, 2}, {2, 0}};
    EXPECT_EQ(file.mask.blocked, blocked);
}

TEST(MaskFile, MistakesNameTheFileAndLine) {
    EXPECT_EQ(messageOf("1 0\n1 x\n").rfind("m.txt:2: 'x' is not 0 or 1", 0), 0u)
        << messageOf("1 0\n1 x\n");
    EXPECT_EQ(messageOf("1 0\n# two keys\n1 1 1\n")
                  .rfind("m.txt:3: this row has 3 keys but the first row has 2", 0),
              0u);
    EXPECT_EQ(messageOf("# nothing\n\n").rfind("m.txt: no rows", 0), 0u);
    const auto file = parseMaskText("1 0\n1 1\n", "m.txt");
    EXPECT_NO_THROW(checkMaskShape(file, "m.txt", 2, 2));
    try {
        checkMaskShape(file, "m.txt", 3, 3);
        ADD_FAILURE() << "a 2 × 2 mask for 3 tokens was accepted";
    } catch (const InputError& error) {
        EXPECT_NE(std::string(error.what())
                      .find("the mask has 2 rows of 2 keys, but the sentence "
                            "has 3 queries and 3 keys"),
                  std::string::npos)
            << error.what();
    }
}

TEST(MaskFile, WrittenTextReadsBackToTheSameCellsAndTheSameCustomMask) {
    // Several shapes (square, cross-attention, a single row and column) and seeds.
    const std::pair<int, int> shapes[] = {{1, 1}, {3, 3}, {4, 7}, {9, 2}, {1, 6}};
    for (const auto& [rows, keys] : shapes) {
        for (std::uint64_t seed : {1u, 7u, 42u}) {
            attnlab::core::Random random(seed);
            BoolMatrix visible(rows, keys);
            for (int i = 0; i < rows; ++i)
                for (int j = 0; j < keys; ++j)
                    visible(i, j) = random.uniform() < 0.6;
            const std::string text =
                formatMaskText(visible, {"painted in the window", "two\nlines"});
            const auto file = parseMaskText(text, "m.txt");
            ASSERT_EQ(file.rows, rows) << text;
            ASSERT_EQ(file.keys, keys) << text;
            // The reader lists the zeros in row order; so must customMask, cell for cell.
            std::vector<std::pair<int, int>> zeros;
            for (int i = 0; i < rows; ++i)
                for (int j = 0; j < keys; ++j)
                    if (!visible(i, j))
                        zeros.emplace_back(i, j);
            EXPECT_EQ(file.mask.blocked, zeros) << text;
            const MaskSpec painted = customMask(visible);
            EXPECT_EQ(painted.kind, MaskKind::Custom);
            EXPECT_EQ(painted.blocked, zeros);
            // The mask the core builds from those cells is the painted matrix.
            const BoolMatrix built =
                attnlab::core::buildMask(painted, rows, keys, rows != keys, {}, 0);
            EXPECT_TRUE((built == visible).all()) << text;
        }
    }
}

TEST(MaskFile, CommentsStayOnTheirLines) {
    BoolMatrix visible(2, 2);
    visible << true, false, true, true;
    EXPECT_EQ(formatMaskText(visible, {"the cat", "a\nb"}), "# the cat\n# a b\n1 0\n1 1\n");
}

} // namespace test_mask_file
