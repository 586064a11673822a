// Sessions (.attnlab): what is saved comes back identical; bad files are refused by name.

#include "core/io/session.h"

#include "eigen_testing.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_session {

using namespace attnlab::core;

namespace {

std::string errorOf(const std::string& text) {
    std::vector<std::string> warnings;
    try {
        parseSession(text, warnings);
    } catch (const InputError& error) {
        return error.what();
    }
    return "no error";
}

std::string withConfig(const std::string& members) {
    return R"({"format": "attention-lab-session", "version": 1, "config": {)" + members + "}}";
}

Session richSession() {
    Session s;
    s.config.sentence = "我爱深度学习";
    s.config.source = "I love deep learning";
    s.config.scoring = ScoringFunction::Additive;
    s.config.normalizer = Normalizer::Sparsemax;
    s.config.temperature = 0.7f;
    s.config.heads = 4;
    s.config.dModel = 32;
    s.config.dK = 6;
    s.config.additiveDim = 5;
    s.config.cosineScale = 4.5f;
    s.config.mask = parseMask("window:2");
    s.config.positional = PositionalEncoding::Rope;
    s.config.projection = ProjectionInit::Random;
    s.config.seed = 18446744073709551557u; // above 2^53: written as a string
    s.config.tokenizer.mode = TokenizerMode::Char;
    s.config.tokenizer.keepPunctuation = false;
    s.config.tokenizer.maxTokens = 300;
    s.view.layout = "one";
    s.view.focusedHead = 2;
    s.view.colorMap = "magma";
    s.view.colorScale = "per-head";
    s.view.cellValues = "on";
    s.view.zoom = 1.25;
    s.view.selectedHead = 1;
    s.view.selectedQuery = 3;
    s.view.selectedKey = 0;
    s.lesson.title = {{"en", "Cross-attention"}, {"zh_CN", "交叉注意力"}};
    s.lesson.explanation = {{"en", "Queries come from…"}, {"zh_CN", "查询来自……"}};
    s.lesson.hiddenControls = {"projection", "seed"};
    return s;
}

} // namespace

TEST(Session, RoundTripKeepsEverySetting) {
    const Session original = richSession();
    std::vector<std::string> warnings;
    const Session back = parseSession(serializeSession(original), warnings);
    EXPECT_TRUE(warnings.empty());
    const Config& a = original.config;
    const Config& b = back.config;
    EXPECT_EQ(b.sentence, a.sentence);
    EXPECT_EQ(b.source, a.source);
    EXPECT_EQ(b.scoring, a.scoring);
    EXPECT_EQ(b.normalizer, a.normalizer);
    EXPECT_EQ(b.temperature, a.temperature);
    EXPECT_EQ(b.heads, a.heads);
    EXPECT_EQ(b.dModel, a.dModel);
    EXPECT_EQ(b.dK, a.dK);
    EXPECT_EQ(b.additiveDim, a.additiveDim);
    EXPECT_EQ(b.cosineScale, a.cosineScale);
    EXPECT_EQ(toString(b.mask), "window:2");
    EXPECT_EQ(b.positional, a.positional);
    EXPECT_EQ(b.projection, a.projection);
    EXPECT_EQ(b.seed, a.seed);
    EXPECT_EQ(b.tokenizer.mode, a.tokenizer.mode);
    EXPECT_EQ(b.tokenizer.keepPunctuation, a.tokenizer.keepPunctuation);
    EXPECT_EQ(b.tokenizer.maxTokens, a.tokenizer.maxTokens);
    EXPECT_EQ(back.view.layout, "one");
    EXPECT_EQ(back.view.focusedHead, 2);
    EXPECT_EQ(back.view.colorMap, "magma");
    EXPECT_EQ(back.view.colorScale, "per-head");
    EXPECT_EQ(back.view.cellValues, "on");
    EXPECT_EQ(back.view.zoom, 1.25);
    EXPECT_EQ(back.view.selectedHead, 1);
    EXPECT_EQ(back.view.selectedQuery, 3);
    EXPECT_EQ(back.view.selectedKey, 0);
    EXPECT_EQ(back.lesson.title, original.lesson.title);
    EXPECT_EQ(back.lesson.explanation, original.lesson.explanation);
    EXPECT_EQ(back.lesson.hiddenControls, original.lesson.hiddenControls);
}

TEST(Session, ReopenedSessionComputesTheIdenticalResult) {
    Session original = richSession();
    original.config.tokenizer.mode = TokenizerMode::Word;
    std::vector<std::string> warnings;
    const Session back = parseSession(serializeSession(original), warnings);
    const ModelOutput a = runBuiltin(original.config);
    const ModelOutput b = runBuiltin(back.config);
    ASSERT_EQ(a.trace->heads.size(), b.trace->heads.size());
    for (std::size_t h = 0; h < a.trace->heads.size(); ++h)
        EXPECT_EIGEN_NEAR(a.maps.weights[h], b.maps.weights[h], 0.0);
    EXPECT_EIGEN_NEAR(a.trace->output, b.trace->output, 0.0);
}

TEST(Session, ManualMatricesAndCustomMaskRoundTrip) {
    Session s;
    s.config.sentence = "早 上 好";
    s.config.tokenizer.mode = TokenizerMode::Whitespace;
    s.config.embeddings = EmbeddingSource::Manual;
    s.config.manualQueryEmbeddings = Matrix::Random(3, 4);
    s.config.projection = ProjectionInit::Manual;
    s.config.heads = 2;
    s.config.dModel = 4;
    for (int h = 0; h < 2; ++h) {
        s.config.manual.wq.push_back(Matrix::Random(4, 2));
        s.config.manual.wk.push_back(Matrix::Random(4, 2));
        s.config.manual.wv.push_back(Matrix::Random(4, 2));
    }
    s.config.manual.wo = Matrix::Random(4, 4);
    s.config.mask.kind = MaskKind::Custom;
    s.config.mask.blocked = {{0, 2}, {1, 0}};
    std::vector<std::string> warnings;
    const Session back = parseSession(serializeSession(s), warnings);
    EXPECT_EQ(back.config.embeddings, EmbeddingSource::Manual);
    EXPECT_EIGEN_NEAR(back.config.manualQueryEmbeddings, s.config.manualQueryEmbeddings, 0.0);
    ASSERT_EQ(back.config.manual.wk.size(), 2u);
    EXPECT_EIGEN_NEAR(back.config.manual.wk[1], s.config.manual.wk[1], 0.0);
    ASSERT_TRUE(back.config.manual.wo.has_value());
    EXPECT_EIGEN_NEAR(*back.config.manual.wo, *s.config.manual.wo, 0.0);
    EXPECT_EQ(back.config.mask.kind, MaskKind::Custom);
    EXPECT_EQ(back.config.mask.blocked, s.config.mask.blocked);
    const ModelOutput a = runBuiltin(s.config);
    const ModelOutput b = runBuiltin(back.config);
    EXPECT_EIGEN_NEAR(a.maps.weights[1], b.maps.weights[1], 0.0);
    EXPECT_EQ(b.maps.weights[0](0, 2), 0.0f);
}

TEST(Session, NewerVersionIsRefusedWithAHint) {
    const std::string message =
        errorOf(R"({"format": "attention-lab-session", "version": 2, "config": {}})");
    EXPECT_NE(message.find("newer Attention Lab"), std::string::npos) << message;
}

TEST(Session, OtherFilesAreNotSessions) {
    EXPECT_NE(errorOf(R"({"format": "attention-lab/1", "version": 1, "config": {}})")
                  .find("not an Attention Lab session"),
              std::string::npos);
    EXPECT_NE(errorOf("[1, 2]").find("not an Attention Lab session"), std::string::npos);
    EXPECT_NE(errorOf("{\"format\": ").find("line 1"), std::string::npos);
    EXPECT_NE(errorOf(R"({"format": "attention-lab-session", "version": 1})")
                  .find("\"config\" is missing"),
              std::string::npos);
    EXPECT_NE(errorOf(R"({"format": "attention-lab-session", "version": "1", "config": {}})")
                  .find("version"),
              std::string::npos);
}

TEST(Session, WrongTypesNameTheMember) {
    EXPECT_EQ(errorOf(withConfig(R"("heads": "four")")),
              "config.heads: expected a number, found a string");
    EXPECT_EQ(errorOf(withConfig(R"("sentence": 5)")),
              "config.sentence: expected a string, found a number");
    EXPECT_EQ(errorOf(withConfig(R"("keep_punctuation": 1)")),
              "config.keep_punctuation: expected true or false, found a number");
    EXPECT_NE(errorOf(withConfig(R"("scoring": "fancy")")).find("config.scoring: "),
              std::string::npos);
    EXPECT_NE(errorOf(withConfig(R"("mask": "window:x")")).find("config.mask: "),
              std::string::npos);
    EXPECT_NE(errorOf(withConfig(R"("embeddings": {"source": "file"})")).find("\"path\""),
              std::string::npos);
    EXPECT_NE(errorOf(withConfig(R"("embeddings": {"source": "manual", "query": [[1, 2], [3]]})"))
                  .find("config.embeddings.query[1]"),
              std::string::npos);
}

TEST(Session, AbsurdNumbersAreRefused) {
    for (const char* members :
         {R"("heads": 1000000000)", R"("heads": 0)", R"("d_model": 0)", R"("temperature": 0)",
          R"("temperature": -1)", R"("temperature": 1e300)", R"("mask": "window:-1")",
          R"("d_k": -3)", R"("seed": -1)", R"("seed": 0.5)", R"("max_tokens": 0)",
          R"("heads": 1e15)"}) {
        std::vector<std::string> warnings;
        EXPECT_THROW(parseSession(withConfig(members), warnings), InputError) << members;
    }
    EXPECT_NE(errorOf(withConfig(R"("heads": 1000000000)")).find("heads"), std::string::npos);
}

TEST(Session, UnknownMembersAreIgnoredWithAWarning) {
    std::vector<std::string> warnings;
    const Session s = parseSession(
        R"({"format": "attention-lab-session", "version": 1, "future": 1,
            "config": {"heads": 2, "sparkle": true}, "view": {"glow": 3}})",
        warnings);
    EXPECT_EQ(s.config.heads, 2);
    ASSERT_EQ(warnings.size(), 3u);
    EXPECT_EQ(warnings[0], "unknown member 'future' was ignored");
    EXPECT_EQ(warnings[1], "unknown member 'config.sparkle' was ignored");
    EXPECT_EQ(warnings[2], "unknown member 'view.glow' was ignored");
}

TEST(Session, MisspeltMembersGetASuggestion) {
    std::vector<std::string> warnings;
    parseSession(R"({"format": "attention-lab-session", "version": 1, "veiw": {},
            "config": {"sentense": "a b", "head": 2, "temprature": 0.5, "dmodel": 8,
                       "embeddings": {"sorce": "builtin"}},
            "lesson": {"titel": "x"}})",
                 warnings);
    EXPECT_EQ(warnings, (std::vector<std::string>{
                            "unknown member 'veiw' was ignored; did you mean 'view'?",
                            "unknown member 'config.sentense' was ignored; did you mean "
                            "'sentence'?",
                            "unknown member 'config.head' was ignored; did you mean 'heads'?",
                            "unknown member 'config.temprature' was ignored; did you mean "
                            "'temperature'?",
                            "unknown member 'config.dmodel' was ignored; did you mean 'd_model'?",
                            "unknown member 'config.embeddings.sorce' was ignored; did you mean "
                            "'source'?",
                            "unknown member 'lesson.titel' was ignored; did you mean 'title'?"}));
}

TEST(Session, ViewNamesAreChecked) {
    const std::string base =
        R"({"format": "attention-lab-session", "version": 1, "config": {}, "view": )";
    EXPECT_NE(errorOf(base + R"({"layout": "spiral"}})").find("view.layout"), std::string::npos);
    EXPECT_NE(errorOf(base + R"({"color_map": "jet"}})").find("view.color_map"), std::string::npos);
    EXPECT_NE(errorOf(base + R"({"zoom": 40}})").find("view.zoom"), std::string::npos);
}

TEST(Session, LessonTextsMayBePlainStrings) {
    std::vector<std::string> warnings;
    const Session s = parseSession(
        R"({"format": "attention-lab-session", "version": 1, "config": {},
            "lesson": {"title": "Basics", "explanation": {"en": "E", "zh_CN": "中"}}})",
        warnings);
    EXPECT_EQ(localizedText(s.lesson.title, "zh_CN"), "Basics");
    EXPECT_EQ(localizedText(s.lesson.explanation, "zh_CN"), "中");
    EXPECT_EQ(localizedText(s.lesson.explanation, "zh_TW"), "中");
    EXPECT_EQ(localizedText(s.lesson.explanation, "de"), "E");
    EXPECT_EQ(localizedText({}, "en"), "");
}

TEST(SessionFile, RelativeEmbeddingsPathIsTakenFromTheSessionsFolder) {
    namespace fs = std::filesystem;
    const fs::path dir = fs::temp_directory_path() / "attnlab_session_test";
    fs::create_directories(dir / "lessons");
    Session s;
    s.config.embeddings = EmbeddingSource::File;
    s.config.embeddingsPath = "../vectors/glove.txt";
    const fs::path file = dir / "lessons" / "a.attnlab";
    std::ofstream(file) << serializeSession(s);
    std::vector<std::string> warnings;
    const Session back = loadSessionFile(file.string(), warnings);
    EXPECT_EQ(back.config.embeddingsPath, (dir / "vectors" / "glove.txt").string());
    fs::remove_all(dir);
}

TEST(SessionFile, MissingFilesAndFoldersAreFileErrors) {
    std::vector<std::string> warnings;
    EXPECT_THROW(loadSessionFile("/nonexistent/lesson.attnlab", warnings), FileError);
    EXPECT_THROW(loadSessionFile(std::filesystem::temp_directory_path().string(), warnings),
                 FileError);
}

TEST(SessionFile, MalformedFileMessageNamesThePath) {
    const auto path = (std::filesystem::temp_directory_path() / "attnlab_bad.attnlab").string();
    std::ofstream(path)
        << "{\"format\": \"attention-lab-session\",\n \"version\": 1,\n \"config\": {\"heads\": }}";
    std::vector<std::string> warnings;
    try {
        loadSessionFile(path, warnings);
        FAIL() << "malformed file accepted";
    } catch (const InputError& error) {
        EXPECT_EQ(std::string(error.what()).rfind(path + ": line 3", 0), 0u) << error.what();
    }
    std::remove(path.c_str());
}

} // namespace test_session
