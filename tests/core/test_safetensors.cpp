// Reading safetensors files: the header's validation with its messages, the F16/BF16
// conversions, memory maps of things that are not regular files, and sharded indexes.

#include "core/base/file_io.h"
#include "core/base/safetensors.h"
#include "core/base/types.h"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>

#include <sys/stat.h>
#include <unistd.h>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_safetensors {

using namespace attnlab::core;
namespace fs = std::filesystem;

namespace {

// A scratch folder per test, removed afterwards.
class SafetensorsTest : public ::testing::Test {
protected:
    void SetUp() override {
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        m_folder = fs::temp_directory_path() /
                   ("attnlab_safetensors_" + std::to_string(::getpid()) + "_" + info->name());
        fs::remove_all(m_folder);
        fs::create_directories(m_folder);
    }
    void TearDown() override { fs::remove_all(m_folder); }

    std::string write(const std::string& name, const std::string& bytes) {
        const fs::path path = m_folder / name;
        std::ofstream(path, std::ios::binary) << bytes;
        return path.string();
    }

    fs::path m_folder;
};

std::string littleU64(std::uint64_t value) {
    std::string out(8, '\0');
    for (int i = 0; i < 8; ++i)
        out[static_cast<std::size_t>(i)] = static_cast<char>((value >> (8 * i)) & 0xFF);
    return out;
}

// A file from a header text and data bytes, as the format lays them out.
std::string fileBytes(const std::string& header, const std::string& data) {
    return littleU64(header.size()) + header + data;
}

template <typename T> std::string rawBytes(const std::vector<T>& values) {
    std::string out(values.size() * sizeof(T), '\0');
    std::memcpy(out.data(), values.data(), out.size());
    return out;
}

std::string openError(const std::string& path) {
    try {
        SafetensorsFile::open(path);
    } catch (const InputError& error) {
        return std::string("InputError: ") + error.what();
    } catch (const FileError& error) {
        return std::string("FileError: ") + error.what();
    }
    return "no error";
}

TEST_F(SafetensorsTest, ReadsF32F16AndBF16Tensors) {
    const std::vector<float> f32 = {1.5f, -2.0f, 0.25f, 3.0f, 4.0f, -0.0f};
    // 1, −2, 65504 (largest half), 2^−24 (smallest subnormal), 2^−14·(1023/1024) (largest
    // subnormal), +inf.
    const std::vector<std::uint16_t> f16 = {0x3C00, 0xC000, 0x7BFF, 0x0001, 0x03FF, 0x7C00};
    // 1, −2.5, 1e−40-ish subnormal bits, the bfloat16 of π (3.140625).
    const std::vector<std::uint16_t> bf16 = {0x3F80, 0xC020, 0x0001, 0x4049};
    const std::string header = R"({"__metadata__":{"format":"pt"},)"
                               R"("a":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},)"
                               R"("b":{"dtype":"F16","shape":[6],"data_offsets":[24,36]},)"
                               R"("c":{"dtype":"BF16","shape":[2,2],"data_offsets":[36,44]},)"
                               R"("empty":{"dtype":"F32","shape":[0,4],"data_offsets":[44,44]}})";
    const std::string path =
        write("ok.safetensors", fileBytes(header, rawBytes(f32) + rawBytes(f16) + rawBytes(bf16)));
    const auto file = SafetensorsFile::open(path);
    ASSERT_EQ(file->tensors().size(), 4u);
    EXPECT_EQ(file->metadata().at("format"), "pt");

    const SafetensorsTensor* a = file->find("a");
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(a->shape, (std::vector<std::int64_t>{2, 3}));
    EXPECT_EQ(a->shapeText(), "[2, 3]");
    EXPECT_EQ(*a->file, path);
    std::vector<float> out(6);
    readAsFloat(*a, out.data());
    EXPECT_EQ(out, f32);

    const SafetensorsTensor* b = file->find("b");
    readAsFloat(*b, out.data());
    EXPECT_EQ(out[0], 1.0f);
    EXPECT_EQ(out[1], -2.0f);
    EXPECT_EQ(out[2], 65504.0f);
    EXPECT_EQ(out[3], std::ldexp(1.0f, -24));
    EXPECT_EQ(out[4], std::ldexp(1023.0f, -24));
    EXPECT_EQ(out[5], std::numeric_limits<float>::infinity());
    EXPECT_EQ(floatDataInPlace(*b), nullptr); // F16 is never used in place

    const SafetensorsTensor* c = file->find("c");
    readAsFloat(*c, out.data());
    EXPECT_EQ(out[0], 1.0f);
    EXPECT_EQ(out[1], -2.5f);
    EXPECT_EQ(out[2], std::bit_cast<float>(0x00010000u));
    EXPECT_EQ(out[3], 3.140625f);
    EXPECT_EQ(file->find("empty")->elementCount(), 0);
    EXPECT_EQ(file->find("missing"), nullptr);
}

TEST_F(SafetensorsTest, AlignedF32IsUsedInPlace) {
    // An 8-byte header length + a header padded to a multiple of 8: the data is aligned.
    std::string header = R"({"w":{"dtype":"F32","shape":[3],"data_offsets":[0,12]}})";
    header.append((8 - header.size() % 8) % 8, ' ');
    const std::vector<float> values = {1.0f, 2.0f, 3.0f};
    const auto file =
        SafetensorsFile::open(write("w.safetensors", fileBytes(header, rawBytes(values))));
    const float* inPlace = floatDataInPlace(*file->find("w"));
    ASSERT_NE(inPlace, nullptr);
    EXPECT_EQ(static_cast<const void*>(inPlace), static_cast<const void*>(file->find("w")->data));
    EXPECT_EQ(inPlace[2], 3.0f);
}

TEST(SafetensorsConversion, HalfAndBfloat16MatchTheirDefinitions) {
    // Every normal half: (−1)^s · 2^(e−15) · (1 + m/1024).
    for (std::uint32_t bits = 0; bits < 0x10000; bits += 7) {
        const std::uint32_t e = (bits >> 10) & 0x1F, m = bits & 0x3FF;
        const double sign = (bits & 0x8000) ? -1.0 : 1.0;
        const float value = halfToFloat(static_cast<std::uint16_t>(bits));
        if (e == 0x1F) {
            EXPECT_TRUE(m == 0 ? std::isinf(value) : std::isnan(value)) << bits;
        } else if (e == 0) {
            EXPECT_EQ(value, static_cast<float>(sign * std::ldexp(m, -24))) << bits;
        } else {
            EXPECT_EQ(value,
                      static_cast<float>(sign * std::ldexp(1024 + m, static_cast<int>(e) - 25)))
                << bits;
        }
    }
    EXPECT_EQ(bfloat16ToFloat(0xBF80), -1.0f);
}

TEST_F(SafetensorsTest, EveryHalfAndBfloat16PatternConvertsExactly) {
    // All 65536 bit patterns, read through the (vectorised) tensor conversion, against the
    // reference conversions checked above; NaNs compare by their bits.
    std::vector<std::uint16_t> patterns(65536);
    for (std::size_t i = 0; i < patterns.size(); ++i)
        patterns[i] = static_cast<std::uint16_t>(i);
    const std::string data = rawBytes(patterns);
    const std::string header =
        R"({"h":{"dtype":"F16","shape":[65536],"data_offsets":[0,131072]},)"
        R"("b":{"dtype":"BF16","shape":[65536],"data_offsets":[131072,262144]}})";
    const auto file =
        SafetensorsFile::open(write("all.safetensors", fileBytes(header, data + data)));
    std::vector<float> out(65536);
    readAsFloat(*file->find("h"), out.data());
    for (std::size_t i = 0; i < out.size(); ++i)
        ASSERT_EQ(std::bit_cast<std::uint32_t>(out[i]),
                  std::bit_cast<std::uint32_t>(halfToFloat(patterns[i])))
            << "F16 pattern " << i;
    readAsFloat(*file->find("b"), out.data());
    for (std::size_t i = 0; i < out.size(); ++i)
        ASSERT_EQ(std::bit_cast<std::uint32_t>(out[i]), static_cast<std::uint32_t>(i) << 16)
            << "BF16 pattern " << i;
}

TEST_F(SafetensorsTest, MalformedHeadersNameTheFileAndTheTensor) {
    const std::string data(64, '\0');
    const auto errorOf = [&](const std::string& header, const std::string& bytes) {
        return openError(write("bad.safetensors", fileBytes(header, bytes)));
    };
    const auto has = [](const std::string& message, const std::string& part) {
        return message.find(part) != std::string::npos;
    };

    std::string message =
        errorOf(R"({"x":{"dtype":"F32","shape":[4],"data_offsets":[0,16]})", data);
    EXPECT_TRUE(has(message, "not valid JSON")) << message;
    EXPECT_TRUE(has(message, "bad.safetensors")) << message;

    message = errorOf(R"([1,2])", data);
    EXPECT_TRUE(has(message, "must be a JSON object")) << message;

    message = errorOf(R"({"x":{"dtype":"F32","shape":[4],"data_offsets":[0,20]}})", data);
    EXPECT_TRUE(has(message, "tensor 'x'")) << message;
    EXPECT_TRUE(has(message, "hold 20 bytes but shape [4] of F32 needs 16")) << message;

    message = errorOf(R"({"x":{"dtype":"F32","shape":[20],"data_offsets":[0,80]}})", data);
    EXPECT_TRUE(has(message, "reach beyond the 64 bytes")) << message;

    message = errorOf(R"({"x":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}})", data);
    EXPECT_TRUE(has(message, "end before they begin")) << message;

    message = errorOf(R"({"x":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},)"
                      R"("y":{"dtype":"F32","shape":[4],"data_offsets":[8,24]}})",
                      data);
    EXPECT_TRUE(has(message, "overlaps")) << message;

    message = errorOf(R"({"x":{"dtype":"F33","shape":[4],"data_offsets":[0,16]}})", data);
    EXPECT_TRUE(has(message, "unknown dtype 'F33'")) << message;

    message = errorOf(R"({"x":{"dtype":"F32","shape":[-4],"data_offsets":[0,16]}})", data);
    EXPECT_TRUE(has(message, "non-negative integers")) << message;

    message = errorOf(
        R"({"x":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,16]}})", data);
    EXPECT_TRUE(has(message, "cannot fit")) << message;

    message = errorOf(R"({"x":{"dtype":"F32","shape":[4]}})", data);
    EXPECT_TRUE(has(message, "data_offsets must be an array")) << message;

    message = errorOf(R"({"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},)"
                      R"("x":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})",
                      data);
    EXPECT_TRUE(has(message, "names tensor 'x' twice")) << message;

    message = errorOf(R"({"__metadata__":{"n":1}})", data);
    EXPECT_TRUE(has(message, "__metadata__ member 'n' must be a string")) << message;

    // A header length beyond the file, an absurd one, and a file shorter than the length.
    message = openError(write("long.safetensors", littleU64(1000) + "{}"));
    EXPECT_TRUE(has(message, "claims 1000 bytes")) << message;
    EXPECT_TRUE(has(message, "truncated")) << message;
    message = openError(write("huge.safetensors", littleU64(std::uint64_t{1} << 62) + "{}"));
    EXPECT_TRUE(has(message, "at most 100 MB")) << message;
    message = openError(write("short.safetensors", "abc"));
    EXPECT_TRUE(has(message, "too short")) << message;
}

TEST_F(SafetensorsTest, OtherDtypesAreValidatedButNotReadAsWeights) {
    const std::string header = R"({"ids":{"dtype":"I64","shape":[2],"data_offsets":[0,16]}})";
    const auto file =
        SafetensorsFile::open(write("ids.safetensors", fileBytes(header, std::string(16, '\1'))));
    std::vector<float> out(2);
    try {
        readAsFloat(*file->find("ids"), out.data());
        FAIL() << "I64 was read as floats";
    } catch (const InputError& error) {
        const std::string message = error.what();
        EXPECT_NE(message.find("tensor 'ids'"), std::string::npos) << message;
        EXPECT_NE(message.find("I64"), std::string::npos) << message;
        EXPECT_NE(message.find("supported: F32, F16, BF16"), std::string::npos) << message;
    }
}

TEST_F(SafetensorsTest, NonRegularFilesFailWithoutBlocking) {
    const fs::path fifo = m_folder / "pipe.safetensors";
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    std::string message = openError(fifo.string());
    EXPECT_NE(message.find("FileError"), std::string::npos) << message;
    EXPECT_NE(message.find("named pipe (FIFO), not a regular file"), std::string::npos) << message;
    EXPECT_THROW(readFileBytes(fifo.string(), 1024), FileError);

    message = openError(m_folder.string());
    EXPECT_NE(message.find("a directory"), std::string::npos) << message;
    message = openError((m_folder / "missing.safetensors").string());
    EXPECT_NE(message.find("No such file"), std::string::npos) << message;
    message = openError(write("empty.safetensors", ""));
    EXPECT_NE(message.find("empty"), std::string::npos) << message;
    EXPECT_THROW(readFileBytes(write("big.json", std::string(100, 'x')), 10), FileError);
}

TEST_F(SafetensorsTest, ShardsComeTogetherThroughTheirIndex) {
    const std::vector<float> one = {1.0f, 2.0f}, two = {3.0f};
    write("part-1.safetensors",
          fileBytes(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})", rawBytes(one)));
    write("part-2.safetensors",
          fileBytes(R"({"b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})", rawBytes(two)));
    const std::string index = write("model.safetensors.index.json",
                                    R"({"metadata":{"total_size":12},"weight_map":)"
                                    R"({"a":"part-1.safetensors","b":"part-2.safetensors"}})");
    const SafetensorsSet set = SafetensorsSet::openIndex(index);
    EXPECT_EQ(set.files().size(), 2u);
    EXPECT_EQ(set.names(), (std::vector<std::string>{"a", "b"}));
    std::vector<float> out(1);
    readAsFloat(*set.find("b"), out.data());
    EXPECT_EQ(out[0], 3.0f);

    const auto indexError = [&](const std::string& text) -> std::string {
        try {
            SafetensorsSet::openIndex(write("model.safetensors.index.json", text));
        } catch (const std::exception& error) {
            return error.what();
        }
        return "no error";
    };
    std::string message = indexError(R"({"weight_map":{"a":"../part-1.safetensors"}})");
    EXPECT_NE(message.find("not a plain file name"), std::string::npos) << message;
    message = indexError(R"({"weight_map":{"c":"part-1.safetensors"}})");
    EXPECT_NE(message.find("tensor 'c' should be in 'part-1.safetensors'"), std::string::npos)
        << message;
    message = indexError(R"({"metadata":{}})");
    EXPECT_NE(message.find("no \"weight_map\""), std::string::npos) << message;
    message = indexError(R"({"weight_map":{"a":"part-9.safetensors"}})");
    EXPECT_NE(message.find("No such file"), std::string::npos) << message;

    // Without an index, the same tensor name in two files is refused.
    write("dup.safetensors",
          fileBytes(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})", rawBytes(two)));
    try {
        SafetensorsSet::openFiles(
            {(m_folder / "part-1.safetensors").string(), (m_folder / "dup.safetensors").string()});
        FAIL() << "a duplicate tensor was accepted";
    } catch (const InputError& error) {
        EXPECT_NE(std::string(error.what()).find("tensor 'a' is in both"), std::string::npos);
    }
}

} // namespace

} // namespace test_safetensors
