#include "core/model/settings.h"

#include "core/attention/mask.h"
#include "core/attention/normalizer.h"
#include "core/attention/scoring.h"
#include "core/base/limits.h"
#include "core/base/names.h"
#include "core/efficient/attention_kind.h"

#include <cassert>
#include <charconv>
#include <cmath>
#include <limits>

namespace attnlab::core {
namespace {

using limits::kMaxHeads;
using limits::kMaxWidth;

// --- text forms of the types -------------------------------------------------------------------

// A value that cannot be read as the setting's type (a command line reports it as a usage
// error; a range error is an input error, found by checkSetting).
[[noreturn]] void reject(const Setting& setting, Message problem) {
    throw SettingFormatError(std::move(problem), std::string(setting.key));
}

[[noreturn]] void outOfRange(const Setting& setting, Message problem) {
    throw InputError(std::move(problem), std::string(setting.key));
}

long long parseInteger(const Setting& setting, std::string_view text) {
    long long value = 0;
    std::string_view digits = text;
    if (digits.starts_with('+'))
        digits.remove_prefix(1);
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (digits.empty() || ec == std::errc::invalid_argument || end != digits.data() + digits.size())
        reject(setting, message("'%1' is not a whole number", text));
    if (ec == std::errc::result_out_of_range)
        reject(setting, message("'%1' is too large", text));
    return value;
}

double parseReal(const Setting& setting, std::string_view text) {
    std::string_view digits = text;
    if (digits.starts_with('+'))
        digits.remove_prefix(1); // from_chars rejects a leading '+'; people write it
    double value = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (digits.empty() || ec == std::errc::invalid_argument || end != digits.data() + digits.size())
        reject(setting, message("'%1' is not a number", text));
    if (ec == std::errc::result_out_of_range || !std::isfinite(value) ||
        !std::isfinite(static_cast<float>(value)))
        reject(setting, message("'%1' is not a finite number", text));
    return value;
}

std::uint64_t parseSeedText(const Setting& setting, std::string_view text) {
    std::uint64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec == std::errc::result_out_of_range)
        reject(setting, message("'%1' is too large (at most 18446744073709551615)", text));
    if (text.empty() || ec != std::errc() || end != text.data() + text.size())
        reject(setting, message("'%1' is not a whole number of 0 or more", text));
    return value;
}

bool parseBoolean(const Setting& setting, std::string_view text) {
    if (text == "true" || text == "on" || text == "1")
        return true;
    if (text == "false" || text == "off" || text == "0")
        return false;
    reject(setting, message("'%1' is neither true nor false", text));
}

void checkRange(const Setting& setting, double value, std::string_view text) {
    if (setting.zeroMeansAuto && value == 0)
        return;
    if (value >= setting.minimum && value <= setting.maximum)
        return;
    if (setting.type == SettingType::Integer)
        outOfRange(setting, message("%1 must be between %2 and %3, not %4", term(setting.noun),
                                    setting.minimum, setting.maximum, text));
    outOfRange(setting, message("%1 must be a number from %2 to %3, not %4", term(setting.noun),
                                setting.minimum, setting.maximum, text));
}

std::string choiceText(const Setting& setting, std::string_view text) {
    const std::vector<std::string_view> names = setting.choices();
    for (std::string_view name : names)
        if (name == text)
            return std::string(text);
    const std::string suggestion = closestName(text, names);
    if (!suggestion.empty())
        reject(setting, message("unknown %1 '%2'; did you mean '%3'? Choose one of: %4",
                                term(setting.noun), text, suggestion, choiceList(names)));
    reject(setting, message("unknown %1 '%2'; choose one of: %3", term(setting.noun), text,
                            choiceList(names)));
}

// Integers beyond int are refused as too large here; the range is checkSetting's.
int integerOf(const Setting& setting, std::string_view text) {
    const long long value = parseInteger(setting, text);
    if (value < std::numeric_limits<int>::min() || value > std::numeric_limits<int>::max())
        reject(setting, message("'%1' is too large", text));
    return static_cast<int>(value);
}

float realOf(const Setting& setting, std::string_view text) {
    return static_cast<float>(parseReal(setting, text));
}

template <typename Entries> std::vector<std::string_view> namesOf(const Entries& entries) {
    std::vector<std::string_view> names;
    names.reserve(entries.size());
    for (const auto& entry : entries)
        names.push_back(entry.name);
    return names;
}

std::string text(int value) {
    return std::to_string(value);
}
std::string text(float value) {
    return numberText(value);
}

Message applies() {
    return {};
}

// Linear attention weighs keys by φ(q)·φ(k): no scores, logits or normaliser.
Message notForLinear(const Config& c) {
    return c.attention == AttentionKind::Linear
               ? message("linear attention weighs keys by the feature map, without scores, "
                         "temperature or normaliser")
               : applies();
}

// --- the entries -------------------------------------------------------------------------------

const Setting& entry(std::string_view key); // defined below; gives set() its own entry

std::vector<Setting> makeSchema() {
    const Config defaults;
    std::vector<Setting> s;

    Setting sentence{"sentence", "--sentence", "TEXT", SettingType::Text, SettingGroup::Model};
    sentence.noun = translatable("the sentence");
    sentence.label = translatable("Sentence");
    sentence.help = translatable("the query sentence (UTF-8)");
    sentence.get = [](const SettingsValues& v) { return v.config.sentence; };
    sentence.set = [](SettingsValues& v, std::string_view t) { v.config.sentence = t; };
    s.push_back(sentence);

    Setting source{"source", "--source", "TEXT", SettingType::Text, SettingGroup::Model};
    source.noun = translatable("the source sentence");
    source.label = translatable("Source sentence");
    source.help = translatable("a source sentence switches to cross-attention: queries from the "
                               "sentence, keys and values from the source");
    source.defaultText = "none (self-attention)";
    source.get = [](const SettingsValues& v) { return v.config.source; };
    source.set = [](SettingsValues& v, std::string_view t) { v.config.source = t; };
    s.push_back(source);

    Setting scoring{"scoring", "--scoring", "NAME", SettingType::Choice, SettingGroup::Model};
    scoring.noun = translatable("scoring function");
    scoring.label = translatable("Scoring");
    scoring.help = translatable("how a query and a key are scored");
    scoring.choices = [] { return namesOf(scoringFunctions()); };
    scoring.notApplicable = notForLinear;
    scoring.get = [](const SettingsValues& v) {
        return std::string(scoringEntry(v.config.scoring).name);
    };
    scoring.set = [](SettingsValues& v, std::string_view t) {
        v.config.scoring = parseScoringFunction(choiceText(entry("scoring"), t));
    };
    s.push_back(scoring);

    Setting normalizer{"normalizer", "--normalizer", "NAME", SettingType::Choice,
                       SettingGroup::Model};
    normalizer.noun = translatable("normalizer");
    normalizer.label = translatable("Normaliser");
    normalizer.help = translatable("turns each row of logits into weights");
    normalizer.choices = [] { return namesOf(normalizers()); };
    normalizer.notApplicable = notForLinear;
    normalizer.get = [](const SettingsValues& v) {
        return std::string(normalizerEntry(v.config.normalizer).name);
    };
    normalizer.set = [](SettingsValues& v, std::string_view t) {
        v.config.normalizer = parseNormalizer(choiceText(entry("normalizer"), t));
    };
    s.push_back(normalizer);

    Setting temperature{"temperature",          "--temperature",     "T",
                        SettingType::Real,      SettingGroup::Model, limits::kMinTemperature,
                        limits::kMaxTemperature};
    temperature.noun = translatable("the temperature");
    temperature.label = translatable("Temperature");
    temperature.help = translatable("logits are scores / T");
    temperature.logarithmic = true;
    temperature.notApplicable = notForLinear;
    temperature.get = [](const SettingsValues& v) { return text(v.config.temperature); };
    temperature.set = [](SettingsValues& v, std::string_view t) {
        v.config.temperature = realOf(entry("temperature"), t);
    };
    s.push_back(temperature);

    Setting heads{"heads", "--heads", "N", SettingType::Integer, SettingGroup::Model, 1, kMaxHeads};
    heads.noun = translatable("the number of heads");
    heads.label = translatable("Heads");
    heads.help = translatable("number of attention heads");
    heads.get = [](const SettingsValues& v) { return text(v.config.heads); };
    heads.set = [](SettingsValues& v, std::string_view t) {
        v.config.heads = integerOf(entry("heads"), t);
    };
    s.push_back(heads);

    Setting dModel{"d_model",
                   "--d-model",
                   "N",
                   SettingType::Integer,
                   SettingGroup::Model,
                   limits::kMinModelWidth,
                   kMaxWidth};
    dModel.noun = translatable("d_model");
    dModel.label = translatable("d_model");
    dModel.help = translatable("embedding width; an embeddings file sets its own");
    dModel.get = [](const SettingsValues& v) { return text(v.config.dModel); };
    dModel.set = [](SettingsValues& v, std::string_view t) {
        v.config.dModel = integerOf(entry("d_model"), t);
    };
    dModel.checkedOnlyWhereItApplies = true;
    dModel.notApplicable = [](const Config& c) {
        return c.embeddings == EmbeddingSource::Builtin
                   ? applies()
                   : message("the embeddings decide d_model: their vectors' width");
    };
    s.push_back(dModel);

    Setting dK{"d_k", "--d-k", "N", SettingType::Integer, SettingGroup::Model, 1, kMaxWidth};
    dK.noun = translatable("d_k");
    dK.zeroMeansAuto = true;
    dK.label = translatable("d_k");
    dK.help = translatable("width of each head; 0 follows d_model / heads");
    dK.defaultText = "d_model / heads";
    dK.get = [](const SettingsValues& v) { return text(v.config.dK); };
    dK.set = [](SettingsValues& v, std::string_view t) {
        v.config.dK = integerOf(entry("d_k"), t);
    };
    s.push_back(dK);

    Setting dA{"d_a", "--d-a", "N", SettingType::Integer, SettingGroup::Model, 1, kMaxWidth};
    dA.noun = translatable("the additive width d_a");
    dA.zeroMeansAuto = true;
    dA.label = translatable("d_a");
    dA.help = translatable("hidden width of the additive score; 0 follows d_k");
    dA.defaultText = "d_k";
    dA.get = [](const SettingsValues& v) { return text(v.config.additiveDim); };
    dA.set = [](SettingsValues& v, std::string_view t) {
        v.config.additiveDim = integerOf(entry("d_a"), t);
    };
    dA.notApplicable = [](const Config& c) {
        if (c.attention == AttentionKind::Linear)
            return notForLinear(c);
        return scoringEntry(c.scoring).usesAdditiveWidth
                   ? applies()
                   : message("only the additive scoring function has a hidden width");
    };
    s.push_back(dA);

    Setting cosine{"cosine_scale",         "--cosine-scale",    "S",
                   SettingType::Real,      SettingGroup::Model, -limits::kMaxCosineScale,
                   limits::kMaxCosineScale};
    cosine.noun = translatable("the cosine scale");
    cosine.label = translatable("Cosine scale");
    cosine.help = translatable("scale s of the cosine scoring function");
    cosine.get = [](const SettingsValues& v) { return text(v.config.cosineScale); };
    cosine.set = [](SettingsValues& v, std::string_view t) {
        v.config.cosineScale = realOf(entry("cosine_scale"), t);
    };
    cosine.notApplicable = [](const Config& c) {
        if (c.attention == AttentionKind::Linear)
            return notForLinear(c);
        return scoringEntry(c.scoring).usesCosineScale
                   ? applies()
                   : message("only the cosine scoring function has a scale");
    };
    s.push_back(cosine);

    Setting mask{"mask", "--mask", "MASK", SettingType::Mask, SettingGroup::Model};
    mask.noun = translatable("the mask");
    mask.label = translatable("Mask");
    mask.help = translatable("which keys a query sees: causal j <= i (self-attention only), "
                             "padding:L pads the sentence with [PAD] to L tokens, window:W sees "
                             "|i - j| <= W; the sparse patterns dilated:W:D, strided:S, "
                             "longformer:W:G, bigbird:W:G:R and block:B");
    mask.defaultText = "none";
    mask.get = [](const SettingsValues& v) { return toString(v.config.mask); };
    mask.set = [](SettingsValues& v, std::string_view t) {
        if (t == "custom") {
            MaskSpec custom;
            custom.kind = MaskKind::Custom;
            custom.blocked = v.config.mask.kind == MaskKind::Custom ? v.config.mask.blocked
                                                                    : decltype(custom.blocked){};
            v.config.mask = std::move(custom);
            return;
        }
        try {
            v.config.mask = parseMask(t);
        } catch (const InputError& error) {
            throw SettingFormatError(error.message(), "mask");
        }
    };
    s.push_back(mask);

    Setting attention{"attention", "--attention", "KIND", SettingType::Choice, SettingGroup::Model};
    attention.noun = translatable("attention kind");
    attention.label = translatable("Attention");
    attention.help = translatable("dense: the full weights; tiled: the same softmax attention "
                                  "block by block in memory linear in n; linear: phi(Q)(phi(K)^T "
                                  "V), an approximation in time linear in n");
    attention.choices = [] { return namesOf(attentionKinds()); };
    attention.get = [](const SettingsValues& v) {
        return std::string(toString(v.config.attention));
    };
    attention.set = [](SettingsValues& v, std::string_view t) {
        v.config.attention = parseAttentionKind(choiceText(entry("attention"), t));
    };
    s.push_back(attention);

    Setting featureMap{"feature_map", "--feature-map", "NAME", SettingType::Choice,
                       SettingGroup::Model};
    featureMap.noun = translatable("feature map");
    featureMap.label = translatable("Feature map");
    featureMap.help = translatable("phi of linear attention: softmax over the features, elu(x) + "
                                   "1, relu, or favor (Performer's M random features)");
    featureMap.choices = [] { return namesOf(featureMaps()); };
    featureMap.get = [](const SettingsValues& v) {
        return std::string(toString(v.config.featureMap));
    };
    featureMap.set = [](SettingsValues& v, std::string_view t) {
        v.config.featureMap = parseFeatureMap(choiceText(entry("feature_map"), t));
    };
    featureMap.notApplicable = [](const Config& c) {
        return c.attention == AttentionKind::Linear
                   ? applies()
                   : message("only linear attention has a feature map");
    };
    s.push_back(featureMap);

    Setting features{"features",           "--features",        "M",
                     SettingType::Integer, SettingGroup::Model, kMinFavorFeatures,
                     kMaxFavorFeatures};
    features.noun = translatable("the number of random features M");
    features.label = translatable("Features M");
    features.help = translatable("random features of the favor map; more features estimate "
                                 "softmax attention more closely");
    features.get = [](const SettingsValues& v) { return text(v.config.features); };
    features.set = [](SettingsValues& v, std::string_view t) {
        v.config.features = integerOf(entry("features"), t);
    };
    features.notApplicable = [](const Config& c) {
        return c.attention == AttentionKind::Linear && c.featureMap == FeatureMap::Favor
                   ? applies()
                   : message("only the favor feature map of linear attention has random "
                             "features");
    };
    s.push_back(features);

    Setting positional{"positional", "--positional", "NAME", SettingType::Choice,
                       SettingGroup::Model};
    positional.noun = translatable("positional encoding");
    positional.label = translatable("Positions");
    positional.help = translatable("positional encoding");
    positional.choices = [] {
        std::vector<std::string_view> names;
        for (PositionalEncoding value : allPositionalEncodings())
            names.push_back(toString(value));
        return names;
    };
    positional.get = [](const SettingsValues& v) {
        return std::string(toString(v.config.positional));
    };
    positional.set = [](SettingsValues& v, std::string_view t) {
        v.config.positional = parsePositionalEncoding(choiceText(entry("positional"), t));
    };
    s.push_back(positional);

    Setting projection{"projection", "--projection", "NAME", SettingType::Choice,
                       SettingGroup::Model};
    projection.noun = translatable("projection");
    projection.label = translatable("Projection");
    projection.help = translatable("W_q, W_k, W_v, W_o: identity slices, seeded Xavier-normal "
                                   "random matrices, or numbers typed in the window");
    projection.choices = [] {
        return std::vector<std::string_view>{"identity", "random", "manual"};
    };
    projection.get = [](const SettingsValues& v) {
        return std::string(toString(v.config.projection));
    };
    projection.set = [](SettingsValues& v, std::string_view t) {
        v.config.projection = parseProjectionInit(choiceText(entry("projection"), t));
    };
    s.push_back(projection);

    Setting seed{"seed", "--seed", "N", SettingType::Seed, SettingGroup::Model};
    seed.noun = translatable("the seed");
    seed.label = translatable("Seed");
    seed.help = translatable("seed of random projections and scoring parameters");
    seed.get = [](const SettingsValues& v) { return std::to_string(v.config.seed); };
    seed.set = [](SettingsValues& v, std::string_view t) {
        v.config.seed = parseSeedText(entry("seed"), t);
    };
    s.push_back(seed);

    Setting tokenizer{"tokenizer", "--tokenizer", "MODE", SettingType::Choice, SettingGroup::Model};
    tokenizer.noun = translatable("tokenizer mode");
    tokenizer.label = translatable("Tokens");
    tokenizer.help = translatable("how sentences are split into tokens");
    tokenizer.choices = [] {
        std::vector<std::string_view> names;
        for (TokenizerMode mode : allTokenizerModes())
            names.push_back(toString(mode));
        return names;
    };
    tokenizer.get = [](const SettingsValues& v) {
        return std::string(toString(v.config.tokenizer.mode));
    };
    tokenizer.set = [](SettingsValues& v, std::string_view t) {
        v.config.tokenizer.mode = parseTokenizerMode(choiceText(entry("tokenizer"), t));
    };
    s.push_back(tokenizer);

    Setting punctuation{"keep_punctuation", "", "", SettingType::Boolean, SettingGroup::Model};
    punctuation.noun = translatable("keep punctuation");
    punctuation.label = translatable("Keep punctuation");
    punctuation.help = translatable("punctuation marks become tokens of their own");
    punctuation.get = [](const SettingsValues& v) {
        return std::string(v.config.tokenizer.keepPunctuation ? "true" : "false");
    };
    punctuation.set = [](SettingsValues& v, std::string_view t) {
        v.config.tokenizer.keepPunctuation = parseBoolean(entry("keep_punctuation"), t);
    };
    s.push_back(punctuation);

    Setting maxTokens{"max_tokens",          "--max-tokens",      "N",
                      SettingType::Integer,  SettingGroup::Model, 1,
                      limits::kMaxTokenLimit};
    maxTokens.noun = translatable("the token limit");
    maxTokens.label = translatable("Token limit");
    maxTokens.help = translatable("the most tokens a sentence may have");
    maxTokens.get = [](const SettingsValues& v) { return text(v.config.tokenizer.maxTokens); };
    maxTokens.set = [](SettingsValues& v, std::string_view t) {
        v.config.tokenizer.maxTokens = integerOf(entry("max_tokens"), t);
    };
    s.push_back(maxTokens);

    // --- how the window shows the maps ---

    auto viewChoice = [](std::string_view key, std::string_view option, std::string_view noun,
                         std::string_view label, std::string_view help,
                         std::vector<std::string_view> (*choices)()) {
        Setting setting{key, option, "NAME", SettingType::Choice, SettingGroup::View};
        setting.noun = noun;
        setting.label = label;
        setting.help = help;
        setting.choices = choices;
        return setting;
    };
    Setting layout =
        viewChoice("layout", "", translatable("layout"), translatable("Layout"),
                   translatable("every head, one head large, or the heads combined"), [] {
                       return std::vector<std::string_view>{"grid", "one", "combined"};
                   });
    layout.get = [](const SettingsValues& v) { return v.view.layout; };
    layout.set = [](SettingsValues& v, std::string_view t) {
        v.view.layout = choiceText(entry("layout"), t);
    };
    s.push_back(layout);

    Setting colorMap = viewChoice(
        "color_map", "--colormap", "colour map", translatable("Colours"),
        translatable("colours of the heatmaps"), [] {
            return std::vector<std::string_view>{"viridis", "cividis", "magma", "grayscale"};
        });
    colorMap.get = [](const SettingsValues& v) { return v.view.colorMap; };
    colorMap.set = [](SettingsValues& v, std::string_view t) {
        v.view.colorMap = choiceText(entry("color_map"), t);
    };
    s.push_back(colorMap);

    Setting colorScale = viewChoice(
        "color_scale", "--color-scale", "colour scale", translatable("Colour scale"),
        translatable("shared: 0 to 1 for every map; fitted: 0 to the largest weight shown; "
                     "per-head: each map its own"),
        [] {
            return std::vector<std::string_view>{"shared", "fitted", "per-head"};
        });
    colorScale.valueName = "MODE";
    colorScale.get = [](const SettingsValues& v) { return v.view.colorScale; };
    colorScale.set = [](SettingsValues& v, std::string_view t) {
        v.view.colorScale = choiceText(entry("color_scale"), t);
    };
    s.push_back(colorScale);

    Setting values = viewChoice(
        "cell_values", "--values", translatable("cell values"), translatable("Numbers in cells"),
        translatable("numbers inside the cells (auto: up to 12 tokens)"), [] {
            return std::vector<std::string_view>{"auto", "on", "off"};
        });
    values.valueName = "MODE";
    values.get = [](const SettingsValues& v) { return v.view.cellValues; };
    values.set = [](SettingsValues& v, std::string_view t) {
        v.view.cellValues = choiceText(entry("cell_values"), t);
    };
    s.push_back(values);

    Setting zoom{"zoom", "", "Z", SettingType::Real, SettingGroup::View, 0.5, 3.0};
    zoom.noun = translatable("the zoom");
    zoom.label = translatable("Zoom");
    zoom.help = translatable("size of the heatmaps");
    zoom.get = [](const SettingsValues& v) { return numberText(v.view.zoom); };
    zoom.set = [](SettingsValues& v, std::string_view t) {
        v.view.zoom = parseReal(entry("zoom"), t);
    };
    s.push_back(zoom);

    auto viewIndex = [](std::string_view key, std::string_view noun, int minimum) {
        Setting setting{key,
                        "",
                        "N",
                        SettingType::Integer,
                        SettingGroup::View,
                        static_cast<double>(minimum),
                        static_cast<double>(limits::kMaxTokenLimit)};
        setting.noun = noun;
        return setting;
    };
    Setting focused = viewIndex("focused_head", translatable("the focused head"), -2);
    focused.help = translatable("head of the one-head layout, from 0; -1 the mean, -2 the maximum");
    focused.get = [](const SettingsValues& v) { return text(v.view.focusedHead); };
    focused.set = [](SettingsValues& v, std::string_view t) {
        v.view.focusedHead = integerOf(entry("focused_head"), t);
    };
    s.push_back(focused);
    Setting selectedHead = viewIndex("selected_head", translatable("the selected head"), -2);
    selectedHead.help =
        translatable("head of the selected cell, from 0; -1 the mean, -2 the maximum");
    selectedHead.get = [](const SettingsValues& v) { return text(v.view.selectedHead); };
    selectedHead.set = [](SettingsValues& v, std::string_view t) {
        v.view.selectedHead = integerOf(entry("selected_head"), t);
    };
    s.push_back(selectedHead);
    Setting selectedQuery = viewIndex("selected_query", translatable("the selected query"), -1);
    selectedQuery.help = translatable("selected query row, from 0; -1 none");
    selectedQuery.get = [](const SettingsValues& v) { return text(v.view.selectedQuery); };
    selectedQuery.set = [](SettingsValues& v, std::string_view t) {
        v.view.selectedQuery = integerOf(entry("selected_query"), t);
    };
    s.push_back(selectedQuery);
    Setting selectedKey = viewIndex("selected_key", translatable("the selected key"), -1);
    selectedKey.help = translatable("selected key column, from 0; -1 none");
    selectedKey.get = [](const SettingsValues& v) { return text(v.view.selectedKey); };
    selectedKey.set = [](SettingsValues& v, std::string_view t) {
        v.view.selectedKey = integerOf(entry("selected_key"), t);
    };
    s.push_back(selectedKey);
    return s;
}

const Setting& entry(std::string_view key) {
    const Setting* found = findSetting(key);
    assert(found && "a setting without a schema entry");
    return *found;
}

// What the tiled and linear kernels compute (docs/attention-math.md, "Efficient attention"):
// tiled is softmax over scaled dot products, linear has its own weights and only the causal
// mask. Other choices are refused rather than silently replaced.
void checkAttentionKind(const Config& config) {
    if (config.attention == AttentionKind::Tiled) {
        if (config.scoring != ScoringFunction::ScaledDot && config.scoring != ScoringFunction::Dot)
            throw InputError(message("tiled attention scores by the dot product (scaled-dot or "
                                     "dot), not %1; choose one of them or the dense kind",
                                     scoringEntry(config.scoring).name),
                             "attention");
        if (config.normalizer != Normalizer::Softmax)
            throw InputError(message("tiled attention computes softmax by online softmax, not "
                                     "%1; choose softmax or the dense kind",
                                     normalizerEntry(config.normalizer).name),
                             "attention");
    }
    if (config.attention != AttentionKind::Dense && config.positional == PositionalEncoding::Alibi)
        throw InputError(message("ALiBi adds a bias to the logits, which the %1 kind does not "
                                 "form; choose another positional encoding or the dense kind",
                                 toString(config.attention)),
                         "attention");
    if (config.attention == AttentionKind::Linear && config.mask.kind != MaskKind::None &&
        config.mask.kind != MaskKind::Causal)
        throw InputError(message("linear attention takes no mask but causal (by prefix sums), "
                                 "not %1; choose none or causal, or another kind",
                                 toString(config.mask)),
                         "mask");
}

} // namespace

const std::vector<Setting>& settingsSchema() {
    static const std::vector<Setting> schema = makeSchema();
    return schema;
}

const Setting* findSetting(std::string_view key) {
    for (const Setting& setting : settingsSchema())
        if (setting.key == key)
            return &setting;
    return nullptr;
}

const Setting* findSettingByOption(std::string_view option) {
    if (option.empty())
        return nullptr;
    for (const Setting& setting : settingsSchema())
        if (setting.option == option)
            return &setting;
    return nullptr;
}

void checkSetting(const Setting& setting, const SettingsValues& values) {
    // The value is checked in its text form, the form people type and read: 1e-6 is in range
    // although the float nearest to it is a little smaller.
    const std::string text = setting.get(values);
    if (setting.type == SettingType::Integer)
        checkRange(setting, static_cast<double>(parseInteger(setting, text)), text);
    else if (setting.type == SettingType::Real)
        checkRange(setting, parseReal(setting, text), text);
}

void checkSettings(const SettingsValues& values) {
    for (const Setting& setting : settingsSchema()) {
        if (setting.group != SettingGroup::Model)
            continue;
        if (setting.checkedOnlyWhereItApplies && setting.notApplicable &&
            !setting.notApplicable(values.config).text.empty())
            continue;
        checkSetting(setting, values);
    }
    const Config& config = values.config;
    if (config.mask.kind == MaskKind::Window && config.mask.window < 0)
        throw InputError(message("the window width must be 0 or more, not %1", config.mask.window),
                         "mask");
    if (config.mask.kind == MaskKind::Padding && config.mask.padLength > config.tokenizer.maxTokens)
        throw InputError(message("the padding length %1 is above the token limit %2",
                                 config.mask.padLength, config.tokenizer.maxTokens),
                         "mask");
    if (config.mask.kind == MaskKind::Causal && !config.source.empty())
        throw InputError(message("the causal mask applies to self-attention only; remove the "
                                 "source sentence or choose another mask"),
                         "mask");
    checkAttentionKind(config);
}

std::string settingText(const Setting& setting, const SettingsValues& values) {
    if (setting.notApplicable && !setting.notApplicable(values.config).text.empty())
        return {};
    return setting.get(values);
}

std::string rangeText(const Setting& setting) {
    if (setting.type != SettingType::Integer && setting.type != SettingType::Real)
        return {};
    return numberText(setting.minimum) + " to " + numberText(setting.maximum);
}

} // namespace attnlab::core
