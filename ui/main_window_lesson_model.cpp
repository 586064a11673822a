// MainWindow and the model a lesson names (core/io/lesson_model.h): opening the lesson opens the
// model through the same worker as File → Open Model and measures the lesson's checks on it; a
// model that is not on this computer leaves the lesson on the built-in layer, its bar saying
// which model it needs and how to get it.

#include "main_window.h"

#include "lesson_checks_text.h"
#include "lesson_gallery.h"
#include "view_options.h"

#include "core/pretrained/transformer_maps.h"
#include "core/teaching/lesson_checks.h"

#include <QCoreApplication>
#include <QDir>
#include <QPointer>
#include <QStatusBar>
#include <QThreadPool>

namespace attnlab::ui {

void MainWindow::setLessonModelPlaces(const core::LessonModelPlaces& places) {
    m_lessonModelPlaces = places;
}

void MainWindow::openLessonModel(const core::Session& session) {
    const int request = ++m_lessonModelRequest;
    const core::LessonModel& model = session.lesson.model;
    if (model.empty()) {
        // The previous lesson's model does not belong to this one; a model the user opened does.
        if (m_modelFromLesson)
            closeModel();
        m_modelFromLesson = false;
        return;
    }
    if (!m_lessonModelPlaces)
        m_lessonModelPlaces =
            core::defaultLessonModelPlaces(QCoreApplication::applicationDirPath().toStdString());
    const std::string folder = core::findLessonModel(model, *m_lessonModelPlaces);
    if (folder.empty()) {
        if (m_modelFromLesson)
            closeModel();
        m_modelFromLesson = false;
        m_lessonModelNote =
            qs(core::localizedText(core::missingLessonModelText(model, *m_lessonModelPlaces),
                                   lessonLanguage().toStdString()));
        showLessonBar();
        return;
    }
    m_modelFromLesson = true;
    QPointer<MainWindow> self(this);
    // Once the model is open, the lesson's checks run on it, off the UI thread (a hub model may
    // take a moment); replies for an earlier lesson are dropped.
    connect(
        this, &MainWindow::modelOpened, this,
        [self, request, session] {
            if (!self || request != self->m_lessonModelRequest)
                return;
            // Opening a model starts from its first row; a lesson keeps the cell it selects. The
            // lesson file is as opened: what it holds is now what the window shows on its model
            // (the built-in layer it showed meanwhile normalised the selection).
            const core::SessionView& view = session.view;
            self->m_selectedHead = view.selectedHead;
            self->m_selectedQuery = view.selectedQuery;
            self->m_selectedKey = view.selectedKey;
            self->m_selectedOnce = view.selectedQuery >= 0;
            if (!self->m_sessionPath.isEmpty()) {
                self->m_savedSessionText = core::serializeSession(self->currentSession());
                self->updateWindowTitle();
            }
            std::shared_ptr<const core::Model> model = self->m_trainedModel;
            if (!model)
                model = self->m_transformer;
            if (!model || session.lesson.checks.empty())
                return;
            QThreadPool::globalInstance()->start([self, request, session, model] {
                std::vector<core::CheckOutcome> outcomes;
                try {
                    const core::LessonRunner run = [&](const core::Config& config) {
                        return model->run(config);
                    };
                    outcomes = core::evaluateLessonChecks(session.lesson.checks, session.config,
                                                          run(session.config), run);
                } catch (const std::exception&) {
                    // The window shows the error of this sentence where it computes it.
                }
                QMetaObject::invokeMethod(
                    qApp,
                    [self, request, outcomes] {
                        if (!self || request != self->m_lessonModelRequest)
                            return;
                        self->m_lessonOutcomes = outcomes;
                        self->showLessonBar();
                        emit self->lessonChecksMeasured();
                    },
                    Qt::QueuedConnection);
            });
        },
        Qt::SingleShotConnection);
    connect(
        this, &MainWindow::modelFailed, this,
        [self, request](const QString& error) {
            if (!self || request != self->m_lessonModelRequest)
                return;
            self->m_modelFromLesson = false;
            self->m_lessonModelNote = tr("The lesson's model could not be opened: %1").arg(error);
            self->showLessonBar();
        },
        Qt::SingleShotConnection);
    openModelFolder(qs(folder));
}

} // namespace attnlab::ui
