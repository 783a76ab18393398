// trace_loader.h — reads a `leasesim-trace/1` JSON Lines trace into a viz::Trace.
//
// The header line is parsed into a DOM (it is one line); every event line goes through
// nlohmann's SAX interface with a handler that keeps only the fields the model needs
// (no DOM per line: measured in bench/viz_bench.cc, a 1M-event trace loads in well under
// the 2 s budget). The trace hash in the footer is recomputed as the writer does it
// (core::StableHash continued over every line from the header through the last event).
//
//   viz::TraceLoad load = viz::LoadTraceFile("trace.jsonl");
//   if (!load.ok()) std::fprintf(stderr, "%s\n", load.error.c_str());
//
// Errors are bad user input: `error` names the file, the 1-based line, the JSON path and
// the problem, e.g. "t.jsonl:7: $.t: missing or not an integer". Problems the viewer can
// live with (unknown event kinds, a missing footer, a hash mismatch) become
// Trace::warnings instead.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "viz/trace_model.h"

namespace leasesim::viz {

// TraceLoad is the outcome of loading a trace: a trace, or an error message.
struct TraceLoad {
  std::unique_ptr<Trace> trace;
  std::string error;
  bool ok() const { return trace != nullptr; }
};

// LoadTraceFile reads and parses the file at `path`.
TraceLoad LoadTraceFile(const std::string& path);

// LoadTraceText parses trace text already in memory; `name` is used in error messages
// and as Trace::path.
TraceLoad LoadTraceText(std::string text, std::string name);

}  // namespace leasesim::viz
