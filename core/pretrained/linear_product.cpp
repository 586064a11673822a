#include "core/pretrained/linear_product.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define ATTNLAB_VECTOR_PRODUCT 1
// The kernels are compiled for AVX-512, and for AVX2 with FMA, whatever the build's target, and
// run only where the processor reports them (vectorProductAvailable), so one build serves every
// x86-64 PC.
#define ATTNLAB_AVX512 __attribute__((target("avx512f")))
#define ATTNLAB_AVX2 __attribute__((target("avx2,fma")))
#endif

namespace attnlab::core::pretrained {
namespace {

using ConstWeights = Eigen::Map<const Matrix>;

// The first weight of the packed panel that holds column `column` (Linear::panelWidth).
const float* packedPanel(const Linear& layer, int column) {
    return layer.weight +
           static_cast<Eigen::Index>(column / layer.panelWidth) * layer.panelWidth * layer.in;
}

void portableColumns(const Eigen::Ref<const Matrix>& x, const Linear& layer, int first, int count,
                     Eigen::Ref<Matrix> out) {
    if (layer.packed()) {
        // Panel by panel: each is an in × panelWidth matrix of its own.
        using Panel = Eigen::Map<const Matrix, 0, Eigen::OuterStride<>>;
        const int width = layer.panelWidth;
        for (int c = first; c < first + count;) {
            const int offset = c % width, columns = std::min(width - offset, first + count - c);
            const Panel panel(packedPanel(layer, c) + offset, layer.in, columns,
                              Eigen::OuterStride<>(width));
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

// The weights of the next panel, fetched into the cache while this one is multiplied from it:
// `rows` rows of `rowLines` cache lines each, `stride` floats apart.
struct Ahead {
    const float* base = nullptr;
    Eigen::Index stride = 0;
    Eigen::Index rowLines = 0;
    Eigen::Index rows = 0;
};

// Fetches an even share of `ahead` after each kChunk steps over the depth of one kernel call
// (between the chunks, so that the steps themselves are only loads and multiply-adds: with the
// fetch tested at every step, the 256-bit kernels issued half again as many instructions).
class Prefetcher {
public:
    static constexpr Eigen::Index kChunk = 8;
    static constexpr Eigen::Index kCacheLineFloats = 16;

    Prefetcher(const Ahead& ahead, int depth)
        : m_ahead(ahead),
          m_perChunk(depth > 0 ? (ahead.rows * ahead.rowLines * kChunk + depth - 1) / depth : 0) {}

    // Inlined into the kernels, whatever their target.
    [[gnu::always_inline]] void chunkDone() {
        for (Eigen::Index p = 0; p < m_perChunk && m_row < m_ahead.rows; ++p) {
            _mm_prefetch(reinterpret_cast<const char*>(m_ahead.base + m_row * m_ahead.stride +
                                                       m_line * kCacheLineFloats),
                         _MM_HINT_T1);
            if (++m_line == m_ahead.rowLines) {
                m_line = 0;
                ++m_row;
            }
        }
    }

private:
    const Ahead& m_ahead;
    Eigen::Index m_perChunk;
    Eigen::Index m_row = 0, m_line = 0;
};

// One kernel call: rows × columns (at most its kernel set's panel width) of y = x·w + bias over
// `depth` (y += x·w when `accumulate`: a later pass over the depth), w being `depth` rows of a
// panel; a null `bias` is none. The accumulators stay in registers for the whole depth. Columns
// past `columns` are never written; those of w are read by the 256-bit kernels (a panel holds
// them as zeros), not by the AVX-512 ones.
using PanelProduct = void (*)(const float* x, Eigen::Index xStride, const float* w, int depth,
                              int columns, float* y, Eigen::Index yStride, bool accumulate,
                              const float* bias, const Ahead& ahead);

// A pass over at most this much depth keeps a panel of weights (48 × 1024 floats, 192 KiB) in
// the core's own cache while every block of rows of x reads it again.
constexpr int kDepthBlock = 1024;

// ---- AVX-512: 16 floats a register, panels of 48 columns (3 registers), 8 rows of x a call.

constexpr __mmask16 kAllLanes = 0xFFFF;
constexpr int kLanes512 = 16;
constexpr int kPanel512 = 3 * kLanes512;
static_assert(kPackedPanelColumns % kPanel512 == 0);

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

template <int Rows, int Vectors>
ATTNLAB_AVX512 void product512(const float* x, Eigen::Index xStride, const float* w, int depth,
                               int columns, float* y, Eigen::Index yStride, bool accumulate,
                               const float* bias, const Ahead& ahead) {
    const int tail = columns - (Vectors - 1) * kLanes512;
    const auto lastMask =
        tail >= kLanes512 ? kAllLanes : static_cast<__mmask16>((std::uint32_t{1} << tail) - 1);
    const auto mask = [lastMask](Eigen::Index v) {
        return v == Vectors - 1 ? lastMask : kAllLanes;
    };
    __m512 sums[Rows][Vectors];
    Prefetcher prefetcher(ahead, depth);
    // Zero first and the earlier passes' sums added at the end: a sum started from memory
    // makes GCC keep the accumulators in memory too.
#pragma GCC unroll 8
    for (Eigen::Index r = 0; r < Rows; ++r)
#pragma GCC unroll 3
        for (Eigen::Index v = 0; v < Vectors; ++v)
            sums[r][v] = _mm512_setzero_ps();
    for (Eigen::Index chunk = 0; chunk < depth; chunk += Prefetcher::kChunk) {
        const Eigen::Index end = std::min<Eigen::Index>(depth, chunk + Prefetcher::kChunk);
        for (Eigen::Index k = chunk; k < end; ++k, w += kPanel512) {
            __m512 b[Vectors];
#pragma GCC unroll 3
            for (Eigen::Index v = 0; v < Vectors; ++v)
                b[v] = _mm512_maskz_loadu_ps(mask(v), w + v * kLanes512);
#pragma GCC unroll 8
            for (Eigen::Index r = 0; r < Rows; ++r) {
                const __m512 a = _mm512_set1_ps(x[r * xStride + k]);
#pragma GCC unroll 3
                for (Eigen::Index v = 0; v < Vectors; ++v)
                    sums[r][v] = _mm512_fmadd_ps(a, b[v], sums[r][v]);
            }
        }
        prefetcher.chunkDone();
    }
    // The sums of earlier passes, or on the first pass the bias.
    __m512 base[Vectors];
#pragma GCC unroll 3
    for (Eigen::Index v = 0; v < Vectors; ++v)
        base[v] = bias != nullptr ? _mm512_maskz_loadu_ps(mask(v), bias + v * kLanes512)
                                  : _mm512_setzero_ps();
#pragma GCC unroll 8
    for (Eigen::Index r = 0; r < Rows; ++r)
#pragma GCC unroll 3
        for (Eigen::Index v = 0; v < Vectors; ++v) {
            float* cell = y + r * yStride + v * kLanes512;
            const __m512 earlier = accumulate ? _mm512_maskz_loadu_ps(mask(v), cell) : base[v];
            _mm512_mask_storeu_ps(cell, mask(v), _mm512_add_ps(sums[r][v], earlier));
        }
}

template <int Rows> constexpr std::array<PanelProduct, 3> products512Of() {
    return {&product512<Rows, 1>, &product512<Rows, 2>, &product512<Rows, 3>};
}

PanelProduct product512For(int rows, int columns) {
    static constexpr std::array<std::array<PanelProduct, 3>, 8> kTable = {
        products512Of<1>(), products512Of<2>(), products512Of<3>(), products512Of<4>(),
        products512Of<5>(), products512Of<6>(), products512Of<7>(), products512Of<8>()};
    return kTable[rows - 1][(columns + kLanes512 - 1) / kLanes512 - 1];
}

// ---- AVX2 and FMA: 8 floats a register, panels of 16 columns (2 registers), 6 rows of x a
// call: the 12 sums, 2 weights and a broadcast fill 15 of the 16 registers, as in the classic
// 6 × 16 kernels of Zen's BLAS libraries. A panel's row is one cache line: a call streams its
// weights from the cache in order.

constexpr int kLanes256 = 8;
constexpr int kPanel256 = 2 * kLanes256;
static_assert(kPackedPanelColumns % kPanel256 == 0);

// 8 rows of `src` (row stride `srcStride`), 8 floats each, written as 8 columns of `dst`.
ATTNLAB_AVX2 void transpose8(const float* src, Eigen::Index srcStride, float* dst,
                             Eigen::Index dstStride) {
    __m256 r[8];
    __m256 t[8];
    for (Eigen::Index i = 0; i < 8; ++i)
        r[i] = _mm256_loadu_ps(src + i * srcStride);
    // Pairs, then quadruples: in each 128-bit half H of t[4i + j] sit the elements 4H + j of
    // rows 4i … 4i + 3.
    for (Eigen::Index i = 0; i < 4; ++i) {
        const __m256 low = _mm256_unpacklo_ps(r[2 * i], r[2 * i + 1]);
        const __m256 high = _mm256_unpackhi_ps(r[2 * i], r[2 * i + 1]);
        r[2 * i] = low;
        r[2 * i + 1] = high;
    }
    for (Eigen::Index i = 0; i < 2; ++i) {
        t[4 * i] = _mm256_shuffle_ps(r[4 * i], r[4 * i + 2], 0x44);
        t[4 * i + 1] = _mm256_shuffle_ps(r[4 * i], r[4 * i + 2], 0xEE);
        t[4 * i + 2] = _mm256_shuffle_ps(r[4 * i + 1], r[4 * i + 3], 0x44);
        t[4 * i + 3] = _mm256_shuffle_ps(r[4 * i + 1], r[4 * i + 3], 0xEE);
    }
    for (Eigen::Index j = 0; j < 4; ++j) {
        _mm256_storeu_ps(dst + j * dstStride, _mm256_permute2f128_ps(t[j], t[4 + j], 0x20));
        _mm256_storeu_ps(dst + (4 + j) * dstStride, _mm256_permute2f128_ps(t[j], t[4 + j], 0x31));
    }
}

template <int Rows, int Vectors>
ATTNLAB_AVX2 void product256(const float* x, Eigen::Index xStride, const float* w, int depth,
                             int columns, float* y, Eigen::Index yStride, bool accumulate,
                             const float* bias, const Ahead& ahead) {
    // The lanes of each register's columns that exist: all but in the last.
    __m256i mask[Vectors];
#pragma GCC unroll 2
    for (Eigen::Index v = 0; v < Vectors; ++v)
        mask[v] = _mm256_cmpgt_epi32(_mm256_set1_epi32(columns - static_cast<int>(v) * kLanes256),
                                     _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
    __m256 sums[Rows][Vectors];
    Prefetcher prefetcher(ahead, depth);
#pragma GCC unroll 6
    for (Eigen::Index r = 0; r < Rows; ++r)
#pragma GCC unroll 2
        for (Eigen::Index v = 0; v < Vectors; ++v)
            sums[r][v] = _mm256_setzero_ps();
    for (Eigen::Index chunk = 0; chunk < depth; chunk += Prefetcher::kChunk) {
        const Eigen::Index end = std::min<Eigen::Index>(depth, chunk + Prefetcher::kChunk);
        for (Eigen::Index k = chunk; k < end; ++k, w += kPanel256) {
            __m256 b[Vectors];
#pragma GCC unroll 2
            for (Eigen::Index v = 0; v < Vectors; ++v)
                b[v] = _mm256_loadu_ps(w + v * kLanes256);
#pragma GCC unroll 6
            for (Eigen::Index r = 0; r < Rows; ++r) {
                const __m256 a = _mm256_broadcast_ss(x + r * xStride + k);
#pragma GCC unroll 2
                for (Eigen::Index v = 0; v < Vectors; ++v)
                    sums[r][v] = _mm256_fmadd_ps(a, b[v], sums[r][v]);
            }
        }
        prefetcher.chunkDone();
    }
    __m256 base[Vectors];
#pragma GCC unroll 2
    for (Eigen::Index v = 0; v < Vectors; ++v)
        base[v] = bias != nullptr ? _mm256_maskload_ps(bias + v * kLanes256, mask[v])
                                  : _mm256_setzero_ps();
#pragma GCC unroll 6
    for (Eigen::Index r = 0; r < Rows; ++r)
#pragma GCC unroll 2
        for (Eigen::Index v = 0; v < Vectors; ++v) {
            float* cell = y + r * yStride + v * kLanes256;
            const __m256 earlier = accumulate ? _mm256_maskload_ps(cell, mask[v]) : base[v];
            _mm256_maskstore_ps(cell, mask[v], _mm256_add_ps(sums[r][v], earlier));
        }
}

template <int Rows> constexpr std::array<PanelProduct, 2> products256Of() {
    return {&product256<Rows, 1>, &product256<Rows, 2>};
}

PanelProduct product256For(int rows, int columns) {
    static constexpr std::array<std::array<PanelProduct, 2>, 6> kTable = {
        products256Of<1>(), products256Of<2>(), products256Of<3>(),
        products256Of<4>(), products256Of<5>(), products256Of<6>()};
    return kTable[rows - 1][(columns + kLanes256 - 1) / kLanes256 - 1];
}

// ---- What both share.

using Transpose = void (*)(const float* src, Eigen::Index srcStride, float* dst,
                           Eigen::Index dstStride);

// Rows [0, columns) × depth [0, depth) of an out × in weight block starting at `w` (row stride
// `stride`), written transposed into `panel` (depth rows of Width floats), tiles of Tile × Tile
// by `transpose`.
template <int Tile, int Width>
void packTransposed(Transpose transpose, const float* w, Eigen::Index stride, int columns,
                    int depth, float* panel) {
    Eigen::Index c = 0;
    for (; c + Tile <= columns; c += Tile) {
        Eigen::Index k = 0;
        for (; k + Tile <= depth; k += Tile)
            transpose(w + c * stride + k, stride, panel + k * Width + c, Width);
        for (; k < depth; ++k)
            for (Eigen::Index i = 0; i < Tile; ++i)
                panel[k * Width + c + i] = w[(c + i) * stride + k];
    }
    for (; c < columns; ++c)
        for (Eigen::Index k = 0; k < depth; ++k)
            panel[k * Width + c] = w[c * stride + k];
}

// The kernels of one instruction set.
struct KernelSet {
    int rowBlock;   ///< most rows of x a call takes
    int panelWidth; ///< columns of a panel of packed weights, and most a call takes
    PanelProduct (*product)(int rows, int columns);
    void (*packTransposed)(const float* w, Eigen::Index stride, int columns, int depth,
                           float* panel);
};

void packTransposed512(const float* w, Eigen::Index stride, int columns, int depth, float* panel) {
    packTransposed<kLanes512, kPanel512>(&transpose16, w, stride, columns, depth, panel);
}

void packTransposed256(const float* w, Eigen::Index stride, int columns, int depth, float* panel) {
    packTransposed<kLanes256, kPanel256>(&transpose8, w, stride, columns, depth, panel);
}

constexpr KernelSet kAvx512 = {8, kPanel512, &product512For, &packTransposed512};
constexpr KernelSet kAvx2 = {6, kPanel256, &product256For, &packTransposed256};

bool hasAvx512() {
    return __builtin_cpu_supports("avx512f") != 0;
}
bool hasAvx2() {
    return __builtin_cpu_supports("avx2") != 0 && __builtin_cpu_supports("fma") != 0;
}

// The kernels `kernel` asks for on this processor, or null for Eigen's product.
const KernelSet* kernelsFor(ProductKernel kernel) {
    if (kernel == ProductKernel::automatic && hasAvx512())
        return &kAvx512;
    if (kernel != ProductKernel::portable && hasAvx2())
        return &kAvx2;
    return nullptr;
}

// The weights of columns [c0, c0 + columns) × depth [k0, k0 + depth) as rows of cache lines.
Ahead weightRegion(const Linear& layer, int c0, int columns, int k0, int depth) {
    constexpr Eigen::Index line = Prefetcher::kCacheLineFloats;
    Ahead region;
    if (layer.packed()) {
        region.base = packedPanel(layer, c0) + static_cast<Eigen::Index>(k0) * layer.panelWidth;
        region.stride = layer.panelWidth;
        region.rowLines = (columns + line - 1) / line;
        region.rows = depth;
    } else { // out × in (vectorColumns takes no other)
        region.base = layer.weight + static_cast<Eigen::Index>(c0) * layer.in + k0;
        region.stride = layer.in;
        region.rowLines = (depth + line - 1) / line;
        region.rows = columns;
    }
    return region;
}

// Columns [first, first + count) of x·W + b by `kernels`, whose panel width packed weights have.
void vectorColumns(const Eigen::Ref<const Matrix>& x, const Linear& layer, int first, int count,
                   Eigen::Ref<Matrix>& out, const KernelSet& kernels) {
    const int rows = static_cast<int>(x.rows());
    const int width = kernels.panelWidth;
    const int depthTotal = layer.in;
    const int passes = (depthTotal + kDepthBlock - 1) / kDepthBlock;
    const int depthStep =
        ((depthTotal + passes - 1) / passes + kLanes512 - 1) / kLanes512 * kLanes512;
    // Written by packTransposed before it is read: not zeroed first, but for the columns of a
    // last partial panel, which the 256-bit kernels read.
    const auto panel = std::make_unique_for_overwrite<float[]>(
        layer.packed() ? 0 : static_cast<std::size_t>(width) * depthStep);
    const Eigen::Index xStride = x.outerStride(), yStride = out.outerStride();
    const int steps = (count + width - 1) / width * passes;
    // Step s multiplies panel s / passes over depth pass s % passes.
    const auto regionOfStep = [&](int step) {
        const int c0 = step / passes * width, k0 = step % passes * depthStep;
        return weightRegion(layer, first + c0, std::min(width, count - c0), k0,
                            std::min(depthStep, depthTotal - k0));
    };
    // Blocks of rows as even as they can be (32 rows: 8 + 8 + 8 + 8, or 5 + 5 + 5 + 6 + 5 + 6),
    // since a small last block reads the weights for few sums.
    const int blocks = (rows + kernels.rowBlock - 1) / kernels.rowBlock;
    for (int step = 0; step < steps; ++step) {
        const int c0 = step / passes * width, k0 = step % passes * depthStep;
        const int columns = std::min(width, count - c0);
        const int depth = std::min(depthStep, depthTotal - k0);
        const Ahead here = regionOfStep(step);
        // Every block of rows fetches an equal share of the next step's weights, so that they
        // stream in at an even pace over the whole of this step (GPT-2 small at 32 tokens:
        // 1.3 ms faster than fetching all of them during one block, with AVX-512).
        const Ahead next = step + 1 < steps ? regionOfStep(step + 1) : Ahead{};
        const float* w = here.base;
        if (!layer.packed()) {
            if (columns < width)
                std::fill_n(panel.get(), static_cast<std::size_t>(width) * depth, 0.0f);
            kernels.packTransposed(here.base, here.stride, columns, depth, panel.get());
            w = panel.get();
        }
        for (int block = 0; block < blocks; ++block) {
            const int r0 = rows * block / blocks, r1 = rows * (block + 1) / blocks;
            Ahead share = next;
            const Eigen::Index from = next.rows * block / blocks;
            share.base = next.base == nullptr ? nullptr : next.base + from * next.stride;
            share.rows = next.rows * (block + 1) / blocks - from;
            kernels.product(r1 - r0, columns)(
                x.data() + r0 * xStride + k0, xStride, w, depth, columns,
                out.data() + r0 * yStride + c0, yStride, k0 > 0,
                layer.bias != nullptr ? layer.bias + first + c0 : nullptr, share);
        }
    }
}

// Packed weights (Linear::panelWidth) of `layer` as stored, in panels of `kernels`' width up to
// the columns rounded up to kPackedPanelColumns.
std::unique_ptr<float[]> packPanels(const Linear& layer, const KernelSet& kernels) {
    const int width = kernels.panelWidth;
    const std::size_t floats = packedFloats(layer.in, layer.out);
    const int panels =
        (layer.out + kPackedPanelColumns - 1) / kPackedPanelColumns * kPackedPanelColumns / width;
    auto packed = std::make_unique_for_overwrite<float[]>(floats);
    for (int p = 0; p < panels; ++p) {
        const int c0 = p * width, columns = std::clamp(layer.out - c0, 0, width);
        float* panel = packed.get() + static_cast<std::size_t>(p) * width * layer.in;
        if (layer.outByIn) {
            kernels.packTransposed(layer.weight + static_cast<Eigen::Index>(c0) * layer.in,
                                   layer.in, columns, layer.in, panel);
        } else {
            for (Eigen::Index k = 0; k < layer.in; ++k)
                std::copy_n(layer.weight + k * layer.out + c0, columns, panel + k * width);
        }
        if (columns < width)
            for (Eigen::Index k = 0; k < layer.in; ++k)
                std::fill(panel + k * width + columns, panel + (k + 1) * width, 0.0f);
    }
    return packed;
}

#endif

} // namespace

std::size_t packedFloats(int in, int out) {
    return static_cast<std::size_t>((out + kPackedPanelColumns - 1) / kPackedPanelColumns) *
           kPackedPanelColumns * static_cast<std::size_t>(in);
}

PackedWeights packWeights(const Linear& layer, ProductKernel kernel) {
    PackedWeights result;
#ifdef ATTNLAB_VECTOR_PRODUCT
    if (const KernelSet* kernels = kernelsFor(kernel); kernels != nullptr && !layer.packed()) {
        result.floats = packPanels(layer, *kernels);
        result.panelWidth = kernels->panelWidth;
    }
#endif
    (void)layer;
    (void)kernel;
    return result;
}

bool vectorProductAvailable() {
#ifdef ATTNLAB_VECTOR_PRODUCT
    return kernelsFor(ProductKernel::automatic) != nullptr;
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
    const KernelSet* kernels = kernelsFor(kernel);
    const bool vector =
        kernels != nullptr &&
        (layer.packed() ? layer.panelWidth == kernels->panelWidth && first % layer.panelWidth == 0
                        : layer.outByIn && x.rows() >= kFewestRows);
    if (vector) {
        vectorColumns(x, layer, first, count, out, *kernels);
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
#undef ATTNLAB_AVX2
#endif
