// A lesson that names a model, on the command line: the program finds a shipped model beside
// itself (../share/attention-lab/models, as installed and as the build tree lays it out) and runs
// the lesson on it; a model that is not there is an input error (exit 1) that says which model
// and how to get it.

#include "process_testing.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_cli_lesson_model {

using namespace attnlab::testing;
namespace fs = std::filesystem;

namespace {

const std::string kBinary = ATTNLAB_BINARY;
const fs::path kSource = ATTNLAB_SOURCE_DIR;

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

std::string readText(const fs::path& path) {
    std::ifstream in(path);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class LessonModelCli : public ::testing::Test {
protected:
    ProgramRun run(const std::string& binary, const std::vector<std::string>& args,
                   ProgramSettings settings = {}) {
        // No cache of the machine's user is looked at.
        settings.environment.emplace_back("HOME", fs::path(m_dir.path()).string());
        settings.environment.emplace_back("HF_HOME", (fs::path(m_dir.path()) / "hf").string());
        settings.environment.emplace_back("HF_HUB_CACHE", std::nullopt);
        settings.environment.emplace_back("XDG_CACHE_HOME", std::nullopt);
        settings.environment.emplace_back("MODELSCOPE_CACHE", std::nullopt);
        return runProgram(binary, args, m_capture, settings);
    }
    TempFolder m_dir{"attnlab-cli-lesson-model"};
    TempFolder m_capture{"attnlab-cli-capture"};
};

} // namespace

TEST_F(LessonModelCli, AShippedLessonRunsOnItsModelFromTheBuildTree) {
    const fs::path out = fs::path(m_dir.path()) / "lesson6.json";
    const ProgramRun result =
        run(kBinary, {"--lesson", (kSource / "resources/lessons/06-multi-head.attnlab").string(),
                      "--export-data", out.string()});
    ASSERT_EQ(result.exitCode, 0) << result.describe();
    const std::string json = readText(out);
    EXPECT_TRUE(contains(json, "\"name\": \"induction-2x2\"")) << json.substr(0, 400);
    EXPECT_TRUE(contains(json, "AttentionLabTransformer"));
}

TEST_F(LessonModelCli, AMissingShippedModelExitsOneSayingHowToGetIt) {
    // The program alone in a bin/ folder, as installed without its share/ folder.
    const fs::path bin = fs::path(m_dir.path()) / "usr" / "bin";
    fs::create_directories(bin);
    const fs::path program = bin / "attention-lab";
    fs::copy_file(kBinary, program);
    const std::string lesson =
        (kSource / "resources/lessons/07-cross-attention-translation.attnlab").string();
    const fs::path out = fs::path(m_dir.path()) / "lesson7.json";
    const ProgramRun missing = run(program.string(), {lesson, "--export-data", out.string()});
    EXPECT_EQ(missing.exitCode, 1) << missing.describe();
    EXPECT_TRUE(contains(missing.err, "translation-small")) << missing.err;
    EXPECT_TRUE(
        contains(missing.err, (fs::path(m_dir.path()) / "usr/share/attention-lab/models").string()))
        << missing.err;
    EXPECT_TRUE(contains(missing.err, "Reinstall Attention Lab")) << missing.err;
    EXPECT_FALSE(fs::exists(out));

    // Installed beside it, the model is found.
    const fs::path models = fs::path(m_dir.path()) / "usr" / "share" / "attention-lab" / "models";
    fs::create_directories(models);
    fs::copy(kSource / "resources/models/translation-small", models / "translation-small",
             fs::copy_options::recursive);
    const ProgramRun found = run(program.string(), {lesson, "--export-data", out.string()});
    ASSERT_EQ(found.exitCode, 0) << found.describe();
    EXPECT_TRUE(contains(readText(out), "\"name\": \"translation-small\""));
}

TEST_F(LessonModelCli, AMissingHubModelExitsOneSayingHowToGetIt) {
    const fs::path lesson = fs::path(m_dir.path()) / "hub.attnlab";
    std::ofstream(lesson) << R"({"format": "attention-lab-session", "version": 1,
        "config": {"sentence": "The cat sat"},
        "lesson": {"title": "On a hub model", "model": {"hub": "org/none-such"}}})";
    const ProgramRun result = run(kBinary, {"--session", lesson.string(), "--export-data",
                                            (fs::path(m_dir.path()) / "out.json").string()});
    EXPECT_EQ(result.exitCode, 1) << result.describe();
    EXPECT_TRUE(contains(result.err, "huggingface-cli download org/none-such")) << result.err;
    EXPECT_TRUE(contains(result.err, "--model DIR")) << result.err;

    // --model names the folder instead: the lesson's own is not looked for.
    const ProgramRun overridden =
        run(kBinary, {"--session", lesson.string(), "--model",
                      (kSource / "resources/models/induction-2x2").string(), "--sentence", "1 2 1",
                      "--export-data", (fs::path(m_dir.path()) / "out.json").string()});
    EXPECT_EQ(overridden.exitCode, 0) << overridden.describe();
}

TEST_F(LessonModelCli, ABadModelMemberIsAnInputErrorNamingIt) {
    const fs::path lesson = fs::path(m_dir.path()) / "bad.attnlab";
    std::ofstream(lesson) << R"({"format": "attention-lab-session", "version": 1,
        "config": {"sentence": "The cat sat"},
        "lesson": {"title": "Bad", "model": {"folder": "/tmp"}}})";
    const ProgramRun result = run(kBinary, {lesson.string(), "--export-data",
                                            (fs::path(m_dir.path()) / "out.json").string()});
    EXPECT_EQ(result.exitCode, 1) << result.describe();
    EXPECT_TRUE(contains(result.err, "lesson.model.folder")) << result.err;
}

} // namespace test_cli_lesson_model
