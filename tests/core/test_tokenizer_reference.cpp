// The pretrained tokenizers against an independent reference (tests/core/tokenizer_reference.py,
// run by a ctest fixture): for every kind of tokenizer the reference builds a model folder with
// trained vocabulary and merges, and the ids it expects for texts with CJK, emoji, accents,
// whitespace runs, special tokens, unknown characters and very long words.

#include "core/tokenizers/pretrained_tokenizer.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_tokenizer_reference {

using attnlab::core::tokenizers::Encoding;
using attnlab::core::tokenizers::PretrainedTokenizer;

namespace {

const std::filesystem::path kReferenceDir =
    std::filesystem::path(ATTNLAB_TEST_BINARY_DIR) / "tokenizer_reference";

const nlohmann::json* expectedCases() {
    static const nlohmann::json cases = [] {
        std::ifstream in(kReferenceDir / "expected.json");
        if (!in)
            return nlohmann::json();
        std::stringstream text;
        text << in.rdbuf();
        return nlohmann::json::parse(text.str());
    }();
    return cases.is_null() ? nullptr : &cases;
}

std::string describe(const PretrainedTokenizer& tokenizer, const std::vector<int>& ids) {
    std::string out;
    for (const int id : ids)
        out += "[" + std::to_string(id) + " " + tokenizer.piece(id) + "] ";
    return out;
}

class TokenizerReference : public ::testing::TestWithParam<std::string> {};

TEST_P(TokenizerReference, IdsMatchTheReference) {
    const nlohmann::json* cases = expectedCases();
    if (cases == nullptr)
        GTEST_SKIP() << "no reference in " << kReferenceDir
                     << " (ctest runs tests/core/tokenizer_reference.py first)";
    const std::string name = GetParam();
    const nlohmann::json* found = nullptr;
    for (const nlohmann::json& entry : (*cases)["cases"])
        if (entry["name"] == name)
            found = &entry;
    ASSERT_NE(found, nullptr) << "the reference has no case " << name;

    const PretrainedTokenizer tokenizer =
        PretrainedTokenizer::load((kReferenceDir / name).string());
    int compared = 0;
    for (const nlohmann::json& entry : (*found)["texts"]) {
        const std::string text = entry["text"];
        const std::vector<int> expected = entry["ids"];
        const Encoding encoding = tokenizer.encode(text);
        EXPECT_EQ(encoding.ids, expected)
            << "text: '" << text << "'\n  ours:      " << describe(tokenizer, encoding.ids)
            << "\n  reference: " << describe(tokenizer, expected);
        if (entry.contains("decoded")) {
            EXPECT_EQ(tokenizer.decode(encoding.ids), entry["decoded"].get<std::string>())
                << "text: '" << text << "'";
        }
        // Spans: within the text, in order; inserted tokens empty, the others not.
        std::size_t previousBegin = 0;
        for (const auto& token : encoding.tokens) {
            EXPECT_LE(token.begin, token.end);
            EXPECT_LE(token.end, text.size());
            EXPECT_GE(token.begin, previousBegin) << "text: '" << text << "'";
            EXPECT_EQ(token.inserted, token.begin == token.end && token.special)
                << "text: '" << text << "', token " << token.piece;
            previousBegin = token.begin;
        }
        ++compared;
    }
    EXPECT_GT(compared, 30);
}

INSTANTIATE_TEST_SUITE_P(
    AllKinds, TokenizerReference,
    ::testing::Values("gpt2_json", "gpt2_classic", "gpt2_prefix_space_json",
                      "gpt2_ignore_merges_json", "qwen2_json", "llama_json",
                      "llama_metaspace_first_json", "metaspace_unk_json", "bert_json",
                      "bert_classic_uncased", "bert_classic_cased",
                      "bert_classic_cased_strip_accents", "bert_classic_no_chinese_split",
                      "bpe_end_of_word_suffix_json", "bpe_subword_prefix_json", "wordlevel_json"),
    [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

} // namespace

} // namespace test_tokenizer_reference
