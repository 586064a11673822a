#pragma once
// Entry point of the graphical program.

#include "core/model/builtin_model.h"

#include <QString>
#include <QStringList>

#include <functional>
#include <optional>

namespace attnlab::ui {

/// What the command line asks the window to show at start.
struct StartupRequest {
    QString sessionPath;                ///< a lesson to open (--session FILE or FILE.attnlab)
    QString modelPath;                  ///< a pretrained model's folder to open (--model DIR)
    std::optional<core::Config> config; ///< settings given as options (over the lesson's, if any)
    QString error;                      ///< a command line that could not be understood
};

/// Reads the arguments the QApplication left (Qt's own options removed), without the program.
using StartupParser = std::function<StartupRequest(const QStringList& arguments)>;

/// Sets the application's name, organisation and version (settings, window titles, exports).
void setApplicationIdentity();

/// Creates the application and the main window and runs the event loop; returns its exit code.
/// `started` is called as soon as the application exists (its platform started), before any
/// window is made.
int runGui(int& argc, char** argv, const StartupParser& parse = {},
           const std::function<void()>& started = {});

} // namespace attnlab::ui
