// lane_geometry.h — trace + view window → one frame's flat draw list (no ImGui).
//
// LayoutTimeline stacks the lanes in a timeline rectangle: the time axis, the violations
// lane (split-brain red, no-leader amber), the Lease holder lane, one state lane per
// candidate (state bar, acting strip, API request ticks), one lane per fault, one clock
// lane per candidate (local wall minus true time), and a legend. BuildTimeline then turns
// the visible part of the trace into rects, lines and texts in screen pixels:
//
//   viz::TimelineLayout lay = viz::LayoutTimeline(trace, screen.timeline);
//   viz::TimeAxis ax = viz::FitAll(trace.end_ns, lay.plot_x0, lay.plot_x1);
//   viz::DrawList dl;
//   viz::BuildTimeline(trace, lay, ax, {.cursor_ns = 38e9}, dl);
//
// Cost is bounded by pixels, not events (Tracy's TimelineItemThread): each sorted vector
// is entered with std::lower_bound at the window's left edge, and runs of items narrower
// than `fold_px` are folded into one item by jumping (lower_bound again) to the first
// item starting `fold_px` further right.
#pragma once

#include <string>
#include <vector>

#include "viz/draw_list.h"
#include "viz/time_axis.h"
#include "viz/trace_model.h"

namespace leasesim::viz {

// LaneKind says what a lane shows. Cluster scenarios add the worker summary (counts of
// Ready / NotReady / Unknown / tainted over time), one lane per worker that changed state
// (folded to the first kFoldedWorkerLanes unless unfolded) and a line saying how many more
// there are; coordinated election adds one lane per kube-apiserver instance (up, its
// election controller running, crashes) and one per LeaseCandidate.
enum class LaneKind : uint8_t {
  kAxis, kViolations, kLease, kNodeState, kFault, kNodeClock,
  kWorkerSummary, kWorker, kWorkersFolded, kLeaseCandidate, kApiserver,
};

// Lane is one horizontal band of the timeline. `index` is the node (state/clock lanes),
// the fault lane (Trace::fault_lanes), the worker (ClusterModel::tracks) or the
// LeaseCandidate (Trace::lease_candidates) or the API server (Trace::apiservers), -1 otherwise.
struct Lane {
  LaneKind kind = LaneKind::kAxis;
  int index = -1;
  std::string label;
  float y0 = 0;
  float y1 = 0;
  float Height() const { return y1 - y0; }
};

// Lane geometry constants (pixels). A state lane is a state bar, an acting strip under it
// and a row of API request ticks (verb colour above, outcome colour below).
inline constexpr float kLabelWidthPx = 118.0f;
inline constexpr float kStateBarHeightPx = 16.0f;
inline constexpr float kActingHeightPx = 5.0f;
inline constexpr float kTickRowHeightPx = 12.0f;
inline constexpr float kWorkerSummaryHeightPx = 30.0f;
inline constexpr float kWorkerHeightPx = 11.0f;
inline constexpr float kWorkerStripPx = 3.0f;   // the taint strip at a worker lane's bottom
inline constexpr float kLeaseCandidateHeightPx = 12.0f;

// kFoldedWorkerLanes is how many worker lanes a folded cluster shows: the first workers to
// change state. The summary lane always counts all of them.
inline constexpr int kFoldedWorkerLanes = 8;

// kMinViolationPx is the narrowest a violation is drawn at any zoom: a 1.9 s split-brain
// in a 5-minute run is 7 px wide at 1160 px, an invariant breach (an instant) 0.
inline constexpr float kMinViolationPx = 5.0f;

// TimelineLayout is the lanes of one timeline rectangle. plot_x0/plot_x1 bound the
// plotted columns (right of the label column).
struct TimelineLayout {
  Rect area;
  float plot_x0 = 0;
  float plot_x1 = 0;
  std::vector<Lane> lanes;
  float lanes_y1 = 0;   // bottom of the last lane drawn (bands end here)
  float legend_y0 = 0;  // the legend starts here
  float scroll_px = 0;      // applied vertical scroll of the lanes below the violations lane
  float max_scroll_px = 0;  // 0 when every lane fits
  // Find returns the first lane of `kind` with `index`, or nullptr.
  const Lane* Find(LaneKind kind, int index = -1) const;
};

// LayoutTimeline stacks the lanes of `trace` in `area`: the axis and the violations lane
// pinned on top, the legend right under the last lane (or at the bottom when they do not
// all fit), the other lanes between them scrolled up by `scroll_px` (clamped to [0,
// max_scroll_px]). Only lanes wholly inside are listed, so Find returns nullptr for a lane
// scrolled out of view. `workers_unfolded` shows a lane for every worker that changed
// state instead of the first kFoldedWorkerLanes.
TimelineLayout LayoutTimeline(const Trace& trace, Rect area, float scroll_px = 0,
                              bool workers_unfolded = false);

// TimelineContentHeight is the height in pixels that LayoutTimeline needs in a timeline
// `width` pixels wide to show every lane and the legend without scrolling (the screen
// layout gives the timeline no more than this, so no empty band separates the legend
// from the panels below).
float TimelineContentHeight(const Trace& trace, float width, bool workers_unfolded = false);

// WorkerLanes lists the workers (indices into ClusterModel::tracks) that get a lane: those
// that changed state, by first change, the first kFoldedWorkerLanes unless unfolded.
std::vector<int32_t> WorkerLanes(const Trace& trace, bool workers_unfolded);

// ViolationMark is one finding as drawn: its pixel columns (at least kMinViolationPx wide,
// centred on the finding when widened) and its kind.
struct ViolationMark {
  float x0 = 0;
  float x1 = 0;
  FindingKind kind = FindingKind::kOther;
  size_t finding = 0;  // index into Trace::findings
};

// ViolationMarks returns the findings visible in the axis window, in drawing order (no
// leader first, split-brain last so that it is on top).
std::vector<ViolationMark> ViolationMarks(const Trace& trace, const TimeAxis& axis);

// WorkerCountsAt returns the cluster's worker counts at true time t.
WorkerCounts WorkerCountsAt(const ClusterModel& cluster, TimeNs t);

// TimelineOptions are the per-frame inputs of BuildTimeline.
struct TimelineOptions {
  double cursor_ns = -1;     // < 0: no cursor
  float fold_px = 3.0f;      // items narrower than this are folded
  float char_width_px = 7.0f;  // for fitting labels (ImGui's default font is 7 px wide)
};

// BuildTimeline appends the frame's geometry to `out` (cleared first).
void BuildTimeline(const Trace& trace, const TimelineLayout& layout, const TimeAxis& axis,
                   const TimelineOptions& options, DrawList& out);

// IntervalRun is one drawn item of an interval lane after culling and folding: items
// [first, last] of the input vector, `folded` when more than one.
struct IntervalRun {
  size_t first = 0;
  size_t last = 0;
  float x0 = 0;
  float x1 = 0;
  bool folded() const { return last > first; }
};

// VisibleRuns culls and folds sorted, non-overlapping [start, end) intervals (given by
// accessor functions) to the axis window. Exposed for tests and the benchmark.
template <class V, class StartFn, class EndFn>
std::vector<IntervalRun> VisibleRuns(const V& items, const TimeAxis& axis, float fold_px,
                                     StartFn start_of, EndFn end_of);

// AxisStepNs is the tick spacing of the time axis: 1, 2 or 5 × 10^k ns, the smallest whose
// spacing is at least `min_px` pixels.
double AxisStepNs(const TimeAxis& axis, float min_px);

// FormatSeconds prints true ns as seconds with as many decimals as `step_ns` needs
// ("38s", "38.5s", "38.125s").
std::string FormatSeconds(double t_ns, double step_ns);

// LegendEntry is one swatch of the legend.
struct LegendEntry {
  uint32_t color;
  std::string text;
};
// Legend returns the legend, in drawing order; with `trace`, also the colours of the
// lanes only some traces have (worker nodes, LeaseCandidates, invariant breaches).
std::vector<LegendEntry> Legend(const Trace* trace = nullptr);

}  // namespace leasesim::viz

#include "viz/lane_geometry_inl.h"
