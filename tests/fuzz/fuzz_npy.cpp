// Fuzzes the import of attention from a model: core::parseNpy on the bytes, then, when they
// parse, importAttention with token lists that fit or not, and importedResult for each layer.
// Everything must either work or throw InputError; an imported layer must have finite weights.

#include "fuzz_common.h"

#include "core/model/imported_attention.h"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace attnlab::core;
    if (size < 1)
        return 0;
    // Byte 0 shifts the token counts away from the array's shape (0 = they fit).
    const int shift = static_cast<int>(data[0] % 3) - 1;
    const std::string_view bytes(reinterpret_cast<const char*>(data + 1), size - 1);
    NpyArray array;
    try {
        array = parseNpy(bytes, "fuzz.npy");
    } catch (const InputError&) {
        return 0;
    }
    for (float value : array.data)
        FUZZ_CHECK(std::isfinite(value));
    if (array.shape.size() < 3 || array.data.size() > (std::size_t{1} << 22))
        return 0;
    const std::int64_t nq = array.shape[array.shape.size() - 2] + shift;
    const std::int64_t nk = array.shape.back();
    if (nq < 0 || nq > 4096 || nk < 0 || nk > 4096)
        return 0;
    std::vector<std::string> queries(static_cast<std::size_t>(nq), "q");
    std::vector<std::string> keys(static_cast<std::size_t>(nk), "k");
    ImportedAttention imported;
    try {
        imported = importAttention(std::move(array), queries, keys);
    } catch (const InputError&) {
        return 0;
    }
    for (int layer = 0; layer < imported.layers && layer < 4; ++layer) {
        const Result result = importedResult(imported, layer);
        FUZZ_CHECK(result.weightsOnly);
        FUZZ_CHECK(static_cast<int>(result.heads.size()) == imported.heads);
        FUZZ_CHECK(result.meanWeights.allFinite());
        FUZZ_CHECK(result.maxWeights.allFinite());
        for (const auto& head : result.heads)
            FUZZ_CHECK(head.entropy.allFinite()); // every number the views show is finite
    }
    return 0;
}
