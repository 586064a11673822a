#include "core/efficient/tiled_attention.h"

#include "core/base/memory.h"
#include "core/efficient/kernel_support.h"
#include "core/efficient/pooling.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

namespace attnlab::core {
namespace {

using Column = Eigen::Array<float, Eigen::Dynamic, 1>;

void checkOptions(const TiledAttentionOptions& options) {
    for (auto [value, name] : {std::pair{options.blockSize, "key block size B"},
                               std::pair{options.queryBlockSize, "query block size"}})
        if (value < 1 || value > 65536)
            throw InputError(std::string("tiled attention: the ") + name +
                             " must be from 1 to 65536, not " + std::to_string(value));
}

// Scaled logits of one tile, with the cells the block's rows do not see at −∞.
void tileLogits(const Matrix& scaledQueries, const Eigen::Ref<const Matrix>& k,
                const kernels::RowBlockRuns& runs, int c0, int c1, kernels::TileCover cover,
                Matrix& logits) {
    logits.resize(scaledQueries.rows(), c1 - c0);
    logits.noalias() = scaledQueries * k.middleRows(c0, c1 - c0).transpose();
    if (cover == kernels::TileCover::Partial)
        runs.maskTile(logits, c0, c1);
}

// exp(logits − shift) row by row, in place; rows whose shift is −∞ (nothing visible yet) and
// cells that are not visible become exactly 0 (the vectorised exp leaves a denormal for −∞).
void exponentiate(Matrix& tile, const Column& shift, const kernels::RowBlockRuns& runs, int c0,
                  int c1, kernels::TileCover cover) {
    const Column finiteShift = (shift == kMinusInfinity).select(Column::Zero(shift.size()), shift);
    tile.array().colwise() -= finiteShift;
    tile.array() = tile.array().exp();
    for (Eigen::Index r = 0; r < tile.rows(); ++r)
        if (shift(r) == kMinusInfinity)
            tile.row(r).setZero();
    if (cover == kernels::TileCover::Partial)
        runs.zeroTile(tile, c0, c1);
}

struct Shape {
    int nq, nk, blockSize, queryBlockSize, blocks;
    float scale;
};

Shape shapeOf(const Eigen::Ref<const Matrix>& q, const Eigen::Ref<const Matrix>& k,
              const TiledAttentionOptions& options) {
    Shape s;
    s.nq = static_cast<int>(q.rows());
    s.nk = static_cast<int>(k.rows());
    s.blockSize = options.blockSize;
    s.queryBlockSize = options.queryBlockSize;
    s.blocks = (s.nq + s.queryBlockSize - 1) / s.queryBlockSize;
    s.scale = kernels::resolveScale(options.scale, q.cols());
    return s;
}

void checkStats(const TiledAttentionResult& stats, int nq) {
    if (stats.rowMax.size() != nq || stats.rowSum.size() != nq)
        throw InputError("tiled attention: the row statistics are for " +
                         std::to_string(stats.rowMax.size()) + " rows, not the " +
                         std::to_string(nq) + " queries given");
}

} // namespace

TiledAttentionResult tiledAttention(const Eigen::Ref<const Matrix>& q,
                                    const Eigen::Ref<const Matrix>& k,
                                    const Eigen::Ref<const Matrix>& v, const MaskPattern* mask,
                                    const TiledAttentionOptions& options,
                                    const ProgressCallback& progress) {
    kernels::checkInputs(q, k, &v, mask, "tiled attention");
    checkOptions(options);
    const Shape s = shapeOf(q, k, options);
    const Eigen::Index dV = v.cols();
    const kernels::KernelThreads threads;

    TiledAttentionResult result;
    result.context.resize(s.nq, dV);
    adviseHugePages(result.context);
    result.rowMax.resize(s.nq);
    result.rowSum.resize(s.nq);

    kernels::forEachBlock(s.blocks, threads.threads(), progress, [&](int b) {
        const int r0 = b * s.queryBlockSize, r1 = std::min(s.nq, r0 + s.queryBlockSize);
        const int rows = r1 - r0;
        kernels::RowBlockRuns runs;
        runs.load(mask, s.nk, r0, r1);
        const Matrix scaled = q.middleRows(r0, rows) * s.scale;
        Column m = Column::Constant(rows, kMinusInfinity);
        Column l = Column::Zero(rows);
        Matrix c = Matrix::Zero(rows, dV);
        Matrix tile;
        Column mNew(rows), alpha(rows);
        const KeyRun span = runs.span();
        for (int c0 = span.begin / s.blockSize * s.blockSize; c0 < span.end; c0 += s.blockSize) {
            const int c1 = std::min(s.nk, c0 + s.blockSize);
            const kernels::TileCover cover = runs.classify(c0, c1);
            if (cover == kernels::TileCover::Empty)
                continue;
            tileLogits(scaled, k, runs, c0, c1, cover, tile);
            mNew = m.max(tile.rowwise().maxCoeff().array());
            for (int r = 0; r < rows; ++r)
                alpha(r) = mNew(r) == kMinusInfinity ? 1.0f : std::exp(m(r) - mNew(r));
            exponentiate(tile, mNew, runs, c0, c1, cover);
            l = l * alpha + tile.rowwise().sum().array();
            c.array().colwise() *= alpha;
            c.noalias() += tile * v.middleRows(c0, c1 - c0);
            m = mNew;
        }
        for (int r = 0; r < rows; ++r)
            if (l(r) > 0.0f)
                c.row(r) /= l(r);
            else
                c.row(r).setZero();
        result.context.middleRows(r0, rows) = c;
        result.rowMax.segment(r0, rows) = m.matrix();
        result.rowSum.segment(r0, rows) = l.matrix();
    });
    for (int i = 0; i < s.nq; ++i)
        if (!(result.rowSum(i) > 0.0f))
            result.fullyMaskedRows.push_back(i);
    return result;
}

Matrix tiledWeightRows(const Eigen::Ref<const Matrix>& q, const Eigen::Ref<const Matrix>& k,
                       const TiledAttentionResult& stats, std::span<const int> rows,
                       const MaskPattern* mask, const TiledAttentionOptions& options) {
    kernels::checkInputs(q, k, nullptr, mask, "tiled attention weights");
    checkOptions(options);
    const Shape s = shapeOf(q, k, options);
    checkStats(stats, s.nq);
    for (int row : rows)
        if (row < 0 || row >= s.nq)
            throw InputError("tiled attention weights: row " + std::to_string(row) +
                             " is outside the " + std::to_string(s.nq) + " queries");
    const int count = static_cast<int>(rows.size());
    Matrix weights = Matrix::Zero(count, s.nk);
    const kernels::KernelThreads threads;
#pragma omp parallel num_threads(threads.threads())
    {
        std::vector<KeyRun> visible;
        RowVector scaled;
#pragma omp for schedule(dynamic, 16)
        for (int t = 0; t < count; ++t) {
            const int i = rows[static_cast<std::size_t>(t)];
            if (!(stats.rowSum(i) > 0.0f))
                continue;
            if (mask)
                mask->visibleRuns(i, visible);
            else
                visible.assign(1, KeyRun{0, s.nk});
            scaled = q.row(i) * s.scale;
            const float m = stats.rowMax(i), l = stats.rowSum(i);
            for (const KeyRun& run : visible) {
                auto out = weights.row(t).segment(run.begin, run.size());
                out.noalias() = scaled * k.middleRows(run.begin, run.size()).transpose();
                out.array() = (out.array() - m).exp() / l;
            }
        }
    }
    return weights;
}

Matrix tiledPooledWeights(const Eigen::Ref<const Matrix>& q, const Eigen::Ref<const Matrix>& k,
                          const TiledAttentionResult& stats, int pooledRows, int pooledCols,
                          const MaskPattern* mask, const TiledAttentionOptions& options,
                          const ProgressCallback& progress) {
    kernels::checkInputs(q, k, nullptr, mask, "tiled attention weights");
    checkOptions(options);
    const Shape s = shapeOf(q, k, options);
    checkStats(stats, s.nq);
    const PoolingGrid grid(s.nq, s.nk, pooledRows, pooledCols);
    // One image per thread, combined by maximum at the end (the same numbers in any order).
    const kernels::KernelThreads threads;
    std::vector<Matrix> images(static_cast<std::size_t>(threads.threads()));
    kernels::forEachBlock(s.blocks, threads.threads(), progress, [&](int b) {
        Matrix& image = images[static_cast<std::size_t>(kernels::threadIndex())];
        if (image.size() == 0)
            image = grid.emptyImage();
        const int r0 = b * s.queryBlockSize, r1 = std::min(s.nq, r0 + s.queryBlockSize);
        const int rows = r1 - r0;
        kernels::RowBlockRuns runs;
        runs.load(mask, s.nk, r0, r1);
        const Matrix scaled = q.middleRows(r0, rows) * s.scale;
        const Column m = stats.rowMax.segment(r0, rows).array();
        // 1/ℓ, or 0 for rows that see nothing (their tiles are zero anyway).
        const Column inverse =
            (stats.rowSum.segment(r0, rows).array() > 0.0f)
                .select(stats.rowSum.segment(r0, rows).array().inverse(), Column::Zero(rows));
        Matrix tile;
        const KeyRun span = runs.span();
        for (int c0 = span.begin / s.blockSize * s.blockSize; c0 < span.end; c0 += s.blockSize) {
            const int c1 = std::min(s.nk, c0 + s.blockSize);
            const kernels::TileCover cover = runs.classify(c0, c1);
            if (cover == kernels::TileCover::Empty)
                continue;
            tileLogits(scaled, k, runs, c0, c1, cover, tile);
            exponentiate(tile, m, runs, c0, c1, cover);
            tile.array().colwise() *= inverse;
            grid.poolBlock(image, tile, r0, c0);
        }
    });
    Matrix pooled = grid.emptyImage();
    for (const Matrix& image : images)
        if (image.size() > 0)
            maxInto(pooled, image);
    return pooled;
}

} // namespace attnlab::core
