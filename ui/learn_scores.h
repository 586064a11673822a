#pragma once
// The Learn page's per-head score table: one row per attention block's head (layer × head, and
// per kind of attention for encoder–decoder tasks) with the scores the core computed at one
// evaluation: alignment with the task's ideal, previous-token, induction and diagonal. Nothing is
// computed here; a score that does not apply reads "—", and the best-aligned head is
// highlighted.

#include "core/training/trainer.h"

#include <QTableWidget>

namespace attnlab::ui {

class HeadScoreTable : public QTableWidget {
    Q_OBJECT

public:
    /// The columns after the head's name.
    enum Column {
        LayerColumn,
        HeadColumn,
        KindColumn,
        AlignmentColumn,
        PreviousColumn,
        InductionColumn,
        DiagonalColumn,
        ColumnCount
    };

    explicit HeadScoreTable(QWidget* parent = nullptr);

    /// Shows the scores of `evaluation` (Evaluation::heads, one row each, in its order) and
    /// highlights its best-aligned head; an empty evaluation empties the table.
    void setEvaluation(const core::training::Evaluation& evaluation);
    /// The step of the evaluation shown; −1 when none.
    int shownStep() const { return m_step; }
    /// The row highlighted as the best-aligned head; −1 when no head has an alignment.
    int highlightedRow() const { return m_highlighted; }

    /// A score as the table writes it: two decimals, or "—" when it does not apply.
    static QString scoreText(const std::optional<double>& score);

private:
    int m_step = -1;
    int m_highlighted = -1;
};

} // namespace attnlab::ui
