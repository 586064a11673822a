// "What if" in the window on a tiny GPT-2 (make_models.py): a change to layer 1 head 1 reaches
// the later layers and the predictions and leaves the layer's other heads as they were, exactly
// as a run of the core with the same change; ablation and temperature reach the Compare page,
// which shows the unmodified run beside the changed one; removing a change (or undoing it)
// restores the original maps exactly; a temperature of 0 or window:0 is refused inline and
// nothing runs. Offscreen platform.

#include "ui/attention_controller.h"
#include "ui/compare_view.h"
#include "ui/heatmap_view.h"
#include "ui/main_window.h"
#include "ui/teaching_panel.h"
#include "ui/undo_commands.h"
#include "ui/what_if_panel.h"

#include "core/base/file_io.h"
#include "core/pretrained/transformer_maps.h"

#include "test_support.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <QComboBox>
#include <QDockWidget>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>
#include <QUndoStack>

#include <cstdlib>
#include <filesystem>

using namespace attnlab;
using attnlab::ui::MainWindow;
using attnlab::ui::WhatIfPanel;
namespace fs = std::filesystem;

namespace {

const std::string kRoot = ATTNLAB_PRETRAINED_FIXTURES;
const std::string kModel = "gpt2_lmhead_f32"; // 3 layers × 4 heads, causal, predicts
const QString kSentence = QStringLiteral("the cat sat on the mat");

bool fixturesReady() {
    const fs::path status = fs::path(kRoot) / "status.json";
    return fs::exists(status) &&
           nlohmann::json::parse(core::readFileBytes(status.string(), 1 << 20))
               .value("torch", false);
}

std::string folder() {
    return (fs::path(kRoot) / kModel).string();
}

// The core's own run of the model with `changes` on the sentence.
core::ModelOutput coreRun(std::vector<core::HeadIntervention> changes) {
    static const std::shared_ptr<const core::TransformerModel> model =
        core::TransformerModel::load(folder());
    core::TransformerSettings settings;
    settings.interventions = std::move(changes);
    core::Config config;
    config.sentence = kSentence.toStdString();
    return model->withSettings(settings)->run(config);
}

float largestDifference(const core::Matrix& a, const core::Matrix& b) {
    return (a - b).cwiseAbs().maxCoeff();
}

class WhatIfTest : public ::testing::Test {
protected:
    void SetUp() override {
        if (!fixturesReady())
            GTEST_SKIP() << "skipped: the reference models need PyTorch for /usr/bin/python3";
        ASSERT_TRUE(m_dir.isValid());
        m_window = std::make_unique<MainWindow>(m_dir.filePath(QStringLiteral("a.ini")));
        m_window->setNonInteractive(QMessageBox::Discard);
        m_window->show();
        ASSERT_TRUE(QTest::qWaitForWindowExposed(m_window.get()));
        QSignalSpy opened(m_window.get(), &MainWindow::modelOpened);
        m_window->openModelFolder(QString::fromStdString(folder()));
        ASSERT_TRUE(opened.wait(20000)) << "the model did not open";
        m_window->sentenceEdit()->setText(kSentence);
        waitForResult([](const core::ModelOutput& r) {
            return r.transformer.has_value() && r.maps.queries() == 7;
        });
        m_original = m_window->currentResult();
        m_panel = m_window->whatIfPanel();
    }

    template <typename Predicate> void waitForResult(Predicate done) {
        ASSERT_TRUE(QTest::qWaitFor(
            [&] {
                const auto result = m_window->currentResult();
                return result && done(*result) && m_window->pendingViewFills() == 0 &&
                       !m_window->controller()->isBusy();
            },
            20000));
    }

    // Adds a change through the editors and waits for the run that takes it.
    void add(int layer, int head, WhatIfPanel::Kind kind, const QString& value = {}) {
        const auto before = m_window->currentResult();
        choose(layer, head, kind, value);
        ASSERT_TRUE(m_panel->addChange()) << m_panel->errorText().toStdString();
        waitForResult(
            [&](const core::ModelOutput&) { return m_window->currentResult() != before; });
    }

    void choose(int layer, int head, WhatIfPanel::Kind kind, const QString& value) {
        m_panel->layerBox()->setCurrentIndex(m_panel->layerBox()->findData(layer));
        m_panel->headBox()->setCurrentIndex(m_panel->headBox()->findData(head));
        m_panel->kindBox()->setCurrentIndex(m_panel->kindBox()->findData(static_cast<int>(kind)));
        if (kind == WhatIfPanel::Kind::Normalizer)
            m_panel->normalizerBox()->setCurrentIndex(m_panel->normalizerBox()->findData(value));
        else
            m_panel->valueEdit()->setText(value);
    }

    ui::CompareView* showCompare() {
        ui::TeachingPanel* teaching = m_window->teachingPanel();
        ui::CompareView* compare = teaching->compareView();
        for (int tab = 0; tab < teaching->count(); ++tab)
            if (teaching->widget(tab)->isAncestorOf(compare)) {
                EXPECT_TRUE(teaching->isTabEnabled(tab)) << "Compare is disabled with a model";
                teaching->setCurrentIndex(tab);
            }
        return compare;
    }

    QTemporaryDir m_dir;
    std::unique_ptr<MainWindow> m_window;
    std::shared_ptr<const core::ModelOutput> m_original;
    WhatIfPanel* m_panel = nullptr;
};

} // namespace

TEST_F(WhatIfTest, TheDockOffersTheModelsLayersAndHeads) {
    EXPECT_TRUE(m_window->whatIfDock()->isVisibleTo(m_window.get()));
    EXPECT_TRUE(m_panel->isAvailable());
    EXPECT_EQ(m_panel->layerBox()->count(), 3);
    EXPECT_EQ(m_panel->headBox()->count(), 4 + 1); // and "all heads of the layer"
    EXPECT_EQ(m_panel->headBox()->itemData(4).toInt(), -1);
    m_window->closeModel();
    EXPECT_FALSE(m_panel->isAvailable());
    EXPECT_FALSE(m_window->whatIfDock()->isVisibleTo(m_window.get()));
}

TEST_F(WhatIfTest, AChangeToOneHeadReachesLaterLayersAndThePredictionsOnly) {
    add(0, 0, WhatIfPanel::Kind::Normalizer, QStringLiteral("sparsemax"));
    const auto changed = m_window->currentResult();
    ASSERT_EQ(m_panel->changes().size(), 1u);
    const core::HeadIntervention& change = m_panel->changes().front();
    EXPECT_EQ(change.layer, 0);
    EXPECT_EQ(change.head, 0);
    ASSERT_TRUE(change.normalizer);
    EXPECT_EQ(*change.normalizer, core::Normalizer::Sparsemax);

    // Layer 1's other heads are untouched: the same numbers as before, bit for bit.
    for (int head = 1; head < 4; ++head)
        EXPECT_EIGEN_NEAR(changed->maps.weightsOf(0, head), m_original->maps.weightsOf(0, head),
                          0.0f);
    // The changed head, the later layers and the predictions move.
    EXPECT_GT(largestDifference(changed->maps.weightsOf(0, 0), m_original->maps.weightsOf(0, 0)),
              1e-3f);
    for (int layer = 1; layer < 3; ++layer)
        for (int head = 0; head < 4; ++head)
            EXPECT_GT(largestDifference(changed->maps.weightsOf(layer, head),
                                        m_original->maps.weightsOf(layer, head)),
                      1e-6f)
                << "layer " << layer + 1 << " head " << head + 1;
    ASSERT_FALSE(changed->predictions.empty());
    ASSERT_FALSE(m_original->predictions.empty());
    EXPECT_NE(changed->predictions[0].top[0].probability,
              m_original->predictions[0].top[0].probability);

    // Exactly what the core computes with the same change.
    const core::ModelOutput reference = coreRun({change});
    for (int layer = 0; layer < 3; ++layer)
        for (int head = 0; head < 4; ++head)
            EXPECT_EIGEN_NEAR(changed->maps.weightsOf(layer, head),
                              reference.maps.weightsOf(layer, head), 1e-6f);
    ASSERT_EQ(reference.predictions.size(), changed->predictions.size());
    for (std::size_t i = 0; i < reference.predictions[0].top.size(); ++i) {
        EXPECT_EQ(changed->predictions[0].top[i].tokenId, reference.predictions[0].top[i].tokenId);
        EXPECT_NEAR(changed->predictions[0].top[i].probability,
                    reference.predictions[0].top[i].probability, 1e-6f);
    }
}

TEST_F(WhatIfTest, AblationAndTemperatureReachTheComparePage) {
    ui::CompareView* compare = showCompare();
    add(1, 2, WhatIfPanel::Kind::Temperature, QStringLiteral("0.25"));
    add(0, -1, WhatIfPanel::Kind::Ablate);
    ASSERT_EQ(m_panel->changes().size(), 2u);
    EXPECT_TRUE(compare->isComparingModel());
    // Compare turns to where the last change shows: an ablated layer's effect starts after it.
    EXPECT_EQ(compare->comparedLayer(), 1);
    compare->setComparedHead(2);
    const auto changed = m_window->currentResult();
    ASSERT_TRUE(QTest::qWaitFor(
        [&] {
            return compare->resultA() == changed && compare->resultB() &&
                   compare->comparison().has_value() && !compare->controllerB()->isBusy();
        },
        20000));

    // Side A is the run with both changes, side B the model as trained: the core's numbers.
    const core::ModelOutput withChanges = coreRun(m_panel->changes());
    const core::ModelOutput unmodified = coreRun({});
    for (int layer = 0; layer < 3; ++layer)
        for (int head = 0; head < 4; ++head) {
            EXPECT_EIGEN_NEAR(compare->resultA()->maps.weightsOf(layer, head),
                              withChanges.maps.weightsOf(layer, head), 1e-6f);
            EXPECT_EIGEN_NEAR(compare->resultB()->maps.weightsOf(layer, head),
                              unmodified.maps.weightsOf(layer, head), 1e-6f);
        }
    // The page compares layer 2 head 3 (the head given temperature 0.25, after the ablation).
    const core::Matrix expected =
        withChanges.maps.weightsOf(1, 2) - unmodified.maps.weightsOf(1, 2);
    EXPECT_EIGEN_NEAR(compare->comparison()->difference, expected, 1e-6f);
    EXPECT_GT(compare->comparison()->maxAbsDifference, 1e-3f);
    EXPECT_NEAR(compare->differenceAt(6, 1), expected(6, 1), 1e-6);
    EXPECT_EQ(compare->viewA()->layer(), 1);
    EXPECT_EQ(compare->viewB()->layer(), 1);
    // The predictions of both sides, each as the core gives them.
    const QString predictions = compare->predictionsText();
    const auto percent = [](const core::ModelOutput& run) {
        return QStringLiteral("%1%").arg(100.0 * run.predictions[0].top[0].probability, 0, 'f', 1);
    };
    EXPECT_TRUE(predictions.contains(percent(withChanges))) << predictions.toStdString();
    EXPECT_TRUE(predictions.contains(percent(unmodified))) << predictions.toStdString();
    EXPECT_NE(percent(withChanges), percent(unmodified));

    if (const char* shots = std::getenv("ATTNLAB_WHAT_IF_SHOTS")) {
        m_window->resize(1500, 950);
        QCoreApplication::processEvents(); // the layout of the new size
        m_window->grab().save(QString::fromLocal8Bit(shots) + QStringLiteral("/what_if.png"));
    }

    // Without changes, B stays the unmodified model and the two sides agree.
    m_panel->clearChanges();
    ASSERT_TRUE(QTest::qWaitFor(
        [&] {
            return compare->resultA() == m_window->currentResult() &&
                   compare->comparison().has_value() && !m_window->controller()->isBusy();
        },
        20000));
    EXPECT_EQ(compare->comparison()->maxAbsDifference, 0.0f);
}

TEST_F(WhatIfTest, RemovingOrUndoingAChangeRestoresTheOriginalMapsExactly) {
    add(0, 1, WhatIfPanel::Kind::Mask, QStringLiteral("window:1"));
    add(1, 0, WhatIfPanel::Kind::Normalizer, QStringLiteral("hardmax"));
    const auto both = m_window->currentResult();
    EXPECT_GT(largestDifference(both->maps.weightsOf(2, 0), m_original->maps.weightsOf(2, 0)),
              1e-6f);
    const auto exact = [&](const core::ModelOutput& result) {
        for (int layer = 0; layer < 3; ++layer)
            for (int head = 0; head < 4; ++head)
                if (!(result.maps.weightsOf(layer, head).array() ==
                      m_original->maps.weightsOf(layer, head).array())
                         .all())
                    return false;
        return result.predictions[0].top[0].probability ==
               m_original->predictions[0].top[0].probability;
    };
    ASSERT_FALSE(exact(*both));

    // The remove buttons of the list, bottom one first.
    for (int row : {1, 0}) {
        QWidget* widget = m_panel->changeList()->itemWidget(m_panel->changeList()->item(row));
        ASSERT_TRUE(widget);
        auto* remove = widget->findChild<QToolButton*>();
        ASSERT_TRUE(remove);
        const auto before = m_window->currentResult();
        remove->click();
        waitForResult(
            [&](const core::ModelOutput&) { return m_window->currentResult() != before; });
    }
    EXPECT_TRUE(m_panel->changes().empty());
    EXPECT_TRUE(exact(*m_window->currentResult()));

    // Edit → Undo brings the change back; undoing the addition restores the maps again.
    QUndoStack* stack = m_window->undoHistory()->stack();
    auto before = m_window->currentResult();
    stack->undo(); // the first removal undone
    waitForResult([&](const core::ModelOutput&) { return m_window->currentResult() != before; });
    ASSERT_EQ(m_panel->changes().size(), 1u);
    EXPECT_TRUE(m_panel->changes().front().mask.has_value());
    EXPECT_FALSE(exact(*m_window->currentResult()));
    before = m_window->currentResult();
    stack->undo(); // the removal before it
    stack->undo(); // the hardmax added
    stack->undo(); // the mask added
    waitForResult([&](const core::ModelOutput&) {
        return m_window->currentResult() != before && m_panel->changes().empty();
    });
    EXPECT_TRUE(exact(*m_window->currentResult()));
}

TEST_F(WhatIfTest, BadValuesAreRefusedInlineAndNothingRuns) {
    const quint64 generation = m_window->controller()->generation();
    choose(0, 0, WhatIfPanel::Kind::Temperature, QStringLiteral("0"));
    QTest::mouseClick(m_panel->addButton(), Qt::LeftButton);
    EXPECT_TRUE(m_panel->changes().empty());
    EXPECT_TRUE(m_panel->errorText().contains(QStringLiteral("positive number")))
        << m_panel->errorText().toStdString();
    choose(0, 0, WhatIfPanel::Kind::Temperature, QStringLiteral("warm"));
    EXPECT_FALSE(m_panel->addChange());
    EXPECT_TRUE(m_panel->errorText().contains(QStringLiteral("is not a number")))
        << m_panel->errorText().toStdString();
    choose(2, 3, WhatIfPanel::Kind::Mask, QStringLiteral("window:0"));
    EXPECT_FALSE(m_panel->addChange());
    EXPECT_TRUE(m_panel->errorText().contains(QStringLiteral("window:1 or wider")))
        << m_panel->errorText().toStdString();
    if (const char* shots = std::getenv("ATTNLAB_WHAT_IF_SHOTS"))
        m_window->whatIfDock()->grab().save(QString::fromLocal8Bit(shots) +
                                            QStringLiteral("/what_if_refused.png"));
    choose(2, 3, WhatIfPanel::Kind::Mask, QStringLiteral("padding:9"));
    EXPECT_FALSE(m_panel->addChange());
    EXPECT_TRUE(m_panel->errorText().contains(QStringLiteral("causal or window:W")))
        << m_panel->errorText().toStdString();
    EXPECT_TRUE(m_panel->changes().empty());
    EXPECT_EQ(m_window->controller()->generation(), generation);
    EXPECT_EQ(m_window->currentResult(), m_original);
    // A good value clears the message.
    choose(2, 3, WhatIfPanel::Kind::Mask, QStringLiteral("causal"));
    EXPECT_TRUE(m_panel->addChange());
    EXPECT_TRUE(m_panel->errorText().isEmpty());
}
