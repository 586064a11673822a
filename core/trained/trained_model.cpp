#include "core/trained/trained_model.h"

#include "core/attention/mask.h"
#include "core/attention/rollout.h"
#include "core/training/inference.h"
#include "core/training/transformer.h"

#include <algorithm>
#include <cassert>
#include <filesystem>
#include <optional>

namespace attnlab::core {
namespace {

using training::Vocabulary;

// A typed token and where it is in the sentence.
struct TypedToken {
    std::string text;
    std::size_t begin = 0, end = 0;
};

// Bytes of the UTF-8 sequence starting with `lead` (1 for a stray byte, which the character
// vocabulary reads as U+FFFD, i.e. <unk>).
std::size_t sequenceLength(unsigned char lead) {
    if (lead >= 0xF0 && lead < 0xF8)
        return 4;
    if (lead >= 0xE0)
        return lead < 0xF0 ? 3 : 1;
    if (lead >= 0xC0)
        return 2;
    return 1;
}

std::vector<TypedToken> splitTyped(std::string_view text, bool characters) {
    std::vector<TypedToken> tokens;
    const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
    std::size_t at = 0;
    while (at < text.size()) {
        if (characters) {
            const std::size_t length =
                std::min(sequenceLength(static_cast<unsigned char>(text[at])), text.size() - at);
            // Line breaks separate lines of the corpus, but a typed line break is layout.
            if (text[at] != '\n' && text[at] != '\r')
                tokens.push_back({std::string(text.substr(at, length)), at, at + length});
            at += length;
            continue;
        }
        while (at < text.size() && space(text[at]))
            ++at;
        std::size_t end = at;
        while (end < text.size() && !space(text[end]))
            ++end;
        if (end > at)
            tokens.push_back({std::string(text.substr(at, end - at)), at, end});
        at = end;
    }
    return tokens;
}

// The token the vocabulary has for `text`: a character model reads an invalid byte as U+FFFD.
int idOf(const Vocabulary& vocabulary, const std::string& text, bool characters) {
    if (!characters)
        return vocabulary.id(text);
    const std::vector<std::string> points = training::splitCodePoints(text);
    return points.size() == 1 ? vocabulary.id(points.front()) : Vocabulary::kUnknown;
}

// Which keys each query of a self-attention block may see (docs/attention-math.md#masks): the
// earlier tokens (decoder), within the window when there is one.
BoolMatrix selfAllowed(int n, bool causal, int window) {
    BoolMatrix allowed(n, n);
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j)
            allowed(i, j) = (!causal || j <= i) && (window <= 0 || std::abs(i - j) <= window);
    return allowed;
}

} // namespace

std::shared_ptr<const TrainedModel> TrainedModel::load(const std::string& folder) {
    std::filesystem::path path(folder);
    if (!path.has_filename())
        path = path.parent_path();
    auto model = fromSaved(training::loadModelFolder(folder), path.filename().string());
    std::const_pointer_cast<TrainedModel>(model)->m_folder = folder;
    return model;
}

std::shared_ptr<const TrainedModel> TrainedModel::fromSaved(training::SavedModel saved,
                                                            std::string name) {
    auto model = std::shared_ptr<TrainedModel>(new TrainedModel());
    const std::vector<std::string>& tokens = saved.vocabulary;
    const Vocabulary specials;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        if (i < static_cast<std::size_t>(specials.size())) {
            if (tokens[i] != specials.token(static_cast<int>(i)))
                throw InputError("the vocabulary of " + name +
                                 " does not start with the special "
                                 "tokens <pad>, <s>, <unk>, </s>");
            continue;
        }
        if (model->m_vocabulary.add(tokens[i]) != static_cast<int>(i))
            throw InputError("the vocabulary of " + name + " holds '" + tokens[i] + "' twice");
    }
    if (model->m_vocabulary.size() != saved.config.vocabSize)
        throw InputError("the vocabulary of " + name + " has " +
                         std::to_string(model->m_vocabulary.size()) + " tokens, the model " +
                         std::to_string(saved.config.vocabSize));
    model->m_task = training::makeTask(saved.settings.task);
    model->m_saved = std::move(saved);
    model->m_name = std::move(name);
    return model;
}

ModelCapabilities TrainedModel::capabilities(const Config&) const {
    ModelCapabilities capabilities;
    capabilities.hasTrace = false;
    capabilities.hasPredictions = true;
    capabilities.causal = m_saved.config.architecture == training::Architecture::DecoderOnly;
    capabilities.takesText = true;
    capabilities.attentionSettings = false;
    capabilities.layers = m_saved.config.layers;
    capabilities.heads = m_saved.config.heads;
    return capabilities;
}

TrainedInput TrainedModel::inputFor(std::string_view sentence) const {
    const training::ModelConfig& c = m_saved.config;
    const bool characters = m_saved.characters;
    const bool hasSource = m_task->hasSource();
    const auto labelOf = [&](const TypedToken& typed, int id) {
        MapToken token;
        token.text = typed.text;
        token.begin = typed.begin;
        token.end = typed.end;
        token.unknown = id == Vocabulary::kUnknown && typed.text != "<unk>";
        return token;
    };
    const auto modelLabel = [&](int id) {
        MapToken token;
        token.text = m_vocabulary.token(id);
        token.special = id == Vocabulary::kStart;
        return token;
    };

    TrainedInput input;
    std::vector<int> source, target;
    std::vector<MapToken> sourceLabels, targetLabels;
    std::optional<MapToken> start;
    for (const TypedToken& token : splitTyped(sentence, characters)) {
        if (!characters && token.text == "<s>" && !start && hasSource) {
            start = labelOf(token, Vocabulary::kStart);
            start->special = true;
            continue;
        }
        const int id = idOf(m_vocabulary, token.text, characters);
        input.unknown = input.unknown || (id == Vocabulary::kUnknown && token.text != "<unk>");
        const bool isTarget = start.has_value() || !hasSource;
        (isTarget ? target : source).push_back(id);
        (isTarget ? targetLabels : sourceLabels).push_back(labelOf(token, id));
    }
    if (source.empty() && target.empty())
        throw InputError("the sentence has no tokens; type at least one");
    if (hasSource && source.empty())
        throw InputError("type the source before <s>: this model reads a source and writes its "
                         "answer after <s>");
    if (hasSource && !start) {
        // The model writes its answer; a trailing </s> ends it and is not shown.
        target = training::generate(c, m_saved.params, source, m_task->maxTargetLength());
        if (!target.empty() && target.back() == Vocabulary::kEnd)
            target.pop_back();
        input.written = static_cast<int>(target.size());
        for (int id : target)
            targetLabels.push_back(modelLabel(id));
    }
    const bool decoderOnly = c.architecture == training::Architecture::DecoderOnly;
    if (decoderOnly) {
        input.decoderTokens = source;
        input.decoderLabels = sourceLabels;
    } else {
        input.encoderTokens = source;
        input.encoderLabels = sourceLabels;
    }
    input.decoderTokens.push_back(Vocabulary::kStart);
    input.decoderLabels.push_back(start ? *start : modelLabel(Vocabulary::kStart));
    input.decoderTokens.insert(input.decoderTokens.end(), target.begin(), target.end());
    input.decoderLabels.insert(input.decoderLabels.end(), targetLabels.begin(), targetLabels.end());

    const int limit = c.maxPositions;
    const int longest = std::max(static_cast<int>(input.decoderTokens.size()),
                                 static_cast<int>(input.encoderTokens.size()));
    if (longest > limit) {
        // A written answer may run to the model's last position; only typed text is refused.
        const int over = longest - limit;
        if (input.written >= over && input.decoderTokens.size() > input.encoderTokens.size()) {
            input.decoderTokens.resize(input.decoderTokens.size() - static_cast<std::size_t>(over));
            input.decoderLabels.resize(input.decoderTokens.size());
            input.written -= over;
        } else {
            throw InputError("the sentence has " + std::to_string(longest) + " tokens with <s>; " +
                             m_name + " reads at most " + std::to_string(limit));
        }
    }
    return input;
}

ModelOutput TrainedModel::run(const Config& config, const RunOptions&,
                              const ProgressCallback& progress) const {
    const TrainedInput input = inputFor(config.sentence);
    if (progress && !progress(0, 1))
        throw Cancelled();
    ModelOutput output = trainedModelOutput(m_saved.config, m_saved.params, m_vocabulary, input,
                                            config, m_name, m_interventions);
    if (progress && !progress(1, 1))
        throw Cancelled();
    return output;
}

TrainedInput trainedInputOf(const training::LaidOutBatch& laid,
                            const training::Vocabulary& vocabulary, int example) {
    const training::ModelBatch& b = laid.batch;
    assert(example >= 0 && example < b.batch);
    TrainedInput input;
    const auto label = [&](int id) {
        MapToken token;
        token.text = id >= 0 && id < vocabulary.size() ? vocabulary.token(id) : "<?>";
        token.special = id == Vocabulary::kStart;
        return token;
    };
    const int decoder = laid.decoderLengths[static_cast<std::size_t>(example)];
    for (int p = 0; p < decoder; ++p) {
        input.decoderTokens.push_back(
            b.decoderTokens[static_cast<std::size_t>(example) * b.decoderLength + p]);
        input.decoderLabels.push_back(label(input.decoderTokens.back()));
    }
    const int encoder = b.encoderLengths.empty()
                            ? b.encoderLength
                            : b.encoderLengths[static_cast<std::size_t>(example)];
    for (int p = 0; p < encoder; ++p) {
        input.encoderTokens.push_back(
            b.encoderTokens[static_cast<std::size_t>(example) * b.encoderLength + p]);
        input.encoderLabels.push_back(label(input.encoderTokens.back()));
    }
    return input;
}

std::shared_ptr<const TrainedModel>
TrainedModel::withInterventions(std::vector<HeadIntervention> changes) const {
    for (const HeadIntervention& change : changes)
        checkIntervention(change, m_saved.config.layers, m_saved.config.heads);
    auto model = std::shared_ptr<TrainedModel>(new TrainedModel(*this));
    model->m_interventions = std::move(changes);
    return model;
}

ModelOutput trainedModelOutput(const training::ModelConfig& c,
                               const training::TransformerParams& params,
                               const training::Vocabulary& vocabulary, const TrainedInput& input,
                               const Config& config, const std::string& name,
                               const std::vector<HeadIntervention>& interventions) {
    training::ModelBatch batch;
    batch.batch = 1;
    batch.decoderTokens = input.decoderTokens;
    batch.decoderLength = static_cast<int>(input.decoderTokens.size());
    batch.targets.assign(input.decoderTokens.size(), -1);
    batch.encoderTokens = input.encoderTokens;
    batch.encoderLength = static_cast<int>(input.encoderTokens.size());
    training::validate(batch, c);
    const bool decoderOnly = c.architecture == training::Architecture::DecoderOnly;

    // Per layer and head, what the changes do: applied in order, a later setting of a head
    // replacing an earlier one, ablations adding up (as for pretrained models).
    training::LayerChanges changes(static_cast<std::size_t>(interventions.empty() ? 0 : c.layers));
    const int nq = batch.decoderLength;
    const int nk = decoderOnly ? nq : batch.encoderLength;
    for (const HeadIntervention& change : interventions) {
        checkIntervention(change, c.layers, c.heads);
        auto& layer = changes[static_cast<std::size_t>(change.layer)];
        if (layer.empty())
            layer.resize(static_cast<std::size_t>(c.heads));
        BoolMatrix mask;
        if (change.mask && change.mask->kind != MaskKind::None)
            mask = buildMask(*change.mask, nq, nk, !decoderOnly, {});
        const int first = change.head < 0 ? 0 : change.head;
        const int last = change.head < 0 ? c.heads : change.head + 1;
        for (int h = first; h < last; ++h) {
            training::HeadChange& head = layer[static_cast<std::size_t>(h)];
            if (change.normalizer)
                head.normalizer = change.normalizer;
            if (change.temperature)
                head.temperature = *change.temperature;
            if (change.mask)
                head.allowed = mask;
            head.ablate = head.ablate || change.ablate;
        }
    }
    const training::ForwardResult result =
        training::forward(c, params, batch, interventions.empty() ? nullptr : &changes);

    // The maps: each decoder layer's self-attention (decoder-only) or cross-attention.
    const training::AttentionKind shown =
        decoderOnly ? training::AttentionKind::DecoderSelf : training::AttentionKind::Cross;
    AttentionMaps maps;
    maps.layers = c.layers;
    maps.heads = c.heads;
    maps.cross = !decoderOnly;
    std::vector<std::vector<Matrix>> layers;
    for (const training::AttentionMaps& block : result.attention) {
        if (block.kind != shown)
            continue;
        layers.emplace_back();
        for (int h = 0; h < block.heads; ++h) {
            maps.weights.push_back(block.at(0, h));
            layers.back().push_back(block.at(0, h));
        }
    }

    maps.queryTokens = input.decoderLabels;
    maps.keyTokens = decoderOnly ? input.decoderLabels : input.encoderLabels;
    maps.allowed =
        decoderOnly ? selfAllowed(nq, true, c.window) : BoolMatrix::Constant(nq, nk, true);
    for (const Matrix& weights : maps.weights)
        for (int i = 0; i < nq; ++i)
            if (weights.row(i).sum() <= 0.0f &&
                std::find(maps.degenerateRows.begin(), maps.degenerateRows.end(), i) ==
                    maps.degenerateRows.end())
                maps.degenerateRows.push_back(i);
    std::sort(maps.degenerateRows.begin(), maps.degenerateRows.end());
    completeMaps(maps);
    if (decoderOnly && c.layers > 1 && c.normalizer == Normalizer::Softmax)
        maps.rollout = attentionRollout(layers);
    if (input.unknown)
        maps.warnings.push_back(
            message("some tokens are not in the vocabulary the model was trained on and read "
                    "as <unk>"));

    ModelOutput output;
    output.config = config;
    output.model = name;
    output.capabilities.hasTrace = false;
    output.capabilities.hasPredictions = true;
    output.capabilities.causal = decoderOnly;
    output.capabilities.attentionSettings = false;
    output.capabilities.layers = c.layers;
    output.capabilities.heads = c.heads;
    output.maps = std::move(maps);
    TransformerDescription description;
    description.architecture = kTrainedModelArchitecture;
    description.layers = c.layers;
    description.heads = c.heads;
    description.kvHeads = c.heads;
    description.dModel = c.dModel;
    description.vocabSize = c.vocabSize;
    description.tokenIds = input.decoderTokens;
    for (int id : input.decoderTokens)
        description.pieces.push_back(vocabulary.token(id));
    output.transformer = std::move(description);

    // What the model predicts after the last token.
    Prediction prediction;
    prediction.position = static_cast<int>(input.decoderTokens.size()) - 1;
    const Eigen::Index last = result.logits.rows() - 1;
    const Eigen::RowVectorXd logits = result.logits.row(last).cast<double>();
    const Eigen::RowVectorXd probabilities = (logits.array() - logits.maxCoeff()).exp() /
                                             (logits.array() - logits.maxCoeff()).exp().sum();
    std::vector<int> order(static_cast<std::size_t>(probabilities.size()));
    for (std::size_t i = 0; i < order.size(); ++i)
        order[i] = static_cast<int>(i);
    std::stable_sort(order.begin(), order.end(),
                     [&](int a, int b) { return probabilities(a) > probabilities(b); });
    constexpr std::size_t kTop = 10;
    for (std::size_t i = 0; i < std::min(kTop, order.size()); ++i)
        prediction.top.push_back(
            {order[i], vocabulary.token(order[i]), static_cast<float>(probabilities(order[i]))});
    output.predictions.push_back(std::move(prediction));
    return output;
}

double TrainedModel::estimateWork(const Config& config) const {
    const training::ModelConfig& c = m_saved.config;
    // Greedy writing runs the model once per written token, each over the whole input.
    const double n =
        static_cast<double>(std::min<std::size_t>(std::max<std::size_t>(config.sentence.size(), 1),
                                                  static_cast<std::size_t>(c.maxPositions)));
    const double d = c.dModel;
    return n * n * c.layers * (4.0 * d * d + 2.0 * n * d + d * c.vocabSize);
}

} // namespace attnlab::core
