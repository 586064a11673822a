// Fuzzes the pretrained tokenizers. Input: byte 0 picks what is fuzzed; the rest is split at the
// first NUL byte into a document and a text (no NUL: all document, and a fixed text).
//  - byte 0 odd: the document is a tokenizer.json; loading must succeed or throw InputError,
//    and what loads must encode the text under the invariants below.
//  - byte 0 even: one of three built-in tokenizers (byte-level BPE, Metaspace BPE with byte
//    fallback, WordPiece; (byte 0 / 2) % 3) encodes the whole rest as text.
// Invariants: encoding throws InputError exactly when the text is not valid UTF-8 (a fuzzed
// tokenizer may also refuse with InputError, e.g. a split pattern that runs too long); one token
// per id; ids in the vocabulary; spans within the text, in order, empty exactly for inserted
// tokens; decoding gives valid UTF-8; for the byte-level tokenizer, decoding the ids of ASCII
// text gives the text back; the same text encodes the same twice; grouping into words gives
// every token one word, each word's tokens increasing.

#include "fuzz_common.h"

#include "core/base/types.h"
#include "core/tokenizers/pretrained_tokenizer.h"
#include "core/tokenizers/unicode_text.h"
#include "core/tokenizers/word_groups.h"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

using namespace attnlab::core;
using namespace attnlab::core::tokenizers;
using nlohmann::json;

json byteLevelDocument() {
    json vocab = json::object();
    for (int b = 0; b < 256; ++b) {
        const auto printable = [](int x) {
            return (x >= 0x21 && x <= 0x7E) || (x >= 0xA1 && x <= 0xAC) || x >= 0xAE;
        };
        int code = b;
        if (!printable(b)) {
            int rank = 0;
            for (int x = 0; x < b; ++x)
                rank += printable(x) ? 0 : 1;
            code = 0x100 + rank;
        }
        std::string piece;
        tokenizers::detail::appendUtf8(piece, static_cast<char32_t>(code));
        vocab[piece] = b;
    }
    vocab["th"] = 256;
    vocab["the"] = 257;
    vocab["Ġthe"] = 258;
    return {
        {"model", {{"type", "BPE"}, {"vocab", vocab}, {"merges", {"t h", "th e", "Ġ the"}}}},
        {"pre_tokenizer", {{"type", "ByteLevel"}, {"add_prefix_space", false}}},
        {"post_processor", {{"type", "ByteLevel"}, {"trim_offsets", true}}},
        {"decoder", {{"type", "ByteLevel"}}},
        {"added_tokens",
         {{{"id", 259}, {"content", "<|endoftext|>"}, {"special", true}, {"normalized", false}}}}};
}

json metaspaceDocument() {
    json vocab = {{"<unk>", 0}, {"<s>", 1}, {"</s>", 2}};
    for (int b = 0; b < 256; ++b)
        vocab[tokenizers::detail::byteTokenName(static_cast<unsigned char>(b))] = 3 + b;
    for (const char* piece : {"▁", "a", "b", "▁a", "ab"})
        vocab[piece] = static_cast<int>(vocab.size());
    return {{"model",
             {{"type", "BPE"},
              {"vocab", vocab},
              {"merges", {"▁ a", "a b"}},
              {"unk_token", "<unk>"},
              {"byte_fallback", true}}},
            {"normalizer",
             {{"type", "Sequence"},
              {"normalizers",
               {{{"type", "Prepend"}, {"prepend", "▁"}},
                {{"type", "Replace"}, {"pattern", {{"String", " "}}}, {"content", "▁"}}}}}},
            {"post_processor",
             {{"type", "TemplateProcessing"},
              {"single", {{{"SpecialToken", {{"id", "<s>"}}}}, {{"Sequence", {{"id", "A"}}}}}},
              {"special_tokens", {{"<s>", {{"id", "<s>"}, {"ids", {1}}, {"tokens", {"<s>"}}}}}}}},
            {"added_tokens", {{{"id", 1}, {"content", "<s>"}, {"special", true}}}}};
}

json wordPieceDocument() {
    json vocab = {{"[UNK]", 0}, {"[CLS]", 1}, {"[SEP]", 2}, {"[MASK]", 3}};
    for (const char* piece : {"a", "b", "##a", "##b", "ab", "我", "爱"})
        vocab[piece] = static_cast<int>(vocab.size());
    return {{"model", {{"type", "WordPiece"}, {"vocab", vocab}, {"max_input_chars_per_word", 8}}},
            {"normalizer", {{"type", "BertNormalizer"}}},
            {"pre_tokenizer", {{"type", "BertPreTokenizer"}}},
            {"post_processor",
             {{"type", "BertProcessing"}, {"cls", {"[CLS]", 1}}, {"sep", {"[SEP]", 2}}}},
            {"decoder", {{"type", "WordPiece"}}},
            {"added_tokens", {{{"id", 3}, {"content", "[MASK]"}, {"special", true}}}}};
}

const PretrainedTokenizer& builtIn(int which) {
    static const PretrainedTokenizer tokenizers[] = {
        PretrainedTokenizer::fromTokenizerJson(byteLevelDocument().dump()),
        PretrainedTokenizer::fromTokenizerJson(metaspaceDocument().dump()),
        PretrainedTokenizer::fromTokenizerJson(wordPieceDocument().dump())};
    return tokenizers[which];
}

bool isAscii(std::string_view text) {
    for (const char c : text)
        if (static_cast<unsigned char>(c) >= 0x80)
            return false;
    return true;
}

void check(const PretrainedTokenizer& tokenizer, std::string_view text, bool fuzzedTokenizer,
           bool byteLevel) {
    const bool valid = tokenizers::detail::isValidUtf8(text);
    Encoding encoding;
    try {
        encoding = tokenizer.encode(text);
    } catch (const InputError&) {
        FUZZ_CHECK(!valid || fuzzedTokenizer);
        return;
    }
    FUZZ_CHECK(valid);
    FUZZ_CHECK(encoding.ids.size() == encoding.tokens.size());
    std::size_t previousBegin = 0;
    for (std::size_t i = 0; i < encoding.tokens.size(); ++i) {
        const EncodedToken& token = encoding.tokens[i];
        FUZZ_CHECK(token.id == encoding.ids[i]);
        FUZZ_CHECK(token.id >= 0 && token.id < tokenizer.vocabSize());
        FUZZ_CHECK(token.begin <= token.end && token.end <= text.size());
        FUZZ_CHECK(token.begin >= previousBegin);
        FUZZ_CHECK(!token.inserted || (token.begin == token.end && token.special));
        FUZZ_CHECK(tokenizers::detail::isValidUtf8(token.text));
        previousBegin = token.begin;
    }
    const std::string decoded = tokenizer.decode(encoding.ids);
    FUZZ_CHECK(tokenizers::detail::isValidUtf8(decoded));
    FUZZ_CHECK(tokenizers::detail::isValidUtf8(tokenizer.decode(encoding.ids, true)));
    if (byteLevel && isAscii(text) && text.find("<|endoftext|>") == std::string_view::npos)
        FUZZ_CHECK(decoded == text);
    FUZZ_CHECK(tokenizer.encode(text).ids == encoding.ids);

    const WordGrouping grouping = groupTokensIntoWords(text, encoding);
    FUZZ_CHECK(grouping.wordOfToken.size() == encoding.tokens.size());
    std::size_t covered = 0;
    for (std::size_t w = 0; w < grouping.words.size(); ++w) {
        const PieceWord& word = grouping.words[w];
        FUZZ_CHECK(!word.tokens.empty());
        FUZZ_CHECK(word.begin <= word.end && word.end <= text.size());
        for (std::size_t k = 0; k < word.tokens.size(); ++k) {
            const int token = word.tokens[k];
            FUZZ_CHECK(token >= 0 && static_cast<std::size_t>(token) < encoding.tokens.size());
            FUZZ_CHECK(grouping.wordOfToken[static_cast<std::size_t>(token)] ==
                       static_cast<int>(w));
            FUZZ_CHECK(k == 0 || word.tokens[k - 1] < token);
        }
        covered += word.tokens.size();
    }
    FUZZ_CHECK(covered == encoding.tokens.size());
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1)
        return 0;
    const std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
    if ((data[0] & 1) == 0) {
        const int which = (data[0] / 2) % 3;
        check(builtIn(which), rest, false, which == 0);
        return 0;
    }
    const std::size_t separator = rest.find('\0');
    const std::string_view document = rest.substr(0, separator);
    const std::string_view text = separator == std::string_view::npos
                                      ? std::string_view("The cat sat. 我爱深度学习 [MASK] <s>")
                                      : rest.substr(separator + 1);
    try {
        const PretrainedTokenizer tokenizer = PretrainedTokenizer::fromTokenizerJson(document);
        check(tokenizer, text, true, false);
    } catch (const InputError&) {
        return 0; // documented: malformed or unsupported, with a message
    }
    return 0;
}
