// chrome_trace.cc — leasesim trace (JSON Lines) -> Trace Event Format JSON (chrome_trace.h).
#include "sim/chrome_trace.h"

#include <cstdint>
#include <istream>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace leasesim::sim {
namespace {

using nlohmann::json;

constexpr int kPid = 1;
constexpr int kSplitBrainTid = 10;
constexpr int kNoLeaderTid = 11;
constexpr int kFaultTid = 20;  // + lane
constexpr int kNodeTid = 1000;
constexpr int kNodeTidStride = 100;
constexpr int kActingTid = 1;   // + node base
constexpr int kApiTid = 10;     // + node base + lane

// Us is nanoseconds as microseconds (the format's unit), exact to the nanosecond.
double Us(int64_t ns) { return static_cast<double>(ns) / 1000.0; }

// LockTid is the track of a lock object by its resource (client-go's lock kinds).
int LockTid(const std::string& resource) {
  if (resource == "configmaps") return 2;
  if (resource == "endpoints") return 3;
  return 1;
}
std::string LockTrackName(const std::string& resource, const std::string& object) {
  if (resource == "configmaps") return "ConfigMap " + object;
  if (resource == "endpoints") return "Endpoints " + object;
  return "Lease " + object;
}

// LogName is the message of a klog line: its first quoted string ("Attempting to acquire
// leader lease" of `"Attempting to acquire leader lease" lock="..."`), else the text.
std::string LogName(const std::string& text) {
  if (text.size() > 1 && text[0] == '"') {
    const auto end = text.find('"', 1);
    if (end != std::string::npos) return text.substr(1, end - 1);
  }
  return text;
}

// Lanes hands out the lowest lane free at a time: a lane is busy from Take to Free.
class Lanes {
 public:
  int Take() {
    for (size_t i = 0; i < busy_.size(); ++i) {
      if (!busy_[i]) {
        busy_[i] = true;
        return static_cast<int>(i);
      }
    }
    busy_.push_back(true);
    return static_cast<int>(busy_.size() - 1);
  }
  void Free(int lane) { busy_[static_cast<size_t>(lane)] = false; }
  // TakeAt is for intervals known whole (findings): the lowest lane whose last interval
  // ended at or before `start`.
  int TakeAt(int64_t start, int64_t end) {
    for (size_t i = 0; i < last_end_.size(); ++i) {
      if (last_end_[i] <= start) {
        last_end_[i] = end;
        return static_cast<int>(i);
      }
    }
    last_end_.push_back(end);
    return static_cast<int>(last_end_.size() - 1);
  }

 private:
  std::vector<bool> busy_;
  std::vector<int64_t> last_end_;
};

struct OpenSlice {
  int64_t start = 0;
  std::string name;
  json args;
};

struct Request {
  int64_t start = 0;
  int lane = 0;
  std::string verb, resource, sent_rv;
  std::optional<int64_t> served_at;
  std::string stored_rv;
};

struct Node {
  int index = 0;
  int tid = 0;
  std::string identity;
  std::optional<OpenSlice> state;
  std::optional<OpenSlice> acting;
  std::map<int64_t, Request> requests;  // by request id
  Lanes api_lanes;
  int api_lanes_named = 0;
};

struct OpenFault {
  OpenSlice slice;
  int lane = 0;
};

class Converter {
 public:
  explicit Converter(std::ostream& out) : out_(out) {}

  void Header(const json& h) {
    duration_ = h.at("duration_ns").get<int64_t>();
    const std::string scenario = h.value("scenario", std::string("scenario"));
    const uint64_t seed = h.value("seed", uint64_t{0});
    if (const auto it = h.find("lock"); it != h.end() && it->is_object()) {
      lock_object_ = it->value("namespace", std::string()) + "/" + it->value("name", std::string());
    }
    json other = {{"format", "leasesim-trace/1"}, {"scenario", scenario}, {"seed", seed},
                  {"durationNs", duration_}};
    if (const auto it = h.find("scenario_file"); it != h.end()) other["scenarioFile"] = *it;
    out_ << "{\"displayTimeUnit\":\"ms\",\"otherData\":" << other.dump() << ",\"traceEvents\":[\n";
    Meta("process_name", 0, {{"name", fmt::format("leasesim {} (seed {})", scenario, seed)}}, /*thread=*/false);
    Meta("process_sort_index", 0, {{"sort_index", 0}}, false);
    NameTrack(kSplitBrainTid, "split-brain");
    NameTrack(kNoLeaderTid, "no leader");
    int i = 0;
    for (const json& n : h.at("nodes")) {
      Node node;
      node.index = i;
      node.tid = kNodeTid + kNodeTidStride * i;
      const std::string name = n.at("node").get<std::string>();
      node.identity = n.value("identity", name);
      const std::string label = node.identity == name ? name : fmt::format("{} ({})", name, node.identity);
      NameTrack(node.tid, fmt::format("{} (client-go {}, {}/{}/{})", label, n.value("client_go", std::string()),
                                      GoSeconds(n.value("lease_duration_ns", int64_t{0})),
                                      GoSeconds(n.value("renew_deadline_ns", int64_t{0})),
                                      GoSeconds(n.value("retry_period_ns", int64_t{0}))));
      NameTrack(node.tid + kActingTid, label + " acting");
      nodes_.emplace(name, std::move(node));
      ++i;
    }
  }

  void Event(const json& e) {
    const std::string ev = e.at("ev").get<std::string>();
    const int64_t t = e.at("t").get<int64_t>();
    if (ev == "finding") return Finding(e);
    if (ev == "fault") return Fault(e, t);
    const std::string node_name = e.value("node", std::string());
    Node* n = nullptr;
    if (const auto it = nodes_.find(node_name); it != nodes_.end()) n = &it->second;
    if (ev == "api_served") {
      if (n == nullptr) return;
      Served(*n, e, t);
      return;
    }
    if (n == nullptr) return;  // every other kind belongs to a node
    if (ev == "state") {
      const std::string state = e.at("state").get<std::string>();
      CloseState(*n, t);
      n->state = OpenSlice{t, state, {{"state", state}}};
      if (state == "crashed" || state == "stopped") DropRequests(*n, t, state);
    } else if (ev == "acting") {
      if (n->acting) Slice(n->tid + kActingTid, *n->acting, t);
      n->acting.reset();
      if (e.at("acting").get<bool>()) n->acting = OpenSlice{t, "acting", json::object()};
    } else if (ev == "api_request") {
      Request r;
      r.start = t;
      r.verb = e.at("verb").get<std::string>();
      r.resource = e.value("resource", std::string());
      r.sent_rv = e.value("rv", std::string());
      r.lane = n->api_lanes.Take();
      while (n->api_lanes_named <= r.lane) {
        const int lane = n->api_lanes_named++;
        NameTrack(ApiTid(*n, lane), lane == 0 ? fmt::format("{} API", NodeLabel(*n))
                                              : fmt::format("{} API ({})", NodeLabel(*n), lane + 1));
      }
      n->requests[e.at("id").get<int64_t>()] = std::move(r);
    } else if (ev == "api_response") {
      const auto it = n->requests.find(e.at("id").get<int64_t>());
      if (it == n->requests.end()) return;
      const int code = e.at("code").get<int>();
      json args = RequestArgs(it->first, it->second);
      args["code"] = code;
      args["reason"] = e.value("reason", std::string());
      if (const auto m = e.find("message"); m != e.end() && m->is_string() && !m->get<std::string>().empty()) {
        args["message"] = *m;
      }
      EndRequest(*n, it, t, fmt::format("{} {}", it->second.verb, code), std::move(args));
    } else if (ev == "api_cancel") {
      const auto it = n->requests.find(e.at("id").get<int64_t>());
      if (it == n->requests.end()) return;
      json args = RequestArgs(it->first, it->second);
      args["code"] = 0;
      args["reason"] = e.value("reason", std::string("cancelled"));
      EndRequest(*n, it, t, fmt::format("{} cancelled", it->second.verb), std::move(args));
    } else if (ev == "log") {
      const std::string text = e.value("text", std::string());
      json args = {{"level", e.value("level", std::string())}, {"text", text}};
      if (const auto m = e.find("err"); m != e.end() && m->is_string() && !m->get<std::string>().empty()) args["err"] = *m;
      Instant(n->tid, t, LogName(text), std::move(args), "log");
    } else if (ev == "callback") {
      json args = json::object();
      if (const auto m = e.find("identity"); m != e.end() && m->is_string() && !m->get<std::string>().empty()) {
        args["identity"] = *m;
      }
      Instant(n->tid, t, e.at("callback").get<std::string>(), std::move(args), "callback");
    } else if (ev == "k8s_event") {
      Instant(n->tid, t, "Event: " + e.value("message", std::string()), json::object(), "k8s_event");
    } else if (ev == "healthz") {
      const bool healthy = e.at("healthy").get<bool>();
      Instant(n->tid, t, healthy ? "healthz ok" : "healthz failing", {{"healthy", healthy}}, "healthz");
    } else if (ev == "clock") {
      Instant(n->tid, t, "clock", {{"offsetNs", e.value("offset_ns", int64_t{0})}, {"driftPpm", e.value("drift_ppm", int64_t{0})}},
              "clock");
    } else if (ev == "observed") {
      // The elector's observedRecord: frequent and shown by the Lease track; not drawn.
    } else if (ev == "metric") {
      const std::string name = e.at("name").get<std::string>();
      Emit({{"ph", "C"}, {"name", fmt::format("{}{{name={}}}", name, n->identity)}, {"pid", kPid},
            {"tid", n->tid}, {"ts", Us(t)}, {"cat", "metric"}, {"args", {{"value", e.at("value").get<double>()}}}});
    }
  }

  // Finish closes every slice still open at the run's end.
  void Finish() {
    for (auto& [name, n] : nodes_) {
      DropRequests(n, duration_, "end of run");
      CloseState(n, duration_);
      if (n.acting) Slice(n.tid + kActingTid, *n.acting, duration_);
      n.acting.reset();
    }
    for (auto& [resource, open] : holders_) Slice(LockTid(resource), open, duration_);
    holders_.clear();
    for (auto& [index, f] : faults_) Slice(kFaultTid + f.lane, f.slice, duration_);
    faults_.clear();
    out_ << "\n]}\n";
  }

 private:
  static std::string GoSeconds(int64_t ns) {
    if (ns % 1'000'000'000 == 0) return fmt::format("{}s", ns / 1'000'000'000);
    return fmt::format("{}ms", ns / 1'000'000);
  }
  static std::string NodeLabel(const Node& n) { return n.identity; }
  static int ApiTid(const Node& n, int lane) { return n.tid + kApiTid + lane; }

  void Emit(const json& ev) {
    if (!first_) out_ << ",\n";
    first_ = false;
    out_ << ev.dump();
  }
  void Meta(const std::string& name, int tid, json args, bool thread = true) {
    json m = {{"ph", "M"}, {"name", name}, {"pid", kPid}, {"args", std::move(args)}};
    if (thread) m["tid"] = tid;
    Emit(m);
  }
  void NameTrack(int tid, const std::string& name) {
    Meta("thread_name", tid, {{"name", name}});
    Meta("thread_sort_index", tid, {{"sort_index", tid}});
  }
  void Slice(int tid, const OpenSlice& s, int64_t end, const std::string& cat = "") {
    json ev = {{"ph", "X"},        {"name", s.name},           {"pid", kPid},       {"tid", tid},
               {"ts", Us(s.start)}, {"dur", Us(end - s.start)}, {"args", s.args}};
    if (!cat.empty()) ev["cat"] = cat;
    Emit(ev);
  }
  void Instant(int tid, int64_t t, const std::string& name, json args, const std::string& cat) {
    Emit({{"ph", "i"}, {"s", "t"}, {"name", name}, {"cat", cat}, {"pid", kPid}, {"tid", tid}, {"ts", Us(t)},
          {"args", std::move(args)}});
  }
  void CloseState(Node& n, int64_t t) {
    if (n.state) Slice(n.tid, *n.state, t, "state");
    n.state.reset();
  }
  json RequestArgs(int64_t id, const Request& r) const {
    json args = {{"id", id}, {"verb", r.verb}, {"resource", r.resource}};
    if (!r.sent_rv.empty()) args["resourceVersion"] = r.sent_rv;
    if (r.served_at) args["servedAtUs"] = Us(*r.served_at);
    if (!r.stored_rv.empty()) args["storedResourceVersion"] = r.stored_rv;
    return args;
  }
  void EndRequest(Node& n, std::map<int64_t, Request>::iterator it, int64_t t, std::string name, json args) {
    Slice(ApiTid(n, it->second.lane), OpenSlice{it->second.start, std::move(name), std::move(args)}, t, "api");
    n.api_lanes.Free(it->second.lane);
    n.requests.erase(it);
  }
  // DropRequests ends the requests in flight when a node crashes or stops: their
  // responses never arrive.
  void DropRequests(Node& n, int64_t t, const std::string& why) {
    while (!n.requests.empty()) {
      auto it = n.requests.begin();
      json args = RequestArgs(it->first, it->second);
      args["code"] = 0;
      args["reason"] = "no response: " + why;
      EndRequest(n, it, t, fmt::format("{} (no response)", it->second.verb), std::move(args));
    }
  }
  void Served(Node& n, const json& e, int64_t t) {
    const auto it = n.requests.find(e.at("id").get<int64_t>());
    std::string resource = "leases";
    if (it != n.requests.end()) {
      it->second.served_at = t;
      it->second.stored_rv = e.value("rv", std::string());
      if (!it->second.resource.empty()) resource = it->second.resource;
    }
    const auto holder = e.find("holder");
    if (holder == e.end()) return;  // not a successful write
    const int code = e.value("code", 0);
    if (code != 200 && code != 201) return;
    if (!named_locks_.count(resource)) {
      named_locks_[resource] = true;
      NameTrack(LockTid(resource), LockTrackName(resource, lock_object_));
    }
    if (const auto open = holders_.find(resource); open != holders_.end()) {
      Slice(LockTid(resource), open->second, t, "lock");
      holders_.erase(open);
    }
    const std::string h = holder->is_string() ? holder->get<std::string>() : std::string();
    json args = {{"holderIdentity", h}, {"resourceVersion", e.value("rv", std::string())},
                 {"writtenBy", n.identity}, {"verb", e.value("verb", std::string())}};
    if (const auto o = e.find("object"); o != e.end()) args["object"] = *o;
    holders_.emplace(resource, OpenSlice{t, h.empty() ? "(no holder)" : h, std::move(args)});
  }
  void Fault(const json& e, int64_t t) {
    const std::string phase = e.at("phase").get<std::string>();
    const int64_t index = e.at("index").get<int64_t>();
    const std::string kind = e.at("fault").get<std::string>();
    json args = {{"kind", kind}, {"id", e.value("id", std::string())}, {"index", index}};
    if (const auto nodes = e.find("nodes"); nodes != e.end()) args["nodes"] = *nodes;
    std::vector<std::string> names;
    if (const auto nodes = e.find("nodes"); nodes != e.end() && nodes->is_array()) {
      for (const json& x : *nodes) names.push_back(x.is_string() ? x.get<std::string>() : x.dump());
    }
    const std::string name = names.empty() ? kind : fmt::format("{} {}", kind, fmt::join(names, ","));
    if (phase == "begin") {
      const int lane = fault_lanes_.Take();
      NameFaultLane(lane);
      faults_[index] = OpenFault{OpenSlice{t, name, std::move(args)}, lane};
    } else if (phase == "end") {
      const auto it = faults_.find(index);
      if (it == faults_.end()) return;
      Slice(kFaultTid + it->second.lane, it->second.slice, t, "fault");
      fault_lanes_.Free(it->second.lane);
      faults_.erase(it);
    } else {
      const int lane = fault_lanes_.Take();
      NameFaultLane(lane);
      Instant(kFaultTid + lane, t, name, std::move(args), "fault");
      fault_lanes_.Free(lane);
    }
  }
  void NameFaultLane(int lane) {
    while (fault_lanes_named_ <= lane) {
      const int l = fault_lanes_named_++;
      NameTrack(kFaultTid + l, l == 0 ? std::string("faults") : fmt::format("faults ({})", l + 1));
    }
  }
  void Finding(const json& e) {
    const std::string kind = e.at("finding").get<std::string>();
    const int64_t start = e.at("start").get<int64_t>();
    const int64_t end = e.at("end").get<int64_t>();
    json args = {{"durationNs", end - start}};
    if (const auto nodes = e.find("nodes"); nodes != e.end()) args["nodes"] = *nodes;
    if (const auto cause = e.find("cause"); cause != e.end()) args["cause"] = *cause;
    const bool split = kind == "split_brain";
    Lanes& lanes = split ? split_lanes_ : no_leader_lanes_;
    // Findings of one kind are disjoint; a lane per overlap keeps the format valid anyway.
    const int lane = lanes.TakeAt(start, end);
    const int tid = (split ? kSplitBrainTid : kNoLeaderTid) + (lane == 0 ? 0 : 100 + lane);
    if (lane > 0) NameTrack(tid, fmt::format("{} ({})", split ? "split-brain" : "no leader", lane + 1));
    Slice(tid, OpenSlice{start, split ? "split-brain" : "no leader", std::move(args)}, end, "finding");
  }

  std::ostream& out_;
  bool first_ = true;
  int64_t duration_ = 0;
  std::string lock_object_;
  std::map<std::string, Node> nodes_;
  std::map<std::string, OpenSlice> holders_;  // by resource
  std::map<std::string, bool> named_locks_;
  std::map<int64_t, OpenFault> faults_;       // by fault index
  Lanes fault_lanes_, split_lanes_, no_leader_lanes_;
  int fault_lanes_named_ = 0;
};

}  // namespace

bool WriteChromeTrace(std::istream& trace, std::ostream& out, std::string* err) {
  auto fail = [&](size_t line, const std::string& problem) {
    if (err) *err = fmt::format("line {}: {}", line, problem);
    return false;
  };
  Converter c(out);
  std::string text;
  size_t line = 0;
  bool header = false, footer = false;
  while (std::getline(trace, text)) {
    ++line;
    if (text.empty()) continue;
    json j;
    try {
      j = json::parse(text);
    } catch (const json::parse_error& e) {
      return fail(line, fmt::format("invalid JSON: {}", e.what()));
    }
    if (!j.is_object()) return fail(line, "expected a JSON object");
    try {
      if (!header) {
        if (j.value("type", std::string()) != "header" || j.value("format", std::string()) != "leasesim-trace/1") {
          return fail(line, "not a leasesim trace (expected a header with \"format\":\"leasesim-trace/1\")");
        }
        c.Header(j);
        header = true;
      } else if (j.value("type", std::string()) == "footer") {
        footer = true;
        break;
      } else {
        c.Event(j);
      }
    } catch (const json::exception& e) {
      return fail(line, e.what());
    }
  }
  if (!header) return fail(line, "empty trace (no header line)");
  if (!footer) return fail(line, "truncated trace (no footer line)");
  c.Finish();
  return true;
}

}  // namespace leasesim::sim
