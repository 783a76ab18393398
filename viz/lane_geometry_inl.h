// lane_geometry_inl.h — the template body of VisibleRuns (included by lane_geometry.h).
#pragma once

#include <algorithm>

namespace leasesim::viz {

template <class V, class StartFn, class EndFn>
std::vector<IntervalRun> VisibleRuns(const V& items, const TimeAxis& axis, float fold_px,
                                     StartFn start_of, EndFn end_of) {
  std::vector<IntervalRun> runs;
  const double t_lo = axis.start_ns;
  const double t_hi = axis.end_ns;
  // Intervals are sorted and disjoint, so their ends are sorted too: the first visible
  // item is the first whose end lies right of the window's left edge.
  auto it = std::partition_point(items.begin(), items.end(), [&](const auto& v) {
    return static_cast<double>(end_of(v)) <= t_lo;
  });
  size_t i = static_cast<size_t>(it - items.begin());
  const size_t n = items.size();
  while (i < n && static_cast<double>(start_of(items[i])) < t_hi) {
    const float xs = std::max(axis.X(static_cast<double>(start_of(items[i]))), axis.x0);
    const float xe = std::min(axis.X(static_cast<double>(end_of(items[i]))), axis.x1);
    if (xe - xs >= fold_px) {
      runs.push_back({i, i, xs, xe});
      ++i;
      continue;
    }
    // Narrow: everything starting before xs + fold_px belongs to this run. Jump there.
    const double t_cut = axis.T(xs + fold_px);
    auto cut = std::partition_point(items.begin() + static_cast<std::ptrdiff_t>(i + 1), items.end(),
                                    [&](const auto& v) {
                                      return static_cast<double>(start_of(v)) < t_cut;
                                    });
    size_t j = static_cast<size_t>(cut - items.begin());  // first item after the run
    // A wide last member is drawn on its own, so a fold never hides a long interval.
    if (j - i > 1) {
      const auto& last = items[j - 1];
      const float lw = std::min(axis.X(static_cast<double>(end_of(last))), axis.x1) -
                       std::max(axis.X(static_cast<double>(start_of(last))), axis.x0);
      if (lw >= fold_px) --j;
    }
    const float run_end =
        std::min(std::max(axis.X(static_cast<double>(end_of(items[j - 1]))), xs + 1.0f), axis.x1);
    runs.push_back({i, j - 1, xs, run_end});
    i = j;
  }
  return runs;
}

}  // namespace leasesim::viz
