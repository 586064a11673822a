// The attention-lab binary without a display: help and version, data exports, images in every
// format (PNG at the asked resolution, PDF with embedded fonts, SVG as text) and their errors,
// and lessons rendered headless with options that override them.

#include "support/cli_export_testing.h"
#include "test_support.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_cli_images {

namespace fs = std::filesystem;
using namespace attnlab::testing::cli;

// ---- help, version, and no Qt on the headless path ----------------------------------------------

TEST_F(CommandLine, HelpAndVersionNeedNoDisplay) {
    const RunSettings noDisplay{{}, true};
    const ProcessRun help = run({"--help"}, noDisplay);
    ASSERT_EQ(help.exitCode, 0) << describe(help);
    EXPECT_EQ(help.err, "");
    for (const char* fragment : {"--sentence", "--export-data", "dot, scaled-dot, general",
                                 "softmax, sparsemax, relu, sigmoid, hardmax", "default: 64"})
        EXPECT_NE(help.out.find(fragment), std::string::npos) << fragment;
    const ProcessRun version = run({"--version"}, noDisplay);
    ASSERT_EQ(version.exitCode, 0);
    EXPECT_EQ(version.out.rfind("attention-lab " ATTNLAB_VERSION "\n", 0), 0u) << version.out;
}

TEST_F(CommandLine, ExportNeedsNoDisplay) {
    const ProcessRun result =
        run({"--sentence", "hello world", "--d-model", "8", "--export-data", m_dir.file("out.csv")},
            RunSettings{{}, true});
    EXPECT_EQ(result.exitCode, 0) << describe(result);
    EXPECT_TRUE(fs::exists(m_dir.file("out.csv")));
}
// ---- images: --export, headless ----------------------------------------------------------------

namespace {

// Width, height and resolution (dots per metre) of a PNG, from its IHDR and pHYs chunks.
struct PngInfo {
    std::uint32_t width = 0, height = 0, dotsPerMetre = 0;
};

std::uint32_t bigEndian32(const std::string& bytes, std::size_t at) {
    return (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at])) << 24) |
           (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + 1])) << 16) |
           (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + 2])) << 8) |
           static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + 3]));
}

PngInfo pngInfo(const std::string& bytes) {
    PngInfo info;
    if (bytes.size() < 33 || bytes.compare(1, 3, "PNG") != 0)
        return info;
    info.width = bigEndian32(bytes, 16);
    info.height = bigEndian32(bytes, 20);
    const std::size_t phys = bytes.find("pHYs");
    if (phys != std::string::npos && phys + 8 < bytes.size())
        info.dotsPerMetre = bigEndian32(bytes, phys + 4);
    return info;
}

} // namespace

TEST_F(CommandLine, ImagesInEveryFormatWithoutADisplay) {
    const RunSettings noDisplay{{}, true};
    const std::vector<std::string> chinese{"--sentence", "我爱深度学习", "--heads",
                                           "8",          "--mask",       "causal"};
    auto with = [&](std::vector<std::string> extra) {
        std::vector<std::string> args = chinese;
        args.insert(args.end(), extra.begin(), extra.end());
        return args;
    };
    const ProcessRun png = run(with({"--export", m_dir.file("grid.png"), "--width", "800",
                                     "--height", "600", "--dpi", "300", "--title"}),
                               noDisplay);
    ASSERT_EQ(png.exitCode, 0) << describe(png);
    const PngInfo info = pngInfo(readFile(m_dir.file("grid.png")));
    EXPECT_EQ(info.width, 2500u); // 800 × 300 / 96
    EXPECT_EQ(info.height, 1875u);
    EXPECT_NEAR(info.dotsPerMetre * 0.0254, 300.0, 0.5);

    const ProcessRun pdf =
        run(with({"--export", m_dir.file("grid.pdf"), "--view", "combined"}), noDisplay);
    ASSERT_EQ(pdf.exitCode, 0) << describe(pdf);
    const std::string pdfBytes = readFile(m_dir.file("grid.pdf"));
    EXPECT_EQ(pdfBytes.rfind("%PDF-", 0), 0u);
    EXPECT_NE(pdfBytes.find("/FontFile2"), std::string::npos);

    const ProcessRun svg = run(with({"--export", m_dir.file("head.svg"), "--view", "head:3",
                                     "--colormap", "magma", "--values", "on"}),
                               noDisplay);
    ASSERT_EQ(svg.exitCode, 0) << describe(svg);
    const std::string svgText = readFile(m_dir.file("head.svg"));
    EXPECT_NE(svgText.find("<svg"), std::string::npos);
    EXPECT_NE(svgText.find("Head 3"), std::string::npos);
    EXPECT_NE(svgText.find("深度"), std::string::npos);
    EXPECT_EQ(svgText.find("<image"), std::string::npos);

    // Both exports in one run; the details of a row.
    const ProcessRun both = run(with({"--export", m_dir.file("row.png"), "--view", "details:4",
                                      "--export-data", m_dir.file("row.json")}),
                                noDisplay);
    ASSERT_EQ(both.exitCode, 0) << describe(both);
    EXPECT_TRUE(fs::exists(m_dir.file("row.png")));
    EXPECT_TRUE(fs::exists(m_dir.file("row.json")));
    EXPECT_EQ(png.out + pdf.out + svg.out + both.out, "") << "stdout stays clean";
}

TEST_F(CommandLine, ImageErrorsExitOneAndWriteNothing) {
    struct Case {
        std::vector<std::string> args;
        std::string fragment;
    };
    const std::vector<Case> cases{
        {{"--export", m_dir.file("a.bmp")}, "use a name ending in .png, .svg or .pdf"},
        {{"--export", m_dir.file("missing/a.png")}, "does not exist"},
        {{"--export", m_dir.file("a.png"), "--view", "head:4", "--heads", "2"},
         "head 4 does not exist"},
        {{"--export", m_dir.file("a.png"), "--view", "details:99"}, "query row 99 does not exist"},
    };
    for (const Case& c : cases) {
        const ProcessRun result = run(c.args);
        EXPECT_EQ(result.exitCode, 1) << describe(result);
        EXPECT_NE(result.err.find(c.fragment), std::string::npos) << result.err;
    }
    EXPECT_TRUE(m_dir.entries().empty());
    const ProcessRun usage = run({"--export", m_dir.file("a.png"), "--view", "spiral"});
    EXPECT_EQ(usage.exitCode, 2) << describe(usage);
    EXPECT_NE(usage.err.find("--view: 'spiral' is not a view"), std::string::npos) << usage.err;
}

TEST_F(CommandLine, SessionsRenderHeadlessAndOptionsOverrideThem) {
    const std::string lesson = m_dir.file("lesson.attnlab");
    writeFile(lesson, R"({"format": "attention-lab-session", "version": 1,
        "config": {"sentence": "我爱深度学习", "heads": 4, "mask": "causal", "scoring": "dot"},
        "view": {"layout": "combined", "color_map": "cividis"}})");
    const ProcessRun plain = run({"--session", lesson, "--export-data", m_dir.file("a.json")});
    ASSERT_EQ(plain.exitCode, 0) << describe(plain);
    QJsonObject config = parseJsonFile(m_dir.file("a.json")).value("config").toObject();
    EXPECT_EQ(config.value("heads").toInt(), 4);
    EXPECT_EQ(config.value("scoring").toString(), "dot");
    EXPECT_EQ(config.value("mask").toString(), "causal");

    // A lone .attnlab argument is the session too; --heads overrides its 4.
    const ProcessRun overridden = run({lesson, "--heads", "2", "--export-data",
                                       m_dir.file("b.json"), "--export", m_dir.file("b.svg")});
    ASSERT_EQ(overridden.exitCode, 0) << describe(overridden);
    config = parseJsonFile(m_dir.file("b.json")).value("config").toObject();
    EXPECT_EQ(config.value("heads").toInt(), 2);
    EXPECT_EQ(config.value("scoring").toString(), "dot");
    // The session's view: the combined map only.
    const std::string svg = readFile(m_dir.file("b.svg"));
    EXPECT_NE(svg.find("Mean of 2 heads"), std::string::npos);
    EXPECT_EQ(svg.find("Head 1"), std::string::npos);

    writeFile(m_dir.file("newer.attnlab"),
              R"({"format": "attention-lab-session", "version": 7, "config": {}})");
    const ProcessRun newer =
        run({"--session", m_dir.file("newer.attnlab"), "--export-data", m_dir.file("c.json")});
    EXPECT_EQ(newer.exitCode, 1) << describe(newer);
    EXPECT_NE(newer.err.find("newer Attention Lab"), std::string::npos) << newer.err;
    EXPECT_FALSE(fs::exists(m_dir.file("c.json")));
}

} // namespace test_cli_images
