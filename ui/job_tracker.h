#pragma once
// "Newest request wins", in one place: every request takes the next generation, and a result is
// wanted only while its generation is the newest. The controller, the teaching pages and the
// trainer each keep one.

#include <QtGlobal>

namespace attnlab::ui {

class JobTracker {
public:
    /// A new request; every earlier generation is stale from now on.
    quint64 start() { return ++m_generation; }
    /// True when no request has started since `generation`.
    bool isCurrent(quint64 generation) const { return generation == m_generation; }
    /// The newest generation (0 before the first request).
    quint64 current() const { return m_generation; }

private:
    quint64 m_generation = 0;
};

} // namespace attnlab::ui
