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
};

// ParetoSvg draws API requests/s (x) against failover p99 (y), the front as a step line,
// the recommended point circled, and a legend.
std::string ParetoSvg(const std::vector<ScatterPoint>& pts, const std::string& title);

}  // namespace leasesim::sim
