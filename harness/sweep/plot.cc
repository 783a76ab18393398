// plot.cc — HeatmapSvg and ParetoSvg: plain SVG 1.1 text, fixed layout, numbers
// printed with fixed precision so that the same data gives the same bytes.
#include "harness/sweep/plot.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace leasesim::sim {
namespace {

std::string Esc(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

// Colour maps t in [0, 1] through viridis-like stops (dark blue -> teal -> green -> yellow).
std::string Colour(double t) {
  static constexpr double kStops[][3] = {{68, 1, 84}, {59, 82, 139}, {33, 145, 140}, {94, 201, 98}, {253, 231, 37}};
  t = std::clamp(t, 0.0, 1.0) * 4;
  const int i = std::min(3, static_cast<int>(t));
  const double f = t - i;
  int rgb[3];
  for (int k = 0; k < 3; ++k) rgb[k] = static_cast<int>(std::lround(kStops[i][k] + (kStops[i + 1][k] - kStops[i][k]) * f));
  return fmt::format("#{:02x}{:02x}{:02x}", rgb[0], rgb[1], rgb[2]);
}

std::string Num(double v) { return fmt::format("{:.4g}", v); }

std::string Header(int w, int h) {
  return fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" "
      "font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"{0}\" height=\"{1}\" fill=\"white\"/>\n",
      w, h);
}

// TickText prints a tick with the decimals its step needs (0.25 with a step of 0.05).
std::string TickText(double v, double step) {
  int decimals = 0;
  for (double s = step; decimals < 9 && std::abs(s - std::round(s)) > 1e-9 * std::max(1.0, std::abs(s)); s *= 10) ++decimals;
  if (std::abs(v) < step * 1e-9) v = 0;  // no "-0"
  return fmt::format("{:.{}f}", v, decimals);
}

// Box is a label's or point's rectangle in SVG pixels.
struct Box {
  double x0, y0, x1, y1;
  bool Overlaps(const Box& o) const { return x0 < o.x1 && o.x0 < x1 && y0 < o.y1 && o.y0 < y1; }
};

}  // namespace

std::vector<double> NiceTicks(double lo, double hi) {
  if (!(hi > lo)) hi = lo + 1;
  const double raw = (hi - lo) / 5;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double step = mag;
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    step = m * mag;
    if ((std::ceil(hi / step - 1e-9) - std::floor(lo / step + 1e-9)) <= 8) break;
  }
  std::vector<double> t;
  const double first = std::floor(lo / step + 1e-9), last = std::ceil(hi / step - 1e-9);
  for (double k = first; k <= last + 0.5; ++k) t.push_back(k * step);
  return t;
}

std::string HeatmapSvg(const HeatmapGrid& g) {
  const int cols = static_cast<int>(g.x_values.size()), rows = static_cast<int>(g.y_values.size());
  const int cell_w = 90, cell_h = 40, left = 130, top = 50, legend_w = 120;
  const int w = left + cols * cell_w + legend_w + 20, h = top + rows * cell_h + 70;
  std::optional<double> lo, hi;
  for (const auto& row : g.cells) {
    for (const auto& c : row) {
      if (!c) continue;
      lo = lo ? std::min(*lo, *c) : *c;
      hi = hi ? std::max(*hi, *c) : *c;
    }
  }
  auto norm = [&](double v) { return (!lo || *hi == *lo) ? 0.5 : (v - *lo) / (*hi - *lo); };
  std::string s = Header(w, h);
  s += fmt::format("<text x=\"{}\" y=\"24\" font-size=\"15\" text-anchor=\"middle\">{}</text>\n", w / 2, Esc(g.title));
  for (int y = 0; y < rows; ++y) {
    // The first y value is drawn at the bottom, as on a chart.
    const int py = top + (rows - 1 - y) * cell_h;
    s += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\n", left - 8, py + cell_h / 2 + 4, Esc(g.y_values[y]));
    for (int x = 0; x < cols; ++x) {
      const int px = left + x * cell_w;
      const std::optional<double> v = g.cells[y][x];
      const double t = v ? norm(*v) : 0;
      s += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\" stroke=\"white\"/>\n", px, py, cell_w,
                       cell_h, v ? Colour(t) : "#cccccc");
      s += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"{}\">{}</text>\n", px + cell_w / 2,
                       py + cell_h / 2 + 4, v && t < 0.6 ? "white" : "black", v ? Num(*v) : "n/a");
    }
  }
  for (int x = 0; x < cols; ++x) {
    s += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n", left + x * cell_w + cell_w / 2,
                     top + rows * cell_h + 18, Esc(g.x_values[x]));
  }
  s += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-weight=\"bold\">{}</text>\n", left + cols * cell_w / 2,
                   top + rows * cell_h + 42, Esc(g.x_name));
  s += fmt::format("<text x=\"16\" y=\"{0}\" text-anchor=\"middle\" font-weight=\"bold\" transform=\"rotate(-90 16 {0})\">{1}</text>\n",
                   top + rows * cell_h / 2, Esc(g.y_name));
  // Legend: a vertical colour bar from the minimum (bottom) to the maximum (top).
  const int lx = left + cols * cell_w + 30, bar_h = std::max(100, rows * cell_h);
  for (int i = 0; i < 20; ++i) {
    s += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"18\" height=\"{}\" fill=\"{}\"/>\n", lx,
                     top + bar_h - (i + 1) * bar_h / 20, bar_h / 20 + 1, Colour((i + 0.5) / 20));
  }
  s += fmt::format("<text x=\"{}\" y=\"{}\">{}</text>\n", lx + 24, top + 10, lo ? Num(*hi) : "n/a");
  s += fmt::format("<text x=\"{}\" y=\"{}\">{}</text>\n", lx + 24, top + bar_h, lo ? Num(*lo) : "n/a");
  s += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"18\" height=\"12\" fill=\"#cccccc\"/><text x=\"{}\" y=\"{}\">n/a</text>\n",
                   lx, top + bar_h + 12, lx + 24, top + bar_h + 22);
  s += "</svg>\n";
  return s;
}

std::string ParetoSvg(const std::vector<ScatterPoint>& pts, const std::string& title) {
  // The front, sorted by rate: drawn as a staircase, labelled, and listed beside the legend.
  std::vector<ScatterPoint> front;
  for (const ScatterPoint& p : pts) {
    if (p.on_front) front.push_back(p);
  }
  std::sort(front.begin(), front.end(), [](const ScatterPoint& a, const ScatterPoint& b) {
    return a.api_rps != b.api_rps ? a.api_rps < b.api_rps : a.point < b.point;
  });
  constexpr int kListRowPx = 14;
  const int list_top = 50 + 100;  // under the legend
  const int w = 760, left = 80, right = 230, top = 50, bottom = 60;
  const int h = std::max(480, list_top + 20 + static_cast<int>(front.size()) * kListRowPx + 20);
  const int pw = w - left - right, ph = h - top - bottom;
  double x_lo = 0, x_hi = 1, y_lo = 0, y_hi = 1;
  if (!pts.empty()) {
    x_lo = x_hi = pts[0].api_rps;
    y_lo = y_hi = pts[0].failover_p99_s;
    for (const ScatterPoint& p : pts) {
      x_lo = std::min(x_lo, p.api_rps);
      x_hi = std::max(x_hi, p.api_rps);
      y_lo = std::min(y_lo, p.failover_p99_s);
      y_hi = std::max(y_hi, p.failover_p99_s);
    }
  }
  // 5% padding (a degenerate axis gets a unit span), then out to the round ticks.
  auto pad = [](double& lo, double& hi) {
    const double span = hi > lo ? hi - lo : std::max(1.0, std::abs(lo));
    lo -= span * 0.05;
    hi += span * 0.05;
    if (hi <= lo) hi = lo + 1;
  };
  pad(x_lo, x_hi);
  pad(y_lo, y_hi);
  const std::vector<double> x_ticks = NiceTicks(x_lo, x_hi), y_ticks = NiceTicks(y_lo, y_hi);
  x_lo = x_ticks.front();
  x_hi = x_ticks.back();
  y_lo = y_ticks.front();
  y_hi = y_ticks.back();
  auto X = [&](double v) { return left + (v - x_lo) / (x_hi - x_lo) * pw; };
  auto Y = [&](double v) { return top + ph - (v - y_lo) / (y_hi - y_lo) * ph; };
  std::string s = Header(w, h);
  s += fmt::format("<text x=\"{}\" y=\"24\" font-size=\"15\" text-anchor=\"middle\">{}</text>\n", left + pw / 2, Esc(title));
  s += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"black\"/>\n", left, top, pw, ph);
  const double x_step = x_ticks.size() > 1 ? x_ticks[1] - x_ticks[0] : 1, y_step = y_ticks.size() > 1 ? y_ticks[1] - y_ticks[0] : 1;
  for (double t : x_ticks) {
    s += fmt::format("<line x1=\"{0:.1f}\" y1=\"{1}\" x2=\"{0:.1f}\" y2=\"{2}\" stroke=\"#dddddd\"/>\n", X(t), top, top + ph);
    s += fmt::format("<text x=\"{:.1f}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n", X(t), top + ph + 16, TickText(t, x_step));
  }
  for (double t : y_ticks) {
    s += fmt::format("<line x1=\"{1}\" y1=\"{0:.1f}\" x2=\"{2}\" y2=\"{0:.1f}\" stroke=\"#dddddd\"/>\n", Y(t), left, left + pw);
    s += fmt::format("<text x=\"{}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>\n", left - 6, Y(t) + 4, TickText(t, y_step));
  }
  s += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-weight=\"bold\">API requests/s (all verbs)</text>\n",
                   left + pw / 2, h - 18);
  s += fmt::format("<text x=\"20\" y=\"{0}\" text-anchor=\"middle\" font-weight=\"bold\" transform=\"rotate(-90 20 {0})\">"
                   "failover p99 (s)</text>\n",
                   top + ph / 2);
  if (!front.empty()) {
    std::string path = fmt::format("M{:.1f},{:.1f}", X(front[0].api_rps), Y(front[0].failover_p99_s));
    for (size_t i = 1; i < front.size(); ++i) {
      path += fmt::format(" H{:.1f} V{:.1f}", X(front[i].api_rps), Y(front[i].failover_p99_s));
    }
    s += fmt::format("<path d=\"{}\" fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"1.5\"/>\n", path);
  }
  // Points: the non-front ones first, so the front is drawn on top.
  std::vector<Box> taken;
  for (int pass = 0; pass < 2; ++pass) {
    for (const ScatterPoint& p : pts) {
      if (p.on_front != (pass == 1)) continue;
      const double x = X(p.api_rps), y = Y(p.failover_p99_s);
      taken.push_back({x - 5, y - 5, x + 5, y + 5});
      if (p.split_brain) {
        s += fmt::format("<path d=\"M{0:.1f},{1:.1f} l8,8 m0,-8 l-8,8\" stroke=\"#d62728\" stroke-width=\"2\"/>\n", x - 4, y - 4);
      } else {
        s += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"4\" fill=\"{}\"/>\n", x, y, p.on_front ? "#1f77b4" : "#999999");
      }
      if (p.recommended) {
        s += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"9\" fill=\"none\" stroke=\"#2ca02c\" stroke-width=\"2.5\"/>\n", x, y);
        taken.push_back({x - 10, y - 10, x + 10, y + 10});
      }
    }
  }
  // Front labels: the first free spot of eight around the point, inside the plot; a label
  // that fits nowhere is left to the list beside the legend.
  constexpr double kCharPx = 6.0, kLabelH = 12.0;  // font-size 10
  const Box plot{static_cast<double>(left), static_cast<double>(top), static_cast<double>(left + pw),
                 static_cast<double>(top + ph)};
  for (const ScatterPoint& p : front) {
    const std::string text = p.timings.empty() ? fmt::format("#{}", p.point) : fmt::format("#{} {}", p.point, p.timings);
    const double tw = kCharPx * static_cast<double>(text.size()), x = X(p.api_rps), y = Y(p.failover_p99_s);
    const double gap = p.recommended ? 11 : 6;
    const std::pair<double, double> spots[] = {{x + gap, y - gap - kLabelH}, {x + gap, y + gap},
                                               {x - gap - tw, y - gap - kLabelH}, {x - gap - tw, y + gap},
                                               {x - tw / 2, y - gap - 2 - kLabelH}, {x - tw / 2, y + gap + 2},
                                               {x + gap + 4, y - kLabelH / 2}, {x - gap - 4 - tw, y - kLabelH / 2}};
    for (const auto& [bx, by] : spots) {
      const Box b{bx, by, bx + tw, by + kLabelH};
      if (b.x0 < plot.x0 + 1 || b.x1 > plot.x1 - 1 || b.y0 < plot.y0 + 1 || b.y1 > plot.y1 - 1) continue;
      if (std::any_of(taken.begin(), taken.end(), [&](const Box& o) { return b.Overlaps(o); })) continue;
      taken.push_back(b);
      s += fmt::format("<text class=\"front-label\" x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"10\">{}</text>\n", bx,
                       by + kLabelH - 2, Esc(text));
      break;
    }
  }
  const int lx = left + pw + 16;
  s += fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"4\" fill=\"#999999\"/><text x=\"{}\" y=\"{}\">no split-brain</text>\n", lx + 4,
                   top + 10, lx + 14, top + 14);
  s += fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"4\" fill=\"#1f77b4\"/><text x=\"{}\" y=\"{}\">Pareto front</text>\n", lx + 4,
                   top + 30, lx + 14, top + 34);
  s += fmt::format("<path d=\"M{},{} l8,8 m0,-8 l-8,8\" stroke=\"#d62728\" stroke-width=\"2\"/><text x=\"{}\" y=\"{}\">split-brain (some seed)</text>\n",
                   lx, top + 46, lx + 14, top + 54);
  s += fmt::format("<circle cx=\"{}\" cy=\"{}\" r=\"8\" fill=\"none\" stroke=\"#2ca02c\" stroke-width=\"2.5\"/><text x=\"{}\" y=\"{}\">recommended</text>\n",
                   lx + 4, top + 70, lx + 14, top + 74);
  if (!front.empty()) {
    s += fmt::format("<text x=\"{}\" y=\"{}\" font-weight=\"bold\">front: lease/renew/retry</text>\n", lx, list_top);
    int row = 0;
    for (const ScatterPoint& p : front) {
      s += fmt::format("<text class=\"front-row\" x=\"{}\" y=\"{}\" font-size=\"11\">#{} {}  p99 {}s{}</text>\n", lx,
                       list_top + 16 + row++ * kListRowPx, p.point, Esc(p.timings), Num(p.failover_p99_s),
                       p.recommended ? " *" : "");
    }
  }
  s += "</svg>\n";
  return s;
}

}  // namespace leasesim::sim
