#include "model_grid.h"

#include "heatmap_view.h"
#include "label_metrics.h"

#include <QFontMetricsF>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

namespace attnlab::ui {

namespace {

constexpr double kThumbnailGap = 4; // between thumbnails
constexpr int kGridMargin = 6;      // around the grid in the window
constexpr int kLutSize = 1024;      // colours of the scale: finer than the eye tells apart
constexpr double kHintSide = 72;    // thumbnail side of the window's preferred size

// The colours of `map` at kLutSize steps from 0 to 1: a table lookup per cell instead of an
// interpolation between the map's stops.
std::vector<QRgb> colorTable(ColorMap map) {
    std::vector<QRgb> table(kLutSize);
    for (int i = 0; i < kLutSize; ++i)
        table[static_cast<std::size_t>(i)] =
            colorAt(map, static_cast<double>(i) / (kLutSize - 1)).rgb();
    return table;
}

QImage thumbnailFromTable(const core::ModelOutput& result, int layer, int head,
                          const std::vector<QRgb>& table, QRgb masked, double high) {
    const core::Matrix* weights = weightsOf(result, layer, head);
    if (!weights)
        return {};
    const core::Matrix& w = *weights;
    const int nq = static_cast<int>(w.rows());
    const int nk = static_cast<int>(w.cols());
    const int rows = std::min(nq, kMaxThumbnailCells);
    const int cols = std::min(nk, kMaxThumbnailCells);
    double top = high;
    if (!(top > 0)) {
        top = static_cast<double>(w.maxCoeff());
        if (!(top > 0))
            top = 1.0;
    }
    const core::BoolMatrix& allowed = result.maps.allowed;
    const bool hasMask = allowed.rows() == nq && allowed.cols() == nk;
    QImage image(cols, rows, QImage::Format_RGB32);
    for (int r = 0; r < rows; ++r) {
        auto* line = reinterpret_cast<QRgb*>(image.scanLine(r));
        const int q0 = r * nq / rows;
        const int q1 = (r + 1) * nq / rows;
        for (int c = 0; c < cols; ++c) {
            const int k0 = c * nk / cols;
            const int k1 = (c + 1) * nk / cols;
            bool visible = false;
            double largest = 0;
            for (int q = q0; q < q1; ++q)
                for (int k = k0; k < k1; ++k) {
                    if (hasMask && !allowed(q, k))
                        continue;
                    visible = true;
                    const double value = static_cast<double>(w(q, k));
                    if (value > largest) // NaN never wins
                        largest = value;
                }
            if (!visible) {
                line[c] = masked;
                continue;
            }
            const double t = std::clamp(largest / top, 0.0, 1.0);
            line[c] = table[static_cast<std::size_t>(std::lround(t * (kLutSize - 1)))];
        }
    }
    return image;
}

double lineHeight(const QFont& font, int layers, int heads) {
    const QStringList labels{QStringLiteral("L%1").arg(layers), QStringLiteral("H%1").arg(heads)};
    return std::max(QFontMetricsF(font).height(), labelLineMetrics(font, labels).height());
}

QString layerLabel(int layer) {
    return QStringLiteral("L%1").arg(layer + 1); // notr: the short label of the grid's rows
}

QString headLabel(int head) {
    return QStringLiteral("H%1").arg(head + 1); // notr: the short label of the grid's columns
}

} // namespace

double modelGridScaleTop(const core::ModelOutput& result, ColorScale scale) {
    if (scale != ColorScale::Fitted)
        return 1.0;
    std::vector<int> heads(static_cast<std::size_t>(result.maps.heads));
    for (int h = 0; h < result.maps.heads; ++h)
        heads[static_cast<std::size_t>(h)] = h;
    double largest = 0;
    for (int layer = 0; layer < result.maps.layers; ++layer)
        largest = std::max(largest, static_cast<double>(result.maps.largestWeight(layer, heads)));
    return largest > 0 ? largest : 1.0;
}

QImage thumbnailImage(const core::ModelOutput& result, int layer, int head, ColorMap map,
                      double high) {
    return thumbnailFromTable(result, layer, head, colorTable(map), maskedCellColor(map).rgb(),
                              high);
}

QRectF ModelGridGeometry::thumbnailRect(int layer, int head) const {
    if (layer < 0 || layer >= layers || head < 0 || head >= heads)
        return {};
    return {origin.x() + head * (thumbnail.width() + gap),
            origin.y() + layer * (thumbnail.height() + gap), thumbnail.width(), thumbnail.height()};
}

QRectF ModelGridGeometry::bounds() const {
    const double width = heads * thumbnail.width() + std::max(0, heads - 1) * gap;
    const double height = layers * thumbnail.height() + std::max(0, layers - 1) * gap;
    return {origin.x() - labelWidth, origin.y() - headerHeight, labelWidth + width,
            headerHeight + height};
}

QSizeF modelGridSize(double side, int layers, int heads, int queries, int keys, const QFont& font) {
    const QFontMetricsF metrics(font);
    const double aspect = keys > 0 && queries > 0 ? static_cast<double>(queries) / keys : 1.0;
    const double height = std::max(1.0, std::round(side * aspect));
    const double labelWidth = metrics.horizontalAdvance(layerLabel(layers - 1)) + 8;
    const double header = lineHeight(font, layers, heads) + 4;
    return {labelWidth + heads * side + std::max(0, heads - 1) * kThumbnailGap,
            header + layers * height + std::max(0, layers - 1) * kThumbnailGap};
}

ModelGridGeometry layoutModelGrid(const QRectF& area, int layers, int heads, int queries, int keys,
                                  const QFont& font, double minimumSide) {
    ModelGridGeometry g;
    if (layers <= 0 || heads <= 0)
        return g;
    g.layers = layers;
    g.heads = heads;
    g.gap = kThumbnailGap;
    const QFontMetricsF metrics(font);
    g.labelWidth = metrics.horizontalAdvance(layerLabel(layers - 1)) + 8;
    g.headerHeight = lineHeight(font, layers, heads) + 4;
    const double aspect = keys > 0 && queries > 0 ? static_cast<double>(queries) / keys : 1.0;
    const double byWidth = (area.width() - g.labelWidth - (heads - 1) * kThumbnailGap) / heads;
    const double byHeight =
        (area.height() - g.headerHeight - (layers - 1) * kThumbnailGap) / layers / aspect;
    // Whole pixels: thumbnails of one size, their cells as even as the scaling allows.
    const double side = std::max(minimumSide, std::floor(std::min(byWidth, byHeight)));
    g.thumbnail = QSizeF(side, std::max(1.0, std::round(side * aspect)));
    const double width = g.labelWidth + heads * side + (heads - 1) * kThumbnailGap;
    const double left = area.left() + std::max(0.0, std::floor((area.width() - width) / 2));
    g.origin = QPointF(left + g.labelWidth, area.top() + g.headerHeight);
    // Narrow columns label every second (third, …) head, so that the labels never overlap.
    const double labelAdvance = metrics.horizontalAdvance(headLabel(heads - 1)) + 6;
    g.headLabelStep =
        std::max(1, static_cast<int>(std::ceil(labelAdvance / (side + kThumbnailGap))));
    return g;
}

void drawModelGrid(QPainter& painter, const ModelGridGeometry& geometry,
                   const QVector<QImage>& images, const QFont& font, const QColor& textColor) {
    if (geometry.isEmpty())
        return;
    painter.save();
    painter.setFont(font);
    painter.setPen(textColor);
    painter.setRenderHint(QPainter::SmoothPixmapTransform, false);
    for (int head = 0; head < geometry.heads; head += geometry.headLabelStep) {
        const QRectF cell = geometry.thumbnailRect(0, head);
        const double width = std::max(cell.width(), geometry.labelWidth);
        painter.drawText(QRectF(cell.center().x() - width / 2, cell.top() - geometry.headerHeight,
                                width, geometry.headerHeight - 2),
                         Qt::AlignHCenter | Qt::AlignBottom, headLabel(head));
    }
    for (int layer = 0; layer < geometry.layers; ++layer) {
        const QRectF cell = geometry.thumbnailRect(layer, 0);
        painter.drawText(QRectF(cell.left() - geometry.labelWidth, cell.top(),
                                geometry.labelWidth - 6, cell.height()),
                         Qt::AlignRight | Qt::AlignVCenter, layerLabel(layer));
        for (int head = 0; head < geometry.heads; ++head) {
            const qsizetype index = static_cast<qsizetype>(layer) * geometry.heads + head;
            if (index < images.size() && !images[index].isNull())
                painter.drawImage(geometry.thumbnailRect(layer, head), images[index]);
        }
    }
    painter.restore();
}

namespace {

QVector<QImage> thumbnailImages(const core::ModelOutput& result, ColorMap map, ColorScale scale) {
    const std::vector<QRgb> table = colorTable(map);
    const QRgb masked = maskedCellColor(map).rgb();
    const double top = scale == ColorScale::PerHead ? 0.0 : modelGridScaleTop(result, scale);
    QVector<QImage> images;
    images.reserve(static_cast<qsizetype>(result.maps.layers) * result.maps.heads);
    for (int layer = 0; layer < result.maps.layers; ++layer)
        for (int head = 0; head < result.maps.heads; ++head)
            images.append(thumbnailFromTable(result, layer, head, table, masked, top));
    return images;
}

} // namespace

QSizeF naturalModelFigureGrid(const core::ModelOutput& result, const QFont& font) {
    const int layers = result.maps.layers;
    const int heads = result.maps.heads;
    const int cells = std::max(result.maps.queries(), result.maps.keys());
    double side = std::clamp(4.0 * cells, 48.0, 120.0);
    const double fitting = std::floor(kMaxFigureGridSide / std::max(layers, heads) - kThumbnailGap);
    side = std::max(16.0, std::min(side, fitting));
    return modelGridSize(side, layers, heads, result.maps.queries(), result.maps.keys(), font);
}

void drawModelFigureGrid(QPainter& painter, const QRectF& area, const core::ModelOutput& result,
                         ColorMap map, ColorScale scale, const QFont& font,
                         const QColor& textColor) {
    const ModelGridGeometry geometry =
        layoutModelGrid(area, result.maps.layers, result.maps.heads, result.maps.queries(),
                        result.maps.keys(), font);
    drawModelGrid(painter, geometry, thumbnailImages(result, map, scale), font, textColor);
}

// ---------------------------------------------------------------------------------------------
// The window's grid

ModelGridView::ModelGridView(QWidget* parent) : QWidget(parent) {
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setFont(HeatmapView::tokenFont(font()));
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
}

void ModelGridView::setResult(std::shared_ptr<const core::ModelOutput> result) {
    const bool reshaped = !m_result || !result || m_result->maps.layers != result->maps.layers ||
                          m_result->maps.heads != result->maps.heads ||
                          m_result->maps.queries() != result->maps.queries() ||
                          m_result->maps.keys() != result->maps.keys();
    m_result = std::move(result);
    m_imagesValid = false;
    if (reshaped)
        updateGeometry();
    update();
}

void ModelGridView::setColorMap(ColorMap map) {
    if (map == m_colorMap)
        return;
    m_colorMap = map;
    m_imagesValid = false;
    update();
}

void ModelGridView::setColorScale(ColorScale scale) {
    if (scale == m_colorScale)
        return;
    m_colorScale = scale;
    m_imagesValid = false;
    update();
}

void ModelGridView::setCurrent(int layer, int head) {
    if (layer == m_currentLayer && head == m_currentHead)
        return;
    m_currentLayer = layer;
    m_currentHead = head;
    update();
}

int ModelGridView::layers() const {
    return m_result ? m_result->maps.layers : 0;
}

int ModelGridView::heads() const {
    return m_result ? m_result->maps.heads : 0;
}

int ModelGridView::thumbnailCount() const {
    return layers() * heads();
}

QImage ModelGridView::thumbnail(int layer, int head) const {
    if (layer < 0 || layer >= layers() || head < 0 || head >= heads())
        return {};
    ensureImages();
    return m_images.value(static_cast<qsizetype>(layer) * heads() + head);
}

QRect ModelGridView::thumbnailRect(int layer, int head) const {
    return geometry().thumbnailRect(layer, head).toRect();
}

QPoint ModelGridView::thumbnailAt(const QPoint& pos) const {
    const ModelGridGeometry g = geometry();
    if (g.isEmpty())
        return {-1, -1};
    const double stepX = g.thumbnail.width() + g.gap;
    const double stepY = g.thumbnail.height() + g.gap;
    const int head = static_cast<int>(std::floor((pos.x() - g.origin.x()) / stepX));
    const int layer = static_cast<int>(std::floor((pos.y() - g.origin.y()) / stepY));
    if (!g.thumbnailRect(layer, head).contains(pos))
        return {-1, -1};
    return {head, layer};
}

double ModelGridView::scaleTop() const {
    return m_result && m_colorScale != ColorScale::PerHead
               ? modelGridScaleTop(*m_result, m_colorScale)
               : 1.0;
}

ModelGridGeometry ModelGridView::geometry() const {
    if (!m_result)
        return {};
    return layoutModelGrid(
        QRectF(rect()).adjusted(kGridMargin, kGridMargin, -kGridMargin, -kGridMargin),
        m_result->maps.layers, m_result->maps.heads, m_result->maps.queries(),
        m_result->maps.keys(), font(), kMinimumSide);
}

void ModelGridView::ensureImages() const {
    if (m_imagesValid)
        return;
    m_images = m_result ? thumbnailImages(*m_result, m_colorMap, m_colorScale) : QVector<QImage>();
    m_imagesValid = true;
}

QSize ModelGridView::sizeHint() const {
    if (!m_result)
        return {240, 160};
    const QSizeF size = modelGridSize(kHintSide, layers(), heads(), m_result->maps.queries(),
                                      m_result->maps.keys(), font());
    return (size + QSizeF(2 * kGridMargin, 2 * kGridMargin)).toSize();
}

QSize ModelGridView::minimumSizeHint() const {
    if (!m_result)
        return {120, 80};
    const QSizeF size = modelGridSize(kMinimumSide, layers(), heads(), m_result->maps.queries(),
                                      m_result->maps.keys(), font());
    return (size + QSizeF(2 * kGridMargin + 1, 2 * kGridMargin + 1)).toSize();
}

void ModelGridView::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    if (!m_result) {
        painter.setPen(palette().color(QPalette::PlaceholderText));
        painter.drawText(rect(), Qt::AlignCenter, tr("No result yet."));
        return;
    }
    ensureImages();
    const ModelGridGeometry g = geometry();
    drawModelGrid(painter, g, m_images, font(), palette().color(QPalette::WindowText));
    // The map shown large, and the one under the mouse.
    painter.setBrush(Qt::NoBrush);
    const QRectF current = g.thumbnailRect(m_currentLayer, m_currentHead);
    if (!current.isEmpty()) {
        painter.setPen(QPen(palette().color(QPalette::Highlight), 2));
        painter.drawRect(current.adjusted(-2, -2, 2, 2));
    }
    const QRectF hovered = g.thumbnailRect(m_hovered.y(), m_hovered.x());
    if (!hovered.isEmpty()) {
        painter.setPen(QPen(palette().color(QPalette::WindowText), 1));
        painter.drawRect(hovered.adjusted(-1.5, -1.5, 1.5, 1.5));
    }
}

void ModelGridView::mouseMoveEvent(QMouseEvent* event) {
    const QPoint at = thumbnailAt(event->position().toPoint());
    if (at == m_hovered)
        return;
    m_hovered = at;
    setToolTip(at.x() < 0 ? QString()
                          : tr("Layer %1, head %2: click to see it large, with the weights of "
                               "each row.")
                                .arg(at.y() + 1)
                                .arg(at.x() + 1));
    setCursor(at.x() < 0 ? Qt::ArrowCursor : Qt::PointingHandCursor);
    update();
}

void ModelGridView::mousePressEvent(QMouseEvent* event) {
    if (event->button() == Qt::LeftButton)
        m_pressed = thumbnailAt(event->position().toPoint());
    QWidget::mousePressEvent(event);
}

void ModelGridView::mouseReleaseEvent(QMouseEvent* event) {
    if (event->button() != Qt::LeftButton)
        return;
    const QPoint at = thumbnailAt(event->position().toPoint());
    const bool same = at.x() >= 0 && at == m_pressed;
    m_pressed = {-1, -1};
    if (same) {
        setCurrent(at.y(), at.x());
        emit thumbnailClicked(at.y(), at.x());
    }
}

void ModelGridView::leaveEvent(QEvent*) {
    if (m_hovered.x() >= 0) {
        m_hovered = {-1, -1};
        update();
    }
}

void ModelGridView::keyPressEvent(QKeyEvent* event) {
    if (!m_result) {
        QWidget::keyPressEvent(event);
        return;
    }
    int layer = std::max(0, m_currentLayer);
    int head = std::max(0, m_currentHead);
    switch (event->key()) {
    case Qt::Key_Left:
        head = std::max(0, head - 1);
        break;
    case Qt::Key_Right:
        head = std::min(heads() - 1, head + 1);
        break;
    case Qt::Key_Up:
        layer = std::max(0, layer - 1);
        break;
    case Qt::Key_Down:
        layer = std::min(layers() - 1, layer + 1);
        break;
    case Qt::Key_Return:
    case Qt::Key_Enter:
    case Qt::Key_Space:
        setCurrent(layer, head);
        emit thumbnailClicked(layer, head);
        return;
    default:
        QWidget::keyPressEvent(event);
        return;
    }
    setCurrent(layer, head);
}

void ModelGridView::changeEvent(QEvent* event) {
    QWidget::changeEvent(event);
    if (event->type() == QEvent::FontChange)
        updateGeometry();
}

} // namespace attnlab::ui
