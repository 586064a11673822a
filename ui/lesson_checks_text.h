#pragma once
// What the open lesson shows, for the lesson bar: its checks (core/teaching/lesson_checks.h)
// measured on the lesson's own settings as it opened, and those of the complexity lab
// (core/teaching/complexity_checks.h) once its Complexity page has run, as a short line and a
// list with the figures, in the interface language.

#include "core/io/session.h"
#include "core/teaching/lesson_checks.h"

#include <QCoreApplication>
#include <QString>

#include <vector>

namespace attnlab::ui {

class LessonChecksText {
    Q_DECLARE_TR_FUNCTIONS(LessonChecksText)

public:
    /// The lesson's checks measured on its settings as written (the built-in layer, as the
    /// window runs it); empty when it has none or its settings cannot run here (embeddings from
    /// a file, settings the window refuses, which the window reports itself).
    static std::vector<core::CheckOutcome> measure(const core::Session& session);

    /// "What this lesson shows: ✓ 4 of 4 claims hold" (rich text), and how many claims about
    /// the Complexity page wait for its run with the lesson's settings (`pending`); empty for no
    /// outcomes and none pending.
    static QString summary(const std::vector<core::CheckOutcome>& outcomes, int pending = 0);

    /// One line per claim, "✓ claim — row: figures" (rich text), for a tooltip, and a line about
    /// the `pending` claims of the Complexity page.
    static QString details(const std::vector<core::CheckOutcome>& outcomes, int pending = 0);

    /// One claim and its figures in the interface language, without the mark.
    static QString claimText(const core::CheckOutcome& outcome);
};

} // namespace attnlab::ui
