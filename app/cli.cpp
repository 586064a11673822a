#include "cli.h"

#include "app/option_text.h"

#include "core/attention/mask.h"
#include "core/base/names.h"
#include "core/embeddings/embeddings.h"
#include "core/io/data_export.h"
#include "core/io/mask_file.h"
#include "core/model/settings.h"
#include "core/text/tokenizer.h"
#include "core/trained/lesson_model_folder.h"
#include "core/trained/model_loader.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <new>
#include <optional>
#include <ostream>
#include <set>

#ifndef ATTNLAB_VERSION
#define ATTNLAB_VERSION "unknown"
#endif

namespace attnlab::app {
namespace {

constexpr std::string_view kProgram = "attention-lab";

// What an option that is not a setting does with its value (empty for flags). Throws UsageError
// for a value it cannot take.
using Apply = std::function<void(CliOptions&, std::string_view option, std::string_view value)>;

/// One command-line option. Settings come from the schema (their `apply` stores the text in the
/// setting); the rest are the rows of outputOptions().
struct OptionSpec {
    std::string name;            ///< "--heads"
    std::string valueName;       ///< "N" in the help; empty for a flag
    std::string help;            ///< what it sets, in a few words
    std::string choices;         ///< "dot, scaled-dot, …" for the help; empty = free value
    std::string defaultText;     ///< shown as "default: …"; empty = not shown
    bool headlessOutput = false; ///< asks for work without the window
    bool figureOnly = false;     ///< only shapes the figure of --export
    const core::Setting* setting = nullptr; ///< the schema entry, for settings
    Apply apply;                            ///< for options that are not settings

    bool takesValue() const { return !valueName.empty(); }
};

// grid | combined | max | head:K | details[:Q], K and Q counted from 1; for a model of several
// layers also model | layer:L | head:L.H | rollout.
void checkView(std::string_view option, std::string_view value) {
    if (value == "grid" || value == "combined" || value == "max" || value == "details")
        return;
    if (value == "rollout" || value == "model")
        return;
    for (std::string_view prefix : {"head:", "details:", "layer:"}) {
        if (value.starts_with(prefix)) {
            std::string_view digits = value.substr(prefix.size());
            // head:L.H names a head of layer L (transformers).
            const std::size_t dot = digits.find('.');
            if (prefix == "head:" && dot != std::string_view::npos) {
                checkView(option, "layer:" + std::string(digits.substr(0, dot)));
                digits = digits.substr(dot + 1);
            }
            int index = 0;
            const auto [end, ec] =
                std::from_chars(digits.data(), digits.data() + digits.size(), index);
            if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size())
                usageError(option, quoted(digits) + " is not a whole number");
            if (index < 1)
                usageError(option, "layers, heads and rows are counted from 1");
            return;
        }
    }
    usageError(option, quoted(value) + " is not a view; choose grid, combined, max, head:K, "
                                       "details:Q, or for a model of several layers model, "
                                       "layer:L, head:L.H or rollout");
}

// The --help lines of a setting: its range or choices and its default, from the schema.
OptionSpec settingOption(const core::Setting& setting, const core::SettingsValues& defaults) {
    OptionSpec spec;
    spec.name = setting.option;
    spec.valueName = setting.valueName;
    spec.help = std::string(setting.help);
    const std::string range = core::rangeText(setting);
    if (!range.empty())
        spec.help += "; " + range + (setting.zeroMeansAuto ? ", or 0" : "");
    if (setting.choices) {
        const std::vector<std::string_view> names = setting.choices();
        for (std::string_view name : names) {
            // Manual projections are typed in the window: no value for the command line.
            if (setting.key == "projection" && name == "manual")
                continue;
            spec.choices += (spec.choices.empty() ? "" : ", ") + std::string(name);
        }
    }
    if (setting.type == core::SettingType::Mask)
        spec.choices = core::maskSyntaxList() +
                       ", custom:FILE (a text file with one line of 0 and 1 per query, one digit "
                       "per key: 1 sees, 0 blocked; '#' starts a comment line)";
    if (!setting.defaultText.empty())
        spec.defaultText = setting.defaultText;
    else if (setting.type == core::SettingType::Text)
        spec.defaultText = "\"" + setting.get(defaults) + "\"";
    else
        spec.defaultText = setting.get(defaults);
    spec.figureOnly = setting.group == core::SettingGroup::View;
    spec.setting = &setting;
    return spec;
}

long long wholeNumber(std::string_view option, std::string_view value, long long low,
                      long long high) {
    return static_cast<long long>(
        parseNumber(option, value, static_cast<double>(low), static_cast<double>(high), true));
}

// "3" (a whole layer) or "3.2" (layer 3, head 2), 1-based as on screen.
core::HeadIntervention headOf(std::string_view option, std::string_view text) {
    core::HeadIntervention change;
    const std::size_t dot = text.find('.');
    const std::string_view layer = text.substr(0, dot);
    change.layer = static_cast<int>(wholeNumber(option, layer, 1, 1000)) - 1;
    change.head = dot == std::string_view::npos
                      ? -1
                      : static_cast<int>(wholeNumber(option, text.substr(dot + 1), 1, 1000)) - 1;
    return change;
}

std::vector<std::string_view> commaList(std::string_view option, std::string_view value) {
    std::vector<std::string_view> items;
    while (true) {
        const std::size_t comma = value.find(',');
        const std::string_view item = value.substr(0, comma);
        if (item.empty())
            usageError(option, "an empty item in " + quoted(value));
        items.push_back(item);
        if (comma == std::string_view::npos)
            return items;
        value.remove_prefix(comma + 1);
    }
}

std::vector<core::HeadIntervention> headList(std::string_view option, std::string_view value) {
    std::vector<core::HeadIntervention> heads;
    for (std::string_view item : commaList(option, value))
        heads.push_back(headOf(option, item));
    return heads;
}

std::vector<std::pair<core::HeadIntervention, std::string>>
headAssignments(std::string_view option, std::string_view value) {
    std::vector<std::pair<core::HeadIntervention, std::string>> out;
    for (std::string_view item : commaList(option, value)) {
        const std::size_t equals = item.find('=');
        if (equals == std::string_view::npos || equals + 1 == item.size())
            usageError(option, quoted(item) + " is not LAYER.HEAD=VALUE (for example 2.1=" +
                                   (option == "--head-temperature" ? "0.5" : "sparsemax") + ")");
        out.emplace_back(headOf(option, item.substr(0, equals)),
                         std::string(item.substr(equals + 1)));
    }
    return out;
}

std::vector<OptionSpec> outputOptions() {
    std::vector<OptionSpec> table;
    auto add = [&](std::string name, std::string valueName, std::string help, std::string choices,
                   std::string defaultText, Apply apply) -> OptionSpec& {
        OptionSpec spec;
        spec.name = std::move(name);
        spec.valueName = std::move(valueName);
        spec.help = std::move(help);
        spec.choices = std::move(choices);
        spec.defaultText = std::move(defaultText);
        spec.apply = std::move(apply);
        table.push_back(std::move(spec));
        return table.back();
    };
    add("--embeddings", "FILE",
        "word vectors: GloVe / word2vec / fastText text (.txt, .vec) or word2vec binary (.bin)", "",
        "the built-in lexicon", [](CliOptions& o, auto option, auto value) {
            if (value.empty())
                usageError(option, "the file name is empty");
            o.embeddingsPath = value;
            o.config.embeddings = core::EmbeddingSource::File;
            o.config.embeddingsPath = value;
        });
    add("--model", "DIR",
        "a pretrained transformer's folder (config.json, .safetensors weights, tokenizer files; "
        "GPT-2, BERT, Llama, Qwen2, Mistral), or one saved by attention-lab train --save: its "
        "attention, layer by layer, on the sentence",
        "", "the built-in attention layer", [](CliOptions& o, auto option, auto value) {
            if (value.empty())
                usageError(option, "the folder name is empty");
            o.modelPath = value;
        });
    add("--words", "",
        "with --model: aggregate the pieces of each word (sum over a key word's "
        "pieces, mean over a query word's)",
        "", "", [](CliOptions& o, auto, auto) { o.transformer.words = true; });
    add("--hide-special", "",
        "with --model: leave the special tokens the tokenizer adds ([CLS], "
        "[SEP], <s>) out of the maps",
        "", "", [](CliOptions& o, auto, auto) { o.transformer.showSpecialTokens = false; });
    add("--top-k", "K", "with --model: predictions kept (next token, or [MASK] fill-ins); 0 to 50",
        "", "10", [](CliOptions& o, auto option, auto value) {
            o.transformer.topK = static_cast<int>(wholeNumber(option, value, 0, 50));
        });
    add("--ablate", "L.H,...",
        "with --model: zero the output of these heads (1-based layer.head; "
        "L alone for a whole layer)",
        "", "", [](CliOptions& o, auto option, auto value) {
            for (core::HeadIntervention change : headList(option, value)) {
                change.ablate = true;
                o.transformer.interventions.push_back(change);
            }
        });
    add("--head-normalizer", "L.H=NAME,...",
        "with --model: another normaliser for these heads at inference (sparsemax, hardmax, …)", "",
        "", [](CliOptions& o, auto option, auto value) {
            for (auto& [change, text] : headAssignments(option, value)) {
                try {
                    change.normalizer = core::parseNormalizer(text);
                } catch (const core::InputError& error) {
                    usageError(option, error.what());
                }
                o.transformer.interventions.push_back(change);
            }
        });
    add("--head-temperature", "L.H=T,...",
        "with --model: divide these heads' logits by T at inference", "", "",
        [](CliOptions& o, auto option, auto value) {
            for (auto& [change, text] : headAssignments(option, value)) {
                change.temperature = static_cast<float>(parseNumber(option, text, 1e-6, 1e6));
                o.transformer.interventions.push_back(change);
            }
        });
    add("--export-data", "FILE",
        "compute without the window and write every number to FILE: .json (all matrices), "
        ".csv or .npy (the weights)",
        "", "",
        [](CliOptions& o, auto option, auto value) {
            try {
                core::dataFormatForPath(std::string(value));
            } catch (const core::InputError& error) {
                usageError(option, error.what());
            }
            o.exportDataPath = value;
        })
        .headlessOutput = true;
    add("--csv-bom", "",
        "start a .csv file of --export-data with the UTF-8 byte-order mark, so that spreadsheet "
        "programs read its tokens (Chinese among them) as UTF-8",
        "", "on", [](CliOptions& o, auto option, auto) {
            o.csvByteOrderMark = true;
            o.csvOption = option;
        });
    add("--no-csv-bom", "",
        "leave the byte-order mark out of a .csv file (for programs that do not expect it)", "", "",
        [](CliOptions& o, auto option, auto) {
            if (!o.csvOption.empty())
                usageError(option, "contradicts " + o.csvOption + "; give one of them");
            o.csvByteOrderMark = false;
            o.csvOption = option;
        });
    add("--export", "FILE",
        "draw the heatmaps without the window into FILE: .png, .svg (vector) or .pdf (vector, "
        "fonts embedded)",
        "", "",
        [](CliOptions& o, auto option, auto value) {
            if (value.empty())
                usageError(option, "the file name is empty");
            o.image.path = value;
        })
        .headlessOutput = true;
    add("--view", "VIEW",
        "what --export draws: every head and their mean, the mean, the maximum, one head, or "
        "the weights of query row Q as bars; for a model of several layers (--model) also every "
        "layer × head as small maps (model: rows are layers L1…, columns heads H1…; a model of "
        "one layer is refused with exit status 1), the heads of layer L, head H of layer L, or "
        "the rollout over the layers (counted from 1)",
        "grid, combined, max, head:K, details:Q, model, layer:L, head:L.H, rollout", "grid",
        [](CliOptions& o, auto option, auto value) {
            checkView(option, value);
            o.image.view = value;
        })
        .figureOnly = true;
    add("--width", "W", "figure width in pixels (PNG) or points (SVG, PDF)", "",
        "fitted to the content",
        [](CliOptions& o, auto option, auto value) {
            o.image.width = static_cast<int>(parseNumber(option, value, 64, 20000));
        })
        .figureOnly = true;
    add("--height", "H", "figure height in pixels (PNG) or points (SVG, PDF)", "",
        "fitted to the content",
        [](CliOptions& o, auto option, auto value) {
            o.image.height = static_cast<int>(parseNumber(option, value, 64, 20000));
        })
        .figureOnly = true;
    add("--scale", "S", "PNG pixels per unit of width and height, 0.25 to 10", "", "2",
        [](CliOptions& o, auto option, auto value) {
            o.image.scale = parseNumber(option, value, 0.25, 10);
        })
        .figureOnly = true;
    add("--dpi", "D",
        "PNG resolution, 24 to 1200: the image gets dpi / 96 pixels per unit and records the "
        "resolution (e.g. --dpi 300 for print)",
        "", "96 x scale",
        [](CliOptions& o, auto option, auto value) {
            o.image.dpi = parseNumber(option, value, 24, 1200);
        })
        .figureOnly = true;
    add("--title", "", "stamp the sentence and settings above the figure", "", "",
        [](CliOptions& o, auto, auto) { o.image.title = true; })
        .figureOnly = true;
    add("--no-colorbar", "", "leave out the colour bar", "", "", [](CliOptions& o, auto, auto) {
        o.image.colorBar = false;
    }).figureOnly = true;
    add("--session", "FILE",
        "a saved lesson (.attnlab): its settings and view, and the model it names; other "
        "options override them. Without an output option the window opens it",
        "", "", [](CliOptions& o, auto option, auto value) {
            if (value.empty())
                usageError(option, "the file name is empty");
            o.sessionPath = value;
        });
    add("--lesson", "FILE", "the same as --session", "", "",
        [](CliOptions& o, auto option, auto value) {
            if (value.empty())
                usageError(option, "the file name is empty");
            o.sessionPath = value;
        });
    add("--help", "", "show this help and exit", "", "",
        [](CliOptions& o, auto, auto) { o.help = true; });
    add("--version", "", "show the version and exit", "", "",
        [](CliOptions& o, auto, auto) { o.version = true; });
    return table;
}

// Every option: the settings of the schema that have one, in schema order, then the rest.
const std::vector<OptionSpec>& optionTable() {
    static const std::vector<OptionSpec> table = [] {
        const core::SettingsValues defaults;
        std::vector<OptionSpec> all;
        for (const core::Setting& setting : core::settingsSchema())
            if (!setting.option.empty())
                all.push_back(settingOption(setting, defaults));
        std::vector<OptionSpec> rest = outputOptions();
        // --embeddings belongs with the settings in the help, before the outputs.
        all.insert(all.end(), std::make_move_iterator(rest.begin()),
                   std::make_move_iterator(rest.end()));
        return all;
    }();
    return table;
}

const OptionSpec* findOption(std::string_view name) {
    if (name == "-h")
        name = "--help";
    for (const OptionSpec& spec : optionTable())
        if (spec.name == name)
            return &spec;
    return nullptr;
}

// The option an argument names ("--heads", "--heads=3", "-h"), or null.
const OptionSpec* optionOfArgument(std::string_view argument) {
    if (!argument.starts_with("-"))
        return nullptr;
    return findOption(argument.substr(0, argument.find('=')));
}

[[noreturn]] void unknownOption(std::string_view name) {
    std::vector<std::string_view> names;
    for (const OptionSpec& spec : optionTable())
        names.push_back(spec.name);
    app::unknownOption(name, names);
}

[[noreturn]] void unexpectedArgument(std::string_view argument) {
    throw UsageError("unexpected argument " + quoted(argument) +
                     "; every setting is an option such as --sentence TEXT (a lesson file ends in "
                     ".attnlab)");
}

// A lone argument that names a lesson: a .attnlab file (read later, so a missing one is an input
// error naming it) or any existing file (a file manager may pass another name).
bool isLessonArgument(std::string_view argument) {
    if (argument.size() > 8 && argument.ends_with(".attnlab"))
        return true;
    std::error_code error;
    return std::filesystem::is_regular_file(std::filesystem::path(argument), error);
}

// CLI11 reads "--name=" as a missing value; the command line has always meant an empty one.
// It also takes an option name as the value of the option before it; a forgotten value is a
// mistake worth naming instead.
std::vector<std::string> preparedArguments(const std::vector<std::string>& args) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& argument = args[i];
        const OptionSpec* spec = optionOfArgument(argument);
        const std::size_t equals = argument.find('=');
        if (spec && spec->takesValue() && equals == std::string::npos &&
            (i + 1 >= args.size() || optionOfArgument(args[i + 1])))
            usageError(spec->name, "missing value; write " + spec->name + " " + spec->valueName);
        if (spec && spec->takesValue() && equals != std::string::npos &&
            equals + 1 == argument.size()) {
            out.push_back(argument.substr(0, equals));
            out.emplace_back();
            continue;
        }
        if (spec && !spec->takesValue() && equals != std::string::npos)
            usageError(spec->name, "takes no value");
        out.push_back(argument);
        if (spec && spec->takesValue() && equals == std::string::npos)
            out.push_back(args[++i]); // the value, whatever it looks like
    }
    return out;
}

// CLI11's complaint about `args` turned into the project's messages, which name the option.
[[noreturn]] void rethrowParseError(const CLI::ParseError& error,
                                    const std::vector<std::string>& args) {
    const std::string what = error.what();
    if (dynamic_cast<const CLI::ExtrasError*>(&error)) {
        // The first argument CLI11 could not place.
        for (const std::string& argument : args) {
            if (argument.starts_with("-") && !optionOfArgument(argument))
                unknownOption(argument.substr(0, argument.find('=')));
        }
        bool lessonSeen = false;
        for (const std::string& argument : args) {
            if (!argument.starts_with("-") && isLessonArgument(argument)) {
                if (lessonSeen)
                    usageError("--session", "given more than once");
                lessonSeen = true;
            }
        }
        const std::size_t colon = what.rfind(": ");
        unexpectedArgument(colon == std::string::npos ? what : what.substr(colon + 2));
    }
    const std::size_t colon = what.find(':');
    const std::string option = colon == std::string::npos ? std::string() : what.substr(0, colon);
    if (what.find("At Most") != std::string::npos)
        usageError(option, "given more than once");
    throw UsageError(what);
}

} // namespace

void printProgramError(std::ostream& err, std::string_view message) {
    err << kProgram << ": " << message << '\n';
}

bool wantsImage(const std::vector<std::string>& args) {
    for (const std::string& argument : args) {
        const OptionSpec* spec = optionOfArgument(argument);
        if (spec && spec->name == "--export")
            return true;
    }
    return false;
}

bool wantsHeadless(const std::vector<std::string>& args) {
    for (const std::string& argument : args) {
        const OptionSpec* spec = optionOfArgument(argument);
        if (spec && (spec->headlessOutput || spec->name == "--help" || spec->name == "--version"))
            return true;
    }
    return false;
}

CliOptions parseArguments(const std::vector<std::string>& args, const core::Config& base,
                          const core::SessionView& baseView) {
    const std::vector<std::string> prepared = preparedArguments(args);

    CLI::App app{"Explore the attention mechanism", std::string(kProgram)};
    app.set_help_flag(); // --help is an option of ours, answered after parsing
    std::map<const OptionSpec*, std::string> values;
    std::map<const OptionSpec*, CLI::Option*> given;
    for (const OptionSpec& spec : optionTable()) {
        std::string names = spec.name == "--help" ? "-h,--help" : spec.name;
        CLI::Option* option = nullptr;
        if (spec.takesValue()) {
            option = app.add_option(names, values[&spec], spec.help)->type_name(spec.valueName);
        } else {
            option = app.add_flag(names, spec.help)->disable_flag_override();
        }
        given[&spec] = option;
    }
    std::string lesson;
    app.add_option("lesson", lesson, "a lesson file to open");

    std::vector<std::string> reversed(prepared.rbegin(), prepared.rend());
    try {
        app.parse(reversed);
    } catch (const CLI::ParseError& error) {
        rethrowParseError(error, prepared);
    }

    CliOptions options;
    core::SettingsValues settings{base, baseView};
    if (base.embeddings == core::EmbeddingSource::File)
        options.embeddingsPath = base.embeddingsPath;
    if (!lesson.empty()) {
        if (!isLessonArgument(lesson))
            unexpectedArgument(lesson);
        options.sessionPath = lesson;
    }
    options.config = settings.config;
    bool figureOptionGiven = false;
    std::string figureOption;
    // In table order, which is the order of --help; every value was already split off its option.
    for (const OptionSpec& spec : optionTable()) {
        if (given[&spec]->count() == 0)
            continue;
        if (spec.name == "--session" && !options.sessionPath.empty())
            usageError("--session", "given more than once");
        const std::string& value = values[&spec];
        if (spec.setting && spec.setting->key == "mask" && value.starts_with("custom:")) {
            // The file is read with the other inputs (runHeadless), so that a missing or
            // malformed one is an input error naming the file.
            options.maskPath = value.substr(7);
            if (options.maskPath.empty())
                usageError(spec.name, "the file name after custom: is empty; write custom:FILE");
            options.config.mask = core::MaskSpec{};
            options.config.mask.kind = core::MaskKind::Custom;
            continue;
        }
        if (spec.setting) {
            if (spec.setting->key == "projection" && value == "manual")
                usageError(spec.name, "manual projections are typed in the window; choose "
                                      "identity or random here, or open a lesson that holds "
                                      "them with --session");
            try {
                settings.config = options.config;
                spec.setting->set(settings, value);
                options.config = settings.config;
            } catch (const core::SettingFormatError& error) {
                usageError(spec.name, error.what());
            }
            if (spec.setting->key == "d_model")
                options.dModelGiven = true;
        } else {
            spec.apply(options, spec.name, value);
        }
        if (spec.figureOnly && !figureOptionGiven) {
            figureOptionGiven = true;
            figureOption = spec.name;
        }
    }
    options.view = settings.view;
    if (!options.csvOption.empty() && options.hasHeadlessOutput() &&
        (options.exportDataPath.empty() ||
         core::dataFormatForPath(options.exportDataPath) != core::DataFormat::Csv))
        usageError(options.csvOption, "shapes the .csv file of --export-data; add "
                                      "--export-data FILE.csv or leave it out");
    if (figureOptionGiven && options.image.path.empty() && !options.exportDataPath.empty())
        usageError(figureOption,
                   "shapes the figure of --export; add --export FILE or leave it out");
    return options;
}

CliOptions parseWithSession(const std::vector<std::string>& args) {
    CliOptions options = parseArguments(args);
    if (options.sessionPath.empty())
        return options;
    std::vector<std::string> warnings;
    const core::Session session = core::loadSessionFile(options.sessionPath, warnings);
    CliOptions merged = parseArguments(args, session.config, session.view);
    merged.lessonModel = session.lesson.model;
    merged.lessonHasComplexity = session.complexity.has_value();
    for (const std::string& warning : warnings)
        merged.warnings.push_back(options.sessionPath + ": " + warning);
    return merged;
}

std::string helpText() {
    std::string text;
    text += "Usage: attention-lab [OPTION]... --export FILE.png|.svg|.pdf --export-data FILE\n";
    text += "       attention-lab [LESSON.attnlab] [Qt options]\n";
    text += "       attention-lab train [OPTION]... (see attention-lab train --help)\n\n";
    text +=
        "Explore the attention mechanism. With --export or --export-data the program computes\n";
    text += "without a window and writes the files; without them, it opens its window.\n";
    text += "Options take their value as --option VALUE or --option=VALUE.\n\n";
    text += "Options:\n";
    constexpr std::size_t kColumn = 24;
    const std::string indent(kColumn, ' ');
    for (const OptionSpec& spec : optionTable()) {
        std::string left = spec.name == "--help" ? "  -h, --help" : "  " + spec.name;
        if (spec.takesValue())
            left += " " + spec.valueName;
        text += left;
        text += left.size() + 2 > kColumn ? "\n" + indent : std::string(kColumn - left.size(), ' ');
        text += wrapped(spec.help, kColumn);
        if (!spec.choices.empty())
            text += indent + wrapped("choices: " + spec.choices, kColumn);
        if (!spec.defaultText.empty())
            text += indent + "default: " + spec.defaultText + "\n";
    }
    text +=
        "\nExit status: 0 success, 1 input error (unreadable or malformed file, setting out of\n";
    text += "range, output not writable), 2 usage error (unknown option, missing or bad value).\n";
    return text;
}

std::string versionText() {
    return std::string(kProgram) + " " + ATTNLAB_VERSION +
           "\nLicence GPL-3.0-or-later: there is NO WARRANTY, to the extent permitted by law.\n";
}

} // namespace attnlab::app
