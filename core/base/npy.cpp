#include "core/base/npy.h"

#include "core/base/safetensors.h"
#include "core/base/types.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>

namespace attnlab::core {
namespace {

constexpr std::string_view kMagic = "\x93NUMPY";
constexpr std::int64_t kMaxValues = std::int64_t{1} << 31;

struct Header {
    char byteOrder = '<'; ///< '<' little, '>' big
    int itemSize = 4;     ///< 2, 4 or 8 bytes
    bool fortranOrder = false;
    std::vector<std::int64_t> shape;
};

[[noreturn]] void fail(const std::string& origin, const std::string& what) {
    throw InputError(origin + ": " + what);
}

// The header is a Python dict literal such as
// {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3, 4), }
// Only these three keys are defined; values are read by small hand-written scanners.
class HeaderReader {
public:
    HeaderReader(std::string_view text, const std::string& origin)
        : m_text(text), m_origin(origin) {}

    Header read() {
        Header header;
        bool haveDescr = false, haveOrder = false, haveShape = false;
        skipSpace();
        expect('{');
        while (true) {
            skipSpace();
            if (peek() == '}')
                break;
            const std::string key = quoted();
            skipSpace();
            expect(':');
            skipSpace();
            if (key == "descr") {
                parseDescr(quoted(), header);
                haveDescr = true;
            } else if (key == "fortran_order") {
                header.fortranOrder = boolean();
                haveOrder = true;
            } else if (key == "shape") {
                header.shape = tuple();
                haveShape = true;
            } else {
                fail(m_origin, "the .npy header has an unknown key '" + key + "'");
            }
            skipSpace();
            if (peek() == ',') {
                ++m_pos;
                continue;
            }
            skipSpace();
            if (peek() != '}')
                bad();
        }
        if (!haveDescr || !haveOrder || !haveShape)
            fail(m_origin, "the .npy header lacks 'descr', 'fortran_order' or 'shape'");
        return header;
    }

private:
    [[noreturn]] void bad() const { fail(m_origin, "the .npy header is malformed"); }
    char peek() const { return m_pos < m_text.size() ? m_text[m_pos] : '\0'; }
    void skipSpace() {
        while (m_pos < m_text.size() && (m_text[m_pos] == ' ' || m_text[m_pos] == '\n'))
            ++m_pos;
    }
    void expect(char c) {
        if (peek() != c)
            bad();
        ++m_pos;
    }
    std::string quoted() {
        const char quote = peek();
        if (quote != '\'' && quote != '"')
            bad();
        ++m_pos;
        const std::size_t end = m_text.find(quote, m_pos);
        if (end == std::string_view::npos)
            bad();
        std::string out(m_text.substr(m_pos, end - m_pos));
        m_pos = end + 1;
        return out;
    }
    bool boolean() {
        if (m_text.substr(m_pos, 4) == "True") {
            m_pos += 4;
            return true;
        }
        if (m_text.substr(m_pos, 5) == "False") {
            m_pos += 5;
            return false;
        }
        bad();
    }
    std::vector<std::int64_t> tuple() {
        expect('(');
        std::vector<std::int64_t> dims;
        while (true) {
            skipSpace();
            if (peek() == ')') {
                ++m_pos;
                return dims;
            }
            std::int64_t value = 0;
            bool any = false;
            while (peek() >= '0' && peek() <= '9') {
                value = value * 10 + (peek() - '0');
                if (value > kMaxValues)
                    fail(m_origin, "the array in the .npy file is too large");
                ++m_pos;
                any = true;
            }
            if (!any)
                bad();
            dims.push_back(value);
            skipSpace();
            if (peek() == ',')
                ++m_pos;
            else if (peek() != ')')
                bad();
        }
    }
    void parseDescr(const std::string& descr, Header& header) const {
        // '<f4', '>f8', '=f2', '|f4'…: byte order, kind, size. Anything but a float is refused
        // with a hint, since attention weights from a model are always floats.
        if (descr.size() < 3 || descr[1] != 'f') {
            fail(m_origin, "the array's dtype is '" + descr +
                               "', not floating point; save the weights as float32, e.g. "
                               "numpy.save(path, weights.astype('float32'))");
        }
        const char order = descr[0];
        if (order == '<' || order == '|' || order == '=')
            header.byteOrder = '<'; // '=' is native, and .npy files are read on little-endian
        else if (order == '>')
            header.byteOrder = '>';
        else
            fail(m_origin, "the .npy dtype '" + descr + "' has an unknown byte order");
        const std::string size = descr.substr(2);
        if (size == "2")
            header.itemSize = 2;
        else if (size == "4")
            header.itemSize = 4;
        else if (size == "8")
            header.itemSize = 8;
        else
            fail(m_origin, "the .npy dtype '" + descr +
                               "' is not supported; use float16, float32 or float64");
    }

    std::string_view m_text;
    const std::string& m_origin;
    std::size_t m_pos = 0;
};

std::uint64_t readUnsigned(const unsigned char* p, int size, bool bigEndian) {
    std::uint64_t value = 0;
    for (int i = 0; i < size; ++i) {
        const int index = bigEndian ? i : size - 1 - i;
        value = (value << 8) | p[index];
    }
    return value;
}

std::string indexText(const std::vector<std::int64_t>& shape, std::int64_t flat) {
    std::vector<std::int64_t> index(shape.size());
    for (std::size_t d = shape.size(); d-- > 0;) {
        index[d] = shape[d] > 0 ? flat % shape[d] : 0;
        flat = shape[d] > 0 ? flat / shape[d] : 0;
    }
    std::string out = "[";
    for (std::size_t d = 0; d < index.size(); ++d)
        out += (d > 0 ? ", " : "") + std::to_string(index[d]);
    return out + "]";
}

} // namespace

NpyArray parseNpy(std::string_view bytes, const std::string& origin) {
    if (bytes.size() < 10 || bytes.substr(0, 6) != kMagic)
        fail(origin, "not a NumPy .npy file (it does not start with \\x93NUMPY)");
    const auto major = static_cast<unsigned char>(bytes[6]);
    std::size_t headerLength = 0;
    std::size_t headerStart = 0;
    if (major == 1) {
        headerLength =
            readUnsigned(reinterpret_cast<const unsigned char*>(bytes.data() + 8), 2, false);
        headerStart = 10;
    } else if (major == 2 || major == 3) {
        if (bytes.size() < 12)
            fail(origin, "the .npy file is truncated in its header");
        headerLength =
            readUnsigned(reinterpret_cast<const unsigned char*>(bytes.data() + 8), 4, false);
        headerStart = 12;
    } else {
        fail(origin, "the .npy format version " + std::to_string(major) + " is not supported");
    }
    if (headerStart + headerLength > bytes.size())
        fail(origin, "the .npy file is truncated in its header");
    const Header header = HeaderReader(bytes.substr(headerStart, headerLength), origin).read();

    std::int64_t count = 1;
    for (std::int64_t dim : header.shape) {
        count *= dim;
        if (count > kMaxValues)
            fail(origin, "the array in the .npy file is too large");
    }
    const std::size_t dataStart = headerStart + headerLength;
    const auto expected =
        static_cast<std::uint64_t>(count) * static_cast<std::uint64_t>(header.itemSize);
    const std::uint64_t available = bytes.size() - dataStart;
    if (available < expected)
        fail(origin, "the .npy file is truncated: its header promises " + std::to_string(count) +
                         " values (" + std::to_string(expected) + " bytes) but only " +
                         std::to_string(available) + " bytes follow");
    if (available > expected)
        fail(origin, "the .npy file has " + std::to_string(available - expected) +
                         " bytes more than its header describes");

    NpyArray array;
    array.shape = header.shape;
    array.data.resize(static_cast<std::size_t>(count));
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data() + dataStart);
    const bool big = header.byteOrder == '>';
    for (std::int64_t i = 0; i < count; ++i, p += header.itemSize) {
        const std::uint64_t raw = readUnsigned(p, header.itemSize, big);
        float value = 0;
        if (header.itemSize == 2)
            value = halfToFloat(static_cast<std::uint16_t>(raw));
        else if (header.itemSize == 4)
            value = std::bit_cast<float>(static_cast<std::uint32_t>(raw));
        else
            value = static_cast<float>(std::bit_cast<double>(raw));
        array.data[static_cast<std::size_t>(i)] = value;
    }

    if (header.fortranOrder && header.shape.size() > 1) {
        // Fortran order: the first index varies fastest. Reorder to C order.
        std::vector<float> reordered(array.data.size());
        const std::size_t rank = header.shape.size();
        std::vector<std::int64_t> index(rank, 0);
        for (std::size_t c = 0; c < reordered.size(); ++c) {
            std::int64_t f = 0;
            std::int64_t stride = 1;
            for (std::size_t d = 0; d < rank; ++d) {
                f += index[d] * stride;
                stride *= header.shape[d];
            }
            reordered[c] = array.data[static_cast<std::size_t>(f)];
            for (std::size_t d = rank; d-- > 0;) {
                if (++index[d] < header.shape[d])
                    break;
                index[d] = 0;
            }
        }
        array.data = std::move(reordered);
    }

    for (std::size_t i = 0; i < array.data.size(); ++i)
        if (!std::isfinite(array.data[i]))
            fail(origin, std::string(std::isnan(array.data[i]) ? "NaN" : "an infinite value") +
                             " at index " + indexText(array.shape, static_cast<std::int64_t>(i)) +
                             "; attention weights must be finite numbers");
    return array;
}

} // namespace attnlab::core
