#include "core/model/builtin_model.h"

#include "core/model/builtin_efficient.h"
#include "core/model/builtin_inputs.h"
#include "core/model/settings.h"

#include "core/attention/mask.h"
#include "core/attention/normalizer.h"
#include "core/attention/positional.h"
#include "core/attention/scoring.h"
#include "core/base/memory.h"
#include "core/base/parallel_errors.h"
#include "core/base/random.h"
#include "core/embeddings/embeddings.h"
#include "core/text/tokenizer.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <exception>
#include <limits>
#include <set>
#include <string>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace attnlab::core {
namespace {

using builtin::appendPadding;
using builtin::embedSide;
using builtin::outputProjection;
using builtin::projection;
using builtin::Side;

// Rows of the n_q × n_k matrices are processed in blocks that stay in cache from the logits through
// the normaliser to the per-row statistics, so each big matrix is written once and read back
// from cache rather than streamed through memory once per step.
constexpr Eigen::Index kBlockBytes = Eigen::Index{128} * 1024;
// Below this many cells (n_q · n_k · H) a parallel pass costs more to start than it saves.
constexpr double kParallelCells = 1 << 18;

// Below this many floating-point operations (about a millisecond on one core) compute() stays on
// the calling thread: waking a second thread costs more than it saves, and far more when the
// machine is busy and that thread has to wait for a core.
constexpr double kParallelFlops = 2e7;
// Eigen's own threaded products (used with one head, when the heads loop is serial) wait for
// each other by spinning, which collapses when another program holds a core; below this size
// they are not worth that risk and the products of a single head stay on one thread.
constexpr double kEigenParallelFlops = 2e9;

// Limits OpenMP, and with it Eigen's products, to the calling thread while it lives. The thread
// count is a setting of the calling thread only, restored on exit (also by an exception).
class SerialScope {
public:
    explicit SerialScope(bool serial) {
#ifdef _OPENMP
        if (serial) {
            m_previous = omp_get_max_threads();
            omp_set_num_threads(1);
        }
#else
        (void)serial;
#endif
    }
    ~SerialScope() {
#ifdef _OPENMP
        if (m_previous > 0)
            omp_set_num_threads(m_previous);
#endif
    }
    SerialScope(const SerialScope&) = delete;
    SerialScope& operator=(const SerialScope&) = delete;

private:
    [[maybe_unused]] int m_previous = 0; // used only with OpenMP
};

// Multiply-adds ×2 of the products of compute(), the measure for going parallel.
double estimatedFlops(int nq, int nk, int dModel, int dK, int dA, int heads) {
    const double perHead = 2.0 * dModel * dK * (nq + 2.0 * nk) +
                           static_cast<double>(nq) * nk * (4.0 * dK + 3.0 * dA + 20.0);
    return heads * perHead + 2.0 * nq * static_cast<double>(heads) * dK * dModel;
}

// True inside an active parallel region (the heads loop with several heads).
bool inParallelRegion() {
#ifdef _OPENMP
    return omp_in_parallel() != 0;
#else
    return false;
#endif
}

// True on the thread that called compute() (OpenMP's master thread of a parallel loop).
bool onCallingThread() {
#ifdef _OPENMP
    return omp_get_thread_num() == 0;
#else
    return true;
#endif
}

Eigen::Index rowsPerBlock(Eigen::Index cols) {
    return std::max<Eigen::Index>(1, kBlockBytes / (static_cast<Eigen::Index>(sizeof(float)) *
                                                    std::max<Eigen::Index>(1, cols)));
}

// Logits L = S / T (+ ALiBi bias −slope·|i − j|) of rows [begin, end) (row i of S at
// scores.row(i − scoresOffset)), written to rows
// [begin − offset, end − offset) of `logits`, with overflow clamped to the largest float so that
// the normalisers never see +∞ or NaN. The operations are those of the whole-matrix form (S / T,
// + bias, clamp), element by element, so the numbers are identical.
void logitRows(const Matrix& scores, Eigen::Index scoresOffset, float temperature,
               const float* slope, Eigen::Index begin, Eigen::Index end, Eigen::Index offset,
               Matrix& logits) {
    constexpr float kLargest = std::numeric_limits<float>::max();
    const Eigen::Index nk = scores.cols();
    Eigen::Array<float, 1, Eigen::Dynamic> keyPositions;
    if (slope)
        keyPositions.setLinSpaced(nk, 0.0f, static_cast<float>(nk - 1));
    for (Eigen::Index i = begin; i < end; ++i) {
        auto out = logits.row(i - offset).array();
        out = scores.row(i - scoresOffset).array() / temperature;
        if (slope) // |i − j| is an exact small integer in float, as in alibiBias()
            out += -*slope * (keyPositions - static_cast<float>(i)).abs();
        out = out.max(-kLargest).min(kLargest);
    }
}

// Masked cells of rows [begin, end) (at rows [begin − offset, …) of `logits`) become −∞.
void maskRows(const BoolMatrix& allowed, Eigen::Index begin, Eigen::Index end, Eigen::Index offset,
              Matrix& logits) {
    for (Eigen::Index i = begin; i < end; ++i)
        logits.row(i - offset) =
            allowed.row(i).select(logits.row(i - offset).array(), kMinusInfinity).matrix();
}

// Key index of the largest weight of rows [begin, end) (the first one on ties), −1 for fully
// masked rows. The maximum is a vectorised reduction; the scan stops at its first occurrence.
void rowArgmax(const Matrix& weights, const std::vector<char>& fullyMasked, Eigen::Index begin,
               Eigen::Index end, std::vector<int>& argmax) {
    for (Eigen::Index i = begin; i < end; ++i) {
        if (fullyMasked[static_cast<std::size_t>(i)])
            continue;
        const auto row = weights.row(i);
        const float top = row.maxCoeff();
        Eigen::Index best = 0;
        while (best + 1 < row.size() && row(best) != top)
            ++best;
        argmax[static_cast<std::size_t>(i)] = static_cast<int>(best);
    }
}

// Every matrix of the request must fit in memory, not only the n_q × n_k ones: a pasted book
// with a raised token limit, or a few tokens with 16 heads at d_model = d_k = 4096 (3 GB of
// projections), would otherwise run for minutes or be killed by the system. The estimate counts
// per head the n_q × n_k scores, logits and weights, the projections W_q, W_k, W_v, Q, K, V and
// the context, and the additive parameters; once, the mean and maximum maps, the mask, the
// embeddings, W_o and the output. The budget is half of the computer's memory (README,
// Reliability).
struct RequestShape {
    double nq = 0, nk = 0, heads = 0, dModel = 0, dK = 0, dA = 0;
};

double requestBytes(const RequestShape& r) {
    const double cells = r.nq * r.nk;
    const double perHead = 3.0 * cells + 3.0 * r.dModel * r.dK + (r.nq + 2.0 * r.nk) * r.dK +
                           r.nq * r.dK + 2.0 * r.dA * r.dK + r.dA * (r.nq + r.nk + 1.0);
    const double once =
        2.0 * cells + (r.nq + r.nk) * r.dModel + r.heads * r.dK * r.dModel + r.nq * r.dModel;
    return sizeof(float) * (r.heads * perHead + once) + cells; // + the mask, a byte a cell
}

void requireMemory(const RequestShape& request) {
    const double bytes = requestBytes(request);
    const double physical = availableMemoryBytes();
    if (bytes <= physical / 2)
        return;
    const auto gigabytes = [](double value) {
        char text[32];
        std::snprintf(text, sizeof text, "%.1f GB", value / 1e9);
        return std::string(text);
    };
    throw InputError(
        message("%1 × %2 tokens with %3 heads of width %4 (d_model %5) need about %6 "
                "of memory, more than half of this computer's %7; shorten the text, "
                "or use fewer heads or a smaller d_model or d_k",
                static_cast<long long>(request.nq), static_cast<long long>(request.nk),
                static_cast<long long>(request.heads), static_cast<long long>(request.dK),
                static_cast<long long>(request.dModel), gigabytes(bytes), gigabytes(physical)),
        "sentence");
}

// d_model as the embeddings will give it: the built-in width, the file's, or the manual matrix's.
int embeddingWidth(const Config& config) {
    switch (config.embeddings) {
    case EmbeddingSource::File:
        return config.table ? config.table->dimension() : 0;
    case EmbeddingSource::Manual:
        return static_cast<int>(config.manualQueryEmbeddings.cols());
    case EmbeddingSource::Builtin:
        break;
    }
    return config.dModel;
}

// d_k from the config: the explicit value, else d_model / H, which must divide.
int resolveDKOf(const Config& config, int dModel) {
    if (config.dK != 0)
        return config.dK;
    if (dModel % config.heads != 0)
        throw InputError(message("d_model (%1) is not divisible by the number of heads (%2); "
                                 "choose a head count that divides it or set d_k",
                                 dModel, config.heads),
                         "heads");
    return dModel / config.heads;
}

} // namespace

int resolvedDK(const Config& config, int dModel) {
    return resolveDKOf(config, dModel);
}

void validateSettings(const Config& config) {
    checkSettings(SettingsValues{config, {}});
}

void validate(const Config& config) {
    validateSettings(config);
    if (config.embeddings == EmbeddingSource::File && !config.table)
        throw InputError(message("no embeddings file is loaded"), "embeddings");
    if (config.embeddings == EmbeddingSource::Manual && config.manualQueryEmbeddings.size() == 0)
        throw InputError(message("manual embeddings are selected but no matrix was given"),
                         "embeddings");
    if (config.embeddings == EmbeddingSource::Manual && !config.source.empty() &&
        config.manualKeyEmbeddings.cols() != config.manualQueryEmbeddings.cols())
        throw InputError(message("the manual embeddings of the source sentence must have as many "
                                 "columns as those of the query sentence"),
                         "embeddings");
    // NaN or ∞ typed by hand would reach every weight; say where it is instead.
    if (config.embeddings == EmbeddingSource::Manual &&
        (!config.manualQueryEmbeddings.allFinite() || !config.manualKeyEmbeddings.allFinite()))
        throw InputError(message("the manual embeddings hold a value that is not a finite number "
                                 "(NaN or infinity); replace it with a number"),
                         "embeddings");
    if (config.projection == ProjectionInit::Manual) {
        bool finite = !config.manual.wo || config.manual.wo->allFinite();
        for (const auto* matrices : {&config.manual.wq, &config.manual.wk, &config.manual.wv})
            for (const Matrix& w : *matrices)
                finite = finite && w.allFinite();
        if (!finite)
            throw InputError(message("a manual projection matrix holds a value that is not a "
                                     "finite number (NaN or infinity); replace it with a number"),
                             "projection");
    }
    resolveDKOf(config, embeddingWidth(config));
}

ModelOutput runBuiltin(const Config& config, const RunOptions& options,
                       const ProgressCallback& progress) {
    validate(config);
    ModelOutput output;
    output.config = config;
    output.model = "built-in";
    AttentionMaps& maps = output.maps;
    Trace trace;
    maps.cross = !config.source.empty();
    maps.heads = config.heads;
    const int totalSteps = config.heads + 2;
    auto step = [&](int done) {
        if (progress && !progress(done, totalSteps))
            throw Cancelled();
    };

    // 1. Tokens and embeddings.
    std::shared_ptr<const EmbeddingTable> table = config.table;
    if (config.embeddings == EmbeddingSource::Builtin &&
        (!table || table->dimension() != config.dModel))
        table = std::make_shared<const EmbeddingTable>(builtinLexicon(config.dModel));
    const bool manual = config.embeddings == EmbeddingSource::Manual;
    Side query = embedSide(config.sentence, "sentence", config, table.get(),
                           manual ? &config.manualQueryEmbeddings : nullptr);
    Side key = maps.cross ? embedSide(config.source, "source", config, table.get(),
                                      manual ? &config.manualKeyEmbeddings : nullptr)
                          : query;
    const int dModel = static_cast<int>(query.x.cols());
    if (config.embeddings == EmbeddingSource::File && config.dModel != dModel)
        maps.warnings.push_back(message("d_model is %1, the width of the embeddings file", dModel));
    output.config.dModel = dModel;

    if (config.mask.kind == MaskKind::Padding) {
        appendPadding(key, config.mask.padLength);
        if (!maps.cross)
            query = key;
    }
    const int nq = static_cast<int>(query.tokens.size());
    const int nk = static_cast<int>(key.tokens.size());

    if (options.trace) {
        trace.queryEmbeddings = query.x;
        trace.keyEmbeddings = key.x;
    }
    if (config.positional == PositionalEncoding::Sinusoidal) {
        query.x += sinusoidalEncoding(nq, dModel);
        key.x += sinusoidalEncoding(nk, dModel);
    }

    // 2. Shapes.
    const int dK = resolvedDK(config, dModel);
    const int dA = scoringEntry(config.scoring).usesAdditiveWidth
                       ? (config.additiveDim > 0 ? config.additiveDim : dK)
                       : 0;
    requireMemory({static_cast<double>(nq), static_cast<double>(nk),
                   static_cast<double>(config.heads), static_cast<double>(dModel),
                   static_cast<double>(dK), static_cast<double>(dA)});
    trace.dK = dK;
    trace.dA = dA;
    output.config.dK = dK;
    output.config.additiveDim = dA;

    std::vector<bool> keyIsPadding;
    for (const MapToken& token : key.tokens)
        keyIsPadding.push_back(token.padding);
    // The seed draws bigbird's random keys, as it draws every other random choice of a run.
    const MaskPattern pattern(config.mask, nq, nk, maps.cross, keyIsPadding, config.seed);
    maps.allowed = pattern.dense();
    for (int i = 0; i < nq; ++i)
        if (!maps.allowed.row(i).any())
            maps.fullyMaskedRows.push_back(i);
    step(1);
    const double flops = estimatedFlops(nq, nk, dModel, dK, dA, config.heads);
    const SerialScope serialScope(flops < kParallelFlops ||
                                  (config.heads == 1 && flops < kEigenParallelFlops));

    // Entropy, argmax and the combined maps, which an export of the weights alone never reads.
    const bool statistics = !options.weightsOnly;
    // An export of the weights alone takes dense heads block by block (the other kinds' kernels
    // give whole maps): no head's n_q × n_k weights are ever held.
    WeightsSink* const sink = options.weightsOnly && config.attention == AttentionKind::Dense
                                  ? options.weightsSink
                                  : nullptr;
    output.weightsStreamed = sink != nullptr;

    // Heads whose S and L are kept: the teaching pages show one head at a time, so a caller may
    // ask for only that one and save two n_q × n_k matrices per other head.
    std::vector<char> traced(static_cast<std::size_t>(config.heads), options.trace ? 1 : 0);
    const double cells = static_cast<double>(nq) * nk * config.heads;
    if (options.trace && !options.traceHeads.empty() && cells > options.traceAllCells) {
        std::fill(traced.begin(), traced.end(), 0);
        for (int h : options.traceHeads)
            if (h >= 0 && h < config.heads)
                traced[static_cast<std::size_t>(h)] = 1;
    }

    // 3. Heads. They are independent, so they run in parallel (OpenMP) when there are several,
    // handed out one at a time (and blocks of rows a few at a time) so that a thread that gets
    // less of the machine, which is shared with other programs, does less of the work;
    // each writes only its own map and trace and its own columns of the concatenated context, so
    // the numbers do not depend on the thread count. Errors and cancellation are collected and
    // raised after the loop, on the calling thread, as the serial loop would: the first failing
    // head (by index) decides the exception.
    const std::vector<float> slopes = alibiSlopes(config.heads);
    std::vector<char> fullyMasked(static_cast<std::size_t>(nq), 0);
    for (int row : maps.fullyMaskedRows)
        fullyMasked[static_cast<std::size_t>(row)] = 1;
    const bool anyMasked = !maps.allowed.all();
    Matrix concatenated(nq, config.heads * dK);
    trace.heads.resize(static_cast<std::size_t>(config.heads));
    maps.weights.resize(static_cast<std::size_t>(config.heads));
    maps.entropy.resize(static_cast<std::size_t>(config.heads));
    maps.argmax.resize(static_cast<std::size_t>(config.heads));
    std::vector<std::vector<int>> flaggedPerHead(static_cast<std::size_t>(config.heads));
    std::vector<std::exception_ptr> errors(static_cast<std::size_t>(config.heads));
    std::atomic<bool> stop{false};
    std::atomic<int> headsDone{0};
    const Eigen::Index blockRows = rowsPerBlock(nk);

    // A head of the tiled or linear kind: its kernel gives the context and the weights. A traced
    // tiled head keeps the scores and logits of dense attention, whose stages it computes
    // exactly; linear attention has neither (its weights come from the feature map).
    auto runOtherKind = [&](int h, Matrix& q, Matrix& k, Matrix& v, Matrix& qBeforeRope,
                            Matrix& kBeforeRope) {
        const auto index = static_cast<std::size_t>(h);
        HeadTrace& head = trace.heads[index];
        KindHeadResult result = runKindHead(config, q, k, v, pattern);
        Matrix& weights = maps.weights[index];
        weights = std::move(result.weights);
        if (statistics) {
            maps.entropy[index] = rowEntropy(weights);
            maps.argmax[index].assign(static_cast<std::size_t>(nq), -1);
            rowArgmax(weights, fullyMasked, 0, nq, maps.argmax[index]);
        }
        flaggedPerHead[index] = std::move(result.flaggedRows);
        concatenated.middleCols(static_cast<Eigen::Index>(h) * dK, dK) = result.context;
        if (!traced[index])
            return;
        if (config.attention == AttentionKind::Tiled) {
            head.scores = computeScores(config.scoring, q, k, head.params);
            head.logits.resize(nq, nk);
            logitRows(head.scores, 0, config.temperature, nullptr, 0, nq, 0, head.logits);
        }
        head.qBeforeRope = std::move(qBeforeRope);
        head.kBeforeRope = std::move(kBeforeRope);
        head.q = std::move(q);
        head.k = std::move(k);
        head.v = std::move(v);
        head.context = std::move(result.context);
    };

    auto runHead = [&](int h) {
        const auto index = static_cast<std::size_t>(h);
        HeadTrace& head = trace.heads[index];
        head.wq = projection(config, dModel, dK, h, "w_q", config.manual.wq);
        head.wk = projection(config, dModel, dK, h, "w_k", config.manual.wk);
        head.wv = projection(config, dModel, dK, h, "w_v", config.manual.wv);
        Matrix q, k, v;
        q.noalias() = query.x * head.wq;
        k.noalias() = key.x * head.wk;
        v.noalias() = key.x * head.wv;
        Matrix qBeforeRope, kBeforeRope;
        if (config.positional == PositionalEncoding::Rope) {
            if (traced[index]) {
                qBeforeRope = q;
                kBeforeRope = k;
            }
            applyRope(q);
            applyRope(k);
        }
        head.params = makeScoringParams(
            config.scoring, ScoringSetup{dK, dA, config.projection == ProjectionInit::Random,
                                         config.cosineScale, config.seed, h});
        if (config.attention != AttentionKind::Dense) {
            runOtherKind(h, q, k, v, qBeforeRope, kBeforeRope);
            return;
        }
        // Scores beyond the float range (embeddings or weights of 1e20 and more) turn into
        // ∞ − ∞ = NaN further on. Entries of q and k up to 1e14 cannot get there (|q·k| ≤ d_k ·
        // 1e28), so the scores are only scanned for inputs that large.
        constexpr float kSafeEntry = 1e14f;
        const bool scanScores =
            !(q.cwiseAbs().maxCoeff() <= kSafeEntry && k.cwiseAbs().maxCoeff() <= kSafeEntry);
        if (stop.load(std::memory_order_relaxed))
            return;

        const float* slope =
            config.positional == PositionalEncoding::Alibi ? &slopes[index] : nullptr;
        const bool keep = traced[index] != 0;
        // S is computed block by block with the logits: a head that is not traced never holds
        // its n_q × n_k scores, and a traced one gets the same numbers (the same products of the
        // same blocks).
        Matrix scores(keep ? nq : 0, keep ? nk : 0);
        Matrix logits(keep ? nq : 0, keep ? nk : 0);
        Matrix& weights = maps.weights[index];
        if (!sink)
            weights.resize(nq, nk);
        // Fresh n_q × n_k matrices, first written below: at 4096 tokens 64 MiB each, whose
        // first writes page-faulted longer than the arithmetic took.
        for (Matrix* fresh : {&scores, &logits, &weights})
            adviseHugePages(*fresh);
        Matrix context(sink ? nq : 0, sink ? dK : 0);
        Vector& entropy = maps.entropy[index];
        std::vector<int>& argmax = maps.argmax[index];
        if (statistics) {
            entropy.resize(nq);
            argmax.assign(static_cast<std::size_t>(nq), -1);
        }
        std::atomic<bool> overflow{false};
        // Products of blocks of queries with every key are the dot-product scores themselves;
        // the other functions prepare every key first (normalised, projected), which they would
        // repeat per block, so they are computed whole as before.
        const bool byBlocks =
            config.scoring == ScoringFunction::Dot || config.scoring == ScoringFunction::ScaledDot;
        const Matrix wholeScores =
            byBlocks ? Matrix() : computeScores(config.scoring, q, k, head.params);
        // With one head the heads loop is serial, so the blocks of rows share the cores instead.
        const Eigen::Index blocks = (nq + blockRows - 1) / blockRows;
        std::vector<std::vector<int>> flaggedPerBlock(static_cast<std::size_t>(blocks));
        [[maybe_unused]] const bool parallelBlocks =
            !inParallelRegion() && static_cast<double>(nq) * nk >= kParallelCells;
        // An allocation may fail inside the region (a long input near the memory limit).
        ParallelErrors blockErrors;
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 4) if (parallelBlocks)
#endif
        for (Eigen::Index block = 0; block < blocks; ++block)
            blockErrors.run([&] {
                const Eigen::Index begin = block * blockRows;
                const Eigen::Index end = std::min<Eigen::Index>(nq, begin + blockRows);
                const Eigen::Index rows = end - begin;
                // The masked logits of a block live in scratch rows; a traced head keeps its logits
                // (before the mask) as well.
                const Matrix blockScores =
                    byBlocks
                        ? computeScores(config.scoring, q.middleRows(begin, rows), k, head.params)
                        : Matrix(wholeScores.middleRows(begin, rows));
                if (scanScores && !blockScores.allFinite())
                    overflow = true;
                Matrix scratch(rows, nk);
                if (keep) {
                    scores.middleRows(begin, rows) = blockScores;
                    logitRows(blockScores, begin, config.temperature, slope, begin, end, 0, logits);
                    scratch = logits.middleRows(begin, rows);
                } else {
                    logitRows(blockScores, begin, config.temperature, slope, begin, end, begin,
                              scratch);
                }
                if (anyMasked)
                    maskRows(maps.allowed, begin, end, begin, scratch);
                std::vector<int>& flaggedRows = flaggedPerBlock[static_cast<std::size_t>(block)];
                if (sink) {
                    Matrix blockWeights(rows, nk);
                    normalizeRowsInto(config.normalizer, scratch, blockWeights, flaggedRows,
                                      static_cast<int>(begin));
                    context.middleRows(begin, rows).noalias() = blockWeights * v;
                    sink->rows(0, h, begin, blockWeights);
                    return;
                }
                normalizeRowsInto(config.normalizer, scratch, weights.middleRows(begin, rows),
                                  flaggedRows, static_cast<int>(begin));
                if (statistics) {
                    entropy.segment(begin, rows) = rowEntropy(weights.middleRows(begin, rows));
                    rowArgmax(weights, fullyMasked, begin, end, argmax);
                }
            });
        blockErrors.rethrow();
        if (overflow)
            throw InputError(message("the scores of head %1 are too large for 32-bit floats: the "
                                     "embeddings or projections hold values around 1e20 or more; "
                                     "scale them down",
                                     h + 1));
        std::vector<int>& flagged = flaggedPerHead[index];
        for (const std::vector<int>& rows : flaggedPerBlock)
            flagged.insert(flagged.end(), rows.begin(), rows.end());
        if (!sink)
            context.noalias() = weights * v;
        concatenated.middleCols(static_cast<Eigen::Index>(h) * dK, dK) = context;
        if (keep) {
            head.qBeforeRope = std::move(qBeforeRope);
            head.kBeforeRope = std::move(kBeforeRope);
            head.q = std::move(q);
            head.k = std::move(k);
            head.v = std::move(v);
            head.scores = std::move(scores);
            head.logits = std::move(logits);
            head.context = std::move(context);
        }
    };

    if (sink)
        sink->begin(1, config.heads, nq, nk);
    [[maybe_unused]] const bool parallelHeads = config.heads > 1;
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 1) if (parallelHeads)
#endif
    for (int h = 0; h < config.heads; ++h) {
        if (stop.load(std::memory_order_relaxed))
            continue;
        try {
            runHead(h);
        } catch (...) {
            errors[static_cast<std::size_t>(h)] = std::current_exception();
            stop = true;
            continue;
        }
        const int done = ++headsDone;
        // The progress callback belongs to the caller's thread (it may touch the caller's state).
        if (onCallingThread() && progress && !progress(1 + done, totalSteps))
            stop = true;
    }
    for (const std::exception_ptr& error : errors)
        if (error)
            std::rethrow_exception(error);
    if (stop)
        throw Cancelled();

    std::set<int> degenerate;
    for (const std::vector<int>& flagged : flaggedPerHead)
        degenerate.insert(flagged.begin(), flagged.end());

    // 4. Combined views and the output projection.
    // Mean and max over heads, block by block (the same sums in the same order as whole matrices).
    Matrix mean(statistics ? nq : 0, statistics ? nk : 0);
    Matrix max(statistics ? nq : 0, statistics ? nk : 0);
    adviseHugePages(mean);
    adviseHugePages(max);
    const Eigen::Index blocks = statistics ? (nq + blockRows - 1) / blockRows : 0;
    [[maybe_unused]] const bool parallelBlocks =
        static_cast<double>(nq) * nk * config.heads >= kParallelCells;
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 4) if (parallelBlocks)
#endif
    for (Eigen::Index block = 0; block < blocks; ++block) {
        const Eigen::Index begin = block * blockRows;
        const Eigen::Index rows = std::min<Eigen::Index>(nq, begin + blockRows) - begin;
        auto meanRows = mean.middleRows(begin, rows);
        auto maxRows = max.middleRows(begin, rows);
        meanRows.setZero();
        maxRows = maps.weights.front().middleRows(begin, rows);
        for (const Matrix& weights : maps.weights) {
            meanRows += weights.middleRows(begin, rows);
            maxRows = maxRows.cwiseMax(weights.middleRows(begin, rows));
        }
        meanRows /= static_cast<float>(config.heads);
    }
    if (statistics) {
        maps.mean.push_back(std::move(mean));
        maps.max.push_back(std::move(max));
    }
    if (sink)
        maps.weights.clear();
    trace.wo = outputProjection(config, dModel, config.heads * dK);
    trace.output.noalias() = concatenated * trace.wo;

    for (int row : maps.fullyMaskedRows)
        degenerate.erase(row);
    maps.degenerateRows.assign(degenerate.begin(), degenerate.end());

    int unknownCount = 0;
    for (const auto* side : {&query.tokens, &key.tokens})
        for (const MapToken& token : *side)
            unknownCount += token.unknown ? 1 : 0;
    if (!maps.cross)
        unknownCount /= 2;
    if (unknownCount > 0 && config.embeddings != EmbeddingSource::Manual)
        maps.warnings.push_back(
            unknownCount == 1
                ? message("1 token is not in the embeddings and got a hashed stand-in vector")
                : message("%1 tokens are not in the embeddings and got a hashed stand-in vector",
                          unknownCount));
    if (!maps.fullyMaskedRows.empty())
        maps.warnings.push_back(
            message("%1 query rows have every key masked; their weights are all zero",
                    static_cast<int>(maps.fullyMaskedRows.size())));

    maps.queryTokens = std::move(query.tokens);
    maps.keyTokens = std::move(key.tokens);
    trace.queryInputs = std::move(query.x);
    trace.keyInputs = std::move(key.x);
    output.capabilities = BuiltinModel().capabilities(config);
    // The output's capabilities describe what it holds: a run asked for no trace has none.
    output.capabilities.hasTrace = options.trace;
    if (options.trace)
        output.trace = std::move(trace);
    step(totalSteps);
    return output;
}

std::string BuiltinModel::name() const {
    return "built-in";
}

ModelCapabilities BuiltinModel::capabilities(const Config& config) const {
    ModelCapabilities capabilities;
    capabilities.hasTrace = true;
    capabilities.heads = config.heads;
    capabilities.layers = 1;
    return capabilities;
}

ModelOutput BuiltinModel::run(const Config& config, const RunOptions& options,
                              const ProgressCallback& progress) const {
    return runBuiltin(config, options, progress);
}

double BuiltinModel::estimateWork(const Config& config) const {
    int nq = 1;
    int nk = 1;
    try {
        nq = std::max(1, static_cast<int>(tokenize(config.sentence, config.tokenizer).size()));
        nk = config.source.empty()
                 ? nq
                 : std::max(1, static_cast<int>(tokenize(config.source, config.tokenizer).size()));
    } catch (const std::exception&) {
        return 0; // the run fails at once with the same error
    }
    return builtinWork(config, nq, nk);
}

double builtinWork(const Config& config, int nq, int nk) {
    if (config.mask.kind == MaskKind::Padding) {
        nk = std::max(nk, config.mask.padLength);
        if (config.source.empty())
            nq = nk;
    }
    int dModel = config.dModel;
    if (config.embeddings == EmbeddingSource::File && config.table)
        dModel = config.table->dimension();
    const int heads = std::max(1, config.heads);
    const double dK = config.dK > 0 ? config.dK : std::max(1, dModel / heads);
    const double dA = scoringEntry(config.scoring).usesAdditiveWidth
                          ? (config.additiveDim > 0 ? config.additiveDim : dK)
                          : 0;
    // Per head: Q, K, V projections; per cell the score and context products, tanh for the
    // additive score (about eight multiply-adds each), and a fixed cost for logits, mask,
    // normaliser, entropy and the combined maps (measured: ~40 multiply-adds per cell).
    const double projections = dK * dModel * (nq + 2.0 * nk);
    const double perCell = 2.0 * dK + 8.0 * dA + 40.0;
    const double cells = static_cast<double>(nq) * nk;
    return heads * (projections + cells * perCell) + static_cast<double>(nq) * heads * dK * dModel;
}

} // namespace attnlab::core
