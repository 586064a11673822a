#pragma once
// The product of a linear layer, x·W, for the short inputs a typed sentence gives (a few dozen
// to a few hundred rows against weights of hundreds of thousands of values). Internal to the
// engine (see kernels.h for the layer itself).
//
// On processors with AVX-512 the product runs in kernels written for this shape: the weights of
// a GPT-2 Conv1D (in × out) are read where they lie, and those of a Linear (out × in) are
// transposed a panel at a time with register shuffles. Eigen's general product packs every
// block of the weights with scalar copies first, which costs as much as the multiplication when
// only 32 rows use it. Elsewhere, and when asked, Eigen's product computes it. Both give the
// same sums up to the order of float additions.

#include "core/base/types.h"
#include "core/pretrained/weights.h"

namespace attnlab::core::pretrained {

/// Which code computes a linear layer's product.
enum class ProductKernel {
    automatic, ///< the vector kernels for two rows or more when this processor has them
               ///< (for one row, and elsewhere, Eigen's product)
    portable,  ///< Eigen's general product everywhere (tests compare the two)
};

/// True when this processor (and its operating system) run the vector kernels.
bool vectorProductAvailable();

/// Columns [first, first + count) of x·W + b into `out` (x.rows() × count), on the calling
/// thread. `layer` gives W's shape and storage (Linear::outByIn) and b (none when its bias is
/// null).
void multiplyColumns(const Eigen::Ref<const Matrix>& x, const Linear& layer, int first, int count,
                     Eigen::Ref<Matrix> out, ProductKernel kernel = ProductKernel::automatic);

} // namespace attnlab::core::pretrained
