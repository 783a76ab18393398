// screen_layout.cc — panel rectangles (see screen_layout.h).
#include "viz/screen_layout.h"

#include <algorithm>
#include <cmath>

namespace leasesim::viz {

ScreenLayout ComputeScreenLayout(float width, float height, float timeline_content_px) {
  ScreenLayout s;
  s.toolbar = {0, 0, width, kToolbarHeightPx};
  float timeline_h = (height - kToolbarHeightPx) * 0.60f;
  if (timeline_content_px > 0) timeline_h = std::min(timeline_h, timeline_content_px);
  const float timeline_bottom = std::round(kToolbarHeightPx + timeline_h);
  s.timeline = {0, kToolbarHeightPx, width, timeline_bottom};
  const float a = std::round(width * 0.34f);
  const float b = std::round(width * 0.72f);
  s.inspector = {0, timeline_bottom, a, height};
  s.events = {a, timeline_bottom, b, height};
  s.summary = {b, timeline_bottom, width, height};
  return s;
}

}  // namespace leasesim::viz
