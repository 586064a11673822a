#include "lesson_gallery.h"

#include "view_options.h"

#include "core/teaching/lessons.h"

#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QLocale>
#include <QPushButton>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace attnlab::ui {

QString lessonLanguage() {
    // The interface language (a loaded translation sets QLocale's default), not the system's.
    return QLocale().name();
}

LessonGallery::LessonGallery(const QString& language, QWidget* parent)
    : QDialog(parent), m_language(language) {
    setWindowTitle(tr("Examples"));
    m_list = new QListWidget(this);
    m_list->setToolTip(tr("Lessons that come with Attention Lab, in the order of a course."));
    m_text = new QTextBrowser(this);
    m_text->setOpenExternalLinks(false);
    m_text->setMinimumWidth(420);
    const std::string lang = language.toStdString();
    for (const core::BuiltinLesson& lesson : core::builtinLessons()) {
        QString title = qs(lesson.id);
        try {
            std::vector<std::string> warnings;
            const core::Session session = core::parseSession(lesson.text, warnings);
            title = qs(core::localizedText(session.lesson.title, lang));
        } catch (const std::exception&) {
            // A lesson that does not parse is still listed by its file name; opening it says why.
        }
        auto* item = new QListWidgetItem(title, m_list);
        item->setData(Qt::UserRole, qs(lesson.id));
    }
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_open = buttons->addButton(tr("&Open Lesson"), QDialogButtonBox::AcceptRole);
    m_open->setDefault(true);

    auto* panes = new QHBoxLayout;
    panes->addWidget(m_list, 2);
    panes->addWidget(m_text, 3);
    auto* layout = new QVBoxLayout(this);
    auto* hint =
        new QLabel(tr("Choose a lesson and read what it shows; it opens with its sentence, "
                      "settings and view. Save it under a new name to keep your changes."),
                   this);
    hint->setWordWrap(true);
    layout->addWidget(hint);
    layout->addLayout(panes, 1);
    layout->addWidget(buttons);
    resize(820, 460);

    connect(m_list, &QListWidget::currentRowChanged, this, &LessonGallery::showExplanation);
    connect(m_list, &QListWidget::itemActivated, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    if (m_list->count() > 0)
        m_list->setCurrentRow(0);
    showExplanation();
}

QString LessonGallery::selectedLesson() const {
    const QListWidgetItem* item = m_list->currentItem();
    return item ? item->data(Qt::UserRole).toString() : QString();
}

void LessonGallery::selectLesson(const QString& id) {
    for (int row = 0; row < m_list->count(); ++row)
        if (m_list->item(row)->data(Qt::UserRole).toString() == id)
            m_list->setCurrentRow(row);
}

QString LessonGallery::explanationText() const {
    return m_text->toPlainText();
}

void LessonGallery::showExplanation() {
    const QString id = selectedLesson();
    m_open->setEnabled(!id.isEmpty());
    if (id.isEmpty()) {
        m_text->clear();
        return;
    }
    try {
        const core::Session session = core::builtinLesson(id.toStdString());
        const std::string lang = m_language.toStdString();
        const core::Config& c = session.config;
        QString html =
            QStringLiteral("<h3>%1</h3><p>%2</p>")
                .arg(qs(core::localizedText(session.lesson.title, lang)).toHtmlEscaped(),
                     qs(core::localizedText(session.lesson.explanation, lang)).toHtmlEscaped());
        QString sentence = QStringLiteral("“%1”").arg(qs(c.sentence));
        if (!c.source.empty())
            sentence += QStringLiteral(" ← “%1”").arg(qs(c.source));
        html += QStringLiteral("<p style='color:#555'>%1</p>").arg(sentence.toHtmlEscaped());
        m_text->setHtml(html);
    } catch (const std::exception& error) {
        m_text->setPlainText(QString::fromUtf8(error.what()));
    }
}

} // namespace attnlab::ui
