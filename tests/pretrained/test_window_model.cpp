// A pretrained model in the window: File → Open Model… reads it on a worker, every view shows
// its layers, the words and special-token switches reshape the maps, the predictions line
// follows the sentence, data exports write the model format, and going back restores the
// built-in model. Runs on the offscreen platform with the reference models of make_models.py.

#include "ui/attention_controller.h"
#include "ui/heatmap_view.h"
#include "ui/main_window.h"
#include "ui/model_grid.h"
#include "ui/qt_message_collector.h"

#include "core/base/file_io.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <QDockWidget>
#include <QLineEdit>
#include <QMessageBox>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <filesystem>

using namespace attnlab;
using attnlab::ui::MainWindow;
namespace fs = std::filesystem;

namespace {

const std::string kRoot = ATTNLAB_PRETRAINED_FIXTURES;

bool fixturesReady() {
    const fs::path status = fs::path(kRoot) / "status.json";
    return fs::exists(status) &&
           nlohmann::json::parse(core::readFileBytes(status.string(), 1 << 20))
               .value("torch", false);
}

class WindowModelTest : public ::testing::Test {
protected:
    void SetUp() override {
        if (!fixturesReady())
            GTEST_SKIP() << "skipped: the reference models need PyTorch for /usr/bin/python3";
        ASSERT_TRUE(m_dir.isValid());
        m_window = std::make_unique<MainWindow>(m_dir.filePath(QStringLiteral("a.ini")));
        m_window->setNonInteractive(QMessageBox::Discard);
        m_window->show();
        ASSERT_TRUE(QTest::qWaitForWindowExposed(m_window.get()));
    }

    // Opens a fixture model and waits for its first result.
    void openModel(const std::string& variant) {
        QSignalSpy opened(m_window.get(), &MainWindow::modelOpened);
        m_window->openModelFolder(QString::fromStdString((fs::path(kRoot) / variant).string()));
        ASSERT_TRUE(opened.wait(20000)) << "the model did not open";
        waitForResult([](const core::ModelOutput& r) { return r.transformer.has_value(); });
    }

    template <typename Predicate> void waitForResult(Predicate done) {
        ASSERT_TRUE(QTest::qWaitFor(
            [&] {
                const auto result = m_window->currentResult();
                return result && done(*result) && m_window->pendingViewFills() == 0;
            },
            20000));
    }

    void type(const QString& text) { m_window->sentenceEdit()->setText(text); }

    QTemporaryDir m_dir;
    std::unique_ptr<MainWindow> m_window;
};

} // namespace

TEST_F(WindowModelTest, OpensAModelAndShowsEveryLayer) {
    openModel("gpt2_lmhead_f32");
    EXPECT_TRUE(m_window->isShowingModel());
    type(QStringLiteral("the cat sat on the mat"));
    waitForResult([](const core::ModelOutput& r) { return r.maps.queries() == 7; });
    const auto result = m_window->currentResult();
    EXPECT_EQ(result->maps.layers, 3);
    EXPECT_EQ(result->maps.heads, 4);
    EXPECT_EQ(result->maps.queryTokens[0].text, "<|endoftext|>");
    m_window->setShownLayer(2);
    EXPECT_EQ(m_window->shownLayer(), 2);
    // GPT-2 predicts the next token; the bar says so, with every placeholder of the text filled
    // (Qt warns of one left without its argument).
    ui::QtMessageCollector messages;
    const QString prediction = m_window->predictionText();
    EXPECT_TRUE(prediction.startsWith(QStringLiteral("Next token: "))) << prediction.toStdString();
    EXPECT_EQ(messages.take(), QStringList()) << "Qt warned while the predictions were written";
    // The settings of the built-in layer do not apply to the model.
    EXPECT_FALSE(m_window->controlsDock()->isEnabled());
}

TEST_F(WindowModelTest, ModelViewShowsEveryLayerAndHeadOfGpt2AndOpensOne) {
    openModel("gpt2_lmhead_f32");
    type(QStringLiteral("the cat sat on the mat"));
    waitForResult([](const core::ModelOutput& r) { return r.maps.queries() == 7; });
    m_window->setModelView(true);
    ASSERT_TRUE(m_window->isShowingModelView());
    ui::ModelGridView* grid = m_window->modelGridView();
    EXPECT_EQ(grid->thumbnailCount(), 3 * 4);
    const auto result = m_window->currentResult();
    // GPT-2 is causal: the cells above the diagonal are masked, not weights of 0.
    EXPECT_EQ(grid->thumbnail(2, 3).pixelColor(6, 0), ui::maskedCellColor(m_window->colorMap()));
    QTest::mouseClick(grid, Qt::LeftButton, {}, grid->thumbnailRect(1, 3).center());
    waitForResult([](const core::ModelOutput&) { return true; });
    EXPECT_EQ(m_window->shownLayer(), 1);
    const ui::HeatmapView* view = m_window->viewForHead(3);
    ASSERT_TRUE(view);
    EXPECT_EQ(view->layer(), 1);
    EXPECT_FLOAT_EQ(static_cast<float>(view->cellValue(5, 2)), result->maps.weightsOf(1, 3)(5, 2));
}

TEST_F(WindowModelTest, WordsAndSpecialTokensReshapeTheMaps) {
    openModel("bert_mlm_f32");
    type(QStringLiteral("我爱深度学习"));
    waitForResult([](const core::ModelOutput& r) { return r.maps.queries() == 8; });
    m_window->setModelWords(true);
    waitForResult([](const core::ModelOutput& r) { return r.maps.queries() < 8; });
    const auto words = m_window->currentResult();
    bool foundWord = false;
    for (const core::MapToken& token : words->maps.queryTokens)
        foundWord = foundWord || token.text == "深度" || token.text == "学习";
    EXPECT_TRUE(foundWord);
    m_window->setModelWords(false);
    m_window->setModelSpecialTokens(false);
    waitForResult([](const core::ModelOutput& r) { return r.maps.queries() == 6; });
    // BERT fills in [MASK].
    type(QStringLiteral("我爱[MASK]度学习"));
    waitForResult([](const core::ModelOutput& r) { return !r.predictions.empty(); });
    EXPECT_TRUE(m_window->predictionText().startsWith(QStringLiteral("[MASK] at ")))
        << m_window->predictionText().toStdString();
}

TEST_F(WindowModelTest, DataExportWritesTheModelFormatAndBackRestoresTheBuiltInModel) {
    openModel("gpt2_lmhead_f32");
    type(QStringLiteral("the cat sat"));
    waitForResult([](const core::ModelOutput& r) { return r.maps.queries() == 4; });
    const QString path = m_dir.filePath(QStringLiteral("model.json"));
    QString error;
    ASSERT_TRUE(m_window->exportData(path, &error)) << error.toStdString();
    const auto json = nlohmann::json::parse(core::readFileBytes(path.toStdString(), 1 << 24));
    EXPECT_EQ(json.at("format"), "attention-lab-model/1");
    EXPECT_EQ(json.at("layers").size(), 3u);

    m_window->closeModel();
    EXPECT_FALSE(m_window->isShowingModel());
    waitForResult([](const core::ModelOutput& r) { return !r.transformer && r.trace; });
    EXPECT_EQ(m_window->currentResult()->maps.layers, 1);
}

TEST_F(WindowModelTest, AFolderThatIsNotAModelIsRefusedAndNothingChanges) {
    QSignalSpy failed(m_window.get(), &MainWindow::modelFailed);
    m_window->openModelFolder(m_dir.path());
    ASSERT_TRUE(failed.wait(20000));
    EXPECT_TRUE(failed.front().front().toString().contains(QStringLiteral("config.json")));
    EXPECT_FALSE(m_window->isShowingModel());
}
