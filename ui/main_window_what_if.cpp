// "What if" in the main window: a dock beside the controls (which a model does not use) holds
// the changes to the open transformer's heads; each change reruns the model through the
// controller, and the Compare page shows the run without the changes beside it. Pretrained
// models and models trained by the program take changes alike.

#include "main_window.h"

#include "attention_controller.h"
#include "compare_view.h"
#include "teaching_panel.h"
#include "undo_commands.h"
#include "what_if_panel.h"

#include "core/pretrained/transformer_maps.h"
#include "core/trained/trained_model.h"

#include <QDockWidget>
#include <QSignalBlocker>
#include <QUndoStack>

#include <algorithm>

namespace attnlab::ui {

void MainWindow::buildWhatIf() {
    m_whatIf = new WhatIfPanel(this);
    m_whatIf->setUndoStack(m_history->stack());
    m_whatIfDock = new QDockWidget(tr("What If"), this);
    m_whatIfDock->setObjectName(QStringLiteral("WhatIfDock"));
    m_whatIfDock->setWidget(m_whatIf);
    addDockWidget(Qt::LeftDockWidgetArea, m_whatIfDock);
    tabifyDockWidget(m_controlsDock, m_whatIfDock);
    m_whatIfDock->hide();
    auto changes = std::make_shared<std::size_t>(0);
    connect(m_whatIf, &WhatIfPanel::changesChanged, this, [this, changes] {
        const std::vector<core::HeadIntervention>& now = m_whatIf->changes();
        if (now.size() > *changes && m_teaching) {
            // A new change: Compare turns to where it shows. An ablated head keeps its own map;
            // its effect starts in the next layer.
            const core::HeadIntervention& added = now.back();
            CompareView* compare = m_teaching->compareView();
            const int layers = m_result ? m_result->maps.layers : 1;
            compare->setComparedLayer(
                std::min(added.layer + (added.ablate ? 1 : 0), std::max(0, layers - 1)));
            if (added.head >= 0 && !added.ablate)
                compare->setComparedHead(added.head);
        }
        *changes = now.size();
        if (m_trainedModel)
            applyTrainedWhatIf();
        else
            applyTransformerSettings();
    });
}

void MainWindow::updateWhatIf() {
    if (!m_whatIf)
        return;
    // The run that follows (the caller's) takes the emptied list: no run of its own.
    const QSignalBlocker blocker(m_whatIf);
    m_whatIfBaseline.reset();
    if (m_transformer) {
        m_whatIf->setModel(m_transformer->info().layers, m_transformer->info().heads);
        m_whatIfDock->show();
        m_whatIfDock->raise();
        return;
    }
    if (m_trainedModel) {
        const core::ModelCapabilities shape = m_trainedModel->capabilities({});
        m_whatIf->setModel(shape.layers, shape.heads);
        const auto trained = std::dynamic_pointer_cast<const core::TrainedModel>(m_trainedModel);
        const bool encoderDecoder = trained && trained->saved().config.encoderDecoder();
        m_whatIf->setNote(
            encoderDecoder
                ? tr("This model has an encoder and a decoder: the changes apply to the "
                     "cross-attention the maps show. An answer it writes is the unchanged "
                     "model's; the changed model reads it.")
                : tr("An answer this model writes is the unchanged model's; the changed model "
                     "reads it."));
        m_teaching->compareView()->setModelBaseline(m_trainedModel, {});
        m_whatIfDock->show();
        m_whatIfDock->raise();
        return;
    }
    m_teaching->compareView()->setModelBaseline(nullptr, {});
    m_whatIf->setUnavailable(tr("Open a model (File → Open Model…) to change its heads."));
    m_whatIfDock->hide();
}

void MainWindow::applyTrainedWhatIf() {
    const auto trained = std::dynamic_pointer_cast<const core::TrainedModel>(m_trainedModel);
    if (!trained)
        return;
    std::shared_ptr<const core::Model> model = trained;
    if (!m_whatIf->changes().empty()) {
        try {
            model = trained->withInterventions(m_whatIf->changes());
        } catch (const core::InputError& error) {
            // The panel checked each change against this model: not expected.
            reportError(tr("What If"), QString::fromStdString(error.what()));
            return;
        }
    }
    QStringList names;
    for (const core::HeadIntervention& change : m_whatIf->changes())
        names << WhatIfPanel::describe(change);
    m_teaching->compareView()->setModelBaseline(m_trainedModel, names);
    m_controller->setModel(model);
}

void MainWindow::applyWhatIf(core::TransformerSettings& settings) {
    settings.interventions = m_whatIf->changes();
    core::TransformerSettings unmodified = settings;
    unmodified.interventions.clear();
    // Side B reruns only when what it shows changes (words, special tokens), not per change.
    if (!m_whatIfBaseline || m_whatIfBaseline->settings().words != unmodified.words ||
        m_whatIfBaseline->settings().showSpecialTokens != unmodified.showSpecialTokens ||
        m_whatIfBaseline->settings().segmentation != unmodified.segmentation ||
        m_whatIfBaseline->settings().topK != unmodified.topK)
        m_whatIfBaseline = m_transformer->withSettings(unmodified);
    QStringList names;
    for (const core::HeadIntervention& change : settings.interventions)
        names << WhatIfPanel::describe(change);
    m_teaching->compareView()->setModelBaseline(m_whatIfBaseline, names);
}

} // namespace attnlab::ui
