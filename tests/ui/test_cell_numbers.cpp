// Numbers printed in heatmap cells fit their cells: measured with the font they are drawn in,
// every printed number is narrower than its cell, on the difference map of Compare and on the
// heatmaps, at window sizes from small to large; a number that cannot fit is not printed (the
// value is given on hover).

#include "ui/attention_controller.h"
#include "ui/cell_numbers.h"
#include "ui/compare_view.h"
#include "ui/heatmap_view.h"

#include "core/model/builtin_model.h"

#include "compare_workspace.h"

#include <gtest/gtest.h>
#include <qcustomplot.h>

#include <QFontMetricsF>
#include <QTest>

#include <memory>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_cell_numbers {

using namespace attnlab;
using ui::AttentionController;
using ui::CompareView;

namespace {

core::Config sevenTokens() {
    core::Config config;
    config.sentence = "the animal did not cross the street";
    config.dModel = 16;
    config.heads = 2;
    config.projection = core::ProjectionInit::Random;
    return config;
}

} // namespace

TEST(CellNumbers, TextsUseATrueMinusAndNeverShowMinusZero) {
    EXPECT_EQ(ui::cellNumberText(0.4149, 2), QStringLiteral("0.41"));
    EXPECT_EQ(ui::cellNumberText(-0.031, 2), QStringLiteral("−0.03"));
    EXPECT_EQ(ui::cellNumberText(-0.001, 2), QStringLiteral("0.00"));
    EXPECT_EQ(ui::cellNumberText(-0.04, 1), QStringLiteral("0.0"));
    EXPECT_EQ(ui::cellNumberText(1.0, 1), QStringLiteral("1.0"));
}

TEST(CellNumbers, TheFittedFontFitsOrNothingIsShown) {
    QFont base;
    base.setPointSizeF(12);
    for (double width : {8.0, 16.0, 22.0, 30.0, 45.0, 80.0}) {
        const ui::CellNumberStyle style = ui::fitCellNumbers(base, QSizeF(width, 30), true);
        if (!style.shown)
            continue;
        const QFontMetricsF metrics(style.font);
        EXPECT_LE(metrics.horizontalAdvance(ui::cellNumberText(-0.88, style.decimals)), width);
        EXPECT_GE(style.font.pointSizeF(), ui::kMinCellNumberPt);
    }
    EXPECT_FALSE(ui::fitCellNumbers(base, QSizeF(8, 30), true).shown);
    EXPECT_EQ(ui::fitCellNumbers(base, QSizeF(80, 30), true).font.pointSizeF(), 12.0);
}

// Compare with seven tokens: at every window size each number on the difference map is
// narrower than its cell in the font it is drawn in.
TEST(CellNumbers, DifferenceMapNumbersFitTheirCells) {
    attnlab::testing::CompareWorkspace workspace;
    AttentionController& controller = workspace.controller;
    CompareView& view = workspace.view;
    controller.setConfig(sevenTokens());
    ASSERT_TRUE(view.controllerB()->waitForBackgroundWork(60000));
    ASSERT_TRUE(view.comparison().has_value()) << view.message().toStdString();
    QCustomPlot* plot = view.differencePlot();
    int printed = 0;
    for (const QSize size : {QSize(900, 600), QSize(1300, 800), QSize(1900, 1050)}) {
        view.resize(size);
        QCoreApplication::processEvents();
        plot->replot(QCustomPlot::rpImmediateRefresh);
        // For an eye check: the map as the user sees it, in the build folder.
        plot->grab().save(
            QStringLiteral(ATTNLAB_TEST_OUTPUT_DIR "/difference_map_%1.png").arg(size.width()));
        const QRect rect = plot->axisRect()->rect();
        const double cellWidth = rect.width() / 7.0;
        for (int i = 0; i < plot->itemCount(); ++i) {
            auto* text = qobject_cast<QCPItemText*>(plot->item(i));
            if (!text || !text->visible())
                continue;
            ++printed;
            const double width = QFontMetricsF(text->font()).horizontalAdvance(text->text());
            EXPECT_LE(width, cellWidth)
                << "'" << text->text().toStdString() << "' in a cell of " << cellWidth << " px at "
                << size.width() << " × " << size.height();
        }
    }
    EXPECT_GT(printed, 0) << "large cells print their numbers";
}

// A heatmap at sizes from its minimum up: printed numbers always fit.
TEST(CellNumbers, HeatmapNumbersFitTheirCells) {
    core::Config config = sevenTokens();
    config.sentence = "the animal did not cross the street because it was tired";
    const auto result = std::make_shared<const core::ModelOutput>(core::runBuiltin(config));
    ui::HeatmapView view;
    view.setData(result, 0);
    view.setShowValues(true);
    view.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&view));
    int drawn = 0;
    for (const QSize size : {QSize(160, 140), QSize(300, 260), QSize(520, 420), QSize(900, 800)}) {
        view.resize(size);
        QCoreApplication::processEvents();
        view.plot()->replot(QCustomPlot::rpImmediateRefresh);
        if (!view.valuesDrawn())
            continue;
        ++drawn;
        const double cellWidth = view.cellCenter(0, 1).x() - view.cellCenter(0, 0).x();
        const QFontMetricsF metrics(view.valueFont());
        for (int q = 0; q < view.queryCount(); ++q)
            for (int k = 0; k < view.keyCount(); ++k)
                EXPECT_LE(metrics.horizontalAdvance(view.valueText(q, k)), cellWidth)
                    << size.width() << " × " << size.height();
    }
    EXPECT_GT(drawn, 0);
}

} // namespace test_cell_numbers
