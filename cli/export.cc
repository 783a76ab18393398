// export.cc — `leasesim export TRACE --perfetto FILE` (and `run --perfetto`): a trace as
// Chrome Trace Event Format JSON for ui.perfetto.dev and chrome://tracing.
#include <fstream>
#include <ostream>
#include <sstream>

#include <fmt/format.h>

#include "cli/commands.h"
#include "sim/chrome_trace.h"
#include "sim/input_file.h"

namespace leasesim::sim {

bool WritePerfettoFile(const std::string& trace_path, const std::string& out_path, std::string* err) {
  if (!CheckInputFile(trace_path, err)) return false;  // (a FIFO would block the open)
  std::ifstream in(trace_path, std::ios::binary);
  if (!in) {
    *err = fmt::format("{}: cannot read file", trace_path);
    return false;
  }
  std::ostringstream json;
  std::string problem;
  if (!WriteChromeTrace(in, json, &problem)) {
    *err = fmt::format("{}: {}", trace_path, problem);
    return false;
  }
  return WriteFileAtomically(out_path, json.str(), err);
}

int ExportCommand(const ExportArgs& a, std::ostream& out, std::ostream& err) {
  std::string error;
  if (a.perfetto == "-") {  // stdout carries the JSON alone
    if (!CheckInputFile(a.trace, &error)) {
      err << "leasesim: " << error << "\n";
      return kExitBadInput;
    }
    std::ifstream in(a.trace, std::ios::binary);
    std::ostringstream json;
    if (!in || !WriteChromeTrace(in, json, &error)) {
      err << "leasesim: " << a.trace << ": " << (in ? error : "cannot read file") << "\n";
      return kExitBadInput;
    }
    out << json.str();
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
