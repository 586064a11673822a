// Bad input in the window: whatever is pasted or loaded, the window says what is wrong next to
// the control, keeps the last good heatmaps, never shows NaN and stays responsive.

#include "ui/attention_controller.h"
#include "ui/controls_panel.h"
#include "ui/heatmap_view.h"
#include "ui/main_window.h"

#include <gtest/gtest.h>

#include <QDir>
#include <QFile>
#include <QLineEdit>
#include <QMessageBox>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_main_window_bad_input {

using namespace attnlab;
using ui::MainWindow;

namespace {

std::unique_ptr<MainWindow> openWindow(const QTemporaryDir& dir) {
    auto window = std::make_unique<MainWindow>(dir.filePath(QStringLiteral("s.ini")));
    window->setNonInteractive(QMessageBox::Discard);
    window->show();
    EXPECT_TRUE(QTest::qWaitForWindowExposed(window.get()));
    return window;
}

bool waitIdle(MainWindow& window) {
    return window.controller()->waitForBackgroundWork(30000) && !window.controller()->isBusy();
}

void expectNoNaNOnScreen(MainWindow& window) {
    for (ui::HeatmapView* view : window.heatmapViews())
        for (int q = 0; q < view->queryCount(); ++q)
            for (int k = 0; k < view->keyCount(); ++k)
                ASSERT_TRUE(std::isfinite(view->cellValue(q, k))) << q << "," << k;
}

} // namespace

TEST(MainWindowBadInput, AHundredThousandCharactersPastedAtOnce) {
    QTemporaryDir dir;
    auto window = openWindow(dir);
    const auto good = window->currentResult();
    QString words;
    while (words.size() < 100000)
        words += QStringLiteral("attention ");
    window->sentenceEdit()->setText(words);
    ASSERT_TRUE(waitIdle(*window));
    EXPECT_EQ(window->sentenceEdit()->text().size(), words.size()) << "nothing cut silently";
    EXPECT_TRUE(window->sentenceErrorText().contains(QStringLiteral("4096")))
        << window->sentenceErrorText().toStdString();
    EXPECT_EQ(window->currentResult(), good) << "the last good heatmaps stay";
    expectNoNaNOnScreen(*window);

    QString chinese;
    while (chinese.size() < 100000)
        chinese += QStringLiteral("注意力机制");
    window->sentenceEdit()->setText(chinese);
    ASSERT_TRUE(waitIdle(*window));
    EXPECT_FALSE(window->sentenceErrorText().isEmpty());
    window->sentenceEdit()->setText(QStringLiteral("back to a short sentence"));
    ASSERT_TRUE(waitIdle(*window));
    EXPECT_TRUE(window->sentenceErrorText().isEmpty());
    EXPECT_EQ(window->currentResult()->maps.queryTokens.size(), 5u);
}

TEST(MainWindowBadInput, OddTextStillGivesFiniteWeights) {
    QTemporaryDir dir;
    auto window = openWindow(dir);
    for (const QString& text : {QStringLiteral("مرحبا بالعالم"),
                                QStringLiteral("👩‍👩‍👧 family 🇨🇳 flag"),
                                QStringLiteral("e\u0301\u0301 a\u0308"),
                                QStringLiteral("tab\there\u0007bell"), QStringLiteral("字")}) {
        window->sentenceEdit()->setText(text);
        ASSERT_TRUE(waitIdle(*window));
        EXPECT_TRUE(window->sentenceErrorText().isEmpty()) << text.toStdString();
        EXPECT_FALSE(window->messageIsError()) << window->messageText().toStdString();
        expectNoNaNOnScreen(*window);
    }
    window->sentenceEdit()->setText(QStringLiteral("   "));
    EXPECT_FALSE(window->sentenceErrorText().isEmpty());
}

TEST(MainWindowBadInput, BadEmbeddingsFilesAreRefusedInline) {
    QTemporaryDir dir;
    auto window = openWindow(dir);
    const auto good = window->currentResult();
    auto write = [&](const QString& name, const QByteArray& bytes) {
        QFile file(dir.filePath(name));
        EXPECT_TRUE(file.open(QIODevice::WriteOnly));
        file.write(bytes);
        return dir.filePath(name);
    };
    const QStringList bad{
        write(QStringLiteral("empty.txt"), QByteArray()),
        write(QStringLiteral("nan.txt"), "cat 0.1 nan 0.3\n"),
        write(QStringLiteral("ragged.txt"), "cat 0.1 0.2\ndog 0.1\n"),
        write(QStringLiteral("binary.txt"), QByteArray("\x00\x01\x02\xff\xfe", 5)),
        dir.path(),
        dir.filePath(QStringLiteral("missing.vec"))};
    for (const QString& path : bad) {
        EXPECT_FALSE(window->loadEmbeddingsFile(path)) << path.toStdString();
        EXPECT_FALSE(window->controlsPanel()->errorText(QStringLiteral("embeddings")).isEmpty())
            << path.toStdString();
        EXPECT_EQ(window->currentResult(), good);
    }
}

} // namespace test_main_window_bad_input
