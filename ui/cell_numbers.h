#pragma once
// Numbers printed inside heatmap cells: the font and the number of decimals that fit the cells,
// or none at all (the views then give the value on hover). Every heatmap that prints numbers
// asks here, so a number never spills over into its neighbour at any size.

#include <QFont>
#include <QSizeF>
#include <QString>

namespace attnlab::ui {

/// How the numbers of cells are printed.
struct CellNumberStyle {
    bool shown = false; ///< false: the cells are too small for any number
    QFont font;         ///< the font that fits (the base font or a smaller one)
    int decimals = 2;   ///< 2, or 1 when only that fits
};

/// The smallest point size a cell number is printed at; smaller cells print none.
inline constexpr double kMinCellNumberPt = 6.5;

/// The style for cells of `cell` logical pixels holding values in [−magnitude, magnitude]
/// (`negative` when some are below 0), starting from `base`: two decimals at the largest size
/// from base down to kMinCellNumberPt whose widest text fits with a little air, else one decimal
/// likewise, else nothing. `magnitude` below 10 gives texts like "0.41" and "−0.03".
CellNumberStyle fitCellNumbers(const QFont& base, const QSizeF& cell, bool negative,
                               double magnitude = 1.0);

/// `value` with `decimals` decimals as a cell shows it: "0.41", "−0.03" (a true minus sign),
/// and "0.00" rather than "−0.00" for a negative value that rounds to zero.
QString cellNumberText(double value, int decimals);

} // namespace attnlab::ui
