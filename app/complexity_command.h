#pragma once
// `attention-lab complexity`: the complexity lab on the command line (core/efficient/complexity.h).
// It measures time and peak memory of the chosen kinds of attention over a list of lengths on
// seeded synthetic inputs, prints the table with the fitted slopes, the tutorial's table and
// where the measurements agree with it, and can write the table as CSV. With --lesson it runs a
// lesson's Complexity page as the window does and prints whether the lesson's claims hold.

#include "core/efficient/complexity.h"
#include "core/io/lesson_check.h"

#include <iosfwd>
#include <string>
#include <vector>

namespace attnlab::app {

/// What `attention-lab complexity …` asks for.
struct ComplexityOptions {
    core::ComplexityConfig config; ///< kinds, lengths, d_k, heads, seed, budget and limits
    std::string csvPath;           ///< --csv FILE: the table as CSV; empty = none
    bool help = false;             ///< --help / -h
    std::string lessonPath;        ///< --lesson FILE: a lesson with a Complexity page; empty = none
    /// The lesson's settings as its page runs them (before the options), and its checks.
    core::ComplexityConfig lessonConfig;
    std::vector<core::LessonCheck> lessonChecks;
};

/// Parses the arguments after the word `complexity`. Throws UsageError naming the option for
/// an unknown option, a missing value, or a value that is not a kind list, a length list or a
/// number in its range; core::FileError or InputError for a --lesson file that cannot be read,
/// is not a lesson, or has no Complexity page ("complexity" member).
ComplexityOptions parseComplexityArguments(const std::vector<std::string>& args);

/// The help of the subcommand.
std::string complexityHelpText();

/// The whole subcommand: parse, run the lab (progress on `err` when `showProgress`), print the
/// table to `out` (with --lesson, then each of the lesson's claims about the lab, ✓ or ✗, when
/// the run kept the lesson's settings), write the CSV. Returns kExitSuccess, kExitUsageError (2)
/// for a command line it cannot use, or kExitInputError (1) when the lesson cannot be used, the
/// CSV cannot be written or memory runs out.
int runComplexityCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
                         bool showProgress = false);

} // namespace attnlab::app
