#pragma once
// Writes a model's output as JSON, CSV or NPY (the formats of `--export-data`). Files are written
// atomically and streamed (core/base/file_io.h), so an earlier file survives any failure.

#include "core/base/file_io.h"
#include "core/model/builtin_model.h"

#include <iosfwd>
#include <string>
#include <vector>

namespace attnlab::core {

enum class DataFormat { Json, Csv, Npy };

/// The format for a file name by its extension (.json, .csv, .npy; case-insensitive). Throws
/// InputError naming the accepted extensions otherwise.
DataFormat dataFormatForPath(const std::string& path);

/// {"format": "attention-lab/1", "config": …, "query_tokens": …, …}: every number needed to
/// recompute the result; −∞ as null; floats with 9 significant digits. "heads" holds every map
/// (its weights, entropy and argmax, and the traced matrices where the model kept them); with
/// several layers the maps are layer by layer, each naming its "layer" and "head", and
/// "mean_weights" and "max_weights" hold one matrix per layer.
void writeJson(const ModelOutput& result, std::ostream& out);
/// How a CSV file is written.
struct CsvOptions {
    /// Start with the UTF-8 byte-order mark (EF BB BF), without which common spreadsheet
    /// programs read the file in the system's code page and garble non-Latin tokens; default true.
    bool byteOrderMark = true;
};

/// One block per head: head, query index, query token, key index, key token, weight. Heads (and
/// layers) are counted from 1 as the window names them ("Head 1"); token indices from 0 like the
/// JSON file's. A "layer" column comes first when the result has more than one layer.
void writeCsv(const ModelOutput& result, std::ostream& out, const CsvOptions& csv = {});
/// Weights as a float32 array [heads, n_q, n_k] in NumPy .npy format, version 1.0.
void writeNpy(const ModelOutput& result, std::ostream& out);

/// Writes `result` to `path` in the format its extension names, atomically, streamed as it is
/// produced. Throws InputError for an unknown extension, FileError when the file cannot be
/// written (also for too little memory, and for a target that is one of `options.inputs`), and
/// Cancelled when `options.progress` asks. Returns notes for the user (AtomicFile::commit).
/// `csv` applies to .csv files only.
std::vector<std::string> exportData(const ModelOutput& result, const std::string& path,
                                    const WriteOptions& options = {}, const CsvOptions& csv = {});

} // namespace attnlab::core
