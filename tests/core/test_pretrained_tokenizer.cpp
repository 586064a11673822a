// Worked examples for the pretrained tokenizers: tiny tokenizer.json documents written here,
// with every id, span, flag and label checked by hand. The comparison with an independent
// reference on many texts is test_tokenizer_reference.cpp.

#include "tokenizer_test_support.h"

#include "core/base/types.h"

#include <gtest/gtest.h>

#include <thread>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_pretrained_tokenizer {

using namespace tokenizer_test;
using attnlab::core::InputError;
using attnlab::core::tokenizers::visibleTokenIndices;

namespace {

using Strings = std::vector<std::string>;
using Ids = std::vector<int>;

/// GPT-2 style: the 256 byte characters (ids 0…255 in byte order) and a few merges.
json gpt2Document(const Strings& merges) {
    Strings pieces = byteAlphabet();
    for (const std::string& merge : merges) {
        const std::size_t space = merge.find(' ');
        pieces.push_back(merge.substr(0, space) + merge.substr(space + 1));
    }
    return document(bpeModel(pieces, merges), nullptr,
                    {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"use_regex", true}},
                    {{"type", "ByteLevel"}, {"trim_offsets", true}}, {{"type", "ByteLevel"}},
                    json::array({addedToken(300, "<|endoftext|>")}));
}

const Strings kGpt2Merges = {"h i", "Ġ t", "h e", "Ġt he", "r e", "Ġthe re", "æ Ī", "æĪ ĳ"};

TEST(PretrainedTokenizer, ByteLevelPiecesSpansAndLabels) {
    const PretrainedTokenizer tokenizer = fromDocument(gpt2Document(kGpt2Merges));
    const std::string text = "hi there\n我!";
    const Encoding encoding = tokenizer.encode(text);
    EXPECT_EQ(encoding.ids, (Ids{256, 261, 10, 263, 33}));
    EXPECT_EQ(piecesOf(encoding), (Strings{"hi", "Ġthere", "Ċ", "æĪĳ", "!"}));
    // The space before "there" is trimmed from its span (the ByteLevel post-processor).
    EXPECT_EQ(spansOf(encoding), (Spans{{0, 2}, {3, 8}, {8, 9}, {9, 12}, {12, 13}}));
    EXPECT_EQ(textsOf(encoding), (Strings{"hi", "␣there", "↵", "我", "!"}));
    for (const auto& token : encoding.tokens)
        EXPECT_FALSE(token.special || token.inserted || token.unknown);
    EXPECT_EQ(tokenizer.decode(encoding.ids), text);
    EXPECT_EQ(tokenizer.vocabSize(), 301);
    EXPECT_EQ(tokenizer.tokenId("Ġthere"), 261);
    EXPECT_EQ(tokenizer.tokenId("<|endoftext|>"), 300);
    EXPECT_FALSE(tokenizer.tokenId("nothing").has_value());
}

TEST(PretrainedTokenizer, ByteLevelPartOfACharacterIsShownAsBytes) {
    // Without the last merge, 我 is two pieces; both stand for the whole character.
    const PretrainedTokenizer tokenizer = fromDocument(gpt2Document({"æ Ī"}));
    const Encoding encoding = tokenizer.encode("我");
    EXPECT_EQ(piecesOf(encoding), (Strings{"æĪ", "ĳ"}));
    EXPECT_EQ(spansOf(encoding), (Spans{{0, 3}, {0, 3}}));
    EXPECT_EQ(textsOf(encoding), (Strings{"<0xE6><0x88>", "<0x91>"}));
    EXPECT_EQ(tokenizer.decode(encoding.ids), "我");
    // One piece alone decodes to a replacement character, never to invalid UTF-8.
    EXPECT_EQ(tokenizer.decode({encoding.ids[0]}), "\xEF\xBF\xBD");
}

TEST(PretrainedTokenizer, SpecialTokenTypedInTheTextIsOneToken) {
    const PretrainedTokenizer tokenizer = fromDocument(gpt2Document(kGpt2Merges));
    const Encoding encoding = tokenizer.encode("hi<|endoftext|>hi");
    EXPECT_EQ(encoding.ids, (Ids{256, 300, 256}));
    EXPECT_EQ(spansOf(encoding), (Spans{{0, 2}, {2, 15}, {15, 17}}));
    EXPECT_TRUE(encoding.tokens[1].special);
    EXPECT_FALSE(encoding.tokens[1].inserted);
    EXPECT_EQ(encoding.tokens[1].text, "<|endoftext|>");
    EXPECT_EQ(tokenizer.decode(encoding.ids), "hi<|endoftext|>hi");
    EXPECT_EQ(tokenizer.decode(encoding.ids, true), "hihi");
    EXPECT_TRUE(tokenizer.isSpecial(300));
    EXPECT_FALSE(tokenizer.isSpecial(256));
    // A special token the user typed is never hidden from the maps.
    EXPECT_EQ(visibleTokenIndices(encoding, false), (Ids{0, 1, 2}));
}

/// Llama 2 style: '▁' prepended and for spaces by the normaliser, bytes for missing characters.
json llamaDocument(bool byteFallback) {
    Strings pieces = {"<unk>", "<s>", "</s>"};
    if (byteFallback)
        pieces.insert(pieces.end(), {"<0xE6>", "<0x88>", "<0x91>", "<0x0A>"});
    pieces.insert(pieces.end(), {"▁", "h", "i", "▁h", "▁hi"});
    const json normalizer = {
        {"type", "Sequence"},
        {"normalizers",
         {{{"type", "Prepend"}, {"prepend", "▁"}},
          {{"type", "Replace"}, {"pattern", {{"String", " "}}}, {"content", "▁"}}}}};
    const json post = {
        {"type", "TemplateProcessing"},
        {"single",
         {{{"SpecialToken", {{"id", "<s>"}, {"type_id", 0}}}},
          {{"Sequence", {{"id", "A"}, {"type_id", 0}}}}}},
        {"special_tokens", {{"<s>", {{"id", "<s>"}, {"ids", {1}}, {"tokens", {"<s>"}}}}}}};
    const json decoder = {{"type", "Sequence"},
                          {"decoders",
                           {{{"type", "Replace"}, {"pattern", {{"String", "▁"}}}, {"content", " "}},
                            {{"type", "ByteFallback"}},
                            {{"type", "Fuse"}},
                            {{"type", "Strip"}, {"content", " "}, {"start", 1}, {"stop", 0}}}}};
    return document(
        bpeModel(pieces, {"▁ h", "▁h i"},
                 {{"unk_token", "<unk>"}, {"byte_fallback", byteFallback}, {"fuse_unk", true}}),
        normalizer, nullptr, post, decoder,
        json::array({addedToken(0, "<unk>"), addedToken(1, "<s>"), addedToken(2, "</s>")}));
}

TEST(PretrainedTokenizer, MetaspaceWithByteFallback) {
    const PretrainedTokenizer tokenizer = fromDocument(llamaDocument(true));
    const std::string text = "hi 我\n";
    const Encoding encoding = tokenizer.encode(text);
    EXPECT_EQ(encoding.ids, (Ids{1, 11, 7, 3, 4, 5, 6}));
    EXPECT_EQ(piecesOf(encoding),
              (Strings{"<s>", "▁hi", "▁", "<0xE6>", "<0x88>", "<0x91>", "<0x0A>"}));
    // <s> is inserted with an empty span; the prepended '▁' belongs to the first character;
    // every byte token of 我 stands for the whole character.
    EXPECT_EQ(spansOf(encoding), (Spans{{0, 0}, {0, 2}, {2, 3}, {3, 6}, {3, 6}, {3, 6}, {6, 7}}));
    EXPECT_EQ(textsOf(encoding), (Strings{"<s>", "␣hi", "␣", "<0xE6>", "<0x88>", "<0x91>", "↵"}));
    EXPECT_TRUE(encoding.tokens[0].inserted && encoding.tokens[0].special);
    EXPECT_EQ(visibleTokenIndices(encoding, false), (Ids{1, 2, 3, 4, 5, 6}));
    EXPECT_EQ(visibleTokenIndices(encoding, true), (Ids{0, 1, 2, 3, 4, 5, 6}));
    EXPECT_EQ(tokenizer.decode(encoding.ids, true), text);
    EXPECT_EQ(tokenizer.decode(encoding.ids), "<s> hi 我\n");
    EXPECT_EQ(tokenizer.encode(text, false).ids, (Ids{11, 7, 3, 4, 5, 6}));
    ASSERT_TRUE(tokenizer.specials().bos.has_value());
    EXPECT_EQ(tokenizer.specials().bos->id, 1);
    EXPECT_EQ(tokenizer.specials().unk->id, 0);
}

TEST(PretrainedTokenizer, UnknownCharactersWithoutByteFallbackAreFusedUnknownTokens) {
    const PretrainedTokenizer tokenizer = fromDocument(llamaDocument(false));
    const Encoding encoding = tokenizer.encode("héé hé");
    // ▁h, <unk> for "éé" (fused), ▁h, <unk> for "é".
    EXPECT_EQ(piecesOf(encoding), (Strings{"<s>", "▁h", "<unk>", "▁h", "<unk>"}));
    EXPECT_EQ(spansOf(encoding), (Spans{{0, 0}, {0, 1}, {1, 5}, {5, 7}, {7, 9}}));
    EXPECT_TRUE(encoding.tokens[2].unknown);
    EXPECT_FALSE(encoding.tokens[2].special);
    EXPECT_FALSE(encoding.tokens[1].unknown);
}

TEST(PretrainedTokenizer, LlamaConfigurationDecidesBosAndEos) {
    const json config = {{"tokenizer_class", "LlamaTokenizerFast"},
                         {"add_bos_token", false},
                         {"add_eos_token", true},
                         {"bos_token", "<s>"},
                         {"eos_token", "</s>"}};
    const PretrainedTokenizer tokenizer = fromDocument(llamaDocument(true), config);
    const Encoding encoding = tokenizer.encode("hi");
    EXPECT_EQ(encoding.ids, (Ids{11, 2}));
    EXPECT_TRUE(encoding.tokens[1].inserted);
    EXPECT_EQ(spansOf(encoding), (Spans{{0, 2}, {2, 2}}));
}

json bertDocument(json post) {
    const Strings pieces = {"[PAD]", "[UNK]",  "[CLS]", "[SEP]", "[MASK]", "un",
                            "##aff", "##able", "hello", ",",     "我",     "爱"};
    const json model = {{"type", "WordPiece"},
                        {"vocab", vocabulary(pieces)},
                        {"unk_token", "[UNK]"},
                        {"continuing_subword_prefix", "##"},
                        {"max_input_chars_per_word", 10}};
    json added = json::array();
    for (int id = 0; id < 5; ++id)
        added.push_back(addedToken(id, pieces[static_cast<std::size_t>(id)]));
    return document(model, {{"type", "BertNormalizer"}}, {{"type", "BertPreTokenizer"}}, post,
                    {{"type", "WordPiece"}, {"prefix", "##"}, {"cleanup", true}}, added);
}

TEST(PretrainedTokenizer, WordPieceWithClsSepUnknownsAndMask) {
    const PretrainedTokenizer tokenizer = fromDocument(
        bertDocument({{"type", "BertProcessing"}, {"sep", {"[SEP]", 3}}, {"cls", {"[CLS]", 2}}}));
    const std::string text = "Hello, UNAFFABLE 我爱 xyz supercalifragilistic [MASK]";
    const Encoding encoding = tokenizer.encode(text);
    EXPECT_EQ(encoding.ids, (Ids{2, 8, 9, 5, 6, 7, 10, 11, 1, 1, 4, 3}));
    EXPECT_EQ(spansOf(encoding), (Spans{{0, 0},
                                        {0, 5},
                                        {5, 6},
                                        {7, 9},
                                        {9, 12},
                                        {12, 16},
                                        {17, 20},
                                        {20, 23},
                                        {24, 27},
                                        {28, 48},
                                        {49, 55},
                                        {55, 55}}));
    // xyz has a character the vocabulary lacks; the long word is over max_input_chars_per_word.
    EXPECT_TRUE(encoding.tokens[8].unknown);
    EXPECT_TRUE(encoding.tokens[9].unknown);
    EXPECT_TRUE(encoding.tokens[10].special);
    EXPECT_FALSE(encoding.tokens[10].inserted);
    EXPECT_EQ(encoding.tokens[4].text, "##aff");
    for (const auto& token : encoding.tokens)
        EXPECT_EQ(token.typeId, 0);
    EXPECT_EQ(visibleTokenIndices(encoding, false), (Ids{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
    EXPECT_EQ(tokenizer.decode(encoding.ids, true), "hello, unaffable 我 爱");
    EXPECT_EQ(tokenizer.specials().mask->id, 4);
    EXPECT_EQ(tokenizer.specials().cls->id, 2);
    EXPECT_EQ(tokenizer.specials().sep->id, 3);
    EXPECT_EQ(tokenizer.encode(text, false).ids.size(), 10u);
}

TEST(PretrainedTokenizer, TemplateWithTypeIdsAndSeveralIdsPerSpecialToken) {
    const json post = {{"type", "TemplateProcessing"},
                       {"single",
                        {{{"SpecialToken", {{"id", "[X]"}, {"type_id", 0}}}},
                         {{"Sequence", {{"id", "A"}, {"type_id", 1}}}},
                         {{"SpecialToken", {{"id", "[SEP]"}, {"type_id", 1}}}}}},
                       {"special_tokens",
                        {{"[X]", {{"id", "[X]"}, {"ids", {2, 4}}, {"tokens", {"[CLS]", "[MASK]"}}}},
                         {"[SEP]", {{"id", "[SEP]"}, {"ids", {3}}, {"tokens", {"[SEP]"}}}}}}};
    const Encoding encoding = fromDocument(bertDocument(post)).encode("hello");
    EXPECT_EQ(encoding.ids, (Ids{2, 4, 8, 3}));
    EXPECT_EQ(encoding.tokens[0].typeId, 0);
    EXPECT_EQ(encoding.tokens[1].typeId, 0);
    EXPECT_EQ(encoding.tokens[2].typeId, 1);
    EXPECT_EQ(encoding.tokens[3].typeId, 1);
    EXPECT_TRUE(encoding.tokens[1].inserted);
}

TEST(PretrainedTokenizer, RobertaProcessingTrimsSpacesAndWraps) {
    Strings pieces = byteAlphabet();
    pieces.push_back("Ġh");
    pieces.push_back("Ġhi");
    const json doc = document(
        bpeModel(pieces, {"Ġ h", "Ġh i"}), nullptr,
        {{"type", "ByteLevel"}, {"add_prefix_space", true}},
        {{"type", "RobertaProcessing"}, {"sep", {"</s>", 258}}, {"cls", {"<s>", 259}}},
        {{"type", "ByteLevel"}}, json::array({addedToken(258, "</s>"), addedToken(259, "<s>")}));
    const PretrainedTokenizer tokenizer = fromDocument(doc);
    const Encoding encoding = tokenizer.encode("hi  hi");
    // The prefix space makes the first word "Ġhi" like the others; its span has no space.
    EXPECT_EQ(piecesOf(encoding), (Strings{"<s>", "Ġhi", "Ġ", "Ġhi", "</s>"}));
    EXPECT_EQ(spansOf(encoding), (Spans{{0, 0}, {0, 2}, {3, 3}, {4, 6}, {6, 6}}));
    EXPECT_EQ(tokenizer.decode(encoding.ids, true), " hi  hi");
}

TEST(PretrainedTokenizer, InvalidUtf8IsRefusedWithTheByte) {
    const PretrainedTokenizer tokenizer = fromDocument(gpt2Document(kGpt2Merges));
    try {
        tokenizer.encode("ab\xFF");
        FAIL() << "invalid UTF-8 was accepted";
    } catch (const InputError& error) {
        EXPECT_EQ(std::string(error.what()), "the text is not valid UTF-8 (byte 3 of 3 is 0xFF)");
    }
    EXPECT_THROW(tokenizer.encode("\xE6\x88"), InputError);     // cut off
    EXPECT_THROW(tokenizer.encode("\xC0\xAF"), InputError);     // overlong
    EXPECT_THROW(tokenizer.encode("\xED\xA0\x80"), InputError); // surrogate
}

TEST(PretrainedTokenizer, EmptyTextGivesOnlyInsertedTokens) {
    EXPECT_TRUE(fromDocument(gpt2Document(kGpt2Merges)).encode("").ids.empty());
    const Encoding llama = fromDocument(llamaDocument(true)).encode("");
    EXPECT_EQ(llama.ids, (Ids{1}));
    EXPECT_EQ(spansOf(llama), (Spans{{0, 0}}));
}

TEST(PretrainedTokenizer, PieceLabels) {
    const PretrainedTokenizer gpt2 = fromDocument(gpt2Document(kGpt2Merges));
    EXPECT_EQ(gpt2.pieceText(32), "␣"); // Ġ
    EXPECT_EQ(gpt2.pieceText(9), "⇥");  // ĉ, a tab
    EXPECT_EQ(gpt2.pieceText(13), "␍"); // č, a carriage return
    EXPECT_EQ(gpt2.pieceText(0), "␀");
    EXPECT_EQ(gpt2.pieceText(263), "我");
    EXPECT_EQ(gpt2.piece(263), "æĪĳ");
    EXPECT_EQ(gpt2.pieceText(-1), "");
    EXPECT_EQ(gpt2.pieceText(299), ""); // an unused id
    EXPECT_EQ(gpt2.piece(100000), "");
    const PretrainedTokenizer llama = fromDocument(llamaDocument(true));
    EXPECT_EQ(llama.pieceText(11), "␣hi");
    EXPECT_EQ(llama.pieceText(6), "↵");      // <0x0A>
    EXPECT_EQ(llama.pieceText(3), "<0xE6>"); // part of a character
    // An added token that is not special is labelled like a piece; a special one as written.
    json doc = llamaDocument(true);
    doc["added_tokens"].push_back(addedToken(12, "▁▁", false, {{"normalized", false}}));
    const PretrainedTokenizer indented = fromDocument(doc);
    EXPECT_EQ(indented.pieceText(12), "␣␣");
    EXPECT_EQ(indented.pieceText(1), "<s>");
    EXPECT_EQ(indented.vocabSize(), 13);
}

TEST(PretrainedTokenizer, DecodesPredictionsReadably) {
    const PretrainedTokenizer gpt2 = fromDocument(gpt2Document(kGpt2Merges));
    EXPECT_EQ(gpt2.decode({261}), " there");
    EXPECT_EQ(gpt2.decode({263}), "我");
    EXPECT_EQ(gpt2.decode({-5, 263, 99999}), "我"); // ids out of range are skipped
    const PretrainedTokenizer llama = fromDocument(llamaDocument(true));
    EXPECT_EQ(llama.decode({11}), "hi");
    EXPECT_EQ(llama.decode({3, 4, 5}), "我");
    EXPECT_EQ(llama.decode({3, 4}), "\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(PretrainedTokenizer, EncodesTheSameFromSeveralThreads) {
    const PretrainedTokenizer tokenizer = fromDocument(gpt2Document(kGpt2Merges));
    const std::string text = "hi there hi there 我 hi\nthere!";
    const Ids expected = tokenizer.encode(text).ids;
    std::vector<Ids> results(4);
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < results.size(); ++t)
        threads.emplace_back([&, t] {
            for (int k = 0; k < 200; ++k)
                results[t] =
                    tokenizer.encode(text + std::string(static_cast<std::size_t>(k % 3), ' ')).ids;
        });
    for (auto& thread : threads)
        thread.join();
    for (const Ids& ids : results) {
        ASSERT_GE(ids.size(), expected.size());
        EXPECT_TRUE(std::equal(expected.begin(), expected.end(), ids.begin()));
    }
}

} // namespace

} // namespace test_pretrained_tokenizer
