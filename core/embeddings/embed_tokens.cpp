// Embedding a sentence: the table's vectors, hashed vectors for the tokens it lacks.

#include "core/embeddings/embeddings.h"

namespace attnlab::core {

Matrix embedTokens(const std::vector<std::string>& tokens, const EmbeddingTable& table,
                   std::vector<bool>& unknown) {
    const int dimension = table.dimension();
    if (dimension < 1)
        throw InputError("the embedding table has no dimension; load or build a table first");
    const auto n = static_cast<Eigen::Index>(tokens.size());
    Matrix x(n, dimension);
    unknown.assign(tokens.size(), false);
    float scale = 0.0f; // rms() reads the whole table, so compute it only when a token is unknown
    bool haveScale = false;
    for (Eigen::Index i = 0; i < n; ++i) {
        const std::string& token = tokens[static_cast<std::size_t>(i)];
        const int row = table.find(token);
        if (row >= 0) {
            x.row(i) = table.vector(row);
            continue;
        }
        if (!haveScale) {
            scale = table.rms();
            haveScale = true;
        }
        x.row(i) = hashedVector(token, dimension, scale);
        unknown[static_cast<std::size_t>(i)] = true;
    }
    return x;
}

} // namespace attnlab::core
