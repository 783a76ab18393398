// Tests of viz/lane_geometry.h: lane layout, culling, folding under 3 px, and the draw
// list of a frame (trace -> rects in pixel space).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "fixtures.h"
#include "viz/lane_geometry.h"
#include "viz/navigation.h"
#include "viz/palette.h"
#include "viz/screen_layout.h"

namespace leasesim::viz {
namespace {

using testing::kMs;
using testing::kS;

struct Span {
  TimeNs start, end;
};
std::vector<IntervalRun> Runs(const std::vector<Span>& v, const TimeAxis& ax) {
  return VisibleRuns(v, ax, 3.0f, [](const Span& s) { return s.start; }, [](const Span& s) { return s.end; });
}

TEST_CASE("geometry: culling keeps only intervals that overlap the window", "[viz]") {
  std::vector<Span> v;
  for (int i = 0; i < 100; ++i) v.push_back({i * kS, (i + 1) * kS});
  TimeAxis ax{10.5e9, 20.5e9, 0, 1000};  // 100 px per interval
  auto runs = Runs(v, ax);
  REQUIRE(runs.size() == 11);
  CHECK(runs.front().first == 10);
  CHECK(runs.back().first == 20);
  CHECK(runs.front().x0 == Approx(0));       // clamped to the plot's left edge
  CHECK(runs.back().x1 == Approx(1000));     // and to its right edge
  CHECK(runs[1].x0 == Approx(50));           // interval 11 starts at 11 s = 50 px
  for (const auto& r : runs) CHECK_FALSE(r.folded());
}

TEST_CASE("geometry: intervals narrower than 3 px fold into one item", "[viz]") {
  std::vector<Span> v;
  for (int i = 0; i < 1000; ++i) v.push_back({i * kMs, (i + 1) * kMs});  // 1000 x 1 ms
  v.push_back({1000 * kMs, 10 * kS});                                    // one wide interval
  TimeAxis ax{0, 10e9, 0, 1000};  // 10 ms per px: every short interval is 0.1 px
  auto runs = Runs(v, ax);
  // The 1000 short intervals cover 100 px: folded into ~100/3 runs, never one per item.
  size_t folded_items = 0;
  for (const auto& r : runs) folded_items += r.folded() ? r.last - r.first + 1 : 0;
  CHECK(folded_items == 1000);
  CHECK(runs.size() <= 100 / 3 + 2);
  // Every fold spans at least 3 px, except the one cut short by the wide interval.
  for (size_t i = 0; i + 2 < runs.size(); ++i) {
    if (runs[i].folded()) CHECK(runs[i].x1 - runs[i].x0 >= 2.9f);
  }
  // The wide interval is drawn on its own, unfolded, up to the right edge.
  CHECK(runs.back().first == 1000);
  CHECK_FALSE(runs.back().folded());
  CHECK(runs.back().x1 == Approx(1000));
}

TEST_CASE("geometry: a lone narrow interval stays itself, at least 1 px wide", "[viz]") {
  std::vector<Span> v = {{0, 5 * kS}, {5 * kS, 5 * kS + 1 * kMs}, {5 * kS + 1 * kMs, 10 * kS}};
  TimeAxis ax{0, 10e9, 0, 1000};
  auto runs = Runs(v, ax);
  REQUIRE(runs.size() == 3);
  CHECK_FALSE(runs[1].folded());
  CHECK(runs[1].x1 - runs[1].x0 >= 1.0f);
}

TEST_CASE("geometry: lanes stack axis, violations, lease, nodes, faults, clocks", "[viz]") {
  auto tr = testing::LoadTiny();
  TimelineLayout lay = LayoutTimeline(*tr, {0, 56, 1280, 502});
  std::vector<LaneKind> kinds;
  for (const Lane& l : lay.lanes) kinds.push_back(l.kind);
  CHECK(kinds == std::vector<LaneKind>{LaneKind::kAxis, LaneKind::kViolations, LaneKind::kLease,
                                       LaneKind::kNodeState, LaneKind::kNodeState, LaneKind::kFault,
                                       LaneKind::kNodeClock, LaneKind::kNodeClock});
  for (size_t i = 1; i < lay.lanes.size(); ++i) CHECK(lay.lanes[i].y0 > lay.lanes[i - 1].y1);
  CHECK(lay.Find(LaneKind::kNodeState, 1)->label == "b");
  CHECK(lay.Find(LaneKind::kFault, 0)->label == "partition a");
  CHECK(lay.lanes_y1 <= 502);
  CHECK(lay.plot_x0 > kLabelWidthPx);
}

// RectsOfColor returns the draw list's rects of colour c inside lane `lane`'s rows.
std::vector<Rect> RectsOfColor(const DrawList& dl, uint32_t c, float y0, float y1) {
  std::vector<Rect> out;
  for (const DrawRect& r : dl.rects) {
    if (r.color == c && r.r.y0 >= y0 && r.r.y1 <= y1) out.push_back(r.r);
  }
  return out;
}

TEST_CASE("geometry: leading bars and the split-brain band sit at their true times", "[viz]") {
  auto tr = testing::LoadTiny();
  TimelineLayout lay = LayoutTimeline(*tr, {0, 56, 1280, 502});
  TimeAxis ax = FitAll(tr->end_ns, lay.plot_x0, lay.plot_x1);
  DrawList dl;
  BuildTimeline(*tr, lay, ax, {}, dl);
  const Lane& a = *lay.Find(LaneKind::kNodeState, 0);
  const Lane& b = *lay.Find(LaneKind::kNodeState, 1);
  auto a_lead = RectsOfColor(dl, StateColor(NodeState::kLeading), a.y0, a.y1);
  REQUIRE(a_lead.size() == 1);
  CHECK(a_lead[0].x0 == Approx(ax.X(1e9)));
  CHECK(a_lead[0].x1 == Approx(ax.X(5e9)));
  auto b_lead = RectsOfColor(dl, StateColor(NodeState::kLeading), b.y0, b.y1);
  REQUIRE(b_lead.size() == 1);
  CHECK(b_lead[0].x0 == Approx(ax.X(4e9)));
  const Lane& v = *lay.Find(LaneKind::kViolations);
  auto red = RectsOfColor(dl, kSplitBrain, v.y0, v.y1);
  REQUIRE(red.size() == 1);
  CHECK(red[0].x0 == Approx(ax.X(4.05e9)));
  CHECK(red[0].x1 == Approx(ax.X(5.5e9)));
  // The translucent band runs across every lane below the violations lane.
  auto band = RectsOfColor(dl, kSplitBrainBand, v.y1, lay.lanes_y1);
  REQUIRE(band.size() == 1);
  CHECK(band[0].y1 == lay.lanes_y1);
  // API ticks: a's cancelled update at 3 s has the cancelled colour in a's tick row.
  bool cancelled = false;
  for (const Rect& r : RectsOfColor(dl, OutcomeColor(ApiOutcome::kCancelled), a.y0, a.y1)) {
    cancelled |= r.x0 == Approx(ax.X(3e9));
  }
  CHECK(cancelled);
}

TEST_CASE("geometry: a window that shows nothing of an interval draws none of it", "[viz]") {
  auto tr = testing::LoadTiny();
  TimelineLayout lay = LayoutTimeline(*tr, {0, 56, 1280, 502});
  TimeAxis ax = WindowSeconds(6, 9, lay.plot_x0, lay.plot_x1);  // after a stopped leading
  DrawList dl;
  BuildTimeline(*tr, lay, ax, {}, dl);
  const Lane& a = *lay.Find(LaneKind::kNodeState, 0);
  CHECK(RectsOfColor(dl, StateColor(NodeState::kLeading), a.y0, a.y1).empty());
  CHECK(RectsOfColor(dl, StateColor(NodeState::kFollowing), a.y0, a.y1).size() == 1);
  const Lane& v = *lay.Find(LaneKind::kViolations);
  CHECK(RectsOfColor(dl, kSplitBrain, v.y0, v.y1).empty());
}

TEST_CASE("geometry: the cursor is one line across the lanes", "[viz]") {
  auto tr = testing::LoadTiny();
  TimelineLayout lay = LayoutTimeline(*tr, {0, 56, 1280, 502});
  TimeAxis ax = FitAll(tr->end_ns, lay.plot_x0, lay.plot_x1);
  DrawList dl;
  BuildTimeline(*tr, lay, ax, {.cursor_ns = 4.5e9}, dl);
  auto n = std::count_if(dl.lines.begin(), dl.lines.end(), [](const DrawLine& l) { return l.color == kCursor; });
  REQUIRE(n == 1);
  auto it = std::find_if(dl.lines.begin(), dl.lines.end(), [](const DrawLine& l) { return l.color == kCursor; });
  CHECK(it->x0 == Approx(ax.X(4.5e9)));
}

TEST_CASE("geometry: frame cost is bounded by pixels on a long trace", "[viz]") {
  TraceLoad l = LoadTraceText(LargeTrace({.nodes = 5, .events = 200'000, .seed = 3}), "large");
  REQUIRE(l.ok());
  const Trace& tr = *l.trace;
  const ScreenLayout screen = ComputeScreenLayout(1280, 800);
  TimelineLayout lay = LayoutTimeline(tr, screen.timeline);
  TimeAxis ax = FitAll(tr.end_ns, lay.plot_x0, lay.plot_x1);
  DrawList dl;
  BuildTimeline(tr, lay, ax, {}, dl);
  const float width = lay.plot_x1 - lay.plot_x0;
  // Per state lane at most one item per 1 px for states, acting, and two per tick: with 5
  // nodes, a lease lane and bands, a few thousand rects for 200k events.
  CHECK(dl.rects.size() < static_cast<size_t>(width) * 4 * 5);
  CHECK(dl.rects.size() < tr.events.size() / 10);
}

TEST_CASE("geometry: lanes that do not fit scroll under the pinned axis and violations lanes", "[viz]") {
  TraceLoad l = LoadTraceText(LargeTrace({.nodes = 6, .events = 20'000, .seed = 3}), "large");
  REQUIRE(l.ok());
  const Trace& tr = *l.trace;
  const Rect area{0, 56, 1280, 502};
  TimelineLayout top = LayoutTimeline(tr, area, 0);
  REQUIRE(top.max_scroll_px > 0);
  CHECK(top.Find(LaneKind::kLease) != nullptr);
  CHECK(top.Find(LaneKind::kNodeClock, 5) == nullptr);  // below the fold
  TimelineLayout bottom = LayoutTimeline(tr, area, 1e6f);  // clamped to the maximum
  CHECK(bottom.scroll_px == top.max_scroll_px);
  CHECK(bottom.Find(LaneKind::kNodeClock, 5) != nullptr);
  CHECK(bottom.Find(LaneKind::kLease) == nullptr);
  for (const TimelineLayout* lay : {&top, &bottom}) {
    CHECK(lay->lanes[0].kind == LaneKind::kAxis);        // pinned
    CHECK(lay->lanes[1].kind == LaneKind::kViolations);  // pinned
    for (const Lane& lane : *&lay->lanes) {
      CHECK(lane.y0 >= area.y0);
      CHECK(lane.y1 <= lay->legend_y0);
    }
  }
}

// FindingsTrace is a run of `duration_s` with the given findings (seconds) and one node.
std::string FindingsTrace(double duration_s, const std::vector<std::pair<double, double>>& split_brains,
                          const std::vector<double>& breaches = {}) {
  TraceHeader h;
  h.scenario = "findings";
  h.duration_ns = static_cast<int64_t>(duration_s * 1e9);
  h.nodes = {{"a", "a", "1.31", 15 * kS, 10 * kS, 2 * kS, false}};
  TraceWriter w(h, {{0, 0, 0}});
  w.Add(0, 0, "state", R"("state":"leading")");
  for (auto [from, to] : split_brains) {
    w.Add(h.duration_ns, -1, "finding",
          fmt::format(R"("finding":"split_brain","start":{},"end":{},"nodes":["a","b"],"cause":"x")",
                      std::llround(from * 1e9), std::llround(to * 1e9)));
  }
  for (double at : breaches) {
    w.Add(h.duration_ns, -1, "finding",
          fmt::format(R"("finding":"invariant_breach","invariant":"i","at":{},"node":"","message":"m")",
                      std::llround(at * 1e9)));
  }
  return w.Finish();
}

TEST_CASE("issue14 item 7: a 1.9 s split-brain in 5 minutes is at least kMinViolationPx wide at any zoom",
          "[viz]") {
  auto tr = testing::Load(FindingsTrace(300, {{129.456, 131.335}}, {200}), "f.jsonl");
  const TimelineLayout lay = LayoutTimeline(*tr, {0, 56, 1280, 502});
  const Lane& v = *lay.Find(LaneKind::kViolations);
  // Fit all (as wide as the screen), then ten times wider: a narrower and narrower sliver.
  for (double span : {303e9, 3000e9, 30000e9}) {
    CAPTURE(span);
    const TimeAxis ax{130e9 - span / 2, 130e9 + span / 2, lay.plot_x0, lay.plot_x1};
    DrawList dl;
    BuildTimeline(*tr, lay, ax, {}, dl);
    auto red = RectsOfColor(dl, kSplitBrain, v.y0, v.y1);
    REQUIRE(red.size() == 1);
    CHECK(red[0].Width() >= kMinViolationPx - 1e-3f);
    // Widened around its middle, never shifted.
    CHECK((red[0].x0 + red[0].x1) / 2 == Approx(ax.X(130.3955e9)).margin(0.01));
    auto band = RectsOfColor(dl, kSplitBrainBand, v.y1, lay.lanes_y1);
    REQUIRE(band.size() == 1);
    CHECK(band[0].Width() >= kMinViolationPx - 1e-3f);
    // The breach (an instant) too, in its own colour.
    auto breach = RectsOfColor(dl, kInvariantBreach, v.y0, v.y1);
    REQUIRE(breach.size() == 1);
    CHECK(breach[0].Width() == Approx(kMinViolationPx));
  }
  // Zoomed in, the band is exactly the finding.
  const TimeAxis near{125e9, 135e9, lay.plot_x0, lay.plot_x1};
  const auto marks = ViolationMarks(*tr, near);
  REQUIRE(marks.size() == 1);
  CHECK(marks[0].x0 == Approx(near.X(129.456e9)));
  CHECK(marks[0].x1 == Approx(near.X(131.335e9)));
  // At the plot's edge a widened mark stays inside the plot and keeps its width.
  const TimeAxis edge{131.334e9, 140e9, lay.plot_x0, lay.plot_x1};
  const auto at_edge = ViolationMarks(*tr, edge);
  REQUIRE(at_edge.size() == 1);
  CHECK(at_edge[0].x0 == Approx(lay.plot_x0));
  CHECK(at_edge[0].x1 - at_edge[0].x0 >= kMinViolationPx - 1e-3f);
}

TEST_CASE("issue14 item 7: the viewer opens on the first split-brain or invariant breach", "[viz]") {
  SECTION("a split-brain mid-run: a 30 s window centred on it") {
    auto tr = testing::Load(FindingsTrace(300, {{129.456, 131.335}, {250, 251}}), "f.jsonl");
    const auto f = FirstViolationFocus(*tr);
    REQUIRE(f);
    CHECK(f->cursor_ns == 129'456'000'000);
    CHECK(f->to_ns - f->from_ns == Approx(kFocusMinSpanNs));
    CHECK((f->from_ns + f->to_ns) / 2 == Approx(130.3955e9));
  }
  SECTION("a long split-brain: four times its length") {
    auto tr = testing::Load(FindingsTrace(600, {{100, 120}}), "f.jsonl");
    const auto f = FirstViolationFocus(*tr);
    REQUIRE(f);
    CHECK(f->from_ns == Approx(70e9));
    CHECK(f->to_ns == Approx(150e9));
  }
  SECTION("near the start: slid inside the run, the breach before the split-brain first") {
    auto tr = testing::Load(FindingsTrace(300, {{100, 101}}, {2}), "f.jsonl");
    const auto f = FirstViolationFocus(*tr);
    REQUIRE(f);
    CHECK(f->from_ns == Approx(0));
    CHECK(f->to_ns == Approx(30e9));
    CHECK(f->cursor_ns == 2 * kS);
    CHECK(f->finding->kind == FindingKind::kInvariantBreach);
  }
  SECTION("no-leader gaps alone do not zoom") {
    auto tr = testing::LoadTiny();
    CHECK(FirstViolationFocus(*tr));  // the tiny trace's split-brain
    auto none = testing::Load(FindingsTrace(300, {}), "f.jsonl");
    CHECK_FALSE(FirstViolationFocus(*none));
  }
}

TEST_CASE("issue14 item 7: no empty band between the legend and the panels", "[viz]") {
  auto tr = testing::LoadTiny();
  const float content = TimelineContentHeight(*tr, 1280);
  const ScreenLayout screen = ComputeScreenLayout(1280, 800, content);
  // A few lanes: the timeline is shorter than 60 % and ends right under the legend.
  CHECK(screen.timeline.y1 < std::round(kToolbarHeightPx + (800 - kToolbarHeightPx) * 0.6f));
  CHECK(screen.inspector.y0 == screen.timeline.y1);
  const TimelineLayout lay = LayoutTimeline(*tr, screen.timeline);
  CHECK(lay.max_scroll_px == 0);
  int rows = 0;
  float x = 6;
  for (const LegendEntry& e : Legend(tr.get())) {
    const float w = 14 + 7.0f * static_cast<float>(e.text.size()) + 12;
    if (rows == 0 || x + w > 1280 - 6) x = 6, ++rows;
    x += w;
  }
  const float legend_bottom = lay.legend_y0 + 16.0f * static_cast<float>(rows);
  CHECK(legend_bottom <= screen.timeline.y1);
  CHECK(screen.timeline.y1 - legend_bottom <= 4);
  CHECK(lay.legend_y0 - lay.lanes_y1 <= 10);
  // Many lanes: capped at 60 %, the lanes scroll and the legend still ends at the bottom.
  TraceLoad many = LoadTraceText(LargeTrace({.nodes = 12, .events = 5'000, .seed = 3}), "large");
  REQUIRE(many.ok());
  const ScreenLayout big = ComputeScreenLayout(1280, 800, TimelineContentHeight(*many.trace, 1280));
  CHECK(big.timeline.y1 == std::round(kToolbarHeightPx + (800 - kToolbarHeightPx) * 0.6f));
  const TimelineLayout scrolled = LayoutTimeline(*many.trace, big.timeline);
  CHECK(scrolled.max_scroll_px > 0);
  CHECK(big.timeline.y1 - (scrolled.legend_y0 + 16.0f * 2) <= 4);
}

TEST_CASE("geometry: axis steps are 1-2-5 and labels are seconds", "[viz]") {
  CHECK(AxisStepNs({0, 100e9, 0, 1000}, 90) == Approx(10e9));
  CHECK(AxisStepNs({0, 10e9, 0, 1000}, 90) == Approx(1e9));
  CHECK(AxisStepNs({0, 4e9, 0, 1000}, 90) == Approx(0.5e9));
  CHECK(FormatSeconds(30e9, 10e9) == "30s");
  CHECK(FormatSeconds(30.5e9, 0.5e9) == "30.5s");
  CHECK(FormatSeconds(30.25e9, 0.25e9) == "30.25s");
  CHECK(FormatSeconds(-1e-3, 10e9) == "0s");
}

}  // namespace
}  // namespace leasesim::viz
