// Fuzzes the lesson reader (core::parseSession, and through it the JSON reader). Any bytes must
// either parse into a session or throw InputError. A session that parses must survive its own
// round trip: written and read again, it gives the same text.

#include "fuzz_common.h"

#include "core/io/session.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace attnlab::core;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    std::vector<std::string> warnings;
    Session session;
    try {
        session = parseSession(text, warnings);
    } catch (const InputError&) {
        return 0; // refused with a message: the expected outcome for most inputs
    }
    const std::string written = serializeSession(session);
    std::vector<std::string> again;
    Session reread;
    try {
        reread = parseSession(written, again);
    } catch (const InputError& error) {
        std::fprintf(stderr, "a session this build wrote was refused: %s\n", error.what());
        std::abort();
    }
    FUZZ_CHECK(again.empty());
    FUZZ_CHECK(serializeSession(reread) == written);
    return 0;
}
