// The main window fits the screens of a classroom: its smallest size (what the layout of its
// docks, bars and heatmaps can shrink to) stays within a 1280 × 720 projector, in English and in
// Chinese, with a model's bar shown or not, so no part of it is off the screen at first start.

#include "ui/main_window.h"

#include <gtest/gtest.h>

#include <QApplication>
#include <QDockWidget>
#include <QMessageBox>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>

#include <memory>
#include <string>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_window_fits_screen {

using attnlab::ui::MainWindow;

namespace {

// A 1280 × 720 projector less a desktop's panel and the window's title bar.
constexpr int kMaxWidth = 1280;
constexpr int kMaxHeight = 720 - 60;

QString sizesOfParts(const MainWindow& window) {
    QString text;
    if (window.centralWidget())
        text += QStringLiteral("central %1 × %2\n")
                    .arg(window.centralWidget()->minimumSizeHint().width())
                    .arg(window.centralWidget()->minimumSizeHint().height());
    for (const QDockWidget* dock : window.findChildren<QDockWidget*>())
        if (dock->isVisible())
            text += QStringLiteral("%1 %2 × %3\n")
                        .arg(dock->objectName())
                        .arg(dock->minimumSizeHint().width())
                        .arg(dock->minimumSizeHint().height());
    for (const QTabWidget* tabs : window.findChildren<QTabWidget*>())
        for (int i = 0; i < tabs->count(); ++i)
            text += QStringLiteral("page %1: %2 × %3\n")
                        .arg(tabs->tabText(i))
                        .arg(tabs->widget(i)->minimumSizeHint().width())
                        .arg(tabs->widget(i)->minimumSizeHint().height());
    return text;
}

TEST(WindowFitsScreen, SmallestSizeFitsAProjector) {
    QTemporaryDir dir;
    MainWindow window(dir.filePath(QStringLiteral("settings.ini")));
    window.setNonInteractive(QMessageBox::Discard);
    window.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&window));
    auto* details = window.findChild<QDockWidget*>(QStringLiteral("DetailsDock"));
    ASSERT_NE(details, nullptr);
    // The selected row's dock goes below the heatmaps on a wide screen and beside them on a
    // narrow one: the window fits either way.
    for (const Qt::DockWidgetArea area : {Qt::BottomDockWidgetArea, Qt::RightDockWidgetArea}) {
        window.addDockWidget(area, details);
        QApplication::processEvents();
        const QSize smallest = window.minimumSizeHint().expandedTo(window.minimumSize());
        const std::string where =
            (area == Qt::BottomDockWidgetArea ? "dock below:\n" : "dock beside:\n") +
            sizesOfParts(window).toStdString();
        EXPECT_LE(smallest.width(), kMaxWidth) << where;
        EXPECT_LE(smallest.height(), kMaxHeight) << where;
    }
}

} // namespace

} // namespace test_window_fits_screen
