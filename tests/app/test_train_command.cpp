// End-to-end tests of `attention-lab train`: the files it writes (summary, loss curve, model
// folder), bit-for-bit repetition from a seed, every attention setting on the command line, and
// the exit codes of settings that are wrong (2) or cannot train (1), and the learning exported
// for slides (--gif decoded with giflib, --strip read back as PNG).

#include "test_support.h"

#include <gif_lib.h>
#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_train_command {

using namespace attnlab::testing;

namespace {

const std::string kBinary = ATTNLAB_BINARY;

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// A small, quick model (a run of a few dozen steps takes well under a second): these defaults,
// unless `extra` gives the option itself.
std::vector<std::string> quickRun(const std::vector<std::string>& extra) {
    std::vector<std::string> args = {kBinary, "train"};
    const std::vector<std::pair<std::string, std::string>> defaults = {{"--d-model", "16"},
                                                                       {"--heldout", "32"},
                                                                       {"--probe", "8"},
                                                                       {"--batch", "8"},
                                                                       {"--eval-every", "10"}};
    for (const auto& [option, value] : defaults)
        if (std::find(extra.begin(), extra.end(), option) == extra.end())
            args.insert(args.end(), {option, value});
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
}

class TrainCommand : public TempDirTest {
protected:
    ProcessResult train(const std::vector<std::string>& extra, const std::string& folder = {}) {
        RunExtras extras;
        extras.workingDirectory = folder.empty() ? m_dir.path().string() : folder;
        return runProgram(quickRun(extra), {{"QT_QPA_PLATFORM", "offscreen"}},
                          std::chrono::seconds(120), extras);
    }
};

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        out.push_back(line);
    return out;
}

} // namespace

TEST_F(TrainCommand, WritesTheSummaryTheCurveAndTheModelFolder) {
    const ProcessResult run =
        train({"--task", "reverse", "--length", "4", "--vocab", "5", "--scoring", "additive",
               "--steps", "30", "--seed", "3", "--save", "model", "--log", "curve.csv", "--summary",
               "summary.json"});
    ASSERT_EQ(run.exitCode, 0) << describe(run);
    EXPECT_TRUE(run.out.empty()) << run.out;
    // Progress on stderr, one line per evaluation.
    EXPECT_TRUE(contains(run.err, "step 10/30")) << run.err;
    EXPECT_TRUE(contains(run.err, "step 30/30")) << run.err;

    const nlohmann::json summary = nlohmann::json::parse(readFile(m_dir.file("summary.json")));
    EXPECT_EQ(summary.at("task"), "reverse");
    EXPECT_EQ(summary.at("steps"), 30);
    EXPECT_TRUE(summary.at("seconds").is_number());
    EXPECT_GE(summary.at("seconds").get<double>(), 0.0);
    EXPECT_TRUE(summary.at("final_loss").is_number());
    EXPECT_GT(summary.at("final_loss").get<double>(), 0.0);
    const double accuracy = summary.at("accuracy").get<double>();
    EXPECT_GE(accuracy, 0.0);
    EXPECT_LE(accuracy, 1.0);
    const double alignment = summary.at("alignment").get<double>();
    EXPECT_GE(alignment, 0.0);
    EXPECT_LE(alignment, 1.0 + 1e-9);
    EXPECT_EQ(summary.at("settings").at("scoring"), "additive");
    EXPECT_EQ(summary.at("settings").at("seed"), 3);

    // The curve: a header and one row per step; evaluated steps carry the held-out columns.
    const std::vector<std::string> rows = lines(readFile(m_dir.file("curve.csv")));
    ASSERT_EQ(rows.size(), 31u);
    EXPECT_EQ(rows[0], "step,loss,accuracy,grad_norm,learning_rate,heldout_loss,heldout_accuracy,"
                       "alignment,induction");
    EXPECT_TRUE(rows[1].starts_with("1,"));
    EXPECT_TRUE(rows[1].ends_with(",,,,")) << rows[1];
    EXPECT_TRUE(rows[30].starts_with("30,"));
    EXPECT_FALSE(rows[30].ends_with(",,,,")) << rows[30];

    const nlohmann::json config = nlohmann::json::parse(readFile(m_dir.file("model/config.json")));
    EXPECT_EQ(config.at("architecture"), "AttentionLabTransformer");
    EXPECT_EQ(config.at("steps"), 30);
    EXPECT_GT(readFile(m_dir.file("model/model.safetensors")).size(), 1000u);
}

TEST_F(TrainCommand, TheSameSeedRepeatsARunBitForBit) {
    const std::vector<std::string> args = {
        "--task", "sort",   "--length", "5",     "--steps",   "25",        "--seed",
        "7",      "--save", "model",    "--log", "curve.csv", "--summary", "summary.json"};
    TempDir first, second, other;
    ASSERT_EQ(train(args, first.path().string()).exitCode, 0);
    ASSERT_EQ(train(args, second.path().string()).exitCode, 0);
    std::vector<std::string> otherSeed = args;
    otherSeed[7] = "8";
    ASSERT_EQ(train(otherSeed, other.path().string()).exitCode, 0);

    EXPECT_EQ(readFile(first.file("curve.csv")), readFile(second.file("curve.csv")));
    EXPECT_NE(readFile(first.file("curve.csv")), readFile(other.file("curve.csv")));
    EXPECT_EQ(readFile(first.file("model/model.safetensors")),
              readFile(second.file("model/model.safetensors")));
    EXPECT_EQ(readFile(first.file("model/config.json")),
              readFile(second.file("model/config.json")));
    // The summaries differ only in the seconds the runs took.
    nlohmann::json a = nlohmann::json::parse(readFile(first.file("summary.json")));
    nlohmann::json b = nlohmann::json::parse(readFile(second.file("summary.json")));
    a.erase("seconds");
    b.erase("seconds");
    EXPECT_EQ(a.dump(), b.dump());
    // Compared as text too: every number is written in the same shortest form.
    const auto withoutSeconds = [](const std::string& text) {
        std::string kept;
        for (const std::string& line : lines(text))
            if (!contains(line, "\"seconds\""))
                kept += line + "\n";
        return kept;
    };
    EXPECT_EQ(withoutSeconds(readFile(first.file("summary.json"))),
              withoutSeconds(readFile(second.file("summary.json"))));
}

TEST_F(TrainCommand, EveryAttentionSettingIsAnOption) {
    // Each scoring function, trainable normaliser, positional encoding, mask and architecture
    // choice trains (a few steps) from the command line, and the summary records it.
    const std::vector<std::vector<std::string>> variants = {
        {"--scoring", "dot"},
        {"--scoring", "scaled-dot"},
        {"--scoring", "general"},
        {"--scoring", "additive", "--d-a", "4"},
        {"--scoring", "cosine", "--cosine-scale", "5"},
        {"--normalizer", "sparsemax"},
        {"--normalizer", "relu"},
        {"--normalizer", "sigmoid"},
        {"--positional", "none"},
        {"--positional", "sinusoidal"},
        {"--positional", "rope"},
        {"--positional", "alibi"},
        {"--mask", "window:2"},
        {"--temperature", "0.5"},
        {"--heads", "2", "--layers", "2"},
        {"--ffn", "gelu", "--ffn-hidden", "8", "--layernorm", "on"},
        {"--architecture", "encoder-decoder"},
        {"--weight-decay", "0.01", "--clip", "0.5", "--warmup", "2", "--lr", "0.01"},
    };
    for (const std::vector<std::string>& variant : variants) {
        std::vector<std::string> args = {"--length", "4", "--steps", "3", "--summary", "s.json"};
        args.insert(args.end(), variant.begin(), variant.end());
        const ProcessResult run = train(args);
        ASSERT_EQ(run.exitCode, 0) << variant[0] << " " << variant[1] << "\n" << describe(run);
        const nlohmann::json settings =
            nlohmann::json::parse(readFile(m_dir.file("s.json"))).at("settings");
        const std::string key = variant[0].substr(2);
        const nlohmann::json& value = settings.at(key);
        const std::string text = value.is_string() ? value.get<std::string>() : value.dump();
        EXPECT_EQ(text, variant[1]) << key;
    }
}

TEST_F(TrainCommand, TasksWithoutAnIdealAlignmentSummariseItAsNull) {
    const ProcessResult run = train({"--task", "language", "--length", "8", "--vocab", "20",
                                     "--steps", "2", "--summary", "summary.json"});
    ASSERT_EQ(run.exitCode, 0) << describe(run);
    const nlohmann::json summary = nlohmann::json::parse(readFile(m_dir.file("summary.json")));
    EXPECT_EQ(summary.at("task"), "language");
    EXPECT_TRUE(summary.at("alignment").is_null());
}

TEST_F(TrainCommand, HardmaxCannotTrainAndExitsOneWithTheReason) {
    const ProcessResult run =
        train({"--normalizer", "hardmax", "--steps", "5", "--summary", "summary.json"});
    EXPECT_EQ(run.exitCode, 1) << describe(run);
    EXPECT_TRUE(contains(run.err, "attention-lab: --normalizer: hardmax has no gradient"))
        << run.err;
    EXPECT_TRUE(m_dir.entries().empty());
}

TEST_F(TrainCommand, BadSettingsExitTwoNamingTheOption) {
    const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
        {{"--layers", "5"}, "--layers: must be between 1 and 4, not 5"},
        {{"--heads", "3"}, "--heads: 3 heads do not divide d-model 16"},
        {{"--scoring", "fancy"}, "--scoring: unknown"},
        {{"--task", "revers"}, "--task: unknown"},
        {{"--steps", "many"}, "--steps: 'many' is not a whole number"},
        {{"--lengt", "4"}, "unknown option '--lengt'; did you mean --length?"},
        {{"--steps"}, "--steps: missing value"},
        {{"--steps", "--seed", "2"}, "--steps: missing value"},
        {{"--mask", "padding:3"}, "--mask: 'padding:3' is not a training mask"},
        {{"--heldout", "4"}, "--probe: the probe set (8)"},
        {{"--task", "induction", "--architecture", "encoder-decoder"}, "--architecture"},
        {{"--seed", "1", "--seed", "2"}, "--seed: given more than once"},
        {{"reverse"}, "unexpected argument 'reverse'"},
        {{"--help=yes"}, "--help: takes no value"},
    };
    for (const auto& [args, expected] : cases) {
        std::vector<std::string> withOutput = args;
        withOutput.insert(withOutput.end(), {"--summary", "summary.json"});
        const ProcessResult run = train(withOutput);
        EXPECT_EQ(run.exitCode, 2) << args[0] << "\n" << describe(run);
        EXPECT_TRUE(contains(run.err, "attention-lab: " + expected)) << expected << "\n" << run.err;
        EXPECT_TRUE(contains(run.err, "Try 'attention-lab train --help'")) << run.err;
        EXPECT_TRUE(m_dir.entries().empty()) << args[0];
    }
}

TEST_F(TrainCommand, AnOutputThatCannotBeWrittenIsRefusedBeforeTraining) {
    const ProcessResult run = train({"--steps", "1000000", "--summary", "missing/summary.json"});
    EXPECT_EQ(run.exitCode, 1) << describe(run);
    EXPECT_TRUE(contains(run.err, "--summary: cannot write missing/summary.json")) << run.err;
    EXPECT_FALSE(contains(run.err, "step ")) << run.err;
}

TEST_F(TrainCommand, HelpListsTheOptionsOfTheIssue) {
    const ProcessResult run = runProgram({kBinary, "train", "--help"});
    ASSERT_EQ(run.exitCode, 0) << describe(run);
    for (const char* option :
         {"--task",      "--length",       "--vocab",      "--layers",     "--heads",
          "--scoring",   "--normalizer",   "--positional", "--mask",       "--ffn",
          "--layernorm", "--temperature",  "--steps",      "--seed",       "--save DIR",
          "--log FILE",  "--summary FILE", "--gif FILE",   "--strip FILE", "--strip-steps N,N,..."})
        EXPECT_TRUE(contains(run.out, option)) << option;
    EXPECT_TRUE(run.err.empty()) << run.err;
    // The program's own help points to the command.
    const ProcessResult help = runProgram({kBinary, "--help"});
    EXPECT_TRUE(contains(help.out, "attention-lab train")) << help.out;
}

TEST_F(TrainCommand, TheSavedModelOpensWithModel) {
    ASSERT_EQ(train({"--task", "reverse", "--length", "3", "--layers", "2", "--heads", "2",
                     "--steps", "20", "--save", "model"})
                  .exitCode,
              0);
    // Its attention on the typed tokens, every trained layer × head, like any model folder's.
    RunExtras extras;
    extras.workingDirectory = m_dir.path().string();
    const ProcessResult run = runProgram(
        {kBinary, "--model", "model", "--sentence", "1 2 3 <s> 3 2", "--export-data", "maps.json"},
        {{"QT_QPA_PLATFORM", "offscreen"}}, std::chrono::seconds(60), extras);
    ASSERT_EQ(run.exitCode, 0) << describe(run);
    const nlohmann::json maps = nlohmann::json::parse(readFile(m_dir.file("maps.json")));
    EXPECT_EQ(maps.at("model").at("architecture"), "AttentionLabTransformer");
    EXPECT_EQ(maps.at("model").at("name"), "model");
    EXPECT_EQ(maps.at("tokens"), (std::vector<std::string>{"1", "2", "3", "<s>", "3", "2"}));
    ASSERT_EQ(maps.at("layers").size(), 2u);
    for (const nlohmann::json& layer : maps.at("layers")) {
        ASSERT_EQ(layer.at("heads").size(), 2u);
        for (const nlohmann::json& head : layer.at("heads")) {
            const auto weights = head.at("weights").get<std::vector<std::vector<double>>>();
            ASSERT_EQ(weights.size(), 6u);
            for (std::size_t i = 0; i < weights.size(); ++i) {
                double sum = 0.0;
                for (std::size_t j = 0; j < weights[i].size(); ++j) {
                    sum += weights[i][j];
                    if (j > i) {
                        EXPECT_EQ(weights[i][j], 0.0) << "causal: row " << i << " key " << j;
                    }
                }
                EXPECT_NEAR(sum, 1.0, 1e-5);
            }
        }
    }
    // A token the model never saw is read as <unk>, with a warning.
    const ProcessResult unknown = runProgram(
        {kBinary, "--model", "model", "--sentence", "1 cat", "--export-data", "unknown.json"},
        {{"QT_QPA_PLATFORM", "offscreen"}}, std::chrono::seconds(60), extras);
    EXPECT_EQ(unknown.exitCode, 0) << describe(unknown);
    EXPECT_TRUE(contains(unknown.err, "warning: some tokens are not in the vocabulary"))
        << unknown.err;
}

namespace {

struct GifFrames {
    int width = 0, height = 0;
    std::vector<std::vector<unsigned char>> frames;
};

// The GIF as giflib reads it: screen size and each frame's indices (every frame fills the screen).
GifFrames slurpGif(const std::string& path) {
    int error = 0;
    GifFileType* gif = DGifOpenFileName(path.c_str(), &error);
    GifFrames result;
    if (gif == nullptr) {
        ADD_FAILURE() << path << ": " << GifErrorString(error);
        return result;
    }
    EXPECT_EQ(DGifSlurp(gif), GIF_OK) << GifErrorString(gif->Error);
    result.width = gif->SWidth;
    result.height = gif->SHeight;
    for (int i = 0; i < gif->ImageCount; ++i) {
        const GifImageDesc& desc = gif->SavedImages[i].ImageDesc;
        EXPECT_EQ(desc.Width, gif->SWidth);
        EXPECT_EQ(desc.Height, gif->SHeight);
        const unsigned char* bits = gif->SavedImages[i].RasterBits;
        result.frames.emplace_back(bits, bits + static_cast<std::size_t>(desc.Width) * desc.Height);
    }
    DGifCloseFile(gif, &error);
    return result;
}

// Width and height of a PNG from its IHDR chunk.
std::pair<long, long> pngSize(const std::string& bytes) {
    if (bytes.size() < 24 || bytes.compare(0, 8, "\x89PNG\r\n\x1a\n") != 0 ||
        bytes.compare(12, 4, "IHDR") != 0) {
        ADD_FAILURE() << "not a PNG";
        return {0, 0};
    }
    const auto u32 = [&bytes](std::size_t at) {
        long value = 0;
        for (std::size_t i = 0; i < 4; ++i)
            value = value * 256 + static_cast<unsigned char>(bytes[at + i]);
        return value;
    };
    return {u32(16), u32(20)};
}

} // namespace

TEST_F(TrainCommand, ExportsTheLearningAsAGifAndAStrip) {
    const std::vector<std::string> args = {"--task",        "reverse",
                                           "--length",      "4",
                                           "--vocab",       "5",
                                           "--steps",       "40",
                                           "--gif",         "learning.gif",
                                           "--strip",       "strip.png",
                                           "--strip-steps", "40,0,5"};
    const ProcessResult run = train(args);
    ASSERT_EQ(run.exitCode, 0) << describe(run);
    EXPECT_TRUE(contains(run.err, "5 frames of the learning written to learning.gif")) << run.err;
    EXPECT_TRUE(contains(run.err, "strip of 3 steps written to strip.png")) << run.err;
    // One frame per snapshot: steps 0, 10, 20, 30 and 40.
    const GifFrames gif = slurpGif(m_dir.file("learning.gif"));
    ASSERT_EQ(gif.frames.size(), 5u);
    EXPECT_GT(gif.width, 0);
    EXPECT_GT(gif.height, 0);
    // The trained frame differs from the untrained one by more than its step number.
    std::size_t differing = 0;
    for (std::size_t i = 0; i < gif.frames.front().size(); ++i)
        differing += gif.frames.front()[i] != gif.frames.back()[i];
    EXPECT_GT(differing, 500u);
    // The strip: three frames of the GIF's size side by side, 8 pixels apart.
    const auto [width, height] = pngSize(readFile(m_dir.file("strip.png")));
    EXPECT_EQ(width, 3L * gif.width + 2 * 8);
    EXPECT_EQ(height, gif.height);
    // The same seed draws the same pictures.
    TempDir again;
    const ProcessResult second = train(args, again.path().string());
    ASSERT_EQ(second.exitCode, 0) << describe(second);
    EXPECT_EQ(readFile(again.file("learning.gif")), readFile(m_dir.file("learning.gif")));
    EXPECT_EQ(readFile(again.file("strip.png")), readFile(m_dir.file("strip.png")));
}

TEST_F(TrainCommand, TheStripWithoutChosenStepsShowsFourOfThem) {
    const ProcessResult run = train({"--steps", "40", "--strip", "strip.png"});
    ASSERT_EQ(run.exitCode, 0) << describe(run);
    // 0, 10, 20 and 40.
    EXPECT_TRUE(contains(run.err, "strip of 4 steps written to strip.png")) << run.err;
}

TEST_F(TrainCommand, BadExportsAreRefusedBeforeTraining) {
    const std::vector<std::pair<std::vector<std::string>, std::string>> usage = {
        {{"--strip", "s.png", "--strip-steps", "0,50"}, "--strip-steps: step 50 is outside 0 … 40"},
        {{"--strip", "s.png", "--strip-steps", "0,,5"}, "--strip-steps: '' is not a step"},
        {{"--strip-steps", "0,5"}, "--strip-steps: chooses the steps of a strip; give --strip"},

    };
    for (const auto& [args, expected] : usage) {
        std::vector<std::string> withSteps = args;
        withSteps.insert(withSteps.end(), {"--steps", "40"});
        const ProcessResult run = train(withSteps);
        EXPECT_EQ(run.exitCode, 2) << describe(run);
        EXPECT_TRUE(contains(run.err, "attention-lab: " + expected)) << expected << "\n" << run.err;
        EXPECT_TRUE(m_dir.entries().empty());
    }
    // A strip wider than 16384 pixels is refused before training.
    std::string many = "0";
    for (int step = 1; step <= 200; ++step)
        many += "," + std::to_string(step);
    const ProcessResult wide =
        train({"--steps", "1000000", "--strip", "s.png", "--strip-steps", many});
    EXPECT_EQ(wide.exitCode, 2) << describe(wide);
    EXPECT_TRUE(contains(wide.err, "--strip-steps: a strip of 201 steps would be")) << wide.err;
    EXPECT_TRUE(contains(wide.err, "(at most 16384); choose fewer steps")) << wide.err;
    EXPECT_FALSE(contains(wide.err, "step ")) << wide.err;
    const ProcessResult missing = train({"--steps", "1000000", "--gif", "missing/learning.gif"});
    EXPECT_EQ(missing.exitCode, 1) << describe(missing);
    EXPECT_TRUE(contains(missing.err, "--gif: cannot write missing/learning.gif")) << missing.err;
    EXPECT_FALSE(contains(missing.err, "step ")) << missing.err;
}

} // namespace test_train_command
