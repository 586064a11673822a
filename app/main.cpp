// Decides between the headless command line and the window. Data exports never create a
// QApplication, so they work anywhere; image exports create one on the offscreen platform, so
// they need no display either.

#include "app/cli.h"
#include "app/image_export.h"
#include "ui/gui.h"

#include <QApplication>
#include <QDir>
#include <QUrl>

#include <cerrno>

#include <sys/stat.h>
#include <unistd.h>

#include <iostream>
#include <string>
#include <vector>

namespace {

using namespace attnlab;

// The window's reading of its command line: a lesson to open and settings to apply.
ui::StartupRequest parseStartup(const QStringList& rawArguments) {
    // A file manager passes a path (Exec=... %f), but a launcher using %u passes a file:// URI.
    QStringList arguments;
    for (const QString& argument : rawArguments)
        arguments.append(argument.startsWith(QLatin1String("file://"))
                             ? QUrl(argument).toLocalFile()
                             : argument);
    // A lone file is a lesson whatever its name: the desktop's MIME type also recognises a
    // lesson by its content (a .json or .ATTNLAB name), and the lesson reader checks the rest.
    if (arguments.size() == 1 && !arguments.front().startsWith(QLatin1Char('-'))) {
        ui::StartupRequest request;
        request.sessionPath = arguments.front();
        return request;
    }
    std::vector<std::string> args;
    bool settingsGiven = false;
    for (const QString& argument : arguments) {
        args.push_back(argument.toStdString());
        if (argument.startsWith(QLatin1String("--")) &&
            !argument.startsWith(QLatin1String("--session")))
            settingsGiven = true;
    }
    ui::StartupRequest request;
    try {
        const app::CliOptions options = app::parseWithSession(args);
        request.sessionPath = QString::fromStdString(options.sessionPath);
        request.modelPath = QString::fromStdString(options.modelPath);
        if (settingsGiven)
            request.config = options.config;
    } catch (const std::exception& error) {
        request.error = QString::fromUtf8(error.what());
    }
    return request;
}

} // namespace

int main(int argc, char** argv) {
    const std::vector<std::string> args(argv + (argc > 0 ? 1 : 0), argv + argc);
    if (!app::wantsHeadless(args))
        return ui::runGui(argc, argv, parseStartup);
    if (!app::wantsImage(args))
        return app::runCommandLine(args, std::cout, std::cerr);

    // Drawing needs a QApplication, but not a screen: only exporting, it draws offscreen.
    // Always offscreen, even where the environment names a desktop platform: an export never
    // shows a window, and must work the same over ssh, in CI and on a desktop.
    qputenv("QT_QPA_PLATFORM", "offscreen");
    if (qEnvironmentVariableIsEmpty("XDG_RUNTIME_DIR")) {
        // What Qt would fall back to anyway, without a warning on stderr that is not ours.
        const QByteArray runtime =
            QDir::tempPath().toUtf8() + "/runtime-" + QByteArray::number(::getuid());
        if (::mkdir(runtime.constData(), 0700) == 0 || errno == EEXIST)
            qputenv("XDG_RUNTIME_DIR", runtime);
    }
    int qtArgc = 1; // the options are ours, not Qt's
    QApplication application(qtArgc, argv);
    ui::setApplicationIdentity();
    return app::runCommandLine(args, std::cout, std::cerr, app::exportImage);
}
