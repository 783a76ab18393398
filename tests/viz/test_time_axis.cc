// Tests of viz/time_axis.h: zoom around the cursor, pan and fit (Tracy's timeline math).
#include <catch2/catch.hpp>

#include "viz/time_axis.h"

namespace leasesim::viz {
namespace {

TEST_CASE("axis: X and T are inverse", "[viz]") {
  TimeAxis ax{0, 100e9, 100, 1100};
  CHECK(ax.X(0) == Approx(100));
  CHECK(ax.X(50e9) == Approx(600));
  CHECK(ax.T(600) == Approx(50e9));
  CHECK(ax.NsPerPx() == Approx(1e8));
}

TEST_CASE("axis: zoom keeps the time under the cursor at the cursor", "[viz]") {
  TimeAxis ax{0, 100e9, 100, 1100};
  const float x = GENERATE(100.0f, 350.0f, 777.0f, 1100.0f);
  const double factor = GENERATE(0.5, 0.8, 2.0);
  CAPTURE(x, factor);
  const double before = ax.T(x);
  TimeAxis z = ZoomAround(ax, x, factor);
  CHECK(z.T(x) == Approx(before).epsilon(1e-9));
  CHECK(z.SpanNs() == Approx(ax.SpanNs() * factor));
}

TEST_CASE("axis: zoom is clamped to 1 us", "[viz]") {
  TimeAxis ax{0, 2000, 0, 1000};
  TimeAxis z = ZoomAround(ax, 500, 0.01);
  CHECK(z.SpanNs() == Approx(kMinSpanNs));
  CHECK(z.T(500) == Approx(1000));
}

TEST_CASE("axis: wheel notches zoom in by 0.8 each, out by 1/0.8", "[viz]") {
  CHECK(WheelZoomFactor(1) == Approx(0.8));
  CHECK(WheelZoomFactor(2) == Approx(0.64));
  CHECK(WheelZoomFactor(-1) == Approx(1.25));
  CHECK(WheelZoomFactor(0) == Approx(1.0));
}

TEST_CASE("axis: dragging right reveals earlier times", "[viz]") {
  TimeAxis ax{10e9, 20e9, 0, 1000};
  TimeAxis p = PanByPixels(ax, 100);
  CHECK(p.start_ns == Approx(9e9));
  CHECK(p.end_ns == Approx(19e9));
  CHECK(p.SpanNs() == Approx(ax.SpanNs()));
}

TEST_CASE("axis: fit all shows the whole run with a margin, WindowSeconds a given window", "[viz]") {
  TimeAxis f = FitAll(90'000'000'000, 120, 1270);
  CHECK(f.start_ns < 0);
  CHECK(f.end_ns > 90e9);
  CHECK(f.x0 == 120);
  CHECK(f.x1 == 1270);
  TimeAxis w = WindowSeconds(30, 45, 0, 100);
  CHECK(w.start_ns == Approx(30e9));
  CHECK(w.end_ns == Approx(45e9));
}

TEST_CASE("axis: EnsureVisible pans only when needed", "[viz]") {
  TimeAxis ax{10e9, 20e9, 0, 1000};
  TimeAxis same = EnsureVisible(ax, 15e9);
  CHECK(same.start_ns == ax.start_ns);
  TimeAxis moved = EnsureVisible(ax, 30e9);
  CHECK(moved.SpanNs() == Approx(ax.SpanNs()));
  CHECK(moved.start_ns < 30e9);
  CHECK(moved.end_ns > 30e9);
  CHECK(CenterOn(ax, 0).start_ns == Approx(-5e9));
}

}  // namespace
}  // namespace leasesim::viz
