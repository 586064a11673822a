#pragma once
// The selected query row in detail: its weights as a bar chart over the key tokens, its entropy
// and argmax, and the arithmetic that turns the selected cell's q and k into its weight.

#include "core/model/builtin_model.h"

#include <QList>
#include <QString>
#include <QVector>
#include <QWidget>

#include <memory>

class QCustomPlot;
class QCPBars;
class QCPItemText;
class QCPPainter;
class QLabel;

namespace attnlab::ui {

class DetailsPanel : public QWidget {
    Q_OBJECT

public:
    explicit DetailsPanel(QWidget* parent = nullptr);
    ~DetailsPanel() override;

    /// Shows row `query` of head `head` (−1 mean over heads, −2 max over heads) and, when
    /// `selectedKey` ≥ 0, how the weight of (query, selectedKey) is computed. A null result or
    /// an index out of range clears the panel.
    void setRow(std::shared_ptr<const attnlab::core::ModelOutput> result, int head, int query,
                int selectedKey, int layer = 0);
    void clear();

    /// "q·k = 3.20, /√16 = 0.80, /T = 0.80, softmax → 0.41" for the selected cell; empty
    /// when no cell is selected.
    QString arithmeticText() const { return m_arithmetic; }
    /// The weights of the row, one per key, as drawn.
    QVector<double> barValues() const { return m_values; }
    /// Query token, head, entropy and argmax of the row.
    QString summaryText() const { return m_summary; }

    int head() const { return m_head; }
    int query() const { return m_query; }
    int selectedKey() const { return m_key; }

    QCustomPlot* plot() const { return m_plot; }

    /// Draws the bar chart at `size` with `painter`, as an image export does (vector on SVG and
    /// PDF devices). The plot is resized, so use a panel that is not on screen.
    void renderTo(QCPPainter* painter, const QSize& size);

protected:
    /// Follows a new interface font (text size, presentation mode) in the chart's text too.
    void changeEvent(QEvent* event) override;

private:
    void applyFonts();
    void updateBars();
    void updateTicks();
    /// Fits the weight ticks and the room above the tallest bar to the chart's height.
    void fitToHeight();
    QString buildSummary() const;
    QString buildArithmetic() const;

    QLabel* m_summaryLabel = nullptr;
    QLabel* m_cellLabel = nullptr;
    QCustomPlot* m_plot = nullptr;
    QCPBars* m_maskedBars = nullptr;
    QCPBars* m_bars = nullptr;
    QCPBars* m_selectedBar = nullptr;
    QList<QCPItemText*> m_valueItems;

    std::shared_ptr<const attnlab::core::ModelOutput> m_result;
    int m_head = 0;
    int m_layer = 0;
    int m_query = -1;
    int m_key = -1;
    QVector<double> m_values;
    double m_largestValue = 0; ///< of m_values
    QString m_summary;
    QString m_arithmetic;
};

} // namespace attnlab::ui
