// End-to-end tests of the attention-lab binary on the command line: the JSON export read back
// with QJsonDocument, every number of which is recomputed from the file's own inputs and matrices
// with plain per-cell loops in double precision (attention-math.md), without the core library,
// and the CSV and NPY exports against the JSON. Exit codes and messages are in
// test_cli_errors.cpp, images and runs without a display in test_cli_images.cpp.

#include "support/cli_export_testing.h"
#include "test_support.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>

#include <gtest/gtest.h>

#include <cstddef>
#include <cstring>
#include <string>
#include <vector>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_cli {

using namespace attnlab::testing::cli;

// ---- the worked case of the issue ---------------------------------------------------------------

TEST_F(CommandLine, ChineseSelfAttentionWithTwoHeadsAndCausalMask) {
    const std::string path = m_dir.file("out.json");
    const ProcessRun result = run(
        {"--sentence", "我爱深度学习", "--heads", "2", "--mask", "causal", "--export-data", path});
    ASSERT_EQ(result.exitCode, 0) << describe(result);
    EXPECT_EQ(result.out, "");
    EXPECT_EQ(result.err, "");
    EXPECT_EQ(m_dir.entries(), std::vector<std::string>{"out.json"});

    const QJsonObject root = parseJsonFile(path);
    EXPECT_EQ(stringOf(root, "format"), "attention-lab/1");
    const QJsonObject config = root.value("config").toObject();
    EXPECT_EQ(stringOf(config, "sentence"), "我爱深度学习");
    EXPECT_EQ(stringOf(config, "source"), "");
    EXPECT_EQ(stringOf(config, "scoring"), "scaled-dot");
    EXPECT_EQ(stringOf(config, "normalizer"), "softmax");
    EXPECT_EQ(config.value("temperature").toDouble(), 1.0);
    EXPECT_EQ(config.value("heads").toInt(), 2);
    EXPECT_EQ(config.value("d_model").toInt(), 64);
    EXPECT_EQ(config.value("d_k").toInt(), 32);
    EXPECT_EQ(stringOf(config, "mask"), "causal");
    EXPECT_EQ(stringOf(config, "positional"), "none");
    EXPECT_EQ(stringOf(config, "projection"), "identity");
    EXPECT_EQ(config.value("seed").toInt(), 42);
    EXPECT_EQ(stringOf(config, "tokenizer"), "word");
    EXPECT_EQ(config.value("cosine_scale").toDouble(), 10.0);
    EXPECT_EQ(stringOf(config.value("embeddings").toObject(), "source"), "builtin");

    const std::vector<std::string> tokens{"我", "爱", "深度", "学习"};
    EXPECT_EQ(stringsOf(root.value("query_tokens")), tokens);
    EXPECT_EQ(stringsOf(root.value("key_tokens")), tokens);
    EXPECT_TRUE(root.value("unknown_query_tokens").toArray().isEmpty());
    EXPECT_TRUE(root.value("fully_masked_rows").toArray().isEmpty());
    EXPECT_TRUE(root.value("warnings").toArray().isEmpty());

    // Shapes: every matrix of every head, and −∞ logits above the diagonal as null.
    const QJsonArray heads = root.value("heads").toArray();
    ASSERT_EQ(heads.size(), 2);
    for (const QJsonValue& value : heads) {
        const QJsonObject head = value.toObject();
        EXPECT_TRUE(head.value("scoring_params").toObject().isEmpty());
        for (const char* key : {"q", "k", "v", "context"}) {
            EXPECT_EQ(rows(matrixOf(head.value(key))), 4u) << key;
            EXPECT_EQ(cols(matrixOf(head.value(key))), 32u) << key;
        }
        const QJsonArray logits = head.value("logits").toArray();
        for (int i = 0; i < 4; ++i)
            for (int j = 0; j < 4; ++j)
                EXPECT_EQ(logits.at(i).toArray().at(j).isNull(), j > i) << i << "," << j;
    }
    EXPECT_EQ(rows(matrixOf(root.value("output"))), 4u);
    EXPECT_EQ(cols(matrixOf(root.value("output"))), 64u);
    // The first query sees only itself.
    EXPECT_EQ(matrixOf(heads.at(0).toObject().value("weights"))[0][0], 1.0);

    expectExportRecomputes(root);
}

// ---- cross-attention and other settings, each recomputed from the file --------------------------

class Recomputation : public CommandLine,
                      public ::testing::WithParamInterface<std::vector<std::string>> {};

TEST_P(Recomputation, EveryNumberFollowsFromTheFile) {
    std::vector<std::string> args = GetParam();
    const std::string path = m_dir.file("out.json");
    args.insert(args.end(), {"--export-data", path});
    const ProcessRun result = run(args);
    ASSERT_EQ(result.exitCode, 0) << describe(result);
    EXPECT_EQ(result.out, "");
    const QJsonObject root = parseJsonFile(path);
    expectExportRecomputes(root);
}

INSTANTIATE_TEST_SUITE_P(
    CommandLine, Recomputation,
    ::testing::Values(
        // Scenario 1 of seed 000 as cross-attention, random projections, general scoring.
        std::vector<std::string>{"--sentence", "I love deep learning", "--source", "我爱深度学习",
                                 "--heads", "4", "--scoring", "general", "--projection", "random",
                                 "--seed", "7", "--temperature", "0.5", "--positional",
                                 "sinusoidal"},
        std::vector<std::string>{"--sentence", "I love deep learning", "--source",
                                 "我 爱 深度 学习", "--heads", "2", "--scoring=additive",
                                 "--projection=random", "--mask=window:1", "--d-model=16"},
        std::vector<std::string>{"--sentence", "the cat sat", "--source", "猫 坐 在 垫子 上",
                                 "--scoring", "cosine", "--cosine-scale", "5", "--mask",
                                 "padding:7", "--d-model", "12", "--heads", "3"},
        std::vector<std::string>{"--sentence", "a b c d e", "--tokenizer", "whitespace",
                                 "--scoring", "dot", "--mask", "window:0", "--d-model", "8",
                                 "--d-k", "3", "--heads", "3", "--projection", "random"}));

TEST_F(CommandLine, CrossAttentionShapesAndTokens) {
    const std::string path = m_dir.file("cross.json");
    const ProcessRun result = run({"--sentence", "I love deep learning", "--source", "我爱深度学习",
                                   "--d-model", "16", "--export-data", path});
    ASSERT_EQ(result.exitCode, 0) << describe(result);
    const QJsonObject root = parseJsonFile(path);
    EXPECT_EQ(stringsOf(root.value("query_tokens")),
              (std::vector<std::string>{"I", "love", "deep", "learning"}));
    EXPECT_EQ(stringsOf(root.value("key_tokens")),
              (std::vector<std::string>{"我", "爱", "深度", "学习"}));
    EXPECT_EQ(stringOf(root.value("config").toObject(), "source"), "我爱深度学习");
    const Mat weights = matrixOf(root.value("heads").toArray().at(0).toObject().value("weights"));
    EXPECT_EQ(rows(weights), 4u);
    EXPECT_EQ(cols(weights), 4u);
}

// attention-math.md, worked example 3 (seed 000): translating 我爱深度学习, the query "love"
// weighs 爱 most with the built-in embeddings.
TEST_F(CommandLine, LoveAttendsToAiInTranslation) {
    const std::string path = m_dir.file("seed000.json");
    const ProcessRun result = run(
        {"--sentence", "I love deep learning", "--source", "我爱深度学习", "--export-data", path});
    ASSERT_EQ(result.exitCode, 0) << describe(result);
    const QJsonObject root = parseJsonFile(path);
    ASSERT_EQ(stringsOf(root.value("key_tokens"))[1], "爱");
    const QJsonObject head = root.value("heads").toArray().at(0).toObject();
    EXPECT_EQ(indicesOf(head.value("argmax"))[1], 1);
    expectExportRecomputes(root);
}

TEST_F(CommandLine, PaddingTokensAppearInTheKeysAndAreMasked) {
    const std::string path = m_dir.file("pad.json");
    const ProcessRun result = run(
        {"--sentence", "the cat", "--mask", "padding:4", "--d-model", "8", "--export-data", path});
    ASSERT_EQ(result.exitCode, 0) << describe(result);
    const QJsonObject root = parseJsonFile(path);
    EXPECT_EQ(stringsOf(root.value("key_tokens")),
              (std::vector<std::string>{"the", "cat", "[PAD]", "[PAD]"}));
    EXPECT_EQ(stringOf(root.value("config").toObject(), "mask"), "padding:4");
    expectExportRecomputes(root);
}

TEST_F(CommandLine, EmbeddingsFileSetsDModelAndIsNamedInTheConfig) {
    const std::string vectors = m_dir.file("vectors.txt");
    writeFile(vectors, "cat 0.5 -1.25 2 0.125\ndog 0.25 -1 1.5 0\nsat 1 0 -1 0.5\n");
    const std::string path = m_dir.file("out.json");
    const ProcessRun result = run({"--sentence", "cat dog sat", "--embeddings", vectors, "--heads",
                                   "2", "--export-data", path});
    ASSERT_EQ(result.exitCode, 0) << describe(result);
    EXPECT_EQ(result.err, "") << "no warning: --d-model was not given";
    const QJsonObject root = parseJsonFile(path);
    const QJsonObject config = root.value("config").toObject();
    EXPECT_EQ(stringOf(config.value("embeddings").toObject(), "source"), "file");
    EXPECT_EQ(stringOf(config.value("embeddings").toObject(), "path"), vectors);
    EXPECT_EQ(config.value("d_model").toInt(), 4);
    EXPECT_EQ(config.value("d_k").toInt(), 2);
    const Mat x = matrixOf(root.value("inputs").toObject().value("query_embeddings"));
    EXPECT_MATRIX_NEAR(x, (Mat{{0.5, -1.25, 2, 0.125}, {0.25, -1, 1.5, 0}, {1, 0, -1, 0.5}}));
    expectExportRecomputes(root);
}

TEST_F(CommandLine, ExplicitDModelThatDisagreesWithTheFileIsAWarning) {
    const std::string vectors = m_dir.file("vectors.txt");
    writeFile(vectors, "cat 0.5 -1.25 2 0.125\n");
    const ProcessRun result = run({"--sentence", "cat", "--embeddings", vectors, "--d-model", "32",
                                   "--export-data", m_dir.file("out.json")});
    ASSERT_EQ(result.exitCode, 0) << describe(result);
    EXPECT_EQ(result.err.rfind("attention-lab: warning: d_model is 4", 0), 0u) << result.err;
}

TEST_F(CommandLine, UnknownTokensAreListedAndWarnedAbout) {
    const std::string path = m_dir.file("out.json");
    const ProcessRun result =
        run({"--sentence", "the qqzxv cat", "--d-model", "8", "--export-data", path});
    ASSERT_EQ(result.exitCode, 0) << describe(result);
    EXPECT_EQ(result.out, "");
    EXPECT_EQ(result.err.rfind("attention-lab: warning: ", 0), 0u) << result.err;
    const QJsonObject root = parseJsonFile(path);
    EXPECT_EQ(indicesOf(root.value("unknown_query_tokens")), std::vector<int>{1});
    EXPECT_EQ(indicesOf(root.value("unknown_key_tokens")), std::vector<int>{1});
    EXPECT_EQ(root.value("warnings").toArray().size(), 1);
}

// ---- the other formats agree with the JSON ------------------------------------------------------

TEST_F(CommandLine, CsvAndNpyHoldTheSameWeightsAsTheJson) {
    const std::vector<std::string> settings{
        "--sentence", "say \"hi\", cat", "--heads", "2", "--d-model", "8", "--mask", "causal"};
    auto exportTo = [&](const std::string& name) {
        std::vector<std::string> args = settings;
        args.insert(args.end(), {"--export-data", m_dir.file(name)});
        const ProcessRun result = run(args);
        EXPECT_EQ(result.exitCode, 0) << describe(result);
    };
    exportTo("w.json");
    exportTo("w.csv");
    exportTo("w.npy");
    const QJsonObject root = parseJsonFile(m_dir.file("w.json"));
    const std::vector<std::string> tokens = stringsOf(root.value("query_tokens"));
    ASSERT_EQ(tokens, (std::vector<std::string>{"say", "\"", "hi", "\"", ",", "cat"}));
    const std::size_t n = tokens.size();

    // NPY: float32 data after the header, bit-identical to the 9-digit JSON numbers.
    const std::string npy = readFile(m_dir.file("w.npy"));
    ASSERT_EQ(npy.substr(0, 6), "\x93NUMPY");
    const std::size_t headerLength =
        static_cast<unsigned char>(npy[8]) |
        (static_cast<std::size_t>(static_cast<unsigned char>(npy[9])) << 8);
    EXPECT_NE(npy.find("'shape': (2, 6, 6)"), std::string::npos);
    ASSERT_EQ(npy.size(), 10 + headerLength + 2 * n * n * 4);
    const char* data = npy.data() + 10 + headerLength;
    std::string csvExpected;
    for (int h = 0; h < 2; ++h) {
        const Mat weights =
            matrixOf(root.value("heads").toArray().at(h).toObject().value("weights"));
        for (std::size_t i = 0; i < n; ++i) {
            for (std::size_t j = 0; j < n; ++j) {
                float value = 0.0f;
                std::memcpy(&value, data, 4); // the test machine is little-endian like the file
                data += 4;
                EXPECT_EQ(value, static_cast<float>(weights[i][j])) << h << "," << i << "," << j;
            }
        }
    }

    // CSV: the UTF-8 byte-order mark, quoted tokens, one block per head numbered from 1 as on
    // screen, a row per cell.
    const std::string csv = readFile(m_dir.file("w.csv"));
    EXPECT_EQ(
        csv.rfind("\xEF\xBB\xBFhead,query_index,query_token,key_index,key_token,weight\r\n", 0),
        0u);
    EXPECT_NE(csv.find("\r\n1,1,\"\"\"\",4,\",\",0\r\n"), std::string::npos) << csv;
    EXPECT_NE(csv.find("\r\n2,5,cat,5,cat,"), std::string::npos);
    std::size_t lines = 0;
    for (char c : csv)
        lines += c == '\n' ? 1 : 0;
    EXPECT_EQ(lines, 2 * (1 + n * n) + 1); // two headers, every cell, one blank line between
}

} // namespace test_cli
