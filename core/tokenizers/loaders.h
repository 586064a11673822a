#pragma once
// Internal to the pretrained tokenizers: assembling a pipeline from the files of a model folder.

#include "core/tokenizers/model_files.h"
#include "core/tokenizers/pipeline.h"
#include "core/tokenizers/tokenizer_config.h"

#include <memory>
#include <string>
#include <string_view>

namespace attnlab::core::tokenizers::detail {

/// From tokenizer.json (its text), with what the folder's configuration adds.
std::unique_ptr<Pipeline> buildFromTokenizerJson(std::string_view text, const std::string& fileName,
                                                 const FolderConfig& config);

/// GPT-2's classic files: byte-level BPE with GPT-2's split pattern.
std::unique_ptr<Pipeline> buildFromGpt2Files(std::string_view vocabJson,
                                             std::string_view mergesText,
                                             const FolderConfig& config);

/// BERT's classic vocab.txt (one piece per line, the line number is the id), with the basic
/// tokenizer as tokenizer_config.json sets it up.
std::unique_ptr<Pipeline> buildFromBertVocabulary(std::string_view vocabText,
                                                  const FolderConfig& config);

/// Adds the tokens the configuration names (special tokens, added_tokens_decoder) that are not
/// added tokens yet, and fills `specials` from it.
void applyConfigTokens(Pipeline& pipeline, const FolderConfig& config);

/// Special tokens that no file mentions (not even as null), guessed from their conventional
/// spellings when the vocabulary has them ([CLS], <s>, <|endoftext|>, …).
void guessMissingSpecials(Pipeline& pipeline);

} // namespace attnlab::core::tokenizers::detail
