// The program's one file module (core/base/file_io.h) and every reader built on it: each path
// is checked to be a regular file before a byte is read, so a named pipe, a device or a socket
// is refused at once. Each blocking case runs in a child process with an alarm, so that a read
// that blocks fails the test instead of hanging it.

#include "core/base/file_io.h"
#include "core/base/types.h"
#include "core/embeddings/embeddings.h"
#include "core/io/data_export.h"
#include "core/io/session.h"
#include "core/model/builtin_model.h"
#include "core/model/imported_attention.h"

#include "process_testing.h"

#include <gtest/gtest.h>

#include <sys/socket.h>
#include <sys/sysmacros.h>
#include <sys/un.h>

#include <algorithm>
#include <cstring>
#include <functional>
#include <new>
#include <ostream>
#include <string>
#include <vector>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_file_io {

using namespace attnlab::core;
using attnlab::testing::makeFifo;
using attnlab::testing::runInChild;
using attnlab::testing::TempFolder;
using attnlab::testing::writeFile;

namespace {

// Runs `read` in a child that must not block; returns the message of the FileError it throws
// ("<no error>" when it returns, "<other: …>" for another exception).
attnlab::testing::ChildResult refusedInChild(const std::function<void()>& read) {
    return runInChild([&](std::string& report) {
        try {
            read();
            report = "<no error>";
            return 1;
        } catch (const FileError& error) {
            report = error.what();
            return 0;
        } catch (const std::exception& error) {
            report = std::string("<other: ") + error.what() + ">";
            return 2;
        }
    });
}

#define EXPECT_REFUSED_AS(child, path, kind)                                                       \
    do {                                                                                           \
        const attnlab::testing::ChildResult& result_ = (child);                                    \
        EXPECT_FALSE(result_.timedOut()) << "the read blocked on " << (path);                      \
        EXPECT_EQ(result_.exitCode, 0) << result_.describe();                                      \
        EXPECT_NE(result_.report.find("'" + std::string(path) + "'"), std::string::npos)           \
            << result_.report;                                                                     \
        EXPECT_NE(result_.report.find(kind), std::string::npos) << result_.report;                 \
    } while (false)

const std::string kSession = R"({"format": "attention-lab-session", "version": 1,
  "config": {"sentence": "a b", "embeddings": {"source": "file", "path": "vectors.fifo"}}})";

// A [1, 2, 2] float32 .npy array.
std::string smallNpy() {
    std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2, 2), }";
    header.append((64 - (10 + header.size() + 1) % 64) % 64, ' ');
    header.push_back('\n');
    std::string bytes = std::string("\x93NUMPY\x01\x00", 8);
    bytes.push_back(static_cast<char>(header.size()));
    bytes.push_back('\0');
    bytes += header;
    for (float value : {0.5f, 0.5f, 0.25f, 0.75f}) {
        char raw[4];
        std::memcpy(raw, &value, 4);
        bytes.append(raw, 4);
    }
    return bytes;
}

} // namespace

// ---- reads: a named pipe is refused by every reader, never waited on ------------------------

TEST(SafeReads, ReadFileBytesRefusesANamedPipe) {
    const TempFolder folder;
    const std::string fifo = folder.file("lesson.attnlab");
    makeFifo(fifo);
    EXPECT_REFUSED_AS(refusedInChild([&] { readFileBytes(fifo, 1 << 20); }), fifo, "named pipe");
}

TEST(SafeReads, EmbeddingsFilesThatAreNamedPipesAreRefused) {
    const TempFolder folder;
    for (const std::string name : {"vectors.txt", "vectors.vec", "vectors.bin"}) {
        SCOPED_TRACE(name);
        const std::string fifo = folder.file(name);
        makeFifo(fifo);
        EXPECT_REFUSED_AS(refusedInChild([&] { loadEmbeddingsFile(fifo); }), fifo, "named pipe");
        EmbeddingLoadOptions options;
        options.useCache = true;
        options.cacheDirectory = folder.file("cache");
        EXPECT_REFUSED_AS(refusedInChild([&] { loadEmbeddings(fifo, options); }), fifo,
                          "named pipe");
    }
}

TEST(SafeReads, ACacheThatIsANamedPipeIsPassedOverAndKept) {
    const TempFolder folder;
    const std::string vectors = folder.file("vectors.txt");
    writeFile(vectors, "a 1 2\nb 3 4\n");
    makeFifo(vectors + ".attnlab-cache");
    const auto child = runInChild([&](std::string& report) {
        EmbeddingLoadOptions options;
        options.useCache = true;
        options.cacheDirectory = folder.file("cache");
        const EmbeddingLoadResult loaded = loadEmbeddings(vectors, options);
        report = loaded.cachePath;
        return loaded.table.size() == 2 && !loaded.fromCache ? 0 : 1;
    });
    EXPECT_FALSE(child.timedOut()) << "the cache that is a FIFO was read";
    EXPECT_EQ(child.exitCode, 0) << child.describe();
    // The cache went to the cache folder; the FIFO beside the file is left as it was.
    EXPECT_EQ(child.report.rfind(folder.file("cache/"), 0), 0u) << child.report;
    struct stat info {};
    ASSERT_EQ(::lstat((vectors + ".attnlab-cache").c_str(), &info), 0);
    EXPECT_TRUE(S_ISFIFO(info.st_mode));
}

TEST(SafeReads, LessonsThatAreNamedPipesAreRefused) {
    const TempFolder folder;
    const std::string fifo = folder.file("lesson.attnlab");
    makeFifo(fifo);
    EXPECT_REFUSED_AS(refusedInChild([&] {
                          std::vector<std::string> warnings;
                          loadSessionFile(fifo, warnings);
                      }),
                      fifo, "named pipe");
}

TEST(SafeReads, AnEmbeddingsPathInsideALessonThatIsANamedPipeIsRefused) {
    const TempFolder folder;
    const std::string lesson = folder.file("lesson.attnlab");
    writeFile(lesson, kSession);
    makeFifo(folder.file("vectors.fifo"));
    std::vector<std::string> warnings;
    const Session session = loadSessionFile(lesson, warnings);
    ASSERT_EQ(session.config.embeddingsPath, folder.file("vectors.fifo"));
    EXPECT_REFUSED_AS(refusedInChild([&] { loadEmbeddingsFile(session.config.embeddingsPath); }),
                      session.config.embeddingsPath, "named pipe");
}

TEST(SafeReads, ImportedArraysAndTheirTokenFilesThatAreNamedPipesAreRefused) {
    const TempFolder folder;
    const std::string npy = folder.file("weights.npy");
    const std::string tokens = folder.file("weights.tokens.json");
    const std::string npyFifo = folder.file("fifo.npy");
    const std::string tokensFifo = folder.file("fifo.tokens.json");
    writeFile(npy, smallNpy());
    writeFile(tokens, R"(["a", "b"])");
    makeFifo(npyFifo);
    makeFifo(tokensFifo);
    ASSERT_EQ(loadImportedAttention(npy, tokens).heads, 1);
    EXPECT_REFUSED_AS(refusedInChild([&] { loadImportedAttention(npyFifo, tokens); }), npyFifo,
                      "named pipe");
    EXPECT_REFUSED_AS(refusedInChild([&] { loadImportedAttention(npy, tokensFifo); }), tokensFifo,
                      "named pipe");
}

TEST(SafeReads, DevicesSocketsAndFoldersAreRefusedByKind) {
    const TempFolder folder;
    const std::string socketPath = folder.file("socket");
    const int socketFd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    ASSERT_GE(socketFd, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, socketPath.c_str(), sizeof address.sun_path - 1);
    ASSERT_EQ(::bind(socketFd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    struct Case {
        std::string path, kind;
    };
    const std::vector<Case> cases = {{"/dev/null", "device"},
                                     {"/dev/zero", "device"},
                                     {socketPath, "socket"},
                                     {folder.path(), "directory"}};
    for (const Case& c : cases) {
        SCOPED_TRACE(c.path);
        EXPECT_REFUSED_AS(refusedInChild([&] { readFileBytes(c.path, 1 << 20); }), c.path, c.kind);
        EXPECT_REFUSED_AS(refusedInChild([&] { loadEmbeddingsFile(c.path); }), c.path, c.kind);
        EXPECT_REFUSED_AS(refusedInChild([&] {
                              std::vector<std::string> warnings;
                              loadSessionFile(c.path, warnings);
                          }),
                          c.path, c.kind);
    }
    ::close(socketFd);
}

TEST(SafeReads, MissingFilesNameThePathAndTheReason) {
    const TempFolder folder;
    const std::string missing = folder.file("missing.attnlab");
    try {
        readFileBytes(missing, 1 << 20);
        FAIL() << "no error";
    } catch (const FileError& error) {
        EXPECT_EQ(std::string(error.what()),
                  "cannot open '" + missing + "': No such file or directory");
    }
}

// ---- atomic writes: only regular files are replaced; links are written through -------------

namespace {

bool isKind(const std::string& path, mode_t kind) {
    struct stat info {};
    return ::lstat(path.c_str(), &info) == 0 && (info.st_mode & S_IFMT) == kind;
}

// The message of the FileError writing `bytes` to `path` throws ("<no error>" when it does not),
// in a child so that a write that opens a FIFO fails instead of hanging.
attnlab::testing::ChildResult writeRefusedInChild(const std::string& path,
                                                  const std::string& bytes) {
    return refusedInChild([&] { writeFileAtomically(path, bytes); });
}

} // namespace

TEST(AtomicWrites, NamedPipesDevicesAndSocketsAreRefusedAndKept) {
    const TempFolder folder;
    const std::string fifo = folder.file("out.json");
    makeFifo(fifo);
    EXPECT_REFUSED_AS(writeRefusedInChild(fifo, "{}"), fifo, "named pipe");
    EXPECT_TRUE(isKind(fifo, S_IFIFO));

    // A link to /dev/null stands for any device: the link is followed to the device, which is
    // not replaced (nor is the link).
    const std::string toNull = folder.file("null.csv");
    ASSERT_EQ(::symlink("/dev/null", toNull.c_str()), 0);
    EXPECT_REFUSED_AS(writeRefusedInChild(toNull, "a,b\r\n"), toNull, "device");
    EXPECT_TRUE(isKind(toNull, S_IFLNK));
    EXPECT_TRUE(isKind("/dev/null", S_IFCHR));

    // A device node of its own where this user may make one (root).
    const std::string device = folder.file("device.npy");
    const bool madeDevice = ::mknod(device.c_str(), S_IFCHR | 0666, makedev(1, 3)) == 0;
    if (madeDevice) {
        EXPECT_REFUSED_AS(writeRefusedInChild(device, "x"), device, "device");
        EXPECT_TRUE(isKind(device, S_IFCHR));
    }

    const std::string socketPath = folder.file("socket.json");
    const int socketFd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    ASSERT_GE(socketFd, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, socketPath.c_str(), sizeof address.sun_path - 1);
    ASSERT_EQ(::bind(socketFd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    EXPECT_REFUSED_AS(writeRefusedInChild(socketPath, "{}"), socketPath, "socket");
    EXPECT_TRUE(isKind(socketPath, S_IFSOCK));
    ::close(socketFd);

    std::vector<std::string> expected{"out.json", "null.csv", "socket.json"};
    if (madeDevice)
        expected.push_back("device.npy");
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(folder.entries(), expected) << "no temporary file left";
}

TEST(AtomicWrites, SymbolicLinksAreWrittenThroughAndStayLinks) {
    const TempFolder folder;
    std::filesystem::create_directory(folder.file("data"));
    const std::string target = folder.file("data/weights.json");
    writeFile(target, "earlier");
    // A relative link, a link to that link, and an absolute one.
    ASSERT_EQ(::symlink("data/weights.json", folder.file("relative.json").c_str()), 0);
    ASSERT_EQ(::symlink("relative.json", folder.file("chain.json").c_str()), 0);
    ASSERT_EQ(::symlink(target.c_str(), folder.file("absolute.json").c_str()), 0);
    for (const std::string name : {"relative.json", "chain.json", "absolute.json"}) {
        SCOPED_TRACE(name);
        writeFileAtomically(folder.file(name), "through " + name);
        EXPECT_TRUE(isKind(folder.file(name), S_IFLNK)) << "the link was replaced";
        EXPECT_TRUE(isKind(target, S_IFREG));
        EXPECT_EQ(attnlab::testing::readFile(target), "through " + name);
    }
    // A dangling link: the file it names is created, as a shell's '>' would.
    ASSERT_EQ(::symlink("data/new.csv", folder.file("dangling.csv").c_str()), 0);
    writeFileAtomically(folder.file("dangling.csv"), "created");
    EXPECT_TRUE(isKind(folder.file("dangling.csv"), S_IFLNK));
    EXPECT_EQ(attnlab::testing::readFile(folder.file("data/new.csv")), "created");

    EXPECT_EQ(folder.entries(),
              (std::vector<std::string>{"absolute.json", "chain.json", "dangling.csv", "data",
                                        "relative.json"}));
    std::vector<std::string> data;
    for (const auto& entry : std::filesystem::directory_iterator(folder.file("data")))
        data.push_back(entry.path().filename().string());
    std::sort(data.begin(), data.end());
    EXPECT_EQ(data, (std::vector<std::string>{"new.csv", "weights.json"}));
}

TEST(AtomicWrites, NamesOf250BytesAreWritten) {
    const TempFolder folder;
    const std::string ascii = std::string(245, 'a') + ".json"; // 250 bytes
    std::string chinese;
    while (chinese.size() + 3 + 4 <= 250)
        chinese += "注"; // 3 bytes each
    chinese += ".csv";
    for (const std::string& name : {ascii, chinese}) {
        SCOPED_TRACE(name.size());
        const std::string path = folder.file(name);
        writeFileAtomically(path, "first");
        writeFileAtomically(path, "second");
        EXPECT_EQ(attnlab::testing::readFile(path), "second");
    }
    std::vector<std::string> expected{ascii, chinese};
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(folder.entries(), expected);
}

TEST(AtomicWrites, OtherHardLinksKeepTheEarlierContents) {
    // The rename gives the name a new file; a second name of the old file still shows the old
    // contents (documented in the README), and nothing is written into the old file in place.
    const TempFolder folder;
    const std::string path = folder.file("out.json");
    writeFile(path, "earlier");
    ASSERT_EQ(::link(path.c_str(), folder.file("backup.json").c_str()), 0);
    writeFileAtomically(path, "new");
    EXPECT_EQ(attnlab::testing::readFile(path), "new");
    EXPECT_EQ(attnlab::testing::readFile(folder.file("backup.json")), "earlier");
}

// ---- the atomic writer's own guarantees, with both kinds of temporary file ----------------

namespace {

class BothTemporaryKinds : public ::testing::TestWithParam<bool> {
protected:
    WriteOptions options() const {
        WriteOptions options;
        options.unnamedTemporary = GetParam();
        return options;
    }
};

std::string kindName(const ::testing::TestParamInfo<bool>& info) {
    return info.param ? "Unnamed" : "Named";
}

} // namespace

TEST_P(BothTemporaryKinds, CreateReplaceKeepTheModeAndLeaveNothingElse) {
    const TempFolder folder;
    const std::string path = folder.file("out.json");
    writeFileAtomically(path, "first", options());
    ASSERT_EQ(::chmod(path.c_str(), 0640), 0);
    writeFileAtomically(path, "second", options());
    EXPECT_EQ(attnlab::testing::readFile(path), "second");
    struct stat info {};
    ASSERT_EQ(::stat(path.c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0640u);
    const std::string longName = folder.file(std::string(250 - 4, 'n') + ".csv");
    writeFileAtomically(longName, "long", options());
    EXPECT_EQ(attnlab::testing::readFile(longName), "long");
    EXPECT_EQ(folder.entries().size(), 2u);
}

TEST_P(BothTemporaryKinds, TheTemporaryFileIsUnnamedWhereTheSystemAllowsIt) {
    const TempFolder folder;
    AtomicFile file(folder.file("out.npy"), options());
    file.write("x");
    EXPECT_EQ(file.isUnnamed(), GetParam()) << "O_TMPFILE should work on " << folder.path();
    EXPECT_EQ(folder.entries().size(), GetParam() ? 0u : 1u);
    file.discard();
    EXPECT_TRUE(folder.entries().empty());
}

TEST_P(BothTemporaryKinds, AFailedAllocationWhileProducingLeavesTheEarlierFile) {
    const TempFolder folder;
    const std::string path = folder.file("out.json");
    writeFile(path, "earlier export");
    try {
        writeFileAtomically(
            path,
            [](std::ostream& out) {
                for (int i = 0; i < 1000; ++i)
                    out << std::string(4096, 'x'); // 4 MB, more than the buffer
                throw std::bad_alloc();
            },
            options());
        FAIL() << "no error";
    } catch (const FileError& error) {
        EXPECT_EQ(std::string(error.what()), "cannot write '" + path +
                                                 "': not enough memory to produce it; nothing was "
                                                 "written");
    }
    EXPECT_EQ(attnlab::testing::readFile(path), "earlier export");
    EXPECT_EQ(folder.entries(), std::vector<std::string>{"out.json"});
}

TEST_P(BothTemporaryKinds, ACancelLeavesTheEarlierFile) {
    const TempFolder folder;
    const std::string path = folder.file("out.csv");
    writeFile(path, "earlier export");
    WriteOptions cancelling = options();
    std::uint64_t seen = 0;
    cancelling.progress = [&](std::uint64_t written) {
        seen = written;
        return written < (8u << 20);
    };
    EXPECT_THROW(writeFileAtomically(
                     path,
                     [](std::ostream& out) {
                         const std::string block(1 << 16, 'y');
                         for (int i = 0; i < 1024; ++i) // 64 MB
                             out << block;
                     },
                     cancelling),
                 Cancelled);
    EXPECT_GE(seen, 8u << 20);
    EXPECT_LT(seen, 16u << 20) << "the cancel came late";
    EXPECT_EQ(attnlab::testing::readFile(path), "earlier export");
    EXPECT_EQ(folder.entries(), std::vector<std::string>{"out.csv"});
}

TEST_P(BothTemporaryKinds, AShortWriteWhileStreamingLeavesTheEarlierFile) {
    // A file-size limit makes write() fail part-way (EFBIG), as a full disk would; in a child,
    // so the limit does not reach the rest of the tests.
    const TempFolder folder;
    const std::string path = folder.file("out.npy");
    writeFile(path, "earlier export");
    const WriteOptions writeOptions = options();
    const auto child = runInChild([&](std::string& report) {
        ::signal(SIGXFSZ, SIG_IGN);
        const rlimit limit{1 << 20, 1 << 20};
        ::setrlimit(RLIMIT_FSIZE, &limit);
        int produced = 0;
        try {
            writeFileAtomically(
                path,
                [&](std::ostream& out) {
                    for (; produced < 64; ++produced)
                        out << std::string(1 << 16, 'z'); // 4 MB in all
                },
                writeOptions);
        } catch (const FileError& error) {
            report = error.what();
            // Stopped at the first failed write, not after producing everything.
            return produced < 64 ? 0 : 3;
        }
        return 1;
    });
    EXPECT_EQ(child.exitCode, 0) << child.describe();
    EXPECT_EQ(child.report, "cannot write '" + path + "': writing failed (File too large)");
    EXPECT_EQ(attnlab::testing::readFile(path), "earlier export");
    EXPECT_EQ(folder.entries(), std::vector<std::string>{"out.npy"});
}

TEST_P(BothTemporaryKinds, AnOutputThatIsAnInputIsRefusedThroughLinks) {
    const TempFolder folder;
    const std::string vectors = folder.file("vectors.txt");
    const std::string lesson = folder.file("lesson.attnlab");
    writeFile(vectors, "a 1 2\n");
    writeFile(lesson, "{}");
    ASSERT_EQ(::symlink("vectors.txt", folder.file("link.json").c_str()), 0);
    ASSERT_EQ(::link(lesson.c_str(), folder.file("hard.csv").c_str()), 0);
    InputFiles inputs;
    inputs.add(vectors, "the embeddings file");
    inputs.add(InputFile(lesson), "the lesson");
    inputs.add(folder.file("missing.txt"), "ignored");
    WriteOptions guarded = options();
    guarded.inputs = &inputs;
    const std::vector<std::pair<std::string, std::string>> cases = {
        {vectors, "it is the embeddings file ('" + vectors + "'), which is being read"},
        {folder.file("link.json"), "it is the embeddings file"},
        {lesson, "it is the lesson ('" + lesson + "')"},
        {folder.file("hard.csv"), "it is the lesson"},
    };
    for (const auto& [path, expected] : cases) {
        SCOPED_TRACE(path);
        try {
            writeFileAtomically(path, "output", guarded);
            ADD_FAILURE() << "no error";
        } catch (const FileError& error) {
            EXPECT_NE(std::string(error.what()).find(expected), std::string::npos) << error.what();
        }
    }
    EXPECT_EQ(attnlab::testing::readFile(vectors), "a 1 2\n");
    EXPECT_EQ(attnlab::testing::readFile(lesson), "{}");
    writeFileAtomically(folder.file("other.json"), "fine", guarded);
    EXPECT_EQ(folder.entries(), (std::vector<std::string>{"hard.csv", "lesson.attnlab", "link.json",
                                                          "other.json", "vectors.txt"}));
}

TEST_P(BothTemporaryKinds, ReplacingAFileWithOtherHardLinksSaysSo) {
    const TempFolder folder;
    const std::string path = folder.file("out.json");
    writeFile(path, "earlier");
    ASSERT_EQ(::link(path.c_str(), folder.file("backup.json").c_str()), 0);
    const std::vector<std::string> notes = writeFileAtomically(path, "new", options());
    ASSERT_EQ(notes.size(), 1u);
    EXPECT_NE(notes[0].find("had 1 other name (a hard link), which keep"), std::string::npos)
        << notes[0];
    EXPECT_EQ(attnlab::testing::readFile(folder.file("backup.json")), "earlier");
    EXPECT_TRUE(writeFileAtomically(path, "newer", options()).empty()) << "now a single name";
}

INSTANTIATE_TEST_SUITE_P(AtomicFile, BothTemporaryKinds, ::testing::Bool(), kindName);

TEST(AtomicFile, ExportDataStreamsAndCancels) {
    // exportData goes through the same writer: a cancel from its progress leaves nothing.
    const TempFolder folder;
    Config config;
    config.sentence = std::string(600 * 4, 'a');
    for (std::size_t i = 3; i < config.sentence.size(); i += 4)
        config.sentence[i] = ' ';
    config.heads = 4;
    RunOptions run;
    run.trace = true; // every matrix, as the command line's JSON export
    const ModelOutput result = runBuiltin(config, run);
    const std::string path = folder.file("out.json");
    writeFile(path, "earlier");
    WriteOptions cancelling;
    cancelling.progress = [](std::uint64_t written) { return written < (4u << 20); };
    EXPECT_THROW(exportData(result, path, cancelling), Cancelled);
    EXPECT_EQ(attnlab::testing::readFile(path), "earlier");
    EXPECT_EQ(folder.entries(), std::vector<std::string>{"out.json"});
}

// ---- InputFile and MappedFile ---------------------------------------------------------------

TEST(InputFile, ReadsExactlyAndNoticesAFileThatShrank) {
    const TempFolder folder;
    const std::string path = folder.file("data.bin");
    writeFile(path, "0123456789");
    const InputFile file(path);
    EXPECT_EQ(file.size(), 10u);
    char buffer[4] = {};
    file.readExactly(3, buffer, 4);
    EXPECT_EQ(std::string(buffer, 4), "3456");
    EXPECT_EQ(file.readSome(8, buffer, 4), 2u);
    ASSERT_EQ(::truncate(path.c_str(), 5), 0);
    EXPECT_THROW(file.readExactly(3, buffer, 4), FileError);
    EXPECT_EQ(file.readAll(100), "01234");
    try {
        InputFile(path).readAll(2);
        ADD_FAILURE() << "no error";
    } catch (const FileError& error) {
        EXPECT_NE(std::string(error.what()).find("more than the 1 MB"), std::string::npos)
            << error.what();
    }
}

TEST(MappedFile, MapsARegularFileAndRefusesANamedPipe) {
    const TempFolder folder;
    const std::string path = folder.file("weights.safetensors");
    writeFile(path, std::string("\x08\0\0\0\0\0\0\0{}      ", 16));
    const MappedFile mapped(path);
    EXPECT_EQ(mapped.bytes(), std::string_view("\x08\0\0\0\0\0\0\0{}      ", 16));
    EXPECT_EQ(mapped.file().size(), 16u);
    writeFile(folder.file("empty"), "");
    EXPECT_TRUE(MappedFile(folder.file("empty")).bytes().empty());
    makeFifo(folder.file("pipe"));
    EXPECT_REFUSED_AS(refusedInChild([&] { MappedFile mappedPipe(folder.file("pipe")); }),
                      folder.file("pipe"), "named pipe");
}

} // namespace test_file_io
