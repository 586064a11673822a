#include "core/efficient/kernel_support.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace attnlab::core::kernels {

namespace {

// NaN or ±∞ anywhere makes the sum of x·0 NaN; a vectorised sum, unlike allFinite().
bool finite(const Eigen::Ref<const Matrix>& m) {
    return m.size() == 0 || (m.array() * 0.0f).sum() == 0.0f;
}

} // namespace

void checkInputs(const Eigen::Ref<const Matrix>& q, const Eigen::Ref<const Matrix>& k,
                 const Eigen::Ref<const Matrix>* v, const MaskPattern* mask, const char* what) {
    const std::string name(what);
    if (q.cols() < 1 || q.cols() != k.cols())
        throw InputError(name + ": queries and keys need the same width d_k ≥ 1, not " +
                         std::to_string(q.cols()) + " and " + std::to_string(k.cols()));
    if (v && ((*v).rows() != k.rows() || (*v).cols() < 1))
        throw InputError(name + ": the values need one row per key (" + std::to_string(k.rows()) +
                         ") and at least one column, not " + std::to_string((*v).rows()) + " × " +
                         std::to_string((*v).cols()));
    if (mask && (mask->queries() != q.rows() || mask->keys() != k.rows()))
        throw InputError(name + ": the mask is " + std::to_string(mask->queries()) + " × " +
                         std::to_string(mask->keys()) + " but the attention matrix is " +
                         std::to_string(q.rows()) + " × " + std::to_string(k.rows()));
    if (!finite(q) || !finite(k) || (v && !finite(*v)))
        throw InputError(name + ": the queries, keys or values hold a value that is not a finite "
                                "number (NaN or infinity)");
}

float resolveScale(float scale, Eigen::Index dK) {
    return scale > 0.0f ? scale : 1.0f / std::sqrt(static_cast<float>(dK));
}

void reportProgress(const ProgressCallback& progress, int done, int total) {
    if (progress && !progress(done, total))
        throw Cancelled();
}

KernelThreads::KernelThreads() {
#ifdef _OPENMP
    m_threads = omp_get_max_threads();
    omp_set_num_threads(1);
#endif
}

KernelThreads::~KernelThreads() {
#ifdef _OPENMP
    omp_set_num_threads(m_threads);
#endif
}

int threadIndex() {
#ifdef _OPENMP
    return omp_get_thread_num();
#else
    return 0;
#endif
}

void RowBlockRuns::load(const MaskPattern* mask, int nk, int r0, int r1) {
    m_r0 = r0;
    m_r1 = r1;
    m_nk = nk;
    m_runs.clear();
    m_offsets.assign(1, 0);
    m_everything = mask == nullptr || mask->spec().kind == MaskKind::None;
    if (m_everything) {
        m_span = nk > 0 && r1 > r0 ? KeyRun{0, nk} : KeyRun{0, 0};
        for (int i = r0; i < r1; ++i) {
            if (nk > 0)
                m_runs.push_back({0, nk});
            m_offsets.push_back(static_cast<int>(m_runs.size()));
        }
        return;
    }
    int lo = nk, hi = 0;
    for (int i = r0; i < r1; ++i) {
        mask->visibleRuns(i, m_scratch);
        if (!m_scratch.empty()) {
            lo = std::min(lo, m_scratch.front().begin);
            hi = std::max(hi, m_scratch.back().end);
        }
        m_runs.insert(m_runs.end(), m_scratch.begin(), m_scratch.end());
        m_offsets.push_back(static_cast<int>(m_runs.size()));
    }
    m_span = lo < hi ? KeyRun{lo, hi} : KeyRun{0, 0};
}

TileCover RowBlockRuns::classify(int c0, int c1) const {
    if (m_everything)
        return rows() > 0 && c0 < c1 ? TileCover::Full : TileCover::Empty;
    bool any = false, all = true;
    for (int r = 0; r < rows(); ++r) {
        const auto first = m_runs.begin() + m_offsets[r];
        const auto last = m_runs.begin() + m_offsets[r + 1];
        // The first run that ends after c0.
        const auto it = std::upper_bound(first, last, c0,
                                         [](int key, const KeyRun& run) { return key < run.end; });
        const bool meets = it != last && it->begin < c1;
        any = any || meets;
        all = all && meets && it->begin <= c0 && it->end >= c1;
        if (any && !all)
            return TileCover::Partial;
    }
    return all && any ? TileCover::Full : (any ? TileCover::Partial : TileCover::Empty);
}

void RowBlockRuns::fillHidden(Eigen::Ref<Matrix> cells, int c0, int c1, float value) const {
    for (int r = 0; r < rows(); ++r) {
        const auto first = m_runs.begin() + m_offsets[r];
        const auto last = m_runs.begin() + m_offsets[r + 1];
        auto it = std::upper_bound(first, last, c0,
                                   [](int key, const KeyRun& run) { return key < run.end; });
        int j = c0;
        for (; it != last && it->begin < c1; ++it) {
            if (it->begin > j)
                cells.row(r).segment(j - c0, it->begin - j).setConstant(value);
            j = std::max(j, it->end);
        }
        if (j < c1)
            cells.row(r).segment(j - c0, c1 - j).setConstant(value);
    }
}

// NOLINTBEGIN(performance-unnecessary-value-param): a writable Eigen::Ref is a view passed by
// value, as Eigen documents; the tile is written through the copy handed to fillHidden.
void RowBlockRuns::maskTile(Eigen::Ref<Matrix> logits, int c0, int c1) const {
    if (!m_everything)
        fillHidden(logits, c0, c1, -std::numeric_limits<float>::infinity());
}

void RowBlockRuns::zeroTile(Eigen::Ref<Matrix> values, int c0, int c1) const {
    if (!m_everything)
        fillHidden(values, c0, c1, 0.0f);
}
// NOLINTEND(performance-unnecessary-value-param)

} // namespace attnlab::core::kernels
