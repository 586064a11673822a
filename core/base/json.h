#pragma once
// JSON for the files the project reads and writes itself: data exports, sessions (lessons), the
// token lists of imported attention and the files of model folders. Reading goes through
// nlohmann-json, held to the project's rules: strict RFC 8259, at most 256 levels deep,
// duplicate keys refused, errors by line and column. Writing streams through a small writer
// that never depends on the locale, keeps its output valid UTF-8 and prints floats with 9
// significant digits (enough to read back the same bits).

#include "core/base/types.h"

#include <nlohmann/json.hpp>

#include <array>
#include <charconv>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace attnlab::core::json {

/// A parsed JSON value (nlohmann-json, members in document order). Numbers keep their kind:
/// integers as integers, the rest as doubles.
using Value = nlohmann::ordered_json;

/// The member `key` of an object, or null when absent (or when `object` is not an object).
const Value* member(const Value& object, std::string_view key);

/// "object", "array", "string", … for messages.
std::string_view typeName(const Value& value);

/// Parses one JSON document. Throws InputError "line L, column C: what was wrong" for malformed
/// text, invalid UTF-8, nesting deeper than 256 levels, duplicate keys or trailing content.
Value parse(std::string_view text);

/// Appends a JSON string literal: quotes, backslashes and control characters escaped; invalid
/// UTF-8 bytes become U+FFFD so the output stays valid UTF-8.
void writeString(std::ostream& out, std::string_view text);
/// A float with 9 significant digits (enough to read back the same bits); null when not finite.
void writeNumber(std::ostream& out, float value);
/// The same digits as writeNumber, as text ("nan"/"inf" for non-finite values).
std::string formatFloat(float value);

/// A pretty-printing writer: objects one member per line, matrices one row per line, so that a
/// diff or a text editor shows the structure.
class Writer {
public:
    explicit Writer(std::ostream& out) : m_out(out) {}

    void beginObject() { open('{'); }
    void endObject() { close('}'); }
    void beginArray() { open('['); }
    void endArray() { close(']'); }

    void key(std::string_view name);
    void string(std::string_view value);
    void number(float value);
    /// A double with up to 17 significant digits (for values that are doubles, such as zoom).
    void number(double value);
    template <typename Integer> void integer(Integer value) {
        static_assert(std::is_integral_v<Integer>);
        std::array<char, 32> buffer{};
        const auto [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
        (void)ec; // 32 characters hold any 64-bit integer
        raw(std::string_view(buffer.data(), static_cast<std::size_t>(end - buffer.data())));
    }
    void boolean(bool value);
    void null();

    /// A flat array of strings or integers on one line.
    void stringArray(const std::vector<std::string>& values);
    void integerArray(const std::vector<int>& values);
    /// A vector on one line.
    void vector(const Vector& values);
    /// An array of rows, one row per line.
    void matrix(const Matrix& values);

private:
    void raw(std::string_view text);
    void writeRow(const float* data, Eigen::Index count, Eigen::Index stride = 1);
    void open(char bracket);
    void close(char bracket);
    void separate();
    void newline();

    std::ostream& m_out;
    std::vector<bool> m_firstInContainer;
    bool m_afterKey = false;
};

/// The path of a member ("config" + "heads" = "config.heads"; an empty parent gives the key) and
/// of an array element ("lesson.checks" + 2 = "lesson.checks[2]"), for the `where` below.
std::string memberPath(std::string_view parent, std::string_view key);
std::string elementPath(std::string_view parent, std::size_t index);

/// Reading helpers that name the offending member in their InputError: `where` is the path of
/// the value, e.g. "config.heads".
const Value& require(const Value& object, std::string_view key, std::string_view where);
double numberAt(const Value& value, std::string_view where);
int integerAt(const Value& value, std::string_view where);
const std::string& stringAt(const Value& value, std::string_view where);
bool boolAt(const Value& value, std::string_view where);
/// An array of equally long arrays of finite numbers (nulls refused) as a matrix.
Matrix matrixAt(const Value& value, std::string_view where);
/// An array of finite numbers as a vector.
Vector vectorAt(const Value& value, std::string_view where);
std::vector<std::string> stringArrayAt(const Value& value, std::string_view where);

} // namespace attnlab::core::json
