// Figure export: PNG at the requested pixels × scale with the colour map's colours in the cells,
// SVG as real vector graphics with the token text, PDF with embedded fonts, atomic writing (an
// earlier file survives a failed write) and clear errors.

#include "ui/color_maps.h"
#include "ui/figure_export.h"
#include "ui/heatmap_view.h"
#include "ui/language.h"

#include "core/model/imported_attention.h"

#include <gtest/gtest.h>
#include <qcustomplot.h>

#include <QFile>
#include <QImage>
#include <QTemporaryDir>
#include <QXmlStreamReader>

#include <csignal>
#include <memory>

#include <sys/resource.h>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_figure_export {

using namespace attnlab;
using ui::FigureContent;
using ui::FigureOptions;

namespace {

std::shared_ptr<const core::ModelOutput> chinese(int heads = 8) {
    core::Config config;
    config.sentence = "我爱深度学习";
    config.heads = heads;
    config.mask.kind = core::MaskKind::Causal;
    return std::make_shared<const core::ModelOutput>(core::runBuiltin(config));
}

int colorDistance(const QColor& a, const QColor& b) {
    return std::max({std::abs(a.red() - b.red()), std::abs(a.green() - b.green()),
                     std::abs(a.blue() - b.blue())});
}

QByteArray readAll(const QString& path) {
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// Lowers the largest file this process may write, so that writes fail like on a full disk (also
// for root, whom file permissions do not stop). SIGXFSZ would end the process; ignored, the write
// fails with EFBIG instead.
class FileSizeLimit {
public:
    explicit FileSizeLimit(rlim_t bytes) {
        getrlimit(RLIMIT_FSIZE, &m_old);
        m_handler = std::signal(SIGXFSZ, SIG_IGN);
        rlimit limit = m_old;
        limit.rlim_cur = bytes;
        setrlimit(RLIMIT_FSIZE, &limit);
    }
    ~FileSizeLimit() {
        setrlimit(RLIMIT_FSIZE, &m_old);
        std::signal(SIGXFSZ, m_handler);
    }

private:
    rlimit m_old{};
    void (*m_handler)(int) = nullptr;
};

} // namespace

TEST(FigureExport, FormatFromTheExtension) {
    EXPECT_EQ(ui::imageFormatForPath("a.PNG"), ui::ImageFormat::Png);
    EXPECT_EQ(ui::imageFormatForPath("dir.x/a.svg"), ui::ImageFormat::Svg);
    EXPECT_EQ(ui::imageFormatForPath("a.pdf"), ui::ImageFormat::Pdf);
    EXPECT_FALSE(ui::imageFormatForPath("a.bmp"));
    EXPECT_FALSE(ui::imageFormatForPath("png"));
}

TEST(FigureExport, PngHasTheRequestedPixelsTimesTheScale) {
    const auto result = chinese();
    FigureOptions options;
    options.size = QSizeF(700, 500);
    options.scale = 2.5;
    options.dpi = 300;
    const QImage image = ui::renderFigureImage(*result, options);
    EXPECT_EQ(image.size(), QSize(1750, 1250));
    EXPECT_NEAR(image.dotsPerMeterX() * 0.0254, 300.0, 0.5);
    // Not blank: many distinct colours.
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); y += 7)
        for (int x = 0; x < image.width(); x += 7)
            colours.insert(image.pixel(x, y));
    EXPECT_GT(colours.size(), 50);
}

TEST(FigureExport, CellCentresHaveTheColourOfTheirWeight) {
    const auto result = chinese(2);
    for (FigureContent content : {FigureContent::Grid, FigureContent::Head}) {
        FigureOptions options;
        options.content = content;
        options.head = 1;
        options.values = ui::CellValues::Hidden; // the text would cover the centre
        options.colorMap = ui::ColorMap::Magma;
        options.scale = 2;
        const QSizeF size = ui::naturalFigureSize(*result, options);
        const QImage image = ui::renderFigureImage(*result, options);
        const ui::FigureLayout layout = ui::layoutFigure(*result, options, size);
        ASSERT_EQ(layout.panels.size(), content == FigureContent::Grid ? 3 : 1);
        for (const ui::FigurePanel& panel : layout.panels) {
            // A view set up as the figure sets it up, laid out at the panel's size, knows where
            // each cell's centre is.
            ui::HeatmapView view;
            ui::configureFigureView(view, result, options, panel.head);
            QImage scratch(panel.rect.size().toSize(), QImage::Format_ARGB32_Premultiplied);
            QCPPainter painter(&scratch);
            view.renderTo(&painter, panel.rect.size().toSize());
            painter.end();
            const core::Matrix& weights = *ui::weightsOf(*result, 0, panel.head);
            for (int q = 0; q < weights.rows(); ++q)
                for (int k = 0; k < weights.cols(); ++k) {
                    const QPointF centre =
                        (panel.rect.topLeft() + view.cellCenter(q, k)) * options.scale;
                    const QColor actual = image.pixelColor(centre.toPoint());
                    if (!result->maps.allowed(q, k)) {
                        // Masked cells are hatched grey, never a colour of the map.
                        EXPECT_GT(colorDistance(actual, ui::colorAt(options.colorMap, 0.0)), 20);
                        continue;
                    }
                    const QColor expected = ui::colorAt(options.colorMap, weights(q, k));
                    EXPECT_LE(colorDistance(actual, expected), 4)
                        << "head " << panel.head << " cell " << q << "," << k << " weight "
                        << weights(q, k) << ": " << actual.name().toStdString() << " vs "
                        << expected.name().toStdString();
                }
        }
    }
}

TEST(FigureExport, SvgIsVectorGraphicsWithTheTokens) {
    QTemporaryDir dir;
    const QString path = dir.filePath("grid.svg");
    FigureOptions options;
    options.title = true;
    QString error;
    ASSERT_TRUE(ui::exportFigure(path, *chinese(), options, &error)) << error.toStdString();
    QFile file(path);
    ASSERT_TRUE(file.open(QIODevice::ReadOnly));
    QXmlStreamReader xml(&file);
    int rects = 0, texts = 0, images = 0;
    QString allText;
    while (!xml.atEnd()) {
        if (xml.readNext() != QXmlStreamReader::StartElement)
            continue;
        const auto name = xml.name();
        rects += name == QLatin1String("rect") || name == QLatin1String("path") ||
                 name == QLatin1String("polyline");
        images += name == QLatin1String("image");
        if (name == QLatin1String("text")) {
            ++texts;
            allText += xml.readElementText(QXmlStreamReader::IncludeChildElements);
        }
    }
    EXPECT_FALSE(xml.hasError()) << xml.errorString().toStdString();
    EXPECT_GT(rects, 8 * 10); // every unmasked cell of 9 maps is a rectangle
    EXPECT_GT(texts, 50);
    EXPECT_EQ(images, 0) << "the heatmaps must not be embedded bitmaps";
    for (const char* token : {"我", "爱", "深度", "学习", "Head 8", "scaled-dot"})
        EXPECT_TRUE(allText.contains(QString::fromUtf8(token))) << token;
}

TEST(FigureExport, PdfEmbedsItsFonts) {
    QTemporaryDir dir;
    const QString path = dir.filePath("grid.pdf");
    FigureOptions options;
    options.size = QSizeF(600, 450); // points
    QString error;
    ASSERT_TRUE(ui::exportFigure(path, *chinese(), options, &error)) << error.toStdString();
    const QByteArray bytes = readAll(path);
    EXPECT_TRUE(bytes.startsWith("%PDF-"));
    EXPECT_GT(bytes.size(), 10000);
    EXPECT_TRUE(bytes.contains("/FontFile2")) << "fonts are not embedded";
    EXPECT_TRUE(bytes.contains("/MediaBox [0 0 600.000000 450.000000]"));
}

TEST(FigureExport, DetailsAndImportedAttentionExport) {
    QTemporaryDir dir;
    FigureOptions details;
    details.content = FigureContent::Details;
    details.head = ui::kMeanOfHeads;
    details.query = 3;
    details.key = 1;
    QString error;
    EXPECT_TRUE(ui::exportFigure(dir.filePath("row.png"), *chinese(), details, &error))
        << error.toStdString();

    core::NpyArray array{{2, 3, 3}, std::vector<float>(18, 1.0f / 3)};
    const core::ImportedAttention imported =
        core::importAttention(array, {"a", "b", "c"}, {"a", "b", "c"});
    const core::ModelOutput result =
        core::ImportedModel(std::make_shared<const core::ImportedAttention>(imported), "w.npy")
            .run(core::Config{});
    FigureOptions grid;
    grid.title = true;
    grid.titleText = "Imported: w.npy, layer 1";
    EXPECT_TRUE(ui::exportFigure(dir.filePath("imported.svg"), result, grid, &error))
        << error.toStdString();
    EXPECT_TRUE(readAll(dir.filePath("imported.svg")).contains("Imported: w.npy"));
}

TEST(FigureExport, ErrorsSayWhatIsWrong) {
    QTemporaryDir dir;
    const auto result = chinese(2);
    QString error;
    EXPECT_FALSE(ui::exportFigure(dir.filePath("a.bmp"), *result, {}, &error));
    EXPECT_TRUE(error.contains(".png, .svg or .pdf")) << error.toStdString();
    EXPECT_FALSE(ui::exportFigure(dir.filePath("missing/a.png"), *result, {}, &error));
    EXPECT_TRUE(error.contains("does not exist")) << error.toStdString();
    EXPECT_FALSE(ui::exportFigure(dir.path(), *result, {}, &error));
    FigureOptions head;
    head.content = FigureContent::Head;
    head.head = 5;
    EXPECT_FALSE(ui::exportFigure(dir.filePath("h.png"), *result, head, &error));
    EXPECT_TRUE(error.contains("head 6 does not exist")) << error.toStdString();
    EXPECT_FALSE(QFile::exists(dir.filePath("h.png")));
    FigureOptions row;
    row.content = FigureContent::Details;
    row.query = 40;
    EXPECT_FALSE(ui::exportFigure(dir.filePath("r.png"), *result, row, &error));
    EXPECT_TRUE(error.contains("query row 41")) << error.toStdString();
}

TEST(FigureExport, AFailedWriteLeavesTheEarlierFileIntact) {
    QTemporaryDir dir;
    const auto result = chinese();
    for (const char* name : {"kept.png", "kept.svg", "kept.pdf"}) {
        const QString path = dir.filePath(name);
        {
            QFile file(path);
            ASSERT_TRUE(file.open(QIODevice::WriteOnly));
            file.write("earlier figure");
        }
        QString error;
        bool written = true;
        {
            const FileSizeLimit full(4096); // the new file does not fit
            written = ui::exportFigure(path, *result, {}, &error);
        }
        EXPECT_FALSE(written) << name;
        EXPECT_FALSE(error.isEmpty()) << name;
        EXPECT_EQ(readAll(path), QByteArray("earlier figure")) << name;
        EXPECT_EQ(QDir(dir.path()).entryList(QDir::Files).size(), 1)
            << "a temporary file stayed behind";
        QFile::remove(path);
    }
}

TEST(FigureExport, SettingsStampReproducesTheFigure) {
    const QString stamp = ui::settingsStamp(*chinese());
    for (const char* part :
         {"我爱深度学习", "scaled-dot", "softmax", "8 heads (d_k 8)", "mask causal", "T = 1"})
        EXPECT_TRUE(stamp.contains(QString::fromUtf8(part)))
            << part << " in " << stamp.toStdString();
    // The sentence, the settings in words, and the command line that draws the same figure.
    const QStringList lines = stamp.split(QLatin1Char('\n'));
    ASSERT_EQ(lines.size(), 3) << stamp.toStdString();
    EXPECT_FALSE(lines[1].contains(QStringLiteral("--")));
    for (const char* option :
         {"--scoring scaled-dot", "--normalizer softmax", "--heads 8", "--d-model 64",
          "--mask causal", "--temperature 1", "--projection identity", "--seed 42"})
        EXPECT_TRUE(lines[2].contains(QLatin1String(option)))
            << option << " in " << lines[2].toStdString();
}

// In Chinese the settings line names every choice in Chinese (no "掩码 none · identity 投影");
// the option names stay on the command-line line, so the figure can still be reproduced.
TEST(FigureExport, SettingsStampFollowsTheInterfaceLanguage) {
    core::Config config;
    config.sentence = "我爱深度学习";
    const core::ModelOutput result = core::runBuiltin(config);
    ASSERT_TRUE(ui::installLanguage(QStringLiteral("zh_CN")));
    const QStringList lines = ui::settingsStamp(result).split(QLatin1Char('\n'));
    ui::installLanguage(QStringLiteral("en"));
    ASSERT_EQ(lines.size(), 3);
    for (const char* english : {"none", "identity", "scaled", "Scaled", "mask", "projection"})
        EXPECT_FALSE(lines[1].contains(QLatin1String(english)))
            << english << " in " << lines[1].toStdString();
    EXPECT_TRUE(lines[2].contains(QStringLiteral("--mask none"))) << lines[2].toStdString();
    EXPECT_TRUE(lines[2].contains(QStringLiteral("--projection identity")));
}

} // namespace test_figure_export
