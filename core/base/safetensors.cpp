#include "core/base/safetensors.h"

#include "core/base/types.h"

#include <Eigen/Core>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <bit>
#include <cstring>
#include <filesystem>
#include <set>

namespace attnlab::core {
namespace {

static_assert(
    std::endian::native == std::endian::little,
    "safetensors data is little-endian; reading it on a big-endian host needs byte swaps");

// The official reader refuses headers above 100 MB; a real one is a few hundred kilobytes.
constexpr std::uint64_t kMaxHeaderBytes = 100'000'000;

struct DTypeName {
    std::string_view name;
    TensorDType dtype;
    std::size_t size;
};

const std::vector<DTypeName>& dtypeTable() {
    static const std::vector<DTypeName> table = {
        {"F32", TensorDType::F32, 4},        {"F16", TensorDType::F16, 2},
        {"BF16", TensorDType::BF16, 2},      {"F64", TensorDType::F64, 8},
        {"I64", TensorDType::I64, 8},        {"I32", TensorDType::I32, 4},
        {"I16", TensorDType::I16, 2},        {"I8", TensorDType::I8, 1},
        {"U64", TensorDType::U64, 8},        {"U32", TensorDType::U32, 4},
        {"U16", TensorDType::U16, 2},        {"U8", TensorDType::U8, 1},
        {"BOOL", TensorDType::Bool, 1},      {"F8_E4M3", TensorDType::F8E4M3, 1},
        {"F8_E5M2", TensorDType::F8E5M2, 1},
    };
    return table;
}

const DTypeName& entryOf(TensorDType dtype) {
    for (const DTypeName& entry : dtypeTable())
        if (entry.dtype == dtype)
            return entry;
    return dtypeTable().front(); // unreachable: every enumerator is in the table
}

std::string quote(const std::string& path) {
    return "'" + path + "'";
}

[[noreturn]] void failTensor(const std::string& path, const std::string& tensor,
                             const std::string& what) {
    throw InputError(quote(path) + ": tensor '" + tensor + "': " + what);
}

[[noreturn]] void failFile(const std::string& path, const std::string& what) {
    throw InputError(quote(path) + ": " + what);
}

std::uint64_t readLittleU64(const std::byte* bytes) {
    std::uint64_t value = 0;
    std::memcpy(&value, bytes, sizeof value);
    return value;
}

// A non-negative JSON integer, or a message.
std::uint64_t nonNegativeInteger(const nlohmann::json& value, const std::string& path,
                                 const std::string& tensor, const char* member) {
    if (value.is_number_unsigned())
        return value.get<std::uint64_t>();
    if (value.is_number_integer() && value.get<std::int64_t>() >= 0)
        return static_cast<std::uint64_t>(value.get<std::int64_t>());
    failTensor(path, tensor,
               std::string(member) + " must hold non-negative integers, found " + value.dump());
}

nlohmann::json parseHeader(const std::string& path, std::string_view text) {
    // Duplicate names would silently keep one of the two: refuse them.
    std::set<std::string> seen;
    const auto noDuplicates = [&](int depth, nlohmann::json::parse_event_t event,
                                  nlohmann::json& parsed) {
        if (depth == 1 && event == nlohmann::json::parse_event_t::key) {
            const std::string name = parsed.get<std::string>();
            if (!seen.insert(name).second)
                failFile(path, "the header names tensor '" + name + "' twice");
        }
        return true;
    };
    try {
        return nlohmann::json::parse(text.begin(), text.end(), noDuplicates);
    } catch (const nlohmann::json::parse_error& error) {
        failFile(path, std::string("the safetensors header is not valid JSON (") + error.what() +
                           "); the file is damaged or not a safetensors file");
    }
}

} // namespace

std::string_view toString(TensorDType dtype) {
    return entryOf(dtype).name;
}

std::size_t dtypeSize(TensorDType dtype) {
    return entryOf(dtype).size;
}

std::int64_t SafetensorsTensor::elementCount() const {
    std::int64_t count = 1;
    for (std::int64_t extent : shape)
        count *= extent;
    return count;
}

std::string SafetensorsTensor::shapeText() const {
    std::string text = "[";
    for (std::size_t i = 0; i < shape.size(); ++i)
        text += (i ? ", " : "") + std::to_string(shape[i]);
    return text + "]";
}

SafetensorsFile::SafetensorsFile(MappedFile file) : m_file(std::move(file)) {
    const std::string& path = m_file.path();
    const std::size_t fileSize = m_file.size();
    if (fileSize < 8)
        failFile(path, "the file is " + std::to_string(fileSize) +
                           " bytes, too short to be a safetensors file");
    const std::uint64_t headerBytes = readLittleU64(m_file.data());
    if (headerBytes > kMaxHeaderBytes)
        failFile(path, "the header claims " + std::to_string(headerBytes) +
                           " bytes (at most 100 MB are allowed); the file is damaged or not a "
                           "safetensors file");
    if (headerBytes < 2 || headerBytes > fileSize - 8)
        failFile(path, "the header claims " + std::to_string(headerBytes) +
                           " bytes but the file has only " + std::to_string(fileSize - 8) +
                           " after the length; the file is truncated or not a safetensors file");
    const std::string_view text(reinterpret_cast<const char*>(m_file.data() + 8),
                                static_cast<std::size_t>(headerBytes));
    const nlohmann::json header = parseHeader(path, text);
    if (!header.is_object())
        failFile(path, "the safetensors header must be a JSON object");

    const std::size_t dataStart = 8 + static_cast<std::size_t>(headerBytes);
    const std::size_t dataBytes = fileSize - dataStart;
    m_tensors.reserve(header.size());
    for (const auto& [name, entry] : header.items()) {
        if (name == "__metadata__") {
            if (!entry.is_object())
                failFile(path, "__metadata__ must be an object of strings");
            for (const auto& [key, value] : entry.items()) {
                if (!value.is_string())
                    failFile(path, "__metadata__ member '" + key + "' must be a string");
                m_metadata[key] = value.get<std::string>();
            }
            continue;
        }
        if (!entry.is_object())
            failTensor(path, name, "its entry must be an object with dtype, shape, data_offsets");
        SafetensorsTensor tensor;
        tensor.name = name;
        tensor.file = &m_file.path();

        const auto dtype = entry.find("dtype");
        if (dtype == entry.end() || !dtype->is_string())
            failTensor(path, name, "the dtype is missing or not a string");
        const std::string dtypeName = dtype->get<std::string>();
        const auto known = std::find_if(dtypeTable().begin(), dtypeTable().end(),
                                        [&](const DTypeName& e) { return e.name == dtypeName; });
        if (known == dtypeTable().end())
            failTensor(path, name, "unknown dtype '" + dtypeName + "'");
        tensor.dtype = known->dtype;

        const auto shape = entry.find("shape");
        if (shape == entry.end() || !shape->is_array())
            failTensor(path, name, "the shape is missing or not an array");
        std::uint64_t elements = 1;
        for (const nlohmann::json& extent : *shape) {
            const std::uint64_t value = nonNegativeInteger(extent, path, name, "shape");
            // Anything beyond the data size cannot fit; stop before the product overflows.
            if (value > dataBytes || (value != 0 && elements > dataBytes / value + 1))
                failTensor(path, name, "its shape " + shape->dump() + " cannot fit in the file");
            elements *= value;
            tensor.shape.push_back(static_cast<std::int64_t>(value));
        }

        const auto offsets = entry.find("data_offsets");
        if (offsets == entry.end() || !offsets->is_array() || offsets->size() != 2)
            failTensor(path, name, "data_offsets must be an array [begin, end]");
        const std::uint64_t begin = nonNegativeInteger((*offsets)[0], path, name, "data_offsets");
        const std::uint64_t end = nonNegativeInteger((*offsets)[1], path, name, "data_offsets");
        if (end < begin)
            failTensor(path, name, "data_offsets " + offsets->dump() + " end before they begin");
        if (end > dataBytes)
            failTensor(path, name,
                       "data_offsets " + offsets->dump() + " reach beyond the " +
                           std::to_string(dataBytes) +
                           " bytes of data in the file; the file is truncated or its header wrong");
        const std::uint64_t expected = elements * known->size;
        if (end - begin != expected)
            failTensor(path, name,
                       "data_offsets " + offsets->dump() + " hold " + std::to_string(end - begin) +
                           " bytes but shape " + shape->dump() + " of " + dtypeName + " needs " +
                           std::to_string(expected));
        tensor.fileOffset = dataStart + static_cast<std::size_t>(begin);
        tensor.data = m_file.data() + tensor.fileOffset;
        tensor.byteLength = static_cast<std::size_t>(expected);
        m_tensors.push_back(std::move(tensor));
    }

    // No two tensors may share bytes.
    std::vector<const SafetensorsTensor*> byOffset;
    for (const SafetensorsTensor& tensor : m_tensors)
        if (tensor.byteLength > 0)
            byOffset.push_back(&tensor);
    std::sort(byOffset.begin(), byOffset.end(),
              [](const auto* a, const auto* b) { return a->fileOffset < b->fileOffset; });
    for (std::size_t i = 1; i < byOffset.size(); ++i) {
        const SafetensorsTensor& before = *byOffset[i - 1];
        if (byOffset[i]->fileOffset < before.fileOffset + before.byteLength)
            failTensor(path, byOffset[i]->name,
                       "its data overlaps that of tensor '" + before.name +
                           "'; the header is wrong");
    }
    for (std::size_t i = 0; i < m_tensors.size(); ++i)
        m_index.emplace(m_tensors[i].name, i);
}

std::shared_ptr<const SafetensorsFile> SafetensorsFile::open(const std::string& path) {
    return std::make_shared<const SafetensorsFile>(MappedFile(path));
}

const SafetensorsTensor* SafetensorsFile::find(std::string_view name) const {
    const auto it = m_index.find(name);
    return it == m_index.end() ? nullptr : &m_tensors[it->second];
}

SafetensorsSet SafetensorsSet::openFiles(const std::vector<std::string>& paths) {
    SafetensorsSet set;
    for (const std::string& path : paths) {
        set.m_files.push_back(SafetensorsFile::open(path));
        for (const SafetensorsTensor& tensor : set.m_files.back()->tensors()) {
            const auto [it, inserted] = set.m_index.emplace(tensor.name, &tensor);
            if (!inserted)
                throw InputError("tensor '" + tensor.name + "' is in both " +
                                 quote(*it->second->file) + " and " + quote(path));
        }
    }
    return set;
}

SafetensorsSet SafetensorsSet::openIndex(const std::string& indexPath) {
    namespace fs = std::filesystem;
    const std::string text = readFileBytes(indexPath, 64u << 20);
    nlohmann::json index;
    try {
        index = nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& error) {
        failFile(indexPath, std::string("not valid JSON (") + error.what() + ")");
    }
    if (!index.is_object() || !index.contains("weight_map") || !index["weight_map"].is_object())
        failFile(indexPath, "the index has no \"weight_map\" object");
    const fs::path folder = fs::path(indexPath).parent_path();

    SafetensorsSet set;
    std::map<std::string, std::shared_ptr<const SafetensorsFile>> shards;
    for (const auto& [tensorName, shardValue] : index["weight_map"].items()) {
        if (!shardValue.is_string())
            failFile(indexPath, "weight_map entry '" + tensorName + "' must be a file name");
        const std::string shard = shardValue.get<std::string>();
        // Shards live next to the index: a path would let a downloaded index open any file.
        if (shard.empty() || shard.find('/') != std::string::npos ||
            shard.find('\\') != std::string::npos || shard == "." || shard == "..")
            failFile(indexPath,
                     ("weight_map entry '" + tensorName)
                         .append("' names '")
                         .append(shard)
                         .append("', which is not a plain file name in the model folder"));
        auto it = shards.find(shard);
        if (it == shards.end()) {
            it = shards.emplace(shard, SafetensorsFile::open((folder / shard).string())).first;
            set.m_files.push_back(it->second);
        }
        const SafetensorsTensor* tensor = it->second->find(tensorName);
        if (tensor == nullptr)
            failFile(indexPath, ("tensor '" + tensorName)
                                    .append("' should be in '")
                                    .append(shard)
                                    .append("' but that file does not hold it"));
        set.m_index.emplace(tensorName, tensor);
    }
    if (set.m_files.empty())
        failFile(indexPath, "the weight_map is empty");
    return set;
}

const SafetensorsTensor* SafetensorsSet::find(std::string_view name) const {
    const auto it = m_index.find(name);
    return it == m_index.end() ? nullptr : it->second;
}

std::vector<std::string> SafetensorsSet::names() const {
    std::vector<std::string> out;
    out.reserve(m_index.size());
    for (const auto& entry : m_index)
        out.push_back(entry.first);
    return out;
}

std::size_t SafetensorsSet::totalBytes() const {
    std::size_t total = 0;
    for (const auto& file : m_files)
        total += file->fileSize();
    return total;
}

float halfToFloat(std::uint16_t bits) {
    const std::uint32_t sign = static_cast<std::uint32_t>(bits & 0x8000u) << 16;
    const std::uint32_t exponent = (bits >> 10) & 0x1Fu;
    std::uint32_t mantissa = bits & 0x3FFu;
    std::uint32_t out;
    if (exponent == 0x1F) {
        out = sign | 0x7F800000u | (mantissa << 13); // infinity or NaN
    } else if (exponent != 0) {
        out = sign | ((exponent + 112u) << 23) | (mantissa << 13);
    } else if (mantissa == 0) {
        out = sign; // ±0
    } else {
        // Subnormal half: normalise the mantissa.
        std::uint32_t shift = 0;
        while ((mantissa & 0x400u) == 0) {
            mantissa <<= 1;
            ++shift;
        }
        out = sign | ((113u - shift) << 23) | ((mantissa & 0x3FFu) << 13);
    }
    return std::bit_cast<float>(out);
}

float bfloat16ToFloat(std::uint16_t bits) {
    return std::bit_cast<float>(static_cast<std::uint32_t>(bits) << 16);
}

void readAsFloat(const SafetensorsTensor& tensor, float* out) {
    const std::size_t count = static_cast<std::size_t>(tensor.elementCount());
    switch (tensor.dtype) {
    case TensorDType::F32:
        std::memcpy(out, tensor.data, count * sizeof(float));
        return;
    case TensorDType::F16:
    case TensorDType::BF16: {
        // Eigen's casts use the processor's conversion instructions where the build allows
        // (F16C, AVX-512) and exact bit manipulation otherwise; both are exact. Large tensors
        // (embeddings of 150k words) convert in parallel, in blocks.
        constexpr std::size_t kBlock = std::size_t{1} << 20;
        const auto blocks = static_cast<std::ptrdiff_t>((count + kBlock - 1) / kBlock);
        const bool half = tensor.dtype == TensorDType::F16;
        const std::byte* in = tensor.data;
#pragma omp parallel for schedule(static) if (blocks > 1)
        for (std::ptrdiff_t b = 0; b < blocks; ++b) {
            const std::size_t first = static_cast<std::size_t>(b) * kBlock;
            const auto length = static_cast<Eigen::Index>(std::min(kBlock, count - first));
            Eigen::Map<Eigen::ArrayXf> target(out + first, length);
            // The data is 2-byte aligned at least when the file's offsets are even; copy
            // through an aligned buffer when it is not.
            if (reinterpret_cast<std::uintptr_t>(in + 2 * first) % 2 != 0) {
                for (Eigen::Index i = 0; i < length; ++i) {
                    std::uint16_t bits;
                    std::memcpy(&bits, in + 2 * (first + static_cast<std::size_t>(i)), 2);
                    target(i) = half ? halfToFloat(bits) : bfloat16ToFloat(bits);
                }
            } else if (half) {
                target = Eigen::Map<const Eigen::Array<Eigen::half, Eigen::Dynamic, 1>>(
                             reinterpret_cast<const Eigen::half*>(in + 2 * first), length)
                             .cast<float>();
            } else {
                target = Eigen::Map<const Eigen::Array<Eigen::bfloat16, Eigen::Dynamic, 1>>(
                             reinterpret_cast<const Eigen::bfloat16*>(in + 2 * first), length)
                             .cast<float>();
            }
        }
        return;
    }
    default:
        failTensor(tensor.file ? *tensor.file : std::string("?"), tensor.name,
                   "its dtype " + std::string(toString(tensor.dtype)) +
                       " cannot be read as weights (supported: F32, F16, BF16)");
    }
}

const float* floatDataInPlace(const SafetensorsTensor& tensor) {
    if (tensor.dtype != TensorDType::F32 ||
        reinterpret_cast<std::uintptr_t>(tensor.data) % alignof(float) != 0)
        return nullptr;
    return reinterpret_cast<const float*>(tensor.data);
}

} // namespace attnlab::core
