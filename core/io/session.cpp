#include "core/io/session.h"

#include "core/base/file_io.h"
#include "core/base/json.h"
#include "core/base/names.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <sstream>

namespace attnlab::core {
namespace {

constexpr std::uintmax_t kMaxSessionBytes = 64u << 20;
// Seeds are JSON numbers; above 2^53 a double no longer holds every integer.
constexpr double kMaxExactInteger = 9007199254740992.0;

const std::vector<std::string_view> kLayouts = {"grid", "one", "combined"};
const std::vector<std::string_view> kColorMaps = {"viridis", "cividis", "magma", "grayscale"};
const std::vector<std::string_view> kColorScales = {"shared", "fitted", "per-head"};
const std::vector<std::string_view> kCellValues = {"auto", "on", "off"};

std::string joinChoices(const std::vector<std::string_view>& choices) {
    std::string out;
    for (std::size_t i = 0; i < choices.size(); ++i) {
        if (i > 0)
            out += i + 1 == choices.size() ? " or " : ", ";
        out += choices[i];
    }
    return out;
}

std::string child(std::string_view parent, std::string_view key) {
    return parent.empty() ? std::string(key) : std::string(parent) + "." + std::string(key);
}

// Runs `parse` and prefixes any InputError with the member it was reading.
template <typename Parse> auto named(const std::string& where, Parse parse) {
    try {
        return parse();
    } catch (const InputError& error) {
        const std::string message = error.what();
        if (message.rfind(where, 0) == 0)
            throw;
        throw InputError(where + ": " + message);
    }
}

std::string choiceAt(const json::Value& value, const std::string& where,
                     const std::vector<std::string_view>& choices) {
    const std::string& text = json::stringAt(value, where);
    if (std::find(choices.begin(), choices.end(), text) == choices.end())
        throw InputError(where + ": unknown value '" + text + "'; expected " +
                         joinChoices(choices));
    return text;
}

// The members the object at `where` may have, for suggestions when one is misspelt. Kept next to
// the parsers below; a member missing here only loses its suggestion.
const std::vector<std::string_view>& knownMembers(std::string_view where) {
    static const std::vector<std::string_view> kRoot = {"format", "version", "config", "view",
                                                        "lesson"};
    static const std::vector<std::string_view> kConfig = {
        "sentence",   "source",       "scoring",      "normalizer",
        "positional", "projection",   "tokenizer",    "keep_punctuation",
        "max_tokens", "temperature",  "heads",        "d_model",
        "d_k",        "d_a",          "cosine_scale", "seed",
        "mask",       "mask_blocked", "embeddings",   "manual_projection"};
    static const std::vector<std::string_view> kEmbeddings = {"source", "path", "query", "key"};
    static const std::vector<std::string_view> kProjection = {"w_q", "w_k", "w_v", "w_o"};
    static const std::vector<std::string_view> kView = {
        "layout", "focused_head",  "color_map",      "color_scale", "cell_values",
        "zoom",   "selected_head", "selected_query", "selected_key"};
    static const std::vector<std::string_view> kLesson = {"title", "explanation",
                                                          "hidden_controls"};
    static const std::vector<std::string_view> kNone;
    return where.empty()                         ? kRoot
           : where == "config"                   ? kConfig
           : where == "config.embeddings"        ? kEmbeddings
           : where == "config.manual_projection" ? kProjection
           : where == "view"                     ? kView
           : where == "lesson"                   ? kLesson
                                                 : kNone;
}

// Calls `handle(key, value)` for each member; members it does not know (it returns false) are
// listed in `warnings`, with the nearest known member when the key looks like a misspelling.
template <typename Handle>
void forEachMember(const json::Value& object, const std::string& where,
                   std::vector<std::string>& warnings, Handle handle) {
    if (!object.isObject())
        throw InputError((where.empty() ? std::string("the file") : where) +
                         ": expected an object, found " +
                         std::string(json::typeName(object.type())));
    for (const auto& [key, value] : object.asObject()) {
        if (handle(key, value))
            continue;
        std::string warning = "unknown member '" + child(where, key) + "' was ignored";
        if (const std::string near = closestName(key, knownMembers(where)); !near.empty())
            warning += "; did you mean '" + near + "'?";
        warnings.push_back(std::move(warning));
    }
}

std::uint64_t seedAt(const json::Value& value, const std::string& where) {
    if (value.isString()) {
        const std::string& text = value.asString();
        std::uint64_t seed = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seed);
        if (ec != std::errc() || end != text.data() + text.size() || text.empty())
            throw InputError(where + ": expected a whole number from 0 to 2^64 − 1, found '" +
                             text + "'");
        return seed;
    }
    const double number = json::numberAt(value, where);
    if (number < 0 || number != std::floor(number) || number > kMaxExactInteger)
        throw InputError(where + ": expected a whole number from 0 to 2^53 (write larger seeds "
                                 "as a string)");
    return static_cast<std::uint64_t>(number);
}

float floatAt(const json::Value& value, const std::string& where) {
    const double number = json::numberAt(value, where);
    const auto single = static_cast<float>(number);
    if (!std::isfinite(single))
        throw InputError(where + ": the number is too large");
    return single;
}

std::vector<Matrix> matrixListAt(const json::Value& value, const std::string& where) {
    if (!value.isArray())
        throw InputError(where + ": expected an array with one matrix per head, found " +
                         std::string(json::typeName(value.type())));
    std::vector<Matrix> out;
    const json::Array& items = value.asArray();
    for (std::size_t i = 0; i < items.size(); ++i)
        out.push_back(json::matrixAt(items[i], where + "[" + std::to_string(i) + "]"));
    return out;
}

std::map<std::string, std::string> textsAt(const json::Value& value, const std::string& where) {
    std::map<std::string, std::string> out;
    if (value.isString()) {
        out["en"] = value.asString();
        return out;
    }
    if (!value.isObject())
        throw InputError(where + ": expected a string or an object of texts by language");
    for (const auto& [language, text] : value.asObject())
        out[language] = json::stringAt(text, child(where, language));
    return out;
}

void parseEmbeddings(const json::Value& object, Config& config,
                     std::vector<std::string>& warnings) {
    const std::string where = "config.embeddings";
    std::string source = "builtin";
    forEachMember(object, where, warnings, [&](const std::string& key, const json::Value& value) {
        if (key == "source")
            source = choiceAt(value, child(where, key), {"builtin", "file", "manual"});
        else if (key == "path")
            config.embeddingsPath = json::stringAt(value, child(where, key));
        else if (key == "query")
            config.manualQueryEmbeddings = json::matrixAt(value, child(where, key));
        else if (key == "key")
            config.manualKeyEmbeddings = json::matrixAt(value, child(where, key));
        else
            return false;
        return true;
    });
    if (source == "file") {
        config.embeddings = EmbeddingSource::File;
        if (config.embeddingsPath.empty())
            throw InputError(where + ": embeddings from a file need a \"path\"");
    } else if (source == "manual") {
        config.embeddings = EmbeddingSource::Manual;
        if (config.manualQueryEmbeddings.size() == 0)
            throw InputError(where + ": manual embeddings need a \"query\" matrix");
    } else {
        config.embeddings = EmbeddingSource::Builtin;
    }
}

void parseManualProjection(const json::Value& object, Config& config,
                           std::vector<std::string>& warnings) {
    const std::string where = "config.manual_projection";
    forEachMember(object, where, warnings, [&](const std::string& key, const json::Value& value) {
        if (key == "w_q")
            config.manual.wq = matrixListAt(value, child(where, key));
        else if (key == "w_k")
            config.manual.wk = matrixListAt(value, child(where, key));
        else if (key == "w_v")
            config.manual.wv = matrixListAt(value, child(where, key));
        else if (key == "w_o")
            config.manual.wo =
                value.isNull() ? std::optional<Matrix>() : json::matrixAt(value, child(where, key));
        else
            return false;
        return true;
    });
}

std::vector<std::pair<int, int>> blockedCellsAt(const json::Value& value,
                                                const std::string& where) {
    if (!value.isArray())
        throw InputError(where + ": expected an array of [query, key] pairs");
    std::vector<std::pair<int, int>> cells;
    const json::Array& items = value.asArray();
    for (std::size_t i = 0; i < items.size(); ++i) {
        const std::string here = where + "[" + std::to_string(i) + "]";
        if (!items[i].isArray() || items[i].asArray().size() != 2)
            throw InputError(here + ": expected a [query, key] pair");
        const int query = json::integerAt(items[i].asArray()[0], here + "[0]");
        const int key = json::integerAt(items[i].asArray()[1], here + "[1]");
        if (query < 0 || key < 0)
            throw InputError(here + ": cell indices start at 0");
        cells.emplace_back(query, key);
    }
    return cells;
}

Config parseConfig(const json::Value& object, std::vector<std::string>& warnings) {
    Config config;
    const std::string where = "config";
    std::vector<std::pair<int, int>> blocked;
    bool customMask = false;
    forEachMember(object, where, warnings, [&](const std::string& key, const json::Value& value) {
        const std::string here = child(where, key);
        if (key == "sentence")
            config.sentence = json::stringAt(value, here);
        else if (key == "source")
            config.source = json::stringAt(value, here);
        else if (key == "scoring")
            config.scoring =
                named(here, [&] { return parseScoringFunction(json::stringAt(value, here)); });
        else if (key == "normalizer")
            config.normalizer =
                named(here, [&] { return parseNormalizer(json::stringAt(value, here)); });
        else if (key == "positional")
            config.positional =
                named(here, [&] { return parsePositionalEncoding(json::stringAt(value, here)); });
        else if (key == "projection")
            config.projection =
                named(here, [&] { return parseProjectionInit(json::stringAt(value, here)); });
        else if (key == "tokenizer")
            config.tokenizer.mode =
                named(here, [&] { return parseTokenizerMode(json::stringAt(value, here)); });
        else if (key == "keep_punctuation")
            config.tokenizer.keepPunctuation = json::boolAt(value, here);
        else if (key == "max_tokens")
            config.tokenizer.maxTokens = json::integerAt(value, here);
        else if (key == "temperature")
            config.temperature = floatAt(value, here);
        else if (key == "heads")
            config.heads = json::integerAt(value, here);
        else if (key == "d_model")
            config.dModel = json::integerAt(value, here);
        else if (key == "d_k")
            config.dK = value.isNull() ? 0 : json::integerAt(value, here);
        else if (key == "d_a")
            config.additiveDim = value.isNull() ? 0 : json::integerAt(value, here);
        else if (key == "cosine_scale")
            config.cosineScale = floatAt(value, here);
        else if (key == "seed")
            config.seed = seedAt(value, here);
        else if (key == "mask") {
            const std::string& text = json::stringAt(value, here);
            if (text == "custom") {
                customMask = true;
                config.mask = MaskSpec{};
                config.mask.kind = MaskKind::Custom;
            } else {
                config.mask = named(here, [&] { return parseMask(text); });
            }
        } else if (key == "mask_blocked")
            blocked = blockedCellsAt(value, here);
        else if (key == "embeddings")
            parseEmbeddings(value, config, warnings);
        else if (key == "manual_projection")
            parseManualProjection(value, config, warnings);
        else
            return false;
        return true;
    });
    if (customMask)
        config.mask.blocked = std::move(blocked);
    else if (!blocked.empty())
        warnings.push_back("config.mask_blocked was ignored: the mask is not custom");
    if (config.dK < 0)
        throw InputError("config.d_k: must be 0 (follow d_model / heads) or more");
    if (config.additiveDim < 0)
        throw InputError("config.d_a: must be 0 (follow d_k) or more");
    if (config.embeddings == EmbeddingSource::File && config.dModel < 1)
        config.dModel = 64; // the file's width replaces it when the file loads
    validateSettings(config);
    return config;
}

SessionView parseView(const json::Value& object, std::vector<std::string>& warnings) {
    SessionView view;
    const std::string where = "view";
    forEachMember(object, where, warnings, [&](const std::string& key, const json::Value& value) {
        const std::string here = child(where, key);
        if (key == "layout")
            view.layout = choiceAt(value, here, kLayouts);
        else if (key == "focused_head")
            view.focusedHead = json::integerAt(value, here);
        else if (key == "color_map")
            view.colorMap = choiceAt(value, here, kColorMaps);
        else if (key == "color_scale")
            view.colorScale = choiceAt(value, here, kColorScales);
        else if (key == "cell_values")
            view.cellValues = choiceAt(value, here, kCellValues);
        else if (key == "zoom") {
            view.zoom = json::numberAt(value, here);
            if (!(view.zoom >= 0.5 && view.zoom <= 3.0))
                throw InputError(here + ": the zoom must be from 0.5 to 3");
        } else if (key == "selected_head")
            view.selectedHead = json::integerAt(value, here);
        else if (key == "selected_query")
            view.selectedQuery = json::integerAt(value, here);
        else if (key == "selected_key")
            view.selectedKey = json::integerAt(value, here);
        else
            return false;
        return true;
    });
    if (view.focusedHead < -2 || view.selectedHead < -2)
        throw InputError("view: a head is 0 or more (−1 the mean, −2 the maximum over heads)");
    return view;
}

SessionLesson parseLesson(const json::Value& object, std::vector<std::string>& warnings) {
    SessionLesson lesson;
    const std::string where = "lesson";
    forEachMember(object, where, warnings, [&](const std::string& key, const json::Value& value) {
        const std::string here = child(where, key);
        if (key == "title")
            lesson.title = textsAt(value, here);
        else if (key == "explanation")
            lesson.explanation = textsAt(value, here);
        else if (key == "hidden_controls")
            lesson.hiddenControls = json::stringArrayAt(value, here);
        else
            return false;
        return true;
    });
    return lesson;
}

void writeTexts(json::Writer& out, const std::map<std::string, std::string>& texts) {
    out.beginObject();
    for (const auto& [language, text] : texts) {
        out.key(language);
        out.string(text);
    }
    out.endObject();
}

void writeMatrices(json::Writer& out, const std::vector<Matrix>& matrices) {
    out.beginArray();
    for (const Matrix& m : matrices)
        out.matrix(m);
    out.endArray();
}

void writeConfig(json::Writer& out, const Config& config) {
    out.beginObject();
    out.key("sentence");
    out.string(config.sentence);
    out.key("source");
    out.string(config.source);
    out.key("scoring");
    out.string(toString(config.scoring));
    out.key("normalizer");
    out.string(toString(config.normalizer));
    out.key("temperature");
    out.number(config.temperature);
    out.key("heads");
    out.integer(config.heads);
    out.key("d_model");
    out.integer(config.dModel);
    out.key("d_k");
    out.integer(config.dK);
    out.key("d_a");
    out.integer(config.additiveDim);
    out.key("cosine_scale");
    out.number(config.cosineScale);
    out.key("mask");
    out.string(toString(config.mask));
    if (config.mask.kind == MaskKind::Custom) {
        out.key("mask_blocked");
        out.beginArray();
        for (const auto& [query, key] : config.mask.blocked)
            out.integerArray({query, key});
        out.endArray();
    }
    out.key("positional");
    out.string(toString(config.positional));
    out.key("projection");
    out.string(toString(config.projection));
    out.key("seed");
    if (static_cast<double>(config.seed) <= kMaxExactInteger)
        out.integer(config.seed);
    else
        out.string(std::to_string(config.seed));
    out.key("tokenizer");
    out.string(toString(config.tokenizer.mode));
    out.key("keep_punctuation");
    out.boolean(config.tokenizer.keepPunctuation);
    out.key("max_tokens");
    out.integer(config.tokenizer.maxTokens);

    out.key("embeddings");
    out.beginObject();
    out.key("source");
    switch (config.embeddings) {
    case EmbeddingSource::Builtin:
        out.string("builtin");
        break;
    case EmbeddingSource::File:
        out.string("file");
        out.key("path");
        out.string(config.embeddingsPath);
        break;
    case EmbeddingSource::Manual:
        out.string("manual");
        out.key("query");
        out.matrix(config.manualQueryEmbeddings);
        if (config.manualKeyEmbeddings.size() > 0) {
            out.key("key");
            out.matrix(config.manualKeyEmbeddings);
        }
        break;
    }
    out.endObject();

    if (config.projection == ProjectionInit::Manual) {
        out.key("manual_projection");
        out.beginObject();
        out.key("w_q");
        writeMatrices(out, config.manual.wq);
        out.key("w_k");
        writeMatrices(out, config.manual.wk);
        out.key("w_v");
        writeMatrices(out, config.manual.wv);
        if (config.manual.wo) {
            out.key("w_o");
            out.matrix(*config.manual.wo);
        }
        out.endObject();
    }
    out.endObject();
}

} // namespace

std::string serializeSession(const Session& session) {
    std::ostringstream text;
    json::Writer out(text);
    out.beginObject();
    out.key("format");
    out.string(kSessionFormat);
    out.key("version");
    out.integer(kSessionVersion);
    out.key("config");
    writeConfig(out, session.config);

    const SessionView& view = session.view;
    out.key("view");
    out.beginObject();
    out.key("layout");
    out.string(view.layout);
    out.key("focused_head");
    out.integer(view.focusedHead);
    out.key("color_map");
    out.string(view.colorMap);
    out.key("color_scale");
    out.string(view.colorScale);
    out.key("cell_values");
    out.string(view.cellValues);
    out.key("zoom");
    out.number(view.zoom);
    out.key("selected_head");
    out.integer(view.selectedHead);
    out.key("selected_query");
    out.integer(view.selectedQuery);
    out.key("selected_key");
    out.integer(view.selectedKey);
    out.endObject();

    const SessionLesson& lesson = session.lesson;
    if (!lesson.title.empty() || !lesson.explanation.empty() || !lesson.hiddenControls.empty()) {
        out.key("lesson");
        out.beginObject();
        out.key("title");
        writeTexts(out, lesson.title);
        out.key("explanation");
        writeTexts(out, lesson.explanation);
        out.key("hidden_controls");
        out.stringArray(lesson.hiddenControls);
        out.endObject();
    }
    out.endObject();
    return text.str();
}

Session parseSession(std::string_view text, std::vector<std::string>& warnings) {
    const json::Value root = json::parse(text);
    if (!root.isObject())
        throw InputError("not an Attention Lab session: the file holds " +
                         std::string(json::typeName(root.type())) + ", not an object");
    const json::Value* format = root.find("format");
    if (!format || !format->isString() || format->asString() != kSessionFormat)
        throw InputError("not an Attention Lab session: \"format\" must be \"" +
                         std::string(kSessionFormat) + "\"");
    const int version = json::integerAt(json::require(root, "version", ""), "version");
    if (version > kSessionVersion)
        throw InputError("the session was written by a newer Attention Lab (file version " +
                         std::to_string(version) + "; this program reads up to version " +
                         std::to_string(kSessionVersion) + "); update Attention Lab to open it");
    if (version < 1)
        throw InputError("version: must be 1 or more, not " + std::to_string(version));

    Session session;
    bool haveConfig = false;
    forEachMember(root, "", warnings, [&](const std::string& key, const json::Value& value) {
        if (key == "format" || key == "version")
            return true;
        if (key == "config") {
            session.config = parseConfig(value, warnings);
            haveConfig = true;
        } else if (key == "view")
            session.view = parseView(value, warnings);
        else if (key == "lesson")
            session.lesson = parseLesson(value, warnings);
        else
            return false;
        return true;
    });
    if (!haveConfig)
        throw InputError("the member \"config\" is missing");
    return session;
}

Session loadSessionFile(const std::string& path, std::vector<std::string>& warnings) {
    const std::string bytes = readFileBytes(path, kMaxSessionBytes);
    Session session;
    try {
        session = parseSession(bytes, warnings);
    } catch (const InputError& error) {
        throw InputError(path + ": " + error.what());
    }
    namespace fs = std::filesystem;
    if (session.config.embeddings == EmbeddingSource::File &&
        fs::path(session.config.embeddingsPath).is_relative())
        session.config.embeddingsPath =
            (fs::path(path).parent_path() / session.config.embeddingsPath)
                .lexically_normal()
                .string();
    return session;
}

std::string localizedText(const std::map<std::string, std::string>& texts,
                          std::string_view language) {
    if (texts.empty())
        return {};
    if (auto it = texts.find(std::string(language)); it != texts.end())
        return it->second;
    const std::string base(language.substr(0, language.find('_')));
    for (const auto& [key, text] : texts)
        if (key.substr(0, key.find('_')) == base)
            return text;
    if (auto it = texts.find("en"); it != texts.end())
        return it->second;
    return texts.begin()->second;
}

} // namespace attnlab::core
