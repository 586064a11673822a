// The trained transformer's gradients against central finite differences of its own loss, for
// every scoring function × normaliser with a gradient × positional encoding, decoder-only and
// encoder–decoder, over every parameter group: the directional derivative along a random
// direction inside each group (and along one over all parameters) must match the backward
// pass.

#include "core/attention/options.h"
#include "core/base/random.h"
#include "core/training/model_config.h"
#include "core/training/parameters.h"
#include "core/training/transformer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <tuple>
#include <vector>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_training_gradients {

using namespace attnlab::core;
using namespace attnlab::core::training;
using attnlab::core::training::AttentionMaps; // not core::AttentionMaps

namespace {

ModelBatch randomBatch(const ModelConfig& config, int batch, int length, int sourceLength,
                       std::uint64_t seed) {
    Random rng(seed);
    const auto token = [&] { return static_cast<int>(rng.nextBits() % config.vocabSize); };
    ModelBatch b;
    b.batch = batch;
    b.decoderLength = length;
    for (int i = 0; i < batch * length; ++i) {
        b.decoderTokens.push_back(token());
        // Every third position unscored, as padding or a prompt would be.
        b.targets.push_back(i % 3 == 1 ? -1 : token());
    }
    if (config.encoderDecoder()) {
        b.encoderLength = sourceLength;
        for (int i = 0; i < batch * sourceLength; ++i)
            b.encoderTokens.push_back(token());
        for (int e = 0; e < batch; ++e)
            b.encoderLengths.push_back(e == 0 ? sourceLength : sourceLength - 1); // one padded
    }
    return b;
}

// Which attention weights are nonzero, over every map: where this changes, sparsemax and relu
// have a kink.
std::vector<bool> supportPattern(const ForwardResult& result) {
    std::vector<bool> pattern;
    for (const AttentionMaps& maps : result.attention)
        for (const Matrix& weights : maps.weights)
            for (Eigen::Index i = 0; i < weights.size(); ++i)
                pattern.push_back(weights.data()[i] > 0.0f);
    return pattern;
}

// Checks ∂loss/∂θ · u against (L(θ + h u) − L(θ − h u)) / 2h for a unit direction u within
// each parameter group and one over all of them. The model runs in float, so h is large enough
// that rounding of the loss (≈1e-7 relative) stays far below the differences.
void checkGradients(const ModelConfig& config, std::uint64_t seed) {
    TransformerParams params = initialParameters(config, seed);
    const ModelBatch batch = randomBatch(config, 2, 5, 4, seed + 1);
    TransformerParams grads = zeroParameters(config);
    lossAndGradients(config, params, batch, grads);

    std::vector<ParameterView> views = parameterViews(params);
    const std::vector<ParameterView> gradViews = parameterViews(grads);
    ASSERT_EQ(views.size(), gradViews.size());
    Random rng(seed + 2);

    // One group at a time, then (index = size) all groups together.
    for (std::size_t group = 0; group <= views.size(); ++group) {
        std::vector<std::vector<double>> direction(views.size());
        double norm = 0.0;
        for (std::size_t v = 0; v < views.size(); ++v) {
            direction[v].assign(views[v].size, 0.0);
            if (group != views.size() && v != group)
                continue;
            for (double& x : direction[v]) {
                x = rng.normal();
                norm += x * x;
            }
        }
        norm = std::sqrt(norm);
        double analytic = 0.0;
        for (std::size_t v = 0; v < views.size(); ++v)
            for (std::size_t i = 0; i < views[v].size; ++i) {
                direction[v][i] /= norm;
                analytic += direction[v][i] * gradViews[v].data[i];
            }
        const auto shiftedBy = [&](double h, std::vector<bool>* pattern) {
            std::vector<std::vector<float>> saved(views.size());
            for (std::size_t v = 0; v < views.size(); ++v) {
                saved[v].assign(views[v].data, views[v].data + views[v].size);
                for (std::size_t i = 0; i < views[v].size; ++i)
                    views[v].data[i] = static_cast<float>(saved[v][i] + h * direction[v][i]);
            }
            ForwardResult result;
            const double loss = evaluate(config, params, batch, &result).loss;
            *pattern = supportPattern(result);
            for (std::size_t v = 0; v < views.size(); ++v)
                std::copy(saved[v].begin(), saved[v].end(), views[v].data);
            return loss;
        };
        const std::string name = group == views.size() ? "all parameters" : views[group].name;
        // Sparsemax and relu are piecewise smooth: their derivative jumps where a key enters or
        // leaves the support, and relu's weights r/Σr bend sharply where Σr is small. A
        // difference is only valid on a segment where no support changes, and only accurate
        // where the step is small against the curvature but large against float rounding. So
        // the step halves from 1e-2 to 3e-4; at each, the central difference (both ends keep
        // θ's support) and the one-sided ones (that end keeps it) are candidates, and the
        // analytic derivative must match one of them.
        std::vector<bool> base, up, down;
        const double center = shiftedBy(0.0, &base);
        bool matched = false;
        std::string report;
        // The previous step's estimate of each kind, for Richardson extrapolation: a one-sided
        // difference errs by c·h, so 2·D(h/2) − D(h) errs by O(h²); a central one by c·h², so
        // (4·D(h/2) − D(h)) / 3 errs by O(h⁴).
        double previous[3] = {std::nan(""), std::nan(""), std::nan("")};
        for (double h = 1e-2; h >= 3e-4 && !matched; h /= 2.0) {
            const double plus = shiftedBy(h, &up);
            const double minus = shiftedBy(-h, &down);
            std::vector<std::pair<double, std::string>> estimates;
            const auto add = [&](int kind, double value, const char* how) {
                estimates.emplace_back(value, how);
                if (!std::isnan(previous[kind]))
                    estimates.emplace_back(kind == 0 ? (4.0 * value - previous[kind]) / 3.0
                                                     : 2.0 * value - previous[kind],
                                           std::string(how) + " extrapolated");
                previous[kind] = value;
            };
            if (up == base && down == base)
                add(0, (plus - minus) / (2.0 * h), "central");
            else
                previous[0] = std::nan("");
            if (up == base)
                add(1, (plus - center) / h, "forward");
            else
                previous[1] = std::nan("");
            if (down == base)
                add(2, (center - minus) / h, "backward");
            else
                previous[2] = std::nan("");
            for (const auto& [numeric, how] : estimates) {
                const double tolerance =
                    3e-4 + 2e-2 * std::max(std::abs(numeric), std::abs(analytic));
                if (std::abs(numeric - analytic) <= tolerance)
                    matched = true;
                report +=
                    " " + how + " h=" + std::to_string(h) + ": " + std::to_string(numeric) + ";";
            }
        }
        report += " analytic " + std::to_string(analytic);
        EXPECT_TRUE(matched) << name << ":" << report;
    }
}

ModelConfig smallConfig(ScoringFunction scoring, Normalizer normalizer, ModelPositional positional,
                        Architecture architecture) {
    ModelConfig config;
    config.vocabSize = 11;
    config.maxPositions = 8;
    config.architecture = architecture;
    config.layers = 2;
    config.heads = 2;
    config.dModel = 8;
    config.additiveDim = 3;
    config.ffnHidden = 12;
    config.scoring = scoring;
    config.normalizer = normalizer;
    config.positional = positional;
    config.ffn = FeedForward::Gelu;
    config.layerNorm = true;
    config.temperature = 1.0f;
    return config;
}

using Combination = std::tuple<ScoringFunction, Normalizer, ModelPositional, Architecture>;

class TransformerGradients : public ::testing::TestWithParam<Combination> {};

TEST_P(TransformerGradients, MatchFiniteDifferences) {
    const auto [scoring, normalizer, positional, architecture] = GetParam();
    checkGradients(smallConfig(scoring, normalizer, positional, architecture), 17);
}

INSTANTIATE_TEST_SUITE_P(
    EveryScoringNormaliserPositional, TransformerGradients,
    ::testing::Combine(::testing::Values(ScoringFunction::Dot, ScoringFunction::ScaledDot,
                                         ScoringFunction::General, ScoringFunction::Additive,
                                         ScoringFunction::Cosine),
                       ::testing::Values(Normalizer::Softmax, Normalizer::Sparsemax,
                                         Normalizer::Relu, Normalizer::Sigmoid),
                       ::testing::Values(ModelPositional::None, ModelPositional::Learned,
                                         ModelPositional::Sinusoidal, ModelPositional::Rope,
                                         ModelPositional::Alibi),
                       ::testing::Values(Architecture::DecoderOnly, Architecture::EncoderDecoder)),
    [](const auto& info) {
        std::string name = std::string(toString(std::get<0>(info.param))) + "_" +
                           std::string(toString(std::get<1>(info.param))) + "_" +
                           std::string(toString(std::get<2>(info.param))) + "_" +
                           std::string(toString(std::get<3>(info.param)));
        for (char& c : name)
            if (c == '-')
                c = '_';
        return name;
    });

TEST(TransformerGradients, AttentionOnlyWithoutLayerNorm) {
    ModelConfig config = smallConfig(ScoringFunction::ScaledDot, Normalizer::Softmax,
                                     ModelPositional::Learned, Architecture::DecoderOnly);
    config.ffn = FeedForward::None;
    config.layerNorm = false;
    checkGradients(config, 23);
}

TEST(TransformerGradients, ReluFeedForwardWindowAndTemperature) {
    ModelConfig config = smallConfig(ScoringFunction::General, Normalizer::Softmax,
                                     ModelPositional::Rope, Architecture::EncoderDecoder);
    config.ffn = FeedForward::Relu;
    config.window = 1;
    config.temperature = 0.5f;
    config.heads = 4;
    checkGradients(config, 29);
}

TEST(TransformerGradients, OneHeadOneLayer) {
    ModelConfig config = smallConfig(ScoringFunction::Additive, Normalizer::Softmax,
                                     ModelPositional::Learned, Architecture::DecoderOnly);
    config.layers = 1;
    config.heads = 1;
    config.ffn = FeedForward::None;
    config.layerNorm = false;
    checkGradients(config, 31);
}

} // namespace

} // namespace test_training_gradients
