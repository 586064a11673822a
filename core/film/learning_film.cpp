#include "core/film/learning_film.h"

#include "core/attention/options.h"
#include "core/base/file_io.h"
#include "core/base/types.h"

#include <gif_lib.h>
#include <zlib.h>

#include <algorithm>
#include <cassert>
#include <charconv>
#include <cmath>
#include <iterator>
#include <memory>

namespace attnlab::core::film {
namespace {

constexpr std::uint8_t kBackground = 0;
constexpr std::uint8_t kText = 1;
constexpr std::uint8_t kLine = 2;
constexpr int kFirstLevel = 3;
constexpr int kLevels = 256 - kFirstLevel;
constexpr int kMargin = 8;
constexpr int kGap = 8;
constexpr int kTextScale = 2;
constexpr int kGlyphWidth = 5, kGlyphHeight = 7;

// 5 × 7 glyphs, one byte per row, the high five bits of the low byte from left to right: the
// digits, the capital letters, '-' and '.'; any other character is drawn as a space.
const std::array<std::uint8_t, kGlyphHeight>& glyph(char c) {
    using Glyph = std::array<std::uint8_t, kGlyphHeight>;
    static const std::array<Glyph, 10> digits = {{
        {0x0E, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0E}, // 0
        {0x04, 0x0C, 0x04, 0x04, 0x04, 0x04, 0x0E}, // 1
        {0x0E, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1F}, // 2
        {0x1F, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0E}, // 3
        {0x02, 0x06, 0x0A, 0x12, 0x1F, 0x02, 0x02}, // 4
        {0x1F, 0x10, 0x1E, 0x01, 0x01, 0x11, 0x0E}, // 5
        {0x06, 0x08, 0x10, 0x1E, 0x11, 0x11, 0x0E}, // 6
        {0x1F, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08}, // 7
        {0x0E, 0x11, 0x11, 0x0E, 0x11, 0x11, 0x0E}, // 8
        {0x0E, 0x11, 0x11, 0x0F, 0x01, 0x02, 0x0C}, // 9
    }};
    static const std::array<Glyph, 26> letters = {{
        {0x0E, 0x11, 0x11, 0x11, 0x1F, 0x11, 0x11}, // A
        {0x1E, 0x11, 0x11, 0x1E, 0x11, 0x11, 0x1E}, // B
        {0x0E, 0x11, 0x10, 0x10, 0x10, 0x11, 0x0E}, // C
        {0x1C, 0x12, 0x11, 0x11, 0x11, 0x12, 0x1C}, // D
        {0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x1F}, // E
        {0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x10}, // F
        {0x0E, 0x11, 0x10, 0x17, 0x11, 0x11, 0x0F}, // G
        {0x11, 0x11, 0x11, 0x1F, 0x11, 0x11, 0x11}, // H
        {0x0E, 0x04, 0x04, 0x04, 0x04, 0x04, 0x0E}, // I
        {0x07, 0x02, 0x02, 0x02, 0x02, 0x12, 0x0C}, // J
        {0x11, 0x12, 0x14, 0x18, 0x14, 0x12, 0x11}, // K
        {0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x1F}, // L
        {0x11, 0x1B, 0x15, 0x15, 0x11, 0x11, 0x11}, // M
        {0x11, 0x11, 0x19, 0x15, 0x13, 0x11, 0x11}, // N
        {0x0E, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0E}, // O
        {0x1E, 0x11, 0x11, 0x1E, 0x10, 0x10, 0x10}, // P
        {0x0E, 0x11, 0x11, 0x11, 0x15, 0x12, 0x0D}, // Q
        {0x1E, 0x11, 0x11, 0x1E, 0x14, 0x12, 0x11}, // R
        {0x0F, 0x10, 0x10, 0x0E, 0x01, 0x01, 0x1E}, // S
        {0x1F, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04}, // T
        {0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0E}, // U
        {0x11, 0x11, 0x11, 0x11, 0x11, 0x0A, 0x04}, // V
        {0x11, 0x11, 0x11, 0x15, 0x15, 0x15, 0x0A}, // W
        {0x11, 0x11, 0x0A, 0x04, 0x0A, 0x11, 0x11}, // X
        {0x11, 0x11, 0x11, 0x0A, 0x04, 0x04, 0x04}, // Y
        {0x1F, 0x01, 0x02, 0x04, 0x08, 0x10, 0x1F}, // Z
    }};
    static const Glyph dash = {0x00, 0x00, 0x00, 0x1F, 0x00, 0x00, 0x00};
    static const Glyph dot = {0x00, 0x00, 0x00, 0x00, 0x00, 0x0C, 0x0C};
    static const Glyph space = {0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
    if (c >= '0' && c <= '9')
        return digits[static_cast<std::size_t>(c - '0')];
    if (c >= 'A' && c <= 'Z')
        return letters[static_cast<std::size_t>(c - 'A')];
    if (c == '-')
        return dash;
    if (c == '.')
        return dot;
    return space;
}

int textWidth(std::string_view text) {
    return text.empty()
               ? 0
               : static_cast<int>(text.size()) * (kGlyphWidth + 1) * kTextScale - kTextScale;
}

void fill(IndexedImage& image, int x, int y, int w, int h, std::uint8_t colour) {
    for (int row = y; row < y + h; ++row)
        std::fill_n(image.pixels.begin() + static_cast<std::ptrdiff_t>(row) * image.width + x, w,
                    colour);
}

void drawText(IndexedImage& image, int x, int y, std::string_view text) {
    for (char c : text) {
        const auto& rows = glyph(c);
        for (int gy = 0; gy < kGlyphHeight; ++gy)
            for (int gx = 0; gx < kGlyphWidth; ++gx)
                if ((rows[static_cast<std::size_t>(gy)] >> (kGlyphWidth - 1 - gx)) & 1)
                    fill(image, x + gx * kTextScale, y + gy * kTextScale, kTextScale, kTextScale,
                         kText);
        x += (kGlyphWidth + 1) * kTextScale;
    }
}

std::uint8_t levelOf(double weight) {
    if (!std::isfinite(weight))
        weight = 0.0;
    weight = std::clamp(weight, 0.0, 1.0);
    return static_cast<std::uint8_t>(kFirstLevel + std::lround(weight * (kLevels - 1)));
}

int maxHeads(const FilmFrame& frame) {
    int heads = 0;
    for (const training::AttentionMaps& block : frame.maps)
        heads = std::max(heads, block.heads);
    return heads;
}

int maxLength(const FilmFrame& frame) {
    int length = 1;
    for (const training::AttentionMaps& block : frame.maps)
        length = std::max({length, block.queryLength, block.keyLength});
    return length;
}

// Collects giflib's output in a string.
int appendToString(GifFileType* gif, const GifByteType* bytes, int length) {
    static_cast<std::string*>(gif->UserData)
        ->append(reinterpret_cast<const char*>(bytes), static_cast<std::size_t>(length));
    return length;
}

[[noreturn]] void gifFailed(int code) {
    const char* reason = GifErrorString(code);
    throw FileError(std::string("the GIF cannot be encoded: ") +
                    (reason != nullptr ? reason : "unknown error"));
}

void putChunk(std::string& png, std::string_view type, std::string_view data) {
    const auto putU32 = [&png](std::uint32_t value) {
        for (int shift = 24; shift >= 0; shift -= 8)
            png.push_back(static_cast<char>((value >> shift) & 0xFF));
    };
    putU32(static_cast<std::uint32_t>(data.size()));
    std::string body(type);
    body.append(data);
    png.append(body);
    putU32(static_cast<std::uint32_t>(
        crc32(0, reinterpret_cast<const Bytef*>(body.data()), static_cast<uInt>(body.size()))));
}

void checkSameSize(const std::vector<IndexedImage>& frames) {
    if (frames.empty())
        throw InputError("there are no frames to export");
    for (const IndexedImage& frame : frames)
        if (frame.width != frames.front().width || frame.height != frames.front().height)
            throw InputError("the frames differ in size (" + std::to_string(frame.width) + " × " +
                             std::to_string(frame.height) + " and " +
                             std::to_string(frames.front().width) + " × " +
                             std::to_string(frames.front().height) + " pixels)");
}

std::vector<IndexedImage> rendered(const std::vector<FilmFrame>& frames) {
    if (frames.empty())
        throw InputError("there are no frames to export");
    int cell = 0;
    for (const FilmFrame& frame : frames)
        cell = std::max(cell, maxLength(frame));
    cell = std::clamp(96 / cell, 2, 64); // one cell size for every frame, so sizes agree
    std::vector<IndexedImage> images;
    images.reserve(frames.size());
    for (const FilmFrame& frame : frames)
        images.push_back(renderFrame(frame, cell));
    return images;
}

} // namespace

const std::array<Rgb, 256>& filmPalette() {
    static const std::array<Rgb, 256> palette = [] {
        std::array<Rgb, 256> p{};
        p[kBackground] = {255, 255, 255};
        p[kText] = {0, 0, 0};
        p[kLine] = {160, 160, 160};
        // Light yellow through green and blue to dark purple: light for little weight.
        constexpr std::array<std::array<double, 3>, 5> stops = {
            {{255, 255, 217}, {161, 218, 180}, {65, 182, 196}, {34, 94, 168}, {37, 20, 84}}};
        for (int i = 0; i < kLevels; ++i) {
            const double t = static_cast<double>(i) / (kLevels - 1) * (stops.size() - 1);
            const std::size_t k =
                std::min<std::size_t>(static_cast<std::size_t>(t), stops.size() - 2);
            const double f = t - static_cast<double>(k);
            const auto mix = [&](int c) {
                return static_cast<std::uint8_t>(
                    std::lround(stops[k][static_cast<std::size_t>(c)] * (1 - f) +
                                stops[k + 1][static_cast<std::size_t>(c)] * f));
            };
            p[static_cast<std::size_t>(kFirstLevel) + static_cast<std::size_t>(i)] = {
                mix(0), mix(1), mix(2)};
        }
        return p;
    }();
    return palette;
}

FilmFrame probeFrame(const training::Trainer& trainer) {
    FilmFrame frame;
    frame.step = trainer.step();
    training::ForwardResult result =
        training::forward(trainer.modelConfig(), trainer.parameters(), trainer.probe().batch);
    for (training::AttentionMaps& block : result.attention) {
        block.weights.resize(static_cast<std::size_t>(block.heads)); // the probe example's heads
        frame.maps.push_back(std::move(block));
    }
    return frame;
}

FilmFrame frameOf(const training::Snapshot& snapshot) {
    return FilmFrame{snapshot.evaluation.step, snapshot.maps, {}};
}

IndexedImage renderFrame(const FilmFrame& frame, int cellPixels) {
    const int length = maxLength(frame);
    const int cell =
        cellPixels > 0 ? std::clamp(cellPixels, 1, 64) : std::clamp(96 / length, 2, 64);
    const int mapSide = length * cell;
    const int heads = std::max(1, maxHeads(frame));
    const int rows = std::max<int>(1, static_cast<int>(frame.maps.size()));
    // The width is kept for the longest step number, so that every frame of a run has one size.
    const std::string suffix = frame.label.empty() ? std::string() : "   " + frame.label;
    const std::string title = "STEP " + std::to_string(frame.step) + suffix;
    const int titleHeight = kGlyphHeight * kTextScale;
    IndexedImage image;
    image.width = std::max(2 * kMargin + heads * (mapSide + 2) + (heads - 1) * kGap,
                           2 * kMargin + textWidth("STEP 10000000" + suffix));
    image.height =
        kMargin + titleHeight + kGap + rows * (mapSide + 2) + (rows - 1) * kGap + kMargin;
    image.pixels.assign(static_cast<std::size_t>(image.width) * image.height, kBackground);
    drawText(image, kMargin, kMargin, title);
    int y = kMargin + titleHeight + kGap;
    for (const training::AttentionMaps& block : frame.maps) {
        int x = kMargin;
        for (int head = 0; head < block.heads; ++head) {
            const Matrix& weights = block.weights[static_cast<std::size_t>(head)];
            const int w = static_cast<int>(weights.cols()) * cell;
            const int h = static_cast<int>(weights.rows()) * cell;
            fill(image, x, y, w + 2, h + 2, kLine); // a one-pixel frame around the map
            for (int q = 0; q < weights.rows(); ++q)
                for (int k = 0; k < weights.cols(); ++k)
                    fill(image, x + 1 + k * cell, y + 1 + q * cell, cell, cell,
                         levelOf(static_cast<double>(weights(q, k))));
            x += mapSide + 2 + kGap;
        }
        y += mapSide + 2 + kGap;
    }
    return image;
}

IndexedImage stripOf(const std::vector<IndexedImage>& frames) {
    if (frames.empty())
        throw InputError("there are no frames for the strip");
    IndexedImage strip;
    for (const IndexedImage& frame : frames) {
        strip.width += frame.width;
        strip.height = std::max(strip.height, frame.height);
    }
    strip.width += static_cast<int>(frames.size() - 1) * kGap;
    strip.pixels.assign(static_cast<std::size_t>(strip.width) * strip.height, kBackground);
    int x = 0;
    for (const IndexedImage& frame : frames) {
        for (int row = 0; row < frame.height; ++row)
            std::copy_n(frame.pixels.begin() + static_cast<std::ptrdiff_t>(row) * frame.width,
                        frame.width,
                        strip.pixels.begin() + static_cast<std::ptrdiff_t>(row) * strip.width + x);
        x += frame.width + kGap;
    }
    return strip;
}

IndexedImage stackOf(const std::vector<IndexedImage>& parts) {
    if (parts.empty())
        throw InputError("there are no pictures to stack");
    IndexedImage stack;
    for (const IndexedImage& part : parts) {
        stack.width = std::max(stack.width, part.width);
        stack.height += part.height;
    }
    stack.height += static_cast<int>(parts.size() - 1) * (kGap + 1);
    stack.pixels.assign(static_cast<std::size_t>(stack.width) * stack.height, kBackground);
    int y = 0;
    for (const IndexedImage& part : parts) {
        if (y > 0) {
            fill(stack, 0, y + kGap / 2, stack.width, 1, kLine);
            y += kGap + 1;
        }
        for (int row = 0; row < part.height; ++row)
            std::copy_n(part.pixels.begin() + static_cast<std::ptrdiff_t>(row) * part.width,
                        part.width,
                        stack.pixels.begin() + static_cast<std::ptrdiff_t>(y + row) * stack.width);
        y += part.height;
    }
    return stack;
}

std::string encodeGif(const std::vector<IndexedImage>& frames, int delayCentiseconds,
                      int lastDelayCentiseconds) {
    checkSameSize(frames);
    std::string bytes;
    int error = 0;
    GifFileType* gif = EGifOpen(&bytes, appendToString, &error);
    if (gif == nullptr)
        gifFailed(error);
    const auto close = [](GifFileType* g) {
        int ignored = 0;
        EGifCloseFile(g, &ignored);
    };
    std::unique_ptr<GifFileType, decltype(close)> owner(gif, close);
    std::array<GifColorType, 256> colours{};
    for (std::size_t i = 0; i < colours.size(); ++i)
        colours[i] = {filmPalette()[i].r, filmPalette()[i].g, filmPalette()[i].b};
    std::unique_ptr<ColorMapObject, void (*)(ColorMapObject*)> map(
        GifMakeMapObject(256, colours.data()), GifFreeMapObject);
    if (!map)
        throw FileError("the GIF cannot be encoded: not enough memory");
    const int width = frames.front().width, height = frames.front().height;
    EGifSetGifVersion(gif, true);
    if (EGifPutScreenDesc(gif, width, height, 8, kBackground, map.get()) == GIF_ERROR)
        gifFailed(gif->Error);
    // The application extension that makes viewers loop the animation for ever.
    GifByteType loop[3] = {1, 0, 0};
    if (EGifPutExtensionLeader(gif, APPLICATION_EXT_FUNC_CODE) == GIF_ERROR ||
        EGifPutExtensionBlock(gif, 11, "NETSCAPE2.0") == GIF_ERROR ||
        EGifPutExtensionBlock(gif, 3, loop) == GIF_ERROR ||
        EGifPutExtensionTrailer(gif) == GIF_ERROR)
        gifFailed(gif->Error);
    for (std::size_t f = 0; f < frames.size(); ++f) {
        GraphicsControlBlock control{};
        control.DisposalMode = DISPOSAL_UNSPECIFIED;
        control.UserInputFlag = false;
        control.DelayTime = std::clamp(
            f + 1 == frames.size() ? lastDelayCentiseconds : delayCentiseconds, 1, 65535);
        control.TransparentColor = NO_TRANSPARENT_COLOR;
        GifByteType extension[4];
        EGifGCBToExtension(&control, extension);
        if (EGifPutExtension(gif, GRAPHICS_EXT_FUNC_CODE, 4, extension) == GIF_ERROR ||
            EGifPutImageDesc(gif, 0, 0, width, height, false, nullptr) == GIF_ERROR)
            gifFailed(gif->Error);
        std::vector<GifPixelType> row(static_cast<std::size_t>(width));
        for (int y = 0; y < height; ++y) {
            std::copy_n(frames[f].pixels.begin() + static_cast<std::ptrdiff_t>(y) * width, width,
                        row.begin());
            if (EGifPutLine(gif, row.data(), width) == GIF_ERROR)
                gifFailed(gif->Error);
        }
    }
    GifFileType* finished = owner.release();
    if (EGifCloseFile(finished, &error) == GIF_ERROR)
        gifFailed(error);
    return bytes;
}

std::string encodePng(const IndexedImage& image) {
    assert(image.width > 0 && image.height > 0);
    std::string png("\x89PNG\r\n\x1a\n", 8);
    std::string header;
    for (std::uint32_t value :
         {static_cast<std::uint32_t>(image.width), static_cast<std::uint32_t>(image.height)})
        for (int shift = 24; shift >= 0; shift -= 8)
            header.push_back(static_cast<char>((value >> shift) & 0xFF));
    header += std::string("\x08\x03\x00\x00\x00", 5); // 8 bits, palette, deflate, no interlace
    putChunk(png, "IHDR", header);
    std::string palette;
    for (const Rgb& c : filmPalette()) {
        palette.push_back(static_cast<char>(c.r));
        palette.push_back(static_cast<char>(c.g));
        palette.push_back(static_cast<char>(c.b));
    }
    putChunk(png, "PLTE", palette);
    std::string raw;
    raw.reserve(static_cast<std::size_t>(image.width + 1) * image.height);
    for (int y = 0; y < image.height; ++y) {
        raw.push_back('\0'); // filter: none
        raw.append(reinterpret_cast<const char*>(image.pixels.data()) +
                       static_cast<std::ptrdiff_t>(y) * image.width,
                   static_cast<std::size_t>(image.width));
    }
    uLongf size = compressBound(static_cast<uLong>(raw.size()));
    std::string compressed(size, '\0');
    if (compress2(reinterpret_cast<Bytef*>(compressed.data()), &size,
                  reinterpret_cast<const Bytef*>(raw.data()), static_cast<uLong>(raw.size()),
                  Z_BEST_COMPRESSION) != Z_OK)
        throw FileError("the PNG cannot be compressed: not enough memory");
    compressed.resize(size);
    putChunk(png, "IDAT", compressed);
    putChunk(png, "IEND", {});
    return png;
}

std::vector<FilmFrame> framesAt(const training::Trainer& trainer, const std::vector<int>& steps) {
    std::vector<FilmFrame> frames;
    for (int step : steps) {
        const auto& snapshots = trainer.snapshots();
        const auto found =
            std::find_if(snapshots.begin(), snapshots.end(),
                         [step](const training::Snapshot& s) { return s.evaluation.step == step; });
        if (found != snapshots.end()) {
            frames.push_back(frameOf(*found));
        } else if (step == trainer.step()) {
            frames.push_back(probeFrame(trainer));
        } else {
            std::string known;
            for (const training::Snapshot& s : snapshots)
                known += (known.empty() ? "" : ", ") + std::to_string(s.evaluation.step);
            if (snapshots.empty() || snapshots.back().evaluation.step != trainer.step())
                known += (known.empty() ? "" : ", ") + std::to_string(trainer.step());
            throw InputError("step " + std::to_string(step) +
                             " has no snapshot; the run has them at steps " + known);
        }
    }
    return frames;
}

std::vector<FilmFrame> allFrames(const training::Trainer& trainer) {
    std::vector<FilmFrame> frames;
    for (const training::Snapshot& snapshot : trainer.snapshots())
        frames.push_back(frameOf(snapshot));
    if (frames.empty() || frames.back().step != trainer.step())
        frames.push_back(probeFrame(trainer));
    return frames;
}

void writeLearningGif(const std::string& path, const std::vector<FilmFrame>& frames) {
    writeFileAtomically(path, encodeGif(rendered(frames)));
}

std::string runLabel(const training::Trainer& trainer) {
    const training::TrainSettings& settings = trainer.settings();
    std::string label = std::string(toString(settings.scoring)) + " " +
                        std::string(toString(settings.normalizer)) + " " +
                        std::string(training::toString(settings.positional));
    for (char& c : label)
        if (c >= 'a' && c <= 'z')
            c = static_cast<char>(c - 'a' + 'A');
    return label;
}

namespace {

// The strip of `frames`; InputError when it would be wider than kMaxStripWidth.
IndexedImage boundedStrip(const std::vector<IndexedImage>& frames) {
    IndexedImage strip = stripOf(frames);
    if (strip.width > kMaxStripWidth)
        throw InputError("a strip of " + std::to_string(frames.size()) + " steps would be " +
                         std::to_string(strip.width) + " pixels wide (at most " +
                         std::to_string(kMaxStripWidth) + "); choose fewer steps");
    return strip;
}

// The frames of both runs of a race at `steps`, each pair stacked (the first run above), drawn
// with one cell size so that every picture has one size.
std::vector<IndexedImage> renderedRace(const training::Trainer& first,
                                       const training::Trainer& second,
                                       const std::vector<int>& steps) {
    std::vector<FilmFrame> frames = framesAt(first, steps);
    const std::size_t count = frames.size();
    for (FilmFrame& frame : frames)
        frame.label = runLabel(first);
    for (FilmFrame& frame : framesAt(second, steps)) {
        frame.label = runLabel(second);
        frames.push_back(std::move(frame));
    }
    const std::vector<IndexedImage> images = rendered(frames);
    std::vector<IndexedImage> stacked;
    for (std::size_t i = 0; i < count; ++i)
        stacked.push_back(stackOf({images[i], images[count + i]}));
    return stacked;
}

} // namespace

std::vector<int> frameSteps(const training::Trainer& trainer) {
    std::vector<int> steps;
    for (const training::Snapshot& snapshot : trainer.snapshots())
        steps.push_back(snapshot.evaluation.step);
    if (steps.empty() || steps.back() != trainer.step())
        steps.push_back(trainer.step());
    return steps;
}

std::vector<int> sharedFrameSteps(const training::Trainer& first, const training::Trainer& second) {
    const std::vector<int> a = frameSteps(first);
    const std::vector<int> b = frameSteps(second);
    std::vector<int> shared;
    std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(shared));
    return shared;
}

void writeRaceGif(const std::string& path, const training::Trainer& first,
                  const training::Trainer& second) {
    const std::vector<int> steps = sharedFrameSteps(first, second);
    if (steps.empty())
        throw InputError("the two runs of the race have no step with heatmaps in common");
    writeFileAtomically(path, encodeGif(renderedRace(first, second, steps)));
}

void writeRaceStrip(const std::string& path, const training::Trainer& first,
                    const training::Trainer& second, const std::vector<int>& steps) {
    writeFileAtomically(path, encodePng(boundedStrip(renderedRace(first, second, steps))));
}

void checkStripWidth(const training::Trainer& trainer, std::size_t count) {
    const long long width =
        static_cast<long long>(rendered({probeFrame(trainer)}).front().width + kGap) *
            static_cast<long long>(count) -
        kGap;
    if (width > kMaxStripWidth)
        throw InputError("a strip of " + std::to_string(count) + " steps would be " +
                         std::to_string(width) + " pixels wide (at most " +
                         std::to_string(kMaxStripWidth) + "); choose fewer steps");
}

void writeLearningStrip(const std::string& path, const std::vector<FilmFrame>& frames) {
    writeFileAtomically(path, encodePng(boundedStrip(rendered(frames))));
}

std::vector<int> parseStepList(std::string_view text, int lastStep, std::string_view option) {
    const std::string prefix = option.empty() ? std::string() : "--" + std::string(option) + ": ";
    std::vector<int> steps;
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t comma = std::min(text.find(',', start), text.size());
        std::string_view item = text.substr(start, comma - start);
        while (!item.empty() && item.front() == ' ')
            item.remove_prefix(1);
        while (!item.empty() && item.back() == ' ')
            item.remove_suffix(1);
        int value = -1;
        const auto [end, error] = std::from_chars(item.data(), item.data() + item.size(), value);
        if (item.empty() || error != std::errc() || end != item.data() + item.size())
            throw InputError(prefix + "'" + std::string(item) +
                             "' is not a step; write steps separated by commas, e.g. 0,100,500");
        if (value < 0 || value > lastStep)
            throw InputError(prefix + "step " + std::to_string(value) + " is outside 0 … " +
                             std::to_string(lastStep) + " (the run's steps)");
        steps.push_back(value);
        start = comma + 1;
    }
    std::sort(steps.begin(), steps.end());
    steps.erase(std::unique(steps.begin(), steps.end()), steps.end());
    return steps;
}

std::vector<int> defaultStripSteps(int lastStep, int every) {
    every = std::max(1, every);
    const auto rounded = [every, lastStep](int step) {
        return std::min(lastStep, (step + every / 2) / every * every);
    };
    std::vector<int> steps = {0, rounded(lastStep / 4), rounded(lastStep / 2), lastStep};
    std::sort(steps.begin(), steps.end());
    steps.erase(std::unique(steps.begin(), steps.end()), steps.end());
    return steps;
}

} // namespace attnlab::core::film
