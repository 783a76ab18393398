// synthetic_trace.cc — a small event-driven model of client-go leader election that
// writes leasesim-trace/1 traces (see synthetic_trace.h). It is a stand-in for the real
// simulator, faithful in shape and timing, not a port: the real port lives in core/.
#include "viz/synthetic_trace.h"

#include <algorithm>
#include <chrono>
#include <limits>
#include <optional>
#include <queue>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/prng.h"

namespace leasesim::viz {
namespace {

constexpr int64_t kMs = 1'000'000;
constexpr int64_t kS = 1'000'000'000;
constexpr int64_t kEpochWallNs = 1'767'225'600LL * kS;  // 2026-01-01T00:00:00Z

std::string Quote(std::string_view s) { return nlohmann::json(std::string(s)).dump(); }

// StoredLease is the fake API server's Lease (and what a client last saw of it).
struct StoredLease {
  std::string holder;
  int lease_duration_s = 0;
  int64_t acquire_wall = 0;
  int64_t renew_wall = 0;
  int transitions = 0;
  uint64_t rv = 0;
  int64_t created_wall = 0;
};

// RawRecord is json.Marshal(LeaderElectionRecord): 7 keys, times at second precision.
std::string RawRecord(const StoredLease& l) {
  return fmt::format(
      R"({{"holderIdentity":{},"leaseDurationSeconds":{},"acquireTime":"{}","renewTime":"{}",)"
      R"("leaderTransitions":{},"strategy":"","preferredHolder":""}})",
      Quote(l.holder), l.lease_duration_s, FormatRFC3339Seconds(l.acquire_wall),
      FormatRFC3339Seconds(l.renew_wall), l.transitions);
}

// LeaseJson is the coordination.k8s.io/v1 Lease as the API server returns it (Go struct
// field order).
std::string LeaseJson(const StoredLease& l, const TraceHeader& h) {
  return fmt::format(
      R"({{"kind":"Lease","apiVersion":"coordination.k8s.io/v1","metadata":{{"name":{},)"
      R"("namespace":{},"uid":"6f0c1a52-8d1e-4c8e-9a43-0b7c1e2d3f40","resourceVersion":"{}",)"
      R"("creationTimestamp":"{}"}},"spec":{{"holderIdentity":{},"leaseDurationSeconds":{},)"
      R"("acquireTime":"{}","renewTime":"{}","leaseTransitions":{}}}}})",
      Quote(h.lock_name), Quote(h.lock_namespace), l.rv, FormatRFC3339Seconds(l.created_wall),
      Quote(l.holder), l.lease_duration_s, FormatRFC3339Micros(l.acquire_wall),
      FormatRFC3339Micros(l.renew_wall), l.transitions);
}

// FaultSpec is a scheduled fault of the synthetic world.
struct FaultSpec {
  enum Kind { kPartition, kRestart, kCrash } kind;
  int node;
  TimeNs start;
  TimeNs end;  // partitions only
};

// Election runs candidates against one fake API server on true time.
class Election {
 public:
  struct Options {
    TraceHeader header;
    std::vector<SyntheticClock> clocks;
    std::vector<TimeNs> start_ns;
    std::vector<FaultSpec> faults;
    uint64_t seed = 0;
    TimeNs end_ns = 0;
    uint64_t max_events = 0;        // stop early once this many events are written (0: no)
    TimeNs auto_restart_ns = -1;    // restart a stopped node after this long (-1: never)
    TimeNs dynamic_fault_every_ns = 0;  // crash or partition the current leader periodically
    TimeNs act_stop_delay_ns = 800 * kMs;
  };

  explicit Election(Options o)
      : o_(std::move(o)),
        w_(o_.header, o_.clocks),
        latency_(core::Prng::Stream(o_.seed, "synthetic/latency")),
        faults_rng_(core::Prng::Stream(o_.seed, "synthetic/faults")) {
    const size_t n = o_.header.nodes.size();
    nodes_.resize(n);
    for (size_t i = 0; i < n; ++i) {
      nodes_[i].jitter = core::Prng::Stream(o_.seed, "synthetic/jitter/" + o_.header.nodes[i].node);
    }
  }

  std::string Run() {
    for (size_t i = 0; i < nodes_.size(); ++i) {
      const SyntheticClock& c = o_.clocks[i];
      if (c.offset_ns != 0 || c.drift_ppm != 0) {
        Emit(0, static_cast<int>(i), "clock",
             fmt::format(R"("offset_ns":{},"drift_ppm":{})", c.offset_ns, c.drift_ppm));
        if (c.drift_ppm != 0) {
          Emit(0, -1, "fault",
               fmt::format(R"("fault":"clock_drift","phase":"begin","nodes":[{}],"params":{{"drift_ppm":{}}})",
                           Quote(o_.header.nodes[i].node), c.drift_ppm));
          drift_end_.push_back(static_cast<int>(i));
        }
      }
      Schedule(o_.start_ns[i], kRestart, static_cast<int>(i), 0);
    }
    for (size_t f = 0; f < o_.faults.size(); ++f) {
      Schedule(o_.faults[f].start, kFault, -1, f);
      if (o_.faults[f].kind == FaultSpec::kPartition) Schedule(o_.faults[f].end, kFaultEnd, -1, f);
    }
    if (o_.dynamic_fault_every_ns > 0) Schedule(o_.dynamic_fault_every_ns, kDynamicFault, -1, 0);
    TimeNs end = o_.end_ns;
    while (!queue_.empty()) {
      Action a = queue_.top();
      if (a.t >= o_.end_ns) break;
      if (o_.max_events && w_.size() >= o_.max_events) {
        end = a.t;
        break;
      }
      queue_.pop();
      now_ = a.t;
      Dispatch(a);
    }
    Close(end);
    return w_.Finish();
  }

 private:
  enum ActionKind { kTick, kServe, kRespond, kTimeout, kDeadline, kActStart, kActStop, kRestart,
                    kFault, kFaultEnd, kDynamicFault };
  struct Action {
    TimeNs t;
    uint64_t order;
    ActionKind kind;
    int node;
    uint64_t arg;  // request id, fault index or generation
  };
  struct Later {
    bool operator()(const Action& a, const Action& b) const {
      return a.t != b.t ? a.t > b.t : a.order > b.order;
    }
  };
  enum Purpose { kAcquireGet, kAcquireWrite, kRenew };
  struct Request {
    uint64_t id;
    int node;
    uint64_t gen;
    std::string verb;
    Purpose purpose;
    StoredLease proposed;
    uint64_t sent_rv = 0;
    bool done = false;
    int code = 0;
    std::string reason;
    StoredLease result;
  };
  struct NodeRt {
    NodeState state = NodeState::kStopped;
    uint64_t gen = 1;
    bool leading = false;
    bool acting = false;
    TimeNs acting_since = 0;
    std::string observed_raw;
    int64_t observed_mono = 0;
    std::string reported_leader;
    StoredLease cached;
    bool have_cached = false;
    TimeNs cycle_start = 0;
    TimeNs deadline = 0;
    uint64_t cycle = 0;
    int64_t inflight = -1;
    core::Prng jitter{0};
  };

  const NodeConfig& Cfg(int n) const { return o_.header.nodes[n]; }
  // LocalToTrue converts a duration on node n's clocks to true time (its clock may run fast).
  TimeNs LocalToTrue(int n, int64_t local) const {
    return local * 1'000'000 / (1'000'000 + o_.clocks[n].drift_ppm);
  }
  void Schedule(TimeNs t, ActionKind k, int node, uint64_t arg) {
    queue_.push({t, order_++, k, node, arg});
  }
  void Emit(TimeNs t, int node, std::string_view ev, std::string fields) {
    w_.Add(t, node, ev, std::move(fields));
  }
  void SetState(int n, NodeState s) {
    if (nodes_[n].state == s) return;
    nodes_[n].state = s;
    Emit(now_, n, "state", fmt::format(R"("state":"{}")", NodeStateName(s)));
  }
  void SetActing(int n, bool on) {
    NodeRt& r = nodes_[n];
    if (r.acting == on) return;
    r.acting = on;
    if (on) r.acting_since = now_;
    else acting_log_.push_back({r.acting_since, now_, n});
    Emit(now_, n, "acting", fmt::format(R"("acting":{})", on ? "true" : "false"));
  }
  bool Partitioned(int n, TimeNs t) const {
    for (const auto& p : partitions_) {
      if (p.node == n && t >= p.start && t < p.end) return true;
    }
    return false;
  }
  TimeNs Latency() { return kMs + static_cast<TimeNs>(latency_.Uniform(3 * kMs)); }
  std::string LockName() const {
    return o_.header.lock_namespace + "/" + o_.header.lock_name;
  }
  void Log(int n, std::string_view level, const std::string& text) {
    Emit(now_, n, "log", fmt::format(R"("level":"{}","text":{})", level, Quote(text)));
  }

  void Dispatch(const Action& a) {
    switch (a.kind) {
      case kTick: if (a.arg == nodes_[a.node].gen) Tick(a.node); break;
      case kServe: Serve(requests_[a.arg]); break;
      case kRespond: Respond(requests_[a.arg], false); break;
      case kTimeout: Respond(requests_[a.arg], true); break;
      case kDeadline: Deadline(a.node, a.arg); break;
      case kActStart:
        if (a.arg == nodes_[a.node].gen && nodes_[a.node].leading) SetActing(a.node, true);
        break;
      case kActStop: if (!nodes_[a.node].leading) SetActing(a.node, false); break;
      case kRestart: Restart(a.node); break;
      case kFault: BeginFault(o_.faults[a.arg]); break;
      case kFaultEnd: EndPartition(o_.faults[a.arg]); break;
      case kDynamicFault:
        if (a.node == -1) DynamicFault();
        else EndDynamicFault(dynamic_[a.arg]);
        break;
    }
  }

  void Restart(int n) {
    NodeRt& r = nodes_[n];
    ++r.gen;
    r.leading = false;
    r.observed_raw.clear();
    r.reported_leader.clear();
    r.have_cached = false;
    r.inflight = -1;
    SetState(n, NodeState::kAcquiring);
    Log(n, "info", fmt::format("attempting to acquire leader lease {}...", LockName()));
    Schedule(now_, kTick, n, r.gen);
  }

  void Crash(int n) {
    NodeRt& r = nodes_[n];
    ++r.gen;
    r.leading = false;
    SetActing(n, false);
    SetState(n, NodeState::kCrashed);
  }

  void BeginFault(const FaultSpec& f) {
    const std::string node = Quote(Cfg(f.node).node);
    switch (f.kind) {
      case FaultSpec::kPartition:
        partitions_.push_back({f.node, f.start, f.end});
        Emit(now_, -1, "fault", fmt::format(R"("fault":"partition","phase":"begin","nodes":[{}],"params":{{"direction":"both"}})", node));
        break;
      case FaultSpec::kRestart:
        Emit(now_, -1, "fault", fmt::format(R"("fault":"restart","phase":"at","nodes":[{}],"params":{{}})", node));
        Restart(f.node);
        break;
      case FaultSpec::kCrash:
        Emit(now_, -1, "fault", fmt::format(R"("fault":"crash","phase":"begin","nodes":[{}],"params":{{}})", node));
        Crash(f.node);
        break;
    }
  }
  void EndPartition(const FaultSpec& f) {
    Emit(now_, -1, "fault", fmt::format(R"("fault":"partition","phase":"end","nodes":[{}],"params":{{"direction":"both"}})",
                                        Quote(Cfg(f.node).node)));
  }

  void DynamicFault() {
    int leader = -1;
    for (size_t i = 0; i < nodes_.size(); ++i) {
      if (nodes_[i].leading) { leader = static_cast<int>(i); break; }
    }
    if (leader >= 0) {
      const bool crash = faults_rng_.Bernoulli(1, 2);
      dynamic_.push_back({crash ? FaultSpec::kCrash : FaultSpec::kPartition, leader, now_,
                          now_ + (crash ? 10 : 40) * kS});
      const size_t f = dynamic_.size() - 1;
      if (crash) {
        BeginFault(dynamic_[f]);
        Schedule(dynamic_[f].end, kDynamicFault, -2, f);  // -2: end of a dynamic crash
      } else {
        BeginFault(dynamic_[f]);
        Schedule(dynamic_[f].end, kDynamicFault, -3, f);  // -3: end of a dynamic partition
      }
    }
    Schedule(now_ + o_.dynamic_fault_every_ns, kDynamicFault, -1, 0);
  }

  void EndDynamicFault(const FaultSpec& f) {
    if (f.kind == FaultSpec::kPartition) {
      EndPartition(f);
      return;
    }
    Emit(now_, -1, "fault", fmt::format(R"("fault":"crash","phase":"end","nodes":[{}],"params":{{}})",
                                        Quote(Cfg(f.node).node)));
    Restart(f.node);
  }

  // Tick is one tryAcquireOrRenew attempt: a get while acquiring, an update while leading.
  void Tick(int n) {
    NodeRt& r = nodes_[n];
    if (r.inflight >= 0) return;
    if (r.leading) {
      StoredLease p = r.cached;
      p.renew_wall = w_.Wall(n, now_);
      Send(n, "update", kRenew, p, r.cached.rv);
    } else {
      Send(n, "get", kAcquireGet, {}, 0);
    }
  }

  void Send(int n, std::string verb, Purpose purpose, StoredLease proposed, uint64_t rv) {
    NodeRt& r = nodes_[n];
    Request q;
    q.id = next_id_++;
    q.node = n;
    q.gen = r.gen;
    q.verb = std::move(verb);
    q.purpose = purpose;
    q.proposed = std::move(proposed);
    q.sent_rv = rv;
    r.inflight = static_cast<int64_t>(q.id);
    Emit(now_, n, "api_request",
         fmt::format(R"("id":{},"verb":"{}","resource":"leases","rv":"{}")", q.id, q.verb,
                     q.verb == "update" ? std::to_string(rv) : ""));
    const TimeNs timeout = LocalToTrue(n, std::max<int64_t>(kS, Cfg(n).renew_deadline_ns / 2));
    if (!Partitioned(n, now_)) Schedule(now_ + Latency(), kServe, n, q.id);
    Schedule(now_ + timeout, kTimeout, n, q.id);
    requests_.push_back(std::move(q));
  }

  // Serve is the fake API server: get / create / compare-and-swap update.
  void Serve(Request& q) {
    std::string lease_field;
    if (q.verb == "get") {
      if (!stored_) { q.code = 404; q.reason = "NotFound"; }
      else { q.code = 200; q.reason = "OK"; q.result = *stored_; }
    } else if (q.verb == "create") {
      if (stored_) { q.code = 409; q.reason = "AlreadyExists"; }
      else {
        q.code = 201; q.reason = "Created";
        stored_ = q.proposed;
        stored_->rv = ++rv_;
        stored_->created_wall = kEpochWallNs + now_;
        q.result = *stored_;
      }
    } else {
      if (!stored_ || stored_->rv != q.sent_rv) { q.code = 409; q.reason = "Conflict"; }
      else {
        q.code = 200; q.reason = "OK";
        const int64_t created = stored_->created_wall;
        stored_ = q.proposed;
        stored_->rv = ++rv_;
        stored_->created_wall = created;
        q.result = *stored_;
      }
    }
    if (q.verb != "get" && (q.code == 200 || q.code == 201)) {
      lease_field = ",\"lease\":" + LeaseJson(*stored_, o_.header);
    }
    Emit(now_, -1, "api_served",
         fmt::format(R"("id":{},"verb":"{}","code":{},"reason":"{}","rv":"{}"{})", q.id, q.verb,
                     q.code, q.reason, stored_ ? std::to_string(stored_->rv) : "", lease_field));
    const TimeNs back = now_ + Latency();
    if (!Partitioned(q.node, back)) Schedule(back, kRespond, q.node, q.id);
  }

  void Observe(int n, const StoredLease& l) {
    NodeRt& r = nodes_[n];
    r.cached = l;
    r.have_cached = true;
    std::string raw = RawRecord(l);
    if (raw != r.observed_raw) {
      r.observed_raw = raw;
      r.observed_mono = w_.Mono(n, now_);
      Emit(now_, n, "observed", fmt::format(R"("holder":{},"record":{})", Quote(l.holder), Quote(raw)));
    }
    if (l.holder != r.reported_leader) {
      r.reported_leader = l.holder;
      Emit(now_, n, "callback", fmt::format(R"("callback":"OnNewLeader","identity":{})", Quote(l.holder)));
    }
  }

  void ScheduleRetry(int n) {
    NodeRt& r = nodes_[n];
    const int64_t rp = Cfg(n).retry_period_ns;
    const int64_t wait = rp + static_cast<int64_t>(r.jitter.Float64() * 1.2 * static_cast<double>(rp));
    Schedule(now_ + LocalToTrue(n, wait), kTick, n, r.gen);
  }

  void Respond(Request& q, bool timed_out) {
    NodeRt& r = nodes_[q.node];
    if (q.done || q.gen != r.gen) return;
    q.done = true;
    r.inflight = -1;
    const int n = q.node;
    if (timed_out) {
      Emit(now_, n, "api_response",
           fmt::format(R"("id":{},"verb":"{}","code":0,"reason":"ClientTimeout","message":{})", q.id, q.verb,
                       Quote("net/http: request canceled (Client.Timeout exceeded while awaiting headers)")));
      q.code = 0;
    } else {
      Emit(now_, n, "api_response",
           fmt::format(R"("id":{},"verb":"{}","code":{},"reason":"{}","message":"")", q.id, q.verb, q.code, q.reason));
    }
    const bool ok = q.code == 200 || q.code == 201;
    switch (q.purpose) {
      case kAcquireGet:
        if (q.code == 404) {
          StoredLease p{Cfg(n).identity, static_cast<int>(Cfg(n).lease_duration_ns / kS),
                        w_.Wall(n, now_), w_.Wall(n, now_), 0, 0, 0};
          Send(n, "create", kAcquireWrite, p, 0);
          return;
        }
        if (!ok) {
          Log(n, "error", fmt::format("error retrieving resource lock {}: {}", LockName(),
                                      q.code == 0 ? "context deadline exceeded" : q.reason));
          ScheduleRetry(n);
          return;
        }
        Observe(n, q.result);
        if (!q.result.holder.empty() && q.result.holder != Cfg(n).identity &&
            w_.Mono(n, now_) < r.observed_mono + Cfg(n).lease_duration_ns) {
          SetState(n, NodeState::kFollowing);
          ScheduleRetry(n);
          return;
        }
        {
          StoredLease p = q.result;
          if (p.holder != Cfg(n).identity) {
            p.holder = Cfg(n).identity;
            p.acquire_wall = w_.Wall(n, now_);
            p.transitions += 1;
          }
          p.renew_wall = w_.Wall(n, now_);
          p.lease_duration_s = static_cast<int>(Cfg(n).lease_duration_ns / kS);
          Send(n, "update", kAcquireWrite, p, q.result.rv);
        }
        return;
      case kAcquireWrite:
        if (!ok) {
          Log(n, "error", fmt::format("Failed to update lock: {}", q.code == 409
              ? "Operation cannot be fulfilled on leases.coordination.k8s.io \"" + o_.header.lock_name +
                    "\": the object has been modified; please apply your changes to the latest version and try again"
              : "context deadline exceeded"));
          ScheduleRetry(n);
          return;
        }
        Observe(n, q.result);
        BecomeLeader(n);
        return;
      case kRenew:
        if (ok) {
          Observe(n, q.result);
          StartCycle(n, now_ + LocalToTrue(n, Cfg(n).retry_period_ns));
          return;
        }
        Log(n, "error", fmt::format("Failed to update lock optimistically: {}, falling back to slow path",
                                    q.code == 0 ? "context deadline exceeded" : q.reason));
        RetryInCycle(n);
        return;
    }
  }

  void BecomeLeader(int n) {
    NodeRt& r = nodes_[n];
    r.leading = true;
    Log(n, "info", fmt::format("successfully acquired lease {}", LockName()));
    SetState(n, NodeState::kLeading);
    Emit(now_, n, "callback", fmt::format(R"("callback":"OnStartedLeading","identity":{})", Quote(Cfg(n).identity)));
    Emit(now_, n, "k8s_event", fmt::format(R"("message":{})", Quote(Cfg(n).identity + " became leader")));
    Emit(now_, n, "metric", R"("name":"leader_election_master_status","value":1)");
    Schedule(now_ + 50 * kMs, kActStart, n, r.gen);
    StartCycle(n, now_);
  }

  // StartCycle begins one PollUntilContextTimeout(RetryPeriod, RenewDeadline) renew poll.
  void StartCycle(int n, TimeNs at) {
    NodeRt& r = nodes_[n];
    r.cycle_start = at;
    r.deadline = at + LocalToTrue(n, Cfg(n).renew_deadline_ns);
    ++r.cycle;
    Schedule(at, kTick, n, r.gen);
    Schedule(r.deadline, kDeadline, n, r.cycle);
  }

  void RetryInCycle(int n) {
    NodeRt& r = nodes_[n];
    const TimeNs period = LocalToTrue(n, Cfg(n).retry_period_ns);
    TimeNs next = r.cycle_start + ((now_ - r.cycle_start) / period + 1) * period;
    if (next < r.deadline) Schedule(next, kTick, n, r.gen);
  }

  void Deadline(int n, uint64_t cycle) {
    NodeRt& r = nodes_[n];
    if (!r.leading || cycle != r.cycle) return;
    if (r.inflight >= 0) {
      Request& q = requests_[r.inflight];
      q.done = true;
      Emit(now_, n, "api_cancel", fmt::format(R"("id":{},"reason":"context deadline exceeded")", q.id));
      r.inflight = -1;
    }
    Log(n, "info", fmt::format("failed to renew lease {}: timed out waiting for the condition", LockName()));
    r.leading = false;
    ++r.gen;
    Emit(now_, n, "callback", fmt::format(R"("callback":"OnStoppedLeading","identity":{})", Quote(Cfg(n).identity)));
    Emit(now_, n, "metric", R"("name":"leader_election_master_status","value":0)");
    SetState(n, NodeState::kStopped);
    Schedule(now_ + o_.act_stop_delay_ns, kActStop, n, 0);
    if (o_.auto_restart_ns >= 0) Schedule(now_ + o_.auto_restart_ns, kRestart, n, 0);
  }

  // Close ends open intervals and writes the oracle findings (acting overlaps and gaps).
  void Close(TimeNs end) {
    now_ = end;
    for (int i : drift_end_) {
      Emit(end, -1, "fault", fmt::format(R"("fault":"clock_drift","phase":"end","nodes":[{}],"params":{{"drift_ppm":{}}})",
                                         Quote(Cfg(i).node), o_.clocks[i].drift_ppm));
    }
    for (size_t i = 0; i < nodes_.size(); ++i) {
      if (nodes_[i].acting) acting_log_.push_back({nodes_[i].acting_since, end, static_cast<int>(i)});
    }
    // Sweep acting intervals in true time: >= 2 acting is split-brain, 0 is no leader.
    struct Edge { TimeNs t; int delta; int node; };
    std::vector<Edge> edges;
    for (const auto& a : acting_log_) {
      edges.push_back({a.start, +1, a.node});
      edges.push_back({a.end, -1, a.node});
    }
    std::stable_sort(edges.begin(), edges.end(), [](const Edge& x, const Edge& y) {
      return x.t != y.t ? x.t < y.t : x.delta < y.delta;
    });
    std::vector<int> acting(nodes_.size(), 0);
    int count = 0;
    TimeNs gap_start = 0, split_start = 0;
    std::vector<int> split_nodes;
    for (const Edge& e : edges) {
      const int before = count;
      count += e.delta;
      acting[e.node] += e.delta;
      if (before == 0 && count > 0 && e.t > gap_start) EmitFinding("no_leader", gap_start, e.t, {}, "no candidate acting");
      if (count == 0) gap_start = e.t;
      if (before < 2 && count >= 2) { split_start = e.t; split_nodes.clear(); }
      if (count >= 2) {
        for (size_t i = 0; i < acting.size(); ++i) {
          if (acting[i] > 0 && std::find(split_nodes.begin(), split_nodes.end(), i) == split_nodes.end())
            split_nodes.push_back(static_cast<int>(i));
        }
      }
      if (before >= 2 && count < 2) {
        std::sort(split_nodes.begin(), split_nodes.end());
        EmitFinding("split_brain", split_start, e.t, split_nodes, SplitCause(split_nodes));
      }
    }
    if (count == 0 && end > gap_start) EmitFinding("no_leader", gap_start, end, {}, "no candidate acting");
    w_.header().duration_ns = end;
  }

  std::string SplitCause(const std::vector<int>& nodes) const {
    for (int n : nodes) {
      if (o_.clocks[n].drift_ppm > 0) {
        return fmt::format("clock-rate ratio {:.2f}: {}'s clock runs fast by {} ppm, so the lease expired by its clock before the holder's RenewDeadline",
                           1.0 + static_cast<double>(o_.clocks[n].drift_ppm) / 1e6, Cfg(n).node,
                           o_.clocks[n].drift_ppm);
      }
    }
    return "the old leader kept acting after its lease expired (partitioned from the API server)";
  }

  void EmitFinding(std::string_view kind, TimeNs start, TimeNs end, const std::vector<int>& nodes,
               const std::string& cause) {
    std::string list;
    for (size_t i = 0; i < nodes.size(); ++i) {
      if (i) list += ',';
      list += Quote(Cfg(nodes[i]).node);
    }
    Emit(now_, -1, "finding", fmt::format(R"("finding":"{}","start":{},"end":{},"nodes":[{}],"cause":{})",
                                          kind, start, end, list, Quote(cause)));
  }

 private:
  struct ActingSpan { TimeNs start; TimeNs end; int node; };
  struct Partition { int node; TimeNs start; TimeNs end; };

 private:
  Options o_;
  TraceWriter w_;
  core::Prng latency_;
  core::Prng faults_rng_;
  std::vector<NodeRt> nodes_;
  std::priority_queue<Action, std::vector<Action>, Later> queue_;
  std::vector<Request> requests_;
  std::vector<Partition> partitions_;
  std::vector<FaultSpec> dynamic_;
  std::vector<ActingSpan> acting_log_;
  std::vector<int> drift_end_;
  std::optional<StoredLease> stored_;
  uint64_t rv_ = 0;
  uint64_t next_id_ = 0;
  uint64_t order_ = 0;
  TimeNs now_ = 0;
};

// DriftNs is how far a clock running fast by drift_ppm gets ahead over t ns (128-bit
// product: t * ppm overflows int64 after ~6 h at 400000 ppm).
int64_t DriftNs(int64_t t, int64_t drift_ppm) {
  return static_cast<int64_t>(static_cast<__int128>(t) * drift_ppm / 1'000'000);
}

NodeConfig Candidate(const std::string& name) {
  return {name, name, "1.31", 15 * kS, 10 * kS, 2 * kS, false};
}

}  // namespace

TraceWriter::TraceWriter(TraceHeader header, std::vector<SyntheticClock> clocks)
    : header_(std::move(header)), clocks_(std::move(clocks)) {}

int64_t TraceWriter::Mono(int node, TimeNs t) const {
  const SyntheticClock& c = clocks_[node];
  return c.boot_mono_ns + t + DriftNs(t, c.drift_ppm);
}

int64_t TraceWriter::Wall(int node, TimeNs t) const {
  const SyntheticClock& c = clocks_[node];
  return header_.epoch_wall_ns + c.offset_ns + t + DriftNs(t, c.drift_ppm);
}

void TraceWriter::Add(TimeNs t, int node, std::string_view ev, std::string fields) {
  pending_.push_back({t, node, std::string(ev), std::move(fields)});
}

std::string TraceWriter::Finish() const {
  nlohmann::ordered_json h;
  h["type"] = "header";
  h["format"] = "leasesim-trace/1";
  h["scenario"] = header_.scenario;
  h["scenario_file"] = header_.scenario_file;
  h["seed"] = header_.seed;
  h["duration_ns"] = header_.duration_ns;
  h["epoch_wall_ns"] = header_.epoch_wall_ns;
  h["lock"] = {{"kind", header_.lock_kind}, {"namespace", header_.lock_namespace}, {"name", header_.lock_name}};
  h["nodes"] = nlohmann::ordered_json::array();
  for (const NodeConfig& n : header_.nodes) {
    h["nodes"].push_back({{"node", n.node}, {"identity", n.identity}, {"client_go", n.client_go},
                          {"lease_duration_ns", n.lease_duration_ns},
                          {"renew_deadline_ns", n.renew_deadline_ns},
                          {"retry_period_ns", n.retry_period_ns},
                          {"release_on_cancel", n.release_on_cancel}});
  }
  std::vector<size_t> order(pending_.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return pending_[a].t < pending_[b].t; });
  std::string out = h.dump();
  uint64_t hash = core::StableHash(out);
  out += '\n';
  std::string line;
  uint64_t seq = 0;
  for (size_t i : order) {
    const Pending& p = pending_[i];
    line.clear();
    if (p.node >= 0) {
      fmt::format_to(std::back_inserter(line), R"({{"seq":{},"t":{},"ev":"{}","node":{},"mono":{},"wall":{})",
                     seq, p.t, p.ev, Quote(header_.nodes[p.node].node), Mono(p.node, p.t), Wall(p.node, p.t));
    } else {
      fmt::format_to(std::back_inserter(line), R"({{"seq":{},"t":{},"ev":"{}")", seq, p.t, p.ev);
    }
    if (!p.fields.empty()) {
      line += ',';
      line += p.fields;
    }
    hash = core::StableHash(line, hash);
    fmt::format_to(std::back_inserter(line), R"(,"h":"{:016x}"}})", hash);
    out += line;
    out += '\n';
    ++seq;
  }
  out += fmt::format(R"({{"type":"footer","events":{},"trace_hash":"{:016x}"}})", seq, hash);
  out += '\n';
  return out;
}

std::string SplitBrainSampleTrace() {
  TraceHeader h;
  h.scenario = "split-brain/clock-drift";
  h.scenario_file = "scenarios/split-brain/clock-drift.json";
  h.seed = 42;
  h.duration_ns = 90 * kS;
  h.epoch_wall_ns = kEpochWallNs;
  h.lock_kind = "leases";
  h.lock_namespace = "kube-system";
  h.lock_name = "kube-controller-manager";
  h.nodes = {Candidate("a"), Candidate("b"), Candidate("c")};
  Election::Options o;
  o.header = h;
  o.clocks = {{3600 * kS, 0, 0}, {7200 * kS, 0, 1'000'000}, {5400 * kS, 0, 0}};
  o.start_ns = {10 * kMs, 100 * kMs, 200 * kMs};
  o.faults = {{FaultSpec::kPartition, 0, 30 * kS, 60 * kS}, {FaultSpec::kRestart, 0, 45 * kS, 0}};
  o.seed = h.seed;
  o.end_ns = h.duration_ns;
  return Election(std::move(o)).Run();
}

std::string LargeTrace(const LargeTraceOptions& options) {
  TraceHeader h;
  h.scenario = "synthetic/large";
  h.scenario_file = "";
  h.seed = options.seed;
  h.duration_ns = 0;
  h.epoch_wall_ns = kEpochWallNs;
  h.lock_kind = "leases";
  h.lock_namespace = "kube-system";
  h.lock_name = "kube-controller-manager";
  Election::Options o;
  for (int i = 0; i < options.nodes; ++i) {
    h.nodes.push_back(Candidate(fmt::format("node-{}", i)));
    o.clocks.push_back({(1000 + i * 100) * kS, 0, i == 1 ? 400'000 : 0});
    o.start_ns.push_back((10 + 90 * i) * kMs);
  }
  o.header = h;
  o.seed = options.seed;
  o.end_ns = std::numeric_limits<TimeNs>::max() / 4;
  o.max_events = options.events;
  o.auto_restart_ns = 5 * kS;
  o.dynamic_fault_every_ns = 150 * kS;
  return Election(std::move(o)).Run();
}

}  // namespace leasesim::viz
