// world.cc — node drivers, request flow, faults and the oracles' record (see world.h).
#include "sim/world.h"

#include "sim/coordination.h"

#include <algorithm>
#include <cassert>
#include <map>

#include "core/log.h"
#include "core/objects_json.h"
#include "core/record.h"
#include "sim/cluster_world.h"
#include "sim/world_testing.h"

namespace leasesim::sim {

using core::Effect;

// Node is one candidate's slot: a process (elector + workload) that may crash, pause,
// stop and restart, on a machine whose clocks keep running.
struct World::Node {
  explicit Node(NodeObservations& o) : obs(o) {}
  int index = 0;
  const CandidateSpec* spec = nullptr;
  std::string identity;
  NodeClock clock;
  std::unique_ptr<core::LeaderElector> le;
  uint32_t incarnation = 0;
  uint32_t run = 0;  // the incarnation whose Run is (or was last) running
  // The current run has invoked OnStoppedLeading or returned from release(): from then on
  // its lock writes are kept for the invariant checker (World::Life).
  bool writes_checked = false;
  bool process_up = false;
  bool stop_requested = false;  // a graceful stop fault: no supervisor restart
  bool paused = false;
  std::vector<SmallFn> deferred;  // events that reached the node while it was paused

  struct Pending {
    TrueTime deadline = TrueTime::Max();  // HTTP client timeout (true time)
    TrueTime sent;
    core::Verb verb = core::Verb::kGet;
    int retries = 0;
  };
  // In-flight requests of this incarnation (rarely more than one): a small vector.
  struct PendingList {
    std::vector<std::pair<core::RequestId, Pending>> items;
    Pending* find(core::RequestId id) {
      for (auto& [k, p] : items)
        if (k == id) return &p;
      return nullptr;
    }
    bool count(core::RequestId id) { return find(id) != nullptr; }
    void erase(core::RequestId id) {
      for (size_t i = 0; i < items.size(); ++i)
        if (items[i].first == id) {
          items.erase(items.begin() + static_cast<std::ptrdiff_t>(i));
          return;
        }
    }
    void clear() { items.clear(); }
    void add(core::RequestId id, Pending p) { items.emplace_back(id, std::move(p)); }
  } pending;
  // Armed timers by id, in id order like the std::map it replaces (RescheduleClockEvents
  // re-arms them in that order): a sorted small vector, so arming a timer allocates
  // nothing (a node has a handful at most).
  struct TimerTable {
    using Entry = std::pair<core::TimerId, std::pair<EventId, core::MonoTime>>;
    std::vector<Entry> items;
    auto begin() { return items.begin(); }
    auto end() { return items.end(); }
    std::vector<Entry>::iterator find(core::TimerId id) {
      auto it = LowerBound(id);
      return it != items.end() && it->first == id ? it : items.end();
    }
    std::pair<EventId, core::MonoTime>& operator[](core::TimerId id) {
      auto it = LowerBound(id);
      if (it == items.end() || it->first != id) it = items.insert(it, Entry{id, {}});
      return it->second;
    }
    void erase(std::vector<Entry>::iterator it) { items.erase(it); }
    void erase(core::TimerId id) {
      auto it = find(id);
      if (it != items.end()) items.erase(it);
    }
    void clear() { items.clear(); }

   private:
    std::vector<Entry>::iterator LowerBound(core::TimerId id) {
      return std::lower_bound(items.begin(), items.end(), id, [](const Entry& e, core::TimerId k) { return e.first < k; });
    }
  } timers;

  bool believed = false;
  TrueTime believed_since{};
  bool releasing = false;
  bool workload_running = false;  // acting as leader unless paused
  TrueTime acting_since{};
  EventId stop_acting_event;
  EventId restart_event;
  EventId healthz_event;
  TrueTime healthz_due = TrueTime::Max();
  bool healthy = true;
  std::string state;
  uint64_t traced_observations = 0;  // observed_raw_changes() last written to the trace
  // What the oracles read about this node: its entry in record_.nodes (sized once when the
  // world is built, so the run's end hands the record over without copying it).
  NodeObservations& obs;
  // Memo of the clock readings at one true instant (many effects read it per event).
  TrueTime local_at{Duration::min()};
  core::LocalTime local{};
  uint64_t requests_sent = 0;
  // Inputs of the last healthz deadline computation.
  core::MonoTime healthz_observed{Duration::min()};
  bool healthz_leader = false;
};

// A message on the wire: a request (and later its response) of one node incarnation.
struct World::Message {
  int node = 0;
  uint32_t incarnation = 0;
  core::ApiRequest request;
  TrueTime applied{};
  core::ApiResponse response;
  // The sender's HTTP client deadline (true time). Its timeout event is scheduled only
  // once the world knows the answer cannot arrive before it (lost, dropped or late).
  TrueTime deadline = TrueTime::Max();
  bool timeout_scheduled = false;
  TrueTime written{};  // when the server applied the request (ServerComplete)
  TrueTime changed{};  // when the record last changed at full precision, as of `written`
};

// MessageTable holds the messages on the wire without an allocation per message: slots
// are reused through a free list; an id carries its slot's generation so a stale id is
// caught (assert) rather than aliased.
class World::MessageTable {
 public:
  uint64_t Add(Message m) {
    const uint64_t id = Acquire();
    Slot& s = *slots_[static_cast<uint32_t>(id)];
    // Member-wise, so that the slot's request strings keep their buffers (AddCopy).
    s.msg.node = m.node;
    s.msg.incarnation = m.incarnation;
    s.msg.request.id = m.request.id;
    s.msg.request.verb = m.request.verb;
    s.msg.request.resource = m.request.resource;
    s.msg.request.namespace_.assign(m.request.namespace_);
    s.msg.request.name.assign(m.request.name);
    s.msg.request.body = std::move(m.request.body);
    s.msg.applied = m.applied;
    s.msg.response = std::move(m.response);
    s.msg.deadline = m.deadline;
    s.msg.timeout_scheduled = m.timeout_scheduled;
    return id;
  }
  // AddCopy is Add(Message{node, incarnation, request, {}, {}, deadline, false}) that
  // copies the request's strings into the slot's existing buffers: no allocation per
  // request once the slots are warm.
  uint64_t AddCopy(int node, uint32_t incarnation, const core::ApiRequest& r, TrueTime deadline) {
    const uint64_t id = Acquire();
    Message& m = slots_[static_cast<uint32_t>(id)]->msg;
    m.applied = TrueTime{};
    m.timeout_scheduled = false;  // (m.response is assigned whole before it is read)
    m.node = node;
    m.incarnation = incarnation;
    m.request.id = r.id;
    m.request.verb = r.verb;
    m.request.resource = r.resource;
    // A slot mostly carries the same lock object again: compare before copying.
    if (m.request.namespace_ != r.namespace_) m.request.namespace_.assign(r.namespace_);
    if (m.request.name != r.name) m.request.name.assign(r.name);
    m.request.body = r.body;
    m.deadline = deadline;
    return id;
  }
  Message& at(uint64_t id) {
    Slot& s = *slots_[static_cast<uint32_t>(id)];
    assert(s.live && s.generation == static_cast<uint32_t>(id >> 32) && "stale message id");
    return s.msg;
  }
  // Acquire takes a free slot (its response holds no object, see erase) and returns its id.
  uint64_t Acquire() {
    uint32_t slot;
    if (!free_.empty()) {
      slot = free_.back();
      free_.pop_back();
    } else {
      slot = static_cast<uint32_t>(slots_.size());
      slots_.push_back(std::make_unique<Slot>());
    }
    Slot& s = *slots_[slot];
    s.live = true;
    return (static_cast<uint64_t>(s.generation) << 32) | slot;
  }
  void erase(uint64_t id) {
    const uint32_t slot = static_cast<uint32_t>(id);
    Slot& s = *slots_[slot];
    assert(s.live && s.generation == static_cast<uint32_t>(id >> 32));
    s.live = false;
    s.generation++;
    // Drop the object references now (a response is assigned whole before it is read).
    s.msg.response.body.reset();
    s.msg.request.body.reset();
    free_.push_back(slot);
  }

 private:
  struct Slot {
    Message msg;
    uint32_t generation = 1;
    bool live = false;
  };
  // Each slot in its own allocation: a slot's Message stays put while others are added.
  std::vector<std::unique_ptr<Slot>> slots_;
  std::vector<uint32_t> free_;
};

// LocalNow reads node n's clocks at now(): once per node and instant (many effects of one
// step read it), through NodeClock's inline path.
__attribute__((always_inline)) inline core::LocalTime World::LocalNow(int n) const {
  Node& node = *nodes_[n];
  const TrueTime now = scheduler_.now();
  if (node.local_at != now) {
    node.local = node.clock.Local(now);
    node.local_at = now;
  }
  return node.local;
}

namespace {

// fast_paths is false only in tests comparing the world's fast paths with its general code
// (sim/world_testing.h).
bool fast_paths = true;

// NameIf is name(v) when the trace is written, else empty: an enum's name is written, not
// hashed (Trace::Event::Enum), so a hash-only run never looks it up.
template <class E>
std::string_view NameIf(const Trace& trace, std::string_view (*name)(E), E v) {
  return trace.writing() ? name(v) : std::string_view();
}


std::array<int, core::kNumResources> Watchers(const ApiServerSpec& s) {
  auto get = [&](const char* k) -> int {
    auto it = s.watchers.find(k);
    return it == s.watchers.end() ? 0 : static_cast<int>(it->second);
  };
  return {get("leases"), get("configmaps"), get("endpoints"), get("leasecandidates")};
}

ApiServerConfig ServerConfig(const Scenario& s, uint64_t seed) {
  ApiServerConfig c;
  c.seed = seed;
  c.latency = s.apiserver.latency;
  c.max_inflight = static_cast<int>(s.apiserver.max_inflight);
  c.qps = s.apiserver.qps;
  c.burst = s.apiserver.burst;
  c.retry_after = s.apiserver.retry_after;
  c.error_ratio = s.apiserver.error_ratio;
  c.error_code = s.apiserver.error_code;
  c.watchers = Watchers(s.apiserver);
  c.apf = s.apiserver.apf;
  c.background_clients = s.apiserver.background_clients;
  return c;
}

std::vector<std::string> NodeNames(const Scenario& s) {
  std::vector<std::string> v;
  for (const auto& c : s.candidates) v.push_back(c.name);
  return v;
}

PathConfig PathOf(const NetworkPathSpec& p) {
  PathConfig c;
  c.request_delay = p.request_delay;
  c.response_delay = p.response_delay;
  c.loss_ratio = p.loss;
  return c;
}

Partition PartitionOf(PartitionMode m) {
  switch (m) {
    case PartitionMode::kSymmetric: return Partition::kSymmetric;
    case PartitionMode::kRequests: return Partition::kRequests;
    case PartitionMode::kResponses: return Partition::kResponses;
  }
  return Partition::kSymmetric;
}

// RecordContent is the leader election record an object carries as observers compare it:
// the raw record has second-precision times (core/record.h), so the record with its times
// truncated to seconds stands for the raw bytes; annotation locks carry the string itself.
// With `whole_seconds` false, a Lease's times keep their full (microsecond) precision: the
// record as stored, whatever observers can tell apart.
struct RecordContent {
  core::LeaderElectionRecord record;
  std::string annotation;
  friend bool operator==(const RecordContent&, const RecordContent&) = default;
};
core::WallTime ToSeconds(core::WallTime t) {
  if (t.IsZero()) return t;
  const int64_t ns = t.since_unix.count();
  const int64_t s = ns / 1'000'000'000 - ((ns % 1'000'000'000 != 0) && ns < 0);
  return core::WallTime{core::Duration{s * 1'000'000'000}};
}
// LeaderKey is the leader annotation's key as a std::string (the annotation map is
// keyed by std::string).
const std::string& LeaderKey() {
  static const std::string key(core::kLeaderAnnotationKey);
  return key;
}

// ContentInto writes the RecordContent `o` carries into `c` in place (its strings keep
// their buffers). With `whole_seconds` false, a Lease's times keep their full
// (microsecond) precision: the record as stored, whatever observers can tell apart.
void ContentInto(const core::Object& o, RecordContent& c, bool whole_seconds) {
  if (const auto* l = std::get_if<core::Lease>(&o)) {
    core::LeaseSpecToLeaderElectionRecordInto(l->spec, c.record);
    if (whole_seconds) {
      c.record.acquireTime = ToSeconds(c.record.acquireTime);
      c.record.renewTime = ToSeconds(c.record.renewTime);
    }
    c.annotation.clear();
    return;
  }
  c.record = core::LeaderElectionRecord{};
  c.annotation.clear();
  const auto& ann = core::Meta(o).annotations;
  auto it = ann.find(LeaderKey());
  if (it != ann.end()) c.annotation = it->second;
}

// HolderOf is the leader election record's holder an object carries, if it is a lock: a
// view into the object, or (annotation locks) into `scratch`, which it decodes into.
std::optional<std::string_view> HolderOf(const core::Object& o, core::LeaderElectionRecord& scratch) {
  if (const auto* l = std::get_if<core::Lease>(&o)) {
    return l->spec.holderIdentity ? std::string_view(*l->spec.holderIdentity) : std::string_view();
  }
  const auto& ann = core::Meta(o).annotations;
  auto it = ann.find(LeaderKey());
  if (it == ann.end()) return std::nullopt;
  scratch = core::LeaderElectionRecord{};
  if (!core::UnmarshalRecord(it->second, scratch)) return std::nullopt;
  return std::string_view(scratch.holderIdentity);
}

std::string_view OrEmpty(const std::optional<std::string>& s) { return s ? std::string_view(*s) : std::string_view(); }

// SameLeaseRecord is LeaseSpecToLeaderElectionRecord(a) == LeaseSpecToLeaderElectionRecord(b)
// (times truncated to seconds first when `whole_seconds`), field by field without
// building either record.
bool SameLeaseRecord(const core::LeaseSpec& a, const core::LeaseSpec& b, bool whole_seconds) {
  auto time = [whole_seconds](const std::optional<core::WallTime>& t) {
    const core::WallTime w = t ? *t : core::WallTime::Zero();
    return whole_seconds ? ToSeconds(w) : w;
  };
  return time(a.renewTime) == time(b.renewTime) && OrEmpty(a.holderIdentity) == OrEmpty(b.holderIdentity) &&
         a.leaseDurationSeconds.value_or(0) == b.leaseDurationSeconds.value_or(0) &&
         a.leaseTransitions.value_or(0) == b.leaseTransitions.value_or(0) && time(a.acquireTime) == time(b.acquireTime) &&
         OrEmpty(a.strategy) == OrEmpty(b.strategy) && OrEmpty(a.preferredHolder) == OrEmpty(b.preferredHolder);
}

}  // namespace

void testing::SetWorldFastPaths(bool on) { fast_paths = on; }

// LastContent is the lock record's content as observers last saw it change: the object
// that carried it (immutable, shared), or none before the first change (the zero
// content). Two Leases are compared field by field; anything else is decoded into the
// scratch contents (RecordContent), which keep their buffers from write to write.
struct World::LastContent {
  core::ObjectPtr object;
  RecordContent scratch_a;
  RecordContent scratch_b;
  core::LeaderElectionRecord holder_scratch;

  // Same is true when `o` carries the content of `object`, as ContentInto decodes it.
  bool Same(const core::Object& o, bool whole_seconds) {
    if (object) {
      const auto* a = std::get_if<core::Lease>(&o);
      const auto* b = std::get_if<core::Lease>(object.get());
      if (a != nullptr && b != nullptr) return SameLeaseRecord(a->spec, b->spec, whole_seconds);
      ContentInto(*object, scratch_b, whole_seconds);
    } else {
      scratch_b = RecordContent{};
    }
    ContentInto(o, scratch_a, whole_seconds);
    return scratch_a == scratch_b;
  }
};

World::World(const Scenario& scenario, uint64_t seed, Trace& trace, WorldOptions options)
    : last_content_(std::make_unique<LastContent>()),
      last_exact_content_(std::make_unique<LastContent>()),
      scenario_(scenario),
      seed_(seed),
      trace_(trace),
      options_(options),
      server_(ServerConfig(scenario, core::Prng::Stream(seed, "apiserver").Next())),
      network_(core::Prng::Stream(seed, "network").Next(), NodeNames(scenario)),
      ack_rng_(core::Prng::Stream(seed, "apiserver/write-ack")),
      messages_(std::make_unique<MessageTable>()),
      end_(kTrueEpoch + scenario.duration) {
  record_.start = kTrueEpoch;
  record_.end = end_;
  invariants_.start = kTrueEpoch;
  invariants_.end = end_;
  record_.faults = FaultMarksOf(scenario);
  record_.nodes.resize(scenario.candidates.size());  // never resized again: Node::obs refers into it
  for (size_t i = 0; i < scenario.candidates.size(); ++i) {
    const CandidateSpec& c = scenario.candidates[i];
    auto node = std::make_unique<Node>(record_.nodes[i]);
    node->index = static_cast<int>(i);
    node->spec = &c;
    node->identity = c.identity;
    // The machine booted an hour before the scenario (mono readings are uptime); its clock
    // has the configured offset at scenario start and drifts from then on.
    node->clock = NodeClock(kTrueEpoch - std::chrono::hours(1), c.clock.offset, 0);
    if (c.clock.drift_ppm != 0) node->clock.SetDrift(kTrueEpoch, c.clock.drift_ppm);
    node->state = "down";
    NodeObservations& o = node->obs;
    o.renewals = RenewalLog(LogAllocator<RenewalWrite>(log_arena_));
    o.node = c.name;
    o.identity = c.identity;
    o.lease_duration = c.config.leaseDuration;
    o.renew_deadline = c.config.renewDeadline;
    o.retry_period = c.config.retryPeriod;
    o.client_go_minor = c.profile.minor;
    o.workload_keeps_acting = c.workload.on_stopped_leading == WorkloadSpec::OnStoppedLeading::kKeepActing;
    o.stop_lag = c.workload.stop_lag;
    if (c.clock.drift_ppm != 0) o.drift.push_back({kTrueEpoch, c.clock.drift_ppm});
    switch (c.config.lock.kind) {
      case core::LockKind::kLeases: o.lock_objects = {"leases"}; break;
      case core::LockKind::kConfigMaps: o.lock_objects = {"configmaps"}; break;
      case core::LockKind::kEndpoints: o.lock_objects = {"endpoints"}; break;
      case core::LockKind::kConfigMapsLeases: o.lock_objects = {"configmaps", "leases"}; break;
      case core::LockKind::kEndpointsLeases: o.lock_objects = {"endpoints", "leases"}; break;
    }
    network_.SetBase(i, PathOf(scenario.network.PathFor(c.name)));
    nodes_.push_back(std::move(node));
    invariants_.electors.push_back({c.name, c.workload.on_stopped_leading == WorkloadSpec::OnStoppedLeading::kExit,
                                    c.workload.stop_lag, ElectorEventLog(LogAllocator<ElectorEvent>(log_arena_))});
  }
  server_.SetWriteObserver([this](const AppliedWrite& w) {
    if (!w.object) return;
    if (coord_) coord_->OnWrite(w);
    const core::ObjectMeta& m = core::Meta(*w.object);
    if (m.name != scenario_.lock.name || m.namespace_ != scenario_.lock.namespace_) return;
    RecordLockWrite(w);
    LastContent& last = *last_content_;
    std::optional<std::string_view> holder = HolderOf(*w.object, last.holder_scratch);
    if (!holder) return;
    // What observers compare is the record's content: note when it last changed. A write
    // that repeats the stored record (a renewal retried with the same `now` after its
    // first attempt's response was lost) changes nothing they can see.
    if (!last.Same(*w.object, /*whole_seconds=*/true)) {
      last.object = w.object;
      content_changed_at_ = w.at;
    }
    // And when the record last changed at all: a write that repeats it exactly is an
    // ambiguous retry (same `now`), not something record precision hid.
    LastContent& exact = *last_exact_content_;
    if (!exact.Same(*w.object, /*whole_seconds=*/false)) {
      exact.object = w.object;
      exact_changed_at_ = w.at;
    }
    if (have_holder_ && *holder == last_holder_) return;
    have_holder_ = true;
    last_holder_.assign(*holder);
    record_.holder_changes.push_back({w.at, std::string(*holder)});
  });
  server_.AttachScheduler(scheduler_);  // APF's own events, background clients
  // The lock as the scenario's initialLease has it (a Lease as kubectl prints it): stored
  // before any candidate starts; its holder is the holder the first change starts from.
  if (scenario.initial_lease) {
    server_.Preload(*scenario.initial_lease, kTrueEpoch);
    if (const auto& h = scenario.initial_lease->spec.holderIdentity; h && !h->empty()) {
      have_holder_ = true;
      last_holder_ = *h;
      record_.holder_changes.push_back({kTrueEpoch, *h});
    }
  }
  if (scenario.coordination) coord_ = std::make_unique<Coordination>(*this);
  if (scenario.cluster) {
    ClusterHooks hooks;
    hooks.local = [this](int n) { return Local(n); };
    hooks.true_at_mono = [this](int n, core::MonoTime m) { return nodes_[n]->clock.TrueAtMono(m); };
    hooks.name = [this](int n) { return scenario_.candidates[n].name; };
    cluster_ = std::make_unique<ClusterWorld>(*scenario.cluster, seed, scheduler_, server_, network_, trace_, std::move(hooks));
  }
}

World::~World() = default;

std::optional<WorldOptions::TestBreak> ParseTestBreak(std::string_view name) {
  using B = WorldOptions::TestBreak;
  if (name == "lease_transitions") return B::kLeaseTransitions;
  if (name == "lease_acquire_time") return B::kLeaseAcquireTime;
  if (name == "lease_resource_version") return B::kLeaseResourceVersion;
  if (name == "started_leading_once") return B::kStartedLeading;
  if (name == "stopped_leading_once") return B::kStoppedLeading;
  if (name == "leader_after_stopped") return B::kLeaderAfterStopped;
  if (name == "write_after_release") return B::kWriteAfterRelease;
  if (name == "true_time_monotonic") return B::kTrueTimeMonotonic;
  return std::nullopt;
}

void World::Life(int n, ElectorEvent::Kind kind, int64_t request_id) {
  using B = WorldOptions::TestBreak;
  using K = ElectorEvent::Kind;
  auto& events = invariants_.electors[static_cast<size_t>(n)].events;
  Node& node = *nodes_[n];
  const uint32_t run = node.run;
  const B b = options_.test_break;
  if (b == B::kStoppedLeading && kind == K::kStoppedLeading) return;
  // A lock write breaches an invariant only after OnStoppedLeading or release() in its
  // run (CheckElectorLife: leader_after_stopped, write_after_release); the ones before
  // (a write per renewal) are not kept: same findings, a log of a few events per run.
  if (fast_paths && kind == K::kLockWrite && !node.writes_checked) return;
  if (kind == K::kStoppedLeading || kind == K::kReleaseReturned) node.writes_checked = true;
  events.push_back({scheduler_.now(), run, kind, request_id});
  if (b == B::kStartedLeading && kind == K::kStartedLeading) events.push_back({scheduler_.now(), run, kind, 0});
  if (b == B::kLeaderAfterStopped && kind == K::kStoppedLeading) {
    events.push_back({scheduler_.now(), run, K::kBelieved, 0});
  }
  if (b == B::kWriteAfterRelease && kind == K::kReleaseReturned) {
    events.push_back({scheduler_.now(), run, K::kLockWrite, 0});
  }
}

namespace {
// RecordInto writes the leader election record an object carries (full stored precision)
// into `r` in place; false when it carries none (r is then the zero record).
bool RecordInto(const core::Object& o, core::LeaderElectionRecord& r) {
  if (const auto* l = std::get_if<core::Lease>(&o)) {
    core::LeaseSpecToLeaderElectionRecordInto(l->spec, r);
    return true;
  }
  const auto& ann = core::Meta(o).annotations;
  auto it = ann.find(LeaderKey());
  r = core::LeaderElectionRecord{};
  if (it == ann.end()) return false;
  if (!core::UnmarshalRecord(it->second, r)) {
    r = core::LeaderElectionRecord{};
    return false;
  }
  return true;
}
bool IsMultiLock(core::LockKind k) {
  return k == core::LockKind::kConfigMapsLeases || k == core::LockKind::kEndpointsLeases;
}
}  // namespace

// RecordLockWrite keeps an applied create/update of a lock object for CheckLeaseHistory.
// (checked as applied, not kept: see InvariantInput; the scratch LockWrite reuses its
// strings' capacity from write to write).
void World::RecordLockWrite(const AppliedWrite& w) {
  // The checker compares updates only: a create starts an object's history.
  if (w.verb != core::Verb::kUpdate) return;
  // An elector's update of a Lease that carried the stored resourceVersion: check the
  // record rules on the specs (LeaseUpdateKeepsRecordRules); the LockWrite is built only
  // when Observe would have something to report. (The test breaks of the record rules,
  // kLeaseTransitions and kLeaseAcquireTime, go through here and must be reported.)
  if (fast_paths && options_.test_break != WorldOptions::TestBreak::kLeaseResourceVersion && w.previous) {
    const auto* old = std::get_if<core::Lease>(w.previous.get());
    const auto* now = std::get_if<core::Lease>(w.object.get());
    if (old != nullptr && now != nullptr && w.sent_resource_version == old->metadata.resourceVersion) {
      const bool rules_apply =
          completing_node_ >= 0 && !IsMultiLock(nodes_[completing_node_]->spec->config.lock.kind);
      if (!rules_apply || LeaseUpdateKeepsRecordRules(old->spec, now->spec)) return;
    }
  }
  const core::ObjectMeta& m = core::Meta(*w.object);
  LockWrite& lw = lock_write_;
  lw.at = w.at;
  // Only the scenario's lock object comes here (one name, in one or two resources).
  if (lock_write_resource_ != static_cast<int>(w.resource) || lw.object.empty()) {
    lw.object.assign(core::ResourceName(w.resource)).append("/").append(m.namespace_).append("/").append(m.name);
    lock_write_resource_ = static_cast<int>(w.resource);
  }
  lw.verb = w.verb;
  lw.node.clear();
  lw.multi_lock = false;
  lw.by_elector = completing_node_ >= 0;  // else the coordinated election controller wrote it
  if (completing_node_ >= 0) {
    const Node& node = *nodes_[completing_node_];
    lw.node.assign(node.spec->name);
    lw.multi_lock = IsMultiLock(node.spec->config.lock.kind);
  }
  lw.sent_resource_version.assign(w.sent_resource_version);
  if (options_.test_break == WorldOptions::TestBreak::kLeaseResourceVersion && w.verb == core::Verb::kUpdate) {
    lw.sent_resource_version.assign("0");
  }
  if (w.previous) {
    lw.previous_resource_version = core::Meta(*w.previous).resourceVersion;
    if (!lw.previous) lw.previous.emplace();
    if (!RecordInto(*w.previous, *lw.previous)) lw.previous.reset();
  } else {
    lw.previous_resource_version.reset();
    lw.previous.reset();
  }
  RecordInto(*w.object, lw.record);
  lease_checker_.Observe(lw);
}

Duration World::Perturb(int n) {
  if (options_.perturb_order == 0) return Duration{0};
  return Duration{static_cast<int64_t>((options_.perturb_order * 2654435761u + static_cast<uint64_t>(n) * 97) % 5)};
}

core::LocalTime World::Local(int n) const { return LocalNow(n); }

// --- the run ----------------------------------------------------------------------------------

bool World::Run() {
  for (size_t i = 0; i < nodes_.size(); ++i) {
    const int n = static_cast<int>(i);
    const TrueTime at = kTrueEpoch + scenario_.candidates[i].start;
    scheduler_.At(at, [this, n] { StartProcess(n, scheduler_.now()); });
    if (nodes_[i]->clock.drift_ppm(kTrueEpoch) != 0 || scenario_.candidates[i].clock.offset != Duration{0}) {
      TraceClock(n);
    }
  }
  if (coord_) coord_->Start();  // API server instances boot before any fault at 0s
  ScheduleFaults();
  if (cluster_) cluster_->Start();
  scheduler_.set_max_events_per_instant(kMaxEventsPerInstant);
  if (options_.cancel != nullptr) return scheduler_.RunUntil(end_, *options_.cancel);
  scheduler_.RunUntil(end_);
  return true;
}

template <class F>
void World::Deliver(int n, F&& fn) {
  Node& node = *nodes_[n];
  if (node.paused) {
    node.deferred.emplace_back(std::forward<F>(fn));
    return;
  }
  fn();
}

void World::Resume(int n) {
  Node& node = *nodes_[n];
  if (!node.paused) return;
  node.paused = false;
  if (node.workload_running) node.acting_since = scheduler_.now();
  node.obs.paused.back().end = scheduler_.now();
  SetState(n, node.process_up && node.le ? std::string(node.believed ? "leading" : "acquiring") : "down");
  // Events that arrived during the pause run now, in arrival order (a SIGCONT'd process
  // finds its timers expired and its sockets full).
  std::vector<SmallFn> backlog = std::move(node.deferred);
  node.deferred.clear();
  for (SmallFn& f : backlog) {
    if (node.paused) {
      node.deferred.push_back(std::move(f));
      continue;
    }
    f();
  }
}

void World::SetState(int n, std::string_view state) {
  Node& node = *nodes_[n];
  if (node.state == state) return;
  node.state = std::string(state);
  core::LocalTime l = LocalNow(n);
  trace_.Begin(scheduler_.now(), "state", node.spec->name, &l).Str("state", state);
}

void World::SetBelieved(int n, bool believed, TrueTime now) {
  Node& node = *nodes_[n];
  if (node.believed == believed) return;
  node.believed = believed;
  if (believed) {
    Life(n, ElectorEvent::Kind::kBelieved);
    node.believed_since = now;
  } else {
    node.obs.believed.push_back({node.believed_since, now});
  }
}

void World::SetReleasing(int n, bool releasing, TrueTime now) {
  Node& node = *nodes_[n];
  if (node.releasing == releasing) return;
  node.releasing = releasing;
  if (releasing) {
    node.obs.releasing.push_back({now, end_});
  } else {
    node.obs.releasing.back().end = now;
  }
}

void World::StartActing(int n, TrueTime now) {
  Node& node = *nodes_[n];
  if (node.workload_running) return;
  node.workload_running = true;
  node.acting_since = now;
  Life(n, ElectorEvent::Kind::kActing);
  core::LocalTime l = LocalNow(n);
  trace_.Begin(now, "acting", node.spec->name, &l).Bool("acting", true);
  if (cluster_) cluster_->StartController(n, now);  // kube-controller-manager starts its controllers
}

void World::StopActing(int n, TrueTime now) {
  Node& node = *nodes_[n];
  if (!node.workload_running) return;
  node.workload_running = false;
  Life(n, ElectorEvent::Kind::kActingStopped);
  if (!node.paused && now > node.acting_since) node.obs.acting.push_back({node.acting_since, now});
  core::LocalTime l = LocalNow(n);
  trace_.Begin(now, "acting", node.spec->name, &l).Bool("acting", false);
  if (cluster_) cluster_->StopController(n, now);
}

// --- process lifecycle ------------------------------------------------------------------------

void World::StartProcess(int n, TrueTime now) {
  Node& node = *nodes_[n];
  if (node.process_up) return;
  node.incarnation++;
  node.run = node.incarnation;
  node.writes_checked = false;
  node.process_up = true;
  node.stop_requested = false;
  node.pending.clear();
  node.timers.clear();
  node.traced_observations = 0;
  core::LeaderElectionConfig cfg = node.spec->config;
  cfg.lock.identity = node.identity;
  const std::string stream = "node/" + node.spec->name + "/jitter/" + std::to_string(node.incarnation);
  node.le = std::make_unique<core::LeaderElector>(cfg, node.spec->profile, core::Prng::Stream(seed_, stream).Next());
  node.obs.identity = node.identity;
  SetState(n, "acquiring");
  Life(n, ElectorEvent::Kind::kRunStarted);
  Apply(n, node.le->Start(LocalNow(n)));
  if (coord_ && node.process_up && nodes_[n]->incarnation == node.incarnation) coord_->ProcessStarted(n);
}

void World::Crash(int n, TrueTime now, std::string_view why) {
  Node& node = *nodes_[n];
  if (!node.process_up) return;
  if (coord_) coord_->ProcessStopped(n);
  if (why == "crash") Life(n, ElectorEvent::Kind::kKilled);
  node.process_up = false;
  node.incarnation++;  // everything scheduled for the old incarnation is void
  for (auto& [id, t] : node.timers) scheduler_.Cancel(t.first);
  scheduler_.Cancel(node.healthz_event);
  scheduler_.Cancel(node.stop_acting_event);
  node.healthz_due = TrueTime::Max();
  node.healthz_observed = core::MonoTime{Duration::min()};
  node.healthz_leader = false;
  node.pending.clear();
  node.timers.clear();
  node.deferred.clear();
  node.le.reset();
  SetBelieved(n, false, now);
  SetReleasing(n, false, now);
  StopActing(n, now);
  if (node.paused) {
    node.paused = false;
    node.obs.paused.back().end = now;
  }
  if (!node.healthy) {
    node.healthy = true;
    node.obs.healthz.push_back({now, true});
  }
  if (why == "crash") node.obs.crashes.push_back(now);
  SetState(n, why == "crash" ? "crashed" : "stopped");
}

// The process exits on its own (Run returned and the workload stopped): the supervisor
// restarts it after workload.restartAfter unless it was stopped on purpose.
void World::ExitProcess(int n, TrueTime now) {
  Node& node = *nodes_[n];
  if (!node.process_up) return;
  const bool stopped_on_purpose = node.stop_requested;
  Crash(n, now, "exit");
  const auto& restart = node.spec->workload.restart_after;
  if (!stopped_on_purpose && restart) {
    const uint32_t inc = node.incarnation;
    node.restart_event = scheduler_.At(now + *restart, [this, n, inc] {
      if (nodes_[n]->incarnation == inc) StartProcess(n, scheduler_.now());
    });
  }
}

// --- effects ------------------------------------------------------------------------------------

void World::Apply(int n, std::span<const Effect> effects) {
  Node& node = *nodes_[n];
  const TrueTime now = scheduler_.now();
  const std::string& name = node.spec->name;
  for (const Effect& e : effects) {
    if (!node.le) break;  // the process exited while applying
    if (const auto* s = std::get_if<core::SendApiRequest>(&e)) {
      SendRequest(n, *s);
    } else if (const auto* a = std::get_if<core::ArmTimer>(&e)) {
      node.timers[a->id] = {ScheduleTimer(n, a->id, a->at), a->at};
    } else if (const auto* c = std::get_if<core::CancelTimer>(&e)) {
      auto it = node.timers.find(c->id);
      if (it != node.timers.end()) {
        scheduler_.Cancel(it->second.first);
        node.timers.erase(it);
      }
    } else if (const auto* c = std::get_if<core::CancelRequest>(&e)) {
      if (const Node::Pending* p = node.pending.find(c->id)) outcomes_by_verb_[static_cast<size_t>(p->verb)][0]++;
      node.pending.erase(c->id);
      core::LocalTime l = LocalNow(n);
      trace_.Begin(now, "api_cancel", name, &l).Int("id", static_cast<int64_t>(c->id)).Str("reason", core::ReasonName(c->reason));
      record_.api.responses[0]++;
    } else if (const auto* cb = std::get_if<core::InvokeCallback>(&e)) {
      core::LocalTime l = LocalNow(n);
      trace_.Begin(now, "callback", name, &l).Enum("callback", static_cast<int>(cb->callback), core::CallbackName(cb->callback)).Str("identity", cb->identity);
      switch (cb->callback) {
        case core::Callback::kOnStartedLeading: {
          Life(n, ElectorEvent::Kind::kStartedLeading);
          SetBelieved(n, true, now);
          SetState(n, "leading");
          // `go OnStartedLeading(ctx)`: the work starts after the current step.
          const uint32_t inc = node.incarnation;
          scheduler_.Post([this, n, inc] {
            if (nodes_[n]->incarnation == inc) StartActing(n, scheduler_.now());
          });
          break;
        }
        case core::Callback::kOnStoppedLeading: {
          // release() (if running) returned just before Run's deferred OnStoppedLeading.
          if (node.releasing) Life(n, ElectorEvent::Kind::kReleaseReturned);
          Life(n, ElectorEvent::Kind::kStoppedLeading);
          SetBelieved(n, false, now);
          if (node.spec->workload.on_stopped_leading == WorkloadSpec::OnStoppedLeading::kExit) {
            const Duration lag = node.spec->workload.stop_lag;
            if (lag == Duration{0}) {
              StopActing(n, now);
            } else {
              const uint32_t inc = node.incarnation;
              node.stop_acting_event = scheduler_.At(now + lag, [this, n, inc] {
                if (nodes_[n]->incarnation == inc) ExitProcess(n, scheduler_.now());
              });
            }
          }
          break;
        }
        case core::Callback::kOnNewLeader: break;
      }
    } else if (const auto* ev = std::get_if<core::RecordEvent>(&e)) {
      core::LocalTime l = LocalNow(n);
      trace_.Begin(now, "k8s_event", name, &l).Str("message", core::EventMessage(node.identity, *ev));
    } else if (const auto* lg = std::get_if<core::Log>(&e)) {
      core::LocalTime l = LocalNow(n);
      const bool need_text = trace_.writing() || options_.record_logs;
      std::string text = need_text ? core::RenderLog(node.spec->profile, *lg, node.le->Describe()) : std::string();
      trace_.Begin(now, "log", name, &l)
          .Int("msg", static_cast<int>(lg->msg))
          .Enum("level", lg->error ? -1 : lg->verbosity, trace_.writing() ? core::LogLevelName(*lg) : std::string_view())
          .ExtraStr("err", lg->err)
          .ExtraStr("holder", lg->holder)
          .ExtraStr("text", text);
      if (options_.record_logs) record_.logs.push_back({now, name, std::move(text)});
    } else if (const auto* m = std::get_if<core::Metric>(&e)) {
      core::LocalTime l = LocalNow(n);
      trace_.Begin(now, "metric", name, &l)
          .Str("name", m->name == core::MetricName::kMasterStatus ? "leader_election_master_status"
                                                                   : "leader_election_slowpath_total")
          .Num("value", m->value);
    } else if (std::holds_alternative<core::RunExited>(e)) {
      // Run returned. A Kubernetes component exits (after its workload stopped); a
      // workload that ignores cancellation keeps the process up (kubernetes#23731).
      Life(n, ElectorEvent::Kind::kRunReturned);
      SetState(n, "stopped");
      if (node.spec->workload.on_stopped_leading == WorkloadSpec::OnStoppedLeading::kExit &&
          node.spec->workload.stop_lag == Duration{0}) {
        ExitProcess(n, now);
        return;
      }
    }
  }
  if (!node.le) return;
  // Leadership as the node believes it ends when its renew loop exits (before release).
  if (node.believed && node.le->phase() != core::Phase::kRenewing) SetBelieved(n, false, now);
  if (node.releasing != (node.le->phase() == core::Phase::kReleasing)) SetReleasing(n, !node.releasing, now);
  // The elector's view changed? (setObservedRecord)
  if (node.le->observed_raw_changes() != node.traced_observations) {
    node.traced_observations = node.le->observed_raw_changes();
    core::LocalTime l = LocalNow(n);
    trace_.Begin(now, "observed", name, &l)
        .Str("holder", node.le->GetLeader())
        .ExtraStr("record", node.le->observed_raw_record())
        .Int("observed_mono", node.le->observed_time().since_boot.count());
  }
  // A healthy follower with no healthz check armed (the usual case): UpdateHealthz would
  // only note the observed time (its verdict and deadline stay: healthy, none).
  if (fast_paths && !node.le->IsLeader() && node.healthy && !node.healthz_leader &&
      node.healthz_due == TrueTime::Max()) {
    node.healthz_observed = node.le->observed_time();
    return;
  }
  UpdateHealthz(n);
}

// healthz: (*LeaderElector).Check(healthzTimeout) through the HealthzAdaptor. It can only
// turn unhealthy by time passing (observedTime + LeaseDuration + timeout), so the next
// change is scheduled exactly.
void World::UpdateHealthz(int n) {
  Node& node = *nodes_[n];
  if (!node.le) return;
  const TrueTime now = scheduler_.now();
  const bool healthy = !(node.le->IsLeader() && node.le->CheckFails(LocalNow(n), node.spec->healthz_timeout));
  if (healthy != node.healthy) {
    node.healthy = healthy;
    node.obs.healthz.push_back({now, healthy});
    core::LocalTime l = LocalNow(n);
    trace_.Begin(now, "healthz", node.spec->name, &l).Bool("healthy", healthy);
  }
  // The HealthzAdaptor keeps checking after Run returned, as long as the process lives
  // (a workload that ignores cancellation keeps it up): IsLeader stays true then.
  const bool leader = healthy && node.le->IsLeader();
  if (leader == node.healthz_leader && node.le->observed_time() == node.healthz_observed) return;
  node.healthz_leader = leader;
  node.healthz_observed = node.le->observed_time();
  TrueTime due = TrueTime::Max();
  if (leader) {
    const core::MonoTime m =
        node.le->observed_time() + node.spec->config.leaseDuration + node.spec->healthz_timeout + Duration{1};
    due = std::max(now, node.clock.TrueAtMono(m));
  }
  if (due == node.healthz_due) return;
  // The deadline only moves later while leading (observedTime grows): an armed event that
  // fires early just re-checks, so it is kept; an earlier deadline replaces it.
  const bool keep = node.healthz_due != TrueTime::Max() && node.healthz_due <= due;
  node.healthz_due = std::min(due, node.healthz_due);
  if (due == TrueTime::Max()) return;
  if (keep) return;
  scheduler_.Cancel(node.healthz_event);
  node.healthz_due = due;
  if (due > end_) return;
  const uint32_t inc = node.incarnation;
  node.healthz_event = scheduler_.At(due, [this, n, inc] {
    Node& nd = *nodes_[n];
    if (nd.incarnation != inc) return;
    nd.healthz_due = TrueTime::Max();
    nd.healthz_observed = core::MonoTime{Duration::min()};  // recompute
    UpdateHealthz(n);
  });
}

// ScheduleTimer schedules TimerFired(id) for when node n's monotonic clock reaches `at`.
EventId World::ScheduleTimer(int n, core::TimerId id, core::MonoTime at) {
  Node& node = *nodes_[n];
  const TrueTime t = std::max(scheduler_.now(), node.clock.TrueAtMono(at));
  const uint32_t inc = node.incarnation;
  return scheduler_.At(t + Perturb(n), [this, n, inc, id] {
    if (nodes_[n]->incarnation != inc) return;
    nodes_[n]->timers.erase(id);
    Deliver(n, [this, n, inc, id] {
      Node& nd = *nodes_[n];
      if (nd.incarnation != inc || !nd.le) return;
      Apply(n, nd.le->TimerFired(id, LocalNow(n)));
    });
  });
}

void World::TraceClock(int n) {
  Node& node = *nodes_[n];
  const TrueTime now = scheduler_.now();
  core::LocalTime l = LocalNow(n);
  trace_.Begin(now, "clock", node.spec->name, &l)
      .Int("offset_ns", node.clock.offset_ns(now).count())
      .Int("drift_ppm", node.clock.drift_ppm(now));
}

// TraceFault writes a fault event; a fault with role targets also carries `targets` (the
// resolved node names) and, when skipped, `reason` (docs/trace-format.md).
void World::TraceFault(const FaultSpec& f, std::string_view phase, const nlohmann::json* targets,
                       std::string_view reason) {
  nlohmann::json nodes = f.nodes;
  auto ev = trace_.Begin(scheduler_.now(), "fault");
  ev.Str("fault", FaultKindName(f.kind)).Str("id", f.id).Int("index", f.index).Str("phase", phase).Json("nodes", nodes);
  if (targets) ev.Json("targets", *targets);
  if (!reason.empty()) ev.Str("reason", reason);
}

void World::RescheduleClockEvents(int n) {
  Node& node = *nodes_[n];
  for (auto& [id, t] : node.timers) {
    scheduler_.Cancel(t.first);
    t.first = ScheduleTimer(n, id, t.second);
  }
  node.healthz_due = TrueTime{Duration{-1}};  // force a reschedule
  node.healthz_observed = core::MonoTime{Duration::min()};
  if (node.le) UpdateHealthz(n);
}

// --- requests ---------------------------------------------------------------------------------------

void World::SendRequest(int n, const core::SendApiRequest& s) {
  Node& node = *nodes_[n];
  const TrueTime now = scheduler_.now();
  const core::ApiRequest& r = s.request;
  core::LocalTime l = LocalNow(n);
  trace_.Begin(now, "api_request", node.spec->name, &l)
      .Int("id", static_cast<int64_t>(r.id))
      .Enum("verb", static_cast<int>(r.verb), NameIf(trace_, core::VerbName, r.verb))
      .Enum("resource", static_cast<int>(r.resource), NameIf(trace_, core::ResourceName, r.resource))
      .Str("rv", r.body ? std::string_view(core::Meta(*r.body).resourceVersion) : std::string_view());
  requests_by_verb_[static_cast<size_t>(r.verb)]++;
  node.requests_sent++;
  if (r.verb == core::Verb::kCreate || r.verb == core::Verb::kUpdate) {
    Life(n, ElectorEvent::Kind::kLockWrite, static_cast<int64_t>(r.id));
  }
  Node::Pending p;
  p.sent = now;
  p.verb = r.verb;
  const Duration timeout = node.spec->client_timeout;
  if (timeout > Duration{0}) p.deadline = std::max(now, node.clock.TrueAtMono(l.mono + timeout));
  const TrueTime deadline = p.deadline;
  node.pending.add(r.id, std::move(p));
  const bool break_transitions = options_.test_break == WorldOptions::TestBreak::kLeaseTransitions;
  const bool break_acquire =
      options_.test_break == WorldOptions::TestBreak::kLeaseAcquireTime && r.verb == core::Verb::kUpdate;
  if ((break_transitions || break_acquire) && r.body && std::holds_alternative<core::Lease>(*r.body)) {
    Message msg{n, node.incarnation, r, {}, {}, deadline, false};
    core::Object broken = *r.body;
    core::LeaseSpec& spec = std::get<core::Lease>(broken).spec;
    if (break_transitions) spec.leaseTransitions = 0;
    if (break_acquire) spec.acquireTime = spec.renewTime;
    msg.request.body = core::MakeObject(std::move(broken));
    Transmit(messages_->Add(std::move(msg)));
    return;
  }
  Transmit(messages_->AddCopy(n, node.incarnation, r, deadline));
}

void World::Transmit(uint64_t msg_id) {
  Message& m = messages_->at(msg_id);
  const TrueTime now = scheduler_.now();
  std::optional<Duration> d = network_.RequestDelay(static_cast<size_t>(m.node), now);
  if (!d) {
    ExpectTimeout(m);
    messages_->erase(msg_id);  // lost on the way: the client will time out
    return;
  }
  const TrueTime arrive = now + *d + Perturb(m.node);
  if (arrive >= m.deadline) ExpectTimeout(m);
  scheduler_.At(arrive, [this, msg_id] { ServerArrive(msg_id); });
}

void World::ServerArrive(uint64_t msg_id) {
  ArriveOptions o;
  // Only APF queues a request and answers it later (ArriveOptions::later).
  if (server_.apf() != nullptr) o.later = [this, msg_id](const Admission& a) { ServerAdmitted(msg_id, a); };
  ServerAdmitted(msg_id, server_.Arrive(messages_->at(msg_id).request, scheduler_.now(), std::move(o)));
}

void World::ServerAdmitted(uint64_t msg_id, const Admission& a) {
  Message& m = messages_->at(msg_id);
  switch (a.kind) {
    case Admission::Kind::kProcessed:
      ++server_inflight_;
      if (a.complete_at >= m.deadline) ExpectTimeout(m);
      // A request processed at once (no latency) with nothing else due meanwhile completes
      // here: the event it would schedule would run next, at this instant.
      if (a.complete_at == scheduler_.now() && scheduler_.NothingDueBy(a.complete_at)) {
        ServerComplete(msg_id);
        break;
      }
      scheduler_.At(a.complete_at, [this, msg_id] { ServerComplete(msg_id); });
      break;
    case Admission::Kind::kRejected: {
      m.response = a.response;
      m.response.id = m.request.id;
      m.applied = scheduler_.now();
      SendResponse(msg_id);
      break;
    }
    case Admission::Kind::kDropped:
      ExpectTimeout(m);
      messages_->erase(msg_id);
      break;
    case Admission::Kind::kQueued:  // ServerAdmitted runs again when APF decides
      ExpectTimeout(m);  // the client may give up while it waits in a queue
      break;
  }
}

void World::ServerComplete(uint64_t msg_id) {
  Message& m = messages_->at(msg_id);
  const TrueTime now = scheduler_.now();
  completing_node_ = m.node;
  // The response is built in the message's slot, which carries it to the node.
  m.response = server_.Complete(m.request, now);
  completing_node_ = -1;
  core::ApiResponse& resp = m.response;
  resp.id = m.request.id;
  // For the oracles' slow-write rule: when observers last saw the record change (for a
  // write that changed it, now).
  m.applied = content_changed_at_ > kTrueEpoch - std::chrono::hours(1) ? std::min(now, content_changed_at_) : now;
  m.written = now;
  m.changed = exact_changed_at_ > kTrueEpoch - std::chrono::hours(1) ? std::min(now, exact_changed_at_) : now;
  {
    auto ev = trace_.Begin(now, "api_served", nodes_[m.node]->spec->name);
    ev.Int("id", static_cast<int64_t>(m.request.id))
        .Enum("verb", static_cast<int>(m.request.verb), NameIf(trace_, core::VerbName, m.request.verb))
        .Int("code", resp.status.code)
        .Enum("reason", static_cast<int>(resp.status.reason), NameIf(trace_, core::ReasonName, resp.status.reason))
        .Str("rv", resp.body ? std::string_view(core::Meta(*resp.body).resourceVersion) : std::string_view());
    if (resp.body && m.request.verb != core::Verb::kGet && resp.status.ok() &&
        m.request.resource != core::Resource::kLeaseCandidates) {
      ev.Str("holder", HolderOf(*resp.body, last_content_->holder_scratch).value_or(std::string_view()));
      if (trace_.writing()) ev.Extra("object", core::ToJson(*resp.body));
    } else if (resp.body && resp.status.ok() && m.request.resource == core::Resource::kLeaseCandidates &&
               trace_.writing()) {
      // The LeaseCandidate as stored (or read): written, not hashed, for the viewer.
      ev.Extra("object", core::ToJson(*resp.body));
    }
  }
  const int64_t inflight = server_inflight_--;
  // A write's acknowledgement may lag its commit (scenario apiserver.write_ack_latency).
  const ApiServerSpec& as = scenario_.apiserver;
  if (resp.status.ok() && m.request.verb != core::Verb::kGet &&
      (as.write_ack_latency.kind != Distribution::Kind::kConstant || as.write_ack_latency.a > Duration{0} ||
       as.write_ack_latency_per_inflight > Duration{0})) {
    const Duration lag = as.write_ack_latency.Sample(ack_rng_) + as.write_ack_latency_per_inflight * inflight;
    if (now + lag >= m.deadline) ExpectTimeout(m);
    scheduler_.At(now + lag, [this, msg_id] { SendResponse(msg_id); });
    return;
  }
  SendResponse(msg_id);
}

// SendResponse sends the response in the message's slot back to its node.
void World::SendResponse(uint64_t msg_id) {
  Message& m = messages_->at(msg_id);
  const TrueTime now = scheduler_.now();
  std::optional<Duration> d = network_.ResponseDelay(static_cast<size_t>(m.node), now);
  if (!d) {
    ExpectTimeout(m);
    messages_->erase(msg_id);  // the write happened; the client will time out
    return;
  }
  if (now + *d >= m.deadline) ExpectTimeout(m);
  scheduler_.At(now + *d, [this, msg_id] { NodeReceive(msg_id); });
}

void World::NodeReceive(uint64_t msg_id) {
  const Message& arrived = messages_->at(msg_id);
  const int n = arrived.node;
  const uint32_t inc = arrived.incarnation;
  if (nodes_[n]->incarnation != inc) {  // the process that sent it is gone
    messages_->erase(msg_id);
    return;
  }
  Deliver(n, [this, n, inc, msg_id] {
    // The response is read in its slot (slots never move), which is freed once the node
    // has taken it (its request buffers stay for the next request); the request itself
    // is copied only for a retry.
    Message& slot = messages_->at(msg_id);
    const core::RequestId request_id = slot.request.id;
    const core::Verb request_verb = slot.request.verb;
    const core::ApiResponse& resp = slot.response;
    Node& nd = *nodes_[n];
    Node::Pending* pit = nd.incarnation != inc || !nd.le ? nullptr : nd.pending.find(request_id);
    if (pit == nullptr) {  // gone, or the request was cancelled or timed out meanwhile
      messages_->erase(msg_id);
      return;
    }
    // client-go's rest client retries a 429 or any 5xx that carries Retry-After, after
    // it, up to 10 times (maxRetries), within the request's context and timeout (client-go
    // rest/with_retry.go IsNextRetry + checkWait, v0.31.0; rest/request.go, v0.20.0). A
    // 5xx without Retry-After goes back to the caller.
    const bool retryable = resp.status.code == 429 || resp.status.code >= 500;
    if (retryable && resp.retry_after && pit->retries < 10) {
      pit->retries++;
      const Duration wait = std::max(*resp.retry_after, Duration{std::chrono::milliseconds(1)});
      const uint64_t msg = messages_->Add(Message{n, inc, slot.request, {}, {}, pit->deadline, false});
      messages_->erase(msg_id);
      if (scheduler_.now() + wait >= pit->deadline) ExpectTimeout(messages_->at(msg));
      scheduler_.At(scheduler_.now() + wait, [this, msg] {
        Message& mm = messages_->at(msg);
        if (nodes_[mm.node]->incarnation != mm.incarnation || !nodes_[mm.node]->pending.count(mm.request.id)) {
          messages_->erase(msg);
          return;
        }
        Transmit(msg);
      });
      return;
    }
    // A renewal that succeeded: the oracles' slow-write rule needs its three instants.
    if (resp.status.ok() && request_verb == core::Verb::kUpdate && nd.believed && !Coordination::Owns(request_id)) {
      nd.obs.renewals.push_back({pit->sent, slot.applied, scheduler_.now(), slot.written, slot.changed});
    }
    FinishRequest(n, request_id, resp);
    messages_->erase(msg_id);
  });
}

// ExpectTimeout schedules the sender's client timeout for `m`, once the world knows its
// answer will not arrive before the deadline (it was lost or dropped, or comes too late).
// Requests answered in time never schedule one.
void World::ExpectTimeout(Message& m) {
  if (m.timeout_scheduled || m.deadline == TrueTime::Max()) return;
  m.timeout_scheduled = true;
  const int n = m.node;
  const uint32_t inc = m.incarnation;
  const core::RequestId id = m.request.id;
  scheduler_.At(m.deadline, [this, n, inc, id] { ClientTimeout(n, inc, id); });
}

void World::ClientTimeout(int n, uint32_t incarnation, core::RequestId id) {
  if (nodes_[n]->incarnation != incarnation) return;
  Deliver(n, [this, n, incarnation, id] {
    Node& nd = *nodes_[n];
    if (nd.incarnation != incarnation || !nd.le || !nd.pending.count(id)) return;
    core::ApiResponse resp;
    resp.id = id;
    resp.status = core::Status::ClientTimeout();
    FinishRequest(n, id, resp);
  });
}

void World::FinishRequest(int n, core::RequestId id, const core::ApiResponse& resp) {
  Node& node = *nodes_[n];
  const core::Verb verb = node.pending.find(id)->verb;
  node.pending.erase(id);
  outcomes_by_verb_[static_cast<size_t>(verb)][resp.status.code]++;
  core::LocalTime l = LocalNow(n);
  trace_.Begin(scheduler_.now(), "api_response", node.spec->name, &l)
      .Int("id", static_cast<int64_t>(id))
      .Enum("verb", static_cast<int>(verb), NameIf(trace_, core::VerbName, verb))
      .Int("code", resp.status.code)
      .Enum("reason", static_cast<int>(resp.status.reason), NameIf(trace_, core::ReasonName, resp.status.reason))
      .ExtraStr("message", resp.status.message);
  if (resp.status.code == 0) record_.api.responses[0]++;
  if (coord_ && Coordination::Owns(id)) {
    coord_->NodeResponse(n, resp);
    return;
  }
  Apply(n, node.le->OnApiResponse(resp, l));
}

// --- faults ----------------------------------------------------------------------------------------

void World::ScheduleFaults() {
  for (const FaultSpec& f : scenario_.faults) {
    const FaultSpec* fp = &f;
    scheduler_.At(kTrueEpoch + f.at, [this, fp] { BeginFault(*fp); });
    if (f.for_ && kTrueEpoch + f.at + *f.for_ <= end_) {
      scheduler_.At(kTrueEpoch + f.at + *f.for_, [this, fp] { EndFault(*fp); });
    }
  }
}

namespace {
std::vector<int> NodeIndexes(const Scenario& s, const FaultSpec& f) {
  std::vector<int> v;
  for (const std::string& name : f.nodes)
    for (size_t i = 0; i < s.candidates.size(); ++i)
      if (s.candidates[i].name == name) v.push_back(static_cast<int>(i));
  return v;
}
}  // namespace

// ResolveTargets turns the fault's node list into node indexes, resolving roles
// (FaultRole, sim/scenario.h) in true time now. nullopt when a role has no node.
std::optional<std::vector<int>> World::ResolveTargets(const FaultSpec& f, std::string* why) {
  std::vector<int> out;
  bool has_role = false;
  for (const std::string& name : f.nodes) has_role |= ParseFaultRole(name).has_value();
  if (!has_role) return NodeIndexes(scenario_, f);
  core::Prng rng = core::Prng::Stream(seed_, "fault/" + std::to_string(f.index) + "/roles");
  auto taken = [&](int n) { return std::find(out.begin(), out.end(), n) != out.end(); };
  for (const std::string& name : f.nodes) {
    const std::optional<FaultRole> role = ParseFaultRole(name);
    if (!role) {
      for (size_t i = 0; i < scenario_.candidates.size(); ++i)
        if (scenario_.candidates[i].name == name && !taken(static_cast<int>(i))) out.push_back(static_cast<int>(i));
      continue;
    }
    std::vector<int> pool;
    if (*role == FaultRole::kLeader) {
      for (size_t i = 0; i < nodes_.size(); ++i) {
        const int n = static_cast<int>(i);
        if (!nodes_[i]->believed || taken(n)) continue;
        // Several believe (split-brain): the one the stored lock names wins.
        if (pool.empty() || (have_holder_ && nodes_[i]->identity == last_holder_ &&
                             nodes_[pool.front()]->identity != last_holder_)) {
          pool.assign(1, n);
        }
      }
      if (pool.empty()) {
        *why = "no node believes it leads";
        return std::nullopt;
      }
      out.push_back(pool.front());
      continue;
    }
    for (size_t i = 0; i < nodes_.size(); ++i) {
      const int n = static_cast<int>(i);
      if (taken(n) || (*role == FaultRole::kFollower && nodes_[i]->believed)) continue;
      pool.push_back(n);
    }
    if (pool.empty()) {
      *why = *role == FaultRole::kFollower ? "no node is a follower" : "no node is left";
      return std::nullopt;
    }
    out.push_back(pool[rng.Uniform(pool.size())]);
  }
  return out;
}

void World::BeginFault(const FaultSpec& f) {
  const TrueTime now = scheduler_.now();
  const uint64_t fault_id = static_cast<uint64_t>(f.index) + 1;
  std::string why;
  std::optional<std::vector<int>> resolved = ResolveTargets(f, &why);
  const bool roles = std::any_of(f.nodes.begin(), f.nodes.end(),
                                 [](const std::string& n) { return ParseFaultRole(n).has_value(); });
  if (fault_targets_.size() < scenario_.faults.size()) fault_targets_.resize(scenario_.faults.size());
  fault_targets_[static_cast<size_t>(f.index)] = resolved;
  if (roles) {
    // The oracles' fault marks name the nodes the roles resolved to (none when skipped).
    std::vector<std::string> names;
    if (resolved)
      for (int n : *resolved) names.push_back(nodes_[n]->spec->name);
    for (FaultMark& m : record_.faults)
      if (m.index == f.index) m.nodes = names;
    nlohmann::json targets = names;
    if (!resolved) {
      TraceFault(f, "skipped", &targets, why);
      return;
    }
    TraceFault(f, f.for_ ? "begin" : "at", &targets);
  } else {
    TraceFault(f, f.for_ ? "begin" : "at");
  }
  if (coord_) coord_->BeginFault(f);
  for (int n : *resolved) {
    Node& node = *nodes_[n];
    switch (f.kind) {
      case FaultKind::kCrash: Crash(n, now, "crash"); break;
      case FaultKind::kRestart:
        Crash(n, now, "crash");
        if (f.identity) node.identity = *f.identity;
        StartProcess(n, now);
        break;
      case FaultKind::kPause:
        if (!node.process_up || node.paused) break;
        node.paused = true;
        if (node.workload_running && now > node.acting_since) node.obs.acting.push_back({node.acting_since, now});
        node.obs.paused.push_back({now, end_});
        SetState(n, "paused");
        break;
      case FaultKind::kStop:
        if (!node.process_up || !node.le) break;
        node.stop_requested = true;
        Apply(n, node.le->Cancel(LocalNow(n)));
        break;
      case FaultKind::kPartition: network_.BeginFault(fault_id, static_cast<size_t>(n), PathOverride::Cut(PartitionOf(f.partition_mode))); break;
      case FaultKind::kLatency: {
        PathOverride o;
        o.request_delay = f.delay;
        o.response_delay = f.delay;
        network_.BeginFault(fault_id, static_cast<size_t>(n), o);
        break;
      }
      case FaultKind::kLoss: {
        PathOverride o;
        o.loss_ratio = f.ratio;
        network_.BeginFault(fault_id, static_cast<size_t>(n), o);
        break;
      }
      case FaultKind::kClockStep:
        node.clock.StepWall(now, f.by);
        node.local_at = TrueTime{Duration::min()};
        break;
      case FaultKind::kClockDrift:
        node.clock.SetDrift(now, f.drift_ppm);
        node.local_at = TrueTime{Duration::min()};
        node.obs.drift.push_back({now, f.drift_ppm});
        RescheduleClockEvents(n);
        break;
      case FaultKind::kClockSlew:
        node.clock.SlewWall(now, f.by, f.rate_ppm > 0 ? f.rate_ppm : NodeClock::kAdjtimeSlewPpm);
        node.local_at = TrueTime{Duration::min()};
        break;
      default: break;
    }
    if (f.kind == FaultKind::kClockStep || f.kind == FaultKind::kClockDrift || f.kind == FaultKind::kClockSlew) {
      TraceClock(n);
    }
  }
  switch (f.kind) {
    case FaultKind::kApiServerOutage: server_.SetOutage(f.outage_mode); break;
    case FaultKind::kApiServerErrors: server_.SetErrorInjection(f.ratio, f.code, f.error_retry_after); break;
    case FaultKind::kApiServerLatency: server_.SetLatency(f.delay); break;
    case FaultKind::kApiServerThrottle:
      server_.SetQpsLimit(f.qps, f.burst, f.retry_after);
      break;
    default: break;
  }
}

void World::ResetApiServerFault(FaultKind kind) {
  const ApiServerSpec& a = scenario_.apiserver;
  switch (kind) {
    case FaultKind::kApiServerOutage: server_.SetOutage(OutageMode::kNone); break;
    case FaultKind::kApiServerErrors: server_.SetErrorInjection(a.error_ratio, a.error_code); break;
    case FaultKind::kApiServerLatency: server_.SetLatency(a.latency); break;
    case FaultKind::kApiServerThrottle:
      server_.SetQpsLimit(a.qps, a.burst, a.retry_after);
      break;
    default: break;
  }
}

void World::EndFault(const FaultSpec& f) {
  const TrueTime now = scheduler_.now();
  // The end applies to the nodes the fault's start resolved (roles included); a skipped
  // fault has nothing to end.
  if (static_cast<size_t>(f.index) >= fault_targets_.size()) return;
  const std::optional<std::vector<int>> targets = fault_targets_[static_cast<size_t>(f.index)];
  if (!targets) return;
  TraceFault(f, "end");
  if (coord_) coord_->EndFault(f);
  const uint64_t fault_id = static_cast<uint64_t>(f.index) + 1;
  for (int n : *targets) {
    Node& node = *nodes_[n];
    switch (f.kind) {
      case FaultKind::kCrash:
      case FaultKind::kStop:
        if (!node.process_up) StartProcess(n, now);
        break;
      case FaultKind::kPause: Resume(n); break;
      case FaultKind::kClockDrift: {
        node.clock.SetDrift(now, node.spec->clock.drift_ppm);
        node.local_at = TrueTime{Duration::min()};
        node.obs.drift.push_back({now, node.spec->clock.drift_ppm});
        RescheduleClockEvents(n);
        TraceClock(n);
        break;
      }
      default: break;
    }
  }
  if (f.kind == FaultKind::kPartition || f.kind == FaultKind::kLatency || f.kind == FaultKind::kLoss) {
    network_.EndFault(fault_id);
  }
  ResetApiServerFault(f.kind);
}

// --- the record ---------------------------------------------------------------------------------------

InvariantInput World::TakeInvariantInput() {
  invariants_.lease_history_breaches = lease_checker_.Take();
  for (const TimeRegression& r : scheduler_.time_regressions()) invariants_.time_steps.push_back({r.from, r.to, r.event});
  if (options_.test_break == WorldOptions::TestBreak::kTrueTimeMonotonic) {
    invariants_.time_steps.push_back({end_, end_ - Duration{1}, "test_break"});
  }
  return std::move(invariants_);
}

OracleInput World::TakeOracleInput() {
  for (auto& np : nodes_) {
    Node& node = *np;
    if (node.believed) node.obs.believed.push_back({node.believed_since, end_});
    if (node.workload_running && !node.paused && end_ > node.acting_since) node.obs.acting.push_back({node.acting_since, end_});
    node.believed = false;
    node.workload_running = false;
    record_.api.requests_by_node[node.spec->name] = node.requests_sent;
  }
  for (size_t v = 0; v < requests_by_verb_.size(); ++v) {
    if (requests_by_verb_[v] == 0) continue;
    const std::string verb(core::VerbName(static_cast<core::Verb>(v)));
    record_.api.requests[verb] += requests_by_verb_[v];
    // Every request sent ends in one outcome, or is still unanswered at the end.
    uint64_t ended = 0;
    for (const auto& [code, n] : outcomes_by_verb_[v]) {
      record_.api.outcomes[verb][code] += n;
      ended += n;
    }
    record_.api.unanswered[verb] += requests_by_verb_[v] - ended;
  }
  requests_by_verb_ = {};
  outcomes_by_verb_ = {};
  const ApiServerStats& st = server_.stats();
  for (auto& [code, count] : st.responses_by_code) record_.api.responses[code] += count;
  for (core::Resource res : {core::Resource::kLeases, core::Resource::kConfigMaps, core::Resource::kEndpoints}) {
    record_.api.watch_events[std::string(core::ResourceName(res))] = st.watch_events[static_cast<size_t>(res)];
  }
  if (coord_) coord_->Finish(record_);
  return std::move(record_);
}

// --- coordinated leader election's access to nodes (sim/coordination.cc) ---------------------------

void World::RunOnNode(int n, uint32_t incarnation, SmallFn fn) {
  if (nodes_[n]->incarnation != incarnation) return;
  Deliver(n, [this, n, incarnation, fn = std::move(fn)]() mutable {
    if (nodes_[n]->incarnation == incarnation && nodes_[n]->process_up) fn();
  });
}
uint32_t World::NodeIncarnation(int n) const { return nodes_[n]->incarnation; }
const std::string& World::NodeIdentity(int n) const { return nodes_[n]->identity; }
TrueTime World::NodeTrueAtMono(int n, core::MonoTime m) const { return nodes_[n]->clock.TrueAtMono(m); }
void World::ForgetRequest(int n, core::RequestId id) { nodes_[n]->pending.erase(id); }

}  // namespace leasesim::sim
