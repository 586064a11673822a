#include "heatmap_view.h"
#include "heatmap_view_detail.h"

// The heatmap's settings (colours, values, range, title, selection), what it answers about its
// cells (value, mask, hover text, position) and how it reacts to the mouse and the keyboard.

#include "cell_numbers.h"
#include "color_maps.h"

#include <qcustomplot.h>

#include <QKeyEvent>
#include <QToolTip>

#include <algorithm>
#include <cmath>

namespace attnlab::ui {

using namespace detail;

// The setters below change nothing, and replot nothing, when given what the view already
// shows: the window applies its options to every view whenever a result arrives, and at 4096
// tokens the replots of a dozen views took about 35 ms of that turn in a profile.
void HeatmapView::setColorMap(ColorMap map) {
    if (map == m_colorMap)
        return; // (the constructor set the gradient of the first one)
    m_colorMap = map;
    m_map->setGradient(makeColorGradient(map));
    queueReplot();
}

void HeatmapView::setShowValues(bool show) {
    if (show == m_showValues)
        return;
    m_showValues = show;
    queueReplot();
}

void HeatmapView::setValueRange(double low, double high) {
    if (!(high > low) || !std::isfinite(low) || !std::isfinite(high))
        return;
    if (!m_autoRange && low == m_low && high == m_high)
        return;
    m_autoRange = false;
    m_low = low;
    m_high = high;
    applyRange();
    queueReplot();
}

void HeatmapView::setAutoRange() {
    if (m_autoRange)
        return; // setData keeps an automatic range fitted to the data
    m_autoRange = true;
    applyRange();
    queueReplot();
}

QPair<double, double> HeatmapView::valueRange() const {
    const QCPRange range = m_map->dataRange();
    return {range.lower, range.upper};
}

void HeatmapView::setTitle(const QString& title) {
    if (title == m_title)
        return;
    m_title = title;
    m_titleElement->setText(title);
    rebuildLayout();
    queueReplot();
}

void HeatmapView::setColorBarVisible(bool visible) {
    if (visible == m_colorBarVisible)
        return;
    m_colorBarVisible = visible;
    rebuildLayout();
    queueReplot();
}

void HeatmapView::setHoverToolTip(bool enabled) {
    m_hoverToolTip = enabled;
}

void HeatmapView::setSelection(int query, int key) {
    const int selectedQuery = query >= 0 && query < m_rows ? query : -1;
    const int selectedKey = selectedQuery >= 0 && key >= 0 && key < m_cols ? key : -1;
    if (selectedQuery == m_selectedQuery && selectedKey == m_selectedKey)
        return;
    m_selectedQuery = selectedQuery;
    m_selectedKey = selectedKey;
    updateSelectionItems();
    queueReplot();
}

double HeatmapView::cellValue(int query, int key) const {
    if (query < 0 || query >= m_rows || key < 0 || key >= m_cols)
        return std::numeric_limits<double>::quiet_NaN();
    if (m_rowPool > 1 || m_colPool > 1) {
        // Pooled: the colour map holds block maxima, the matrix the cell's own value.
        const core::Matrix* matrix = currentMatrix();
        return matrix ? (*matrix)(query, key) : std::numeric_limits<double>::quiet_NaN();
    }
    return m_map->data()->cell(key, query);
}

bool HeatmapView::isMasked(int query, int key) const {
    if (!m_result || query < 0 || query >= m_rows || key < 0 || key >= m_cols)
        return false;
    const auto& allowed = m_result->maps.allowed;
    if (allowed.rows() != m_rows || allowed.cols() != m_cols)
        return false;
    return !allowed(query, key);
}

bool HeatmapView::isRowFullyMasked(int query) const {
    if (!m_result)
        return false;
    const auto& rows = m_result->maps.fullyMaskedRows;
    return std::find(rows.begin(), rows.end(), query) != rows.end();
}

QString HeatmapView::hoverText(int query, int key) const {
    const core::Matrix* matrix = currentMatrix();
    if (!matrix || query < 0 || query >= m_rows || key < 0 || key >= m_cols)
        return {};
    const QString cell = tr("query '%1' → key '%2'")
                             .arg(tokenText(m_result->maps.queryTokens, query),
                                  tokenText(m_result->maps.keyTokens, key));
    const bool masked = isMasked(query, key);
    const double weight = (*matrix)(query, key);
    const core::HeadTrace* head = nullptr;
    if (m_head >= 0 && m_result->trace && m_head < static_cast<int>(m_result->trace->heads.size()))
        head = &m_result->trace->heads[static_cast<std::size_t>(m_head)];
    if (m_head >= 0 && !(head && head->traced())) // the model's weights, nothing else
        return tr("%1: weight %2").arg(cell, formatNumber(weight));
    if (head) {
        const QString score = formatNumber(head->scores(query, key));
        if (masked)
            return tr("%1: score %2, masked, weight 0").arg(cell, score);
        return tr("%1: score %2, logit %3, weight %4")
            .arg(cell, score, formatNumber(head->logits(query, key)), formatNumber(weight));
    }
    if (masked)
        return tr("%1: masked, weight 0").arg(cell);
    return m_head == MaxOfHeads ? tr("%1: max weight %2").arg(cell, formatNumber(weight))
                                : tr("%1: mean weight %2").arg(cell, formatNumber(weight));
}

QPoint HeatmapView::cellCenter(int query, int key) const {
    const QPointF pixel(m_plot->xAxis->coordToPixel(key), m_plot->yAxis->coordToPixel(query));
    return m_plot->mapTo(this, pixel.toPoint());
}

QPair<int, int> HeatmapView::cellAt(const QPoint& pos) const {
    const QPoint local = m_plot->mapFrom(this, pos);
    if (m_rows == 0 || m_cols == 0 || !m_plot->axisRect()->rect().contains(local))
        return {-1, -1};
    const int key = static_cast<int>(std::floor(m_plot->xAxis->pixelToCoord(local.x()) + 0.5));
    const int query = static_cast<int>(std::floor(m_plot->yAxis->pixelToCoord(local.y()) + 0.5));
    if (query < 0 || query >= m_rows || key < 0 || key >= m_cols)
        return {-1, -1};
    return {query, key};
}

QVector<int> HeatmapView::drawnQueryLabels() const {
    return m_labelLayer->drawnRows;
}

QVector<int> HeatmapView::drawnKeyLabels() const {
    return m_labelLayer->drawnColumns;
}

QFont HeatmapView::valueFont() const {
    return m_cellLayer->valueFont;
}

QString HeatmapView::valueText(int query, int key) const {
    if (query < 0 || key < 0 || query >= m_rows || key >= m_cols || isMasked(query, key))
        return {};
    return cellNumberText(m_map->data()->cell(key, query), m_cellLayer->valueDecimals);
}

bool HeatmapView::valuesDrawn() const {
    return m_cellLayer->valuesDrawn;
}

QSize HeatmapView::colorMapCells() const {
    return {m_map->data()->keySize(), m_map->data()->valueSize()};
}

void HeatmapView::onMouseMove(QMouseEvent* event) {
    const QPoint pos = event->position().toPoint();
    const auto [query, key] = cellAt(m_plot->mapTo(this, pos));
    if (query == m_hoverQuery && key == m_hoverKey)
        return;
    m_hoverQuery = query;
    m_hoverKey = key;
    updateHoverItem();
    const QString text = hoverText(query, key);
    emit cellHovered(query, key);
    emit hoverTextChanged(text);
    if (m_painting && query >= 0)
        emit paintDragged(query, key);
    if (m_hoverToolTip) {
        if (text.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(event->globalPosition().toPoint(), text, m_plot);
    }
}

void HeatmapView::onMousePress(QMouseEvent* event) {
    if (event->button() != Qt::LeftButton)
        return;
    const auto [query, key] = cellAt(m_plot->mapTo(this, event->position().toPoint()));
    if (query < 0)
        return;
    if (m_paintMode) {
        m_painting = true;
        emit paintPressed(query, key);
        return;
    }
    selectCell(query, key);
}

void HeatmapView::onMouseRelease(QMouseEvent* event) {
    if (event->button() != Qt::LeftButton || !m_painting)
        return;
    m_painting = false;
    emit paintReleased();
}

void HeatmapView::setPaintMode(bool on) {
    if (on == m_paintMode)
        return;
    m_paintMode = on;
    if (on) {
        m_plot->setCursor(Qt::CrossCursor);
    } else {
        m_plot->unsetCursor();
        if (m_painting) {
            m_painting = false;
            emit paintReleased();
        }
    }
}

void HeatmapView::selectCell(int query, int key) {
    setSelection(query, key);
    if (m_selectedQuery < 0)
        return;
    emit rowSelected(m_selectedQuery);
    emit cellClicked(m_selectedQuery, m_selectedKey);
}

void HeatmapView::keyPressEvent(QKeyEvent* event) {
    if (m_rows == 0 || m_cols == 0) {
        QWidget::keyPressEvent(event);
        return;
    }
    int query = std::max(m_selectedQuery, 0);
    int key = m_selectedKey;
    switch (event->key()) {
    case Qt::Key_Up:
        query = m_selectedQuery < 0 ? 0 : std::max(0, query - 1);
        break;
    case Qt::Key_Down:
        query = m_selectedQuery < 0 ? 0 : std::min(m_rows - 1, query + 1);
        break;
    case Qt::Key_Left:
        key = key < 0 ? 0 : std::max(0, key - 1);
        break;
    case Qt::Key_Right:
        key = key < 0 ? 0 : std::min(m_cols - 1, key + 1);
        break;
    default:
        QWidget::keyPressEvent(event);
        return;
    }
    selectCell(query, key);
}

void HeatmapView::changeEvent(QEvent* event) {
    if (event->type() == QEvent::FontChange) {
        applyFonts();
        queueReplot();
    }
    QWidget::changeEvent(event);
}

bool HeatmapView::eventFilter(QObject* watched, QEvent* event) {
    if (watched == m_plot) {
        switch (event->type()) {
        case QEvent::Leave:
            if (m_hoverQuery >= 0) {
                m_hoverQuery = m_hoverKey = -1;
                updateHoverItem();
                emit cellHovered(-1, -1);
                emit hoverTextChanged(QString());
            }
            break;
        case QEvent::Paint:
            // Moving the window to a screen with another scale factor: redraw the buffers sharp.
            if (!qFuzzyCompare(m_plot->bufferDevicePixelRatio(), m_plot->devicePixelRatioF())) {
                m_plot->setBufferDevicePixelRatio(m_plot->devicePixelRatioF());
                queueReplot();
            }
            break;
        default:
            break;
        }
    }
    return QWidget::eventFilter(watched, event);
}

} // namespace attnlab::ui
