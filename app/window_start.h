#pragma once
// Checks made before the window is created, so that a start that cannot work ends with a message
// and an exit code instead of a window that never appears or an abort inside Qt's platform
// plugin: the command line must make sense, and there must be a display. Qt-free.

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace attnlab::app {

/// Reads an environment variable: its value, or nothing when it is not set.
using Environment = std::function<std::optional<std::string>(const std::string& name)>;

struct WindowStartProblem {
    int exitCode = 0;    ///< kExitUsageError or kExitInputError
    std::string message; ///< without the program's name; may span lines
};

/// The arguments of a start without a headless option (without the program's name), with Qt's
/// own options (-platform NAME, -style NAME, -reverse, …) taken out.
std::vector<std::string> withoutQtOptions(const std::vector<std::string>& args);

/// Why the window cannot start, or nothing. A usage error (exit 2) for an unknown option, a
/// missing value, or an argument that is neither an option nor an existing lesson file; a
/// missing display (exit 1) when Qt's platform would need one that the environment lacks
/// (DISPLAY for xcb, WAYLAND_DISPLAY for wayland; other platforms such as offscreen need none).
std::optional<WindowStartProblem> checkWindowStart(const std::vector<std::string>& args,
                                                   const Environment& environment);

/// What to do instead of the window: "To compute without a window, add --export …".
std::string headlessHint();

} // namespace attnlab::app
