#pragma once
// NumPy .npy files of attention weights: the header shared by every writer, and a file that takes
// the weights block by block, in any order and from several threads, as a run computes them
// (RunOptions::weightsSink), so that an export of the weights never holds all the maps.

#include "core/base/file_io.h"
#include "core/model/model.h"

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

namespace attnlab::core {

/// The .npy 1.0 preamble and header of float32 weights: shape [heads, n_q, n_k] for one layer,
/// [layers, heads, n_q, n_k] for several (what Import Attention reads), padded so that the data
/// starts on a 64-byte boundary.
std::string npyWeightsHeader(int layers, int heads, Eigen::Index queries, Eigen::Index keys);

/// Appends rows of weights to `out` as little-endian float32, whatever the machine.
void appendLittleEndian(const Eigen::Ref<const Matrix>& rows, std::vector<char>& out);

/// A .npy file of weights written in place of `path` atomically (AtomicFile): each block lands at
/// its own offset with a positioned write as soon as it arrives. Use it as the run's weights sink,
/// then finish() with the run's output.
class NpyWeightsFile final : public WeightsSink {
public:
    /// Checks the target and creates the temporary file; throws FileError as AtomicFile does.
    explicit NpyWeightsFile(const std::string& path, const WriteOptions& options = {});

    void begin(int layers, int heads, Eigen::Index queries, Eigen::Index keys) override;
    /// Writes the rows at their place. Throws FileError when writing fails (a full disk) and
    /// std::invalid_argument for rows outside the shape given to begin().
    void rows(int layer, int head, Eigen::Index firstRow,
              const Eigen::Ref<const Matrix>& rows) override;

    /// Completes the file from `output`: writes the maps it kept (a model that did not stream),
    /// checks that every row of every map arrived, and puts the file in place. Returns
    /// AtomicFile::commit's notes; throws FileError, leaving the earlier file as it was.
    std::vector<std::string> finish(const ModelOutput& output);

private:
    AtomicFile m_file;
    std::string m_path;
    bool m_begun = false;
    int m_layers = 0;
    int m_heads = 0;
    Eigen::Index m_queries = 0;
    Eigen::Index m_keys = 0;
    std::uint64_t m_dataOffset = 0;
    std::atomic<std::uint64_t> m_rowsWritten{0};
};

} // namespace attnlab::core
