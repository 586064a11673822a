#include "core/io/npy_export.h"

#include <bit>
#include <cstring>
#include <stdexcept>
#include <string_view>

namespace attnlab::core {

std::string npyWeightsHeader(int layers, int heads, Eigen::Index queries, Eigen::Index keys) {
    std::string shape =
        std::to_string(heads) + ", " + std::to_string(queries) + ", " + std::to_string(keys);
    if (layers > 1)
        shape = std::to_string(layers) + ", " + shape;
    std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + shape + "), }";
    // Magic (6) + version (2) + header length (2) + header, padded with spaces so that the data
    // starts on a 64-byte boundary; the header ends in '\n'.
    constexpr std::size_t kPreamble = 10;
    const std::size_t unpadded = kPreamble + header.size() + 1;
    header.append((64 - unpadded % 64) % 64, ' ');
    header.push_back('\n');
    const auto length = static_cast<std::uint16_t>(header.size());
    std::string out = {'\x93', 'N', 'U', 'M', 'P', 'Y', '\x01', '\x00'};
    out.push_back(static_cast<char>(length & 0xFFu));
    out.push_back(static_cast<char>(length >> 8));
    return out + header;
}

void appendLittleEndian(const Eigen::Ref<const Matrix>& rows, std::vector<char>& out) {
    const std::size_t rowBytes = static_cast<std::size_t>(rows.cols()) * sizeof(float);
    std::size_t at = out.size();
    out.resize(at + static_cast<std::size_t>(rows.rows()) * rowBytes);
    for (Eigen::Index i = 0; i < rows.rows(); ++i, at += rowBytes) {
        if constexpr (std::endian::native == std::endian::little) {
            std::memcpy(out.data() + at, rows.row(i).data(), rowBytes);
        } else {
            for (Eigen::Index j = 0; j < rows.cols(); ++j) {
                std::uint32_t bits = 0;
                const float weight = rows(i, j);
                std::memcpy(&bits, &weight, sizeof bits);
                for (std::size_t b = 0; b < 4; ++b)
                    out[at + static_cast<std::size_t>(j) * 4 + b] =
                        static_cast<char>((bits >> (8 * b)) & 0xFFu);
            }
        }
    }
}

NpyWeightsFile::NpyWeightsFile(const std::string& path, const WriteOptions& options)
    : m_file(path, options), m_path(path) {}

void NpyWeightsFile::begin(int layers, int heads, Eigen::Index queries, Eigen::Index keys) {
    const std::string header = npyWeightsHeader(layers, heads, queries, keys);
    m_file.writeAt(0, header);
    m_layers = layers;
    m_heads = heads;
    m_queries = queries;
    m_keys = keys;
    m_dataOffset = header.size();
    m_begun = true;
}

void NpyWeightsFile::rows(int layer, int head, Eigen::Index firstRow,
                          const Eigen::Ref<const Matrix>& rows) {
    if (!m_begun || layer < 0 || layer >= m_layers || head < 0 || head >= m_heads || firstRow < 0 ||
        firstRow + rows.rows() > m_queries || rows.cols() != m_keys)
        throw std::invalid_argument("weights outside the shape of the .npy file");
    const auto map = static_cast<std::uint64_t>(layer) * static_cast<std::uint64_t>(m_heads) +
                     static_cast<std::uint64_t>(head);
    const auto rowBytes = static_cast<std::uint64_t>(m_keys) * sizeof(float);
    const std::uint64_t offset = m_dataOffset + (map * static_cast<std::uint64_t>(m_queries) +
                                                 static_cast<std::uint64_t>(firstRow)) *
                                                    rowBytes;
    // Rows of a row-major block in native little-endian order are the file's bytes already.
    if (std::endian::native == std::endian::little && rows.outerStride() == rows.cols()) {
        m_file.writeAt(offset,
                       std::string_view(reinterpret_cast<const char*>(rows.data()),
                                        static_cast<std::size_t>(rows.size()) * sizeof(float)));
    } else {
        std::vector<char> bytes;
        appendLittleEndian(rows, bytes);
        m_file.writeAt(offset, std::string_view(bytes.data(), bytes.size()));
    }
    m_rowsWritten += static_cast<std::uint64_t>(rows.rows());
}

std::vector<std::string> NpyWeightsFile::finish(const ModelOutput& output) {
    if (!output.weightsStreamed) {
        const AttentionMaps& maps = output.maps;
        begin(maps.layers, maps.heads, maps.queries(), maps.keys());
        for (int layer = 0; layer < maps.layers; ++layer)
            for (int head = 0; head < maps.heads; ++head)
                rows(layer, head, 0, maps.weightsOf(layer, head));
    }
    const std::uint64_t expected = static_cast<std::uint64_t>(m_layers) *
                                   static_cast<std::uint64_t>(m_heads) *
                                   static_cast<std::uint64_t>(m_queries);
    if (!m_begun || m_rowsWritten != expected)
        throw FileError("cannot write '" + m_path + "': the run gave " +
                        std::to_string(m_rowsWritten.load()) +
                        " rows of weights where the file "
                        "holds " +
                        std::to_string(expected) + "; nothing was written");
    return m_file.commit();
}

} // namespace attnlab::core
