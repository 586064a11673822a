#pragma once
// Internal to the pretrained tokenizers: pre-tokenizers (tokenizer.json "pre_tokenizer"), which
// cut normalised text into the pieces the model tokenises one by one.

#include "core/tokenizers/json_access.h"
#include "core/tokenizers/normalized_text.h"

#include <memory>
#include <string>
#include <vector>

namespace attnlab::core::tokenizers::detail {

class PreTokenizer {
public:
    virtual ~PreTokenizer() = default;
    /// Replaces each piece by the pieces it is cut into.
    virtual void preTokenize(std::vector<NormalizedText>& pieces) const = 0;
};

/// The pre-tokenizer a tokenizer.json member describes. Throws InputError naming `where` for an
/// unsupported type (the message lists the supported ones) or a malformed member.
std::unique_ptr<PreTokenizer> makePreTokenizer(const Json& json, const std::string& where);

/// GPT-2's byte-level pre-tokenizer: optionally a space in front, GPT-2's split pattern, then
/// every byte as a character of the byte-level alphabet.
std::unique_ptr<PreTokenizer> makeByteLevelPreTokenizer(bool addPrefixSpace, bool useRegex);
/// BERT's: split on whitespace (dropped) and punctuation (kept, one piece per mark).
std::unique_ptr<PreTokenizer> makeBertPreTokenizer();

} // namespace attnlab::core::tokenizers::detail
