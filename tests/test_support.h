#pragma once
// What the test programs share, so that each test file holds only its tests:
//
//   EXPECT_EIGEN_NEAR(a, b, tol)   matrices (or arrays) equal within tol; prints both by name
//   TempDir, TempDirTest           a fresh folder, removed with everything in it at scope exit
//   runProgram(args, env, timeout) a child process's exit code, stdout and stderr
//   readFile, writeFile            a whole file as bytes
//   errorMessageOf<Error>(f)       the message of the Error that f throws
//   EXPECT_CONTAINS(text, part)    text contains part; prints both by name
//   randomMatrix(rows, cols, seed) seeded Gaussian matrices, the same on every machine
//
// Header-only; POSIX. The matrix helpers are there when Eigen is on the include path.

#include <gtest/gtest.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <optional>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#if __has_include(<Eigen/Core>)
#include <Eigen/Core>
#define ATTNLAB_TEST_SUPPORT_EIGEN 1
#endif

extern char** environ;

namespace attnlab::testing {

// ---- matrices ------------------------------------------------------------------------------

#ifdef ATTNLAB_TEST_SUPPORT_EIGEN

/// Predicate-formatter of EXPECT_EIGEN_NEAR: equal shapes, and every pair of entries within
/// `tolerance`, relative to the larger magnitude when that exceeds 1 (absolute below). An
/// infinity equals only the same infinity; NaN equals nothing. On failure the message names the
/// first cell that differs and prints both matrices under the expressions that produced them.
template <typename A, typename B>
::testing::AssertionResult eigenNear(const char* aExpr, const char* bExpr, const char*,
                                     const Eigen::DenseBase<A>& a, const Eigen::DenseBase<B>& b,
                                     double tolerance) {
    if (a.rows() != b.rows() || a.cols() != b.cols()) {
        return ::testing::AssertionFailure()
               << aExpr << " is " << a.rows() << "×" << a.cols() << " but " << bExpr << " is "
               << b.rows() << "×" << b.cols();
    }
    for (Eigen::Index r = 0; r < a.rows(); ++r) {
        for (Eigen::Index c = 0; c < a.cols(); ++c) {
            const double x = static_cast<double>(a(r, c));
            const double y = static_cast<double>(b(r, c));
            if (std::isinf(x) && std::isinf(y) && (x > 0) == (y > 0))
                continue;
            // An infinity equals only the same infinity (a relative tolerance would be infinite).
            const double allowed = tolerance * std::max(1.0, std::max(std::abs(x), std::abs(y)));
            if (std::isinf(x) || std::isinf(y) || !(std::abs(x - y) <= allowed)) {
                std::ostringstream out;
                out << aExpr << " and " << bExpr << " differ at (" << r << ", " << c << "): " << x
                    << " vs " << y << " (tolerance " << allowed << ")\n"
                    << aExpr << " =\n"
                    << a << "\n"
                    << bExpr << " =\n"
                    << b;
                return ::testing::AssertionFailure() << out.str();
            }
        }
    }
    return ::testing::AssertionSuccess();
}

/// A rows × cols matrix of independent N(0, stddev²) entries, filled row by row. The stream is
/// std::mt19937_64 (its sequence is fixed by the C++ standard) turned into normals by
/// Box–Muller written here, not by std::normal_distribution (which differs between standard
/// libraries), so a seed gives the same matrix everywhere. Independent of the core's generator,
/// so tests can use it to make inputs for the core's random code too.
template <typename MatrixType = Eigen::MatrixXd>
MatrixType randomMatrix(Eigen::Index rows, Eigen::Index cols, std::uint64_t seed,
                        double stddev = 1.0) {
    std::mt19937_64 bits(seed);
    const auto uniform = [&bits] { // in (0, 1): never 0, so the logarithm is finite
        return (static_cast<double>(bits() >> 11) + 0.5) * 0x1.0p-53;
    };
    MatrixType m(rows, cols);
    double spare = 0.0;
    bool haveSpare = false;
    for (Eigen::Index r = 0; r < rows; ++r) {
        for (Eigen::Index c = 0; c < cols; ++c) {
            double value = spare;
            if (!haveSpare) {
                const double radius = std::sqrt(-2.0 * std::log(uniform()));
                const double angle = 2.0 * 3.14159265358979323846 * uniform();
                value = radius * std::cos(angle);
                spare = radius * std::sin(angle);
            }
            haveSpare = !haveSpare;
            m(r, c) = static_cast<typename MatrixType::Scalar>(value * stddev);
        }
    }
    return m;
}

#endif // ATTNLAB_TEST_SUPPORT_EIGEN

// ---- files ---------------------------------------------------------------------------------

/// The bytes of the file at `path`. Throws std::runtime_error naming the file when it cannot be
/// read.
inline std::string readFile(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw std::runtime_error("cannot read " + path.string());
    std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    if (in.bad())
        throw std::runtime_error("error while reading " + path.string());
    return bytes;
}

/// Replaces the file at `path` with `bytes`. Throws std::runtime_error naming the file.
inline void writeFile(const std::filesystem::path& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out.flush())
        throw std::runtime_error("cannot write " + path.string());
}

/// A new empty folder under the system's temporary folder (mkdtemp), removed with everything in
/// it when the object goes out of scope, also when a test fails or throws.
class TempDir {
public:
    explicit TempDir(const std::string& prefix = "attnlab-test") {
        std::string pattern = (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX"));
        if (!::mkdtemp(pattern.data()))
            throw std::runtime_error("cannot create a temporary folder " + pattern + ": " +
                                     std::strerror(errno));
        m_path = pattern;
    }
    ~TempDir() {
        std::error_code ignored;
        // Read-only folders made by a test would stop remove_all; give the owner access back.
        for (auto it = std::filesystem::recursive_directory_iterator(m_path, ignored);
             it != std::filesystem::recursive_directory_iterator(); it.increment(ignored))
            if (it->is_directory(ignored) && !it->is_symlink(ignored))
                std::filesystem::permissions(it->path(), std::filesystem::perms::owner_all,
                                             std::filesystem::perm_options::add, ignored);
        std::filesystem::permissions(m_path, std::filesystem::perms::owner_all,
                                     std::filesystem::perm_options::add, ignored);
        std::filesystem::remove_all(m_path, ignored);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::filesystem::path& path() const { return m_path; }
    /// The path of `name` inside the folder (the file need not exist).
    std::string file(const std::string& name) const { return (m_path / name).string(); }
    /// Writes `bytes` to the file `name` inside the folder and returns its path.
    std::string write(const std::string& name, const std::string& bytes) const {
        const std::string path = file(name);
        writeFile(path, bytes);
        return path;
    }
    /// Names of the folder's entries, sorted (to check that nothing else was left behind).
    std::vector<std::string> entries() const {
        std::vector<std::string> names;
        for (const auto& entry : std::filesystem::directory_iterator(m_path))
            names.push_back(entry.path().filename().string());
        std::sort(names.begin(), names.end());
        return names;
    }

private:
    std::filesystem::path m_path;
};

/// Fixture: each test gets its own TempDir, m_dir.
class TempDirTest : public ::testing::Test {
protected:
    TempDir m_dir;
};

// ---- errors --------------------------------------------------------------------------------

/// The message of the `Error` that `f` throws; when `f` throws something else or nothing, a
/// marker ("<wrong exception type: …>", "<no exception>") that no expected message contains.
template <typename Error, typename F> std::string errorMessageOf(F&& f) {
    try {
        std::forward<F>(f)();
    } catch (const Error& error) {
        return error.what();
    } catch (const std::exception& error) {
        return std::string("<wrong exception type: ") + error.what() + ">";
    }
    return "<no exception>";
}

/// Predicate-formatter of EXPECT_CONTAINS: `text` contains `part`; on failure both are printed
/// under the expressions that produced them.
inline ::testing::AssertionResult contains(const char* textExpr, const char* partExpr,
                                           const std::string& text, const std::string& part) {
    if (text.find(part) != std::string::npos)
        return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << textExpr << " = \"" << text << "\" does not contain "
                                         << partExpr << " = \"" << part << "\"";
}

// ---- child processes -----------------------------------------------------------------------

/// What a child process did.
struct ProcessResult {
    int exitCode = -1;     ///< the exit status, or 128 + the signal that ended it
    std::string out, err;  ///< everything it wrote to stdout and stderr
    bool timedOut = false; ///< it was killed (SIGKILL) because it ran past the timeout
};

/// "exit 1 / stdout: … / stderr: …", for failure messages.
inline std::string describe(const ProcessResult& run) {
    return "exit " + std::to_string(run.exitCode) + (run.timedOut ? " (timed out)" : "") +
           "\nstdout: " + run.out + "\nstderr: " + run.err;
}

/// Environment changes for a child: a value sets the variable, std::nullopt removes it.
using EnvironmentChanges = std::vector<std::pair<std::string, std::optional<std::string>>>;

/// Less common needs of a child process.
struct RunExtras {
    std::string input;            ///< written to the child's stdin (then closed)
    std::string workingDirectory; ///< empty: this process's
    /// Runs in the child between fork and exec, e.g. setrlimit. Only async-signal-safe calls
    /// (no allocation, no locks): the test program may have other threads.
    std::function<void()> inChild;
};

namespace detail {

inline void setNonBlocking(int fd) {
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
}

// A descriptor that becomes readable when the child exits (pidfd_open, Linux 5.3); −1 where the
// kernel lacks it, in which case the wait below polls instead.
inline int openProcessHandle(pid_t pid) {
#ifdef SYS_pidfd_open
    return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
#else
    (void)pid;
    return -1;
#endif
}

} // namespace detail

/// Runs `args[0]` (a path, or a name looked up in PATH) with `args` and the environment of this
/// process changed by `env`, waits for it and returns its exit code and output. stdout and
/// stderr are read as the child writes (no pipe can fill up); stdin gets `extras.input`. Past
/// `timeout` the child and anything it started (its process group) are killed and `timedOut` is
/// set. Throws std::runtime_error when no process can be made; exit code 127 means exec failed
/// (no such program).
inline ProcessResult runProgram(const std::vector<std::string>& args,
                                const EnvironmentChanges& env = {},
                                std::chrono::milliseconds timeout = std::chrono::seconds(60),
                                const RunExtras& extras = {}) {
    if (args.empty())
        throw std::runtime_error("runProgram: no program given");

    // Everything the child needs is built before fork, so the child only calls exec.
    std::vector<std::string> environment;
    for (char** entry = environ; *entry; ++entry) {
        const std::string text = *entry;
        const std::string name = text.substr(0, text.find('='));
        const bool changed = std::any_of(env.begin(), env.end(),
                                         [&](const auto& change) { return change.first == name; });
        if (!changed)
            environment.push_back(text);
    }
    for (const auto& [name, value] : env)
        if (value)
            environment.push_back(name + "=" + *value);
    std::vector<char*> envp;
    for (std::string& entry : environment)
        envp.push_back(entry.data());
    envp.push_back(nullptr);
    std::vector<std::string> argStrings = args;
    std::vector<char*> argv;
    for (std::string& arg : argStrings)
        argv.push_back(arg.data());
    argv.push_back(nullptr);

    int outPipe[2], errPipe[2], inPipe[2];
    if (::pipe2(outPipe, O_CLOEXEC) != 0 || ::pipe2(errPipe, O_CLOEXEC) != 0 ||
        ::pipe2(inPipe, O_CLOEXEC) != 0)
        throw std::runtime_error(std::string("runProgram: pipe: ") + std::strerror(errno));

    const pid_t child = ::fork();
    if (child < 0)
        throw std::runtime_error(std::string("runProgram: fork: ") + std::strerror(errno));
    if (child == 0) {
        ::setpgid(0, 0);
        if (::dup2(inPipe[0], 0) < 0 || ::dup2(outPipe[1], 1) < 0 || ::dup2(errPipe[1], 2) < 0)
            ::_exit(126);
        if (!extras.workingDirectory.empty() && ::chdir(extras.workingDirectory.c_str()) != 0)
            ::_exit(126);
        if (extras.inChild)
            extras.inChild();
        ::execvpe(argv[0], argv.data(), envp.data());
        ::_exit(127);
    }
    ::setpgid(child, child); // also here, so the group exists before any kill below
    ::close(inPipe[0]);
    ::close(outPipe[1]);
    ::close(errPipe[1]);

    // The input is written first; a child that does not read it gets EPIPE, which is ignored.
    struct sigaction ignorePipe {};
    struct sigaction previousPipe {};
    ignorePipe.sa_handler = SIG_IGN;
    ::sigaction(SIGPIPE, &ignorePipe, &previousPipe);
    std::size_t written = 0;
    while (written < extras.input.size()) {
        const ssize_t n =
            ::write(inPipe[1], extras.input.data() + written, extras.input.size() - written);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        written += static_cast<std::size_t>(n);
    }
    ::close(inPipe[1]);
    ::sigaction(SIGPIPE, &previousPipe, nullptr);

    ProcessResult result;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    const int handle = detail::openProcessHandle(child);
    detail::setNonBlocking(outPipe[0]);
    detail::setNonBlocking(errPipe[0]);
    int fds[2] = {outPipe[0], errPipe[0]};
    std::string* sinks[2] = {&result.out, &result.err};
    bool exited = false;
    int status = 0;
    for (;;) {
        if (!exited) {
            const pid_t done = ::waitpid(child, &status, WNOHANG);
            exited = done == child;
        }
        if (exited && fds[0] < 0 && fds[1] < 0)
            break;
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            ::kill(-child, SIGKILL);
            result.timedOut = true;
            if (!exited)
                ::waitpid(child, &status, 0);
            exited = true;
            break;
        }
        pollfd polls[3];
        nfds_t count = 0;
        for (int fd : fds)
            if (fd >= 0)
                polls[count++] = {fd, POLLIN, 0};
        if (!exited && handle >= 0)
            polls[count++] = {handle, POLLIN, 0};
        // Without a process handle, wake up now and then to ask whether the child is gone.
        const int wait = (!exited && handle < 0) || count == 0
                             ? static_cast<int>(std::min<long long>(left.count(), 10))
                             : static_cast<int>(std::min<long long>(left.count(), 60'000));
        if (::poll(polls, count, wait) < 0 && errno != EINTR)
            break;
        for (int stream = 0; stream < 2; ++stream) {
            if (fds[stream] < 0)
                continue;
            char buffer[65536];
            for (;;) {
                const ssize_t n = ::read(fds[stream], buffer, sizeof buffer);
                if (n > 0) {
                    sinks[stream]->append(buffer, static_cast<std::size_t>(n));
                    continue;
                }
                if (n < 0 && errno == EINTR)
                    continue;
                if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
                    ::close(fds[stream]);
                    fds[stream] = -1;
                }
                break;
            }
        }
    }
    for (int fd : fds)
        if (fd >= 0)
            ::close(fd);
    if (handle >= 0)
        ::close(handle);
    result.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return result;
}

} // namespace attnlab::testing

#define EXPECT_CONTAINS(text, part) EXPECT_PRED_FORMAT2(::attnlab::testing::contains, text, part)

#ifdef ATTNLAB_TEST_SUPPORT_EIGEN
#define EXPECT_EIGEN_NEAR(a, b, tol) EXPECT_PRED_FORMAT3(::attnlab::testing::eigenNear, a, b, tol)
#define ASSERT_EIGEN_NEAR(a, b, tol) ASSERT_PRED_FORMAT3(::attnlab::testing::eigenNear, a, b, tol)
#endif
