#include "core/attention/scoring_backward.h"

#include <cassert>
#include <cmath>

namespace attnlab::core {
namespace {

// Rows scaled to unit length and the reciprocal norms; zero rows stay zero with reciprocal 0,
// which makes both their scores and their gradients 0.
void unitRows(const Eigen::Ref<const Matrix>& m, Matrix& unit, Vector& inverse) {
    const Vector norms = m.rowwise().norm();
    inverse = (norms.array() > 0.0f).select(norms.array().inverse(), 0.0f);
    unit = inverse.asDiagonal() * m;
}

// ∂/∂x of x/‖x‖ applied to g, row by row: (g − (g·x̂) x̂) / ‖x‖.
Matrix throughNormalisation(const Matrix& dUnit, const Matrix& unit, const Vector& inverse) {
    const Vector along = (dUnit.cwiseProduct(unit)).rowwise().sum();
    Matrix result = dUnit - along.asDiagonal() * unit;
    return inverse.asDiagonal() * result;
}

ScoringGradients additiveBackward(const Eigen::Ref<const Matrix>& q,
                                  const Eigen::Ref<const Matrix>& k, const ScoringParams& params,
                                  const Eigen::Ref<const Matrix>& dScores) {
    // S[i, j] = Σ_a v_a tanh(u_ia + w_ja) with u = q W_1ᵀ, w = k W_2ᵀ. With t = tanh(·) and
    // g_ija = dS_ij v_a (1 − t²): dv_a = Σ_ij dS_ij t_ija, du_ia = Σ_j g_ija, dw_ja = Σ_i g_ija.
    // Hidden unit by hidden unit, so every sum runs over contiguous rows of n_k keys.
    const Eigen::Index nq = q.rows();
    const Eigen::Index nk = k.rows();
    const Eigen::Index dA = params.w1.rows();
    Matrix u;
    u.noalias() = q * params.w1.transpose(); // n_q × d_a
    Matrix wT;
    wT.noalias() = params.w2 * k.transpose(); // d_a × n_k
    Matrix du(nq, dA);
    Matrix dwT = Matrix::Zero(dA, nk);
    Vector dv(dA);
    Eigen::Array<float, 1, Eigen::Dynamic> t(nk);
    Eigen::Array<float, 1, Eigen::Dynamic> g(nk);
    for (Eigen::Index a = 0; a < dA; ++a) {
        double dvSum = 0.0;
        for (Eigen::Index i = 0; i < nq; ++i) {
            t = (wT.row(a).array() + u(i, a)).tanh();
            const auto upstream = dScores.row(i).array();
            dvSum += static_cast<double>((upstream * t).sum());
            g = upstream * params.v(a) * (1.0f - t * t);
            du(i, a) = g.sum();
            dwT.row(a).array() += g;
        }
        dv(a) = static_cast<float>(dvSum);
    }
    ScoringGradients result;
    result.dq.noalias() = du * params.w1;              // n_q × d_k
    result.dk.noalias() = dwT.transpose() * params.w2; // n_k × d_k
    result.dparams.w1.noalias() = du.transpose() * q;  // d_a × d_k
    result.dparams.w2.noalias() = dwT * k;             // d_a × d_k
    result.dparams.v = dv;
    result.dparams.scale = 0.0f;
    return result;
}

} // namespace

ScoringGradients scoringBackward(ScoringFunction scoring, const Eigen::Ref<const Matrix>& q,
                                 const Eigen::Ref<const Matrix>& k, const ScoringParams& params,
                                 const Eigen::Ref<const Matrix>& dScores) {
    assert(dScores.rows() == q.rows() && dScores.cols() == k.rows());
    assert(q.cols() == k.cols());
    ScoringGradients result;
    result.dparams.scale = 0.0f;
    switch (scoring) {
    case ScoringFunction::Dot:
    case ScoringFunction::ScaledDot: {
        result.dq.noalias() = dScores * k;
        result.dk.noalias() = dScores.transpose() * q;
        if (scoring == ScoringFunction::ScaledDot) {
            // The forward divides the products by √d_k after forming them; so does this.
            const float root = std::sqrt(static_cast<float>(q.cols()));
            result.dq /= root;
            result.dk /= root;
        }
        return result;
    }
    case ScoringFunction::General: {
        // S = q W_a kᵀ: dq = dS k W_aᵀ, dk = dSᵀ q W_a, dW_a = qᵀ dS k.
        Matrix dsK;
        dsK.noalias() = dScores * k; // n_q × d_k
        Matrix qa;
        qa.noalias() = q * params.wa; // n_q × d_k
        result.dq.noalias() = dsK * params.wa.transpose();
        result.dk.noalias() = dScores.transpose() * qa;
        result.dparams.wa.noalias() = q.transpose() * dsK;
        return result;
    }
    case ScoringFunction::Additive:
        return additiveBackward(q, k, params, dScores);
    case ScoringFunction::Cosine: {
        Matrix qUnit, kUnit;
        Vector qInverse, kInverse;
        unitRows(q, qUnit, qInverse);
        unitRows(k, kUnit, kInverse);
        Matrix dqUnit;
        dqUnit.noalias() = params.scale * (dScores * kUnit);
        Matrix dkUnit;
        dkUnit.noalias() = params.scale * (dScores.transpose() * qUnit);
        result.dq = throughNormalisation(dqUnit, qUnit, qInverse);
        result.dk = throughNormalisation(dkUnit, kUnit, kInverse);
        return result;
    }
    }
    return result;
}

} // namespace attnlab::core
