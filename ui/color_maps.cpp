#include "color_maps.h"

#include <qcustomplot.h>

#include <QCoreApplication>

#include <algorithm>
#include <array>
#include <cmath>
#include <span>

namespace attnlab::ui {
namespace {

struct Stop {
    double t;
    double r, g, b; // 0 … 1
};

// Entries 0, 16, 32, …, 240, 255 of matplotlib's 256-entry tables (_cm_listed.py), placed at
// t = index / 255. Between them the tables are close to linear in RGB, so 17 stops reproduce
// the maps to about one unit per channel.
constexpr std::array<Stop, 17> kViridis{{
    {0.0 / 255, 0.267004, 0.004874, 0.329415},
    {16.0 / 255, 0.282327, 0.094955, 0.417331},
    {32.0 / 255, 0.278826, 0.175490, 0.483397},
    {48.0 / 255, 0.258965, 0.251537, 0.524736},
    {64.0 / 255, 0.229739, 0.322361, 0.545706},
    {80.0 / 255, 0.199430, 0.387607, 0.554642},
    {96.0 / 255, 0.172719, 0.448791, 0.557885},
    {112.0 / 255, 0.149039, 0.508051, 0.557250},
    {128.0 / 255, 0.127568, 0.566949, 0.550556},
    {144.0 / 255, 0.120638, 0.625828, 0.533488},
    {160.0 / 255, 0.157851, 0.683765, 0.501686},
    {176.0 / 255, 0.246070, 0.738910, 0.452024},
    {192.0 / 255, 0.369214, 0.788888, 0.382914},
    {208.0 / 255, 0.515992, 0.831158, 0.294279},
    {224.0 / 255, 0.678489, 0.863742, 0.189503},
    {240.0 / 255, 0.845561, 0.887322, 0.099702},
    {255.0 / 255, 0.993248, 0.906157, 0.143936},
}};

constexpr std::array<Stop, 17> kCividis{{
    {0.0 / 255, 0.000000, 0.135112, 0.304751},
    {16.0 / 255, 0.000000, 0.178802, 0.414764},
    {32.0 / 255, 0.103401, 0.220406, 0.435790},
    {48.0 / 255, 0.195057, 0.264372, 0.425924},
    {64.0 / 255, 0.263738, 0.307831, 0.422789},
    {80.0 / 255, 0.324250, 0.351289, 0.426250},
    {96.0 / 255, 0.380830, 0.395164, 0.435653},
    {112.0 / 255, 0.435168, 0.439763, 0.451134},
    {128.0 / 255, 0.488697, 0.485318, 0.471008},
    {144.0 / 255, 0.547840, 0.531895, 0.471704},
    {160.0 / 255, 0.609105, 0.579816, 0.463638},
    {176.0 / 255, 0.671991, 0.629316, 0.448018},
    {192.0 / 255, 0.736488, 0.680629, 0.424028},
    {208.0 / 255, 0.802667, 0.733978, 0.390153},
    {224.0 / 255, 0.870717, 0.789572, 0.343333},
    {240.0 / 255, 0.941147, 0.847530, 0.275815},
    {255.0 / 255, 0.995737, 0.909344, 0.217772},
}};

constexpr std::array<Stop, 17> kMagma{{
    {0.0 / 255, 0.001462, 0.000466, 0.013866},
    {16.0 / 255, 0.039608, 0.031090, 0.133515},
    {32.0 / 255, 0.113094, 0.065492, 0.276784},
    {48.0 / 255, 0.211718, 0.061992, 0.418647},
    {64.0 / 255, 0.316654, 0.071690, 0.485380},
    {80.0 / 255, 0.414709, 0.110431, 0.504662},
    {96.0 / 255, 0.512831, 0.148179, 0.507648},
    {112.0 / 255, 0.613617, 0.181811, 0.498536},
    {128.0 / 255, 0.716387, 0.214982, 0.475290},
    {144.0 / 255, 0.816914, 0.255895, 0.436461},
    {160.0 / 255, 0.904281, 0.319610, 0.388137},
    {176.0 / 255, 0.960949, 0.418323, 0.359630},
    {192.0 / 255, 0.986700, 0.535582, 0.382210},
    {208.0 / 255, 0.996096, 0.653659, 0.446213},
    {224.0 / 255, 0.996898, 0.769591, 0.534892},
    {240.0 / 255, 0.992440, 0.884330, 0.640099},
    {255.0 / 255, 0.987053, 0.991438, 0.749504},
}};

constexpr std::array<Stop, 2> kGrayscale{{
    {0.0, 0.0, 0.0, 0.0},
    {1.0, 1.0, 1.0, 1.0},
}};

// ColorBrewer RdBu (11 classes), reversed so that negative is blue.
constexpr std::array<Stop, 11> kDiverging{{
    {0.0, 0x05 / 255.0, 0x30 / 255.0, 0x61 / 255.0},
    {0.1, 0x21 / 255.0, 0x66 / 255.0, 0xac / 255.0},
    {0.2, 0x43 / 255.0, 0x93 / 255.0, 0xc3 / 255.0},
    {0.3, 0x92 / 255.0, 0xc5 / 255.0, 0xde / 255.0},
    {0.4, 0xd1 / 255.0, 0xe5 / 255.0, 0xf0 / 255.0},
    {0.5, 0xf7 / 255.0, 0xf7 / 255.0, 0xf7 / 255.0},
    {0.6, 0xfd / 255.0, 0xdb / 255.0, 0xc7 / 255.0},
    {0.7, 0xf4 / 255.0, 0xa5 / 255.0, 0x82 / 255.0},
    {0.8, 0xd6 / 255.0, 0x60 / 255.0, 0x4d / 255.0},
    {0.9, 0xb2 / 255.0, 0x18 / 255.0, 0x2b / 255.0},
    {1.0, 0x67 / 255.0, 0x00 / 255.0, 0x1f / 255.0},
}};

std::span<const Stop> stopsOf(ColorMap map) {
    switch (map) {
    case ColorMap::Viridis:
        return kViridis;
    case ColorMap::Cividis:
        return kCividis;
    case ColorMap::Magma:
        return kMagma;
    case ColorMap::Grayscale:
        return kGrayscale;
    }
    return kViridis;
}

// The stops are rounded to 8 bits first and interpolated afterwards, exactly as
// QCPColorGradient does with its QColor stops, so both agree on every pixel.
QColor stopColor(const Stop& stop) {
    return QColor(static_cast<int>(std::lround(stop.r * 255.0)),
                  static_cast<int>(std::lround(stop.g * 255.0)),
                  static_cast<int>(std::lround(stop.b * 255.0)));
}

QColor interpolate(std::span<const Stop> stops, double t) {
    if (!(t > 0.0)) // also catches NaN
        return stopColor(stops.front());
    if (t >= 1.0)
        return stopColor(stops.back());
    const auto upper =
        std::upper_bound(stops.begin(), stops.end(), t,
                         [](double value, const Stop& stop) { return value < stop.t; });
    const Stop& high = *upper;
    const Stop& low = *(upper - 1);
    const double f = (t - low.t) / (high.t - low.t);
    const QColor a = stopColor(low);
    const QColor b = stopColor(high);
    auto mix = [f](int x, int y) { return static_cast<int>(std::lround((1.0 - f) * x + f * y)); };
    return QColor(mix(a.red(), b.red()), mix(a.green(), b.green()), mix(a.blue(), b.blue()));
}

QCPColorGradient gradientFrom(std::span<const Stop> stops) {
    QMap<double, QColor> colorStops;
    for (const Stop& stop : stops)
        colorStops.insert(stop.t, stopColor(stop));
    QCPColorGradient gradient;
    gradient.setColorInterpolation(QCPColorGradient::ciRGB);
    gradient.setColorStops(colorStops);
    // QCPColorGradient truncates a value to one of its levels; 1024 levels keep that error well
    // below one colour unit, so a cell shows the colour of its value.
    gradient.setLevelCount(1024);
    gradient.setPeriodic(false);
    return gradient;
}

double linearChannel(int channel) {
    const double c = channel / 255.0;
    return c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
}

} // namespace

QList<ColorMap> allColorMaps() {
    return {ColorMap::Viridis, ColorMap::Cividis, ColorMap::Magma, ColorMap::Grayscale};
}

QString colorMapName(ColorMap map) {
    switch (map) {
    case ColorMap::Viridis:
        return QCoreApplication::translate("ColorMap", "Viridis");
    case ColorMap::Cividis:
        return QCoreApplication::translate("ColorMap", "Cividis (colour-blind safe)");
    case ColorMap::Magma:
        return QCoreApplication::translate("ColorMap", "Magma");
    case ColorMap::Grayscale:
        return QCoreApplication::translate("ColorMap", "Grayscale");
    }
    return {};
}

QString colorMapKey(ColorMap map) {
    switch (map) {
    case ColorMap::Viridis:
        return QStringLiteral("viridis");
    case ColorMap::Cividis:
        return QStringLiteral("cividis");
    case ColorMap::Magma:
        return QStringLiteral("magma");
    case ColorMap::Grayscale:
        return QStringLiteral("grayscale");
    }
    return {};
}

std::optional<ColorMap> colorMapFromKey(const QString& key) {
    for (ColorMap map : allColorMaps())
        if (key.compare(colorMapKey(map), Qt::CaseInsensitive) == 0)
            return map;
    return std::nullopt;
}

QColor colorAt(ColorMap map, double t) {
    return interpolate(stopsOf(map), t);
}

QColor divergingColorAt(double t) {
    return interpolate(kDiverging, t);
}

QCPColorGradient makeColorGradient(ColorMap map) {
    return gradientFrom(stopsOf(map));
}

QCPColorGradient makeDivergingGradient() {
    return gradientFrom(kDiverging);
}

QColor maskedCellColor(ColorMap map) {
    // Cividis and grayscale pass through neutral greys themselves; a muted rose lies outside
    // both. Viridis and magma contain no grey at all.
    switch (map) {
    case ColorMap::Cividis:
    case ColorMap::Grayscale:
        return QColor(0xe3, 0xc3, 0xcd);
    case ColorMap::Viridis:
    case ColorMap::Magma:
        break;
    }
    return QColor(0xb4, 0xb4, 0xb4);
}

QColor maskedHatchColor(ColorMap map) {
    switch (map) {
    case ColorMap::Cividis:
    case ColorMap::Grayscale:
        return QColor(0x9a, 0x6a, 0x7a);
    case ColorMap::Viridis:
    case ColorMap::Magma:
        break;
    }
    return QColor(0x6e, 0x6e, 0x6e);
}

QColor contrastingTextColor(const QColor& background) {
    const QColor rgb = background.toRgb();
    const double luminance = 0.2126 * linearChannel(rgb.red()) +
                             0.7152 * linearChannel(rgb.green()) +
                             0.0722 * linearChannel(rgb.blue());
    // Equal contrast against black and white is at L ≈ 0.179.
    return luminance > 0.179 ? QColor(Qt::black) : QColor(Qt::white);
}

} // namespace attnlab::ui
