// The Learn page's per-head score table and timeline: the table shows the core's scores of the
// step on screen ("—" where a score does not apply, the best-aligned head highlighted), and the
// timeline scrubs back through the snapshots (heatmaps, scores and a marker on the curves of
// that step), stays where the user put it while training runs, and follows the newest frame
// again at its end or with Live. Every wait is on a signal or a condition.

#include "heatmap_testing.h"
#include "ui/heatmap_view.h"
#include "ui/learn_page.h"
#include "ui/learn_scores.h"

#include "core/trained/trained_model.h"
#include "core/training/trainer.h"

#include "eigen_testing.h"

#include <gtest/gtest.h>
#include <qcustomplot.h>

#include <QPushButton>
#include <QSignalSpy>
#include <QSlider>
#include <QTest>

#include <memory>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_learn_page_scores {

using namespace attnlab;
using ui::HeadScoreTable;
using ui::HeatmapView;
using ui::LearnPage;
namespace training = core::training;

namespace {

training::TrainSettings smallSettings() {
    training::TrainSettings s;
    s.task.kind = training::TaskKind::Reverse;
    s.task.length = 4;
    s.layers = 2;
    s.heads = 2;
    s.steps = 250;
    s.seed = 3;
    return s;
}

using attnlab::testing::viewMatrix;

// The page's settings trained `steps` steps without the page.
std::unique_ptr<training::Trainer> trained(const training::TrainSettings& settings, int steps) {
    auto trainer = std::make_unique<training::Trainer>(settings);
    for (int i = 0; i < steps; ++i)
        trainer->trainStep();
    return trainer;
}

core::ModelOutput probeOf(const training::Trainer& trainer) {
    const auto input = core::trainedInputOf(trainer.probe(), trainer.task().vocabulary(), 0);
    return core::trainedModelOutput(trainer.modelConfig(), trainer.parameters(),
                                    trainer.task().vocabulary(), input, {}, "reverse");
}

// Every cell of the table is the core's number for that head, as the table writes it.
void expectTableShows(const HeadScoreTable& table, const training::Evaluation& expected) {
    EXPECT_EQ(table.shownStep(), expected.step);
    ASSERT_EQ(table.rowCount(), static_cast<int>(expected.heads.size()));
    for (int row = 0; row < table.rowCount(); ++row) {
        const training::HeadScores& s = expected.heads[static_cast<std::size_t>(row)];
        EXPECT_EQ(table.item(row, HeadScoreTable::LayerColumn)->text().toInt(), s.layer + 1);
        EXPECT_EQ(table.item(row, HeadScoreTable::HeadColumn)->text().toInt(), s.head + 1);
        const std::pair<int, std::optional<double>> scores[] = {
            {HeadScoreTable::AlignmentColumn, s.alignment},
            {HeadScoreTable::PreviousColumn, s.previousToken},
            {HeadScoreTable::InductionColumn, s.induction},
            {HeadScoreTable::DiagonalColumn, s.diagonal}};
        for (const auto& [column, score] : scores) {
            const QString text = table.item(row, column)->text();
            if (score)
                EXPECT_NEAR(text.toDouble(), *score, 0.005) << "row " << row << " col " << column;
            else
                EXPECT_EQ(text, QStringLiteral("—")) << "row " << row << " col " << column;
        }
    }
    EXPECT_EQ(table.highlightedRow(), expected.bestHead);
}

class LearnScoresTest : public ::testing::Test {
protected:
    void SetUp() override {
        m_page = std::make_unique<LearnPage>();
        m_page->resize(1200, 800);
        m_page->setSettings(smallSettings());
        m_page->show();
        ASSERT_TRUE(QTest::qWaitForWindowExposed(m_page.get()));
    }
    void trainToEnd() {
        QSignalSpy stopped(m_page.get(), &LearnPage::trainingStopped);
        m_page->start();
        ASSERT_TRUE(stopped.wait(60000));
    }
    std::unique_ptr<LearnPage> m_page;
};

} // namespace

TEST_F(LearnScoresTest, TableShowsTheCoreScoresOfEveryHead) {
    // Step 0: the seed's weights, scored already.
    const auto initial = trained(m_page->settings(), 0);
    expectTableShows(*m_page->scoreTable(), initial->evaluations().front());
    EXPECT_TRUE(m_page->scoreTable()->isColumnHidden(HeadScoreTable::KindColumn))
        << "a decoder-only model has one kind of attention";

    trainToEnd();
    const auto expected = trained(m_page->settings(), 250);
    ASSERT_EQ(expected->evaluations().size(), 3u); // steps 0, 100, 200
    // Between snapshots the table shows the last evaluation's scores (step 200).
    expectTableShows(*m_page->scoreTable(), expected->evaluations().back());
    const training::Evaluation& last = expected->evaluations().back();
    ASSERT_GE(last.bestHead, 0) << "reverse has an ideal alignment";
    // The best-aligned head is highlighted: bold, and a background the others do not have.
    const HeadScoreTable& table = *m_page->scoreTable();
    const QTableWidgetItem* best = table.item(last.bestHead, HeadScoreTable::AlignmentColumn);
    EXPECT_TRUE(best->font().bold());
    EXPECT_NE(best->background().style(), Qt::NoBrush);
    for (int row = 0; row < table.rowCount(); ++row) {
        if (row == last.bestHead)
            continue;
        EXPECT_FALSE(table.item(row, HeadScoreTable::AlignmentColumn)->font().bold());
        EXPECT_EQ(table.item(row, HeadScoreTable::AlignmentColumn)->background().style(),
                  Qt::NoBrush);
    }
    // Reverse has no earlier copy of a token to look up: no induction score, shown as "—".
    for (int row = 0; row < table.rowCount(); ++row) {
        if (!last.heads[static_cast<std::size_t>(row)].induction) {
            EXPECT_EQ(table.item(row, HeadScoreTable::InductionColumn)->text(),
                      QStringLiteral("—"));
        }
    }
    // Every score column explains itself.
    for (int column = 0; column < HeadScoreTable::ColumnCount; ++column)
        EXPECT_FALSE(table.horizontalHeaderItem(column)->toolTip().isEmpty()) << column;
}

TEST_F(LearnScoresTest, EncoderDecoderRowsPerKindOfAttention) {
    training::TrainSettings s = smallSettings();
    s.task.kind = training::TaskKind::Translation;
    s.task.length = 0;
    s.layers = 1;
    s.heads = 2;
    m_page->setSettings(s);
    const training::Trainer expected(m_page->settings());
    const training::Evaluation& scores = expected.evaluations().front();
    // Encoder self, decoder self and cross: a row per head of each.
    ASSERT_EQ(scores.heads.size(), 6u);
    expectTableShows(*m_page->scoreTable(), scores);
    EXPECT_FALSE(m_page->scoreTable()->isColumnHidden(HeadScoreTable::KindColumn));
    QStringList kinds;
    for (int row = 0; row < 6; ++row)
        kinds << m_page->scoreTable()->item(row, HeadScoreTable::KindColumn)->text();
    kinds.removeDuplicates();
    EXPECT_EQ(kinds.size(), 3);
}

TEST_F(LearnScoresTest, TimelineScrubsBackThroughTheSnapshots) {
    trainToEnd();
    QSlider* timeline = m_page->timeline();
    // Snapshots at 0, 100 and 200, then the newest frame at 250.
    ASSERT_EQ(m_page->snapshots().size(), 3u);
    ASSERT_EQ(timeline->maximum(), 3);
    EXPECT_EQ(timeline->value(), 3);
    EXPECT_TRUE(m_page->followsNewest());
    EXPECT_EQ(m_page->markedStep(), -1);

    const auto at100 = trained(m_page->settings(), 100);
    timeline->setValue(1);
    EXPECT_FALSE(m_page->followsNewest());
    EXPECT_EQ(m_page->shownStep(), 100);
    EXPECT_EQ(m_page->markedStep(), 100) << "the curves mark the step on screen";
    const core::ModelOutput expected = probeOf(*at100);
    ASSERT_EQ(m_page->heatmapViews().size(), 4);
    for (int i = 0; i < 4; ++i)
        EXPECT_EIGEN_NEAR(viewMatrix(*m_page->heatmapViews()[i]),
                          expected.maps.weightsOf(i / 2, i % 2), 1e-6);
    expectTableShows(*m_page->scoreTable(), at100->evaluations().back());

    timeline->setValue(0);
    EXPECT_EQ(m_page->shownStep(), 0);
    EXPECT_EQ(m_page->scoreTable()->shownStep(), 0);

    // The right end is the newest frame again.
    timeline->setValue(3);
    EXPECT_TRUE(m_page->followsNewest());
    EXPECT_EQ(m_page->shownStep(), 250);
    EXPECT_EQ(m_page->markedStep(), -1);
    const core::ModelOutput newest = probeOf(*trained(m_page->settings(), 250));
    for (int i = 0; i < 4; ++i)
        EXPECT_EIGEN_NEAR(viewMatrix(*m_page->heatmapViews()[i]),
                          newest.maps.weightsOf(i / 2, i % 2), 1e-6);

    // Reset empties the timeline down to step 0.
    m_page->reset();
    EXPECT_EQ(m_page->snapshots().size(), 1u);
    EXPECT_EQ(timeline->maximum(), 0);
    EXPECT_TRUE(m_page->followsNewest());
}

TEST_F(LearnScoresTest, TimelineStaysBackWhileTrainingUntilLive) {
    training::TrainSettings s = smallSettings();
    s.steps = 100000;
    s.layers = 1;
    s.heads = 1;
    m_page->setSettings(s);
    ASSERT_EQ(m_page->settings().evalEvery, 100);
    m_page->start();
    ASSERT_TRUE(QTest::qWaitFor([&] { return m_page->snapshots().size() >= 3; }, 60000));
    QSlider* timeline = m_page->timeline();
    EXPECT_TRUE(m_page->followsNewest());
    EXPECT_EQ(timeline->value(), timeline->maximum()) << "it follows the newest frame";

    timeline->setValue(1);
    EXPECT_EQ(m_page->shownStep(), 100);
    const int maximum = timeline->maximum();
    // More snapshots arrive; the page stays on the one the user chose.
    ASSERT_TRUE(QTest::qWaitFor(
        [&] { return timeline->maximum() >= maximum + 2 && m_page->isTraining(); }, 60000));
    EXPECT_EQ(timeline->value(), 1);
    EXPECT_EQ(m_page->shownStep(), 100);
    EXPECT_EQ(m_page->scoreTable()->shownStep(), 100);
    EXPECT_EQ(m_page->markedStep(), 100);

    // Live: back to the newest frame, and following again.
    QSignalSpy frames(m_page.get(), &LearnPage::frameShown);
    auto* live = m_page->findChild<QPushButton*>(QStringLiteral("live"));
    ASSERT_NE(live, nullptr);
    EXPECT_TRUE(live->isEnabled());
    live->click();
    EXPECT_TRUE(m_page->followsNewest());
    ASSERT_TRUE(frames.wait(60000));
    EXPECT_EQ(timeline->value(), timeline->maximum());
    EXPECT_EQ(m_page->shownStep(), frames.back().front().toInt());
    EXPECT_EQ(m_page->markedStep(), -1);

    QSignalSpy stopped(m_page.get(), &LearnPage::trainingStopped);
    m_page->pause();
    ASSERT_TRUE(stopped.wait(60000));
}

} // namespace test_learn_page_scores
