#include "core/tokenizers/loaders.h"

#include "core/base/types.h"

#include <algorithm>

namespace attnlab::core::tokenizers::detail {
namespace {

/// The ids of the named tokens, for a post-processor; empty when the token is not there.
std::vector<int> idsOf(const std::optional<SpecialToken>& token) {
    if (token && token->id >= 0)
        return {token->id};
    return {};
}

/// Makes the conventional special tokens added tokens when the configuration does not name
/// them but the vocabulary has them.
void addDefaultSpecials(Pipeline& pipeline, FolderConfig& config,
                        std::initializer_list<std::pair<const char*, const char*>> defaults) {
    for (const auto& [key, content] : defaults) {
        const bool mentioned = std::find(config.mentioned.begin(), config.mentioned.end(), key) !=
                               config.mentioned.end();
        if (config.named.count(key) == 0 && !mentioned &&
            pipeline.model->vocabulary().idOf(content) >= 0) {
            ConfigToken token;
            token.content = content;
            config.named[key] = token;
        }
    }
}

} // namespace

std::unique_ptr<Pipeline> buildFromGpt2Files(std::string_view vocabJson,
                                             std::string_view mergesText,
                                             const FolderConfig& folderConfig) {
    FolderConfig config = folderConfig;
    auto pipeline = std::make_unique<Pipeline>();
    StreamedVocabulary vocab = parseVocabularyJson(vocabJson, "vocab.json");
    StreamedMerges merges = parseMergesText(mergesText, "merges.txt");
    pipeline->model = makeBpeModel(Vocabulary(std::move(vocab.ids), "vocab.json"),
                                   std::move(merges.pairs), BpeOptions{}, "merges.txt line");
    pipeline->preTokenizer = makeByteLevelPreTokenizer(config.addPrefixSpace.value_or(false), true);
    pipeline->decoder = makeByteLevelDecoder();
    // GPT-2's one special token stands for beginning, end and unknown alike.
    addDefaultSpecials(*pipeline, config,
                       {{"bos_token", "<|endoftext|>"},
                        {"eos_token", "<|endoftext|>"},
                        {"unk_token", "<|endoftext|>"}});
    applyConfigTokens(*pipeline, config);
    guessMissingSpecials(*pipeline);
    // The classic GPT-2 tokenizer adds a BOS token only when asked to (add_bos_token).
    std::vector<int> prefix;
    if (config.addBosToken.value_or(false))
        prefix = idsOf(pipeline->specials.bos);
    std::vector<int> suffix;
    if (config.addEosToken.value_or(false))
        suffix = idsOf(pipeline->specials.eos);
    pipeline->postProcessor = makeSequenceProcessor(
        makeTrimOffsetsProcessor(), makeWrapProcessor(std::move(prefix), std::move(suffix)));
    pipeline->style.byteLevel = true;
    pipeline->description = "vocab.json + merges.txt, byte-level BPE, " +
                            std::to_string(pipeline->model->vocabulary().size()) + " pieces";
    finishPipeline(*pipeline, "vocab.json");
    return pipeline;
}

std::unique_ptr<Pipeline> buildFromBertVocabulary(std::string_view vocabText,
                                                  const FolderConfig& folderConfig) {
    FolderConfig config = folderConfig;
    std::vector<std::pair<std::string, long long>> entries;
    std::size_t start = 0;
    while (start < vocabText.size()) {
        std::size_t end = vocabText.find('\n', start);
        if (end == std::string_view::npos)
            end = vocabText.size();
        std::string_view line = vocabText.substr(start, end - start);
        if (!line.empty() && line.back() == '\r')
            line.remove_suffix(1);
        entries.emplace_back(std::string(line), static_cast<long long>(entries.size()));
        start = end + 1;
    }
    auto pipeline = std::make_unique<Pipeline>();
    const std::string unknown =
        config.named.count("unk_token") ? config.named.at("unk_token").content : "[UNK]";
    pipeline->model = makeWordPieceModel(Vocabulary(std::move(entries), "vocab.txt"), unknown, "##",
                                         100, "vocab.txt");
    const bool lowercase = config.doLowerCase.value_or(true);
    pipeline->normalizer = makeBertNormalizer(true, config.tokenizeChineseChars.value_or(true),
                                              config.stripAccents, lowercase);
    pipeline->preTokenizer = makeBertPreTokenizer();
    pipeline->decoder = makeWordPieceDecoder("##", true);
    addDefaultSpecials(*pipeline, config,
                       {{"unk_token", "[UNK]"},
                        {"sep_token", "[SEP]"},
                        {"pad_token", "[PAD]"},
                        {"cls_token", "[CLS]"},
                        {"mask_token", "[MASK]"}});
    applyConfigTokens(*pipeline, config);
    guessMissingSpecials(*pipeline);
    pipeline->postProcessor =
        makeWrapProcessor(idsOf(pipeline->specials.cls), idsOf(pipeline->specials.sep));
    pipeline->description = std::string("vocab.txt, WordPiece") +
                            (lowercase ? ", lower-cased" : ", cased") + ", " +
                            std::to_string(pipeline->model->vocabulary().size()) + " pieces";
    finishPipeline(*pipeline, "vocab.txt");
    return pipeline;
}

} // namespace attnlab::core::tokenizers::detail
