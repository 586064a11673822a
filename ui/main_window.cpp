#include "main_window.h"

#include "compact_combo_box.h"
#include "core_text.h"

#include "attention_controller.h"
#include "color_bar.h"
#include "controls_panel.h"
#include "details_panel.h"
#include "heatmap_view.h"
#include "language.h"
#include "learn_page.h"
#include "positional_view.h"
#include "teaching_panel.h"
#include "view_options.h"

#include "core/attention/options.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontMetricsF>
#include <QFrame>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QPainter>
#include <QProgressBar>
#include <QProgressDialog>
#include <QResizeEvent>
#include <QScreen>
#include <QScrollArea>
#include <QSettings>
#include <QStatusBar>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace attnlab::ui {

namespace {

constexpr int kSaveDelayMs = 400; // settings are written this long after the last change
constexpr int kStripLines = 2;    // the token strips wrap to at most this many lines
constexpr int kMaxInputCharacters = 1'000'000;
constexpr int kTallScreen = 900; // px of available height from which the details go below

const QColor kErrorBackground(0xfd, 0xec, 0xea);
const QColor kErrorText(0x8c, 0x1d, 0x18);
const QColor kInfoBackground(0xff, 0xf4, 0xe0);
const QColor kInfoText(0x5c, 0x3c, 0x00);

} // namespace

QString MainWindow::defaultSentence() {
    // The first start speaks the interface's language: the same sentence, with its "it" (它).
    if (installedLanguage().startsWith(QLatin1String("zh")))
        return QStringLiteral("这只动物没有过马路，因为它太累了");
    return QStringLiteral("The animal didn't cross the street because it was too tired");
}

MainWindow::MainWindow(const QString& settingsPath, QWidget* parent)
    : QMainWindow(parent), m_settingsPath(settingsPath) {
    setWindowTitle(tr("Attention Lab"));
    setObjectName(QStringLiteral("MainWindow"));
    m_controller = new AttentionController(this);
    m_saveTimer = new QTimer(this);
    m_saveTimer->setSingleShot(true);
    m_saveTimer->setInterval(kSaveDelayMs);
    connect(m_saveTimer, &QTimer::timeout, this, &MainWindow::saveSettings);

    buildEditing(); // before the view bar, which gets its paint button
    buildCentral();
    buildDocks();
    buildMenus();
    buildStatusBar();
    setUpTabOrder();
    connectController();
    connectComplexityPage();
    buildWhatIf();
    // First start: most of the screen, since every head wants room for its token labels.
    QSize size(1400, 900);
    if (const QScreen* screen = QGuiApplication::primaryScreen())
        size = screen->availableSize() * 0.94;
    resize(size);
    restoreSettings(); // computes the first result before the window is shown
    updateWhatIf();    // a What If dock restored visible waits for a model out of sight
}

MainWindow::~MainWindow() {
    if (m_saveTimer->isActive())
        saveSettings();
    // QWidget's destructor hides the docks, and their visibilityChanged would then call
    // scheduleSave() on a MainWindow that is already destroyed (undefined behaviour, reported by
    // UBSan in the asan build).
    for (QDockWidget* dock : findChildren<QDockWidget*>())
        disconnect(dock, nullptr, this, nullptr);
}

// ---------------------------------------------------------------------------------------------
// Construction

void MainWindow::buildCentral() {
    auto* central = new QWidget(this);
    auto* layout = new QVBoxLayout(central);
    layout->setContentsMargins(8, 6, 8, 4);
    layout->setSpacing(4);

    auto* inputs = new QGridLayout;
    inputs->setHorizontalSpacing(8);
    inputs->setVerticalSpacing(2);
    inputs->setColumnStretch(1, 1);
    auto makeField = [&](int row, const QString& label, const QString& placeholder,
                         const QString& toolTip, QLineEdit*& edit, QLabel*& strip, QLabel*& error) {
        edit = new QLineEdit(central);
        // QLineEdit keeps 32767 characters by default and cuts a longer paste silently; the
        // core's token limit should be what tells a user the text is too long.
        edit->setMaxLength(kMaxInputCharacters);
        edit->setPlaceholderText(placeholder);
        edit->setToolTip(toolTip);
        edit->setClearButtonEnabled(true);
        auto* caption = new QLabel(label, central);
        caption->setBuddy(edit);
        inputs->addWidget(caption, row, 0);
        inputs->addWidget(edit, row, 1);
        strip = new QLabel(central);
        strip->setTextFormat(Qt::RichText);
        strip->setWordWrap(true);
        strip->setToolTip(tr("The tokens as the program split them; an orange token with \"?\" is "
                             "not in the embeddings and gets a stand-in vector."));
        inputs->addWidget(strip, row + 1, 1);
        error = new QLabel(central);
        error->setTextFormat(Qt::PlainText);
        error->setWordWrap(true);
        error->setStyleSheet(QStringLiteral("QLabel { color: #b3261e; }"));
        error->hide();
        inputs->addWidget(error, row + 2, 1);
    };
    makeField(0, tr("&Sentence"), tr("Type a sentence in any language, e.g. 我爱深度学习"),
              tr("The query sentence: each of its tokens gets a row of every heatmap."), m_sentence,
              m_sentenceTokens, m_sentenceError);
    makeField(3, tr("So&urce sentence"),
              tr("optional: fill in for cross-attention (keys and values from here)"),
              tr("Leave empty for self-attention; a sentence here becomes the keys and values "
                 "(cross-attention), e.g. the sentence being translated."),
              m_source, m_sourceTokens, m_sourceError);
    m_sourceTokens->hide();
    applyInputFonts();
    m_sentenceTokens->installEventFilter(this);
    m_sourceTokens->installEventFilter(this);
    layout->addLayout(inputs);

    m_messageFrame = new QFrame(central);
    m_messageFrame->setFrameShape(QFrame::StyledPanel);
    m_messageFrame->setAutoFillBackground(true);
    auto* messageLayout = new QHBoxLayout(m_messageFrame);
    messageLayout->setContentsMargins(8, 4, 8, 4);
    m_messageLabel = new QLabel(m_messageFrame);
    m_messageLabel->setTextFormat(Qt::PlainText);
    m_messageLabel->setWordWrap(true);
    m_messageLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    messageLayout->addWidget(m_messageLabel, 1);
    m_messageFrame->hide();
    layout->addWidget(m_messageFrame);

    // Shown while attention imported from a model replaces the live result.
    m_importBar = new QFrame(central);
    m_importBar->setFrameShape(QFrame::StyledPanel);
    auto* importLayout = new QHBoxLayout(m_importBar);
    importLayout->setContentsMargins(8, 4, 8, 4);
    m_importLabel = new QLabel(m_importBar);
    m_importLabel->setTextFormat(Qt::PlainText);
    m_importLabel->setWordWrap(true);
    importLayout->addWidget(m_importLabel, 1);
    m_layerPicker = new CompactComboBox(m_importBar);
    m_layerPicker->setToolTip(tr("The layer of the imported model whose heads are shown."));
    importLayout->addWidget(m_layerPicker);
    auto* backButton = new QToolButton(m_importBar);
    backButton->setText(tr("Back to the Live Model"));
    backButton->setToolTip(
        tr("Leave the imported attention and show the sentence you type again."));
    importLayout->addWidget(backButton);
    buildModelBar(importLayout);
    m_importBar->hide();
    layout->addWidget(m_importBar);

    buildLessonBar(central, layout);
    connect(m_layerPicker, &QComboBox::activated, this, &MainWindow::setShownLayer);
    connect(backButton, &QToolButton::clicked, this, [this] {
        closeImport();
        closeModel();
    });

    // The view bar: layout, head and scale, also reachable from the View menu.
    auto* bar = new QHBoxLayout;
    bar->setSpacing(4);
    auto makeButton = [&](const QString& text) {
        auto* button = new QToolButton(central);
        button->setToolButtonStyle(Qt::ToolButtonTextOnly);
        button->setFocusPolicy(Qt::StrongFocus);
        button->setText(text);
        bar->addWidget(button);
        return button;
    };
    auto* showLabel = new QLabel(tr("Show:"), central);
    bar->addWidget(showLabel);
    m_allHeadsButton = makeButton(tr("All heads"));
    m_oneHeadButton = makeButton(tr("One head large"));
    m_combinedButton = makeButton(tr("Combined"));
    m_modelViewButton = makeButton(tr("Model"));
    bar->addSpacing(12);
    m_headPickerLabel = new QLabel(tr("&Head:"), central);
    m_headPicker = new CompactComboBox(central);
    m_headPicker->setToolTip(tr("The head shown large."));
    m_headPicker->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_headPickerLabel->setBuddy(m_headPicker);
    bar->addWidget(m_headPickerLabel);
    bar->addWidget(m_headPicker);
    bar->addSpacing(12);
    auto* scaleLabel = new QLabel(tr("Colour &scale:"), central);
    m_scaleBox = new CompactComboBox(central);
    m_scaleBox->addItem(tr("0 to 1, shared"), static_cast<int>(ColorScale::ZeroToOne));
    m_scaleBox->addItem(tr("Fitted, shared"), static_cast<int>(ColorScale::Fitted));
    m_scaleBox->addItem(tr("Per head"), static_cast<int>(ColorScale::PerHead));
    m_scaleBox->setItemData(0,
                            tr("One colour bar from 0 to 1 for all heatmaps: a flatter "
                               "distribution looks darker."),
                            Qt::ToolTipRole);
    m_scaleBox->setItemData(1,
                            tr("One colour bar from 0 to the largest weight shown: for long "
                               "sentences, whose weights are all small."),
                            Qt::ToolTipRole);
    m_scaleBox->setItemData(2, tr("Each heatmap stretched over its own range, with its own bar."),
                            Qt::ToolTipRole);
    m_scaleBox->setToolTip(tr("Which weights the colours of the heatmaps span."));
    m_scaleBox->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    scaleLabel->setBuddy(m_scaleBox);
    bar->addWidget(scaleLabel);
    bar->addWidget(m_scaleBox);
    bar->addSpacing(12);
    bar->addWidget(buildPaintButton(central));
    bar->addStretch(1);

    auto* heatArea = new QHBoxLayout;
    heatArea->setSpacing(2);
    m_scroll = new QScrollArea(central);
    m_scroll->setWidgetResizable(true);
    m_scroll->setFrameShape(QFrame::NoFrame);
    m_grid = new QWidget(m_scroll);
    m_gridLayout = new QGridLayout(m_grid);
    m_gridLayout->setContentsMargins(0, 0, 0, 0);
    m_gridLayout->setSpacing(6);
    m_scroll->setWidget(m_grid);
    m_scroll->viewport()->installEventFilter(this);
    heatArea->addWidget(m_scroll, 1);
    buildModelView(heatArea);
    m_colorBar = new ColorBarWidget(central);
    m_colorBar->hide(); // until there are heatmaps to explain
    heatArea->addWidget(m_colorBar);
    m_baseFontPointSize = m_grid->font().pointSizeF();

    // The heatmaps are the first page; the teaching views (steps, your numbers, compare,
    // why √d_k, lines) are the others, all about the same result.
    auto* heatPage = new QWidget(central);
    auto* heatLayout = new QVBoxLayout(heatPage);
    heatLayout->setContentsMargins(0, 4, 0, 0);
    heatLayout->setSpacing(4);
    heatLayout->addLayout(bar);
    heatLayout->addLayout(heatArea, 1);
    m_teaching = new TeachingPanel(central);
    m_teaching->insertTab(0, heatPage, tr("Heat&maps"));
    m_teaching->setTabToolTip(0, tr("One heatmap per head: rows are queries, columns are keys."));
    m_teaching->setCurrentIndex(0);
    m_teaching->addScrollingPage(new LearnPage, tr("Lea&rn"));
    layout->addWidget(m_teaching, 1);

    setCentralWidget(central);

    connect(m_sentence, &QLineEdit::textChanged, this, &MainWindow::onSentenceEdited);
    connect(m_source, &QLineEdit::textChanged, this, &MainWindow::onSourceEdited);
    connect(m_headPicker, &QComboBox::activated, this,
            [this](int index) { setFocusedHead(m_headPicker->itemData(index).toInt()); });
    connect(m_scaleBox, &QComboBox::activated, this, [this](int index) {
        setColorScale(static_cast<ColorScale>(m_scaleBox->itemData(index).toInt()));
    });
}

void MainWindow::applyInputFonts() {
    const QFont tokenFont = HeatmapView::tokenFont(QApplication::font());
    QFont inputFont = tokenFont;
    inputFont.setPointSizeF(tokenFont.pointSizeF() * 1.15);
    for (QLineEdit* edit : {m_sentence, m_source})
        edit->setFont(inputFont);
    for (QLabel* strip : {m_sentenceTokens, m_sourceTokens}) {
        strip->setFont(tokenFont);
        // As high as a line of Chinese from the start: switching languages must not shift the
        // heatmaps by a few pixels.
        strip->setMinimumHeight(
            QFontMetrics(tokenFont).boundingRect(QStringLiteral("我Ag")).height() + 4);
    }
    if (m_hoverLabel)
        m_hoverLabel->setFont(tokenFont);
}

void MainWindow::buildDocks() {
    m_controls = new ControlsPanel(this);
    auto* scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    scroll->setWidget(m_controls);
    m_controlsDock = new QDockWidget(tr("Controls"), this);
    m_controlsDock->setObjectName(QStringLiteral("ControlsDock"));
    m_controlsDock->setWidget(scroll);
    addDockWidget(Qt::LeftDockWidgetArea, m_controlsDock);
    fitControlsDock();

    m_details = new DetailsPanel(this);
    m_detailsDock = new QDockWidget(tr("Selected row"), this);
    m_detailsDock->setObjectName(QStringLiteral("DetailsDock"));
    m_detailsDock->setWidget(m_details);
    // Below the heatmaps, where a bar per key reads best (wide and low) and the heads keep the
    // width; on a short screen (a 720p projector) beside them, or the heatmaps get too flat.
    const QScreen* screen = QGuiApplication::primaryScreen();
    const bool tall = !screen || screen->availableSize().height() >= kTallScreen;
    addDockWidget(tall ? Qt::BottomDockWidgetArea : Qt::RightDockWidgetArea, m_detailsDock);

    for (QDockWidget* dock : {m_controlsDock, m_detailsDock}) {
        connect(dock, &QDockWidget::dockLocationChanged, this, &MainWindow::scheduleSave);
        connect(dock, &QDockWidget::topLevelChanged, this, &MainWindow::scheduleSave);
        connect(dock, &QDockWidget::visibilityChanged, this, &MainWindow::scheduleSave);
    }
    connect(m_controls, &ControlsPanel::configChanged, this, &MainWindow::onControlsChanged);
    connect(m_controls, &ControlsPanel::manualMatricesRequested, this,
            [this] { m_teaching->showMatrixEditor(); });
    connect(m_controls, &ControlsPanel::loadEmbeddingsRequested, this,
            &MainWindow::chooseEmbeddingsFile);
    connect(m_controls, &ControlsPanel::minimumWidthChanged, this, &MainWindow::fitControlsDock);
}

void MainWindow::buildMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->setToolTipsVisible(true);
    QMenu* edit = menuBar()->addMenu(tr("&Edit"));
    edit->setToolTipsVisible(true);
    buildFileActions(file, edit);
    buildEditActions(file, edit);
    file->addSeparator();
    QAction* load =
        file->addAction(tr("&Load Embeddings File…"), this, &MainWindow::chooseEmbeddingsFile);
    load->setToolTip(tr("Use word vectors from a GloVe, word2vec or fastText file."));
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Q));
    quit->setShortcutContext(Qt::ApplicationShortcut);

    QMenu* view = menuBar()->addMenu(tr("&View"));
    m_layoutActions = new QActionGroup(this);
    auto addLayout = [&](const QString& text, HeatmapLayout layout, QKeySequence key,
                         QToolButton* button) {
        QAction* action = view->addAction(text);
        action->setCheckable(true);
        action->setShortcut(key);
        action->setData(static_cast<int>(layout));
        m_layoutActions->addAction(action);
        connect(action, &QAction::triggered, this, [this, layout] { setHeatmapLayout(layout); });
        button->setDefaultAction(action);
        return action;
    };
    m_allHeadsAction = addLayout(tr("&All Heads"), HeatmapLayout::AllHeads,
                                 QKeySequence(Qt::CTRL | Qt::Key_1), m_allHeadsButton);
    m_allHeadsAction->setToolTip(tr("One heatmap per head and their mean (Ctrl+1)."));
    m_oneHeadAction = addLayout(tr("&One Head Large"), HeatmapLayout::OneHead,
                                QKeySequence(Qt::CTRL | Qt::Key_2), m_oneHeadButton);
    m_oneHeadAction->setToolTip(tr("One head, chosen on the right, filling the area (Ctrl+2)."));
    m_combinedAction = addLayout(tr("&Combined"), HeatmapLayout::Combined,
                                 QKeySequence(Qt::CTRL | Qt::Key_3), m_combinedButton);
    m_combinedAction->setToolTip(
        tr("The mean and the maximum over the heads, side by side (Ctrl+3)."));
    buildModelViewAction(view);
    view->addSeparator();

    QMenu* maps = view->addMenu(tr("Colour &Map"));
    m_colorMapActions = new QActionGroup(this);
    for (ColorMap map : allColorMaps()) {
        QAction* action = maps->addAction(colorMapName(map));
        action->setCheckable(true);
        action->setData(static_cast<int>(map));
        m_colorMapActions->addAction(action);
        connect(action, &QAction::triggered, this, [this, map] { setColorMap(map); });
    }
    QMenu* values = view->addMenu(tr("Cell &Values"));
    m_cellValueActions = new QActionGroup(this);
    const std::pair<QString, CellValues> valueModes[] = {
        {tr("&Automatic (up to %1 tokens)").arg(kAutoValuesMaxTokens), CellValues::Automatic},
        {tr("&Show"), CellValues::Shown},
        {tr("&Hide"), CellValues::Hidden}};
    for (const auto& [text, mode] : valueModes) {
        QAction* action = values->addAction(text);
        action->setCheckable(true);
        action->setData(static_cast<int>(mode));
        m_cellValueActions->addAction(action);
        connect(action, &QAction::triggered, this, [this, mode = mode] { setCellValues(mode); });
    }
    QMenu* scales = view->addMenu(tr("Colour &Scale"));
    m_scaleActions = new QActionGroup(this);
    const std::pair<QString, ColorScale> scaleModes[] = {
        {tr("&0 to 1, Shared"), ColorScale::ZeroToOne},
        {tr("&Fitted, Shared"), ColorScale::Fitted},
        {tr("&Per Head"), ColorScale::PerHead}};
    for (const auto& [text, scale] : scaleModes) {
        QAction* action = scales->addAction(text);
        action->setCheckable(true);
        action->setData(static_cast<int>(scale));
        m_scaleActions->addAction(action);
        connect(action, &QAction::triggered, this, [this, scale = scale] { setColorScale(scale); });
    }
    view->addSeparator();
    // Ctrl+= / Ctrl+− size the whole interface's text (a projector); the heatmaps alone grow
    // with Ctrl+Alt, which also lets long sentences scroll with readable cells.
    QAction* zoomInAction = view->addAction(tr("Larger &Heatmaps"), this, &MainWindow::zoomIn);
    zoomInAction->setShortcut(QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key_Equal));
    QAction* zoomOutAction = view->addAction(tr("Smaller Heat&maps"), this, &MainWindow::zoomOut);
    zoomOutAction->setShortcut(QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key_Minus));
    QAction* resetAction = view->addAction(tr("&Reset Heatmap Size"), this, &MainWindow::resetZoom);
    resetAction->setShortcut(QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key_0));
    view->addSeparator();
    buildClassroomActions(view);
    view->addSeparator();
    addLanguageMenu(view, this, m_settingsPath);
    view->addSeparator();
    QAction* controlsToggle = m_controlsDock->toggleViewAction();
    controlsToggle->setText(tr("&Controls Panel"));
    view->addAction(controlsToggle);
    QAction* detailsToggle = m_detailsDock->toggleViewAction();
    detailsToggle->setText(tr("&Selected Row Panel"));
    view->addAction(detailsToggle);

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    QAction* examples = help->addAction(tr("&Examples…"), this, &MainWindow::showLessonGallery);
    examples->setShortcut(QKeySequence::HelpContents);
    examples->setToolTip(tr("Lessons that come with the program, each with an explanation."));
    help->addSeparator();
    help->addAction(tr("&About Attention Lab"), this, &MainWindow::showAbout);
    help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);
}

void MainWindow::buildStatusBar() {
    m_hoverLabel = new QLabel(this);
    m_hoverLabel->setTextFormat(Qt::PlainText);
    m_hoverLabel->setMinimumWidth(100);
    statusBar()->addWidget(m_hoverLabel, 1);
    applyInputFonts(); // the hover label's font
    // A temporary message ("Saved …") replaces the hover text until it times out. QStatusBar
    // hides the label itself, but a font change while the message shows (presentation mode,
    // Ctrl+=) rebuilds its layout, which shows the label again on top of the message; hiding it
    // explicitly keeps it hidden.
    connect(statusBar(), &QStatusBar::messageChanged, m_hoverLabel,
            [this](const QString& message) { m_hoverLabel->setVisible(message.isEmpty()); });
    m_busyBar = new QProgressBar(this);
    m_busyBar->setRange(0, 0);
    m_busyBar->setMaximumWidth(120);
    m_busyBar->setMaximumHeight(14);
    m_busyBar->setToolTip(tr("Computing a large input; the heatmaps update when it is done."));
    m_busyBar->hide();
    m_busyLabel = new QLabel(tr("Computing…"), this);
    m_busyLabel->hide();
    statusBar()->addPermanentWidget(m_busyLabel);
    statusBar()->addPermanentWidget(m_busyBar);
    m_statusLabel = new QLabel(this);
    m_statusLabel->setTextFormat(Qt::PlainText);
    statusBar()->addPermanentWidget(m_statusLabel);
}

void MainWindow::setUpTabOrder() {
    QList<QWidget*> chain{m_sentence, m_source};
    chain += m_controls->tabOrder();
    chain += {m_allHeadsButton,  m_oneHeadButton, m_combinedButton,
              m_modelViewButton, m_headPicker,    m_scaleBox};
    for (qsizetype i = 1; i < chain.size(); ++i)
        setTabOrder(chain[i - 1], chain[i]);
    // The heatmaps follow in grid order (set when they are arranged), then the details panel.
}

void MainWindow::connectController() {
    connect(m_controller, &AttentionController::resultReady, this, &MainWindow::onResult);
    m_teaching->setWorkspace(m_controller);
    // Presets, typed numbers and compare's "copy to the workspace" arrive complete.
    connect(m_teaching, &TeachingPanel::configRequested, this, [this](const core::Config& config) {
        const core::Config before = m_controller->config();
        applyConfig(config);
        recordChange(before);
    });
    connect(m_teaching, &TeachingPanel::cellSelected, this, &MainWindow::onTeachingCellSelected);
    connect(m_controller, &AttentionController::failed, this, &MainWindow::onFailed);
    connect(m_controller, &AttentionController::busyChanged, this, [this](bool busy) {
        m_busyBar->setVisible(busy);
        m_busyLabel->setVisible(busy);
    });
    connect(m_controller, &AttentionController::embeddingsLoaded, this,
            [this](const QString& path, int, int dimension) {
                closeLoadProgress();
                m_embeddingsNotes.clear(); // the new file's warnings follow
                m_controls->setEmbeddingsFile(path, dimension);
                scheduleSave();
            });
    // Kept with every result while the file is in use: the next result must not hide them.
    connect(m_controller, &AttentionController::embeddingsWarning, this,
            [this](const QString& message) {
                m_embeddingsNotes << message;
                showNotes();
            });
    // A large embeddings file loads on a worker: its progress shows, and Cancel stops it.
    connect(m_controller, &AttentionController::embeddingsLoading, this,
            [this](const QString& path) {
                closeLoadProgress();
                m_loadProgress = new QProgressDialog(
                    tr("Loading word vectors from %1…").arg(QFileInfo(path).fileName()),
                    tr("Cancel"), 0, 1000, this);
                m_loadProgress->setWindowTitle(tr("Load Embeddings File"));
                m_loadProgress->setMinimumDuration(300);
                m_loadProgress->setAutoClose(false);
                m_loadProgress->setAutoReset(false);
                connect(m_loadProgress, &QProgressDialog::canceled, m_controller,
                        &AttentionController::cancelEmbeddingsLoad);
            });
    connect(m_controller, &AttentionController::embeddingsProgress, this,
            [this](qint64 done, qint64 total) {
                if (m_loadProgress && total > 0)
                    m_loadProgress->setValue(static_cast<int>(1000.0 * done / total));
            });
    connect(m_controller, &AttentionController::failed, this,
            [this](const QString&, const QString& field) {
                if (field == QLatin1String("embeddings"))
                    closeLoadProgress();
            });
}

void MainWindow::closeLoadProgress() {
    if (!m_loadProgress)
        return;
    QProgressDialog* dialog = m_loadProgress;
    m_loadProgress = nullptr;
    dialog->disconnect(m_controller); // closing must not count as Cancel
    dialog->deleteLater();
}

// ---------------------------------------------------------------------------------------------
// Input and results

void MainWindow::onSentenceEdited(const QString& text) {
    if (m_restoring)
        return;
    m_lessonNotes.clear(); // the user moved on from the lesson as opened
    const core::Config before = m_controller->config();
    core::Config config = before;
    config.sentence = str(text);
    compute(config);
    recordChange(before);
    scheduleSave();
}

void MainWindow::onSourceEdited(const QString& text) {
    if (m_restoring)
        return;
    m_lessonNotes.clear(); // the user moved on from the lesson as opened
    // Only spaces is still self-attention: an empty source means "no cross-attention".
    const bool cross = !text.trimmed().isEmpty();
    m_controls->setCrossAttention(cross);
    const core::Config before = m_controller->config();
    core::Config config = before;
    config.source = cross ? str(text) : std::string();
    compute(config);
    recordChange(before);
    scheduleSave();
}

void MainWindow::onControlsChanged(const core::Config& config) {
    if (m_restoring)
        return;
    m_lessonNotes.clear(); // the user moved on from the lesson as opened
    const core::Config before = m_controller->config();
    core::Config merged = config;
    merged.sentence = before.sentence;
    merged.source = before.source;
    compute(merged);
    recordChange(before);
    scheduleSave();
}

void MainWindow::compute(const core::Config& config) {
    // Manual matrices typed in "Your numbers" follow every change: a new token count or width
    // refits them instead of failing.
    m_controller->setConfig(m_teaching->applyManual(config));
}

void MainWindow::onResult(std::shared_ptr<const core::ModelOutput> result,
                          qint64 elapsedMicroseconds) {
    showResult(std::move(result), elapsedMicroseconds);
}

void MainWindow::showResult(std::shared_ptr<const core::ModelOutput> result,
                            qint64 elapsedMicroseconds) {
    m_result = std::move(result);
    m_elapsedMicroseconds = elapsedMicroseconds;
    clearInlineErrors();
    showNotes();
    m_controls->setTokenCount(static_cast<int>(m_result->maps.queryTokens.size()));
    m_controls->positionalView()->setResult(m_result);
    updateTokenStrip(false);
    updateTokenStrip(true);

    const int heads = m_result->maps.heads;
    if (m_layer >= m_result->maps.layers)
        m_layer = 0;
    updateLayerPicker();
    if (m_focusedHead >= heads)
        m_focusedHead = 0;
    if (m_selectedHead >= heads)
        m_selectedHead = HeatmapView::MeanOfHeads;
    if (!m_selectedOnce)
        selectInitialRow();
    updateHeadPicker();
    rebuildViews();
    refreshDetails();

    const int nq = static_cast<int>(m_result->maps.queryTokens.size());
    const int nk = static_cast<int>(m_result->maps.keyTokens.size());
    // Spelled out rather than "%n token(s)": without a loaded translation Qt prints the "(s)".
    const QString tokens = m_result->maps.cross ? tr("%1 queries × %2 keys").arg(nq).arg(nk)
                           : nq == 1            ? tr("1 token")
                                                : tr("%1 tokens").arg(nq);
    const QString headCount = heads == 1 ? tr("1 head") : tr("%1 heads").arg(heads);
    const double ms = elapsedMicroseconds / 1000.0;
    updateModelBar();
    if (!m_result->trace) {
        // A model of its own (imported weights, a transformer): its name and layers rather than
        // the settings.
        m_statusLabel->setText(tr("%1 · layer %2 of %3 · %4 heads")
                                   .arg(qs(m_result->model))
                                   .arg(m_layer + 1)
                                   .arg(m_result->maps.layers)
                                   .arg(heads));
        return;
    }
    m_statusLabel->setText(tr("%1 · %2 · d_model %3 · d_k %4 · %5 ms")
                               .arg(tokens, headCount)
                               .arg(m_result->config.dModel)
                               .arg(m_result->config.dK)
                               .arg(QString::number(ms, 'f', ms < 10 ? 2 : 0)));
}

void MainWindow::onFailed(const QString& message, const QString& field) {
    clearInlineErrors();
    if (field == QLatin1String("sentence")) {
        m_sentenceError->setText(message);
        m_sentenceError->show();
    } else if (field == QLatin1String("source")) {
        m_sourceError->setText(message);
        m_sourceError->show();
    } else {
        m_controls->setError(field, message);
    }
    QString text = message;
    if (!text.isEmpty() && !text.back().isPunct())
        text += QLatin1Char('.');
    if (m_result)
        text += tr(" The heatmaps still show the last valid result.");
    showMessage(text, true);
}

void MainWindow::showNotes() {
    // Unknown tokens are marked in the token strips already; as a message they would make the
    // layout jump at nearly every keystroke (a half-typed word is unknown).
    QStringList notes;
    if (const QString painting = paintingNote(); !painting.isEmpty())
        notes << painting;
    if (m_result)
        for (const core::Message& warning : m_result->maps.warnings)
            if (warning.text.find("not in the embeddings") == std::string::npos)
                notes << coreText(warning);
    // What was found in the files in use: an embeddings file's duplicate words while it is in
    // use, a lesson's unknown members until the user changes something.
    if (!m_result || m_result->config.embeddings == core::EmbeddingSource::File)
        notes << m_embeddingsNotes;
    notes << m_lessonNotes;
    showMessage(notes.join(QStringLiteral("; ")), false);
}

void MainWindow::clearInlineErrors() {
    m_controls->clearErrors();
    for (QLabel* label : {m_sentenceError, m_sourceError}) {
        label->clear();
        label->hide();
    }
}

void MainWindow::showMessage(const QString& text, bool error) {
    m_messageIsError = error && !text.isEmpty();
    if (text.isEmpty()) {
        m_messageLabel->clear();
        m_messageFrame->hide();
        return;
    }
    QPalette palette = m_messageFrame->palette();
    palette.setColor(QPalette::Window, error ? kErrorBackground : kInfoBackground);
    palette.setColor(QPalette::WindowText, error ? kErrorText : kInfoText);
    m_messageFrame->setPalette(palette);
    m_messageLabel->setPalette(palette);
    m_messageLabel->setText(text);
    m_messageFrame->show();
}

void MainWindow::updateTokenStrip(bool source) {
    QLabel* strip = source ? m_sourceTokens : m_sentenceTokens;
    QStringList& tokens = source ? m_sourceStrip : m_sentenceStrip;
    tokens.clear();
    if (!m_result || (source && !m_result->maps.cross)) {
        strip->clear();
        strip->setVisible(!source);
        return;
    }
    const auto& infos = source ? m_result->maps.keyTokens : m_result->maps.queryTokens;
    // At most kStripLines lines of chips: a long text must not push the heatmaps off screen.
    const QFontMetricsF metrics(strip->font());
    const double lineWidth = std::max(400, strip->width());
    // Wrapping leaves the end of each line partly empty: budget for that, and for the last words.
    const double padding = 3 * metrics.horizontalAdvance(QLatin1Char(' '));
    const double budget =
        lineWidth * kStripLines * 0.85 - metrics.horizontalAdvance(tr("… and 9999 more"));
    double used = 0;
    qsizetype shown = 0;
    QString html;
    for (const core::MapToken& token : infos) {
        QString text = qs(token.text);
        if (token.unknown)
            text += QLatin1Char('?');
        tokens << text;
        const double width = metrics.horizontalAdvance(text) + padding;
        if (shown < tokens.size() - 1 || used + width > budget)
            continue; // an earlier token was left out already, or this one does not fit
        used += width;
        ++shown;
        // Chips: light blue for known tokens, orange for unknown, grey for padding.
        const char* background = token.padding ? "#ececec" : token.unknown ? "#ffd8a8" : "#dde7f3";
        const char* foreground = token.padding ? "#777777" : token.unknown ? "#7a3b00" : "#1d2d44";
        html +=
            QStringLiteral("<span style=\"background-color:%1; color:%2;\">&nbsp;%3&nbsp;</span> ")
                .arg(QLatin1String(background), QLatin1String(foreground), text.toHtmlEscaped());
    }
    if (shown < tokens.size())
        html += tr("… and %1 more").arg(tokens.size() - shown);
    strip->setText(html);
    strip->setVisible(true);
}

} // namespace attnlab::ui
