#include "core/training/safetensors_reader.h"

#include <nlohmann/json.hpp>

#include <bit>
#include <cstring>

namespace attnlab::core::training {

std::map<std::string, FloatTensor>
readFloatSafetensors(std::string_view bytes, const std::string& origin,
                     std::map<std::string, std::string>* metadata) {
    const auto bad = [&](const std::string& problem) {
        return InputError(origin + ": " + problem);
    };
    if (bytes.size() < 8)
        throw bad("too short for a safetensors file (no header length)");
    std::uint64_t headerLength = 0;
    for (int i = 7; i >= 0; --i)
        headerLength =
            (headerLength << 8) | static_cast<unsigned char>(bytes[static_cast<std::size_t>(i)]);
    if (headerLength > bytes.size() - 8)
        throw bad("the header length " + std::to_string(headerLength) +
                  " runs past the end of the file");
    nlohmann::json header;
    try {
        header = nlohmann::json::parse(bytes.substr(8, headerLength));
    } catch (const nlohmann::json::exception& error) {
        throw bad(std::string("the header is not valid JSON (") + error.what() + ")");
    }
    if (!header.is_object())
        throw bad("the header is not a JSON object");
    const std::string_view data = bytes.substr(8 + headerLength);
    std::map<std::string, FloatTensor> tensors;
    for (const auto& [name, entry] : header.items()) {
        if (name == "__metadata__") {
            if (metadata && entry.is_object())
                for (const auto& [key, value] : entry.items())
                    if (value.is_string())
                        (*metadata)[key] = value.get<std::string>();
            continue;
        }
        if (!entry.is_object() || !entry.contains("dtype") || !entry.contains("shape") ||
            !entry.contains("data_offsets"))
            throw bad("tensor '" + name + "' lacks dtype, shape or data_offsets");
        if (entry["dtype"] != "F32")
            throw bad("tensor '" + name + "' is " + entry["dtype"].dump() +
                      "; a trained model stores F32");
        FloatTensor tensor;
        std::uint64_t count = 1;
        for (const auto& dimension : entry["shape"]) {
            if (!dimension.is_number_unsigned())
                throw bad("tensor '" + name + "' has a bad shape");
            tensor.shape.push_back(dimension.get<std::int64_t>());
            count *= dimension.get<std::uint64_t>();
        }
        const auto& offsets = entry["data_offsets"];
        if (!offsets.is_array() || offsets.size() != 2 || !offsets[0].is_number_unsigned() ||
            !offsets[1].is_number_unsigned())
            throw bad("tensor '" + name + "' has bad data_offsets");
        const auto begin = offsets[0].get<std::uint64_t>();
        const auto end = offsets[1].get<std::uint64_t>();
        if (begin > end || end > data.size() || end - begin != count * sizeof(float))
            throw bad("tensor '" + name +
                      "' has data_offsets that do not match its shape or "
                      "the file's size");
        tensor.values.resize(count);
        if (count > 0)
            std::memcpy(tensor.values.data(), data.data() + begin, count * sizeof(float));
        if constexpr (std::endian::native != std::endian::little)
            for (float& v : tensor.values)
                v = std::bit_cast<float>(__builtin_bswap32(std::bit_cast<std::uint32_t>(v)));
        tensors.emplace(name, std::move(tensor));
    }
    return tensors;
}

} // namespace attnlab::core::training
