// Masks (docs/attention-math.md, "Masks"): which keys each query may see, checked cell by cell
// against the rule in the table, and the parser of the mask names.

#include "core/attention/mask.h"
#include "core/attention/options.h"
#include "core/base/types.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_mask {

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
                allowed, nq, nk,
                [&padding = padding](int, int j) { return !padding[static_cast<std::size_t>(j)]; }))
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

// --- the sparse patterns of docs/attention-math.md, "Efficient attention"
// ---------------------------

namespace {

using attnlab::core::KeyRun;
using attnlab::core::MaskPattern;

// The rule of each pattern as the math page states it, written out independently of the code.
struct RuleCase {
    std::string text;
    std::function<bool(int, int)> rule;
};

std::vector<RuleCase> sparseRuleCases() {
    std::vector<RuleCase> cases;
    for (int w : {0, 1, 3})
        for (int d : {1, 2, 3, 5})
            cases.push_back(
                {"dilated:" + std::to_string(w) + ":" + std::to_string(d),
                 [w, d](int i, int j) { return std::abs(i - j) <= w * d && (i - j) % d == 0; }});
    for (int s : {1, 2, 3, 4, 7, 50})
        cases.push_back({"strided:" + std::to_string(s),
                         [s](int i, int j) { return std::abs(i - j) < s || (i - j) % s == 0; }});
    for (int w : {0, 2})
        for (int g : {0, 1, 3, 100})
            cases.push_back(
                {"longformer:" + std::to_string(w) + ":" + std::to_string(g),
                 [w, g](int i, int j) { return std::abs(i - j) <= w || i < g || j < g; }});
    for (int b : {1, 2, 3, 5, 64})
        cases.push_back(
            {"block:" + std::to_string(b), [b](int i, int j) { return i / b == j / b; }});
    // bigbird with no random keys is longformer.
    cases.push_back(
        {"bigbird:1:2:0", [](int i, int j) { return std::abs(i - j) <= 1 || i < 2 || j < 2; }});
    return cases;
}

const std::vector<std::pair<int, int>> kSparseSizes = {{1, 1},   {2, 2},  {5, 5},  {12, 12},
                                                       {30, 30}, {7, 19}, {19, 7}, {1, 9}};

// Runs are non-empty, increasing, separated by at least one blocked key, and cover exactly the
// keys `keys`.
::testing::AssertionResult runsAreMaximal(const std::vector<KeyRun>& runs) {
    for (std::size_t r = 0; r < runs.size(); ++r) {
        if (runs[r].begin >= runs[r].end)
            return ::testing::AssertionFailure() << "run " << r << " is empty";
        if (r > 0 && runs[r].begin <= runs[r - 1].end)
            return ::testing::AssertionFailure()
                   << "run " << r << " [" << runs[r].begin << ", " << runs[r].end
                   << ") touches or precedes the one before";
    }
    return ::testing::AssertionSuccess();
}

// Every way of asking a MaskPattern (dense, visible, runs, keys, counts) against `rule`.
void expectPatternFollowsRule(const MaskPattern& pattern, const std::function<bool(int, int)>& rule,
                              const std::string& what) {
    const int nq = pattern.queries(), nk = pattern.keys();
    EXPECT_TRUE(matchesRule(pattern.dense(), nq, nk, rule)) << what;
    std::vector<KeyRun> runs;
    std::vector<int> keys;
    std::int64_t cells = 0;
    for (int i = 0; i < nq; ++i) {
        std::vector<int> expected;
        for (int j = 0; j < nk; ++j) {
            if (rule(i, j))
                expected.push_back(j);
            ASSERT_EQ(pattern.visible(i, j), rule(i, j))
                << what << " cell (" << i << ", " << j << ")";
        }
        pattern.visibleKeys(i, keys);
        EXPECT_EQ(keys, expected) << what << " row " << i;
        pattern.visibleRuns(i, runs);
        EXPECT_TRUE(runsAreMaximal(runs)) << what << " row " << i;
        EXPECT_EQ(pattern.visibleCount(i), static_cast<std::int64_t>(expected.size()))
            << what << " row " << i;
        cells += static_cast<std::int64_t>(expected.size());
    }
    EXPECT_EQ(pattern.visibleCells(), cells) << what;
}

} // namespace

TEST(MaskPattern, SparsePatternsFollowTheirRules) {
    for (const RuleCase& c : sparseRuleCases())
        for (auto [nq, nk] : kSparseSizes) {
            const MaskSpec spec = parseMask(c.text);
            const bool cross = nq != nk;
            expectPatternFollowsRule(MaskPattern(spec, nq, nk, cross), c.rule,
                                     c.text + " " + std::to_string(nq) + "×" + std::to_string(nk));
            // buildMask is the same dense matrix.
            EXPECT_TRUE(matchesRule(buildMask(spec, nq, nk, cross, noPadding(nk)), nq, nk, c.rule))
                << c.text;
        }
}

TEST(MaskPattern, EarlierPatternsFollowTheirRulesThroughEveryQuery) {
    const std::vector<bool> padding = {false, false, true, false, true, true, false};
    MaskSpec custom = spec(MaskKind::Custom);
    custom.blocked = {{0, 1}, {0, 2}, {0, 1}, {3, 6}, {5, 0}, {5, 1},
                      {5, 2}, {5, 3}, {5, 4}, {5, 5}, {5, 6}};
    auto isBlocked = [&](int i, int j) {
        return std::find(custom.blocked.begin(), custom.blocked.end(), std::make_pair(i, j)) !=
               custom.blocked.end();
    };
    expectPatternFollowsRule(
        MaskPattern(custom, 7, 7), [&](int i, int j) { return !isBlocked(i, j); }, "custom");
    expectPatternFollowsRule(
        MaskPattern(spec(MaskKind::Causal), 7, 7), [](int i, int j) { return j <= i; }, "causal");
    MaskSpec padded = spec(MaskKind::Padding);
    padded.padLength = 7;
    expectPatternFollowsRule(
        MaskPattern(padded, 7, 7, false, padding),
        [&](int, int j) { return !padding[static_cast<std::size_t>(j)]; }, "padding");
    expectPatternFollowsRule(
        MaskPattern(parseMask("window:2"), 4, 9, true),
        [](int i, int j) { return std::abs(i - j) <= 2; }, "window");
    expectPatternFollowsRule(
        MaskPattern(spec(MaskKind::None), 3, 5, true), [](int, int) { return true; }, "none");
}

TEST(MaskPattern, CoversEverythingOnlyWhenNothingIsBlocked) {
    EXPECT_TRUE(MaskPattern(spec(MaskKind::None), 4, 4).coversEverything());
    EXPECT_TRUE(MaskPattern(parseMask("window:3"), 4, 4).coversEverything());
    EXPECT_FALSE(MaskPattern(parseMask("window:2"), 4, 4).coversEverything());
    EXPECT_TRUE(MaskPattern(parseMask("longformer:0:4"), 4, 4).coversEverything());
    EXPECT_FALSE(MaskPattern(spec(MaskKind::Causal), 2, 2).coversEverything());
}

TEST(MaskPattern, BlockRowsBeyondTheKeysAreEmpty) {
    // Cross-attention with more queries than keys: rows of a block past the last key see none.
    const MaskPattern pattern(parseMask("block:4"), 10, 6, true);
    EXPECT_EQ(pattern.visibleCount(9), 0);
    EXPECT_EQ(pattern.visibleCount(5), 2); // keys 4, 5
}

TEST(BigBird, RandomKeysAreOutsideTheBandDistinctAndAsMany) {
    for (std::uint64_t seed : {1ULL, 42ULL, 977ULL})
        for (auto [w, g, r] : std::vector<std::tuple<int, int, int>>{
                 {1, 0, 3}, {2, 2, 2}, {0, 1, 5}, {3, 0, 40}, {1, 3, 1}}) {
            const int n = 24;
            MaskSpec bigbird = parseMask("bigbird:" + std::to_string(w) + ":" + std::to_string(g) +
                                         ":" + std::to_string(r));
            const MaskPattern pattern(bigbird, n, n, false, {}, seed);
            auto band = [w = w, g = g](int i, int j) {
                return std::abs(i - j) <= w || i < g || j < g;
            };
            for (int i = 0; i < n; ++i) {
                int bandCount = 0, extra = 0;
                for (int j = 0; j < n; ++j) {
                    bandCount += band(i, j);
                    extra += pattern.visible(i, j) && !band(i, j);
                    if (band(i, j)) {
                        EXPECT_TRUE(pattern.visible(i, j)) << "(" << i << ", " << j << ")";
                    }
                }
                // Every row outside the global ones gets R keys, or every key left if fewer.
                const int expected = i < g ? 0 : std::min(r, n - bandCount);
                EXPECT_EQ(extra, expected) << "row " << i << " seed " << seed;
            }
            expectPatternFollowsRule(
                pattern, [&](int i, int j) { return pattern.dense()(i, j); },
                "bigbird self-consistency");
        }
}

TEST(BigBird, SameSeedSameKeysOtherSeedOtherKeys) {
    const MaskSpec bigbird = parseMask("bigbird:1:1:3");
    const BoolMatrix a = MaskPattern(bigbird, 40, 40, false, {}, 7).dense();
    const BoolMatrix b = MaskPattern(bigbird, 40, 40, false, {}, 7).dense();
    const BoolMatrix c = MaskPattern(bigbird, 40, 40, false, {}, 8).dense();
    EXPECT_TRUE((a == b).all());
    EXPECT_FALSE((a == c).all());
    // buildMask passes the seed through.
    EXPECT_TRUE((buildMask(bigbird, 40, 40, false, noPadding(40), 7) == a).all());
}

TEST(BigBird, RandomKeysAreUniformOverTheCandidates) {
    // Row 20 of 60 keys with W = 2, G = 0, R = 3 has 55 candidates; over N seeds each candidate's
    // count is Binomial(N, 3/55). A bound of 6 standard deviations fails with probability below
    // 55 · 2e-9 for a correct sampler (union bound over the candidates), so it is not tuned.
    const int n = 60, row = 20, draws = 3, trials = 4000;
    const int candidates = n - 5;
    std::vector<int> counts(static_cast<std::size_t>(n), 0);
    std::vector<int> keys;
    const MaskSpec bigbird = parseMask("bigbird:2:0:3");
    for (int t = 0; t < trials; ++t) {
        attnlab::core::bigBirdRandomKeys(bigbird, row, n, static_cast<std::uint64_t>(t) * 7919 + 1,
                                         keys);
        ASSERT_EQ(keys.size(), 3u);
        for (int key : keys)
            ++counts[static_cast<std::size_t>(key)];
    }
    const double p = static_cast<double>(draws) / candidates;
    const double mean = trials * p, sd = std::sqrt(trials * p * (1 - p));
    for (int j = 0; j < n; ++j) {
        if (std::abs(j - row) <= 2) {
            EXPECT_EQ(counts[static_cast<std::size_t>(j)], 0) << "key " << j << " is in the band";
            continue;
        }
        EXPECT_LE(std::abs(counts[static_cast<std::size_t>(j)] - mean), 6 * sd) << "key " << j;
    }
}

TEST(ParseMask, SparsePatternsParseAndRoundTrip) {
    const MaskSpec dilated = parseMask("dilated:4:3");
    EXPECT_EQ(dilated.kind, MaskKind::Dilated);
    EXPECT_EQ(dilated.window, 4);
    EXPECT_EQ(dilated.dilation, 3);
    const MaskSpec strided = parseMask("strided:8");
    EXPECT_EQ(strided.kind, MaskKind::Strided);
    EXPECT_EQ(strided.stride, 8);
    const MaskSpec longformer = parseMask("longformer:2:1");
    EXPECT_EQ(longformer.kind, MaskKind::Longformer);
    EXPECT_EQ(longformer.window, 2);
    EXPECT_EQ(longformer.globalTokens, 1);
    const MaskSpec bigbird = parseMask("bigbird:3:2:5");
    EXPECT_EQ(bigbird.kind, MaskKind::BigBird);
    EXPECT_EQ(bigbird.window, 3);
    EXPECT_EQ(bigbird.globalTokens, 2);
    EXPECT_EQ(bigbird.randomKeys, 5);
    const MaskSpec block = parseMask("block:16");
    EXPECT_EQ(block.kind, MaskKind::Block);
    EXPECT_EQ(block.blockSize, 16);
    for (const char* text : {"dilated:0:1", "dilated:4:3", "strided:1", "strided:8",
                             "longformer:0:0", "longformer:2:1", "bigbird:3:2:5", "bigbird:0:0:0",
                             "block:1", "block:16", "window:100000000"})
        EXPECT_EQ(attnlab::core::toString(parseMask(text)), text);
}

TEST(ParseMask, SparsePatternsRefuseBadSyntaxAndRanges) {
    for (const char* text : {"dilated",
                             "dilated:",
                             "dilated:3",
                             "dilated:3:0",
                             "dilated:-1:2",
                             "dilated:1:2:3",
                             "dilated:1:",
                             "dilated::2",
                             "strided:0",
                             "strided:-2",
                             "strided",
                             "strided:1:1",
                             "longformer:2",
                             "longformer:2:-1",
                             "longformer:-1:0",
                             "bigbird:2:1",
                             "bigbird:1:1:-1",
                             "bigbird:1:1:65537",
                             "bigbird:1:1:1:1",
                             "block:0",
                             "block:",
                             "block:1x",
                             "block:x",
                             "window:100000001",
                             "window:99999999999",
                             "Window:3",
                             "dilated :1:1",
                             "custom",
                             "window:+3",
                             "window:3:"}) {
        EXPECT_THROW(parseMask(text), InputError) << "'" << text << "'";
    }
}

TEST(ParseMask, ErrorsNameTheMaskAndItsSyntax) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"dilated:3", "dilated:W:D"},
        {"dilated:3:0", "D (dilation)"},
        {"strided:0", "strided:S"},
        {"bigbird:1:1", "bigbird:W:G:R"},
        {"block:x", "is not a whole number"},
        {"longformer:1:2:3", "too many"},
        {"blocks:3", "block:B"},
    };
    for (const auto& [text, expected] : cases) {
        try {
            parseMask(text);
            ADD_FAILURE() << text << " did not throw";
        } catch (const InputError& error) {
            const std::string message = error.what();
            EXPECT_NE(message.find(text), std::string::npos) << message;
            EXPECT_NE(message.find(expected), std::string::npos) << message;
        }
    }
}

TEST(MaskRegistry, EveryPatternHasOneEntryWithHelp) {
    const auto patterns = attnlab::core::maskPatterns();
    EXPECT_EQ(patterns.size(), 10u);
    const std::string help = attnlab::core::maskHelp();
    for (std::size_t k = 0; k < patterns.size(); ++k) {
        const auto& info = patterns[k];
        EXPECT_EQ(static_cast<std::size_t>(info.kind), k) << info.name;
        EXPECT_EQ(&attnlab::core::maskPattern(info.kind), &info);
        EXPECT_FALSE(info.help.empty()) << info.name;
        EXPECT_TRUE(info.visible && info.appendRuns) << info.name;
        if (info.typed) {
            EXPECT_NE(help.find(std::string(info.syntax)), std::string::npos) << info.syntax;
            EXPECT_NE(attnlab::core::maskSyntaxList().find(std::string(info.syntax)),
                      std::string::npos);
        }
        // The syntax is the name followed by one ":X" per parameter.
        std::string syntax(info.name);
        for (const auto& p : info.parameters)
            syntax += ":" + std::string(p.symbol);
        EXPECT_EQ(syntax, info.syntax);
    }
}

TEST(MaskRegistry, ValidateRefusesFieldsOutOfRange) {
    MaskSpec mask = parseMask("dilated:2:2");
    mask.dilation = 0;
    EXPECT_THROW(attnlab::core::validateMask(mask), InputError);
    mask = parseMask("block:3");
    mask.blockSize = -4;
    EXPECT_THROW(MaskPattern(mask, 3, 3), InputError);
    mask = parseMask("block:3");
    EXPECT_NO_THROW(attnlab::core::validateMask(mask));
}

} // namespace test_mask
