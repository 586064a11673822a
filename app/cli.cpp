#include "cli.h"

#include "core/io/data_export.h"
#include "core/embeddings/embeddings.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <functional>
#include <memory>
#include <new>
#include <ostream>
#include <set>
#include <system_error>

#ifndef ATTNLAB_VERSION
#define ATTNLAB_VERSION "unknown"
#endif

namespace attnlab::app {
namespace {

constexpr std::string_view kProgram = "attention-lab";

// One command-line option. `apply` receives the option's name (for messages) and its value
// (empty for flags) and throws UsageError for a value it cannot take.
struct OptionSpec {
    using Apply = std::function<void(CliOptions&, std::string_view option, std::string_view value)>;

    std::string_view name;       ///< "--heads"
    std::string_view valueName;  ///< "N" in the help; empty for a flag
    std::string help;            ///< what it sets, in a few words
    std::string choices;         ///< "dot, scaled-dot, …" for the help; empty = free value
    std::string defaultText;     ///< shown as "default: …"; empty = not shown
    bool headlessOutput = false; ///< asks for work without the window
    Apply apply;

    bool takesValue() const { return !valueName.empty(); }
};

std::string quoted(std::string_view text) {
    return "'" + std::string(text) + "'";
}

[[noreturn]] void usageError(std::string_view option, const std::string& message) {
    throw UsageError(std::string(option) + ": " + message);
}

int parseWholeNumber(std::string_view option, std::string_view value) {
    int number = 0;
    const char* end = value.data() + value.size();
    const auto [ptr, ec] = std::from_chars(value.data(), end, number);
    if (ec == std::errc::result_out_of_range)
        usageError(option, quoted(value) + " is too large");
    if (value.empty() || ec != std::errc() || ptr != end)
        usageError(option, quoted(value) + " is not a whole number");
    return number;
}

std::uint64_t parseSeed(std::string_view option, std::string_view value) {
    std::uint64_t number = 0;
    const char* end = value.data() + value.size();
    const auto [ptr, ec] = std::from_chars(value.data(), end, number);
    if (ec == std::errc::result_out_of_range)
        usageError(option, quoted(value) + " is too large (at most 18446744073709551615)");
    if (value.empty() || ec != std::errc() || ptr != end)
        usageError(option, quoted(value) + " is not a whole number of 0 or more");
    return number;
}

float parseNumber(std::string_view option, std::string_view value) {
    std::string_view digits = value;
    if (digits.starts_with('+'))
        digits.remove_prefix(1); // from_chars rejects a leading '+'; people write it
    float number = 0.0f;
    const char* end = digits.data() + digits.size();
    const auto [ptr, ec] = std::from_chars(digits.data(), end, number);
    if (ec == std::errc::result_out_of_range)
        usageError(option, quoted(value) + " is out of the range of a float");
    if (digits.empty() || ec != std::errc() || ptr != end)
        usageError(option, quoted(value) + " is not a number");
    if (!std::isfinite(number))
        usageError(option, quoted(value) + " is not a finite number");
    return number;
}

// Turns a core parser's InputError for an unknown name into a usage error naming the option.
template <typename Parse>
auto parseChoice(std::string_view option, std::string_view value, Parse parse) {
    try {
        return parse(value);
    } catch (const core::InputError& error) {
        usageError(option, error.what());
    }
}

template <typename Enum> std::string choiceList(const std::vector<Enum>& values) {
    std::string list;
    for (Enum value : values) {
        if (!list.empty())
            list += ", ";
        list += core::toString(value);
    }
    return list;
}

std::string numberText(float value) {
    char buffer[32];
    const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
    (void)ec;
    return std::string(buffer, end);
}

double parsePositive(std::string_view option, std::string_view value, double low, double high) {
    const float number = parseNumber(option, value);
    if (!(number >= low && number <= high))
        usageError(option, quoted(value) + " is out of range; use " + numberText(static_cast<float>(low)) +
                               " to " + numberText(static_cast<float>(high)));
    return number;
}

// grid | combined | max | head:K | details[:Q], K and Q counted from 1.
void checkView(std::string_view option, std::string_view value) {
    if (value == "grid" || value == "combined" || value == "max" || value == "details")
        return;
    for (std::string_view prefix : {"head:", "details:"}) {
        if (value.starts_with(prefix)) {
            const int index = parseWholeNumber(option, value.substr(prefix.size()));
            if (index < 1)
                usageError(option, "heads and rows are counted from 1");
            return;
        }
    }
    usageError(option, quoted(value) + " is not a view; choose grid, combined, max, head:K or "
                                       "details:Q");
}

void checkChoice(std::string_view option, std::string_view value,
                 std::initializer_list<std::string_view> choices) {
    for (std::string_view choice : choices)
        if (value == choice)
            return;
    std::string list;
    for (std::string_view choice : choices)
        list += (list.empty() ? "" : ", ") + std::string(choice);
    usageError(option, quoted(value) + " is not one of " + list);
}

std::vector<OptionSpec> makeOptionTable() {
    const core::Config defaults;
    const std::vector<core::ProjectionInit> projections{core::ProjectionInit::Identity,
                                                        core::ProjectionInit::Random};
    using Apply = OptionSpec::Apply;
    std::vector<OptionSpec> table;
    auto add = [&](std::string_view name, std::string_view valueName, std::string help,
                   std::string choices, std::string defaultText, Apply apply) {
        table.push_back({name, valueName, std::move(help), std::move(choices),
                         std::move(defaultText), false, std::move(apply)});
    };

    add("--sentence", "TEXT", "the query sentence (UTF-8)", "", "\"" + defaults.sentence + "\"",
        [](CliOptions& o, auto, auto value) { o.config.sentence = value; });
    add("--source", "TEXT",
        "a source sentence switches to cross-attention: queries from --sentence, keys and "
        "values from the source",
        "", "none (self-attention)",
        [](CliOptions& o, auto, auto value) { o.config.source = value; });
    add("--scoring", "NAME", "scoring function", choiceList(core::allScoringFunctions()),
        std::string(core::toString(defaults.scoring)), [](CliOptions& o, auto option, auto value) {
            o.config.scoring = parseChoice(option, value, core::parseScoringFunction);
        });
    add("--normalizer", "NAME", "turns each row of logits into weights",
        choiceList(core::allNormalizers()), std::string(core::toString(defaults.normalizer)),
        [](CliOptions& o, auto option, auto value) {
            o.config.normalizer = parseChoice(option, value, core::parseNormalizer);
        });
    add("--temperature", "T", "logits are scores / T; from 1e-6 to 1e6", "",
        numberText(defaults.temperature), [](CliOptions& o, auto option, auto value) {
            o.config.temperature = parseNumber(option, value);
        });
    add("--heads", "N", "number of heads, 1 to 16", "", std::to_string(defaults.heads),
        [](CliOptions& o, auto option, auto value) {
            o.config.heads = parseWholeNumber(option, value);
        });
    add("--d-model", "N", "embedding width, 2 to 4096; an embeddings file sets its own", "",
        std::to_string(defaults.dModel), [](CliOptions& o, auto option, auto value) {
            o.config.dModel = parseWholeNumber(option, value);
            o.dModelGiven = true;
        });
    add("--d-k", "N", "width of each head, 1 to 4096", "", "d_model / heads",
        [](CliOptions& o, auto option, auto value) {
            o.config.dK = parseWholeNumber(option, value);
        });
    add("--cosine-scale", "S", "scale s of the cosine scoring function", "",
        numberText(defaults.cosineScale), [](CliOptions& o, auto option, auto value) {
            o.config.cosineScale = parseNumber(option, value);
        });
    add("--mask", "MASK",
        "which keys a query sees: causal j <= i (self-attention only), padding:L pads the "
        "sentence with [PAD] to L tokens, window:W sees |i - j| <= W",
        "none, causal, padding:L, window:W", core::toString(defaults.mask),
        [](CliOptions& o, auto option, auto value) {
            o.config.mask = parseChoice(option, value, core::parseMask);
        });
    add("--positional", "NAME", "positional encoding", choiceList(core::allPositionalEncodings()),
        std::string(core::toString(defaults.positional)),
        [](CliOptions& o, auto option, auto value) {
            o.config.positional = parseChoice(option, value, core::parsePositionalEncoding);
        });
    add("--projection", "NAME",
        "W_q, W_k, W_v, W_o: identity slices or seeded Xavier-normal random matrices",
        choiceList(projections), std::string(core::toString(defaults.projection)),
        [](CliOptions& o, auto option, auto value) {
            const auto init = parseChoice(option, value, core::parseProjectionInit);
            if (init == core::ProjectionInit::Manual)
                usageError(option, "manual projections are typed in the window; choose "
                                   "identity or random");
            o.config.projection = init;
        });
    add("--seed", "N", "seed of random projections and scoring parameters", "",
        std::to_string(defaults.seed),
        [](CliOptions& o, auto option, auto value) { o.config.seed = parseSeed(option, value); });
    add("--embeddings", "FILE",
        "word vectors: GloVe / word2vec / fastText text (.txt, .vec) or word2vec binary (.bin)", "",
        "the built-in lexicon", [](CliOptions& o, auto option, auto value) {
            if (value.empty())
                usageError(option, "the file name is empty");
            o.embeddingsPath = value;
            o.config.embeddings = core::EmbeddingSource::File;
            o.config.embeddingsPath = value;
        });
    add("--tokenizer", "MODE", "how sentences are split into tokens",
        choiceList(core::allTokenizerModes()), std::string(core::toString(defaults.tokenizer.mode)),
        [](CliOptions& o, auto option, auto value) {
            o.config.tokenizer.mode = parseChoice(option, value, core::parseTokenizerMode);
        });
    add("--export-data", "FILE",
        "compute without the window and write every number to FILE: .json (all matrices), "
        ".csv or .npy (the weights)",
        "", "", [](CliOptions& o, auto option, auto value) {
            try {
                core::dataFormatForPath(std::string(value));
            } catch (const core::InputError& error) {
                usageError(option, error.what());
            }
            o.exportDataPath = value;
        });
    table.back().headlessOutput = true;
    add("--export", "FILE",
        "draw the heatmaps without the window into FILE: .png, .svg (vector) or .pdf (vector, "
        "fonts embedded)",
        "", "", [](CliOptions& o, auto option, auto value) {
            if (value.empty())
                usageError(option, "the file name is empty");
            o.image.path = value;
        });
    table.back().headlessOutput = true;
    add("--view", "VIEW",
        "what --export draws: every head and their mean, the mean, the maximum, one head, or "
        "the weights of query row Q as bars",
        "grid, combined, max, head:K, details:Q", "grid", [](CliOptions& o, auto option, auto value) {
            checkView(option, value);
            o.image.view = value;
        });
    add("--width", "W", "figure width in pixels (PNG) or points (SVG, PDF)", "", "fitted to the content",
        [](CliOptions& o, auto option, auto value) {
            o.image.width = static_cast<int>(parsePositive(option, value, 64, 20000));
        });
    add("--height", "H", "figure height in pixels (PNG) or points (SVG, PDF)", "", "fitted to the content",
        [](CliOptions& o, auto option, auto value) {
            o.image.height = static_cast<int>(parsePositive(option, value, 64, 20000));
        });
    add("--scale", "S", "PNG pixels per unit of width and height, 0.25 to 10", "", "2",
        [](CliOptions& o, auto option, auto value) {
            o.image.scale = parsePositive(option, value, 0.25, 10);
        });
    add("--dpi", "D",
        "PNG resolution, 24 to 1200: the image gets dpi / 96 pixels per unit and records the "
        "resolution (e.g. --dpi 300 for print)",
        "", "96 x scale", [](CliOptions& o, auto option, auto value) {
            o.image.dpi = parsePositive(option, value, 24, 1200);
        });
    add("--title", "", "stamp the sentence and settings above the figure", "", "",
        [](CliOptions& o, auto, auto) { o.image.title = true; });
    add("--no-colorbar", "", "leave out the colour bar", "", "",
        [](CliOptions& o, auto, auto) { o.image.colorBar = false; });
    add("--colormap", "NAME", "colours of the heatmaps", "viridis, cividis, magma, grayscale",
        "viridis", [](CliOptions& o, auto option, auto value) {
            checkChoice(option, value, {"viridis", "cividis", "magma", "grayscale"});
            o.image.colorMap = value;
        });
    add("--color-scale", "MODE",
        "shared: 0 to 1 for every map; fitted: 0 to the largest weight shown; per-head: each "
        "map its own",
        "shared, fitted, per-head", "shared", [](CliOptions& o, auto option, auto value) {
            checkChoice(option, value, {"shared", "fitted", "per-head"});
            o.image.colorScale = value;
        });
    add("--values", "MODE", "numbers inside the cells (auto: up to 12 tokens)", "auto, on, off",
        "auto", [](CliOptions& o, auto option, auto value) {
            checkChoice(option, value, {"auto", "on", "off"});
            o.image.values = value;
        });
    add("--session", "FILE",
        "a saved lesson (.attnlab): its settings and view; other options override them. "
        "Without an output option the window opens it",
        "", "", [](CliOptions& o, auto option, auto value) {
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

const std::vector<OptionSpec>& optionTable() {
    static const std::vector<OptionSpec> table = makeOptionTable();
    return table;
}

// "-h" is the one short alias.
std::string_view canonicalName(std::string_view name) {
    return name == "-h" ? "--help" : name;
}

const OptionSpec* findOption(std::string_view name) {
    name = canonicalName(name);
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

std::size_t editDistance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j)
        row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            row[j] =
                std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[b.size()];
}

[[noreturn]] void unknownOption(std::string_view name) {
    std::string message = "unknown option " + quoted(name);
    const OptionSpec* closest = nullptr;
    std::size_t best = 3; // suggest only near misses
    for (const OptionSpec& spec : optionTable()) {
        const std::size_t distance = editDistance(name, spec.name);
        if (distance < best) {
            best = distance;
            closest = &spec;
        }
    }
    if (closest)
        message += "; did you mean " + std::string(closest->name) + "?";
    throw UsageError(message);
}

void printError(std::ostream& err, std::string_view message) {
    err << kProgram << ": " << message << '\n';
}

constexpr std::size_t kHelpWidth = 80;

// `text` broken at spaces into lines of at most `width` characters, all lines but the first
// indented to `column`; ends in a newline.
std::string wrapped(std::string_view text, std::size_t column, std::size_t width) {
    std::string result;
    std::size_t lineLength = column;
    while (!text.empty()) {
        const std::size_t space = text.find(' ');
        const std::string_view word = text.substr(0, space);
        text = space == std::string_view::npos ? std::string_view() : text.substr(space + 1);
        if (lineLength > column && lineLength + 1 + word.size() > width) {
            result += "\n" + std::string(column, ' ');
            lineLength = column;
        } else if (lineLength > column) {
            result += ' ';
            ++lineLength;
        }
        result += word;
        lineLength += word.size();
    }
    return result + "\n";
}

} // namespace

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

CliOptions parseArguments(const std::vector<std::string>& args, const core::Config& base) {
    CliOptions options;
    options.config = base;
    if (base.embeddings == core::EmbeddingSource::File)
        options.embeddingsPath = base.embeddingsPath;
    std::set<std::string_view> seen;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string_view argument = args[i];
        if (argument.size() > 8 && argument.ends_with(".attnlab") && !argument.starts_with("-")) {
            // A lone lesson file, as a file manager passes it.
            if (!seen.insert("--session").second)
                usageError("--session", "given more than once");
            options.sessionPath = argument;
            continue;
        }
        if (!argument.starts_with("-") || argument == "-" || argument == "--")
            throw UsageError("unexpected argument " + quoted(argument) +
                             "; every setting is an option such as --sentence TEXT (a lesson "
                             "file ends in .attnlab)");
        const std::size_t equals = argument.find('=');
        const std::string_view name = argument.substr(0, equals);
        const OptionSpec* spec = findOption(name);
        if (!spec)
            unknownOption(name);
        if (!seen.insert(spec->name).second)
            usageError(spec->name, "given more than once");

        std::string_view value;
        if (equals != std::string_view::npos) {
            if (!spec->takesValue())
                usageError(spec->name, "takes no value");
            value = argument.substr(equals + 1);
        } else if (spec->takesValue()) {
            // The next argument is the value unless it is itself an option (a forgotten value).
            if (i + 1 >= args.size() || optionOfArgument(args[i + 1]))
                usageError(spec->name, "missing value; write " + std::string(spec->name) + " " +
                                           std::string(spec->valueName));
            value = args[++i];
        }
        spec->apply(options, spec->name, value);
    }
    return options;
}

CliOptions parseWithSession(const std::vector<std::string>& args) {
    CliOptions options = parseArguments(args);
    if (options.sessionPath.empty())
        return options;
    std::vector<std::string> warnings;
    const core::Session session = core::loadSessionFile(options.sessionPath, warnings);
    CliOptions merged = parseArguments(args, session.config);
    merged.view = session.view;
    for (const std::string& warning : warnings)
        merged.warnings.push_back(options.sessionPath + ": " + warning);
    return merged;
}

std::string helpText() {
    std::string text;
    text += "Usage: attention-lab [OPTION]... --export FILE.png|.svg|.pdf --export-data FILE\n";
    text += "       attention-lab [LESSON.attnlab] [Qt options]\n\n";
    text += "Explore the attention mechanism. With --export or --export-data the program computes\n";
    text += "without a window and writes the files; without them, it opens its window.\n";
    text += "Options take their value as --option VALUE or --option=VALUE.\n\n";
    text += "Options:\n";
    constexpr std::size_t kColumn = 24;
    const std::string indent(kColumn, ' ');
    for (const OptionSpec& spec : optionTable()) {
        std::string left = spec.name == "--help" ? "  -h, --help" : "  " + std::string(spec.name);
        if (spec.takesValue())
            left += " " + std::string(spec.valueName);
        text += left;
        text += left.size() + 2 > kColumn ? "\n" + indent : std::string(kColumn - left.size(), ' ');
        text += wrapped(spec.help, kColumn, kHelpWidth);
        if (!spec.choices.empty())
            text += indent + "choices: " + spec.choices + "\n";
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

int runHeadless(const CliOptions& options, std::ostream& err, const ImageExporter& exportImage) {
    try {
        if (!options.image.path.empty() && !exportImage)
            throw core::InputError("--export: this build cannot draw images; use --export-data");
        // What this run reads: no output may replace one of them (through links too).
        core::InputFiles inputs;
        inputs.add(options.sessionPath, "the lesson");
        inputs.add(options.embeddingsPath, "the embeddings file");
        core::WriteOptions write;
        write.inputs = &inputs;
        core::Config config = options.config;
        if (!options.embeddingsPath.empty()) {
            core::EmbeddingLoadResult loaded =
                core::loadEmbeddings(options.embeddingsPath, core::EmbeddingLoadOptions{});
            for (const std::string& warning : loaded.warnings)
                printError(err, "warning: " + warning);
            config.table = std::make_shared<const core::EmbeddingTable>(std::move(loaded.table));
            config.embeddings = core::EmbeddingSource::File;
            config.embeddingsPath = options.embeddingsPath;
            // The file decides d_model; core warns only when an explicit --d-model disagrees.
            if (!options.dModelGiven)
                config.dModel = config.table->dimension();
        }
        const core::Result result = core::compute(config);
        for (const std::string& warning : result.warnings)
            printError(err, "warning: " + warning);
        std::vector<std::string> notes;
        if (!options.exportDataPath.empty())
            notes = core::exportData(result, options.exportDataPath, write);
        if (!options.image.path.empty())
            for (std::string& note : exportImage(result, options.image, options.view, write))
                notes.push_back(std::move(note));
        for (const std::string& note : notes)
            printError(err, "warning: " + note);
    } catch (const std::bad_alloc&) {
        printError(err, "not enough memory for this request (fewer tokens or heads, or a smaller "
                        "d_model, need less); nothing was written");
        return kExitInputError;
    } catch (const std::exception& error) {
        // InputError and FileError carry messages written for the user; anything else
        // (out of memory) is still better reported than thrown out of main.
        printError(err, error.what());
        return kExitInputError;
    }
    return kExitSuccess;
}

int runCommandLine(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
                   const ImageExporter& exportImage) {
    CliOptions options;
    try {
        options = parseArguments(args);
        if (!options.help && !options.version && !options.hasHeadlessOutput())
            throw UsageError("nothing to write: add --export FILE or --export-data FILE (or start "
                             "without them for the window)");
    } catch (const UsageError& error) {
        printError(err, error.what());
        err << "Try '" << kProgram << " --help' for the options.\n";
        return kExitUsageError;
    }
    if (!options.help && !options.version && !options.sessionPath.empty()) {
        try {
            options = parseWithSession(args);
        } catch (const std::exception& error) {
            printError(err, error.what());
            return kExitInputError;
        }
        for (const std::string& warning : options.warnings)
            printError(err, "warning: " + warning);
    }
    if (options.help) {
        out << helpText();
        return kExitSuccess;
    }
    if (options.version) {
        out << versionText();
        return kExitSuccess;
    }
    return runHeadless(options, err, exportImage);
}

} // namespace attnlab::app
