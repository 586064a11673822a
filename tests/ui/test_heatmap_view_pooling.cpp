// HeatmapView with long sentences: matrices of more than 512 × 512 cells are shown max-pooled at
// about screen resolution. These tests pin what must stay right: every peak is still visible,
// masked blocks stay hatched, hover and clicks still name the exact cell, the colour scale still
// spans the real values, and short sentences are shown cell for cell as before.

#include "core/attention/mask.h"
#include "ui/heatmap_view.h"

#include <gtest/gtest.h>
#include <qcustomplot.h>

#include <QApplication>
#include <QElapsedTimer>
#include <QTest>

#include <cmath>
#include <memory>
#include <string>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_heatmap_view_pooling {

using namespace attnlab;
using attnlab::ui::HeatmapView;

namespace {

// A result with one head whose weights are `weights` (tokens t0, t1, …) and mask `allowed`.
std::shared_ptr<const core::ModelOutput> resultWith(const core::Matrix& weights,
                                                    const core::BoolMatrix* allowed = nullptr) {
    auto result = std::make_shared<core::ModelOutput>();
    const auto rows = weights.rows();
    const auto cols = weights.cols();
    for (Eigen::Index i = 0; i < rows; ++i)
        result->maps.queryTokens.push_back({"q" + std::to_string(i), 0, 0, false, false});
    for (Eigen::Index j = 0; j < cols; ++j)
        result->maps.keyTokens.push_back({"k" + std::to_string(j), 0, 0, false, false});
    result->maps.allowed = allowed ? *allowed : core::BoolMatrix::Constant(rows, cols, true);
    result->maps.weights.push_back(weights);
    core::completeMaps(result->maps);
    return result;
}

struct ShownView {
    HeatmapView view;
    ShownView() {
        view.resize(700, 600);
        view.show();
        EXPECT_TRUE(QTest::qWaitForWindowExposed(&view));
    }
};

} // namespace

TEST(HeatmapPooling, ShortSentencesAreShownCellForCell) {
    ShownView shown;
    core::Matrix weights = core::Matrix::Random(300, 200).cwiseAbs();
    shown.view.setData(resultWith(weights), 0);
    EXPECT_EQ(shown.view.colorMapCells(), QSize(200, 300));
    for (int i : {0, 17, 299})
        for (int j : {0, 99, 199})
            EXPECT_FLOAT_EQ(static_cast<float>(shown.view.cellValue(i, j)), weights(i, j));
}

TEST(HeatmapPooling, LongSentenceKeepsEveryPeak) {
    ShownView shown;
    const int n = 3000;
    core::Matrix weights = core::Matrix::Constant(n, n, 0.001f);
    // Isolated peaks, including the last row and column (a partial block).
    const std::vector<std::pair<int, int>> peaks{{0, 0}, {1234, 2999}, {2999, 5}, {1500, 1501}};
    for (const auto& [i, j] : peaks)
        weights(i, j) = 0.9f;
    shown.view.setData(resultWith(weights), 0);
    const QSize cells = shown.view.colorMapCells();
    EXPECT_LE(cells.width(), 512);
    EXPECT_LE(cells.height(), 512);
    EXPECT_GE(cells.width(), 256) << "still about screen resolution";
    EXPECT_EQ(shown.view.queryCount(), n);
    EXPECT_EQ(shown.view.keyCount(), n);
    QCPColorMapData* data = nullptr;
    for (int k = 0; k < shown.view.plot()->plottableCount(); ++k)
        if (auto* map = qobject_cast<QCPColorMap*>(shown.view.plot()->plottable(k)))
            data = map->data();
    ASSERT_NE(data, nullptr);
    // Every peak is in the colour map, in the block that contains it, which is drawn where the
    // peak's own cell lies on the axes.
    for (const auto& [i, j] : peaks) {
        int key = 0, value = 0;
        data->coordToCell(j, i, &key, &value);
        EXPECT_FLOAT_EQ(static_cast<float>(data->cell(key, value)), 0.9f)
            << "peak at " << i << ", " << j << " lost by pooling";
        EXPECT_FLOAT_EQ(static_cast<float>(shown.view.cellValue(i, j)), 0.9f);
    }
    // A block without a peak shows the background value; the cell value stays exact.
    int key = 0, value = 0;
    data->coordToCell(700, 700, &key, &value);
    EXPECT_FLOAT_EQ(static_cast<float>(data->cell(key, value)), 0.001f);
    EXPECT_FLOAT_EQ(static_cast<float>(shown.view.cellValue(1500, 1502)), 0.001f)
        << "the neighbour of a peak keeps its own value";
    // The colour map holds exactly as many high blocks as there are peaks.
    int high = 0;
    for (int c = 0; c < data->keySize(); ++c)
        for (int r = 0; r < data->valueSize(); ++r)
            high += data->cell(c, r) > 0.5 ? 1 : 0;
    EXPECT_EQ(high, static_cast<int>(peaks.size()));
}

TEST(HeatmapPooling, HoverAndClicksNameTheExactCell) {
    ShownView shown;
    const int n = 2048;
    shown.view.setData(resultWith(core::Matrix::Constant(n, n, 0.5f)), 0);
    shown.view.plot()->replot();
    for (const auto& [i, j] : std::vector<std::pair<int, int>>{{0, 0}, {1000, 37}, {2040, 2000}}) {
        const QPoint centre = shown.view.cellCenter(i, j);
        const auto cell = shown.view.cellAt(centre);
        // Cells are a fraction of a pixel wide: the cell under a pixel is one of its neighbours.
        EXPECT_NEAR(cell.first, i, 4) << "row " << i;
        EXPECT_NEAR(cell.second, j, 4) << "column " << j;
    }
    EXPECT_TRUE(shown.view.hoverText(1000, 37).contains(QStringLiteral("q1000")));
    EXPECT_TRUE(shown.view.hoverText(1000, 37).contains(QStringLiteral("k37")));
}

TEST(HeatmapPooling, FullyMaskedBlocksStayTransparentOthersNot) {
    ShownView shown;
    const int n = 2000;
    core::BoolMatrix allowed = core::BoolMatrix::Constant(n, n, true);
    // Causal mask: the upper triangle is masked.
    for (int i = 0; i < n; ++i)
        for (int j = i + 1; j < n; ++j)
            allowed(i, j) = false;
    shown.view.setData(resultWith(core::Matrix::Constant(n, n, 0.2f), &allowed), 0);
    QCPColorMap* map = nullptr;
    for (int k = 0; k < shown.view.plot()->plottableCount(); ++k)
        if (auto* m = qobject_cast<QCPColorMap*>(shown.view.plot()->plottable(k)))
            map = m;
    ASSERT_NE(map, nullptr);
    QCPColorMapData* data = map->data();
    const int last = data->keySize() - 1;
    EXPECT_EQ(data->alpha(last, 0), 0) << "top-right block: every cell masked";
    EXPECT_EQ(data->alpha(0, last), 255) << "bottom-left block: visible";
    EXPECT_EQ(data->alpha(10, 10), 255) << "a diagonal block has visible cells";
    EXPECT_TRUE(shown.view.isMasked(0, 1999));
    EXPECT_FALSE(shown.view.isMasked(1999, 0));
}

// The pooled mask is worked out once per result and shared by the views of that result: a
// later result of the same size, with another mask, must get its own (also when the earlier
// result is gone and the new one may sit at its address), and so must a second view.
TEST(HeatmapPooling, EachResultGetsTheMaskBlocksOfItsOwnMask) {
    ShownView shown;
    ShownView second;
    const int n = 1500;
    const auto alphaAt = [](HeatmapView& view, int key, int value) -> int {
        for (int k = 0; k < view.plot()->plottableCount(); ++k)
            if (auto* m = qobject_cast<QCPColorMap*>(view.plot()->plottable(k)))
                return m->data()->alpha(key, value);
        return -1;
    };
    core::BoolMatrix causal = core::BoolMatrix::Constant(n, n, true);
    core::BoolMatrix anticausal = core::BoolMatrix::Constant(n, n, true);
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j) {
            causal(i, j) = j <= i;
            anticausal(i, j) = j >= i;
        }
    auto first = resultWith(core::Matrix::Constant(n, n, 0.2f), &causal);
    shown.view.setData(first, 0);
    second.view.setData(first, 0);
    for (HeatmapView* view : {&shown.view, &second.view}) {
        EXPECT_EQ(alphaAt(*view, 100, 0), 0) << "the top-right block of a causal mask";
        EXPECT_EQ(alphaAt(*view, 0, 100), 255);
    }
    shown.view.setData(nullptr, 0);
    second.view.setData(nullptr, 0);
    first.reset();
    shown.view.setData(resultWith(core::Matrix::Constant(n, n, 0.2f), &anticausal), 0);
    EXPECT_EQ(alphaAt(shown.view, 100, 0), 255) << "the new mask, not the earlier one";
    EXPECT_EQ(alphaAt(shown.view, 0, 100), 0);
    EXPECT_TRUE(shown.view.isMasked(1499, 0));
    shown.view.setData(resultWith(core::Matrix::Constant(n, n, 0.2f)), 0);
    EXPECT_EQ(alphaAt(shown.view, 0, 100), 255) << "no mask: every block visible";
    EXPECT_EQ(alphaAt(shown.view, 100, 0), 255);
    EXPECT_FALSE(shown.view.isMasked(1499, 0));
}

TEST(HeatmapPooling, AutoRangeSpansTheVisibleValues) {
    ShownView shown;
    const int n = 1200;
    core::Matrix weights = core::Matrix::Constant(n, n, 0.25f);
    weights(3, 4) = 0.75f;
    core::BoolMatrix allowed = core::BoolMatrix::Constant(n, n, true);
    allowed(5, 5) = false;
    weights(5, 5) = 5.0f; // masked: must not widen the scale
    shown.view.setAutoRange();
    shown.view.setData(resultWith(weights, &allowed), 0);
    const auto range = shown.view.valueRange();
    EXPECT_DOUBLE_EQ(range.first, 0.0);
    EXPECT_FLOAT_EQ(static_cast<float>(range.second), 0.75f);
}

TEST(HeatmapPooling, LongSentenceIsQuickToShow) {
    // Not a timing test of the machine: a per-cell path over 16 million cells takes seconds,
    // the pooled path a small fraction of that on any machine that runs the GUI.
    ShownView shown;
    const int n = 4096;
    const auto result = resultWith(core::Matrix::Constant(n, n, 0.1f));
    QElapsedTimer timer;
    timer.start();
    shown.view.setData(result, 0);
    shown.view.plot()->replot();
    EXPECT_LT(timer.elapsed(), 1500);
    EXPECT_LE(shown.view.colorMapCells().width(), 512);
}

} // namespace test_heatmap_view_pooling
