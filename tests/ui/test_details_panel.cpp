// DetailsPanel: the bars are the selected row's weights, the summary names entropy and argmax,
// and the arithmetic of the selected cell follows the chosen scoring function step by step.

#include "ui/color_maps.h"
#include "ui/details_panel.h"
#include "ui/heatmap_view.h"

#include <gtest/gtest.h>
#include <qcustomplot.h>

#include <QDir>
#include <QTest>

#include <algorithm>
#include <array>
#include <cmath>
#include <memory>
#include <string>
#include <tuple>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_details_panel {

using namespace attnlab;
using attnlab::ui::DetailsPanel;
using attnlab::ui::HeatmapView;

namespace {

// "the cat sat on the mat" split on whitespace, with hand-made embeddings (d_model 4): no
// dependence on the built-in lexicon.
core::Config catConfig(int heads = 2) {
    core::Config config;
    config.sentence = "the cat sat on the mat";
    config.tokenizer.mode = core::TokenizerMode::Whitespace;
    config.embeddings = core::EmbeddingSource::Manual;
    config.manualQueryEmbeddings = core::Matrix(6, 4);
    for (int i = 0; i < 6; ++i)
        for (int j = 0; j < 4; ++j)
            config.manualQueryEmbeddings(i, j) =
                static_cast<float>(1.5 * std::sin(0.9 * i + 1.7 * j + 0.3) + 0.2 * j);
    config.heads = heads;
    return config;
}

std::shared_ptr<const core::ModelOutput> run(const core::Config& config) {
    return std::make_shared<const core::ModelOutput>(core::runBuiltin(config));
}

QString fmt(double value) {
    return HeatmapView::formatNumber(value);
}

bool contains(const QString& text, const QString& part) {
    return text.contains(part);
}

#define EXPECT_QTEXT_CONTAINS(text, part)                                                          \
    EXPECT_TRUE(contains(text, part))                                                              \
        << "\"" << (text).toStdString() << "\" lacks \"" << QString(part).toStdString() << "\""

} // namespace

TEST(DetailsPanel, BarsAreTheRowWeights) {
    const auto result = run(catConfig());
    DetailsPanel panel;
    panel.setRow(result, 1, 2, -1);
    const QVector<double> bars = panel.barValues();
    ASSERT_EQ(bars.size(), 6);
    for (int key = 0; key < 6; ++key)
        EXPECT_DOUBLE_EQ(bars[key], result->maps.weights[1](2, key));
    EXPECT_TRUE(panel.arithmeticText().isEmpty()) << "no cell selected";

    panel.setRow(result, HeatmapView::MeanOfHeads, 4, -1);
    for (int key = 0; key < 6; ++key)
        EXPECT_DOUBLE_EQ(panel.barValues()[key], result->maps.mean[0](4, key));

    // The bar chart holds the same numbers.
    auto* bars1 = qobject_cast<QCPBars*>(panel.plot()->plottable(1));
    ASSERT_NE(bars1, nullptr);
    ASSERT_EQ(bars1->data()->size(), 6);
    EXPECT_DOUBLE_EQ(bars1->data()->at(3)->value, result->maps.mean[0](4, 3));
}

TEST(DetailsPanel, SummaryNamesEntropyAndArgmax) {
    const auto result = run(catConfig());
    DetailsPanel panel;
    panel.setRow(result, 0, 1, -1);
    const core::Matrix& headWeights = result->maps.weights[0];
    const int argmax = result->maps.argmax[0][1];
    const QString summary = panel.summaryText();
    EXPECT_QTEXT_CONTAINS(summary, QStringLiteral("'cat'"));
    EXPECT_QTEXT_CONTAINS(summary, QStringLiteral("head 1"));
    EXPECT_QTEXT_CONTAINS(summary, QStringLiteral("entropy ") + fmt(result->maps.entropy[0](1)));
    EXPECT_QTEXT_CONTAINS(
        summary,
        QStringLiteral("argmax → '") +
            QString::fromStdString(result->maps.keyTokens[static_cast<std::size_t>(argmax)].text) +
            QStringLiteral("' (") + fmt(headWeights(1, argmax)) + QLatin1Char(')'));
    EXPECT_QTEXT_CONTAINS(summary,
                          QStringLiteral("at most ln 6 = ") + fmt(std::log(6.0))); // uniform
}

TEST(DetailsPanel, ScaledDotArithmetic) {
    const auto result = run(catConfig());
    DetailsPanel panel;
    panel.setRow(result, 1, 1, 2);
    const core::HeadTrace& head = result->trace->heads[1];
    const core::Matrix& headWeights = result->maps.weights[1];
    const double dot = head.q.row(1).dot(head.k.row(2));
    const QString text = panel.arithmeticText();
    EXPECT_EQ(text, QStringLiteral("q·k = %1, /√2 = %2, /T = %3, softmax → %4")
                        .arg(fmt(dot), fmt(head.scores(1, 2)), fmt(head.logits(1, 2)),
                             fmt(headWeights(1, 2))));
    EXPECT_NEAR(dot / std::sqrt(2.0), head.scores(1, 2), 1e-5);
}

TEST(DetailsPanel, TemperatureIsShown) {
    core::Config config = catConfig();
    config.temperature = 2.0f;
    const auto result = run(config);
    DetailsPanel panel;
    panel.setRow(result, 0, 3, 0);
    const core::HeadTrace& head = result->trace->heads[0];
    const core::Matrix& headWeights = result->maps.weights[0];
    const QString text = panel.arithmeticText();
    EXPECT_QTEXT_CONTAINS(text, QStringLiteral("/T = ") + fmt(head.scores(3, 0) / 2.0) +
                                    QStringLiteral(" (T = 2)"));
    EXPECT_QTEXT_CONTAINS(text, QStringLiteral("softmax → ") + fmt(headWeights(3, 0)));
}

TEST(DetailsPanel, EachScoringFunctionHasItsFormula) {
    struct Case {
        core::ScoringFunction scoring;
        QString formula;
    };
    const Case cases[] = {
        {core::ScoringFunction::Dot, QStringLiteral("q·k = ")},
        {core::ScoringFunction::General, QStringLiteral("qᵀW_a k = ")},
        {core::ScoringFunction::Additive, QStringLiteral("vᵀ tanh(W₁q + W₂k) = ")},
        {core::ScoringFunction::Cosine, QStringLiteral("s·cos(q,k) = 10 × ")},
    };
    for (const Case& c : cases) {
        core::Config config = catConfig();
        config.scoring = c.scoring;
        const auto result = run(config);
        DetailsPanel panel;
        panel.setRow(result, 0, 2, 4);
        const QString text = panel.arithmeticText();
        EXPECT_TRUE(text.startsWith(c.formula)) << text.toStdString();
        EXPECT_FALSE(text.contains(QStringLiteral("/√"))) << text.toStdString();
        EXPECT_QTEXT_CONTAINS(text, fmt(result->trace->heads[0].scores(2, 4)));
        EXPECT_QTEXT_CONTAINS(text,
                              QStringLiteral("softmax → ") + fmt(result->maps.weights[0](2, 4)));
    }
}

TEST(DetailsPanel, NormaliserAndAlibiAppear) {
    core::Config config = catConfig();
    config.normalizer = core::Normalizer::Sparsemax;
    config.positional = core::PositionalEncoding::Alibi;
    const auto result = run(config);
    DetailsPanel panel;
    panel.setRow(result, 0, 4, 1);
    const core::HeadTrace& head = result->trace->heads[0];
    const core::Matrix& headWeights = result->maps.weights[0];
    const QString text = panel.arithmeticText();
    EXPECT_QTEXT_CONTAINS(text, QStringLiteral("+ ALiBi ") +
                                    fmt(head.logits(4, 1) - head.scores(4, 1)) +
                                    QStringLiteral(" = ") + fmt(head.logits(4, 1)));
    EXPECT_QTEXT_CONTAINS(text, QStringLiteral("sparsemax → ") + fmt(headWeights(4, 1)));
}

TEST(DetailsPanel, MaskedCellAndFullyMaskedRow) {
    core::Config config = catConfig();
    config.mask.kind = core::MaskKind::Custom;
    config.mask.blocked = {{1, 4}};
    for (int key = 0; key < 6; ++key)
        config.mask.blocked.emplace_back(3, key);
    const auto result = run(config);
    DetailsPanel panel;
    panel.setRow(result, 0, 1, 4);
    EXPECT_TRUE(panel.arithmeticText().endsWith(QStringLiteral("masked → 0")))
        << panel.arithmeticText().toStdString();
    EXPECT_DOUBLE_EQ(panel.barValues()[4], result->maps.weights[0](1, 4));
    EXPECT_EQ(panel.barValues()[4], 0.0);

    panel.setRow(result, 0, 3, -1);
    EXPECT_QTEXT_CONTAINS(panel.summaryText(), QStringLiteral("Every key is masked"));
    for (double value : panel.barValues())
        EXPECT_EQ(value, 0.0);
}

TEST(DetailsPanel, MeanArithmeticListsTheHeads) {
    const auto result = run(catConfig());
    DetailsPanel panel;
    panel.setRow(result, HeatmapView::MeanOfHeads, 2, 3);
    auto precise = [](double value) { return QString::number(value, 'f', 3); };
    EXPECT_EQ(panel.arithmeticText(), QStringLiteral("mean of 2 heads: (%1 + %2) / 2 = %3")
                                          .arg(precise(result->maps.weights[0](2, 3)),
                                               precise(result->maps.weights[1](2, 3)),
                                               precise(result->maps.mean[0](2, 3))));
    EXPECT_QTEXT_CONTAINS(panel.summaryText(), QStringLiteral("mean over 2 heads"));
}

TEST(DetailsPanel, InvalidSelectionClears) {
    const auto result = run(catConfig());
    DetailsPanel panel;
    panel.setRow(result, 0, 2, 1);
    EXPECT_FALSE(panel.barValues().isEmpty());
    panel.setRow(result, 0, 17, 1);
    EXPECT_TRUE(panel.barValues().isEmpty());
    EXPECT_TRUE(panel.arithmeticText().isEmpty());
    panel.setRow(nullptr, 0, 0, 0);
    EXPECT_TRUE(panel.summaryText().isEmpty());
    panel.setRow(result, 5, 0, 0); // no head 6
    EXPECT_TRUE(panel.barValues().isEmpty());
}

TEST(DetailsPanel, Renders) {
    const auto result = run(catConfig());
    DetailsPanel panel;
    panel.resize(460, 360);
    panel.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&panel));
    panel.setRow(result, 0, 1, 2);
    panel.plot()->replot();
    const QImage image = panel.grab().toImage();
    image.save(
        QDir(QStringLiteral(ATTNLAB_TEST_OUTPUT_DIR)).filePath(QStringLiteral("details_cat.png")));
    // The selected key's bar is orange at its middle.
    QCustomPlot* plot = panel.plot();
    const QPoint bar(qRound(plot->xAxis->coordToPixel(2)),
                     qRound(plot->yAxis->coordToPixel(result->maps.weights[0](1, 2) / 2)));
    const QColor pixel = plot->toPixmap().toImage().pixelColor(bar);
    EXPECT_GT(pixel.red(), 200);
    EXPECT_GT(pixel.green(), 100);
    EXPECT_LT(pixel.blue(), 60);
}

// A row of thousands of keys, hundreds per pixel column of the chart: every column the keys
// span is drawn, each as tall as the tallest key it holds, so the strongest key keeps its
// height and nothing rises above it.
TEST(DetailsPanel, AThousandKeyRowKeepsEachColumnsTallestBar) {
    core::Config config;
    config.tokenizer.mode = core::TokenizerMode::Whitespace;
    for (int i = 0; i < 3000; ++i)
        config.sentence += (i ? " w" : "w") + std::to_string(i);
    config.heads = 1;
    config.projection = core::ProjectionInit::Random;
    config.temperature = 0.2f; // a row of keys of many heights
    const auto result = run(config);
    DetailsPanel panel;
    panel.resize(460, 360);
    panel.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&panel));
    const int query = 7;
    panel.setRow(result, 0, query, -1);
    QCustomPlot* plot = panel.plot();
    plot->replot();
    const QImage image = plot->toPixmap().toImage();
    image.save(QDir(QStringLiteral(ATTNLAB_TEST_OUTPUT_DIR))
                   .filePath(QStringLiteral("details_3000_keys.png")));
    const core::Matrix& weights = result->maps.weights[0];
    Eigen::Index strongest = 0;
    const double top = weights.row(query).maxCoeff(&strongest);
    ASSERT_GT(top, 0.05);
    const QColor bar(0x31, 0x68, 0x8e);
    const auto isBar = [&](int x, int y) { return image.pixelColor(x, y) == bar; };
    // The tallest key's column is filled up to (nearly) its height and not above it.
    const int x = qFloor(plot->xAxis->coordToPixel(static_cast<double>(strongest)));
    EXPECT_TRUE(isBar(x, qRound(plot->yAxis->coordToPixel(top * 0.5))));
    EXPECT_TRUE(isBar(x, qRound(plot->yAxis->coordToPixel(top)) + 2));
    EXPECT_FALSE(isBar(x, qRound(plot->yAxis->coordToPixel(top)) - 3));
    // Each column of pixels is as tall as the tallest key that falls in it: filled a pixel below
    // that height wherever it is two pixels or more, empty three pixels above it.
    const int first = qFloor(plot->xAxis->coordToPixel(0.0));
    const int last = qFloor(plot->xAxis->coordToPixel(2999.0));
    std::vector<double> tallest(static_cast<std::size_t>(last - first + 1), 0.0);
    for (Eigen::Index key = 0; key < weights.cols(); ++key) {
        const int column = qFloor(plot->xAxis->coordToPixel(static_cast<double>(key))) - first;
        auto& height = tallest[static_cast<std::size_t>(column)];
        height = std::max(height, static_cast<double>(weights(query, key)));
    }
    const double foot = plot->yAxis->coordToPixel(0.0);
    int checked = 0;
    for (int column = first; column <= last; ++column) {
        const double height =
            plot->yAxis->coordToPixel(tallest[static_cast<std::size_t>(column - first)]);
        if (foot - height >= 2.0) {
            ++checked;
            EXPECT_TRUE(isBar(column, qRound(height) + 1)) << "column " << column;
        }
        EXPECT_FALSE(isBar(column, qRound(height) - 3)) << "column " << column;
    }
    EXPECT_GE(checked, 5);
}

// A masked key's column is hatched with thin diagonal lines, as masked heatmap cells are: some
// pixels of the hatch colour, on a diagonal grid, and none in the column of a key that is seen.
TEST(DetailsPanel, AMaskedKeysColumnIsHatched) {
    core::Config config = catConfig();
    config.mask.kind = core::MaskKind::Causal;
    const auto result = run(config);
    DetailsPanel panel;
    panel.resize(460, 360);
    panel.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&panel));
    panel.setRow(result, 0, 1, -1); // keys 2 to 5 are masked
    QCustomPlot* plot = panel.plot();
    plot->replot();
    const QImage image = plot->toPixmap().toImage();
    const QColor hatch = attnlab::ui::maskedHatchColor(attnlab::ui::ColorMap::Viridis);
    const int top = qRound(plot->yAxis->coordToPixel(0.9));
    const int bottom = qRound(plot->yAxis->coordToPixel(0.1));
    // Pixels of the hatch colour in the middle third of key `key`'s column, and those of them on
    // the lines x + y ≡ c (mod 8) of the most common c.
    const auto hatched = [&](int key) {
        const int centre = qRound(plot->xAxis->coordToPixel(key));
        const int half = qRound((plot->xAxis->coordToPixel(key + 0.3) - centre));
        std::array<int, 8> byDiagonal{};
        int total = 0, cells = 0;
        for (int y = top; y <= bottom; ++y)
            for (int x = centre - half; x <= centre + half; ++x) {
                ++cells;
                if (image.pixelColor(x, y) == hatch) {
                    ++total;
                    ++byDiagonal[static_cast<std::size_t>((x + y) % 8)];
                }
            }
        return std::tuple{total, *std::max_element(byDiagonal.begin(), byDiagonal.end()), cells};
    };
    for (const int key : {2, 5}) {
        const auto [total, onLines, cells] = hatched(key);
        EXPECT_GT(total, cells / 20) << "key " << key;
        EXPECT_LT(total, cells / 4) << "key " << key << ": filled rather than hatched";
        EXPECT_GE(onLines, total * 9 / 10) << "key " << key << ": not on diagonal lines";
    }
    EXPECT_EQ(std::get<0>(hatched(0)), 0);
}

// In a short chart with large text (presentation mode) the value label above the tallest bar
// still fits inside the chart: the headroom is measured in pixels, not as a share of the range.
TEST(DetailsPanel, TheTallestBarsLabelFitsInAShortChartWithLargeText) {
    const auto result = run(catConfig());
    DetailsPanel panel;
    panel.resize(600, 240);
    panel.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&panel));
    panel.setRow(result, 0, 1, 2);
    QCustomPlot* plot = panel.plot();
    plot->replot();
    // Then the text doubles (as presentation mode does): one replot must get it right, although
    // the larger tick labels shrink the axis rect in that very replot.
    QFont large = panel.font();
    large.setPointSizeF(large.pointSizeF() * 2);
    panel.setFont(large);
    plot->replot();
    const QVector<double> bars = panel.barValues();
    const double largest = *std::max_element(bars.begin(), bars.end());
    QCPItemText* tallest = nullptr;
    for (int i = 0; i < plot->itemCount(); ++i)
        if (auto* text = qobject_cast<QCPItemText*>(plot->item(i)))
            if (text->text() == QString::number(largest, 'f', 2))
                tallest = text;
    ASSERT_TRUE(tallest);
    const double labelTop =
        plot->yAxis->coordToPixel(largest) - QFontMetricsF(tallest->font()).height() - 2;
    EXPECT_GE(labelTop, plot->axisRect()->top() - 0.5)
        << "the label of " << largest << " is cut off at the top";
    // The weight ticks' labels do not run into each other.
    const QVector<double> ticks = plot->yAxis->tickVector();
    ASSERT_GE(ticks.size(), 2);
    const double tickLabel = QFontMetricsF(plot->yAxis->tickLabelFont()).height();
    for (int i = 1; i < ticks.size(); ++i)
        EXPECT_GE(
            std::abs(plot->yAxis->coordToPixel(ticks[i]) - plot->yAxis->coordToPixel(ticks[i - 1])),
            tickLabel)
            << ticks[i - 1] << " and " << ticks[i];
}

} // namespace test_details_panel
