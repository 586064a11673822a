// The Learn page: Start trains on a worker thread while the window's event loop keeps running,
// frames show every layer × head on the probe example (the numbers of the model at that step)
// and the loss curve; Pause stops after the step in progress; Step takes exactly one; Reset goes
// back to step 0; settings that cannot train are reported. Every wait is on a signal.

#include "heatmap_testing.h"
#include "ui/heatmap_view.h"
#include "ui/learn_page.h"

#include "core/trained/trained_model.h"
#include "core/training/trainer.h"

#include "eigen_testing.h"

#include <gtest/gtest.h>
#include <qcustomplot.h>

#include <QSignalSpy>
#include <QTest>

#include <memory>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_learn_page {

using namespace attnlab;
using ui::HeatmapView;
using ui::LearnPage;

namespace {

core::training::TrainSettings smallSettings() {
    core::training::TrainSettings s;
    s.task.kind = core::training::TaskKind::Reverse;
    s.task.length = 4;
    s.layers = 2;
    s.heads = 2;
    s.steps = 400;
    s.seed = 3;
    return s;
}

using attnlab::testing::viewMatrix;

// The probe maps of the same settings trained `steps` steps without the page.
core::ModelOutput expectedProbe(const core::training::TrainSettings& settings, int steps) {
    core::training::TrainSettings s = settings;
    core::training::Trainer trainer(s);
    trainer.run(steps);
    const auto input = core::trainedInputOf(trainer.probe(), trainer.task().vocabulary(), 0);
    return core::trainedModelOutput(trainer.modelConfig(), trainer.parameters(),
                                    trainer.task().vocabulary(), input, {}, "reverse");
}

class LearnPageTest : public ::testing::Test {
protected:
    void SetUp() override {
        m_page = std::make_unique<LearnPage>();
        m_page->resize(900, 700);
        m_page->setSettings(smallSettings());
        m_page->show();
        ASSERT_TRUE(QTest::qWaitForWindowExposed(m_page.get()));
    }
    std::unique_ptr<LearnPage> m_page;
};

} // namespace

TEST_F(LearnPageTest, ShowsEveryLayerAndHeadAtStepZero) {
    EXPECT_EQ(m_page->shownStep(), 0);
    ASSERT_EQ(m_page->heatmapViews().size(), 4);
    const core::ModelOutput expected = expectedProbe(smallSettings(), 0);
    for (int i = 0; i < 4; ++i) {
        const HeatmapView* view = m_page->heatmapViews()[i];
        EXPECT_EIGEN_NEAR(viewMatrix(*view), expected.maps.weightsOf(i / 2, i % 2), 1e-6);
    }
    EXPECT_FALSE(m_page->isTraining());
}

TEST_F(LearnPageTest, StartTrainsOnAWorkerAndPauseStopsIt) {
    QSignalSpy frames(m_page.get(), &LearnPage::frameShown);
    QSignalSpy stopped(m_page.get(), &LearnPage::trainingStopped);
    m_page->start();
    EXPECT_TRUE(m_page->isTraining());
    // Frames arrive while the worker trains: the event loop of this (the window's) thread runs.
    ASSERT_TRUE(frames.wait(30000));
    m_page->pause();
    ASSERT_TRUE(stopped.wait(30000));
    EXPECT_FALSE(m_page->isTraining());
    const int step = stopped.front().front().toInt();
    EXPECT_GT(step, 0);
    EXPECT_LT(step, 400) << "pause must stop before the last step";
    EXPECT_EQ(m_page->shownStep(), step) << "the last frame shows where training stopped";
    // The loss curve holds every step.
    EXPECT_EQ(m_page->lossPlot()->graph(0)->dataCount(), step);
    // The heatmaps are the model's at that step: the same as training without the page.
    const core::ModelOutput expected = expectedProbe(smallSettings(), step);
    for (int i = 0; i < 4; ++i)
        EXPECT_EIGEN_NEAR(viewMatrix(*m_page->heatmapViews()[i]),
                          expected.maps.weightsOf(i / 2, i % 2), 1e-6);

    // Step: exactly one more.
    stopped.clear();
    m_page->stepOnce();
    ASSERT_TRUE(stopped.wait(30000));
    EXPECT_EQ(stopped.front().front().toInt(), step + 1);
    EXPECT_EQ(m_page->shownStep(), step + 1);

    // Reset: back to the seed's step 0.
    m_page->reset();
    EXPECT_EQ(m_page->shownStep(), 0);
    EXPECT_EQ(m_page->lossPlot()->graph(0)->dataCount(), 0);
}

TEST_F(LearnPageTest, TrainingRunsToItsLastStep) {
    core::training::TrainSettings s = smallSettings();
    s.steps = 30;
    s.layers = 1;
    s.heads = 1;
    m_page->setSettings(s);
    EXPECT_EQ(m_page->heatmapViews().size(), 1);
    QSignalSpy stopped(m_page.get(), &LearnPage::trainingStopped);
    m_page->start();
    ASSERT_TRUE(stopped.wait(30000));
    EXPECT_EQ(stopped.front().front().toInt(), 30);
    EXPECT_EQ(m_page->shownStep(), 30);
    EXPECT_EQ(m_page->lossPlot()->graph(0)->dataCount(), 30);
    // Nothing more to do: Start does nothing.
    m_page->start();
    EXPECT_FALSE(m_page->isTraining());
}

TEST_F(LearnPageTest, ClosingThePageWhileTrainingStopsTheWorker) {
    QSignalSpy frames(m_page.get(), &LearnPage::frameShown);
    m_page->start();
    ASSERT_TRUE(frames.wait(30000));
    m_page.reset(); // waits for the step in progress; must neither hang nor crash
    SUCCEED();
}

TEST_F(LearnPageTest, OneStepPerFrameShowsEveryStep) {
    core::training::TrainSettings s = smallSettings();
    s.steps = 5;
    m_page->setSettings(s);
    m_page->setStepsPerFrame(1);
    EXPECT_EQ(m_page->stepsPerFrame(), 1);
    QSignalSpy frames(m_page.get(), &LearnPage::frameShown);
    QSignalSpy stopped(m_page.get(), &LearnPage::trainingStopped);
    m_page->start();
    ASSERT_TRUE(stopped.wait(30000));
    std::vector<int> shown;
    for (const QList<QVariant>& frame : frames)
        shown.push_back(frame.front().toInt());
    EXPECT_EQ(shown, (std::vector<int>{1, 2, 3, 4, 5}));

    // Ten steps per frame: frames at 10 and 20, then the last step.
    s.steps = 25;
    m_page->setSettings(s);
    m_page->setStepsPerFrame(10);
    frames.clear();
    m_page->start();
    ASSERT_TRUE(stopped.wait(30000));
    shown.clear();
    for (const QList<QVariant>& frame : frames)
        shown.push_back(frame.front().toInt());
    EXPECT_EQ(shown, (std::vector<int>{10, 20, 25}));
}

TEST_F(LearnPageTest, AccuracyCurveBesideTheLoss) {
    core::training::TrainSettings s = smallSettings();
    s.steps = 210;
    s.layers = 1;
    s.heads = 1;
    m_page->setSettings(s);
    QSignalSpy stopped(m_page.get(), &LearnPage::trainingStopped);
    m_page->start();
    ASSERT_TRUE(stopped.wait(60000));
    // The same run without the page: its batch accuracies and held-out evaluations.
    core::training::Trainer trainer(m_page->settings());
    for (int i = 0; i < 210; ++i)
        trainer.trainStep();
    QCPGraph* batch = m_page->accuracyPlot()->graph(0);
    QCPGraph* heldOut = m_page->accuracyPlot()->graph(1);
    ASSERT_EQ(batch->dataCount(), 210);
    for (int i = 0; i < 210; i += 50) {
        EXPECT_EQ(batch->data()->at(i)->key, i + 1);
        EXPECT_DOUBLE_EQ(batch->data()->at(i)->value,
                         trainer.history()[static_cast<std::size_t>(i)].accuracy);
    }
    ASSERT_EQ(heldOut->dataCount(), 3); // steps 0, 100 and 200
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(heldOut->data()->at(i)->key, 100 * i);
        EXPECT_DOUBLE_EQ(heldOut->data()->at(i)->value,
                         trainer.evaluations()[static_cast<std::size_t>(i)].accuracy);
    }
    EXPECT_GT(heldOut->data()->at(2)->value, heldOut->data()->at(0)->value);
}

} // namespace test_learn_page
