#include "core/efficient/sparse_attention.h"

#include "core/attention/normalizer.h"
#include "core/base/memory.h"
#include "core/efficient/kernel_support.h"
#include "core/efficient/pooling.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace attnlab::core {
namespace {

constexpr int kRowsPerBlock = 256;
constexpr std::int64_t kMaxDenseCells = std::int64_t{1} << 26;

// Logits of row i over its visible runs, packed one run after another into `logits`.
void rowLogits(const RowVector& scaledQuery, const Eigen::Ref<const Matrix>& k,
               const std::vector<KeyRun>& runs, RowVector& logits) {
    Eigen::Index at = 0;
    for (const KeyRun& run : runs) {
        if (run.size() == 1)
            logits(at) = scaledQuery.dot(k.row(run.begin));
        else
            logits.segment(at, run.size()).noalias() =
                scaledQuery * k.middleRows(run.begin, run.size()).transpose();
        at += run.size();
    }
}

// Σ weights · v over the packed runs.
void rowContext(const RowVector& weights, const Eigen::Ref<const Matrix>& v,
                const std::vector<KeyRun>& runs, Eigen::Ref<RowVector> out) {
    out.setZero();
    Eigen::Index at = 0;
    for (const KeyRun& run : runs) {
        if (run.size() == 1)
            out += weights(at) * v.row(run.begin);
        else
            out.noalias() += weights.segment(at, run.size()) * v.middleRows(run.begin, run.size());
        at += run.size();
    }
}

} // namespace

Matrix SparseWeights::toDense() const {
    if (std::int64_t{rows} * cols > kMaxDenseCells)
        throw InputError("sparse weights: " + std::to_string(rows) + " × " + std::to_string(cols) +
                         " cells are too many to hold; draw a pooled image instead");
    Matrix dense = Matrix::Zero(rows, cols);
    for (int i = 0; i < rows; ++i)
        for (std::int64_t t = rowOffsets[static_cast<std::size_t>(i)];
             t < rowOffsets[static_cast<std::size_t>(i) + 1]; ++t)
            dense(i, keys[static_cast<std::size_t>(t)]) = values[static_cast<std::size_t>(t)];
    return dense;
}

Matrix SparseWeights::pooled(int pooledRows, int pooledCols) const {
    const PoolingGrid grid(rows, cols, pooledRows, pooledCols);
    Matrix image = grid.emptyImage();
    for (int i = 0; i < rows; ++i) {
        const auto begin = static_cast<std::size_t>(rowOffsets[static_cast<std::size_t>(i)]);
        const auto end = static_cast<std::size_t>(rowOffsets[static_cast<std::size_t>(i) + 1]);
        grid.poolSparseRow(image, i, keys.data() + begin, values.data() + begin, end - begin);
    }
    return image;
}

SparseAttentionResult sparseAttention(const Eigen::Ref<const Matrix>& q,
                                      const Eigen::Ref<const Matrix>& k,
                                      const Eigen::Ref<const Matrix>& v, const MaskPattern& mask,
                                      const SparseAttentionOptions& options,
                                      const ProgressCallback& progress) {
    kernels::checkInputs(q, k, &v, &mask, "sparse attention");
    const int nq = static_cast<int>(q.rows());
    const int nk = static_cast<int>(k.rows());
    const float scale = kernels::resolveScale(options.scale, q.cols());
    const int blocks = (nq + kRowsPerBlock - 1) / kRowsPerBlock;
    const kernels::KernelThreads threads;

    SparseAttentionResult result;
    result.context.resize(nq, v.cols());
    adviseHugePages(result.context);
    // Row offsets first (a pass over the runs), so that every row writes its own cells.
    std::vector<std::int64_t> offsets(static_cast<std::size_t>(nq) + 1, 0);
    kernels::forEachBlock(blocks, threads.threads(), {}, [&](int b) {
        std::vector<KeyRun> runs;
        for (int i = b * kRowsPerBlock; i < std::min(nq, (b + 1) * kRowsPerBlock); ++i) {
            mask.visibleRuns(i, runs);
            std::int64_t count = 0;
            for (const KeyRun& run : runs)
                count += run.size();
            offsets[static_cast<std::size_t>(i) + 1] = count;
        }
    });
    for (int i = 0; i < nq; ++i)
        offsets[static_cast<std::size_t>(i) + 1] += offsets[static_cast<std::size_t>(i)];
    result.visibleCells = offsets.back();
    if (options.keepWeights) {
        result.weights.rows = nq;
        result.weights.cols = nk;
        const auto cells = static_cast<std::size_t>(result.visibleCells);
        // Reserved, advised, then filled: resize() writes every cell.
        result.weights.keys.reserve(cells);
        result.weights.values.reserve(cells);
        adviseHugePages(result.weights.keys.data(), sizeof(int) * cells);
        adviseHugePages(result.weights.values.data(), sizeof(float) * cells);
        result.weights.keys.resize(cells);
        result.weights.values.resize(cells);
    }

    std::vector<std::vector<int>> masked(static_cast<std::size_t>(blocks));
    std::vector<std::vector<int>> flagged(static_cast<std::size_t>(blocks));
    kernels::forEachBlock(blocks, threads.threads(), progress, [&](int b) {
        std::vector<KeyRun> runs;
        RowVector scaled, logits, weights;
        Matrix logitRow, weightRow;
        for (int i = b * kRowsPerBlock; i < std::min(nq, (b + 1) * kRowsPerBlock); ++i) {
            const std::int64_t begin = offsets[static_cast<std::size_t>(i)];
            const Eigen::Index count = offsets[static_cast<std::size_t>(i) + 1] - begin;
            auto out = result.context.row(i);
            if (count == 0) {
                out.setZero();
                masked[static_cast<std::size_t>(b)].push_back(i);
                continue;
            }
            mask.visibleRuns(i, runs);
            scaled = q.row(i) * scale;
            logits.resize(count);
            rowLogits(scaled, k, runs, logits);
            if (options.normalizer == Normalizer::Softmax) {
                weights = (logits.array() - logits.maxCoeff()).exp();
                weights /= weights.sum();
            } else {
                // The program's normaliser on a 1 × count row of visible logits.
                logitRow = logits;
                weightRow.resize(1, count);
                std::vector<int>& rowFlags = flagged[static_cast<std::size_t>(b)];
                normalizeRowsInto(options.normalizer, logitRow, weightRow, rowFlags, i);
                weights = weightRow.row(0);
            }
            rowContext(weights, v, runs, out);
            if (options.keepWeights) {
                std::int64_t at = begin;
                for (const KeyRun& run : runs)
                    for (int j = run.begin; j < run.end; ++j)
                        result.weights.keys[static_cast<std::size_t>(at++)] = j;
                std::copy(weights.data(), weights.data() + count,
                          result.weights.values.begin() + begin);
            }
        }
    });
    if (options.keepWeights)
        result.weights.rowOffsets = std::move(offsets);
    for (int b = 0; b < blocks; ++b) {
        const auto& m = masked[static_cast<std::size_t>(b)];
        const auto& f = flagged[static_cast<std::size_t>(b)];
        result.fullyMaskedRows.insert(result.fullyMaskedRows.end(), m.begin(), m.end());
        result.degenerateRows.insert(result.degenerateRows.end(), f.begin(), f.end());
    }
    return result;
}

} // namespace attnlab::core
