// plot.h — the sweep's two plots as standalone SVG text (no dependency): a heatmap
// of one metric over two parameters, and the Pareto scatter of failover p99 against API
// requests/s. PNG export is left to the viewer (viz/), which can rasterise these or draw
// the same data (heatmap.csv, pareto.csv).
//
//   std::string svg = sim::HeatmapSvg(grid);
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace leasesim::sim {

// HeatmapGrid is a metric over x values (columns) and y values (rows). cells[y][x]; a
// missing value (invalid point, no samples) is drawn grey and labelled "n/a".
struct HeatmapGrid {
  std::string title;   // e.g. "failover_p99_s (max over other parameters)"
  std::string x_name, y_name;
  std::vector<std::string> x_values, y_values;
  std::vector<std::vector<std::optional<double>>> cells;
};

// HeatmapSvg draws the grid with axes, cell labels and a colour legend (low = dark blue,
// high = yellow).
std::string HeatmapSvg(const HeatmapGrid& g);

// ScatterPoint is one sweep point on the Pareto plot.
struct ScatterPoint {
  int64_t point = 0;
  double api_rps = 0;
  double failover_p99_s = 0;
  bool split_brain = false;  // some seed had split-brain: not eligible
  bool on_front = false;
  bool recommended = false;
  std::string timings;  // "15s/10s/2s": LeaseDuration/RenewDeadline/RetryPeriod (labels the front)
};

// ParetoSvg draws API requests/s (x) against failover p99 (y) on round axis ticks (1, 2 or
// 5 x 10^k), the front as a step line, the recommended point circled, and a legend. Only
// front points are labelled ("#12 15s/10s/2s"), each placed beside its point where it
// overlaps no other label, point or the plot's edge (a label that fits nowhere is left
// off the plot); the front is also listed in full beside the legend, so no label is lost.
std::string ParetoSvg(const std::vector<ScatterPoint>& pts, const std::string& title);

// NiceTicks returns round ticks covering [lo, hi]: multiples of a step of 1, 2 or 5 x 10^k
// chosen for 4 to 8 intervals, the first <= lo and the last >= hi. Exposed for tests.
std::vector<double> NiceTicks(double lo, double hi);

}  // namespace leasesim::sim
