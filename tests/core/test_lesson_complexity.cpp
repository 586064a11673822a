// A session's Complexity page ("complexity") and the lesson checks of the complexity lab: read
// strictly with the member named, written back unchanged, run as the window's page runs it,
// measured on results with known numbers (passing when the claim is true, failing with the figure
// or the reason when it is not), and every shipped lesson with a Complexity page shows what its
// checks claim when its lengths run through the lab.

#include "core/io/session.h"
#include "core/teaching/complexity_checks.h"
#include "core/teaching/lessons.h"
#include "support/complexity_testing.h"

#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_lesson_complexity {

using namespace attnlab::core;

namespace {

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// A session around `complexity` (a JSON object, or empty for none) and `checks` (a JSON array,
// or empty for none).
std::string sessionText(const std::string& complexity, const std::string& checks = "") {
    std::string text = R"({"format": "attention-lab-session", "version": 1,
                           "config": {"sentence": "a b c"})";
    if (!complexity.empty())
        text += ", \"complexity\": " + complexity;
    if (!checks.empty())
        text += R"(, "lesson": {"title": "t", "checks": )" + checks + "}";
    return text + "}";
}

Session sessionOf(const std::string& complexity, const std::string& checks = "") {
    std::vector<std::string> warnings;
    Session session = parseSession(sessionText(complexity, checks), warnings);
    EXPECT_TRUE(warnings.empty()) << warnings.front();
    return session;
}

std::string sessionError(const std::string& complexity, const std::string& checks = "") {
    try {
        sessionOf(complexity, checks);
    } catch (const InputError& error) {
        return error.what();
    }
    return "no error";
}

const std::string kFour =
    R"({"kinds": ["dense", "tiled", "window:32", "linear:elu"], "n": [256, 512, 1024]})";

// A result with chosen numbers: per kind, its points at n = 512, 1024, 2048, 4096.
ComplexitySeries seriesOf(const std::string& label, double memoryPower, double cellsPower) {
    return attnlab::testing::lawfulSeries(
        label, {512, 1024, 2048, 4096},
        {[](double n) { return 1e-9 * std::pow(n, 1.5); },
         [memoryPower](double n) { return std::pow(n, memoryPower); },
         [cellsPower](double n) { return std::pow(n, cellsPower); }},
        512);
}

ComplexityResult knownResult() {
    ComplexityResult result;
    result.config = pageComplexityConfig(parseComplexityKinds("dense,tiled,window:32,linear:elu"),
                                         {512, 1024, 2048, 4096}, 64, 1, 1 << 30);
    result.memoryMeasured = true;
    result.series.push_back(seriesOf("dense", 2.0, 2.0));
    result.series.push_back(seriesOf("tiled", 1.0, 2.0));
    result.series.back().error = ApproximationError{};
    result.series.back().error->maxOutputDifference = 1.5e-6;
    result.series.push_back(seriesOf("window:32", 1.0, 1.0));
    ApproximationError window;
    window.infiniteRows = 512;
    window.meanRowKL = std::numeric_limits<double>::infinity();
    window.meanRowReverseKL = 2.1;
    window.meanDroppedWeight = 0.877;
    result.series.back().error = window;
    result.series.push_back(seriesOf("linear:elu", 1.0, 0.0));
    ApproximationError linear;
    linear.meanRowKL = 0.455;
    linear.maxOutputDifference = 0.75;
    result.series.back().error = linear;
    return result;
}

std::vector<CheckOutcome> evaluateOn(const ComplexityResult& result, const std::string& checks) {
    const Session session = sessionOf(kFour, checks);
    return evaluateComplexityChecks(session.lesson.checks, result);
}

CheckOutcome evaluateOne(const std::string& check, const ComplexityResult& result = knownResult()) {
    const std::vector<CheckOutcome> outcomes = evaluateOn(result, "[" + check + "]");
    EXPECT_EQ(outcomes.size(), 1u);
    return outcomes.front();
}

} // namespace

TEST(LessonComplexity, IsReadWithItsDefaultsAndWrittenBackUnchanged) {
    const Session defaults = sessionOf(R"({"kinds": ["dense", "linear"], "n": [1024, 256]})");
    ASSERT_TRUE(defaults.complexity);
    EXPECT_EQ(defaults.complexity->labels(), (std::vector<std::string>{"dense", "linear:elu"}));
    EXPECT_EQ(defaults.complexity->sizes, (std::vector<int>{1024, 256}));
    EXPECT_EQ(defaults.complexity->dK, 64);
    EXPECT_EQ(defaults.complexity->heads, 1);
    EXPECT_EQ(defaults.complexity->denseBudgetMiB, 1024);

    const Session full = sessionOf(R"({"kinds": ["window:8", "tiled:64", "linear:favor:32"],
        "n": [2, 300], "d_k": 16, "heads": 3, "dense_budget_mib": 7})");
    const std::string text = serializeSession(full);
    EXPECT_TRUE(contains(text, "\"complexity\"")) << text;
    std::vector<std::string> warnings;
    const Session back = parseSession(text, warnings);
    EXPECT_TRUE(warnings.empty());
    ASSERT_TRUE(back.complexity);
    EXPECT_TRUE(*back.complexity == *full.complexity);
    EXPECT_EQ(back.complexity->labels(),
              (std::vector<std::string>{"window:8", "tiled:64", "linear:favor:32"}));
    EXPECT_EQ(back.complexity->dK, 16);
    EXPECT_EQ(back.complexity->heads, 3);
    EXPECT_EQ(back.complexity->denseBudgetMiB, 7);
    EXPECT_EQ(serializeSession(back), text);
}

TEST(LessonComplexity, ASessionWithoutItIsWrittenAsBefore) {
    const Session plain = sessionOf("");
    EXPECT_FALSE(plain.complexity);
    EXPECT_FALSE(contains(serializeSession(plain), "complexity"));
    // Every shipped lesson before the complexity lab reads without the member.
    for (const BuiltinLesson& lesson : builtinLessons())
        EXPECT_TRUE(lesson.id >= "13" || !builtinLesson(lesson.id).complexity) << lesson.id;
}

TEST(LessonComplexity, BadValuesNameTheMember) {
    const std::pair<std::string, std::string> cases[] = {
        {R"([1])", "complexity: expected an object"},
        {R"({"n": [256]})", "complexity: the member \"kinds\" is missing"},
        {R"({"kinds": ["dense"]})", "complexity: the member \"n\" is missing"},
        {R"({"kinds": ["dense"], "n": [256], "lengths": [2]})",
         "complexity.lengths: unknown member"},
        {R"({"kinds": "dense", "n": [256]})", "complexity.kinds: expected a non-empty array"},
        {R"({"kinds": [], "n": [256]})", "complexity.kinds: expected a non-empty array"},
        {R"({"kinds": ["dense", "windw:3"], "n": [256]})", "complexity.kinds[1]: complexity kind"},
        {R"({"kinds": ["dense", 4], "n": [256]})", "complexity.kinds[1]"},
        {R"({"kinds": ["dense,tiled"], "n": [256]})", "complexity.kinds[0]: one kind per item"},
        {R"({"kinds": ["linear", "linear:elu"], "n": [256]})",
         "complexity.kinds[1]: the kind linear:elu is listed twice"},
        {R"({"kinds": ["dense"], "n": [256, 1]})", "complexity.n[1]: a length must be from 2"},
        {R"({"kinds": ["dense"], "n": [256.5]})", "complexity.n[0]"},
        {R"({"kinds": ["dense"], "n": []})", "complexity.n: expected a non-empty array"},
        {R"({"kinds": ["dense"], "n": [256], "d_k": 0})", "complexity.d_k: d_k must be from 1"},
        {R"({"kinds": ["dense"], "n": [256], "heads": 65})",
         "complexity.heads: the number of heads must be from 1 to 64"},
        {R"({"kinds": ["dense"], "n": [256], "dense_budget_mib": 0})",
         "complexity.dense_budget_mib: the dense memory budget in MiB must be from 1"},
    };
    for (const auto& [member, expected] : cases)
        EXPECT_TRUE(contains(sessionError(member), expected))
            << member << " → " << sessionError(member);
}

TEST(LessonComplexity, RunsAsTheComplexityPageRunsIt) {
    const Session session = sessionOf(
        R"({"kinds": ["dense", "window:4"], "n": [4096, 256, 1024], "d_k": 8, "heads": 2,
            "dense_budget_mib": 3})");
    const ComplexityConfig config = complexityConfigOf(*session.complexity);
    EXPECT_EQ(config.kinds.size(), 2u);
    EXPECT_EQ(config.sizes, (std::vector<int>{4096, 256, 1024}));
    EXPECT_EQ(config.dK, 8);
    EXPECT_EQ(config.heads, 2);
    EXPECT_EQ(config.denseBudgetBytes, 3 << 20);
    EXPECT_EQ(config.seed, 42u);
    EXPECT_EQ(config.minSecondsPerPoint, 0.05);
    EXPECT_EQ(config.maxSecondsPerPoint, 20.0);
    EXPECT_EQ(config.errorN, 512);
    EXPECT_EQ(config.slopeMinN, 512); // the slopes start at 512 …
    EXPECT_EQ(pageComplexityConfig({}, {300, 256, 100}, 64, 1, 1 << 20).slopeMinN, 256);
    EXPECT_EQ(pageComplexityConfig({}, {300}, 64, 1, 1 << 20).slopeMinN, 300); // … or earlier

    // The same measurement: lengths as a set; anything else that changes the numbers differs.
    ComplexityConfig other = config;
    other.sizes = {256, 1024, 4096, 1024};
    EXPECT_TRUE(sameMeasurement(config, other));
    other.dK = 16;
    EXPECT_FALSE(sameMeasurement(config, other));
    other = config;
    other.kinds = parseComplexityKinds("window:4,dense"); // the order is only the colours'
    EXPECT_TRUE(sameMeasurement(config, other));
    other.kinds = parseComplexityKinds("window:4,dense,tiled");
    EXPECT_FALSE(sameMeasurement(config, other));
    other.kinds = parseComplexityKinds("window:8,dense");
    EXPECT_FALSE(sameMeasurement(config, other));
    other = config;
    other.errorN = 0;
    EXPECT_FALSE(sameMeasurement(config, other));

    // And back: what the page shows, as a session stores it.
    EXPECT_TRUE(sessionComplexityOf(config) == *session.complexity);
    other = config;
    other.denseBudgetBytes = 1;
    EXPECT_THROW(sessionComplexityOf(other), InputError);
}

TEST(ComplexityChecksParse, ReadsEveryKindAndWritesItBack) {
    const std::string checks = R"([
        {"kind": "time_slope", "of": "linear:elu", "at_most": 1.4},
        {"kind": "memory_slope", "of": "dense", "at_least": 1.6, "at_most": 2.3},
        {"kind": "cells_slope", "of": "window:32", "near": 1, "tolerance": 0.05},
        {"kind": "mean_row_kl", "of": "linear", "at_most": 0.6},
        {"kind": "mean_row_reverse_kl", "of": "window:32", "at_least": 1},
        {"kind": "dropped_weight", "of": "window:32", "at_least": 0.85},
        {"kind": "max_output_difference", "of": "tiled", "at_most": 1e-05},
        {"kind": "argmax", "row": "b", "is": "self"}])";
    const Session session = sessionOf(kFour, checks);
    const std::vector<LessonCheck>& read = session.lesson.checks;
    ASSERT_EQ(read.size(), 8u);
    EXPECT_EQ(read[0].measure, CheckMeasure::TimeSlope);
    EXPECT_EQ(read[1].measure, CheckMeasure::MemorySlope);
    EXPECT_EQ(read[2].measure, CheckMeasure::CellsSlope);
    EXPECT_EQ(read[3].measure, CheckMeasure::MeanRowKL);
    EXPECT_EQ(read[3].of, "linear:elu"); // as the page names it
    EXPECT_EQ(read[4].measure, CheckMeasure::MeanRowReverseKL);
    EXPECT_EQ(read[5].measure, CheckMeasure::DroppedWeight);
    EXPECT_EQ(read[6].measure, CheckMeasure::MaxOutputDifference);
    EXPECT_EQ(*read[6].atMost, 1e-5);
    EXPECT_EQ(*read[2].tolerance, 0.05);
    EXPECT_EQ(complexityCheckCount(read), 7);
    for (int i = 0; i < 7; ++i)
        EXPECT_TRUE(measuresComplexity(read[static_cast<std::size_t>(i)].measure)) << i;
    EXPECT_FALSE(measuresComplexity(read[7].measure));

    const std::string text = serializeSession(session);
    EXPECT_TRUE(contains(text, R"("kind": "memory_slope")")) << text;
    EXPECT_TRUE(contains(text, R"("of": "linear:elu")")) << text;
    std::vector<std::string> warnings;
    const Session back = parseSession(text, warnings);
    ASSERT_EQ(back.lesson.checks.size(), 8u);
    EXPECT_EQ(serializeSession(back), text);
    for (std::size_t i = 0; i < 7; ++i) {
        EXPECT_EQ(back.lesson.checks[i].measure, read[i].measure);
        EXPECT_EQ(back.lesson.checks[i].of, read[i].of);
        EXPECT_EQ(back.lesson.checks[i].atLeast, read[i].atLeast);
        EXPECT_EQ(back.lesson.checks[i].atMost, read[i].atMost);
        EXPECT_EQ(back.lesson.checks[i].near, read[i].near);
    }
}

TEST(ComplexityChecksParse, RefusesWhatItDoesNotKnowByName) {
    const std::pair<std::string, std::string> cases[] = {
        {R"({"kind": "memory_slopes", "of": "dense", "at_least": 1})",
         "lesson.checks[0].kind: unknown kind 'memory_slopes'"},
        {R"({"kind": "memory_slope", "at_least": 1})",
         "lesson.checks[0]: a memory_slope check needs \"of\""},
        {R"({"kind": "memory_slope", "of": "dense"})",
         "lesson.checks[0]: the check claims nothing"},
        {R"({"kind": "memory_slope", "of": "dense", "row": 1, "at_least": 1})",
         "lesson.checks[0].row: unknown member of a check of kind 'memory_slope'"},
        {R"({"kind": "memory_slope", "of": "dense", "greater_than": {"heads": 2}})",
         "lesson.checks[0].greater_than: unknown member"},
        {R"({"kind": "memory_slope", "of": "dense", "at_least": 1, "tolerance": 0.1})",
         "lesson.checks[0].tolerance: applies only with near"},
        {R"({"kind": "memory_slope", "of": "dense", "at_least": 2, "at_most": 1})",
         "at_least is above at_most"},
        {R"({"kind": "memory_slope", "of": "windw:3", "at_least": 1})",
         "lesson.checks[0].of: complexity kind 'windw:3'"},
        {R"({"kind": "memory_slope", "of": "dense,tiled", "at_least": 1})",
         "lesson.checks[0].of: a check measures one kind"},
        {R"({"kind": "mean_row_kl", "of": "dense", "at_most": 1})",
         "lesson.checks[0].of: dense attention is the exact attention"},
        {R"({"kind": "cells_slope", "of": "linear:elu", "at_most": 1})",
         "lesson.checks[0].of: linear attention computes no score cells"},
        // The kind must be one of the session's, and the session must have a Complexity page.
        {R"({"kind": "memory_slope", "of": "block:64", "at_least": 1})",
         "lesson.checks[0].of: 'block:64' is not among the kinds of \"complexity\" (dense, "
         "tiled, window:32, linear:elu)"},
    };
    for (const auto& [check, expected] : cases) {
        const std::string error = sessionError(kFour, "[" + check + "]");
        EXPECT_TRUE(contains(error, expected)) << check << " → " << error;
    }
    const std::string error = sessionError("", R"([{"kind": "argmax", "is": "self"},
                             {"kind": "dropped_weight", "of": "window:32", "at_least": 0.5}])");
    EXPECT_TRUE(contains(error, "lesson.checks[1]: a check of kind 'dropped_weight' needs the "
                                "member \"complexity\""))
        << error;
}

TEST(ComplexityChecksEvaluate, SlopesPassAndFailWithTheFittedFigure) {
    const CheckOutcome dense =
        evaluateOne(R"({"kind": "memory_slope", "of": "dense", "at_least": 1.6, "at_most": 2.3})");
    EXPECT_TRUE(dense.passed) << dense.english();
    EXPECT_EQ(dense.english(),
              "kind dense: the log–log slope of peak memory against n is at least 1.600 and is at "
              "most 2.300 — n = 512 to 4096, 4 lengths: slope 2.000");
    const CheckOutcome tiled =
        evaluateOne(R"({"kind": "memory_slope", "of": "tiled", "at_least": 1.6})");
    EXPECT_FALSE(tiled.passed);
    EXPECT_TRUE(contains(tiled.english(), "slope 1.000")) << tiled.english();
    const CheckOutcome cells =
        evaluateOne(R"({"kind": "cells_slope", "of": "tiled", "near": 2, "tolerance": 0.01})");
    EXPECT_TRUE(cells.passed) << cells.english();
    const CheckOutcome window =
        evaluateOne(R"({"kind": "cells_slope", "of": "window:32", "at_most": 0.9})");
    EXPECT_FALSE(window.passed);
    const CheckOutcome time =
        evaluateOne(R"({"kind": "time_slope", "of": "linear:elu", "near": 1.5})");
    EXPECT_TRUE(time.passed) << time.english();
    EXPECT_TRUE(contains(time.english(), "the log–log slope of time against n is 1.500 ± 0.005"))
        << time.english();
}

TEST(ComplexityChecksEvaluate, ErrorsPassAndFailWithTheFigure) {
    const CheckOutcome tiled =
        evaluateOne(R"({"kind": "max_output_difference", "of": "tiled", "at_most": 1e-5})");
    EXPECT_TRUE(tiled.passed) << tiled.english();
    EXPECT_EQ(tiled.english(), "kind tiled: the largest output difference from exact attention is "
                               "at most 1e-05 — n = 512: largest difference 1.5e-06");
    const CheckOutcome linear = evaluateOne(
        R"({"kind": "mean_row_kl", "of": "linear:elu", "near": 0.455, "tolerance": 0.01})");
    EXPECT_TRUE(linear.passed) << linear.english();
    EXPECT_TRUE(contains(linear.english(), "0.455 nats")) << linear.english();
    const CheckOutcome tooSmall =
        evaluateOne(R"({"kind": "mean_row_kl", "of": "linear:elu", "at_most": 0.4})");
    EXPECT_FALSE(tooSmall.passed);
    // A window gives 0 to keys exact attention weighs: KL(exact ‖ window) is infinite.
    const CheckOutcome infinite =
        evaluateOne(R"({"kind": "mean_row_kl", "of": "window:32", "at_most": 100})");
    EXPECT_FALSE(infinite.passed);
    EXPECT_TRUE(contains(infinite.english(), "infinite: 512 rows give 0")) << infinite.english();
    const CheckOutcome dropped =
        evaluateOne(R"({"kind": "dropped_weight", "of": "window:32", "at_least": 0.85})");
    EXPECT_TRUE(dropped.passed) << dropped.english();
    EXPECT_TRUE(contains(dropped.english(), "0.877 of the exact weight dropped"))
        << dropped.english();
    const CheckOutcome reverse =
        evaluateOne(R"({"kind": "mean_row_reverse_kl", "of": "window:32", "at_most": 2})");
    EXPECT_FALSE(reverse.passed);
    EXPECT_TRUE(contains(reverse.english(), "2.100 nats")) << reverse.english();
}

TEST(ComplexityChecksEvaluate, WhatCannotBeMeasuredFailsAndSaysWhy) {
    ComplexityResult result = knownResult();
    result.memoryMeasured = false;
    result.series[3].error.reset();
    result.series[2].timeSlope = fitLogLogSlope({4096}, {1.0}, 512);
    result.series.erase(result.series.begin() + 1); // tiled
    const std::vector<CheckOutcome> outcomes =
        evaluateOn(result, R"([{"kind": "memory_slope", "of": "dense", "at_least": 1},
                               {"kind": "mean_row_kl", "of": "linear:elu", "at_most": 1},
                               {"kind": "time_slope", "of": "window:32", "at_most": 1.4},
                               {"kind": "cells_slope", "of": "tiled", "at_most": 3}])");
    ASSERT_EQ(outcomes.size(), 4u);
    const char* reasons[] = {"peak memory could not be measured on this system",
                             "no error was measured", "fewer than two measured lengths of n ≥ 512",
                             "the kind tiled was not measured"};
    for (std::size_t i = 0; i < 4; ++i) {
        EXPECT_FALSE(outcomes[i].passed) << i;
        EXPECT_TRUE(contains(outcomes[i].english(), reasons[i])) << outcomes[i].english();
    }
}

TEST(ComplexityChecksEvaluate, EachKindOfCheckIsMeasuredByItsOwnResult) {
    const Session session = sessionOf(kFour, R"([{"kind": "argmax", "is": "self"},
        {"kind": "memory_slope", "of": "dense", "at_least": 1}, {"kind": "entropy", "at_least": 0}])");
    // The checks of the maps leave the complexity lab's out, and the other way round.
    const std::vector<CheckOutcome> maps = evaluateLessonChecks(
        session.lesson.checks, session.config, runLessonConfig(session.config));
    ASSERT_EQ(maps.size(), 2u);
    EXPECT_TRUE(contains(maps[0].english(), "is on itself")) << maps[0].english();
    const std::vector<CheckOutcome> lab =
        evaluateComplexityChecks(session.lesson.checks, knownResult());
    ASSERT_EQ(lab.size(), 1u);
    EXPECT_TRUE(lab[0].passed);
}

// Every shipped lesson with a Complexity page shows what its checks claim when its kinds and
// lengths run through the lab as the page runs them (a few seconds: lengths up to 4096). Peak
// memory is the resident set of this process, which some systems do not let a program reset: there
// the memory claims are reported, not passed, and the test says so.
TEST(LessonComplexityShipped, EveryComplexityLessonsChecksHold) {
    int lessons = 0;
    for (const BuiltinLesson& lesson : builtinLessons()) {
        const Session session = builtinLesson(lesson.id);
        if (!session.complexity) {
            EXPECT_EQ(complexityCheckCount(session.lesson.checks), 0) << lesson.id;
            continue;
        }
        SCOPED_TRACE(lesson.id);
        ++lessons;
        EXPECT_GE(complexityCheckCount(session.lesson.checks), 2);
        const ComplexityResult result = runComplexity(complexityConfigOf(*session.complexity));
        const std::vector<CheckOutcome> outcomes =
            evaluateComplexityChecks(session.lesson.checks, result);
        ASSERT_EQ(static_cast<int>(outcomes.size()), complexityCheckCount(session.lesson.checks));
        int unmeasuredMemory = 0;
        for (std::size_t i = 0, c = 0; i < session.lesson.checks.size(); ++i) {
            const LessonCheck& check = session.lesson.checks[i];
            if (!measuresComplexity(check.measure))
                continue;
            const CheckOutcome& outcome = outcomes[c++];
            if (check.measure == CheckMeasure::MemorySlope && !result.memoryMeasured) {
                ++unmeasuredMemory;
                continue;
            }
            EXPECT_TRUE(outcome.passed) << outcome.english();
        }
        if (unmeasuredMemory > 0)
            GTEST_SKIP() << lesson.id << ": peak memory cannot be measured here ("
                         << result.memoryMethod << "); " << unmeasuredMemory
                         << " memory claims were not checked";
    }
    EXPECT_GE(lessons, 1);
}

} // namespace test_lesson_complexity
