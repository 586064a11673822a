#pragma once
// Worked examples with your own numbers: tables for the embeddings X (n × d, d ≤ 8), the
// projections W_q, W_k, W_v of each head and the scoring settings without a place in the
// controls dock, plus the built-in presets that reproduce the tutorials (seed 001, seed 003).
// Every edit asks for a new configuration (configRequested); applyTo() puts the typed matrices
// into any configuration, fitted to its sentence and widths.

#include "core/model/builtin_model.h"
#include "core/teaching/presets.h"

#include <QWidget>

#include <functional>
#include <memory>
#include <string>
#include <vector>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QGroupBox;
class QLabel;
class QPushButton;
class QSpinBox;

namespace attnlab::ui {

class MatrixTable;

class MatrixEditor : public QWidget {
    Q_OBJECT

public:
    /// Widest manual embeddings: a table a class can read and type.
    static constexpr int kMaxEmbeddingWidth = 8;
    /// Largest projection matrix (d_model · d_k cells) the editor fills in.
    static constexpr int kMaxProjectionCells = 512 * 512;

    explicit MatrixEditor(QWidget* parent = nullptr);
    ~MatrixEditor() override;

    /// Where the configuration edits start from (the workspace's newest request). Without it
    /// the configuration of the last result is used.
    void setBaseConfigProvider(std::function<core::Config()> provider);
    /// Mirrors the result: its tokens and head count, and its embeddings and projections
    /// whenever d_model ≤ kMaxEmbeddingWidth (typed or not), so that editing a cell changes
    /// only that number.
    void setResult(std::shared_ptr<const core::ModelOutput> result);

    /// `config` with the typed matrices filled in where it asks for manual embeddings or
    /// projections, fitted to its tokens (rows of known tokens kept, new tokens from the
    /// lexicon), d_model, d_k and head count. Other configurations come back unchanged.
    core::Config applyTo(core::Config config) const;

    /// Loads a worked example into the tables and requests its configuration.
    void loadPreset(core::Preset preset);
    /// Copies X and the projections of the current result into the tables (d_model ≤ 8) and
    /// switches both to manual. Returns false (and says why in the status line) otherwise.
    bool copyNumbersInUse();
    void setManualEmbeddings(bool on);
    void setManualProjection(bool on);
    /// Width d of the manual embeddings, 1 … kMaxEmbeddingWidth.
    void setEmbeddingWidth(int width);
    int embeddingWidth() const { return m_width; }
    /// The head whose W_q, W_k, W_v the tables show.
    void setEditedHead(int head);

    // Accessors for tests.
    // (The tables of a hidden editor are refreshed when it is shown or asked for them.)
    MatrixTable* queryTable();
    MatrixTable* keyTable();
    MatrixTable* projectionTable(int which); ///< 0 W_q, 1 W_k, 2 W_v
    QComboBox* presetBox() const { return m_presetBox; }
    QCheckBox* manualEmbeddingsBox() const { return m_manualX; }
    QCheckBox* manualProjectionBox() const { return m_manualW; }
    QString statusText() const;

    /// Translated title and one-paragraph explanation of a preset.
    static QString presetTitle(core::Preset preset);
    static QString presetDescription(core::Preset preset);

signals:
    /// The workspace should compute this configuration (complete, sentence included).
    void configRequested(const core::Config& config);

protected:
    void showEvent(QShowEvent* event) override;

private:
    core::Config baseConfig() const;
    void request(core::Config config);
    void refreshTables();
    void refreshTablesNow();
    void refreshControls();
    void onEmbeddingEdited(bool source, int row, int col, double value);
    void onProjectionEdited(int which, int row, int col, double value);
    std::vector<std::string> queryTokenTexts() const;
    bool hasNumbersInUse() const;
    bool takeNumbersInUse();
    void setStatus(const QString& text);

    std::function<core::Config()> m_baseProvider;
    std::shared_ptr<const core::ModelOutput> m_result;

    // The typed numbers and the tokens their rows belong to.
    core::Matrix m_x, m_xk;
    std::vector<std::string> m_xTokens, m_xkTokens;
    std::vector<core::Matrix> m_w[3]; ///< W_q, W_k, W_v per head
    int m_width = 4;
    int m_head = 0;
    core::EmbeddingSource m_previousEmbeddings = core::EmbeddingSource::Builtin;
    core::ProjectionInit m_previousProjection = core::ProjectionInit::Identity;
    bool m_updating = false;
    bool m_tablesDirty = false;   ///< a hidden editor refreshes its tables when shown
    std::string m_statusSentence; ///< the sentence the status message is about

    QComboBox* m_presetBox = nullptr;
    QPushButton* m_loadPreset = nullptr;
    QLabel* m_presetText = nullptr;
    QPushButton* m_copyInUse = nullptr;
    QLabel* m_status = nullptr;
    QCheckBox* m_manualX = nullptr;
    QSpinBox* m_widthBox = nullptr;
    QLabel* m_xkCaption = nullptr;
    QLabel* m_xNote = nullptr;
    MatrixTable* m_xTable = nullptr;
    MatrixTable* m_xkTable = nullptr;
    QCheckBox* m_manualW = nullptr;
    QComboBox* m_headBox = nullptr;
    QLabel* m_headLabel = nullptr;
    MatrixTable* m_wTables[3] = {nullptr, nullptr, nullptr};
    QLabel* m_wNote = nullptr;
    QDoubleSpinBox* m_cosineScale = nullptr;
    QSpinBox* m_additiveWidth = nullptr;
};

} // namespace attnlab::ui
