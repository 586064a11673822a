// The window's files: a saved lesson reopens with the identical result and view, bad or newer
// lessons are refused with the window unchanged, unsaved changes are asked about, a failed save
// keeps the earlier file, attention imported from a model is shown and refused when it does not
// fit, and images, data and the clipboard receive what the window shows.

#include "ui/controls_panel.h"
#include "ui/heatmap_view.h"
#include "ui/main_window.h"
#include "ui/matrix_editor.h"
#include "ui/teaching_panel.h"

#include "core/io/session.h"

#include "eigen_testing.h"

#include <gtest/gtest.h>

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QImage>
#include <QLineEdit>
#include <QMessageBox>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <cstring>
#include <memory>

#include <sys/resource.h>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_main_window_files {

using namespace attnlab;
using ui::MainWindow;

namespace {

class MainWindowFilesTest : public ::testing::Test {
protected:
    void SetUp() override { ASSERT_TRUE(m_dir.isValid()); }

    std::unique_ptr<MainWindow> open(const QString& settingsName = QStringLiteral("a.ini")) {
        auto window = std::make_unique<MainWindow>(m_dir.filePath(settingsName));
        window->setNonInteractive(QMessageBox::Discard);
        window->show();
        EXPECT_TRUE(QTest::qWaitForWindowExposed(window.get()));
        return window;
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

    QTemporaryDir m_dir;
};

void selectValue(QComboBox* box, int value) {
    box->setCurrentIndex(box->findData(value));
}

// A float32 .npy file of the given shape with the given values (C order).
QByteArray npy(const QString& shape, const std::vector<float>& values, const char* descr = "<f4") {
    QByteArray header = QByteArray("{'descr': '") + descr +
                        "', 'fortran_order': False, 'shape': " + shape.toUtf8() + ", }";
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

TEST_F(MainWindowFilesTest, SavedLessonReopensWithTheIdenticalResultAndView) {
    const QString lesson = path(QStringLiteral("lesson.attnlab"));
    std::shared_ptr<const core::ModelOutput> before;
    {
        auto window = open();
        window->sentenceEdit()->setText(QStringLiteral("我爱深度学习"));
        ui::ControlsPanel* panel = window->controlsPanel();
        panel->headsBox()->setValue(4);
        selectValue(panel->maskBox(), static_cast<int>(core::MaskKind::Causal));
        selectValue(panel->scoringBox(), static_cast<int>(core::ScoringFunction::Additive));
        selectValue(panel->projectionBox(), static_cast<int>(core::ProjectionInit::Random));
        panel->seedBox()->setValue(77);
        window->setColorMap(ui::ColorMap::Magma);
        window->setHeatmapLayout(MainWindow::HeatmapLayout::OneHead);
        window->setFocusedHead(2);
        ASSERT_TRUE(window->saveSessionFile(lesson));
        EXPECT_EQ(window->sessionPath(), QFileInfo(lesson).absoluteFilePath());
        EXPECT_FALSE(window->hasUnsavedChanges());
        EXPECT_TRUE(window->windowTitle().startsWith(QStringLiteral("lesson.attnlab")));
        before = window->currentResult();
    }
    // Another window with other remembered settings opens the lesson.
    auto window = open(QStringLiteral("b.ini"));
    ASSERT_TRUE(window->openSessionFile(lesson)) << window->lastError().toStdString();
    const auto after = window->currentResult();
    ASSERT_TRUE(after);
    ASSERT_EQ(static_cast<std::size_t>(after->maps.heads),
              static_cast<std::size_t>(before->maps.heads));
    for (std::size_t h = 0; h < static_cast<std::size_t>(before->maps.heads); ++h)
        EXPECT_EIGEN_NEAR(after->maps.weights[h], before->maps.weights[h], 0.0);
    EXPECT_EQ(window->sentenceEdit()->text(), QStringLiteral("我爱深度学习"));
    EXPECT_EQ(window->colorMap(), ui::ColorMap::Magma);
    EXPECT_EQ(window->heatmapLayout(), MainWindow::HeatmapLayout::OneHead);
    EXPECT_EQ(window->focusedHead(), 2);
    EXPECT_FALSE(window->hasUnsavedChanges());
    EXPECT_EQ(window->recentSessions().value(0), QFileInfo(lesson).absoluteFilePath());

    window->controlsPanel()->seedBox()->setValue(78);
    EXPECT_TRUE(window->hasUnsavedChanges());
    EXPECT_TRUE(window->isWindowModified());
}

TEST_F(MainWindowFilesTest, BadAndNewerLessonsAreRefusedAndNothingChanges) {
    auto window = open();
    window->sentenceEdit()->setText(QStringLiteral("keep this sentence"));
    const auto result = window->currentResult();
    const QString newer =
        write(QStringLiteral("newer.attnlab"),
              R"({"format": "attention-lab-session", "version": 99, "config": {}})");
    const QString broken =
        write(QStringLiteral("broken.attnlab"), "{\"format\": \"attention-lab-session\",");
    const QString absurd = write(
        QStringLiteral("absurd.attnlab"),
        R"({"format": "attention-lab-session", "version": 1, "config": {"heads": 1000000000}})");
    for (const QString& file : {newer, broken, absurd, path(QStringLiteral("missing.attnlab"))}) {
        EXPECT_FALSE(window->openSessionFile(file)) << file.toStdString();
        EXPECT_FALSE(window->lastError().isEmpty());
        EXPECT_EQ(window->sentenceEdit()->text(), QStringLiteral("keep this sentence"));
        EXPECT_EQ(window->currentResult(), result);
        EXPECT_TRUE(window->sessionPath().isEmpty());
    }
    EXPECT_TRUE(window->lastError().contains(QStringLiteral("missing.attnlab")));
    window->openSessionFile(newer);
    EXPECT_TRUE(window->lastError().contains(QStringLiteral("newer")))
        << window->lastError().toStdString();
}

TEST_F(MainWindowFilesTest, UnsavedChangesAreAskedAbout) {
    const QString first = path(QStringLiteral("first.attnlab"));
    const QString second = path(QStringLiteral("second.attnlab"));
    auto window = open();
    ASSERT_TRUE(window->saveSessionFile(second));
    window->sentenceEdit()->setText(QStringLiteral("the first lesson"));
    ASSERT_TRUE(window->saveSessionFile(first));
    window->sentenceEdit()->setText(QStringLiteral("changed but not saved"));
    ASSERT_TRUE(window->hasUnsavedChanges());

    window->setNonInteractive(QMessageBox::Cancel);
    EXPECT_FALSE(window->openSessionFile(second));
    EXPECT_EQ(window->sentenceEdit()->text(), QStringLiteral("changed but not saved"));
    EXPECT_FALSE(window->close()); // closing asks too, and Cancel keeps the window open

    window->setNonInteractive(QMessageBox::Save);
    EXPECT_TRUE(window->openSessionFile(second));
    std::vector<std::string> warnings;
    EXPECT_EQ(core::loadSessionFile(first.toStdString(), warnings).config.sentence,
              std::string("changed but not saved"));
}

TEST_F(MainWindowFilesTest, AFailedSaveKeepsTheEarlierLesson) {
    const QString lesson = write(QStringLiteral("kept.attnlab"), "the earlier lesson");
    auto window = open();
    rlimit old{};
    getrlimit(RLIMIT_FSIZE, &old);
    auto* handler = std::signal(SIGXFSZ, SIG_IGN);
    rlimit full = old;
    full.rlim_cur = 64; // a full disk: the lesson does not fit
    setrlimit(RLIMIT_FSIZE, &full);
    const bool saved = window->saveSessionFile(lesson);
    setrlimit(RLIMIT_FSIZE, &old);
    std::signal(SIGXFSZ, handler);
    EXPECT_FALSE(saved);
    EXPECT_FALSE(window->lastError().isEmpty());
    EXPECT_EQ(read(lesson), QByteArray("the earlier lesson"));
    EXPECT_EQ(QDir(m_dir.path()).entryList({QStringLiteral("kept*")}, QDir::Files).size(), 1);
    EXPECT_TRUE(window->sessionPath().isEmpty());
}

TEST_F(MainWindowFilesTest, ImportedAttentionIsShownWithLayers) {
    std::vector<float> values;
    for (int layer = 0; layer < 2; ++layer)
        for (int head = 0; head < 3; ++head)
            for (int q = 0; q < 2; ++q)
                for (int k = 0; k < 3; ++k)
                    values.push_back(k == (q + head + layer) % 3 ? 0.8f : 0.1f);
    const QString weights =
        write(QStringLiteral("attn.npy"), npy(QStringLiteral("(2, 3, 2, 3)"), values));
    const QString tokens = write(QStringLiteral("attn.tokens.json"),
                                 R"({"query": ["I", "love"], "key": ["我", "爱", "你"]})");
    auto window = open();
    ASSERT_TRUE(window->importAttention(weights, tokens)) << window->lastError().toStdString();
    EXPECT_TRUE(window->isShowingImport());
    auto result = window->currentResult();
    ASSERT_TRUE(result && !result->trace && !result->capabilities.hasTrace);
    EXPECT_EQ(static_cast<std::size_t>(result->maps.heads), 3u);
    EXPECT_FLOAT_EQ(result->maps.weights[1](0, 1), 0.8f);
    EXPECT_EQ(window->heatmapViews().size(), 4); // 3 heads and their mean
    EXPECT_EQ(window->heatmapViews().front()->keyLabels().value(1), QStringLiteral("爱"));
    EXPECT_FALSE(window->heatmapViews().front()->hoverText(0, 1).isEmpty());

    window->setShownLayer(1);
    EXPECT_EQ(window->shownLayer(), 1);
    const auto& maps = window->currentResult()->maps;
    EXPECT_FLOAT_EQ(maps.weights[maps.index(1, 1)](0, 2), 0.8f);
    EXPECT_FLOAT_EQ(window->heatmapViews()[1]->cellValue(0, 2), 0.8f);
    // Typing while an import is shown does not replace it.
    QString error;
    EXPECT_TRUE(window->exportImage(path(QStringLiteral("layer2.png")),
                                    window->currentFigureOptions(), &error))
        << error.toStdString();
    EXPECT_FALSE(window->exportData(path(QStringLiteral("imported.json")), &error));

    window->closeImport();
    EXPECT_FALSE(window->isShowingImport());
    ASSERT_TRUE(window->currentResult());
    EXPECT_TRUE(window->currentResult()->trace);
}

TEST_F(MainWindowFilesTest, ImportsThatDoNotFitAreRefused) {
    const QString tokens = write(QStringLiteral("t.json"), R"(["a", "b", "c"])");
    const QString wrongShape = write(QStringLiteral("shape.npy"),
                                     npy(QStringLiteral("(1, 2, 2)"), {0.5f, 0.5f, 0.5f, 0.5f}));
    const QString withNan = write(QStringLiteral("nan.npy"),
                                  npy(QStringLiteral("(1, 3, 3)"), {0, 0, 1, 0, 0, 1, 0, NAN, 1}));
    QByteArray ints = npy(QStringLiteral("(1, 3, 3)"), std::vector<float>(9, 0.0f), "<i4");
    const QString integers = write(QStringLiteral("ints.npy"), ints);
    auto window = open();
    const auto live = window->currentResult();
    for (const auto& [file, fragment] :
         {std::pair{wrongShape, "2 query rows"}, std::pair{withNan, "NaN"},
          std::pair{integers, "not floating point"}}) {
        EXPECT_FALSE(window->importAttention(file, tokens)) << file.toStdString();
        EXPECT_TRUE(window->lastError().contains(QString::fromUtf8(fragment)))
            << window->lastError().toStdString();
        EXPECT_FALSE(window->isShowingImport());
        EXPECT_EQ(window->currentResult(), live);
    }
}

TEST_F(MainWindowFilesTest, ImagesDataAndTheClipboardGetWhatTheWindowShows) {
    auto window = open();
    window->controlsPanel()->headsBox()->setValue(2);
    window->setHeatmapLayout(MainWindow::HeatmapLayout::Combined);
    const ui::FigureOptions options = window->currentFigureOptions();
    EXPECT_EQ(options.content, ui::FigureContent::Combined);
    QString error;
    ASSERT_TRUE(window->exportImage(path(QStringLiteral("mean.svg")), options, &error))
        << error.toStdString();
    EXPECT_TRUE(read(path(QStringLiteral("mean.svg"))).contains("Mean of 2 heads"));
    ASSERT_TRUE(window->exportData(path(QStringLiteral("numbers.json")), &error))
        << error.toStdString();
    EXPECT_TRUE(
        read(path(QStringLiteral("numbers.json"))).contains("\"format\": \"attention-lab/1\""));
    EXPECT_FALSE(window->exportData(path(QStringLiteral("numbers.txt")), &error));
    EXPECT_TRUE(error.contains(QStringLiteral(".json"))) << error.toStdString();

    window->copyImage();
    const QImage copied = QApplication::clipboard()->image();
    EXPECT_FALSE(copied.isNull());
    EXPECT_GT(copied.width(), 200);
}

TEST_F(MainWindowFilesTest, AWorkedExampleWithTypedNumbersIsALesson) {
    const QString lesson = path(QStringLiteral("cat.attnlab"));
    std::shared_ptr<const core::ModelOutput> before;
    {
        auto window = open();
        ui::TeachingPanel* teaching = window->teachingPanel();
        ASSERT_NE(teaching, nullptr);
        EXPECT_EQ(teaching->tabText(0), QStringLiteral("Heat&maps"));
        teaching->matrixEditor()->loadPreset(core::Preset::TheCatSat);
        before = window->currentResult();
        ASSERT_TRUE(before);
        ASSERT_EQ(before->config.embeddings, core::EmbeddingSource::Manual);
        EXPECT_EQ(window->sentenceEdit()->text(), QStringLiteral("The cat sat"));
        // The typed numbers follow a longer sentence instead of failing.
        window->sentenceEdit()->setText(QStringLiteral("The cat sat down"));
        ASSERT_TRUE(window->currentResult());
        EXPECT_EQ(window->currentResult()->maps.queryTokens.size(), 4u);
        EXPECT_FALSE(window->messageIsError()) << window->messageText().toStdString();
        window->sentenceEdit()->setText(QStringLiteral("The cat sat"));
        ASSERT_TRUE(window->saveSessionFile(lesson));
    }
    std::vector<std::string> warnings;
    const core::Session saved = core::loadSessionFile(lesson.toStdString(), warnings);
    EXPECT_EQ(saved.config.embeddings, core::EmbeddingSource::Manual);
    EXPECT_EQ(saved.config.manualQueryEmbeddings.rows(), 3);

    auto window = open(QStringLiteral("other.ini"));
    ASSERT_TRUE(window->openSessionFile(lesson)) << window->lastError().toStdString();
    const auto after = window->currentResult();
    ASSERT_TRUE(after);
    ASSERT_EQ(static_cast<std::size_t>(after->maps.heads),
              static_cast<std::size_t>(before->maps.heads));
    EXPECT_EIGEN_NEAR(after->trace->queryInputs, before->trace->queryInputs, 0.0);
    EXPECT_EIGEN_NEAR(after->maps.weights[0], before->maps.weights[0], 1e-6);
}

TEST_F(MainWindowFilesTest, ASelectionInTheTeachingViewsSelectsTheHeatmapRow) {
    auto window = open();
    ui::TeachingPanel* teaching = window->teachingPanel();
    emit teaching->cellSelected(0, 2, 1);
    ASSERT_FALSE(window->heatmapViews().isEmpty());
    EXPECT_EQ(window->heatmapViews().front()->selectedQuery(), 2);
    EXPECT_EQ(window->heatmapViews().front()->selectedKey(), 1);
    EXPECT_EQ(window->currentSession().view.selectedQuery, 2);
}

} // namespace test_main_window_files
