// LinesView: a line's opacity is its weight (scaled to its row's largest weight by default, so
// that thinly spread rows stay visible on a projector), hovering a token fades the other lines,
// heads are toggled individually, and the mouse finds the tokens.

#include "ui/lines_view.h"

#include "core/model/builtin_model.h"

#include <gtest/gtest.h>

#include <QCheckBox>
#include <QComboBox>
#include <QImage>
#include <QTest>

#include <algorithm>
#include <memory>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_lines_view {

using namespace attnlab;
using attnlab::ui::LinesView;

namespace {

std::shared_ptr<const core::ModelOutput> sample(int heads = 3) {
    core::Config config;
    config.sentence = "the cat sat on the mat";
    config.dModel = 12;
    config.heads = heads;
    config.projection = core::ProjectionInit::Random;
    return std::make_shared<const core::ModelOutput>(core::runBuiltin(config));
}

// Ten tokens; row 0 of head 0 uniform (0.1 each), row 1 of head 0 graded and small.
std::shared_ptr<const core::ModelOutput> faintRows() {
    core::Config config;
    config.sentence = "one two three four five six seven eight nine ten";
    config.dModel = 8;
    config.heads = 1;
    auto output = std::make_shared<core::ModelOutput>(core::runBuiltin(config));
    core::Matrix& w = output->maps.weights[0];
    EXPECT_EQ(w.cols(), 10);
    w.row(0).setConstant(0.1f);
    // 0.19, 0.17, …, 0.01: sums to 1, the largest well below full opacity.
    for (Eigen::Index k = 0; k < w.cols(); ++k)
        w(1, k) = 0.19f - 0.02f * static_cast<float>(k);
    return output;
}

} // namespace

TEST(LinesView, DefaultScalesEachRowToItsMaximum) {
    LinesView view;
    const auto result = faintRows();
    view.setResult(result);
    EXPECT_EQ(view.contrast(), LinesView::Contrast::RowMaximum);
    // A uniform row over ten keys: every line is the row's strongest, so fully opaque.
    for (int k = 0; k < 10; ++k)
        EXPECT_DOUBLE_EQ(view.lineAlpha(0, 0, k), 1.0);
    // A graded row: the strongest line fully opaque, the others in proportion and in order.
    const core::Matrix& w = result->maps.weights[0];
    EXPECT_DOUBLE_EQ(view.lineAlpha(0, 1, 0), 1.0);
    for (int k = 1; k < 10; ++k) {
        EXPECT_LT(view.lineAlpha(0, 1, k), view.lineAlpha(0, 1, k - 1));
        EXPECT_NEAR(view.lineAlpha(0, 1, k), w(1, k) / w(1, 0), 1e-6);
    }
    // Every row of the real result has a fully opaque strongest line.
    for (int q = 2; q < w.rows(); ++q) {
        double strongest = 0.0;
        for (int k = 0; k < w.cols(); ++k)
            strongest = std::max(strongest, view.lineAlpha(0, q, k));
        EXPECT_DOUBLE_EQ(strongest, 1.0) << "row " << q;
    }
    // Hovering still fades the lines of other tokens, from the scaled opacity.
    view.setHoveredToken({0, 0});
    EXPECT_DOUBLE_EQ(view.lineAlpha(0, 1, 0), LinesView::kFadedFactor);
}

TEST(LinesView, ContrastPickerSwitchesToAbsoluteWeights) {
    LinesView view;
    const auto result = faintRows();
    view.setResult(result);
    QComboBox* picker = view.contrastPicker();
    ASSERT_NE(picker, nullptr);
    EXPECT_FALSE(picker->toolTip().isEmpty());
    const int absolute = picker->findData(static_cast<int>(LinesView::Contrast::Absolute));
    ASSERT_GE(absolute, 0);
    emit picker->activated(absolute); // as when the user picks it
    EXPECT_EQ(picker->currentIndex(), absolute);
    EXPECT_EQ(view.contrast(), LinesView::Contrast::Absolute);
    EXPECT_NEAR(view.lineAlpha(0, 0, 3), 0.1, 1e-6);
    EXPECT_NEAR(view.lineAlpha(0, 1, 0), 0.19, 1e-6);
    view.setContrast(LinesView::Contrast::RowMaximum);
    EXPECT_EQ(picker->currentData().toInt(), static_cast<int>(LinesView::Contrast::RowMaximum));
    EXPECT_DOUBLE_EQ(view.lineAlpha(0, 0, 3), 1.0);
}

// The pixels agree: under the default the strongest line of a faint row is drawn in its head's
// full colour; under absolute weights it is a pale tint.
TEST(LinesView, StrongestLineIsDrawnOpaque) {
    LinesView view;
    view.resize(700, 500);
    view.setResult(faintRows());
    view.showOnlyHead(0);
    view.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&view));
    // Half way across, the line query i → key i is the only one at its row's height.
    const auto darkestNearQuery = [&view](int query) {
        const QImage image = view.canvas()->grab().toImage();
        const QPoint from = view.tokenCenter({0, query});
        const QPoint to = view.tokenCenter({1, query});
        const int x = (from.x() + to.x()) / 2;
        int darkest = 255;
        for (int dy = -2; dy <= 2; ++dy)
            darkest = std::min(darkest, qGray(image.pixel(x, from.y() + dy)));
        return darkest;
    };
    const int scaled = darkestNearQuery(0);
    view.setContrast(LinesView::Contrast::Absolute);
    view.canvas()->repaint();
    const int absolute = darkestNearQuery(0);
    const int full = qGray(LinesView::headColor(0).rgb());
    EXPECT_LE(scaled, full + 40) << "strongest line drawn near its head's full colour";
    EXPECT_GT(absolute, scaled + 60) << "absolute weight 0.1 draws a pale line";
    view.setContrast(LinesView::Contrast::RowMaximum);
    view.grab().save(QStringLiteral(ATTNLAB_TEST_OUTPUT_DIR "/lines_scaled.png"));
    view.setContrast(LinesView::Contrast::Absolute);
    view.grab().save(QStringLiteral(ATTNLAB_TEST_OUTPUT_DIR "/lines_absolute.png"));
}

TEST(LinesView, OpacityIsTheWeight) {
    LinesView view;
    const auto result = sample();
    view.setResult(result);
    view.setContrast(LinesView::Contrast::Absolute);
    for (int h = 0; h < 3; ++h)
        for (int q = 0; q < 6; ++q)
            for (int k = 0; k < 6; ++k)
                EXPECT_DOUBLE_EQ(view.lineAlpha(h, q, k),
                                 result->maps.weights[static_cast<std::size_t>(h)](q, k));
    EXPECT_EQ(view.lineAlpha(3, 0, 0), 0.0) << "no such head";
    EXPECT_EQ(view.lineAlpha(0, 6, 0), 0.0) << "no such query";
}

TEST(LinesView, HoverFadesOtherLinesAndTogglesHideHeads) {
    LinesView view;
    const auto result = sample();
    view.setResult(result);
    view.setContrast(LinesView::Contrast::Absolute);
    const core::Matrix& w = result->maps.weights[1];
    view.setHoveredToken({0, 2}); // query "sat"
    EXPECT_DOUBLE_EQ(view.lineAlpha(1, 2, 4), w(2, 4));
    EXPECT_DOUBLE_EQ(view.lineAlpha(1, 3, 4), w(3, 4) * LinesView::kFadedFactor);
    view.setHoveredToken({1, 5}); // key "mat"
    EXPECT_DOUBLE_EQ(view.lineAlpha(1, 0, 5), w(0, 5));
    EXPECT_DOUBLE_EQ(view.lineAlpha(1, 0, 4), w(0, 4) * LinesView::kFadedFactor);
    view.setHoveredToken({});

    view.setHeadVisible(1, false);
    EXPECT_FALSE(view.isHeadVisible(1));
    EXPECT_EQ(view.lineAlpha(1, 2, 4), 0.0);
    EXPECT_DOUBLE_EQ(view.lineAlpha(0, 2, 4), result->maps.weights[0](2, 4));
    // The toggle survives a new result with the same head count, not a different one.
    view.setResult(sample());
    EXPECT_FALSE(view.isHeadVisible(1));
    view.setResult(sample(2));
    EXPECT_TRUE(view.isHeadVisible(1));
    EXPECT_NE(LinesView::headColor(0), LinesView::headColor(1));
}

TEST(LinesView, MouseHoverAndCheckBoxes) {
    LinesView view;
    view.resize(700, 400);
    view.setResult(sample());
    view.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&view));
    const LinesView::TokenRef cat{0, 1};
    const QPoint center = view.tokenCenter(cat);
    EXPECT_EQ(view.tokenAt(center), cat);
    QTest::mouseMove(view.canvas(), center);
    EXPECT_EQ(view.hoveredToken(), cat);
    const LinesView::TokenRef key{1, 3};
    QTest::mouseMove(view.canvas(), view.tokenCenter(key));
    EXPECT_EQ(view.hoveredToken(), key);
    EXPECT_EQ(view.tokenAt(QPoint(view.canvas()->width() / 2, 5)).side, -1);

    view.canvas()->repaint();
    const int allLines = view.drawnLineCount();
    EXPECT_GT(allLines, 0);
    const QList<QCheckBox*> boxes = view.findChildren<QCheckBox*>();
    ASSERT_EQ(boxes.size(), 3);
    boxes[0]->setChecked(false);
    EXPECT_FALSE(view.isHeadVisible(0));
    view.canvas()->repaint();
    EXPECT_LT(view.drawnLineCount(), allLines);
}

TEST(LinesView, LineScaleThickensTheLines) {
    LinesView view;
    EXPECT_DOUBLE_EQ(view.penWidth(false), 0.0); // one-pixel cosmetic lines by default
    const double hot = view.penWidth(true);
    EXPECT_GT(hot, 1.0);
    view.setLineScale(2.0);
    EXPECT_DOUBLE_EQ(view.penWidth(false), 2.0);
    EXPECT_DOUBLE_EQ(view.penWidth(true), 2.0 * hot);
    view.setLineScale(1.0);
    EXPECT_DOUBLE_EQ(view.penWidth(false), 0.0);
    EXPECT_DOUBLE_EQ(view.penWidth(true), hot);
}

} // namespace test_lines_view
