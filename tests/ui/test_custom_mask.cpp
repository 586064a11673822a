// A custom mask in the window: the Mask control says "Custom" while a lesson's cells are in
// force, and changing another setting keeps those cells instead of silently switching to the
// mask the control happened to show.

#include "ui/controls_panel.h"
#include "ui/main_window.h"

#include "core/io/session.h"

#include <gtest/gtest.h>

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFile>
#include <QMessageBox>
#include <QStandardItemModel>
#include <QTemporaryDir>
#include <QTest>

#include <memory>
#include <utility>
#include <vector>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_custom_mask {

using namespace attnlab;
using ui::ControlsPanel;
using ui::MainWindow;

namespace {

core::Config customConfig() {
    core::Config config;
    config.sentence = "the cat sat";
    config.mask.kind = core::MaskKind::Custom;
    config.mask.blocked = {{0, 1}, {0, 2}, {2, 0}};
    return config;
}

bool itemEnabled(QComboBox* box, int value) {
    auto* model = qobject_cast<QStandardItemModel*>(box->model());
    return model && model->item(box->findData(value))->isEnabled();
}

} // namespace

TEST(CustomMask, TheMaskControlSaysCustomAndKeepsTheCells) {
    ControlsPanel panel;
    const int custom = static_cast<int>(core::MaskKind::Custom);
    // Without a custom mask the entry is there but cannot be chosen.
    panel.setConfig(core::Config{});
    EXPECT_FALSE(itemEnabled(panel.maskBox(), custom));
    EXPECT_NE(panel.maskBox()->currentData().toInt(), custom);

    panel.setConfig(customConfig());
    EXPECT_EQ(panel.maskBox()->currentData().toInt(), custom);
    EXPECT_EQ(panel.maskBox()->currentText(), ControlsPanel::tr("Custom"));
    EXPECT_TRUE(itemEnabled(panel.maskBox(), custom));
    EXPECT_EQ(panel.config().mask.kind, core::MaskKind::Custom);
    EXPECT_EQ(panel.config().mask.blocked, customConfig().mask.blocked);

    // Another mask, then back: the cells come back with it.
    panel.maskBox()->setCurrentIndex(panel.maskBox()->findData(int(core::MaskKind::Causal)));
    EXPECT_EQ(panel.config().mask.kind, core::MaskKind::Causal);
    panel.maskBox()->setCurrentIndex(panel.maskBox()->findData(custom));
    EXPECT_EQ(panel.config().mask.kind, core::MaskKind::Custom);
    EXPECT_EQ(panel.config().mask.blocked, customConfig().mask.blocked);
}

TEST(CustomMask, ALessonsCustomMaskShowsAsCustomAndSurvivesOtherChanges) {
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    core::Session session;
    session.config = customConfig();
    const QString lesson = dir.filePath(QStringLiteral("custom.attnlab"));
    {
        QFile file(lesson);
        ASSERT_TRUE(file.open(QIODevice::WriteOnly));
        file.write(QByteArray::fromStdString(core::serializeSession(session)));
    }
    MainWindow window(dir.filePath(QStringLiteral("settings.ini")));
    window.setNonInteractive(QMessageBox::Discard);
    window.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&window));
    ASSERT_TRUE(window.openSessionFile(lesson)) << window.lastError().toStdString();
    ControlsPanel* panel = window.controlsPanel();
    EXPECT_EQ(panel->maskBox()->currentData().toInt(), static_cast<int>(core::MaskKind::Custom));
    ASSERT_TRUE(window.currentResult());
    EXPECT_FALSE(window.currentResult()->maps.allowed(0, 1));

    // A new temperature: still the lesson's cells, not whatever the control showed before.
    panel->temperatureBox()->setValue(2.0);
    ASSERT_TRUE(QTest::qWaitFor([&] {
        const auto result = window.currentResult();
        return result && result->config.temperature == 2.0f;
    }));
    const auto result = window.currentResult();
    EXPECT_EQ(result->config.mask.kind, core::MaskKind::Custom);
    EXPECT_FALSE(result->maps.allowed(0, 1));
    EXPECT_FALSE(result->maps.allowed(2, 0));
    EXPECT_TRUE(result->maps.allowed(2, 1));
}

} // namespace test_custom_mask
