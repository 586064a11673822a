#pragma once
// Scoring functions S[i, j] = score(q_i, k_j) as registry entries (docs/attention-math.md#scores).
// Each entry carries everything the program knows about one function: its names, the formula
// the Steps page shows, how its parameters are made, the forward computation, its gradient for
// training and the arithmetic of one cell for the details. Adding a scoring function is one
// entry in scoring_functions.cpp (and its test); nothing else switches on the function.

#include "core/attention/options.h"
#include "core/base/types.h"

#include <cstdint>
#include <string_view>
#include <vector>

namespace attnlab::core {

/// The learned-or-chosen parameters of a scoring function for one head.
struct ScoringParams {
    Matrix wa;          ///< general: d_k × d_k
    Matrix w1;          ///< additive: d_a × d_k
    Matrix w2;          ///< additive: d_a × d_k
    Vector v;           ///< additive: d_a
    float scale = 1.0f; ///< cosine: s
};

/// Gradients of a loss with respect to q, k and the parameters, given ∂loss/∂S.
struct ScoringGradients {
    Matrix dq, dk;         ///< n_q × d_k, n_k × d_k
    ScoringParams dparams; ///< the fields the function has (wa, or w1, w2, v); scale is fixed
};

/// What makeScoringParams needs to know.
struct ScoringSetup {
    int dK = 1;                ///< head width d_k
    int dA = 1;                ///< additive hidden width d_a
    bool random = false;       ///< random projections: general's W_a is seeded, not identity
    float cosineScale = 10.0f; ///< cosine's s
    std::uint64_t seed = 42;   ///< base seed of the parameters
    int head = 0;              ///< head index (each head draws its own parameters)
};

/// A value in a step of arithmetic: a number the window formats (a parameter such as d_k or s
/// prints as typed, a result with the precision of the views), or a word (a normaliser's name).
struct ArithmeticValue {
    double number = 0;
    bool parameter = false;
    std::string_view word; ///< when not empty, the value is this word (translated) instead
};

/// One step of the arithmetic of a cell: a template ("q·k = %1", translated by the window) and
/// its values.
struct ArithmeticStep {
    std::string_view text;
    std::vector<ArithmeticValue> values;
};

/// One cell's arithmetic, for the details and the Steps page: q_i, k_j and what was computed.
struct ScoringCell {
    Eigen::Ref<const RowVector> q; ///< q_i
    Eigen::Ref<const RowVector> k; ///< k_j
    const ScoringParams& params;
    float score; ///< S[i, j] as computed
};

struct ScoringEntry {
    ScoringFunction id = ScoringFunction::Dot;
    std::string_view name = {};  ///< canonical name: command line, lessons, exports ("scaled-dot")
    std::string_view label = {}; ///< menu text, translated by the window ("Scaled dot  q·k/√d_k")
    std::string_view help = {};  ///< one sentence for tooltips and --help
    std::string_view formula = {};      ///< "score(q, k) = q · k / √d_k" for the Steps page
    std::string_view stageFormula = {}; ///< the stage's title on the Steps page ("S = Q·Kᵀ / √d_k")
    bool usesAdditiveWidth = false;    ///< d_a applies
    bool usesCosineScale = false;      ///< the cosine scale s applies
    bool showsDotProducts = false;     ///< the Steps page shows Q·Kᵀ as a stage before S (S is
                                       ///< made from the dot products: scaled-dot, cosine)
    bool scoresAreDotProducts = false; ///< S is Q·Kᵀ itself (dot)

    /// The head's parameters (empty matrices for functions without any).
    ScoringParams (*makeParams)(const ScoringSetup& setup) = nullptr;
    /// S = score(Q, K), n_q × n_k, for q: n_q × d_k and k: n_k × d_k.
    Matrix (*forward)(const Eigen::Ref<const Matrix>& q, const Eigen::Ref<const Matrix>& k,
                      const ScoringParams& params) = nullptr;
    /// Gradients given dS = ∂loss/∂S; null when the function has none.
    ScoringGradients (*backward)(const Eigen::Ref<const Matrix>& q,
                                 const Eigen::Ref<const Matrix>& k, const ScoringParams& params,
                                 const Eigen::Ref<const Matrix>& dScores) = nullptr;
    /// The steps from q_i and k_j to S[i, j] ("q·k = 3.2", "/√16 = 0.8").
    std::vector<ArithmeticStep> (*explain)(const ScoringCell& cell) = nullptr;
    /// The values of the formula's parameters for the Steps page ("(d_k = 16, √d_k = 4)"); an
    /// empty text when it has none.
    ArithmeticStep (*formulaValues)(const ScoringSetup& setup) = nullptr;
};

/// Every scoring function in menu order.
const std::vector<ScoringEntry>& scoringFunctions();
/// The entry of `scoring`. Asserts that it exists.
const ScoringEntry& scoringEntry(ScoringFunction scoring);

/// Parameters for one head (scoringEntry(scoring).makeParams).
ScoringParams makeScoringParams(ScoringFunction scoring, const ScoringSetup& setup);
ScoringParams makeScoringParams(ScoringFunction scoring, int dK, int dA, bool random,
                                float cosineScale, std::uint64_t seed, int head);
/// S = score(Q, K) (scoringEntry(scoring).forward).
Matrix computeScores(ScoringFunction scoring, const Eigen::Ref<const Matrix>& q,
                     const Eigen::Ref<const Matrix>& k, const ScoringParams& params);

} // namespace attnlab::core
