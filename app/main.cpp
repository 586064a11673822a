// Decides between the headless command line and the window. Data exports never create a
// QApplication, so they work anywhere; image exports create one on the offscreen platform, so
// they need no display either.

#include "app/cli.h"
#include "app/complexity_command.h"
#include "app/image_export.h"
#include "app/train_command.h"
#include "app/window_start.h"
#include "ui/gui.h"

#include "core/base/memory.h"
#include "core/io/mask_file.h"

#include <QApplication>
#include <QDir>
#include <QFile>
#include <QStringList>
#include <QUrl>
#include <QtGlobal>

#include <cerrno>
#include <cstdlib>
#include <optional>
#include <utility>

#include <sys/stat.h>
#include <unistd.h>

#include <iostream>
#include <string>
#include <vector>

namespace {

using namespace attnlab;

// A file manager passes a path (Exec=... %f), but a launcher using %u passes a file:// URI.
QString localArgument(const QString& argument) {
    return argument.startsWith(QLatin1String("file://")) ? QUrl(argument).toLocalFile() : argument;
}

// The window's reading of its command line: a lesson to open and settings to apply.
ui::StartupRequest parseStartup(const QStringList& rawArguments) {
    QStringList arguments;
    for (const QString& argument : rawArguments)
        arguments.append(localArgument(argument));
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
            !argument.startsWith(QLatin1String("--session")) &&
            !argument.startsWith(QLatin1String("--lesson")))
            settingsGiven = true;
    }
    ui::StartupRequest request;
    try {
        const app::CliOptions options = app::parseWithSession(args);
        request.sessionPath = QString::fromStdString(options.sessionPath);
        request.modelPath = QString::fromStdString(options.modelPath);
        if (settingsGiven)
            request.config = options.config;
        // --mask custom:FILE: the window gets the file's cells (its shape is checked when the
        // sentence is computed, like a lesson's custom mask).
        if (request.config && !options.maskPath.empty())
            request.config->mask = core::loadMaskFile(options.maskPath).mask;
    } catch (const std::exception& error) {
        request.error = QString::fromUtf8(error.what());
    }
    return request;
}

// While the window's QApplication is being made, Qt's messages are held back: a platform that
// cannot start ends in qFatal (an abort and a core dump), which becomes one message of ours and
// exit 1; once the application exists, the held messages go out as Qt would have printed them.
QtMessageHandler g_previousHandler = nullptr;
QStringList g_heldMessages;

void holdStartupMessages(QtMsgType type, const QMessageLogContext& context, const QString& text) {
    if (type != QtFatalMsg) {
        g_heldMessages << text;
        return;
    }
    // Qt's platform warning ("could not connect to display :1") says more than its fatal text.
    const QString reason =
        g_heldMessages.isEmpty() ? text : g_heldMessages.join(QStringLiteral("; "));
    std::cerr << "attention-lab: the window cannot open: " << reason.trimmed().toStdString() << "\n"
              << app::headlessHint() << std::endl;
    (void)context;
    std::_Exit(app::kExitInputError);
}

void releaseStartupMessages() {
    qInstallMessageHandler(g_previousHandler);
    for (const QString& text : std::exchange(g_heldMessages, {}))
        qWarning().noquote() << text;
}

} // namespace

int main(int argc, char** argv) {
    // Results, training steps and exports reuse freed memory instead of page-faulting it back.
    core::keepFreedMemoryForReuse();
    const std::vector<std::string> args(argv + (argc > 0 ? 1 : 0), argv + argc);
    if (app::isTrainCommand(args))
        return app::runTrainCommand({args.begin() + 1, args.end()}, std::cout, std::cerr);
    if (!args.empty() && args.front() == "complexity")
        return app::runComplexityCommand({args.begin() + 1, args.end()}, std::cout, std::cerr,
                                         ::isatty(2) != 0);
    if (!app::wantsHeadless(args)) {
        // Before any window: the arguments must make sense and there must be a display.
        const auto environment = [](const std::string& name) -> std::optional<std::string> {
            const char* value = std::getenv(name.c_str());
            return value ? std::optional<std::string>(value) : std::nullopt;
        };
        // Checked as the window will read them: a file:// URI as its path.
        std::vector<std::string> localArgs;
        for (const std::string& argument : args)
            localArgs.push_back(
                argument.starts_with("file://")
                    ? QFile::encodeName(localArgument(QString::fromStdString(argument)))
                          .toStdString()
                    : argument);
        if (const auto problem = app::checkWindowStart(localArgs, environment)) {
            std::cerr << "attention-lab: " << problem->message << '\n';
            if (problem->exitCode == app::kExitUsageError)
                std::cerr << "Try 'attention-lab --help' for the options.\n";
            return problem->exitCode;
        }
        g_previousHandler = qInstallMessageHandler(holdStartupMessages);
        return ui::runGui(argc, argv, parseStartup, releaseStartupMessages);
    }
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
