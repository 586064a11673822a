// `attention-lab complexity`: the subcommand in process (its options, its table, its CSV checked
// against counts made here: n² cells for dense and tiled, the window's visible cells counted
// cell by cell, none for linear; a lesson's Complexity page and its claims) and once through the
// binary for the dispatch.

#include "app/cli.h"
#include "app/complexity_command.h"
#include "app/window_start.h"
#include "core/efficient/memory_probe.h"

#include "test_support.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_complexity_command {

namespace {

using attnlab::app::kExitInputError;
using attnlab::app::kExitSuccess;
using attnlab::app::kExitUsageError;
using attnlab::app::runComplexityCommand;
using attnlab::testing::readFile;
using attnlab::testing::TempDirTest;

struct CommandRun {
    int exitCode = -1;
    std::string out, err;
};

CommandRun complexity(const std::vector<std::string>& args) {
    std::ostringstream out, err;
    CommandRun run;
    run.exitCode = runComplexityCommand(args, out, err);
    run.out = out.str();
    run.err = err.str();
    return run;
}

std::vector<std::vector<std::string>> csvRows(const std::string& text) {
    std::vector<std::vector<std::string>> rows;
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
        std::vector<std::string> fields;
        std::string field;
        std::istringstream cells(line);
        while (std::getline(cells, field, ','))
            fields.push_back(field);
        if (!line.empty() && line.back() == ',')
            fields.emplace_back();
        rows.push_back(fields);
    }
    return rows;
}

// Cells (i, j) of an n × n matrix with |i − j| ≤ w, counted one by one.
long long windowCells(int n, int w) {
    long long cells = 0;
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j)
            cells += std::abs(i - j) <= w ? 1 : 0;
    return cells;
}

// Whether the printed table has a row of `kind` at length `n`.
bool hasRow(const std::string& table, const std::string& kind, const std::string& n) {
    std::istringstream lines(table);
    std::string line;
    while (std::getline(lines, line)) {
        std::istringstream words(line);
        std::string first, second;
        if (words >> first >> second && first == kind && second == n)
            return true;
    }
    return false;
}

class ComplexityCommand : public TempDirTest {};

TEST_F(ComplexityCommand, PrintsTheTableAndWritesTheCsv) {
    const std::string csv = m_dir.file("out.csv");
    const CommandRun run =
        complexity({"--kinds", "dense,tiled,window:4,linear:elu", "--n", "48,96", "--d-k", "8",
                    "--heads", "2", "--min-seconds", "0", "--error-n", "64", "--csv", csv});
    ASSERT_EQ(run.exitCode, kExitSuccess) << run.err;
    for (const char* text : {"dense", "tiled", "window:4", "linear:elu", "fitted slopes",
                             "the tutorial's table", "O(n²d)", "measurements against the table"})
        EXPECT_NE(run.out.find(text), std::string::npos) << text << "\n" << run.out;

    const auto rows = csvRows(readFile(csv));
    ASSERT_EQ(rows.size(), 1u + 4 * 2);
    const std::vector<std::string>& header = rows.front();
    auto column = [&](const std::string& name) {
        for (std::size_t c = 0; c < header.size(); ++c)
            if (header[c] == name)
                return c;
        ADD_FAILURE() << "no column " << name;
        return std::size_t{0};
    };
    const std::size_t kind = column("kind"), n = column("n"), cells = column("cells"),
                      measured = column("measured"), seconds = column("seconds"),
                      heads = column("heads"), dK = column("d_k"), kl = column("mean_row_kl"),
                      reverse = column("mean_row_reverse_kl");
    for (std::size_t r = 1; r < rows.size(); ++r) {
        const auto& row = rows[r];
        ASSERT_EQ(row.size(), header.size()) << r;
        SCOPED_TRACE(row[kind] + " n " + row[n]);
        const int length = std::stoi(row[n]);
        EXPECT_TRUE(length == 48 || length == 96);
        EXPECT_EQ(row[heads], "2");
        EXPECT_EQ(row[dK], "8");
        EXPECT_EQ(row[measured], "1");
        EXPECT_GT(std::stod(row[seconds]), 0.0);
        const long long expected = row[kind] == "window:4"     ? windowCells(length, 4)
                                   : row[kind] == "linear:elu" ? 0
                                                               : 1LL * length * length;
        EXPECT_EQ(std::stoll(row[cells]), expected);
        // Every kind but dense itself is compared with exact attention; tiled is exact.
        EXPECT_EQ(row[reverse].empty(), row[kind] == "dense");
        if (row[kind] == "tiled") {
            EXPECT_LT(std::stod(row[column("max_output_difference")]), 1e-5);
        }
        if (row[kind] == "linear:elu") {
            EXPECT_GT(std::stod(row[kl]), 0.0);
            EXPECT_LT(std::stod(row[kl]), 10.0);
        }
    }
}

TEST_F(ComplexityCommand, DenseStopsAtItsMemoryBudgetWithANote) {
    // 1 MiB holds the 4 · 256² bytes of n = 256 but not those of n = 1024.
    const CommandRun run =
        complexity({"--kinds", "dense,linear:relu", "--n", "256,1024", "--d-k", "4",
                    "--min-seconds", "0", "--error-n", "0", "--dense-budget", "1"});
    ASSERT_EQ(run.exitCode, kExitSuccess) << run.err;
    EXPECT_NE(run.out.find("skipped"), std::string::npos) << run.out;
    EXPECT_NE(run.out.find("note:"), std::string::npos) << run.out;
}

TEST_F(ComplexityCommand, BadValuesAreUsageErrorsNamingTheOption) {
    const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
        {{"--kinds", "dense,quadratic"}, "--kinds"},
        {{"--kinds", "linear:gelu"}, "--kinds"},
        {{"--kinds", "dense,dense"}, "--kinds"},
        {{"--n", "0"}, "--n"},
        {{"--n", "12,abc"}, "--n"},
        {{"--d-k", "0"}, "--d-k"},
        {{"--d-k", "2000"}, "--d-k"},
        {{"--heads", "two"}, "--heads"},
        {{"--dense-budget", "0"}, "--dense-budget"},
        {{"--min-seconds", "-1"}, "--min-seconds"},
        {{"--slope-min-n", "0"}, "--slope-min-n"},
        {{"--slope-min-n", "1.5"}, "--slope-min-n"},
        {{"--csv", ""}, "--csv"},
        {{"--bogus"}, "--bogus"},
    };
    for (const auto& [args, option] : cases) {
        const CommandRun run = complexity(args);
        SCOPED_TRACE(run.err);
        EXPECT_EQ(run.exitCode, kExitUsageError);
        EXPECT_NE(run.err.find(option), std::string::npos) << option;
        EXPECT_TRUE(run.out.empty());
    }
}

// The lengths that enter the slopes: the default 1024, or as given.
TEST_F(ComplexityCommand, SlopeMinNChoosesTheFittedLengths) {
    EXPECT_EQ(attnlab::app::parseComplexityArguments({}).config.slopeMinN, 1024);
    EXPECT_EQ(attnlab::app::parseComplexityArguments({"--slope-min-n", "256"}).config.slopeMinN,
              256);
}

TEST_F(ComplexityCommand, ACsvThatCannotBeWrittenIsAnInputError) {
    const CommandRun run = complexity({"--kinds", "linear", "--n", "16", "--min-seconds", "0",
                                       "--error-n", "0", "--csv", m_dir.file("missing/out.csv")});
    EXPECT_EQ(run.exitCode, kExitInputError);
    EXPECT_NE(run.err.find("out.csv"), std::string::npos) << run.err;
}

TEST_F(ComplexityCommand, HelpNamesEveryOption) {
    const CommandRun run = complexity({"--help"});
    ASSERT_EQ(run.exitCode, kExitSuccess);
    for (const char* option :
         {"--kinds", "--n", "--d-k", "--heads", "--seed", "--csv", "--dense-budget",
          "--max-seconds", "--min-seconds", "--error-n", "--slope-min-n", "--lesson"})
        EXPECT_NE(run.out.find(option), std::string::npos) << option;
}

// --lesson runs a lesson's Complexity page as the window does and says which of its claims
// hold; options that change its settings run too, but then its claims are not checked.
TEST_F(ComplexityCommand, ALessonRunsItsPageAndChecksItsClaims) {
    const std::string lesson =
        std::string(ATTNLAB_SOURCE_DIR) + "/resources/lessons/13-complexity-lab.attnlab";
    const CommandRun run = complexity({"--lesson", lesson});
    ASSERT_EQ(run.exitCode, kExitSuccess) << run.err;
    for (const char* kind : {"dense", "tiled", "window:32", "linear:elu"})
        EXPECT_TRUE(hasRow(run.out, kind, "4096")) << kind << "\n" << run.out;
    for (const char* text :
         {"fitted slopes (n ≥ 512)", "the lesson's claims, checked on these numbers:",
          "kind dense: the log–log slope of peak memory against n is at least 1.600"})
        EXPECT_NE(run.out.find(text), std::string::npos) << text << "\n" << run.out;
    if (attnlab::core::PeakMemoryProbe().available()) {
        EXPECT_NE(run.out.find("10 of 10 claims hold"), std::string::npos) << run.out;
        EXPECT_EQ(run.out.find("✗"), std::string::npos) << run.out;
    }

    const CommandRun other = complexity({"--lesson", lesson, "--n", "64,128", "--kinds", "dense"});
    ASSERT_EQ(other.exitCode, kExitSuccess) << other.err;
    EXPECT_TRUE(hasRow(other.out, "dense", "128")) << other.out;
    EXPECT_FALSE(hasRow(other.out, "tiled", "128")) << other.out;
    EXPECT_NE(other.out.find("the lesson's 10 claims about the lab are checked only with its own "
                             "settings"),
              std::string::npos)
        << other.out;
    EXPECT_EQ(other.out.find("✓"), std::string::npos) << other.out;

    // A lesson without the page, or no lesson at all, is an input error naming the file.
    const std::string plain =
        std::string(ATTNLAB_SOURCE_DIR) + "/resources/lessons/03-causal-mask.attnlab";
    const CommandRun none = complexity({"--lesson", plain});
    EXPECT_EQ(none.exitCode, kExitInputError);
    EXPECT_NE(none.err.find(plain + ": the lesson has no Complexity page"), std::string::npos)
        << none.err;
    const CommandRun missing = complexity({"--lesson", m_dir.file("missing.attnlab")});
    EXPECT_EQ(missing.exitCode, kExitInputError);
    EXPECT_NE(missing.err.find("missing.attnlab"), std::string::npos) << missing.err;
    EXPECT_EQ(complexity({"--lesson", ""}).exitCode, kExitUsageError);
}

// The main command with the same lesson exports the attention of its sentence and says where
// its Complexity page is measured without a window.
TEST_F(ComplexityCommand, TheMainCommandPointsALessonsPageToTheSubcommand) {
    const std::string lesson =
        std::string(ATTNLAB_SOURCE_DIR) + "/resources/lessons/13-complexity-lab.attnlab";
    const std::string json = m_dir.file("maps.json");
    std::ostringstream out, err;
    const int code =
        attnlab::app::runCommandLine({"--lesson", lesson, "--export-data", json}, out, err);
    ASSERT_EQ(code, kExitSuccess) << err.str();
    EXPECT_NE(readFile(json).find("\"weights\""), std::string::npos);
    EXPECT_NE(err.str().find("attention-lab: note: the lesson " + lesson +
                             " measures the complexity lab on its Complexity page; without a "
                             "window: attention-lab complexity --lesson " +
                             lesson),
              std::string::npos)
        << err.str();
    // Without a display the window cannot open: the same command is offered.
    const auto problem = attnlab::app::checkWindowStart(
        {"--lesson", lesson}, [](const std::string&) { return std::optional<std::string>(); });
    ASSERT_TRUE(problem);
    EXPECT_EQ(problem->exitCode, kExitInputError);
    EXPECT_NE(problem->message.find("no display was found"), std::string::npos);
    EXPECT_NE(problem->message.find("The lesson " + lesson +
                                    " measures the complexity lab on its Complexity page; "
                                    "without a window: attention-lab complexity --lesson " +
                                    lesson),
              std::string::npos)
        << problem->message;
    // Other lessons get no such note.
    std::ostringstream plainOut, plainErr;
    ASSERT_EQ(attnlab::app::runCommandLine(
                  {"--lesson",
                   std::string(ATTNLAB_SOURCE_DIR) + "/resources/lessons/03-causal-mask.attnlab",
                   "--export-data", json},
                  plainOut, plainErr),
              kExitSuccess);
    EXPECT_EQ(plainErr.str().find("note:"), std::string::npos) << plainErr.str();
}

TEST_F(ComplexityCommand, TheBinaryDispatchesTheSubcommand) {
    const std::string csv = m_dir.file("bin.csv");
    const auto run = attnlab::testing::runProgram(
        {ATTNLAB_BINARY, "complexity", "--kinds", "dense,tiled,window:64,linear:elu", "--n",
         "64,128", "--d-k", "16", "--heads", "1", "--min-seconds", "0", "--error-n", "0", "--csv",
         csv});
    ASSERT_EQ(run.exitCode, 0) << attnlab::testing::describe(run);
    EXPECT_NE(run.out.find("window:64"), std::string::npos);
    EXPECT_EQ(csvRows(readFile(csv)).size(), 1u + 4 * 2);
    const auto bad = attnlab::testing::runProgram({ATTNLAB_BINARY, "complexity", "--n", "x"});
    EXPECT_EQ(bad.exitCode, 2) << attnlab::testing::describe(bad);
}

} // namespace

} // namespace test_complexity_command
