#include "core/io/mask_file.h"

#include "core/base/file_io.h"
#include "core/base/types.h"

namespace attnlab::core {

MaskFile parseMaskText(std::string_view text, const std::string& name) {
    MaskFile file;
    MaskSpec& mask = file.mask;
    mask.kind = MaskKind::Custom;
    int rows = 0;
    int columns = -1;
    int lineNumber = 0;
    while (!text.empty()) {
        const std::size_t end = text.find('\n');
        std::string_view line = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
        ++lineNumber;
        if (!line.empty() && line.back() == '\r')
            line.remove_suffix(1);
        const std::size_t first = line.find_first_not_of(" \t");
        if (first == std::string_view::npos || line[first] == '#')
            continue;
        int column = 0;
        for (char c : line) {
            if (c == ' ' || c == '\t')
                continue;
            if (c != '0' && c != '1')
                throw InputError(name + ":" + std::to_string(lineNumber) + ": '" +
                                 std::string(1, c) +
                                 "' is not 0 or 1; write one digit per key, 1 where the query "
                                 "sees the key and 0 where it is blocked");
            if (c == '0')
                mask.blocked.emplace_back(rows, column);
            ++column;
        }
        if (columns >= 0 && column != columns)
            throw InputError(name + ":" + std::to_string(lineNumber) + ": this row has " +
                             std::to_string(column) + " keys but the first row has " +
                             std::to_string(columns) + "; every row needs one digit per key");
        columns = column;
        ++rows;
    }
    if (rows == 0)
        throw InputError(name + ": no rows; write one line of 0 and 1 per query");
    file.rows = rows;
    file.keys = columns;
    return file;
}

MaskFile loadMaskFile(const std::string& path) {
    return parseMaskText(readFileBytes(path, kMaxMaskFileBytes), path);
}

MaskSpec customMask(const BoolMatrix& visible) {
    MaskSpec mask;
    mask.kind = MaskKind::Custom;
    for (Eigen::Index i = 0; i < visible.rows(); ++i)
        for (Eigen::Index j = 0; j < visible.cols(); ++j)
            if (!visible(i, j))
                mask.blocked.emplace_back(static_cast<int>(i), static_cast<int>(j));
    return mask;
}

std::string formatMaskText(const BoolMatrix& visible, const std::vector<std::string>& comments) {
    std::string text;
    text.reserve(static_cast<std::size_t>(visible.size()) * 2 + 64);
    for (const std::string& comment : comments) {
        text += "# ";
        for (char c : comment)
            text += c == '\n' || c == '\r' ? ' ' : c;
        text += '\n';
    }
    for (Eigen::Index i = 0; i < visible.rows(); ++i) {
        for (Eigen::Index j = 0; j < visible.cols(); ++j) {
            if (j > 0)
                text += ' ';
            text += visible(i, j) ? '1' : '0';
        }
        text += '\n';
    }
    return text;
}

void checkMaskShape(const MaskFile& file, const std::string& name, int queries, int keys) {
    if (file.rows == queries && file.keys == keys)
        return;
    throw InputError(name + ": the mask has " + std::to_string(file.rows) + " rows of " +
                     std::to_string(file.keys) + " keys, but the sentence has " +
                     std::to_string(queries) + " queries and " + std::to_string(keys) +
                     " keys; write one row per query token and one digit per key token");
}

} // namespace attnlab::core
