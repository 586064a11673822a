#include "figure_export.h"

#include "color_bar.h"
#include "core_text.h"
#include "details_panel.h"
#include "heatmap_view.h"
#include "label_metrics.h"
#include "model_grid.h"
#include "plot_setup.h"
#include "qt_message_collector.h"

#include "core/attention/normalizer.h"
#include "core/attention/options.h"
#include "core/attention/scoring.h"
#include "core/base/memory.h"
#include "core/io/data_export.h"

#include <qcustomplot.h>

#include <QApplication>
#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QFontMetricsF>
#include <QIODevice>
#include <QImageWriter>
#include <QPageSize>
#include <QPdfWriter>
#include <QSvgGenerator>

#include <algorithm>
#include <cmath>
#include <exception>
#include <new>
#include <string_view>

namespace attnlab::ui {
namespace {

constexpr double kFigureMargin = 16;           // around the figure
constexpr double kPanelGap = 8;                // between panels
constexpr double kUnitsPerPoint = 96.0 / 72.0; // logical pixels per point (SVG, PDF)
constexpr int kFigureLabelChars = 16;          // as the heatmaps elide token labels

// Translation context of the texts drawn into figures and of export errors.
class FigureExport {
    Q_DECLARE_TR_FUNCTIONS(FigureExport)
};

// A QIODevice over an AtomicFile, so that Qt's encoders stream into the file. A failed write is
// kept and rethrown after encoding (Qt's writers only see -1).
class AtomicFileDevice : public QIODevice {
public:
    explicit AtomicFileDevice(core::AtomicFile& file) : m_file(file) {}
    qint64 written() const { return m_written; }
    void rethrow() const {
        if (m_error)
            std::rethrow_exception(m_error);
    }

protected:
    qint64 readData(char*, qint64) override { return -1; }
    qint64 writeData(const char* data, qint64 size) override {
        if (m_error)
            return -1;
        try {
            m_file.write(std::string_view(data, static_cast<std::size_t>(size)));
        } catch (...) {
            m_error = std::current_exception();
            return -1;
        }
        m_written += size;
        return size;
    }

private:
    core::AtomicFile& m_file;
    std::exception_ptr m_error;
    qint64 m_written = 0;
};

QFont baseFont() {
    return HeatmapView::tokenFont(QApplication::font());
}

// The heads a figure shows, in order.
QVector<int> panelHeads(const core::ModelOutput& result, const FigureOptions& options) {
    const int heads = result.maps.heads;
    switch (options.content) {
    case FigureContent::Grid: {
        QVector<int> list;
        for (int h = 0; h < heads; ++h)
            list.append(h);
        if (heads > 1)
            list.append(kMeanOfHeads);
        return list;
    }
    case FigureContent::Combined:
        return {kMeanOfHeads};
    case FigureContent::Max:
        return {kMaxOfHeads};
    case FigureContent::Head:
    case FigureContent::Details:
        return {options.head};
    case FigureContent::Model:
        return {}; // thumbnails, not heatmap panels
    }
    return {};
}

void checkRequest(const core::ModelOutput& result, const FigureOptions& options) {
    const int heads = result.maps.heads;
    if (heads == 0)
        throw core::InputError(FigureExport::tr("there is nothing to draw").toStdString());
    if (options.content == FigureContent::Model && result.maps.layers < 2)
        throw core::InputError(FigureExport::tr("the model view draws every layer × head of a "
                                                "model of several layers; this result has one "
                                                "layer (draw its heads with the grid instead)")
                                   .toStdString());
    const bool headFigure =
        options.content == FigureContent::Head || options.content == FigureContent::Details;
    if (headFigure && !weightsOf(result, options.layer, options.head))
        throw core::InputError(FigureExport::tr("head %1 does not exist; the result has %2 heads")
                                   .arg(options.head + 1)
                                   .arg(heads)
                                   .toStdString());
    if (options.content == FigureContent::Details &&
        (options.query < 0 || options.query >= static_cast<int>(result.maps.queryTokens.size())))
        throw core::InputError(
            FigureExport::tr("query row %1 does not exist; the sentence has %2 tokens")
                .arg(options.query + 1)
                .arg(result.maps.queryTokens.size())
                .toStdString());
}

bool sharedBar(const FigureOptions& options) {
    return options.colorBar && options.colorScale != ColorScale::PerHead &&
           options.content != FigureContent::Details;
}

double scaleTop(const core::ModelOutput& result, const FigureOptions& options) {
    if (options.content == FigureContent::Model)
        return modelGridScaleTop(result, options.colorScale);
    return options.colorScale == ColorScale::Fitted
               ? largestWeight(result, options.layer, panelHeads(result, options))
               : 1.0;
}

struct TitleFonts {
    QFont sentence;
    QFont settings;
};

TitleFonts titleFonts() {
    TitleFonts fonts{baseFont(), baseFont()};
    fonts.sentence.setPointSizeF(fonts.sentence.pointSizeF() * 1.25);
    fonts.sentence.setBold(true);
    return fonts;
}

// A transformer's figure names the model and what of it is shown: its own settings are fixed.
QString modelStamp(const core::ModelOutput& result, const FigureOptions& options) {
    const core::TransformerDescription& model = *result.transformer;
    QStringList parts;
    parts << FigureExport::tr("%1 (%2)").arg(qs(result.model), qs(model.architecture));
    if (options.content == FigureContent::Head && options.head == core::kRollout)
        parts << FigureExport::tr("rollout over %1 layers").arg(model.layers);
    else if (options.content == FigureContent::Model)
        parts << FigureExport::tr("every layer (rows) × head (columns)");
    else
        parts << FigureExport::tr("layer %1 of %2").arg(options.layer + 1).arg(model.layers);
    parts << FigureExport::tr("%1 heads, d_model %2").arg(model.heads).arg(model.dModel);
    return QStringLiteral("“%1”").arg(qs(result.config.sentence)) + QLatin1Char('\n') +
           parts.join(QStringLiteral(" · "));
}

QString titleText(const core::ModelOutput& result, const FigureOptions& options) {
    if (!options.titleText.isEmpty())
        return options.titleText;
    return result.transformer ? modelStamp(result, options) : settingsStamp(result);
}

// The settings line wraps at the figure's width rather than losing its end: all of it is
// needed to reproduce the figure.
// The lines under the sentence: the settings in words, wrapped at spaces, then the command line,
// broken only between its options so that each "--name value" stays whole and can be copied.
QString settingsBlock(const QStringList& lines, double width) {
    if (lines.size() < 3)
        return lines.mid(1).join(QLatin1Char('\n'));
    const QFontMetricsF metrics(titleFonts().settings);
    QStringList options;
    for (const QString& word : lines[2].split(QLatin1Char(' '))) {
        if (word.startsWith(QLatin1String("--")) || options.isEmpty())
            options << word;
        else
            options.last() += QLatin1Char(' ') + word;
    }
    QString command, current;
    for (const QString& option : std::as_const(options)) {
        const QString longer = current.isEmpty() ? option : current + QLatin1Char(' ') + option;
        if (!current.isEmpty() && metrics.horizontalAdvance(longer) > width) {
            command += current + QLatin1Char('\n');
            current = option;
        } else {
            current = longer;
        }
    }
    return lines[1] + QLatin1Char('\n') + command + current;
}

double settingsLinesHeight(const QString& settings, double width) {
    const QFontMetricsF metrics(titleFonts().settings);
    return metrics
        .boundingRect(QRectF(0, 0, std::max(width, 50.0), 1e6), Qt::AlignLeft | Qt::TextWordWrap,
                      settings)
        .height();
}

double titleHeight(const core::ModelOutput& result, const FigureOptions& options, double width) {
    if (!options.title)
        return 0;
    const QStringList lines = titleText(result, options).split(QLatin1Char('\n'));
    return QFontMetricsF(titleFonts().sentence).height() + 4 +
           settingsLinesHeight(settingsBlock(lines, width), width) + 10;
}

double widestLabel(const std::vector<core::MapToken>& tokens, const QFont& font) {
    const QFontMetricsF metrics(font);
    const double cap = metrics.averageCharWidth() * kFigureLabelChars;
    double widest = 0;
    for (const core::MapToken& token : tokens)
        widest = std::max(widest, metrics.horizontalAdvance(QString::fromStdString(token.text)));
    return std::min(widest, cap);
}

// One heatmap panel's natural size: cells big enough for their numbers when there are few
// tokens, the whole matrix about 560 pixels across when there are many.
QSizeF naturalPanelSize(const core::ModelOutput& result, const FigureOptions& options) {
    const QFont font = baseFont();
    const QFontMetricsF metrics(font);
    const int nq = static_cast<int>(result.maps.queryTokens.size());
    const int nk = static_cast<int>(result.maps.keyTokens.size());
    const int n = std::max(nq, nk);
    const double cell = n <= kAutoValuesMaxTokens ? 32.0 : std::clamp(480.0 / n, 2.0, 32.0);
    const double queryWidth = widestLabel(result.maps.queryTokens, font);
    const double keyWidth = widestLabel(result.maps.keyTokens, font);
    // Heights of the fonts that draw the labels and the axis titles (CJK fallbacks are taller).
    QStringList labels;
    for (const auto* tokens : {&result.maps.queryTokens, &result.maps.keyTokens})
        for (const core::MapToken& token : *tokens)
            labels.append(QString::fromStdString(token.text));
    const double line = std::max(metrics.height(), labelLineMetrics(font, labels).height());
    const double title = std::max(
        metrics.height(),
        labelLineMetrics(font, {HeatmapView::tr("Key"), HeatmapView::tr("Query")}).height());
    const double left = queryWidth + line + title + 16;
    const double bottom =
        keyWidth + 6 <= cell ? line + title + 16 : (keyWidth + line) * 0.7071 + title + 18;
    const double right = options.colorScale == ColorScale::PerHead && options.colorBar ? 90 : 14;
    const double top = title + 22;
    return {std::max(240.0, left + nk * cell + right), std::max(200.0, top + nq * cell + bottom)};
}

int gridColumns(int count) {
    return std::max(1, static_cast<int>(std::ceil(std::sqrt(static_cast<double>(count)))));
}

std::shared_ptr<const core::ModelOutput> borrowed(const core::ModelOutput& result) {
    // The views keep a shared_ptr; this one does not own, and lives no longer than the call.
    return std::shared_ptr<const core::ModelOutput>(&result, [](const core::ModelOutput*) {});
}

void drawTitle(QCPPainter& painter, const QRectF& area, const core::ModelOutput& result,
               const FigureOptions& options) {
    const TitleFonts fonts = titleFonts();
    const QStringList lines = titleText(result, options).split(QLatin1Char('\n'));
    const double first = QFontMetricsF(fonts.sentence).height();
    painter.save();
    painter.setPen(kChartTextColor);
    painter.setFont(fonts.sentence);
    painter.drawText(
        QRectF(area.left(), area.top(), area.width(), first), Qt::AlignLeft | Qt::AlignVCenter,
        QFontMetricsF(fonts.sentence).elidedText(lines.value(0), Qt::ElideRight, area.width()));
    painter.setFont(fonts.settings);
    painter.setPen(QColor(0x55, 0x55, 0x55));
    painter.drawText(
        QRectF(area.left(), area.top() + first + 4, area.width(), area.height() - first - 4),
        Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap, settingsBlock(lines, area.width()));
    painter.restore();
}

void drawDetails(QCPPainter& painter, const QRectF& area, const core::ModelOutput& result,
                 const FigureOptions& options) {
    DetailsPanel panel;
    panel.setRow(borrowed(result), options.head, options.query, options.key);
    const QFont font = baseFont();
    const QFontMetricsF metrics(font);
    QStringList lines = panel.summaryText().split(QLatin1Char('\n'));
    if (!panel.arithmeticText().isEmpty())
        lines += panel.arithmeticText().split(QLatin1Char('\n'));
    double y = area.top();
    painter.save();
    painter.setFont(font);
    painter.setPen(kChartTextColor);
    for (const QString& line : std::as_const(lines)) {
        painter.drawText(QRectF(area.left(), y, area.width(), metrics.height()),
                         Qt::AlignLeft | Qt::AlignVCenter,
                         metrics.elidedText(line, Qt::ElideRight, area.width()));
        y += metrics.height();
    }
    painter.restore();
    y += 6;
    const QSize plotSize(static_cast<int>(area.width()), static_cast<int>(area.bottom() - y));
    if (plotSize.height() < 40)
        return;
    painter.save();
    painter.translate(area.left(), y);
    panel.renderTo(&painter, plotSize);
    painter.restore();
}

QSizeF naturalDetailsSize(const core::ModelOutput& result) {
    const double nk = static_cast<double>(result.maps.keyTokens.size());
    return {std::clamp(80 + nk * 56, 480.0, 1600.0) + 2 * kFigureMargin, 380 + 2 * kFigureMargin};
}

} // namespace

std::optional<ImageFormat> imageFormatForPath(const QString& path) {
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == QLatin1String("png"))
        return ImageFormat::Png;
    if (suffix == QLatin1String("svg"))
        return ImageFormat::Svg;
    if (suffix == QLatin1String("pdf"))
        return ImageFormat::Pdf;
    return std::nullopt;
}

namespace {

// A choice as the window's controls name it, in the interface language ("Causal", "因果").
QString controlText(const char* text) {
    return QCoreApplication::translate("attnlab::ui::ControlsPanel", text).toLower();
}

QString maskText(const core::MaskSpec& mask) {
    switch (mask.kind) {
    case core::MaskKind::None:
        return controlText(QT_TRANSLATE_NOOP("attnlab::ui::ControlsPanel", "None"));
    case core::MaskKind::Causal:
        return controlText(QT_TRANSLATE_NOOP("attnlab::ui::ControlsPanel", "Causal"));
    case core::MaskKind::Padding:
        return controlText(QT_TRANSLATE_NOOP("attnlab::ui::ControlsPanel", "Padding")) +
               QStringLiteral(" %1").arg(mask.padLength);
    case core::MaskKind::Window:
        return controlText(QT_TRANSLATE_NOOP("attnlab::ui::ControlsPanel", "Sliding window")) +
               QStringLiteral(" %1").arg(mask.window);
    case core::MaskKind::Custom:
        return controlText(QT_TRANSLATE_NOOP("attnlab::ui::ControlsPanel", "Custom"));
    default:
        return qs(core::toString(mask)); // the efficient patterns keep their technical names
    }
}

QString projectionText(core::ProjectionInit projection) {
    switch (projection) {
    case core::ProjectionInit::Identity:
        return controlText(QT_TRANSLATE_NOOP("attnlab::ui::ControlsPanel", "Identity slices"));
    case core::ProjectionInit::Random:
        return controlText(QT_TRANSLATE_NOOP("attnlab::ui::ControlsPanel", "Random (seeded)"));
    case core::ProjectionInit::Manual:
        return controlText(QT_TRANSLATE_NOOP("attnlab::ui::ControlsPanel", "Manual"));
    }
    return qs(core::toString(projection));
}

// The command line that draws the same figure (its option names are the same in every
// language), without the sentence, which the first line holds.
QString commandLineOf(const core::Config& c) {
    QStringList options;
    auto add = [&](const char* name, const QString& value) {
        options << QLatin1String(name) + QLatin1Char(' ') + value;
    };
    add("--scoring", qs(core::toString(c.scoring)));
    add("--normalizer", qs(core::toString(c.normalizer)));
    add("--heads", QString::number(c.heads));
    add("--d-model", QString::number(c.dModel));
    if (c.dK > 0)
        add("--d-k", QString::number(c.dK));
    add("--mask", c.mask.kind == core::MaskKind::Custom ? QStringLiteral("custom:FILE")
                                                        : qs(core::toString(c.mask)));
    add("--temperature", QString::number(static_cast<double>(c.temperature), 'g', 6));
    if (c.positional != core::PositionalEncoding::None)
        add("--positional", qs(core::toString(c.positional)));
    if (c.projection != core::ProjectionInit::Manual)
        add("--projection", qs(core::toString(c.projection)));
    add("--seed", QString::number(static_cast<qulonglong>(c.seed)));
    if (c.scoring == core::ScoringFunction::Cosine)
        add("--cosine-scale", QString::number(static_cast<double>(c.cosineScale), 'g', 6));
    if (c.tokenizer.mode != core::TokenizerMode::Word)
        add("--tokenizer", qs(core::toString(c.tokenizer.mode)));
    if (c.embeddings == core::EmbeddingSource::File)
        add("--embeddings", QFileInfo(qs(c.embeddingsPath)).fileName());
    return options.join(QLatin1Char(' '));
}

} // namespace

QString settingsStamp(const core::ModelOutput& result) {
    const core::Config& c = result.config;
    QString sentence = QStringLiteral("“%1”").arg(qs(c.sentence));
    if (result.maps.cross)
        sentence += QStringLiteral("  ←  “%1”").arg(qs(c.source));
    // The settings in the interface language, with the names the controls give them.
    QStringList parts;
    parts << coreText(core::scoringEntry(c.scoring).label).simplified()
          << coreText(core::normalizerEntry(c.normalizer).label);
    parts << (c.heads == 1 ? FigureExport::tr("1 head (d_k %1)")
                           : FigureExport::tr("%1 heads (d_k %2)").arg(c.heads))
                 .arg(result.config.dK);
    parts << FigureExport::tr("mask %1").arg(maskText(c.mask));
    parts << QStringLiteral("T = %1").arg(static_cast<double>(c.temperature), 0, 'g', 4);
    if (c.positional != core::PositionalEncoding::None)
        parts << qs(core::toString(c.positional));
    parts << FigureExport::tr("%1 projection").arg(projectionText(c.projection));
    if (c.projection == core::ProjectionInit::Random ||
        c.scoring == core::ScoringFunction::Additive || c.scoring == core::ScoringFunction::General)
        parts << FigureExport::tr("seed %1").arg(static_cast<qulonglong>(c.seed));
    if (c.scoring == core::ScoringFunction::Cosine)
        parts << QStringLiteral("s = %1").arg(static_cast<double>(c.cosineScale), 0, 'g', 4);
    switch (c.embeddings) {
    case core::EmbeddingSource::Builtin:
        parts << FigureExport::tr("built-in embeddings, d_model %1").arg(c.dModel);
        break;
    case core::EmbeddingSource::File:
        parts << FigureExport::tr("embeddings %1").arg(QFileInfo(qs(c.embeddingsPath)).fileName());
        break;
    case core::EmbeddingSource::Manual:
        parts << FigureExport::tr("manual embeddings");
        break;
    }
    return sentence + QLatin1Char('\n') + parts.join(QStringLiteral(" · ")) + QLatin1Char('\n') +
           commandLineOf(c);
}

namespace {

// The natural size before trimming: every part at its estimated size, with the outer margin.
QSizeF untrimmedSize(const core::ModelOutput& result, const FigureOptions& options) {
    checkRequest(result, options);
    if (options.content == FigureContent::Details) {
        QSizeF size = naturalDetailsSize(result);
        size.rheight() += std::ceil(titleHeight(result, options, size.width() - 2 * kFigureMargin));
        return size;
    }
    // A model figure is one panel: its grid of thumbnails.
    const int count = std::max(1, static_cast<int>(panelHeads(result, options).size()));
    const int columns = gridColumns(count);
    const int rows = (count + columns - 1) / columns;
    const QSizeF panel = options.content == FigureContent::Model
                             ? naturalModelFigureGrid(result, baseFont())
                             : naturalPanelSize(result, options);
    double width = columns * panel.width() + (columns - 1) * kPanelGap + 2 * kFigureMargin;
    double height = rows * panel.height() + (rows - 1) * kPanelGap + 2 * kFigureMargin;
    if (sharedBar(options))
        width += colorBarSize(baseFont(), 0.0, scaleTop(result, options)).width() + kPanelGap;
    height += titleHeight(result, options, width - 2 * kFigureMargin);
    return {std::ceil(width), std::ceil(height)};
}

FigureLayout layoutAt(const core::ModelOutput& result, const FigureOptions& options,
                      const QSizeF& size) {
    FigureLayout layout;
    layout.scaleTop = scaleTop(result, options);
    QRectF area(kFigureMargin, kFigureMargin, size.width() - 2 * kFigureMargin,
                size.height() - 2 * kFigureMargin);
    if (options.title) {
        const double height = titleHeight(result, options, area.width());
        layout.title = QRectF(area.left(), area.top(), area.width(), height - 6);
        area.setTop(area.top() + height);
    }
    if (options.content == FigureContent::Details) {
        layout.details = area;
        return layout;
    }
    if (sharedBar(options)) {
        const QSizeF bar = colorBarSize(baseFont(), 0.0, layout.scaleTop);
        const double barHeight = std::min(area.height(), std::max(bar.height(), 420.0));
        layout.colorBar =
            QRectF(area.right() - bar.width(), area.top() + (area.height() - barHeight) / 2,
                   bar.width(), barHeight);
        area.setRight(area.right() - bar.width() - kPanelGap);
    }
    if (options.content == FigureContent::Model) {
        layout.modelGrid = area;
        return layout;
    }
    const QVector<int> heads = panelHeads(result, options);
    const int columns = gridColumns(static_cast<int>(heads.size()));
    const int rows = (static_cast<int>(heads.size()) + columns - 1) / columns;
    // Whole pixels: each panel is drawn by a plot of an integer size.
    const double panelWidth = std::floor((area.width() - (columns - 1) * kPanelGap) / columns);
    const double panelHeight = std::floor((area.height() - (rows - 1) * kPanelGap) / rows);
    if (panelWidth < 40 || panelHeight < 40)
        return layout; // too small to draw anything readable
    for (int i = 0; i < heads.size(); ++i) {
        const double x = area.left() + (i % columns) * (panelWidth + kPanelGap);
        const double y = area.top() + (i / columns) * (panelHeight + kPanelGap);
        layout.panels.append({heads[i], QRectF(x, y, panelWidth, panelHeight)});
    }
    return layout;
}

} // namespace

void configureFigureView(HeatmapView& view, std::shared_ptr<const core::ModelOutput> result,
                         const FigureOptions& options, int head) {
    const core::ModelOutput& shown = *result;
    view.setHoverToolTip(false);
    view.setData(result, head, options.layer);
    view.setTitle(headTitle(head, shown.maps.heads));
    view.setColorMap(options.colorMap);
    view.setShowValues(cellValuesShown(options.values, &shown));
    const bool perHead = options.colorScale == ColorScale::PerHead;
    view.setColorBarVisible(perHead && options.colorBar);
    if (perHead)
        view.setAutoRange();
    else
        view.setValueRange(0.0, scaleTop(shown, options));
}

namespace {

constexpr double kTrimMargin = 8; // white border around a figure trimmed to its content

void drawLayout(QCPPainter& painter, const FigureLayout& layout, const core::ModelOutput& result,
                const FigureOptions& options) {
    if (!layout.title.isEmpty())
        drawTitle(painter, layout.title, result, options);
    if (!layout.details.isEmpty()) {
        drawDetails(painter, layout.details, result, options);
        return;
    }
    if (!layout.colorBar.isEmpty())
        drawColorBar(painter, layout.colorBar, options.colorMap, 0.0, layout.scaleTop, baseFont(),
                     kChartTextColor);
    if (!layout.modelGrid.isEmpty())
        drawModelFigureGrid(painter, layout.modelGrid, result, options.colorMap, options.colorScale,
                            baseFont(), kChartTextColor);
    const auto shared = borrowed(result);
    for (const FigurePanel& panel : layout.panels) {
        HeatmapView view;
        configureFigureView(view, shared, options, panel.head);
        painter.save();
        painter.translate(panel.rect.topLeft());
        view.renderTo(&painter, panel.rect.size().toSize());
        painter.restore();
    }
}

// A figure of one heatmap at its natural size is trimmed to what it draws: the plot's own
// margins and paddings would otherwise frame a small map in white.
bool trimmedFigure(const core::ModelOutput& result, const FigureOptions& options) {
    return options.content != FigureContent::Details && panelHeads(result, options).size() == 1;
}

// The natural figure: the size its parts are laid out at, where that layout is moved to, and the
// size of the figure.
struct NaturalFrame {
    QSizeF layoutSize;
    QPointF offset;
    QSizeF size;
};

NaturalFrame naturalFrame(const core::ModelOutput& result, const FigureOptions& options) {
    const QSizeF layoutSize = untrimmedSize(result, options);
    NaturalFrame frame{layoutSize, QPointF(0, 0), layoutSize};
    if (!trimmedFigure(result, options))
        return frame;
    // Drawn once at one pixel per unit; the bounds of everything that is not white are the
    // content. Antialiased edges count as content, and the border leaves room for the finer
    // edges of larger scales.
    QImage image(layoutSize.toSize(), QImage::Format_RGB32);
    if (image.isNull())
        return frame;
    image.fill(Qt::white);
    {
        QCPPainter painter(&image);
        painter.setRenderHint(QPainter::Antialiasing);
        painter.setRenderHint(QPainter::TextAntialiasing);
        drawLayout(painter, layoutAt(result, options, layoutSize), result, options);
    }
    int left = image.width(), right = -1, top = image.height(), bottom = -1;
    const QRgb white = qRgb(255, 255, 255);
    for (int y = 0; y < image.height(); ++y) {
        const auto* line = reinterpret_cast<const QRgb*>(image.constScanLine(y));
        for (int x = 0; x < image.width(); ++x) {
            if ((line[x] | 0xff000000u) == white)
                continue;
            left = std::min(left, x);
            right = std::max(right, x);
            top = std::min(top, y);
            bottom = std::max(bottom, y);
        }
    }
    if (right < left)
        return frame; // nothing drawn
    frame.offset = QPointF(kTrimMargin - left, kTrimMargin - top);
    frame.size = QSizeF(right - left + 1 + 2 * kTrimMargin, bottom - top + 1 + 2 * kTrimMargin);
    return frame;
}

} // namespace

QSizeF naturalFigureSize(const core::ModelOutput& result, const FigureOptions& options) {
    checkRequest(result, options);
    return naturalFrame(result, options).size;
}

FigureLayout layoutFigure(const core::ModelOutput& result, const FigureOptions& options,
                          const QSizeF& size) {
    checkRequest(result, options);
    if (trimmedFigure(result, options)) {
        const NaturalFrame frame = naturalFrame(result, options);
        if (std::abs(size.width() - frame.size.width()) < 0.5 &&
            std::abs(size.height() - frame.size.height()) < 0.5) {
            FigureLayout layout = layoutAt(result, options, frame.layoutSize);
            for (QRectF* rect : {&layout.title, &layout.colorBar, &layout.details})
                if (!rect->isEmpty())
                    rect->translate(frame.offset);
            for (FigurePanel& panel : layout.panels)
                panel.rect.translate(frame.offset);
            return layout;
        }
    }
    return layoutAt(result, options, size);
}

void renderFigure(QCPPainter& painter, const QSizeF& size, const core::ModelOutput& result,
                  const FigureOptions& options) {
    const FigureLayout layout = layoutFigure(result, options, size);
    painter.fillRect(QRectF(QPointF(0, 0), size), Qt::white);
    drawLayout(painter, layout, result, options);
}

QImage renderFigureImage(const core::ModelOutput& result, const FigureOptions& options) {
    const QSizeF logical =
        options.size.isEmpty() ? naturalFigureSize(result, options) : options.size;
    checkRequest(result, options);
    const double scale = std::clamp(options.scale, 0.25, 10.0);
    const QSize pixels(static_cast<int>(std::lround(logical.width() * scale)),
                       static_cast<int>(std::lround(logical.height() * scale)));
    // A poster at 300 DPI is well inside these bounds; far larger images take minutes to paint
    // and encode (20 000 × 20 000 at scale 2: 77 s) for no figure anyone can use.
    constexpr int kMaxSide = 16384;
    constexpr double kMaxPixels = 268435456.0; // 2^28, 1 GB of pixels
    if (pixels.width() > kMaxSide || pixels.height() > kMaxSide ||
        static_cast<double>(pixels.width()) * pixels.height() > kMaxPixels)
        throw core::InputError(FigureExport::tr("a PNG figure may have at most %1 pixels a side "
                                                "and %2 million pixels in all; %3 × %4 is "
                                                "larger: choose a smaller width, height or scale")
                                   .arg(kMaxSide)
                                   .arg(kMaxPixels / 1e6, 0, 'f', 0)
                                   .arg(pixels.width())
                                   .arg(pixels.height())
                                   .toStdString());
    // Opaque: a figure has a white background, and PNG encodes three channels faster than four.
    // A size beyond the computer's memory is refused before it is asked for.
    const double bytes = 4.0 * pixels.width() * pixels.height();
    QImage image;
    if (bytes <= core::availableMemoryBytes())
        image = QImage(pixels, QImage::Format_RGB32);
    if (image.isNull()) // painting a null image would only print a warning per call
        throw core::InputError(
            FigureExport::tr("an image of %1 × %2 pixels needs %3 MB of memory, more than is "
                             "available; choose a smaller width, height or scale")
                .arg(pixels.width())
                .arg(pixels.height())
                .arg(bytes / 1e6, 0, 'f', 0)
                .toStdString());
    image.fill(Qt::white);
    {
        QCPPainter painter(&image);
        painter.setRenderHint(QPainter::Antialiasing);
        painter.setRenderHint(QPainter::TextAntialiasing);
        if (!qFuzzyCompare(scale, 1.0))
            painter.setMode(QCPPainter::pmNonCosmetic); // lines scale with the figure
        painter.scale(scale, scale);
        renderFigure(painter, logical, result, options);
    }
    // Written only after painting: the resolution also sets the logical DPI the fonts use.
    const double dpi = options.dpi > 0 ? options.dpi : 96.0 * scale;
    const int dotsPerMeter = static_cast<int>(std::lround(dpi / 0.0254));
    image.setDotsPerMeterX(dotsPerMeter);
    image.setDotsPerMeterY(dotsPerMeter);
    return image;
}

bool exportFigure(const QString& path, const core::ModelOutput& result,
                  const FigureOptions& options, QString* error, const core::WriteOptions& write,
                  QStringList* notes) {
    auto fail = [&](const QString& message) {
        if (error)
            *error = message;
        return false;
    };
    const std::optional<ImageFormat> format = imageFormatForPath(path);
    if (!format)
        return fail(
            FigureExport::tr(
                "cannot tell the image format of '%1'; use a name ending in .png, .svg or .pdf")
                .arg(path));

    // The common mistakes in the interface's language; the file module checks everything else.
    const QFileInfo info(path);
    const QFileInfo folder(info.absolutePath());
    if (!folder.exists())
        return fail(FigureExport::tr("cannot write '%1': the folder '%2' does not exist")
                        .arg(path, folder.filePath()));
    if (!folder.isDir())
        return fail(FigureExport::tr("cannot write '%1': '%2' is not a folder")
                        .arg(path, folder.filePath()));
    if (info.isDir())
        return fail(FigureExport::tr("cannot write '%1': it is a folder").arg(path));

    // Qt's warnings while drawing (QPainter, QImage) become part of one message on failure.
    QtMessageCollector qtMessages;
    try {
        checkRequest(result, options);
        // Opened before drawing: a target that may not be written (a folder, a named pipe, an
        // input of the run, a read-only file) is refused before any work.
        core::AtomicFile file(path.toStdString(), write);
        AtomicFileDevice device(file);
        device.open(QIODevice::WriteOnly);
        bool drawn = true;
        if (*format == ImageFormat::Png) {
            // Qt maps quality 89 to zlib level 1: about a third of the default level's time for
            // a file some 10 % larger (a 3000 × 2900 grid: 280 instead of 560 ms).
            constexpr int kPngQuality = 89;
            drawn = renderFigureImage(result, options).save(&device, "PNG", kPngQuality);
        } else {
            // Vector output in points; the figure is laid out in logical pixels (96 per inch),
            // so a 10-point label keeps its size relative to the heatmaps, as on screen.
            const QSizeF logical = options.size.isEmpty() ? naturalFigureSize(result, options)
                                                          : options.size * kUnitsPerPoint;
            const QSizeF points = logical / kUnitsPerPoint;
            auto paint = [&](QPaintDevice* target) {
                QCPPainter painter;
                if (!painter.begin(target))
                    return false;
                painter.setMode(QCPPainter::pmVectorized);
                painter.setMode(QCPPainter::pmNoCaching);
                renderFigure(painter, logical, result, options);
                return painter.end();
            };
            if (*format == ImageFormat::Svg) {
                QSvgGenerator svg;
                svg.setOutputDevice(&device);
                svg.setResolution(96);
                svg.setSize(logical.toSize());
                svg.setViewBox(QRectF(QPointF(0, 0), logical));
                svg.setTitle(QStringLiteral("Attention Lab"));
                svg.setDescription(settingsStamp(result));
                drawn = paint(&svg);
            } else {
                QPdfWriter pdf(&device);
                pdf.setResolution(96);
                pdf.setPageSize(
                    QPageSize(points, QPageSize::Point, QString(), QPageSize::ExactMatch));
                pdf.setPageMargins(QMarginsF(0, 0, 0, 0));
                pdf.setTitle(QStringLiteral("Attention Lab"));
                pdf.setCreator(QStringLiteral("Attention Lab"));
                drawn = paint(&pdf);
            }
        }
        device.close();
        device.rethrow(); // a write that failed while Qt encoded: the file's own message
        if (!drawn || device.written() == 0) {
            const QString why = QtMessageCollector::summary(qtMessages.take());
            return fail(why.isEmpty() ? FigureExport::tr("cannot draw '%1'").arg(path)
                                      : FigureExport::tr("cannot draw '%1': %2").arg(path, why));
        }
        for (const std::string& note : file.commit())
            if (notes)
                notes->append(QString::fromStdString(note));
    } catch (const std::bad_alloc&) {
        qtMessages.take();
        return fail(
            FigureExport::tr("cannot draw '%1': not enough memory; nothing was written").arg(path));
    } catch (const std::exception& problem) {
        qtMessages.take(); // the exception says what went wrong
        return fail(QString::fromUtf8(problem.what()));
    }
    return true;
}

} // namespace attnlab::ui
