#pragma once
// The settings schema: one table entry per setting with its key (lessons, exports, errors), its
// command-line option, type, range, default, when it applies, its help text and its label. The
// validator, the lesson reader and writer, the data export's config, the command line's parser and
// --help, and the window's controls (ranges, tooltips, enable rules) all read this table, so
// adding a setting is one entry in settings.cpp.

#include "core/model/config.h"

#include <string>
#include <string_view>
#include <vector>

namespace attnlab::core {

/// How the window shows the maps: plain names, so that the core needs no Qt; the window maps
/// them onto its own choices (and falls back to its defaults for names it does not know).
struct ViewSettings {
    std::string layout = "grid";       ///< grid | one | combined
    int focusedHead = 0;               ///< head of the "one" layout, 0-based; −1 mean, −2 max
    std::string colorMap = "viridis";  ///< viridis | cividis | magma | grayscale
    std::string colorScale = "shared"; ///< shared (0 to 1) | fitted | per-head
    std::string cellValues = "auto";   ///< auto (up to 12 tokens) | on | off
    double zoom = 1.0;                 ///< heatmap zoom, 0.5 … 3, default 1
    int selectedHead = 0;              ///< head of the selected cell, 0-based; −1 mean, −2 max
    int selectedQuery = -1;            ///< selected query row, −1 = none
    int selectedKey = -1;              ///< selected key column, −1 = none
};

/// The values a schema entry reads and writes.
struct SettingsValues {
    Config config;
    ViewSettings view;
};

enum class SettingType {
    Text,    ///< any UTF-8 text
    Integer, ///< a whole number in [minimum, maximum] (or 0 where zeroMeansAuto)
    Real,    ///< a finite number in [minimum, maximum]
    Seed,    ///< a whole number from 0 to 2^64 − 1
    Boolean, ///< true or false
    Choice,  ///< one of choices()
    Mask,    ///< a mask specification (none, causal, window:W, …)
    Path,    ///< a file name
};

/// Which part of the settings an entry belongs to.
enum class SettingGroup { Model, View };

struct Setting {
    std::string_view key;       ///< lesson and export key, and the id of errors ("d_model")
    std::string_view option;    ///< command-line option ("--d-model"); empty = none
    std::string_view valueName; ///< "N" in the help
    SettingType type;
    SettingGroup group;
    double minimum = 0;          ///< Integer, Real: the smallest value
    double maximum = 0;          ///< Integer, Real: the largest value
    bool zeroMeansAuto = false;  ///< Integer: 0 stands for a value derived from others
    std::string_view noun = {};  ///< the setting in a sentence ("the number of heads")
    std::string_view label = {}; ///< control label (translated by the window)
    std::string_view help = {};  ///< one sentence for tooltips and --help (translated)
    std::string_view defaultText =
        {};                   ///< --help's default when it is not just the value; else empty
    bool logarithmic = false; ///< Real: a control moves on a log scale
    /// Checked only where it applies (d_model: an embeddings file may be of any width).
    bool checkedOnlyWhereItApplies = false;
    /// Choice: the canonical names, in menu order.
    std::vector<std::string_view> (*choices)() = nullptr;
    /// The value as canonical text ("scaled-dot", "4", "0.5", "window:2").
    std::string (*get)(const SettingsValues& values) = nullptr;
    /// Sets the value from canonical text. Throws SettingFormatError for text it cannot read (a
    /// name that is not a choice, not a number); ranges are checkSetting's.
    void (*set)(SettingsValues& values, std::string_view text) = nullptr;
    /// Why the setting does not apply to `config` (an empty text when it does), so a control is
    /// disabled with that reason.
    Message (*notApplicable)(const Config& config) = nullptr;
};

/// Every setting, in the order of the command line's help and the lesson files.
const std::vector<Setting>& settingsSchema();
/// The entry with `key`; null when there is none.
const Setting* findSetting(std::string_view key);
/// The entry of command-line option `option` ("--heads"); null when there is none.
const Setting* findSettingByOption(std::string_view option);

/// Text that cannot be read as a setting's type: not a number, not one of the choices, a mask
/// that is not one. (A value of the right type outside its range is a plain InputError.)
class SettingFormatError : public InputError {
public:
    using InputError::InputError;
};

/// Checks one setting's value in `values` against its range. Throws InputError whose setting()
/// is the key.
void checkSetting(const Setting& setting, const SettingsValues& values);
/// Every setting's type and range, then the rules between settings (padding within the token
/// limit, the causal mask only for self-attention). Throws InputError with the setting's key.
void checkSettings(const SettingsValues& values);

/// The setting's value in `values` as text, or an empty string when it does not apply.
std::string settingText(const Setting& setting, const SettingsValues& values);

/// "1 to 16", "1e-06 to 1e+06"… the range for messages and help; empty for types without one.
std::string rangeText(const Setting& setting);

} // namespace attnlab::core
