#include "core/io/data_export.h"

#include "core/base/json.h"
#include "core/io/session.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <ostream>
#include <sstream>
#include <string_view>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

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
    if (traced) {
        json.key("q");
        json.matrix(head->q);
        json.key("k");
        json.matrix(head->k);
        json.key("v");
        json.matrix(head->v);
        json.key("scores");
        json.matrix(head->scores);
        json.key("logits");
        json.matrix(maskedLogits(head->logits, maps.allowed));
    }
    json.key("weights");
    json.matrix(maps.weights[map]);
    if (traced) {
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

// ---------------------------------------------------------------------------------------------
// Atomic file writing.

std::string errnoText(int error) {
    return std::strerror(error);
}

std::string parentDirectory(const std::string& path) {
    const std::size_t slash = path.find_last_of('/');
    if (slash == std::string::npos)
        return ".";
    if (slash == 0)
        return "/";
    return path.substr(0, slash);
}

[[noreturn]] void throwWriteError(const std::string& path, const std::string& reason, int error) {
    throw FileError("cannot write '" + path + "': " + reason + " (" + errnoText(error) + ")");
}

// The process umask, read without changing it (umask() would race with other threads creating
// files); the usual 022 when /proc is unavailable.
mode_t currentUmask() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("Umask:", 0) == 0) {
            const std::string_view digits = std::string_view(line).substr(6);
            const auto first = digits.find_first_not_of(" \t");
            if (first == std::string_view::npos)
                break;
            unsigned value = 0;
            const auto [ptr, ec] =
                std::from_chars(digits.data() + first, digits.data() + digits.size(), value, 8);
            (void)ptr;
            if (ec == std::errc())
                return static_cast<mode_t>(value);
            break;
        }
    }
    return 022;
}

// Why a file cannot be created in `directory`, in words (errno is that of the failed creation).
std::string creationFailureReason(const std::string& directory, int error) {
    struct stat info {};
    if (error == ENOENT || error == ENOTDIR) {
        if (::stat(directory.c_str(), &info) != 0)
            return "the folder '" + directory + "' does not exist";
        if (!S_ISDIR(info.st_mode))
            return "'" + directory + "' is not a folder";
    }
    if (error == EACCES || error == EPERM || error == EROFS)
        return "cannot create a file in the folder '" + directory + "'";
    return "cannot create a temporary file beside it";
}

bool writeAll(int fd, const std::string& bytes) {
    std::size_t written = 0;
    while (written < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        written += static_cast<std::size_t>(n);
    }
    return true;
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

void writeCsv(const ModelOutput& output, std::ostream& out) {
    constexpr std::string_view kLineEnd = "\r\n";
    const AttentionMaps& maps = output.maps;
    for (std::size_t h = 0; h < maps.weights.size(); ++h) {
        if (h > 0)
            writeText(out, kLineEnd); // a blank line between the blocks of two heads
        writeText(out, "head,query_index,query_token,key_index,key_token,weight");
        writeText(out, kLineEnd);
        const Matrix& weights = maps.weights[h];
        for (Eigen::Index i = 0; i < weights.rows(); ++i) {
            for (Eigen::Index j = 0; j < weights.cols(); ++j) {
                writeInteger(out, h);
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
    const Eigen::Index nq = maps.queries();
    const Eigen::Index nk = maps.keys();
    // One layer: [heads, n_q, n_k]; several: [layers, heads, n_q, n_k] (what Import Attention
    // reads).
    std::string shape =
        std::to_string(maps.heads) + ", " + std::to_string(nq) + ", " + std::to_string(nk);
    if (maps.layers > 1)
        shape = std::to_string(maps.layers) + ", " + shape;
    std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + shape + "), }";
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

    for (const Matrix& weights : maps.weights) {
        assert(weights.rows() == nq && weights.cols() == nk);
        for (Eigen::Index i = 0; i < nq; ++i) {
            for (Eigen::Index j = 0; j < nk; ++j) {
                std::uint32_t bits = 0;
                const float weight = weights(i, j);
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

void exportData(const ModelOutput& result, const std::string& path) {
    const DataFormat format = dataFormatForPath(path);
    std::ostringstream out(std::ios::out | std::ios::binary);
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
    writeFileAtomically(path, std::move(out).str());
}

void writeFileAtomically(const std::string& path, const std::string& bytes) {
    if (path.empty())
        throw FileError("cannot write a file without a name");
    const std::string directory = parentDirectory(path);

    struct stat target {};
    const bool targetExists = ::stat(path.c_str(), &target) == 0;
    if (targetExists && S_ISDIR(target.st_mode))
        throwWriteError(path, "it is a folder", EISDIR);
    // The rename below would replace a read-only file as long as its folder is writable; a file
    // its owner marked read-only (or one this user may not write) is left alone instead. The
    // mode bits are checked as well as access(), which grants root everything.
    if (targetExists && ((target.st_mode & 0222) == 0 || ::access(path.c_str(), W_OK) != 0))
        throwWriteError(path, "the file is read-only", EACCES);

    std::string temporary = path + ".tmp-XXXXXX";
    const int fd = ::mkostemp(temporary.data(), O_CLOEXEC);
    if (fd < 0) {
        const int error = errno;
        throwWriteError(path, creationFailureReason(directory, error), error);
    }

    auto fail = [&](const std::string& reason, int error, bool open) {
        if (open)
            ::close(fd);
        ::unlink(temporary.c_str());
        throwWriteError(path, reason, error);
    };

    // mkstemp creates 0600; give the file the mode an ordinary create (or the replaced file) has.
    const mode_t mode = targetExists ? (target.st_mode & 07777) : (0666 & ~currentUmask());
    if (::fchmod(fd, mode) != 0)
        fail("cannot set the permissions of the temporary file", errno, true);
    if (!writeAll(fd, bytes))
        fail("writing failed", errno, true);
    if (::fsync(fd) != 0)
        fail("writing failed", errno, true);
    if (::close(fd) != 0)
        fail("writing failed", errno, false);
    if (::rename(temporary.c_str(), path.c_str()) != 0)
        fail("cannot replace it", errno, false);

    // Make the rename itself durable; a failure here loses nothing already written.
    const int directoryFd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (directoryFd >= 0) {
        ::fsync(directoryFd);
        ::close(directoryFd);
    }
}

} // namespace attnlab::core
