#include "core/pretrained/kernels.h"

#include "core/attention/normalizer.h"

#include <unsupported/Eigen/SpecialFunctions>

#include <algorithm>
#include <cmath>
#include <limits>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace attnlab::core::pretrained {
namespace {

// Below this many floating-point operations a parallel region costs more than it saves (and on
// a machine busy with other work, waking threads can cost milliseconds).
constexpr double kParallelFlops = 8e6;
// The steps between a layer's products (its norms, its attention at a few dozen tokens) split
// from this much work: the threads of the product before are still awake, so the split costs
// microseconds (GPT-2 small at 32 tokens: 0.4 ms faster with the norms split, 0.6 ms with the
// heads).
constexpr double kAwakeParallelFlops = 1e5;
// Below this many rows a linear layer's product takes as long as reading its weights from
// memory, whatever the rows (applyLinear).
constexpr double kMemoryBoundRows = 8.0;
// Causal attention is computed in blocks of query rows so that the cells above the diagonal,
// which the mask removes anyway, are mostly never multiplied.
constexpr int kCausalBlock = 64;

bool worthParallel(double flops, double threshold = kParallelFlops) {
#ifdef _OPENMP
    return flops >= threshold && omp_get_max_threads() > 1 && !omp_in_parallel();
#else
    (void)flops;
    (void)threshold;
    return false;
#endif
}

// Softmax of row[0, visible) scaled by `scale`, in place; row[visible, n) becomes 0.
void softmaxPrefix(float* row, int visible, int n, float scale) {
    Eigen::Map<Eigen::ArrayXf> cells(row, visible);
    cells *= scale;
    const float top = cells.maxCoeff();
    cells = (cells - top).exp();
    cells *= 1.0f / cells.sum();
    std::fill(row + visible, row + n, 0.0f);
}

// A head with the model's own softmax (possibly at a temperature folded into `scale`).
void softmaxHead(const Eigen::Ref<const Matrix>& q, const Eigen::Ref<const Matrix>& k,
                 const Eigen::Ref<const Matrix>& v, float scale, bool causal, bool computeContext,
                 Matrix& weights, Eigen::Ref<Matrix> context) {
    const int n = static_cast<int>(q.rows());
    if (!causal) {
        weights.noalias() = q * k.transpose();
        for (int i = 0; i < n; ++i)
            softmaxPrefix(weights.row(i).data(), n, n, scale);
        if (computeContext)
            context.noalias() = weights * v;
        return;
    }
    for (int r0 = 0; r0 < n; r0 += kCausalBlock) {
        const int rows = std::min(kCausalBlock, n - r0);
        const int keys = r0 + rows;
        weights.block(r0, 0, rows, keys).noalias() =
            q.middleRows(r0, rows) * k.topRows(keys).transpose();
        for (int i = r0; i < keys; ++i)
            softmaxPrefix(weights.row(i).data(), i + 1, n, scale);
        if (computeContext)
            context.middleRows(r0, rows).noalias() =
                weights.block(r0, 0, rows, keys) * v.topRows(keys);
    }
}

// A head under an intervention: the full logits, the model's mask and the extra mask as −∞,
// then the chosen normaliser.
void intervenedHead(const Eigen::Ref<const Matrix>& q, const Eigen::Ref<const Matrix>& k,
                    const Eigen::Ref<const Matrix>& v, float scale, bool causal,
                    const HeadSetting& setting, Matrix& logits, Matrix& weights,
                    std::vector<int>& flagged, Eigen::Ref<Matrix> context) {
    const int n = static_cast<int>(q.rows());
    logits.resize(n, n);
    logits.noalias() = q * k.transpose();
    logits *= scale / setting.temperature;
    for (int i = 0; i < n; ++i) {
        float* row = logits.row(i).data();
        if (causal)
            std::fill(row + i + 1, row + n, kMinusInfinity);
        if (setting.hasMask)
            for (int j = 0; j < n; ++j)
                if (!setting.mask(i, j))
                    row[j] = kMinusInfinity;
    }
    flagged.clear();
    normalizeRowsInto(setting.normalizer, logits, weights, flagged);
    if (setting.ablate)
        context.setZero();
    else
        context.noalias() = weights * v;
}

} // namespace

void applyLinear(const Eigen::Ref<const Matrix>& x, const Linear& layer, Eigen::Ref<Matrix> y,
                 ProductKernel kernel, std::optional<Activation> activation) {
    // Columns [first, first + count) of y = activation(x·W + b), as one single-threaded product.
    const auto columns = [&](int first, int count) {
        auto out = y.middleCols(first, count);
        multiplyColumns(x, layer, first, count, out, kernel);
        if (activation)
            activate(out, *activation);
    };
    // Threads take whole blocks of output columns: one fork and join per product, and none of
    // the waiting between threads inside a shared product, which costs dearly when another
    // program holds a core.
    // With a few rows (a typed key) a product is a pass over its weights from memory, which
    // two cores read about twice as fast as one: the work counts as that of at least eight rows
    // (one row through GPT-2 small's layers, 340 MB of weights, was read by one thread).
    const double work = 2.0 * std::max<double>(static_cast<double>(x.rows()), kMemoryBoundRows) *
                        layer.in * layer.out;
    if (!worthParallel(work)) {
        columns(0, layer.out);
        return;
    }
#pragma omp parallel
    {
#ifdef _OPENMP
        const int parts = omp_get_num_threads(), part = omp_get_thread_num();
#else
        const int parts = 1, part = 0;
#endif
        // Block edges on multiples of 16 columns (a cache line of floats), or of a panel for
        // packed weights.
        const int unit = layer.packed() ? kPackedPanelColumns : 16;
        const int blocks = (layer.out + unit - 1) / unit;
        const int first = std::min(layer.out, blocks * part / parts * unit);
        const int last = std::min(layer.out, blocks * (part + 1) / parts * unit);
        if (last > first)
            columns(first, last - first);
    }
}

void normalizeLayer(const Eigen::Ref<const Matrix>& x, const Norm& norm, float eps,
                    Eigen::Ref<Matrix> y) {
    const Eigen::Map<const Eigen::ArrayXf> weight(norm.weight, norm.size);
    const bool parallel =
        x.rows() > 1 && worthParallel(8.0 * static_cast<double>(x.size()), kAwakeParallelFlops);
#pragma omp parallel for if (parallel)
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
        const auto row = x.row(i).array().transpose();
        auto out = y.row(i).array().transpose();
        if (norm.bias != nullptr) {
            const float mean = row.mean();
            const float variance = (row - mean).square().mean();
            const float inverse = 1.0f / std::sqrt(variance + eps);
            const Eigen::Map<const Eigen::ArrayXf> bias(norm.bias, norm.size);
            out = (row - mean) * inverse * weight + bias;
        } else {
            const float inverse = 1.0f / std::sqrt(row.square().mean() + eps);
            out = row * inverse * weight;
        }
    }
}

void activate(Eigen::Ref<Matrix> x, Activation activation) {
    // Row by row: a column block of a wider matrix is not one contiguous array.
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
        auto a = x.row(i).array();
        switch (activation) {
        case Activation::GeluErf:
            a = 0.5f * a * (1.0f + (a * static_cast<float>(M_SQRT1_2)).erf());
            break;
        case Activation::GeluTanh: {
            const float c = std::sqrt(2.0f / static_cast<float>(M_PI));
            a = 0.5f * a * (1.0f + (c * (a + 0.044715f * a.cube())).tanh());
            break;
        }
        case Activation::Relu:
            a = a.max(0.0f);
            break;
        case Activation::Silu:
            a = a / (1.0f + (-a).exp());
            break;
        case Activation::QuickGelu:
            a = a / (1.0f + (-1.702f * a).exp());
            break;
        }
    }
}

std::vector<float> ropeInverseFrequencies(int headDim, double theta, double linearFactor) {
    std::vector<float> out(static_cast<std::size_t>(headDim / 2));
    for (int t = 0; t < headDim / 2; ++t) {
        const float exponent = static_cast<float>(2 * t) / static_cast<float>(headDim);
        out[static_cast<std::size_t>(t)] =
            1.0f / std::pow(static_cast<float>(theta), exponent) / static_cast<float>(linearFactor);
    }
    return out;
}

void ropeTables(int first, int n, const std::vector<float>& inverseFrequencies,
                Eigen::Ref<Matrix> cosines, Eigen::Ref<Matrix> sines) {
    const int half = static_cast<int>(inverseFrequencies.size());
    for (int r = 0; r < n; ++r) {
        for (int t = 0; t < half; ++t) {
            // The angle is rounded to float as the reference computes it; cos and sin of that
            // float are then exact to the last bit.
            const float angle =
                static_cast<float>(first + r) * inverseFrequencies[static_cast<std::size_t>(t)];
            cosines(r, t) = static_cast<float>(std::cos(static_cast<double>(angle)));
            sines(r, t) = static_cast<float>(std::sin(static_cast<double>(angle)));
        }
    }
}

void applyRope(Eigen::Ref<Matrix> x, int heads, int headDim,
               const Eigen::Ref<const Matrix>& cosines, const Eigen::Ref<const Matrix>& sines) {
    const int half = headDim / 2;
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
        const float* c = cosines.row(i).data();
        const float* s = sines.row(i).data();
        for (int h = 0; h < heads; ++h) {
            float* first = x.row(i).data() + static_cast<std::ptrdiff_t>(h) * headDim;
            float* second = first + half;
            for (int t = 0; t < half; ++t) {
                const float a = first[t], b = second[t];
                first[t] = a * c[t] - b * s[t];
                second[t] = b * c[t] + a * s[t];
            }
        }
    }
}

void attendLayer(const Eigen::Ref<const Matrix>& projections, const AttentionGeometry& geometry,
                 const std::vector<HeadSetting>& settings, std::vector<Matrix>& weights,
                 std::vector<std::vector<int>>& flagged, std::vector<Matrix>& logits,
                 Eigen::Ref<Matrix> context) {
    const int n = static_cast<int>(projections.rows());
    const int heads = geometry.heads, d = geometry.headDim;
    const int group = heads / geometry.kvHeads;
    const int keyOffset = heads * d, valueOffset = keyOffset + geometry.kvHeads * d;
    weights.resize(static_cast<std::size_t>(heads));
    flagged.resize(static_cast<std::size_t>(heads));
    logits.resize(static_cast<std::size_t>(heads));
    for (Matrix& w : weights)
        w.resize(n, n);

    const double flops = 4.0 * heads * static_cast<double>(n) * n * d;
    const bool parallel = heads > 1 && worthParallel(flops, kAwakeParallelFlops);
#pragma omp parallel for schedule(dynamic, 1) if (parallel)
    for (int h = 0; h < heads; ++h) {
        const int kv = h / group;
        const auto q = projections.middleCols(static_cast<Eigen::Index>(h) * d, d);
        const auto k = projections.middleCols(keyOffset + static_cast<Eigen::Index>(kv) * d, d);
        const auto v = projections.middleCols(valueOffset + static_cast<Eigen::Index>(kv) * d, d);
        auto c = context.middleCols(static_cast<Eigen::Index>(h) * d, d);
        const std::size_t index = static_cast<std::size_t>(h);
        const HeadSetting* setting = settings.empty() ? nullptr : &settings[index];
        if (setting == nullptr || !setting->changesWeights) {
            const bool ablate = setting != nullptr && setting->ablate;
            const float scale = geometry.scale / (setting != nullptr ? setting->temperature : 1.0f);
            softmaxHead(q, k, v, scale, geometry.causal, !ablate, weights[index], c);
            if (ablate)
                c.setZero();
            flagged[index].clear();
        } else {
            intervenedHead(q, k, v, geometry.scale, geometry.causal, *setting, logits[index],
                           weights[index], flagged[index], c);
        }
    }
}

void outputLogits(const Eigen::Ref<const Matrix>& hidden, const float* head, const float* bias,
                  int vocab, Matrix& logits) {
    const int d = static_cast<int>(hidden.cols());
    // The head is stored vocab × d, as a Linear layer's weights.
    Linear layer;
    layer.weight = head;
    layer.in = d;
    layer.out = vocab;
    layer.outByIn = true;
    layer.bias = bias;
    // The output head is the largest single product of a causal model, and for one position a
    // matrix-vector product that Eigen would run on one thread: applyLinear gives each thread
    // an equal share of the vocabulary.
    applyLinear(hidden, layer, logits);
}

} // namespace attnlab::core::pretrained
