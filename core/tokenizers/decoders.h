#pragma once
// Internal to the pretrained tokenizers: decoders (tokenizer.json "decoder"), which turn pieces
// back into text, for predictions ("the next token is …").

#include "core/tokenizers/json_access.h"

#include <memory>
#include <string>
#include <vector>

namespace attnlab::core::tokenizers::detail {

class Decoder {
public:
    virtual ~Decoder() = default;
    /// Rewrites the pieces; the text is their concatenation afterwards.
    virtual void decode(std::vector<std::string>& pieces) const = 0;
};

/// The decoder a tokenizer.json member describes, or nullptr when its type is not supported
/// (decoding is then the pieces joined by spaces; `warning` says so).
std::unique_ptr<Decoder> makeDecoder(const Json& json, const std::string& where,
                                     std::string& warning);

/// Byte-level pieces back to bytes, read as UTF-8 (GPT-2).
std::unique_ptr<Decoder> makeByteLevelDecoder();
/// WordPiece: "##" pieces glued to the previous one, others after a space; `cleanup` removes
/// the space BERT's tokenisation put before punctuation and contractions.
std::unique_ptr<Decoder> makeWordPieceDecoder(std::string prefix, bool cleanup);
/// Joins with single spaces (what decoding does without a decoder).
std::unique_ptr<Decoder> makeSpaceJoinDecoder();

} // namespace attnlab::core::tokenizers::detail
