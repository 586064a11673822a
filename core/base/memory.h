#pragma once
// How much memory this computer has, for the checks that refuse a request before allocating it
// (an allocation that fails half-way is slower to report and noisier than a refusal up front).

namespace attnlab::core {

/// The computer's physical memory in bytes, or lower if the process's address space is limited;
/// 4e9 when the system does not say.
double availableMemoryBytes();

} // namespace attnlab::core
