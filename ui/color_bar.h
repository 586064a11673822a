#pragma once
// The colour bar that explains the heatmaps' colours: drawn by one function, used by the window
// (a widget beside the heatmaps) and by image exports (vector in SVG and PDF).

#include "color_maps.h"

#include <QColor>
#include <QFont>
#include <QRectF>
#include <QSizeF>
#include <QString>
#include <QWidget>

class QPainter;

namespace attnlab::ui {

/// Width and height a colour bar needs for `font` and the range [low, high].
QSizeF colorBarSize(const QFont& font, double low, double high);

/// Draws the caption ("weight"), a vertical gradient of `map` from `low` (bottom) to `high`
/// (top) and five labelled ticks inside `area`. The gradient is a QLinearGradient, so vector
/// devices keep it as a vector.
void drawColorBar(QPainter& painter, const QRectF& area, ColorMap map, double low, double high,
                  const QFont& font, const QColor& textColor);

/// The one colour bar shared by all heatmaps when they use the same scale: spares every view the
/// width of its own bar, and says at a glance that equal colours mean equal weights.
class ColorBarWidget : public QWidget {
    Q_OBJECT

public:
    explicit ColorBarWidget(QWidget* parent = nullptr);

    void setColorMap(ColorMap map);
    void setRange(double low, double high);
    ColorMap colorMap() const { return m_map; }
    double low() const { return m_low; }
    double high() const { return m_high; }

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    ColorMap m_map = ColorMap::Viridis;
    double m_low = 0.0;
    double m_high = 1.0;
};

} // namespace attnlab::ui
