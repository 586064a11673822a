// Lesson checks: read strictly, measured on a result with known numbers (each kind passes when
// its claim is true and fails, naming the measured figure, when it is false), and every shipped
// lesson's checks pass on the result the window computes for it.

#include "core/teaching/lesson_checks.h"
#include "core/teaching/lessons.h"
#include "core/trained/lesson_model_folder.h"
#include "core/trained/model_loader.h"
#include "core/trained/trained_model.h"

#include <gtest/gtest.h>

#include <sstream>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_lesson_checks {

using namespace attnlab::core;

namespace {

// 早 上 好 with two-dimensional vectors and no projections: softmax(XXᵀ) has the first row
// 0.4, 0.4, 0.2 (the worked example of the first tutorial). The scores XXᵀ are
//   早: 1      1      0.307
//   上: 1      2      0.807
//   好: 0.307  0.807  0.344
Config knownConfig() {
    Config config;
    config.sentence = "早上好";
    config.tokenizer.mode = TokenizerMode::Char;
    config.scoring = ScoringFunction::Dot;
    config.dModel = 2;
    config.projection = ProjectionInit::Identity;
    config.embeddings = EmbeddingSource::Manual;
    config.manualQueryEmbeddings.resize(3, 2);
    config.manualQueryEmbeddings << 1, 0, 1, 1, 0.306852818f, 0.5f;
    return config;
}

std::vector<LessonCheck> checksOf(const std::string& json) {
    return parseLessonChecks(json::parse(json), "lesson.checks");
}

CheckOutcome evaluateOne(const std::string& json, const Config& config = knownConfig()) {
    const std::vector<LessonCheck> checks = checksOf("[" + json + "]");
    const std::vector<CheckOutcome> outcomes =
        evaluateLessonChecks(checks, config, runLessonConfig(config));
    EXPECT_EQ(outcomes.size(), 1u);
    return outcomes.front();
}

std::string parseError(const std::string& json) {
    try {
        checksOf("[" + json + "]");
    } catch (const InputError& error) {
        return error.what();
    }
    return "no error";
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

} // namespace

TEST(LessonChecksParse, ReadsEveryKindAndBound) {
    const std::vector<LessonCheck> checks = checksOf(R"([
        {"kind": "argmax", "head": 2, "row": "it", "is": "self"},
        {"kind": "weight", "row": 3, "key": "blocked", "at_most": 0},
        {"kind": "max_weight", "head": "each", "at_least": 0.5, "at_most": 0.9},
        {"kind": "entropy", "row": "it", "greater_than": {"temperature": 1, "scoring": "dot"}},
        {"kind": "score", "row": 1, "key": 2, "near": 1.25, "tolerance": 0.01},
        {"kind": "weight", "key": "each", "same_as": {"mask": "padding:8"}}])");
    ASSERT_EQ(checks.size(), 6u);
    EXPECT_EQ(checks[0].measure, CheckMeasure::Argmax);
    EXPECT_EQ(checks[0].head, 2);
    EXPECT_EQ(checks[0].row.kind, CheckToken::Kind::Text);
    EXPECT_EQ(checks[0].row.text, "it");
    EXPECT_EQ(checks[0].key.kind, CheckToken::Kind::Self);
    EXPECT_EQ(checks[1].row.kind, CheckToken::Kind::Position);
    EXPECT_EQ(checks[1].row.position, 3);
    EXPECT_EQ(checks[1].key.kind, CheckToken::Kind::Blocked);
    EXPECT_EQ(checks[1].atMost, 0.0);
    EXPECT_EQ(checks[2].head, 0);
    EXPECT_EQ(checks[2].row.kind, CheckToken::Kind::Each);
    EXPECT_EQ(checks[3].relation, CheckRelation::Greater);
    ASSERT_EQ(checks[3].settings.size(), 2u);
    EXPECT_EQ(checks[3].settings[0], (std::pair<std::string, std::string>{"temperature", "1"}));
    EXPECT_EQ(checks[3].settings[1], (std::pair<std::string, std::string>{"scoring", "dot"}));
    EXPECT_EQ(checks[4].tolerance, 0.01);
    EXPECT_EQ(checks[5].relation, CheckRelation::Same);
    EXPECT_EQ(checks[5].key.kind, CheckToken::Kind::Each);
}

TEST(LessonChecksParse, RefusesWhatItDoesNotKnowByName) {
    EXPECT_TRUE(contains(parseError(R"({"kind": "bogus"})"), "lesson.checks[0].kind"));
    EXPECT_TRUE(contains(parseError(R"({"kind": "bogus"})"), "'bogus'"));
    EXPECT_TRUE(contains(parseError(R"({"row": 1})"), "\"kind\" is missing"));
    // A misspelt bound would leave a check that claims nothing and always passes.
    const std::string misspelt = parseError(R"({"kind": "max_weight", "at_leats": 0.5})");
    EXPECT_TRUE(contains(misspelt, "lesson.checks[0].at_leats")) << misspelt;
    EXPECT_TRUE(contains(misspelt, "unknown member")) << misspelt;
    EXPECT_TRUE(contains(parseError(R"({"kind": "max_weight"})"), "claims nothing"));
    EXPECT_TRUE(contains(parseError(R"({"kind": "weight", "row": 1, "is": 2, "at_least": 0})"),
                         "lesson.checks[0].is"));
    EXPECT_TRUE(contains(parseError(R"({"kind": "argmax", "row": 1})"), "needs \"is\""));
    EXPECT_TRUE(contains(parseError(R"({"kind": "weight", "at_least": 0})"), "needs \"key\""));
    EXPECT_TRUE(contains(parseError(R"({"kind": "argmax", "head": 0, "is": "self"})"),
                         "lesson.checks[0].head"));
    EXPECT_TRUE(contains(parseError(R"({"kind": "argmax", "row": 0, "is": "self"})"),
                         "positions count from 1"));
    EXPECT_TRUE(
        contains(parseError(R"({"kind": "argmax", "is": "blocked"})"), "lesson.checks[0].is"));
    EXPECT_TRUE(contains(parseError(R"({"kind": "argmax", "row": "self", "is": 1})"),
                         "lesson.checks[0].row"));
    EXPECT_TRUE(contains(parseError(R"({"kind": "entropy", "at_least": 1, "tolerance": 0.1})"),
                         "lesson.checks[0].tolerance"));
    EXPECT_TRUE(
        contains(parseError(R"({"kind": "entropy", "at_least": 2, "at_most": 1})"), "never pass"));
    EXPECT_TRUE(contains(parseError(R"({"kind": "entropy", "less_than": {"temprature": 1}})"),
                         "lesson.checks[0].less_than.temprature"));
    EXPECT_TRUE(contains(parseError(R"({"kind": "entropy", "less_than": {"scoring": "dott"}})"),
                         "lesson.checks[0].less_than.scoring"));
    EXPECT_TRUE(contains(parseError(R"({"kind": "entropy", "less_than": {"temperature": 0}})"),
                         "lesson.checks[0].less_than.temperature"));
    EXPECT_TRUE(
        contains(parseError(R"({"kind": "entropy", "less_than": {}})"), "at least one setting"));
    EXPECT_TRUE(contains(parseError(R"({"kind": "entropy", "less_than": {"zoom": 2}})"),
                         "not a setting of the model"));
    EXPECT_TRUE(contains(parseError(R"({"kind": "entropy", "less_than": {"heads": 2},
                                       "greater_than": {"heads": 4}})"),
                         "one other setting"));
    EXPECT_TRUE(contains(parseError(R"({"kind": "argmax", "is": 1, "in_at_least": 0})"),
                         "lesson.checks[0].in_at_least"));
    EXPECT_TRUE(contains(parseError(R"(3)"), "lesson.checks[0]"));
}

TEST(LessonChecksParse, ASessionKeepsItsChecks) {
    Session session;
    session.lesson.title = {{"en", "t"}};
    session.lesson.checks = checksOf(R"([
        {"kind": "argmax", "head": 2, "row": "it", "is": "previous"},
        {"kind": "weight", "row": 3, "key": "blocked", "at_most": 0, "in_at_least": 2},
        {"kind": "entropy", "row": "it", "greater_than": {"temperature": 1.5, "seed": 7}},
        {"kind": "score", "row": 1, "key": "上", "near": 1.25, "tolerance": 0.01}])");
    std::vector<std::string> warnings;
    const Session back = parseSession(serializeSession(session), warnings);
    EXPECT_TRUE(warnings.empty());
    ASSERT_EQ(back.lesson.checks.size(), 4u);
    // Written again, the checks give the same text: nothing was lost or changed on the way.
    EXPECT_EQ(serializeSession(back), serializeSession(session));
    EXPECT_EQ(back.lesson.checks[1].inAtLeast, 2);
    EXPECT_EQ(back.lesson.checks[2].settings[0].second, "1.5");
    EXPECT_EQ(back.lesson.checks[3].key.text, "上");
    EXPECT_EQ(back.lesson.checks[3].tolerance, 0.01);

    const std::string bad = R"({"format": "attention-lab-session", "version": 1, "config": {},
        "lesson": {"checks": [{"kind": "argmax", "is": "self", "bogus": 1}]}})";
    try {
        parseSession(bad, warnings);
        FAIL() << "an unknown member of a check was accepted";
    } catch (const InputError& error) {
        EXPECT_TRUE(contains(error.what(), "lesson.checks[0].bogus")) << error.what();
    }
}

TEST(LessonChecksEvaluate, ArgmaxPassesAndFailsWithTheWeights) {
    const CheckOutcome self = evaluateOne(R"({"kind": "argmax", "row": "上", "is": "self"})");
    EXPECT_TRUE(self.passed) << self.english();
    EXPECT_EQ(self.rows, 1);
    const CheckOutcome wrong = evaluateOne(R"({"kind": "argmax", "row": "上", "is": "好"})");
    EXPECT_FALSE(wrong.passed);
    // Row 上: scores 1, 2, 0.807 → weights 0.220, 0.598, 0.181 (by hand: e^s / Σ e^s).
    const std::string text = wrong.english();
    EXPECT_TRUE(contains(text, "the largest weight, 0.598, is on '上' (2)")) << text;
    EXPECT_TRUE(contains(text, "'好' (3) has 0.181")) << text;
    // Every row: 早's row ties 早 and 上 (0.4 each), so "self" fails there, not in 上 or 好.
    const CheckOutcome each = evaluateOne(R"({"kind": "argmax", "is": "self"})");
    EXPECT_EQ(each.rows, 3);
    EXPECT_LE(each.holding, 2);
}

TEST(LessonChecksEvaluate, WeightNearAndBoundsReportTheWeight) {
    EXPECT_TRUE(evaluateOne(R"({"kind": "weight", "row": 1, "key": 3, "near": 0.2})").passed);
    const CheckOutcome off = evaluateOne(R"({"kind": "weight", "row": 1, "key": 3, "near": 0.3})");
    EXPECT_FALSE(off.passed);
    EXPECT_TRUE(contains(off.english(), "weight 0.200 on '好' (3)")) << off.english();
    const CheckOutcome low =
        evaluateOne(R"({"kind": "weight", "row": "早", "key": "早", "at_least": 0.5})");
    EXPECT_FALSE(low.passed);
    EXPECT_TRUE(contains(low.english(), "weight 0.400")) << low.english();
    EXPECT_TRUE(
        evaluateOne(R"({"kind": "weight", "row": "早", "key": "早", "at_most": 0.41})").passed);
}

TEST(LessonChecksEvaluate, PreviousSkipsTheFirstRowAndFailsWhereItIsWeak) {
    // Previous-token weights: 上→早 0.220, 好→上 0.447.
    const CheckOutcome outcome =
        evaluateOne(R"({"kind": "weight", "key": "previous", "at_least": 0.3})");
    EXPECT_FALSE(outcome.passed);
    EXPECT_EQ(outcome.rows, 2);
    EXPECT_EQ(outcome.holding, 1);
    EXPECT_TRUE(contains(outcome.english(), "row '上' (2)")) << outcome.english();
    EXPECT_TRUE(contains(outcome.english(), "weight 0.220 on '早' (1)")) << outcome.english();
    EXPECT_FALSE(evaluateOne(R"({"kind": "weight", "row": 1, "key": "previous", "at_least": 0})")
                     .passed); // row 1 has no previous token
}

TEST(LessonChecksEvaluate, BlockedWeightIsZeroUnderAMask) {
    Config causal = knownConfig();
    causal.mask = parseMask("causal");
    const CheckOutcome zero =
        evaluateOne(R"({"kind": "weight", "key": "blocked", "at_most": 0})", causal);
    EXPECT_TRUE(zero.passed) << zero.english();
    EXPECT_EQ(zero.rows, 3);
    const CheckOutcome some =
        evaluateOne(R"({"kind": "weight", "key": "blocked", "at_least": 0.1})", causal);
    EXPECT_FALSE(some.passed);
    EXPECT_TRUE(contains(some.english(), "weight 0.000 on the keys the mask hides"))
        << some.english();
}

TEST(LessonChecksEvaluate, MaxWeightAndEntropy) {
    const CheckOutcome sharp = evaluateOne(R"({"kind": "max_weight", "at_least": 0.5})");
    EXPECT_FALSE(sharp.passed); // rows 早 (0.4) and 好 (0.447) are flat
    EXPECT_EQ(sharp.holding, 1);
    EXPECT_TRUE(contains(sharp.english(), "largest weight 0.400")) << sharp.english();
    // Only 上's row (0.598) is sharp: the claim holds in one row, not in two.
    EXPECT_TRUE(evaluateOne(R"({"kind": "max_weight", "at_least": 0.5, "in_at_least": 1})").passed);
    const CheckOutcome two =
        evaluateOne(R"({"kind": "max_weight", "at_least": 0.5, "in_at_least": 2})");
    EXPECT_FALSE(two.passed);
    EXPECT_TRUE(contains(two.english(), "holds in at least 2 of the rows")) << two.english();
    EXPECT_TRUE(contains(two.english(), "(holds in 1 of 3)")) << two.english();
    // Entropy of 早's row: −(2·0.4 ln 0.4 + 0.2 ln 0.2) = 1.055 nats.
    const CheckOutcome entropy = evaluateOne(R"({"kind": "entropy", "row": 1, "near": 1.055})");
    EXPECT_TRUE(entropy.passed) << entropy.english();
    const CheckOutcome wrong = evaluateOne(R"({"kind": "entropy", "row": 1, "at_most": 1})");
    EXPECT_FALSE(wrong.passed);
    EXPECT_TRUE(contains(wrong.english(), "entropy 1.055 nats")) << wrong.english();
}

TEST(LessonChecksEvaluate, ComparisonsRunTheChangedSettings) {
    // A higher temperature flattens every row: more entropy, a smaller largest weight.
    EXPECT_TRUE(evaluateOne(R"({"kind": "entropy", "greater_than": {"temperature": 0.5}})").passed);
    const CheckOutcome wrong =
        evaluateOne(R"({"kind": "entropy", "row": 1, "less_than": {"temperature": 0.5}})");
    EXPECT_FALSE(wrong.passed);
    EXPECT_TRUE(contains(wrong.english(), "entropy 1.055 nats; with temperature = 0.5: 0."))
        << wrong.english();
    EXPECT_TRUE(evaluateOne(R"({"kind": "max_weight", "less_than": {"temperature": 0.5}})").passed);
    const CheckOutcome none =
        evaluateOne(R"({"kind": "weight", "key": 1, "same_as": {"temperature": 2}})");
    EXPECT_FALSE(none.passed);
    EXPECT_TRUE(contains(none.english(), "with temperature = 2: 0.")) << none.english();
}

TEST(LessonChecksEvaluate, ScoresComeFromTheTrace) {
    EXPECT_TRUE(evaluateOne(R"({"kind": "score", "row": 2, "key": 2, "near": 2})").passed);
    const CheckOutcome wrong =
        evaluateOne(R"({"kind": "score", "row": 2, "key": "self", "near": 1})");
    EXPECT_FALSE(wrong.passed);
    EXPECT_TRUE(contains(wrong.english(), "score 2.000 with '上' (2)")) << wrong.english();
}

TEST(LessonChecksEvaluate, WhatCannotBeMeasuredFailsAndSaysWhy) {
    const CheckOutcome token = evaluateOne(R"({"kind": "argmax", "row": "猫", "is": "self"})");
    EXPECT_FALSE(token.passed);
    EXPECT_TRUE(contains(token.english(), "no row is the token '猫'")) << token.english();
    const CheckOutcome head = evaluateOne(R"({"kind": "argmax", "head": 2, "is": "self"})");
    EXPECT_FALSE(head.passed);
    EXPECT_TRUE(contains(head.english(), "there is no head 2")) << head.english();
    const CheckOutcome key =
        evaluateOne(R"({"kind": "weight", "row": 1, "key": 9, "at_least": 0})");
    EXPECT_FALSE(key.passed);
    EXPECT_TRUE(contains(key.english(), "there is no key 9")) << key.english();
    // Three heads cannot share d_model = 2: valid alone, refused with this lesson's settings.
    const CheckOutcome refused =
        evaluateOne(R"({"kind": "entropy", "greater_than": {"heads": 3}})");
    EXPECT_FALSE(refused.passed);
    EXPECT_TRUE(contains(refused.english(), "the lesson cannot run with heads = 3"))
        << refused.english();
}

// Every shipped lesson, computed as the window computes it, shows what its checks claim; and
// each lesson makes at least one claim.
// A lesson that names a model runs on it, from the source tree's resources/models (the folder the
// build and the package copy).
TEST(LessonChecksShipped, EveryLessonsChecksPass) {
    LessonModelPlaces places;
    places.shipped = {std::string(ATTNLAB_SOURCE_DIR) + "/resources/models"};
    for (const BuiltinLesson& lesson : builtinLessons()) {
        SCOPED_TRACE(lesson.id);
        const Session session = builtinLesson(lesson.id);
        EXPECT_GE(session.lesson.checks.size(), 2u);
        if (session.lesson.model.empty()) {
            const ModelOutput result = runLessonConfig(session.config);
            for (const CheckOutcome& outcome :
                 evaluateLessonChecks(session.lesson.checks, session.config, result))
                EXPECT_TRUE(outcome.passed) << outcome.english();
            continue;
        }
        // Shipped lessons name only shipped models: they open on every installation.
        EXPECT_EQ(session.lesson.model.source, LessonModel::Source::Shipped);
        const std::string folder = findLessonModel(session.lesson.model, places);
        ASSERT_FALSE(folder.empty()) << session.lesson.model.name;
        const std::shared_ptr<const Model> model = loadModel(folder);
        const LessonRunner run = [&](const Config& config) { return model->run(config); };
        const ModelOutput result = run(session.config);
        EXPECT_EQ(result.transformer->architecture, kTrainedModelArchitecture);
        for (const CheckOutcome& outcome :
             evaluateLessonChecks(session.lesson.checks, session.config, result, run))
            EXPECT_TRUE(outcome.passed) << outcome.english();
    }
}

// "layer": read, written back, refused below 1; measured in its layer of a model of several, and
// unmeasurable (named) beyond the model's layers.
TEST(LessonChecksLayer, IsReadWrittenAndRefusedBelowOne) {
    const std::vector<LessonCheck> checks =
        checksOf(R"([{"kind": "argmax", "layer": 2, "head": 1, "row": 3, "is": "previous"},
                     {"kind": "max_weight", "at_least": 0.5}])");
    ASSERT_EQ(checks.size(), 2u);
    EXPECT_EQ(checks[0].layer, 2);
    EXPECT_EQ(checks[1].layer, 1);
    std::ostringstream text;
    json::Writer out(text);
    writeLessonChecks(out, checks);
    EXPECT_TRUE(contains(text.str(), "\"layer\": 2")) << text.str();
    // The first layer, the default, is not written.
    EXPECT_EQ(text.str().find("\"layer\""), text.str().rfind("\"layer\""));
    const std::vector<LessonCheck> back = checksOf(text.str());
    EXPECT_EQ(back[0].layer, 2);
    EXPECT_EQ(back[1].layer, 1);
    EXPECT_TRUE(contains(parseError(R"({"kind": "argmax", "layer": 0, "is": "self"})"),
                         "lesson.checks[0].layer: layers count from 1"));
    EXPECT_TRUE(contains(parseError(R"({"kind": "argmax", "layer": "2", "is": "self"})"),
                         "lesson.checks[0].layer"));
}

TEST(LessonChecksLayer, AClaimIsMeasuredInItsOwnLayer) {
    const std::shared_ptr<const Model> model =
        loadModel(std::string(ATTNLAB_SOURCE_DIR) + "/resources/models/induction-2x2");
    Config config;
    config.sentence = "3 7 1 9 4 3 7 1"; // read after <s>: the second 3 is row 7
    const ModelOutput result = model->run(config);
    ASSERT_EQ(result.maps.layers, 2);
    // The induction head of layer 2 looks from the second 3 at the 7 after the first one
    // (position 3); in layer 1 that head looks at the previous token instead.
    const std::vector<LessonCheck> checks = checksOf(R"([
        {"kind": "argmax", "layer": 2, "head": 2, "row": 7, "is": 3},
        {"kind": "argmax", "head": 2, "row": 7, "is": 3},
        {"kind": "argmax", "layer": 1, "head": 2, "row": 7, "is": "previous"},
        {"kind": "weight", "layer": 3, "head": 1, "row": 7, "key": 3, "at_least": 0.5},
        {"kind": "score", "layer": 2, "head": 1, "row": 7, "key": 3, "at_least": 0}])");
    const std::vector<CheckOutcome> outcomes = evaluateLessonChecks(
        checks, config, result, [&](const Config& c) { return model->run(c); });
    ASSERT_EQ(outcomes.size(), 5u);
    EXPECT_TRUE(outcomes[0].passed) << outcomes[0].english();
    EXPECT_TRUE(contains(outcomes[0].english(), "layer 2, head 2, row #7"))
        << outcomes[0].english();
    EXPECT_FALSE(outcomes[1].passed) << outcomes[1].english();
    EXPECT_TRUE(outcomes[2].passed) << outcomes[2].english();
    EXPECT_FALSE(outcomes[3].passed);
    EXPECT_TRUE(contains(outcomes[3].english(), "there is no layer 3: the result has 2 layers"))
        << outcomes[3].english();
    EXPECT_FALSE(outcomes[4].passed); // the trace holds the first layer's scores only
}

} // namespace test_lesson_checks
