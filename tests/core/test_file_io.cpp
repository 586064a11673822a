// The program's one file module (core/base/file_io.h) and every reader built on it: each path
// is checked to be a regular file before a byte is read, so a named pipe, a device or a socket
// is refused at once. Each blocking case runs in a child process with an alarm, so that a read
// that blocks fails the test instead of hanging it.

#include "core/base/file_io.h"
#include "core/base/types.h"
#include "core/embeddings/embeddings.h"
#include "core/io/session.h"
#include "core/model/imported_attention.h"

#include "process_testing.h"

#include <gtest/gtest.h>

#include <sys/socket.h>
#include <sys/un.h>

#include <cstring>
#include <functional>
#include <string>
#include <vector>

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
