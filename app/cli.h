#pragma once
// The command line of attention-lab: options → core::Config, and the headless run that computes
// and exports without Qt. main.cpp asks wantsHeadless() and otherwise starts the window.
//
// Parsing is CLI11's; the settings come from the core's settings schema (core/model/settings.h),
// so a new setting gets its option, its check and its line in --help from its schema entry.
// Options that are not settings (outputs, figure size, lessons) are rows of the option table in
// cli.cpp; rows marked as headless output make wantsHeadless() true and count as "something to
// do" for runCommandLine(). Images (--export) are drawn by a renderer that main.cpp passes in, so
// this library stays free of Qt.

#include "core/base/file_io.h"
#include "core/io/session.h"
#include "core/model/builtin_model.h"
#include "core/pretrained/transformer_maps.h"

#include <functional>
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

/// What --export draws and how, as plain values; the renderer (in the window's library) reads
/// them. Empty strings and zeros mean "not given": a session's view or the defaults apply.
struct ImageRequest {
    std::string path;     ///< --export: .png, .svg or .pdf; empty = no image
    std::string view;     ///< --view: grid | combined | max | head:K | details:Q (1-based)
    int width = 0;        ///< --width: pixels (PNG) or points (SVG, PDF); 0 = fitted
    int height = 0;       ///< --height: likewise
    double scale = 0;     ///< --scale: PNG pixels per unit, 0.25 … 10; 0 = 2 (or dpi / 96)
    double dpi = 0;       ///< --dpi: PNG resolution, 24 … 1200; 0 = 96 × scale
    bool title = false;   ///< --title: stamp the sentence and settings above the figure
    bool colorBar = true; ///< --no-colorbar clears it
};

/// Everything the command line says.
struct CliOptions {
    core::Config config;   ///< the settings; core::Config's defaults where no option is given
    std::string modelPath; ///< --model: a pretrained transformer's folder; empty = built-in
    core::TransformerSettings transformer; ///< --words, --hide-special, --top-k, --ablate, …
    std::string embeddingsPath; ///< --embeddings: file loaded at run time; empty = built-in lexicon
    std::string maskPath;       ///< --mask custom:FILE: the mask file, read by runHeadless
    std::string exportDataPath; ///< --export-data: .json, .csv or .npy; empty = none
    bool csvByteOrderMark = true;  ///< --csv-bom / --no-csv-bom: a .csv file starts with the
                                   ///< UTF-8 byte-order mark; default true
    std::string csvOption;         ///< the last of --csv-bom / --no-csv-bom given; empty = none
    ImageRequest image;            ///< --export and the options that shape the image
    std::string sessionPath;       ///< --session FILE, or a lone FILE.attnlab argument
    core::LessonModel lessonModel; ///< the model the lesson names; none without one
    core::SessionView view;        ///< the session's view (defaults without a session), with
                                   ///< --colormap, --color-scale and --values applied
    bool dModelGiven = false;      ///< --d-model was given (else an embeddings file sets d_model)
    bool help = false;             ///< --help / -h
    bool version = false;          ///< --version
    /// What reading the lesson found ("<file>: unknown member … ; did you mean …?"); printed on
    /// stderr as warnings.
    std::vector<std::string> warnings;
    /// The lesson has a Complexity page ("complexity"), which `attention-lab complexity` runs.
    bool lessonHasComplexity = false;

    /// True when an option asks for a file written without the window.
    bool hasHeadlessOutput() const { return !exportDataPath.empty() || !image.path.empty(); }
};

/// Draws the result into image.path with `write` (the run's inputs, which it must not replace).
/// Returns notes for the user; throws core::InputError (bad view, head out of range) or
/// core::FileError (cannot write); the file is written atomically or not at all.
using ImageExporter = std::function<std::vector<std::string>(
    const core::ModelOutput& result, const ImageRequest& image, const core::SessionView& view,
    const core::WriteOptions& write)>;

/// True when `args` (without the program name) ask for work without a window: a headless output
/// option, --help or --version. Decided by option names alone, so a command line meant for the
/// window (including Qt's own options such as -platform) is left for the GUI to read.
bool wantsHeadless(const std::vector<std::string>& args);

/// True when `args` ask for an image (--export), which needs the renderer and a QApplication.
bool wantsImage(const std::vector<std::string>& args);

/// Parses `args` (without the program name). Accepts "--option value" and "--option=value".
/// Throws UsageError naming the option. Settings are range-checked later by core::validate.
/// Settings not given keep the value in `base` and `baseView` (a session's, or the defaults).
CliOptions parseArguments(const std::vector<std::string>& args, const core::Config& base = {},
                          const core::SessionView& baseView = {});

/// parseArguments, then, when a session is named, loads it and applies the options on top of
/// it (they override the session). Throws UsageError, or core::InputError / FileError for the
/// session file.
CliOptions parseWithSession(const std::vector<std::string>& args);

/// The --help text: every option with its choices and default.
std::string helpText();
/// The --version text: "attention-lab X.Y.Z" and the licence.
std::string versionText();

/// How to measure the Complexity page of the lesson at `sessionPath` without a window (the
/// command `attention-lab complexity --lesson FILE`); empty when it has none or cannot be read.
std::string complexityLessonHint(const std::string& sessionPath);

/// Writes "attention-lab: MESSAGE" and a newline to `err`: every error of the command line.
void printProgramError(std::ostream& err, std::string_view message);

/// Loads the embeddings file if any, computes, prints the result's warnings to `err` and writes
/// the export. Returns kExitSuccess, or kExitInputError with "attention-lab: message" on `err`.
int runHeadless(const CliOptions& options, std::ostream& err,
                const ImageExporter& exportImage = {});

/// The whole headless program: parse, then help, version or runHeadless. Writes only --help and
/// --version text to `out`; messages and warnings go to `err`. Returns the exit code.
int runCommandLine(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
                   const ImageExporter& exportImage = {});

} // namespace attnlab::app
