// The Learn page's exports: Export GIF writes the same animation as `train --gif` (decoded with
// giflib: a frame per snapshot and the current step), Export Strip a PNG of the chosen steps,
// Save Model a folder that File → Open Model opens; a failed export keeps the earlier file and
// says why; the buttons wait for Pause. Every wait is on a signal.

#include "ui/learn_page.h"
#include "ui/main_window.h"

#include "core/film/learning_film.h"
#include "core/training/trainer.h"

#include <gif_lib.h>
#include <gtest/gtest.h>

#include <QFile>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_learn_page_export {

using namespace attnlab;
using ui::LearnPage;
using ui::MainWindow;

namespace {

core::training::TrainSettings smallSettings(int steps) {
    core::training::TrainSettings s;
    s.task.kind = core::training::TaskKind::Reverse;
    s.task.length = 4;
    s.layers = 1;
    s.heads = 2;
    s.steps = steps;
    s.seed = 3;
    return s;
}

QByteArray readAll(const QString& path) {
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// Frames and screen size as giflib decodes them.
struct Gif {
    int frames = -1, width = 0, height = 0;
    std::vector<std::vector<unsigned char>> pixels;
};

Gif slurp(const QString& path) {
    int error = 0;
    Gif result;
    GifFileType* gif = DGifOpenFileName(path.toLocal8Bit().constData(), &error);
    if (gif == nullptr)
        return result;
    if (DGifSlurp(gif) == GIF_OK) {
        result.frames = gif->ImageCount;
        result.width = gif->SWidth;
        result.height = gif->SHeight;
        for (int i = 0; i < gif->ImageCount; ++i) {
            const auto* bits = gif->SavedImages[i].RasterBits;
            result.pixels.emplace_back(bits,
                                       bits + static_cast<std::size_t>(gif->SWidth) * gif->SHeight);
        }
    }
    DGifCloseFile(gif, &error);
    return result;
}

long pngWidth(const QByteArray& png) {
    if (png.size() < 24 || !png.startsWith("\x89PNG\r\n\x1a\n") || png.mid(12, 4) != "IHDR")
        return -1;
    long value = 0;
    for (int i = 16; i < 20; ++i)
        value = value * 256 + static_cast<unsigned char>(png[i]);
    return value;
}

class LearnPageExport : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(m_dir.isValid());
        m_page = std::make_unique<LearnPage>();
        m_page->resize(900, 700);
        m_page->show();
        ASSERT_TRUE(QTest::qWaitForWindowExposed(m_page.get()));
    }

    // Trains the page's model to its last step, waiting for the worker to stop.
    void trainTo(int steps) {
        m_page->setSettings(smallSettings(steps));
        QSignalSpy stopped(m_page.get(), &LearnPage::trainingStopped);
        m_page->start();
        ASSERT_TRUE(stopped.wait(60000));
        ASSERT_EQ(m_page->shownStep(), steps);
    }

    QPushButton* button(const char* name) const {
        return m_page->findChild<QPushButton*>(QString::fromLatin1(name));
    }

    QTemporaryDir m_dir;
    std::unique_ptr<LearnPage> m_page;
};

} // namespace

TEST_F(LearnPageExport, GifHasAFramePerSnapshotAndTheCurrentStep) {
    trainTo(250); // snapshots at 0, 100, 200; then step 250 itself
    EXPECT_EQ(m_page->exportableSteps(), (std::vector<int>{0, 100, 200, 250}));
    const QString path = m_dir.filePath(QStringLiteral("learning.gif"));
    QSignalSpy exported(m_page.get(), &LearnPage::exported);
    ASSERT_TRUE(m_page->exportGif(path));
    ASSERT_EQ(exported.size(), 1);
    EXPECT_EQ(exported.front().front().toString(), path);
    const Gif gif = slurp(path);
    ASSERT_EQ(gif.frames, 4);
    // The trained frame is not the untrained one.
    std::size_t differing = 0;
    for (std::size_t i = 0; i < gif.pixels.front().size(); ++i)
        differing += gif.pixels.front()[i] != gif.pixels.back()[i];
    EXPECT_GT(differing, 500u);

    // The same bytes as the command line's code on the same run without the page.
    core::training::TrainSettings s = m_page->settings();
    core::training::Trainer trainer(s);
    trainer.run(250);
    const QString direct = m_dir.filePath(QStringLiteral("direct.gif"));
    core::film::writeLearningGif(direct.toStdString(), core::film::allFrames(trainer));
    EXPECT_EQ(readAll(path), readAll(direct));
}

TEST_F(LearnPageExport, StripShowsTheChosenStepsAndRefusesOthers) {
    trainTo(120);
    const QString gifPath = m_dir.filePath(QStringLiteral("one.gif"));
    ASSERT_TRUE(m_page->exportGif(gifPath));
    const Gif gif = slurp(gifPath);
    ASSERT_GT(gif.width, 0);
    const QString path = m_dir.filePath(QStringLiteral("strip.png"));
    ASSERT_TRUE(m_page->exportStrip(path, {0, 100, 120}));
    EXPECT_EQ(pngWidth(readAll(path)), 3L * gif.width + 2 * 8);

    // A step without heatmaps is refused naming those that have them; the strip stays.
    const QByteArray before = readAll(path);
    QSignalSpy failed(m_page.get(), &LearnPage::exportFailed);
    EXPECT_FALSE(m_page->exportStrip(path, {0, 50}));
    ASSERT_EQ(failed.size(), 1);
    EXPECT_TRUE(failed.front().front().toString().contains(QStringLiteral("0, 100, 120")))
        << failed.front().front().toString().toStdString();
    EXPECT_EQ(readAll(path), before);
}

TEST_F(LearnPageExport, SavedModelOpensInTheWindow) {
    trainTo(20);
    const QString folder = m_dir.filePath(QStringLiteral("reverse-model"));
    ASSERT_TRUE(m_page->saveModel(folder));
    for (const char* file : {"config.json", "model.safetensors"})
        EXPECT_TRUE(QFile::exists(folder + QLatin1Char('/') + QLatin1String(file))) << file;

    MainWindow window(m_dir.filePath(QStringLiteral("settings.ini")));
    window.setNonInteractive(QMessageBox::Discard);
    window.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&window));
    QSignalSpy opened(&window, &MainWindow::modelOpened);
    QSignalSpy failed(&window, &MainWindow::modelFailed);
    window.openModelFolder(folder);
    ASSERT_TRUE(opened.wait(30000))
        << (failed.isEmpty() ? std::string("no signal")
                             : failed.front().front().toString().toStdString());
    EXPECT_TRUE(window.isShowingModel());
}

TEST_F(LearnPageExport, ExportsWaitForPause) {
    m_page->setSettings(smallSettings(100000));
    ASSERT_TRUE(button("exportGif") && button("exportStrip") && button("saveModel"));
    EXPECT_TRUE(button("exportGif")->isEnabled());
    QSignalSpy frames(m_page.get(), &LearnPage::frameShown);
    m_page->start();
    EXPECT_FALSE(button("exportGif")->isEnabled());
    EXPECT_FALSE(button("exportStrip")->isEnabled());
    EXPECT_FALSE(button("saveModel")->isEnabled());
    QSignalSpy failed(m_page.get(), &LearnPage::exportFailed);
    EXPECT_FALSE(m_page->exportGif(m_dir.filePath(QStringLiteral("x.gif"))));
    EXPECT_EQ(failed.size(), 1);
    EXPECT_FALSE(QFile::exists(m_dir.filePath(QStringLiteral("x.gif"))));
    QSignalSpy stopped(m_page.get(), &LearnPage::trainingStopped);
    m_page->pause();
    ASSERT_TRUE(stopped.wait(30000));
    EXPECT_TRUE(button("exportGif")->isEnabled());
    EXPECT_TRUE(button("saveModel")->isEnabled());
}

} // namespace test_learn_page_export
