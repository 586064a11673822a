#include "core/io/session.h"

#include "core/base/file_io.h"
#include "core/base/json.h"
#include "core/base/names.h"
#include "core/model/settings.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <sstream>

namespace attnlab::core {
namespace {

constexpr std::uintmax_t kMaxSessionBytes = 64u << 20;
// Seeds are JSON numbers; above 2^53 a double no longer holds every integer.
constexpr double kMaxExactInteger = 9007199254740992.0;

// Runs `parse` and prefixes any InputError with the member it was reading (keeping the setting
// the error is about, so the window can still place it).
template <typename Parse> auto named(const std::string& where, Parse parse) {
    try {
        return parse();
    } catch (const InputError& error) {
        const std::string message = error.what();
        if (message.rfind(where, 0) == 0)
            throw;
        throw InputError(Message{where + ": " + error.message().text, error.message().args,
                                 error.message().translatedArgs},
                         error.setting());
    }
}

// The names a member of `where` may have, for did-you-mean.
std::vector<std::string_view> memberNames(SettingGroup group,
                                          std::initializer_list<std::string_view> extra) {
    std::vector<std::string_view> names(extra);
    for (const Setting& setting : settingsSchema())
        if (setting.group == group)
            names.push_back(setting.key);
    return names;
}

std::string unknownMemberWarning(const std::string& path, std::string_view key,
                                 const std::vector<std::string_view>& known) {
    // Up to one edit per three letters (at most three): "temprature" finds "temperature", but a
    // short unknown word such as "glow" is not taken for "zoom".
    const std::size_t edits = std::clamp<std::size_t>(key.size() / 3, 1, 3);
    const std::string suggestion = closestName(key, known, edits);
    if (!suggestion.empty())
        return "unknown member '" + path + "' was ignored; did you mean '" + suggestion + "'?";
    return "unknown member '" + path + "' was ignored";
}

// Calls `handle(key, value)` for each member; members it does not know (it returns false) are
// listed in `warnings`, with the closest known name when one is near.
template <typename Handle>
void forEachMember(const json::Value& object, const std::string& where,
                   const std::vector<std::string_view>& known, std::vector<std::string>& warnings,
                   Handle handle) {
    if (!object.is_object())
        throw InputError((where.empty() ? std::string("the file") : where) +
                         ": expected an object, found " + std::string(json::typeName(object)));
    for (const auto& [key, value] : object.items())
        if (!handle(key, value))
            warnings.push_back(unknownMemberWarning(json::memberPath(where, key), key, known));
}

std::uint64_t seedAt(const json::Value& value, const std::string& where) {
    if (value.is_string())
        return 0; // checked as text by the schema
    const double number = json::numberAt(value, where);
    if (number < 0 || number != std::floor(number) || number > kMaxExactInteger)
        throw InputError(where + ": expected a whole number from 0 to 2^53 (write larger seeds "
                                 "as a string)");
    return static_cast<std::uint64_t>(number);
}

// A member's JSON value as the text form the schema entry reads.
std::string settingTextAt(const Setting& setting, const json::Value& value,
                          const std::string& where) {
    switch (setting.type) {
    case SettingType::Text:
    case SettingType::Path:
    case SettingType::Choice:
    case SettingType::Mask:
        return json::stringAt(value, where);
    case SettingType::Integer:
        if (setting.zeroMeansAuto && value.is_null())
            return "0";
        return std::to_string(json::integerAt(value, where));
    case SettingType::Real:
        return numberText(json::numberAt(value, where));
    case SettingType::Seed:
        if (value.is_string())
            return value.get<std::string>();
        return std::to_string(seedAt(value, where));
    case SettingType::Boolean:
        return json::boolAt(value, where) ? "true" : "false";
    }
    return {};
}

void writeSetting(json::Writer& out, const Setting& setting, const SettingsValues& values) {
    const std::string text = setting.get(values);
    out.key(setting.key);
    switch (setting.type) {
    case SettingType::Text:
    case SettingType::Path:
    case SettingType::Choice:
    case SettingType::Mask:
        out.string(text);
        return;
    case SettingType::Integer:
        out.integer(std::stoll(text));
        return;
    case SettingType::Real:
        if (setting.group == SettingGroup::View)
            out.number(std::stod(text));
        else
            out.number(std::stof(text));
        return;
    case SettingType::Seed: {
        const std::uint64_t seed = std::stoull(text);
        if (static_cast<double>(seed) <= kMaxExactInteger)
            out.integer(seed);
        else
            out.string(text);
        return;
    }
    case SettingType::Boolean:
        out.boolean(text == "true");
        return;
    }
}

std::vector<Matrix> matrixListAt(const json::Value& value, const std::string& where) {
    if (!value.is_array())
        throw InputError(where + ": expected an array with one matrix per head, found " +
                         std::string(json::typeName(value)));
    std::vector<Matrix> out;
    for (std::size_t i = 0; i < value.size(); ++i)
        out.push_back(json::matrixAt(value[i], where + "[" + std::to_string(i) + "]"));
    return out;
}

std::map<std::string, std::string> textsAt(const json::Value& value, const std::string& where) {
    std::map<std::string, std::string> out;
    if (value.is_string()) {
        out["en"] = value.get<std::string>();
        return out;
    }
    if (!value.is_object())
        throw InputError(where + ": expected a string or an object of texts by language");
    for (const auto& [language, text] : value.items())
        out[language] = json::stringAt(text, json::memberPath(where, language));
    return out;
}

void parseEmbeddings(const json::Value& object, Config& config,
                     std::vector<std::string>& warnings) {
    const std::string where = "config.embeddings";
    std::string source = "builtin";
    forEachMember(
        object, where, {"source", "path", "query", "key"}, warnings,
        [&](const std::string& key, const json::Value& value) {
            if (key == "source") {
                source = json::stringAt(value, json::memberPath(where, key));
                if (source != "builtin" && source != "file" && source != "manual")
                    throw InputError(json::memberPath(where, key) + ": unknown value '" + source +
                                     "'; expected builtin, file or manual");
            } else if (key == "path")
                config.embeddingsPath = json::stringAt(value, json::memberPath(where, key));
            else if (key == "query")
                config.manualQueryEmbeddings = json::matrixAt(value, json::memberPath(where, key));
            else if (key == "key")
                config.manualKeyEmbeddings = json::matrixAt(value, json::memberPath(where, key));
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
    forEachMember(object, where, {"w_q", "w_k", "w_v", "w_o"}, warnings,
                  [&](const std::string& key, const json::Value& value) {
                      if (key == "w_q")
                          config.manual.wq = matrixListAt(value, json::memberPath(where, key));
                      else if (key == "w_k")
                          config.manual.wk = matrixListAt(value, json::memberPath(where, key));
                      else if (key == "w_v")
                          config.manual.wv = matrixListAt(value, json::memberPath(where, key));
                      else if (key == "w_o")
                          config.manual.wo =
                              value.is_null() ? std::optional<Matrix>()
                                              : json::matrixAt(value, json::memberPath(where, key));
                      else
                          return false;
                      return true;
                  });
}

std::vector<std::pair<int, int>> blockedCellsAt(const json::Value& value,
                                                const std::string& where) {
    if (!value.is_array())
        throw InputError(where + ": expected an array of [query, key] pairs");
    std::vector<std::pair<int, int>> cells;
    for (std::size_t i = 0; i < value.size(); ++i) {
        const std::string here = where + "[" + std::to_string(i) + "]";
        if (!value[i].is_array() || value[i].size() != 2)
            throw InputError(here + ": expected a [query, key] pair");
        const int query = json::integerAt(value[i][0], here + "[0]");
        const int key = json::integerAt(value[i][1], here + "[1]");
        if (query < 0 || key < 0)
            throw InputError(here + ": cell indices start at 0");
        cells.emplace_back(query, key);
    }
    return cells;
}

// The members of `object` that are settings of `group` go through the schema; `other` handles
// the rest (returning false for members it does not know either).
template <typename Other>
void parseSettings(const json::Value& object, const std::string& where, SettingGroup group,
                   std::initializer_list<std::string_view> otherKeys, SettingsValues& values,
                   std::vector<std::string>& warnings, Other other) {
    forEachMember(object, where, memberNames(group, otherKeys), warnings,
                  [&](const std::string& key, const json::Value& value) {
                      const std::string here = json::memberPath(where, key);
                      const Setting* setting = findSetting(key);
                      if (setting && setting->group == group) {
                          named(here, [&] {
                              setting->set(values, settingTextAt(*setting, value, here));
                              // The model's settings are checked together (validateSettings);
                              // a view setting stands alone.
                              if (group == SettingGroup::View)
                                  checkSetting(*setting, values);
                              return 0;
                          });
                          return true;
                      }
                      return other(key, value);
                  });
}

Config parseConfig(const json::Value& object, std::vector<std::string>& warnings) {
    SettingsValues values;
    std::vector<std::pair<int, int>> blocked;
    parseSettings(object, "config", SettingGroup::Model,
                  {"embeddings", "manual_projection", "mask_blocked"}, values, warnings,
                  [&](const std::string& key, const json::Value& value) {
                      const std::string here = json::memberPath("config", key);
                      if (key == "mask_blocked")
                          blocked = blockedCellsAt(value, here);
                      else if (key == "embeddings")
                          parseEmbeddings(value, values.config, warnings);
                      else if (key == "manual_projection")
                          parseManualProjection(value, values.config, warnings);
                      else
                          return false;
                      return true;
                  });
    Config& config = values.config;
    if (config.mask.kind == MaskKind::Custom)
        config.mask.blocked = std::move(blocked);
    else if (!blocked.empty())
        warnings.push_back("config.mask_blocked was ignored: the mask is not custom");
    if (config.embeddings == EmbeddingSource::File && config.dModel < 1)
        config.dModel = 64; // the file's width replaces it when the file loads
    named("config", [&] {
        validateSettings(config);
        return 0;
    });
    return config;
}

SessionView parseView(const json::Value& object, std::vector<std::string>& warnings) {
    SettingsValues values;
    parseSettings(object, "view", SettingGroup::View, {}, values, warnings,
                  [](const std::string&, const json::Value&) { return false; });
    return values.view;
}

SessionLesson parseLesson(const json::Value& object, std::vector<std::string>& warnings) {
    SessionLesson lesson;
    const std::string where = "lesson";
    forEachMember(object, where, {"title", "explanation", "hidden_controls", "checks", "model"},
                  warnings, [&](const std::string& key, const json::Value& value) {
                      const std::string here = json::memberPath(where, key);
                      if (key == "title")
                          lesson.title = textsAt(value, here);
                      else if (key == "explanation")
                          lesson.explanation = textsAt(value, here);
                      else if (key == "hidden_controls")
                          lesson.hiddenControls = json::stringArrayAt(value, here);
                      else if (key == "checks")
                          lesson.checks = parseLessonChecks(value, here);
                      else if (key == "model")
                          lesson.model = parseLessonModel(value, here);
                      else
                          return false;
                      return true;
                  });
    return lesson;
}

// A check of the complexity lab measures a kind the session's Complexity page measures.
void checkComplexityChecks(const Session& session) {
    const std::vector<LessonCheck>& checks = session.lesson.checks;
    for (std::size_t i = 0; i < checks.size(); ++i) {
        if (!measuresComplexity(checks[i].measure))
            continue;
        const std::string where = "lesson.checks[" + std::to_string(i) + "]";
        if (!session.complexity)
            throw InputError(where + ": a check of kind '" +
                             std::string(checkKindName(checks[i].measure)) +
                             "' needs the member \"complexity\" (the Complexity page's kinds and "
                             "lengths it is measured on)");
        const std::vector<std::string> labels = session.complexity->labels();
        if (std::find(labels.begin(), labels.end(), checks[i].of) == labels.end()) {
            std::string list;
            for (const std::string& label : labels)
                list += (list.empty() ? "" : ", ") + label;
            std::string message = where;
            message += ".of: '";
            message += checks[i].of;
            message += "' is not among the kinds of \"complexity\" (";
            message += list;
            message += ")";
            throw InputError(message);
        }
    }
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

void writeEmbeddings(json::Writer& out, const Config& config) {
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
}

} // namespace

void writeConfigMembers(json::Writer& out, const Config& config) {
    const SettingsValues values{config, {}};
    for (const Setting& setting : settingsSchema()) {
        if (setting.group != SettingGroup::Model)
            continue;
        writeSetting(out, setting, values);
        if (setting.key == "mask" && config.mask.kind == MaskKind::Custom) {
            out.key("mask_blocked");
            out.beginArray();
            for (const auto& [query, key] : config.mask.blocked)
                out.integerArray({query, key});
            out.endArray();
        }
    }
    writeEmbeddings(out, config);
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
}

std::string serializeSession(const Session& session) {
    std::ostringstream text;
    json::Writer out(text);
    out.beginObject();
    out.key("format");
    out.string(kSessionFormat);
    out.key("version");
    out.integer(kSessionVersion);
    out.key("config");
    out.beginObject();
    writeConfigMembers(out, session.config);
    out.endObject();

    out.key("view");
    out.beginObject();
    const SettingsValues values{{}, session.view};
    for (const Setting& setting : settingsSchema())
        if (setting.group == SettingGroup::View)
            writeSetting(out, setting, values);
    out.endObject();

    if (session.complexity) {
        out.key("complexity");
        writeSessionComplexity(out, *session.complexity);
    }

    const SessionLesson& lesson = session.lesson;
    if (!lesson.title.empty() || !lesson.explanation.empty() || !lesson.hiddenControls.empty() ||
        !lesson.checks.empty() || !lesson.model.empty()) {
        out.key("lesson");
        out.beginObject();
        out.key("title");
        writeTexts(out, lesson.title);
        out.key("explanation");
        writeTexts(out, lesson.explanation);
        out.key("hidden_controls");
        out.stringArray(lesson.hiddenControls);
        if (!lesson.model.empty()) {
            out.key("model");
            writeLessonModel(out, lesson.model);
        }
        if (!lesson.checks.empty()) {
            out.key("checks");
            writeLessonChecks(out, lesson.checks);
        }
        out.endObject();
    }
    out.endObject();
    return text.str();
}

Session parseSession(std::string_view text, std::vector<std::string>& warnings) {
    const json::Value root = json::parse(text);
    if (!root.is_object())
        throw InputError("not an Attention Lab session: the file holds " +
                         std::string(json::typeName(root)) + ", not an object");
    const json::Value* format = json::member(root, "format");
    if (!format || !format->is_string() || format->get<std::string>() != kSessionFormat)
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
    forEachMember(root, "", {"format", "version", "config", "view", "complexity", "lesson"},
                  warnings, [&](const std::string& key, const json::Value& value) {
                      if (key == "format" || key == "version")
                          return true;
                      if (key == "config") {
                          session.config = parseConfig(value, warnings);
                          haveConfig = true;
                      } else if (key == "view")
                          session.view = parseView(value, warnings);
                      else if (key == "complexity")
                          session.complexity = parseSessionComplexity(value, key);
                      else if (key == "lesson")
                          session.lesson = parseLesson(value, warnings);
                      else
                          return false;
                      return true;
                  });
    if (!haveConfig)
        throw InputError("the member \"config\" is missing");
    checkComplexityChecks(session);
    return session;
}

Session loadSessionFile(const std::string& path, std::vector<std::string>& warnings) {
    const std::string bytes = readFileBytes(path, kMaxSessionBytes);
    Session session;
    try {
        session = parseSession(bytes, warnings);
    } catch (const InputError& error) {
        throw InputError(Message{path + ": " + error.message().text, error.message().args,
                                 error.message().translatedArgs},
                         error.setting());
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
