#include "core/attention/rollout.h"

#include <algorithm>
#include <string>

namespace attnlab::core {
namespace {

// The number of words (the largest index + 1) and of pieces per word; refuses bad indices.
std::vector<int> piecesPerWord(const std::vector<int>& wordOfPiece, const char* what) {
    int words = 0;
    for (std::size_t i = 0; i < wordOfPiece.size(); ++i) {
        if (wordOfPiece[i] < -1)
            throw InputError(std::string(what) + " piece " + std::to_string(i + 1) + " has word " +
                             std::to_string(wordOfPiece[i]) +
                             "; words are numbered from 0 (-1 "
                             "leaves a piece out)");
        words = std::max(words, wordOfPiece[i] + 1);
    }
    std::vector<int> counts(static_cast<std::size_t>(words), 0);
    for (int word : wordOfPiece)
        if (word >= 0)
            ++counts[static_cast<std::size_t>(word)];
    for (std::size_t w = 0; w < counts.size(); ++w)
        if (counts[w] == 0)
            throw InputError(std::string(what) + " word " + std::to_string(w) +
                             " has no pieces; number the words 0, 1, 2, ... without gaps");
    return counts;
}

} // namespace

Matrix attentionRolloutOfMeans(const std::vector<Matrix>& layerMeans) {
    if (layerMeans.empty())
        throw InputError("attention rollout needs at least one layer");
    const Eigen::Index n = layerMeans.front().rows();
    Matrix rollout;
    Matrix step(n, n);
    for (std::size_t l = 0; l < layerMeans.size(); ++l) {
        const Matrix& mean = layerMeans[l];
        if (mean.rows() != n || mean.cols() != n)
            throw InputError("attention rollout: layer " + std::to_string(l + 1) + " is " +
                             std::to_string(mean.rows()) + "×" + std::to_string(mean.cols()) +
                             ", not " + std::to_string(n) + "×" + std::to_string(n));
        step = 0.5f * mean;
        step.diagonal().array() += 0.5f;
        // Rows of an intervened layer need not sum to 1 (sigmoid, flagged rows): renormalise.
        for (Eigen::Index i = 0; i < n; ++i) {
            const float sum = step.row(i).sum();
            if (sum > 0.0f)
                step.row(i) /= sum;
        }
        if (l == 0)
            rollout = step;
        else
            rollout = step * rollout; // R_l = Â_l R_{l−1}
    }
    return rollout;
}

Matrix attentionRollout(const std::vector<std::vector<Matrix>>& attentions) {
    std::vector<Matrix> means;
    means.reserve(attentions.size());
    for (std::size_t l = 0; l < attentions.size(); ++l) {
        const auto& heads = attentions[l];
        if (heads.empty())
            throw InputError("attention rollout: layer " + std::to_string(l + 1) + " has no heads");
        Matrix mean = heads.front();
        for (std::size_t h = 1; h < heads.size(); ++h) {
            if (heads[h].rows() != mean.rows() || heads[h].cols() != mean.cols())
                throw InputError("attention rollout: the heads of layer " + std::to_string(l + 1) +
                                 " differ in shape");
            mean += heads[h];
        }
        mean /= static_cast<float>(heads.size());
        means.push_back(std::move(mean));
    }
    return attentionRolloutOfMeans(means);
}

Matrix aggregateToWords(const Eigen::Ref<const Matrix>& pieces,
                        const std::vector<int>& queryWordOfPiece,
                        const std::vector<int>& keyWordOfPiece) {
    if (static_cast<Eigen::Index>(queryWordOfPiece.size()) != pieces.rows() ||
        static_cast<Eigen::Index>(keyWordOfPiece.size()) != pieces.cols())
        throw InputError("word aggregation: the map is " + std::to_string(pieces.rows()) + "×" +
                         std::to_string(pieces.cols()) + " but the word indices cover " +
                         std::to_string(queryWordOfPiece.size()) + " query and " +
                         std::to_string(keyWordOfPiece.size()) + " key pieces");
    const std::vector<int> queryCounts = piecesPerWord(queryWordOfPiece, "query");
    const std::vector<int> keyCounts = piecesPerWord(keyWordOfPiece, "key");
    const auto keyWords = static_cast<Eigen::Index>(keyCounts.size());
    Matrix words = Matrix::Zero(static_cast<Eigen::Index>(queryCounts.size()), keyWords);
    RowVector summed(keyWords);
    for (Eigen::Index i = 0; i < pieces.rows(); ++i) {
        const int queryWord = queryWordOfPiece[static_cast<std::size_t>(i)];
        if (queryWord < 0)
            continue;
        summed.setZero(); // the row's weights summed over each key word's pieces
        for (Eigen::Index j = 0; j < pieces.cols(); ++j) {
            const int keyWord = keyWordOfPiece[static_cast<std::size_t>(j)];
            if (keyWord >= 0)
                summed(keyWord) += pieces(i, j);
        }
        words.row(queryWord) += summed;
    }
    for (std::size_t w = 0; w < queryCounts.size(); ++w)
        words.row(static_cast<Eigen::Index>(w)) /= static_cast<float>(queryCounts[w]);
    return words;
}

Matrix aggregateToWords(const Eigen::Ref<const Matrix>& pieces,
                        const std::vector<int>& wordOfPiece) {
    return aggregateToWords(pieces, wordOfPiece, wordOfPiece);
}

} // namespace attnlab::core
