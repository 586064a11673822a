// Every entry of the registries (scoring functions, normalisers, settings) against what the rest
// of the program relies on, found by iterating the registries rather than by a list here: an
// entry added to core/attention/scoring_functions.cpp, core/attention/normalizer.cpp or
// core/model/settings.cpp is tested without touching this file (the README's walkthrough of a
// one-place change counts on it).

#include "core/attention/normalizer.h"
#include "core/attention/scoring.h"
#include "core/model/settings.h"

#include "test_support.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <string>

namespace attnlab::core {
namespace {

using attnlab::testing::randomMatrix;

constexpr int kQueries = 3;
constexpr int kKeys = 4;
constexpr int kWidth = 5;

// Σ S ∘ R for a fixed R: a loss whose ∂loss/∂S is R.
double weightedSum(const Matrix& scores, const Matrix& weights) {
    return (scores.cast<double>().array() * weights.cast<double>().array()).sum();
}

// Central difference of `loss` at every entry of `at`, in double around float inputs.
template <typename Loss> Eigen::MatrixXd numericGradient(Matrix at, Loss loss) {
    constexpr float kStep = 1e-2f;
    Eigen::MatrixXd gradient(at.rows(), at.cols());
    for (Eigen::Index r = 0; r < at.rows(); ++r) {
        for (Eigen::Index c = 0; c < at.cols(); ++c) {
            const float saved = at(r, c);
            at(r, c) = saved + kStep;
            const double up = loss(at);
            at(r, c) = saved - kStep;
            const double down = loss(at);
            at(r, c) = saved;
            gradient(r, c) = (up - down) / (2.0 * kStep);
        }
    }
    return gradient;
}

::testing::AssertionResult gradientsAgree(const Matrix& analytic, const Eigen::MatrixXd& numeric) {
    if (analytic.rows() != numeric.rows() || analytic.cols() != numeric.cols())
        return ::testing::AssertionFailure()
               << "shape " << analytic.rows() << "×" << analytic.cols() << " against "
               << numeric.rows() << "×" << numeric.cols();
    for (Eigen::Index r = 0; r < numeric.rows(); ++r)
        for (Eigen::Index c = 0; c < numeric.cols(); ++c) {
            const double expected = numeric(r, c);
            if (std::abs(analytic(r, c) - expected) > 2e-2 * std::max(1.0, std::abs(expected)))
                return ::testing::AssertionFailure()
                       << "(" << r << ", " << c << "): " << analytic(r, c) << " against "
                       << expected << " by finite differences";
        }
    return ::testing::AssertionSuccess();
}

TEST(ScoringRegistry, EveryEntryIsNamedDescribedAndComputesFiniteScores) {
    std::set<std::string_view> names;
    for (const ScoringEntry& entry : scoringFunctions()) {
        SCOPED_TRACE(std::string(entry.name));
        EXPECT_TRUE(names.insert(entry.name).second) << "two entries share the name";
        EXPECT_FALSE(entry.label.empty());
        EXPECT_FALSE(entry.help.empty());
        EXPECT_FALSE(entry.formula.empty());
        EXPECT_EQ(&scoringEntry(entry.id), &entry);
        ASSERT_NE(entry.makeParams, nullptr);
        ASSERT_NE(entry.forward, nullptr);
        ASSERT_NE(entry.explain, nullptr);

        const ScoringSetup setup{kWidth, 3, true, 10.0f, 7, 1};
        const ScoringParams params = entry.makeParams(setup);
        const Matrix q = randomMatrix<Matrix>(kQueries, kWidth, 1, 0.5);
        const Matrix k = randomMatrix<Matrix>(kKeys, kWidth, 2, 0.5);
        const Matrix scores = entry.forward(q, k, params);
        ASSERT_EQ(scores.rows(), kQueries);
        ASSERT_EQ(scores.cols(), kKeys);
        EXPECT_TRUE(scores.allFinite());
    }
    EXPECT_FALSE(names.empty());
}

TEST(ScoringRegistry, EveryBackwardPassMatchesFiniteDifferences) {
    for (const ScoringEntry& entry : scoringFunctions()) {
        if (entry.backward == nullptr)
            continue;
        SCOPED_TRACE(std::string(entry.name));
        const ScoringParams params = entry.makeParams({kWidth, 3, true, 2.0f, 11, 0});
        const Matrix q = randomMatrix<Matrix>(kQueries, kWidth, 3, 0.5);
        const Matrix k = randomMatrix<Matrix>(kKeys, kWidth, 4, 0.5);
        const Matrix upstream = randomMatrix<Matrix>(kQueries, kKeys, 5);
        const ScoringGradients gradients = entry.backward(q, k, params, upstream);
        EXPECT_TRUE(gradientsAgree(gradients.dq, numericGradient(q, [&](const Matrix& at) {
                                       return weightedSum(entry.forward(at, k, params), upstream);
                                   })));
        EXPECT_TRUE(gradientsAgree(gradients.dk, numericGradient(k, [&](const Matrix& at) {
                                       return weightedSum(entry.forward(q, at, params), upstream);
                                   })));
    }
}

TEST(NormalizerRegistry, EveryEntryGivesFiniteNonNegativeWeightsAndZeroOnMaskedKeys) {
    std::set<std::string_view> names;
    for (const NormalizerEntry& entry : normalizers()) {
        SCOPED_TRACE(std::string(entry.name));
        EXPECT_TRUE(names.insert(entry.name).second) << "two entries share the name";
        EXPECT_FALSE(entry.label.empty());
        EXPECT_FALSE(entry.help.empty());
        EXPECT_FALSE(entry.shortName.empty());
        EXPECT_EQ(&normalizerEntry(entry.id), &entry);
        EXPECT_EQ(entry.backwardRow == nullptr, !entry.noGradient.empty())
            << "an entry without a gradient says why, and only such an entry";

        Matrix logits = randomMatrix<Matrix>(kQueries, kKeys, 6, 2.0);
        logits(0, 3) = -std::numeric_limits<float>::infinity(); // a masked key
        std::vector<int> flagged;
        const Matrix weights = normalizeRows(entry.id, logits, flagged);
        ASSERT_EQ(weights.rows(), kQueries);
        ASSERT_EQ(weights.cols(), kKeys);
        EXPECT_TRUE(weights.allFinite());
        EXPECT_GE(weights.minCoeff(), 0.0f);
        EXPECT_EQ(weights(0, 3), 0.0f);
        if (entry.sumsToOne) {
            for (Eigen::Index r = 0; r < weights.rows(); ++r) {
                if (std::find(flagged.begin(), flagged.end(), r) == flagged.end()) {
                    EXPECT_NEAR(weights.row(r).sum(), 1.0f, 1e-5f) << "row " << r;
                }
            }
        }
    }
    EXPECT_FALSE(names.empty());
}

TEST(NormalizerRegistry, EveryBackwardPassMatchesFiniteDifferences) {
    for (const NormalizerEntry& entry : normalizers()) {
        if (entry.backwardRow == nullptr)
            continue;
        SCOPED_TRACE(std::string(entry.name));
        // Logits spread apart so that no finite-difference step crosses a kink (sparsemax's
        // support, relu's zero).
        RowVector logits(6);
        logits << 1.3f, -0.9f, 0.45f, 2.1f, -2.4f, 0.05f;
        const RowVector upstream = randomMatrix<Matrix>(1, 6, 8);
        const auto weightsOf = [&](const RowVector& at) {
            RowVector out(at.size());
            std::vector<float> scratch;
            bool flagged = false;
            entry.row(at, out, scratch, flagged);
            return out;
        };
        const RowVector weights = weightsOf(logits);
        RowVector dLogits(6);
        entry.backwardRow(logits, weights, upstream, dLogits);
        EXPECT_TRUE(gradientsAgree(dLogits, numericGradient(logits, [&](const Matrix& at) {
                                       return weightedSum(weightsOf(at), upstream);
                                   })));
    }
}

TEST(SettingsSchema, EveryEntryIsDocumentedAndItsDefaultReadsBack) {
    std::set<std::string_view> keys;
    std::set<std::string_view> options;
    const SettingsValues defaults;
    for (const Setting& setting : settingsSchema()) {
        SCOPED_TRACE(std::string(setting.key));
        EXPECT_TRUE(keys.insert(setting.key).second) << "two entries share the key";
        EXPECT_EQ(findSetting(setting.key), &setting);
        if (!setting.option.empty()) {
            EXPECT_EQ(setting.option.substr(0, 2), "--");
            EXPECT_TRUE(options.insert(setting.option).second) << "two entries share the option";
            EXPECT_EQ(findSettingByOption(setting.option), &setting);
            EXPECT_FALSE(setting.help.empty()) << "an option without help";
        }
        ASSERT_NE(setting.get, nullptr);
        ASSERT_NE(setting.set, nullptr);
        EXPECT_NO_THROW(checkSetting(setting, defaults)) << "the default is out of range";

        // The default, written as text and read back, is the same value.
        const std::string text = setting.get(defaults);
        SettingsValues copy;
        EXPECT_NO_THROW(setting.set(copy, text)) << "'" << text << "'";
        EXPECT_EQ(setting.get(copy), text);

        if (setting.type == SettingType::Choice) {
            ASSERT_NE(setting.choices, nullptr);
            const auto choices = setting.choices();
            EXPECT_FALSE(choices.empty());
            for (std::string_view choice : choices) {
                SettingsValues values;
                setting.set(values, choice);
                EXPECT_EQ(setting.get(values), choice);
            }
            EXPECT_THROW(setting.set(copy, "no-such-choice"), SettingFormatError);
        }
        if (setting.type == SettingType::Integer || setting.type == SettingType::Real) {
            EXPECT_LE(setting.minimum, setting.maximum);
        }
    }
}

} // namespace
} // namespace attnlab::core
