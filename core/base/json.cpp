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

void appendUtf8(std::string& out, std::uint32_t codePoint) {
    if (codePoint < 0x80) {
        out.push_back(static_cast<char>(codePoint));
    } else if (codePoint < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (codePoint >> 6)));
        out.push_back(static_cast<char>(0x80 | (codePoint & 0x3F)));
    } else if (codePoint < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (codePoint >> 12)));
        out.push_back(static_cast<char>(0x80 | ((codePoint >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (codePoint & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (codePoint >> 18)));
        out.push_back(static_cast<char>(0x80 | ((codePoint >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((codePoint >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (codePoint & 0x3F)));
    }
}

class Parser {
public:
    explicit Parser(std::string_view text) : m_text(text) {}

    Value document() {
        // A UTF-8 byte order mark is tolerated: some editors on Windows write one.
        if (m_text.substr(0, 3) == "\xEF\xBB\xBF")
            m_pos = 3;
        skipSpace();
        if (atEnd())
            fail("the document is empty");
        Value value = parseValue(0);
        skipSpace();
        if (!atEnd())
            fail("unexpected text after the end of the document");
        return value;
    }

private:
    [[noreturn]] void fail(const std::string& what) const {
        int line = 1;
        int column = 1;
        for (std::size_t i = 0; i < m_pos && i < m_text.size(); ++i) {
            if (m_text[i] == '\n') {
                ++line;
                column = 1;
            } else if ((static_cast<unsigned char>(m_text[i]) & 0xC0u) != 0x80u) {
                ++column; // count characters, not UTF-8 continuation bytes
            }
        }
        throw InputError("line " + std::to_string(line) + ", column " + std::to_string(column) +
                         ": " + what);
    }

    bool atEnd() const { return m_pos >= m_text.size(); }
    char peek() const { return m_text[m_pos]; }

    void skipSpace() {
        while (!atEnd() && (peek() == ' ' || peek() == '\t' || peek() == '\n' || peek() == '\r'))
            ++m_pos;
    }

    void expectWord(std::string_view word) {
        if (m_text.substr(m_pos, word.size()) != word)
            fail("unexpected character; expected a value");
        m_pos += word.size();
    }

    Value parseValue(int depth) {
        if (depth > kMaxDepth)
            fail("nesting is deeper than " + std::to_string(kMaxDepth) + " levels");
        if (atEnd())
            fail("the document ends where a value was expected");
        switch (peek()) {
        case '{':
            return parseObject(depth);
        case '[':
            return parseArray(depth);
        case '"':
            return Value(parseString());
        case 't':
            expectWord("true");
            return Value(true);
        case 'f':
            expectWord("false");
            return Value(false);
        case 'n':
            expectWord("null");
            return Value();
        default:
            if (peek() == '-' || (peek() >= '0' && peek() <= '9'))
                return Value(parseNumber());
            fail("unexpected character; expected a value");
        }
    }

    Value parseObject(int depth) {
        ++m_pos; // {
        Object members;
        skipSpace();
        if (!atEnd() && peek() == '}') {
            ++m_pos;
            return Value(std::move(members));
        }
        while (true) {
            skipSpace();
            if (atEnd() || peek() != '"')
                fail("expected a member name in double quotes");
            const std::size_t keyPos = m_pos;
            std::string key = parseString();
            for (const auto& member : members)
                if (member.first == key) {
                    m_pos = keyPos;
                    fail("the member \"" + key + "\" appears twice");
                }
            skipSpace();
            if (atEnd() || peek() != ':')
                fail("expected ':' after the member name");
            ++m_pos;
            skipSpace();
            Value value = parseValue(depth + 1);
            members.emplace_back(std::move(key), std::move(value));
            skipSpace();
            if (atEnd())
                fail("the document ends inside an object; expected ',' or '}'");
            if (peek() == ',') {
                ++m_pos;
                continue;
            }
            if (peek() == '}') {
                ++m_pos;
                return Value(std::move(members));
            }
            fail("expected ',' or '}' in an object");
        }
    }

    Value parseArray(int depth) {
        ++m_pos; // [
        Array items;
        skipSpace();
        if (!atEnd() && peek() == ']') {
            ++m_pos;
            return Value(std::move(items));
        }
        while (true) {
            skipSpace();
            items.push_back(parseValue(depth + 1));
            skipSpace();
            if (atEnd())
                fail("the document ends inside an array; expected ',' or ']'");
            if (peek() == ',') {
                ++m_pos;
                continue;
            }
            if (peek() == ']') {
                ++m_pos;
                return Value(std::move(items));
            }
            fail("expected ',' or ']' in an array");
        }
    }

    std::uint32_t parseHex4() {
        if (m_pos + 4 > m_text.size())
            fail("incomplete \\u escape");
        std::uint32_t value = 0;
        for (int i = 0; i < 4; ++i) {
            const char c = m_text[m_pos++];
            value <<= 4;
            if (c >= '0' && c <= '9')
                value |= static_cast<std::uint32_t>(c - '0');
            else if (c >= 'a' && c <= 'f')
                value |= static_cast<std::uint32_t>(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F')
                value |= static_cast<std::uint32_t>(c - 'A' + 10);
            else
                fail("invalid \\u escape");
        }
        return value;
    }

    std::string parseString() {
        ++m_pos; // opening quote
        std::string out;
        while (true) {
            if (atEnd())
                fail("the document ends inside a string");
            const auto c = static_cast<unsigned char>(peek());
            if (c == '"') {
                ++m_pos;
                return out;
            }
            if (c < 0x20)
                fail("control character inside a string (write it as an escape)");
            if (c == '\\') {
                ++m_pos;
                if (atEnd())
                    fail("the document ends inside an escape");
                const char e = m_text[m_pos++];
                switch (e) {
                case '"':
                    out.push_back('"');
                    break;
                case '\\':
                    out.push_back('\\');
                    break;
                case '/':
                    out.push_back('/');
                    break;
                case 'b':
                    out.push_back('\b');
                    break;
                case 'f':
                    out.push_back('\f');
                    break;
                case 'n':
                    out.push_back('\n');
                    break;
                case 'r':
                    out.push_back('\r');
                    break;
                case 't':
                    out.push_back('\t');
                    break;
                case 'u': {
                    std::uint32_t code = parseHex4();
                    if (code >= 0xD800 && code <= 0xDBFF) {
                        if (m_text.substr(m_pos, 2) != "\\u")
                            fail("a high surrogate escape must be followed by a low one");
                        m_pos += 2;
                        const std::uint32_t low = parseHex4();
                        if (low < 0xDC00 || low > 0xDFFF)
                            fail("a high surrogate escape must be followed by a low one");
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
                    } else if (code >= 0xDC00 && code <= 0xDFFF) {
                        fail("a low surrogate escape without a high one");
                    }
                    appendUtf8(out, code);
                    break;
                }
                default:
                    --m_pos;
                    fail("invalid escape in a string");
                }
                continue;
            }
            const std::size_t length = utf8SequenceLength(m_text, m_pos);
            if (length == 0)
                fail("invalid UTF-8 in a string");
            out.append(m_text.substr(m_pos, length));
            m_pos += length;
        }
    }

    double parseNumber() {
        const std::size_t start = m_pos;
        auto digits = [&] {
            const std::size_t from = m_pos;
            while (!atEnd() && peek() >= '0' && peek() <= '9')
                ++m_pos;
            return m_pos - from;
        };
        if (peek() == '-')
            ++m_pos;
        if (atEnd())
            fail("a number ends after '-'");
        if (peek() == '0') {
            ++m_pos;
        } else if (digits() == 0) {
            fail("invalid number");
        }
        if (!atEnd() && peek() == '.') {
            ++m_pos;
            if (digits() == 0)
                fail("invalid number: digits expected after '.'");
        }
        if (!atEnd() && (peek() == 'e' || peek() == 'E')) {
            ++m_pos;
            if (!atEnd() && (peek() == '+' || peek() == '-'))
                ++m_pos;
            if (digits() == 0)
                fail("invalid number: digits expected in the exponent");
        }
        double value = 0;
        const char* first = m_text.data() + start;
        const char* last = m_text.data() + m_pos;
        const auto [end, ec] = std::from_chars(first, last, value);
        if (ec == std::errc::result_out_of_range) {
            // Underflow (a negative exponent) reads as 0; overflow is refused, never infinity.
            const std::string_view text(first, static_cast<std::size_t>(last - first));
            const std::size_t e = text.find_first_of("eE");
            if (e != std::string_view::npos && e + 1 < text.size() && text[e + 1] == '-')
                return 0.0;
            m_pos = start;
            fail("number out of range");
        }
        if (ec != std::errc() || end != last) {
            m_pos = start;
            fail("invalid number");
        }
        return value;
    }

    std::string_view m_text;
    std::size_t m_pos = 0;
};

std::string pathError(std::string_view where, const std::string& what) {
    return std::string(where) + ": " + what;
}

} // namespace

const Value* Value::find(std::string_view key) const {
    if (!isObject())
        return nullptr;
    for (const auto& member : asObject())
        if (member.first == key)
            return &member.second;
    return nullptr;
}

std::string_view typeName(Value::Type type) {
    switch (type) {
    case Value::Type::Null:
        return "null";
    case Value::Type::Bool:
        return "true or false";
    case Value::Type::Number:
        return "a number";
    case Value::Type::String:
        return "a string";
    case Value::Type::Array:
        return "an array";
    case Value::Type::Object:
        return "an object";
    }
    return "a value";
}

Value parse(std::string_view text) {
    return Parser(text).document();
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

const Value& require(const Value& object, std::string_view key, std::string_view where) {
    if (!object.isObject())
        throw InputError(
            pathError(where, "expected an object, found " + std::string(typeName(object.type()))));
    const Value* value = object.find(key);
    if (!value)
        throw InputError(pathError(where, "the member \"" + std::string(key) + "\" is missing"));
    return *value;
}

double numberAt(const Value& value, std::string_view where) {
    if (!value.isNumber())
        throw InputError(
            pathError(where, "expected a number, found " + std::string(typeName(value.type()))));
    return value.asNumber();
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
    if (!value.isString())
        throw InputError(
            pathError(where, "expected a string, found " + std::string(typeName(value.type()))));
    return value.asString();
}

bool boolAt(const Value& value, std::string_view where) {
    if (!value.isBool())
        throw InputError(pathError(where, "expected true or false, found " +
                                              std::string(typeName(value.type()))));
    return value.asBool();
}

Vector vectorAt(const Value& value, std::string_view where) {
    if (!value.isArray())
        throw InputError(pathError(where, "expected an array of numbers, found " +
                                              std::string(typeName(value.type()))));
    const Array& items = value.asArray();
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
    if (!value.isArray())
        throw InputError(pathError(where, "expected an array of rows, found " +
                                              std::string(typeName(value.type()))));
    const Array& rows = value.asArray();
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
    if (!value.isArray())
        throw InputError(pathError(where, "expected an array of strings, found " +
                                              std::string(typeName(value.type()))));
    std::vector<std::string> out;
    const Array& items = value.asArray();
    out.reserve(items.size());
    for (std::size_t i = 0; i < items.size(); ++i)
        out.push_back(stringAt(items[i], std::string(where) + "[" + std::to_string(i) + "]"));
    return out;
}

} // namespace attnlab::core::json
