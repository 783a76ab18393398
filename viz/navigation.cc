// navigation.cc — cursor jumps (see navigation.h).
#include "viz/navigation.h"

#include <algorithm>

namespace leasesim::viz {
namespace {

void Better(std::optional<TimeNs>& best, TimeNs v, bool next) {
  if (!best || (next ? v < *best : v > *best)) best = v;
}

// StartAfter / StartBefore find the first start > t and the last start < t in a vector
// sorted by start.
template <class V, class F>
void Scan(const V& v, TimeNs t, bool next, F start_of, std::optional<TimeNs>& best) {
  if (next) {
    auto it = std::partition_point(v.begin(), v.end(), [&](const auto& x) { return start_of(x) <= t; });
    if (it != v.end()) Better(best, start_of(*it), true);
  } else {
    auto it = std::partition_point(v.begin(), v.end(), [&](const auto& x) { return start_of(x) < t; });
    if (it != v.begin()) Better(best, start_of(*(it - 1)), false);
  }
}

std::optional<TimeNs> Violation(const Trace& trace, TimeNs t, bool next) {
  std::optional<TimeNs> best;
  Scan(trace.findings, t, next, [](const Finding& f) { return f.start; }, best);
  return best;
}

std::optional<TimeNs> Transition(const Trace& trace, TimeNs t, bool next) {
  std::optional<TimeNs> best;
  for (const NodeTrack& n : trace.nodes) {
    Scan(n.states, t, next, [](const StateInterval& s) { return s.start; }, best);
  }
  Scan(trace.holder_intervals, t, next, [](const HolderInterval& h) { return h.start; }, best);
  return best;
}

}  // namespace

std::optional<TimeNs> NextViolation(const Trace& trace, TimeNs t) { return Violation(trace, t, true); }
std::optional<TimeNs> PrevViolation(const Trace& trace, TimeNs t) { return Violation(trace, t, false); }
std::optional<TimeNs> NextTransition(const Trace& trace, TimeNs t) { return Transition(trace, t, true); }
std::optional<TimeNs> PrevTransition(const Trace& trace, TimeNs t) { return Transition(trace, t, false); }

int StepEvent(const std::vector<uint32_t>& list, int pos, int dir) {
  if (list.empty()) return -1;
  const int last = static_cast<int>(list.size()) - 1;
  if (pos < 0) return 0;  // stepping from "before the first" lands on the first
  return std::clamp(pos + (dir > 0 ? 1 : dir < 0 ? -1 : 0), 0, last);
}

int EventPositionAt(const Trace& trace, const std::vector<uint32_t>& list, TimeNs t) {
  if (list.empty()) return -1;
  auto it = std::partition_point(list.begin(), list.end(),
                                 [&](uint32_t i) { return trace.events[i].t <= t; });
  return it == list.begin() ? 0 : static_cast<int>(it - list.begin()) - 1;
}

std::optional<FocusWindow> FirstViolationFocus(const Trace& trace) {
  const Finding* first = nullptr;
  for (const Finding& f : trace.findings) {  // sorted by start
    if (f.kind == FindingKind::kSplitBrain || f.kind == FindingKind::kInvariantBreach) {
      first = &f;
      break;
    }
  }
  if (first == nullptr) return std::nullopt;
  const double start = static_cast<double>(first->start), end = static_cast<double>(first->end);
  const double span = std::max(kFocusMinSpanNs, 4 * (end - start));
  FocusWindow w;
  w.from_ns = (start + end) / 2 - span / 2;
  w.to_ns = w.from_ns + span;
  const double total = static_cast<double>(trace.end_ns);
  if (total >= span) {  // slide inside the trace, keeping the span
    if (w.from_ns < 0) w = {0, span, 0, nullptr};
    if (w.to_ns > total) w = {total - span, total, 0, nullptr};
  }
  w.cursor_ns = first->start;
  w.finding = first;
  return w;
}

}  // namespace leasesim::viz
