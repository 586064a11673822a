// The kinds of attention and the sparse masks as the built-in layer runs them (settings
// "attention", "feature_map", "features" and "mask"): tiled equal to dense over sizes, heads,
// masks and seeds; linear attention's weights against φ(q)·φ(k) / Σ_j φ(q)·φ(k_j) written out in
// double from the trace's own q and k; the sparse patterns against their definitions in
// docs/attention-math.md evaluated cell by cell here; the settings' rules, lessons and exports.

#include "core/attention/mask.h"
#include "core/efficient/feature_maps.h"
#include "core/io/data_export.h"
#include "core/io/session.h"
#include "core/model/builtin_model.h"
#include "core/model/settings.h"

#include "test_support.h"

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_builtin_kinds {

namespace {

using namespace attnlab::core;

// A sentence of n distinct words (the built-in lexicon gives unknown words hashed vectors).
std::string sentence(int n) {
    std::string text;
    for (int i = 0; i < n; ++i)
        text += (i ? " " : "") + std::string("w") + std::to_string(i * 7 + 3);
    return text;
}

Config baseConfig(int n, int heads, std::uint64_t seed) {
    Config config;
    config.sentence = sentence(n);
    config.dModel = 16;
    config.heads = heads;
    config.projection = ProjectionInit::Random;
    config.seed = seed;
    return config;
}

void setText(Config& config, std::string_view key, std::string_view text) {
    SettingsValues values{config, {}};
    findSetting(key)->set(values, text);
    config = values.config;
}

// Whether query i sees key j by the definitions of the math page (bigbird's random keys aside).
bool visibleByDefinition(const std::string& mask, int i, int j) {
    const int d = std::abs(i - j);
    int a = 0, b = 0;
    if (mask == "none")
        return true;
    if (mask == "causal")
        return j <= i;
    if (std::sscanf(mask.c_str(), "window:%d", &a) == 1)
        return d <= a;
    if (std::sscanf(mask.c_str(), "dilated:%d:%d", &a, &b) == 2)
        return d <= a * b && (i - j) % b == 0;
    if (std::sscanf(mask.c_str(), "strided:%d", &a) == 1)
        return d < a || (i - j) % a == 0;
    if (std::sscanf(mask.c_str(), "longformer:%d:%d", &a, &b) == 2)
        return d <= a || i < b || j < b;
    if (std::sscanf(mask.c_str(), "block:%d", &a) == 1)
        return i / a == j / a;
    ADD_FAILURE() << "no definition for " << mask;
    return false;
}

TEST(BuiltinKinds, TiledEqualsDenseOverSizesHeadsMasksAndSeeds) {
    const std::vector<std::string> masks = {"none",        "causal",        "window:2",
                                            "dilated:2:2", "strided:3",     "longformer:1:2",
                                            "block:3",     "bigbird:1:1:2", "padding:13"};
    for (int n : {1, 5, 12}) {
        for (int heads : {1, 2, 4}) {
            for (std::uint64_t seed : {1u, 7u}) {
                for (const std::string& mask : masks) {
                    SCOPED_TRACE("n " + std::to_string(n) + ", heads " + std::to_string(heads) +
                                 ", seed " + std::to_string(seed) + ", mask " + mask);
                    Config dense = baseConfig(n, heads, seed);
                    setText(dense, "mask", mask);
                    dense.temperature = seed == 1 ? 1.0f : 0.5f;
                    dense.scoring = seed == 1 ? ScoringFunction::ScaledDot : ScoringFunction::Dot;
                    dense.positional =
                        seed == 1 ? PositionalEncoding::None : PositionalEncoding::Rope;
                    Config tiled = dense;
                    setText(tiled, "attention", "tiled");
                    const ModelOutput a = runBuiltin(dense);
                    const ModelOutput b = runBuiltin(tiled);
                    ASSERT_EQ(a.maps.weights.size(), b.maps.weights.size());
                    for (std::size_t h = 0; h < a.maps.weights.size(); ++h) {
                        EXPECT_EIGEN_NEAR(b.maps.weights[h], a.maps.weights[h], 1e-5);
                        EXPECT_EIGEN_NEAR(b.maps.entropy[h], a.maps.entropy[h], 1e-4);
                        EXPECT_EIGEN_NEAR(b.trace->heads[h].context, a.trace->heads[h].context,
                                          1e-5);
                        EXPECT_EIGEN_NEAR(b.trace->heads[h].logits, a.trace->heads[h].logits, 0);
                    }
                    EXPECT_EIGEN_NEAR(b.maps.mean.front(), a.maps.mean.front(), 1e-5);
                    EXPECT_EIGEN_NEAR(b.trace->output, a.trace->output, 1e-4);
                    EXPECT_EQ(b.maps.fullyMaskedRows, a.maps.fullyMaskedRows);
                }
            }
        }
    }
}

TEST(BuiltinKinds, SparseMasksHideExactlyTheCellsOfTheirDefinition) {
    for (const char* mask : {"dilated:1:1", "dilated:2:3", "strided:2", "strided:4",
                             "longformer:0:1", "longformer:2:3", "block:1", "block:4"}) {
        for (const char* kind : {"dense", "tiled"}) {
            SCOPED_TRACE(std::string(mask) + ", " + kind);
            Config config = baseConfig(11, 2, 3);
            setText(config, "mask", mask);
            setText(config, "attention", kind);
            const ModelOutput output = runBuiltin(config);
            for (const Matrix& weights : output.maps.weights) {
                for (int i = 0; i < 11; ++i) {
                    double sum = 0;
                    for (int j = 0; j < 11; ++j) {
                        const bool visible = visibleByDefinition(mask, i, j);
                        EXPECT_EQ(output.maps.allowed(i, j), visible) << i << ", " << j;
                        if (!visible)
                            EXPECT_EQ(weights(i, j), 0.0f) << i << ", " << j;
                        else
                            EXPECT_GT(weights(i, j), 0.0f) << i << ", " << j;
                        sum += weights(i, j);
                    }
                    EXPECT_NEAR(sum, 1.0, 1e-5);
                }
            }
        }
    }
}

TEST(BuiltinKinds, BigBirdAddsSeededRandomKeysToLongformer) {
    const int n = 14, w = 1, g = 2, r = 3;
    Config config = baseConfig(n, 1, 5);
    setText(config, "mask", "bigbird:1:2:3");
    const ModelOutput first = runBuiltin(config);
    const ModelOutput again = runBuiltin(config);
    EXPECT_TRUE((first.maps.allowed == again.maps.allowed).all());
    for (int i = 0; i < n; ++i) {
        int extra = 0, candidates = 0;
        for (int j = 0; j < n; ++j) {
            const bool longformer = std::abs(i - j) <= w || i < g || j < g;
            if (longformer)
                EXPECT_TRUE(first.maps.allowed(i, j)) << i << ", " << j;
            else {
                ++candidates;
                extra += first.maps.allowed(i, j) ? 1 : 0;
            }
        }
        EXPECT_EQ(extra, std::min(r, candidates)) << "row " << i;
    }
    bool differs = false;
    for (std::uint64_t seed = 6; seed < 12 && !differs; ++seed) {
        config.seed = seed;
        differs = !(runBuiltin(config).maps.allowed == first.maps.allowed).all();
    }
    EXPECT_TRUE(differs) << "the random keys do not depend on the seed";
}

// φ(x) of one row in double, from the formulas of the math page.
std::vector<double> phi(FeatureMap map, const Matrix& x, int row, const Matrix& omega) {
    const int d = static_cast<int>(x.cols());
    std::vector<double> out;
    if (map == FeatureMap::Softmax) {
        double top = -1e300, sum = 0;
        for (int c = 0; c < d; ++c)
            top = std::max(top, static_cast<double>(x(row, c)));
        for (int c = 0; c < d; ++c)
            sum += std::exp(x(row, c) - top);
        for (int c = 0; c < d; ++c)
            out.push_back(std::exp(x(row, c) - top) / sum);
    } else if (map == FeatureMap::Elu) {
        for (int c = 0; c < d; ++c)
            out.push_back(x(row, c) > 0 ? x(row, c) + 1.0 : std::exp(double(x(row, c))));
    } else if (map == FeatureMap::Relu) {
        for (int c = 0; c < d; ++c)
            out.push_back(std::max(0.0, double(x(row, c))));
    } else {
        const double root = std::pow(static_cast<double>(d), 0.25);
        double norm = 0;
        for (int c = 0; c < d; ++c)
            norm += (x(row, c) / root) * (x(row, c) / root);
        for (int m = 0; m < omega.rows(); ++m) {
            double dot = 0;
            for (int c = 0; c < d; ++c)
                dot += omega(m, c) * (x(row, c) / root);
            out.push_back(std::exp(dot - norm / 2) / std::sqrt(double(omega.rows())));
        }
    }
    return out;
}

// A_ij = φ(q_i)·φ(k_j) / Σ_j φ(q_i)·φ(k_j) over the keys row i sees, in double.
Eigen::MatrixXd implicitWeights(FeatureMap map, const Matrix& q, const Matrix& k, bool causal,
                                const Matrix& omega) {
    Eigen::MatrixXd a = Eigen::MatrixXd::Zero(q.rows(), k.rows());
    for (int i = 0; i < q.rows(); ++i) {
        const std::vector<double> fq = phi(map, q, i, omega);
        double total = 0;
        for (int j = 0; j < k.rows(); ++j) {
            if (causal && j > i)
                continue;
            const std::vector<double> fk = phi(map, k, j, omega);
            for (std::size_t c = 0; c < fq.size(); ++c)
                a(i, j) += fq[c] * fk[c];
            total += a(i, j);
        }
        if (total > 0)
            a.row(i) /= total;
    }
    return a;
}

TEST(BuiltinKinds, LinearWeightsAreTheFeatureMapsKernelNormalised) {
    for (FeatureMap map :
         {FeatureMap::Elu, FeatureMap::Relu, FeatureMap::Softmax, FeatureMap::Favor}) {
        for (bool causal : {false, true}) {
            for (bool cross : {false, true}) {
                if (causal && cross)
                    continue;
                for (std::uint64_t seed : {2u, 9u}) {
                    SCOPED_TRACE(std::string(toString(map)) + (causal ? ", causal" : "") +
                                 (cross ? ", cross" : "") + ", seed " + std::to_string(seed));
                    Config config = baseConfig(9, 2, seed);
                    if (cross)
                        config.source = sentence(6);
                    config.positional = PositionalEncoding::Sinusoidal;
                    setText(config, "attention", "linear");
                    setText(config, "feature_map", toString(map));
                    setText(config, "features", "64");
                    if (causal)
                        setText(config, "mask", "causal");
                    const ModelOutput output = runBuiltin(config);
                    ASSERT_TRUE(output.trace);
                    const Matrix omega =
                        map == FeatureMap::Favor ? favorProjection(8, 64, config.seed) : Matrix();
                    for (int h = 0; h < 2; ++h) {
                        const HeadTrace& head = output.trace->heads[std::size_t(h)];
                        EXPECT_FALSE(head.traced()) << "linear attention has no scores";
                        const Eigen::MatrixXd expected =
                            implicitWeights(map, head.q, head.k, causal, omega);
                        const Matrix& weights = output.maps.weights[std::size_t(h)];
                        EXPECT_EIGEN_NEAR(weights.cast<double>(), expected, 1e-5);
                        // The context is those weights applied to V.
                        const Eigen::MatrixXd context = expected * head.v.cast<double>();
                        EXPECT_EIGEN_NEAR(head.context.cast<double>(), context, 1e-4);
                    }
                }
            }
        }
    }
}

TEST(BuiltinKinds, LinearReluRowsWithoutFeaturesAreFlaggedNotNaN) {
    // Identity projections of the built-in vectors: some rows have no positive entry in a head.
    Config config;
    config.sentence = sentence(30);
    config.dModel = 8;
    config.heads = 8; // d_k = 1: a row's single feature is positive or not
    setText(config, "attention", "linear");
    setText(config, "feature_map", "relu");
    const ModelOutput output = runBuiltin(config);
    ASSERT_FALSE(output.maps.degenerateRows.empty());
    for (const Matrix& weights : output.maps.weights)
        EXPECT_TRUE(weights.allFinite());
}

TEST(BuiltinKinds, FavorDependsOnTheSeedAndTheFeatureCount) {
    Config config = baseConfig(7, 1, 4);
    setText(config, "attention", "linear");
    setText(config, "feature_map", "favor");
    setText(config, "features", "16");
    const Matrix first = runBuiltin(config).maps.weights.front();
    EXPECT_EIGEN_NEAR(runBuiltin(config).maps.weights.front(), first, 0);
    Config other = config;
    setText(other, "features", "32");
    EXPECT_GT((runBuiltin(other).maps.weights.front() - first).cwiseAbs().maxCoeff(), 1e-4);
}

// The error a configuration gives, and its setting.
std::pair<std::string, std::string> errorOf(const Config& config) {
    try {
        runBuiltin(config);
    } catch (const InputError& error) {
        return {error.what(), error.setting()};
    }
    return {};
}

TEST(BuiltinKinds, SettingsTheKindsCannotHonourAreRefusedWithTheirSetting) {
    Config config = baseConfig(5, 1, 1);
    setText(config, "attention", "tiled");
    Config c = config;
    c.normalizer = Normalizer::Sparsemax;
    auto [text, key] = errorOf(c);
    EXPECT_EQ(key, "attention");
    EXPECT_NE(text.find("sparsemax"), std::string::npos) << text;
    c = config;
    c.scoring = ScoringFunction::Additive;
    std::tie(text, key) = errorOf(c);
    EXPECT_EQ(key, "attention");
    EXPECT_NE(text.find("additive"), std::string::npos) << text;
    c = config;
    c.positional = PositionalEncoding::Alibi;
    EXPECT_EQ(errorOf(c).second, "attention");

    Config linear = baseConfig(5, 1, 1);
    setText(linear, "attention", "linear");
    setText(linear, "mask", "window:1");
    std::tie(text, key) = errorOf(linear);
    EXPECT_EQ(key, "mask");
    EXPECT_NE(text.find("window:1"), std::string::npos) << text;
    setText(linear, "mask", "none");
    setText(linear, "features", "0");
    EXPECT_EQ(errorOf(linear).second, "features");
    setText(linear, "features", "16385");
    EXPECT_EQ(errorOf(linear).second, "features");
    // Linear ignores what it has no use for, and the schema says why.
    setText(linear, "features", "64");
    linear.normalizer = Normalizer::Sparsemax;
    EXPECT_EQ(errorOf(linear).second, "");
    EXPECT_FALSE(findSetting("normalizer")->notApplicable(linear).text.empty());
    EXPECT_FALSE(findSetting("temperature")->notApplicable(linear).text.empty());
    EXPECT_TRUE(findSetting("feature_map")->notApplicable(linear).text.empty());
    EXPECT_FALSE(findSetting("features")->notApplicable(linear).text.empty()); // elu
    EXPECT_FALSE(findSetting("feature_map")->notApplicable(Config{}).text.empty());

    SettingsValues values;
    EXPECT_THROW(findSetting("attention")->set(values, "sparse"), SettingFormatError);
    EXPECT_THROW(findSetting("feature_map")->set(values, "gelu"), SettingFormatError);
    EXPECT_THROW(findSetting("features")->set(values, "many"), SettingFormatError);
}

TEST(BuiltinKinds, LessonsKeepTheKindAndItsParameters) {
    Session session;
    session.config = baseConfig(4, 1, 3);
    setText(session.config, "attention", "linear");
    setText(session.config, "feature_map", "favor");
    setText(session.config, "features", "48");
    setText(session.config, "mask", "causal");
    std::vector<std::string> warnings;
    const Session read = parseSession(serializeSession(session), warnings);
    EXPECT_TRUE(warnings.empty());
    EXPECT_EQ(read.config.attention, AttentionKind::Linear);
    EXPECT_EQ(read.config.featureMap, FeatureMap::Favor);
    EXPECT_EQ(read.config.features, 48);

    session.config = baseConfig(4, 1, 3);
    setText(session.config, "mask", "longformer:2:1");
    setText(session.config, "attention", "tiled");
    const Session tiled = parseSession(serializeSession(session), warnings);
    EXPECT_EQ(tiled.config.attention, AttentionKind::Tiled);
    EXPECT_EQ(toString(tiled.config.mask), "longformer:2:1");
}

TEST(BuiltinKinds, JsonExportRecordsTheKindAndTheImplicitWeights) {
    Config config = baseConfig(6, 2, 8);
    setText(config, "attention", "linear");
    setText(config, "feature_map", "elu");
    const ModelOutput output = runBuiltin(config);
    std::ostringstream text;
    writeJson(output, text);
    const nlohmann::json json = nlohmann::json::parse(text.str());
    EXPECT_EQ(json["config"]["attention"], "linear");
    EXPECT_EQ(json["config"]["feature_map"], "elu");
    ASSERT_EQ(json["heads"].size(), 2u);
    for (int h = 0; h < 2; ++h) {
        const nlohmann::json& head = json["heads"][std::size_t(h)];
        EXPECT_FALSE(head.contains("scores"));
        EXPECT_TRUE(head.contains("q") && head.contains("context"));
        const Matrix& weights = output.maps.weights[std::size_t(h)];
        for (int i = 0; i < 6; ++i)
            for (int j = 0; j < 6; ++j)
                EXPECT_NEAR(head["weights"][std::size_t(i)][std::size_t(j)].get<double>(),
                            weights(i, j), 1e-7);
    }
}

} // namespace

namespace {

TEST(BuiltinKinds, WeightsOnlyRunsGiveTheSameWeightsWithoutStatistics) {
    for (const char* scoring : {"scaled-dot", "dot", "additive", "cosine"}) {
        for (const char* positional : {"none", "alibi", "rope"}) {
            for (int n : {1, 17, 300}) {
                SCOPED_TRACE(std::string(scoring) + ", " + positional + ", n " + std::to_string(n));
                Config config = baseConfig(n, 4, 5);
                setText(config, "scoring", scoring);
                setText(config, "positional", positional);
                setText(config, "mask", "causal");
                const ModelOutput full = runBuiltin(config);
                RunOptions options;
                options.trace = false;
                options.weightsOnly = true;
                const ModelOutput bare = runBuiltin(config, options);
                ASSERT_EQ(bare.maps.weights.size(), full.maps.weights.size());
                for (std::size_t h = 0; h < full.maps.weights.size(); ++h)
                    EXPECT_EIGEN_NEAR(bare.maps.weights[h], full.maps.weights[h], 0.0);
                EXPECT_TRUE(bare.maps.mean.empty());
                EXPECT_TRUE(bare.maps.max.empty());
                EXPECT_EQ(bare.maps.entropy.front().size(), 0);
                // A traced head keeps the scores its blocks were computed from.
                RunOptions one;
                one.traceHeads = {1};
                const ModelOutput traced = runBuiltin(config, one);
                EXPECT_EIGEN_NEAR(traced.trace->heads[1].scores, full.trace->heads[1].scores, 0.0);
                EXPECT_EIGEN_NEAR(traced.maps.weights[1], full.maps.weights[1], 0.0);
            }
        }
    }
}

} // namespace

} // namespace test_builtin_kinds
