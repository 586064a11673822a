#pragma once
// Writes tensors in the safetensors format: an 8-byte little-endian header length N, N bytes of
// JSON ({"__metadata__": {…}, "<name>": {"dtype", "shape", "data_offsets"}}, padded with spaces
// to a multiple of 8), then the tensors' bytes back to back in the order given.

#include "core/base/types.h"

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace attnlab::core {

/// One tensor to write: its name, dtype and shape, and its data as little-endian bytes.
struct TensorToWrite {
    std::string name;                ///< unique, non-empty UTF-8; not "__metadata__"
    std::string dtype = "F32";       ///< F64 F32 F16 BF16 I64 I32 I16 I8 U8 BOOL
    std::vector<std::int64_t> shape; ///< each ≥ 0; empty = a scalar
    std::string bytes;               ///< product(shape) × size of dtype bytes
};

/// Size in bytes of one element of `dtype`; throws InputError for a dtype not listed above.
std::size_t safetensorsDtypeSize(std::string_view dtype);

/// A float32 tensor holding `values` (row-major) with the given shape.
TensorToWrite safetensorsFromFloats(std::string name, const float* values,
                                    std::vector<std::int64_t> shape);
/// A float32 tensor holding a matrix; `vector` = true writes a 1-D shape [rows · cols].
TensorToWrite safetensorsFromMatrix(std::string name, const Eigen::Ref<const Matrix>& matrix,
                                    bool vector = false);

/// The bytes of a safetensors file holding `tensors` in the order given, with string metadata.
/// Throws InputError (naming the tensor) for an empty or duplicate name, an unknown dtype, a
/// negative dimension or bytes that do not match the shape.
std::string serializeSafetensors(const std::vector<TensorToWrite>& tensors,
                                 const std::map<std::string, std::string>& metadata = {});

} // namespace attnlab::core
