// CompareView: the difference map equals A − B cell by cell, the row table carries the KL
// divergence and entropy change, copying and swapping settings work, and mismatched tokens give
// a message instead of a comparison.

#include "ui/attention_controller.h"
#include "ui/compare_view.h"
#include "ui/controls_panel.h"
#include "ui/heatmap_view.h"

#include "core/model/builtin_model.h"
#include "core/teaching/compare.h"

#include "compare_workspace.h"

#include <gtest/gtest.h>

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTest>

#include <cmath>
#include <memory>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_compare_view {

using namespace attnlab;
using attnlab::ui::AttentionController;
using attnlab::ui::CompareView;

namespace {

using Workspace = attnlab::testing::CompareWorkspace;

core::Config sentenceConfig() {
    core::Config config;
    config.sentence = "the animal did not cross the street because it was tired";
    config.dModel = 16;
    config.heads = 2;
    config.projection = core::ProjectionInit::Random;
    return config;
}

} // namespace

TEST(CompareView, DifferenceMapEqualsAMinusBCellByCell) {
    Workspace w;
    w.compute(sentenceConfig()); // A: scaled-dot; B starts as dot
    w.waitForB();
    ASSERT_NE(w.view.resultA(), nullptr);
    ASSERT_NE(w.view.resultB(), nullptr);
    EXPECT_EQ(w.view.resultB()->config.scoring, core::ScoringFunction::Dot);
    EXPECT_EQ(w.view.resultB()->config.sentence, w.view.resultA()->config.sentence);
    ASSERT_TRUE(w.view.comparison().has_value()) << w.view.message().toStdString();
    const core::Matrix& a = w.view.resultA()->maps.weights[0];
    const core::Matrix& b = w.view.resultB()->maps.weights[0];
    for (int q = 0; q < a.rows(); ++q)
        for (int k = 0; k < a.cols(); ++k)
            EXPECT_FLOAT_EQ(static_cast<float>(w.view.differenceAt(q, k)), a(q, k) - b(q, k))
                << q << ", " << k;
    EXPECT_TRUE(std::isnan(w.view.differenceAt(a.rows(), 0)));
    // The colour range is symmetric around 0 and covers the largest difference.
    EXPECT_NEAR(w.view.differenceRange(), (a - b).cwiseAbs().maxCoeff(), 1e-6);

    // The row table: one row per query with KL(A‖B) and ΔH from the core.
    const core::Comparison expected =
        core::compareMaps(w.view.resultA()->maps, w.view.resultB()->maps, 0, 0);
    QTableWidget* table = w.view.rowTable();
    ASSERT_EQ(table->rowCount(), a.rows());
    EXPECT_EQ(table->item(1, 0)->text(), QStringLiteral("animal"));
    EXPECT_EQ(table->item(1, 1)->text(), ui::HeatmapView::formatNumber(expected.klAB(1)));
    EXPECT_TRUE(table->item(1, 5)->text().endsWith(
        ui::HeatmapView::formatNumber(std::abs(expected.entropyChange(1)))));
    EXPECT_TRUE(w.view.message().contains(QStringLiteral("largest |A − B|")))
        << w.view.message().toStdString();

    // The mean of the heads.
    w.view.setComparedHead(core::kMeanOfHeads);
    const core::Matrix mean = w.view.resultA()->maps.mean[0] - w.view.resultB()->maps.mean[0];
    EXPECT_FLOAT_EQ(static_cast<float>(w.view.differenceAt(2, 3)), mean(2, 3));
}

TEST(CompareView, ChangingSideBRecomputesItOnTheSameSentence) {
    Workspace w;
    w.compute(sentenceConfig());
    w.waitForB();
    w.view.controlsB()->temperatureBox()->setValue(5.0);
    w.waitForB();
    EXPECT_FLOAT_EQ(w.view.resultB()->config.temperature, 5.0f);
    ASSERT_TRUE(w.view.comparison().has_value());
    // A hotter B is flatter: entropy goes up in every row.
    for (Eigen::Index i = 0; i < w.view.comparison()->entropyChange.size(); ++i)
        EXPECT_GT(w.view.comparison()->entropyChange(i), 0.0f) << i;

    // A new sentence in the workspace: B follows.
    core::Config next = sentenceConfig();
    next.sentence = "我 爱 深度 学习";
    w.compute(next);
    w.waitForB();
    EXPECT_EQ(w.view.resultB()->config.sentence, next.sentence);
    EXPECT_EQ(w.view.resultB()->maps.queryTokens.size(), w.view.resultA()->maps.queryTokens.size());
}

TEST(CompareView, CopyAndSwapSettings) {
    Workspace w;
    w.compute(sentenceConfig());
    w.waitForB();
    w.view.copyAToB();
    w.waitForB();
    ASSERT_TRUE(w.view.comparison().has_value());
    EXPECT_EQ(w.view.comparison()->maxAbsDifference, 0.0f) << "identical settings";

    w.view.controlsB()->scoringBox()->setCurrentIndex(w.view.controlsB()->scoringBox()->findData(
        static_cast<int>(core::ScoringFunction::Cosine)));
    w.waitForB();
    QSignalSpy spy(&w.view, &CompareView::configRequested);
    w.view.swapSides();
    w.waitForB();
    ASSERT_EQ(spy.count(), 1);
    EXPECT_EQ(w.controller.config().scoring, core::ScoringFunction::Cosine) << "A took B's";
    EXPECT_EQ(w.view.configB().scoring, core::ScoringFunction::ScaledDot) << "B took A's";
    EXPECT_EQ(w.view.resultA()->config.scoring, core::ScoringFunction::Cosine);
    EXPECT_EQ(w.view.resultB()->config.scoring, core::ScoringFunction::ScaledDot);

    w.view.copyBToA();
    EXPECT_EQ(w.controller.config().scoring, core::ScoringFunction::ScaledDot);
    EXPECT_EQ(w.controller.config().sentence, sentenceConfig().sentence);
}

TEST(CompareView, DifferentTokensGiveAMessageNotAComparison) {
    Workspace w;
    w.compute(sentenceConfig());
    w.waitForB();
    w.view.controlsB()->tokenizerBox()->setCurrentIndex(
        w.view.controlsB()->tokenizerBox()->findData(static_cast<int>(core::TokenizerMode::Char)));
    w.waitForB();
    EXPECT_FALSE(w.view.comparison().has_value());
    EXPECT_TRUE(w.view.message().contains(QStringLiteral("tokens")))
        << w.view.message().toStdString();
    EXPECT_EQ(w.view.rowTable()->rowCount(), 0);
}

TEST(CompareView, LargeInputsRunOnTheWorker) {
    Workspace w;
    w.view.controllerB()->setSyncWorkLimit(0); // everything on the worker, as for long texts
    w.compute(sentenceConfig());
    w.waitForB();
    ASSERT_NE(w.view.resultB(), nullptr);
    EXPECT_TRUE(w.view.comparison().has_value());
}

} // namespace test_compare_view
