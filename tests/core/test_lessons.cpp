// The shipped lessons: at least the eight of the course, each a valid session with an English
// and a Chinese title and explanation, computing without unknown words, and each showing what
// its text promises.

#include "core/teaching/lessons.h"
#include "core/trained/model_loader.h"

#include "eigen_testing.h"

#include <gtest/gtest.h>

#include <set>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_lessons {

using namespace attnlab::core;

namespace {

int indexOf(const std::vector<MapToken>& tokens, const std::string& text) {
    for (std::size_t i = 0; i < tokens.size(); ++i)
        if (tokens[i].text == text)
            return static_cast<int>(i);
    return -1;
}

} // namespace

TEST(Lessons, TheCourseIsComplete) {
    std::set<std::string> ids;
    for (const BuiltinLesson& lesson : builtinLessons())
        ids.insert(lesson.id);
    EXPECT_GE(ids.size(), 8u);
    for (const char* topic :
         {"01-self-attention-basics", "02-why-scale-by-sqrt-dk", "03-causal-mask",
          "04-padding-mask", "05-sliding-window", "06-multi-head", "07-cross-attention-translation",
          "08-scoring-functions", "13-complexity-lab"})
        EXPECT_TRUE(ids.count(topic)) << topic;
}

TEST(Lessons, EachIsABilingualSessionThatComputesCleanly) {
    for (const BuiltinLesson& lesson : builtinLessons()) {
        SCOPED_TRACE(lesson.id);
        std::vector<std::string> warnings;
        const Session session = parseSession(lesson.text, warnings);
        EXPECT_TRUE(warnings.empty()) << warnings.front();
        for (const char* language : {"en", "zh_CN"}) {
            EXPECT_TRUE(session.lesson.title.count(language)) << language;
            ASSERT_TRUE(session.lesson.explanation.count(language)) << language;
            EXPECT_GT(session.lesson.explanation.at(language).size(), 150u) << language;
        }
        const ModelOutput result = runBuiltin(session.config);
        EXPECT_TRUE(result.maps.warnings.empty() || result.config.mask.kind == MaskKind::Padding)
            << result.maps.warnings.front().english();
        for (const MapToken& token : result.maps.queryTokens)
            EXPECT_FALSE(token.unknown) << token.text;
        EXPECT_LT(session.view.selectedQuery, static_cast<int>(result.maps.queryTokens.size()));
        EXPECT_LT(session.view.selectedKey, static_cast<int>(result.maps.keyTokens.size()));
        for (const std::string& control : session.lesson.hiddenControls)
            EXPECT_FALSE(control.empty());
    }
}

// The translation lesson runs on the shipped translation model: its cross-attention (rows the
// Chinese written so far, columns the English) looks, at each step, at the English word whose
// translation it writes next, in the Chinese order.
TEST(Lessons, CrossAttentionFollowsTheLearnedAlignment) {
    const Session lesson = builtinLesson("07-cross-attention-translation");
    ASSERT_EQ(lesson.lesson.model.source, LessonModel::Source::Shipped);
    const ModelOutput r =
        loadModel(std::string(ATTNLAB_SOURCE_DIR) + "/resources/models/" + lesson.lesson.model.name)
            ->run(lesson.config);
    ASSERT_TRUE(r.maps.cross);
    for (const auto& [query, key] :
         {std::pair{"<s>", "teacher"}, std::pair{"老师", "in"}, std::pair{"在", "library"},
          std::pair{"图书馆", "read"}, std::pair{"读", "book"}}) {
        const int q = indexOf(r.maps.queryTokens, query);
        const int k = indexOf(r.maps.keyTokens, key);
        ASSERT_GE(q, 0) << query;
        ASSERT_GE(k, 0) << key;
        int top = 0;
        for (int j = 1; j < r.maps.keys(); ++j)
            if (r.maps.weights[0](q, j) > r.maps.weights[0](q, top))
                top = j;
        EXPECT_EQ(top, k) << query;
    }
}

TEST(Lessons, WhyScaleSaturatesWithoutScaling) {
    Config config = builtinLesson("02-why-scale-by-sqrt-dk").config;
    ASSERT_EQ(config.scoring, ScoringFunction::Dot);
    const double unscaled = runBuiltin(config).maps.weights[0].rowwise().maxCoeff().mean();
    config.scoring = ScoringFunction::ScaledDot;
    const double scaled = runBuiltin(config).maps.weights[0].rowwise().maxCoeff().mean();
    EXPECT_GT(unscaled, 0.8);
    EXPECT_LT(scaled, 0.5);
}

TEST(Lessons, MasksDoWhatTheLessonsSay) {
    const ModelOutput causal = runBuiltin(builtinLesson("03-causal-mask").config);
    for (Eigen::Index i = 0; i < causal.maps.weights[0].rows(); ++i)
        for (Eigen::Index j = i + 1; j < causal.maps.weights[0].cols(); ++j)
            EXPECT_EQ(causal.maps.weights[0](i, j), 0.0f);
    const ModelOutput padded = runBuiltin(builtinLesson("04-padding-mask").config);
    EXPECT_EQ(padded.maps.keyTokens.size(), 6u);
    EXPECT_TRUE(padded.maps.keyTokens.back().padding);
    const ModelOutput window = runBuiltin(builtinLesson("05-sliding-window").config);
    EXPECT_GE(window.maps.queryTokens.size(), 12u);
    EXPECT_EQ(window.maps.weights[0](0, 3), 0.0f);
    EXPECT_GT(window.maps.weights[0](0, 2), 0.0f);
}

TEST(Lessons, WorkedExamplesReproduceTheTutorials) {
    const ModelOutput zao = runBuiltin(builtinLesson("09-worked-example-zao-shang-hao").config);
    EXPECT_NEAR(zao.maps.weights[0](0, 0), 0.4, 1e-6);
    EXPECT_NEAR(zao.maps.weights[0](0, 1), 0.4, 1e-6);
    EXPECT_NEAR(zao.maps.weights[0](0, 2), 0.2, 1e-6);
    const ModelOutput cat = runBuiltin(builtinLesson("10-worked-example-the-cat-sat").config);
    EXPECT_NEAR(cat.trace->heads[0].scores(0, 0), 0.375, 1e-6);
    EXPECT_NEAR(cat.trace->heads[0].scores(0, 1), 1.25, 1e-6);
    EXPECT_NEAR(cat.trace->heads[0].scores(0, 2), 1.0, 1e-6);
    EXPECT_NEAR(cat.maps.weights[0](0, 1), 0.4554, 1e-4);
}

TEST(Lessons, UnknownIdsNameTheLessons) {
    try {
        builtinLesson("99-none");
        FAIL();
    } catch (const InputError& error) {
        EXPECT_NE(std::string(error.what()).find("03-causal-mask"), std::string::npos);
    }
}

} // namespace test_lessons
