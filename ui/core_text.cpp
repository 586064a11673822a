#include "core_text.h"

#include <QCoreApplication>

#include <string>

namespace attnlab::ui {

QString coreText(std::string_view text) {
    const std::string key(text);
    return QCoreApplication::translate("core", key.c_str());
}

QString coreText(const core::Message& message) {
    core::Message translated = message;
    for (std::size_t i = 0; i < message.translatedArgs.size() && i < message.args.size(); ++i)
        if (message.translatedArgs[i])
            translated.args[i] = coreText(message.args[i]).toStdString();
    return QString::fromStdString(translated.fill(coreText(message.text).toStdString()));
}

QStringList coreTexts(const std::vector<core::Message>& messages) {
    QStringList out;
    for (const core::Message& message : messages)
        out << coreText(message);
    return out;
}

QString stepText(const core::ArithmeticStep& step, QString (*result)(double),
                 QString (*parameter)(double)) {
    QString text = coreText(step.text);
    for (const core::ArithmeticValue& value : step.values) {
        if (!value.word.empty())
            text = text.arg(
                QString::fromUtf8(value.word.data(), static_cast<qsizetype>(value.word.size())));
        else
            text = text.arg(value.parameter ? parameter(value.number) : result(value.number));
    }
    return text;
}

} // namespace attnlab::ui
