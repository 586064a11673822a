#include "core/efficient/dense_attention.h"

#include "core/attention/normalizer.h"
#include "core/base/memory.h"
#include "core/efficient/kernel_support.h"

#include <algorithm>

namespace attnlab::core {

DenseAttentionResult denseAttention(const Eigen::Ref<const Matrix>& q,
                                    const Eigen::Ref<const Matrix>& k,
                                    const Eigen::Ref<const Matrix>& v, const MaskPattern* mask,
                                    const DenseAttentionOptions& options) {
    kernels::checkInputs(q, k, &v, mask, "dense attention");
    const int nq = static_cast<int>(q.rows());
    const int nk = static_cast<int>(k.rows());
    const float scale = kernels::resolveScale(options.scale, q.cols());

    DenseAttentionResult result;
    if (nk == 0) {
        // No key at all: every row is fully masked (and a row maximum of nothing is undefined).
        result.weights.resize(nq, 0);
        result.context = Matrix::Zero(nq, v.cols());
        for (int i = 0; i < nq; ++i)
            result.fullyMaskedRows.push_back(i);
        return result;
    }
    // Logits and then weights share one matrix, computed a block of rows at a time (each block
    // by one thread, so the numbers do not depend on the thread count); each block's logits are
    // copied out before they are normalised back in place, since the normalisers read the −∞ of
    // masked cells after writing.
    result.weights.resize(nq, nk);
    result.context.resize(nq, v.cols());
    adviseHugePages(result.weights);
    adviseHugePages(result.context);
    constexpr int kRows = 64;
    const int blocks = (nq + kRows - 1) / kRows;
    std::vector<std::vector<int>> masked(static_cast<std::size_t>(blocks));
    std::vector<std::vector<int>> flagged(static_cast<std::size_t>(blocks));
    const kernels::KernelThreads threads;
    std::vector<Matrix> scratch(static_cast<std::size_t>(threads.threads())); // one per thread
    kernels::forEachBlock(blocks, threads.threads(), {}, [&](int b) {
        const int r0 = b * kRows, r1 = std::min(nq, r0 + kRows);
        auto rows = result.weights.middleRows(r0, r1 - r0);
        rows.noalias() = (q.middleRows(r0, r1 - r0) * scale) * k.transpose();
        kernels::RowBlockRuns runs;
        runs.load(mask, nk, r0, r1);
        runs.maskTile(rows, 0, nk);
        for (int r = 0; r < r1 - r0; ++r)
            if (runs.rowEmpty(r))
                masked[static_cast<std::size_t>(b)].push_back(r0 + r);
        Matrix& logits = scratch[static_cast<std::size_t>(kernels::threadIndex())];
        logits = rows;
        normalizeRowsInto(options.normalizer, logits, rows, flagged[static_cast<std::size_t>(b)],
                          r0);
        result.context.middleRows(r0, r1 - r0).noalias() = rows * v;
    });
    for (int b = 0; b < blocks; ++b) {
        const auto& m = masked[static_cast<std::size_t>(b)];
        result.fullyMaskedRows.insert(result.fullyMaskedRows.end(), m.begin(), m.end());
        for (int row : flagged[static_cast<std::size_t>(b)])
            if (!std::binary_search(m.begin(), m.end(), row))
                result.degenerateRows.push_back(row);
    }
    return result;
}

} // namespace attnlab::core
