// Comparing two attention matrices: the difference cell by cell, KL divergence and entropy
// change per row, checked against loops written out here.

#include "core/base/random.h"
#include "core/model/builtin_model.h"
#include "core/teaching/compare.h"

#include "eigen_testing.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_compare {

using namespace attnlab::core;

namespace {

Config manualConfig(int n, int d, std::uint64_t seed) {
    Config config;
    config.embeddings = EmbeddingSource::Manual;
    config.tokenizer.mode = TokenizerMode::Whitespace;
    config.sentence.clear(); // the default sentence would come first
    for (int i = 0; i < n; ++i)
        config.sentence += (i ? " t" : "t") + std::to_string(i);
    Random rng(seed);
    config.manualQueryEmbeddings = rng.normalMatrix(n, d, 1.0);
    config.dModel = d;
    return config;
}

double loopKl(const Matrix& p, const Matrix& q, int row) {
    double ps = 0, qs = 0;
    for (int j = 0; j < p.cols(); ++j) {
        ps += p(row, j);
        qs += q(row, j);
    }
    double kl = 0;
    for (int j = 0; j < p.cols(); ++j) {
        const double a = p(row, j) / ps, b = q(row, j) / qs;
        if (a > 0)
            kl += b > 0 ? a * std::log(a / b) : std::numeric_limits<double>::infinity();
    }
    return kl;
}

double loopEntropy(const Matrix& p, int row) {
    double h = 0;
    for (int j = 0; j < p.cols(); ++j)
        if (p(row, j) > 0)
            h -= p(row, j) * std::log(static_cast<double>(p(row, j)));
    return h;
}

} // namespace

TEST(CompareWeights, DifferenceKlAndEntropyMatchLoops) {
    for (std::uint64_t seed : {1u, 2u, 3u}) {
        Config a = manualConfig(6, 8, seed);
        a.scoring = ScoringFunction::Dot;
        Config b = a;
        b.scoring = ScoringFunction::ScaledDot;
        b.temperature = 2.0f;
        const ModelOutput ra = runBuiltin(a), rb = runBuiltin(b);
        const Comparison c = compareMaps(ra.maps, rb.maps, 0, 0);
        const Matrix& wa = ra.maps.weights[0];
        const Matrix& wb = rb.maps.weights[0];
        ASSERT_EQ(c.difference.rows(), 6);
        float largest = 0;
        for (int i = 0; i < 6; ++i) {
            for (int j = 0; j < 6; ++j) {
                EXPECT_EQ(c.difference(i, j), wa(i, j) - wb(i, j)) << i << "," << j;
                largest = std::max(largest, std::abs(wa(i, j) - wb(i, j)));
            }
            EXPECT_TRUE(c.comparable[static_cast<std::size_t>(i)]);
            EXPECT_NEAR(c.klAB(i), loopKl(wa, wb, i), 1e-5);
            EXPECT_NEAR(c.klBA(i), loopKl(wb, wa, i), 1e-5);
            EXPECT_GT(c.klAB(i), 0.0f) << "different temperatures give different rows";
            EXPECT_NEAR(c.entropyA(i), loopEntropy(wa, i), 1e-5);
            EXPECT_NEAR(c.entropyB(i), loopEntropy(wb, i), 1e-5);
            EXPECT_NEAR(c.entropyChange(i), c.entropyB(i) - c.entropyA(i), 1e-6);
            // Dividing by √8 and by T = 2 flattens every row.
            EXPECT_GT(c.entropyChange(i), 0.0f);
        }
        EXPECT_EQ(c.maxAbsDifference, largest);
    }
}

TEST(CompareWeights, IdenticalRowsHaveZeroDivergence) {
    const ModelOutput r = runBuiltin(manualConfig(5, 4, 9));
    const Comparison c = compareMaps(r.maps, r.maps, 0, 0);
    EXPECT_EQ(c.maxAbsDifference, 0.0f);
    for (int i = 0; i < 5; ++i) {
        EXPECT_EQ(c.klAB(i), 0.0f);
        EXPECT_EQ(c.entropyChange(i), 0.0f);
    }
}

TEST(CompareWeights, ExactZerosGiveInfiniteKlNotNan) {
    Config a = manualConfig(5, 4, 4);
    Config b = a;
    b.normalizer = Normalizer::Hardmax;
    const Comparison c = compareMaps(runBuiltin(a).maps, runBuiltin(b).maps, 0, 0);
    for (int i = 0; i < 5; ++i) {
        EXPECT_TRUE(std::isinf(c.klAB(i))) << "softmax puts weight where hardmax has none";
        EXPECT_TRUE(std::isfinite(c.klBA(i)));
        EXPECT_LT(c.entropyChange(i), 0.0f) << "hardmax is sharper";
    }
}

TEST(CompareWeights, FullyMaskedRowsAreNotComparable) {
    Matrix a(2, 3), b(2, 3);
    a << 0.5f, 0.5f, 0.0f, //
        0.0f, 0.0f, 0.0f;
    b << 0.25f, 0.25f, 0.5f, //
        0.2f, 0.3f, 0.5f;
    const Comparison c = compareWeights(a, b);
    EXPECT_TRUE(c.comparable[0]);
    EXPECT_FALSE(c.comparable[1]);
    EXPECT_EQ(c.klAB(1), 0.0f);
    EXPECT_FALSE(std::isnan(c.klBA(1)));
    EXPECT_NEAR(c.klAB(0), std::log(2.0), 1e-6);
    EXPECT_TRUE(std::isinf(c.klBA(0)));
}

TEST(CompareWeights, MeanOfHeadsAndErrors) {
    Config a = manualConfig(4, 8, 5);
    a.heads = 2;
    Config b = a;
    b.heads = 4;
    const ModelOutput ra = runBuiltin(a), rb = runBuiltin(b);
    const Comparison mean = compareMaps(ra.maps, rb.maps, 0, kMeanOfHeads);
    EXPECT_EIGEN_NEAR(mean.difference, Matrix(ra.maps.mean[0] - rb.maps.mean[0]), 0);
    try {
        compareMaps(ra.maps, rb.maps, 0, 3);
        ADD_FAILURE() << "head 4 is missing on side A";
    } catch (const InputError& error) {
        EXPECT_NE(std::string(error.what()).find("mean"), std::string::npos) << error.what();
    }
    Config other = a;
    other.mask = MaskSpec{MaskKind::Padding, 6, 1, {}};
    try {
        compareMaps(ra.maps, runBuiltin(other).maps, 0, 0);
        ADD_FAILURE() << "padding changes the keys";
    } catch (const InputError& error) {
        EXPECT_NE(std::string(error.what()).find("tokens"), std::string::npos) << error.what();
    }
    EXPECT_THROW(compareWeights(Matrix::Zero(2, 2), Matrix::Zero(2, 3)), InputError);
}

} // namespace test_compare
