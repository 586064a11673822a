#pragma once
// Reading a whole small file (sessions, token lists, .npy arrays) with messages a user can act on.

#include <cstdint>
#include <string>

namespace attnlab::core {

/// The bytes of the file at `path`. Throws FileError when it is missing, a folder, unreadable or
/// larger than `maxBytes` (the message says which, and names the file).
std::string readFileBytes(const std::string& path, std::uintmax_t maxBytes);

} // namespace attnlab::core
