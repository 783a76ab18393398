// time_axis.cc — zoom, pan and fit on the true-time axis (see time_axis.h).
#include "viz/time_axis.h"

#include <algorithm>
#include <cmath>

namespace leasesim::viz {
namespace {
constexpr double kMaxSpanNs = 1e6 * 1e9;
}  // namespace

TimeAxis FitAll(TimeNs end_ns, float x0, float x1) {
  const double span = end_ns > 0 ? static_cast<double>(end_ns) : 1e9;
  const double margin = span * 0.01;
  return {-margin, span + margin, x0, x1};
}

TimeAxis WindowSeconds(double from_s, double to_s, float x0, float x1) {
  double a = from_s * 1e9;
  double b = to_s * 1e9;
  if (b - a < kMinSpanNs) b = a + kMinSpanNs;
  return {a, b, x0, x1};
}

TimeAxis ZoomAround(const TimeAxis& axis, float x, double factor) {
  const double pivot = axis.T(x);
  const double span = std::clamp(axis.SpanNs() * factor, kMinSpanNs, kMaxSpanNs);
  const double left = static_cast<double>(x - axis.x0) / (axis.x1 - axis.x0);
  TimeAxis out = axis;
  out.start_ns = pivot - left * span;
  out.end_ns = out.start_ns + span;
  return out;
}

double WheelZoomFactor(float wheel) { return std::pow(0.8, static_cast<double>(wheel)); }

TimeAxis PanByPixels(const TimeAxis& axis, float dx) {
  const double d = static_cast<double>(dx) * axis.NsPerPx();
  TimeAxis out = axis;
  out.start_ns -= d;
  out.end_ns -= d;
  return out;
}

TimeAxis CenterOn(const TimeAxis& axis, double t) {
  const double half = axis.SpanNs() / 2;
  TimeAxis out = axis;
  out.start_ns = t - half;
  out.end_ns = t + half;
  return out;
}

TimeAxis EnsureVisible(const TimeAxis& axis, double t) {
  const double margin = axis.SpanNs() * 0.05;
  TimeAxis out = axis;
  if (t < axis.start_ns + margin) {
    out.start_ns = t - margin;
    out.end_ns = out.start_ns + axis.SpanNs();
  } else if (t > axis.end_ns - margin) {
    out.end_ns = t + margin;
    out.start_ns = out.end_ns - axis.SpanNs();
  }
  return out;
}

}  // namespace leasesim::viz
