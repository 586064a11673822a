// The whole pipeline through runBuiltin() (attention-math.md, all sections): the worked examples,
// multi-head shapes and projections, masks, logits, combined weights and the output projection,
// each checked against a straightforward per-cell loop in double precision. Manual embeddings
// keep these tests independent of the built-in lexicon, except the seed-000 scenario which is
// about that lexicon.

#include "core/attention/options.h"
#include "core/attention/scoring.h"
#include "core/base/random.h"
#include "core/base/types.h"
#include "core/model/builtin_model.h"

#include "eigen_testing.h"
#include "model_testing.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

using attnlab::core::Config;
using attnlab::core::EmbeddingSource;
using attnlab::core::InputError;
using attnlab::core::maskedLogits;
using attnlab::core::MaskKind;
using attnlab::core::MaskSpec;
using attnlab::core::Matrix;
using attnlab::core::ModelOutput;
using attnlab::core::Normalizer;
using attnlab::core::PositionalEncoding;
using attnlab::core::ProjectionInit;
using attnlab::core::Random;
using attnlab::core::runBuiltin;
using attnlab::core::ScoringFunction;
using attnlab::core::ScoringParams;
using attnlab::core::TokenizerMode;
using attnlab::core::validate;
using attnlab::testing::headOf;
using attnlab::testing::headsOf;
using attnlab::testing::HeadView;

namespace {

using Reference = Eigen::MatrixXd;

constexpr double kTolerance = 1e-4;
constexpr double kNegInf = -std::numeric_limits<double>::infinity();

// ---- building configs ------------------------------------------------------------------------

// "t0 t1 … t{n-1}": one whitespace token per row of the manual embeddings.
std::string sentenceOf(int n, const char* stem = "t") {
    std::string text;
    for (int i = 0; i < n; ++i)
        text += (i ? " " : "") + std::string(stem) + std::to_string(i);
    return text;
}

Matrix randomMatrix(int rows, int cols, std::uint64_t seed, double stddev = 1.0) {
    Random rng(seed);
    return rng.normalMatrix(rows, cols, stddev);
}

Config manualConfig(const Matrix& xq, const std::optional<Matrix>& xk = std::nullopt) {
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

template <typename Fn> std::string inputErrorOf(Fn fn) {
    try {
        fn();
    } catch (const InputError& error) {
        return error.what();
    } catch (const std::exception& error) {
        return std::string("not an InputError: ") + error.what();
    }
    return "no exception";
}

// ---- reference loops -------------------------------------------------------------------------

Reference product(const Matrix& a, const Matrix& b) {
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

Reference productD(const Reference& a, const Matrix& b) {
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

double rowDot(const Matrix& a, int i, const Matrix& b, int j) {
    double sum = 0.0;
    for (int c = 0; c < a.cols(); ++c)
        sum += static_cast<double>(a(i, c)) * static_cast<double>(b(j, c));
    return sum;
}

// S[i, j] by the table of "Scores".
Reference loopScores(ScoringFunction scoring, const Matrix& q, const Matrix& k,
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

Reference loopSoftmax(const Reference& logits) {
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
std::vector<double> referenceSlopes(int n) {
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

HeadReference referenceHead(const ModelOutput& r, const HeadView& head, int h) {
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

Reference concatenatedContexts(const ModelOutput& r) {
    const int nq = static_cast<int>(r.trace->heads.front().context.rows());
    const int dv = static_cast<int>(r.trace->heads.front().context.cols());
    Reference concat(nq, dv * static_cast<int>(r.trace->heads.size()));
    for (std::size_t h = 0; h < r.trace->heads.size(); ++h)
        for (int i = 0; i < nq; ++i)
            for (int c = 0; c < dv; ++c)
                concat(i, static_cast<int>(h) * dv + c) = r.trace->heads[h].context(i, c);
    return concat;
}

void expectNoNaN(const ModelOutput& r) {
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

int indexOfToken(const std::vector<attnlab::core::MapToken>& tokens, const std::string& text) {
    for (std::size_t i = 0; i < tokens.size(); ++i)
        if (tokens[i].text == text)
            return static_cast<int>(i);
    return -1;
}

std::string tokenList(const std::vector<attnlab::core::MapToken>& tokens) {
    std::string list;
    for (const auto& token : tokens)
        list += "[" + token.text + "]";
    return list;
}

} // namespace

// ---- worked examples -------------------------------------------------------------------------

TEST(WorkedExample, Seed001ZaoShangHao) {
    // softmax(XXᵀ)X with a first row of weights 0.4, 0.4, 0.2. With x0 = (1, 0), x1 = (1, 1),
    // x2 = (1 − ln 2, 0.5): x0·x0 = 1 = x0·x1 and x0·x0 − x0·x2 = ln 2, so the first row of
    // exp(XXᵀ) is proportional to (1, 1, ½) → (0.4, 0.4, 0.2).
    const double ln2 = std::log(2.0);
    Matrix x(3, 2);
    x << 1.0f, 0.0f, //
        1.0f, 1.0f,  //
        static_cast<float>(1.0 - ln2), 0.5f;
    Config config = manualConfig(x);
    config.sentence = "早上好";
    config.tokenizer.mode = TokenizerMode::Char;
    config.scoring = ScoringFunction::Dot;
    config.heads = 1;
    config.projection = ProjectionInit::Identity;

    const ModelOutput r = runBuiltin(config);
    ASSERT_EQ(r.maps.queryTokens.size(), 3u) << tokenList(r.maps.queryTokens);
    EXPECT_EQ(r.maps.queryTokens[0].text, "早");
    EXPECT_EQ(r.maps.queryTokens[1].text, "上");
    EXPECT_EQ(r.maps.queryTokens[2].text, "好");
    EXPECT_EQ(r.trace->dK, 2);
    ASSERT_EQ(r.trace->heads.size(), 1u);
    const HeadView head = headOf(r, 0);

    ASSERT_EQ(head.weights.rows(), 3);
    ASSERT_EQ(head.weights.cols(), 3);
    EXPECT_NEAR(head.weights(0, 0), 0.4, 1e-5);
    EXPECT_NEAR(head.weights(0, 1), 0.4, 1e-5);
    EXPECT_NEAR(head.weights(0, 2), 0.2, 1e-5);

    // The whole of softmax(XXᵀ) and A X by hand loops.
    Reference gram(3, 3);
    for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j)
            gram(i, j) = rowDot(x, i, x, j);
    EXPECT_EIGEN_NEAR(head.scores, gram, kTolerance);
    const Reference a = loopSoftmax(gram);
    EXPECT_EIGEN_NEAR(head.weights, a, kTolerance);
    const Reference context = productD(a, x);
    EXPECT_EIGEN_NEAR(head.context, context, kTolerance);
    // First context row by hand: 0.4·x0 + 0.4·x1 + 0.2·x2.
    EXPECT_NEAR(head.context(0, 0), 0.4 + 0.4 + 0.2 * (1.0 - ln2), 1e-5);
    EXPECT_NEAR(head.context(0, 1), 0.4 + 0.1, 1e-5);
    // W_o is the identity: the output is the context.
    EXPECT_EIGEN_NEAR(r.trace->output, context, kTolerance);
}

TEST(WorkedExample, Seed003TheCatSat) {
    Matrix x(3, 4), wq(4, 4), wk(4, 4), wv(4, 4);
    x << 0.5f, 0.0f, 0.5f, 0.0f, //
        0.0f, 1.0f, 0.0f, 1.0f,  //
        0.5f, 0.5f, 0.5f, 0.5f;
    wq << 1, 0, 0, 1, //
        0, 1, 1, 0,   //
        1, 0, 1, 0,   //
        0, 1, 0, 1;
    wk << 0, 1, 0, 1, //
        1, 0, 1, 0,   //
        1, 1, 0, 0,   //
        0, 0, 1, 1;
    wv << 1, 0, 0, 2, //
        0, 1, 0, 0,   //
        0, 0, 1, 1,   //
        1, 0, -1, 0;
    Config config = manualConfig(x);
    config.sentence = "The cat sat";
    config.tokenizer.mode = TokenizerMode::Word;
    config.scoring = ScoringFunction::ScaledDot;
    config.projection = ProjectionInit::Manual;
    config.manual.wq = {wq};
    config.manual.wk = {wk};
    config.manual.wv = {wv};

    const ModelOutput r = runBuiltin(config);
    ASSERT_EQ(r.maps.queryTokens.size(), 3u) << tokenList(r.maps.queryTokens);
    EXPECT_EQ(r.maps.queryTokens[1].text, "cat");
    ASSERT_EQ(r.trace->heads.size(), 1u);
    const HeadView head = headOf(r, 0);

    // Step 1: Q = X W_Q, K = X W_K, V = X W_V, worked by hand.
    Reference q(3, 4), k(3, 4), v(3, 4);
    q << 1, 0, 0.5, 0.5, //
        0, 2, 1, 1,      //
        1, 1, 1, 1;
    k << 0.5, 1, 0, 0.5, //
        1, 0, 2, 1,      //
        1, 1, 1, 1;
    v << 0.5, 0, 0.5, 1.5, //
        1, 1, -1, 0,       //
        1, 0.5, 0, 1.5;
    EXPECT_EIGEN_NEAR(head.q, q, 1e-6);
    EXPECT_EIGEN_NEAR(head.k, k, 1e-6);
    EXPECT_EIGEN_NEAR(head.v, v, 1e-6);
    EXPECT_EIGEN_NEAR(head.q, product(x, wq), 1e-6);
    EXPECT_EIGEN_NEAR(head.k, product(x, wk), 1e-6);
    EXPECT_EIGEN_NEAR(head.v, product(x, wv), 1e-6);

    // Step 2: scores Q Kᵀ / √4, then softmax row by row.
    Reference scores(3, 3);
    scores << 0.375, 1.25, 1.0, //
        1.25, 1.5, 2.0,         //
        1.0, 2.0, 2.0;
    EXPECT_EIGEN_NEAR(head.scores, scores, 1e-6);
    Reference loopScoresMatrix(3, 3);
    for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j)
            loopScoresMatrix(i, j) = [&] {
                double s = 0.0;
                for (int c = 0; c < 4; ++c)
                    s += q(i, c) * k(j, c);
                return s / 2.0;
            }();
    EXPECT_EIGEN_NEAR(head.scores, loopScoresMatrix, 1e-6);

    const Reference a = loopSoftmax(scores);
    EXPECT_EIGEN_NEAR(head.weights, a, 1e-5);
    EXPECT_NEAR(head.weights(0, 0), 0.189857, 1e-5);
    EXPECT_NEAR(head.weights(0, 1), 0.455443, 1e-5);
    EXPECT_NEAR(head.weights(0, 2), 0.354700, 1e-5);
    EXPECT_NEAR(head.weights(2, 1), head.weights(2, 2), 1e-6) << "equal scores, equal weights";

    // Step 3: context = A V.
    Reference context(3, 4);
    for (int i = 0; i < 3; ++i)
        for (int c = 0; c < 4; ++c) {
            double s = 0.0;
            for (int j = 0; j < 3; ++j)
                s += a(i, j) * v(j, c);
            context(i, c) = s;
        }
    EXPECT_EIGEN_NEAR(head.context, context, 1e-5);
    EXPECT_NEAR(head.context(0, 0), 0.905071, 1e-5);
    EXPECT_NEAR(head.context(1, 2), -0.178146, 1e-5);
    EXPECT_NEAR(head.context(2, 3), 0.866522, 1e-5);
    // No W_o given: identity-like, so the output is the context.
    EXPECT_EIGEN_NEAR(r.trace->output, context, 1e-5);
}

// ---- multi-head projections ------------------------------------------------------------------

TEST(MultiHead, IdentitySlicesReadTheirDimensions) {
    const Matrix x = randomMatrix(5, 8, 1);
    for (int heads : {1, 2, 4, 8}) {
        Config config = manualConfig(x);
        config.heads = heads;
        const ModelOutput r = runBuiltin(config);
        const int dK = 8 / heads;
        ASSERT_EQ(r.trace->dK, dK);
        ASSERT_EQ(static_cast<int>(r.trace->heads.size()), heads);
        for (int h = 0; h < heads; ++h) {
            SCOPED_TRACE(::testing::Message() << "H = " << heads << ", head " << h);
            const HeadView head = headOf(r, h);
            Reference slice(5, dK);
            for (int i = 0; i < 5; ++i)
                for (int c = 0; c < dK; ++c)
                    slice(i, c) = x(i, h * dK + c);
            EXPECT_EIGEN_NEAR(head.q, slice, 0.0);
            EXPECT_EIGEN_NEAR(head.k, slice, 0.0);
            EXPECT_EIGEN_NEAR(head.v, slice, 0.0);
            Reference selection = Reference::Zero(8, dK);
            for (int c = 0; c < dK; ++c)
                selection(h * dK + c, c) = 1.0;
            EXPECT_EIGEN_NEAR(head.wq, selection, 0.0);
            EXPECT_EIGEN_NEAR(head.wk, selection, 0.0);
            EXPECT_EIGEN_NEAR(head.wv, selection, 0.0);
        }
        // Identity slices and identity W_o: the output is the concatenated contexts.
        EXPECT_EIGEN_NEAR(r.trace->output, concatenatedContexts(r), kTolerance);
    }
}

TEST(MultiHead, RandomProjectionIsDeterministicPerSeed) {
    const Matrix x = randomMatrix(4, 8, 2);
    Config config = manualConfig(x);
    config.heads = 2;
    config.projection = ProjectionInit::Random;
    config.seed = 7;
    const ModelOutput a = runBuiltin(config);
    const ModelOutput b = runBuiltin(config);
    config.seed = 8;
    const ModelOutput c = runBuiltin(config);
    for (std::size_t h = 0; h < 2; ++h) {
        EXPECT_EIGEN_NEAR(a.trace->heads[h].wq, b.trace->heads[h].wq, 0.0);
        EXPECT_EIGEN_NEAR(a.trace->heads[h].wk, b.trace->heads[h].wk, 0.0);
        EXPECT_EIGEN_NEAR(a.trace->heads[h].wv, b.trace->heads[h].wv, 0.0);
        EXPECT_EIGEN_NEAR(a.maps.weights[h], b.maps.weights[h], 0.0);
        EXPECT_FALSE(a.trace->heads[h].wq.isApprox(c.trace->heads[h].wq))
            << "seed 7 and 8 give the same W_q";
        EXPECT_FALSE(a.trace->heads[h].wk.isApprox(c.trace->heads[h].wk))
            << "seed 7 and 8 give the same W_k";
        EXPECT_FALSE(a.trace->heads[h].wv.isApprox(c.trace->heads[h].wv))
            << "seed 7 and 8 give the same W_v";
        EXPECT_EQ(a.trace->heads[h].wq.rows(), 8);
        EXPECT_EQ(a.trace->heads[h].wq.cols(), 4);
        // Q_h = X W_q^h, K_h = X W_k^h, V_h = X W_v^h.
        EXPECT_EIGEN_NEAR(a.trace->heads[h].q, product(x, a.trace->heads[h].wq), kTolerance);
        EXPECT_EIGEN_NEAR(a.trace->heads[h].k, product(x, a.trace->heads[h].wk), kTolerance);
        EXPECT_EIGEN_NEAR(a.trace->heads[h].v, product(x, a.trace->heads[h].wv), kTolerance);
    }
    EXPECT_EIGEN_NEAR(a.trace->output, b.trace->output, 0.0);
    EXPECT_FALSE(a.trace->heads[0].wq.isApprox(a.trace->heads[1].wq))
        << "both heads got the same W_q";
    EXPECT_FALSE(a.trace->heads[0].wq.isApprox(a.trace->heads[0].wk))
        << "W_q and W_k are the same matrix";
}

TEST(MultiHead, RandomProjectionIsXavierNormal) {
    // Entries N(0, 1/d_model): d_model = 64, one head, 64×64 = 4096 entries per matrix.
    const Matrix x = randomMatrix(3, 64, 3);
    Config config = manualConfig(x);
    config.projection = ProjectionInit::Random;
    const ModelOutput r = runBuiltin(config);
    for (const Matrix* w : {&r.trace->heads[0].wq, &r.trace->heads[0].wk, &r.trace->heads[0].wv}) {
        double sum = 0.0, squares = 0.0;
        for (int i = 0; i < w->rows(); ++i)
            for (int j = 0; j < w->cols(); ++j) {
                sum += (*w)(i, j);
                squares += static_cast<double>((*w)(i, j)) * (*w)(i, j);
            }
        const double n = static_cast<double>(w->size());
        const double mean = sum / n;
        EXPECT_NEAR(mean, 0.0, 0.01);
        EXPECT_NEAR(squares / n - mean * mean, 1.0 / 64, 0.15 / 64);
    }
}

TEST(MultiHead, ManualOutputProjection) {
    const Matrix x = randomMatrix(3, 4, 4);
    Config config = manualConfig(x);
    config.heads = 2;
    config.projection = ProjectionInit::Manual;
    for (int h = 0; h < 2; ++h) {
        config.manual.wq.push_back(randomMatrix(4, 2, 10 + static_cast<std::uint64_t>(h)));
        config.manual.wk.push_back(randomMatrix(4, 2, 20 + static_cast<std::uint64_t>(h)));
        config.manual.wv.push_back(randomMatrix(4, 2, 30 + static_cast<std::uint64_t>(h)));
    }
    config.manual.wo = randomMatrix(4, 4, 40);
    const ModelOutput r = runBuiltin(config);
    EXPECT_EIGEN_NEAR(r.trace->wo, *config.manual.wo, 0.0);
    for (int h = 0; h < 2; ++h) {
        const HeadView head = headOf(r, h);
        const HeadReference ref = referenceHead(r, head, h);
        EXPECT_EIGEN_NEAR(head.q, ref.q, kTolerance);
        EXPECT_EIGEN_NEAR(head.weights, ref.weights, kTolerance);
        EXPECT_EIGEN_NEAR(head.context, ref.context, kTolerance);
    }
    // O = [C_1 C_2] W_o.
    EXPECT_EIGEN_NEAR(r.trace->output, productD(concatenatedContexts(r), *config.manual.wo),
                      kTolerance);
}

// ---- settings that must be refused -----------------------------------------------------------

TEST(Validate, DModelNotDivisibleByHeads) {
    const Matrix x = randomMatrix(3, 10, 5);
    Config config = manualConfig(x);
    config.heads = 3;
    EXPECT_THROW(runBuiltin(config), InputError);

    Config builtin;
    builtin.dModel = 10;
    builtin.heads = 3;
    EXPECT_THROW(runBuiltin(builtin), InputError);
    // Config::dK: "0 (default) = d_model / H, must divide" — a setting validate() can check.
    EXPECT_THROW(validate(builtin), InputError) << "validate accepts d_model 10 with 3 heads";

    // With d_k set explicitly it is not an error.
    config.dK = 4;
    EXPECT_NO_THROW(runBuiltin(config));
}

TEST(Validate, HeadsOutOfRange) {
    const Matrix x = randomMatrix(3, 16, 6);
    for (int heads : {0, 17, -1}) {
        Config config = manualConfig(x);
        config.heads = heads;
        EXPECT_THROW(validate(config), InputError) << "H = " << heads;
        EXPECT_THROW(runBuiltin(config), InputError) << "H = " << heads;
    }
    for (int heads : {1, 16}) {
        Config config = manualConfig(x);
        config.heads = heads;
        EXPECT_NO_THROW(validate(config)) << "H = " << heads;
        EXPECT_NO_THROW(runBuiltin(config)) << "H = " << heads;
    }
}

TEST(Validate, TemperatureMustBePositive) {
    const Matrix x = randomMatrix(3, 4, 7);
    for (float t : {0.0f, -1.0f, -1e-3f, std::numeric_limits<float>::quiet_NaN()}) {
        Config config = manualConfig(x);
        config.temperature = t;
        EXPECT_THROW(validate(config), InputError) << "T = " << t;
        EXPECT_THROW(runBuiltin(config), InputError) << "T = " << t;
    }
}

TEST(Validate, CausalInCrossAttention) {
    Config config = manualConfig(randomMatrix(3, 4, 8), randomMatrix(5, 4, 9));
    config.mask.kind = MaskKind::Causal;
    EXPECT_THROW(runBuiltin(config), InputError);
}

TEST(Validate, ErrorsNameTheSetting) {
    Config config = manualConfig(randomMatrix(3, 4, 10));
    config.heads = 17;
    const std::string message = inputErrorOf([&] { validate(config); });
    EXPECT_NE(message.find("head"), std::string::npos) << message;
}

// ---- cross-attention and the full pipeline ---------------------------------------------------

TEST(Pipeline, CrossAttentionShapes) {
    const int nq = 3, nk = 5, dModel = 6, heads = 2, dK = 3;
    Config config = manualConfig(randomMatrix(nq, dModel, 11), randomMatrix(nk, dModel, 12));
    config.heads = heads;
    config.projection = ProjectionInit::Random;
    const ModelOutput r = runBuiltin(config);
    EXPECT_TRUE(r.maps.cross);
    EXPECT_EQ(r.maps.queryTokens.size(), static_cast<std::size_t>(nq));
    EXPECT_EQ(r.maps.keyTokens.size(), static_cast<std::size_t>(nk));
    ASSERT_EQ(r.trace->heads.size(), static_cast<std::size_t>(heads));
    for (const HeadView& head : headsOf(r)) {
        EXPECT_EQ(head.q.rows(), nq);
        EXPECT_EQ(head.q.cols(), dK);
        EXPECT_EQ(head.k.rows(), nk);
        EXPECT_EQ(head.k.cols(), dK);
        EXPECT_EQ(head.v.rows(), nk);
        EXPECT_EQ(head.v.cols(), dK);
        EXPECT_EQ(head.scores.rows(), nq);
        EXPECT_EQ(head.scores.cols(), nk);
        EXPECT_EQ(head.logits.rows(), nq);
        EXPECT_EQ(head.logits.cols(), nk);
        EXPECT_EQ(head.weights.rows(), nq);
        EXPECT_EQ(head.weights.cols(), nk);
        EXPECT_EQ(head.context.rows(), nq);
        EXPECT_EQ(head.context.cols(), dK);
        EXPECT_EQ(head.entropy.size(), nq);
        EXPECT_EQ(head.argmax.size(), static_cast<std::size_t>(nq));
    }
    EXPECT_EQ(r.maps.mean[0].rows(), nq);
    EXPECT_EQ(r.maps.mean[0].cols(), nk);
    EXPECT_EQ(r.maps.max[0].rows(), nq);
    EXPECT_EQ(r.maps.max[0].cols(), nk);
    EXPECT_EQ(r.trace->wo.rows(), heads * dK);
    EXPECT_EQ(r.trace->wo.cols(), dModel);
    EXPECT_EQ(r.trace->output.rows(), nq);
    EXPECT_EQ(r.trace->output.cols(), dModel);
    EXPECT_EQ(r.maps.allowed.rows(), nq);
    EXPECT_EQ(r.maps.allowed.cols(), nk);
}

TEST(Pipeline, EveryScoringFunctionMatchesLoops) {
    for (ScoringFunction scoring : attnlab::core::allScoringFunctions()) {
        for (bool cross : {false, true}) {
            SCOPED_TRACE(::testing::Message()
                         << attnlab::core::toString(scoring) << (cross ? ", cross" : ", self"));
            const Matrix xq = randomMatrix(4, 8, 13);
            Config config = cross ? manualConfig(xq, randomMatrix(6, 8, 14)) : manualConfig(xq);
            config.heads = 2;
            config.scoring = scoring;
            config.projection = ProjectionInit::Random;
            config.temperature = 0.7f;
            config.seed = 1234;
            const ModelOutput r = runBuiltin(config);
            EXPECT_EIGEN_NEAR(r.trace->queryInputs, xq, 0.0);
            for (int h = 0; h < 2; ++h) {
                SCOPED_TRACE(::testing::Message() << "head " << h);
                const HeadView head = headOf(r, h);
                const HeadReference ref = referenceHead(r, head, h);
                EXPECT_EIGEN_NEAR(head.q, ref.q, kTolerance);
                EXPECT_EIGEN_NEAR(head.k, ref.k, kTolerance);
                EXPECT_EIGEN_NEAR(head.v, ref.v, kTolerance);
                EXPECT_EIGEN_NEAR(head.scores, ref.scores, kTolerance);
                EXPECT_EIGEN_NEAR(head.logits, ref.logits, kTolerance);
                EXPECT_EIGEN_NEAR(head.weights, ref.weights, kTolerance);
                EXPECT_EIGEN_NEAR(head.context, ref.context, kTolerance);
            }
            EXPECT_EIGEN_NEAR(r.trace->output, productD(concatenatedContexts(r), r.trace->wo),
                              kTolerance);
            EXPECT_EQ(r.trace->wo.rows(), 8);
            EXPECT_EQ(r.trace->wo.cols(), 8);
        }
    }
}

TEST(Pipeline, MeanAndMaxOverHeads) {
    Config config = manualConfig(randomMatrix(5, 8, 15), randomMatrix(4, 8, 16));
    config.heads = 4;
    config.projection = ProjectionInit::Random;
    const ModelOutput r = runBuiltin(config);
    Reference mean = Reference::Zero(5, 4), maxima = Reference::Constant(5, 4, -1.0);
    for (int i = 0; i < 5; ++i)
        for (int j = 0; j < 4; ++j) {
            for (const HeadView& head : headsOf(r)) {
                mean(i, j) += head.weights(i, j) / 4.0;
                maxima(i, j) = std::max(maxima(i, j), static_cast<double>(head.weights(i, j)));
            }
        }
    EXPECT_EIGEN_NEAR(r.maps.mean[0], mean, 1e-6);
    EXPECT_EIGEN_NEAR(r.maps.max[0], maxima, 0.0);
    // The heads really differ, otherwise this checks nothing.
    EXPECT_FALSE(r.maps.weights[0].isApprox(r.maps.weights[1], 1e-3f));
}

TEST(Pipeline, EntropyAndArgmaxPerRow) {
    Config config = manualConfig(randomMatrix(6, 4, 17));
    config.heads = 2;
    config.projection = ProjectionInit::Random;
    config.mask.kind = MaskKind::Causal;
    const ModelOutput r = runBuiltin(config);
    for (const HeadView& head : headsOf(r)) {
        ASSERT_EQ(head.entropy.size(), 6);
        for (int i = 0; i < 6; ++i) {
            double entropy = 0.0;
            int best = 0;
            for (int j = 0; j < 6; ++j) {
                const double a = head.weights(i, j);
                if (a > 0.0)
                    entropy -= a * std::log(a);
                if (head.weights(i, j) > head.weights(i, best))
                    best = j;
            }
            EXPECT_NEAR(head.entropy(i), entropy, 1e-5) << "row " << i;
            EXPECT_EQ(head.argmax[static_cast<std::size_t>(i)], best) << "row " << i;
        }
        // Row 0 of a causal mask sees only key 0: weight 1, entropy 0.
        EXPECT_NEAR(head.weights(0, 0), 1.0f, 1e-6f);
        EXPECT_NEAR(head.entropy(0), 0.0f, 1e-6f);
        EXPECT_EQ(head.argmax[0], 0);
    }
}

TEST(Pipeline, LogitsAreScoresOverTemperaturePlusAlibiWithMaskedCellsMinusInfinity) {
    for (int heads : {1, 2, 4}) {
        SCOPED_TRACE(::testing::Message() << "H = " << heads);
        Config config = manualConfig(randomMatrix(7, 8, 18));
        config.heads = heads;
        config.temperature = 2.5f;
        config.positional = PositionalEncoding::Alibi;
        config.mask = attnlab::core::parseMask("window:2");
        const ModelOutput r = runBuiltin(config);
        // ALiBi changes nothing in X.
        EXPECT_EIGEN_NEAR(r.trace->queryInputs, config.manualQueryEmbeddings, 0.0);
        const std::vector<double> slopes = referenceSlopes(heads);
        for (int h = 0; h < heads; ++h) {
            const HeadView head = headOf(r, h);
            Reference expected(7, 7);
            for (int i = 0; i < 7; ++i)
                for (int j = 0; j < 7; ++j)
                    expected(i, j) = std::abs(i - j) <= 2
                                         ? head.scores(i, j) / 2.5 -
                                               slopes[static_cast<std::size_t>(h)] * std::abs(i - j)
                                         : kNegInf;
            EXPECT_EIGEN_NEAR(head.logits, expected, kTolerance) << "head " << h;
            for (int i = 0; i < 7; ++i)
                for (int j = 0; j < 7; ++j)
                    if (std::abs(i - j) > 2) {
                        EXPECT_TRUE(std::isinf(head.logits(i, j)) && head.logits(i, j) < 0)
                            << "(" << i << ", " << j << ") = " << head.logits(i, j);
                        EXPECT_EQ(head.weights(i, j), 0.0f) << "(" << i << ", " << j << ")";
                        // The trace keeps the logit before the mask.
                        EXPECT_NEAR(head.trace.logits(i, j),
                                    head.scores(i, j) / 2.5 -
                                        slopes[static_cast<std::size_t>(h)] * std::abs(i - j),
                                    kTolerance)
                            << "(" << i << ", " << j << ")";
                    }
            const HeadReference ref = referenceHead(r, head, h);
            EXPECT_EIGEN_NEAR(head.weights, ref.weights, kTolerance);
        }
    }
}

TEST(Pipeline, TemperatureWithoutBias) {
    Config config = manualConfig(randomMatrix(4, 4, 19));
    config.temperature = 0.25f;
    const ModelOutput r = runBuiltin(config);
    const Reference expected = r.trace->heads[0].scores.cast<double>() * 4.0;
    EXPECT_EIGEN_NEAR(maskedLogits(r.trace->heads[0].logits, r.maps.allowed), expected, kTolerance);
}

TEST(Pipeline, TinyTemperatureApproachesHardmax) {
    // T → 0 sharpens softmax towards the one-hot of hard attention, without overflow or NaN.
    Config config = manualConfig(randomMatrix(5, 4, 29), randomMatrix(6, 4, 30));
    config.temperature = 1e-6f;
    const ModelOutput sharp = runBuiltin(config);
    config.normalizer = Normalizer::Hardmax;
    config.temperature = 1.0f;
    const ModelOutput hard = runBuiltin(config);
    expectNoNaN(sharp);
    EXPECT_EIGEN_NEAR(sharp.maps.weights[0], hard.maps.weights[0], 1e-5);
}

TEST(Pipeline, ResolvedSettingsAreReported) {
    Config config = manualConfig(randomMatrix(3, 12, 31));
    config.dModel = 12;
    config.heads = 3;
    config.scoring = ScoringFunction::Additive;
    const ModelOutput r = runBuiltin(config);
    EXPECT_EQ(r.trace->dK, 4);
    EXPECT_EQ(r.config.dK, 4);
    EXPECT_EQ(r.trace->dA, 4) << "d_a defaults to d_k";
    EXPECT_EQ(r.config.dModel, 12);
    for (const HeadView& head : headsOf(r)) {
        EXPECT_EQ(head.params.w1.rows(), 4);
        EXPECT_EQ(head.params.w1.cols(), 4);
        EXPECT_EQ(head.params.v.size(), 4);
    }
    config.additiveDim = 7;
    const ModelOutput wide = runBuiltin(config);
    EXPECT_EQ(wide.trace->dA, 7);
    EXPECT_EQ(wide.trace->heads[0].params.w1.rows(), 7);
    EXPECT_EQ(wide.trace->heads[0].params.w1.cols(), 4);
    EXPECT_EIGEN_NEAR(wide.trace->heads[0].scores, referenceHead(wide, headOf(wide, 0), 0).scores,
                      kTolerance);
}

// ---- masks through the pipeline -------------------------------------------------------------

TEST(Pipeline, CausalUpperTriangleIsZero) {
    for (Normalizer normalizer : attnlab::core::allNormalizers()) {
        SCOPED_TRACE(std::string(attnlab::core::toString(normalizer)));
        Config config = manualConfig(randomMatrix(6, 8, 20));
        config.heads = 2;
        config.normalizer = normalizer;
        config.mask = attnlab::core::parseMask("causal");
        const ModelOutput r = runBuiltin(config);
        expectNoNaN(r);
        for (const HeadView& head : headsOf(r))
            for (int i = 0; i < 6; ++i)
                for (int j = i + 1; j < 6; ++j)
                    EXPECT_EQ(head.weights(i, j), 0.0f) << "(" << i << ", " << j << ")";
        for (int i = 0; i < 6; ++i)
            for (int j = i + 1; j < 6; ++j) {
                EXPECT_EQ(r.maps.mean[0](i, j), 0.0f);
                EXPECT_EQ(r.maps.max[0](i, j), 0.0f);
            }
        EXPECT_TRUE(r.maps.fullyMaskedRows.empty());
    }
}

TEST(Pipeline, WindowBand) {
    Config config = manualConfig(randomMatrix(8, 4, 21));
    config.mask = attnlab::core::parseMask("window:1");
    const ModelOutput r = runBuiltin(config);
    const HeadView head = headOf(r, 0);
    for (int i = 0; i < 8; ++i) {
        for (int j = 0; j < 8; ++j) {
            EXPECT_EQ(r.maps.allowed(i, j), std::abs(i - j) <= 1) << "(" << i << ", " << j << ")";
            if (std::abs(i - j) > 1) {
                EXPECT_EQ(head.weights(i, j), 0.0f) << "(" << i << ", " << j << ")";
            }
        }
        EXPECT_NEAR(head.weights.row(i).sum(), 1.0f, 1e-5f);
    }
    EXPECT_EIGEN_NEAR(head.weights, referenceHead(r, head, 0).weights, kTolerance);
}

TEST(Pipeline, PaddingAddsPadKeysWithZeroWeight) {
    const Matrix x = randomMatrix(3, 4, 22);
    Config config = manualConfig(x);
    config.mask = attnlab::core::parseMask("padding:5");
    const ModelOutput r = runBuiltin(config);
    ASSERT_EQ(r.maps.keyTokens.size(), 5u) << tokenList(r.maps.keyTokens);
    for (std::size_t j = 0; j < 5; ++j)
        EXPECT_EQ(r.maps.keyTokens[j].padding, j >= 3) << "key " << j;
    expectNoNaN(r);
    const HeadView head = headOf(r, 0);
    ASSERT_EQ(head.weights.cols(), 5);
    for (int i = 0; i < head.weights.rows(); ++i) {
        EXPECT_EQ(head.weights(i, 3), 0.0f) << "row " << i;
        EXPECT_EQ(head.weights(i, 4), 0.0f) << "row " << i;
        EXPECT_NEAR(head.weights.row(i).sum(), 1.0f, 1e-5f) << "row " << i;
    }
    EXPECT_TRUE(r.maps.fullyMaskedRows.empty());
    // The real tokens attend among themselves exactly as without padding.
    Config unpadded = manualConfig(x);
    const ModelOutput plain = runBuiltin(unpadded);
    const Matrix realBlock = head.weights.topLeftCorner(3, 3);
    EXPECT_EIGEN_NEAR(realBlock, plain.maps.weights[0], kTolerance);
}

TEST(Pipeline, PaddingInCrossAttention) {
    Config config = manualConfig(randomMatrix(2, 4, 23), randomMatrix(3, 4, 24));
    config.mask = attnlab::core::parseMask("padding:6");
    const ModelOutput r = runBuiltin(config);
    ASSERT_EQ(r.maps.keyTokens.size(), 6u) << tokenList(r.maps.keyTokens);
    for (std::size_t j = 0; j < 6; ++j)
        EXPECT_EQ(r.maps.keyTokens[j].padding, j >= 3) << "key " << j;
    const HeadView head = headOf(r, 0);
    for (int i = 0; i < head.weights.rows(); ++i)
        for (int j = 3; j < 6; ++j)
            EXPECT_EQ(head.weights(i, j), 0.0f) << "(" << i << ", " << j << ")";
}

TEST(Pipeline, FullyMaskedRowsAreListedZeroAndNeverNaN) {
    for (Normalizer normalizer : attnlab::core::allNormalizers()) {
        SCOPED_TRACE(std::string(attnlab::core::toString(normalizer)));
        Config config = manualConfig(randomMatrix(3, 4, 25), randomMatrix(4, 4, 26));
        config.heads = 2;
        config.normalizer = normalizer;
        config.mask.kind = MaskKind::Custom;
        config.mask.blocked = {{1, 0}, {1, 1}, {1, 2}, {1, 3}, {2, 0}};
        const ModelOutput r = runBuiltin(config);
        expectNoNaN(r);
        EXPECT_EQ(r.maps.fullyMaskedRows, std::vector<int>{1});
        for (const HeadView& head : headsOf(r)) {
            for (int j = 0; j < 4; ++j) {
                EXPECT_EQ(head.weights(1, j), 0.0f) << "key " << j;
                EXPECT_TRUE(std::isinf(head.logits(1, j)) && head.logits(1, j) < 0);
            }
            EXPECT_EQ(head.weights(2, 0), 0.0f);
            EXPECT_EQ(head.context.row(1).cwiseAbs().sum(), 0.0f);
            EXPECT_EQ(head.entropy(1), 0.0f);
            EXPECT_EQ(head.argmax[1], -1);
            EXPECT_NE(head.argmax[0], -1);
        }
        EXPECT_EQ(r.maps.mean[0].row(1).cwiseAbs().sum(), 0.0f);
        EXPECT_EQ(r.maps.max[0].row(1).cwiseAbs().sum(), 0.0f);
        EXPECT_EQ(r.trace->output.row(1).cwiseAbs().sum(), 0.0f);
    }
}

// ---- positional encodings through the pipeline -----------------------------------------------

TEST(Pipeline, SinusoidalIsAddedToX) {
    const Matrix x = randomMatrix(5, 6, 27);
    Config config = manualConfig(x);
    config.positional = PositionalEncoding::Sinusoidal;
    const ModelOutput r = runBuiltin(config);
    Reference expected(5, 6);
    for (int p = 0; p < 5; ++p)
        for (int c = 0; c < 6; ++c) {
            const double angle = p / std::pow(10000.0, 2.0 * (c / 2) / 6.0);
            expected(p, c) = x(p, c) + (c % 2 == 0 ? std::sin(angle) : std::cos(angle));
        }
    EXPECT_EIGEN_NEAR(r.trace->queryInputs, expected, 1e-5);
    EXPECT_EIGEN_NEAR(r.trace->heads[0].q, expected, 1e-5);
}

TEST(Pipeline, RopeRotatesProjectedQueriesAndKeys) {
    const Matrix x = randomMatrix(5, 8, 28);
    Config config = manualConfig(x);
    config.heads = 2;
    config.positional = PositionalEncoding::Rope;
    const ModelOutput r = runBuiltin(config);
    EXPECT_EIGEN_NEAR(r.trace->queryInputs, x, 0.0) << "RoPE must not change X";
    for (int h = 0; h < 2; ++h) {
        const HeadView head = headOf(r, h);
        Reference rotated(5, 4);
        for (int p = 0; p < 5; ++p)
            for (int i = 0; i < 2; ++i) {
                const double angle = p * std::pow(10000.0, -2.0 * i / 4.0);
                const double a = x(p, h * 4 + 2 * i), b = x(p, h * 4 + 2 * i + 1);
                rotated(p, 2 * i) = a * std::cos(angle) - b * std::sin(angle);
                rotated(p, 2 * i + 1) = a * std::sin(angle) + b * std::cos(angle);
            }
        EXPECT_EIGEN_NEAR(head.q, rotated, 1e-5);
        EXPECT_EIGEN_NEAR(head.k, rotated, 1e-5);
        // V is not rotated.
        Reference slice(5, 4);
        for (int p = 0; p < 5; ++p)
            for (int c = 0; c < 4; ++c)
                slice(p, c) = x(p, h * 4 + c);
        EXPECT_EIGEN_NEAR(head.v, slice, 0.0);
        EXPECT_EIGEN_NEAR(head.weights, referenceHead(r, head, h).weights, kTolerance);
    }
}

// ---- the √d_k argument (seed 000) ------------------------------------------------------------

TEST(ScaledDotVariance, DotProductVarianceGrowsWithDkAndScalingRemovesIt) {
    // q, k with independent N(0, 1) entries: Var(q·k) = d_k; Var(q·k / √d_k) = 1. 4000 pairs per
    // width, scored by the core in blocks of 100 (the diagonal of each block pairs q_i with k_i).
    constexpr int kBlocks = 40, kBlock = 100;
    for (int dK : {4, 16, 64, 256}) {
        Random rng(static_cast<std::uint64_t>(1000 + dK));
        std::vector<double> dots, scaled;
        for (int b = 0; b < kBlocks; ++b) {
            const Matrix q = rng.normalMatrix(kBlock, dK, 1.0);
            const Matrix k = rng.normalMatrix(kBlock, dK, 1.0);
            const ScoringParams params =
                attnlab::core::makeScoringParams(ScoringFunction::Dot, dK, 0, false, 10.0f, 1, 0);
            const Matrix s = attnlab::core::computeScores(ScoringFunction::Dot, q, k, params);
            const Matrix t = attnlab::core::computeScores(ScoringFunction::ScaledDot, q, k, params);
            for (int i = 0; i < kBlock; ++i) {
                dots.push_back(s(i, i));
                scaled.push_back(t(i, i));
                EXPECT_NEAR(s(i, i), rowDot(q, i, k, i),
                            1e-4 * std::max(1.0, std::abs(static_cast<double>(s(i, i)))));
            }
        }
        auto variance = [](const std::vector<double>& values) {
            double mean = 0.0;
            for (double v : values)
                mean += v;
            mean /= static_cast<double>(values.size());
            double sum = 0.0;
            for (double v : values)
                sum += (v - mean) * (v - mean);
            return sum / static_cast<double>(values.size() - 1);
        };
        const double raw = variance(dots), normalised = variance(scaled);
        EXPECT_NEAR(raw, dK, 0.15 * dK) << "Var(q·k) for d_k = " << dK;
        EXPECT_NEAR(normalised, 1.0, 0.15) << "Var(q·k/√d_k) for d_k = " << dK;
    }
}

// ---- seed 000: the built-in lexicon ----------------------------------------------------------

TEST(WorkedExample, Seed000LoveAttendsToAi) {
    // Cross-attention 我 爱 深度 学习 → I love deep learning, built-in embeddings, one head,
    // scaled-dot: the query "love" must weigh 爱 most. Depends on the tokenizer and the lexicon.
    Config config;
    config.embeddings = EmbeddingSource::Builtin;
    config.sentence = "I love deep learning";
    config.source = "我爱深度学习";
    config.heads = 1;
    config.scoring = ScoringFunction::ScaledDot;
    const ModelOutput r = runBuiltin(config);
    const int love = indexOfToken(r.maps.queryTokens, "love");
    const int ai = indexOfToken(r.maps.keyTokens, "爱");
    ASSERT_GE(love, 0) << "no query token 'love' in " << tokenList(r.maps.queryTokens);
    ASSERT_GE(ai, 0) << "no key token '爱' in " << tokenList(r.maps.keyTokens);
    EXPECT_FALSE(r.maps.queryTokens[static_cast<std::size_t>(love)].unknown)
        << "'love' is not in the lexicon";
    EXPECT_FALSE(r.maps.keyTokens[static_cast<std::size_t>(ai)].unknown)
        << "'爱' is not in the lexicon";
    const HeadView head = headOf(r, 0);
    EXPECT_EQ(head.argmax[static_cast<std::size_t>(love)], ai)
        << "the row of 'love' is " << head.weights.row(love) << " over "
        << tokenList(r.maps.keyTokens);
    int best = 0;
    for (int j = 1; j < head.weights.cols(); ++j)
        if (head.weights(love, j) > head.weights(love, best))
            best = j;
    EXPECT_EQ(best, ai) << "the row of 'love' is " << head.weights.row(love);
}
