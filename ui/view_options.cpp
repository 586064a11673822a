#include "view_options.h"

#include <QCoreApplication>

#include <algorithm>

namespace attnlab::ui {

namespace {

template <typename Enum, typename Key>
std::optional<Enum> fromKey(const QString& key, std::initializer_list<Enum> values, Key toKey) {
    for (Enum value : values)
        if (key.compare(toKey(value), Qt::CaseInsensitive) == 0)
            return value;
    return std::nullopt;
}

} // namespace

QString layoutKey(HeatmapLayout layout) {
    switch (layout) {
    case HeatmapLayout::AllHeads:
        return QStringLiteral("grid");
    case HeatmapLayout::OneHead:
        return QStringLiteral("one");
    case HeatmapLayout::Combined:
        return QStringLiteral("combined");
    }
    return {};
}

QString cellValuesKey(CellValues mode) {
    switch (mode) {
    case CellValues::Automatic:
        return QStringLiteral("auto");
    case CellValues::Shown:
        return QStringLiteral("on");
    case CellValues::Hidden:
        return QStringLiteral("off");
    }
    return {};
}

QString colorScaleKey(ColorScale scale) {
    switch (scale) {
    case ColorScale::ZeroToOne:
        return QStringLiteral("shared");
    case ColorScale::Fitted:
        return QStringLiteral("fitted");
    case ColorScale::PerHead:
        return QStringLiteral("per-head");
    }
    return {};
}

std::optional<HeatmapLayout> layoutFromKey(const QString& key) {
    return fromKey(key, {HeatmapLayout::AllHeads, HeatmapLayout::OneHead, HeatmapLayout::Combined},
                   layoutKey);
}

std::optional<CellValues> cellValuesFromKey(const QString& key) {
    return fromKey(key, {CellValues::Automatic, CellValues::Shown, CellValues::Hidden},
                   cellValuesKey);
}

std::optional<ColorScale> colorScaleFromKey(const QString& key) {
    return fromKey(key, {ColorScale::ZeroToOne, ColorScale::Fitted, ColorScale::PerHead},
                   colorScaleKey);
}

bool cellValuesShown(CellValues mode, const core::ModelOutput* result) {
    switch (mode) {
    case CellValues::Shown:
        return true;
    case CellValues::Hidden:
        return false;
    case CellValues::Automatic:
        break;
    }
    return result && result->maps.queries() <= kAutoValuesMaxTokens &&
           result->maps.keys() <= kAutoValuesMaxTokens;
}

QString headTitle(int head, int heads) {
    if (head == kMeanOfHeads)
        return heads > 1 ? QCoreApplication::translate("HeadTitle", "Mean of %1 heads").arg(heads)
                         : QCoreApplication::translate("HeadTitle", "Mean of heads");
    if (head == kMaxOfHeads)
        return heads > 1 ? QCoreApplication::translate("HeadTitle", "Max of %1 heads").arg(heads)
                         : QCoreApplication::translate("HeadTitle", "Max of heads");
    if (head == core::kRollout)
        return QCoreApplication::translate("HeadTitle", "Rollout over the layers");
    return QCoreApplication::translate("HeadTitle", "Head %1").arg(head + 1);
}

const core::Matrix* weightsOf(const core::ModelOutput& result, int layer, int head) {
    const core::Matrix* weights = result.maps.map(layer, head);
    return weights && weights->size() > 0 ? weights : nullptr;
}

double largestWeight(const core::ModelOutput& result, int layer, const QVector<int>& heads) {
    const double largest =
        result.maps.largestWeight(layer, std::vector<int>(heads.begin(), heads.end()));
    return largest > 0 ? largest : 1.0;
}

QString qs(std::string_view text) {
    return QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size()));
}

std::string str(const QString& text) {
    return text.toStdString();
}

} // namespace attnlab::ui
