#pragma once
// `attention-lab train …`: trains the program's small transformer without the window. Every
// option comes from the training settings table (core/training/train_settings.h), so the
// command line offers every attention setting the Learn page offers, with the same ranges and
// defaults. Progress goes to stderr; --save, --log and --summary write the model folder, the
// loss curve (CSV) and a JSON summary; --gif and --strip the learning as pictures for slides.
// The same options and seed repeat a run bit for bit.
//
// Exit status: 0 trained; 1 a setting that cannot train (hardmax, with the reason) or a file
// that cannot be written; 2 a command line that is not understood or a setting out of range.

#include <iosfwd>
#include <string>
#include <vector>

namespace attnlab::app {

/// True when `args` (without the program name) start with the word "train".
bool isTrainCommand(const std::vector<std::string>& args);

/// The text of `attention-lab train --help`: every training option with its range and default.
std::string trainHelpText();

/// Runs `attention-lab train` with `args` (without the program name and without "train"):
/// parses, trains with progress on `err`, writes the outputs. Writes only --help to `out`.
/// Returns the exit code (kExitSuccess, kExitInputError or kExitUsageError of cli.h).
int runTrainCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

} // namespace attnlab::app
