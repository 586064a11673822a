// MainWindow's editing: undo and redo of every change (undo_commands.h), Reset to Defaults,
// painting a mask on the heatmaps (mask_painter.h) and writing the mask in force to a file for
// --mask custom:FILE. The window's other parts are in main_window.cpp.

#include "main_window.h"

#include "attention_controller.h"
#include "mask_painter.h"
#include "undo_commands.h"
#include "view_options.h"

#include "core/io/mask_file.h"

#include <QAction>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QLineEdit>
#include <QMenu>
#include <QStatusBar>
#include <QToolButton>
#include <QUndoStack>

#include <algorithm>
#include <string>
#include <vector>

namespace attnlab::ui {

namespace {

std::string joinTokens(const std::vector<core::MapToken>& tokens) {
    std::string text;
    for (const core::MapToken& token : tokens) {
        if (!text.empty())
            text += ' ';
        text += token.text;
    }
    return text;
}

} // namespace

void MainWindow::buildEditing() {
    m_history =
        new UndoHistory([this](const core::Config& config) { applyRecordedConfig(config); }, this);
    m_history->takeUndoKeysOf(this);

    m_painter = new MaskPainter([this] { return m_controller->config(); },
                                [this] { return m_result; }, this);
    connect(m_painter, &MaskPainter::previewRequested, this,
            [this](const core::Config& config) { applyRecordedConfig(config); });
    connect(m_painter, &MaskPainter::strokeFinished, this,
            [this](const core::Config& before, const core::Config& after, bool blocked, int cells) {
                const QString text =
                    blocked
                        ? (cells == 1 ? tr("Block 1 Cell") : tr("Block %1 Cells").arg(cells))
                        : (cells == 1 ? tr("Unblock 1 Cell") : tr("Unblock %1 Cells").arg(cells));
                m_history->record(before, after, ChangeKind::MaskStroke, text);
                scheduleSave();
            });
    connect(m_painter, &MaskPainter::refused, this, [this](const QString& reason) {
        m_lastError = reason;
        statusBar()->showMessage(reason, 8000);
    });
    // The message strip says how to paint while the mode is on (showNotes).
    connect(m_painter, &MaskPainter::activeChanged, this, &MainWindow::showNotes);
    // Esc works while painting wherever the focus is, without the menu being open.
    addAction(m_painter->stopAction());
}

QWidget* MainWindow::buildPaintButton(QWidget* parent) {
    auto* button = new QToolButton(parent);
    button->setToolButtonStyle(Qt::ToolButtonTextOnly);
    button->setFocusPolicy(Qt::StrongFocus);
    button->setDefaultAction(m_painter->paintAction());
    return button;
}

QString MainWindow::paintingNote() const {
    if (!m_painter || !m_painter->isActive())
        return {};
    return tr("Painting the mask: click or drag over cells to block them; a stroke that starts on "
              "a blocked cell unblocks. Esc stops painting.");
}

void MainWindow::buildEditActions(QMenu* file, QMenu* edit) {
    // Return in a sentence field, or leaving it, ends a burst of typing.
    for (QLineEdit* field : {m_sentence, m_source})
        connect(field, &QLineEdit::editingFinished, m_history, &UndoHistory::endBurst);
    QAction* first = edit->actions().value(0);
    edit->insertAction(first, m_history->undoAction());
    edit->insertAction(first, m_history->redoAction());
    edit->insertSeparator(first);
    edit->insertAction(first, m_painter->paintAction());
    edit->insertAction(first, m_painter->stopAction());
    QAction* reset = new QAction(tr("Reset to &Defaults"), edit);
    reset->setToolTip(tr("Every setting back to its default; the sentences stay. Undo takes it "
                         "back."));
    connect(reset, &QAction::triggered, this, &MainWindow::resetToDefaults);
    edit->insertAction(first, reset);
    edit->insertSeparator(first);

    // Beside the other exports of the File menu.
    const QList<QAction*> fileActions = file->actions();
    const qsizetype after = fileActions.indexOf(m_exportDataAction);
    QAction* exportMaskAction = new QAction(tr("Export &Mask…"), file);
    exportMaskAction->setToolTip(tr("Save the mask in force (painted or not) as a text file of 0 "
                                    "and 1, for --mask custom:FILE on the command line."));
    connect(exportMaskAction, &QAction::triggered, this, &MainWindow::chooseMaskExport);
    file->insertAction(fileActions.value(after + 1), exportMaskAction);
}

void MainWindow::applyRecordedConfig(const core::Config& recorded) {
    core::Config config = recorded;
    // The controller keeps the path of a loaded file; a step may have been recorded without it.
    if (config.embeddings == core::EmbeddingSource::File && config.embeddingsPath.empty())
        config.embeddingsPath = str(m_controller->embeddingsPath());
    m_lessonNotes.clear(); // the user moved on from the lesson as opened
    applyConfig(config);
}

void MainWindow::recordChange(const core::Config& before) {
    m_history->record(before, m_controller->config());
}

void MainWindow::resetToDefaults() {
    const core::Config before = m_controller->config();
    const core::Config reset = UndoHistory::defaultSettings(before);
    if (UndoHistory::sameConfig(before, reset)) {
        statusBar()->showMessage(tr("Every setting is at its default already."), 5000);
        return;
    }
    // No question first: Undo takes it back, like every other change.
    applyRecordedConfig(reset);
    m_history->record(before, m_controller->config(), ChangeKind::Reset, tr("Reset to Defaults"));
}

bool MainWindow::exportMask(const QString& path, QString* error) {
    QString message;
    const std::shared_ptr<const core::ModelOutput> result = m_result;
    const auto padded = [](const std::vector<core::MapToken>& tokens) {
        return std::any_of(tokens.begin(), tokens.end(),
                           [](const core::MapToken& token) { return token.padding; });
    };
    if (!result || !result->trace) {
        message = tr("There is no mask to export: the heatmaps show no result of the program's "
                     "own attention.");
    } else if (padded(result->maps.queryTokens) || padded(result->maps.keyTokens)) {
        message = tr("The padding mask adds [PAD] tokens, which a mask file cannot hold: choose "
                     "another mask first.");
    } else {
        const core::AttentionMaps& maps = result->maps;
        // Written in English, like the command line that reads the file.
        std::vector<std::string> comments{
            "Attention Lab mask: 1 = the query sees the key, 0 = blocked", // notr
            "queries: " + joinTokens(maps.queryTokens),                    // notr
            "keys: " + joinTokens(maps.keyTokens)};                        // notr
        try {
            const core::InputFiles inputs = inputFiles(false);
            core::WriteOptions write;
            write.inputs = &inputs;
            core::writeFileAtomically(str(path), core::formatMaskText(maps.allowed, comments),
                                      write);
            statusBar()->showMessage(tr("Saved the mask to %1").arg(QDir::toNativeSeparators(path)),
                                     5000);
            return true;
        } catch (const std::exception& failure) {
            message = tr("The mask could not be saved to %1:\n%2")
                          .arg(QDir::toNativeSeparators(path), qs(failure.what()));
        }
    }
    if (error)
        *error = message;
    reportError(tr("Export Mask"), message);
    return false;
}

void MainWindow::chooseMaskExport() {
    const QString start = QDir::home().filePath(tr("mask") + QStringLiteral(".txt"));
    QString path = QFileDialog::getSaveFileName(this, tr("Export Mask"), start,
                                                tr("Mask files (*.txt);;All files (*)"));
    if (path.isEmpty())
        return;
    if (QFileInfo(path).suffix().isEmpty())
        path += QStringLiteral(".txt");
    exportMask(path);
}

} // namespace attnlab::ui
