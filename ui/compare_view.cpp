#include "compare_view.h"

#include "compact_combo_box.h"
#include "core_text.h"

#include "attention_controller.h"
#include "cell_numbers.h"
#include "controls_panel.h"
#include "heatmap_view.h"
#include "plot_setup.h"
#include "view_options.h"

#include <qcustomplot.h>

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QSignalBlocker>
#include <QSplitter>
#include <QTableWidget>
#include <QToolTip>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <limits>

namespace attnlab::ui {

namespace {

constexpr int kMaxValueCells = 10; // print the differences in the cells up to 10 × 10

QStringList tokenLabels(const std::vector<core::MapToken>& tokens) {
    QStringList labels;
    for (const core::MapToken& token : tokens)
        labels << QString::fromStdString(token.text);
    return labels;
}

// Token labels every `stride` cells (QCPAxisTickerText never thins them itself).
QSharedPointer<QCPAxisTickerText> tokenTicker(const QStringList& labels, int stride) {
    QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
    for (int i = 0; i < labels.size(); i += std::max(1, stride))
        ticker->addTick(i, labels[i].size() > 10 ? labels[i].left(9) + QStringLiteral("…")
                                                 : labels[i]);
    return ticker;
}

// The same sentence, as far as comparing goes.
bool sameInput(const core::ModelOutput& a, const core::ModelOutput& b) {
    return a.config.sentence == b.config.sentence && a.config.source == b.config.source;
}

} // namespace

CompareView::CompareView(QWidget* parent) : QWidget(parent) {
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->setSpacing(8);

    // Side B's settings.
    auto* left = new QWidget(this);
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->setSpacing(4);
    auto* buttons = new QHBoxLayout;
    m_copyAToB = new QPushButton(tr("A → B"), left);
    m_copyAToB->setToolTip(tr("Copies the workspace's settings (side A) to side B."));
    m_copyBToA = new QPushButton(tr("B → A"), left);
    m_copyBToA->setToolTip(tr("Gives the workspace (side A) the settings of side B."));
    m_swap = new QPushButton(tr("Swap"), left);
    m_swap->setToolTip(tr("Exchanges the settings of the two sides."));
    for (QPushButton* button : {m_copyAToB, m_copyBToA, m_swap})
        buttons->addWidget(button);
    leftLayout->addLayout(buttons);
    auto* bLabel = new QLabel(tr("Settings of side B (same sentence as A):"), left);
    bLabel->setWordWrap(true);
    leftLayout->addWidget(bLabel);
    m_controlsB = new ControlsPanel(left);
    m_controlsB->setToolTip(tr("Side B is computed with these settings on the workspace's "
                               "sentence."));
    m_controlsB->loadEmbeddingsButton()->setVisible(false); // B follows A's file
    auto* scroll = new QScrollArea(left);
    scroll->setWidgetResizable(true);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    scroll->setWidget(m_controlsB);
    scroll->setMinimumWidth(m_controlsB->minimumSizeHint().width() + 24);
    leftLayout->addWidget(scroll, 1);
    layout->addWidget(left);
    m_settingsSide = left;

    // The comparison.
    auto* right = new QWidget(this);
    auto* rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    rightLayout->setSpacing(4);
    auto* top = new QHBoxLayout;
    auto* headLabel = new QLabel(tr("Com&pare"), right);
    m_headBox = new CompactComboBox(right);
    m_headBox->setToolTip(tr("Which weights to compare: one head, or the mean over the heads."));
    m_headBox->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    headLabel->setBuddy(m_headBox);
    m_message = new QLabel(right);
    m_message->setWordWrap(true);
    m_message->setTextFormat(Qt::PlainText);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_layerLabel = new QLabel(tr("&Layer"), right);
    m_layerBox = new CompactComboBox(right);
    m_layerBox->setToolTip(tr("Which layer of the model to compare."));
    m_layerBox->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_layerLabel->setBuddy(m_layerBox);
    m_layerLabel->hide();
    m_layerBox->hide();
    top->addWidget(m_layerLabel);
    top->addWidget(m_layerBox);
    top->addWidget(headLabel);
    top->addWidget(m_headBox);
    top->addSpacing(12);
    top->addWidget(m_message, 1);
    rightLayout->addLayout(top);

    auto* maps = new QHBoxLayout;
    maps->setSpacing(6);
    auto addColumn = [&](QLabel*& title, QWidget* view) {
        auto* column = new QVBoxLayout;
        column->setSpacing(2);
        title = new QLabel(right);
        title->setWordWrap(true);
        title->setTextFormat(Qt::PlainText);
        title->setFont(HeatmapView::tokenFont(font()));
        // Two lines for every title, so that the three maps start at the same height.
        title->setMinimumHeight(2 * QFontMetrics(title->font()).lineSpacing());
        title->setAlignment(Qt::AlignLeft | Qt::AlignBottom);
        column->addWidget(title);
        column->addWidget(view, 1);
        maps->addLayout(column, 1);
    };
    m_viewA = new HeatmapView(right);
    m_viewB = new HeatmapView(right);
    for (HeatmapView* view : {m_viewA, m_viewB}) {
        view->setShowValues(true);
        view->setColorBarVisible(false);
        view->setMinimumSize(120, 200);
    }
    addColumn(m_titleA, m_viewA);
    addColumn(m_titleB, m_viewB);

    m_diffPlot = new QCustomPlot(right);
    m_diffPlot->setMinimumSize(140, 200);
    const QFont font = HeatmapView::tokenFont(this->font());
    m_diffPlot->setFont(font);
    m_diffPlot->axisRect()->setMinimumMargins(QMargins(4, 8, 4, 4));
    m_diffPlot->xAxis->setLabel(tr("Key"));
    m_diffPlot->yAxis->setLabel(tr("Query"));
    m_diffPlot->yAxis->setRangeReversed(true);
    for (QCPAxis* axis : {m_diffPlot->xAxis, m_diffPlot->yAxis}) {
        axis->setLabelFont(font);
        axis->setTickLabelFont(font);
        axis->setLabelColor(kChartTextColor);
        axis->setTickLabelColor(kChartTextColor);
        axis->grid()->setVisible(false);
        axis->setSubTicks(false);
        axis->setTickLength(0, 3);
    }
    m_diffMap = new QCPColorMap(m_diffPlot->xAxis, m_diffPlot->yAxis);
    m_diffMap->setInterpolate(false);
    m_diffMap->setTightBoundary(false);
    m_diffScale = new QCPColorScale(m_diffPlot);
    m_diffScale->setType(QCPAxis::atRight);
    m_diffScale->setBarWidth(10);
    m_diffScale->axis()->setLabel(tr("A − B"));
    m_diffScale->axis()->setLabelFont(font);
    m_diffScale->axis()->setTickLabelFont(font);
    m_diffPlot->plotLayout()->addElement(0, 1, m_diffScale);
    m_diffMap->setColorScale(m_diffScale);
    // The scale owns the gradient once connected: set it there. Cells both sides mask are NaN
    // and drawn in the neutral masked-cell grey, not as "no difference".
    QCPColorGradient diverging = makeDivergingGradient();
    diverging.setNanHandling(QCPColorGradient::nhNanColor);
    diverging.setNanColor(maskedCellColor(ColorMap::Viridis));
    m_diffScale->setGradient(diverging);
    auto* group = new QCPMarginGroup(m_diffPlot);
    m_diffPlot->axisRect()->setMarginGroup(QCP::msBottom | QCP::msTop, group);
    m_diffScale->setMarginGroup(QCP::msBottom | QCP::msTop, group);
    m_diffPlot->setToolTip(tr("Blue: A gives the key less weight than B; red: more."));
    QLabel* diffTitle = nullptr;
    addColumn(diffTitle, m_diffPlot);
    diffTitle->setText(tr("Difference A − B (0 is white)"));

    m_rowTable = new QTableWidget(right);
    m_rowTable->setColumnCount(6);
    m_rowTable->setHorizontalHeaderLabels({tr("Query"), tr("KL(A‖B)"), tr("KL(B‖A)"), tr("H(A)"),
                                           tr("H(B)"), tr("ΔH = H(B) − H(A)")});
    m_rowTable->horizontalHeaderItem(1)->setToolTip(
        tr("How much information is lost when B stands in for A in this row (nats); ∞ when B "
           "gives a key exactly 0 that A weighs."));
    m_rowTable->horizontalHeaderItem(5)->setToolTip(
        tr("Negative: B is sharper (more peaked) than A in this row; positive: flatter."));
    m_rowTable->verticalHeader()->setVisible(false);
    m_rowTable->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_rowTable->setSelectionBehavior(QAbstractItemView::SelectRows);
    // Sized once after each fill: ResizeToContents would measure every row at every insert.
    m_rowTable->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_rowTable->horizontalHeader()->setStretchLastSection(false);
    m_rowTable->setFont(font);
    m_rowTable->setToolTip(tr("Per query row: how far apart the two distributions are and how "
                              "much sharper or flatter B is."));

    auto* splitter = new QSplitter(Qt::Vertical, right);
    auto* mapsBox = new QWidget(splitter);
    mapsBox->setLayout(maps);
    splitter->addWidget(mapsBox);
    splitter->addWidget(m_rowTable);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 1);
    rightLayout->addWidget(splitter, 1);
    m_predictions = new QLabel(right);
    m_predictions->setWordWrap(true);
    m_predictions->setTextFormat(Qt::PlainText);
    m_predictions->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_predictions->setToolTip(tr("What each side predicts: the next token (GPT-2, Llama) or the "
                                 "words for [MASK] (BERT), with their probabilities."));
    m_predictions->hide();
    rightLayout->addWidget(m_predictions);
    layout->addWidget(right, 1);

    m_controllerB = new AttentionController(this);
    connect(m_controllerB, &AttentionController::resultReady, this,
            [this](std::shared_ptr<const core::ModelOutput> result, qint64) { onResultB(result); });
    connect(m_controllerB, &AttentionController::failed, this,
            [this](const QString& message, const QString& field) {
                m_errorB = message;
                m_controlsB->clearErrors();
                m_controlsB->setError(field, message);
                showMessage(tr("Side B: %1").arg(message));
            });
    connect(m_controllerB, &AttentionController::embeddingsLoaded, this,
            [this](const QString& path, int, int dimension) {
                m_controlsB->setEmbeddingsFile(path, dimension);
            });
    connect(m_controlsB, &ControlsPanel::configChanged, this, [this] { recomputeB(); });
    connect(m_copyAToB, &QPushButton::clicked, this, &CompareView::copyAToB);
    connect(m_copyBToA, &QPushButton::clicked, this, &CompareView::copyBToA);
    connect(m_swap, &QPushButton::clicked, this, &CompareView::swapSides);
    connect(m_headBox, &QComboBox::currentIndexChanged, this, [this](int index) {
        if (index >= 0)
            setComparedHead(m_headBox->itemData(index).toInt());
    });
    connect(m_layerBox, &QComboBox::currentIndexChanged, this, [this](int index) {
        if (index >= 0)
            setComparedLayer(m_layerBox->itemData(index).toInt());
    });
    connect(m_diffPlot, &QCustomPlot::afterLayout, this, &CompareView::updateTicks);
    // The cells' size is known once the plot is laid out: the numbers are fitted to it then.
    connect(m_diffPlot, &QCustomPlot::afterLayout, this, &CompareView::fitCellTexts);
    connect(m_diffPlot, &QCustomPlot::mouseMove, this, [this](QMouseEvent* event) {
        if (!m_comparison)
            return;
        double key = 0, query = 0;
        m_diffMap->pixelsToCoords(event->position(), key, query);
        const int q = static_cast<int>(std::lround(query));
        const int k = static_cast<int>(std::lround(key));
        const core::Matrix& d = m_comparison->difference;
        if (q < 0 || k < 0 || q >= d.rows() || k >= d.cols()) {
            QToolTip::hideText();
            return;
        }
        const core::Matrix& a = m_resultA->maps.weightsOf(m_layer, m_head);
        QToolTip::showText(
            event->globalPosition().toPoint(),
            tr("query “%1” → key “%2”: A %3 − B %4 = %5")
                .arg(QString::fromStdString(
                         m_resultA->maps.queryTokens[static_cast<std::size_t>(q)].text),
                     QString::fromStdString(
                         m_resultA->maps.keyTokens[static_cast<std::size_t>(k)].text),
                     HeatmapView::formatNumber(a(q, k)),
                     HeatmapView::formatNumber(a(q, k) - d(q, k)),
                     HeatmapView::formatNumber(d(q, k))),
            m_diffPlot);
    });
    showMessage(tr("Waiting for the workspace's first result."));
}

CompareView::~CompareView() = default;

QString CompareView::summary(const core::Config& config) {
    QStringList parts;
    parts << qs(core::toString(config.scoring)) << qs(core::toString(config.normalizer));
    parts << tr("T %1").arg(QString::number(config.temperature, 'g', 3));
    parts << (config.heads == 1 ? tr("1 head") : tr("%1 heads").arg(config.heads));
    if (config.mask.kind != core::MaskKind::None)
        parts << tr("mask %1").arg(QString::fromStdString(core::toString(config.mask)));
    if (config.positional != core::PositionalEncoding::None)
        parts << qs(core::toString(config.positional));
    if (config.projection != core::ProjectionInit::Identity)
        parts << tr("%1 projection").arg(qs(core::toString(config.projection)));
    return parts.join(QStringLiteral(" · "));
}

void CompareView::setBaseConfigProvider(std::function<core::Config()> provider) {
    m_baseProvider = std::move(provider);
}

void CompareView::setConfigAdapter(std::function<core::Config(core::Config)> adapter) {
    m_adapter = std::move(adapter);
}

core::Config CompareView::baseConfigA() const {
    if (m_baseProvider)
        return m_baseProvider();
    return m_resultA ? m_resultA->config : core::Config{};
}

void CompareView::setResult(std::shared_ptr<const core::ModelOutput> result) {
    m_resultA = std::move(result);
    if (!m_resultA)
        return;
    if (!m_initialisedB) {
        // Start B one setting away from A, so the first look already shows a difference:
        // the scaling of the scores, the subject of the √d_k page.
        core::Config b = baseConfigA();
        b.scoring = b.scoring == core::ScoringFunction::ScaledDot
                        ? core::ScoringFunction::Dot
                        : core::ScoringFunction::ScaledDot;
        m_controlsB->setConfig(b);
        m_initialisedB = true;
    }
    m_viewA->setData(m_resultA, m_head, std::min(m_layer, m_resultA->maps.layers - 1));
    updateTitles();
    recomputeB();
}

void CompareView::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    if (m_dirty)
        recomputeB();
}

core::Config CompareView::configB() const {
    core::Config config = m_controlsB->config();
    const core::Config a = baseConfigA();
    config.sentence = a.sentence;
    config.source = a.source;
    return config;
}

void CompareView::setConfigB(const core::Config& config) {
    syncEmbeddingsFile(config);
    m_controlsB->setConfig(config);
    recomputeB();
}

void CompareView::syncEmbeddingsFile(const core::Config& config) {
    // B computes with its own controller, which needs the file loaded to use it.
    const QString path = QString::fromStdString(config.embeddingsPath.empty() && m_resultA
                                                    ? m_resultA->config.embeddingsPath
                                                    : config.embeddingsPath);
    if (config.embeddings == core::EmbeddingSource::File && !path.isEmpty() &&
        path != m_controllerB->embeddingsPath())
        m_controllerB->loadEmbeddings(path);
}

void CompareView::recomputeB() {
    if (!m_resultA)
        return;
    if (!isVisible()) {
        m_dirty = true; // nothing to compute while nobody looks
        return;
    }
    m_dirty = false;
    if (m_baseline) {
        // The same model without the changes, on the workspace's sentence.
        m_controllerB->setConfig(baseConfigA());
        return;
    }
    core::Config config = configB();
    m_controlsB->setCrossAttention(!config.source.empty());
    if (m_adapter)
        config = m_adapter(config);
    m_controllerB->setConfig(config);
}

void CompareView::copyAToB() {
    setConfigB(baseConfigA());
}

void CompareView::copyBToA() {
    emit configRequested(configB());
}

void CompareView::swapSides() {
    const core::Config a = baseConfigA();
    const core::Config b = configB();
    syncEmbeddingsFile(a);
    m_controlsB->setConfig(a);
    emit configRequested(b); // the workspace's new result recomputes B
    recomputeB();
}

void CompareView::onResultB(std::shared_ptr<const core::ModelOutput> result) {
    m_resultB = std::move(result);
    m_errorB.clear();
    m_controlsB->clearErrors();
    updateTitles();
    updateHeadBox();
    updateComparison();
}

void CompareView::setComparedHead(int head) {
    m_head = head;
    updateComparison();
}

void CompareView::setModelBaseline(std::shared_ptr<const core::Model> unmodified,
                                   const QStringList& changes) {
    const bool modelChanged = unmodified != m_baseline;
    m_baseline = std::move(unmodified);
    m_changes = changes;
    m_settingsSide->setVisible(!m_baseline);
    updateTitles();
    if (!modelChanged)
        return;
    m_resultB.reset();
    if (!m_baseline)
        m_layer = 0;
    m_controllerB->setModel(m_baseline);
    recomputeB();
}

void CompareView::setComparedLayer(int layer) {
    if (layer == m_layer)
        return;
    m_layer = layer;
    {
        const QSignalBlocker blocker(m_layerBox);
        m_layerBox->setCurrentIndex(m_layerBox->findData(layer));
    }
    updateComparison();
}

void CompareView::updateTitles() {
    if (m_baseline) {
        m_titleA->setText(m_changes.isEmpty()
                              ? tr("A (workspace): the model, no change yet")
                              : tr("A (workspace): %1").arg(m_changes.join(QStringLiteral("; "))));
        m_titleB->setText(tr("B: the same model, unmodified"));
        return;
    }
    if (m_resultA)
        m_titleA->setText(tr("A (workspace): %1").arg(summary(m_resultA->config)));
    if (m_resultB)
        m_titleB->setText(tr("B: %1").arg(summary(m_resultB->config)));
}

QString CompareView::predictionsText() const {
    return m_predictions->isHidden() ? QString() : m_predictions->text();
}

void CompareView::fillPredictions() {
    constexpr std::size_t kShown = 5;
    const auto line = [](const QString& side, const core::ModelOutput& result) {
        QStringList positions;
        for (const core::Prediction& prediction : result.predictions) {
            QStringList candidates;
            for (std::size_t i = 0; i < prediction.top.size() && i < kShown; ++i)
                candidates << tr("%1 %2%")
                                  .arg(qs(prediction.top[i].text))
                                  .arg(100.0 * prediction.top[i].probability, 0, 'f', 1);
            positions << candidates.join(QStringLiteral(", "));
        }
        return tr("%1: %2").arg(side, positions.join(QStringLiteral(" | ")));
    };
    const bool any = m_resultA && m_resultB &&
                     (!m_resultA->predictions.empty() || !m_resultB->predictions.empty());
    if (!any) {
        m_predictions->clear();
        m_predictions->hide();
        return;
    }
    m_predictions->setText(tr("Predictions") + QLatin1Char('\n') + line(tr("A"), *m_resultA) +
                           QLatin1Char('\n') + line(tr("B"), *m_resultB));
    m_predictions->show();
}

void CompareView::setSelection(int head, int query, int key) {
    if (head >= 0 && head != m_head && m_resultA && m_resultB &&
        head < std::min(m_resultA->maps.heads, m_resultB->maps.heads)) {
        const int index = m_headBox->findData(head);
        if (index >= 0)
            m_headBox->setCurrentIndex(index); // updates the comparison
    }
    m_viewA->setSelection(query, key);
    m_viewB->setSelection(query, key);
    if (query >= 0 && query < m_rowTable->rowCount())
        m_rowTable->selectRow(query);
}

void CompareView::setColorMap(ColorMap map) {
    m_colorMap = map;
    m_viewA->setColorMap(map);
    m_viewB->setColorMap(map);
}

void CompareView::updateHeadBox() {
    const int heads =
        m_resultA && m_resultB ? std::min(m_resultA->maps.heads, m_resultB->maps.heads) : 0;
    const QSignalBlocker blocker(m_headBox);
    if (m_headBox->count() != heads + 1) {
        m_headBox->clear();
        for (int h = 0; h < heads; ++h)
            m_headBox->addItem(tr("Head %1").arg(h + 1), h);
        m_headBox->addItem(tr("Mean of heads"), core::kMeanOfHeads);
    }
    if (m_head >= heads)
        m_head = heads > 0 ? 0 : core::kMeanOfHeads;
    m_headBox->setCurrentIndex(m_headBox->findData(m_head));

    const int layers =
        m_resultA && m_resultB ? std::min(m_resultA->maps.layers, m_resultB->maps.layers) : 1;
    const QSignalBlocker layerBlocker(m_layerBox);
    if (m_layerBox->count() != layers) {
        m_layerBox->clear();
        for (int layer = 0; layer < layers; ++layer)
            m_layerBox->addItem(tr("Layer %1").arg(layer + 1), layer);
    }
    m_layer = std::clamp(m_layer, 0, std::max(0, layers - 1));
    m_layerBox->setCurrentIndex(m_layerBox->findData(m_layer));
    m_layerBox->setVisible(layers > 1);
    m_layerLabel->setVisible(layers > 1);
}

void CompareView::updateComparison() {
    m_comparison.reset();
    if (m_resultA)
        m_viewA->setData(m_resultA, m_head, std::min(m_layer, m_resultA->maps.layers - 1));
    if (m_resultB)
        m_viewB->setData(m_resultB, m_head, std::min(m_layer, m_resultB->maps.layers - 1));
    fillPredictions();
    if (!m_resultA || !m_resultB) {
        fillDifference();
        fillRowTable();
        return;
    }
    if (!sameInput(*m_resultA, *m_resultB)) {
        // B is still computing the new sentence; its result arrives shortly.
        showMessage(m_errorB.isEmpty() ? tr("Computing side B …") : tr("Side B: %1").arg(m_errorB));
        fillDifference();
        fillRowTable();
        return;
    }
    try {
        m_comparison = core::compareMaps(m_resultA->maps, m_resultB->maps, m_layer, m_head);
    } catch (const core::InputError& error) {
        showMessage(coreText(error.message()));
        fillDifference();
        fillRowTable();
        return;
    }
    double klSum = 0;
    int finite = 0, infinite = 0;
    for (Eigen::Index i = 0; i < m_comparison->klAB.size(); ++i) {
        if (!m_comparison->comparable[static_cast<std::size_t>(i)])
            continue;
        if (std::isinf(m_comparison->klAB(i))) {
            ++infinite;
        } else {
            klSum += m_comparison->klAB(i);
            ++finite;
        }
    }
    QString text =
        tr("largest |A − B| = %1").arg(HeatmapView::formatNumber(m_comparison->maxAbsDifference));
    if (finite > 0)
        text += tr(";  mean KL(A‖B) = %1 nats").arg(HeatmapView::formatNumber(klSum / finite));
    if (infinite > 0)
        text +=
            (infinite == 1
                 ? tr(";  1 row with KL = ∞ (B gives exactly 0 where A does not)")
                 : tr(";  %1 rows with KL = ∞ (B gives exactly 0 where A does not)").arg(infinite));
    if (m_baseline && m_changes.isEmpty())
        text = tr("No change yet: add one in the What If panel, and A shows its effect.");
    if (!m_errorB.isEmpty())
        text = tr("Side B: %1").arg(m_errorB);
    showMessage(text);
    fillDifference();
    fillRowTable();
}

void CompareView::fillDifference() {
    if (!m_comparison) {
        m_diffMap->data()->clear();
        updateCellTexts();
        m_diffPlot->replot(QCustomPlot::rpQueuedReplot);
        return;
    }
    const core::Matrix& d = m_comparison->difference;
    const int nq = static_cast<int>(d.rows()), nk = static_cast<int>(d.cols());
    m_diffMap->data()->setSize(nk, nq);
    m_diffMap->data()->setRange(QCPRange(0, nk - 1), QCPRange(0, nq - 1));
    const double nan = std::numeric_limits<double>::quiet_NaN();
    for (int q = 0; q < nq; ++q)
        for (int k = 0; k < nk; ++k) {
            const bool hidden = !m_resultA->maps.allowed(q, k) && !m_resultB->maps.allowed(q, k);
            m_diffMap->data()->setCell(k, q, hidden ? nan : d(q, k));
        }
    // Symmetric around 0, so white is "no difference" whatever the sign of the extremes.
    m_range = std::max(static_cast<double>(m_comparison->maxAbsDifference), 1e-3);
    m_diffScale->setDataRange(QCPRange(-m_range, m_range));
    m_diffPlot->xAxis->setTickLabelRotation(nk > 6 ? 90 : 0);
    m_diffPlot->xAxis->setRange(-0.5, nk - 0.5);
    m_diffPlot->yAxis->setRange(-0.5, nq - 0.5);
    updateTicks();
    updateCellTexts();
    m_diffPlot->replot(QCustomPlot::rpQueuedReplot);
}

void CompareView::updateCellTexts() {
    for (QCPItemText* item : std::as_const(m_cellTexts))
        m_diffPlot->removeItem(item);
    m_cellTexts.clear();
    if (!m_comparison)
        return;
    const core::Matrix& d = m_comparison->difference;
    if (d.rows() > kMaxValueCells || d.cols() > kMaxValueCells)
        return; // the cells are too small for numbers; hovering shows them
    for (int q = 0; q < d.rows(); ++q)
        for (int k = 0; k < d.cols(); ++k) {
            const double value = m_diffMap->data()->cell(k, q);
            if (std::isnan(value))
                continue;
            auto* item = new QCPItemText(m_diffPlot);
            item->position->setCoords(k, q);
            // White lies at the centre of the diverging map: dark text, except on the darkest
            // quarter at either end.
            item->setColor(std::abs(value) > 0.6 * m_range ? Qt::white : kChartTextColor);
            item->setClipToAxisRect(true);
            item->setVisible(false); // until fitCellTexts knows the cells' size
            m_cellTexts << item;
        }
    fitCellTexts();
}

void CompareView::fitCellTexts() {
    if (!m_comparison || m_cellTexts.isEmpty())
        return;
    const core::Matrix& d = m_comparison->difference;
    const QRect rect = m_diffPlot->axisRect()->rect();
    const QSizeF cell(static_cast<double>(rect.width()) / std::max<Eigen::Index>(1, d.cols()),
                      static_cast<double>(rect.height()) / std::max<Eigen::Index>(1, d.rows()));
    // Differences lie in [−1, 1]: "−0.03" at the largest font that fits, else "−0.0", else
    // nothing (hovering a cell still gives its value).
    const CellNumberStyle style = fitCellNumbers(m_diffPlot->font(), cell, true, m_range);
    for (QCPItemText* item : std::as_const(m_cellTexts)) {
        const int k = static_cast<int>(std::lround(item->position->key()));
        const int q = static_cast<int>(std::lround(item->position->value()));
        item->setVisible(style.shown);
        if (!style.shown)
            continue;
        item->setFont(style.font);
        item->setText(cellNumberText(m_diffMap->data()->cell(k, q), style.decimals));
    }
}

void CompareView::updateTicks() {
    if (!m_resultA || !m_comparison)
        return;
    // One label per cell when it fits, else every k-th: labels need a line height each.
    const int line = QFontMetrics(m_diffPlot->xAxis->tickLabelFont()).height() + 2;
    const QRect rect = m_diffPlot->axisRect()->rect();
    const auto stride = [line](int pixels, int cells) {
        const double pitch = cells > 0 ? static_cast<double>(std::max(pixels, 1)) / cells : 1.0;
        return std::max(1, static_cast<int>(std::ceil(line / pitch)));
    };
    const int nq = static_cast<int>(m_comparison->difference.rows());
    const int nk = static_cast<int>(m_comparison->difference.cols());
    m_diffPlot->xAxis->setTicker(
        tokenTicker(tokenLabels(m_resultA->maps.keyTokens), nk > 6 ? stride(rect.width(), nk) : 1));
    m_diffPlot->yAxis->setTicker(
        tokenTicker(tokenLabels(m_resultA->maps.queryTokens), stride(rect.height(), nq)));
}

double CompareView::differenceAt(int query, int key) const {
    if (!m_comparison || query < 0 || key < 0 || query >= m_comparison->difference.rows() ||
        key >= m_comparison->difference.cols())
        return std::numeric_limits<double>::quiet_NaN();
    return m_diffMap->data()->cell(key, query);
}

void CompareView::fillRowTable() {
    if (!m_comparison) {
        m_rowTable->setRowCount(0);
        return;
    }
    const core::Comparison& c = *m_comparison;
    const int rows = static_cast<int>(c.difference.rows());
    m_rowTable->setUpdatesEnabled(false);
    m_rowTable->setRowCount(rows);
    auto cell = [](const QString& text) {
        auto* item = new QTableWidgetItem(text);
        item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        return item;
    };
    for (int i = 0; i < rows; ++i) {
        m_rowTable->setItem(i, 0,
                            new QTableWidgetItem(QString::fromStdString(
                                m_resultA->maps.queryTokens[static_cast<std::size_t>(i)].text)));
        const bool comparable = c.comparable[static_cast<std::size_t>(i)];
        const QString none = QStringLiteral("—");
        m_rowTable->setItem(i, 1, cell(comparable ? HeatmapView::formatNumber(c.klAB(i)) : none));
        m_rowTable->setItem(i, 2, cell(comparable ? HeatmapView::formatNumber(c.klBA(i)) : none));
        m_rowTable->setItem(i, 3, cell(HeatmapView::formatNumber(c.entropyA(i))));
        m_rowTable->setItem(i, 4, cell(HeatmapView::formatNumber(c.entropyB(i))));
        QString change = HeatmapView::formatNumber(c.entropyChange(i));
        if (c.entropyChange(i) > 0 && change != QStringLiteral("0.00"))
            change.prepend(QLatin1Char('+'));
        m_rowTable->setItem(i, 5, cell(change));
        if (!comparable)
            for (int col = 1; col < 3; ++col)
                m_rowTable->item(i, col)->setToolTip(
                    tr("No distribution in this row on one side (every key masked, or no "
                       "positive logit for relu)."));
    }
    m_rowTable->resizeColumnsToContents();
    m_rowTable->setUpdatesEnabled(true);
}

void CompareView::showMessage(const QString& text) {
    m_messageText = text;
    m_message->setText(text);
}

QString CompareView::message() const {
    return m_messageText;
}

} // namespace attnlab::ui
