// Reading .npy arrays and importing attention weights with their tokens.

#include "core/base/npy.h"
#include "core/io/data_export.h"
#include "core/model/imported_attention.h"
#include "core/teaching/steps.h"

#include "eigen_testing.h"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <memory>
#include <sstream>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_npy {

using namespace attnlab::core;

namespace {

// An .npy file with the given dtype, shape and raw data bytes (header padded to 64 bytes).
std::string npyBytes(const std::string& descr, const std::string& shape, const std::string& data,
                     bool fortran = false, int version = 1) {
    std::string header = "{'descr': '" + descr +
                         "', 'fortran_order': " + (fortran ? "True" : "False") +
                         ", 'shape': " + shape + ", }";
    const std::size_t preamble = version == 1 ? 10 : 12;
    header.append((64 - (preamble + header.size() + 1) % 64) % 64, ' ');
    header.push_back('\n');
    std::string out = "\x93NUMPY";
    out.push_back(static_cast<char>(version));
    out.push_back('\0');
    const std::size_t length = header.size();
    out.push_back(static_cast<char>(length & 0xFF));
    out.push_back(static_cast<char>((length >> 8) & 0xFF));
    if (version != 1) {
        out.push_back('\0');
        out.push_back('\0');
    }
    return out + header + data;
}

template <typename T> std::string rawBytes(const std::vector<T>& values, bool bigEndian = false) {
    std::string out;
    for (T value : values) {
        char bytes[sizeof(T)];
        std::memcpy(bytes, &value, sizeof(T));
        if (bigEndian)
            std::reverse(bytes, bytes + sizeof(T));
        out.append(bytes, sizeof(T));
    }
    return out;
}

std::string errorOf(const std::string& bytes) {
    try {
        parseNpy(bytes, "w.npy");
    } catch (const InputError& error) {
        return error.what();
    }
    return "no error";
}

} // namespace

TEST(Npy, ReadsWhatTheDataExportWrites) {
    Config config;
    config.sentence = "我爱深度学习";
    config.heads = 4;
    const ModelOutput result = runBuiltin(config);
    std::ostringstream out;
    writeNpy(result, out);
    const NpyArray array = parseNpy(out.str(), "export.npy");
    ASSERT_EQ(array.shape, (std::vector<std::int64_t>{4, 4, 4}));
    for (int h = 0; h < 4; ++h)
        for (int i = 0; i < 4; ++i)
            for (int j = 0; j < 4; ++j)
                EXPECT_EQ(array.data[static_cast<std::size_t>((h * 4 + i) * 4 + j)],
                          result.maps.weights[static_cast<std::size_t>(h)](i, j));
}

TEST(Npy, Float64BigEndianFloat16AndVersion2) {
    const NpyArray f8 = parseNpy(npyBytes("<f8", "(1, 2)", rawBytes<double>({0.25, 0.75})), "a");
    EXPECT_EQ(f8.data, (std::vector<float>{0.25f, 0.75f}));
    const NpyArray be =
        parseNpy(npyBytes(">f4", "(2,)", rawBytes<float>({1.5f, -2.0f}, true)), "b");
    EXPECT_EQ(be.data, (std::vector<float>{1.5f, -2.0f}));
    // float16: 0x3C00 = 1.0, 0x3800 = 0.5, 0x0001 = 2^-24 (subnormal)
    const NpyArray f2 =
        parseNpy(npyBytes("<f2", "(3,)", rawBytes<std::uint16_t>({0x3C00, 0x3800, 0x0001})), "c");
    EXPECT_EQ(f2.data[0], 1.0f);
    EXPECT_EQ(f2.data[1], 0.5f);
    EXPECT_EQ(f2.data[2], std::ldexp(1.0f, -24));
    const NpyArray v2 = parseNpy(npyBytes("<f4", "(1,)", rawBytes<float>({3.0f}), false, 2), "d");
    EXPECT_EQ(v2.data, (std::vector<float>{3.0f}));
}

TEST(Npy, FortranOrderIsReordered) {
    // The 2 × 3 matrix [[1, 2, 3], [4, 5, 6]] stored column by column.
    const NpyArray a =
        parseNpy(npyBytes("<f4", "(2, 3)", rawBytes<float>({1, 4, 2, 5, 3, 6}), true), "f");
    EXPECT_EQ(a.data, (std::vector<float>{1, 2, 3, 4, 5, 6}));
}

TEST(Npy, BadFilesAreRefusedWithTheReason) {
    EXPECT_NE(errorOf("PK\x03\x04 not numpy").find("not a NumPy .npy file"), std::string::npos);
    EXPECT_NE(
        errorOf(npyBytes("<i8", "(2,)", rawBytes<std::int64_t>({1, 2}))).find("not floating point"),
        std::string::npos);
    EXPECT_NE(errorOf(npyBytes("|b1", "(2,)", "\x01\x00")).find("not floating point"),
              std::string::npos);
    EXPECT_NE(errorOf(npyBytes("<f4", "(4,)", rawBytes<float>({1, 2}))).find("truncated"),
              std::string::npos);
    EXPECT_NE(errorOf(npyBytes("<f4", "(1,)", rawBytes<float>({1, 2}))).find("bytes more"),
              std::string::npos);
    EXPECT_NE(errorOf(npyBytes("<f4", "(2, 2)", rawBytes<float>({0.5f, NAN, 0, 1})))
                  .find("NaN at index [0, 1]"),
              std::string::npos);
    EXPECT_NE(errorOf(npyBytes("<f8", "(1,)", rawBytes<double>({1e300}))).find("infinite"),
              std::string::npos);
    EXPECT_NE(errorOf(npyBytes("<f4", "(99999999999, 99999999999)", "")).find("too large"),
              std::string::npos);
    std::string badHeader = npyBytes("<f4", "(1,)", rawBytes<float>({1}));
    badHeader[20] = '#';
    EXPECT_NE(errorOf(badHeader).find("header"), std::string::npos);
    EXPECT_NE(errorOf(std::string("\x93NUMPY\x01\x00\xff\x7f", 10)).find("truncated"),
              std::string::npos);
}

TEST(ImportedAttention, TokenListsInEveryAcceptedForm) {
    auto [q1, k1] = parseTokenLists(R"(["我", "爱"])");
    EXPECT_EQ(q1, (std::vector<std::string>{"我", "爱"}));
    EXPECT_EQ(k1, q1);
    auto [q2, k2] = parseTokenLists(R"({"query": ["I", "love"], "key": ["我", "爱", "你"]})");
    EXPECT_EQ(k2.size(), 3u);
    auto [q3, k3] = parseTokenLists(R"([["a"], ["b", "c"]])");
    EXPECT_EQ(q3, (std::vector<std::string>{"a"}));
    EXPECT_EQ(k3, (std::vector<std::string>{"b", "c"}));
    EXPECT_THROW(parseTokenLists(R"([["a"], ["b"], ["c"]])"), InputError);
    EXPECT_THROW(parseTokenLists(R"([1, 2])"), InputError);
    EXPECT_THROW(parseTokenLists(R"("a")"), InputError);
}

TEST(ImportedAttention, ShapesMustFitTheTokens) {
    NpyArray a{{2, 3, 3}, std::vector<float>(18, 1.0f / 3)};
    const std::vector<std::string> three = {"a", "b", "c"};
    EXPECT_NO_THROW(importAttention(a, three, three));
    try {
        importAttention(a, {"a", "b"}, three);
        FAIL();
    } catch (const InputError& error) {
        EXPECT_NE(std::string(error.what()).find("3 query rows"), std::string::npos)
            << error.what();
    }
    EXPECT_THROW(importAttention(a, three, {"a"}), InputError);
    EXPECT_THROW(importAttention(NpyArray{{9}, std::vector<float>(9, 0.1f)}, three, three),
                 InputError);
    EXPECT_THROW(importAttention(NpyArray{{1, 1, 1, 1, 1}, {1.0f}}, {"a"}, {"a"}), InputError);
    EXPECT_THROW(importAttention(NpyArray{{0, 3, 3}, {}}, three, three), InputError);
}

TEST(ImportedAttention, LayersBecomeMapsTheViewsCanShow) {
    // 2 layers × 2 heads × 2 queries × 3 keys; every value distinct.
    NpyArray a{{2, 2, 2, 3}, {}};
    for (int i = 0; i < 24; ++i)
        a.data.push_back(static_cast<float>(i) / 100.0f);
    const ImportedAttention imported = importAttention(a, {"x", "y"}, {"p", "q", "r"});
    EXPECT_EQ(imported.layers, 2);
    EXPECT_EQ(imported.heads, 2);
    const AttentionMaps maps = importedMaps(imported);
    EXPECT_TRUE(maps.cross);
    EXPECT_EQ(maps.layers, 2);
    EXPECT_EQ(maps.heads, 2);
    ASSERT_EQ(maps.weights.size(), 4u);
    // layer 1, head 0 starts at flat index 12.
    EXPECT_FLOAT_EQ(maps.weightsOf(1, 0)(0, 0), 0.12f);
    EXPECT_FLOAT_EQ(maps.weightsOf(1, 1)(1, 2), 0.23f);
    EXPECT_FLOAT_EQ(maps.weights[maps.index(1, 1)](1, 2), 0.23f);
    EXPECT_FLOAT_EQ(maps.weightsOf(0, 0)(0, 0), 0.0f);
    EXPECT_FLOAT_EQ(maps.weightsOf(1, kMeanOfHeads)(1, 2), (0.17f + 0.23f) / 2);
    EXPECT_FLOAT_EQ(maps.mean[1](1, 2), (0.17f + 0.23f) / 2);
    EXPECT_FLOAT_EQ(maps.max[1](0, 1), 0.19f);
    EXPECT_FLOAT_EQ(maps.max[0](0, 1), 0.07f);
    EXPECT_EQ(maps.argmax[maps.index(1, 0)][0], 2);
    EXPECT_EQ(maps.queryTokens[1].text, "y");
    EXPECT_EQ(maps.keyTokens[2].text, "r");
    EXPECT_FALSE(imported.warnings.empty()); // rows do not sum to 1
    EXPECT_EQ(maps.warnings.size(), imported.warnings.size());
    // There is no third layer.
    EXPECT_EQ(maps.map(2, 0), nullptr);
    EXPECT_EQ(maps.map(1, 2), nullptr);

    // Behind the model interface: the file's maps, no trace, whatever the settings say.
    const ImportedModel model(std::make_shared<const ImportedAttention>(imported), "w.npy");
    Config config;
    config.heads = 7;
    const ModelOutput output = model.run(config);
    EXPECT_EQ(output.model, "w.npy");
    EXPECT_FALSE(output.capabilities.hasTrace);
    EXPECT_FALSE(output.trace.has_value());
    EXPECT_FALSE(output.capabilities.takesText);
    EXPECT_EQ(output.capabilities.layers, 2);
    EXPECT_EQ(output.capabilities.heads, 2);
    EXPECT_EQ(output.config.heads, 2);
    EXPECT_EIGEN_NEAR(output.maps.weightsOf(1, 1), maps.weightsOf(1, 1), 0.0);
    EXPECT_THROW(stepStages(output, 0), InputError) << "no trace to show";
}

// Found by fuzzing: values near the largest float (scores, not weights) made the float sum of
// the heads, and so the mean map, infinite. The mean of finite values is finite, and so is
// every number the views show.
TEST(ImportedAttention, HugeValuesGiveFiniteMeansAndEntropies) {
    const float huge = 3.0e38f;
    NpyArray a{{2, 1, 2}, {huge, 0.5f, huge, 0.25f}};
    const ImportedAttention imported = importAttention(a, {"x"}, {"p", "q"});
    const AttentionMaps maps = importedMaps(imported);
    ASSERT_EQ(maps.weights.size(), 2u);
    ASSERT_EQ(maps.mean.size(), 1u);
    EXPECT_TRUE(maps.mean[0].allFinite());
    EXPECT_FLOAT_EQ(maps.mean[0](0, 0), huge);
    EXPECT_FLOAT_EQ(maps.mean[0](0, 1), 0.375f);
    EXPECT_FLOAT_EQ(maps.max[0](0, 0), huge);
    for (const Vector& entropy : maps.entropy)
        EXPECT_TRUE(entropy.allFinite());
    bool warned = false;
    for (const std::string& warning : imported.warnings)
        warned = warned || warning.find("outside [0, 1]") != std::string::npos;
    EXPECT_TRUE(warned);
}

} // namespace test_npy
