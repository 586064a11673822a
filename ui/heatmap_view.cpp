#include "heatmap_view.h"

#include "cell_numbers.h"
#include "label_metrics.h"
#include "plot_lines.h"
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

namespace {

constexpr int kTickLength = 4;     // px, outward tick marks next to the token labels
constexpr int kLabelGap = 3;       // px between tick and label, and label and axis title
constexpr int kMaxLabelChars = 14; // longer tokens are elided in the axis labels
// Tokens this short always fit the label width (even full-width CJK characters are about two
// average widths), so they skip the costly elision.
constexpr int kNeverElidedChars = kMaxLabelChars / 2 - 1;
// A colour map of more cells than this (a long sentence) is max-pooled in blocks down to about
// kMaxMapSide cells per side: more than the pixels a heatmap gets on screen, so nothing visible
// is lost and every peak still shows, while the colour map, its image and each replot stay small.
constexpr int kMaxMapSide = 512;
constexpr qint64 kMaxMapCells = static_cast<qint64>(kMaxMapSide) * kMaxMapSide;

const QColor kLabelColor(0x26, 0x26, 0x26);
const QColor kUnknownLabelColor(0xa3, 0x52, 0x00);
const QColor kPaddingLabelColor(0x9a, 0x9a, 0x9a);
const QColor kMaskedRowColor(0xc6, 0x28, 0x28);
const QColor kSelectedKeyColor(0xff, 0x8c, 0x00);

double degrees(double d) {
    return d * std::numbers::pi / 180.0;
}
constexpr double kSqrt2 = std::numbers::sqrt2;
constexpr double kInvSqrt2 = 1.0 / std::numbers::sqrt2;

// True when every cell of `allowed` is visible. memchr finds a false byte far faster than
// Eigen's all(), which tests 16 million cells of a long sentence one by one.
bool allVisible(const core::BoolMatrix& allowed) {
    static_assert(sizeof(bool) == 1);
    return allowed.size() == 0 ||
           std::memchr(allowed.data(), 0, static_cast<std::size_t>(allowed.size())) == nullptr;
}

QString tokenText(const std::vector<core::MapToken>& tokens, int index) {
    if (index < 0 || index >= static_cast<int>(tokens.size()))
        return {};
    return QString::fromStdString(tokens[static_cast<std::size_t>(index)].text);
}

// The colour map's storage filled in one pass. QCPColorMapData stores value rows of key cells,
// which is the row-major layout of the weights, so a whole matrix is one converting copy;
// setCell costs a library call and two bound checks per cell, over 2 million times per keystroke
// for 8 heads of 512 tokens.
class BulkColorMapData : public QCPColorMapData {
public:
    BulkColorMapData() : QCPColorMapData(1, 1, QCPRange(0, 1), QCPRange(0, 1)) {}

    /// Stores `values` (valueSize() rows of keySize() cells, row-major) and their bounds.
    void assign(const float* values) {
        const Eigen::Index count = static_cast<Eigen::Index>(keySize()) * valueSize();
        if (!mData || count == 0)
            return;
        const Eigen::Map<const Eigen::ArrayXf> source(values, count);
        Eigen::Map<Eigen::ArrayXd>(mData, count) = source.cast<double>();
        mDataBounds = QCPRange(source.minCoeff(), source.maxCoeff());
        mIsEmpty = false;
        mDataModified = true;
    }

    /// Makes the cells where `visible` (laid out like assign's values) is false (zero)
    /// transparent and the others opaque.
    template <typename Flag> void assignVisibility(const Flag* visible) {
        const Eigen::Index count = static_cast<Eigen::Index>(keySize()) * valueSize();
        if (count == 0 || !createAlpha(false))
            return;
        const Eigen::Map<const Eigen::Array<Flag, Eigen::Dynamic, 1>> source(visible, count);
        Eigen::Map<Eigen::Array<unsigned char, Eigen::Dynamic, 1>>(mAlpha, count) =
            (source != Flag(0)).template cast<unsigned char>() * static_cast<unsigned char>(255);
        mDataModified = true;
    }
};

QCPItemRect* makeRect(QCustomPlot* plot, const QString& layer, const QPen& pen) {
    auto* item = new QCPItemRect(plot);
    item->setLayer(layer);
    item->setPen(pen);
    item->setBrush(Qt::NoBrush);
    item->setSelectable(false);
    item->setVisible(false);
    return item;
}

void placeRect(QCPItemRect* item, double left, double top, double right, double bottom) {
    item->topLeft->setCoords(left, top);
    item->bottomRight->setCoords(right, bottom);
}

// Smallest of 1, 2, 5, 10, 20, 50, … that is ≥ `stride`, so that thinned labels are w0, w5, w10.
int niceStride(int stride) {
    if (stride <= 1)
        return 1;
    for (int scale = 1;; scale *= 10)
        for (int step : {1, 2, 5})
            if (step * scale >= stride)
                return step * scale;
}

} // namespace

namespace detail {

// Draws what QCustomPlot cannot. Part MaskUnderlay, below the colour map: grey and hatching
// over the whole matrix, seen only through the masked cells, which the colour map leaves
// transparent; so masked cells line up with the colour map to the pixel and n = 4096 costs one
// rectangle, not 16 million items. Part Cells, above it: the "all keys masked" marks and the
// values inside the cells. Part Labels, in the margins: the token labels with a colour per kind
// of token, thinned so that they never overlap.
class HeatmapLayerable : public QCPLayerable {
public:
    enum class Part { MaskUnderlay, Cells, Labels };

    HeatmapLayerable(HeatmapView* view, Part part, const QString& layer)
        : QCPLayerable(view->m_plot, layer), m_view(view), m_part(part) {}

    QVector<int> drawnRows, drawnColumns;
    bool valuesDrawn = false;
    QFont valueFont;       ///< the font of the numbers in the last replot
    int valueDecimals = 2; ///< and their decimals

protected:
    void applyDefaultAntialiasingHint(QCPPainter* painter) const override {
        painter->setAntialiasing(false);
    }

    QRect clipRect() const override {
        return m_part == Part::Labels ? mParentPlot->viewport() : mParentPlot->axisRect()->rect();
    }

    void draw(QCPPainter* painter) override {
        switch (m_part) {
        case Part::MaskUnderlay:
            drawMaskUnderlay(painter);
            break;
        case Part::Cells:
            drawCells(painter);
            break;
        case Part::Labels:
            drawLabels(painter);
            break;
        }
    }

private:
    QCPAxis* xAxis() const { return mParentPlot->xAxis; }
    QCPAxis* yAxis() const { return mParentPlot->yAxis; }

    QRectF cellRect(double key0, double query0, double key1, double query1) const {
        return QRectF(
                   QPointF(xAxis()->coordToPixel(key0 - 0.5), yAxis()->coordToPixel(query0 - 0.5)),
                   QPointF(xAxis()->coordToPixel(key1 + 0.5), yAxis()->coordToPixel(query1 + 0.5)))
            .normalized();
    }

    void drawMaskUnderlay(QCPPainter* painter) {
        const HeatmapView& v = *m_view;
        if (!v.m_anyMasked || v.m_rows == 0 || v.m_cols == 0)
            return;
        const QRectF whole = cellRect(0, 0, v.m_cols - 1, v.m_rows - 1);
        painter->fillRect(whole, maskedCellColor(v.m_colorMap));
        painter->fillRect(whole, QBrush(maskedHatchColor(v.m_colorMap), Qt::BDiagPattern));
    }

    void drawCells(QCPPainter* painter) {
        valuesDrawn = false;
        const HeatmapView& v = *m_view;
        if (v.m_rows == 0 || v.m_cols == 0)
            return;
        const QRectF whole = cellRect(0, 0, v.m_cols - 1, v.m_rows - 1);
        const double cellWidth = whole.width() / v.m_cols;
        const double cellHeight = whole.height() / v.m_rows;
        if (v.m_vectorCells)
            drawVectorCells(painter);
        drawFullyMaskedRows(painter, cellHeight);
        if (v.m_showValues)
            drawValues(painter, cellWidth, cellHeight);
    }

    // The cells of the colour map as rectangles, in the colours the gradient gives them.
    void drawVectorCells(QCPPainter* painter) {
        const HeatmapView& v = *m_view;
        const QCPRange range = v.m_map->dataRange();
        QCPColorMapData* data = v.m_map->data();
        painter->setPen(Qt::NoPen);
        for (int row = 0; row < v.m_rows; ++row) {
            for (int col = 0; col < v.m_cols; ++col) {
                if (v.isMasked(row, col))
                    continue;
                const double t = (data->cell(col, row) - range.lower) / range.size();
                // Rectangles meet without hairline gaps when each overlaps its neighbours
                // by a fraction of a pixel.
                painter->fillRect(cellRect(col, row, col, row).adjusted(-0.3, -0.3, 0.3, 0.3),
                                  colorAt(v.m_colorMap, t));
            }
        }
    }

    void drawFullyMaskedRows(QCPPainter* painter, double cellHeight) {
        const HeatmapView& v = *m_view;
        if (!v.m_result)
            return;
        const QString text = HeatmapView::tr("all keys masked");
        QFont font = v.m_labelFont;
        const QFontMetricsF metrics(font);
        for (int row : v.m_result->maps.fullyMaskedRows) {
            if (row < 0 || row >= v.m_rows)
                continue;
            const QRectF rect = cellRect(0, row, v.m_cols - 1, row);
            painter->setPen(QPen(kMaskedRowColor, (cellHeight >= 6 ? 2.0 : 1.0) * v.m_lineScale));
            painter->setBrush(Qt::NoBrush);
            painter->drawRect(rect.adjusted(1, 1, -1, -1));
            const double textWidth = metrics.horizontalAdvance(text) + 8;
            if (textWidth <= rect.width() && metrics.height() <= rect.height()) {
                QRectF box(0, 0, textWidth, std::min(rect.height() - 2, metrics.height() + 2));
                box.moveCenter(rect.center());
                painter->fillRect(box, QColor(255, 255, 255, 225));
                painter->setFont(font);
                painter->setPen(kMaskedRowColor);
                painter->drawText(box, Qt::AlignCenter, text);
            }
        }
    }

    void drawValues(QCPPainter* painter, double cellWidth, double cellHeight) {
        const HeatmapView& v = *m_view;
        // Weights lie in [0, 1]: "0.41" at the largest font that fits, else "0.4", else nothing
        // (hovering gives the value).
        const CellNumberStyle style =
            fitCellNumbers(v.m_labelFont, QSizeF(cellWidth, cellHeight), false);
        if (!style.shown)
            return;
        const QCPRange range = v.m_map->dataRange();
        QCPColorMapData* data = v.m_map->data();
        painter->setFont(style.font);
        for (int row = 0; row < v.m_rows; ++row) {
            for (int col = 0; col < v.m_cols; ++col) {
                if (v.isMasked(row, col))
                    continue;
                const double value = data->cell(col, row);
                const double t = (value - range.lower) / range.size();
                painter->setPen(contrastingTextColor(colorAt(v.m_colorMap, t)));
                painter->drawText(cellRect(col, row, col, row), Qt::AlignCenter,
                                  cellNumberText(value, style.decimals));
            }
        }
        valueFont = style.font;
        valueDecimals = style.decimals;
        valuesDrawn = true;
    }

    QFont labelFont(HeatmapView::LabelKind kind, bool selected) const {
        QFont font = m_view->m_labelFont;
        if (selected || kind == HeatmapView::LabelKind::FullyMasked)
            font.setBold(true);
        return font;
    }

    static QColor labelColor(HeatmapView::LabelKind kind) {
        switch (kind) {
        case HeatmapView::LabelKind::Unknown:
            return kUnknownLabelColor;
        case HeatmapView::LabelKind::Padding:
            return kPaddingLabelColor;
        case HeatmapView::LabelKind::FullyMasked:
            return kMaskedRowColor;
        case HeatmapView::LabelKind::Normal:
            break;
        }
        return kLabelColor;
    }

    void drawLabels(QCPPainter* painter) {
        drawnRows.clear();
        drawnColumns.clear();
        const HeatmapView& v = *m_view;
        if (v.m_rows == 0 || v.m_cols == 0)
            return;
        painter->setAntialiasing(true);
        const QRect rect = mParentPlot->axisRect()->rect();
        // The height of the fonts that draw the labels (CJK fallbacks are taller than the first
        // family); the boxes do not clip either, so that no glyph is ever cut.
        const double lineHeight = v.m_labelLineHeight;
        constexpr int kNoClip = Qt::TextDontClip;

        // Query labels, right-aligned left of the matrix.
        const double right = rect.left() - kTickLength - kLabelGap;
        double lastBottom = -std::numeric_limits<double>::infinity();
        for (int row = 0; row < v.m_rows; row += v.m_queryLabelStride) {
            const double y = yAxis()->coordToPixel(row);
            if (y - lineHeight / 2 < lastBottom + 1)
                continue;
            lastBottom = y + lineHeight / 2;
            const auto kind = v.m_queryKinds.value(row);
            painter->setPen(QPen(kLabelColor, v.m_lineScale));
            painter->drawLine(QPointF(rect.left() - kTickLength, y), QPointF(rect.left(), y));
            painter->setFont(labelFont(kind, row == v.m_selectedQuery));
            painter->setPen(labelColor(kind));
            painter->drawText(QRectF(right - 2000, y - lineHeight / 2, 2000, lineHeight),
                              Qt::AlignRight | Qt::AlignVCenter | kNoClip,
                              v.m_queryLabels.value(row));
            drawnRows.append(row);
        }

        // Key labels below the matrix, horizontal or rotated so that the text ends at its tick.
        const double top = rect.top() + rect.height();
        const double angle = v.m_keyLabelAngle;
        const double sine = std::sin(degrees(angle));
        const double cosine = std::cos(degrees(angle));
        double lastEdge = -std::numeric_limits<double>::infinity();
        for (int col = 0; col < v.m_cols; col += v.m_keyLabelStride) {
            const double x = xAxis()->coordToPixel(col);
            const auto kind = v.m_keyKinds.value(col);
            const QFont font = labelFont(kind, col == v.m_selectedKey && v.m_selectedQuery >= 0);
            const QString text = v.m_keyLabels.value(col);
            const double width = QFontMetricsF(font).horizontalAdvance(text);
            if (angle == 0) {
                if (x - width / 2 < lastEdge + 4)
                    continue;
                lastEdge = x + width / 2;
            } else {
                // Rotated labels are parallel; their baselines lie (Δx · sin θ) apart.
                if ((x - lastEdge) * sine < lineHeight + 1)
                    continue;
                lastEdge = x;
            }
            painter->setPen(QPen(kLabelColor, v.m_lineScale));
            painter->drawLine(QPointF(x, top), QPointF(x, top + kTickLength));
            painter->setFont(font);
            painter->setPen(labelColor(kind));
            const double anchorY = top + kTickLength + kLabelGap;
            if (angle == 0) {
                painter->drawText(QRectF(x - 1000, anchorY, 2000, lineHeight),
                                  Qt::AlignHCenter | Qt::AlignTop | kNoClip, text);
            } else {
                painter->save();
                painter->translate(x, anchorY + lineHeight / 2 * cosine);
                painter->rotate(-angle);
                painter->drawText(QRectF(-width - 1, -lineHeight / 2, width + 2, lineHeight),
                                  Qt::AlignRight | Qt::AlignVCenter | kNoClip, text);
                painter->restore();
            }
            drawnColumns.append(col);
        }
    }

    HeatmapView* m_view;
    Part m_part;
};

} // namespace detail

HeatmapView::HeatmapView(QWidget* parent) : QWidget(parent) {
    m_plot = new QCustomPlot(this);
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
    connect(m_plot, &QCustomPlot::beforeReplot, this, &HeatmapView::updateLabelLayout);
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
            // buffer filled by all cores (the matrix is read once, which is most of the cost);
            // the colour map is then written in one pass.
            std::vector<float> pooledValues(static_cast<std::size_t>(rows) * cols);
#ifdef _OPENMP
#pragma omp parallel for schedule(static)
#endif
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
            if (allowed.rows() != m_rows || allowed.cols() != m_cols || allVisible(allowed)) {
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
    if (allowed.rows() != m_rows || allowed.cols() != m_cols || allVisible(allowed))
        return;
    m_anyMasked = true;
    auto* bulk = static_cast<BulkColorMapData*>(data);
    if (m_rowPool == 1 && m_colPool == 1) {
        bulk->assignVisibility(allowed.data()); // row-major, like the colour map's cells
        return;
    }
    const int blockCols = (m_cols + m_colPool - 1) / m_colPool;
    const int blockRows = (m_rows + m_rowPool - 1) / m_rowPool;
    std::vector<unsigned char> blockVisible(static_cast<std::size_t>(blockRows) * blockCols);
    Eigen::Array<bool, 1, Eigen::Dynamic> visible(m_cols);
    for (int block = 0; block < blockRows; ++block) {
        const int first = block * m_rowPool;
        visible = allowed.row(first);
        for (int r = first + 1; r < std::min(m_rows, first + m_rowPool); ++r)
            visible = visible || allowed.row(r);
        for (int c = 0; c < blockCols; ++c) {
            const int begin = c * m_colPool;
            blockVisible[static_cast<std::size_t>(block) * blockCols + c] =
                visible.segment(begin, std::min(m_colPool, m_cols - begin)).any();
        }
    }
    bulk->assignVisibility(blockVisible.data());
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
    const double titleHeight =
        labelLineMetrics(m_labelFont, {m_plot->xAxis->label(), m_plot->yAxis->label()}).height() +
        6;
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
    m_plot->xAxis->setLabelPadding(static_cast<int>(std::ceil(keyExtent)) + kTickLength +
                                   3 * kLabelGap);

    // Rotated key labels reach left of the first column; keep them inside the widget.
    double queryPadding = queryWidth + kTickLength + 2 * kLabelGap;
    if (m_keyLabelAngle != 0 && !m_keyLabels.isEmpty()) {
        const double firstReach = boldMetrics.horizontalAdvance(m_keyLabels.front()) * kInvSqrt2 -
                                  cellWidth / 2 - titleHeight;
        queryPadding = std::max(queryPadding, firstReach);
    }
    m_plot->yAxis->setLabelPadding(static_cast<int>(std::ceil(queryPadding)));

    // Room above the first row for the half of its label that sticks out when rows are thin.
    const int topMargin = std::max(12, static_cast<int>(std::ceil(lineHeight / 2)) + 3);
    m_plot->axisRect()->setMinimumMargins(QMargins(4, topMargin, 10, 4));
    const double top = (m_title.isEmpty() ? 0 : titleHeight) + topMargin;
    const double height = std::max(20.0, m_plot->height() - top - keyExtent - kTickLength -
                                             2 * kLabelGap - titleHeight);
    const double cellHeight = m_rows > 0 ? height / m_rows : height;
    m_queryLabelStride = niceStride(static_cast<int>(std::ceil((lineHeight + 1) / cellHeight)));
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

void HeatmapView::setColorMap(ColorMap map) {
    m_colorMap = map;
    m_map->setGradient(makeColorGradient(map));
    queueReplot();
}

void HeatmapView::setShowValues(bool show) {
    m_showValues = show;
    queueReplot();
}

void HeatmapView::setValueRange(double low, double high) {
    if (!(high > low) || !std::isfinite(low) || !std::isfinite(high))
        return;
    m_autoRange = false;
    m_low = low;
    m_high = high;
    applyRange();
    queueReplot();
}

void HeatmapView::setAutoRange() {
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
    m_selectedQuery = query >= 0 && query < m_rows ? query : -1;
    m_selectedKey = m_selectedQuery >= 0 && key >= 0 && key < m_cols ? key : -1;
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
    if (query >= 0)
        selectCell(query, key);
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
