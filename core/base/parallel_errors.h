#pragma once
// An exception must not leave an OpenMP region: the runtime ends the program with
// std::terminate (an allocation that fails inside a parallel loop under a memory limit did
// exactly that). Work inside a region runs through ParallelErrors::run, which keeps the first
// exception and makes the region's remaining iterations skip; the caller rethrows it after the
// region, where the program's error handling sees it.

#include <atomic>
#include <exception>
#include <mutex>

namespace attnlab::core {

class ParallelErrors {
public:
    /// Runs `work` unless an earlier call failed; the first exception is kept, never thrown.
    template <typename Work> void run(Work&& work) noexcept {
        if (m_failed.load(std::memory_order_relaxed))
            return;
        try {
            work();
        } catch (...) {
            const std::lock_guard<std::mutex> lock(m_mutex);
            if (!m_error)
                m_error = std::current_exception();
            m_failed.store(true);
        }
    }
    bool failed() const { return m_failed.load(); }
    /// Throws the first exception kept, if any: call it after the region.
    void rethrow() const {
        if (m_error)
            std::rethrow_exception(m_error);
    }

private:
    std::atomic<bool> m_failed{false};
    std::mutex m_mutex;
    std::exception_ptr m_error;
};

} // namespace attnlab::core
