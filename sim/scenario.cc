// scenario.cc — scenario JSON -> Scenario, with one-line errors naming the JSON path.
//
// Parsing throws an internal BadInput {path, problem} at the first problem; the two entry
// points catch it and format `<file>: <path>: <problem>`. Object keys are visited in
// nlohmann's (sorted) order, so the first reported problem is deterministic.
#include "sim/scenario.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <fstream>
#include <set>
#include <unordered_set>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/objects_json.h"
#include "sim/document_input.h"
#include "sim/cluster_spec.h"
#include "sim/go_duration.h"
#include "sim/input_file.h"
#include "sim/json_input.h"

namespace leasesim::sim {
namespace {

using nlohmann::json;

using namespace json_input;  // NOLINT: the loader is written in its vocabulary

core::VersionProfile Profile(const json& j, const std::string& path, std::string* name) {
  *name = Str(j, path);
  auto p = core::VersionProfile::Parse(*name);
  if (!p) {
    Fail(path, fmt::format("unsupported client-go version {} (supported: 1.{} to 1.{})", QuoteInput(*name),
                           core::VersionProfile::kOldestMinor, core::VersionProfile::kNewestMinor));
  }
  return *p;
}

// Burst is a throttle's bucket size: the `burst` key when given (an integer >= 1, as
// client-go's flowcontrol takes), else max(1, floor(qps)) (one second's worth of tokens).
int64_t Burst(const json* v, double qps, const std::string& path) {
  if (v != nullptr) return IntIn(*v, path, 1, kMaxBurst);
  return qps >= static_cast<double>(kMaxBurst) ? kMaxBurst : std::max<int64_t>(1, static_cast<int64_t>(qps));
}

// ErrorCode is an HTTP 5xx code the fake API server answers with: 500, 503 or 504. The
// check is on the int64 value, before any narrowing (4294967796 is not 500).
int ErrorCode(const json& j, const std::string& path) {
  const int64_t code = Int(j, path);
  if (code != 500 && code != 503 && code != 504) Fail(path, fmt::format("expected 500, 503 or 504, got {}", code));
  return static_cast<int>(code);
}

void ApplyLock(const json& j, const std::string& path, core::LockConfig& lock) {
  CheckObject(j, path, {"kind", "namespace", "name", "labels"});
  if (const json* v = Find(j, "kind")) {
    std::string k = Str(*v, Key(path, "kind"));
    auto kind = core::ParseLockKind(k);
    if (!kind) {
      Fail(Key(path, "kind"), fmt::format("unknown lock kind {} (known: leases, configmaps, endpoints, "
                                          "configmapsleases, endpointsleases)", QuoteInput(k)));
    }
    lock.kind = *kind;
  }
  if (const json* v = Find(j, "namespace")) lock.namespace_ = Str(*v, Key(path, "namespace"));
  if (const json* v = Find(j, "name")) lock.name = Str(*v, Key(path, "name"));
  if (const json* v = Find(j, "labels")) {
    const std::string lp = Key(path, "labels");
    if (!v->is_object()) Fail(lp, fmt::format("expected an object of strings, got {}", TypeName(*v)));
    for (const auto& [k, val] : v->items()) lock.labels[k] = Str(val, Key(lp, k));
  }
}

void ApplyTimings(const json& j, const std::string& path, core::LeaderElectionConfig& c) {
  // Any value parses; client-go's own checks (ValidateConfig) judge it afterwards.
  if (const json* v = Find(j, "leaseDuration")) c.leaseDuration = Dur(*v, Key(path, "leaseDuration"));
  if (const json* v = Find(j, "renewDeadline")) c.renewDeadline = Dur(*v, Key(path, "renewDeadline"));
  if (const json* v = Find(j, "retryPeriod")) c.retryPeriod = Dur(*v, Key(path, "retryPeriod"));
}

// CandidateDraft is a candidate being assembled: built-in defaults, then the top-level
// clientGo/lock/timings, then "defaults", then the candidate's own keys.
struct CandidateDraft {
  std::optional<std::string> name;
  std::optional<std::string> identity;
  Duration start{0};
  std::string client_go = "1.37";
  core::VersionProfile profile;
  core::LeaderElectionConfig config;
  std::optional<Duration> client_timeout;
  Duration healthz_timeout = std::chrono::seconds(20);
  WorkloadSpec workload;
  ClockSpec clock;
  std::string binary_version, emulation_version;
};

constexpr std::array<std::string_view, 16> kCandidateKeys = {
    "name",          "identity",      "start",          "clientGo",   "lock",        "leaseDuration",
    "renewDeadline", "retryPeriod",   "releaseOnCancel", "coordinated", "clientTimeout", "healthzTimeout",
    "workload",      "clock",         "binaryVersion",  "emulationVersion"};

void ApplyCandidate(const json& j, const std::string& path, CandidateDraft& d, bool is_defaults) {
  CheckKeys(j, path, kCandidateKeys, "");
  if (const json* v = Find(j, "name")) {
    if (is_defaults) Fail(Key(path, "name"), "a node name cannot be a default: give each candidate its own");
    d.name = Str(*v, Key(path, "name"));
    if (auto e = NodeNameError(*d.name)) Fail(Key(path, "name"), *e);
  }
  if (const json* v = Find(j, "identity")) {
    d.identity = Str(*v, Key(path, "identity"));
    if (auto e = IdentityError(*d.identity)) Fail(Key(path, "identity"), *e);
  }
  if (const json* v = Find(j, "start")) d.start = NonNegDur(*v, Key(path, "start"));
  if (const json* v = Find(j, "clientGo")) d.profile = Profile(*v, Key(path, "clientGo"), &d.client_go);
  if (const json* v = Find(j, "lock")) ApplyLock(*v, Key(path, "lock"), d.config.lock);
  ApplyTimings(j, path, d.config);
  if (const json* v = Find(j, "releaseOnCancel")) d.config.releaseOnCancel = Bool(*v, Key(path, "releaseOnCancel"));
  if (const json* v = Find(j, "coordinated")) d.config.coordinated = Bool(*v, Key(path, "coordinated"));
  if (const json* v = Find(j, "binaryVersion")) d.binary_version = ParseVersionKey(*v, Key(path, "binaryVersion"));
  if (const json* v = Find(j, "emulationVersion")) d.emulation_version = ParseVersionKey(*v, Key(path, "emulationVersion"));
  if (const json* v = Find(j, "clientTimeout")) d.client_timeout = NonNegDur(*v, Key(path, "clientTimeout"));  // "0s": no timeout (rest.Config.Timeout 0)
  if (const json* v = Find(j, "healthzTimeout")) d.healthz_timeout = NonNegDur(*v, Key(path, "healthzTimeout"));
  if (const json* v = Find(j, "workload")) {
    const std::string wp = Key(path, "workload");
    CheckObject(*v, wp, {"onStoppedLeading", "stopLag", "restartAfter"});
    if (const json* w = Find(*v, "onStoppedLeading")) {
      std::string m = Str(*w, Key(wp, "onStoppedLeading"));
      if (m == "exit") d.workload.on_stopped_leading = WorkloadSpec::OnStoppedLeading::kExit;
      else if (m == "keep_acting") d.workload.on_stopped_leading = WorkloadSpec::OnStoppedLeading::kKeepActing;
      else Fail(Key(wp, "onStoppedLeading"), fmt::format("expected \"exit\" or \"keep_acting\", got {}", QuoteInput(m)));
    }
    if (const json* w = Find(*v, "stopLag")) d.workload.stop_lag = NonNegDur(*w, Key(wp, "stopLag"));
    if (const json* w = Find(*v, "restartAfter")) {
      if (w->is_string() && w->get<std::string>() == "never") {
        d.workload.restart_after.reset();
      } else {
        d.workload.restart_after = NonNegDur(*w, Key(wp, "restartAfter"));
      }
    }
  }
  if (const json* v = Find(j, "clock")) {
    const std::string cp = Key(path, "clock");
    CheckObject(*v, cp, {"offset", "driftPpm"});
    if (const json* w = Find(*v, "offset")) d.clock.offset = Dur(*w, Key(cp, "offset"));
    if (const json* w = Find(*v, "driftPpm")) d.clock.drift_ppm = IntIn(*w, Key(cp, "driftPpm"), -kMaxDriftPpm, kMaxDriftPpm);
  }
}

// Finish resolves defaults that depend on other fields and runs client-go's validation.
CandidateSpec Finish(CandidateDraft d, const std::string& path) {
  CandidateSpec c;
  c.name = *d.name;
  c.identity = d.identity.value_or(c.name);
  c.start = d.start;
  c.client_go = d.client_go;
  c.profile = d.profile;
  c.config = d.config;
  c.config.lock.identity = c.identity;
  c.config.name = c.name;
  // The components' leader-election client timeout for the profile: max(1s,
  // renewDeadline/2) (resourcelock.NewFromKubeconfig) since 1.21, renewDeadline in 1.20.
  c.client_timeout = d.client_timeout.value_or(c.profile.ClientTimeout(c.config.renewDeadline));
  c.healthz_timeout = d.healthz_timeout;
  c.workload = d.workload;
  c.clock = d.clock;
  c.binary_version = d.binary_version;
  c.emulation_version = d.emulation_version;
  if (c.config.coordinated && c.binary_version.empty()) c.binary_version = c.client_go + ".0";
  if (!c.binary_version.empty() && c.emulation_version.empty()) c.emulation_version = c.binary_version;
  if (auto err = core::ValidateConfig(c.config, c.profile)) Fail(path, *err);
  return c;
}

void ApplyPath(const json& j, const std::string& path, NetworkPathSpec& p) {
  if (const json* v = Find(j, "delay")) p.request_delay = p.response_delay = Dist(*v, Key(path, "delay"));
  if (const json* v = Find(j, "requestDelay")) p.request_delay = Dist(*v, Key(path, "requestDelay"));
  if (const json* v = Find(j, "responseDelay")) p.response_delay = Dist(*v, Key(path, "responseDelay"));
  if (const json* v = Find(j, "loss")) p.loss = Ratio(*v, Key(path, "loss"));
}

std::string NodeRef(const json& j, const std::string& path, const std::set<std::string>& names) {
  std::string n = Str(j, path);
  if (!names.count(n)) Fail(path, fmt::format("unknown node {}: no candidate has that name", QuoteInput(n)));
  return n;
}

// FaultNodeRef is a fault target: a candidate name or a role ("@leader", "@follower",
// "@any") the world resolves at the fault's start.
std::string FaultNodeRef(const json& j, const std::string& path, const std::set<std::string>& names) {
  std::string n = Str(j, path);
  if (!n.empty() && n.front() == '@') {
    if (!ParseFaultRole(n)) {
      Fail(path, fmt::format("unknown role \"{}\" (known: @leader, @follower, @any)", n));
    }
    return n;
  }
  if (!names.count(n)) Fail(path, fmt::format("unknown node \"{}\": no candidate has that name", n));
  return n;
}

constexpr std::array<std::string_view, 14> kFaultNames = {
    "crash",     "restart",     "pause",       "stop",           "partition",        "latency",           "loss",
    "clock_step", "clock_drift", "clock_slew", "apiserver_outage", "apiserver_errors", "apiserver_latency",
    "apiserver_throttle"};

FaultSpec ParseFault(const json& j, const std::string& path, int index, Duration run,
                     const std::set<std::string>& names) {
  if (!j.is_object()) Fail(path, fmt::format("expected an object, got {}", TypeName(j)));
  const std::string kind_s = Str(Require(j, path, "kind"), Key(path, "kind"));
  auto kind = ParseFaultKind(kind_s);
  if (!kind) Fail(Key(path, "kind"), fmt::format("unknown fault kind {} (known: {})", QuoteInput(kind_s), fmt::join(kFaultNames, ", ")));
  FaultSpec f;
  f.index = index;
  f.kind = *kind;
  const std::string what = fmt::format(" for a {} fault", kind_s);
  switch (f.kind) {
    case FaultKind::kCrash: CheckObject(j, path, {"kind", "at", "id", "node", "nodes", "for"}, what); break;
    case FaultKind::kRestart:
      CheckObject(j, path, {"kind", "at", "id", "node", "nodes", "identity", "binaryVersion", "emulationVersion"}, what);
      break;
    case FaultKind::kPause: CheckObject(j, path, {"kind", "at", "id", "node", "nodes", "for"}, what); break;
    case FaultKind::kStop: CheckObject(j, path, {"kind", "at", "id", "node", "nodes", "for"}, what); break;
    case FaultKind::kPartition: CheckObject(j, path, {"kind", "at", "id", "node", "nodes", "for", "mode"}, what); break;
    case FaultKind::kLatency: CheckObject(j, path, {"kind", "at", "id", "node", "nodes", "for", "delay"}, what); break;
    case FaultKind::kLoss: CheckObject(j, path, {"kind", "at", "id", "node", "nodes", "for", "ratio"}, what); break;
    case FaultKind::kClockStep: CheckObject(j, path, {"kind", "at", "id", "node", "nodes", "by"}, what); break;
    case FaultKind::kClockDrift: CheckObject(j, path, {"kind", "at", "id", "node", "nodes", "for", "driftPpm"}, what); break;
    case FaultKind::kClockSlew: CheckObject(j, path, {"kind", "at", "id", "node", "nodes", "by", "ratePpm"}, what); break;
    case FaultKind::kApiServerOutage: CheckObject(j, path, {"kind", "at", "id", "for", "mode"}, what); break;
    case FaultKind::kApiServerErrors: CheckObject(j, path, {"kind", "at", "id", "for", "code", "ratio", "retryAfter"}, what); break;
    case FaultKind::kApiServerLatency: CheckObject(j, path, {"kind", "at", "id", "for", "latency"}, what); break;
    case FaultKind::kApiServerThrottle: CheckObject(j, path, {"kind", "at", "id", "for", "qps", "burst", "retryAfter"}, what); break;
  }
  f.at = NonNegDur(Require(j, path, "at"), Key(path, "at"));
  if (f.at > run) {
    Fail(Key(path, "at"), fmt::format("fault at {} is outside the run (duration {})", FormatGoDuration(f.at),
                                      FormatGoDuration(run)));
  }
  f.id = fmt::format("f{}-{}", index, kind_s);
  if (const json* v = Find(j, "id")) f.id = Str(*v, Key(path, "id"));
  if (const json* v = Find(j, "for")) f.for_ = PosDur(*v, Key(path, "for"));
  if (IsNodeFault(f.kind)) {
    const json* one = Find(j, "node");
    const json* many = Find(j, "nodes");
    if (one && many) Fail(path, "give either \"node\" or \"nodes\", not both");
    if (!one && !many) Fail(path, fmt::format("missing required key \"node\" (or \"nodes\"){}", what));
    if (one) f.nodes.push_back(FaultNodeRef(*one, Key(path, "node"), names));
    if (many) {
      const std::string np = Key(path, "nodes");
      if (!many->is_array() || many->empty()) Fail(np, fmt::format("expected a non-empty array of node names, got {}", TypeName(*many)));
      for (size_t i = 0; i < many->size(); ++i) f.nodes.push_back(FaultNodeRef((*many)[i], Idx(np, i), names));
    }
  }
  auto req = [&](std::string_view k) -> const json& { return Require(j, path, k); };
  switch (f.kind) {
    case FaultKind::kRestart:
      if (const json* v = Find(j, "identity")) {
        f.identity = Str(*v, Key(path, "identity"));
        if (auto e = IdentityError(*f.identity)) Fail(Key(path, "identity"), *e);
      }
      if (const json* v = Find(j, "binaryVersion")) f.binary_version = ParseVersionKey(*v, Key(path, "binaryVersion"));
      if (const json* v = Find(j, "emulationVersion")) f.emulation_version = ParseVersionKey(*v, Key(path, "emulationVersion"));
      break;
    case FaultKind::kPause:
      if (!f.for_) Fail(path, "missing required key \"for\" for a pause fault (how long the process is paused)");
      break;
    case FaultKind::kPartition:
      if (const json* v = Find(j, "mode")) {
        std::string m = Str(*v, Key(path, "mode"));
        if (m == "symmetric") f.partition_mode = PartitionMode::kSymmetric;
        else if (m == "requests") f.partition_mode = PartitionMode::kRequests;
        else if (m == "responses") f.partition_mode = PartitionMode::kResponses;
        else Fail(Key(path, "mode"), fmt::format("expected \"symmetric\", \"requests\" or \"responses\", got {}", QuoteInput(m)));
      }
      break;
    case FaultKind::kLatency: f.delay = Dist(req("delay"), Key(path, "delay")); break;
    case FaultKind::kLoss: f.ratio = Ratio(req("ratio"), Key(path, "ratio")); break;
    case FaultKind::kClockStep: f.by = Dur(req("by"), Key(path, "by")); break;
    case FaultKind::kClockDrift:
      f.drift_ppm = IntIn(req("driftPpm"), Key(path, "driftPpm"), -kMaxDriftPpm, kMaxDriftPpm);
      break;
    case FaultKind::kClockSlew:
      f.by = Dur(req("by"), Key(path, "by"));
      f.rate_ppm = IntIn(req("ratePpm"), Key(path, "ratePpm"), 1, kMaxDriftPpm);
      break;
    case FaultKind::kApiServerOutage:
      if (const json* v = Find(j, "mode")) {
        std::string m = Str(*v, Key(path, "mode"));
        if (m == "drop") f.outage_mode = OutageMode::kDrop;
        else if (m == "refuse") f.outage_mode = OutageMode::kRefuse;
        else Fail(Key(path, "mode"), fmt::format("expected \"drop\" or \"refuse\", got {}", QuoteInput(m)));
      }
      break;
    case FaultKind::kApiServerErrors:
      f.ratio = Ratio(req("ratio"), Key(path, "ratio"));
      if (const json* v = Find(j, "code")) {
        f.code = ErrorCode(*v, Key(path, "code"));
      }
      // Retry-After on the 5xx (client-go's rest client retries any 5xx carrying it).
      if (const json* v = Find(j, "retryAfter")) f.error_retry_after = PosDur(*v, Key(path, "retryAfter"));
      break;
    case FaultKind::kApiServerLatency: f.delay = Dist(req("latency"), Key(path, "latency")); break;
    case FaultKind::kApiServerThrottle: {
      f.qps = NonNegNumber(req("qps"), Key(path, "qps"));
      if (f.qps <= 0) Fail(Key(path, "qps"), "must be greater than 0");
      f.burst = Burst(Find(j, "burst"), f.qps, Key(path, "burst"));
      if (const json* v = Find(j, "retryAfter")) f.retry_after = NonNegDur(*v, Key(path, "retryAfter"));
      break;
    }
    case FaultKind::kCrash:
    case FaultKind::kStop:
      break;
  }
  return f;
}

// FaultRef resolves `after`: a fault index, a fault id, or the first fault of a kind.
int FaultRef(const json& j, const std::string& path, const std::vector<FaultSpec>& faults) {
  if (j.is_number_integer()) {
    int64_t i = Int(j, path);
    if (i < 0 || i >= static_cast<int64_t>(faults.size())) {
      Fail(path, fmt::format("no fault with index {} (the scenario has {} fault(s))", i, faults.size()));
    }
    return static_cast<int>(i);
  }
  if (!j.is_string()) Fail(path, fmt::format("expected a fault index, id or kind, got {}", TypeName(j)));
  const std::string s = j.get<std::string>();
  for (const FaultSpec& f : faults) {
    if (f.id == s) return f.index;
  }
  for (const FaultSpec& f : faults) {
    if (FaultKindName(f.kind) == s) return f.index;
  }
  Fail(path, fmt::format("no fault with id or kind {}", QuoteInput(s)));
}

Expectation ParseExpect(const json& j, const std::string& path, int index, const std::vector<FaultSpec>& faults,
                        const std::set<std::string>& names, const std::set<std::string>& identities) {
  if (!j.is_object()) Fail(path, fmt::format("expected an object, got {}", TypeName(j)));
  const std::string kind_s = Str(Require(j, path, "kind"), Key(path, "kind"));
  auto kind = ParseExpectKind(kind_s);
  if (!kind) {
    Fail(Key(path, "kind"), fmt::format("unknown expectation kind {} (known: {})", QuoteInput(kind_s),
                                        fmt::join(AllExpectKindNames(), ", ")));
  }
  Expectation e;
  e.index = index;
  e.kind = *kind;
  const std::string what = fmt::format(" for a {} expectation", kind_s);
  auto req = [&](std::string_view k) -> const json& { return Require(j, path, k); };
  switch (e.kind) {
    case ExpectKind::kCluster: break;  // never parsed here (ParseExpectKind does not return it)
    case ExpectKind::kNoSplitBrain: CheckObject(j, path, {"kind"}, what); break;
    case ExpectKind::kSplitBrainAtLeast:
    case ExpectKind::kSplitBrainAtMost:
    case ExpectKind::kNoLeaderAtLeast:
    case ExpectKind::kOldestEmulationViolationAtMost:
    case ExpectKind::kOldestEmulationViolationAtLeast:
      CheckObject(j, path, {"kind", "total"}, what);
      e.total = NonNegDur(req("total"), Key(path, "total"));
      break;
    case ExpectKind::kLeaderWithin:
      CheckObject(j, path, {"kind", "after", "within"}, what);
      e.after_fault = FaultRef(req("after"), Key(path, "after"), faults);
      e.within = NonNegDur(req("within"), Key(path, "within"));
      break;
    case ExpectKind::kFailoverAtMost:
    case ExpectKind::kHandoverAtMost:
      CheckObject(j, path, {"kind", "within"}, what);
      e.within = NonNegDur(req("within"), Key(path, "within"));
      break;
    case ExpectKind::kNoLeaderAtMost:
      CheckObject(j, path, {"kind", "maxGap", "after"}, what);
      e.max_gap = NonNegDur(req("maxGap"), Key(path, "maxGap"));
      if (const json* v = Find(j, "after")) e.after_time = NonNegDur(*v, Key(path, "after"));
      break;
    case ExpectKind::kTransitionsAtMost:
    case ExpectKind::kTransitionsAtLeast:
      CheckObject(j, path, {"kind", "count"}, what);
      e.count = IntIn(req("count"), Key(path, "count"), 0, INT64_MAX);
      break;
    case ExpectKind::kLeaderAtEnd:
      CheckObject(j, path, {"kind", "identity"}, what);
      if (const json* v = Find(j, "identity")) {
        e.identity = Str(*v, Key(path, "identity"));
        if (!identities.count(*e.identity)) {
          Fail(Key(path, "identity"), fmt::format("no candidate has identity {}", QuoteInput(*e.identity)));
        }
      }
      break;
    case ExpectKind::kLogContains:
      CheckObject(j, path, {"kind", "node", "text"}, what);
      if (const json* v = Find(j, "node")) e.node = NodeRef(*v, Key(path, "node"), names);
      e.text = Str(req("text"), Key(path, "text"));
      break;
    case ExpectKind::kHealthzUnhealthyWithin:
      CheckObject(j, path, {"kind", "node", "after", "within"}, what);
      e.node = NodeRef(req("node"), Key(path, "node"), names);
      e.after_fault = FaultRef(req("after"), Key(path, "after"), faults);
      e.within = NonNegDur(req("within"), Key(path, "within"));
      break;
    case ExpectKind::kWatchEventsPerSecondAtMost:
    case ExpectKind::kWatchEventsPerSecondAtLeast:
      CheckObject(j, path, {"kind", "resource", "rate"}, what);
      if (const json* v = Find(j, "resource")) {
        e.resource = Str(*v, Key(path, "resource"));
        if (*e.resource != "leases" && *e.resource != "configmaps" && *e.resource != "endpoints") {
          Fail(Key(path, "resource"),
               fmt::format("expected \"leases\", \"configmaps\" or \"endpoints\", got {}", QuoteInput(*e.resource)));
        }
      }
      e.rate = NonNegNumber(req("rate"), Key(path, "rate"));
      break;
    case ExpectKind::kApiRequestsPerSecondAtMost:
    case ExpectKind::kApiRequestsPerSecondAtLeast:
      CheckObject(j, path, {"kind", "verb", "rate"}, what);
      if (const json* v = Find(j, "verb")) {
        e.verb = Str(*v, Key(path, "verb"));
        if (*e.verb != "get" && *e.verb != "create" && *e.verb != "update") {
          Fail(Key(path, "verb"), fmt::format("expected \"get\", \"create\" or \"update\", got {}", QuoteInput(*e.verb)));
        }
      }
      e.rate = NonNegNumber(req("rate"), Key(path, "rate"));
      break;
  }
  return e;
}

// InitialLease reads "initialLease": a Lease as `kubectl get lease NAME -n NS -o yaml`
// (or -o json) prints it, the lock's state when the run starts. The lock must be of kind
// "leases" and the Lease must be that lock (metadata.name and namespace, when given);
// status fields the API server owns (resourceVersion, uid, managedFields) are ignored.
core::Lease InitialLease(const json& j, const std::string& path, const core::LockConfig& lock) {
  if (!j.is_object()) Fail(path, fmt::format("expected a Lease object (kubectl get lease NAME -o yaml), got {}", TypeName(j)));
  if (lock.kind != core::LockKind::kLeases) {
    Fail(path, fmt::format("needs the lock kind \"leases\" ($.lock.kind is \"{}\")", core::LockKindName(lock.kind)));
  }
  json lease = j;
  if (!lease.contains("kind")) Fail(path, "expected a Lease: \"kind\": \"Lease\" is missing");
  if (lease["kind"] != "Lease") {
    Fail(Key(path, "kind"), fmt::format("expected \"Lease\", got {}", lease["kind"].dump()));
  }
  core::Object obj;
  if (std::string err = core::FromJson(lease, obj); !err.empty()) {
    // core::FromJson names the field ("spec.leaseDurationSeconds: expected ..."): under $.initialLease.
    const size_t colon = err.find(": ");
    const std::string field = colon == std::string::npos ? "" : err.substr(0, colon);
    if (!field.empty() && field.find(' ') == std::string::npos) Fail(path + "." + field, err.substr(colon + 2));
    Fail(path, err);
  }
  core::Lease out = std::get<core::Lease>(obj);
  core::ObjectMeta& m = out.metadata;
  const std::string mp = Key(path, "metadata");
  if (m.name.empty()) m.name = lock.name;
  if (m.namespace_.empty()) m.namespace_ = lock.namespace_;
  if (m.name != lock.name) {
    Fail(Key(mp, "name"), fmt::format("\"{}\" is not the lock's name \"{}\" ($.lock.name)", m.name, lock.name));
  }
  if (m.namespace_ != lock.namespace_) {
    Fail(Key(mp, "namespace"),
         fmt::format("\"{}\" is not the lock's namespace \"{}\" ($.lock.namespace)", m.namespace_, lock.namespace_));
  }
  if (out.spec.leaseDurationSeconds && *out.spec.leaseDurationSeconds <= 0) {
    Fail(Key(Key(path, "spec"), "leaseDurationSeconds"),
         fmt::format("must be greater than 0, got {}", *out.spec.leaseDurationSeconds));
  }
  m.resourceVersion.clear();
  m.uid.clear();
  return out;
}

Scenario Parse(const json& root, std::string_view file, const StreamedArray& streamed_faults) {
  const std::string $ = "$";
  CheckObject(root, $,
              {"name", "description", "seed", "duration", "clientGo", "lock", "timings", "defaults", "candidates",
               "candidateCount", "startSpread", "network", "apiserver", "faults", "expect", "coordination",
               "cluster", "initialLease"});
  Scenario s;
  s.file = std::string(file);
  s.name = std::filesystem::path(s.file).stem().string();
  if (const json* v = Find(root, "name")) s.name = Str(*v, "$.name");
  if (const json* v = Find(root, "description")) s.description = Str(*v, "$.description");
  if (const json* v = Find(root, "seed")) s.seed = Uint(*v, "$.seed");
  if (const json* v = Find(root, "duration")) s.duration = PosDur(*v, "$.duration");

  // The candidate template: built-in defaults, then top-level clientGo, lock, timings,
  // then "defaults".
  CandidateDraft base;
  if (const json* v = Find(root, "clientGo")) base.profile = Profile(*v, "$.clientGo", &base.client_go);
  else base.profile = *core::VersionProfile::Parse(base.client_go);
  s.client_go = base.client_go;
  base.config.lock = core::LockConfig{.kind = core::LockKind::kLeases, .namespace_ = "default", .name = "leasesim",
                                      .identity = "", .labels = {}};
  if (const json* v = Find(root, "lock")) ApplyLock(*v, "$.lock", base.config.lock);
  s.lock = base.config.lock;
  if (const json* v = Find(root, "initialLease")) s.initial_lease = InitialLease(*v, "$.initialLease", s.lock);
  if (const json* v = Find(root, "timings")) {
    CheckObject(*v, "$.timings", {"leaseDuration", "renewDeadline", "retryPeriod"});
    ApplyTimings(*v, "$.timings", base.config);
  }
  if (const json* v = Find(root, "defaults")) ApplyCandidate(*v, "$.defaults", base, /*is_defaults=*/true);

  const json* cands = Find(root, "candidates");
  const json* count = Find(root, "candidateCount");
  const json* spread = Find(root, "startSpread");
  if (cands && count) Fail("$.candidateCount", "give either \"candidates\" or \"candidateCount\", not both");
  if (spread && !count) Fail("$.startSpread", "only meaningful with \"candidateCount\"");
  if (cands) {
    if (!cands->is_array()) {
      Fail("$.candidates", fmt::format("expected a non-empty array of candidates, got {}", TypeName(*cands)));
    }
    if (cands->empty()) Fail("$.candidates", "is empty: give at least one candidate");
    std::set<std::string> seen;
    s.candidates.reserve(cands->size());
    for (size_t i = 0; i < cands->size(); ++i) {
      const std::string p = Idx("$.candidates", i);
      CandidateDraft d = base;
      ApplyCandidate((*cands)[i], p, d, /*is_defaults=*/false);
      if (!d.name) Fail(p, "missing required key \"name\"");
      if (!seen.insert(*d.name).second) Fail(Key(p, "name"), fmt::format("duplicate node name {}", QuoteInput(*d.name)));
      s.candidates.push_back(Finish(std::move(d), p));
    }
  } else if (count) {
    const int64_t n = IntIn(*count, "$.candidateCount", 1, 100'000);
    const Duration sp = spread ? NonNegDur(*spread, "$.startSpread") : Duration{0};
    // Both terms are at most kMaxFileDuration, so the sum cannot overflow; it must still
    // be a start leasesim can simulate (issue 15, item 10).
    if (base.start + sp > kMaxFileDuration) {
      Fail("$.startSpread", fmt::format("the last candidate would start at {} + {}, beyond {} (10 years)",
                                        FormatGoDuration(base.start), FormatGoDuration(sp),
                                        FormatGoDuration(kMaxFileDuration)));
    }
    s.candidates.reserve(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) {
      CandidateDraft d = base;
      d.name = fmt::format("c{}", i);
      // Even spread over [start, start + startSpread): deterministic, no randomness.
      d.start = base.start + Duration{static_cast<int64_t>(static_cast<__int128>(sp.count()) * i / n)};
      s.candidates.push_back(Finish(std::move(d), "$.defaults"));
    }
  } else {
    Fail($, "missing required key \"candidates\" (or \"candidateCount\")");
  }
  std::set<std::string> names, identities;
  for (const CandidateSpec& c : s.candidates) {
    names.insert(c.name);
    identities.insert(c.identity);
  }

  if (const json* v = Find(root, "network")) {
    CheckObject(*v, "$.network", {"delay", "requestDelay", "responseDelay", "loss", "nodes"});
    ApplyPath(*v, "$.network", s.network.defaults);
    if (const json* nodes = Find(*v, "nodes")) {
      const std::string np = "$.network.nodes";
      if (!nodes->is_object()) Fail(np, fmt::format("expected an object keyed by node name, got {}", TypeName(*nodes)));
      for (const auto& [node, ov] : nodes->items()) {
        const std::string p = Key(np, node);
        if (!names.count(node)) Fail(p, fmt::format("unknown node {}: no candidate has that name", QuoteInput(node)));
        CheckObject(ov, p, {"delay", "requestDelay", "responseDelay", "loss"});
        NetworkPathSpec path = s.network.defaults;
        ApplyPath(ov, p, path);
        s.network.nodes[node] = path;
      }
    }
  }
  if (const json* v = Find(root, "apiserver")) {
    const std::string ap = "$.apiserver";
    CheckObject(*v, ap, {"latency", "maxInflight", "qps", "burst", "retryAfter", "errorRatio", "errorCode", "watchers",
                         "writeAckLatency", "writeAckLatencyPerInflight", "apf", "backgroundClients"});
    ApiServerSpec& a = s.apiserver;
    if (const json* w = Find(*v, "writeAckLatency")) a.write_ack_latency = Dist(*w, Key(ap, "writeAckLatency"));
    if (const json* w = Find(*v, "writeAckLatencyPerInflight"))
      a.write_ack_latency_per_inflight = NonNegDur(*w, Key(ap, "writeAckLatencyPerInflight"));
    if (const json* w = Find(*v, "latency")) a.latency = Dist(*w, Key(ap, "latency"));
    if (const json* w = Find(*v, "maxInflight")) a.max_inflight = IntIn(*w, Key(ap, "maxInflight"), 0, INT64_MAX);
    if (const json* w = Find(*v, "qps")) a.qps = NonNegNumber(*w, Key(ap, "qps"));
    a.burst = Burst(Find(*v, "burst"), a.qps, Key(ap, "burst"));
    if (const json* w = Find(*v, "retryAfter")) a.retry_after = NonNegDur(*w, Key(ap, "retryAfter"));
    if (const json* w = Find(*v, "errorRatio")) a.error_ratio = Ratio(*w, Key(ap, "errorRatio"));
    if (const json* w = Find(*v, "errorCode")) {
      a.error_code = ErrorCode(*w, Key(ap, "errorCode"));
    }
    if (const json* w = Find(*v, "watchers")) {
      const std::string wp = Key(ap, "watchers");
      CheckObject(*w, wp, {"configmaps", "endpoints", "leases"});
      for (const auto& [k, val] : w->items()) a.watchers[k] = IntIn(val, Key(wp, k), 0, INT64_MAX);
    }
    if (const json* w = Find(*v, "apf")) {
      a.apf = ParseApfSpec(*w, Key(ap, "apf"));
      if (a.apf->enabled && a.max_inflight > 0)
        Fail(Key(ap, "maxInflight"), "APF replaces the max-in-flight filter: set apf.serverConcurrencyLimit instead");
    }
    if (const json* w = Find(*v, "backgroundClients"))
      a.background_clients = ParseBackgroundClients(*w, Key(ap, "backgroundClients"), s.duration);
  }
  // Coordinated leader election: API server instances may be named by node faults.
  std::set<std::string> fault_names = names;
  if (const json* v = Find(root, "coordination")) s.coordination = ParseCoordinationSpec(*v, "$.coordination");
  for (const CandidateSpec& c : s.candidates) {
    if (!s.coordination && (c.config.coordinated || !c.binary_version.empty())) s.coordination = CoordinationSpec{{"kube-apiserver-0"}, {}, std::chrono::milliseconds(1)};
  }
  if (s.coordination) {
    for (const std::string& a : s.coordination->apiservers) {
      if (names.count(a)) Fail("$.coordination.apiservers", fmt::format("\"{}\" is also a candidate name", a));
      fault_names.insert(a);
    }
  }
  if (const json* v = Find(root, "faults")) {
    if (!v->is_array()) Fail("$.faults", fmt::format("expected an array, got {}", TypeName(*v)));
    // The parser streamed the elements out of the DOM (StreamedArray, issue 15 item 16):
    // one element at a time is a DOM again.
    const bool streamed = v->empty() && streamed_faults.size() > 0;
    const size_t n = streamed ? streamed_faults.size() : v->size();
    s.faults.reserve(n);
    // Views into s.faults (reserved above, so never moved); only looked up, never iterated.
    std::unordered_set<std::string_view> ids;
    ids.reserve(n);
    Duration clock_moves{0};
    for (size_t i = 0; i < n; ++i) {
      const std::string p = Idx("$.faults", i);
      s.faults.push_back(ParseFault(streamed ? streamed_faults.At(i) : (*v)[i], p, static_cast<int>(i), s.duration, fault_names));
      if (!ids.insert(s.faults.back().id).second) Fail(Key(p, "id"), fmt::format("duplicate fault id {}", QuoteInput(s.faults.back().id)));
      // A node's wall clock is its offset plus every step and slew it gets: bounded so
      // that it stays a 64-bit count of ns (issue 15, item 10).
      const FaultSpec& f = s.faults.back();
      if (f.kind == FaultKind::kClockStep || f.kind == FaultKind::kClockSlew) {
        clock_moves += f.by < Duration{0} ? -f.by : f.by;
        if (clock_moves > kMaxFileDuration) {
          Fail(Key(p, "by"), fmt::format("the clock steps and slews of this scenario add up to more than {} (10 years)",
                                         FormatGoDuration(kMaxFileDuration)));
        }
      }
    }
  }
  // A restart may give a node a new identity: expectations may name it too.
  for (const FaultSpec& f : s.faults) {
    if (f.identity) identities.insert(*f.identity);
  }
  if (const json* v = Find(root, "expect")) {
    if (!v->is_array()) Fail("$.expect", fmt::format("expected an array, got {}", TypeName(*v)));
    for (size_t i = 0; i < v->size(); ++i) {
      s.expect.push_back(ParseExpect((*v)[i], Idx("$.expect", i), static_cast<int>(i), s.faults, names, identities));
    }
  }
  if (const json* v = Find(root, "cluster")) s.cluster = std::make_shared<const ClusterSpec>(ParseClusterSpec(*v, "$.cluster", s));
  return s;
}

}  // namespace

// Port of IsDNS1123Subdomain (k8s.io/apimachinery/pkg/util/validation/validation.go):
// at most 253 characters, dot-separated labels of [a-z0-9] and '-' that start and end
// with an alphanumeric; the messages are Kubernetes' own.
std::optional<std::string> NodeNameError(std::string_view name) {
  constexpr size_t kDNS1123SubdomainMaxLength = 253;
  if (name.empty()) return "must not be empty";
  if (name.size() > kDNS1123SubdomainMaxLength) {
    return fmt::format("must be no more than {} characters (it has {})", kDNS1123SubdomainMaxLength, name.size());
  }
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  bool ok = true;
  size_t start = 0;
  while (ok && start <= name.size()) {
    size_t end = name.find('.', start);
    if (end == std::string_view::npos) end = name.size();
    const std::string_view label = name.substr(start, end - start);
    ok = !label.empty() && alnum(label.front()) && alnum(label.back()) &&
         std::all_of(label.begin(), label.end(), [&](char c) { return alnum(c) || c == '-'; });
    start = end + 1;
  }
  if (ok) return std::nullopt;
  return fmt::format("{}: a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' "
                     "or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex "
                     "used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
                     QuoteInput(name));
}

std::optional<std::string> IdentityError(std::string_view identity) {
  if (identity.size() > kMaxIdentityBytes) {
    return fmt::format("must be no more than {} bytes (it has {})", kMaxIdentityBytes, identity.size());
  }
  for (char c : identity) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) return fmt::format("{}: must not contain control characters", QuoteInput(identity));
  }
  return std::nullopt;
}

std::string_view FaultKindName(FaultKind k) { return kFaultNames[static_cast<size_t>(k)]; }

std::optional<FaultKind> ParseFaultKind(std::string_view name) {
  for (size_t i = 0; i < kFaultNames.size(); ++i) {
    if (kFaultNames[i] == name) return static_cast<FaultKind>(i);
  }
  return std::nullopt;
}

std::optional<FaultRole> ParseFaultRole(std::string_view name) {
  if (name == "@leader") return FaultRole::kLeader;
  if (name == "@follower") return FaultRole::kFollower;
  if (name == "@any") return FaultRole::kAny;
  return std::nullopt;
}

bool IsNodeFault(FaultKind k) {
  switch (k) {
    case FaultKind::kApiServerOutage:
    case FaultKind::kApiServerErrors:
    case FaultKind::kApiServerLatency:
    case FaultKind::kApiServerThrottle:
      return false;
    default:
      return true;
  }
}

std::optional<Scenario> ParseScenario(std::string_view text, std::string_view file, std::string* err) {
  json root;
  std::optional<Document> yaml;  // .yaml/.yml files (sim/document_input.h): errors give the line
  StreamedArray faults{.key = "faults", .bytes = {}, .ends = {}};
  if (IsYamlPath(file)) {
    if (!(yaml = ParseYaml(text, file, err))) return std::nullopt;
    root = std::move(yaml->root);
  } else if (!ParseInputJson(text, file, &root, err, &faults)) {
    return std::nullopt;
  }
  try {
    return Parse(root, file, faults);
  } catch (const BadInput& b) {
    // Paths and problems quote input through QuoteInput already; escaping the whole line
    // again keeps it one line whatever a future message forgets.
    if (err) {
      *err = fmt::format("{}: {}: {}", EscapeInput(yaml ? yaml->Where(file, b.path) : std::string(file), 4096), b.path,
                         EscapeInput(b.problem, 4096));
    }
    return std::nullopt;
  } catch (const nlohmann::json::exception& e) {
    if (err) *err = fmt::format("{}: $: invalid input: {}", EscapeInput(file, 4096), EscapeInput(e.what(), 400));
    return std::nullopt;
  }
}

std::optional<Scenario> LoadScenarioFile(const std::filesystem::path& path, std::string* err) {
  std::string text;
  if (!ReadInputFile(path, &text, err)) return std::nullopt;
  return ParseScenario(text, path.string(), err);
}

std::vector<FaultMark> FaultMarksOf(const Scenario& s) {
  std::vector<FaultMark> out;
  for (const FaultSpec& f : s.faults) {
    out.push_back({f.index, std::string(FaultKindName(f.kind)), kTrueEpoch + f.at, f.nodes});
  }
  std::stable_sort(out.begin(), out.end(), [](const FaultMark& a, const FaultMark& b) { return a.at < b.at; });
  return out;
}

}  // namespace leasesim::sim
