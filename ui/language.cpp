#include "language.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QLibraryInfo>
#include <QLocale>
#include <QMenu>
#include <QMessageBox>
#include <QPointer>
#include <QProcess>
#include <QPushButton>
#include <QSettings>
#include <QTimer>
#include <QTranslator>

#include <memory>

namespace attnlab::ui {
namespace {

// Translation context of the language menu and its question.
class LanguageMenu {
    Q_DECLARE_TR_FUNCTIONS(LanguageMenu)
};

const QString kSettingsKey = QStringLiteral("ui/language");
const QString kEnglish = QStringLiteral("en");
const QString kChinese = QStringLiteral("zh_CN");

// The translators this file installed, so that the next choice can remove them. They are
// children of the application and die with it.
QPointer<QTranslator> g_ownTranslator;
QPointer<QTranslator> g_qtTranslator;
QString g_installed = kEnglish;

std::unique_ptr<QSettings> openSettings(const QString& settingsPath) {
    if (settingsPath.isEmpty())
        return std::make_unique<QSettings>();
    return std::make_unique<QSettings>(settingsPath, QSettings::IniFormat);
}

void removeTranslators() {
    for (QPointer<QTranslator>* translator : {&g_ownTranslator, &g_qtTranslator}) {
        if (*translator) {
            QCoreApplication::removeTranslator(*translator);
            delete translator->data();
        }
    }
}

// Qt's own texts (the buttons of message boxes, file dialogs, the context menu of text fields)
// come from the system's Qt translations (Debian: qt6-translations-l10n) when it has them.
void installQtTranslation(const QLocale& locale) {
    auto* translator = new QTranslator(QCoreApplication::instance());
    if (translator->load(locale, QStringLiteral("qtbase"), QStringLiteral("_"),
                         QLibraryInfo::path(QLibraryInfo::TranslationsPath))) {
        QCoreApplication::installTranslator(translator);
        g_qtTranslator = translator;
    } else {
        delete translator;
    }
}

// Closing the window asks about unsaved changes and writes its state; the new process reads
// that state back, so it starts where this one stopped. No arguments: a sentence or lesson given
// on the first command line would override the state the user has since changed.
void restartApplication(QWidget* window) {
    if (!window->close())
        return;
    if (!QProcess::startDetached(QCoreApplication::applicationFilePath(), {}))
        QMessageBox::warning(nullptr, LanguageMenu::tr("Language"),
                             LanguageMenu::tr("Attention Lab could not start again. Start it "
                                              "yourself to see the new language."));
    QCoreApplication::quit();
}

void askToRestart(QWidget* window, const QString& code) {
    auto* box = new QMessageBox(
        QMessageBox::Question, LanguageMenu::tr("Language"),
        LanguageMenu::tr("Attention Lab will show its texts in %1 from its next start on. Your "
                         "sentence, settings and open lesson stay as they are.\n\nRestart now?")
            .arg(nativeLanguageName(code)),
        QMessageBox::NoButton, window);
    box->setObjectName(QStringLiteral("languageRestartQuestion"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    QPushButton* restart =
        box->addButton(LanguageMenu::tr("&Restart Now"), QMessageBox::AcceptRole);
    box->setDefaultButton(box->addButton(LanguageMenu::tr("&Later"), QMessageBox::RejectRole));
    QPointer<QWidget> target(window);
    QObject::connect(box, &QMessageBox::finished, box, [box, restart, target] {
        // After the box has closed: closing the window from inside the box's signal would delete
        // the box while it is still emitting.
        if (box->clickedButton() == restart && target)
            QTimer::singleShot(0, target, [target] { restartApplication(target); });
    });
    box->open();
}

} // namespace

QStringList interfaceLanguages() {
    return {kEnglish, kChinese};
}

QString nativeLanguageName(const QString& code) {
    // Each language in its own words, whatever the interface shows, so that anyone finds theirs.
    if (code == kEnglish)
        return QStringLiteral("English"); // notr
    if (code == kChinese)
        return QStringLiteral("简体中文"); // notr
    return {};
}

QString languageForUiLanguages(const QStringList& uiLanguages) {
    for (const QString& name : uiLanguages) {
        switch (QLocale(name).language()) {
        case QLocale::Chinese:
            // Readers of Traditional Chinese get the Simplified translation rather than English.
            return kChinese;
        case QLocale::English:
        case QLocale::C:
            return kEnglish;
        default:
            break; // a language without a translation: try the next preference
        }
    }
    return kEnglish;
}

QString systemInterfaceLanguage() {
    return languageForUiLanguages(QLocale::system().uiLanguages());
}

QString languagePreference(const QString& settingsPath) {
    const QString value = openSettings(settingsPath)->value(kSettingsKey).toString();
    return interfaceLanguages().contains(value) ? value : QString();
}

void setLanguagePreference(const QString& code, const QString& settingsPath) {
    std::unique_ptr<QSettings> settings = openSettings(settingsPath);
    settings->setValue(kSettingsKey, interfaceLanguages().contains(code) ? code : QString());
    settings->sync();
}

QString startupLanguage(const QString& settingsPath) {
    const QString preference = languagePreference(settingsPath);
    return preference.isEmpty() ? systemInterfaceLanguage() : preference;
}

bool installLanguage(const QString& code) {
    if (!interfaceLanguages().contains(code))
        return false;
    if (code == kEnglish) {
        removeTranslators();
        // English texts, the system's region (dates and numbers as the user knows them).
        QLocale::setDefault(QLocale(QLocale::English, QLocale::system().territory()));
        g_installed = kEnglish;
        return true;
    }
    auto* translator = new QTranslator(QCoreApplication::instance());
    if (!translator->load(QStringLiteral(":/i18n/attention-lab_%1.qm").arg(code))) {
        delete translator;
        return false;
    }
    removeTranslators();
    QCoreApplication::installTranslator(translator);
    g_ownTranslator = translator;
    const QLocale locale(QLocale::Chinese, QLocale::SimplifiedHanScript, QLocale::China);
    installQtTranslation(locale);
    QLocale::setDefault(locale);
    g_installed = code;
    return true;
}

QString installedLanguage() {
    return g_installed;
}

QString loadInterfaceLanguage(const QString& settingsPath) {
    if (!installLanguage(startupLanguage(settingsPath)))
        installLanguage(kEnglish);
    return installedLanguage();
}

QMenu* addLanguageMenu(QMenu* view, QWidget* window, const QString& settingsPath) {
    QMenu* menu = view->addMenu(LanguageMenu::tr("&Language"));
    menu->setObjectName(QStringLiteral("languageMenu"));
    menu->setToolTipsVisible(true);
    auto* group = new QActionGroup(menu);

    const auto addChoice = [&](const QString& text, const QString& code) {
        QAction* action = menu->addAction(text);
        action->setCheckable(true);
        action->setData(code);
        group->addAction(action);
        return action;
    };
    addChoice(LanguageMenu::tr("&System Language (%1)")
                  .arg(nativeLanguageName(systemInterfaceLanguage())),
              QString())
        ->setToolTip(LanguageMenu::tr("The language the system prefers, when Attention Lab has it; "
                                      "English otherwise."));
    addChoice(QStringLiteral("&English"), kEnglish);     // notr
    addChoice(QStringLiteral("简体中文(&Z)"), kChinese); // notr
    menu->addSeparator();
    QAction* note = menu->addAction(LanguageMenu::tr("Takes effect after a restart"));
    note->setEnabled(false);

    const auto showPreference = [group, settingsPath] {
        const QString preference = languagePreference(settingsPath);
        for (QAction* action : group->actions())
            action->setChecked(action->data().toString() == preference);
    };
    showPreference();
    // Another window may have changed the choice since.
    QObject::connect(menu, &QMenu::aboutToShow, menu, showPreference);
    QPointer<QWidget> target(window);
    QObject::connect(group, &QActionGroup::triggered, menu,
                     [settingsPath, target](QAction* action) {
                         const QString code = action->data().toString();
                         if (code == languagePreference(settingsPath))
                             return;
                         setLanguagePreference(code, settingsPath);
                         const QString next = code.isEmpty() ? systemInterfaceLanguage() : code;
                         if (next != installedLanguage() && target)
                             askToRestart(target, next);
                     });
    return menu;
}

} // namespace attnlab::ui
