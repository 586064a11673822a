// Cancelling a training step in the middle (what the Learn page's Pause does): a step cancelled
// anywhere in its forward or backward pass (after any head of any attention block, around its
// projections, after any block or the output layer) leaves the weights, the optimiser, the
// history and the training stream exactly as if it had never started; an evaluation cancelled
// after its step is taken later with the same numbers. A run paused and resumed at every such
// point is bit-identical to an uninterrupted run from the same seed, for decoder-only and
// encoder–decoder models, attention-only or with FFN and LayerNorm; and checking changes no
// number, on one thread or two.

#include "core/training/trainer.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <utility>
#include <vector>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_trainer_cancel {

using namespace attnlab::core;
using namespace attnlab::core::training;

namespace {

TrainSettings decoderSettings() {
    TrainSettings s;
    s.task.kind = TaskKind::Reverse;
    s.task.length = 5;
    s.task.vocab = 10;
    s.layers = 2;
    s.heads = 2;
    s.evalEvery = 3;
    s.heldOut = 40; // two evaluation batches, the second partial
    s.probe = 8;
    s.seed = 11;
    return s;
}

TrainSettings encoderDecoderSettings() {
    TrainSettings s = decoderSettings();
    s.task.kind = TaskKind::Translation;
    s.layers = 2;
    s.seed = 5;
    return s;
}

// Every kind of checkpoint: FFN and LayerNorm, rotary positions (rotated back between the heads
// and the weight gradients), additive scoring (its own parameters' gradients summed after the
// heads).
TrainSettings feedForwardSettings() {
    TrainSettings s = decoderSettings();
    s.ffn = FeedForward::Gelu;
    s.layerNorm = true;
    s.positional = ModelPositional::Rope;
    s.scoring = ScoringFunction::Additive;
    s.seed = 8;
    s.threads = 1; // the FFN's products would otherwise go parallel, slowly on a busy machine
    return s;
}

// Checkpoints of one pass of decoderSettings()' model (2 layers of 2 heads, attention-only): per
// layer the projections, 2 heads and the block's end forward (4), and ∂W_o/∂C, 2 heads, the
// weight gradients and the block's end backward (5); and the output layer once each way.
constexpr int kForwardPoints = 2 * 4 + 1;
constexpr int kStepPoints = kForwardPoints + 2 * 5 + 1;
// An evaluation: two held-out batches (40 examples), the probe and its induction control.
constexpr int kEvaluationPoints = 4 * kForwardPoints;

// Bitwise equality of every weight.
bool sameWeights(const TransformerParams& a, const TransformerParams& b) {
    const auto va = parameterViews(a);
    const auto vb = parameterViews(b);
    if (va.size() != vb.size())
        return false;
    for (std::size_t i = 0; i < va.size(); ++i)
        if (va[i].size != vb[i].size ||
            std::memcmp(va[i].data, vb[i].data, va[i].size * sizeof(float)) != 0)
            return false;
    return true;
}

void expectSameRun(const Trainer& run, const Trainer& reference) {
    ASSERT_EQ(run.step(), reference.step());
    ASSERT_EQ(run.history().size(), reference.history().size());
    for (std::size_t i = 0; i < run.history().size(); ++i) {
        EXPECT_EQ(run.history()[i].loss, reference.history()[i].loss) << "step " << i + 1;
        EXPECT_EQ(run.history()[i].gradientNorm, reference.history()[i].gradientNorm);
        EXPECT_EQ(run.history()[i].accuracy, reference.history()[i].accuracy);
    }
    EXPECT_TRUE(sameWeights(run.parameters(), reference.parameters()));
    ASSERT_EQ(run.evaluations().size(), reference.evaluations().size());
    for (std::size_t i = 0; i < run.evaluations().size(); ++i) {
        const Evaluation& a = run.evaluations()[i];
        const Evaluation& b = reference.evaluations()[i];
        EXPECT_EQ(a.step, b.step);
        EXPECT_EQ(a.loss, b.loss);
        EXPECT_EQ(a.accuracy, b.accuracy);
        EXPECT_EQ(a.alignment, b.alignment);
        ASSERT_EQ(a.heads.size(), b.heads.size());
        for (std::size_t h = 0; h < a.heads.size(); ++h) {
            EXPECT_EQ(a.heads[h].alignment, b.heads[h].alignment);
            EXPECT_EQ(a.heads[h].diagonal, b.heads[h].diagonal);
        }
    }
    ASSERT_EQ(run.snapshots().size(), reference.snapshots().size());
    for (std::size_t i = 0; i < run.snapshots().size(); ++i) {
        const auto& a = run.snapshots()[i].maps;
        const auto& b = reference.snapshots()[i].maps;
        ASSERT_EQ(a.size(), b.size());
        for (std::size_t m = 0; m < a.size(); ++m)
            for (std::size_t h = 0; h < a[m].weights.size(); ++h)
                EXPECT_TRUE(a[m].weights[h] == b[m].weights[h]) << "snapshot " << i;
    }
}

// A callback that cancels at its `at`-th call (1-based) and counts the calls.
struct CancelAt {
    int at = 0;
    int calls = 0;
    ProgressCallback callback() {
        return [this](int, int) { return ++calls != at; };
    }
};

// Steps `t` and `reference` (two trainers of the same settings) `steps` times. The reference
// steps uninterrupted, counting the cancellation points of each step; `t` is first cancelled at
// each of those points in turn (and, when the update is done and only the evaluation after it
// was cancelled, its evaluation at each of its points), then takes the step. Returns the number
// of cancellations.
int runCancellingEverywhere(Trainer& t, Trainer& reference, int steps) {
    int cancellations = 0;
    for (int s = 0; s < steps; ++s) {
        CancelAt counter;
        reference.trainStep(counter.callback());
        for (int at = 1; at <= counter.calls; ++at) {
            CancelAt cancel{at};
            try {
                t.trainStep(cancel.callback());
            } catch (const Cancelled&) {
                ++cancellations;
                EXPECT_EQ(t.step(), s) << "a cancelled step leaves no trace";
                continue;
            }
            // Not thrown: the update was done and the evaluation after it was cancelled.
            EXPECT_EQ(t.step(), s + 1);
            EXPECT_TRUE(t.evaluationPending());
            ++cancellations;
            for (int point = 1;; ++point) {
                CancelAt evaluation{point};
                try {
                    t.completeEvaluation(evaluation.callback());
                    break;
                } catch (const Cancelled&) {
                    ++cancellations;
                    EXPECT_TRUE(t.evaluationPending());
                }
            }
            break;
        }
        if (t.step() == s) // every attempt was cancelled: take the step
            t.trainStep();
        EXPECT_FALSE(t.evaluationPending());
    }
    return cancellations;
}

// Records every call's (done, total).
struct Recorder {
    std::vector<std::pair<int, int>> calls;
    ProgressCallback callback() {
        return [this](int done, int total) {
            calls.emplace_back(done, total);
            return true;
        };
    }
};

// Splits the calls into passes, each counting 1 … total; returns each pass's total.
std::vector<int> passTotals(const std::vector<std::pair<int, int>>& calls) {
    std::vector<int> totals;
    int expected = 1;
    for (const auto& [done, total] : calls) {
        EXPECT_EQ(done, expected) << "of " << total;
        if (done == total) {
            totals.push_back(total);
            expected = 1;
        } else {
            ++expected;
        }
    }
    EXPECT_EQ(expected, 1) << "the last pass stopped before its total";
    return totals;
}

} // namespace

TEST(TrainerCancel, CancelledStepLeavesWeightsOptimiserAndStreamUntouched) {
    Trainer t(decoderSettings());
    t.trainStep();
    t.trainStep();
    const TransformerParams before = t.parameters();
    const std::size_t history = t.history().size();
    for (int at = 1; at <= kStepPoints; ++at) {
        CancelAt cancel{at};
        EXPECT_THROW(t.trainStep(cancel.callback()), Cancelled) << at;
        EXPECT_EQ(cancel.calls, at);
        EXPECT_EQ(t.step(), 2);
        EXPECT_EQ(t.history().size(), history);
        EXPECT_TRUE(sameWeights(t.parameters(), before));
        EXPECT_FALSE(t.evaluationPending());
    }
    // The next step draws the same batch as an uninterrupted run's third step.
    t.trainStep();
    Trainer reference(decoderSettings());
    for (int i = 0; i < 3; ++i)
        reference.trainStep();
    expectSameRun(t, reference);
}

TEST(TrainerCancel, CancelledEvaluationIsTakenLaterWithTheSameNumbers) {
    Trainer t(decoderSettings());
    t.trainStep();
    t.trainStep();
    // Step 3 is an evaluation step: kStepPoints points in its passes, then the evaluation's.
    CancelAt cancel{kStepPoints + 1};
    const StepRecord record = t.trainStep(cancel.callback());
    EXPECT_EQ(record.step, 3);
    EXPECT_EQ(t.step(), 3);
    EXPECT_TRUE(t.evaluationPending());
    EXPECT_EQ(t.evaluations().back().step, 0) << "the step-3 evaluation is not kept yet";
    // Completing it can itself be cancelled, and stays pending.
    CancelAt again{1};
    EXPECT_THROW(t.completeEvaluation(again.callback()), Cancelled);
    EXPECT_TRUE(t.evaluationPending());
    // The next step takes it first.
    t.trainStep();
    EXPECT_FALSE(t.evaluationPending());
    ASSERT_EQ(t.evaluations().size(), 2u);
    EXPECT_EQ(t.evaluations().back().step, 3);
    Trainer reference(decoderSettings());
    for (int i = 0; i < 4; ++i)
        reference.trainStep();
    expectSameRun(t, reference);
}

TEST(TrainerCancel, PausedEverywhereEqualsUninterruptedDecoderOnly) {
    Trainer t(decoderSettings());
    Trainer reference(decoderSettings());
    // 7 steps cancelled at each of their points; after steps 3 and 6 the evaluation cancelled
    // once within the step and then at each of its points.
    EXPECT_EQ(runCancellingEverywhere(t, reference, 7),
              7 * kStepPoints + 2 * (1 + kEvaluationPoints));
    expectSameRun(t, reference);
}

TEST(TrainerCancel, PausedEverywhereEqualsUninterruptedEncoderDecoder) {
    Trainer t(encoderDecoderSettings());
    Trainer reference(encoderDecoderSettings());
    ASSERT_TRUE(t.modelConfig().encoderDecoder());
    // Six attention blocks of two heads (encoder self; decoder self and cross per layer): 4
    // points each forward and 5 backward, and the output layer once each way.
    constexpr int kForward = 6 * 4 + 1;
    constexpr int kStep = kForward + 6 * 5 + 1;
    EXPECT_EQ(runCancellingEverywhere(t, reference, 4), 4 * kStep + (1 + 4 * kForward));
    expectSameRun(t, reference);
}

TEST(TrainerCancel, PausedEverywhereEqualsUninterruptedWithFeedForwardAndLayerNorm) {
    Trainer t(feedForwardSettings());
    Trainer reference(feedForwardSettings());
    // The attention-only points and one after each FFN, forward and backward.
    constexpr int kForward = kForwardPoints + 2;
    constexpr int kStep = kStepPoints + 4;
    EXPECT_EQ(runCancellingEverywhere(t, reference, 4), 4 * kStep + (1 + 4 * kForward));
    expectSameRun(t, reference);

    TrainSettings encoderDecoder = feedForwardSettings();
    encoderDecoder.task.kind = TaskKind::Translation;
    encoderDecoder.positional = ModelPositional::Sinusoidal;
    Trainer u(encoderDecoder);
    Trainer uninterrupted(encoderDecoder);
    ASSERT_TRUE(u.modelConfig().encoderDecoder());
    runCancellingEverywhere(u, uninterrupted, 3);
    expectSameRun(u, uninterrupted);
}

TEST(TrainerCancel, EveryPassReportsItsCancellationPoints) {
    // A decoder-only step: one pass, forward and backward.
    Trainer t(decoderSettings());
    Recorder step;
    t.trainStep(step.callback());
    EXPECT_EQ(passTotals(step.calls), std::vector<int>{kStepPoints});
    // An evaluation step adds the held-out batches' and both probe passes' points.
    t.trainStep();
    Recorder evaluation;
    t.trainStep(evaluation.callback());
    EXPECT_EQ(passTotals(evaluation.calls),
              (std::vector<int>{kStepPoints, kForwardPoints, kForwardPoints, kForwardPoints,
                                kForwardPoints}));
    // Per head: 8 heads give 6 more points per block each way than 2.
    TrainSettings eight = decoderSettings();
    eight.heads = 8;
    Trainer u(eight);
    Recorder wide;
    u.trainStep(wide.callback());
    EXPECT_EQ(passTotals(wide.calls), std::vector<int>{kStepPoints + 2 * 2 * 6});
}

TEST(TrainerCancel, CheckingChangesNoNumberOnAnyThreads) {
    // Large enough for the heads to run on two threads (about 3·10⁶ multiply-adds a block): with
    // a callback the heads run one at a time, each over the batch's examples in parallel;
    // without one, all pairs of examples and heads at once.
    TrainSettings s = decoderSettings();
    s.task.length = 16;
    s.layers = 1;
    s.heads = 4;
    s.evalEvery = 2;
    s.threads = 1;
    Trainer plain(s), checked(s);
    s.threads = 2;
    Trainer checkedTwo(s);
    const ProgressCallback never = [](int, int) { return true; };
    for (int i = 0; i < 3; ++i) {
        plain.trainStep();
        checked.trainStep(never);
        checkedTwo.trainStep(never);
    }
    expectSameRun(checked, plain);
    expectSameRun(checkedTwo, plain);
}

TEST(TrainerCancel, RaceCancelledAnywhereStaysEqualToSeparateRuns) {
    TrainSettings a = decoderSettings();
    a.evalEvery = 100; // every point is in a step's passes (none in an evaluation)
    TrainSettings b = a;
    b.scoring = ScoringFunction::Additive;
    Race race(a, b);
    // Cancels at the k-th point of both trainers together (the two threads share the count),
    // for k = 1 … 8, each followed by a call that finishes the step.
    for (int k = 1; k <= 8; ++k) {
        std::atomic<int> calls{0};
        const ProgressCallback cancel = [&](int, int) { return ++calls != k; };
        EXPECT_THROW(race.step(cancel), Cancelled) << k;
        // One may have finished before the other was stopped, never more.
        EXPECT_LE(std::abs(race.first().step() - race.second().step()), 1);
        race.step(); // brings the one behind level, or takes the step of both
        ASSERT_TRUE(race.level());
        EXPECT_EQ(race.first().step(), k);
    }
    Trainer first(a), second(b);
    for (int i = 0; i < 8; ++i) {
        first.trainStep();
        second.trainStep();
    }
    expectSameRun(race.first(), first);
    expectSameRun(race.second(), second);
}

} // namespace test_trainer_cancel
