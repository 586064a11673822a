#include "core/tokenizers/json_access.h"

#include "core/base/types.h"
#include "core/tokenizers/unicode_text.h"

#include <algorithm>

namespace attnlab::core::tokenizers::detail {
namespace {

std::string describe(const Json& value) {
    switch (value.type()) {
    case Json::value_t::null:
        return "null";
    case Json::value_t::boolean:
        return "a boolean";
    case Json::value_t::string:
        return "a string";
    case Json::value_t::array:
        return "an array";
    case Json::value_t::object:
        return "an object";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float:
        return "a number";
    default:
        return "an unexpected value";
    }
}

} // namespace

void failAt(const std::string& where, const std::string& message) {
    throw InputError(where + ": " + message);
}

std::string memberPath(const std::string& where, std::string_view key) {
    if (!where.empty() && where.back() == ' ')
        return where + std::string(key); // "tokenizer.json: " + "model"
    return where + "." + std::string(key);
}

std::string elementPath(const std::string& where, std::size_t index) {
    return where + "[" + std::to_string(index) + "]";
}

const Json* findMember(const Json& object, std::string_view key) {
    if (!object.is_object())
        return nullptr;
    const auto it = object.find(key);
    if (it == object.end() || it->is_null())
        return nullptr;
    return &*it;
}

const Json& requireMember(const Json& object, std::string_view key, const std::string& where) {
    const Json* member = findMember(object, key);
    if (member == nullptr)
        failAt(memberPath(where, key), "missing");
    return *member;
}

void requireObject(const Json& value, const std::string& where) {
    if (!value.is_object())
        failAt(where, "expected an object, found " + describe(value));
}

void requireArray(const Json& value, const std::string& where) {
    if (!value.is_array())
        failAt(where, "expected an array, found " + describe(value));
}

std::string stringValue(const Json& value, const std::string& where) {
    if (!value.is_string())
        failAt(where, "expected a string, found " + describe(value));
    return value.get<std::string>();
}

bool boolValue(const Json& value, const std::string& where) {
    if (!value.is_boolean())
        failAt(where, "expected true or false, found " + describe(value));
    return value.get<bool>();
}

long long integerValue(const Json& value, const std::string& where, long long minimum,
                       long long maximum) {
    long long result = 0;
    if (value.is_number_unsigned()) {
        const auto unsignedValue = value.get<unsigned long long>();
        if (unsignedValue > static_cast<unsigned long long>(maximum))
            failAt(where, "expected an integer from " + std::to_string(minimum) + " to " +
                              std::to_string(maximum) + ", found " + std::to_string(unsignedValue));
        result = static_cast<long long>(unsignedValue);
    } else if (value.is_number_integer()) {
        result = value.get<long long>();
    } else {
        failAt(where, "expected an integer, found " + describe(value));
    }
    if (result < minimum || result > maximum)
        failAt(where, "expected an integer from " + std::to_string(minimum) + " to " +
                          std::to_string(maximum) + ", found " + std::to_string(result));
    return result;
}

std::optional<std::string> optionalString(const Json& object, std::string_view key,
                                          const std::string& where) {
    const Json* member = findMember(object, key);
    if (member == nullptr)
        return std::nullopt;
    return stringValue(*member, memberPath(where, key));
}

bool boolOr(const Json& object, std::string_view key, bool fallback, const std::string& where) {
    const Json* member = findMember(object, key);
    return member == nullptr ? fallback : boolValue(*member, memberPath(where, key));
}

long long integerOr(const Json& object, std::string_view key, long long fallback,
                    const std::string& where, long long minimum, long long maximum) {
    const Json* member = findMember(object, key);
    return member == nullptr ? fallback
                             : integerValue(*member, memberPath(where, key), minimum, maximum);
}

std::string componentType(const Json& object, const std::string& where) {
    requireObject(object, where);
    return stringValue(requireMember(object, "type", where), memberPath(where, "type"));
}

std::string lineAndColumn(std::string_view text, std::size_t offset) {
    offset = std::min(offset, text.size());
    std::size_t line = 1;
    std::size_t lineStart = 0;
    for (std::size_t i = 0; i < offset; ++i)
        if (text[i] == '\n') {
            ++line;
            lineStart = i + 1;
        }
    const std::size_t column = countCodePoints(text.substr(lineStart, offset - lineStart)) + 1;
    return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

Json parseJsonDocument(std::string_view text, const std::string& fileName) {
    try {
        return Json::parse(text.begin(), text.end());
    } catch (const Json::parse_error& error) {
        // nlohmann counts the byte after the offending one; point at the one it stopped on.
        const std::size_t offset = error.byte > 0 ? error.byte - 1 : 0;
        throw InputError(fileName + ": not valid JSON (" + lineAndColumn(text, offset) + ")");
    }
}

} // namespace attnlab::core::tokenizers::detail
