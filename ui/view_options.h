#pragma once
// How heatmaps are shown, shared by the window, image exports and sessions: the layout, the
// colour scale, numbers in the cells, and the titles of the maps. Keys are the session file's
// names ("grid", "per-head", …), so settings, sessions and the command line agree.

#include "core/model/builtin_model.h"

#include <QString>
#include <QVector>

#include <optional>

namespace attnlab::ui {

/// Which heatmaps the central area shows.
enum class HeatmapLayout { AllHeads, OneHead, Combined };
/// Numbers inside the cells: automatic shows them up to kAutoValuesMaxTokens tokens.
enum class CellValues { Automatic, Shown, Hidden };
/// One bar from 0 to 1 (a higher temperature stays visible), one bar from 0 to the largest
/// weight shown (long sentences, whose weights are all small), or each map its own range.
enum class ColorScale { ZeroToOne, Fitted, PerHead };

inline constexpr int kAutoValuesMaxTokens = 12;

/// Head indices beyond 0 … H−1 (the core's combinations).
using core::kMaxOfHeads;
using core::kMeanOfHeads;
using core::kRollout;

QString layoutKey(HeatmapLayout layout); ///< grid | one | combined
QString cellValuesKey(CellValues mode);  ///< auto | on | off
QString colorScaleKey(ColorScale scale); ///< shared | fitted | per-head
std::optional<HeatmapLayout> layoutFromKey(const QString& key);
std::optional<CellValues> cellValuesFromKey(const QString& key);
std::optional<ColorScale> colorScaleFromKey(const QString& key);

/// Whether numbers are printed in the cells of `result` in `mode`.
bool cellValuesShown(CellValues mode, const core::ModelOutput* result);

/// "Head 3", "Mean of 8 heads", "Max of 8 heads" (translated).
QString headTitle(int head, int heads);

/// The weights of head `head` (or kMeanOfHeads / kMaxOfHeads / kRollout) of `layer`; null when
/// it does not exist.
const core::Matrix* weightsOf(const core::ModelOutput& result, int layer, int head);

/// The largest weight among `heads` of `layer` (masked cells hold 0 and never win); 1 when
/// there is none above 0. The upper end of the fitted colour scale.
double largestWeight(const core::ModelOutput& result, int layer, const QVector<int>& heads);

/// QString from UTF-8 bytes of the core.
QString qs(std::string_view text);
/// A Qt string as UTF-8, for the core.
std::string str(const QString& text);

} // namespace attnlab::ui
