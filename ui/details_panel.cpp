#include "details_panel.h"

#include "color_maps.h"
#include "core_text.h"
#include "heatmap_view.h"
#include "plot_setup.h"
#include "view_options.h"

#include "core/attention/normalizer.h"
#include "core/teaching/cell_arithmetic.h"

#include <qcustomplot.h>

#include <QFontMetricsF>
#include <QLabel>
#include <QPicture>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <utility>

namespace attnlab::ui {

namespace {

constexpr int kMaxBarLabelChars = 14;  // longer tokens are elided under the bars
constexpr int kMaxValueLabels = 16;    // print each bar's value above it up to this many keys
constexpr int kMaxHeadsSpelledOut = 6; // the mean's arithmetic lists the heads up to this many

const QColor kBarColor(0x31, 0x68, 0x8e); // viridis at 0.35: dark enough for white text
const QColor kSelectedBarColor(0xff, 0x8c, 0x00);

// Parameters (d_k, T, s) print as typed: "16", "0.5", "10".
QString param(double value) {
    return QString::number(value, 'g', 4);
}

QString token(const std::vector<core::MapToken>& tokens, int index) {
    if (index < 0 || index >= static_cast<int>(tokens.size()))
        return {};
    return QString::fromStdString(tokens[static_cast<std::size_t>(index)].text);
}

// Bars hatched with thin diagonal lines, as the masked cells of the heatmaps are. Drawn as lines
// rather than with a pattern brush: Qt's raster engine fills a pattern brush scanline by scanline
// and hands every tall fill to its thread pool, and waking those threads for each bar of a long
// masked row took about 12 ms of every repaint (half the masked keys of a causal model's row).
class HatchedBars : public QCPBars {
public:
    HatchedBars(QCPAxis* keyAxis, QCPAxis* valueAxis, QColor color)
        : QCPBars(keyAxis, valueAxis), m_color(std::move(color)) {
        setPen(Qt::NoPen);
        setBrush(Qt::NoBrush);
    }

protected:
    void draw(QCPPainter* painter) override {
        QCPBarsDataContainer::const_iterator begin, end;
        getVisibleDataBounds(begin, end);
        QVector<QLineF> lines;
        for (auto it = begin; it != end; ++it)
            if (it->value != 0.0)
                addHatch(getBarRect(it->key, it->value).normalized(), lines);
        if (lines.isEmpty())
            return;
        painter->setAntialiasing(false);
        painter->setPen(QPen(m_color, 0)); // cosmetic: one pixel at every scale
        painter->drawLines(lines);
    }

private:
    // Lines x + y = s every kStep pixels, on the same grid in every bar (as a brush pattern is),
    // each cut to `rect`.
    static void addHatch(const QRectF& rect, QVector<QLineF>& lines) {
        constexpr double kStep = 8.0;
        const double first = std::ceil((rect.left() + rect.top()) / kStep) * kStep;
        for (double s = first; s <= rect.right() + rect.bottom(); s += kStep) {
            const double x0 = std::max(rect.left(), s - rect.bottom());
            const double x1 = std::min(rect.right(), s - rect.top());
            if (x1 > x0)
                lines.append(QLineF(x0, s - x0, x1, s - x1));
        }
    }

    QColor m_color;
};

// The row's bars. Where a bar would be narrower than two pixels (hundreds of keys in the
// chart's width) each column of pixels gets one bar as tall as the tallest key it holds, in one
// call: drawing thousands of sub-pixel bars one polygon at a time took about 8 ms of the turn
// that shows a result of 4096 tokens, for the same picture.
class RowBars : public QCPBars {
public:
    using QCPBars::QCPBars;

protected:
    void draw(QCPPainter* painter) override {
        QCPBarsDataContainer::const_iterator begin, end;
        getVisibleDataBounds(begin, end);
        const double keyPixels =
            std::abs(mKeyAxis->coordToPixel(1.0) - mKeyAxis->coordToPixel(0.0));
        if (end - begin < 2 || keyPixels * width() >= 2.0) {
            QCPBars::draw(painter);
            return;
        }
        const double base = mValueAxis->coordToPixel(0.0);
        QVector<QRectF> columns;
        for (auto it = begin; it != end; ++it) {
            const double left = std::floor(mKeyAxis->coordToPixel(it->key));
            const double top = mValueAxis->coordToPixel(it->value);
            if (!columns.isEmpty() && columns.back().left() == left) {
                QRectF& column = columns.back();
                column.setTop(std::min(column.top(), std::min(top, base)));
                column.setBottom(std::max(column.bottom(), std::max(top, base)));
            } else {
                columns.append(QRectF(QPointF(left, std::min(top, base)),
                                      QPointF(left + 1.0, std::max(top, base))));
            }
        }
        painter->setAntialiasing(false);
        painter->setPen(Qt::NoPen);
        painter->setBrush(brush());
        painter->drawRects(columns);
    }
};

bool masked(const core::ModelOutput& result, int query, int key) {
    const auto& allowed = result.maps.allowed;
    if (query < 0 || key < 0 || query >= allowed.rows() || key >= allowed.cols())
        return false;
    return !allowed(query, key);
}

} // namespace

DetailsPanel::DetailsPanel(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->setSpacing(4);

    m_summaryLabel = new QLabel(this);
    m_cellLabel = new QLabel(this);
    for (QLabel* label : {m_summaryLabel, m_cellLabel}) {
        label->setTextFormat(Qt::PlainText); // token text is never markup
        label->setWordWrap(true);
        label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    }

    m_plot = new QCustomPlot(this);
    m_plot->setMinimumHeight(140);
    m_plot->axisRect()->setMinimumMargins(QMargins(4, 8, 8, 4));
    QCPAxis* x = m_plot->xAxis;
    QCPAxis* y = m_plot->yAxis;
    x->setTicker(QSharedPointer<QCPAxisTickerText>(new QCPAxisTickerText));
    x->setSubTicks(false);
    x->setTickLength(0, 4);
    x->grid()->setVisible(false);
    x->setLabel(tr("Key"));
    y->setLabel(tr("weight"));
    y->grid()->setSubGridVisible(false);
    y->setRange(0, 1);
    y->ticker()->setTickStepStrategy(QCPAxisTicker::tssMeetTickCount); // see fitToHeight
    for (QCPAxis* axis : {x, y}) {
        axis->setLabelColor(kChartTextColor);
        axis->setTickLabelColor(kChartTextColor);
    }

    // Masked keys get a hatched column behind the (zero) bar, like the hatched heatmap cells.
    m_maskedBars = new HatchedBars(x, y, maskedHatchColor(ColorMap::Viridis));
    m_maskedBars->setWidth(0.9);
    m_bars = new RowBars(x, y);
    m_bars->setWidth(0.7);
    m_bars->setPen(Qt::NoPen);
    m_bars->setBrush(kBarColor);
    m_selectedBar = new QCPBars(x, y);
    m_selectedBar->setWidth(0.7);
    m_selectedBar->setPen(QPen(kSelectedBarColor.darker(130), 1));
    m_selectedBar->setBrush(kSelectedBarColor);

    layout->addWidget(m_summaryLabel);
    layout->addWidget(m_plot, 1);
    layout->addWidget(m_cellLabel);
    connect(m_plot, &QCustomPlot::beforeReplot, this, &DetailsPanel::updateTicks);
    // After the layout of this replot, before its drawing: the axis rect has its final height.
    connect(m_plot, &QCustomPlot::afterLayout, this, &DetailsPanel::fitToHeight);
    applyFonts();
    clear();
}

DetailsPanel::~DetailsPanel() = default;

void DetailsPanel::applyFonts() {
    const QFont font = HeatmapView::tokenFont(this->font());
    for (QLabel* label : {m_summaryLabel, m_cellLabel})
        label->setFont(font);
    m_plot->setFont(font);
    for (QCPAxis* axis : {m_plot->xAxis, m_plot->yAxis}) {
        axis->setLabelFont(font);
        axis->setTickLabelFont(font);
    }
}

void DetailsPanel::changeEvent(QEvent* event) {
    QWidget::changeEvent(event);
    if (event->type() != QEvent::FontChange)
        return;
    applyFonts();
    updateBars(); // the value labels above the bars take the new size
}

void DetailsPanel::clear() {
    m_result.reset();
    m_query = -1;
    m_key = -1;
    m_values.clear();
    m_summary.clear();
    m_arithmetic.clear();
    m_summaryLabel->setText(tr("Click a row of a heatmap to see its weights here."));
    m_cellLabel->clear();
    updateBars();
}

void DetailsPanel::setRow(std::shared_ptr<const core::ModelOutput> result, int head, int query,
                          int selectedKey, int layer) {
    const core::Matrix* weights = result ? weightsOf(*result, layer, head) : nullptr;
    if (!weights || query < 0 || query >= weights->rows()) {
        clear();
        return;
    }
    m_result = std::move(result);
    m_head = head;
    m_layer = layer;
    m_query = query;
    m_key = selectedKey >= 0 && selectedKey < weights->cols() ? selectedKey : -1;
    m_values.resize(static_cast<int>(weights->cols()));
    for (int key = 0; key < m_values.size(); ++key)
        m_values[key] = (*weights)(query, key);

    m_summary = buildSummary();
    m_arithmetic = buildArithmetic();
    m_summaryLabel->setText(m_summary);
    if (m_key < 0) {
        m_cellLabel->setText(tr("Click a cell to see how its weight is computed."));
    } else {
        m_cellLabel->setText(tr("query '%1' → key '%2':\n%3")
                                 .arg(token(m_result->maps.queryTokens, m_query),
                                      token(m_result->maps.keyTokens, m_key), m_arithmetic));
    }
    updateBars();
}

void DetailsPanel::updateBars() {
    for (QCPItemText* item : std::as_const(m_valueItems))
        m_plot->removeItem(item);
    m_valueItems.clear();

    QVector<double> keys, maskedKeys, maskedHeights;
    double top = 0;
    for (int key = 0; key < m_values.size(); ++key) {
        keys.append(key);
        top = std::max(top, m_values[key]);
    }
    m_largestValue = top;
    // Small weights of a long row would be invisible on [0, 1]: scale to the largest one, with
    // room for the value labels.
    top = top > 0 ? std::min(1.0, top * 1.18) : 1.0;
    if (m_values.size() <= kMaxValueLabels)
        top = std::max(top, 0.1);
    for (int key = 0; key < m_values.size(); ++key)
        if (m_result && masked(*m_result, m_query, key)) {
            maskedKeys.append(key);
            maskedHeights.append(top * 2);
        }
    m_maskedBars->setData(maskedKeys, maskedHeights, true);
    m_bars->setData(keys, m_values, true);
    if (m_key >= 0)
        m_selectedBar->setData({static_cast<double>(m_key)}, {m_values.value(m_key)}, true);
    else
        m_selectedBar->data()->clear();

    if (m_values.size() <= kMaxValueLabels) {
        QFont font = HeatmapView::tokenFont(this->font());
        font.setPointSizeF(std::max(6.5, font.pointSizeF() - 1));
        for (int key = 0; key < m_values.size(); ++key) {
            if (m_result && masked(*m_result, m_query, key))
                continue;
            auto* item = new QCPItemText(m_plot);
            item->setClipToAxisRect(true);
            item->setSelectable(false);
            item->position->setCoords(key, m_values[key]);
            item->setPositionAlignment(Qt::AlignHCenter | Qt::AlignBottom);
            item->setPadding(QMargins(0, 0, 0, 2));
            item->setFont(font);
            item->setColor(kChartTextColor);
            item->setText(QString::number(m_values[key], 'f', 2));
            m_valueItems.append(item);
        }
    }

    const double n = std::max<qsizetype>(1, m_values.size());
    m_plot->xAxis->setRange(-0.6, n - 0.4);
    m_plot->yAxis->setRange(0, top);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void DetailsPanel::fitToHeight() {
    const double height = m_plot->axisRect()->height();
    // As many weight ticks as fit without their labels touching: a short chart with large text
    // (presentation mode) gets fewer.
    const double tickLabel = QFontMetricsF(m_plot->yAxis->tickLabelFont()).height();
    m_plot->yAxis->ticker()->setTickCount(
        std::clamp(static_cast<int>(height / (1.5 * tickLabel)), 2, 5));
    // The label above the tallest bar needs its height in pixels above the bar, whatever the
    // size of the chart and of its text (a short dock, presentation mode).
    if (!m_valueItems.isEmpty()) {
        const double label = QFontMetricsF(m_valueItems.front()->font()).height() + 4;
        if (height > 2 * label) {
            const double needed = m_largestValue * height / (height - label);
            if (needed > m_plot->yAxis->range().upper)
                m_plot->yAxis->setRangeUpper(needed);
        }
    }
    // The layout computed the ticks for the old count and range: again, before the drawing.
    m_plot->axisRect()->update(QCPLayoutElement::upPreparation);
}

void DetailsPanel::updateTicks() {
    auto ticker = qSharedPointerDynamicCast<QCPAxisTickerText>(m_plot->xAxis->ticker());
    if (!ticker)
        return;
    ticker->clear();
    if (!m_result || m_values.isEmpty())
        return;
    const QFont font = m_plot->xAxis->tickLabelFont();
    const QFontMetricsF metrics(font);
    const double maxWidth = metrics.averageCharWidth() * kMaxBarLabelChars;
    auto label = [&](int key) {
        const core::MapToken& info = m_result->maps.keyTokens.at(static_cast<std::size_t>(key));
        QString text =
            metrics.elidedText(QString::fromStdString(info.text), Qt::ElideRight, maxWidth);
        if (info.unknown)
            text += QLatin1Char('?');
        return text;
    };
    // The axis rect of the previous layout is a good estimate of this one.
    const double width = m_plot->axisRect()->width() > 10 ? m_plot->axisRect()->width()
                                                          : std::max(50, m_plot->width() - 60);
    const int count = static_cast<int>(m_values.size());
    const double cellWidth = width / count;
    const double lineHeight = metrics.height();
    // Horizontal labels only when the widest fits its bar; narrower bars than a line of text
    // cannot hold any, so the (costly, for thousands of keys) measuring is skipped.
    bool horizontal = false;
    if (cellWidth >= lineHeight) {
        double widest = 0;
        for (int key = 0; key < count; ++key)
            widest = std::max(widest, metrics.horizontalAdvance(label(key)));
        horizontal = widest + 6 <= cellWidth;
    }
    int stride = 1;
    if (horizontal) {
        m_plot->xAxis->setTickLabelRotation(0);
    } else {
        m_plot->xAxis->setTickLabelRotation(-45);
        stride = std::max(1, static_cast<int>(std::ceil((lineHeight * 1.42 + 2) / cellWidth)));
    }
    for (int key = 0; key < count; key += stride)
        ticker->addTick(key, label(key));

    // Value labels only when each fits over its bar.
    bool fit = true;
    for (QCPItemText* item : std::as_const(m_valueItems))
        fit = fit && QFontMetricsF(item->font()).horizontalAdvance(item->text()) + 2 <= cellWidth;
    for (QCPItemText* item : std::as_const(m_valueItems))
        item->setVisible(fit);
}

void DetailsPanel::renderTo(QCPPainter* painter, const QSize& size) {
    m_plot->resize(size);
    // The tick labels are thinned for the axis rect of the previous layout: lay out once at
    // this size (into a picture that is thrown away), then draw for real.
    QPicture layoutPass;
    {
        QCPPainter scratch(&layoutPass);
        m_plot->toPainter(&scratch, size.width(), size.height());
    }
    updateTicks();
    m_plot->toPainter(painter, size.width(), size.height());
}

QString DetailsPanel::buildSummary() const {
    const core::ModelOutput& result = *m_result;
    QString where;
    if (m_head >= 0)
        where = tr("head %1").arg(m_head + 1);
    else if (m_head == HeatmapView::MeanOfHeads)
        where = result.maps.heads == 1
                    ? tr("mean over 1 head")
                    : tr("mean over %1 heads").arg(QString::number(result.maps.heads));
    else
        where = tr("max over heads");
    const QString header =
        tr("Query '%1' (row %2 of %3) · %4")
            .arg(token(result.maps.queryTokens, m_query), QString::number(m_query + 1),
                 QString::number(result.maps.queryTokens.size()), where);

    int visible = 0;
    int argmax = -1;
    for (int key = 0; key < m_values.size(); ++key) {
        if (masked(result, m_query, key))
            continue;
        ++visible;
        if (argmax < 0 || m_values[key] > m_values[argmax])
            argmax = key;
    }
    if (visible == 0)
        return header + QLatin1Char('\n') +
               tr("Every key is masked: no distribution, all weights are 0.");
    const core::AttentionMaps& maps = result.maps;
    if (m_head >= 0) {
        const std::vector<int>& headArgmax = maps.argmax[maps.index(m_layer, m_head)];
        if (m_query < static_cast<int>(headArgmax.size()))
            argmax = headArgmax[static_cast<std::size_t>(m_query)];
    }
    const QString top = argmax >= 0 ? tr("argmax → '%1' (%2)")
                                          .arg(token(result.maps.keyTokens, argmax),
                                               HeatmapView::formatNumber(m_values.value(argmax)))
                                    : QString();
    if (m_head == HeatmapView::MaxOfHeads)
        return header + QLatin1Char('\n') + top;

    double entropy = 0;
    if (m_head >= 0 && m_query < maps.entropy[maps.index(m_layer, m_head)].size()) {
        entropy = maps.entropy[maps.index(m_layer, m_head)](m_query);
    } else {
        const core::Matrix* weights = maps.map(m_layer, m_head);
        entropy = core::rowEntropy(weights->row(m_query))(0);
    }
    return header + QLatin1Char('\n') +
           tr("entropy %1 nats, at most ln %3 = %2")
               .arg(HeatmapView::formatNumber(entropy),
                    HeatmapView::formatNumber(std::log(static_cast<double>(visible))),
                    QString::number(visible)) +
           QLatin1Char('\n') + top;
}

QString DetailsPanel::buildArithmetic() const {
    if (m_key < 0)
        return {};
    const core::ModelOutput& result = *m_result;
    const bool isMasked = masked(result, m_query, m_key);
    const double weight = m_values.value(m_key);

    if (m_head < 0) {
        if (isMasked)
            return tr("masked → 0");
        // Three decimals, so that the rounded terms visibly add up to the rounded mean.
        auto precise = [](double value) { return QString::number(value, 'f', 3); };
        QStringList terms;
        for (float headWeight : core::headWeightsAt(result.maps, m_layer, m_query, m_key))
            terms.append(precise(headWeight));
        const int heads = static_cast<int>(terms.size());
        if (m_head == HeatmapView::MaxOfHeads)
            return tr("max(%1) = %2").arg(terms.join(QStringLiteral(", ")), precise(weight));
        if (heads <= kMaxHeadsSpelledOut)
            return tr("mean of %1 heads: (%2) / %1 = %3")
                .arg(QString::number(heads), terms.join(QStringLiteral(" + ")), precise(weight));
        return tr("mean of %1 heads = %2").arg(QString::number(heads), precise(weight));
    }

    const std::vector<core::ArithmeticStep> arithmetic =
        core::cellArithmetic(result, m_head, m_query, m_key);
    if (arithmetic.empty())
        return tr("weight %1 (the model keeps no scores to show)")
            .arg(HeatmapView::formatNumber(weight));
    QStringList steps;
    for (const core::ArithmeticStep& step : arithmetic)
        steps << stepText(step, &HeatmapView::formatNumber, param);
    return steps.join(QStringLiteral(", "));
}

} // namespace attnlab::ui
