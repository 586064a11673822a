// The attention-lab binary's exit codes on the command line: usage errors exit 2 naming the
// option and write nothing; input errors exit 1 with the message on stderr, write no file and
// leave an earlier file intact.

#include "support/cli_export_testing.h"
#include "test_support.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_cli_errors {

namespace fs = std::filesystem;
using namespace attnlab::testing::cli;

// ---- usage errors: exit 2, the option named, nothing written ------------------------------------

TEST_F(CommandLine, UsageErrorsExitTwoNamingTheOption) {
    const std::string path = m_dir.file("out.json");
    struct Case {
        std::vector<std::string> args;
        std::string expected; ///< the start of stderr
    };
    const std::vector<Case> cases = {
        {{"--hedas", "2", "--export-data", path},
         "attention-lab: unknown option '--hedas'; did you mean --heads?"},
        {{"--export-data", path, "--heads"}, "attention-lab: --heads: missing value"},
        {{"--heads", "x", "--export-data", path},
         "attention-lab: --heads: 'x' is not a whole number"},
        {{"--temperature=hot", "--export-data", path},
         "attention-lab: --temperature: 'hot' is not a number"},
        {{"--scoring", "fancy", "--export-data", path},
         "attention-lab: --scoring: unknown scoring function 'fancy'"},
        {{"--normalizer", "max", "--export-data", path}, "attention-lab: --normalizer: "},
        {{"--mask", "diagonal", "--export-data", path}, "attention-lab: --mask: "},
        {{"--tokenizer", "bpe", "--export-data", path}, "attention-lab: --tokenizer: "},
        {{"--export-data", m_dir.file("out.png")}, "attention-lab: --export-data: "},
        {{"--export-data", path, "stray"}, "attention-lab: unexpected argument 'stray'"},
    };
    for (const Case& c : cases) {
        const ProcessRun result = run(c.args);
        EXPECT_EQ(result.exitCode, 2) << describe(result);
        EXPECT_EQ(result.err.rfind(c.expected, 0), 0u) << describe(result);
        EXPECT_EQ(result.out, "");
    }
    EXPECT_TRUE(m_dir.entries().empty());
}

// ---- input errors: exit 1, the message on stderr, no file and no earlier file damaged -----------

TEST_F(CommandLine, MissingEmbeddingsFileExitsOne) {
    const std::string missing = m_dir.file("nowhere.vec");
    const ProcessRun result =
        run({"--embeddings", missing, "--export-data", m_dir.file("out.json")});
    EXPECT_EQ(result.exitCode, 1) << describe(result);
    EXPECT_EQ(result.err.rfind("attention-lab: ", 0), 0u) << result.err;
    EXPECT_NE(result.err.find(missing), std::string::npos) << result.err;
    EXPECT_EQ(result.out, "");
    EXPECT_TRUE(m_dir.entries().empty());
}

TEST_F(CommandLine, MalformedEmbeddingsFileExitsOneNamingTheLine) {
    const std::string vectors = m_dir.file("bad.txt");
    writeFile(vectors, "cat 1 2 3\ndog 1 2\n");
    const ProcessRun result =
        run({"--embeddings", vectors, "--export-data", m_dir.file("out.json")});
    EXPECT_EQ(result.exitCode, 1) << describe(result);
    EXPECT_EQ(result.err.rfind("attention-lab: ", 0), 0u) << result.err;
    EXPECT_NE(result.err.find(vectors + ": line 2: "), std::string::npos) << result.err;
}

TEST_F(CommandLine, DModelNotDivisibleByHeadsExitsOne) {
    const ProcessRun result =
        run({"--d-model", "10", "--heads", "3", "--export-data", m_dir.file("out.json")});
    EXPECT_EQ(result.exitCode, 1) << describe(result);
    EXPECT_EQ(result.err.rfind("attention-lab: ", 0), 0u);
    EXPECT_NE(result.err.find("not divisible"), std::string::npos) << result.err;
    EXPECT_TRUE(m_dir.entries().empty());
}

TEST_F(CommandLine, OutOfRangeSettingsExitOne) {
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"--heads", "0"},
          {"--temperature", "0"},
          {"--d-model", "1"},
          {"--sentence", "a b", "--source", "c d", "--mask", "causal"}}) {
        std::vector<std::string> full = args;
        full.insert(full.end(), {"--export-data", m_dir.file("out.json")});
        const ProcessRun result = run(full);
        EXPECT_EQ(result.exitCode, 1) << describe(result);
        EXPECT_EQ(result.err.rfind("attention-lab: ", 0), 0u) << result.err;
    }
}

TEST_F(CommandLine, TooManyTokensExitsOne) {
    std::string sentence;
    for (int i = 0; i < 4100; ++i)
        sentence += "a ";
    const ProcessRun result =
        run({"--sentence", sentence, "--export-data", m_dir.file("out.json")});
    EXPECT_EQ(result.exitCode, 1) << describe(result);
    EXPECT_EQ(result.err.rfind("attention-lab: ", 0), 0u) << result.err;
}

TEST_F(CommandLine, UnwritableOutputExitsOne) {
    const std::string inMissingDir = m_dir.file("no-such-dir/out.json");
    const ProcessRun missing = run({"--d-model", "8", "--export-data", inMissingDir});
    EXPECT_EQ(missing.exitCode, 1) << describe(missing);
    EXPECT_EQ(missing.err.rfind("attention-lab: cannot write '" + inMissingDir + "': ", 0), 0u)
        << missing.err;
    EXPECT_NE(missing.err.find("does not exist"), std::string::npos) << missing.err;

    fs::create_directory(m_dir.file("a-folder.json"));
    const ProcessRun folder = run({"--d-model", "8", "--export-data", m_dir.file("a-folder.json")});
    EXPECT_EQ(folder.exitCode, 1) << describe(folder);
    EXPECT_EQ(folder.err.rfind("attention-lab: cannot write ", 0), 0u) << folder.err;
    EXPECT_EQ(m_dir.entries(), std::vector<std::string>{"a-folder.json"});
}

TEST_F(CommandLine, FailedExportLeavesTheEarlierFileIntact) {
    const std::string path = m_dir.file("out.json");
    writeFile(path, "earlier export");

    // Rejected settings: nothing is written.
    const ProcessRun rejected = run({"--d-model", "10", "--heads", "3", "--export-data", path});
    EXPECT_EQ(rejected.exitCode, 1) << describe(rejected);
    EXPECT_EQ(readFile(path), "earlier export");

    // Writing fails part-way (a file-size limit stands in for a full disk).
    const ProcessRun cutOff =
        run({"--sentence", "a long enough sentence to need more than a few bytes", "--export-data",
             path},
            RunSettings{4096, false});
    EXPECT_EQ(cutOff.exitCode, 1) << describe(cutOff);
    EXPECT_NE(cutOff.err.find("attention-lab: cannot write '" + path + "': "), std::string::npos)
        << cutOff.err;
    EXPECT_EQ(readFile(path), "earlier export");
    EXPECT_EQ(m_dir.entries(), std::vector<std::string>{"out.json"}) << "no temporary file left";

    // And a successful export replaces it.
    const ProcessRun ok = run({"--d-model", "8", "--export-data", path});
    EXPECT_EQ(ok.exitCode, 0) << describe(ok);
    EXPECT_EQ(readFile(path).rfind("{\n", 0), 0u);
}

} // namespace test_cli_errors
