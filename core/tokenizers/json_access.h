#pragma once
// Internal to the pretrained tokenizers: reading members of the JSON files of a model folder
// with errors that name the file and the member ("tokenizer.json: model.unk_token: expected a
// string, found a number").

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace attnlab::core::tokenizers::detail {

using Json = nlohmann::json;

/// Throws InputError "`where`: `message`".
[[noreturn]] void failAt(const std::string& where, const std::string& message);

/// "`where`.`key`" (or "`where`[`index`]") for messages.
std::string memberPath(const std::string& where, std::string_view key);
std::string elementPath(const std::string& where, std::size_t index);

/// The member `key` of an object, or nullptr when it is absent or null.
const Json* findMember(const Json& object, std::string_view key);
/// The member `key`; throws when it is absent.
const Json& requireMember(const Json& object, std::string_view key, const std::string& where);
/// Throws unless `value` is an object / an array.
void requireObject(const Json& value, const std::string& where);
void requireArray(const Json& value, const std::string& where);

std::string stringValue(const Json& value, const std::string& where);
bool boolValue(const Json& value, const std::string& where);
/// An integer in [minimum, maximum].
long long integerValue(const Json& value, const std::string& where, long long minimum,
                       long long maximum);

/// Members that may be absent or null (then the default).
std::optional<std::string> optionalString(const Json& object, std::string_view key,
                                          const std::string& where);
bool boolOr(const Json& object, std::string_view key, bool fallback, const std::string& where);
long long integerOr(const Json& object, std::string_view key, long long fallback,
                    const std::string& where, long long minimum, long long maximum);

/// The "type" member of a component ("BPE", "ByteLevel", …).
std::string componentType(const Json& object, const std::string& where);

/// Parses a small JSON document (tokenizer_config.json, special_tokens_map.json) with errors
/// that give the line and column.
Json parseJsonDocument(std::string_view text, const std::string& fileName);

/// "line L, column C" of a byte offset, for parse errors.
std::string lineAndColumn(std::string_view text, std::size_t offset);

} // namespace attnlab::core::tokenizers::detail
