// What a teacher meets first: the first start speaks the interface language, and choosing
// Projection = Manual opens the matrix editor where the matrices are typed.

#include "ui/controls_panel.h"
#include "ui/language.h"
#include "ui/main_window.h"
#include "ui/matrix_editor.h"
#include "ui/teaching_panel.h"

#include <gtest/gtest.h>

#include <QComboBox>
#include <QLineEdit>
#include <QMessageBox>
#include <QTemporaryDir>
#include <QTest>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_window_start {

using namespace attnlab;
using ui::MainWindow;

namespace {

class WindowStart : public ::testing::Test {
protected:
    void SetUp() override { ASSERT_TRUE(m_dir.isValid()); }
    void TearDown() override { ui::installLanguage(QStringLiteral("en")); }

    std::unique_ptr<MainWindow> open() {
        auto window = std::make_unique<MainWindow>(m_dir.filePath(QStringLiteral("fresh.ini")));
        window->setNonInteractive(QMessageBox::Discard);
        window->show();
        EXPECT_TRUE(QTest::qWaitForWindowExposed(window.get()));
        return window;
    }

    QTemporaryDir m_dir;
};

bool hasHan(const QString& text) {
    for (QChar c : text)
        if (c.unicode() >= 0x4E00 && c.unicode() <= 0x9FFF)
            return true;
    return false;
}

} // namespace

TEST_F(WindowStart, TheFirstStartInChineseOpensWithAChineseSentence) {
    ASSERT_TRUE(ui::installLanguage(QStringLiteral("zh_CN")));
    auto window = open();
    const QString sentence = window->sentenceEdit()->text();
    EXPECT_TRUE(hasHan(sentence)) << sentence.toStdString();
    ASSERT_TRUE(window->currentResult());
    EXPECT_GE(window->currentResult()->maps.queryTokens.size(), 8u);
    window.reset();
    // In English, the English sentence.
    ASSERT_TRUE(ui::installLanguage(QStringLiteral("en")));
    QTemporaryDir other;
    MainWindow english(other.filePath(QStringLiteral("fresh.ini")));
    EXPECT_FALSE(hasHan(english.sentenceEdit()->text()));
}

TEST_F(WindowStart, ProjectionManualOpensTheMatrixEditor) {
    auto window = open();
    ui::TeachingPanel* teaching = window->teachingPanel();
    ASSERT_NE(teaching->matrixEditor(), nullptr);
    EXPECT_FALSE(teaching->currentWidget()->isAncestorOf(teaching->matrixEditor()) ||
                 teaching->currentWidget() == teaching->matrixEditor());
    QComboBox* projection = window->controlsPanel()->projectionBox();
    projection->setCurrentIndex(projection->findData(int(core::ProjectionInit::Manual)));
    QWidget* page = teaching->currentWidget();
    EXPECT_TRUE(page == teaching->matrixEditor() || page->isAncestorOf(teaching->matrixEditor()));
}

} // namespace test_window_start
