#include "core/model/attention.h"

#include "core/attention/mask.h"
#include "core/attention/normalizer.h"
#include "core/attention/positional.h"
#include "core/attention/scoring.h"
#include "core/base/random.h"
#include "core/embeddings/embeddings.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <exception>
#include <limits>
#include <set>
#include <string>

#include <unistd.h>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace attnlab::core {
namespace {

constexpr int kMaxHeads = 16;
constexpr int kMaxWidth = 4096;
constexpr float kMinTemperature = 1e-6f;
constexpr float kMaxTemperature = 1e6f;
constexpr const char* kPadToken = "[PAD]";

std::string str(int value) {
    return std::to_string(value);
}

void requireRange(int value, int low, int high, const std::string& what) {
    if (value < low || value > high)
        throw InputError(what + " must be between " + str(low) + " and " + str(high) + ", not " +
                         str(value));
}

// One sentence turned into tokens and rows of X.
struct Side {
    std::vector<TokenInfo> tokens;
    Matrix x;
};

std::vector<TokenInfo> tokenInfos(const std::vector<Token>& tokens) {
    std::vector<TokenInfo> infos;
    infos.reserve(tokens.size());
    for (const Token& token : tokens)
        infos.push_back({token.text, token.begin, token.end, false, false});
    return infos;
}

Side embedSide(const std::string& text, const char* what, const Config& config,
               const EmbeddingTable* table, const Matrix* manual) {
    Side side;
    side.tokens = tokenInfos(tokenize(text, config.tokenizer));
    if (side.tokens.empty())
        throw InputError(std::string("the ") + what + " has no tokens; type at least one word");
    if (manual) {
        if (manual->rows() != static_cast<Eigen::Index>(side.tokens.size()))
            throw InputError(std::string("the manual embeddings of the ") + what + " have " +
                             str(static_cast<int>(manual->rows())) + " rows but it has " +
                             str(static_cast<int>(side.tokens.size())) + " tokens");
        side.x = *manual;
        return side;
    }
    std::vector<std::string> texts;
    for (const TokenInfo& token : side.tokens)
        texts.push_back(token.text);
    std::vector<bool> unknown;
    side.x = embedTokens(texts, *table, unknown);
    for (std::size_t i = 0; i < unknown.size(); ++i)
        side.tokens[i].unknown = unknown[i];
    return side;
}

void appendPadding(Side& side, int length) {
    const int n = static_cast<int>(side.tokens.size());
    if (length < n)
        throw InputError("padding length " + str(length) + " is shorter than the sentence (" +
                         str(n) + " tokens); choose at least " + str(n));
    Matrix padded = Matrix::Zero(length, side.x.cols()); // [PAD] embeds as the zero vector
    padded.topRows(n) = side.x;
    side.x = std::move(padded);
    for (int i = n; i < length; ++i)
        side.tokens.push_back({kPadToken, 0, 0, false, true});
}

// Head h of the identity projection reads embedding dimensions [h·d_k, (h+1)·d_k), wrapping
// around d_model when an explicit d_k makes H·d_k larger than d_model.
Matrix identitySlice(int dModel, int dK, int head) {
    Matrix w = Matrix::Zero(dModel, dK);
    for (int c = 0; c < dK; ++c)
        w((head * dK + c) % dModel, c) = 1.0f;
    return w;
}

Matrix projection(const Config& config, int dModel, int dK, int head, const char* label,
                  const std::vector<Matrix>& manual) {
    switch (config.projection) {
    case ProjectionInit::Identity:
        return identitySlice(dModel, dK, head);
    case ProjectionInit::Random: {
        Random rng(deriveSeed(config.seed, label, head));
        return rng.normalMatrix(dModel, dK, 1.0 / std::sqrt(static_cast<double>(dModel)));
    }
    case ProjectionInit::Manual: {
        if (static_cast<int>(manual.size()) <= head)
            throw InputError(std::string("manual projection: no ") + label + " matrix for head " +
                             str(head + 1));
        const Matrix& w = manual[static_cast<std::size_t>(head)];
        if (w.rows() != dModel || w.cols() != dK)
            throw InputError(std::string("manual projection: ") + label + " of head " +
                             str(head + 1) + " is " + str(static_cast<int>(w.rows())) + " × " +
                             str(static_cast<int>(w.cols())) + ", expected " + str(dModel) + " × " +
                             str(dK));
        return w;
    }
    }
    return identitySlice(dModel, dK, head);
}

Matrix outputProjection(const Config& config, int dModel, int concatWidth) {
    if (config.projection == ProjectionInit::Manual && config.manual.wo) {
        const Matrix& wo = *config.manual.wo;
        if (wo.rows() != concatWidth || wo.cols() != dModel)
            throw InputError("manual projection: W_o is " + str(static_cast<int>(wo.rows())) +
                             " × " + str(static_cast<int>(wo.cols())) + ", expected " +
                             str(concatWidth) + " × " + str(dModel));
        return wo;
    }
    if (config.projection == ProjectionInit::Random) {
        Random rng(deriveSeed(config.seed, "w_o", 0));
        return rng.normalMatrix(concatWidth, dModel,
                                1.0 / std::sqrt(static_cast<double>(concatWidth)));
    }
    // Identity: each head's context goes back to the dimensions its slice was read from.
    Matrix wo = Matrix::Zero(concatWidth, dModel);
    for (int r = 0; r < concatWidth; ++r)
        wo(r, r % dModel) = 1.0f;
    return wo;
}

// Rows of the n_q × n_k matrices are processed in blocks that stay in cache from the logits through
// the normaliser to the per-row statistics, so each big matrix is written once and read back
// from cache rather than streamed through memory once per step.
constexpr Eigen::Index kBlockBytes = 128 * 1024;
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

// Logits L = S / T (+ ALiBi bias −slope·|i − j|) of rows [begin, end), with overflow clamped to
// the largest float so that the normalisers never see +∞ or NaN; masked cells become −∞. The
// operations are those of the whole-matrix form (S / T, + bias, clamp, select), element by
// element, so the numbers are identical.
void maskedLogitRows(const Matrix& scores, float temperature, const float* slope,
                     const BoolMatrix& allowed, bool anyMasked, Eigen::Index begin,
                     Eigen::Index end, Matrix& logits) {
    constexpr float kLargest = std::numeric_limits<float>::max();
    constexpr float kMinusInfinity = -std::numeric_limits<float>::infinity();
    const Eigen::Index nk = scores.cols();
    Eigen::Array<float, 1, Eigen::Dynamic> keyPositions;
    if (slope)
        keyPositions.setLinSpaced(nk, 0.0f, static_cast<float>(nk - 1));
    for (Eigen::Index i = begin; i < end; ++i) {
        auto out = logits.row(i).array();
        out = scores.row(i).array() / temperature;
        if (slope) // |i − j| is an exact small integer in float, as in alibiBias()
            out += -*slope * (keyPositions - static_cast<float>(i)).abs();
        out = out.max(-kLargest).min(kLargest);
        if (anyMasked)
            out = allowed.row(i).select(out, kMinusInfinity);
    }
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

// The n_q × n_k matrices (scores, logits and weights per head, mean and max, the mask) must fit
// in memory: a pasted book with a raised token limit would otherwise be killed by the system.
// The budget is half of the computer's memory.
void requireMemory(int nq, int nk, int heads) {
    const double cells = static_cast<double>(nq) * nk;
    const double bytes = cells * (sizeof(float) * (3.0 * heads + 2.0) + 1.0);
    const long pages = sysconf(_SC_PHYS_PAGES);
    const long pageSize = sysconf(_SC_PAGE_SIZE);
    const double physical = pages > 0 && pageSize > 0 ? static_cast<double>(pages) * pageSize : 4e9;
    if (bytes <= physical / 2)
        return;
    const auto gigabytes = [](double value) {
        char text[32];
        std::snprintf(text, sizeof text, "%.1f GB", value / 1e9);
        return std::string(text);
    };
    throw InputError(str(nq) + " × " + str(nk) + " tokens with " + str(heads) +
                     (heads == 1 ? " head" : " heads") + " need about " + gigabytes(bytes) +
                     " of memory, more than half of this computer's " + gigabytes(physical) +
                     "; shorten the text, lower the token limit or use fewer heads");
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
int resolveDK(const Config& config, int dModel) {
    if (config.dK != 0)
        return config.dK;
    if (dModel % config.heads != 0)
        throw InputError("d_model (" + str(dModel) + ") is not divisible by the number of heads (" +
                         str(config.heads) + "); choose a head count that divides it or set d_k");
    return dModel / config.heads;
}

} // namespace

void validateSettings(const Config& config) {
    requireRange(config.heads, 1, kMaxHeads, "the number of heads");
    if (config.embeddings == EmbeddingSource::Builtin)
        requireRange(config.dModel, 2, kMaxWidth, "d_model");
    if (config.dK != 0)
        requireRange(config.dK, 1, kMaxWidth, "d_k");
    if (config.additiveDim != 0)
        requireRange(config.additiveDim, 1, kMaxWidth, "the additive width d_a");
    if (!std::isfinite(config.temperature) || config.temperature < kMinTemperature ||
        config.temperature > kMaxTemperature)
        throw InputError("the temperature must be a number from 1e-6 to 1e6, not " +
                         std::to_string(config.temperature));
    if (!std::isfinite(config.cosineScale))
        throw InputError("the cosine scale must be a finite number");
    if (config.tokenizer.maxTokens < 1)
        throw InputError("the token limit must be at least 1");
    if (config.mask.kind == MaskKind::Padding && config.mask.padLength < 1)
        throw InputError("the padding length must be at least 1");
    if (config.mask.kind == MaskKind::Padding && config.mask.padLength > config.tokenizer.maxTokens)
        throw InputError("the padding length " + str(config.mask.padLength) +
                         " is above the token limit " + str(config.tokenizer.maxTokens));
    if (config.mask.kind == MaskKind::Window && config.mask.window < 0)
        throw InputError("the window width must be 0 or more, not " + str(config.mask.window));
    if (config.mask.kind == MaskKind::Causal && !config.source.empty())
        throw InputError("the causal mask applies to self-attention only; remove the source "
                         "sentence or choose another mask");
}

void validate(const Config& config) {
    validateSettings(config);
    if (config.embeddings == EmbeddingSource::File && !config.table)
        throw InputError("no embeddings file is loaded");
    if (config.embeddings == EmbeddingSource::Manual && config.manualQueryEmbeddings.size() == 0)
        throw InputError("manual embeddings are selected but no matrix was given");
    if (config.embeddings == EmbeddingSource::Manual && !config.source.empty() &&
        config.manualKeyEmbeddings.cols() != config.manualQueryEmbeddings.cols())
        throw InputError("the manual embeddings of the source sentence must have as many columns "
                         "as those of the query sentence");
    // NaN or ∞ typed by hand would reach every weight; say where it is instead.
    if (config.embeddings == EmbeddingSource::Manual &&
        (!config.manualQueryEmbeddings.allFinite() || !config.manualKeyEmbeddings.allFinite()))
        throw InputError("the manual embeddings hold a value that is not a finite number (NaN or "
                         "infinity); replace it with a number");
    if (config.projection == ProjectionInit::Manual) {
        bool finite = !config.manual.wo || config.manual.wo->allFinite();
        for (const auto* matrices : {&config.manual.wq, &config.manual.wk, &config.manual.wv})
            for (const Matrix& w : *matrices)
                finite = finite && w.allFinite();
        if (!finite)
            throw InputError("a manual projection matrix holds a value that is not a finite "
                             "number (NaN or infinity); replace it with a number");
    }
    resolveDK(config, embeddingWidth(config));
}

Result compute(const Config& config, const ProgressCallback& progress) {
    validate(config);
    Result result;
    result.config = config;
    result.cross = !config.source.empty();
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
    Side key = result.cross ? embedSide(config.source, "source sentence", config, table.get(),
                                        manual ? &config.manualKeyEmbeddings : nullptr)
                            : query;
    const int dModel = static_cast<int>(query.x.cols());
    if (config.embeddings == EmbeddingSource::File && config.dModel != dModel)
        result.warnings.push_back("d_model is " + str(dModel) +
                                  ", the width of the embeddings file");
    result.config.dModel = dModel;

    if (config.mask.kind == MaskKind::Padding) {
        appendPadding(key, config.mask.padLength);
        if (!result.cross)
            query = key;
    }
    const int nq = static_cast<int>(query.tokens.size());
    const int nk = static_cast<int>(key.tokens.size());
    requireMemory(nq, nk, config.heads);

    if (config.positional == PositionalEncoding::Sinusoidal) {
        query.x += sinusoidalEncoding(nq, dModel);
        key.x += sinusoidalEncoding(nk, dModel);
    }

    // 2. Shapes.
    const int dK = resolveDK(config, dModel);
    const int dA = config.scoring == ScoringFunction::Additive
                       ? (config.additiveDim > 0 ? config.additiveDim : dK)
                       : 0;
    result.dK = dK;
    result.dA = dA;
    result.config.dK = dK;
    result.config.additiveDim = dA;

    std::vector<bool> keyIsPadding;
    for (const TokenInfo& token : key.tokens)
        keyIsPadding.push_back(token.padding);
    result.allowed = buildMask(config.mask, nq, nk, result.cross, keyIsPadding);
    for (int i = 0; i < nq; ++i)
        if (!result.allowed.row(i).any())
            result.fullyMaskedRows.push_back(i);
    step(1);
    const double flops = estimatedFlops(nq, nk, dModel, dK, dA, config.heads);
    const SerialScope serialScope(flops < kParallelFlops ||
                                  (config.heads == 1 && flops < kEigenParallelFlops));

    // 3. Heads. They are independent, so they run in parallel (OpenMP) when there are several,
    // handed out one at a time (and blocks of rows a few at a time) so that a thread that gets
    // less of the machine, which is shared with other programs, does less of the work;
    // each writes only its own HeadResult and its own columns of the concatenated context, so the
    // numbers do not depend on the thread count. Errors and cancellation are collected and raised
    // after the loop, on the calling thread, as the serial loop would: the first failing head
    // (by index) decides the exception.
    const std::vector<float> slopes = alibiSlopes(config.heads);
    std::vector<char> fullyMasked(static_cast<std::size_t>(nq), 0);
    for (int row : result.fullyMaskedRows)
        fullyMasked[static_cast<std::size_t>(row)] = 1;
    const bool anyMasked = !result.allowed.all();
    Matrix concatenated(nq, config.heads * dK);
    result.heads.resize(static_cast<std::size_t>(config.heads));
    std::vector<std::vector<int>> flaggedPerHead(static_cast<std::size_t>(config.heads));
    std::vector<std::exception_ptr> errors(static_cast<std::size_t>(config.heads));
    std::atomic<bool> stop{false};
    std::atomic<int> headsDone{0};
    const Eigen::Index blockRows = rowsPerBlock(nk);

    auto runHead = [&](int h) {
        HeadResult& head = result.heads[static_cast<std::size_t>(h)];
        head.wq = projection(config, dModel, dK, h, "w_q", config.manual.wq);
        head.wk = projection(config, dModel, dK, h, "w_k", config.manual.wk);
        head.wv = projection(config, dModel, dK, h, "w_v", config.manual.wv);
        head.q.noalias() = query.x * head.wq;
        head.k.noalias() = key.x * head.wk;
        head.v.noalias() = key.x * head.wv;
        if (config.positional == PositionalEncoding::Rope) {
            applyRope(head.q);
            applyRope(head.k);
        }
        head.params =
            makeScoringParams(config.scoring, dK, dA, config.projection == ProjectionInit::Random,
                              config.cosineScale, config.seed, h);
        head.scores = computeScores(config.scoring, head.q, head.k, head.params);
        // Scores beyond the float range (embeddings or weights of 1e20 and more) turn into
        // ∞ − ∞ = NaN further on. Entries of q and k up to 1e14 cannot get there (|q·k| ≤ d_k ·
        // 1e28), so the scores are only scanned for inputs that large.
        constexpr float kSafeEntry = 1e14f;
        if (!(head.q.cwiseAbs().maxCoeff() <= kSafeEntry &&
              head.k.cwiseAbs().maxCoeff() <= kSafeEntry) &&
            !head.scores.allFinite())
            throw InputError("the scores of head " + str(h + 1) +
                             " are too large for 32-bit floats: the embeddings or projections "
                             "hold values around 1e20 or more; scale them down");
        if (stop.load(std::memory_order_relaxed))
            return;

        const float* slope = config.positional == PositionalEncoding::Alibi
                                 ? &slopes[static_cast<std::size_t>(h)]
                                 : nullptr;
        head.logits.resize(nq, nk);
        head.weights.resize(nq, nk);
        head.entropy.resize(nq);
        head.argmax.assign(static_cast<std::size_t>(nq), -1);
        // With one head the heads loop is serial, so the blocks of rows share the cores instead.
        const Eigen::Index blocks = (nq + blockRows - 1) / blockRows;
        std::vector<std::vector<int>> flaggedPerBlock(static_cast<std::size_t>(blocks));
        [[maybe_unused]] const bool parallelBlocks =
            !inParallelRegion() && static_cast<double>(nq) * nk >= kParallelCells;
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 4) if (parallelBlocks)
#endif
        for (Eigen::Index block = 0; block < blocks; ++block) {
            const Eigen::Index begin = block * blockRows;
            const Eigen::Index end = std::min<Eigen::Index>(nq, begin + blockRows);
            const Eigen::Index rows = end - begin;
            maskedLogitRows(head.scores, config.temperature, slope, result.allowed, anyMasked,
                            begin, end, head.logits);
            normalizeRowsInto(config.normalizer, head.logits.middleRows(begin, rows),
                              head.weights.middleRows(begin, rows),
                              flaggedPerBlock[static_cast<std::size_t>(block)],
                              static_cast<int>(begin));
            head.entropy.segment(begin, rows) = rowEntropy(head.weights.middleRows(begin, rows));
            rowArgmax(head.weights, fullyMasked, begin, end, head.argmax);
        }
        std::vector<int>& flagged = flaggedPerHead[static_cast<std::size_t>(h)];
        for (const std::vector<int>& rows : flaggedPerBlock)
            flagged.insert(flagged.end(), rows.begin(), rows.end());
        head.context.noalias() = head.weights * head.v;
        concatenated.middleCols(h * dK, dK) = head.context;
    };

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
    result.meanWeights.resize(nq, nk);
    result.maxWeights.resize(nq, nk);
    const Eigen::Index blocks = (nq + blockRows - 1) / blockRows;
    [[maybe_unused]] const bool parallelBlocks =
        static_cast<double>(nq) * nk * config.heads >= kParallelCells;
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 4) if (parallelBlocks)
#endif
    for (Eigen::Index block = 0; block < blocks; ++block) {
        const Eigen::Index begin = block * blockRows;
        const Eigen::Index rows = std::min<Eigen::Index>(nq, begin + blockRows) - begin;
        auto mean = result.meanWeights.middleRows(begin, rows);
        auto max = result.maxWeights.middleRows(begin, rows);
        mean.setZero();
        max = result.heads.front().weights.middleRows(begin, rows);
        for (const HeadResult& head : result.heads) {
            mean += head.weights.middleRows(begin, rows);
            max = max.cwiseMax(head.weights.middleRows(begin, rows));
        }
        mean /= static_cast<float>(config.heads);
    }
    result.wo = outputProjection(config, dModel, config.heads * dK);
    result.output.noalias() = concatenated * result.wo;

    for (int row : result.fullyMaskedRows)
        degenerate.erase(row);
    result.degenerateRows.assign(degenerate.begin(), degenerate.end());

    int unknownCount = 0;
    for (const auto* side : {&query.tokens, &key.tokens})
        for (const TokenInfo& token : *side)
            unknownCount += token.unknown ? 1 : 0;
    if (!result.cross)
        unknownCount /= 2;
    if (unknownCount > 0 && config.embeddings != EmbeddingSource::Manual)
        result.warnings.push_back(str(unknownCount) +
                                  (unknownCount == 1 ? " token is" : " tokens are") +
                                  " not in the embeddings and got a hashed stand-in vector");
    if (!result.fullyMaskedRows.empty())
        result.warnings.push_back(str(static_cast<int>(result.fullyMaskedRows.size())) +
                                  " query rows have every key masked; their weights are all zero");

    result.queryTokens = std::move(query.tokens);
    result.keyTokens = std::move(key.tokens);
    result.queryInputs = std::move(query.x);
    result.keyInputs = std::move(key.x);
    step(totalSteps);
    return result;
}

} // namespace attnlab::core
