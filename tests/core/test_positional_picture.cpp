// The positional pictures the window draws (docs/attention-math.md#positional): each equals the
// formula written out as loops, and each is exactly what the built-in model's run used: X + PE
// is the run's input, rotating the run's q by the returned angles gives its rotated q, and the
// run's logits are S / T plus the returned bias, bit for bit.

#include "core/attention/positional.h"
#include "core/base/random.h"
#include "core/model/builtin_model.h"
#include "core/teaching/positional_picture.h"

#include "model_testing.h"
#include "test_support.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <string>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_positional_picture {

using namespace attnlab::core;
using attnlab::testing::headOf;

namespace {

Config manualConfig(int n, int d, int heads, PositionalEncoding encoding, std::uint64_t seed) {
    Config config;
    config.embeddings = EmbeddingSource::Manual;
    config.tokenizer.mode = TokenizerMode::Whitespace;
    config.sentence.clear();
    for (int i = 0; i < n; ++i)
        config.sentence += (i ? " t" : "t") + std::to_string(i);
    Random rng(seed);
    config.manualQueryEmbeddings = rng.normalMatrix(n, d, 1.0);
    config.dModel = d;
    config.heads = heads;
    config.projection = ProjectionInit::Random;
    config.positional = encoding;
    config.seed = seed;
    return config;
}

// PE[p, c] = sin or cos of p / 10000^{2⌊c/2⌋/d}, as a plain loop in double.
Eigen::MatrixXd loopSinusoidal(int n, int d) {
    Eigen::MatrixXd pe(n, d);
    for (int p = 0; p < n; ++p)
        for (int c = 0; c < d; ++c) {
            const double angle = p / std::pow(10000.0, 2.0 * (c / 2) / d);
            pe(p, c) = c % 2 == 0 ? std::sin(angle) : std::cos(angle);
        }
    return pe;
}

// Slopes written out for a power of two: m_h = 2^{−8(h+1)/H}.
double powerOfTwoSlope(int heads, int head) {
    return std::pow(2.0, -8.0 * (head + 1) / heads);
}

} // namespace

TEST(PositionalPicture, SinusoidalIsTheTableWrittenOutAsLoops) {
    for (int n : {1, 3, 7})
        for (int d : {2, 5, 16}) {
            const PositionalPicture picture =
                positionalPicture(PositionalEncoding::Sinusoidal, n, n, d, d, 1, 0);
            SCOPED_TRACE("n " + std::to_string(n) + " d " + std::to_string(d));
            EXPECT_EQ(picture.rows, PositionalAxis::Positions);
            EXPECT_EQ(picture.cols, PositionalAxis::ModelDims);
            EXPECT_EQ(picture.width, d);
            EXPECT_EIGEN_NEAR(picture.values.cast<double>(), loopSinusoidal(n, d), 1e-6);
        }
}

TEST(PositionalPicture, RopeAnglesArePositionTimesTheta) {
    for (int n : {1, 4, 9})
        for (int dK : {2, 3, 8, 12}) {
            const PositionalPicture picture =
                positionalPicture(PositionalEncoding::Rope, n, n, 2 * dK, dK, 2, 1);
            SCOPED_TRACE("n " + std::to_string(n) + " d_k " + std::to_string(dK));
            ASSERT_EQ(picture.values.rows(), n);
            ASSERT_EQ(picture.values.cols(), dK / 2);
            EXPECT_EQ(picture.cols, PositionalAxis::RopePairs);
            for (int p = 0; p < n; ++p)
                for (int t = 0; t < dK / 2; ++t) {
                    double theta = 1.0; // 10000^{−2t/d_k} as repeated division
                    for (int k = 0; k < 2 * t; ++k)
                        theta /= std::pow(10000.0, 1.0 / dK);
                    EXPECT_NEAR(picture.values(p, t), p * theta, 1e-5 * (1 + p * theta));
                }
        }
    // Worked: position 3, pair 0 turns by 3 rad; pair 1 of d_k = 4 by 3/100.
    const PositionalPicture small = positionalPicture(PositionalEncoding::Rope, 4, 4, 4, 4, 1, 0);
    EXPECT_FLOAT_EQ(small.values(3, 0), 3.0f);
    EXPECT_FLOAT_EQ(small.values(3, 1), 0.03f);
}

TEST(PositionalPicture, AlibiIsTheSelectedHeadsBias) {
    for (int heads : {1, 2, 4, 8})
        for (int head = 0; head < heads; ++head) {
            const PositionalPicture picture =
                positionalPicture(PositionalEncoding::Alibi, 5, 6, 16, 16 / heads, heads, head);
            SCOPED_TRACE("H " + std::to_string(heads) + " h " + std::to_string(head));
            EXPECT_EQ(picture.head, head);
            EXPECT_DOUBLE_EQ(picture.slope, powerOfTwoSlope(heads, head));
            ASSERT_EQ(picture.values.rows(), 5);
            ASSERT_EQ(picture.values.cols(), 6);
            for (int i = 0; i < 5; ++i)
                for (int j = 0; j < 6; ++j)
                    EXPECT_FLOAT_EQ(
                        picture.values(i, j),
                        static_cast<float>(-powerOfTwoSlope(heads, head) * std::abs(i - j)));
        }
    // An out-of-range head is clamped; H = 6 takes 1/4 for its first head.
    const PositionalPicture clamped =
        positionalPicture(PositionalEncoding::Alibi, 2, 2, 12, 2, 6, 99);
    EXPECT_EQ(clamped.head, 5);
    EXPECT_FLOAT_EQ(positionalPicture(PositionalEncoding::Alibi, 2, 2, 12, 2, 6, 0).slope, 0.25f);
}

TEST(PositionalPicture, NoneIsEmpty) {
    const PositionalPicture picture = positionalPicture(PositionalEncoding::None, 4, 4, 8, 8, 1, 0);
    EXPECT_EQ(picture.values.size(), 0);
    EXPECT_EQ(picture.rows, PositionalAxis::None);
}

TEST(PositionalPicture, SinusoidalIsWhatTheRunAddedToX) {
    for (std::uint64_t seed : {1u, 2u, 3u}) {
        const ModelOutput run =
            runBuiltin(manualConfig(5, 8, 2, PositionalEncoding::Sinusoidal, seed));
        const PositionalPicture picture = positionalPicture(run, 0);
        ASSERT_EQ(picture.values.rows(), 5);
        ASSERT_EQ(picture.values.cols(), 8);
        const Matrix sum = run.trace->queryEmbeddings + picture.values;
        EXPECT_EIGEN_NEAR(run.trace->queryInputs, sum, 0);
    }
}

TEST(PositionalPicture, RotatingQAndKByTheAnglesGivesTheRunsRotatedQAndK) {
    for (int heads : {1, 2}) {
        const ModelOutput run = runBuiltin(manualConfig(6, 8, heads, PositionalEncoding::Rope, 7));
        const PositionalPicture picture = positionalPicture(run, 0);
        for (int h = 0; h < heads; ++h) {
            const HeadTrace& trace = run.trace->heads[static_cast<std::size_t>(h)];
            ASSERT_EQ(picture.values.cols(), trace.q.cols() / 2);
            for (const auto& [before, after] : {std::pair{&trace.qBeforeRope, &trace.q},
                                                std::pair{&trace.kBeforeRope, &trace.k}}) {
                Matrix rotated = *before;
                for (Eigen::Index p = 0; p < rotated.rows(); ++p)
                    for (Eigen::Index t = 0; t < picture.values.cols(); ++t) {
                        const double a = picture.values(p, t);
                        const double x = (*before)(p, 2 * t), y = (*before)(p, 2 * t + 1);
                        rotated(p, 2 * t) = static_cast<float>(x * std::cos(a) - y * std::sin(a));
                        rotated(p, 2 * t + 1) =
                            static_cast<float>(x * std::sin(a) + y * std::cos(a));
                    }
                EXPECT_EIGEN_NEAR(rotated, *after, 1e-5);
            }
        }
    }
}

TEST(PositionalPicture, TheRunsLogitsAreScoresOverTPlusTheBias) {
    for (int heads : {2, 4}) {
        Config config = manualConfig(5, 8, heads, PositionalEncoding::Alibi, 11);
        config.temperature = 0.5f;
        const ModelOutput run = runBuiltin(config);
        for (int h = 0; h < heads; ++h) {
            SCOPED_TRACE("head " + std::to_string(h));
            const PositionalPicture picture = positionalPicture(run, h);
            const HeadTrace& trace = run.trace->heads[static_cast<std::size_t>(h)];
            Matrix expected = trace.scores / config.temperature;
            expected += picture.values;
            EXPECT_EIGEN_NEAR(trace.logits, expected, 0);
        }
    }
}

} // namespace test_positional_picture
