#include "core/tokenizers/pretrained_tokenizer.h"

#include "core/base/message.h"
#include "core/base/types.h"
#include "core/tokenizers/loaders.h"
#include "core/tokenizers/unicode_text.h"

#include <algorithm>
#include <filesystem>

namespace attnlab::core::tokenizers {
namespace {

constexpr std::uintmax_t kMaxTokenizerJsonBytes = 512ull << 20;
constexpr std::uintmax_t kMaxVocabularyBytes = 128ull << 20;
constexpr std::uintmax_t kMaxConfigBytes = 16ull << 20;

} // namespace

namespace detail {

namespace {

const std::string& pieceOf(const Pipeline& pipeline, int id) {
    if (const AddedToken* token = addedTokenWithId(pipeline, id))
        return token->content;
    return pipeline.model->vocabulary().pieceOf(id);
}

} // namespace

const AddedToken* addedTokenWithId(const Pipeline& pipeline, int id) {
    const auto it = std::lower_bound(pipeline.addedById.begin(), pipeline.addedById.end(),
                                     std::make_pair(id, -1));
    if (it == pipeline.addedById.end() || it->first != id)
        return nullptr;
    return &pipeline.added.tokens()[static_cast<std::size_t>(it->second)];
}

std::vector<PipelineToken> runPipeline(const Pipeline& pipeline, std::string_view text,
                                       bool addSpecialTokens) {
    std::vector<PipelineToken> tokens;
    tokens.reserve(text.size() / 3 + 4);
    const int unknownId = pipeline.model->unknownId();
    const auto pushAdded = [&](const TextSegment& segment, Span span) {
        const AddedToken& added =
            pipeline.added.tokens()[static_cast<std::size_t>(segment.addedToken)];
        PipelineToken token;
        token.id = added.id;
        token.span = span;
        token.special = added.special;
        tokens.push_back(token);
    };
    std::vector<ModelToken> modelTokens;
    std::vector<NormalizedText> pieces;
    for (const TextSegment& raw : pipeline.added.split(text, false)) {
        if (raw.addedToken >= 0) {
            pushAdded(raw, {raw.begin, raw.end});
            continue;
        }
        NormalizedText normalized = makeNormalized(text, raw.begin, raw.end);
        if (pipeline.normalizer)
            pipeline.normalizer->normalize(normalized);
        for (const TextSegment& segment : pipeline.added.split(normalized.text, true)) {
            if (segment.addedToken >= 0) {
                pushAdded(segment, originalSpan(normalized, segment.begin, segment.end));
                continue;
            }
            pieces.clear();
            pieces.push_back(slice(normalized, segment.begin, segment.end));
            if (pipeline.preTokenizer)
                pipeline.preTokenizer->preTokenize(pieces);
            for (const NormalizedText& piece : pieces) {
                if (piece.text.empty())
                    continue;
                modelTokens.clear();
                pipeline.model->tokenize(piece.text, modelTokens);
                for (const ModelToken& modelToken : modelTokens) {
                    PipelineToken token;
                    token.id = modelToken.id;
                    token.span = originalSpan(piece, modelToken.begin, modelToken.end);
                    token.unknown = modelToken.id == unknownId;
                    tokens.push_back(token);
                }
            }
        }
    }
    if (pipeline.postProcessor)
        pipeline.postProcessor->process(tokens, text, addSpecialTokens);
    // Inserted tokens sit, with an empty span, where the text before them ends.
    std::size_t position = 0;
    for (PipelineToken& token : tokens) {
        if (token.inserted)
            token.span = {position, position};
        else
            position = std::max(position, token.span.end);
    }
    return tokens;
}

void finishPipeline(Pipeline& pipeline, const std::string& source) {
    if (pipeline.normalizer)
        for (std::size_t k = 0; k < pipeline.added.tokens().size(); ++k) {
            const AddedToken& token = pipeline.added.tokens()[k];
            if (!token.normalized)
                continue;
            NormalizedText content = makeNormalized(token.content, 0, token.content.size());
            pipeline.normalizer->normalize(content);
            pipeline.added.setNormalizedContent(k, content.text);
        }
    pipeline.added.buildMatcher();
    int size = pipeline.model->vocabulary().size();
    pipeline.addedById.clear();
    for (std::size_t k = 0; k < pipeline.added.tokens().size(); ++k) {
        const int id = pipeline.added.tokens()[k].id;
        size = std::max(size, id + 1);
        pipeline.addedById.emplace_back(id, static_cast<int>(k));
    }
    std::sort(pipeline.addedById.begin(), pipeline.addedById.end());
    pipeline.vocabSize = size;
    for (const PipelineToken& token : runPipeline(pipeline, "", true))
        if (token.id < 0 || token.id >= size || pieceOf(pipeline, token.id).empty())
            throw InputError(source + ": the post-processor adds the token id " +
                             std::to_string(token.id) + ", which is not in the vocabulary");
}

} // namespace detail

using detail::Pipeline;

std::vector<int> visibleTokenIndices(const Encoding& encoding, bool showInsertedSpecials) {
    std::vector<int> indices;
    indices.reserve(encoding.tokens.size());
    for (std::size_t i = 0; i < encoding.tokens.size(); ++i) {
        const EncodedToken& token = encoding.tokens[i];
        if (showInsertedSpecials || !(token.inserted && token.special))
            indices.push_back(static_cast<int>(i));
    }
    return indices;
}

PretrainedTokenizer::PretrainedTokenizer(std::shared_ptr<const Pipeline> pipeline)
    : m_pipeline(std::move(pipeline)) {}

PretrainedTokenizer PretrainedTokenizer::load(const std::string& folder) {
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::path path(folder);
    if (fs::is_regular_file(path, ec) && path.filename() == "tokenizer.json")
        path = path.parent_path();
    if (!fs::is_directory(path, ec))
        throw FileError("cannot open the model folder '" + folder +
                        "': " + (fs::exists(path, ec) ? "it is not a folder" : "no such folder"));
    const auto has = [&](const char* name) {
        std::error_code error;
        return fs::exists(path / name, error);
    };
    const auto read = [&](const char* name, std::uintmax_t maxBytes) {
        return has(name) ? detail::readModelFile(path / name, maxBytes) : std::string();
    };
    const detail::FolderConfig config =
        detail::parseFolderConfig(read("tokenizer_config.json", kMaxConfigBytes),
                                  read("special_tokens_map.json", kMaxConfigBytes));
    std::unique_ptr<Pipeline> pipeline;
    if (has("tokenizer.json")) {
        pipeline = detail::buildFromTokenizerJson(read("tokenizer.json", kMaxTokenizerJsonBytes),
                                                  "tokenizer.json", config);
    } else if (has("vocab.json") && has("merges.txt")) {
        pipeline = detail::buildFromGpt2Files(read("vocab.json", kMaxVocabularyBytes),
                                              read("merges.txt", kMaxVocabularyBytes), config);
    } else if (has("vocab.txt")) {
        pipeline = detail::buildFromBertVocabulary(read("vocab.txt", kMaxVocabularyBytes), config);
    } else if (has("tokenizer.model")) {
        throw FileError(message("the model folder '%1' has only tokenizer.model (SentencePiece), "
                                "which is not supported; it needs tokenizer.json (most model "
                                "hubs provide one)",
                                folder));
    } else {
        throw FileError(message("no tokenizer in the model folder '%1': expected tokenizer.json, "
                                "or vocab.json with merges.txt, or vocab.txt",
                                folder));
    }
    return PretrainedTokenizer(std::move(pipeline));
}

PretrainedTokenizer PretrainedTokenizer::fromTokenizerJson(std::string_view tokenizerJson,
                                                           std::string_view tokenizerConfigJson) {
    const detail::FolderConfig config = detail::parseFolderConfig(tokenizerConfigJson, {});
    return PretrainedTokenizer(
        detail::buildFromTokenizerJson(tokenizerJson, "tokenizer.json", config));
}

Encoding PretrainedTokenizer::encode(std::string_view text, bool addSpecialTokens) const {
    detail::requireValidUtf8(text, "the text");
    const std::vector<detail::PipelineToken> tokens =
        detail::runPipeline(*m_pipeline, text, addSpecialTokens);
    Encoding encoding;
    encoding.ids.reserve(tokens.size());
    encoding.tokens.reserve(tokens.size());
    for (const detail::PipelineToken& token : tokens) {
        encoding.ids.push_back(token.id);
        EncodedToken out;
        out.id = token.id;
        out.piece = detail::pieceOf(*m_pipeline, token.id);
        out.text = pieceText(token.id);
        out.begin = token.span.begin;
        out.end = token.span.end;
        out.typeId = token.typeId;
        out.special = token.special;
        out.inserted = token.inserted;
        out.unknown = token.unknown;
        encoding.tokens.push_back(std::move(out));
    }
    return encoding;
}

std::string PretrainedTokenizer::decode(const std::vector<int>& ids, bool skipSpecialTokens) const {
    const Pipeline& pipeline = *m_pipeline;
    std::vector<std::string> pieces;
    pieces.reserve(ids.size());
    for (const int id : ids) {
        if (id < 0 || id >= pipeline.vocabSize || (skipSpecialTokens && isSpecial(id)))
            continue;
        const std::string& piece = detail::pieceOf(pipeline, id);
        if (!piece.empty())
            pieces.push_back(piece);
    }
    if (pipeline.decoder)
        pipeline.decoder->decode(pieces);
    else
        detail::makeSpaceJoinDecoder()->decode(pieces);
    std::string text;
    for (const std::string& piece : pieces)
        text += piece;
    return detail::lossyUtf8(text);
}

std::string PretrainedTokenizer::piece(int id) const {
    return detail::pieceOf(*m_pipeline, id);
}

std::string PretrainedTokenizer::pieceText(int id) const {
    const Pipeline& pipeline = *m_pipeline;
    const std::string& piece = detail::pieceOf(pipeline, id);
    if (piece.empty())
        return {};
    // Special tokens read as written; other added tokens ("▁▁" for code indentation) are
    // pieces like the model's own.
    if (const detail::AddedToken* added = detail::addedTokenWithId(pipeline, id))
        if (added->special)
            return detail::visibleText(added->content);
    if (pipeline.style.byteLevel) {
        std::string bytes;
        std::size_t i = 0;
        while (i < piece.size()) {
            const int byte = detail::charToByte(detail::nextCodePoint(piece, i));
            if (byte < 0)
                return detail::visibleText(piece); // not a byte-level piece
            bytes.push_back(static_cast<char>(byte));
        }
        return detail::visibleText(bytes);
    }
    const int byte = detail::parseByteTokenName(piece);
    if (byte >= 0x80)
        return piece; // one byte of a longer character
    if (byte >= 0)
        return detail::visibleText(std::string(1, static_cast<char>(byte)));
    std::string text = piece;
    const std::string& marker = pipeline.style.spaceMarker;
    if (!marker.empty())
        for (std::size_t at = text.find(marker); at != std::string::npos;
             at = text.find(marker, at + 1))
            text.replace(at, marker.size(), " ");
    return detail::visibleText(text);
}

int PretrainedTokenizer::vocabSize() const {
    return m_pipeline->vocabSize;
}

std::optional<int> PretrainedTokenizer::tokenId(std::string_view piece) const {
    const int added = m_pipeline->added.find(piece);
    if (added >= 0)
        return m_pipeline->added.tokens()[static_cast<std::size_t>(added)].id;
    const int id = m_pipeline->model->vocabulary().idOf(piece);
    return id >= 0 ? std::optional<int>(id) : std::nullopt;
}

bool PretrainedTokenizer::isSpecial(int id) const {
    if (const detail::AddedToken* added = detail::addedTokenWithId(*m_pipeline, id))
        if (added->special)
            return true;
    const SpecialTokens& s = m_pipeline->specials;
    for (const auto* slot : {&s.bos, &s.eos, &s.unk, &s.sep, &s.pad, &s.cls, &s.mask})
        if (*slot && (*slot)->id == id)
            return true;
    return false;
}

const SpecialTokens& PretrainedTokenizer::specials() const {
    return m_pipeline->specials;
}

std::string PretrainedTokenizer::description() const {
    return m_pipeline->description;
}

const std::vector<std::string>& PretrainedTokenizer::warnings() const {
    return m_pipeline->warnings;
}

} // namespace attnlab::core::tokenizers
