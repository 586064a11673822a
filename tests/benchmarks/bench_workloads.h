#pragma once
// Workloads shared by the benchmarks: long sentences of a chosen token count and the honest
// floating-point operation count of one core::runBuiltin call.

#include "core/attention/options.h"
#include "core/model/builtin_model.h"

#include <string>
#include <string_view>

namespace attnlab::bench {

/// A sentence of exactly `tokens` word tokens (ICU word mode): common words of the built-in
/// lexicon, with a few absent ones so that hashed stand-in vectors are part of the work too.
inline std::string generatedSentence(int tokens) {
    static constexpr std::string_view kWords[] = {
        "the",   "cat",       "sat",    "on",      "mat",  "and",   "the",     "animal", "did",
        "not",   "cross",     "street", "because", "it",   "was",   "too",     "tired",  "a",
        "dog",   "saw",       "bird",   "in",      "tree", "we",    "love",    "deep",   "learning",
        "zorbl", "attention", "is",     "all",     "you",  "need",  "quick",   "brown",  "fox",
        "jumps", "over",      "lazy",   "river",   "bank", "money", "water",   "good",   "morning",
        "qwyx",  "model",     "reads",  "every",   "word", "of",    "sentence"};
    std::string text;
    text.reserve(static_cast<std::size_t>(tokens) * 6);
    for (int i = 0; i < tokens; ++i) {
        if (i > 0)
            text += ' ';
        text += kWords[static_cast<std::size_t>(i) % std::size(kWords)];
    }
    return text;
}

/// Floating-point operations of the matrix products of one runBuiltin() of `config` with n_q = n_k
/// = n tokens (2 per multiply-add): the Q, K, V projections, the scores, the context vectors and
/// the output projection. Element-wise work (tanh, mask, normaliser, entropy, combined maps) is
/// not counted, so it shows as a lower rate rather than as free operations. The additive block
/// counts its add and the v-weighted sum (3 per element of n_q × n_k × d_a), not the tanh.
inline double attentionFlops(int n, int dModel, int heads, core::ScoringFunction scoring) {
    const double nd = n;
    const double dK = static_cast<double>(dModel) / heads;
    const double dA = dK;
    const double projections = 3.0 * 2.0 * nd * dModel * dK;
    double scores = 2.0 * nd * nd * dK;
    switch (scoring) {
    case core::ScoringFunction::Dot:
    case core::ScoringFunction::ScaledDot:
        break;
    case core::ScoringFunction::General:
        scores += 2.0 * nd * dK * dK;
        break;
    case core::ScoringFunction::Additive:
        scores = 2.0 * 2.0 * nd * dK * dA + 3.0 * nd * nd * dA;
        break;
    case core::ScoringFunction::Cosine:
        scores += 2.0 * 2.0 * nd * dK;
        break;
    }
    const double context = 2.0 * nd * nd * dK;
    const double output = 2.0 * nd * (heads * dK) * dModel;
    return heads * (projections + scores + context) + output;
}

} // namespace attnlab::bench
