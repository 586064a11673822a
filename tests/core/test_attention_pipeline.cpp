// The pipeline through runBuiltin() (attention-math.md, all sections): cross-attention shapes,
// every scoring function, combined weights, entropy and argmax, logits with temperature and ALiBi,
// masks (causal, window, padding, fully masked rows) and positional encodings, each checked
// against a straightforward per-cell loop in double precision on manual embeddings.

#include "core/attention/options.h"
#include "core/attention/scoring.h"
#include "core/base/types.h"
#include "core/model/builtin_model.h"

#include "model_testing.h"
#include "support/pipeline_reference.h"
#include "test_support.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_attention_pipeline {

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
using attnlab::testing::headOf;
using attnlab::testing::headsOf;
using attnlab::testing::HeadView;
using namespace attnlab::testing::pipeline;

// ---- cross-attention and the full pipeline ---------------------------------------------------

TEST(Pipeline, CrossAttentionShapes) {
    const int nq = 3, nk = 5, dModel = 6, heads = 2, dK = 3;
    Config config = manualConfig(randomMatrix(nq, dModel, 11), randomMatrix(nk, dModel, 12));
    config.heads = heads;
    config.projection = ProjectionInit::Random;
    const ModelOutput r = runBuiltin(config);
    EXPECT_TRUE(r.maps.cross);
    EXPECT_EQ(r.maps.queryTokens.size(), static_cast<std::size_t>(nq));
    EXPECT_EQ(r.maps.keyTokens.size(), static_cast<std::size_t>(nk));
    ASSERT_EQ(r.trace->heads.size(), static_cast<std::size_t>(heads));
    for (const HeadView& head : headsOf(r)) {
        EXPECT_EQ(head.q.rows(), nq);
        EXPECT_EQ(head.q.cols(), dK);
        EXPECT_EQ(head.k.rows(), nk);
        EXPECT_EQ(head.k.cols(), dK);
        EXPECT_EQ(head.v.rows(), nk);
        EXPECT_EQ(head.v.cols(), dK);
        EXPECT_EQ(head.scores.rows(), nq);
        EXPECT_EQ(head.scores.cols(), nk);
        EXPECT_EQ(head.logits.rows(), nq);
        EXPECT_EQ(head.logits.cols(), nk);
        EXPECT_EQ(head.weights.rows(), nq);
        EXPECT_EQ(head.weights.cols(), nk);
        EXPECT_EQ(head.context.rows(), nq);
        EXPECT_EQ(head.context.cols(), dK);
        EXPECT_EQ(head.entropy.size(), nq);
        EXPECT_EQ(head.argmax.size(), static_cast<std::size_t>(nq));
    }
    EXPECT_EQ(r.maps.mean[0].rows(), nq);
    EXPECT_EQ(r.maps.mean[0].cols(), nk);
    EXPECT_EQ(r.maps.max[0].rows(), nq);
    EXPECT_EQ(r.maps.max[0].cols(), nk);
    EXPECT_EQ(r.trace->wo.rows(), heads * dK);
    EXPECT_EQ(r.trace->wo.cols(), dModel);
    EXPECT_EQ(r.trace->output.rows(), nq);
    EXPECT_EQ(r.trace->output.cols(), dModel);
    EXPECT_EQ(r.maps.allowed.rows(), nq);
    EXPECT_EQ(r.maps.allowed.cols(), nk);
}

TEST(Pipeline, EveryScoringFunctionMatchesLoops) {
    for (ScoringFunction scoring : attnlab::core::allScoringFunctions()) {
        for (bool cross : {false, true}) {
            SCOPED_TRACE(::testing::Message()
                         << attnlab::core::toString(scoring) << (cross ? ", cross" : ", self"));
            const Matrix xq = randomMatrix(4, 8, 13);
            Config config = cross ? manualConfig(xq, randomMatrix(6, 8, 14)) : manualConfig(xq);
            config.heads = 2;
            config.scoring = scoring;
            config.projection = ProjectionInit::Random;
            config.temperature = 0.7f;
            config.seed = 1234;
            const ModelOutput r = runBuiltin(config);
            EXPECT_EIGEN_NEAR(r.trace->queryInputs, xq, 0.0);
            for (int h = 0; h < 2; ++h) {
                SCOPED_TRACE(::testing::Message() << "head " << h);
                const HeadView head = headOf(r, h);
                const HeadReference ref = referenceHead(r, head, h);
                EXPECT_EIGEN_NEAR(head.q, ref.q, kTolerance);
                EXPECT_EIGEN_NEAR(head.k, ref.k, kTolerance);
                EXPECT_EIGEN_NEAR(head.v, ref.v, kTolerance);
                EXPECT_EIGEN_NEAR(head.scores, ref.scores, kTolerance);
                EXPECT_EIGEN_NEAR(head.logits, ref.logits, kTolerance);
                EXPECT_EIGEN_NEAR(head.weights, ref.weights, kTolerance);
                EXPECT_EIGEN_NEAR(head.context, ref.context, kTolerance);
            }
            EXPECT_EIGEN_NEAR(r.trace->output, productD(concatenatedContexts(r), r.trace->wo),
                              kTolerance);
            EXPECT_EQ(r.trace->wo.rows(), 8);
            EXPECT_EQ(r.trace->wo.cols(), 8);
        }
    }
}

TEST(Pipeline, MeanAndMaxOverHeads) {
    Config config = manualConfig(randomMatrix(5, 8, 15), randomMatrix(4, 8, 16));
    config.heads = 4;
    config.projection = ProjectionInit::Random;
    const ModelOutput r = runBuiltin(config);
    Reference mean = Reference::Zero(5, 4), maxima = Reference::Constant(5, 4, -1.0);
    for (int i = 0; i < 5; ++i)
        for (int j = 0; j < 4; ++j) {
            for (const HeadView& head : headsOf(r)) {
                mean(i, j) += head.weights(i, j) / 4.0;
                maxima(i, j) = std::max(maxima(i, j), static_cast<double>(head.weights(i, j)));
            }
        }
    EXPECT_EIGEN_NEAR(r.maps.mean[0], mean, 1e-6);
    EXPECT_EIGEN_NEAR(r.maps.max[0], maxima, 0.0);
    // The heads really differ, otherwise this checks nothing.
    EXPECT_FALSE(r.maps.weights[0].isApprox(r.maps.weights[1], 1e-3f));
}

TEST(Pipeline, EntropyAndArgmaxPerRow) {
    Config config = manualConfig(randomMatrix(6, 4, 17));
    config.heads = 2;
    config.projection = ProjectionInit::Random;
    config.mask.kind = MaskKind::Causal;
    const ModelOutput r = runBuiltin(config);
    for (const HeadView& head : headsOf(r)) {
        ASSERT_EQ(head.entropy.size(), 6);
        for (int i = 0; i < 6; ++i) {
            double entropy = 0.0;
            int best = 0;
            for (int j = 0; j < 6; ++j) {
                const double a = head.weights(i, j);
                if (a > 0.0)
                    entropy -= a * std::log(a);
                if (head.weights(i, j) > head.weights(i, best))
                    best = j;
            }
            EXPECT_NEAR(head.entropy(i), entropy, 1e-5) << "row " << i;
            EXPECT_EQ(head.argmax[static_cast<std::size_t>(i)], best) << "row " << i;
        }
        // Row 0 of a causal mask sees only key 0: weight 1, entropy 0.
        EXPECT_NEAR(head.weights(0, 0), 1.0f, 1e-6f);
        EXPECT_NEAR(head.entropy(0), 0.0f, 1e-6f);
        EXPECT_EQ(head.argmax[0], 0);
    }
}

TEST(Pipeline, LogitsAreScoresOverTemperaturePlusAlibiWithMaskedCellsMinusInfinity) {
    for (int heads : {1, 2, 4}) {
        SCOPED_TRACE(::testing::Message() << "H = " << heads);
        Config config = manualConfig(randomMatrix(7, 8, 18));
        config.heads = heads;
        config.temperature = 2.5f;
        config.positional = PositionalEncoding::Alibi;
        config.mask = attnlab::core::parseMask("window:2");
        const ModelOutput r = runBuiltin(config);
        // ALiBi changes nothing in X.
        EXPECT_EIGEN_NEAR(r.trace->queryInputs, config.manualQueryEmbeddings, 0.0);
        const std::vector<double> slopes = referenceSlopes(heads);
        for (int h = 0; h < heads; ++h) {
            const HeadView head = headOf(r, h);
            Reference expected(7, 7);
            for (int i = 0; i < 7; ++i)
                for (int j = 0; j < 7; ++j)
                    expected(i, j) = std::abs(i - j) <= 2
                                         ? head.scores(i, j) / 2.5 -
                                               slopes[static_cast<std::size_t>(h)] * std::abs(i - j)
                                         : kNegInf;
            EXPECT_EIGEN_NEAR(head.logits, expected, kTolerance) << "head " << h;
            for (int i = 0; i < 7; ++i)
                for (int j = 0; j < 7; ++j)
                    if (std::abs(i - j) > 2) {
                        EXPECT_TRUE(std::isinf(head.logits(i, j)) && head.logits(i, j) < 0)
                            << "(" << i << ", " << j << ") = " << head.logits(i, j);
                        EXPECT_EQ(head.weights(i, j), 0.0f) << "(" << i << ", " << j << ")";
                        // The trace keeps the logit before the mask.
                        EXPECT_NEAR(head.trace.logits(i, j),
                                    head.scores(i, j) / 2.5 -
                                        slopes[static_cast<std::size_t>(h)] * std::abs(i - j),
                                    kTolerance)
                            << "(" << i << ", " << j << ")";
                    }
            const HeadReference ref = referenceHead(r, head, h);
            EXPECT_EIGEN_NEAR(head.weights, ref.weights, kTolerance);
        }
    }
}

TEST(Pipeline, TemperatureWithoutBias) {
    Config config = manualConfig(randomMatrix(4, 4, 19));
    config.temperature = 0.25f;
    const ModelOutput r = runBuiltin(config);
    const Reference expected = r.trace->heads[0].scores.cast<double>() * 4.0;
    EXPECT_EIGEN_NEAR(maskedLogits(r.trace->heads[0].logits, r.maps.allowed), expected, kTolerance);
}

TEST(Pipeline, TinyTemperatureApproachesHardmax) {
    // T → 0 sharpens softmax towards the one-hot of hard attention, without overflow or NaN.
    Config config = manualConfig(randomMatrix(5, 4, 29), randomMatrix(6, 4, 30));
    config.temperature = 1e-6f;
    const ModelOutput sharp = runBuiltin(config);
    config.normalizer = Normalizer::Hardmax;
    config.temperature = 1.0f;
    const ModelOutput hard = runBuiltin(config);
    expectNoNaN(sharp);
    EXPECT_EIGEN_NEAR(sharp.maps.weights[0], hard.maps.weights[0], 1e-5);
}

TEST(Pipeline, ResolvedSettingsAreReported) {
    Config config = manualConfig(randomMatrix(3, 12, 31));
    config.dModel = 12;
    config.heads = 3;
    config.scoring = ScoringFunction::Additive;
    const ModelOutput r = runBuiltin(config);
    EXPECT_EQ(r.trace->dK, 4);
    EXPECT_EQ(r.config.dK, 4);
    EXPECT_EQ(r.trace->dA, 4) << "d_a defaults to d_k";
    EXPECT_EQ(r.config.dModel, 12);
    for (const HeadView& head : headsOf(r)) {
        EXPECT_EQ(head.params.w1.rows(), 4);
        EXPECT_EQ(head.params.w1.cols(), 4);
        EXPECT_EQ(head.params.v.size(), 4);
    }
    config.additiveDim = 7;
    const ModelOutput wide = runBuiltin(config);
    EXPECT_EQ(wide.trace->dA, 7);
    EXPECT_EQ(wide.trace->heads[0].params.w1.rows(), 7);
    EXPECT_EQ(wide.trace->heads[0].params.w1.cols(), 4);
    EXPECT_EIGEN_NEAR(wide.trace->heads[0].scores, referenceHead(wide, headOf(wide, 0), 0).scores,
                      kTolerance);
}

// ---- masks through the pipeline -------------------------------------------------------------

TEST(Pipeline, CausalUpperTriangleIsZero) {
    for (Normalizer normalizer : attnlab::core::allNormalizers()) {
        SCOPED_TRACE(std::string(attnlab::core::toString(normalizer)));
        Config config = manualConfig(randomMatrix(6, 8, 20));
        config.heads = 2;
        config.normalizer = normalizer;
        config.mask = attnlab::core::parseMask("causal");
        const ModelOutput r = runBuiltin(config);
        expectNoNaN(r);
        for (const HeadView& head : headsOf(r))
            for (int i = 0; i < 6; ++i)
                for (int j = i + 1; j < 6; ++j)
                    EXPECT_EQ(head.weights(i, j), 0.0f) << "(" << i << ", " << j << ")";
        for (int i = 0; i < 6; ++i)
            for (int j = i + 1; j < 6; ++j) {
                EXPECT_EQ(r.maps.mean[0](i, j), 0.0f);
                EXPECT_EQ(r.maps.max[0](i, j), 0.0f);
            }
        EXPECT_TRUE(r.maps.fullyMaskedRows.empty());
    }
}

TEST(Pipeline, WindowBand) {
    Config config = manualConfig(randomMatrix(8, 4, 21));
    config.mask = attnlab::core::parseMask("window:1");
    const ModelOutput r = runBuiltin(config);
    const HeadView head = headOf(r, 0);
    for (int i = 0; i < 8; ++i) {
        for (int j = 0; j < 8; ++j) {
            EXPECT_EQ(r.maps.allowed(i, j), std::abs(i - j) <= 1) << "(" << i << ", " << j << ")";
            if (std::abs(i - j) > 1) {
                EXPECT_EQ(head.weights(i, j), 0.0f) << "(" << i << ", " << j << ")";
            }
        }
        EXPECT_NEAR(head.weights.row(i).sum(), 1.0f, 1e-5f);
    }
    EXPECT_EIGEN_NEAR(head.weights, referenceHead(r, head, 0).weights, kTolerance);
}

TEST(Pipeline, PaddingAddsPadKeysWithZeroWeight) {
    const Matrix x = randomMatrix(3, 4, 22);
    Config config = manualConfig(x);
    config.mask = attnlab::core::parseMask("padding:5");
    const ModelOutput r = runBuiltin(config);
    ASSERT_EQ(r.maps.keyTokens.size(), 5u) << tokenList(r.maps.keyTokens);
    for (std::size_t j = 0; j < 5; ++j)
        EXPECT_EQ(r.maps.keyTokens[j].padding, j >= 3) << "key " << j;
    expectNoNaN(r);
    const HeadView head = headOf(r, 0);
    ASSERT_EQ(head.weights.cols(), 5);
    for (int i = 0; i < head.weights.rows(); ++i) {
        EXPECT_EQ(head.weights(i, 3), 0.0f) << "row " << i;
        EXPECT_EQ(head.weights(i, 4), 0.0f) << "row " << i;
        EXPECT_NEAR(head.weights.row(i).sum(), 1.0f, 1e-5f) << "row " << i;
    }
    EXPECT_TRUE(r.maps.fullyMaskedRows.empty());
    // The real tokens attend among themselves exactly as without padding.
    Config unpadded = manualConfig(x);
    const ModelOutput plain = runBuiltin(unpadded);
    const Matrix realBlock = head.weights.topLeftCorner(3, 3);
    EXPECT_EIGEN_NEAR(realBlock, plain.maps.weights[0], kTolerance);
}

TEST(Pipeline, PaddingInCrossAttention) {
    Config config = manualConfig(randomMatrix(2, 4, 23), randomMatrix(3, 4, 24));
    config.mask = attnlab::core::parseMask("padding:6");
    const ModelOutput r = runBuiltin(config);
    ASSERT_EQ(r.maps.keyTokens.size(), 6u) << tokenList(r.maps.keyTokens);
    for (std::size_t j = 0; j < 6; ++j)
        EXPECT_EQ(r.maps.keyTokens[j].padding, j >= 3) << "key " << j;
    const HeadView head = headOf(r, 0);
    for (int i = 0; i < head.weights.rows(); ++i)
        for (int j = 3; j < 6; ++j)
            EXPECT_EQ(head.weights(i, j), 0.0f) << "(" << i << ", " << j << ")";
}

TEST(Pipeline, FullyMaskedRowsAreListedZeroAndNeverNaN) {
    for (Normalizer normalizer : attnlab::core::allNormalizers()) {
        SCOPED_TRACE(std::string(attnlab::core::toString(normalizer)));
        Config config = manualConfig(randomMatrix(3, 4, 25), randomMatrix(4, 4, 26));
        config.heads = 2;
        config.normalizer = normalizer;
        config.mask.kind = MaskKind::Custom;
        config.mask.blocked = {{1, 0}, {1, 1}, {1, 2}, {1, 3}, {2, 0}};
        const ModelOutput r = runBuiltin(config);
        expectNoNaN(r);
        EXPECT_EQ(r.maps.fullyMaskedRows, std::vector<int>{1});
        for (const HeadView& head : headsOf(r)) {
            for (int j = 0; j < 4; ++j) {
                EXPECT_EQ(head.weights(1, j), 0.0f) << "key " << j;
                EXPECT_TRUE(std::isinf(head.logits(1, j)) && head.logits(1, j) < 0);
            }
            EXPECT_EQ(head.weights(2, 0), 0.0f);
            EXPECT_EQ(head.context.row(1).cwiseAbs().sum(), 0.0f);
            EXPECT_EQ(head.entropy(1), 0.0f);
            EXPECT_EQ(head.argmax[1], -1);
            EXPECT_NE(head.argmax[0], -1);
        }
        EXPECT_EQ(r.maps.mean[0].row(1).cwiseAbs().sum(), 0.0f);
        EXPECT_EQ(r.maps.max[0].row(1).cwiseAbs().sum(), 0.0f);
        EXPECT_EQ(r.trace->output.row(1).cwiseAbs().sum(), 0.0f);
    }
}

// ---- positional encodings through the pipeline -----------------------------------------------

TEST(Pipeline, SinusoidalIsAddedToX) {
    const Matrix x = randomMatrix(5, 6, 27);
    Config config = manualConfig(x);
    config.positional = PositionalEncoding::Sinusoidal;
    const ModelOutput r = runBuiltin(config);
    Reference expected(5, 6);
    for (int p = 0; p < 5; ++p)
        for (int c = 0; c < 6; ++c) {
            const double angle = p / std::pow(10000.0, 2.0 * (c / 2) / 6.0);
            expected(p, c) = x(p, c) + (c % 2 == 0 ? std::sin(angle) : std::cos(angle));
        }
    EXPECT_EIGEN_NEAR(r.trace->queryInputs, expected, 1e-5);
    EXPECT_EIGEN_NEAR(r.trace->heads[0].q, expected, 1e-5);
}

TEST(Pipeline, RopeRotatesProjectedQueriesAndKeys) {
    const Matrix x = randomMatrix(5, 8, 28);
    Config config = manualConfig(x);
    config.heads = 2;
    config.positional = PositionalEncoding::Rope;
    const ModelOutput r = runBuiltin(config);
    EXPECT_EIGEN_NEAR(r.trace->queryInputs, x, 0.0) << "RoPE must not change X";
    for (int h = 0; h < 2; ++h) {
        const HeadView head = headOf(r, h);
        Reference rotated(5, 4);
        for (int p = 0; p < 5; ++p)
            for (int i = 0; i < 2; ++i) {
                const double angle = p * std::pow(10000.0, -2.0 * i / 4.0);
                const double a = x(p, h * 4 + 2 * i), b = x(p, h * 4 + 2 * i + 1);
                rotated(p, 2 * i) = a * std::cos(angle) - b * std::sin(angle);
                rotated(p, 2 * i + 1) = a * std::sin(angle) + b * std::cos(angle);
            }
        EXPECT_EIGEN_NEAR(head.q, rotated, 1e-5);
        EXPECT_EIGEN_NEAR(head.k, rotated, 1e-5);
        // V is not rotated.
        Reference slice(5, 4);
        for (int p = 0; p < 5; ++p)
            for (int c = 0; c < 4; ++c)
                slice(p, c) = x(p, h * 4 + c);
        EXPECT_EIGEN_NEAR(head.v, slice, 0.0);
        EXPECT_EIGEN_NEAR(head.weights, referenceHead(r, head, h).weights, kTolerance);
    }
}

} // namespace test_attention_pipeline
