// Pause on the largest model the Learn page offers (4 layers × 8 heads over sequences of 33
// tokens): it stops the worker inside the step in progress, at the very next point where a step
// can stop, instead of waiting for the step to end; the page then shows the model as it was
// before that step, and resuming continues bit for bit as an uninterrupted run. Every wait is on
// a signal; the worker pauses itself at a chosen point through the page's cancel-point hook, so
// where the pause lands does not depend on timing.

#include "heatmap_testing.h"
#include "ui/heatmap_view.h"
#include "ui/learn_page.h"

#include "core/trained/trained_model.h"
#include "core/training/trainer.h"

#include "eigen_testing.h"

#include <gtest/gtest.h>
#include <qcustomplot.h>

#include <QSignalSpy>
#include <QSpinBox>
#include <QTest>

#include <atomic>
#include <memory>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_learn_page_pause {

using namespace attnlab;
using ui::HeatmapView;
using ui::LearnPage;
namespace training = core::training;

namespace {

// The largest settings the pickers offer.
training::TrainSettings largestSettings() {
    training::TrainSettings s;
    s.task.kind = training::TaskKind::Reverse;
    s.task.length = 16;
    s.layers = 4;
    s.heads = 8;
    s.steps = 50;
    s.seed = 2;
    return s;
}

using attnlab::testing::viewMatrix;

} // namespace

TEST(LearnPagePause, PauseStopsInsideALargeStepAndResumesBitForBit) {
    LearnPage page;
    page.resize(1200, 800);
    page.setSettings(largestSettings());
    page.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&page));
    const training::TrainSettings settings = page.settings();
    ASSERT_EQ(settings.layers, 4);
    ASSERT_EQ(settings.heads, 8);
    ASSERT_EQ(settings.task.length, 16);
    // The pickers offer nothing larger.
    for (QSpinBox* box : page.findChildren<QSpinBox*>()) {
        if (box->value() == 16 || box->value() == 4) {
            EXPECT_EQ(box->value(), box->maximum());
        }
    }

    // A step of this model passes 86 points where it can stop: per layer forward after the
    // projections, after each of the 8 heads and after the block (10), backward after ∂W_o and
    // ∂C, after each head, after the weight gradients and after the block (11), and after the
    // output layer each way. The worker presses Pause itself at the third point of the second
    // step.
    std::atomic<int> points{0};
    constexpr int kPointsPerStep = 4 * 10 + 1 + 4 * 11 + 1;
    constexpr int kPauseAt = kPointsPerStep + 3;
    page.setCancelPointHook([&] {
        if (++points == kPauseAt)
            page.pause();
    });
    QSignalSpy stopped(&page, &LearnPage::trainingStopped);
    page.start();
    ASSERT_TRUE(stopped.wait(120000));
    // Nothing of the step ran after the pause: the worker stopped at that very point.
    EXPECT_EQ(points.load(), kPauseAt);
    EXPECT_FALSE(page.isTraining());
    // The second step was abandoned: the model is that of step 1.
    EXPECT_EQ(stopped.front().front().toInt(), 1);
    EXPECT_EQ(page.shownStep(), 1);
    EXPECT_EQ(page.lossPlot()->graph(0)->dataCount(), 1);
    training::Trainer reference(settings);
    reference.trainStep();
    {
        const auto input =
            core::trainedInputOf(reference.probe(), reference.task().vocabulary(), 0);
        const core::ModelOutput expected =
            core::trainedModelOutput(reference.modelConfig(), reference.parameters(),
                                     reference.task().vocabulary(), input, {}, "reverse");
        ASSERT_EQ(page.heatmapViews().size(), 32);
        for (int i : {0, 9, 31})
            EXPECT_EIGEN_NEAR(viewMatrix(*page.heatmapViews()[i]),
                              expected.maps.weightsOf(i / 8, i % 8), 1e-6);
    }

    // Resumed, the run goes on as if it had never been paused.
    page.setCancelPointHook({});
    stopped.clear();
    page.stepOnce();
    ASSERT_TRUE(stopped.wait(120000));
    EXPECT_EQ(stopped.front().front().toInt(), 2);
    reference.trainStep();
    QCPGraph* losses = page.lossPlot()->graph(0);
    ASSERT_EQ(losses->dataCount(), 2);
    for (int i = 0; i < 2; ++i)
        EXPECT_EQ(losses->data()->at(i)->value,
                  reference.history()[static_cast<std::size_t>(i)].loss)
            << "step " << i + 1;
}

} // namespace test_learn_page_pause
