#include "core/teaching/lesson_checks.h"

#include "core/embeddings/embeddings.h"
#include "core/model/builtin_model.h"
#include "core/model/settings.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <limits>
#include <optional>
#include <variant>

namespace attnlab::core {
namespace {

constexpr double kSameTolerance = 1e-6;

// Three decimals, as the heatmap's cells show them; independent of the locale (the window sets
// one).
std::string mapFigure(double value) {
    std::array<char, 64> buffer{};
    const auto [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value,
                                         std::chars_format::fixed, 3);
    if (ec != std::errc())
        return numberText(value);
    std::string text(buffer.data(), end);
    return text == "-0.000" ? "0.000" : text;
}

std::string quoted(const std::string& text) {
    return "'" + text + "'";
}

// A token as the deciding row shows it: "'it' (8)".
std::string tokenLabel(const std::vector<MapToken>& tokens, int index) {
    return quoted(tokens[static_cast<std::size_t>(index)].text) + " (" + std::to_string(index + 1) +
           ")";
}

// A row of a claim (a token's text or position), in the claim's own terms.
std::string rowText(const CheckToken& token) {
    return token.kind == CheckToken::Kind::Position ? "#" + std::to_string(token.position)
                                                    : quoted(token.text);
}

// `make(value)` with the key of a claim as its value: a token, or a word the window translates.
template <typename Make> Message withKey(const CheckToken& token, Make make) {
    switch (token.kind) {
    case CheckToken::Kind::Each:
        return make(term(translatable("every key")));
    case CheckToken::Kind::Self:
        return make(term(translatable("itself")));
    case CheckToken::Kind::Previous:
        return make(term(translatable("the previous token")));
    case CheckToken::Kind::Next:
        return make(term(translatable("the next token")));
    case CheckToken::Kind::Blocked:
        return make(term(translatable("the keys the mask hides")));
    case CheckToken::Kind::Text:
    case CheckToken::Kind::Position:
        break;
    }
    return make(rowText(token));
}

std::string settingsText(const LessonCheck& check) {
    std::string out;
    for (const auto& [key, value] : check.settings)
        out.append(out.empty() ? "" : ", ").append(key).append(" = ").append(value);
    return out;
}

Message scopeOf(const LessonCheck& check, int heads) {
    const int head = check.head > 0 ? check.head : (heads == 1 ? 1 : 0);
    const bool everyRow = check.row.kind == CheckToken::Kind::Each;
    if (check.layer != 1) {
        // A layer is named only when it is not the first (the built-in model has no other).
        if (head > 0 && everyRow)
            return message("layer %1, head %2, every row", check.layer, head);
        if (head > 0)
            return message("layer %1, head %2, row %3", check.layer, head, rowText(check.row));
        if (everyRow)
            return message("layer %1, every head, every row", check.layer);
        return message("layer %1, every head, row %2", check.layer, rowText(check.row));
    }
    if (head > 0 && everyRow)
        return message("head %1, every row", head);
    if (head > 0) {
        return message("head %1, row %2", head, rowText(check.row));
    }
    if (everyRow)
        return message("every head, every row");
    return message("every head, row %1", rowText(check.row));
}

Message quantityOf(const LessonCheck& check) {
    switch (check.measure) {
    case CheckMeasure::Argmax:
    case CheckMeasure::MaxWeight:
        return message("the largest weight");
    case CheckMeasure::Weight:
        return withKey(check.key, [](const auto& key) { return message("the weight on %1", key); });
    case CheckMeasure::Entropy:
        return message("the entropy (nats)");
    case CheckMeasure::Score:
        return withKey(check.key,
                       [](const auto& key) { return message("the score with %1", key); });
    default: // the complexity lab's (core/teaching/complexity_checks.h)
        break;
    }
    return {};
}

std::vector<Message> boundsOf(const LessonCheck& check) {
    std::vector<Message> out;
    if (check.measure == CheckMeasure::Argmax)
        out.push_back(withKey(check.key, [](const auto& key) { return message("is on %1", key); }));
    for (Message& bound : numericBounds(check, mapFigure))
        out.push_back(std::move(bound));
    switch (check.relation) {
    case CheckRelation::Greater:
        out.push_back(message("is greater than with %1", settingsText(check)));
        break;
    case CheckRelation::Less:
        out.push_back(message("is less than with %1", settingsText(check)));
        break;
    case CheckRelation::Same:
        out.push_back(message("is the same as with %1", settingsText(check)));
        break;
    case CheckRelation::None:
        break;
    }
    if (check.inAtLeast > 0)
        out.push_back(message("holds in at least %1 of the rows", check.inAtLeast));
    return out;
}

// Why a row or key cannot be found; the check fails with it.
struct Unmeasurable {
    Message why;
};

std::variant<std::vector<int>, Unmeasurable> rowsOf(const AttentionMaps& maps,
                                                    const CheckToken& row) {
    std::vector<int> rows;
    switch (row.kind) {
    case CheckToken::Kind::Each:
        for (int i = 0; i < maps.queries(); ++i)
            if (!maps.queryTokens[static_cast<std::size_t>(i)].padding &&
                std::find(maps.fullyMaskedRows.begin(), maps.fullyMaskedRows.end(), i) ==
                    maps.fullyMaskedRows.end())
                rows.push_back(i);
        return rows;
    case CheckToken::Kind::Position:
        if (row.position > maps.queries())
            return Unmeasurable{message("there is no row %1: the result has %2 rows", row.position,
                                        maps.queries())};
        return std::vector<int>{row.position - 1};
    default:
        for (int i = 0; i < maps.queries(); ++i)
            if (maps.queryTokens[static_cast<std::size_t>(i)].text == row.text)
                rows.push_back(i);
        if (rows.empty())
            return Unmeasurable{message("no row is the token %1", quoted(row.text))};
        if (rows.size() > 1)
            return Unmeasurable{message("the token %1 is rows %2 and %3; name the row by its "
                                        "position",
                                        quoted(row.text), rows[0] + 1, rows[1] + 1)};
        return rows;
    }
}

// The keys of `row` a check reads: -1 alone for a measure of the whole row (and for the keys
// the mask hides, which are summed); empty when the row has no such key and is skipped.
std::variant<std::vector<int>, Unmeasurable>
keysOf(const AttentionMaps& maps, const LessonCheck& check, int row, bool skipMissing) {
    const bool readsKey = check.measure == CheckMeasure::Argmax ||
                          check.measure == CheckMeasure::Weight ||
                          check.measure == CheckMeasure::Score;
    if (!readsKey)
        return std::vector<int>{-1};
    const CheckToken& key = check.key;
    switch (key.kind) {
    case CheckToken::Kind::Blocked:
        return std::vector<int>{-1};
    case CheckToken::Kind::Each: {
        std::vector<int> keys(static_cast<std::size_t>(maps.keys()));
        for (int j = 0; j < maps.keys(); ++j)
            keys[static_cast<std::size_t>(j)] = j;
        return keys;
    }
    case CheckToken::Kind::Position:
        if (key.position > maps.keys())
            return Unmeasurable{
                message("there is no key %1: the result has %2 keys", key.position, maps.keys())};
        return std::vector<int>{key.position - 1};
    case CheckToken::Kind::Text: {
        std::vector<int> keys;
        for (int j = 0; j < maps.keys(); ++j)
            if (maps.keyTokens[static_cast<std::size_t>(j)].text == key.text)
                keys.push_back(j);
        if (keys.empty())
            return Unmeasurable{message("no key is the token %1", quoted(key.text))};
        if (keys.size() > 1)
            return Unmeasurable{message("the token %1 is keys %2 and %3; name the key by its "
                                        "position",
                                        quoted(key.text), keys[0] + 1, keys[1] + 1)};
        return keys;
    }
    default: {
        if (maps.cross)
            return Unmeasurable{message("in cross-attention a row has no key of its own; name "
                                        "the key")};
        const int offset = key.kind == CheckToken::Kind::Self       ? 0
                           : key.kind == CheckToken::Kind::Previous ? -1
                                                                    : 1;
        const int j = row + offset;
        if (j >= 0 && j < maps.keys())
            return std::vector<int>{j};
        if (skipMissing)
            return std::vector<int>{};
        return Unmeasurable{key.kind == CheckToken::Kind::Previous
                                ? message("row %1 has no previous token", row + 1)
                                : message("row %1 has no next token", row + 1)};
    }
    }
}

// The number a value check reads in one row (and key) of one head.
std::variant<double, Unmeasurable> valueOf(const ModelOutput& output, const LessonCheck& check,
                                           int head, int row, int key) {
    const AttentionMaps& maps = output.maps;
    const std::size_t index = maps.index(check.layer - 1, head);
    const Matrix& weights = maps.weights[index];
    switch (check.measure) {
    case CheckMeasure::Weight:
        if (key >= 0)
            return static_cast<double>(weights(row, key));
        {
            double blocked = 0;
            for (int j = 0; j < maps.keys(); ++j)
                if (maps.allowed.size() > 0 && !maps.allowed(row, j))
                    blocked += weights(row, j);
            return blocked;
        }
    case CheckMeasure::MaxWeight:
    case CheckMeasure::Argmax:
        return static_cast<double>(weights.row(row).maxCoeff());
    case CheckMeasure::Entropy:
        return static_cast<double>(maps.entropy[index](row));
    case CheckMeasure::Score:
        // The trace holds the first layer's scores only.
        if (!output.trace || check.layer != 1 ||
            static_cast<std::size_t>(head) >= output.trace->heads.size() ||
            !output.trace->heads[static_cast<std::size_t>(head)].traced())
            return Unmeasurable{message("this model keeps no scores")};
        return static_cast<double>(
            output.trace->heads[static_cast<std::size_t>(head)].scores(row, key));
    default: // the complexity lab's, never evaluated here
        break;
    }
    return 0.0;
}

// One head and row (and key) measured.
struct Instance {
    bool passed = false;
    double margin = 0; ///< how far from failing (negative: how far past)
    Message at;
    std::vector<Message> measured;
};

Message atOf(const AttentionMaps& maps, int head, int row) {
    return message("head %1, row %2", head + 1, tokenLabel(maps.queryTokens, row));
}

Instance argmaxInstance(const AttentionMaps& maps, int layer, int head, int row, int key) {
    const Matrix& weights = maps.weights[maps.index(layer, head)];
    const int top = maps.argmax[maps.index(layer, head)][static_cast<std::size_t>(row)];
    int runnerUp = -1;
    for (int j = 0; j < maps.keys(); ++j)
        if (j != key && (runnerUp < 0 || weights(row, j) > weights(row, runnerUp)))
            runnerUp = j;
    Instance out;
    out.at = atOf(maps, head, row);
    out.passed = top == key;
    out.margin =
        runnerUp < 0 ? 1.0 : static_cast<double>(weights(row, key) - weights(row, runnerUp));
    if (top < 0) {
        out.measured.push_back(message("every key is masked"));
        return out;
    }
    if (out.passed && runnerUp >= 0)
        out.measured.push_back(
            message("the largest weight, %1, is on %2; the next, %3, is on %4",
                    mapFigure(weights(row, top)), tokenLabel(maps.keyTokens, top),
                    mapFigure(weights(row, runnerUp)), tokenLabel(maps.keyTokens, runnerUp)));
    else if (out.passed)
        out.measured.push_back(message("the only weight, %1, is on %2",
                                       mapFigure(weights(row, top)),
                                       tokenLabel(maps.keyTokens, top)));
    else
        out.measured.push_back(
            message("the largest weight, %1, is on %2; %3 has %4", mapFigure(weights(row, top)),
                    tokenLabel(maps.keyTokens, top), tokenLabel(maps.keyTokens, key),
                    mapFigure(weights(row, key))));
    return out;
}

Message valueText(const AttentionMaps& maps, const LessonCheck& check, int head, int row, int key,
                  double value) {
    switch (check.measure) {
    case CheckMeasure::Weight:
        if (key < 0)
            return message("weight %1 on the keys the mask hides", mapFigure(value));
        return message("weight %1 on %2", mapFigure(value), tokenLabel(maps.keyTokens, key));
    case CheckMeasure::MaxWeight: {
        const int top =
            maps.argmax[maps.index(check.layer - 1, head)][static_cast<std::size_t>(row)];
        if (top < 0)
            return message("largest weight %1", mapFigure(value));
        return message("largest weight %1 (on %2)", mapFigure(value),
                       tokenLabel(maps.keyTokens, top));
    }
    case CheckMeasure::Entropy:
        return message("entropy %1 nats", mapFigure(value));
    case CheckMeasure::Score:
        return message("score %1 with %2", mapFigure(value), tokenLabel(maps.keyTokens, key));
    default: // argmax has its own text; the complexity lab's are never evaluated here
        break;
    }
    return {};
}

// The same token at the same place of both results, so that a row compares with itself.
bool sameToken(const std::vector<MapToken>& a, const std::vector<MapToken>& b, int index) {
    return index < static_cast<int>(b.size()) &&
           a[static_cast<std::size_t>(index)].text == b[static_cast<std::size_t>(index)].text;
}

std::variant<Instance, Unmeasurable> valueInstance(const ModelOutput& result,
                                                   const ModelOutput* other,
                                                   const LessonCheck& check, int head, int row,
                                                   int key) {
    const AttentionMaps& maps = result.maps;
    const auto measured = valueOf(result, check, head, row, key);
    if (const auto* failure = std::get_if<Unmeasurable>(&measured))
        return *failure;
    const double value = std::get<double>(measured);
    Instance out;
    out.at = atOf(maps, head, row);
    out.measured.push_back(valueText(maps, check, head, row, key, value));
    out.passed = true;
    out.margin = std::numeric_limits<double>::infinity();
    auto bound = [&](bool holds, double margin) {
        out.passed = out.passed && holds;
        out.margin = std::min(out.margin, margin);
    };
    const double margin = numericMargin(check, value);
    bound(margin >= 0.0, margin);
    if (check.relation != CheckRelation::None) {
        if (head >= other->maps.heads)
            return Unmeasurable{
                message("with %1 there is no head %2", settingsText(check), head + 1)};
        if (!sameToken(maps.queryTokens, other->maps.queryTokens, row) ||
            (key >= 0 && !sameToken(maps.keyTokens, other->maps.keyTokens, key)))
            return Unmeasurable{message("with %1 the tokens differ, so the rows cannot be compared",
                                        settingsText(check))};
        const auto theirs = valueOf(*other, check, head, row, key);
        if (const auto* failure = std::get_if<Unmeasurable>(&theirs))
            return *failure;
        const double otherValue = std::get<double>(theirs);
        // Only the number: the measure is the one just named (and stays translatable).
        out.measured.push_back(message("with %1: %2", settingsText(check), mapFigure(otherValue)));
        if (check.relation == CheckRelation::Greater)
            bound(value > otherValue, value - otherValue);
        else if (check.relation == CheckRelation::Less)
            bound(value < otherValue, otherValue - value);
        else {
            const double tolerance = check.tolerance.value_or(kSameTolerance);
            bound(std::abs(value - otherValue) <= tolerance,
                  tolerance - std::abs(value - otherValue));
        }
    }
    return out;
}

Config changedConfig(const Config& config, const LessonCheck& check) {
    SettingsValues values{config, {}};
    for (const auto& [key, text] : check.settings) {
        const Setting* setting = findSetting(key);
        if (!setting)
            throw InputError("lesson check: not a setting: " + key);
        setting->set(values, text);
    }
    return values.config;
}

CheckOutcome evaluate(const LessonCheck& check, const Config& config, const ModelOutput& result,
                      const LessonRunner& run) {
    const AttentionMaps& maps = result.maps;
    CheckOutcome outcome;
    outcome.scope = scopeOf(check, maps.heads);
    outcome.quantity = quantityOf(check);
    outcome.bounds = boundsOf(check);
    auto unmeasurable = [&](Message why) {
        outcome.passed = false;
        outcome.measured = {std::move(why)};
        return outcome;
    };
    if (check.layer > maps.layers)
        return unmeasurable(
            message("there is no layer %1: the result has %2 layers", check.layer, maps.layers));
    if (check.head > maps.heads)
        return unmeasurable(
            message("there is no head %1: the result has %2 heads", check.head, maps.heads));
    const auto rows = rowsOf(maps, check.row);
    if (const auto* failure = std::get_if<Unmeasurable>(&rows))
        return unmeasurable(failure->why);

    std::optional<ModelOutput> other;
    if (check.relation != CheckRelation::None)
        try {
            other = run(changedConfig(config, check));
        } catch (const InputError&) {
            // The settings are fine alone but not with this lesson's (heads that do not divide
            // d_model, a causal mask on cross-attention): the claim cannot be measured.
            return unmeasurable(message("the lesson cannot run with %1", settingsText(check)));
        }

    std::optional<Instance> deciding;
    auto consider = [&](Instance instance) {
        ++outcome.rows;
        outcome.holding += instance.passed ? 1 : 0;
        // The worst failure decides; while none fails, the row closest to failing.
        const bool better =
            !deciding || (!instance.passed && deciding->passed) ||
            (instance.passed == deciding->passed && instance.margin < deciding->margin);
        if (better)
            deciding = std::move(instance);
    };
    const bool everyRow = check.row.kind == CheckToken::Kind::Each;
    for (int head = 0; head < maps.heads; ++head) {
        if (check.head > 0 && head != check.head - 1)
            continue;
        for (int row : std::get<std::vector<int>>(rows)) {
            const auto keys = keysOf(maps, check, row, everyRow);
            if (const auto* failure = std::get_if<Unmeasurable>(&keys))
                return unmeasurable(failure->why);
            for (int key : std::get<std::vector<int>>(keys)) {
                if (check.measure == CheckMeasure::Argmax) {
                    consider(argmaxInstance(maps, check.layer - 1, head, row, key));
                    continue;
                }
                auto instance =
                    valueInstance(result, other ? &*other : nullptr, check, head, row, key);
                if (const auto* failure = std::get_if<Unmeasurable>(&instance))
                    return unmeasurable(failure->why);
                consider(std::get<Instance>(std::move(instance)));
            }
        }
    }
    if (!deciding)
        return unmeasurable(message("the check covers no row of this result"));
    outcome.passed =
        check.inAtLeast > 0 ? outcome.holding >= check.inAtLeast : outcome.holding == outcome.rows;
    outcome.at = deciding->at;
    outcome.measured = deciding->measured;
    return outcome;
}

} // namespace

std::string CheckOutcome::english() const {
    std::string text = scope.english() + ": " + quantity.english();
    for (std::size_t i = 0; i < bounds.size(); ++i)
        text += (i == 0 ? " " : " and ") + bounds[i].english();
    text += " — ";
    if (!at.text.empty())
        text += at.english() + ": ";
    for (std::size_t i = 0; i < measured.size(); ++i)
        text += (i == 0 ? "" : "; ") + measured[i].english();
    if (rows > 0)
        text += " (holds in " + std::to_string(holding) + " of " + std::to_string(rows) + ")";
    return text;
}

ModelOutput runLessonConfig(const Config& lesson) {
    Config config = lesson;
    validate(config); // before builtinLexicon sees an out-of-range d_model
    if (config.embeddings == EmbeddingSource::Builtin)
        config.table = std::make_shared<const EmbeddingTable>(builtinLexicon(config.dModel));
    return BuiltinModel().run(config, RunOptions{});
}

std::vector<CheckOutcome> evaluateLessonChecks(const std::vector<LessonCheck>& checks,
                                               const Config& config, const ModelOutput& result,
                                               const LessonRunner& run) {
    std::vector<CheckOutcome> outcomes;
    outcomes.reserve(checks.size());
    for (const LessonCheck& check : checks)
        if (!measuresComplexity(check.measure))
            outcomes.push_back(evaluate(check, config, result, run));
    return outcomes;
}

std::vector<Message> numericBounds(const LessonCheck& check, std::string (*figure)(double)) {
    std::vector<Message> out;
    if (check.atLeast)
        out.push_back(message("is at least %1", figure(*check.atLeast)));
    if (check.atMost)
        out.push_back(message("is at most %1", figure(*check.atMost)));
    if (check.near)
        out.push_back(message("is %1 ± %2", figure(*check.near),
                              numberText(check.tolerance.value_or(kCheckNearTolerance))));
    return out;
}

double numericMargin(const LessonCheck& check, double value) {
    double margin = std::numeric_limits<double>::infinity();
    auto bound = [&](double m) {
        margin = std::isnan(margin) || std::isnan(m) ? std::numeric_limits<double>::quiet_NaN()
                                                     : std::min(margin, m);
    };
    if (check.atLeast)
        bound(value - *check.atLeast);
    if (check.atMost)
        bound(*check.atMost - value);
    if (check.near)
        bound(check.tolerance.value_or(kCheckNearTolerance) - std::abs(value - *check.near));
    return margin;
}

} // namespace attnlab::core
