#pragma once
// The stages of one head's computation as a class follows them on the board (attention-math.md,
// in order): X → W → Q, K, V → scores → logits → masked logits → weights → context. The stages
// are the matrices of the built-in model's trace and maps; for a scaled product the unscaled
// products QKᵀ are shown as a stage of their own. traceSources() says which rows and columns of
// the earlier stages a selected cell came from.

#include "core/model/builtin_model.h"

#include <vector>

namespace attnlab::core {

enum class StageKind {
    QueryInputs, ///< X (self-attention) or X_q (cross): embeddings after positional encoding
    KeyInputs,   ///< X_k, cross-attention only
    Wq,
    Wk,
    Wv,
    Q,
    K,
    V,
    ScoringWa,    ///< general: W_a
    ScoringW1,    ///< additive: W₁
    ScoringW2,    ///< additive: W₂
    ScoringV,     ///< additive: v, as a d_a × 1 column
    DotProducts,  ///< Q Kᵀ before the division (scaled-dot and cosine only)
    Scores,       ///< S = score(Q, K)
    Logits,       ///< S / T (+ ALiBi bias), before the mask
    MaskedLogits, ///< the logits with masked cells −∞
    Weights,      ///< A = norm(L)
    Context,      ///< C = A V
};

/// What the rows or columns of a stage are.
enum class StageAxis {
    QueryTokens, ///< one per query token
    KeyTokens,   ///< one per key token
    ModelDims,   ///< d_model dimensions of the embeddings
    HeadDims,    ///< d_k (= d_v) dimensions of a head
    HiddenDims,  ///< d_a dimensions of the additive score
    Single,      ///< a single column
};

struct Stage {
    StageKind kind;
    Matrix values;
    StageAxis rows, cols;
};

/// The stages of head `head` in the order above, leaving out those that do not apply (KeyInputs
/// without a source sentence, scoring parameters the scoring function lacks, DotProducts for
/// scores that are not a scaled product). Throws InputError when `head` is out of range or the
/// output has no trace of it.
std::vector<Stage> stepStages(const ModelOutput& output, int head);

/// How a stage took part in producing a selected cell.
enum class Involvement {
    None,  ///< not used (or a later stage)
    Whole, ///< used as a whole
    Part,  ///< only the listed rows and columns
};

struct StageHighlight {
    Involvement involvement = Involvement::None;
    std::vector<int> rows;          ///< Part: rows that fed the cell
    std::vector<int> cols;          ///< Part: columns that fed the cell
    int cellRow = -1, cellCol = -1; ///< the selected cell, or the matching cell of an earlier
                                    ///< query × key stage; −1 when none
};

/// For cell (row, col) of stages[selected], the involvement of every stage (same order as
/// `stages`). The selected stage itself is Part with that cell; stages after it are None.
/// `cross` tells whether queries and keys come from different inputs.
std::vector<StageHighlight> traceSources(const std::vector<Stage>& stages, int selected, int row,
                                         int col, bool cross);

} // namespace attnlab::core
