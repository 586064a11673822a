#pragma once
// A trained model as a model folder: config.json (architecture "AttentionLabTransformer",
// format_version 2, the resolved shapes, every setting and the task), vocab.json (the token of
// each id as a JSON array, id = index; format 1 kept it in config.json, which is still read) and
// model.safetensors (every tensor by its name in parameterViews(), float32).

#include "core/training/model_config.h"
#include "core/training/parameters.h"
#include "core/training/train_settings.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace attnlab::core::training {

class Trainer;

/// The value of config.json's "architecture" for models trained by the program.
inline constexpr const char* kTrainedArchitecture = "AttentionLabTransformer";

struct SavedModel {
    TrainSettings settings;              ///< as trained (paths cleared)
    ModelConfig config;                  ///< resolved shapes
    std::vector<std::string> vocabulary; ///< token of each id
    bool characters = false;             ///< tokens are characters (language task)
    TransformerParams params;
    int steps = 0;          ///< optimiser steps taken
    nlohmann::json metrics; ///< the last evaluation as written (may be null)
};

/// Writes `folder`/config.json, vocab.json and model.safetensors (creating the folder), each
/// atomically. Throws FileError when they cannot be written.
void saveModelFolder(const std::string& folder, const Trainer& trainer);
void saveModelFolder(const std::string& folder, const SavedModel& model);

/// Reads a folder written by saveModelFolder. Throws FileError when a file cannot be read and
/// InputError (naming the file and the problem) when its content does not make a model.
SavedModel loadModelFolder(const std::string& folder);

/// True when `folder`/config.json names the architecture AttentionLabTransformer (false for
/// missing or unreadable files and other models).
bool isTrainedModelFolder(const std::string& folder);

/// config.json's content for `model`.
nlohmann::ordered_json modelConfigJson(const SavedModel& model);

} // namespace attnlab::core::training
