#pragma once
// The controls of the kinds of attention and of the sparse masks, which the controls panel
// places in its forms: the kind (dense, tiled, linear) with linear attention's feature map and
// number of random features, and the parameters D, S, G, R and B of the sparse mask patterns
// (dilated, strided, longformer, bigbird, block; W is the panel's window width). Their ranges
// and help come from the settings schema and the mask registry.

#include "core/model/config.h"

#include <QList>
#include <QObject>

class QComboBox;
class QFormLayout;
class QSpinBox;
class QWidget;

namespace attnlab::ui {

/// Attention kind, feature map and M as rows of a form.
class AttentionKindControls : public QObject {
    Q_OBJECT

public:
    /// Adds the rows to `form` (whose parent widget owns the controls).
    explicit AttentionKindControls(QFormLayout* form);

    /// Writes the kind, the feature map and M into `config`.
    void apply(core::Config& config) const;
    /// Shows the values of `config` without emitting changed().
    void show(const core::Config& config);
    /// Hides or shows every row (a lesson that hides the control).
    void setHidden(bool hidden);

    QComboBox* kindBox() const { return m_kind; }
    QComboBox* featureMapBox() const { return m_featureMap; }
    QSpinBox* featuresBox() const { return m_features; }
    QList<QWidget*> tabOrder() const;

signals:
    void changed();

private:
    void updateRows();

    QFormLayout* m_form;
    QComboBox* m_kind = nullptr;
    QComboBox* m_featureMap = nullptr;
    QSpinBox* m_features = nullptr;
    bool m_hidden = false;
    bool m_updating = false;
};

/// The parameters of the sparse mask patterns as rows of the mask form, each shown only while
/// the chosen pattern uses it.
class SparseMaskControls : public QObject {
    Q_OBJECT

public:
    explicit SparseMaskControls(QFormLayout* form);

    /// Writes D, S, G, R and B into `mask` (the fields its pattern reads).
    void apply(core::MaskSpec& mask) const;
    /// Shows the parameters of `mask` without emitting changed().
    void show(const core::MaskSpec& mask);
    /// Shows the rows the pattern `kind` uses; `hidden` hides them all (a lesson).
    void setPattern(core::MaskKind kind, bool hidden);
    /// Whether pattern `kind` has a window width W.
    static bool usesWindow(core::MaskKind kind);

    QSpinBox* dilationBox() const { return m_dilation; }
    QSpinBox* strideBox() const { return m_stride; }
    QSpinBox* globalBox() const { return m_global; }
    QSpinBox* randomBox() const { return m_random; }
    QSpinBox* blockBox() const { return m_block; }
    QList<QWidget*> tabOrder() const;

signals:
    void changed();

private:
    QFormLayout* m_form;
    QSpinBox* m_dilation = nullptr;
    QSpinBox* m_stride = nullptr;
    QSpinBox* m_global = nullptr;
    QSpinBox* m_random = nullptr;
    QSpinBox* m_block = nullptr;
    bool m_updating = false;
};

} // namespace attnlab::ui
