// export.cc — `leasesim export TRACE --perfetto FILE` (and `run --perfetto`): a trace as
// Chrome Trace Event Format JSON for ui.perfetto.dev and chrome://tracing.
#include <fstream>
#include <optional>
#include <ostream>
#include <sstream>

#include <fmt/format.h>

#include "cli/commands.h"
#include "sim/chrome_trace.h"
#include "sim/input_file.h"

namespace leasesim::sim {

namespace {
// PerfettoJson converts the trace at `trace_path`; nullopt with *err naming the file.
std::optional<std::string> PerfettoJson(const std::string& trace_path, std::string* err) {
  if (!CheckInputFile(trace_path, err)) return std::nullopt;  // (a FIFO would block the open)
  std::ifstream in(trace_path, std::ios::binary);
  if (!in) {
    *err = fmt::format("{}: cannot read file", trace_path);
    return std::nullopt;
  }
  std::ostringstream json;
  std::string problem;
  if (!WriteChromeTrace(in, json, &problem)) {
    *err = fmt::format("{}: {}", trace_path, problem);
    return std::nullopt;
  }
  return std::move(json).str();
}
}  // namespace

bool WritePerfettoFile(const std::string& trace_path, const std::string& out_path, std::string* err) {
  const std::optional<std::string> json = PerfettoJson(trace_path, err);
  return json && WriteFileAtomically(out_path, *json, err);
}

int ExportCommand(const ExportArgs& a, std::ostream& out, std::ostream& err) {
  std::string error;
  if (a.perfetto == "-") {  // stdout carries the JSON alone
    const std::optional<std::string> json = PerfettoJson(a.trace, &error);
    if (!json) {
      err << "leasesim: " << error << "\n";
      return kExitBadInput;
    }
    out << *json;
    return kExitPass;
  }
  if (!WritePerfettoFile(a.trace, a.perfetto, &error)) {
    err << "leasesim: " << error << "\n";
    return kExitBadInput;
  }
  out << fmt::format("wrote {} (open it in https://ui.perfetto.dev or chrome://tracing)\n", a.perfetto);
  return kExitPass;
}

}  // namespace leasesim::sim
