#include "core/base/file_io.h"

#include "core/base/types.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>

namespace attnlab::core {

std::string readFileBytes(const std::string& path, std::uintmax_t maxBytes) {
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::file_status status = fs::status(path, ec);
    if (ec || !fs::exists(status))
        throw FileError("cannot open '" + path + "': no such file");
    if (fs::is_directory(status))
        throw FileError("cannot open '" + path + "': it is a folder, not a file");
    const std::uintmax_t size = fs::is_regular_file(status) ? fs::file_size(path, ec) : 0;
    if (!ec && size > maxBytes)
        throw FileError("cannot open '" + path + "': it is " + std::to_string(size >> 20) +
                        " MB, more than the " + std::to_string(maxBytes >> 20) +
                        " MB such a file may have");

    errno = 0;
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"),
                                                         &std::fclose);
    if (!file)
        throw FileError("cannot open '" + path +
                        "': " + (errno != 0 ? std::string(std::strerror(errno)) : "unknown error"));
    std::string bytes;
    char buffer[1 << 16];
    while (true) {
        const std::size_t n = std::fread(buffer, 1, sizeof buffer, file.get());
        bytes.append(buffer, n);
        if (bytes.size() > maxBytes)
            throw FileError("cannot open '" + path + "': it is larger than the " +
                            std::to_string(maxBytes >> 20) + " MB such a file may have");
        if (n < sizeof buffer)
            break;
    }
    if (std::ferror(file.get()))
        throw FileError("cannot read '" + path + "': " + std::strerror(errno));
    return bytes;
}

} // namespace attnlab::core
