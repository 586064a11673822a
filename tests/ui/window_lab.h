// A main window for a window test: its own settings file, dialogs answered without asking, shown
// and exposed (openTestWindow); WindowLab also shows a configuration with every view filled and
// nothing to undo.
#pragma once

#include "ui/main_window.h"
#include "ui/undo_commands.h"

#include "core/model/config.h"

#include <gtest/gtest.h>

#include <QMessageBox>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

namespace attnlab::testing {

/// A main window whose settings file is in `dir`, dialogs answered without asking (Discard),
/// shown at `size` and exposed.
inline std::unique_ptr<ui::MainWindow> openTestWindow(const QTemporaryDir& dir,
                                                      QSize size = QSize(1200, 800)) {
    auto window = std::make_unique<ui::MainWindow>(dir.filePath(QStringLiteral("settings.ini")));
    window->setNonInteractive(QMessageBox::Discard);
    window->resize(size);
    window->show();
    EXPECT_TRUE(QTest::qWaitForWindowExposed(window.get()));
    return window;
}

struct WindowLab {
    QTemporaryDir dir;
    std::unique_ptr<ui::MainWindow> window;

    explicit WindowLab(const core::Config& config) : window(openTestWindow(dir)) {
        window->applyConfig(config);
        settle();
        window->undoHistory()->clear();
    }

    /// Waits until every view shows the newest result.
    void settle() const {
        EXPECT_TRUE(QTest::qWaitFor([&] { return window->pendingViewFills() == 0; }));
    }
};

} // namespace attnlab::testing
