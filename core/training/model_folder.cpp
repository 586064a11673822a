#include "core/training/model_folder.h"

#include "core/base/file_io.h"
#include "core/base/safetensors.h"
#include "core/base/safetensors_writer.h"
#include "core/io/data_export.h"
#include "core/training/trainer.h"

#include <filesystem>
#include <system_error>

namespace attnlab::core::training {
namespace {

constexpr std::uintmax_t kMaxConfigBytes = 64ull << 20;
constexpr const char* kVocabularyFile = "vocab.json";

nlohmann::ordered_json evaluationJson(const Evaluation& e) {
    nlohmann::ordered_json m = nlohmann::ordered_json::object();
    m["step"] = e.step;
    m["heldout_loss"] = e.loss;
    m["accuracy"] = e.accuracy;
    m["sequence_accuracy"] = e.sequenceAccuracy;
    m["alignment"] = e.alignment ? nlohmann::ordered_json(*e.alignment) : nullptr;
    m["induction"] = e.induction ? nlohmann::ordered_json(*e.induction) : nullptr;
    return m;
}

std::string joinPath(const std::string& folder, const char* name) {
    return (std::filesystem::path(folder) / name).string();
}

// vocab.json of `folder` (format 2), checked against config.json's vocab_size.
std::vector<std::string> readVocabulary(const std::string& folder, const nlohmann::json& config) {
    const std::string vocabularyPath = joinPath(folder, kVocabularyFile);
    nlohmann::json tokens;
    try {
        tokens = nlohmann::json::parse(readFileBytes(vocabularyPath, kMaxConfigBytes));
    } catch (const nlohmann::json::exception& error) {
        throw InputError(vocabularyPath + ": not valid JSON (" + error.what() + ")");
    }
    if (!tokens.is_array())
        throw InputError(vocabularyPath + ": not a JSON array of tokens");
    std::vector<std::string> vocabulary;
    for (const auto& token : tokens) {
        if (!token.is_string())
            throw InputError(vocabularyPath + ": every token must be a string");
        vocabulary.push_back(token.get<std::string>());
    }
    const auto size = config.find("vocab_size");
    if (size != config.end() &&
        (!size->is_number_unsigned() || size->get<std::size_t>() != vocabulary.size()))
        throw InputError(vocabularyPath + ": " + std::to_string(vocabulary.size()) +
                         " tokens, but config.json's vocab_size says " + size->dump());
    return vocabulary;
}

} // namespace

nlohmann::ordered_json modelConfigJson(const SavedModel& model) {
    const ModelConfig& c = model.config;
    nlohmann::ordered_json j = nlohmann::ordered_json::object();
    j["architecture"] = kTrainedArchitecture;
    j["format_version"] = 2;
    j["task"] = std::string(toString(model.settings.task.kind));
    j["model"] = {
        {"type", std::string(toString(c.architecture))},
        {"vocab_size", c.vocabSize},
        {"max_positions", c.maxPositions},
        {"layers", c.layers},
        {"heads", c.heads},
        {"d_model", c.dModel},
        {"d_k", c.dK()},
        {"d_a", c.dA()},
        {"ffn", std::string(toString(c.ffn))},
        {"ffn_hidden", c.hidden()},
        {"layer_norm", c.layerNorm},
        {"scoring", std::string(toString(c.scoring))},
        {"normalizer", std::string(toString(c.normalizer))},
        {"positional", std::string(toString(c.positional))},
        {"window", c.window},
        {"temperature", c.temperature},
        {"cosine_scale", c.cosineScale},
        {"weights_layout", "rows are inputs: Q = X W_q; head h uses columns h*d_k .. (h+1)*d_k"},
    };
    TrainSettings settings = model.settings;
    settings.save.clear();
    settings.log.clear();
    settings.summary.clear();
    j["settings"] = toJson(settings);
    j["tokens_are_characters"] = model.characters;
    j["vocabulary_file"] = kVocabularyFile;
    j["vocab_size"] = model.vocabulary.size();
    j["steps"] = model.steps;
    j["metrics"] = model.metrics;
    return j;
}

void saveModelFolder(const std::string& folder, const SavedModel& model) {
    std::error_code error;
    std::filesystem::create_directories(folder, error);
    if (error)
        throw FileError("cannot create the model folder " + folder + ": " + error.message());
    std::vector<TensorToWrite> tensors;
    for (const ConstParameterView& view : parameterViews(model.params))
        tensors.push_back(safetensorsFromFloats(view.name, view.data, view.shape));
    writeFileAtomically(joinPath(folder, "model.safetensors"),
                        serializeSafetensors(tensors, {{"format", "attention-lab"}}));
    // The vocabulary as a JSON array (id = index): tokens may be any character, a space or a
    // line break included, which a one-token-per-line file could not hold.
    writeFileAtomically(joinPath(folder, kVocabularyFile),
                        nlohmann::json(model.vocabulary).dump(0) + "\n");
    writeFileAtomically(joinPath(folder, "config.json"), modelConfigJson(model).dump(2) + "\n");
}

void saveModelFolder(const std::string& folder, const Trainer& trainer) {
    SavedModel model;
    model.settings = trainer.settings();
    model.config = trainer.modelConfig();
    model.vocabulary = trainer.task().vocabulary().tokens();
    model.characters = trainer.task().characters();
    model.params = trainer.parameters();
    model.steps = trainer.step();
    if (!trainer.evaluations().empty())
        model.metrics = evaluationJson(trainer.evaluations().back());
    saveModelFolder(folder, model);
}

SavedModel loadModelFolder(const std::string& folder) {
    const std::string configPath = joinPath(folder, "config.json");
    const std::string weightsPath = joinPath(folder, "model.safetensors");
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(readFileBytes(configPath, kMaxConfigBytes));
    } catch (const nlohmann::json::exception& error) {
        throw InputError(configPath + ": not valid JSON (" + error.what() + ")");
    }
    const auto bad = [&](const std::string& problem) {
        return InputError(configPath + ": " + problem);
    };
    if (!j.is_object() || j.value("architecture", std::string()) != kTrainedArchitecture)
        throw bad(std::string("not a model trained by Attention Lab (\"architecture\" is not \"") +
                  kTrainedArchitecture + "\")");
    std::vector<std::string> vocabulary;
    if (!j.contains("vocabulary"))
        vocabulary = readVocabulary(folder, j);
    SavedModel model;
    try {
        model.settings = trainSettingsFromJson(j.at("settings"));
        validate(model.settings);
        // Format 1 held the vocabulary in config.json; format 2 in vocab.json.
        if (j.contains("vocabulary")) {
            for (const auto& token : j.at("vocabulary"))
                model.vocabulary.push_back(token.get<std::string>());
        } else {
            model.vocabulary = std::move(vocabulary);
        }
        model.characters = j.value("tokens_are_characters", false);
        model.steps = j.value("steps", 0);
        model.metrics = j.value("metrics", nlohmann::json());
        // The shapes: from the task the settings name, with the stored vocabulary's size (it
        // is what the weights were trained with, even if a later build's corpus differs).
        const auto task = makeTask(model.settings.task);
        model.config = modelConfigFor(model.settings, *task);
        model.config.vocabSize = static_cast<int>(model.vocabulary.size());
        model.config.maxPositions = j.at("model").at("max_positions").get<int>();
        validate(model.config);
    } catch (const nlohmann::json::exception& error) {
        throw bad(std::string("missing or malformed entry (") + error.what() + ")");
    } catch (const CannotTrain&) {
        throw;
    } catch (const InputError& error) {
        throw bad(error.what());
    }

    // The project's one safetensors reader: mapped, every offset validated.
    const std::shared_ptr<const SafetensorsFile> weights = SafetensorsFile::open(weightsPath);
    model.params = zeroParameters(model.config);
    std::size_t used = 0;
    for (ParameterView& view : parameterViews(model.params)) {
        const SafetensorsTensor* tensor = weights->find(view.name);
        if (!tensor)
            throw InputError(weightsPath + ": the tensor '" + view.name +
                             "' the configuration needs is missing");
        if (tensor->shape != view.shape)
            throw InputError(weightsPath + ": the tensor '" + view.name +
                             "' has a shape other than the configuration's");
        readAsFloat(*tensor, view.data);
        ++used;
    }
    if (used != weights->tensors().size())
        for (const SafetensorsTensor& tensor : weights->tensors()) {
            bool known = false;
            for (const ParameterView& view : parameterViews(model.params))
                known = known || view.name == tensor.name;
            if (!known)
                throw InputError(weightsPath + ": the tensor '" + tensor.name +
                                 "' is not part of the configured model");
        }
    return model;
}

bool isTrainedModelFolder(const std::string& folder) {
    try {
        const nlohmann::json j =
            nlohmann::json::parse(readFileBytes(joinPath(folder, "config.json"), kMaxConfigBytes));
        return j.is_object() && j.value("architecture", std::string()) == kTrainedArchitecture;
    } catch (const std::exception&) {
        return false;
    }
}

} // namespace attnlab::core::training
