// The window in class: every shipped lesson opens from the gallery and renders headless, with
// its explanation shown and its hidden controls hidden, with what its checks show; text size and
// presentation mode.

#include "ui/capped_text_area.h"
#include "ui/controls_panel.h"
#include "ui/details_panel.h"
#include "ui/figure_export.h"
#include "ui/heatmap_view.h"
#include "ui/lesson_checks_text.h"
#include "ui/lesson_gallery.h"
#include "ui/lines_view.h"
#include "ui/main_window.h"

#include "core/teaching/lessons.h"

#include "window_lab.h"

#include <gtest/gtest.h>
#include <qcustomplot.h>

#include <QApplication>
#include <QComboBox>
#include <QDockWidget>
#include <QFile>
#include <QListWidget>
#include <QMessageBox>
#include <QSpinBox>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_main_window_classroom {

using namespace attnlab;
using ui::MainWindow;

namespace {

class ClassroomTest : public ::testing::Test {
protected:
    std::unique_ptr<MainWindow> open() { return attnlab::testing::openTestWindow(m_dir); }
    QTemporaryDir m_dir;
};

bool rowVisible(QWidget* control) {
    // A hidden form row hides its field (and the field's composite, if any).
    return control->isVisibleTo(control->window());
}

} // namespace

TEST_F(ClassroomTest, EveryLessonOpensAndRendersHeadless) {
    auto window = open();
    for (const core::BuiltinLesson& lesson : core::builtinLessons()) {
        SCOPED_TRACE(lesson.id);
        ASSERT_TRUE(window->openBuiltinLesson(QString::fromStdString(lesson.id)))
            << window->lastError().toStdString();
        ASSERT_TRUE(window->currentResult());
        EXPECT_FALSE(window->messageIsError()) << window->messageText().toStdString();
        EXPECT_FALSE(window->lessonText().isEmpty());
        EXPECT_TRUE(window->sessionPath().isEmpty()) << "a shipped lesson opens untitled";
        const QString png =
            m_dir.filePath(QString::fromStdString(lesson.id) + QStringLiteral(".png"));
        QString error;
        ASSERT_TRUE(window->exportImage(png, window->currentFigureOptions(), &error))
            << error.toStdString();
        EXPECT_GT(QFileInfo(png).size(), 5000);
    }
}

TEST_F(ClassroomTest, GalleryListsTheLessonsInTheInterfaceLanguage) {
    ui::LessonGallery english(QStringLiteral("en"));
    ASSERT_GE(english.list()->count(), 8);
    EXPECT_EQ(english.list()->item(0)->text(), QStringLiteral("Self-attention basics"));
    ui::LessonGallery chinese(QStringLiteral("zh_CN"));
    EXPECT_EQ(chinese.list()->item(0)->text(), QStringLiteral("自注意力基础"));
    chinese.selectLesson(QStringLiteral("07-cross-attention-translation"));
    EXPECT_EQ(chinese.selectedLesson(), QStringLiteral("07-cross-attention-translation"));
    EXPECT_TRUE(chinese.explanationText().contains(QStringLiteral("图书馆")));
}

TEST_F(ClassroomTest, ALessonCanHideControlsUntilTheTeacherShowsThem) {
    auto window = open();
    ui::ControlsPanel* controls = window->controlsPanel();
    EXPECT_TRUE(rowVisible(controls->projectionBox()));
    ASSERT_TRUE(window->openBuiltinLesson(QStringLiteral("01-self-attention-basics")));
    EXPECT_FALSE(rowVisible(controls->projectionBox()));
    EXPECT_FALSE(rowVisible(controls->seedBox()));
    EXPECT_TRUE(rowVisible(controls->temperatureBox()));
    EXPECT_EQ(window->currentSession().lesson.hiddenControls.size(), 5u);
    ASSERT_TRUE(window->openBuiltinLesson(QStringLiteral("03-causal-mask")));
    EXPECT_TRUE(rowVisible(controls->projectionBox()));
}

TEST_F(ClassroomTest, TextScaleAndPresentationMode) {
    auto window = open();
    const double base = QApplication::font().pointSizeF();
    const int controlsWidth = window->controlsDock()->widget()->width();
    const int controlsHint = window->controlsPanel()->minimumSizeHint().width();
    const double sentenceSize = window->sentenceEdit()->font().pointSizeF();
    window->setTextScale(1.5);
    EXPECT_NEAR(QApplication::font().pointSizeF(), base * 1.5, 0.01);
    EXPECT_NEAR(window->sentenceEdit()->font().pointSizeF(), sentenceSize * 1.5, 0.01);
    // The controls keep their full width: the dock grows with the text instead of clipping them.
    // The font change reaches the controls' layouts through posted events: wait until their
    // size hint has grown, then until the dock has followed it.
    EXPECT_TRUE(QTest::qWaitFor([&] {
        const int hint = window->controlsPanel()->minimumSizeHint().width();
        return hint > controlsHint && window->controlsDock()->widget()->width() >= hint;
    }));
    EXPECT_GT(window->controlsDock()->widget()->width(), controlsWidth);
    window->setTextScale(1.0);
    EXPECT_NEAR(QApplication::font().pointSizeF(), base, 0.01);

    QCustomPlot* details = window->findChild<ui::DetailsPanel*>()->plot();
    const double detailsAxisWidth = details->xAxis->basePen().widthF();
    window->setHideControlsWhilePresenting(true);
    EXPECT_TRUE(window->hoverStatusVisible());
    window->setPresentationMode(true);
    EXPECT_TRUE(window->isPresenting());
    // (Checked at once: the offscreen screen is 800 pixels wide, narrower than the window's
    // minimum width with large text, so Qt leaves full screen when the layout settles.)
    EXPECT_TRUE(window->isFullScreen() || window->windowState().testFlag(Qt::WindowFullScreen));
    // The "F11 to leave" message is not drawn over the hover text, also after the larger font
    // has rebuilt the status bar's layout.
    EXPECT_TRUE(QTest::qWaitFor([&] {
        return !window->statusBar()->currentMessage().isEmpty() && !window->hoverStatusVisible();
    }));
    ASSERT_FALSE(window->statusBar()->currentMessage().isEmpty());
    EXPECT_FALSE(window->hoverStatusVisible());
    EXPECT_GE(QApplication::font().pointSizeF(), base * 1.49);
    EXPECT_EQ(QApplication::palette().color(QPalette::Window), QColor(Qt::white));
    EXPECT_FALSE(window->controlsDock()->isVisible());
    // Thicker lines in every heatmap (including ones made while presenting) and every chart.
    EXPECT_DOUBLE_EQ(window->lineScale(), 2.0);
    window->controlsPanel()->headsBox()->setValue(4);
    QApplication::processEvents();
    const auto heatmaps = window->findChildren<ui::HeatmapView*>();
    ASSERT_GE(heatmaps.size(), 4);
    for (const ui::HeatmapView* view : heatmaps)
        EXPECT_DOUBLE_EQ(view->lineScale(), 2.0);
    ASSERT_FALSE(window->findChildren<ui::LinesView*>().isEmpty());
    EXPECT_DOUBLE_EQ(window->findChildren<ui::LinesView*>().front()->lineScale(), 2.0);
    EXPECT_DOUBLE_EQ(details->xAxis->basePen().widthF(), std::max(2.0, 2 * detailsAxisWidth));
    window->statusBar()->clearMessage();
    EXPECT_TRUE(window->hoverStatusVisible());
    window->setPresentationMode(false);
    EXPECT_FALSE(window->isPresenting());
    EXPECT_NEAR(QApplication::font().pointSizeF(), base, 0.01);
    EXPECT_TRUE(window->controlsDock()->isVisible());
    EXPECT_DOUBLE_EQ(window->lineScale(), 1.0);
    for (const ui::HeatmapView* view : window->findChildren<ui::HeatmapView*>())
        EXPECT_DOUBLE_EQ(view->lineScale(), 1.0);
    EXPECT_DOUBLE_EQ(details->xAxis->basePen().widthF(), detailsAxisWidth);
}

TEST_F(ClassroomTest, TheLessonBarSaysWhatTheLessonShows) {
    auto window = open();
    ASSERT_TRUE(window->openBuiltinLesson(QStringLiteral("01-self-attention-basics")));
    const core::Session lesson = core::builtinLesson("01-self-attention-basics");
    const QString all = QString::number(lesson.lesson.checks.size());
    EXPECT_TRUE(window->lessonText().contains(QStringLiteral("✓ %1 of %1").arg(all)))
        << window->lessonText().toStdString();

    // A claim its numbers do not bear out is counted, and listed with the measured figure.
    core::Session wrong = lesson;
    wrong.lesson.checks = core::parseLessonChecks(
        core::json::parse(R"([{"kind": "argmax", "row": "it", "is": "animal"}])"), "checks");
    const QString path = m_dir.filePath(QStringLiteral("wrong.attnlab"));
    QFile file(path);
    ASSERT_TRUE(file.open(QIODevice::WriteOnly));
    file.write(QByteArray::fromStdString(core::serializeSession(wrong)));
    file.close();
    ASSERT_TRUE(window->openSessionFile(path)) << window->lastError().toStdString();
    EXPECT_TRUE(window->lessonText().contains(QStringLiteral("✗ 0 of 1")))
        << window->lessonText().toStdString();
    const std::vector<core::CheckOutcome> outcomes = ui::LessonChecksText::measure(wrong);
    ASSERT_EQ(outcomes.size(), 1u);
    const QString details = ui::LessonChecksText::details(outcomes);
    EXPECT_TRUE(details.contains(QStringLiteral("✗"))) << details.toStdString();
    EXPECT_TRUE(details.contains(QStringLiteral("0.410"))) << details.toStdString();
    EXPECT_TRUE(details.contains(QStringLiteral("animal"))) << details.toStdString();
}

TEST_F(ClassroomTest, ALongExplanationTakesAtMostFiveLinesUntilMoreIsPressed) {
    auto window = open();
    window->resize(1440, 900);
    ASSERT_TRUE(window->openBuiltinLesson(QStringLiteral("13-complexity-lab")))
        << window->lastError().toStdString();
    auto* area = window->findChild<ui::CappedTextArea*>();
    ASSERT_TRUE(area);
    QToolButton* more = nullptr;
    for (QToolButton* button : window->findChildren<QToolButton*>())
        if (button->text() == QStringLiteral("More"))
            more = button;
    ASSERT_TRUE(more);
    QCoreApplication::sendPostedEvents(); // pending layout requests
    const int line = area->label()->fontMetrics().lineSpacing();
    const int whole = area->label()->heightForWidth(area->viewport()->width());
    ASSERT_TRUE(area->overflows()) << "the lesson's text should need more than five lines";
    EXPECT_TRUE(more->isVisibleTo(window.get()));
    EXPECT_LE(area->height(), 5 * line + 2 * area->frameWidth() + 2);
    EXPECT_GT(whole, area->height());

    more->click();
    QCoreApplication::sendPostedEvents();
    EXPECT_TRUE(area->isExpanded());
    EXPECT_EQ(more->text(), QStringLiteral("Less"));
    EXPECT_GE(area->height(), area->label()->heightForWidth(area->viewport()->width()));
    more->click();
    QCoreApplication::sendPostedEvents();
    EXPECT_FALSE(area->isExpanded());
    EXPECT_LE(area->height(), 5 * line + 2 * area->frameWidth() + 2);

    // Every lesson: More shows exactly when its text needs more room than five lines.
    for (const core::BuiltinLesson& lesson : core::builtinLessons()) {
        SCOPED_TRACE(lesson.id);
        ASSERT_TRUE(window->openBuiltinLesson(QString::fromStdString(lesson.id)));
        QCoreApplication::sendPostedEvents();
        EXPECT_EQ(more->isVisibleTo(window.get()), area->overflows());
        EXPECT_EQ(area->overflows(),
                  area->label()->heightForWidth(area->viewport()->width()) > area->height());
    }
}

} // namespace test_main_window_classroom
