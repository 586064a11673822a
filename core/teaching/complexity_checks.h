#pragma once
// A lesson's checks of the complexity lab (core/io/lesson_check.h: time_slope, memory_slope,
// cells_slope, mean_row_kl, mean_row_reverse_kl, dropped_weight, max_output_difference) measured
// on the lab's result for the session's Complexity page (core/io/lesson_complexity.h), in the
// same outcome form as the checks of the attention maps (core/teaching/lesson_checks.h), so that
// the window and the command line show both alike.

#include "core/efficient/complexity.h"
#include "core/io/lesson_check.h"
#include "core/teaching/lesson_checks.h"

#include <vector>

namespace attnlab::core {

/// Measures the checks of the complexity lab among `checks` on `result`, the lab run with the
/// session's "complexity" (complexityConfigOf in core/io/lesson_complexity.h); the other checks
/// are left out (evaluateLessonChecks measures them). One outcome per such check, in order. A
/// check fails and says why when its kind was not measured, its slope has fewer than two
/// lengths, peak memory could not be measured here, or its error was not computed.
std::vector<CheckOutcome> evaluateComplexityChecks(const std::vector<LessonCheck>& checks,
                                                   const ComplexityResult& result);

/// How many of `checks` are about the complexity lab.
int complexityCheckCount(const std::vector<LessonCheck>& checks);

} // namespace attnlab::core
