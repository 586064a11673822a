// The √d_k study: Var(q·k) grows like d_k without scaling and stays near 1 with it (seed 000's
// derivation), softmax saturates without scaling, and the numbers are reproducible.

#include "core/base/types.h"
#include "core/teaching/scaling_study.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_scaling_study {

using namespace attnlab::core;

namespace {

// Relative standard error of a sample variance of n products with kurtosis ≤ 9 (a product of two
// normals), ignoring the mild correlation of the keys that share a query: √(8/n). The tests
// allow five of them.
double tolerance(const ScalingStudyConfig& config) {
    return 5.0 * std::sqrt(8.0 / (config.queries * config.keys));
}

} // namespace

TEST(ScalingStudy, DefaultDimsSpanOneTo512) {
    const std::vector<int> dims = defaultStudyDims();
    ASSERT_FALSE(dims.empty());
    EXPECT_EQ(dims.front(), 1);
    EXPECT_EQ(dims.back(), 512);
    EXPECT_TRUE(std::is_sorted(dims.begin(), dims.end()));
}

TEST(ScalingStudy, RawVarianceGrowsLinearlyScaledIsFlat) {
    ScalingStudyConfig config;
    const ScalingStudy study = runScalingStudy(config);
    ASSERT_EQ(study.points.size(), defaultStudyDims().size());
    const double tol = tolerance(study.config);
    // Least-squares slope of Var(q·k) against d_k through the origin: 1 by the derivation.
    double xy = 0, xx = 0;
    for (const ScalingPoint& p : study.points) {
        EXPECT_NEAR(p.varianceRaw / p.dK, 1.0, tol) << "d_k = " << p.dK;
        EXPECT_NEAR(p.varianceScaled, 1.0, tol) << "d_k = " << p.dK;
        xy += p.dK * p.varianceRaw;
        xx += static_cast<double>(p.dK) * p.dK;
    }
    EXPECT_NEAR(xy / xx, 1.0, 0.1); // dominated by the widest heads, whose estimates are tight
    const ScalingPoint& first = study.points.front();
    const ScalingPoint& last = study.points.back();
    EXPECT_GT(last.varianceRaw, 100.0 * first.varianceRaw);
    EXPECT_LT(std::abs(last.varianceScaled - first.varianceScaled), 2 * tol);
}

TEST(ScalingStudy, SoftmaxSaturatesWithoutScaling) {
    const ScalingStudy study = runScalingStudy();
    EXPECT_NEAR(study.uniformEntropy, std::log(10.0), 1e-12);
    const ScalingPoint& last = study.points.back(); // d_k = 512
    EXPECT_GT(last.maxWeightRaw, 0.9) << "logits with spread √512 ≈ 23 pick one key";
    EXPECT_LT(last.entropyRaw, 0.3);
    // With scaling the statistics do not depend on d_k: compare d_k = 8 and d_k = 512.
    const ScalingPoint* eight = nullptr;
    for (const ScalingPoint& p : study.points)
        if (p.dK == 8)
            eight = &p;
    ASSERT_NE(eight, nullptr);
    EXPECT_NEAR(last.entropyScaled, eight->entropyScaled, 0.1);
    EXPECT_NEAR(last.maxWeightScaled, eight->maxWeightScaled, 0.05);
    EXPECT_GT(last.entropyScaled, 1.0);
    for (const ScalingPoint& p : study.points) {
        EXPECT_LE(p.entropyRaw, study.uniformEntropy + 1e-9);
        EXPECT_GE(p.maxWeightRaw, 0.1 - 1e-9);
    }
}

TEST(ScalingStudy, DeterministicAndSeeded) {
    ScalingStudyConfig config;
    config.dims = {4, 64};
    config.queries = 50;
    const ScalingStudy a = runScalingStudy(config), b = runScalingStudy(config);
    config.seed = 1;
    const ScalingStudy c = runScalingStudy(config);
    for (std::size_t i = 0; i < 2; ++i) {
        EXPECT_EQ(a.points[i].varianceRaw, b.points[i].varianceRaw);
        EXPECT_EQ(a.points[i].entropyScaled, b.points[i].entropyScaled);
        EXPECT_NE(a.points[i].varianceRaw, c.points[i].varianceRaw);
    }
    // A point does not depend on which other points are sampled.
    config.seed = 2017;
    config.dims = {64};
    EXPECT_EQ(runScalingStudy(config).points[0].varianceRaw, a.points[1].varianceRaw);
}

TEST(ScalingStudy, RejectsBadSettings) {
    ScalingStudyConfig config;
    config.dims = {0};
    EXPECT_THROW(runScalingStudy(config), InputError);
    config.dims = {4};
    config.keys = 1;
    EXPECT_THROW(runScalingStudy(config), InputError);
    config.keys = 10;
    config.queries = 0;
    EXPECT_THROW(runScalingStudy(config), InputError);
}

TEST(Histogram, CountsMeanAndVariance) {
    Matrix m(2, 3);
    m << 0, 1, 2, //
        3, 4, -std::numeric_limits<float>::infinity();
    const Histogram h = histogramOf(m, 4);
    EXPECT_EQ(h.values, 5);
    EXPECT_DOUBLE_EQ(h.low, 0.0);
    EXPECT_DOUBLE_EQ(h.high, 4.0);
    ASSERT_EQ(h.counts.size(), 4u);
    EXPECT_EQ(h.counts[0], 1); // 0
    EXPECT_EQ(h.counts[1], 1); // 1
    EXPECT_EQ(h.counts[2], 1); // 2
    EXPECT_EQ(h.counts[3], 2); // 3 and the maximum 4
    EXPECT_EQ(std::accumulate(h.counts.begin(), h.counts.end(), 0), 5);
    EXPECT_DOUBLE_EQ(h.mean, 2.0);
    EXPECT_DOUBLE_EQ(h.variance, 2.0);
    const Histogram constant = histogramOf(Matrix::Constant(2, 2, 3.0f), 3);
    EXPECT_DOUBLE_EQ(constant.low, 2.5);
    EXPECT_EQ(constant.counts[1], 4);
    EXPECT_EQ(histogramOf(Matrix(), 3).values, 0);
    EXPECT_THROW(histogramOf(m, 0), InputError);
}

} // namespace test_scaling_study
