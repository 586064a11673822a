// The JSON reader and writer shared by data exports, sessions and token lists.

#include "core/base/json.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_json {

using namespace attnlab::core;

namespace {

std::string errorOf(std::string_view text) {
    try {
        json::parse(text);
    } catch (const InputError& error) {
        return error.what();
    }
    return "no error";
}

// writeString replaces each invalid UTF-8 byte with the escape \ufffd.
bool validUtf8(const std::string& text) {
    std::ostringstream escaped;
    json::writeString(escaped, text);
    return escaped.str().find("\\ufffd") == std::string::npos;
}

} // namespace

TEST(JsonParse, ValuesOfEveryType) {
    const json::Value v = json::parse(
        R"({"a": 1.5, "b": [true, false, null], "c": "x\"y\\z\u00e9\ud83d\ude00", "d": {}, "e": -0, "f": 2e-3})");
    ASSERT_TRUE(v.is_object());
    EXPECT_DOUBLE_EQ(json::member(v, "a")->get<double>(), 1.5);
    const json::Value& b = *json::member(v, "b");
    ASSERT_TRUE(b.is_array());
    ASSERT_EQ(b.size(), 3u);
    EXPECT_TRUE(b[0].get<bool>());
    EXPECT_FALSE(b[1].get<bool>());
    EXPECT_TRUE(b[2].is_null());
    EXPECT_EQ(json::member(v, "c")->get<std::string>(), "x\"y\\zé😀");
    EXPECT_TRUE(json::member(v, "d")->is_object());
    EXPECT_DOUBLE_EQ(json::member(v, "f")->get<double>(), 0.002);
    EXPECT_EQ(json::member(v, "missing"), nullptr);
    EXPECT_EQ(json::member(b, "a"), nullptr) << "an array has no members";
    EXPECT_EQ(json::typeName(b), "an array");
    EXPECT_EQ(json::typeName(*json::member(v, "c")), "a string");
    EXPECT_EQ(json::typeName(b[2]), "null");
}

TEST(JsonParse, KeepsMemberOrder) {
    const json::Value v = json::parse(R"({"z": 1, "a": 2, "m": 3})");
    std::vector<std::string> keys;
    for (const auto& [key, value] : v.items())
        keys.push_back(key);
    ASSERT_EQ(keys.size(), 3u);
    EXPECT_EQ(keys[0], "z");
    EXPECT_EQ(keys[1], "a");
    EXPECT_EQ(keys[2], "m");
}

// Syntax errors are nlohmann-json's, placed by line and column (characters, not bytes): the
// column is that of the character where reading failed.
TEST(JsonParse, ErrorsGiveLineAndColumn) {
    // "tru" is refused at the line break that ends it.
    EXPECT_EQ(
        errorOf("{\n  \"a\": 1,\n  \"b\": tru\n}").rfind("line 3, column 11: invalid literal", 0),
        0u)
        << errorOf("{\n  \"a\": 1,\n  \"b\": tru\n}");
    EXPECT_EQ(errorOf("[1, 2"), "line 1, column 6: unexpected end of input; expected ']'");
    EXPECT_EQ(errorOf(""), "line 1, column 1: the document is empty");
    EXPECT_EQ(errorOf(" \n\t"), "line 1, column 1: the document is empty");
    const std::string trailing = errorOf("{} x");
    EXPECT_EQ(trailing.rfind("line 1, column 4: ", 0), 0u) << trailing;
    EXPECT_NE(trailing.find("expected end of input"), std::string::npos) << trailing;
    EXPECT_EQ(errorOf("\n\n   [1,\n  x]").rfind("line 4, column 3: ", 0), 0u)
        << errorOf("\n\n   [1,\n  x]");
    // "é" is two bytes but one column.
    EXPECT_EQ(errorOf("[\"é\", x]").rfind("line 1, column 7: ", 0), 0u) << errorOf("[\"é\", x]");
}

TEST(JsonParse, RefusesWhatRfc8259Refuses) {
    for (const char* text :
         {"[01]", "[1.]", "[.5]", "[1e]", "[+1]", "['a']", "{a: 1}", "[1,]", "{\"a\" 1}",
          "[\"\\x\"]", "[\"\x01\"]", "[NaN]", "[Infinity]", "[1e999]", "[\"\\ud800\"]",
          "[\"\\udc00\"]", "[\"\xff\"]", "[\"\xc0\xaf\"]"}) {
        EXPECT_THROW(json::parse(text), InputError) << text;
        // Every refusal says where, in words a user reads, and is itself valid UTF-8.
        const std::string message = errorOf(text);
        EXPECT_EQ(message.rfind("line 1, column ", 0), 0u) << message;
        EXPECT_EQ(message.find("json.exception"), std::string::npos) << message;
        EXPECT_TRUE(validUtf8(message)) << message;
    }
    EXPECT_NE(errorOf("[1e999]").find("number overflow"), std::string::npos) << errorOf("[1e999]");
}

TEST(JsonParse, RefusesDuplicateKeys) {
    EXPECT_NE(errorOf(R"({"a": 1, "a": 2})").find("appears twice"), std::string::npos);
    EXPECT_NE(errorOf(R"({"b": {"a": 1, "a": 2}})").find("the member \"a\" appears twice"),
              std::string::npos);
    EXPECT_NO_THROW(json::parse(R"({"a": {"a": 1}, "b": [{"a": 1}, {"a": 2}]})"));
}

TEST(JsonParse, DepthIsBounded) {
    const std::string deep(100000, '[');
    EXPECT_NE(errorOf(deep).find("deeper than 256"), std::string::npos);
    std::string ok = std::string(200, '[') + std::string(200, ']');
    EXPECT_NO_THROW(json::parse(ok));
    EXPECT_NO_THROW(json::parse(std::string(256, '[') + std::string(256, ']')));
    EXPECT_NE(errorOf(std::string(257, '[') + std::string(257, ']')).find("deeper than 256"),
              std::string::npos);
}

TEST(JsonParse, TinyNumbersUnderflowToZero) {
    EXPECT_EQ(json::parse("[1e-400]")[0].get<double>(), 0.0);
}

TEST(JsonWriter, RoundTripsMatricesAndStrings) {
    Matrix m(2, 3);
    m << 1.0f, -0.1f, 3.4028235e38f, 1e-45f, 0.333333343f, 7.0f;
    std::ostringstream text;
    json::Writer out(text);
    out.beginObject();
    out.key("m");
    out.matrix(m);
    out.key("s");
    out.string("引号\"\n\t\x01");
    out.key("i");
    out.integer(-12);
    out.key("seed");
    out.integer(std::uint64_t{18446744073709551615u});
    out.endObject();

    const json::Value v = json::parse(text.str());
    const Matrix back = json::matrixAt(*json::member(v, "m"), "m");
    ASSERT_EQ(back.rows(), 2);
    ASSERT_EQ(back.cols(), 3);
    for (int r = 0; r < 2; ++r)
        for (int c = 0; c < 3; ++c)
            EXPECT_EQ(back(r, c), m(r, c)) << r << "," << c; // bit-exact with 9 digits
    EXPECT_EQ(json::member(v, "s")->get<std::string>(), "引号\"\n\t\x01");
    EXPECT_TRUE(json::member(v, "i")->is_number_integer());
    EXPECT_EQ(json::member(v, "i")->get<double>(), -12);
    EXPECT_EQ(json::member(v, "seed")->get<std::uint64_t>(), std::uint64_t{18446744073709551615u});
    EXPECT_NE(text.str().find("18446744073709551615"), std::string::npos);
}

TEST(JsonWriter, InvalidUtf8BecomesReplacementCharacter) {
    std::ostringstream text;
    json::writeString(text, "a\xff"
                            "b");
    EXPECT_EQ(text.str(), "\"a\\ufffdb\"");
    EXPECT_EQ(json::parse(text.str()).get<std::string>(), "a\xEF\xBF\xBD"
                                                          "b");
}

TEST(JsonRead, HelpersNameTheMember) {
    const json::Value v = json::parse(R"({"rows": [[1, 2], [3]], "n": 1.5, "s": 3, "big": 1e12})");
    try {
        json::matrixAt(*json::member(v, "rows"), "config.rows");
        FAIL() << "ragged rows accepted";
    } catch (const InputError& error) {
        EXPECT_STREQ(error.what(), "config.rows[1]: has 1 numbers but the first row has 2");
    }
    EXPECT_THROW(json::integerAt(*json::member(v, "n"), "n"), InputError);
    EXPECT_THROW(json::integerAt(*json::member(v, "big"), "big"), InputError);
    EXPECT_THROW(json::stringAt(*json::member(v, "s"), "s"), InputError);
    try {
        json::require(v, "absent", "config");
        FAIL();
    } catch (const InputError& error) {
        EXPECT_STREQ(error.what(), "config: the member \"absent\" is missing");
    }
}

} // namespace test_json
