// screen_layout.h — where the viewer's panels sit in the window, as a pure function.
//
// The app places its ImGui windows at exactly these rectangles (no docking, no saved
// layout), so the headless screenshot test can compute where the timeline's pixels are
// without running ImGui.
//
//   viz::ScreenLayout s = viz::ComputeScreenLayout(1280, 800, viz::TimelineContentHeight(trace, 1280));
//   viz::TimelineLayout t = viz::LayoutTimeline(trace, s.timeline);
#pragma once

#include "viz/draw_list.h"

namespace leasesim::viz {

// ScreenLayout is the panels of a width × height window, in pixels.
struct ScreenLayout {
  Rect toolbar;    // buttons, cursor time, file
  Rect timeline;   // the lanes (TimelineLayout)
  Rect inspector;  // the Lease and each node's view at the cursor
  Rect events;     // the event table
  Rect summary;    // the run summary
};

// kToolbarHeightPx is the toolbar's height: two rows of ImGui buttons.
inline constexpr float kToolbarHeightPx = 56.0f;

// ComputeScreenLayout splits the window: toolbar on top, the timeline below it, then
// inspector | events | summary side by side (34 % | 38 % | 28 %). The timeline takes
// `timeline_content_px` (TimelineContentHeight: every lane and the legend) but at most
// 60 % of the height under the toolbar, so the panels start right under the legend; 0
// gives it the full 60 %.
ScreenLayout ComputeScreenLayout(float width, float height, float timeline_content_px = 0);

}  // namespace leasesim::viz
