#include "complexity_view.h"

#include "compact_combo_box.h"
#include "core_text.h"
#include "heatmap_view.h"
#include "plot_setup.h"
#include "view_options.h"

#include "core/base/file_io.h"

#include <qcustomplot.h>

#include <QBuffer>
#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QSvgGenerator>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace attnlab::ui {

namespace {

// One colour per kind, in the order the kinds are given (colour-blind safe, Okabe–Ito).
const QColor kKindColors[] = {QColor(0x00, 0x00, 0x00), QColor(0xe6, 0x9f, 0x00),
                              QColor(0x56, 0xb4, 0xe9), QColor(0x00, 0x9e, 0x73),
                              QColor(0xd5, 0x5e, 0x00), QColor(0x00, 0x72, 0xb2),
                              QColor(0xcc, 0x79, 0xa7), QColor(0x99, 0x99, 0x33)};
const QCPScatterStyle::ScatterShape kShapes[] = {
    QCPScatterStyle::ssCircle,   QCPScatterStyle::ssSquare,          QCPScatterStyle::ssDiamond,
    QCPScatterStyle::ssTriangle, QCPScatterStyle::ssCross,           QCPScatterStyle::ssPlus,
    QCPScatterStyle::ssStar,     QCPScatterStyle::ssTriangleInverted};

QString slopeText(double slope) {
    return std::isnan(slope) ? QStringLiteral("–") : QString::number(slope, 'f', 2);
}

QCustomPlot* makeLogLogPlot(QWidget* parent, const QString& title, const QString& yLabel) {
    const QFont font = HeatmapView::tokenFont(parent->font());
    auto* plot = makeTitledPlot(parent, title, font, 320, 300);
    for (QCPAxis* axis : {plot->xAxis, plot->yAxis}) {
        setLogAxis(axis, 10, 8);
        axis->setNumberFormat(QStringLiteral("gb"));
    }
    plot->xAxis->setLabel(QCoreApplication::translate("ComplexityView", "n (log scale)"));
    plot->yAxis->setLabel(yLabel);
    plot->legend->setVisible(true);
    plot->legend->setFont(font);
    // The legend goes under the chart, its entries side by side: inside the axes it hid the
    // points of the shorter lengths.
    plot->axisRect()->insetLayout()->take(plot->legend);
    plot->plotLayout()->addElement(2, 0, plot->legend);
    plot->plotLayout()->setRowStretchFactor(2, 0.001);
    plot->legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
    plot->legend->setWrap(3);
    plot->legend->setBorderPen(Qt::NoPen);
    return plot;
}

QTableWidgetItem* cell(const QString& text) {
    auto* item = new QTableWidgetItem(text);
    item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
    return item;
}

} // namespace

ComplexityView::ComplexityView(QWidget* parent) : QWidget(parent) {
    m_pool.setMaxThreadCount(1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->setSpacing(6);

    auto* intro = new QLabel(
        tr("How do time and memory grow with the length n? Each kind of attention runs on random "
           "inputs of the chosen size; the charts use log–log axes, where n^p is a line of "
           "slope p."),
        this);
    intro->setWordWrap(true);
    layout->addWidget(intro);

    // The kinds: the usual ones as boxes, anything else the core knows as text.
    auto* kinds = new QHBoxLayout;
    m_dense = new QCheckBox(tr("&Dense"), this);
    m_dense->setToolTip(tr("Exact attention with the whole n × n weight matrix in memory."));
    m_tiled = new QCheckBox(tr("&Tiled"), this);
    m_tiled->setToolTip(tr("Exact attention computed block by block (online softmax): the same "
                           "numbers, memory linear in n."));
    m_window = new QCheckBox(tr("&Window W ="), this);
    m_window->setToolTip(tr("Sparse: each query sees the keys with |i − j| ≤ W."));
    m_windowSize = new QSpinBox(this);
    m_windowSize->setRange(1, 4096);
    m_windowSize->setValue(32);
    m_block = new QCheckBox(tr("&Block B ="), this);
    m_block->setToolTip(tr("Sparse: each query sees the keys of its own block of B tokens."));
    m_blockSize = new QSpinBox(this);
    m_blockSize->setRange(1, 4096);
    m_blockSize->setValue(64);
    m_linear = new QCheckBox(tr("&Linear, feature map"), this);
    m_linear->setToolTip(tr("φ(Q)(φ(K)ᵀV): never forms the n × n matrix."));
    m_featureMap = new CompactComboBox(this);
    // notr
    for (const char* map : {"elu", "relu", "softmax", "favor"})
        m_featureMap->addItem(QString::fromLatin1(map));
    for (QCheckBox* box : {m_dense, m_tiled, m_window, m_block, m_linear})
        box->setChecked(true);
    // Two rows (exact and linear, then sparse), so that the page fits a projector's width at a
    // large text size.
    kinds->addWidget(m_dense);
    kinds->addWidget(m_tiled);
    kinds->addWidget(m_linear);
    kinds->addWidget(m_featureMap);
    kinds->addStretch(1);
    layout->addLayout(kinds);
    auto* sparseKinds = new QHBoxLayout;
    sparseKinds->addWidget(m_window);
    sparseKinds->addWidget(m_windowSize);
    sparseKinds->addWidget(m_block);
    sparseKinds->addWidget(m_blockSize);
    sparseKinds->addStretch(1);
    layout->addLayout(sparseKinds);

    auto* form = new QGridLayout;
    auto* otherLabel = new QLabel(tr("&More kinds"), this);
    m_otherKinds = new QLineEdit(this);
    m_otherKinds->setPlaceholderText(tr("e.g. dilated:8:2, longformer:16:2, linear:favor:64"));
    m_otherKinds->setToolTip(
        tr("Comma-separated, as on the command line: tiled:B, linear:MAP, linear:favor:M, or a "
           "sparse mask such as dilated:W:D, strided:S, longformer:W:G, bigbird:W:G:R."));
    otherLabel->setBuddy(m_otherKinds);
    auto* sizesLabel = new QLabel(tr("&Lengths n"), this);
    m_sizes = new QLineEdit(QStringLiteral("256,512,1024,2048,4096"), this);
    m_sizes->setToolTip(tr("Comma-separated lengths, 2 to 10,000,000."));
    sizesLabel->setBuddy(m_sizes);
    auto* dKLabel = new QLabel(tr("d_&k"), this);
    m_dK = new QSpinBox(this);
    m_dK->setRange(1, 1024);
    m_dK->setValue(64);
    dKLabel->setBuddy(m_dK);
    auto* headsLabel = new QLabel(tr("&Heads"), this);
    m_heads = new QSpinBox(this);
    m_heads->setRange(1, 64);
    m_heads->setValue(1);
    headsLabel->setBuddy(m_heads);
    auto* budgetLabel = new QLabel(tr("Dense &budget"), this);
    m_budget = new QSpinBox(this);
    m_budget->setRange(1, 65536);
    m_budget->setValue(1024);
    m_budget->setSuffix(tr(" MiB"));
    m_budget->setToolTip(tr("Dense stops before its n × n weights would exceed this."));
    budgetLabel->setBuddy(m_budget);
    form->addWidget(otherLabel, 0, 0);
    form->addWidget(m_otherKinds, 0, 1, 1, 7);
    form->addWidget(sizesLabel, 1, 0);
    form->addWidget(m_sizes, 1, 1);
    form->addWidget(dKLabel, 1, 2);
    form->addWidget(m_dK, 1, 3);
    form->addWidget(headsLabel, 1, 4);
    form->addWidget(m_heads, 1, 5);
    form->addWidget(budgetLabel, 1, 6);
    form->addWidget(m_budget, 1, 7);
    form->setColumnStretch(1, 1);
    layout->addLayout(form);

    m_inputMessage = new QLabel(this);
    m_inputMessage->setWordWrap(true);
    m_inputMessage->setTextFormat(Qt::PlainText);
    m_inputMessage->setStyleSheet(QStringLiteral("color: #b00020;"));
    m_inputMessage->hide();
    layout->addWidget(m_inputMessage);

    auto* buttons = new QHBoxLayout;
    m_run = new QPushButton(tr("&Run"), this);
    m_cancel = new QPushButton(tr("&Cancel"), this);
    m_cancel->setEnabled(false);
    m_progress = new QProgressBar(this);
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_exportChart = new QPushButton(tr("Export C&hart…"), this);
    m_exportCsv = new QPushButton(tr("Export CS&V…"), this);
    m_exportChart->setEnabled(false);
    m_exportCsv->setEnabled(false);
    buttons->addWidget(m_run);
    buttons->addWidget(m_cancel);
    buttons->addWidget(m_progress, 1);
    buttons->addWidget(m_exportChart);
    buttons->addWidget(m_exportCsv);
    layout->addLayout(buttons);

    m_status = new QLabel(tr("Choose kinds and lengths, then Run."), this);
    m_status->setWordWrap(true);
    m_status->setTextFormat(Qt::PlainText);
    layout->addWidget(m_status);

    m_timePlot = makeLogLogPlot(this, tr("Time against n (fitted slope in the legend)"),
                                tr("seconds, all heads"));
    m_memoryPlot = makeLogLogPlot(this, tr("Peak memory against n (fitted slope in the legend)"),
                                  tr("bytes above the start"));
    auto* charts = new QHBoxLayout;
    charts->addWidget(m_timePlot, 1);
    charts->addWidget(m_memoryPlot, 1);
    layout->addLayout(charts, 1);

    m_notes = new QLabel(this);
    m_notes->setWordWrap(true);
    m_notes->setTextFormat(Qt::PlainText);
    layout->addWidget(m_notes);

    auto* tutorialTitle = new QLabel(tr("<b>The tutorial's table, and what the measurements say "
                                        "about it</b>"),
                                     this);
    layout->addWidget(tutorialTitle);
    m_tutorial = new QTableWidget(this);
    m_tutorial->setColumnCount(5);
    m_tutorial->setHorizontalHeaderLabels(
        {tr("Attention"), tr("In the tutorial"), tr("Time"), tr("Space"), tr("Recommended for")});
    const auto table = core::tutorialComplexityTable();
    m_tutorial->setRowCount(static_cast<int>(table.size()));
    for (int row = 0; row < static_cast<int>(table.size()); ++row) {
        const core::TutorialClaim& claim = table[static_cast<std::size_t>(row)];
        const QString name = claim.family == core::ComplexityFamily::Linear   ? tr("linear")
                             : claim.family == core::ComplexityFamily::Sparse ? tr("sparse")
                                                                              : tr("standard");
        m_tutorial->setItem(row, 0, cell(name));
        m_tutorial->setItem(row, 1, cell(qs(claim.original)));
        m_tutorial->setItem(row, 2, cell(qs(claim.time)));
        m_tutorial->setItem(row, 3, cell(qs(claim.space)));
        m_tutorial->setItem(row, 4, cell(QStringLiteral("n ") + qs(claim.lengths)));
    }
    m_tutorial->verticalHeader()->hide();
    m_tutorial->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_tutorial->horizontalHeader()->setStretchLastSection(true);
    m_tutorial->setSizeAdjustPolicy(QAbstractScrollArea::AdjustToContents);
    m_tutorial->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    layout->addWidget(m_tutorial);

    m_verdicts = new QLabel(tr("Run the lab to confront the table with measurements."), this);
    m_verdicts->setWordWrap(true);
    m_verdicts->setTextFormat(Qt::RichText);
    layout->addWidget(m_verdicts);

    auto* errorTitle = new QLabel(tr("<b>What the approximate kinds cost in accuracy</b> "
                                     "(against exact attention on the same input)"),
                                  this);
    layout->addWidget(errorTitle);
    m_errors = new QTableWidget(this);
    m_errors->setColumnCount(5);
    m_errors->setHorizontalHeaderLabels(
        {tr("Kind"), tr("Mean row KL(exact ‖ approx)"), tr("Mean row KL(approx ‖ exact)"),
         tr("Exact weight dropped"), tr("Largest output difference")});
    m_errors->verticalHeader()->hide();
    m_errors->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_errors->horizontalHeader()->setStretchLastSection(true);
    m_errors->setSizeAdjustPolicy(QAbstractScrollArea::AdjustToContents);
    m_errors->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    layout->addWidget(m_errors);

    connect(m_run, &QPushButton::clicked, this, [this] { run(); });
    connect(m_cancel, &QPushButton::clicked, this, &ComplexityView::cancel);
    connect(m_exportChart, &QPushButton::clicked, this, &ComplexityView::exportChartDialog);
    connect(m_exportCsv, &QPushButton::clicked, this, &ComplexityView::exportCsvDialog);
    for (QLineEdit* edit : {m_sizes, m_otherKinds})
        connect(edit, &QLineEdit::returnPressed, this, [this] { run(); });
    const auto changed = [this] {
        if (!m_settingParameters)
            emit parametersChanged();
    };
    for (QCheckBox* box : {m_dense, m_tiled, m_window, m_block, m_linear})
        connect(box, &QCheckBox::toggled, this, changed);
    for (QSpinBox* box : {m_windowSize, m_blockSize, m_dK, m_heads, m_budget})
        connect(box, &QSpinBox::valueChanged, this, changed);
    for (QLineEdit* edit : {m_sizes, m_otherKinds})
        connect(edit, &QLineEdit::textChanged, this, changed);
    connect(m_featureMap, &QComboBox::currentIndexChanged, this, changed);
}

ComplexityView::~ComplexityView() {
    if (m_cancelFlag)
        m_cancelFlag->store(true);
    m_pool.waitForDone();
}

QCheckBox* ComplexityView::kindBox(const QString& family) const {
    if (family == QLatin1String("dense"))
        return m_dense;
    if (family == QLatin1String("tiled"))
        return m_tiled;
    if (family == QLatin1String("window"))
        return m_window;
    if (family == QLatin1String("block"))
        return m_block;
    if (family == QLatin1String("linear"))
        return m_linear;
    return nullptr;
}

bool ComplexityView::run() {
    QString error;
    const auto config = configFromInputs(&error);
    if (!config) {
        m_inputMessage->setText(error);
        m_inputMessage->show();
        return false;
    }
    m_inputMessage->hide();
    if (m_cancelFlag)
        m_cancelFlag->store(true); // the newest run wins
    auto flag = std::make_shared<std::atomic<bool>>(false);
    m_cancelFlag = flag;
    const quint64 generation = ++m_generation;
    setRunning(true);
    m_progress->setRange(0, 0);
    m_status->setText(tr("Measuring …"));
    m_pool.start([this, config = *config, flag, generation] {
        std::shared_ptr<core::ComplexityResult> result;
        QString failure;
        bool cancelled = false;
        try {
            result = std::make_shared<core::ComplexityResult>(
                core::runComplexity(config, [this, flag, generation](int done, int total) {
                    QMetaObject::invokeMethod(
                        this,
                        [this, generation, done, total] { onProgress(generation, done, total); },
                        Qt::QueuedConnection);
                    return !flag->load();
                }));
        } catch (const core::Cancelled&) {
            cancelled = true;
        } catch (const std::bad_alloc&) {
            failure = QCoreApplication::translate(
                "ComplexityView", "Not enough memory for these lengths; choose shorter ones.");
        } catch (const std::exception& e) {
            failure = QString::fromUtf8(e.what());
        }
        QMetaObject::invokeMethod(
            this,
            [this, generation, result, failure, cancelled] {
                onDone(generation, result, failure, cancelled);
            },
            Qt::QueuedConnection);
    });
    return true;
}

void ComplexityView::cancel() {
    if (m_cancelFlag)
        m_cancelFlag->store(true);
    if (m_running)
        m_status->setText(tr("Cancelling …"));
}

void ComplexityView::setRunning(bool running) {
    m_running = running;
    m_cancel->setEnabled(running);
    const bool haveResult = m_result.has_value();
    m_exportChart->setEnabled(haveResult);
    m_exportCsv->setEnabled(haveResult);
}

void ComplexityView::onProgress(quint64 generation, int done, int total) {
    if (generation != m_generation || !m_running)
        return;
    m_progress->setRange(0, std::max(total, 1));
    m_progress->setValue(done);
    m_status->setText(tr("Measuring … %1 of %2 points").arg(done).arg(total));
}

void ComplexityView::onDone(quint64 generation, std::shared_ptr<core::ComplexityResult> result,
                            const QString& failure, bool cancelled) {
    if (generation != m_generation)
        return; // a newer run replaced this one
    m_progress->setRange(0, 1);
    m_progress->setValue(result ? 1 : 0);
    if (cancelled) {
        setRunning(false);
        m_status->setText(tr("Cancelled; the charts show the last finished run."));
        emit runCancelled();
        return;
    }
    if (!result) {
        setRunning(false);
        m_status->setText(tr("The measurement failed: %1").arg(failure));
        emit runFailed(failure);
        return;
    }
    m_result = std::move(*result);
    m_findings = core::compareWithTutorial(*m_result);
    setRunning(false);
    m_status->setText(
        tr("%1 kinds × %2 lengths, d_k = %3, %4 heads, %5 threads; peak memory: %6")
            .arg(m_result->series.size())
            .arg(m_result->config.sizes.size())
            .arg(m_result->config.dK)
            .arg(m_result->config.heads)
            .arg(m_result->threads)
            .arg(m_result->memoryMeasured ? coreText(m_result->memoryMethod) : tr("not measured")));
    fillCharts();
    fillVerdicts();
    fillErrors();
    emit runFinished();
}

void ComplexityView::fillCharts() {
    m_timePlot->clearGraphs();
    m_memoryPlot->clearGraphs();
    QStringList notes;
    int index = 0;
    double nLow = 1e300, nHigh = 0;
    for (const core::ComplexitySeries& series : m_result->series) {
        const QColor color = kKindColors[index % std::size(kKindColors)];
        const QCPScatterStyle scatter(kShapes[index % std::size(kShapes)], color, color, 6);
        ++index;
        const QString label = qs(series.kind.label);
        auto* time = m_timePlot->addGraph();
        auto* memory = m_memoryPlot->addGraph();
        time->setName(tr("%1 (slope %2)").arg(label, slopeText(series.timeSlope.slope)));
        memory->setName(tr("%1 (slope %2)").arg(label, slopeText(series.memorySlope.slope)));
        for (QCPGraph* graph : {time, memory}) {
            graph->setPen(QPen(color, 1.6));
            graph->setScatterStyle(scatter);
        }
        for (const core::ComplexityPoint& p : series.points) {
            if (!p.measured)
                continue;
            nLow = std::min(nLow, double(p.n));
            nHigh = std::max(nHigh, double(p.n));
            if (p.seconds > 0)
                time->addData(p.n, p.seconds);
            if (p.peakBytes > 0)
                memory->addData(p.n, double(p.peakBytes));
        }
        for (const std::string& note : series.notes)
            notes << label + QStringLiteral(": ") + qs(note);
    }
    if (!m_result->memoryMeasured)
        notes << tr("Peak memory could not be measured on this system.");
    m_notes->setText(notes.join(QLatin1Char('\n')));
    m_notes->setVisible(!notes.isEmpty());
    for (QCustomPlot* plot : {m_timePlot, m_memoryPlot}) {
        plot->rescaleAxes();
        if (nHigh > 0)
            plot->xAxis->setRange(nLow / 1.5, nHigh * 1.5);
        const QCPRange y = plot->yAxis->range();
        if (y.lower > 0)
            plot->yAxis->setRange(y.lower / 2, y.upper * 2);
        plot->replot();
    }
}

void ComplexityView::fillVerdicts() {
    const auto verdictWord = [](core::Verdict verdict) {
        switch (verdict) {
        case core::Verdict::Agrees:
            return tr("<span style=\"color:#1b7837\">agrees</span>");
        case core::Verdict::Disagrees:
            return tr("<span style=\"color:#b2182b\">disagrees</span>");
        case core::Verdict::Inconclusive:
            return tr("cannot say");
        case core::Verdict::NotClaimed:
            return tr("not in the table");
        }
        return QString();
    };
    // The core's sentence starts with the kind, which the line already names.
    const auto withoutKind = [](const core::ComplexityFinding& f) {
        std::string_view message = f.message;
        const std::string prefix = f.kind + ": ";
        if (message.starts_with(prefix))
            message.remove_prefix(prefix.size());
        return qs(message).toHtmlEscaped();
    };
    QStringList lines;
    QStringList others;
    for (const core::ComplexityFinding& f : m_findings) {
        const QString kind = qs(f.kind).toHtmlEscaped();
        if (f.topic == core::FindingTopic::TimeSlope ||
            f.topic == core::FindingTopic::MemorySlope) {
            const QString what =
                f.topic == core::FindingTopic::TimeSlope ? tr("time") : tr("peak memory");
            if (f.verdict == core::Verdict::Agrees || f.verdict == core::Verdict::Disagrees)
                lines << tr("<b>%1</b>: %2 grows as n<sup>%3</sup>; the table's %4 row means a "
                            "slope of %5 here: %6.")
                             .arg(kind, what, slopeText(f.measured), qs(f.claim).toHtmlEscaped(),
                                  slopeText(f.claimed), verdictWord(f.verdict));
            else
                lines << tr("<b>%1</b>: %2: %3 — %4.")
                             .arg(kind, what, verdictWord(f.verdict), withoutKind(f));
        } else {
            // The core's sentence ends with its verdict.
            others << qs(f.message).toHtmlEscaped();
        }
    }
    QString text = lines.join(QStringLiteral("<br>"));
    if (!others.isEmpty())
        text += QStringLiteral("<br><br>") + others.join(QStringLiteral("<br>"));
    m_verdicts->setText(text);
}

void ComplexityView::fillErrors() {
    m_errors->setRowCount(0);
    for (const core::ComplexitySeries& series : m_result->series) {
        if (!series.error)
            continue;
        const core::ApproximationError& e = *series.error;
        const int row = m_errors->rowCount();
        m_errors->insertRow(row);
        m_errors->setItem(row, 0, cell(qs(series.kind.label)));
        m_errors->setItem(
            row, 1,
            cell(e.infiniteRows > 0
                     ? tr("∞ (%1 rows give 0 to a key exact attention weighs)").arg(e.infiniteRows)
                     : HeatmapView::formatNumber(e.meanRowKL)));
        m_errors->setItem(row, 2, cell(HeatmapView::formatNumber(e.meanRowReverseKL)));
        m_errors->setItem(
            row, 3,
            cell(QString::number(100.0 * e.meanDroppedWeight, 'f', 1) + QStringLiteral(" %")));
        m_errors->setItem(row, 4, cell(HeatmapView::formatNumber(e.maxOutputDifference)));
    }
    m_errors->setVisible(m_errors->rowCount() > 0);
}

bool ComplexityView::exportCsv(const QString& path, QString* error) const {
    if (!m_result) {
        if (error)
            *error = tr("Nothing measured yet: Run first.");
        return false;
    }
    try {
        core::writeFileAtomically(path.toStdString(), core::complexityCsv(*m_result));
    } catch (const std::exception& e) {
        if (error)
            *error = QString::fromUtf8(e.what());
        return false;
    }
    return true;
}

bool ComplexityView::exportChart(const QString& path, QString* error) const {
    const auto fail = [error](const QString& message) {
        if (error)
            *error = message;
        return false;
    };
    if (!m_result)
        return fail(tr("Nothing measured yet: Run first."));
    const bool svg = path.endsWith(QLatin1String(".svg"), Qt::CaseInsensitive);
    if (!svg && !path.endsWith(QLatin1String(".png"), Qt::CaseInsensitive))
        return fail(tr("Choose a file name ending in .png or .svg."));
    const int width = std::max(m_timePlot->width(), 480);
    const int height = std::max(m_timePlot->height(), 360);
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    if (svg) {
        QSvgGenerator generator;
        generator.setOutputDevice(&buffer);
        generator.setSize(QSize(width, 2 * height));
        generator.setViewBox(QRect(0, 0, width, 2 * height));
        QCPPainter painter(&generator);
        m_timePlot->toPainter(&painter, width, height);
        painter.translate(0, height);
        m_memoryPlot->toPainter(&painter, width, height);
        painter.end();
    } else {
        QImage image(QSize(width, 2 * height) * 2, QImage::Format_ARGB32_Premultiplied);
        image.setDevicePixelRatio(2);
        image.fill(Qt::white);
        QCPPainter painter(&image);
        m_timePlot->toPainter(&painter, width, height);
        painter.translate(0, height);
        m_memoryPlot->toPainter(&painter, width, height);
        painter.end();
        // notr
        if (!image.save(&buffer, "PNG"))
            return fail(tr("The chart could not be encoded."));
    }
    try {
        core::writeFileAtomically(path.toStdString(),
                                  std::string_view(bytes.constData(), bytes.size()));
    } catch (const std::exception& e) {
        return fail(QString::fromUtf8(e.what()));
    }
    return true;
}

void ComplexityView::exportChartDialog() {
    const QString name = QStringLiteral("complexity.png"); // notr
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export Chart"), name, tr("PNG images (*.png);;SVG drawings (*.svg)"));
    if (path.isEmpty())
        return;
    QString error;
    if (!exportChart(path, &error))
        QMessageBox::warning(this, tr("Export Chart"), error);
}

void ComplexityView::exportCsvDialog() {
    const QString name = QStringLiteral("complexity.csv"); // notr
    const QString path =
        QFileDialog::getSaveFileName(this, tr("Export CSV"), name, tr("CSV tables (*.csv)"));
    if (path.isEmpty())
        return;
    QString error;
    if (!exportCsv(path, &error))
        QMessageBox::warning(this, tr("Export CSV"), error);
}

} // namespace attnlab::ui
