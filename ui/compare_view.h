#pragma once
// Two configurations side by side on the same sentence: side A is the workspace, side B has its
// own settings (a second controls panel) and its own AttentionController, so a large sentence
// never blocks the window. Shows both heatmaps, the difference A − B on a diverging colour map
// centred on 0, and per query row the KL divergence and the entropy change. One click copies
// settings from A to B or from B to A, or swaps them.
//
// With a transformer open and its heads changed ("what if"), side B is the same model without
// the changes instead: the changed run (A) beside the unmodified one (B) for a chosen layer and
// head, with their difference and the predictions of both.

#include "color_maps.h"

#include "core/model/builtin_model.h"
#include "core/teaching/compare.h"

#include <QList>
#include <QStringList>
#include <QWidget>

#include <functional>
#include <memory>
#include <optional>

class QComboBox;
class QCustomPlot;
class QCPColorMap;
class QCPColorScale;
class QCPItemText;
class QLabel;
class QPushButton;
class QTableWidget;

namespace attnlab::ui {

class AttentionController;
class ControlsPanel;
class HeatmapView;

class CompareView : public QWidget {
    Q_OBJECT

public:
    explicit CompareView(QWidget* parent = nullptr);
    ~CompareView() override;

    /// The workspace's result: side A. Side B is recomputed on the same sentence.
    void setResult(std::shared_ptr<const core::ModelOutput> result);
    /// The workspace configuration as requested (d_k 0 = follow d_model / heads); when unset the
    /// configuration of side A's result stands in.
    void setBaseConfigProvider(std::function<core::Config()> provider);
    /// Applied to side B's configuration before it is computed (fills manual matrices).
    void setConfigAdapter(std::function<core::Config(core::Config)> adapter);
    void setSelection(int head, int query, int key);
    void setColorMap(ColorMap map);

    /// Side B's settings (sentence and source are A's).
    core::Config configB() const;
    /// Replaces side B's settings and recomputes it.
    void setConfigB(const core::Config& config);
    /// Copies A's settings to B.
    void copyAToB();
    /// Asks the workspace to take B's settings (configRequested).
    void copyBToA();
    /// Both at once.
    void swapSides();

    /// Model mode: side B runs `unmodified` (the open model without its "what if" changes) on
    /// A's sentence in place of B's settings; `changes` name side A's changes (its title). Null
    /// compares two settings of the built-in layer again.
    void setModelBaseline(std::shared_ptr<const core::Model> unmodified,
                          const QStringList& changes);
    bool isComparingModel() const { return m_baseline != nullptr; }
    /// The layer compared (models of several layers), 0-based.
    int comparedLayer() const { return m_layer; }
    void setComparedLayer(int layer);
    /// The predictions of both sides as the page shows them, empty when neither has any.
    QString predictionsText() const;

    /// Which weights are compared: a head index or core::kMeanOfHeads.
    int comparedHead() const { return m_head; }
    void setComparedHead(int head);

    std::shared_ptr<const core::ModelOutput> resultA() const { return m_resultA; }
    std::shared_ptr<const core::ModelOutput> resultB() const { return m_resultB; }
    /// The comparison on screen, empty when the two sides cannot be compared (see message()).
    const std::optional<core::Comparison>& comparison() const { return m_comparison; }
    /// Why there is no comparison, or a note about it; empty when all is well.
    QString message() const;
    /// Value the difference map shows at (query, key): A − B, or NaN where both sides mask the
    /// cell (drawn grey) and outside the matrix.
    double differenceAt(int query, int key) const;
    /// Symmetric colour range ±r of the difference map.
    double differenceRange() const { return m_range; }

    AttentionController* controllerB() const { return m_controllerB; }
    ControlsPanel* controlsB() const { return m_controlsB; }
    HeatmapView* viewA() const { return m_viewA; }
    HeatmapView* viewB() const { return m_viewB; }
    QCustomPlot* differencePlot() const { return m_diffPlot; }
    QTableWidget* rowTable() const { return m_rowTable; }
    QPushButton* copyAToBButton() const { return m_copyAToB; }
    QPushButton* copyBToAButton() const { return m_copyBToA; }
    QPushButton* swapButton() const { return m_swap; }
    QComboBox* layerBox() const { return m_layerBox; }

    /// Short description of a configuration's settings for the side titles.
    static QString summary(const core::Config& config);

signals:
    /// The workspace should compute this configuration (B → A, swap).
    void configRequested(const core::Config& config);

protected:
    void showEvent(QShowEvent* event) override;

private:
    core::Config baseConfigA() const;
    void recomputeB();
    void onResultB(std::shared_ptr<const core::ModelOutput> result);
    void updateComparison();
    void updateHeadBox();
    void updateTitles();
    void fillPredictions();
    void fillDifference();
    void fillRowTable();
    void updateTicks();
    void updateCellTexts();
    void fitCellTexts();
    void showMessage(const QString& text);
    void syncEmbeddingsFile(const core::Config& config);

    std::function<core::Config()> m_baseProvider;
    std::function<core::Config(core::Config)> m_adapter;
    AttentionController* m_controllerB = nullptr;
    ControlsPanel* m_controlsB = nullptr;
    QPushButton* m_copyAToB = nullptr;
    QPushButton* m_copyBToA = nullptr;
    QPushButton* m_swap = nullptr;
    QComboBox* m_headBox = nullptr;
    QComboBox* m_layerBox = nullptr;
    QLabel* m_layerLabel = nullptr;
    QWidget* m_settingsSide = nullptr;
    QLabel* m_predictions = nullptr;
    std::shared_ptr<const core::Model> m_baseline;
    QStringList m_changes;
    QLabel* m_message = nullptr;
    QLabel* m_titleA = nullptr;
    QLabel* m_titleB = nullptr;
    HeatmapView* m_viewA = nullptr;
    HeatmapView* m_viewB = nullptr;
    QCustomPlot* m_diffPlot = nullptr;
    QCPColorMap* m_diffMap = nullptr;
    QCPColorScale* m_diffScale = nullptr;
    QTableWidget* m_rowTable = nullptr;
    QList<QCPItemText*> m_cellTexts;

    std::shared_ptr<const core::ModelOutput> m_resultA, m_resultB;
    std::optional<core::Comparison> m_comparison;
    QString m_messageText;
    QString m_errorB;
    int m_head = 0;
    int m_layer = 0;
    double m_range = 1.0;
    bool m_initialisedB = false;
    bool m_dirty = false;
    ColorMap m_colorMap = ColorMap::Viridis;
};

} // namespace attnlab::ui
