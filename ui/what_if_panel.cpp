#include "what_if_panel.h"

#include "compact_combo_box.h"
#include "core_text.h"
#include "view_options.h"

#include "core/attention/options.h"

#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QLocale>
#include <QPointer>
#include <QPushButton>
#include <QStackedWidget>
#include <QToolButton>
#include <QUndoCommand>
#include <QUndoStack>
#include <QVBoxLayout>

#include <cmath>
#include <utility>

namespace attnlab::ui {

namespace {

// One user edit of the list: the lists before and after it. The panel shows `after` already
// when the step is pushed.
class WhatIfCommand : public QUndoCommand {
public:
    WhatIfCommand(WhatIfPanel* panel, std::vector<core::HeadIntervention> before,
                  std::vector<core::HeadIntervention> after, const QString& text)
        : QUndoCommand(text), m_panel(panel), m_before(std::move(before)),
          m_after(std::move(after)) {}

    void undo() override {
        if (m_panel)
            m_panel->setChanges(m_before);
    }
    void redo() override {
        if (m_pushed && m_panel)
            m_panel->setChanges(m_after);
        m_pushed = true;
    }

private:
    QPointer<WhatIfPanel> m_panel;
    std::vector<core::HeadIntervention> m_before;
    std::vector<core::HeadIntervention> m_after;
    bool m_pushed = false;
};

} // namespace

WhatIfPanel::WhatIfPanel(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->setSpacing(4);

    auto* intro = new QLabel(tr("Change one head, or every head of a layer, at inference: the "
                                "maps of later layers and the predictions follow. Changes apply "
                                "in order and last for this session. The Compare page shows "
                                "the run without them side by side."),
                             this);
    intro->setWordWrap(true);
    layout->addWidget(intro);

    m_note = new QLabel(this);
    m_note->setWordWrap(true);
    m_note->setTextFormat(Qt::PlainText);
    m_note->hide();
    layout->addWidget(m_note);

    m_editors = new QWidget(this);
    auto* form = new QFormLayout(m_editors);
    m_form = form;
    form->setContentsMargins(0, 0, 0, 0);
    m_layerBox = new CompactComboBox(m_editors);
    m_layerBox->setToolTip(tr("The layer to change (1 is the first, next to the input)."));
    form->addRow(tr("&Layer"), m_layerBox);
    m_headBox = new CompactComboBox(m_editors);
    m_headBox->setToolTip(tr("One head, or every head of the layer."));
    form->addRow(tr("&Head"), m_headBox);
    m_kindBox = new CompactComboBox(m_editors);
    m_kindBox->addItem(tr("Normaliser"), static_cast<int>(Kind::Normalizer));
    m_kindBox->addItem(tr("Temperature"), static_cast<int>(Kind::Temperature));
    m_kindBox->addItem(tr("Extra mask"), static_cast<int>(Kind::Mask));
    m_kindBox->addItem(tr("Ablate (output zeroed)"), static_cast<int>(Kind::Ablate));
    m_kindBox->setToolTip(tr("Normaliser: replaces softmax. Temperature: divides the scaled "
                             "logits by T. Extra mask: hides keys on top of the model's own "
                             "mask. Ablate: the head's output is zeroed; its map is still "
                             "shown."));
    form->addRow(tr("&Change"), m_kindBox);
    m_valueStack = new QStackedWidget(m_editors);
    m_normalizerBox = new CompactComboBox(m_valueStack);
    for (core::Normalizer normalizer : core::allNormalizers()) {
        if (normalizer == core::Normalizer::Softmax)
            continue; // the model's own
        const std::string_view name = core::toString(normalizer);
        m_normalizerBox->addItem(coreText(name), qs(name));
    }
    m_valueEdit = new QLineEdit(m_valueStack);
    m_valueEdit->setClearButtonEnabled(true);
    m_valueStack->addWidget(m_normalizerBox);
    m_valueStack->addWidget(m_valueEdit);
    m_valueStack->addWidget(new QWidget(m_valueStack));
    m_valueStack->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
    form->addRow(tr("&Value"), m_valueStack);
    auto* buttons = new QHBoxLayout;
    m_addButton = new QPushButton(tr("&Add Change"), m_editors);
    m_clearButton = new QPushButton(tr("Remove &All"), m_editors);
    buttons->addWidget(m_addButton);
    buttons->addWidget(m_clearButton);
    buttons->addStretch(1);
    form->addRow(buttons);
    m_error = new QLabel(m_editors);
    m_error->setWordWrap(true);
    m_error->setTextFormat(Qt::PlainText);
    m_error->setStyleSheet(QStringLiteral("QLabel { color: #b3261e; }"));
    m_error->hide();
    form->addRow(m_error);
    layout->addWidget(m_editors);

    m_list = new QListWidget(this);
    m_list->setToolTip(tr("The changes in force, applied from top to bottom; a later change of "
                          "the same head replaces an earlier one, ablations add up."));
    layout->addWidget(m_list, 1);

    connect(m_kindBox, &QComboBox::currentIndexChanged, this, [this] {
        m_valueEdit->clear();
        showError({});
        updateEditors();
    });
    connect(m_addButton, &QPushButton::clicked, this, [this] { addChange(); });
    connect(m_valueEdit, &QLineEdit::returnPressed, this, [this] { addChange(); });
    connect(m_valueEdit, &QLineEdit::textEdited, this, [this] { showError({}); });
    connect(m_clearButton, &QPushButton::clicked, this, &WhatIfPanel::clearChanges);
    setUnavailable(tr("Open a model (File → Open Model…) to change its heads."));
}

WhatIfPanel::~WhatIfPanel() = default;

void WhatIfPanel::setModel(int layers, int heads) {
    m_layers = layers;
    m_heads = heads;
    m_layerBox->clear();
    for (int layer = 0; layer < layers; ++layer)
        m_layerBox->addItem(tr("Layer %1").arg(layer + 1), layer);
    m_headBox->clear();
    for (int head = 0; head < heads; ++head)
        m_headBox->addItem(tr("Head %1").arg(head + 1), head);
    m_headBox->addItem(tr("All heads of the layer"), -1);
    m_note->hide();
    m_editors->show();
    m_list->show();
    showError({});
    m_changes.clear();
    rebuildList();
    updateEditors();
    emit changesChanged();
}

void WhatIfPanel::setNote(const QString& note) {
    m_note->setText(note);
    m_note->setVisible(!note.isEmpty());
}

void WhatIfPanel::setUnavailable(const QString& reason) {
    m_layers = 0;
    m_heads = 0;
    m_note->setText(reason);
    m_note->show();
    m_editors->hide();
    m_list->hide();
    const bool hadChanges = !m_changes.empty();
    m_changes.clear();
    rebuildList();
    if (hadChanges)
        emit changesChanged();
}

void WhatIfPanel::setChanges(std::vector<core::HeadIntervention> changes) {
    // An undo step recorded for another model may name layers this one lacks: those are dropped.
    m_changes.clear();
    for (core::HeadIntervention& change : changes) {
        try {
            core::checkIntervention(change, m_layers, m_heads);
            m_changes.push_back(std::move(change));
        } catch (const core::InputError&) {
        }
    }
    rebuildList();
    emit changesChanged();
}

QString WhatIfPanel::errorText() const {
    return m_error->text();
}

void WhatIfPanel::showError(const QString& text) {
    m_error->setText(text);
    m_error->setVisible(!text.isEmpty());
}

void WhatIfPanel::updateEditors() {
    const auto kind = static_cast<Kind>(m_kindBox->currentData().toInt());
    switch (kind) {
    case Kind::Normalizer:
        m_valueStack->setCurrentWidget(m_normalizerBox);
        break;
    case Kind::Temperature:
        m_valueStack->setCurrentWidget(m_valueEdit);
        m_valueEdit->setPlaceholderText(tr("T > 0, for example 0.5 or 2"));
        m_valueEdit->setToolTip(tr("The head's scaled logits are divided by T: below 1 sharpens "
                                   "its weights, above 1 flattens them."));
        break;
    case Kind::Mask:
        m_valueStack->setCurrentWidget(m_valueEdit);
        m_valueEdit->setPlaceholderText(tr("causal or window:W"));
        m_valueEdit->setToolTip(tr("causal: no key after the query; window:W: only keys at most "
                                   "W tokens away. On top of the model's own mask."));
        break;
    case Kind::Ablate:
        m_valueStack->setCurrentIndex(2);
        break;
    }
    m_form->setRowVisible(m_valueStack, kind != Kind::Ablate); // ablation takes no value
    m_clearButton->setEnabled(!m_changes.empty());
}

bool WhatIfPanel::addChange() {
    if (!isAvailable())
        return false;
    core::HeadIntervention change;
    change.layer = m_layerBox->currentData().toInt();
    change.head = m_headBox->currentData().toInt();
    const QString value = m_valueEdit->text().trimmed();
    try {
        switch (static_cast<Kind>(m_kindBox->currentData().toInt())) {
        case Kind::Normalizer:
            change.normalizer =
                core::parseNormalizer(m_normalizerBox->currentData().toString().toStdString());
            break;
        case Kind::Temperature: {
            bool ok = false;
            double t = QLocale().toDouble(value, &ok);
            if (!ok)
                t = value.toDouble(&ok); // "0.5" in a locale with a decimal comma
            if (!ok) {
                showError(value.isEmpty()
                              ? tr("Type a temperature, a number above 0 (for example 0.5).")
                              : tr("“%1” is not a number; type a temperature above 0 (for "
                                   "example 0.5).")
                                    .arg(value));
                return false;
            }
            change.temperature = static_cast<float>(t);
            break;
        }
        case Kind::Mask:
            if (value.isEmpty()) {
                showError(tr("Type a mask: causal, or window:W with W ≥ 1."));
                return false;
            }
            change.mask = core::parseMask(value.toStdString());
            break;
        case Kind::Ablate:
            change.ablate = true;
            break;
        }
        core::checkIntervention(change, m_layers, m_heads);
    } catch (const core::InputError& error) {
        showError(coreText(error.message()));
        return false;
    }
    showError({});
    std::vector<core::HeadIntervention> after = m_changes;
    after.push_back(change);
    edit(std::move(after), tr("What If: %1").arg(describe(change)));
    return true;
}

void WhatIfPanel::removeChange(int index) {
    if (index < 0 || index >= static_cast<int>(m_changes.size()))
        return;
    std::vector<core::HeadIntervention> after = m_changes;
    const QString text =
        tr("Remove What If: %1").arg(describe(after[static_cast<std::size_t>(index)]));
    after.erase(after.begin() + index);
    edit(std::move(after), text);
}

void WhatIfPanel::clearChanges() {
    if (m_changes.empty())
        return;
    edit({}, tr("Remove Every What If"));
}

void WhatIfPanel::edit(std::vector<core::HeadIntervention> after, const QString& text) {
    std::vector<core::HeadIntervention> before = m_changes;
    setChanges(after);
    if (m_undo)
        m_undo->push(new WhatIfCommand(this, std::move(before), std::move(after), text));
}

void WhatIfPanel::rebuildList() {
    m_list->clear();
    for (std::size_t i = 0; i < m_changes.size(); ++i) {
        auto* item = new QListWidgetItem(m_list);
        auto* row = new QWidget(m_list);
        auto* rowLayout = new QHBoxLayout(row);
        rowLayout->setContentsMargins(4, 1, 4, 1);
        auto* label = new QLabel(describe(m_changes[i]), row);
        label->setTextFormat(Qt::PlainText);
        auto* remove = new QToolButton(row);
        remove->setText(QStringLiteral("×"));
        remove->setAutoRaise(true);
        remove->setToolTip(tr("Remove this change"));
        remove->setAccessibleName(tr("Remove %1").arg(describe(m_changes[i])));
        rowLayout->addWidget(label, 1);
        rowLayout->addWidget(remove);
        item->setSizeHint(row->sizeHint());
        m_list->setItemWidget(item, row);
        const int index = static_cast<int>(i);
        // Queued: the list is rebuilt, and this button deleted, by the removal.
        connect(
            remove, &QToolButton::clicked, this, [this, index] { removeChange(index); },
            Qt::QueuedConnection);
    }
    if (m_changes.empty() && isAvailable()) {
        auto* item = new QListWidgetItem(tr("No change: the model runs as trained."), m_list);
        item->setFlags(Qt::NoItemFlags);
    }
    m_clearButton->setEnabled(!m_changes.empty());
}

QString WhatIfPanel::describe(const core::HeadIntervention& change) {
    const QString where = change.head < 0
                              ? tr("Layer %1, all heads").arg(change.layer + 1)
                              : tr("Layer %1, head %2").arg(change.layer + 1).arg(change.head + 1);
    QStringList what;
    if (change.normalizer)
        what << coreText(core::toString(*change.normalizer));
    if (change.temperature)
        what << tr("temperature %1").arg(QLocale().toString(*change.temperature, 'g', 4));
    if (change.mask)
        what << tr("mask %1").arg(qs(core::toString(*change.mask)));
    if (change.ablate)
        what << tr("ablated");
    return tr("%1: %2").arg(where, what.join(QStringLiteral(", ")));
}

} // namespace attnlab::ui
