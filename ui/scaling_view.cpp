#include "scaling_view.h"

#include "heatmap_view.h"
#include "plot_setup.h"

#include <qcustomplot.h>

#include <QCoreApplication>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QRandomGenerator>
#include <QSpinBox>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace attnlab::ui {

namespace {

const QColor kRawColor(0xd9, 0x5f, 0x02);    // unscaled: orange
const QColor kScaledColor(0x1f, 0x77, 0xb4); // scaled: blue
const QColor kReferenceColor(0x8a, 0x8a, 0x8a);
const QColor kMarkerColor(0x6a, 0x3d, 0x9a);
constexpr int kGraphRaw = 0, kGraphScaled = 1, kGraphReference = 2;

QCustomPlot* makeLinePlot(QWidget* parent, const QString& title, const QString& yLabel, bool logY) {
    auto* plot = makeTitledPlot(parent, title, HeatmapView::tokenFont(parent->font()), 260, 190);
    setLogAxis(plot->xAxis, 2, 0);
    plot->xAxis->setNumberFormat(QStringLiteral("f"));
    plot->xAxis->setNumberPrecision(0);
    plot->xAxis->setRange(0.8, 640);
    plot->xAxis->setLabel(QCoreApplication::translate("ScalingView", "d_k (log scale)"));
    plot->yAxis->setLabel(yLabel);
    if (logY) {
        setLogAxis(plot->yAxis, 4, 0);
        plot->yAxis->setNumberFormat(QStringLiteral("g"));
    }
    for (QCPAxis* axis : {plot->xAxis, plot->yAxis})
        axis->grid()->setSubGridVisible(false);
    auto* raw = plot->addGraph();
    raw->setName(QCoreApplication::translate("ScalingView", "q·k (no scaling)"));
    raw->setPen(QPen(kRawColor, 2));
    raw->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, kRawColor, kRawColor, 4));
    auto* scaled = plot->addGraph();
    scaled->setName(QCoreApplication::translate("ScalingView", "q·k / √d_k"));
    scaled->setPen(QPen(kScaledColor, 2));
    scaled->setScatterStyle(
        QCPScatterStyle(QCPScatterStyle::ssDiamond, kScaledColor, kScaledColor, 5));
    auto* reference = plot->addGraph();
    reference->setPen(QPen(kReferenceColor, 1.2, Qt::DashLine));
    plot->legend->setVisible(false); // one legend for all charts, above them
    return plot;
}

// A dashed vertical line with a label marking the current head's d_k.
void setMarker(QCustomPlot* plot, int dK) {
    QCPItemStraightLine* line = nullptr;
    QCPItemText* text = nullptr;
    for (int i = 0; i < plot->itemCount(); ++i) {
        if (auto* l = qobject_cast<QCPItemStraightLine*>(plot->item(i)))
            line = l;
        if (auto* t = qobject_cast<QCPItemText*>(plot->item(i)))
            text = t;
    }
    if (!line) {
        line = new QCPItemStraightLine(plot);
        line->setPen(QPen(kMarkerColor, 1.2, Qt::DotLine));
        text = new QCPItemText(plot);
        text->setColor(kMarkerColor);
        text->setFont(plot->font());
        text->setBrush(QColor(255, 255, 255, 210));
        text->position->setTypeY(QCPItemPosition::ptAxisRectRatio);
        text->setPadding(QMargins(3, 1, 3, 1));
    }
    const bool visible = dK > 0;
    line->setVisible(visible);
    text->setVisible(visible);
    if (!visible)
        return;
    line->point1->setCoords(dK, 1);
    line->point2->setCoords(dK, 2);
    text->position->setCoords(dK, 0.0);
    // Near the right edge the label goes to the left of the line.
    text->setPositionAlignment((dK > 64 ? Qt::AlignRight : Qt::AlignLeft) | Qt::AlignTop);
    text->setText(QCoreApplication::translate("ScalingView", "this head: d_k = %1").arg(dK));
}

} // namespace

ScalingView::ScalingView(QWidget* parent) : QWidget(parent) {
    m_pool.setMaxThreadCount(1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->setSpacing(6);

    auto* top = new QHBoxLayout;
    auto* keysLabel = new QLabel(tr("&Keys per query"), this);
    m_keys = new QSpinBox(this);
    m_keys->setRange(2, 256);
    m_keys->setValue(10);
    m_keys->setToolTip(tr("Length of the softmax row in the experiment: each random query is "
                          "scored against this many random keys."));
    keysLabel->setBuddy(m_keys);
    m_resample = new QPushButton(tr("&New sample"), this);
    m_resample->setToolTip(tr("Draws new random queries and keys (a new seed)."));
    m_status = new QLabel(this);
    m_status->setWordWrap(true);
    m_status->setTextFormat(Qt::PlainText);
    top->addWidget(keysLabel);
    top->addWidget(m_keys);
    top->addWidget(m_resample);
    top->addSpacing(12);
    top->addWidget(m_status, 1);
    layout->addLayout(top);

    // The colours of the three charts, said once.
    auto* legend = new QLabel(this);
    legend->setTextFormat(Qt::RichText);
    legend->setText(tr("<span style=\"color:%1\">━━ q·k, not scaled</span>&nbsp;&nbsp;&nbsp;"
                       "<span style=\"color:%2\">━━ q·k / √d_k</span>&nbsp;&nbsp;&nbsp;"
                       "<span style=\"color:%3\">╌╌ reference (see each title)</span>&nbsp;"
                       "&nbsp;&nbsp;<span style=\"color:%4\">┊ d_k of the current head</span>")
                        .arg(kRawColor.name(), kScaledColor.name(), kReferenceColor.name(),
                             kMarkerColor.name()));
    layout->addWidget(legend);

    m_variance =
        makeLinePlot(this, tr("Variance of the score (dashed: Var = d_k)"), tr("Var"), true);
    m_entropy = makeLinePlot(this,
                             tr("Mean entropy of the softmax row (dashed: ln n, equal "
                                "weights)"),
                             tr("entropy (nats)"), false);
    m_maxWeight = makeLinePlot(this, tr("Mean largest weight (dashed: 1/n, equal weights)"),
                               tr("weight"), false);
    m_maxWeight->yAxis->setRange(0, 1.05);

    auto* histogramBox = new QWidget(this);
    auto* histogramLayout = new QVBoxLayout(histogramBox);
    histogramLayout->setContentsMargins(0, 0, 0, 0);
    histogramLayout->setSpacing(2);
    m_histogramLabel = new QLabel(histogramBox);
    m_histogramLabel->setWordWrap(true);
    m_histogramLabel->setTextFormat(Qt::PlainText);
    m_histogramLabel->setFont(HeatmapView::tokenFont(font()));
    m_histogramPlot = new QCustomPlot(histogramBox);
    m_histogramPlot->setMinimumSize(260, 160);
    setChartFont(m_histogramPlot, HeatmapView::tokenFont(font()));
    m_histogramPlot->xAxis->setLabel(tr("raw score S"));
    m_histogramPlot->yAxis->setLabel(tr("cells"));
    for (QCPAxis* axis : {m_histogramPlot->xAxis, m_histogramPlot->yAxis})
        axis->grid()->setSubGridVisible(false);
    m_bars = new QCPBars(m_histogramPlot->xAxis, m_histogramPlot->yAxis);
    m_bars->setPen(QPen(kScaledColor.darker(130), 1));
    m_bars->setBrush(kScaledColor.lighter(140));
    histogramLayout->addWidget(m_histogramLabel);
    histogramLayout->addWidget(m_histogramPlot, 1);

    auto* grid = new QGridLayout;
    grid->setSpacing(8);
    grid->addWidget(m_variance, 0, 0);
    grid->addWidget(m_entropy, 0, 1);
    grid->addWidget(m_maxWeight, 1, 0);
    grid->addWidget(histogramBox, 1, 1);
    grid->setRowStretch(0, 1);
    grid->setRowStretch(1, 1);
    grid->setColumnStretch(0, 1);
    grid->setColumnStretch(1, 1);
    layout->addLayout(grid, 1);

    connect(m_keys, &QSpinBox::valueChanged, this, [this](int keys) { runStudy(keys, m_seed); });
    connect(m_resample, &QPushButton::clicked, this, [this] {
        runStudy(m_keys->value(), QRandomGenerator::global()->bounded(1u, 1000000u));
    });
    m_status->setText(tr("The study starts when this page is shown."));
    updateHistogram();
}

ScalingView::~ScalingView() {
    m_pool.waitForDone();
}

void ScalingView::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    if (!m_started)
        runStudy(m_keys->value(), m_seed);
    if (m_histogramDirty)
        updateHistogram();
}

void ScalingView::runStudy(int keys, std::uint64_t seed) {
    m_started = true;
    m_seed = seed;
    if (m_keys->value() != keys) {
        const QSignalBlocker blocker(m_keys);
        m_keys->setValue(keys);
    }
    core::ScalingStudyConfig config;
    config.keys = keys;
    config.seed = seed;
    const quint64 generation = ++m_generation;
    m_running = true;
    m_status->setText(tr("Sampling random queries and keys …"));
    // The study takes a few hundred milliseconds: a worker keeps the window responsive, and
    // only the newest study is shown.
    m_pool.start([this, config, generation] {
        core::ScalingStudy study;
        try {
            study = core::runScalingStudy(config);
        } catch (const std::exception&) {
            study.config = config; // no points: the charts stay empty
        }
        QMetaObject::invokeMethod(
            this, [this, study, generation] { onStudyDone(study, generation); },
            Qt::QueuedConnection);
    });
}

void ScalingView::waitForStudy() {
    m_pool.waitForDone();
    QCoreApplication::sendPostedEvents(this, QEvent::MetaCall);
}

void ScalingView::onStudyDone(const core::ScalingStudy& study, quint64 generation) {
    if (generation != m_generation)
        return;
    m_running = false;
    m_study = study;
    m_status->setText(
        tr("%1 random queries per d_k, each against %2 random keys; entries of q and k are "
           "N(0, 1). Without scaling Var(q·k) = d_k, so softmax picks one key.")
            .arg(study.config.queries)
            .arg(study.config.keys));
    fillCharts();
    emit studyFinished();
}

void ScalingView::fillCharts() {
    QVector<double> dims, varRaw, varScaled, entRaw, entScaled, maxRaw, maxScaled;
    for (const core::ScalingPoint& p : m_study.points) {
        dims << p.dK;
        varRaw << p.varianceRaw;
        varScaled << p.varianceScaled;
        entRaw << p.entropyRaw;
        entScaled << p.entropyScaled;
        maxRaw << p.maxWeightRaw;
        maxScaled << p.maxWeightScaled;
    }
    m_variance->graph(kGraphRaw)->setData(dims, varRaw, true);
    m_variance->graph(kGraphScaled)->setData(dims, varScaled, true);
    m_variance->graph(kGraphReference)->setData(dims, dims, true);
    m_variance->yAxis->setRange(0.25, 2048);
    m_entropy->graph(kGraphRaw)->setData(dims, entRaw, true);
    m_entropy->graph(kGraphScaled)->setData(dims, entScaled, true);
    m_entropy->graph(kGraphReference)
        ->setData(dims, QVector<double>(dims.size(), m_study.uniformEntropy), true);
    m_entropy->yAxis->setRange(0, m_study.uniformEntropy * 1.1 + 0.05);
    m_maxWeight->graph(kGraphRaw)->setData(dims, maxRaw, true);
    m_maxWeight->graph(kGraphScaled)->setData(dims, maxScaled, true);
    const double uniform = m_study.config.keys > 0 ? 1.0 / m_study.config.keys : 0.0;
    m_maxWeight->graph(kGraphReference)->setData(dims, QVector<double>(dims.size(), uniform), true);
    updateMarkers();
}

void ScalingView::setResult(std::shared_ptr<const core::ModelOutput> result) {
    m_result = std::move(result);
    if (m_result && m_head >= m_result->maps.heads)
        m_head = 0;
    if (isVisible())
        updateHistogram();
    else
        m_histogramDirty = true;
}

void ScalingView::setSelection(int head, int, int) {
    if (!m_result || head < 0 || head >= m_result->maps.heads || head == m_head)
        return;
    m_head = head;
    if (isVisible())
        updateHistogram();
    else
        m_histogramDirty = true;
}

void ScalingView::updateHistogram() {
    m_histogramDirty = false;
    const core::HeadTrace* head = nullptr;
    if (m_result && m_result->trace && m_head >= 0 &&
        m_head < static_cast<int>(m_result->trace->heads.size()))
        head = &m_result->trace->heads[static_cast<std::size_t>(m_head)];
    if (!head || head->scores.size() == 0) {
        m_histogram = {};
        m_bars->data()->clear();
        // A long input keeps only the shown heads' stages; the run that adds this one's follows.
        const bool coming = head && !head->hasStages();
        m_histogramLabel->setText(
            coming ? tr("Raw scores of head %1: being computed (with this many tokens a run "
                        "keeps only the stages of the heads the pages show).")
                         .arg(m_head + 1)
                   : tr("Raw scores of the current head: no result yet."));
        m_histogramPlot->replot(QCustomPlot::rpQueuedReplot);
        updateMarkers();
        return;
    }
    const int cells = static_cast<int>(head->scores.size());
    const int bins = std::clamp(static_cast<int>(std::lround(std::sqrt(cells))), 5, 40);
    m_histogram = core::histogramOf(head->scores, bins);
    QVector<double> centers, counts;
    const double width = (m_histogram.high - m_histogram.low) / bins;
    for (int i = 0; i < bins; ++i) {
        centers << m_histogram.low + (i + 0.5) * width;
        counts << m_histogram.counts[static_cast<std::size_t>(i)];
    }
    m_bars->setWidth(width * 0.95);
    m_bars->setData(centers, counts, true);
    m_histogramPlot->xAxis->setRange(m_histogram.low - width, m_histogram.high + width);
    const int highest = *std::max_element(m_histogram.counts.begin(), m_histogram.counts.end());
    m_histogramPlot->yAxis->setRange(0, highest * 1.15 + 0.5);
    const core::Config& config = m_result->config;
    m_histogramLabel->setText(
        tr("Raw scores S of head %1 (%2, d_k = %3): %4 cells, mean %5, variance %6")
            .arg(m_head + 1)
            .arg(QString::fromUtf8(core::toString(config.scoring).data(),
                                   static_cast<qsizetype>(core::toString(config.scoring).size())))
            .arg(m_result->config.dK)
            .arg(m_histogram.values)
            .arg(HeatmapView::formatNumber(m_histogram.mean),
                 HeatmapView::formatNumber(m_histogram.variance)));
    m_histogramPlot->replot(QCustomPlot::rpQueuedReplot);
    updateMarkers();
}

void ScalingView::updateMarkers() {
    const int dK = m_result ? m_result->config.dK : 0;
    for (QCustomPlot* plot : {m_variance, m_entropy, m_maxWeight}) {
        setMarker(plot, dK);
        plot->replot(QCustomPlot::rpQueuedReplot);
    }
}

} // namespace attnlab::ui
