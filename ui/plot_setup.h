#pragma once
// The set-up that the charts of the teaching pages share (the √d_k study and the complexity
// lab): a chart with a bold title above it, axes in the chart's font and the text colour, and
// logarithmic axes with their tick spacing.

#include <QColor>
#include <QFont>
#include <QString>

class QCPAxis;
class QCustomPlot;
class QWidget;

namespace attnlab::ui {

/// The colour of the charts' labels, ticks and titles: near-black, legible when projected.
inline const QColor kChartTextColor(0x26, 0x26, 0x26);

/// Sets `plot`'s font and its axes' label and tick-label fonts to `font`, their colour to
/// kChartTextColor.
void setChartFont(QCustomPlot* plot, const QFont& font);

/// A chart in `font` with `title` in bold above the axes, at least `minimumWidth` ×
/// `minimumHeight`; its axis labels and tick labels in `font` and kChartTextColor.
QCustomPlot* makeTitledPlot(QWidget* parent, const QString& title, const QFont& font,
                            int minimumWidth, int minimumHeight);

/// A logarithmic axis of base `base` with `subTicks` minor ticks between major ones.
void setLogAxis(QCPAxis* axis, double base, int subTicks);

} // namespace attnlab::ui
