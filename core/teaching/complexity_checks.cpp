#include "core/teaching/complexity_checks.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <limits>
#include <optional>

namespace attnlab::core {
namespace {

// Three decimals like the checks of the maps, but errors of exact kinds (1e-6) keep three
// significant digits instead of reading 0.000; independent of the locale.
std::string complexityFigure(double value) {
    if (std::isinf(value))
        return value > 0 ? "∞" : "−∞";
    std::array<char, 64> buffer{};
    const bool small = value != 0.0 && std::abs(value) < 0.01;
    const auto [end, ec] = small ? std::to_chars(buffer.data(), buffer.data() + buffer.size(),
                                                 value, std::chars_format::general, 3)
                                 : std::to_chars(buffer.data(), buffer.data() + buffer.size(),
                                                 value, std::chars_format::fixed, 3);
    if (ec != std::errc())
        return numberText(value);
    std::string text(buffer.data(), end);
    return text == "-0.000" ? "0.000" : text;
}

Message quantityOf(CheckMeasure measure) {
    switch (measure) {
    case CheckMeasure::TimeSlope:
        return message("the log–log slope of time against n");
    case CheckMeasure::MemorySlope:
        return message("the log–log slope of peak memory against n");
    case CheckMeasure::CellsSlope:
        return message("the log–log slope of the score cells computed against n");
    case CheckMeasure::MeanRowKL:
        return message("the mean row KL(exact ‖ approx), nats");
    case CheckMeasure::MeanRowReverseKL:
        return message("the mean row KL(approx ‖ exact), nats");
    case CheckMeasure::DroppedWeight:
        return message("the share of the exact weight it drops");
    case CheckMeasure::MaxOutputDifference:
        return message("the largest output difference from exact attention");
    default:
        break;
    }
    return {};
}

// A slope and the lengths it was fitted over, or why there is none.
void measureSlope(CheckOutcome& outcome, const SlopeFit& fit, int slopeMinN) {
    if (fit.points < 2 || std::isnan(fit.slope)) {
        outcome.measured = {
            message("fewer than two measured lengths of n ≥ %1: no slope", slopeMinN)};
        return;
    }
    outcome.at = message("n = %1 to %2, %3 lengths", fit.minN, fit.maxN, fit.points);
    outcome.measured = {message("slope %1", complexityFigure(fit.slope))};
}

// The slope of the score cells: the same fit as time and memory, over the measured lengths.
SlopeFit cellsSlope(const ComplexitySeries& series, int slopeMinN) {
    std::vector<int> n;
    std::vector<double> cells;
    for (const ComplexityPoint& point : series.points)
        if (point.measured) {
            n.push_back(point.n);
            cells.push_back(static_cast<double>(point.workCells));
        }
    return fitLogLogSlope(n, cells, slopeMinN);
}

CheckOutcome evaluate(const LessonCheck& check, const ComplexityResult& result) {
    CheckOutcome outcome;
    outcome.scope = message("kind %1", check.of);
    outcome.quantity = quantityOf(check.measure);
    outcome.bounds = numericBounds(check, complexityFigure);
    const auto series =
        std::find_if(result.series.begin(), result.series.end(),
                     [&](const ComplexitySeries& s) { return s.kind.label == check.of; });
    if (series == result.series.end()) {
        outcome.measured = {message("the kind %1 was not measured", check.of)};
        return outcome;
    }
    const int slopeMinN = result.config.slopeMinN;
    std::optional<double> value;
    switch (check.measure) {
    case CheckMeasure::TimeSlope:
        measureSlope(outcome, series->timeSlope, slopeMinN);
        if (series->timeSlope.points >= 2)
            value = series->timeSlope.slope;
        break;
    case CheckMeasure::MemorySlope:
        if (!result.memoryMeasured) {
            outcome.measured = {message("peak memory could not be measured on this system")};
            break;
        }
        measureSlope(outcome, series->memorySlope, slopeMinN);
        if (series->memorySlope.points >= 2)
            value = series->memorySlope.slope;
        break;
    case CheckMeasure::CellsSlope: {
        const SlopeFit fit = cellsSlope(*series, slopeMinN);
        measureSlope(outcome, fit, slopeMinN);
        if (fit.points >= 2)
            value = fit.slope;
        break;
    }
    default: {
        if (!series->error) {
            outcome.measured = {message("no error was measured (the lab compares with exact "
                                        "attention only at an error length above 0)")};
            break;
        }
        const ApproximationError& error = *series->error;
        outcome.at = message("n = %1", result.config.errorN);
        if (check.measure == CheckMeasure::MeanRowKL) {
            value =
                error.infiniteRows > 0 ? std::numeric_limits<double>::infinity() : error.meanRowKL;
            outcome.measured = {
                error.infiniteRows > 0
                    ? message("infinite: %1 rows give 0 to a key exact attention weighs",
                              error.infiniteRows)
                    : message("%1 nats", complexityFigure(*value))};
        } else if (check.measure == CheckMeasure::MeanRowReverseKL) {
            value = error.meanRowReverseKL;
            outcome.measured = {message("%1 nats", complexityFigure(*value))};
        } else if (check.measure == CheckMeasure::DroppedWeight) {
            value = error.meanDroppedWeight;
            outcome.measured = {
                message("%1 of the exact weight dropped", complexityFigure(*value))};
        } else {
            value = error.maxOutputDifference;
            outcome.measured = {message("largest difference %1", complexityFigure(*value))};
        }
        break;
    }
    }
    outcome.passed = value && !std::isnan(*value) && numericMargin(check, *value) >= 0.0;
    return outcome;
}

} // namespace

std::vector<CheckOutcome> evaluateComplexityChecks(const std::vector<LessonCheck>& checks,
                                                   const ComplexityResult& result) {
    std::vector<CheckOutcome> outcomes;
    for (const LessonCheck& check : checks)
        if (measuresComplexity(check.measure))
            outcomes.push_back(evaluate(check, result));
    return outcomes;
}

int complexityCheckCount(const std::vector<LessonCheck>& checks) {
    return static_cast<int>(std::count_if(checks.begin(), checks.end(), [](const LessonCheck& c) {
        return measuresComplexity(c.measure);
    }));
}

} // namespace attnlab::core
