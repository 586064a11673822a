#pragma once
// What the tests of the complexity lab share (test_complexity, test_lesson_complexity): a
// measured series whose points follow chosen laws, its slopes fitted as the lab fits them.

#include "core/efficient/complexity.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace attnlab::testing {

/// The laws a synthetic series follows, each a function of n.
struct SeriesLaws {
    std::function<double(double)> seconds; ///< time of one computation
    std::function<double(double)> bytes;   ///< peak memory
    std::function<double(double)> cells;   ///< work cells; none recorded when empty
};

/// A measured series of `kind` (spelt as the kinds option spells it) at `sizes`, one repetition
/// per point, its time and memory slopes fitted from n = `fitFrom` on.
inline core::ComplexitySeries lawfulSeries(const std::string& kind, const std::vector<int>& sizes,
                                           const SeriesLaws& laws, int fitFrom) {
    core::ComplexitySeries series;
    series.kind = core::parseComplexityKinds(kind).front();
    std::vector<double> seconds, bytes;
    for (const int n : sizes) {
        core::ComplexityPoint point;
        point.n = n;
        point.measured = true;
        point.repetitions = 1;
        point.seconds = laws.seconds(n);
        point.peakBytes = static_cast<std::int64_t>(laws.bytes(n));
        if (laws.cells)
            point.workCells = static_cast<std::int64_t>(laws.cells(n));
        series.points.push_back(point);
        seconds.push_back(point.seconds);
        bytes.push_back(static_cast<double>(point.peakBytes));
    }
    series.timeSlope = core::fitLogLogSlope(sizes, seconds, fitFrom);
    series.memorySlope = core::fitLogLogSlope(sizes, bytes, fitFrom);
    return series;
}

} // namespace attnlab::testing
