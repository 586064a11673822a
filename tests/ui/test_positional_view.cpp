// The positional encoding drawn: the compact picture under the Positions control and the large
// stage of the Steps page hold core::positionalPicture's numbers (and paint each cell in the
// colour of its value), the window's picture switches with the Positions control and follows
// the selected head for ALiBi, and "none" shows its explanation instead of a map.

#include "ui/controls_panel.h"
#include "ui/heatmap_view.h"
#include "ui/main_window.h"
#include "ui/positional_view.h"
#include "ui/step_view.h"
#include "ui/teaching_panel.h"

#include "core/attention/positional.h"
#include "core/base/random.h"
#include "core/model/builtin_model.h"
#include "core/teaching/positional_picture.h"

#include "test_support.h"
#include "window_lab.h"

#include <gtest/gtest.h>

#include <qcustomplot.h>

#include <QComboBox>
#include <QImage>
#include <QSpinBox>
#include <QTest>

#include <memory>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_positional_view {

using namespace attnlab;
using attnlab::ui::PositionalView;

namespace {

std::shared_ptr<const core::ModelOutput> run(core::PositionalEncoding encoding, int heads = 2,
                                             int n = 5, int d = 16) {
    core::Config config;
    config.embeddings = core::EmbeddingSource::Manual;
    config.tokenizer.mode = core::TokenizerMode::Whitespace;
    config.sentence.clear();
    for (int i = 0; i < n; ++i)
        config.sentence += (i ? " w" : "w") + std::to_string(i);
    config.manualQueryEmbeddings = core::Random(5).normalMatrix(n, d, 1.0);
    config.dModel = d;
    config.heads = heads;
    config.projection = core::ProjectionInit::Random;
    config.positional = encoding;
    return std::make_shared<const core::ModelOutput>(core::runBuiltin(config));
}

// Every cell's centre pixel has the colour of its value (within rounding of the colour map).
void expectCellsPainted(PositionalView& view) {
    const QImage image = view.grab().toImage();
    const core::Matrix& v = view.picture().values;
    ASSERT_GT(v.size(), 0);
    for (int r = 0; r < v.rows(); ++r)
        for (int c = 0; c < v.cols(); ++c) {
            const QRectF cell = view.cellRect(r, c);
            ASSERT_FALSE(cell.isEmpty());
            const QColor drawn =
                image.pixelColor(cell.center().toPoint() * image.devicePixelRatio());
            const QColor wanted = view.colorFor(v(r, c));
            EXPECT_NEAR(drawn.red(), wanted.red(), 2) << r << ", " << c;
            EXPECT_NEAR(drawn.green(), wanted.green(), 2) << r << ", " << c;
            EXPECT_NEAR(drawn.blue(), wanted.blue(), 2) << r << ", " << c;
        }
}

} // namespace

TEST(PositionalView, DrawsTheCorePictureOfEachEncoding) {
    for (core::PositionalEncoding encoding :
         {core::PositionalEncoding::Sinusoidal, core::PositionalEncoding::Rope,
          core::PositionalEncoding::Alibi}) {
        for (PositionalView::Size size :
             {PositionalView::Size::Compact, PositionalView::Size::Large}) {
            SCOPED_TRACE(std::string(core::toString(encoding)));
            const auto result = run(encoding, 4);
            PositionalView view(size);
            view.resize(size == PositionalView::Size::Compact ? QSize(260, 130) : QSize(640, 360));
            view.setResult(result);
            view.setHead(2);
            const core::PositionalPicture expected = core::positionalPicture(*result, 2);
            EXPECT_EQ(view.picture().encoding, encoding);
            EXPECT_EIGEN_NEAR(view.picture().values, expected.values, 0);
            EXPECT_FALSE(view.title().isEmpty());
            EXPECT_FALSE(view.formula().isEmpty());
            EXPECT_FALSE(view.toolTip().isEmpty());
            expectCellsPainted(view);
            EXPECT_FALSE(view.cellText(1, 1).isEmpty());
        }
    }
}

TEST(PositionalView, AlibiShowsTheSelectedHeadsBias) {
    const auto result = run(core::PositionalEncoding::Alibi, 4);
    PositionalView view(PositionalView::Size::Compact);
    view.setResult(result);
    for (int head = 0; head < 4; ++head) {
        view.setHead(head);
        EXPECT_EQ(view.picture().head, head);
        EXPECT_EIGEN_NEAR(view.picture().values, core::alibiHeadBias(5, 5, 4, head), 0);
        EXPECT_TRUE(view.title().contains(QString::number(head + 1)));
    }
}

TEST(PositionalView, NoneExplainsInsteadOfDrawing) {
    PositionalView view(PositionalView::Size::Compact);
    view.setResult(run(core::PositionalEncoding::None));
    EXPECT_EQ(view.picture().values.size(), 0);
    EXPECT_TRUE(view.cellRect(0, 0).isEmpty());
    EXPECT_FALSE(view.emptyText().isEmpty());
    EXPECT_TRUE(view.toolTip().contains(view.emptyText()));
}

TEST(PositionalView, LargeTickLabelsAreThinnedToWhatFits) {
    // 64 dimensions in 400 px: every label cannot fit, so only some are drawn, evenly spaced,
    // and no two drawn labels overlap.
    const auto result = run(core::PositionalEncoding::Sinusoidal, 1, 24, 64);
    PositionalView view(PositionalView::Size::Large);
    view.resize(480, 300);
    view.setResult(result);
    view.grab();
    const QVector<int> columns = view.drawnColumnTicks();
    ASSERT_GE(columns.size(), 2);
    EXPECT_LT(columns.size(), 64);
    const QFontMetricsF fm(view.font());
    for (qsizetype i = 1; i < columns.size(); ++i) {
        const QRectF a = view.cellRect(0, columns[i - 1]);
        const QRectF b = view.cellRect(0, columns[i]);
        const double halfA = fm.horizontalAdvance(QString::number(columns[i - 1])) / 2;
        const double halfB = fm.horizontalAdvance(QString::number(columns[i])) / 2;
        EXPECT_LT(a.center().x() + halfA, b.center().x() - halfB);
    }
    const QVector<int> rows = view.drawnRowTicks();
    ASSERT_GE(rows.size(), 2);
    for (qsizetype i = 1; i < rows.size(); ++i)
        EXPECT_GE(view.cellRect(rows[i], 0).center().y() -
                      view.cellRect(rows[i - 1], 0).center().y(),
                  fm.height());
}

TEST(PositionalView, StepsPageHasTheEncodingAsAStage) {
    ui::StepView steps;
    steps.resize(1200, 800);
    steps.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&steps));
    for (core::PositionalEncoding encoding :
         {core::PositionalEncoding::Sinusoidal, core::PositionalEncoding::Rope,
          core::PositionalEncoding::Alibi}) {
        SCOPED_TRACE(std::string(core::toString(encoding)));
        const auto result = run(encoding, 2);
        steps.setResult(result);
        steps.setSelection(1, -1, -1);
        PositionalView* stage = steps.positionalView();
        ASSERT_NE(stage, nullptr);
        QTRY_VERIFY(stage->isVisible());
        EXPECT_EQ(stage->size(), PositionalView::Size::Large);
        EXPECT_EIGEN_NEAR(stage->picture().values, core::positionalPicture(*result, 1).values, 0);
        EXPECT_GE(stage->width(), 360);
        EXPECT_GE(stage->height(), 260);
        EXPECT_FALSE(stage->rowAxisTitle().isEmpty());
        EXPECT_FALSE(stage->columnAxisTitle().isEmpty());
        EXPECT_FALSE(stage->formula().isEmpty());
    }
    steps.setResult(run(core::PositionalEncoding::None));
    QTRY_VERIFY(!steps.positionalView()->isVisible());
}

TEST(PositionalView, WindowPictureSwitchesWithThePositionsControl) {
    core::Config config;
    config.heads = 4;
    config.dModel = 32;
    attnlab::testing::WindowLab lab(config);
    ui::ControlsPanel* controls = lab.window->controlsPanel();
    PositionalView* picture = controls->positionalView();
    ASSERT_NE(picture, nullptr);
    EXPECT_TRUE(picture->isVisible());
    QComboBox* box = controls->positionalBox();
    for (core::PositionalEncoding encoding :
         {core::PositionalEncoding::Sinusoidal, core::PositionalEncoding::Rope,
          core::PositionalEncoding::Alibi, core::PositionalEncoding::None}) {
        SCOPED_TRACE(std::string(core::toString(encoding)));
        box->setCurrentIndex(box->findData(static_cast<int>(encoding)));
        QTRY_VERIFY(picture->picture().encoding == encoding &&
                    lab.window->currentResult()->config.positional == encoding);
        lab.settle();
        const auto result = lab.window->currentResult();
        const core::PositionalPicture expected =
            core::positionalPicture(*result, picture->picture().head);
        EXPECT_EIGEN_NEAR(picture->picture().values, expected.values, 0);
        if (encoding == core::PositionalEncoding::None)
            EXPECT_EQ(picture->picture().values.size(), 0);
        else
            expectCellsPainted(*picture);
    }
}

TEST(PositionalView, WindowPictureFollowsTheSelectedHeadForAlibi) {
    core::Config config;
    config.heads = 4;
    config.positional = core::PositionalEncoding::Alibi;
    attnlab::testing::WindowLab lab(config);
    PositionalView* picture = lab.window->controlsPanel()->positionalView();
    QTRY_VERIFY(picture->picture().encoding == core::PositionalEncoding::Alibi);
    ui::HeatmapView* third = lab.window->viewForHead(2);
    ASSERT_NE(third, nullptr);
    QTest::mouseClick(third->plot(), Qt::LeftButton, {}, third->cellCenter(1, 1));
    QTRY_COMPARE(picture->picture().head, 2);
    const auto result = lab.window->currentResult();
    EXPECT_EIGEN_NEAR(picture->picture().values,
                      core::alibiHeadBias(result->maps.queries(), result->maps.keys(), 4, 2), 0);
    EXPECT_TRUE(picture->title().contains(QStringLiteral("3")));
}

} // namespace test_positional_view
