// main.cc — `leasesim-viz`, the standalone viewer: leasesim-viz TRACE [options].
// (`leasesim view` calls the same RunViewer, and can also run scenarios in-process.)
#include <CLI/CLI.hpp>

#include "viz/viewer.h"

int main(int argc, char** argv) {
  leasesim::viz::ViewerOptions o;
  double from_s = 0, to_s = 0, cursor_s = 0;
  CLI::App app{
      "leasesim-viz: view a leasesim trace (leasesim-trace/1 JSON Lines) on one true-time axis:\n"
      "per-candidate state lanes with API requests, the Lease holder, faults, clocks,\n"
      "split-brain (red) and no-leader (amber) bands, an inspector at the cursor, the event\n"
      "list and a run summary; node lanes for cluster scenarios, LeaseCandidates for coordinated\n"
      "election. A run with a split-brain or invariant breach opens zoomed on the first one.\n"
      "Wheel zooms around the mouse, drag pans, click sets the cursor,\n"
      "wheel over the lane names scrolls lanes, Left/Right step through events, Home fits all.\n"
      "Exit codes: 0 ok, 1 no display/GL or PNG not written, 2 bad input.",
      "leasesim-viz"};
  app.add_option("trace", o.trace_path, "trace file written by `leasesim run --trace`")
      ->required()
      ->check(CLI::ExistingFile);
  app.add_option("--report", o.report_path, "report JSON to show in the summary panel")
      ->check(CLI::ExistingFile);
  app.add_option("--screenshot", o.screenshot_path,
                 "render headless (e.g. under xvfb-run), write this PNG and exit");
  auto* from = app.add_option("--from", from_s, "window start, seconds of true time");
  auto* to = app.add_option("--to", to_s, "window end, seconds of true time");
  from->needs(to);
  to->needs(from);
  auto* cursor = app.add_option("--cursor", cursor_s, "cursor position, seconds of true time");
  app.add_flag("--unfold-nodes", o.unfold_nodes,
               "cluster scenarios: open with a lane for every worker node that changed state (default: the first 8)");
  app.add_option("--width", o.width, "window width in pixels")->check(CLI::Range(320, 8192));
  app.add_option("--height", o.height, "window height in pixels")->check(CLI::Range(240, 8192));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);  // prints help or the error
    return rc == 0 ? 0 : leasesim::viz::kViewerBadInput;
  }
  if (*from) {
    o.from_s = from_s;
    o.to_s = to_s;
  }
  if (*cursor) o.cursor_s = cursor_s;
  return leasesim::viz::RunViewer(o);
}
