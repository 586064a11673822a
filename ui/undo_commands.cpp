#include "undo_commands.h"

#include "core_text.h"

#include "core/model/settings.h"

#include <QAbstractSpinBox>
#include <QAction>
#include <QApplication>
#include <QKeyEvent>
#include <QLineEdit>
#include <QUndoStack>

#include <utility>

namespace attnlab::ui {

namespace {

// Enough steps for a lesson's worth of changes; each holds two whole configurations, which can
// carry large typed matrices.
constexpr int kUndoLimit = 200;
constexpr int kSentenceId = 1;
constexpr int kSourceId = 2;
constexpr int kFirstSettingId = 100; // + the setting's index in the schema

bool sameMatrix(const core::Matrix& a, const core::Matrix& b) {
    return a.rows() == b.rows() && a.cols() == b.cols() && (a.array() == b.array()).all();
}

bool sameMatrices(const std::vector<core::Matrix>& a, const std::vector<core::Matrix>& b) {
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (!sameMatrix(a[i], b[i]))
            return false;
    return true;
}

bool sameTypedNumbers(const core::Config& a, const core::Config& b) {
    const bool sameWo = a.manual.wo.has_value() == b.manual.wo.has_value() &&
                        (!a.manual.wo || sameMatrix(*a.manual.wo, *b.manual.wo));
    return sameMatrix(a.manualQueryEmbeddings, b.manualQueryEmbeddings) &&
           sameMatrix(a.manualKeyEmbeddings, b.manualKeyEmbeddings) &&
           sameMatrices(a.manual.wq, b.manual.wq) && sameMatrices(a.manual.wk, b.manual.wk) &&
           sameMatrices(a.manual.wv, b.manual.wv) && sameWo;
}

// The platform's redo keys, and Ctrl+Shift+Z everywhere (the key the program documents).
QList<QKeySequence> redoKeys() {
    QList<QKeySequence> keys = QKeySequence::keyBindings(QKeySequence::Redo);
    const QKeySequence ctrlShiftZ(Qt::CTRL | Qt::SHIFT | Qt::Key_Z);
    if (!keys.contains(ctrlShiftZ))
        keys.append(ctrlShiftZ);
    return keys;
}

bool isSentenceSetting(const core::Setting& setting) {
    return setting.key == "sentence" || setting.key == "source";
}

// The settings of the schema (model group, sentences aside) whose values differ.
std::vector<const core::Setting*> changedSettings(const core::Config& a, const core::Config& b) {
    core::SettingsValues first;
    first.config = a;
    core::SettingsValues second;
    second.config = b;
    std::vector<const core::Setting*> changed;
    for (const core::Setting& setting : core::settingsSchema())
        if (setting.group == core::SettingGroup::Model && !isSentenceSetting(setting) &&
            setting.get(first) != setting.get(second))
            changed.push_back(&setting);
    return changed;
}

bool sameMaskCells(const core::Config& a, const core::Config& b) {
    return a.mask.kind != core::MaskKind::Custom || b.mask.kind != core::MaskKind::Custom ||
           a.mask.blocked == b.mask.blocked;
}

} // namespace

// ---------------------------------------------------------------------------------------------
// ConfigCommand

ConfigCommand::ConfigCommand(UndoHistory* history, core::Config before, core::Config after,
                             ChangeKind kind, const QString& text, int mergeId)
    : m_history(history), m_before(std::move(before)), m_after(std::move(after)), m_kind(kind),
      m_mergeId(mergeId) {
    // The tables are the controller's to supply; a step must not keep an embeddings file alive.
    m_before.table.reset();
    m_after.table.reset();
    setText(text);
    m_lastEdit.start();
}

void ConfigCommand::undo() {
    m_open = false;
    m_history->apply(m_before);
}

void ConfigCommand::redo() {
    if (!m_pushed) {
        m_pushed = true;
        return;
    }
    m_open = false;
    m_history->apply(m_after);
}

bool ConfigCommand::mergeWith(const QUndoCommand* other) {
    const auto* next = dynamic_cast<const ConfigCommand*>(other);
    if (!next || id() < 0 || next->id() != id() || !m_open ||
        m_lastEdit.elapsed() > UndoHistory::kBurstMs)
        return false;
    m_after = next->m_after;
    setText(next->text()); // "Temperature 2.5", the value the burst ended at
    m_lastEdit.restart();
    // Typed and deleted again: no step is left.
    setObsolete(UndoHistory::sameConfig(m_before, m_after));
    return true;
}

// ---------------------------------------------------------------------------------------------
// UndoHistory

UndoHistory::UndoHistory(std::function<void(const core::Config&)> apply, QObject* parent)
    : QObject(parent), m_apply(std::move(apply)) {
    m_stack = new QUndoStack(this);
    m_stack->setUndoLimit(kUndoLimit);
    m_undo = m_stack->createUndoAction(this, tr("&Undo"));
    m_undo->setShortcuts(QKeySequence::Undo);
    m_undo->setToolTip(tr("Take back the last change of the sentence, a setting, the painted "
                          "mask or a typed number."));
    m_redo = m_stack->createRedoAction(this, tr("&Redo"));
    m_redo->setShortcuts(redoKeys());
    m_redo->setToolTip(tr("Make the change taken back again."));
}

UndoHistory::~UndoHistory() {
    if (m_window)
        qApp->removeEventFilter(this);
}

void UndoHistory::apply(const core::Config& config) {
    m_applying = true;
    m_apply(config);
    m_applying = false;
}

void UndoHistory::record(const core::Config& before, const core::Config& after) {
    if (m_applying)
        return;
    ChangeKind kind = ChangeKind::Setting;
    int mergeId = -1;
    const QString text = describeChange(before, after, &kind, &mergeId);
    if (!text.isEmpty())
        record(before, after, kind, text, mergeId);
}

void UndoHistory::record(const core::Config& before, const core::Config& after, ChangeKind kind,
                         const QString& text, int mergeId) {
    if (m_applying)
        return;
    auto* command = new ConfigCommand(this, before, after, kind, text, mergeId);
    // A step of another kind ends the burst below it, so that typing after an undo of that step
    // does not join the old burst.
    if (m_stack->index() > 0) {
        auto* top = dynamic_cast<ConfigCommand*>(
            const_cast<QUndoCommand*>(m_stack->command(m_stack->index() - 1)));
        if (top && top->id() != command->id())
            top->close();
    }
    m_stack->push(command);
}

void UndoHistory::endBurst() {
    if (m_stack->index() == 0)
        return;
    if (auto* top = dynamic_cast<ConfigCommand*>(
            const_cast<QUndoCommand*>(m_stack->command(m_stack->index() - 1))))
        top->close();
}

void UndoHistory::clear() {
    m_stack->clear();
}

void UndoHistory::takeUndoKeysOf(QWidget* window) {
    if (!m_window)
        qApp->installEventFilter(this);
    m_window = window;
}

bool UndoHistory::eventFilter(QObject* watched, QEvent* event) {
    const QEvent::Type type = event->type();
    if (type != QEvent::ShortcutOverride && type != QEvent::KeyPress)
        return false;
    auto* widget = qobject_cast<QWidget*>(watched);
    if (!widget || !m_window || widget->window() != m_window ||
        !(qobject_cast<QLineEdit*>(widget) || qobject_cast<QAbstractSpinBox*>(widget)))
        return false;
    auto* key = static_cast<QKeyEvent*>(event);
    const bool undo = key->matches(QKeySequence::Undo);
    const bool redo = !undo && redoKeys().contains(QKeySequence(key->keyCombination()));
    if (!undo && !redo)
        return false;
    if (type == QEvent::ShortcutOverride) {
        // Claimed for the field, so that it arrives below as a key press, which the window's
        // history then takes: the same path with or without a matching shortcut.
        event->accept();
        return true;
    }
    QAction* action = undo ? m_undo : m_redo;
    if (action->isEnabled())
        action->trigger();
    return true;
}

// ---------------------------------------------------------------------------------------------
// Comparing and describing configurations

bool UndoHistory::sameConfig(const core::Config& a, const core::Config& b) {
    return a.sentence == b.sentence && a.source == b.source && a.embeddings == b.embeddings &&
           (a.embeddings != core::EmbeddingSource::File || a.embeddingsPath == b.embeddingsPath) &&
           sameMaskCells(a, b) && changedSettings(a, b).empty() && sameTypedNumbers(a, b);
}

QString UndoHistory::describeChange(const core::Config& a, const core::Config& b, ChangeKind* kind,
                                    int* mergeId) {
    int ignored = -1;
    if (!mergeId)
        mergeId = &ignored;
    *kind = ChangeKind::Setting;
    *mergeId = -1;
    if (a.sentence != b.sentence) {
        *kind = ChangeKind::Sentence;
        *mergeId = kSentenceId;
        return tr("Typing");
    }
    if (a.source != b.source) {
        *kind = ChangeKind::Source;
        *mergeId = kSourceId;
        return tr("Typing in the Source");
    }
    const std::vector<const core::Setting*> changed = changedSettings(a, b);
    if (changed.size() == 1) {
        const std::vector<core::Setting>& schema = core::settingsSchema();
        *mergeId = kFirstSettingId + static_cast<int>(changed.front() - schema.data());
        core::SettingsValues values;
        values.config = b;
        return tr("%1 %2").arg(coreText(changed.front()->label),
                               QString::fromStdString(changed.front()->get(values)));
    }
    if (changed.size() > 1)
        return tr("Settings");
    if (!sameMaskCells(a, b)) {
        *kind = ChangeKind::MaskStroke;
        return tr("Mask Cells");
    }
    if (a.embeddings != b.embeddings ||
        (a.embeddings == core::EmbeddingSource::File && a.embeddingsPath != b.embeddingsPath))
        return tr("Embeddings");
    if (!sameTypedNumbers(a, b)) {
        *kind = ChangeKind::TypedNumber;
        return tr("Typed Number");
    }
    return {};
}

core::Config UndoHistory::defaultSettings(const core::Config& config) {
    core::SettingsValues values;
    values.config = config;
    const core::SettingsValues defaults;
    for (const core::Setting& setting : core::settingsSchema())
        if (setting.group == core::SettingGroup::Model && !isSentenceSetting(setting))
            setting.set(values, setting.get(defaults));
    // What the schema does not list: where the vectors come from and the typed matrices.
    const core::Config plain;
    values.config.embeddings = plain.embeddings;
    values.config.embeddingsPath = plain.embeddingsPath;
    values.config.table.reset();
    values.config.manualQueryEmbeddings = plain.manualQueryEmbeddings;
    values.config.manualKeyEmbeddings = plain.manualKeyEmbeddings;
    values.config.manual = plain.manual;
    return values.config;
}

} // namespace attnlab::ui
