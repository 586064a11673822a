// Words from pieces: tokens of pretrained tokenizers grouped into whitespace words or ICU's
// dictionary words, for the word-aggregated maps.

#include "tokenizer_test_support.h"

#include "core/base/types.h"
#include "core/tokenizers/word_groups.h"

#include <gtest/gtest.h>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_tokenizer_words {

using namespace tokenizer_test;
using attnlab::core::InputError;
using attnlab::core::tokenizers::groupTokensIntoWords;
using attnlab::core::tokenizers::parseWordSegmentation;
using attnlab::core::tokenizers::WordGrouping;
using attnlab::core::tokenizers::WordSegmentation;

namespace {

using Strings = std::vector<std::string>;
using Ids = std::vector<int>;

Strings wordsOf(const WordGrouping& grouping) {
    Strings words;
    for (const auto& word : grouping.words)
        words.push_back(word.text);
    return words;
}

/// Byte-level BPE with no merges: every byte is a token (the worst case for grouping: the
/// bytes of one character are separate tokens).
PretrainedTokenizer bytesTokenizer(const Strings& merges = {}) {
    Strings pieces = byteAlphabet();
    for (const std::string& merge : merges) {
        const std::size_t space = merge.find(' ');
        pieces.push_back(merge.substr(0, space) + merge.substr(space + 1));
    }
    return fromDocument(
        document(bpeModel(pieces, merges), nullptr,
                 {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"use_regex", true}},
                 {{"type", "ByteLevel"}, {"trim_offsets", true}}, {{"type", "ByteLevel"}}));
}

/// BERT style: CJK characters one token each, [CLS] … [SEP] around, [MASK] as a typed special.
PretrainedTokenizer bertTokenizer() {
    const Strings pieces = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "我", "爱",    "深",
                            "度",    "学",    "习",    "hello", ",",      "un", "##aff", "##able"};
    json added = json::array();
    for (int id = 0; id < 5; ++id)
        added.push_back(addedToken(id, pieces[static_cast<std::size_t>(id)]));
    const json post = {{"type", "BertProcessing"}, {"sep", {"[SEP]", 3}}, {"cls", {"[CLS]", 2}}};
    return fromDocument(document(
        {{"type", "WordPiece"}, {"vocab", vocabulary(pieces)}, {"unk_token", "[UNK]"}},
        {{"type", "BertNormalizer"}}, {{"type", "BertPreTokenizer"}}, post, nullptr, added));
}

TEST(TokenizerWords, EnglishWordsAreWhitespaceWords) {
    const std::string text = "Hello, unaffable hello";
    const Encoding encoding = bertTokenizer().encode(text);
    const WordGrouping grouping = groupTokensIntoWords(text, encoding);
    EXPECT_EQ(grouping.segmentation, WordSegmentation::Whitespace);
    EXPECT_EQ(wordsOf(grouping), (Strings{"[CLS]", "Hello,", "unaffable", "hello", "[SEP]"}));
    // [CLS] hello , un ##aff ##able hello [SEP]
    EXPECT_EQ(grouping.wordOfToken, (Ids{0, 1, 1, 2, 2, 2, 3, 4}));
    EXPECT_TRUE(grouping.words[0].special);
    EXPECT_TRUE(grouping.words[4].special);
    EXPECT_FALSE(grouping.words[2].special);
    EXPECT_EQ(grouping.words[2].tokens, (Ids{3, 4, 5}));
    EXPECT_EQ(grouping.words[2].begin, 7u);
    EXPECT_EQ(grouping.words[2].end, 16u);
    EXPECT_EQ(grouping.words[4].begin, grouping.words[4].end); // inserted: empty
}

TEST(TokenizerWords, ChineseCharactersGroupIntoDictionaryWords) {
    const std::string text = "我爱深度学习";
    const Encoding encoding = bertTokenizer().encode(text);
    const WordGrouping grouping = groupTokensIntoWords(text, encoding);
    EXPECT_EQ(grouping.segmentation, WordSegmentation::Dictionary);
    EXPECT_EQ(wordsOf(grouping), (Strings{"[CLS]", "我", "爱", "深度", "学习", "[SEP]"}));
    EXPECT_EQ(grouping.wordOfToken, (Ids{0, 1, 2, 3, 3, 4, 4, 5}));
}

TEST(TokenizerWords, BytesOfOneCharacterStayInItsWord) {
    const std::string text = "我爱深度学习";
    const Encoding encoding = bytesTokenizer().encode(text);
    ASSERT_EQ(encoding.ids.size(), 18u);
    const WordGrouping grouping = groupTokensIntoWords(text, encoding);
    EXPECT_EQ(wordsOf(grouping), (Strings{"我", "爱", "深度", "学习"}));
    const Ids expected = {0, 0, 0, 1, 1, 1, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3};
    EXPECT_EQ(grouping.wordOfToken, expected);
}

TEST(TokenizerWords, SpecialTokensAreWordsOfTheirOwn) {
    const std::string text = "我爱[MASK]度学习";
    const Encoding encoding = bertTokenizer().encode(text);
    const WordGrouping grouping = groupTokensIntoWords(text, encoding);
    const Strings words = wordsOf(grouping);
    ASSERT_GE(words.size(), 6u);
    EXPECT_EQ(words.front(), "[CLS]");
    EXPECT_EQ(words.back(), "[SEP]");
    // The text around [MASK] is segmented on its own, so "[MASK]" never merges with 度.
    const auto mask = std::find(words.begin(), words.end(), "[MASK]");
    ASSERT_NE(mask, words.end());
    const auto maskIndex = static_cast<std::size_t>(mask - words.begin());
    EXPECT_TRUE(grouping.words[maskIndex].special);
    EXPECT_EQ(grouping.words[maskIndex].begin, 6u);
    EXPECT_EQ(grouping.words[maskIndex].end, 12u);
    std::string before;
    std::string after;
    for (std::size_t k = 1; k + 1 < words.size(); ++k)
        (k < maskIndex ? before : after) += k == maskIndex ? "" : words[k];
    EXPECT_EQ(before, "我爱");
    EXPECT_EQ(after, "度学习");
}

TEST(TokenizerWords, MixedTextUsesTheDictionaryAndKeepsEnglishWords) {
    const std::string text = "Attention 注意力 is all";
    const Encoding encoding = bytesTokenizer().encode(text);
    const WordGrouping grouping = groupTokensIntoWords(text, encoding);
    EXPECT_EQ(grouping.segmentation, WordSegmentation::Dictionary);
    const Strings words = wordsOf(grouping);
    ASSERT_GE(words.size(), 4u);
    EXPECT_EQ(words.front(), "Attention");
    EXPECT_EQ(words[words.size() - 2], "is");
    EXPECT_EQ(words.back(), "all");
    std::string middle;
    for (std::size_t k = 1; k + 2 < words.size(); ++k)
        middle += words[k];
    EXPECT_EQ(middle, "注意力");
}

TEST(TokenizerWords, ModesCanBeForced) {
    const std::string text = "don't stop.";
    const Encoding encoding = bytesTokenizer().encode(text);
    EXPECT_EQ(wordsOf(groupTokensIntoWords(text, encoding, WordSegmentation::Dictionary)),
              (Strings{"don't", "stop", "."}));
    EXPECT_EQ(wordsOf(groupTokensIntoWords(text, encoding, WordSegmentation::Whitespace)),
              (Strings{"don't", "stop."}));
    const std::string chinese = "我爱深度学习";
    EXPECT_EQ(wordsOf(groupTokensIntoWords(chinese, bytesTokenizer().encode(chinese),
                                           WordSegmentation::Whitespace)),
              (Strings{"我爱深度学习"}));
}

TEST(TokenizerWords, WhitespaceTokensJoinTheWordBefore) {
    // "hi", "Ġ" (a space on its own), "Ġthere", "Ċ"
    const PretrainedTokenizer tokenizer =
        bytesTokenizer({"h i", "Ġ t", "h e", "Ġt he", "r e", "Ġthe re"});
    const std::string text = "hi  there\n";
    const Encoding encoding = tokenizer.encode(text);
    ASSERT_EQ(piecesOf(encoding), (Strings{"hi", "Ġ", "Ġthere", "Ċ"}));
    const WordGrouping grouping = groupTokensIntoWords(text, encoding);
    EXPECT_EQ(wordsOf(grouping), (Strings{"hi", "there"}));
    EXPECT_EQ(grouping.wordOfToken, (Ids{0, 0, 1, 1}));
    // At the start, they join the word after.
    const std::string leading = "  hi";
    const WordGrouping start = groupTokensIntoWords(leading, tokenizer.encode(leading));
    EXPECT_EQ(wordsOf(start), (Strings{"hi"}));
    EXPECT_EQ(start.wordOfToken, (Ids{0, 0, 0})); // "Ġ", "Ġ", "hi"
    // Only whitespace: one word of it.
    const std::string blank = "   ";
    const WordGrouping spaces = groupTokensIntoWords(blank, tokenizer.encode(blank));
    EXPECT_EQ(spaces.words.size(), 1u);
    EXPECT_EQ(spaces.wordOfToken, (Ids{0, 0, 0}));
    EXPECT_EQ(spaces.words[0].tokens, (Ids{0, 1, 2}));
}

TEST(TokenizerWords, APieceAcrossAWordBoundaryGoesWhereItStarts) {
    // No pre-tokenizer: the whole text is one piece, spanning the words 深度 and 学习.
    const PretrainedTokenizer whole = fromDocument(document(wordLevelModel({"<unk>", "深度学习"})));
    const std::string text = "深度学习";
    const Encoding encoding = whole.encode(text);
    ASSERT_EQ(encoding.ids, (Ids{1}));
    const WordGrouping grouping = groupTokensIntoWords(text, encoding);
    EXPECT_EQ(wordsOf(grouping), (Strings{"深度学习"}));
    EXPECT_EQ(grouping.wordOfToken, (Ids{0}));
}

TEST(TokenizerWords, EmptyTextAndNames) {
    const WordGrouping none = groupTokensIntoWords("", bytesTokenizer().encode(""));
    EXPECT_TRUE(none.words.empty());
    EXPECT_TRUE(none.wordOfToken.empty());
    for (const WordSegmentation value :
         {WordSegmentation::Auto, WordSegmentation::Dictionary, WordSegmentation::Whitespace})
        EXPECT_EQ(parseWordSegmentation(toString(value)), value);
    EXPECT_THROW(parseWordSegmentation("sentences"), InputError);
    EXPECT_THROW(groupTokensIntoWords("\xFF", Encoding{}), InputError);
}

} // namespace

} // namespace test_tokenizer_words
