#pragma once
// The command line of attention-lab: options → core::Config, and the headless run that computes
// and exports without Qt. main.cpp asks wantsHeadless() and otherwise starts the window.
//
// Adding an option (later: --export FILE.png, --session FILE, --view NAME) means one field in
// CliOptions and one row in the option table of cli.cpp; rows marked as headless output make
// wantsHeadless() true and count as "something to do" for runCommandLine().

#include "core/attention.h"

#include <iosfwd>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace attnlab::app {

inline constexpr int kExitSuccess = 0;
inline constexpr int kExitInputError =
    1; ///< a core InputError/FileError: bad file, setting, output
inline constexpr int kExitUsageError = 2; ///< the command line itself cannot be understood

/// A command line that cannot be understood (unknown option, missing value, not a number,
/// unknown choice). The message names the option.
class UsageError : public std::invalid_argument {
public:
    using std::invalid_argument::invalid_argument;
};

/// Everything the command line says.
struct CliOptions {
    core::Config config;        ///< the settings; core::Config's defaults where no option is given
    std::string embeddingsPath; ///< --embeddings: file loaded at run time; empty = built-in lexicon
    std::string exportDataPath; ///< --export-data: .json, .csv or .npy; empty = none
    bool dModelGiven = false;   ///< --d-model was given (else an embeddings file sets d_model)
    bool help = false;          ///< --help / -h
    bool version = false;       ///< --version

    /// True when an option asks for a file written without the window.
    bool hasHeadlessOutput() const { return !exportDataPath.empty(); }
};

/// True when `args` (without the program name) ask for work without a window: a headless output
/// option, --help or --version. Decided by option names alone, so a command line meant for the
/// window (including Qt's own options such as -platform) is left for the GUI to read.
bool wantsHeadless(const std::vector<std::string>& args);

/// Parses `args` (without the program name). Accepts "--option value" and "--option=value".
/// Throws UsageError naming the option. Settings are range-checked later by core::validate.
CliOptions parseArguments(const std::vector<std::string>& args);

/// The --help text: every option with its choices and default.
std::string helpText();
/// The --version text: "attention-lab X.Y.Z" and the licence.
std::string versionText();

/// Loads the embeddings file if any, computes, prints the result's warnings to `err` and writes
/// the export. Returns kExitSuccess, or kExitInputError with "attention-lab: message" on `err`.
int runHeadless(const CliOptions& options, std::ostream& err);

/// The whole headless program: parse, then help, version or runHeadless. Writes only --help and
/// --version text to `out`; messages and warnings go to `err`. Returns the exit code.
int runCommandLine(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

} // namespace attnlab::app
