// setPlotLineScale: every pen of a chart scales from its original width, repeated calls never
// compound, scale 1 restores the chart exactly, and hidden pens stay hidden.

#include "ui/plot_lines.h"

#include <gtest/gtest.h>
#include <qcustomplot.h>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_plot_lines {

using attnlab::ui::scaledPenWidth;
using attnlab::ui::setPlotLineScale;

TEST(PlotLines, ScaledPenWidth) {
    EXPECT_DOUBLE_EQ(scaledPenWidth(2.0, 2.0), 4.0);
    EXPECT_DOUBLE_EQ(scaledPenWidth(1.5, 1.0), 1.5);
    EXPECT_DOUBLE_EQ(scaledPenWidth(0.0, 1.0), 0.0); // cosmetic stays cosmetic
    EXPECT_DOUBLE_EQ(scaledPenWidth(0.0, 2.5), 2.5);
}

TEST(PlotLines, EveryPenScalesFromItsOriginalWidth) {
    QCustomPlot plot;
    QCPGraph* graph = plot.addGraph();
    graph->setPen(QPen(Qt::blue, 2.0));
    auto* bars = new QCPBars(plot.xAxis, plot.yAxis);
    bars->setPen(Qt::NoPen);
    auto* rect = new QCPItemRect(&plot);
    rect->setPen(QPen(Qt::black, 1.5));
    auto* marker = new QCPItemStraightLine(&plot);
    marker->setPen(QPen(Qt::red, 1.2, Qt::DotLine));
    plot.xAxis->setBasePen(QPen(Qt::gray, 1.0));
    plot.xAxis->grid()->setPen(QPen(Qt::lightGray, 0.0));

    setPlotLineScale(&plot, 2.0);
    setPlotLineScale(&plot, 2.0); // twice: still twice the original, not four times
    EXPECT_DOUBLE_EQ(graph->pen().widthF(), 4.0);
    EXPECT_EQ(bars->pen().style(), Qt::NoPen);
    EXPECT_DOUBLE_EQ(rect->pen().widthF(), 3.0);
    EXPECT_DOUBLE_EQ(marker->pen().widthF(), 2.4);
    EXPECT_EQ(marker->pen().style(), Qt::DotLine);
    EXPECT_EQ(marker->pen().color(), QColor(Qt::red));
    EXPECT_DOUBLE_EQ(plot.xAxis->basePen().widthF(), 2.0);
    EXPECT_DOUBLE_EQ(plot.xAxis->grid()->pen().widthF(), 2.0);

    setPlotLineScale(&plot, 1.0);
    EXPECT_DOUBLE_EQ(graph->pen().widthF(), 2.0);
    EXPECT_DOUBLE_EQ(rect->pen().widthF(), 1.5);
    EXPECT_DOUBLE_EQ(marker->pen().widthF(), 1.2);
    EXPECT_DOUBLE_EQ(plot.xAxis->basePen().widthF(), 1.0);
    EXPECT_DOUBLE_EQ(plot.xAxis->grid()->pen().widthF(), 0.0);
}

} // namespace test_plot_lines
