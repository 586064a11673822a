// The loaders' entry points (see embeddings.h): the file or text, the cache, then a parser.

#include "core/embeddings/embeddings_detail.h"

#include "core/base/file_io.h"

#include <filesystem>
#include <optional>
#include <system_error>
#include <utility>

namespace attnlab::core {

using embeddings_detail::asciiLower;
using embeddings_detail::ByteSource;
using embeddings_detail::cacheCandidates;
using embeddings_detail::parseText;
using embeddings_detail::parseWord2VecBinary;
using embeddings_detail::readCache;
using embeddings_detail::SourceIdentity;
using embeddings_detail::writeCache;

EmbeddingLoadResult parseEmbeddingsText(std::string_view text, const std::string& origin,
                                        const EmbeddingLoadOptions& options) {
    return parseText(ByteSource(text), origin, options);
}

EmbeddingLoadResult parseEmbeddingsWord2VecBinary(std::string_view bytes, const std::string& origin,
                                                  const EmbeddingLoadOptions& options) {
    return parseWord2VecBinary(ByteSource(bytes), origin, options);
}

EmbeddingTable parseEmbeddingsText(std::string_view text, const std::string& origin) {
    return parseEmbeddingsText(text, origin, EmbeddingLoadOptions{}).table;
}

EmbeddingTable parseEmbeddingsWord2VecBinary(std::string_view bytes, const std::string& origin) {
    return parseEmbeddingsWord2VecBinary(bytes, origin, EmbeddingLoadOptions{}).table;
}

EmbeddingLoadResult loadEmbeddings(const std::string& path, const EmbeddingLoadOptions& options) {
    namespace fs = std::filesystem;
    std::error_code ec;
    // Refuses a folder, a named pipe, a device or a socket before reading anything.
    const InputFile file(path);

    SourceIdentity identity;
    identity.path = fs::absolute(path, ec).lexically_normal().string();
    if (ec)
        identity.path = path;
    identity.size = file.size();
    identity.modified = file.modifiedNanoseconds();

    std::vector<std::string> candidates;
    if (options.useCache) {
        candidates = cacheCandidates(identity, options);
        for (const std::string& candidate : candidates) {
            if (std::optional<EmbeddingLoadResult> cached = readCache(candidate, identity)) {
                const auto total = static_cast<std::int64_t>(identity.size);
                if (options.progress && !options.progress(total, total))
                    throw Cancelled();
                return std::move(*cached);
            }
        }
    }

    const ByteSource source(file.descriptor(), identity.size, path);
    const std::string extension = asciiLower(fs::path(path).extension().string());
    EmbeddingLoadResult result = extension == ".bin" ? parseWord2VecBinary(source, path, options)
                                                     : parseText(source, path, options);

    if (options.useCache) {
        std::string problems;
        for (const std::string& candidate : candidates) {
            if (candidate != candidates.front()) {
                std::error_code ignored;
                fs::create_directories(fs::path(candidate).parent_path(), ignored);
            }
            const std::string problem = writeCache(candidate, identity, result);
            if (problem.empty()) {
                result.cachePath = candidate;
                break;
            }
            problems += (problems.empty() ? "" : "; ") + problem;
        }
        if (result.cachePath.empty())
            result.warnings.push_back("could not save the cache for '" + path +
                                      "' (the next load parses the file again): " + problems);
    }
    return result;
}

EmbeddingTable loadEmbeddingsFile(const std::string& path) {
    return loadEmbeddings(path, EmbeddingLoadOptions{}).table;
}

} // namespace attnlab::core
