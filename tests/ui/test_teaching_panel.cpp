// TeachingPanel wired the way the main window wires it: it follows the workspace controller,
// its requests go to the controls and the controller through applyManual(), selections travel
// both ways, and the controls offer the manual choices.

#include "ui/attention_controller.h"
#include "ui/compare_view.h"
#include "ui/controls_panel.h"
#include "ui/lines_view.h"
#include "ui/matrix_editor.h"
#include "ui/matrix_table.h"
#include "ui/step_view.h"
#include "ui/teaching_panel.h"

#include "core/model/builtin_model.h"
#include "core/teaching/presets.h"

#include <gtest/gtest.h>

#include <QComboBox>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QTest>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_teaching_panel {

using namespace attnlab;
using attnlab::ui::AttentionController;
using attnlab::ui::ControlsPanel;
using attnlab::ui::TeachingPanel;

namespace {

// What MainWindow does: a request sets the controls and the controller; every configuration
// on its way to the controller passes through applyManual.
struct Window {
    AttentionController controller;
    ControlsPanel controls;
    TeachingPanel panel;

    Window() {
        panel.setWorkspace(&controller);
        QObject::connect(&panel, &TeachingPanel::configRequested, &controller,
                         [this](const core::Config& config) {
                             controls.setConfig(config);
                             controller.setConfig(panel.applyManual(config));
                         });
        QObject::connect(&controls, &ControlsPanel::configChanged, &controller,
                         [this](core::Config config) {
                             config.sentence = controller.config().sentence;
                             config.source = controller.config().source;
                             controller.setConfig(panel.applyManual(config));
                         });
    }
    void typeSentence(const std::string& sentence) {
        core::Config config = controller.config();
        config.sentence = sentence;
        controller.setConfig(panel.applyManual(config));
    }
};

bool itemEnabled(QComboBox* box, int value) {
    auto* model = qobject_cast<QStandardItemModel*>(box->model());
    return model->item(box->findData(value))->isEnabled();
}

} // namespace

TEST(TeachingPanel, FollowsTheWorkspace) {
    Window w;
    core::Config config;
    config.sentence = "the cat sat";
    config.heads = 2;
    w.controller.setConfig(config);
    ASSERT_NE(w.panel.result(), nullptr);
    EXPECT_EQ(w.panel.result(), w.controller.lastResult());
    EXPECT_EQ(w.panel.stepView()->stages().back().values.rows(), 3);
}

TEST(TeachingPanel, PresetThenTypingInManualMode) {
    Window w;
    w.controller.setConfig(core::Config{});
    w.panel.matrixEditor()->loadPreset(core::Preset::TheCatSat);
    const core::ModelOutput& r = *w.controller.lastResult();
    ASSERT_EQ(r.maps.queryTokens.size(), 3u);
    EXPECT_NEAR(r.maps.weights[0](0, 1), 0.455443, 1e-5);
    // The controls show the manual choices and d_model follows the typed width.
    EXPECT_EQ(w.controls.embeddingsBox()->currentData().toInt(),
              static_cast<int>(core::EmbeddingSource::Manual));
    EXPECT_EQ(w.controls.projectionBox()->currentData().toInt(),
              static_cast<int>(core::ProjectionInit::Manual));
    EXPECT_FALSE(w.controls.dModelBox()->isEnabled());

    // A longer sentence: the typed rows stay, the new token gets a row, nothing fails.
    QSignalSpy failures(&w.controller, &AttentionController::failed);
    w.typeSentence("The cat sat down");
    EXPECT_EQ(failures.count(), 0);
    ASSERT_EQ(w.controller.lastResult()->maps.queryTokens.size(), 4u);
    EXPECT_EQ(w.controller.lastResult()->trace->queryInputs.row(1),
              core::presetConfig(core::Preset::TheCatSat).manualQueryEmbeddings.row(1));

    // A change in the controls keeps the typed matrices.
    w.controls.temperatureBox()->setValue(2.0);
    EXPECT_EQ(failures.count(), 0);
    EXPECT_EQ(w.controller.lastResult()->config.projection, core::ProjectionInit::Manual);
    EXPECT_FLOAT_EQ(w.controller.lastResult()->config.temperature, 2.0f);
}

TEST(TeachingPanel, ControlsOfferTheManualChoices) {
    ControlsPanel controls;
    EXPECT_TRUE(
        itemEnabled(controls.embeddingsBox(), static_cast<int>(core::EmbeddingSource::Manual)));
    EXPECT_TRUE(
        itemEnabled(controls.projectionBox(), static_cast<int>(core::ProjectionInit::Manual)));
    core::Config config = core::presetConfig(core::Preset::TheCatSat);
    controls.setConfig(config);
    EXPECT_EQ(controls.config().embeddings, core::EmbeddingSource::Manual);
    EXPECT_EQ(controls.config().projection, core::ProjectionInit::Manual);
}

TEST(TeachingPanel, SelectionsTravelBothWays) {
    Window w;
    w.panel.matrixEditor()->loadPreset(core::Preset::TheCatSat);
    QSignalSpy spy(&w.panel, &TeachingPanel::cellSelected);
    w.panel.stepView()->selectCell(core::StageKind::Weights, 1, 2);
    ASSERT_EQ(spy.count(), 1);
    EXPECT_EQ(spy.at(0).at(1).toInt(), 1);
    EXPECT_EQ(spy.at(0).at(2).toInt(), 2);
    w.panel.setSelection(0, 2, 0);
    EXPECT_EQ(spy.count(), 1) << "mirroring does not echo";
    EXPECT_EQ(w.panel.stepView()->selectedRow(), 2);
    EXPECT_EQ(w.panel.stepView()->selectedColumn(), 0);
}

TEST(TeachingPanel, CompareBToAReachesTheWorkspace) {
    Window w;
    w.panel.resize(1300, 800);
    w.panel.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&w.panel));
    w.panel.showPage(w.panel.compareView());
    w.panel.matrixEditor()->loadPreset(core::Preset::TheCatSat);
    ASSERT_NE(w.panel.compareView()->resultB(), nullptr);
    // B started one setting away (dot instead of scaled-dot), with the same typed numbers.
    EXPECT_EQ(w.panel.compareView()->resultB()->config.scoring, core::ScoringFunction::Dot);
    EXPECT_EQ(w.panel.compareView()->resultB()->trace->queryInputs,
              w.controller.lastResult()->trace->queryInputs);
    ASSERT_TRUE(w.panel.compareView()->comparison().has_value())
        << w.panel.compareView()->message().toStdString();
    w.panel.compareView()->copyBToA();
    EXPECT_EQ(w.controller.lastResult()->config.scoring, core::ScoringFunction::Dot);
    EXPECT_EQ(w.controls.scoringBox()->currentData().toInt(),
              static_cast<int>(core::ScoringFunction::Dot));
}

TEST(TeachingPanel, HiddenPagesTakeTheResultWhenShown) {
    TeachingPanel panel;
    panel.resize(1000, 700);
    panel.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&panel));
    core::Config config;
    config.sentence = "the cat sat";
    auto first = std::make_shared<const core::ModelOutput>(core::runBuiltin(config));
    panel.setResult(first);
    EXPECT_EQ(panel.compareView()->resultA(), nullptr) << "a hidden page computed for nothing";
    panel.showPage(panel.compareView());
    EXPECT_EQ(panel.compareView()->resultA(), first);
    config.sentence = "the cat sat on the mat";
    auto second = std::make_shared<const core::ModelOutput>(core::runBuiltin(config));
    panel.setResult(second);
    EXPECT_EQ(panel.compareView()->resultA(), second) << "the page on screen follows at once";
}

// A long input keeps the stages of the heads the Steps and Why √d_k pages show: a head chosen
// on the Steps page, or a cell of another head selected in the window, brings its stages with
// a second run of the same sentence.
TEST(TeachingPanel, AHeadShownOnALongInputGetsItsStages) {
    Window w;
    core::Config config;
    config.tokenizer.mode = core::TokenizerMode::Whitespace;
    for (int i = 0; i < 1100; ++i)
        config.sentence += (i ? " w" : "w") + std::to_string(i);
    config.dModel = 16;
    config.heads = 4;
    ASSERT_GT(1100.0 * 1100.0 * 4, AttentionController::kFullTraceCells);
    w.controller.setConfig(config);
    ASSERT_TRUE(w.controller.waitForBackgroundWork(60000));
    ASSERT_NE(w.panel.result(), nullptr);
    ui::StepView* steps = w.panel.stepView();
    EXPECT_EQ(steps->head(), 0);
    EXPECT_FALSE(steps->stages().empty());
    EXPECT_FALSE(w.panel.result()->trace->heads[2].traced());

    auto* box = steps->findChild<QComboBox*>();
    ASSERT_NE(box, nullptr);
    box->setCurrentIndex(2);
    EXPECT_TRUE(steps->stages().empty()) << "until the run with its stages arrives";
    ASSERT_TRUE(w.controller.waitForBackgroundWork(60000));
    EXPECT_TRUE(w.panel.result()->trace->heads[2].traced());
    EXPECT_FALSE(steps->stages().empty());

    w.panel.setSelection(3, 5, 1);
    ASSERT_TRUE(w.controller.waitForBackgroundWork(60000));
    EXPECT_TRUE(w.panel.result()->trace->heads[3].traced());
    EXPECT_EQ(steps->head(), 3);
    EXPECT_FALSE(steps->stages().empty());
}

} // namespace test_teaching_panel
