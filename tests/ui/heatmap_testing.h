#pragma once
// What a heatmap view shows, read back for the window tests.

#include "ui/heatmap_view.h"

#include "core/base/types.h"

namespace attnlab::testing {

/// The weights a heatmap view shows, cell by cell (queries × keys).
inline core::Matrix viewMatrix(const ui::HeatmapView& view) {
    core::Matrix matrix(view.queryCount(), view.keyCount());
    for (int q = 0; q < view.queryCount(); ++q)
        for (int k = 0; k < view.keyCount(); ++k)
            matrix(q, k) = static_cast<float>(view.cellValue(q, k));
    return matrix;
}

} // namespace attnlab::testing
