// main.cc — `leasesim-viz`, the standalone viewer: leasesim-viz TRACE [options].
// (`leasesim view` calls the same RunViewer, and can also run scenarios in-process.)
#include <charconv>
#include <chrono>
#include <cstdio>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "core/go_duration.h"
#include "viz/viewer.h"

namespace {

// GoDuration accepts a Go duration string ("90s", "2m", "1m30.5s", "-1s"), as every
// leasesim flag that takes a time does (`leasesim view --from`).
CLI::Validator GoDuration() {
  return CLI::Validator([](std::string& v) { return leasesim::core::GoDurationFlagProblem(v); }, "", "");
}

// PixelsIn accepts a whole number of pixels in [lo, hi], with the message `leasesim view`
// gives ("expected an integer from 320 to 8192, got \"x\"").
CLI::Validator PixelsIn(int lo, int hi) {
  return CLI::Validator(
      [lo, hi](std::string& v) -> std::string {
        int n = 0;
        const auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
        if (!v.empty() && ec == std::errc() && p == v.data() + v.size() && n >= lo && n <= hi) return "";
        return "expected an integer from " + std::to_string(lo) + " to " + std::to_string(hi) + ", got \"" + v + "\"";
      },
      "", "");
}

double Seconds(const std::string& v) {
  return std::chrono::duration<double>(*leasesim::core::ParseGoDuration(v)).count();
}

}  // namespace

int main(int argc, char** argv) {
  leasesim::viz::ViewerOptions o;
  o.program = "leasesim-viz";
  std::string from_d, to_d, cursor_d;
  CLI::App app{
      "leasesim-viz: view a leasesim trace (leasesim-trace/1 JSON Lines) on one true-time axis:\n"
      "per-candidate state lanes with API requests, the Lease holder, faults, clocks,\n"
      "split-brain (red) and no-leader (amber) bands, an inspector at the cursor, the event\n"
      "list and a run summary; node lanes for cluster scenarios, LeaseCandidates for coordinated\n"
      "election. A run with a split-brain or invariant breach opens zoomed on the first one.\n"
      "Wheel zooms around the mouse, drag pans, click sets the cursor,\n"
      "wheel over the lane names scrolls lanes, Left/Right step through events, Home fits all.\n"
      "Exit codes: 0 ok; 2 bad input (an unreadable trace or report, a bad flag, no display to\n"
      "open a window on, the PNG not written); 3 a display but no OpenGL 3.0 window from it.",
      "leasesim-viz"};
  app.add_option("trace", o.trace_path, "trace file written by `leasesim run --trace`")
      ->required()
      ->check(CLI::ExistingFile)
      ->option_text("FILE");
  app.add_option("--report", o.report_path, "report JSON to show in the summary panel")
      ->check(CLI::ExistingFile)
      ->option_text("FILE");
  app.add_option("--screenshot", o.screenshot_path,
                 "render headless (e.g. under xvfb-run), write this PNG and exit")
      ->option_text("PNG");
  auto* from = app.add_option("--from", from_d, "window start, true time since the run's start (Go duration: 90s, 2m)")
                   ->check(GoDuration())
                   ->option_text("DURATION");
  auto* to = app.add_option("--to", to_d, "window end (Go duration)")->check(GoDuration())->option_text("DURATION");
  from->needs(to);
  to->needs(from);
  auto* cursor =
      app.add_option("--cursor", cursor_d, "cursor position (Go duration; default: the first violation)")
          ->check(GoDuration())
          ->option_text("DURATION");
  app.add_flag("--unfold-nodes", o.unfold_nodes,
               "cluster scenarios: open with a lane for every worker node that changed state (default: the first 8)");
  app.add_option("--width", o.width, "window width in pixels, 320 to 8192 (default 1280)")->check(PixelsIn(320, 8192))->option_text("PX");
  app.add_option("--height", o.height, "window height in pixels, 240 to 8192 (default 800)")->check(PixelsIn(240, 8192))->option_text("PX");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help
    // One line naming the program, as leasesim's own errors do.
    std::fprintf(stderr, "leasesim-viz: %s (leasesim-viz --help)\n", e.what());
    return leasesim::viz::kViewerBadInput;
  }
  if (*from) {
    o.from_s = Seconds(from_d);
    o.to_s = Seconds(to_d);
  }
  if (*cursor) o.cursor_s = Seconds(cursor_d);
  return leasesim::viz::RunViewer(o);
}
