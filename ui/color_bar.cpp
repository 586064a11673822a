#include "color_bar.h"

#include <QFontMetricsF>
#include <QLinearGradient>
#include <QPainter>

#include <algorithm>
#include <cmath>

namespace attnlab::ui {
namespace {

constexpr double kBarWidth = 14;
constexpr int kTicks = 4;
constexpr int kGradientStops = 32;

// Enough decimals to tell neighbouring ticks apart: 0.25 … 1.00, or 0.0031 … 0.0125.
QString tickLabel(double low, double high, int i) {
    const double step = (high - low) / kTicks;
    const int decimals =
        step > 0 ? std::clamp(static_cast<int>(std::ceil(-std::log10(step))) + 1, 2, 6) : 2;
    return QString::number(low + i * step, 'f', decimals);
}

QString caption() {
    return ColorBarWidget::tr("weight");
}

} // namespace

QSizeF colorBarSize(const QFont& font, double low, double high) {
    const QFontMetricsF metrics(font);
    double labelWidth = metrics.horizontalAdvance(caption()) - kBarWidth - 10;
    for (int i = 0; i <= kTicks; ++i)
        labelWidth = std::max(labelWidth, metrics.horizontalAdvance(tickLabel(low, high, i)));
    return {labelWidth + kBarWidth + 22, metrics.height() * 8};
}

void drawColorBar(QPainter& painter, const QRectF& area, ColorMap map, double low, double high,
                  const QFont& font, const QColor& textColor) {
    const QFontMetricsF metrics(font);
    const double lineHeight = metrics.height();
    const QRectF bar(area.left() + 6, area.top() + lineHeight * 1.6, kBarWidth,
                     area.height() - lineHeight * 3.2);
    if (bar.height() < 20)
        return;
    painter.save();
    painter.setFont(font);
    painter.setPen(textColor);
    painter.drawText(QRectF(area.left(), area.top(), area.width(), lineHeight * 1.3),
                     Qt::AlignLeft | Qt::AlignVCenter, caption());
    QLinearGradient gradient(bar.bottomLeft(), bar.topLeft()); // high values at the top
    for (int i = 0; i <= kGradientStops; ++i) {
        const double t = static_cast<double>(i) / kGradientStops;
        gradient.setColorAt(t, colorAt(map, t));
    }
    painter.fillRect(bar, gradient);
    painter.setPen(QPen(QColor(0x80, 0x80, 0x80), 1));
    painter.setBrush(Qt::NoBrush);
    painter.drawRect(bar);
    painter.setPen(textColor);
    for (int i = 0; i <= kTicks; ++i) {
        const double y = bar.bottom() - static_cast<double>(i) / kTicks * bar.height();
        painter.drawLine(QPointF(bar.right(), y), QPointF(bar.right() + 4, y));
        painter.drawText(
            QRectF(bar.right() + 6, y - lineHeight / 2, area.right() - bar.right(), lineHeight),
            Qt::AlignLeft | Qt::AlignVCenter, tickLabel(low, high, i));
    }
    painter.restore();
}

ColorBarWidget::ColorBarWidget(QWidget* parent) : QWidget(parent) {
    setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Expanding);
    setToolTip(tr("Colour scale shared by all heatmaps: the same colour is the same weight."));
}

void ColorBarWidget::setColorMap(ColorMap map) {
    m_map = map;
    update();
}

void ColorBarWidget::setRange(double low, double high) {
    m_low = low;
    m_high = high;
    updateGeometry(); // the labels may have become wider
    update();
}

QSize ColorBarWidget::sizeHint() const {
    return colorBarSize(font(), m_low, m_high).toSize();
}

QSize ColorBarWidget::minimumSizeHint() const {
    return {sizeHint().width(), 80};
}

void ColorBarWidget::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    drawColorBar(painter, QRectF(rect()), m_map, m_low, m_high, font(),
                 palette().color(QPalette::WindowText));
}

} // namespace attnlab::ui
