#pragma once
// Help → Examples: the lessons that ship with the program, each with its title and a paragraph
// that says what to look at, in the interface language. Opening one shows it in the window.

#include <QDialog>

class QListWidget;
class QTextBrowser;
class QPushButton;

namespace attnlab::ui {

class LessonGallery : public QDialog {
    Q_OBJECT

public:
    /// `language`: "zh_CN", "en", …; the lessons' texts in that language (English otherwise).
    explicit LessonGallery(const QString& language, QWidget* parent = nullptr);

    /// The id of the chosen lesson ("03-causal-mask"); empty when none is selected.
    QString selectedLesson() const;
    void selectLesson(const QString& id);
    QListWidget* list() const { return m_list; }
    QString explanationText() const;

private:
    void showExplanation();

    QString m_language;
    QListWidget* m_list = nullptr;
    QTextBrowser* m_text = nullptr;
    QPushButton* m_open = nullptr;
};

/// The language the lessons are shown in: the translation's language of the running program.
QString lessonLanguage();

} // namespace attnlab::ui
