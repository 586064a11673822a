#include "core/io/lesson_check.h"

#include "core/base/message.h"
#include "core/efficient/complexity.h"
#include "core/model/settings.h"

#include <array>
#include <cmath>
#include <cstdint>
#include <string_view>

namespace attnlab::core {
namespace {

struct KindName {
    CheckMeasure measure;
    std::string_view name;
};

constexpr std::array<KindName, 12> kKinds{
    {{CheckMeasure::Argmax, "argmax"},
     {CheckMeasure::Weight, "weight"},
     {CheckMeasure::MaxWeight, "max_weight"},
     {CheckMeasure::Entropy, "entropy"},
     {CheckMeasure::Score, "score"},
     {CheckMeasure::TimeSlope, "time_slope"},
     {CheckMeasure::MemorySlope, "memory_slope"},
     {CheckMeasure::CellsSlope, "cells_slope"},
     {CheckMeasure::MeanRowKL, "mean_row_kl"},
     {CheckMeasure::MeanRowReverseKL, "mean_row_reverse_kl"},
     {CheckMeasure::DroppedWeight, "dropped_weight"},
     {CheckMeasure::MaxOutputDifference, "max_output_difference"}}};

struct TokenWord {
    CheckToken::Kind kind;
    std::string_view word;
};

constexpr std::array<TokenWord, 5> kTokenWords{{{CheckToken::Kind::Each, "each"},
                                                {CheckToken::Kind::Self, "self"},
                                                {CheckToken::Kind::Previous, "previous"},
                                                {CheckToken::Kind::Next, "next"},
                                                {CheckToken::Kind::Blocked, "blocked"}}};

struct RelationName {
    CheckRelation relation;
    std::string_view name;
};

constexpr std::array<RelationName, 3> kRelations{{{CheckRelation::Greater, "greater_than"},
                                                  {CheckRelation::Less, "less_than"},
                                                  {CheckRelation::Same, "same_as"}}};

std::string_view tokenWord(CheckToken::Kind kind) {
    for (const TokenWord& entry : kTokenWords)
        if (entry.kind == kind)
            return entry.word;
    return {};
}

std::string listOf(std::initializer_list<CheckToken::Kind> kinds) {
    std::string out;
    for (CheckToken::Kind kind : kinds) {
        if (kind == CheckToken::Kind::Text || kind == CheckToken::Kind::Position)
            continue;
        out += (out.empty() ? "\"" : ", \"") + std::string(tokenWord(kind)) + "\"";
    }
    return out;
}

// A row or key: a 1-based position, a token's text or one of the `allowed` words. A text that
// happens to be a word of another place (a sentence with the token "next" used as a row) must be
// given by its position instead.
CheckToken tokenAt(const json::Value& value, const std::string& where,
                   std::initializer_list<CheckToken::Kind> allowed) {
    CheckToken token;
    if (value.is_number()) {
        token.kind = CheckToken::Kind::Position;
        token.position = json::integerAt(value, where);
        if (token.position < 1)
            throw InputError(where + ": positions count from 1, as on screen, not " +
                             std::to_string(token.position));
        return token;
    }
    if (!value.is_string())
        throw InputError(where + ": expected a token's text or its position (from 1), found " +
                         std::string(json::typeName(value)));
    const std::string& text = value.get<std::string>();
    if (text.empty())
        throw InputError(where + ": the token's text is empty");
    for (const TokenWord& entry : kTokenWords) {
        if (text != entry.word)
            continue;
        for (CheckToken::Kind kind : allowed)
            if (kind == entry.kind) {
                token.kind = kind;
                return token;
            }
        const std::string words = listOf(allowed);
        throw InputError(
            (where + ": \"")
                .append(text)
                .append("\" has no meaning here")
                .append(words.empty() ? std::string() : "; the words here are " + words)
                .append(" (a token with this text can be named by its position)"));
    }
    token.kind = CheckToken::Kind::Text;
    token.text = text;
    return token;
}

int headAt(const json::Value& value, const std::string& where) {
    if (value.is_string() && value.get<std::string>() == "each")
        return 0;
    if (!value.is_number())
        throw InputError(where + ": expected a head number (from 1) or \"each\"");
    const int head = json::integerAt(value, where);
    if (head < 1)
        throw InputError(where + ": heads count from 1, as on screen, not " + std::to_string(head));
    return head;
}

double finiteAt(const json::Value& value, const std::string& where) {
    const double number = json::numberAt(value, where);
    if (!std::isfinite(number))
        throw InputError(where + ": expected a finite number");
    return number;
}

// A setting's JSON value as the schema's text (the same types as the settings of "config").
std::string settingTextOf(const Setting& setting, const json::Value& value,
                          const std::string& where) {
    switch (setting.type) {
    case SettingType::Integer:
        if (setting.zeroMeansAuto && value.is_null())
            return "0";
        return std::to_string(json::integerAt(value, where));
    case SettingType::Real:
        return numberText(finiteAt(value, where));
    case SettingType::Boolean:
        return json::boolAt(value, where) ? "true" : "false";
    case SettingType::Seed: {
        if (value.is_string())
            return value.get<std::string>();
        // As in "config": a whole number up to 2^53 (a double holds no larger integer exactly).
        const double seed = json::numberAt(value, where);
        if (seed < 0 || seed != std::floor(seed) || seed > 9007199254740992.0)
            throw InputError(where + ": expected a whole number from 0 to 2^53 (write larger "
                                     "seeds as a string)");
        return std::to_string(static_cast<std::uint64_t>(seed));
    }
    case SettingType::Text:
    case SettingType::Path:
    case SettingType::Choice:
    case SettingType::Mask:
        return json::stringAt(value, where);
    }
    return {};
}

std::vector<std::pair<std::string, std::string>> settingsAt(const json::Value& value,
                                                            const std::string& where) {
    if (!value.is_object())
        throw InputError(where + ": expected an object of settings such as {\"temperature\": 1}");
    if (value.empty())
        throw InputError(where + ": name at least one setting to compare with");
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& [key, member] : value.items()) {
        const std::string here = (where + ".").append(key);
        const Setting* setting = findSetting(key);
        if (!setting || setting->group != SettingGroup::Model)
            throw InputError(here + ": not a setting of the model (the members of \"config\" "
                                    "such as temperature, scoring, mask, heads)");
        const std::string text = settingTextOf(*setting, member, here);
        // Checked on its own here, so that a typing error shows when the lesson opens; the
        // rules between settings are checked when the check runs on the lesson's settings.
        SettingsValues values;
        try {
            setting->set(values, text);
            checkSetting(*setting, values);
        } catch (const InputError& error) {
            throw InputError(here + ": " + error.message().english());
        }
        out.emplace_back(key, text);
    }
    return out;
}

bool measuresError(CheckMeasure measure) {
    return measure == CheckMeasure::MeanRowKL || measure == CheckMeasure::MeanRowReverseKL ||
           measure == CheckMeasure::DroppedWeight || measure == CheckMeasure::MaxOutputDifference;
}

// The kind of attention a check of the complexity lab measures, as one item of the lab's list.
std::string complexityKindAt(const json::Value& value, const std::string& where,
                             CheckMeasure measure, std::string_view checkKind) {
    const std::string& text = json::stringAt(value, where);
    if (text.find(',') != std::string::npos)
        throw InputError(where + ": a check measures one kind of attention, not \"" + text + "\"");
    ComplexityKind kind;
    try {
        kind = parseComplexityKinds(text).front();
    } catch (const InputError& error) {
        throw InputError(where + ": " + error.what());
    }
    if (measuresError(measure) && kind.family == ComplexityFamily::Dense)
        throw InputError(where +
                         ": dense attention is the exact attention the errors are "
                         "measured against; a " +
                         std::string(checkKind) + " check measures another kind");
    if (measure == CheckMeasure::CellsSlope && kind.family == ComplexityFamily::Linear)
        throw InputError(where + ": linear attention computes no score cells; measure its "
                                 "memory_slope or time_slope");
    return kind.label;
}

// A check of the complexity lab: "of" and bounds, nothing about rows, heads or other settings.
LessonCheck complexityCheckAt(const json::Value& object, const std::string& where,
                              LessonCheck check, const std::string& kind) {
    bool haveOf = false;
    for (const auto& [name, value] : object.items()) {
        const std::string here = (where + ".").append(name);
        if (name == "kind")
            continue;
        if (name == "of") {
            check.of = complexityKindAt(value, here, check.measure, kind);
            haveOf = true;
        } else if (name == "at_least") {
            check.atLeast = finiteAt(value, here);
        } else if (name == "at_most") {
            check.atMost = finiteAt(value, here);
        } else if (name == "near") {
            check.near = finiteAt(value, here);
        } else if (name == "tolerance") {
            check.tolerance = finiteAt(value, here);
            if (*check.tolerance < 0)
                throw InputError(here + ": a tolerance is 0 or more");
        } else {
            std::string message = here;
            message += ": unknown member of a check of kind '";
            message += kind;
            message += "'; it has of, at_least, at_most, near and tolerance";
            throw InputError(message);
        }
    }
    if (!haveOf)
        throw InputError(where + ": a " + kind +
                         " check needs \"of\": the kind of attention it measures, as the "
                         "Complexity page names it (\"dense\", \"window:32\", \"linear:elu\")");
    if (!check.atLeast && !check.atMost && !check.near)
        throw InputError(where + ": the check claims nothing; give at_least, at_most or near");
    if (check.tolerance && !check.near)
        throw InputError(where + ".tolerance: applies only with near");
    if (check.atLeast && check.atMost && *check.atLeast > *check.atMost)
        throw InputError(where + ": at_least is above at_most, so the check can never pass");
    return check;
}

LessonCheck checkAt(const json::Value& object, const std::string& where) {
    if (!object.is_object())
        throw InputError(where +
                         ": expected an object such as {\"kind\": \"argmax\", \"row\": "
                         "\"it\", \"is\": \"self\"}, found " +
                         std::string(json::typeName(object)));
    const json::Value* kindValue = json::member(object, "kind");
    if (!kindValue)
        throw InputError(where + ": the member \"kind\" is missing");
    const std::string& kind = json::stringAt(*kindValue, where + ".kind");
    LessonCheck check;
    bool known = false;
    for (const KindName& entry : kKinds)
        if (kind == entry.name) {
            check.measure = entry.measure;
            known = true;
        }
    if (!known)
        throw InputError(where + ".kind: unknown kind '" + kind +
                         "'; expected argmax, weight, max_weight, entropy or score, or for the "
                         "Complexity page time_slope, memory_slope, cells_slope, mean_row_kl, "
                         "mean_row_reverse_kl, dropped_weight or max_output_difference");
    if (measuresComplexity(check.measure))
        return complexityCheckAt(object, where, check, kind);

    using K = CheckToken::Kind;
    const bool argmax = check.measure == CheckMeasure::Argmax;
    const bool hasKey =
        check.measure == CheckMeasure::Weight || check.measure == CheckMeasure::Score;
    bool haveKey = false;
    for (const auto& [name, value] : object.items()) {
        const std::string here = (where + ".").append(name);
        if (name == "kind")
            continue;
        if (name == "head") {
            check.head = headAt(value, here);
        } else if (name == "layer") {
            check.layer = json::integerAt(value, here);
            if (check.layer < 1)
                throw InputError(here + ": layers count from 1, as on screen, not " +
                                 std::to_string(check.layer));
        } else if (name == "row") {
            check.row = tokenAt(value, here, {K::Each});
        } else if (name == "is" && argmax) {
            check.key = tokenAt(value, here, {K::Self, K::Previous, K::Next});
            haveKey = true;
        } else if (name == "key" && hasKey) {
            if (check.measure == CheckMeasure::Weight)
                check.key =
                    tokenAt(value, here, {K::Each, K::Self, K::Previous, K::Next, K::Blocked});
            else
                check.key = tokenAt(value, here, {K::Each, K::Self, K::Previous, K::Next});
            haveKey = true;
        } else if (name == "in_at_least") {
            check.inAtLeast = json::integerAt(value, here);
            if (check.inAtLeast < 1)
                throw InputError(here + ": a count of rows, 1 or more");
        } else if (name == "at_least" && !argmax) {
            check.atLeast = finiteAt(value, here);
        } else if (name == "at_most" && !argmax) {
            check.atMost = finiteAt(value, here);
        } else if (name == "near" && !argmax) {
            check.near = finiteAt(value, here);
        } else if (name == "tolerance" && !argmax) {
            check.tolerance = finiteAt(value, here);
            if (*check.tolerance < 0)
                throw InputError(here + ": a tolerance is 0 or more");
        } else {
            bool relation = false;
            for (const RelationName& entry : kRelations)
                if (name == entry.name && !argmax) {
                    if (check.relation != CheckRelation::None)
                        throw InputError(here + ": a check compares with one other setting at "
                                                "most (greater_than, less_than or same_as)");
                    check.relation = entry.relation;
                    check.settings = settingsAt(value, here);
                    relation = true;
                }
            if (!relation)
                throw InputError((here + ": unknown member of a check of kind '")
                                     .append(kind)
                                     .append("'")
                                     .append(argmax
                                                 ? "; it has layer, head, row, is and in_at_least"
                                                 : std::string("; it has layer, head, row") +
                                                       (hasKey ? ", key" : "") +
                                                       ", at_least, at_most, near, tolerance, "
                                                       "greater_than, less_than, same_as and "
                                                       "in_at_least"));
        }
    }
    if (argmax && !haveKey)
        throw InputError(where + ": an argmax check needs \"is\": the key expected to weigh most");
    if (hasKey && !haveKey)
        throw InputError(where + ": a " + kind + " check needs \"key\"");
    if (!argmax && !check.atLeast && !check.atMost && !check.near &&
        check.relation == CheckRelation::None)
        throw InputError(where + ": the check claims nothing; give at_least, at_most, near, "
                                 "greater_than, less_than or same_as");
    if (check.tolerance && !check.near && check.relation != CheckRelation::Same)
        throw InputError(where + ".tolerance: applies only with near or same_as");
    if (check.atLeast && check.atMost && *check.atLeast > *check.atMost)
        throw InputError(where + ": at_least is above at_most, so the check can never pass");
    return check;
}

void writeToken(json::Writer& out, const CheckToken& token) {
    switch (token.kind) {
    case CheckToken::Kind::Text:
        out.string(token.text);
        return;
    case CheckToken::Kind::Position:
        out.integer(token.position);
        return;
    default:
        out.string(tokenWord(token.kind));
        return;
    }
}

void writeSettingValue(json::Writer& out, const std::string& key, const std::string& text) {
    const Setting* setting = findSetting(key);
    switch (setting ? setting->type : SettingType::Text) {
    case SettingType::Integer:
        out.integer(std::stoll(text));
        return;
    case SettingType::Real:
        out.number(std::stod(text));
        return;
    case SettingType::Boolean:
        out.boolean(text == "true");
        return;
    default: // a seed above 2^53 stays exact as text, which the reader takes as well
        out.string(text);
        return;
    }
}

} // namespace

bool measuresComplexity(CheckMeasure measure) {
    switch (measure) {
    case CheckMeasure::Argmax:
    case CheckMeasure::Weight:
    case CheckMeasure::MaxWeight:
    case CheckMeasure::Entropy:
    case CheckMeasure::Score:
        return false;
    case CheckMeasure::TimeSlope:
    case CheckMeasure::MemorySlope:
    case CheckMeasure::CellsSlope:
    case CheckMeasure::MeanRowKL:
    case CheckMeasure::MeanRowReverseKL:
    case CheckMeasure::DroppedWeight:
    case CheckMeasure::MaxOutputDifference:
        return true;
    }
    return false;
}

std::string_view checkKindName(CheckMeasure measure) {
    for (const KindName& entry : kKinds)
        if (entry.measure == measure)
            return entry.name;
    return {};
}

std::vector<LessonCheck> parseLessonChecks(const json::Value& value, const std::string& where) {
    if (!value.is_array())
        throw InputError(where + ": expected an array of checks, found " +
                         std::string(json::typeName(value)));
    std::vector<LessonCheck> checks;
    for (std::size_t i = 0; i < value.size(); ++i)
        checks.push_back(checkAt(value[i], where + "[" + std::to_string(i) + "]"));
    return checks;
}

void writeLessonChecks(json::Writer& out, const std::vector<LessonCheck>& checks) {
    out.beginArray();
    for (const LessonCheck& check : checks) {
        out.beginObject();
        out.key("kind");
        out.string(checkKindName(check.measure));
        if (measuresComplexity(check.measure)) {
            out.key("of");
            out.string(check.of);
        }
        if (check.layer != 1) {
            out.key("layer");
            out.integer(check.layer);
        }
        if (check.head > 0) {
            out.key("head");
            out.integer(check.head);
        }
        if (check.row.kind != CheckToken::Kind::Each) {
            out.key("row");
            writeToken(out, check.row);
        }
        if (check.measure == CheckMeasure::Argmax) {
            out.key("is");
            writeToken(out, check.key);
        } else if (check.measure == CheckMeasure::Weight || check.measure == CheckMeasure::Score) {
            out.key("key");
            writeToken(out, check.key);
        }
        const std::pair<const char*, const std::optional<double>*> bounds[] = {
            {"at_least", &check.atLeast},
            {"at_most", &check.atMost},
            {"near", &check.near},
            {"tolerance", &check.tolerance}};
        for (const auto& [name, bound] : bounds)
            if (*bound) {
                out.key(name);
                out.number(**bound);
            }
        if (check.inAtLeast > 0) {
            out.key("in_at_least");
            out.integer(check.inAtLeast);
        }
        for (const RelationName& entry : kRelations)
            if (entry.relation == check.relation) {
                out.key(entry.name);
                out.beginObject();
                for (const auto& [key, text] : check.settings) {
                    out.key(key);
                    writeSettingValue(out, key, text);
                }
                out.endObject();
            }
        out.endObject();
    }
    out.endArray();
}

} // namespace attnlab::core
