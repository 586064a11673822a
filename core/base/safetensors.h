#pragma once
// Reading safetensors files (the weights format of the model hubs): an 8-byte little-endian
// header length, a JSON header naming each tensor's dtype, shape and byte range, then the raw
// little-endian data. Files are memory-mapped; nothing is read until a tensor is used.

#include "core/base/file_io.h"

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace attnlab::core {

/// The element types of the safetensors format. Only F32, F16 and BF16 can be read as numbers;
/// the others are recognised so that a file holding them (integer buffers, 8-bit weights) is
/// still validated and its float tensors usable.
enum class TensorDType {
    F32,
    F16,
    BF16,
    F64,
    I64,
    I32,
    I16,
    I8,
    U64,
    U32,
    U16,
    U8,
    Bool,
    F8E4M3,
    F8E5M2
};

/// "F32", "BF16", … as written in the header.
std::string_view toString(TensorDType dtype);
/// Bytes per element.
std::size_t dtypeSize(TensorDType dtype);

/// One tensor of a mapped file. `data` points into the mapping and stays valid as long as the
/// SafetensorsFile (or a SafetensorsSet holding it) lives.
struct SafetensorsTensor {
    std::string name;
    TensorDType dtype = TensorDType::F32;
    std::vector<std::int64_t> shape;
    const std::byte* data = nullptr;
    std::size_t byteLength = 0;
    std::size_t fileOffset = 0;        ///< where the data starts in the file, in bytes
    const std::string* file = nullptr; ///< path of the file, for messages

    std::int64_t elementCount() const;
    /// "[768, 2304]"
    std::string shapeText() const;
};

/// One safetensors file, mapped and validated. Immutable after opening; safe to read from any
/// thread.
class SafetensorsFile {
public:
    /// Maps and validates `path`: the header length is sane (at most 100 MB and inside the file),
    /// the header is a JSON object whose entries each have a known dtype, a shape of non-negative
    /// integers and data_offsets [begin, end] inside the data with end − begin = elements × dtype
    /// size, no two tensors overlap; `__metadata__` (strings) is allowed. Throws FileError when
    /// the file cannot be opened (missing, a folder, a FIFO, …) and InputError naming the file and
    /// the tensor for anything malformed.
    static std::shared_ptr<const SafetensorsFile> open(const std::string& path);

    const std::string& path() const { return m_file.path(); }
    std::size_t fileSize() const { return m_file.size(); }
    /// The tensors in name order.
    const std::vector<SafetensorsTensor>& tensors() const { return m_tensors; }
    /// The tensor `name`, or nullptr.
    const SafetensorsTensor* find(std::string_view name) const;
    /// The `__metadata__` strings of the header.
    const std::map<std::string, std::string>& metadata() const { return m_metadata; }
    const MappedFile& mapping() const { return m_file; }

    /// Validates a mapping (use open()). Not copyable or movable: tensors point into it.
    explicit SafetensorsFile(MappedFile file);
    SafetensorsFile(const SafetensorsFile&) = delete;
    SafetensorsFile& operator=(const SafetensorsFile&) = delete;

private:
    MappedFile m_file;
    std::vector<SafetensorsTensor> m_tensors;
    std::map<std::string, std::size_t, std::less<>> m_index;
    std::map<std::string, std::string> m_metadata;
};

/// The tensors of one or several files under one namespace (a sharded model).
class SafetensorsSet {
public:
    /// Opens each file; a tensor name present in two files is an InputError naming both.
    static SafetensorsSet openFiles(const std::vector<std::string>& paths);
    /// Opens a sharded model from its `model.safetensors.index.json`: every shard named in its
    /// `weight_map` (plain file names in the index's folder), and checks that each tensor is in
    /// the shard the index names. Throws InputError naming the index, the tensor or the shard.
    static SafetensorsSet openIndex(const std::string& indexPath);

    /// The tensor `name` in whichever file holds it, or nullptr.
    const SafetensorsTensor* find(std::string_view name) const;
    const std::vector<std::shared_ptr<const SafetensorsFile>>& files() const { return m_files; }
    /// Every tensor name, sorted.
    std::vector<std::string> names() const;
    /// Sum of the file sizes in bytes.
    std::size_t totalBytes() const;

private:
    std::vector<std::shared_ptr<const SafetensorsFile>> m_files;
    std::map<std::string, const SafetensorsTensor*, std::less<>> m_index;
};

/// The tensor's values as F32 into `out` (elementCount() floats): F32 copied, F16 and BF16
/// converted exactly. Throws InputError naming the file, the tensor and the supported dtypes for
/// any other dtype.
void readAsFloat(const SafetensorsTensor& tensor, float* out);

/// A pointer to the F32 values used in place (zero copy) when the tensor is F32 and its data is
/// 4-byte aligned in memory; nullptr otherwise.
const float* floatDataInPlace(const SafetensorsTensor& tensor);

/// IEEE half and bfloat16 bit patterns to float (exact).
float halfToFloat(std::uint16_t bits);
float bfloat16ToFloat(std::uint16_t bits);

} // namespace attnlab::core
