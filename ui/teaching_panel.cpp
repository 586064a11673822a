#include "teaching_panel.h"

#include "attention_controller.h"
#include "compare_view.h"
#include "complexity_view.h"
#include "lines_view.h"
#include "matrix_editor.h"
#include "scaling_view.h"
#include "step_view.h"

#include <QScrollArea>

namespace attnlab::ui {

namespace {

// A page in a scroll area: the window keeps a small minimum size (a 1280 × 720 projector with
// the controls beside it), and a page larger than the room scrolls instead.
QScrollArea* scrollable(QWidget* page) {
    auto* scroll = new QScrollArea;
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidget(page);
    return scroll;
}

} // namespace

int TeachingPanel::addScrollingPage(QWidget* page, const QString& label) {
    return addTab(scrollable(page), label);
}

void TeachingPanel::showPage(QWidget* view) {
    for (int tab = 0; tab < count(); ++tab)
        if (widget(tab) == view || widget(tab)->isAncestorOf(view)) {
            setCurrentIndex(tab);
            return;
        }
}

void TeachingPanel::showMatrixEditor() {
    showPage(m_editor);
}

TeachingPanel::TeachingPanel(QWidget* parent) : QTabWidget(parent) {
    setDocumentMode(true);
    m_steps = new StepView(this);
    m_editor = new MatrixEditor(this);
    m_compare = new CompareView(this);
    m_scaling = new ScalingView(this);
    m_lines = new LinesView(this);
    addTab(scrollable(m_steps), tr("S&teps"));
    setTabToolTip(0, tr("The computation of one head stage by stage, with every number."));
    addTab(scrollable(m_editor), tr("&Your numbers"));
    setTabToolTip(1, tr("Type X, W_q, W_k, W_v yourself, or load a worked example."));
    addTab(scrollable(m_compare), tr("C&ompare"));
    setTabToolTip(2, tr("Two settings side by side on the same sentence, and their difference."));
    addTab(scrollable(m_scaling), tr("&Why √d_k"));
    setTabToolTip(3, tr("Why scores are divided by √d_k: the variance of q·k grows with d_k."));
    addTab(scrollable(m_lines), tr("&Lines"));
    setTabToolTip(4, tr("The weights as lines between query and key tokens, one colour per "
                        "head."));
    m_complexity = new ComplexityView(this);
    const int complexityTab = addScrollingPage(m_complexity, tr("Comple&xity"));
    setTabToolTip(complexityTab, tr("Time and memory of dense, tiled, sparse and linear "
                                    "attention against n, beside the tutorial's table."));

    connect(this, &QTabWidget::currentChanged, this, &TeachingPanel::refreshShownPage);
    m_editor->setBaseConfigProvider([this] { return workspaceConfig(); });
    m_compare->setBaseConfigProvider([this] { return workspaceConfig(); });
    m_compare->setConfigAdapter([this](core::Config config) { return applyManual(config); });
    connect(m_editor, &MatrixEditor::configRequested, this, &TeachingPanel::configRequested);
    connect(m_compare, &CompareView::configRequested, this,
            [this](const core::Config& config) { emit configRequested(applyManual(config)); });
    connect(m_steps, &StepView::cellSelected, this, [this](int head, int query, int key) {
        m_lines->setSelection(head, query, key);
        m_scaling->setSelection(head, query, key);
        reportTracedHeads();
        emit cellSelected(head, query, key);
    });
    connect(m_steps, &StepView::headChosen, this, &TeachingPanel::reportTracedHeads);
}

TeachingPanel::~TeachingPanel() = default;

void TeachingPanel::setWorkspace(AttentionController* controller) {
    if (m_workspace)
        disconnect(m_workspace, nullptr, this, nullptr);
    m_workspace = controller;
    if (!m_workspace)
        return;
    connect(m_workspace, &AttentionController::resultReady, this,
            [this](std::shared_ptr<const core::ModelOutput> result, qint64) { setResult(result); });
    connect(m_workspace, &QObject::destroyed, this, [this] { m_workspace = nullptr; });
    if (m_workspace->lastResult())
        setResult(m_workspace->lastResult());
}

core::Config TeachingPanel::workspaceConfig() const {
    if (m_workspace)
        return m_workspace->config();
    return m_result ? m_result->config : core::Config{};
}

void TeachingPanel::setResult(std::shared_ptr<const core::ModelOutput> result) {
    m_result = std::move(result);
    // Only the page on screen follows at once; the others when they are shown. With thousands
    // of tokens a hidden Lines or Compare page would otherwise cost tens of milliseconds per
    // result for nothing.
    // The editor always follows: the typed numbers it fits to new sentences are the result's.
    m_editor->setResult(m_result);
    m_stale = {m_steps, m_compare, m_scaling, m_lines};
    refreshShownPage();
    reportTracedHeads();
}

void TeachingPanel::reportTracedHeads() {
    if (m_workspace)
        m_workspace->setTracedHeads({m_steps->head(), m_scaling->histogramHead()});
}

void TeachingPanel::refreshShownPage() {
    for (QWidget* page : std::as_const(m_stale)) {
        if (!currentWidget() || !(currentWidget() == page || currentWidget()->isAncestorOf(page)))
            continue;
        m_stale.remove(page);
        if (page == m_steps)
            m_steps->setResult(m_result);
        else if (page == m_compare)
            m_compare->setResult(m_result);
        else if (page == m_scaling)
            m_scaling->setResult(m_result);
        else if (page == m_lines)
            m_lines->setResult(m_result);
        return;
    }
}

void TeachingPanel::setSelection(int head, int query, int key) {
    m_steps->setSelection(head, query, key);
    m_compare->setSelection(head, query, key);
    m_scaling->setSelection(head, query, key);
    m_lines->setSelection(head, query, key);
    reportTracedHeads();
}

void TeachingPanel::setColorMap(ColorMap map) {
    m_steps->setColorMap(map);
    m_compare->setColorMap(map);
}

core::Config TeachingPanel::applyManual(const core::Config& config) const {
    return m_editor->applyTo(config);
}

} // namespace attnlab::ui
