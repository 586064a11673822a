// The command line's parser and headless run (app/cli.h), in process: options → Config, the two
// value forms, every usage error naming its option, the GUI/headless decision, --help and the
// exit codes of runCommandLine.

#include "app/cli.h"
#include "core/attention/options.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <stdlib.h>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_cli_parse {

using attnlab::app::CliOptions;
using attnlab::app::helpText;
using attnlab::app::kExitInputError;
using attnlab::app::kExitSuccess;
using attnlab::app::kExitUsageError;
using attnlab::app::parseArguments;
using attnlab::app::runCommandLine;
using attnlab::app::UsageError;
using attnlab::app::versionText;
using attnlab::app::wantsHeadless;
namespace core = attnlab::core;
namespace fs = std::filesystem;

namespace {

using Args = std::vector<std::string>;

// The message of the UsageError that parsing `args` throws, or "" when it throws none.
std::string usageErrorOf(const Args& args) {
    try {
        parseArguments(args);
    } catch (const UsageError& error) {
        return error.what();
    }
    return "";
}

class TempDir {
public:
    TempDir() {
        std::string pattern = (fs::temp_directory_path() / "attnlab-cli-XXXXXX").string();
        if (!::mkdtemp(pattern.data()))
            throw std::runtime_error("mkdtemp failed");
        m_path = pattern;
    }
    ~TempDir() {
        std::error_code ignored;
        fs::remove_all(m_path, ignored);
    }
    std::string file(const std::string& name) const { return (m_path / name).string(); }

private:
    fs::path m_path;
};

} // namespace

// ---- options → Config -------------------------------------------------------------------------

TEST(ParseArguments, NoOptionsGiveTheCoreDefaults) {
    const CliOptions options = parseArguments({});
    const core::Config defaults;
    EXPECT_EQ(options.config.sentence, defaults.sentence);
    EXPECT_EQ(options.config.heads, defaults.heads);
    EXPECT_EQ(options.config.dModel, defaults.dModel);
    EXPECT_EQ(options.config.dK, 0);
    EXPECT_EQ(options.config.scoring, defaults.scoring);
    EXPECT_EQ(options.config.embeddings, core::EmbeddingSource::Builtin);
    EXPECT_TRUE(options.exportDataPath.empty());
    EXPECT_FALSE(options.hasHeadlessOutput());
    EXPECT_FALSE(options.help);
    EXPECT_FALSE(options.version);
}

TEST(ParseArguments, EveryOptionSetsItsField) {
    const CliOptions options = parseArguments({"--sentence",     "我爱深度学习",
                                               "--source",       "I love deep learning",
                                               "--scoring",      "additive",
                                               "--normalizer",   "sparsemax",
                                               "--temperature",  "0.25",
                                               "--heads",        "4",
                                               "--d-model",      "32",
                                               "--d-k",          "6",
                                               "--cosine-scale", "5.5",
                                               "--mask",         "window:2",
                                               "--positional",   "rope",
                                               "--projection",   "random",
                                               "--seed",         "18446744073709551615",
                                               "--embeddings",   "vec.txt",
                                               "--tokenizer",    "char",
                                               "--export-data",  "out.npy"});
    const core::Config& c = options.config;
    EXPECT_EQ(c.sentence, "我爱深度学习");
    EXPECT_EQ(c.source, "I love deep learning");
    EXPECT_EQ(c.scoring, core::ScoringFunction::Additive);
    EXPECT_EQ(c.normalizer, core::Normalizer::Sparsemax);
    EXPECT_FLOAT_EQ(c.temperature, 0.25f);
    EXPECT_EQ(c.heads, 4);
    EXPECT_EQ(c.dModel, 32);
    EXPECT_EQ(c.dK, 6);
    EXPECT_FLOAT_EQ(c.cosineScale, 5.5f);
    EXPECT_EQ(c.mask.kind, core::MaskKind::Window);
    EXPECT_EQ(c.mask.window, 2);
    EXPECT_EQ(c.positional, core::PositionalEncoding::Rope);
    EXPECT_EQ(c.projection, core::ProjectionInit::Random);
    EXPECT_EQ(c.seed, 18446744073709551615ull);
    EXPECT_EQ(c.embeddings, core::EmbeddingSource::File);
    EXPECT_EQ(c.embeddingsPath, "vec.txt");
    EXPECT_EQ(options.embeddingsPath, "vec.txt");
    EXPECT_EQ(c.tokenizer.mode, core::TokenizerMode::Char);
    EXPECT_EQ(options.exportDataPath, "out.npy");
    EXPECT_TRUE(options.hasHeadlessOutput());
}

TEST(ParseArguments, AcceptsOptionEqualsValue) {
    const CliOptions options = parseArguments({"--heads=3", "--sentence=a = b", "--mask=padding:9",
                                               "--temperature=+2", "--export-data=x.json"});
    EXPECT_EQ(options.config.heads, 3);
    EXPECT_EQ(options.config.sentence, "a = b");
    EXPECT_EQ(options.config.mask.kind, core::MaskKind::Padding);
    EXPECT_EQ(options.config.mask.padLength, 9);
    EXPECT_FLOAT_EQ(options.config.temperature, 2.0f);
    EXPECT_EQ(options.exportDataPath, "x.json");
}

TEST(ParseArguments, ValuesMayStartWithADashUnlessTheyAreOptions) {
    const CliOptions options =
        parseArguments({"--temperature", "-1", "--sentence", "-- not an option --"});
    EXPECT_FLOAT_EQ(options.config.temperature, -1.0f); // core::validate rejects it later
    EXPECT_EQ(options.config.sentence, "-- not an option --");
    EXPECT_EQ(parseArguments({"--sentence="}).config.sentence, "");
}

TEST(ParseArguments, FlagsAndTheShortHelp) {
    EXPECT_TRUE(parseArguments({"--help"}).help);
    EXPECT_TRUE(parseArguments({"-h"}).help);
    EXPECT_TRUE(parseArguments({"--version"}).version);
}

// ---- usage errors name the option ---------------------------------------------------------------

TEST(ParseArguments, NonNumericNumbersNameTheOption) {
    EXPECT_EQ(usageErrorOf({"--heads", "x"}), "--heads: 'x' is not a whole number");
    EXPECT_EQ(usageErrorOf({"--heads", "2.5"}), "--heads: '2.5' is not a whole number");
    EXPECT_EQ(usageErrorOf({"--d-model="}), "--d-model: '' is not a whole number");
    EXPECT_EQ(usageErrorOf({"--d-k", "99999999999"}), "--d-k: '99999999999' is too large");
    EXPECT_EQ(usageErrorOf({"--temperature", "warm"}), "--temperature: 'warm' is not a number");
    EXPECT_EQ(usageErrorOf({"--temperature", "1.5x"}), "--temperature: '1.5x' is not a number");
    EXPECT_EQ(usageErrorOf({"--cosine-scale", "inf"}),
              "--cosine-scale: 'inf' is not a finite number");
    EXPECT_EQ(usageErrorOf({"--seed", "-1"}), "--seed: '-1' is not a whole number of 0 or more");
}

TEST(ParseArguments, UnknownChoicesNameTheOptionAndTheChoices) {
    const std::string scoring = usageErrorOf({"--scoring", "dotty"});
    EXPECT_EQ(scoring.rfind("--scoring: ", 0), 0u) << scoring;
    EXPECT_NE(scoring.find("'dotty'"), std::string::npos) << scoring;
    EXPECT_NE(scoring.find("dot, scaled-dot, general, additive or cosine"), std::string::npos);
    for (const char* option :
         {"--normalizer", "--positional", "--projection", "--tokenizer", "--mask"}) {
        const std::string message = usageErrorOf({option, "bogus"});
        EXPECT_EQ(message.rfind(std::string(option) + ": ", 0), 0u) << message;
        EXPECT_NE(message.find("bogus"), std::string::npos) << message;
    }
    EXPECT_EQ(usageErrorOf({"--mask", "window:x"}).rfind("--mask: ", 0), 0u);
    EXPECT_EQ(usageErrorOf({"--projection", "manual"}).rfind("--projection: ", 0), 0u);
}

TEST(ParseArguments, ExportNeedsAKnownExtension) {
    const std::string message = usageErrorOf({"--export-data", "out.txt"});
    EXPECT_EQ(message.rfind("--export-data: ", 0), 0u) << message;
    EXPECT_NE(message.find(".json, .csv or .npy"), std::string::npos) << message;
}

TEST(ParseArguments, MissingValues) {
    EXPECT_EQ(usageErrorOf({"--heads"}), "--heads: missing value; write --heads N");
    EXPECT_EQ(usageErrorOf({"--sentence", "--heads", "2"}),
              "--sentence: missing value; write --sentence TEXT");
    EXPECT_EQ(usageErrorOf({"--export-data", "--heads=2"}),
              "--export-data: missing value; write --export-data FILE");
}

TEST(ParseArguments, UnknownOptionsSuggestTheNearestOne) {
    EXPECT_EQ(usageErrorOf({"--hedas", "2"}), "unknown option '--hedas'; did you mean --heads?");
    EXPECT_EQ(usageErrorOf({"--dmodel=3"}), "unknown option '--dmodel'; did you mean --d-model?");
    EXPECT_EQ(usageErrorOf({"--frobnicate"}), "unknown option '--frobnicate'");
    EXPECT_EQ(usageErrorOf({"-platform", "offscreen"}), "unknown option '-platform'");
}

TEST(ParseArguments, OtherMistakes) {
    EXPECT_EQ(usageErrorOf({"--heads", "2", "--heads", "3"}), "--heads: given more than once");
    EXPECT_EQ(usageErrorOf({"--help=yes"}), "--help: takes no value");
    EXPECT_EQ(usageErrorOf({"hello"}).rfind("unexpected argument 'hello'", 0), 0u);
    EXPECT_EQ(usageErrorOf({"--embeddings="}), "--embeddings: the file name is empty");
}

// ---- GUI or headless ----------------------------------------------------------------------------

TEST(WantsHeadless, OnlyForOutputHelpOrVersion) {
    EXPECT_FALSE(wantsHeadless({}));
    EXPECT_FALSE(wantsHeadless({"--sentence", "hello", "--heads", "2"}));
    EXPECT_FALSE(wantsHeadless({"-platform", "offscreen"}));
    EXPECT_FALSE(wantsHeadless({"--export-datum", "x.json"}));
    EXPECT_TRUE(wantsHeadless({"--export-data", "x.json"}));
    EXPECT_TRUE(wantsHeadless({"--sentence", "hi", "--export-data=x.csv"}));
    EXPECT_TRUE(wantsHeadless({"--help"}));
    EXPECT_TRUE(wantsHeadless({"-h"}));
    EXPECT_TRUE(wantsHeadless({"--version"}));
}

// ---- help and version ---------------------------------------------------------------------------

TEST(HelpText, ListsEveryOptionWithItsChoicesAndDefault) {
    const std::string help = helpText();
    for (const char* option :
         {"--sentence TEXT", "--source TEXT", "--scoring NAME", "--normalizer NAME",
          "--temperature T", "--heads N", "--d-model N", "--d-k N", "--cosine-scale S",
          "--mask MASK", "--positional NAME", "--projection NAME", "--seed N", "--embeddings FILE",
          "--tokenizer MODE", "--export-data FILE", "-h, --help", "--version"})
        EXPECT_NE(help.find(option), std::string::npos) << option;
    auto expectChoices = [&](const auto& values) {
        for (const auto value : values)
            EXPECT_NE(help.find(std::string(core::toString(value))), std::string::npos)
                << core::toString(value);
    };
    expectChoices(core::allScoringFunctions());
    expectChoices(core::allNormalizers());
    expectChoices(core::allPositionalEncodings());
    expectChoices(core::allTokenizerModes());
    for (const char* fragment :
         {"default: scaled-dot", "default: softmax", "default: 1", "default: 64", "default: 10",
          "default: none", "default: identity", "default: 42", "default: word",
          "default: \"The cat sat on the mat\"", "none, causal", "padding:L", "window:W",
          "identity, random", "--option=VALUE"})
        EXPECT_NE(help.find(fragment), std::string::npos) << fragment;
}

TEST(VersionText, NamesTheProgramAndVersion) {
    EXPECT_EQ(versionText().rfind("attention-lab " ATTNLAB_VERSION "\n", 0), 0u) << versionText();
}

// ---- runCommandLine: exit codes and streams
// ------------------------------------------------------

TEST(RunCommandLine, HelpAndVersionGoToStdout) {
    std::ostringstream out, err;
    EXPECT_EQ(runCommandLine({"--help"}, out, err), kExitSuccess);
    EXPECT_EQ(out.str(), helpText());
    EXPECT_EQ(err.str(), "");
    std::ostringstream out2, err2;
    EXPECT_EQ(runCommandLine({"--version"}, out2, err2), kExitSuccess);
    EXPECT_EQ(out2.str(), versionText());
}

TEST(RunCommandLine, UsageErrorExitsTwoWithPrefixedMessage) {
    std::ostringstream out, err;
    EXPECT_EQ(runCommandLine({"--heads", "x", "--export-data", "a.json"}, out, err),
              kExitUsageError);
    EXPECT_EQ(out.str(), "");
    EXPECT_EQ(err.str().rfind("attention-lab: --heads: 'x' is not a whole number\n", 0), 0u)
        << err.str();
    EXPECT_NE(err.str().find("attention-lab --help"), std::string::npos);
}

TEST(RunCommandLine, NothingToWriteIsAUsageError) {
    std::ostringstream out, err;
    EXPECT_EQ(runCommandLine({"--heads", "2"}, out, err), kExitUsageError);
    EXPECT_NE(err.str().find("--export-data"), std::string::npos) << err.str();
}

TEST(RunCommandLine, ExportsWithCleanStdout) {
    TempDir dir;
    std::ostringstream out, err;
    const std::string path = dir.file("out.json");
    EXPECT_EQ(runCommandLine({"--sentence", "the cat", "--d-model", "8", "--export-data", path},
                             out, err),
              kExitSuccess)
        << err.str();
    EXPECT_EQ(out.str(), "");
    EXPECT_EQ(err.str(), "");
    std::ifstream in(path);
    std::string first;
    std::getline(in, first);
    EXPECT_EQ(first, "{");
}

TEST(RunCommandLine, InputErrorsExitOneWithTheCoreMessage) {
    TempDir dir;
    std::ostringstream out, err;
    EXPECT_EQ(
        runCommandLine({"--d-model", "10", "--heads", "3", "--export-data", dir.file("out.json")},
                       out, err),
        kExitInputError);
    EXPECT_EQ(err.str().rfind("attention-lab: d_model (10) is not divisible", 0), 0u) << err.str();
    EXPECT_FALSE(fs::exists(dir.file("out.json")));

    std::ostringstream out2, err2;
    EXPECT_EQ(runCommandLine({"--heads", "0", "--export-data", dir.file("out.json")}, out2, err2),
              kExitInputError);
    EXPECT_NE(err2.str().find("heads"), std::string::npos) << err2.str();
}

TEST(RunCommandLine, WarningsGoToStderrAndTheExportStillHappens) {
    TempDir dir;
    std::ostringstream out, err;
    EXPECT_EQ(runCommandLine({"--sentence", "the zzqxvw", "--d-model", "8", "--export-data",
                              dir.file("out.csv")},
                             out, err),
              kExitSuccess);
    EXPECT_EQ(err.str().rfind("attention-lab: warning: 1 token is not in the embeddings", 0), 0u)
        << err.str();
    EXPECT_TRUE(fs::exists(dir.file("out.csv")));
}

// ---- images and sessions ------------------------------------------------------------------------

TEST(ParseArguments, ImageOptionsFillTheImageRequest) {
    const CliOptions options =
        parseArguments({"--export", "a.pdf", "--view", "head:2", "--width", "640", "--height=480",
                        "--scale", "3", "--dpi", "300", "--title", "--no-colorbar", "--colormap",
                        "magma", "--color-scale", "per-head", "--values", "off"});
    EXPECT_TRUE(options.hasHeadlessOutput());
    EXPECT_EQ(options.image.path, "a.pdf");
    EXPECT_EQ(options.image.view, "head:2");
    EXPECT_EQ(options.image.width, 640);
    EXPECT_EQ(options.image.height, 480);
    EXPECT_DOUBLE_EQ(options.image.scale, 3.0);
    EXPECT_DOUBLE_EQ(options.image.dpi, 300.0);
    EXPECT_TRUE(options.image.title);
    EXPECT_FALSE(options.image.colorBar);
    EXPECT_EQ(options.view.colorMap, "magma");
    EXPECT_EQ(options.view.colorScale, "per-head");
    EXPECT_EQ(options.view.cellValues, "off");
}

TEST(ParseArguments, ImageOptionMistakesNameTheOption) {
    EXPECT_EQ(usageErrorOf({"--view", "head:0"}),
              "--view: layers, heads and rows are counted from 1");
    EXPECT_EQ(usageErrorOf({"--view", "heads"}).rfind("--view: 'heads' is not a view", 0), 0u);
    EXPECT_EQ(usageErrorOf({"--width", "10"}).rfind("--width: '10' is out of range", 0), 0u);
    EXPECT_EQ(usageErrorOf({"--dpi", "5000"}).rfind("--dpi: '5000' is out of range", 0), 0u);
    EXPECT_EQ(usageErrorOf({"--colormap", "jet"})
                  .rfind("--colormap: unknown colour map 'jet'; choose one of: viridis", 0),
              0u);
    EXPECT_EQ(usageErrorOf({"--export="}), "--export: the file name is empty");
}

TEST(ParseArguments, ALoneLessonFileIsTheSession) {
    EXPECT_EQ(parseArguments({"lesson.attnlab"}).sessionPath, "lesson.attnlab");
    EXPECT_EQ(parseArguments({"--session", "x.attnlab"}).sessionPath, "x.attnlab");
    EXPECT_EQ(usageErrorOf({"a.attnlab", "b.attnlab"}), "--session: given more than once");
    EXPECT_FALSE(wantsHeadless({"lesson.attnlab"}));
    EXPECT_TRUE(wantsHeadless({"lesson.attnlab", "--export", "a.png"}));
    EXPECT_TRUE(attnlab::app::wantsImage({"--export=a.png"}));
    EXPECT_FALSE(attnlab::app::wantsImage({"--export-data", "a.json"}));
}

TEST(ParseArguments, OptionsOverrideTheBaseConfiguration) {
    core::Config base;
    base.sentence = "from the lesson";
    base.heads = 4;
    base.scoring = core::ScoringFunction::Dot;
    const CliOptions options = parseArguments({"--heads", "2"}, base);
    EXPECT_EQ(options.config.sentence, "from the lesson");
    EXPECT_EQ(options.config.heads, 2);
    EXPECT_EQ(options.config.scoring, core::ScoringFunction::Dot);
}

TEST(RunCommandLine, ImagesNeedARenderer) {
    TempDir dir;
    std::ostringstream out, err;
    EXPECT_EQ(runCommandLine({"--export", dir.file("a.png")}, out, err), kExitInputError);
    EXPECT_NE(err.str().find("cannot draw images"), std::string::npos) << err.str();
}

// ---- the CSV file's byte-order mark
// ---------------------------------------------------------------

TEST(RunCommandLine, CsvStartsWithAByteOrderMarkUnlessNoCsvBomIsGiven) {
    TempDir dir;
    auto firstBytes = [](const std::string& path) {
        std::ifstream in(path, std::ios::binary);
        std::string bytes(8, '\0');
        in.read(bytes.data(), 8);
        return bytes;
    };
    for (const Args& extra : {Args{}, Args{"--csv-bom"}, Args{"--no-csv-bom"}}) {
        const std::string path =
            dir.file("w" + std::to_string(extra.size()) + (extra.empty() ? "" : extra[0]) + ".csv");
        Args args{"--sentence", "我 爱", "--d-model", "8", "--export-data", path};
        args.insert(args.end(), extra.begin(), extra.end());
        std::ostringstream out, err;
        ASSERT_EQ(runCommandLine(args, out, err), kExitSuccess) << err.str();
        const bool mark = extra.empty() || extra[0] == "--csv-bom";
        EXPECT_EQ(firstBytes(path), mark ? std::string("\xEF\xBB\xBFhead,") : "head,que")
            << (extra.empty() ? "default" : extra[0]);
    }
}

TEST(ParseArguments, CsvBomOptionsNeedACsvFileAndAgree) {
    EXPECT_TRUE(parseArguments({}).csvByteOrderMark);
    EXPECT_FALSE(parseArguments({"--no-csv-bom"}).csvByteOrderMark);
    EXPECT_EQ(usageErrorOf({"--no-csv-bom", "--export-data", "x.json"}),
              "--no-csv-bom: shapes the .csv file of --export-data; add --export-data FILE.csv "
              "or leave it out");
    EXPECT_EQ(usageErrorOf({"--csv-bom", "--no-csv-bom", "--export-data", "x.csv"}),
              "--no-csv-bom: contradicts --csv-bom; give one of them");
    const std::string help = helpText();
    EXPECT_NE(help.find("--csv-bom"), std::string::npos);
    EXPECT_NE(help.find("--no-csv-bom"), std::string::npos);
    EXPECT_NE(help.find("byte-order mark"), std::string::npos);
}

// ---- --mask custom:FILE ------------------------------------------------------------------------

TEST(RunCommandLine, CustomMaskFileBlocksItsZeroCells) {
    TempDir dir;
    const std::string mask = dir.file("mask.txt");
    std::ofstream(mask) << "# the first row sees only itself\n1 0 0\n1 1 0\n0 1 1\n";
    const std::string csv = dir.file("w.csv");
    std::ostringstream out, err;
    ASSERT_EQ(runCommandLine({"--sentence", "the cat sat", "--d-model", "8", "--mask",
                              "custom:" + mask, "--no-csv-bom", "--export-data", csv},
                             out, err),
              kExitSuccess)
        << err.str();
    std::ifstream in(csv, std::ios::binary);
    const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    for (const char* cell : {"\r\n1,0,the,1,cat,0\r\n", "\r\n1,0,the,2,sat,0\r\n",
                             "\r\n1,1,cat,2,sat,0\r\n", "\r\n1,2,sat,0,the,0\r\n"})
        EXPECT_NE(text.find(cell), std::string::npos) << cell << " in\n" << text;
    EXPECT_EQ(text.find("\r\n1,2,sat,1,cat,0\r\n"), std::string::npos) << "a visible cell";
    EXPECT_NE(helpText().find("custom:FILE"), std::string::npos);
}

TEST(RunCommandLine, CustomMaskMistakesAreNamed) {
    TempDir dir;
    auto errorOf = [&](const std::string& maskText, const std::string& sentence) {
        const std::string mask = dir.file("m.txt");
        std::ofstream(mask) << maskText;
        std::ostringstream out, err;
        const int code = runCommandLine({"--sentence", sentence, "--d-model", "8", "--mask",
                                         "custom:" + mask, "--export-data", dir.file("w.json")},
                                        out, err);
        EXPECT_EQ(code, kExitInputError) << err.str();
        return err.str();
    };
    EXPECT_NE(errorOf("1 0\n1 2\n", "a b").find("m.txt:2: '2' is not 0 or 1"), std::string::npos);
    EXPECT_NE(errorOf("1 0\n1 1\n", "a b c")
                  .find("the mask has 2 rows of 2 keys, but the sentence has 3 queries and 3 keys"),
              std::string::npos);
    EXPECT_NE(errorOf("1 0 0 0\n1 1 0 0\n1 1 1 0\n1 1 1 1\n", "a b c").find("has 4 rows of 4 keys"),
              std::string::npos);
    std::ostringstream out, err;
    EXPECT_EQ(runCommandLine({"--sentence", "a b", "--mask", "custom:" + dir.file("missing.txt"),
                              "--export-data", dir.file("w.json")},
                             out, err),
              kExitInputError);
    EXPECT_NE(err.str().find("missing.txt"), std::string::npos) << err.str();
    EXPECT_EQ(usageErrorOf({"--mask", "custom:"}),
              "--mask: the file name after custom: is empty; write custom:FILE");
}

} // namespace test_cli_parse
