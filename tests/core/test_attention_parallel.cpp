// runBuiltin() runs heads in parallel and processes the n_q × n_k matrices in row blocks. These
// tests pin what that must not change: the numbers (identical for any thread count, equal to the
// whole-matrix formulas across block boundaries), which error is raised, and cancellation.

#include "core/attention/mask.h"
#include "core/attention/normalizer.h"
#include "core/attention/positional.h"
#include "core/base/random.h"
#include "core/model/builtin_model.h"

#include "eigen_testing.h"
#include "model_testing.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#ifdef _OPENMP
#include <omp.h>
#endif

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_attention_parallel {

using attnlab::core::BoolMatrix;
using attnlab::core::Cancelled;
using attnlab::core::Config;
using attnlab::core::EmbeddingSource;
using attnlab::core::InputError;
using attnlab::core::maskedLogits;
using attnlab::core::MaskKind;
using attnlab::core::Matrix;
using attnlab::core::ModelOutput;
using attnlab::core::Normalizer;
using attnlab::core::PositionalEncoding;
using attnlab::core::ProjectionInit;
using attnlab::core::Random;
using attnlab::core::RowVector;
using attnlab::core::runBuiltin;
using attnlab::core::ScoringFunction;
using attnlab::testing::headOf;
using attnlab::testing::headsOf;
using attnlab::testing::HeadView;

namespace {

// n distinct word tokens; most are absent from the lexicon and get hashed vectors.
std::string sentence(int n) {
    std::string text;
    for (int i = 0; i < n; ++i)
        text += "w" + std::to_string(i) + " ";
    return text;
}

Config longConfig(int n, int heads) {
    Config config;
    config.sentence = sentence(n);
    config.dModel = 32;
    config.heads = heads;
    config.projection = ProjectionInit::Random;
    config.seed = 7;
    return config;
}

// Runs `f` with OpenMP limited to `threads` (a no-op without OpenMP).
template <typename F> auto withThreads(int threads, F f) {
#ifdef _OPENMP
    const int previous = omp_get_max_threads();
    omp_set_num_threads(threads);
    auto value = f();
    omp_set_num_threads(previous);
    return value;
#else
    (void)threads;
    return f();
#endif
}

void expectSameResult(const ModelOutput& a, const ModelOutput& b) {
    ASSERT_EQ(a.trace->heads.size(), b.trace->heads.size());
    for (std::size_t h = 0; h < a.trace->heads.size(); ++h) {
        SCOPED_TRACE("head " + std::to_string(h));
        EXPECT_EIGEN_NEAR(a.trace->heads[h].scores, b.trace->heads[h].scores, 0.0);
        EXPECT_EIGEN_NEAR(maskedLogits(a.trace->heads[h].logits, a.maps.allowed),
                          maskedLogits(b.trace->heads[h].logits, b.maps.allowed), 0.0);
        EXPECT_EIGEN_NEAR(a.maps.weights[h], b.maps.weights[h], 0.0);
        EXPECT_EIGEN_NEAR(a.trace->heads[h].context, b.trace->heads[h].context, 0.0);
        EXPECT_EIGEN_NEAR(a.maps.entropy[h], b.maps.entropy[h], 0.0);
        EXPECT_EQ(a.maps.argmax[h], b.maps.argmax[h]);
    }
    EXPECT_EIGEN_NEAR(a.maps.mean[0], b.maps.mean[0], 0.0);
    EXPECT_EIGEN_NEAR(a.maps.max[0], b.maps.max[0], 0.0);
    EXPECT_EIGEN_NEAR(a.trace->output, b.trace->output, 0.0);
    EXPECT_EQ(a.maps.degenerateRows, b.maps.degenerateRows);
    EXPECT_EQ(a.maps.fullyMaskedRows, b.maps.fullyMaskedRows);
}

} // namespace

TEST(ParallelHeads, SameNumbersForAnyThreadCount) {
    for (Normalizer normalizer : {Normalizer::Softmax, Normalizer::Relu, Normalizer::Sparsemax}) {
        Config config = longConfig(300, 4);
        config.normalizer = normalizer;
        config.mask.kind = MaskKind::Window;
        config.mask.window = 5;
        const ModelOutput one = withThreads(1, [&] { return runBuiltin(config); });
        const ModelOutput two = withThreads(2, [&] { return runBuiltin(config); });
        const ModelOutput four = withThreads(4, [&] { return runBuiltin(config); });
        expectSameResult(one, two);
        expectSameResult(one, four);
    }
}

TEST(ParallelHeads, MeanAndMaxOverHeadsMatchTheirDefinition) {
    Config config = longConfig(260, 3);
    config.dK = 8;
    const ModelOutput r = runBuiltin(config);
    Matrix mean = Matrix::Zero(260, 260);
    Matrix max = r.maps.weights[0];
    for (const HeadView& head : headsOf(r)) {
        mean += head.weights;
        max = max.cwiseMax(head.weights);
    }
    mean /= 3.0f;
    EXPECT_EIGEN_NEAR(r.maps.mean[0], mean, 0.0);
    EXPECT_EIGEN_NEAR(r.maps.max[0], max, 0.0);
}

// The logits are formed block by block; they must equal the whole-matrix formula of
// attention-math.md (S / T + ALiBi bias, clamped, masked cells −∞) in every block.
TEST(RowBlocks, LogitsEqualTheWholeMatrixFormula) {
    Config config = longConfig(700, 2); // several blocks of rows
    config.temperature = 0.7f;
    config.positional = PositionalEncoding::Alibi;
    config.mask.kind = MaskKind::Causal;
    const ModelOutput r = runBuiltin(config);
    const std::vector<float> slopes = attnlab::core::alibiSlopes(2);
    constexpr float kLargest = std::numeric_limits<float>::max();
    for (int h = 0; h < 2; ++h) {
        const HeadView head = headOf(r, h);
        Matrix logits = head.scores / config.temperature;
        logits += attnlab::core::alibiBias(700, 700, slopes[static_cast<std::size_t>(h)]);
        logits = logits.cwiseMax(-kLargest).cwiseMin(kLargest);
        const Matrix expected =
            r.maps.allowed.select(logits, -std::numeric_limits<float>::infinity());
        EXPECT_EIGEN_NEAR(head.logits, expected, 0.0) << "head " << h;
        // The trace keeps the logits before the mask: the formula in every cell.
        EXPECT_EIGEN_NEAR(head.trace.logits, logits, 0.0) << "head " << h;
        std::vector<int> flagged;
        EXPECT_EIGEN_NEAR(head.weights,
                          attnlab::core::normalizeRows(config.normalizer, head.logits, flagged),
                          0.0);
        for (int i = 0; i < 700; ++i) {
            Eigen::Index best = 0;
            head.weights.row(i).maxCoeff(&best);
            ASSERT_EQ(head.argmax[static_cast<std::size_t>(i)], static_cast<int>(best)) << i;
        }
    }
}

TEST(RowBlocks, EntropyOfLongRowsMatchesADoubleLoop) {
    const ModelOutput r = runBuiltin(longConfig(1500, 1));
    const Matrix& a = r.maps.weights[0];
    for (int i = 0; i < 1500; i += 37) {
        double expected = 0.0;
        for (int j = 0; j < 1500; ++j)
            if (a(i, j) > 0.0f)
                expected -= static_cast<double>(a(i, j)) * std::log(static_cast<double>(a(i, j)));
        EXPECT_NEAR(r.maps.entropy[0](i), expected, 1e-5) << "row " << i;
    }
}

// Sparsemax sorts only the entries that can be in the support; the result must be that of the
// full sort, also for wide, huge and tied logits.
TEST(SparsemaxShortcut, EqualsTheFullSort) {
    // On z − max z (sparsemax is shift-invariant), so that at a spread of 1e30 the 1 in
    // "1 + k·z" is not lost to rounding.
    auto fullSort = [](const RowVector& z) {
        const double top = z.maxCoeff();
        std::vector<double> sorted(z.data(), z.data() + z.size());
        for (double& value : sorted)
            value -= top;
        std::sort(sorted.begin(), sorted.end(), std::greater<>());
        double cumulative = 0.0, tau = 0.0;
        for (std::size_t k = 1; k <= sorted.size(); ++k) {
            cumulative += sorted[k - 1];
            if (1.0 + static_cast<double>(k) * sorted[k - 1] > cumulative)
                tau = (cumulative - 1.0) / static_cast<double>(k);
        }
        RowVector out(z.size());
        for (Eigen::Index j = 0; j < z.size(); ++j)
            out(j) = static_cast<float>(std::max(static_cast<double>(z(j)) - top - tau, 0.0));
        return out;
    };
    Random rng(11);
    for (double spread : {0.01, 0.3, 1.0, 5.0, 1e6, 1e30}) {
        const Matrix m = rng.normalMatrix(1, 2000, spread);
        const RowVector z = m.row(0);
        EXPECT_EIGEN_NEAR(attnlab::core::sparsemax(z), fullSort(z), 0.0) << "spread " << spread;
    }
    RowVector ties = RowVector::Constant(1000, 0.25f);
    ties(3) = 1.1f;
    EXPECT_EIGEN_NEAR(attnlab::core::sparsemax(ties), fullSort(ties), 0.0);
}

TEST(ParallelHeads, FirstFailingHeadNamesTheError) {
    Config config;
    config.sentence = "a b c";
    config.embeddings = EmbeddingSource::Manual;
    config.manualQueryEmbeddings = Matrix::Identity(3, 4);
    config.dModel = 4;
    config.heads = 4;
    config.projection = ProjectionInit::Manual;
    for (int h = 0; h < 4; ++h) {
        // Heads 3 and 4 have W_k of the wrong shape; head 3's message must win.
        config.manual.wq.push_back(Matrix::Identity(4, 1));
        config.manual.wk.push_back(h >= 2 ? Matrix::Identity(4, 2) : Matrix::Identity(4, 1));
        config.manual.wv.push_back(Matrix::Identity(4, 1));
    }
    for (int repeat = 0; repeat < 20; ++repeat) {
        try {
            runBuiltin(config);
            FAIL() << "expected InputError";
        } catch (const InputError& error) {
            EXPECT_NE(std::string(error.what()).find("head 3"), std::string::npos) << error.what();
        }
    }
}

TEST(ParallelHeads, ProgressRunsOnTheCallingThreadAndCancels) {
    const Config config = longConfig(200, 8);
    const std::thread::id caller = std::this_thread::get_id();
    std::vector<int> seen;
    bool otherThread = false;
    runBuiltin(config, {}, [&](int done, int total) {
        otherThread = otherThread || std::this_thread::get_id() != caller;
        EXPECT_EQ(total, 10);
        seen.push_back(done);
        return true;
    });
    EXPECT_FALSE(otherThread);
    ASSERT_FALSE(seen.empty());
    EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
    EXPECT_EQ(seen.back(), 10) << "the last call reports completion";

    int calls = 0;
    EXPECT_THROW(runBuiltin(config, {},
                            [&](int done, int) {
                                ++calls;
                                return done < 2; // cancel as soon as the first head is done
                            }),
                 Cancelled);
    EXPECT_GE(calls, 2);
}

} // namespace test_attention_parallel
