#pragma once
// Every setting of a training run, as `attention-lab train` takes them and config.json stores
// them, described by one table (option, type, range, default, help) from which the command
// line, the files and the checks are all derived.

#include "core/training/model_config.h"
#include "core/training/optimizer.h"
#include "core/training/tasks.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace attnlab::core::training {

/// A training run: task, model, optimiser and run settings. Defaults are those of the table.
struct TrainSettings {
    TaskConfig task; ///< task, length, vocab, shift, corpus
    /// Architecture; none (default, "auto") = the task's preferred one (encoder–decoder for
    /// translation, decoder-only for the others).
    std::optional<Architecture> architecture;
    int layers = 1;                      ///< 1 … 4, default 1
    int heads = 1;                       ///< 1 … 8, divides dModel, default 1
    int dModel = 64;                     ///< 2 … 256, default 64
    int additiveDim = 0;                 ///< additive d_a; 0 = d_k (default), else 1 … 256
    FeedForward ffn = FeedForward::None; ///< none (default) | relu | gelu
    int ffnHidden = 0;                   ///< 0 = 4·dModel (default), else 1 … 1024
    bool layerNorm = false;              ///< pre-LayerNorm; default off
    ScoringFunction scoring = ScoringFunction::ScaledDot;  ///< default scaled-dot
    Normalizer normalizer = Normalizer::Softmax;           ///< default softmax; not hardmax
    ModelPositional positional = ModelPositional::Learned; ///< default learned
    int window = 0;            ///< mask "window:W": self-attention sees |i − j| ≤ W; 0 = off
    float temperature = 1.0f;  ///< 0.01 … 100, default 1
    float cosineScale = 10.0f; ///< 0.1 … 100, default 10
    /// lr, beta1, beta2, epsilon, weight decay, warm-up, clip; here with 100 warm-up steps,
    /// which keeps every scoring function out of saturated softmax in its first steps.
    OptimizerConfig optimizer{.warmup = 100};
    int steps = 3000;       ///< optimiser steps of a run; 1 … 10⁷, default 3000
    int batch = 32;         ///< examples per step; 1 … 1024, default 32
    std::uint64_t seed = 1; ///< seed of weights and data; default 1
    int evalEvery = 100;    ///< steps between evaluations and snapshots; 1 … 10⁶
    int heldOut = 256;      ///< held-out examples for loss and accuracy; 1 … 10⁵
    int probe = 32;         ///< held-out examples the head scores use; 1 … heldOut
    /// Threads of a step; 0 (default) = one unless a step is large enough (about 20 ms of
    /// work) to gain from more, n = at most n. Never changes a number, only the speed.
    int threads = 0;
    std::string save;    ///< model folder to write at the end; empty = none
    std::string log;     ///< CSV of the loss curve; empty = none
    std::string summary; ///< JSON summary; empty = none
    std::string gif;     ///< animated GIF of the probe's heatmaps at every snapshot; empty = none
    std::string strip;   ///< PNG strip of the probe's heatmaps at stripSteps; empty = none
    /// Steps of the strip, "0,100,500,3000" (each 0 … steps); empty (default) = 0, about a
    /// quarter, about a half and the last step.
    std::string stripSteps;
};

/// One row of the settings table.
struct TrainSettingInfo {
    std::string_view option;       ///< command-line name without "--" (also the JSON key)
    std::string_view type;         ///< "choice", "integer", "number", "boolean", "mask", "path",
                                   ///< "steps" (a list of steps)
    std::string_view range;        ///< the accepted values, e.g. "1 … 4" or "dot | additive"
    std::string_view defaultValue; ///< as typed on the command line
    std::string_view help;         ///< one sentence
};

/// Every setting in command-line order.
const std::vector<TrainSettingInfo>& trainSettingsTable();

/// Sets one setting from its command-line text (booleans: on/off, true/false, 1/0). Throws
/// InputError "--<option>: …" for an unknown option or a value out of range.
void applyTrainSetting(TrainSettings& settings, std::string_view option, std::string_view value);

/// The setting's value as command-line text (applyTrainSetting reads it back unchanged).
std::string trainSettingValue(const TrainSettings& settings, std::string_view option);

/// Checks settings against each other (heads divide d-model, probe ≤ held-out, the task can be
/// read by the architecture). Throws InputError; CannotTrain (an InputError) for hardmax, with
/// the reason it has no gradient.
void validate(const TrainSettings& settings);

/// The architecture the run uses (the chosen one, or the task's preferred one).
Architecture resolvedArchitecture(const TrainSettings& settings, const Task& task);

/// The model for `settings` on `task`: vocabulary size and positions from the task.
ModelConfig modelConfigFor(const TrainSettings& settings, const Task& task);

/// Settings as a JSON object keyed by option, typed (numbers as numbers, booleans as booleans).
nlohmann::ordered_json toJson(const TrainSettings& settings);
/// Settings from such an object; absent keys keep their defaults. Throws InputError naming the
/// key for an unknown one or a bad value.
TrainSettings trainSettingsFromJson(const nlohmann::json& object);

} // namespace attnlab::core::training
