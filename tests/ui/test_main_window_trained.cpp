// A model trained by the program opens with File → Open Model like any model folder: the window
// shows its trained layers × heads on the typed tokens (the core's maps, cell for cell), the
// layer picker offers its layers, and closing it goes back to the built-in layer.

#include "heatmap_testing.h"
#include "ui/attention_controller.h"
#include "ui/heatmap_view.h"
#include "ui/main_window.h"

#include "core/trained/trained_model.h"
#include "core/training/model_folder.h"
#include "core/training/trainer.h"

#include "eigen_testing.h"

#include <gtest/gtest.h>

#include <QLineEdit>
#include <QMessageBox>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_main_window_trained {

using namespace attnlab;
using ui::HeatmapView;
using ui::MainWindow;

namespace {

using attnlab::testing::viewMatrix;

class TrainedModelWindow : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(m_dir.isValid());
        core::training::TrainSettings s;
        s.task.kind = core::training::TaskKind::Reverse;
        s.task.length = 4;
        s.layers = 2;
        s.heads = 2;
        s.dModel = 16;
        s.batch = 8;
        s.heldOut = 16;
        s.probe = 4;
        core::training::Trainer trainer(s);
        trainer.run(20);
        m_folder = m_dir.filePath(QStringLiteral("reverse-model"));
        core::training::saveModelFolder(m_folder.toStdString(), trainer);

        m_window = std::make_unique<MainWindow>(m_dir.filePath(QStringLiteral("settings.ini")));
        m_window->setNonInteractive(QMessageBox::Discard);
        m_window->show();
        ASSERT_TRUE(QTest::qWaitForWindowExposed(m_window.get()));
    }

    bool waitIdle() {
        return QTest::qWaitFor([this] { return !m_window->controller()->isBusy(); }, 30000);
    }

    QTemporaryDir m_dir;
    QString m_folder;
    std::unique_ptr<MainWindow> m_window;
};

} // namespace

TEST_F(TrainedModelWindow, OpensAndShowsItsLayersAndHeadsOnTheTypedTokens) {
    QSignalSpy opened(m_window.get(), &MainWindow::modelOpened);
    QSignalSpy failed(m_window.get(), &MainWindow::modelFailed);
    m_window->openModelFolder(m_folder);
    ASSERT_TRUE(opened.wait(30000))
        << (failed.isEmpty() ? std::string("no signal")
                             : failed.front().front().toString().toStdString());
    EXPECT_TRUE(m_window->isShowingModel());

    const QString sentence = QStringLiteral("1 2 3 <s> 3 2 1");
    m_window->sentenceEdit()->setText(sentence);
    ASSERT_TRUE(QTest::qWaitFor(
        [this] {
            const auto result = m_window->currentResult();
            return !m_window->controller()->isBusy() && result && result->maps.queries() == 7 &&
                   m_window->pendingViewFills() == 0;
        },
        30000));
    const auto result = m_window->currentResult();
    EXPECT_EQ(result->maps.layers, 2);
    EXPECT_EQ(result->maps.heads, 2);
    EXPECT_EQ(result->model, "reverse-model");

    // The same numbers as the model run directly, layer by layer, head by head.
    const auto model = core::TrainedModel::load(m_folder.toStdString());
    core::Config config;
    config.sentence = sentence.toStdString();
    const core::ModelOutput expected = model->run(config);
    for (int layer = 0; layer < 2; ++layer) {
        m_window->setShownLayer(layer);
        ASSERT_TRUE(QTest::qWaitFor([this] { return m_window->pendingViewFills() == 0; }, 30000));
        for (int head = 0; head < 2; ++head) {
            const HeatmapView* view = m_window->viewForHead(head);
            ASSERT_TRUE(view) << "head " << head;
            EXPECT_EQ(view->keyLabels().value(3), QStringLiteral("<s>"));
            EXPECT_EIGEN_NEAR(viewMatrix(*view), expected.maps.weightsOf(layer, head), 1e-6);
        }
    }

    m_window->closeModel();
    EXPECT_FALSE(m_window->isShowingModel());
    ASSERT_TRUE(waitIdle());
}

TEST_F(TrainedModelWindow, ADamagedFolderIsReported) {
    QFile::remove(m_folder + QStringLiteral("/model.safetensors"));
    QSignalSpy failed(m_window.get(), &MainWindow::modelFailed);
    m_window->openModelFolder(m_folder);
    ASSERT_TRUE(failed.wait(30000));
    EXPECT_TRUE(failed.front().front().toString().contains(QStringLiteral("model.safetensors")))
        << failed.front().front().toString().toStdString();
    EXPECT_FALSE(m_window->isShowingModel());
}

} // namespace test_main_window_trained
