#pragma once
// The teaching views in one tab widget, for the main window to place (a dock or a tab): Steps
// (the math of one head stage by stage), Your numbers (manual matrices and the worked
// examples), Compare (two settings side by side), Why √d_k, Lines, and the complexity lab.
//
// Integration: call setWorkspace() once with the window's AttentionController (the panel then
// follows its results and starts its edits from its newest configuration); apply
// configRequested() to the sentence fields, the controls and the controller; pass every
// configuration the window computes through applyManual(); mirror selections both ways with
// setSelection() and cellSelected().

#include "color_maps.h"

#include "core/model/builtin_model.h"

#include <QSet>
#include <QTabWidget>

#include <memory>

namespace attnlab::ui {

class AttentionController;
class ComplexityView;
class CompareView;
class LinesView;
class MatrixEditor;
class ScalingView;
class StepView;

class TeachingPanel : public QTabWidget {
    Q_OBJECT

public:
    explicit TeachingPanel(QWidget* parent = nullptr);
    ~TeachingPanel() override;

    /// Follows `controller`'s results (resultReady → setResult) and reads its config() as the
    /// starting point of every edit. The controller must outlive the panel or be null.
    void setWorkspace(AttentionController* controller);
    /// Shows `result` in every view (done automatically after setWorkspace).
    void setResult(std::shared_ptr<const core::ModelOutput> result);
    /// Mirrors a selection made elsewhere: head, query row, key column (−1: none). Emits
    /// nothing.
    void setSelection(int head, int query, int key);
    void setColorMap(ColorMap map);
    /// Brings the tab that holds `view` (a page, or a widget inside one) to the front.
    void showPage(QWidget* view);
    /// Adds `page` as a tab in a scroll area, as every page is: a page taller or wider than the
    /// window scrolls instead of making the window larger than the screen.
    int addScrollingPage(QWidget* page, const QString& label);
    /// Brings up the page of the matrix editor ("Your numbers"), where manual matrices are typed.
    void showMatrixEditor();

    /// `config` with the typed matrices of the "Your numbers" page filled in where it asks for
    /// manual embeddings or projections, fitted to its sentence, d_model, d_k and heads.
    /// Unchanged otherwise. The main window passes every configuration through this before
    /// AttentionController::setConfig, so typing a new sentence in manual mode keeps working.
    core::Config applyManual(const core::Config& config) const;

    std::shared_ptr<const core::ModelOutput> result() const { return m_result; }
    StepView* stepView() const { return m_steps; }
    MatrixEditor* matrixEditor() const { return m_editor; }
    CompareView* compareView() const { return m_compare; }
    ScalingView* scalingView() const { return m_scaling; }
    LinesView* linesView() const { return m_lines; }
    ComplexityView* complexityView() const { return m_complexity; }

signals:
    /// The user selected a weight cell in a teaching view: head, query, key.
    void cellSelected(int head, int query, int key);
    /// A preset, a manual edit or a compare action asks the workspace to compute this
    /// configuration (complete: sentence, source and settings; manual matrices filled in).
    /// Show its sentence and source in the input fields and its settings in the controls, then
    /// compute it.
    void configRequested(const attnlab::core::Config& config);

private:
    core::Config workspaceConfig() const;
    /// Tells the workspace which heads' stages the Steps and Why √d_k pages show.
    void reportTracedHeads();
    void refreshShownPage();

    AttentionController* m_workspace = nullptr;
    std::shared_ptr<const core::ModelOutput> m_result;
    StepView* m_steps = nullptr;
    MatrixEditor* m_editor = nullptr;
    CompareView* m_compare = nullptr;
    ScalingView* m_scaling = nullptr;
    LinesView* m_lines = nullptr;
    ComplexityView* m_complexity = nullptr;
    QSet<QWidget*> m_stale; ///< pages that have not seen m_result yet
};

} // namespace attnlab::ui
