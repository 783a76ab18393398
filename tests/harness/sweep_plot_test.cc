// Tests of harness/sweep/plot.h's pareto.svg (issue 14 item 7): round axis ticks, labels
// on the front only, with the timings, never piled on each other, points or the plot's
// edge, and the whole front listed beside the legend.
#include <cmath>
#include <regex>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "harness/sweep/plot.h"

using namespace leasesim::sim;

namespace {

struct Label {
  double x, y;
  std::string text;
};

// Labels returns the <text class="front-label"> elements (x, baseline y, text).
std::vector<Label> Labels(const std::string& svg, const std::string& cls) {
  std::vector<Label> out;
  const std::regex re("<text class=\"" + cls + "\" x=\"([-0-9.]+)\" y=\"([-0-9.]+)\"[^>]*>([^<]*)</text>");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), re); it != std::sregex_iterator(); ++it) {
    out.push_back({std::stod((*it)[1]), std::stod((*it)[2]), (*it)[3]});
  }
  return out;
}

// TickLabels returns the axis labels: text-anchor middle under the plot (x) or end (y).
std::vector<std::string> TickLabels(const std::string& svg, const char* anchor) {
  std::vector<std::string> out;
  const std::regex re(std::string("<text x=\"[-0-9.]+\" y=\"[-0-9.]+\" text-anchor=\"") + anchor + "\">([-0-9.]+)</text>");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), re); it != std::sregex_iterator(); ++it) {
    out.push_back((*it)[1]);
  }
  return out;
}

// A dense sweep: 60 points on a grid of rates and p99s, the front a staircase of 12
// points close together (as a fine retryPeriod sweep gives).
std::vector<ScatterPoint> DenseSweep() {
  std::vector<ScatterPoint> pts;
  for (int i = 0; i < 60; ++i) {
    ScatterPoint p;
    p.point = i;
    p.api_rps = 0.53 + 0.037 * (i % 12);
    p.failover_p99_s = 17.3 - 0.41 * (i % 12) + 1.7 * (i / 12);
    p.on_front = i < 12;
    p.split_brain = i % 17 == 5;
    p.recommended = i == 7;
    p.timings = fmt::format("{}s/{}s/{}s", 15 + i % 3, 10, 2 + i % 12 / 4);
    pts.push_back(p);
  }
  return pts;
}

}  // namespace

TEST_CASE("issue14 item 7: pareto.svg axis ticks are round numbers", "[harness]") {
  auto same = [](const std::vector<double>& a, const std::vector<double>& b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
      if (std::abs(a[i] - b[i]) > 1e-9) return false;
    }
    return true;
  };
  CHECK(same(NiceTicks(0.5, 1.0), {0.5, 0.6, 0.7, 0.8, 0.9, 1.0}));
  CHECK(same(NiceTicks(0.4935, 1.0665), {0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1}));
  CHECK(same(NiceTicks(12.3, 87.1), {10, 20, 30, 40, 50, 60, 70, 80, 90}));
  CHECK(same(NiceTicks(12.22, 24.67), {12, 14, 16, 18, 20, 22, 24, 26}));
  for (auto [lo, hi] : {std::pair{0.0, 1.0}, {3.3, 3.31}, {-2.0, 17.0}, {1e-3, 7e-3}, {100.0, 100000.0}}) {
    CAPTURE(lo, hi);
    const auto t = NiceTicks(lo, hi);
    REQUIRE(t.size() >= 3);
    CHECK(t.size() <= 9);
    CHECK(t.front() <= lo + 1e-9 * (hi - lo));  // multiples of the step, up to rounding
    CHECK(t.back() >= hi - 1e-9 * (hi - lo));
  }
  const std::string svg = ParetoSvg(DenseSweep(), "dense");
  const auto xs = TickLabels(svg, "middle"), ys = TickLabels(svg, "end");
  REQUIRE(xs.size() >= 3);
  REQUIRE(ys.size() >= 3);
  // Each label is a short round number: no "0.6175" (the old quarter ticks of the span).
  for (const auto& t : xs) CHECK(t.size() <= 4);
  for (const auto& t : ys) CHECK(t.size() <= 4);
  CHECK(xs == std::vector<std::string>{"0.5", "0.6", "0.7", "0.8", "0.9", "1.0"});
  CHECK(ys == std::vector<std::string>{"12", "14", "16", "18", "20", "22", "24", "26"});
}

TEST_CASE("issue14 item 7: pareto.svg labels the front only, with its timings, without overlaps", "[harness]") {
  const std::vector<ScatterPoint> pts = DenseSweep();
  const std::string svg = ParetoSvg(pts, "dense");
  const std::vector<Label> labels = Labels(svg, "front-label");
  REQUIRE(!labels.empty());
  CHECK(labels.size() <= 12);
  for (const Label& l : labels) {
    CAPTURE(l.text);
    const std::smatch m = [&] {
      std::smatch r;
      std::regex_match(l.text, r, std::regex("#([0-9]+) ([0-9]+s/[0-9]+s/[0-9]+s)"));
      return r;
    }();
    REQUIRE(!m.empty());
    const int point = std::stoi(m[1]);
    CHECK(point < 12);  // only front points
    CHECK(m[2] == pts[point].timings);
  }
  // No two labels overlap (10 px font: 6 px per character, 12 px high).
  for (size_t i = 0; i < labels.size(); ++i) {
    for (size_t j = i + 1; j < labels.size(); ++j) {
      const Label &a = labels[i], &b = labels[j];
      const bool apart = a.x + 6.0 * a.text.size() <= b.x || b.x + 6.0 * b.text.size() <= a.x ||
                         a.y <= b.y - 12 || b.y <= a.y - 12;
      CAPTURE(a.text, b.text);
      CHECK(apart);
    }
  }
  // Non-front points get no label at all; the whole front is listed beside the legend.
  CHECK(svg.find(">#12 ") == std::string::npos);
  const std::vector<Label> rows = Labels(svg, "front-row");
  REQUIRE(rows.size() == 12);
  CHECK_THAT(rows[0].text, Catch::StartsWith("#0 15s/10s/2s  p99 "));
  CHECK_THAT(rows[7].text, Catch::EndsWith(" *"));  // the recommended point
}

TEST_CASE("issue14 item 7: pareto.svg labels every front point when there is room", "[harness]") {
  std::vector<ScatterPoint> pts;
  for (int i = 0; i < 4; ++i) {
    pts.push_back({i, 1.0 + i, 20.0 - 4 * i, false, true, i == 2, fmt::format("{}s/10s/2s", 15 + 5 * i)});
  }
  pts.push_back({9, 3.0, 19.0, false, false, false, "60s/40s/10s"});
  const std::string svg = ParetoSvg(pts, "sparse");
  const auto labels = Labels(svg, "front-label");
  REQUIRE(labels.size() == 4);
  CHECK(labels[0].text == "#0 15s/10s/2s");
  CHECK(svg.find("60s/40s/10s") == std::string::npos);  // not on the front: not labelled
}
