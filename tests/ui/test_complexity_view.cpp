// ComplexityView: a run draws one graph per kind with the core's numbers, dense stops at the
// memory budget with the note shown, Cancel stops a run, the newest run wins, the CSV is the
// command line's for the same settings, and bad settings are refused inline.

#include "ui/complexity_view.h"
#include "ui/heatmap_view.h"

#include "app/complexity_command.h"
#include "core/efficient/complexity_report.h"

#include <qcustomplot.h>

#include <gtest/gtest.h>

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

#include <sstream>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_complexity_view {

using namespace attnlab;
using attnlab::ui::ComplexityView;

namespace {

// Small settings: every kind, lengths that finish in well under a second.
void setSmall(ComplexityView& view, const QString& sizes) {
    view.sizesEdit()->setText(sizes);
    view.dKBox()->setValue(8);
    view.headsBox()->setValue(1);
    view.otherKindsEdit()->setText(QStringLiteral("dilated:4:2"));
}

bool waitForFinish(QSignalSpy& spy) {
    return spy.count() > 0 || spy.wait(60000);
}

std::vector<std::string> csvFields(const std::string& line) {
    std::vector<std::string> fields(1);
    bool quoted = false;
    for (char c : line) {
        if (c == '"')
            quoted = !quoted;
        else if (c == ',' && !quoted)
            fields.emplace_back();
        else
            fields.back() += c;
    }
    return fields;
}

// The CSV without the columns that are measured times or memory (they differ run to run).
std::vector<std::vector<std::string>> deterministicColumns(const std::string& csv) {
    std::vector<std::vector<std::string>> rows;
    std::istringstream in(csv);
    std::string line;
    std::vector<std::string> header;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        const std::vector<std::string> fields = csvFields(line);
        if (header.empty())
            header = fields;
        std::vector<std::string> kept;
        for (std::size_t i = 0; i < fields.size() && i < header.size(); ++i)
            if (header[i] != "seconds" && header[i] != "repetitions" && header[i] != "peak_bytes" &&
                header[i] != "time_slope" && header[i] != "memory_slope" && header[i] != "note")
                kept.push_back(fields[i]);
        rows.push_back(kept);
    }
    return rows;
}

std::string readAll(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll().toStdString();
}

} // namespace

TEST(ComplexityView, RunShowsOneGraphPerKindWithTheCoresNumbers) {
    ComplexityView view;
    setSmall(view, QStringLiteral("64,128,256"));
    view.resize(1100, 900);
    view.show();
    QSignalSpy finished(&view, &ComplexityView::runFinished);
    ASSERT_TRUE(view.run());
    EXPECT_TRUE(view.isRunning());
    EXPECT_TRUE(view.cancelButton()->isEnabled());
    ASSERT_TRUE(waitForFinish(finished));
    ASSERT_TRUE(view.result().has_value());
    const core::ComplexityResult& result = *view.result();
    // dense, tiled, window:32, block:64, linear:elu and the typed dilated:4:2
    ASSERT_EQ(result.series.size(), 6u);
    ASSERT_EQ(view.timePlot()->graphCount(), 6);
    ASSERT_EQ(view.memoryPlot()->graphCount(), 6);
    EXPECT_EQ(view.timePlot()->xAxis->scaleType(), QCPAxis::stLogarithmic);
    EXPECT_EQ(view.timePlot()->yAxis->scaleType(), QCPAxis::stLogarithmic);
    for (int k = 0; k < 6; ++k) {
        const core::ComplexitySeries& series = result.series[static_cast<std::size_t>(k)];
        QCPGraph* graph = view.timePlot()->graph(k);
        EXPECT_TRUE(graph->name().startsWith(QString::fromStdString(series.kind.label)))
            << graph->name().toStdString();
        if (!std::isnan(series.timeSlope.slope)) {
            EXPECT_TRUE(graph->name().contains(QString::number(series.timeSlope.slope, 'f', 2)))
                << graph->name().toStdString();
        }
        std::vector<std::pair<double, double>> expected;
        for (const core::ComplexityPoint& p : series.points)
            if (p.measured && p.seconds > 0)
                expected.emplace_back(p.n, p.seconds);
        ASSERT_EQ(graph->data()->size(), static_cast<int>(expected.size()));
        int i = 0;
        for (auto it = graph->data()->constBegin(); it != graph->data()->constEnd(); ++it, ++i) {
            EXPECT_EQ(it->key, expected[static_cast<std::size_t>(i)].first);
            EXPECT_EQ(it->value, expected[static_cast<std::size_t>(i)].second);
        }
    }
    EXPECT_EQ(view.progressBar()->value(), view.progressBar()->maximum());
    EXPECT_FALSE(view.isRunning());
    // Every kind the core compared with exact attention has a row with its numbers: at least
    // the approximate ones (window, block, linear, dilated).
    int compared = 0;
    for (const core::ComplexitySeries& series : result.series) {
        if (!series.error)
            continue;
        ASSERT_LT(compared, view.errorTable()->rowCount());
        EXPECT_EQ(view.errorTable()->item(compared, 0)->text().toStdString(), series.kind.label);
        EXPECT_EQ(view.errorTable()->item(compared, 4)->text(),
                  ui::HeatmapView::formatNumber(series.error->maxOutputDifference));
        ++compared;
    }
    EXPECT_GE(compared, 4);
    EXPECT_EQ(view.errorTable()->rowCount(), compared);
    EXPECT_EQ(view.tutorialTable()->rowCount(), 3);
    // One sentence about time per kind, from the core's findings.
    for (const core::ComplexitySeries& series : result.series)
        EXPECT_TRUE(view.verdictLabel()->text().contains(
            QStringLiteral("<b>%1</b>").arg(QString::fromStdString(series.kind.label))));
    EXPECT_FALSE(view.findings().empty());
}

TEST(ComplexityView, DenseStopsAtTheBudgetWithANote) {
    ComplexityView view;
    for (const char* family : {"tiled", "window", "block", "linear"})
        view.kindBox(QString::fromLatin1(family))->setChecked(false);
    view.sizesEdit()->setText(QStringLiteral("128,1024"));
    view.dKBox()->setValue(8);
    view.budgetBox()->setValue(1); // 1 MiB: 1024² weights (4 MiB) do not fit
    QSignalSpy finished(&view, &ComplexityView::runFinished);
    ASSERT_TRUE(view.run());
    ASSERT_TRUE(waitForFinish(finished));
    const core::ComplexitySeries& dense = view.result()->series.at(0);
    ASSERT_EQ(dense.points.size(), 2u);
    EXPECT_TRUE(dense.points[0].measured);
    EXPECT_FALSE(dense.points[1].measured);
    EXPECT_EQ(view.timePlot()->graph(0)->data()->size(), 1);
    ASSERT_FALSE(dense.notes.empty());
    bool shown = false;
    for (QLabel* label : view.findChildren<QLabel*>())
        if (label->text().contains(QString::fromStdString(dense.notes.front())))
            shown = label->isVisibleTo(&view);
    EXPECT_TRUE(shown) << "the budget note is on the page";
}

TEST(ComplexityView, CancelStopsARun) {
    ComplexityView view;
    // Long enough that it cannot finish between Run and Cancel: tiled exact attention up to
    // 131,072 tokens would take many seconds.
    for (const char* family : {"dense", "window", "block", "linear"})
        view.kindBox(QString::fromLatin1(family))->setChecked(false);
    view.sizesEdit()->setText(QStringLiteral("64,128,256,512,1024,8192,32768,131072"));
    QSignalSpy cancelled(&view, &ComplexityView::runCancelled);
    QSignalSpy finished(&view, &ComplexityView::runFinished);
    ASSERT_TRUE(view.run());
    view.cancel();
    ASSERT_TRUE(cancelled.wait(60000));
    EXPECT_EQ(finished.count(), 0);
    EXPECT_FALSE(view.isRunning());
    EXPECT_FALSE(view.cancelButton()->isEnabled());
    EXPECT_FALSE(view.result().has_value()) << "no measurement was delivered";
}

TEST(ComplexityView, NewestRunWins) {
    ComplexityView view;
    setSmall(view, QStringLiteral("64,65536,131072"));
    for (const char* family : {"dense", "window", "block", "linear"})
        view.kindBox(QString::fromLatin1(family))->setChecked(false);
    QSignalSpy finished(&view, &ComplexityView::runFinished);
    QSignalSpy cancelled(&view, &ComplexityView::runCancelled);
    ASSERT_TRUE(view.run());
    view.sizesEdit()->setText(QStringLiteral("32,64"));
    ASSERT_TRUE(view.run());
    ASSERT_TRUE(waitForFinish(finished));
    EXPECT_EQ(cancelled.count(), 0) << "a replaced run is dropped silently";
    ASSERT_TRUE(view.result().has_value());
    EXPECT_EQ(view.result()->config.sizes, (std::vector<int>{32, 64}));
    QCoreApplication::processEvents();
    EXPECT_EQ(finished.count(), 1);
}

TEST(ComplexityView, CsvIsTheCommandsCsvForTheSameSettings) {
    ComplexityView view;
    setSmall(view, QStringLiteral("32,64,128"));
    QSignalSpy finished(&view, &ComplexityView::runFinished);
    ASSERT_TRUE(view.run());
    ASSERT_TRUE(waitForFinish(finished));
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    const QString pagePath = dir.filePath(QStringLiteral("page.csv"));
    QString error;
    ASSERT_TRUE(view.exportCsv(pagePath, &error)) << error.toStdString();
    const std::string pageCsv = readAll(pagePath);
    EXPECT_EQ(pageCsv, core::complexityCsv(*view.result()));

    // The page's settings are the command's, option for option.
    std::vector<std::string> args;
    for (const QString& arg : view.commandArguments())
        args.push_back(arg.toStdString());
    const app::ComplexityOptions options = app::parseComplexityArguments(args);
    const core::ComplexityConfig& page = view.result()->config;
    ASSERT_EQ(options.config.kinds.size(), page.kinds.size());
    for (std::size_t k = 0; k < page.kinds.size(); ++k)
        EXPECT_EQ(options.config.kinds[k].label, page.kinds[k].label);
    EXPECT_EQ(options.config.sizes, page.sizes);
    EXPECT_EQ(options.config.dK, page.dK);
    EXPECT_EQ(options.config.heads, page.heads);
    EXPECT_EQ(options.config.seed, page.seed);
    EXPECT_EQ(options.config.denseBudgetBytes, page.denseBudgetBytes);
    EXPECT_EQ(options.config.minSecondsPerPoint, page.minSecondsPerPoint);
    EXPECT_EQ(options.config.maxSecondsPerPoint, page.maxSecondsPerPoint);
    EXPECT_EQ(options.config.errorN, page.errorN);
    EXPECT_EQ(options.config.slopeMinN, page.slopeMinN);

    // The command's CSV for these settings: the same rows, cells and errors (times differ).
    const QString commandPath = dir.filePath(QStringLiteral("command.csv"));
    args.push_back("--csv");
    args.push_back(commandPath.toStdString());
    std::ostringstream out, err;
    ASSERT_EQ(app::runComplexityCommand(args, out, err), 0) << err.str();
    const std::string commandCsv = readAll(commandPath);
    EXPECT_EQ(csvFields(commandCsv.substr(0, commandCsv.find('\n'))),
              csvFields(pageCsv.substr(0, pageCsv.find('\n'))))
        << "the same header";
    EXPECT_EQ(deterministicColumns(pageCsv), deterministicColumns(commandCsv));
}

TEST(ComplexityView, ChartExportsAsPngAndSvg) {
    ComplexityView view;
    setSmall(view, QStringLiteral("32,64"));
    QSignalSpy finished(&view, &ComplexityView::runFinished);
    ASSERT_TRUE(view.run());
    ASSERT_TRUE(waitForFinish(finished));
    QTemporaryDir dir;
    QString error;
    const QString png = dir.filePath(QStringLiteral("chart.png"));
    ASSERT_TRUE(view.exportChart(png, &error)) << error.toStdString();
    QImage image(png);
    EXPECT_FALSE(image.isNull());
    const QString svg = dir.filePath(QStringLiteral("chart.svg"));
    ASSERT_TRUE(view.exportChart(svg, &error)) << error.toStdString();
    EXPECT_NE(readAll(svg).find("<svg"), std::string::npos);
    EXPECT_FALSE(view.exportChart(dir.filePath(QStringLiteral("chart.txt")), &error));
    EXPECT_FALSE(error.isEmpty());
}

TEST(ComplexityView, BadInputIsRefusedInline) {
    ComplexityView view;
    view.show();
    QSignalSpy finished(&view, &ComplexityView::runFinished);

    view.sizesEdit()->setText(QString());
    EXPECT_FALSE(view.run());
    EXPECT_FALSE(view.isRunning());
    EXPECT_TRUE(view.inputMessage()->isVisible());
    EXPECT_TRUE(view.inputMessage()->text().contains(QStringLiteral("Lengths")));

    view.sizesEdit()->setText(QStringLiteral("1,256"));
    EXPECT_FALSE(view.run());
    EXPECT_TRUE(view.inputMessage()->text().contains(QStringLiteral("1")));

    view.sizesEdit()->setText(QStringLiteral("64,abc"));
    EXPECT_FALSE(view.run());
    EXPECT_TRUE(view.inputMessage()->isVisible());

    view.sizesEdit()->setText(QStringLiteral("64"));
    for (const char* family : {"dense", "tiled", "window", "block", "linear"})
        view.kindBox(QString::fromLatin1(family))->setChecked(false);
    EXPECT_FALSE(view.run());
    EXPECT_TRUE(view.inputMessage()->isVisible());

    view.otherKindsEdit()->setText(QStringLiteral("nonsense"));
    EXPECT_FALSE(view.run());
    EXPECT_TRUE(view.inputMessage()->text().contains(QStringLiteral("nonsense")));
    EXPECT_FALSE(view.isRunning());
    EXPECT_EQ(finished.count(), 0);

    // Good settings clear the message.
    view.otherKindsEdit()->setText(QStringLiteral("window:4"));
    ASSERT_TRUE(view.run());
    EXPECT_FALSE(view.inputMessage()->isVisible());
    ASSERT_TRUE(waitForFinish(finished));
}

} // namespace test_complexity_view
