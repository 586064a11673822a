#pragma once
// The product of a linear layer, x·W, for the short inputs a typed sentence gives (a few dozen
// to a few hundred rows against weights of hundreds of thousands of values). Internal to the
// engine (see kernels.h for the layer itself).
//
// On processors with AVX-512, or AVX2 with FMA, the product runs in kernels written for this
// shape. The weights a model loads are packed once (packWeights): panels of 48 columns for the
// AVX-512 kernels, 16 for the AVX2 ones, each read front to back,
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
    automatic, ///< the widest vector kernels this processor runs (AVX-512, else AVX2 with
               ///< FMA), where multiplyColumns takes them; elsewhere Eigen's product
    avx2,      ///< the AVX2 kernels even where AVX-512 runs (tests run both), where this
               ///< processor has them; elsewhere Eigen's product
    portable,  ///< Eigen's general product everywhere (tests compare the kernels with it)
};

/// True when this processor (and its operating system) run the vector kernels.
bool vectorProductAvailable();

/// Packed weights (Linear::panelWidth) are panels of 48 columns (the AVX-512 kernels) or 16 (the
/// AVX2 ones), so a multiple of this starts a panel of either; a thread's share of a packed
/// layer's columns starts on one.
inline constexpr int kPackedPanelColumns = 48;

/// Floats of the packed copy of an in × out layer (its columns padded to a multiple of 48).
std::size_t packedFloats(int in, int out);

/// A layer's weights in the layout of Linear::panelWidth.
struct PackedWeights {
    std::unique_ptr<float[]> floats; ///< packedFloats(in, out) of them; null: nothing packed
    int panelWidth = 0;              ///< columns per panel, the Linear's panelWidth
};

/// `layer`'s weights (as stored) copied into the layout of the kernels `kernel` runs on this
/// processor, or nothing where it runs none (the layer is then used as stored).
PackedWeights packWeights(const Linear& layer, ProductKernel kernel = ProductKernel::automatic);

/// Columns [first, first + count) of x·W + b into `out` (x.rows() × count), on the calling
/// thread. `layer` gives W's shape and storage (Linear::outByIn, Linear::panelWidth) and b (none
/// when its bias is null). Packed weights run in the vector kernels from one row on when
/// `first` starts a panel and `kernel` runs kernels of their panel width.
void multiplyColumns(const Eigen::Ref<const Matrix>& x, const Linear& layer, int first, int count,
                     Eigen::Ref<Matrix> out, ProductKernel kernel = ProductKernel::automatic);

} // namespace attnlab::core::pretrained
