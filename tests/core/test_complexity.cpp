// The complexity lab: the --kinds and --n parsers, the settings' ranges, the log–log fit, a small
// real run (every family, errors against exact attention, the dense memory budget, the time
// limit, progress and Cancel), the confrontation with the tutorial's table on constructed
// measurements whose verdicts are known, and the CSV.

#include "core/efficient/complexity.h"
#include "core/efficient/complexity_report.h"
#include "support/complexity_testing.h"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_complexity {

using namespace attnlab::core;

namespace {

std::string errorOf(const std::string& list) {
    try {
        parseComplexityKinds(list);
    } catch (const InputError& e) {
        return e.what();
    }
    return "";
}

} // namespace

TEST(ComplexityKinds, ParseEveryForm) {
    const auto kinds = parseComplexityKinds(
        " dense , tiled,tiled:128,window:64,linear,linear:favor,linear:favor:64,linear:relu,"
        "sparse:dilated:4:2,bigbird:2:1:3,causal");
    ASSERT_EQ(kinds.size(), 11u);
    const std::vector<std::string> labels = {"dense",           "tiled",       "tiled:128",
                                             "window:64",       "linear:elu",  "linear:favor:256",
                                             "linear:favor:64", "linear:relu", "dilated:4:2",
                                             "bigbird:2:1:3",   "causal"};
    for (std::size_t i = 0; i < kinds.size(); ++i)
        EXPECT_EQ(kinds[i].label, labels[i]);
    EXPECT_EQ(kinds[0].family, ComplexityFamily::Dense);
    EXPECT_EQ(kinds[1].family, ComplexityFamily::Tiled);
    EXPECT_EQ(kinds[2].tileSize, 128);
    EXPECT_EQ(kinds[3].family, ComplexityFamily::Sparse);
    EXPECT_EQ(kinds[3].mask.window, 64);
    EXPECT_EQ(kinds[4].featureMap, FeatureMap::Elu);
    EXPECT_EQ(kinds[5].features, 256);
    EXPECT_EQ(kinds[6].features, 64);
    EXPECT_EQ(kinds[8].mask.kind, MaskKind::Dilated);
    EXPECT_EQ(kinds[9].mask.randomKeys, 3);
}

TEST(ComplexityKinds, ClearErrors) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"", "no complexity kinds"},
        {"dense,", "an empty item"},
        {"foo", "'foo': not a kind of attention nor a mask"},
        {"linear:gelu", "unknown feature map 'gelu'"},
        {"linear:elu:3", "only favor takes"},
        {"linear:favor:0", "from 1 to 16384"},
        {"tiled:0", "tile size B"},
        {"tiled:", "tile size B"},
        {"padding:8", "needs a sentence"},
        {"window:x", "window:W"},
        {"sparse:foo", "unknown mask"},
        {"dense,tiled,dense", "listed twice"},
        {"window:64,sparse:window:64", "listed twice"},
    };
    for (const auto& [list, expected] : cases) {
        const std::string message = errorOf(list);
        EXPECT_NE(message.find(expected), std::string::npos) << "'" << list << "' → " << message;
    }
    EXPECT_NE(errorOf("foo").find("dense, tiled"), std::string::npos) << "the forms are listed";
}

TEST(ComplexitySizes, ParseAndRefuse) {
    EXPECT_EQ(parseComplexitySizes("256, 1024,4096"), (std::vector<int>{256, 1024, 4096}));
    for (const char* bad : {"", "0", "x", "12,", "10000001", "-5", "1.5"})
        EXPECT_THROW(parseComplexitySizes(bad), InputError) << bad;
}

TEST(ComplexityConfig, ValidateRefusesEachSettingOutOfRange) {
    ComplexityConfig good;
    good.kinds = parseComplexityKinds("dense");
    EXPECT_NO_THROW(validate(good));
    std::vector<std::function<void(ComplexityConfig&)>> breaks = {
        [](ComplexityConfig& c) { c.kinds.clear(); },
        [](ComplexityConfig& c) { c.sizes.clear(); },
        [](ComplexityConfig& c) { c.sizes = {0}; },
        [](ComplexityConfig& c) { c.dK = 0; },
        [](ComplexityConfig& c) { c.heads = 65; },
        [](ComplexityConfig& c) { c.denseBudgetBytes = 1000; },
        [](ComplexityConfig& c) { c.maxSecondsPerPoint = 0; },
        [](ComplexityConfig& c) { c.minSecondsPerPoint = -1; },
        [](ComplexityConfig& c) { c.maxRepetitions = 0; },
        [](ComplexityConfig& c) { c.slopeMinN = 0; },
        [](ComplexityConfig& c) { c.errorN = 9000; },
        [](ComplexityConfig& c) { c.kinds[0].tileSize = 0; },
    };
    for (std::size_t i = 0; i < breaks.size(); ++i) {
        ComplexityConfig bad = good;
        breaks[i](bad);
        EXPECT_THROW(validate(bad), InputError) << "case " << i;
    }
}

TEST(ComplexityFit, LogLogSlopeOfExactPowers) {
    const std::vector<int> n = {100, 1000, 2000, 4000, 8000};
    std::vector<double> y;
    for (int x : n)
        y.push_back(3.0 * x * x);
    const SlopeFit fit = fitLogLogSlope(n, y, 1000);
    EXPECT_NEAR(fit.slope, 2.0, 1e-12);
    EXPECT_NEAR(fit.intercept, std::log(3.0), 1e-9);
    EXPECT_EQ(fit.points, 4);
    EXPECT_EQ(fit.minN, 1000);
    EXPECT_EQ(fit.maxN, 8000);
    EXPECT_TRUE(std::isnan(fitLogLogSlope(n, y, 5000).slope));
    EXPECT_TRUE(std::isnan(fitLogLogSlope({10, 10}, {1.0, 2.0}, 1).slope));
    // n log n: the slope of ln(n ln n) against ln n over the same lengths, by hand.
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (int x : n) {
        const double lx = std::log(x), ly = std::log(x * std::log(x));
        sx += lx, sy += ly, sxx += lx * lx, sxy += lx * ly;
    }
    const double expected = (sxy - sx * sy / 5) / (sxx - sx * sx / 5);
    EXPECT_NEAR(claimedSlope(1.0, true, n), expected, 1e-12);
    EXPECT_GT(claimedSlope(1.0, true, n), 1.05);
    EXPECT_EQ(claimedSlope(2.0, false, n), 2.0);
}

TEST(ComplexityLab, SmallRunOfEveryFamily) {
    ComplexityConfig config;
    config.kinds =
        parseComplexityKinds("dense,tiled:16,window:4,strided:3,linear:elu,linear:favor:16");
    config.sizes = {32, 16, 64, 32};
    config.dK = 8;
    config.heads = 2;
    config.minSecondsPerPoint = 0;
    config.maxRepetitions = 1;
    config.slopeMinN = 16;
    config.errorN = 48;
    int calls = 0, lastDone = 0, lastTotal = 0;
    const ComplexityResult result = runComplexity(config, [&](int done, int total) {
        ++calls;
        lastDone = done;
        lastTotal = total;
        return true;
    });
    EXPECT_EQ(result.config.sizes, (std::vector<int>{16, 32, 64}));
    EXPECT_EQ(lastTotal, 6 * 3 + 5);
    EXPECT_EQ(lastDone, lastTotal);
    EXPECT_EQ(calls, lastTotal);
    ASSERT_EQ(result.series.size(), 6u);
    for (const ComplexitySeries& series : result.series) {
        ASSERT_EQ(series.points.size(), 3u) << series.kind.label;
        for (const ComplexityPoint& p : series.points) {
            EXPECT_TRUE(p.measured) << series.kind.label;
            EXPECT_GT(p.seconds, 0.0);
            EXPECT_EQ(p.repetitions, 1);
        }
        EXPECT_FALSE(std::isnan(series.timeSlope.slope)) << series.kind.label;
        EXPECT_EQ(series.error.has_value(), series.kind.family != ComplexityFamily::Dense);
    }
    EXPECT_EQ(result.series[0].points[2].workCells, 64 * 64);
    // window:4 at n = 64: 9 keys per row, fewer at the ends.
    EXPECT_EQ(result.series[2].points[2].workCells, 64 * 9 - 2 * (4 + 3 + 2 + 1));
    EXPECT_EQ(result.series[4].points[2].workCells, 0);
    const ApproximationError& tiled = *result.series[1].error;
    EXPECT_LT(tiled.maxOutputDifference, 1e-5) << "tiled attention is exact";
    EXPECT_LT(tiled.meanRowKL, 1e-6);
    const ApproximationError& window = *result.series[2].error;
    EXPECT_TRUE(std::isinf(window.meanRowKL));
    EXPECT_GT(window.meanDroppedWeight, 0.5) << "a 9-key window drops most of 48 keys' weight";
    const ApproximationError& linear = *result.series[4].error;
    EXPECT_TRUE(std::isfinite(linear.meanRowKL));
    EXPECT_GT(linear.meanRowKL, 0.0);
}

TEST(ComplexityLab, DenseStopsAtTheMemoryBudgetAndSlowKindsAtTheTimeLimit) {
    ComplexityConfig config;
    config.kinds = parseComplexityKinds("dense,linear:elu");
    config.sizes = {256, 1024};
    config.dK = 4;
    config.minSecondsPerPoint = 0;
    config.errorN = 0;
    config.denseBudgetBytes = std::int64_t{1} << 20; // 1 MiB: n = 1024 needs 4 MiB
    ComplexityResult result = runComplexity(config);
    const ComplexitySeries& dense = result.series[0];
    EXPECT_TRUE(dense.points[0].measured);
    EXPECT_FALSE(dense.points[1].measured);
    EXPECT_NE(dense.points[1].note.find("memory budget"), std::string::npos)
        << dense.points[1].note;
    ASSERT_EQ(dense.notes.size(), 2u); // the stop and "no slope"
    EXPECT_TRUE(result.series[1].points[1].measured);

    config.denseBudgetBytes = std::int64_t{1} << 30;
    config.maxSecondsPerPoint = 1e-12;
    result = runComplexity(config);
    for (const ComplexitySeries& series : result.series) {
        EXPECT_TRUE(series.points[0].measured);
        EXPECT_FALSE(series.points[1].measured);
        EXPECT_NE(series.points[1].note.find("stops after n = 256"), std::string::npos);
    }
}

TEST(ComplexityLab, CancelStops) {
    ComplexityConfig config;
    config.kinds = parseComplexityKinds("dense,tiled");
    config.sizes = {16, 32, 64};
    config.minSecondsPerPoint = 0;
    EXPECT_THROW(runComplexity(config, [](int done, int) { return done < 2; }), Cancelled);
    config.kinds.clear();
    EXPECT_THROW(runComplexity(config), InputError);
}

namespace {

// Measurements following known laws, for the comparison with the tutorial's table.
ComplexitySeries series(const std::string& kinds, const std::vector<int>& sizes,
                        double (*seconds)(double), double (*bytes)(double)) {
    return attnlab::testing::lawfulSeries(kinds, sizes, {seconds, bytes, {}}, 1000);
}

const ComplexityFinding* find(const std::vector<ComplexityFinding>& findings, FindingTopic topic,
                              const std::string& kind) {
    for (const ComplexityFinding& f : findings)
        if (f.topic == topic && f.kind == kind)
            return &f;
    return nullptr;
}

ComplexityResult constructedResult() {
    ComplexityResult r;
    r.config.sizes = {1000, 2000, 4000, 8000, 16000};
    r.config.slopeMinN = 1000;
    r.config.errorN = 1024;
    r.memoryMeasured = true;
    const auto& n = r.config.sizes;
    r.series.push_back(series(
        "dense", n, [](double x) { return 1e-9 * x * x; }, [](double x) { return 4 * x * x; }));
    r.series.push_back(series(
        "tiled", n, [](double x) { return 1e-9 * x * x; }, [](double x) { return 1000 * x; }));
    // Linear: faster than dense from n = 8000 (the laws cross at 4100).
    r.series.push_back(series(
        "linear:elu", n, [](double x) { return 4.1e-6 * x; }, [](double x) { return 300 * x; }));
    // Window: faster than dense from n = 2000 (the laws cross at 1050), and than linear.
    r.series.push_back(series(
        "window:64", n, [](double x) { return 1.05e-6 * x; }, [](double x) { return 500 * x; }));
    // A dense-like kind with the wrong exponent.
    r.series.push_back(series(
        "linear:relu", n, [](double x) { return 1e-7 * std::pow(x, 1.5); },
        [](double x) { return 300 * x; }));
    ApproximationError e;
    e.meanRowKL = 0.125;
    e.maxOutputDifference = 0.5;
    r.series[2].error = e;
    return r;
}

} // namespace

TEST(TutorialTable, RowsAsTheTutorialStatesThem) {
    const auto table = tutorialComplexityTable();
    ASSERT_EQ(table.size(), 3u);
    EXPECT_EQ(table[0].time, "O(n²d)");
    EXPECT_EQ(table[0].space, "O(n²)");
    EXPECT_EQ(table[0].toLength, 1000);
    EXPECT_EQ(table[1].original, "线性注意力");
    EXPECT_EQ(table[1].timeExponent, 1.0);
    EXPECT_EQ(table[1].fromLength, 10000);
    EXPECT_TRUE(table[2].timeLog);
    EXPECT_EQ(table[2].fromLength, 1000);
    EXPECT_EQ(&tutorialClaimFor(ComplexityFamily::Tiled), &table[0]);
}

TEST(TutorialTable, FindingsOnConstructedMeasurements) {
    const ComplexityResult r = constructedResult();
    const std::vector<ComplexityFinding> f = compareWithTutorial(r);
    auto verdict = [&](FindingTopic topic, const std::string& kind) {
        const ComplexityFinding* x = find(f, topic, kind);
        EXPECT_NE(x, nullptr) << kind;
        return x ? x->verdict : Verdict::NotClaimed;
    };
    EXPECT_EQ(verdict(FindingTopic::TimeSlope, "dense"), Verdict::Agrees);
    EXPECT_EQ(verdict(FindingTopic::MemorySlope, "dense"), Verdict::Agrees);
    EXPECT_EQ(verdict(FindingTopic::TimeSlope, "tiled"), Verdict::Agrees);
    EXPECT_EQ(verdict(FindingTopic::MemorySlope, "tiled"), Verdict::Disagrees);
    EXPECT_EQ(verdict(FindingTopic::TimeSlope, "linear:elu"), Verdict::Agrees);
    EXPECT_EQ(verdict(FindingTopic::TimeSlope, "window:64"), Verdict::Agrees);
    EXPECT_EQ(verdict(FindingTopic::MemorySlope, "window:64"), Verdict::Agrees);
    EXPECT_EQ(verdict(FindingTopic::TimeSlope, "linear:relu"), Verdict::Disagrees);
    EXPECT_EQ(verdict(FindingTopic::Crossover, "linear:elu"), Verdict::Agrees);
    EXPECT_EQ(find(f, FindingTopic::Crossover, "linear:elu")->measured, 8000);
    EXPECT_EQ(verdict(FindingTopic::Crossover, "window:64"), Verdict::Agrees);
    EXPECT_EQ(find(f, FindingTopic::Crossover, "window:64")->measured, 2000);
    // At 16000 the window is faster than linear attention, which the table recommends there.
    EXPECT_EQ(verdict(FindingTopic::LongestLength, "window:64"), Verdict::Disagrees);
    EXPECT_EQ(verdict(FindingTopic::Error, "linear:elu"), Verdict::NotClaimed);
    EXPECT_NE(find(f, FindingTopic::Error, "linear:elu")->message.find("0.125"), std::string::npos);
    const ComplexityFinding* slope = find(f, FindingTopic::TimeSlope, "window:64");
    EXPECT_GT(slope->claimed, 1.05) << "n log n fitted over 1000…16000";
    EXPECT_NEAR(slope->measured, 1.0, 1e-9);
    EXPECT_NE(find(f, FindingTopic::MemorySlope, "tiled")->message.find("never stores"),
              std::string::npos);
}

TEST(TutorialTable, CrossoverVerdictsAtTheEdges) {
    ComplexityResult r = constructedResult();
    // Linear faster than dense at every length, from 1000 on: the table puts standard
    // attention below 1000, linear above 10000; a crossover at or below 1000 is within reach of
    // 1000/2 … 20000, so it agrees — but a kind faster already at 256 disagrees.
    r.config.sizes = {256, 1000, 2000};
    r.series = {series(
                    "dense", r.config.sizes, [](double x) { return 1e-9 * x * x; },
                    [](double x) { return x; }),
                series(
                    "linear:elu", r.config.sizes, [](double x) { return 1e-12 * x; },
                    [](double x) { return x; }),
                series(
                    "linear:relu", r.config.sizes, [](double x) { return 1.0 + 0 * x; },
                    [](double x) { return x; })};
    const auto f = compareWithTutorial(r);
    const ComplexityFinding* early = find(f, FindingTopic::Crossover, "linear:elu");
    EXPECT_EQ(early->verdict, Verdict::Disagrees) << early->message;
    EXPECT_EQ(early->measured, 256);
    const ComplexityFinding* never = find(f, FindingTopic::Crossover, "linear:relu");
    EXPECT_EQ(never->verdict, Verdict::Inconclusive) << never->message;
    EXPECT_TRUE(std::isnan(never->measured));
    EXPECT_EQ(find(f, FindingTopic::LongestLength, "linear:elu"), nullptr) << "no sparse kind";
}

TEST(ComplexityCsv, OneRowPerPointWithQuotedNotes) {
    ComplexityResult r = constructedResult();
    r.config.dK = 64;
    r.config.heads = 2;
    r.series[0].points[4].measured = false;
    r.series[0].points[4].note = "dense stops at n = 16000: budget, \"1 GiB\"";
    const std::string csv = complexityCsv(r);
    std::istringstream in(csv);
    std::string line;
    std::vector<std::string> lines;
    while (std::getline(in, line))
        lines.push_back(line);
    ASSERT_EQ(lines.size(), 1 + 5 * 5u);
    EXPECT_EQ(lines[0].rfind("kind,family,n,d_k,heads,measured,seconds,", 0), 0u);
    EXPECT_EQ(lines[1].rfind("dense,dense,1000,64,2,1,0.001,1,4000000,0,2,2,,,,,", 0), 0u)
        << lines[1];
    EXPECT_NE(lines[5].find(",0,,1,"), std::string::npos) << "unmeasured: empty seconds";
    EXPECT_NE(lines[5].find("\"dense stops at n = 16000: budget, \"\"1 GiB\"\"\""),
              std::string::npos)
        << lines[5];
    EXPECT_NE(lines[11].find(",0.125,"), std::string::npos) << lines[11];
    const std::string text = formatComplexityTable(r, compareWithTutorial(r));
    for (const char* expected : {"linear:elu", "window:64", "[agrees]", "[disagrees]",
                                 "O(n log n d)", "measurements against the table"})
        EXPECT_NE(text.find(expected), std::string::npos) << expected;
}

} // namespace test_complexity
