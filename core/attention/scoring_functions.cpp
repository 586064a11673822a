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

ScoringParams noParams(const ScoringSetup&) { return {}; }

// --- dot ---------------------------------------------------------------------------------------

Matrix dotForward(const Eigen::Ref<const Matrix>& q, const Eigen::Ref<const Matrix>& k,
                  const ScoringParams&) {
    return dotProducts(q, k);
}

std::vector<Message> dotExplain(const ScoringCell& cell) {
    return {message("q·k = %1", cell.score)};
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

std::vector<Message> scaledDotExplain(const ScoringCell& cell) {
    const auto dK = static_cast<int>(cell.q.size());
    return {message("q·k = %1", static_cast<float>(dot(cell))),
            message("/√%1 = %2", dK, cell.score)};
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

std::vector<Message> generalExplain(const ScoringCell& cell) {
    return {message("qᵀW_a k = %1", cell.score)};
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

std::vector<Message> additiveExplain(const ScoringCell& cell) {
    return {message("vᵀ tanh(W₁q + W₂k) = %1", cell.score)};
}

// --- cosine ------------------------------------------------------------------------------------

ScoringParams cosineParams(const ScoringSetup& setup) {
    ScoringParams params;
    params.scale = setup.cosineScale;
    return params;
}

// Rows scaled to unit length; zero rows stay zero so that their cosine scores are 0.
Matrix unitRows(const Eigen::Ref<const Matrix>& m) {
    const Vector norms = m.rowwise().norm();
    const Vector inverse = (norms.array() > 0.0f).select(norms.array().inverse(), 0.0f);
    return inverse.asDiagonal() * m;
}

Matrix cosineForward(const Eigen::Ref<const Matrix>& q, const Eigen::Ref<const Matrix>& k,
                     const ScoringParams& params) {
    return params.scale * (unitRows(q) * unitRows(k).transpose());
}

std::vector<Message> cosineExplain(const ScoringCell& cell) {
    const double norms = cell.q.cast<double>().norm() * cell.k.cast<double>().norm();
    const double cosine = norms > 0 ? dot(cell) / norms : 0.0;
    return {message("s·cos(q,k) = %1 × %2 = %3", cell.params.scale, static_cast<float>(cosine),
                    cell.score)};
}

std::vector<ScoringEntry> makeRegistry() {
    std::vector<ScoringEntry> entries;
    ScoringEntry dotEntry{ScoringFunction::Dot,
                          "dot",
                          translatable("Dot  q·k"),
                          translatable("Score = q·k; grows with d_k, so softmax saturates for "
                                       "wide heads."),
                          translatable("score(q, k) = q · k"),
                          translatable("S = Q·Kᵀ"),
                          false,
                          false,
                          false,
                          noParams,
                          dotForward};
    dotEntry.explain = dotExplain;
    entries.push_back(dotEntry);

    ScoringEntry scaled{ScoringFunction::ScaledDot,
                        "scaled-dot",
                        translatable("Scaled dot  q·k/√d_k"),
                        translatable("Score = q·k / √d_k, the Transformer's choice, which keeps "
                                     "the variance of scores near 1."),
                        translatable("score(q, k) = q · k / √d_k"),
                        translatable("S = Q·Kᵀ / √d_k"),
                        false,
                        false,
                        true,
                        noParams,
                        scaledDotForward};
    scaled.explain = scaledDotExplain;
    entries.push_back(scaled);

    ScoringEntry general{ScoringFunction::General,
                         "general",
                         translatable("General  q·W·k"),
                         translatable("Score = q·W_a·kᵀ with a learned (here identity or seeded "
                                      "random) matrix W_a (Luong)."),
                         translatable("score(q, k) = q · W_a · kᵀ"),
                         translatable("S = Q·W_a·Kᵀ"),
                         false,
                         false,
                         false,
                         generalParams,
                         generalForward};
    general.explain = generalExplain;
    entries.push_back(general);

    ScoringEntry additive{ScoringFunction::Additive,
                          "additive",
                          translatable("Additive (Bahdanau)"),
                          translatable("Score = vᵀ·tanh(W₁q + W₂k), a small network over each "
                                       "pair (Bahdanau)."),
                          translatable("score(q, k) = vᵀ · tanh(W₁q + W₂k)"),
                          translatable("S = vᵀ·tanh(W₁q + W₂k)"),
                          true,
                          false,
                          false,
                          additiveParams,
                          additiveForward};
    additive.explain = additiveExplain;
    entries.push_back(additive);

    ScoringEntry cosine{ScoringFunction::Cosine,
                        "cosine",
                        translatable("Cosine  s·cos(q, k)"),
                        translatable("Score = s·cos(q, k) with s = 10: only the directions of q "
                                     "and k count."),
                        translatable("score(q, k) = s · (q · k) / (‖q‖ ‖k‖)"),
                        translatable("S = s · cos(q, k)"),
                        false,
                        true,
                        true,
                        cosineParams,
                        cosineForward};
    cosine.explain = cosineExplain;
    entries.push_back(cosine);
    return entries;
}

} // namespace

const std::vector<ScoringEntry>& scoringFunctions() {
    static const std::vector<ScoringEntry> entries = makeRegistry();
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
