// Head scores of trained heads (docs/attention-math.md#head-scores, #induction): worked
// examples on hand-made maps, the control probe of the induction score, and the claim it exists
// for: a one-layer attention-only model that solves much of the induction task by position does
// not count as having an induction head, while the two-layer model's head forms within a few
// hundred steps.

#include "core/training/metrics.h"
#include "core/training/trainer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <functional>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_training_metrics {

using namespace attnlab::core;
using namespace attnlab::core::training;
using attnlab::core::training::AttentionKind; // not core::AttentionKind
using attnlab::core::training::AttentionMaps; // not core::AttentionMaps

namespace {

// One decoder-only example of the given tokens laid out as a probe (its ideal left empty).
LaidOutBatch probeOf(const std::vector<int>& tokens) {
    LaidOutBatch probe;
    probe.batch.batch = 1;
    probe.batch.decoderLength = static_cast<int>(tokens.size());
    probe.batch.decoderTokens = tokens;
    probe.batch.targets.assign(tokens.size(), -1);
    probe.decoderLengths = {static_cast<int>(tokens.size())};
    return probe;
}

AttentionMaps blockOf(const Matrix& weights) {
    AttentionMaps block;
    block.kind = AttentionKind::DecoderSelf;
    block.heads = 1;
    block.queryLength = static_cast<int>(weights.rows());
    block.keyLength = static_cast<int>(weights.cols());
    block.weights = {weights};
    return block;
}

// Every row of a causal map on key `key(i)` alone.
Matrix oneHot(int n, const std::function<int(int)>& key) {
    Matrix m = Matrix::Zero(n, n);
    for (int i = 0; i < n; ++i)
        m(i, key(i)) = 1.0f;
    return m;
}

TrainSettings inductionSettings(int layers) {
    TrainSettings s;
    s.task.kind = TaskKind::Induction;
    s.task.length = 8;
    s.task.vocab = 16;
    s.layers = layers;
    s.heads = 2;
    s.evalEvery = 100;
    s.heldOut = 128;
    s.probe = 32;
    return s;
}

} // namespace

TEST(InductionControl, ReplacesEveryOccurrenceButTheLast) {
    // <s> 5 6 7 5 6 7: the first 5, 6, 7 occur again later.
    const LaidOutBatch probe = probeOf({1, 5, 6, 7, 5, 6, 7});
    const LaidOutBatch control = inductionControl(probe);
    const int u = Vocabulary::kUnknown;
    EXPECT_EQ(control.batch.decoderTokens, (std::vector<int>{1, u, u, u, 5, 6, 7}));
    // A token three times: only its last occurrence stays.
    EXPECT_EQ(inductionControl(probeOf({4, 9, 4, 8, 4})).batch.decoderTokens,
              (std::vector<int>{u, 9, u, 8, 4}));
    // Padding after the real tokens is left alone.
    LaidOutBatch padded = probeOf({1, 5, 5, 0, 0});
    padded.decoderLengths = {3};
    EXPECT_EQ(inductionControl(padded).batch.decoderTokens, (std::vector<int>{1, u, 5, 0, 0}));
}

TEST(HeadScores, AnInductionHeadScoresItsWeightAndAPositionalHeadNothing) {
    // <s> 5 6 7 5 6 7: rows 4, 5, 6 repeat tokens first seen at 1, 2, 3; their induction keys are
    // 2, 3, 4 (the token after the earlier copy).
    const std::vector<int> tokens = {1, 5, 6, 7, 5, 6, 7};
    const LaidOutBatch probe = probeOf(tokens);
    const auto inductionKey = [](int i) { return i >= 4 ? i - 2 : i; };
    const Matrix induction = oneHot(7, inductionKey);
    // In the control no row has an earlier copy: an induction head looks at itself instead.
    const Matrix inductionInControl = oneHot(7, [](int i) { return i; });
    {
        const std::vector<AttentionMaps> maps = {blockOf(induction)};
        const std::vector<AttentionMaps> control = {blockOf(inductionInControl)};
        const std::vector<HeadScores> scores = headScores(maps, probe, &control);
        ASSERT_EQ(scores.size(), 1u);
        ASSERT_TRUE(scores[0].induction);
        EXPECT_DOUBLE_EQ(*scores[0].induction, 1.0);
        EXPECT_DOUBLE_EQ(*scores[0].diagonal, 4.0 / 7.0); // rows 0 … 3
        EXPECT_DOUBLE_EQ(*scores[0].previousToken, 0.0);
    }
    {
        // A head that reaches the same keys by position does the same in the control: 0.
        const std::vector<AttentionMaps> maps = {blockOf(induction)};
        const std::vector<AttentionMaps> control = {blockOf(induction)};
        EXPECT_DOUBLE_EQ(*headScores(maps, probe, &control)[0].induction, 0.0);
    }
    {
        // Half the weight on the induction key, half on the previous token; in the control a
        // quarter stays on that key: 0.5 − 0.25.
        Matrix half = 0.5f * (induction + oneHot(7, [](int i) { return std::max(i - 1, 0); }));
        Matrix quarter = 0.75f * inductionInControl + 0.25f * induction;
        const std::vector<AttentionMaps> maps = {blockOf(half)};
        const std::vector<AttentionMaps> control = {blockOf(quarter)};
        EXPECT_NEAR(*headScores(maps, probe, &control)[0].induction, 0.25, 1e-7);
    }
    // Without the control's maps there is no induction score, the other scores remain.
    const std::vector<AttentionMaps> maps = {blockOf(induction)};
    const std::vector<HeadScores> plain = headScores(maps, probe);
    EXPECT_FALSE(plain[0].induction);
    EXPECT_TRUE(plain[0].diagonal);
    // A sequence without repeats has no rows to score.
    const std::vector<AttentionMaps> noRepeats = {blockOf(oneHot(4, [](int i) { return i; }))};
    EXPECT_FALSE(headScores(noRepeats, probeOf({1, 5, 6, 7}), &noRepeats)[0].induction);
}

TEST(HeadScores, OneLayerIsNoInductionHeadTwoLayersFormOne) {
    // Attention-only models on the induction task (length 8, vocabulary 16). One layer learns
    // much of the task from positions (most of its weight lands on the ideal key), but its
    // score stays below the 0.4 of an induction head; two layers form one.
    constexpr double kInductionHead = 0.4;
    Trainer one(inductionSettings(1));
    one.run(600);
    double bestOne = 0.0;
    for (const Evaluation& e : one.evaluations())
        bestOne = std::max(bestOne, e.induction.value_or(0.0));
    const Evaluation& lastOne = one.evaluations().back();
    ASSERT_TRUE(lastOne.alignment);
    EXPECT_GT(*lastOne.alignment, 0.6) << "the one-layer model does place weight on the ideal key";
    EXPECT_LT(bestOne, kInductionHead) << "best induction score of one layer in 600 steps";

    Trainer two(inductionSettings(2));
    int formed = -1;
    while (formed < 0 && two.step() < 600) {
        two.run(100);
        if (two.evaluations().back().induction.value_or(0.0) >= kInductionHead)
            formed = two.step();
    }
    EXPECT_GT(formed, 0) << "no induction head in 600 steps of two layers";
    RecordProperty("two_layer_induction_head_step", formed);
    std::printf("two layers: induction head (score >= 0.4) at step %d; one layer: best %.3f\n",
                formed, bestOne);
}

} // namespace test_training_metrics
