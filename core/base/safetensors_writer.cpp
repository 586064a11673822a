#include "core/base/safetensors_writer.h"

#include <nlohmann/json.hpp>

#include <bit>
#include <cstring>
#include <set>

namespace attnlab::core {
namespace {

void appendLittleEndian64(std::string& out, std::uint64_t value) {
    for (int byte = 0; byte < 8; ++byte)
        out.push_back(static_cast<char>((value >> (8 * byte)) & 0xffu));
}

} // namespace

std::size_t safetensorsDtypeSize(std::string_view dtype) {
    if (dtype == "F64" || dtype == "I64" || dtype == "U64")
        return 8;
    if (dtype == "F32" || dtype == "I32" || dtype == "U32")
        return 4;
    if (dtype == "F16" || dtype == "BF16" || dtype == "I16" || dtype == "U16")
        return 2;
    if (dtype == "I8" || dtype == "U8" || dtype == "BOOL")
        return 1;
    throw InputError("unknown safetensors dtype '" + std::string(dtype) +
                     "' (expected F64, F32, F16, BF16, I64, I32, I16, I8, U64, U32, U16, U8 or "
                     "BOOL)");
}

TensorToWrite safetensorsFromFloats(std::string name, const float* values,
                                    std::vector<std::int64_t> shape) {
    TensorToWrite tensor;
    tensor.name = std::move(name);
    tensor.shape = std::move(shape);
    std::size_t count = 1;
    for (std::int64_t dimension : tensor.shape)
        count *= static_cast<std::size_t>(dimension < 0 ? 0 : dimension);
    tensor.bytes.resize(count * sizeof(float));
    if constexpr (std::endian::native == std::endian::little) {
        if (count > 0)
            std::memcpy(tensor.bytes.data(), values, count * sizeof(float));
    } else {
        for (std::size_t i = 0; i < count; ++i) {
            const auto bits = std::bit_cast<std::uint32_t>(values[i]);
            for (int byte = 0; byte < 4; ++byte)
                tensor.bytes[4 * i + static_cast<std::size_t>(byte)] =
                    static_cast<char>((bits >> (8 * byte)) & 0xffu);
        }
    }
    return tensor;
}

TensorToWrite safetensorsFromMatrix(std::string name, const Eigen::Ref<const Matrix>& matrix,
                                    bool vector) {
    const Matrix contiguous = matrix; // a Ref may have an outer stride
    std::vector<std::int64_t> shape;
    if (vector)
        shape = {static_cast<std::int64_t>(matrix.size())};
    else
        shape = {static_cast<std::int64_t>(matrix.rows()),
                 static_cast<std::int64_t>(matrix.cols())};
    return safetensorsFromFloats(std::move(name), contiguous.data(), std::move(shape));
}

std::string serializeSafetensors(const std::vector<TensorToWrite>& tensors,
                                 const std::map<std::string, std::string>& metadata) {
    nlohmann::ordered_json header = nlohmann::ordered_json::object();
    if (!metadata.empty()) {
        nlohmann::ordered_json meta = nlohmann::ordered_json::object();
        for (const auto& [key, value] : metadata)
            meta[key] = value;
        header["__metadata__"] = std::move(meta);
    }
    std::set<std::string> names;
    std::uint64_t offset = 0;
    for (const TensorToWrite& tensor : tensors) {
        if (tensor.name.empty())
            throw InputError("a safetensors tensor needs a name");
        if (tensor.name == "__metadata__")
            throw InputError("'__metadata__' is reserved and cannot name a safetensors tensor");
        if (!names.insert(tensor.name).second)
            throw InputError("the safetensors tensor name '" + tensor.name + "' is used twice");
        std::uint64_t count = 1;
        for (std::int64_t dimension : tensor.shape) {
            if (dimension < 0)
                throw InputError("the safetensors tensor '" + tensor.name +
                                 "' has a negative dimension");
            count *= static_cast<std::uint64_t>(dimension);
        }
        const std::uint64_t expected = count * safetensorsDtypeSize(tensor.dtype);
        if (expected != tensor.bytes.size())
            throw InputError("the safetensors tensor '" + tensor.name + "' has " +
                             std::to_string(tensor.bytes.size()) + " bytes but its shape and " +
                             tensor.dtype + " need " + std::to_string(expected));
        nlohmann::ordered_json entry = nlohmann::ordered_json::object();
        entry["dtype"] = tensor.dtype;
        entry["shape"] = tensor.shape;
        entry["data_offsets"] = {offset, offset + expected};
        header[tensor.name] = std::move(entry);
        offset += expected;
    }
    std::string json;
    try {
        json = header.dump();
    } catch (const nlohmann::json::exception&) {
        throw InputError("a safetensors tensor name or metadata entry is not valid UTF-8");
    }
    // Padding to 8 bytes keeps the data aligned for readers that map the file.
    while (json.size() % 8 != 0)
        json.push_back(' ');
    std::string out;
    out.reserve(8 + json.size() + offset);
    appendLittleEndian64(out, json.size());
    out += json;
    for (const TensorToWrite& tensor : tensors)
        out += tensor.bytes;
    return out;
}

} // namespace attnlab::core
