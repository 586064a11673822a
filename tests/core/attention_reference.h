#pragma once
// Straightforward reference implementations for the tests of core/efficient: loops over cells
// in double precision, written from the formulas of docs/attention-math.md and sharing no code with
// the kernels under test.

#include "core/base/random.h"
#include "core/base/types.h"

#include <Eigen/Core>

#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <vector>

namespace attnlab::testref {

using Dense = Eigen::MatrixXd;
using Visible = std::function<bool(int, int)>;

inline core::Matrix randomMatrix(int rows, int cols, std::uint64_t seed, double stddev = 1.0) {
    core::Random rng(seed);
    return rng.normalMatrix(rows, cols, stddev);
}

inline bool everything(int, int) {
    return true;
}

struct Attention {
    Dense weights;          // n_q × n_k, invisible cells 0
    Dense context;          // n_q × d_v
    std::vector<int> empty; // rows that see no key
};

/// softmax(scale · q·k over the visible keys) per row, and Σ_j a_ij v_j, by loops.
inline Attention maskedSoftmax(const core::Matrix& q, const core::Matrix& k, const core::Matrix& v,
                               const Visible& visible, double scale) {
    const int nq = static_cast<int>(q.rows()), nk = static_cast<int>(k.rows());
    Attention out;
    out.weights = Dense::Zero(nq, nk);
    out.context = Dense::Zero(nq, v.cols());
    for (int i = 0; i < nq; ++i) {
        std::vector<double> logits(static_cast<std::size_t>(nk),
                                   -std::numeric_limits<double>::infinity());
        double top = -std::numeric_limits<double>::infinity();
        for (int j = 0; j < nk; ++j) {
            if (!visible(i, j))
                continue;
            double dot = 0.0;
            for (int c = 0; c < q.cols(); ++c)
                dot += static_cast<double>(q(i, c)) * k(j, c);
            logits[static_cast<std::size_t>(j)] = scale * dot;
            top = std::max(top, scale * dot);
        }
        if (std::isinf(top)) {
            out.empty.push_back(i);
            continue;
        }
        double sum = 0.0;
        for (int j = 0; j < nk; ++j)
            if (visible(i, j))
                sum += std::exp(logits[static_cast<std::size_t>(j)] - top);
        for (int j = 0; j < nk; ++j) {
            if (!visible(i, j))
                continue;
            const double a = std::exp(logits[static_cast<std::size_t>(j)] - top) / sum;
            out.weights(i, j) = a;
            for (int c = 0; c < v.cols(); ++c)
                out.context(i, c) += a * v(j, c);
        }
    }
    return out;
}

/// Max-pooling by the rule stated in core/efficient/pooling.h, cell by cell: row i belongs to
/// pixel row ⌊i·r/n_q⌋, key j to pixel column ⌊j·c/n_k⌋, r and c clamped to n_q and n_k.
template <typename M> Dense maxPooled(const M& weights, int rows, int cols) {
    const long long nq = weights.rows(), nk = weights.cols();
    rows = static_cast<int>(std::max(1LL, std::min<long long>(rows, nq)));
    cols = static_cast<int>(std::max(1LL, std::min<long long>(cols, nk)));
    Dense image = Dense::Zero(rows, cols);
    for (long long i = 0; i < nq; ++i)
        for (long long j = 0; j < nk; ++j) {
            const auto p = static_cast<Eigen::Index>(i * rows / nq);
            const auto c = static_cast<Eigen::Index>(j * cols / nk);
            image(p, c) = std::max(image(p, c), static_cast<double>(weights(i, j)));
        }
    return image;
}

} // namespace attnlab::testref
