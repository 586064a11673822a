// The trainer: it learns (bounded by steps, never time), repeats a run bit for bit from its
// seed (also on more threads), pauses between steps, keeps snapshots, races two settings on
// the same data, and saves and loads model folders.

#include "core/base/safetensors_writer.h"
#include "core/training/inference.h"
#include "core/training/model_folder.h"
#include "core/training/train_report.h"
#include "core/training/train_settings.h"
#include "core/training/trainer.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_trainer {

using namespace attnlab::core;
using namespace attnlab::core::training;
using attnlab::core::training::AttentionMaps; // not core::AttentionMaps

namespace {

TrainSettings reverseSettings(int length = 4) {
    TrainSettings s;
    s.task.kind = TaskKind::Reverse;
    s.task.length = length;
    s.task.vocab = 10;
    s.evalEvery = 50;
    s.heldOut = 128;
    s.probe = 16;
    return s;
}

std::vector<double> losses(const Trainer& t) {
    std::vector<double> out;
    for (const StepRecord& r : t.history())
        out.push_back(r.loss);
    return out;
}

TEST(Trainer, LearnsToReverse) {
    Trainer trainer(reverseSettings(4));
    const double before = trainer.evaluations().front().accuracy;
    trainer.run(300);
    const Evaluation& e = trainer.evaluations().back();
    EXPECT_LT(before, 0.3);
    EXPECT_GE(e.accuracy, 0.9) << "held-out accuracy after 300 steps";
    ASSERT_TRUE(e.alignment);
    EXPECT_GE(*e.alignment, 0.8);
    // Greedy decoding (no teacher forcing) writes the reversed sequence of a held-out example.
    const Example& probe = trainer.probeExamples().front();
    EXPECT_EQ(generate(trainer.modelConfig(), trainer.parameters(), probe.source, 4), probe.target);
}

TEST(Trainer, SameSeedSameLossesBitForBit) {
    TrainSettings s = reverseSettings(6);
    s.scoring = ScoringFunction::Additive;
    s.layers = 2;
    s.heads = 2;
    s.dModel = 32;
    s.batch = 16;
    s.ffn = FeedForward::Gelu;
    s.layerNorm = true;
    s.positional = ModelPositional::Rope;
    s.threads = 1;
    constexpr int kSteps = 8;
    Trainer a(s), b(s);
    a.run(kSteps);
    b.run(kSteps);
    EXPECT_EQ(losses(a), losses(b));
    // More threads change the speed only.
    s.threads = 2;
    Trainer c(s);
    c.run(kSteps);
    EXPECT_EQ(losses(a), losses(c));
    // A reset replays the run from its seed.
    a.reset();
    a.run(kSteps);
    EXPECT_EQ(losses(a), losses(b));
    // Another seed gives another run.
    s.seed = 2;
    Trainer d(s);
    d.run(kSteps);
    EXPECT_NE(losses(a), losses(d));
}

TEST(Trainer, PausesBetweenStepsAndContinues) {
    Trainer t(reverseSettings());
    int calls = 0;
    EXPECT_THROW(t.run(10, [&](int done, int) { return ++calls, done < 3; }), Cancelled);
    EXPECT_EQ(t.step(), 3);
    t.run(2);
    EXPECT_EQ(t.step(), 5);
    // Pausing and continuing changes nothing: the same as 5 steps in one go.
    Trainer once(reverseSettings());
    once.run(5);
    EXPECT_EQ(losses(t), losses(once));
}

TEST(Trainer, SnapshotsForTheTimeline) {
    TrainSettings s = reverseSettings();
    s.evalEvery = 10;
    s.layers = 2;
    s.heads = 2;
    Trainer t(s);
    t.run(25);
    std::vector<int> steps;
    for (const Snapshot& snapshot : t.snapshots())
        steps.push_back(snapshot.evaluation.step);
    EXPECT_EQ(steps, (std::vector<int>{0, 10, 20, 25}));
    const Snapshot& last = t.snapshots().back();
    ASSERT_EQ(last.maps.size(), 2u); // two decoder layers, self-attention only
    for (const AttentionMaps& block : last.maps) {
        ASSERT_EQ(block.weights.size(), 2u);
        for (const Matrix& w : block.weights) {
            EXPECT_EQ(w.rows(), 8);
            EXPECT_EQ(w.cols(), 8);
            for (int i = 0; i < 8; ++i)
                EXPECT_NEAR(w.row(i).sum(), 1.0f, 1e-5f); // softmax rows
        }
    }
    EXPECT_EQ(last.evaluation.heads.size(), 4u);
}

TEST(Trainer, HardmaxCannotTrain) {
    TrainSettings s = reverseSettings();
    s.normalizer = Normalizer::Hardmax;
    try {
        Trainer t(s);
        FAIL() << "hardmax must be refused";
    } catch (const CannotTrain& error) {
        EXPECT_NE(std::string(error.what()).find("gradient"), std::string::npos);
    }
}

TEST(Trainer, EncoderDecoderNeedsASource) {
    TrainSettings s = reverseSettings();
    s.task.kind = TaskKind::Induction;
    s.architecture = Architecture::EncoderDecoder;
    EXPECT_THROW(Trainer t(s), InputError);
}

TEST(Race, SameDataForBothSettings) {
    TrainSettings a = reverseSettings();
    TrainSettings b = a;
    Race same(a, b);
    same.run(5);
    EXPECT_EQ(losses(same.first()), losses(same.second()));

    b.scoring = ScoringFunction::Dot;
    Race race(a, b);
    race.run(5);
    EXPECT_EQ(race.first().step(), 5);
    EXPECT_NE(losses(race.first()), losses(race.second()));
    // The first trainer of the race is the plain run of its settings.
    Trainer alone(a);
    alone.run(5);
    EXPECT_EQ(losses(race.first()), losses(alone));

    b.seed = 9;
    EXPECT_THROW(Race(a, b), InputError);
}

class TempFolder {
public:
    TempFolder() {
        m_path = std::filesystem::temp_directory_path() /
                 ("attnlab-training-" +
                  std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
                  ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::remove_all(m_path);
    }
    ~TempFolder() { std::filesystem::remove_all(m_path); }
    std::string path(const std::string& name = {}) const { return (m_path / name).string(); }

private:
    std::filesystem::path m_path;
};

TEST(ModelFolder, SaveAndLoadRoundTrip) {
    TempFolder folder;
    TrainSettings s = reverseSettings();
    s.task.kind = TaskKind::Translation;
    s.scoring = ScoringFunction::General;
    s.ffn = FeedForward::Relu;
    s.layerNorm = true;
    s.heads = 2;
    Trainer t(s);
    t.run(3);
    saveModelFolder(folder.path(), t);
    EXPECT_TRUE(isTrainedModelFolder(folder.path()));
    const SavedModel loaded = loadModelFolder(folder.path());
    EXPECT_EQ(loaded.steps, 3);
    EXPECT_EQ(loaded.vocabulary, t.task().vocabulary().tokens());
    EXPECT_EQ(loaded.config.architecture, Architecture::EncoderDecoder);
    const auto original = parameterViews(t.parameters());
    const auto read = parameterViews(loaded.params);
    ASSERT_EQ(original.size(), read.size());
    for (std::size_t i = 0; i < original.size(); ++i) {
        EXPECT_EQ(original[i].name, read[i].name);
        EXPECT_TRUE(std::equal(original[i].data, original[i].data + original[i].size, read[i].data))
            << original[i].name;
    }
    const Example& probe = t.probeExamples().front();
    const Inference a = runExample(t.modelConfig(), t.parameters(), probe);
    const Inference b = runExample(loaded.config, loaded.params, probe);
    EXPECT_EQ(a.predicted, b.predicted);
    EXPECT_TRUE(a.result.logits == b.result.logits);
}

TEST(ModelFolder, DamagedFilesAreReported) {
    TempFolder folder;
    Trainer t(reverseSettings());
    saveModelFolder(folder.path(), t);
    // A weights file that lacks a tensor.
    {
        std::vector<TensorToWrite> tensors;
        for (const ConstParameterView& view : parameterViews(t.parameters()))
            if (view.name != "output.bias")
                tensors.push_back(safetensorsFromFloats(view.name, view.data, view.shape));
        std::ofstream(folder.path("model.safetensors"), std::ios::binary)
            << serializeSafetensors(tensors);
    }
    try {
        loadModelFolder(folder.path());
        FAIL();
    } catch (const InputError& error) {
        EXPECT_NE(std::string(error.what()).find("output.bias"), std::string::npos) << error.what();
    }
    // A truncated weights file.
    std::ofstream(folder.path("model.safetensors"), std::ios::binary) << "\x10\0\0";
    EXPECT_THROW(loadModelFolder(folder.path()), InputError);
    // Not a trained model.
    std::ofstream(folder.path("config.json")) << R"({"architecture": "GPT2LMHeadModel"})";
    EXPECT_FALSE(isTrainedModelFolder(folder.path()));
    EXPECT_THROW(loadModelFolder(folder.path()), InputError);
    EXPECT_THROW(loadModelFolder(folder.path("missing")), FileError);
}

TEST(TrainSettings, TableDefaultsAreTheStructDefaults) {
    const TrainSettings defaults;
    for (const TrainSettingInfo& info : trainSettingsTable())
        EXPECT_EQ(trainSettingValue(defaults, info.option), info.defaultValue) << info.option;
}

TEST(TrainSettings, EveryOptionRoundTrips) {
    TrainSettings s;
    const std::vector<std::pair<std::string, std::string>> values = {
        {"task", "shift"},
        {"length", "12"},
        {"vocab", "7"},
        {"shift", "3"},
        {"corpus", "english"},
        {"architecture", "encoder-decoder"},
        {"layers", "3"},
        {"heads", "4"},
        {"d-model", "32"},
        {"d-a", "5"},
        {"ffn", "gelu"},
        {"ffn-hidden", "40"},
        {"layernorm", "on"},
        {"scoring", "cosine"},
        {"normalizer", "sparsemax"},
        {"positional", "alibi"},
        {"mask", "window:3"},
        {"temperature", "0.5"},
        {"cosine-scale", "7.5"},
        {"lr", "0.002"},
        {"beta1", "0.8"},
        {"beta2", "0.99"},
        {"epsilon", "1e-07"},
        {"weight-decay", "0.01"},
        {"warmup", "20"},
        {"clip", "0.5"},
        {"steps", "77"},
        {"batch", "9"},
        {"seed", "18446744073709551615"},
        {"eval-every", "11"},
        {"heldout", "40"},
        {"probe", "4"},
        {"threads", "2"},
        {"save", "out dir"},
        {"log", "curve.csv"},
        {"summary", "s.json"},
        {"gif", "learning.gif"},
        {"strip", "strip.png"},
        {"strip-steps", "0,10,77"}};
    EXPECT_EQ(values.size(), trainSettingsTable().size());
    for (const auto& [option, value] : values)
        applyTrainSetting(s, option, value);
    for (const auto& [option, value] : values)
        EXPECT_EQ(trainSettingValue(s, option), value) << option;
    const TrainSettings back = trainSettingsFromJson(toJson(s));
    for (const auto& [option, value] : values)
        EXPECT_EQ(trainSettingValue(back, option), value) << option;
}

TEST(TrainSettings, BadValuesNameTheOption) {
    TrainSettings s;
    const std::vector<std::pair<std::string, std::string>> bad = {
        {"layers", "5"},     {"heads", "0"},   {"lr", "abc"},
        {"scoring", "dott"}, {"mask", "none"}, {"layernorm", "maybe"},
        {"seed", "-1"},      {"steps", "1.5"}, {"no-such", "1"}};
    for (const auto& [option, value] : bad) {
        try {
            applyTrainSetting(s, option, value);
            ADD_FAILURE() << option << " " << value;
        } catch (const InputError& error) {
            EXPECT_EQ(std::string(error.what()).rfind("--" + option + ":", 0), 0u) << error.what();
        }
    }
    s.heads = 3;
    EXPECT_THROW(validate(s), InputError);
}

TEST(TrainReport, LogAndSummary) {
    TrainSettings s = reverseSettings();
    s.evalEvery = 2;
    Trainer a(s), b(s);
    a.run(4);
    b.run(4);
    const std::string csv = trainingLogCsv(a);
    EXPECT_EQ(csv, trainingLogCsv(b)); // a repeated run writes the same file
    EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 5);
    EXPECT_EQ(csv.rfind("step,loss,", 0), 0u);
    const auto summary = trainingSummary(a, 2.0);
    EXPECT_EQ(summary["task"], "reverse");
    EXPECT_EQ(summary["steps"], 4);
    EXPECT_EQ(summary["seconds"], 2.0);
    EXPECT_EQ(summary["final_loss"], a.evaluations().back().loss);
    EXPECT_EQ(summary["accuracy"], a.evaluations().back().accuracy);
    EXPECT_TRUE(summary["alignment"].is_number());
    s.task.kind = TaskKind::Language;
    Trainer language(s);
    language.run(1);
    EXPECT_TRUE(trainingSummary(language, 1.0)["alignment"].is_null());
}

} // namespace

} // namespace test_trainer
