// Worked examples for the parts of a tokenizer.json pipeline: added-token flags, split
// behaviours, normalisers and pre-tokenizers, each through a word-level model whose vocabulary
// holds exactly the pieces expected, so that the pieces (and their spans) show what each part
// did.

#include "tokenizer_test_support.h"

#include "core/base/types.h"

#include <gtest/gtest.h>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_pretrained_tokenizer_parts {

using namespace tokenizer_test;
using attnlab::core::InputError;

namespace {

using Strings = std::vector<std::string>;

/// Pieces and their spans from a word-level tokenizer whose vocabulary is `pieces`.
Encoding run(const Strings& pieces, json normalizer, json preTokenizer, const std::string& text,
             json added = json::array()) {
    Strings vocab = {"<unk>"};
    vocab.insert(vocab.end(), pieces.begin(), pieces.end());
    return fromDocument(document(wordLevelModel(vocab), std::move(normalizer),
                                 std::move(preTokenizer), nullptr, nullptr, std::move(added)))
        .encode(text);
}

json split(const std::string& behavior, json pattern = {{"String", "-"}}, bool invert = false) {
    return {{"type", "Split"}, {"pattern", pattern}, {"behavior", behavior}, {"invert", invert}};
}

TEST(TokenizerParts, SplitBehaviours) {
    const Strings vocab = {"the",  "-",      "final",  "--",        "countdown",
                           "the-", "final-", "-final", "-countdown"};
    const std::string text = "the-final--countdown";
    EXPECT_EQ(piecesOf(run(vocab, nullptr, split("Removed"), text)),
              (Strings{"the", "final", "countdown"}));
    EXPECT_EQ(piecesOf(run(vocab, nullptr, split("Isolated"), text)),
              (Strings{"the", "-", "final", "-", "-", "countdown"}));
    EXPECT_EQ(piecesOf(run(vocab, nullptr, split("MergedWithPrevious"), text)),
              (Strings{"the-", "final-", "-", "countdown"}));
    EXPECT_EQ(piecesOf(run(vocab, nullptr, split("MergedWithNext"), text)),
              (Strings{"the", "-final", "-", "-countdown"}));
    EXPECT_EQ(piecesOf(run(vocab, nullptr, split("Contiguous"), text)),
              (Strings{"the", "-", "final", "--", "countdown"}));
    // Inverted: the matches are what is kept.
    EXPECT_EQ(piecesOf(run(vocab, nullptr, split("Removed", {{"Regex", "[a-z]+"}}, true), text)),
              (Strings{"the", "final", "countdown"}));
    const Encoding isolated = run(vocab, nullptr, split("Isolated"), text);
    EXPECT_EQ(spansOf(isolated), (Spans{{0, 3}, {3, 4}, {4, 9}, {9, 10}, {10, 11}, {11, 20}}));
}

TEST(TokenizerParts, SplitPatternsRunThroughIcu) {
    // Qwen2's pattern: contractions in any case, a letter run with one leading non-letter,
    // single digits, and newlines kept with the whitespace before them.
    const std::string qwen2 =
        R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
    const Strings vocab = {"IT", "'S", " 42", "4", "2", " ", "  \n", " 我爱", "!!\n", "\tx"};
    const Encoding encoding =
        run(vocab, nullptr, split("Isolated", {{"Regex", qwen2}}), "IT'S 42  \n 我爱!!\n\tx");
    EXPECT_EQ(piecesOf(encoding),
              (Strings{"IT", "'S", " ", "4", "2", "  \n", " 我爱", "!!\n", "\tx"}));
}

TEST(TokenizerParts, BrokenPatternIsAnInputErrorNamingTheMember) {
    try {
        run({}, nullptr, split("Isolated", {{"Regex", "(unclosed"}}), "x");
        FAIL() << "a broken pattern was accepted";
    } catch (const InputError& error) {
        const std::string message = error.what();
        EXPECT_NE(message.find("tokenizer.json: pre_tokenizer.pattern.Regex"), std::string::npos)
            << message;
    }
}

TEST(TokenizerParts, AddedTokenFlags) {
    const Strings vocab = {"hello", "world", "cat", "concat", "<mask>", "yesterday"};
    const json added = json::array(
        {addedToken(5, "<mask>", true, {{"lstrip", true}, {"rstrip", true}}),
         addedToken(3, "cat", false, {{"single_word", true}}), addedToken(6, "yesterday", false)});
    const std::string text = "Hello <mask>  world cat concat Yesterday";
    const Encoding encoding =
        run(vocab, {{"type", "Lowercase"}}, {{"type", "WhitespaceSplit"}}, text, added);
    EXPECT_EQ(piecesOf(encoding),
              (Strings{"hello", "<mask>", "world", "cat", "concat", "yesterday"}));
    // <mask> takes the spaces around it; "cat" inside "concat" is not a single word; the
    // normalised token "yesterday" matches the lower-cased text.
    EXPECT_EQ(spansOf(encoding), (Spans{{0, 5}, {5, 14}, {14, 19}, {20, 23}, {24, 30}, {31, 40}}));
    EXPECT_TRUE(encoding.tokens[1].special);
    EXPECT_FALSE(encoding.tokens[3].special);
    EXPECT_FALSE(encoding.tokens[5].special);
}

TEST(TokenizerParts, LongestAddedTokenWinsAtTheSamePosition) {
    const json added = json::array({addedToken(1, "<|a|>"), addedToken(2, "<|a|><|b|>")});
    const Encoding encoding =
        run({"<|a|>", "<|a|><|b|>", "x"}, nullptr, nullptr, "x<|a|><|b|><|a|>x", added);
    EXPECT_EQ(piecesOf(encoding), (Strings{"x", "<|a|><|b|>", "<|a|>", "x"}));
}

TEST(TokenizerParts, UnicodeNormalisationKeepsSpansOnTheOriginal) {
    // NFKC: the ligature ﬁ (3 bytes) becomes "fi"; NFC composes e + ◌́ into é.
    const Encoding nfkc = run({"fine"}, {{"type", "NFKC"}}, nullptr, "\xEF\xAC\x81ne");
    EXPECT_EQ(piecesOf(nfkc), (Strings{"fine"}));
    EXPECT_EQ(spansOf(nfkc), (Spans{{0, 5}}));
    const Encoding nfc =
        run({"caf", "é"}, {{"type", "NFC"}}, split("Isolated", {{"String", "é"}}), "cafe\xCC\x81");
    EXPECT_EQ(piecesOf(nfc), (Strings{"caf", "é"}));
    EXPECT_EQ(spansOf(nfc), (Spans{{0, 3}, {3, 6}}));
}

TEST(TokenizerParts, LowercaseCharacterByCharacter) {
    // Full lower case of İ (i + combining dot), and Σ as σ even at the end of a word.
    const Encoding encoding = run({"i\xCC\x87stanbul", "σασ"}, {{"type", "Lowercase"}},
                                  {{"type", "WhitespaceSplit"}}, "İSTANBUL ΣΑΣ");
    EXPECT_EQ(piecesOf(encoding), (Strings{"i\xCC\x87stanbul", "σασ"}));
    EXPECT_EQ(spansOf(encoding), (Spans{{0, 9}, {10, 16}}));
}

TEST(TokenizerParts, StripAccentsAfterDecomposition) {
    const json normalizer = {
        {"type", "Sequence"},
        {"normalizers", {{{"type", "NFD"}}, {{"type", "StripAccents"}}, {{"type", "Lowercase"}}}}};
    const Encoding encoding =
        run({"cafe", "naive"}, normalizer, {{"type", "WhitespaceSplit"}}, "Café nai\xCC\x88ve");
    EXPECT_EQ(piecesOf(encoding), (Strings{"cafe", "naive"}));
    EXPECT_EQ(spansOf(encoding), (Spans{{0, 5}, {6, 13}}));
}

TEST(TokenizerParts, BertNormalizerOptions) {
    const json bert = {{"type", "BertNormalizer"},
                       {"clean_text", true},
                       {"handle_chinese_chars", true},
                       {"strip_accents", nullptr},
                       {"lowercase", true}};
    // Control characters go, every whitespace is a space, CJK characters stand alone, accents
    // go with lower-casing.
    const Encoding encoding =
        run({"ab", "我", "爱", "cafe", "x"}, bert, {{"type", "WhitespaceSplit"}},
            "A\x07"
            "b\u3000我爱Café\tx");
    EXPECT_EQ(piecesOf(encoding), (Strings{"ab", "我", "爱", "cafe", "x"}));
    EXPECT_EQ(spansOf(encoding), (Spans{{0, 3}, {6, 9}, {9, 12}, {12, 17}, {18, 19}}));
    json cased = bert;
    cased["lowercase"] = false;
    EXPECT_EQ(piecesOf(run({"Café"}, cased, {{"type", "WhitespaceSplit"}}, "Café")),
              (Strings{"Café"}));
    cased["strip_accents"] = true;
    EXPECT_EQ(piecesOf(run({"Cafe"}, cased, {{"type", "WhitespaceSplit"}}, "Café")),
              (Strings{"Cafe"}));
    json whole = bert;
    whole["handle_chinese_chars"] = false;
    EXPECT_EQ(piecesOf(run({"我爱"}, whole, {{"type", "WhitespaceSplit"}}, "我爱")),
              (Strings{"我爱"}));
}

TEST(TokenizerParts, ReplacePrependAndStrip) {
    const json normalizer = {
        {"type", "Sequence"},
        {"normalizers",
         {{{"type", "Strip"}, {"strip_left", true}, {"strip_right", true}},
          {{"type", "Replace"}, {"pattern", {{"Regex", "[0-9]"}}}, {"content", "#"}},
          {{"type", "Prepend"}, {"prepend", ">"}}}}};
    const Encoding encoding = run({">r#d#"}, normalizer, nullptr, "  r2d2 \t");
    EXPECT_EQ(piecesOf(encoding), (Strings{">r#d#"}));
    EXPECT_EQ(spansOf(encoding), (Spans{{2, 6}}));
}

TEST(TokenizerParts, DigitsPunctuationWhitespace) {
    const Strings vocab = {"abc", "123", "1", "2", "3", ",def", ",", "def", "hello", "world", "!"};
    EXPECT_EQ(piecesOf(run(vocab, nullptr, {{"type", "Digits"}, {"individual_digits", false}},
                           "abc123,def")),
              (Strings{"abc", "123", ",def"}));
    EXPECT_EQ(piecesOf(run(vocab, nullptr, {{"type", "Digits"}, {"individual_digits", true}},
                           "abc123,def")),
              (Strings{"abc", "1", "2", "3", ",def"}));
    EXPECT_EQ(piecesOf(run(vocab, nullptr, {{"type", "Punctuation"}}, "abc,def")),
              (Strings{"abc", ",", "def"}));
    const Encoding words = run(vocab, nullptr, {{"type", "Whitespace"}}, "hello,  world!");
    EXPECT_EQ(piecesOf(words), (Strings{"hello", ",", "world", "!"}));
    EXPECT_EQ(spansOf(words), (Spans{{0, 5}, {5, 6}, {8, 13}, {13, 14}}));
    EXPECT_EQ(piecesOf(run(vocab, nullptr, {{"type", "CharDelimiterSplit"}, {"delimiter", ","}},
                           "abc,def")),
              (Strings{"abc", "def"}));
}

TEST(TokenizerParts, MetaspacePrependSchemes) {
    const Strings vocab = {"▁a", "▁b", "b", "<s>"};
    const json added = json::array({addedToken(4, "<s>")});
    const auto metaspace = [](const std::string& scheme, bool splitWords) {
        return json{{"type", "Metaspace"},
                    {"replacement", "▁"},
                    {"prepend_scheme", scheme},
                    {"split", splitWords}};
    };
    // "first": only the text at the very start gets the '▁'; "always": every stretch between
    // special tokens does; "never": none.
    EXPECT_EQ(piecesOf(run(vocab, nullptr, metaspace("first", true), "a<s>b", added)),
              (Strings{"▁a", "<s>", "b"}));
    EXPECT_EQ(piecesOf(run(vocab, nullptr, metaspace("always", true), "a<s>b", added)),
              (Strings{"▁a", "<s>", "▁b"}));
    EXPECT_EQ(piecesOf(run(vocab, nullptr, metaspace("never", true), "b a", added)),
              (Strings{"b", "▁a"}));
    EXPECT_EQ(piecesOf(run({"▁a▁b"}, nullptr, metaspace("always", false), "a b")),
              (Strings{"▁a▁b"}));
}

TEST(TokenizerParts, DecodersJoinPiecesBack) {
    // WordPiece joins "##" pieces to the one before and, with cleanup, removes the space before
    // punctuation; BPEDecoder turns the word suffix into spaces.
    const Strings pieces = {"[UNK]", "do", "n", "'", "t", "go", "##ing", "."};
    json wordpiece = {{"type", "WordPiece"}, {"vocab", vocabulary(pieces)}, {"unk_token", "[UNK]"}};
    const PretrainedTokenizer bert =
        fromDocument(document(wordpiece, nullptr, {{"type", "BertPreTokenizer"}}, nullptr,
                              {{"type", "WordPiece"}, {"prefix", "##"}, {"cleanup", true}}));
    EXPECT_EQ(bert.decode({1, 5, 6, 7}), "do going.");
    EXPECT_EQ(bert.decode(bert.encode("go going.").ids), "go going.");
    const PretrainedTokenizer suffix = fromDocument(
        document(bpeModel({"a</w>", "b</w>", "c"}, {}, {{"end_of_word_suffix", "</w>"}}), nullptr,
                 {{"type", "WhitespaceSplit"}}, nullptr, {{"type", "BPEDecoder"}}));
    EXPECT_EQ(suffix.decode({0, 2, 1}), "a cb");
    // Without a decoder, pieces are joined by spaces.
    const PretrainedTokenizer plain = fromDocument(
        document(wordLevelModel({"<unk>", "x", "y"}), nullptr, {{"type", "WhitespaceSplit"}}));
    EXPECT_EQ(plain.decode({1, 2}), "x y");
}

TEST(TokenizerParts, IgnoreMergesKeepsWholeWords) {
    const Strings pieces = {"a", "b", "c", "ab", "abc", "bc"};
    const json plain = bpeModel(pieces, {"b c", "a bc"});
    json whole = plain;
    whole["ignore_merges"] = true;
    // "ab" is in the vocabulary but no merge makes it: only ignore_merges gives it whole.
    EXPECT_EQ(piecesOf(fromDocument(document(plain)).encode("ab")), (Strings{"a", "b"}));
    EXPECT_EQ(piecesOf(fromDocument(document(whole)).encode("ab")), (Strings{"ab"}));
    EXPECT_EQ(piecesOf(fromDocument(document(whole)).encode("abc")), (Strings{"abc"}));
}

TEST(TokenizerParts, MergesAsPairsOrStringsAreTheSame) {
    const Strings pieces = {"a", "b", "ab", "abb"};
    const json strings = bpeModel(pieces, {"a b", "ab b"});
    json pairs = strings;
    pairs["merges"] = json::array({json::array({"a", "b"}), json::array({"ab", "b"})});
    EXPECT_EQ(fromDocument(document(strings)).encode("abbab").ids,
              fromDocument(document(pairs)).encode("abbab").ids);
    EXPECT_EQ(piecesOf(fromDocument(document(pairs)).encode("abbab")), (Strings{"abb", "ab"}));
}

TEST(TokenizerParts, LowestRankMergesFirst) {
    // "b c" has the lower rank, so "abc" is a + bc, although "a b" is also a merge.
    const Strings pieces = {"a", "b", "c", "ab", "bc", "abc"};
    EXPECT_EQ(
        piecesOf(fromDocument(document(bpeModel(pieces, {"b c", "a b", "a bc"}))).encode("abc")),
        (Strings{"abc"}));
    EXPECT_EQ(piecesOf(fromDocument(document(bpeModel(pieces, {"a b", "b c"}))).encode("abc")),
              (Strings{"ab", "c"}));
    // Equal pairs merge from the left: "aaa" is aa + a.
    EXPECT_EQ(piecesOf(fromDocument(document(bpeModel({"a", "aa"}, {"a a"}))).encode("aaa")),
              (Strings{"aa", "a"}));
}

TEST(TokenizerParts, ContinuingSubwordPrefixInBpe) {
    const Strings pieces = {"[UNK]", "u", "##n", "##i", "un", "##ni", "uni"};
    const json model = bpeModel(pieces, {"u ##n", "##n ##i", "un ##i"},
                                {{"continuing_subword_prefix", "##"}, {"unk_token", "[UNK]"}});
    const Encoding encoding = fromDocument(document(model)).encode("unix");
    EXPECT_EQ(piecesOf(encoding), (Strings{"uni", "[UNK]"}));
    EXPECT_EQ(spansOf(encoding), (Spans{{0, 3}, {3, 4}}));
    EXPECT_TRUE(encoding.tokens[1].unknown);
}

} // namespace

} // namespace test_pretrained_tokenizer_parts
