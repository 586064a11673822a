#pragma once
// Internal to the pretrained tokenizers: the parts of one tokenizer, as the loaders assemble
// them and PretrainedTokenizer runs them: added tokens → normaliser → pre-tokenizer → model →
// post-processor, and the decoder for the way back.

#include "core/tokenizers/added_vocabulary.h"
#include "core/tokenizers/decoders.h"
#include "core/tokenizers/models.h"
#include "core/tokenizers/normalizers.h"
#include "core/tokenizers/post_processors.h"
#include "core/tokenizers/pre_tokenizers.h"
#include "core/tokenizers/pretrained_tokenizer.h"

#include <memory>
#include <string>
#include <vector>

namespace attnlab::core::tokenizers::detail {

/// How pieces are spelt, for readable labels.
struct PieceStyle {
    bool byteLevel = false;  ///< pieces are in GPT-2's byte alphabet
    std::string spaceMarker; ///< what stands for a space ("▁"), empty when none
};

struct Pipeline {
    std::unique_ptr<Normalizer> normalizer;       ///< may be null
    std::unique_ptr<PreTokenizer> preTokenizer;   ///< may be null: the text is one piece
    std::unique_ptr<Model> model;                 ///< never null
    std::unique_ptr<PostProcessor> postProcessor; ///< may be null
    std::unique_ptr<Decoder> decoder;             ///< may be null: pieces joined by spaces
    AddedVocabulary added;
    SpecialTokens specials;
    PieceStyle style;
    std::string description;
    std::vector<std::string> warnings;
    int vocabSize = 0; ///< set by finishPipeline
    /// (id, index into added.tokens()) sorted by id; set by finishPipeline.
    std::vector<std::pair<int, int>> addedById;
};

/// Completes an assembled pipeline: matches normalised added tokens in their normalised form,
/// sizes the vocabulary, keeps only the special tokens that exist, and checks that everything
/// the post-processor inserts is in the vocabulary (InputError naming `source` otherwise).
void finishPipeline(Pipeline& pipeline, const std::string& source);

/// Runs the pipeline on valid UTF-8 text.
std::vector<PipelineToken> runPipeline(const Pipeline& pipeline, std::string_view text,
                                       bool addSpecialTokens);

/// The added token with this id, or nullptr.
const AddedToken* addedTokenWithId(const Pipeline& pipeline, int id);

} // namespace attnlab::core::tokenizers::detail
