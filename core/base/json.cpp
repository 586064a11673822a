#include "core/base/json.h"

#include <array>
#include <charconv>
#include <cmath>
#include <ostream>
#include <string>

namespace attnlab::core::json {
namespace {

constexpr int kMaxDepth = 256;

void writeText(std::ostream& out, std::string_view text) {
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
}

// Length of the valid UTF-8 sequence starting at text[i], or 0 when the bytes there are not
// one (stray continuation byte, overlong form, surrogate, beyond U+10FFFF, truncated).
std::size_t utf8SequenceLength(std::string_view text, std::size_t i) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    const unsigned char lead = byte(i);
    std::size_t length = 0;
    std::uint32_t codePoint = 0;
    if (lead < 0x80)
        return 1;
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
        codePoint = lead & 0x1Fu;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        codePoint = lead & 0x0Fu;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        codePoint = lead & 0x07u;
    } else {
        return 0;
    }
    if (i + length > text.size())
        return 0;
    for (std::size_t k = 1; k < length; ++k) {
        if ((byte(i + k) & 0xC0u) != 0x80u)
            return 0;
        codePoint = (codePoint << 6) | (byte(i + k) & 0x3Fu);
    }
    const bool overlong =
        (length == 3 && codePoint < 0x800) || (length == 4 && codePoint < 0x10000);
    const bool surrogate = codePoint >= 0xD800 && codePoint <= 0xDFFF;
    if (overlong || surrogate || codePoint > 0x10FFFF)
        return 0;
    return length;
}

// Builds a Value from nlohmann's SAX events, refusing what the project's files must not hold:
// duplicate keys (the later one would silently win) and nesting deeper than kMaxDepth (a
// recursion bomb). nlohmann's own lexer checks the rest of RFC 8259 and the UTF-8.
class StrictBuilder {
public:
    using number_integer_t = Value::number_integer_t;
    using number_unsigned_t = Value::number_unsigned_t;
    using number_float_t = Value::number_float_t;
    using string_t = Value::string_t;
    using binary_t = Value::binary_t;

    explicit StrictBuilder(std::string_view text) : m_text(text) {}

    bool null() { return add(Value(nullptr)); }
    bool boolean(bool value) { return add(Value(value)); }
    bool number_integer(number_integer_t value) { return add(Value(value)); }
    bool number_unsigned(number_unsigned_t value) { return add(Value(value)); }
    bool number_float(number_float_t value, const string_t&) { return add(Value(value)); }
    bool string(string_t& value) { return add(Value(std::move(value))); }
    bool binary(binary_t&) { return fail("binary values are not JSON"); }
    bool start_object(std::size_t) { return open(Value::object()); }
    bool key(string_t& key) {
        Frame& frame = m_stack.back();
        if (frame.value.contains(key))
            return fail("the member \"" + key + "\" appears twice");
        frame.key = std::move(key);
        return true;
    }
    bool end_object() { return close(); }
    bool start_array(std::size_t) { return open(Value::array()); }
    bool end_array() { return close(); }
    bool parse_error(std::size_t position, const std::string&,
                     const nlohmann::detail::exception& error) {
        m_position = position;
        m_error = describe(error);
        return false;
    }

    /// The document, once parsing succeeded.
    Value take() { return std::move(m_root); }
    /// "line L, column C: what" for a syntax error; the rule broken otherwise (the parser does
    /// not tell where a handler stopped it, and the message names the member anyway).
    std::string problem() const {
        return m_position > 0 ? where(m_position) + ": " + m_error : m_error;
    }

private:
    struct Frame {
        Value value;
        std::string key;
    };

    bool fail(std::string what) {
        m_error = std::move(what);
        m_position = 0;
        return false;
    }

    bool add(Value value) {
        if (m_stack.empty()) {
            m_root = std::move(value);
            return true;
        }
        Frame& frame = m_stack.back();
        if (frame.value.is_object())
            frame.value.emplace(std::move(frame.key), std::move(value));
        else
            frame.value.push_back(std::move(value));
        return true;
    }

    bool open(Value container) {
        if (m_stack.size() >= static_cast<std::size_t>(kMaxDepth))
            return fail("nesting is deeper than " + std::to_string(kMaxDepth) + " levels");
        m_stack.push_back({std::move(container), {}});
        return true;
    }

    bool close() {
        Value done = std::move(m_stack.back().value);
        m_stack.pop_back();
        return add(std::move(done));
    }

    // nlohmann's messages read "[json.exception.parse_error.101] parse error at line 1, column
    // 5: syntax error while parsing value - invalid literal; last read: 'tru'"; the part after
    // the last " - " is what a person needs, the position is given separately.
    // Other errors ("[json.exception.out_of_range.406] number overflow parsing '1e999'") lose
    // their bracketed id. The text quotes what was read, which may be invalid UTF-8: those bytes
    // become U+FFFD so that the message itself is valid UTF-8.
    static std::string describe(const nlohmann::detail::exception& error) {
        std::string text = error.what();
        const std::size_t dash = text.find(" - ");
        if (dash != std::string::npos)
            text = text.substr(dash + 3);
        else if (text.starts_with("[json.exception.") && text.find("] ") != std::string::npos)
            text = text.substr(text.find("] ") + 2);
        std::string valid;
        for (std::size_t i = 0; i < text.size();) {
            const std::size_t length = utf8SequenceLength(text, i);
            valid += length > 0 ? text.substr(i, length) : "\xEF\xBF\xBD";
            i += length > 0 ? length : 1;
        }
        return valid;
    }

    std::string where(std::size_t position) const {
        int line = 1;
        int column = 1;
        for (std::size_t i = 0; i + 1 < position && i < m_text.size(); ++i) {
            if (m_text[i] == '\n') {
                ++line;
                column = 1;
            } else if ((static_cast<unsigned char>(m_text[i]) & 0xC0u) != 0x80u) {
                ++column; // count characters, not UTF-8 continuation bytes
            }
        }
        return "line " + std::to_string(line) + ", column " + std::to_string(column);
    }

    std::string_view m_text;
    std::vector<Frame> m_stack;
    Value m_root;
    std::string m_error;
    std::size_t m_position = 0;
};

std::string pathError(std::string_view where, const std::string& what) {
    return std::string(where) + ": " + what;
}

} // namespace

std::string_view typeName(const Value& value) {
    if (value.is_null())
        return "null";
    if (value.is_boolean())
        return "true or false";
    if (value.is_number())
        return "a number";
    if (value.is_string())
        return "a string";
    if (value.is_array())
        return "an array";
    if (value.is_object())
        return "an object";
    return "a value";
}

const Value* member(const Value& object, std::string_view key) {
    if (!object.is_object())
        return nullptr;
    const auto found = object.find(key);
    return found == object.end() ? nullptr : &*found;
}

Value parse(std::string_view text) {
    // A UTF-8 byte order mark is tolerated: some editors on Windows write one.
    if (text.substr(0, 3) == "\xEF\xBB\xBF")
        text.remove_prefix(3);
    if (text.find_first_not_of(" \t\r\n") == std::string_view::npos)
        throw InputError("line 1, column 1: the document is empty");
    StrictBuilder builder(text);
    const bool ok = Value::sax_parse(text.begin(), text.end(), &builder,
                                     nlohmann::detail::input_format_t::json, true, false);
    if (!ok)
        throw InputError(builder.problem());
    return builder.take();
}

void writeString(std::ostream& out, std::string_view text) {
    static constexpr char kHex[] = "0123456789abcdef";
    out.put('"');
    std::size_t i = 0;
    while (i < text.size()) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c == '"' || c == '\\') {
            out.put('\\');
            out.put(static_cast<char>(c));
            ++i;
        } else if (c < 0x20) {
            const char escape[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
            out.write(escape, sizeof escape);
            ++i;
        } else if (c < 0x80) {
            out.put(static_cast<char>(c));
            ++i;
        } else if (const std::size_t length = utf8SequenceLength(text, i); length > 0) {
            out.write(text.data() + i, static_cast<std::streamsize>(length));
            i += length;
        } else {
            writeText(out, "\\ufffd");
            ++i;
        }
    }
    out.put('"');
}

std::string formatFloat(float value) {
    std::array<char, 48> buffer{};
    const auto [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value,
                                         std::chars_format::general, 9);
    (void)ec; // 48 characters hold any float at 9 digits
    return std::string(buffer.data(), end);
}

// JSON has no infinities or NaN: −∞ (a masked logit) and anything else non-finite become null.
void writeNumber(std::ostream& out, float value) {
    if (!std::isfinite(value)) {
        writeText(out, "null");
        return;
    }
    writeText(out, formatFloat(value));
}

void Writer::key(std::string_view name) {
    separate();
    writeString(m_out, name);
    writeText(m_out, ": ");
    m_afterKey = true;
}

void Writer::string(std::string_view value) {
    separate();
    writeString(m_out, value);
}

void Writer::number(float value) {
    separate();
    writeNumber(m_out, value);
}

void Writer::number(double value) {
    separate();
    if (!std::isfinite(value)) {
        writeText(m_out, "null");
        return;
    }
    std::array<char, 48> buffer{};
    const auto [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
    (void)ec;
    m_out.write(buffer.data(), end - buffer.data());
}

void Writer::raw(std::string_view text) {
    separate();
    writeText(m_out, text);
}

void Writer::boolean(bool value) {
    separate();
    writeText(m_out, value ? "true" : "false");
}

void Writer::null() {
    separate();
    writeText(m_out, "null");
}

void Writer::stringArray(const std::vector<std::string>& values) {
    separate();
    m_out.put('[');
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (i > 0)
            writeText(m_out, ", ");
        writeString(m_out, values[i]);
    }
    m_out.put(']');
}

void Writer::integerArray(const std::vector<int>& values) {
    separate();
    m_out.put('[');
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (i > 0)
            writeText(m_out, ", ");
        std::array<char, 16> buffer{};
        const auto [end, ec] =
            std::to_chars(buffer.data(), buffer.data() + buffer.size(), values[i]);
        (void)ec;
        m_out.write(buffer.data(), end - buffer.data());
    }
    m_out.put(']');
}

void Writer::vector(const Vector& values) {
    separate();
    writeRow(values.data(), values.size());
}

void Writer::matrix(const Matrix& values) {
    beginArray();
    for (Eigen::Index r = 0; r < values.rows(); ++r) {
        separate();
        writeRow(values.row(r).data(), values.cols());
    }
    endArray();
}

void Writer::writeRow(const float* data, Eigen::Index count, Eigen::Index stride) {
    m_out.put('[');
    for (Eigen::Index c = 0; c < count; ++c) {
        if (c > 0)
            writeText(m_out, ", ");
        writeNumber(m_out, data[c * stride]);
    }
    m_out.put(']');
}

void Writer::open(char bracket) {
    separate();
    m_out.put(bracket);
    m_firstInContainer.push_back(true);
}

void Writer::close(char bracket) {
    const bool empty = m_firstInContainer.back();
    m_firstInContainer.pop_back();
    if (!empty)
        newline();
    m_out.put(bracket);
    if (m_firstInContainer.empty())
        m_out.put('\n');
}

// Before a value or key: a comma and a new line inside containers, nothing after a key.
void Writer::separate() {
    if (m_afterKey) {
        m_afterKey = false;
        return;
    }
    if (m_firstInContainer.empty())
        return;
    if (!m_firstInContainer.back())
        m_out.put(',');
    m_firstInContainer.back() = false;
    newline();
}

void Writer::newline() {
    m_out.put('\n');
    for (std::size_t i = 0; i < m_firstInContainer.size(); ++i)
        writeText(m_out, "  ");
}

std::string memberPath(std::string_view parent, std::string_view key) {
    return parent.empty() ? std::string(key) : std::string(parent) + "." + std::string(key);
}

std::string elementPath(std::string_view parent, std::size_t index) {
    return std::string(parent) + "[" + std::to_string(index) + "]";
}

const Value& require(const Value& object, std::string_view key, std::string_view where) {
    if (!object.is_object())
        throw InputError(
            pathError(where, "expected an object, found " + std::string(typeName(object))));
    const Value* value = member(object, key);
    if (!value)
        throw InputError(pathError(where, "the member \"" + std::string(key) + "\" is missing"));
    return *value;
}

double numberAt(const Value& value, std::string_view where) {
    if (!value.is_number())
        throw InputError(
            pathError(where, "expected a number, found " + std::string(typeName(value))));
    return value.get<double>();
}

int integerAt(const Value& value, std::string_view where) {
    const double number = numberAt(value, where);
    if (number != std::floor(number))
        throw InputError(pathError(where, "expected a whole number, found " +
                                              formatFloat(static_cast<float>(number))));
    if (number < -2147483648.0 || number > 2147483647.0)
        throw InputError(pathError(where, "the number " + formatFloat(static_cast<float>(number)) +
                                              " is out of range"));
    return static_cast<int>(number);
}

const std::string& stringAt(const Value& value, std::string_view where) {
    if (!value.is_string())
        throw InputError(
            pathError(where, "expected a string, found " + std::string(typeName(value))));
    return value.get_ref<const std::string&>();
}

bool boolAt(const Value& value, std::string_view where) {
    if (!value.is_boolean())
        throw InputError(
            pathError(where, "expected true or false, found " + std::string(typeName(value))));
    return value.get<bool>();
}

Vector vectorAt(const Value& value, std::string_view where) {
    if (!value.is_array())
        throw InputError(pathError(where, "expected an array of numbers, found " +
                                              std::string(typeName(value))));
    const Value& items = value;
    Vector out(static_cast<Eigen::Index>(items.size()));
    for (std::size_t i = 0; i < items.size(); ++i) {
        const std::string here = std::string(where) + "[" + std::to_string(i) + "]";
        const double number = numberAt(items[i], here);
        if (!std::isfinite(static_cast<float>(number)))
            throw InputError(pathError(here, "the number does not fit a float"));
        out(static_cast<Eigen::Index>(i)) = static_cast<float>(number);
    }
    return out;
}

Matrix matrixAt(const Value& value, std::string_view where) {
    if (!value.is_array())
        throw InputError(
            pathError(where, "expected an array of rows, found " + std::string(typeName(value))));
    const Value& rows = value;
    if (rows.empty())
        return Matrix(0, 0);
    Eigen::Index columns = -1;
    Matrix out;
    for (std::size_t r = 0; r < rows.size(); ++r) {
        const std::string here = std::string(where) + "[" + std::to_string(r) + "]";
        const Vector row = vectorAt(rows[r], here);
        if (columns < 0) {
            columns = row.size();
            out.resize(static_cast<Eigen::Index>(rows.size()), columns);
        } else if (row.size() != columns) {
            throw InputError(pathError(here, "has " + std::to_string(row.size()) +
                                                 " numbers but the first row has " +
                                                 std::to_string(columns)));
        }
        out.row(static_cast<Eigen::Index>(r)) = row.transpose();
    }
    return out;
}

std::vector<std::string> stringArrayAt(const Value& value, std::string_view where) {
    if (!value.is_array())
        throw InputError(pathError(where, "expected an array of strings, found " +
                                              std::string(typeName(value))));
    std::vector<std::string> out;
    const Value& items = value;
    out.reserve(items.size());
    for (std::size_t i = 0; i < items.size(); ++i)
        out.push_back(stringAt(items[i], std::string(where) + "[" + std::to_string(i) + "]"));
    return out;
}

} // namespace attnlab::core::json
