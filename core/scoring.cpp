#include "scoring.h"

#include "random.h"

#include <cmath>

namespace attnlab::core {

ScoringParams makeScoringParams(ScoringFunction scoring, int dK, int dA, bool random,
                                float cosineScale, std::uint64_t seed, int head) {
    ScoringParams params;
    switch (scoring) {
    case ScoringFunction::Dot:
    case ScoringFunction::ScaledDot:
        break;
    case ScoringFunction::General:
        if (random) {
            Random rng(deriveSeed(seed, "w_a", head));
            params.wa = rng.normalMatrix(dK, dK, 1.0 / std::sqrt(static_cast<double>(dK)));
        } else {
            params.wa = Matrix::Identity(dK, dK);
        }
        break;
    case ScoringFunction::Additive: {
        // W_1, W_2 keep W·q at the scale of one entry of q, so tanh works in its curved range;
        // v ~ N(0, 1) lets the scores spread about as far as unscaled dot products do.
        const double inputScale = 1.0 / std::sqrt(static_cast<double>(dK));
        Random rng1(deriveSeed(seed, "w_1", head));
        Random rng2(deriveSeed(seed, "w_2", head));
        Random rngV(deriveSeed(seed, "v", head));
        params.w1 = rng1.normalMatrix(dA, dK, inputScale);
        params.w2 = rng2.normalMatrix(dA, dK, inputScale);
        params.v = rngV.normalMatrix(dA, 1, 1.0);
        break;
    }
    case ScoringFunction::Cosine:
        params.scale = cosineScale;
        break;
    }
    return params;
}

namespace {

// Rows scaled to unit length; zero rows stay zero so that their cosine scores are 0.
Matrix unitRows(const Eigen::Ref<const Matrix>& m) {
    const Vector norms = m.rowwise().norm();
    const Vector inverse = (norms.array() > 0.0f).select(norms.array().inverse(), 0.0f);
    return inverse.asDiagonal() * m;
}

Matrix additiveScores(const Eigen::Ref<const Matrix>& q, const Eigen::Ref<const Matrix>& k,
                      const ScoringParams& params) {
    // W_1 q_i and W_2 k_j are computed once each; the n_q × n_k × d_a block of tanh is then
    // evaluated one query row at a time as a vectorised array expression.
    const Matrix projectedQ = q * params.w1.transpose(); // n_q × d_a
    const Matrix projectedK = k * params.w2.transpose(); // n_k × d_a
    Matrix scores(q.rows(), k.rows());
    Matrix hidden(k.rows(), params.w1.rows());
    for (Eigen::Index i = 0; i < q.rows(); ++i) {
        hidden.noalias() = projectedK;
        hidden.rowwise() += projectedQ.row(i);
        hidden = hidden.array().tanh().matrix();
        scores.row(i).noalias() = (hidden * params.v).transpose();
    }
    return scores;
}

} // namespace

Matrix computeScores(ScoringFunction scoring, const Eigen::Ref<const Matrix>& q,
                     const Eigen::Ref<const Matrix>& k, const ScoringParams& params) {
    switch (scoring) {
    case ScoringFunction::Dot:
        return q * k.transpose();
    case ScoringFunction::ScaledDot:
        return (q * k.transpose()) / std::sqrt(static_cast<float>(q.cols()));
    case ScoringFunction::General:
        return (q * params.wa) * k.transpose();
    case ScoringFunction::Additive:
        return additiveScores(q, k, params);
    case ScoringFunction::Cosine:
        return params.scale * (unitRows(q) * unitRows(k).transpose());
    }
    return Matrix::Zero(q.rows(), k.rows());
}

} // namespace attnlab::core
