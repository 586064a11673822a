// A session's Complexity page in the window: the complexity lesson opens on the page with its
// kinds and lengths and runs it, and its checks of the lab hold on that run (the lesson bar says
// so); a run with other settings does not count for the lesson; saving while the page is in front
// stores its settings, and a lesson without the page neither gets one by a look at the page nor
// opens on it.

#include "ui/complexity_view.h"
#include "ui/main_window.h"
#include "ui/teaching_panel.h"

#include "core/io/session.h"
#include "core/teaching/complexity_checks.h"
#include "core/teaching/lessons.h"

#include "window_lab.h"

#include <gtest/gtest.h>

#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_main_window_complexity {

using namespace attnlab;
using ui::ComplexityView;
using ui::MainWindow;

namespace {

const QString kLesson = QStringLiteral("13-complexity-lab");

class ComplexityWindow : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(m_dir.isValid());
        m_window = attnlab::testing::openTestWindow(m_dir);
    }

    ComplexityView* page() const { return m_window->teachingPanel()->complexityView(); }

    bool waitForRun() {
        return QTest::qWaitFor([this] { return !page()->isRunning(); }, 120000);
    }

    // The shipped lesson as a file, so that "changed" applies to it.
    QString lessonFile() {
        const QString path = m_dir.filePath(QStringLiteral("lab.attnlab"));
        QFile::remove(path);
        EXPECT_TRUE(QFile::copy(QStringLiteral(ATTNLAB_SOURCE_DIR) +
                                    QStringLiteral("/resources/lessons/13-complexity-lab.attnlab"),
                                path));
        return path;
    }

    QTemporaryDir m_dir;
    std::unique_ptr<MainWindow> m_window;
};

} // namespace

TEST_F(ComplexityWindow, TheLessonOpensOnThePageRunsItAndItsChecksHold) {
    const core::Session lesson = core::builtinLesson(kLesson.toStdString());
    ASSERT_TRUE(lesson.complexity);
    const int claims = core::complexityCheckCount(lesson.lesson.checks);
    QSignalSpy measured(m_window.get(), &MainWindow::lessonChecksMeasured);
    ASSERT_TRUE(m_window->openBuiltinLesson(kLesson));
    EXPECT_TRUE(m_window->isShowingComplexity());
    EXPECT_TRUE(page()->isVisible());
    // The page shows the lesson's settings, and measures them at once.
    EXPECT_TRUE(page()->kindBox(QStringLiteral("dense"))->isChecked());
    EXPECT_TRUE(page()->kindBox(QStringLiteral("tiled"))->isChecked());
    EXPECT_TRUE(page()->kindBox(QStringLiteral("window"))->isChecked());
    EXPECT_FALSE(page()->kindBox(QStringLiteral("block"))->isChecked());
    EXPECT_TRUE(page()->kindBox(QStringLiteral("linear"))->isChecked());
    EXPECT_EQ(page()->featureMapBox()->currentText(), QStringLiteral("elu"));
    EXPECT_TRUE(page()->otherKindsEdit()->text().isEmpty());
    EXPECT_EQ(page()->sizesEdit()->text(), QStringLiteral("256,1024,2048,4096"));
    EXPECT_EQ(page()->dKBox()->value(), 64);
    EXPECT_EQ(page()->headsBox()->value(), 1);
    EXPECT_EQ(page()->budgetBox()->value(), 1024);
    ASSERT_TRUE(page()->parameters());
    EXPECT_TRUE(*page()->parameters() == *lesson.complexity);
    EXPECT_EQ(m_window->pendingComplexityChecks(), claims);
    EXPECT_TRUE(m_window->lessonText().contains(QStringLiteral("once it has run")))
        << m_window->lessonText().toStdString();

    // The run starts once the window has drawn the lesson.
    EXPECT_TRUE(QTest::qWaitFor([&] { return page()->isRunning() || measured.count() > 0; }));
    ASSERT_TRUE(measured.count() > 0 || measured.wait(120000));
    ASSERT_TRUE(page()->result());
    EXPECT_EQ(m_window->pendingComplexityChecks(), 0);
    const std::vector<core::CheckOutcome> outcomes = m_window->lessonOutcomes();
    ASSERT_EQ(static_cast<int>(outcomes.size()), claims);
    if (!page()->result()->memoryMeasured)
        GTEST_SKIP() << "peak memory cannot be measured here: the memory claims cannot hold";
    for (const core::CheckOutcome& outcome : outcomes)
        EXPECT_TRUE(outcome.passed) << outcome.english();
    const QString all = QString::number(claims);
    EXPECT_TRUE(m_window->lessonText().contains(QStringLiteral("✓ %1 of %1").arg(all)))
        << m_window->lessonText().toStdString();
}

TEST_F(ComplexityWindow, ARunWithOtherSettingsDoesNotCountForTheLesson) {
    ASSERT_TRUE(m_window->openSessionFile(lessonFile())) << m_window->lastError().toStdString();
    EXPECT_TRUE(m_window->isShowingComplexity());
    EXPECT_FALSE(m_window->hasUnsavedChanges());
    const int claims = m_window->pendingComplexityChecks();
    EXPECT_GT(claims, 0);
    page()->sizesEdit()->setText(QStringLiteral("64,128"));
    EXPECT_TRUE(m_window->hasUnsavedChanges());
    QSignalSpy finished(page(), &ComplexityView::runFinished);
    ASSERT_TRUE(page()->run()); // the newest run wins over the lesson's own
    ASSERT_TRUE(finished.wait(120000));
    ASSERT_TRUE(waitForRun());
    EXPECT_EQ(page()->result()->config.sizes, (std::vector<int>{64, 128}));
    EXPECT_EQ(m_window->pendingComplexityChecks(), claims);
    EXPECT_TRUE(m_window->lessonOutcomes().empty());
    // Back to the lesson's lengths: unchanged again.
    page()->sizesEdit()->setText(QStringLiteral("256,1024,2048,4096"));
    EXPECT_FALSE(m_window->hasUnsavedChanges());
}

TEST_F(ComplexityWindow, SavingWhileThePageIsInFrontStoresItsSettings) {
    ASSERT_TRUE(m_window->openBuiltinLesson(QStringLiteral("03-causal-mask")));
    EXPECT_FALSE(m_window->isShowingComplexity());
    const QString path = m_dir.filePath(QStringLiteral("causal.attnlab"));
    ASSERT_TRUE(m_window->saveSessionFile(path));
    // A look at the page changes nothing; saving with it in front stores its settings.
    m_window->teachingPanel()->showPage(page());
    ASSERT_TRUE(m_window->isShowingComplexity());
    EXPECT_FALSE(m_window->currentSession().complexity);
    EXPECT_FALSE(m_window->hasUnsavedChanges());
    page()->kindBox(QStringLiteral("tiled"))->setChecked(false);
    page()->kindBox(QStringLiteral("block"))->setChecked(false);
    page()->otherKindsEdit()->setText(QStringLiteral("dilated:8:2"));
    page()->sizesEdit()->setText(QStringLiteral("128,1024"));
    page()->dKBox()->setValue(32);
    page()->headsBox()->setValue(2);
    page()->budgetBox()->setValue(256);
    EXPECT_FALSE(m_window->hasUnsavedChanges());
    ASSERT_TRUE(m_window->saveSessionFile(path));
    std::vector<std::string> warnings;
    const core::Session saved = core::loadSessionFile(path.toStdString(), warnings);
    ASSERT_TRUE(saved.complexity);
    EXPECT_EQ(saved.complexity->labels(),
              (std::vector<std::string>{"dense", "window:32", "linear:elu", "dilated:8:2"}));
    EXPECT_EQ(saved.complexity->sizes, (std::vector<int>{128, 1024}));
    EXPECT_EQ(saved.complexity->dK, 32);
    EXPECT_EQ(saved.complexity->heads, 2);
    EXPECT_EQ(saved.complexity->denseBudgetMiB, 256);
    EXPECT_EQ(saved.lesson.title, core::builtinLesson("03-causal-mask").lesson.title);
    // From now on the lesson has the page: its settings are part of it.
    EXPECT_FALSE(m_window->hasUnsavedChanges());
    page()->dKBox()->setValue(16);
    EXPECT_TRUE(m_window->hasUnsavedChanges());
    page()->dKBox()->setValue(32);
    EXPECT_FALSE(m_window->hasUnsavedChanges());

    // Opened again, the page comes to the front with those settings (and runs; this test
    // cancels it).
    ASSERT_TRUE(m_window->openBuiltinLesson(QStringLiteral("01-self-attention-basics")));
    EXPECT_FALSE(m_window->isShowingComplexity()) << "a lesson without the page opens on the maps";
    ASSERT_TRUE(m_window->openSessionFile(path));
    EXPECT_TRUE(m_window->isShowingComplexity());
    EXPECT_EQ(page()->otherKindsEdit()->text(), QStringLiteral("dilated:8:2"));
    EXPECT_FALSE(page()->kindBox(QStringLiteral("tiled"))->isChecked());
    EXPECT_EQ(page()->headsBox()->value(), 2);
    ASSERT_TRUE(QTest::qWaitFor([this] { return page()->isRunning(); }));
    page()->cancel();
    ASSERT_TRUE(waitForRun());
    EXPECT_FALSE(m_window->hasUnsavedChanges());
}

} // namespace test_main_window_complexity
