#include "core/efficient/feature_maps.h"

#include "core/base/random.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace attnlab::core {
namespace {

void softmaxRows(Eigen::Ref<Matrix> x) {
    x.array().colwise() -= x.rowwise().maxCoeff().array();
    x.array() = x.array().exp();
    x.array().colwise() /= x.rowwise().sum().array();
}

void eluPlusOne(Eigen::Ref<Matrix> x) {
    // elu(x) + 1 = x + 1 for x > 0, eˣ otherwise, written as e^{min(x, 0)} + max(x, 0) so that it
    // vectorises (Eigen evaluates select() one scalar at a time, with a scalar exp).
    x.array() = x.array().min(0.0f).exp() + x.array().max(0.0f);
}

// ωᵀx for x = row / d_k^{1/4}, and ‖x‖²/2 per row.
void favorExponents(const Eigen::Ref<const Matrix>& rows, const Matrix& omega, Matrix& out,
                    Eigen::VectorXf& halfNorm) {
    if (omega.cols() != rows.cols())
        throw InputError("FAVOR+ features: ω has " + std::to_string(omega.cols()) +
                         " columns but the inputs have d_k = " + std::to_string(rows.cols()));
    const float scale = 1.0f / std::pow(static_cast<float>(rows.cols()), 0.25f);
    out.resize(rows.rows(), omega.rows());
    out.noalias() = scale * (rows * omega.transpose());
    halfNorm = 0.5f * scale * scale * rows.rowwise().squaredNorm();
}

} // namespace

Matrix favorProjection(int dK, int features, std::uint64_t seed, bool orthogonal) {
    if (dK < 1 || features < 1)
        throw InputError("FAVOR+ needs d_k ≥ 1 and at least one random feature, not d_k = " +
                         std::to_string(dK) + ", M = " + std::to_string(features));
    Random rng(deriveSeed(seed, "favor"));
    Matrix omega(features, dK);
    if (!orthogonal) {
        for (int r = 0; r < features; ++r)
            for (int c = 0; c < dK; ++c)
                omega(r, c) = static_cast<float>(rng.normal());
        return omega;
    }
    Eigen::MatrixXd block(dK, dK);
    for (int first = 0; first < features; first += dK) {
        for (int r = 0; r < dK; ++r)
            for (int c = 0; c < dK; ++c)
                block(r, c) = rng.normal();
        // Modified Gram-Schmidt on the rows: a Haar-random orthonormal basis.
        for (int r = 0; r < dK; ++r) {
            for (int p = 0; p < r; ++p)
                block.row(r) -= block.row(r).dot(block.row(p)) * block.row(p);
            block.row(r) /= block.row(r).norm();
        }
        const int rows = std::min(dK, features - first);
        for (int r = 0; r < rows; ++r) {
            // Length χ_{d_k}: the norm of an independent Gaussian vector, so the row is N(0, I).
            double squared = 0.0;
            for (int c = 0; c < dK; ++c) {
                const double g = rng.normal();
                squared += g * g;
            }
            omega.row(first + r) = (block.row(r) * std::sqrt(squared)).cast<float>();
        }
    }
    return omega;
}

namespace {

// φ of the maps without random features, in place.
void simpleMapInPlace(FeatureMap map, Matrix& out) {
    switch (map) {
    case FeatureMap::Softmax:
        softmaxRows(out);
        break;
    case FeatureMap::Elu:
        eluPlusOne(out);
        break;
    case FeatureMap::Relu:
        out = out.cwiseMax(0.0f);
        break;
    case FeatureMap::Favor:
        break;
    }
}

} // namespace

Matrix featureMap(FeatureMap map, const Eigen::Ref<const Matrix>& x, const Matrix& omega) {
    Matrix out;
    if (map != FeatureMap::Favor) {
        out = x;
        simpleMapInPlace(map, out);
        return out;
    }
    Eigen::VectorXf halfNorm;
    favorExponents(x, omega, out, halfNorm);
    out.array().colwise() -= halfNorm.array();
    out.array() = out.array().exp() / std::sqrt(static_cast<float>(omega.rows()));
    return out;
}

namespace kernels {

void queryFeatures(FeatureMap map, const Eigen::Ref<const Matrix>& q, const Matrix& omega,
                   Matrix& out) {
    if (map != FeatureMap::Favor) {
        out = q; // reuses out's storage when the shape is unchanged
        simpleMapInPlace(map, out);
        return;
    }
    Eigen::VectorXf halfNorm;
    favorExponents(q, omega, out, halfNorm);
    if (out.rows() == 0)
        return;
    out.array().colwise() -= out.rowwise().maxCoeff().array();
    out.array() = out.array().exp();
}

float keyFeatures(FeatureMap map, const Eigen::Ref<const Matrix>& k, const Matrix& omega,
                  Matrix& out) {
    if (map != FeatureMap::Favor) {
        out = k;
        simpleMapInPlace(map, out);
        return 0.0f;
    }
    Eigen::VectorXf halfNorm;
    favorExponents(k, omega, out, halfNorm);
    out.array().colwise() -= halfNorm.array();
    if (out.size() == 0)
        return 0.0f;
    const float shift = out.maxCoeff();
    out.array() = (out.array() - shift).exp();
    return shift;
}

} // namespace kernels
} // namespace attnlab::core
