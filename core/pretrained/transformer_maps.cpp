#include "core/pretrained/transformer_maps.h"

#include "core/attention/rollout.h"
#include "core/base/message.h"

#include <algorithm>
#include <filesystem>

namespace attnlab::core {

namespace {

using tokenizers::Encoding;

// Which pieces become which row and column of the maps: `groupOf[i]` is the row of piece i, or
// −1 when the piece is hidden; `labels` one token per row.
struct Selection {
    std::vector<int> groupOf;
    std::vector<MapToken> labels;
    std::vector<int> firstPiece, lastPiece; ///< per row, for the causal mask of words
};

MapToken tokenOf(const tokenizers::EncodedToken& token) {
    MapToken out;
    out.text = token.text.empty() ? token.piece : token.text;
    out.begin = token.begin;
    out.end = token.end;
    out.unknown = token.unknown;
    out.special = token.special;
    return out;
}

Selection selectPieces(const Encoding& encoding, std::string_view text,
                       const TransformerSettings& settings) {
    const int n = static_cast<int>(encoding.tokens.size());
    Selection selection;
    selection.groupOf.assign(static_cast<std::size_t>(n), -1);
    std::vector<char> visible(static_cast<std::size_t>(n), 0);
    for (int i : tokenizers::visibleTokenIndices(encoding, settings.showSpecialTokens))
        visible[static_cast<std::size_t>(i)] = 1;
    if (!settings.words) {
        for (int i = 0; i < n; ++i) {
            if (!visible[static_cast<std::size_t>(i)])
                continue;
            selection.groupOf[static_cast<std::size_t>(i)] =
                static_cast<int>(selection.labels.size());
            selection.labels.push_back(tokenOf(encoding.tokens[static_cast<std::size_t>(i)]));
            selection.firstPiece.push_back(i);
            selection.lastPiece.push_back(i);
        }
        return selection;
    }
    const tokenizers::WordGrouping grouping =
        tokenizers::groupTokensIntoWords(text, encoding, settings.segmentation);
    // Words keep their order; a word all of whose pieces are hidden is left out.
    std::vector<int> rowOfWord(grouping.words.size(), -1);
    for (std::size_t w = 0; w < grouping.words.size(); ++w) {
        const tokenizers::PieceWord& word = grouping.words[w];
        for (int piece : word.tokens) {
            if (!visible[static_cast<std::size_t>(piece)])
                continue;
            if (rowOfWord[w] < 0) {
                rowOfWord[w] = static_cast<int>(selection.labels.size());
                MapToken label;
                label.text = word.text;
                label.begin = word.begin;
                label.end = word.end;
                label.special = word.special;
                selection.labels.push_back(label);
                selection.firstPiece.push_back(piece);
                selection.lastPiece.push_back(piece);
            }
            const auto row = static_cast<std::size_t>(rowOfWord[w]);
            selection.groupOf[static_cast<std::size_t>(piece)] = rowOfWord[w];
            selection.lastPiece[row] = std::max(selection.lastPiece[row], piece);
            selection.firstPiece[row] = std::min(selection.firstPiece[row], piece);
            if (encoding.tokens[static_cast<std::size_t>(piece)].unknown)
                selection.labels[row].unknown = true;
        }
    }
    return selection;
}

// The map of the selected pieces: pieces alone (a sub-matrix), or words (aggregated).
Matrix selectMap(const Matrix& pieces, const Selection& selection, bool words) {
    if (words)
        return aggregateToWords(pieces, selection.groupOf);
    const auto rows = static_cast<Eigen::Index>(selection.labels.size());
    Matrix out(rows, rows);
    for (Eigen::Index r = 0; r < rows; ++r)
        for (Eigen::Index c = 0; c < rows; ++c)
            out(r, c) = pieces(selection.firstPiece[static_cast<std::size_t>(r)],
                               selection.firstPiece[static_cast<std::size_t>(c)]);
    return out;
}

// An id without a vocabulary entry (a model's vocabulary is often padded beyond its
// tokenizer's) is shown by its number.
std::string candidateText(const tokenizers::PretrainedTokenizer& tokenizer, int id) {
    std::string text = tokenizer.pieceText(id);
    return text.empty() ? "#" + std::to_string(id) : text;
}

} // namespace

AttentionMaps transformerMaps(const TransformerRun& run, const Encoding& encoding,
                              std::string_view text, const TransformerSettings& settings,
                              bool causal) {
    const Selection selection = selectPieces(encoding, text, settings);
    if (selection.labels.empty())
        throw InputError(message("every token of the sentence is a hidden special token; show "
                                 "the special tokens or type some text"));
    AttentionMaps maps;
    maps.queryTokens = selection.labels;
    maps.keyTokens = selection.labels;
    maps.layers = static_cast<int>(run.attentions.size());
    maps.heads = maps.layers > 0 ? static_cast<int>(run.attentions.front().size()) : 0;
    maps.weights.reserve(static_cast<std::size_t>(maps.layers) * maps.heads);
    for (const std::vector<Matrix>& layer : run.attentions)
        for (const Matrix& head : layer)
            maps.weights.push_back(selectMap(head, selection, settings.words));
    const auto n = static_cast<Eigen::Index>(selection.labels.size());
    maps.allowed = BoolMatrix::Constant(n, n, true);
    if (causal) {
        // A word sees a key word when its last piece sees the key word's first piece.
        for (Eigen::Index r = 0; r < n; ++r)
            for (Eigen::Index c = 0; c < n; ++c)
                maps.allowed(r, c) = selection.firstPiece[static_cast<std::size_t>(c)] <=
                                     selection.lastPiece[static_cast<std::size_t>(r)];
    }
    // Rows a "what if" normaliser left without a distribution.
    for (const auto& layer : run.flaggedRows)
        for (const std::vector<int>& rows : layer)
            for (int piece : rows) {
                const int row = selection.groupOf[static_cast<std::size_t>(piece)];
                if (row >= 0 && std::find(maps.degenerateRows.begin(), maps.degenerateRows.end(),
                                          row) == maps.degenerateRows.end())
                    maps.degenerateRows.push_back(row);
            }
    std::sort(maps.degenerateRows.begin(), maps.degenerateRows.end());
    completeMaps(maps);
    if (!run.attentions.empty())
        maps.rollout = selectMap(attentionRollout(run.attentions), selection, settings.words);
    if (!settings.showSpecialTokens || settings.words) {
        // Hidden tokens keep the weight the model gave them: rows need not sum to 1 then.
        bool hidden = false;
        for (int row : selection.groupOf)
            hidden = hidden || row < 0;
        if (hidden)
            maps.warnings.push_back(
                message("the hidden special tokens still hold part of each row's weight, so "
                        "rows of the maps may sum to less than 1"));
    }
    return maps;
}

std::shared_ptr<const TransformerModel> TransformerModel::load(const std::string& folder,
                                                               const ProgressCallback& progress) {
    auto model = std::shared_ptr<TransformerModel>(new TransformerModel());
    model->m_model = PretrainedModel::load(folder, progress);
    model->m_tokenizer = std::make_shared<const tokenizers::PretrainedTokenizer>(
        tokenizers::PretrainedTokenizer::load(folder));
    std::filesystem::path path(folder);
    if (!path.has_filename())
        path = path.parent_path();
    model->m_name = path.filename().string();
    model->m_folder = folder;
    return model;
}

std::shared_ptr<const TransformerModel>
TransformerModel::withSettings(TransformerSettings settings) const {
    auto copy = std::shared_ptr<TransformerModel>(new TransformerModel(*this));
    copy->m_settings = std::move(settings);
    return copy;
}

ModelCapabilities TransformerModel::capabilities(const Config&) const {
    ModelCapabilities capabilities;
    const ModelInfo& info = m_model->info();
    capabilities.hasTrace = false;
    capabilities.hasPredictions = info.hasPredictions && m_settings.topK > 0;
    capabilities.causal = info.causal;
    capabilities.takesText = true;
    capabilities.attentionSettings = false;
    capabilities.layers = info.layers;
    capabilities.heads = info.heads;
    return capabilities;
}

tokenizers::Encoding TransformerModel::encode(std::string_view text) const {
    return m_tokenizer->encode(text, true);
}

ModelOutput TransformerModel::run(const Config& config, const RunOptions&,
                                  const ProgressCallback& progress) const {
    const ModelInfo& info = m_model->info();
    const Encoding encoding = encode(config.sentence);
    if (encoding.ids.empty())
        throw InputError(message("the sentence has no tokens; type at least one word"), "sentence");
    if (static_cast<int>(encoding.ids.size()) > info.maxPositions)
        throw InputError(message("the sentence has %1 tokens; %2 reads at most %3",
                                 static_cast<int>(encoding.ids.size()), m_name, info.maxPositions),
                         "sentence");
    RunRequest request;
    request.tokenIds = encoding.ids;
    request.tokenTypeIds.reserve(encoding.tokens.size());
    for (const tokenizers::EncodedToken& token : encoding.tokens)
        request.tokenTypeIds.push_back(std::min(token.typeId, std::max(0, info.typeVocabSize - 1)));
    if (info.typeVocabSize == 0)
        request.tokenTypeIds.clear();
    request.topK = info.hasPredictions ? std::clamp(m_settings.topK, 0, info.vocabSize) : 0;
    if (!info.causal && m_tokenizer->specials().mask)
        request.maskTokenId = m_tokenizer->specials().mask->id;
    request.interventions = m_settings.interventions;
    request.threads = m_settings.threads;
    request.progress = progress;
    const TransformerRun run = m_model->run(request);

    ModelOutput output;
    output.config = config;
    output.model = m_name;
    output.capabilities = capabilities(config);
    output.maps = transformerMaps(run, encoding, config.sentence, m_settings, info.causal);
    TransformerDescription description;
    description.architecture = info.architecture;
    description.layers = info.layers;
    description.heads = info.heads;
    description.kvHeads = info.kvHeads;
    description.dModel = info.dModel;
    description.vocabSize = info.vocabSize;
    description.tokenIds = encoding.ids;
    for (const tokenizers::EncodedToken& token : encoding.tokens)
        description.pieces.push_back(token.piece);
    output.transformer = std::move(description);
    for (const PositionPrediction& position : run.predictions) {
        Prediction prediction;
        prediction.position = position.position;
        for (const TokenProbability& top : position.top)
            prediction.top.push_back(
                {top.tokenId, candidateText(*m_tokenizer, top.tokenId), top.probability});
        output.predictions.push_back(std::move(prediction));
    }
    return output;
}

double TransformerModel::estimateWork(const Config& config) const {
    const ModelInfo& info = m_model->info();
    // Per token and layer: the projections and the feed-forward block, plus the scores.
    const double n = static_cast<double>(std::max<std::size_t>(config.sentence.size() / 3, 1));
    const double d = info.dModel;
    return n * info.layers * (4.0 * d * d + 2.0 * d * info.intermediate + 2.0 * n * d);
}

} // namespace attnlab::core
