#pragma once
// Line widths of QCustomPlot charts for presentation mode: one call thickens (or restores) every
// line of a chart (axes, ticks, grids, graphs, bars, frames) by a factor, so a class at the back
// of the room sees them on a projector.

class QCustomPlot;

namespace attnlab::ui {

/// Sets every pen of `plot` to its original width × `scale` (1 restores it). The original width
/// is remembered on each element at the first call, so repeated calls never compound; a
/// one-pixel cosmetic pen (width 0) counts as width 1. Queues a replot.
void setPlotLineScale(QCustomPlot* plot, double scale);

/// The width a pen of original width `width` gets at `scale`: 0 (cosmetic) stays 0 at scales ≤ 1.
double scaledPenWidth(double width, double scale);

/// `scale` limited to the factors views accept, 0.5 … 4.
double boundedLineScale(double scale);

} // namespace attnlab::ui
