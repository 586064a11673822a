// The What If dock on its own and with a model trained by the program: the panel refuses a value
// the core refuses, names what to use, and records an accepted change as one undo step; without
// a model the dock is out of sight; a trained model takes changes, its maps are the core's run
// with them, and removing the change restores the maps exactly.

#include "ui/attention_controller.h"
#include "ui/main_window.h"
#include "ui/what_if_panel.h"

#include "core/trained/trained_model.h"
#include "core/training/model_folder.h"
#include "core/training/trainer.h"

#include "eigen_testing.h"

#include <gtest/gtest.h>

#include <QComboBox>
#include <QDockWidget>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QUndoStack>

#include <memory>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_what_if_panel {

using namespace attnlab;
using ui::MainWindow;
using ui::WhatIfPanel;

namespace {

void choose(WhatIfPanel& panel, int layer, int head, WhatIfPanel::Kind kind, const QString& value) {
    panel.layerBox()->setCurrentIndex(panel.layerBox()->findData(layer));
    panel.headBox()->setCurrentIndex(panel.headBox()->findData(head));
    panel.kindBox()->setCurrentIndex(panel.kindBox()->findData(static_cast<int>(kind)));
    panel.valueEdit()->setText(value);
}

} // namespace

TEST(WhatIfPanel, ChecksEachChangeWithTheCoreAndRecordsOneStep) {
    WhatIfPanel panel;
    EXPECT_FALSE(panel.isAvailable());
    EXPECT_FALSE(panel.addChange());
    QUndoStack stack;
    panel.setUndoStack(&stack);
    panel.setModel(2, 3);
    EXPECT_EQ(panel.layerBox()->count(), 2);
    EXPECT_EQ(panel.headBox()->count(), 3 + 1);
    QSignalSpy changed(&panel, &WhatIfPanel::changesChanged);

    for (const char* bad : {"0", "-2", "inf", "nan"}) {
        choose(panel, 1, 2, WhatIfPanel::Kind::Temperature, QString::fromLatin1(bad));
        EXPECT_FALSE(panel.addChange()) << bad;
        EXPECT_FALSE(panel.errorText().isEmpty()) << bad;
    }
    choose(panel, 0, 0, WhatIfPanel::Kind::Mask, QStringLiteral("window:0"));
    EXPECT_FALSE(panel.addChange());
    EXPECT_TRUE(panel.errorText().contains(QStringLiteral("window:1 or wider")));
    choose(panel, 0, 0, WhatIfPanel::Kind::Mask, QStringLiteral("diagonal"));
    EXPECT_FALSE(panel.addChange()); // not a mask: the core's parser says which exist
    EXPECT_FALSE(panel.errorText().isEmpty());
    EXPECT_EQ(changed.size(), 0);
    EXPECT_EQ(stack.count(), 0);

    choose(panel, 1, -1, WhatIfPanel::Kind::Temperature, QStringLiteral("2"));
    ASSERT_TRUE(panel.addChange());
    EXPECT_TRUE(panel.errorText().isEmpty());
    ASSERT_EQ(panel.changes().size(), 1u);
    EXPECT_EQ(panel.changes()[0].layer, 1);
    EXPECT_EQ(panel.changes()[0].head, -1);
    EXPECT_FLOAT_EQ(*panel.changes()[0].temperature, 2.0f);
    EXPECT_EQ(WhatIfPanel::describe(panel.changes()[0]),
              QStringLiteral("Layer 2, all heads: temperature 2"));
    EXPECT_EQ(changed.size(), 1);
    EXPECT_EQ(stack.count(), 1);
    stack.undo();
    EXPECT_TRUE(panel.changes().empty());
    stack.redo();
    EXPECT_EQ(panel.changes().size(), 1u);
    // A new model empties the list: its layers and heads are others.
    panel.setModel(4, 4);
    EXPECT_TRUE(panel.changes().empty());
    // A step recorded for the larger model, undone on a smaller one: what it lacks is left out.
    core::HeadIntervention deep;
    deep.layer = 3;
    deep.ablate = true;
    core::HeadIntervention shallow;
    shallow.layer = 1;
    shallow.head = 0;
    shallow.ablate = true;
    panel.setModel(2, 3);
    panel.setChanges({deep, shallow});
    ASSERT_EQ(panel.changes().size(), 1u);
    EXPECT_EQ(panel.changes()[0].layer, 1);
}

TEST(WhatIfPanel, AModelTrainedByTheProgramTakesChangesAsTheCoreRunsThem) {
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    core::training::TrainSettings s;
    s.task.kind = core::training::TaskKind::Induction; // decoder-only: reads what is typed
    s.task.length = 4;
    s.layers = 2;
    s.heads = 2;
    s.dModel = 16;
    s.batch = 8;
    s.heldOut = 16;
    s.probe = 4;
    core::training::Trainer trainer(s);
    trainer.run(5);
    const QString folder = dir.filePath(QStringLiteral("induction-model"));
    core::training::saveModelFolder(folder.toStdString(), trainer);

    MainWindow window(dir.filePath(QStringLiteral("settings.ini")));
    window.setNonInteractive(QMessageBox::Discard);
    window.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&window));
    // No model: the dock waits out of sight.
    EXPECT_FALSE(window.whatIfDock()->isVisibleTo(&window));
    QSignalSpy opened(&window, &MainWindow::modelOpened);
    window.openModelFolder(folder);
    ASSERT_TRUE(opened.wait(30000));
    const QString sentence = QStringLiteral("1 2 3 1 2");
    window.sentenceEdit()->setText(sentence);
    const auto idle = [&] {
        return QTest::qWaitFor(
            [&] {
                return !window.controller()->isBusy() && window.currentResult() &&
                       window.currentResult()->maps.queries() == 6 &&
                       window.pendingViewFills() == 0;
            },
            30000);
    };
    ASSERT_TRUE(idle());
    const auto original = window.currentResult();
    WhatIfPanel* panel = window.whatIfPanel();
    EXPECT_TRUE(window.whatIfDock()->isVisibleTo(&window));
    ASSERT_TRUE(panel->isAvailable());
    EXPECT_EQ(panel->layerBox()->count(), 2);
    EXPECT_EQ(panel->headBox()->count(), 2 + 1);

    choose(*panel, 0, 1, WhatIfPanel::Kind::Temperature, QStringLiteral("0.2"));
    ASSERT_TRUE(panel->addChange()) << panel->errorText().toStdString();
    ASSERT_TRUE(QTest::qWaitFor([&] { return window.currentResult() != original; }, 30000));
    ASSERT_TRUE(idle());
    const auto after = window.currentResult();
    const auto model = core::TrainedModel::load(folder.toStdString());
    core::Config config;
    config.sentence = sentence.toStdString();
    const core::ModelOutput expected = model->withInterventions(panel->changes())->run(config);
    for (int layer = 0; layer < 2; ++layer)
        for (int head = 0; head < 2; ++head)
            EXPECT_EIGEN_NEAR(after->maps.weightsOf(layer, head),
                              expected.maps.weightsOf(layer, head), 1e-6f);
    EXPECT_EIGEN_NEAR(after->maps.weightsOf(0, 0), original->maps.weightsOf(0, 0), 0.0f);
    EXPECT_GT((after->maps.weightsOf(1, 0) - original->maps.weightsOf(1, 0)).cwiseAbs().maxCoeff(),
              1e-6f);

    // Removing it restores the model as trained, bit for bit.
    panel->removeChange(0);
    ASSERT_TRUE(QTest::qWaitFor([&] { return window.currentResult() != after; }, 30000));
    ASSERT_TRUE(idle());
    for (int layer = 0; layer < 2; ++layer)
        for (int head = 0; head < 2; ++head)
            EXPECT_EIGEN_NEAR(window.currentResult()->maps.weightsOf(layer, head),
                              original->maps.weightsOf(layer, head), 0.0f);
    window.closeModel();
    EXPECT_FALSE(window.whatIfDock()->isVisibleTo(&window));
}

} // namespace test_what_if_panel
