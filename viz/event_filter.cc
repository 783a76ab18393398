// event_filter.cc — event table filtering and row text (see event_filter.h).
#include "viz/event_filter.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "viz/time_format.h"

namespace leasesim::viz {

EventFilter EventFilter::All(const Trace& trace) {
  EventFilter f;
  f.nodes.assign(trace.nodes.size(), true);
  f.kinds.fill(true);
  return f;
}

std::vector<uint32_t> FilterEvents(const Trace& trace, const EventFilter& filter) {
  std::vector<uint32_t> out;
  for (uint32_t i = 0; i < trace.events.size(); ++i) {
    const EventRef& e = trace.events[i];
    if (!filter.kinds[static_cast<int>(e.kind)]) continue;
    const bool node_ok = e.node < 0 ? filter.no_node
                                    : static_cast<size_t>(e.node) < filter.nodes.size() && filter.nodes[e.node];
    if (!node_ok) continue;
    if (!filter.text.empty() && trace.Line(i).find(filter.text) == std::string_view::npos) continue;
    out.push_back(i);
  }
  return out;
}

std::string DescribeEvent(const Trace& trace, uint32_t i) {
  const auto j = nlohmann::json::parse(trace.Line(i), nullptr, false);
  if (!j.is_object()) return "(unreadable line)";
  auto s = [&](const char* k) { return j.contains(k) && j[k].is_string() ? j[k].get<std::string>() : ""; };
  auto n = [&](const char* k) { return j.contains(k) && j[k].is_number() ? j[k].get<int64_t>() : int64_t{0}; };
  auto nodes = [&]() {
    std::string out;
    if (j.contains("nodes") && j["nodes"].is_array()) {
      for (const auto& v : j["nodes"]) {
        if (!out.empty()) out += ',';
        out += v.is_string() ? v.get<std::string>() : v.dump();
      }
    }
    return out;
  };
  switch (trace.events[i].kind) {
    case EventKind::kState: return fmt::format("state -> {}", s("state"));
    case EventKind::kActing: return j.value("acting", false) ? "acting starts" : "acting stops";
    case EventKind::kApiRequest:
      return fmt::format("{} id {} sent{}", s("verb"), n("id"), s("rv").empty() ? "" : " rv " + s("rv"));
    case EventKind::kApiServed:
      return fmt::format("{} id {} served {} {}{}", s("verb"), n("id"), n("code"), s("reason"),
                         (j.contains("lease") || j.contains("object")) ? " (rv " + s("rv") + ")" : "");
    case EventKind::kApiResponse:
      return fmt::format("{} id {} -> {} {}", s("verb"), n("id"), n("code"), s("reason"));
    case EventKind::kApiCancel: return fmt::format("cancel id {}: {}", n("id"), s("reason"));
    case EventKind::kObserved:
      return fmt::format("observed holder {}", s("holder").empty() ? std::string("\"\"") : s("holder"));
    case EventKind::kCallback: return fmt::format("{}({})", s("callback"), s("identity"));
    case EventKind::kLog: return fmt::format("{}: {}", s("level"), s("text"));
    case EventKind::kK8sEvent: return fmt::format("Event: {}", s("message"));
    case EventKind::kMetric: return fmt::format("{} = {}", s("name"), j.contains("value") ? j["value"].dump() : "");
    case EventKind::kFault: return fmt::format("fault {} {} [{}]", s("fault"), s("phase"), nodes());
    case EventKind::kClock:
      return fmt::format("clock offset {} drift {} ppm", FormatDuration(n("offset_ns")), n("drift_ppm"));
    case EventKind::kFinding:
      if (s("finding") == "invariant_breach") {
        return fmt::format("invariant_breach {} at {}{}: {}", s("invariant"), FormatTrueTime(n("at")),
                           s("node").empty() ? "" : " [" + s("node") + "]", s("message"));
      }
      return fmt::format("{} {}..{} [{}] {}", s("finding"), FormatTrueTime(n("start")),
                         FormatTrueTime(n("end")), nodes(), s("cause"));
    case EventKind::kCoordinationLog:
      return fmt::format("{}{}: {}", s("apiserver").empty() ? "" : s("apiserver") + " ",
                         n("level") < 0 ? std::string("error") : fmt::format("v{}", n("level")), s("text"));
    case EventKind::kApiserverInstance:
      return fmt::format("{} {}{}", s("apiserver"), s("state"), s("identity").empty() ? "" : " (" + s("identity") + ")");
    case EventKind::kController: return fmt::format("election controller {} in {}", s("state"), s("apiserver"));
    case EventKind::kNodeLifecycleController:
      return j.value("running", false) ? "node lifecycle controller starts" : "node lifecycle controller stops";
    case EventKind::kZoneState: return fmt::format("zone {} -> {}", s("zone"), s("state"));
    case EventKind::kKubelet:
      return fmt::format("kubelet {} {}{}", s("worker"), j.value("running", false) ? "running" : "stopped",
                         j.value("machine_down", false) ? " (machine down)" : "");
    case EventKind::kNodeReady:
      return fmt::format("node {} Ready={}{}: {}", s("worker"), s("status"),
                         j.value("false_not_ready", false) ? " (FALSE NotReady)" : "", s("cause"));
    case EventKind::kNodeTaint:
      return fmt::format("node {} {}", s("worker"), j.value("tainted", false) ? "tainted" : "untainted");
    case EventKind::kNodeEvicted: return fmt::format("node {}: last pod evicted", s("worker"));
    case EventKind::kClusterFault: return fmt::format("cluster fault {} {} {}", s("id"), s("kind"), s("phase"));
    case EventKind::kUnknown: return fmt::format("({})", s("ev"));
  }
  return "";
}

}  // namespace leasesim::viz
