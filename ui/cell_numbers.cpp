#include "cell_numbers.h"

#include <QFontMetricsF>

#include <algorithm>
#include <cmath>

namespace attnlab::ui {
namespace {

constexpr double kHorizontalAir = 4; // px left free across a cell, so numbers never touch
constexpr double kVerticalAir = 2;

// The widest text of a value up to `magnitude`: digits have one advance in the interface fonts,
// so "−8.88" stands for every value of that shape.
QString widestText(bool negative, double magnitude, int decimals) {
    const int integerDigits =
        magnitude < 10 ? 1 : static_cast<int>(std::floor(std::log10(magnitude))) + 1;
    QString text = negative ? QStringLiteral("−") : QString();
    text += QString(integerDigits, QLatin1Char('8'));
    if (decimals > 0)
        text += QLatin1Char('.') + QString(decimals, QLatin1Char('8'));
    return text;
}

} // namespace

CellNumberStyle fitCellNumbers(const QFont& base, const QSizeF& cell, bool negative,
                               double magnitude) {
    CellNumberStyle style;
    for (int decimals : {2, 1}) {
        const QString widest = widestText(negative, std::abs(magnitude), decimals);
        QFont font = base;
        double size = base.pointSizeF() > 0 ? base.pointSizeF() : 9.0;
        while (size >= kMinCellNumberPt) {
            font.setPointSizeF(size);
            const QFontMetricsF metrics(font);
            if (metrics.horizontalAdvance(widest) + kHorizontalAir <= cell.width() &&
                metrics.height() + kVerticalAir <= cell.height()) {
                style.shown = true;
                style.font = font;
                style.decimals = decimals;
                return style;
            }
            size -= 0.5;
        }
    }
    return style;
}

QString cellNumberText(double value, int decimals) {
    QString text = QString::number(value, 'f', decimals);
    if (text.startsWith(QLatin1Char('-'))) {
        // A negative value that rounds to zero shows as zero.
        const bool zero = std::all_of(text.begin() + 1, text.end(), [](QChar c) {
            return c == QLatin1Char('0') || c == QLatin1Char('.');
        });
        text.remove(0, 1);
        if (!zero)
            text.prepend(QStringLiteral("−"));
    }
    return text;
}

} // namespace attnlab::ui
