#pragma once
// Attention as lines (after BertViz): query tokens in a left column, key tokens in a right
// column, one line per (query, key) and head whose opacity is the weight, one colour per head.
// Heads are toggled individually; hovering a token highlights its lines and fades the rest.
// By default each query row is scaled to its own largest weight, so that the strongest line of
// every row is fully opaque even when the row spreads its weight thinly (faint 1/n lines vanish
// on a projector); a picker switches back to opacity = weight.
// Useful for long sentences, where the cells of a heatmap get too small to read. For a model of
// several layers a picker chooses the layer (the window keeps it in step with its model bar) and
// the head (one, or all of them).

#include "core/model/builtin_model.h"

#include <QColor>
#include <QVector>
#include <QWidget>

#include <memory>

class QCheckBox;
class QComboBox;
class QHBoxLayout;
class QLabel;
class QScrollArea;

namespace attnlab::ui {

namespace detail {
class LinesCanvas;
}

class LinesView : public QWidget {
    Q_OBJECT

public:
    /// Opacity factor of lines not touching the hovered token.
    static constexpr double kFadedFactor = 0.12;
    /// Lines fainter than this are not drawn: at 2 % opacity a 1-pixel line is invisible, and
    /// since a row's weights sum to 1 at most 50 lines per query and head remain.
    static constexpr double kMinDrawnAlpha = 0.02;

    /// How a line's opacity follows its weight w(q, k).
    enum class Contrast {
        Absolute,   ///< opacity = w(q, k)
        RowMaximum, ///< opacity = w(q, k) / max_k' w(q, k'), the default
    };

    explicit LinesView(QWidget* parent = nullptr);
    ~LinesView() override;

    /// Shows `result`; heads that were switched off stay off while the head count is unchanged.
    void setResult(std::shared_ptr<const core::ModelOutput> result);
    /// Marks query `query` like a hovered token while the mouse is elsewhere (−1 clears).
    void setSelection(int head, int query, int key);

    void setHeadVisible(int head, bool visible);
    bool isHeadVisible(int head) const;
    /// Shows the lines of head `head` alone; −1 shows every head.
    void showOnlyHead(int head);

    /// The layer whose heads are drawn, 0 … layers − 1 (kept within the result's layers).
    /// Emits nothing.
    void setLayer(int layer);
    int layer() const;
    /// The pickers of layer and head (shown for results of several layers).
    QComboBox* layerPicker() const { return m_layerBox; }
    QComboBox* headPicker() const { return m_headBox; }
    /// The colour of head `head` (a qualitative palette of 16 colours, then repeating).
    static QColor headColor(int head);

    /// Which token is hovered: side 0 = query column, 1 = key column; index −1 when none.
    struct TokenRef {
        int side = -1;
        int index = -1;
        bool operator==(const TokenRef&) const = default;
    };
    void setHoveredToken(TokenRef token);
    TokenRef hoveredToken() const;
    /// The token drawn at a point of the canvas (see canvas()), side −1 when none.
    TokenRef tokenAt(const QPoint& canvasPos) const;
    /// Centre of a token's label on the canvas.
    QPoint tokenCenter(TokenRef token) const;

    /// The opacity (0 … 1) of the line of head `head` from query `query` to key `key` as drawn:
    /// its weight (divided by the largest weight of its query row under Contrast::RowMaximum),
    /// times kFadedFactor when another token is hovered; 0 for hidden heads.
    double lineAlpha(int head, int query, int key) const;
    /// Sets how opacity follows the weight (and the picker that shows it); repaints.
    void setContrast(Contrast contrast);
    Contrast contrast() const;
    /// The picker of the contrast ("Scaled to each row's maximum" / "Absolute weight").
    QComboBox* contrastPicker() const { return m_contrastBox; }
    /// Lines the last paint drew (alpha ≥ kMinDrawnAlpha).
    int drawnLineCount() const;

    QWidget* canvas() const;

    /// Multiplies the width of the lines (presentation mode thickens them for a projector).
    void setLineScale(double scale);
    double lineScale() const;
    /// Width of a drawn line in pixels: `hot` for the lines of the hovered or selected token.
    /// 0 means Qt's one-pixel cosmetic line.
    double penWidth(bool hot) const;

signals:
    /// The user chose another layer in the view's picker.
    void layerChosen(int layer);

private:
    void rebuildHeadToggles();
    void rebuildPickers();
    void syncHeadPicker();
    void updateHint();

    QWidget* m_toggleBar = nullptr;
    QHBoxLayout* m_toggleLayout = nullptr;
    QLabel* m_hint = nullptr;
    QVector<QCheckBox*> m_toggles;
    QWidget* m_pickerBar = nullptr;
    QComboBox* m_layerBox = nullptr;
    QComboBox* m_headBox = nullptr;
    QComboBox* m_contrastBox = nullptr;
    int m_layer = 0; ///< the layer asked for (the canvas draws it when the result has it)
    QScrollArea* m_scroll = nullptr;
    detail::LinesCanvas* m_canvas = nullptr;
};

} // namespace attnlab::ui
