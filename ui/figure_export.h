#pragma once
// Figures for notes and slides: the heatmaps of a result (every head and their mean, the mean,
// the maximum, one head, every layer × head of a model) or the bars of one query row, with an
// optional title that stamps the settings and a colour bar, drawn without any window chrome into
// PNG (raster, at a scale), SVG or PDF (vector, fonts embedded in PDF). Files are written
// atomically.

#include "color_maps.h"
#include "view_options.h"

#include "core/base/file_io.h"
#include "core/model/builtin_model.h"

#include <QImage>
#include <QSizeF>
#include <QString>
#include <QStringList>
#include <QVector>

#include <memory>
#include <optional>

class QCPPainter;

namespace attnlab::ui {
class HeatmapView;
}

namespace attnlab::ui {

enum class ImageFormat { Png, Svg, Pdf };
/// Model: every layer × head as thumbnails (a result of several layers; see model_grid.h).
enum class FigureContent { Grid, Combined, Max, Head, Details, Model };

struct FigureOptions {
    FigureContent content = FigureContent::Grid; ///< what to draw
    int head = 0; ///< Head: 0 … H−1; Details: the head of the row (or kMeanOfHeads/kMaxOfHeads)
    int layer = 0; ///< the layer whose heads are drawn
    int query = 0; ///< Details: the query row, 0 … n_q − 1
    int key = -1;  ///< Details: the key to highlight, −1 none
    /// Width × height in pixels (PNG) or points (SVG, PDF); empty = fitted to the content.
    QSizeF size;
    double scale = 2.0; ///< PNG: pixels per unit of `size`, 0.25 … 10
    double dpi = 0;     ///< PNG: resolution written into the file; 0 = 96 × scale
    bool title = false; ///< stamp the sentence and the settings above the figure
    bool colorBar = true;
    ColorMap colorMap = ColorMap::Viridis;
    ColorScale colorScale = ColorScale::ZeroToOne;
    CellValues values = CellValues::Automatic;
    /// Replaces the settings stamp when not empty (imported attention names its file here).
    QString titleText;
};

/// The format of a file name by its extension (.png, .svg, .pdf; any case); none otherwise.
std::optional<ImageFormat> imageFormatForPath(const QString& path);

/// Two lines that let anyone reproduce the figure: the sentence(s), then scoring, normaliser,
/// heads and d_k, mask, temperature, positional encoding, projection and seed, embeddings.
QString settingsStamp(const core::ModelOutput& result);

/// The figure's natural size in logical pixels (96 per inch) for `result` and `options`.
QSizeF naturalFigureSize(const core::ModelOutput& result, const FigureOptions& options);

/// Where the parts of a figure of `size` (logical pixels) go; empty rectangles are left out.
struct FigurePanel {
    int head = 0; ///< 0 … H−1, kMeanOfHeads or kMaxOfHeads
    QRectF rect;
};
struct FigureLayout {
    QRectF title;
    QRectF colorBar;
    QRectF details;   ///< the bars of a row (FigureContent::Details)
    QRectF modelGrid; ///< the thumbnails of every layer × head (FigureContent::Model)
    QVector<FigurePanel> panels;
    double scaleTop = 1.0; ///< upper end of the shared colour scale
};
FigureLayout layoutFigure(const core::ModelOutput& result, const FigureOptions& options,
                          const QSizeF& size);

/// Sets up `view` to draw head `head` of `result` the way figures draw it.
void configureFigureView(HeatmapView& view, std::shared_ptr<const core::ModelOutput> result,
                         const FigureOptions& options, int head);

/// Draws the figure into the rectangle (0, 0, size) of `painter`, in logical pixels. Throws
/// core::InputError for a head or row that `result` does not have.
void renderFigure(QCPPainter& painter, const QSizeF& size, const core::ModelOutput& result,
                  const FigureOptions& options);

/// The figure as a raster image: `options.size` (or the natural size) × `options.scale` pixels,
/// with the resolution of `options.dpi`. Throws core::InputError like renderFigure.
QImage renderFigureImage(const core::ModelOutput& result, const FigureOptions& options);

/// Writes the figure to `path` in the format of its extension, atomically and streamed as it is
/// encoded (core::AtomicFile): an earlier file is replaced only when the new one is complete.
/// Returns false with a message in `error` for an unknown extension, a missing folder, an
/// unwritable path, a target that is not a regular file or is one of `write.inputs`, a bad head
/// or row, or a failed draw. `notes` receives what the user should know about a write that
/// succeeded (other hard links keep the earlier contents).
bool exportFigure(const QString& path, const core::ModelOutput& result,
                  const FigureOptions& options, QString* error,
                  const core::WriteOptions& write = {}, QStringList* notes = nullptr);

} // namespace attnlab::ui
