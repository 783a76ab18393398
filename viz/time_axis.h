// time_axis.h — the timeline's mapping between true time and pixels, and its zoom/pan math.
//
// One true-time axis is shared by every lane. A TimeAxis maps the visible window
// [start_ns, end_ns] (double, so repeated wheel zooms stay smooth) onto the plot's pixel
// columns [x0, x1]. Every operation returns a new axis; none reads input or ImGui.
//
//   viz::TimeAxis ax = viz::FitAll(trace.end_ns, 100.0f, 1260.0f);
//   ax = viz::ZoomAround(ax, mouse_x, 0.8);      // wheel up: 20 % narrower, time under mouse fixed
//   ax = viz::PanByPixels(ax, drag_dx);          // drag right: earlier times come into view
//
// Source: Tracy's TimelineController (zoom keeps the time under the cursor in place).
#pragma once

#include <cstdint>

#include "viz/trace_model.h"

namespace leasesim::viz {

// TimeAxis maps [start_ns, end_ns] of true time onto pixel columns [x0, x1].
// Invariant: end_ns > start_ns and x1 > x0.
struct TimeAxis {
  double start_ns = 0;
  double end_ns = 1;
  float x0 = 0;
  float x1 = 1;

  double SpanNs() const { return end_ns - start_ns; }
  double NsPerPx() const { return SpanNs() / (x1 - x0); }
  // X returns the pixel column of true time t (may lie outside [x0, x1]).
  float X(double t) const { return x0 + static_cast<float>((t - start_ns) / NsPerPx()); }
  // T returns the true time at pixel column x.
  double T(float x) const { return start_ns + static_cast<double>(x - x0) * NsPerPx(); }
};

// kMinSpanNs is the narrowest window zooming allows (1 µs over the whole plot).
inline constexpr double kMinSpanNs = 1'000.0;

// FitAll shows [0, end_ns] with a 1 % margin on both sides (a 1 s window if end_ns <= 0).
TimeAxis FitAll(TimeNs end_ns, float x0, float x1);

// WindowSeconds shows [from_s, to_s] (seconds of true time); to_s <= from_s is widened to
// kMinSpanNs.
TimeAxis WindowSeconds(double from_s, double to_s, float x0, float x1);

// ZoomAround scales the span by `factor` (< 1 zooms in) keeping the time under pixel
// column `x` at `x`. The span is clamped to [kMinSpanNs, 1e6 s].
TimeAxis ZoomAround(const TimeAxis& axis, float x, double factor);

// WheelZoomFactor is the factor for `wheel` notches (ImGui io.MouseWheel; positive = up =
// zoom in): 0.8 per notch.
double WheelZoomFactor(float wheel);

// PanByPixels moves the window by dx pixels as a drag does: dx > 0 reveals earlier times.
TimeAxis PanByPixels(const TimeAxis& axis, float dx);

// CenterOn keeps the span and puts true time t at the middle of the plot.
TimeAxis CenterOn(const TimeAxis& axis, double t);

// EnsureVisible pans (keeping the span) just enough that t lies inside the window with a
// 5 % margin; an axis that already shows t is returned unchanged.
TimeAxis EnsureVisible(const TimeAxis& axis, double t);

}  // namespace leasesim::viz
