#include "core/training/layers.h"

#include <cmath>
#include <numbers>

namespace attnlab::core::training {
namespace {

constexpr float kLayerNormEpsilon = 1e-5f;

float gelu(float x) {
    return 0.5f * x * (1.0f + std::erf(x * static_cast<float>(std::numbers::sqrt2 / 2.0)));
}

float geluDerivative(float x) {
    // Φ(x) + x φ(x)
    const float cdf = 0.5f * (1.0f + std::erf(x * static_cast<float>(std::numbers::sqrt2 / 2.0)));
    const float pdf = std::exp(-0.5f * x * x) *
                      static_cast<float>(0.5 * std::numbers::inv_sqrtpi * std::numbers::sqrt2);
    return cdf + x * pdf;
}

} // namespace

RowVector columnSums(const Eigen::Ref<const Matrix>& m) {
    RowVector sums = RowVector::Zero(m.cols());
    for (Eigen::Index r = 0; r < m.rows(); ++r)
        sums += m.row(r);
    return sums;
}

Matrix layerNormForward(const LayerNormParams& p, const Eigen::Ref<const Matrix>& x,
                        LayerNormCache& cache) {
    if (p.gamma.size() == 0)
        return x;
    const Eigen::Index rows = x.rows();
    const float width = static_cast<float>(x.cols());
    cache.normalized.resize(rows, x.cols());
    cache.inverseStd.resize(rows);
    for (Eigen::Index r = 0; r < rows; ++r) {
        const float mean = x.row(r).sum() / width;
        auto centred = cache.normalized.row(r);
        centred.array() = x.row(r).array() - mean;
        const float variance = centred.squaredNorm() / width;
        const float inverse = 1.0f / std::sqrt(variance + kLayerNormEpsilon);
        cache.inverseStd(r) = inverse;
        centred *= inverse;
    }
    Matrix y = cache.normalized * p.gamma.asDiagonal();
    y.rowwise() += p.beta;
    return y;
}

Matrix layerNormBackward(const LayerNormParams& p, const LayerNormCache& cache,
                         const Eigen::Ref<const Matrix>& dy, LayerNormParams& grads) {
    if (p.gamma.size() == 0)
        return dy;
    grads.gamma += columnSums(dy.cwiseProduct(cache.normalized));
    grads.beta += columnSums(dy);
    const float width = static_cast<float>(dy.cols());
    Matrix dNormalized = dy * p.gamma.asDiagonal();
    Matrix dx(dy.rows(), dy.cols());
    for (Eigen::Index r = 0; r < dy.rows(); ++r) {
        const auto g = dNormalized.row(r);
        const auto n = cache.normalized.row(r);
        const float meanG = g.sum() / width;
        const float meanGN = g.dot(n) / width;
        dx.row(r) = cache.inverseStd(r) * (g.array() - meanG - n.array() * meanGN).matrix();
    }
    return dx;
}

Matrix feedForwardForward(FeedForward kind, const FeedForwardParams& p,
                          const Eigen::Ref<const Matrix>& x, FeedForwardCache& cache) {
    cache.pre = multiply(x, p.w1);
    cache.pre.rowwise() += p.b1;
    if (kind == FeedForward::Relu)
        cache.hidden = cache.pre.cwiseMax(0.0f);
    else
        cache.hidden = cache.pre.unaryExpr([](float v) { return gelu(v); });
    Matrix y = multiply(cache.hidden, p.w2);
    y.rowwise() += p.b2;
    return y;
}

Matrix feedForwardBackward(FeedForward kind, const FeedForwardParams& p,
                           const Eigen::Ref<const Matrix>& x, const FeedForwardCache& cache,
                           const Eigen::Ref<const Matrix>& dy, FeedForwardParams& grads) {
    multiplyInto(grads.w2, cache.hidden.transpose(), dy, true);
    grads.b2 += columnSums(dy);
    Matrix dPre = multiply(dy, p.w2.transpose());
    if (kind == FeedForward::Relu)
        dPre = (cache.pre.array() > 0.0f).select(dPre, 0.0f);
    else
        dPre.array() *= cache.pre.unaryExpr([](float v) { return geluDerivative(v); }).array();
    multiplyInto(grads.w1, x.transpose(), dPre, true);
    grads.b1 += columnSums(dPre);
    return multiply(dPre, p.w1.transpose());
}

RopeTable makeRopeTable(int positions, int dK) {
    RopeTable table;
    table.positions = positions;
    table.pairs = dK / 2;
    table.cos.resize(static_cast<std::size_t>(positions) * table.pairs);
    table.sin.resize(table.cos.size());
    for (int pair = 0; pair < table.pairs; ++pair) {
        const double theta = std::pow(10000.0, -2.0 * pair / dK);
        for (int p = 0; p < positions; ++p) {
            const double angle = p * theta;
            table.cos[static_cast<std::size_t>(p) * table.pairs + pair] = std::cos(angle);
            table.sin[static_cast<std::size_t>(p) * table.pairs + pair] = std::sin(angle);
        }
    }
    return table;
}

void applyRopeRows(Matrix& m, const RopeTable& table, int length, int heads, int dK, bool inverse) {
    const double sign = inverse ? -1.0 : 1.0;
    for (Eigen::Index r = 0; r < m.rows(); ++r) {
        const int p = static_cast<int>(r % length);
        float* row = m.row(r).data();
        for (int h = 0; h < heads; ++h)
            for (int pair = 0; pair < table.pairs; ++pair) {
                const std::size_t index = static_cast<std::size_t>(p) * table.pairs + pair;
                const double c = table.cos[index];
                const double s = sign * table.sin[index];
                float* x = row + static_cast<std::ptrdiff_t>(h) * dK + std::ptrdiff_t{2} * pair;
                const double x0 = x[0];
                const double x1 = x[1];
                x[0] = static_cast<float>(x0 * c - x1 * s);
                x[1] = static_cast<float>(x0 * s + x1 * c);
            }
    }
}

} // namespace attnlab::core::training
