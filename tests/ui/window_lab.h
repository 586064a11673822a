// A main window for a window test: its own settings file, dialogs answered without asking, shown
// and exposed, showing a configuration with every view filled and nothing to undo.
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

struct WindowLab {
    QTemporaryDir dir;
    std::unique_ptr<ui::MainWindow> window;

    explicit WindowLab(const core::Config& config) {
        window = std::make_unique<ui::MainWindow>(dir.filePath(QStringLiteral("settings.ini")));
        window->setNonInteractive(QMessageBox::Discard);
        window->resize(1200, 800);
        window->show();
        EXPECT_TRUE(QTest::qWaitForWindowExposed(window.get()));
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
