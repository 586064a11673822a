#pragma once
// Internal to the pretrained tokenizers: post-processors (tokenizer.json "post_processor"),
// which add the special tokens a model expects around the text ([CLS] … [SEP] for BERT, <s> …
// for Llama) and trim spaces from the spans of byte-level tokens.

#include "core/tokenizers/json_access.h"
#include "core/tokenizers/normalized_text.h"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace attnlab::core::tokenizers::detail {

/// A token on its way through the pipeline.
struct PipelineToken {
    int id = 0;
    Span span;             ///< bytes of the original text (empty for inserted tokens)
    int typeId = 0;        ///< segment id
    bool special = false;  ///< a special token
    bool inserted = false; ///< added by the post-processor
    bool unknown = false;  ///< the model's unknown token
};

class PostProcessor {
public:
    virtual ~PostProcessor() = default;
    /// Adds special tokens when `addSpecialTokens`; adjusts spans in any case. `text` is the
    /// original text the spans refer to.
    virtual void process(std::vector<PipelineToken>& tokens, std::string_view text,
                         bool addSpecialTokens) const = 0;
};

/// The post-processor a tokenizer.json member describes. Throws InputError naming `where` for
/// an unsupported type (the message lists the supported ones) or a malformed member.
std::unique_ptr<PostProcessor> makePostProcessor(const Json& json, const std::string& where);

/// `prefix` ids, the text, then `suffix` ids (what a template "[CLS] $A [SEP]" does).
std::unique_ptr<PostProcessor> makeWrapProcessor(std::vector<int> prefix, std::vector<int> suffix);

/// Removes spaces from both ends of every span (never making a span of other text empty).
std::unique_ptr<PostProcessor> makeTrimOffsetsProcessor();

/// Both, in that order.
std::unique_ptr<PostProcessor> makeSequenceProcessor(std::unique_ptr<PostProcessor> first,
                                                     std::unique_ptr<PostProcessor> second);

} // namespace attnlab::core::tokenizers::detail
