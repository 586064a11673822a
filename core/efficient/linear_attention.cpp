#include "core/efficient/linear_attention.h"

#include "core/base/memory.h"
#include "core/efficient/feature_maps.h"
#include "core/efficient/kernel_support.h"
#include "core/efficient/pooling.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

namespace attnlab::core {
namespace {

// Fixed sizes (not thread counts) decide how sums are split, so the numbers do not depend on
// the machine. Causal rows run in chunks of kCausalChunk inside segments of kSegment rows; the
// segments run in parallel from start states obtained by a first pass.
constexpr int kCausalChunk = 128;
constexpr int kSegment = 32768;
constexpr int kQueryBlock = 128;
constexpr int kKeyTile = 256;

struct Setup {
    Matrix omega;     // FAVOR+ directions, empty for the other maps
    int features = 0; // width of φ
    int chunk = 0;    // rows per block of the non-causal sums
};

Setup prepare(const Eigen::Ref<const Matrix>& q, const Eigen::Ref<const Matrix>& k,
              const Eigen::Ref<const Matrix>* v, const LinearAttentionOptions& options,
              const char* what) {
    kernels::checkInputs(q, k, v, nullptr, what);
    if (options.causal && q.rows() != k.rows())
        throw InputError(
            std::string(what) +
            ": causal linear attention needs as many queries as keys (self-attention), "
            "not " +
            std::to_string(q.rows()) + " and " + std::to_string(k.rows()));
    Setup setup;
    setup.features = static_cast<int>(q.cols());
    if (options.featureMap == FeatureMap::Favor) {
        if (options.features < kMinFavorFeatures || options.features > kMaxFavorFeatures)
            throw InputError(std::string(what) + ": the number of random features M must be from " +
                             std::to_string(kMinFavorFeatures) + " to " +
                             std::to_string(kMaxFavorFeatures) + ", not " +
                             std::to_string(options.features));
        setup.omega = favorProjection(static_cast<int>(q.cols()), options.features, options.seed,
                                      options.orthogonal);
        setup.features = options.features;
    }
    // About a million floats of features per block.
    setup.chunk = std::clamp((1 << 20) / setup.features, 64, 16384);
    return setup;
}

// Σ_j φ(k_j)ᵀ v_j and Σ_j φ(k_j) over some keys, relative to a FAVOR+ shift (−∞ when empty).
struct KeyState {
    Matrix s;    // features × d_v
    RowVector z; // features
    float shift = kMinusInfinity;

    KeyState(int features, Eigen::Index dV)
        : s(Matrix::Zero(features, dV)), z(RowVector::Zero(features)) {}

    // Puts the state on the common shift max(shift, other) and returns the factor for `other`.
    float align(float other) {
        if (other <= shift)
            return std::exp(other - shift);
        if (shift != kMinusInfinity) {
            const float factor = std::exp(shift - other);
            s *= factor;
            z *= factor;
        }
        shift = other;
        return 1.0f;
    }
    void add(const KeyState& other) {
        if (other.shift == kMinusInfinity)
            return;
        const float factor = align(other.shift);
        s += factor * other.s;
        z += factor * other.z;
    }
};

// Divides each row of `rows` (numerators) by its denominator, or sets it to 0 and flags it when
// the denominator is not positive.
void divideRows(Eigen::Ref<Matrix> rows, const Eigen::Ref<const Vector>& denominator, int firstRow,
                std::vector<int>& zeroRows) {
    for (Eigen::Index r = 0; r < rows.rows(); ++r) {
        const float den = denominator(r);
        if (den > 0.0f && std::isfinite(den)) {
            rows.row(r) /= den;
        } else {
            rows.row(r).setZero();
            zeroRows.push_back(firstRow + static_cast<int>(r));
        }
    }
}

// Buffers of one thread, reused from block to block (fresh large buffers cost page faults).
struct Workspace {
    Matrix phiQ, phiK, scores;
    Vector denominator;
};

// Causal rows [begin, end) from the key state of the rows before `begin`, chunk by chunk:
// numerator φ(q_i)·S + Σ_{begin ≤ j ≤ i} (φ(q_i)·φ(k_j)) v_j, denominator likewise with z.
void causalRows(const Eigen::Ref<const Matrix>& q, const Eigen::Ref<const Matrix>& k,
                const Eigen::Ref<const Matrix>& v, const LinearAttentionOptions& options,
                const Setup& setup, int begin, int end, KeyState state, Matrix& context,
                std::vector<int>& zeroRows, Workspace& ws) {
    Matrix& phiQ = ws.phiQ;
    Matrix& phiK = ws.phiK;
    Matrix& scores = ws.scores;
    Vector& denominator = ws.denominator;
    for (int c0 = begin; c0 < end; c0 += kCausalChunk) {
        const int rows = std::min(end, c0 + kCausalChunk) - c0;
        const float shift =
            kernels::keyFeatures(options.featureMap, k.middleRows(c0, rows), setup.omega, phiK);
        if (options.featureMap == FeatureMap::Favor)
            phiK *= state.align(shift);
        kernels::queryFeatures(options.featureMap, q.middleRows(c0, rows), setup.omega, phiQ);
        scores.noalias() = phiQ * phiK.transpose();
        scores.triangularView<Eigen::StrictlyUpper>().setZero();
        auto out = context.middleRows(c0, rows);
        out.noalias() = phiQ * state.s;
        out.noalias() += scores * v.middleRows(c0, rows);
        denominator.noalias() = phiQ * state.z.transpose();
        denominator += scores.rowwise().sum();
        divideRows(out, denominator, c0, zeroRows);
        state.s.noalias() += phiK.transpose() * v.middleRows(c0, rows);
        state.z += phiK.colwise().sum();
    }
}

// The key state of rows [begin, end) on their own.
KeyState keyState(const Eigen::Ref<const Matrix>& k, const Eigen::Ref<const Matrix>& v,
                  const LinearAttentionOptions& options, const Setup& setup, int begin, int end,
                  Workspace& ws) {
    KeyState state(setup.features, v.cols());
    Matrix& phiK = ws.phiK;
    for (int c0 = begin; c0 < end; c0 += setup.chunk) {
        const int rows = std::min(end, c0 + setup.chunk) - c0;
        const float shift =
            kernels::keyFeatures(options.featureMap, k.middleRows(c0, rows), setup.omega, phiK);
        if (options.featureMap == FeatureMap::Favor)
            phiK *= state.align(shift);
        else
            state.shift = 0.0f;
        state.s.noalias() += phiK.transpose() * v.middleRows(c0, rows);
        state.z += phiK.colwise().sum();
    }
    return state;
}

ProgressCallback phase(const ProgressCallback& progress, int offset, int total) {
    if (!progress)
        return {};
    return [&progress, offset, total](int done, int) { return progress(offset + done, total); };
}

// φ(K) of every key on one shift (n_k × features).
Matrix allKeyFeatures(const Eigen::Ref<const Matrix>& k, const LinearAttentionOptions& options,
                      const Setup& setup, int threads) {
    const int nk = static_cast<int>(k.rows());
    const int blocks = (nk + setup.chunk - 1) / setup.chunk;
    Matrix phiK(nk, setup.features);
    adviseHugePages(phiK);
    std::vector<float> shifts(static_cast<std::size_t>(blocks), 0.0f);
    kernels::forEachBlock(blocks, threads, {}, [&](int b) {
        const int c0 = b * setup.chunk, rows = std::min(nk, c0 + setup.chunk) - c0;
        Matrix block;
        shifts[static_cast<std::size_t>(b)] =
            kernels::keyFeatures(options.featureMap, k.middleRows(c0, rows), setup.omega, block);
        phiK.middleRows(c0, rows) = block;
    });
    if (options.featureMap == FeatureMap::Favor && blocks > 0) {
        const float top = *std::max_element(shifts.begin(), shifts.end());
        for (int b = 0; b < blocks; ++b) {
            const int c0 = b * setup.chunk, rows = std::min(nk, c0 + setup.chunk) - c0;
            phiK.middleRows(c0, rows) *= std::exp(shifts[static_cast<std::size_t>(b)] - top);
        }
    }
    return phiK;
}

// Denominators φ(q_i)·Σ_j φ(k_j) (causal: j ≤ i) of every row, with φ(K) from allKeyFeatures.
Vector denominators(const Eigen::Ref<const Matrix>& q, const Matrix& phiK,
                    const LinearAttentionOptions& options, const Setup& setup) {
    const int nq = static_cast<int>(q.rows());
    Vector den(nq);
    Matrix phiQ;
    if (!options.causal) {
        const RowVector z = phiK.colwise().sum();
        for (int c0 = 0; c0 < nq; c0 += setup.chunk) {
            const int rows = std::min(nq, c0 + setup.chunk) - c0;
            kernels::queryFeatures(options.featureMap, q.middleRows(c0, rows), setup.omega, phiQ);
            den.segment(c0, rows).noalias() = phiQ * z.transpose();
        }
        return den;
    }
    RowVector z = RowVector::Zero(setup.features);
    Matrix scores;
    for (int c0 = 0; c0 < nq; c0 += kCausalChunk) {
        const int rows = std::min(nq, c0 + kCausalChunk) - c0;
        kernels::queryFeatures(options.featureMap, q.middleRows(c0, rows), setup.omega, phiQ);
        scores.noalias() = phiQ * phiK.middleRows(c0, rows).transpose();
        scores.triangularView<Eigen::StrictlyUpper>().setZero();
        den.segment(c0, rows).noalias() = phiQ * z.transpose();
        den.segment(c0, rows) += scores.rowwise().sum();
        z += phiK.middleRows(c0, rows).colwise().sum();
    }
    return den;
}

} // namespace

LinearAttentionResult linearAttention(const Eigen::Ref<const Matrix>& q,
                                      const Eigen::Ref<const Matrix>& k,
                                      const Eigen::Ref<const Matrix>& v,
                                      const LinearAttentionOptions& options,
                                      const ProgressCallback& progress) {
    const Setup setup = prepare(q, k, &v, options, "linear attention");
    const int nq = static_cast<int>(q.rows());
    const int nk = static_cast<int>(k.rows());
    const kernels::KernelThreads threads;
    std::vector<Workspace> spaces(static_cast<std::size_t>(threads.threads()));
    auto workspace = [&]() -> Workspace& {
        return spaces[static_cast<std::size_t>(kernels::threadIndex())];
    };
    LinearAttentionResult result;
    result.context.resize(nq, v.cols());
    adviseHugePages(result.context);

    if (options.causal) {
        // Key states of whole segments (in parallel), their prefix (in order), then every
        // segment's rows from its start state (in parallel).
        const int segments = std::max(1, (nq + kSegment - 1) / kSegment);
        std::vector<KeyState> totals(static_cast<std::size_t>(segments),
                                     KeyState(setup.features, v.cols()));
        kernels::forEachBlock(segments - 1, threads.threads(), phase(progress, 0, 2 * segments),
                              [&](int b) {
                                  totals[static_cast<std::size_t>(b)] =
                                      keyState(k, v, options, setup, b * kSegment,
                                               std::min(nq, (b + 1) * kSegment), workspace());
                              });
        std::vector<KeyState> starts(static_cast<std::size_t>(segments),
                                     KeyState(setup.features, v.cols()));
        for (int b = 1; b < segments; ++b) {
            starts[static_cast<std::size_t>(b)] = starts[static_cast<std::size_t>(b - 1)];
            starts[static_cast<std::size_t>(b)].add(totals[static_cast<std::size_t>(b - 1)]);
        }
        std::vector<std::vector<int>> zero(static_cast<std::size_t>(segments));
        kernels::forEachBlock(
            segments, threads.threads(), phase(progress, segments, 2 * segments), [&](int b) {
                causalRows(q, k, v, options, setup, b * kSegment, std::min(nq, (b + 1) * kSegment),
                           starts[static_cast<std::size_t>(b)], result.context,
                           zero[static_cast<std::size_t>(b)], workspace());
            });
        for (const auto& rows : zero)
            result.zeroRows.insert(result.zeroRows.end(), rows.begin(), rows.end());
        return result;
    }

    const int keyBlocks = (nk + setup.chunk - 1) / setup.chunk;
    const int queryBlocks = (nq + setup.chunk - 1) / setup.chunk;
    const int total = keyBlocks + queryBlocks;
    std::vector<KeyState> partial(static_cast<std::size_t>(keyBlocks),
                                  KeyState(setup.features, v.cols()));
    kernels::forEachBlock(keyBlocks, threads.threads(), phase(progress, 0, total), [&](int b) {
        partial[static_cast<std::size_t>(b)] =
            keyState(k, v, options, setup, b * setup.chunk, std::min(nk, (b + 1) * setup.chunk),
                     workspace());
    });
    KeyState state(setup.features, v.cols());
    for (const KeyState& block : partial)
        state.add(block);
    std::vector<std::vector<int>> zero(static_cast<std::size_t>(queryBlocks));
    kernels::forEachBlock(
        queryBlocks, threads.threads(), phase(progress, keyBlocks, total), [&](int b) {
            const int c0 = b * setup.chunk, rows = std::min(nq, c0 + setup.chunk) - c0;
            Workspace& ws = workspace();
            kernels::queryFeatures(options.featureMap, q.middleRows(c0, rows), setup.omega,
                                   ws.phiQ);
            auto out = result.context.middleRows(c0, rows);
            out.noalias() = ws.phiQ * state.s;
            ws.denominator.noalias() = ws.phiQ * state.z.transpose();
            divideRows(out, ws.denominator, c0, zero[static_cast<std::size_t>(b)]);
        });
    for (const auto& rows : zero)
        result.zeroRows.insert(result.zeroRows.end(), rows.begin(), rows.end());
    return result;
}

Matrix linearAttentionWeights(const Eigen::Ref<const Matrix>& q, const Eigen::Ref<const Matrix>& k,
                              const LinearAttentionOptions& options, std::vector<int>* zeroRows) {
    const Setup setup = prepare(q, k, nullptr, options, "linear attention weights");
    if (q.rows() * k.rows() > kMaxLinearWeightCells)
        throw InputError("linear attention weights: " + std::to_string(q.rows()) + " × " +
                         std::to_string(k.rows()) +
                         " cells are too many to hold; draw a pooled image instead");
    const kernels::KernelThreads threads;
    const Matrix phiK = allKeyFeatures(k, options, setup, threads.threads());
    Matrix phiQ;
    kernels::queryFeatures(options.featureMap, q, setup.omega, phiQ);
    Matrix weights(q.rows(), k.rows());
    adviseHugePages(weights);
    weights.noalias() = phiQ * phiK.transpose();
    if (options.causal)
        weights.triangularView<Eigen::StrictlyUpper>().setZero();
    for (Eigen::Index i = 0; i < weights.rows(); ++i) {
        const float sum = weights.row(i).sum();
        if (sum > 0.0f && std::isfinite(sum)) {
            weights.row(i) /= sum;
        } else {
            weights.row(i).setZero();
            if (zeroRows)
                zeroRows->push_back(static_cast<int>(i));
        }
    }
    return weights;
}

Matrix linearPooledWeights(const Eigen::Ref<const Matrix>& q, const Eigen::Ref<const Matrix>& k,
                           int pooledRows, int pooledCols, const LinearAttentionOptions& options,
                           const ProgressCallback& progress) {
    const Setup setup = prepare(q, k, nullptr, options, "linear attention weights");
    const int nq = static_cast<int>(q.rows());
    const int nk = static_cast<int>(k.rows());
    const PoolingGrid grid(nq, nk, pooledRows, pooledCols);
    const kernels::KernelThreads threads;
    const Matrix phiK = allKeyFeatures(k, options, setup, threads.threads());
    const Vector den = denominators(q, phiK, options, setup);
    const Vector inverse =
        (den.array() > 0.0f && den.array().isFinite()).select(den.array().inverse(), 0.0f);
    std::vector<Matrix> images(static_cast<std::size_t>(threads.threads()));
    const int blocks = (nq + kQueryBlock - 1) / kQueryBlock;
    kernels::forEachBlock(blocks, threads.threads(), progress, [&](int b) {
        Matrix& image = images[static_cast<std::size_t>(kernels::threadIndex())];
        if (image.size() == 0)
            image = grid.emptyImage();
        const int r0 = b * kQueryBlock, rows = std::min(nq, r0 + kQueryBlock) - r0;
        Matrix phiQ, tile;
        kernels::queryFeatures(options.featureMap, q.middleRows(r0, rows), setup.omega, phiQ);
        phiQ.array().colwise() *= inverse.segment(r0, rows).array();
        const int keyEnd = options.causal ? r0 + rows : nk;
        for (int c0 = 0; c0 < keyEnd; c0 += kKeyTile) {
            const int cols = std::min(keyEnd, c0 + kKeyTile) - c0;
            tile.noalias() = phiQ * phiK.middleRows(c0, cols).transpose();
            if (options.causal)
                for (int r = 0; r < rows; ++r) {
                    const int firstHidden = std::max(0, r0 + r + 1 - c0);
                    if (firstHidden < cols)
                        tile.row(r).tail(cols - firstHidden).setZero();
                }
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
