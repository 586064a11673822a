// The Chinese interface: the translation is embedded and loads, the system's languages choose it,
// the choice is remembered, a window built after switching shows Chinese menus and no English
// interface text anywhere in its widgets, plots and dialogs, and every translated text (the
// settings stamp of exported figures included) can be drawn with the fonts the program uses.

#include "ui/complexity_view.h"
#include "ui/export_dialog.h"
#include "ui/figure_export.h"
#include "ui/heatmap_view.h"
#include "ui/language.h"
#include "ui/lesson_gallery.h"
#include "ui/main_window.h"

#include "core/attention/options.h"
#include "core/model/builtin_model.h"

#include <gtest/gtest.h>
#include <qcustomplot.h>

#include <QAbstractButton>
#include <QAbstractSpinBox>
#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QGroupBox>
#include <QHeaderView>
#include <QLabel>
#include <QLibraryInfo>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QRegularExpression>
#include <QSet>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTabBar>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTextDocument>
#include <QTextLayout>
#include <QTranslator>
#include <QXmlStreamReader>

#include <memory>

// The tests of a program are compiled in batches (cmake/compile_time.cmake): each file's
// names live in a namespace of their own.
namespace test_translation {

using namespace attnlab;
using namespace attnlab::ui;

namespace {

const QString kTsPath =
    QStringLiteral(ATTNLAB_SOURCE_DIR "/resources/translations/attention-lab_zh_CN.ts");

// Every test starts and ends in English, as the other test programs expect.
class TranslationTest : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(m_dir.isValid());
        ASSERT_TRUE(installLanguage(QStringLiteral("en")));
    }
    void TearDown() override { installLanguage(QStringLiteral("en")); }

    QString settingsPath() const { return m_dir.filePath(QStringLiteral("attention-lab.ini")); }

    std::unique_ptr<MainWindow> openWindow() {
        auto window = std::make_unique<MainWindow>(settingsPath());
        window->setNonInteractive(QMessageBox::Discard);
        window->show();
        EXPECT_TRUE(QTest::qWaitForWindowExposed(window.get()));
        return window;
    }

    QTemporaryDir m_dir;
};

QStringList menuTitles(const QMainWindow& window) {
    QStringList titles;
    for (const QAction* action : window.menuBar()->actions())
        titles << action->text();
    return titles;
}

bool hasHan(const QString& text) {
    for (const QChar ch : text)
        if (ch.script() == QChar::Script_Han)
            return true;
    return false;
}

// --------------------------------------------------------------------------------------------
// Every text a window shows: widget texts, tool tips, menu entries, tabs, combo items, table
// headers, dock titles and the labels of the plots.

void collectActions(const QList<QAction*>& actions, QStringList& texts) {
    for (const QAction* action : actions) {
        texts << action->text() << action->toolTip() << action->statusTip();
        if (action->menu())
            collectActions(action->menu()->actions(), texts);
    }
}

void collectPlot(QCustomPlot* plot, QStringList& texts) {
    for (QCPAxisRect* rect : plot->axisRects())
        for (QCPAxis* axis : rect->axes())
            if (axis->visible())
                texts << axis->label();
    // Names of graphs show only in a legend.
    if (plot->legend && plot->legend->visible())
        for (int i = 0; i < plot->plottableCount(); ++i)
            texts << plot->plottable(i)->name();
    for (QCPLayoutElement* element : plot->plotLayout()->elements(true))
        if (auto* text = qobject_cast<QCPTextElement*>(element); text && text->visible())
            texts << text->text();
    for (int i = 0; i < plot->itemCount(); ++i)
        if (auto* text = qobject_cast<QCPItemText*>(plot->item(i)); text && text->visible())
            texts << text->text();
}

QStringList visibleTexts(QWidget* root) {
    QStringList texts{root->windowTitle(), root->toolTip()};
    QList<QWidget*> widgets = root->findChildren<QWidget*>();
    widgets.prepend(root);
    for (QWidget* widget : widgets) {
        texts << widget->toolTip() << widget->whatsThis() << widget->statusTip();
        collectActions(widget->actions(), texts);
        if (auto* label = qobject_cast<QLabel*>(widget))
            texts << label->text();
        if (auto* button = qobject_cast<QAbstractButton*>(widget))
            texts << button->text();
        if (auto* group = qobject_cast<QGroupBox*>(widget))
            texts << group->title();
        if (auto* dock = qobject_cast<QDockWidget*>(widget))
            texts << dock->windowTitle();
        if (auto* edit = qobject_cast<QLineEdit*>(widget))
            texts << edit->placeholderText();
        if (auto* spin = qobject_cast<QSpinBox*>(widget))
            texts << spin->prefix() << spin->suffix() << spin->specialValueText();
        if (auto* spin = qobject_cast<QDoubleSpinBox*>(widget))
            texts << spin->prefix() << spin->suffix() << spin->specialValueText();
        if (auto* tabs = qobject_cast<QTabBar*>(widget))
            for (int i = 0; i < tabs->count(); ++i)
                texts << tabs->tabText(i) << tabs->tabToolTip(i);
        if (auto* combo = qobject_cast<QComboBox*>(widget))
            for (int i = 0; i < combo->count(); ++i)
                texts << combo->itemText(i) << combo->itemData(i, Qt::ToolTipRole).toString();
        if (auto* table = qobject_cast<QTableView*>(widget); table && table->model()) {
            // Headers only: the cells hold numbers and tokens.
            const QAbstractItemModel* model = table->model();
            for (int c = 0; c < model->columnCount(); ++c)
                texts << model->headerData(c, Qt::Horizontal).toString();
        }
        if (auto* plot = qobject_cast<QCustomPlot*>(widget))
            collectPlot(plot, texts);
    }
    return texts;
}

// Words that stay in Latin letters in the Chinese interface, as a Chinese textbook keeps them:
// names of functions, methods, formats, programs and colour maps. Symbols with an underscore or
// a digit (d_model, W_q, word2vec), the settings' canonical names (the command line's spelling,
// used by the reproducible settings summaries) and quoted examples (“The cat sat”) are removed
// before words are looked for.
constexpr const char* kKeptWords =
    "softmax sparsemax relu norm sigmoid hardmax tanh cos ln exp max argmax Var KL RoPE ALiBi "
    "ICU GloVe word2vec fastText PNG SVG PDF JSON CSV NumPy npy txt vec bin attnlab dpi Viridis "
    "Cividis Magma Bahdanau Luong Transformer Qt QCustomPlot Eigen GNU GPL Attention Lab Ctrl Esc "
    "PAD logit logits score MASK CLS SEP GPT BERT Llama Qwen Mistral safetensors config "
    // Names of methods and papers of efficient attention, the GIF format, and the mask file's
    // command-line spelling (--mask custom:FILE), which a Chinese text quotes as it is typed.
    "elu FAVOR Performer Longformer longformer BigBird Sparse Katharopoulos GIF custom FILE mask "
    // The kinds of attention as the complexity lab and --attention take them (tiled:B,
    // linear:MAP, linear:favor:M, dilated:W:D, strided:S), quoted as they are typed, and the
    // unit of a memory budget.
    "tiled linear favor dilated strided MAP MiB "
    // A language is named in its own language, and the Language menu in both, so that someone
    // who cannot read the current interface finds it.
    "English Language";

// "scaled-dot", "softmax", "causal", "random", …, as core::toString spells them.
QStringList canonicalSettingNames() {
    QStringList names;
    for (core::ScoringFunction value : core::allScoringFunctions())
        names << QString::fromLatin1(core::toString(value));
    for (core::Normalizer value : core::allNormalizers())
        names << QString::fromLatin1(core::toString(value));
    for (core::PositionalEncoding value : core::allPositionalEncodings())
        names << QString::fromLatin1(core::toString(value));
    for (core::ProjectionInit value : {core::ProjectionInit::Identity, core::ProjectionInit::Random,
                                       core::ProjectionInit::Manual})
        names << QString::fromLatin1(core::toString(value));
    for (core::MaskKind kind :
         {core::MaskKind::Causal, core::MaskKind::Padding, core::MaskKind::Window}) {
        core::MaskSpec mask;
        mask.kind = kind;
        names << QString::fromStdString(core::toString(mask)).section(QLatin1Char(':'), 0, 0);
    }
    return names;
}

const QSet<QString>& keptWords() {
    static const QSet<QString> words = [] {
        QSet<QString> set;
        for (const QString& word : QString::fromLatin1(kKeptWords).split(QLatin1Char(' ')))
            set.insert(word.toLower());
        return set;
    }();
    return words;
}

// The English words of `text` (three letters or more) that are not kept words.
QStringList englishWords(const QString& text) {
    QTextDocument document;
    document.setHtml(text); // drops tags and entities of rich text
    QString plain = Qt::mightBeRichText(text) ? document.toPlainText() : text;
    static const QRegularExpression symbol(QStringLiteral("\\w*[_0-9]\\w*"));
    static const QRegularExpression quoted(QStringLiteral("“[^”]*”"));
    static const QRegularExpression setting(
        QStringLiteral("(?<![\\w-])(%1)(?![\\w-])")
            .arg(canonicalSettingNames().join(QLatin1Char('|'))));
    plain.remove(symbol).remove(quoted).remove(setting);
    QStringList found;
    static const QRegularExpression word(QStringLiteral("[A-Za-z]{3,}"));
    for (auto it = word.globalMatch(plain); it.hasNext();) {
        const QString w = it.next().captured();
        if (!keptWords().contains(w.toLower()))
            found << w;
    }
    return found;
}

void expectNoEnglish(const QStringList& texts, const char* where) {
    QStringList leftovers;
    for (const QString& text : texts) {
        if (text.trimmed().isEmpty())
            continue;
        if (!englishWords(text).isEmpty())
            leftovers << text;
    }
    leftovers.removeDuplicates();
    EXPECT_TRUE(leftovers.isEmpty()) << where << " shows English text:\n  "
                                     << leftovers.join(QStringLiteral("\n  ")).toStdString();
}

// --------------------------------------------------------------------------------------------
// Glyphs: a text is readable when every character has a glyph in the font or its fallbacks
// (glyph 0 is the empty box of a missing character).

QString missingGlyphs(const QString& text, const QFont& font) {
    QString missing;
    for (const QString& line : text.split(QLatin1Char('\n'))) {
        QTextLayout layout(line, font);
        layout.beginLayout();
        layout.createLine();
        layout.endLayout();
        for (const QGlyphRun& run : layout.glyphRuns()) {
            const QList<quint32> glyphs = run.glyphIndexes();
            if (std::find(glyphs.begin(), glyphs.end(), 0u) != glyphs.end())
                missing += line + QLatin1Char('\n');
        }
    }
    return missing;
}

// The finished translations of the .ts file.
QStringList translationsOfTs() {
    QFile file(kTsPath);
    EXPECT_TRUE(file.open(QIODevice::ReadOnly)) << kTsPath.toStdString();
    QXmlStreamReader xml(&file);
    QStringList texts;
    while (!xml.atEnd()) {
        if (xml.readNext() == QXmlStreamReader::StartElement &&
            xml.name() == QLatin1String("translation"))
            texts << xml.readElementText(QXmlStreamReader::IncludeChildElements);
    }
    EXPECT_FALSE(xml.hasError()) << xml.errorString().toStdString();
    return texts;
}

} // namespace

// --------------------------------------------------------------------------------------------

TEST_F(TranslationTest, ChineseTranslationIsEmbeddedAndLoads) {
    const QString qm = QStringLiteral(":/i18n/attention-lab_zh_CN.qm");
    ASSERT_TRUE(QFile::exists(qm)) << "the .qm is not in the resources of attnlab_ui";
    QTranslator translator;
    ASSERT_TRUE(translator.load(qm));
    EXPECT_FALSE(translator.isEmpty());
    EXPECT_EQ(translator.language(), QStringLiteral("zh_CN"));
    EXPECT_EQ(translator.translate("attnlab::ui::MainWindow", "&File"), QStringLiteral("文件(&F)"));
    EXPECT_EQ(translator.translate("HeadTitle", "Head %1"), QStringLiteral("第 %1 个头"));
}

TEST_F(TranslationTest, InstallingSwitchesTextsAndLocale) {
    EXPECT_EQ(MainWindow::tr("&View"), QStringLiteral("&View"));
    ASSERT_TRUE(installLanguage(QStringLiteral("zh_CN")));
    EXPECT_EQ(installedLanguage(), QStringLiteral("zh_CN"));
    EXPECT_EQ(MainWindow::tr("&View"), QStringLiteral("视图(&V)"));
    EXPECT_EQ(QCoreApplication::translate("HeadTitle", "Mean of %1 heads").arg(4),
              QStringLiteral("4 个头的平均"));
    // Lessons pick their texts by QLocale's default.
    EXPECT_EQ(QLocale().name(), QStringLiteral("zh_CN"));
    // Qt's own buttons follow when the system has Qt's translations (qt6-translations-l10n).
    if (QFile::exists(QLibraryInfo::path(QLibraryInfo::TranslationsPath) +
                      QStringLiteral("/qtbase_zh_CN.qm"))) {
        EXPECT_EQ(QCoreApplication::translate("QPlatformTheme", "Cancel"), QStringLiteral("取消"));
    }

    ASSERT_TRUE(installLanguage(QStringLiteral("en")));
    EXPECT_EQ(installedLanguage(), QStringLiteral("en"));
    EXPECT_EQ(MainWindow::tr("&View"), QStringLiteral("&View"));
    EXPECT_EQ(QCoreApplication::translate("QPlatformTheme", "Cancel"), QStringLiteral("Cancel"));
    EXPECT_EQ(QLocale().language(), QLocale::English);

    EXPECT_FALSE(installLanguage(QStringLiteral("fr")));
    EXPECT_EQ(installedLanguage(), QStringLiteral("en"));
}

TEST_F(TranslationTest, SystemLanguagesChooseTheInterface) {
    const auto pick = [](const QStringList& languages) {
        return languageForUiLanguages(languages).toStdString();
    };
    EXPECT_EQ(pick({QStringLiteral("zh-CN"), QStringLiteral("zh-Hans-CN"), QStringLiteral("zh")}),
              "zh_CN");
    EXPECT_EQ(pick({QStringLiteral("zh-Hans-SG")}), "zh_CN");
    EXPECT_EQ(pick({QStringLiteral("zh-TW")}), "zh_CN"); // Simplified rather than English
    EXPECT_EQ(pick({QStringLiteral("en-US"), QStringLiteral("zh-CN")}), "en");
    // A language without a translation passes to the next preference.
    EXPECT_EQ(pick({QStringLiteral("de-DE"), QStringLiteral("zh-CN")}), "zh_CN");
    EXPECT_EQ(pick({QStringLiteral("de-DE"), QStringLiteral("en-GB"), QStringLiteral("zh")}), "en");
    EXPECT_EQ(pick({QStringLiteral("fr-FR")}), "en");
    EXPECT_EQ(pick({QStringLiteral("C")}), "en");
    EXPECT_EQ(pick({}), "en");
    EXPECT_EQ(systemInterfaceLanguage(), languageForUiLanguages(QLocale::system().uiLanguages()));
}

TEST_F(TranslationTest, ChoiceIsRememberedInSettings) {
    EXPECT_TRUE(languagePreference(settingsPath()).isEmpty());
    EXPECT_EQ(startupLanguage(settingsPath()), systemInterfaceLanguage());

    setLanguagePreference(QStringLiteral("zh_CN"), settingsPath());
    EXPECT_EQ(QSettings(settingsPath(), QSettings::IniFormat).value("ui/language").toString(),
              QStringLiteral("zh_CN"));
    EXPECT_EQ(startupLanguage(settingsPath()), QStringLiteral("zh_CN"));
    EXPECT_EQ(loadInterfaceLanguage(settingsPath()), QStringLiteral("zh_CN"));
    EXPECT_EQ(MainWindow::tr("&Help"), QStringLiteral("帮助(&H)"));

    setLanguagePreference(QStringLiteral("en"), settingsPath());
    EXPECT_EQ(loadInterfaceLanguage(settingsPath()), QStringLiteral("en"));
    EXPECT_EQ(MainWindow::tr("&Help"), QStringLiteral("&Help"));

    // Unknown or damaged values mean "as the system".
    QSettings(settingsPath(), QSettings::IniFormat).setValue("ui/language", "tlh");
    EXPECT_TRUE(languagePreference(settingsPath()).isEmpty());
    setLanguagePreference(QStringLiteral("xx"), settingsPath());
    EXPECT_TRUE(languagePreference(settingsPath()).isEmpty());
    EXPECT_EQ(startupLanguage(settingsPath()), systemInterfaceLanguage());
}

TEST_F(TranslationTest, MainWindowShowsChineseMenus) {
    {
        auto window = openWindow();
        const QStringList titles = menuTitles(*window);
        EXPECT_TRUE(titles.contains(QStringLiteral("&File"))) << titles.join(' ').toStdString();
    }
    ASSERT_TRUE(installLanguage(QStringLiteral("zh_CN")));
    auto window = openWindow();
    const QStringList titles = menuTitles(*window);
    for (const char* title : {"文件(&F)", "编辑(&E)", "视图(&V)", "帮助(&H)"})
        EXPECT_TRUE(titles.contains(QString::fromUtf8(title)))
            << title << " not in " << titles.join(' ').toStdString();
    for (const QString& title : titles)
        EXPECT_TRUE(hasHan(title)) << title.toStdString();
}

// Why a model folder cannot be opened is said in Chinese too, the folder's path filled in: a
// missing folder, and a folder with a config.json but no tokenizer (as a teacher who copied only
// the weights has).
TEST_F(TranslationTest, AModelFolderThatCannotBeOpenedIsExplainedInChinese) {
    ASSERT_TRUE(installLanguage(QStringLiteral("zh_CN")));
    auto window = openWindow();
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    const QString missing = dir.filePath(QStringLiteral("no-such-model"));
    QSignalSpy failed(window.get(), &attnlab::ui::MainWindow::modelFailed);
    window->openModelFolder(missing);
    ASSERT_TRUE(failed.wait(10000));
    const QString first = failed.takeFirst().at(0).toString();
    EXPECT_TRUE(first.contains(QString::fromUtf8("没有这个文件夹"))) << first.toStdString();
    EXPECT_TRUE(first.contains(missing)) << first.toStdString();

    const QString weightsOnly = dir.filePath(QStringLiteral("weights-only"));
    ASSERT_TRUE(QDir().mkpath(weightsOnly));
    QFile config(QDir(weightsOnly).filePath(QStringLiteral("config.json")));
    ASSERT_TRUE(config.open(QIODevice::WriteOnly));
    config.write(R"({"architectures": ["GPT2LMHeadModel"], "model_type": "gpt2", "n_layer": 1,
                    "n_head": 1, "n_embd": 4, "vocab_size": 4, "n_positions": 8})");
    config.close();
    window->openModelFolder(weightsOnly);
    ASSERT_TRUE(failed.wait(10000));
    const QString second = failed.takeFirst().at(0).toString();
    EXPECT_TRUE(hasHan(second)) << second.toStdString();
    EXPECT_TRUE(second.contains(weightsOnly)) << second.toStdString();
}

TEST_F(TranslationTest, LanguageMenuRemembersTheChoiceAndOffersARestart) {
    QMainWindow window;
    QMenu* view = window.menuBar()->addMenu(QStringLiteral("&View"));
    QMenu* menu = addLanguageMenu(view, &window, settingsPath());
    ASSERT_NE(menu, nullptr);
    EXPECT_EQ(menu->menuAction()->text(), QStringLiteral("&Language"));
    window.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&window));

    QAction* system = nullptr;
    QAction* english = nullptr;
    QAction* chinese = nullptr;
    QAction* note = nullptr;
    for (QAction* action : menu->actions()) {
        if (action->isSeparator())
            continue;
        if (!action->isCheckable())
            note = action;
        else if (action->data().toString().isEmpty())
            system = action;
        else if (action->data().toString() == QStringLiteral("en"))
            english = action;
        else if (action->data().toString() == QStringLiteral("zh_CN"))
            chinese = action;
    }
    ASSERT_TRUE(system && english && chinese && note);
    EXPECT_EQ(chinese->text(), QStringLiteral("简体中文(&Z)"));
    EXPECT_EQ(english->text(), QStringLiteral("&English"));
    EXPECT_TRUE(system->text().contains(nativeLanguageName(systemInterfaceLanguage())));
    EXPECT_TRUE(system->isChecked()); // nothing remembered yet
    EXPECT_FALSE(note->isEnabled());
    EXPECT_TRUE(note->text().contains(QStringLiteral("restart")));

    // Chinese while English is shown: remembered, and a question offers to restart now.
    chinese->trigger();
    EXPECT_EQ(languagePreference(settingsPath()), QStringLiteral("zh_CN"));
    EXPECT_TRUE(chinese->isChecked());
    auto* question = window.findChild<QMessageBox*>(QStringLiteral("languageRestartQuestion"));
    ASSERT_NE(question, nullptr);
    EXPECT_TRUE(question->text().contains(QStringLiteral("简体中文")));
    // "Later" keeps the program running with the window open.
    question->reject();
    QCoreApplication::processEvents();
    EXPECT_TRUE(window.isVisible());
    EXPECT_EQ(installedLanguage(), QStringLiteral("en"));

    // Back to English, the language on screen: remembered, nothing to restart for.
    QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
    english->trigger();
    EXPECT_EQ(languagePreference(settingsPath()), QStringLiteral("en"));
    EXPECT_EQ(window.findChild<QMessageBox*>(QStringLiteral("languageRestartQuestion")), nullptr);

    // The menu shows a choice made elsewhere when it opens.
    setLanguagePreference(QString(), settingsPath());
    emit menu->aboutToShow();
    EXPECT_TRUE(system->isChecked());
}

TEST_F(TranslationTest, NoEnglishLeftInTheChineseWindow) {
    ASSERT_TRUE(installLanguage(QStringLiteral("zh_CN")));
    auto window = openWindow();
    core::Config config;
    config.sentence = "我爱深度学习";
    config.heads = 2;
    window->applyConfig(config);
    ASSERT_TRUE(QTest::qWaitFor([&] { return window->currentResult() != nullptr; }, 10000));
    // The status line is written once the result is shown.
    EXPECT_TRUE(QTest::qWaitFor([&] { return hasHan(window->statusText()); }));
    expectNoEnglish(visibleTexts(window.get()), "the main window");
    EXPECT_TRUE(hasHan(window->statusText())) << window->statusText().toStdString();

    // The dialogs that are built when they open.
    ExportDialog exportDialog(window->currentResult(), window->currentFigureOptions(), 0, 0, -1,
                              window.get());
    expectNoEnglish(visibleTexts(&exportDialog), "the export dialog");
    LessonGallery gallery(QLocale().name(), window.get());
    expectNoEnglish(visibleTexts(&gallery), "the lesson gallery");
}

TEST_F(TranslationTest, TheComplexityPagesStatusIsChinese) {
    // The status names how peak memory was measured: a sentence of the core, translated.
    ASSERT_TRUE(installLanguage(QStringLiteral("zh_CN")));
    ComplexityView view;
    view.sizesEdit()->setText(QStringLiteral("64,128"));
    view.dKBox()->setValue(8);
    QSignalSpy finished(&view, &ComplexityView::runFinished);
    ASSERT_TRUE(view.run());
    ASSERT_TRUE(finished.count() > 0 || finished.wait(60000));
    const QString status = view.statusLabel()->text();
    EXPECT_TRUE(hasHan(status)) << status.toStdString();
    expectNoEnglish({status}, "the complexity page's status");
}

TEST_F(TranslationTest, EveryTranslationCanBeDrawn) {
    const QStringList texts = translationsOfTs();
    ASSERT_GT(texts.size(), 400);
    const QFont interfaceFont = QApplication::font();
    QStringList unreadable;
    for (const QString& text : texts) {
        QTextDocument document;
        document.setHtml(text);
        const QString plain = Qt::mightBeRichText(text) ? document.toPlainText() : text;
        const QString missing = missingGlyphs(plain, interfaceFont);
        if (!missing.isEmpty())
            unreadable << missing;
    }
    EXPECT_TRUE(unreadable.isEmpty())
        << "characters without a glyph in " << interfaceFont.family().toStdString() << ":\n"
        << unreadable.join(QString()).toStdString();
}

TEST_F(TranslationTest, ExportedFiguresStayReadableInChinese) {
    core::Config config;
    config.sentence = "我爱深度学习";
    config.heads = 2;
    config.mask.kind = core::MaskKind::Causal;
    const auto result = std::make_shared<const core::ModelOutput>(core::runBuiltin(config));
    // The fonts the figures are drawn with: the interface font with the CJK fallbacks.
    const QFont figureFont = HeatmapView::tokenFont(QApplication::font());

    for (const char* language : {"en", "zh_CN"}) {
        SCOPED_TRACE(language);
        ASSERT_TRUE(installLanguage(QString::fromLatin1(language)));
        const QString stamp = settingsStamp(*result);
        EXPECT_TRUE(stamp.contains(QStringLiteral("我爱深度学习")) ||
                    stamp.contains(QStringLiteral("我")))
            << stamp.toStdString();
        if (QLatin1String(language) == QLatin1String("zh_CN")) {
            EXPECT_TRUE(stamp.contains(QStringLiteral("个头"))) << stamp.toStdString();
            EXPECT_TRUE(stamp.contains(QStringLiteral("掩码"))) << stamp.toStdString();
        } else {
            EXPECT_TRUE(stamp.contains(QStringLiteral("heads"))) << stamp.toStdString();
        }
        EXPECT_TRUE(missingGlyphs(stamp, figureFont).isEmpty())
            << missingGlyphs(stamp, figureFont).toStdString();
        for (int head : {0, 1, HeatmapView::MeanOfHeads, HeatmapView::MaxOfHeads}) {
            const QString title = headTitle(head, 2);
            EXPECT_TRUE(missingGlyphs(title, figureFont).isEmpty()) << title.toStdString();
        }

        // The figure itself: drawn with the title, a title band with ink above the heatmaps.
        FigureOptions options;
        options.title = true;
        const QImage image = renderFigureImage(*result, options);
        ASSERT_FALSE(image.isNull());
        const FigureLayout layout =
            layoutFigure(*result, options, naturalFigureSize(*result, options));
        ASSERT_FALSE(layout.title.isEmpty());
        int ink = 0;
        const QRect band =
            QRectF(layout.title.topLeft() * options.scale, layout.title.size() * options.scale)
                .toAlignedRect()
                .intersected(image.rect());
        for (int y = band.top(); y <= band.bottom(); ++y)
            for (int x = band.left(); x <= band.right(); ++x)
                ink += qGray(image.pixel(x, y)) < 128;
        EXPECT_GT(ink, 200) << "the title band of the figure is empty";
    }
}

} // namespace test_translation
