// MainWindow's files: lessons (.attnlab sessions) opened, saved and remembered; images and data
// exported; attention imported from a model. The window's other parts are in main_window.cpp.

#include "main_window.h"

#include "attention_controller.h"
#include "controls_panel.h"
#include "export_dialog.h"
#include "heatmap_view.h"
#include "lesson_checks_text.h"
#include "teaching_panel.h"
#include "undo_commands.h"
#include "view_options.h"

#include "core/io/data_export.h"

#include <cstdint>
#include <exception>
#include <string>
#include <vector>

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QFrame>
#include <QGuiApplication>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenu>
#include <QMessageBox>
#include <QSettings>
#include <QStatusBar>

namespace attnlab::ui {
namespace {

constexpr int kMaxRecent = 8;
const QString kRecentKey = QStringLiteral("recent/sessions");
const QString kSessionFilter = QStringLiteral("*.attnlab");

QString sessionFilter() {
    return MainWindow::tr("Attention Lab lessons (*.attnlab);;All files (*)");
}

// The sibling file that holds the tokens of `npyPath`: name.tokens.json, name.json, tokens.json.
QString tokensBeside(const QString& npyPath) {
    const QFileInfo info(npyPath);
    const QDir dir = info.dir();
    for (const QString& name :
         {info.completeBaseName() + QStringLiteral(".tokens.json"),
          info.completeBaseName() + QStringLiteral(".json"), QStringLiteral("tokens.json")})
        if (dir.exists(name))
            return dir.filePath(name);
    return {};
}

} // namespace

// ---------------------------------------------------------------------------------------------
// Menus

void MainWindow::buildFileActions(QMenu* file, QMenu* edit) {
    QAction* open = file->addAction(tr("&Open Lesson…"), this, &MainWindow::chooseSessionToOpen);
    open->setShortcut(QKeySequence::Open);
    open->setToolTip(tr("Open a saved lesson (.attnlab): sentences, settings and view."));
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    updateRecentMenu();
    m_saveAction = file->addAction(tr("&Save Lesson"), this, [this] { saveSession(); });
    m_saveAction->setShortcut(QKeySequence::Save);
    m_saveAction->setToolTip(tr("Save the sentences, every setting and the view as a lesson."));
    m_saveAsAction = file->addAction(tr("Save Lesson &As…"), this, [this] { saveSessionAs(); });
    m_saveAsAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S));
    file->addSeparator();
    QAction* exportImage =
        file->addAction(tr("&Export Image…"), this, &MainWindow::showExportImageDialog);
    exportImage->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    exportImage->setToolTip(tr("Save the heatmaps as PNG, SVG or PDF for notes and slides."));
    m_exportDataAction = file->addAction(tr("Export &Data…"), this, &MainWindow::chooseDataExport);
    m_exportDataAction->setToolTip(
        tr("Save every number of the result as JSON, the weights as CSV or NumPy .npy."));
    QAction* import =
        file->addAction(tr("&Import Attention…"), this, &MainWindow::chooseAttentionImport);
    import->setToolTip(tr("Show attention weights saved from a trained model (.npy with a JSON "
                          "list of tokens)."));
    QAction* openModel = file->addAction(tr("Open &Model…"), this, &MainWindow::chooseModel);
    openModel->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_M));
    openModel->setToolTip(
        tr("Run a pretrained transformer (GPT-2, BERT, Llama, Qwen2) from a model "
           "folder on this computer, layer by layer."));

    QAction* copy = edit->addAction(tr("&Copy Image"), this, &MainWindow::copyImage);
    copy->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C));
    copy->setToolTip(tr("Put the heatmaps on the clipboard as a picture."));
}

void MainWindow::updateRecentMenu() {
    if (!m_recentMenu)
        return;
    m_recentMenu->clear();
    const QStringList recent = recentSessions();
    for (int i = 0; i < recent.size(); ++i) {
        const QString path = recent[i];
        QAction* action = m_recentMenu->addAction(
            QStringLiteral("&%1 %2").arg(i + 1).arg(QFileInfo(path).fileName()), this,
            [this, path] { openSessionFile(path); });
        action->setToolTip(QDir::toNativeSeparators(path));
    }
    m_recentMenu->setToolTipsVisible(true);
    if (!recent.isEmpty()) {
        m_recentMenu->addSeparator();
        m_recentMenu->addAction(tr("&Clear List"), this, [this] {
            openSettings()->remove(kRecentKey);
            updateRecentMenu();
        });
    }
    m_recentMenu->setEnabled(!recent.isEmpty());
}

QStringList MainWindow::recentSessions() const {
    return openSettings()->value(kRecentKey).toStringList();
}

void MainWindow::rememberRecent(const QString& path) {
    const QString absolute = QFileInfo(path).absoluteFilePath();
    QStringList recent = recentSessions();
    recent.removeAll(absolute);
    recent.prepend(absolute);
    while (recent.size() > kMaxRecent)
        recent.removeLast();
    openSettings()->setValue(kRecentKey, recent);
    updateRecentMenu();
}

void MainWindow::reportError(const QString& title, const QString& message) {
    m_lastError = message;
    if (m_interactive)
        QMessageBox::warning(this, title, message);
    else
        statusBar()->showMessage(message, 10000);
}

std::exception_ptr
MainWindow::runFileTask(const QString& title, const QString& label,
                        const std::function<void(const FileTaskProgress&)>& work) {
    FileTask task(this, title, label, m_interactive);
    connect(&task, &FileTask::progressed, this, &MainWindow::fileTaskProgress);
    m_fileTask = &task;
    emit fileTaskStarted();
    std::exception_ptr error = task.run(work);
    m_fileTask = nullptr;
    return error;
}

void MainWindow::cancelFileTask() {
    if (m_fileTask)
        m_fileTask->cancel();
}

core::InputFiles MainWindow::inputFiles(bool forLessonSave) const {
    // The roles complete the core's messages, which are in English like every core message.
    core::InputFiles inputs;
    if (!m_controller->embeddingsPath().isEmpty())
        inputs.add(str(m_controller->embeddingsPath()), "the embeddings file"); // notr
    if (!forLessonSave && !m_sessionPath.isEmpty())
        inputs.add(str(m_sessionPath), "the lesson"); // notr
    if (m_imported) {
        inputs.add(str(m_importedPath), "the imported attention"); // notr
        inputs.add(str(m_importedTokensPath),
                   "the token file of the imported attention"); // notr
    }
    return inputs;
}

void MainWindow::setNonInteractive(int unsavedAnswer) {
    m_interactive = false;
    m_unsavedAnswer = unsavedAnswer;
}

// ---------------------------------------------------------------------------------------------
// Lessons

core::Session MainWindow::currentSession() const {
    core::Session session;
    core::Config config = m_controls->config();
    config.sentence = str(m_sentence->text());
    const QString source = m_source->text();
    config.source = source.trimmed().isEmpty() ? std::string() : str(source);
    session.config = m_teaching->applyManual(config); // the typed matrices, when manual
    if (session.config.embeddings == core::EmbeddingSource::File)
        session.config.embeddingsPath = str(m_controller->embeddingsPath());
    core::SessionView& view = session.view;
    view.layout = str(layoutKey(m_layout));
    view.focusedHead = m_focusedHead;
    view.colorMap = str(colorMapKey(m_colorMap));
    view.colorScale = str(colorScaleKey(m_colorScale));
    view.cellValues = str(cellValuesKey(m_cellValues));
    view.zoom = m_zoom;
    view.selectedHead = m_selectedHead;
    view.selectedQuery = m_selectedQuery;
    view.selectedKey = m_selectedKey;
    session.complexity = sessionComplexity(false);
    session.lesson = m_lesson;
    return session;
}

void MainWindow::applySession(const core::Session& session) {
    const core::SessionView& view = session.view;
    m_layout = layoutFromKey(qs(view.layout)).value_or(HeatmapLayout::AllHeads);
    m_focusedHead = view.focusedHead;
    m_colorMap = colorMapFromKey(qs(view.colorMap)).value_or(ColorMap::Viridis);
    m_colorScale = colorScaleFromKey(qs(view.colorScale)).value_or(ColorScale::ZeroToOne);
    m_cellValues = cellValuesFromKey(qs(view.cellValues)).value_or(CellValues::Automatic);
    m_selectedHead = view.selectedHead;
    m_selectedQuery = view.selectedQuery;
    m_selectedKey = view.selectedKey;
    m_selectedOnce = view.selectedQuery >= 0;
    m_lesson = session.lesson;
    // A lesson on a model is measured on it once it is open (openLessonModel).
    m_lessonOutcomes = session.lesson.model.empty() ? LessonChecksText::measure(session)
                                                    : std::vector<core::CheckOutcome>();
    m_lessonModelNote.clear();
    applySessionComplexity(session);
    showLessonBar();
    syncViewActions();
    updateHeadPicker();
    if (!qFuzzyCompare(view.zoom, m_zoom))
        setZoom(view.zoom);
    applyConfig(session.config);
    if (m_layout == HeatmapLayout::OneHead)
        setFocusedHead(m_focusedHead);
    m_history->clear(); // another lesson: the steps of the last one do not apply to it
    openLessonModel(session);
}

void MainWindow::applyConfig(const core::Config& requested) {
    core::Config config = requested;
    if (config.embeddings == core::EmbeddingSource::File) {
        const QString path = qs(config.embeddingsPath);
        if (path != m_controller->embeddingsPath() &&
            (!m_controller->loadEmbeddings(path) || m_controller->isLoadingEmbeddings())) {
            // A failure is shown inline and the lesson opens on the built-in vectors; a large
            // file loading on the worker takes over when it is ready.
            config.embeddings = core::EmbeddingSource::Builtin;
            config.dModel = std::clamp(config.dModel, 2, 4096);
        }
    }
    const bool wasRestoring = m_restoring;
    m_restoring = true;
    m_sentence->setText(qs(config.sentence));
    m_source->setText(qs(config.source));
    m_controls->setCrossAttention(!config.source.empty());
    m_controls->setConfig(config);
    m_restoring = wasRestoring;
    m_controller->setConfig(config);
    scheduleSave();
}

bool MainWindow::hasUnsavedChanges() const {
    return !m_sessionPath.isEmpty() &&
           core::serializeSession(currentSession()) != m_savedSessionText;
}

void MainWindow::updateWindowTitle() {
    const QString name = m_sessionPath.isEmpty() ? QString() : QFileInfo(m_sessionPath).fileName();
    setWindowTitle(name.isEmpty() ? tr("Attention Lab") : tr("%1[*] — Attention Lab").arg(name));
    setWindowModified(hasUnsavedChanges());
}

void MainWindow::onLessonChanged() {
    if (!m_sessionPath.isEmpty())
        setWindowModified(hasUnsavedChanges());
}

bool MainWindow::maybeSaveChanges() {
    if (!hasUnsavedChanges())
        return true;
    int answer = m_unsavedAnswer;
    if (m_interactive)
        answer = QMessageBox::question(
            this, tr("Unsaved Changes"),
            tr("The lesson %1 has changed. Save the changes?")
                .arg(QFileInfo(m_sessionPath).fileName()),
            QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Save);
    if (answer == QMessageBox::Save)
        return saveSession();
    return answer == QMessageBox::Discard;
}

bool MainWindow::openSessionFile(const QString& path) {
    if (!maybeSaveChanges())
        return false;
    std::vector<std::string> warnings;
    core::Session session;
    try {
        session = core::loadSessionFile(str(path), warnings);
    } catch (const std::exception& error) {
        reportError(tr("Open Lesson"),
                    tr("The lesson could not be opened.\n\n%1").arg(qs(error.what())));
        return false;
    }
    if (isShowingImport())
        closeImport();
    m_lessonNotes.clear();
    for (const std::string& warning : warnings)
        m_lessonNotes << QStringLiteral("%1: %2").arg(QFileInfo(path).fileName(), qs(warning));
    m_sessionPath.clear(); // the title and "changed" follow the new file once it is shown
    applySession(session);
    m_sessionPath = QFileInfo(path).absoluteFilePath();
    // What the file says, as this build writes it: so a file from an older build, or with
    // unknown members, is not "changed" until the user changes something.
    m_savedSessionText = core::serializeSession(currentSession());
    rememberRecent(m_sessionPath);
    updateWindowTitle();
    // The lesson's warnings stay with every result until the user changes something.
    showNotes();
    statusBar()->showMessage(tr("Opened %1").arg(QDir::toNativeSeparators(m_sessionPath)), 5000);
    return true;
}

bool MainWindow::saveSessionFile(const QString& path) {
    core::Session session = currentSession();
    session.complexity = sessionComplexity(true); // the page in front is saved with the lesson
    const std::string text = core::serializeSession(session);
    try {
        // Beside the target, then renamed: a failure (full disk, no permission) leaves any
        // earlier lesson as it was. The lesson may replace itself, but no other input.
        const core::InputFiles inputs = inputFiles(true);
        core::WriteOptions write;
        write.inputs = &inputs;
        const std::vector<std::string> notes = core::writeFileAtomically(str(path), text, write);
        if (!notes.empty())
            showMessage(qs(notes.front()), false);
    } catch (const std::exception& error) {
        reportError(tr("Save Lesson"), tr("The lesson could not be saved to %1:\n%2")
                                           .arg(QDir::toNativeSeparators(path), qs(error.what())));
        return false;
    }
    m_sessionPath = QFileInfo(path).absoluteFilePath();
    m_savedSessionText = text;
    m_sessionComplexity = session.complexity;
    m_lessonNotes.clear(); // the file now holds what the window shows
    rememberRecent(m_sessionPath);
    updateWindowTitle();
    statusBar()->showMessage(tr("Saved %1").arg(QDir::toNativeSeparators(m_sessionPath)), 5000);
    return true;
}

bool MainWindow::saveSession() {
    if (m_sessionPath.isEmpty())
        return saveSessionAs();
    return saveSessionFile(m_sessionPath);
}

bool MainWindow::saveSessionAs() {
    QString start = m_sessionPath;
    if (start.isEmpty())
        start = QDir::home().filePath(tr("lesson") + QStringLiteral(".attnlab"));
    QString path = QFileDialog::getSaveFileName(this, tr("Save Lesson As"), start, sessionFilter());
    if (path.isEmpty())
        return false;
    if (QFileInfo(path).suffix().isEmpty())
        path += QStringLiteral(".attnlab");
    return saveSessionFile(path);
}

void MainWindow::chooseSessionToOpen() {
    const QString start =
        m_sessionPath.isEmpty() ? QDir::homePath() : QFileInfo(m_sessionPath).path();
    const QString path =
        QFileDialog::getOpenFileName(this, tr("Open Lesson"), start, sessionFilter());
    if (!path.isEmpty())
        openSessionFile(path);
}

// ---------------------------------------------------------------------------------------------
// Images and data

FigureOptions MainWindow::currentFigureOptions() const {
    FigureOptions options;
    switch (m_layout) {
    case HeatmapLayout::AllHeads:
        options.content = FigureContent::Grid;
        break;
    case HeatmapLayout::Combined:
        options.content = FigureContent::Combined;
        break;
    case HeatmapLayout::OneHead:
        options.content = m_focusedHead == kMeanOfHeads  ? FigureContent::Combined
                          : m_focusedHead == kMaxOfHeads ? FigureContent::Max
                                                         : FigureContent::Head;
        options.head = m_focusedHead;
        break;
    }
    options.colorMap = m_colorMap;
    options.colorScale = m_colorScale;
    options.values = m_cellValues;
    options.layer = m_layer;
    if (m_result && m_result->maps.heads == 1 && options.content == FigureContent::Combined)
        options.content = FigureContent::Grid; // the mean of one head is that head
    if (modelViewShown())
        options.content = FigureContent::Model;
    if (m_imported)
        options.titleText = tr("Imported attention: %1, layer %2 of %3")
                                .arg(m_importedName)
                                .arg(m_layer + 1)
                                .arg(m_imported->layers);
    return options;
}

bool MainWindow::exportImage(const QString& path, const FigureOptions& options, QString* error) {
    QString message;
    bool ok = false;
    QStringList notes;
    if (!m_result) {
        message = tr("There is no result to export yet.");
    } else {
        // Drawn here: the figure is made of widgets, which live on this thread only.
        const core::InputFiles inputs = inputFiles(false);
        core::WriteOptions write;
        write.inputs = &inputs;
        QApplication::setOverrideCursor(Qt::WaitCursor);
        ok = exportFigure(path, *m_result, options, &message, write, &notes);
        QApplication::restoreOverrideCursor();
    }
    if (error)
        *error = message;
    if (ok)
        statusBar()->showMessage(notes.isEmpty()
                                     ? tr("Exported %1").arg(QDir::toNativeSeparators(path))
                                     : notes.join(QStringLiteral("; ")),
                                 notes.isEmpty() ? 5000 : 15000);
    return ok;
}

void MainWindow::copyImage() {
    if (!m_result)
        return;
    FigureOptions options = currentFigureOptions();
    options.scale = std::max(1.0, devicePixelRatioF());
    try {
        QGuiApplication::clipboard()->setImage(renderFigureImage(*m_result, options));
        statusBar()->showMessage(tr("The heatmaps are on the clipboard."), 4000);
    } catch (const std::exception& error) {
        reportError(tr("Copy Image"), qs(error.what()));
    }
}

void MainWindow::showExportImageDialog() {
    if (!m_result)
        return;
    ExportDialog dialog(m_result, currentFigureOptions(), m_selectedHead, std::max(0, shownQuery()),
                        shownKey(), this);
    std::unique_ptr<QSettings> settings = openSettings();
    dialog.restoreChoices(*settings);
    while (dialog.exec() == QDialog::Accepted) {
        dialog.saveChoices(*settings);
        QString error;
        if (exportImage(dialog.path(), dialog.options(), &error))
            return;
        reportError(tr("Export Image"), error);
        if (!m_interactive)
            return;
    }
}

bool MainWindow::exportData(const QString& path, QString* error) {
    QString message;
    if (!m_result || (!m_result->trace && !m_result->transformer)) {
        message = tr("Only results of the built-in model and of pretrained models can be "
                     "exported as data.");
    } else if (m_fileTask) {
        message = tr("Another file is being read or written; try again when it is done.");
    } else {
        // The result is shared with the worker: a newer one may replace m_result meanwhile.
        const std::shared_ptr<const core::ModelOutput> result = m_result;
        const core::InputFiles inputs = inputFiles(false);
        std::vector<std::string> notes;
        const auto write = [&](const FileTaskProgress& progress) {
            if (!progress(0, 0))
                throw core::Cancelled();
            core::WriteOptions options;
            options.inputs = &inputs;
            options.progress = [&](std::uint64_t written) {
                return progress(static_cast<std::int64_t>(written / 1'000'000), 0);
            };
            notes = core::exportData(*result, str(path), options);
        };
        const std::exception_ptr failure = runFileTask(
            tr("Export Data"), tr("Writing %1…").arg(QFileInfo(path).fileName()), write);
        try {
            if (failure)
                std::rethrow_exception(failure);
            statusBar()->showMessage(notes.empty()
                                         ? tr("Exported %1").arg(QDir::toNativeSeparators(path))
                                         : qs(notes.front()),
                                     notes.empty() ? 5000 : 15000);
            return true;
        } catch (const core::Cancelled&) {
            message = tr("The export was cancelled; no file was written or changed.");
        } catch (const std::exception& problem) {
            message = qs(problem.what());
        }
    }
    if (error)
        *error = message;
    return false;
}

void MainWindow::chooseDataExport() {
    const QString start = QDir::home().filePath(QStringLiteral("attention.json"));
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export Data"), start,
        tr("All numbers (*.json);;Weights as a table (*.csv);;Weights for NumPy (*.npy)"));
    if (path.isEmpty())
        return;
    QString error;
    if (!exportData(path, &error))
        reportError(tr("Export Data"), error);
}

// ---------------------------------------------------------------------------------------------
// Imported attention

bool MainWindow::importAttention(const QString& npyPath, const QString& tokensPath) {
    if (m_fileTask) {
        reportError(tr("Import Attention"),
                    tr("Another file is being read or written; try again when it is done."));
        return false;
    }
    // Read and checked on the worker: a large array (up to 2 GB) or a slow disk never freezes
    // the window, and Cancel stops the read.
    std::shared_ptr<const core::ImportedAttention> imported;
    const std::exception_ptr failure = runFileTask(
        tr("Import Attention"), tr("Reading %1…").arg(QFileInfo(npyPath).fileName()),
        [&](const FileTaskProgress& progress) {
            imported = std::make_shared<const core::ImportedAttention>(core::loadImportedAttention(
                str(npyPath), str(tokensPath),
                [&](int done, int total) { return progress(done, total); }));
        });
    try {
        if (failure)
            std::rethrow_exception(failure);
    } catch (const core::Cancelled&) {
        reportError(tr("Import Attention"),
                    tr("The import was cancelled; the window shows what it showed before."));
        return false;
    } catch (const std::exception& error) {
        reportError(tr("Import Attention"),
                    tr("The attention could not be imported.\n\n%1").arg(qs(error.what())));
        return false;
    }
    m_imported = imported;
    m_importedPath = npyPath;
    m_importedTokensPath = tokensPath;
    m_importedName = QFileInfo(npyPath).fileName();
    m_layer = 0;
    m_importLabel->setText(tr("Imported attention from %1: %2 × %3 heads, %4 × %5 tokens.")
                               .arg(m_importedName)
                               .arg(m_imported->layers)
                               .arg(m_imported->heads)
                               .arg(m_imported->queries)
                               .arg(m_imported->keys));
    m_importBar->show();
    // The teaching views explain the built-in model; an imported model has only its weights.
    m_teaching->setCurrentIndex(0);
    for (int tab = 1; tab < m_teaching->count(); ++tab)
        m_teaching->setTabEnabled(tab, false);
    m_controlsDock->setEnabled(false);
    m_sentence->setEnabled(false);
    m_source->setEnabled(false);
    m_exportDataAction->setEnabled(false);
    m_selectedOnce = false;
    m_controller->setModel(std::make_shared<const core::ImportedModel>(
        std::move(imported), m_importedName.toStdString()));
    QStringList notes;
    for (const std::string& warning : m_imported->warnings)
        notes << qs(warning);
    showMessage(notes.join(QStringLiteral("; ")), false);
    return true;
}

void MainWindow::setShownLayer(int layer) {
    if (!m_result || layer < 0 || layer >= m_result->maps.layers)
        return;
    m_layer = layer;
    m_layerPicker->setCurrentIndex(layer);
    showResult(m_result, m_elapsedMicroseconds);
}

void MainWindow::updateLayerPicker() {
    const int layers = m_result ? m_result->maps.layers : 1;
    const QSignalBlocker blocker(m_layerPicker);
    if (m_layerPicker->count() != layers) {
        m_layerPicker->clear();
        for (int layer = 0; layer < layers; ++layer)
            m_layerPicker->addItem(tr("Layer %1").arg(layer + 1), layer);
    }
    m_layerPicker->setCurrentIndex(m_layer);
    m_layerPicker->setVisible(layers > 1);
}

void MainWindow::closeImport() {
    if (!m_imported)
        return;
    m_imported.reset();
    m_importBar->hide();
    for (int tab = 1; tab < m_teaching->count(); ++tab)
        m_teaching->setTabEnabled(tab, true);
    m_controlsDock->setEnabled(true);
    m_sentence->setEnabled(true);
    m_source->setEnabled(true);
    m_exportDataAction->setEnabled(true);
    showMessage(QString(), false);
    m_selectedOnce = false;
    m_layer = 0;
    m_controller->setModel(nullptr);
}

void MainWindow::chooseAttentionImport() {
    const QString npy = QFileDialog::getOpenFileName(
        this, tr("Import Attention: Weights"), QDir::homePath(),
        tr("NumPy arrays [heads, n_q, n_k] or [layers, heads, n_q, n_k] (*.npy);;All files (*)"));
    if (npy.isEmpty())
        return;
    QString tokens = tokensBeside(npy);
    if (tokens.isEmpty())
        tokens = QFileDialog::getOpenFileName(this, tr("Import Attention: Tokens"),
                                              QFileInfo(npy).path(),
                                              tr("Token lists (*.json);;All files (*)"));
    if (!tokens.isEmpty())
        importAttention(npy, tokens);
}

} // namespace attnlab::ui
