#pragma once
// A lesson's checks (core/io/lesson_check.h) measured on its result: for each claim, whether the
// numbers bear it out and the figure that decided, in words. The tests evaluate every shipped
// lesson this way, and the window can list what the open lesson shows.

#include "core/base/message.h"
#include "core/io/lesson_check.h"
#include "core/model/model.h"

#include <functional>
#include <string>
#include <vector>

namespace attnlab::core {

/// One check measured. The claim is scope + quantity + bounds ("every head, row 'it'" · "the
/// largest weight" · "is on itself"); `at` and `measured` give the row that decided (the one
/// that fails by most, or when none fails the one closest to failing) and its figures.
struct CheckOutcome {
    bool passed = false;
    Message scope;               ///< which heads and rows the claim covers
    Message quantity;            ///< what is measured in each row
    std::vector<Message> bounds; ///< what the claim says of it (joined with "and")
    Message at;                  ///< the deciding head and row; empty text when there is none
    /// Its figures (joined with "; "), or why the check could not be measured.
    std::vector<Message> measured;
    int holding = 0; ///< rows (over every head) where the claim holds
    int rows = 0;    ///< rows (over every head) the claim covers
    /// "scope: quantity bounds — at: measured (holding of rows)", in English.
    std::string english() const;
};

/// The result of a lesson's settings computed as the window computes it when no model is open:
/// validated, the built-in lexicon at the lesson's width, the built-in layer with its trace.
/// Throws InputError for settings the window would refuse.
ModelOutput runLessonConfig(const Config& config);

/// Computes the result of a lesson's settings (runLessonConfig, or the window's own model).
using LessonRunner = std::function<ModelOutput(const Config&)>;

/// Measures each check of the attention maps on `result`, the output of the lesson's settings
/// `config` (as written in the lesson, before d_k and d_model are resolved), in the first layer;
/// checks of the complexity lab are left out (core/teaching/complexity_checks.h measures them). A
/// check that compares with other settings runs `run` on `config` with those settings changed. A
/// check that cannot be measured (a token the sentence lacks, a head beyond the model's, scores of
/// a model without a trace, settings the lesson cannot run with) fails and says why.
std::vector<CheckOutcome> evaluateLessonChecks(const std::vector<LessonCheck>& checks,
                                               const Config& config, const ModelOutput& result,
                                               const LessonRunner& run = runLessonConfig);

/// Tolerance of a check's `near` bound when the lesson gives none.
inline constexpr double kCheckNearTolerance = 0.005;

/// A check's numeric bounds in words ("is at least 0.400", "is at most …", "is 0.5 ± 0.005"), each
/// number written by `figure`; shared by the checks of the maps and of the complexity lab.
std::vector<Message> numericBounds(const LessonCheck& check, std::string (*figure)(double));

/// By how much `value` meets the numeric bounds of `check`: the smallest margin over them,
/// negative when one fails, +∞ when the check has none, NaN when `value` is NaN and there is one.
double numericMargin(const LessonCheck& check, double value);

} // namespace attnlab::core
