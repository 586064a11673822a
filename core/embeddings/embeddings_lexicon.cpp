// The built-in bilingual lexicon and the hashed vectors of unknown tokens (see embeddings.h).

#include "core/embeddings/embeddings_detail.h"

#include "core/base/random.h"

#include <charconv>
#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

// Design notes:
//  - The built-in lexicon is parsed from the embedded TSV on every call (no cached global
//    state). Parsing and generating all vectors at d = 64 takes about a millisecond; callers that
//    switch d_model often keep their own cache.
//  - Concept vectors (resources/lexicon/README.md): v = √s · Σ w_c g_c / √(Σ w_c²) + √(1−s) · u,
//    rescaled to |v| = √d, with s = kCategoryShare. g_c ~ N(0, I) is seeded by
//    fnv1a64("category:" + name), u ~ N(0, I) by fnv1a64("concept:" + concept). Entries then have
//    unit mean square, which is what attention-math.md's √d_k argument assumes; two concepts with
//    the same categories have cosine ≈ s, unrelated ones ≈ 0 ± 1/√d. Because each vector is drawn
//    entry by entry from one stream, the first k entries of a category's vector are the same at
//    every dimension ≥ k.

namespace attnlab::core {

namespace detail {
extern const unsigned char kLexiconData[];
extern const std::size_t kLexiconSize;
} // namespace detail

namespace {

using embeddings_detail::isBlank;
using embeddings_detail::splitLines;
using embeddings_detail::splitOn;
using embeddings_detail::str;
using embeddings_detail::stripBom;

constexpr int kMinLexiconDimension = 2;
constexpr int kMaxLexiconDimension = 4096;
/// Share of a concept vector's variance that comes from its categories (cosine of two concepts
/// with identical categories).
constexpr double kCategoryShare = 0.6;

struct WeightedCategory {
    std::string name;
    double weight = 1.0;
};

struct Concept {
    std::string name;
    std::vector<WeightedCategory> categories;
    std::vector<std::string> forms; ///< English then Chinese
    std::size_t englishCount = 0;   ///< forms[0, englishCount) are English
};

[[noreturn]] void lexiconError(std::size_t line, const std::string& problem) {
    // The lexicon is compiled in, so a malformed line is a defect of the build, not user input.
    throw std::logic_error("built-in lexicon (resources/lexicon/lexicon.tsv), line " + str(line) +
                           ": " + problem);
}

std::vector<Concept> parseLexicon(std::string_view text) {
    std::vector<Concept> concepts;
    const std::vector<std::string_view> lines = splitLines(stripBom(text));
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const std::string_view line = lines[i];
        const std::size_t lineNumber = i + 1;
        if (line.empty() || line.front() == '#' || isBlank(line))
            continue;
        const std::vector<std::string_view> fields = splitOn(line, '\t');
        if (fields.size() < 3 || fields.size() > 4)
            lexiconError(lineNumber,
                         "expected 4 tab-separated fields, found " + str(fields.size()));
        Concept entry;
        entry.name = std::string(fields[0]);
        if (entry.name.empty())
            lexiconError(lineNumber, "the concept name is empty");
        for (std::string_view item : splitOn(fields[1], ',')) {
            WeightedCategory category;
            const std::size_t star = item.find('*');
            category.name = std::string(item.substr(0, star));
            if (star != std::string_view::npos) {
                const std::string_view weight = item.substr(star + 1);
                const auto [end, ec] =
                    std::from_chars(weight.data(), weight.data() + weight.size(), category.weight);
                if (ec != std::errc() || end != weight.data() + weight.size() ||
                    !(category.weight > 0.0))
                    lexiconError(lineNumber, "bad category weight '" + std::string(item) + "'");
            }
            if (category.name.empty())
                lexiconError(lineNumber, "empty category name");
            entry.categories.push_back(std::move(category));
        }
        for (std::size_t f = 2; f < fields.size(); ++f) {
            for (std::string_view form : splitOn(fields[f], '|')) {
                if (form.empty())
                    lexiconError(lineNumber, "empty word form");
                entry.forms.emplace_back(form);
            }
            if (f == 2)
                entry.englishCount = entry.forms.size();
        }
        if (entry.forms.empty())
            lexiconError(lineNumber, "the concept '" + entry.name + "' has no words");
        concepts.push_back(std::move(entry));
    }
    return concepts;
}

std::vector<double> gaussian(std::string_view seedText, int dimension) {
    Random random(fnv1a64(seedText));
    std::vector<double> values(static_cast<std::size_t>(dimension));
    for (double& value : values)
        value = random.normal();
    return values;
}

/// "didn't" is also typed "didn’t" (U+2019), which ICU keeps as one token as well.
std::string typographicApostrophes(const std::string& form) {
    std::string result;
    for (char c : form) {
        if (c == '\'')
            result += "\xE2\x80\x99";
        else
            result += c;
    }
    return result;
}

} // namespace

// ---- hashed vectors and the built-in lexicon ----

RowVector hashedVector(std::string_view token, int dimension, float scale) {
    if (dimension < 1)
        throw InputError("the embedding dimension must be at least 1, not " +
                         std::to_string(dimension));
    Random random(fnv1a64(token));
    RowVector vector(dimension);
    for (int i = 0; i < dimension; ++i)
        vector[i] = static_cast<float>(random.normal() * static_cast<double>(scale));
    return vector;
}

std::vector<LexiconConcept> builtinLexiconConcepts() {
    const std::string_view text(reinterpret_cast<const char*>(detail::kLexiconData),
                                detail::kLexiconSize);
    std::vector<LexiconConcept> result;
    for (Concept& entry : parseLexicon(text)) {
        LexiconConcept item;
        item.name = std::move(entry.name);
        for (WeightedCategory& category : entry.categories)
            item.categories.push_back(std::move(category.name));
        const auto split = entry.forms.begin() + static_cast<std::ptrdiff_t>(entry.englishCount);
        item.english.assign(entry.forms.begin(), split);
        item.chinese.assign(split, entry.forms.end());
        result.push_back(std::move(item));
    }
    return result;
}

EmbeddingTable builtinLexicon(int dimension) {
    if (dimension < kMinLexiconDimension || dimension > kMaxLexiconDimension)
        throw InputError("the built-in lexicon's dimension must be between " +
                         std::to_string(kMinLexiconDimension) + " and " +
                         std::to_string(kMaxLexiconDimension) + ", not " +
                         std::to_string(dimension));

    const std::string_view text(reinterpret_cast<const char*>(detail::kLexiconData),
                                detail::kLexiconSize);
    const std::vector<Concept> concepts = parseLexicon(text);

    std::unordered_map<std::string, std::vector<double>> categoryVectors;
    const auto categoryVector = [&](const std::string& name) -> const std::vector<double>& {
        auto it = categoryVectors.find(name);
        if (it == categoryVectors.end())
            it = categoryVectors.emplace(name, gaussian("category:" + name, dimension)).first;
        return it->second;
    };

    const auto d = static_cast<std::size_t>(dimension);
    EmbeddingTable table(dimension);
    RowVector vector(dimension);
    for (const Concept& entry : concepts) {
        std::vector<double> mixed = gaussian("concept:" + entry.name, dimension);
        double ownScale = 1.0;
        if (!entry.categories.empty()) {
            double weightNorm = 0.0;
            for (const WeightedCategory& category : entry.categories)
                weightNorm += category.weight * category.weight;
            weightNorm = std::sqrt(weightNorm);
            ownScale = std::sqrt(1.0 - kCategoryShare);
            for (double& value : mixed)
                value *= ownScale;
            const double categoryScale = std::sqrt(kCategoryShare) / weightNorm;
            for (const WeightedCategory& category : entry.categories) {
                const std::vector<double>& g = categoryVector(category.name);
                for (std::size_t k = 0; k < d; ++k)
                    mixed[k] += categoryScale * category.weight * g[k];
            }
        }
        double norm = 0.0;
        for (double value : mixed)
            norm += value * value;
        norm = std::sqrt(norm);
        // A zero-norm draw is impossible with Box-Muller's open interval; guard anyway.
        const double rescale = norm > 0.0 ? std::sqrt(static_cast<double>(dimension)) / norm : 1.0;
        for (std::size_t k = 0; k < d; ++k)
            vector[static_cast<Eigen::Index>(k)] = static_cast<float>(mixed[k] * rescale);

        for (const std::string& form : entry.forms) {
            table.add(form, vector);
            if (form.find('\'') != std::string::npos)
                table.add(typographicApostrophes(form), vector);
        }
    }
    return table;
}

} // namespace attnlab::core
