// The whole pipeline through runBuiltin() (attention-math.md, all sections): the worked examples,
// multi-head shapes and projections, the settings that are refused, and the variance argument for
// scaling by √d_k, each checked against a straightforward per-cell loop in double precision.
// Manual embeddings keep these tests independent of the built-in lexicon, except the seed-000
// scenario which is about that lexicon. Cross-attention, logits, masks and positional encodings
// through the pipeline are in test_attention_pipeline.cpp.

#include "core/attention/options.h"
#include "core/attention/scoring.h"
#include "core/base/random.h"
#include "core/base/types.h"
#include "core/model/builtin_model.h"

#include "model_testing.h"
#include "support/pipeline_reference.h"
#include "test_support.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_attention {

using attnlab::core::Config;
using attnlab::core::EmbeddingSource;
using attnlab::core::InputError;
using attnlab::core::maskedLogits;
using attnlab::core::MaskKind;
using attnlab::core::MaskSpec;
using attnlab::core::Matrix;
using attnlab::core::ModelOutput;
using attnlab::core::Normalizer;
using attnlab::core::PositionalEncoding;
using attnlab::core::ProjectionInit;
using attnlab::core::Random;
using attnlab::core::runBuiltin;
using attnlab::core::ScoringFunction;
using attnlab::core::ScoringParams;
using attnlab::core::TokenizerMode;
using attnlab::core::validate;
using attnlab::testing::errorMessageOf;
using attnlab::testing::headOf;
using attnlab::testing::headsOf;
using attnlab::testing::HeadView;
using namespace attnlab::testing::pipeline;

// ---- worked examples -------------------------------------------------------------------------

TEST(WorkedExample, Seed001ZaoShangHao) {
    // softmax(XXᵀ)X with a first row of weights 0.4, 0.4, 0.2. With x0 = (1, 0), x1 = (1, 1),
    // x2 = (1 − ln 2, 0.5): x0·x0 = 1 = x0·x1 and x0·x0 − x0·x2 = ln 2, so the first row of
    // exp(XXᵀ) is proportional to (1, 1, ½) → (0.4, 0.4, 0.2).
    const double ln2 = std::log(2.0);
    Matrix x(3, 2);
    x << 1.0f, 0.0f, //
        1.0f, 1.0f,  //
        static_cast<float>(1.0 - ln2), 0.5f;
    Config config = manualConfig(x);
    config.sentence = "早上好";
    config.tokenizer.mode = TokenizerMode::Char;
    config.scoring = ScoringFunction::Dot;
    config.heads = 1;
    config.projection = ProjectionInit::Identity;

    const ModelOutput r = runBuiltin(config);
    ASSERT_EQ(r.maps.queryTokens.size(), 3u) << tokenList(r.maps.queryTokens);
    EXPECT_EQ(r.maps.queryTokens[0].text, "早");
    EXPECT_EQ(r.maps.queryTokens[1].text, "上");
    EXPECT_EQ(r.maps.queryTokens[2].text, "好");
    EXPECT_EQ(r.trace->dK, 2);
    ASSERT_EQ(r.trace->heads.size(), 1u);
    const HeadView head = headOf(r, 0);

    ASSERT_EQ(head.weights.rows(), 3);
    ASSERT_EQ(head.weights.cols(), 3);
    EXPECT_NEAR(head.weights(0, 0), 0.4, 1e-5);
    EXPECT_NEAR(head.weights(0, 1), 0.4, 1e-5);
    EXPECT_NEAR(head.weights(0, 2), 0.2, 1e-5);

    // The whole of softmax(XXᵀ) and A X by hand loops.
    Reference gram(3, 3);
    for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j)
            gram(i, j) = rowDot(x, i, x, j);
    EXPECT_EIGEN_NEAR(head.scores, gram, kTolerance);
    const Reference a = loopSoftmax(gram);
    EXPECT_EIGEN_NEAR(head.weights, a, kTolerance);
    const Reference context = productD(a, x);
    EXPECT_EIGEN_NEAR(head.context, context, kTolerance);
    // First context row by hand: 0.4·x0 + 0.4·x1 + 0.2·x2.
    EXPECT_NEAR(head.context(0, 0), 0.4 + 0.4 + 0.2 * (1.0 - ln2), 1e-5);
    EXPECT_NEAR(head.context(0, 1), 0.4 + 0.1, 1e-5);
    // W_o is the identity: the output is the context.
    EXPECT_EIGEN_NEAR(r.trace->output, context, kTolerance);
}

TEST(WorkedExample, Seed003TheCatSat) {
    Matrix x(3, 4), wq(4, 4), wk(4, 4), wv(4, 4);
    x << 0.5f, 0.0f, 0.5f, 0.0f, //
        0.0f, 1.0f, 0.0f, 1.0f,  //
        0.5f, 0.5f, 0.5f, 0.5f;
    wq << 1, 0, 0, 1, //
        0, 1, 1, 0,   //
        1, 0, 1, 0,   //
        0, 1, 0, 1;
    wk << 0, 1, 0, 1, //
        1, 0, 1, 0,   //
        1, 1, 0, 0,   //
        0, 0, 1, 1;
    wv << 1, 0, 0, 2, //
        0, 1, 0, 0,   //
        0, 0, 1, 1,   //
        1, 0, -1, 0;
    Config config = manualConfig(x);
    config.sentence = "The cat sat";
    config.tokenizer.mode = TokenizerMode::Word;
    config.scoring = ScoringFunction::ScaledDot;
    config.projection = ProjectionInit::Manual;
    config.manual.wq = {wq};
    config.manual.wk = {wk};
    config.manual.wv = {wv};

    const ModelOutput r = runBuiltin(config);
    ASSERT_EQ(r.maps.queryTokens.size(), 3u) << tokenList(r.maps.queryTokens);
    EXPECT_EQ(r.maps.queryTokens[1].text, "cat");
    ASSERT_EQ(r.trace->heads.size(), 1u);
    const HeadView head = headOf(r, 0);

    // Step 1: Q = X W_Q, K = X W_K, V = X W_V, worked by hand.
    Reference q(3, 4), k(3, 4), v(3, 4);
    q << 1, 0, 0.5, 0.5, //
        0, 2, 1, 1,      //
        1, 1, 1, 1;
    k << 0.5, 1, 0, 0.5, //
        1, 0, 2, 1,      //
        1, 1, 1, 1;
    v << 0.5, 0, 0.5, 1.5, //
        1, 1, -1, 0,       //
        1, 0.5, 0, 1.5;
    EXPECT_EIGEN_NEAR(head.q, q, 1e-6);
    EXPECT_EIGEN_NEAR(head.k, k, 1e-6);
    EXPECT_EIGEN_NEAR(head.v, v, 1e-6);
    EXPECT_EIGEN_NEAR(head.q, product(x, wq), 1e-6);
    EXPECT_EIGEN_NEAR(head.k, product(x, wk), 1e-6);
    EXPECT_EIGEN_NEAR(head.v, product(x, wv), 1e-6);

    // Step 2: scores Q Kᵀ / √4, then softmax row by row.
    Reference scores(3, 3);
    scores << 0.375, 1.25, 1.0, //
        1.25, 1.5, 2.0,         //
        1.0, 2.0, 2.0;
    EXPECT_EIGEN_NEAR(head.scores, scores, 1e-6);
    Reference loopScoresMatrix(3, 3);
    for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j)
            loopScoresMatrix(i, j) = [&] {
                double s = 0.0;
                for (int c = 0; c < 4; ++c)
                    s += q(i, c) * k(j, c);
                return s / 2.0;
            }();
    EXPECT_EIGEN_NEAR(head.scores, loopScoresMatrix, 1e-6);

    const Reference a = loopSoftmax(scores);
    EXPECT_EIGEN_NEAR(head.weights, a, 1e-5);
    EXPECT_NEAR(head.weights(0, 0), 0.189857, 1e-5);
    EXPECT_NEAR(head.weights(0, 1), 0.455443, 1e-5);
    EXPECT_NEAR(head.weights(0, 2), 0.354700, 1e-5);
    EXPECT_NEAR(head.weights(2, 1), head.weights(2, 2), 1e-6) << "equal scores, equal weights";

    // Step 3: context = A V.
    Reference context(3, 4);
    for (int i = 0; i < 3; ++i)
        for (int c = 0; c < 4; ++c) {
            double s = 0.0;
            for (int j = 0; j < 3; ++j)
                s += a(i, j) * v(j, c);
            context(i, c) = s;
        }
    EXPECT_EIGEN_NEAR(head.context, context, 1e-5);
    EXPECT_NEAR(head.context(0, 0), 0.905071, 1e-5);
    EXPECT_NEAR(head.context(1, 2), -0.178146, 1e-5);
    EXPECT_NEAR(head.context(2, 3), 0.866522, 1e-5);
    // No W_o given: identity-like, so the output is the context.
    EXPECT_EIGEN_NEAR(r.trace->output, context, 1e-5);
}

// ---- multi-head projections ------------------------------------------------------------------

TEST(MultiHead, IdentitySlicesReadTheirDimensions) {
    const Matrix x = randomMatrix(5, 8, 1);
    for (int heads : {1, 2, 4, 8}) {
        Config config = manualConfig(x);
        config.heads = heads;
        const ModelOutput r = runBuiltin(config);
        const int dK = 8 / heads;
        ASSERT_EQ(r.trace->dK, dK);
        ASSERT_EQ(static_cast<int>(r.trace->heads.size()), heads);
        for (int h = 0; h < heads; ++h) {
            SCOPED_TRACE(::testing::Message() << "H = " << heads << ", head " << h);
            const HeadView head = headOf(r, h);
            Reference slice(5, dK);
            for (int i = 0; i < 5; ++i)
                for (int c = 0; c < dK; ++c)
                    slice(i, c) = x(i, h * dK + c);
            EXPECT_EIGEN_NEAR(head.q, slice, 0.0);
            EXPECT_EIGEN_NEAR(head.k, slice, 0.0);
            EXPECT_EIGEN_NEAR(head.v, slice, 0.0);
            Reference selection = Reference::Zero(8, dK);
            for (int c = 0; c < dK; ++c)
                selection(h * dK + c, c) = 1.0;
            EXPECT_EIGEN_NEAR(head.wq, selection, 0.0);
            EXPECT_EIGEN_NEAR(head.wk, selection, 0.0);
            EXPECT_EIGEN_NEAR(head.wv, selection, 0.0);
        }
        // Identity slices and identity W_o: the output is the concatenated contexts.
        EXPECT_EIGEN_NEAR(r.trace->output, concatenatedContexts(r), kTolerance);
    }
}

TEST(MultiHead, RandomProjectionIsDeterministicPerSeed) {
    const Matrix x = randomMatrix(4, 8, 2);
    Config config = manualConfig(x);
    config.heads = 2;
    config.projection = ProjectionInit::Random;
    config.seed = 7;
    const ModelOutput a = runBuiltin(config);
    const ModelOutput b = runBuiltin(config);
    config.seed = 8;
    const ModelOutput c = runBuiltin(config);
    for (std::size_t h = 0; h < 2; ++h) {
        EXPECT_EIGEN_NEAR(a.trace->heads[h].wq, b.trace->heads[h].wq, 0.0);
        EXPECT_EIGEN_NEAR(a.trace->heads[h].wk, b.trace->heads[h].wk, 0.0);
        EXPECT_EIGEN_NEAR(a.trace->heads[h].wv, b.trace->heads[h].wv, 0.0);
        EXPECT_EIGEN_NEAR(a.maps.weights[h], b.maps.weights[h], 0.0);
        EXPECT_FALSE(a.trace->heads[h].wq.isApprox(c.trace->heads[h].wq))
            << "seed 7 and 8 give the same W_q";
        EXPECT_FALSE(a.trace->heads[h].wk.isApprox(c.trace->heads[h].wk))
            << "seed 7 and 8 give the same W_k";
        EXPECT_FALSE(a.trace->heads[h].wv.isApprox(c.trace->heads[h].wv))
            << "seed 7 and 8 give the same W_v";
        EXPECT_EQ(a.trace->heads[h].wq.rows(), 8);
        EXPECT_EQ(a.trace->heads[h].wq.cols(), 4);
        // Q_h = X W_q^h, K_h = X W_k^h, V_h = X W_v^h.
        EXPECT_EIGEN_NEAR(a.trace->heads[h].q, product(x, a.trace->heads[h].wq), kTolerance);
        EXPECT_EIGEN_NEAR(a.trace->heads[h].k, product(x, a.trace->heads[h].wk), kTolerance);
        EXPECT_EIGEN_NEAR(a.trace->heads[h].v, product(x, a.trace->heads[h].wv), kTolerance);
    }
    EXPECT_EIGEN_NEAR(a.trace->output, b.trace->output, 0.0);
    EXPECT_FALSE(a.trace->heads[0].wq.isApprox(a.trace->heads[1].wq))
        << "both heads got the same W_q";
    EXPECT_FALSE(a.trace->heads[0].wq.isApprox(a.trace->heads[0].wk))
        << "W_q and W_k are the same matrix";
}

TEST(MultiHead, RandomProjectionIsXavierNormal) {
    // Entries N(0, 1/d_model): d_model = 64, one head, 64×64 = 4096 entries per matrix.
    const Matrix x = randomMatrix(3, 64, 3);
    Config config = manualConfig(x);
    config.projection = ProjectionInit::Random;
    const ModelOutput r = runBuiltin(config);
    for (const Matrix* w : {&r.trace->heads[0].wq, &r.trace->heads[0].wk, &r.trace->heads[0].wv}) {
        double sum = 0.0, squares = 0.0;
        for (int i = 0; i < w->rows(); ++i)
            for (int j = 0; j < w->cols(); ++j) {
                sum += (*w)(i, j);
                squares += static_cast<double>((*w)(i, j)) * (*w)(i, j);
            }
        const double n = static_cast<double>(w->size());
        const double mean = sum / n;
        EXPECT_NEAR(mean, 0.0, 0.01);
        EXPECT_NEAR(squares / n - mean * mean, 1.0 / 64, 0.15 / 64);
    }
}

TEST(MultiHead, ManualOutputProjection) {
    const Matrix x = randomMatrix(3, 4, 4);
    Config config = manualConfig(x);
    config.heads = 2;
    config.projection = ProjectionInit::Manual;
    for (int h = 0; h < 2; ++h) {
        config.manual.wq.push_back(randomMatrix(4, 2, 10 + static_cast<std::uint64_t>(h)));
        config.manual.wk.push_back(randomMatrix(4, 2, 20 + static_cast<std::uint64_t>(h)));
        config.manual.wv.push_back(randomMatrix(4, 2, 30 + static_cast<std::uint64_t>(h)));
    }
    config.manual.wo = randomMatrix(4, 4, 40);
    const ModelOutput r = runBuiltin(config);
    EXPECT_EIGEN_NEAR(r.trace->wo, *config.manual.wo, 0.0);
    for (int h = 0; h < 2; ++h) {
        const HeadView head = headOf(r, h);
        const HeadReference ref = referenceHead(r, head, h);
        EXPECT_EIGEN_NEAR(head.q, ref.q, kTolerance);
        EXPECT_EIGEN_NEAR(head.weights, ref.weights, kTolerance);
        EXPECT_EIGEN_NEAR(head.context, ref.context, kTolerance);
    }
    // O = [C_1 C_2] W_o.
    EXPECT_EIGEN_NEAR(r.trace->output, productD(concatenatedContexts(r), *config.manual.wo),
                      kTolerance);
}

// ---- settings that must be refused -----------------------------------------------------------

TEST(Validate, DModelNotDivisibleByHeads) {
    const Matrix x = randomMatrix(3, 10, 5);
    Config config = manualConfig(x);
    config.heads = 3;
    EXPECT_THROW(runBuiltin(config), InputError);

    Config builtin;
    builtin.dModel = 10;
    builtin.heads = 3;
    EXPECT_THROW(runBuiltin(builtin), InputError);
    // Config::dK: "0 (default) = d_model / H, must divide" — a setting validate() can check.
    EXPECT_THROW(validate(builtin), InputError) << "validate accepts d_model 10 with 3 heads";

    // With d_k set explicitly it is not an error.
    config.dK = 4;
    EXPECT_NO_THROW(runBuiltin(config));
}

TEST(Validate, HeadsOutOfRange) {
    const Matrix x = randomMatrix(3, 16, 6);
    for (int heads : {0, 17, -1}) {
        Config config = manualConfig(x);
        config.heads = heads;
        EXPECT_THROW(validate(config), InputError) << "H = " << heads;
        EXPECT_THROW(runBuiltin(config), InputError) << "H = " << heads;
    }
    for (int heads : {1, 16}) {
        Config config = manualConfig(x);
        config.heads = heads;
        EXPECT_NO_THROW(validate(config)) << "H = " << heads;
        EXPECT_NO_THROW(runBuiltin(config)) << "H = " << heads;
    }
}

TEST(Validate, TemperatureMustBePositive) {
    const Matrix x = randomMatrix(3, 4, 7);
    for (float t : {0.0f, -1.0f, -1e-3f, std::numeric_limits<float>::quiet_NaN()}) {
        Config config = manualConfig(x);
        config.temperature = t;
        EXPECT_THROW(validate(config), InputError) << "T = " << t;
        EXPECT_THROW(runBuiltin(config), InputError) << "T = " << t;
    }
}

TEST(Validate, CausalInCrossAttention) {
    Config config = manualConfig(randomMatrix(3, 4, 8), randomMatrix(5, 4, 9));
    config.mask.kind = MaskKind::Causal;
    EXPECT_THROW(runBuiltin(config), InputError);
}

TEST(Validate, ErrorsNameTheSetting) {
    Config config = manualConfig(randomMatrix(3, 4, 10));
    config.heads = 17;
    const std::string message = errorMessageOf<InputError>([&] { validate(config); });
    EXPECT_NE(message.find("head"), std::string::npos) << message;
}
// ---- the √d_k argument (seed 000) ------------------------------------------------------------

TEST(ScaledDotVariance, DotProductVarianceGrowsWithDkAndScalingRemovesIt) {
    // q, k with independent N(0, 1) entries: Var(q·k) = d_k; Var(q·k / √d_k) = 1. 4000 pairs per
    // width, scored by the core in blocks of 100 (the diagonal of each block pairs q_i with k_i).
    constexpr int kBlocks = 40, kBlock = 100;
    for (int dK : {4, 16, 64, 256}) {
        Random rng(static_cast<std::uint64_t>(1000 + dK));
        std::vector<double> dots, scaled;
        for (int b = 0; b < kBlocks; ++b) {
            const Matrix q = rng.normalMatrix(kBlock, dK, 1.0);
            const Matrix k = rng.normalMatrix(kBlock, dK, 1.0);
            const ScoringParams params =
                attnlab::core::makeScoringParams(ScoringFunction::Dot, dK, 0, false, 10.0f, 1, 0);
            const Matrix s = attnlab::core::computeScores(ScoringFunction::Dot, q, k, params);
            const Matrix t = attnlab::core::computeScores(ScoringFunction::ScaledDot, q, k, params);
            for (int i = 0; i < kBlock; ++i) {
                dots.push_back(s(i, i));
                scaled.push_back(t(i, i));
                EXPECT_NEAR(s(i, i), rowDot(q, i, k, i),
                            1e-4 * std::max(1.0, std::abs(static_cast<double>(s(i, i)))));
            }
        }
        auto variance = [](const std::vector<double>& values) {
            double mean = 0.0;
            for (double v : values)
                mean += v;
            mean /= static_cast<double>(values.size());
            double sum = 0.0;
            for (double v : values)
                sum += (v - mean) * (v - mean);
            return sum / static_cast<double>(values.size() - 1);
        };
        const double raw = variance(dots), normalised = variance(scaled);
        EXPECT_NEAR(raw, dK, 0.15 * dK) << "Var(q·k) for d_k = " << dK;
        EXPECT_NEAR(normalised, 1.0, 0.15) << "Var(q·k/√d_k) for d_k = " << dK;
    }
}

// ---- seed 000: the built-in lexicon ----------------------------------------------------------

TEST(WorkedExample, Seed000LoveAttendsToAi) {
    // Cross-attention 我 爱 深度 学习 → I love deep learning, built-in embeddings, one head,
    // scaled-dot: the query "love" must weigh 爱 most. Depends on the tokenizer and the lexicon.
    Config config;
    config.embeddings = EmbeddingSource::Builtin;
    config.sentence = "I love deep learning";
    config.source = "我爱深度学习";
    config.heads = 1;
    config.scoring = ScoringFunction::ScaledDot;
    const ModelOutput r = runBuiltin(config);
    const int love = indexOfToken(r.maps.queryTokens, "love");
    const int ai = indexOfToken(r.maps.keyTokens, "爱");
    ASSERT_GE(love, 0) << "no query token 'love' in " << tokenList(r.maps.queryTokens);
    ASSERT_GE(ai, 0) << "no key token '爱' in " << tokenList(r.maps.keyTokens);
    EXPECT_FALSE(r.maps.queryTokens[static_cast<std::size_t>(love)].unknown)
        << "'love' is not in the lexicon";
    EXPECT_FALSE(r.maps.keyTokens[static_cast<std::size_t>(ai)].unknown)
        << "'爱' is not in the lexicon";
    const HeadView head = headOf(r, 0);
    EXPECT_EQ(head.argmax[static_cast<std::size_t>(love)], ai)
        << "the row of 'love' is " << head.weights.row(love) << " over "
        << tokenList(r.maps.keyTokens);
    int best = 0;
    for (int j = 1; j < head.weights.cols(); ++j)
        if (head.weights(love, j) > head.weights(love, best))
            best = j;
    EXPECT_EQ(best, ai) << "the row of 'love' is " << head.weights.row(love);
}

} // namespace test_attention
