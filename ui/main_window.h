#pragma once
// The live workspace: sentence fields with their token strips, the controls dock, one heatmap per
// head plus the combined map, the details dock, menus and the status line. Every keystroke and
// every control change goes to the AttentionController; its results fill the views. Errors are
// shown inline and in a message strip while the last good heatmaps stay on screen. Window
// geometry, dock layout, configuration, sentence and view options are remembered in QSettings.

#include "color_maps.h"
#include "view_options.h"

#include "core/io/session.h"
#include "core/model/builtin_model.h"
#include "core/model/imported_attention.h"
#include "core/teaching/lesson_checks.h"
#include "core/trained/lesson_model_folder.h"
#include "figure_export.h"
#include "file_task.h"
#include "job_tracker.h"

#include <QList>
#include <QMainWindow>
#include <QPalette>
#include <QString>
#include <QStringList>
#include <QVector>

#include <exception>
#include <functional>
#include <memory>
#include <optional>

class QAction;
class QActionGroup;
class QComboBox;
class QDockWidget;
class QFrame;
class QGridLayout;
class QLabel;
class QLineEdit;
class QMenu;
class QProgressBar;
class QProgressDialog;
class QScrollArea;
class QSettings;
class QTimer;
class QToolButton;
class QBoxLayout;
class QCheckBox;
class QHBoxLayout;

namespace attnlab::core {
class TransformerModel;
struct TransformerSettings;
} // namespace attnlab::core

namespace attnlab::ui {

class AttentionController;
class CappedTextArea;
class ControlsPanel;
class DetailsPanel;
class HeatmapView;
class ModelGridView;
class MaskPainter;
class TeachingPanel;
class UndoHistory;
class WhatIfPanel;

class ColorBarWidget;

class MainWindow : public QMainWindow {
    Q_OBJECT

public:
    using HeatmapLayout = ui::HeatmapLayout;
    using CellValues = ui::CellValues;
    using ColorScale = ui::ColorScale;
    static constexpr int kAutoValuesMaxTokens = ui::kAutoValuesMaxTokens;
    static constexpr double kMinZoom = 0.5;
    static constexpr double kMaxZoom = 3.0;
    /// The sentence of the first start, in the interface language (Chinese for 简体中文): shows
    /// the classic "it" → "animal" question.
    static QString defaultSentence();

    /// `settingsPath`: an INI file for the remembered state (tests use a temporary one); empty
    /// uses the platform's settings of the application ("Attention Lab").
    explicit MainWindow(const QString& settingsPath = {}, QWidget* parent = nullptr);
    ~MainWindow() override;

    // Views and options (menus, toolbar and tests use these).
    HeatmapLayout heatmapLayout() const { return m_layout; }
    void setHeatmapLayout(HeatmapLayout layout);
    /// The head shown by the "one head large" layout: 0 … H−1, or HeatmapView::MeanOfHeads /
    /// MaxOfHeads.
    int focusedHead() const { return m_focusedHead; }
    void setFocusedHead(int head);
    ColorMap colorMap() const { return m_colorMap; }
    void setColorMap(ColorMap map);
    ColorScale colorScale() const { return m_colorScale; }
    void setColorScale(ColorScale scale);
    CellValues cellValues() const { return m_cellValues; }
    void setCellValues(CellValues mode);
    /// Whether the views currently print values (after the automatic rule).
    bool cellValuesShown() const;
    double zoom() const { return m_zoom; }
    void setZoom(double zoom);
    void zoomIn();
    void zoomOut();
    void resetZoom();

    /// Loads an embeddings file through the controller; errors appear inline.
    bool loadEmbeddingsFile(const QString& path);

    // Lessons (.attnlab sessions).
    /// Opens a lesson. Asks first when the open lesson has unsaved changes; a file that cannot
    /// be read, is malformed or comes from a newer version is refused with a message and the
    /// window does not change. Returns whether the lesson was opened.
    bool openSessionFile(const QString& path);
    /// Writes the lesson to `path` atomically; on failure says why and an earlier file survives.
    bool saveSessionFile(const QString& path);
    /// The lesson as the window shows it: sentences, settings, view, selection.
    core::Session currentSession() const;
    /// Applies `config` (sentences included) as if it had been chosen with the controls.
    void applyConfig(const core::Config& config);
    /// The open lesson's file; empty for an untitled one.
    QString sessionPath() const { return m_sessionPath; }
    /// True when the open lesson file differs from what is on screen.
    bool hasUnsavedChanges() const;
    /// Lessons opened or saved lately, newest first.
    QStringList recentSessions() const;

    // Editing (main_window_edit.cpp).
    /// Undo and redo of every change of the sentences, settings, painted mask and typed numbers.
    UndoHistory* undoHistory() const { return m_history; }
    /// Paint mode on the heatmaps (Edit → Paint Mask).
    MaskPainter* maskPainter() const { return m_painter; }
    /// Every setting back to the schema's default, the sentences kept; one undoable step.
    void resetToDefaults();
    /// Writes the mask in force as a mask file (`--mask custom:FILE`); false with a message.
    bool exportMask(const QString& path, QString* error = nullptr);

    // Images and data.
    /// Options that draw what the window shows: its layout, head, colours and scale.
    FigureOptions currentFigureOptions() const;
    /// Draws the current result into `path` (.png, .svg, .pdf); false with a message otherwise.
    bool exportImage(const QString& path, const FigureOptions& options, QString* error = nullptr);
    /// Puts the current view on the clipboard as an image.
    void copyImage();
    /// Writes the numbers of the current result (.json, .csv, .npy) like --export-data, on a
    /// worker while the window keeps running (progress and Cancel as importAttention).
    bool exportData(const QString& path, QString* error = nullptr);
    /// Stops the import or export running on the worker (its call then returns false and
    /// nothing changes); also before it starts, from a fileTaskStarted() handler.
    void cancelFileTask();
    /// The files the window reads (the embeddings file, the open lesson unless `forLessonSave`,
    /// an imported array and its tokens): no output may replace one of them.
    core::InputFiles inputFiles(bool forLessonSave) const;

    // Attention imported from a model (.npy weights with a JSON token list).
    /// Reads the files on a worker while the window keeps running (a progress dialog with
    /// Cancel after 300 ms); returns whether the import is shown.
    bool importAttention(const QString& npyPath, const QString& tokensPath);
    /// Back to the live model.
    void closeImport();
    bool isShowingImport() const { return m_imported != nullptr; }

    // Pretrained transformers (main_window_model.cpp).
    /// Reads a model folder on a worker; modelOpened() or modelFailed() says how it ended.
    void openModelFolder(const QString& folder);
    /// Back to the built-in model.
    void closeModel();
    bool isShowingModel() const { return m_transformer || m_trainedModel; }
    /// Aggregate the maps to words / show the special tokens (the model bar's switches).
    void setModelWords(bool words);
    void setModelSpecialTokens(bool show);
    /// The predictions line of the model bar (empty without predictions).
    QString predictionText() const;
    /// Changes to the open model's heads at inference (main_window_what_if.cpp).
    WhatIfPanel* whatIfPanel() const { return m_whatIf; }
    QDockWidget* whatIfDock() const { return m_whatIfDock; }

signals:
    void modelOpened();
    void modelFailed(const QString& message);
    /// The open lesson's checks were measured on the model it names (the lesson bar shows them).
    void lessonChecksMeasured();

public:
    /// Staggered view updates of a large result still to run (tests wait for none).
    int pendingViewFills() const { return m_pendingViewFills; }
    /// The layer whose heads the heatmaps show (models with several layers).
    int shownLayer() const { return m_layer; }
    void setShownLayer(int layer);
    void updateLayerPicker();

    // The model view (main_window_model_view.cpp): every layer × head as thumbnails, in place of
    // the heatmaps, for results of several layers.
    /// Shows the model view (only for a result of several layers) or the chosen layout again.
    void setModelView(bool on);
    bool isShowingModelView() const { return modelViewShown(); }
    ModelGridView* modelGridView() const { return m_modelGrid; }
    QAction* modelViewAction() const { return m_modelViewAction; }

    // Classroom.
    /// Opens a lesson that ships with the program ("03-causal-mask"), untitled: saving asks
    /// for a name. Asks first about unsaved changes.
    bool openBuiltinLesson(const QString& id);
    /// Size of all interface text relative to the system's, 0.8 … 3 (Ctrl+= / Ctrl+−).
    double textScale() const { return m_textScale; }
    void setTextScale(double scale);
    /// Full screen, large text, high contrast; the controls hidden when chosen (F11).
    bool isPresenting() const { return m_presenting; }
    void setPresentationMode(bool on);
    /// Whether presentation mode hides the controls (remembered).
    void setHideControlsWhilePresenting(bool hide);
    /// Width factor of every line in the heatmaps, charts and lines view (2 while presenting).
    double lineScale() const { return m_lineScale; }
    /// Text of the lesson bar (title and explanation), empty when hidden.
    QString lessonText() const;
    /// Where a lesson's model is looked for (main_window_lesson_model.cpp); by default the
    /// shipped models beside the program and the usual caches.
    void setLessonModelPlaces(const core::LessonModelPlaces& places);
    /// What the lesson bar says about a lesson's model that is not on this computer (empty when
    /// the lesson names none or it was found).
    QString lessonModelNote() const { return m_lessonModelNote; }
    /// The open lesson's checks as measured: those of the maps as it opened, then those of the
    /// complexity lab once the Complexity page has run with the lesson's settings
    /// (main_window_complexity.cpp).
    std::vector<core::CheckOutcome> lessonOutcomes() const;
    /// The open lesson's checks of the complexity lab still waiting for that run.
    int pendingComplexityChecks() const;
    /// Whether the Complexity page is the page in front.
    bool isShowingComplexity() const;

    /// Dialogs and questions are skipped: errors are only recorded (lastError()) and the
    /// question about unsaved changes gets `unsavedAnswer` (Save, Discard or Cancel). For tests
    /// and scripted use.
    void setNonInteractive(int unsavedAnswer);
    QString lastError() const { return m_lastError; }
    /// Writes the remembered state now (it is also written shortly after every change).
    void saveSettings();

    // Accessors for tests.
    QLineEdit* sentenceEdit() const { return m_sentence; }
    QLineEdit* sourceEdit() const { return m_source; }
    /// The heatmaps on screen, in order (heads first, then the combined map).
    QList<HeatmapView*> heatmapViews() const;
    /// The view of head `head` (or MeanOfHeads / MaxOfHeads) when it is on screen, else null.
    HeatmapView* viewForHead(int head) const;
    DetailsPanel* detailsPanel() const { return m_details; }
    ControlsPanel* controlsPanel() const { return m_controls; }
    TeachingPanel* teachingPanel() const { return m_teaching; }
    AttentionController* controller() const { return m_controller; }
    QDockWidget* controlsDock() const { return m_controlsDock; }
    QDockWidget* detailsDock() const { return m_detailsDock; }
    /// The result the views show (the last good one).
    std::shared_ptr<const core::ModelOutput> currentResult() const { return m_result; }
    /// Text of the message strip (empty when hidden) and whether it shows an error.
    QString messageText() const;
    bool messageIsError() const { return m_messageIsError; }
    /// Inline error under the sentence / source field.
    QString sentenceErrorText() const;
    QString sourceErrorText() const;
    /// "11 tokens · 4 heads · d_model 64 · d_k 16 · 0.4 ms"
    QString statusText() const;
    /// The hover text shown in the status bar.
    QString hoverStatusText() const;
    /// Whether the hover text is on screen (a temporary status message hides it).
    bool hoverStatusVisible() const;
    /// Tokens as shown in the strip under the sentence (or source) field; unknown ones end in "?".
    QStringList tokenStrip(bool source = false) const;

signals:
    /// An import or export starts on the worker (emitted before the work starts).
    void fileTaskStarted();
    /// Its progress: (MiB read, MiB in all) for an import, (MB written, 0) for an export.
    void fileTaskProgress(qint64 done, qint64 total);

protected:
    void closeEvent(class QCloseEvent* event) override;
    void showEvent(class QShowEvent* event) override;
    void resizeEvent(class QResizeEvent* event) override;
    void moveEvent(class QMoveEvent* event) override;
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    struct Slot {
        int head;
        QString title;
    };

    void buildCentral();
    void buildDocks();
    void buildMenus();
    void buildStatusBar();
    void setUpTabOrder();
    void connectController();
    void closeLoadProgress();

    void onResult(std::shared_ptr<const core::ModelOutput> result, qint64 elapsedMicroseconds);
    void showResult(std::shared_ptr<const core::ModelOutput> result, qint64 elapsedMicroseconds);
    void onFailed(const QString& message, const QString& field);
    void onSentenceEdited(const QString& text);
    void onSourceEdited(const QString& text);
    void onControlsChanged(const core::Config& config);
    void onCellClicked(HeatmapView* view, int query, int key);
    void onTeachingCellSelected(int head, int query, int key);
    /// Runs `config` with the typed manual matrices fitted to it (TeachingPanel::applyManual).
    void compute(const core::Config& config);

    // Lessons, exports and imports (main_window_files.cpp).
    void buildFileActions(QMenu* file, QMenu* edit);
    void applySession(const core::Session& session);
    void chooseSessionToOpen();
    bool saveSession();
    bool saveSessionAs();
    bool maybeSaveChanges();
    void rememberRecent(const QString& path);
    void updateRecentMenu();
    void updateWindowTitle();
    void showExportImageDialog();
    void chooseDataExport();
    void chooseAttentionImport();
    void chooseModel();
    void buildModelBar(QHBoxLayout* layout);
    /// The lesson bar (main_window_classroom.cpp), added to `layout`.
    void buildLessonBar(QWidget* parent, QBoxLayout* layout);
    void applyTransformerSettings();
    // "What if" (main_window_what_if.cpp).
    void buildWhatIf();
    /// The panel and the Compare page follow the open model (none, pretrained, trained).
    void updateWhatIf();
    /// Puts the panel's changes into `settings` and gives the Compare page the unmodified model.
    void applyWhatIf(core::TransformerSettings& settings);
    /// Runs the open trained model with the panel's changes (Compare: without them).
    void applyTrainedWhatIf();
    void updateModelBar();
    void reportError(const QString& title, const QString& message);
    /// Runs `work` as a FileTask (see file_task.h); one at a time.
    std::exception_ptr runFileTask(const QString& title, const QString& label,
                                   const std::function<void(const FileTaskProgress&)>& work);
    void onLessonChanged();

    // The model view (main_window_model_view.cpp).
    void buildModelView(QHBoxLayout* heatArea);
    void buildModelViewAction(QMenu* view);
    bool modelViewShown() const;
    /// Shows the grid or the heatmaps, fills the grid, and keeps the Lines page on the layer.
    void refreshModelView();
    /// Opens head `head` of `layer` large (a click on its thumbnail).
    void openThumbnail(int layer, int head);
    /// The pages that work on any model's maps (Lines) or on none (Complexity) stay enabled
    /// while a model is open.
    void enableModelPages();
    // Editing (main_window_edit.cpp).
    void buildEditing();
    QWidget* buildPaintButton(QWidget* parent);
    /// How to paint, for the message strip while the paint mode is on; else empty.
    QString paintingNote() const;
    void buildEditActions(QMenu* file, QMenu* edit);
    /// Shows and computes `config` without recording it (an undo, a redo, a stroke under way).
    void applyRecordedConfig(const core::Config& config);
    /// Records the change from `before` to the configuration now computed.
    void recordChange(const core::Config& before);
    void chooseMaskExport();

    // Classroom (main_window_classroom.cpp).
    void buildClassroomActions(QMenu* view);
    void setLineScale(double scale);
    /// Presenting: the details dock becomes a narrow column beside the heatmaps, so that they
    /// get most of the screen.
    void shrinkDocksForPresenting();
    void fitControlsDock();
    /// The sentence fields, token strips and hover text at the interface's text size, with the
    /// CJK fonts: they are set explicitly, so they do not follow a new application font.
    void applyInputFonts();
    void showLessonGallery();
    void showLessonBar();
    /// Opens the model `session`'s lesson names (or says how to get it, or closes the model an
    /// earlier lesson opened when this one names none).
    void openLessonModel(const core::Session& session);
    // A session's Complexity page (main_window_complexity.cpp).
    void connectComplexityPage();
    /// Fills the Complexity page from `session`, brings it to the front and runs it (not while
    /// the window restores its state); a session without one puts the heatmaps in front if the
    /// page was.
    void applySessionComplexity(const core::Session& session);
    /// Runs the Complexity page once the window has computed and drawn the lesson (request
    /// `request` of m_complexityStart; `waited` ms so far).
    void runComplexityWhenIdle(int request, int waited);
    /// The Complexity page's settings for the session: none unless the session has the page, or
    /// when `saving` with the page in front.
    std::optional<core::SessionComplexity> sessionComplexity(bool saving) const;
    /// Measures the lesson's checks of the lab on the page's result if it ran with the lesson's
    /// settings.
    void measureComplexityChecks();
    void chooseEmbeddingsFile();
    void showAbout();

    QVector<Slot> viewSlots() const;
    void rebuildViews();
    void arrangeGrid();
    /// A head map asked to be shown large: One Head Large on `head`, or back to all heads when
    /// one head is already shown large.
    void toggleEnlarged(int head);
    void refreshViewData();
    /// Fills views `index`, `index` + 1, … one per turn of the event loop, unless a newer
    /// refresh than `refresh` started.
    void fillViewsFrom(int index, quint64 refresh);
    /// Fills view `index` on a later turn of the event loop (then the next, and so on).
    void scheduleViewFill(int index, quint64 refresh);
    void fillView(int index);
    void applyViewOptions();
    void refreshDetails();
    void selectInitialRow();
    int shownQuery() const; ///< the selected row as far as the current result has it
    int shownKey() const;
    void updateHeadPicker();
    void updateTokenStrip(bool source);
    void showMessage(const QString& text, bool error);
    /// The result's warnings and the notes about the files in use, in the message strip.
    void showNotes();
    void clearInlineErrors();
    void syncViewActions();

    void restoreSettings();
    void scheduleSave();
    std::unique_ptr<QSettings> openSettings() const;

    QString m_settingsPath;
    AttentionController* m_controller = nullptr;
    std::shared_ptr<const core::ModelOutput> m_result;
    qint64 m_elapsedMicroseconds = 0;

    // Input.
    QLineEdit* m_sentence = nullptr;
    QLineEdit* m_source = nullptr;
    QLabel* m_sentenceTokens = nullptr;
    QLabel* m_sourceTokens = nullptr;
    QLabel* m_sentenceError = nullptr;
    QLabel* m_sourceError = nullptr;
    QStringList m_sentenceStrip, m_sourceStrip;

    // Message strip and heatmap area.
    QFrame* m_messageFrame = nullptr;
    QLabel* m_messageLabel = nullptr;
    bool m_messageIsError = false;
    QToolButton* m_allHeadsButton = nullptr;
    QToolButton* m_oneHeadButton = nullptr;
    QToolButton* m_combinedButton = nullptr;
    QToolButton* m_modelViewButton = nullptr;
    QAction* m_modelViewAction = nullptr;
    QScrollArea* m_modelGridScroll = nullptr;
    ModelGridView* m_modelGrid = nullptr;
    bool m_modelView = false; ///< the model view was chosen (shown while the result has layers)
    QLabel* m_headPickerLabel = nullptr;
    QComboBox* m_headPicker = nullptr;
    QComboBox* m_scaleBox = nullptr;
    QLabel* m_busyLabel = nullptr;
    QScrollArea* m_scroll = nullptr;
    QWidget* m_grid = nullptr;
    QGridLayout* m_gridLayout = nullptr;
    ColorBarWidget* m_colorBar = nullptr;
    QVector<HeatmapView*> m_viewPool;    ///< created on demand, reused across results
    QVector<HeatmapView*> m_activeViews; ///< the views of slots(), in order
    QVector<int> m_activeHeads;
    int m_gridColumns = 0;

    // Docks and status bar.
    QDockWidget* m_controlsDock = nullptr;
    QDockWidget* m_detailsDock = nullptr;
    ControlsPanel* m_controls = nullptr;
    TeachingPanel* m_teaching = nullptr;
    DetailsPanel* m_details = nullptr;
    QLabel* m_hoverLabel = nullptr;
    QLabel* m_statusLabel = nullptr;
    QProgressBar* m_busyBar = nullptr;

    // Actions.
    QActionGroup* m_layoutActions = nullptr;
    QActionGroup* m_colorMapActions = nullptr;
    QActionGroup* m_cellValueActions = nullptr;
    QAction* m_allHeadsAction = nullptr;
    QAction* m_oneHeadAction = nullptr;
    QAction* m_combinedAction = nullptr;
    QActionGroup* m_scaleActions = nullptr;

    // View state.
    HeatmapLayout m_layout = HeatmapLayout::AllHeads;
    int m_focusedHead = 0;
    ColorMap m_colorMap = ColorMap::Viridis;
    ColorScale m_colorScale = ColorScale::ZeroToOne;
    CellValues m_cellValues = CellValues::Automatic;
    double m_zoom = 1.0;
    double m_baseFontPointSize = 0;

    // Selection (query row and key of a clicked cell, and the head of its view), kept while a
    // shorter sentence lacks them.
    int m_selectedHead = 0;
    int m_selectedQuery = -1;
    int m_selectedKey = -1;
    bool m_selectedOnce = false; ///< a row was selected (by the first result or a click)

    // Lesson file, imported attention, exports.
    QString m_sessionPath;
    std::string m_savedSessionText; ///< the lesson file as last opened or saved
    core::SessionLesson m_lesson;   ///< title, explanation, hidden controls of the open lesson
    /// The open lesson's checks measured on its settings as it opened (the lesson bar's list).
    std::vector<core::CheckOutcome> m_lessonOutcomes;
    /// The session's Complexity page as opened or saved; unset = the session has none.
    std::optional<core::SessionComplexity> m_sessionComplexity;
    /// The lesson's checks of the lab, measured when the page ran with its settings.
    std::vector<core::CheckOutcome> m_complexityOutcomes;
    int m_complexityStart = 0; ///< counts the lessons' runs of the page (stale starts ignored)
    // The model the open lesson names (main_window_lesson_model.cpp).
    std::optional<core::LessonModelPlaces> m_lessonModelPlaces; ///< unset = the defaults
    QString m_lessonModelNote;      ///< how to get the lesson's missing model; empty otherwise
    bool m_modelFromLesson = false; ///< the open model was opened by a lesson
    int m_lessonModelRequest = 0;   ///< counts the lessons' model openings (stale replies ignored)
    QMenu* m_recentMenu = nullptr;
    QAction* m_saveAction = nullptr;
    QAction* m_saveAsAction = nullptr;
    QAction* m_exportDataAction = nullptr;
    std::shared_ptr<const core::ImportedAttention> m_imported;
    QString m_importedName;
    QString m_importedPath;         ///< the imported array, an input while it is shown
    QString m_importedTokensPath;   ///< its token file, likewise
    FileTask* m_fileTask = nullptr; ///< the import or export on the worker, if any
    int m_layer = 0;                ///< the layer shown, 0 … layers − 1
    QFrame* m_importBar = nullptr;
    QLabel* m_importLabel = nullptr;
    std::shared_ptr<const core::TransformerModel> m_transformer; ///< the open pretrained model
    std::shared_ptr<const core::Model> m_trainedModel; ///< the open model trained by the program
    QCheckBox* m_modelWords = nullptr;
    QCheckBox* m_modelSpecials = nullptr;
    QLabel* m_predictionLabel = nullptr;
    WhatIfPanel* m_whatIf = nullptr;
    QDockWidget* m_whatIfDock = nullptr;
    /// The open model without the what-if changes (the Compare page's side B).
    std::shared_ptr<const core::TransformerModel> m_whatIfBaseline;
    bool m_modelLoading = false;
    QComboBox* m_layerPicker = nullptr;
    QFrame* m_lessonBar = nullptr;
    QLabel* m_lessonLabel = nullptr;           ///< the explanation, in m_lessonArea
    CappedTextArea* m_lessonArea = nullptr;    ///< at most a few lines unless More is checked
    QToolButton* m_lessonMoreButton = nullptr; ///< More / Less, shown when the text overflows
    double m_textScale = 1.0;
    double m_systemFontPointSize = 0; ///< the application font before any scaling
    bool m_presenting = false;
    double m_lineScale = 1.0;
    bool m_hideControlsWhilePresenting = true;
    QByteArray m_stateBeforePresenting;
    double m_textScaleBeforePresenting = 1.0;
    QPalette m_paletteBeforePresenting;
    QProgressDialog* m_loadProgress = nullptr;
    QAction* m_presentAction = nullptr;
    QAction* m_hideControlsAction = nullptr;
    QAction* m_showHiddenAction = nullptr;
    JobTracker m_viewFills;     ///< makes staggered view updates of an older result stale
    int m_pendingViewFills = 0; ///< staggered view updates scheduled and not yet run
    bool m_interactive = true;
    int m_unsavedAnswer = 0;
    QString m_lastError;
    QStringList m_embeddingsNotes; ///< warnings about the embeddings file in use
    QStringList m_lessonNotes;     ///< warnings about the lesson as opened

    UndoHistory* m_history = nullptr;
    MaskPainter* m_painter = nullptr;

    QTimer* m_saveTimer = nullptr;
    bool m_restoring = false;
    bool m_stateRestored = false; ///< dock layout came from the settings
    bool m_dockSizesSet = false;
};

} // namespace attnlab::ui
