// Pretrained transformers behind the model seam (TransformerModel): text in, the folder's own
// tokenizer, every layer × head as attention maps, rollout, words, hidden special tokens and
// predictions. The GPT-2 fixture's reference (PyTorch, float64) ran on the ids its tokenizer
// gives TOKENIZED_SENTENCE of make_models.py, so a run from text is compared with it to 1e-4.

#include "core/attention/rollout.h"
#include "core/base/file_io.h"
#include "core/base/npy.h"
#include "core/pretrained/transformer_maps.h"

#include "eigen_testing.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>

using namespace attnlab::core;
namespace fs = std::filesystem;

namespace {

const std::string kRoot = ATTNLAB_PRETRAINED_FIXTURES;
const std::string kSentence = "The animal did not cross the street because it was too tired";

bool fixturesReady() {
    const fs::path status = fs::path(kRoot) / "status.json";
    if (!fs::exists(status))
        return false;
    return nlohmann::json::parse(readFileBytes(status.string(), 1 << 20)).value("torch", false);
}

#define REQUIRE_FIXTURES()                                                                         \
    do {                                                                                           \
        if (!fixturesReady())                                                                      \
            GTEST_SKIP() << "skipped: the reference models need PyTorch for /usr/bin/python3";     \
    } while (false)

std::string folderOf(const std::string& variant) {
    return (fs::path(kRoot) / variant).string();
}

Config sentenceConfig(const std::string& sentence) {
    Config config;
    config.sentence = sentence;
    return config;
}

NpyArray readReference(const std::string& variant, const std::string& file) {
    const fs::path path = fs::path(kRoot) / variant / "reference" / file;
    return parseNpy(readFileBytes(path.string(), 1u << 30), path.string());
}

} // namespace

TEST(TransformerModel, RunFromTextMatchesTheReferenceLayerByLayer) {
    REQUIRE_FIXTURES();
    const auto model = TransformerModel::load(folderOf("gpt2_lmhead_f32"));
    const nlohmann::json reference = nlohmann::json::parse(readFileBytes(
        (fs::path(kRoot) / "gpt2_lmhead_f32" / "reference" / "case.json").string(), 1 << 20));
    EXPECT_EQ(model->encode(kSentence).ids, reference.at("input_ids").get<std::vector<int>>());

    const ModelOutput output = model->run(sentenceConfig(kSentence));
    const AttentionMaps& maps = output.maps;
    const int n = static_cast<int>(reference.at("input_ids").size());
    ASSERT_EQ(maps.queries(), n);
    EXPECT_EQ(maps.layers, model->info().layers);
    EXPECT_EQ(maps.heads, model->info().heads);
    EXPECT_EQ(maps.queryTokens.front().text, "<|endoftext|>");
    EXPECT_TRUE(maps.queryTokens.front().special);
    EXPECT_EQ(maps.queryTokens[2].text, "animal");
    for (int layer = 0; layer < maps.layers; ++layer) {
        const NpyArray expected =
            readReference("gpt2_lmhead_f32", "plain_attn_" + std::to_string(layer) + ".npy");
        for (int head = 0; head < maps.heads; ++head) {
            const Matrix want = Eigen::Map<const Matrix>(
                expected.data.data() + static_cast<std::size_t>(head) * n * n, n, n);
            EXPECT_EIGEN_NEAR(maps.weightsOf(layer, head), want, 1e-4)
                << "layer " << layer << " head " << head;
        }
    }
    EXPECT_TRUE(output.capabilities.causal);
    EXPECT_FALSE(output.capabilities.hasTrace);
    EXPECT_FALSE(output.capabilities.attentionSettings);
    EXPECT_FALSE(output.trace.has_value());
    // Causal: nothing above the diagonal, and the mask says so.
    for (int q = 0; q < n; ++q)
        for (int k = 0; k < n; ++k)
            EXPECT_EQ(maps.allowed(q, k), k <= q);
    ASSERT_TRUE(maps.rollout.has_value());
    for (int q = 0; q < n; ++q)
        EXPECT_NEAR(maps.rollout->row(q).sum(), 1.0, 1e-5);
    // Next-token predictions at the last position, most probable first.
    ASSERT_EQ(output.predictions.size(), 1u);
    EXPECT_EQ(output.predictions[0].position, n - 1);
    ASSERT_EQ(output.predictions[0].top.size(), 10u);
    for (std::size_t i = 1; i < output.predictions[0].top.size(); ++i)
        EXPECT_GE(output.predictions[0].top[i - 1].probability,
                  output.predictions[0].top[i].probability);
}

TEST(TransformerModel, HiddenSpecialTokensLeaveTheirRowsAndColumnsOut) {
    REQUIRE_FIXTURES();
    const auto shown = TransformerModel::load(folderOf("gpt2_lmhead_f32"));
    TransformerSettings settings;
    settings.showSpecialTokens = false;
    const auto hidden = shown->withSettings(settings);
    const ModelOutput all = shown->run(sentenceConfig(kSentence));
    const ModelOutput some = hidden->run(sentenceConfig(kSentence));
    const int n = all.maps.queries();
    ASSERT_EQ(some.maps.queries(), n - 1);
    EXPECT_EQ(some.maps.queryTokens.front().text, "the");
    // The same weights, without the first row and column; rows then sum to less than 1.
    EXPECT_EIGEN_NEAR(some.maps.weightsOf(1, 2),
                      all.maps.weightsOf(1, 2).bottomRightCorner(n - 1, n - 1), 0);
    EXPECT_FALSE(some.maps.warnings.empty());
}

TEST(TransformerModel, WordsAggregateChineseCharactersAndBertFillsInMasks) {
    REQUIRE_FIXTURES();
    const auto pieces = TransformerModel::load(folderOf("bert_mlm_f32"));
    const std::string text = "我爱[MASK]度学习";
    const ModelOutput output = pieces->run(sentenceConfig(text));
    // [CLS] 我 爱 [MASK] 度 学 习 [SEP]: BERT splits CJK into characters.
    ASSERT_EQ(output.maps.queries(), 8);
    EXPECT_EQ(output.maps.queryTokens[0].text, "[CLS]");
    EXPECT_EQ(output.maps.queryTokens[3].text, "[MASK]");
    EXPECT_EQ(output.maps.queryTokens[7].text, "[SEP]");
    EXPECT_FALSE(output.capabilities.causal);
    EXPECT_TRUE(output.maps.allowed.all());
    ASSERT_EQ(output.predictions.size(), 1u);
    EXPECT_EQ(output.predictions[0].position, 3);
    EXPECT_FALSE(output.predictions[0].top.empty());

    TransformerSettings settings;
    settings.words = true;
    settings.segmentation = tokenizers::WordSegmentation::Dictionary;
    const ModelOutput words = pieces->withSettings(settings)->run(sentenceConfig("我爱深度学习"));
    // ICU: 我 / 爱 / 深度 / 学习, plus [CLS] and [SEP] as words of their own.
    std::vector<std::string> texts;
    for (const MapToken& token : words.maps.queryTokens)
        texts.push_back(token.text);
    EXPECT_EQ(texts, (std::vector<std::string>{"[CLS]", "我", "爱", "深度", "学习", "[SEP]"}));
    const ModelOutput piecesRun = pieces->run(sentenceConfig("我爱深度学习"));
    for (int layer = 0; layer < words.maps.layers; ++layer)
        for (int head = 0; head < words.maps.heads; ++head) {
            const Matrix& w = words.maps.weightsOf(layer, head);
            const Matrix& p = piecesRun.maps.weightsOf(layer, head);
            for (int q = 0; q < w.rows(); ++q)
                EXPECT_NEAR(w.row(q).sum(), 1.0, 1e-5);
            // 深度 (pieces 3, 4) → 学习 (pieces 5, 6): mean over 深, 度 of the sum over 学, 习.
            const double expected = 0.5 * (p(3, 5) + p(3, 6) + p(4, 5) + p(4, 6));
            EXPECT_NEAR(w(3, 4), expected, 1e-6);
        }
}

TEST(TransformerModel, InputsTheModelCannotTakeAreRefusedWithTheSentenceSetting) {
    REQUIRE_FIXTURES();
    const auto model = TransformerModel::load(folderOf("gpt2_lmhead_f32"));
    std::string longText;
    for (int i = 0; i < 60; ++i)
        longText += "cat ";
    try {
        model->run(sentenceConfig(longText));
        FAIL() << "a sentence longer than the model's positions was accepted";
    } catch (const InputError& error) {
        EXPECT_EQ(error.setting(), "sentence");
        EXPECT_NE(std::string(error.what()).find("at most 40"), std::string::npos) << error.what();
    }
    TransformerSettings settings;
    settings.showSpecialTokens = false;
    EXPECT_THROW(model->withSettings(settings)->run(sentenceConfig("")), InputError);
}

TEST(TransformerModel, AFolderWithoutTokenizerSaysWhatIsMissing) {
    REQUIRE_FIXTURES();
    try {
        TransformerModel::load(folderOf("gpt2_model_f16"));
        FAIL() << "a model folder without tokenizer files was accepted";
    } catch (const FileError& error) {
        EXPECT_NE(std::string(error.what()).find("tokenizer"), std::string::npos) << error.what();
    }
}
