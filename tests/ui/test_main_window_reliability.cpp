// The window and its files, beyond the happy path: warnings about a loaded file stay on screen
// after the result that follows; a named pipe chosen as an import does not freeze the window;
// an output that is one of the window's inputs is refused; long imports and exports run on a
// worker with progress and Cancel.

#include "ui/attention_controller.h"
#include "ui/main_window.h"

#include "core/model/builtin_model.h"

#include "process_testing.h"

#include <gtest/gtest.h>

#include <QDir>
#include <QFile>
#include <QLineEdit>
#include <QMessageBox>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <unistd.h>

#include <memory>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_main_window_reliability {

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
        return QTest::qWaitFor([this] { return !m_window->controller()->isBusy(); }, 30000);
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
    // The warning must still be there once the result has been shown.
    ASSERT_TRUE(QTest::qWaitFor([this] { return m_window->currentResult() != nullptr; }));
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
    ASSERT_TRUE(QTest::qWaitFor([this] { return m_window->currentResult() != nullptr; }));
    const QString text = m_window->messageText();
    for (const char* expected :
         {"unknown member 'config.sentense' was ignored; did you mean 'sentence'?",
          "did you mean 'heads'?", "did you mean 'temperature'?"})
        EXPECT_TRUE(text.contains(QString::fromUtf8(expected)))
            << expected << " not in: " << text.toStdString();
}

// ---- imports that are named pipes; outputs that are inputs ----------------------------------

namespace {

// A float32 .npy file of the given shape with the given values (C order).
QByteArray npy(const QString& shape, const std::vector<float>& values) {
    QByteArray header =
        "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape.toUtf8() + ", }";
    while ((10 + header.size() + 1) % 64 != 0)
        header += ' ';
    header += '\n';
    QByteArray out("\x93NUMPY\x01\x00", 8);
    out += static_cast<char>(header.size() & 0xFF);
    out += static_cast<char>(header.size() >> 8);
    out += header;
    out += QByteArray(reinterpret_cast<const char*>(values.data()),
                      static_cast<qsizetype>(values.size() * sizeof(float)));
    return out;
}

} // namespace

TEST_F(WindowFiles, ImportingNamedPipesNeitherFreezesNorChangesTheWindow) {
    const QString weights =
        write(QStringLiteral("attn.npy"), npy(QStringLiteral("(1, 2, 2)"), {0.5f, 0.5f, 1, 0}));
    const QString tokens = write(QStringLiteral("attn.tokens.json"), R"(["a", "b"])");
    attnlab::testing::makeFifo(path(QStringLiteral("pipe.npy")).toStdString());
    attnlab::testing::makeFifo(path(QStringLiteral("pipe.json")).toStdString());
    const auto live = m_window->currentResult();
    for (const auto& [npyPath, tokensPath] :
         {std::pair{path(QStringLiteral("pipe.npy")), tokens},
          std::pair{weights, path(QStringLiteral("pipe.json"))}}) {
        EXPECT_FALSE(m_window->importAttention(npyPath, tokensPath));
        EXPECT_TRUE(m_window->lastError().contains(QStringLiteral("named pipe")))
            << m_window->lastError().toStdString();
        EXPECT_FALSE(m_window->isShowingImport());
        EXPECT_EQ(m_window->currentResult(), live);
    }
}

TEST_F(WindowFiles, OutputsThatAreTheWindowsInputsAreRefused) {
    const QByteArray vectorsText = "cat 1 2 3 4\nsat 2 3 4 5\n";
    const QString vectors = write(QStringLiteral("vectors.json"), vectorsText);
    ASSERT_TRUE(m_window->loadEmbeddingsFile(vectors)) << m_window->lastError().toStdString();
    ASSERT_TRUE(waitIdle());
    ASSERT_EQ(::symlink("vectors.json", path(QStringLiteral("vectors.svg")).toUtf8().constData()),
              0);
    QString error;
    EXPECT_FALSE(m_window->exportData(vectors, &error));
    EXPECT_TRUE(error.contains(QStringLiteral("it is the embeddings file"))) << error.toStdString();
    EXPECT_FALSE(m_window->exportImage(path(QStringLiteral("vectors.svg")),
                                       m_window->currentFigureOptions(), &error));
    EXPECT_TRUE(error.contains(QStringLiteral("it is the embeddings file"))) << error.toStdString();
    EXPECT_FALSE(m_window->saveSessionFile(vectors));
    EXPECT_TRUE(m_window->lastError().contains(QStringLiteral("it is the embeddings file")))
        << m_window->lastError().toStdString();
    EXPECT_EQ(read(vectors), vectorsText);

    // The open lesson may be saved over itself, but no export may replace it.
    const QString lesson = path(QStringLiteral("lesson.attnlab"));
    ASSERT_TRUE(m_window->saveSessionFile(lesson)) << m_window->lastError().toStdString();
    ASSERT_TRUE(m_window->saveSessionFile(lesson)) << m_window->lastError().toStdString();
    const QByteArray saved = read(lesson);
    ASSERT_EQ(::symlink("lesson.attnlab", path(QStringLiteral("lesson.csv")).toUtf8().constData()),
              0);
    EXPECT_FALSE(m_window->exportData(path(QStringLiteral("lesson.csv")), &error));
    EXPECT_TRUE(error.contains(QStringLiteral("it is the lesson"))) << error.toStdString();
    EXPECT_EQ(read(lesson), saved);

    // An imported array and its tokens are inputs while they are shown.
    const QString weights =
        write(QStringLiteral("attn.npy"), npy(QStringLiteral("(1, 2, 2)"), {0.5f, 0.5f, 1, 0}));
    const QString tokens = write(QStringLiteral("attn.tokens.json"), R"(["a", "b"])");
    ASSERT_TRUE(m_window->importAttention(weights, tokens)) << m_window->lastError().toStdString();
    ASSERT_EQ(::symlink("attn.npy", path(QStringLiteral("attn.png")).toUtf8().constData()), 0);
    EXPECT_FALSE(m_window->exportImage(path(QStringLiteral("attn.png")),
                                       m_window->currentFigureOptions(), &error));
    EXPECT_TRUE(error.contains(QStringLiteral("imported"))) << error.toStdString();
    EXPECT_FALSE(m_window->saveSessionFile(tokens));
    EXPECT_TRUE(read(weights).startsWith("\x93NUMPY"));
    EXPECT_EQ(read(tokens), QByteArray(R"(["a", "b"])"));
}

// ---- imports and exports on a worker, with Cancel --------------------------------------------

TEST_F(WindowFiles, ImportsRunOnAWorkerWhileTheWindowKeepsRunningAndCanBeCancelled) {
    const QString weights =
        write(QStringLiteral("attn.npy"), npy(QStringLiteral("(1, 2, 2)"), {0.5f, 0.5f, 1, 0}));
    const QString tokens = write(QStringLiteral("attn.tokens.json"), R"(["a", "b"])");
    // A timer set when the work starts fires before the call returns only if the event loop
    // runs meanwhile, which it cannot while a read blocks this thread.
    bool loopRan = false;
    bool cancel = true;
    const QMetaObject::Connection started =
        QObject::connect(m_window.get(), &MainWindow::fileTaskStarted, [&] {
            QTimer::singleShot(0, [&] { loopRan = true; });
            if (cancel)
                m_window->cancelFileTask();
        });
    const auto live = m_window->currentResult();
    EXPECT_FALSE(m_window->importAttention(weights, tokens));
    EXPECT_TRUE(m_window->lastError().contains(QStringLiteral("cancelled")))
        << m_window->lastError().toStdString();
    EXPECT_FALSE(m_window->isShowingImport());
    EXPECT_EQ(m_window->currentResult(), live);
    EXPECT_TRUE(loopRan) << "the window's event loop did not run during the import";

    cancel = false;
    loopRan = false;
    EXPECT_TRUE(m_window->importAttention(weights, tokens)) << m_window->lastError().toStdString();
    EXPECT_TRUE(m_window->isShowingImport());
    EXPECT_TRUE(loopRan);
    QObject::disconnect(started);
}

TEST_F(WindowFiles, ExportsRunOnAWorkerAndACancelLeavesTheEarlierFile) {
    // About 20 MB of JSON: several progress reports.
    QString sentence;
    for (int i = 0; i < 300; ++i)
        sentence += i == 0 ? QStringLiteral("cat") : QStringLiteral(" cat");
    m_window->sentenceEdit()->setText(sentence);
    ASSERT_TRUE(waitIdle());
    ASSERT_EQ(m_window->currentResult()->maps.queryTokens.size(), 300u);
    const QString out = write(QStringLiteral("out.json"), "earlier export");
    // Cancelled as the work starts: whether a cancel pressed later arrives before the worker has
    // written everything depends on how busy the machine is, which a test must not.
    bool loopRan = false;
    bool cancel = true;
    qint64 reports = 0;
    const QMetaObject::Connection started =
        QObject::connect(m_window.get(), &MainWindow::fileTaskStarted, [&] {
            QTimer::singleShot(0, [&] { loopRan = true; });
            if (cancel)
                m_window->cancelFileTask();
        });
    const QMetaObject::Connection progressed = QObject::connect(
        m_window.get(), &MainWindow::fileTaskProgress, [&](qint64, qint64) { ++reports; });
    QString error;
    EXPECT_FALSE(m_window->exportData(out, &error));
    EXPECT_TRUE(error.contains(QStringLiteral("cancelled"))) << error.toStdString();
    EXPECT_EQ(read(out), QByteArray("earlier export"));
    QStringList files =
        QDir(m_dir.path()).entryList(QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot);
    files.removeAll(QStringLiteral("s.ini")); // the window's settings, written at its pace
    EXPECT_EQ(files, QStringList{QStringLiteral("out.json")}) << "a temporary file is left";
    EXPECT_TRUE(loopRan) << "the window's event loop did not run during the export";

    // Not cancelled: the export reports its progress as it goes and replaces the earlier file.
    cancel = false;
    loopRan = false;
    reports = 0;
    ASSERT_TRUE(m_window->exportData(out, &error)) << error.toStdString();
    EXPECT_TRUE(read(out).startsWith("{"));
    EXPECT_TRUE(loopRan) << "the window's event loop did not run during the export";
    EXPECT_GT(reports, 1);
    QObject::disconnect(progressed);
    QObject::disconnect(started);
}

} // namespace test_main_window_reliability
