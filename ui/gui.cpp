#include "gui.h"

#include <QApplication>
#include <QLabel>
#include <QMainWindow>

namespace attnlab::ui {

int runGui(int& argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("Attention Lab"));
    QMainWindow window;
    window.setWindowTitle(QObject::tr("Attention Lab"));
    window.setCentralWidget(new QLabel(QObject::tr("Attention Lab"), &window));
    window.resize(1200, 800);
    window.show();
    return QApplication::exec();
}

} // namespace attnlab::ui
