// QueuedResizePlot: resizes coalesce into one redraw at the final size on the event loop's next
// turn, and a paint that comes first never shows the drawing of the old size.

#include "ui/queued_resize_plot.h"

#include <gtest/gtest.h>
#include <qcustomplot.h>

#include <QImage>
#include <QSignalSpy>
#include <QTest>

namespace test_queued_resize_plot {

using attnlab::ui::QueuedResizePlot;

// A plot with a frame of its own size: the frame's right edge moves with every resize.
struct Plot {
    QueuedResizePlot widget;
    Plot() {
        widget.setBackground(Qt::white);
        widget.xAxis->setRange(0, 1);
        widget.yAxis->setRange(0, 1);
        widget.resize(300, 200);
        widget.show();
        EXPECT_TRUE(QTest::qWaitForWindowExposed(&widget));
        widget.replot();
    }
};

TEST(QueuedResizePlot, ResizesWithinOneTurnRedrawOnceAtTheFinalSize) {
    Plot plot;
    QSignalSpy replots(&plot.widget, &QCustomPlot::afterReplot);
    plot.widget.resize(320, 210);
    plot.widget.resize(340, 220);
    plot.widget.resize(360, 230);
    EXPECT_EQ(replots.count(), 0) << "a resize redrew at once";
    ASSERT_TRUE(QTest::qWaitFor([&] { return replots.count() > 0; }));
    QCoreApplication::processEvents();
    EXPECT_EQ(replots.count(), 1);
    EXPECT_EQ(plot.widget.viewport(), QRect(0, 0, 360, 230));
    EXPECT_EQ(plot.widget.axisRect()->outerRect().right(), 359);
}

TEST(QueuedResizePlot, APaintBeforeTheNextTurnDrawsTheNewSize) {
    Plot plot;
    QSignalSpy replots(&plot.widget, &QCustomPlot::afterReplot);
    plot.widget.resize(400, 260);
    // Painted right away, before the queued redraw: the image is drawn for 400 × 260.
    const QImage shot = plot.widget.grab().toImage();
    EXPECT_EQ(replots.count(), 1) << "the paint did not redraw the stale plot";
    EXPECT_EQ(shot.size(), QSize(400, 260));
    EXPECT_EQ(plot.widget.axisRect()->outerRect().right(), 399);
    // The queued turn finds nothing stale and draws nothing more.
    QCoreApplication::processEvents();
    QCoreApplication::processEvents();
    EXPECT_EQ(replots.count(), 1);
}

} // namespace test_queued_resize_plot
