// HeatmapView: the colour map holds exactly the core's weights in matrix orientation, masked
// cells and rows are told apart, hover and click report the right cell, and the rendered pixels
// have the colours of the colour map.

#include "ui/color_maps.h"
#include "ui/heatmap_view.h"

#include <gtest/gtest.h>
#include <qcustomplot.h>

#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QImage>
#include <QMouseEvent>
#include <QSet>
#include <QSignalSpy>
#include <QTest>

#include <cmath>
#include <memory>
#include <string>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_heatmap_view {

using namespace attnlab;
using attnlab::ui::ColorMap;
using attnlab::ui::HeatmapView;

namespace {

// Whitespace-split words ("w0 w1 …" unless a sentence is given) with smooth, distinct hand-made
// embeddings: no dependence on the built-in lexicon or on random projections.
core::Config manualConfig(int tokens, int dModel = 4, int heads = 2,
                          const std::string& sentence = {}) {
    core::Config config;
    config.sentence.clear();
    if (sentence.empty()) {
        for (int i = 0; i < tokens; ++i)
            config.sentence += (i ? " w" : "w") + std::to_string(i);
    } else {
        config.sentence = sentence;
    }
    config.tokenizer.mode = core::TokenizerMode::Whitespace;
    config.embeddings = core::EmbeddingSource::Manual;
    config.manualQueryEmbeddings = core::Matrix(tokens, dModel);
    for (int i = 0; i < tokens; ++i)
        for (int j = 0; j < dModel; ++j)
            config.manualQueryEmbeddings(i, j) =
                static_cast<float>(1.5 * std::sin(0.9 * i + 1.7 * j + 0.3) + 0.2 * j);
    config.heads = heads;
    return config;
}

// "the cat sat on the mat": 6 tokens, d_model 4, 2 heads of d_k 2.
core::Config catConfig() {
    return manualConfig(6, 4, 2, "the cat sat on the mat");
}

std::shared_ptr<const core::ModelOutput> run(const core::Config& config) {
    return std::make_shared<const core::ModelOutput>(core::runBuiltin(config));
}

int colorDistance(const QColor& a, const QColor& b) {
    return std::max({std::abs(a.red() - b.red()), std::abs(a.green() - b.green()),
                     std::abs(a.blue() - b.blue())});
}

QString outputPath(const QString& name) {
    return QDir(QStringLiteral(ATTNLAB_TEST_OUTPUT_DIR)).filePath(name);
}

// A shown view whose layout is final, so that coordToPixel gives the drawn positions.
struct ShownView {
    explicit ShownView(int width = 640, int height = 520) {
        view.resize(width, height);
        view.show();
        EXPECT_TRUE(QTest::qWaitForWindowExposed(&view));
    }
    void replot() { view.plot()->replot(QCustomPlot::rpImmediateRefresh); }
    QImage render() {
        replot();
        return view.plot()->toPixmap().toImage();
    }
    HeatmapView view;
};

} // namespace

TEST(ColorMaps, EndpointsMatchMatplotlib) {
    EXPECT_EQ(ui::colorAt(ColorMap::Viridis, 0.0), QColor(0x44, 0x01, 0x54));
    EXPECT_EQ(ui::colorAt(ColorMap::Viridis, 1.0), QColor(0xfd, 0xe7, 0x25));
    EXPECT_EQ(ui::colorAt(ColorMap::Magma, 0.0), QColor(0x00, 0x00, 0x04));
    EXPECT_EQ(ui::colorAt(ColorMap::Magma, 1.0), QColor(0xfc, 0xfd, 0xbf));
    EXPECT_EQ(ui::colorAt(ColorMap::Cividis, 0.0), QColor(0x00, 0x22, 0x4e));
    EXPECT_EQ(ui::colorAt(ColorMap::Cividis, 1.0), QColor(0xfe, 0xe8, 0x38));
    EXPECT_EQ(ui::colorAt(ColorMap::Grayscale, 0.0), QColor(Qt::black));
    EXPECT_EQ(ui::colorAt(ColorMap::Grayscale, 1.0), QColor(Qt::white));
    // Clamped outside [0, 1]; NaN is the low end.
    EXPECT_EQ(ui::colorAt(ColorMap::Viridis, -3.0), QColor(0x44, 0x01, 0x54));
    EXPECT_EQ(ui::colorAt(ColorMap::Viridis, 7.0), QColor(0xfd, 0xe7, 0x25));
    EXPECT_EQ(ui::colorAt(ColorMap::Viridis, std::nan("")), QColor(0x44, 0x01, 0x54));
}

TEST(ColorMaps, InteriorMatchesMatplotlibSamples) {
    // matplotlib: viridis(0.5) = #21918c (table entry 128), magma(0.5) = #b73779.
    EXPECT_LE(colorDistance(ui::colorAt(ColorMap::Viridis, 128.0 / 255), QColor(0x21, 0x91, 0x8c)),
              1);
    EXPECT_LE(colorDistance(ui::colorAt(ColorMap::Magma, 128.0 / 255), QColor(0xb7, 0x37, 0x79)),
              1);
    // Between stops: entry 100 of viridis is (0.166617, 0.463708, 0.558119) = #2a768e.
    EXPECT_LE(colorDistance(ui::colorAt(ColorMap::Viridis, 100.0 / 255), QColor(0x2a, 0x76, 0x8e)),
              2);
    EXPECT_EQ(ui::colorAt(ColorMap::Grayscale, 0.5), QColor(128, 128, 128));
}

TEST(ColorMaps, GradientAgreesWithColorAt) {
    for (ColorMap map : ui::allColorMaps()) {
        QCPColorGradient gradient = ui::makeColorGradient(map);
        for (int i = 0; i <= 40; ++i) {
            const double t = i / 40.0;
            const QColor drawn = QColor::fromRgb(gradient.color(t, QCPRange(0, 1)));
            EXPECT_LE(colorDistance(drawn, ui::colorAt(map, t)), 2)
                << ui::colorMapKey(map).toStdString() << " at " << t;
        }
    }
}

TEST(ColorMaps, KeysRoundTripAndNamesExist) {
    for (ColorMap map : ui::allColorMaps()) {
        EXPECT_EQ(ui::colorMapFromKey(ui::colorMapKey(map)), map);
        EXPECT_FALSE(ui::colorMapName(map).isEmpty());
    }
    EXPECT_EQ(ui::colorMapFromKey(QStringLiteral("VIRIDIS")), ColorMap::Viridis);
    EXPECT_FALSE(ui::colorMapFromKey(QStringLiteral("jet")).has_value());
}

TEST(ColorMaps, DivergingIsBlueWhiteRed) {
    const QColor low = ui::divergingColorAt(0.0);
    const QColor mid = ui::divergingColorAt(0.5);
    const QColor high = ui::divergingColorAt(1.0);
    EXPECT_GT(low.blue(), low.red());
    EXPECT_GT(high.red(), high.blue());
    EXPECT_GT(std::min({mid.red(), mid.green(), mid.blue()}), 240);
}

TEST(ColorMaps, TextContrastFollowsLuminance) {
    EXPECT_EQ(ui::contrastingTextColor(ui::colorAt(ColorMap::Viridis, 0.0)), QColor(Qt::white));
    EXPECT_EQ(ui::contrastingTextColor(ui::colorAt(ColorMap::Viridis, 1.0)), QColor(Qt::black));
}

TEST(HeatmapView, CellsEqualEachHeadsWeights) {
    const auto result = run(catConfig());
    HeatmapView view;
    for (int head = 0; head < 2; ++head) {
        view.setData(result, head);
        const core::Matrix& weights = result->maps.weights[static_cast<std::size_t>(head)];
        ASSERT_EQ(view.queryCount(), weights.rows());
        ASSERT_EQ(view.keyCount(), weights.cols());
        for (int i = 0; i < weights.rows(); ++i)
            for (int j = 0; j < weights.cols(); ++j)
                EXPECT_DOUBLE_EQ(view.cellValue(i, j), weights(i, j))
                    << "head " << head << " cell " << i << "," << j;
    }
}

TEST(HeatmapView, CombinedMapsEqualMeanAndMax) {
    const auto result = run(catConfig());
    HeatmapView view;
    view.setData(result, HeatmapView::MeanOfHeads);
    for (int i = 0; i < 6; ++i)
        for (int j = 0; j < 6; ++j)
            EXPECT_DOUBLE_EQ(view.cellValue(i, j), result->maps.mean[0](i, j));
    view.setData(result, HeatmapView::MaxOfHeads);
    for (int i = 0; i < 6; ++i)
        for (int j = 0; j < 6; ++j)
            EXPECT_DOUBLE_EQ(view.cellValue(i, j), result->maps.max[0](i, j));
}

TEST(HeatmapView, ReusesColorMapAcrossShapes) {
    HeatmapView view;
    const auto small = run(manualConfig(3));
    const auto large = run(manualConfig(9));
    view.setData(large, 0);
    const int plottables = view.plot()->plottableCount();
    view.setData(small, 1);
    EXPECT_EQ(view.plot()->plottableCount(), plottables);
    EXPECT_EQ(view.queryCount(), 3);
    EXPECT_DOUBLE_EQ(view.cellValue(2, 1), small->maps.weights[1](2, 1));
    EXPECT_TRUE(std::isnan(view.cellValue(5, 5)));
    view.setData(nullptr, 0);
    EXPECT_EQ(view.queryCount(), 0);
    view.setData(small, 7); // no such head
    EXPECT_EQ(view.queryCount(), 0);
}

TEST(HeatmapView, FirstQueryIsAtTheTop) {
    ShownView shown;
    const auto result = run(catConfig());
    shown.view.setData(result, 0);
    shown.replot();
    QCustomPlot* plot = shown.view.plot();
    EXPECT_LT(plot->yAxis->coordToPixel(0), plot->yAxis->coordToPixel(5));
    EXPECT_LT(plot->xAxis->coordToPixel(0), plot->xAxis->coordToPixel(5));
    EXPECT_LT(shown.view.cellCenter(0, 0).y(), shown.view.cellCenter(5, 0).y());
    for (int i = 0; i < 6; ++i)
        for (int j = 0; j < 6; ++j)
            EXPECT_EQ(shown.view.cellAt(shown.view.cellCenter(i, j)), qMakePair(i, j));
    // In the colour map data, key index j / value index i sit at coordinates (j, i): cell
    // centres on integers, value axis reversed, so query 0 is the top row.
    auto* map = qobject_cast<QCPColorMap*>(plot->plottable(0));
    ASSERT_NE(map, nullptr);
    EXPECT_FALSE(map->interpolate());
    double key = -1, value = -1;
    map->data()->cellToCoord(5, 3, &key, &value);
    EXPECT_DOUBLE_EQ(key, 5.0);
    EXPECT_DOUBLE_EQ(value, 3.0);
    EXPECT_DOUBLE_EQ(map->data()->cell(5, 0), result->maps.weights[0](0, 5));
    EXPECT_DOUBLE_EQ(map->data()->cell(0, 5), result->maps.weights[0](5, 0));
    EXPECT_TRUE(plot->yAxis->rangeReversed());
}

TEST(HeatmapView, MaskedCellsAreIdentifiedAndNotDrawnAsZero) {
    core::Config config = catConfig();
    config.mask.kind = core::MaskKind::Causal;
    const auto result = run(config);
    ShownView shown;
    shown.view.setData(result, 0);
    for (int i = 0; i < 6; ++i)
        for (int j = 0; j < 6; ++j) {
            EXPECT_EQ(shown.view.isMasked(i, j), j > i) << i << "," << j;
            // Masked cells are transparent in the colour map, so the hatching shows through.
            EXPECT_EQ(shown.view.plot()->findChild<QCPColorMap*>()->data()->alpha(j, i),
                      j > i ? 0 : 255)
                << i << "," << j;
            if (j > i) {
                EXPECT_EQ(shown.view.cellValue(i, j), 0.0); // masked weights are exactly 0
            }
        }
    const QImage image = shown.render();
    const QColor zero = ui::colorAt(ColorMap::Viridis, 0.0);
    const QPoint masked = shown.view.cellCenter(0, 5);
    // Over a masked cell there is the mask's grey or its hatching, never the colour of 0.
    const QRect area(masked - QPoint(6, 6), QSize(13, 13));
    int grey = 0;
    for (int y = area.top(); y <= area.bottom(); ++y)
        for (int x = area.left(); x <= area.right(); ++x) {
            const QColor pixel = image.pixelColor(x, y);
            EXPECT_GT(colorDistance(pixel, zero), 40);
            grey += colorDistance(pixel, ui::maskedCellColor(ColorMap::Viridis)) <= 3 ? 1 : 0;
        }
    EXPECT_GT(grey, area.width() * area.height() / 2);
    int hatch = 0;
    for (int y = area.top(); y <= area.bottom(); ++y)
        for (int x = area.left(); x <= area.right(); ++x)
            hatch +=
                colorDistance(image.pixelColor(x, y), ui::maskedHatchColor(ColorMap::Viridis)) <= 3;
    EXPECT_GT(hatch, 5) << "masked cells are hatched";
}

TEST(HeatmapView, FullyMaskedRowIsMarked) {
    core::Config config = catConfig();
    config.mask.kind = core::MaskKind::Custom;
    for (int key = 0; key < 6; ++key)
        config.mask.blocked.emplace_back(2, key);
    const auto result = run(config);
    ASSERT_EQ(result->maps.fullyMaskedRows, std::vector<int>{2});
    ShownView shown;
    shown.view.setData(result, 0);
    EXPECT_TRUE(shown.view.isRowFullyMasked(2));
    EXPECT_FALSE(shown.view.isRowFullyMasked(1));
    const QImage image = shown.render();
    // The row is framed in red.
    const QPoint left = shown.view.cellCenter(2, 0);
    const QRect rect = shown.view.plot()->axisRect()->rect();
    int red = 0;
    for (int x = rect.left(); x < rect.left() + 5; ++x) {
        const QColor pixel = image.pixelColor(x, left.y());
        red += pixel.red() > 150 && pixel.green() < 90 && pixel.blue() < 90;
    }
    EXPECT_GT(red, 0);
}

TEST(HeatmapView, HoverTextNamesTokensAndNumbers) {
    const auto result = run(catConfig());
    HeatmapView view;
    view.setData(result, 1);
    const core::HeadTrace& head = result->trace->heads[1];
    const core::Matrix& headWeights = result->maps.weights[1];
    const QString text = view.hoverText(1, 2);
    EXPECT_TRUE(text.startsWith(QStringLiteral("query 'cat' → key 'sat': score ")))
        << text.toStdString();
    EXPECT_TRUE(
        text.contains(QStringLiteral("score ") + HeatmapView::formatNumber(head.scores(1, 2))));
    EXPECT_TRUE(
        text.contains(QStringLiteral("logit ") + HeatmapView::formatNumber(head.logits(1, 2))));
    EXPECT_TRUE(
        text.contains(QStringLiteral("weight ") + HeatmapView::formatNumber(headWeights(1, 2))));
    EXPECT_TRUE(view.hoverText(6, 0).isEmpty());

    view.setData(result, HeatmapView::MeanOfHeads);
    const QString mean = view.hoverText(1, 2);
    EXPECT_EQ(mean, QStringLiteral("query 'cat' → key 'sat': mean weight ") +
                        HeatmapView::formatNumber(result->maps.mean[0](1, 2)));
}

TEST(HeatmapView, HoverTextOfMaskedCell) {
    core::Config config = catConfig();
    config.mask.kind = core::MaskKind::Causal;
    const auto result = run(config);
    HeatmapView view;
    view.setData(result, 0);
    const QString text = view.hoverText(0, 3);
    EXPECT_TRUE(text.contains(QStringLiteral("masked"))) << text.toStdString();
    EXPECT_TRUE(text.contains(QStringLiteral("weight 0")));
}

TEST(HeatmapView, FormatNumber) {
    EXPECT_EQ(HeatmapView::formatNumber(3.2), QStringLiteral("3.20"));
    EXPECT_EQ(HeatmapView::formatNumber(0.41), QStringLiteral("0.41"));
    EXPECT_EQ(HeatmapView::formatNumber(0.0), QStringLiteral("0.00"));
    EXPECT_EQ(HeatmapView::formatNumber(0.00123), QStringLiteral("0.00123"));
    EXPECT_EQ(HeatmapView::formatNumber(-std::numeric_limits<double>::infinity()),
              QStringLiteral("−∞"));
    EXPECT_EQ(HeatmapView::formatNumber(123456.0), QStringLiteral("1.23e+05"));
}

TEST(HeatmapView, MouseMoveEmitsHoverSignals) {
    ShownView shown;
    const auto result = run(catConfig());
    shown.view.setData(result, 0);
    shown.view.setHoverToolTip(false);
    shown.replot();
    QSignalSpy hovered(&shown.view, &HeatmapView::cellHovered);
    QSignalSpy text(&shown.view, &HeatmapView::hoverTextChanged);
    const QPoint pos = shown.view.plot()->mapFrom(&shown.view, shown.view.cellCenter(4, 1));
    QMouseEvent move(QEvent::MouseMove, pos, shown.view.plot()->mapToGlobal(pos), Qt::NoButton,
                     Qt::NoButton, Qt::NoModifier);
    QApplication::sendEvent(shown.view.plot(), &move);
    ASSERT_EQ(hovered.count(), 1);
    EXPECT_EQ(hovered.at(0).at(0).toInt(), 4);
    EXPECT_EQ(hovered.at(0).at(1).toInt(), 1);
    ASSERT_EQ(text.count(), 1);
    EXPECT_EQ(text.at(0).at(0).toString(), shown.view.hoverText(4, 1));
    // Moving within the same cell says nothing new.
    QMouseEvent again(QEvent::MouseMove, pos + QPoint(1, 1), shown.view.plot()->mapToGlobal(pos),
                      Qt::NoButton, Qt::NoButton, Qt::NoModifier);
    QApplication::sendEvent(shown.view.plot(), &again);
    EXPECT_EQ(hovered.count(), 1);
}

TEST(HeatmapView, ClickSelectsTheRow) {
    ShownView shown;
    const auto result = run(catConfig());
    shown.view.setData(result, 0);
    shown.replot();
    QSignalSpy rows(&shown.view, &HeatmapView::rowSelected);
    QSignalSpy cells(&shown.view, &HeatmapView::cellClicked);
    QCustomPlot* plot = shown.view.plot();
    const QPoint centre(qRound(plot->xAxis->coordToPixel(1)), qRound(plot->yAxis->coordToPixel(3)));
    QTest::mouseClick(plot, Qt::LeftButton, Qt::NoModifier, centre);
    ASSERT_EQ(rows.count(), 1);
    EXPECT_EQ(rows.at(0).at(0).toInt(), 3);
    ASSERT_EQ(cells.count(), 1);
    EXPECT_EQ(cells.at(0).at(1).toInt(), 1);
    EXPECT_EQ(shown.view.selectedQuery(), 3);
    EXPECT_EQ(shown.view.selectedKey(), 1);

    // The selected row is framed: white inner line along the row's top edge.
    const QImage image = shown.render();
    const double top = plot->yAxis->coordToPixel(2.5);
    int white = 0;
    for (int dy = -3; dy <= 3; ++dy) {
        const QColor pixel =
            image.pixelColor(qRound(plot->xAxis->coordToPixel(4)), qRound(top) + dy);
        white += pixel.red() > 245 && pixel.green() > 245 && pixel.blue() > 245;
    }
    EXPECT_GT(white, 0);

    // A click outside the matrix selects nothing.
    QTest::mouseClick(plot, Qt::LeftButton, Qt::NoModifier, QPoint(2, 2));
    EXPECT_EQ(rows.count(), 1);

    // Arrow keys move the selection.
    QTest::keyClick(&shown.view, Qt::Key_Down);
    EXPECT_EQ(rows.count(), 2);
    EXPECT_EQ(shown.view.selectedQuery(), 4);
}

TEST(HeatmapView, RenderedCellsHaveTheirColours) {
    ShownView shown;
    const auto result = run(catConfig());
    shown.view.setData(result, 0);
    const QImage image = shown.render();
    ASSERT_FALSE(image.isNull());
    ASSERT_TRUE(image.save(outputPath(QStringLiteral("heatmap_cat.png"))));

    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); y += 3)
        for (int x = 0; x < image.width(); x += 3)
            colours.insert(image.pixel(x, y));
    EXPECT_GT(colours.size(), 20) << "the image is not blank";

    for (int i = 0; i < 6; ++i)
        for (int j = 0; j < 6; ++j) {
            const QPoint centre =
                shown.view.plot()->mapFrom(&shown.view, shown.view.cellCenter(i, j));
            const double weight = result->maps.weights[0](i, j);
            EXPECT_LE(
                colorDistance(image.pixelColor(centre), ui::colorAt(ColorMap::Viridis, weight)), 3)
                << "cell " << i << "," << j << " weight " << weight;
        }

    // Another colour map and a per-head range change the pixels accordingly.
    shown.view.setColorMap(ColorMap::Magma);
    shown.view.setAutoRange();
    const auto [low, high] = shown.view.valueRange();
    EXPECT_DOUBLE_EQ(low, 0.0);
    EXPECT_FLOAT_EQ(high, result->maps.weights[0].maxCoeff());
    const QImage magma = shown.render();
    const QPoint centre = shown.view.plot()->mapFrom(&shown.view, shown.view.cellCenter(2, 3));
    const double t = result->maps.weights[0](2, 3) / high;
    EXPECT_LE(colorDistance(magma.pixelColor(centre), ui::colorAt(ColorMap::Magma, t)), 3);
}

TEST(HeatmapView, ValueTextsOnlyWhenTheyFit) {
    ShownView shown;
    shown.view.setShowValues(true);
    shown.view.setData(run(catConfig()), 0);
    shown.render();
    EXPECT_TRUE(shown.view.valuesDrawn());
    shown.view.setData(run(manualConfig(80)), 0);
    shown.render();
    EXPECT_FALSE(shown.view.valuesDrawn()) << "80 × 80 cells are too small for text";
    shown.view.setShowValues(false);
    shown.view.setData(run(catConfig()), 0);
    shown.render();
    EXPECT_FALSE(shown.view.valuesDrawn());
}

TEST(HeatmapView, ValueTextContrastsWithCell) {
    ShownView shown;
    shown.view.setShowValues(true);
    const auto result = run(catConfig());
    shown.view.setData(result, 0);
    const QImage image = shown.render();
    image.save(outputPath(QStringLiteral("heatmap_values.png")));
    // Somewhere in the darkest cell there is white text, in the brightest black text.
    Eigen::Index darkRow, darkCol, brightRow, brightCol;
    result->maps.weights[0].minCoeff(&darkRow, &darkCol);
    result->maps.weights[0].maxCoeff(&brightRow, &brightCol);
    auto countNear = [&](int row, int col, const QColor& colour) {
        const QPoint c = shown.view.cellCenter(row, col);
        int count = 0;
        for (int y = c.y() - 6; y <= c.y() + 6; ++y)
            for (int x = c.x() - 14; x <= c.x() + 14; ++x)
                count += colorDistance(image.pixelColor(x, y), colour) < 40;
        return count;
    };
    EXPECT_GT(countNear(static_cast<int>(darkRow), static_cast<int>(darkCol), Qt::white), 3);
    EXPECT_GT(countNear(static_cast<int>(brightRow), static_cast<int>(brightCol), Qt::black), 3);
}

TEST(HeatmapView, LongSentencesThinTheirLabels) {
    ShownView shown(520, 420);
    shown.view.setData(run(manualConfig(200)), 0);
    const QImage image = shown.render();
    image.save(outputPath(QStringLiteral("heatmap_200.png")));
    const QVector<int> keys = shown.view.drawnKeyLabels();
    const QVector<int> queries = shown.view.drawnQueryLabels();
    EXPECT_GT(keys.size(), 3);
    EXPECT_LT(keys.size(), 60);
    EXPECT_GT(queries.size(), 3);
    EXPECT_LT(queries.size(), 60);
    EXPECT_EQ(keys.front(), 0);
    // Drawn query labels are at least a line apart.
    QCustomPlot* plot = shown.view.plot();
    const double line = QFontMetricsF(HeatmapView::tokenFont(shown.view.font())).height();
    for (int i = 1; i < queries.size(); ++i)
        EXPECT_GE(plot->yAxis->coordToPixel(queries[i]) - plot->yAxis->coordToPixel(queries[i - 1]),
                  line);
    // A short sentence keeps every label.
    shown.view.setData(run(catConfig()), 0);
    shown.render();
    EXPECT_EQ(shown.view.drawnKeyLabels().size(), 6);
    EXPECT_EQ(shown.view.drawnQueryLabels().size(), 6);
}

TEST(HeatmapView, LabelsMarkUnknownAndPaddingTokens) {
    core::Config config = catConfig();
    config.mask.kind = core::MaskKind::Padding;
    config.mask.padLength = 8;
    auto computed = core::runBuiltin(config);
    computed.maps.queryTokens[1].unknown = true;
    computed.maps.keyTokens[1].unknown = true;
    const auto result = std::make_shared<const core::ModelOutput>(std::move(computed));
    ShownView shown;
    shown.view.setData(result, 0);
    ASSERT_EQ(shown.view.keyLabels().size(), 8);
    EXPECT_EQ(shown.view.keyLabels().at(1), QStringLiteral("cat?"));
    EXPECT_EQ(shown.view.queryLabels().at(1), QStringLiteral("cat?"));
    EXPECT_EQ(shown.view.keyLabels().at(7), QStringLiteral("[PAD]"));
    EXPECT_TRUE(shown.view.isMasked(0, 7));
    shown.render().save(outputPath(QStringLiteral("heatmap_padding.png")));
}

TEST(HeatmapView, ChineseLabelsRender) {
    core::Config config = manualConfig(6, 4, 1, "我 爱 深度 学习 。 好");
    ShownView shown(420, 380);
    shown.view.setData(run(config), 0);
    shown.view.setTitle(QStringLiteral("头 1"));
    EXPECT_EQ(shown.view.keyLabels().at(2), QStringLiteral("深度"));
    const QImage image = shown.render();
    image.save(outputPath(QStringLiteral("heatmap_chinese.png")));
    // The query labels left of the matrix are drawn (dark pixels in the label column of row 2).
    const QPoint centre = shown.view.plot()->mapFrom(&shown.view, shown.view.cellCenter(2, 0));
    const int right = shown.view.plot()->axisRect()->rect().left() - 6;
    int ink = 0;
    for (int y = centre.y() - 8; y <= centre.y() + 8; ++y)
        for (int x = right - 30; x <= right; ++x)
            ink += image.pixelColor(x, y).lightness() < 128;
    EXPECT_GT(ink, 10);
}

TEST(HeatmapView, TitleAndColorBarChangeTheLayout) {
    ShownView shown;
    shown.view.setData(run(catConfig()), 0);
    shown.replot();
    const int withBar = shown.view.plot()->axisRect()->width();
    shown.view.setColorBarVisible(false);
    shown.replot();
    EXPECT_GT(shown.view.plot()->axisRect()->width(), withBar + 20);
    shown.view.setColorBarVisible(true);
    shown.replot();
    EXPECT_EQ(shown.view.plot()->axisRect()->width(), withBar);

    const int top = shown.view.plot()->axisRect()->top();
    shown.view.setTitle(QStringLiteral("Head 1"));
    shown.replot();
    EXPECT_GT(shown.view.plot()->axisRect()->top(), top);
    shown.view.setTitle(QString());
    shown.replot();
    EXPECT_EQ(shown.view.plot()->axisRect()->top(), top);
}

TEST(HeatmapView, ValueRangeIsSharedOrPerHead) {
    HeatmapView view;
    const auto result = run(catConfig());
    view.setData(result, 0);
    EXPECT_EQ(view.valueRange(), qMakePair(0.0, 1.0));
    view.setValueRange(0.0, 0.5);
    EXPECT_EQ(view.valueRange(), qMakePair(0.0, 0.5));
    view.setValueRange(1.0, 1.0); // ignored
    EXPECT_EQ(view.valueRange(), qMakePair(0.0, 0.5));
    view.setAutoRange();
    view.setData(result, 1);
    EXPECT_FLOAT_EQ(view.valueRange().second, result->maps.weights[1].maxCoeff());
}

TEST(HeatmapView, SingleTokenFillsTheMatrix) {
    ShownView shown(360, 320);
    const auto result = run(manualConfig(1, 4, 1, "hello"));
    shown.view.setData(result, 0);
    EXPECT_DOUBLE_EQ(shown.view.cellValue(0, 0), 1.0);
    const QImage image = shown.render();
    const QRect rect = shown.view.plot()->axisRect()->rect();
    // One cell covers the whole axis rect, in the colour of weight 1.
    for (const QPoint& p :
         {rect.center(), rect.topLeft() + QPoint(3, 3), rect.bottomRight() - QPoint(3, 3)})
        EXPECT_LE(colorDistance(image.pixelColor(p), ui::colorAt(ColorMap::Viridis, 1.0)), 3);
    EXPECT_EQ(shown.view.cellAt(shown.view.cellCenter(0, 0)), qMakePair(0, 0));
}

TEST(HeatmapView, LargeMatrixWithoutPerCellObjects) {
    ShownView shown(700, 600);
    const auto result = run(manualConfig(1024, 2, 1));
    QElapsedTimer timer;
    timer.start();
    shown.view.setShowValues(true);
    shown.view.setData(result, 0);
    shown.replot();
    EXPECT_LT(timer.elapsed(), 5000);
    EXPECT_LT(shown.view.plot()->itemCount(), 10);
    EXPECT_FALSE(shown.view.valuesDrawn());
    EXPECT_DOUBLE_EQ(shown.view.cellValue(1023, 511), result->maps.weights[0](1023, 511));
}

// Presentation mode's thicker lines: the frame of the selected row (black outside, white inside)
// covers more pixels across its top edge at line scale 2, and scale 1 restores it exactly.
TEST(HeatmapView, LineScaleThickensTheSelectionFrame) {
    ShownView shown;
    shown.view.setData(run(catConfig()), 0);
    shown.view.setSelection(3);
    QCustomPlot* plot = shown.view.plot();
    // Pixels across the edge between rows 2 and 3 that have neither row's colour.
    const auto framePixels = [&] {
        const QImage image = shown.render();
        const int x = qRound(plot->xAxis->coordToPixel(4));
        const int top = qRound(plot->yAxis->coordToPixel(2.5));
        const QColor above = image.pixelColor(x, top - 9), below = image.pixelColor(x, top + 9);
        int frame = 0;
        for (int y = top - 8; y <= top + 8; ++y) {
            const QColor pixel = image.pixelColor(x, y);
            frame += colorDistance(pixel, above) > 40 && colorDistance(pixel, below) > 40;
        }
        return frame;
    };
    const int thin = framePixels();
    shown.view.setLineScale(2.0);
    EXPECT_DOUBLE_EQ(shown.view.lineScale(), 2.0);
    const int thick = framePixels();
    EXPECT_GE(thin, 3);
    EXPECT_GE(thick, thin + 3);
    EXPECT_DOUBLE_EQ(plot->xAxis->basePen().widthF(), 2.0);
    shown.view.setLineScale(1.0);
    EXPECT_EQ(framePixels(), thin);
    EXPECT_DOUBLE_EQ(plot->xAxis->basePen().widthF(), 1.0);
}

} // namespace test_heatmap_view
