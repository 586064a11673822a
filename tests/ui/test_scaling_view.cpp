// ScalingView: the study runs off the UI thread, its numbers reach the charts unchanged, the
// plotted variance grows like d_k without scaling and stays flat with it, and the histogram
// counts the current head's raw scores.

#include "ui/scaling_view.h"

#include "core/model/builtin_model.h"

#include <qcustomplot.h>

#include <gtest/gtest.h>

#include <QSignalSpy>
#include <QTest>

#include <cmath>
#include <memory>
#include <numeric>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_scaling_view {

using namespace attnlab;
using attnlab::ui::ScalingView;

namespace {

QVector<double> values(QCPGraph* graph) {
    QVector<double> out;
    for (auto it = graph->data()->constBegin(); it != graph->data()->constEnd(); ++it)
        out << it->value;
    return out;
}

QVector<double> keys(QCPGraph* graph) {
    QVector<double> out;
    for (auto it = graph->data()->constBegin(); it != graph->data()->constEnd(); ++it)
        out << it->key;
    return out;
}

} // namespace

TEST(ScalingView, ChartsShowTheStudy) {
    ScalingView view;
    EXPECT_FALSE(view.isRunning()) << "nothing runs before the page is shown";
    QSignalSpy finished(&view, &ScalingView::studyFinished);
    view.resize(1000, 700);
    view.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&view));
    view.waitForStudy();
    ASSERT_EQ(finished.count(), 1);
    const core::ScalingStudy& study = view.study();
    ASSERT_EQ(study.points.size(), core::defaultStudyDims().size());

    QCPGraph* raw = view.variancePlot()->graph(0);
    QCPGraph* scaled = view.variancePlot()->graph(1);
    const QVector<double> dims = keys(raw);
    ASSERT_EQ(dims.size(), static_cast<qsizetype>(study.points.size()));
    EXPECT_EQ(dims.front(), 1.0);
    EXPECT_EQ(dims.back(), 512.0);
    EXPECT_EQ(view.variancePlot()->xAxis->scaleType(), QCPAxis::stLogarithmic);
    const QVector<double> varRaw = values(raw), varScaled = values(scaled);
    // Var(q·k) ≈ d_k without scaling and ≈ 1 with it (statistical tolerance, see the core test).
    for (qsizetype i = 0; i < dims.size(); ++i) {
        EXPECT_EQ(varRaw[i], study.points[static_cast<std::size_t>(i)].varianceRaw);
        EXPECT_NEAR(varRaw[i] / dims[i], 1.0, 0.25) << "d_k = " << dims[i];
        EXPECT_NEAR(varScaled[i], 1.0, 0.25) << "d_k = " << dims[i];
    }
    // Entropy collapses without scaling, not with it; the largest weight does the opposite.
    const QVector<double> entropyRaw = values(view.entropyPlot()->graph(0));
    const QVector<double> entropyScaled = values(view.entropyPlot()->graph(1));
    EXPECT_LT(entropyRaw.back(), 0.5 * entropyRaw.front());
    EXPECT_NEAR(entropyScaled.back(), entropyScaled[3], 0.15);
    const QVector<double> maxRaw = values(view.maxWeightPlot()->graph(0));
    EXPECT_GT(maxRaw.back(), 0.85);
    // The reference line of the entropy chart is ln(keys).
    EXPECT_NEAR(values(view.entropyPlot()->graph(2)).front(), std::log(10.0), 1e-12);
}

TEST(ScalingView, MoreKeysRerunTheStudy) {
    ScalingView view;
    view.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&view));
    view.waitForStudy();
    view.runStudy(32, 5);
    EXPECT_TRUE(view.isRunning());
    view.waitForStudy();
    EXPECT_FALSE(view.isRunning());
    EXPECT_EQ(view.study().config.keys, 32);
    EXPECT_NEAR(view.study().uniformEntropy, std::log(32.0), 1e-12);
}

TEST(ScalingView, HistogramCountsTheCurrentHeadsRawScores) {
    core::Config config;
    config.sentence = "the animal did not cross the street because it was too tired";
    config.dModel = 32;
    config.heads = 2;
    config.scoring = core::ScoringFunction::Dot;
    const auto result = std::make_shared<const core::ModelOutput>(core::runBuiltin(config));
    ScalingView view;
    view.setResult(result);
    view.setSelection(1, 0, 0);
    view.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&view));
    EXPECT_EQ(view.histogramHead(), 1);
    const core::Histogram& h = view.histogram();
    const int cells = static_cast<int>(result->trace->heads[1].scores.size());
    EXPECT_EQ(h.values, cells);
    EXPECT_EQ(std::accumulate(h.counts.begin(), h.counts.end(), 0), cells);
    EXPECT_NEAR(h.mean, result->trace->heads[1].scores.cast<double>().mean(), 1e-4);
    EXPECT_DOUBLE_EQ(h.low, result->trace->heads[1].scores.minCoeff());
    // The bars drawn are the counts.
    auto* bars = qobject_cast<QCPBars*>(view.histogramPlot()->plottable(0));
    ASSERT_NE(bars, nullptr);
    double drawn = 0;
    for (auto it = bars->data()->constBegin(); it != bars->data()->constEnd(); ++it)
        drawn += it->value;
    EXPECT_EQ(drawn, cells);
    view.waitForStudy();
}

} // namespace test_scaling_view
