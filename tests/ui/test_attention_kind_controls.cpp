// The Attention kind control (dense, tiled, linear with its feature map and M) and the sparse
// masks in the Mask control: what the controls panel emits, which rows show for which choice,
// that a configuration survives setConfig, and that side B of the Compare page can run linear
// attention against softmax attention on the same sentence, its weights those of the core.

#include "ui/attention_controller.h"
#include "ui/attention_kind_controls.h"
#include "ui/compare_view.h"
#include "ui/controls_panel.h"
#include "ui/heatmap_view.h"
#include "ui/main_window.h"
#include "ui/matrix_table.h"
#include "ui/step_view.h"

#include "core/model/builtin_model.h"
#include "core/teaching/steps.h"

#include "compare_workspace.h"

#include <gtest/gtest.h>

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <cmath>
#include <memory>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_attention_kind_controls {

using namespace attnlab;
using attnlab::ui::AttentionController;
using attnlab::ui::CompareView;
using attnlab::ui::ControlsPanel;

namespace {

void choose(QComboBox* box, int value) {
    const int index = box->findData(value);
    ASSERT_GE(index, 0) << value;
    box->setCurrentIndex(index);
}

// What the panel emitted: how often, and the newest configuration.
struct Emitted {
    int count = 0;
    core::Config last;
    explicit Emitted(ControlsPanel& panel) {
        QObject::connect(&panel, &ControlsPanel::configChanged, &panel,
                         [this](const core::Config& config) {
                             ++count;
                             last = config;
                         });
    }
};

} // namespace

TEST(AttentionKindControls, KindFeatureMapAndFeaturesReachTheConfiguration) {
    ControlsPanel panel;
    panel.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&panel));
    auto* kinds = panel.kindControls();
    Emitted spy(panel);
    EXPECT_EQ(kinds->kindBox()->count(), 3);
    EXPECT_FALSE(kinds->featureMapBox()->isVisible()) << "dense has no feature map";
    EXPECT_FALSE(kinds->featuresBox()->isVisible());

    choose(kinds->kindBox(), static_cast<int>(core::AttentionKind::Linear));
    ASSERT_EQ(spy.count, 1);
    EXPECT_EQ(spy.last.attention, core::AttentionKind::Linear);
    EXPECT_TRUE(kinds->featureMapBox()->isVisible());
    EXPECT_FALSE(kinds->featuresBox()->isVisible()) << "elu has no random features";
    // Scoring, normaliser and temperature do not apply to linear attention.
    EXPECT_FALSE(panel.scoringBox()->isEnabled());
    EXPECT_FALSE(panel.normalizerBox()->isEnabled());
    EXPECT_FALSE(panel.temperatureBox()->isEnabled());
    EXPECT_FALSE(panel.scoringBox()->toolTip().isEmpty());

    choose(kinds->featureMapBox(), static_cast<int>(core::FeatureMap::Favor));
    EXPECT_EQ(spy.last.featureMap, core::FeatureMap::Favor);
    EXPECT_TRUE(kinds->featuresBox()->isVisible());
    kinds->featuresBox()->setValue(64);
    EXPECT_EQ(spy.last.features, 64);
    EXPECT_EQ(kinds->featuresBox()->maximum(), core::kMaxFavorFeatures);

    choose(kinds->kindBox(), static_cast<int>(core::AttentionKind::Tiled));
    EXPECT_EQ(spy.last.attention, core::AttentionKind::Tiled);
    EXPECT_TRUE(panel.scoringBox()->isEnabled());
    EXPECT_FALSE(kinds->featureMapBox()->isVisible());
}

TEST(AttentionKindControls, EverySparseMaskIsAChoiceWithItsParameters) {
    ControlsPanel panel;
    panel.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&panel));
    auto* sparse = panel.sparseMaskControls();
    Emitted spy(panel);
    struct Case {
        core::MaskKind kind;
        const char* text;
        bool window;
        std::vector<QSpinBox*> shown;
    };
    const std::vector<Case> cases = {
        {core::MaskKind::Dilated, "dilated:1:2", true, {sparse->dilationBox()}},
        {core::MaskKind::Strided, "strided:2", false, {sparse->strideBox()}},
        {core::MaskKind::Longformer, "longformer:1:1", true, {sparse->globalBox()}},
        {core::MaskKind::BigBird,
         "bigbird:1:1:1",
         true,
         {sparse->globalBox(), sparse->randomBox()}},
        {core::MaskKind::Block, "block:2", false, {sparse->blockBox()}},
    };
    const std::vector<QSpinBox*> all = {sparse->dilationBox(), sparse->strideBox(),
                                        sparse->globalBox(), sparse->randomBox(),
                                        sparse->blockBox()};
    for (const Case& c : cases) {
        SCOPED_TRACE(c.text);
        choose(panel.maskBox(), static_cast<int>(c.kind));
        ASSERT_GT(spy.count, 0);
        EXPECT_EQ(core::toString(spy.last.mask), c.text);
        EXPECT_EQ(panel.windowBox()->isEnabled(), c.window);
        for (QSpinBox* box : all)
            EXPECT_EQ(box->isVisible(),
                      std::find(c.shown.begin(), c.shown.end(), box) != c.shown.end());
    }
    choose(panel.maskBox(), static_cast<int>(core::MaskKind::Dilated));
    sparse->dilationBox()->setValue(3);
    panel.windowBox()->setValue(2);
    EXPECT_EQ(core::toString(spy.last.mask), "dilated:2:3");
    choose(panel.maskBox(), static_cast<int>(core::MaskKind::None));
    for (QSpinBox* box : all)
        EXPECT_FALSE(box->isVisible());
}

TEST(AttentionKindControls, SetConfigShowsEveryKindAndMaskWithoutEmitting) {
    ControlsPanel panel;
    Emitted spy(panel);
    for (const char* mask :
         {"bigbird:2:1:3", "strided:4", "block:5", "longformer:3:2", "dilated:2:4", "causal"}) {
        for (core::AttentionKind kind : {core::AttentionKind::Dense, core::AttentionKind::Tiled,
                                         core::AttentionKind::Linear}) {
            core::Config config;
            config.mask = core::parseMask(mask);
            config.attention = kind;
            config.featureMap = core::FeatureMap::Relu;
            config.features = 77;
            panel.setConfig(config);
            const core::Config shown = panel.config();
            EXPECT_EQ(core::toString(shown.mask), mask);
            EXPECT_EQ(shown.attention, kind);
            EXPECT_EQ(shown.featureMap, core::FeatureMap::Relu);
            EXPECT_EQ(shown.features, 77);
        }
    }
    EXPECT_EQ(spy.count, 0);
}

TEST(AttentionKindControls, ALessonCanHideTheAttentionControl) {
    ControlsPanel panel;
    panel.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&panel));
    EXPECT_TRUE(ControlsPanel::controlNames().contains(QStringLiteral("attention")));
    panel.setHiddenControls({QStringLiteral("attention"), QStringLiteral("mask")});
    EXPECT_FALSE(panel.kindControls()->kindBox()->isVisible());
    choose(panel.maskBox(), static_cast<int>(core::MaskKind::Block));
    EXPECT_FALSE(panel.sparseMaskControls()->blockBox()->isVisible());
    panel.setHiddenControls({});
    EXPECT_TRUE(panel.kindControls()->kindBox()->isVisible());
    EXPECT_TRUE(panel.sparseMaskControls()->blockBox()->isVisible());
}

TEST(AttentionKindControls, ComparePageSetsLinearAttentionAgainstSoftmax) {
    attnlab::testing::CompareWorkspace workspace;
    AttentionController& controller = workspace.controller;
    CompareView& view = workspace.view;
    core::Config config;
    config.sentence = "the animal did not cross the street because it was tired";
    config.dModel = 16;
    config.heads = 2;
    config.projection = core::ProjectionInit::Random;
    controller.setConfig(config);
    ASSERT_TRUE(view.controllerB()->waitForBackgroundWork(60000));
    view.copyAToB();
    ASSERT_TRUE(view.controllerB()->waitForBackgroundWork(60000));

    choose(view.controlsB()->kindControls()->kindBox(),
           static_cast<int>(core::AttentionKind::Linear));
    ASSERT_TRUE(view.controllerB()->waitForBackgroundWork(60000));
    ASSERT_NE(view.resultB(), nullptr);
    EXPECT_EQ(view.resultB()->config.attention, core::AttentionKind::Linear);
    EXPECT_EQ(view.resultA()->config.attention, core::AttentionKind::Dense);
    ASSERT_TRUE(view.comparison().has_value()) << view.message().toStdString();
    // Linear attention approximates softmax: close, but not equal.
    EXPECT_GT(view.comparison()->maxAbsDifference, 0.0f);
    EXPECT_LT(view.comparison()->maxAbsDifference, 1.0f);
    for (Eigen::Index i = 0; i < view.comparison()->klAB.size(); ++i)
        EXPECT_TRUE(std::isfinite(view.comparison()->klAB(i))) << i;
    // B's weights are those of the core on the same settings.
    core::Config linear = config;
    linear.attention = core::AttentionKind::Linear;
    const core::ModelOutput expected = core::runBuiltin(linear);
    for (std::size_t h = 0; h < expected.maps.weights.size(); ++h)
        EXPECT_TRUE(view.resultB()->maps.weights[h].isApprox(expected.maps.weights[h], 1e-6f))
            << "head " << h;
}

TEST(AttentionKindControls, StepsPageExplainsLinearAttentionAndShowsTiledStages) {
    core::Config config;
    config.sentence = "the cat sat on the mat";
    config.dModel = 8;
    config.attention = core::AttentionKind::Linear;
    ui::StepView view;
    view.setResult(std::make_shared<const core::ModelOutput>(core::runBuiltin(config)));
    EXPECT_TRUE(view.formulaText().contains(QStringLiteral("φ(q_i)·φ(k_j)")))
        << view.formulaText().toStdString();
    EXPECT_EQ(view.table(core::StageKind::Scores), nullptr);

    // Tiled attention computes the stages of dense softmax attention exactly.
    config.attention = core::AttentionKind::Tiled;
    const auto tiled = std::make_shared<const core::ModelOutput>(core::runBuiltin(config));
    view.setResult(tiled);
    ui::MatrixTable* weights = view.table(core::StageKind::Weights);
    ASSERT_NE(weights, nullptr);
    config.attention = core::AttentionKind::Dense;
    const core::ModelOutput dense = core::runBuiltin(config);
    EXPECT_TRUE(tiled->maps.weights[0].isApprox(dense.maps.weights[0], 1e-5f));
    EXPECT_NE(view.table(core::StageKind::Scores), nullptr);
}

TEST(AttentionKindControls, TheWindowDrawsTheImplicitWeightsOfLinearAttention) {
    QTemporaryDir folder;
    ASSERT_TRUE(folder.isValid());
    ui::MainWindow window(folder.filePath(QStringLiteral("attention-lab.ini")));
    window.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&window));
    ui::ControlsPanel* controls = window.controlsPanel();
    controls->headsBox()->setValue(2);
    choose(controls->kindControls()->kindBox(), static_cast<int>(core::AttentionKind::Linear));
    choose(controls->kindControls()->featureMapBox(), static_cast<int>(core::FeatureMap::Relu));
    ASSERT_TRUE(window.controller()->waitForBackgroundWork(60000));
    ASSERT_TRUE(window.currentResult());
    EXPECT_EQ(window.currentResult()->config.attention, core::AttentionKind::Linear);
    EXPECT_EQ(window.currentResult()->config.featureMap, core::FeatureMap::Relu);
    // Every heatmap on screen holds the core's implicit weights for the window's settings.
    const core::ModelOutput expected = core::runBuiltin(window.controller()->config());
    const QList<ui::HeatmapView*> views = window.heatmapViews();
    ASSERT_FALSE(views.isEmpty());
    for (const ui::HeatmapView* view : views) {
        const int head = view->head();
        const core::Matrix& weights = head == ui::HeatmapView::MeanOfHeads ? expected.maps.mean[0]
                                      : head == ui::HeatmapView::MaxOfHeads
                                          ? expected.maps.max[0]
                                          : expected.maps.weightsOf(0, head);
        ASSERT_EQ(view->queryCount(), weights.rows());
        for (int q = 0; q < view->queryCount(); ++q)
            for (int k = 0; k < view->keyCount(); ++k)
                EXPECT_FLOAT_EQ(static_cast<float>(view->cellValue(q, k)), weights(q, k))
                    << view->title().toStdString() << " " << q << ", " << k;
    }
}

} // namespace test_attention_kind_controls
