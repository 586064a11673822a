#pragma once
// Texts of the core in the interface language: messages (errors, warnings, the arithmetic of a
// cell) and the labels and help of registry and schema entries. The core writes English
// templates; the window translates them in the context "core" (resources/translations, where
// scripts/update-translations.sh lists them from the core's sources) and fills in the values.

#include "core/attention/scoring.h"
#include "core/base/message.h"

#include <QString>
#include <QStringList>

#include <string_view>
#include <vector>

namespace attnlab::ui {

/// `message` in the interface language, its values filled in.
QString coreText(const core::Message& message);
/// A fixed text of the core (a registry label, a schema help) in the interface language.
QString coreText(std::string_view text);
/// Every message, one per line.
QStringList coreTexts(const std::vector<core::Message>& messages);

/// One step of a cell's arithmetic, translated, its numbers written by `result` (computed
/// values) and `parameter` (values as typed: d_k, T, s).
QString stepText(const core::ArithmeticStep& step, QString (*result)(double),
                 QString (*parameter)(double));

} // namespace attnlab::ui
