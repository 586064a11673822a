// A model trained by the program behind the model seam: saved as a model folder (config.json,
// vocab.json, model.safetensors), reopened through the loader that --model and File → Open Model
// use, it shows the trainer's own attention maps on the typed tokens, writes its answer, and
// reports what it cannot read.

#include "core/trained/model_loader.h"
#include "core/trained/trained_model.h"
#include "core/training/inference.h"
#include "core/training/trainer.h"
#include "support/training_fixtures.h"
#include "test_support.h"

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_trained_model {

using namespace attnlab::core;
using namespace attnlab::core::training;
// linear)
using attnlab::testing::readFile;
using attnlab::testing::smallTrainSettings;
using attnlab::testing::TempDir;
using attnlab::testing::writeFile;

namespace {

// The trainer's kinds of attention block (self, cross), not the core's ways of computing weights.
using attnlab::core::training::AttentionKind;

// The text of the probe example's first decoder (and encoder) tokens, as typed.
std::string typed(const Trainer& trainer, bool encoder) {
    const LaidOutBatch& probe = trainer.probe();
    const std::vector<std::string> tokens =
        encoder ? encoderTokens(probe, trainer.task().vocabulary(), 0)
                : decoderTokens(probe, trainer.task().vocabulary(), 0);
    std::string text;
    const int length = encoder ? static_cast<int>(trainer.probeExamples()[0].source.size())
                               : probe.decoderLengths[0];
    for (int i = 0; i < length; ++i)
        text += (text.empty() ? "" : " ") + tokens[static_cast<std::size_t>(i)];
    return text;
}

std::shared_ptr<const TrainedModel> saveAndReopen(const Trainer& trainer, const TempDir& dir) {
    saveModelFolder(dir.file("model"), trainer);
    const std::shared_ptr<const Model> model = loadModel(dir.file("model"));
    auto trained = std::dynamic_pointer_cast<const TrainedModel>(model);
    EXPECT_TRUE(trained) << "the loader must recognise a trained model";
    return trained;
}

ModelOutput runOn(const Model& model, const std::string& sentence) {
    Config config;
    config.sentence = sentence;
    return model.run(config);
}

// Every map of `kind` in the trainer's last snapshot (example 0, cut to n_q × n_k) equals the
// reopened model's map of the same layer and head.
void expectSameMaps(const Trainer& trainer, const attnlab::core::AttentionMaps& maps,
                    AttentionKind kind) {
    const Snapshot& snapshot = trainer.snapshots().back();
    ASSERT_EQ(snapshot.evaluation.step, trainer.step());
    int layer = 0;
    for (const training::AttentionMaps& block : snapshot.maps) {
        if (block.kind != kind)
            continue;
        for (int h = 0; h < block.heads; ++h) {
            const Matrix expected = block.weights[static_cast<std::size_t>(h)].topLeftCorner(
                maps.queries(), maps.keys());
            EXPECT_EIGEN_NEAR(maps.weightsOf(layer, h), expected, 1e-5)
                << "layer " << layer << " head " << h;
        }
        ++layer;
    }
    EXPECT_EQ(layer, maps.layers);
}

} // namespace

TEST(TrainedModel, TheFolderHoldsConfigVocabularyAndWeights) {
    TempDir dir;
    Trainer trainer(smallTrainSettings(TaskKind::Reverse, 1, 1));
    trainer.run(3);
    saveModelFolder(dir.file("model"), trainer);
    const nlohmann::json config = nlohmann::json::parse(readFile(dir.file("model/config.json")));
    EXPECT_EQ(config.at("architecture"), "AttentionLabTransformer");
    EXPECT_EQ(config.at("format_version"), 2);
    EXPECT_EQ(config.at("vocabulary_file"), "vocab.json");
    EXPECT_FALSE(config.contains("vocabulary"));
    const nlohmann::json vocabulary = nlohmann::json::parse(readFile(dir.file("model/vocab.json")));
    EXPECT_EQ(vocabulary.get<std::vector<std::string>>(), trainer.task().vocabulary().tokens());
    EXPECT_EQ(config.at("vocab_size"), vocabulary.size());
    EXPECT_TRUE(isTrainedModel(dir.file("model")));
    EXPECT_FALSE(isTrainedModel(dir.file("missing")));
}

TEST(TrainedModel, ShowsTheTrainersMapsOnTheTypedTokens) {
    // Decoder-only, two layers of two heads: the reopened model run on the probe example's
    // tokens (typed with their <s>) gives the maps of the trainer's own forward pass.
    TempDir dir;
    Trainer trainer(smallTrainSettings(TaskKind::Reverse, 2, 2));
    trainer.run(30);
    const auto model = saveAndReopen(trainer, dir);
    ASSERT_TRUE(model);
    const std::string sentence = typed(trainer, false);
    const ModelOutput output = runOn(*model, sentence);
    const attnlab::core::AttentionMaps& maps = output.maps;
    EXPECT_EQ(maps.layers, 2);
    EXPECT_EQ(maps.heads, 2);
    EXPECT_FALSE(maps.cross);
    ASSERT_EQ(maps.queries(), trainer.probe().decoderLengths[0]);
    expectSameMaps(trainer, maps, training::AttentionKind::DecoderSelf);
    // The axes are the typed tokens, in the sentence's bytes.
    for (const MapToken& token : maps.queryTokens)
        EXPECT_EQ(sentence.substr(token.begin, token.end - token.begin), token.text);
    EXPECT_TRUE(maps.rollout.has_value());
    EXPECT_FALSE(output.capabilities.attentionSettings);
    EXPECT_TRUE(output.capabilities.causal);
    ASSERT_TRUE(output.transformer);
    EXPECT_EQ(output.transformer->architecture, "AttentionLabTransformer");
    EXPECT_EQ(output.model, "model");
    // Causal: nothing above the diagonal.
    for (int i = 0; i < maps.queries(); ++i)
        for (int j = i + 1; j < maps.keys(); ++j)
            EXPECT_FALSE(maps.allowed(i, j));
}

TEST(TrainedModel, WritesItsAnswerToATypedSource) {
    TempDir dir;
    Trainer trainer(smallTrainSettings(TaskKind::Reverse, 1, 1));
    trainer.run(20);
    const auto model = saveAndReopen(trainer, dir);
    ASSERT_TRUE(model);
    const Example& probe = trainer.probeExamples()[0];
    std::string sentence;
    for (int id : probe.source)
        sentence += (sentence.empty() ? "" : " ") + trainer.task().vocabulary().token(id);
    const std::vector<int> written = generate(trainer.modelConfig(), trainer.parameters(),
                                              probe.source, trainer.task().maxTargetLength());
    // The model reads at most |source| + |target| positions, as it was trained: "source <s>"
    // and all of the answer but its last token, whose row would predict past the end.
    std::vector<int> expected = probe.source;
    expected.push_back(Vocabulary::kStart);
    expected.insert(expected.end(), written.begin(), written.end());
    expected.resize(std::min<std::size_t>(expected.size(), trainer.modelConfig().maxPositions));
    const TrainedInput input = model->inputFor(sentence);
    EXPECT_EQ(input.decoderTokens, expected);
    EXPECT_EQ(input.written, static_cast<int>(expected.size() - probe.source.size() - 1));
    const ModelOutput output = runOn(*model, sentence);
    ASSERT_EQ(output.maps.queries(), static_cast<int>(expected.size()));
    const std::size_t start = probe.source.size();
    EXPECT_EQ(output.maps.queryTokens[start].text, "<s>");
    EXPECT_TRUE(output.maps.queryTokens[start].special);
    for (std::size_t i = 0; i < static_cast<std::size_t>(input.written); ++i)
        EXPECT_EQ(output.maps.queryTokens[start + 1 + i].text,
                  trainer.task().vocabulary().token(written[i]));
    // Rows are distributions (softmax) over the visible keys.
    for (const Matrix& w : output.maps.weights)
        for (int i = 0; i < w.rows(); ++i)
            EXPECT_NEAR(w.row(i).sum(), 1.0f, 1e-5f);
    ASSERT_EQ(output.predictions.size(), 1u);
    EXPECT_FALSE(output.predictions[0].top.empty());
}

TEST(TrainedModel, EncoderDecoderShowsItsCrossAttention) {
    TempDir dir;
    TrainSettings s = smallTrainSettings(TaskKind::Translation, 1, 2);
    Trainer trainer(s);
    trainer.run(10);
    const auto model = saveAndReopen(trainer, dir);
    ASSERT_TRUE(model);
    const std::string sentence = typed(trainer, true) + " <s> " + [&] {
        // The decoder's tokens after <s>.
        const std::string all = typed(trainer, false);
        return all.substr(all.find(' ') == std::string::npos ? all.size() : all.find(' ') + 1);
    }();
    const ModelOutput output = runOn(*model, sentence);
    EXPECT_TRUE(output.maps.cross);
    EXPECT_EQ(output.maps.keys(), static_cast<int>(trainer.probeExamples()[0].source.size()));
    EXPECT_EQ(output.maps.queries(), trainer.probe().decoderLengths[0]);
    expectSameMaps(trainer, output.maps, training::AttentionKind::Cross);
    EXPECT_FALSE(output.capabilities.causal);
}

TEST(TrainedModel, TasksWithoutASourceReadTheSentenceAfterStart) {
    TempDir dir;
    Trainer trainer(smallTrainSettings(TaskKind::Induction, 2, 1));
    trainer.run(5);
    const auto model = saveAndReopen(trainer, dir);
    ASSERT_TRUE(model);
    const TrainedInput input = model->inputFor("1 2 3 1");
    const Vocabulary& v = trainer.task().vocabulary();
    EXPECT_EQ(input.decoderTokens,
              (std::vector<int>{Vocabulary::kStart, v.id("1"), v.id("2"), v.id("3"), v.id("1")}));
    EXPECT_EQ(input.written, 0);
}

TEST(TrainedModel, CharacterModelsReadCharacters) {
    TempDir dir;
    TrainSettings s = smallTrainSettings(TaskKind::Language, 1, 1);
    s.task.length = 12;
    s.task.vocab = 0;
    Trainer trainer(s);
    const auto model = saveAndReopen(trainer, dir);
    ASSERT_TRUE(model);
    const std::string sentence = "床前明月光";
    const ModelOutput output = runOn(*model, sentence);
    ASSERT_EQ(output.maps.queries(), 6); // <s> and five characters
    EXPECT_EQ(output.maps.queryTokens[0].text, "<s>");
    EXPECT_EQ(output.maps.queryTokens[1].text, "床");
    EXPECT_EQ(output.maps.queryTokens[1].begin, 0u);
    EXPECT_EQ(output.maps.queryTokens[5].end, sentence.size());
}

TEST(TrainedModel, UnknownTokensAreMarkedAndWarnedAbout) {
    TempDir dir;
    Trainer trainer(smallTrainSettings(TaskKind::Induction, 1, 1));
    const auto model = saveAndReopen(trainer, dir);
    ASSERT_TRUE(model);
    const ModelOutput output = runOn(*model, "1 cat 2");
    ASSERT_EQ(output.maps.queries(), 4);
    EXPECT_FALSE(output.maps.queryTokens[1].unknown);
    EXPECT_TRUE(output.maps.queryTokens[2].unknown);
    EXPECT_EQ(output.maps.queryTokens[2].text, "cat");
    EXPECT_EQ(output.maps.warnings.size(), 1u);
}

TEST(TrainedModel, RefusesEmptyAndTooLongSentences) {
    TempDir dir;
    Trainer trainer(smallTrainSettings(TaskKind::Induction, 1, 1)); // at most 2 × 5 + <s> positions
    const auto model = saveAndReopen(trainer, dir);
    ASSERT_TRUE(model);
    EXPECT_THROW(runOn(*model, "   "), InputError);
    EXPECT_NO_THROW(runOn(*model, "1 2 3 4 5 1 2 3 4"));
    EXPECT_THROW(runOn(*model, "1 2 3 4 5 1 2 3 4 5 1"), InputError);
}

TEST(ModelLoader, TrainedModelsTakeHeadInterventions) {
    TempDir dir;
    Trainer trainer(smallTrainSettings(TaskKind::Reverse, 1, 1));
    saveModelFolder(dir.file("model"), trainer);
    TransformerSettings settings;
    HeadIntervention ablate;
    ablate.ablate = true;
    settings.interventions.push_back(ablate);
    const auto trained =
        std::dynamic_pointer_cast<const TrainedModel>(loadModel(dir.file("model"), settings));
    ASSERT_TRUE(trained);
    EXPECT_EQ(trained->interventions().size(), 1u);
    // A change the model cannot take is refused when it loads.
    settings.interventions.front().layer = 1;
    EXPECT_THROW(loadModel(dir.file("model"), settings), InputError);
    // Another folder goes to the pretrained loader, which names what is missing.
    EXPECT_THROW(loadModel(dir.file("missing")), FileError);
}

TEST(ModelLoader, FolderOfTheFirstFormatStillOpens) {
    // Format 1 kept the vocabulary in config.json.
    TempDir dir;
    Trainer trainer(smallTrainSettings(TaskKind::Reverse, 1, 1));
    trainer.run(2);
    saveModelFolder(dir.file("model"), trainer);
    nlohmann::json config = nlohmann::json::parse(readFile(dir.file("model/config.json")));
    config["format_version"] = 1;
    config["vocabulary"] = trainer.task().vocabulary().tokens();
    config.erase("vocabulary_file");
    config.erase("vocab_size");
    writeFile(dir.file("model/config.json"), config.dump());
    std::filesystem::remove(dir.file("model/vocab.json"));
    const auto model = std::dynamic_pointer_cast<const TrainedModel>(loadModel(dir.file("model")));
    ASSERT_TRUE(model);
    EXPECT_EQ(model->saved().vocabulary, trainer.task().vocabulary().tokens());
    // A vocabulary that does not match config.json is reported, naming the file.
    saveModelFolder(dir.file("other"), trainer);
    writeFile(dir.file("other/vocab.json"), R"(["<pad>", "<s>"])");
    try {
        loadModel(dir.file("other"));
        FAIL() << "a short vocabulary must be refused";
    } catch (const InputError& error) {
        EXPECT_NE(std::string(error.what()).find("vocab.json"), std::string::npos) << error.what();
    }
}

} // namespace test_trained_model
