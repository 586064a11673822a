#pragma once
// Internal to the pretrained tokenizers: reading the files of a model folder. Files are opened
// without blocking and must be regular files (a FIFO or a device named tokenizer.json must not
// hang the program). tokenizer.json is parsed as a stream: its two large members, model.vocab
// and model.merges (150 000 entries each for Qwen2), go straight into flat vectors instead of a
// JSON tree, which would take seconds to build.

#include "core/tokenizers/json_access.h"

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace attnlab::core::tokenizers::detail {

/// The bytes of a regular file of at most `maxBytes`. Throws FileError naming the file when it
/// is missing, not a regular file, too large or unreadable.
std::string readModelFile(const std::filesystem::path& path, std::uintmax_t maxBytes);

/// A vocabulary as the file lists it.
struct StreamedVocabulary {
    bool present = false;
    bool scored = false; ///< an array of [piece, score] (Unigram) rather than an object
    std::vector<std::pair<std::string, long long>> ids; ///< object form: piece → id
    std::vector<std::pair<std::string, double>> scores; ///< array form: id = index
};

struct StreamedMerges {
    bool present = false;
    std::vector<std::pair<std::string, std::string>> pairs; ///< in rank order
};

// The implicit move constructor only moves a nlohmann::json and vectors, all noexcept; the check
// reports throws inside nlohmann::json's own noexcept members that cannot be reached.
// NOLINTNEXTLINE(bugprone-exception-escape)
struct TokenizerJsonDocument {
    Json root; ///< everything but model.vocab and model.merges
    StreamedVocabulary vocab;
    StreamedMerges merges;
};

/// Parses tokenizer.json. Throws InputError naming the file, the line and column of a syntax
/// error, or the member that has the wrong shape.
TokenizerJsonDocument parseTokenizerJson(std::string_view text, const std::string& fileName);

/// Parses a vocab.json (an object piece → id).
StreamedVocabulary parseVocabularyJson(std::string_view text, const std::string& fileName);

/// Parses merges.txt: one "left right" pair per line; a first line "#version…" and empty lines
/// are skipped. Throws InputError naming the file and line of a line that is not two pieces.
StreamedMerges parseMergesText(std::string_view text, const std::string& fileName);

} // namespace attnlab::core::tokenizers::detail
