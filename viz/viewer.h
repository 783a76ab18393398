// viewer.h — the leasesim viewer window (Dear ImGui 1.86 + GLFW + OpenGL3).
//
// RunViewer opens a trace (or runs a scenario through a caller-provided callback and opens
// the trace it wrote), shows it until the window is closed, or, with a screenshot path,
// renders a few frames, writes a PNG and returns: the headless mode used under Xvfb by
// tests and for docs.
//
//   viz::ViewerOptions o;
//   o.trace_path = "out/trace.jsonl";
//   o.screenshot_path = "out/trace.png";   // optional: headless
//   return viz::RunViewer(o);
//
// This is the only viz/ layer that calls ImGui or GL: it draws what the model prepared
// (lane_geometry.h, inspector.h, event_filter.h, run_summary.h) and turns input into
// calls of the model's pure functions. UI state lives in one struct owned by RunViewer
// (no function-static state).
#pragma once

#include <functional>
#include <optional>
#include <string>

namespace leasesim::viz {

// ScenarioTrace is what running a scenario gave: a trace path, or an error message
// (naming the file, JSON path and problem for bad scenarios).
struct ScenarioTrace {
  std::string trace_path;
  std::string error;
};

// ScenarioRunner runs the scenario file at `scenario_path` in-process and returns where it
// wrote the trace (provided by the `leasesim view` subcommand; empty = scenarios cannot be
// opened).
using ScenarioRunner = std::function<ScenarioTrace(const std::string& scenario_path)>;

// ViewerOptions configure RunViewer.
struct ViewerOptions {
  // A trace (JSON Lines). A path ending in ".json" is taken as a scenario and handed to
  // `run_scenario` (an error if that is empty).
  std::string trace_path;
  std::string report_path;      // optional report JSON for the summary panel
  std::string screenshot_path;  // non-empty: render headless, write this PNG, exit
  std::optional<double> from_s;  // initial window in true seconds (both or neither)
  std::optional<double> to_s;
  std::optional<double> cursor_s;  // initial cursor; default: first violation, else 0
  int width = 1280;   // window size in pixels
  int height = 800;
  bool unfold_nodes = false;  // cluster scenarios: a lane for every worker that changed state
  int screenshot_frames = 3;  // frames rendered before reading pixels (>= 2: see toolchain notes)
  std::string program = "leasesim view";  // names the command in error messages
  ScenarioRunner run_scenario;
};

// Exit codes of RunViewer: the `leasesim` codes (harness/exit_codes.h); 1 ("an
// expectation failed") is never returned.
inline constexpr int kViewerOk = 0;
inline constexpr int kViewerBadInput = 2;  // unreadable trace, report or scenario; no display
                                           // to open a window on (bad usage: run under
                                           // xvfb-run or on a desktop); PNG not written
inline constexpr int kViewerInternal = 3;  // a display, but no OpenGL 3.0 window from it

// RunViewer runs the viewer; errors are printed to stderr. Returns an exit code above.
int RunViewer(const ViewerOptions& options);

// IsScenarioPath is true for paths RunViewer treats as scenarios (".json", ".yaml", ".yml";
// not ".jsonl").
bool IsScenarioPath(const std::string& path);

}  // namespace leasesim::viz
