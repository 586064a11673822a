// The worked-example presets reproduce their published numbers through runBuiltin(), and the
// fitting rules keep typed numbers when the sentence or the widths change.

#include "core/embeddings/embeddings.h"
#include "core/model/builtin_model.h"
#include "core/teaching/presets.h"

#include "eigen_testing.h"
#include "model_testing.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_presets {

using namespace attnlab::core;
using attnlab::testing::headOf;
using attnlab::testing::HeadView;

namespace {

std::string errorOf(auto fn) {
    try {
        fn();
    } catch (const InputError& error) {
        return error.what();
    }
    return "no InputError";
}

} // namespace

TEST(Presets, KeysRoundTrip) {
    ASSERT_EQ(allPresets().size(), 2u);
    for (Preset preset : allPresets())
        EXPECT_EQ(parsePreset(toString(preset)), preset);
    const std::string message = errorOf([] { parsePreset("seed-9"); });
    EXPECT_NE(message.find("seed001-zao-shang-hao"), std::string::npos) << message;
}

TEST(Presets, Seed001FirstRowIsPointFourPointFourPointTwo) {
    const Config config = presetConfig(Preset::ZaoShangHao);
    const ModelOutput r = runBuiltin(config);
    ASSERT_EQ(r.maps.queryTokens.size(), 3u);
    EXPECT_EQ(r.maps.queryTokens[0].text, "早");
    EXPECT_EQ(r.maps.queryTokens[1].text, "上");
    EXPECT_EQ(r.maps.queryTokens[2].text, "好");
    ASSERT_EQ(r.trace->heads.size(), 1u);
    const Matrix& a = r.maps.weights[0];
    EXPECT_NEAR(a(0, 0), 0.4, 1e-6);
    EXPECT_NEAR(a(0, 1), 0.4, 1e-6);
    EXPECT_NEAR(a(0, 2), 0.2, 1e-6);
    // softmax(XXᵀ)X: no scaling, identity projection, so the scores are the Gram matrix.
    const Matrix& x = config.manualQueryEmbeddings;
    EXPECT_EIGEN_NEAR(r.trace->heads[0].scores, Matrix(x * x.transpose()), 1e-6);
    EXPECT_EIGEN_NEAR(r.trace->heads[0].context, Matrix(a * x), 1e-6);
    // The seed's reading: 0.4 of the attention on 早 itself, 0.4 on 上, 0.2 on 好.
    EXPECT_EQ(r.maps.argmax[0][0], 0);
}

TEST(Presets, Seed003TheCatSatStepByStep) {
    const Config config = presetConfig(Preset::TheCatSat);
    const ModelOutput r = runBuiltin(config);
    ASSERT_EQ(r.maps.queryTokens.size(), 3u);
    EXPECT_EQ(r.maps.queryTokens[0].text, "The");
    EXPECT_EQ(r.maps.queryTokens[2].text, "sat");
    EXPECT_EQ(r.trace->dK, 4);
    const HeadView h = headOf(r, 0);
    Eigen::MatrixXf q(3, 4), scores(3, 3);
    q << 1, 0, 0.5, 0.5, //
        0, 2, 1, 1,      //
        1, 1, 1, 1;
    scores << 0.375, 1.25, 1.0, //
        1.25, 1.5, 2.0,         //
        1.0, 2.0, 2.0;
    EXPECT_EIGEN_NEAR(h.q, q, 1e-6);
    EXPECT_EIGEN_NEAR(h.scores, scores, 1e-6);
    EXPECT_NEAR(h.weights(0, 0), 0.189857, 1e-5);
    EXPECT_NEAR(h.weights(0, 1), 0.455443, 1e-5);
    EXPECT_NEAR(h.weights(0, 2), 0.354700, 1e-5);
    EXPECT_NEAR(h.context(0, 0), 0.905071, 1e-5);
    EXPECT_NEAR(h.context(2, 3), 0.866522, 1e-5);
}

TEST(FitManualEmbeddings, KeepsRowsOfKnownTokensAndFillsNewOnes) {
    Matrix old(3, 4);
    old << 1, 2, 3, 4, //
        5, 6, 7, 8,    //
        9, 10, 11, 12;
    const std::vector<std::string> before{"The", "cat", "sat"};
    const std::vector<std::string> after{"The", "black", "cat", "sat"};
    const Matrix fitted = fitManualEmbeddings(old, before, after, 4);
    ASSERT_EQ(fitted.rows(), 4);
    ASSERT_EQ(fitted.cols(), 4);
    EXPECT_EIGEN_NEAR(fitted.row(0), old.row(0), 0);
    EXPECT_EIGEN_NEAR(fitted.row(2), old.row(1), 0);
    EXPECT_EIGEN_NEAR(fitted.row(3), old.row(2), 0);
    // "black" is new: its lexicon vector, rounded to 2 decimals.
    const EmbeddingTable lexicon = builtinLexicon(4);
    const int index = lexicon.find("black");
    ASSERT_GE(index, 0) << "the lexicon should know 'black'";
    const RowVector expected = lexicon.vector(index);
    for (int c = 0; c < 4; ++c) {
        EXPECT_NEAR(fitted(1, c), expected(c), 0.005 + 1e-6);
        EXPECT_FLOAT_EQ(fitted(1, c) * 100.0f, std::round(fitted(1, c) * 100.0f));
    }
}

TEST(FitManualEmbeddings, RepeatedWordsKeepTheirOwnRowsAndWidthChanges) {
    Matrix old(3, 2);
    old << 1, 2, //
        3, 4,    //
        5, 6;
    const std::vector<std::string> tokens{"a", "b", "a"};
    const Matrix wider = fitManualEmbeddings(old, tokens, tokens, 3);
    Matrix expected(3, 3);
    expected << 1, 2, 0, //
        3, 4, 0,         //
        5, 6, 0;
    EXPECT_EIGEN_NEAR(wider, expected, 0);
    const Matrix narrower = fitManualEmbeddings(old, tokens, {"a", "a"}, 1);
    Matrix expectedNarrow(2, 1);
    expectedNarrow << 1, 5;
    EXPECT_EIGEN_NEAR(narrower, expectedNarrow, 0);
    // Width 1 has no lexicon: a new token gets zeros.
    const Matrix fresh = fitManualEmbeddings(old, tokens, {"zzz"}, 1);
    EXPECT_EQ(fresh(0, 0), 0.0f);
    EXPECT_NE(errorOf([&] { fitManualEmbeddings(old, tokens, tokens, 0); }), "no InputError");
}

TEST(FitManualEmbeddings, ResultFeedsTheBuiltinModel) {
    Config config = presetConfig(Preset::TheCatSat);
    const std::vector<std::string> before = tokenTexts(config.sentence, config);
    config.sentence = "The cat sat on the mat";
    const std::vector<std::string> after = tokenTexts(config.sentence, config);
    ASSERT_EQ(after.size(), 6u);
    config.manualQueryEmbeddings =
        fitManualEmbeddings(config.manualQueryEmbeddings, before, after, 4);
    const ModelOutput r = runBuiltin(config);
    EXPECT_EQ(r.maps.queryTokens.size(), 6u);
    // "The" and "the" are different tokens: only the first keeps its typed row.
    EXPECT_EIGEN_NEAR(r.trace->queryInputs.row(0),
                      presetConfig(Preset::TheCatSat).manualQueryEmbeddings.row(0), 0);
}

TEST(FitManualProjection, KeepsTheOverlapAndFillsLikeTheIdentitySlice) {
    Matrix old(2, 2);
    old << 2, 3, //
        4, 5;
    const Matrix fitted = fitManualProjection(old, 4, 2, 1);
    Matrix expected(4, 2);
    expected << 2, 3, //
        4, 5,         //
        1, 0,         //
        0, 1;
    EXPECT_EIGEN_NEAR(fitted, expected, 0);
    const Matrix fresh = fitManualProjection(Matrix(), 3, 2, 1); // rows (2 + c) mod 3
    Matrix expectedFresh(3, 2);
    expectedFresh << 0, 1, //
        0, 0,              //
        1, 0;
    EXPECT_EIGEN_NEAR(fresh, expectedFresh, 0);
    EXPECT_NE(errorOf([] { fitManualProjection(Matrix(), 0, 2, 0); }), "no InputError");
}

} // namespace test_presets
