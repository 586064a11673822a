#pragma once
// Colour maps of the heatmaps: matplotlib's perceptually uniform viridis, cividis and magma
// (QCustomPlot 2.1 ships none of them), grayscale, and a blue–white–red diverging map for signed
// quantities. Only .cpp files include qcustomplot.h, so the gradient type is forward-declared.

#include <QColor>
#include <QList>
#include <QString>

#include <optional>

class QCPColorGradient;

namespace attnlab::ui {

enum class ColorMap { Viridis, Cividis, Magma, Grayscale };

/// Every colour map in menu order; the first is the default.
QList<ColorMap> allColorMaps();

/// Translated name for menus ("Viridis", "灰度", …).
QString colorMapName(ColorMap map);

/// Stable, untranslated key for settings and the command line ("viridis", "cividis", …).
QString colorMapKey(ColorMap map);

/// Inverse of colorMapKey (case-insensitive); empty for an unknown key.
std::optional<ColorMap> colorMapFromKey(const QString& key);

/// Colour of `map` at t ∈ [0, 1] (clamped; NaN gives the low end), linear in RGB between the
/// published stops, so it matches what makeColorGradient draws to within one unit per channel.
QColor colorAt(ColorMap map, double t);

/// Blue (t = 0) – white (t = 0.5) – red (t = 1), after ColorBrewer's RdBu, for signed values
/// such as logits centred on 0.
QColor divergingColorAt(double t);

/// A QCPColorGradient with the stops of `map` (RGB interpolation, fine level count).
QCPColorGradient makeColorGradient(ColorMap map);

/// The diverging map of divergingColorAt as a QCPColorGradient.
QCPColorGradient makeDivergingGradient();

/// Fill and hatch colours of masked cells: neutral and unlike any colour of `map`, so that a
/// masked cell never reads as a weight of zero.
QColor maskedCellColor(ColorMap map);
QColor maskedHatchColor(ColorMap map);

/// Black or white, whichever reads better on `background` (WCAG relative luminance).
QColor contrastingTextColor(const QColor& background);

} // namespace attnlab::ui
