// lane_geometry.cc — the timeline's lanes and their per-frame geometry (see lane_geometry.h).
#include "viz/lane_geometry.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

#include "core/prng.h"
#include "viz/palette.h"

namespace leasesim::viz {
namespace {

constexpr float kGapPx = 3.0f;
constexpr float kAxisHeightPx = 18.0f;
constexpr float kViolationsHeightPx = 12.0f;
constexpr float kLeaseHeightPx = 22.0f;
constexpr float kFaultHeightPx = 14.0f;
constexpr float kClockHeightPx = 24.0f;
constexpr float kLegendRowPx = 16.0f;
constexpr float kTextHeightPx = 13.0f;

float StateLaneHeight() { return kStateBarHeightPx + 1 + kActingHeightPx + 1 + kTickRowHeightPx; }

void AddRect(DrawList& out, float x0, float y0, float x1, float y1, uint32_t c) {
  out.rects.push_back({{x0, y0, x1, y1}, c, true});
}

void AddText(DrawList& out, float x, float y, uint32_t c, std::string text) {
  out.texts.push_back({x, y, c, std::move(text)});
}

// Severity orders outcomes so a folded tick shows the worst of its group.
int Severity(ApiOutcome o) {
  switch (o) {
    case ApiOutcome::kOk: return 0;
    case ApiOutcome::kPending: return 1;
    case ApiOutcome::kCancelled: return 2;
    case ApiOutcome::kConflict: return 3;
    case ApiOutcome::kTimeout: return 4;
    case ApiOutcome::kError: return 5;
  }
  return 0;
}

std::string FormatOffset(int64_t ns) {
  const double a = std::abs(static_cast<double>(ns));
  if (a >= 1e9) return fmt::format("{:.1f}s", a / 1e9);
  if (a >= 1e6) return fmt::format("{:.1f}ms", a / 1e6);
  return fmt::format("{:.0f}us", a / 1e3);
}

void DrawAxis(const TimelineLayout& lay, const Lane& lane, const TimeAxis& ax, DrawList& out,
              float grid_y1) {
  const double step = AxisStepNs(ax, 90.0f);
  double t = std::ceil(ax.start_ns / step) * step;
  for (; t <= ax.end_ns; t += step) {
    const float x = ax.X(t);
    if (x < lay.plot_x0 || x > lay.plot_x1) continue;
    AddRect(out, x, lane.y1 - 5, x + 1, lane.y1, kTextDim);
    AddRect(out, x, lane.y1, x + 1, grid_y1, kGrid);
    AddText(out, x + 3, lane.y0, kTextDim, FormatSeconds(t, step));
  }
}

void DrawStateLane(const NodeTrack& node, const Lane& lane, const TimeAxis& ax,
                   const TimelineOptions& opt, DrawList& out) {
  const float bar_y1 = lane.y0 + kStateBarHeightPx;
  const auto runs = VisibleRuns(
      node.states, ax, opt.fold_px, [](const StateInterval& s) { return s.start; },
      [](const StateInterval& s) { return s.end; });
  for (const IntervalRun& r : runs) {
    const StateInterval& s = node.states[r.first];
    AddRect(out, r.x0, lane.y0, r.x1, bar_y1, r.folded() ? kFolded : StateColor(s.state));
    if (!r.folded()) {
      const std::string_view name = NodeStateName(s.state);
      if (r.x1 - r.x0 > opt.char_width_px * static_cast<float>(name.size()) + 6) {
        AddText(out, r.x0 + 3, lane.y0 + 1, Rgba(15, 15, 15), std::string(name));
      }
    }
  }
  const float act_y0 = bar_y1 + 1;
  const auto acting = VisibleRuns(
      node.acting, ax, opt.fold_px, [](const Interval& s) { return s.start; },
      [](const Interval& s) { return s.end; });
  for (const IntervalRun& r : acting) {
    AddRect(out, r.x0, act_y0, r.x1, act_y0 + kActingHeightPx, r.folded() ? kFolded : kActing);
  }
  // API request ticks: verb colour above, outcome colour below; a request whose latency
  // is wide enough also gets a line from sent to answered.
  const float tick_y0 = act_y0 + kActingHeightPx + 1;
  const float tick_mid = tick_y0 + kTickRowHeightPx / 2;
  const auto ticks = VisibleRuns(
      node.api, ax, opt.fold_px, [](const ApiCall& c) { return c.sent; },
      [](const ApiCall& c) { return c.sent; });
  for (const IntervalRun& r : ticks) {
    const ApiCall& c = node.api[r.first];
    ApiVerb verb = c.verb;
    ApiOutcome worst = c.outcome;
    for (size_t k = r.first + 1; k <= r.last; ++k) {
      if (node.api[k].verb != verb) verb = ApiVerb::kOther;
      if (Severity(node.api[k].outcome) > Severity(worst)) worst = node.api[k].outcome;
    }
    const float x = r.x0;
    const float w = r.folded() ? std::max(2.0f, r.x1 - r.x0) : 2.0f;
    AddRect(out, x, tick_y0, x + w, tick_mid, VerbColor(verb));
    AddRect(out, x, tick_mid, x + w, tick_y0 + kTickRowHeightPx, OutcomeColor(worst));
    if (!r.folded()) {
      const TimeNs end = c.answered >= 0 ? c.answered : c.served;
      if (end > c.sent) {
        const float xe = std::min(ax.X(static_cast<double>(end)), ax.x1);
        if (xe - x > opt.fold_px * 2) {
          out.lines.push_back({x + 2, tick_mid, xe, tick_mid, OutcomeColor(c.outcome), 1.0f});
        }
      }
    }
  }
}

void DrawLeaseLane(const Trace& trace, const Lane& lane, const TimeAxis& ax,
                   const TimelineOptions& opt, DrawList& out) {
  const float y1 = lane.y1 - 5;
  const auto runs = VisibleRuns(
      trace.holder_intervals, ax, opt.fold_px, [](const HolderInterval& h) { return h.start; },
      [](const HolderInterval& h) { return h.end; });
  for (const IntervalRun& r : runs) {
    const HolderInterval& h = trace.holder_intervals[r.first];
    if (r.folded()) {
      AddRect(out, r.x0, lane.y0, r.x1, y1, kFolded);
      continue;
    }
    AddRect(out, r.x0, lane.y0, r.x1, y1, HolderColor(trace.HolderNode(h.holder)));
    const std::string name = h.holder < 0 ? "(released)" : trace.holders[h.holder];
    if (r.x1 - r.x0 > opt.char_width_px * static_cast<float>(name.size()) + 6) {
      AddText(out, r.x0 + 3, lane.y0 + 1, Rgba(15, 15, 15), name);
    }
  }
  // Renewals (every successful write) as short ticks under the holder bar.
  const auto writes = VisibleRuns(
      trace.lease_writes, ax, opt.fold_px, [](const LeaseWrite& w) { return w.t; },
      [](const LeaseWrite& w) { return w.t; });
  for (const IntervalRun& r : writes) {
    bool change = false;
    for (size_t k = r.first; k <= r.last && !change; ++k) change = trace.lease_writes[k].holder_changed;
    AddRect(out, r.x0, change ? lane.y0 : y1 + 1, r.x0 + 1, lane.y1, kLeaseRenewal);
  }
}

void DrawFaultLane(const Trace& trace, const Lane& lane, const TimeAxis& ax, float char_w, DrawList& out) {
  const uint32_t c = FaultColor(trace.fault_lanes[lane.index]);
  for (const FaultInterval& f : trace.faults) {
    if (f.lane != lane.index) continue;
    if (static_cast<double>(f.end) < ax.start_ns || static_cast<double>(f.start) > ax.end_ns) continue;
    const float x0 = std::max(ax.X(static_cast<double>(f.start)), ax.x0);
    if (f.instant) {
      AddRect(out, x0 - 1, lane.y0, x0 + 2, lane.y1, Rgba(Red(c), Green(c), Blue(c)));
      continue;
    }
    const float x1 = std::min(ax.X(static_cast<double>(f.end)), ax.x1);
    AddRect(out, x0, lane.y0, std::max(x1, x0 + 1), lane.y1, c);
    if (!f.nodes.empty() && x1 - x0 > char_w * static_cast<float>(f.nodes.size()) + 6) {
      AddText(out, x0 + 3, lane.y0, kText, f.nodes);
    }
  }
}

void DrawClockLane(const NodeTrack& node, const Lane& lane, const TimeAxis& ax, DrawList& out) {
  const float mid = (lane.y0 + lane.y1) / 2;
  const double range = std::max<double>(
      {std::abs(static_cast<double>(node.offset_min_ns)),
       std::abs(static_cast<double>(node.offset_max_ns)), 1e6});
  const float half = (lane.y1 - lane.y0) / 2 - 2;
  AddRect(out, ax.x0, mid, ax.x1, mid + 1, kClockZero);
  if (node.clock.empty()) return;
  // One sample per 2 px column (interpolated between events): cost by pixels, not samples.
  bool have = false;
  float px = 0, py = 0;
  for (float x = ax.x0; x <= ax.x1; x += 2.0f) {
    const double t = ax.T(x);
    auto it = std::upper_bound(node.clock.begin(), node.clock.end(), t,
                               [](double v, const ClockSample& s) { return v < static_cast<double>(s.t); });
    if (it == node.clock.begin() || it == node.clock.end()) {
      have = false;
      continue;
    }
    const ClockSample& a = *(it - 1);
    const ClockSample& b = *it;
    double off = static_cast<double>(a.offset_ns);
    if (b.t > a.t) {
      off += (static_cast<double>(b.offset_ns - a.offset_ns)) * (t - static_cast<double>(a.t)) /
             static_cast<double>(b.t - a.t);
    }
    const float y = mid - static_cast<float>(off / range) * half;
    if (have) out.lines.push_back({px, py, x, y, kClockLine, 1.5f});
    have = true;
    px = x;
    py = y;
  }
}

// DrawWorkerSummary draws the cluster's worker counts over time: per 2 px column the most
// Unknown and NotReady workers in it, stacked from the bottom over the Ready green
// (heights in proportion to the worker count, at least 2 px when non-zero), a taint strip
// at the top, and the counts at the cursor as text.
void DrawWorkerSummary(const ClusterModel& c, TimeNs end_ns, const Lane& lane, const TimeAxis& ax,
                       const TimelineOptions& opt, DrawList& out) {
  const float strip_y1 = lane.y0 + 5;
  const float bar_y0 = strip_y1 + 1;
  const float bar_h = lane.y1 - bar_y0;
  const double total = static_cast<double>(std::max<int64_t>(c.workers, 1));
  const float first_x = std::max(ax.x0, ax.X(0.0));
  const float last_x = std::min(ax.x1, ax.X(static_cast<double>(end_ns)));
  if (last_x <= first_x || c.counts.empty()) return;
  AddRect(out, first_x, bar_y0, last_x, lane.y1, kWorkerReady);
  auto height = [&](int32_t n) {
    if (n <= 0) return 0.0f;
    return std::max(2.0f, static_cast<float>(n / total) * bar_h);
  };
  constexpr float kColumnPx = 2.0f;
  size_t i = 0;
  for (float x = first_x; x < last_x; x += kColumnPx) {
    const double t0 = ax.T(x), t1 = ax.T(std::min(x + kColumnPx, last_x));
    while (i + 1 < c.counts.size() && static_cast<double>(c.counts[i + 1].t) <= t0) ++i;
    int32_t unknown = c.counts[i].unknown, not_ready = c.counts[i].not_ready, tainted = c.counts[i].tainted;
    for (size_t k = i + 1; k < c.counts.size() && static_cast<double>(c.counts[k].t) < t1; ++k) {
      unknown = std::max(unknown, c.counts[k].unknown);
      not_ready = std::max(not_ready, c.counts[k].not_ready);
      tainted = std::max(tainted, c.counts[k].tainted);
    }
    const float x1 = std::min(x + kColumnPx, last_x);
    const float hu = height(unknown), hn = height(not_ready);
    if (hu > 0) AddRect(out, x, lane.y1 - hu, x1, lane.y1, kWorkerUnknown);
    if (hn > 0) AddRect(out, x, lane.y1 - hu - hn, x1, lane.y1 - hu, kWorkerNotReady);
    if (tainted > 0) AddRect(out, x, lane.y0 + 1, x1, strip_y1, kWorkerTainted);
  }
  if (opt.cursor_ns >= 0) {
    const WorkerCounts n = WorkerCountsAt(c, static_cast<TimeNs>(opt.cursor_ns));
    const int64_t ready = c.workers - n.unknown - n.not_ready;
    const std::string text = fmt::format("at cursor: {} Ready, {} NotReady, {} Unknown, {} tainted, {} evicted",
                                         ready, n.not_ready, n.unknown, n.tainted, n.evicted);
    const float w = opt.char_width_px * static_cast<float>(text.size()) + 6;
    AddRect(out, ax.x1 - w, bar_y0 + 1, ax.x1, bar_y0 + 1 + kTextHeightPx + 1, Rgba(20, 22, 26, 220));
    AddText(out, ax.x1 - w + 3, bar_y0 + 1, kText, text);
  }
}

// DrawWorker draws one worker: its Ready condition (Ready before its first change), the
// kubelet-down strip on top, the taint strip at the bottom, a tick where it was evicted.
void DrawWorker(const WorkerTrack& w, const Lane& lane, const TimeAxis& ax, const TimelineOptions& opt,
                DrawList& out) {
  const float y1 = lane.y1 - kWorkerStripPx;
  const float x_first = std::max(ax.x0, ax.X(0.0));
  const float x_ready_end = w.ready.empty() ? ax.x1 : std::min(ax.x1, ax.X(static_cast<double>(w.ready.front().start)));
  if (x_ready_end > x_first) AddRect(out, x_first, lane.y0, x_ready_end, y1, kWorkerReady);
  const auto runs = VisibleRuns(
      w.ready, ax, opt.fold_px, [](const WorkerInterval& r) { return r.start; },
      [](const WorkerInterval& r) { return r.end; });
  for (const IntervalRun& r : runs) {
    ReadyStatus worst = w.ready[r.first].status;
    for (size_t k = r.first + 1; k <= r.last; ++k) {
      if (w.ready[k].status != ReadyStatus::kTrue) worst = w.ready[k].status;
    }
    AddRect(out, r.x0, lane.y0, std::max(r.x1, r.x0 + 1), y1, ReadyColor(worst));
  }
  for (const IntervalRun& r : VisibleRuns(
           w.kubelet_down, ax, opt.fold_px, [](const Interval& i) { return i.start; },
           [](const Interval& i) { return i.end; })) {
    AddRect(out, r.x0, lane.y0, std::max(r.x1, r.x0 + 1), lane.y0 + kWorkerStripPx, kWorkerKubeletDown);
  }
  for (const IntervalRun& r : VisibleRuns(
           w.tainted, ax, opt.fold_px, [](const Interval& i) { return i.start; },
           [](const Interval& i) { return i.end; })) {
    AddRect(out, r.x0, y1, std::max(r.x1, r.x0 + 1), lane.y1, kWorkerTainted);
  }
  if (w.evicted >= 0) {
    const float x = ax.X(static_cast<double>(w.evicted));
    if (x >= ax.x0 && x <= ax.x1) AddRect(out, x - 1, lane.y0, x + 1, lane.y1, kWorkerEvicted);
  }
}

// DrawLeaseCandidate draws one LeaseCandidate: a bar while it exists, a tick per write of
// its candidate (renewTime; reads are not drawn) and per ping of the election controller.
void DrawLeaseCandidate(const LeaseCandidateTrack& c, TimeNs end_ns, const Lane& lane, const TimeAxis& ax,
                        const TimelineOptions& opt, DrawList& out) {
  const float mid = (lane.y0 + lane.y1) / 2;
  TimeNs alive_from = -1;
  auto bar = [&](TimeNs from, TimeNs to) {
    const float x0 = std::max(ax.x0, ax.X(static_cast<double>(from)));
    const float x1 = std::min(ax.x1, ax.X(static_cast<double>(to)));
    if (x1 > x0) AddRect(out, x0, lane.y0 + 2, x1, lane.y1 - 2, kCandidateAlive);
  };
  for (const CandidateObject& o : c.objects) {
    if (o.deleted) {
      if (alive_from >= 0) bar(alive_from, o.t);
      alive_from = -1;
    } else if (alive_from < 0) {
      alive_from = o.t;
    }
  }
  if (alive_from >= 0) bar(alive_from, end_ns);
  float last_x = -1e9f;
  for (const CandidateObject& o : c.objects) {
    if (o.deleted || o.verb == ApiVerb::kGet) continue;
    const float x = ax.X(static_cast<double>(o.t));
    if (x < ax.x0 || x > ax.x1) continue;
    if (o.by_controller) {
      AddRect(out, x, lane.y0, x + 2, mid, kCandidatePing);
    } else if (x - last_x >= opt.fold_px / 2) {
      AddRect(out, x, mid, x + 2, lane.y1, kCandidateRenew);
      last_x = x;
    }
  }
}

}  // namespace

uint32_t FaultColor(std::string_view label) {
  const std::string_view name = label.substr(0, label.find(' '));
  if (name == "partition") return Rgba(230, 120, 40, 170);
  if (name == "clock_drift" || name == "clock_step" || name == "clock") return Rgba(120, 160, 255, 150);
  if (name == "crash") return Rgba(150, 50, 130, 200);
  if (name == "pause") return Rgba(230, 200, 60, 170);
  constexpr uint32_t kOthers[] = {Rgba(200, 90, 90, 160), Rgba(90, 180, 160, 160),
                                  Rgba(170, 170, 90, 160), Rgba(140, 110, 200, 160)};
  return kOthers[core::StableHash(name) % 4];
}

const Lane* TimelineLayout::Find(LaneKind kind, int index) const {
  for (const Lane& l : lanes) {
    if (l.kind == kind && l.index == index) return &l;
  }
  return nullptr;
}

namespace {

// LegendRows is how many rows the legend wraps to in `width` pixels (BuildTimeline wraps
// the same way).
int LegendRows(const Trace& trace, float width, float char_w) {
  int rows = 1;
  float x = 6;
  for (const LegendEntry& e : Legend(&trace)) {
    const float w = 14 + char_w * static_cast<float>(e.text.size()) + 12;
    if (x + w > width - 6) {
      x = 6;
      ++rows;
    }
    x += w;
  }
  return rows;
}

// ScrolledLanes is every lane below the violations lane, with y relative to the first.
struct ScrolledLanes {
  std::vector<Lane> lanes;
  float height = 0;  // without a trailing gap
};

ScrolledLanes CollectLanes(const Trace& trace, bool workers_unfolded) {
  ScrolledLanes out;
  float h = 0;
  auto add = [&](LaneKind kind, int index, std::string label, float height) {
    out.lanes.push_back({kind, index, std::move(label), h, h + height});
    h += height + kGapPx;
  };
  add(LaneKind::kLease, -1, "lease holder", kLeaseHeightPx);
  for (size_t i = 0; i < trace.nodes.size(); ++i) {
    const NodeConfig& c = trace.nodes[i].config;
    std::string label = c.identity == c.node ? c.node : c.node + " (" + c.identity + ")";
    add(LaneKind::kNodeState, static_cast<int>(i), std::move(label), StateLaneHeight());
  }
  for (size_t i = 0; i < trace.apiservers.size(); ++i) {
    add(LaneKind::kApiserver, static_cast<int>(i), trace.apiservers[i].name, kLeaseCandidateHeightPx);
  }
  for (size_t i = 0; i < trace.lease_candidates.size(); ++i) {
    add(LaneKind::kLeaseCandidate, static_cast<int>(i), "LC " + trace.lease_candidates[i].name,
        kLeaseCandidateHeightPx);
  }
  if (trace.cluster.present) {
    add(LaneKind::kWorkerSummary, -1, fmt::format("{} nodes", trace.cluster.workers), kWorkerSummaryHeightPx);
    for (int32_t w : WorkerLanes(trace, workers_unfolded)) {
      add(LaneKind::kWorker, w, trace.cluster.tracks[w].name, kWorkerHeightPx);
    }
    if (!workers_unfolded && trace.cluster.by_change.size() > static_cast<size_t>(kFoldedWorkerLanes)) {
      add(LaneKind::kWorkersFolded, -1, "more nodes", kTextHeightPx + 1);
    }
  }
  for (size_t i = 0; i < trace.fault_lanes.size(); ++i) {
    add(LaneKind::kFault, static_cast<int>(i), trace.fault_lanes[i], kFaultHeightPx);
  }
  for (size_t i = 0; i < trace.nodes.size(); ++i) {
    add(LaneKind::kNodeClock, static_cast<int>(i), "clock " + trace.nodes[i].config.node,
        kClockHeightPx);
  }
  out.height = h > 0 ? h - kGapPx : 0;
  return out;
}

constexpr float kPinnedHeightPx = 2 + kAxisHeightPx + kGapPx + kViolationsHeightPx + kGapPx;

}  // namespace

std::vector<int32_t> WorkerLanes(const Trace& trace, bool workers_unfolded) {
  const std::vector<int32_t>& all = trace.cluster.by_change;
  if (workers_unfolded || all.size() <= static_cast<size_t>(kFoldedWorkerLanes)) return all;
  return {all.begin(), all.begin() + kFoldedWorkerLanes};
}

float TimelineContentHeight(const Trace& trace, float width, bool workers_unfolded) {
  const float legend_h = static_cast<float>(LegendRows(trace, width, 7.0f)) * kLegendRowPx;
  return kPinnedHeightPx + CollectLanes(trace, workers_unfolded).height + 8 + legend_h + 2;
}

TimelineLayout LayoutTimeline(const Trace& trace, Rect area, float scroll_px, bool workers_unfolded) {
  TimelineLayout lay;
  lay.area = area;
  lay.plot_x0 = area.x0 + kLabelWidthPx + 4;
  lay.plot_x1 = area.x1 - 10;
  // Pinned: the axis and the violations lane on top, the legend at the bottom.
  float y = area.y0 + 2;
  lay.lanes.push_back({LaneKind::kAxis, -1, "true time", y, y + kAxisHeightPx});
  y += kAxisHeightPx + kGapPx;
  lay.lanes.push_back({LaneKind::kViolations, -1, "violations", y, y + kViolationsHeightPx});
  y += kViolationsHeightPx + kGapPx;
  const float legend_h = static_cast<float>(LegendRows(trace, area.Width(), 7.0f)) * kLegendRowPx;
  // Scrolled: everything else.
  ScrolledLanes rest = CollectLanes(trace, workers_unfolded);
  const float content_h = rest.height;
  const float region_y0 = y;
  float region_y1 = area.y1 - legend_h - 10;
  if (content_h > region_y1 - region_y0) region_y1 -= kTextHeightPx;  // room for the scroll hint
  lay.max_scroll_px = std::max(0.0f, content_h - (region_y1 - region_y0));
  lay.scroll_px = std::clamp(scroll_px, 0.0f, lay.max_scroll_px);
  lay.lanes_y1 = region_y0 - kGapPx;
  for (Lane& l : rest.lanes) {
    l.y0 += region_y0 - lay.scroll_px;
    l.y1 += region_y0 - lay.scroll_px;
    if (l.y0 < region_y0 - 0.5f || l.y1 > region_y1 + 0.5f) continue;  // only whole lanes
    lay.lanes_y1 = std::max(lay.lanes_y1, l.y1);
    lay.lanes.push_back(std::move(l));
  }
  // The legend follows the last lane; when the lanes scroll it sits at the bottom, with
  // the "more lanes" hint just above it.
  lay.legend_y0 = lay.max_scroll_px > 0 ? area.y1 - legend_h - 2 : std::min(lay.lanes_y1 + 8, area.y1 - legend_h - 2);
  return lay;
}

double AxisStepNs(const TimeAxis& axis, float min_px) {
  const double min_ns = axis.NsPerPx() * static_cast<double>(min_px);
  double step = 1.0;
  while (true) {
    for (double m : {1.0, 2.0, 5.0}) {
      if (step * m >= min_ns) return step * m;
    }
    step *= 10;
  }
}

std::string FormatSeconds(double t_ns, double step_ns) {
  if (std::abs(t_ns) < step_ns * 1e-6) t_ns = 0;  // no "-0s" from rounding at the origin
  int decimals = 0;
  for (double s = 1e9; s > step_ns + 1e-6 && decimals < 9; s /= 10) ++decimals;
  // A step of 2 or 5 × 10^k may need one more digit than 10^k (0.25 s from 0.5 s steps).
  const double scaled = step_ns / std::pow(10.0, 9 - decimals);
  if (std::abs(scaled - std::round(scaled)) > 1e-9 && decimals < 9) ++decimals;
  return fmt::format("{:.{}f}s", t_ns / 1e9, decimals);
}

std::vector<LegendEntry> Legend(const Trace* trace) {
  std::vector<LegendEntry> l;
  for (NodeState s : {NodeState::kFollowing, NodeState::kAcquiring, NodeState::kLeading,
                      NodeState::kReleasing, NodeState::kPaused, NodeState::kCrashed,
                      NodeState::kStopped}) {
    l.push_back({StateColor(s), std::string(NodeStateName(s))});
  }
  l.push_back({kActing, "acting"});
  l.push_back({kFolded, "folded (<3px)"});
  l.push_back({kSplitBrain, "split-brain"});
  l.push_back({kNoLeader, "no leader"});
  bool breach = false;
  if (trace) {
    for (const Finding& f : trace->findings) breach |= f.kind == FindingKind::kInvariantBreach;
  }
  if (breach) l.push_back({kInvariantBreach, "invariant breach"});
  for (ApiVerb v : {ApiVerb::kGet, ApiVerb::kCreate, ApiVerb::kUpdate}) {
    l.push_back({VerbColor(v), std::string(ApiVerbName(v))});
  }
  for (ApiOutcome o : {ApiOutcome::kOk, ApiOutcome::kConflict, ApiOutcome::kError,
                       ApiOutcome::kTimeout, ApiOutcome::kCancelled, ApiOutcome::kPending}) {
    l.push_back({OutcomeColor(o), std::string(ApiOutcomeName(o))});
  }
  l.push_back({kClockLine, "clock: local wall - true"});
  if (trace && !trace->apiservers.empty()) {
    l.push_back({kApiserverUp, "apiserver up"});
    l.push_back({kApiserverController, "election controller"});
    l.push_back({kApiserverCrash, "crash"});
  }
  if (trace && !trace->lease_candidates.empty()) {
    l.push_back({kCandidateRenew, "LeaseCandidate renewTime write"});
    l.push_back({kCandidatePing, "controller ping"});
  }
  if (trace && trace->cluster.present) {
    l.push_back({kWorkerReady, "node Ready"});
    l.push_back({kWorkerNotReady, "NotReady"});
    l.push_back({kWorkerUnknown, "Unknown"});
    l.push_back({kWorkerTainted, "tainted (NoExecute)"});
    l.push_back({kWorkerKubeletDown, "kubelet down"});
    l.push_back({kWorkerEvicted, "pods evicted"});
  }
  return l;
}

WorkerCounts WorkerCountsAt(const ClusterModel& cluster, TimeNs t) {
  auto it = std::upper_bound(cluster.counts.begin(), cluster.counts.end(), t,
                             [](TimeNs v, const WorkerCounts& c) { return v < c.t; });
  if (it == cluster.counts.begin()) return WorkerCounts{t, 0, 0, 0, 0};
  return *(it - 1);
}

std::vector<ViolationMark> ViolationMarks(const Trace& trace, const TimeAxis& ax) {
  std::vector<ViolationMark> out;
  auto rank = [](FindingKind k) {
    switch (k) {
      case FindingKind::kSplitBrain: return 3;
      case FindingKind::kInvariantBreach: return 2;
      case FindingKind::kNoLeader: return 1;
      case FindingKind::kOther: return 0;
    }
    return 0;
  };
  for (int pass = 0; pass <= 3; ++pass) {
    for (size_t i = 0; i < trace.findings.size(); ++i) {
      const Finding& f = trace.findings[i];
      if (rank(f.kind) != pass) continue;
      float x0 = ax.X(static_cast<double>(f.start));
      float x1 = ax.X(static_cast<double>(f.end));
      if (x1 - x0 < kMinViolationPx) {
        const float mid = (x0 + x1) / 2;
        x0 = mid - kMinViolationPx / 2;
        x1 = mid + kMinViolationPx / 2;
      }
      if (x1 < ax.x0 || x0 > ax.x1) continue;
      // Clamp to the plot, keeping the minimum width at its edges.
      if (x0 < ax.x0) x0 = ax.x0, x1 = std::max(x1, ax.x0 + kMinViolationPx);
      if (x1 > ax.x1) x1 = ax.x1, x0 = std::min(x0, ax.x1 - kMinViolationPx);
      out.push_back({x0, x1, f.kind, i});
    }
  }
  return out;
}

void BuildTimeline(const Trace& trace, const TimelineLayout& lay, const TimeAxis& ax,
                   const TimelineOptions& opt, DrawList& out) {
  out.Clear();
  const Rect& a = lay.area;
  AddRect(out, a.x0, a.y0, a.x1, a.y1, kBackground);
  AddRect(out, a.x0, a.y0, a.x0 + kLabelWidthPx, lay.lanes_y1, kLabelBackground);
  for (const Lane& lane : lay.lanes) {
    if (lane.kind != LaneKind::kAxis) AddRect(out, lay.plot_x0, lane.y0, lay.plot_x1, lane.y1, kLaneBackground);
  }
  for (const Lane& lane : lay.lanes) {
    if (lane.kind == LaneKind::kAxis) DrawAxis(lay, lane, ax, out, lay.lanes_y1);
  }
  const float text_dy = 1;
  for (const Lane& lane : lay.lanes) {
    uint32_t label_color = lane.kind == LaneKind::kNodeState ? kText : kTextDim;
    if (lane.kind == LaneKind::kWorker && trace.cluster.tracks[lane.index].false_not_ready) label_color = kWorkerNotReady;
    const float ty = lane.y0 + std::max(0.0f, (lane.Height() - kTextHeightPx) / 2) - text_dy;
    if (lane.kind == LaneKind::kNodeState) {
      AddRect(out, a.x0 + 4, lane.y0 + 4, a.x0 + 12, lane.y0 + 12, HolderColor(lane.index));
      AddText(out, a.x0 + 16, lane.y0 + 1, label_color, lane.label);
    } else if (lane.kind == LaneKind::kWorkersFolded) {
      // No label: its text starts in the label column and runs across the plot.
    } else {
      std::string label = lane.label;
      const size_t max_chars = static_cast<size_t>((kLabelWidthPx - 8) / opt.char_width_px);
      if (label.size() > max_chars) label = label.substr(0, max_chars - 1) + "~";
      AddText(out, a.x0 + 4, ty, label_color, std::move(label));
    }
    switch (lane.kind) {
      case LaneKind::kAxis:
      case LaneKind::kViolations:
        break;
      case LaneKind::kLease:
        DrawLeaseLane(trace, lane, ax, opt, out);
        break;
      case LaneKind::kNodeState:
        DrawStateLane(trace.nodes[lane.index], lane, ax, opt, out);
        break;
      case LaneKind::kFault:
        DrawFaultLane(trace, lane, ax, opt.char_width_px, out);
        break;
      case LaneKind::kWorkerSummary:
        DrawWorkerSummary(trace.cluster, trace.end_ns, lane, ax, opt, out);
        break;
      case LaneKind::kWorker:
        DrawWorker(trace.cluster.tracks[lane.index], lane, ax, opt, out);
        break;
      case LaneKind::kWorkersFolded: {
        const size_t changed = trace.cluster.by_change.size();
        AddText(out, a.x0 + 4, lane.y0, kText,
                fmt::format("+ {} more nodes changed state ({} of {} never did): 'Unfold nodes' in the toolbar shows them",
                            changed - static_cast<size_t>(kFoldedWorkerLanes),
                            trace.cluster.workers - static_cast<int64_t>(changed), trace.cluster.workers));
        break;
      }
      case LaneKind::kApiserver: {
        const ApiserverTrack& as = trace.apiservers[lane.index];
        auto bars = [&](const std::vector<Interval>& v, float y0, float y1, uint32_t color) {
          for (const IntervalRun& r : VisibleRuns(
                   v, ax, opt.fold_px, [](const Interval& i) { return i.start; },
                   [](const Interval& i) { return i.end; })) {
            AddRect(out, r.x0, y0, std::max(r.x1, r.x0 + 1), y1, color);
          }
        };
        bars(as.up, lane.y0 + 2, lane.y1 - 2, kApiserverUp);
        bars(as.controller, lane.y0 + 4, lane.y1 - 4, kApiserverController);
        for (TimeNs t : as.crashes) {
          const float x = ax.X(static_cast<double>(t));
          if (x >= ax.x0 && x <= ax.x1) AddRect(out, x - 1, lane.y0, x + 2, lane.y1, kApiserverCrash);
        }
        break;
      }
      case LaneKind::kLeaseCandidate:
        DrawLeaseCandidate(trace.lease_candidates[lane.index], trace.end_ns, lane, ax, opt, out);
        break;
      case LaneKind::kNodeClock: {
        const NodeTrack& n = trace.nodes[lane.index];
        DrawClockLane(n, lane, ax, out);
        const int64_t m = std::max(std::abs(n.offset_min_ns), std::abs(n.offset_max_ns));
        AddText(out, lay.plot_x0 + 3, lane.y0 - 1, kTextDim, "±" + FormatOffset(m));
        break;
      }
    }
  }
  if (lay.max_scroll_px > 0) {
    AddText(out, a.x0 + 4, lay.legend_y0 - kTextHeightPx - 3, kTextDim,
            lay.scroll_px < lay.max_scroll_px ? "more lanes: wheel here" : "top lanes: wheel here");
  }
  // Violations: solid in their lane, translucent bands across every lane below the axis.
  if (const Lane* v = lay.Find(LaneKind::kViolations)) {
    for (const ViolationMark& m : ViolationMarks(trace, ax)) {
      const bool split = m.kind == FindingKind::kSplitBrain, breach = m.kind == FindingKind::kInvariantBreach;
      AddRect(out, m.x0, v->y0, m.x1, v->y1, split ? kSplitBrain : breach ? kInvariantBreach : kNoLeader);
      AddRect(out, m.x0, v->y1, m.x1, lay.lanes_y1,
              split ? kSplitBrainBand : breach ? kInvariantBreachBand : kNoLeaderBand);
    }
  }
  if (opt.cursor_ns >= ax.start_ns && opt.cursor_ns <= ax.end_ns) {
    const float x = ax.X(opt.cursor_ns);
    const Lane& axis_lane = lay.lanes.front();
    out.lines.push_back({x, axis_lane.y0, x, lay.lanes_y1, kCursor, 1.0f});
  }
  // Legend rows under the lanes.
  float x = a.x0 + 6;
  float y = lay.legend_y0;
  for (const LegendEntry& e : Legend(&trace)) {
    const float w = 14 + opt.char_width_px * static_cast<float>(e.text.size()) + 12;
    if (x + w > a.x1 - 6) {
      x = a.x0 + 6;
      y += kLegendRowPx;
    }
    if (y + kLegendRowPx > a.y1) break;
    AddRect(out, x, y + 2, x + 10, y + 12, e.color);
    AddText(out, x + 14, y, kTextDim, e.text);
    x += w;
  }
}

}  // namespace leasesim::viz
