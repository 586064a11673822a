#include "plot_lines.h"

#include <qcustomplot.h>

#include <QVariant>

#include <algorithm>

namespace attnlab::ui {
namespace {

const char* const kBaseWidthProperty = "attnlabBaseLineWidth";

// The width `object` had before any scaling, remembered in a property under `key`.
double baseWidth(QObject* object, const char* key, double current) {
    const QVariant stored = object->property(key);
    if (stored.isValid())
        return stored.value<double>();
    object->setProperty(key, current);
    return current;
}

template <typename Getter, typename Setter>
void scalePen(QObject* object, const char* key, double scale, Getter get, Setter set) {
    QPen pen = get();
    if (pen.style() == Qt::NoPen)
        return;
    pen.setWidthF(scaledPenWidth(baseWidth(object, key, pen.widthF()), scale));
    set(pen);
}

} // namespace

double scaledPenWidth(double width, double scale) {
    if (width <= 0.0)
        return scale > 1.0 ? scale : 0.0;
    return width * scale;
}

double boundedLineScale(double scale) {
    return std::clamp(scale, 0.5, 4.0);
}

void setPlotLineScale(QCustomPlot* plot, double scale) {
    if (!plot)
        return;
    for (QCPAxis* axis : plot->findChildren<QCPAxis*>()) {
        scalePen(
            axis, "attnlabBase", scale, [axis] { return axis->basePen(); },
            [axis](const QPen& pen) { axis->setBasePen(pen); });
        scalePen(
            axis, "attnlabTick", scale, [axis] { return axis->tickPen(); },
            [axis](const QPen& pen) { axis->setTickPen(pen); });
        scalePen(
            axis, "attnlabSubTick", scale, [axis] { return axis->subTickPen(); },
            [axis](const QPen& pen) { axis->setSubTickPen(pen); });
    }
    for (QCPGrid* grid : plot->findChildren<QCPGrid*>()) {
        scalePen(
            grid, "attnlabGrid", scale, [grid] { return grid->pen(); },
            [grid](const QPen& pen) { grid->setPen(pen); });
        scalePen(
            grid, "attnlabZero", scale, [grid] { return grid->zeroLinePen(); },
            [grid](const QPen& pen) { grid->setZeroLinePen(pen); });
    }
    for (QCPAbstractPlottable* plottable : plot->findChildren<QCPAbstractPlottable*>())
        scalePen(
            plottable, kBaseWidthProperty, scale, [plottable] { return plottable->pen(); },
            [plottable](const QPen& pen) { plottable->setPen(pen); });
    for (int i = 0; i < plot->itemCount(); ++i) {
        QCPAbstractItem* item = plot->item(i);
        if (auto* rect = qobject_cast<QCPItemRect*>(item))
            scalePen(
                rect, kBaseWidthProperty, scale, [rect] { return rect->pen(); },
                [rect](const QPen& pen) { rect->setPen(pen); });
        else if (auto* line = qobject_cast<QCPItemStraightLine*>(item))
            scalePen(
                line, kBaseWidthProperty, scale, [line] { return line->pen(); },
                [line](const QPen& pen) { line->setPen(pen); });
        else if (auto* segment = qobject_cast<QCPItemLine*>(item))
            scalePen(
                segment, kBaseWidthProperty, scale, [segment] { return segment->pen(); },
                [segment](const QPen& pen) { segment->setPen(pen); });
    }
    plot->replot(QCustomPlot::rpQueuedReplot);
}

} // namespace attnlab::ui
