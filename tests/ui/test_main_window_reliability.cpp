// The window and its files, beyond the happy path: warnings about a loaded file stay on screen
// after the result that follows; a named pipe chosen as an import does not freeze the window;
// an output that is one of the window's inputs is refused; long imports and exports run on a
// worker with progress and Cancel.

#include "ui/attention_controller.h"
#include "ui/main_window.h"

#include "process_testing.h"

#include <gtest/gtest.h>

#include <QDir>
#include <QFile>
#include <QMessageBox>
#include <QTemporaryDir>
#include <QTest>

#include <unistd.h>

#include <memory>

using namespace attnlab;
using ui::MainWindow;

namespace {

class WindowFiles : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(m_dir.isValid());
        // A window that blocks on a read never returns to the test: SIGALRM ends the program,
        // and the test fails instead of hanging.
        ::alarm(300);
        m_window = std::make_unique<MainWindow>(m_dir.filePath(QStringLiteral("s.ini")));
        m_window->setNonInteractive(QMessageBox::Discard);
        m_window->show();
        ASSERT_TRUE(QTest::qWaitForWindowExposed(m_window.get()));
    }
    void TearDown() override {
        m_window.reset();
        ::alarm(0);
    }

    QString path(const QString& name) const { return m_dir.filePath(name); }
    QString write(const QString& name, const QByteArray& contents) {
        QFile file(path(name));
        EXPECT_TRUE(file.open(QIODevice::WriteOnly));
        file.write(contents);
        return path(name);
    }
    static QByteArray read(const QString& file) {
        QFile f(file);
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }
    bool waitIdle() {
        for (int i = 0; i < 3000 && m_window->controller()->isBusy(); ++i)
            QTest::qWait(10);
        return !m_window->controller()->isBusy();
    }

    QTemporaryDir m_dir;
    std::unique_ptr<MainWindow> m_window;
};

} // namespace

// ---- warnings that stay ---------------------------------------------------------------------

TEST_F(WindowFiles, DuplicateWordsInAnEmbeddingsFileStayWarnedAboutAfterTheResult) {
    const QString vectors = write(QStringLiteral("dup.txt"), "cat 1 2\nsat 3 4\ncat 5 6\n");
    ASSERT_TRUE(m_window->loadEmbeddingsFile(vectors)) << m_window->lastError().toStdString();
    ASSERT_TRUE(waitIdle());
    QTest::qWait(50);
    EXPECT_TRUE(m_window->messageText().contains(
        QStringLiteral("1 line repeats a word seen earlier in the file")))
        << m_window->messageText().toStdString();
    EXPECT_FALSE(m_window->messageIsError());
}

TEST_F(WindowFiles, MisspeltLessonMembersAreWarnedAboutWithASuggestion) {
    const QString lesson = write(QStringLiteral("lesson.attnlab"),
                                 R"({"format": "attention-lab-session", "version": 1,
        "config": {"sentense": "the cat", "head": 2, "temprature": 0.5, "heads": 1}})");
    ASSERT_TRUE(m_window->openSessionFile(lesson)) << m_window->lastError().toStdString();
    ASSERT_TRUE(waitIdle());
    QTest::qWait(50);
    const QString text = m_window->messageText();
    for (const char* expected :
         {"unknown member 'config.sentense' was ignored; did you mean 'sentence'?",
          "did you mean 'heads'?", "did you mean 'temperature'?"})
        EXPECT_TRUE(text.contains(QString::fromUtf8(expected)))
            << expected << " not in: " << text.toStdString();
}
