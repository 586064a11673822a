// The safetensors writer: the header is read back here with a JSON parser and the layout rules
// of the format (length prefix, 8-byte padding, contiguous offsets), independently of any
// reader in the core.

#include "core/base/safetensors_writer.h"
#include "core/base/types.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstring>
#include <string>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_safetensors_writer {

using attnlab::core::InputError;
using attnlab::core::Matrix;
using attnlab::core::safetensorsFromFloats;
using attnlab::core::safetensorsFromMatrix;
using attnlab::core::serializeSafetensors;
using attnlab::core::TensorToWrite;

namespace {

std::uint64_t headerLength(const std::string& bytes) {
    std::uint64_t length = 0;
    for (int i = 7; i >= 0; --i)
        length = (length << 8) | static_cast<unsigned char>(bytes[static_cast<std::size_t>(i)]);
    return length;
}

TEST(SafetensorsWriter, LayoutHeaderAndData) {
    Matrix m(2, 3);
    m << 1, 2, 3, 4, 5, 6;
    const float scalar = -0.5f;
    const std::string bytes = serializeSafetensors(
        {safetensorsFromMatrix("layer.w", m), safetensorsFromFloats("bias", &scalar, {1})},
        {{"format", "pt"}});
    const std::uint64_t n = headerLength(bytes);
    EXPECT_EQ(n % 8, 0u);
    ASSERT_EQ(bytes.size(), 8 + n + 7 * sizeof(float));
    const auto header = nlohmann::json::parse(bytes.substr(8, n));
    EXPECT_EQ(header["__metadata__"]["format"], "pt");
    EXPECT_EQ(header["layer.w"]["dtype"], "F32");
    EXPECT_EQ(header["layer.w"]["shape"], nlohmann::json({2, 3}));
    EXPECT_EQ(header["layer.w"]["data_offsets"], nlohmann::json({0, 24}));
    EXPECT_EQ(header["bias"]["data_offsets"], nlohmann::json({24, 28}));
    float values[7];
    std::memcpy(values, bytes.data() + 8 + n, sizeof(values));
    for (int i = 0; i < 6; ++i)
        EXPECT_EQ(values[i], static_cast<float>(i + 1)); // row-major
    EXPECT_EQ(values[6], -0.5f);
}

TEST(SafetensorsWriter, EmptyFileHasAnObjectHeader) {
    const std::string bytes = serializeSafetensors({});
    const std::uint64_t n = headerLength(bytes);
    ASSERT_EQ(bytes.size(), 8 + n);
    EXPECT_TRUE(nlohmann::json::parse(bytes.substr(8, n)).is_object());
}

TEST(SafetensorsWriter, UnicodeNamesStayReadable) {
    const float one = 1.0f;
    const std::string bytes = serializeSafetensors({safetensorsFromFloats("权重", &one, {})});
    const auto header = nlohmann::json::parse(bytes.substr(8, headerLength(bytes)));
    EXPECT_TRUE(header.contains("权重"));
    EXPECT_EQ(header["权重"]["shape"], nlohmann::json::array());
}

TEST(SafetensorsWriter, RefusesBadTensors) {
    const float one = 1.0f;
    TensorToWrite wrongSize = safetensorsFromFloats("w", &one, {1});
    wrongSize.shape = {2};
    EXPECT_THROW(serializeSafetensors({wrongSize}), InputError);
    EXPECT_THROW(serializeSafetensors({safetensorsFromFloats("w", &one, {1}),
                                       safetensorsFromFloats("w", &one, {1})}),
                 InputError);
    EXPECT_THROW(serializeSafetensors({safetensorsFromFloats("", &one, {1})}), InputError);
    TensorToWrite badType = safetensorsFromFloats("w", &one, {1});
    badType.dtype = "F31";
    EXPECT_THROW(serializeSafetensors({badType}), InputError);
    try {
        serializeSafetensors({wrongSize});
    } catch (const InputError& error) {
        EXPECT_NE(std::string(error.what()).find("'w'"), std::string::npos) << error.what();
    }
}

} // namespace

} // namespace test_safetensors_writer
