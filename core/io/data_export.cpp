#include "core/io/data_export.h"

#include "core/base/json.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <ostream>
#include <string_view>
#include <vector>

namespace attnlab::core {
namespace {

// ---------------------------------------------------------------------------------------------
// Number and string formatting. Everything goes through std::to_chars and ostream::write, so the
// output never depends on the global or the stream's locale.

void writeText(std::ostream& out, std::string_view text) {
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
}

template <typename Integer> void writeInteger(std::ostream& out, Integer value) {
    std::array<char, 32> buffer{};
    const auto [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
    (void)ec; // 32 characters hold any 64-bit integer
    out.write(buffer.data(), end - buffer.data());
}

std::string_view embeddingsName(const Config& config) {
    switch (config.embeddings) {
    case EmbeddingSource::Builtin:
        return "builtin";
    case EmbeddingSource::File:
        return config.embeddingsPath;
    case EmbeddingSource::Manual:
        return "manual";
    }
    return "builtin";
}

void writeConfig(json::Writer& json, const Result& result) {
    const Config& config = result.config;
    json.beginObject();
    json.key("sentence");
    json.string(config.sentence);
    json.key("source");
    json.string(config.source);
    json.key("scoring");
    json.string(toString(config.scoring));
    json.key("normalizer");
    json.string(toString(config.normalizer));
    json.key("temperature");
    json.number(config.temperature);
    json.key("heads");
    json.integer(config.heads);
    json.key("d_model");
    json.integer(config.dModel);
    json.key("d_k");
    json.integer(result.dK);
    json.key("mask");
    json.string(toString(config.mask));
    json.key("positional");
    json.string(toString(config.positional));
    json.key("projection");
    json.string(toString(config.projection));
    json.key("seed");
    json.integer(config.seed);
    json.key("tokenizer");
    json.string(toString(config.tokenizer.mode));
    json.key("cosine_scale");
    json.number(config.cosineScale);
    json.key("embeddings");
    json.string(embeddingsName(config));
    json.endObject();
}

void writeTokens(json::Writer& json, const std::vector<TokenInfo>& tokens) {
    std::vector<std::string> texts;
    texts.reserve(tokens.size());
    for (const TokenInfo& token : tokens)
        texts.push_back(token.text);
    json.stringArray(texts);
}

void writeUnknownIndices(json::Writer& json, const std::vector<TokenInfo>& tokens) {
    std::vector<int> unknown;
    for (std::size_t i = 0; i < tokens.size(); ++i)
        if (tokens[i].unknown)
            unknown.push_back(static_cast<int>(i));
    json.integerArray(unknown);
}

void writeScoringParams(json::Writer& json, ScoringFunction scoring, const ScoringParams& params) {
    json.beginObject();
    switch (scoring) {
    case ScoringFunction::Dot:
    case ScoringFunction::ScaledDot:
        break;
    case ScoringFunction::General:
        json.key("w_a");
        json.matrix(params.wa);
        break;
    case ScoringFunction::Additive:
        json.key("w_1");
        json.matrix(params.w1);
        json.key("w_2");
        json.matrix(params.w2);
        json.key("v");
        json.vector(params.v);
        break;
    case ScoringFunction::Cosine:
        json.key("scale");
        json.number(params.scale);
        break;
    }
    json.endObject();
}

void writeHead(json::Writer& json, const Result& result, const HeadResult& head) {
    json.beginObject();
    json.key("w_q");
    json.matrix(head.wq);
    json.key("w_k");
    json.matrix(head.wk);
    json.key("w_v");
    json.matrix(head.wv);
    json.key("scoring_params");
    writeScoringParams(json, result.config.scoring, head.params);
    json.key("q");
    json.matrix(head.q);
    json.key("k");
    json.matrix(head.k);
    json.key("v");
    json.matrix(head.v);
    json.key("scores");
    json.matrix(head.scores);
    json.key("logits");
    json.matrix(head.logits);
    json.key("weights");
    json.matrix(head.weights);
    json.key("context");
    json.matrix(head.context);
    json.key("entropy");
    json.vector(head.entropy);
    json.key("argmax");
    json.integerArray(head.argmax);
    json.endObject();
}

// ---------------------------------------------------------------------------------------------
// CSV (RFC 4180): CRLF line ends; a field with a comma, quote, CR or LF is quoted and its quotes
// doubled.

void writeCsvField(std::ostream& out, std::string_view field) {
    if (field.find_first_of(",\"\r\n") == std::string_view::npos) {
        writeText(out, field);
        return;
    }
    out.put('"');
    for (char c : field) {
        if (c == '"')
            out.put('"');
        out.put(c);
    }
    out.put('"');
}

} // namespace

DataFormat dataFormatForPath(const std::string& path) {
    const std::size_t slash = path.find_last_of('/');
    const std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
    const std::size_t dot = name.find_last_of('.');
    std::string extension = dot == std::string::npos ? std::string() : name.substr(dot + 1);
    std::transform(extension.begin(), extension.end(), extension.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (extension == "json")
        return DataFormat::Json;
    if (extension == "csv")
        return DataFormat::Csv;
    if (extension == "npy")
        return DataFormat::Npy;
    throw InputError("cannot tell the format of '" + path +
                     "' from its name; use a file name ending in .json, .csv or .npy");
}

void writeJson(const Result& result, std::ostream& out) {
    json::Writer json(out);
    json.beginObject();
    json.key("format");
    json.string("attention-lab/1");
    json.key("config");
    writeConfig(json, result);
    json.key("query_tokens");
    writeTokens(json, result.queryTokens);
    json.key("key_tokens");
    writeTokens(json, result.keyTokens);
    json.key("unknown_query_tokens");
    writeUnknownIndices(json, result.queryTokens);
    json.key("unknown_key_tokens");
    writeUnknownIndices(json, result.keyTokens);
    json.key("inputs");
    json.beginObject();
    json.key("query_embeddings");
    json.matrix(result.queryInputs);
    json.key("key_embeddings");
    json.matrix(result.keyInputs);
    json.endObject();
    json.key("heads");
    json.beginArray();
    for (const HeadResult& head : result.heads)
        writeHead(json, result, head);
    json.endArray();
    json.key("mean_weights");
    json.matrix(result.meanWeights);
    json.key("max_weights");
    json.matrix(result.maxWeights);
    json.key("w_o");
    json.matrix(result.wo);
    json.key("output");
    json.matrix(result.output);
    json.key("fully_masked_rows");
    json.integerArray(result.fullyMaskedRows);
    json.key("warnings");
    json.stringArray(result.warnings);
    json.endObject();
}

void writeCsv(const Result& result, std::ostream& out) {
    constexpr std::string_view kLineEnd = "\r\n";
    for (std::size_t h = 0; h < result.heads.size(); ++h) {
        if (h > 0)
            writeText(out, kLineEnd); // a blank line between the blocks of two heads
        writeText(out, "head,query_index,query_token,key_index,key_token,weight");
        writeText(out, kLineEnd);
        const Matrix& weights = result.heads[h].weights;
        for (Eigen::Index i = 0; i < weights.rows(); ++i) {
            for (Eigen::Index j = 0; j < weights.cols(); ++j) {
                writeInteger(out, h);
                out.put(',');
                writeInteger(out, i);
                out.put(',');
                writeCsvField(out, result.queryTokens[static_cast<std::size_t>(i)].text);
                out.put(',');
                writeInteger(out, j);
                out.put(',');
                writeCsvField(out, result.keyTokens[static_cast<std::size_t>(j)].text);
                out.put(',');
                const float weight = weights(i, j);
                // Weights are finite by contract; an empty field rather than "nan" if not.
                if (std::isfinite(weight))
                    writeText(out, json::formatFloat(weight));
                writeText(out, kLineEnd);
            }
        }
    }
}

void writeNpy(const Result& result, std::ostream& out) {
    const std::size_t heads = result.heads.size();
    const Eigen::Index nq = heads > 0 ? result.heads.front().weights.rows() : 0;
    const Eigen::Index nk = heads > 0 ? result.heads.front().weights.cols() : 0;

    std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" +
                         std::to_string(heads) + ", " + std::to_string(nq) + ", " +
                         std::to_string(nk) + "), }";
    // Magic (6) + version (2) + header length (2) + header, padded with spaces so that the data
    // starts on a 64-byte boundary; the header ends in '\n'.
    constexpr std::size_t kPreamble = 10;
    const std::size_t unpadded = kPreamble + header.size() + 1;
    header.append((64 - unpadded % 64) % 64, ' ');
    header.push_back('\n');

    const char magic[] = {'\x93', 'N', 'U', 'M', 'P', 'Y', '\x01', '\x00'};
    out.write(magic, sizeof magic);
    const auto headerLength = static_cast<std::uint16_t>(header.size());
    out.put(static_cast<char>(headerLength & 0xFFu));
    out.put(static_cast<char>(headerLength >> 8));
    writeText(out, header);

    for (const HeadResult& head : result.heads) {
        assert(head.weights.rows() == nq && head.weights.cols() == nk);
        for (Eigen::Index i = 0; i < nq; ++i) {
            for (Eigen::Index j = 0; j < nk; ++j) {
                std::uint32_t bits = 0;
                const float weight = head.weights(i, j);
                std::memcpy(&bits, &weight, sizeof bits);
                const char bytes[] = {static_cast<char>(bits & 0xFFu),
                                      static_cast<char>((bits >> 8) & 0xFFu),
                                      static_cast<char>((bits >> 16) & 0xFFu),
                                      static_cast<char>((bits >> 24) & 0xFFu)};
                out.write(bytes, sizeof bytes);
            }
        }
    }
}

std::vector<std::string> exportData(const Result& result, const std::string& path,
                                    const WriteOptions& options) {
    const DataFormat format = dataFormatForPath(path);
    // Streamed into the file as it is produced: an export is never built whole in memory, and
    // any failure on the way (memory, a full disk, a cancel) leaves the earlier file as it was.
    return writeFileAtomically(
        path,
        [&](std::ostream& out) {
            switch (format) {
            case DataFormat::Json:
                writeJson(result, out);
                break;
            case DataFormat::Csv:
                writeCsv(result, out);
                break;
            case DataFormat::Npy:
                writeNpy(result, out);
                break;
            }
        },
        options);
}

} // namespace attnlab::core
