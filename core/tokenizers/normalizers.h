#pragma once
// Internal to the pretrained tokenizers: normalisers (tokenizer.json "normalizer"), which change
// the text before it is split, keeping every byte aligned with the original.

#include "core/tokenizers/json_access.h"
#include "core/tokenizers/normalized_text.h"

#include <memory>
#include <optional>
#include <string>

namespace attnlab::core::tokenizers::detail {

class Normalizer {
public:
    virtual ~Normalizer() = default;
    virtual void normalize(NormalizedText& text) const = 0;
};

/// The normaliser a tokenizer.json member describes. Throws InputError naming `where` for an
/// unsupported type (the message lists the supported ones) or a malformed member.
std::unique_ptr<Normalizer> makeNormalizer(const Json& json, const std::string& where);

/// BERT's normaliser: remove control characters and make every whitespace a space
/// (`cleanText`), put spaces around Chinese characters (`handleChineseChars`), remove accents
/// (decompose, drop non-spacing marks; by default when lower-casing), lower-case.
std::unique_ptr<Normalizer> makeBertNormalizer(bool cleanText, bool handleChineseChars,
                                               std::optional<bool> stripAccents, bool lowercase);

} // namespace attnlab::core::tokenizers::detail
