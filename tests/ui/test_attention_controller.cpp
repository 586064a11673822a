// AttentionController: small inputs answer at once with the core's numbers, large ones run on
// the worker where the newest request wins, errors name their control and keep the last result,
// and the built-in lexicon is built once per width.

#include "ui/attention_controller.h"

#include "eigen_testing.h"

#include <gtest/gtest.h>

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <memory>
#include <string>
#include <vector>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_attention_controller {

using namespace attnlab;
using attnlab::ui::AttentionController;

namespace {

core::Config smallConfig(const std::string& sentence = "the cat sat on the mat") {
    core::Config config;
    config.sentence = sentence;
    config.dModel = 16;
    config.heads = 2;
    return config;
}

// Whitespace-separated words w0 … w(n−1): a long sentence that costs real time in compute().
core::Config largeConfig(int tokens, const std::string& tag = "w") {
    core::Config config;
    config.sentence.clear();
    for (int i = 0; i < tokens; ++i)
        config.sentence += (i ? " " : "") + tag + std::to_string(i);
    config.tokenizer.mode = core::TokenizerMode::Whitespace;
    config.dModel = 256;
    config.heads = 16;
    config.scoring = core::ScoringFunction::Additive; // n² · d_a per head: slow enough to cancel
    return config;
}

// 1100 tokens, 4 heads: past the cells up to which a run keeps every head's stages, quick to run.
core::Config longTraceConfig() {
    core::Config config = largeConfig(1100);
    config.dModel = 16;
    config.heads = 4;
    config.scoring = core::ScoringFunction::ScaledDot;
    return config;
}

// Waits until every run (and load) on the workers has finished and reported back.
bool waitUntilIdle(AttentionController& controller, int timeoutMs = 60000) {
    return controller.waitForBackgroundWork(timeoutMs) && !controller.isBusy();
}

double workOf(const core::Config& config) {
    return core::BuiltinModel().estimateWork(config);
}

QString writeFile(const QTemporaryDir& dir, const QString& name, const QByteArray& contents) {
    const QString path = dir.filePath(name);
    QFile file(path);
    EXPECT_TRUE(file.open(QIODevice::WriteOnly));
    file.write(contents);
    return path;
}

} // namespace

TEST(AttentionController, SmallInputAnswersSynchronously) {
    AttentionController controller;
    QSignalSpy ready(&controller, &AttentionController::resultReady);
    QSignalSpy busy(&controller, &AttentionController::busyChanged);
    controller.setConfig(smallConfig());
    ASSERT_EQ(ready.count(), 1); // before setConfig returned: no event loop needed
    EXPECT_EQ(busy.count(), 0);
    EXPECT_FALSE(controller.isBusy());
    ASSERT_TRUE(controller.lastResult());
    EXPECT_EQ(ready.at(0).at(0).value<std::shared_ptr<const core::ModelOutput>>(),
              controller.lastResult());
    EXPECT_GE(ready.at(0).at(1).toLongLong(), 0);
}

TEST(AttentionController, ResultHasTheCoreWeights) {
    AttentionController controller;
    const core::Config config = smallConfig();
    controller.setConfig(config);
    const core::ModelOutput expected = core::runBuiltin(config);
    const auto result = controller.lastResult();
    ASSERT_TRUE(result);
    ASSERT_EQ(static_cast<std::size_t>(result->maps.heads),
              static_cast<std::size_t>(expected.maps.heads));
    for (std::size_t h = 0; h < static_cast<std::size_t>(expected.maps.heads); ++h)
        EXPECT_EIGEN_NEAR(result->maps.weights[h], expected.maps.weights[h], 0.0);
    EXPECT_EIGEN_NEAR(result->maps.mean[0], expected.maps.mean[0], 0.0);
}

TEST(AttentionController, SentenceAndSourceUpdates) {
    AttentionController controller;
    controller.setConfig(smallConfig());
    controller.setSentence(QStringLiteral("I love deep learning"));
    ASSERT_TRUE(controller.lastResult());
    EXPECT_EQ(controller.lastResult()->maps.queryTokens.size(), 4u);
    EXPECT_FALSE(controller.lastResult()->maps.cross);
    controller.setSource(QStringLiteral("我 爱 深度 学习 ！"));
    ASSERT_TRUE(controller.lastResult()->maps.cross);
    EXPECT_EQ(controller.lastResult()->config.source, std::string("我 爱 深度 学习 ！"));
    EXPECT_EQ(controller.lastResult()->maps.mean[0].rows(), 4);
}

TEST(AttentionController, BuiltinLexiconIsCachedPerWidth) {
    AttentionController controller;
    const auto a = controller.builtinTable(32);
    const auto b = controller.builtinTable(32);
    ASSERT_TRUE(a);
    EXPECT_EQ(a.get(), b.get());
    EXPECT_EQ(a->dimension(), 32);
    const auto c = controller.builtinTable(48);
    EXPECT_NE(a.get(), c.get());
    EXPECT_EQ(c->dimension(), 48);
    EXPECT_EQ(controller.builtinTable(32).get(), a.get());
}

TEST(AttentionController, ErrorNamesTheFieldAndKeepsTheLastResult) {
    AttentionController controller;
    controller.setConfig(smallConfig());
    const auto good = controller.lastResult();
    ASSERT_TRUE(good);
    QSignalSpy failed(&controller, &AttentionController::failed);
    QSignalSpy ready(&controller, &AttentionController::resultReady);
    core::Config bad = smallConfig();
    bad.heads = 3; // 16 is not divisible by 3
    controller.setConfig(bad);
    ASSERT_EQ(failed.count(), 1);
    EXPECT_EQ(failed.at(0).at(1).toString(), QStringLiteral("heads"));
    EXPECT_TRUE(failed.at(0).at(0).toString().contains(QStringLiteral("divisible")));
    EXPECT_EQ(ready.count(), 0);
    EXPECT_EQ(controller.lastResult(), good);

    controller.setSentence(QStringLiteral("   "));
    ASSERT_EQ(failed.count(), 2);
}

// Each error carries the key of the setting it is about, so the window places it under its
// control without reading the message.
TEST(AttentionController, ErrorsCarryTheirSetting) {
    const auto fieldOf = [](const core::Config& config) {
        AttentionController controller;
        QSignalSpy failed(&controller, &AttentionController::failed);
        controller.setConfig(config);
        return failed.isEmpty() ? QStringLiteral("(no error)") : failed.last().at(1).toString();
    };
    core::Config config = smallConfig();
    config.heads = 5; // 16 is not divisible by 5
    EXPECT_EQ(fieldOf(config), QStringLiteral("heads"));
    config = smallConfig();
    config.source = "a b";
    config.mask.kind = core::MaskKind::Causal;
    EXPECT_EQ(fieldOf(config), QStringLiteral("mask"));
    config = smallConfig();
    config.mask.kind = core::MaskKind::Padding;
    config.mask.padLength = 3;
    EXPECT_EQ(fieldOf(config), QStringLiteral("mask"));
    config = smallConfig();
    config.dK = -1;
    EXPECT_EQ(fieldOf(config), QStringLiteral("d_k"));
    config = smallConfig();
    config.dModel = 1;
    EXPECT_EQ(fieldOf(config), QStringLiteral("d_model"));
    config = smallConfig();
    config.temperature = 0;
    EXPECT_EQ(fieldOf(config), QStringLiteral("temperature"));
    config = smallConfig();
    config.embeddings = core::EmbeddingSource::File;
    EXPECT_EQ(fieldOf(config), QStringLiteral("embeddings"));
    config = smallConfig();
    config.source = " ";
    config.source = "   ";
    EXPECT_EQ(fieldOf(config), QStringLiteral("source"));
    config = smallConfig("   ");
    EXPECT_EQ(fieldOf(config), QStringLiteral("sentence"));
}

TEST(AttentionController, InvalidEmbeddingsFileKeepsEverything) {
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    AttentionController controller;
    controller.setConfig(smallConfig());
    const auto good = controller.lastResult();
    QSignalSpy failed(&controller, &AttentionController::failed);
    QSignalSpy ready(&controller, &AttentionController::resultReady);

    const QString bad =
        writeFile(dir, QStringLiteral("bad.txt"), "cat 0.1 0.2 0.3\ndog 0.1 oops 0.3\n");
    EXPECT_FALSE(controller.loadEmbeddings(bad));
    ASSERT_EQ(failed.count(), 1);
    EXPECT_EQ(failed.at(0).at(1).toString(), QStringLiteral("embeddings"));
    EXPECT_FALSE(failed.at(0).at(0).toString().isEmpty());

    EXPECT_FALSE(controller.loadEmbeddings(dir.filePath(QStringLiteral("missing.vec"))));
    EXPECT_EQ(failed.count(), 2);

    EXPECT_EQ(ready.count(), 0);
    EXPECT_EQ(controller.lastResult(), good);
    EXPECT_EQ(controller.config().embeddings, core::EmbeddingSource::Builtin);
    EXPECT_TRUE(controller.embeddingsPath().isEmpty());
}

TEST(AttentionController, EmbeddingsFileSetsTheWidth) {
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    const QString path = writeFile(dir, QStringLiteral("tiny.txt"),
                                   "the 1 0 0 0\ncat 0 1 0 0\nsat 0 0 1 0\nmat 0 0 0 1\n");
    AttentionController controller;
    controller.setConfig(smallConfig("the cat sat"));
    QSignalSpy loaded(&controller, &AttentionController::embeddingsLoaded);
    ASSERT_TRUE(controller.loadEmbeddings(path));
    ASSERT_EQ(loaded.count(), 1);
    EXPECT_EQ(loaded.at(0).at(2).toInt(), 4);
    ASSERT_TRUE(controller.lastResult());
    EXPECT_EQ(controller.lastResult()->config.dModel, 4);
    EXPECT_EQ(controller.lastResult()->config.embeddings, core::EmbeddingSource::File);
    EXPECT_EQ(controller.lastResult()->trace->queryInputs.row(1),
              (core::RowVector(4) << 0, 1, 0, 0).finished());
}

TEST(AttentionController, LargeInputsRunOnTheWorker) {
    AttentionController controller;
    controller.setSyncWorkLimit(0); // everything goes to the worker
    QSignalSpy ready(&controller, &AttentionController::resultReady);
    QSignalSpy busy(&controller, &AttentionController::busyChanged);
    controller.setConfig(smallConfig());
    EXPECT_EQ(ready.count(), 0); // not yet: the worker answers through the event loop
    EXPECT_TRUE(controller.isBusy());
    ASSERT_TRUE(waitUntilIdle(controller));
    ASSERT_EQ(ready.count(), 1);
    ASSERT_GE(busy.count(), 2);
    EXPECT_TRUE(busy.first().at(0).toBool());
    EXPECT_FALSE(busy.last().at(0).toBool());
    const core::ModelOutput expected = core::runBuiltin(smallConfig());
    EXPECT_EIGEN_NEAR(controller.lastResult()->maps.mean[0], expected.maps.mean[0], 0.0);
}

TEST(AttentionController, NewestRequestWinsOnTheWorker) {
    AttentionController controller;
    controller.setSyncWorkLimit(0);
    QSignalSpy ready(&controller, &AttentionController::resultReady);
    // Typing fast: five requests before the first can finish.
    for (int i = 1; i <= 5; ++i)
        controller.setConfig(largeConfig(100 * i, "t" + std::to_string(i) + "_"));
    EXPECT_EQ(controller.generation(), 5u);
    ASSERT_TRUE(waitUntilIdle(controller));
    ASSERT_EQ(ready.count(), 1) << "only the newest result may arrive";
    const auto result = ready.at(0).at(0).value<std::shared_ptr<const core::ModelOutput>>();
    ASSERT_TRUE(result);
    EXPECT_EQ(result->maps.queryTokens.size(), 500u);
    EXPECT_EQ(result->maps.queryTokens.front().text, std::string("t5_0"));
    // The first ran and was stopped; the three in between were replaced before they ran.
    EXPECT_EQ(controller.cancelledRuns() + controller.droppedResults(), 4);
    EXPECT_GE(controller.droppedResults(), 3);
}

// Past kFullTraceCells a run keeps the stages of the shown heads only; showing another head
// runs again with its stages, a head already kept runs nothing, and a short input keeps every
// head's stages without a second run.
TEST(AttentionController, LongInputsKeepTheStagesOfTheShownHeadsOnly) {
    const core::Config config = longTraceConfig();
    ASSERT_GT(1100.0 * 1100.0 * 4, AttentionController::kFullTraceCells);
    const auto kept = [](const core::ModelOutput& result) {
        std::vector<int> heads;
        for (std::size_t h = 0; h < result.trace->heads.size(); ++h)
            if (result.trace->heads[h].traced())
                heads.push_back(static_cast<int>(h));
        return heads;
    };
    for (const double syncLimit : {0.0, 1e12}) { // on the worker, and at once
        SCOPED_TRACE(syncLimit);
        AttentionController controller;
        controller.setSyncWorkLimit(syncLimit);
        controller.setTracedHeads({2});
        QSignalSpy ready(&controller, &AttentionController::resultReady);
        controller.setConfig(config);
        ASSERT_TRUE(waitUntilIdle(controller));
        ASSERT_EQ(ready.count(), 1);
        const std::shared_ptr<const core::ModelOutput> first = controller.lastResult();
        EXPECT_EQ(kept(*first), std::vector<int>({2}));

        // Head 4 shown as well: the same configuration runs again, with its stages.
        const quint64 before = controller.generation();
        controller.setTracedHeads({3, 2});
        EXPECT_EQ(ready.count(), 1) << "not inside the call: after the event loop's turn";
        ASSERT_TRUE(waitUntilIdle(controller));
        ASSERT_EQ(ready.count(), 2);
        EXPECT_EQ(controller.generation(), before + 1);
        const std::shared_ptr<const core::ModelOutput> second = controller.lastResult();
        EXPECT_EQ(kept(*second), std::vector<int>({2, 3}));
        EXPECT_EIGEN_NEAR(second->trace->heads[3].scores,
                          core::runBuiltin(config).trace->heads[3].scores, 0.0);
        for (std::size_t h = 0; h < 4; ++h)
            EXPECT_EIGEN_NEAR(second->maps.weights[h], first->maps.weights[h], 0.0);

        // A head already kept runs nothing; a head past the count stands for head 1.
        controller.setTracedHeads({3});
        ASSERT_TRUE(waitUntilIdle(controller));
        EXPECT_EQ(ready.count(), 2);
        controller.setTracedHeads({7});
        ASSERT_TRUE(waitUntilIdle(controller));
        ASSERT_EQ(ready.count(), 3);
        EXPECT_EQ(kept(*controller.lastResult()), std::vector<int>({0}));

        // A short input keeps every head's stages.
        controller.setConfig(smallConfig());
        ASSERT_TRUE(waitUntilIdle(controller));
        ASSERT_EQ(ready.count(), 4);
        EXPECT_EQ(kept(*controller.lastResult()), std::vector<int>({0, 1}));
        controller.setTracedHeads({1});
        ASSERT_TRUE(waitUntilIdle(controller));
        EXPECT_EQ(ready.count(), 4);
    }
}

// A model whose runs keep no head's stages, whatever they are asked (the built-in layer's run
// with its trace stripped to the projections): a head it lacks is asked for once, not again.
class StagelessModel : public core::Model {
public:
    std::string name() const override { return "stageless"; }
    core::ModelCapabilities capabilities(const core::Config& config) const override {
        return m_builtin.capabilities(config);
    }
    core::ModelOutput run(const core::Config& config, const core::RunOptions& options,
                          const core::ProgressCallback& progress) const override {
        ++runs;
        core::ModelOutput output = m_builtin.run(config, options, progress);
        for (core::HeadTrace& head : output.trace->heads) {
            core::HeadTrace projections;
            projections.wq = head.wq;
            projections.wk = head.wk;
            projections.wv = head.wv;
            head = std::move(projections);
        }
        return output;
    }
    double estimateWork(const core::Config& config) const override {
        return m_builtin.estimateWork(config);
    }
    mutable std::atomic<int> runs{0};

private:
    core::BuiltinModel m_builtin;
};

TEST(AttentionController, AHeadAModelNeverKeepsIsAskedForOnce) {
    AttentionController controller;
    auto model = std::make_shared<StagelessModel>();
    controller.setModel(model);
    controller.setConfig(smallConfig());
    ASSERT_TRUE(waitUntilIdle(controller));
    const int before = model->runs.load();
    controller.setTracedHeads({1});
    ASSERT_TRUE(waitUntilIdle(controller));
    EXPECT_EQ(model->runs.load(), before + 1);
    controller.setTracedHeads({1}); // as the pages do when that result arrives
    controller.setTracedHeads({1, 0});
    ASSERT_TRUE(waitUntilIdle(controller));
    EXPECT_EQ(model->runs.load(), before + 2) << "head 1 again, then head 0 once";
    controller.setTracedHeads({0});
    ASSERT_TRUE(waitUntilIdle(controller));
    EXPECT_EQ(model->runs.load(), before + 2);
}

// When the newest request failed, the result on screen is an older one: showing another head
// does not run the failing configuration again.
TEST(AttentionController, ShowingAHeadAfterAFailedRequestRunsNothing) {
    core::Config config = longTraceConfig();
    AttentionController controller;
    controller.setTracedHeads({0});
    QSignalSpy ready(&controller, &AttentionController::resultReady);
    QSignalSpy failed(&controller, &AttentionController::failed);
    controller.setConfig(config);
    ASSERT_TRUE(waitUntilIdle(controller));
    ASSERT_EQ(ready.count(), 1);
    config.heads = 0;
    controller.setConfig(config);
    ASSERT_TRUE(waitUntilIdle(controller));
    ASSERT_EQ(failed.count(), 1);
    const quint64 generation = controller.generation();
    controller.setTracedHeads({1});
    ASSERT_TRUE(waitUntilIdle(controller));
    EXPECT_EQ(controller.generation(), generation);
    EXPECT_EQ(ready.count(), 1);
    EXPECT_EQ(failed.count(), 1);
}

TEST(AttentionController, SmallRequestCancelsLargeRunningWork) {
    AttentionController controller;
    const core::Config large = largeConfig(1500);
    ASSERT_GT(workOf(large), controller.syncWorkLimit());
    ASSERT_LT(workOf(smallConfig()), controller.syncWorkLimit());
    QSignalSpy ready(&controller, &AttentionController::resultReady);
    controller.setConfig(large);
    EXPECT_TRUE(controller.isBusy());
    // The small request comes while the worker is inside the large run.
    ASSERT_TRUE(QTest::qWaitFor([&] { return controller.startedRuns() == 1; }, 60000));
    controller.setConfig(smallConfig());
    ASSERT_EQ(ready.count(), 1); // the small one, at once
    EXPECT_FALSE(controller.isBusy());
    const auto small = controller.lastResult();
    EXPECT_EQ(small->maps.queryTokens.size(), 6u);

    // The stale large run stops at its next progress call and never reports.
    ASSERT_TRUE(controller.waitForBackgroundWork(60000));
    EXPECT_EQ(controller.cancelledRuns(), 1);
    EXPECT_EQ(ready.count(), 1);
    EXPECT_EQ(controller.lastResult(), small);
}

TEST(AttentionController, DestroyingWhileBusyIsSafe) {
    auto controller = std::make_unique<AttentionController>();
    QObject receiver;
    int delivered = 0;
    QObject::connect(controller.get(), &AttentionController::resultReady, &receiver,
                     [&delivered] { ++delivered; });
    controller->setConfig(largeConfig(1500));
    EXPECT_TRUE(controller->isBusy());
    ASSERT_TRUE(QTest::qWaitFor([&] { return controller->startedRuns() == 1; }, 60000));
    controller.reset(); // cancels and waits for the worker
    // No queued call may reach the deleted controller (the sanitizers would see it), and no
    // result of the cancelled run arrives.
    QCoreApplication::sendPostedEvents();
    QCoreApplication::processEvents();
    EXPECT_EQ(delivered, 0);
}

TEST(AttentionController, WorkEstimateGrowsWithTokensHeadsAndWidth) {
    core::Config config = largeConfig(100);
    const double base = workOf(config);
    config = largeConfig(200);
    EXPECT_GT(workOf(config), 2.0 * base);
    config.heads = 1;
    config.dK = 16;
    EXPECT_LT(workOf(config), workOf(largeConfig(200)));
}

TEST(AttentionController, LargeEmbeddingsFilesLoadOnTheWorkerWithProgress) {
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    QByteArray text;
    for (int i = 0; i < 2000; ++i)
        text += "word" + QByteArray::number(i) + " 0.5 -0.25 0.125 1\n";
    text += "cat 1 0 0 0\n";
    const QString path = writeFile(dir, QStringLiteral("large.txt"), text);
    AttentionController controller;
    controller.setSyncLoadLimit(0); // every file counts as large
    controller.setConfig(smallConfig("the cat"));
    QSignalSpy loading(&controller, &AttentionController::embeddingsLoading);
    QSignalSpy loaded(&controller, &AttentionController::embeddingsLoaded);
    QSignalSpy progress(&controller, &AttentionController::embeddingsProgress);
    ASSERT_TRUE(controller.loadEmbeddings(path));
    EXPECT_EQ(loading.count(), 1);
    EXPECT_TRUE(controller.isLoadingEmbeddings());
    EXPECT_EQ(loaded.count(), 0) << "the worker answers through the event loop";
    ASSERT_TRUE(loaded.wait(10000));
    EXPECT_FALSE(controller.isLoadingEmbeddings());
    EXPECT_GE(progress.count(), 1);
    EXPECT_EQ(loaded.at(0).at(1).toInt(), 2001);
    ASSERT_TRUE(waitUntilIdle(controller));
    ASSERT_TRUE(controller.lastResult());
    EXPECT_EQ(controller.lastResult()->config.dModel, 4);
    EXPECT_EQ(controller.lastResult()->trace->queryInputs.row(1),
              (core::RowVector(4) << 1, 0, 0, 0).finished());
    // The binary cache was written beside the file, and a second load uses it.
    EXPECT_TRUE(QFileInfo::exists(path + QStringLiteral(".attnlab-cache")));
}

TEST(AttentionController, CancellingALoadKeepsThePreviousEmbeddings) {
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    QByteArray text;
    for (int i = 0; i < 20000; ++i)
        text += "w" + QByteArray::number(i) + " 0.1 0.2 0.3 0.4 0.5 0.6 0.7 0.8\n";
    const QString path = writeFile(dir, QStringLiteral("big.txt"), text);
    AttentionController controller;
    controller.setSyncLoadLimit(0);
    controller.setConfig(smallConfig());
    const auto before = controller.lastResult();
    QSignalSpy loaded(&controller, &AttentionController::embeddingsLoaded);
    QSignalSpy failed(&controller, &AttentionController::failed);
    ASSERT_TRUE(controller.loadEmbeddings(path));
    controller.cancelEmbeddingsLoad();
    EXPECT_FALSE(controller.isLoadingEmbeddings());
    ASSERT_EQ(failed.count(), 1);
    EXPECT_TRUE(failed.at(0).at(0).toString().contains(QStringLiteral("cancelled")));
    // A worker that finished anyway must not switch the table.
    ASSERT_TRUE(controller.waitForBackgroundWork(60000));
    EXPECT_EQ(loaded.count(), 0);
    EXPECT_EQ(controller.config().embeddings, core::EmbeddingSource::Builtin);
    EXPECT_EQ(controller.lastResult(), before);
}

} // namespace test_attention_controller
