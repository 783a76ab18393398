// trace_diff.h — the first divergent event of two traces of the same scenario and seed.
//
// Every event line of a trace carries `h`, the rolling hash after that event
// (docs/trace-format.md), so two traces agree up to the first line whose `h` differs: that
// line is the first divergent event. Lines are streamed; only the divergent pair is
// parsed, so traces of long runs need no memory beyond a line each.
//
//   sim::TraceComparison c = sim::CompareTraces("a.jsonl", "b.jsonl");
//   if (!c.error.empty()) ...;                // cannot read, or not a trace
//   if (c.divergence) fmt::print("{}\n", sim::DivergenceText(*c.divergence));
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace leasesim::sim {

// TraceEventRef is one side of a divergence: the event at that line (`seq`, true time
// `t_ns` since scenario start, `node` ("" for none), kind `ev`), or `end` when that trace
// ran out of events there (its footer, or end of file), or `header` when line 1 differs.
struct TraceEventRef {
  bool end = false;
  bool header = false;
  int64_t seq = -1;
  int64_t t_ns = 0;
  std::string node;
  std::string ev;
};

// TraceDivergence: the 1-based line number where the traces first differ and what each
// has there.
struct TraceDivergence {
  int64_t line = 0;
  TraceEventRef first;
  TraceEventRef second;
};

// TraceComparison: `error` (one line naming the file) when a file cannot be read or a
// line is not a trace line; otherwise `divergence`, nullopt when every line agrees.
struct TraceComparison {
  std::string error;
  std::optional<TraceDivergence> divergence;
};

// CompareTraces compares two trace files line by line: line 1 (the header) as text, then
// each event line by its `h`; the footer ends the events.
TraceComparison CompareTraces(const std::string& first_path, const std::string& second_path);

// EventRefText is "t=12.000000003s node a ev api_request (seq 57)", "end of trace" or
// "header"; times in seconds with nanosecond digits, since perturbations may be that small.
std::string EventRefText(const TraceEventRef& e);

// DivergenceText is "first divergent event (line L): run 1: <EventRefText>; run 2: <...>".
std::string DivergenceText(const TraceDivergence& d);

}  // namespace leasesim::sim
