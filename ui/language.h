#pragma once
// The language of the interface: English (the texts in the code) or Simplified Chinese (the
// translation built from resources/translations/ and embedded as :/i18n/attention-lab_zh_CN.qm).
// The system's preferred languages choose on the first start; View → Language remembers a
// choice in the settings ("ui/language"). A choice takes effect at the next start, because most
// widgets set their texts once when they are built; the menu says so and offers to restart
// (the window keeps its sentence, settings and lesson in the settings across a restart).

#include <QString>
#include <QStringList>

class QMenu;
class QWidget;

namespace attnlab::ui {

/// The interface languages that ship, as codes: "en", "zh_CN".
QStringList interfaceLanguages();
/// A language's name in itself, as menus show it: "English", "简体中文"; empty for an unknown code.
QString nativeLanguageName(const QString& code);
/// The interface language for a user who prefers `uiLanguages` in this order (BCP 47 names as
/// QLocale::uiLanguages() gives them): the first that is Chinese (any script or region) gives
/// "zh_CN", the first that is English gives "en"; none of them: "en".
QString languageForUiLanguages(const QStringList& uiLanguages);
/// languageForUiLanguages() of the system's locale.
QString systemInterfaceLanguage();

/// The remembered choice ("ui/language"): a code of interfaceLanguages(), or empty for "as the
/// system". An unknown value counts as empty. `settingsPath`: an INI file (tests); empty uses the
/// application's settings, like MainWindow.
QString languagePreference(const QString& settingsPath = {});
/// Remembers `code` (empty: follow the system). Unknown codes are stored as empty.
void setLanguagePreference(const QString& code, const QString& settingsPath = {});
/// The language a start uses: the preference, else the system's.
QString startupLanguage(const QString& settingsPath = {});

/// Installs the translation of `code` on the application, replacing the one installed before
/// (with Qt's own texts of standard buttons and dialogs when the system has them), and makes it
/// QLocale's default so that lessons pick their texts in the same language. "en" removes the
/// translations. Returns false, and leaves the interface in English, for an unknown code or a
/// translation that cannot be loaded.
bool installLanguage(const QString& code);
/// The code installed by the last successful installLanguage(); "en" before any.
QString installedLanguage();
/// For runGui: installs startupLanguage(settingsPath). Call after the QApplication exists and
/// has its organisation and application names (they locate the settings), before any window.
/// Returns the code installed.
QString loadInterfaceLanguage(const QString& settingsPath = {});

/// Adds a "Language" submenu to `view`: the system's language, English and 简体中文 as choices
/// (the remembered one checked) and a note that a change takes effect after a restart. Choosing
/// another language than the one shown remembers it and asks, with `window` as parent, whether
/// to restart now; restarting closes `window` (which asks about unsaved changes and saves its
/// state) and starts the program again. Returns the submenu.
QMenu* addLanguageMenu(QMenu* view, QWidget* window, const QString& settingsPath = {});

} // namespace attnlab::ui
