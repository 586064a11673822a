#pragma once
// The settings of one attention computation as grouped controls (the content of the controls
// dock). Every change emits the whole configuration; choices that cannot apply are disabled with
// the reason in their tooltip; errors from the controller appear inline under their control.

#include "core/model/builtin_model.h"

#include <QHash>
#include <QString>
#include <QStringList>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QFormLayout;
class QLabel;
class QPushButton;
class QSlider;
class QSpinBox;

namespace attnlab::ui {

class AttentionKindControls;
class PositionalView;
class SparseMaskControls;

class ControlsPanel : public QWidget {
    Q_OBJECT

public:
    /// Temperature range of the slider and spin box (log scale).
    static constexpr double kMinTemperature = 0.05;
    static constexpr double kMaxTemperature = 20.0;
    static constexpr int kSliderSteps = 1000;

    explicit ControlsPanel(QWidget* parent = nullptr);
    ~ControlsPanel() override;

    /// The settings as the controls show them; sentence, source and tables are left empty.
    core::Config config() const;
    /// Shows `config` without emitting configChanged. Sentence and source are ignored.
    void setConfig(const core::Config& config);

    /// Cross-attention disables the causal mask (with the reason).
    void setCrossAttention(bool cross);
    /// Number of query tokens of the current sentence: the padding length starts above it.
    void setTokenCount(int tokens);
    /// An embeddings file was loaded: its entry becomes selectable and selected, and d_model
    /// follows its width.
    void setEmbeddingsFile(const QString& path, int dimension);

    /// Shows `message` under the control of `field` (names as AttentionController::fieldForError);
    /// an empty message clears it. Returns false when `field` names no control.
    bool setError(const QString& field, const QString& message);
    void clearErrors();
    /// The inline error shown for `field`, empty when none.
    QString errorText(const QString& field) const;

    /// Log-scale mapping between slider position 0 … kSliderSteps and temperature.
    static double temperatureForSlider(int position);
    static int sliderForTemperature(double temperature);

    /// Names of the controls a lesson may hide (the names of setError's fields).
    static QStringList controlNames();
    /// Hides the rows of the named controls (a teacher-locked lesson); the others are shown.
    /// Unknown names are ignored.
    void setHiddenControls(const QStringList& names);
    QStringList hiddenControls() const { return m_hidden; }

    /// Controls in keyboard (tab) order, for the main window's tab chain.
    QList<QWidget*> tabOrder() const;

    // Accessors for tests and the main window's menus.
    QComboBox* scoringBox() const { return m_scoring; }
    QComboBox* normalizerBox() const { return m_normalizer; }
    QDoubleSpinBox* temperatureBox() const { return m_temperature; }
    QSlider* temperatureSlider() const { return m_temperatureSlider; }
    QSpinBox* headsBox() const { return m_heads; }
    QSpinBox* dModelBox() const { return m_dModel; }
    QSpinBox* dKBox() const { return m_dK; }
    QCheckBox* dKSetBox() const { return m_dKSet; }
    QComboBox* maskBox() const { return m_mask; }
    QSpinBox* padLengthBox() const { return m_padLength; }
    QSpinBox* windowBox() const { return m_window; }
    QComboBox* positionalBox() const { return m_positional; }
    QComboBox* projectionBox() const { return m_projection; }
    QSpinBox* seedBox() const { return m_seed; }
    QPushButton* newSeedButton() const { return m_newSeed; }
    QComboBox* embeddingsBox() const { return m_embeddings; }
    QPushButton* loadEmbeddingsButton() const { return m_loadEmbeddings; }
    QComboBox* tokenizerBox() const { return m_tokenizer; }
    AttentionKindControls* kindControls() const { return m_kindControls; }
    /// The chosen positional encoding drawn for the current result (under the Positions
    /// control); the main window passes it each result and the selected head.
    PositionalView* positionalView() const { return m_positionalView; }
    SparseMaskControls* sparseMaskControls() const { return m_sparseMask; }

signals:
    void configChanged(const attnlab::core::Config& config);
    /// The user asked to load an embeddings file ("Load file…").
    void loadEmbeddingsRequested();
    /// The user chose Projection = Manual: the matrices are typed in the matrix editor.
    void manualMatricesRequested();
    /// The width the controls need changed (rows shown or hidden, a new font): the dock that
    /// holds them should fit them again.
    void minimumWidthChanged();

protected:
    bool event(QEvent* event) override;

private:
    QLabel* addErrorRow(QFormLayout* form, const QString& field);
    void emitChanged();
    void updateEnabled();
    void updateDK();
    void onTemperatureSlider(int position);
    void onTemperatureSpin(double value);
    void onMaskChanged();

    QComboBox* m_scoring = nullptr;
    QComboBox* m_normalizer = nullptr;
    QSlider* m_temperatureSlider = nullptr;
    QDoubleSpinBox* m_temperature = nullptr;
    QSpinBox* m_heads = nullptr;
    QSpinBox* m_dModel = nullptr;
    QSpinBox* m_dK = nullptr;
    QCheckBox* m_dKSet = nullptr;
    QComboBox* m_mask = nullptr;
    QSpinBox* m_padLength = nullptr;
    QSpinBox* m_window = nullptr;
    QComboBox* m_positional = nullptr;
    QComboBox* m_projection = nullptr;
    QSpinBox* m_seed = nullptr;
    QPushButton* m_newSeed = nullptr;
    QComboBox* m_embeddings = nullptr;
    QPushButton* m_loadEmbeddings = nullptr;
    QLabel* m_embeddingsInfo = nullptr;
    QComboBox* m_tokenizer = nullptr;
    AttentionKindControls* m_kindControls = nullptr;
    PositionalView* m_positionalView = nullptr;
    SparseMaskControls* m_sparseMask = nullptr;
    QHash<QWidget*, QString> m_ownToolTips; ///< of controls a kind of attention disables

    struct ErrorRow {
        QFormLayout* form = nullptr;
        QLabel* label = nullptr;
    };
    QHash<QString, ErrorRow> m_errors;

    QStringList m_hidden;
    bool m_cross = false;
    int m_tokenCount = 0;
    int m_fileDimension = 0;
    int m_builtinDModel = 64; ///< d_model to return to when switching back from a file
    int m_minimumWidth = 0;   ///< minimumSizeHint().width() when it was last announced
    bool m_updating = false;  ///< set while the panel changes its own controls
    core::Config m_base;      ///< fields without a control (cosine scale, manual matrices, …)
};

} // namespace attnlab::ui
