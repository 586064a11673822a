// "What if" on a model trained by the program: changes to its heads at inference agree with
// independent routes to the same numbers. Sparsemax or a temperature on every head equals the
// model built with that normaliser or temperature; ablating a layer's heads equals zeroing its
// output projection; an extra window mask on every head equals the model's own window; a change
// to one head leaves the other heads of its layer as they were and reaches later layers and the
// predictions. The loader now passes the changes to a trained model, and refuses bad ones.

#include "core/attention/options.h"
#include "core/trained/model_loader.h"
#include "core/trained/trained_model.h"
#include "core/training/model_folder.h"
#include "core/training/trainer.h"
#include "support/training_fixtures.h"
#include "test_support.h"

#include <gtest/gtest.h>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_trained_what_if {

using namespace attnlab::core;
using namespace attnlab::core::training;
using attnlab::testing::smallTrainSettings;
using attnlab::testing::TempDir;

namespace {

constexpr int kLayers = 2;
constexpr int kHeads = 2;
const std::string kSentence = "1 2 3 1 2";

struct Fixture {
    std::shared_ptr<const TrainedModel> model;
    TrainedInput input;
};

// A small decoder-only model (induction: no source), trained a few steps with `seed`.
Fixture trained(std::uint64_t seed) {
    TrainSettings s = smallTrainSettings(TaskKind::Induction, kLayers, kHeads);
    s.seed = seed;
    Trainer trainer(s);
    trainer.run(5);
    TempDir dir;
    saveModelFolder(dir.file("model"), trainer);
    Fixture f;
    f.model = TrainedModel::load(dir.file("model"));
    f.input = f.model->inputFor(kSentence);
    return f;
}

// The model's output with its own config and parameters replaced (the independent route).
ModelOutput rebuilt(const Fixture& f, const ModelConfig& config, const TransformerParams& params) {
    return trainedModelOutput(config, params, f.model->vocabulary(), f.input, {}, "rebuilt");
}

ModelOutput changed(const Fixture& f, std::vector<HeadIntervention> changes) {
    Config config;
    config.sentence = kSentence;
    return f.model->withInterventions(std::move(changes))->run(config);
}

std::vector<HeadIntervention> everyLayer(const HeadIntervention& change) {
    std::vector<HeadIntervention> all;
    for (int layer = 0; layer < kLayers; ++layer) {
        HeadIntervention c = change;
        c.layer = layer;
        c.head = -1;
        all.push_back(c);
    }
    return all;
}

void expectSame(const ModelOutput& a, const ModelOutput& b, float tolerance) {
    ASSERT_EQ(a.maps.weights.size(), b.maps.weights.size());
    for (int layer = 0; layer < kLayers; ++layer)
        for (int head = 0; head < kHeads; ++head)
            EXPECT_EIGEN_NEAR(a.maps.weightsOf(layer, head), b.maps.weightsOf(layer, head),
                              tolerance)
                << "layer " << layer + 1 << " head " << head + 1;
    ASSERT_EQ(a.predictions.size(), 1u);
    ASSERT_EQ(b.predictions.size(), 1u);
    for (std::size_t i = 0; i < a.predictions[0].top.size(); ++i)
        EXPECT_NEAR(a.predictions[0].top[i].probability, b.predictions[0].top[i].probability,
                    tolerance);
}

} // namespace

TEST(TrainedWhatIf, ANormaliserOrTemperatureOnEveryHeadIsTheModelBuiltWithIt) {
    for (std::uint64_t seed : {1u, 7u}) {
        const Fixture f = trained(seed);
        for (Normalizer normalizer : {Normalizer::Sparsemax, Normalizer::Sigmoid}) {
            HeadIntervention change;
            change.normalizer = normalizer;
            ModelConfig config = f.model->saved().config;
            config.normalizer = normalizer;
            expectSame(changed(f, everyLayer(change)), rebuilt(f, config, f.model->saved().params),
                       1e-6f);
        }
        for (float t : {0.5f, 3.0f}) {
            HeadIntervention change;
            change.temperature = t;
            ModelConfig config = f.model->saved().config;
            config.temperature *= t;
            expectSame(changed(f, everyLayer(change)), rebuilt(f, config, f.model->saved().params),
                       1e-6f);
        }
    }
}

TEST(TrainedWhatIf, AblatingALayerIsZeroingItsOutputProjection) {
    const Fixture f = trained(3);
    for (int layer = 0; layer < kLayers; ++layer) {
        HeadIntervention change;
        change.layer = layer;
        change.ablate = true;
        TransformerParams params = f.model->saved().params;
        params.decoder[static_cast<std::size_t>(layer)].self.wo.setZero();
        expectSame(changed(f, {change}), rebuilt(f, f.model->saved().config, params), 1e-6f);
    }
}

TEST(TrainedWhatIf, AWindowOnEveryHeadIsTheModelsOwnWindow) {
    const Fixture f = trained(5);
    HeadIntervention change;
    change.mask = parseMask("window:1");
    ModelConfig config = f.model->saved().config;
    config.window = 1;
    expectSame(changed(f, everyLayer(change)), rebuilt(f, config, f.model->saved().params), 1e-6f);
}

TEST(TrainedWhatIf, OneHeadChangedLeavesItsNeighboursAndReachesLaterLayers) {
    const Fixture f = trained(11);
    Config config;
    config.sentence = kSentence;
    const ModelOutput original = f.model->run(config);
    HeadIntervention change;
    change.layer = 0;
    change.head = 0;
    change.normalizer = Normalizer::Hardmax;
    const ModelOutput after = changed(f, {change});
    EXPECT_EIGEN_NEAR(after.maps.weightsOf(0, 1), original.maps.weightsOf(0, 1), 0.0f);
    const Matrix& hard = after.maps.weightsOf(0, 0);
    for (int i = 0; i < hard.rows(); ++i)
        EXPECT_NEAR(hard.row(i).maxCoeff() * 1.0f, 1.0f / (hard.row(i).array() > 0).count(), 1e-6f)
            << "row " << i << " is not one-hot (ties share)";
    EXPECT_GT((after.maps.weightsOf(1, 0) - original.maps.weightsOf(1, 0)).cwiseAbs().maxCoeff(),
              1e-6f);
    EXPECT_NE(after.predictions[0].top[0].probability, original.predictions[0].top[0].probability);
    // No change at all, or a neutral one, is the model as trained, bit for bit.
    HeadIntervention neutral;
    neutral.layer = 1;
    neutral.temperature = 1.0f;
    expectSame(changed(f, {neutral}), original, 0.0f);
}

TEST(TrainedWhatIf, TheLoaderPassesChangesAndRefusesBadOnes) {
    TrainSettings s = smallTrainSettings(TaskKind::Induction, kLayers, kHeads);
    Trainer trainer(s);
    trainer.run(3);
    TempDir dir;
    saveModelFolder(dir.file("model"), trainer);
    TransformerSettings settings;
    HeadIntervention ablate;
    ablate.layer = 1;
    ablate.head = 1;
    ablate.ablate = true;
    settings.interventions = {ablate};
    const auto model =
        std::dynamic_pointer_cast<const TrainedModel>(loadModel(dir.file("model"), settings));
    ASSERT_TRUE(model);
    ASSERT_EQ(model->interventions().size(), 1u);
    EXPECT_TRUE(model->interventions()[0].ablate);
    HeadIntervention cold;
    cold.temperature = 0.0f;
    settings.interventions = {cold};
    EXPECT_THROW(loadModel(dir.file("model"), settings), InputError);
    HeadIntervention missing;
    missing.layer = kLayers;
    EXPECT_THROW(model->withInterventions({missing}), InputError);
}

} // namespace test_trained_what_if
