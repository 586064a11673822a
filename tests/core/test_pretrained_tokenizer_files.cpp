// Loading the tokenizer of a model folder: tokenizer.json, the classic files with
// tokenizer_config.json and special_tokens_map.json, and the errors a user sees for missing,
// unreadable, malformed or unsupported files.

#include "tokenizer_test_support.h"

#include "core/base/types.h"

#include <gtest/gtest.h>

#include <sys/stat.h>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_pretrained_tokenizer_files {

using namespace tokenizer_test;
using attnlab::core::FileError;
using attnlab::core::InputError;

namespace {

using Strings = std::vector<std::string>;
using Ids = std::vector<int>;

json smallBpe() {
    return document(bpeModel({"<unk>", "a", "b", "ab"}, {"a b"}, {{"unk_token", "<unk>"}}));
}

/// The message of the exception `load` throws, or "" when it loads.
template <typename Error> std::string loadError(const std::string& folder) {
    try {
        PretrainedTokenizer::load(folder);
    } catch (const Error& error) {
        return error.what();
    }
    return "";
}

template <typename Error> std::string jsonError(const std::string& text) {
    try {
        PretrainedTokenizer::fromTokenizerJson(text);
    } catch (const Error& error) {
        return error.what();
    }
    return "";
}

::testing::AssertionResult contains(const std::string& text, const std::string& part) {
    if (text.find(part) != std::string::npos)
        return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "'" << text << "' does not contain '" << part << "'";
}

TEST(TokenizerFiles, LoadsTokenizerJsonFromTheFolderOrTheFile) {
    const TempFolder folder;
    folder.write("tokenizer.json", smallBpe().dump());
    const PretrainedTokenizer fromFolder = PretrainedTokenizer::load(folder.string());
    EXPECT_EQ(fromFolder.encode("abab").ids, (Ids{3, 3}));
    const PretrainedTokenizer fromFile =
        PretrainedTokenizer::load((folder.path() / "tokenizer.json").string());
    EXPECT_EQ(fromFile.encode("ba").ids, (Ids{2, 1}));
    EXPECT_TRUE(contains(fromFolder.description(), "tokenizer.json, BPE, 4 pieces"));
}

TEST(TokenizerFiles, TokenizerJsonWinsOverClassicFiles) {
    const TempFolder folder;
    folder.write("tokenizer.json", smallBpe().dump());
    folder.write("vocab.txt", "[UNK]\nx\n");
    EXPECT_EQ(PretrainedTokenizer::load(folder.string()).vocabSize(), 4);
}

TEST(TokenizerFiles, ClassicGpt2Files) {
    const TempFolder folder;
    json vocab = vocabulary(byteAlphabet());
    vocab["hi"] = 256;
    vocab["Ġh"] = 257;
    vocab["Ġhi"] = 258;
    vocab["<|endoftext|>"] = 259;
    folder.write("vocab.json", vocab.dump());
    folder.write("merges.txt", "#version: 0.2\r\nĠ h\r\nh i\r\n\r\nĠh i\r\n");
    folder.write("tokenizer_config.json",
                 json{{"tokenizer_class", "GPT2Tokenizer"}, {"add_bos_token", true}}.dump());
    const PretrainedTokenizer tokenizer = PretrainedTokenizer::load(folder.string());
    const Encoding encoding = tokenizer.encode("hi hi<|endoftext|>");
    EXPECT_EQ(encoding.ids, (Ids{259, 256, 258, 259}));
    EXPECT_EQ(spansOf(encoding), (Spans{{0, 0}, {0, 2}, {3, 5}, {5, 18}}));
    EXPECT_TRUE(encoding.tokens[0].inserted);
    EXPECT_FALSE(encoding.tokens[3].inserted);
    ASSERT_TRUE(tokenizer.specials().eos.has_value());
    EXPECT_EQ(tokenizer.specials().eos->id, 259);
    EXPECT_EQ(tokenizer.specials().bos->text, "<|endoftext|>");
    EXPECT_EQ(tokenizer.decode(encoding.ids, true), "hi hi");
    EXPECT_TRUE(contains(tokenizer.description(), "byte-level BPE"));
}

TEST(TokenizerFiles, ClassicBertVocabularyFollowsTheConfiguration) {
    const TempFolder folder;
    folder.write("vocab.txt",
                 "[PAD]\r\n[UNK]\r\n[CLS]\r\n[SEP]\r\n[MASK]\r\n我爱\r\n度\r\n##学习\r\nCafé\r\n");
    folder.write("tokenizer_config.json",
                 json{{"do_lower_case", false}, {"tokenize_chinese_chars", false}}.dump());
    folder.write("special_tokens_map.json",
                 json{{"mask_token", {{"content", "[MASK]"}, {"lstrip", false}}}}.dump());
    const PretrainedTokenizer tokenizer = PretrainedTokenizer::load(folder.string());
    const Encoding encoding = tokenizer.encode("我爱[MASK]度学习 Café");
    EXPECT_EQ(encoding.ids, (Ids{2, 5, 4, 6, 7, 8, 3}));
    EXPECT_EQ(spansOf(encoding),
              (Spans{{0, 0}, {0, 6}, {6, 12}, {12, 15}, {15, 21}, {22, 27}, {27, 27}}));
    EXPECT_EQ(tokenizer.specials().mask->id, 4);
    EXPECT_EQ(tokenizer.specials().pad->id, 0);
    EXPECT_TRUE(contains(tokenizer.description(), "vocab.txt, WordPiece, cased"));
    // Lower-casing (the default) strips accents too.
    const TempFolder uncased;
    uncased.write("vocab.txt", "[UNK]\n[CLS]\n[SEP]\ncafe\n");
    EXPECT_EQ(PretrainedTokenizer::load(uncased.string()).encode("CAFÉ").ids, (Ids{1, 3, 2}));
}

TEST(TokenizerFiles, MissingFolderAndMissingTokenizer) {
    EXPECT_TRUE(contains(loadError<FileError>("/no/such/model/folder"), "no such folder"));
    const TempFolder folder;
    EXPECT_TRUE(contains(loadError<FileError>(folder.string()),
                         "expected tokenizer.json, or vocab.json with merges.txt, or vocab.txt"));
    folder.write("tokenizer.model", "sentencepiece");
    EXPECT_TRUE(contains(loadError<FileError>(folder.string()), "tokenizer.model (SentencePiece)"));
}

TEST(TokenizerFiles, AFifoOrAFolderNamedTokenizerJsonIsRefusedWithoutBlocking) {
    const TempFolder folder;
    ASSERT_EQ(::mkfifo((folder.path() / "tokenizer.json").c_str(), 0600), 0);
    EXPECT_TRUE(contains(loadError<FileError>(folder.string()), "not a regular file"));
    const TempFolder other;
    std::filesystem::create_directory(other.path() / "tokenizer.json");
    EXPECT_TRUE(contains(loadError<FileError>(other.string()), "a directory, not a file"));
}

TEST(TokenizerFiles, MalformedJsonGivesLineAndColumn) {
    EXPECT_EQ(jsonError<InputError>("{\n  \"model\": {\n    \"type\": BPE\n"),
              "tokenizer.json: not valid JSON (line 3, column 13)");
    EXPECT_EQ(jsonError<InputError>("[1, 2]"),
              "tokenizer.json: expected a JSON object at the top level");
    EXPECT_EQ(jsonError<InputError>("{}"), "tokenizer.json: model: missing");
    const TempFolder folder;
    folder.write("tokenizer.json", smallBpe().dump());
    folder.write("tokenizer_config.json", "{\"bos_token\": }");
    EXPECT_TRUE(contains(loadError<InputError>(folder.string()),
                         "tokenizer_config.json: not valid JSON (line 1, column 15)"));
}

TEST(TokenizerFiles, UnsupportedPartsAreNamedWithWhatIsSupported) {
    json unigram = smallBpe();
    unigram["model"] = {{"type", "Unigram"}, {"vocab", json::array({json::array({"a", -1.0})})}};
    EXPECT_EQ(jsonError<InputError>(unigram.dump()),
              "tokenizer.json: model.type: 'Unigram' is not supported (supported models: BPE, "
              "WordPiece, WordLevel)");
    json precompiled = smallBpe();
    precompiled["normalizer"] = {{"type", "Precompiled"}, {"precompiled_charsmap", "AAAA"}};
    EXPECT_TRUE(contains(jsonError<InputError>(precompiled.dump()),
                         "normalizer.type: 'Precompiled' is not supported (supported normalizers: "
                         "NFC"));
    json nested = smallBpe();
    nested["pre_tokenizer"] = {
        {"type", "Sequence"},
        {"pretokenizers", {{{"type", "WhitespaceSplit"}}, {{"type", "UnicodeScripts"}}}}};
    EXPECT_TRUE(contains(jsonError<InputError>(nested.dump()),
                         "tokenizer.json: pre_tokenizer.pretokenizers[1].type: 'UnicodeScripts' "
                         "is not supported"));
    json post = smallBpe();
    post["post_processor"] = {{"type", "Magic"}};
    EXPECT_TRUE(contains(jsonError<InputError>(post.dump()), "supported post-processors"));
}

TEST(TokenizerFiles, AnUnsupportedDecoderOnlyWarns) {
    json doc = smallBpe();
    doc["decoder"] = {{"type", "CTC"}};
    const PretrainedTokenizer tokenizer = PretrainedTokenizer::fromTokenizerJson(doc.dump());
    ASSERT_EQ(tokenizer.warnings().size(), 1u);
    EXPECT_TRUE(contains(tokenizer.warnings()[0], "decoder.type"));
    EXPECT_EQ(tokenizer.decode({3, 1}), "ab a");
}

TEST(TokenizerFiles, MalformedMembersAreNamed) {
    json badMerge = smallBpe();
    badMerge["model"]["merges"] = {"a b", "a c"};
    EXPECT_EQ(jsonError<InputError>(badMerge.dump()),
              "tokenizer.json: model.merges: merge 2 ('a' + 'c'): 'c' is not in the vocabulary");
    json badShape = smallBpe();
    badShape["model"]["merges"] = {"a b c"};
    EXPECT_TRUE(contains(jsonError<InputError>(badShape.dump()),
                         "tokenizer.json: model.merges: merge 0 'a b c' is not two pieces"));
    json badId = smallBpe();
    badId["model"]["vocab"]["x"] = "7";
    EXPECT_EQ(jsonError<InputError>(badId.dump()),
              "tokenizer.json: model.vocab: ids must be integers");
    json noVocab = smallBpe();
    noVocab["model"].erase("vocab");
    EXPECT_EQ(jsonError<InputError>(noVocab.dump()), "tokenizer.json: model.vocab: missing");
    json badUnknown = smallBpe();
    badUnknown["model"]["unk_token"] = "<nope>";
    EXPECT_TRUE(contains(jsonError<InputError>(badUnknown.dump()),
                         "the unknown token '<nope>' is not in the vocabulary"));
    json badFlag = smallBpe();
    badFlag["model"]["byte_fallback"] = "yes";
    EXPECT_EQ(jsonError<InputError>(badFlag.dump()),
              "tokenizer.json: model.byte_fallback: expected true or false, found a string");
    json hugeId = smallBpe();
    hugeId["model"]["vocab"]["x"] = 50'000'000;
    EXPECT_TRUE(contains(jsonError<InputError>(hugeId.dump()),
                         "model.vocab: the id of 'x' is 50000000; ids must be from 0 to"));
    json badTemplate = smallBpe();
    badTemplate["post_processor"] = {
        {"type", "TemplateProcessing"},
        {"single", {{{"SpecialToken", {{"id", "[CLS]"}, {"type_id", 0}}}}}},
        {"special_tokens", json::object()}};
    EXPECT_EQ(jsonError<InputError>(badTemplate.dump()),
              "tokenizer.json: post_processor.single[0].SpecialToken: '[CLS]' is not listed in "
              "special_tokens");
    json outside = smallBpe();
    outside["post_processor"] = {{"type", "BertProcessing"}, {"sep", {"x", 9}}, {"cls", {"y", 1}}};
    EXPECT_EQ(jsonError<InputError>(outside.dump()),
              "tokenizer.json: the post-processor adds the token id 9, which is not in the "
              "vocabulary");
    json added = smallBpe();
    added["added_tokens"] = {{{"id", 4}, {"content", ""}}};
    EXPECT_EQ(jsonError<InputError>(added.dump()),
              "tokenizer.json: added_tokens[0].content: an added token cannot be empty");
}

TEST(TokenizerFiles, ClassicFileErrorsNameTheFileAndLine) {
    const TempFolder folder;
    folder.write("vocab.json", json{{"a", 0}, {"b", 1}, {"ab", 2}}.dump());
    folder.write("merges.txt", "#version: 0.2\na b\nab\n");
    EXPECT_EQ(loadError<InputError>(folder.string()),
              "merges.txt line 3: expected two pieces separated by one space");
    folder.write("merges.txt", "a b\na x\n");
    EXPECT_EQ(loadError<InputError>(folder.string()),
              "merges.txt line 2 ('a' + 'x'): 'x' is not in the vocabulary");
    folder.write("vocab.json", "[\"a\"]");
    EXPECT_EQ(loadError<InputError>(folder.string()),
              "vocab.json: expected an object of pieces and their ids");
    const TempFolder bert;
    bert.write("vocab.txt", "a\nb\n");
    EXPECT_EQ(loadError<InputError>(bert.string()),
              "vocab.txt: the unknown token '[UNK]' is not in the vocabulary");
}

} // namespace

} // namespace test_pretrained_tokenizer_files
