// A lesson that names a model, in the window: opening it opens the model (on the worker, as
// File → Open Model does) with the lesson's sentence, and its checks are measured on that
// model; a lesson without one closes the model a lesson opened; a missing model leaves the
// lesson on the built-in layer with the lesson bar saying which model it needs and how to get
// it.

#include "ui/attention_controller.h"
#include "ui/main_window.h"

#include "core/teaching/lessons.h"

#include "window_lab.h"

#include <gtest/gtest.h>

#include <QFile>
#include <QMessageBox>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_main_window_lesson_model {

using namespace attnlab;
using ui::MainWindow;

namespace {

class LessonModelWindow : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(m_dir.isValid());
        m_window = attnlab::testing::openTestWindow(m_dir);
    }

    // The shipped models of the source tree (the folder the build and the package copy); no
    // hub cache.
    void useShippedModels() {
        core::LessonModelPlaces places;
        places.shipped = {std::string(ATTNLAB_SOURCE_DIR) + "/resources/models"};
        m_window->setLessonModelPlaces(places);
    }

    bool waitIdle() {
        return QTest::qWaitFor([this] { return !m_window->controller()->isBusy(); }, 30000);
    }

    QTemporaryDir m_dir;
    std::unique_ptr<MainWindow> m_window;
};

} // namespace

TEST_F(LessonModelWindow, ALessonOpensItsModelAndItsChecksHoldOnIt) {
    useShippedModels();
    for (const char* id : {"06-multi-head", "07-cross-attention-translation"}) {
        SCOPED_TRACE(id);
        const core::Session lesson = core::builtinLesson(id);
        QSignalSpy measured(m_window.get(), &MainWindow::lessonChecksMeasured);
        ASSERT_TRUE(m_window->openBuiltinLesson(QString::fromLatin1(id)));
        ASSERT_TRUE(measured.wait(30000));
        EXPECT_TRUE(m_window->isShowingModel());
        EXPECT_TRUE(m_window->lessonModelNote().isEmpty());
        const QString all = QString::number(lesson.lesson.checks.size());
        EXPECT_TRUE(m_window->lessonText().contains(QStringLiteral("✓ %1 of %1").arg(all)))
            << m_window->lessonText().toStdString();
        ASSERT_TRUE(waitIdle());
        const auto result = m_window->currentResult();
        ASSERT_TRUE(result);
        EXPECT_EQ(result->model, lesson.lesson.model.name);
    }
    const auto result = m_window->currentResult();
    // The translation model writes the lesson's Chinese from its English sentence.
    ASSERT_EQ(result->maps.queryTokens.size(), 6u);
    EXPECT_EQ(result->maps.queryTokens[1].text, "老师");
    EXPECT_EQ(result->maps.keyTokens.back().text, "library");

    // A lesson on the built-in layer closes the model the previous lesson opened.
    ASSERT_TRUE(m_window->openBuiltinLesson(QStringLiteral("01-self-attention-basics")));
    EXPECT_FALSE(m_window->isShowingModel());
    ASSERT_TRUE(waitIdle());
    EXPECT_EQ(m_window->currentResult()->maps.heads, 1);
}

TEST_F(LessonModelWindow, ALessonFileOnAModelIsUnchangedOnceItsModelIsOpen) {
    useShippedModels();
    const QString path = QString::fromStdString(std::string(ATTNLAB_SOURCE_DIR) +
                                                "/resources/lessons/06-multi-head.attnlab");
    QSignalSpy measured(m_window.get(), &MainWindow::lessonChecksMeasured);
    ASSERT_TRUE(m_window->openSessionFile(path)) << m_window->lastError().toStdString();
    ASSERT_TRUE(measured.wait(30000));
    ASSERT_TRUE(waitIdle());
    EXPECT_TRUE(m_window->isShowingModel());
    const core::Session lesson = core::builtinLesson("06-multi-head");
    EXPECT_EQ(m_window->currentSession().view.selectedQuery, lesson.view.selectedQuery);
    EXPECT_FALSE(m_window->hasUnsavedChanges());
}

TEST_F(LessonModelWindow, AMissingShippedModelIsExplainedInTheLessonBar) {
    core::LessonModelPlaces places;
    places.shipped = {m_dir.filePath(QStringLiteral("share/attention-lab/models")).toStdString()};
    m_window->setLessonModelPlaces(places);
    ASSERT_TRUE(m_window->openBuiltinLesson(QStringLiteral("07-cross-attention-translation")));
    EXPECT_FALSE(m_window->isShowingModel());
    const QString note = m_window->lessonModelNote();
    EXPECT_TRUE(note.contains(QStringLiteral("translation-small"))) << note.toStdString();
    EXPECT_TRUE(note.contains(QString::fromStdString(places.shipped.front())));
    EXPECT_TRUE(m_window->lessonText().contains(QStringLiteral("translation-small")));
    // The lesson still opens, on the built-in layer.
    ASSERT_TRUE(waitIdle());
    ASSERT_TRUE(m_window->currentResult());
    EXPECT_EQ(m_window->currentResult()->model, core::BuiltinModel().name());
}

TEST_F(LessonModelWindow, AMissingHubModelSaysHowToDownloadIt) {
    m_window->setLessonModelPlaces({});
    const QString path = m_dir.filePath(QStringLiteral("hub.attnlab"));
    QFile file(path);
    ASSERT_TRUE(file.open(QIODevice::WriteOnly));
    file.write(R"({"format": "attention-lab-session", "version": 1,
        "config": {"sentence": "The cat sat"},
        "lesson": {"title": {"en": "On GPT-2", "zh_CN": "在 GPT-2 上"},
                   "explanation": "Heads of a real model.", "model": {"hub": "gpt2"}}})");
    file.close();
    ASSERT_TRUE(m_window->openSessionFile(path)) << m_window->lastError().toStdString();
    EXPECT_FALSE(m_window->isShowingModel());
    EXPECT_TRUE(
        m_window->lessonModelNote().contains(QStringLiteral("huggingface-cli download gpt2")))
        << m_window->lessonModelNote().toStdString();
    // Saved again, the lesson still names its model.
    EXPECT_EQ(m_window->currentSession().lesson.model.name, "gpt2");
}

} // namespace test_main_window_lesson_model
