#include "main_window.h"

// The main window's events (show, close, resize, move), small dialogs, the texts the tests read,
// and the settings remembered between runs (geometry, dock state and the state as a lesson).

#include "attention_controller.h"
#include "controls_panel.h"
#include "language.h"
#include "lesson_checks_text.h"
#include "view_options.h"

#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QFileDialog>
#include <QLabel>
#include <QMessageBox>
#include <QResizeEvent>
#include <QScrollArea>
#include <QSettings>
#include <QStatusBar>
#include <QTimer>

namespace attnlab::ui {

namespace {

constexpr int kSettingsVersion = 2; // 2: the state is stored as a lesson

} // namespace

// ---------------------------------------------------------------------------------------------
// Files, dialogs, events

bool MainWindow::loadEmbeddingsFile(const QString& path) {
    return m_controller->loadEmbeddings(path);
}

void MainWindow::chooseEmbeddingsFile() {
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Load Embeddings File"), QFileInfo(m_controller->embeddingsPath()).path(),
        tr("Word vectors (*.txt *.vec *.bin);;All files (*)"));
    if (!path.isEmpty())
        loadEmbeddingsFile(path);
}

void MainWindow::showAbout() {
    QMessageBox::about(
        this, tr("About Attention Lab"),
        tr("<h3>Attention Lab %1</h3>"
           "<p>Type a sentence and watch how attention weighs its words: scoring functions, "
           "masks, normalisers and heads, live.</p>"
           "<p>Licensed under the GNU General Public License, version 3 or (at your option) any "
           "later version (GPL-3.0-or-later). It comes with no warranty.</p>"
           "<p>Built with Qt %2, QCustomPlot, Eigen and ICU.</p>")
            .arg(QCoreApplication::applicationVersion().toHtmlEscaped(),
                 QString::fromLatin1(qVersion())));
}

void MainWindow::fitControlsDock() {
    // The controls never scroll sideways: the dock is at least as wide as they are, also after
    // the text grew (presentation mode, Ctrl+=).
    const int wanted = m_controls->minimumSizeHint().width() + 20;
    m_controlsDock->widget()->setMinimumWidth(wanted);
    if (isVisible() && m_controlsDock->isVisible() && m_controlsDock->widget()->width() < wanted)
        resizeDocks({m_controlsDock}, {m_controlsDock->minimumSizeHint().width()}, Qt::Horizontal);
}

void MainWindow::showEvent(QShowEvent* event) {
    QMainWindow::showEvent(event);
    if (m_stateRestored || m_dockSizesSet)
        return;
    // First start: docks as narrow as their contents allow, the rest for the heatmaps. Only
    // once shown does the main window distribute sizes; earlier requests are overridden.
    m_dockSizesSet = true;
    if (dockWidgetArea(m_detailsDock) == Qt::BottomDockWidgetArea) {
        resizeDocks({m_controlsDock}, {m_controlsDock->minimumSizeHint().width()}, Qt::Horizontal);
        resizeDocks({m_detailsDock}, {m_detailsDock->minimumSizeHint().height()}, Qt::Vertical);
    } else {
        resizeDocks({m_controlsDock, m_detailsDock},
                    {m_controlsDock->minimumSizeHint().width(), 280}, Qt::Horizontal);
    }
}

void MainWindow::closeEvent(QCloseEvent* event) {
    if (m_fileTask) {
        // An import or export is running: stop it; the window closes on the next request.
        m_fileTask->cancel();
        event->ignore();
        return;
    }
    if (!maybeSaveChanges()) {
        event->ignore();
        return;
    }
    saveSettings();
    QMainWindow::closeEvent(event);
}

void MainWindow::resizeEvent(QResizeEvent* event) {
    QMainWindow::resizeEvent(event);
    scheduleSave();
}

void MainWindow::moveEvent(QMoveEvent* event) {
    QMainWindow::moveEvent(event);
    scheduleSave();
}

bool MainWindow::eventFilter(QObject* watched, QEvent* event) {
    if (watched == m_scroll->viewport() && event->type() == QEvent::Resize)
        arrangeGrid();
    if (event->type() == QEvent::Resize &&
        (watched == m_sentenceTokens || watched == m_sourceTokens)) {
        // As many chips as the new width holds.
        const auto* resize = static_cast<QResizeEvent*>(event);
        if (resize->size().width() != resize->oldSize().width())
            updateTokenStrip(watched == m_sourceTokens);
    }
    return QMainWindow::eventFilter(watched, event);
}

QString MainWindow::messageText() const {
    return m_messageFrame->isHidden() ? QString() : m_messageLabel->text();
}

QString MainWindow::sentenceErrorText() const {
    return m_sentenceError->text();
}

QString MainWindow::sourceErrorText() const {
    return m_sourceError->text();
}

QString MainWindow::statusText() const {
    return m_statusLabel->text();
}

QString MainWindow::hoverStatusText() const {
    return m_hoverLabel->text();
}

bool MainWindow::hoverStatusVisible() const {
    return m_hoverLabel->isVisible();
}

QStringList MainWindow::tokenStrip(bool source) const {
    return source ? m_sourceStrip : m_sentenceStrip;
}

// ---------------------------------------------------------------------------------------------
// Settings

std::unique_ptr<QSettings> MainWindow::openSettings() const {
    if (m_settingsPath.isEmpty())
        return std::make_unique<QSettings>();
    return std::make_unique<QSettings>(m_settingsPath, QSettings::IniFormat);
}

void MainWindow::scheduleSave() {
    if (m_restoring)
        return;
    m_saveTimer->start();
    onLessonChanged();
}

void MainWindow::saveSettings() {
    m_saveTimer->stop();
    std::unique_ptr<QSettings> settings = openSettings();
    settings->setValue(QStringLiteral("version"), kSettingsVersion);
    settings->setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings->setValue(QStringLiteral("window/state"), saveState(kSettingsVersion));

    // The state as a lesson, with the last configuration that worked: a start with the heads
    // left at an invalid count (or an empty sentence) would open without heatmaps.
    core::Session session = currentSession();
    if (m_controller->lastResult()) {
        session.config = m_controller->lastResultConfig();
        session.config.table.reset();
    }
    settings->setValue(QStringLiteral("state/session"),
                       QString::fromStdString(core::serializeSession(session)));
    settings->setValue(QStringLiteral("state/lessonFile"), m_sessionPath);
    settings->sync();
}

void MainWindow::restoreSettings() {
    m_restoring = true;
    std::unique_ptr<QSettings> settings = openSettings();
    const bool known = settings->value(QStringLiteral("version")).toInt() == kSettingsVersion;
    restoreGeometry(settings->value(QStringLiteral("window/geometry")).toByteArray());

    core::Session session;
    session.config.sentence = str(defaultSentence());
    if (known) {
        const std::string text = str(settings->value(QStringLiteral("state/session")).toString());
        std::vector<std::string> warnings;
        try {
            if (!text.empty())
                session = core::parseSession(text, warnings);
        } catch (const std::exception&) {
            // Written by another version, or damaged: start from the defaults.
        }
    }
    applySession(session);

    // The lesson file that was open: its title comes back, and "changed" compares with it.
    const QString lessonFile =
        known ? settings->value(QStringLiteral("state/lessonFile")).toString() : QString();
    if (!lessonFile.isEmpty()) {
        std::vector<std::string> warnings;
        try {
            core::Session saved = core::loadSessionFile(str(lessonFile), warnings);
            m_lesson = saved.lesson;
            m_lessonOutcomes = LessonChecksText::measure(saved);
            m_sessionPath = lessonFile;
            m_savedSessionText = core::serializeSession(saved);
        } catch (const std::exception&) {
            // Moved or deleted since: the state stays, untitled.
        }
    }
    m_restoring = false;
    updateWindowTitle();

    // After the first result: the docks exist and the views have their head count.
    m_stateRestored = restoreState(settings->value(QStringLiteral("window/state")).toByteArray(),
                                   kSettingsVersion);
    if (m_layout == HeatmapLayout::OneHead)
        setFocusedHead(m_focusedHead);
    m_saveTimer->stop();
}

} // namespace attnlab::ui
