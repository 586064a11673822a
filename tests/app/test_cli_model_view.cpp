// `--view model` end to end: every layer × head of a model folder drawn into --export. The PNG
// grows with the layers, the SVG names each layer and head as on screen (L1…, H1…), a result of
// one layer is refused with exit status 1 and nothing written, and wrong values of --view are
// usage errors that list the views. Model folders are written by `attention-lab train` (the
// layout any model folder of the program has).

#include "test_support.h"

#include <gtest/gtest.h>

#include <cctype>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_cli_model_view {

using namespace attnlab::testing;

namespace {

const std::string kBinary = ATTNLAB_BINARY;

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

ProcessResult run(std::vector<std::string> args) {
    args.insert(args.begin(), kBinary);
    return runProgram(args, {{"QT_QPA_PLATFORM", "offscreen"}}, std::chrono::seconds(120));
}

// Width and height from a PNG's header chunk.
std::pair<std::uint32_t, std::uint32_t> pngSize(const std::string& bytes) {
    auto word = [&](std::size_t at) {
        std::uint32_t value = 0;
        for (std::size_t i = 0; i < 4; ++i)
            value = value << 8 | static_cast<unsigned char>(bytes.at(at + i));
        return value;
    };
    EXPECT_EQ(bytes.substr(1, 3), "PNG");
    return {word(16), word(20)};
}

class CliModelView : public TempDirTest {
protected:
    // A small model of `layers` layers × 3 heads, trained for a few steps.
    std::string model(int layers) {
        const std::string folder = m_dir.file("model" + std::to_string(layers));
        const ProcessResult trained = run({"train",
                                           "--task",
                                           "reverse",
                                           "--length",
                                           "4",
                                           "--vocab",
                                           "5",
                                           "--layers",
                                           std::to_string(layers),
                                           "--heads",
                                           "3",
                                           "--d-model",
                                           "12",
                                           "--steps",
                                           "3",
                                           "--batch",
                                           "4",
                                           "--heldout",
                                           "8",
                                           "--probe",
                                           "4",
                                           "--eval-every",
                                           "3",
                                           "--seed",
                                           "2",
                                           "--save",
                                           folder});
        EXPECT_EQ(trained.exitCode, 0) << describe(trained);
        return folder;
    }
};

} // namespace

TEST_F(CliModelView, PngGrowsWithTheLayers) {
    std::vector<std::pair<std::uint32_t, std::uint32_t>> sizes;
    for (int layers : {2, 4}) {
        const std::string out = m_dir.file("model" + std::to_string(layers) + ".png");
        const ProcessResult exported = run({"--model", model(layers), "--sentence", "1 2 3 4",
                                            "--view", "model", "--export", out});
        ASSERT_EQ(exported.exitCode, 0) << describe(exported);
        sizes.push_back(pngSize(readFile(out)));
    }
    // Three heads both times: the same width; two more rows of thumbnails.
    EXPECT_EQ(sizes[0].first, sizes[1].first);
    EXPECT_GT(sizes[1].second, sizes[0].second + 150);
    EXPECT_LE(sizes[1].first, 16384u);
}

TEST_F(CliModelView, SvgNamesEveryLayerAndHead) {
    const std::string out = m_dir.file("model.svg");
    const ProcessResult exported = run({"--model", model(3), "--sentence", "1 2 3 <s> 3 2 1",
                                        "--view", "model", "--title", "--export", out});
    ASSERT_EQ(exported.exitCode, 0) << describe(exported);
    const std::string svg = readFile(out);
    for (const char* label : {">L1<", ">L2<", ">L3<", ">H1<", ">H3<"})
        EXPECT_TRUE(contains(svg, label)) << label;
    EXPECT_FALSE(contains(svg, ">L4<"));
    EXPECT_FALSE(contains(svg, ">H4<"));
}

TEST_F(CliModelView, OneLayerIsRefusedAndNothingIsWritten) {
    const std::string out = m_dir.file("one.png");
    // The built-in layer, and a model folder of one layer.
    for (const std::vector<std::string>& source :
         {std::vector<std::string>{"--sentence", "the cat sat"},
          std::vector<std::string>{"--model", model(1), "--sentence", "1 2 3"}}) {
        std::vector<std::string> args = source;
        args.insert(args.end(), {"--view", "model", "--export", out});
        const ProcessResult refused = run(args);
        EXPECT_EQ(refused.exitCode, 1) << describe(refused);
        EXPECT_TRUE(contains(refused.err, "--view model")) << refused.err;
        EXPECT_TRUE(contains(refused.err, "1 layer")) << refused.err;
        EXPECT_TRUE(contains(refused.err, "--view grid")) << refused.err;
        EXPECT_FALSE(std::filesystem::exists(out));
    }
}

TEST_F(CliModelView, BadValuesAreUsageErrorsThatListTheViews) {
    for (const char* value : {"models", "model:2", "Model"}) {
        const ProcessResult refused =
            run({"--sentence", "a b", "--view", value, "--export", m_dir.file("x.png")});
        EXPECT_EQ(refused.exitCode, 2) << value << "\n" << describe(refused);
        EXPECT_TRUE(contains(refused.err, "is not a view")) << refused.err;
        EXPECT_TRUE(contains(refused.err, "model, layer:L")) << refused.err;
    }
    const ProcessResult help = run({"--help"});
    ASSERT_EQ(help.exitCode, 0);
    // The help wraps its lines: words are compared with single spaces between them.
    std::string words;
    for (char c : help.out)
        if (!std::isspace(static_cast<unsigned char>(c)))
            words += c;
        else if (!words.empty() && words.back() != ' ')
            words += ' ';
    EXPECT_TRUE(contains(words, "model, layer:L, head:L.H, rollout")) << help.out;
    EXPECT_TRUE(contains(words, "refused with exit status 1")) << help.out;
}

} // namespace test_cli_model_view
