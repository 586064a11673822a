// Renders every teaching view headless to PNG (QWidget::grab) for a look by eye, and checks
// that each picture has content: many colours, nothing left blank. The files land in
// <build>/tests/ui/teaching/.

#include "ui/attention_controller.h"
#include "ui/compare_view.h"
#include "ui/lines_view.h"
#include "ui/matrix_editor.h"
#include "ui/scaling_view.h"
#include "ui/step_view.h"
#include "ui/teaching_panel.h"

#include "core/model/builtin_model.h"
#include "core/teaching/presets.h"

#include <gtest/gtest.h>

#include <QDir>
#include <QImage>
#include <QSet>
#include <QTest>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_teaching_render {

using namespace attnlab;
using attnlab::ui::AttentionController;
using attnlab::ui::TeachingPanel;

namespace {

QString outputPath(const QString& name) {
    QDir dir(QStringLiteral(ATTNLAB_TEST_OUTPUT_DIR));
    dir.mkpath(QStringLiteral("teaching"));
    return dir.filePath(QStringLiteral("teaching/") + name);
}

// Distinct colours in a grid of samples: a blank or single-colour picture has very few.
int colourVariety(const QImage& image) {
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); y += 3)
        for (int x = 0; x < image.width(); x += 3)
            colours.insert(image.pixel(x, y));
    return static_cast<int>(colours.size());
}

struct Scene {
    AttentionController controller;
    TeachingPanel panel;
    Scene() {
        panel.setWorkspace(&controller);
        QObject::connect(&panel, &TeachingPanel::configRequested, &controller,
                         [this](const core::Config& config) {
                             controller.setConfig(panel.applyManual(config));
                         });
        panel.resize(1280, 760);
        panel.show();
        EXPECT_TRUE(QTest::qWaitForWindowExposed(&panel));
    }
    void render(QWidget* page, const QString& name) {
        panel.showPage(page);
        ASSERT_TRUE(panel.compareView()->controllerB()->waitForBackgroundWork(60000));
        // Queued replots run in the next turns of the event loop; grab() paints what is there.
        QCoreApplication::sendPostedEvents();
        QCoreApplication::processEvents();
        const QImage image = panel.grab().toImage();
        ASSERT_FALSE(image.isNull());
        EXPECT_TRUE(image.save(outputPath(name))) << outputPath(name).toStdString();
        EXPECT_GT(colourVariety(image), 40) << name.toStdString() << " looks blank";
    }
};

core::Config longSentence() {
    core::Config config;
    config.sentence = "The animal didn't cross the street because it was too tired";
    config.dModel = 16;
    config.heads = 4;
    config.projection = core::ProjectionInit::Random;
    config.mask.kind = core::MaskKind::Causal;
    return config;
}

} // namespace

TEST(TeachingRender, TheCatSat) {
    Scene s;
    s.panel.matrixEditor()->loadPreset(core::Preset::TheCatSat);
    s.panel.stepView()->selectCell(core::StageKind::Weights, 0, 1);
    s.render(s.panel.stepView(), QStringLiteral("steps_the_cat_sat.png"));
    s.render(s.panel.matrixEditor(), QStringLiteral("your_numbers_the_cat_sat.png"));
    s.render(s.panel.compareView(), QStringLiteral("compare_the_cat_sat.png"));
}

TEST(TeachingRender, LongSentenceFourHeads) {
    Scene s;
    core::Config config = longSentence();
    config.scoring = core::ScoringFunction::Additive;
    s.controller.setConfig(config);
    s.panel.setSelection(2, 7, 1); // "it" → "animal"
    s.render(s.panel.stepView(), QStringLiteral("steps_additive_causal.png"));
    s.render(s.panel.linesView(), QStringLiteral("lines_four_heads.png"));
    s.panel.linesView()->setHoveredToken({0, 7});
    s.render(s.panel.linesView(), QStringLiteral("lines_hover_it.png"));
    s.render(s.panel.scalingView(), QStringLiteral("why_sqrt_dk.png"));
    s.panel.scalingView()->waitForStudy();
    s.render(s.panel.scalingView(), QStringLiteral("why_sqrt_dk.png"));
    s.render(s.panel.compareView(), QStringLiteral("compare_long.png"));
}

TEST(TeachingRender, ChineseCharacters) {
    Scene s;
    s.panel.matrixEditor()->loadPreset(core::Preset::ZaoShangHao);
    s.render(s.panel.stepView(), QStringLiteral("steps_zao_shang_hao.png"));
    core::Config config;
    config.sentence = "我爱深度学习";
    config.tokenizer.mode = core::TokenizerMode::Char;
    config.dModel = 8;
    config.heads = 2;
    s.controller.setConfig(config);
    s.render(s.panel.linesView(), QStringLiteral("lines_chinese.png"));
    s.render(s.panel.matrixEditor(), QStringLiteral("your_numbers_chinese.png"));
}

} // namespace test_teaching_render
