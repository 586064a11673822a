#pragma once
// What the tests of the built-in model's whole pipeline share (test_attention,
// test_attention_pipeline): configs with manual embeddings, and straightforward per-cell loops in
// double precision written from docs/attention-math.md (products, scores, softmax, ALiBi slopes,
// one head from its projections to its context) that share no code with the model.

#include "core/attention/options.h"
#include "core/attention/scoring.h"
#include "core/base/random.h"
#include "core/base/types.h"
#include "core/model/builtin_model.h"
#include "model_testing.h"

#include <Eigen/Core>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace attnlab::testing::pipeline {

using core::Config;
using core::EmbeddingSource;
using core::Matrix;
using core::ModelOutput;
using core::PositionalEncoding;
using core::Random;
using core::ScoringFunction;
using core::ScoringParams;
using core::TokenizerMode;

/// Reference results are computed in double precision.
using Reference = Eigen::MatrixXd;

/// Tolerance of the comparisons with the reference loops.
inline constexpr double kTolerance = 1e-4;
inline constexpr double kNegInf = -std::numeric_limits<double>::infinity();

// ---- building configs ------------------------------------------------------------------------

// "t0 t1 … t{n-1}": one whitespace token per row of the manual embeddings.
inline std::string sentenceOf(int n, const char* stem = "t") {
    std::string text;
    for (int i = 0; i < n; ++i)
        text += (i ? " " : "") + std::string(stem) + std::to_string(i);
    return text;
}

/// Seeded N(0, stddev²) entries from the core's generator.
inline Matrix randomMatrix(int rows, int cols, std::uint64_t seed, double stddev = 1.0) {
    Random rng(seed);
    return rng.normalMatrix(rows, cols, stddev);
}

/// Self-attention over `xq`, or cross-attention from `xq` to `xk`, with manual embeddings and
/// whitespace tokens; everything else at its default.
inline Config manualConfig(const Matrix& xq, const std::optional<Matrix>& xk = std::nullopt) {
    Config config;
    config.embeddings = EmbeddingSource::Manual;
    config.tokenizer.mode = TokenizerMode::Whitespace;
    config.sentence = sentenceOf(static_cast<int>(xq.rows()), "q");
    config.manualQueryEmbeddings = xq;
    config.dModel = static_cast<int>(xq.cols());
    if (xk) {
        config.source = sentenceOf(static_cast<int>(xk->rows()), "k");
        config.manualKeyEmbeddings = *xk;
    }
    return config;
}

// ---- reference loops -------------------------------------------------------------------------

inline Reference product(const Matrix& a, const Matrix& b) {
    Reference c(a.rows(), b.cols());
    for (int i = 0; i < a.rows(); ++i)
        for (int j = 0; j < b.cols(); ++j) {
            double sum = 0.0;
            for (int k = 0; k < a.cols(); ++k)
                sum += static_cast<double>(a(i, k)) * static_cast<double>(b(k, j));
            c(i, j) = sum;
        }
    return c;
}

inline Reference productD(const Reference& a, const Matrix& b) {
    Reference c(a.rows(), b.cols());
    for (int i = 0; i < a.rows(); ++i)
        for (int j = 0; j < b.cols(); ++j) {
            double sum = 0.0;
            for (int k = 0; k < a.cols(); ++k)
                sum += a(i, k) * static_cast<double>(b(k, j));
            c(i, j) = sum;
        }
    return c;
}

inline double rowDot(const Matrix& a, int i, const Matrix& b, int j) {
    double sum = 0.0;
    for (int c = 0; c < a.cols(); ++c)
        sum += static_cast<double>(a(i, c)) * static_cast<double>(b(j, c));
    return sum;
}

// S[i, j] by the table of "Scores".
inline Reference loopScores(ScoringFunction scoring, const Matrix& q, const Matrix& k,
                            const ScoringParams& p) {
    const int dK = static_cast<int>(q.cols());
    Reference s(q.rows(), k.rows());
    for (int i = 0; i < q.rows(); ++i)
        for (int j = 0; j < k.rows(); ++j) {
            double value = 0.0;
            switch (scoring) {
            case ScoringFunction::Dot:
                value = rowDot(q, i, k, j);
                break;
            case ScoringFunction::ScaledDot:
                value = rowDot(q, i, k, j) / std::sqrt(static_cast<double>(dK));
                break;
            case ScoringFunction::General:
                for (int a = 0; a < dK; ++a)
                    for (int b = 0; b < dK; ++b)
                        value += static_cast<double>(q(i, a)) * p.wa(a, b) *
                                 static_cast<double>(k(j, b));
                break;
            case ScoringFunction::Additive:
                for (int a = 0; a < p.v.size(); ++a) {
                    double hidden = 0.0;
                    for (int c = 0; c < dK; ++c)
                        hidden += static_cast<double>(p.w1(a, c)) * q(i, c) +
                                  static_cast<double>(p.w2(a, c)) * k(j, c);
                    value += static_cast<double>(p.v(a)) * std::tanh(hidden);
                }
                break;
            case ScoringFunction::Cosine: {
                const double nq = std::sqrt(rowDot(q, i, q, i)), nk = std::sqrt(rowDot(k, j, k, j));
                value = (nq == 0.0 || nk == 0.0) ? 0.0 : p.scale * rowDot(q, i, k, j) / (nq * nk);
                break;
            }
            }
            s(i, j) = value;
        }
    return s;
}

inline Reference loopSoftmax(const Reference& logits) {
    Reference a = Reference::Zero(logits.rows(), logits.cols());
    for (int i = 0; i < logits.rows(); ++i) {
        double top = kNegInf;
        for (int j = 0; j < logits.cols(); ++j)
            top = std::max(top, logits(i, j));
        if (std::isinf(top))
            continue;
        double sum = 0.0;
        for (int j = 0; j < logits.cols(); ++j)
            sum += std::exp(logits(i, j) - top);
        for (int j = 0; j < logits.cols(); ++j)
            a(i, j) = std::exp(logits(i, j) - top) / sum;
    }
    return a;
}

// ALiBi slopes by the reference rule of Press et al. (see test_positional.cpp for the derivation).
inline std::vector<double> referenceSlopes(int n) {
    int closest = 1;
    while (closest * 2 <= n)
        closest *= 2;
    auto powerOfTwo = [](int m) {
        std::vector<double> s;
        for (int i = 1; i <= m; ++i)
            s.push_back(std::pow(2.0, -8.0 * i / m));
        return s;
    };
    if (closest == n)
        return powerOfTwo(n);
    std::vector<double> slopes = powerOfTwo(closest);
    const std::vector<double> doubled = referenceSlopes(2 * closest);
    for (int i = 0; static_cast<int>(slopes.size()) < n; i += 2)
        slopes.push_back(doubled[static_cast<std::size_t>(i)]);
    return slopes;
}

// Everything after the projections for one head, given the result's allowed mask.
struct HeadReference {
    Reference q, k, v, scores, logits, weights, context;
};

inline HeadReference referenceHead(const ModelOutput& r, const HeadView& head, int h) {
    const Config& c = r.config;
    HeadReference ref;
    ref.q = product(r.trace->queryInputs, head.wq);
    ref.k = product(r.trace->keyInputs, head.wk);
    ref.v = product(r.trace->keyInputs, head.wv);
    // Scores from the head's own Q and K (after RoPE if any), so that this checks the scoring step.
    ref.scores = loopScores(c.scoring, head.q, head.k, head.params);
    const int nq = static_cast<int>(ref.scores.rows()), nk = static_cast<int>(ref.scores.cols());
    const double slope = c.positional == PositionalEncoding::Alibi
                             ? referenceSlopes(c.heads)[static_cast<std::size_t>(h)]
                             : 0.0;
    ref.logits.resize(nq, nk);
    for (int i = 0; i < nq; ++i)
        for (int j = 0; j < nk; ++j)
            ref.logits(i, j) = r.maps.allowed(i, j)
                                   ? ref.scores(i, j) / c.temperature - slope * std::abs(i - j)
                                   : kNegInf;
    ref.weights = loopSoftmax(ref.logits);
    ref.context = productD(ref.weights, head.v);
    return ref;
}

inline Reference concatenatedContexts(const ModelOutput& r) {
    const int nq = static_cast<int>(r.trace->heads.front().context.rows());
    const int dv = static_cast<int>(r.trace->heads.front().context.cols());
    Reference concat(nq, dv * static_cast<int>(r.trace->heads.size()));
    for (std::size_t h = 0; h < r.trace->heads.size(); ++h)
        for (int i = 0; i < nq; ++i)
            for (int c = 0; c < dv; ++c)
                concat(i, static_cast<int>(h) * dv + c) = r.trace->heads[h].context(i, c);
    return concat;
}

inline void expectNoNaN(const ModelOutput& r) {
    for (const HeadView& head : headsOf(r)) {
        EXPECT_FALSE(head.q.hasNaN() || head.k.hasNaN() || head.v.hasNaN());
        EXPECT_FALSE(head.scores.hasNaN());
        EXPECT_FALSE(head.logits.hasNaN());
        EXPECT_FALSE(head.weights.hasNaN()) << head.weights;
        EXPECT_FALSE(head.context.hasNaN()) << head.context;
        EXPECT_FALSE(head.entropy.hasNaN()) << head.entropy;
    }
    EXPECT_FALSE(r.maps.mean[0].hasNaN());
    EXPECT_FALSE(r.maps.max[0].hasNaN());
    EXPECT_FALSE(r.trace->output.hasNaN());
}

inline int indexOfToken(const std::vector<core::MapToken>& tokens, const std::string& text) {
    for (std::size_t i = 0; i < tokens.size(); ++i)
        if (tokens[i].text == text)
            return static_cast<int>(i);
    return -1;
}

inline std::string tokenList(const std::vector<core::MapToken>& tokens) {
    std::string list;
    for (const auto& token : tokens)
        list += "[" + token.text + "]";
    return list;
}

} // namespace attnlab::testing::pipeline
