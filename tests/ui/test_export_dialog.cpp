// The Export Image dialog: it starts from what the window shows, keeps the format and the file
// extension in step, reports the output size in pixels or points, and previews the figure.

#include "ui/export_dialog.h"

#include <gtest/gtest.h>

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QSettings>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_export_dialog {

using namespace attnlab;
using ui::ExportDialog;
using ui::FigureContent;

namespace {

std::shared_ptr<const core::ModelOutput> result(int heads = 4,
                                                std::string sentence = "我爱深度学习") {
    core::Config config;
    config.sentence = std::move(sentence);
    config.heads = heads;
    return std::make_shared<const core::ModelOutput>(core::runBuiltin(config));
}

} // namespace

TEST(ExportDialog, StartsFromTheWindowsViewAndPreviewsIt) {
    ui::FigureOptions current;
    current.content = FigureContent::Head;
    current.head = 2;
    ExportDialog dialog(result(), current, 0, 1, 2);
    EXPECT_EQ(dialog.options().content, FigureContent::Head);
    EXPECT_EQ(dialog.options().head, 2);
    EXPECT_EQ(dialog.headBox()->value(), 3);
    // The preview is drawn shortly after the last change.
    EXPECT_TRUE(QTest::qWaitFor([&] { return !dialog.previewLabel()->pixmap().isNull(); }));
}

// A figure more than four times the preview's size (every head of a 16-head grid of 30
// tokens) is shrunk to fit the box whole, not cut to its middle.
TEST(ExportDialog, APreviewOfALargeFigureFitsItsBox) {
    std::string sentence;
    for (int word = 0; word < 30; ++word)
        sentence += word % 2 == 0 ? "cat " : "sat ";
    ExportDialog dialog(result(16, sentence), {}, 0, 0, -1);
    ASSERT_TRUE(QTest::qWaitFor([&] { return !dialog.previewLabel()->pixmap().isNull(); }));
    const QPixmap preview = dialog.previewLabel()->pixmap();
    const QSizeF shown = preview.deviceIndependentSize();
    const QSize box = dialog.previewLabel()->minimumSize();
    EXPECT_LE(shown.width(), box.width() + 0.5);
    EXPECT_LE(shown.height(), box.height() + 0.5);
    // Fitted, not shrunk to nothing: one side fills the box.
    EXPECT_GE(std::max(shown.width() / box.width(), shown.height() / box.height()), 0.9);
}

TEST(ExportDialog, FormatAndExtensionStayInStep) {
    ExportDialog dialog(result(), {}, 0, 0, -1);
    dialog.setPath(QStringLiteral("/tmp/figure.pdf"));
    EXPECT_EQ(dialog.formatBox()->currentData().toInt(), static_cast<int>(ui::ImageFormat::Pdf));
    EXPECT_FALSE(dialog.scaleBox()->isEnabled()) << "resolution is for PNG only";
    dialog.formatBox()->setCurrentIndex(
        dialog.formatBox()->findData(static_cast<int>(ui::ImageFormat::Svg)));
    emit dialog.formatBox()->activated(dialog.formatBox()->currentIndex());
    EXPECT_EQ(dialog.path(), QStringLiteral("/tmp/figure.svg"));
}

TEST(ExportDialog, OutputSizeInPixelsTimesScaleOrPoints) {
    ExportDialog dialog(result(), {}, 0, 0, -1);
    dialog.setPath(QStringLiteral("/tmp/a.png"));
    dialog.automaticSizeBox()->setChecked(false);
    dialog.widthBox()->setValue(800);
    dialog.heightBox()->setValue(600);
    dialog.scaleBox()->setValue(3.125); // 300 dpi
    EXPECT_EQ(dialog.outputSize(), QSize(2500, 1875));
    EXPECT_DOUBLE_EQ(dialog.options().dpi, 300);
    dialog.setPath(QStringLiteral("/tmp/a.pdf"));
    EXPECT_EQ(dialog.outputSize(), QSize(800, 600));
    EXPECT_EQ(dialog.options().size, QSizeF(800, 600));
    dialog.automaticSizeBox()->setChecked(true);
    EXPECT_TRUE(dialog.options().size.isEmpty());
}

TEST(ExportDialog, RowBarsNeedASelectedRow) {
    ExportDialog none(result(), {}, 0, -1, -1);
    const int details = none.contentBox()->findData(static_cast<int>(FigureContent::Details));
    EXPECT_FALSE(none.contentBox()->itemData(details, Qt::UserRole - 1).toBool());
    ExportDialog selected(result(), {}, ui::kMeanOfHeads, 2, 1);
    selected.contentBox()->setCurrentIndex(details);
    const ui::FigureOptions options = selected.options();
    EXPECT_EQ(options.content, FigureContent::Details);
    EXPECT_EQ(options.head, ui::kMeanOfHeads);
    EXPECT_EQ(options.query, 2);
    EXPECT_EQ(options.key, 1);
}

TEST(ExportDialog, RemembersTheLastChoices) {
    QTemporaryDir dir;
    QSettings settings(dir.filePath(QStringLiteral("s.ini")), QSettings::IniFormat);
    {
        ExportDialog dialog(result(), {}, 0, 0, -1);
        dialog.setPath(dir.filePath(QStringLiteral("x.svg")));
        dialog.titleBox()->setChecked(true);
        dialog.saveChoices(settings);
    }
    ExportDialog dialog(result(), {}, 0, 0, -1);
    dialog.restoreChoices(settings);
    EXPECT_EQ(dialog.path(), dir.filePath(QStringLiteral("attention.svg")));
    EXPECT_TRUE(dialog.titleBox()->isChecked());
}

} // namespace test_export_dialog
