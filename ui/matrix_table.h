#pragma once
// A small labelled matrix as a table: every cell coloured by its value and printed with it,
// scrollable when the matrix is large. Used by the step-by-step view (read-only, with the rows
// and columns a selected cell came from highlighted) and by the matrix editor (editable).

#include "color_maps.h"

#include "core/base/types.h"
#include "core/teaching/steps.h"

#include <QStringList>
#include <QTableView>

namespace attnlab::ui {

namespace detail {
class MatrixModel;
}

class MatrixTable : public QTableView {
    Q_OBJECT

public:
    /// How values map to colours.
    enum class Coloring {
        Signed,  ///< blue–white–red, centred on 0, symmetric over the largest |value|
        Weights, ///< the sequential colour map over [0, 1] (attention weights)
    };

    /// Rows and columns shown before the table scrolls.
    static constexpr int kMaxVisibleRows = 10;
    static constexpr int kMaxVisibleColumns = 8;

    explicit MatrixTable(QWidget* parent = nullptr);
    ~MatrixTable() override;

    /// Shows `values`; labels are kept when their count still fits, else numbered 1, 2, ….
    void setMatrix(const core::Matrix& values);
    const core::Matrix& matrix() const;
    /// Row and column headers (token texts or dimension numbers); long labels are elided and
    /// the full text is the header's tooltip.
    void setLabels(const QStringList& rows, const QStringList& columns);
    QStringList rowLabels() const;
    QStringList columnLabels() const;

    void setColoring(Coloring coloring);
    Coloring coloring() const;
    void setColorMap(ColorMap map);

    /// Cells become editable (double-click or type); a valid number emits valueEdited.
    void setEditable(bool editable);
    bool isEditable() const;

    /// Which rows and columns fed a selected cell: others are drawn faded, the cell outlined.
    /// Involvement::None with `active` draws the whole matrix faded; !active clears.
    void setHighlight(const core::StageHighlight& highlight, bool active = true);
    void clearHighlight() { setHighlight({}, false); }
    /// Whether cell (row, col) is drawn at full strength (not faded).
    bool isCellEmphasized(int row, int col) const;
    /// The cell drawn outlined, (−1, −1) when none.
    QPoint outlinedCell() const;

    /// The background colour of a cell as drawn, and its printed text ("0.41", "−∞").
    QColor cellColor(int row, int col) const;
    QString cellText(int row, int col) const;

    /// A value as the tables print it: 2 decimals (fewer for large magnitudes, so that every
    /// number fits its cell), "−∞" for masked logits. The tooltip has the full value.
    static QString formatValue(double value);

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

signals:
    /// A cell was clicked or chosen with the keyboard (Enter / Space).
    void cellActivated(int row, int col);
    /// The user typed a new number into a cell of an editable table.
    void valueEdited(int row, int col, double value);

protected:
    void keyPressEvent(QKeyEvent* event) override;
    void changeEvent(QEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    void updateSectionSizes();
    void scrollToTarget();

    detail::MatrixModel* m_model = nullptr;
    int m_cellWidth = 48;
    int m_cellHeight = 22;
    QPoint m_scrollTarget{-1, -1}; ///< (column, row) kept in view, also after a resize
};

} // namespace attnlab::ui
