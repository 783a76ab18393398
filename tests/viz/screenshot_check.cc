// screenshot_check.cc — renders traces headless and checks the PNGs semantically (not
// against a golden image): where the model's geometry functions say something is drawn,
// the pixels must have its colour, and where they say there is none, they must not.
//
//   xvfb-run -a -s "-screen 0 1280x800x24" test_viz_screenshot [--mode=M] TRACE OUT.png VIEWER...
//
// Modes:
//   split-brain (default)  the window is the split-brain with 20 s either side: the red band,
//                          both candidates acting across it, leading bars where the model says
//   focus                  issue 14 item 7: opened with no window, the view is zoomed on the
//                          first split-brain; at fit-all the split-brain is still >= 4 px of red;
//                          the panels start right under the legend (no empty band)
//   nodes                  issue 12: a cluster run with thousands of workers, node lanes folded:
//                          the summary lane's Unknown share, each worker lane's colours, the
//                          "+ N more nodes" line
//   coordinated            issue 13: one lane per LeaseCandidate, drawn while it exists, with the
//                          controller's pings; the kube-apiserver lane green while its
//                          election controller runs
//
// Registered with add_test in tests/viz/CMakeLists.txt (it needs a display).
#include <stb_image.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include "viz/lane_geometry.h"
#include "viz/navigation.h"
#include "viz/palette.h"
#include "viz/screen_layout.h"
#include "viz/time_axis.h"
#include "viz/trace_loader.h"

namespace {

// Seconds is `s` as the viewers' --from/--to/--cursor take it: a Go duration ("109.456s"),
// for `leasesim view` and the standalone leasesim-viz alike.
std::string Seconds(double s) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.3fs", s);
  return buf;
}
std::string WindowArgs(double from_s, double to_s) {
  return " --from " + Seconds(from_s) + " --to " + Seconds(to_s);
}

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


// Render runs the viewer command with `args` appended, writing `png` at kWidth x kHeight,
// and loads the PNG.
bool Render(const std::string& viewer, const std::string& png, const std::string& args, Image& img) {
  std::remove(png.c_str());
  const std::string cmd = viewer + "--screenshot '" + png + "' --width " + std::to_string(kWidth) + " --height " +
                          std::to_string(kHeight) + args;
  const int rc = std::system(cmd.c_str());
  Expect(rc == 0, "viewer exits 0: " + cmd);
  int channels = 0;
  img.px = stbi_load(png.c_str(), &img.w, &img.h, &channels, 4);
  Expect(img.px != nullptr, "PNG readable: " + png);
  if (!img.px) return false;
  Expect(img.w == kWidth && img.h == kHeight, "PNG is 1280x800");
  return img.w == kWidth && img.h == kHeight;
}

// Near is true when the pixel is within `tol` of colour c in every channel.
std::function<bool(int, int, int)> Near(uint32_t c, int tol = 12) {
  return [c, tol](int r, int g, int b) {
    return std::abs(r - Red(c)) <= tol && std::abs(g - Green(c)) <= tol && std::abs(b - Blue(c)) <= tol;
  };
}

ScreenLayout Screen(const Trace& tr, bool unfolded = false) {
  return ComputeScreenLayout(kWidth, kHeight, TimelineContentHeight(tr, kWidth, unfolded));
}

// Focus: issue 14 item 7.
int CheckFocus(const Trace& tr, const std::string& viewer, const std::string& png) {
  const auto focus = FirstViolationFocus(tr);
  Expect(focus.has_value() && focus->finding->kind == FindingKind::kSplitBrain, "the trace has a split-brain");
  if (!focus) return 1;
  const Finding& f = *focus->finding;
  const ScreenLayout screen = Screen(tr);
  const TimelineLayout lay = LayoutTimeline(tr, screen.timeline);
  const Lane* v = lay.Find(LaneKind::kViolations);
  const float vy = (v->y0 + v->y1) / 2;
  char what[200];
  {
    Image img;
    if (!Render(viewer, png, "", img)) return 1;
    const TimeAxis ax = WindowSeconds(focus->from_ns / 1e9, focus->to_ns / 1e9, lay.plot_x0, lay.plot_x1);
    const float x0 = ax.X(static_cast<double>(f.start)), x1 = ax.X(static_cast<double>(f.end));
    std::snprintf(what, sizeof what, "opened zoomed on the split-brain: red at x %.0f..%.0f (%.0f px wide)", x0, x1,
                  x1 - x0);
    Expect(x1 - x0 > 40 && Fraction(img, x0 + 2, x1 - 2, vy, IsRed) > 0.95, what);
    Expect(Fraction(img, x0 - 8, x0 - 4, vy, IsRed) == 0.0, "no red just before the split-brain");
    Expect(Fraction(img, x1 + 4, x1 + 8, vy, IsRed) == 0.0, "no red just after the split-brain");
    // The cursor (white) is on the split-brain's start.
    const float cx = ax.X(static_cast<double>(f.start));
    const Lane* lease = lay.Find(LaneKind::kLease);
    Expect(Fraction(img, cx - 1, cx + 1, (lease->y0 + lease->y1) / 2,
                    [](int r, int g, int b) { return r > 235 && g > 235 && b > 235; }) > 0.3,
           "the cursor is at the split-brain's start");
    // No empty band: the panels start where the legend ends (give or take 4 px).
    int rows = 0;
    float x = 6;
    for (const LegendEntry& e : Legend(&tr)) {
      const float w = 14 + 7.0f * static_cast<float>(e.text.size()) + 12;
      if (rows == 0 || x + w > kWidth - 6) x = 6, ++rows;
      x += w;
    }
    const float legend_bottom = lay.legend_y0 + 16.0f * static_cast<float>(rows);
    std::snprintf(what, sizeof what, "the panels start at y %.0f, the legend ends at y %.0f", screen.inspector.y0,
                  legend_bottom);
    Expect(screen.inspector.y0 - legend_bottom <= 4 && screen.inspector.y0 >= legend_bottom, what);
    // The inspector's title bar is at that row (not the timeline's background colour).
    const double not_bg = 1.0 - Fraction(img, 10, screen.inspector.x1 - 10, screen.inspector.y0 + 4, Near(kBackground, 3));
    std::snprintf(what, sizeof what, "the inspector's title bar at y %.0f (%.0f%% not background)", screen.inspector.y0 + 4,
                  not_bg * 100);
    Expect(not_bg > 0.9, what);
    // The last legend row has its swatches (drawn, not cut off).
    const float swatch_y = lay.legend_y0 + 16.0f * static_cast<float>(rows - 1) + 7;
    Expect(Fraction(img, 6, 16, swatch_y, Near(kBackground, 3)) < 0.5, "the legend's last row is drawn");
  }
  {
    // Fit all (the whole 300 s run): the 1.9 s split-brain is still at least 4 px of red.
    Image img;
    const double end_s = static_cast<double>(tr.end_ns) / 1e9;
    const std::string window = WindowArgs(-0.01 * end_s, 1.01 * end_s);
    if (!Render(viewer, png, window, img)) return 1;
    const TimeAxis ax = WindowSeconds(-0.01 * end_s, 1.01 * end_s, lay.plot_x0, lay.plot_x1);
    const float mid = ax.X(static_cast<double>(f.start + f.end) / 2);
    int red = 0;
    for (int x = static_cast<int>(mid) - 8; x <= static_cast<int>(mid) + 8; ++x) {
      int r, g, b;
      img.At(x, static_cast<int>(vy), r, g, b);
      red += IsRed(r, g, b) ? 1 : 0;
    }
    std::snprintf(what, sizeof what, "fit all: the %.1f s split-brain is %d px of red (>= 4)",
                  static_cast<double>(f.end - f.start) / 1e9, red);
    Expect(red >= 4, what);
  }
  std::printf("%d failure(s)\n", failures);
  return failures == 0 ? 0 : 1;
}

// Nodes: issue 12, a cluster of thousands of workers with its worker lanes folded.
int CheckNodes(const Trace& tr, const std::string& viewer, const std::string& png) {
  const ClusterModel& c = tr.cluster;
  char what[240];
  std::snprintf(what, sizeof what, "a cluster trace: %lld workers, %zu changed state", static_cast<long long>(c.workers),
                c.by_change.size());
  Expect(c.present && c.workers >= 1000 && c.by_change.size() > static_cast<size_t>(kFoldedWorkerLanes) * 10, what);
  if (!c.present || c.counts.empty()) return 1;
  // The cursor where the most workers are Unknown.
  const WorkerCounts* peak = &c.counts.front();
  for (const WorkerCounts& w : c.counts) if (w.unknown > peak->unknown) peak = &w;
  const double cursor_s = static_cast<double>(peak->t) / 1e9 + 1;
  Image img;
  const std::string args = " --cursor " + Seconds(cursor_s);
  if (!Render(viewer, png, args, img)) return 1;
  const ScreenLayout screen = Screen(tr);
  const TimelineLayout lay = LayoutTimeline(tr, screen.timeline);
  const TimeAxis ax = FitAll(tr.end_ns, lay.plot_x0, lay.plot_x1);
  const Lane* sum = lay.Find(LaneKind::kWorkerSummary);
  Expect(sum != nullptr, "the worker summary lane is shown");
  if (!sum) return 1;
  // Summary: at the peak, the Unknown share of the bar (from the bottom) is orange, the rest green.
  const float xp = ax.X(static_cast<double>(peak->t) + 2e9);
  const float bar_h = sum->y1 - (sum->y0 + 6);
  const float orange_h = static_cast<float>(peak->unknown) / static_cast<float>(c.workers) * bar_h;
  int orange = 0, green = 0;
  for (int y = static_cast<int>(sum->y0 + 6); y < static_cast<int>(sum->y1); ++y) {
    int r, g, b;
    img.At(static_cast<int>(xp), y, r, g, b);
    orange += Near(kWorkerUnknown, 20)(r, g, b) ? 1 : 0;
    green += Near(kWorkerReady, 20)(r, g, b) ? 1 : 0;
  }
  std::snprintf(what, sizeof what, "summary at %.0fs: %d of %lld Unknown -> %d px orange (model %.1f), %d px green",
                static_cast<double>(peak->t) / 1e9 + 2, peak->unknown, static_cast<long long>(c.workers), orange, orange_h, green);
  Expect(std::abs(orange - orange_h) <= 2.5f && green >= bar_h - orange_h - 3, what);
  const float x_early = ax.X(1e9);
  Expect(Fraction(img, x_early, x_early + 3, sum->y1 - 2, Near(kWorkerReady, 20)) == 1.0,
         "summary: all Ready at 1s (green at the bottom)");
  // Folded: exactly kFoldedWorkerLanes worker lanes, then the "+ N more" line.
  int lanes = 0;
  for (const Lane& l : lay.lanes) lanes += l.kind == LaneKind::kWorker ? 1 : 0;
  std::snprintf(what, sizeof what, "%d worker lanes shown (folded: %d)", lanes, kFoldedWorkerLanes);
  Expect(lanes == kFoldedWorkerLanes, what);
  const Lane* more = lay.Find(LaneKind::kWorkersFolded);
  Expect(more != nullptr, "the folded line is shown");
  if (more) {
    int text = 0;
    for (int y = static_cast<int>(more->y0); y < static_cast<int>(more->y1); ++y) {
      for (int x = 4; x < 400; ++x) {
        int r, g, b;
        img.At(x, y, r, g, b);
        text += (r > 170 && g > 170 && b > 170) ? 1 : 0;
      }
    }
    std::snprintf(what, sizeof what, "the folded line has text (%d bright pixels)", text);
    Expect(text > 100, what);
  }
  // Each worker lane: its Ready intervals in their colours.
  for (const Lane& l : lay.lanes) {
    if (l.kind != LaneKind::kWorker) continue;
    const WorkerTrack& w = c.tracks[l.index];
    const float y = l.y0 + (kWorkerHeightPx - kWorkerStripPx) / 2;
    for (const WorkerInterval& iv : w.ready) {
      const float x0 = ax.X(static_cast<double>(iv.start)), x1 = ax.X(static_cast<double>(iv.end));
      if (x1 - x0 < 10) continue;
      const double share = Fraction(img, x0 + 3, x1 - 3, y, Near(ReadyColor(iv.status), 20));
      std::snprintf(what, sizeof what, "worker %s %s at x %.0f..%.0f: %.0f%%", w.name.c_str(),
                    std::string(ReadyStatusName(iv.status)).c_str(), x0, x1, share * 100);
      Expect(share > 0.9, what);
    }
    if (!w.tainted.empty()) {
      const Interval& t = w.tainted.front();
      const float x0 = ax.X(static_cast<double>(t.start)), x1 = ax.X(static_cast<double>(t.end));
      if (x1 - x0 >= 10) {
        std::snprintf(what, sizeof what, "worker %s tainted strip at x %.0f..%.0f", w.name.c_str(), x0, x1);
        Expect(Fraction(img, x0 + 3, x1 - 3, l.y1 - 1.5f, Near(kWorkerTainted, 20)) > 0.9, what);
      }
    }
  }
  std::printf("%d failure(s)\n", failures);
  return failures == 0 ? 0 : 1;
}

// Coordinated: issue 13, one lane per LeaseCandidate.
int CheckCoordinated(const Trace& tr, const std::string& viewer, const std::string& png) {
  char what[200];
  std::snprintf(what, sizeof what, "the trace has LeaseCandidates (%zu)", tr.lease_candidates.size());
  Expect(tr.lease_candidates.size() >= 3, what);
  Image img;
  if (!Render(viewer, png, "", img)) return 1;
  const ScreenLayout screen = Screen(tr);
  const TimelineLayout lay = LayoutTimeline(tr, screen.timeline);
  const TimeAxis ax = FitAll(tr.end_ns, lay.plot_x0, lay.plot_x1);
  int pings = 0;
  for (size_t i = 0; i < tr.lease_candidates.size(); ++i) {
    const LeaseCandidateTrack& c = tr.lease_candidates[i];
    const Lane* l = lay.Find(LaneKind::kLeaseCandidate, static_cast<int>(i));
    Expect(l != nullptr, "a lane for LeaseCandidate " + c.name);
    if (!l || c.objects.empty()) continue;
    TimeNs end = tr.end_ns;
    for (const CandidateObject& o : c.objects) {
      if (o.deleted) end = o.t;
    }
    const float x0 = ax.X(static_cast<double>(c.objects.front().t)), x1 = ax.X(static_cast<double>(end));
    // The bar (between the ticks) while it exists, nothing after its deletion.
    const double alive = Fraction(img, x0 + 2, x1 - 2, l->y0 + 3, [](int r, int g, int b) {
      return Near(kCandidateAlive, 14)(r, g, b) || Near(kCandidatePing, 30)(r, g, b) || Near(kCandidateRenew, 30)(r, g, b) ||
             (r > 200 && g > 200 && b > 200);  // the cursor
    });
    std::snprintf(what, sizeof what, "LeaseCandidate %s drawn at x %.0f..%.0f (%.0f%%)", c.name.c_str(), x0, x1, alive * 100);
    Expect(x1 - x0 < 8 || alive > 0.8, what);
    if (x1 + 10 < lay.plot_x1) {
      Expect(Fraction(img, x1 + 4, lay.plot_x1 - 2, l->y0 + 3, Near(kCandidateAlive, 14)) < 0.02,
             "LeaseCandidate " + c.name + " not drawn after its deletion");
    }
    for (int x = static_cast<int>(lay.plot_x0); x < static_cast<int>(lay.plot_x1); ++x) {
      int r, g, b;
      img.At(x, static_cast<int>(l->y0 + 2), r, g, b);
      pings += Near(kCandidatePing, 30)(r, g, b) ? 1 : 0;
    }
  }
  std::snprintf(what, sizeof what, "the controller's pings are drawn (%d px)", pings);
  Expect(pings > 0, what);
  // The kube-apiserver lane: green while its election controller runs (translucent
  // no-leader bands tint parts of it).
  Expect(!tr.apiservers.empty(), "the trace has a kube-apiserver instance");
  for (size_t i = 0; i < tr.apiservers.size(); ++i) {
    const Lane* l = lay.Find(LaneKind::kApiserver, static_cast<int>(i));
    Expect(l != nullptr, "a lane for " + tr.apiservers[i].name);
    if (!l) continue;
    for (const Interval& c : tr.apiservers[i].controller) {
      const float x0 = ax.X(static_cast<double>(c.start)), x1 = ax.X(static_cast<double>(c.end));
      const double green = Fraction(img, x0 + 3, x1 - 3, (l->y0 + l->y1) / 2, [](int r, int g, int b) {
        return g > r + 50 && g > b + 50;
      });
      std::snprintf(what, sizeof what, "%s runs the election controller at x %.0f..%.0f (%.0f%% green)",
                    tr.apiservers[i].name.c_str(), x0, x1, green * 100);
      Expect(green > 0.7, what);
    }
  }
  std::printf("%d failure(s)\n", failures);
  return failures == 0 ? 0 : 1;
}

}  // namespace

// Usage: screenshot_check TRACE OUT.png VIEWER-COMMAND...
// Runs `VIEWER-COMMAND... --screenshot OUT.png --width W --height H --from S --to S` (the
// window is the trace's split-brain finding with 20s either side), then checks the PNG
// against geometry computed from TRACE with the model's own layout functions. TRACE must be
// the run the viewer shows (e.g. `leasesim run SCENARIO --trace TRACE` of the scenario that
// `leasesim view SCENARIO` runs in-process with the same seed).
int main(int argc, char** argv) {
  std::string mode = "split-brain";
  if (argc > 1 && std::string(argv[1]).rfind("--mode=", 0) == 0) {
    mode = std::string(argv[1]).substr(7);
    --argc;
    ++argv;
  }
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s [--mode=split-brain|focus|nodes|coordinated] TRACE OUT.png VIEWER-COMMAND...\n",
                 argv[0]);
    return 2;
  }
  const std::string trace_path = argv[1], png = argv[2];
  std::string viewer;
  for (int i = 3; i < argc; ++i) {
    viewer += '\'';
    viewer += argv[i];
    viewer += "' ";
  }
  std::remove(png.c_str());

  TraceLoad load = LoadTraceFile(trace_path);
  if (!load.ok()) {
    std::fprintf(stderr, "%s\n", load.error.c_str());
    return 1;
  }
  const Trace& tr = *load.trace;
  if (mode == "focus") return CheckFocus(tr, viewer, png);
  if (mode == "nodes") return CheckNodes(tr, viewer, png);
  if (mode == "coordinated") return CheckCoordinated(tr, viewer, png);
  if (mode != "split-brain") {
    std::fprintf(stderr, "unknown mode %s\n", mode.c_str());
    return 2;
  }
  const Finding* first = nullptr;
  for (const Finding& f : tr.findings)
    if (f.kind == FindingKind::kSplitBrain && first == nullptr) first = &f;
  Expect(first != nullptr, "the trace has a split-brain finding");
  if (first == nullptr) return 1;
  const double from_s = static_cast<double>(first->start) / 1e9 - 20, to_s = static_cast<double>(first->end) / 1e9 + 20;
  const std::string window = WindowArgs(from_s, to_s);
  const std::string cmd = viewer + "--screenshot '" + png + "' --width " + std::to_string(kWidth) +
                          " --height " + std::to_string(kHeight) + window;
  const int rc = std::system(cmd.c_str());
  Expect(rc == 0, "viewer exits 0: " + cmd);

  // The same pure functions the app uses to place and draw the timeline.
  const ScreenLayout screen = Screen(tr);
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
