#pragma once
// --export: turns the command line's image request and a session's view into figure options and
// draws the figure with the window's renderer (ui/figure_export.h). Needs a QApplication.

#include "app/cli.h"
#include "ui/figure_export.h"

namespace attnlab::app {

/// The figure options for `image` (what the command line says) over `view` (a session's view,
/// or the defaults). Throws core::InputError for a head or row `result` does not have.
ui::FigureOptions figureOptionsFor(const ImageRequest& image, const core::SessionView& view,
                                   const core::ModelOutput& result);

/// The ImageExporter of runCommandLine: figureOptionsFor, then ui::exportFigure. Throws
/// core::InputError or core::FileError with the message.
std::vector<std::string> exportImage(const core::ModelOutput& result, const ImageRequest& image,
                                     const core::SessionView& view,
                                     const core::WriteOptions& write);

} // namespace attnlab::app
