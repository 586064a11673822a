#include "core/io/data_export.h"

#include "core/io/model_export.h"
#include "core/io/npy_export.h"

#include "core/base/json.h"
#include "core/io/session.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cassert>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <ostream>
#include <stdexcept>
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

// The settings as run, under the lesson file's names: an export's "config" opens as a lesson's.
void writeConfig(json::Writer& json, const ModelOutput& output) {
    json.beginObject();
    writeConfigMembers(json, output.config);
    json.endObject();
}

void writeTokens(json::Writer& json, const std::vector<MapToken>& tokens) {
    std::vector<std::string> texts;
    texts.reserve(tokens.size());
    for (const MapToken& token : tokens)
        texts.push_back(token.text);
    json.stringArray(texts);
}

void writeUnknownIndices(json::Writer& json, const std::vector<MapToken>& tokens) {
    std::vector<int> unknown;
    for (std::size_t i = 0; i < tokens.size(); ++i)
        if (tokens[i].unknown)
            unknown.push_back(static_cast<int>(i));
    json.integerArray(unknown);
}

// The parameters the scoring function has (those its entry makes), by their names in the maths.
void writeScoringParams(json::Writer& json, const ScoringEntry& scoring,
                        const ScoringParams& params) {
    json.beginObject();
    if (params.wa.size() > 0) {
        json.key("w_a");
        json.matrix(params.wa);
    }
    if (params.w1.size() > 0) {
        json.key("w_1");
        json.matrix(params.w1);
        json.key("w_2");
        json.matrix(params.w2);
        json.key("v");
        json.vector(params.v);
    }
    if (scoring.usesCosineScale) {
        json.key("scale");
        json.number(params.scale);
    }
    json.endObject();
}

// One map: the trace's matrices where the head was traced (layer 0 of a model with a trace),
// then the weights and their statistics, which every model has. With several layers the map
// says which layer and head it is.
void writeHead(json::Writer& json, const ModelOutput& output, int layer, int index) {
    const AttentionMaps& maps = output.maps;
    const auto map = maps.index(layer, index);
    const HeadTrace* head = output.trace && layer == 0
                                ? &output.trace->heads[static_cast<std::size_t>(index)]
                                : nullptr;
    const bool traced = head && head->traced();
    json.beginObject();
    if (maps.layers > 1) {
        json.key("layer");
        json.integer(layer);
        json.key("head");
        json.integer(index);
    }
    if (head) {
        json.key("w_q");
        json.matrix(head->wq);
        json.key("w_k");
        json.matrix(head->wk);
        json.key("w_v");
        json.matrix(head->wv);
        json.key("scoring_params");
        writeScoringParams(json, scoringEntry(output.config.scoring), head->params);
    }
    // A traced head of linear attention has Q, K, V and C but no scores or logits.
    if (head && head->q.size() > 0) {
        json.key("q");
        json.matrix(head->q);
        json.key("k");
        json.matrix(head->k);
        json.key("v");
        json.matrix(head->v);
    }
    if (traced) {
        json.key("scores");
        json.matrix(head->scores);
        json.key("logits");
        json.matrix(maskedLogits(head->logits, maps.allowed));
    }
    json.key("weights");
    json.matrix(maps.weights[map]);
    if (head && head->context.size() > 0) {
        json.key("context");
        json.matrix(head->context);
    }
    json.key("entropy");
    json.vector(maps.entropy[map]);
    json.key("argmax");
    json.integerArray(maps.argmax[map]);
    json.endObject();
}

// A layer's combined map: the matrix itself for one layer, one matrix per layer for several.
void writeCombined(json::Writer& json, const AttentionMaps& maps,
                   const std::vector<Matrix>& perLayer) {
    if (maps.layers == 1) {
        json.matrix(perLayer.front());
        return;
    }
    json.beginArray();
    for (const Matrix& m : perLayer)
        json.matrix(m);
    json.endArray();
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

void writeJson(const ModelOutput& output, std::ostream& out) {
    if (output.transformer) {
        writeModelJson(output, out);
        return;
    }
    const AttentionMaps& maps = output.maps;
    json::Writer json(out);
    json.beginObject();
    json.key("format");
    json.string("attention-lab/1");
    json.key("config");
    writeConfig(json, output);
    json.key("query_tokens");
    writeTokens(json, maps.queryTokens);
    json.key("key_tokens");
    writeTokens(json, maps.keyTokens);
    json.key("unknown_query_tokens");
    writeUnknownIndices(json, maps.queryTokens);
    json.key("unknown_key_tokens");
    writeUnknownIndices(json, maps.keyTokens);
    if (output.trace) {
        const Trace& trace = *output.trace;
        json.key("inputs");
        json.beginObject();
        json.key("query_embeddings");
        json.matrix(trace.queryInputs);
        json.key("key_embeddings");
        json.matrix(trace.keyInputs);
        json.endObject();
    }
    json.key("heads");
    json.beginArray();
    for (int layer = 0; layer < maps.layers; ++layer)
        for (int h = 0; h < maps.heads; ++h)
            writeHead(json, output, layer, h);
    json.endArray();
    json.key("mean_weights");
    writeCombined(json, maps, maps.mean);
    json.key("max_weights");
    writeCombined(json, maps, maps.max);
    if (output.trace) {
        json.key("w_o");
        json.matrix(output.trace->wo);
        json.key("output");
        json.matrix(output.trace->output);
    }
    json.key("fully_masked_rows");
    json.integerArray(maps.fullyMaskedRows);
    json.key("warnings");
    std::vector<std::string> warnings;
    for (const Message& warning : maps.warnings)
        warnings.push_back(warning.english());
    json.stringArray(warnings);
    json.endObject();
}

void writeCsv(const ModelOutput& output, std::ostream& out, const CsvOptions& csv) {
    constexpr std::string_view kLineEnd = "\r\n";
    const AttentionMaps& maps = output.maps;
    if (csv.byteOrderMark)
        writeText(out, "\xEF\xBB\xBF");
    const bool layered = maps.layers > 1;
    for (std::size_t map = 0; map < maps.weights.size(); ++map) {
        if (map > 0)
            writeText(out, kLineEnd); // a blank line between the blocks of two heads
        if (layered)
            writeText(out, "layer,");
        writeText(out, "head,query_index,query_token,key_index,key_token,weight");
        writeText(out, kLineEnd);
        // Maps are stored layer by layer; the numbers are the window's "Layer 2 · Head 1".
        const auto heads = static_cast<std::size_t>(std::max(maps.heads, 1));
        const std::size_t layer = map / heads + 1;
        const std::size_t head = map % heads + 1;
        const Matrix& weights = maps.weights[map];
        for (Eigen::Index i = 0; i < weights.rows(); ++i) {
            for (Eigen::Index j = 0; j < weights.cols(); ++j) {
                if (layered) {
                    writeInteger(out, layer);
                    out.put(',');
                }
                writeInteger(out, head);
                out.put(',');
                writeInteger(out, i);
                out.put(',');
                writeCsvField(out, maps.queryTokens[static_cast<std::size_t>(i)].text);
                out.put(',');
                writeInteger(out, j);
                out.put(',');
                writeCsvField(out, maps.keyTokens[static_cast<std::size_t>(j)].text);
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

void writeNpy(const ModelOutput& output, std::ostream& out) {
    const AttentionMaps& maps = output.maps;
    writeText(out, npyWeightsHeader(maps.layers, maps.heads, maps.queries(), maps.keys()));
    // A row at a time through one buffer: one write per row rather than per cell, which made the
    // writer slower than the computation for long inputs.
    std::vector<char> row;
    for (const Matrix& weights : maps.weights) {
        assert(weights.rows() == maps.queries() && weights.cols() == maps.keys());
        for (Eigen::Index i = 0; i < weights.rows(); ++i) {
            row.clear();
            appendLittleEndian(weights.middleRows(i, 1), row);
            out.write(row.data(), static_cast<std::streamsize>(row.size()));
        }
    }
}

std::vector<std::string> exportData(const ModelOutput& result, const std::string& path,
                                    const WriteOptions& options, const CsvOptions& csv) {
    const DataFormat format = dataFormatForPath(path);
    if (result.weightsStreamed)
        throw std::invalid_argument("exportData: the run's weights went to its weights sink");
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
                writeCsv(result, out, csv);
                break;
            case DataFormat::Npy:
                writeNpy(result, out);
                break;
            }
        },
        options);
}

} // namespace attnlab::core
