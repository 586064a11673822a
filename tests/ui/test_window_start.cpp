// What a teacher meets first: choosing Projection = Manual opens the matrix editor where the
// matrices are typed.

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

} // namespace

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
