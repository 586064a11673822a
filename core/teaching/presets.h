#pragma once
// The worked examples of the teaching material as complete configurations (attention-math.md,
// "Worked examples"), and the resizing rules of hand-typed matrices when the sentence or the
// widths change under them.

#include "core/model/builtin_model.h"

#include <string>
#include <string_view>
#include <vector>

namespace attnlab::core {

/// Built-in worked examples.
enum class Preset {
    /// Seed 001: softmax(XXᵀ)X for 早 / 上 / 好 (character tokens, d = 2, dot scores, identity
    /// projection); the first row of weights is exactly 0.4, 0.4, 0.2.
    ZaoShangHao,
    /// Seed 003: "The cat sat", d = 4, manual W_Q, W_K, W_V, scaled-dot scores, softmax.
    TheCatSat,
};

/// Every preset in menu order.
const std::vector<Preset>& allPresets();
/// Stable key for settings and lesson files: "seed001-zao-shang-hao", "seed003-the-cat-sat".
std::string_view toString(Preset preset);
/// Inverse of toString. Throws InputError naming the valid keys.
Preset parsePreset(std::string_view key);

/// The complete configuration of `preset`: sentence, tokenizer, manual embeddings and (when the
/// example has them) manual projections, one head, no mask, softmax, T = 1.
Config presetConfig(Preset preset);

/// Rows of hand-typed embeddings for the tokens `newTokens`, `width` columns wide (1 … 4096).
/// A token whose text appears in `oldTokens` keeps that row of `old` (the first unused one, so
/// repeated words keep their own rows in order); columns beyond old.cols() are 0. Other tokens
/// get their built-in lexicon vector at `width` (a hashed vector for words the lexicon lacks, 0
/// for width 1), rounded to 2 decimals so that a table printing 2 decimals shows exactly the
/// numbers in use. `oldTokens` may be shorter than old.rows() (extra rows are ignored).
Matrix fitManualEmbeddings(const Matrix& old, const std::vector<std::string>& oldTokens,
                           const std::vector<std::string>& newTokens, int width);

/// A projection matrix `rows` × `cols` that keeps the overlapping block of `old` and fills the
/// rest like the identity slice of `head` (attention-math.md, "Projection initialisations"):
/// entry (r, c) is 1 when r = (head·cols + c) mod rows.
Matrix fitManualProjection(const Matrix& old, int rows, int cols, int head);

/// The tokens `config` splits `text` into (texts only); empty for empty text. Throws InputError
/// like tokenize().
std::vector<std::string> tokenTexts(const std::string& text, const Config& config);

} // namespace attnlab::core
