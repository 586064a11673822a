// The scoring functions of the program, one registry entry each (docs/attention-math.md#scores).
// To add one: write its entry here (names, formula, parameters, forward, backward, explain) and
// a test in tests/core/test_scoring.cpp; menus, the command line, lessons, exports and the Steps
// page read this table.

#include "core/attention/scoring.h"

#include "core/base/random.h"

#include <cassert>
#include <cmath>

namespace attnlab::core {
namespace {

Matrix dotProducts(const Eigen::Ref<const Matrix>& q, const Eigen::Ref<const Matrix>& k) {
    Matrix scores;
    scores.noalias() = q * k.transpose();
    return scores;
}

double dot(const ScoringCell& cell) {
    return cell.q.cast<double>().dot(cell.k.cast<double>());
}

ScoringParams noParams(const ScoringSetup&) {
    return {};
}

// --- dot ---------------------------------------------------------------------------------------

Matrix dotForward(const Eigen::Ref<const Matrix>& q, const Eigen::Ref<const Matrix>& k,
                  const ScoringParams&) {
    return dotProducts(q, k);
}

ArithmeticValue result(double value) {
    return {value, false, {}};
}
ArithmeticValue parameter(double value) {
    return {value, true, {}};
}

std::vector<ArithmeticStep> dotExplain(const ScoringCell& cell) {
    return {{"q·k = %1", {result(cell.score)}}};
}

// --- scaled-dot --------------------------------------------------------------------------------

Matrix scaledDotForward(const Eigen::Ref<const Matrix>& q, const Eigen::Ref<const Matrix>& k,
                        const ScoringParams&) {
    // Divided in place after the product (not folded into it), so S is exactly (q·k) / √d_k of
    // the dot products.
    Matrix scores = dotProducts(q, k);
    scores /= std::sqrt(static_cast<float>(q.cols()));
    return scores;
}

std::vector<ArithmeticStep> scaledDotExplain(const ScoringCell& cell) {
    return {{"q·k = %1", {result(dot(cell))}},
            {"/√%1 = %2", {parameter(static_cast<double>(cell.q.size())), result(cell.score)}}};
}

// --- general -----------------------------------------------------------------------------------

ScoringParams generalParams(const ScoringSetup& setup) {
    ScoringParams params;
    if (setup.random) {
        Random rng(deriveSeed(setup.seed, "w_a", setup.head));
        params.wa =
            rng.normalMatrix(setup.dK, setup.dK, 1.0 / std::sqrt(static_cast<double>(setup.dK)));
    } else {
        params.wa = Matrix::Identity(setup.dK, setup.dK);
    }
    return params;
}

Matrix generalForward(const Eigen::Ref<const Matrix>& q, const Eigen::Ref<const Matrix>& k,
                      const ScoringParams& params) {
    Matrix qa;
    qa.noalias() = q * params.wa;
    return dotProducts(qa, k);
}

std::vector<ArithmeticStep> generalExplain(const ScoringCell& cell) {
    return {{"qᵀW_a k = %1", {result(cell.score)}}};
}

// --- additive ----------------------------------------------------------------------------------

ScoringParams additiveParams(const ScoringSetup& setup) {
    // W_1, W_2 keep W·q at the scale of one entry of q, so tanh works in its curved range;
    // v ~ N(0, 1) lets the scores spread about as far as unscaled dot products do.
    const double inputScale = 1.0 / std::sqrt(static_cast<double>(setup.dK));
    Random rng1(deriveSeed(setup.seed, "w_1", setup.head));
    Random rng2(deriveSeed(setup.seed, "w_2", setup.head));
    Random rngV(deriveSeed(setup.seed, "v", setup.head));
    ScoringParams params;
    params.w1 = rng1.normalMatrix(setup.dA, setup.dK, inputScale);
    params.w2 = rng2.normalMatrix(setup.dA, setup.dK, inputScale);
    params.v = rngV.normalMatrix(setup.dA, 1, 1.0);
    return params;
}

Matrix additiveForward(const Eigen::Ref<const Matrix>& q, const Eigen::Ref<const Matrix>& k,
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

std::vector<ArithmeticStep> additiveExplain(const ScoringCell& cell) {
    return {{"vᵀ tanh(W₁q + W₂k) = %1", {result(cell.score)}}};
}

// --- cosine ------------------------------------------------------------------------------------

ScoringParams cosineParams(const ScoringSetup& setup) {
    ScoringParams params;
    params.scale = setup.cosineScale;
    return params;
}

// Rows scaled to unit length; zero rows stay zero so that their cosine scores are 0. Each row is
// first divided by its largest magnitude: the norm of a row of finite values near the float
// limit (3e38) is itself beyond it, so the plain x / ‖x‖ would make every score 0.
Matrix unitRows(const Eigen::Ref<const Matrix>& m) {
    Matrix unit = m;
    for (Eigen::Index r = 0; r < m.rows(); ++r) {
        const float largest = m.row(r).cwiseAbs().maxCoeff();
        if (!(largest > 0.0f)) {
            unit.row(r).setZero();
            continue;
        }
        unit.row(r) /= largest;
        unit.row(r) /= unit.row(r).norm();
    }
    return unit;
}

Matrix cosineForward(const Eigen::Ref<const Matrix>& q, const Eigen::Ref<const Matrix>& k,
                     const ScoringParams& params) {
    return params.scale * (unitRows(q) * unitRows(k).transpose());
}

std::vector<ArithmeticStep> cosineExplain(const ScoringCell& cell) {
    const double norms = cell.q.cast<double>().norm() * cell.k.cast<double>().norm();
    const double cosine = norms > 0 ? dot(cell) / norms : 0.0;
    return {{"s·cos(q,k) = %1 × %2 = %3",
             {parameter(cell.params.scale), result(cosine), result(cell.score)}}};
}

// --- backward passes (docs/attention-math.md#gradients): given dS = ∂loss/∂S, the gradients of
// q, k and the trainable parameters. scale (cosine) is not trained and gets 0.

// Rows scaled to unit length and the reciprocal norms; zero rows stay zero with reciprocal 0,
// which makes both their scores and their gradients 0.
void unitRows(const Eigen::Ref<const Matrix>& m, Matrix& unit, Vector& inverse) {
    const Vector norms = m.rowwise().norm();
    inverse = (norms.array() > 0.0f).select(norms.array().inverse(), 0.0f);
    unit = unitRows(m);
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

ScoringGradients dotBackward(const Eigen::Ref<const Matrix>& q, const Eigen::Ref<const Matrix>& k,
                             const ScoringParams&, const Eigen::Ref<const Matrix>& dScores) {
    ScoringGradients result;
    result.dparams.scale = 0.0f;
    result.dq.noalias() = dScores * k;
    result.dk.noalias() = dScores.transpose() * q;
    return result;
}

ScoringGradients scaledDotBackward(const Eigen::Ref<const Matrix>& q,
                                   const Eigen::Ref<const Matrix>& k, const ScoringParams& params,
                                   const Eigen::Ref<const Matrix>& dScores) {
    // The forward divides the products by √d_k after forming them; so does this.
    ScoringGradients result = dotBackward(q, k, params, dScores);
    const float root = std::sqrt(static_cast<float>(q.cols()));
    result.dq /= root;
    result.dk /= root;
    return result;
}

ScoringGradients generalBackward(const Eigen::Ref<const Matrix>& q,
                                 const Eigen::Ref<const Matrix>& k, const ScoringParams& params,
                                 const Eigen::Ref<const Matrix>& dScores) {
    // S = q W_a kᵀ: dq = dS k W_aᵀ, dk = dSᵀ q W_a, dW_a = qᵀ dS k.
    ScoringGradients result;
    result.dparams.scale = 0.0f;
    Matrix dsK;
    dsK.noalias() = dScores * k; // n_q × d_k
    Matrix qa;
    qa.noalias() = q * params.wa; // n_q × d_k
    result.dq.noalias() = dsK * params.wa.transpose();
    result.dk.noalias() = dScores.transpose() * qa;
    result.dparams.wa.noalias() = q.transpose() * dsK;
    return result;
}

ScoringGradients cosineBackward(const Eigen::Ref<const Matrix>& q,
                                const Eigen::Ref<const Matrix>& k, const ScoringParams& params,
                                const Eigen::Ref<const Matrix>& dScores) {
    ScoringGradients result;
    result.dparams.scale = 0.0f;
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

std::vector<ScoringEntry> makeScoringRegistry() {
    std::vector<ScoringEntry> entries;

    ScoringEntry dotEntry;
    dotEntry.id = ScoringFunction::Dot;
    dotEntry.name = "dot";
    dotEntry.label = translatable("Dot  q·k");
    dotEntry.help =
        translatable("Score = q·k; grows with d_k, so softmax saturates for wide heads.");
    dotEntry.formula = translatable("score(q, k) = q · k");
    dotEntry.stageFormula = translatable("S = Q·Kᵀ");
    dotEntry.scoresAreDotProducts = true;
    dotEntry.makeParams = noParams;
    dotEntry.forward = dotForward;
    dotEntry.backward = dotBackward;
    dotEntry.explain = dotExplain;
    entries.push_back(dotEntry);

    ScoringEntry scaled;
    scaled.id = ScoringFunction::ScaledDot;
    scaled.name = "scaled-dot";
    scaled.label = translatable("Scaled dot  q·k/√d_k");
    scaled.help = translatable("Score = q·k / √d_k, the Transformer's choice, which keeps the "
                               "variance of scores near 1.");
    scaled.formula = translatable("score(q, k) = q · k / √d_k");
    scaled.stageFormula = translatable("S = Q·Kᵀ / √d_k");
    scaled.showsDotProducts = true;
    scaled.makeParams = noParams;
    scaled.forward = scaledDotForward;
    scaled.backward = scaledDotBackward;
    scaled.explain = scaledDotExplain;
    scaled.formulaValues = [](const ScoringSetup& setup) {
        return ArithmeticStep{
            translatable("   (d_k = %1, √d_k = %2)"),
            {parameter(setup.dK), result(std::sqrt(static_cast<double>(setup.dK)))}};
    };
    entries.push_back(scaled);

    ScoringEntry general;
    general.id = ScoringFunction::General;
    general.name = "general";
    general.label = translatable("General  q·W·k");
    general.help = translatable("Score = q·W_a·kᵀ with a learned (here identity or seeded random) "
                                "matrix W_a (Luong).");
    general.formula = translatable("score(q, k) = q · W_a · kᵀ");
    general.stageFormula = translatable("S = Q·W_a·Kᵀ");
    general.makeParams = generalParams;
    general.forward = generalForward;
    general.backward = generalBackward;
    general.explain = generalExplain;
    entries.push_back(general);

    ScoringEntry additive;
    additive.id = ScoringFunction::Additive;
    additive.name = "additive";
    additive.label = translatable("Additive (Bahdanau)");
    additive.help = translatable("Score = vᵀ·tanh(W₁q + W₂k), a small network over each pair "
                                 "(Bahdanau).");
    additive.formula = translatable("score(q, k) = vᵀ · tanh(W₁q + W₂k)");
    additive.stageFormula = translatable("S = vᵀ·tanh(W₁q + W₂k)");
    additive.usesAdditiveWidth = true;
    additive.makeParams = additiveParams;
    additive.forward = additiveForward;
    additive.backward = additiveBackward;
    additive.explain = additiveExplain;
    additive.formulaValues = [](const ScoringSetup& setup) {
        return ArithmeticStep{translatable("   (d_a = %1)"), {parameter(setup.dA)}};
    };
    entries.push_back(additive);

    ScoringEntry cosine;
    cosine.id = ScoringFunction::Cosine;
    cosine.name = "cosine";
    cosine.label = translatable("Cosine  s·cos(q, k)");
    cosine.help = translatable("Score = s·cos(q, k) with s = 10: only the directions of q and k "
                               "count.");
    cosine.formula = translatable("score(q, k) = s · (q · k) / (‖q‖ ‖k‖)");
    cosine.stageFormula = translatable("S = s · cos(q, k)");
    cosine.usesCosineScale = true;
    cosine.showsDotProducts = true;
    cosine.makeParams = cosineParams;
    cosine.forward = cosineForward;
    cosine.backward = cosineBackward;
    cosine.explain = cosineExplain;
    cosine.formulaValues = [](const ScoringSetup& setup) {
        return ArithmeticStep{translatable("   (s = %1)"), {parameter(setup.cosineScale)}};
    };
    entries.push_back(cosine);
    return entries;
}

} // namespace

const std::vector<ScoringEntry>& scoringFunctions() {
    static const std::vector<ScoringEntry> entries = makeScoringRegistry();
    return entries;
}

const ScoringEntry& scoringEntry(ScoringFunction scoring) {
    for (const ScoringEntry& entry : scoringFunctions())
        if (entry.id == scoring)
            return entry;
    assert(false && "a scoring function without a registry entry");
    return scoringFunctions().front();
}

ScoringParams makeScoringParams(ScoringFunction scoring, const ScoringSetup& setup) {
    return scoringEntry(scoring).makeParams(setup);
}

ScoringParams makeScoringParams(ScoringFunction scoring, int dK, int dA, bool random,
                                float cosineScale, std::uint64_t seed, int head) {
    return makeScoringParams(scoring, ScoringSetup{dK, dA, random, cosineScale, seed, head});
}

Matrix computeScores(ScoringFunction scoring, const Eigen::Ref<const Matrix>& q,
                     const Eigen::Ref<const Matrix>& k, const ScoringParams& params) {
    return scoringEntry(scoring).forward(q, k, params);
}

} // namespace attnlab::core
