// The pretrained engine against reference models written by make_models.py (tiny random GPT-2,
// BERT and Llama-family models in the hubs' layout, references computed in PyTorch in float64 on
// exactly the stored weights): every layer's attention weights, the final hidden states and the
// prediction logits, for the plain model and under interventions; then the properties of runs
// and the messages of broken model folders.
//
// Tolerances: 1e-4 for F32 weights. F16 and BF16 weights are compared at 2e-4: the reference
// uses the same rounded weights, so only float32 rounding in a longer chain of products differs.

#include "core/attention/rollout.h"
#include "core/base/file_io.h"
#include "core/base/npy.h"
#include "core/pretrained/linear_product.h"
#include "core/pretrained/pretrained_model.h"

#include "eigen_testing.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <thread>

#include <sys/stat.h>

using namespace attnlab::core;
namespace fs = std::filesystem;

namespace {

const std::string kRoot = ATTNLAB_PRETRAINED_FIXTURES;

// Why the fixtures are not there, or empty when they are.
std::string missingFixtures() {
    const fs::path status = fs::path(kRoot) / "status.json";
    if (!fs::exists(status))
        return "the fixture script did not run (" + status.string() + " is missing)";
    const auto json = nlohmann::json::parse(readFileBytes(status.string(), 1 << 20));
    if (!json.value("torch", false))
        return "PyTorch and NumPy (for /usr/bin/python3) are needed for the reference models: " +
               json.value("reason", std::string("unknown reason"));
    return {};
}

#define REQUIRE_REFERENCE_MODELS()                                                                 \
    do {                                                                                           \
        const std::string why = missingFixtures();                                                 \
        if (!why.empty())                                                                          \
            GTEST_SKIP() << "skipped: " << why;                                                    \
    } while (false)

std::string folderOf(const std::string& variant) {
    return (fs::path(kRoot) / variant).string();
}

nlohmann::json caseOf(const std::string& variant) {
    const fs::path path = fs::path(kRoot) / variant / "reference" / "case.json";
    return nlohmann::json::parse(readFileBytes(path.string(), 1 << 20));
}

NpyArray readNpy(const std::string& variant, const std::string& file) {
    const fs::path path = fs::path(kRoot) / variant / "reference" / file;
    return parseNpy(readFileBytes(path.string(), 1u << 30), path.string());
}

// Rows × cols of an .npy array starting at value `offset`.
Matrix slice(const NpyArray& array, std::size_t offset, Eigen::Index rows, Eigen::Index cols) {
    return Eigen::Map<const Matrix>(array.data.data() + offset, rows, cols);
}

HeadIntervention interventionOf(const nlohmann::json& json) {
    HeadIntervention change;
    change.layer = json.at("layer").get<int>();
    change.head = json.at("head").get<int>();
    if (json.contains("normalizer"))
        change.normalizer = parseNormalizer(json.at("normalizer").get<std::string>());
    if (json.contains("temperature"))
        change.temperature = json.at("temperature").get<float>();
    if (json.contains("mask"))
        change.mask = parseMask(json.at("mask").get<std::string>());
    change.ablate = json.value("ablate", false);
    return change;
}

RunRequest requestOf(const nlohmann::json& test, const nlohmann::json& run) {
    RunRequest request;
    request.tokenIds = test.at("input_ids").get<std::vector<int>>();
    request.tokenTypeIds = test.at("token_type_ids").get<std::vector<int>>();
    request.maskTokenId = test.at("mask_token_id").get<int>();
    request.predictPosition = test.at("predict_position").get<int>();
    request.topK = 5;
    for (const auto& change : run.at("interventions"))
        request.interventions.push_back(interventionOf(change));
    return request;
}

std::shared_ptr<const PretrainedModel> loadVariant(const std::string& variant) {
    return PretrainedModel::load(folderOf(variant));
}

// The message of the exception `load` throws, or "no error".
template <typename Error> std::string loadError(const std::string& folder) {
    try {
        PretrainedModel::load(folder);
    } catch (const Error& error) {
        return error.what();
    } catch (const std::exception& other) {
        return std::string("another exception: ") + other.what();
    }
    return "no error";
}

class ReferenceModel : public ::testing::TestWithParam<std::string> {};

TEST_P(ReferenceModel, MatchesTheReferenceLayerByLayer) {
    REQUIRE_REFERENCE_MODELS();
    const std::string variant = GetParam();
    const nlohmann::json test = caseOf(variant);
    const auto model = loadVariant(variant);
    const ModelInfo& info = model->info();
    EXPECT_EQ(info.architecture, test.at("architecture").get<std::string>());
    EXPECT_EQ(info.weightsDtype, test.at("dtype").get<std::string>());
    EXPECT_EQ(info.hasPredictions, test.at("has_predictions").get<bool>());
    const double tolerance = test.at("dtype") == "F32" ? 1e-4 : 2e-4;
    const int n = static_cast<int>(test.at("input_ids").size());

    // Each run twice: every position computed, then (causal models) after a run of the first
    // half of the ids, so that the second half is computed from the projections it kept.
    for (const auto& run : test.at("runs"))
        for (const bool afterHalf : {false, true}) {
            const std::string name = run.at("name").get<std::string>();
            SCOPED_TRACE(variant + ", run " + name + (afterHalf ? ", after its first half" : ""));
            RunRequest request = requestOf(test, run);
            request.reusePrefix = afterHalf;
            if (afterHalf) {
                RunRequest half = request;
                half.tokenIds.resize(static_cast<std::size_t>(n / 2));
                if (!half.tokenTypeIds.empty())
                    half.tokenTypeIds.resize(static_cast<std::size_t>(n / 2));
                half.predictPosition = -1;
                model->run(half);
            }
            const TransformerRun result = model->run(request);
            EXPECT_EQ(result.reusedPositions, afterHalf && info.causal ? n / 2 : 0);
            ASSERT_EQ(result.attentions.size(), static_cast<std::size_t>(info.layers));
            for (int l = 0; l < info.layers; ++l) {
                const NpyArray expected =
                    readNpy(variant, name + "_attn_" + std::to_string(l) + ".npy");
                ASSERT_EQ(expected.shape, (std::vector<std::int64_t>{info.heads, n, n}));
                ASSERT_EQ(result.attentions[l].size(), static_cast<std::size_t>(info.heads));
                for (int h = 0; h < info.heads; ++h) {
                    SCOPED_TRACE("layer " + std::to_string(l) + " head " + std::to_string(h));
                    EXPECT_EIGEN_NEAR(result.attentions[l][h],
                                      slice(expected, static_cast<std::size_t>(h) * n * n, n, n),
                                      tolerance);
                }
            }
            const NpyArray hidden = readNpy(variant, name + "_hidden.npy");
            EXPECT_EIGEN_NEAR(result.hidden, slice(hidden, 0, n, info.dModel), tolerance);

            if (!info.hasPredictions) {
                EXPECT_TRUE(result.predictions.empty());
                continue;
            }
            const auto positions = test.at("prediction_positions").get<std::vector<int>>();
            const NpyArray logits = readNpy(variant, name + "_logits.npy");
            const auto rows = static_cast<Eigen::Index>(positions.size());
            const Matrix expectedLogits = slice(logits, 0, rows, info.vocabSize);
            EXPECT_EIGEN_NEAR(result.logits, expectedLogits, tolerance);
            ASSERT_EQ(result.predictions.size(), positions.size());
            for (Eigen::Index r = 0; r < rows; ++r) {
                const PositionPrediction& prediction =
                    result.predictions[static_cast<std::size_t>(r)];
                EXPECT_EQ(prediction.position, positions[static_cast<std::size_t>(r)]);
                ASSERT_EQ(prediction.top.size(), 5u);
                Eigen::Index best = 0;
                expectedLogits.row(r).maxCoeff(&best);
                EXPECT_EQ(prediction.top.front().tokenId, best);
                // The probability is the softmax over the whole vocabulary.
                const Eigen::RowVectorXd row = expectedLogits.row(r).cast<double>();
                const double sum = (row.array() - row.maxCoeff()).exp().sum();
                EXPECT_NEAR(prediction.top.front().probability, 1.0 / sum, 1e-4);
                for (std::size_t k = 1; k < prediction.top.size(); ++k)
                    EXPECT_GE(prediction.top[k - 1].logit, prediction.top[k].logit);
            }
        }
}

INSTANTIATE_TEST_SUITE_P(
    Pretrained, ReferenceModel,
    ::testing::Values("gpt2_lmhead_f32", "gpt2_model_f16", "gpt2_lmhead_bf16_sharded",
                      "gpt2_untied_f32", "bert_mlm_f32", "bert_model_gamma_f16",
                      "bert_pretraining_bf16_sharded", "bert_untied_f32", "llama_gqa_f32",
                      "llama_headdim_f16", "qwen2_tied_bf16_sharded", "mistral_model_f32",
                      "gpt2_wide_f32", "llama_wide_f32"),
    [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

TEST(PretrainedFixtures, EveryVariantIsTested) {
    REQUIRE_REFERENCE_MODELS();
    const auto listed =
        nlohmann::json::parse(readFileBytes((fs::path(kRoot) / "variants.json").string(), 1 << 20));
    EXPECT_EQ(listed.size(), 14u) << "make_models.py and the instantiation above disagree";
}

TEST(PretrainedModelInfo, DescribesTheArchitecture) {
    REQUIRE_REFERENCE_MODELS();
    const auto llama = loadVariant("llama_gqa_f32");
    EXPECT_EQ(llama->info().family, TransformerFamily::Llama);
    EXPECT_EQ(llama->info().heads, 4);
    EXPECT_EQ(llama->info().kvHeads, 2);
    EXPECT_EQ(llama->info().headDim, 8);
    EXPECT_EQ(llama->info().bosTokenId, 1);
    EXPECT_EQ(llama->info().convertedBytes, 0u); // F32 is used in place
    EXPECT_GT(llama->info().fileBytes, 0u);
    // The linear layers' weights are packed for the vector kernels where these run: all of
    // them, a whole number of 48-column panels each.
    const bool packs = pretrained::vectorProductAvailable();
    EXPECT_EQ(llama->info().packedBytes > 0, packs);
    if (packs) {
        EXPECT_EQ(llama->info().packedBytes % (48 * sizeof(float)), 0u);
        EXPECT_LT(llama->info().packedBytes, 2 * llama->info().fileBytes);
    }
    const auto wide = loadVariant("llama_headdim_f16");
    EXPECT_EQ(wide->info().headDim, 16);
    EXPECT_GT(wide->info().convertedBytes, 0u); // F16 is converted once
    EXPECT_EQ(wide->info().packedBytes > 0, packs);
    EXPECT_DOUBLE_EQ(wide->config().ropeLinearFactor, 2.0);
    const auto bert = loadVariant("bert_model_gamma_f16");
    EXPECT_FALSE(bert->info().causal);
    EXPECT_EQ(bert->info().typeVocabSize, 2);
    EXPECT_FALSE(bert->info().hasPredictions);
    EXPECT_EQ(bert->info().padTokenId, 0);
    EXPECT_EQ(bert->attentionBytes(10), 3u * 4u * 100u * sizeof(float));
}

// Property checks on the F32 models of the three families; the wide ones are large enough for
// the engine to share their products and heads out between threads.
class RunProperties : public ::testing::TestWithParam<std::string> {};

TEST_P(RunProperties, NeutralInterventionsAreBitIdentical) {
    REQUIRE_REFERENCE_MODELS();
    const auto model = loadVariant(GetParam());
    const nlohmann::json test = caseOf(GetParam());
    const RunRequest plain = requestOf(test, test.at("runs").at(0));
    const TransformerRun reference = model->run(plain);
    RunRequest neutral = plain;
    HeadIntervention change;
    change.layer = 1;
    change.head = -1;
    change.normalizer = Normalizer::Softmax;
    change.temperature = 1.0f;
    change.mask = MaskSpec{};
    neutral.interventions = {change};
    const TransformerRun same = model->run(neutral);
    for (std::size_t l = 0; l < reference.attentions.size(); ++l)
        for (std::size_t h = 0; h < reference.attentions[l].size(); ++h)
            EXPECT_TRUE(same.attentions[l][h] == reference.attentions[l][h]) << l << ", " << h;
    EXPECT_TRUE(same.hidden == reference.hidden);
    EXPECT_TRUE(same.logits == reference.logits);
}

TEST_P(RunProperties, AnInterventionChangesOnlyLaterLayers) {
    REQUIRE_REFERENCE_MODELS();
    const auto model = loadVariant(GetParam());
    const nlohmann::json test = caseOf(GetParam());
    const RunRequest plain = requestOf(test, test.at("runs").at(0));
    const TransformerRun reference = model->run(plain);
    for (const Normalizer normalizer :
         {Normalizer::Sparsemax, Normalizer::Hardmax, Normalizer::Relu}) {
        RunRequest swapped = plain;
        HeadIntervention change;
        change.layer = 0;
        change.normalizer = normalizer;
        swapped.interventions = {change};
        const TransformerRun changed = model->run(swapped);
        SCOPED_TRACE(std::string(toString(normalizer)));
        // Layer 1 shows the new normaliser; layer 2 (which sees layer 1's output) changes too.
        EXPECT_FALSE(changed.attentions[0][0] == reference.attentions[0][0]);
        EXPECT_GT((changed.attentions[1][0] - reference.attentions[1][0]).cwiseAbs().maxCoeff(),
                  1e-4f);
        EXPECT_GT((changed.hidden - reference.hidden).cwiseAbs().maxCoeff(), 1e-4f);
    }
    // Ablating a head leaves its own weights and all earlier layers bit-identical.
    RunRequest ablated = plain;
    HeadIntervention ablate;
    ablate.layer = 1;
    ablate.head = 2;
    ablate.ablate = true;
    ablated.interventions = {ablate};
    const TransformerRun changed = model->run(ablated);
    for (std::size_t h = 0; h < reference.attentions[0].size(); ++h) {
        EXPECT_TRUE(changed.attentions[0][h] == reference.attentions[0][h]);
        EXPECT_TRUE(changed.attentions[1][h] == reference.attentions[1][h]);
    }
    EXPECT_GT((changed.attentions[2][0] - reference.attentions[2][0]).cwiseAbs().maxCoeff(), 0.0f);
}

TEST_P(RunProperties, ReusedResultsAndConcurrentRunsAgree) {
    REQUIRE_REFERENCE_MODELS();
    const auto model = loadVariant(GetParam());
    const nlohmann::json test = caseOf(GetParam());
    // Every position computed in each run (the reuse of a prefix is tested below).
    RunRequest request = requestOf(test, test.at("runs").at(0));
    request.reusePrefix = false;
    const TransformerRun reference = model->run(request);

    // A shorter input into the same result, then the original again: same numbers as fresh runs.
    TransformerRun reused;
    RunRequest shorter = request;
    shorter.tokenIds.resize(5);
    if (!shorter.tokenTypeIds.empty())
        shorter.tokenTypeIds.resize(5);
    model->run(shorter, reused);
    EXPECT_EQ(reused.attentions[0][0].rows(), 5);
    model->run(request, reused);
    EXPECT_TRUE(reused.hidden == reference.hidden);
    EXPECT_TRUE(reused.attentions.back().back() == reference.attentions.back().back());

    // Runs on several threads at once share the model.
    std::vector<TransformerRun> results(4);
    std::vector<std::thread> threads;
    for (auto& result : results)
        threads.emplace_back([&] { model->run(request, result); });
    for (auto& thread : threads)
        thread.join();
    for (const auto& result : results) {
        EXPECT_TRUE(result.hidden == reference.hidden);
        EXPECT_TRUE(result.attentions[1][1] == reference.attentions[1][1]);
    }

    // One thread computes the same numbers (the products' summation order does not depend on
    // how their blocks are shared out).
    RunRequest single = request;
    single.threads = 1;
    const TransformerRun singleRun = model->run(single);
    EXPECT_EIGEN_NEAR(singleRun.hidden, reference.hidden, 1e-6);
    EXPECT_EIGEN_NEAR(singleRun.logits, reference.logits, 1e-6);

    // Without the attentions the hidden states are the same.
    RunRequest lean = request;
    lean.keepAttentions = false;
    const TransformerRun leanRun = model->run(lean);
    EXPECT_TRUE(leanRun.attentions.empty());
    EXPECT_TRUE(leanRun.hidden == reference.hidden);
}

// What a causal model keeps of a run for the next (RunRequest::reusePrefix): the positions a
// run shares with an earlier one are taken from it, and the result agrees with a run of every
// position within float rounding (the products run on fewer rows, in another order).
TEST_P(RunProperties, AKeptPrefixIsReusedOnlyWhereItHolds) {
    REQUIRE_REFERENCE_MODELS();
    const auto model = loadVariant(GetParam());
    const bool causal = model->info().causal;
    const nlohmann::json test = caseOf(GetParam());
    RunRequest full = requestOf(test, test.at("runs").at(0));
    full.predictPosition = -1;
    const int n = static_cast<int>(full.tokenIds.size());
    ASSERT_GE(n, 6);
    const auto ids = full.tokenIds;
    const auto withIds = [&](std::vector<int> tokens) {
        RunRequest request = full;
        if (!request.tokenTypeIds.empty())
            request.tokenTypeIds.assign(tokens.size(), 0);
        request.tokenIds = std::move(tokens);
        return request;
    };
    // Every position computed, by a model of its own (whose runs leave this one's alone): what
    // a reused run must agree with.
    const auto other = loadVariant(GetParam());
    const auto fresh = [&](RunRequest request) {
        request.reusePrefix = false;
        return other->run(request);
    };
    const auto expectAgrees = [](const TransformerRun& got, const TransformerRun& expected) {
        ASSERT_EQ(got.attentions.size(), expected.attentions.size());
        for (std::size_t l = 0; l < got.attentions.size(); ++l)
            for (std::size_t h = 0; h < got.attentions[l].size(); ++h)
                EXPECT_EIGEN_NEAR(got.attentions[l][h], expected.attentions[l][h], 1e-5)
                    << "layer " << l << " head " << h;
        EXPECT_EIGEN_NEAR(got.hidden, expected.hidden, 1e-5);
        EXPECT_EIGEN_NEAR(got.logits, expected.logits, 1e-4);
    };
    const std::vector<int> shorter(ids.begin(), ids.end() - 2);

    // Typing at the end: the two new positions only.
    model->run(withIds(shorter));
    const TransformerRun typed = model->run(full);
    EXPECT_EQ(typed.reusedPositions, causal ? n - 2 : 0);
    expectAgrees(typed, fresh(full));

    // Deleting at the end: nothing to compute but the attention of the kept positions.
    const TransformerRun deleted = model->run(withIds(shorter));
    EXPECT_EQ(deleted.reusedPositions, causal ? n - 2 : 0);
    expectAgrees(deleted, fresh(withIds(shorter)));

    // An edit in the middle: the positions before it.
    std::vector<int> edited = ids;
    edited[3] = (edited[3] + 1) % model->info().vocabSize;
    model->run(full);
    const TransformerRun middle = model->run(withIds(edited));
    EXPECT_EQ(middle.reusedPositions, causal ? 3 : 0);
    expectAgrees(middle, fresh(withIds(edited)));

    // Another intervention: nothing of a run without it. A window mask of another width: the
    // query rows that see the same keys under both (|i − j| ≤ 2 and ≤ 3 differ from row 3 on).
    RunRequest windowed = full;
    HeadIntervention window;
    window.layer = 1;
    window.head = 0;
    window.mask = parseMask("window:2");
    windowed.interventions = {window};
    model->run(full);
    EXPECT_EQ(model->run(windowed).reusedPositions, 0);
    window.mask = parseMask("window:3");
    windowed.interventions = {window};
    const TransformerRun wider = model->run(windowed);
    EXPECT_EQ(wider.reusedPositions, causal ? 3 : 0);
    expectAgrees(wider, fresh(windowed));
    // The run without the change kept its own entry (the What-if comparison takes turns).
    EXPECT_EQ(model->run(full).reusedPositions, causal ? n : 0);

    // A cancelled run leaves nothing to reuse (it was refilling the entry of `full`; the other
    // holds the windowed run), and a run asked not to reuse computes everything.
    RunRequest cancelled = full;
    cancelled.progress = [](int done, int) { return done < 1; };
    EXPECT_THROW(model->run(cancelled), Cancelled);
    EXPECT_EQ(model->run(withIds(shorter)).reusedPositions, 0);
    RunRequest afresh = full;
    afresh.reusePrefix = false;
    EXPECT_EQ(model->run(afresh).reusedPositions, 0);
    EXPECT_EQ(model->run(withIds(shorter)).reusedPositions, causal ? n - 2 : 0);
}

TEST_P(RunProperties, RolloutOfARunIsRowStochastic) {
    REQUIRE_REFERENCE_MODELS();
    const auto model = loadVariant(GetParam());
    const nlohmann::json test = caseOf(GetParam());
    const TransformerRun run = model->run(requestOf(test, test.at("runs").at(0)));
    const Matrix rollout = attentionRollout(run.attentions);
    EXPECT_EIGEN_NEAR(rollout.rowwise().sum(), Vector::Ones(rollout.rows()), 1e-5);
    if (model->info().causal) {
        // Causal maps are lower triangular, and so is their product.
        const Matrix upper = rollout.triangularView<Eigen::StrictlyUpper>();
        EXPECT_EQ(upper.cwiseAbs().maxCoeff(), 0.0f);
    }
}

TEST_P(RunProperties, ProgressCanCancelARun) {
    REQUIRE_REFERENCE_MODELS();
    const auto model = loadVariant(GetParam());
    const nlohmann::json test = caseOf(GetParam());
    RunRequest request = requestOf(test, test.at("runs").at(0));
    std::vector<int> seen;
    request.progress = [&](int done, int total) {
        seen.push_back(done);
        EXPECT_EQ(total, model->info().layers);
        return done < 2;
    };
    EXPECT_THROW(model->run(request), Cancelled);
    EXPECT_EQ(seen, (std::vector<int>{1, 2}));
    EXPECT_THROW(PretrainedModel::load(folderOf(GetParam()), [](int, int) { return false; }),
                 Cancelled);
}

INSTANTIATE_TEST_SUITE_P(Pretrained, RunProperties,
                         ::testing::Values("gpt2_lmhead_f32", "bert_mlm_f32", "llama_gqa_f32",
                                           "gpt2_wide_f32", "llama_wide_f32"),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                             return info.param;
                         });

TEST(PretrainedRequests, BadRequestsAreRefusedWithTheirReason) {
    REQUIRE_REFERENCE_MODELS();
    const auto model = loadVariant("gpt2_lmhead_f32");
    const auto errorOf = [&](const RunRequest& request) -> std::string {
        try {
            model->run(request);
        } catch (const InputError& error) {
            return error.what();
        }
        return "no error";
    };
    RunRequest request;
    EXPECT_NE(errorOf(request).find("no tokens"), std::string::npos);
    request.tokenIds.assign(41, 7); // n_positions is 40
    EXPECT_NE(errorOf(request).find("at most 40"), std::string::npos) << errorOf(request);
    request.tokenIds = {1, 2, 101};
    EXPECT_NE(errorOf(request).find("token 3 has id 101"), std::string::npos);
    request.tokenIds = {1, 2, 3};
    request.tokenTypeIds = {0, 0, 0};
    EXPECT_NE(errorOf(request).find("BERT"), std::string::npos);
    request.tokenTypeIds.clear();
    request.predictPosition = 3;
    EXPECT_NE(errorOf(request).find("prediction position"), std::string::npos);
    request.predictPosition = -1;
    HeadIntervention change;
    change.layer = 3;
    request.interventions = {change};
    EXPECT_NE(errorOf(request).find("layer 4 does not exist"), std::string::npos);
    change.layer = 0;
    change.head = 4;
    request.interventions = {change};
    EXPECT_NE(errorOf(request).find("head 5 does not exist"), std::string::npos);
    change.head = 0;
    change.temperature = 0.0f;
    request.interventions = {change};
    EXPECT_NE(errorOf(request).find("temperature"), std::string::npos);
    change.temperature.reset();
    change.mask = parseMask("padding:5");
    request.interventions = {change};
    EXPECT_NE(errorOf(request).find("padding"), std::string::npos);
}

TEST(PretrainedFolders, BrokenFoldersSayWhatIsWrong) {
    REQUIRE_REFERENCE_MODELS();
    const auto folder = [](const char* name) { return folderOf(name); };
    std::string message = loadError<InputError>(folder("bad_pickle"));
    EXPECT_NE(message.find("pytorch_model.bin"), std::string::npos) << message;
    EXPECT_NE(message.find("pickle weights are not read"), std::string::npos) << message;
    EXPECT_NE(message.find("safetensors"), std::string::npos) << message;
    EXPECT_NE(message.find("GPT2LMHeadModel"), std::string::npos) << message;

    message = loadError<InputError>(folder("bad_no_weights"));
    EXPECT_NE(message.find("no weights"), std::string::npos) << message;

    message = loadError<InputError>(folder("bad_unknown_arch"));
    EXPECT_NE(message.find("T5ForConditionalGeneration"), std::string::npos) << message;
    EXPECT_NE(message.find("supported architectures: GPT2LMHeadModel"), std::string::npos)
        << message;
    EXPECT_NE(message.find("Qwen2ForCausalLM"), std::string::npos) << message;

    message = loadError<InputError>(folder("bad_truncated"));
    EXPECT_NE(message.find("model.safetensors"), std::string::npos) << message;
    EXPECT_NE(message.find("truncated"), std::string::npos) << message;

    message = loadError<InputError>(folder("bad_offsets"));
    EXPECT_NE(message.find("reach beyond"), std::string::npos) << message;

    message = loadError<InputError>(folder("bad_missing_tensor"));
    EXPECT_NE(message.find("'transformer.h.1.attn.c_proj.weight' (shape [32, 32])"),
              std::string::npos)
        << message;

    message = loadError<InputError>(folder("bad_wrong_shape"));
    EXPECT_NE(message.find("'transformer.h.0.attn.c_attn.weight' has shape [32, 64]"),
              std::string::npos)
        << message;
    EXPECT_NE(message.find("needs [32, 96]"), std::string::npos) << message;

    message = loadError<InputError>(folder("bad_dtype"));
    EXPECT_NE(message.find("transformer.ln_f.weight"), std::string::npos) << message;
    EXPECT_NE(message.find("I32"), std::string::npos) << message;
    EXPECT_NE(message.find("supported: F32, F16, BF16"), std::string::npos) << message;

    message = loadError<InputError>(folder("bad_rope_scaling"));
    EXPECT_NE(message.find("rope_scaling"), std::string::npos) << message;
    EXPECT_NE(message.find("yarn"), std::string::npos) << message;

    message = loadError<FileError>((fs::path(kRoot) / "no_such_model").string());
    EXPECT_NE(message.find("no such folder"), std::string::npos) << message;
}

TEST(PretrainedFolders, AFifoAsWeightsFailsAtOnce) {
    REQUIRE_REFERENCE_MODELS();
    // A pipe without a writer would block a plain open() forever; CTest's timeout catches a hang.
    const fs::path folder = fs::path(kRoot) / "fifo_weights";
    fs::remove_all(folder);
    fs::create_directories(folder);
    fs::copy_file(fs::path(folderOf("gpt2_lmhead_f32")) / "config.json", folder / "config.json");
    ASSERT_EQ(::mkfifo((folder / "model.safetensors").c_str(), 0600), 0);
    const std::string message = loadError<FileError>(folder.string());
    EXPECT_NE(message.find("pipe"), std::string::npos) << message;
    EXPECT_NE(message.find("not a regular file"), std::string::npos) << message;
    fs::remove_all(folder);
}

} // namespace
