// Fuzzes the text embeddings parser (GloVe / word2vec text / fastText). Input: byte 0 picks how
// the text is split for parallel parsing (block size 1 + value % 64 bytes; two threads when bit
// 7 is set); the rest is the file. The split must not matter: the parse is compared with a
// parse in one block, which must give the same table and warnings, or the same InputError
// message. Every table must hold finite numbers and find each of its words.

#include "fuzz_common.h"

#include "core/embeddings/embeddings.h"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace {

using namespace attnlab::core;

struct Outcome {
    std::optional<EmbeddingLoadResult> loaded;
    std::string error;
};

Outcome parse(std::string_view text, std::size_t blockBytes, int threads) {
    EmbeddingLoadOptions options;
    options.blockBytes = blockBytes;
    options.threads = threads;
    Outcome outcome;
    try {
        outcome.loaded = parseEmbeddingsText(text, "fuzz.txt", options);
    } catch (const InputError& error) {
        outcome.error = error.what();
        FUZZ_CHECK(!outcome.error.empty());
    }
    return outcome;
}

void checkTable(const EmbeddingTable& table) {
    FUZZ_CHECK(table.dimension() >= 1 && table.dimension() <= kMaxEmbeddingDimension);
    FUZZ_CHECK(table.size() >= 1);
    FUZZ_CHECK(table.matrix().allFinite());
    FUZZ_CHECK(std::isfinite(table.rms()) && table.rms() > 0.0f);
    for (int i = 0; i < static_cast<int>(table.size()); ++i) {
        FUZZ_CHECK(!table.word(i).empty());
        FUZZ_CHECK(table.find(table.word(i)) == i);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1)
        return 0;
    const std::size_t blockBytes = 1 + data[0] % 64;
    const int threads = (data[0] & 0x80) ? 2 : 1;
    const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);

    const Outcome whole = parse(text, 0, 1);
    const Outcome split = parse(text, blockBytes, threads);
    FUZZ_CHECK(whole.loaded.has_value() == split.loaded.has_value());
    if (!whole.loaded) {
        FUZZ_CHECK(whole.error == split.error);
        return 0;
    }
    const EmbeddingTable& a = whole.loaded->table;
    const EmbeddingTable& b = split.loaded->table;
    checkTable(a);
    FUZZ_CHECK(a.dimension() == b.dimension() && a.size() == b.size());
    for (int i = 0; i < static_cast<int>(a.size()); ++i) {
        FUZZ_CHECK(a.word(i) == b.word(i));
        FUZZ_CHECK((a.vector(i).array() == b.vector(i).array()).all());
    }
    FUZZ_CHECK(a.rms() == b.rms());
    FUZZ_CHECK(whole.loaded->warnings == split.loaded->warnings);
    return 0;
}
