// The configuration of pretrained transformers (config.json as the model hubs write it), the
// files of a model folder and the listing of the local model caches.

#include "core/base/types.h"
#include "core/pretrained/model_folder.h"
#include "core/pretrained/transformer_config.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <unistd.h>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_pretrained_config {

using namespace attnlab::core;
namespace fs = std::filesystem;

namespace {

std::string configError(const std::string& text) {
    try {
        parseTransformerConfig(text, "config.json");
    } catch (const InputError& error) {
        return error.what();
    }
    return "no error";
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

const char* kGpt2 = R"({"architectures": ["GPT2LMHeadModel"], "model_type": "gpt2", "n_embd": 768,
    "n_head": 12, "n_layer": 12, "n_positions": 1024, "vocab_size": 50257, "n_inner": null,
    "bos_token_id": 50256, "eos_token_id": 50256})";

const char* kQwen2 = R"({"architectures": ["Qwen2ForCausalLM"], "model_type": "qwen2",
    "hidden_size": 896, "num_attention_heads": 14, "num_key_value_heads": 2,
    "num_hidden_layers": 24, "intermediate_size": 4864, "max_position_embeddings": 32768,
    "vocab_size": 151936, "rope_theta": 1000000.0, "rms_norm_eps": 1e-06,
    "tie_word_embeddings": true, "use_sliding_window": false, "sliding_window": 32768,
    "rope_scaling": null, "eos_token_id": [151643, 151645], "torch_dtype": "bfloat16"})";

TEST(TransformerConfig, ReadsGpt2WithItsDefaults) {
    const TransformerConfig config = parseTransformerConfig(kGpt2, "config.json");
    const ModelInfo& info = config.info;
    EXPECT_EQ(info.family, TransformerFamily::Gpt2);
    EXPECT_EQ(info.layers, 12);
    EXPECT_EQ(info.heads, 12);
    EXPECT_EQ(info.kvHeads, 12);
    EXPECT_EQ(info.headDim, 64);
    EXPECT_EQ(info.intermediate, 3072); // n_inner null: 4 · n_embd
    EXPECT_EQ(info.maxPositions, 1024);
    EXPECT_TRUE(info.causal);
    EXPECT_EQ(info.bosTokenId, 50256);
    EXPECT_EQ(config.activation, Activation::GeluTanh);
    EXPECT_FLOAT_EQ(config.normEps, 1e-5f);
    EXPECT_TRUE(config.tieWordEmbeddings);
}

TEST(TransformerConfig, ReadsBertAndQwen2) {
    const TransformerConfig bert = parseTransformerConfig(
        R"({"architectures": ["BertForMaskedLM"], "hidden_size": 768, "num_attention_heads": 12,
            "num_hidden_layers": 12, "intermediate_size": 3072, "max_position_embeddings": 512,
            "vocab_size": 21128, "type_vocab_size": 2, "hidden_act": "gelu",
            "layer_norm_eps": 1e-12, "pad_token_id": 0})",
        "config.json");
    EXPECT_EQ(bert.info.family, TransformerFamily::Bert);
    EXPECT_FALSE(bert.info.causal);
    EXPECT_EQ(bert.info.typeVocabSize, 2);
    EXPECT_EQ(bert.activation, Activation::GeluErf);
    EXPECT_FLOAT_EQ(bert.normEps, 1e-12f);

    const TransformerConfig qwen = parseTransformerConfig(kQwen2, "config.json");
    EXPECT_EQ(qwen.info.family, TransformerFamily::Llama);
    EXPECT_EQ(qwen.info.kvHeads, 2);
    EXPECT_EQ(qwen.info.headDim, 64);
    EXPECT_TRUE(qwen.qkvBias);
    EXPECT_FALSE(qwen.outputBias);
    EXPECT_TRUE(qwen.tieWordEmbeddings);
    EXPECT_DOUBLE_EQ(qwen.ropeTheta, 1e6);
    EXPECT_EQ(qwen.info.eosTokenId, 151643); // the first of a list
    EXPECT_EQ(qwen.info.maxPositions, 32768);
}

TEST(TransformerConfig, ModelTypeStandsInForMissingArchitectures) {
    const TransformerConfig config = parseTransformerConfig(
        R"({"model_type": "llama", "hidden_size": 64, "num_attention_heads": 4,
            "num_hidden_layers": 2, "intermediate_size": 128, "max_position_embeddings": 128,
            "vocab_size": 100, "rope_scaling": {"rope_type": "linear", "factor": 4.0},
            "head_dim": 32})",
        "config.json");
    EXPECT_EQ(config.info.architecture, "LlamaForCausalLM");
    EXPECT_EQ(config.info.headDim, 32);
    EXPECT_EQ(config.info.kvHeads, 4);
    EXPECT_DOUBLE_EQ(config.ropeLinearFactor, 4.0);
    EXPECT_FALSE(config.qkvBias);
    EXPECT_FALSE(config.tieWordEmbeddings);
}

TEST(TransformerConfig, MistralSlidingWindowCapsTheInput) {
    const TransformerConfig config = parseTransformerConfig(
        R"({"architectures": ["MistralForCausalLM"], "hidden_size": 64,
            "num_attention_heads": 4, "num_key_value_heads": 1, "num_hidden_layers": 2,
            "intermediate_size": 128, "max_position_embeddings": 32768, "vocab_size": 100,
            "sliding_window": 4096})",
        "config.json");
    EXPECT_EQ(config.info.maxPositions, 4096);
}

TEST(TransformerConfig, RefusalsNameTheKeyAndWhatIsSupported) {
    std::string message = configError(R"({"architectures": ["T5ForConditionalGeneration"]})");
    EXPECT_TRUE(contains(message, "config.json: the architecture \"T5ForConditionalGeneration\""))
        << message;
    EXPECT_TRUE(contains(message, "supported architectures: " + supportedArchitecturesText()))
        << message;
    EXPECT_TRUE(contains(supportedArchitecturesText(), "BertForPreTraining"));
    EXPECT_TRUE(contains(supportedArchitecturesText(), "MistralForCausalLM"));

    message = configError(R"({"model_type": "t5"})");
    EXPECT_TRUE(contains(message, "model type \"t5\"")) << message;
    message = configError("{}");
    EXPECT_TRUE(contains(message, "without \"architectures\"")) << message;
    message = configError("[1]");
    EXPECT_TRUE(contains(message, "JSON object")) << message;
    message = configError("{");
    EXPECT_TRUE(contains(message, "not valid JSON")) << message;

    message = configError(R"({"architectures": ["GPT2Model"], "n_embd": 768, "n_head": 12,
        "n_positions": 1024, "vocab_size": 50257})");
    EXPECT_TRUE(contains(message, "\"n_layer\" is missing")) << message;
    message = configError(R"({"architectures": ["GPT2Model"], "n_embd": 770, "n_head": 12,
        "n_layer": 2, "n_positions": 1024, "vocab_size": 50257})");
    EXPECT_TRUE(contains(message, "multiple of \"n_head\"")) << message;
    message = configError(R"({"architectures": ["GPT2Model"], "n_embd": 768, "n_head": -1,
        "n_layer": 2, "n_positions": 1024, "vocab_size": 50257})");
    EXPECT_TRUE(contains(message, "\"n_head\" must be an integer")) << message;
    message = configError(R"({"architectures": ["GPT2Model"], "n_embd": 768, "n_head": 12,
        "n_layer": 2, "n_positions": 1024, "vocab_size": 50257, "activation_function": "swiglu"})");
    EXPECT_TRUE(contains(message, "\"swiglu\", which is not supported")) << message;

    const std::string llama = R"({"architectures": ["LlamaForCausalLM"], "hidden_size": 64,
        "num_attention_heads": 4, "num_hidden_layers": 2, "intermediate_size": 128,
        "max_position_embeddings": 128, "vocab_size": 100, )";
    message = configError(llama + R"("num_key_value_heads": 3})");
    EXPECT_TRUE(contains(message, "multiple of \"num_key_value_heads\"")) << message;
    message = configError(llama + R"("head_dim": 15})");
    EXPECT_TRUE(contains(message, "must be even")) << message;
    message = configError(llama + R"("rope_scaling": {"rope_type": "llama3", "factor": 8.0}})");
    EXPECT_TRUE(contains(message, "\"rope_scaling\" of type \"llama3\" is not supported"))
        << message;
    message = configError(llama + R"("rope_scaling": {"type": "linear"}})");
    EXPECT_TRUE(contains(message, "positive \"factor\"")) << message;

    message = configError(R"({"architectures": ["BertModel"], "hidden_size": 64,
        "num_attention_heads": 4, "num_hidden_layers": 2, "intermediate_size": 128,
        "max_position_embeddings": 128, "vocab_size": 100,
        "position_embedding_type": "relative_key"})");
    EXPECT_TRUE(contains(message, "only \"absolute\"")) << message;
}

// A scratch folder per test, removed afterwards.
class ModelFolderTest : public ::testing::Test {
protected:
    void SetUp() override {
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        m_root = fs::temp_directory_path() /
                 ("attnlab_models_" + std::to_string(::getpid()) + "_" + info->name());
        fs::remove_all(m_root);
        fs::create_directories(m_root);
    }
    void TearDown() override { fs::remove_all(m_root); }

    fs::path file(const fs::path& relative, const std::string& text = "x") {
        const fs::path path = m_root / relative;
        fs::create_directories(path.parent_path());
        std::ofstream(path) << text;
        return path;
    }

    std::string locateError(const fs::path& folder) {
        try {
            locateModelFiles(folder.string());
        } catch (const std::exception& error) {
            return error.what();
        }
        return "no error";
    }

    fs::path m_root;
};

TEST_F(ModelFolderTest, FindsTheWeightsAsTheHubsLayThemOut) {
    file("single/config.json", kGpt2);
    file("single/model.safetensors");
    file("single/other.safetensors");
    ModelFiles files = locateModelFiles((m_root / "single").string());
    EXPECT_EQ(files.config, (m_root / "single" / "config.json").string());
    EXPECT_EQ(files.weights,
              (std::vector<std::string>{(m_root / "single/model.safetensors").string()}));
    EXPECT_TRUE(files.index.empty());

    file("sharded/config.json", kGpt2);
    file("sharded/model-00001-of-00002.safetensors");
    file("sharded/model.safetensors.index.json", "{}");
    files = locateModelFiles((m_root / "sharded").string());
    EXPECT_EQ(files.index, (m_root / "sharded/model.safetensors.index.json").string());

    file("named/config.json", kGpt2);
    file("named/b.safetensors");
    file("named/a.safetensors");
    files = locateModelFiles((m_root / "named").string());
    EXPECT_EQ(files.weights.size(), 2u);
    EXPECT_EQ(fs::path(files.weights[0]).filename(), "a.safetensors");
}

TEST_F(ModelFolderTest, ExplainsFoldersItCannotRead) {
    file("pickle/config.json", kGpt2);
    file("pickle/pytorch_model.bin");
    file("pickle/training_args.bin");
    std::string message = locateError(m_root / "pickle");
    EXPECT_TRUE(contains(message, "only pytorch_model.bin, training_args.bin")) << message;
    EXPECT_TRUE(contains(message, "pickle weights are not read")) << message;
    EXPECT_TRUE(contains(message, "save_pretrained(folder, safe_serialization=True)")) << message;
    EXPECT_TRUE(contains(message, "Supported architectures: GPT2LMHeadModel")) << message;

    file("gguf/config.json", kGpt2);
    file("gguf/model.gguf");
    message = locateError(m_root / "gguf");
    EXPECT_TRUE(contains(message, "model.gguf, which the program does not read")) << message;

    file("noconfig/model.safetensors");
    message = locateError(m_root / "noconfig");
    EXPECT_TRUE(contains(message, "has no config.json")) << message;
    message = locateError(m_root / "absent");
    EXPECT_TRUE(contains(message, "no such folder")) << message;
    message = locateError(file("plain.txt"));
    EXPECT_TRUE(contains(message, "is not a folder")) << message;
}

TEST_F(ModelFolderTest, ListsTheCachesAndSkipsBrokenEntries) {
    const fs::path hf = m_root / "hf";
    file("hf/models--openai-community--gpt2/snapshots/abc123/config.json", kGpt2);
    file("hf/models--openai-community--gpt2/snapshots/abc123/model.safetensors");
    file("hf/models--Qwen--Qwen2.5-0.5B/snapshots/1111111aaa/config.json", kQwen2);
    file("hf/models--Qwen--Qwen2.5-0.5B/snapshots/1111111aaa/model.safetensors");
    file("hf/models--Qwen--Qwen2.5-0.5B/snapshots/2222222bbb/config.json", kQwen2);
    file("hf/models--t5--small/snapshots/s/config.json", R"({"architectures": ["T5Model"]})");
    file("hf/models--t5--small/snapshots/s/model.safetensors");
    file("hf/models--broken--json/snapshots/s/config.json", "{ not json");
    file("hf/models--broken--noconfig/snapshots/s/model.safetensors");
    fs::create_directories(hf / "models--broken--link/snapshots/s");
    fs::create_symlink(hf / "blobs/missing", hf / "models--broken--link/snapshots/s/config.json");
    file("hf/datasets--some--data/snapshots/s/config.json", kGpt2);
    file("hf/.locks/models--x--y/config.json", kGpt2);

    const fs::path scope = m_root / "scope";
    file("scope/Qwen/Qwen2___5-0___5B/config.json", kQwen2);
    file("scope/Qwen/Qwen2___5-0___5B/model.safetensors");
    file("scope/models/uer/gpt2-chinese/config.json", kGpt2);
    file("scope/._____temp/Qwen/x/config.json", kGpt2);

    const std::vector<CachedModel> models = findCachedModels({{hf.string()}, {scope.string()}});
    std::vector<std::string> names;
    for (const CachedModel& model : models)
        names.push_back(model.displayName);
    EXPECT_EQ(names, (std::vector<std::string>{"Qwen/Qwen2.5-0.5B", "Qwen/Qwen2.5-0.5B@1111111",
                                               "Qwen/Qwen2.5-0.5B@2222222", "openai-community/gpt2",
                                               "t5/small", "uer/gpt2-chinese"}));
    const auto byName = [&](const std::string& name) {
        return *std::find_if(models.begin(), models.end(),
                             [&](const CachedModel& m) { return m.displayName == name; });
    };
    const CachedModel gpt2 = byName("openai-community/gpt2");
    EXPECT_EQ(gpt2.architecture, "GPT2LMHeadModel");
    EXPECT_EQ(gpt2.source, "Hugging Face");
    EXPECT_EQ(gpt2.path, (hf / "models--openai-community--gpt2/snapshots/abc123").string());
    EXPECT_TRUE(gpt2.supported);
    EXPECT_FALSE(byName("Qwen/Qwen2.5-0.5B@2222222").hasSafetensors);
    EXPECT_FALSE(byName("Qwen/Qwen2.5-0.5B@2222222").supported);
    EXPECT_TRUE(byName("Qwen/Qwen2.5-0.5B").supported);
    EXPECT_EQ(byName("Qwen/Qwen2.5-0.5B").source, "ModelScope");
    EXPECT_EQ(byName("t5/small").architecture, "T5Model");
    EXPECT_FALSE(byName("t5/small").supported);
    EXPECT_FALSE(byName("uer/gpt2-chinese").hasSafetensors);

    // Roots that do not exist, or are files, list nothing and never throw.
    EXPECT_TRUE(findCachedModels({{(m_root / "none").string()}, {file("f").string()}}).empty());
}

} // namespace

} // namespace test_pretrained_config
