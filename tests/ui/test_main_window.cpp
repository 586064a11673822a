// MainWindow: typing and every control update the heatmaps to exactly the core's weights, the
// number of plots follows the head count, hover and click report the right cell, errors stay
// inline while the last good heatmaps remain, and the settings survive a restart.

#include "heatmap_testing.h"
#include "ui/attention_controller.h"
#include "ui/controls_panel.h"
#include "ui/details_panel.h"
#include "ui/heatmap_view.h"
#include "ui/main_window.h"

#include "eigen_testing.h"

#include <gtest/gtest.h>
#include <qcustomplot.h>

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDockWidget>
#include <QDoubleSpinBox>
#include <QFile>
#include <QInputMethodEvent>
#include <QLabel>
#include <QLineEdit>
#include <QMouseEvent>
#include <QPushButton>
#include <QSettings>
#include <QSlider>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <memory>
#include <string>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_main_window {

using namespace attnlab;
using attnlab::ui::ControlsPanel;
using attnlab::ui::HeatmapView;
using attnlab::ui::MainWindow;

namespace {

using attnlab::testing::viewMatrix;

const core::Matrix& weightsOf(const core::ModelOutput& result, int head) {
    if (head == HeatmapView::MeanOfHeads)
        return result.maps.mean[0];
    if (head == HeatmapView::MaxOfHeads)
        return result.maps.max[0];
    return result.maps.weightsOf(0, head);
}

// Every cell of every heatmap on screen equals core::compute's weights for the controller's
// configuration, computed here independently.
void expectViewsMatchCore(const MainWindow& window) {
    const core::ModelOutput expected = core::runBuiltin(window.controller()->config());
    const QList<HeatmapView*> views = window.heatmapViews();
    ASSERT_FALSE(views.isEmpty());
    for (const HeatmapView* view : views) {
        SCOPED_TRACE(view->title().toStdString());
        EXPECT_EIGEN_NEAR(viewMatrix(*view), weightsOf(expected, view->head()), 0.0);
    }
}

int comboValue(const QComboBox* box) {
    return box->currentData().toInt();
}

void selectValue(QComboBox* box, int value) {
    const int index = box->findData(value);
    ASSERT_GE(index, 0);
    box->setCurrentIndex(index);
}

bool itemEnabled(const QComboBox* box, int value) {
    const auto* model = qobject_cast<const QStandardItemModel*>(box->model());
    return model->item(box->findData(value))->isEnabled();
}

// Text as an input method commits it (QTest::keyClicks only types Latin-1).
void commitText(QLineEdit* edit, const QString& text) {
    QInputMethodEvent event;
    event.setCommitString(text);
    QApplication::sendEvent(edit, &event);
}

QPoint plotPoint(const HeatmapView& view, int query, int key) {
    view.plot()->replot(QCustomPlot::rpImmediateRefresh);
    return view.plot()->mapFrom(&view, view.cellCenter(query, key));
}

int tokenIndex(const std::vector<core::MapToken>& tokens, const std::string& text) {
    for (std::size_t i = 0; i < tokens.size(); ++i)
        if (tokens[i].text == text)
            return static_cast<int>(i);
    return -1;
}

class MainWindowTest : public ::testing::Test {
protected:
    void SetUp() override { ASSERT_TRUE(m_dir.isValid()); }

    QString settingsPath() const { return m_dir.filePath(QStringLiteral("attention-lab.ini")); }

    std::unique_ptr<MainWindow> open() {
        auto window = std::make_unique<MainWindow>(settingsPath());
        window->show();
        EXPECT_TRUE(QTest::qWaitForWindowExposed(window.get()));
        return window;
    }

    QString writeFile(const QString& name, const QByteArray& contents) {
        const QString path = m_dir.filePath(name);
        QFile file(path);
        EXPECT_TRUE(file.open(QIODevice::WriteOnly));
        file.write(contents);
        return path;
    }

    QTemporaryDir m_dir;
};

} // namespace

TEST_F(MainWindowTest, FirstStartShowsTheDefaultSentence) {
    auto window = open();
    EXPECT_EQ(window->sentenceEdit()->text(), MainWindow::defaultSentence());
    ASSERT_TRUE(window->currentResult());
    const auto& tokens = window->currentResult()->maps.queryTokens;
    EXPECT_GE(tokens.size(), 10u);
    ASSERT_FALSE(window->heatmapViews().isEmpty());
    EXPECT_EQ(window->heatmapViews().front()->queryCount(), static_cast<int>(tokens.size()));
    expectViewsMatchCore(*window);
    EXPECT_EQ(window->tokenStrip().size(), static_cast<qsizetype>(tokens.size()));
    EXPECT_TRUE(window->statusText().contains(QStringLiteral("%1 tokens").arg(tokens.size())))
        << window->statusText().toStdString();
    EXPECT_TRUE(window->statusText().contains(QStringLiteral("d_k")));
    EXPECT_TRUE(window->statusText().contains(QStringLiteral("ms")));
}

TEST_F(MainWindowTest, TypingUpdatesEveryCellToTheCoreWeights) {
    auto window = open();
    window->controlsPanel()->headsBox()->setValue(2);
    QLineEdit* edit = window->sentenceEdit();
    edit->clear();
    edit->setFocus();
    QTest::keyClicks(edit, QStringLiteral("the cat sat"));
    EXPECT_EQ(window->controller()->config().sentence, std::string("the cat sat"));
    ASSERT_TRUE(window->currentResult());
    EXPECT_EQ(window->currentResult()->maps.queryTokens.size(), 3u);
    EXPECT_EQ(window->heatmapViews().size(), 3); // two heads and their mean
    expectViewsMatchCore(*window);

    // Each keystroke computes: one more word, one more row, at once.
    QTest::keyClicks(edit, QStringLiteral(" on"));
    EXPECT_EQ(window->heatmapViews().front()->queryCount(), 4);
    expectViewsMatchCore(*window);
    QTest::keyClick(edit, Qt::Key_Backspace);
    QTest::keyClick(edit, Qt::Key_Backspace);
    QTest::keyClick(edit, Qt::Key_Backspace);
    EXPECT_EQ(window->heatmapViews().front()->queryCount(), 3);
    expectViewsMatchCore(*window);
}

TEST_F(MainWindowTest, ChineseInputShowsChineseLabels) {
    auto window = open();
    window->sentenceEdit()->clear();
    commitText(window->sentenceEdit(), QStringLiteral("我爱深度学习"));
    ASSERT_TRUE(window->currentResult());
    EXPECT_EQ(window->controller()->config().sentence, std::string("我爱深度学习"));
    const auto& tokens = window->currentResult()->maps.queryTokens;
    ASSERT_GE(tokens.size(), 2u);
    HeatmapView* view = window->heatmapViews().front();
    QString joined;
    for (const QString& label : view->keyLabels())
        joined += label;
    joined.remove(QLatin1Char('?'));
    EXPECT_EQ(joined, QStringLiteral("我爱深度学习"));
    expectViewsMatchCore(*window);
}

TEST_F(MainWindowTest, ScoringHeadsMaskAndNormaliserEachUpdateTheViews) {
    auto window = open();
    ControlsPanel* panel = window->controlsPanel();
    panel->headsBox()->setValue(4);
    const core::Matrix before = viewMatrix(*window->heatmapViews().front());

    selectValue(panel->scoringBox(), static_cast<int>(core::ScoringFunction::Dot));
    EXPECT_EQ(window->controller()->config().scoring, core::ScoringFunction::Dot);
    expectViewsMatchCore(*window);
    const core::Matrix dot = viewMatrix(*window->heatmapViews().front());
    EXPECT_FALSE(dot.isApprox(before)) << "dot and scaled dot must differ for d_k = 16";

    panel->headsBox()->setValue(2);
    EXPECT_EQ(window->controller()->config().heads, 2);
    EXPECT_EQ(window->heatmapViews().size(), 3);
    expectViewsMatchCore(*window);

    selectValue(panel->maskBox(), static_cast<int>(core::MaskKind::Causal));
    EXPECT_EQ(window->controller()->config().mask.kind, core::MaskKind::Causal);
    expectViewsMatchCore(*window);
    HeatmapView* first = window->heatmapViews().front();
    EXPECT_TRUE(first->isMasked(0, 1));
    EXPECT_FALSE(first->isMasked(1, 0));
    EXPECT_EQ(first->cellValue(0, 1), 0.0);

    selectValue(panel->maskBox(), static_cast<int>(core::MaskKind::Window));
    panel->windowBox()->setValue(2);
    EXPECT_EQ(window->controller()->config().mask.window, 2);
    EXPECT_TRUE(first->isMasked(0, 3));
    EXPECT_FALSE(first->isMasked(0, 2));
    expectViewsMatchCore(*window);

    selectValue(panel->normalizerBox(), static_cast<int>(core::Normalizer::Hardmax));
    EXPECT_EQ(window->controller()->config().normalizer, core::Normalizer::Hardmax);
    expectViewsMatchCore(*window);
    // Hardmax rows are one-hot (ties share the weight equally).
    const core::Matrix hard = viewMatrix(*window->heatmapViews().front());
    for (int q = 0; q < hard.rows(); ++q) {
        const int nonZero = static_cast<int>((hard.row(q).array() > 0).count());
        ASSERT_GE(nonZero, 1);
        for (int k = 0; k < hard.cols(); ++k)
            if (hard(q, k) > 0) {
                EXPECT_FLOAT_EQ(hard(q, k), 1.0f / static_cast<float>(nonZero));
            }
    }

    panel->temperatureBox()->setValue(0.5);
    EXPECT_FLOAT_EQ(window->controller()->config().temperature, 0.5f);
    EXPECT_EQ(panel->temperatureSlider()->value(), ControlsPanel::sliderForTemperature(0.5));
    selectValue(panel->positionalBox(), static_cast<int>(core::PositionalEncoding::Alibi));
    selectValue(panel->projectionBox(), static_cast<int>(core::ProjectionInit::Random));
    EXPECT_TRUE(panel->seedBox()->isEnabled());
    panel->newSeedButton()->click();
    EXPECT_NE(window->controller()->config().seed, 42u);
    expectViewsMatchCore(*window);
}

TEST_F(MainWindowTest, NumberOfHeadPlotsFollowsTheHeadCount) {
    auto window = open();
    QSpinBox* heads = window->controlsPanel()->headsBox();
    for (int count : {1, 2, 4, 8, 16, 1}) {
        heads->setValue(count);
        ASSERT_TRUE(window->controlsPanel()->errorText(QStringLiteral("heads")).isEmpty()) << count;
        const int expected =
            count == 1 ? 1 : count + 1; // the mean only when there is more than one
        EXPECT_EQ(window->heatmapViews().size(), expected) << count << " heads";
        EXPECT_EQ(window->currentResult()->maps.heads, count);
        for (int head = 0; head < count; ++head)
            EXPECT_TRUE(window->viewForHead(head)) << head;
    }
    expectViewsMatchCore(*window);
}

TEST_F(MainWindowTest, LayoutsShowOneLargeHeadOrTheCombinedMap) {
    auto window = open();
    window->controlsPanel()->headsBox()->setValue(4);
    window->setHeatmapLayout(MainWindow::HeatmapLayout::OneHead);
    window->setFocusedHead(2);
    ASSERT_EQ(window->heatmapViews().size(), 1);
    EXPECT_EQ(window->heatmapViews().front()->head(), 2);
    expectViewsMatchCore(*window);
    window->setFocusedHead(HeatmapView::MaxOfHeads);
    EXPECT_EQ(window->heatmapViews().front()->head(), HeatmapView::MaxOfHeads);
    expectViewsMatchCore(*window);

    // Combined: the mean and the maximum over the heads, side by side.
    window->resize(1440, 900);
    QApplication::processEvents();
    window->setHeatmapLayout(MainWindow::HeatmapLayout::Combined);
    ASSERT_EQ(window->heatmapViews().size(), 2);
    EXPECT_EQ(window->heatmapViews().at(0)->head(), HeatmapView::MeanOfHeads);
    EXPECT_EQ(window->heatmapViews().at(1)->head(), HeatmapView::MaxOfHeads);
    EXPECT_TRUE(window->heatmapViews().at(1)->isVisible());
    QApplication::processEvents();
    EXPECT_EQ(window->heatmapViews().at(0)->y(), window->heatmapViews().at(1)->y());
    EXPECT_LT(window->heatmapViews().at(0)->x(), window->heatmapViews().at(1)->x());
    expectViewsMatchCore(*window);
    // One head has nothing to combine: its mean alone.
    window->controlsPanel()->headsBox()->setValue(1);
    EXPECT_EQ(window->heatmapViews().size(), 1);
    window->controlsPanel()->headsBox()->setValue(4);

    window->setHeatmapLayout(MainWindow::HeatmapLayout::AllHeads);
    EXPECT_EQ(window->heatmapViews().size(), 5);
}

TEST_F(MainWindowTest, ViewOptionsReachEveryHeatmap) {
    auto window = open();
    window->controlsPanel()->headsBox()->setValue(2);
    window->setColorMap(ui::ColorMap::Magma);
    window->setColorScale(MainWindow::ColorScale::PerHead);
    for (HeatmapView* view : window->heatmapViews()) {
        EXPECT_EQ(view->colorMap(), ui::ColorMap::Magma);
        EXPECT_TRUE(view->isAutoRange());
        EXPECT_TRUE(view->isColorBarVisible());
    }
    window->setColorScale(MainWindow::ColorScale::ZeroToOne);
    for (HeatmapView* view : window->heatmapViews()) {
        EXPECT_FALSE(view->isAutoRange());
        EXPECT_FALSE(view->isColorBarVisible()); // one shared bar instead
        EXPECT_EQ(view->valueRange(), qMakePair(0.0, 1.0));
    }
    // Fitted: one range for all, up to the largest weight on screen.
    window->setColorScale(MainWindow::ColorScale::Fitted);
    const auto result = window->currentResult();
    const double largest =
        std::max({result->maps.weights[0].maxCoeff(), result->maps.weights[1].maxCoeff(),
                  result->maps.mean[0].maxCoeff()});
    for (HeatmapView* view : window->heatmapViews()) {
        EXPECT_FALSE(view->isColorBarVisible());
        EXPECT_DOUBLE_EQ(view->valueRange().second, largest);
        EXPECT_EQ(view->valueRange().first, 0.0);
    }
    window->setColorScale(MainWindow::ColorScale::ZeroToOne);

    // Cell values: automatic up to 12 tokens.
    EXPECT_EQ(window->cellValues(), MainWindow::CellValues::Automatic);
    window->sentenceEdit()->setText(QStringLiteral("one two three"));
    EXPECT_TRUE(window->heatmapViews().front()->showValues());
    window->sentenceEdit()->setText(QStringLiteral("a b c d e f g h i j k l m n"));
    EXPECT_FALSE(window->heatmapViews().front()->showValues());
    window->setCellValues(MainWindow::CellValues::Shown);
    EXPECT_TRUE(window->heatmapViews().front()->showValues());

    const QSize before = window->heatmapViews().front()->minimumSize();
    window->zoomIn();
    EXPECT_GT(window->zoom(), 1.0);
    EXPECT_GT(window->heatmapViews().front()->minimumSize().width(), before.width());
    window->resetZoom();
    EXPECT_EQ(window->heatmapViews().front()->minimumSize(), before);
}

TEST_F(MainWindowTest, HoverShowsTokensAndNumbersInTheStatusBar) {
    auto window = open();
    window->controlsPanel()->headsBox()->setValue(2);
    const auto result = window->currentResult();
    const int query = tokenIndex(result->maps.queryTokens, "it");
    const int key = tokenIndex(result->maps.keyTokens, "animal");
    ASSERT_GE(query, 0);
    ASSERT_GE(key, 0);
    HeatmapView* view = window->viewForHead(1);
    ASSERT_TRUE(view);
    view->setHoverToolTip(false);
    const QPoint pos = plotPoint(*view, query, key);
    QMouseEvent move(QEvent::MouseMove, pos, view->plot()->mapToGlobal(pos), Qt::NoButton,
                     Qt::NoButton, Qt::NoModifier);
    QApplication::sendEvent(view->plot(), &move);

    const QString text = window->hoverStatusText();
    EXPECT_EQ(text, view->hoverText(query, key));
    EXPECT_TRUE(text.contains(QStringLiteral("'it'"))) << text.toStdString();
    EXPECT_TRUE(text.contains(QStringLiteral("'animal'"))) << text.toStdString();
    const core::HeadTrace& head = result->trace->heads[1];
    const core::Matrix& headWeights = result->maps.weights[1];
    EXPECT_TRUE(text.contains(HeatmapView::formatNumber(headWeights(query, key))))
        << text.toStdString();
    EXPECT_TRUE(text.contains(HeatmapView::formatNumber(head.scores(query, key))))
        << text.toStdString();
    EXPECT_TRUE(text.contains(HeatmapView::formatNumber(head.logits(query, key))))
        << text.toStdString();
}

TEST_F(MainWindowTest, ClickingACellFillsTheDetailsPanel) {
    auto window = open();
    window->controlsPanel()->headsBox()->setValue(2);
    const auto result = window->currentResult();
    const int query = tokenIndex(result->maps.queryTokens, "it");
    ASSERT_GE(query, 0);
    HeatmapView* view = window->viewForHead(0);
    ASSERT_TRUE(view);
    QTest::mouseClick(view->plot(), Qt::LeftButton, Qt::NoModifier, plotPoint(*view, query, 1));

    ui::DetailsPanel* details = window->detailsPanel();
    EXPECT_EQ(details->query(), query);
    EXPECT_EQ(details->head(), 0);
    EXPECT_EQ(details->selectedKey(), 1);
    const QVector<double> bars = details->barValues();
    ASSERT_EQ(bars.size(), static_cast<qsizetype>(result->maps.keyTokens.size()));
    for (int k = 0; k < bars.size(); ++k)
        EXPECT_DOUBLE_EQ(bars[k], result->maps.weights[0](query, k));
    EXPECT_TRUE(details->summaryText().contains(QStringLiteral("it")))
        << details->summaryText().toStdString();
    EXPECT_FALSE(details->arithmeticText().isEmpty());
    // The other views mirror the selected row.
    for (HeatmapView* other : window->heatmapViews())
        EXPECT_EQ(other->selectedQuery(), query);

    // The selection follows new results: a new temperature refreshes the same row.
    window->controlsPanel()->temperatureBox()->setValue(2.0);
    const auto after = window->currentResult();
    ASSERT_NE(after, result);
    EXPECT_EQ(details->query(), query);
    EXPECT_DOUBLE_EQ(details->barValues()[1], after->maps.weights[0](query, 1));
}

TEST_F(MainWindowTest, InvalidEmbeddingsFileShowsAnInlineErrorAndKeepsTheHeatmaps) {
    auto window = open();
    const auto before = window->currentResult();
    ASSERT_TRUE(before);
    const core::Matrix shown = viewMatrix(*window->heatmapViews().front());
    const QString path =
        writeFile(QStringLiteral("broken.vec"), "2 3\ncat 0.1 0.2 0.3\ndog 0.4 nope 0.6\n");
    EXPECT_FALSE(window->loadEmbeddingsFile(path));

    EXPECT_FALSE(window->controlsPanel()->errorText(QStringLiteral("embeddings")).isEmpty());
    EXPECT_TRUE(window->messageIsError());
    EXPECT_FALSE(window->messageText().isEmpty());
    EXPECT_EQ(window->currentResult(), before);
    for (HeatmapView* view : window->heatmapViews())
        EXPECT_EQ(view->result(), before);
    EXPECT_EIGEN_NEAR(viewMatrix(*window->heatmapViews().front()), shown, 0.0);
    EXPECT_EQ(comboValue(window->controlsPanel()->embeddingsBox()),
              static_cast<int>(core::EmbeddingSource::Builtin));

    // The next good computation clears the error.
    window->sentenceEdit()->setText(QStringLiteral("the cat sat"));
    EXPECT_TRUE(window->controlsPanel()->errorText(QStringLiteral("embeddings")).isEmpty());
    EXPECT_FALSE(window->messageIsError());
}

TEST_F(MainWindowTest, ValidEmbeddingsFileIsUsed) {
    auto window = open();
    const QString path = writeFile(QStringLiteral("tiny.txt"),
                                   "the 1 0 0 0 0 0\ncat 0 1 0 0 0 0\nsat 0 0 1 0 0 0\n");
    window->sentenceEdit()->setText(QStringLiteral("the cat sat"));
    ASSERT_TRUE(window->loadEmbeddingsFile(path));
    EXPECT_EQ(comboValue(window->controlsPanel()->embeddingsBox()),
              static_cast<int>(core::EmbeddingSource::File));
    EXPECT_EQ(window->controlsPanel()->dModelBox()->value(), 6);
    EXPECT_FALSE(window->controlsPanel()->dModelBox()->isEnabled());
    EXPECT_EQ(window->currentResult()->config.dModel, 6);
}

TEST_F(MainWindowTest, BadSettingShowsInlineErrorAndKeepsTheHeatmaps) {
    auto window = open();
    const auto before = window->currentResult();
    window->controlsPanel()->headsBox()->setValue(5); // 64 is not divisible by 5
    const QString error = window->controlsPanel()->errorText(QStringLiteral("heads"));
    EXPECT_TRUE(error.contains(QStringLiteral("divisible"))) << error.toStdString();
    EXPECT_TRUE(window->messageIsError());
    EXPECT_EQ(window->currentResult(), before);
    EXPECT_EQ(window->heatmapViews().front()->result(), before);

    window->controlsPanel()->dKSetBox()->setChecked(true); // an explicit d_k makes 5 heads valid
    EXPECT_TRUE(window->controlsPanel()->errorText(QStringLiteral("heads")).isEmpty());
    EXPECT_EQ(window->currentResult()->maps.heads, 5);
    EXPECT_EQ(window->heatmapViews().size(), 6);
    expectViewsMatchCore(*window);

    window->sentenceEdit()->clear();
    EXPECT_FALSE(window->sentenceErrorText().isEmpty());
    EXPECT_EQ(window->heatmapViews().size(), 6);
}

TEST_F(MainWindowTest, SourceSentenceSwitchesToCrossAttention) {
    auto window = open();
    ControlsPanel* panel = window->controlsPanel();
    EXPECT_TRUE(itemEnabled(panel->maskBox(), static_cast<int>(core::MaskKind::Causal)));
    window->sentenceEdit()->setText(QStringLiteral("I love deep learning"));
    window->sourceEdit()->setText(QStringLiteral("我 爱 深度 学习 。"));
    ASSERT_TRUE(window->currentResult()->maps.cross);
    EXPECT_FALSE(itemEnabled(panel->maskBox(), static_cast<int>(core::MaskKind::Causal)));
    HeatmapView* view = window->heatmapViews().front();
    EXPECT_EQ(view->queryCount(), 4);
    EXPECT_EQ(view->keyCount(), static_cast<int>(window->currentResult()->maps.keyTokens.size()));
    EXPECT_FALSE(window->tokenStrip(true).isEmpty());
    expectViewsMatchCore(*window);

    window->sourceEdit()->clear();
    EXPECT_FALSE(window->currentResult()->maps.cross);
    EXPECT_TRUE(itemEnabled(panel->maskBox(), static_cast<int>(core::MaskKind::Causal)));
    EXPECT_TRUE(window->tokenStrip(true).isEmpty());
}

TEST_F(MainWindowTest, SettingsPersistAcrossARestart) {
    {
        auto window = open();
        window->resize(1234, 777);
        window->sentenceEdit()->setText(QStringLiteral("我爱深度学习"));
        window->sourceEdit()->setText(QStringLiteral("I love deep learning"));
        ControlsPanel* panel = window->controlsPanel();
        selectValue(panel->scoringBox(), static_cast<int>(core::ScoringFunction::Cosine));
        selectValue(panel->normalizerBox(), static_cast<int>(core::Normalizer::Sparsemax));
        panel->headsBox()->setValue(4);
        panel->dModelBox()->setValue(32);
        selectValue(panel->maskBox(), static_cast<int>(core::MaskKind::Window));
        panel->windowBox()->setValue(3);
        panel->temperatureBox()->setValue(2.5);
        selectValue(panel->projectionBox(), static_cast<int>(core::ProjectionInit::Random));
        panel->seedBox()->setValue(1234);
        selectValue(panel->tokenizerBox(), static_cast<int>(core::TokenizerMode::Char));
        window->setHeatmapLayout(MainWindow::HeatmapLayout::Combined);
        window->setColorMap(ui::ColorMap::Cividis);
        window->setCellValues(MainWindow::CellValues::Hidden);
        window->setColorScale(MainWindow::ColorScale::PerHead);
        window->detailsDock()->hide();
        // Written shortly after each change, not only at exit.
        ASSERT_TRUE(QTest::qWaitFor([&] {
            QSettings written(settingsPath(), QSettings::IniFormat);
            return written.value(QStringLiteral("state/session"))
                .toString()
                .contains(QStringLiteral("\"color_scale\": \"per-head\""));
        }));
        QSettings settings(settingsPath(), QSettings::IniFormat);
        std::vector<std::string> warnings;
        const core::Session stored = core::parseSession(
            settings.value(QStringLiteral("state/session")).toString().toStdString(), warnings);
        EXPECT_EQ(stored.config.sentence, std::string("我爱深度学习"));
        EXPECT_EQ(stored.config.heads, 4);
    }
    auto window = open();
    EXPECT_EQ(window->size(), QSize(1234, 777));
    EXPECT_EQ(window->sentenceEdit()->text(), QStringLiteral("我爱深度学习"));
    EXPECT_EQ(window->sourceEdit()->text(), QStringLiteral("I love deep learning"));
    const core::Config& config = window->controller()->config();
    EXPECT_EQ(config.sentence, std::string("我爱深度学习"));
    EXPECT_EQ(config.source, std::string("I love deep learning"));
    EXPECT_EQ(config.scoring, core::ScoringFunction::Cosine);
    EXPECT_EQ(config.normalizer, core::Normalizer::Sparsemax);
    EXPECT_EQ(config.heads, 4);
    EXPECT_EQ(config.dModel, 32);
    EXPECT_EQ(config.mask.kind, core::MaskKind::Window);
    EXPECT_EQ(config.mask.window, 3);
    EXPECT_FLOAT_EQ(config.temperature, 2.5f);
    EXPECT_EQ(config.projection, core::ProjectionInit::Random);
    EXPECT_EQ(config.seed, 1234u);
    EXPECT_EQ(config.tokenizer.mode, core::TokenizerMode::Char);
    EXPECT_EQ(window->controlsPanel()->config().heads, 4);
    EXPECT_EQ(window->heatmapLayout(), MainWindow::HeatmapLayout::Combined);
    EXPECT_EQ(window->colorMap(), ui::ColorMap::Cividis);
    EXPECT_EQ(window->cellValues(), MainWindow::CellValues::Hidden);
    EXPECT_EQ(window->colorScale(), MainWindow::ColorScale::PerHead);
    EXPECT_FALSE(window->detailsDock()->isVisible());
    ASSERT_TRUE(window->currentResult());
    EXPECT_EQ(window->currentResult()->maps.queryTokens.size(),
              6u); // 我 爱 深 度 学 习, by character
    expectViewsMatchCore(*window);
}

TEST_F(MainWindowTest, ControlsHaveToolTipsAndATabOrder) {
    auto window = open();
    const QList<QWidget*> controls = window->controlsPanel()->tabOrder();
    for (QWidget* widget : controls)
        EXPECT_FALSE(widget->toolTip().isEmpty()) << widget->metaObject()->className();
    // Tab from the sentence reaches the source field, then every control in order.
    window->activateWindow();
    ASSERT_TRUE(QTest::qWaitForWindowActive(window.get()));
    window->sentenceEdit()->setFocus();
    const auto tab = [] {
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
        return QApplication::focusWidget();
    };
    EXPECT_EQ(tab(), window->sourceEdit());
    for (QWidget* control : controls) {
        if (!control->isEnabled()) // Qt skips disabled controls
            continue;
        QWidget* focused = tab();
        EXPECT_TRUE(focused == control || control->isAncestorOf(focused))
            << control->metaObject()->className() << " " << control->toolTip().toStdString();
        if (focused != control && !control->isAncestorOf(focused))
            break;
    }
}

TEST_F(MainWindowTest, RestartAfterAnErrorRestoresTheLastWorkingSettings) {
    {
        auto window = open();
        window->controlsPanel()->headsBox()->setValue(4);
        window->controlsPanel()->headsBox()->setValue(5); // not a divisor of 64: error
        ASSERT_TRUE(window->messageIsError());
    }
    auto window = open();
    EXPECT_EQ(window->controlsPanel()->headsBox()->value(), 4);
    ASSERT_TRUE(window->currentResult());
    EXPECT_EQ(window->heatmapViews().size(), 5);
    EXPECT_FALSE(window->messageIsError());
}

TEST_F(MainWindowTest, LongSentencesKeepTheTokenStripShort) {
    auto window = open();
    QString sentence;
    for (int i = 0; i < 300; ++i)
        sentence += QStringLiteral("word%1 ").arg(i);
    window->controller()->setSyncWorkLimit(1e12); // keep this test synchronous
    window->sentenceEdit()->setText(sentence.trimmed());
    ASSERT_TRUE(window->currentResult());
    EXPECT_EQ(window->tokenStrip().size(), 300); // every token is listed for the accessors …
    // … but the strip shows two lines and says how many more there are.
    // Once laid out, one label says how many more there are, in at most about two lines.
    const QLabel* strip = nullptr;
    ASSERT_TRUE(QTest::qWaitFor([&] {
        for (const QLabel* label : window->findChildren<QLabel*>())
            if (label->text().contains(QStringLiteral("more")) &&
                label->text().contains(QStringLiteral("word0")) && label->height() > 0)
                strip = label;
        return strip != nullptr;
    }));
    EXPECT_LT(strip->height(), 4 * strip->fontMetrics().height());
}

// A result of over a million cells fills the heatmaps one per turn of the event loop: the first
// at once, the rest after; a newer result meanwhile wins, and no pending fill of the older one
// overwrites it.
TEST_F(MainWindowTest, LargeResultsFillTheViewsOnePerTurnAndNewerOnesWin) {
    auto window = open();
    window->controller()->setSyncWorkLimit(1e15); // computed at once, so only the fill is staged
    window->controlsPanel()->headsBox()->setValue(4);
    QString sentence;
    for (int i = 0; i < 1100; ++i)
        sentence += QStringLiteral("w%1 ").arg(i);
    window->sentenceEdit()->setText(sentence.trimmed());
    const auto large = window->currentResult();
    ASSERT_TRUE(large);
    ASSERT_EQ(large->maps.queryTokens.size(), 1100u);
    const QList<HeatmapView*> views = window->heatmapViews();
    ASSERT_EQ(views.size(), 5); // four heads and their mean
    // None in the turn that takes the result in (it lays out the token strips and the details
    // chart already), then one per turn.
    int pending = 0;
    for (const HeatmapView* view : views)
        pending += view->result() != large;
    EXPECT_EQ(pending, views.size()) << "a view was filled in the turn of the result";
    EXPECT_EQ(window->pendingViewFills(), 1) << "the next fill waits for the one before it";
    EXPECT_TRUE(QTest::qWaitFor([&] {
        for (const HeatmapView* view : views)
            if (view->result() != large)
                return false;
        return true;
    }));
    for (int i = 0; i < views.size(); ++i)
        EXPECT_EQ(views[i]->queryCount(), 1100) << i;

    // Another large result, then at once a small one: the small one is what stays.
    window->sentenceEdit()->setText(sentence + QStringLiteral(" w1100"));
    window->sentenceEdit()->setText(QStringLiteral("the cat sat"));
    const auto small = window->currentResult();
    ASSERT_EQ(small->maps.queryTokens.size(), 3u);
    // Every pending fill of the large result has run (and found itself stale).
    ASSERT_TRUE(QTest::qWaitFor([&] { return window->pendingViewFills() == 0; }));
    for (const HeatmapView* view : window->heatmapViews()) {
        EXPECT_EQ(view->result(), small);
        EXPECT_EQ(view->queryCount(), 3);
    }
}

} // namespace test_main_window
