// coordination.cc — coordinated leader election in the simulated world (see coordination.h).
#include "sim/coordination.h"

#include "sim/apf.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "core/objects_json.h"
#include "core/prng.h"
#include "sim/world.h"

namespace leasesim::sim {

namespace {
std::string KeyOf(const std::string& ns, const std::string& name) { return ns + "/" + name; }

// A UUID-shaped suffix for an instance's identity (hostname + "_" + uuid.NewUUID()),
// stable per run.
std::string UuidFor(std::string_view name, uint32_t incarnation) {
  const uint64_t h = core::StableHash(fmt::format("{}/{}", name, incarnation), core::StableHash("apiserver-id/"));
  return fmt::format("{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}", h >> 32, (h >> 16) & 0xffff, (h >> 4) & 0xfff,
                     h & 0xfff, (h * 0x9e3779b97f4a7c15ULL) >> 16);
}

constexpr Duration kLoopbackTimeout = std::chrono::seconds(1);
}  // namespace

struct Coordination::Candidate {
  std::string binary, emulation;              // current versions (a restart may change them)
  std::unique_ptr<core::LeaseCandidateClient> client;
  uint32_t incarnation = 0;
  std::map<core::TimerId, EventId> timers;
};

struct Coordination::Instance {
  std::string name;
  bool up = false;
  uint32_t incarnation = 0;
  bool run_returned = false;                  // RunWithLeaderElection returned
  std::unique_ptr<core::LeaderElector> le;
  std::unique_ptr<core::LeaderElectionController> ctl;
  uint32_t ctl_generation = 0;                // bumped per controller (stale responses)
  std::map<core::TimerId, EventId> le_timers;
  std::map<core::TimerId, EventId> ctl_timers;
  std::set<core::RequestId> le_cancelled;
};

Coordination::Coordination(World& w) : w_(w), spec_(*w.scenario_.coordination) {
  int newest = 0;
  for (const CandidateSpec& c : w_.scenario_.candidates) newest = std::max(newest, c.profile.minor);
  api_ = spec_.api.value_or(LeaseCandidateApiFor(newest));
  record_.enabled = true;
  for (const CandidateSpec& c : w_.scenario_.candidates) {
    auto cand = std::make_unique<Candidate>();
    cand->binary = c.binary_version;
    cand->emulation = c.emulation_version;
    cands_.push_back(std::move(cand));
  }
  presence_.resize(cands_.size());
  for (const std::string& name : spec_.apiservers) {
    auto inst = std::make_unique<Instance>();
    inst->name = name;
    apiservers_.push_back(std::move(inst));
  }
}

Coordination::~Coordination() = default;

core::LocalTime Coordination::ServerLocal() const {
  // API server instances keep exact time: monotonic = uptime of a machine booted an hour
  // before the scenario, wall = the server's wall clock.
  const TrueTime now = w_.scheduler_.now();
  return {core::MonoTime{now - kTrueEpoch + std::chrono::hours(1)}, kEpochWall + (now - kTrueEpoch)};
}

// Candidate lines carry the node; API server lines carry no node (not a candidate lane)
// but an "apiserver" field.
void Coordination::TraceLog(std::string_view who, const core::CoordLog& l, bool apiserver) {
  auto ev = w_.trace_.Begin(w_.scheduler_.now(), "coordination_log", apiserver ? std::string_view{} : who);
  if (apiserver) ev.Str("apiserver", who);
  ev.Int("level", l.error ? -1 : l.verbosity).ExtraStr("text", l.text);
}

// --- candidates (client-go LeaseCandidate) ----------------------------------------------------

void Coordination::ProcessStarted(int n) {
  const CandidateSpec& spec = w_.scenario_.candidates[static_cast<size_t>(n)];
  Candidate& c = *cands_[static_cast<size_t>(n)];
  const TrueTime now = w_.scheduler_.now();
  if (!c.emulation.empty()) presence_[static_cast<size_t>(n)].push_back({now, TrueTime::Max(), c.emulation});
  if (!spec.config.coordinated) return;
  c.incarnation = w_.NodeIncarnation(n);
  c.timers.clear();
  core::LeaseCandidateConfig cfg;
  cfg.namespace_ = spec.config.lock.namespace_;
  cfg.name = w_.NodeIdentity(n);
  cfg.leaseName = spec.config.lock.name;
  cfg.binaryVersion = c.binary;
  cfg.emulationVersion = c.emulation;
  cfg.strategy = std::string(core::kOldestEmulationVersion);
  cfg.api = api_;
  c.client = std::make_unique<core::LeaseCandidateClient>(cfg);
  // The informer syncs (a List) before Run enqueues: not modelled, Start is immediate.
  ApplyClient(n, c.client->Start(w_.Local(n)));
}

void Coordination::ProcessStopped(int n) {
  Candidate& c = *cands_[static_cast<size_t>(n)];
  const TrueTime now = w_.scheduler_.now();
  auto& pres = presence_[static_cast<size_t>(n)];
  if (!pres.empty() && pres.back().end == TrueTime::Max()) pres.back().end = now;
  for (auto& [id, ev] : c.timers) w_.scheduler_.Cancel(ev);
  c.timers.clear();
  c.client.reset();  // the process is gone: nothing is cancelled politely
}

void Coordination::ApplyClient(int n, std::span<const core::CoordEffect> effects) {
  Candidate& c = *cands_[static_cast<size_t>(n)];
  const std::vector<core::CoordEffect> copy(effects.begin(), effects.end());
  for (const core::CoordEffect& e : copy) {
    if (!c.client) return;
    if (const auto* s = std::get_if<core::SendApiRequest>(&e)) {
      core::SendApiRequest tagged = *s;
      tagged.request.id |= kRequestTag;
      w_.SendRequest(n, tagged);
    } else if (const auto* t = std::get_if<core::ArmQueueTimer>(&e)) {
      const uint32_t inc = c.incarnation;
      const core::TimerId id = t->id;
      c.timers[id] = w_.scheduler_.At(w_.NodeTrueAtMono(n, t->at), [this, n, inc, id] {
        w_.RunOnNode(n, inc, [this, n, id] {
          Candidate& cc = *cands_[static_cast<size_t>(n)];
          cc.timers.erase(id);
          if (cc.client) ApplyClient(n, cc.client->TimerFired(id, w_.Local(n)));
        });
      });
    } else if (const auto* cr = std::get_if<core::CancelRequest>(&e)) {
      w_.ForgetRequest(n, cr->id | kRequestTag);
    } else if (const auto* l = std::get_if<core::CoordLog>(&e)) {
      TraceLog(w_.scenario_.candidates[static_cast<size_t>(n)].name, *l);
    }
  }
}

void Coordination::NodeResponse(int n, const core::ApiResponse& resp) {
  Candidate& c = *cands_[static_cast<size_t>(n)];
  if (!c.client) return;
  core::ApiResponse r = resp;
  r.id &= ~kRequestTag;
  ApplyClient(n, c.client->OnApiResponse(r, w_.Local(n)));
}

// --- the store's writes: informers and the record -------------------------------------------

void Coordination::OnWrite(const AppliedWrite& wr) {
  if (!wr.object) return;
  const TrueTime now = w_.scheduler_.now();
  const bool deleted = wr.verb == core::Verb::kDelete;
  const core::InformerEvent type = deleted ? core::InformerEvent::kDelete
                                   : wr.verb == core::Verb::kCreate ? core::InformerEvent::kAdd
                                                                    : core::InformerEvent::kUpdate;
  if (const auto* lease = std::get_if<core::Lease>(wr.object.get())) {
    const std::string key = KeyOf(lease->metadata.namespace_, lease->metadata.name);
    if (deleted) leases_.erase(key);
    else leases_[key] = *lease;
    // Handover record (the scenario's lock only).
    const core::LockConfig& lock = w_.scenario_.lock;
    if (lease->metadata.name == lock.name && lease->metadata.namespace_ == lock.namespace_) {
      const std::string holder = deleted ? "" : lease->spec.holderIdentity.value_or("");
      const std::string preferred = deleted ? "" : lease->spec.preferredHolder.value_or("");
      if (holder != holder_) {
        for (auto& h : record_.handovers) {
          if (!h.holder_at) {
            h.holder_at = now;
            h.new_holder = holder;
          }
        }
      }
      if (!preferred.empty() && preferred != preferred_ && preferred != holder) {
        record_.handovers.push_back({now, std::nullopt, holder, preferred, ""});
      }
      holder_ = holder;
      preferred_ = preferred;
    }
  } else if (const auto* lc = std::get_if<core::LeaseCandidate>(wr.object.get())) {
    const std::string key = KeyOf(lc->metadata.namespace_, lc->metadata.name);
    auto old = lease_candidates_.find(key);
    if (!deleted && lc->spec.pingTime && (old == lease_candidates_.end() || old->second.spec.pingTime != lc->spec.pingTime)) {
      record_.pings++;
    }
    if (deleted) lease_candidates_.erase(key);
    else lease_candidates_[key] = *lc;
    // The candidate's own informer (field selector metadata.name): UpdateFunc only.
    if (type == core::InformerEvent::kUpdate) {
      for (size_t i = 0; i < cands_.size(); ++i) {
        Candidate& c = *cands_[i];
        const int n = static_cast<int>(i);
        if (!c.client || c.client->config().name != lc->metadata.name ||
            c.client->config().namespace_ != lc->metadata.namespace_) {
          continue;
        }
        std::optional<Duration> d = w_.network_.ResponseDelay(i, now);
        if (!d) continue;  // the watch event is lost with the path (no relist modelled)
        const uint32_t inc = c.incarnation;
        core::LeaseCandidate obj = *lc;
        w_.scheduler_.At(now + *d, [this, n, inc, obj = std::move(obj)] {
          w_.RunOnNode(n, inc, [this, n, obj] {
            Candidate& cc = *cands_[static_cast<size_t>(n)];
            if (cc.client) ApplyClient(n, cc.client->OnInformerUpdate(obj, w_.Local(n)));
          });
        });
      }
    }
  } else {
    return;
  }
  // Every API server instance's informers.
  for (size_t a = 0; a < apiservers_.size(); ++a) {
    Instance& inst = *apiservers_[a];
    if (!inst.up) continue;
    const uint32_t inc = inst.incarnation;
    core::ObjectPtr obj = wr.object;
    w_.scheduler_.At(now + spec_.watch_delay, [this, a, inc, obj, type] {
      Instance& in = *apiservers_[a];
      if (!in.up || in.incarnation != inc || !in.ctl) return;
      if (const auto* l = std::get_if<core::Lease>(obj.get())) {
        ApplyController(static_cast<int>(a), in.ctl->OnLeaseEvent(type, *l, ServerLocal()));
      } else if (const auto* c = std::get_if<core::LeaseCandidate>(obj.get())) {
        ApplyController(static_cast<int>(a), in.ctl->OnLeaseCandidateEvent(type, *c, ServerLocal()));
      }
    });
  }
}

// --- API server instances ---------------------------------------------------------------------

void Coordination::Start() {
  for (size_t a = 0; a < apiservers_.size(); ++a) {
    const int ai = static_cast<int>(a);
    w_.scheduler_.At(kTrueEpoch, [this, ai] { StartInstance(ai); });
  }
}

// kube-apiserver's post-start hook: RunWithLeaderElection(ctx, loopback, newController).
void Coordination::StartInstance(int a) {
  Instance& inst = *apiservers_[static_cast<size_t>(a)];
  if (inst.up) return;
  inst.up = true;
  inst.incarnation++;
  inst.run_returned = false;
  core::LeaderElectionConfig cfg;
  cfg.lock = core::LockConfig{.kind = core::LockKind::kLeases, .namespace_ = "kube-system",
                              .name = "leader-election-controller",
                              .identity = inst.name + "_" + UuidFor(inst.name, inst.incarnation), .labels = {}};
  cfg.leaseDuration = std::chrono::seconds(15);
  cfg.renewDeadline = std::chrono::seconds(10);
  cfg.retryPeriod = std::chrono::seconds(2);
  cfg.name = "leader-election-controller";
  const uint64_t seed = core::Prng::Stream(w_.seed_, "apiserver/" + inst.name + "/jitter/" +
                                                         std::to_string(inst.incarnation)).Next();
  inst.le = std::make_unique<core::LeaderElector>(cfg, core::VersionProfile{}, seed);
  w_.trace_.Begin(w_.scheduler_.now(), "apiserver_instance").Str("apiserver", inst.name).Str("state", "up").Str("identity", cfg.lock.identity);
  ApplyElector(a, inst.le->Start(ServerLocal()));
}

void Coordination::StopInstance(int a, std::string_view why) {
  Instance& inst = *apiservers_[static_cast<size_t>(a)];
  if (!inst.up) return;
  inst.up = false;
  inst.incarnation++;
  for (auto& [id, ev] : inst.le_timers) w_.scheduler_.Cancel(ev);
  for (auto& [id, ev] : inst.ctl_timers) w_.scheduler_.Cancel(ev);
  inst.le_timers.clear();
  inst.ctl_timers.clear();
  inst.le_cancelled.clear();
  inst.le.reset();
  inst.ctl.reset();
  w_.trace_.Begin(w_.scheduler_.now(), "apiserver_instance").Str("apiserver", inst.name).Str("state", why);
}

void Coordination::StartController(int a) {
  Instance& inst = *apiservers_[static_cast<size_t>(a)];
  // newRunnerFn: a new controller over the shared informers (already synced).
  inst.ctl = std::make_unique<core::LeaderElectionController>(
      core::LeaderElectionControllerConfig{.api = api_, .gc_period = core::kLeaseCandidateGCPeriod});
  inst.ctl_generation++;
  for (auto& [id, ev] : inst.ctl_timers) w_.scheduler_.Cancel(ev);
  inst.ctl_timers.clear();
  const core::LocalTime now = ServerLocal();
  for (const auto& [_, l] : leases_) (void)inst.ctl->OnLeaseEvent(core::InformerEvent::kAdd, l, now);
  for (const auto& [_, c] : lease_candidates_) (void)inst.ctl->OnLeaseCandidateEvent(core::InformerEvent::kAdd, c, now);
  record_.controller_starts++;
  w_.trace_.Begin(w_.scheduler_.now(), "controller").Str("apiserver", inst.name).Str("state", "started");
  ApplyController(a, inst.ctl->Start(now));
}

void Coordination::ApplyElector(int a, std::span<const core::Effect> effects) {
  Instance& inst = *apiservers_[static_cast<size_t>(a)];
  const std::vector<core::Effect> copy(effects.begin(), effects.end());
  const uint32_t inc = inst.incarnation;
  for (const core::Effect& e : copy) {
    if (!inst.up || inst.incarnation != inc || !inst.le) return;
    if (const auto* s = std::get_if<core::SendApiRequest>(&e)) {
      Loopback(a, /*elector=*/true, s->request);
    } else if (const auto* t = std::get_if<core::ArmTimer>(&e)) {
      const core::TimerId id = t->id;
      const TrueTime at = kTrueEpoch + (t->at.since_boot - std::chrono::hours(1));
      inst.le_timers[id] = w_.scheduler_.At(at, [this, a, inc, id] {
        Instance& in = *apiservers_[static_cast<size_t>(a)];
        if (!in.up || in.incarnation != inc || !in.le) return;
        in.le_timers.erase(id);
        ApplyElector(a, in.le->TimerFired(id, ServerLocal()));
      });
    } else if (const auto* c = std::get_if<core::CancelTimer>(&e)) {
      auto it = inst.le_timers.find(c->id);
      if (it != inst.le_timers.end()) {
        w_.scheduler_.Cancel(it->second);
        inst.le_timers.erase(it);
      }
    } else if (const auto* cr = std::get_if<core::CancelRequest>(&e)) {
      inst.le_cancelled.insert(cr->id);
    } else if (const auto* cb = std::get_if<core::InvokeCallback>(&e)) {
      if (cb->callback == core::Callback::kOnStartedLeading) {
        // `go OnStartedLeading(ctx)`.
        w_.scheduler_.Post([this, a, inc] {
          Instance& in = *apiservers_[static_cast<size_t>(a)];
          if (in.up && in.incarnation == inc) StartController(a);
        });
      } else if (cb->callback == core::Callback::kOnStoppedLeading) {
        if (inst.ctl) {
          ApplyController(a, inst.ctl->Stop());
          w_.trace_.Begin(w_.scheduler_.now(), "controller").Str("apiserver", inst.name).Str("state", "stopped");
        }
      }
    } else if (std::holds_alternative<core::RunExited>(e)) {
      // RunWithLeaderElection returns: this instance runs no controller until it restarts.
      inst.run_returned = true;
      w_.trace_.Begin(w_.scheduler_.now(), "apiserver_instance").Str("apiserver", inst.name).Str("state", "election-returned");
    }
  }
}

void Coordination::ApplyController(int a, std::span<const core::CoordEffect> effects) {
  Instance& inst = *apiservers_[static_cast<size_t>(a)];
  const std::vector<core::CoordEffect> copy(effects.begin(), effects.end());
  const uint32_t inc = inst.incarnation;
  const uint32_t gen = inst.ctl_generation;
  for (const core::CoordEffect& e : copy) {
    if (!inst.up || inst.incarnation != inc || !inst.ctl) return;
    if (const auto* s = std::get_if<core::SendApiRequest>(&e)) {
      Loopback(a, /*elector=*/false, s->request);
    } else if (const auto* t = std::get_if<core::ArmQueueTimer>(&e)) {
      const core::TimerId id = t->id;
      const TrueTime at = kTrueEpoch + (t->at.since_boot - std::chrono::hours(1));
      inst.ctl_timers[id] = w_.scheduler_.At(at, [this, a, inc, gen, id] {
        Instance& in = *apiservers_[static_cast<size_t>(a)];
        if (!in.up || in.incarnation != inc || !in.ctl || in.ctl_generation != gen) return;
        in.ctl_timers.erase(id);
        ApplyController(a, in.ctl->TimerFired(id, ServerLocal()));
      });
    } else if (const auto* l = std::get_if<core::CoordLog>(&e)) {
      if (l->verbosity <= 2) TraceLog(inst.name, *l, /*apiserver=*/true);
    }
  }
}

// The loopback client: straight to the shared API server (its admission, latency and
// faults), answered in place; a request the server drops times out after 1s.
void Coordination::Loopback(int a, bool elector, const core::ApiRequest& req) {
  Instance& inst = *apiservers_[static_cast<size_t>(a)];
  const uint32_t inc = inst.incarnation;
  const uint32_t gen = inst.ctl_generation;
  auto deliver = [this, a, inc, gen, elector](core::ApiResponse resp) {
    Instance& in = *apiservers_[static_cast<size_t>(a)];
    if (!in.up || in.incarnation != inc) return;
    if (elector) {
      if (!in.le || in.le_cancelled.erase(resp.id)) return;
      ApplyElector(a, in.le->OnApiResponse(resp, ServerLocal()));
    } else {
      if (!in.ctl || in.ctl_generation != gen) return;
      ApplyController(a, in.ctl->OnApiResponse(resp, ServerLocal()));
    }
  };
  const TrueTime now = w_.scheduler_.now();
  // The election controller runs inside kube-apiserver: loopback requests, exempt from APF.
  static const apf::RequestDigest kLoopback = [] {
    apf::RequestDigest d;
    d.user = apf::LoopbackUser();
    return d;
  }();
  ArriveOptions opts;
  opts.digest = &kLoopback;
  Admission ad = w_.server_.Arrive(req, now, std::move(opts));
  switch (ad.kind) {
    case Admission::Kind::kProcessed: {
      if (ad.complete_at - now >= kLoopbackTimeout) break;  // answered by the timeout below
      core::ApiRequest r = req;
      const bool traced = !elector;
      w_.scheduler_.At(ad.complete_at, [this, r, deliver, traced] {
        core::ApiResponse resp = w_.server_.Complete(r, w_.scheduler_.now());
        resp.id = r.id;
        if (traced) TraceServed(r, resp);
        deliver(std::move(resp));
      });
      return;
    }
    case Admission::Kind::kRejected: {
      core::ApiResponse resp = ad.response;
      resp.id = req.id;
      w_.scheduler_.Post([deliver, resp] { deliver(resp); });
      return;
    }
    case Admission::Kind::kDropped: break;
    case Admission::Kind::kQueued: break;  // never for exempt loopback requests
  }
  const core::RequestId id = req.id;
  if (ad.kind == Admission::Kind::kProcessed) {
    // Still applied at its completion instant; the client gave up before.
    core::ApiRequest r = req;
    w_.scheduler_.At(ad.complete_at, [this, r] { (void)w_.server_.Complete(r, w_.scheduler_.now()); });
  }
  w_.scheduler_.At(now + kLoopbackTimeout, [deliver, id] {
    core::ApiResponse resp;
    resp.id = id;
    resp.status = core::Status::ClientTimeout();
    deliver(std::move(resp));
  });
}

// TraceServed writes the controller's successful writes of the scenario's Lease as
// node-less api_served events (ids tagged with kControllerTag), so trace readers see
// every holder change of the Lease.
void Coordination::TraceServed(const core::ApiRequest& r, const core::ApiResponse& resp) {
  if (!resp.status.ok() || r.verb == core::Verb::kGet) return;
  if (r.resource == core::Resource::kLeaseCandidates) {
    // The controller's pings (pingTime) and garbage collection (delete) of LeaseCandidates.
    auto ev = w_.trace_.Begin(w_.scheduler_.now(), "api_served");
    ev.Int("id", static_cast<int64_t>(r.id | kControllerTag))
        .Enum("verb", static_cast<int>(r.verb), core::VerbName(r.verb))
        .Int("code", resp.status.code)
        .Enum("reason", static_cast<int>(resp.status.reason), core::ReasonName(resp.status.reason))
        .Str("rv", resp.body ? std::string_view(core::Meta(*resp.body).resourceVersion) : std::string_view())
        .Str("name", r.name);
    if (resp.body && w_.trace_.writing()) ev.Extra("object", core::ToJson(*resp.body));
    return;
  }
  if (!resp.body) return;
  const auto* lease = std::get_if<core::Lease>(resp.body.get());
  const core::LockConfig& lock = w_.scenario_.lock;
  if (!lease || lease->metadata.name != lock.name || lease->metadata.namespace_ != lock.namespace_) return;
  auto ev = w_.trace_.Begin(w_.scheduler_.now(), "api_served");
  ev.Int("id", static_cast<int64_t>(r.id | kControllerTag))
      .Enum("verb", static_cast<int>(r.verb), core::VerbName(r.verb))
      .Int("code", resp.status.code)
      .Enum("reason", static_cast<int>(resp.status.reason), core::ReasonName(resp.status.reason))
      .Str("rv", lease->metadata.resourceVersion)
      .Str("holder", lease->spec.holderIdentity.value_or(""));
  if (w_.trace_.writing()) ev.Extra("object", core::ToJson(*resp.body));
}

// --- faults -------------------------------------------------------------------------------------

void Coordination::BeginFault(const FaultSpec& f) {
  for (const std::string& node : f.nodes) {
    for (size_t i = 0; i < cands_.size(); ++i) {
      if (w_.scenario_.candidates[i].name != node || f.kind != FaultKind::kRestart) continue;
      // An upgrade: the restarted binary reports its new versions.
      if (f.binary_version) {
        cands_[i]->binary = *f.binary_version;
        if (!f.emulation_version) cands_[i]->emulation = *f.binary_version;
      }
      if (f.emulation_version) cands_[i]->emulation = *f.emulation_version;
    }
    for (size_t a = 0; a < apiservers_.size(); ++a) {
      if (apiservers_[a]->name != node) continue;
      const int ai = static_cast<int>(a);
      if (f.kind == FaultKind::kCrash) StopInstance(ai, "crashed");
      if (f.kind == FaultKind::kRestart) {
        StopInstance(ai, "crashed");
        StartInstance(ai);
      }
    }
  }
}

void Coordination::EndFault(const FaultSpec& f) {
  if (f.kind != FaultKind::kCrash) return;
  for (const std::string& node : f.nodes) {
    for (size_t a = 0; a < apiservers_.size(); ++a) {
      if (apiservers_[a]->name == node) StartInstance(static_cast<int>(a));
    }
  }
}

// --- the record -----------------------------------------------------------------------------------

// Oldest emulation version present: for every stretch where a node believes it leads, the
// part where another running candidate has an older emulation version.
void Coordination::Finish(OracleInput& in) {
  const TrueTime end = in.end;
  for (auto& pres : presence_) {
    for (auto& p : pres) p.end = std::min(p.end, end);
  }
  std::vector<CoordinationRecord::Span> raw;
  for (size_t n = 0; n < in.nodes.size() && n < presence_.size(); ++n) {
    for (const Interval& b : in.nodes[n].believed) {
      // The leader's own version during b: its presence span containing b.start.
      for (const Presence& mine : presence_[n]) {
        const TrueTime s0 = std::max(b.start, mine.start), e0 = std::min(b.end, mine.end);
        if (s0 >= e0) continue;
        const auto my_ev = core::ParseTolerantSemver(mine.emulation);
        if (!my_ev) continue;
        for (size_t m = 0; m < presence_.size(); ++m) {
          if (m == n) continue;
          for (const Presence& other : presence_[m]) {
            const auto ev = core::ParseTolerantSemver(other.emulation);
            if (!ev || ev->Compare(*my_ev) >= 0) continue;
            const TrueTime s1 = std::max(s0, other.start), e1 = std::min(e0, other.end);
            if (s1 < e1) raw.push_back({s1, e1});
          }
        }
      }
    }
  }
  std::sort(raw.begin(), raw.end(), [](const auto& x, const auto& y) { return x.start < y.start; });
  for (const auto& s : raw) {
    auto& v = record_.oldest_emulation_violations;
    if (!v.empty() && s.start <= v.back().end) {
      v.back().end = std::max(v.back().end, s.end);
    } else {
      v.push_back(s);
    }
  }
  for (const auto& s : record_.oldest_emulation_violations) record_.oldest_emulation_violation_total += s.end - s.start;
  in.coordination = record_;
}

}  // namespace leasesim::sim
