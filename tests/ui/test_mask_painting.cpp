// Painting a mask on the heatmaps: a stroke blocks exactly the cells it crosses (their weights
// become 0 and the rows renormalise), a stroke that starts on a blocked cell unblocks, Esc leaves
// the mode, the Mask control says Custom, and the painted mask survives a lesson file and an
// exported mask file that the command line's reader turns into the same weights.

#include "ui/controls_panel.h"
#include "ui/heatmap_view.h"
#include "ui/main_window.h"
#include "ui/mask_painter.h"
#include "ui/undo_commands.h"

#include "core/io/mask_file.h"
#include "core/model/builtin_model.h"

#include "eigen_testing.h"
#include "window_lab.h"

#include <gtest/gtest.h>
#include <qcustomplot.h>

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QMessageBox>
#include <QMouseEvent>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QUndoStack>

#include <memory>
#include <set>
#include <utility>
#include <vector>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_mask_painting {

using namespace attnlab;
using ui::HeatmapView;
using ui::MainWindow;

namespace {

using Cell = std::pair<int, int>;

core::Config startConfig() {
    core::Config config;
    config.sentence = "the cat sat on a mat";
    config.heads = 1;
    config.dModel = 16;
    return config;
}

// A window showing `config`, with nothing to undo yet.
struct Lab : attnlab::testing::WindowLab {
    explicit Lab(const core::Config& config = startConfig()) : WindowLab(config) {}

    HeatmapView* view() const { return window->viewForHead(0); }
    std::shared_ptr<const core::ModelOutput> result() const { return window->currentResult(); }
    const core::Matrix& weights() const { return result()->maps.weights[0]; }
};

QPoint plotPoint(const HeatmapView& view, const Cell& cell) {
    view.plot()->replot(QCustomPlot::rpImmediateRefresh);
    return view.plot()->mapFrom(&view, view.cellCenter(cell.first, cell.second));
}

void sendMouse(HeatmapView& view, QEvent::Type type, const Cell& cell, Qt::MouseButton button,
               Qt::MouseButtons buttons) {
    QWidget* plot = view.plot();
    const QPoint pos = plotPoint(view, cell);
    QMouseEvent event(type, pos, plot->mapToGlobal(pos), button, buttons, Qt::NoModifier);
    QApplication::sendEvent(plot, &event);
}

// One stroke: the button goes down on the first cell, moves through the others, goes up.
void stroke(HeatmapView& view, const std::vector<Cell>& cells) {
    sendMouse(view, QEvent::MouseButtonPress, cells.front(), Qt::LeftButton, Qt::LeftButton);
    for (std::size_t i = 1; i < cells.size(); ++i)
        sendMouse(view, QEvent::MouseMove, cells[i], Qt::NoButton, Qt::LeftButton);
    sendMouse(view, QEvent::MouseButtonRelease, cells.back(), Qt::LeftButton, Qt::NoButton);
}

std::set<Cell> blockedCells(const core::ModelOutput& result) {
    std::set<Cell> cells;
    const core::BoolMatrix& allowed = result.maps.allowed;
    for (int i = 0; i < allowed.rows(); ++i)
        for (int j = 0; j < allowed.cols(); ++j)
            if (!allowed(i, j))
                cells.emplace(i, j);
    return cells;
}

// Masking renormalises each row over the keys it still sees (docs/attention-math.md, "Masks"):
// the weights of `before` with `blocked` set to 0 and every row divided by what remains.
core::Matrix renormalised(const core::Matrix& before, const std::set<Cell>& blocked) {
    core::Matrix expected = before;
    for (const auto& [i, j] : blocked)
        expected(i, j) = 0;
    for (int i = 0; i < expected.rows(); ++i) {
        double sum = 0;
        for (int j = 0; j < expected.cols(); ++j)
            sum += expected(i, j);
        if (sum > 0)
            expected.row(i) /= static_cast<float>(sum);
    }
    return expected;
}

int maskKind(const MainWindow& window) {
    return window.controlsPanel()->maskBox()->currentData().toInt();
}

} // namespace

TEST(MaskPainting, ADragBlocksExactlyTheCellsItCrossesAndTheRowsRenormalise) {
    Lab lab;
    const core::Matrix before = lab.weights();
    ASSERT_TRUE(blockedCells(*lab.result()).empty());
    EXPECT_EQ(maskKind(*lab.window), static_cast<int>(core::MaskKind::None));

    ui::MaskPainter* painter = lab.window->maskPainter();
    painter->paintAction()->trigger();
    ASSERT_TRUE(painter->isActive());
    ASSERT_TRUE(lab.view()->paintMode());
    // Row 'sat' from its first key to its third, then down to 'on' (a drag changes rows too).
    stroke(*lab.view(), {{2, 0}, {2, 1}, {2, 2}, {3, 2}});
    lab.settle();

    const std::set<Cell> painted{{2, 0}, {2, 1}, {2, 2}, {3, 2}};
    EXPECT_EQ(blockedCells(*lab.result()), painted);
    EXPECT_EIGEN_NEAR(lab.weights(), renormalised(before, painted), 1e-6);
    for (int i = 0; i < lab.weights().rows(); ++i)
        EXPECT_NEAR(lab.weights().row(i).sum(), 1.0, 1e-5) << "row " << i;
    // The control names the mask computed, and the views draw it.
    EXPECT_EQ(maskKind(*lab.window), static_cast<int>(core::MaskKind::Custom));
    EXPECT_EQ(lab.window->controlsPanel()->maskBox()->currentText(),
              ui::ControlsPanel::tr("Custom"));
    EXPECT_TRUE(lab.view()->isMasked(2, 1));
    EXPECT_FALSE(lab.view()->isMasked(2, 3));
    // Painting does not select: the row selection is where it was.
    EXPECT_NE(lab.view()->selectedKey(), 2);
    // For an eye check: the window while painting, in the build folder.
    QCoreApplication::processEvents(); // the queued replots of the docks
    lab.window->grab().save(QStringLiteral(ATTNLAB_TEST_OUTPUT_DIR "/mask_painting.png"));
    // The stroke is one step.
    EXPECT_EQ(lab.window->undoHistory()->stack()->count(), 1);
    EXPECT_EQ(lab.window->undoHistory()->stack()->undoText(),
              ui::MainWindow::tr("Block %1 Cells").arg(4));
}

TEST(MaskPainting, AQuickDragBlocksTheCellsBetweenTwoMouseEvents) {
    Lab lab;
    lab.window->maskPainter()->setActive(true);
    stroke(*lab.view(), {{0, 0}, {0, 4}}); // the mouse jumped over keys 1 to 3
    lab.settle();
    EXPECT_EQ(blockedCells(*lab.result()),
              (std::set<Cell>{{0, 0}, {0, 1}, {0, 2}, {0, 3}, {0, 4}}));
}

TEST(MaskPainting, AStrokeThatStartsOnABlockedCellUnblocks) {
    Lab lab;
    const core::Matrix original = lab.weights();
    ui::MaskPainter* painter = lab.window->maskPainter();
    painter->setActive(true);
    stroke(*lab.view(), {{1, 0}, {1, 1}, {1, 2}, {1, 3}});
    lab.settle();
    ASSERT_EQ(blockedCells(*lab.result()).size(), 4u);

    // Starts on a blocked cell: unblocks the cells it crosses, and blocks none on its way.
    sendMouse(*lab.view(), QEvent::MouseButtonPress, {1, 1}, Qt::LeftButton, Qt::LeftButton);
    EXPECT_TRUE(painter->isStroking());
    EXPECT_FALSE(painter->strokeBlocks());
    sendMouse(*lab.view(), QEvent::MouseMove, {1, 2}, Qt::NoButton, Qt::LeftButton);
    sendMouse(*lab.view(), QEvent::MouseMove, {2, 2}, Qt::NoButton, Qt::LeftButton); // visible
    sendMouse(*lab.view(), QEvent::MouseButtonRelease, {2, 2}, Qt::LeftButton, Qt::NoButton);
    lab.settle();
    const std::set<Cell> left{{1, 0}, {1, 3}};
    EXPECT_EQ(blockedCells(*lab.result()), left);
    EXPECT_EIGEN_NEAR(lab.weights(), renormalised(original, left), 1e-6);
    EXPECT_EQ(lab.window->undoHistory()->stack()->count(), 2);
    EXPECT_EQ(lab.window->undoHistory()->stack()->undoText(),
              ui::MainWindow::tr("Unblock %1 Cells").arg(2));
}

TEST(MaskPainting, EscLeavesThePaintModeAndAClickSelectsAgain) {
    Lab lab;
    lab.window->activateWindow();
    ASSERT_TRUE(QTest::qWaitForWindowActive(lab.window.get()));
    ui::MaskPainter* painter = lab.window->maskPainter();
    painter->paintAction()->trigger();
    ASSERT_TRUE(painter->isActive());
    EXPECT_TRUE(painter->stopAction()->isEnabled());
    QSignalSpy left(painter, &ui::MaskPainter::activeChanged);
    // The message strip says how to paint while the mode is on.
    EXPECT_EQ(lab.window->messageText(), lab.window->tr("Painting the mask: click or drag over "
                                                        "cells to block them; a stroke that "
                                                        "starts on a blocked cell unblocks. Esc "
                                                        "stops painting."));

    lab.view()->plot()->setFocus();
    QTest::keyClick(lab.view()->plot(), Qt::Key_Escape);
    ASSERT_EQ(left.count(), 1);
    EXPECT_FALSE(painter->isActive());
    EXPECT_FALSE(painter->paintAction()->isChecked());
    EXPECT_FALSE(painter->stopAction()->isEnabled());
    EXPECT_FALSE(lab.view()->paintMode());
    EXPECT_TRUE(lab.window->messageText().isEmpty());

    // A click now selects the row and changes no mask.
    sendMouse(*lab.view(), QEvent::MouseButtonPress, {3, 1}, Qt::LeftButton, Qt::LeftButton);
    sendMouse(*lab.view(), QEvent::MouseButtonRelease, {3, 1}, Qt::LeftButton, Qt::NoButton);
    lab.settle();
    EXPECT_EQ(lab.view()->selectedQuery(), 3);
    EXPECT_TRUE(blockedCells(*lab.result()).empty());
    EXPECT_EQ(lab.window->undoHistory()->stack()->count(), 0);
}

TEST(MaskPainting, StartsFromTheMaskInForce) {
    core::Config config = startConfig();
    config.mask.kind = core::MaskKind::Causal;
    Lab lab(config);
    const std::set<Cell> causal = blockedCells(*lab.result());
    ASSERT_FALSE(causal.empty());
    lab.window->maskPainter()->setActive(true);
    stroke(*lab.view(), {{4, 0}, {4, 1}});
    lab.settle();
    std::set<Cell> expected = causal;
    expected.insert({{4, 0}, {4, 1}});
    EXPECT_EQ(blockedCells(*lab.result()), expected);
    EXPECT_EQ(maskKind(*lab.window), static_cast<int>(core::MaskKind::Custom));
}

TEST(MaskPainting, APaddedSentenceIsRefusedWithAReason) {
    core::Config config = startConfig();
    config.mask = core::parseMask("padding:9");
    Lab lab(config);
    ui::MaskPainter* painter = lab.window->maskPainter();
    painter->setActive(true);
    QSignalSpy refused(painter, &ui::MaskPainter::refused);
    stroke(*lab.view(), {{0, 0}, {0, 1}});
    lab.settle();
    ASSERT_EQ(refused.count(), 1);
    EXPECT_FALSE(refused.front().front().toString().isEmpty());
    EXPECT_EQ(lab.result()->config.mask.kind, core::MaskKind::Padding);
    EXPECT_EQ(lab.window->undoHistory()->stack()->count(), 0);
}

TEST(MaskPainting, ThePaintedMaskSurvivesSavingAndReopeningTheLesson) {
    Lab lab;
    lab.window->maskPainter()->setActive(true);
    stroke(*lab.view(), {{5, 0}, {5, 1}, {4, 1}});
    lab.settle();
    const std::set<Cell> painted = blockedCells(*lab.result());
    ASSERT_EQ(painted.size(), 3u);
    const core::Matrix weights = lab.weights();
    const QString path = lab.dir.filePath(QStringLiteral("painted.attnlab"));
    ASSERT_TRUE(lab.window->saveSessionFile(path)) << lab.window->lastError().toStdString();

    Lab reopened(core::Config{});
    ASSERT_TRUE(reopened.window->openSessionFile(path))
        << reopened.window->lastError().toStdString();
    reopened.settle();
    EXPECT_EQ(blockedCells(*reopened.result()), painted);
    EXPECT_EQ(maskKind(*reopened.window), static_cast<int>(core::MaskKind::Custom));
    EXPECT_EIGEN_NEAR(reopened.weights(), weights, 1e-6);
}

TEST(MaskPainting, TheExportedMaskFileGivesTheSameWeightsThroughTheCommandLinesReader) {
    Lab lab;
    lab.window->maskPainter()->setActive(true);
    stroke(*lab.view(), {{0, 3}, {1, 3}, {2, 3}});
    lab.settle();
    const std::set<Cell> painted = blockedCells(*lab.result());
    ASSERT_EQ(painted.size(), 3u);
    const QString path = lab.dir.filePath(QStringLiteral("mask.txt"));
    QString error;
    ASSERT_TRUE(lab.window->exportMask(path, &error)) << error.toStdString();

    // What `--mask custom:FILE` does: read the file, check its shape, compute.
    const core::MaskFile file = core::loadMaskFile(path.toStdString());
    const int n = static_cast<int>(lab.result()->maps.queryTokens.size());
    EXPECT_NO_THROW(core::checkMaskShape(file, path.toStdString(), n, n));
    const std::set<Cell> read(file.mask.blocked.begin(), file.mask.blocked.end());
    EXPECT_EQ(read, painted);
    core::Config config = startConfig();
    config.mask = file.mask;
    EXPECT_EIGEN_NEAR(core::runBuiltin(config).maps.weights[0], lab.weights(), 1e-6);
}

} // namespace test_mask_painting
