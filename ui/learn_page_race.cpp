// The Learn page's race: the pickers' settings and a rival that changes one of them, trained
// side by side on the same data and seed (core::training::Race on the worker), both loss curves
// on one chart and both probes' heatmaps side by side.

#include "compact_combo_box.h"
#include "heatmap_view.h"
#include "learn_page.h"

#include <qcustomplot.h>

#include <QComboBox>
#include <QGridLayout>
#include <QLabel>

namespace attnlab::ui {

namespace {

namespace training = core::training;

// The rival's colour on every chart.
const QColor kRivalColor(30, 130, 60);

} // namespace

void LearnPage::buildRaceChoice() {
    auto* raceChoice = new CompactComboBox(this);
    raceChoice->setMaxNameChars(48); // the page has room for the whole name
    m_raceChoice = raceChoice;
    m_raceChoice->setObjectName(QStringLiteral("raceChoice"));
    // Each choice is the one setting the rival changes: "option=value".
    const QList<QPair<QString, const char*>> choices = {
        {tr("Nobody (no race)"), ""},
        {tr("Dot-product scoring"), "scoring=dot"},
        {tr("Scaled dot-product scoring (with √d_k)"), "scoring=scaled-dot"},
        {tr("Additive scoring"), "scoring=additive"},
        {tr("Softmax"), "normalizer=softmax"},
        {tr("Sparsemax"), "normalizer=sparsemax"},
        {tr("RoPE positions"), "positional=rope"},
        {tr("No positional encoding"), "positional=none"}};
    for (const auto& [text, value] : choices)
        m_raceChoice->addItem(text, QString::fromLatin1(value));
    m_raceChoice->setToolTip(tr("Train a second model beside yours that differs in this one "
                                "setting, on the same data from the same seed, and compare "
                                "how the two learn."));
}

std::optional<training::TrainSettings> LearnPage::rivalSettings() const {
    const QString choice = m_raceChoice->currentData().toString();
    const qsizetype equals = choice.indexOf(QLatin1Char('='));
    if (equals < 0)
        return std::nullopt;
    training::TrainSettings rival = settings();
    const std::string option = choice.left(equals).toStdString();
    const std::string value = choice.mid(equals + 1).toStdString();
    if (training::trainSettingValue(rival, option) == value)
        return std::nullopt; // the pickers already show it: nothing would differ
    training::applyTrainSetting(rival, option, value);
    return rival;
}

QPair<QString, QString> LearnPage::raceNames() const {
    const QString choice = m_raceChoice->currentData().toString();
    const QString option = choice.section(QLatin1Char('='), 0, 0);
    QComboBox* picker = m_scoring;
    // notr: setting names
    if (option == QLatin1String("normalizer"))
        picker = m_normalizer;
    else if (option == QLatin1String("positional"))
        picker = m_positional;
    const int rival = picker->findData(choice.section(QLatin1Char('='), 1));
    return {picker->currentText(), rival >= 0 ? picker->itemText(rival) : QString()};
}

void LearnPage::prepareRacePlots() {
    while (m_plot->graphCount() > 1)
        m_plot->removeGraph(m_plot->graphCount() - 1);
    while (m_accuracyPlot->graphCount() > 2)
        m_accuracyPlot->removeGraph(m_accuracyPlot->graphCount() - 1);
    m_plot->legend->setVisible(m_race != nullptr);
    if (!m_race)
        return;
    const auto [mine, theirs] = raceNames();
    m_plot->graph(0)->setName(mine);
    QCPGraph* rival = m_plot->addGraph();
    rival->setName(theirs);
    rival->setPen(QPen(kRivalColor));
    QCPGraph* rivalHeldOut = m_accuracyPlot->addGraph();
    rivalHeldOut->setName(tr("Held-out (%1)").arg(theirs));
    rivalHeldOut->setPen(QPen(kRivalColor, 2));
    rivalHeldOut->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 5));
    m_accuracyPlot->graph(1)->setName(tr("Held-out (%1)").arg(mine));
}

void LearnPage::rebuildRivalViews() {
    for (HeatmapView* view : m_rivalViews)
        delete view;
    m_rivalViews.clear();
    for (QLabel* title : m_raceTitles)
        delete title;
    m_raceTitles.clear();
    if (!m_race)
        return;
    const training::ModelConfig& c = m_race->second().modelConfig();
    // Both sets side by side: the rival's columns after the pickers' and a gap column; more
    // columns than eight leave each map less room.
    const int columns = 2 * c.heads;
    const bool small = columns > 8;
    const int side = small ? 48 : 120;
    // Small maps get short titles that fit them.
    const auto titleOf = [small](int layer, int head) {
        return small ? tr("L%1 H%2").arg(layer + 1).arg(head + 1)
                     : tr("Layer %1 · head %2").arg(layer + 1).arg(head + 1);
    };
    for (int i = 0; i < m_views.size(); ++i) {
        m_views[i]->setMinimumSize(side, side);
        m_views[i]->setTitle(titleOf(i / c.heads, i % c.heads));
    }
    const auto [mine, theirs] = raceNames();
    const QString titles[2] = {tr("Yours: %1").arg(mine), tr("Rival: %1").arg(theirs)};
    for (int i = 0; i < 2; ++i) {
        auto* title = new QLabel(titles[i], this);
        title->setAlignment(Qt::AlignCenter);
        QFont bold = title->font();
        bold.setBold(true);
        title->setFont(bold);
        m_viewGrid->addWidget(title, 0, i * (c.heads + 1), 1, c.heads);
        m_raceTitles.append(title);
    }
    m_viewGrid->setColumnMinimumWidth(c.heads, 12);
    for (int layer = 0; layer < c.layers; ++layer)
        for (int head = 0; head < c.heads; ++head) {
            auto* view = new HeatmapView(this);
            view->setTitle(titleOf(layer, head));
            view->setColorBarVisible(false);
            view->setMinimumSize(side, side);
            m_viewGrid->addWidget(view, layer + 1, c.heads + 1 + head);
            m_rivalViews.append(view);
        }
}

void LearnPage::showRivalFrame(const LearnFrame& rival) {
    m_rivalSnapshots.insert(m_rivalSnapshots.end(), rival.snapshots.begin(), rival.snapshots.end());
    m_rivalNewestProbe = rival.probe;
    if (m_plot->graphCount() > 1)
        for (std::size_t i = 0; i < rival.steps.size(); ++i)
            m_plot->graph(1)->addData(rival.steps[i], rival.losses[i]);
    if (m_accuracyPlot->graphCount() > 2)
        m_accuracyPlot->graph(2)->setData(
            QVector<double>(rival.evaluationSteps.begin(), rival.evaluationSteps.end()),
            QVector<double>(rival.heldOutAccuracies.begin(), rival.heldOutAccuracies.end()), true);
}

void LearnPage::showRivalPosition(int position) {
    if (m_rivalViews.isEmpty())
        return;
    // Both take snapshots at the same steps, so a timeline position is the same step in both.
    std::shared_ptr<const core::ModelOutput> probe = m_rivalNewestProbe;
    if (position >= 0 && position < static_cast<int>(m_snapshots.size()) &&
        position < static_cast<int>(m_rivalSnapshots.size()) &&
        m_rivalSnapshots[static_cast<std::size_t>(position)].probe)
        probe = m_rivalSnapshots[static_cast<std::size_t>(position)].probe;
    for (int i = 0; i < m_rivalViews.size(); ++i)
        m_rivalViews[i]->setData(probe, i % m_headsPerLayer, i / m_headsPerLayer);
}

} // namespace attnlab::ui
