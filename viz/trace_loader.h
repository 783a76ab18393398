// trace_loader.h — reads a `leasesim-trace/1` JSON Lines trace into a viz::Trace.
//
// The header line is parsed into a DOM (it is one line). Event lines are read by a lean
// scanner for flat objects that skips the values the model does not need; a line it
// cannot take (escapes in a needed string, a Lease object, anything malformed) goes to
// nlohmann's SAX interface with a handler that keeps only the needed fields. A DOM per
// line, and even SAX for every line, missed the 2 s budget for 1M events
// (bench/viz_bench.cc; figures in viz/README.md). The footer's trace hash is checked against the
// running hash `h` of the last event line (a truncated or edited trace shows as a mismatch).
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

// LoadOptions tune loading; the defaults are what the viewer uses.
struct LoadOptions {
  // lean_scan reads flat event lines with a small scanner and hands anything else to
  // nlohmann's SAX parser; false uses SAX for every line (tests compare the two).
  bool lean_scan = true;
};

// LoadTraceFile reads and parses the file at `path`.
TraceLoad LoadTraceFile(const std::string& path, const LoadOptions& options = {});

// LoadTraceText parses trace text already in memory; `name` is used in error messages
// and as Trace::path.
TraceLoad LoadTraceText(std::string text, std::string name, const LoadOptions& options = {});

}  // namespace leasesim::viz
