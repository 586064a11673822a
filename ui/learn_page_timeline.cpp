// The Learn page's timeline: one position per snapshot the worker handed over, then the newest
// frame; moving it back shows that step's heatmaps, head scores and a marker on the curves, and
// the page stays there while frames arrive until the timeline's right end or Live.

#include "heatmap_view.h"
#include "learn_page.h"
#include "learn_scores.h"

#include <qcustomplot.h>

#include <QLabel>
#include <QPushButton>
#include <QSlider>

namespace attnlab::ui {

void LearnPage::showNewest() {
    m_followNewest = true;
    const int newest = timelinePositions() - 1;
    if (m_timeline->value() != newest)
        m_timeline->setValue(newest); // shows it
    else
        showPosition(newest);
}

int LearnPage::timelinePositions() const {
    const bool newestLater = m_snapshots.empty() || m_snapshots.back().step < m_newestStep;
    return static_cast<int>(m_snapshots.size()) + (newestLater ? 1 : 0);
}

int LearnPage::markedStep() const {
    return m_lossMarker->visible() ? static_cast<int>(m_lossMarker->point1->key()) : -1;
}

void LearnPage::updateTimeline() {
    const int last = timelinePositions() - 1;
    {
        // The range changes under the position the user chose: that choice stays.
        const QSignalBlocker blocker(m_timeline);
        m_timeline->setRange(0, last);
        if (m_followNewest)
            m_timeline->setValue(last);
    }
    showPosition(m_timeline->value());
}

void LearnPage::showPosition(int position) {
    const bool newest = position >= timelinePositions() - 1;
    const LearnSnapshot* snapshot = nullptr;
    if (position >= 0 && position < static_cast<int>(m_snapshots.size()))
        snapshot = &m_snapshots[static_cast<std::size_t>(position)];
    m_shownStep = snapshot ? snapshot->step : m_newestStep;
    m_probe = snapshot && snapshot->probe ? snapshot->probe : m_newestProbe;
    for (int i = 0; i < m_views.size(); ++i)
        m_views[i]->setData(m_probe, i % m_headsPerLayer, i / m_headsPerLayer);
    showRivalPosition(position);
    // The scores of the step on screen; the newest frame between snapshots shows the last
    // evaluation's, and the title says which step they are from.
    const LearnSnapshot* scored = snapshot;
    if (!scored && !m_snapshots.empty())
        scored = &m_snapshots.back();
    if (scored) {
        m_scores->setEvaluation(scored->evaluation);
        m_scoresTitle->setText(tr("Head scores at step %1").arg(scored->step));
    } else {
        m_scores->setEvaluation({});
        m_scoresTitle->setText(tr("Head scores"));
    }
    m_timelineStep->setText(tr("Step %1").arg(m_shownStep));
    m_live->setEnabled(!newest);
    for (QCPItemStraightLine* marker : {m_lossMarker, m_accuracyMarker}) {
        marker->point1->setCoords(m_shownStep, 0);
        marker->point2->setCoords(m_shownStep, 1);
        marker->setVisible(!newest);
        marker->parentPlot()->replot(QCustomPlot::rpQueuedReplot);
    }
}

} // namespace attnlab::ui
