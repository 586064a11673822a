#include "core/training/train_settings.h"

#include "core/attention/normalizer_backward.h"
#include "core/training/format.h"

#include <charconv>
#include <cmath>
#include <functional>
#include <limits>

namespace attnlab::core::training {
namespace {

[[noreturn]] void fail(std::string_view option, const std::string& problem) {
    throw InputError("--" + std::string(option) + ": " + problem);
}

long long parseInteger(std::string_view option, std::string_view text, long long low,
                       long long high) {
    long long value = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (text.empty() || ec != std::errc() || ptr != end)
        fail(option, "'" + std::string(text) + "' is not a whole number");
    if (value < low || value > high)
        fail(option, "must be between " + std::to_string(low) + " and " + std::to_string(high) +
                         ", not " + std::string(text));
    return value;
}

double parseNumber(std::string_view option, std::string_view text, double low, double high) {
    double value = 0.0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (text.empty() || ec != std::errc() || ptr != end || !std::isfinite(value))
        fail(option, "'" + std::string(text) + "' is not a number");
    if (value < low || value > high)
        fail(option, "must be between " + formatNumber(low) + " and " + formatNumber(high) +
                         ", not " + std::string(text));
    return value;
}

bool parseBoolean(std::string_view option, std::string_view text) {
    if (text == "on" || text == "true" || text == "1" || text == "yes")
        return true;
    if (text == "off" || text == "false" || text == "0" || text == "no")
        return false;
    fail(option, "'" + std::string(text) + "' is not on or off");
}

template <typename Parse>
auto parseChoice(std::string_view option, Parse parse, std::string_view text) {
    try {
        return parse(text);
    } catch (const InputError& error) {
        fail(option, error.what());
    }
}

struct Entry {
    TrainSettingInfo info;
    std::function<void(TrainSettings&, std::string_view)> set;
    std::function<std::string(const TrainSettings&)> get;
};

std::string integer(long long value) {
    return std::to_string(value);
}

const std::vector<Entry>& entries() {
    using S = TrainSettings;
    using V = std::string_view;
    static const std::vector<Entry> table = {
        {{"task", "choice",
          "copy | reverse | sort | shift | brackets | induction | recall | translation | language",
          "reverse", "what the model learns"},
         [](S& s, V v) { s.task.kind = parseChoice("task", parseTaskKind, v); },
         [](const S& s) { return std::string(toString(s.task.kind)); }},
        {{"length", "integer", "2 … 64", "8",
          "tokens per example (induction: the random part; recall: pairs; language: characters; "
          "translation: ignored)"},
         [](S& s, V v) { s.task.length = static_cast<int>(parseInteger("length", v, 2, 64)); },
         [](const S& s) { return integer(s.task.length); }},
        {{"vocab", "integer", "0 … 10000", "10",
          "distinct content tokens, 2 … 100 (language: characters kept, 0 = all; brackets and "
          "translation: ignored)"},
         [](S& s, V v) { s.task.vocab = static_cast<int>(parseInteger("vocab", v, 0, 10000)); },
         [](const S& s) { return integer(s.task.vocab); }},
        {{"shift", "integer", "1 … length − 1", "1", "the shift task's rotation k"},
         [](S& s, V v) { s.task.shift = static_cast<int>(parseInteger("shift", v, 1, 63)); },
         [](const S& s) { return integer(s.task.shift); }},
        {{"corpus", "choice", "tang | english", "tang",
          "the language task's text: 唐诗三百首 or the opening of Coriolanus"},
         [](S& s, V v) { s.task.corpus = parseChoice("corpus", parseCorpus, v); },
         [](const S& s) { return std::string(toString(s.task.corpus)); }},
        {{"architecture", "choice", "auto | decoder | encoder-decoder", "auto",
          "auto = encoder-decoder for translation, decoder-only for the other tasks"},
         [](S& s, V v) {
             if (v == "auto")
                 s.architecture.reset();
             else
                 s.architecture = parseChoice("architecture", parseArchitecture, v);
         },
         [](const S& s) {
             return s.architecture ? std::string(toString(*s.architecture)) : std::string("auto");
         }},
        {{"layers", "integer", "1 … 4", "1", "attention layers (on each side for encoder-decoder)"},
         [](S& s, V v) { s.layers = static_cast<int>(parseInteger("layers", v, 1, 4)); },
         [](const S& s) { return integer(s.layers); }},
        {{"heads", "integer", "1 … 8", "1", "heads per attention block; must divide d-model"},
         [](S& s, V v) { s.heads = static_cast<int>(parseInteger("heads", v, 1, 8)); },
         [](const S& s) { return integer(s.heads); }},
        {{"d-model", "integer", "2 … 256", "64",
          "width of the residual stream (d_k = d-model / heads)"},
         [](S& s, V v) { s.dModel = static_cast<int>(parseInteger("d-model", v, 2, 256)); },
         [](const S& s) { return integer(s.dModel); }},
        {{"d-a", "integer", "0 … 256", "0", "additive scoring's hidden width d_a; 0 = d_k"},
         [](S& s, V v) { s.additiveDim = static_cast<int>(parseInteger("d-a", v, 0, 256)); },
         [](const S& s) { return integer(s.additiveDim); }},
        {{"ffn", "choice", "none | relu | gelu", "none",
          "feed-forward block after each attention block; none = attention-only"},
         [](S& s, V v) { s.ffn = parseChoice("ffn", parseFeedForward, v); },
         [](const S& s) { return std::string(toString(s.ffn)); }},
        {{"ffn-hidden", "integer", "0 … 1024", "0", "hidden width of the FFN; 0 = 4 × d-model"},
         [](S& s, V v) { s.ffnHidden = static_cast<int>(parseInteger("ffn-hidden", v, 0, 1024)); },
         [](const S& s) { return integer(s.ffnHidden); }},
        {{"layernorm", "boolean", "on | off", "off",
          "pre-LayerNorm before each block and at the end of each stack"},
         [](S& s, V v) { s.layerNorm = parseBoolean("layernorm", v); },
         [](const S& s) { return std::string(s.layerNorm ? "on" : "off"); }},
        {{"scoring", "choice", "dot | scaled-dot | general | additive | cosine", "scaled-dot",
          "score function of every attention block (its W_a, W_1, W_2, v are trained)"},
         [](S& s, V v) { s.scoring = parseChoice("scoring", parseScoringFunction, v); },
         [](const S& s) { return std::string(toString(s.scoring)); }},
        {{"normalizer", "choice", "softmax | sparsemax | relu | sigmoid", "softmax",
          "turns scores into weights; hardmax has no gradient and is refused"},
         [](S& s, V v) { s.normalizer = parseChoice("normalizer", parseNormalizer, v); },
         [](const S& s) { return std::string(toString(s.normalizer)); }},
        {{"positional", "choice", "none | learned | sinusoidal | rope | alibi", "learned",
          "positional encoding (rope and alibi act on self-attention only)"},
         [](S& s, V v) { s.positional = parseChoice("positional", parseModelPositional, v); },
         [](const S& s) { return std::string(toString(s.positional)); }},
        {{"mask", "mask", "causal | window:W", "causal",
          "the decoder always sees only earlier tokens (causal) and the encoder every real "
          "token; window:W also limits every self-attention to |i − j| ≤ W"},
         [](S& s, V v) {
             if (v == "causal") {
                 s.window = 0;
             } else if (v.starts_with("window:")) {
                 s.window = static_cast<int>(parseInteger("mask", v.substr(7), 1, 256));
             } else {
                 fail("mask", "'" + std::string(v) +
                                  "' is not a training mask; choose causal or window:W (padding "
                                  "is masked automatically)");
             }
         },
         [](const S& s) {
             return s.window > 0 ? "window:" + std::to_string(s.window) : std::string("causal");
         }},
        {{"temperature", "number", "0.01 … 100", "1", "T in L = S / T"},
         [](S& s, V v) {
             s.temperature = static_cast<float>(parseNumber("temperature", v, 0.01, 100.0));
         },
         [](const S& s) { return formatNumber(s.temperature); }},
        {{"cosine-scale", "number", "0.1 … 100", "10", "cosine scoring's fixed scale s"},
         [](S& s, V v) {
             s.cosineScale = static_cast<float>(parseNumber("cosine-scale", v, 0.1, 100.0));
         },
         [](const S& s) { return formatNumber(s.cosineScale); }},
        {{"lr", "number", "1e-6 … 1", "0.003", "peak learning rate of Adam"},
         [](S& s, V v) { s.optimizer.learningRate = parseNumber("lr", v, 1e-6, 1.0); },
         [](const S& s) { return formatNumber(s.optimizer.learningRate); }},
        {{"beta1", "number", "0 … 0.9999", "0.9", "Adam's first-moment decay β₁"},
         [](S& s, V v) { s.optimizer.beta1 = parseNumber("beta1", v, 0.0, 0.9999); },
         [](const S& s) { return formatNumber(s.optimizer.beta1); }},
        {{"beta2", "number", "0 … 0.99999", "0.999", "Adam's second-moment decay β₂"},
         [](S& s, V v) { s.optimizer.beta2 = parseNumber("beta2", v, 0.0, 0.99999); },
         [](const S& s) { return formatNumber(s.optimizer.beta2); }},
        {{"epsilon", "number", "1e-12 … 1e-3", "1e-08", "Adam's ε"},
         [](S& s, V v) { s.optimizer.epsilon = parseNumber("epsilon", v, 1e-12, 1e-3); },
         [](const S& s) { return formatNumber(s.optimizer.epsilon); }},
        {{"weight-decay", "number", "0 … 1", "0",
          "AdamW's decoupled weight decay on the weight matrices; 0 = Adam"},
         [](S& s, V v) { s.optimizer.weightDecay = parseNumber("weight-decay", v, 0.0, 1.0); },
         [](const S& s) { return formatNumber(s.optimizer.weightDecay); }},
        {{"warmup", "integer", "0 … 1000000", "100", "steps of linear learning-rate warm-up"},
         [](S& s, V v) {
             s.optimizer.warmup = static_cast<int>(parseInteger("warmup", v, 0, 1000000));
         },
         [](const S& s) { return integer(s.optimizer.warmup); }},
        {{"clip", "number", "0 … 1000000", "1", "clip gradients to this global norm; 0 = off"},
         [](S& s, V v) { s.optimizer.clipNorm = parseNumber("clip", v, 0.0, 1e6); },
         [](const S& s) { return formatNumber(s.optimizer.clipNorm); }},
        {{"steps", "integer", "1 … 10000000", "3000", "optimiser steps"},
         [](S& s, V v) { s.steps = static_cast<int>(parseInteger("steps", v, 1, 10000000)); },
         [](const S& s) { return integer(s.steps); }},
        {{"batch", "integer", "1 … 1024", "32", "examples per step"},
         [](S& s, V v) { s.batch = static_cast<int>(parseInteger("batch", v, 1, 1024)); },
         [](const S& s) { return integer(s.batch); }},
        {{"seed", "integer", "0 … 2^64 − 1", "1",
          "seed of the initial weights and of the data; the same seed repeats a run bit for bit"},
         [](S& s, V v) {
             std::uint64_t value = 0;
             const auto* end = v.data() + v.size();
             const auto [ptr, ec] = std::from_chars(v.data(), end, value);
             if (v.empty() || ec != std::errc() || ptr != end)
                 fail("seed", "'" + std::string(v) + "' is not a whole number from 0 to 2^64 − 1");
             s.seed = value;
         },
         [](const S& s) { return std::to_string(s.seed); }},
        {{"eval-every", "integer", "1 … 1000000", "100",
          "steps between held-out evaluations and attention snapshots"},
         [](S& s, V v) {
             s.evalEvery = static_cast<int>(parseInteger("eval-every", v, 1, 1000000));
         },
         [](const S& s) { return integer(s.evalEvery); }},
        {{"heldout", "integer", "1 … 100000", "256",
          "held-out examples for loss and accuracy (drawn from their own stream, never trained "
          "on)"},
         [](S& s, V v) { s.heldOut = static_cast<int>(parseInteger("heldout", v, 1, 100000)); },
         [](const S& s) { return integer(s.heldOut); }},
        {{"probe", "integer", "1 … heldout", "32",
          "held-out examples the head scores average over (the first is the heatmaps' example)"},
         [](S& s, V v) { s.probe = static_cast<int>(parseInteger("probe", v, 1, 100000)); },
         [](const S& s) { return integer(s.probe); }},
        {{"threads", "integer", "0 … 64", "0",
          "threads of a step; 0 = one for small models, more when a step is large (same numbers "
          "either way)"},
         [](S& s, V v) { s.threads = static_cast<int>(parseInteger("threads", v, 0, 64)); },
         [](const S& s) { return integer(s.threads); }},
        {{"save", "path", "folder", "", "write the trained model (config.json, model.safetensors)"},
         [](S& s, V v) { s.save = std::string(v); },
         [](const S& s) { return s.save; }},
        {{"log", "path", "file", "", "write the loss curve as CSV"},
         [](S& s, V v) { s.log = std::string(v); },
         [](const S& s) { return s.log; }},
        {{"summary", "path", "file", "", "write a JSON summary of the run"},
         [](S& s, V v) { s.summary = std::string(v); },
         [](const S& s) { return s.summary; }},
        {{"gif", "path", "file", "",
          "write the learning as an animated GIF: the probe's heatmaps (every layer × head) at "
          "every snapshot (see --eval-every), each with its step"},
         [](S& s, V v) { s.gif = std::string(v); },
         [](const S& s) { return s.gif; }},
        {{"strip", "path", "file", "",
          "write a PNG strip of the probe's heatmaps at the steps of --strip-steps, side by side "
          "for a slide"},
         [](S& s, V v) { s.strip = std::string(v); },
         [](const S& s) { return s.strip; }},
        {{"strip-steps", "steps", "steps separated by commas, each 0 … steps", "",
          "the steps the strip shows, e.g. 0,100,500,3000; without it 0, about a quarter, about "
          "a half and the last step"},
         [](S& s, V v) { s.stripSteps = std::string(v); },
         [](const S& s) { return s.stripSteps; }},
    };
    return table;
}

const Entry& entry(std::string_view option) {
    for (const Entry& e : entries())
        if (e.info.option == option)
            return e;
    throw InputError("--" + std::string(option) + ": there is no such training setting");
}

} // namespace

const std::vector<TrainSettingInfo>& trainSettingsTable() {
    static const std::vector<TrainSettingInfo> table = [] {
        std::vector<TrainSettingInfo> infos;
        for (const Entry& e : entries())
            infos.push_back(e.info);
        return infos;
    }();
    return table;
}

void applyTrainSetting(TrainSettings& settings, std::string_view option, std::string_view value) {
    entry(option).set(settings, value);
}

std::string trainSettingValue(const TrainSettings& settings, std::string_view option) {
    return entry(option).get(settings);
}

Architecture resolvedArchitecture(const TrainSettings& settings, const Task& task) {
    return settings.architecture ? *settings.architecture : task.preferredArchitecture();
}

void validate(const TrainSettings& s) {
    try {
        validate(s.task);
    } catch (const InputError& error) {
        throw InputError(std::string("task settings: ") + error.what());
    }
    if (!hasGradient(s.normalizer))
        throw CannotTrain("--normalizer: " + noGradientReason(s.normalizer));
    if (s.dModel % s.heads != 0)
        fail("heads", std::to_string(s.heads) + " heads do not divide d-model " +
                          std::to_string(s.dModel) + " into equal parts");
    if (s.positional == ModelPositional::Rope && s.dModel / s.heads < 2)
        fail("positional", "rope rotates pairs, so d-model / heads must be at least 2");
    if (s.probe > s.heldOut)
        fail("probe", "the probe set (" + std::to_string(s.probe) +
                          ") is drawn from the held-out set and cannot be larger (" +
                          std::to_string(s.heldOut) + ")");
    validate(s.optimizer);
    if (s.architecture == Architecture::EncoderDecoder &&
        (s.task.kind == TaskKind::Induction || s.task.kind == TaskKind::Language))
        fail("architecture", std::string("the ") + std::string(toString(s.task.kind)) +
                                 " task has no source for an encoder; use decoder or auto");
}

ModelConfig modelConfigFor(const TrainSettings& s, const Task& task) {
    ModelConfig c;
    c.vocabSize = task.vocabulary().size();
    c.architecture = resolvedArchitecture(s, task);
    const int source = task.maxSourceLength();
    const int target = task.maxTargetLength();
    c.maxPositions =
        c.architecture == Architecture::DecoderOnly ? source + target : std::max(source, target);
    c.layers = s.layers;
    c.heads = s.heads;
    c.dModel = s.dModel;
    c.additiveDim = s.additiveDim;
    c.ffnHidden = s.ffnHidden;
    c.scoring = s.scoring;
    c.normalizer = s.normalizer;
    c.positional = s.positional;
    c.ffn = s.ffn;
    c.layerNorm = s.layerNorm;
    c.window = s.window;
    c.temperature = s.temperature;
    c.cosineScale = s.cosineScale;
    validate(c);
    return c;
}

nlohmann::ordered_json toJson(const TrainSettings& settings) {
    nlohmann::ordered_json object = nlohmann::ordered_json::object();
    for (const Entry& e : entries()) {
        const std::string text = e.get(settings);
        const std::string key(e.info.option);
        if (e.info.type == "integer") {
            if (e.info.option == "seed")
                object[key] = settings.seed;
            else
                object[key] =
                    parseInteger(e.info.option, text, std::numeric_limits<long long>::min(),
                                 std::numeric_limits<long long>::max());
        } else if (e.info.type == "number") {
            object[key] = parseNumber(e.info.option, text, -std::numeric_limits<double>::max(),
                                      std::numeric_limits<double>::max());
        } else if (e.info.type == "boolean") {
            object[key] = text == "on";
        } else {
            object[key] = text;
        }
    }
    return object;
}

TrainSettings trainSettingsFromJson(const nlohmann::json& object) {
    if (!object.is_object())
        throw InputError("the training settings must be a JSON object");
    TrainSettings settings;
    for (const auto& [key, value] : object.items()) {
        std::string text;
        if (value.is_string())
            text = value.get<std::string>();
        else if (value.is_boolean())
            text = value.get<bool>() ? "on" : "off";
        else if (value.is_number_unsigned())
            text = std::to_string(value.get<std::uint64_t>());
        else if (value.is_number_integer())
            text = std::to_string(value.get<long long>());
        else if (value.is_number_float())
            text = formatNumber(value.get<double>());
        else
            throw InputError("setting '" + key + "' has a value of the wrong type");
        applyTrainSetting(settings, key, text);
    }
    return settings;
}

} // namespace attnlab::core::training
