// chrome_trace.h — one run's trace as Chrome Trace Event Format JSON, for ui.perfetto.dev
// and chrome://tracing.
//
// Reads a leasesim trace (JSON Lines, docs/trace-format.md) and writes the JSON Object
// Format of the Trace Event Format ("Trace Event Format", Google, the document
// chrome://tracing and Perfetto's JSON importer follow):
//
//   {"displayTimeUnit":"ms","otherData":{...},"traceEvents":[{"ph":"X","name":"leading",
//     "pid":1,"tid":1000,"ts":8000.0,"dur":131327000.0,"args":{...}}, ...]}
//
// One process (pid 1) named after the scenario and seed; its threads are the tracks:
//   tid 1..3     the lock objects (Lease / ConfigMap / Endpoints): one slice per stored
//                version, named after the holder, args.resourceVersion
//   tid 10, 11   split-brain and no-leader slices (the oracles' findings, with the cause)
//   tid 20+k     faults (one lane per overlapping fault; "at" faults are instants)
//   tid 1000+100*i        candidate i (header order): its state slices (acquiring,
//                         leading, releasing, following, stopped, crashed, paused) and
//                         instants for log lines, callbacks, Events, /healthz and clocks
//   tid 1000+100*i+1      candidate i acting (its workload believes it leads)
//   tid 1000+100*i+10+k   candidate i API requests, lane k: one slice per request, named
//                         "<verb> <code>", from sending to the response (or cancel)
// plus counter events ("C") for the leader-election metrics. Metadata events ("M":
// process_name, thread_name, thread_sort_index) name and order every track. `ts` and
// `dur` are microseconds of true time since the scenario started (nanosecond precision
// as three decimals); slices on one track never overlap, so every viewer nests them.
// Slices still open at the end of the trace end at the run's duration.
//
//   std::ifstream in("trace.jsonl");  std::ostringstream out;  std::string err;
//   if (!sim::WriteChromeTrace(in, out, &err)) ...   // err: "line 7: ..."
#pragma once

#include <iosfwd>
#include <string>

namespace leasesim::sim {

// WriteChromeTrace converts the trace read from `trace` into Chrome Trace Event Format
// JSON written to `out`. Returns false with `*err` = "line N: <problem>" when the input
// is not a leasesim-trace/1 file (bad JSON, no header, a field of the wrong type); what
// was written to `out` is then incomplete and must be discarded.
bool WriteChromeTrace(std::istream& trace, std::ostream& out, std::string* err);

}  // namespace leasesim::sim
