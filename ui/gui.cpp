#include "gui.h"

#include "main_window.h"

#include <QApplication>

#ifndef ATTNLAB_VERSION
// The app target defines ATTNLAB_VERSION from project(); this library may be built without it.
#define ATTNLAB_VERSION "0.1.0"
#endif

namespace attnlab::ui {

int runGui(int& argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("Attention Lab"));
    QApplication::setApplicationDisplayName(QStringLiteral("Attention Lab"));
    QApplication::setOrganizationName(QStringLiteral("Attention Lab"));
    QApplication::setApplicationVersion(QStringLiteral(ATTNLAB_VERSION));
    MainWindow window;
    window.show();
    return QApplication::exec();
}

} // namespace attnlab::ui
