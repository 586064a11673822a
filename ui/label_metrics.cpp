#include "label_metrics.h"

#include <QFontMetricsF>
#include <QGlyphRun>
#include <QRawFont>
#include <QSet>
#include <QTextLayout>

#include <algorithm>

namespace attnlab::ui {

LineMetrics labelLineMetrics(const QFont& font, const QStringList& texts) {
    const QFontMetricsF metrics(font);
    LineMetrics line{metrics.ascent(), metrics.descent()};
    // The first family draws ASCII; every other character is laid out once, in one line, so that
    // a sentence of thousands of tokens costs one layout of its distinct characters.
    QSet<char32_t> seen;
    QString others;
    for (const QString& text : texts) {
        for (char32_t c : text.toUcs4()) {
            if (c < 0x80 || seen.contains(c))
                continue;
            seen.insert(c);
            others += QString::fromUcs4(&c, 1);
        }
    }
    if (others.isEmpty())
        return line;
    QTextLayout layout(others, font);
    layout.beginLayout();
    layout.createLine();
    layout.endLayout();
    for (const QGlyphRun& run : layout.glyphRuns()) {
        const QRawFont raw = run.rawFont();
        if (!raw.isValid())
            continue;
        line.ascent = std::max(line.ascent, raw.ascent());
        line.descent = std::max(line.descent, raw.descent());
    }
    return line;
}

} // namespace attnlab::ui
