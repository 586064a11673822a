#include "core/attention/scoring.h"

#include "core/base/random.h"

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
    // S[i, j] = Σ_a v_a tanh((W_1 q_i)_a + (W_2 k_j)_a). W_2 k_j is computed once for all keys
    // and stored transposed (d_a × n_k), so that each hidden unit's values over the keys are
    // contiguous; a query row of S is then the sum over a of v_a · tanh(row a + (W_1 q_i)_a),
    // vectorised over the keys, without writing the n_k × d_a block of tanh to memory.
    Matrix projectedQ;
    projectedQ.noalias() = q * params.w1.transpose(); // n_q × d_a
    Matrix keysT;
    keysT.noalias() = params.w2 * k.transpose(); // d_a × n_k
    Matrix scores(q.rows(), k.rows());
    for (Eigen::Index i = 0; i < q.rows(); ++i) {
        auto row = scores.row(i).array();
        row.setZero();
        for (Eigen::Index a = 0; a < keysT.rows(); ++a)
            row += params.v(a) * (keysT.row(a).array() + projectedQ(i, a)).tanh();
    }
    return scores;
}

} // namespace

Matrix computeScores(ScoringFunction scoring, const Eigen::Ref<const Matrix>& q,
                     const Eigen::Ref<const Matrix>& k, const ScoringParams& params) {
    switch (scoring) {
    case ScoringFunction::Dot: {
        Matrix scores;
        scores.noalias() = q * k.transpose();
        return scores;
    }
    case ScoringFunction::ScaledDot: {
        // Divided in place after the product (not folded into it), so S is exactly
        // (q·k) / √d_k of the dot products.
        Matrix scores;
        scores.noalias() = q * k.transpose();
        scores /= std::sqrt(static_cast<float>(q.cols()));
        return scores;
    }
    case ScoringFunction::General: {
        Matrix qa;
        qa.noalias() = q * params.wa;
        Matrix scores;
        scores.noalias() = qa * k.transpose();
        return scores;
    }
    case ScoringFunction::Additive:
        return additiveScores(q, k, params);
    case ScoringFunction::Cosine:
        return params.scale * (unitRows(q) * unitRows(k).transpose());
    }
    return Matrix::Zero(q.rows(), k.rows());
}

} // namespace attnlab::core
