// House style rule 1: core/ is a library on Eigen and ICU only — no Qt include, no QString,
// no Q_OBJECT. Walks the source tree so that a new file cannot slip one in.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_no_qt {

namespace {

namespace fs = std::filesystem;

const fs::path kCoreDir = fs::path(ATTNLAB_SOURCE_DIR) / "core";

bool isSourceFile(const fs::path& path) {
    const std::string ext = path.extension().string();
    return ext == ".h" || ext == ".hpp" || ext == ".hh" || ext == ".cpp" || ext == ".cc" ||
           ext == ".cxx" || ext == ".inl" || ext == ".ipp";
}

// Every Qt use in `text`, as "line N: …".
std::vector<std::string> qtUses(const std::string& text) {
    // #include <QWidget>, <QtCore/QString>, "QObject", <qcustomplot.h>, "qcustomplot.h"
    static const std::regex include(R"(^\s*#\s*include\s*[<"]\s*(Q|qcustomplot))");
    static const std::regex token(R"(\b(Q_OBJECT|QString|Q_GADGET|Q_SIGNALS|Q_SLOTS|Q_EMIT)\b)");
    std::vector<std::string> uses;
    std::istringstream lines(text);
    std::string line;
    int number = 0;
    while (std::getline(lines, line)) {
        ++number;
        if (std::regex_search(line, include) || std::regex_search(line, token))
            uses.push_back("line " + std::to_string(number) + ": " + line);
    }
    return uses;
}

std::string readAll(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

} // namespace

TEST(CoreHasNoQt, DetectorFindsQtUses) {
    EXPECT_EQ(qtUses("#include <QString>\n").size(), 1u);
    EXPECT_EQ(qtUses("  #  include \"QObject\"\n").size(), 1u);
    EXPECT_EQ(qtUses("#include <QtCore/QVector>\n").size(), 1u);
    EXPECT_EQ(qtUses("#include <qcustomplot.h>\n").size(), 1u);
    EXPECT_EQ(qtUses("class A {\n    Q_OBJECT\n};\n").size(), 1u);
    EXPECT_EQ(qtUses("void f(const QString& s);\n").size(), 1u);
    EXPECT_TRUE(
        qtUses("#include <Eigen/Core>\n#include <queue>\n#include \"options.h\"\n").empty());
    EXPECT_TRUE(qtUses("std::string QStringLike;\nint myQString2;\n").empty());
}

TEST(CoreHasNoQt, NoCoreFileIncludesQt) {
    ASSERT_TRUE(fs::is_directory(kCoreDir)) << kCoreDir << " is not a directory";
    int scanned = 0;
    for (const fs::directory_entry& entry : fs::recursive_directory_iterator(kCoreDir)) {
        if (!entry.is_regular_file() || !isSourceFile(entry.path()))
            continue;
        ++scanned;
        for (const std::string& use : qtUses(readAll(entry.path())))
            ADD_FAILURE() << fs::relative(entry.path(), kCoreDir.parent_path()).string()
                          << " uses Qt, which core/ must not: " << use;
    }
    EXPECT_GT(scanned, 5) << "found only " << scanned << " source files under " << kCoreDir;
}

} // namespace test_no_qt
