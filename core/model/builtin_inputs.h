#pragma once
// The inputs of the built-in layer (docs/attention-math.md, sections 2 and 3): each sentence
// as tokens and rows of X, the padding a padding mask asks for, and the projections W_q, W_k, W_v
// and W_o of each head, identity slices, seeded random matrices or the user's own.

#include "core/embeddings/embeddings.h"
#include "core/model/attention_maps.h"
#include "core/model/config.h"

#include <string>
#include <vector>

namespace attnlab::core::builtin {

/// One sentence turned into tokens and rows of X.
struct Side {
    std::vector<MapToken> tokens;
    Matrix x;
};

/// Tokenizes `text` and embeds it from `table`, or takes the rows of `manual` when it is given.
/// `key` is the setting of the text ("sentence" or "source"), which errors name. Throws
/// InputError for a text without tokens or manual rows that do not match its tokens.
Side embedSide(const std::string& text, const char* key, const Config& config,
               const EmbeddingTable* table, const Matrix* manual);

/// Appends [PAD] tokens (zero vectors) up to `length`; InputError when the sentence is longer.
void appendPadding(Side& side, int length);

/// Head h of the identity projection reads embedding dimensions [h·d_k, (h+1)·d_k), wrapping
/// around d_model when an explicit d_k makes H·d_k larger than d_model.
Matrix identitySlice(int dModel, int dK, int head);

/// The d_model × d_k projection `label` ("w_q", "w_k", "w_v") of `head` as the configuration's
/// projection setting gives it; `manual` holds the user's matrices, one per head.
Matrix projection(const Config& config, int dModel, int dK, int head, const char* label,
                  const std::vector<Matrix>& manual);

/// W_o (concatWidth × d_model): the user's, seeded random, or each head's context back to the
/// dimensions its identity slice was read from.
Matrix outputProjection(const Config& config, int dModel, int concatWidth);

} // namespace attnlab::core::builtin
