// The stages of the step-by-step view: each equals the run's traced matrix (or, for the
// two recomputed ones, a loop over its inputs), the list follows the scoring function, and
// traceSources names the rows and columns a selected cell came from.

#include "core/base/random.h"
#include "core/model/builtin_model.h"
#include "core/teaching/presets.h"
#include "core/teaching/steps.h"

#include "eigen_testing.h"
#include "model_testing.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_steps {

using namespace attnlab::core;
using attnlab::testing::headOf;
using attnlab::testing::HeadView;

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

const Stage* find(const std::vector<Stage>& stages, StageKind kind) {
    for (const Stage& stage : stages)
        if (stage.kind == kind)
            return &stage;
    return nullptr;
}

int indexOf(const std::vector<Stage>& stages, StageKind kind) {
    for (std::size_t i = 0; i < stages.size(); ++i)
        if (stages[i].kind == kind)
            return static_cast<int>(i);
    return -1;
}

} // namespace

TEST(StepStages, EqualTheResultForEveryScoringFunction) {
    for (ScoringFunction scoring : allScoringFunctions()) {
        Config config = manualConfig(5, 8, 3);
        config.heads = 2;
        config.scoring = scoring;
        config.projection = ProjectionInit::Random;
        config.temperature = 0.7f;
        config.mask.kind = MaskKind::Causal;
        const ModelOutput r = runBuiltin(config);
        for (int head = 0; head < 2; ++head) {
            SCOPED_TRACE(std::string(toString(scoring)) + " head " + std::to_string(head));
            const std::vector<Stage> stages = stepStages(r, head);
            const HeadView h = headOf(r, head);
            EXPECT_EIGEN_NEAR(find(stages, StageKind::QueryInputs)->values, r.trace->queryInputs,
                              0);
            EXPECT_EQ(find(stages, StageKind::KeyInputs), nullptr);
            EXPECT_EIGEN_NEAR(find(stages, StageKind::Wq)->values, h.wq, 0);
            EXPECT_EIGEN_NEAR(find(stages, StageKind::Wk)->values, h.wk, 0);
            EXPECT_EIGEN_NEAR(find(stages, StageKind::Wv)->values, h.wv, 0);
            EXPECT_EIGEN_NEAR(find(stages, StageKind::Q)->values, h.q, 0);
            EXPECT_EIGEN_NEAR(find(stages, StageKind::K)->values, h.k, 0);
            EXPECT_EIGEN_NEAR(find(stages, StageKind::V)->values, h.v, 0);
            EXPECT_EIGEN_NEAR(find(stages, StageKind::Scores)->values, h.scores, 0);
            EXPECT_EIGEN_NEAR(find(stages, StageKind::MaskedLogits)->values, h.logits, 0);
            EXPECT_EIGEN_NEAR(find(stages, StageKind::Weights)->values, h.weights, 0);
            EXPECT_EIGEN_NEAR(find(stages, StageKind::Context)->values, h.context, 0);

            // Logits before the mask: S / T everywhere, equal to the masked logits where allowed.
            const Matrix& logits = find(stages, StageKind::Logits)->values;
            for (int i = 0; i < 5; ++i)
                for (int j = 0; j < 5; ++j) {
                    EXPECT_NEAR(logits(i, j), h.scores(i, j) / 0.7, 1e-5);
                    if (r.maps.allowed(i, j)) {
                        EXPECT_EQ(logits(i, j), h.logits(i, j));
                    } else {
                        EXPECT_TRUE(std::isinf(h.logits(i, j)));
                    }
                }

            const Stage* dots = find(stages, StageKind::DotProducts);
            const bool product =
                scoring == ScoringFunction::ScaledDot || scoring == ScoringFunction::Cosine;
            ASSERT_EQ(dots != nullptr, product);
            if (dots) {
                for (int i = 0; i < 5; ++i)
                    for (int j = 0; j < 5; ++j) {
                        double dot = 0;
                        for (int c = 0; c < r.trace->dK; ++c)
                            dot += static_cast<double>(h.q(i, c)) * h.k(j, c);
                        EXPECT_NEAR(dots->values(i, j), dot, 1e-5);
                    }
                if (scoring == ScoringFunction::ScaledDot) {
                    EXPECT_EIGEN_NEAR(h.scores, Matrix(dots->values / std::sqrt(4.0f)), 1e-6);
                }
            }
            EXPECT_EQ(find(stages, StageKind::ScoringWa) != nullptr,
                      scoring == ScoringFunction::General);
            EXPECT_EQ(find(stages, StageKind::ScoringW1) != nullptr,
                      scoring == ScoringFunction::Additive);
            if (scoring == ScoringFunction::Additive) {
                EXPECT_EIGEN_NEAR(find(stages, StageKind::ScoringW1)->values, h.params.w1, 0);
                EXPECT_EIGEN_NEAR(find(stages, StageKind::ScoringV)->values, Matrix(h.params.v), 0);
                EXPECT_EQ(find(stages, StageKind::ScoringV)->values.cols(), 1);
            }
            // Order: each stage comes after the ones it is computed from.
            EXPECT_LT(indexOf(stages, StageKind::Q), indexOf(stages, StageKind::Scores));
            EXPECT_LT(indexOf(stages, StageKind::Scores), indexOf(stages, StageKind::Logits));
            EXPECT_LT(indexOf(stages, StageKind::Logits), indexOf(stages, StageKind::MaskedLogits));
            EXPECT_LT(indexOf(stages, StageKind::Weights), indexOf(stages, StageKind::Context));
        }
    }
}

TEST(StepStages, AlibiBiasIsInTheLogitsAndCrossHasKeyInputs) {
    Config config = manualConfig(4, 4, 8);
    config.positional = PositionalEncoding::Alibi;
    config.heads = 2;
    const ModelOutput r = runBuiltin(config);
    const std::vector<Stage> stages = stepStages(r, 1);
    const Matrix& logits = find(stages, StageKind::Logits)->values;
    EXPECT_EIGEN_NEAR(logits, maskedLogits(r.trace->heads[1].logits, r.maps.allowed), 0)
        << "no mask: the logits are unchanged";
    EXPECT_GT(std::abs(logits(0, 3) - r.trace->heads[1].scores(0, 3)), 1e-3) << "the bias is in";

    Config cross = manualConfig(3, 4, 2);
    cross.source = "s0 s1 s2 s3";
    cross.manualKeyEmbeddings = Random(5).normalMatrix(4, 4, 1.0);
    const ModelOutput rc = runBuiltin(cross);
    const std::vector<Stage> crossStages = stepStages(rc, 0);
    const Stage* keyInputs = find(crossStages, StageKind::KeyInputs);
    ASSERT_NE(keyInputs, nullptr);
    EXPECT_EIGEN_NEAR(keyInputs->values, rc.trace->keyInputs, 0);
    EXPECT_EQ(find(crossStages, StageKind::Weights)->values.cols(), 4);
    EXPECT_THROW(stepStages(rc, 1), InputError);
}

TEST(StepStages, TheCatSatFollowsTheTutorial) {
    const ModelOutput r = runBuiltin(presetConfig(Preset::TheCatSat));
    const std::vector<Stage> stages = stepStages(r, 0);
    // Q Kᵀ before ÷√4: row "The" is 0.75, 2.5, 2.
    const Stage* dots = find(stages, StageKind::DotProducts);
    ASSERT_NE(dots, nullptr);
    EXPECT_NEAR(dots->values(0, 0), 0.75, 1e-6);
    EXPECT_NEAR(dots->values(0, 1), 2.5, 1e-6);
    EXPECT_NEAR(dots->values(0, 2), 2.0, 1e-6);
    EXPECT_NEAR(find(stages, StageKind::Scores)->values(0, 1), 1.25, 1e-6);
}

TEST(TraceSources, WeightCellComesFromItsQueryRowAndKeyRow) {
    Config config = manualConfig(4, 4, 1);
    const ModelOutput r = runBuiltin(config);
    const std::vector<Stage> stages = stepStages(r, 0);
    const int weights = indexOf(stages, StageKind::Weights);
    const std::vector<StageHighlight> h = traceSources(stages, weights, 2, 1, false);
    ASSERT_EQ(h.size(), stages.size());
    const auto at = [&](StageKind kind) {
        return h[static_cast<std::size_t>(indexOf(stages, kind))];
    };
    EXPECT_EQ(at(StageKind::Q).involvement, Involvement::Part);
    EXPECT_EQ(at(StageKind::Q).rows, std::vector<int>{2});
    EXPECT_EQ(at(StageKind::K).rows, std::vector<int>{1});
    EXPECT_EQ(at(StageKind::QueryInputs).rows, (std::vector<int>{1, 2})) << "self-attention: X";
    EXPECT_EQ(at(StageKind::Wq).involvement, Involvement::Whole);
    EXPECT_EQ(at(StageKind::V).involvement, Involvement::None) << "V enters after the weights";
    EXPECT_EQ(at(StageKind::Context).involvement, Involvement::None) << "later stage";
    const StageHighlight scores = at(StageKind::Scores);
    EXPECT_EQ(scores.cellRow, 2);
    EXPECT_EQ(scores.cellCol, 1);
    EXPECT_EQ(at(StageKind::Weights).cellRow, 2);
}

TEST(TraceSources, ContextCellUsesItsWeightRowAndValueColumn) {
    Config config = manualConfig(3, 4, 1);
    config.source = "s0 s1 s2 s3 s4";
    config.manualKeyEmbeddings = Random(4).normalMatrix(5, 4, 1.0);
    const ModelOutput r = runBuiltin(config);
    const std::vector<Stage> stages = stepStages(r, 0);
    const int context = indexOf(stages, StageKind::Context);
    const std::vector<StageHighlight> h = traceSources(stages, context, 1, 3, true);
    const auto at = [&](StageKind kind) {
        return h[static_cast<std::size_t>(indexOf(stages, kind))];
    };
    EXPECT_EQ(at(StageKind::Weights).rows, std::vector<int>{1});
    EXPECT_TRUE(at(StageKind::Weights).cols.empty());
    EXPECT_EQ(at(StageKind::V).cols, std::vector<int>{3});
    EXPECT_EQ(at(StageKind::Wv).cols, std::vector<int>{3});
    EXPECT_EQ(at(StageKind::QueryInputs).rows, std::vector<int>{1});
    EXPECT_EQ(at(StageKind::KeyInputs).involvement, Involvement::Whole);
    EXPECT_EQ(at(StageKind::K).involvement, Involvement::Whole);

    const int q = indexOf(stages, StageKind::Q);
    const std::vector<StageHighlight> hq = traceSources(stages, q, 2, 0, true);
    EXPECT_EQ(hq[static_cast<std::size_t>(indexOf(stages, StageKind::Wq))].cols,
              std::vector<int>{0});
    EXPECT_EQ(hq[static_cast<std::size_t>(indexOf(stages, StageKind::KeyInputs))].involvement,
              Involvement::None);
    EXPECT_EQ(hq[static_cast<std::size_t>(indexOf(stages, StageKind::Wk))].involvement,
              Involvement::None);
    // Out of range selects nothing.
    for (const StageHighlight& none : traceSources(stages, 99, 0, 0, true))
        EXPECT_EQ(none.involvement, Involvement::None);
}

} // namespace test_steps
