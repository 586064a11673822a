#include "core/pretrained/pretrained_model.h"

#include "core/attention/mask.h"
#include "core/base/file_io.h"
#include "core/base/message.h"
#include "core/base/safetensors.h"
#include "core/pretrained/forward.h"
#include "core/pretrained/model_folder.h"

#include <algorithm>
#include <cmath>
#include <mutex>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace attnlab::core {

using namespace pretrained;

struct PretrainedModel::Impl {
    Engine engine;
    // Scratch memory of finished runs, handed to the next ones; one per concurrent run.
    mutable std::mutex poolMutex;
    mutable std::vector<std::unique_ptr<Workspace>> pool;

    // Takes a workspace from the pool (or a new one) and gives it back when done.
    class Lease {
    public:
        explicit Lease(const Impl& impl) : m_impl(impl) {
            const std::lock_guard lock(impl.poolMutex);
            if (!impl.pool.empty()) {
                m_workspace = std::move(impl.pool.back());
                impl.pool.pop_back();
            } else {
                m_workspace = std::make_unique<Workspace>();
            }
        }
        ~Lease() {
            const std::lock_guard lock(m_impl.poolMutex);
            m_impl.pool.push_back(std::move(m_workspace));
        }
        Lease(const Lease&) = delete;
        Lease& operator=(const Lease&) = delete;
        Workspace& operator*() { return *m_workspace; }

    private:
        const Impl& m_impl;
        std::unique_ptr<Workspace> m_workspace;
    };
};

namespace {

// Sets the OpenMP threads of the calling thread for one run and restores them afterwards (the
// setting belongs to the calling thread only, so concurrent runs do not disturb each other).
class ThreadLimit {
public:
    explicit ThreadLimit(int threads) {
#ifdef _OPENMP
        m_previous = omp_get_max_threads();
        if (threads > 0)
            omp_set_num_threads(threads);
#else
        (void)threads;
#endif
    }
    ~ThreadLimit() {
#ifdef _OPENMP
        omp_set_num_threads(m_previous);
#endif
    }
    ThreadLimit(const ThreadLimit&) = delete;
    ThreadLimit& operator=(const ThreadLimit&) = delete;

private:
    int m_previous = 1;
};

[[noreturn]] void fail(const std::string& what) {
    throw InputError(what);
}

} // namespace

void checkIntervention(const HeadIntervention& change, int layers, int heads) {
    const auto refuse = [](Message text) { throw InputError(std::move(text), "intervention"); };
    if (change.layer < 0 || change.layer >= layers)
        refuse(message("layer %1 does not exist (the model has %2 layers, numbered from 1)",
                       change.layer + 1, layers));
    if (change.head < -1 || change.head >= heads)
        refuse(message("head %1 does not exist (the model has %2 heads per layer, numbered "
                       "from 1)",
                       change.head + 1, heads));
    if (change.temperature && !(std::isfinite(*change.temperature) && *change.temperature > 0.0f))
        refuse(message("the temperature must be a positive number (for example 0.5 to sharpen, "
                       "2 to flatten); %1 is not",
                       *change.temperature));
    if (change.mask && change.mask->kind == MaskKind::Padding)
        refuse(message("a padding mask does not apply to a model's input; use causal or "
                       "window:W"));
    if (change.mask && change.mask->kind == MaskKind::Window && change.mask->window < 1)
        refuse(message("window:0 leaves each token only itself; use window:1 or wider"));
}

namespace {

// Per layer, per head: what the interventions do (an empty layer has none).
std::vector<std::vector<HeadSetting>> resolveInterventions(const ModelInfo& info,
                                                           const RunRequest& request, int n) {
    std::vector<std::vector<HeadSetting>> settings(static_cast<std::size_t>(info.layers));
    for (std::size_t k = 0; k < request.interventions.size(); ++k) {
        const HeadIntervention& change = request.interventions[k];
        const std::string where = "intervention " + std::to_string(k + 1) + ": ";
        try {
            checkIntervention(change, info.layers, info.heads);
        } catch (const InputError& error) {
            fail(where + error.what());
        }
        BoolMatrix mask;
        if (change.mask) {
            if (change.mask->kind == MaskKind::Padding)
                fail(where + "a padding mask does not apply to a model's input; use causal or "
                             "window:W");
            mask = buildMask(*change.mask, n, n, false, {});
        }
        auto& layer = settings[static_cast<std::size_t>(change.layer)];
        if (layer.empty())
            layer.resize(static_cast<std::size_t>(info.heads));
        const int first = change.head < 0 ? 0 : change.head;
        const int last = change.head < 0 ? info.heads : change.head + 1;
        for (int h = first; h < last; ++h) {
            HeadSetting& setting = layer[static_cast<std::size_t>(h)];
            if (change.normalizer)
                setting.normalizer = *change.normalizer;
            if (change.temperature)
                setting.temperature = *change.temperature;
            if (change.mask) {
                setting.hasMask = change.mask->kind != MaskKind::None;
                setting.mask = mask;
            }
            setting.ablate = setting.ablate || change.ablate;
        }
    }
    // Softmax with any temperature and no extra mask stays on the model's own (fast) path.
    for (auto& layer : settings)
        for (HeadSetting& setting : layer)
            setting.changesWeights = setting.normalizer != Normalizer::Softmax || setting.hasMask;
    return settings;
}

void validate(const ModelInfo& info, const RunRequest& request) {
    const auto n = request.tokenIds.size();
    if (n == 0)
        fail("the input has no tokens");
    if (n > static_cast<std::size_t>(info.maxPositions))
        fail("the input has " + std::to_string(n) + " tokens, but " + info.architecture +
             " accepts at most " + std::to_string(info.maxPositions) +
             " (its maximum positions in config.json); shorten the text");
    for (std::size_t i = 0; i < n; ++i)
        if (request.tokenIds[i] < 0 || request.tokenIds[i] >= info.vocabSize)
            fail("token " + std::to_string(i + 1) + " has id " +
                 std::to_string(request.tokenIds[i]) + ", outside the model's vocabulary of " +
                 std::to_string(info.vocabSize) + " (does the tokenizer belong to this model?)");
    if (!request.tokenTypeIds.empty()) {
        if (info.family != TransformerFamily::Bert)
            fail("token types (segments) apply to BERT models only");
        if (request.tokenTypeIds.size() != n)
            fail("there are " + std::to_string(request.tokenTypeIds.size()) + " token types for " +
                 std::to_string(n) + " tokens");
        for (std::size_t i = 0; i < n; ++i)
            if (request.tokenTypeIds[i] < 0 || request.tokenTypeIds[i] >= info.typeVocabSize)
                fail("token " + std::to_string(i + 1) + " has type " +
                     std::to_string(request.tokenTypeIds[i]) + "; the model has " +
                     std::to_string(info.typeVocabSize) + " token types");
    }
    if (request.topK < 0)
        fail("the number of predictions (top-k) must not be negative");
    if (request.threads < 0)
        fail("the number of threads must not be negative");
    if (request.predictPosition < -1 || request.predictPosition >= static_cast<int>(n))
        fail("the prediction position " + std::to_string(request.predictPosition + 1) +
             " is outside the input of " + std::to_string(n) + " tokens");
}

// Fills the top-k of each logits row (softmax over the whole vocabulary).
void topPredictions(const Matrix& logits, const std::vector<int>& positions, int topK,
                    std::vector<int>& order, std::vector<PositionPrediction>& out) {
    const int vocab = static_cast<int>(logits.cols());
    const int k = std::min(topK, vocab);
    out.resize(positions.size());
    order.resize(static_cast<std::size_t>(vocab));
    for (std::size_t r = 0; r < positions.size(); ++r) {
        const auto row = logits.row(static_cast<Eigen::Index>(r));
        const float top = row.maxCoeff();
        const double sum = (row.array() - top).exp().cast<double>().sum();
        for (int i = 0; i < vocab; ++i)
            order[static_cast<std::size_t>(i)] = i;
        const auto better = [&](int a, int b) {
            return row(a) > row(b) || (row(a) == row(b) && a < b);
        };
        std::partial_sort(order.begin(), order.begin() + k, order.end(), better);
        PositionPrediction& prediction = out[r];
        prediction.position = positions[r];
        prediction.top.resize(static_cast<std::size_t>(k));
        for (int i = 0; i < k; ++i) {
            const int id = order[static_cast<std::size_t>(i)];
            prediction.top[static_cast<std::size_t>(i)] = {
                id, static_cast<float>(std::exp(static_cast<double>(row(id) - top)) / sum),
                row(id)};
        }
    }
}

void predict(const Engine& engine, const RunRequest& request, Workspace& workspace,
             TransformerRun& result) {
    const ModelInfo& info = engine.config.info;
    const ModelWeights& w = engine.weights;
    std::vector<int> positions;
    if (request.topK > 0 && info.hasPredictions) {
        if (info.causal) {
            positions.push_back(request.predictPosition < 0
                                    ? static_cast<int>(request.tokenIds.size()) - 1
                                    : request.predictPosition);
        } else if (request.maskTokenId >= 0) {
            for (std::size_t i = 0; i < request.tokenIds.size(); ++i)
                if (request.tokenIds[i] == request.maskTokenId)
                    positions.push_back(static_cast<int>(i));
        }
    }
    const auto m = static_cast<Eigen::Index>(positions.size());
    if (m == 0) {
        result.predictions.clear();
        result.logits.resize(0, info.vocabSize);
        return;
    }
    MatrixMap rows = workspace.heads.matrix(m, info.dModel);
    for (Eigen::Index r = 0; r < m; ++r)
        rows.row(r) = result.hidden.row(positions[static_cast<std::size_t>(r)]);
    if (w.mlmTransform.weight != nullptr) {
        // BERT's masked-LM head: dense, activation, LayerNorm, then the decoder.
        MatrixMap transformed = workspace.attended.matrix(m, info.dModel);
        applyLinear(rows, w.mlmTransform, transformed, ProductKernel::automatic,
                    engine.config.activation);
        normalizeLayer(transformed, w.mlmNorm, engine.config.normEps, transformed);
        rows = transformed;
    }
    result.logits.resize(m, info.vocabSize);
    outputLogits(rows, w.outputHead, w.outputBias, info.vocabSize, result.logits);
    topPredictions(result.logits, positions, request.topK, workspace.order, result.predictions);
}

} // namespace

PretrainedModel::PretrainedModel(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
PretrainedModel::~PretrainedModel() = default;

std::shared_ptr<const PretrainedModel> PretrainedModel::load(const std::string& folder,
                                                             const ProgressCallback& progress) {
    const ModelFiles files = locateModelFiles(folder);
    auto impl = std::make_unique<Impl>();
    Engine& engine = impl->engine;
    engine.config = parseTransformerConfig(readFileBytes(files.config, 16u << 20), files.config);
    const SafetensorsSet tensors = files.index.empty() ? SafetensorsSet::openFiles(files.weights)
                                                       : SafetensorsSet::openIndex(files.index);
    engine.weights = bindWeights(engine.config, tensors, folder, progress);
    ModelInfo& info = engine.config.info;
    info.folder = folder;
    info.fileBytes = tensors.totalBytes();
    info.convertedBytes = engine.weights.convertedBytes;
    info.packedBytes = engine.weights.packedBytes;
    info.weightsDtype = engine.weights.dtypes;
    if (info.family == TransformerFamily::Llama)
        engine.ropeInverseFrequencies = ropeInverseFrequencies(
            info.headDim, engine.config.ropeTheta, engine.config.ropeLinearFactor);
    return std::make_shared<const PretrainedModel>(std::move(impl));
}

const ModelInfo& PretrainedModel::info() const {
    return m_impl->engine.config.info;
}

const TransformerConfig& PretrainedModel::config() const {
    return m_impl->engine.config;
}

std::size_t PretrainedModel::attentionBytes(int tokens) const {
    const ModelInfo& info = m_impl->engine.config.info;
    return static_cast<std::size_t>(info.layers) * static_cast<std::size_t>(info.heads) *
           static_cast<std::size_t>(tokens) * static_cast<std::size_t>(tokens) * sizeof(float);
}

TransformerRun PretrainedModel::run(const RunRequest& request) const {
    TransformerRun result;
    run(request, result);
    return result;
}

void PretrainedModel::run(const RunRequest& request, TransformerRun& result) const {
    const Engine& engine = m_impl->engine;
    const ModelInfo& info = engine.config.info;
    validate(info, request);
    const auto settings =
        resolveInterventions(info, request, static_cast<int>(request.tokenIds.size()));
    Impl::Lease lease(*m_impl);
    Workspace& workspace = *lease;
    // A causal model reuses the entry with the longest reusable prefix, else fills the one
    // used least recently.
    PrefixEntry* prefix = nullptr;
    int reused = 0;
    if (info.causal && prefixEntryBytes(info, request.tokenIds.size()) <= kPrefixEntryBytes) {
        for (PrefixEntry& entry : workspace.prefixes) {
            const int positions =
                request.reusePrefix ? reusablePositions(entry, request.tokenIds, settings) : 0;
            if (prefix == nullptr || positions > reused ||
                (positions == reused && entry.lastUse < prefix->lastUse)) {
                prefix = &entry;
                reused = positions;
            }
        }
        prefix->lastUse = ++workspace.runs;
    }
    const ThreadLimit threads(request.threads);
    runLayers(engine, request.tokenIds, request.tokenTypeIds, settings, request.keepAttentions,
              request.progress, workspace, prefix, reused, result);
    result.reusedPositions = reused;
    predict(engine, request, workspace, result);
}

} // namespace attnlab::core
