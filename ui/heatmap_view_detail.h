#pragma once
// Internal to the heatmap (heatmap_view.cpp and heatmap_view_input.cpp): the constants, helpers
// and the layerable that draws what QCustomPlot cannot. Not for other files.

#include "heatmap_view.h"

#include "cell_numbers.h"
#include "label_metrics.h"
#include "plot_lines.h"
#include "view_options.h"

#include <qcustomplot.h>

#include <QFontInfo>
#include <QFontMetricsF>
#include <QHash>
#include <QTransform>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <numbers>
#include <vector>

namespace attnlab::ui::detail {

inline constexpr int kTickLength = 4; // px, outward tick marks next to the token labels
inline constexpr int kLabelGap = 3;   // px between tick and label, and label and axis title
// A plot narrower or lower than this many label lines drops its axis titles ("Query", "Key").
inline constexpr QSize kAxisTitleLines(24, 18);
inline constexpr int kAxisPadding = 5;    // QCustomPlot's outer padding of an axis
inline constexpr int kMaxLabelChars = 14; // longer tokens are elided in the axis labels
// Tokens this short always fit the label width (even full-width CJK characters are about two
// average widths), so they skip the costly elision.
inline constexpr int kNeverElidedChars = kMaxLabelChars / 2 - 1;
// A colour map of more cells than this (a long sentence) is max-pooled in blocks down to about
// kMaxMapSide cells per side: more than the pixels a heatmap gets on screen, so nothing visible
// is lost and every peak still shows, while the colour map, its image and each replot stay small.
inline constexpr int kMaxMapSide = 512;
inline constexpr qint64 kMaxMapCells = static_cast<qint64>(kMaxMapSide) * kMaxMapSide;

const QColor kLabelColor(0x26, 0x26, 0x26);
const QColor kUnknownLabelColor(0xa3, 0x52, 0x00);
const QColor kPaddingLabelColor(0x9a, 0x9a, 0x9a);
const QColor kMaskedRowColor(0xc6, 0x28, 0x28);
const QColor kSelectedKeyColor(0xff, 0x8c, 0x00);

inline double degrees(double d) {
    return d * std::numbers::pi / 180.0;
}
inline constexpr double kSqrt2 = std::numbers::sqrt2;
inline constexpr double kInvSqrt2 = 1.0 / std::numbers::sqrt2;

// True when every cell of `allowed` is visible. memchr finds a false byte far faster than
// Eigen's all(), which tests 16 million cells of a long sentence one by one.
inline bool allVisible(const core::BoolMatrix& allowed) {
    static_assert(sizeof(bool) == 1);
    return allowed.size() == 0 ||
           std::memchr(allowed.data(), 0, static_cast<std::size_t>(allowed.size())) == nullptr;
}

inline QString tokenText(const std::vector<core::MapToken>& tokens, int index) {
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

inline QCPItemRect* makeRect(QCustomPlot* plot, const QString& layer, const QPen& pen) {
    auto* item = new QCPItemRect(plot);
    item->setLayer(layer);
    item->setPen(pen);
    item->setBrush(Qt::NoBrush);
    item->setSelectable(false);
    item->setVisible(false);
    return item;
}

inline void placeRect(QCPItemRect* item, double left, double top, double right, double bottom) {
    item->topLeft->setCoords(left, top);
    item->bottomRight->setCoords(right, bottom);
}

// Smallest of 1, 2, 5, 10, 20, 50, … that is ≥ `stride`, so that thinned labels are w0, w5, w10.
inline int niceStride(int stride) {
    if (stride <= 1)
        return 1;
    for (int scale = 1;; scale *= 10)
        for (int step : {1, 2, 5})
            if (step * scale >= stride)
                return step * scale;
}

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
    QVector<QPolygonF> labelOutlines; ///< of the labels drawn, plot pixels
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
        labelOutlines.clear();
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
            const double textWidth =
                QFontMetricsF(painter->font()).horizontalAdvance(v.m_queryLabels.value(row));
            labelOutlines.append(
                QPolygonF(QRectF(right - textWidth, y - lineHeight / 2, textWidth, lineHeight)));
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
                labelOutlines.append(QPolygonF(QRectF(x - width / 2, anchorY, width, lineHeight)));
            } else {
                painter->save();
                painter->translate(x, anchorY + lineHeight / 2 * cosine);
                painter->rotate(-angle);
                painter->drawText(QRectF(-width - 1, -lineHeight / 2, width + 2, lineHeight),
                                  Qt::AlignRight | Qt::AlignVCenter | kNoClip, text);
                QTransform turn;
                turn.translate(x, anchorY + lineHeight / 2 * cosine);
                turn.rotate(-angle);
                labelOutlines.append(
                    turn.map(QPolygonF(QRectF(-width, -lineHeight / 2, width, lineHeight))));
                painter->restore();
            }
            drawnColumns.append(col);
        }
    }

    HeatmapView* m_view;
    Part m_part;
};

} // namespace attnlab::ui::detail
