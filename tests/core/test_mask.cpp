// Masks (attention-math.md, "Masks"): which keys each query may see, checked cell by cell
// against the rule in the table, and the parser of the mask names.

#include "core/attention/mask.h"
#include "core/attention/options.h"
#include "core/base/types.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

using attnlab::core::BoolMatrix;
using attnlab::core::buildMask;
using attnlab::core::InputError;
using attnlab::core::MaskKind;
using attnlab::core::MaskSpec;
using attnlab::core::parseMask;

namespace {

MaskSpec spec(MaskKind kind) {
    MaskSpec mask;
    mask.kind = kind;
    return mask;
}

std::vector<bool> noPadding(int nk) {
    return std::vector<bool>(static_cast<std::size_t>(nk), false);
}

// Compares every cell with `rule(i, j)` and names the first wrong one.
template <typename Rule>
::testing::AssertionResult matchesRule(const BoolMatrix& mask, int nq, int nk, Rule rule) {
    if (mask.rows() != nq || mask.cols() != nk)
        return ::testing::AssertionFailure() << "mask is " << mask.rows() << "×" << mask.cols()
                                             << ", expected " << nq << "×" << nk;
    for (int i = 0; i < nq; ++i)
        for (int j = 0; j < nk; ++j)
            if (mask(i, j) != rule(i, j))
                return ::testing::AssertionFailure()
                       << "cell (" << i << ", " << j << ") is "
                       << (mask(i, j) ? "visible" : "blocked") << " but should be "
                       << (rule(i, j) ? "visible" : "blocked") << "\n"
                       << mask;
    return ::testing::AssertionSuccess();
}

const std::vector<std::pair<int, int>> kSizes = {{1, 1}, {3, 3}, {5, 5}, {4, 7}, {7, 4}, {12, 12}};

} // namespace

TEST(BuildMask, NoneAllowsEverything) {
    for (auto [nq, nk] : kSizes)
        for (bool cross : {false, true}) {
            if (!cross && nq != nk)
                continue;
            const BoolMatrix mask = buildMask(spec(MaskKind::None), nq, nk, cross, noPadding(nk));
            EXPECT_TRUE(matchesRule(mask, nq, nk, [](int, int) { return true; }))
                << nq << "×" << nk << (cross ? " cross" : " self");
        }
}

TEST(BuildMask, CausalBlocksTheUpperTriangle) {
    for (int n : {1, 2, 3, 6, 10}) {
        const BoolMatrix mask = buildMask(spec(MaskKind::Causal), n, n, false, noPadding(n));
        EXPECT_TRUE(matchesRule(mask, n, n, [](int i, int j) { return j <= i; })) << "n = " << n;
        // The diagonal stays visible, so no row is fully masked.
        for (int i = 0; i < n; ++i)
            EXPECT_TRUE(mask(i, i));
    }
}

TEST(BuildMask, CausalThreeByThreeByHand) {
    const BoolMatrix mask = buildMask(spec(MaskKind::Causal), 3, 3, false, noPadding(3));
    ASSERT_EQ(mask.rows(), 3);
    ASSERT_EQ(mask.cols(), 3);
    const bool expected[3][3] = {{true, false, false}, {true, true, false}, {true, true, true}};
    for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j)
            EXPECT_EQ(mask(i, j), expected[i][j]) << "(" << i << ", " << j << ")";
}

TEST(BuildMask, CausalInCrossAttentionThrows) {
    EXPECT_THROW(buildMask(spec(MaskKind::Causal), 3, 5, true, noPadding(5)), InputError);
    EXPECT_THROW(buildMask(spec(MaskKind::Causal), 4, 4, true, noPadding(4)), InputError);
}

TEST(BuildMask, PaddingBlocksPadKeys) {
    // Self-attention over 3 tokens padded to 6, and a cross-attention case with padding in the
    // middle of nothing else: whatever keyIsPadding says is what gets blocked, for every query.
    const std::vector<std::pair<int, std::vector<bool>>> cases = {
        {6, {false, false, false, true, true, true}},
        {4, {false, false, false, false, true}},
        {2, {false, true, true}},
        {3, {false, false, false, false}},
    };
    for (const auto& [nq, padding] : cases) {
        const int nk = static_cast<int>(padding.size());
        MaskSpec mask = spec(MaskKind::Padding);
        mask.padLength = nk;
        for (bool cross : {false, true}) {
            if (!cross && nq != nk)
                continue;
            const BoolMatrix allowed = buildMask(mask, nq, nk, cross, padding);
            EXPECT_TRUE(matchesRule(
                allowed, nq, nk, [&](int, int j) { return !padding[static_cast<std::size_t>(j)]; }))
                << nq << "×" << nk;
        }
    }
}

TEST(BuildMask, WindowIsTheBand) {
    for (auto [nq, nk] : kSizes)
        for (int w : {0, 1, 2, 5}) {
            MaskSpec mask = spec(MaskKind::Window);
            mask.window = w;
            const bool cross = nq != nk;
            const BoolMatrix allowed = buildMask(mask, nq, nk, cross, noPadding(nk));
            EXPECT_TRUE(
                matchesRule(allowed, nq, nk, [w](int i, int j) { return std::abs(i - j) <= w; }))
                << nq << "×" << nk << ", W = " << w;
        }
}

TEST(BuildMask, WindowZeroIsTheDiagonal) {
    MaskSpec mask = spec(MaskKind::Window);
    mask.window = 0;
    const BoolMatrix allowed = buildMask(mask, 4, 4, false, noPadding(4));
    EXPECT_EQ(allowed.count(), 4);
    for (int i = 0; i < 4; ++i)
        EXPECT_TRUE(allowed(i, i));
}

TEST(BuildMask, NegativeWindowThrows) {
    MaskSpec mask = spec(MaskKind::Window);
    mask.window = -1;
    EXPECT_THROW(buildMask(mask, 3, 3, false, noPadding(3)), InputError);
}

TEST(BuildMask, CustomBlocksExactlyTheListedCells) {
    MaskSpec mask = spec(MaskKind::Custom);
    mask.blocked = {{0, 1}, {2, 2}, {3, 0}, {3, 4}, {0, 1}};
    for (bool cross : {false, true}) {
        const int nq = 4, nk = cross ? 5 : 4;
        if (!cross)
            mask.blocked = {{0, 1}, {2, 2}, {3, 0}, {0, 1}};
        const auto blocked = mask.blocked;
        const BoolMatrix allowed = buildMask(mask, nq, nk, cross, noPadding(nk));
        EXPECT_TRUE(matchesRule(allowed, nq, nk, [&](int i, int j) {
            for (const auto& [bi, bj] : blocked)
                if (bi == i && bj == j)
                    return false;
            return true;
        })) << (cross ? "cross" : "self");
    }
}

TEST(BuildMask, CustomCanBlockAWholeRow) {
    MaskSpec mask = spec(MaskKind::Custom);
    mask.blocked = {{1, 0}, {1, 1}, {1, 2}};
    const BoolMatrix allowed = buildMask(mask, 3, 3, false, noPadding(3));
    EXPECT_FALSE(allowed.row(1).any());
    EXPECT_TRUE(allowed.row(0).all());
    EXPECT_TRUE(allowed.row(2).all());
}

TEST(BuildMask, CustomEmptyIsNone) {
    const BoolMatrix allowed = buildMask(spec(MaskKind::Custom), 3, 4, true, noPadding(4));
    EXPECT_TRUE(matchesRule(allowed, 3, 4, [](int, int) { return true; }));
}

TEST(BuildMask, CustomCellOutOfRangeThrows) {
    for (const std::pair<int, int>& cell :
         std::vector<std::pair<int, int>>{{3, 0}, {0, 4}, {-1, 0}, {0, -1}, {10, 10}}) {
        MaskSpec mask = spec(MaskKind::Custom);
        mask.blocked = {{0, 0}, cell};
        EXPECT_THROW(buildMask(mask, 3, 4, true, noPadding(4)), InputError)
            << "cell (" << cell.first << ", " << cell.second << ") in a 3×4 mask";
    }
}

TEST(ParseMask, GoodStrings) {
    EXPECT_EQ(parseMask("none").kind, MaskKind::None);
    EXPECT_EQ(parseMask("causal").kind, MaskKind::Causal);

    const MaskSpec padding = parseMask("padding:8");
    EXPECT_EQ(padding.kind, MaskKind::Padding);
    EXPECT_EQ(padding.padLength, 8);

    const MaskSpec window = parseMask("window:3");
    EXPECT_EQ(window.kind, MaskKind::Window);
    EXPECT_EQ(window.window, 3);

    const MaskSpec zero = parseMask("window:0");
    EXPECT_EQ(zero.kind, MaskKind::Window);
    EXPECT_EQ(zero.window, 0);

    EXPECT_EQ(parseMask("padding:1").padLength, 1);
    EXPECT_EQ(parseMask("window:128").window, 128);
}

TEST(ParseMask, BadStringsThrowInputError) {
    for (const char* text : {"foo", "", "window:-1", "padding:x", "window:", "padding:",
                             "window:2x", "padding:0", "padding:-3", "causal:1", "window 2"}) {
        EXPECT_THROW(parseMask(text), InputError) << "'" << text << "'";
    }
}

TEST(ParseMask, ErrorMessageIsNotEmpty) {
    try {
        parseMask("foo");
        FAIL() << "parseMask(\"foo\") did not throw";
    } catch (const InputError& error) {
        EXPECT_NE(std::string(error.what()).find("foo"), std::string::npos)
            << "the message should name the bad text: " << error.what();
    }
}

TEST(ParseMask, RoundTripsThroughToString) {
    for (const char* text : {"none", "causal", "padding:7", "window:0", "window:4"}) {
        EXPECT_EQ(attnlab::core::toString(parseMask(text)), text);
    }
    MaskSpec custom = spec(MaskKind::Custom);
    custom.blocked = {{0, 0}};
    EXPECT_EQ(attnlab::core::toString(custom), "custom");
}
