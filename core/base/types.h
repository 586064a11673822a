#pragma once
// Shared numeric types and error classes of the attention core.

#include <Eigen/Core>

#include <functional>
#include <stdexcept>
#include <string>

namespace attnlab::core {

/// All matrices are float, row-major: one row per token (attention-math.md, "Row vectors").
using Matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using Vector = Eigen::VectorXf;
using RowVector = Eigen::RowVectorXf;

/// Bad input a user can correct (a setting out of range, a malformed file, too many tokens).
/// The message is written for the user and names the offending setting, file or line.
class InputError : public std::invalid_argument {
public:
    using std::invalid_argument::invalid_argument;
};

/// A file that cannot be opened, read or written.
class FileError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Called between stages of a long computation with (done, total); return false to cancel (the
/// computation then throws Cancelled). May be empty.
using ProgressCallback = std::function<bool(int done, int total)>;

/// Thrown when a progress callback asks a computation or a load to stop.
class Cancelled : public std::runtime_error {
public:
    Cancelled() : std::runtime_error("computation cancelled") {}
};

} // namespace attnlab::core
