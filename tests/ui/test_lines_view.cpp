// LinesView: a line's opacity is its weight, hovering a token fades the other lines, heads are
// toggled individually, and the mouse finds the tokens.

#include "ui/lines_view.h"

#include "core/model/builtin_model.h"

#include <gtest/gtest.h>

#include <QCheckBox>
#include <QTest>

#include <memory>

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

} // namespace

TEST(LinesView, OpacityIsTheWeight) {
    LinesView view;
    const auto result = sample();
    view.setResult(result);
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
