// draw_list.h — the flat, ImGui-free draw list the model prepares and the view draws.
//
// Coordinates are screen pixels (origin top left, y down), colours are packed as IM_COL32
// (palette.h). The app draws rects, then lines, then texts, each in vector order, so a
// later rect covers an earlier one (the split-brain bands are appended after the lanes).
//
//   viz::DrawList dl;
//   viz::BuildTimeline(trace, layout, axis, options, dl);
//   for (const viz::DrawRect& r : dl.rects) draw_list->AddRectFilled({r.x0, r.y0}, {r.x1, r.y1}, r.color);
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace leasesim::viz {

// Rect is an axis-aligned pixel rectangle [x0, x1) × [y0, y1).
struct Rect {
  float x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  float Width() const { return x1 - x0; }
  float Height() const { return y1 - y0; }
  bool Contains(float x, float y) const { return x >= x0 && x < x1 && y >= y0 && y < y1; }
};

// DrawRect is a filled rectangle (`filled` false: a 1 px outline).
struct DrawRect {
  Rect r;
  uint32_t color = 0;
  bool filled = true;
};

// DrawLine is a line segment `thickness` px wide.
struct DrawLine {
  float x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  uint32_t color = 0;
  float thickness = 1.0f;
};

// DrawText is one line of text with its top-left corner at (x, y).
struct DrawText {
  float x = 0, y = 0;
  uint32_t color = 0;
  std::string text;
};

// DrawList is one frame's prepared geometry.
struct DrawList {
  std::vector<DrawRect> rects;
  std::vector<DrawLine> lines;
  std::vector<DrawText> texts;
  void Clear() {
    rects.clear();
    lines.clear();
    texts.clear();
  }
};

}  // namespace leasesim::viz
