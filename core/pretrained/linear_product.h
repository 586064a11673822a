#pragma once
// The product of a linear layer, x·W, for the short inputs a typed sentence gives (a few dozen
// to a few hundred rows against weights of hundreds of thousands of values). Internal to the
// engine (see kernels.h for the layer itself).
//
// On processors with AVX-512 the product runs in kernels written for this shape. The weights
// a model loads are packed once (packWeights): panels of 48 columns, each read front to back,
// so that a product streams them from memory in order (GPT-2 small at 32 tokens took 1.7 times
// as long reading a Conv1D's in × out weights where they lie, 48 columns at a stride, on the
// development machine). An out × in layer left as stored (the output head, which is the token
// embeddings) is transposed a panel at a time with register shuffles. Eigen's general
// product packs every block of the weights with scalar copies first, which costs as much as the
// multiplication when only 32 rows use it. Elsewhere, and when asked, Eigen's product computes
// it. Both give the same sums up to the order of float additions.

#include "core/base/types.h"
#include "core/pretrained/weights.h"

#include <cstddef>
#include <memory>

namespace attnlab::core::pretrained {

/// Which code computes a linear layer's product.
enum class ProductKernel {
    automatic, ///< the vector kernels for two rows or more when this processor has them
               ///< (for one row, and elsewhere, Eigen's product)
    portable,  ///< Eigen's general product everywhere (tests compare the two)
};

/// True when this processor (and its operating system) run the vector kernels.
bool vectorProductAvailable();

/// Columns per panel of packed weights (Linear::packed); a thread's share of a packed layer's
/// columns starts on a multiple of it.
inline constexpr int kPackedPanelColumns = 48;

/// Floats of the packed copy of an in × out layer (its last panel padded to 48 columns).
std::size_t packedFloats(int in, int out);

/// `layer`'s weights (as stored) copied into the layout of Linear::packed, or null where the
/// vector kernels do not run (the layer is then used as stored).
std::unique_ptr<float[]> packWeights(const Linear& layer);

/// Columns [first, first + count) of x·W + b into `out` (x.rows() × count), on the calling
/// thread. `layer` gives W's shape and storage (Linear::outByIn, Linear::packed) and b (none
/// when its bias is null). Packed weights run in the vector kernels from one row on when
/// `first` starts a panel.
void multiplyColumns(const Eigen::Ref<const Matrix>& x, const Linear& layer, int first, int count,
                     Eigen::Ref<Matrix> out, ProductKernel kernel = ProductKernel::automatic);

} // namespace attnlab::core::pretrained
