// The learning as pictures: the GIF decodes with giflib to one frame per chosen step at the
// rendered size, the PNG strip has the frames' size side by side, a trained step looks different
// from the untrained one, and a failed write leaves the earlier file.

#include "core/film/learning_film.h"
#include "core/training/trainer.h"
#include "support/training_fixtures.h"
#include "test_support.h"

#include <gif_lib.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_learning_film {

using namespace attnlab::core;
using namespace attnlab::core::training;
using namespace attnlab::core::film;
using attnlab::testing::readFile;
using attnlab::testing::smallTrainSettings;
using attnlab::testing::TempDir;
using attnlab::testing::writeFile;

namespace {

struct DecodedGif {
    int width = 0, height = 0, frames = 0;
    std::vector<std::vector<GifByteType>> pixels;
};

DecodedGif decodeGif(const std::string& path) {
    int error = 0;
    GifFileType* gif = DGifOpenFileName(path.c_str(), &error);
    EXPECT_NE(gif, nullptr) << GifErrorString(error);
    DecodedGif decoded;
    if (gif == nullptr)
        return decoded;
    EXPECT_EQ(DGifSlurp(gif), GIF_OK) << GifErrorString(gif->Error);
    decoded.width = gif->SWidth;
    decoded.height = gif->SHeight;
    decoded.frames = gif->ImageCount;
    for (int i = 0; i < gif->ImageCount; ++i) {
        const SavedImage& image = gif->SavedImages[i];
        EXPECT_EQ(image.ImageDesc.Width, gif->SWidth);
        EXPECT_EQ(image.ImageDesc.Height, gif->SHeight);
        decoded.pixels.emplace_back(
            image.RasterBits, image.RasterBits + static_cast<std::size_t>(image.ImageDesc.Width) *
                                                     image.ImageDesc.Height);
    }
    DGifCloseFile(gif, &error);
    return decoded;
}

// Width and height from a PNG's IHDR chunk, read byte by byte.
std::pair<int, int> pngSize(const std::string& bytes) {
    EXPECT_GE(bytes.size(), 24u);
    EXPECT_EQ(bytes.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
    EXPECT_EQ(bytes.substr(12, 4), "IHDR");
    const auto u32 = [&bytes](std::size_t at) {
        int value = 0;
        for (std::size_t i = 0; i < 4; ++i)
            value = value * 256 + static_cast<unsigned char>(bytes[at + i]);
        return value;
    };
    return {u32(16), u32(20)};
}

} // namespace

TEST(LearningFilm, GifHasOneFrameForEachStepAtTheRenderedSize) {
    for (const auto& [layers, heads] : {std::pair{1, 1}, std::pair{2, 2}}) {
        Trainer trainer(smallTrainSettings(TaskKind::Reverse, layers, heads));
        trainer.run(30);
        const std::vector<FilmFrame> frames = allFrames(trainer);
        ASSERT_EQ(frames.size(), 4u); // steps 0, 10, 20, 30
        EXPECT_EQ(frames.front().step, 0);
        EXPECT_EQ(frames.back().step, 30);
        TempDir dir;
        writeLearningGif(dir.file("learning.gif"), frames);
        const DecodedGif gif = decodeGif(dir.file("learning.gif"));
        EXPECT_EQ(gif.frames, 4);
        // The layout: 8-pixel margins and gaps, a 14-pixel title ("STEP 10000000" sets the
        // narrowest width), one row per layer and one map per head with a 1-pixel frame, cells
        // of 96 / side pixels.
        const int side = frames.front().maps.front().keyLength;
        const int map = side * std::clamp(96 / side, 2, 64) + 2;
        EXPECT_EQ(gif.width, std::max(16 + heads * map + (heads - 1) * 8, 16 + 13 * 12 - 2));
        EXPECT_EQ(gif.height, 8 + 14 + 8 + layers * map + (layers - 1) * 8 + 8);
        EXPECT_EQ(frames.front().maps.size(), static_cast<std::size_t>(layers));
        EXPECT_EQ(frames.front().maps.front().heads, heads);
        const IndexedImage expected = renderFrame(frames.front(), std::clamp(96 / side, 2, 64));
        EXPECT_EQ(gif.width, expected.width);
        EXPECT_EQ(gif.height, expected.height);
        ASSERT_EQ(gif.pixels.size(), 4u);
        EXPECT_EQ(gif.pixels.front(), expected.pixels) << "the GIF holds the drawn frame";
    }
}

TEST(LearningFilm, TrainedStepDiffersFromTheUntrainedOne) {
    Trainer trainer(smallTrainSettings(TaskKind::Reverse, 1, 2));
    trainer.run(40);
    const std::vector<FilmFrame> frames = framesAt(trainer, {0, 40});
    const IndexedImage untrained = renderFrame(frames[0], 8);
    const IndexedImage trained = renderFrame(frames[1], 8);
    ASSERT_EQ(untrained.pixels.size(), trained.pixels.size());
    // The title differs anyway; the maps below it must differ too.
    const std::size_t titleEnd = static_cast<std::size_t>(untrained.width) * 30;
    std::size_t differing = 0;
    for (std::size_t i = titleEnd; i < untrained.pixels.size(); ++i)
        differing += untrained.pixels[i] != trained.pixels[i];
    EXPECT_GT(differing, 100u);
    // And the weights they show differ: the frame shows the trainer's maps, not a fixed picture.
    EXPECT_GT((frames[0].maps[0].weights[0] - frames[1].maps[0].weights[0]).cwiseAbs().maxCoeff(),
              1e-3f);
}

TEST(LearningFilm, ProbeFrameMatchesTheSnapshotOfTheSameStep) {
    Trainer trainer(smallTrainSettings(TaskKind::Reverse, 2, 2));
    trainer.run(10);
    const FilmFrame now = probeFrame(trainer);
    const FilmFrame recorded = frameOf(trainer.snapshots().back());
    ASSERT_EQ(recorded.step, 10);
    EXPECT_EQ(now.step, 10);
    ASSERT_EQ(now.maps.size(), recorded.maps.size());
    for (std::size_t b = 0; b < now.maps.size(); ++b)
        for (std::size_t h = 0; h < now.maps[b].weights.size(); ++h)
            EXPECT_TRUE(now.maps[b].weights[h].isApprox(recorded.maps[b].weights[h], 1e-6f));
}

TEST(LearningFilm, StripIsTheFramesSideBySide) {
    Trainer trainer(smallTrainSettings(TaskKind::Reverse, 1, 1));
    trainer.run(20);
    const std::vector<FilmFrame> frames = framesAt(trainer, {0, 10, 20});
    const int side = frames.front().maps.front().keyLength;
    const IndexedImage one = renderFrame(frames.front(), std::clamp(96 / side, 2, 64));
    TempDir dir;
    writeLearningStrip(dir.file("strip.png"), frames);
    const auto [width, height] = pngSize(readFile(dir.file("strip.png")));
    EXPECT_EQ(width, 3 * one.width + 2 * 8);
    EXPECT_EQ(height, one.height);
}

TEST(LearningFilm, StepWithoutSnapshotIsRefusedNamingTheKnownSteps) {
    Trainer trainer(smallTrainSettings(TaskKind::Reverse, 1, 1));
    trainer.run(20);
    try {
        framesAt(trainer, {5});
        FAIL() << "step 5 has no snapshot";
    } catch (const InputError& error) {
        EXPECT_NE(std::string(error.what()).find("0, 10, 20"), std::string::npos) << error.what();
    }
}

TEST(LearningFilm, FailedWriteLeavesTheEarlierFile) {
    Trainer trainer(smallTrainSettings(TaskKind::Reverse, 1, 1));
    TempDir dir;
    // A read-only file is refused and kept (the atomic writer checks its mode, even for root).
    const std::string path = dir.file("learning.gif");
    writeFile(path, "earlier");
    std::filesystem::permissions(path, std::filesystem::perms::owner_read);
    EXPECT_THROW(writeLearningGif(path, allFrames(trainer)), FileError);
    EXPECT_EQ(readFile(path), "earlier");
    // Frames that cannot be drawn are refused before anything is written.
    const std::string strip = dir.file("strip.png");
    writeFile(strip, "earlier strip");
    EXPECT_THROW(writeLearningStrip(strip, {}), InputError);
    EXPECT_EQ(readFile(strip), "earlier strip");
}

TEST(LearningFilm, NoFramesIsAnInputError) {
    EXPECT_THROW(encodeGif({}), InputError);
    EXPECT_THROW(stripOf({}), InputError);
    IndexedImage a{2, 2, std::vector<std::uint8_t>(4, 0)}, b{3, 2, std::vector<std::uint8_t>(6, 0)};
    EXPECT_THROW(encodeGif({a, b}), InputError);
}

TEST(LearningFilm, StepListsAreReadAndChecked) {
    EXPECT_EQ(parseStepList("500, 0,100,100,3000", 3000, "strip-steps"),
              (std::vector<int>{0, 100, 500, 3000}));
    EXPECT_THROW(parseStepList("0,,5", 10, "strip-steps"), InputError);
    EXPECT_THROW(parseStepList("0,x", 10, "strip-steps"), InputError);
    EXPECT_THROW(parseStepList("11", 10, "strip-steps"), InputError);
    EXPECT_THROW(parseStepList("-1", 10, "strip-steps"), InputError);
    EXPECT_EQ(defaultStripSteps(3000, 100), (std::vector<int>{0, 800, 1500, 3000}));
    EXPECT_EQ(defaultStripSteps(1, 100), (std::vector<int>{0, 1}));
}

TEST(LearningFilm, RaceFramesStackBothRunsWithTheirLabels) {
    TrainSettings mine = smallTrainSettings(TaskKind::Reverse, 1, 2);
    TrainSettings rival = mine;
    rival.scoring = ScoringFunction::Additive;
    Race race(mine, rival);
    race.run(20);
    EXPECT_EQ(runLabel(race.first()), "SCALED-DOT SOFTMAX LEARNED");
    EXPECT_EQ(runLabel(race.second()), "ADDITIVE SOFTMAX LEARNED");

    // Each GIF frame: the first run's frame above the second's, a grey line between them.
    TempDir dir;
    writeRaceGif(dir.file("race.gif"), race.first(), race.second());
    const DecodedGif gif = decodeGif(dir.file("race.gif"));
    EXPECT_EQ(gif.frames, 3); // steps 0, 10, 20
    const int side = race.first().snapshots().front().maps.front().keyLength;
    const int cell = std::clamp(96 / side, 2, 64);
    std::vector<FilmFrame> top = framesAt(race.first(), {20});
    std::vector<FilmFrame> bottom = framesAt(race.second(), {20});
    top[0].label = runLabel(race.first());
    bottom[0].label = runLabel(race.second());
    const IndexedImage expected =
        stackOf({renderFrame(top[0], cell), renderFrame(bottom[0], cell)});
    EXPECT_EQ(gif.width, expected.width);
    EXPECT_EQ(gif.height, expected.height);
    ASSERT_EQ(gif.pixels.size(), 3u);
    EXPECT_EQ(gif.pixels.back(), expected.pixels);
    // The two halves differ: the rival's maps are not a copy of the first run's.
    FilmFrame unlabelledTop = top[0], unlabelledBottom = bottom[0];
    unlabelledTop.label.clear();
    unlabelledBottom.label.clear();
    const IndexedImage a = renderFrame(unlabelledTop, cell);
    const IndexedImage b = renderFrame(unlabelledBottom, cell);
    ASSERT_EQ(a.pixels.size(), b.pixels.size());
    EXPECT_NE(a.pixels, b.pixels);
    // The label widens a frame: a label's text is drawn, not dropped.
    EXPECT_GT(renderFrame(top[0], cell).width, a.width);

    writeRaceStrip(dir.file("race.png"), race.first(), race.second(), {0, 20});
    const auto [width, height] = pngSize(readFile(dir.file("race.png")));
    EXPECT_EQ(width, 2 * expected.width + 8);
    EXPECT_EQ(height, expected.height);
    // A step one run has no snapshot of is refused, naming the steps that have one.
    EXPECT_THROW(writeRaceStrip(dir.file("bad.png"), race.first(), race.second(), {5}), InputError);
    EXPECT_FALSE(std::filesystem::exists(dir.file("bad.png")));
}

TEST(LearningFilm, StackPutsPartsAboveEachOtherWithALineBetween) {
    IndexedImage a{3, 2, std::vector<std::uint8_t>(6, 5)};
    IndexedImage b{2, 1, std::vector<std::uint8_t>(2, 7)};
    const IndexedImage s = stackOf({a, b});
    EXPECT_EQ(s.width, 3);
    EXPECT_EQ(s.height, 2 + 8 + 1 + 1);
    EXPECT_EQ(s.pixels[0], 5);
    EXPECT_EQ(s.pixels[static_cast<std::size_t>(2 + 4) * 3], 2) << "the grey line";
    EXPECT_EQ(s.pixels[static_cast<std::size_t>(11) * 3], 7);
    EXPECT_EQ(s.pixels[static_cast<std::size_t>(11) * 3 + 2], 0) << "background beside b";
    EXPECT_THROW(stackOf({}), InputError);
}

} // namespace test_learning_film
