#include "core/training/attention_block.h"

#include "core/attention/normalizer.h"
#include "core/attention/normalizer_backward.h"
#include "core/attention/scoring.h"
#include "core/attention/scoring_backward.h"

#include <cmath>
#include <limits>

namespace attnlab::core::training {
namespace {

// Below this many multiply-adds per block the threads cost more than they save. Going parallel
// never changes a number: each (example, head) pair writes only its own cells, and parameter
// gradients are added up afterwards in pair order.
constexpr double kParallelWork = 2.0e6;

bool parallelWorth(const AttentionLayout& layout, int heads, int dK) {
    const double work = static_cast<double>(layout.batch) * heads * layout.queryLength *
                        layout.keyLength * (dK + 4);
    return work >= kParallelWork && layout.batch * heads > 1;
}

// L = S / T + ALiBi bias, masked cells −∞.
void finishLogits(Matrix& logits, const AttentionLayout& layout, int example, int head,
                  float temperature) {
    if (temperature != 1.0f)
        logits /= temperature;
    const float slope =
        layout.alibiSlopes ? (*layout.alibiSlopes)[static_cast<std::size_t>(head)] : 0.0f;
    const int keyLimit = layout.keyLengths ? (*layout.keyLengths)[static_cast<std::size_t>(example)]
                                           : layout.keyLength;
    for (int i = 0; i < layout.queryLength; ++i)
        for (int j = 0; j < layout.keyLength; ++j) {
            const int distance = std::abs(i - j);
            const bool masked = j >= keyLimit || (layout.causal && j > i) ||
                                (layout.window > 0 && distance > layout.window);
            if (masked)
                logits(i, j) = kMinusInfinity;
            else if (layout.alibiSlopes)
                logits(i, j) -= slope * static_cast<float>(distance);
        }
}

// Runs body(pair) for every (example, head) pair, pair = example · heads + head. Without a check,
// one loop over every pair (in parallel when worth it); with one, head by head, each head's
// examples in parallel, then the check, outside the parallel region so that it may throw. Each
// pair writes only its own cells, so neither the order nor the threads change a number.
template <typename Body>
void forEachPair(const AttentionLayout& layout, int heads, bool parallel, const BlockCheck& check,
                 const Body& body) {
    if (!check) {
        const int pairs = layout.batch * heads;
#pragma omp parallel for schedule(static) if (parallel)
        for (int pair = 0; pair < pairs; ++pair)
            body(pair);
        return;
    }
    for (int h = 0; h < heads; ++h) {
#pragma omp parallel for schedule(static) if (parallel && layout.batch > 1)
        for (int b = 0; b < layout.batch; ++b)
            body(b * heads + h);
        check();
    }
}

void addScoringGradients(ScoringParams& total, const ScoringParams& part) {
    if (part.wa.size() > 0)
        total.wa += part.wa;
    if (part.w1.size() > 0) {
        total.w1 += part.w1;
        total.w2 += part.w2;
        total.v += part.v;
    }
}

} // namespace

Matrix attentionForward(const ModelConfig& config, const AttentionParams& p,
                        const Eigen::Ref<const Matrix>& xq, const Eigen::Ref<const Matrix>& xkv,
                        const AttentionLayout& layout, AttentionCache& cache,
                        const BlockCheck& check) {
    const int heads = config.heads;
    const int dK = config.dK();
    cache.q = multiply(xq, p.wq);
    cache.k = multiply(xkv, p.wk);
    cache.v = multiply(xkv, p.wv);
    if (layout.rope) {
        applyRopeRows(cache.q, *layout.rope, layout.queryLength, heads, dK, false);
        applyRopeRows(cache.k, *layout.rope, layout.keyLength, heads, dK, false);
    }
    if (check)
        check();
    const int pairs = layout.batch * heads;
    cache.logits.resize(static_cast<std::size_t>(pairs));
    cache.weights.resize(static_cast<std::size_t>(pairs));
    cache.context.resize(xq.rows(), static_cast<Eigen::Index>(heads) * dK);
    const int nq = layout.queryLength;
    const int nk = layout.keyLength;
    forEachPair(layout, heads, parallelWorth(layout, heads, dK), check, [&](int pair) {
        const int b = pair / heads;
        const int h = pair % heads;
        const Eigen::Index qRow = static_cast<Eigen::Index>(b) * nq;
        const Eigen::Index kRow = static_cast<Eigen::Index>(b) * nk;
        const Eigen::Index col = static_cast<Eigen::Index>(h) * dK;
        const auto q = cache.q.block(qRow, col, nq, dK);
        const auto k = cache.k.block(kRow, col, nk, dK);
        const auto v = cache.v.block(kRow, col, nk, dK);
        const HeadChange* change = layout.changes && !layout.changes->empty()
                                       ? &(*layout.changes)[static_cast<std::size_t>(h)]
                                       : nullptr;
        Matrix& logits = cache.logits[static_cast<std::size_t>(pair)];
        logits = computeScores(config.scoring, q, k, p.scoring[static_cast<std::size_t>(h)]);
        finishLogits(logits, layout, b, h,
                     change ? config.temperature * change->temperature : config.temperature);
        if (change && change->allowed.size() > 0)
            for (int i = 0; i < nq; ++i)
                for (int j = 0; j < nk; ++j)
                    if (!change->allowed(i, j))
                        logits(i, j) = kMinusInfinity;
        std::vector<int> flagged;
        const Normalizer normalizer =
            change && change->normalizer ? *change->normalizer : config.normalizer;
        cache.weights[static_cast<std::size_t>(pair)] = normalizeRows(normalizer, logits, flagged);
        if (change && change->ablate)
            cache.context.block(qRow, col, nq, dK).setZero();
        else
            cache.context.block(qRow, col, nq, dK).noalias() =
                cache.weights[static_cast<std::size_t>(pair)] * v;
    });
    return multiply(cache.context, p.wo);
}

void attentionBackward(const ModelConfig& config, const AttentionParams& p,
                       const Eigen::Ref<const Matrix>& xq, const Eigen::Ref<const Matrix>& xkv,
                       const AttentionLayout& layout, const AttentionCache& cache,
                       const Eigen::Ref<const Matrix>& dOut, AttentionParams& grads, Matrix& dXq,
                       Matrix& dXkv, const BlockCheck& check) {
    const int heads = config.heads;
    const int dK = config.dK();
    const int nq = layout.queryLength;
    const int nk = layout.keyLength;
    multiplyInto(grads.wo, cache.context.transpose(), dOut, true);
    const Matrix dContext = multiply(dOut, p.wo.transpose());
    Matrix dQ(cache.q.rows(), cache.q.cols());
    Matrix dK_(cache.k.rows(), cache.k.cols());
    Matrix dV(cache.v.rows(), cache.v.cols());
    if (check)
        check();
    const int pairs = layout.batch * heads;
    std::vector<ScoringParams> scoringGrads(static_cast<std::size_t>(pairs));
    const float inverseTemperature = 1.0f / config.temperature;
    forEachPair(layout, heads, parallelWorth(layout, heads, dK), check, [&](int pair) {
        const int b = pair / heads;
        const int h = pair % heads;
        const std::size_t index = static_cast<std::size_t>(pair);
        const Eigen::Index qRow = static_cast<Eigen::Index>(b) * nq;
        const Eigen::Index kRow = static_cast<Eigen::Index>(b) * nk;
        const Eigen::Index col = static_cast<Eigen::Index>(h) * dK;
        const Matrix& weights = cache.weights[index];
        const auto dC = dContext.block(qRow, col, nq, dK);
        const auto v = cache.v.block(kRow, col, nk, dK);
        Matrix dWeights;
        dWeights.noalias() = dC * v.transpose();
        dV.block(kRow, col, nk, dK).noalias() = weights.transpose() * dC;
        Matrix dScores =
            normalizerBackward(config.normalizer, cache.logits[index], weights, dWeights);
        if (config.temperature != 1.0f)
            dScores *= inverseTemperature;
        ScoringGradients g = scoringBackward(config.scoring, cache.q.block(qRow, col, nq, dK),
                                             cache.k.block(kRow, col, nk, dK),
                                             p.scoring[static_cast<std::size_t>(h)], dScores);
        dQ.block(qRow, col, nq, dK) = g.dq;
        dK_.block(kRow, col, nk, dK) = g.dk;
        scoringGrads[index] = std::move(g.dparams);
    });
    for (int pair = 0; pair < pairs; ++pair)
        addScoringGradients(grads.scoring[static_cast<std::size_t>(pair % heads)],
                            scoringGrads[static_cast<std::size_t>(pair)]);
    if (layout.rope) {
        applyRopeRows(dQ, *layout.rope, nq, heads, dK, true);
        applyRopeRows(dK_, *layout.rope, nk, heads, dK, true);
    }
    multiplyInto(grads.wq, xq.transpose(), dQ, true);
    multiplyInto(grads.wk, xkv.transpose(), dK_, true);
    multiplyInto(grads.wv, xkv.transpose(), dV, true);
    if (check)
        check();
    dXq = multiply(dQ, p.wq.transpose());
    dXkv.resize(xkv.rows(), xkv.cols());
    multiplyInto(dXkv, dK_, p.wk.transpose(), false);
    multiplyInto(dXkv, dV, p.wv.transpose(), true);
}

} // namespace attnlab::core::training
