// Pretrained transformers in the window: File → Open Model… lists the models of the local caches
// or takes any model folder, reads it on a worker, and makes it the model every view shows; the
// model bar picks the layer, switches words and special tokens, and shows the predictions.

#include "main_window.h"

#include "attention_controller.h"
#include "core_text.h"
#include "teaching_panel.h"

#include "core/pretrained/model_folder.h"
#include "core/pretrained/transformer_maps.h"
#include "core/trained/model_loader.h"
#include "core/trained/trained_model.h"

#include <QApplication>
#include <QCheckBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPointer>
#include <QPushButton>
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>
#include <QThreadPool>
#include <QVBoxLayout>

namespace attnlab::ui {

namespace {

constexpr auto kLastModelKey = "model/lastFolder";
constexpr int kPredictionsShown = 5;

// The models of the local caches, and a way to any folder, with how to get a model when there is
// none (no weights ship with the program).
class ModelChooser : public QDialog {
public:
    explicit ModelChooser(const QString& lastFolder, QWidget* parent) : QDialog(parent) {
        setWindowTitle(MainWindow::tr("Open Model"));
        auto* layout = new QVBoxLayout(this);
        auto* intro = new QLabel(
            MainWindow::tr("A model folder holds config.json, the weights as .safetensors and "
                           "the tokenizer files, as model hubs (Hugging Face, ModelScope) "
                           "download them. GPT-2, BERT, Llama, Qwen2 and Mistral run here. To "
                           "get one, for example: huggingface-cli download gpt2 (or "
                           "bert-base-chinese, Qwen/Qwen2.5-0.5B, HuggingFaceTB/SmolLM2-135M); "
                           "it then appears in this list."),
            this);
        intro->setWordWrap(true);
        layout->addWidget(intro);
        m_list = new QListWidget(this);
        const std::vector<core::CachedModel> cached =
            core::findCachedModels(core::defaultModelCacheRoots());
        for (const core::CachedModel& model : cached) {
            auto* item = new QListWidgetItem(
                MainWindow::tr("%1 · %2 · %3")
                    .arg(qs(model.displayName), qs(model.architecture), qs(model.source)),
                m_list);
            item->setData(Qt::UserRole, qs(model.path));
            item->setToolTip(qs(model.path));
            if (!model.supported) {
                item->setFlags(item->flags() & ~Qt::ItemIsEnabled);
                item->setToolTip(MainWindow::tr("%1 (not supported here: an architecture other "
                                                "than GPT-2, BERT or the Llama family, or no "
                                                ".safetensors weights)")
                                     .arg(qs(model.path)));
            }
        }
        if (cached.empty())
            new QListWidgetItem(MainWindow::tr("No model in the local caches "
                                               "(~/.cache/huggingface/hub, "
                                               "~/.cache/modelscope/hub)."),
                                m_list);
        layout->addWidget(m_list, 1);
        auto* buttons =
            new QDialogButtonBox(QDialogButtonBox::Open | QDialogButtonBox::Cancel, this);
        QPushButton* browse =
            buttons->addButton(MainWindow::tr("Choose &Folder…"), QDialogButtonBox::ActionRole);
        layout->addWidget(buttons);
        connect(buttons, &QDialogButtonBox::accepted, this, [this] {
            if (QListWidgetItem* item = m_list->currentItem();
                item && !item->data(Qt::UserRole).toString().isEmpty()) {
                m_folder = item->data(Qt::UserRole).toString();
                accept();
            }
        });
        connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
        connect(m_list, &QListWidget::itemDoubleClicked, buttons, &QDialogButtonBox::accepted);
        connect(browse, &QPushButton::clicked, this, [this, lastFolder] {
            const QString folder = QFileDialog::getExistingDirectory(
                this, MainWindow::tr("Model Folder"),
                lastFolder.isEmpty() ? QDir::homePath() : lastFolder);
            if (!folder.isEmpty()) {
                m_folder = folder;
                accept();
            }
        });
        resize(620, 420);
    }

    QString folder() const { return m_folder; }

private:
    QListWidget* m_list = nullptr;
    QString m_folder;
};

} // namespace

void MainWindow::buildModelBar(QHBoxLayout* layout) {
    m_predictionLabel = new QLabel(m_importBar);
    m_predictionLabel->setTextFormat(Qt::PlainText);
    m_predictionLabel->setWordWrap(true);
    m_predictionLabel->setToolTip(tr("What the model predicts: the next token after the last one "
                                     "(GPT-2, Llama), or the words for [MASK] (BERT; type [MASK] "
                                     "in the sentence)."));
    layout->insertWidget(1, m_predictionLabel, 1);
    m_modelWords = new QCheckBox(tr("&Words"), m_importBar);
    m_modelWords->setToolTip(tr("Show words instead of the model's pieces: the weight from a "
                                "query word to a key word is the mean over the query word's "
                                "pieces of the sum over the key word's pieces."));
    layout->insertWidget(2, m_modelWords);
    m_modelSpecials = new QCheckBox(tr("&Special tokens"), m_importBar);
    m_modelSpecials->setChecked(true);
    m_modelSpecials->setToolTip(tr("Show the tokens the tokenizer adds ([CLS], [SEP], <s>). "
                                   "Hidden, they still take part in the run, so rows may sum to "
                                   "less than 1."));
    layout->insertWidget(3, m_modelSpecials);
    connect(m_modelWords, &QCheckBox::toggled, this, [this] { applyTransformerSettings(); });
    connect(m_modelSpecials, &QCheckBox::toggled, this, [this] { applyTransformerSettings(); });
    for (QWidget* widget :
         {static_cast<QWidget*>(m_predictionLabel), static_cast<QWidget*>(m_modelWords),
          static_cast<QWidget*>(m_modelSpecials)})
        widget->hide();
}

void MainWindow::chooseModel() {
    std::unique_ptr<QSettings> settings = openSettings();
    ModelChooser chooser(settings->value(kLastModelKey).toString(), this);
    if (chooser.exec() == QDialog::Accepted && !chooser.folder().isEmpty())
        openModelFolder(chooser.folder());
}

void MainWindow::openModelFolder(const QString& folder) {
    if (m_modelLoading)
        return;
    m_modelLoading = true;
    statusBar()->showMessage(tr("Reading the model in %1 …").arg(QDir::toNativeSeparators(folder)));
    // The weights are mapped, not read, but a large tokenizer takes a moment: off the UI thread.
    QPointer<MainWindow> self(this);
    QThreadPool::globalInstance()->start([self, path = folder.toStdString()] {
        std::shared_ptr<const core::TransformerModel> model;
        std::shared_ptr<const core::TrainedModel> trained;
        // What went wrong, as the core wrote it; translated on the UI thread.
        core::Message failure;
        try {
            if (core::isTrainedModel(path))
                trained = core::TrainedModel::load(path);
            else
                model = core::TransformerModel::load(path);
        } catch (const core::InputError& input) {
            failure = input.message();
        } catch (const core::FileError& file) {
            failure = file.message();
        } catch (const std::exception& other) {
            failure = core::Message{other.what(), {}, {}};
        }
        QMetaObject::invokeMethod(
            qApp,
            [self, model, trained, failure, path] {
                if (!self)
                    return;
                const QString error = failure.text.empty() ? QString() : coreText(failure);
                self->m_modelLoading = false;
                self->statusBar()->clearMessage();
                if (trained) {
                    // A model trained by the program: its layers × heads on the typed tokens.
                    self->openSettings()->setValue(kLastModelKey, QString::fromStdString(path));
                    self->closeImport();
                    self->closeModel();
                    self->m_trainedModel = trained;
                    self->updateWhatIf();
                    self->m_layer = 0;
                    const core::training::SavedModel& saved = trained->saved();
                    self->m_importLabel->setText(
                        tr("Model %1, trained by Attention Lab on the %2 task for %3 steps: %4 "
                           "layers × %5 heads, d_model %6. Type tokens of its task (for "
                           "example digits separated by spaces).")
                            .arg(qs(trained->name()), qs(std::string(core::training::toString(
                                                          saved.settings.task.kind))))
                            .arg(saved.steps)
                            .arg(saved.config.layers)
                            .arg(saved.config.heads)
                            .arg(saved.config.dModel));
                    self->m_importBar->show();
                    self->m_teaching->setCurrentIndex(0);
                    for (int tab = 1; tab < self->m_teaching->count(); ++tab)
                        self->m_teaching->setTabEnabled(tab, false);
                    self->enableModelPages();
                    self->m_controlsDock->setEnabled(false);
                    self->m_source->setEnabled(false);
                    self->m_selectedOnce = false;
                    self->m_controller->setModel(trained);
                    emit self->modelOpened();
                    return;
                }
                if (!model) {
                    self->reportError(tr("Open Model"),
                                      tr("The model could not be opened.\n\n%1").arg(error));
                    emit self->modelFailed(error);
                    return;
                }
                self->openSettings()->setValue(kLastModelKey, QString::fromStdString(path));
                self->closeImport();
                self->m_trainedModel.reset();
                self->m_transformer = model;
                self->updateWhatIf();
                self->m_layer = 0;
                const core::ModelInfo& info = model->info();
                self->m_importLabel->setText(tr("Model %1 (%2): %3 layers × %4 heads, d_model %5.")
                                                 .arg(qs(model->name()), qs(info.architecture))
                                                 .arg(info.layers)
                                                 .arg(info.heads)
                                                 .arg(info.dModel));
                self->m_importBar->show();
                self->m_modelWords->show();
                self->m_modelSpecials->show();
                // The model has its own scoring, heads and masks; the teaching pages explain the
                // built-in layer.
                self->m_teaching->setCurrentIndex(0);
                for (int tab = 1; tab < self->m_teaching->count(); ++tab)
                    self->m_teaching->setTabEnabled(tab, false);
                self->enableModelPages();
                self->m_controlsDock->setEnabled(false);
                self->m_source->setEnabled(false);
                self->m_selectedOnce = false;
                self->applyTransformerSettings();
                emit self->modelOpened();
            },
            Qt::QueuedConnection);
    });
}

void MainWindow::applyTransformerSettings() {
    if (!m_transformer)
        return;
    core::TransformerSettings settings = m_transformer->settings();
    settings.words = m_modelWords->isChecked();
    settings.showSpecialTokens = m_modelSpecials->isChecked();
    applyWhatIf(settings);
    m_controller->setModel(m_transformer->withSettings(settings));
}

void MainWindow::closeModel() {
    if (!m_transformer && !m_trainedModel)
        return;
    m_transformer.reset();
    m_trainedModel.reset();
    updateWhatIf();
    m_importBar->hide();
    for (QWidget* widget :
         {static_cast<QWidget*>(m_predictionLabel), static_cast<QWidget*>(m_modelWords),
          static_cast<QWidget*>(m_modelSpecials)})
        widget->hide();
    for (int tab = 1; tab < m_teaching->count(); ++tab)
        m_teaching->setTabEnabled(tab, true);
    m_controlsDock->setEnabled(true);
    m_source->setEnabled(true);
    m_selectedOnce = false;
    m_layer = 0;
    m_controller->setModel(nullptr);
}

void MainWindow::setModelWords(bool words) {
    m_modelWords->setChecked(words);
}

void MainWindow::setModelSpecialTokens(bool show) {
    m_modelSpecials->setChecked(show);
}

QString MainWindow::predictionText() const {
    if (!m_result || m_result->predictions.empty())
        return {};
    QStringList lines;
    for (const core::Prediction& prediction : m_result->predictions) {
        QStringList candidates;
        for (std::size_t i = 0; i < prediction.top.size() && i < kPredictionsShown; ++i)
            // One arg() call for all, so that a "%2" inside a token's text stays text.
            candidates << tr("%1 %2%").arg(
                qs(prediction.top[i].text),
                QString::number(100.0 * prediction.top[i].probability, 'f', 1));
        const QString joined = candidates.join(QStringLiteral(", "));
        lines
            << (m_result->capabilities.causal
                    ? tr("Next token: %1").arg(joined)
                    : tr("[MASK] at %2: %1").arg(joined, QString::number(prediction.position + 1)));
    }
    return lines.join(QLatin1Char('\n'));
}

void MainWindow::updateModelBar() {
    if (!m_predictionLabel)
        return;
    const QString text = m_transformer ? predictionText() : QString();
    m_predictionLabel->setText(text);
    m_predictionLabel->setVisible(!text.isEmpty());
}

} // namespace attnlab::ui
