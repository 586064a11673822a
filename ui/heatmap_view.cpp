#include "heatmap_view.h"
#include "heatmap_view_detail.h"

#include "cell_numbers.h"
#include "label_metrics.h"
#include "plot_lines.h"
#include "queued_resize_plot.h"
#include "view_options.h"

#include <qcustomplot.h>

#include <QFontInfo>
#include <QFontMetricsF>
#include <QHash>
#include <QKeyEvent>
#include <QToolTip>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <numbers>
#include <vector>

namespace attnlab::ui {

using namespace detail;

HeatmapView::HeatmapView(QWidget* parent) : QWidget(parent) {
    m_plot = new QueuedResizePlot(this);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_plot);
    m_plot->setMouseTracking(true);
    m_plot->installEventFilter(this);
    m_plot->setFocusPolicy(Qt::StrongFocus);
    setFocusProxy(m_plot);
    setFocusPolicy(Qt::StrongFocus);
    setMinimumSize(160, 140);

    m_labelFont = tokenFont(font());
    QCPAxisRect* rect = m_plot->axisRect();
    rect->setMinimumMargins(QMargins(4, 12, 10, 4));
    for (QCPAxis* axis : {m_plot->xAxis, m_plot->yAxis}) {
        axis->setTicks(false); // the token labels and their ticks are drawn by HeatmapLayerable
        axis->setTickLabels(false);
        axis->grid()->setVisible(false);
        axis->setBasePen(QPen(QColor(0x80, 0x80, 0x80), 1));
        axis->setLabelColor(kLabelColor);
    }
    m_plot->xAxis->setLabel(tr("Key"));
    m_plot->yAxis->setLabel(tr("Query"));
    m_plot->yAxis->setRangeReversed(true); // first query at the top, as in a matrix
    m_plot->xAxis->setRange(-0.5, 0.5);
    m_plot->yAxis->setRange(-0.5, 0.5);

    m_map = new QCPColorMap(m_plot->xAxis, m_plot->yAxis);
    m_map->setData(new BulkColorMapData, false); // the map takes ownership
    m_map->setInterpolate(false);
    m_map->setTightBoundary(false);

    m_scale = new QCPColorScale(m_plot);
    m_scale->setType(QCPAxis::atRight);
    m_scale->setBarWidth(12);
    m_scale->axis()->setLabel(tr("weight"));
    m_scale->axis()->setLabelColor(kLabelColor);
    m_scale->axis()->setTickLabelColor(kLabelColor);
    m_map->setColorScale(m_scale);
    // After setColorScale, which hands the scale's default gradient to the map.
    m_map->setGradient(makeColorGradient(m_colorMap));
    auto* margins = new QCPMarginGroup(m_plot);
    rect->setMarginGroup(QCP::msTop | QCP::msBottom, margins);
    m_scale->setMarginGroup(QCP::msTop | QCP::msBottom, margins);

    m_titleElement = new QCPTextElement(m_plot, QString(), m_labelFont);
    m_titleElement->setTextColor(kLabelColor);

    m_plot->addLayer(QStringLiteral("cells"), m_plot->layer(QStringLiteral("main")),
                     QCustomPlot::limAbove);
    m_plot->addLayer(QStringLiteral("mask"), m_plot->layer(QStringLiteral("main")),
                     QCustomPlot::limBelow);
    m_maskLayer = new detail::HeatmapLayerable(this, detail::HeatmapLayerable::Part::MaskUnderlay,
                                               QStringLiteral("mask"));
    m_cellLayer = new detail::HeatmapLayerable(this, detail::HeatmapLayerable::Part::Cells,
                                               QStringLiteral("cells"));
    m_labelLayer = new detail::HeatmapLayerable(this, detail::HeatmapLayerable::Part::Labels,
                                                QStringLiteral("axes"));
    // Dark outline under a light one: visible on every colour of every map.
    m_selectionOuter = makeRect(m_plot, QStringLiteral("cells"), QPen(QColor(0, 0, 0), 4.0));
    m_selectionInner = makeRect(m_plot, QStringLiteral("cells"), QPen(QColor(255, 255, 255), 2.0));
    m_selectedCellItem = makeRect(m_plot, QStringLiteral("cells"), QPen(kSelectedKeyColor, 2.5));
    // The hover frame lives on the buffered "overlay" layer, so moving it repaints only that layer.
    m_hoverItem = makeRect(m_plot, QStringLiteral("overlay"), QPen(QColor(255, 255, 255), 1.5));

    applyFonts();
    connect(m_plot, &QCustomPlot::mouseMove, this, &HeatmapView::onMouseMove);
    connect(m_plot, &QCustomPlot::mousePress, this, &HeatmapView::onMousePress);
    connect(m_plot, &QCustomPlot::mouseRelease, this, &HeatmapView::onMouseRelease);
    connect(m_plot, &QCustomPlot::beforeReplot, this, &HeatmapView::updateLabelLayout);
    connect(m_plot, &QCustomPlot::mouseDoubleClick, this, [this] {
        if (!m_paintMode)
            emit enlargeRequested();
    });
    connect(m_titleElement, &QCPTextElement::clicked, this, [this] {
        if (!m_paintMode)
            emit enlargeRequested();
    });
    rebuildLayout();
}

HeatmapView::~HeatmapView() = default;

void HeatmapView::setLineScale(double scale) {
    m_lineScale = boundedLineScale(scale);
    setPlotLineScale(m_plot, m_lineScale); // axes and frames; the cells' own marks read m_lineScale
}

QFont HeatmapView::tokenFont(const QFont& base) {
    QFont font(base);
    // The resolved family, not an alias such as "Sans Serif": an alias at the head of the list
    // is skipped and the CJK font would then draw the Latin text (with full-width "·").
    QStringList families{QFontInfo(base).family()};
    for (const char* fallback : {"Noto Sans CJK SC", "Noto Sans CJK TC", "Noto Sans CJK JP",
                                 "Droid Sans Fallback", "DejaVu Sans"})
        if (!families.contains(QLatin1String(fallback)))
            families.append(QLatin1String(fallback));
    font.setFamilies(families);
    return font;
}

QString HeatmapView::formatNumber(double value) {
    if (std::isnan(value))
        return QStringLiteral("NaN");
    if (std::isinf(value))
        return value < 0 ? QStringLiteral("−∞") : QStringLiteral("∞");
    const double magnitude = std::abs(value);
    if (magnitude >= 1e4 || (magnitude > 0 && magnitude < 0.005))
        return QString::number(value, 'g', 3);
    return QString::number(value, 'f', 2);
}

void HeatmapView::applyFonts() {
    m_labelFont = tokenFont(font());
    QFont titleFont = m_labelFont;
    titleFont.setBold(true);
    m_titleElement->setFont(titleFont);
    for (QCPAxis* axis : {m_plot->xAxis, m_plot->yAxis, m_scale->axis()}) {
        axis->setLabelFont(m_labelFont);
        axis->setTickLabelFont(m_labelFont);
    }
    rebuildLabels();
}

const core::Matrix* HeatmapView::currentMatrix() const {
    if (!m_result)
        return nullptr;
    return weightsOf(*m_result, m_layer, m_head);
}

void HeatmapView::setData(std::shared_ptr<const core::ModelOutput> result, int head, int layer) {
    m_result = std::move(result);
    m_head = head;
    m_layer = layer;
    const core::Matrix* matrix = currentMatrix();
    if (!matrix) {
        m_result.reset();
        m_rows = m_cols = 0;
    } else {
        m_rows = static_cast<int>(matrix->rows());
        m_cols = static_cast<int>(matrix->cols());
    }
    if (m_selectedQuery >= m_rows || m_selectedKey >= m_cols) {
        m_selectedQuery = -1;
        m_selectedKey = -1;
    }
    fillColorMap();
    rebuildLabels();
    rebuildMask();
    applyRange();
    updateSelectionItems();
    if (m_hoverQuery >= m_rows || m_hoverKey >= m_cols) {
        m_hoverQuery = m_hoverKey = -1;
        updateHoverItem();
        emit cellHovered(-1, -1);
        emit hoverTextChanged(QString());
    } else if (m_hoverQuery >= 0) {
        emit hoverTextChanged(hoverText(m_hoverQuery, m_hoverKey)); // new numbers, same cell
    }
    queueReplot();
}

// The cell range of a side of `count` matrix cells stored as `cells` colour-map cells of
// `pool` matrix cells each: the centres of the first and last block. QCPColorMap spreads a
// single cell over a zero-size range, so a one-cell side gets its outer edges instead.
static QCPRange cellRange(int count, int cells, int pool) {
    if (cells <= 1)
        return count > 1 ? QCPRange(-0.5, count - 0.5) : QCPRange(-0.5, 0.5);
    const double half = (pool - 1) / 2.0;
    return QCPRange(half, (cells - 1) * static_cast<double>(pool) + half);
}

void HeatmapView::fillColorMap() {
    QCPColorMapData* data = m_map->data();
    const bool pooled = static_cast<qint64>(m_rows) * m_cols > kMaxMapCells;
    m_rowPool = pooled ? (m_rows + kMaxMapSide - 1) / kMaxMapSide : 1;
    m_colPool = pooled ? (m_cols + kMaxMapSide - 1) / kMaxMapSide : 1;
    const int cols = (m_cols + m_colPool - 1) / m_colPool;
    const int rows = (m_rows + m_rowPool - 1) / m_rowPool;
    if (data->keySize() != cols || data->valueSize() != rows)
        data->setSize(cols, rows);
    // Cell centres on integer coordinates (block centres when pooled).
    data->setRange(cellRange(m_cols, cols, m_colPool), cellRange(m_rows, rows, m_rowPool));
    auto* bulk = static_cast<BulkColorMapData*>(data);
    if (const core::Matrix* matrix = currentMatrix()) {
        if (!pooled) {
            bulk->assign(matrix->data()); // row-major, like the colour map's storage
        } else {
            // Max over each block: rows first (whole vectorised rows), then the columns, into a
            // buffer (the matrix is read once, which is most of the cost); the colour map is then
            // written in one pass. On this thread alone: a parallel region started from the
            // window's thread while a computation holds both cores can wait at its barrier for a
            // core while its other thread spins.
            std::vector<float> pooledValues(static_cast<std::size_t>(rows) * cols);
            for (int block = 0; block < rows; ++block) {
                const int first = block * m_rowPool;
                const int count = std::min(m_rowPool, m_rows - first);
                Eigen::RowVectorXf top = matrix->row(first);
                for (int r = 1; r < count; ++r)
                    top = top.cwiseMax(matrix->row(first + r));
                for (int c = 0; c < cols; ++c) {
                    const int begin = c * m_colPool;
                    pooledValues[static_cast<std::size_t>(block) * cols + c] =
                        top.segment(begin, std::min(m_colPool, m_cols - begin)).maxCoeff();
                }
            }
            bulk->assign(pooledValues.data());
        }
    } else {
        data->recalculateDataBounds();
    }
    m_plot->xAxis->setRange(-0.5, std::max(m_cols, 1) - 0.5);
    m_plot->yAxis->setRange(-0.5, std::max(m_rows, 1) - 0.5);
}

void HeatmapView::applyRange() {
    double low = m_low;
    double high = m_high;
    if (m_autoRange) {
        low = 0.0;
        high = -std::numeric_limits<double>::infinity();
        if (const core::Matrix* matrix = currentMatrix()) {
            const auto& allowed = m_result->maps.allowed;
            if (!m_anyMasked) { // (rebuildMask has read the mask of this data)
                low = std::min(low, static_cast<double>(matrix->minCoeff()));
                high = static_cast<double>(matrix->maxCoeff());
            } else if (allowed.any()) {
                constexpr float kHuge = std::numeric_limits<float>::max();
                low = std::min(
                    low, static_cast<double>(allowed.select(matrix->array(), kHuge).minCoeff()));
                high = allowed.select(matrix->array(), -kHuge).maxCoeff();
            }
        }
        if (!(high > low))
            high = low + 1.0;
    }
    m_map->setDataRange(QCPRange(low, high));
}

void HeatmapView::rebuildLabels() {
    m_queryLabels.clear();
    m_keyLabels.clear();
    m_queryKinds.clear();
    m_keyKinds.clear();
    m_queryLabelWidth = m_keyLabelWidth = 0;
    m_labelLineHeight = QFontMetricsF(m_labelFont).height();
    if (!m_result)
        return;
    const QFontMetricsF metrics(m_labelFont);
    const double maxWidth = metrics.averageCharWidth() * kMaxLabelChars;
    // Long sentences repeat their words: each distinct token is elided once.
    QHash<QString, QString> elided;
    auto label = [&](const core::MapToken& token) {
        QString text = QString::fromStdString(token.text);
        if (text.size() > kNeverElidedChars) {
            auto it = elided.find(text);
            if (it == elided.end())
                it = elided.insert(text, metrics.elidedText(text, Qt::ElideRight, maxWidth));
            text = *it;
        }
        if (token.unknown)
            text += QLatin1Char('?');
        return text;
    };
    auto kind = [](const core::MapToken& token) {
        if (token.padding)
            return LabelKind::Padding;
        return token.unknown ? LabelKind::Unknown : LabelKind::Normal;
    };
    for (int row = 0; row < m_rows; ++row) {
        const core::MapToken& token = m_result->maps.queryTokens.at(static_cast<std::size_t>(row));
        m_queryLabels.append(label(token));
        m_queryKinds.append(isRowFullyMasked(row) ? LabelKind::FullyMasked : kind(token));
    }
    for (int col = 0; col < m_cols; ++col) {
        const core::MapToken& token = m_result->maps.keyTokens.at(static_cast<std::size_t>(col));
        m_keyLabels.append(label(token));
        m_keyKinds.append(kind(token));
    }
    // The widest labels (in bold, as a selected label is drawn) set the margins at every replot;
    // measured here, once per distinct label, rather than at each replot.
    QFont bold = m_labelFont;
    bold.setBold(true);
    const QFontMetricsF boldMetrics(bold);
    QHash<QString, double> widths;
    auto widest = [&](const QStringList& labels) {
        double width = 0;
        for (const QString& text : labels) {
            auto it = widths.find(text);
            if (it == widths.end())
                it = widths.insert(text, boldMetrics.horizontalAdvance(text));
            width = std::max(width, *it);
        }
        return width;
    };
    m_queryLabelWidth = widest(m_queryLabels);
    m_keyLabelWidth = widest(m_keyLabels);
    m_labelLineHeight = labelLineMetrics(bold, m_queryLabels + m_keyLabels).height();
}

namespace {

// A result's mask as pooled views draw it: which blocks have a visible cell (none listed when no
// cell is masked). The mask is the same for every map of a result, and at 4096 tokens
// it is 16 MiB: pooled once per result rather than once per view (2 ms on an idle machine, up to
// 19 ms of the window's turn in a profile while a computation held the cores and the memory). Kept
// for the newest result and pooling only, on the window's thread (the only one that builds views).
struct MaskBlocks {
    std::weak_ptr<const core::ModelOutput> result; ///< expired or another result: not this one
    int rowPool = 0, colPool = 0;
    std::vector<unsigned char> visible; ///< pooled blocks, row-major; empty when none is masked
};

const MaskBlocks& maskBlocksOf(const std::shared_ptr<const core::ModelOutput>& result, int rows,
                               int cols, int rowPool, int colPool) {
    static MaskBlocks cache;
    if (cache.result.lock() == result && cache.rowPool == rowPool && cache.colPool == colPool)
        return cache;
    cache = MaskBlocks{result, rowPool, colPool, {}};
    const core::BoolMatrix& allowed = result->maps.allowed;
    if (allVisible(allowed))
        return cache;
    const int blockCols = (cols + colPool - 1) / colPool;
    const int blockRows = (rows + rowPool - 1) / rowPool;
    cache.visible.assign(static_cast<std::size_t>(blockRows) * blockCols, 0);
    // Rows of a block OR-ed into one, then each block of that row (1.7–1.9 ms at 4096 tokens on
    // an idle machine; plain byte loops were no faster, 2.1–2.5 ms).
    Eigen::Array<bool, 1, Eigen::Dynamic> visible(cols);
    for (int block = 0; block < blockRows; ++block) {
        const int first = block * rowPool;
        visible = allowed.row(first);
        for (int r = first + 1; r < std::min(rows, first + rowPool); ++r)
            visible = visible || allowed.row(r);
        unsigned char* out = cache.visible.data() + static_cast<std::size_t>(block) * blockCols;
        for (int c = 0; c < blockCols; ++c) {
            const int begin = c * colPool;
            out[c] = visible.segment(begin, std::min(colPool, cols - begin)).any() ? 1 : 0;
        }
    }
    return cache;
}

} // namespace

void HeatmapView::rebuildMask() {
    // Masked cells are transparent in the colour map (their stored value stays the weight, 0),
    // so the hatched underlay shows through exactly where they are. A pooled block is
    // transparent when every cell in it is masked.
    QCPColorMapData* data = m_map->data();
    data->clearAlpha();
    m_anyMasked = false;
    if (!m_result || m_rows == 0 || m_cols == 0)
        return;
    const auto& allowed = m_result->maps.allowed;
    if (allowed.rows() != m_rows || allowed.cols() != m_cols)
        return;
    auto* bulk = static_cast<BulkColorMapData*>(data);
    if (m_rowPool == 1 && m_colPool == 1) {
        if (allVisible(allowed))
            return;
        m_anyMasked = true;
        bulk->assignVisibility(allowed.data()); // row-major, like the colour map's cells
        return;
    }
    const MaskBlocks& blocks = maskBlocksOf(m_result, m_rows, m_cols, m_rowPool, m_colPool);
    if (blocks.visible.empty()) // no cell masked
        return;
    m_anyMasked = true;
    bulk->assignVisibility(blocks.visible.data());
}

void HeatmapView::rebuildLayout() {
    // The axis rect stays in the layout (QCustomPlot finds its axis rects there); the title
    // gets a row above it and the colour scale a column beside it only while they are shown.
    QCPLayoutGrid* grid = m_plot->plotLayout();
    for (QCPLayoutElement* element :
         {static_cast<QCPLayoutElement*>(m_titleElement), static_cast<QCPLayoutElement*>(m_scale)})
        if (element->layout() == grid)
            grid->take(element);
    grid->simplify();
    m_titleElement->setVisible(!m_title.isEmpty());
    if (!m_title.isEmpty()) {
        grid->insertRow(0);
        grid->addElement(0, 0, m_titleElement);
    }
    const int row = m_title.isEmpty() ? 0 : 1;
    m_scale->setVisible(m_colorBarVisible);
    if (m_colorBarVisible)
        grid->addElement(row, 1, m_scale);
    if (row == 1) {
        grid->setRowStretchFactor(0, 0.001);
        grid->setRowStretchFactor(1, 1);
    }
}

void HeatmapView::updateLabelLayout() {
    const QFontMetricsF metrics(m_labelFont);
    QFont bold = m_labelFont;
    bold.setBold(true);
    const QFontMetricsF boldMetrics(bold);
    const double lineHeight = m_labelLineHeight;
    const double queryWidth = m_queryLabelWidth;
    const double keyWidth = m_keyLabelWidth;

    // The layout is not known yet: estimate the matrix size from the widget size and the
    // margins this function is about to set. The drawing step drops any label that would
    // still overlap its neighbour.
    // The axis titles ("Key", "键") are drawn by the plot; their fallback font sets their height.
    // Small maps (many heads) leave the axis titles out, so that the tick labels and cells keep
    // the room; the head's title and the details panel name the axes.
    m_axisTitles = m_plot->width() >= kAxisTitleLines.width() * lineHeight &&
                   m_plot->height() >= kAxisTitleLines.height() * lineHeight;
    m_plot->xAxis->setLabel(m_axisTitles ? tr("Key") : QString());
    m_plot->yAxis->setLabel(m_axisTitles ? tr("Query") : QString());
    const double titleHeight =
        m_axisTitles
            ? labelLineMetrics(m_labelFont, {m_plot->xAxis->label(), m_plot->yAxis->label()})
                      .height() +
                  6
            : 0.0;
    const double leftMargin = queryWidth + kTickLength + 2 * kLabelGap + titleHeight + 4;
    const double rightMargin = m_colorBarVisible ? 80 : 12;
    const double width = std::max(20.0, m_plot->width() - leftMargin - rightMargin);
    const double cellWidth = m_cols > 0 ? width / m_cols : width;

    const int horizontalStride = static_cast<int>(std::ceil((keyWidth + 6) / cellWidth));
    const int rotatedStride = static_cast<int>(std::ceil((lineHeight * kSqrt2 + 2) / cellWidth));
    double keyExtent = lineHeight;
    if (horizontalStride <= std::max(1, rotatedStride)) {
        m_keyLabelAngle = 0;
        m_keyLabelStride = niceStride(horizontalStride);
    } else {
        m_keyLabelAngle = 45;
        m_keyLabelStride = niceStride(rotatedStride);
        keyExtent = (keyWidth + lineHeight) * kInvSqrt2 + 2;
    }
    // The labels' band: QCustomPlot reserves the label padding only beside an axis title, so
    // without titles the band is the axis's outer padding instead.
    const auto reserve = [this](QCPAxis* axis, int band) {
        axis->setLabelPadding(band);
        axis->setPadding(m_axisTitles ? kAxisPadding : band);
    };
    reserve(m_plot->xAxis, static_cast<int>(std::ceil(keyExtent)) + kTickLength + 3 * kLabelGap);

    // Rotated key labels reach left of the first column; keep them inside the widget.
    double queryPadding = queryWidth + kTickLength + 2 * kLabelGap;
    if (m_keyLabelAngle != 0 && !m_keyLabels.isEmpty()) {
        const double firstReach = boldMetrics.horizontalAdvance(m_keyLabels.front()) * kInvSqrt2 -
                                  cellWidth / 2 - titleHeight;
        queryPadding = std::max(queryPadding, firstReach);
    }
    reserve(m_plot->yAxis, static_cast<int>(std::ceil(queryPadding)));

    // Room above the first row for the half of its label that sticks out when rows are thin.
    const int topMargin = std::max(12, static_cast<int>(std::ceil(lineHeight / 2)) + 3);
    m_plot->axisRect()->setMinimumMargins(QMargins(4, topMargin, 10, 4));
    const double top = (m_title.isEmpty() ? 0 : titleHeight) + topMargin;
    const double height = std::max(20.0, m_plot->height() - top - keyExtent - kTickLength -
                                             2 * kLabelGap - titleHeight);
    const double cellHeight = m_rows > 0 ? height / m_rows : height;
    m_queryLabelStride = niceStride(static_cast<int>(std::ceil((lineHeight + 1) / cellHeight)));
}

QRect HeatmapView::matrixRect() const {
    return m_plot->axisRect()->rect().translated(m_plot->pos());
}

QVector<QPolygonF> HeatmapView::drawnLabelOutlines() const {
    QVector<QPolygonF> outlines = m_labelLayer->labelOutlines;
    for (QPolygonF& outline : outlines)
        outline.translate(m_plot->pos());
    return outlines;
}

QSize HeatmapView::sizeForMatrix(const QSize& matrix) const {
    // The margins updateLabelLayout gives a plot without axis titles, for cells of that size.
    const double lineHeight = m_labelLineHeight;
    // Key labels as they take the most room: rotated when they do not fit their columns.
    const double rotated = (m_keyLabelWidth + lineHeight) * kInvSqrt2 + 2;
    const double keyExtent = std::max(lineHeight, rotated);
    const double left = m_queryLabelWidth + kTickLength + 2 * kLabelGap + 4 + 4;
    const double right = m_colorBarVisible ? 80 : 12;
    const double titleHeight = m_title.isEmpty() ? 0 : lineHeight + 6;
    const double top = titleHeight + 4 + std::max(12.0, std::ceil(lineHeight / 2) + 3);
    const double bottom = keyExtent + kTickLength + 3 * kLabelGap + 4;
    QSizeF size(matrix.width() + left + right, matrix.height() + top + bottom);
    // A plot that large draws its axis titles (updateLabelLayout): room for them too.
    if (size.width() >= kAxisTitleLines.width() * lineHeight &&
        size.height() >= kAxisTitleLines.height() * lineHeight)
        size += QSizeF(lineHeight + 6 + kAxisPadding, lineHeight + 6 + kAxisPadding);
    return {static_cast<int>(std::ceil(size.width())), static_cast<int>(std::ceil(size.height()))};
}

void HeatmapView::updateSelectionItems() {
    const bool row = m_selectedQuery >= 0 && m_selectedQuery < m_rows;
    m_selectionOuter->setVisible(row);
    m_selectionInner->setVisible(row);
    if (row) {
        for (QCPItemRect* item : {m_selectionOuter, m_selectionInner})
            placeRect(item, -0.5, m_selectedQuery - 0.5, m_cols - 0.5, m_selectedQuery + 0.5);
    }
    const bool cell = row && m_selectedKey >= 0 && m_selectedKey < m_cols;
    m_selectedCellItem->setVisible(cell);
    if (cell)
        placeRect(m_selectedCellItem, m_selectedKey - 0.5, m_selectedQuery - 0.5,
                  m_selectedKey + 0.5, m_selectedQuery + 0.5);
}

void HeatmapView::updateHoverItem() {
    const bool visible = m_hoverQuery >= 0 && m_hoverKey >= 0;
    m_hoverItem->setVisible(visible);
    if (visible)
        placeRect(m_hoverItem, m_hoverKey - 0.5, m_hoverQuery - 0.5, m_hoverKey + 0.5,
                  m_hoverQuery + 0.5);
    if (QCPLayer* layer = m_hoverItem->layer())
        layer->replot();
}

void HeatmapView::renderTo(QCPPainter* painter, const QSize& size) {
    m_plot->resize(size);
    updateLabelLayout(); // what beforeReplot does on screen, for the export's size
    // On SVG and PDF the colour map would be one embedded bitmap; draw its cells as vector
    // rectangles instead while they are few enough for a file to stay small.
    m_vectorCells = painter->modes().testFlag(QCPPainter::pmVectorized) &&
                    static_cast<qint64>(m_rows) * m_cols <= kMaxVectorCells;
    m_map->setVisible(!m_vectorCells);
    m_plot->toPainter(painter, size.width(), size.height());
    m_map->setVisible(true);
    m_vectorCells = false;
}

void HeatmapView::queueReplot() {
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

} // namespace attnlab::ui
