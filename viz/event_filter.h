// event_filter.h — the event table's rows: filtering by node and kind, and row text.
//
//   viz::EventFilter f = viz::EventFilter::All(trace);
//   f.kinds[static_cast<int>(viz::EventKind::kLog)] = false;   // hide log lines
//   f.nodes[trace.NodeIndex("b")] = false;                     // hide node b
//   std::vector<uint32_t> rows = viz::FilterEvents(trace, f);  // indices into trace.events
//   std::string text = viz::DescribeEvent(trace, rows[0]);     // "state → leading"
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "viz/trace_model.h"

namespace leasesim::viz {

// EventFilter selects events: by the node they concern (events of no node are kept when
// `no_node` is set) and by kind, both must match; `text`, when non-empty, must occur in
// the raw line (case-sensitive).
struct EventFilter {
  std::vector<bool> nodes;  // one per Trace::nodes
  bool no_node = true;
  std::array<bool, kEventKindCount> kinds{};
  std::string text;

  // All returns a filter that keeps every event of `trace`.
  static EventFilter All(const Trace& trace);
};

// FilterEvents returns the indices (into Trace::events, ascending) of the events kept.
std::vector<uint32_t> FilterEvents(const Trace& trace, const EventFilter& filter);

// DescribeEvent is a one-line summary of event i for the table's "what" column,
// e.g. "update id 12 -> 409 Conflict", "observed holder b", "fault partition begin [a]".
std::string DescribeEvent(const Trace& trace, uint32_t i);

}  // namespace leasesim::viz
