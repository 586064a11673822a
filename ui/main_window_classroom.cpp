// MainWindow in class: the shipped lessons (Help → Examples) with their explanation above the
// heatmaps, teacher-locked controls, the size of all text for a projector, and presentation mode.

#include "main_window.h"

#include "capped_text_area.h"
#include "controls_panel.h"
#include "heatmap_view.h"
#include "lesson_checks_text.h"
#include "lesson_gallery.h"
#include "lines_view.h"
#include "plot_lines.h"

#include "core/teaching/lessons.h"

#include <qcustomplot.h>

#include <QAction>
#include <QApplication>
#include <QDockWidget>
#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QSettings>
#include <QStatusBar>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>

namespace attnlab::ui {
namespace {

constexpr double kMinTextScale = 0.8;
constexpr double kMaxTextScale = 3.0;
constexpr double kTextScaleStep = 1.15;
constexpr double kPresentationTextScale = 1.5;
constexpr double kPresentationLineScale = 2.0;
// Share of the screen the details dock keeps while presenting (its width beside the heatmaps, its
// height below them); the heatmaps get the rest.
constexpr double kPresentationDetailsShare = 0.2;
const QString kTextScaleKey = QStringLiteral("ui/textScale");
const QString kHideControlsKey = QStringLiteral("ui/hideControlsWhilePresenting");

// Black on white, strong selection: readable from the back of a classroom on any projector.
QPalette highContrastPalette() {
    QPalette palette;
    const QColor black(0, 0, 0), white(255, 255, 255), grey(0xe6, 0xe6, 0xe6);
    for (QPalette::ColorGroup group : {QPalette::Active, QPalette::Inactive}) {
        palette.setColor(group, QPalette::Window, white);
        palette.setColor(group, QPalette::WindowText, black);
        palette.setColor(group, QPalette::Base, white);
        palette.setColor(group, QPalette::AlternateBase, grey);
        palette.setColor(group, QPalette::Text, black);
        palette.setColor(group, QPalette::Button, grey);
        palette.setColor(group, QPalette::ButtonText, black);
        palette.setColor(group, QPalette::Highlight, QColor(0x00, 0x3c, 0x8f));
        palette.setColor(group, QPalette::HighlightedText, white);
        palette.setColor(group, QPalette::ToolTipBase, white);
        palette.setColor(group, QPalette::ToolTipText, black);
    }
    palette.setColor(QPalette::Disabled, QPalette::WindowText, QColor(0x55, 0x55, 0x55));
    palette.setColor(QPalette::Disabled, QPalette::Text, QColor(0x55, 0x55, 0x55));
    palette.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(0x55, 0x55, 0x55));
    return palette;
}

} // namespace

void MainWindow::buildClassroomActions(QMenu* view) {
    m_systemFontPointSize = QApplication::font().pointSizeF();
    QAction* larger = view->addAction(tr("&Larger Text"), this,
                                      [this] { setTextScale(m_textScale * kTextScaleStep); });
    larger->setShortcuts({QKeySequence(Qt::CTRL | Qt::Key_Equal), QKeySequence::ZoomIn});
    larger->setToolTip(tr("All text larger, for a projector (Ctrl+=)."));
    QAction* smaller = view->addAction(tr("S&maller Text"), this,
                                       [this] { setTextScale(m_textScale / kTextScaleStep); });
    smaller->setShortcuts({QKeySequence(Qt::CTRL | Qt::Key_Minus), QKeySequence::ZoomOut});
    QAction* normal = view->addAction(tr("&Normal Text Size"), this, [this] { setTextScale(1.0); });
    normal->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_0));
    view->addSeparator();
    m_presentAction = view->addAction(tr("&Presentation Mode"), this,
                                      [this](bool on) { setPresentationMode(on); });
    m_presentAction->setCheckable(true);
    m_presentAction->setShortcut(QKeySequence(Qt::Key_F11));
    m_presentAction->setShortcutContext(Qt::ApplicationShortcut);
    m_presentAction->setToolTip(
        tr("Full screen, large text and high contrast for teaching (F11)."));
    m_hideControlsAction =
        view->addAction(tr("Hide Controls While &Presenting"), this,
                        [this](bool hide) { setHideControlsWhilePresenting(hide); });
    m_hideControlsAction->setCheckable(true);
    m_showHiddenAction = view->addAction(tr("Show Controls Hidden by the &Lesson"), this, [this] {
        m_controls->setHiddenControls({});
        m_lesson.hiddenControls.clear();
        m_showHiddenAction->setEnabled(false);
        scheduleSave();
    });
    m_showHiddenAction->setEnabled(false);

    const std::unique_ptr<QSettings> settings = openSettings();
    // Hidden by default: at 1.5 times the text the controls would take a quarter of the width
    // the heatmaps need on a projector.
    m_hideControlsWhilePresenting = settings->value(kHideControlsKey, true).toBool();
    m_hideControlsAction->setChecked(m_hideControlsWhilePresenting);
    const double scale = settings->value(kTextScaleKey, 1.0).toDouble();
    if (!qFuzzyCompare(scale, 1.0))
        setTextScale(scale);
}

void MainWindow::setTextScale(double scale) {
    m_textScale = std::clamp(scale, kMinTextScale, kMaxTextScale);
    QFont font = QApplication::font();
    font.setPointSizeF(m_systemFontPointSize * m_textScale);
    QApplication::setFont(font);
    // The heatmaps' own zoom applies on top of the new size.
    m_baseFontPointSize = font.pointSizeF();
    applyInputFonts();
    setZoom(m_zoom);
    // After the font change has reached the controls' layouts (posted events).
    QMetaObject::invokeMethod(this, &MainWindow::fitControlsDock, Qt::QueuedConnection);
    if (!m_presenting)
        openSettings()->setValue(kTextScaleKey, m_textScale);
}

void MainWindow::setHideControlsWhilePresenting(bool hide) {
    m_hideControlsWhilePresenting = hide;
    if (m_hideControlsAction)
        m_hideControlsAction->setChecked(hide);
    openSettings()->setValue(kHideControlsKey, hide);
    if (m_presenting) {
        m_controlsDock->setVisible(!hide);
        shrinkDocksForPresenting();
    }
}

void MainWindow::setPresentationMode(bool on) {
    if (on == m_presenting)
        return;
    if (on) {
        m_stateBeforePresenting = saveState();
        m_textScaleBeforePresenting = m_textScale;
        m_paletteBeforePresenting = QApplication::palette();
        m_presenting = true;
        QApplication::setPalette(highContrastPalette());
        setTextScale(std::max(m_textScale, kPresentationTextScale));
        setLineScale(kPresentationLineScale);
        if (m_hideControlsWhilePresenting)
            m_controlsDock->hide();
        showFullScreen();
        shrinkDocksForPresenting();
        // Again once the window has its full-screen size (a window manager grants it later).
        QTimer::singleShot(0, this, &MainWindow::shrinkDocksForPresenting);
        statusBar()->showMessage(tr("Presentation mode: F11 to leave."), 4000);
    } else {
        m_presenting = false;
        QApplication::setPalette(m_paletteBeforePresenting);
        setTextScale(m_textScaleBeforePresenting);
        setLineScale(1.0);
        showNormal();
        restoreState(m_stateBeforePresenting);
    }
    if (m_presentAction)
        m_presentAction->setChecked(on);
}

void MainWindow::shrinkDocksForPresenting() {
    if (!m_presenting || m_detailsDock->isFloating())
        return;
    // With the controls hidden: beside the heatmaps rather than below them. A strip below
    // cannot be lower than the bar chart and its text, which would leave the maps a band; a
    // column of a fifth of the width leaves them the full height. With the controls shown the
    // window has no width to spare for a column: the details keep a strip below, as low as they
    // allow. Leaving presentation mode restores the saved layout.
    if (m_controlsDock->isHidden()) {
        if (dockWidgetArea(m_detailsDock) != Qt::RightDockWidgetArea)
            addDockWidget(Qt::RightDockWidgetArea, m_detailsDock);
        resizeDocks({m_detailsDock}, {static_cast<int>(width() * kPresentationDetailsShare)},
                    Qt::Horizontal);
    } else if (dockWidgetArea(m_detailsDock) == Qt::BottomDockWidgetArea) {
        resizeDocks({m_detailsDock}, {static_cast<int>(height() * kPresentationDetailsShare)},
                    Qt::Vertical);
    }
}

void MainWindow::setLineScale(double scale) {
    m_lineScale = scale;
    // Heatmaps and the lines view draw some lines themselves (a heatmap scales its own chart);
    // every other chart is plain QCustomPlot. Heatmaps created later take m_lineScale when they
    // are made.
    for (HeatmapView* view : findChildren<HeatmapView*>())
        view->setLineScale(scale);
    for (LinesView* view : findChildren<LinesView*>())
        view->setLineScale(scale);
    for (QCustomPlot* plot : findChildren<QCustomPlot*>())
        if (!qobject_cast<HeatmapView*>(plot->parentWidget()))
            setPlotLineScale(plot, scale);
}

void MainWindow::showLessonGallery() {
    LessonGallery gallery(lessonLanguage(), this);
    if (gallery.exec() == QDialog::Accepted && !gallery.selectedLesson().isEmpty())
        openBuiltinLesson(gallery.selectedLesson());
}

bool MainWindow::openBuiltinLesson(const QString& id) {
    if (!maybeSaveChanges())
        return false;
    core::Session session;
    try {
        session = core::builtinLesson(id.toStdString());
    } catch (const std::exception& error) {
        reportError(tr("Examples"), qs(error.what()));
        return false;
    }
    if (isShowingImport())
        closeImport();
    m_sessionPath.clear(); // a shipped lesson is a template: saving asks for a name
    m_savedSessionText.clear();
    applySession(session);
    updateWindowTitle();
    return true;
}

void MainWindow::showLessonBar() {
    QStringList hidden;
    for (const std::string& name : m_lesson.hiddenControls)
        hidden << qs(name);
    m_controls->setHiddenControls(hidden);
    if (m_showHiddenAction)
        m_showHiddenAction->setEnabled(!m_lesson.hiddenControls.empty());
    const std::string language = lessonLanguage().toStdString();
    const QString title = qs(core::localizedText(m_lesson.title, language));
    const QString text = qs(core::localizedText(m_lesson.explanation, language));
    if (title.isEmpty() && text.isEmpty()) {
        m_lessonArea->setText({});
        m_lessonBar->hide();
        return;
    }
    const std::vector<core::CheckOutcome> outcomes = lessonOutcomes();
    const QString checks = LessonChecksText::summary(outcomes, pendingComplexityChecks());
    m_lessonArea->setText(
        QStringLiteral("<b>%1</b> %2").arg(title.toHtmlEscaped(), text.toHtmlEscaped()) +
        (m_lessonModelNote.isEmpty()
             ? QString()
             : QStringLiteral("<br><b>%1</b>").arg(m_lessonModelNote.toHtmlEscaped())) +
        (checks.isEmpty() ? QString()
                          : QStringLiteral("<br><small>%1</small>").arg(checks.toHtmlEscaped())));
    m_lessonLabel->setToolTip(LessonChecksText::details(outcomes, pendingComplexityChecks()));
    m_lessonBar->show();
}

// The open lesson's title and what to look at, above the pages.
void MainWindow::buildLessonBar(QWidget* parent, QBoxLayout* layout) {
    m_lessonBar = new QFrame(parent);
    m_lessonBar->setFrameShape(QFrame::StyledPanel);
    auto* lessonLayout = new QHBoxLayout(m_lessonBar);
    lessonLayout->setContentsMargins(8, 4, 8, 4);
    // At most five lines, so that a long lesson leaves its page on screen; More shows it all.
    m_lessonArea = new CappedTextArea(5, m_lessonBar);
    m_lessonLabel = m_lessonArea->label();
    lessonLayout->addWidget(m_lessonArea, 1);
    auto* lessonButtons = new QVBoxLayout;
    auto* hideLesson = new QToolButton(m_lessonBar);
    hideLesson->setText(QStringLiteral("×"));
    hideLesson->setAutoRaise(true);
    hideLesson->setToolTip(tr("Hide the explanation of the lesson."));
    lessonButtons->addWidget(hideLesson, 0, Qt::AlignRight);
    m_lessonMoreButton = new QToolButton(m_lessonBar);
    m_lessonMoreButton->setCheckable(true);
    m_lessonMoreButton->setAutoRaise(true);
    m_lessonMoreButton->setText(tr("More"));
    m_lessonMoreButton->setToolTip(
        tr("Show the whole explanation of the lesson, or only its first lines."));
    m_lessonMoreButton->hide();
    lessonButtons->addWidget(m_lessonMoreButton);
    lessonButtons->addStretch(1);
    lessonLayout->addLayout(lessonButtons);
    m_lessonBar->hide();
    layout->addWidget(m_lessonBar);
    connect(hideLesson, &QToolButton::clicked, m_lessonBar, &QWidget::hide);
    connect(m_lessonArea, &CappedTextArea::overflowChanged, this, [this](bool overflows) {
        m_lessonMoreButton->setVisible(overflows || m_lessonArea->isExpanded());
    });
    connect(m_lessonMoreButton, &QToolButton::toggled, this, [this](bool all) {
        m_lessonArea->setExpanded(all);
        m_lessonMoreButton->setText(all ? tr("Less") : tr("More"));
        m_lessonMoreButton->setVisible(all || m_lessonArea->overflows());
    });
}

QString MainWindow::lessonText() const {
    return m_lessonBar->isHidden() ? QString() : m_lessonLabel->text();
}

} // namespace attnlab::ui
