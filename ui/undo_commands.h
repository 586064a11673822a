#pragma once
// Undo and redo of the workspace: every change of the sentences, a setting, a painted mask
// stroke or a typed number is one step holding the whole configuration before and after it, so
// an undo restores exactly what was computed before and recomputes. Typing merges into one step
// per burst. The window owns one UndoHistory; it records what the user changed (the window
// already shows the new configuration) and hands undo and redo back through an apply function.

#include "core/model/config.h"

#include <QElapsedTimer>
#include <QObject>
#include <QString>
#include <QUndoCommand>

#include <functional>

class QAction;
class QUndoStack;

namespace attnlab::ui {

class UndoHistory;

/// What a step changed.
enum class ChangeKind { Sentence, Source, Setting, MaskStroke, TypedNumber, Reset };

/// One step: the configuration before and after a change.
class ConfigCommand : public QUndoCommand {
public:
    /// Steps with the same `mergeId` (≥ 0) that follow each other within a burst become one:
    /// typing in one field, or one setting moved again and again (a slider dragged).
    ConfigCommand(UndoHistory* history, core::Config before, core::Config after, ChangeKind kind,
                  const QString& text, int mergeId = -1);

    void undo() override;
    /// Applies `after`, except the first time: the window showed it before the step was pushed.
    void redo() override;
    int id() const override { return m_mergeId; }
    bool mergeWith(const QUndoCommand* other) override;

    ChangeKind kind() const { return m_kind; }
    const core::Config& before() const { return m_before; }
    const core::Config& after() const { return m_after; }
    /// Ends the burst this step collects: later typing becomes a new step.
    void close() { m_open = false; }

private:
    UndoHistory* m_history;
    core::Config m_before;
    core::Config m_after;
    ChangeKind m_kind;
    int m_mergeId = -1;
    bool m_pushed = false;
    bool m_open = true;
    QElapsedTimer m_lastEdit;
};

class UndoHistory : public QObject {
    Q_OBJECT

public:
    /// Keystrokes (or moves of one setting) less than this far apart belong to one burst: one
    /// undo step.
    static constexpr int kBurstMs = 1500;

    /// `apply` shows a configuration (sentences, controls) and recomputes it without recording.
    explicit UndoHistory(std::function<void(const core::Config&)> apply, QObject* parent = nullptr);
    ~UndoHistory() override;

    QUndoStack* stack() const { return m_stack; }
    /// Edit menu actions: "Undo Heads 4" / "Redo Heads 4", Ctrl+Z and Ctrl+Shift+Z.
    QAction* undoAction() const { return m_undo; }
    QAction* redoAction() const { return m_redo; }

    /// Records a change the user made from `before` to `after` (already on screen). The kind and
    /// the step's name come from what differs (a sentence, one setting of the schema, typed
    /// matrices); nothing is recorded when nothing differs. Typing in one field, and changes of
    /// one setting, merge while a burst lasts.
    void record(const core::Config& before, const core::Config& after);
    /// Records a change of a known kind with its own name (a mask stroke, Reset to Defaults).
    void record(const core::Config& before, const core::Config& after, ChangeKind kind,
                const QString& text, int mergeId = -1);
    /// Ends the current typing burst (Return, or the field lost the focus).
    void endBurst();
    /// Forgets every step (another lesson was opened).
    void clear();
    /// True while an undo or redo applies its configuration: changes then are not recorded.
    bool isApplying() const { return m_applying; }

    /// Keeps Ctrl+Z and Ctrl+Shift+Z of the line edits and spin boxes inside `window` for the
    /// window's history: their own undo would otherwise take the keys and record itself as a
    /// new change.
    void takeUndoKeysOf(QWidget* window);

    /// Which part of the configuration differs between `a` and `b` (Setting when only settings
    /// do), and the step's name ("Heads 4", "Typing", "Typed Number"); an empty name when they
    /// are the same. `mergeId` gets the id under which such changes merge (a field, the one
    /// setting changed), −1 when they do not.
    static QString describeChange(const core::Config& a, const core::Config& b, ChangeKind* kind,
                                  int* mergeId = nullptr);
    /// True when the two configurations compute the same: sentences, every setting of the
    /// schema, the mask's cells, the embeddings source and the manual matrices.
    static bool sameConfig(const core::Config& a, const core::Config& b);
    /// `config` with every setting of the settings schema at its default, the sentences kept:
    /// what Edit → Reset to Defaults applies.
    static core::Config defaultSettings(const core::Config& config);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    friend class ConfigCommand;
    void apply(const core::Config& config);

    std::function<void(const core::Config&)> m_apply;
    QUndoStack* m_stack = nullptr;
    QAction* m_undo = nullptr;
    QAction* m_redo = nullptr;
    QWidget* m_window = nullptr;
    bool m_applying = false;
};

} // namespace attnlab::ui
