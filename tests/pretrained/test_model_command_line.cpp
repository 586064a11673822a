// `attention-lab --model DIR` without the window: the JSON and .npy exports of a pretrained
// model against the PyTorch reference of make_models.py (which ran on the ids the folder's
// tokenizer gives its sentence), the options of "what if" runs, and the messages of mistakes.

#include "app/cli.h"
#include "core/base/file_io.h"
#include "core/base/npy.h"

#include "eigen_testing.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <sstream>

using namespace attnlab;
using namespace attnlab::core;
namespace fs = std::filesystem;

namespace {

const std::string kRoot = ATTNLAB_PRETRAINED_FIXTURES;
const std::string kSentence = "The animal did not cross the street because it was too tired";

bool fixturesReady() {
    const fs::path status = fs::path(kRoot) / "status.json";
    return fs::exists(status) &&
           nlohmann::json::parse(readFileBytes(status.string(), 1 << 20)).value("torch", false);
}

#define REQUIRE_FIXTURES()                                                                         \
    do {                                                                                           \
        if (!fixturesReady())                                                                      \
            GTEST_SKIP() << "skipped: the reference models need PyTorch for /usr/bin/python3";     \
    } while (false)

struct Outcome {
    int exit = 0;
    std::string err;
};

Outcome run(const std::vector<std::string>& args) {
    std::ostringstream out, err;
    const int exit = app::runCommandLine(args, out, err, {});
    return {exit, err.str()};
}

std::string gpt2() {
    return (fs::path(kRoot) / "gpt2_lmhead_f32").string();
}

NpyArray referenceLayer(int layer) {
    const fs::path path = fs::path(kRoot) / "gpt2_lmhead_f32" / "reference" /
                          ("plain_attn_" + std::to_string(layer) + ".npy");
    return parseNpy(readFileBytes(path.string(), 1u << 30), path.string());
}

struct TempDir {
    fs::path path =
        fs::temp_directory_path() /
        ("attnlab-model-cli-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
         "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    TempDir() { fs::create_directories(path); }
    ~TempDir() { fs::remove_all(path); }
};

} // namespace

TEST(ModelCommandLine, JsonExportMatchesTheReference) {
    REQUIRE_FIXTURES();
    TempDir dir;
    const std::string out = (dir.path / "gpt2.json").string();
    const Outcome result = run({"--model", gpt2(), "--sentence", kSentence, "--export-data", out});
    ASSERT_EQ(result.exit, 0) << result.err;
    const auto json = nlohmann::json::parse(readFileBytes(out, 1 << 26));
    EXPECT_EQ(json.at("format"), "attention-lab-model/1");
    EXPECT_EQ(json.at("model").at("architecture"), "GPT2LMHeadModel");
    const auto reference = nlohmann::json::parse(readFileBytes(
        (fs::path(kRoot) / "gpt2_lmhead_f32" / "reference" / "case.json").string(), 1 << 20));
    EXPECT_EQ(json.at("token_ids"), reference.at("input_ids"));
    const int layers = json.at("model").at("layers").get<int>();
    const int heads = json.at("model").at("heads").get<int>();
    ASSERT_EQ(json.at("layers").size(), static_cast<std::size_t>(layers));
    const int n = static_cast<int>(reference.at("input_ids").size());
    for (int l = 0; l < layers; ++l) {
        const NpyArray expected = referenceLayer(l);
        for (int h = 0; h < heads; ++h) {
            const auto& rows = json.at("layers")[l].at("heads")[h].at("weights");
            ASSERT_EQ(rows.size(), static_cast<std::size_t>(n));
            for (int q = 0; q < n; ++q)
                for (int k = 0; k < n; ++k)
                    ASSERT_NEAR(rows[q][k].get<double>(),
                                expected.data[static_cast<std::size_t>((h * n + q) * n + k)], 1e-4)
                        << "layer " << l << " head " << h << " cell " << q << ", " << k;
        }
    }
    EXPECT_EQ(json.at("rollout").size(), static_cast<std::size_t>(n));
    ASSERT_EQ(json.at("predictions").size(), 1u);
    EXPECT_EQ(json.at("predictions")[0].at("top").size(), 10u);
}

TEST(ModelCommandLine, NpyHoldsLayersHeadsTokensTokens) {
    REQUIRE_FIXTURES();
    TempDir dir;
    const std::string out = (dir.path / "gpt2.npy").string();
    ASSERT_EQ(run({"--model", gpt2(), "--sentence", kSentence, "--export-data", out}).exit, 0);
    const NpyArray array = parseNpy(readFileBytes(out, 1 << 26), out);
    ASSERT_EQ(array.shape, (std::vector<long>{3, 4, 13, 13}));
    const NpyArray expected = referenceLayer(2);
    for (std::size_t i = 0; i < expected.data.size(); ++i)
        ASSERT_NEAR(array.data[2 * 4 * 13 * 13 + i], expected.data[i], 1e-4) << i;
}

TEST(ModelCommandLine, WhatIfOptionsChangeLaterLayersOnly) {
    REQUIRE_FIXTURES();
    TempDir dir;
    const std::string plain = (dir.path / "plain.npy").string();
    const std::string ablated = (dir.path / "ablated.npy").string();
    ASSERT_EQ(run({"--model", gpt2(), "--sentence", kSentence, "--export-data", plain}).exit, 0);
    const Outcome result = run({"--model", gpt2(), "--sentence", kSentence, "--ablate", "1.2",
                                "--head-normalizer", "2=sparsemax", "--export-data", ablated});
    ASSERT_EQ(result.exit, 0) << result.err;
    const NpyArray a = parseNpy(readFileBytes(plain, 1 << 26), plain);
    const NpyArray b = parseNpy(readFileBytes(ablated, 1 << 26), ablated);
    const std::size_t layer = 4 * 13 * 13;
    // Layer 1 is unchanged (ablation changes its output, not its weights); layer 2 now uses
    // sparsemax, which gives exact zeros.
    for (std::size_t i = 0; i < layer; ++i)
        ASSERT_EQ(a.data[i], b.data[i]) << i;
    int zeros = 0;
    for (std::size_t i = layer; i < 2 * layer; ++i)
        zeros += b.data[i] == 0.0f && a.data[i] != 0.0f;
    EXPECT_GT(zeros, 0);
}

TEST(ModelCommandLine, MistakesAreNamed) {
    REQUIRE_FIXTURES();
    TempDir dir;
    const std::string out = (dir.path / "x.json").string();
    Outcome result = run({"--model", dir.path.string(), "--export-data", out});
    EXPECT_EQ(result.exit, 1);
    EXPECT_NE(result.err.find("config.json"), std::string::npos) << result.err;
    result = run({"--model", gpt2(), "--ablate", "0.1", "--export-data", out});
    EXPECT_EQ(result.exit, 2);
    EXPECT_NE(result.err.find("--ablate"), std::string::npos) << result.err;
    result = run({"--model", gpt2(), "--head-temperature", "1.1", "--export-data", out});
    EXPECT_EQ(result.exit, 2);
    EXPECT_NE(result.err.find("LAYER.HEAD=VALUE"), std::string::npos) << result.err;
    result = run({"--model", gpt2(), "--ablate", "9.1", "--export-data", out});
    EXPECT_EQ(result.exit, 1);
    EXPECT_NE(result.err.find("layer"), std::string::npos) << result.err;
    EXPECT_FALSE(fs::exists(out));
}
