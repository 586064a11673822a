#pragma once
// The height of a line of token labels as it is really drawn. A label font names a list of
// families (the interface font, then CJK fallbacks); QFontMetricsF reports the first family's
// ascent and descent only, while Chinese text is drawn by a fallback whose line is taller. A
// label band sized by the first family cuts the bottom of 深度 and 学习, so bands and label boxes
// are sized by the fonts that actually draw the labels.

#include <QFont>
#include <QString>
#include <QStringList>

namespace attnlab::ui {

/// Ascent and descent (logical pixels) of a line holding `texts` in `font`: the largest over the
/// font's first family and every fallback font that draws a character of them.
struct LineMetrics {
    double ascent = 0;
    double descent = 0;
    double height() const { return ascent + descent; }
};
LineMetrics labelLineMetrics(const QFont& font, const QStringList& texts);

} // namespace attnlab::ui
