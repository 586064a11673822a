// Fuzzes the import of attention from a model: core::parseNpy on the bytes, then, when they
// parse, importAttention with token lists that fit or not, and the maps of every layer (through
// the imported model). Everything must either work or throw InputError; the maps must be
// complete and every number the views show finite.

#include "fuzz_common.h"

#include "core/model/imported_attention.h"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <memory>
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
    const int heads = imported.heads;
    const int layers = imported.layers;
    const ImportedModel model(std::make_shared<const ImportedAttention>(std::move(imported)),
                              "fuzz.npy");
    const ModelOutput output = model.run(Config{});
    const AttentionMaps& maps = output.maps;
    FUZZ_CHECK(!output.capabilities.hasTrace && !output.trace);
    FUZZ_CHECK(maps.layers == layers && maps.heads == heads);
    const auto count = static_cast<std::size_t>(maps.layers) * static_cast<std::size_t>(maps.heads);
    FUZZ_CHECK(maps.weights.size() == count);
    FUZZ_CHECK(maps.entropy.size() == count && maps.argmax.size() == count);
    FUZZ_CHECK(maps.mean.size() == static_cast<std::size_t>(maps.layers));
    FUZZ_CHECK(maps.max.size() == static_cast<std::size_t>(maps.layers));
    for (int layer = 0; layer < maps.layers && layer < 4; ++layer) {
        FUZZ_CHECK(maps.mean[static_cast<std::size_t>(layer)].allFinite());
        FUZZ_CHECK(maps.max[static_cast<std::size_t>(layer)].allFinite());
        for (int head = 0; head < maps.heads; ++head)
            FUZZ_CHECK(maps.entropy[maps.index(layer, head)].allFinite());
    }
    return 0;
}
