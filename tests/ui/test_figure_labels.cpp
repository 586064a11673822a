// Figure labels as exported: no glyph of a token label is cut, whatever font draws it (the CJK
// fallback is taller than the interface font), at every scale and at presentation text sizes,
// and a figure of one heatmap is trimmed to its content.

#include "ui/figure_export.h"
#include "ui/heatmap_view.h"

#include <gtest/gtest.h>
#include <qcustomplot.h>

#include <QApplication>
#include <QImage>
#include <QPainter>

#include <memory>
#include <optional>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_figure_labels {

using namespace attnlab;
using ui::FigureContent;
using ui::FigureOptions;

namespace {

std::shared_ptr<const core::ModelOutput> resultFor(const std::string& sentence) {
    core::Config config;
    config.sentence = sentence;
    config.heads = 1;
    return std::make_shared<const core::ModelOutput>(core::runBuiltin(config));
}

bool inked(QRgb pixel) {
    return qGray(pixel) < 170;
}

// First and last row (device pixels) of `area` that hold ink; nullopt when it holds none.
std::optional<std::pair<int, int>> inkRows(const QImage& image, const QRect& area) {
    const QRect clipped = area.intersected(image.rect());
    std::optional<std::pair<int, int>> rows;
    for (int y = clipped.top(); y <= clipped.bottom(); ++y)
        for (int x = clipped.left(); x <= clipped.right(); ++x)
            if (inked(image.pixel(x, y))) {
                rows = rows ? std::pair(rows->first, y) : std::pair(y, y);
                break;
            }
    return rows;
}

// The ink height of `text` drawn alone, unclipped, at `scale` (device pixels).
int freeInkHeight(const QFont& font, const QString& text, double scale) {
    QImage image(QSize(400, 200) * scale, QImage::Format_RGB32);
    image.fill(Qt::white);
    {
        QPainter painter(&image);
        painter.setRenderHint(QPainter::TextAntialiasing);
        painter.scale(scale, scale);
        painter.setFont(font);
        painter.setPen(QColor(0x26, 0x26, 0x26));
        painter.drawText(QPointF(20, 100), text);
    }
    const auto rows = inkRows(image, image.rect());
    return rows ? rows->second - rows->first + 1 : 0;
}

} // namespace

// The key labels of 我爱深度学习 under the matrix: the ink of the first and the last label (away
// from the centred axis title) is as tall as the same text drawn without any box.
TEST(FigureLabels, CjkKeyLabelsAreNotCutAtAnyScaleOrTextSize) {
    const auto result = resultFor("我爱深度学习");
    for (double pointScale : {1.0, 1.5}) {
        for (double scale : {1.0, 2.0, 300.0 / 96.0}) {
            ui::HeatmapView view;
            QFont font = QApplication::font();
            font.setPointSizeF(font.pointSizeF() * pointScale);
            view.setFont(font);
            FigureOptions options;
            options.values = ui::CellValues::Hidden;
            ui::configureFigureView(view, result, options, 0);
            const QSize size(320, 260);
            QImage image(size * scale, QImage::Format_RGB32);
            image.fill(Qt::white);
            {
                QCPPainter painter(&image);
                painter.setRenderHint(QPainter::Antialiasing);
                painter.setRenderHint(QPainter::TextAntialiasing);
                painter.scale(scale, scale);
                view.renderTo(&painter, size);
            }
            const QRect axis = view.plot()->axisRect()->rect();
            const QStringList labels = view.keyLabels();
            ASSERT_EQ(labels.size(), 4);
            ASSERT_EQ(view.keyLabelAngle(), 0);
            const QFont labelFont = ui::HeatmapView::tokenFont(view.font());
            for (int col : {0, 3}) {
                const double x = view.cellCenter(0, col).x();
                const double half = QFontMetricsF(labelFont).horizontalAdvance(labels[col]) / 2;
                // Below the tick marks, three lines down; the axis title is centred, away from
                // the first and last column.
                const QRectF band(x - half - 1, axis.bottom() + 6, 2 * half + 2,
                                  3 * QFontMetricsF(labelFont).height());
                const QRect device(band.topLeft().toPoint() * scale,
                                   band.bottomRight().toPoint() * scale);
                const auto rows = inkRows(image, device);
                ASSERT_TRUE(rows) << labels[col].toStdString();
                const int drawn = rows->second - rows->first + 1;
                const int free = freeInkHeight(labelFont, labels[col], scale);
                EXPECT_GE(drawn, free - 1)
                    << labels[col].toStdString() << " at scale " << scale << ", text × "
                    << pointScale << ": " << drawn << " of " << free << " pixel rows drawn";
            }
        }
    }
}

// A figure of one head is trimmed to its content: a thin white border on every side, never the
// panel's empty margins; nothing reaches the edge either.
TEST(FigureLabels, OneHeadFiguresAreLaidOutTightly) {
    for (const char* sentence : {"我爱深度学习", "hello world", "the cat sat on the mat"}) {
        const auto result = resultFor(sentence);
        for (FigureContent content : {FigureContent::Head, FigureContent::Combined}) {
            FigureOptions options;
            options.content = content;
            options.scale = 2;
            const QImage image = ui::renderFigureImage(*result, options);
            int left = image.width(), right = -1, top = image.height(), bottom = -1;
            for (int y = 0; y < image.height(); ++y)
                for (int x = 0; x < image.width(); ++x)
                    if (image.pixel(x, y) != qRgb(255, 255, 255)) {
                        left = std::min(left, x);
                        right = std::max(right, x);
                        top = std::min(top, y);
                        bottom = std::max(bottom, y);
                    }
            ASSERT_GE(right, left) << "blank figure";
            const int border = static_cast<int>(12 * options.scale);
            for (int margin : {left, top, image.width() - 1 - right, image.height() - 1 - bottom}) {
                EXPECT_GE(margin, 2) << sentence << ": content touches the edge";
                EXPECT_LE(margin, border)
                    << sentence << ": margins " << left << ", " << top << ", "
                    << image.width() - 1 - right << ", " << image.height() - 1 - bottom;
            }
        }
    }
}

} // namespace test_figure_labels
