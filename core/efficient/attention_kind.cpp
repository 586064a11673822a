#include "core/efficient/attention_kind.h"

#include "core/base/message.h"
#include "core/base/types.h"

#include <array>

namespace attnlab::core {
namespace {

constexpr std::array<ChoiceInfo<AttentionKind>, 3> kKinds{{
    {AttentionKind::Dense, "dense",
     translatable(
         "the full n×n weights, every scoring function and normaliser (memory grows as n²)")},
    {AttentionKind::Tiled, "tiled",
     translatable(
         "exact softmax attention by online softmax over blocks of keys; memory grows as n")},
    {AttentionKind::Linear, "linear",
     translatable(
         "φ(Q)(φ(K)ᵀV) normalised row by row: time and memory grow as n; approximates softmax")},
}};

constexpr std::array<ChoiceInfo<FeatureMap>, 4> kFeatureMaps{{
    {FeatureMap::Softmax, "softmax",
     translatable("softmax over the features of each row (the tutorial's)")},
    {FeatureMap::Elu, "elu",
     translatable("elu(x) + 1, always positive (Katharopoulos et al. 2020)")},
    {FeatureMap::Relu, "relu",
     translatable("max(x, 0); a row with no positive feature gets no weights")},
    {FeatureMap::Favor, "favor",
     translatable(
         "Performer FAVOR+: M seeded orthogonal random features estimating exp(q·k/√d_k)")},
}};

template <typename Enum, std::size_t N>
std::string_view nameOf(const std::array<ChoiceInfo<Enum>, N>& table, Enum value) {
    for (const auto& row : table)
        if (row.value == value)
            return row.name;
    return "?";
}

template <typename Enum, std::size_t N>
Enum parseName(const std::array<ChoiceInfo<Enum>, N>& table, std::string_view name,
               std::string_view what) {
    std::string choices;
    for (const auto& row : table) {
        if (row.name == name)
            return row.value;
        choices += (choices.empty() ? "" : ", ") + std::string(row.name);
    }
    throw InputError("unknown " + std::string(what) + " '" + std::string(name) +
                     "'; choose one of: " + choices);
}

} // namespace

std::span<const ChoiceInfo<AttentionKind>> attentionKinds() {
    return kKinds;
}
std::span<const ChoiceInfo<FeatureMap>> featureMaps() {
    return kFeatureMaps;
}

std::string_view toString(AttentionKind kind) {
    return nameOf(kKinds, kind);
}
std::string_view toString(FeatureMap map) {
    return nameOf(kFeatureMaps, map);
}
AttentionKind parseAttentionKind(std::string_view name) {
    return parseName(kKinds, name, "attention kind");
}
FeatureMap parseFeatureMap(std::string_view name) {
    return parseName(kFeatureMaps, name, "feature map");
}

void validate(const AttentionKindSettings& settings) {
    if (settings.features < kMinFavorFeatures || settings.features > kMaxFavorFeatures)
        throw InputError("the number of random features M must be from " +
                         std::to_string(kMinFavorFeatures) + " to " +
                         std::to_string(kMaxFavorFeatures) + ", not " +
                         std::to_string(settings.features));
    if (settings.tileSize < kMinTileSize || settings.tileSize > kMaxTileSize)
        throw InputError("the tile size B must be from " + std::to_string(kMinTileSize) + " to " +
                         std::to_string(kMaxTileSize) + " keys, not " +
                         std::to_string(settings.tileSize));
}

std::string describe(const AttentionKindSettings& settings) {
    std::string text(toString(settings.kind));
    if (settings.kind == AttentionKind::Linear) {
        text += ":" + std::string(toString(settings.featureMap));
        if (settings.featureMap == FeatureMap::Favor)
            text += ":" + std::to_string(settings.features);
    }
    return text;
}

} // namespace attnlab::core
