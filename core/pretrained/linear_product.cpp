#include "core/pretrained/linear_product.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define ATTNLAB_VECTOR_PRODUCT 1
// The kernels are compiled for AVX-512 whatever the build's target, and run only where the
// processor reports it (vectorProductAvailable), so one build serves every x86-64 PC.
#define ATTNLAB_AVX512 __attribute__((target("avx512f")))
#endif

namespace attnlab::core::pretrained {
namespace {

using ConstWeights = Eigen::Map<const Matrix>;

// The first weight of the packed panel that holds column `column` (Linear::packed).
const float* packedPanel(const Linear& layer, int column) {
    return layer.weight +
           static_cast<Eigen::Index>(column / kPackedPanelColumns) * kPackedPanelColumns * layer.in;
}

void portableColumns(const Eigen::Ref<const Matrix>& x, const Linear& layer, int first, int count,
                     Eigen::Ref<Matrix> out) {
    if (layer.packed) {
        // Panel by panel: each is an in × 48 matrix of its own.
        using Panel = Eigen::Map<const Matrix, 0, Eigen::OuterStride<>>;
        constexpr int kWidth = kPackedPanelColumns;
        for (int c = first; c < first + count;) {
            const int offset = c % kWidth, columns = std::min(kWidth - offset, first + count - c);
            const Panel panel(packedPanel(layer, c) + offset, layer.in, columns,
                              Eigen::OuterStride<>(kWidth));
            out.middleCols(c - first, columns).noalias() = x * panel;
            c += columns;
        }
    } else if (layer.outByIn) {
        const ConstWeights w(layer.weight, layer.out, layer.in);
        out.noalias() = x * w.middleRows(first, count).transpose();
    } else {
        const ConstWeights w(layer.weight, layer.in, layer.out);
        out.noalias() = x * w.middleCols(first, count);
    }
}

// With one row (a typed key, a prediction) the product is a pass over the weights; Eigen's
// matrix–vector product reads them in storage order, faster than by panels. From two rows on,
// Eigen's matrix product first copies all of the weights into its own layout.
constexpr Eigen::Index kFewestRows = 2;

#ifdef ATTNLAB_VECTOR_PRODUCT

constexpr __mmask16 kAllLanes = 0xFFFF;
constexpr int kLanes = 16;                          // floats in one AVX-512 register
constexpr int kPanelVectors = 3;                    // registers across one panel of columns
constexpr int kPanelWidth = kLanes * kPanelVectors; // 48 output columns per panel
static_assert(kPanelWidth == kPackedPanelColumns);
constexpr int kRowBlock = 8; // rows of x per pass over a panel
// A pass over at most this much depth keeps a panel of weights (48 × 1024 floats, 192 KiB) and
// eight rows of x in the core's own cache while every row block of x reads them again.
constexpr int kDepthBlock = 1024;

// 16 rows of `src` (row stride `srcStride`), 16 floats each, written as 16 columns of `dst`.
ATTNLAB_AVX512 void transpose16(const float* src, Eigen::Index srcStride, float* dst,
                                Eigen::Index dstStride) {
    __m512 r[16];
    __m512 t[16];
    for (Eigen::Index i = 0; i < 16; ++i)
        r[i] = _mm512_loadu_ps(src + i * srcStride);
    // (The masked forms with every lane set are the same instructions; the unmasked ones start
    // from an undefined register that GCC 12 warns about.)
    // Interleave pairs of rows, then quadruples: in each 128-bit lane L of r[4i + j] sit the
    // elements 4L + j of rows 4i … 4i + 3.
    for (Eigen::Index i = 0; i < 8; ++i) {
        t[2 * i] = _mm512_maskz_unpacklo_ps(kAllLanes, r[2 * i], r[2 * i + 1]);
        t[2 * i + 1] = _mm512_maskz_unpackhi_ps(kAllLanes, r[2 * i], r[2 * i + 1]);
    }
    for (Eigen::Index i = 0; i < 4; ++i) {
        r[4 * i] = _mm512_shuffle_ps(t[4 * i], t[4 * i + 2], 0x44);
        r[4 * i + 1] = _mm512_shuffle_ps(t[4 * i], t[4 * i + 2], 0xEE);
        r[4 * i + 2] = _mm512_shuffle_ps(t[4 * i + 1], t[4 * i + 3], 0x44);
        r[4 * i + 3] = _mm512_shuffle_ps(t[4 * i + 1], t[4 * i + 3], 0xEE);
    }
    // Gather the four lanes that hold element 4L + j of all 16 rows.
    for (Eigen::Index j = 0; j < 4; ++j) {
        const __m512 even = _mm512_maskz_shuffle_f32x4(kAllLanes, r[j], r[4 + j], 0x88);
        const __m512 odd = _mm512_maskz_shuffle_f32x4(kAllLanes, r[j], r[4 + j], 0xDD);
        const __m512 evenHigh = _mm512_maskz_shuffle_f32x4(kAllLanes, r[8 + j], r[12 + j], 0x88);
        const __m512 oddHigh = _mm512_maskz_shuffle_f32x4(kAllLanes, r[8 + j], r[12 + j], 0xDD);
        t[j] = _mm512_maskz_shuffle_f32x4(kAllLanes, even, evenHigh, 0x88);
        t[8 + j] = _mm512_maskz_shuffle_f32x4(kAllLanes, even, evenHigh, 0xDD);
        t[4 + j] = _mm512_maskz_shuffle_f32x4(kAllLanes, odd, oddHigh, 0x88);
        t[12 + j] = _mm512_maskz_shuffle_f32x4(kAllLanes, odd, oddHigh, 0xDD);
    }
    for (Eigen::Index i = 0; i < 16; ++i)
        _mm512_storeu_ps(dst + i * dstStride, t[i]);
}

// Rows [0, columns) × depth [0, depth) of an out × in weight block starting at `w` (row stride
// `stride`), written transposed into `panel` (depth × kPanelWidth).
ATTNLAB_AVX512 void packTransposed(const float* w, Eigen::Index stride, int columns, int depth,
                                   float* panel) {
    Eigen::Index c = 0;
    for (; c + kLanes <= columns; c += kLanes) {
        Eigen::Index k = 0;
        for (; k + kLanes <= depth; k += kLanes)
            transpose16(w + c * stride + k, stride, panel + k * kPanelWidth + c, kPanelWidth);
        for (; k < depth; ++k)
            for (Eigen::Index i = 0; i < kLanes; ++i)
                panel[k * kPanelWidth + c + i] = w[(c + i) * stride + k];
    }
    for (; c < columns; ++c)
        for (Eigen::Index k = 0; k < depth; ++k)
            panel[k * kPanelWidth + c] = w[c * stride + k];
}

// The weights of the next panel, fetched into the cache while this one is multiplied from it:
// `rows` rows of `rowLines` cache lines each, `stride` floats apart.
struct Ahead {
    const float* base = nullptr;
    Eigen::Index stride = 0;
    Eigen::Index rowLines = 0;
    Eigen::Index rows = 0;
};

// Rows × (Vectors registers of columns) of y = x·panel + bias over `depth` (y += x·panel when
// `accumulate`: a later pass over the depth), the accumulators held in registers for the whole
// depth; a null `bias` is none. The last register's columns are `lastMask`; masked loads
// never touch the columns past it, so a panel may end where the weights end.
template <int Rows, int Vectors>
ATTNLAB_AVX512 void panelProduct(const float* x, Eigen::Index xStride, const float* w,
                                 Eigen::Index wStride, int depth, __mmask16 lastMask, float* y,
                                 Eigen::Index yStride, bool accumulate, const float* bias,
                                 const Ahead& ahead) {
    __m512 sums[Rows][Vectors];
    const Eigen::Index lines = ahead.rows * ahead.rowLines;
    const Eigen::Index linesPerStep = depth > 0 ? (lines + depth - 1) / depth : 0;
    Eigen::Index aheadRow = 0, aheadLine = 0;
    const auto mask = [lastMask](Eigen::Index v) {
        return v == Vectors - 1 ? lastMask : kAllLanes;
    };
    // Zero first and the earlier passes' sums added at the end: a sum started from memory
    // makes GCC keep the accumulators in memory too.
#pragma GCC unroll 8
    for (Eigen::Index r = 0; r < Rows; ++r)
#pragma GCC unroll 3
        for (Eigen::Index v = 0; v < Vectors; ++v)
            sums[r][v] = _mm512_setzero_ps();
    for (Eigen::Index k = 0; k < depth; ++k, w += wStride) {
        __m512 b[Vectors];
#pragma GCC unroll 3
        for (Eigen::Index v = 0; v < Vectors; ++v)
            b[v] = _mm512_maskz_loadu_ps(mask(v), w + v * kLanes);
        for (Eigen::Index p = 0; p < linesPerStep && aheadRow < ahead.rows; ++p) {
            _mm_prefetch(reinterpret_cast<const char*>(ahead.base + aheadRow * ahead.stride +
                                                       aheadLine * kLanes),
                         _MM_HINT_T1);
            if (++aheadLine == ahead.rowLines) {
                aheadLine = 0;
                ++aheadRow;
            }
        }
#pragma GCC unroll 8
        for (Eigen::Index r = 0; r < Rows; ++r) {
            const __m512 a = _mm512_set1_ps(x[r * xStride + k]);
#pragma GCC unroll 3
            for (Eigen::Index v = 0; v < Vectors; ++v)
                sums[r][v] = _mm512_fmadd_ps(a, b[v], sums[r][v]);
        }
    }
    // The sums of earlier passes, or on the first pass the bias.
    __m512 base[Vectors];
#pragma GCC unroll 3
    for (Eigen::Index v = 0; v < Vectors; ++v)
        base[v] = bias != nullptr ? _mm512_maskz_loadu_ps(mask(v), bias + v * kLanes)
                                  : _mm512_setzero_ps();
#pragma GCC unroll 8
    for (Eigen::Index r = 0; r < Rows; ++r)
#pragma GCC unroll 3
        for (Eigen::Index v = 0; v < Vectors; ++v) {
            float* cell = y + r * yStride + v * kLanes;
            const __m512 earlier = accumulate ? _mm512_maskz_loadu_ps(mask(v), cell) : base[v];
            _mm512_mask_storeu_ps(cell, mask(v), _mm512_add_ps(sums[r][v], earlier));
        }
}

using PanelProduct = void (*)(const float*, Eigen::Index, const float*, Eigen::Index, int,
                              __mmask16, float*, Eigen::Index, bool, const float*, const Ahead&);

template <int Rows> constexpr std::array<PanelProduct, kPanelVectors> panelProductsOf() {
    return {&panelProduct<Rows, 1>, &panelProduct<Rows, 2>, &panelProduct<Rows, 3>};
}

// kPanelProducts[rows − 1][vectors − 1].
constexpr std::array<std::array<PanelProduct, kPanelVectors>, kRowBlock> kPanelProducts = {
    panelProductsOf<1>(), panelProductsOf<2>(), panelProductsOf<3>(), panelProductsOf<4>(),
    panelProductsOf<5>(), panelProductsOf<6>(), panelProductsOf<7>(), panelProductsOf<8>()};

// The weights of columns [c0, c0 + columns) × depth [k0, k0 + depth) as rows of cache lines.
Ahead weightRegion(const Linear& layer, int c0, int columns, int k0, int depth) {
    Ahead region;
    if (layer.packed) {
        region.base = packedPanel(layer, c0) + static_cast<Eigen::Index>(k0) * kPanelWidth;
        region.stride = kPanelWidth;
        region.rowLines = (columns + kLanes - 1) / kLanes;
        region.rows = depth;
    } else { // out × in (vectorColumns takes no other)
        region.base = layer.weight + static_cast<Eigen::Index>(c0) * layer.in + k0;
        region.stride = layer.in;
        region.rowLines = (depth + kLanes - 1) / kLanes;
        region.rows = columns;
    }
    return region;
}

ATTNLAB_AVX512 void vectorColumns(const Eigen::Ref<const Matrix>& x, const Linear& layer, int first,
                                  int count, Eigen::Ref<Matrix>& out) {
    const int rows = static_cast<int>(x.rows());
    const int depthTotal = layer.in;
    const int passes = (depthTotal + kDepthBlock - 1) / kDepthBlock;
    const int depthStep = ((depthTotal + passes - 1) / passes + kLanes - 1) / kLanes * kLanes;
    // Written by packTransposed before it is read: not zeroed first.
    const auto panel = std::make_unique_for_overwrite<float[]>(
        layer.packed ? 0 : static_cast<std::size_t>(kPanelWidth) * depthStep);
    const Eigen::Index xStride = x.outerStride(), yStride = out.outerStride();
    const int steps = (count + kPanelWidth - 1) / kPanelWidth * passes;
    // Step s multiplies panel s / passes over depth pass s % passes.
    const auto regionOfStep = [&](int step) {
        const int c0 = step / passes * kPanelWidth, k0 = step % passes * depthStep;
        return weightRegion(layer, first + c0, std::min(kPanelWidth, count - c0), k0,
                            std::min(depthStep, depthTotal - k0));
    };
    const int blocks = (rows + kRowBlock - 1) / kRowBlock;
    for (int step = 0; step < steps; ++step) {
        const int c0 = step / passes * kPanelWidth, k0 = step % passes * depthStep;
        const int columns = std::min(kPanelWidth, count - c0);
        const int vectors = (columns + kLanes - 1) / kLanes;
        const int tail = columns % kLanes;
        const auto lastMask =
            tail == 0 ? kAllLanes : static_cast<__mmask16>((std::uint32_t{1} << tail) - 1);
        const int depth = std::min(depthStep, depthTotal - k0);
        const Ahead here = regionOfStep(step);
        // Every block of rows fetches an equal share of the next step's weights, so that they
        // stream in at an even pace over the whole of this step (GPT-2 small at 32 tokens:
        // 1.3 ms faster than fetching all of them during one block).
        const Ahead next = step + 1 < steps ? regionOfStep(step + 1) : Ahead{};
        const float* w = here.base;
        if (!layer.packed) {
            packTransposed(here.base, here.stride, columns, depth, panel.get());
            w = panel.get();
        }
        for (int r0 = 0, index = 0; r0 < rows; r0 += kRowBlock, ++index) {
            const int block = std::min(kRowBlock, rows - r0);
            Ahead share = next;
            const Eigen::Index from = next.rows * index / blocks;
            share.base = next.base == nullptr ? nullptr : next.base + from * next.stride;
            share.rows = next.rows * (index + 1) / blocks - from;
            kPanelProducts[block - 1][vectors - 1](
                x.data() + r0 * xStride + k0, xStride, w, kPanelWidth, depth, lastMask,
                out.data() + r0 * yStride + c0, yStride, k0 > 0,
                layer.bias != nullptr ? layer.bias + first + c0 : nullptr, share);
        }
    }
}

// Packed weights (Linear::packed) of `layer` as stored.
ATTNLAB_AVX512 std::unique_ptr<float[]> packPanels(const Linear& layer) {
    const int panels = (layer.out + kPanelWidth - 1) / kPanelWidth;
    auto packed = std::make_unique_for_overwrite<float[]>(packedFloats(layer.in, layer.out));
    for (int p = 0; p < panels; ++p) {
        const int c0 = p * kPanelWidth, columns = std::min(kPanelWidth, layer.out - c0);
        float* panel = packed.get() + static_cast<std::size_t>(p) * kPanelWidth * layer.in;
        if (layer.outByIn) {
            packTransposed(layer.weight + static_cast<Eigen::Index>(c0) * layer.in, layer.in,
                           columns, layer.in, panel);
        } else {
            for (Eigen::Index k = 0; k < layer.in; ++k)
                std::copy_n(layer.weight + k * layer.out + c0, columns, panel + k * kPanelWidth);
        }
        if (columns < kPanelWidth)
            for (Eigen::Index k = 0; k < layer.in; ++k)
                std::fill(panel + k * kPanelWidth + columns, panel + (k + 1) * kPanelWidth, 0.0f);
    }
    return packed;
}

#endif

} // namespace

std::size_t packedFloats(int in, int out) {
    return static_cast<std::size_t>((out + kPackedPanelColumns - 1) / kPackedPanelColumns) *
           kPackedPanelColumns * static_cast<std::size_t>(in);
}

std::unique_ptr<float[]> packWeights(const Linear& layer) {
#ifdef ATTNLAB_VECTOR_PRODUCT
    if (vectorProductAvailable() && !layer.packed)
        return packPanels(layer);
#endif
    (void)layer;
    return nullptr;
}

bool vectorProductAvailable() {
#ifdef ATTNLAB_VECTOR_PRODUCT
    return __builtin_cpu_supports("avx512f") != 0;
#else
    return false;
#endif
}

void multiplyColumns(const Eigen::Ref<const Matrix>& x, const Linear& layer, int first, int count,
                     Eigen::Ref<Matrix> out, ProductKernel kernel) {
    if (count <= 0 || x.rows() == 0)
        return;
#ifdef ATTNLAB_VECTOR_PRODUCT
    // Packed weights are read in order by the kernels, for one row as well; a block of columns
    // that starts inside a panel (not one applyLinear gives) takes Eigen's product. Unpacked, the
    // kernels take an out × in layer's (the output head, which is the token embeddings) from two
    // rows on, and leave in × out weights, which loading packs wherever the kernels run, to it.
    const bool vector =
        layer.packed ? first % kPanelWidth == 0 : layer.outByIn && x.rows() >= kFewestRows;
    if (kernel == ProductKernel::automatic && vector && vectorProductAvailable()) {
        vectorColumns(x, layer, first, count, out);
        return;
    }
#endif
    portableColumns(x, layer, first, count, out);
    if (layer.bias != nullptr)
        out.rowwise() += Eigen::Map<const RowVector>(layer.bias + first, count);
}

} // namespace attnlab::core::pretrained

#ifdef ATTNLAB_VECTOR_PRODUCT
#undef ATTNLAB_VECTOR_PRODUCT
#undef ATTNLAB_AVX512
#endif
