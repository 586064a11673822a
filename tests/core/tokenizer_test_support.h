#pragma once
// Helpers for the tests of the pretrained tokenizers: tiny tokenizer.json documents built in the
// test, temporary model folders, and short views of encodings.

#include "core/tokenizers/pretrained_tokenizer.h"

#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

namespace tokenizer_test {

using attnlab::core::tokenizers::Encoding;
using attnlab::core::tokenizers::PretrainedTokenizer;
using nlohmann::json;

/// A vocabulary object with ids in the order given.
inline json vocabulary(const std::vector<std::string>& pieces) {
    json vocab = json::object();
    for (const std::string& piece : pieces)
        vocab[piece] = static_cast<int>(vocab.size());
    return vocab;
}

inline json bpeModel(const std::vector<std::string>& pieces, const std::vector<std::string>& merges,
                     json options = json::object()) {
    json model = {{"type", "BPE"}, {"vocab", vocabulary(pieces)}, {"merges", merges}};
    model.update(options);
    return model;
}

inline json wordLevelModel(const std::vector<std::string>& pieces,
                           const std::string& unknown = "<unk>") {
    return {{"type", "WordLevel"}, {"vocab", vocabulary(pieces)}, {"unk_token", unknown}};
}

inline json addedToken(int id, const std::string& content, bool special = true,
                       json flags = json::object()) {
    json token = {{"id", id},          {"content", content}, {"single_word", false},
                  {"lstrip", false},   {"rstrip", false},    {"normalized", !special},
                  {"special", special}};
    token.update(flags);
    return token;
}

/// A tokenizer.json document; null members are left null.
inline json document(json model, json normalizer = nullptr, json preTokenizer = nullptr,
                     json postProcessor = nullptr, json decoder = nullptr,
                     json added = json::array()) {
    return {{"version", "1.0"},
            {"added_tokens", added},
            {"normalizer", normalizer},
            {"pre_tokenizer", preTokenizer},
            {"post_processor", postProcessor},
            {"decoder", decoder},
            {"model", model}};
}

inline PretrainedTokenizer fromDocument(const json& doc, const json& config = nullptr) {
    return PretrainedTokenizer::fromTokenizerJson(doc.dump(),
                                                  config.is_null() ? "" : config.dump());
}

inline std::vector<std::string> piecesOf(const Encoding& encoding) {
    std::vector<std::string> pieces;
    for (const auto& token : encoding.tokens)
        pieces.push_back(token.piece);
    return pieces;
}

inline std::vector<std::string> textsOf(const Encoding& encoding) {
    std::vector<std::string> texts;
    for (const auto& token : encoding.tokens)
        texts.push_back(token.text);
    return texts;
}

using Spans = std::vector<std::pair<std::size_t, std::size_t>>;

inline Spans spansOf(const Encoding& encoding) {
    Spans spans;
    for (const auto& token : encoding.tokens)
        spans.emplace_back(token.begin, token.end);
    return spans;
}

/// GPT-2's byte-level spelling of UTF-8 text, written out from the published table: printable
/// Latin-1 stands for itself, the other bytes are U+0100 + their rank among the unprintable.
inline std::string byteLevel(const std::string& text) {
    std::string out;
    for (const unsigned char byte : text) {
        unsigned code = byte;
        const bool printable =
            (byte >= 0x21 && byte <= 0x7E) || (byte >= 0xA1 && byte <= 0xAC) || byte >= 0xAE;
        if (!printable) {
            unsigned rank = 0;
            for (unsigned b = 0; b < byte; ++b)
                rank += ((b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || b >= 0xAE) ? 0 : 1;
            code = 0x100 + rank;
        }
        if (code < 0x80) {
            out.push_back(static_cast<char>(code));
        } else {
            out.push_back(static_cast<char>(0xC0 | (code >> 6)));
            out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
        }
    }
    return out;
}

/// The 256 byte-level characters, in byte order.
inline std::vector<std::string> byteAlphabet() {
    std::vector<std::string> pieces;
    for (int byte = 0; byte < 256; ++byte)
        pieces.push_back(byteLevel(std::string(1, static_cast<char>(byte))));
    return pieces;
}

/// A folder under the system's temporary folder, removed with its files at the end.
class TempFolder {
public:
    TempFolder() {
        static std::atomic<int> counter{0};
        const auto stamp = std::chrono::steady_clock::now().time_since_epoch().count();
        m_path =
            std::filesystem::temp_directory_path() /
            ("attnlab_tokenizer_test_" + std::to_string(stamp) + "_" + std::to_string(counter++));
        std::filesystem::create_directories(m_path);
    }
    ~TempFolder() {
        std::error_code ec;
        std::filesystem::remove_all(m_path, ec);
    }
    TempFolder(const TempFolder&) = delete;
    TempFolder& operator=(const TempFolder&) = delete;

    const std::filesystem::path& path() const { return m_path; }
    std::string string() const { return m_path.string(); }
    void write(const std::string& name, const std::string& bytes) const {
        std::ofstream out(m_path / name, std::ios::binary);
        out << bytes;
    }

private:
    std::filesystem::path m_path;
};

} // namespace tokenizer_test
