// StepView: every stage's table holds the core's intermediate matrix, −∞ is shown for masked
// logits, the formula follows the scoring function, the arithmetic of a selected cell carries
// the core's numbers, and a selection highlights the rows and columns it came from.

#include "ui/heatmap_view.h"
#include "ui/matrix_table.h"
#include "ui/step_view.h"

#include "core/base/random.h"
#include "core/model/builtin_model.h"
#include "core/teaching/presets.h"
#include "core/teaching/steps.h"

#include "eigen_testing.h"

#include <gtest/gtest.h>

#include <QComboBox>
#include <QSet>
#include <QSignalSpy>
#include <QTest>

#include <memory>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_step_view {

using namespace attnlab;
using attnlab::core::StageKind;
using attnlab::ui::MatrixTable;
using attnlab::ui::StepView;

namespace {

std::shared_ptr<const core::ModelOutput> run(const core::Config& config) {
    return std::make_shared<const core::ModelOutput>(core::runBuiltin(config));
}

core::Config manualConfig(int n, int d, int heads = 1) {
    core::Config config;
    config.embeddings = core::EmbeddingSource::Manual;
    config.tokenizer.mode = core::TokenizerMode::Whitespace;
    config.sentence.clear();
    for (int i = 0; i < n; ++i)
        config.sentence += (i ? " w" : "w") + std::to_string(i);
    config.manualQueryEmbeddings = core::Random(11).normalMatrix(n, d, 1.0);
    config.dModel = d;
    config.heads = heads;
    return config;
}

QString fmt(double value) {
    return ui::HeatmapView::formatNumber(value);
}

} // namespace

TEST(StepView, TablesEqualTheCoreIntermediatesForEveryScoringFunction) {
    for (core::ScoringFunction scoring : core::allScoringFunctions()) {
        core::Config config = manualConfig(4, 8, 2);
        config.scoring = scoring;
        config.projection = core::ProjectionInit::Random;
        config.temperature = 0.5f;
        const auto result = run(config);
        StepView view;
        view.setResult(result);
        view.setSelection(1, -1, -1);
        ASSERT_EQ(view.head(), 1);
        const core::HeadTrace& h = result->trace->heads[1];
        SCOPED_TRACE(core::toString(scoring).data());
        const std::pair<StageKind, const core::Matrix*> expected[] = {
            {StageKind::QueryInputs, &result->trace->queryInputs},
            {StageKind::Wq, &h.wq},
            {StageKind::Wk, &h.wk},
            {StageKind::Wv, &h.wv},
            {StageKind::Q, &h.q},
            {StageKind::K, &h.k},
            {StageKind::V, &h.v},
            {StageKind::Scores, &h.scores},
            {StageKind::MaskedLogits, &h.logits},
            {StageKind::Weights, &result->maps.weights[1]},
            {StageKind::Context, &h.context},
        };
        for (const auto& [kind, matrix] : expected) {
            MatrixTable* table = view.table(kind);
            ASSERT_NE(table, nullptr) << static_cast<int>(kind);
            EXPECT_EIGEN_NEAR(table->matrix(), *matrix, 0);
            EXPECT_EQ(table->cellText(0, 0), MatrixTable::formatValue((*matrix)(0, 0)));
        }
        EXPECT_EQ(view.table(StageKind::ScoringWa) != nullptr,
                  scoring == core::ScoringFunction::General);
        EXPECT_EQ(view.table(StageKind::ScoringW1) != nullptr,
                  scoring == core::ScoringFunction::Additive);
        EXPECT_EQ(view.table(StageKind::DotProducts) != nullptr,
                  scoring == core::ScoringFunction::ScaledDot ||
                      scoring == core::ScoringFunction::Cosine);
        // Rows are labelled with the tokens, columns of Q with the head's dimensions.
        EXPECT_EQ(view.table(StageKind::Q)->rowLabels().front(), QStringLiteral("w0"));
        EXPECT_EQ(view.table(StageKind::Q)->columnLabels().size(), 4);
        EXPECT_EQ(view.table(StageKind::Weights)->coloring(), MatrixTable::Coloring::Weights);
        EXPECT_TRUE(view.caption(StageKind::Logits).contains(QStringLiteral("0.5")));
    }
}

// A long input keeps the stages of the shown heads only: another head's page says its stages
// are coming and shows none, instead of stopping at the missing matrices; a head chosen in the
// page's own box is announced, so that the window can run again with it.
TEST(StepView, AHeadWithoutItsStagesSaysTheyAreComing) {
    const core::Config config = manualConfig(4, 12, 3);
    core::RunOptions firstOnly;
    firstOnly.traceHeads = {0};
    const auto result =
        std::make_shared<const core::ModelOutput>(core::runBuiltin(config, firstOnly));
    StepView view;
    view.setResult(result);
    EXPECT_FALSE(view.stages().empty());
    EXPECT_NE(view.table(StageKind::Scores), nullptr);
    QSignalSpy chosen(&view, &StepView::headChosen);
    auto* box = view.findChild<QComboBox*>();
    ASSERT_NE(box, nullptr);
    box->setCurrentIndex(2);
    ASSERT_EQ(chosen.count(), 1);
    EXPECT_EQ(chosen.at(0).at(0).toInt(), 2);
    EXPECT_EQ(view.head(), 2);
    EXPECT_TRUE(view.stages().empty());
    EXPECT_EQ(view.table(StageKind::Scores), nullptr);
    EXPECT_TRUE(view.formulaText().contains(QStringLiteral("head 3")))
        << view.formulaText().toStdString();
    EXPECT_TRUE(view.arithmeticText().isEmpty());
    // A selection made elsewhere moves the page without announcing it.
    view.setSelection(0, 1, 2);
    EXPECT_EQ(chosen.count(), 1);
    EXPECT_FALSE(view.stages().empty());
    EXPECT_FALSE(view.arithmeticText().isEmpty());
}

TEST(StepView, MaskedLogitsShowMinusInfinity) {
    core::Config config = manualConfig(3, 4);
    config.mask.kind = core::MaskKind::Causal;
    StepView view;
    view.setResult(run(config));
    MatrixTable* masked = view.table(StageKind::MaskedLogits);
    ASSERT_NE(masked, nullptr);
    EXPECT_EQ(masked->cellText(0, 2), QStringLiteral("−∞"));
    EXPECT_NE(masked->cellText(2, 0), QStringLiteral("−∞"));
    // Before the mask the same cell is an ordinary number.
    EXPECT_NE(view.table(StageKind::Logits)->cellText(0, 2), QStringLiteral("−∞"));
    EXPECT_EQ(view.table(StageKind::Weights)->cellText(0, 2), QStringLiteral("0.00"));
}

TEST(StepView, FormulaFollowsTheScoringFunction) {
    QSet<QString> formulas;
    for (core::ScoringFunction scoring : core::allScoringFunctions())
        formulas.insert(StepView::scoringFormula(scoring));
    EXPECT_EQ(formulas.size(), 5) << "one formula per scoring function";
    EXPECT_TRUE(StepView::scoringFormula(core::ScoringFunction::Additive)
                    .contains(QStringLiteral("vᵀ · tanh(W₁q + W₂k)")));
    EXPECT_TRUE(StepView::scoringFormula(core::ScoringFunction::ScaledDot)
                    .contains(QStringLiteral("/ √d_k")));
    EXPECT_TRUE(
        StepView::scoringFormula(core::ScoringFunction::General).contains(QStringLiteral("W_a")));
    EXPECT_TRUE(StepView::scoringFormula(core::ScoringFunction::Cosine)
                    .contains(QStringLiteral("‖q‖ ‖k‖")));

    core::Config config = manualConfig(3, 16);
    config.scoring = core::ScoringFunction::ScaledDot;
    StepView view;
    view.setResult(run(config));
    EXPECT_TRUE(
        view.formulaText().startsWith(StepView::scoringFormula(core::ScoringFunction::ScaledDot)));
    EXPECT_TRUE(view.formulaText().contains(QStringLiteral("d_k = 16, √d_k = 4.00")))
        << view.formulaText().toStdString();
    config.scoring = core::ScoringFunction::Cosine;
    config.cosineScale = 7.0f;
    view.setResult(run(config));
    EXPECT_TRUE(view.formulaText().contains(QStringLiteral("s = 7")))
        << view.formulaText().toStdString();
}

TEST(StepView, TheCatSatArithmeticCarriesTheTutorialNumbers) {
    const auto result = run(core::presetConfig(core::Preset::TheCatSat));
    StepView view;
    view.setResult(result);
    view.selectCell(StageKind::Weights, 0, 1); // query "The", key "cat"
    const QString text = view.arithmeticText();
    // q·k = 2.5, ÷ √4 = 1.25, T = 1, softmax → 0.455443.
    EXPECT_TRUE(text.contains(QStringLiteral("“The”"))) << text.toStdString();
    EXPECT_TRUE(text.contains(QStringLiteral("= 2.50"))) << text.toStdString();
    EXPECT_TRUE(text.contains(QStringLiteral("/√4 = 1.25"))) << text.toStdString();
    EXPECT_TRUE(text.contains(fmt(result->maps.weights[0](0, 1)))) << text.toStdString();
    EXPECT_EQ(fmt(result->maps.weights[0](0, 1)), QStringLiteral("0.46"));

    view.selectCell(StageKind::Context, 0, 0);
    EXPECT_TRUE(view.arithmeticText().contains(fmt(result->trace->heads[0].context(0, 0))))
        << view.arithmeticText().toStdString();
    EXPECT_EQ(fmt(result->trace->heads[0].context(0, 0)), QStringLiteral("0.91"));
    view.selectCell(StageKind::Q, 1, 1);
    // Q["cat", 2] = 0·0 + 1·1 + 0·0 + 1·1 = 2.
    EXPECT_TRUE(view.arithmeticText().endsWith(QStringLiteral("= 2.00")))
        << view.arithmeticText().toStdString();
}

TEST(StepView, SelectingACellHighlightsWhereItCameFrom) {
    const auto result = run(core::presetConfig(core::Preset::TheCatSat));
    StepView view;
    view.setResult(result);
    QSignalSpy spy(&view, &StepView::cellSelected);
    view.selectCell(StageKind::Weights, 2, 1);
    ASSERT_EQ(spy.count(), 1);
    EXPECT_EQ(spy.at(0).at(0).toInt(), 0);
    EXPECT_EQ(spy.at(0).at(1).toInt(), 2);
    EXPECT_EQ(spy.at(0).at(2).toInt(), 1);
    MatrixTable* q = view.table(StageKind::Q);
    EXPECT_TRUE(q->isCellEmphasized(2, 0));
    EXPECT_FALSE(q->isCellEmphasized(0, 0)) << "query 0 did not feed cell (2, 1)";
    MatrixTable* k = view.table(StageKind::K);
    EXPECT_TRUE(k->isCellEmphasized(1, 3));
    EXPECT_FALSE(k->isCellEmphasized(2, 3));
    EXPECT_FALSE(view.table(StageKind::V)->isCellEmphasized(0, 0)) << "V comes after the weights";
    EXPECT_TRUE(view.table(StageKind::Wq)->isCellEmphasized(3, 3)) << "all of W_q is used";
    EXPECT_EQ(view.table(StageKind::Scores)->outlinedCell(), QPoint(1, 2));

    // A context cell uses its weight row and its value column.
    view.selectCell(StageKind::Context, 0, 3);
    EXPECT_EQ(spy.count(), 1) << "context cells are not weight cells";
    EXPECT_TRUE(view.table(StageKind::V)->isCellEmphasized(2, 3));
    EXPECT_FALSE(view.table(StageKind::V)->isCellEmphasized(2, 0));
    EXPECT_TRUE(view.table(StageKind::Weights)->isCellEmphasized(0, 2));
    EXPECT_FALSE(view.table(StageKind::Weights)->isCellEmphasized(1, 2));

    // A selection from outside (the heatmaps) selects the weight cell without emitting.
    view.setSelection(0, 1, 2);
    EXPECT_EQ(spy.count(), 1);
    EXPECT_EQ(view.selectedStage(), StageKind::Weights);
    EXPECT_EQ(view.table(StageKind::Weights)->outlinedCell(), QPoint(2, 1));
}

TEST(StepView, ClickingATableCellSelectsIt) {
    const auto result = run(core::presetConfig(core::Preset::TheCatSat));
    StepView view;
    view.resize(1200, 900);
    view.setResult(result);
    view.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&view));
    MatrixTable* scores = view.table(StageKind::Scores);
    ASSERT_NE(scores, nullptr);
    QSignalSpy spy(&view, &StepView::cellSelected);
    const QRect cell = scores->visualRect(scores->model()->index(1, 2));
    QTest::mouseClick(scores->viewport(), Qt::LeftButton, {}, cell.center());
    ASSERT_EQ(spy.count(), 1);
    EXPECT_EQ(view.selectedStage(), StageKind::Scores);
    EXPECT_EQ(view.selectedRow(), 1);
    EXPECT_EQ(view.selectedColumn(), 2);
}

TEST(StepView, HiddenViewDefersWorkAndKeepsUpWithNewResults) {
    StepView view; // never shown
    view.setResult(run(manualConfig(3, 4)));
    view.setResult(run(manualConfig(5, 4)));
    EXPECT_EQ(view.table(StageKind::Weights)->matrix().rows(), 5);
    view.setResult(nullptr);
    EXPECT_TRUE(view.stages().empty());
    EXPECT_EQ(view.table(StageKind::Weights), nullptr);
}

} // namespace test_step_view
