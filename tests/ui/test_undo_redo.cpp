// Undo and redo in the window: typing (one step per burst), a setting, a painted stroke, a typed
// number of the matrix editor and Reset to Defaults each undo to exactly the configuration before
// them and redo to the one after, and the results follow.

#include "ui/controls_panel.h"
#include "ui/heatmap_view.h"
#include "ui/main_window.h"
#include "ui/mask_painter.h"
#include "ui/matrix_editor.h"
#include "ui/matrix_table.h"
#include "ui/teaching_panel.h"
#include "ui/undo_commands.h"

#include "core/io/session.h"
#include "core/model/settings.h"

#include "window_lab.h"

#include <gtest/gtest.h>
#include <qcustomplot.h>

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QMouseEvent>
#include <QSlider>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>
#include <QUndoStack>

#include <memory>
#include <string>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_undo_redo {

using namespace attnlab;
using ui::MainWindow;
using ui::UndoHistory;

namespace {

core::Config startConfig() {
    core::Config config;
    config.sentence = "the cat sat";
    config.heads = 1;
    config.dModel = 8;
    return config;
}

struct Lab : attnlab::testing::WindowLab {
    explicit Lab(const core::Config& config = startConfig()) : WindowLab(config) {}

    UndoHistory* history() const { return window->undoHistory(); }
    QUndoStack* stack() const { return history()->stack(); }
    // Everything the window would save: the sentences, every setting and the typed matrices.
    std::string state() const { return core::serializeSession(window->currentSession()); }
    void undo() const {
        ASSERT_TRUE(history()->undoAction()->isEnabled());
        history()->undoAction()->trigger();
        settle();
    }
    void redo() const {
        ASSERT_TRUE(history()->redoAction()->isEnabled());
        history()->redoAction()->trigger();
        settle();
    }
    std::string resultSentence() const { return window->currentResult()->config.sentence; }
};

void drag(ui::HeatmapView& view, int query, int firstKey, int lastKey) {
    auto send = [&](QEvent::Type type, int key, Qt::MouseButton button, Qt::MouseButtons buttons) {
        view.plot()->replot(QCustomPlot::rpImmediateRefresh);
        const QPoint pos = view.plot()->mapFrom(&view, view.cellCenter(query, key));
        QMouseEvent event(type, pos, view.plot()->mapToGlobal(pos), button, buttons,
                          Qt::NoModifier);
        QApplication::sendEvent(view.plot(), &event);
    };
    send(QEvent::MouseButtonPress, firstKey, Qt::LeftButton, Qt::LeftButton);
    for (int key = firstKey + 1; key <= lastKey; ++key)
        send(QEvent::MouseMove, key, Qt::NoButton, Qt::LeftButton);
    send(QEvent::MouseButtonRelease, lastKey, Qt::LeftButton, Qt::NoButton);
}

} // namespace

TEST(UndoRedo, TheEditMenuHasUndoRedoAndResetWithTheirKeys) {
    Lab lab;
    QMenu* edit = nullptr;
    for (QAction* action : lab.window->menuBar()->actions())
        if (action->menu() && action->text() == MainWindow::tr("&Edit"))
            edit = action->menu();
    ASSERT_NE(edit, nullptr);
    const QList<QAction*> actions = edit->actions();
    EXPECT_TRUE(actions.contains(lab.history()->undoAction()));
    EXPECT_TRUE(actions.contains(lab.history()->redoAction()));
    EXPECT_TRUE(
        lab.history()->undoAction()->shortcuts().contains(QKeySequence(QKeySequence::Undo)));
    EXPECT_TRUE(lab.history()->redoAction()->shortcuts().contains(
        QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z)));
    bool reset = false;
    for (QAction* action : actions)
        reset = reset || action->text() == MainWindow::tr("Reset to &Defaults");
    EXPECT_TRUE(reset);
    EXPECT_FALSE(lab.history()->undoAction()->isEnabled()); // nothing done yet
}

TEST(UndoRedo, TypingABurstIsOneStepAndUndoRestoresTheSentence) {
    Lab lab;
    const std::string before = lab.state();
    QLineEdit* sentence = lab.window->sentenceEdit();
    sentence->setFocus();
    sentence->end(false);
    QTest::keyClicks(sentence, QStringLiteral(" on a mat"));
    lab.settle();
    ASSERT_EQ(lab.resultSentence(), "the cat sat on a mat");
    EXPECT_EQ(lab.stack()->count(), 1); // nine keystrokes, one step
    EXPECT_EQ(lab.stack()->undoText(), UndoHistory::tr("Typing"));
    const std::string after = lab.state();

    lab.undo();
    EXPECT_EQ(sentence->text(), QStringLiteral("the cat sat"));
    EXPECT_EQ(lab.state(), before);
    EXPECT_EQ(lab.resultSentence(), "the cat sat");
    EXPECT_EQ(lab.stack()->count(), 1); // the undo itself is no new step
    lab.redo();
    EXPECT_EQ(lab.state(), after);
    EXPECT_EQ(lab.resultSentence(), "the cat sat on a mat");
}

TEST(UndoRedo, ReturnEndsABurst) {
    Lab lab;
    QLineEdit* sentence = lab.window->sentenceEdit();
    sentence->setFocus();
    sentence->end(false);
    QTest::keyClicks(sentence, QStringLiteral(" on"));
    QTest::keyClick(sentence, Qt::Key_Return);
    QTest::keyClicks(sentence, QStringLiteral(" it"));
    lab.settle();
    EXPECT_EQ(lab.stack()->count(), 2);
    lab.undo();
    EXPECT_EQ(sentence->text(), QStringLiteral("the cat sat on"));
}

TEST(UndoRedo, CtrlZInTheSentenceBoxUndoesTheWindowsStep) {
    Lab lab;
    lab.window->activateWindow();
    ASSERT_TRUE(QTest::qWaitForWindowActive(lab.window.get()));
    // A setting first, then typing: the field's own undo would only know the typing.
    lab.window->controlsPanel()->headsBox()->setValue(2);
    QLineEdit* sentence = lab.window->sentenceEdit();
    sentence->setFocus();
    sentence->end(false);
    QTest::keyClicks(sentence, QStringLiteral(" up"));
    lab.settle();
    ASSERT_EQ(lab.stack()->count(), 2);

    QTest::keyClick(sentence, Qt::Key_Z, Qt::ControlModifier);
    lab.settle();
    EXPECT_EQ(sentence->text(), QStringLiteral("the cat sat"));
    EXPECT_EQ(lab.stack()->index(), 1);
    QTest::keyClick(sentence, Qt::Key_Z, Qt::ControlModifier);
    lab.settle();
    EXPECT_EQ(lab.window->currentResult()->config.heads, 1);
    EXPECT_EQ(lab.stack()->index(), 0);
    QTest::keyClick(sentence, Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
    lab.settle();
    EXPECT_EQ(lab.window->currentResult()->config.heads, 2);
    EXPECT_EQ(lab.stack()->count(), 2); // no key made a step of its own
}

TEST(UndoRedo, ASettingIsOneStepNamedAfterIt) {
    Lab lab;
    const std::string before = lab.state();
    lab.window->controlsPanel()->headsBox()->setValue(4);
    lab.settle();
    ASSERT_EQ(lab.window->currentResult()->config.heads, 4);
    EXPECT_EQ(lab.stack()->count(), 1);
    EXPECT_EQ(lab.history()->undoAction()->text(),
              UndoHistory::tr("&Undo") + " " +
                  UndoHistory::tr("%1 %2").arg(QStringLiteral("Heads"), QStringLiteral("4")));
    const std::string after = lab.state();

    lab.undo();
    EXPECT_EQ(lab.state(), before);
    EXPECT_EQ(lab.window->controlsPanel()->headsBox()->value(), 1);
    EXPECT_EQ(lab.window->currentResult()->config.heads, 1);
    EXPECT_EQ(lab.history()->redoAction()->text(),
              UndoHistory::tr("&Redo") + " " +
                  UndoHistory::tr("%1 %2").arg(QStringLiteral("Heads"), QStringLiteral("4")));
    lab.redo();
    EXPECT_EQ(lab.state(), after);
    EXPECT_EQ(lab.window->currentResult()->config.heads, 4);
}

TEST(UndoRedo, AChangeAfterAnUndoDropsTheRedo) {
    Lab lab;
    lab.window->controlsPanel()->temperatureBox()->setValue(2.0);
    lab.undo();
    lab.window->controlsPanel()->headsBox()->setValue(2);
    lab.settle();
    EXPECT_FALSE(lab.history()->redoAction()->isEnabled());
    EXPECT_EQ(lab.stack()->count(), 1);
    EXPECT_FLOAT_EQ(lab.window->currentResult()->config.temperature, 1.0f);
}

TEST(UndoRedo, APaintedStrokeIsOneStep) {
    Lab lab;
    const std::string before = lab.state();
    lab.window->maskPainter()->setActive(true);
    drag(*lab.window->viewForHead(0), 1, 0, 2);
    lab.settle();
    ASSERT_EQ(lab.window->currentResult()->config.mask.blocked.size(), 3u);
    EXPECT_EQ(lab.stack()->count(), 1); // three cells, one step
    const std::string after = lab.state();

    lab.undo();
    EXPECT_EQ(lab.state(), before);
    EXPECT_EQ(lab.window->currentResult()->config.mask.kind, core::MaskKind::None);
    EXPECT_TRUE(lab.window->currentResult()->maps.allowed.all());
    lab.redo();
    EXPECT_EQ(lab.state(), after);
    EXPECT_FALSE(lab.window->currentResult()->maps.allowed(1, 1));
}

TEST(UndoRedo, ATypedNumberIsOneStep) {
    Lab lab;
    ui::MatrixEditor* editor = lab.window->teachingPanel()->matrixEditor();
    lab.window->teachingPanel()->showMatrixEditor();
    ASSERT_TRUE(editor->copyNumbersInUse()); // d_model 8: the tables take the numbers in use
    lab.settle();
    lab.history()->clear();
    const std::string before = lab.state();
    const float old = lab.window->currentResult()->config.manualQueryEmbeddings(1, 0);

    QAbstractItemModel* x = editor->queryTable()->model();
    ASSERT_TRUE(x->setData(x->index(1, 0), "2.5", Qt::EditRole));
    lab.settle();
    ASSERT_FLOAT_EQ(lab.window->currentResult()->config.manualQueryEmbeddings(1, 0), 2.5f);
    EXPECT_EQ(lab.stack()->count(), 1);
    EXPECT_EQ(lab.stack()->undoText(), UndoHistory::tr("Typed Number"));

    lab.undo();
    EXPECT_EQ(lab.state(), before);
    EXPECT_FLOAT_EQ(lab.window->currentResult()->config.manualQueryEmbeddings(1, 0), old);
    EXPECT_FLOAT_EQ(editor->queryTable()->matrix()(1, 0), old); // the table shows it again
    lab.redo();
    EXPECT_FLOAT_EQ(lab.window->currentResult()->config.manualQueryEmbeddings(1, 0), 2.5f);
}

TEST(UndoRedo, ResetToDefaultsKeepsTheSentencesAndIsUndoable) {
    core::Config config = startConfig();
    config.heads = 4;
    config.temperature = 2.5f;
    config.scoring = core::ScoringFunction::Cosine;
    config.mask.kind = core::MaskKind::Causal;
    config.positional = core::PositionalEncoding::Sinusoidal;
    Lab lab(config);
    const std::string before = lab.state();

    lab.window->resetToDefaults();
    lab.settle();
    const core::Config defaults;
    const core::Config& reset = lab.window->currentResult()->config;
    EXPECT_EQ(reset.sentence, "the cat sat");
    EXPECT_EQ(reset.heads, defaults.heads);
    EXPECT_EQ(reset.dModel, defaults.dModel);
    EXPECT_FLOAT_EQ(reset.temperature, defaults.temperature);
    EXPECT_EQ(reset.scoring, defaults.scoring);
    EXPECT_EQ(reset.mask.kind, defaults.mask.kind);
    EXPECT_EQ(reset.positional, defaults.positional);
    EXPECT_EQ(lab.window->controlsPanel()->headsBox()->value(), defaults.heads);
    EXPECT_EQ(lab.stack()->count(), 1);
    EXPECT_EQ(lab.stack()->undoText(), MainWindow::tr("Reset to Defaults"));
    const std::string after = lab.state();

    lab.undo();
    EXPECT_EQ(lab.state(), before);
    EXPECT_EQ(lab.window->currentResult()->config.heads, 4);
    EXPECT_FLOAT_EQ(lab.window->currentResult()->config.temperature, 2.5f);
    lab.redo();
    EXPECT_EQ(lab.state(), after);

    // At the defaults already: nothing to reset, no step.
    lab.window->resetToDefaults();
    EXPECT_EQ(lab.stack()->count(), 1);
}

TEST(UndoRedo, TheDefaultsAreTheSchemasForEverySetting) {
    core::Config changed = startConfig();
    changed.heads = 8;
    changed.dK = 4;
    changed.seed = 7;
    changed.tokenizer.keepPunctuation = !changed.tokenizer.keepPunctuation;
    changed.mask = core::parseMask("window:2");
    const core::Config reset = UndoHistory::defaultSettings(changed);
    core::Config expected;
    expected.sentence = changed.sentence;
    EXPECT_TRUE(UndoHistory::sameConfig(reset, expected));
    EXPECT_FALSE(UndoHistory::sameConfig(changed, expected));
}

TEST(UndoRedo, OpeningALessonStartsANewHistory) {
    Lab lab;
    lab.window->controlsPanel()->headsBox()->setValue(2);
    lab.settle();
    ASSERT_EQ(lab.stack()->count(), 1);
    const QString path = lab.dir.filePath(QStringLiteral("l.attnlab"));
    ASSERT_TRUE(lab.window->saveSessionFile(path));
    ASSERT_TRUE(lab.window->openSessionFile(path));
    EXPECT_EQ(lab.stack()->count(), 0);
}

TEST(UndoRedo, DraggingTheTemperatureSliderIsOneStep) {
    Lab lab;
    const std::string before = lab.state();
    QSlider* slider = lab.window->controlsPanel()->temperatureSlider();
    for (int position : {600, 650, 700, 750})
        slider->setValue(position);
    lab.settle();
    EXPECT_EQ(lab.stack()->count(), 1);
    const QString last = UndoHistory::tr("%1 %2").arg(
        QStringLiteral("Temperature"),
        QString::fromStdString(
            core::findSetting("temperature")
                ->get(core::SettingsValues{lab.window->currentResult()->config, {}})));
    EXPECT_EQ(lab.stack()->undoText(), last);
    lab.undo();
    EXPECT_EQ(lab.state(), before);
    EXPECT_FLOAT_EQ(lab.window->currentResult()->config.temperature, 1.0f);
}

} // namespace test_undo_redo
