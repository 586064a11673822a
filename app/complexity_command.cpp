#include "app/complexity_command.h"

#include "app/cli.h"
#include "app/option_text.h"
#include "core/base/file_io.h"
#include "core/efficient/complexity_report.h"
#include "core/io/session.h"
#include "core/teaching/complexity_checks.h"

#include <CLI/CLI.hpp>

#include <map>
#include <new>
#include <ostream>

namespace attnlab::app {
namespace {

constexpr std::string_view kProgram = "attention-lab complexity";

// One option of the subcommand: its value name and help for complexityHelpText().
struct Row {
    const char* name;
    const char* valueName;
    const char* help;
    const char* defaultText;
};

constexpr Row kRows[] = {
    {"--kinds", "LIST",
     "comma-separated kinds: dense, tiled, tiled:B, linear, linear:MAP, linear:favor:M "
     "(MAP softmax, elu, relu or favor), or a sparse mask such as window:64, dilated:W:D, "
     "strided:S, longformer:W:G, bigbird:W:G:R, block:B",
     "dense,tiled,window:64,linear:elu"},
    {"--n", "LIST", "comma-separated lengths n (queries = keys), 1 to 10000000",
     "256,1024,4096,16384"},
    {"--d-k", "N", "width of queries, keys and values, 1 to 1024", "64"},
    {"--heads", "N", "heads, each with its own inputs, run one after another; 1 to 64", "1"},
    {"--seed", "N", "seed of the synthetic inputs and of random patterns", "42"},
    {"--dense-budget", "MB",
     "dense stops before its n x n weights exceed this many MiB; 1 to 65536", "1024"},
    {"--max-seconds", "S", "a kind stops after one length takes longer than this; 0.001 to 86400",
     "60"},
    {"--min-seconds", "S",
     "short lengths are repeated until their runs add up to this and the fastest is kept; 0 to "
     "3600",
     "0.2"},
    {"--error-n", "N",
     "length at which linear and sparse kinds are compared with exact attention; 0 skips; 0 to "
     "8192",
     "1024"},
    {"--slope-min-n", "N", "only lengths of at least N enter the fitted slopes; 1 to 10000000",
     "1024"},
    {"--csv", "FILE", "also write the table as CSV", ""},
    {"--lesson", "FILE",
     "a lesson with a Complexity page (.attnlab): its kinds, lengths, d_k, heads and dense budget, "
     "run as the window's page runs them (the options above override them); after the table, "
     "whether each of the lesson's claims about the lab holds",
     ""},
    {"--help", "", "show this help and exit", ""},
};

// The lesson's claims about the lab on `result`, when it kept the lesson's settings.
std::string lessonClaimsText(const ComplexityOptions& options,
                             const core::ComplexityResult& result) {
    const int claims = core::complexityCheckCount(options.lessonChecks);
    if (claims == 0)
        return "\nthe lesson makes no claim about the complexity lab\n";
    if (!core::sameMeasurement(result.config, options.lessonConfig))
        return "\nthe lesson's " + std::to_string(claims) +
               " claims about the lab are checked only with its own settings; leave out the "
               "options that change them\n";
    std::string text = "\nthe lesson's claims, checked on these numbers:\n";
    int holding = 0;
    for (const core::CheckOutcome& outcome :
         core::evaluateComplexityChecks(options.lessonChecks, result)) {
        holding += outcome.passed ? 1 : 0;
        text += std::string("  ") + (outcome.passed ? "✓ " : "✗ ") + outcome.english() + "\n";
    }
    return text + "  " + std::to_string(holding) + " of " + std::to_string(claims) +
           " claims hold\n";
}

} // namespace

std::string complexityHelpText() {
    std::string text = "Usage: attention-lab complexity [OPTION]...\n\n"
                       "Measures time and peak memory of kinds of attention over lengths n on "
                       "seeded\nsynthetic inputs, fits the log-log slope of each, and sets the "
                       "measurements beside\nthe tutorial's complexity table.\n\nOptions:\n";
    for (const Row& row : kRows) {
        std::string left =
            std::string("  ") + (std::string_view(row.name) == "--help" ? "-h, --help" : row.name);
        if (*row.valueName)
            left += std::string(" ") + row.valueName;
        text += left + "\n      " + row.help + "\n";
        if (*row.defaultText)
            text += std::string("      default: ") + row.defaultText + "\n";
    }
    text += "\nExit status: 0 success, 1 the lesson cannot be used or the CSV cannot be written, 2 "
            "usage error.\n";
    return text;
}

ComplexityOptions parseComplexityArguments(const std::vector<std::string>& args) {
    CLI::App app{"complexity lab", std::string(kProgram)};
    app.set_help_flag();
    std::map<std::string, std::string> values;
    std::map<std::string, CLI::Option*> options;
    for (const Row& row : kRows) {
        const std::string name = row.name;
        if (*row.valueName)
            options[name] = app.add_option(name, values[name])->type_name(row.valueName);
        else
            options[name] = app.add_flag(name == "--help" ? "-h,--help" : name);
    }
    try {
        app.parse(std::vector<std::string>(args.rbegin(), args.rend()));
    } catch (const CLI::ParseError& error) {
        throw UsageError(error.what());
    }
    ComplexityOptions result;
    core::ComplexityConfig& config = result.config;
    config.kinds = core::parseComplexityKinds("dense,tiled,window:64,linear:elu");
    config.sizes = core::parseComplexitySizes("256,1024,4096,16384");
    const auto given = [&](const char* name) { return options[name]->count() > 0; };
    result.help = given("--help");
    if (given("--lesson") && !result.help) {
        if (values["--lesson"].empty())
            usageError("--lesson", "the file name is empty");
        result.lessonPath = values["--lesson"];
        std::vector<std::string> warnings;
        const core::Session session = core::loadSessionFile(result.lessonPath, warnings);
        if (!session.complexity)
            throw core::InputError(result.lessonPath +
                                   ": the lesson has no Complexity page (no \"complexity\" "
                                   "member); open it with attention-lab --lesson FILE, or give "
                                   "--kinds and --n");
        config = core::complexityConfigOf(*session.complexity);
        result.lessonConfig = config;
        result.lessonChecks = session.lesson.checks;
    }
    try {
        if (given("--kinds"))
            config.kinds = core::parseComplexityKinds(values["--kinds"]);
    } catch (const core::InputError& error) {
        usageError("--kinds", error.what());
    }
    try {
        if (given("--n"))
            config.sizes = core::parseComplexitySizes(values["--n"]);
    } catch (const core::InputError& error) {
        usageError("--n", error.what());
    }
    if (given("--d-k"))
        config.dK = static_cast<int>(parseNumber("--d-k", values["--d-k"], 1, 1024, true));
    if (given("--heads"))
        config.heads = static_cast<int>(parseNumber("--heads", values["--heads"], 1, 64, true));
    if (given("--seed"))
        config.seed = static_cast<std::uint64_t>(
            parseNumber("--seed", values["--seed"], 0, 9007199254740992.0, true));
    if (given("--dense-budget"))
        config.denseBudgetBytes = static_cast<std::int64_t>(
            parseNumber("--dense-budget", values["--dense-budget"], 1, 65536, true) * 1048576.0);
    if (given("--max-seconds"))
        config.maxSecondsPerPoint =
            parseNumber("--max-seconds", values["--max-seconds"], 0.001, 86400, false);
    if (given("--min-seconds"))
        config.minSecondsPerPoint =
            parseNumber("--min-seconds", values["--min-seconds"], 0, 3600, false);
    if (given("--error-n"))
        config.errorN =
            static_cast<int>(parseNumber("--error-n", values["--error-n"], 0, 8192, true));
    if (given("--slope-min-n"))
        config.slopeMinN = static_cast<int>(
            parseNumber("--slope-min-n", values["--slope-min-n"], 1, 10000000, true));
    if (given("--csv")) {
        if (values["--csv"].empty())
            usageError("--csv", "the file name is empty");
        result.csvPath = values["--csv"];
    }
    try {
        core::validate(config);
    } catch (const core::InputError& error) {
        throw UsageError(error.what());
    }
    return result;
}

int runComplexityCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
                         bool showProgress) {
    ComplexityOptions options;
    try {
        options = parseComplexityArguments(args);
    } catch (const UsageError& error) {
        err << kProgram << ": " << error.what() << "\nTry '" << kProgram
            << " --help' for the options.\n";
        return kExitUsageError;
    } catch (const std::exception& error) { // the lesson file
        err << kProgram << ": " << error.what() << '\n';
        return kExitInputError;
    }
    if (options.help) {
        out << complexityHelpText();
        return kExitSuccess;
    }
    try {
        const core::ProgressCallback progress = [&](int done, int total) {
            if (showProgress)
                err << "\r" << kProgram << ": " << done << " of " << total << " measured"
                    << (done == total ? "\n" : "") << std::flush;
            return true;
        };
        const core::ComplexityResult result = core::runComplexity(options.config, progress);
        out << core::formatComplexityTable(result, core::compareWithTutorial(result));
        if (!options.lessonPath.empty())
            out << lessonClaimsText(options, result);
        out.flush();
        if (!options.csvPath.empty())
            for (const std::string& note :
                 core::writeFileAtomically(options.csvPath, core::complexityCsv(result)))
                err << kProgram << ": warning: " << note << '\n';
    } catch (const std::bad_alloc&) {
        err << kProgram << ": not enough memory for these lengths; choose shorter ones\n";
        return kExitInputError;
    } catch (const std::exception& error) {
        err << kProgram << ": " << error.what() << '\n';
        return kExitInputError;
    }
    return kExitSuccess;
}

} // namespace attnlab::app
