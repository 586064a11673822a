// The Learn page's race: the pickers' settings and a rival that changes one setting train side
// by side on the same data and seed; the two loss curves on one chart are bit for bit those of
// two separate runs of the two settings, the legend names them, and both probes' heatmaps are
// shown. Pause stops both, and resuming goes on bit for bit. The exports of a race show both
// models. Every wait is on a signal.

#include "heatmap_testing.h"
#include "ui/heatmap_view.h"
#include "ui/learn_page.h"

#include "core/film/learning_film.h"
#include "core/trained/trained_model.h"
#include "core/training/trainer.h"

#include "eigen_testing.h"

#include <gtest/gtest.h>
#include <qcustomplot.h>

#include <QComboBox>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <memory>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_learn_page_race {

using namespace attnlab;
using ui::HeatmapView;
using ui::LearnPage;
namespace training = core::training;

namespace {

training::TrainSettings smallSettings() {
    training::TrainSettings s;
    s.task.kind = training::TaskKind::Reverse;
    s.task.length = 4;
    s.layers = 1;
    s.heads = 2;
    s.steps = 120;
    s.seed = 4;
    return s;
}

using attnlab::testing::viewMatrix;

void chooseRival(LearnPage& page, const char* choice) {
    const int index = page.raceChoice()->findData(QString::fromLatin1(choice));
    ASSERT_GE(index, 0) << choice;
    page.raceChoice()->setCurrentIndex(index);
}

void expectCurveIs(const QCPGraph* graph, const training::Trainer& run) {
    ASSERT_EQ(graph->dataCount(), static_cast<int>(run.history().size()));
    for (int i = 0; i < graph->dataCount(); ++i) {
        EXPECT_EQ(graph->data()->at(i)->key, i + 1);
        EXPECT_EQ(graph->data()->at(i)->value, run.history()[static_cast<std::size_t>(i)].loss)
            << "step " << i + 1;
    }
}

void expectViewsShow(const QList<HeatmapView*>& views, const training::Trainer& run) {
    const auto input = core::trainedInputOf(run.probe(), run.task().vocabulary(), 0);
    const core::ModelOutput expected = core::trainedModelOutput(
        run.modelConfig(), run.parameters(), run.task().vocabulary(), input, {}, "reverse");
    const int heads = run.modelConfig().heads;
    ASSERT_EQ(views.size(), run.modelConfig().layers * heads);
    for (int i = 0; i < views.size(); ++i)
        EXPECT_EIGEN_NEAR(viewMatrix(*views[i]), expected.maps.weightsOf(i / heads, i % heads),
                          1e-6);
}

class LearnRaceTest : public ::testing::Test {
protected:
    void SetUp() override {
        m_page = std::make_unique<LearnPage>();
        m_page->resize(1200, 800);
        m_page->setSettings(smallSettings());
        m_page->show();
        ASSERT_TRUE(QTest::qWaitForWindowExposed(m_page.get()));
    }
    std::unique_ptr<LearnPage> m_page;
};

} // namespace

TEST_F(LearnRaceTest, TwoCurvesEqualTwoSeparateRuns) {
    EXPECT_FALSE(m_page->isRacing());
    EXPECT_EQ(m_page->lossPlot()->graphCount(), 1);
    EXPECT_TRUE(m_page->rivalHeatmapViews().isEmpty());

    chooseRival(*m_page, "scoring=additive");
    ASSERT_TRUE(m_page->isRacing());
    const training::TrainSettings mine = m_page->settings();
    const std::optional<training::TrainSettings> theirs = m_page->rivalSettings();
    ASSERT_TRUE(theirs);
    EXPECT_EQ(theirs->scoring, core::ScoringFunction::Additive);
    EXPECT_EQ(mine.scoring, core::ScoringFunction::ScaledDot);
    EXPECT_EQ(theirs->seed, mine.seed);
    // Step 0: both models' heatmaps, side by side.
    ASSERT_EQ(m_page->rivalHeatmapViews().size(), 2);
    {
        const training::Trainer rival(*theirs);
        expectViewsShow(m_page->rivalHeatmapViews(), rival);
    }

    QSignalSpy stopped(m_page.get(), &LearnPage::trainingStopped);
    m_page->start();
    ASSERT_TRUE(stopped.wait(120000));
    EXPECT_EQ(stopped.front().front().toInt(), 120);

    training::Trainer first(mine), second(*theirs);
    for (int i = 0; i < 120; ++i) {
        first.trainStep();
        second.trainStep();
    }
    ASSERT_EQ(m_page->lossPlot()->graphCount(), 2) << "two curves on one chart";
    expectCurveIs(m_page->lossPlot()->graph(0), first);
    expectCurveIs(m_page->lossPlot()->graph(1), second);
    EXPECT_NE(first.history().back().loss, second.history().back().loss)
        << "the settings differ, so do the curves";
    // The legend names the two settings.
    EXPECT_TRUE(m_page->lossPlot()->legend->visible());
    EXPECT_EQ(m_page->lossPlot()->graph(0)->name(), QStringLiteral("Scaled dot product"));
    EXPECT_EQ(m_page->lossPlot()->graph(1)->name(), QStringLiteral("Additive"));
    // Both models' heatmaps at the last step.
    expectViewsShow(m_page->heatmapViews(), first);
    expectViewsShow(m_page->rivalHeatmapViews(), second);
    // The rival's held-out accuracy beside the pickers' (steps 0 and 100).
    ASSERT_EQ(m_page->accuracyPlot()->graphCount(), 3);
    EXPECT_EQ(m_page->accuracyPlot()->graph(2)->dataCount(), 2);
    EXPECT_EQ(m_page->accuracyPlot()->graph(2)->data()->at(1)->value,
              second.evaluations()[1].accuracy);

    // No race again: one curve, one set of heatmaps.
    chooseRival(*m_page, "");
    EXPECT_FALSE(m_page->isRacing());
    EXPECT_EQ(m_page->lossPlot()->graphCount(), 1);
    EXPECT_TRUE(m_page->rivalHeatmapViews().isEmpty());
    EXPECT_EQ(m_page->heatmapViews().size(), 2);
}

TEST_F(LearnRaceTest, RivalEqualToThePickersIsNoRace) {
    // The pickers already use softmax: a "softmax" rival would change nothing.
    chooseRival(*m_page, "normalizer=softmax");
    EXPECT_FALSE(m_page->rivalSettings());
    EXPECT_FALSE(m_page->isRacing());
}

TEST_F(LearnRaceTest, PauseStopsBothAndResumesBitForBit) {
    training::TrainSettings s = smallSettings();
    s.steps = 10;
    m_page->setSettings(s);
    chooseRival(*m_page, "positional=rope");
    ASSERT_TRUE(m_page->isRacing());
    // Pauses at a point of the third step (of either trainer: they run on two threads).
    std::atomic<int> points{0};
    m_page->setCancelPointHook([&] {
        // Two trainers × 2 steps × 11 points (1 layer of 2 heads: forward the projections, each
        // head and the block, backward ∂W_o and ∂C, each head, the weight gradients and the
        // block, and the output layer each way), then one more.
        if (++points == 2 * 2 * 11 + 1)
            m_page->pause();
    });
    QSignalSpy stopped(m_page.get(), &LearnPage::trainingStopped);
    m_page->start();
    ASSERT_TRUE(stopped.wait(120000));
    EXPECT_FALSE(m_page->isTraining());
    const int pausedAt = stopped.front().front().toInt();
    EXPECT_LE(pausedAt, 3);
    EXPECT_LT(pausedAt, 10);

    m_page->setCancelPointHook({});
    stopped.clear();
    m_page->start();
    ASSERT_TRUE(stopped.wait(120000));
    EXPECT_EQ(stopped.front().front().toInt(), 10);
    training::Trainer first(m_page->settings()), second(*m_page->rivalSettings());
    for (int i = 0; i < 10; ++i) {
        first.trainStep();
        second.trainStep();
    }
    expectCurveIs(m_page->lossPlot()->graph(0), first);
    expectCurveIs(m_page->lossPlot()->graph(1), second);
}

TEST_F(LearnRaceTest, ExportsShowBothModels) {
    chooseRival(*m_page, "scoring=additive");
    ASSERT_TRUE(m_page->isRacing());
    QSignalSpy stopped(m_page.get(), &LearnPage::trainingStopped);
    m_page->start();
    ASSERT_TRUE(stopped.wait(120000));
    EXPECT_EQ(m_page->exportableSteps(), (std::vector<int>{0, 100, 120}));

    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    const QString gif = dir.filePath(QStringLiteral("race.gif"));
    const QString strip = dir.filePath(QStringLiteral("race.png"));
    ASSERT_TRUE(m_page->exportGif(gif));
    ASSERT_TRUE(m_page->exportStrip(strip, {0, 120}));

    // The same bytes as the core's race export of the same two runs, made without the page.
    training::Race race(m_page->settings(), *m_page->rivalSettings());
    race.run(120);
    const QString directGif = dir.filePath(QStringLiteral("direct.gif"));
    const QString directStrip = dir.filePath(QStringLiteral("direct.png"));
    core::film::writeRaceGif(directGif.toStdString(), race.first(), race.second());
    core::film::writeRaceStrip(directStrip.toStdString(), race.first(), race.second(), {0, 120});
    const auto bytes = [](const QString& path) {
        QFile file(path);
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    };
    EXPECT_FALSE(bytes(gif).isEmpty());
    EXPECT_EQ(bytes(gif), bytes(directGif));
    EXPECT_EQ(bytes(strip), bytes(directStrip));
    // And not the single-model film: a race's frames are taller (two models stacked).
    const QString single = dir.filePath(QStringLiteral("single.gif"));
    core::film::writeLearningGif(single.toStdString(), core::film::allFrames(race.first()));
    EXPECT_NE(bytes(gif), bytes(single));
}

} // namespace test_learn_page_race
