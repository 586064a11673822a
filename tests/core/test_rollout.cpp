// Attention rollout and word aggregation (docs/attention-math.md, "Transformers") against
// straightforward loops in double precision and worked examples.

#include "core/attention/rollout.h"
#include "core/base/random.h"

#include "eigen_testing.h"

#include <gtest/gtest.h>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_rollout {

using namespace attnlab::core;

namespace {

// A random row-stochastic n × n matrix (a softmax of normal logits).
Matrix randomWeights(Random& random, int n) {
    Matrix m = random.normalMatrix(n, n, 2.0);
    for (int i = 0; i < n; ++i) {
        m.row(i) = (m.row(i).array() - m.row(i).maxCoeff()).exp();
        m.row(i) /= m.row(i).sum();
    }
    return m;
}

// Rollout with explicit loops: mean over heads, half identity, rows renormalised, and the
// product R = Â_L ⋯ Â_1 multiplied out one cell at a time.
Eigen::MatrixXd rolloutByLoops(const std::vector<std::vector<Matrix>>& attentions) {
    const int n = static_cast<int>(attentions[0][0].rows());
    Eigen::MatrixXd result = Eigen::MatrixXd::Identity(n, n);
    for (const auto& heads : attentions) {
        Eigen::MatrixXd layer(n, n);
        for (int i = 0; i < n; ++i) {
            double sum = 0.0;
            for (int j = 0; j < n; ++j) {
                double mean = 0.0;
                for (const Matrix& head : heads)
                    mean += head(i, j);
                mean /= static_cast<double>(heads.size());
                layer(i, j) = 0.5 * mean + (i == j ? 0.5 : 0.0);
                sum += layer(i, j);
            }
            for (int j = 0; j < n; ++j)
                layer(i, j) /= sum;
        }
        Eigen::MatrixXd product = Eigen::MatrixXd::Zero(n, n);
        for (int i = 0; i < n; ++i)
            for (int j = 0; j < n; ++j)
                for (int k = 0; k < n; ++k)
                    product(i, j) += layer(i, k) * result(k, j);
        result = product;
    }
    return result;
}

TEST(AttentionRollout, MatchesLoopsOverSizesAndSeeds) {
    for (const int seed : {1, 2, 3}) {
        for (const int n : {1, 2, 5, 17}) {
            for (const int layers : {1, 3, 6}) {
                Random random(static_cast<std::uint64_t>(seed * 1000 + n * 10 + layers));
                std::vector<std::vector<Matrix>> attentions(static_cast<std::size_t>(layers));
                for (auto& heads : attentions)
                    for (int h = 0; h < 4; ++h)
                        heads.push_back(randomWeights(random, n));
                const Matrix rollout = attentionRollout(attentions);
                const Matrix expected = rolloutByLoops(attentions).cast<float>();
                EXPECT_EIGEN_NEAR(rollout, expected, 1e-5);
                EXPECT_EIGEN_NEAR(rollout.rowwise().sum(), Vector::Ones(n), 1e-5);
            }
        }
    }
}

TEST(AttentionRollout, WorkedExample) {
    // One layer, one head: Â = 0.5·A + 0.5·I.
    Matrix a(2, 2);
    a << 1.0f, 0.0f, 0.5f, 0.5f;
    Matrix expected(2, 2);
    expected << 1.0f, 0.0f, 0.25f, 0.75f;
    EXPECT_EIGEN_NEAR(attentionRollout({{a}}), expected, 0.0);
    // Two identical layers: Â².
    EXPECT_EIGEN_NEAR(attentionRollout({{a}, {a}}), expected * expected, 1e-7);
}

TEST(AttentionRollout, RenormalisesRowsThatDoNotSumToOne) {
    // Sigmoid or an all-masked row (zeros) after an intervention.
    Matrix a(2, 2);
    a << 0.9f, 0.8f, 0.0f, 0.0f;
    Matrix expected(2, 2);
    expected << 0.95f / 1.35f, 0.4f / 1.35f, 0.0f, 1.0f;
    EXPECT_EIGEN_NEAR(attentionRollout({{a}}), expected, 1e-6);
}

TEST(AttentionRollout, RefusesBadShapes) {
    EXPECT_THROW(attentionRollout({}), InputError);
    EXPECT_THROW(attentionRollout({{}}), InputError);
    EXPECT_THROW(attentionRollout({{Matrix::Identity(2, 2)}, {Matrix::Identity(3, 3)}}),
                 InputError);
    EXPECT_THROW(attentionRollout({{Matrix::Identity(2, 2), Matrix::Identity(3, 3)}}), InputError);
}

// Word aggregation as matrices: S_q (words × pieces, rows averaging a word's pieces) · A ·
// S_kᵀ (summing a word's pieces), in double.
Eigen::MatrixXd aggregateByMatrices(const Matrix& pieces, const std::vector<int>& queryWords,
                                    const std::vector<int>& keyWords) {
    const int wq = *std::max_element(queryWords.begin(), queryWords.end()) + 1;
    const int wk = *std::max_element(keyWords.begin(), keyWords.end()) + 1;
    Eigen::MatrixXd sq = Eigen::MatrixXd::Zero(wq, pieces.rows());
    Eigen::MatrixXd sk = Eigen::MatrixXd::Zero(wk, pieces.cols());
    for (std::size_t i = 0; i < queryWords.size(); ++i)
        if (queryWords[i] >= 0)
            sq(queryWords[i], static_cast<Eigen::Index>(i)) = 1.0;
    for (std::size_t j = 0; j < keyWords.size(); ++j)
        if (keyWords[j] >= 0)
            sk(keyWords[j], static_cast<Eigen::Index>(j)) = 1.0;
    for (int w = 0; w < wq; ++w)
        sq.row(w) /= sq.row(w).sum();
    return sq * pieces.cast<double>() * sk.transpose();
}

TEST(WordAggregation, MatchesMatrixFormOverSizesAndSeeds) {
    for (const int seed : {4, 5, 6}) {
        for (const int n : {1, 3, 8, 20}) {
            Random random(static_cast<std::uint64_t>(seed * 100 + n));
            const Matrix pieces = randomWeights(random, n);
            // Words of 1–3 pieces, in order; a leading piece left out when n > 2.
            std::vector<int> words(static_cast<std::size_t>(n));
            int word = 0, left = 0;
            for (int i = 0; i < n; ++i) {
                if (left == 0) {
                    left = 1 + static_cast<int>(random.nextBits() % 3);
                    word += i > 0 ? 1 : 0;
                }
                words[static_cast<std::size_t>(i)] = word;
                --left;
            }
            if (n > 2) {
                // Leave the first piece out (a special token) and renumber the words from 0.
                words[0] = -1;
                int next = -1, previous = -1;
                for (std::size_t i = 1; i < words.size(); ++i) {
                    if (words[i] != previous) {
                        previous = words[i];
                        ++next;
                    }
                    words[i] = next;
                }
            }
            const Matrix aggregated = aggregateToWords(pieces, words);
            EXPECT_EIGEN_NEAR(aggregated, aggregateByMatrices(pieces, words, words).cast<float>(),
                              1e-6);
            if (n <= 2) { // no piece left out: rows still sum to 1
                EXPECT_EIGEN_NEAR(aggregated.rowwise().sum(), Vector::Ones(aggregated.rows()),
                                  1e-6);
            }
        }
    }
}

TEST(WordAggregation, WorkedExample) {
    // Pieces un|believ|able|! → words "unbelievable" (3 pieces) and "!" (1 piece).
    Matrix pieces(4, 4);
    pieces << 0.1f, 0.2f, 0.3f, 0.4f, //
        0.4f, 0.3f, 0.2f, 0.1f,       //
        0.25f, 0.25f, 0.25f, 0.25f,   //
        0.0f, 0.0f, 0.5f, 0.5f;
    Matrix expected(2, 2);
    // Row "unbelievable": mean over its 3 query pieces of (sum of keys 0–2, key 3).
    expected << (0.6f + 0.9f + 0.75f) / 3.0f, (0.4f + 0.1f + 0.25f) / 3.0f, 0.5f, 0.5f;
    const Matrix words = aggregateToWords(pieces, {0, 0, 0, 1});
    EXPECT_EIGEN_NEAR(words, expected, 1e-6);
    EXPECT_EIGEN_NEAR(words.rowwise().sum(), Vector::Ones(2), 1e-6);

    // Cross-attention shape with separate query and key words.
    const Matrix cross = aggregateToWords(pieces.topRows(2), {0, 0}, {0, 1, 1, 2});
    Matrix expectedCross(1, 3);
    expectedCross << 0.25f, 0.5f, 0.25f;
    EXPECT_EIGEN_NEAR(cross, expectedCross, 1e-6);
}

TEST(WordAggregation, RefusesBadIndices) {
    const Matrix pieces = Matrix::Identity(3, 3);
    EXPECT_THROW(aggregateToWords(pieces, {0, 1}), InputError);
    EXPECT_THROW(aggregateToWords(pieces, {0, 2, 2}), InputError); // word 1 has no pieces
    EXPECT_THROW(aggregateToWords(pieces, {0, -2, 1}), InputError);
}

} // namespace

} // namespace test_rollout
