#pragma once
// "What if" on an open transformer: pick a layer and a head (or every head of the layer), then
// give it another normaliser, a temperature or an extra mask at inference, or ablate it. Changes
// stack in a list (each with a remove button) and apply in order; the window reruns the model
// with them, so later layers and the predictions show the effect. A change the model cannot take
// (temperature 0, window:0, a head it lacks) is refused inline by the core's check, before any
// run. The list lives for the session: it belongs to the open model, not to a lesson file.

#include "core/pretrained/pretrained_model.h"

#include <QString>
#include <QWidget>

#include <vector>

class QComboBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QStackedWidget;
class QUndoStack;

namespace attnlab::ui {

class WhatIfPanel : public QWidget {
    Q_OBJECT

public:
    /// What a new change does (the kind box, in this order).
    enum class Kind { Normalizer, Temperature, Mask, Ablate };

    explicit WhatIfPanel(QWidget* parent = nullptr);
    ~WhatIfPanel() override;

    /// A model of `layers` × `heads` takes changes: the pickers offer its layers and heads, and
    /// the list is emptied (a list belongs to one model).
    void setModel(int layers, int heads);
    /// No model takes changes; `reason` says why (shown instead of the editors). Empties the list.
    void setUnavailable(const QString& reason);
    bool isAvailable() const { return m_layers > 0; }

    /// The changes in force, in the order they apply.
    const std::vector<core::HeadIntervention>& changes() const { return m_changes; }
    /// A remark above the editors while a model takes changes (empty hides it).
    void setNote(const QString& note);
    /// Replaces the list (an undo or redo): emits changesChanged, records nothing. Changes the
    /// model cannot take (recorded for another model) are left out.
    void setChanges(std::vector<core::HeadIntervention> changes);

    /// Adds the change the editors describe. Refuses, with the reason under the editors, a
    /// value the model cannot take; returns whether the change was added (one undo step).
    bool addChange();
    /// Removes change `index` (one undo step).
    void removeChange(int index);
    /// Removes every change (one undo step).
    void clearChanges();
    /// The reason the last change was refused, empty after a change was accepted.
    QString errorText() const;

    /// User edits become steps of `stack` (Edit → Undo); null records none.
    void setUndoStack(QUndoStack* stack) { m_undo = stack; }

    /// "Layer 2, head 1: sparsemax" (1-based as on screen).
    static QString describe(const core::HeadIntervention& change);

    // The editors, for tests and the window's tab order.
    QComboBox* layerBox() const { return m_layerBox; }
    /// Head 1 … H, then "All heads" (data −1).
    QComboBox* headBox() const { return m_headBox; }
    QComboBox* kindBox() const { return m_kindBox; }
    QComboBox* normalizerBox() const { return m_normalizerBox; }
    /// The temperature, or the mask ("causal", "window:3").
    QLineEdit* valueEdit() const { return m_valueEdit; }
    QPushButton* addButton() const { return m_addButton; }
    QListWidget* changeList() const { return m_list; }

signals:
    /// The list changed (by the user, an undo or a new model): the window reruns the model.
    void changesChanged();

private:
    void updateEditors();
    void rebuildList();
    void showError(const QString& text);
    /// Sets the list, recording the step named `text` when an undo stack is set.
    void edit(std::vector<core::HeadIntervention> after, const QString& text);

    QComboBox* m_layerBox = nullptr;
    QComboBox* m_headBox = nullptr;
    QComboBox* m_kindBox = nullptr;
    QFormLayout* m_form = nullptr;
    QStackedWidget* m_valueStack = nullptr;
    QComboBox* m_normalizerBox = nullptr;
    QLineEdit* m_valueEdit = nullptr;
    QPushButton* m_addButton = nullptr;
    QPushButton* m_clearButton = nullptr;
    QLabel* m_error = nullptr;
    QLabel* m_note = nullptr;
    QWidget* m_editors = nullptr;
    QListWidget* m_list = nullptr;
    QUndoStack* m_undo = nullptr;

    std::vector<core::HeadIntervention> m_changes;
    int m_layers = 0;
    int m_heads = 0;
};

} // namespace attnlab::ui
