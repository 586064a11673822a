#pragma once
// The computation of one head, stage by stage, as small labelled matrices with numbers:
// X → W_q, W_k, W_v → Q, K, V → (scoring parameters, Q Kᵀ) → S → L → masked L → A → C, under
// the formula of the current scoring function. Selecting a cell in any stage highlights the rows
// and columns of the earlier stages it came from and spells out its arithmetic.

#include "color_maps.h"

#include "core/model/builtin_model.h"
#include "core/teaching/steps.h"

#include <QString>
#include <QVector>
#include <QWidget>

#include <memory>

class QComboBox;
class QHBoxLayout;
class QLabel;
class QScrollArea;

namespace attnlab::ui {

class MatrixTable;
class PositionalView;

class StepView : public QWidget {
    Q_OBJECT

public:
    explicit StepView(QWidget* parent = nullptr);
    ~StepView() override;

    /// Shows `result` (null clears). The stages are rebuilt when the view is visible, else on
    /// the next show, so a hidden view costs nothing while the user types.
    void setResult(std::shared_ptr<const core::ModelOutput> result);
    /// Shows head `head` and selects weight cell (query, key) (−1: keep the head, clear the
    /// cell). Does not emit cellSelected.
    void setSelection(int head, int query, int key);
    void setColorMap(ColorMap map);

    int head() const { return m_head; }
    /// The stages on screen (after a pending rebuild has run).
    const std::vector<core::Stage>& stages();
    /// The table of stage `kind`, null when that stage is not shown.
    MatrixTable* table(core::StageKind kind);
    /// Caption above a stage, e.g. "Q = X·W_q   3 × 4".
    QString caption(core::StageKind kind);
    /// Selects cell (row, col) of stage `kind` as a click does (emits cellSelected for query ×
    /// key stages).
    void selectCell(core::StageKind kind, int row, int col);
    /// The selected stage and cell; kind is meaningful only when row ≥ 0.
    core::StageKind selectedStage() const { return m_selectedKind; }
    int selectedRow() const { return m_selectedRow; }
    int selectedColumn() const { return m_selectedCol; }

    /// The positional encoding drawn large (sinusoidal beside the inputs, RoPE beside Q, K, V,
    /// ALiBi beside the logits); hidden when the run has none.
    PositionalView* positionalView() const { return m_positional; }

    /// The formula of `scoring` written out, e.g. "score(q, k) = vᵀ · tanh(W₁q + W₂k)".
    static QString scoringFormula(core::ScoringFunction scoring);
    /// The formula line as shown for the current result (with d_k, T, s filled in).
    QString formulaText() const;
    /// How the selected cell is computed from earlier stages, with its numbers, e.g.
    /// "S[The, cat] = q·k / √4 = 2.50 / 2 = 1.25"; empty without a selection.
    QString arithmeticText() const;

signals:
    /// A cell of a query × key stage was selected: head, query row, key column.
    void cellSelected(int head, int query, int key);
    /// The user chose another head in the page's own head box.
    void headChosen(int head);

protected:
    void showEvent(QShowEvent* event) override;

private:
    struct StageWidgets {
        core::StageKind kind;
        QWidget* box = nullptr;
        QLabel* caption = nullptr;
        MatrixTable* table = nullptr;
    };

    void rebuild();
    void rebuildLayout();
    void placePositional();
    void updateTables();
    void applyHighlights();
    void updateTexts();
    void onCellActivated(core::StageKind kind, int row, int col);
    QString stageCaption(const core::Stage& stage) const;
    QString stepTitle(int step) const;
    QStringList axisLabels(core::StageAxis axis, int count) const;
    int stageIndex(core::StageKind kind) const;

    QComboBox* m_headBox = nullptr;
    QLabel* m_formula = nullptr;
    QLabel* m_arithmetic = nullptr;
    QScrollArea* m_scroll = nullptr;
    QWidget* m_content = nullptr;
    QVector<QHBoxLayout*> m_stepRows; ///< one row of stage boxes per step
    QVector<StageWidgets> m_widgets;
    QVector<QLabel*> m_stepLabels;
    PositionalView* m_positional = nullptr;
    QWidget* m_positionalRow = nullptr; ///< the view, indented under the step titles

    std::shared_ptr<const core::ModelOutput> m_result;
    std::vector<core::Stage> m_stages;
    std::vector<core::StageKind> m_layoutKinds; ///< kinds the widgets were built for
    int m_head = 0;
    bool m_dirty = false;
    ColorMap m_colorMap = ColorMap::Viridis;

    core::StageKind m_selectedKind = core::StageKind::Weights;
    int m_selectedRow = -1;
    int m_selectedCol = -1;
};

} // namespace attnlab::ui
