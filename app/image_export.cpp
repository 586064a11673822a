#include "image_export.h"

#include <QString>

#include <charconv>

namespace attnlab::app {
namespace {

int indexAfter(const std::string& text, std::size_t prefix) {
    int value = 0;
    std::from_chars(text.data() + prefix, text.data() + text.size(), value);
    return value - 1; // the command line counts from 1
}

} // namespace

ui::FigureOptions figureOptionsFor(const ImageRequest& image, const core::SessionView& view,
                                   const core::ModelOutput& result) {
    ui::FigureOptions options;
    const int heads = result.maps.heads;
    options.query = std::max(0, view.selectedQuery);
    options.key = view.selectedKey;
    options.head = view.selectedHead;

    std::string name = image.view;
    // Transformers: layer:L is the grid of layer L, head:L.H head H of layer L, rollout the
    // rollout over every layer (docs/attention-math.md#rollout).
    if (name.starts_with("layer:")) {
        options.layer = indexAfter(name, 6);
        name = "grid";
    } else if (name.starts_with("head:") && name.find('.') != std::string::npos) {
        options.layer = indexAfter(name, 5);
        name = "head:" + name.substr(name.find('.') + 1);
    }
    if (options.layer < 0 || options.layer >= result.maps.layers)
        throw core::InputError("--view: layer " + std::to_string(options.layer + 1) +
                               " does not exist; the model has " +
                               std::to_string(result.maps.layers) +
                               (result.maps.layers == 1 ? " layer" : " layers"));
    if (name == "model") {
        // Every layer × head as thumbnails; a single layer has its own views (grid, head:K).
        if (result.maps.layers < 2)
            throw core::InputError("--view model draws every layer × head of a model of several "
                                   "layers; this result has 1 layer: use --view grid (its heads) "
                                   "or --model DIR with a model of several layers");
        options.content = ui::FigureContent::Model;
    } else if (name == "rollout") {
        if (!result.maps.rollout)
            throw core::InputError("--view: rollout needs a model of several layers (--model)");
        options.content = ui::FigureContent::Head;
        options.head = core::kRollout;
    } else if (name.empty()) {
        // The session's layout: one head large becomes that head (or the mean or the maximum).
        if (view.layout == "combined") {
            options.content = ui::FigureContent::Combined;
        } else if (view.layout == "one") {
            options.content = view.focusedHead == ui::kMeanOfHeads  ? ui::FigureContent::Combined
                              : view.focusedHead == ui::kMaxOfHeads ? ui::FigureContent::Max
                                                                    : ui::FigureContent::Head;
            options.head = view.focusedHead;
        }
    } else if (name == "combined") {
        options.content = ui::FigureContent::Combined;
    } else if (name == "max") {
        options.content = ui::FigureContent::Max;
    } else if (name.starts_with("head:")) {
        options.content = ui::FigureContent::Head;
        options.head = indexAfter(name, 5);
    } else if (name == "details" || name.starts_with("details:")) {
        options.content = ui::FigureContent::Details;
        if (name.starts_with("details:")) {
            options.query = indexAfter(name, 8);
            options.key = -1;
        }
        if (options.head >= heads || options.head < ui::kMaxOfHeads)
            options.head = 0;
    }
    if (options.content == ui::FigureContent::Head && options.head != core::kRollout &&
        (options.head < 0 || options.head >= heads))
        throw core::InputError("--view: head " + std::to_string(options.head + 1) +
                               " does not exist; the result has " + std::to_string(heads) +
                               (heads == 1 ? " head" : " heads"));

    // Colours, scale and numbers are View settings: the command line writes them into `view`.
    options.colorMap =
        ui::colorMapFromKey(QString::fromStdString(view.colorMap)).value_or(ui::ColorMap::Viridis);
    options.colorScale = ui::colorScaleFromKey(QString::fromStdString(view.colorScale))
                             .value_or(ui::ColorScale::ZeroToOne);
    options.values = ui::cellValuesFromKey(QString::fromStdString(view.cellValues))
                         .value_or(ui::CellValues::Automatic);
    options.title = image.title;
    options.colorBar = image.colorBar;
    options.scale = image.scale > 0 ? image.scale : image.dpi > 0 ? image.dpi / 96.0 : 2.0;
    options.dpi = image.dpi;

    if (image.width > 0 || image.height > 0) {
        // One side given: the other keeps the natural aspect ratio. The natural size is in
        // logical pixels; vector formats take points, at 72 per 96 pixels.
        const bool vector =
            ui::imageFormatForPath(QString::fromStdString(image.path)) != ui::ImageFormat::Png;
        const QSizeF natural = ui::naturalFigureSize(result, options) * (vector ? 0.75 : 1.0);
        QSizeF size(image.width, image.height);
        if (image.width <= 0)
            size.setWidth(natural.width() * image.height / natural.height());
        if (image.height <= 0)
            size.setHeight(natural.height() * image.width / natural.width());
        options.size = size;
    }
    return options;
}

std::vector<std::string> exportImage(const core::ModelOutput& result, const ImageRequest& image,
                                     const core::SessionView& view,
                                     const core::WriteOptions& write) {
    const QString path = QString::fromStdString(image.path);
    if (!ui::imageFormatForPath(path))
        throw core::InputError("--export: cannot tell the image format of '" + image.path +
                               "'; use a name ending in .png, .svg or .pdf");
    const ui::FigureOptions options = figureOptionsFor(image, view, result);
    QString error;
    QStringList notes;
    if (!ui::exportFigure(path, result, options, &error, write, &notes))
        throw core::FileError(error.toStdString());
    std::vector<std::string> out;
    for (const QString& note : notes)
        out.push_back(note.toStdString());
    return out;
}

} // namespace attnlab::app
