// End-to-end tests of what the attention-lab binary says: warnings the README promises (duplicate
// words in an embeddings file, unknown or misspelt members of a lesson, with a did-you-mean) on
// stderr, and the exit codes and messages of a start without a display.

#include "process_testing.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_cli_messages {

using namespace attnlab::testing;

namespace {

const std::string kBinary = ATTNLAB_BINARY;

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

class Messages : public ::testing::Test {
protected:
    ProgramRun run(const std::vector<std::string>& args, ProgramSettings settings = {}) {
        return runProgram(kBinary, args, m_capture, settings);
    }
    TempFolder m_dir{"attnlab-cli-messages"};
    TempFolder m_capture{"attnlab-cli-capture"};
};

} // namespace

// ---- warnings -----------------------------------------------------------------------------------

TEST_F(Messages, DuplicateWordsInAnEmbeddingsFileAreWarnedAbout) {
    const std::string vectors = m_dir.file("vectors.txt");
    writeFile(vectors, "cat 1 2\nsat 3 4\ncat 5 6\n");
    const ProgramRun result = run({"--sentence", "cat sat", "--embeddings", vectors,
                                   "--export-data", m_dir.file("out.json")});
    ASSERT_EQ(result.exitCode, 0) << result.describe();
    EXPECT_TRUE(contains(result.err, "attention-lab: warning: " + vectors +
                                         ": 1 line repeats a word seen earlier in the file; "
                                         "each word keeps its first vector ('cat')"))
        << result.err;
}

TEST_F(Messages, MisspeltLessonMembersAreWarnedAboutWithASuggestion) {
    const std::string lesson = m_dir.file("lesson.attnlab");
    writeFile(lesson, R"({"format": "attention-lab-session", "version": 1,
        "config": {"sentense": "the cat", "head": 2, "temprature": 0.5, "heads": 1,
                   "favourite_colour": "red"},
        "veiw": {}})");
    const ProgramRun result = run({"--session", lesson, "--export-data", m_dir.file("out.json")});
    ASSERT_EQ(result.exitCode, 0) << result.describe();
    for (const std::string& expected : std::vector<std::string>{
             "attention-lab: warning: " + lesson +
                 ": unknown member 'config.sentense' was ignored; did you mean 'sentence'?",
             "unknown member 'config.head' was ignored; did you mean 'heads'?",
             "unknown member 'config.temprature' was ignored; did you mean 'temperature'?",
             "unknown member 'veiw' was ignored; did you mean 'view'?"})
        EXPECT_TRUE(contains(result.err, expected)) << expected << "\nin\n" << result.err;
    // Far from every member: no suggestion, still a warning.
    EXPECT_TRUE(contains(result.err, "unknown member 'config.favourite_colour' was ignored\n"))
        << result.err;
}

// ---- a start without a display, and arguments that are not options ------------------------------

namespace {

// No display of any kind and no platform chosen: what an ssh session without X forwarding has.
ProgramSettings withoutDisplay() {
    ProgramSettings settings;
    settings.environment = {{"DISPLAY", std::nullopt},
                            {"WAYLAND_DISPLAY", std::nullopt},
                            {"QT_QPA_PLATFORM", std::nullopt}};
    settings.timeoutSeconds = 60;
    return settings;
}

} // namespace

TEST_F(Messages, WithoutADisplayTheWindowSaysHowToExportInstead) {
    const std::string lesson = m_dir.file("lesson.attnlab");
    writeFile(lesson, R"({"format": "attention-lab-session", "version": 1, "config": {}})");
    for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
             {}, {lesson}, {"--session", lesson}, {"--heads", "2"}, {"-style", "fusion"}}) {
        SCOPED_TRACE(args.empty() ? std::string("no arguments") : args.front());
        const ProgramRun result = run(args, withoutDisplay());
        ASSERT_FALSE(result.timedOut()) << "a window opened somewhere";
        EXPECT_EQ(result.signal, 0) << "the program crashed: " << result.describe();
        EXPECT_EQ(result.exitCode, 1) << result.describe();
        EXPECT_TRUE(contains(result.err, "attention-lab: no display was found")) << result.err;
        EXPECT_TRUE(contains(result.err, "--export-data FILE")) << result.err;
        EXPECT_EQ(result.err.find("qt."), std::string::npos) << "Qt's own words: " << result.err;
    }
}

TEST_F(Messages, ADisplayThatCannotBeReachedIsReportedAsSuch) {
    ProgramSettings settings = withoutDisplay();
    settings.environment.push_back({"DISPLAY", ":97"}); // no X server answers there
    settings.environment.push_back({"XAUTHORITY", "/nonexistent"});
    const ProgramRun result = run({}, settings);
    ASSERT_FALSE(result.timedOut());
    EXPECT_EQ(result.signal, 0) << "the program aborted: " << result.describe();
    EXPECT_EQ(result.exitCode, 1) << result.describe();
    EXPECT_TRUE(contains(result.err, "attention-lab: ")) << result.err;
    EXPECT_TRUE(contains(result.err, "--export-data FILE")) << result.err;
}

TEST_F(Messages, ArgumentsThatAreNeitherOptionsNorLessonsAreUsageErrors) {
    // With a display (offscreen) as much as without: nothing may open a window first.
    ProgramSettings offscreen;
    offscreen.environment = {{"QT_QPA_PLATFORM", "offscreen"}};
    offscreen.timeoutSeconds = 60;
    writeFile(m_dir.file("notes.txt"), "not a lesson");
    const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
        {{"foo"}, "'foo'"},
        {{"expotr"}, "'expotr'"},
        {{m_dir.file("missing.attnlab")}, "missing.attnlab"},
        {{"--sesion", m_dir.file("x.attnlab")}, "did you mean --session?"},
        {{"--export-dat", m_dir.file("out.json")}, "did you mean --export-data?"},
        {{"--heads"}, "--heads: missing value"},
    };
    for (const ProgramSettings& settings : {offscreen, withoutDisplay()}) {
        for (const auto& [args, expected] : cases) {
            SCOPED_TRACE(args.front());
            const ProgramRun result = run(args, settings);
            ASSERT_FALSE(result.timedOut()) << "a window opened";
            EXPECT_EQ(result.exitCode, 2) << result.describe();
            EXPECT_TRUE(contains(result.err, expected)) << result.err;
            EXPECT_TRUE(contains(result.err, "--help")) << result.err;
        }
    }
    EXPECT_EQ(m_dir.entries(), std::vector<std::string>{"notes.txt"});
}

// ---- a figure that cannot be drawn ------------------------------------------------------------

TEST_F(Messages, ARequestIsRefusedByTheMemoryOfAllItsMatricesNotOnlyTheSquareOnes) {
    // Three tokens, but 16 heads of W_q, W_k, W_v at d_model = d_k = 4096: about 3.2 GB of
    // projections. Under a 2 GiB address-space limit the budget is 1 GiB; the n × n matrices
    // alone would be a few hundred bytes.
    ProgramSettings settings;
    settings.environment = {{"QT_QPA_PLATFORM", "offscreen"}};
    settings.addressSpaceLimit = rlim_t{2} << 30;
    const std::string out = m_dir.file("w.json");
    const ProgramRun result = run({"--sentence", "a b c", "--heads", "16", "--d-model", "4096",
                                   "--d-k", "4096", "--export-data", out},
                                  settings);
    EXPECT_EQ(result.exitCode, 1) << result.describe();
    EXPECT_NE(result.err.find("16 heads of width 4096 (d_model 4096)"), std::string::npos)
        << result.err;
    EXPECT_NE(result.err.find("GB of memory"), std::string::npos) << result.err;
    EXPECT_EQ(m_dir.entries(), std::vector<std::string>{});
}

TEST_F(Messages, AFigureLargerThanTheImageBoundsIsRefusedBeforePainting) {
    // 20 000 × 20 000 at scale 2 fits in this computer's memory but took over a minute to paint
    // and encode; it is refused at once with the bounds.
    ProgramSettings settings;
    settings.environment = {{"QT_QPA_PLATFORM", "offscreen"}};
    const std::string out = m_dir.file("big.png");
    writeFile(out, "earlier figure");
    const ProgramRun result = run({"--sentence", "cat sat", "--width", "20000", "--height", "20000",
                                   "--scale", "2", "--export", out},
                                  settings);
    EXPECT_EQ(result.exitCode, 1) << result.describe();
    EXPECT_NE(result.err.find("at most 16384 pixels a side"), std::string::npos) << result.err;
    EXPECT_NE(result.err.find("40000 × 40000"), std::string::npos) << result.err;
    EXPECT_EQ(readFile(out), "earlier figure");
}

TEST_F(Messages, AFigureThatCannotBeDrawnGivesOneMessage) {
    // 200 000 × 200 000 pixels (160 GB) cannot be allocated under a 3 GiB limit (or, in the
    // sanitizer build, above AddressSanitizer's allocation cap): the draw fails, as it does on a
    // machine without the memory.
    ProgramSettings settings;
    settings.environment = {{"QT_QPA_PLATFORM", "offscreen"},
                            {"ASAN_OPTIONS", "allocator_may_return_null=1:max_allocation_size_mb="
                                             "2048:detect_leaks=0"}};
#if !defined(ATTNLAB_ADDRESS_SANITIZER)
    settings.addressSpaceLimit = rlim_t{3} << 30;
#endif
    const std::string out = m_dir.file("huge.png");
    writeFile(out, "earlier figure");
    const ProgramRun result = run({"--sentence", "cat sat", "--width", "20000", "--height", "20000",
                                   "--scale", "10", "--export", out},
                                  settings);
    EXPECT_EQ(result.exitCode, 1) << result.describe();
    EXPECT_EQ(result.err.rfind("attention-lab: ", 0), 0u) << result.err;
    EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
    EXPECT_EQ(result.err.find("QPainter"), std::string::npos) << result.err;
    EXPECT_EQ(result.err.find("QImage"), std::string::npos) << result.err;
    EXPECT_EQ(readFile(out), "earlier figure");
    EXPECT_EQ(m_dir.entries(), std::vector<std::string>{"huge.png"});
}

} // namespace test_cli_messages
