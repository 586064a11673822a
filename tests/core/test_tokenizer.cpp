#include "core/base/types.h"
#include "core/text/tokenizer.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <thread>
#include <vector>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_tokenizer {

using attnlab::core::InputError;
using attnlab::core::Token;
using attnlab::core::tokenize;
using attnlab::core::TokenizerConfig;
using attnlab::core::TokenizerMode;

namespace {

using Texts = std::vector<std::string>;

Texts textsOf(const std::vector<Token>& tokens) {
    Texts texts;
    for (const auto& token : tokens)
        texts.push_back(token.text);
    return texts;
}

/// Every token's span must select exactly its text, and spans must be increasing.
::testing::AssertionResult spansMatch(std::string_view input, const std::vector<Token>& tokens) {
    std::size_t previousEnd = 0;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        const Token& token = tokens[i];
        if (token.begin >= token.end || token.end > input.size())
            return ::testing::AssertionFailure()
                   << "token " << i << " '" << token.text << "' has span [" << token.begin << ", "
                   << token.end << ") in " << input.size() << " bytes";
        if (token.begin < previousEnd)
            return ::testing::AssertionFailure()
                   << "token " << i << " starts at " << token.begin
                   << " before the previous token ends at " << previousEnd;
        const std::string_view slice = input.substr(token.begin, token.end - token.begin);
        if (slice != token.text)
            return ::testing::AssertionFailure() << "token " << i << " is '" << token.text
                                                 << "' but its span selects '" << slice << "'";
        previousEnd = token.end;
    }
    return ::testing::AssertionSuccess();
}

TokenizerConfig withMode(TokenizerMode mode) {
    TokenizerConfig config;
    config.mode = mode;
    return config;
}

std::string errorOf(std::string_view text, const TokenizerConfig& config = {}) {
    try {
        tokenize(text, config);
    } catch (const InputError& error) {
        return error.what();
    }
    return "(no error)";
}

} // namespace

TEST(Tokenize, EnglishSentence) {
    const std::string input = "The cat sat on the mat.";
    const auto tokens = tokenize(input);
    EXPECT_EQ(textsOf(tokens), (Texts{"The", "cat", "sat", "on", "the", "mat", "."}));
    EXPECT_TRUE(spansMatch(input, tokens));
    ASSERT_EQ(tokens.size(), 7u);
    EXPECT_EQ(tokens[1].begin, 4u);
    EXPECT_EQ(tokens[1].end, 7u);
    EXPECT_EQ(tokens[6].begin, 22u);
    EXPECT_EQ(tokens[6].end, 23u);
}

TEST(Tokenize, ContractionStaysOneWord) {
    EXPECT_EQ(textsOf(tokenize("didn't")), (Texts{"didn't"}));
    // The typographic apostrophe too.
    EXPECT_EQ(textsOf(tokenize("didn’t")), (Texts{"didn’t"}));
}

TEST(Tokenize, AnimalSentence) {
    const std::string input = "The animal didn't cross the street because it was too tired.";
    const auto tokens = tokenize(input);
    EXPECT_EQ(textsOf(tokens), (Texts{"The", "animal", "didn't", "cross", "the", "street",
                                      "because", "it", "was", "too", "tired", "."}));
    EXPECT_TRUE(spansMatch(input, tokens));
}

TEST(Tokenize, ChineseUsesDictionaryWords) {
    const std::string input = "我爱深度学习。";
    const auto tokens = tokenize(input);
    EXPECT_EQ(textsOf(tokens), (Texts{"我", "爱", "深度", "学习", "。"}));
    EXPECT_TRUE(spansMatch(input, tokens));
}

TEST(Tokenize, MultiByteSpansAreByteOffsets) {
    const std::string input = "我爱深度学习。";
    const auto tokens = tokenize(input);
    ASSERT_EQ(tokens.size(), 5u);
    // Each of these CJK characters is 3 bytes in UTF-8.
    const std::vector<std::pair<std::size_t, std::size_t>> expected{
        {0, 3}, {3, 6}, {6, 12}, {12, 18}, {18, 21}};
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        EXPECT_EQ(tokens[i].begin, expected[i].first) << "token " << i;
        EXPECT_EQ(tokens[i].end, expected[i].second) << "token " << i;
    }
}

TEST(Tokenize, SpansAcrossOneToFourByteCharacters) {
    // 1-byte, 2-byte, 3-byte and 4-byte (outside the BMP, a surrogate pair in UTF-16) characters.
    const std::string input = "a é 中 𝄞 z";
    const auto tokens = tokenize(input, withMode(TokenizerMode::Whitespace));
    EXPECT_EQ(textsOf(tokens), (Texts{"a", "é", "中", "𝄞", "z"}));
    EXPECT_TRUE(spansMatch(input, tokens));
    ASSERT_EQ(tokens.size(), 5u);
    EXPECT_EQ(tokens[3].begin, 9u);
    EXPECT_EQ(tokens[3].end, 13u);
    EXPECT_EQ(tokens[4].begin, 14u);
}

TEST(Tokenize, MixedChineseAndEnglish) {
    const std::string input = "我爱deep learning和Transformer模型!";
    const auto tokens = tokenize(input);
    EXPECT_EQ(textsOf(tokens),
              (Texts{"我", "爱", "deep", "learning", "和", "Transformer", "模型", "!"}));
    EXPECT_TRUE(spansMatch(input, tokens));
}

TEST(Tokenize, PunctuationRunIsOneTokenPerMark) {
    // Decision: ICU's word rules never join punctuation, and neither do we.
    const std::string input = "Wait... what?!";
    const auto tokens = tokenize(input);
    EXPECT_EQ(textsOf(tokens), (Texts{"Wait", ".", ".", ".", "what", "?", "!"}));
    EXPECT_TRUE(spansMatch(input, tokens));
}

TEST(Tokenize, DropPunctuation) {
    TokenizerConfig config;
    config.keepPunctuation = false;
    EXPECT_EQ(textsOf(tokenize("The cat sat on the mat.", config)),
              (Texts{"The", "cat", "sat", "on", "the", "mat"}));
    EXPECT_EQ(textsOf(tokenize("Wait... what?! «Yes» — 好。", config)),
              (Texts{"Wait", "what", "Yes", "好"}));
    // Words containing punctuation and symbols (not punctuation) are kept.
    EXPECT_EQ(textsOf(tokenize("didn't cost $5 + 😀", config)),
              (Texts{"didn't", "cost", "$", "5", "+", "😀"}));
}

TEST(Tokenize, DropPunctuationInCharAndWhitespaceModes) {
    TokenizerConfig config;
    config.keepPunctuation = false;
    config.mode = TokenizerMode::Char;
    EXPECT_EQ(textsOf(tokenize("a,b!", config)), (Texts{"a", "b"}));
    config.mode = TokenizerMode::Whitespace;
    EXPECT_EQ(textsOf(tokenize("hello, world ... !? end", config)),
              (Texts{"hello,", "world", "end"}));
}

TEST(Tokenize, KeepPunctuationByDefault) {
    EXPECT_EQ(textsOf(tokenize("Hi, you!")), (Texts{"Hi", ",", "you", "!"}));
}

TEST(Tokenize, EmojiInWordMode) {
    const std::string input = "I ❤️ 👩‍👩‍👧 cats";
    const auto tokens = tokenize(input);
    EXPECT_EQ(textsOf(tokens), (Texts{"I", "❤️", "👩‍👩‍👧", "cats"}));
    EXPECT_TRUE(spansMatch(input, tokens));
}

TEST(Tokenize, CharModeKeepsZwjSequenceTogether) {
    const std::string family =
        "👩‍👩‍👧"; // woman ZWJ woman ZWJ girl: 5 code points, 18 bytes
    ASSERT_EQ(family.size(), 18u);
    const std::string input = "a" + family + "b";
    const auto tokens = tokenize(input, withMode(TokenizerMode::Char));
    EXPECT_EQ(textsOf(tokens), (Texts{"a", family, "b"}));
    EXPECT_TRUE(spansMatch(input, tokens));
}

TEST(Tokenize, CharModeKeepsFlagsAndSkinTonesTogether) {
    const std::string input = "🇫🇷👍🏽";
    EXPECT_EQ(textsOf(tokenize(input, withMode(TokenizerMode::Char))), (Texts{"🇫🇷", "👍🏽"}));
}

TEST(Tokenize, CharModeCombiningMark) {
    const std::string decomposed = "e\xCC\x81"; // e + U+0301 COMBINING ACUTE ACCENT
    const std::string input = "caf" + decomposed + "!";
    const auto tokens = tokenize(input, withMode(TokenizerMode::Char));
    EXPECT_EQ(textsOf(tokens), (Texts{"c", "a", "f", decomposed, "!"}));
    EXPECT_TRUE(spansMatch(input, tokens));
    // In word mode the mark stays inside the word.
    EXPECT_EQ(textsOf(tokenize(input)), (Texts{"caf" + decomposed, "!"}));
}

TEST(Tokenize, CharModeSkipsWhitespace) {
    const std::string input = "我 爱\tA\n";
    const auto tokens = tokenize(input, withMode(TokenizerMode::Char));
    EXPECT_EQ(textsOf(tokens), (Texts{"我", "爱", "A"}));
    EXPECT_TRUE(spansMatch(input, tokens));
}

TEST(Tokenize, WhitespaceModeSplitsOnUnicodeWhitespaceOnly) {
    // U+3000 IDEOGRAPHIC SPACE, U+00A0 NO-BREAK SPACE, tab and newline all separate tokens;
    // punctuation does not.
    const std::string input = " didn't,stop\t我爱\u3000深度学习。\u00A0end.\r\n";
    const auto tokens = tokenize(input, withMode(TokenizerMode::Whitespace));
    EXPECT_EQ(textsOf(tokens), (Texts{"didn't,stop", "我爱", "深度学习。", "end."}));
    EXPECT_TRUE(spansMatch(input, tokens));
}

TEST(Tokenize, EmptyInputGivesNoTokens) {
    for (const auto mode : {TokenizerMode::Word, TokenizerMode::Char, TokenizerMode::Whitespace}) {
        EXPECT_TRUE(tokenize("", withMode(mode)).empty());
    }
}

TEST(Tokenize, WhitespaceOnlyInputGivesNoTokens) {
    const std::string input = " \t\n\r\n\u3000\u00A0\u2028  ";
    for (const auto mode : {TokenizerMode::Word, TokenizerMode::Char, TokenizerMode::Whitespace}) {
        EXPECT_EQ(textsOf(tokenize(input, withMode(mode))), Texts{});
    }
}

TEST(Tokenize, TooManyTokensNamesCountAndLimit) {
    TokenizerConfig config;
    config.maxTokens = 4;
    EXPECT_EQ(errorOf("one two three four five six", config),
              "the text has 6 tokens; the limit is 4");
    // Exactly at the limit is fine.
    EXPECT_EQ(tokenize("one two three four", config).size(), 4u);
}

TEST(Tokenize, TooManyTokensInCharMode) {
    TokenizerConfig config;
    config.mode = TokenizerMode::Char;
    config.maxTokens = 3;
    EXPECT_EQ(errorOf("我爱深度学习", config), "the text has 6 tokens; the limit is 3");
}

TEST(Tokenize, DefaultLimitIs4096) {
    std::string input;
    for (int i = 0; i < 5000; ++i)
        input += "w ";
    EXPECT_EQ(errorOf(input), "the text has 5000 tokens; the limit is 4096");
}

TEST(Tokenize, RejectsInvalidTokenLimit) {
    for (const int limit : {0, -1, 1'000'001}) {
        TokenizerConfig config;
        config.maxTokens = limit;
        const std::string message = errorOf("a", config);
        EXPECT_NE(message.find("token limit"), std::string::npos) << message;
        EXPECT_NE(message.find(std::to_string(limit)), std::string::npos) << message;
    }
}

TEST(Tokenize, InvalidUtf8NamesTheByte) {
    // A stray continuation byte at the fourth byte.
    EXPECT_EQ(errorOf("abc\x80xyz"), "the text is not valid UTF-8 (byte 4 of 7 is 0x80)");
    // 0xFF never occurs in UTF-8.
    EXPECT_EQ(errorOf("\xFF"), "the text is not valid UTF-8 (byte 1 of 1 is 0xFF)");
    // A three-byte character cut off at the end.
    EXPECT_EQ(errorOf("ok \xE6\x88"),
              "the text is not valid UTF-8 (the character starting at byte 4 of 5 is cut off by "
              "the end of the text)");
}

TEST(Tokenize, InvalidUtf8RejectsOverlongAndSurrogates) {
    for (const std::string bad :
         {"\xC0\xAF", "\xE0\x80\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xE6\x41\x88"}) {
        const std::string message = errorOf(bad);
        EXPECT_NE(message.find("not valid UTF-8"), std::string::npos) << message;
    }
    // The error does not depend on the mode.
    EXPECT_NE(errorOf("a\xC3", withMode(TokenizerMode::Whitespace)).find("not valid UTF-8"),
              std::string::npos);
}

TEST(Tokenize, LargeTextInOnePass) {
    // 100 000 characters: 20 000 words of 4 letters, each followed by a space.
    std::string input;
    for (int i = 0; i < 20'000; ++i)
        input += "abcd ";
    ASSERT_EQ(input.size(), 100'000u);
    TokenizerConfig config;
    config.maxTokens = 1'000'000;
    const auto tokens = tokenize(input, config);
    ASSERT_EQ(tokens.size(), 20'000u);
    EXPECT_EQ(tokens.back().begin, 99'995u);
    EXPECT_EQ(tokens.back().end, 99'999u);

    config.mode = TokenizerMode::Char;
    EXPECT_EQ(tokenize(input, config).size(), 80'000u);
}

TEST(Tokenize, LargeChineseTextKeepsSpans) {
    std::string input;
    for (int i = 0; i < 10'000; ++i)
        input += "我爱深度学习。";
    TokenizerConfig config;
    config.maxTokens = 1'000'000;
    const auto tokens = tokenize(input, config);
    EXPECT_EQ(tokens.size(), 50'000u);
    EXPECT_TRUE(spansMatch(input, tokens));
}

TEST(Tokenize, ConcurrentCallsAgree) {
    const std::string input =
        "The animal didn't cross the street. 我爱深度学习。 👩‍👩‍👧";
    const auto expected = textsOf(tokenize(input));
    ASSERT_EQ(expected.size(), 13u);
    std::vector<Texts> results(4);
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < results.size(); ++t)
        threads.emplace_back([&input, &results, t] {
            for (int repeat = 0; repeat < 50; ++repeat)
                results[t] = textsOf(tokenize(input));
        });
    for (auto& thread : threads)
        thread.join();
    for (const auto& result : results)
        EXPECT_EQ(result, expected);
}

// ---- invisible characters (issue 7: control characters, bidirectional marks) ----

TEST(Tokenize, ControlCharactersSeparateTokensInEveryMode) {
    const std::string input = std::string("a\x01"
                                          "b\x07 c\x1b[0m d\x7f",
                                          14) +
                              std::string(1, '\0') + "e";
    for (const TokenizerMode mode :
         {TokenizerMode::Word, TokenizerMode::Char, TokenizerMode::Whitespace}) {
        SCOPED_TRACE(static_cast<int>(mode));
        const auto tokens = tokenize(input, withMode(mode));
        EXPECT_TRUE(spansMatch(input, tokens));
        for (const Token& token : tokens)
            for (unsigned char c : token.text)
                EXPECT_FALSE(c < 0x20 || c == 0x7F) << "control byte in '" << token.text << "'";
    }
    EXPECT_EQ(textsOf(tokenize(input, withMode(TokenizerMode::Whitespace))),
              (Texts{"a", "b", "c", "[0m", "d", "e"}));
    EXPECT_TRUE(tokenize("\x01\x02\x1b\x7f").empty());
}

TEST(Tokenize, BidirectionalMarksAndZeroWidthCharactersAreTrimmed) {
    // U+200F RLM, U+200E LRM, U+200B ZWSP, U+FEFF BOM, U+2066 LRI … U+2069 PDI.
    const std::string input = "\u200Fשלום\u200E abc\u200B \uFEFFdef \u2066x\u2069 \u200B";
    for (const TokenizerMode mode : {TokenizerMode::Word, TokenizerMode::Whitespace}) {
        SCOPED_TRACE(static_cast<int>(mode));
        const auto tokens = tokenize(input, withMode(mode));
        EXPECT_EQ(textsOf(tokens), (Texts{"שלום", "abc", "def", "x"}));
        EXPECT_TRUE(spansMatch(input, tokens));
    }
}

TEST(Tokenize, VisibleFormatCharactersStay) {
    // A joiner inside an emoji sequence, the Scotland flag's tag characters (Cf) at its end,
    // the emoji presentation selector (a mark) and the Arabic number sign (a prepended mark).
    const std::string scotland = "🏴\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E007F";
    const std::string input = "👩‍💻 " + scotland + " ❤️ \u0600١٢";
    const auto tokens = tokenize(input, withMode(TokenizerMode::Whitespace));
    EXPECT_EQ(textsOf(tokens), (Texts{"👩‍💻", scotland, "❤️", "\u0600١٢"}));
    EXPECT_EQ(textsOf(tokenize(scotland, withMode(TokenizerMode::Char))), (Texts{scotland}));
}

} // namespace test_tokenizer
