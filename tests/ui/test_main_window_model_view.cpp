// The model view in the window: offered only for a model of several layers (a tooltip says why
// otherwise), it shows one thumbnail per layer × head of the model's maps, a click opens that
// map large in the heatmap view on its layer, and figures draw the same grid. The Lines page
// follows the shown layer and picks heads. A model trained by the program (written in its
// folder layout by the trainer) stands in for any model of several layers.

#include "heatmap_testing.h"
#include "ui/attention_controller.h"
#include "ui/color_maps.h"
#include "ui/heatmap_view.h"
#include "ui/lines_view.h"
#include "ui/main_window.h"
#include "ui/model_grid.h"
#include "ui/teaching_panel.h"

#include "core/training/model_folder.h"
#include "core/training/trainer.h"

#include "eigen_testing.h"

#include <gtest/gtest.h>

#include <QAction>
#include <QComboBox>
#include <QLineEdit>
#include <QMessageBox>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <cmath>
#include <memory>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_main_window_model_view {

using namespace attnlab;
using ui::HeatmapView;
using ui::MainWindow;

namespace {

constexpr int kLayers = 3;
constexpr int kHeads = 4;

using attnlab::testing::viewMatrix;

// Among the visible cells, the one of the largest weight and the brightest pixel.
QPoint argmaxOf(const core::Matrix& w, const core::BoolMatrix& allowed) {
    QPoint best(-1, -1);
    float top = -1;
    for (int q = 0; q < w.rows(); ++q)
        for (int k = 0; k < w.cols(); ++k)
            if (allowed(q, k) && w(q, k) > top) {
                top = w(q, k);
                best = {k, q};
            }
    return best;
}

double lightness(const QColor& c) {
    return 0.2126 * c.redF() + 0.7152 * c.greenF() + 0.0722 * c.blueF();
}

// The largest lightness of the image's visible cells.
double brightest(const QImage& image, const core::BoolMatrix& allowed) {
    double top = -1;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x)
            if (allowed(y, x))
                top = std::max(top, lightness(image.pixelColor(x, y)));
    return top;
}

bool near(const QColor& a, const QColor& b) {
    return std::abs(a.red() - b.red()) <= 2 && std::abs(a.green() - b.green()) <= 2 &&
           std::abs(a.blue() - b.blue()) <= 2;
}

class ModelViewWindow : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(m_dir.isValid());
        core::training::TrainSettings s;
        s.task.kind = core::training::TaskKind::Reverse;
        s.task.length = 4;
        s.layers = kLayers;
        s.heads = kHeads;
        s.dModel = 16;
        s.batch = 8;
        s.heldOut = 16;
        s.probe = 4;
        core::training::Trainer trainer(s);
        trainer.run(10);
        m_folder = m_dir.filePath(QStringLiteral("reverse-model"));
        core::training::saveModelFolder(m_folder.toStdString(), trainer);

        m_window = std::make_unique<MainWindow>(m_dir.filePath(QStringLiteral("settings.ini")));
        m_window->setNonInteractive(QMessageBox::Discard);
        m_window->resize(1200, 900);
        m_window->show();
        ASSERT_TRUE(QTest::qWaitForWindowExposed(m_window.get()));
        ASSERT_TRUE(waitFor([](const core::ModelOutput&) { return true; }));
    }

    template <typename Predicate> bool waitFor(Predicate done) {
        return QTest::qWaitFor(
            [&] {
                const auto result = m_window->currentResult();
                return !m_window->controller()->isBusy() && result && done(*result) &&
                       m_window->pendingViewFills() == 0;
            },
            30000);
    }

    void openModel() {
        QSignalSpy opened(m_window.get(), &MainWindow::modelOpened);
        QSignalSpy failed(m_window.get(), &MainWindow::modelFailed);
        m_window->openModelFolder(m_folder);
        ASSERT_TRUE(opened.wait(30000))
            << (failed.isEmpty() ? std::string("no signal")
                                 : failed.front().front().toString().toStdString());
        m_window->sentenceEdit()->setText(QStringLiteral("1 2 3 <s> 3 2 1"));
        ASSERT_TRUE(waitFor([](const core::ModelOutput& r) {
            return r.maps.layers == kLayers && r.maps.queries() == 7;
        }));
    }

    QTemporaryDir m_dir;
    QString m_folder;
    std::unique_ptr<MainWindow> m_window;
};

} // namespace

TEST_F(ModelViewWindow, OfferedOnlyForSeveralLayersAndSaysWhy) {
    QAction* action = m_window->modelViewAction();
    ASSERT_TRUE(action);
    // The built-in layer is one layer: the choice is there, disabled, with the reason.
    EXPECT_FALSE(action->isEnabled());
    EXPECT_TRUE(action->toolTip().contains(QStringLiteral("several layers")))
        << action->toolTip().toStdString();
    m_window->setModelView(true);
    EXPECT_FALSE(m_window->isShowingModelView());
    EXPECT_FALSE(m_window->heatmapViews().isEmpty());

    openModel();
    EXPECT_TRUE(action->isEnabled());
    action->trigger();
    EXPECT_TRUE(m_window->isShowingModelView());
    EXPECT_TRUE(action->isChecked());
    EXPECT_TRUE(m_window->modelGridView()->isVisible());
    EXPECT_TRUE(m_window->heatmapViews().isEmpty());
    // The window's figure is the same grid.
    EXPECT_EQ(m_window->currentFigureOptions().content, ui::FigureContent::Model);

    // Back to the built-in layer: the heatmaps return and the choice is disabled again.
    m_window->closeModel();
    ASSERT_TRUE(waitFor([](const core::ModelOutput& r) { return r.maps.layers == 1; }));
    EXPECT_FALSE(m_window->isShowingModelView());
    EXPECT_FALSE(action->isEnabled());
    EXPECT_FALSE(action->isChecked());
    EXPECT_FALSE(m_window->modelGridView()->isVisible());
    EXPECT_FALSE(m_window->heatmapViews().isEmpty());
}

TEST_F(ModelViewWindow, ThumbnailsFollowTheWeightsAndAClickOpensThatHeadLarge) {
    openModel();
    m_window->setModelView(true);
    ui::ModelGridView* grid = m_window->modelGridView();
    ASSERT_TRUE(grid->isVisible());
    const auto result = m_window->currentResult();
    EXPECT_EQ(grid->thumbnailCount(), kLayers * kHeads);
    for (int layer = 0; layer < kLayers; ++layer)
        for (int head = 0; head < kHeads; ++head) {
            const QImage image = grid->thumbnail(layer, head);
            ASSERT_EQ(image.size(), QSize(7, 7));
            const core::Matrix& w = result->maps.weightsOf(layer, head);
            // The brightest cell is the largest weight (another may tie with it within the
            // colour table's steps), and every visible cell has the colour of its weight.
            const QPoint peak = argmaxOf(w, result->maps.allowed);
            EXPECT_DOUBLE_EQ(lightness(image.pixelColor(peak)),
                             brightest(image, result->maps.allowed))
                << "layer " << layer << " head " << head;
            for (int q = 0; q < 7; ++q)
                for (int k = 0; k < 7; ++k)
                    if (result->maps.allowed(q, k)) {
                        ASSERT_TRUE(near(image.pixelColor(k, q),
                                         ui::colorAt(ui::ColorMap::Viridis, w(q, k))))
                            << layer << "." << head << " " << q << "," << k;
                    }
        }

    QTest::mouseClick(grid, Qt::LeftButton, {}, grid->thumbnailRect(2, 1).center());
    ASSERT_TRUE(waitFor([](const core::ModelOutput&) { return true; }));
    EXPECT_FALSE(m_window->isShowingModelView());
    EXPECT_FALSE(grid->isVisible());
    EXPECT_EQ(m_window->shownLayer(), 2);
    EXPECT_EQ(m_window->heatmapLayout(), ui::HeatmapLayout::OneHead);
    EXPECT_EQ(m_window->focusedHead(), 1);
    ASSERT_EQ(m_window->heatmapViews().size(), 1);
    const HeatmapView* view = m_window->viewForHead(1);
    ASSERT_TRUE(view);
    EXPECT_EQ(view->layer(), 2);
    EXPECT_EIGEN_NEAR(viewMatrix(*view), result->maps.weightsOf(2, 1), 1e-6);
    // Hover text and the figure of the large view name that head of that layer.
    EXPECT_EQ(m_window->currentFigureOptions().content, ui::FigureContent::Head);
    EXPECT_EQ(m_window->currentFigureOptions().head, 1);
    EXPECT_EQ(m_window->currentFigureOptions().layer, 2);

    // Back in the model view, the map shown large is the current thumbnail; a click elsewhere
    // opens another layer.
    m_window->setModelView(true);
    ASSERT_TRUE(grid->isVisible());
    QTest::mouseClick(grid, Qt::LeftButton, {}, grid->thumbnailRect(0, 3).center());
    ASSERT_TRUE(waitFor([](const core::ModelOutput&) { return true; }));
    EXPECT_EQ(m_window->shownLayer(), 0);
    ASSERT_TRUE(m_window->viewForHead(3));
    EXPECT_EIGEN_NEAR(viewMatrix(*m_window->viewForHead(3)), result->maps.weightsOf(0, 3), 1e-6);
}

TEST_F(ModelViewWindow, ModelFigureIsExportedFromTheWindow) {
    openModel();
    m_window->setModelView(true);
    const QString path = m_dir.filePath(QStringLiteral("model.png"));
    QString error;
    ASSERT_TRUE(m_window->exportImage(path, m_window->currentFigureOptions(), &error))
        << error.toStdString();
    QImage image(path);
    ASSERT_FALSE(image.isNull());
    EXPECT_GT(image.height(), 300);
}

TEST_F(ModelViewWindow, LinesFollowTheShownLayerAndPickAHead) {
    openModel();
    ui::TeachingPanel* teaching = m_window->teachingPanel();
    ui::LinesView* lines = teaching->linesView();
    teaching->showPage(lines);
    ASSERT_TRUE(teaching->isTabEnabled(teaching->currentIndex())) << "the Lines page is disabled";
    m_window->setShownLayer(1);
    ASSERT_TRUE(waitFor([](const core::ModelOutput&) { return true; }));
    EXPECT_EQ(lines->layer(), 1);
    EXPECT_TRUE(lines->layerPicker()->isVisibleTo(lines));
    EXPECT_EQ(lines->layerPicker()->currentIndex(), 1);
    lines->setSelection(0, -1, -1); // no row pinned: every line at its weight
    lines->setContrast(ui::LinesView::Contrast::Absolute);
    const auto result = m_window->currentResult();
    for (int head = 0; head < kHeads; ++head)
        for (int q = 0; q < 7; ++q)
            for (int k = 0; k < 7; ++k)
                ASSERT_NEAR(lines->lineAlpha(head, q, k), result->maps.weightsOf(1, head)(q, k),
                            1e-6)
                    << head << " " << q << " " << k;

    // The Lines page's own picker moves the window (and its heatmaps) to that layer.
    lines->layerPicker()->setCurrentIndex(2);
    emit lines->layerPicker()->activated(2);
    ASSERT_TRUE(waitFor([](const core::ModelOutput&) { return true; }));
    EXPECT_EQ(m_window->shownLayer(), 2);
    EXPECT_EQ(lines->layer(), 2);
    EXPECT_NEAR(lines->lineAlpha(0, 3, 2), result->maps.weightsOf(2, 0)(3, 2), 1e-6);

    // One head alone, then all again.
    QComboBox* heads = lines->headPicker();
    heads->setCurrentIndex(heads->findData(2));
    emit heads->activated(heads->currentIndex());
    for (int head = 0; head < kHeads; ++head)
        EXPECT_EQ(lines->isHeadVisible(head), head == 2) << head;
    EXPECT_EQ(lines->lineAlpha(0, 3, 2), 0.0);
    heads->setCurrentIndex(heads->findData(-1));
    emit heads->activated(heads->currentIndex());
    for (int head = 0; head < kHeads; ++head)
        EXPECT_TRUE(lines->isHeadVisible(head)) << head;
}

} // namespace test_main_window_model_view
