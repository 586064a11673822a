// MatrixEditor: the presets reproduce the tutorials' numbers through the controller, typed
// numbers change the result, and applyTo() fits the typed matrices to a new sentence or shape.

#include "ui/attention_controller.h"
#include "ui/matrix_editor.h"
#include "ui/matrix_table.h"

#include "core/model/builtin_model.h"
#include "core/teaching/presets.h"

#include "eigen_testing.h"

#include <gtest/gtest.h>

#include <QCheckBox>
#include <QSignalSpy>

#include <memory>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_matrix_editor {

using namespace attnlab;
using attnlab::ui::AttentionController;
using attnlab::ui::MatrixEditor;

namespace {

// The wiring of the main window in small: requests go through applyTo() to the controller, and
// its results come back to the editor.
struct Workspace {
    AttentionController controller;
    MatrixEditor editor;
    int requests = 0;

    Workspace() {
        editor.setBaseConfigProvider([this] { return controller.config(); });
        QObject::connect(&editor, &MatrixEditor::configRequested, &controller,
                         [this](const core::Config& config) {
                             ++requests;
                             controller.setConfig(editor.applyTo(config));
                         });
        QObject::connect(&controller, &AttentionController::resultReady, &editor,
                         [this](std::shared_ptr<const core::ModelOutput> result, qint64) {
                             editor.setResult(result);
                         });
    }
    const core::ModelOutput& result() const { return *controller.lastResult(); }
};

} // namespace

TEST(MatrixEditor, PresetsReproduceTheTutorials) {
    Workspace w;
    w.editor.loadPreset(core::Preset::ZaoShangHao);
    ASSERT_NE(w.controller.lastResult(), nullptr);
    const core::ModelOutput& zao = w.result();
    ASSERT_EQ(zao.maps.queryTokens.size(), 3u);
    EXPECT_EQ(zao.maps.queryTokens[0].text, "早");
    EXPECT_NEAR(zao.maps.weights[0](0, 0), 0.4, 1e-6);
    EXPECT_NEAR(zao.maps.weights[0](0, 1), 0.4, 1e-6);
    EXPECT_NEAR(zao.maps.weights[0](0, 2), 0.2, 1e-6);
    EXPECT_EQ(w.editor.queryTable()->matrix().cols(), 2);
    EXPECT_TRUE(w.editor.manualEmbeddingsBox()->isChecked());
    EXPECT_FALSE(w.editor.manualProjectionBox()->isChecked());

    w.editor.loadPreset(core::Preset::TheCatSat);
    const core::ModelOutput& cat = w.result();
    ASSERT_EQ(cat.maps.queryTokens.size(), 3u);
    EXPECT_EQ(cat.maps.queryTokens[1].text, "cat");
    EXPECT_NEAR(cat.trace->heads[0].scores(0, 1), 1.25, 1e-6);
    EXPECT_NEAR(cat.maps.weights[0](0, 1), 0.455443, 1e-5);
    EXPECT_NEAR(cat.trace->heads[0].context(2, 3), 0.866522, 1e-5);
    EXPECT_TRUE(w.editor.manualProjectionBox()->isChecked());
    EXPECT_EIGEN_NEAR(w.editor.projectionTable(0)->matrix(),
                      core::presetConfig(core::Preset::TheCatSat).manual.wq[0], 0);
    EXPECT_FALSE(MatrixEditor::presetDescription(core::Preset::ZaoShangHao).isEmpty());
}

TEST(MatrixEditor, EditingACellChangesTheResult) {
    Workspace w;
    w.editor.loadPreset(core::Preset::TheCatSat);
    const core::Matrix before = w.result().maps.weights[0];
    QAbstractItemModel* x = w.editor.queryTable()->model();
    ASSERT_TRUE(x->setData(x->index(1, 0), "2.5", Qt::EditRole)); // "cat", dimension 1
    const auto kept = w.controller.lastResult(); // the next edit replaces the controller's
    const core::ModelOutput& after = *kept;
    EXPECT_FLOAT_EQ(after.trace->queryInputs(1, 0), 2.5f);
    EXPECT_GT((after.maps.weights[0] - before).cwiseAbs().maxCoeff(), 1e-3);
    // The new weights are exactly those of the preset with that one number changed.
    core::Config expected = core::presetConfig(core::Preset::TheCatSat);
    expected.manualQueryEmbeddings(1, 0) = 2.5f;
    EXPECT_EIGEN_NEAR(after.maps.weights[0], core::runBuiltin(expected).maps.weights[0], 1e-6);

    // A projection cell: W_v of head 1 changes the context, not the weights.
    QAbstractItemModel* wv = w.editor.projectionTable(2)->model();
    ASSERT_TRUE(wv->setData(wv->index(0, 0), "-3", Qt::EditRole));
    EXPECT_FLOAT_EQ(w.result().trace->heads[0].wv(0, 0), -3.0f);
    EXPECT_EIGEN_NEAR(w.result().maps.weights[0], after.maps.weights[0], 0);
    expected.manual.wv[0](0, 0) = -3.0f;
    EXPECT_EIGEN_NEAR(w.result().trace->heads[0].context,
                      core::runBuiltin(expected).trace->heads[0].context, 1e-6);
}

TEST(MatrixEditor, EditingWhileNotManualSwitchesToTheTypedNumbers) {
    Workspace w;
    core::Config config;
    config.sentence = "the cat sat";
    config.dModel = 4;
    w.controller.setConfig(config);
    ASSERT_EQ(w.result().config.embeddings, core::EmbeddingSource::Builtin);
    EXPECT_FALSE(w.editor.manualEmbeddingsBox()->isChecked());
    QAbstractItemModel* x = w.editor.queryTable()->model();
    ASSERT_EQ(x->rowCount(), 3);
    ASSERT_TRUE(x->setData(x->index(0, 0), "1", Qt::EditRole));
    EXPECT_EQ(w.result().config.embeddings, core::EmbeddingSource::Manual);
    EXPECT_FLOAT_EQ(w.result().trace->queryInputs(0, 0), 1.0f);
    EXPECT_TRUE(w.editor.manualEmbeddingsBox()->isChecked());
    // Ticking the box off goes back to the lexicon.
    w.editor.manualEmbeddingsBox()->setChecked(false);
    EXPECT_EQ(w.result().config.embeddings, core::EmbeddingSource::Builtin);
}

TEST(MatrixEditor, ApplyToFitsANewSentenceAndShape) {
    Workspace w;
    w.editor.loadPreset(core::Preset::TheCatSat);
    core::Config next = w.controller.config();
    next.sentence = "The cat sat down";
    const core::Config fitted = w.editor.applyTo(next);
    ASSERT_EQ(fitted.manualQueryEmbeddings.rows(), 4);
    EXPECT_EIGEN_NEAR(fitted.manualQueryEmbeddings.topRows(3),
                      core::presetConfig(core::Preset::TheCatSat).manualQueryEmbeddings, 0);
    w.controller.setConfig(fitted);
    EXPECT_EQ(w.result().maps.queryTokens.size(), 4u) << "typing a longer sentence keeps working";
    EXPECT_EQ(w.editor.queryTable()->model()->rowCount(), 4);

    // Two heads: each head's W is d_model × d_k = 4 × 2, the typed block kept.
    next = w.controller.config();
    next.heads = 2;
    const core::Config twoHeads = w.editor.applyTo(next);
    ASSERT_EQ(twoHeads.manual.wq.size(), 2u);
    EXPECT_EQ(twoHeads.manual.wq[1].rows(), 4);
    EXPECT_EQ(twoHeads.manual.wq[1].cols(), 2);
    EXPECT_EIGEN_NEAR(twoHeads.manual.wq[0],
                      core::presetConfig(core::Preset::TheCatSat).manual.wq[0].leftCols(2), 0);
    EXPECT_NO_THROW(core::runBuiltin(twoHeads));

    // Configurations without manual parts come back unchanged.
    core::Config builtin;
    const core::Config same = w.editor.applyTo(builtin);
    EXPECT_EQ(same.manualQueryEmbeddings.size(), 0);
    EXPECT_TRUE(same.manual.wq.empty());
}

TEST(MatrixEditor, WidthAndCopyingTheNumbersInUse) {
    Workspace w;
    core::Config config;
    config.sentence = "我 爱 学习";
    config.tokenizer.mode = core::TokenizerMode::Whitespace;
    config.dModel = 6;
    config.heads = 2;
    config.projection = core::ProjectionInit::Random;
    config.positional = core::PositionalEncoding::Sinusoidal;
    w.controller.setConfig(config);
    const core::Matrix weights = w.result().maps.weights[1];
    ASSERT_TRUE(w.editor.copyNumbersInUse());
    // Same numbers, now typed: the weights do not change.
    EXPECT_EQ(w.result().config.embeddings, core::EmbeddingSource::Manual);
    EXPECT_EQ(w.result().config.projection, core::ProjectionInit::Manual);
    EXPECT_EIGEN_NEAR(w.result().maps.weights[1], weights, 1e-5);
    EXPECT_EQ(w.editor.embeddingWidth(), 6);

    w.editor.setEmbeddingWidth(4);
    EXPECT_EQ(w.result().trace->queryInputs.cols(), 4);
    EXPECT_EQ(w.result().trace->heads[0].wq.rows(), 4);
    EXPECT_EQ(w.result().trace->heads[0].wq.cols(), 2);

    config.dModel = 64;
    config.projection = core::ProjectionInit::Identity;
    config.embeddings = core::EmbeddingSource::Builtin;
    w.controller.setConfig(config);
    EXPECT_FALSE(w.editor.copyNumbersInUse()) << "64 numbers per token do not fit the tables";
    EXPECT_TRUE(w.editor.statusText().contains(QStringLiteral("64")));
}

} // namespace test_matrix_editor
