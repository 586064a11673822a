// MainWindow and a session's Complexity page (the member "complexity",
// core/io/lesson_complexity.h): opening such a lesson fills the page and brings it to the front,
// and runs it (on the page's worker, with progress and Cancel) so that the charts the lesson speaks
// of appear; the lesson's checks of the complexity lab are measured when a run with the lesson's
// own settings finishes. Saving while the page is in front stores its settings; from then on the
// session has the page.

#include "main_window.h"

#include "attention_controller.h"
#include "complexity_view.h"
#include "lesson_checks_text.h"
#include "teaching_panel.h"

#include "core/teaching/complexity_checks.h"

#include <QTimer>

namespace attnlab::ui {

void MainWindow::connectComplexityPage() {
    ComplexityView* page = m_teaching->complexityView();
    connect(page, &ComplexityView::runFinished, this, &MainWindow::measureComplexityChecks);
    // The page's settings belong to a session that has the page: remembered and "changed" as
    // every other setting.
    connect(page, &ComplexityView::parametersChanged, this, [this] {
        ++m_complexityStart; // what the user chose instead of the lesson's is theirs to run
        if (m_sessionComplexity)
            scheduleSave();
    });
}

bool MainWindow::isShowingComplexity() const {
    const QWidget* current = m_teaching->currentWidget();
    return current && (current == m_teaching->complexityView() ||
                       current->isAncestorOf(m_teaching->complexityView()));
}

void MainWindow::applySessionComplexity(const core::Session& session) {
    m_sessionComplexity = session.complexity;
    m_complexityOutcomes.clear();
    ComplexityView* page = m_teaching->complexityView();
    if (!session.complexity) {
        // A lesson opens on its own page: the heatmaps, when the last one left this page in
        // front.
        if (isShowingComplexity())
            m_teaching->setCurrentIndex(0);
        return;
    }
    page->setParameters(*session.complexity);
    m_teaching->showPage(page);
    // A lesson about the lab shows its measurements: a run of a few seconds, which Cancel stops.
    // A window that restores its state does not start one by itself.
    if (!m_restoring) {
        const int request = ++m_complexityStart;
        QTimer::singleShot(0, this, [this, request] { runComplexityWhenIdle(request, 0); });
    }
}

void MainWindow::runComplexityWhenIdle(int request, int waited) {
    // Peak memory is the whole process's: the lesson's own heatmaps, computed and drawn as it
    // opens, would be counted in the first lengths. So the run starts once they are done (or
    // after a few seconds in any case); a later lesson or run makes this one moot.
    constexpr int kPollMs = 50;
    constexpr int kMaxWaitMs = 5000;
    if (request != m_complexityStart || !m_sessionComplexity)
        return;
    const bool idle = !m_controller->isBusy() && m_pendingViewFills == 0;
    if (!idle && waited < kMaxWaitMs) {
        QTimer::singleShot(kPollMs, this, [this, request, waited] {
            runComplexityWhenIdle(request, waited + kPollMs);
        });
        return;
    }
    if (!m_teaching->complexityView()->isRunning())
        m_teaching->complexityView()->run();
}

std::optional<core::SessionComplexity> MainWindow::sessionComplexity(bool saving) const {
    if (!m_sessionComplexity && !(saving && isShowingComplexity()))
        return std::nullopt;
    if (std::optional<core::SessionComplexity> typed = m_teaching->complexityView()->parameters())
        return typed;
    return m_sessionComplexity; // settings the page refuses: the session keeps its own
}

void MainWindow::measureComplexityChecks() {
    const std::optional<core::ComplexityResult>& result = m_teaching->complexityView()->result();
    if (!result || !m_sessionComplexity || core::complexityCheckCount(m_lesson.checks) == 0)
        return;
    // Only a run with the lesson's own settings shows what its text claims.
    if (!core::sameMeasurement(result->config, core::complexityConfigOf(*m_sessionComplexity)))
        return;
    m_complexityOutcomes = core::evaluateComplexityChecks(m_lesson.checks, *result);
    showLessonBar();
    emit lessonChecksMeasured();
}

std::vector<core::CheckOutcome> MainWindow::lessonOutcomes() const {
    std::vector<core::CheckOutcome> outcomes = m_lessonOutcomes;
    outcomes.insert(outcomes.end(), m_complexityOutcomes.begin(), m_complexityOutcomes.end());
    return outcomes;
}

int MainWindow::pendingComplexityChecks() const {
    return m_complexityOutcomes.empty() ? core::complexityCheckCount(m_lesson.checks) : 0;
}

} // namespace attnlab::ui
