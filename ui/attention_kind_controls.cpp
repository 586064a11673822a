#include "attention_kind_controls.h"

#include "compact_combo_box.h"
#include "core_text.h"

#include "core/attention/mask.h"
#include "core/model/settings.h"

#include <QComboBox>
#include <QFormLayout>
#include <QSignalBlocker>
#include <QSpinBox>

namespace attnlab::ui {
namespace {

// The range of a mask parameter from the registry ("D" of dilated).
void applyMaskRange(QSpinBox* box, core::MaskKind kind, std::string_view symbol) {
    for (const core::MaskParameterInfo& parameter : core::maskPattern(kind).parameters)
        if (parameter.symbol == symbol)
            box->setRange(parameter.minimum, parameter.maximum);
}

QString kindLabel(core::AttentionKind kind) {
    switch (kind) {
    case core::AttentionKind::Dense:
        return AttentionKindControls::tr("Dense (all weights)");
    case core::AttentionKind::Tiled:
        return AttentionKindControls::tr("Tiled (exact, block by block)");
    case core::AttentionKind::Linear:
        return AttentionKindControls::tr("Linear (feature map)");
    }
    return {};
}

QString featureMapLabel(core::FeatureMap map) {
    switch (map) {
    case core::FeatureMap::Softmax:
        return AttentionKindControls::tr("Softmax over features");
    case core::FeatureMap::Elu:
        return AttentionKindControls::tr("elu(x) + 1");
    case core::FeatureMap::Relu:
        return AttentionKindControls::tr("ReLU");
    case core::FeatureMap::Favor:
        return AttentionKindControls::tr("FAVOR+ (random features)");
    }
    return {};
}

} // namespace

AttentionKindControls::AttentionKindControls(QFormLayout* form)
    : QObject(form->parentWidget()), m_form(form) {
    QWidget* parent = form->parentWidget();
    m_kind = new CompactComboBox(parent);
    for (const auto& entry : core::attentionKinds()) {
        m_kind->addItem(kindLabel(entry.value), static_cast<int>(entry.value));
        m_kind->setItemData(m_kind->count() - 1, coreText(entry.help), Qt::ToolTipRole);
    }
    m_kind->setToolTip(tr("How the weights are computed: all at once, exactly block by block, or "
                          "approximately through a feature map in time linear in the length."));
    m_kind->setAccessibleName(tr("Attention kind"));
    form->addRow(tr("Attent&ion"), m_kind);

    m_featureMap = new CompactComboBox(parent);
    for (const auto& entry : core::featureMaps()) {
        m_featureMap->addItem(featureMapLabel(entry.value), static_cast<int>(entry.value));
        m_featureMap->setItemData(m_featureMap->count() - 1, coreText(entry.help), Qt::ToolTipRole);
    }
    m_featureMap->setToolTip(tr("The feature map φ: linear attention weighs key j for query i by "
                                "φ(q_i)·φ(k_j), divided by the row's sum."));
    form->addRow(tr("Feat&ure map"), m_featureMap);

    m_features = new QSpinBox(parent);
    if (const core::Setting* setting = core::findSetting("features"))
        m_features->setRange(static_cast<int>(setting->minimum),
                             static_cast<int>(setting->maximum));
    m_features->setToolTip(tr("Random features M of FAVOR+: more features estimate softmax "
                              "attention more closely and cost more."));
    form->addRow(tr("Feature &count M"), m_features);

    for (QComboBox* box : {m_kind, m_featureMap}) {
        connect(box, &QComboBox::currentIndexChanged, this, [this] {
            updateRows();
            if (!m_updating)
                emit changed();
        });
    }
    connect(m_features, &QSpinBox::valueChanged, this, [this] {
        if (!m_updating)
            emit changed();
    });
    show(core::Config{});
}

void AttentionKindControls::apply(core::Config& config) const {
    config.attention = static_cast<core::AttentionKind>(currentValue(m_kind));
    config.featureMap = static_cast<core::FeatureMap>(currentValue(m_featureMap));
    config.features = m_features->value();
}

void AttentionKindControls::show(const core::Config& config) {
    m_updating = true;
    selectValue(m_kind, static_cast<int>(config.attention));
    selectValue(m_featureMap, static_cast<int>(config.featureMap));
    m_features->setValue(config.features);
    m_updating = false;
    updateRows();
}

void AttentionKindControls::setHidden(bool hidden) {
    m_hidden = hidden;
    updateRows();
}

QList<QWidget*> AttentionKindControls::tabOrder() const {
    return {m_kind, m_featureMap, m_features};
}

// The feature map belongs to linear attention and M to its favor map: their rows are shown only
// then, so the dock stays short for the dense kind.
void AttentionKindControls::updateRows() {
    const bool linear = currentValue(m_kind) == static_cast<int>(core::AttentionKind::Linear);
    const bool favor = currentValue(m_featureMap) == static_cast<int>(core::FeatureMap::Favor);
    m_form->setRowVisible(m_kind, !m_hidden);
    // A hidden control is disabled too, so that nothing reaches it (keyboard focus, shortcuts).
    m_featureMap->setEnabled(linear);
    m_features->setEnabled(linear && favor);
    m_form->setRowVisible(m_featureMap, !m_hidden && linear);
    m_form->setRowVisible(m_features, !m_hidden && linear && favor);
}

SparseMaskControls::SparseMaskControls(QFormLayout* form)
    : QObject(form->parentWidget()), m_form(form) {
    QWidget* parent = form->parentWidget();
    m_dilation = new QSpinBox(parent);
    applyMaskRange(m_dilation, core::MaskKind::Dilated, "D");
    m_dilation->setToolTip(tr("Dilated mask: a query sees every D-th key up to W·D positions "
                              "away."));
    form->addRow(tr("&Dilation D"), m_dilation);
    m_stride = new QSpinBox(parent);
    applyMaskRange(m_stride, core::MaskKind::Strided, "S");
    m_stride->setToolTip(tr("Strided mask: a query sees the keys less than S away and every "
                            "S-th key."));
    form->addRow(tr("&Stride S"), m_stride);
    m_global = new QSpinBox(parent);
    applyMaskRange(m_global, core::MaskKind::Longformer, "G");
    m_global->setToolTip(tr("The first G tokens see every key and are seen by every query."));
    form->addRow(tr("&Global tokens G"), m_global);
    m_random = new QSpinBox(parent);
    applyMaskRange(m_random, core::MaskKind::BigBird, "R");
    m_random->setToolTip(tr("BigBird: R more keys per query, drawn at random from the seed."));
    form->addRow(tr("&Random keys R"), m_random);
    m_block = new QSpinBox(parent);
    applyMaskRange(m_block, core::MaskKind::Block, "B");
    m_block->setToolTip(tr("Block mask: a query sees the keys of its own block of B tokens."));
    form->addRow(tr("&Block size B"), m_block);
    for (QSpinBox* box : {m_dilation, m_stride, m_global, m_random, m_block})
        connect(box, &QSpinBox::valueChanged, this, [this] {
            if (!m_updating)
                emit changed();
        });
    // Values that show each pattern at work on a short sentence.
    m_dilation->setValue(2);
    m_stride->setValue(2);
    m_global->setValue(1);
    m_random->setValue(1);
    m_block->setValue(2);
    setPattern(core::MaskKind::None, false);
}

void SparseMaskControls::apply(core::MaskSpec& mask) const {
    // Only the fields of the mask's own pattern; the others keep their defaults.
    for (const core::MaskParameterInfo& parameter : core::maskPattern(mask.kind).parameters) {
        if (parameter.field == &core::MaskSpec::dilation)
            mask.dilation = m_dilation->value();
        else if (parameter.field == &core::MaskSpec::stride)
            mask.stride = m_stride->value();
        else if (parameter.field == &core::MaskSpec::globalTokens)
            mask.globalTokens = m_global->value();
        else if (parameter.field == &core::MaskSpec::randomKeys)
            mask.randomKeys = m_random->value();
        else if (parameter.field == &core::MaskSpec::blockSize)
            mask.blockSize = m_block->value();
    }
}

void SparseMaskControls::show(const core::MaskSpec& mask) {
    m_updating = true;
    // Only the fields of the mask's own pattern: the others keep what the user last chose.
    for (const core::MaskParameterInfo& parameter : core::maskPattern(mask.kind).parameters) {
        const int value = mask.*parameter.field;
        if (parameter.field == &core::MaskSpec::dilation)
            m_dilation->setValue(value);
        else if (parameter.field == &core::MaskSpec::stride)
            m_stride->setValue(value);
        else if (parameter.field == &core::MaskSpec::globalTokens)
            m_global->setValue(value);
        else if (parameter.field == &core::MaskSpec::randomKeys)
            m_random->setValue(value);
        else if (parameter.field == &core::MaskSpec::blockSize)
            m_block->setValue(value);
    }
    m_updating = false;
}

void SparseMaskControls::setPattern(core::MaskKind kind, bool hidden) {
    using core::MaskKind;
    const auto showRow = [this, hidden](QSpinBox* box, bool uses) {
        // A row not shown is disabled too, so that nothing reaches it (keyboard focus).
        box->setEnabled(uses);
        m_form->setRowVisible(box, !hidden && uses);
    };
    showRow(m_dilation, kind == MaskKind::Dilated);
    showRow(m_stride, kind == MaskKind::Strided);
    showRow(m_global, kind == MaskKind::Longformer || kind == MaskKind::BigBird);
    showRow(m_random, kind == MaskKind::BigBird);
    showRow(m_block, kind == MaskKind::Block);
}

bool SparseMaskControls::usesWindow(core::MaskKind kind) {
    return kind == core::MaskKind::Window || kind == core::MaskKind::Dilated ||
           kind == core::MaskKind::Longformer || kind == core::MaskKind::BigBird;
}

QList<QWidget*> SparseMaskControls::tabOrder() const {
    return {m_dilation, m_stride, m_global, m_random, m_block};
}

} // namespace attnlab::ui
