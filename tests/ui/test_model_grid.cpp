// The model view's grid of thumbnails: one per layer × head, whose pixels are the map's weights
// on the chosen scale (the brightest pixel is the map's largest weight, masked cells are not
// zero), drawn where the grid says and answering clicks and keys with that layer and head; and
// the model figure (--view model) built from the same drawing.

#include "ui/color_maps.h"
#include "ui/figure_export.h"
#include "ui/model_grid.h"

#include "core/base/random.h"

#include <gtest/gtest.h>

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <memory>
#include <string>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_model_grid {

using namespace attnlab;
using ui::ModelGridView;

namespace {

// Weights of layers × heads maps over `n` tokens, rows summing to 1, each map with one
// largest weight at a cell that differs from map to map.
std::shared_ptr<core::ModelOutput> modelResult(int layers, int heads, int n, bool causal = false,
                                               std::uint64_t seed = 7) {
    auto result = std::make_shared<core::ModelOutput>();
    core::AttentionMaps& maps = result->maps;
    maps.layers = layers;
    maps.heads = heads;
    for (int i = 0; i < n; ++i) {
        maps.queryTokens.push_back({"t" + std::to_string(i)});
        maps.keyTokens.push_back({"t" + std::to_string(i)});
    }
    maps.allowed = core::BoolMatrix::Constant(n, n, true);
    if (causal)
        for (int q = 0; q < n; ++q)
            for (int k = q + 1; k < n; ++k)
                maps.allowed(q, k) = false;
    core::Random random(seed);
    for (int layer = 0; layer < layers; ++layer)
        for (int head = 0; head < heads; ++head) {
            core::Matrix w(n, n);
            for (int q = 0; q < n; ++q)
                for (int k = 0; k < n; ++k)
                    w(q, k) = maps.allowed(q, k) ? static_cast<float>(random.uniform() + 0.1) : 0.f;
            // The peak: a row and a key that move with the map; within the allowed cells.
            const int q = (layer * heads + head) % n;
            const int k = causal ? (head % (q + 1)) : (layer + 2 * head) % n;
            w(q, k) = 3.0f * static_cast<float>(n);
            for (int r = 0; r < n; ++r)
                w.row(r) /= w.row(r).sum();
            maps.weights.push_back(w);
        }
    core::completeMaps(maps);
    return result;
}

// The cell of the largest weight of a map (the first when tied), and of the brightest pixel.
QPoint argmaxOf(const core::Matrix& w) {
    Eigen::Index row = 0, col = 0;
    w.maxCoeff(&row, &col);
    return {static_cast<int>(col), static_cast<int>(row)};
}

QPoint brightestPixel(const QImage& image) {
    QPoint best(-1, -1);
    double top = -1;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x) {
            const QColor c = image.pixelColor(x, y);
            const double lightness = 0.2126 * c.redF() + 0.7152 * c.greenF() + 0.0722 * c.blueF();
            if (lightness > top) {
                top = lightness;
                best = {x, y};
            }
        }
    return best;
}

bool near(const QColor& a, const QColor& b, int tolerance = 2) {
    return std::abs(a.red() - b.red()) <= tolerance &&
           std::abs(a.green() - b.green()) <= tolerance &&
           std::abs(a.blue() - b.blue()) <= tolerance;
}

struct ShownGrid {
    ModelGridView view;
    explicit ShownGrid(std::shared_ptr<const core::ModelOutput> result, QSize size = {700, 560}) {
        view.setResult(std::move(result));
        view.resize(size);
        view.show();
        EXPECT_TRUE(QTest::qWaitForWindowExposed(&view));
    }
};

} // namespace

TEST(ModelGrid, OneThumbnailPerLayerAndHeadWhosePixelsAreTheWeights) {
    const auto result = modelResult(3, 4, 6);
    ShownGrid shown(result);
    EXPECT_EQ(shown.view.layers(), 3);
    EXPECT_EQ(shown.view.heads(), 4);
    EXPECT_EQ(shown.view.thumbnailCount(), 12);
    for (int layer = 0; layer < 3; ++layer)
        for (int head = 0; head < 4; ++head) {
            const core::Matrix& w = result->maps.weightsOf(layer, head);
            const QImage image = shown.view.thumbnail(layer, head);
            ASSERT_EQ(image.size(), QSize(6, 6));
            EXPECT_EQ(brightestPixel(image), argmaxOf(w)) << layer << "." << head;
            // Every pixel is the colour of its weight on the 0 … 1 scale.
            for (int q = 0; q < 6; ++q)
                for (int k = 0; k < 6; ++k)
                    ASSERT_TRUE(
                        near(image.pixelColor(k, q), ui::colorAt(ui::ColorMap::Viridis, w(q, k))))
                        << layer << "." << head << " cell " << q << "," << k;
        }
    EXPECT_TRUE(shown.view.thumbnail(3, 0).isNull());
    EXPECT_TRUE(shown.view.thumbnail(0, 4).isNull());
}

TEST(ModelGrid, TheFittedScaleSpansTheLargestWeightOfEveryLayerAndMasksAreNotZero) {
    const auto result = modelResult(2, 3, 5, /*causal=*/true);
    ShownGrid shown(result);
    shown.view.setColorScale(ui::ColorScale::Fitted);
    shown.view.setColorMap(ui::ColorMap::Magma);
    double largest = 0;
    int bestLayer = 0, bestHead = 0;
    for (int layer = 0; layer < 2; ++layer)
        for (int head = 0; head < 3; ++head)
            if (result->maps.weightsOf(layer, head).maxCoeff() > largest) {
                largest = result->maps.weightsOf(layer, head).maxCoeff();
                bestLayer = layer;
                bestHead = head;
            }
    EXPECT_NEAR(shown.view.scaleTop(), largest, 1e-6);
    const core::Matrix& w = result->maps.weightsOf(bestLayer, bestHead);
    const QPoint peak = argmaxOf(w);
    EXPECT_TRUE(near(shown.view.thumbnail(bestLayer, bestHead).pixelColor(peak),
                     ui::colorAt(ui::ColorMap::Magma, 1.0)));
    // A masked cell (above the diagonal) has the masked colour, not the colour of 0.
    const QColor masked = shown.view.thumbnail(0, 0).pixelColor(4, 0);
    EXPECT_EQ(masked, ui::maskedCellColor(ui::ColorMap::Magma));
    EXPECT_FALSE(near(masked, ui::colorAt(ui::ColorMap::Magma, 0.0), 10));
    // Per head: each map spans its own largest weight.
    shown.view.setColorScale(ui::ColorScale::PerHead);
    const QPoint own = argmaxOf(result->maps.weightsOf(1, 2));
    EXPECT_TRUE(
        near(shown.view.thumbnail(1, 2).pixelColor(own), ui::colorAt(ui::ColorMap::Magma, 1.0)));
}

TEST(ModelGrid, LongInputsArePooledAndKeepTheirPeak) {
    const auto result = modelResult(2, 2, 300);
    ShownGrid shown(result);
    const QImage image = shown.view.thumbnail(1, 1);
    EXPECT_EQ(image.size(), QSize(ui::kMaxThumbnailCells, ui::kMaxThumbnailCells));
    const QPoint peak = argmaxOf(result->maps.weightsOf(1, 1));
    // The pooled pixel holding the peak is the brightest: pixel p covers the cells
    // p·n/128 … (p+1)·n/128 − 1 (integer division).
    auto pixelOf = [](int cell) {
        int p = 0;
        while ((p + 1) * 300 / ui::kMaxThumbnailCells <= cell)
            ++p;
        return p;
    };
    EXPECT_EQ(brightestPixel(image), QPoint(pixelOf(peak.x()), pixelOf(peak.y())));
}

TEST(ModelGrid, ThumbnailsAreDrawnWhereTheGridSaysAndClicksNameTheirLayerAndHead) {
    // The GPT-2 small shape: 12 layers × 12 heads.
    const auto result = modelResult(12, 12, 8);
    ShownGrid shown(result, {900, 800});
    const QImage screen = shown.view.grab().toImage();
    QRect previous;
    for (int layer = 0; layer < 12; layer += 5)
        for (int head = 0; head < 12; head += 4) {
            const QRect rect = shown.view.thumbnailRect(layer, head);
            ASSERT_FALSE(rect.isEmpty());
            EXPECT_TRUE(shown.view.rect().contains(rect)) << layer << "." << head;
            EXPECT_FALSE(rect.intersects(previous));
            previous = rect;
            EXPECT_EQ(shown.view.thumbnailAt(rect.center()), QPoint(head, layer));
            // The screen shows the thumbnail's pixels: its first cell at its top-left corner.
            const QColor first = shown.view.thumbnail(layer, head).pixelColor(0, 0);
            const double ratio = screen.devicePixelRatio();
            EXPECT_TRUE(near(screen.pixelColor((rect.topLeft() + QPoint(1, 1)) * ratio), first, 3))
                << layer << "." << head;
        }
    QSignalSpy clicked(&shown.view, &ModelGridView::thumbnailClicked);
    QTest::mouseClick(&shown.view, Qt::LeftButton, {}, shown.view.thumbnailRect(7, 10).center());
    ASSERT_EQ(clicked.size(), 1);
    EXPECT_EQ(clicked.front().at(0).toInt(), 7);
    EXPECT_EQ(clicked.front().at(1).toInt(), 10);
    // Between thumbnails and on the labels nothing is chosen.
    const QRect first = shown.view.thumbnailRect(0, 0);
    QTest::mouseClick(&shown.view, Qt::LeftButton, {}, first.topLeft() - QPoint(8, 0));
    QTest::mouseClick(&shown.view, Qt::LeftButton, {}, first.topRight() + QPoint(2, 2));
    EXPECT_EQ(clicked.size(), 1);
    // Keys move from the clicked thumbnail; Enter opens.
    QTest::keyClick(&shown.view, Qt::Key_Right);
    QTest::keyClick(&shown.view, Qt::Key_Down);
    QTest::keyClick(&shown.view, Qt::Key_Return);
    ASSERT_EQ(clicked.size(), 2);
    EXPECT_EQ(clicked.back().at(0).toInt(), 8);
    EXPECT_EQ(clicked.back().at(1).toInt(), 11);
}

TEST(ModelGrid, TheModelFigureGrowsWithTheLayersAndRefusesOneLayer) {
    ui::FigureOptions options;
    options.content = ui::FigureContent::Model;
    options.scale = 1.0;
    const QImage two = ui::renderFigureImage(*modelResult(2, 4, 6), options);
    const QImage four = ui::renderFigureImage(*modelResult(4, 4, 6), options);
    EXPECT_EQ(two.width(), four.width());
    EXPECT_GT(four.height(), two.height() + 100);
    EXPECT_THROW(ui::renderFigureImage(*modelResult(1, 4, 6), options), core::InputError);

    // A very deep and wide model stays within the bounds of a PNG at the default scale.
    options.scale = 2.0;
    const QSizeF deep = ui::naturalFigureSize(*modelResult(96, 64, 4), options);
    EXPECT_LE(deep.width() * options.scale, 16384);
    EXPECT_LE(deep.height() * options.scale, 16384);

    QTemporaryDir dir;
    const QString svg = dir.filePath(QStringLiteral("model.svg"));
    QString error;
    ASSERT_TRUE(ui::exportFigure(svg, *modelResult(3, 5, 6), options, &error))
        << error.toStdString();
    QFile file(svg);
    ASSERT_TRUE(file.open(QIODevice::ReadOnly));
    const QByteArray text = file.readAll();
    for (const char* label : {">L1<", ">L3<", ">H1<", ">H5<"})
        EXPECT_TRUE(text.contains(label)) << label;
    EXPECT_FALSE(text.contains(">L4<"));
}

} // namespace test_model_grid
