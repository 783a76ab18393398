// cluster_world.cc — kubelets, the node lifecycle controller and the Node/Lease store on
// the world's scheduler. See cluster_world.h.
#include "sim/cluster_world.h"

#include "sim/apf.h"

#include <algorithm>
#include <cassert>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace leasesim::sim {
namespace {

constexpr int kLeaseComp = 0;
constexpr int kStatusComp = 1;

core::WallTime ServerWall(TrueTime now) { return kEpochWall + (now - kTrueEpoch); }

// NodeDigest is a node-heartbeat request as API Priority and Fairness classifies it.
apf::RequestDigest NodeDigest(const core::NodeApiRequest& r, apf::UserInfo user) {
  apf::RequestDigest d;
  d.user = std::move(user);
  d.verb = core::NodeVerbName(r.verb);
  d.name = r.name;
  switch (r.resource) {
    case core::NodeResource::kLease:
      d.api_group = "coordination.k8s.io";
      d.resource = "leases";
      d.namespace_ = std::string(core::kNamespaceNodeLease);
      break;
    case core::NodeResource::kNode:
    case core::NodeResource::kNodeTaints: d.resource = "nodes"; break;
    case core::NodeResource::kNodeStatus:
      d.resource = "nodes";
      d.subresource = "status";
      break;
    case core::NodeResource::kPod:
      d.resource = "pods";
      d.namespace_ = "default";
      break;
  }
  return d;
}

core::Verb ProxyVerb(core::NodeVerb v) {
  switch (v) {
    case core::NodeVerb::kGet: return core::Verb::kGet;
    case core::NodeVerb::kCreate: return core::Verb::kCreate;
    case core::NodeVerb::kDelete: return core::Verb::kDelete;
    default: return core::Verb::kUpdate;
  }
}

// LeaseJsonBytes is the size of the Lease's JSON as the API server stores and sends it
// (apiVersion, kind, metadata with the owner reference, spec with a MicroTime renewTime).
int64_t LeaseJsonBytes(const core::NodeLease& l) {
  nlohmann::json owners = nlohmann::json::array();
  for (const core::OwnerReference& o : l.ownerReferences)
    owners.push_back({{"apiVersion", o.apiVersion}, {"kind", o.kind}, {"name", o.name}, {"uid", o.uid}});
  nlohmann::json j = {
      {"apiVersion", "coordination.k8s.io/v1"},
      {"kind", "Lease"},
      {"metadata",
       {{"name", l.metadata.name},
        {"namespace", l.metadata.namespace_},
        {"uid", "00000000-0000-4000-8000-000000000000"},
        {"resourceVersion", "1234567"},
        {"creationTimestamp", "2026-01-01T00:00:00Z"},
        {"ownerReferences", owners}}},
      {"spec",
       {{"holderIdentity", l.spec.holderIdentity.value_or("")},
        {"leaseDurationSeconds", l.spec.leaseDurationSeconds.value_or(0)},
        {"renewTime", "2026-01-01T00:00:00.000000Z"}}}};
  return static_cast<int64_t>(j.dump().size());
}

bool HasNodeControllerTaint(const core::Node& n) {
  for (const core::Taint& t : n.taints)
    if (t.effect == core::kTaintEffectNoExecute && (t.key == core::kTaintNodeUnreachable || t.key == core::kTaintNodeNotReady))
      return true;
  return false;
}

core::ConditionStatus ReadyOf(const core::NodePtr& n) {
  if (!n) return core::ConditionStatus::kUnknown;
  const core::NodeCondition* c = core::GetNodeCondition(n->conditions, "Ready");
  return c ? c->status : core::ConditionStatus::kUnknown;
}

}  // namespace

struct ClusterWorld::Kubelet {
  int index = 0;
  std::string name;
  NodeClock clock;
  uint32_t inc = 0;
  bool running = false;
  std::unique_ptr<core::NodeLeaseController> lease;
  std::unique_ptr<core::NodeStatusUpdater> status;
  int stopped = 0, down = 0, cut = 0, broken = 0, slow = 0, clock_steps = 0;
  std::vector<uint32_t> held;  // requests hanging on a broken connection
  TrueTime last_heartbeat = kTrueEpoch;
  int64_t lease_bytes = 0;
};

struct ClusterWorld::Msg {
  int k = -1;
  int comp = 0;
  uint32_t inc = 0;
  core::NodeApiRequest req;
  core::NodeApiResponse resp;
  bool done = true;
  int refs = 0;
  EventId timeout;
};

struct ClusterWorld::Controller {
  int kcm = 0;
  uint64_t gen = 0;
  std::unique_ptr<core::NodeLifecycleController> nc;
  TrueTime start{};
};

ClusterWorld::ClusterWorld(const ClusterSpec& spec, uint64_t seed, Scheduler& scheduler, ApiServer& server,
                           Network& kcm_network, Trace& trace, ClusterHooks hooks)
    : spec_(spec),
      seed_(seed),
      sched_(scheduler),
      server_(server),
      kcm_network_(kcm_network),
      trace_(trace),
      hooks_(std::move(hooks)),
      knet_(core::Prng::Stream(seed, "cluster/network").Next(), spec.node_names) {
  PathConfig path;
  path.request_delay = spec.request_delay;
  path.response_delay = spec.response_delay;
  path.loss_ratio = spec.loss;
  const size_t n = spec.node_names.size();
  nodes_.resize(n);
  leases_.resize(n);
  pods_.assign(n, spec.pods_per_node);
  record_.fault_start.assign(spec.faults.size(), TrueTime::Max());
  proxy_.namespace_ = std::string(core::kNamespaceNodeLease);
  const core::WallTime created = kEpochWall + Duration(-std::chrono::hours(24 * 30));
  for (size_t i = 0; i < n; ++i) {
    knet_.SetBase(i, path);
    auto kb = std::make_unique<Kubelet>();
    kb->index = static_cast<int>(i);
    kb->name = spec.node_names[i];
    // The machine booted a day before the scenario.
    kb->clock = NodeClock(kTrueEpoch - std::chrono::hours(24), Duration{0}, 0);
    node_index_[kb->name] = static_cast<int>(i);

    // The cluster has been running: the Node is registered and Ready, its Lease exists.
    core::Node node;
    node.metadata.name = kb->name;
    node.metadata.uid = fmt::format("{:08x}-0000-4000-8000-{:012x}", core::StableHash(kb->name) & 0xffffffffu, i);
    node.metadata.creationTimestamp = created;
    node.metadata.resourceVersion = NextRv();
    const int z = spec.node_zone[i];
    if (!spec.zone_names[z].empty()) {
      node.metadata.labels[std::string(core::kLabelTopologyZone)] = spec.zone_names[z];
      node.metadata.labels[std::string(core::kLabelTopologyRegion)] = spec.zone_regions[z];
    }
    core::KubeletConditions(node.conditions, kEpochWall);
    if (spec.node_lease) {
      core::NodeLease l;
      l.metadata.name = kb->name;
      l.metadata.namespace_ = std::string(core::kNamespaceNodeLease);
      l.metadata.resourceVersion = NextRv();
      l.metadata.creationTimestamp = created;
      l.ownerReferences = {core::OwnerReference{"v1", "Node", kb->name, node.metadata.uid}};
      l.spec.holderIdentity = kb->name;
      l.spec.leaseDurationSeconds = spec.node_lease_duration_seconds;
      l.spec.renewTime = kEpochWall;
      kb->lease_bytes = LeaseJsonBytes(l);
      leases_[i] = std::make_shared<const core::NodeLease>(std::move(l));
    }
    nodes_[i] = std::make_shared<const core::Node>(std::move(node));
    kubelets_.push_back(std::move(kb));
  }
}

ClusterWorld::~ClusterWorld() = default;

std::string ClusterWorld::NextRv() { return std::to_string(++rv_); }

void ClusterWorld::Start() {
  const Duration renew = core::KubeletRenewInterval(spec_.node_lease_duration_seconds);
  const Duration spread = spec_.node_lease ? std::min(renew, spec_.node_status_update_frequency)
                                           : spec_.node_status_update_frequency;
  for (size_t i = 0; i < kubelets_.size(); ++i) {
    // Kubelets started at different times: their loops are out of phase.
    core::Prng rng = core::Prng::Stream(seed_, "cluster/" + kubelets_[i]->name + "/start");
    const Duration offset(static_cast<int64_t>(rng.Uniform(static_cast<uint64_t>(spread.count()))));
    const int k = static_cast<int>(i);
    sched_.At(kTrueEpoch + offset, [this, k] { StartKubelet(k); });
  }
  for (const ClusterFaultSpec& f : spec_.faults) {
    const ClusterFaultSpec* fp = &f;
    sched_.At(kTrueEpoch + f.at, [this, fp] { BeginFault(*fp); });
    if (f.for_) sched_.At(kTrueEpoch + f.at + *f.for_, [this, fp] { EndFault(*fp); });
  }
}

// --- kubelets -------------------------------------------------------------------------------

void ClusterWorld::StartKubelet(int k) {
  Kubelet& kb = *kubelets_[k];
  if (kb.running || kb.stopped > 0 || kb.down > 0) return;
  kb.running = true;
  ++kb.inc;
  const std::string base = "cluster/" + kb.name + "/" + std::to_string(kb.inc);
  const core::LocalTime now = kb.clock.Local(sched_.now());
  // Worker nodes are named in a "worker" field (the trace's "node" is a candidate).
  if (kb.inc > 1) trace_.Begin(sched_.now(), "kubelet").Str("worker", kb.name).Bool("running", true);
  if (spec_.node_lease) {
    kb.lease = std::make_unique<core::NodeLeaseController>(
        core::NodeLeaseControllerConfig::Kubelet(kb.name, spec_.node_lease_duration_seconds),
        core::Prng::Stream(seed_, base + "/lease").Next());
    ApplyKubelet(k, kLeaseComp, kb.lease->Run(now));
  }
  core::NodeStatusUpdaterConfig sc;
  sc.nodeName = kb.name;
  sc.nodeStatusUpdateFrequency = spec_.node_status_update_frequency;
  // Without node Leases (before KEP-589) every status update is a full report.
  sc.nodeStatusReportFrequency =
      spec_.node_lease ? spec_.node_status_report_frequency
                       : std::min(spec_.node_status_report_frequency, spec_.node_status_update_frequency);
  kb.status = std::make_unique<core::NodeStatusUpdater>(sc, core::Prng::Stream(seed_, base + "/status").Next());
  ApplyKubelet(k, kStatusComp, kb.status->Run(now));
}

void ClusterWorld::StopKubelet(int k, bool machine_down) {
  Kubelet& kb = *kubelets_[k];
  if (!kb.running) return;
  kb.running = false;
  ++kb.inc;  // everything of the old incarnation is void
  kb.lease.reset();
  kb.status.reset();
  trace_.Begin(sched_.now(), "kubelet").Str("worker", kb.name).Bool("running", false).Bool("machine_down", machine_down);
}

void ClusterWorld::ApplyKubelet(int k, int comp, std::span<const core::NodeEffect> effects) {
  for (const core::NodeEffect& e : effects) {
    if (const auto* s = std::get_if<core::SendNodeApiRequest>(&e)) {
      SendFromKubelet(k, comp, s->request);
    } else if (const auto* t = std::get_if<core::ArmNodeTimer>(&e)) {
      Kubelet& kb = *kubelets_[k];
      const uint32_t inc = kb.inc;
      const core::TimerId id = t->id;
      sched_.At(kb.clock.TrueAtMono(t->at), [this, k, comp, inc, id] {
        Kubelet& b = *kubelets_[k];
        if (b.inc != inc || !b.running) return;
        const core::LocalTime now = b.clock.Local(sched_.now());
        if (comp == kLeaseComp) {
          ApplyKubelet(k, comp, b.lease->TimerFired(id, now));
        } else {
          ApplyKubelet(k, comp, b.status->TimerFired(id, now));
        }
      });
    } else if (std::holds_alternative<core::RepeatedHeartbeatFailure>(e)) {
      ++record_.repeated_heartbeat_failures;
    }
  }
}

uint32_t ClusterWorld::AllocMsg() {
  if (!free_msgs_.empty()) {
    const uint32_t s = free_msgs_.back();
    free_msgs_.pop_back();
    return s;
  }
  msgs_.emplace_back();
  return static_cast<uint32_t>(msgs_.size() - 1);
}

void ClusterWorld::Unref(uint32_t slot) {
  Msg& m = msgs_[slot];
  assert(m.refs > 0);
  if (--m.refs > 0) return;
  m.req = core::NodeApiRequest{};
  m.resp = core::NodeApiResponse{};
  free_msgs_.push_back(slot);
}

void ClusterWorld::SendFromKubelet(int k, int comp, core::NodeApiRequest req) {
  Kubelet& kb = *kubelets_[k];
  const uint32_t slot = AllocMsg();
  {
    Msg& m = msgs_[slot];
    m.k = k;
    m.comp = comp;
    m.inc = kb.inc;
    m.req = std::move(req);
    m.done = false;
    m.refs = 2;  // the client, and its timeout
    m.timeout = sched_.After(spec_.heartbeat_timeout, [this, slot] { KubeletTimeout(slot); });
  }
  ++record_.kubelet_requests;
  if (kb.broken > 0) {
    msgs_[slot].refs++;
    kb.held.push_back(slot);  // the request hangs on the dead connection
    return;
  }
  const std::optional<Duration> d = knet_.RequestDelay(static_cast<size_t>(k), sched_.now());
  if (!d) return;
  msgs_[slot].refs++;
  sched_.After(*d, [this, slot] { KubeletArrive(slot); });
}

void ClusterWorld::KubeletArrive(uint32_t slot) {
  proxy_.id = slot + 1;
  proxy_.verb = ProxyVerb(msgs_[slot].req.verb);
  ArriveOptions o;
  apf::RequestDigest digest;
  if (server_.apf()) {  // API Priority and Fairness: the kubelet is system:node:<name>
    digest = NodeDigest(msgs_[slot].req, apf::NodeUser(spec_.node_names[static_cast<size_t>(msgs_[slot].k)]));
    o.digest = &digest;
    o.later = [this, slot](const Admission& a) {
      KubeletAdmitted(slot, a);
      Unref(slot);
    };
  }
  KubeletAdmitted(slot, server_.Arrive(proxy_, sched_.now(), std::move(o)));
  Unref(slot);
}

void ClusterWorld::KubeletAdmitted(uint32_t slot, const Admission& a) {
  switch (a.kind) {
    case Admission::Kind::kProcessed:
      msgs_[slot].refs++;
      sched_.At(a.complete_at, [this, slot] { KubeletComplete(slot); });
      break;
    case Admission::Kind::kRejected: {
      core::NodeApiResponse r;
      r.status = a.response.status;
      KubeletRespond(slot, std::move(r));
      break;
    }
    case Admission::Kind::kDropped: break;
    case Admission::Kind::kQueued: msgs_[slot].refs++; break;  // held until APF decides
  }
}

void ClusterWorld::KubeletComplete(uint32_t slot) {
  core::NodeApiResponse r = Apply(msgs_[slot].req, sched_.now(), msgs_[slot].k);
  KubeletRespond(slot, std::move(r));
  Unref(slot);
}

void ClusterWorld::KubeletRespond(uint32_t slot, core::NodeApiResponse resp) {
  Msg& m = msgs_[slot];
  resp.id = m.req.id;
  const int k = m.k;
  if (kubelets_[k]->broken > 0) return;  // lost on the dead connection
  const std::optional<Duration> d = knet_.ResponseDelay(static_cast<size_t>(k), sched_.now());
  if (!d) return;
  m.resp = std::move(resp);
  m.refs++;
  sched_.After(*d, [this, slot] { KubeletReceive(slot); });
}

void ClusterWorld::KubeletReceive(uint32_t slot) {
  if (!msgs_[slot].done) {
    const core::NodeApiResponse r = msgs_[slot].resp;
    FinishMsg(slot, r);
  }
  Unref(slot);
}

void ClusterWorld::KubeletTimeout(uint32_t slot) {
  Msg& m = msgs_[slot];
  m.timeout = EventId{};
  if (!m.done) {
    core::NodeApiResponse r;
    r.id = m.req.id;
    r.status = core::Status::ClientTimeout();
    FinishMsg(slot, r);
  }
  Unref(slot);
}

// FinishMsg completes a request at the client: cancels its timeout, delivers the answer to
// the component if the kubelet incarnation that sent it still runs, releases the client ref.
void ClusterWorld::FinishMsg(uint32_t slot, const core::NodeApiResponse& resp) {
  Msg& m = msgs_[slot];
  m.done = true;
  if (m.timeout.valid() && sched_.Cancel(m.timeout)) m.refs--;
  m.timeout = EventId{};
  if (!resp.status.ok()) ++record_.kubelet_failures;
  const int k = m.k;
  const int comp = m.comp;
  const uint32_t inc = m.inc;
  Unref(slot);
  Kubelet& kb = *kubelets_[k];
  if (kb.inc != inc || !kb.running) return;
  const core::LocalTime now = kb.clock.Local(sched_.now());
  if (comp == kLeaseComp) {
    ApplyKubelet(k, comp, kb.lease->OnApiResponse(resp, now));
  } else {
    ApplyKubelet(k, comp, kb.status->OnApiResponse(resp, now));
  }
}

// --- controllers -------------------------------------------------------------------------------

void ClusterWorld::StartController(int kcm, TrueTime now) {
  if (controllers_.count(kcm)) return;
  auto c = std::make_unique<Controller>();
  c->kcm = kcm;
  c->gen = next_controller_gen_++;
  c->nc = std::make_unique<core::NodeLifecycleController>(spec_.controller);
  c->start = now;
  const core::LocalTime local = hooks_.local(kcm);
  // WaitForNamedCacheSync: the informers list Nodes, Leases and Pods first.
  for (size_t n = 0; n < nodes_.size(); ++n) {
    if (nodes_[n]) {
      (void)c->nc->ObserveNode(nodes_[n], local);
      record_.list_bytes += static_cast<uint64_t>(spec_.node_bytes);
    }
    if (leases_[n]) {
      c->nc->ObserveLease(leases_[n]);
      record_.list_bytes += static_cast<uint64_t>(kubelets_[n]->lease_bytes);
    }
    c->nc->ObservePods(spec_.node_names[n], pods_[n]);
  }
  const uint64_t gen = c->gen;
  controllers_[kcm] = std::move(c);
  trace_.Begin(now, "node_lifecycle_controller", hooks_.name(kcm), &local).Bool("running", true);
  ApplyController(kcm, gen, controllers_[kcm]->nc->Run(local));
}

void ClusterWorld::StopController(int kcm, TrueTime now) {
  auto it = controllers_.find(kcm);
  if (it == controllers_.end()) return;
  record_.controllers.push_back({hooks_.name(kcm), it->second->start, now});
  controllers_.erase(it);
  trace_.Begin(now, "node_lifecycle_controller", hooks_.name(kcm)).Bool("running", false);
}

void ClusterWorld::ApplyController(int kcm, uint64_t gen, std::span<const core::NodeEffect> effects) {
  for (const core::NodeEffect& e : effects) {
    if (const auto* s = std::get_if<core::SendNodeApiRequest>(&e)) {
      SendFromController(kcm, s->request);
    } else if (const auto* t = std::get_if<core::ArmNodeTimer>(&e)) {
      const core::TimerId id = t->id;
      sched_.At(hooks_.true_at_mono(kcm, t->at), [this, kcm, gen, id] {
        auto it = controllers_.find(kcm);
        if (it == controllers_.end() || it->second->gen != gen) return;
        ApplyController(kcm, gen, it->second->nc->TimerFired(id, hooks_.local(kcm)));
      });
    } else if (const auto* ev = std::get_if<core::NodeEvent>(&e)) {
      if (ev->kind == core::NodeEventKind::kZoneState) {
        std::string zone = ev->node;
        const auto sep = zone.find(std::string_view(":\0:", 3));
        if (sep != std::string::npos) zone = zone.substr(sep + 3);
        core::ZoneState st = core::ZoneState::kNormal;
        for (core::ZoneState z : {core::ZoneState::kNormal, core::ZoneState::kPartialDisruption, core::ZoneState::kFullDisruption})
          if (core::ZoneStateName(z) == ev->detail) st = z;
        record_.zones.push_back({zone, sched_.now(), st, hooks_.name(kcm)});
        trace_.Begin(sched_.now(), "zone_state", hooks_.name(kcm)).Str("zone", zone).Str("state", ev->detail);
      }
    }
  }
}

void ClusterWorld::SendFromController(int kcm, const core::NodeApiRequest& req) {
  ++record_.controller_requests;
  auto it = node_index_.find(req.name);
  if (it == node_index_.end()) return;
  const int n = it->second;
  const std::optional<Duration> d = kcm_network_.RequestDelay(static_cast<size_t>(kcm), sched_.now());
  if (!d) return;
  const core::NodeVerb verb = req.verb;
  const core::NodeResource res = req.resource;
  core::NodePtr body = req.node;
  sched_.After(*d, [this, n, verb, res, body = std::move(body)]() mutable {
    proxy_.id = 0;
    proxy_.verb = ProxyVerb(verb);
    auto apply_at = [this, n, verb, res, body](const Admission& a) {
      if (a.kind != Admission::Kind::kProcessed) return;  // fire-and-forget (see core)
      sched_.At(a.complete_at, [this, n, verb, res, body] {
        core::NodeApiRequest r;
        r.verb = verb;
        r.resource = res;
        r.name = spec_.node_names[n];
        r.node = body;
        (void)Apply(r, sched_.now(), -1);
      });
    };
    ArriveOptions o;
    apf::RequestDigest digest;
    if (server_.apf()) {  // the node lifecycle controller's service account (--use-service-account-credentials)
      core::NodeApiRequest r;
      r.verb = verb;
      r.resource = res;
      r.name = spec_.node_names[n];
      digest = NodeDigest(r, apf::ServiceAccountUser("kube-system", "node-controller"));
      o.digest = &digest;
      o.later = apply_at;
    }
    apply_at(server_.Arrive(proxy_, sched_.now(), std::move(o)));
  });
}

// --- the store -------------------------------------------------------------------------------------

core::NodeApiResponse ClusterWorld::Apply(const core::NodeApiRequest& req, TrueTime now, int from_kubelet) {
  core::NodeApiResponse out;
  out.id = req.id;
  int n = from_kubelet;  // a kubelet only names its own Node and Lease
  if (n < 0) {
    auto it = node_index_.find(req.name);
    if (it == node_index_.end()) {
      out.status = core::Status::NotFound(core::Resource::kLeases, req.name);
      return out;
    }
    n = it->second;
  }
  assert(req.name == spec_.node_names[static_cast<size_t>(n)]);
  Kubelet& kb = *kubelets_[n];
  auto heartbeat = [&](int64_t request_bytes, int64_t object_bytes, int64_t watchers) {
    record_.heartbeat_request_bytes += static_cast<uint64_t>(request_bytes);
    record_.heartbeat_storage_bytes += static_cast<uint64_t>(object_bytes);
    record_.heartbeat_watch_bytes += static_cast<uint64_t>(object_bytes * watchers);
    kb.last_heartbeat = now;
  };
  switch (req.resource) {
    case core::NodeResource::kLease: {
      const core::NodeLeasePtr& stored = leases_[n];
      if (req.verb == core::NodeVerb::kGet) {
        if (!stored) {
          out.status = core::Status::NotFound(core::Resource::kLeases, req.name);
        } else {
          out.lease = stored;
        }
        return out;
      }
      if (req.verb == core::NodeVerb::kCreate && stored) {
        out.status = core::Status::AlreadyExists(core::Resource::kLeases, req.name);
        return out;
      }
      if (req.verb == core::NodeVerb::kUpdate) {
        if (!stored) {
          out.status = core::Status::NotFound(core::Resource::kLeases, req.name);
          return out;
        }
        if (req.lease->metadata.resourceVersion != stored->metadata.resourceVersion) {
          out.status = core::Status::Conflict(core::Resource::kLeases, req.name);
          return out;
        }
      }
      core::NodeLease l = *req.lease;
      l.metadata.namespace_ = std::string(core::kNamespaceNodeLease);
      l.metadata.resourceVersion = NextRv();
      if (req.verb == core::NodeVerb::kCreate) {
        l.metadata.uid = fmt::format("{:08x}-0001-4000-8000-{:012x}", static_cast<uint32_t>(rv_), n);
        l.metadata.creationTimestamp = ServerWall(now);
        out.status = core::Status::OK(201);
      }
      if (l.spec.renewTime) l.spec.renewTime = core::TruncateToMicros(*l.spec.renewTime);
      if (kb.lease_bytes == 0) kb.lease_bytes = LeaseJsonBytes(l);
      leases_[n] = out.lease = std::make_shared<const core::NodeLease>(std::move(l));
      ++record_.lease_writes;
      heartbeat(kb.lease_bytes, kb.lease_bytes, spec_.lease_watchers);
      Broadcast(n, false);
      return out;
    }
    case core::NodeResource::kNode:
      if (!nodes_[n]) {
        out.status = core::Status::NotFound(core::Resource::kLeases, req.name);
      } else {
        out.node = nodes_[n];
      }
      return out;
    case core::NodeResource::kNodeStatus: {
      const core::NodePtr& stored = nodes_[n];
      if (!stored) {
        out.status = core::Status::NotFound(core::Resource::kLeases, req.name);
        return out;
      }
      if (req.verb == core::NodeVerb::kUpdate && req.node->metadata.resourceVersion != stored->metadata.resourceVersion) {
        // UpdateStatus from a stale informer copy.
        ++record_.controller_conflicts;
        out.status = core::Status::Conflict(core::Resource::kLeases, req.name);
        return out;
      }
      const core::ConditionStatus before = ReadyOf(stored);
      core::Node node = *stored;
      node.conditions = req.node->conditions;
      node.metadata.resourceVersion = NextRv();
      nodes_[n] = out.node = std::make_shared<const core::Node>(std::move(node));
      if (from_kubelet >= 0) {
        ++record_.status_patches;
        heartbeat(spec_.node_status_patch_bytes, spec_.node_bytes, spec_.node_watchers);
        // The kubelet's own report changed Ready (True again after an outage): traced so the
        // viewer's node lanes know when a node came back.
        if (const core::ConditionStatus after = ReadyOf(out.node); after != before) {
          trace_.Begin(now, "node_ready")
              .Str("worker", kb.name)
              .Str("status", core::ConditionStatusName(after))
              .Bool("false_not_ready", false)
              .Str("cause", "kubelet status update");
        }
      } else if (ReadyOf(out.node) == core::ConditionStatus::kUnknown && before != core::ConditionStatus::kUnknown) {
        ClusterRecord::Mark mark;
        mark.node = n;
        mark.at = now;
        mark.node_failed = NodeFailed(n);
        mark.heartbeat_age = now - kb.last_heartbeat;
        std::string transient = TransientCauses(n);
        if (mark.node_failed) {
          mark.cause = kb.down > 0 ? "node down" : kb.stopped > 0 ? "kubelet stopped" : "node cut off from the API server";
        } else {
          mark.cause = fmt::format("no heartbeat write for {:.1f}s{}", std::chrono::duration<double>(mark.heartbeat_age).count(),
                                   transient.empty() ? std::string(" (no node fault active)") : " during " + transient);
        }
        trace_.Begin(now, "node_ready")
            .Str("worker", kb.name)
            .Str("status", "Unknown")
            .Bool("false_not_ready", !mark.node_failed)
            .Str("cause", mark.cause);
        record_.marks.push_back(std::move(mark));
      }
      Broadcast(n, true);
      return out;
    }
    case core::NodeResource::kNodeTaints: {
      const core::NodePtr& stored = nodes_[n];
      if (!stored) {
        out.status = core::Status::NotFound(core::Resource::kLeases, req.name);
        return out;
      }
      const bool before = HasNodeControllerTaint(*stored);
      core::Node node = *stored;
      node.taints = req.node->taints;
      node.metadata.resourceVersion = NextRv();
      const bool after = HasNodeControllerTaint(node);
      nodes_[n] = out.node = std::make_shared<const core::Node>(std::move(node));
      if (before != after) {
        record_.taints.push_back({n, now, after});
        trace_.Begin(now, "node_taint").Str("worker", kb.name).Bool("tainted", after);
      }
      Broadcast(n, true);
      return out;
    }
    case core::NodeResource::kPod:
      if (req.verb == core::NodeVerb::kDelete && pods_[n] > 0) {
        --pods_[n];
        record_.evictions.push_back({n, now, 1, NodeFailed(n) || kb.down > 0});
        if (pods_[n] == 0) trace_.Begin(now, "node_evicted").Str("worker", kb.name);
      }
      return out;
  }
  return out;
}

// Broadcast delivers the node's (or its Lease's) latest state to every acting controller's
// informer after watchDelay, unless that controller-manager's responses are cut.
void ClusterWorld::Broadcast(int node, bool is_node) {
  for (auto& [kcm, c] : controllers_) {
    if ((static_cast<uint8_t>(kcm_network_.Effective(static_cast<size_t>(kcm)).partition) &
         static_cast<uint8_t>(Partition::kResponses)) != 0)
      continue;
    const int k = kcm;
    const uint64_t gen = c->gen;
    sched_.After(spec_.watch_delay, [this, k, gen, node, is_node] {
      auto it = controllers_.find(k);
      if (it == controllers_.end() || it->second->gen != gen) return;
      if (is_node) {
        ApplyController(k, gen, it->second->nc->ObserveNode(nodes_[node], hooks_.local(k)));
      } else if (leases_[node]) {
        it->second->nc->ObserveLease(leases_[node]);
      }
    });
  }
}

// --- faults ------------------------------------------------------------------------------------------

bool ClusterWorld::NodeFailed(int node) const {
  const Kubelet& kb = *kubelets_[node];
  return kb.stopped > 0 || kb.down > 0 || kb.cut > 0;
}

std::string ClusterWorld::TransientCauses(int node) const {
  const Kubelet& kb = *kubelets_[node];
  std::string s;
  auto add = [&s](std::string_view what) {
    if (!s.empty()) s += ", ";
    s += what;
  };
  if (kb.broken > 0) add("connection_broken");
  if (kb.slow > 0) add("kubelet_latency");
  if (kb.clock_steps > 0) add("kubelet_clock_step");
  return s;
}

void ClusterWorld::BeginFault(const ClusterFaultSpec& f) {
  const TrueTime now = sched_.now();
  record_.fault_start[f.index] = now;
  trace_.Begin(now, "cluster_fault").Str("id", f.id).Str("kind", ClusterFaultKindName(f.kind)).Str("phase", "begin");
  const uint64_t fault_id = 1'000'000 + static_cast<uint64_t>(f.index);
  for (int k : f.nodes) {
    Kubelet& kb = *kubelets_[k];
    switch (f.kind) {
      case ClusterFaultKind::kKubeletStop:
        ++kb.stopped;
        StopKubelet(k, false);
        break;
      case ClusterFaultKind::kNodeDown:
        ++kb.down;
        StopKubelet(k, true);
        break;
      case ClusterFaultKind::kZonePartition:
      case ClusterFaultKind::kNodePartition:
        ++kb.cut;
        knet_.BeginFault(fault_id, static_cast<size_t>(k), PathOverride::Cut(Partition::kSymmetric));
        break;
      case ClusterFaultKind::kConnectionBroken:
        ++kb.broken;
        break;
      case ClusterFaultKind::kKubeletClockStep:
        ++kb.clock_steps;
        kb.clock.StepWall(now, f.by);
        break;
      case ClusterFaultKind::kKubeletLatency: {
        ++kb.slow;
        PathOverride o;
        o.request_delay = f.delay;
        o.response_delay = f.delay;
        knet_.BeginFault(fault_id, static_cast<size_t>(k), o);
        break;
      }
    }
  }
}

void ClusterWorld::EndFault(const ClusterFaultSpec& f) {
  const TrueTime now = sched_.now();
  trace_.Begin(now, "cluster_fault").Str("id", f.id).Str("kind", ClusterFaultKindName(f.kind)).Str("phase", "end");
  const uint64_t fault_id = 1'000'000 + static_cast<uint64_t>(f.index);
  if (f.kind == ClusterFaultKind::kZonePartition || f.kind == ClusterFaultKind::kNodePartition ||
      f.kind == ClusterFaultKind::kKubeletLatency)
    knet_.EndFault(fault_id);
  for (int k : f.nodes) {
    Kubelet& kb = *kubelets_[k];
    switch (f.kind) {
      case ClusterFaultKind::kKubeletStop:
        --kb.stopped;
        StartKubelet(k);
        break;
      case ClusterFaultKind::kNodeDown:
        --kb.down;
        StartKubelet(k);
        break;
      case ClusterFaultKind::kZonePartition:
      case ClusterFaultKind::kNodePartition: --kb.cut; break;
      case ClusterFaultKind::kConnectionBroken: {
        if (--kb.broken > 0) break;
        // The dead connection is discarded (HTTP/2 read-idle + ping timeouts): requests
        // still hanging on it fail at once; later ones dial a new connection.
        std::vector<uint32_t> held = std::move(kb.held);
        kb.held.clear();
        for (uint32_t slot : held) {
          if (!msgs_[slot].done) {
            core::NodeApiResponse r;
            r.id = msgs_[slot].req.id;
            r.status = core::Status{core::Reason::kServiceUnavailable, 0, "http2: client connection lost"};
            FinishMsg(slot, r);
          }
          Unref(slot);
        }
        break;
      }
      case ClusterFaultKind::kKubeletClockStep: break;
      case ClusterFaultKind::kKubeletLatency: --kb.slow; break;
    }
  }
}

ClusterRecord ClusterWorld::Finish(TrueTime end) {
  for (auto& [kcm, c] : controllers_) record_.controllers.push_back({hooks_.name(kcm), c->start, end});
  std::sort(record_.controllers.begin(), record_.controllers.end(),
            [](const auto& a, const auto& b) { return a.start < b.start; });
  if (const apf::ApfFilter* f = server_.apf()) {
    for (size_t i = 0; i < f->config().priority_levels.size(); ++i)
      record_.apf_levels.push_back({f->config().priority_levels[i].name, f->nominal_limits()[i], f->level_stats()[i]});
  }
  if (const BackgroundClients* b = server_.background()) record_.background = b->stats();
  return record_;
}

}  // namespace leasesim::sim
