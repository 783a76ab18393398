// navigation.h — jumps of the cursor: next/previous violation, transition or event.
//
//   std::optional<viz::TimeNs> t = viz::NextViolation(trace, cursor);   // split-brain or no-leader start
//   std::optional<viz::TimeNs> u = viz::PrevTransition(trace, cursor);  // a lane state or holder change
//
// "Next" is strictly after t, "previous" strictly before; nullopt when there is none.
#pragma once

#include <optional>
#include <vector>

#include "viz/trace_model.h"

namespace leasesim::viz {

// NextViolation / PrevViolation move between the starts of oracle findings.
std::optional<TimeNs> NextViolation(const Trace& trace, TimeNs t);
std::optional<TimeNs> PrevViolation(const Trace& trace, TimeNs t);

// NextTransition / PrevTransition move between changes of any candidate's lane state or
// of the Lease holder.
std::optional<TimeNs> NextTransition(const Trace& trace, TimeNs t);
std::optional<TimeNs> PrevTransition(const Trace& trace, TimeNs t);

// FocusWindow is the window the viewer opens on: [from_ns, to_ns] of true time, and the
// cursor (the violation's start).
struct FocusWindow {
  double from_ns = 0;
  double to_ns = 0;
  TimeNs cursor_ns = 0;
  const Finding* finding = nullptr;
};

// kFocusMinSpanNs is the narrowest opening window (30 s): enough context around a short
// violation to see the lease renewals and state changes that led to it.
inline constexpr double kFocusMinSpanNs = 30e9;

// FirstViolationFocus is the opening window of a trace with a split-brain or an invariant
// breach (issue 14 item 7): the earliest of them, centred, in a window 4 times its length
// and at least kFocusMinSpanNs wide, kept inside [0, end_ns] when the trace is long
// enough. nullopt for a trace without either (the viewer then fits all).
std::optional<FocusWindow> FirstViolationFocus(const Trace& trace);

// StepEvent is the replay step over an (optionally filtered) event list of indices into
// Trace::events: from position `pos` (-1: before the first) it returns the next (dir > 0)
// or previous (dir < 0) position, clamped to the list; -1 for an empty list.
int StepEvent(const std::vector<uint32_t>& list, int pos, int dir);

// EventPositionAt returns the position in `list` of the last event at or before t
// (0 if none is), or -1 for an empty list: where stepping resumes after a cursor jump.
int EventPositionAt(const Trace& trace, const std::vector<uint32_t>& list, TimeNs t);

}  // namespace leasesim::viz
