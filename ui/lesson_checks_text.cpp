#include "lesson_checks_text.h"

#include "attention_controller.h"
#include "core_text.h"

#include "core/model/builtin_model.h"

#include <QStringList>

namespace attnlab::ui {

std::vector<core::CheckOutcome> LessonChecksText::measure(const core::Session& session) {
    if (session.lesson.checks.empty() || session.config.embeddings == core::EmbeddingSource::File)
        return {};
    try {
        // Measured on the GUI thread as the lesson opens, so only when a run is as quick as
        // the runs the window computes in place (each comparison is one run more).
        if (core::BuiltinModel().estimateWork(session.config) >=
            AttentionController::kDefaultSyncWorkLimit)
            return {};
        const core::ModelOutput result = core::runLessonConfig(session.config);
        return core::evaluateLessonChecks(session.lesson.checks, session.config, result);
    } catch (const std::exception&) {
        return {}; // the window shows the error of these settings where it computes them
    }
}

QString LessonChecksText::claimText(const core::CheckOutcome& outcome) {
    QStringList bounds;
    for (const core::Message& bound : outcome.bounds)
        bounds << coreText(bound);
    QStringList measured;
    for (const core::Message& figure : outcome.measured)
        measured << coreText(figure);
    const QString claim =
        tr("%1: %2 %3")
            .arg(coreText(outcome.scope), coreText(outcome.quantity), bounds.join(tr(" and ")));
    if (outcome.at.text.empty())
        return tr("%1 — %2").arg(claim, measured.join(tr("; ")));
    return tr("%1 — %2: %3").arg(claim, coreText(outcome.at), measured.join(tr("; ")));
}

QString LessonChecksText::summary(const std::vector<core::CheckOutcome>& outcomes, int pending) {
    if (outcomes.empty() && pending == 0)
        return {};
    if (outcomes.empty())
        return tr("What this lesson shows is checked on the Complexity page's measurements: %1 "
                  "claims, once it has run with the lesson's settings")
            .arg(pending);
    int holding = 0;
    for (const core::CheckOutcome& outcome : outcomes)
        holding += outcome.passed ? 1 : 0;
    const int total = static_cast<int>(outcomes.size());
    const QString mark = holding == total ? QStringLiteral("✓") : QStringLiteral("✗");
    const QString shown = tr("What this lesson shows, checked on its numbers: %1 %2 of %3 claims "
                             "hold (hover for each)")
                              .arg(mark)
                              .arg(holding)
                              .arg(total);
    if (pending == 0)
        return shown;
    return tr("%1; %2 more once the Complexity page has run with the lesson's settings")
        .arg(shown)
        .arg(pending);
}

QString LessonChecksText::details(const std::vector<core::CheckOutcome>& outcomes, int pending) {
    QStringList lines;
    for (const core::CheckOutcome& outcome : outcomes)
        lines << QStringLiteral("%1 %2").arg(outcome.passed ? QStringLiteral("✓")
                                                            : QStringLiteral("✗"),
                                             claimText(outcome).toHtmlEscaped());
    if (pending > 0)
        lines << tr("… %1 claims about the Complexity page, measured when it has run with the "
                    "lesson's settings")
                     .arg(pending)
                     .toHtmlEscaped();
    if (lines.isEmpty())
        return {};
    return QStringLiteral("<p>%1</p><p>%2</p>")
        .arg(tr("What this lesson shows (measured on the lesson's settings as it opened):")
                 .toHtmlEscaped(),
             lines.join(QStringLiteral("<br>")));
}

} // namespace attnlab::ui
