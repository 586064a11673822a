#pragma once
// A small JSON reader and writer for the files the project reads and writes itself: data
// exports, sessions (lessons) and the token lists of imported attention. The reader is strict
// (RFC 8259), bounded in depth, and reports errors by line and column; the writer never depends
// on the locale and keeps its output valid UTF-8.

#include "core/base/types.h"

#include <array>
#include <charconv>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace attnlab::core::json {

class Value;
using Array = std::vector<Value>;
/// Members in document order; duplicate keys are refused by the parser.
using Object = std::vector<std::pair<std::string, Value>>;

/// A parsed JSON value. Numbers are doubles (every float and every integer up to 2^53 survives).
class Value {
public:
    enum class Type { Null, Bool, Number, String, Array, Object };

    Value() = default;
    explicit Value(bool value) : m_data(value) {}
    explicit Value(double value) : m_data(value) {}
    explicit Value(std::string value) : m_data(std::move(value)) {}
    explicit Value(Array value) : m_data(std::move(value)) {}
    explicit Value(Object value) : m_data(std::move(value)) {}

    Type type() const { return static_cast<Type>(m_data.index()); }
    bool isNull() const { return type() == Type::Null; }
    bool isBool() const { return type() == Type::Bool; }
    bool isNumber() const { return type() == Type::Number; }
    bool isString() const { return type() == Type::String; }
    bool isArray() const { return type() == Type::Array; }
    bool isObject() const { return type() == Type::Object; }

    /// The value as the given type; only call after checking the type.
    bool asBool() const { return std::get<bool>(m_data); }
    double asNumber() const { return std::get<double>(m_data); }
    const std::string& asString() const { return std::get<std::string>(m_data); }
    const Array& asArray() const { return std::get<Array>(m_data); }
    const Object& asObject() const { return std::get<Object>(m_data); }

    /// The member `key` of an object, or null when absent (or when this is not an object).
    const Value* find(std::string_view key) const;

private:
    std::variant<std::nullptr_t, bool, double, std::string, Array, Object> m_data{nullptr};
};

/// "object", "array", "string", … for messages.
std::string_view typeName(Value::Type type);

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
