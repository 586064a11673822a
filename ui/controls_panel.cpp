#include "controls_panel.h"

#include "attention_kind_controls.h"
#include "compact_combo_box.h"
#include "core_text.h"
#include "positional_view.h"

#include "core/attention/normalizer.h"
#include "core/attention/scoring.h"
#include "core/base/limits.h"
#include "core/model/settings.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QEvent>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QRandomGenerator>
#include <QSignalBlocker>
#include <QSlider>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace attnlab::ui {

namespace {

constexpr int kToolTipRole = Qt::ToolTipRole;
constexpr int kOwnToolTipRole = Qt::UserRole + 1; // an item's tooltip while it is enabled
constexpr int kMaxWidth = core::limits::kMaxWidth;
constexpr int kMaxSeed = 2147483647;

// The range of a spin box from the settings schema, so the controls and every other reader of
// the setting agree.
void applyRange(QSpinBox* box, std::string_view key) {
    if (const core::Setting* setting = core::findSetting(key))
        box->setRange(static_cast<int>(setting->minimum), static_cast<int>(setting->maximum));
}

QString positionalLabel(core::PositionalEncoding value) {
    switch (value) {
    case core::PositionalEncoding::None:
        return ControlsPanel::tr("None");
    case core::PositionalEncoding::Sinusoidal:
        return ControlsPanel::tr("Sinusoidal (added to X)");
    case core::PositionalEncoding::Rope:
        return ControlsPanel::tr("RoPE (rotates q and k)");
    case core::PositionalEncoding::Alibi:
        return ControlsPanel::tr("ALiBi (distance bias)");
    }
    return {};
}

QString tokenizerLabel(core::TokenizerMode value) {
    switch (value) {
    case core::TokenizerMode::Word:
        return ControlsPanel::tr("Words (ICU word breaks)");
    case core::TokenizerMode::Char:
        return ControlsPanel::tr("Characters");
    case core::TokenizerMode::Whitespace:
        return ControlsPanel::tr("Whitespace-separated");
    }
    return {};
}

void addItem(QComboBox* box, const QString& text, int value, const QString& toolTip) {
    box->addItem(text, value);
    const int index = box->count() - 1;
    box->setItemData(index, toolTip, kToolTipRole);
    box->setItemData(index, toolTip, kOwnToolTipRole);
}

// Disables one entry of a combo box; its tooltip then gives `reason`.
void setItemEnabled(QComboBox* box, int value, bool enabled, const QString& reason = {}) {
    const int index = box->findData(value);
    auto* model = qobject_cast<QStandardItemModel*>(box->model());
    if (index < 0 || !model)
        return;
    QStandardItem* item = model->item(index);
    item->setEnabled(enabled);
    item->setToolTip(enabled ? box->itemData(index, kOwnToolTipRole).toString() : reason);
}

QFormLayout* makeForm(QGroupBox* group) {
    auto* form = new QFormLayout(group);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    form->setRowWrapPolicy(QFormLayout::DontWrapRows);
    form->setLabelAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    form->setContentsMargins(8, 6, 8, 6);
    form->setVerticalSpacing(5);
    return form;
}

QWidget* row(QWidget* parent, std::initializer_list<QWidget*> widgets, int stretchIndex = 0) {
    auto* box = new QWidget(parent);
    auto* layout = new QHBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(6);
    int i = 0;
    for (QWidget* widget : widgets)
        layout->addWidget(widget, i++ == stretchIndex ? 1 : 0);
    return box;
}

} // namespace

ControlsPanel::ControlsPanel(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->setSpacing(8);

    // Scoring.
    auto* scoringGroup = new QGroupBox(tr("Scoring"), this);
    auto* scoringForm = makeForm(scoringGroup);
    m_kindControls = new AttentionKindControls(scoringForm);
    addErrorRow(scoringForm, QStringLiteral("attention"));
    addErrorRow(scoringForm, QStringLiteral("feature_map"));
    addErrorRow(scoringForm, QStringLiteral("features"));
    m_scoring = new CompactComboBox(scoringGroup);
    for (const core::ScoringEntry& entry : core::scoringFunctions())
        addItem(m_scoring, coreText(entry.label), static_cast<int>(entry.id), coreText(entry.help));
    m_scoring->setToolTip(tr("How a query and a key are turned into a score."));
    scoringForm->addRow(tr("&Function"), m_scoring);
    addErrorRow(scoringForm, QStringLiteral("scoring"));

    m_normalizer = new CompactComboBox(scoringGroup);
    for (const core::NormalizerEntry& entry : core::normalizers())
        addItem(m_normalizer, coreText(entry.label), static_cast<int>(entry.id),
                coreText(entry.help));
    m_normalizer->setToolTip(tr("How each row of logits becomes attention weights."));
    scoringForm->addRow(tr("&Normaliser"), m_normalizer);
    addErrorRow(scoringForm, QStringLiteral("normalizer"));

    m_temperatureSlider = new QSlider(Qt::Horizontal, scoringGroup);
    m_temperatureSlider->setRange(0, kSliderSteps);
    m_temperatureSlider->setPageStep(kSliderSteps / 20);
    m_temperatureSlider->setToolTip(tr("Divides every score by T (log scale): small T sharpens the "
                                       "weights, large T flattens them."));
    m_temperature = new QDoubleSpinBox(scoringGroup);
    m_temperature->setRange(kMinTemperature, kMaxTemperature);
    m_temperature->setDecimals(2);
    m_temperature->setStepType(QAbstractSpinBox::AdaptiveDecimalStepType);
    m_temperature->setToolTip(m_temperatureSlider->toolTip());
    m_temperature->setAccessibleName(tr("Temperature"));
    auto* temperatureLabel = new QLabel(tr("&Temperature"), scoringGroup);
    temperatureLabel->setBuddy(m_temperature);
    scoringForm->addRow(temperatureLabel, row(scoringGroup, {m_temperatureSlider, m_temperature}));
    addErrorRow(scoringForm, QStringLiteral("temperature"));
    layout->addWidget(scoringGroup);

    // Heads and widths.
    auto* headsGroup = new QGroupBox(tr("Heads and widths"), this);
    auto* headsForm = makeForm(headsGroup);
    m_heads = new QSpinBox(headsGroup);
    applyRange(m_heads, "heads");
    m_heads->setToolTip(tr("Number of attention heads; each head reads its own slice of the "
                           "embedding and draws its own heatmap."));
    headsForm->addRow(tr("&Heads"), m_heads);
    addErrorRow(headsForm, QStringLiteral("heads"));

    m_dModel = new QSpinBox(headsGroup);
    applyRange(m_dModel, "d_model");
    m_dModel->setToolTip(tr("Width d_model of the token embeddings."));
    headsForm->addRow(tr("d_&model"), m_dModel);
    addErrorRow(headsForm, QStringLiteral("d_model"));

    m_dK = new QSpinBox(headsGroup);
    applyRange(m_dK, "d_k");
    m_dKSet = new QCheckBox(tr("&set"), headsGroup);
    m_dKSet->setToolTip(tr("Choose d_k yourself instead of d_model / heads."));
    headsForm->addRow(tr("d_&k"), row(headsGroup, {m_dK, m_dKSet}));
    addErrorRow(headsForm, QStringLiteral("d_k"));
    layout->addWidget(headsGroup);

    // Mask.
    auto* maskGroup = new QGroupBox(tr("Mask"), this);
    auto* maskForm = makeForm(maskGroup);
    m_mask = new CompactComboBox(maskGroup);
    addItem(m_mask, tr("None"), static_cast<int>(core::MaskKind::None),
            tr("Every query sees every key."));
    addItem(m_mask, tr("Causal"), static_cast<int>(core::MaskKind::Causal),
            tr("A query sees only itself and earlier tokens, as in a decoder."));
    addItem(m_mask, tr("Padding"), static_cast<int>(core::MaskKind::Padding),
            tr("The sentence is padded with [PAD] tokens, which no query may see."));
    addItem(m_mask, tr("Sliding window"), static_cast<int>(core::MaskKind::Window),
            tr("A query sees only keys at most W positions away (local attention)."));
    addItem(m_mask, tr("Dilated"), static_cast<int>(core::MaskKind::Dilated),
            tr("A query sees every D-th key up to W·D positions away."));
    addItem(m_mask, tr("Strided"), static_cast<int>(core::MaskKind::Strided),
            tr("A query sees the keys less than S away and every S-th key (Sparse Transformer)."));
    addItem(m_mask, tr("Longformer"), static_cast<int>(core::MaskKind::Longformer),
            tr("A window of ±W plus G global tokens that see and are seen by every token."));
    addItem(m_mask, tr("BigBird"), static_cast<int>(core::MaskKind::BigBird),
            tr("Longformer plus R keys per query drawn at random from the seed."));
    addItem(m_mask, tr("Blocks"), static_cast<int>(core::MaskKind::Block),
            tr("A query sees only the keys of its own block of B tokens."));
    // Shown while a lesson's or a mask file's cells are in force, so that the control never
    // names another mask than the one computed.
    addItem(m_mask, tr("Custom"), static_cast<int>(core::MaskKind::Custom),
            tr("Cells blocked one by one: painted on the heatmaps, or set by a lesson or a "
               "mask file."));
    m_mask->setToolTip(tr("Which keys each query is allowed to see."));
    maskForm->addRow(tr("M&ask"), m_mask);
    addErrorRow(maskForm, QStringLiteral("mask"));

    m_padLength = new QSpinBox(maskGroup);
    m_padLength->setRange(1, kMaxWidth);
    m_padLength->setValue(8);
    m_padLength->setSuffix(tr(" tokens"));
    maskForm->addRow(tr("Pad to &length"), m_padLength);
    m_window = new QSpinBox(maskGroup);
    m_window->setRange(0, kMaxWidth);
    m_window->setValue(1);
    m_window->setPrefix(tr("±"));
    maskForm->addRow(tr("&Window width"), m_window);
    m_sparseMask = new SparseMaskControls(maskForm);
    layout->addWidget(maskGroup);

    // Positions and projections.
    auto* projectionGroup = new QGroupBox(tr("Positions and projections"), this);
    auto* projectionForm = makeForm(projectionGroup);
    m_positional = new CompactComboBox(projectionGroup);
    for (core::PositionalEncoding value : core::allPositionalEncodings())
        addItem(m_positional, positionalLabel(value), static_cast<int>(value), {});
    m_positional->setItemData(0, tr("Tokens carry no position; attention ignores word order."),
                              kToolTipRole);
    m_positional->setItemData(
        1, tr("Adds sine and cosine waves of the position to each embedding."), kToolTipRole);
    m_positional->setItemData(
        2, tr("Rotates q and k by their position so scores depend on distance."), kToolTipRole);
    m_positional->setItemData(3, tr("Subtracts a per-head penalty proportional to the distance."),
                              kToolTipRole);
    m_positional->setToolTip(tr("How the position of a token enters the computation."));
    projectionForm->addRow(tr("&Positions"), m_positional);
    addErrorRow(projectionForm, QStringLiteral("positional"));
    // The chosen encoding drawn for the current sentence, right under its control.
    m_positionalView = new PositionalView(PositionalView::Size::Compact, projectionGroup);
    m_positionalView->setObjectName(QStringLiteral("positionalPicture"));
    projectionForm->addRow(m_positionalView);

    m_projection = new CompactComboBox(projectionGroup);
    addItem(m_projection, tr("Identity slices"), static_cast<int>(core::ProjectionInit::Identity),
            tr("Head h reads embedding dimensions h·d_k … (h+1)·d_k unchanged."));
    addItem(m_projection, tr("Random (seeded)"), static_cast<int>(core::ProjectionInit::Random),
            tr("W_q, W_k, W_v drawn at random from the seed below, as at the start of training."));
    addItem(m_projection, tr("Manual"), static_cast<int>(core::ProjectionInit::Manual),
            tr("The matrices typed on the teaching panel's \"Your numbers\" page."));
    m_projection->setToolTip(tr("Where the projection matrices W_q, W_k and W_v come from."));
    projectionForm->addRow(tr("P&rojection"), m_projection);
    addErrorRow(projectionForm, QStringLiteral("projection"));

    m_seed = new QSpinBox(projectionGroup);
    m_seed->setRange(0, kMaxSeed);
    m_newSeed = new QPushButton(tr("New s&eed"), projectionGroup);
    m_newSeed->setToolTip(tr("Draws a new random seed, that is new random matrices."));
    projectionForm->addRow(tr("See&d"), row(projectionGroup, {m_seed, m_newSeed}));
    layout->addWidget(projectionGroup);

    // Input.
    auto* inputGroup = new QGroupBox(tr("Input"), this);
    auto* inputForm = makeForm(inputGroup);
    m_embeddings = new CompactComboBox(inputGroup);
    addItem(m_embeddings, tr("Built-in lexicon"), static_cast<int>(core::EmbeddingSource::Builtin),
            tr("The bilingual teaching lexicon: related English and Chinese words have related "
               "vectors."));
    addItem(m_embeddings, tr("File"), static_cast<int>(core::EmbeddingSource::File),
            tr("The vectors of the loaded embeddings file."));
    addItem(m_embeddings, tr("Manual"), static_cast<int>(core::EmbeddingSource::Manual),
            tr("The vectors typed on the teaching panel's \"Your numbers\" page."));
    setItemEnabled(m_embeddings, static_cast<int>(core::EmbeddingSource::File), false,
                   tr("Load a file first (Load file…)."));
    m_embeddings->setToolTip(tr("Where the vector of each token comes from."));
    m_loadEmbeddings = new QPushButton(tr("&Load file…"), inputGroup);
    m_loadEmbeddings->setToolTip(
        tr("Loads GloVe, word2vec or fastText vectors (.txt, .vec or .bin) and uses them."));
    auto* embeddingsLabel = new QLabel(tr("&Embeddings"), inputGroup);
    embeddingsLabel->setBuddy(m_embeddings);
    inputForm->addRow(embeddingsLabel, m_embeddings);
    // The button gets a row of its own, so the dock stays narrow.
    auto* loadRow = new QWidget(inputGroup);
    auto* loadLayout = new QHBoxLayout(loadRow);
    loadLayout->setContentsMargins(0, 0, 0, 0);
    loadLayout->addWidget(m_loadEmbeddings);
    loadLayout->addStretch(1);
    inputForm->addRow(QString(), loadRow);
    m_embeddingsInfo = new QLabel(inputGroup);
    m_embeddingsInfo->setWordWrap(true);
    m_embeddingsInfo->setTextFormat(Qt::PlainText);
    m_embeddingsInfo->setForegroundRole(QPalette::PlaceholderText);
    inputForm->addRow(m_embeddingsInfo);
    inputForm->setRowVisible(m_embeddingsInfo, false);
    addErrorRow(inputForm, QStringLiteral("embeddings"));

    m_tokenizer = new CompactComboBox(inputGroup);
    for (core::TokenizerMode value : core::allTokenizerModes())
        addItem(m_tokenizer, tokenizerLabel(value), static_cast<int>(value), {});
    m_tokenizer->setItemData(
        0, tr("Splits at word boundaries; Chinese text is split into words by ICU."), kToolTipRole);
    m_tokenizer->setItemData(1, tr("Every character is a token (useful for Chinese)."),
                             kToolTipRole);
    m_tokenizer->setItemData(2, tr("Splits only at spaces, so you decide the tokens."),
                             kToolTipRole);
    m_tokenizer->setToolTip(tr("How the sentence is split into tokens."));
    inputForm->addRow(tr("T&okens"), m_tokenizer);
    addErrorRow(inputForm, QStringLiteral("tokenizer"));
    layout->addWidget(inputGroup);
    layout->addStretch(1);
    // The combo boxes are CompactComboBoxes: as narrow as their short names allow, so that the
    // dock fits beside the heatmaps on a 720p projector; the open list shows the full texts.

    for (QWidget* widget :
         {static_cast<QWidget*>(m_scoring), static_cast<QWidget*>(m_normalizer),
          static_cast<QWidget*>(m_temperature), static_cast<QWidget*>(m_temperatureSlider)})
        m_ownToolTips.insert(widget, widget->toolTip());
    setConfig(core::Config{});
    connect(m_kindControls, &AttentionKindControls::changed, this, [this] {
        updateEnabled();
        emitChanged();
    });
    connect(m_sparseMask, &SparseMaskControls::changed, this, &ControlsPanel::emitChanged);

    for (QComboBox* box :
         {m_scoring, m_normalizer, m_mask, m_positional, m_projection, m_tokenizer})
        connect(box, &QComboBox::currentIndexChanged, this, [this] {
            updateEnabled();
            emitChanged();
        });
    connect(m_mask, &QComboBox::currentIndexChanged, this, &ControlsPanel::onMaskChanged);
    // Manual matrices are typed in the matrix editor: choosing them takes the user there.
    connect(m_projection, &QComboBox::currentIndexChanged, this, [this] {
        if (!m_updating &&
            currentValue(m_projection) == static_cast<int>(core::ProjectionInit::Manual))
            emit manualMatricesRequested();
    });
    connect(m_embeddings, &QComboBox::currentIndexChanged, this, [this] {
        if (m_updating)
            return;
        const bool file =
            currentValue(m_embeddings) == static_cast<int>(core::EmbeddingSource::File);
        const QSignalBlocker blocker(m_dModel);
        m_dModel->setValue(file && m_fileDimension > 0 ? m_fileDimension : m_builtinDModel);
        updateEnabled();
        emitChanged();
    });
    for (QSpinBox* box : {m_heads, m_dModel, m_dK, m_padLength, m_window, m_seed})
        connect(box, &QSpinBox::valueChanged, this, [this, box] {
            if (box == m_dModel && !m_updating &&
                currentValue(m_embeddings) == static_cast<int>(core::EmbeddingSource::Builtin))
                m_builtinDModel = m_dModel->value();
            updateDK();
            emitChanged();
        });
    connect(m_dKSet, &QCheckBox::toggled, this, [this](bool set) {
        if (set) {
            // Start from the nearest width that fits: d_model / heads, rounded down.
            const QSignalBlocker blocker(m_dK);
            m_dK->setSpecialValueText(QString());
            m_dK->setValue(std::max(1, m_dModel->value() / std::max(1, m_heads->value())));
        }
        updateEnabled();
        updateDK();
        emitChanged();
    });
    connect(m_temperatureSlider, &QSlider::valueChanged, this, &ControlsPanel::onTemperatureSlider);
    connect(m_temperature, &QDoubleSpinBox::valueChanged, this, &ControlsPanel::onTemperatureSpin);
    connect(m_newSeed, &QPushButton::clicked, this, [this] {
        // Small numbers are easier to read out in class than 32-bit ones.
        int seed = m_seed->value();
        while (seed == m_seed->value())
            seed = static_cast<int>(QRandomGenerator::global()->bounded(1, 100000));
        m_seed->setValue(seed);
    });
    connect(m_loadEmbeddings, &QPushButton::clicked, this, &ControlsPanel::loadEmbeddingsRequested);
}

ControlsPanel::~ControlsPanel() = default;

QStringList ControlsPanel::controlNames() {
    return {QStringLiteral("scoring"),  QStringLiteral("normalizer"), QStringLiteral("temperature"),
            QStringLiteral("heads"),    QStringLiteral("dModel"),     QStringLiteral("dK"),
            QStringLiteral("mask"),     QStringLiteral("positional"), QStringLiteral("projection"),
            QStringLiteral("seed"),     QStringLiteral("embeddings"), QStringLiteral("tokenizer"),
            QStringLiteral("attention")};
}

void ControlsPanel::setHiddenControls(const QStringList& names) {
    m_hidden.clear();
    const QList<QPair<QString, QList<QWidget*>>> rows{
        {QStringLiteral("scoring"), {m_scoring}},
        {QStringLiteral("normalizer"), {m_normalizer}},
        {QStringLiteral("temperature"), {m_temperature}},
        {QStringLiteral("heads"), {m_heads}},
        {QStringLiteral("dModel"), {m_dModel}},
        {QStringLiteral("dK"), {m_dK}},
        {QStringLiteral("mask"), {m_mask, m_padLength, m_window}},
        {QStringLiteral("positional"), {m_positional, m_positionalView}},
        {QStringLiteral("projection"), {m_projection}},
        {QStringLiteral("seed"), {m_seed}},
        {QStringLiteral("embeddings"), {m_embeddings, m_loadEmbeddings, m_embeddingsInfo}},
        {QStringLiteral("tokenizer"), {m_tokenizer}},
    };
    m_kindControls->setHidden(names.contains(QStringLiteral("attention")));
    if (names.contains(QStringLiteral("attention")))
        m_hidden.append(QStringLiteral("attention"));
    const QList<QFormLayout*> forms = findChildren<QFormLayout*>();
    for (const auto& [name, widgets] : rows) {
        const bool hide = names.contains(name);
        if (hide)
            m_hidden.append(name);
        for (QWidget* widget : widgets) {
            // The row is the widget itself or the composite (slider + spin box) that holds it.
            for (QWidget* w = widget; w && w != this; w = w->parentWidget()) {
                QFormLayout* owner = nullptr;
                for (QFormLayout* form : forms)
                    if (form->indexOf(w) >= 0)
                        owner = form;
                if (owner) {
                    owner->setRowVisible(w, !hide);
                    break;
                }
            }
        }
    }
    m_sparseMask->setPattern(static_cast<core::MaskKind>(currentValue(m_mask)),
                             m_hidden.contains(QStringLiteral("mask")));
}

bool ControlsPanel::event(QEvent* event) {
    const bool handled = QWidget::event(event);
    // Rows appear and disappear with the settings (a feature map, a mask's parameters), and an
    // error row can hold a long word: the layout's new minimum reaches the dock through this.
    if (event->type() == QEvent::LayoutRequest) {
        const int width = minimumSizeHint().width();
        if (width != m_minimumWidth) {
            m_minimumWidth = width;
            emit minimumWidthChanged();
        }
    }
    return handled;
}

QLabel* ControlsPanel::addErrorRow(QFormLayout* form, const QString& field) {
    auto* label = new QLabel(form->parentWidget());
    label->setWordWrap(true);
    label->setTextFormat(Qt::PlainText);
    label->setObjectName(QStringLiteral("error_") + field);
    // Dark red on the window colour: readable in light themes and on projectors.
    label->setStyleSheet(QStringLiteral("QLabel { color: #b3261e; }"));
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    form->addRow(label);
    form->setRowVisible(label, false);
    m_errors.insert(field, {form, label});
    return label;
}

double ControlsPanel::temperatureForSlider(int position) {
    const double t = static_cast<double>(position) / kSliderSteps;
    return kMinTemperature * std::pow(kMaxTemperature / kMinTemperature, t);
}

int ControlsPanel::sliderForTemperature(double temperature) {
    const double clamped = std::clamp(temperature, kMinTemperature, kMaxTemperature);
    const double t =
        std::log(clamped / kMinTemperature) / std::log(kMaxTemperature / kMinTemperature);
    return static_cast<int>(std::lround(t * kSliderSteps));
}

void ControlsPanel::onTemperatureSlider(int position) {
    if (m_updating)
        return;
    {
        const QSignalBlocker blocker(m_temperature);
        m_temperature->setValue(temperatureForSlider(position));
    }
    emitChanged();
}

void ControlsPanel::onTemperatureSpin(double value) {
    if (m_updating)
        return;
    {
        const QSignalBlocker blocker(m_temperatureSlider);
        m_temperatureSlider->setValue(sliderForTemperature(value));
    }
    emitChanged();
}

void ControlsPanel::onMaskChanged() {
    if (m_updating)
        return;
    // Padding shorter than the sentence is an error; start a little above the token count.
    if (currentValue(m_mask) == static_cast<int>(core::MaskKind::Padding) &&
        m_padLength->value() < m_tokenCount) {
        const QSignalBlocker blocker(m_padLength);
        m_padLength->setValue(m_tokenCount + 2);
        emitChanged();
    }
}

core::Config ControlsPanel::config() const {
    core::Config config = m_base;
    config.sentence.clear();
    config.source.clear();
    config.table.reset();
    config.scoring = static_cast<core::ScoringFunction>(currentValue(m_scoring));
    config.normalizer = static_cast<core::Normalizer>(currentValue(m_normalizer));
    config.temperature = static_cast<float>(m_temperature->value());
    config.heads = m_heads->value();
    config.dModel = m_dModel->value();
    config.dK = m_dKSet->isChecked() ? m_dK->value() : 0;
    config.mask.kind = static_cast<core::MaskKind>(currentValue(m_mask));
    config.mask.padLength = m_padLength->value();
    config.mask.window = m_window->value();
    m_sparseMask->apply(config.mask);
    m_kindControls->apply(config);
    config.positional = static_cast<core::PositionalEncoding>(currentValue(m_positional));
    config.projection = static_cast<core::ProjectionInit>(currentValue(m_projection));
    config.seed = static_cast<std::uint64_t>(m_seed->value());
    config.embeddings = static_cast<core::EmbeddingSource>(currentValue(m_embeddings));
    config.tokenizer.mode = static_cast<core::TokenizerMode>(currentValue(m_tokenizer));
    return config;
}

void ControlsPanel::setConfig(const core::Config& config) {
    m_updating = true; // every handler returns early: no configChanged while restoring
    m_base = config;
    selectValue(m_scoring, static_cast<int>(config.scoring));
    selectValue(m_normalizer, static_cast<int>(config.normalizer));
    m_temperature->setValue(config.temperature);
    m_temperatureSlider->setValue(sliderForTemperature(config.temperature));
    m_heads->setValue(config.heads);
    m_dModel->setValue(config.dModel);
    if (config.embeddings == core::EmbeddingSource::Builtin)
        m_builtinDModel = config.dModel;
    m_dKSet->setChecked(config.dK > 0);
    if (config.dK > 0)
        m_dK->setValue(config.dK);
    selectValue(m_mask, static_cast<int>(config.mask.kind));
    if (config.mask.padLength > 0)
        m_padLength->setValue(config.mask.padLength);
    m_window->setValue(config.mask.window);
    m_sparseMask->show(config.mask);
    m_kindControls->show(config);
    selectValue(m_positional, static_cast<int>(config.positional));
    selectValue(m_projection, static_cast<int>(config.projection));
    m_seed->setValue(static_cast<int>(std::min<std::uint64_t>(config.seed, kMaxSeed)));
    if (config.embeddings != core::EmbeddingSource::File || m_fileDimension > 0)
        selectValue(m_embeddings, static_cast<int>(config.embeddings));
    selectValue(m_tokenizer, static_cast<int>(config.tokenizer.mode));
    m_updating = false;
    updateEnabled();
    updateDK();
}

void ControlsPanel::setCrossAttention(bool cross) {
    if (cross == m_cross)
        return;
    m_cross = cross;
    updateEnabled();
}

void ControlsPanel::setTokenCount(int tokens) {
    m_tokenCount = tokens;
}

void ControlsPanel::setEmbeddingsFile(const QString& path, int dimension) {
    m_fileDimension = dimension;
    const bool loaded = dimension > 0;
    setItemEnabled(m_embeddings, static_cast<int>(core::EmbeddingSource::File), loaded,
                   tr("Load a file first (Load file…)."));
    const int fileIndex = m_embeddings->findData(static_cast<int>(core::EmbeddingSource::File));
    m_embeddings->setItemText(fileIndex,
                              loaded ? tr("File: %1").arg(QFileInfo(path).fileName()) : tr("File"));
    m_embeddingsInfo->setText(loaded ? tr("%1 (%2 numbers per word)").arg(path).arg(dimension)
                                     : QString());
    m_embeddingsInfo->setToolTip(path);
    if (auto* form = m_errors.value(QStringLiteral("embeddings")).form)
        form->setRowVisible(m_embeddingsInfo, loaded);
    if (loaded) {
        m_updating = true;
        {
            const QSignalBlocker blockEmbeddings(m_embeddings);
            const QSignalBlocker blockDModel(m_dModel);
            m_embeddings->setCurrentIndex(fileIndex);
            m_dModel->setValue(dimension);
        }
        m_updating = false;
        updateEnabled();
        updateDK();
    }
}

bool ControlsPanel::setError(const QString& field, const QString& message) {
    const auto it = m_errors.constFind(field);
    if (it == m_errors.constEnd())
        return false;
    it->label->setText(message);
    it->form->setRowVisible(it->label, !message.isEmpty());
    return true;
}

void ControlsPanel::clearErrors() {
    for (auto it = m_errors.cbegin(); it != m_errors.cend(); ++it) {
        if (it->label->text().isEmpty())
            continue;
        it->label->clear();
        it->form->setRowVisible(it->label, false);
    }
}

QString ControlsPanel::errorText(const QString& field) const {
    const auto it = m_errors.constFind(field);
    return it == m_errors.constEnd() ? QString() : it->label->text();
}

QList<QWidget*> ControlsPanel::tabOrder() const {
    QList<QWidget*> order = m_kindControls->tabOrder();
    order << m_scoring << m_normalizer << m_temperatureSlider << m_temperature << m_heads
          << m_dModel << m_dK << m_dKSet << m_mask << m_padLength << m_window;
    order << m_sparseMask->tabOrder();
    order << m_positional << m_projection << m_seed << m_newSeed << m_embeddings << m_loadEmbeddings
          << m_tokenizer;
    return order;
}

void ControlsPanel::updateEnabled() {
    const auto mask = static_cast<core::MaskKind>(currentValue(m_mask));
    setItemEnabled(
        m_mask, static_cast<int>(core::MaskKind::Causal), !m_cross,
        tr("Causal masking applies to self-attention only; clear the source sentence to use it."));
    // Custom is a choice only when there are cells to return to (config() keeps them).
    setItemEnabled(m_mask, static_cast<int>(core::MaskKind::Custom),
                   mask == core::MaskKind::Custom || !m_base.mask.blocked.empty(),
                   tr("No custom mask: paint one on the heatmaps (Edit → Paint Mask), or open "
                      "a lesson with one, or start with --mask custom:FILE."));
    const bool padding = mask == core::MaskKind::Padding;
    m_padLength->setEnabled(padding);
    m_padLength->setToolTip(padding
                                ? tr("Total length the sentence is padded to with [PAD] tokens.")
                                : tr("Only used by the padding mask."));
    const bool window = SparseMaskControls::usesWindow(mask);
    m_window->setEnabled(window);
    m_window->setToolTip(window ? tr("A query sees keys at most this many positions away.")
                                : tr("Only used by the sliding-window, dilated, longformer and "
                                     "BigBird masks."));
    m_sparseMask->setPattern(mask, m_hidden.contains(QStringLiteral("mask")));

    // Linear attention weighs keys through its feature map: scores, normaliser and temperature
    // do not apply, and the schema says why.
    core::Config kind;
    m_kindControls->apply(kind);
    const core::Message notForKind = core::findSetting("scoring")->notApplicable(kind);
    for (auto it = m_ownToolTips.cbegin(); it != m_ownToolTips.cend(); ++it) {
        it.key()->setEnabled(notForKind.text.empty());
        it.key()->setToolTip(notForKind.text.empty() ? it.value() : coreText(notForKind));
    }

    const bool random =
        currentValue(m_projection) == static_cast<int>(core::ProjectionInit::Random);
    m_seed->setEnabled(random);
    m_newSeed->setEnabled(random);
    m_seed->setToolTip(
        random ? tr("Seed of the random matrices; the same seed gives the same numbers everywhere.")
               : tr("Only used by random projections; identity slices need no seed."));

    const bool file = currentValue(m_embeddings) == static_cast<int>(core::EmbeddingSource::File);
    const bool manual =
        currentValue(m_embeddings) == static_cast<int>(core::EmbeddingSource::Manual);
    m_dModel->setEnabled(!file && !manual);
    m_dModel->setToolTip(
        file ? tr("Set by the embeddings file: its vectors have %1 numbers.").arg(m_fileDimension)
        : manual ? tr("Set by the width of the typed embeddings (\"Your numbers\" page).")
                 : tr("Width d_model of the token embeddings; the built-in lexicon "
                      "is available at any width."));

    const bool setDK = m_dKSet->isChecked();
    m_dK->setEnabled(setDK);
    m_dK->setToolTip(setDK ? tr("Width d_k of each head's queries and keys.")
                           : tr("Follows d_model / heads; tick \"set\" to choose it yourself."));
}

void ControlsPanel::updateDK() {
    const QSignalBlocker blocker(m_dK);
    if (m_dKSet->isChecked()) {
        m_dK->setSpecialValueText(QString());
        return;
    }
    // Following d_model / heads: a dash when that is not a whole number (heads shows why).
    const int heads = std::max(1, m_heads->value());
    const bool divides = m_dModel->value() % heads == 0;
    m_dK->setSpecialValueText(divides ? QString() : QStringLiteral("—"));
    m_dK->setValue(divides ? m_dModel->value() / heads : m_dK->minimum());
}

void ControlsPanel::emitChanged() {
    if (m_updating)
        return;
    emit configChanged(config());
}

} // namespace attnlab::ui
