#include "gui.h"

#include "language.h"
#include "main_window.h"

#include <QApplication>
#include <QIcon>
#include <QMessageBox>
#include <QTimer>

#ifndef ATTNLAB_VERSION
// The app target defines ATTNLAB_VERSION from project(); this library may be built without it.
#define ATTNLAB_VERSION "0.1.0"
#endif

namespace attnlab::ui {

void setApplicationIdentity() {
    QApplication::setApplicationName(QStringLiteral("Attention Lab"));
    QApplication::setApplicationDisplayName(QStringLiteral("Attention Lab"));
    QApplication::setOrganizationName(QStringLiteral("Attention Lab"));
    QApplication::setApplicationVersion(QStringLiteral(ATTNLAB_VERSION));
    // The installed menu entry, attention-lab.desktop: desktops find the window's entry and icon
    // through it (the Wayland app id, KDE's window hint).
    QGuiApplication::setDesktopFileName(QStringLiteral("attention-lab"));
}

int runGui(int& argc, char** argv, const StartupParser& parse,
           const std::function<void()>& started) {
    QApplication app(argc, argv);
    if (started)
        started();
    setApplicationIdentity();
    // The icon that the package installs into the hicolor theme (none in a build tree).
    if (QIcon::hasThemeIcon(QStringLiteral("attention-lab")))
        QApplication::setWindowIcon(QIcon::fromTheme(QStringLiteral("attention-lab")));
    // Before any widget is built: widgets take their texts when they are constructed.
    loadInterfaceLanguage();
    MainWindow window;
    StartupRequest request;
    if (parse)
        request = parse(QApplication::arguments().mid(1));
    window.show();
    // After the window is on screen, so that a message about the command line has a parent.
    QTimer::singleShot(0, &window, [&window, request] {
        if (!request.error.isEmpty())
            QMessageBox::warning(&window, MainWindow::tr("Command line"), request.error);
        if (!request.sessionPath.isEmpty() && !window.openSessionFile(request.sessionPath))
            return;
        if (request.config)
            window.applyConfig(*request.config);
        if (!request.modelPath.isEmpty())
            window.openModelFolder(request.modelPath);
    });
    return QApplication::exec();
}

} // namespace attnlab::ui
