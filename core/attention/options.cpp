#include "core/attention/options.h"

#include "core/base/types.h"

#include <array>
#include <string>

namespace attnlab::core {
namespace {

template <typename Enum, std::size_t N>
using NameTable = std::array<std::pair<Enum, std::string_view>, N>;

constexpr NameTable<ScoringFunction, 5> kScoringNames{{
    {ScoringFunction::Dot, "dot"},
    {ScoringFunction::ScaledDot, "scaled-dot"},
    {ScoringFunction::General, "general"},
    {ScoringFunction::Additive, "additive"},
    {ScoringFunction::Cosine, "cosine"},
}};
constexpr NameTable<Normalizer, 5> kNormalizerNames{{
    {Normalizer::Softmax, "softmax"},
    {Normalizer::Sparsemax, "sparsemax"},
    {Normalizer::Relu, "relu"},
    {Normalizer::Sigmoid, "sigmoid"},
    {Normalizer::Hardmax, "hardmax"},
}};
constexpr NameTable<PositionalEncoding, 4> kPositionalNames{{
    {PositionalEncoding::None, "none"},
    {PositionalEncoding::Sinusoidal, "sinusoidal"},
    {PositionalEncoding::Rope, "rope"},
    {PositionalEncoding::Alibi, "alibi"},
}};
constexpr NameTable<ProjectionInit, 3> kProjectionNames{{
    {ProjectionInit::Identity, "identity"},
    {ProjectionInit::Random, "random"},
    {ProjectionInit::Manual, "manual"},
}};

template <typename Enum, std::size_t N>
std::string_view nameOf(const NameTable<Enum, N>& table, Enum value) {
    for (const auto& [entry, name] : table)
        if (entry == value)
            return name;
    return "?";
}

template <typename Enum, std::size_t N>
Enum parseName(const NameTable<Enum, N>& table, std::string_view name, std::string_view what) {
    std::string choices;
    for (const auto& [entry, entryName] : table) {
        if (entryName == name)
            return entry;
        if (!choices.empty())
            choices += ", ";
        choices += entryName;
    }
    throw InputError("unknown " + std::string(what) + " '" + std::string(name) +
                     "'; choose one of: " + choices);
}

template <typename Enum, std::size_t N> std::vector<Enum> allOf(const NameTable<Enum, N>& table) {
    std::vector<Enum> values;
    for (const auto& entry : table)
        values.push_back(entry.first);
    return values;
}

} // namespace

std::string_view toString(ScoringFunction value) {
    return nameOf(kScoringNames, value);
}
std::string_view toString(Normalizer value) {
    return nameOf(kNormalizerNames, value);
}
std::string_view toString(PositionalEncoding value) {
    return nameOf(kPositionalNames, value);
}
std::string_view toString(ProjectionInit value) {
    return nameOf(kProjectionNames, value);
}

const std::vector<ScoringFunction>& allScoringFunctions() {
    static const std::vector<ScoringFunction> values = allOf(kScoringNames);
    return values;
}
const std::vector<Normalizer>& allNormalizers() {
    static const std::vector<Normalizer> values = allOf(kNormalizerNames);
    return values;
}
const std::vector<PositionalEncoding>& allPositionalEncodings() {
    static const std::vector<PositionalEncoding> values = allOf(kPositionalNames);
    return values;
}

ScoringFunction parseScoringFunction(std::string_view name) {
    return parseName(kScoringNames, name, "scoring function");
}
Normalizer parseNormalizer(std::string_view name) {
    return parseName(kNormalizerNames, name, "normalizer");
}
PositionalEncoding parsePositionalEncoding(std::string_view name) {
    return parseName(kPositionalNames, name, "positional encoding");
}
ProjectionInit parseProjectionInit(std::string_view name) {
    return parseName(kProjectionNames, name, "projection");
}

} // namespace attnlab::core
