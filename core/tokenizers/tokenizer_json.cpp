#include "core/tokenizers/loaders.h"

#include "core/base/types.h"
#include "core/tokenizers/unicode_text.h"

namespace attnlab::core::tokenizers::detail {
namespace {

/// The lists a component of each kind nests its parts in.
constexpr const char* kNestedLists[] = {"normalizers", "pretokenizers", "processors", "decoders"};

/// Whether a component or one nested in it has the given type.
bool containsType(const Json* component, std::string_view type) {
    if (component == nullptr || !component->is_object())
        return false;
    const Json* own = findMember(*component, "type");
    if (own != nullptr && own->is_string() && own->get<std::string>() == type)
        return true;
    for (const char* list : kNestedLists)
        if (const Json* parts = findMember(*component, list); parts && parts->is_array())
            for (const Json& part : *parts)
                if (containsType(&part, type))
                    return true;
    return false;
}

/// What stands for a space: a Metaspace replacement, or a Replace normaliser of " ".
std::string findSpaceMarker(const Json* component) {
    if (component == nullptr || !component->is_object())
        return {};
    const Json* type = findMember(*component, "type");
    const std::string name = type && type->is_string() ? type->get<std::string>() : "";
    if (name == "Metaspace") {
        const Json* replacement = findMember(*component, "replacement");
        return replacement && replacement->is_string() ? replacement->get<std::string>()
                                                       : "\xE2\x96\x81";
    }
    if (name == "Replace") {
        const Json* pattern = findMember(*component, "pattern");
        const Json* literal = pattern ? findMember(*pattern, "String") : nullptr;
        const Json* content = findMember(*component, "content");
        if (literal && literal->is_string() && literal->get<std::string>() == " " && content &&
            content->is_string())
            return content->get<std::string>();
        return {};
    }
    for (const char* list : kNestedLists)
        if (const Json* parts = findMember(*component, list); parts && parts->is_array())
            for (const Json& part : *parts)
                if (std::string marker = findSpaceMarker(&part); !marker.empty())
                    return marker;
    return {};
}

std::unique_ptr<Model> buildModel(TokenizerJsonDocument& document, const std::string& where,
                                  std::vector<std::string>& warnings) {
    const Json& model = requireMember(document.root, "model", where);
    const std::string modelWhere = memberPath(where, "model");
    requireObject(model, modelWhere);
    // Files written by old versions leave out the type; the members tell the model apart.
    std::string type;
    if (findMember(model, "type") != nullptr)
        type = componentType(model, modelWhere);
    else if (document.merges.present)
        type = "BPE";
    else if (document.vocab.scored)
        type = "Unigram";
    else if (findMember(model, "max_input_chars_per_word") != nullptr)
        type = "WordPiece";
    else
        type = "WordLevel";
    if (type != "BPE" && type != "WordPiece" && type != "WordLevel")
        failAt(memberPath(modelWhere, "type"),
               "'" + type + "' is not supported (supported models: BPE, WordPiece, WordLevel)");

    const std::string vocabWhere = memberPath(modelWhere, "vocab");
    if (!document.vocab.present)
        failAt(vocabWhere, "missing");
    if (document.vocab.scored)
        failAt(vocabWhere, "expected an object of pieces and their ids");
    Vocabulary vocabulary(std::move(document.vocab.ids), vocabWhere);

    if (type == "BPE") {
        BpeOptions options;
        options.unknownToken = optionalString(model, "unk_token", modelWhere);
        options.continuingSubwordPrefix =
            optionalString(model, "continuing_subword_prefix", modelWhere).value_or("");
        options.endOfWordSuffix =
            optionalString(model, "end_of_word_suffix", modelWhere).value_or("");
        options.byteFallback = boolOr(model, "byte_fallback", false, modelWhere);
        options.fuseUnknown = boolOr(model, "fuse_unk", false, modelWhere);
        options.ignoreMerges = boolOr(model, "ignore_merges", false, modelWhere);
        if (const Json* dropout = findMember(model, "dropout");
            dropout && dropout->is_number() && dropout->get<double>() > 0.0)
            warnings.push_back(modelWhere +
                               ".dropout is ignored: tokens are always the most likely merges");
        return makeBpeModel(std::move(vocabulary), std::move(document.merges.pairs),
                            std::move(options), memberPath(modelWhere, "merges") + ": merge");
    }
    if (document.merges.present)
        failAt(memberPath(modelWhere, "merges"), "only a BPE model has merges");
    const std::string unknown = optionalString(model, "unk_token", modelWhere)
                                    .value_or(type == "WordPiece" ? "[UNK]" : "<unk>");
    if (type == "WordPiece")
        return makeWordPieceModel(
            std::move(vocabulary), unknown,
            optionalString(model, "continuing_subword_prefix", modelWhere).value_or("##"),
            static_cast<int>(
                integerOr(model, "max_input_chars_per_word", 100, modelWhere, 0, 1'000'000'000)),
            modelWhere);
    return makeWordLevelModel(std::move(vocabulary), unknown, modelWhere);
}

void readAddedTokens(const Json& root, const std::string& where, Pipeline& pipeline) {
    const Json* list = findMember(root, "added_tokens");
    if (list == nullptr)
        return;
    const std::string listWhere = memberPath(where, "added_tokens");
    requireArray(*list, listWhere);
    for (std::size_t i = 0; i < list->size(); ++i) {
        const Json& entry = (*list)[i];
        const std::string entryWhere = elementPath(listWhere, i);
        requireObject(entry, entryWhere);
        AddedToken token;
        token.id = static_cast<int>(integerValue(requireMember(entry, "id", entryWhere),
                                                 memberPath(entryWhere, "id"), 0, (1 << 22) - 1));
        token.content = stringValue(requireMember(entry, "content", entryWhere),
                                    memberPath(entryWhere, "content"));
        if (token.content.empty())
            failAt(memberPath(entryWhere, "content"), "an added token cannot be empty");
        token.singleWord = boolOr(entry, "single_word", false, entryWhere);
        token.lstrip = boolOr(entry, "lstrip", false, entryWhere);
        token.rstrip = boolOr(entry, "rstrip", false, entryWhere);
        token.special = boolOr(entry, "special", false, entryWhere);
        token.normalized = boolOr(entry, "normalized", !token.special, entryWhere);
        pipeline.added.add(std::move(token));
    }
}

/// Llama's and Gemma's tokenizer classes rebuild their post-processor from add_bos_token and
/// add_eos_token (BOS by default, no EOS), whatever tokenizer.json says.
bool rebuildsPostProcessor(const FolderConfig& config) {
    if (!config.tokenizerClass)
        return false;
    const std::string& name = *config.tokenizerClass;
    return name.starts_with("LlamaTokenizer") || name.starts_with("CodeLlamaTokenizer") ||
           name.starts_with("GemmaTokenizer");
}

} // namespace

std::unique_ptr<Pipeline> buildFromTokenizerJson(std::string_view text, const std::string& fileName,
                                                 const FolderConfig& config) {
    TokenizerJsonDocument document = parseTokenizerJson(text, fileName);
    const std::string where = fileName + ": ";
    const Json& root = document.root;
    auto pipeline = std::make_unique<Pipeline>();
    pipeline->model = buildModel(document, where, pipeline->warnings);
    if (const Json* normalizer = findMember(root, "normalizer"))
        pipeline->normalizer = makeNormalizer(*normalizer, memberPath(where, "normalizer"));
    if (const Json* preTokenizer = findMember(root, "pre_tokenizer"))
        pipeline->preTokenizer =
            makePreTokenizer(*preTokenizer, memberPath(where, "pre_tokenizer"));
    if (const Json* postProcessor = findMember(root, "post_processor"))
        pipeline->postProcessor =
            makePostProcessor(*postProcessor, memberPath(where, "post_processor"));
    if (const Json* decoder = findMember(root, "decoder")) {
        std::string warning;
        pipeline->decoder = makeDecoder(*decoder, memberPath(where, "decoder"), warning);
        if (!warning.empty())
            pipeline->warnings.push_back(warning);
    }
    readAddedTokens(root, where, *pipeline);
    applyConfigTokens(*pipeline, config);

    if (rebuildsPostProcessor(config)) {
        std::vector<int> prefix;
        std::vector<int> suffix;
        const auto& bos = pipeline->specials.bos;
        const auto& eos = pipeline->specials.eos;
        if (config.addBosToken.value_or(true) && bos && bos->id >= 0)
            prefix.push_back(bos->id);
        if (config.addEosToken.value_or(false) && eos && eos->id >= 0)
            suffix.push_back(eos->id);
        pipeline->postProcessor = makeWrapProcessor(std::move(prefix), std::move(suffix));
    }
    guessMissingSpecials(*pipeline);

    const Json* preTokenizer = findMember(root, "pre_tokenizer");
    const Json* decoder = findMember(root, "decoder");
    pipeline->style.byteLevel =
        containsType(preTokenizer, "ByteLevel") || containsType(decoder, "ByteLevel");
    pipeline->style.spaceMarker = findSpaceMarker(preTokenizer);
    if (pipeline->style.spaceMarker.empty())
        pipeline->style.spaceMarker = findSpaceMarker(findMember(root, "normalizer"));
    const std::string model = pipeline->model->name();
    pipeline->description = fileName + ", " +
                            (pipeline->style.byteLevel ? "byte-level " + model : model) + ", " +
                            std::to_string(pipeline->model->vocabulary().size()) + " pieces";
    finishPipeline(*pipeline, fileName);
    return pipeline;
}

} // namespace attnlab::core::tokenizers::detail
