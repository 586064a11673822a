// Sixteen heads on a projector (1440 × 900, the screen this program's ctest entry gives it):
// every head map keeps cells of at least 200 × 150 pixels beside its labels, the maps use the
// width, no two drawn tick labels overlap, a map enlarges on a click of its title or a double
// click (and goes back the same way), and presentation mode gives the heatmaps more than half
// of the screen.

#include "ui/heatmap_view.h"
#include "ui/main_window.h"

#include "window_lab.h"

#include <gtest/gtest.h>

#include <qcustomplot.h>

#include <QApplication>
#include <QDockWidget>
#include <QScreen>
#include <QScrollArea>
#include <QSet>
#include <QTest>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_head_layout {

using namespace attnlab;
using attnlab::ui::HeatmapView;
using attnlab::ui::MainWindow;

namespace {

constexpr QSize kMatrixMinimum(200, 150);

core::Config sixteenHeads() {
    core::Config config;
    config.heads = 16;
    return config;
}

bool matricesAtLeast(const MainWindow& window, const QSize& minimum) {
    const QList<HeatmapView*> views = window.heatmapViews();
    if (views.size() != 17)
        return false;
    for (const HeatmapView* view : views)
        if (!view->isVisible() || view->matrixRect().width() < minimum.width() ||
            view->matrixRect().height() < minimum.height())
            return false;
    return true;
}

QWidget* heatmapViewport(const MainWindow& window) {
    return window.heatmapViews().front()->parentWidget()->parentWidget();
}

// Two drawn labels overlap when their outlines share more than a sliver of area.
void expectNoOverlap(const HeatmapView& view) {
    const QVector<QPolygonF> outlines = view.drawnLabelOutlines();
    ASSERT_GE(outlines.size(), 4) << "head " << view.head();
    for (qsizetype a = 0; a < outlines.size(); ++a) {
        EXPECT_TRUE(QRectF(view.rect()).adjusted(-1, -1, 1, 1).contains(outlines[a].boundingRect()))
            << "head " << view.head() << ": a label leaves the map";
        for (qsizetype b = a + 1; b < outlines.size(); ++b) {
            const QRectF common = outlines[a].intersected(outlines[b]).boundingRect();
            EXPECT_LT(common.width() * common.height(), 1.0)
                << "head " << view.head() << ": labels " << a << " and " << b << " overlap";
        }
    }
}

} // namespace

TEST(HeadLayout, TheTestScreenIsAProjectors) {
    const QSize screen = QGuiApplication::primaryScreen()->geometry().size();
    EXPECT_EQ(screen, QSize(1440, 900)) << "run through ctest, which sets the screen";
}

TEST(HeadLayout, SixteenHeadsKeepReadableMapsAt1440x900) {
    attnlab::testing::WindowLab lab(sixteenHeads());
    lab.window->resize(1440, 900);
    QTRY_VERIFY_WITH_TIMEOUT(matricesAtLeast(*lab.window, kMatrixMinimum), 10000);
    lab.settle();
    // The width is used: the maps stand side by side in at least three columns that together
    // fill most of the area's width.
    QSet<int> columns;
    int right = 0;
    for (const HeatmapView* view : lab.window->heatmapViews()) {
        columns.insert(view->x());
        right = std::max(right, view->geometry().right());
    }
    EXPECT_GE(columns.size(), 3);
    EXPECT_GE(right, heatmapViewport(*lab.window)->width() * 0.9);
    for (HeatmapView* view : lab.window->heatmapViews()) {
        view->grab(); // the labels of the current layout
        expectNoOverlap(*view);
        // Thinned to what fits, but every map still names some queries and keys.
        EXPECT_FALSE(view->drawnQueryLabels().isEmpty());
        EXPECT_FALSE(view->drawnKeyLabels().isEmpty());
    }
}

TEST(HeadLayout, AHeadMapEnlargesOnClickAndGoesBack) {
    attnlab::testing::WindowLab lab(sixteenHeads());
    lab.window->resize(1440, 900);
    QTRY_VERIFY_WITH_TIMEOUT(matricesAtLeast(*lab.window, kMatrixMinimum), 10000);
    HeatmapView* fifth = lab.window->viewForHead(4);
    ASSERT_NE(fifth, nullptr);
    const int smallWidth = fifth->matrixRect().width();
    QTest::mouseDClick(fifth->plot(), Qt::LeftButton, {}, fifth->matrixRect().center());
    QTRY_VERIFY(lab.window->heatmapLayout() == ui::HeatmapLayout::OneHead);
    EXPECT_EQ(lab.window->focusedHead(), 4);
    ASSERT_EQ(lab.window->heatmapViews().size(), 1);
    HeatmapView* large = lab.window->heatmapViews().front();
    EXPECT_EQ(large->head(), 4);
    QTRY_VERIFY(large->matrixRect().width() > 2 * smallWidth);
    QTest::mouseDClick(large->plot(), Qt::LeftButton, {}, large->matrixRect().center());
    QTRY_VERIFY(lab.window->heatmapLayout() == ui::HeatmapLayout::AllHeads);
    QTRY_COMPARE(lab.window->heatmapViews().size(), 17);

    // A click on a map's title does the same.
    lab.settle();
    HeatmapView* third = lab.window->viewForHead(2);
    ASSERT_NE(third, nullptr);
    QTest::mouseClick(third->plot(), Qt::LeftButton, {},
                      QPoint(third->width() / 2, third->matrixRect().top() / 3));
    QTRY_VERIFY(lab.window->heatmapLayout() == ui::HeatmapLayout::OneHead);
    EXPECT_EQ(lab.window->focusedHead(), 2);
}

TEST(HeadLayout, PresentationModeGivesTheHeatmapsMostOfTheScreen) {
    attnlab::testing::WindowLab lab(sixteenHeads());
    lab.window->resize(1440, 900);
    lab.window->setPresentationMode(true);
    const QSize screen = lab.window->screen()->geometry().size();
    const double screenArea = static_cast<double>(screen.width()) * screen.height();
    QWidget* viewport = heatmapViewport(*lab.window);
    // The area the maps are laid out in (the colour bar beside it not counted).
    QTRY_VERIFY_WITH_TIMEOUT(viewport->width() * viewport->height() > 0.5 * screenArea, 10000);
    EXPECT_FALSE(lab.window->controlsDock()->isVisible());
    QTRY_VERIFY_WITH_TIMEOUT(matricesAtLeast(*lab.window, kMatrixMinimum), 10000);
    lab.settle();
    for (HeatmapView* view : lab.window->heatmapViews()) {
        view->grab();
        expectNoOverlap(*view);
    }
    // The details stay on screen, as a column beside the maps.
    EXPECT_TRUE(lab.window->detailsDock()->isVisible());
    EXPECT_EQ(lab.window->dockWidgetArea(lab.window->detailsDock()), Qt::RightDockWidgetArea);
    lab.window->setPresentationMode(false);
    EXPECT_TRUE(lab.window->controlsDock()->isVisible());
}

} // namespace test_head_layout
