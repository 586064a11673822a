#include "app/train_command.h"

#include "app/cli.h"
#include "app/option_text.h"
#include "core/base/names.h"
#include "core/film/learning_film.h"
#include "core/training/model_folder.h"
#include "core/training/train_report.h"
#include "core/training/train_settings.h"
#include "core/training/trainer.h"

#include <CLI/CLI.hpp>

#include <algorithm>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <new>
#include <ostream>

namespace attnlab::app {
namespace {

namespace training = core::training;

constexpr std::string_view kCommand = "attention-lab train";

std::vector<std::string_view> optionNames() {
    std::vector<std::string_view> names;
    for (const training::TrainSettingInfo& info : training::trainSettingsTable())
        names.push_back(info.option);
    names.push_back("help");
    return names;
}

bool isOption(std::string_view name) {
    for (std::string_view option : optionNames())
        if (name == option)
            return true;
    return false;
}

[[noreturn]] void unknownOption(std::string_view argument) {
    std::vector<std::string> dashed;
    for (std::string_view option : optionNames())
        dashed.push_back("--" + std::string(option));
    app::unknownOption(argument.substr(0, argument.find('=')),
                       std::vector<std::string_view>(dashed.begin(), dashed.end()));
}

// An argument naming an option ("--heads", "--heads=2"), without its dashes and value; empty
// for anything else.
std::string_view optionOf(std::string_view argument) {
    if (!argument.starts_with("--"))
        return {};
    argument.remove_prefix(2);
    return argument.substr(0, argument.find('='));
}

struct ParsedTrain {
    training::TrainSettings settings;
    std::vector<int> stripSteps; ///< of --strip: chosen or the default ones
    bool help = false;
};

// The command line as settings. Throws UsageError for a line that cannot be understood and
// InputError (from the settings table) for a value out of range.
ParsedTrain parseTrainArguments(const std::vector<std::string>& args) {
    // A forgotten value would otherwise make the next option the value; name the mistake.
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string_view option = optionOf(args[i]);
        if (option.empty())
            continue;
        if (!isOption(option))
            unknownOption(args[i]);
        const bool inline_ = args[i].find('=') != std::string::npos;
        if (option == "help") {
            if (inline_)
                throw UsageError("--help: takes no value");
            continue;
        }
        if (!inline_ && (i + 1 >= args.size() || !optionOf(args[i + 1]).empty()))
            throw UsageError("--" + std::string(option) + ": missing value; write --" +
                             std::string(option) + " VALUE");
        if (!inline_)
            ++i; // the value, whatever it looks like
    }

    CLI::App app{"Train the program's small transformer", std::string(kCommand)};
    app.set_help_flag();
    std::map<std::string, std::string> values;
    std::vector<std::pair<std::string_view, CLI::Option*>> options;
    for (const training::TrainSettingInfo& info : training::trainSettingsTable()) {
        const std::string name(info.option);
        options.emplace_back(info.option,
                             app.add_option("--" + name, values[name], std::string(info.help)));
    }
    const std::string helpNames = "-h,--help";
    const std::string helpDescription = "show this help and exit";
    CLI::Option* help = app.add_flag(helpNames, helpDescription);
    try {
        app.parse(std::vector<std::string>(args.rbegin(), args.rend()));
    } catch (const CLI::ExtrasError&) {
        for (const std::string& argument : args)
            if (!optionOf(argument).empty() && !isOption(optionOf(argument)))
                unknownOption(argument);
        for (std::size_t i = 0; i < args.size(); ++i) {
            if (!optionOf(args[i]).empty()) {
                if (args[i].find('=') == std::string::npos && optionOf(args[i]) != "help")
                    ++i;
                continue;
            }
            if (args[i] != "-h")
                throw UsageError("unexpected argument " + app::quoted(args[i]) +
                                 "; every setting is an option such as --task reverse");
        }
        throw UsageError("the command line cannot be read");
    } catch (const CLI::ParseError& error) {
        const std::string what = error.what();
        if (what.find("At Most") != std::string::npos) {
            const std::size_t colon = what.find(':');
            throw UsageError(what.substr(0, colon) + ": given more than once");
        }
        throw UsageError(what);
    }

    ParsedTrain parsed;
    parsed.help = help->count() > 0;
    for (const auto& [option, cliOption] : options)
        if (cliOption->count() > 0)
            training::applyTrainSetting(parsed.settings, option, values[std::string(option)]);
    return parsed;
}

constexpr std::size_t kHelpColumn = 24;

// The output files must be writable into an existing folder: found out before training rather
// than after minutes of it.
void checkOutputFolder(const std::string& path, std::string_view option) {
    if (path.empty())
        throw core::InputError("--" + std::string(option) + ": the file name is empty");
    std::filesystem::path parent = std::filesystem::path(path).parent_path();
    if (parent.empty())
        parent = ".";
    std::error_code error;
    if (!std::filesystem::is_directory(parent, error))
        throw core::FileError("--" + std::string(option) + ": cannot write " + path +
                              ": the folder " + parent.string() + " does not exist");
    if (std::filesystem::is_directory(path, error))
        throw core::FileError("--" + std::string(option) + ": cannot write " + path +
                              ": it is a folder");
}

std::string percent(double fraction) {
    char buffer[32];
    std::snprintf(buffer, sizeof(buffer), "%.1f %%", 100.0 * fraction);
    return buffer;
}

std::string fixed(double value, int decimals) {
    char buffer[48];
    std::snprintf(buffer, sizeof(buffer), "%.*f", decimals, value);
    return buffer;
}

// One line of progress after an evaluation.
std::string progressLine(const training::Evaluation& e, int steps, double seconds, bool induction) {
    std::string line = "step " + std::to_string(e.step) + "/" + std::to_string(steps) +
                       "  held-out loss " + fixed(e.loss, 4) + "  accuracy " + percent(e.accuracy);
    if (e.alignment)
        line += "  alignment " + fixed(*e.alignment, 3);
    if (induction && e.induction)
        line += "  induction " + fixed(*e.induction, 3);
    return line + "  (" + fixed(seconds, 1) + " s)";
}

std::string headline(const training::Trainer& trainer) {
    const training::TrainSettings& s = trainer.settings();
    const training::ModelConfig& c = trainer.modelConfig();
    return "training " + std::string(training::toString(s.task.kind)) + " (" +
           std::string(training::toString(c.architecture)) + ", " + std::to_string(c.layers) +
           (c.layers == 1 ? " layer" : " layers") + " × " + std::to_string(c.heads) +
           (c.heads == 1 ? " head" : " heads") + ", d_model " + std::to_string(c.dModel) + ", " +
           std::string(core::toString(c.scoring)) + " scoring, " +
           std::string(core::toString(c.normalizer)) + ", " +
           std::to_string(training::parameterCount(trainer.parameters())) + " parameters) for " +
           std::to_string(s.steps) + " steps, seed " + std::to_string(s.seed);
}

} // namespace

bool isTrainCommand(const std::vector<std::string>& args) {
    return !args.empty() && args.front() == "train";
}

std::string trainHelpText() {
    std::string text = "Usage: attention-lab train [OPTION]...\n\n";
    text += "Train the program's small transformer on a generated task without the window and\n"
            "report how well it learned. Progress goes to stderr. The same options and seed\n"
            "repeat a run bit for bit (apart from the time it took).\n"
            "Options take their value as --option VALUE or --option=VALUE.\n\n";
    text += "Example:\n  attention-lab train --task reverse --length 8 --vocab 10 --layers 1 "
            "--heads 1\n      --scoring additive --normalizer softmax --steps 3000 --seed 1\n"
            "      --save model --log curve.csv --summary summary.json\n\n";
    text += "Options:\n";
    for (const training::TrainSettingInfo& info : training::trainSettingsTable()) {
        std::string left = "  --" + std::string(info.option) + " ";
        if (info.type == "path")
            left += info.option == "save" ? "DIR" : "FILE";
        else if (info.type == "integer")
            left += "N";
        else if (info.type == "steps")
            left += "N,N,...";
        else if (info.type == "number")
            left += "X";
        else
            left += "VALUE";
        text += left;
        text += left.size() + 2 > kHelpColumn ? "\n" + std::string(kHelpColumn, ' ')
                                              : std::string(kHelpColumn - left.size(), ' ');
        text += wrapped(info.help, kHelpColumn);
        if (info.type != "path")
            text += std::string(kHelpColumn, ' ') +
                    wrapped(std::string(info.type == "choice" || info.type == "mask" ||
                                                info.type == "boolean"
                                            ? "choices: "
                                            : "range: ") +
                                std::string(info.range),
                            kHelpColumn);
        if (!info.defaultValue.empty())
            text +=
                std::string(kHelpColumn, ' ') + "default: " + std::string(info.defaultValue) + "\n";
    }
    text += "  -h, --help" + std::string(kHelpColumn - 12, ' ') + "show this help and exit\n";
    text += "\nThe summary (--summary) holds task, steps, seconds, final_loss (held-out),\n"
            "accuracy (held-out exact-token accuracy), alignment (the best head's mean weight on\n"
            "the task's ideal keys, null for the language task), the per-head scores and every\n"
            "setting.\n";
    text += "\nThe GIF (--gif) and the strip (--strip) show the probe example's heatmaps, every\n"
            "layer and head, on a fixed 0 to 1 scale with the step above them; for slides:\n"
            "  attention-lab train --task reverse --steps 3000 --gif learning.gif\n"
            "      --strip strip.png --strip-steps 0,100,500,3000\n";
    text += "\nExit status: 0 trained, 1 a setting that cannot train (hardmax) or a file that\n"
            "cannot be written, 2 usage error (unknown option, missing or bad value, settings\n"
            "that do not fit together).\n";
    return text;
}

int runTrainCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    ParsedTrain parsed;
    try {
        parsed = parseTrainArguments(args);
        if (parsed.help) {
            out << trainHelpText();
            return kExitSuccess;
        }
        training::validate(parsed.settings);
        const training::TrainSettings& s = parsed.settings;
        if (!s.stripSteps.empty() && s.strip.empty())
            throw UsageError("--strip-steps: chooses the steps of a strip; give --strip FILE too");
        if (!s.strip.empty())
            parsed.stripSteps =
                s.stripSteps.empty()
                    ? core::film::defaultStripSteps(s.steps, s.evalEvery)
                    : core::film::parseStepList(s.stripSteps, s.steps, "strip-steps");
    } catch (const training::CannotTrain& error) {
        printProgramError(err, error.what());
        return kExitInputError;
    } catch (const std::exception& error) { // UsageError or a setting's InputError
        printProgramError(err, error.what());
        err << "Try '" << kCommand << " --help' for the options.\n";
        return kExitUsageError;
    }

    const training::TrainSettings& settings = parsed.settings;
    try {
        if (!settings.log.empty())
            checkOutputFolder(settings.log, "log");
        if (!settings.summary.empty())
            checkOutputFolder(settings.summary, "summary");
        if (!settings.gif.empty())
            checkOutputFolder(settings.gif, "gif");
        if (!settings.strip.empty())
            checkOutputFolder(settings.strip, "strip");
        if (!settings.save.empty() && std::filesystem::is_regular_file(settings.save))
            throw core::FileError("--save: cannot write the model folder " + settings.save +
                                  ": a file of that name exists");
    } catch (const std::exception& error) {
        printProgramError(err, error.what());
        return kExitInputError;
    }

    std::unique_ptr<training::Trainer> trainer;
    try {
        trainer = std::make_unique<training::Trainer>(settings);
    } catch (const training::CannotTrain& error) {
        printProgramError(err, error.what());
        return kExitInputError;
    } catch (const core::InputError& error) {
        printProgramError(err, error.what());
        err << "Try '" << kCommand << " --help' for the options.\n";
        return kExitUsageError;
    } catch (const std::bad_alloc&) {
        printProgramError(err, "not enough memory for this model (fewer layers, heads, a smaller "
                               "d-model or fewer held-out examples need less)");
        return kExitInputError;
    }

    if (!settings.strip.empty()) {
        try {
            core::film::checkStripWidth(*trainer, parsed.stripSteps.size());
        } catch (const std::exception& error) {
            printProgramError(err, "--strip-steps: " + std::string(error.what()));
            err << "Try '" << kCommand << " --help' for the options.\n";
            return kExitUsageError;
        }
    }

    try {
        err << "attention-lab: " << headline(*trainer) << std::endl;
        const auto start = std::chrono::steady_clock::now();
        const auto elapsed = [&start] {
            return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        };
        int reported = 0;
        const bool induction = settings.task.kind == training::TaskKind::Induction;
        // The strip's steps need not be snapshot steps: the probe is drawn when each is reached.
        std::vector<core::film::FilmFrame> stripFrames;
        trainer->run(settings.steps, [&](int done, int) {
            if (!settings.strip.empty() &&
                std::binary_search(parsed.stripSteps.begin(), parsed.stripSteps.end(), done) &&
                (stripFrames.empty() || stripFrames.back().step != done))
                stripFrames.push_back(core::film::probeFrame(*trainer));
            const auto& evaluations = trainer->evaluations();
            if (done > reported && !evaluations.empty() && evaluations.back().step == done) {
                reported = done;
                err << progressLine(evaluations.back(), settings.steps, elapsed(), induction)
                    << std::endl;
            }
            return true;
        });
        const double seconds = elapsed();
        const training::Evaluation& last = trainer->evaluations().back();
        if (last.step > reported)
            err << progressLine(last, settings.steps, seconds, induction) << std::endl;
        if (!settings.save.empty()) {
            training::saveModelFolder(settings.save, *trainer);
            err << "attention-lab: model saved in " << settings.save << std::endl;
        }
        if (!settings.log.empty())
            training::writeTrainingLog(*trainer, settings.log);
        if (!settings.summary.empty())
            training::writeTrainingSummary(*trainer, seconds, settings.summary);
        if (!settings.gif.empty()) {
            const std::vector<core::film::FilmFrame> frames = core::film::allFrames(*trainer);
            core::film::writeLearningGif(settings.gif, frames);
            err << "attention-lab: " << frames.size() << " frames of the learning written to "
                << settings.gif << std::endl;
        }
        if (!settings.strip.empty()) {
            core::film::writeLearningStrip(settings.strip, stripFrames);
            err << "attention-lab: strip of " << stripFrames.size() << " steps written to "
                << settings.strip << std::endl;
        }
        err << "attention-lab: " << trainer->step() << " steps in " << fixed(seconds, 1)
            << " s; held-out accuracy " << percent(last.accuracy);
        if (last.alignment)
            err << ", alignment " << fixed(*last.alignment, 3);
        err << std::endl;
    } catch (const std::bad_alloc&) {
        printProgramError(err,
                          "not enough memory for this run (fewer layers, heads, a smaller d-model "
                          "or a smaller batch need less)");
        return kExitInputError;
    } catch (const std::exception& error) {
        printProgramError(err, error.what());
        return kExitInputError;
    }
    return kExitSuccess;
}

} // namespace attnlab::app
