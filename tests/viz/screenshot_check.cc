// screenshot_check.cc — renders the sample split-brain trace headless and checks the PNG
// semantically (not against a golden image): where the model's geometry functions say
// the split-brain band and each candidate's leading bars are, the pixels must have those
// colours, and where they say there is none, they must not.
//
//   xvfb-run -a -s "-screen 0 1280x800x24" test_viz_screenshot VIEWER TRACE OUT.png
//
// Registered with add_test in tests/viz/CMakeLists.txt (it needs a display).
#include <stb_image.h>

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include "viz/lane_geometry.h"
#include "viz/palette.h"
#include "viz/screen_layout.h"
#include "viz/time_axis.h"
#include "viz/trace_loader.h"

namespace {

using namespace leasesim::viz;

constexpr int kWidth = 1280;
constexpr int kHeight = 800;

struct Image {
  int w = 0, h = 0;
  unsigned char* px = nullptr;
  ~Image() { if (px) stbi_image_free(px); }
  void At(int x, int y, int& r, int& g, int& b) const {
    const unsigned char* p = px + (static_cast<size_t>(y) * w + x) * 4;
    r = p[0];
    g = p[1];
    b = p[2];
  }
};

bool IsRed(int r, int g, int b) { return r > 180 && g < 90 && b < 90; }
bool IsLeadingGreen(int r, int g, int b) { return g > r + 40 && g > b + 40; }
// The acting strip is a darker green (also under the translucent split-brain band).
bool IsActing(int r, int g, int b) { return g > r + 25 && g > b + 40 && g < 140; }

int failures = 0;
void Expect(bool ok, const std::string& what) {
  std::printf("%s %s\n", ok ? "ok  " : "FAIL", what.c_str());
  if (!ok) ++failures;
}

// Fraction of columns in [x0, x1] at row y whose colour satisfies pred.
double Fraction(const Image& img, float x0, float x1, float y, const std::function<bool(int, int, int)>& pred) {
  int n = 0, hit = 0;
  for (int x = static_cast<int>(x0); x <= static_cast<int>(x1); ++x) {
    if (x < 0 || x >= img.w) continue;
    int r, g, b;
    img.At(x, static_cast<int>(y), r, g, b);
    ++n;
    hit += pred(r, g, b) ? 1 : 0;
  }
  return n ? static_cast<double>(hit) / n : 0.0;
}

}  // namespace

// Usage: screenshot_check TRACE OUT.png VIEWER-COMMAND...
// Runs `VIEWER-COMMAND... --screenshot OUT.png --width W --height H --from S --to S` (the
// window is the trace's split-brain finding with 20s either side), then checks the PNG
// against geometry computed from TRACE with the model's own layout functions. TRACE must be
// the run the viewer shows (e.g. `leasesim run SCENARIO --trace TRACE` of the scenario that
// `leasesim view SCENARIO` runs in-process with the same seed).
int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s TRACE OUT.png VIEWER-COMMAND...\n", argv[0]);
    return 2;
  }
  const std::string trace_path = argv[1], png = argv[2];
  std::string viewer;
  for (int i = 3; i < argc; ++i) viewer += "'" + std::string(argv[i]) + "' ";
  std::remove(png.c_str());

  TraceLoad load = LoadTraceFile(trace_path);
  if (!load.ok()) {
    std::fprintf(stderr, "%s\n", load.error.c_str());
    return 1;
  }
  const Trace& tr = *load.trace;
  const Finding* first = nullptr;
  for (const Finding& f : tr.findings)
    if (f.kind == FindingKind::kSplitBrain && first == nullptr) first = &f;
  Expect(first != nullptr, "the trace has a split-brain finding");
  if (first == nullptr) return 1;
  const double from_s = static_cast<double>(first->start) / 1e9 - 20, to_s = static_cast<double>(first->end) / 1e9 + 20;
  char window[96];
  std::snprintf(window, sizeof window, " --from %.3f --to %.3f", from_s, to_s);
  const std::string cmd = viewer + "--screenshot '" + png + "' --width " + std::to_string(kWidth) +
                          " --height " + std::to_string(kHeight) + window;
  const int rc = std::system(cmd.c_str());
  Expect(rc == 0, "viewer exits 0: " + cmd);

  // The same pure functions the app uses to place and draw the timeline.
  const ScreenLayout screen = ComputeScreenLayout(kWidth, kHeight);
  const TimelineLayout lay = LayoutTimeline(tr, screen.timeline);
  const TimeAxis ax = WindowSeconds(from_s, to_s, lay.plot_x0, lay.plot_x1);

  Image img;
  int channels = 0;
  img.px = stbi_load(png.c_str(), &img.w, &img.h, &channels, 4);
  Expect(img.px != nullptr, "PNG readable: " + png);
  if (!img.px) return 1;
  Expect(img.w == kWidth && img.h == kHeight, "PNG is 1280x800");

  const Lane* v = lay.Find(LaneKind::kViolations);
  const float vy = (v->y0 + v->y1) / 2;
  int splits = 0;
  for (const Finding& f : tr.findings) {
    if (f.kind != FindingKind::kSplitBrain) continue;
    ++splits;
    const float x0 = ax.X(static_cast<double>(f.start)), x1 = ax.X(static_cast<double>(f.end));
    char what[160];
    std::snprintf(what, sizeof what, "split-brain band red at x %.0f..%.0f", x0, x1);
    Expect(Fraction(img, x0 + 2, x1 - 2, vy, IsRed) > 0.95, what);
    Expect(Fraction(img, x0 - 8, x0 - 4, vy, IsRed) == 0.0, "no red just before the split-brain");
    Expect(Fraction(img, x1 + 4, x1 + 8, vy, IsRed) == 0.0, "no red just after the split-brain");
    // The split-brain is "two or more acting at once" (an oracle in true time): every
    // candidate it names has its acting strip on across the band, and its leading bar
    // (believes it leads) wherever the model says it leads inside the band.
    for (const std::string& name : f.nodes) {
      const int n = tr.NodeIndex(name);
      const Lane* lane = lay.Find(LaneKind::kNodeState, n);
      const float acting_y = lane->y0 + kStateBarHeightPx + 1 + kActingHeightPx / 2;
      Expect(Fraction(img, x0 + 2, x1 - 2, acting_y, IsActing) > 0.9,
             "candidate " + name + " acting (dark green strip) across the split-brain");
      bool leads = false;
      for (const StateInterval& st : tr.nodes[n].states) {
        if (st.state != NodeState::kLeading || st.end <= f.start || st.start >= f.end) continue;
        leads = true;
        const float l0 = ax.X(static_cast<double>(std::max(st.start, f.start)));
        const float l1 = ax.X(static_cast<double>(std::min(st.end, f.end)));
        std::snprintf(what, sizeof what, "candidate %s leading (green) at x %.0f..%.0f inside the band",
                      name.c_str(), l0, l1);
        Expect(Fraction(img, l0 + 2, l1 - 2, lane->y0 + kStateBarHeightPx - 2, IsLeadingGreen) > 0.9, what);
      }
      Expect(leads, "candidate " + name + " believes it leads during the split-brain");
    }
  }
  Expect(splits == 1, "the run has exactly one split-brain finding");

  // Every leading interval of every candidate is green where the model puts it, and the
  // state lanes are not green where the model says the node does not lead.
  for (size_t n = 0; n < tr.nodes.size(); ++n) {
    const Lane* lane = lay.Find(LaneKind::kNodeState, static_cast<int>(n));
    const float y = lane->y0 + kStateBarHeightPx - 2;
    for (const StateInterval& s : tr.nodes[n].states) {
      if (ax.X(static_cast<double>(s.end)) <= lay.plot_x0 || ax.X(static_cast<double>(s.start)) >= lay.plot_x1) continue;
      const float x0 = std::max(ax.X(static_cast<double>(s.start)), lay.plot_x0);
      const float x1 = std::min(ax.X(static_cast<double>(s.end)), lay.plot_x1);
      if (x1 - x0 < 8) continue;
      const double green = Fraction(img, x0 + 3, x1 - 3, y, IsLeadingGreen);
      char what[200];
      std::snprintf(what, sizeof what, "node %s %s x %.0f..%.0f: %.0f%% green",
                    tr.nodes[n].config.node.c_str(), std::string(NodeStateName(s.state)).c_str(), x0, x1,
                    green * 100);
      Expect(s.state == NodeState::kLeading ? green > 0.9 : green < 0.05, what);
    }
  }
  std::printf("%d failure(s)\n", failures);
  return failures == 0 ? 0 : 1;
}
