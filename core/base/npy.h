#pragma once
// Reading NumPy .npy arrays of floating-point numbers (the attention weights a user exports from
// PyTorch or any other model library with numpy.save).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace attnlab::core {

/// A float array in C (row-major) order.
struct NpyArray {
    std::vector<std::int64_t> shape;
    std::vector<float> data; ///< product(shape) values
};

/// Parses .npy bytes (format versions 1, 2 and 3). Accepts float16, float32 and float64 in either
/// byte order, C or Fortran order (Fortran is reordered to C). Throws InputError, prefixed with
/// `origin`, for a bad magic or header, a dtype that is not floating point, a truncated or
/// oversized data block, or a NaN or infinite value (the message gives its index).
NpyArray parseNpy(std::string_view bytes, const std::string& origin);

} // namespace attnlab::core
