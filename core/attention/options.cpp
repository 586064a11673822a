#include "core/attention/options.h"

#include "core/attention/normalizer.h"
#include "core/attention/scoring.h"
#include "core/base/names.h"
#include "core/base/types.h"

#include <array>
#include <string>

namespace attnlab::core {
namespace {

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

// "unknown scoring function 'dott'; did you mean 'dot'? Choose one of: …", about setting `key`.
InputError unknownChoice(std::string_view key, std::string_view name,
                         const std::vector<std::string_view>& names) {
    const std::string_view what = key == "scoring"      ? translatable("scoring function")
                                  : key == "normalizer" ? translatable("normalizer")
                                  : key == "positional" ? translatable("positional encoding")
                                                        : translatable("projection");
    const std::string suggestion = closestName(name, names);
    if (!suggestion.empty())
        return InputError(message("unknown %1 '%2'; did you mean '%3'? Choose one of: %4",
                                  term(what), name, suggestion, choiceList(names)),
                          std::string(key));
    return InputError(
        message("unknown %1 '%2'; choose one of: %3", term(what), name, choiceList(names)),
        std::string(key));
}

template <typename Enum, std::size_t N>
Enum parseName(const NameTable<Enum, N>& table, std::string_view name, std::string_view key) {
    std::vector<std::string_view> names;
    for (const auto& [entry, entryName] : table) {
        if (entryName == name)
            return entry;
        names.push_back(entryName);
    }
    throw unknownChoice(key, name, names);
}

template <typename Enum, std::size_t N> std::vector<Enum> allOf(const NameTable<Enum, N>& table) {
    std::vector<Enum> values;
    for (const auto& entry : table)
        values.push_back(entry.first);
    return values;
}

} // namespace

std::string_view toString(ScoringFunction value) {
    return scoringEntry(value).name;
}
std::string_view toString(Normalizer value) {
    return normalizerEntry(value).name;
}
std::string_view toString(PositionalEncoding value) {
    return nameOf(kPositionalNames, value);
}
std::string_view toString(ProjectionInit value) {
    return nameOf(kProjectionNames, value);
}

const std::vector<ScoringFunction>& allScoringFunctions() {
    static const std::vector<ScoringFunction> values = [] {
        std::vector<ScoringFunction> out;
        for (const ScoringEntry& entry : scoringFunctions())
            out.push_back(entry.id);
        return out;
    }();
    return values;
}
const std::vector<Normalizer>& allNormalizers() {
    static const std::vector<Normalizer> values = [] {
        std::vector<Normalizer> out;
        for (const NormalizerEntry& entry : normalizers())
            out.push_back(entry.id);
        return out;
    }();
    return values;
}
const std::vector<PositionalEncoding>& allPositionalEncodings() {
    static const std::vector<PositionalEncoding> values = allOf(kPositionalNames);
    return values;
}

ScoringFunction parseScoringFunction(std::string_view name) {
    std::vector<std::string_view> names;
    for (const ScoringEntry& entry : scoringFunctions()) {
        if (entry.name == name)
            return entry.id;
        names.push_back(entry.name);
    }
    throw unknownChoice("scoring", name, names);
}
Normalizer parseNormalizer(std::string_view name) {
    std::vector<std::string_view> names;
    for (const NormalizerEntry& entry : normalizers()) {
        if (entry.name == name)
            return entry.id;
        names.push_back(entry.name);
    }
    throw unknownChoice("normalizer", name, names);
}
PositionalEncoding parsePositionalEncoding(std::string_view name) {
    return parseName(kPositionalNames, name, "positional");
}
ProjectionInit parseProjectionInit(std::string_view name) {
    return parseName(kProjectionNames, name, "projection");
}

} // namespace attnlab::core
