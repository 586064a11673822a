#pragma once
// Painting a custom mask on the heatmaps. While the mode is on, a stroke (press, drag, release)
// over the cells of any heatmap blocks the cells it crosses, or unblocks them when its first cell
// was blocked already. The painter only edits the matrix of visible cells; the core turns it into
// a custom mask (core/io/mask_file.h) and computes with it. Each change of a stroke is shown at
// once (previewRequested); the whole stroke is one step for the undo history (strokeFinished).

#include "core/attention/mask.h"
#include "core/model/builtin_model.h"

#include <QObject>
#include <QPointer>
#include <QString>
#include <QVector>

#include <functional>
#include <memory>

class QAction;

namespace attnlab::ui {

class HeatmapView;

class MaskPainter : public QObject {
    Q_OBJECT

public:
    using ConfigSource = std::function<core::Config()>;
    using ResultSource = std::function<std::shared_ptr<const core::ModelOutput>()>;

    /// `config` gives the configuration in force, `result` the result on screen: a stroke starts
    /// from the mask that result shows.
    MaskPainter(ConfigSource config, ResultSource result, QObject* parent = nullptr);
    ~MaskPainter() override;

    /// "Paint Mask" (checkable, Ctrl+B) and "Stop Painting" (Esc, enabled while painting).
    QAction* paintAction() const { return m_paintAction; }
    QAction* stopAction() const { return m_stopAction; }

    bool isActive() const { return m_active; }
    /// Turns the mode on or off (the actions follow); turning it off ends a stroke under way.
    void setActive(bool active);
    /// True between the press and the release of a stroke.
    bool isStroking() const { return m_stroking; }
    /// Whether the stroke under way blocks (true) or unblocks cells.
    bool strokeBlocks() const { return m_blocking; }

    /// Follows the paint signals of `view` and sets its paint mode with the painter's.
    void attach(HeatmapView* view);

    /// The configuration with the mask `visible` (true = the query sees the key) as custom.
    static core::Config withPaintedMask(core::Config config, const core::BoolMatrix& visible);

signals:
    void activeChanged(bool active);
    /// Show and compute `config` now: the stroke so far (not an undo step by itself).
    void previewRequested(const attnlab::core::Config& config);
    /// A stroke ended having changed `cells` cells: one step from `before` to `after`.
    void strokeFinished(const attnlab::core::Config& before, const attnlab::core::Config& after,
                        bool blocked, int cells);
    /// A stroke could not start; `reason` says why and what to do.
    void refused(const QString& reason);

private:
    void press(int query, int key);
    void drag(int query, int key);
    void release();
    void paintCell(int query, int key);

    ConfigSource m_config;
    ResultSource m_result;
    QAction* m_paintAction = nullptr;
    QAction* m_stopAction = nullptr;
    QVector<QPointer<HeatmapView>> m_views;
    bool m_active = false;

    // The stroke under way.
    bool m_stroking = false;
    bool m_blocking = true;
    core::Config m_before;      ///< the configuration when the stroke started
    core::BoolMatrix m_start;   ///< visible cells when it started
    core::BoolMatrix m_visible; ///< visible cells now
    int m_lastQuery = -1;       ///< the cell the stroke was last at
    int m_lastKey = -1;
};

} // namespace attnlab::ui
