#pragma once
// Pieces the attention kernels of core/efficient share: input checks, the logit scale, and the
// visible keys of a block of query rows seen one key tile at a time.

#include "core/attention/mask.h"
#include "core/base/parallel_errors.h"
#include "core/base/types.h"

#include <atomic>
#include <cstddef>
#include <vector>

namespace attnlab::core::kernels {

/// Throws InputError unless Q is n_q × d_k, K is n_k × d_k and V is n_k × d_v with d_k, d_v ≥ 1,
/// every entry finite, and `mask` (when given) is n_q × n_k. `what` names the computation.
void checkInputs(const Eigen::Ref<const Matrix>& q, const Eigen::Ref<const Matrix>& k,
                 const Eigen::Ref<const Matrix>* v, const MaskPattern* mask, const char* what);

/// The logit scale: `scale` when positive, else 1/√d_k (scaled dot product).
float resolveScale(float scale, Eigen::Index dK);

/// Calls `progress(done, total)` and throws Cancelled when it returns false.
void reportProgress(const ProgressCallback& progress, int done, int total);

/// Fixes how the calling thread runs a kernel. Eigen splits a large product between threads
/// with blocking sizes that depend on the thread count, which changes the rounding, so inside a
/// kernel every product runs on one thread (this object sets the calling thread's OpenMP thread
/// count to 1 and restores it when destroyed) and the kernel's own parallel loops use
/// threads(), the count the caller had, over blocks of fixed size: the same numbers on any
/// machine.
class KernelThreads {
public:
    KernelThreads();
    ~KernelThreads();
    KernelThreads(const KernelThreads&) = delete;
    KernelThreads& operator=(const KernelThreads&) = delete;
    int threads() const { return m_threads; }

private:
    int m_threads = 1;
};

/// The calling thread's index in the innermost parallel region (0 outside one).
int threadIndex();

/// Runs `work(block)` for block = 0 … blocks − 1 on up to `threads` threads in one parallel
/// region, each thread taking the next block when it is free. Each block is computed by one
/// thread alone, so as long as blocks do not depend on each other the numbers do not depend on
/// the thread count. The calling thread reports progress after each block it finishes (and at
/// the start and end); when `progress` returns false the threads take no further block and
/// Cancelled is thrown after the region (an exception cannot leave it). One region, not one
/// per group of blocks: every region ends in a barrier, where on a machine shared with other
/// work a thread that lost its processor keeps the others waiting.
template <typename Work>
void forEachBlock(int blocks, int threads, const ProgressCallback& progress, Work&& work) {
    reportProgress(progress, 0, blocks);
    if (blocks <= 0)
        return;
    std::atomic<int> next{0}, done{0};
    std::atomic<bool> stop{false};
    ParallelErrors errors; // an allocation of `work` may fail (a long input near the limit)
    [[maybe_unused]] const int team = threads < blocks ? threads : blocks; // OpenMP only
#pragma omp parallel num_threads(team)
    {
        const bool caller = threadIndex() == 0;
        while (!stop.load(std::memory_order_relaxed) && !errors.failed()) {
            const int b = next.fetch_add(1);
            if (b >= blocks)
                break;
            errors.run([&] { work(b); });
            const int finished = done.fetch_add(1) + 1;
            if (caller && progress && !progress(finished, blocks))
                stop.store(true);
        }
    }
    errors.rethrow();
    if (stop.load())
        throw Cancelled();
    reportProgress(progress, blocks, blocks);
}

/// How a key tile meets the visible keys of a block of query rows.
enum class TileCover { Empty, Full, Partial };

/// The visible runs of the query rows [r0, r1) of a mask (all keys when there is no mask).
class RowBlockRuns {
public:
    /// `mask` may be null (every key visible); `nk` is the number of keys.
    void load(const MaskPattern* mask, int nk, int r0, int r1);
    int rows() const { return m_r1 - m_r0; }
    /// Smallest key and one past the largest visible key of any row of the block (0, 0 if none).
    KeyRun span() const { return m_span; }
    /// True when row r (0-based in the block) sees no key.
    bool rowEmpty(int r) const { return m_offsets[r] == m_offsets[r + 1]; }
    /// Whether the keys [c0, c1) are seen by no row, every row, or some.
    TileCover classify(int c0, int c1) const;
    /// Sets the cells of `logits` (the block's rows × keys [c0, c1)) that are not visible to −∞.
    void maskTile(Eigen::Ref<Matrix> logits, int c0, int c1) const;
    /// Sets the cells of `values` (as maskTile) that are not visible to 0.
    void zeroTile(Eigen::Ref<Matrix> values, int c0, int c1) const;

private:
    void fillHidden(Eigen::Ref<Matrix> cells, int c0, int c1, float value) const;
    int m_r0 = 0, m_r1 = 0;
    bool m_everything = true;
    int m_nk = 0;
    KeyRun m_span;
    std::vector<KeyRun> m_runs;    // the rows' runs one after another
    std::vector<int> m_offsets{0}; // row r's runs are m_runs[m_offsets[r], m_offsets[r + 1])
    std::vector<KeyRun> m_scratch;
};

} // namespace attnlab::core::kernels
