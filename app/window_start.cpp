#include "window_start.h"

#include "cli.h"

#include <algorithm>
#include <array>
#include <string_view>

#include <sys/stat.h>

namespace attnlab::app {
namespace {

// Qt's own command-line options (QGuiApplication, QApplication, the xcb platform): those that
// take a value, and flags.
constexpr std::array<std::string_view, 16> kQtOptionsWithValue = {
    "-platform",     "-platformpluginpath", "-platformtheme", "-plugin", "-qwindowgeometry",
    "-qwindowicon",  "-qwindowtitle",       "-session",       "-style",  "-stylesheet",
    "-display",      "-geometry",           "-name",          "-title",  "-visual",
    "-qmljsdebugger"};
constexpr std::array<std::string_view, 6> kQtFlags = {"-reverse", "-widgetcount", "-nograb",
                                                      "-dograb",  "-sync",        "-testability"};

bool isOneOf(std::string_view name, const auto& list) {
    return std::find(list.begin(), list.end(), name) != list.end();
}

// The value of Qt's option `name` ("-platform xcb" or "-platform=xcb"), if given.
std::optional<std::string> qtOption(const std::vector<std::string>& args, std::string_view name) {
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string_view arg = args[i];
        if (arg == name && i + 1 < args.size())
            return args[i + 1];
        if (arg.starts_with(name) && arg.size() > name.size() && arg[name.size()] == '=')
            return std::string(arg.substr(name.size() + 1));
    }
    return std::nullopt;
}

bool isSet(const Environment& environment, const std::string& name) {
    const std::optional<std::string> value = environment(name);
    return value && !value->empty();
}

// Whether Qt's platform `name` ("xcb", "wayland-egl", "offscreen:fontengine=freetype") can start
// here as far as the environment tells.
bool platformCanStart(std::string_view name, const std::vector<std::string>& args,
                      const Environment& environment) {
    const std::string_view base = name.substr(0, name.find(':'));
    if (base == "xcb")
        return isSet(environment, "DISPLAY") || qtOption(args, "-display").has_value();
    if (base.starts_with("wayland"))
        return isSet(environment, "WAYLAND_DISPLAY");
    return !base.empty(); // offscreen, minimal, vnc, eglfs, linuxfb: no display server needed
}

bool displayAvailable(const std::vector<std::string>& args, const Environment& environment) {
    std::string platforms = qtOption(args, "-platform").value_or(std::string());
    if (platforms.empty())
        platforms = environment("QT_QPA_PLATFORM").value_or(std::string());
    if (platforms.empty()) // Qt's default on Linux: the X server, or Wayland where it is chosen
        return isSet(environment, "DISPLAY") || isSet(environment, "WAYLAND_DISPLAY");
    // "wayland;xcb": Qt tries each in turn.
    std::string_view rest = platforms;
    while (!rest.empty()) {
        const std::size_t semicolon = rest.find(';');
        if (platformCanStart(rest.substr(0, semicolon), args, environment))
            return true;
        rest =
            semicolon == std::string_view::npos ? std::string_view() : rest.substr(semicolon + 1);
    }
    return false;
}

bool givenWithSessionOption(const std::vector<std::string>& args) {
    return std::any_of(args.begin(), args.end(), [](const std::string& arg) {
        return arg == "--session" || arg.starts_with("--session=");
    });
}

} // namespace

std::vector<std::string> withoutQtOptions(const std::vector<std::string>& args) {
    std::vector<std::string> ours;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string_view arg = args[i];
        const std::string_view name = arg.substr(0, arg.find('='));
        if (arg.starts_with("--") || !arg.starts_with("-")) {
            ours.push_back(args[i]);
        } else if (isOneOf(name, kQtOptionsWithValue)) {
            if (name == arg) // the value is the next argument
                ++i;
        } else if (!isOneOf(arg, kQtFlags)) {
            ours.push_back(args[i]); // "-h" and unknown short options: ours to judge
        }
    }
    return ours;
}

std::optional<WindowStartProblem> checkWindowStart(const std::vector<std::string>& args,
                                                   const Environment& environment) {
    const std::vector<std::string> ours = withoutQtOptions(args);
    try {
        const CliOptions options = parseArguments(ours);
        // A lone argument is a lesson only if it is there; otherwise it is a mistake (a
        // mistyped sub-command or option) that a window could not show over ssh anyway.
        if (!options.sessionPath.empty() && !givenWithSessionOption(ours)) {
            struct stat info {};
            if (::stat(options.sessionPath.c_str(), &info) != 0 || !S_ISREG(info.st_mode))
                throw UsageError("'" + options.sessionPath +
                                 "' is neither an option nor a lesson file (there is no such "
                                 "file); every setting is an option such as --sentence TEXT");
        }
    } catch (const UsageError& error) {
        return WindowStartProblem{kExitUsageError, error.what()};
    }
    if (!displayAvailable(args, environment)) {
        std::string message = "no display was found (DISPLAY and WAYLAND_DISPLAY are not set), "
                              "so the window cannot open.\n" +
                              headlessHint();
        // A lesson about the complexity lab has a command of its own.
        const CliOptions options = parseArguments(ours);
        if (std::string hint = complexityLessonHint(options.sessionPath); !hint.empty()) {
            hint.front() = 'T'; // a sentence of its own
            message += "\n" + hint;
        }
        return WindowStartProblem{kExitInputError, message};
    }
    return std::nullopt;
}

std::string headlessHint() {
    return "To compute without a window, add --export FILE.png (or .svg, .pdf) for the heatmaps "
           "or --export-data FILE (.json, .csv, .npy) for the numbers; see --help.";
}

} // namespace attnlab::app
