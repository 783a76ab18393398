// viewer.cc — the thin ImGui layer: draws the model's prepared geometry, handles input.
#include "viz/viewer.h"

#include <sys/stat.h>

#include <GLFW/glfw3.h>
#include <GL/gl.h>
#include <imgui.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <stb_image_write.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <vector>

#include <fmt/format.h>

#if defined(__SANITIZE_ADDRESS__)
#include <dlfcn.h>
#include <link.h>

#include <cstring>
#endif

#include "viz/event_filter.h"
#include "viz/inspector.h"
#include "viz/lane_geometry.h"
#include "viz/navigation.h"
#include "viz/palette.h"
#include "viz/run_summary.h"
#include "viz/screen_layout.h"
#include "viz/time_axis.h"
#include "viz/time_format.h"
#include "viz/trace_loader.h"

namespace leasesim::viz {

namespace {
// PinGlDrivers (AddressSanitizer builds only) keeps Mesa's GL/DRI libraries mapped after
// glfwTerminate. Mesa unloads its driver there, and the driver's globals still point at a
// few small blocks it never frees (112 bytes in 2 allocations under Xvfb): unmapped, those
// blocks look leaked to LeakSanitizer at exit, with stacks it cannot name (the library is
// gone), so no suppression by library name (tests/viz/lsan.supp) can match them. Pinned,
// they stay reachable and nothing is reported.
void PinGlDrivers() {
#if defined(__SANITIZE_ADDRESS__)
  dl_iterate_phdr(
      [](dl_phdr_info* info, size_t, void*) {
        const char* name = info->dlpi_name;
        if (name && (std::strstr(name, "_dri.so") || std::strstr(name, "libgallium") || std::strstr(name, "libGLX_mesa") ||
                     std::strstr(name, "libLLVM") || std::strstr(name, "libglapi"))) {
          dlopen(name, RTLD_NOW | RTLD_NOLOAD | RTLD_NODELETE);
        }
        return 0;
      },
      nullptr);
#endif
}
}  // namespace
namespace {

constexpr ImGuiWindowFlags kPanelFlags = ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize |
                                         ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings;

// ViewerState is all UI state: one value owned by RunViewer and passed to every panel.
struct ViewerState {
  std::unique_ptr<Trace> trace;
  nlohmann::json report;
  bool has_report = false;
  RunSummary summary;
  std::vector<std::string> summary_lines;
  TimelineLayout layout;
  Rect layout_area{-1, -1, -1, -1};
  float scroll_px = 0;          // vertical scroll of the lanes (wheel over the lane names)
  float layout_scroll_px = -1;  // scroll the layout was computed for
  bool workers_unfolded = false;         // a lane for every worker that changed state
  bool layout_workers_unfolded = false;  // what the layout was computed for
  float content_px = 0;                  // TimelineContentHeight for content_width/unfolded
  float content_width = -1;
  bool content_unfolded = false;
  TimeAxis axis;
  bool axis_set = false;
  double cursor_ns = 0;
  Inspection inspection;
  double inspected_ns = -1;
  EventFilter filter;
  std::vector<uint32_t> rows;
  bool rows_dirty = true;
  int step_pos = -1;           // position in `rows` of the selected / replayed event
  bool scroll_to_step = false;
  bool dragging = false;
  DrawList draw;
  std::array<char, 1024> open_path{};
  std::array<char, 256> text_filter{};
  std::string status;
  const ViewerOptions* options = nullptr;
};

ImU32 Col(uint32_t c) { return static_cast<ImU32>(c); }

// OpenPath loads a trace (or runs a scenario) into the state. Returns an error or "".
std::string OpenPath(ViewerState& s, const std::string& path) {
  std::string trace_path = path;
  if (IsScenarioPath(path)) {
    if (!s.options->run_scenario) {
      return fmt::format("{}: this is a scenario file; open it with `leasesim view` (which can run "
                         "scenarios), or pass a trace (.jsonl)", path);
    }
    ScenarioTrace r = s.options->run_scenario(path);
    if (!r.error.empty()) return r.error;
    trace_path = r.trace_path;
  }
  TraceLoad load = LoadTraceFile(trace_path);
  if (!load.ok()) return load.error;
  s.trace = std::move(load.trace);
  s.summary = Summarize(*s.trace, s.has_report ? &s.report : nullptr);
  s.summary_lines = FormatSummary(s.summary);
  s.filter = EventFilter::All(*s.trace);
  s.rows_dirty = true;
  s.step_pos = -1;
  s.scroll_to_step = true;
  s.layout_area = {-1, -1, -1, -1};
  s.scroll_px = 0;
  s.axis_set = false;
  s.inspected_ns = -1;
  s.workers_unfolded = false;
  s.content_width = -1;
  // The cursor starts on the first split-brain or invariant breach (the window zooms to
  // it: UpdateLayout), else on the first finding.
  s.cursor_ns = s.trace->findings.empty() ? 0.0 : static_cast<double>(s.trace->findings.front().start);
  if (const auto focus = FirstViolationFocus(*s.trace)) s.cursor_ns = static_cast<double>(focus->cursor_ns);
  s.status = fmt::format("{}  ({} events)", trace_path, s.trace->events.size());
  return "";
}

void SetCursor(ViewerState& s, double t, bool sync_step) {
  s.cursor_ns = t;
  s.axis = EnsureVisible(s.axis, t);
  if (sync_step) {
    s.step_pos = EventPositionAt(*s.trace, s.rows, static_cast<TimeNs>(t));
    s.scroll_to_step = true;
  }
}

void UpdateLayout(ViewerState& s, const ScreenLayout& screen) {
  const Rect& a = screen.timeline;
  if (a.x0 == s.layout_area.x0 && a.y0 == s.layout_area.y0 && a.x1 == s.layout_area.x1 &&
      a.y1 == s.layout_area.y1 && s.scroll_px == s.layout_scroll_px &&
      s.workers_unfolded == s.layout_workers_unfolded) {
    return;
  }
  s.layout_area = a;
  s.layout = LayoutTimeline(*s.trace, a, s.scroll_px, s.workers_unfolded);
  s.scroll_px = s.layout.scroll_px;
  s.layout_scroll_px = s.scroll_px;
  s.layout_workers_unfolded = s.workers_unfolded;
  if (!s.axis_set) {
    // --from/--to, else the first split-brain or invariant breach, else the whole run.
    const ViewerOptions& o = *s.options;
    const auto focus = FirstViolationFocus(*s.trace);
    s.axis = o.from_s && o.to_s ? WindowSeconds(*o.from_s, *o.to_s, s.layout.plot_x0, s.layout.plot_x1)
             : focus ? WindowSeconds(focus->from_ns / 1e9, focus->to_ns / 1e9, s.layout.plot_x0, s.layout.plot_x1)
                     : FitAll(s.trace->end_ns, s.layout.plot_x0, s.layout.plot_x1);
    s.axis_set = true;
  } else {
    s.axis.x0 = s.layout.plot_x0;
    s.axis.x1 = s.layout.plot_x1;
  }
}

void BeginPanel(const char* name, const Rect& r, ImGuiWindowFlags extra = 0) {
  ImGui::SetNextWindowPos(ImVec2(r.x0, r.y0));
  ImGui::SetNextWindowSize(ImVec2(r.Width(), r.Height()));
  ImGui::Begin(name, nullptr, kPanelFlags | extra);
}

void DrawToolbar(ViewerState& s, const ScreenLayout& screen) {
  BeginPanel("toolbar", screen.toolbar, ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoScrollbar);
  const Trace& tr = *s.trace;
  if (ImGui::Button("Fit all")) s.axis = FitAll(tr.end_ns, s.layout.plot_x0, s.layout.plot_x1);
  ImGui::SameLine();
  const float mid = (s.layout.plot_x0 + s.layout.plot_x1) / 2;
  if (ImGui::Button("Zoom +")) s.axis = ZoomAround(s.axis, s.axis.X(s.cursor_ns), 0.5);
  ImGui::SameLine();
  if (ImGui::Button("Zoom -")) s.axis = ZoomAround(s.axis, mid, 2.0);
  ImGui::SameLine();
  ImGui::TextUnformatted("|");
  ImGui::SameLine();
  auto jump = [&](const char* label, std::optional<TimeNs> t) {
    ImGui::SameLine();
    if (ImGui::Button(label) && t) SetCursor(s, static_cast<double>(*t), true);
  };
  const auto now = static_cast<TimeNs>(s.cursor_ns);
  ImGui::TextUnformatted("violation");
  jump("<##pv", PrevViolation(tr, now));
  jump(">##nv", NextViolation(tr, now));
  ImGui::SameLine();
  ImGui::TextUnformatted(" transition");
  jump("<##pt", PrevTransition(tr, now));
  jump(">##nt", NextTransition(tr, now));
  ImGui::SameLine();
  ImGui::TextUnformatted(" step event");
  ImGui::SameLine();
  int step = 0;
  if (ImGui::Button("<##ps")) step = -1;
  ImGui::SameLine();
  if (ImGui::Button(">##ns")) step = +1;
  if (!ImGui::GetIO().WantTextInput) {
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_LeftArrow))) step = -1;
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_RightArrow))) step = +1;
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Home))) {
      s.axis = FitAll(tr.end_ns, s.layout.plot_x0, s.layout.plot_x1);
    }
  }
  if (step != 0 && !s.rows.empty()) {
    s.step_pos = StepEvent(s.rows, s.step_pos, step);
    s.cursor_ns = static_cast<double>(tr.events[s.rows[s.step_pos]].t);
    s.axis = EnsureVisible(s.axis, s.cursor_ns);
    s.scroll_to_step = true;
  }
  if (tr.cluster.present && tr.cluster.by_change.size() > static_cast<size_t>(kFoldedWorkerLanes)) {
    ImGui::SameLine();
    if (ImGui::Button(s.workers_unfolded ? "Fold nodes" : "Unfold nodes")) s.workers_unfolded = !s.workers_unfolded;
  }
  ImGui::SameLine();
  ImGui::Text("  cursor %s   window %s .. %s", FormatTrueTime(now).c_str(),
              FormatSeconds(s.axis.start_ns, AxisStepNs(s.axis, 90)).c_str(),
              FormatSeconds(s.axis.end_ns, AxisStepNs(s.axis, 90)).c_str());

  ImGui::SetNextItemWidth(420);
  const bool enter = ImGui::InputText("##open", s.open_path.data(), s.open_path.size(),
                                      ImGuiInputTextFlags_EnterReturnsTrue);
  ImGui::SameLine();
  if (ImGui::Button("Open trace/scenario") || enter) {
    std::string err = OpenPath(s, s.open_path.data());
    if (!err.empty()) s.status = "error: " + err;
  }
  ImGui::SameLine();
  ImGui::TextColored(ImVec4(0.7f, 0.75f, 0.8f, 1), "%s | %s seed %llu", s.status.c_str(),
                     tr.header.scenario.c_str(), static_cast<unsigned long long>(tr.header.seed));
  ImGui::End();
}

void DrawTimeline(ViewerState& s, const ScreenLayout& screen) {
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowBorderSize, 0.0f);
  BeginPanel("timeline", screen.timeline,
             ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
  ImGui::PopStyleVar(2);
  const Rect& a = screen.timeline;
  ImGui::SetCursorScreenPos(ImVec2(a.x0, a.y0));
  ImGui::InvisibleButton("lanes", ImVec2(a.Width(), a.Height()));
  ImGuiIO& io = ImGui::GetIO();
  const float mx = io.MousePos.x;
  if (ImGui::IsItemHovered() && io.MouseWheel != 0) {
    if (mx < s.axis.x0 || io.KeyShift) {
      s.scroll_px -= io.MouseWheel * 40;  // over the lane names (or with Shift): scroll lanes
    } else if (mx <= s.axis.x1) {
      s.axis = ZoomAround(s.axis, mx, WheelZoomFactor(io.MouseWheel));
    }
  }
  if (ImGui::IsItemActivated()) s.dragging = false;
  if (ImGui::IsItemActive() && ImGui::IsMouseDragging(ImGuiMouseButton_Left, 3.0f)) {
    s.dragging = true;
    s.axis = PanByPixels(s.axis, io.MouseDelta.x);
  }
  if (ImGui::IsItemDeactivated() && !s.dragging && mx >= s.axis.x0 && mx <= s.axis.x1) {
    SetCursor(s, s.axis.T(mx), true);
  }
  TimelineOptions opt;
  opt.cursor_ns = s.cursor_ns;
  opt.char_width_px = ImGui::CalcTextSize("M").x;
  BuildTimeline(*s.trace, s.layout, s.axis, opt, s.draw);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  for (const DrawRect& r : s.draw.rects) {
    if (r.filled) dl->AddRectFilled(ImVec2(r.r.x0, r.r.y0), ImVec2(r.r.x1, r.r.y1), Col(r.color));
    else dl->AddRect(ImVec2(r.r.x0, r.r.y0), ImVec2(r.r.x1, r.r.y1), Col(r.color));
  }
  for (const DrawLine& l : s.draw.lines) {
    dl->AddLine(ImVec2(l.x0, l.y0), ImVec2(l.x1, l.y1), Col(l.color), l.thickness);
  }
  for (const DrawText& t : s.draw.texts) {
    dl->AddText(ImVec2(t.x, t.y), Col(t.color), t.text.c_str());
  }
  ImGui::End();
}

void DrawInspector(ViewerState& s, const ScreenLayout& screen) {
  BeginPanel("Inspector", screen.inspector);
  if (s.inspected_ns != s.cursor_ns) {
    s.inspection = InspectAt(*s.trace, static_cast<TimeNs>(s.cursor_ns));
    s.inspected_ns = s.cursor_ns;
  }
  const Inspection& in = s.inspection;
  ImGui::Text("at true time %s", FormatTrueTime(in.t).c_str());
  if (in.has_cluster) {
    const WorkerCounts& c = in.worker_counts;
    ImGui::TextWrapped("worker nodes: %lld Ready, %d NotReady, %d Unknown; %d tainted, %d evicted (of %lld)",
                static_cast<long long>(in.workers - c.not_ready - c.unknown), c.not_ready, c.unknown, c.tainted,
                c.evicted, static_cast<long long>(in.workers));
  }
  if (!in.candidates.empty() &&
      ImGui::CollapsingHeader("LeaseCandidates (kubectl get leasecandidate -o yaml)", ImGuiTreeNodeFlags_DefaultOpen)) {
    if (ImGui::BeginTable("candidates", 5, ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_SizingFixedFit)) {
      for (const char* h : {"identity", "binary", "emulation", "renewTime", "pingTime"}) ImGui::TableSetupColumn(h);
      ImGui::TableHeadersRow();
      for (const CandidateInspection& c : in.candidates) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(c.name.c_str());
        if (c.deleted) {
          ImGui::TableNextColumn();
          ImGui::TextDisabled("deleted at %s", FormatTrueTime(c.seen_t).c_str());
          continue;
        }
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(c.binary_version.c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(c.emulation_version.c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(c.renew_time.size() > 11 ? c.renew_time.c_str() + 11 : c.renew_time.c_str());
        ImGui::TableNextColumn();
        const char* ping = c.ping_time.size() > 11 ? c.ping_time.c_str() + 11 : c.ping_time.c_str();
        if (c.ping_pending) ImGui::TextColored(ImVec4(1.0f, 0.82f, 0.25f, 1), "%s", ping);
        else ImGui::TextUnformatted(ping);
      }
      ImGui::EndTable();
    }
    if (std::any_of(in.candidates.begin(), in.candidates.end(), [](const CandidateInspection& c) { return c.ping_pending; })) {
      ImGui::TextDisabled("yellow pingTime: pinged by the controller, not answered (pingTime > renewTime)");
    }
    for (const CandidateInspection& c : in.candidates) {
      if (c.deleted) continue;
      const std::string title = fmt::format("LeaseCandidate {}###lc-{}", c.name, c.name);
      if (!ImGui::TreeNode(title.c_str())) continue;
      ImGui::TextDisabled("%s at %s", c.by_controller ? "pinged by the controller" : "written or read by its candidate",
                          FormatTrueTime(c.seen_t).c_str());
      ImGui::TextUnformatted(c.yaml.c_str());
      ImGui::TreePop();
    }
  }
  if (ImGui::CollapsingHeader("Lease (kubectl get lease -o yaml)", ImGuiTreeNodeFlags_DefaultOpen)) {
    if (in.has_lease) {
      ImGui::TextDisabled("written at %s, resourceVersion %s", FormatTrueTime(in.lease_written_t).c_str(),
                          in.resource_version.c_str());
    }
    ImGui::TextUnformatted(in.lease_yaml.c_str());
  }
  for (const NodeInspection& n : in.nodes) {
    const std::string title = fmt::format("{}  {}{}###node-{}", n.node, NodeStateName(n.state),
                                          n.acting ? ", acting" : "", n.node);
    if (!ImGui::CollapsingHeader(title.c_str(), ImGuiTreeNodeFlags_DefaultOpen)) continue;
    ImGui::Text("identity %s   state since %s", n.identity.c_str(),
                n.state_since >= 0 ? FormatTrueTime(n.state_since).c_str() : "-");
    if (n.has_clock) {
      ImGui::Text("local mono %s  wall %s", FormatTrueTime(n.mono_ns).c_str(),
                  FormatRFC3339Micros(n.wall_ns).c_str());
      ImGui::Text("clock offset %s  drift %lld ppm", FormatDuration(n.offset_ns).c_str(),
                  static_cast<long long>(n.drift_ppm));
    }
    if (n.has_observed) {
      ImGui::Text("observed holder \"%s\" at %s (mono %s)", n.observed_holder.c_str(),
                  FormatTrueTime(n.observed_t).c_str(), FormatTrueTime(n.observed_mono_ns).c_str());
      ImGui::TextWrapped("record %s", n.observed_record.c_str());
    } else {
      ImGui::TextDisabled("no observed record yet");
    }
    if (n.in_flight) ImGui::TextWrapped("in flight: %s", n.in_flight_text.c_str());
  }
  ImGui::End();
}

void DrawEvents(ViewerState& s, const ScreenLayout& screen) {
  BeginPanel("Events", screen.events);
  const Trace& tr = *s.trace;
  ImGui::TextUnformatted("nodes:");
  for (size_t i = 0; i < tr.nodes.size(); ++i) {
    ImGui::SameLine();
    bool on = s.filter.nodes[i];
    if (ImGui::Checkbox(fmt::format("{}##fn{}", tr.nodes[i].config.node, i).c_str(), &on)) {
      s.filter.nodes[i] = on;
      s.rows_dirty = true;
    }
  }
  ImGui::SameLine();
  if (ImGui::Checkbox("(none)", &s.filter.no_node)) s.rows_dirty = true;
  ImGui::SameLine();
  if (ImGui::Button("kinds...")) ImGui::OpenPopup("kinds");
  if (ImGui::BeginPopup("kinds")) {
    for (int k = 0; k < kEventKindCount; ++k) {
      bool on = s.filter.kinds[k];
      if (ImGui::Checkbox(std::string(EventKindName(static_cast<EventKind>(k))).c_str(), &on)) {
        s.filter.kinds[k] = on;
        s.rows_dirty = true;
      }
    }
    ImGui::EndPopup();
  }
  ImGui::SameLine();
  ImGui::SetNextItemWidth(-1);
  if (ImGui::InputTextWithHint("##text", "text filter", s.text_filter.data(), s.text_filter.size())) {
    s.filter.text = s.text_filter.data();
    s.rows_dirty = true;
  }
  if (s.rows_dirty) {
    s.rows = FilterEvents(tr, s.filter);
    s.rows_dirty = false;
    s.step_pos = EventPositionAt(tr, s.rows, static_cast<TimeNs>(s.cursor_ns));
  }
  const ImGuiTableFlags flags = ImGuiTableFlags_ScrollY | ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersV |
                                ImGuiTableFlags_Resizable | ImGuiTableFlags_SizingFixedFit;
  if (ImGui::BeginTable("events", 5, flags)) {
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn("seq");
    ImGui::TableSetupColumn("t (s)");
    ImGui::TableSetupColumn("node");
    ImGui::TableSetupColumn("kind");
    ImGui::TableSetupColumn("what", ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableHeadersRow();
    const float row_h = ImGui::GetTextLineHeight() + ImGui::GetStyle().CellPadding.y * 2;
    if (s.scroll_to_step && s.step_pos >= 0) {
      ImGui::SetScrollY(std::max(0.0f, s.step_pos * row_h - ImGui::GetWindowHeight() / 2));
      s.scroll_to_step = false;
    }
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(s.rows.size()), row_h);
    while (clipper.Step()) {
      for (int row = clipper.DisplayStart; row < clipper.DisplayEnd; ++row) {
        const uint32_t i = s.rows[row];
        const EventRef& e = tr.events[i];
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        const std::string seq = fmt::format("{}##ev{}", e.seq, i);
        if (ImGui::Selectable(seq.c_str(), row == s.step_pos, ImGuiSelectableFlags_SpanAllColumns)) {
          s.step_pos = row;
          s.cursor_ns = static_cast<double>(e.t);
          s.axis = EnsureVisible(s.axis, s.cursor_ns);
        }
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(FormatSeconds(static_cast<double>(e.t), 1e6).c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(e.node >= 0 ? tr.nodes[e.node].config.node.c_str() : "");
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(std::string(EventKindName(e.kind)).c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(DescribeEvent(tr, i).c_str());
      }
    }
    ImGui::EndTable();
  }
  ImGui::End();
}

void DrawSummary(ViewerState& s, const ScreenLayout& screen) {
  BeginPanel("Summary", screen.summary);
  for (const std::string& line : s.summary_lines) {
    const bool bad = (line.rfind("split-brain", 0) == 0 && s.summary.split_brain.count > 0) ||
                     line.rfind("invariant breaches", 0) == 0 ||
                     line.rfind("warning", 0) == 0 || line.find("MISMATCH") != std::string::npos;
    if (bad) ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1.0f, 0.4f, 0.4f, 1.0f));
    ImGui::TextWrapped("%s", line.c_str());
    if (bad) ImGui::PopStyleColor();
  }
  ImGui::End();
}

void DrawFrame(ViewerState& s, int width, int height) {
  if (s.content_width != static_cast<float>(width) || s.content_unfolded != s.workers_unfolded) {
    s.content_px = TimelineContentHeight(*s.trace, static_cast<float>(width), s.workers_unfolded);
    s.content_width = static_cast<float>(width);
    s.content_unfolded = s.workers_unfolded;
  }
  const ScreenLayout screen =
      ComputeScreenLayout(static_cast<float>(width), static_cast<float>(height), s.content_px);
  UpdateLayout(s, screen);
  DrawTimeline(s, screen);
  DrawToolbar(s, screen);
  DrawInspector(s, screen);
  DrawEvents(s, screen);
  DrawSummary(s, screen);
}

// WritePng reads the back buffer (before the swap) and writes it to `path` via a
// temporary name renamed into place, so a reader never sees half a PNG. A device, FIFO or
// socket (/dev/null, /dev/stdout) is written in place: renaming over it would replace it
// with a regular file (as leasesim's own outputs, sim/output_target.h).
bool WritePng(const std::string& path, int width, int height) {
  std::vector<unsigned char> pixels(static_cast<size_t>(width) * height * 4);
  glReadBuffer(GL_BACK);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadPixels(0, 0, width, height, GL_RGBA, GL_UNSIGNED_BYTE, pixels.data());
  // GL's origin is bottom left; PNG rows go top down.
  std::vector<unsigned char> flipped(pixels.size());
  const size_t stride = static_cast<size_t>(width) * 4;
  for (int y = 0; y < height; ++y) {
    std::copy_n(&pixels[static_cast<size_t>(height - 1 - y) * stride], stride, &flipped[y * stride]);
  }
  // The rule of sim::ClassifyOutput (viz/ does not include sim/): under /dev/ or /proc/
  // (/dev/stdout redirected to a file included), or not a regular file nor a directory.
  std::error_code ec_abs;
  const std::string normal = std::filesystem::absolute(path, ec_abs).lexically_normal().string();
  struct stat st {};
  if (normal.starts_with("/dev/") || normal.starts_with("/proc/") ||
      (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))) {
    if (stbi_write_png(path.c_str(), width, height, 4, flipped.data(), static_cast<int>(stride))) return true;
    std::fprintf(stderr, "%s: cannot write the PNG\n", path.c_str());
    return false;
  }
  const std::string tmp = path + ".tmp";
  if (!stbi_write_png(tmp.c_str(), width, height, 4, flipped.data(), static_cast<int>(stride))) {
    std::fprintf(stderr, "%s: cannot write the PNG\n", tmp.c_str());
    return false;
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::fprintf(stderr, "%s: cannot rename into place: %s\n", path.c_str(), ec.message().c_str());
    return false;
  }
  return true;
}

}  // namespace

bool IsScenarioPath(const std::string& path) {
  auto ends = [&](std::string_view ext) { return path.size() >= ext.size() && path.compare(path.size() - ext.size(), ext.size(), ext) == 0; };
  return ends(".json") || ends(".yaml") || ends(".yml");
}

int RunViewer(const ViewerOptions& options) {
  if (options.from_s.has_value() != options.to_s.has_value()) {
    std::fprintf(stderr, "%s: --from and --to go together\n", options.program.c_str());
    return kViewerBadInput;
  }
  if (options.from_s && !(*options.to_s > *options.from_s)) {
    std::fprintf(stderr, "%s: --to must be later than --from (got --from %gs --to %gs)\n", options.program.c_str(),
                 *options.from_s, *options.to_s);
    return kViewerBadInput;
  }
  ViewerState s;
  s.options = &options;
  if (!options.report_path.empty()) {
    ReportLoad r = LoadReportFile(options.report_path);
    if (!r.ok()) {
      std::fprintf(stderr, "%s: %s\n", options.program.c_str(), r.error.c_str());
      return kViewerBadInput;
    }
    s.report = std::move(r.report);
    s.has_report = true;
  }
  if (std::string err = OpenPath(s, options.trace_path); !err.empty()) {
    std::fprintf(stderr, "%s: %s\n", options.program.c_str(), err.c_str());
    return kViewerBadInput;
  }
  if (options.cursor_s) s.cursor_ns = *options.cursor_s * 1e9;
  s.workers_unfolded = options.unfold_nodes;
  std::snprintf(s.open_path.data(), s.open_path.size(), "%s", options.trace_path.c_str());

  if (!glfwInit()) {
    // Without a display GLFW cannot start: a usage problem, not a failed expectation.
    const char* display = std::getenv("DISPLAY");
    const char* wayland = std::getenv("WAYLAND_DISPLAY");
    if ((display == nullptr || *display == '\0') && (wayland == nullptr || *wayland == '\0')) {
      std::fprintf(stderr,
                   "%s: no display to open a window on (DISPLAY and WAYLAND_DISPLAY are not set); run it "
                   "on a desktop, or headless with --screenshot under xvfb-run -a\n", options.program.c_str());
    } else {
      std::fprintf(stderr, "%s: cannot open display \"%s\" (GLFW initialisation failed); check DISPLAY, "
                   "or run headless with --screenshot under xvfb-run -a\n", options.program.c_str(),
                   display != nullptr ? display : wayland);
    }
    return kViewerBadInput;
  }
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
  glfwWindowHint(GLFW_RESIZABLE, options.screenshot_path.empty() ? GLFW_TRUE : GLFW_FALSE);
  const std::string title = fmt::format("leasesim viewer - {}", options.trace_path);
  GLFWwindow* window = glfwCreateWindow(options.width, options.height, title.c_str(), nullptr, nullptr);
  if (!window) {
    std::fprintf(stderr, "%s: internal error: cannot create a %dx%d OpenGL 3.0 window on this display\n",
                 options.program.c_str(), options.width, options.height);
    glfwTerminate();
    return kViewerInternal;
  }
  glfwMakeContextCurrent(window);
  glfwSwapInterval(options.screenshot_path.empty() ? 1 : 0);
  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // the layout is computed (screen_layout.h), never saved
  ImGui::StyleColorsDark();
  ImGui::GetStyle().WindowRounding = 0;
  ImGui_ImplGlfw_InitForOpenGL(window, true);
  ImGui_ImplOpenGL3_Init("#version 130");

  int rc = kViewerOk;
  int frame = 0;
  while (!glfwWindowShouldClose(window)) {
    if (options.screenshot_path.empty()) glfwWaitEventsTimeout(0.25);
    else glfwPollEvents();
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    ImGui::NewFrame();
    int fb_w = 0, fb_h = 0;
    glfwGetFramebufferSize(window, &fb_w, &fb_h);
    DrawFrame(s, fb_w, fb_h);
    ImGui::Render();
    glViewport(0, 0, fb_w, fb_h);
    glClearColor(Red(kBackground) / 255.0f, Green(kBackground) / 255.0f, Blue(kBackground) / 255.0f, 1);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    if (!options.screenshot_path.empty() && ++frame >= std::max(2, options.screenshot_frames)) {
      if (!WritePng(options.screenshot_path, fb_w, fb_h)) rc = kViewerBadInput;
      break;
    }
    glfwSwapBuffers(window);
  }
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  PinGlDrivers();
  glfwDestroyWindow(window);
  glfwTerminate();
  return rc;
}

}  // namespace leasesim::viz
