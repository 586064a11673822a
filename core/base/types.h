#pragma once
// Shared numeric types and error classes of the attention core.

#include "core/base/message.h"

#include <Eigen/Core>

#include <functional>
#include <limits>
#include <stdexcept>
#include <string>

namespace attnlab::core {

/// All matrices are float, row-major: one row per token (attention-math.md, "Row vectors").
using Matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using Vector = Eigen::VectorXf;
using RowVector = Eigen::RowVectorXf;

/// The logit of a masked position, whose weight exp(−∞) is 0 (docs/attention-math.md#masks).
inline constexpr float kMinusInfinity = -std::numeric_limits<float>::infinity();

/// n_q × n_k mask or flag matrix; true = visible.
using BoolMatrix = Eigen::Array<bool, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

/// Bad input a user can correct (a setting out of range, a malformed file, too many tokens).
/// The message is written for the user and names the offending setting, file or line. It may
/// carry a translatable Message and the key of the setting it is about (the settings schema's
/// key, e.g. "heads"), so the window can translate it and show it under the right control.
class InputError : public std::invalid_argument {
public:
    explicit InputError(const std::string& english)
        : std::invalid_argument(english), m_message{english, {}, {}} {}
    explicit InputError(const char* english) : InputError(std::string(english)) {}
    explicit InputError(Message message, std::string setting = {})
        : std::invalid_argument(message.english()), m_message(std::move(message)),
          m_setting(std::move(setting)) {}

    /// The message as a template and its values (template = what() for plain-text errors).
    const Message& message() const { return m_message; }
    /// Key of the setting the error is about; empty when it is about none.
    const std::string& setting() const { return m_setting; }

private:
    Message m_message;
    std::string m_setting;
};

/// A file that cannot be opened, read or written.
class FileError : public std::runtime_error {
public:
    explicit FileError(const std::string& english)
        : std::runtime_error(english), m_message{english, {}, {}} {}
    explicit FileError(const char* english) : FileError(std::string(english)) {}
    explicit FileError(Message message)
        : std::runtime_error(message.english()), m_message(std::move(message)) {}

    const Message& message() const { return m_message; }

private:
    Message m_message;
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
