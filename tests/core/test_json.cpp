// The JSON reader and writer shared by data exports, sessions and token lists.

#include "core/base/json.h"

#include <gtest/gtest.h>

#include <sstream>

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

} // namespace

TEST(JsonParse, ValuesOfEveryType) {
    const json::Value v = json::parse(
        R"({"a": 1.5, "b": [true, false, null], "c": "x\"y\\z\u00e9\ud83d\ude00", "d": {}, "e": -0, "f": 2e-3})");
    ASSERT_TRUE(v.isObject());
    EXPECT_DOUBLE_EQ(v.find("a")->asNumber(), 1.5);
    ASSERT_EQ(v.find("b")->asArray().size(), 3u);
    EXPECT_TRUE(v.find("b")->asArray()[0].asBool());
    EXPECT_FALSE(v.find("b")->asArray()[1].asBool());
    EXPECT_TRUE(v.find("b")->asArray()[2].isNull());
    EXPECT_EQ(v.find("c")->asString(), "x\"y\\zé😀");
    EXPECT_TRUE(v.find("d")->isObject());
    EXPECT_DOUBLE_EQ(v.find("f")->asNumber(), 0.002);
    EXPECT_EQ(v.find("missing"), nullptr);
}

TEST(JsonParse, KeepsMemberOrder) {
    const json::Value v = json::parse(R"({"z": 1, "a": 2, "m": 3})");
    const json::Object& members = v.asObject();
    ASSERT_EQ(members.size(), 3u);
    EXPECT_EQ(members[0].first, "z");
    EXPECT_EQ(members[1].first, "a");
    EXPECT_EQ(members[2].first, "m");
}

TEST(JsonParse, ErrorsGiveLineAndColumn) {
    EXPECT_EQ(errorOf("{\n  \"a\": 1,\n  \"b\": tru\n}"),
              "line 3, column 8: unexpected character; expected a value");
    EXPECT_EQ(errorOf("[1, 2"),
              "line 1, column 6: the document ends inside an array; expected ',' or ']'");
    EXPECT_EQ(errorOf(""), "line 1, column 1: the document is empty");
    EXPECT_EQ(errorOf("{} x"), "line 1, column 4: unexpected text after the end of the document");
}

TEST(JsonParse, RefusesWhatRfc8259Refuses) {
    for (const char* text :
         {"[01]", "[1.]", "[.5]", "[1e]", "[+1]", "['a']", "{a: 1}", "[1,]", "{\"a\" 1}",
          "[\"\\x\"]", "[\"\x01\"]", "[NaN]", "[Infinity]", "[1e999]", "[\"\\ud800\"]",
          "[\"\\udc00\"]", "[\"\xff\"]", "[\"\xc0\xaf\"]"}) {
        EXPECT_THROW(json::parse(text), InputError) << text;
    }
}

TEST(JsonParse, RefusesDuplicateKeys) {
    EXPECT_NE(errorOf(R"({"a": 1, "a": 2})").find("appears twice"), std::string::npos);
}

TEST(JsonParse, DepthIsBounded) {
    const std::string deep(100000, '[');
    EXPECT_NE(errorOf(deep).find("deeper than 256"), std::string::npos);
    std::string ok = std::string(200, '[') + std::string(200, ']');
    EXPECT_NO_THROW(json::parse(ok));
}

TEST(JsonParse, TinyNumbersUnderflowToZero) {
    EXPECT_EQ(json::parse("[1e-400]").asArray()[0].asNumber(), 0.0);
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
    const Matrix back = json::matrixAt(*v.find("m"), "m");
    ASSERT_EQ(back.rows(), 2);
    ASSERT_EQ(back.cols(), 3);
    for (int r = 0; r < 2; ++r)
        for (int c = 0; c < 3; ++c)
            EXPECT_EQ(back(r, c), m(r, c)) << r << "," << c; // bit-exact with 9 digits
    EXPECT_EQ(v.find("s")->asString(), "引号\"\n\t\x01");
    EXPECT_EQ(v.find("i")->asNumber(), -12);
    EXPECT_NE(text.str().find("18446744073709551615"), std::string::npos);
}

TEST(JsonWriter, InvalidUtf8BecomesReplacementCharacter) {
    std::ostringstream text;
    json::writeString(text, "a\xff"
                            "b");
    EXPECT_EQ(text.str(), "\"a\\ufffdb\"");
    EXPECT_EQ(json::parse(text.str()).asString(), "a\xEF\xBF\xBD"
                                                  "b");
}

TEST(JsonRead, HelpersNameTheMember) {
    const json::Value v = json::parse(R"({"rows": [[1, 2], [3]], "n": 1.5, "s": 3, "big": 1e12})");
    try {
        json::matrixAt(*v.find("rows"), "config.rows");
        FAIL() << "ragged rows accepted";
    } catch (const InputError& error) {
        EXPECT_STREQ(error.what(), "config.rows[1]: has 1 numbers but the first row has 2");
    }
    EXPECT_THROW(json::integerAt(*v.find("n"), "n"), InputError);
    EXPECT_THROW(json::integerAt(*v.find("big"), "big"), InputError);
    EXPECT_THROW(json::stringAt(*v.find("s"), "s"), InputError);
    try {
        json::require(v, "absent", "config");
        FAIL();
    } catch (const InputError& error) {
        EXPECT_STREQ(error.what(), "config: the member \"absent\" is missing");
    }
}
