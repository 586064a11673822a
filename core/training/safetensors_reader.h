#pragma once
// A minimal reader for the float32 safetensors files the trainer writes (model folders).
// Temporary: the project's general safetensors reader (core/base/safetensors.h) replaces it
// once it is merged; until then this reads exactly what safetensors_writer.h produces and
// checks every offset, so a damaged file gives a message rather than garbage.

#include "core/base/types.h"

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace attnlab::core::training {

struct FloatTensor {
    std::vector<std::int64_t> shape;
    std::vector<float> values; ///< row-major
};

/// The F32 tensors of a safetensors file's bytes, by name; string metadata goes to `metadata`
/// when given. Throws InputError naming `origin` for a malformed file or another dtype.
std::map<std::string, FloatTensor>
readFloatSafetensors(std::string_view bytes, const std::string& origin,
                     std::map<std::string, std::string>* metadata = nullptr);

} // namespace attnlab::core::training
