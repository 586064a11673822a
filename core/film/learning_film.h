#pragma once
// The learning as pictures for slides: the probe example's attention (every layer × head) at
// chosen steps of a training run, drawn as heatmaps on a fixed 0 … 1 colour scale with the step
// number above them, then played as an animated GIF or laid side by side as a PNG strip. Plain
// pixels (no window toolkit), so the command line and the Learn page make the same files.

#include "core/training/trainer.h"

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace attnlab::core::film {

/// The probe example's attention at one step: one AttentionMaps per block (encoder layers, then
/// per decoder layer self and cross) with weights[head] of the probe example only.
struct FilmFrame {
    int step = 0;
    std::vector<training::AttentionMaps> maps;
    /// Drawn after the step number: which run this is ("SCALED-DOT SOFTMAX LEARNED"), in capital
    /// letters, digits, '-' and '.' (other characters draw as spaces). Empty for a single run.
    std::string label;
};

/// A picture in the film palette: width × height indices, row by row.
struct IndexedImage {
    int width = 0;
    int height = 0;
    std::vector<std::uint8_t> pixels;
};

/// One palette entry.
struct Rgb {
    std::uint8_t r = 0, g = 0, b = 0;
};

/// The 256 colours every film picture uses: 0 background (white), 1 text (black), 2 frame
/// lines (grey), 3 … 255 the weight scale from 0 (light) to 1 (dark).
const std::array<Rgb, 256>& filmPalette();

/// The probe's attention now (the trainer's current weights), as a frame of its current step.
FilmFrame probeFrame(const training::Trainer& trainer);
/// A recorded snapshot as a frame.
FilmFrame frameOf(const training::Snapshot& snapshot);

/// The frame drawn: "STEP n" on top, then one row per attention block with one heatmap per head
/// (rows = queries, columns = keys), each cell `cellPixels` wide (1 … 64; 0 = chosen so a map is
/// about 96 pixels). Frames of one run have the same size.
IndexedImage renderFrame(const FilmFrame& frame, int cellPixels = 0);

/// Frames side by side with a gap, for a slide. Throws InputError when there are none.
IndexedImage stripOf(const std::vector<IndexedImage>& frames);
/// Pictures one above the other, a grey line between them (a race: one run over the other).
/// Throws InputError when there are none.
IndexedImage stackOf(const std::vector<IndexedImage>& parts);

/// The label of a run's frames: its scoring function, normaliser and positional encoding, as
/// the command line names them, in capitals ("SCALED-DOT SOFTMAX LEARNED").
std::string runLabel(const training::Trainer& trainer);

/// An animated GIF (GIF89a, looping) of the frames, which must have one size; each shown
/// `delayCentiseconds` (1 … 65535), the last one `lastDelayCentiseconds`. Throws InputError when
/// there are no frames or their sizes differ, FileError when the encoder fails.
std::string encodeGif(const std::vector<IndexedImage>& frames, int delayCentiseconds = 20,
                      int lastDelayCentiseconds = 200);

/// A PNG (8-bit palette) of the picture.
std::string encodePng(const IndexedImage& image);

/// The frames of a run for `steps` (each must be a step with a snapshot, or the trainer's current
/// step). Throws InputError naming the first step that has none, with the steps that have one
/// (and the current step).
std::vector<FilmFrame> framesAt(const training::Trainer& trainer, const std::vector<int>& steps);
/// Every snapshot of the run (and the current step if it has none), in order.
std::vector<FilmFrame> allFrames(const training::Trainer& trainer);

/// The widest strip written: 16384 pixels, as for the program's other PNG figures.
constexpr int kMaxStripWidth = 16384;
/// Throws InputError when a strip of `count` frames of this run would be wider than
/// kMaxStripWidth (before training: the frames' size depends only on the model and the probe).
void checkStripWidth(const training::Trainer& trainer, std::size_t count);

/// Writes the GIF of `frames` to `path` atomically (the earlier file stays on failure).
void writeLearningGif(const std::string& path, const std::vector<FilmFrame>& frames);
/// Writes the PNG strip of `frames` to `path` atomically. Throws InputError when it would be
/// wider than kMaxStripWidth.
void writeLearningStrip(const std::string& path, const std::vector<FilmFrame>& frames);

/// The steps of a run that have a frame: each snapshot's and the current step.
std::vector<int> frameSteps(const training::Trainer& trainer);
/// The steps at which both runs of a race have a frame (ascending; empty when none).
std::vector<int> sharedFrameSteps(const training::Trainer& first, const training::Trainer& second);

/// A race as a GIF: at each step both runs have a frame of, the first run's frame above the
/// second's, each labelled with runLabel. Throws InputError when the runs share no step.
void writeRaceGif(const std::string& path, const training::Trainer& first,
                  const training::Trainer& second);
/// A race as a PNG strip of `steps` (as framesAt for each run), one run above the other.
void writeRaceStrip(const std::string& path, const training::Trainer& first,
                    const training::Trainer& second, const std::vector<int>& steps);

/// Steps from text such as "0,100,500,3000" (ascending order and duplicates removed), each
/// 0 … `lastStep`. Throws InputError naming `option` (when not empty) for anything else.
std::vector<int> parseStepList(std::string_view text, int lastStep, std::string_view option);
/// Four steps for a strip when none are chosen: 0, about a quarter, about a half and the last,
/// each rounded to a multiple of `every` (the snapshot interval), duplicates removed.
std::vector<int> defaultStripSteps(int lastStep, int every);

} // namespace attnlab::core::film
