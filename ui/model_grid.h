#pragma once
// The model view: every layer × head of a result as a grid of thumbnails, rows the layers
// ("L1", "L2", …) and columns the heads ("H1", "H2", …), counted from 1 as everywhere on
// screen, all on one colour scale. A thumbnail is a QImage of one pixel per cell (max-pooled
// beyond kMaxThumbnailCells a side, so that a sharp peak stays visible) drawn scaled without
// smoothing: the 144 maps of a GPT-2 small shape redraw in milliseconds, where a plot per head
// would take a large part of a second. The window (ModelGridView) and figures (--view model)
// share the layout and the drawing.

#include "color_maps.h"
#include "view_options.h"

#include "core/model/builtin_model.h"

#include <QColor>
#include <QFont>
#include <QImage>
#include <QRectF>
#include <QVector>
#include <QWidget>

#include <memory>

class QPainter;

namespace attnlab::ui {

/// Cells a thumbnail image has at most on a side; larger maps are pooled by the maximum.
inline constexpr int kMaxThumbnailCells = 128;

/// The upper end of the model view's colour scale: 1 for ZeroToOne, the largest weight of any
/// layer and head for Fitted (1 when none is above 0). PerHead maps have their own (see
/// thumbnailImage).
double modelGridScaleTop(const core::ModelOutput& result, ColorScale scale);

/// The image of head `head` of `layer`: one pixel per cell up to kMaxThumbnailCells a side (a
/// pooled pixel shows the largest weight of its block), coloured by `map` over [0, high];
/// masked cells in maskedCellColor(map). `high` ≤ 0 stretches the map over its own largest
/// weight (the per-head scale).
QImage thumbnailImage(const core::ModelOutput& result, int layer, int head, ColorMap map,
                      double high);

/// Where the labels and thumbnails of a layers × heads grid go inside an area.
struct ModelGridGeometry {
    int layers = 0;
    int heads = 0;
    QSizeF thumbnail;      ///< size of one thumbnail
    double gap = 0;        ///< between thumbnails
    QPointF origin;        ///< top-left corner of the first thumbnail
    double labelWidth = 0; ///< the band of layer labels left of the thumbnails
    double headerHeight = 0;
    int headLabelStep = 1; ///< every how many columns a head label is written (narrow columns)

    QRectF thumbnailRect(int layer, int head) const;
    /// The whole grid with its labels.
    QRectF bounds() const;
    bool isEmpty() const { return thumbnail.width() < 1 || thumbnail.height() < 1; }
};

/// The largest thumbnails of aspect `queries` : `keys` (height : width) that fit `area` with
/// their labels in `font`, centred horizontally; never below `minimumSide` pixels a side (the
/// grid then overflows the area).
ModelGridGeometry layoutModelGrid(const QRectF& area, int layers, int heads, int queries, int keys,
                                  const QFont& font, double minimumSide = 1);

/// The size a grid with thumbnails `side` pixels wide needs (labels included).
QSizeF modelGridSize(double side, int layers, int heads, int queries, int keys, const QFont& font);

/// Draws the labels ("L1" …, "H1" …) in `font` and `textColor` and the thumbnails `images`
/// (layer-major, layers × heads of them) without smoothing.
void drawModelGrid(QPainter& painter, const ModelGridGeometry& geometry,
                   const QVector<QImage>& images, const QFont& font, const QColor& textColor);

/// Figures (--view model): the grid at its natural size, thumbnails of 4 pixels a cell between
/// 48 and 120 pixels a side, smaller for a model so deep or wide that the grid would pass
/// kMaxFigureGridSide; labels included.
inline constexpr double kMaxFigureGridSide = 3600;
QSizeF naturalModelFigureGrid(const core::ModelOutput& result, const QFont& font);
/// Draws the grid of every layer × head of `result` into `area` of a figure.
void drawModelFigureGrid(QPainter& painter, const QRectF& area, const core::ModelOutput& result,
                         ColorMap map, ColorScale scale, const QFont& font,
                         const QColor& textColor);

/// Thumbnails of every layer and head of a result; a click (or Enter on the current one) asks
/// for that map large.
class ModelGridView : public QWidget {
    Q_OBJECT

public:
    /// Thumbnails are never drawn smaller than this on screen (the area then scrolls).
    static constexpr int kMinimumSide = 18;

    explicit ModelGridView(QWidget* parent = nullptr);

    void setResult(std::shared_ptr<const core::ModelOutput> result);
    void setColorMap(ColorMap map);
    void setColorScale(ColorScale scale);
    /// The map shown large elsewhere, framed in the grid (−1 for none).
    void setCurrent(int layer, int head);

    int layers() const;
    int heads() const;
    /// layers × heads, 0 without a result.
    int thumbnailCount() const;
    /// The image drawn for (layer, head); null when it does not exist.
    QImage thumbnail(int layer, int head) const;
    /// Where (layer, head) is drawn, in widget coordinates; empty when it does not exist.
    QRect thumbnailRect(int layer, int head) const;
    /// The (layer, head) drawn at `pos`; {−1, −1} when none.
    QPoint thumbnailAt(const QPoint& pos) const; ///< x = head, y = layer
    /// The upper end of the shared colour scale (1 for the per-head scale).
    double scaleTop() const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

signals:
    void thumbnailClicked(int layer, int head);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void leaveEvent(QEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    ModelGridGeometry geometry() const;
    void ensureImages() const;

    std::shared_ptr<const core::ModelOutput> m_result;
    ColorMap m_colorMap = ColorMap::Viridis;
    ColorScale m_colorScale = ColorScale::ZeroToOne;
    int m_currentLayer = -1;
    int m_currentHead = -1;
    QPoint m_hovered{-1, -1};
    QPoint m_pressed{-1, -1};
    mutable QVector<QImage> m_images; ///< layer-major; rebuilt when m_imagesValid is false
    mutable bool m_imagesValid = false;
};

} // namespace attnlab::ui
