#pragma once
// One attention matrix as a heatmap: rows are queries (first query at the top), columns are keys,
// both labelled with their tokens. Masked cells are hatched, fully masked rows are marked, values
// are printed in the cells when they fit, hovering reports the cell and clicking selects a row.

#include "color_maps.h"

#include "core/model/builtin_model.h"

#include <QFont>
#include <QPair>
#include <QPolygonF>
#include <QRect>
#include <QString>
#include <QStringList>
#include <QVector>
#include <QWidget>

#include <memory>

class QCustomPlot;
class QCPColorMap;
class QCPColorScale;
class QCPItemRect;
class QCPPainter;
class QCPTextElement;
class QKeyEvent;
class QMouseEvent;

namespace attnlab::ui {

namespace detail {
class HeatmapLayerable;
}

class HeatmapView : public QWidget {
    Q_OBJECT

public:
    /// Special values of the `head` argument of setData (the core's combinations).
    static constexpr int MeanOfHeads = core::kMeanOfHeads;
    static constexpr int MaxOfHeads = core::kMaxOfHeads;
    static constexpr int Rollout = core::kRollout;

    explicit HeatmapView(QWidget* parent = nullptr);
    ~HeatmapView() override;

    /// Shows head `head` of layer `layer` of `result` (MeanOfHeads / MaxOfHeads / Rollout for
    /// the combined maps). A null result or a map that does not exist clears the view. The
    /// colour map data is reused.
    void setData(std::shared_ptr<const attnlab::core::ModelOutput> result, int head, int layer = 0);
    void setColorMap(ColorMap map);
    /// Prints the value in each cell; the view skips it when the cells are too small for the text.
    void setShowValues(bool show);
    /// Fixed colour scale shared with other views; default [0, 1].
    void setValueRange(double low, double high);
    /// Colour scale from 0 (or the lowest value) to the largest visible value of each matrix.
    void setAutoRange();
    void setTitle(const QString& title);
    void setColorBarVisible(bool visible);
    /// Shows the tooltip with hoverText() while the mouse moves over a cell (default on).
    void setHoverToolTip(bool enabled);
    /// Highlights row `query` (and marks `key` when ≥ 0) without emitting signals, e.g. to mirror
    /// a selection made in another view. −1 clears the selection.
    void setSelection(int query, int key = -1);
    /// Multiplies the width of every line the view draws (axes, ticks, selection and hover
    /// frames, the marks of fully masked rows); presentation mode thickens them for a projector.
    void setLineScale(double scale);
    double lineScale() const { return m_lineScale; }
    /// Paint mode (painting a mask): a cross cursor, and pressing, dragging over and releasing
    /// the cells emit paintPressed, paintDragged and paintReleased instead of selecting. Turning
    /// it off during a stroke ends the stroke (paintReleased).
    void setPaintMode(bool on);
    bool paintMode() const { return m_paintMode; }

    std::shared_ptr<const attnlab::core::ModelOutput> result() const { return m_result; }
    int head() const { return m_head; }
    int layer() const { return m_layer; }
    int queryCount() const { return m_rows; }
    int keyCount() const { return m_cols; }
    ColorMap colorMap() const { return m_colorMap; }
    bool showValues() const { return m_showValues; }
    bool isAutoRange() const { return m_autoRange; }
    QPair<double, double> valueRange() const;
    QString title() const { return m_title; }
    bool isColorBarVisible() const { return m_colorBarVisible; }
    int selectedQuery() const { return m_selectedQuery; }
    int selectedKey() const { return m_selectedKey; }

    /// The value of cell (query, key) as the colour map shows it; NaN outside the matrix. Long
    /// sentences (more than 512 × 512 cells) are drawn max-pooled, blocks of cells sharing one
    /// colour-map cell that holds their largest value; this still returns the cell's own value.
    double cellValue(int query, int key) const;
    /// True when the mask hides key `key` from query `query` (drawn hatched, weight 0).
    bool isMasked(int query, int key) const;
    /// True when every key of `query` is masked (the row is marked "all keys masked").
    bool isRowFullyMasked(int query) const;
    /// "query 'cat' → key 'sat': score 3.20, logit 3.20, weight 0.41"; for the combined maps
    /// "query 'cat' → key 'sat': mean weight 0.41". Empty outside the matrix.
    QString hoverText(int query, int key) const;
    /// Widget (and plot) pixel of the centre of a cell, for tests and tool tips.
    QPoint cellCenter(int query, int key) const;
    /// The cell under a widget pixel as (query, key), or (−1, −1) outside the matrix.
    QPair<int, int> cellAt(const QPoint& pos) const;
    /// Axis labels as drawn: token text, elided when long, "?" appended to unknown tokens.
    QStringList queryLabels() const { return m_queryLabels; }
    QStringList keyLabels() const { return m_keyLabels; }
    /// Indices of the labels drawn in the last replot (long sentences show every k-th label).
    QVector<int> drawnQueryLabels() const;
    QVector<int> drawnKeyLabels() const;
    /// Whether the last replot printed the values in the cells.
    bool valuesDrawn() const;
    /// The font of the numbers in the cells in the last replot that printed them.
    QFont valueFont() const;
    /// The number cell (query, key) prints: its value with the decimals that fit ("0.41", or
    /// "0.4" in small cells); empty outside the matrix and for masked cells.
    QString valueText(int query, int key) const;
    /// Height of a line of token labels as drawn, fallback fonts included (logical pixels).
    double labelLineHeight() const { return m_labelLineHeight; }
    /// Rotation of the key labels in the last replot: 0, 45 or 90 degrees.
    int keyLabelAngle() const { return m_keyLabelAngle; }
    /// Colour-map cells per side: the matrix size, or fewer for long sentences (max-pooled).
    QSize colorMapCells() const;
    /// Outlines of the token labels drawn in the last replot (query labels, then key labels;
    /// rotated key labels as rotated rectangles), in widget pixels.
    QVector<QPolygonF> drawnLabelOutlines() const;
    /// Whether the last layout drew the axis titles ("Query", "Key"). Small maps (many heads)
    /// leave them out: the head's title and the details name the axes, the ticks get the room.
    bool axisTitlesShown() const { return m_axisTitles; }
    /// The matrix (the cells without labels) in widget pixels, as last laid out.
    QRect matrixRect() const;
    /// The widget size at which the matrix gets at least `matrix` pixels with the current
    /// labels and fonts (axis titles left out, as small maps do).
    QSize sizeForMatrix(const QSize& matrix) const;

    /// The font used for token labels: the widget font with CJK fallbacks.
    static QFont tokenFont(const QFont& base);
    /// Formats a number the way the views print it: 2 decimals, scientific for tiny or huge
    /// magnitudes, "−∞" for −∞.
    static QString formatNumber(double value);

    QCustomPlot* plot() const { return m_plot; }

    /// Draws the view at `size` (logical pixels) with `painter`, as an image export does: the
    /// labels are laid out for that size, and vector devices (SVG, PDF) get vector output. The
    /// plot is resized, so use a view that is not on screen.
    void renderTo(QCPPainter* painter, const QSize& size);

signals:
    /// The mouse moved onto cell (query, key); (−1, −1) when it left the matrix.
    void cellHovered(int query, int key);
    /// A cell of row `query` was clicked (or the row changed with the arrow keys).
    void rowSelected(int query);
    /// Same click, with the key of the clicked cell.
    void cellClicked(int query, int key);
    void hoverTextChanged(const QString& text);
    /// Paint mode: the left button went down on cell (query, key).
    void paintPressed(int query, int key);
    /// Paint mode: the mouse entered cell (query, key) with the button still down.
    void paintDragged(int query, int key);
    /// Paint mode: the button went up (the stroke is over).
    void paintReleased();
    /// The title was clicked or the map double-clicked: the window shows this map large (or,
    /// when it already is, all maps again).
    void enlargeRequested();

protected:
    void keyPressEvent(QKeyEvent* event) override;
    void changeEvent(QEvent* event) override;
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    friend class detail::HeatmapLayerable;

    const attnlab::core::Matrix* currentMatrix() const;
    void applyFonts();
    void fillColorMap();
    void applyRange();
    void rebuildLabels();
    void rebuildMask();
    void rebuildLayout();
    void updateLabelLayout();
    void updateSelectionItems();
    void updateHoverItem();
    void onMouseMove(QMouseEvent* event);
    void onMousePress(QMouseEvent* event);
    void onMouseRelease(QMouseEvent* event);
    void selectCell(int query, int key);
    void queueReplot();

    QCustomPlot* m_plot = nullptr;
    QCPColorMap* m_map = nullptr;
    QCPColorScale* m_scale = nullptr;
    QCPTextElement* m_titleElement = nullptr;
    detail::HeatmapLayerable* m_maskLayer = nullptr;
    detail::HeatmapLayerable* m_cellLayer = nullptr;
    detail::HeatmapLayerable* m_labelLayer = nullptr;
    QCPItemRect* m_selectionOuter = nullptr;
    QCPItemRect* m_selectionInner = nullptr;
    QCPItemRect* m_selectedCellItem = nullptr;
    QCPItemRect* m_hoverItem = nullptr;
    double m_lineScale = 1.0;

    std::shared_ptr<const attnlab::core::ModelOutput> m_result;
    int m_head = 0;
    int m_layer = 0;
    int m_rows = 0;
    int m_cols = 0;
    ColorMap m_colorMap = ColorMap::Viridis;
    bool m_showValues = false;
    bool m_autoRange = false;
    double m_low = 0.0;
    double m_high = 1.0;
    QString m_title;
    bool m_colorBarVisible = true;
    bool m_hoverToolTip = true;
    int m_selectedQuery = -1;
    int m_selectedKey = -1;
    int m_hoverQuery = -1;
    int m_hoverKey = -1;
    bool m_paintMode = false;
    bool m_painting = false; ///< a paint stroke is under way (button down)

    /// How a token label is drawn.
    enum class LabelKind : quint8 { Normal, Unknown, Padding, FullyMasked };
    QStringList m_queryLabels, m_keyLabels;
    QVector<LabelKind> m_queryKinds, m_keyKinds;
    QFont m_labelFont;
    int m_keyLabelAngle = 0;
    bool m_axisTitles = true;
    int m_queryLabelStride = 1;
    int m_keyLabelStride = 1;
    bool m_anyMasked = false;
    int m_rowPool = 1;            ///< matrix rows per colour-map cell (> 1 for long sentences)
    double m_queryLabelWidth = 0; ///< widest query label in bold, px (set by rebuildLabels)
    double m_keyLabelWidth = 0;   ///< widest key label in bold, px
    /// Height of a line of labels in the fonts that draw them (fallbacks included), px.
    double m_labelLineHeight = 0;
    int m_colPool = 1; ///< matrix columns per colour-map cell
    /// While renderTo draws to a vector device: cells as rectangles, the colour map hidden.
    bool m_vectorCells = false;
    static constexpr qint64 kMaxVectorCells = 256 * 256;
};

} // namespace attnlab::ui
