// Fuzzes the word2vec binary parser: any bytes must give a table of finite numbers that finds
// each of its words, or an InputError with a message.

#include "fuzz_common.h"

#include "core/embeddings/embeddings.h"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace attnlab::core;
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    try {
        const EmbeddingTable table = parseEmbeddingsWord2VecBinary(bytes, "fuzz.bin");
        FUZZ_CHECK(table.dimension() >= 1 && table.dimension() <= kMaxEmbeddingDimension);
        FUZZ_CHECK(table.size() >= 1);
        FUZZ_CHECK(table.matrix().allFinite());
        FUZZ_CHECK(std::isfinite(table.rms()));
        for (int i = 0; i < static_cast<int>(table.size()); ++i)
            FUZZ_CHECK(table.find(table.word(i)) == i);
    } catch (const InputError& error) {
        FUZZ_CHECK(std::string(error.what()).rfind("fuzz.bin: ", 0) == 0);
    }
    return 0;
}
