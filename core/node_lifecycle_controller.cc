// node_lifecycle_controller.cc — port of pkg/controller/nodelifecycle
// (node_lifecycle_controller.go, scheduler/rate_limited_queue.go) and of the taint
// manager (pkg/controller/tainteviction/taint_eviction.go). Each block names the Go
// function it ports. Go iterates maps in random order; here every map is ordered by key
// (node name, zone key), which the Go code's results do not depend on.
#include "core/node_lifecycle_controller.h"

#include <algorithm>
#include <cassert>
#include <utility>

namespace leasesim::core {

Duration DefaultNodeMonitorGracePeriod(const VersionProfile& p) {
  return p.minor >= 32 ? std::chrono::seconds(50) : std::chrono::seconds(40);
}

NodeLifecycleConfig NodeLifecycleConfig::ForProfile(const VersionProfile& p) {
  NodeLifecycleConfig c;
  c.nodeMonitorGracePeriod = DefaultNodeMonitorGracePeriod(p);
  return c;
}

std::string_view ZoneStateName(ZoneState s) {
  switch (s) {
    case ZoneState::kInitial: return "Initial";
    case ZoneState::kNormal: return "Normal";
    case ZoneState::kFullDisruption: return "FullDisruption";
    case ZoneState::kPartialDisruption: return "PartialDisruption";
  }
  return "Unknown";
}

// --- flowcontrol token bucket (golang.org/x/time/rate, burst 1) ---------------------------

bool TokenBucket::TryAccept(MonoTime now) {
  if (qps_ <= 0) return false;  // NewFakeNeverRateLimiter
  // rate.Limiter.advance: tokens += elapsed.Seconds() * limit, capped at burst. State is
  // only stored when the token is taken (reserveN), which is equivalent.
  const Duration elapsed = now > last_ ? now - last_ : Duration(0);
  double tokens = tokens_ + static_cast<double>(elapsed.count()) / 1e9 * static_cast<double>(qps_);
  if (tokens > burst_) tokens = burst_;
  if (tokens < 1.0) return false;
  tokens_ = tokens - 1.0;
  last_ = now;
  return true;
}

// --- RateLimitedTimedQueue -------------------------------------------------------------------

// Port of (*RateLimitedTimedQueue).Add → UniqueQueue.Add: false if already in the set.
bool RateLimitedTimedQueue::Add(const std::string& value, const std::string& uid, MonoTime now) {
  if (!set_.insert(value).second) return false;
  Item item{value, uid, now, seq_++};
  auto it = queue_.begin();
  while (it != queue_.end() && (it->process_at < item.process_at ||
                                (it->process_at == item.process_at && it->seq < item.seq)))
    ++it;
  queue_.insert(it, std::move(item));
  return true;
}

// Port of (*RateLimitedTimedQueue).Remove → UniqueQueue.Remove: "allow subsequent addition".
bool RateLimitedTimedQueue::Remove(const std::string& value) {
  if (set_.erase(value) == 0) return false;
  for (auto it = queue_.begin(); it != queue_.end(); ++it) {
    if (it->value == value) {
      queue_.erase(it);
      break;
    }
  }
  return true;
}

// Port of (*RateLimitedTimedQueue).SwapLimiter.
void RateLimitedTimedQueue::SwapLimiter(float qps, MonoTime now) {
  if (limiter_.QPS() == qps) return;
  TokenBucket next(qps, 1, now);
  if (qps > 0) {
    // If we're currently waiting on limiter, we drain the new one.
    if (!limiter_.TryAccept(now)) next.TryAccept(now);
  }
  limiter_ = next;
}

// --- NodeLifecycleController ------------------------------------------------------------------

NodeLifecycleController::NodeLifecycleController(NodeLifecycleConfig config) : config_(std::move(config)) {
  out_.reserve(16);
}

void NodeLifecycleController::Send(NodeVerb verb, NodeResource resource, const std::string& name, NodePtr body) {
  NodeApiRequest r;
  r.id = next_request_id_++;
  r.verb = verb;
  r.resource = resource;
  r.name = name;
  r.node = std::move(body);
  out_.emplace_back(SendNodeApiRequest{std::move(r), true});
}

void NodeLifecycleController::Event(NodeEventKind kind, std::string node, std::string detail, int count) {
  out_.emplace_back(NodeEvent{kind, std::move(node), std::move(detail), count});
}

void NodeLifecycleController::ArmMonitor(MonoTime at) {
  monitor_timer_ = next_timer_id_++;
  out_.emplace_back(ArmNodeTimer{monitor_timer_, at, NodeTimerKind::kMonitor});
}

void NodeLifecycleController::ArmTaintPass(MonoTime at) {
  taint_timer_ = next_timer_id_++;
  out_.emplace_back(ArmNodeTimer{taint_timer_, at, NodeTimerKind::kTaintPass});
}

std::optional<Stamp> NodeLifecycleController::probe_timestamp(const std::string& node) const {
  auto it = node_health_.find(node);
  if (it == node_health_.end()) return std::nullopt;
  return it->second.probeTimestamp;
}

const RateLimitedTimedQueue* NodeLifecycleController::tainter(const std::string& zone) const {
  auto it = zone_tainter_.find(zone);
  return it == zone_tainter_.end() ? nullptr : &it->second;
}

std::optional<MonoTime> NodeLifecycleController::scheduled_eviction(const std::string& node) const {
  auto it = evictions_.find(node);
  if (it == evictions_.end()) return std::nullopt;
  return it->second.trigger_at;
}

// --- informer events -----------------------------------------------------------------------

std::span<const NodeEffect> NodeLifecycleController::ObserveNode(const NodePtr& node, LocalTime now) {
  out_.clear();
  NodePtr old;
  if (auto it = nodes_.find(node->metadata.name); it != nodes_.end()) old = it->second;
  nodes_[node->metadata.name] = node;
  if (!config_.runTaintManager || !running_) return out_;
  // tainteviction (*Controller).NodeUpdated: only a change of NoExecute taints matters.
  auto no_execute = [](const NodePtr& n) {
    std::vector<std::pair<std::string, std::string>> t;
    if (n)
      for (const Taint& x : n->taints)
        if (x.effect == kTaintEffectNoExecute) t.emplace_back(x.key, x.effect);
    return t;
  };
  if (old && no_execute(old) == no_execute(node)) return out_;
  HandleNodeUpdate(*node, now);
  return out_;
}

void NodeLifecycleController::ObserveLease(const NodeLeasePtr& lease) { leases_[lease->metadata.name] = lease; }

void NodeLifecycleController::ObservePods(const std::string& node, int pods) { pods_[node] = pods; }

// --- Run -----------------------------------------------------------------------------------------

// Port of (*Controller).Run: go taintManager.Run; go UntilWithContext(doNoExecuteTaintingPass,
// NodeEvictionPeriod); go UntilWithContext(monitorNodeHealth, nodeMonitorPeriod). The
// informer caches are synced (the caller observed everything before Run).
std::span<const NodeEffect> NodeLifecycleController::Run(LocalTime now) {
  out_.clear();
  running_ = true;
  if (config_.runTaintManager) {
    // The taint manager's informer handlers see every Node as added (NodeUpdated(nil, node)).
    for (const auto& [name, node] : nodes_) {
      bool has = false;
      for (const Taint& t : node->taints) has = has || t.effect == kTaintEffectNoExecute;
      if (has) HandleNodeUpdate(*node, now);
    }
  }
  DoNoExecuteTaintingPass(now);
  ArmTaintPass(now.mono + kNodeEvictionPeriod);
  MonitorNodeHealth(now);
  ArmMonitor(now.mono + config_.nodeMonitorPeriod);
  return out_;
}

std::span<const NodeEffect> NodeLifecycleController::TimerFired(TimerId id, LocalTime now) {
  out_.clear();
  if (!running_ || id == 0) return out_;
  if (id == monitor_timer_) {
    MonitorNodeHealth(now);
    ArmMonitor(now.mono + config_.nodeMonitorPeriod);  // UntilWithContext: period after f returns
  } else if (id == taint_timer_) {
    DoNoExecuteTaintingPass(now);
    ArmTaintPass(now.mono + kNodeEvictionPeriod);
  } else if (auto it = eviction_timers_.find(id); it != eviction_timers_.end()) {
    std::string node = it->second;
    eviction_timers_.erase(it);
    Evict(node, now);
  }
  return out_;
}

std::span<const NodeEffect> NodeLifecycleController::MonitorNodeHealthForTest(LocalTime now) {
  out_.clear();
  MonitorNodeHealth(now);
  return out_;
}

std::span<const NodeEffect> NodeLifecycleController::DoNoExecuteTaintingPassForTest(LocalTime now) {
  out_.clear();
  DoNoExecuteTaintingPass(now);
  return out_;
}

// --- monitorNodeHealth ------------------------------------------------------------------------

// Port of (*Controller).monitorNodeHealth.
void NodeLifecycleController::MonitorNodeHealth(LocalTime now) {
  ++monitor_passes_;
  // We are listing nodes from local cache.
  std::vector<NodePtr> nodes;
  nodes.reserve(nodes_.size());
  for (const auto& [name, n] : nodes_) nodes.push_back(n);

  // classifyNodes: added (not in knownNodeSet), deleted, newZoneRepresentatives (known,
  // but their zone has no state).
  std::vector<NodePtr> added, new_zone_representatives;
  for (const NodePtr& n : nodes) {
    if (!known_nodes_.count(n->metadata.name)) {
      added.push_back(n);
    } else if (!zone_states_.count(GetZoneKey(*n))) {
      new_zone_representatives.push_back(n);
    }
  }
  for (const NodePtr& n : new_zone_representatives) AddPodEvictorForNewZone(*n, now);
  for (const NodePtr& n : added) {
    Event(NodeEventKind::kRegisteredNode, n->metadata.name, "Registered Node " + n->metadata.name + " in Controller");
    known_nodes_[n->metadata.name] = n;
    AddPodEvictorForNewZone(*n, now);
    MarkNodeAsReachable(*n, now);
  }
  if (known_nodes_.size() != nodes.size()) {
    for (auto it = known_nodes_.begin(); it != known_nodes_.end();) {
      if (!nodes_.count(it->first)) {
        it = known_nodes_.erase(it);  // "Removing Node %v from Controller"
      } else {
        ++it;
      }
    }
  }

  std::map<std::string, std::vector<std::optional<NodeCondition>>> zone_conditions;
  Node node;  // one scratch copy: assigning into it reuses its strings' and vectors' storage
  for (const NodePtr& np : nodes) {
    node = *np;  // nodes[piece].DeepCopy()
    UpdateResult r = TryUpdateNodeHealth(node, now);
    // Some nodes may be excluded from disruption checking.
    if (!node.metadata.labels.count(std::string(kLabelNodeDisruptionExclusion))) {
      std::vector<std::optional<NodeCondition>>& zc = zone_conditions[GetZoneKey(node)];
      if (zc.empty()) zc.reserve(nodes.size());  // no regrowth (each element holds strings)
      zc.push_back(r.current);
    }
    if (r.current) {
      ProcessTaintBaseEviction(node, r.observed, now);
      if (r.current->status != ConditionStatus::kTrue && r.observed.status == ConditionStatus::kTrue) {
        // Report node event only once when status changed.
        Event(NodeEventKind::kNodeNotReady, node.metadata.name);
        MarkPodsNotReady(node);
      }
    }
  }
  HandleDisruption(zone_conditions, nodes, now);
}

// Port of (*Controller).tryUpdateNodeHealth: probe timestamps on the controller's own
// clock, refreshed when the Ready condition's lastHeartbeatTime changes or the Lease's
// renewTime moves forward; Ready (and the pressure conditions) set Unknown once
// now > probeTimestamp + gracePeriod.
NodeLifecycleController::UpdateResult NodeLifecycleController::TryUpdateNodeHealth(Node& node, LocalTime now) {
  const std::string& name = node.metadata.name;
  const Stamp nc_now = Stamp::Now(now);
  NodeHealth* health = nullptr;
  if (auto it = node_health_.find(name); it != node_health_.end()) health = &it->second;
  std::optional<NodeHealth> fresh;  // a replaced nodeHealth (Go assigns a new struct)

  UpdateResult res;
  Duration grace_period;
  const NodeCondition* current = GetNodeCondition(node.conditions, "Ready");
  const Stamp created = Stamp::FromWall(node.metadata.creationTimestamp);
  if (!current) {
    // If ready condition is nil, then kubelet (or nodecontroller) never posted node status.
    res.observed = NodeCondition{"Ready", ConditionStatus::kUnknown, node.metadata.creationTimestamp,
                                 node.metadata.creationTimestamp, "", ""};
    grace_period = config_.nodeStartupGracePeriod;
    if (health) {
      health->status = node.conditions;
    } else {
      fresh = NodeHealth{created, created, node.conditions, nullptr};
    }
  } else {
    res.observed = *current;
    grace_period = config_.nodeMonitorGracePeriod;
  }
  NodeHealth* h = fresh ? &*fresh : health;

  const NodeCondition* saved = nullptr;
  NodeLeasePtr saved_lease;
  if (h) {
    saved = GetNodeCondition(h->status, "Ready");
    saved_lease = h->lease;
  }
  if (!h) {
    // "Missing timestamp for Node. Assuming now as a timestamp"
    fresh = NodeHealth{nc_now, nc_now, node.conditions, nullptr};
  } else if (!saved && current) {
    // "Creating timestamp entry for newly observed Node"
    fresh = NodeHealth{nc_now, nc_now, node.conditions, nullptr};
  } else if (saved && !current) {
    // "ReadyCondition was removed from Status of Node"
    fresh = NodeHealth{nc_now, nc_now, node.conditions, nullptr};
  } else if (saved && current && saved->lastHeartbeatTime != current->lastHeartbeatTime) {
    // If ReadyCondition changed since the last time we checked, we update the transition
    // timestamp to "now", otherwise we leave it as it is.
    const Stamp transition =
        saved->lastTransitionTime != current->lastTransitionTime ? nc_now : h->readyTransitionTimestamp;
    fresh = NodeHealth{nc_now, transition, node.conditions, nullptr};
  }
  if (fresh) h = &*fresh;

  // Always update the probe time if node lease is renewed.
  NodeLeasePtr observed_lease;
  if (auto it = leases_.find(name); it != leases_.end()) observed_lease = it->second;
  if (observed_lease) {
    const WallTime observed_renew = observed_lease->spec.renewTime.value_or(WallTime::Zero());
    const bool renewed = !saved_lease ||
                         saved_lease->spec.renewTime.value_or(WallTime::Zero()) < observed_renew;
    if (renewed) {
      h->lease = observed_lease;
      h->probeTimestamp = nc_now;
    }
  }

  if (current) res.current = *current;
  if (nc_now.After(h->probeTimestamp.Add(grace_period))) {
    // NodeReady condition or lease was last set longer ago than gracePeriod, so update it
    // to Unknown (regardless of its current value) in the master.
    static constexpr std::string_view kTypes[] = {"Ready", "MemoryPressure", "DiskPressure", "PIDPressure"};
    for (std::string_view type : kTypes) {
      NodeCondition* c = GetNodeCondition(node.conditions, type);
      if (!c) {
        node.conditions.push_back(NodeCondition{std::string(type), ConditionStatus::kUnknown,
                                                node.metadata.creationTimestamp, now.wall, "NodeStatusNeverUpdated",
                                                "Kubelet never posted node status."});
      } else if (c->status != ConditionStatus::kUnknown) {
        c->status = ConditionStatus::kUnknown;
        c->reason = "NodeStatusUnknown";
        c->message = "Kubelet stopped posting node status.";
        c->lastTransitionTime = now.wall;
      }
    }
    const NodeCondition* updated = GetNodeCondition(node.conditions, "Ready");
    if (!updated || !(*updated == res.observed)) {
      // UpdateStatus (assumed to succeed; see the header).
      Send(NodeVerb::kUpdate, NodeResource::kNodeStatus, name, std::make_shared<const Node>(node));
      Event(NodeEventKind::kMarkedUnknown, name);
      fresh = NodeHealth{h->probeTimestamp, nc_now, node.conditions, observed_lease};
      h = &*fresh;
      res.current = *updated;
    }
  }
  if (fresh) node_health_[name] = std::move(*fresh);
  return res;
}

// Port of (*Controller).processTaintBaseEviction.
void NodeLifecycleController::ProcessTaintBaseEviction(const Node& node, const NodeCondition& observed, LocalTime now) {
  const Taint unreachable{std::string(kTaintNodeUnreachable), std::string(kTaintEffectNoExecute)};
  const Taint not_ready{std::string(kTaintNodeNotReady), std::string(kTaintEffectNoExecute)};
  switch (observed.status) {
    case ConditionStatus::kFalse:
      // We want to update the taint straight away if Node is already tainted with the UnreachableTaint.
      if (TaintExists(node.taints, unreachable)) {
        SwapNodeControllerTaint(node, kTaintNodeNotReady, kTaintNodeUnreachable, now);
      } else if (MarkNodeForTainting(node, ConditionStatus::kFalse, now)) {
        Event(NodeEventKind::kTaintQueued, node.metadata.name, std::string(kTaintNodeNotReady));
      }
      break;
    case ConditionStatus::kUnknown:
      if (TaintExists(node.taints, not_ready)) {
        SwapNodeControllerTaint(node, kTaintNodeUnreachable, kTaintNodeNotReady, now);
      } else if (MarkNodeForTainting(node, ConditionStatus::kUnknown, now)) {
        Event(NodeEventKind::kTaintQueued, node.metadata.name, std::string(kTaintNodeUnreachable));
      }
      break;
    case ConditionStatus::kTrue:
      MarkNodeAsReachable(node, now);
      break;
  }
}

// Port of (*Controller).markNodeForTainting.
bool NodeLifecycleController::MarkNodeForTainting(const Node& node, ConditionStatus status, LocalTime now) {
  const std::string zone = GetZoneKey(node);
  RateLimitedTimedQueue& q = zone_tainter_.at(zone);
  const Taint unreachable{std::string(kTaintNodeUnreachable), std::string(kTaintEffectNoExecute)};
  const Taint not_ready{std::string(kTaintNodeNotReady), std::string(kTaintEffectNoExecute)};
  if (status == ConditionStatus::kFalse && !TaintExists(node.taints, not_ready)) q.Remove(node.metadata.name);
  if (status == ConditionStatus::kUnknown && !TaintExists(node.taints, unreachable)) q.Remove(node.metadata.name);
  return q.Add(node.metadata.name, node.metadata.uid, now.mono);
}

// Port of (*Controller).markNodeAsReachable: RemoveTaintOffNode(unreachable, not-ready)
// — no API call unless the node has one of them — then drop it from the tainter queue.
bool NodeLifecycleController::MarkNodeAsReachable(const Node& node, LocalTime now) {
  auto ours = [](const Taint& t) {
    return t.effect == kTaintEffectNoExecute && (t.key == kTaintNodeUnreachable || t.key == kTaintNodeNotReady);
  };
  const bool had = std::any_of(node.taints.begin(), node.taints.end(), ours);
  if (had) {
    std::vector<Taint> kept;
    for (const Taint& t : node.taints)
      if (!ours(t)) kept.push_back(t);
    Node patched = node;
    patched.taints = std::move(kept);
    Send(NodeVerb::kPatch, NodeResource::kNodeTaints, node.metadata.name, std::make_shared<const Node>(std::move(patched)));
    Event(NodeEventKind::kUntainted, node.metadata.name);
  }
  auto it = zone_tainter_.find(GetZoneKey(node));
  return it != zone_tainter_.end() && it->second.Remove(node.metadata.name);
}

// Port of (*Controller).addPodEvictorForNewZone.
void NodeLifecycleController::AddPodEvictorForNewZone(const Node& node, LocalTime now) {
  const std::string zone = GetZoneKey(node);
  if (zone_states_.count(zone)) return;
  zone_states_[zone] = ZoneState::kInitial;
  zone_tainter_.emplace(zone, RateLimitedTimedQueue(config_.evictionLimiterQPS, now.mono));
}

// Port of (*Controller).ComputeZoneState.
std::pair<int, ZoneState> NodeLifecycleController::ComputeZoneState(const std::vector<const NodeCondition*>& ready) const {
  int ready_nodes = 0, not_ready_nodes = 0;
  for (const NodeCondition* c : ready) {
    if (c && c->status == ConditionStatus::kTrue) {
      ++ready_nodes;
    } else {
      ++not_ready_nodes;
    }
  }
  if (ready_nodes == 0 && not_ready_nodes > 0) return {not_ready_nodes, ZoneState::kFullDisruption};
  if (not_ready_nodes > 2 &&
      static_cast<float>(not_ready_nodes) / static_cast<float>(not_ready_nodes + ready_nodes) >= config_.unhealthyZoneThreshold)
    return {not_ready_nodes, ZoneState::kPartialDisruption};
  return {not_ready_nodes, ZoneState::kNormal};
}

// Port of (*Controller).ReducedQPSFunc: slower evictions in a large cluster, none in a small one.
float NodeLifecycleController::ReducedQPSFunc(int node_num) const {
  if (node_num > config_.largeClusterThreshold) return config_.secondaryEvictionLimiterQPS;
  return 0;
}

// Port of (*Controller).setLimiterInZone.
void NodeLifecycleController::SetLimiterInZone(const std::string& zone, int zone_size, ZoneState state, LocalTime now) {
  auto it = zone_tainter_.find(zone);
  if (it == zone_tainter_.end()) return;
  switch (state) {
    case ZoneState::kNormal: it->second.SwapLimiter(config_.evictionLimiterQPS, now.mono); break;
    case ZoneState::kPartialDisruption: it->second.SwapLimiter(ReducedQPSFunc(zone_size), now.mono); break;
    case ZoneState::kFullDisruption: it->second.SwapLimiter(HealthyQPSFunc(zone_size), now.mono); break;
    case ZoneState::kInitial: break;
  }
}

// Port of (*Controller).handleDisruption.
void NodeLifecycleController::HandleDisruption(
    const std::map<std::string, std::vector<std::optional<NodeCondition>>>& zone_conditions,
    const std::vector<NodePtr>& nodes, LocalTime now) {
  std::map<std::string, ZoneState> new_states;
  bool all_are_fully_disrupted = true;
  for (const auto& [zone, conds] : zone_conditions) {
    std::vector<const NodeCondition*> ptrs;
    ptrs.reserve(conds.size());
    for (const auto& c : conds) ptrs.push_back(c ? &*c : nullptr);
    const ZoneState state = ComputeZoneState(ptrs).second;
    if (state != ZoneState::kFullDisruption) all_are_fully_disrupted = false;
    new_states[zone] = state;
    if (!zone_states_.count(zone)) zone_states_[zone] = ZoneState::kInitial;  // "Setting initial state for unseen zone"
  }

  bool all_was_fully_disrupted = true;
  for (auto it = zone_states_.begin(); it != zone_states_.end();) {
    if (!zone_conditions.count(it->first)) {
      it = zone_states_.erase(it);
      continue;
    }
    if (it->second != ZoneState::kFullDisruption) {
      all_was_fully_disrupted = false;
      break;
    }
    ++it;
  }

  // At least one node was responding in previous pass or in the current pass.
  if (!all_are_fully_disrupted || !all_was_fully_disrupted) {
    if (all_are_fully_disrupted) {
      // "Controller detected that all Nodes are not-Ready. Entering master disruption mode"
      for (const NodePtr& n : nodes) MarkNodeAsReachable(*n, now);
      // We stop all evictions.
      for (auto& [zone, state] : zone_states_) {
        if (auto q = zone_tainter_.find(zone); q != zone_tainter_.end()) q->second.SwapLimiter(0, now.mono);
      }
      for (auto& [zone, state] : zone_states_) {
        if (state != ZoneState::kFullDisruption) Event(NodeEventKind::kZoneState, zone, "FullDisruption");
        state = ZoneState::kFullDisruption;
      }
      return;
    }
    if (all_was_fully_disrupted) {
      // "Controller detected that some Nodes are Ready. Exiting master disruption mode":
      // update probe timestamps on all Nodes.
      const Stamp nc_now = Stamp::Now(now);
      for (const NodePtr& n : nodes) {
        NodeHealth& h = node_health_[n->metadata.name];
        h.probeTimestamp = nc_now;
        h.readyTransitionTimestamp = nc_now;
      }
      // We reset all rate limiters to settings appropriate for the given state.
      for (auto& [zone, state] : zone_states_) {
        auto zc = zone_conditions.find(zone);
        const ZoneState ns = new_states[zone];
        SetLimiterInZone(zone, zc == zone_conditions.end() ? 0 : static_cast<int>(zc->second.size()), ns, now);
        if (state != ns) Event(NodeEventKind::kZoneState, zone, std::string(ZoneStateName(ns)));
        state = ns;
      }
      return;
    }
    // We know that there's at least one not-fully disrupted so, we can use default
    // behavior for rate limiters.
    for (auto& [zone, state] : zone_states_) {
      const ZoneState ns = new_states[zone];
      if (state == ns) continue;
      // "Controller detected that zone is now in new state"
      auto zc = zone_conditions.find(zone);
      SetLimiterInZone(zone, zc == zone_conditions.end() ? 0 : static_cast<int>(zc->second.size()), ns, now);
      state = ns;
      Event(NodeEventKind::kZoneState, zone, std::string(ZoneStateName(ns)));
    }
  }
}

// Port of (*Controller).doNoExecuteTaintingPass.
void NodeLifecycleController::DoNoExecuteTaintingPass(LocalTime now) {
  for (auto& [zone, queue] : zone_tainter_) {
    queue.Try(now.mono, [&](const std::string& value, const std::string&) -> std::pair<bool, Duration> {
      auto it = nodes_.find(value);
      if (it == nodes_.end()) return {true, Duration(0)};  // "Node no longer present in nodeLister"
      const Node& node = *it->second;
      const NodeCondition* c = GetNodeCondition(node.conditions, "Ready");
      if (!c) return {false, std::chrono::milliseconds(50)};  // retry in 50 millisecond
      // Because we want to mimic NodeStatus.Condition["Ready"] we make "unreachable" and
      // "not ready" taints mutually exclusive.
      switch (c->status) {
        case ConditionStatus::kFalse:
          SwapNodeControllerTaint(node, kTaintNodeNotReady, kTaintNodeUnreachable, now);
          break;
        case ConditionStatus::kUnknown:
          SwapNodeControllerTaint(node, kTaintNodeUnreachable, kTaintNodeNotReady, now);
          break;
        default:
          // It seems that the Node is ready again, so there's no need to taint it.
          return {true, Duration(0)};
      }
      return {true, Duration(0)};
    });
  }
}

// controllerutil.SwapNodeControllerTaint: add `add_key`, remove `remove_key` (NoExecute),
// one PATCH of the Node (assumed to succeed; the informer delivers the result).
void NodeLifecycleController::SwapNodeControllerTaint(const Node& node, std::string_view add_key,
                                                      std::string_view remove_key, LocalTime now) {
  Node patched = node;
  std::erase_if(patched.taints, [&](const Taint& t) {
    return t.effect == kTaintEffectNoExecute && (t.key == remove_key || t.key == add_key);
  });
  patched.taints.push_back(Taint{std::string(add_key), std::string(kTaintEffectNoExecute), now.wall});
  Send(NodeVerb::kPatch, NodeResource::kNodeTaints, node.metadata.name, std::make_shared<const Node>(std::move(patched)));
  Event(NodeEventKind::kTainted, node.metadata.name, std::string(add_key));
}

// controllerutil.MarkPodsNotReady: one pod status update per pod (Ready=False).
void NodeLifecycleController::MarkPodsNotReady(const Node& node) {
  auto it = pods_.find(node.metadata.name);
  const int pods = it == pods_.end() ? 0 : it->second;
  for (int i = 0; i < pods; ++i) Send(NodeVerb::kUpdate, NodeResource::kPod, node.metadata.name, nullptr);
}

// --- taint manager -----------------------------------------------------------------------------

// Port of tainteviction (*Controller).handleNodeUpdate and processPodOnNode for pods that
// carry the default not-ready/unreachable tolerations (tolerationSeconds 300): every pod
// of the node shares one scheduled eviction.
void NodeLifecycleController::HandleNodeUpdate(const Node& node, LocalTime now) {
  const std::string& name = node.metadata.name;
  std::vector<Taint> taints;
  for (const Taint& t : node.taints)
    if (t.effect == kTaintEffectNoExecute) taints.push_back(t);
  if (taints.empty()) {
    tainted_nodes_.erase(name);
  } else {
    tainted_nodes_[name] = taints;
  }
  auto pit = pods_.find(name);
  if (pit == pods_.end() || pit->second == 0) return;
  auto cancel = [&] {
    if (auto e = evictions_.find(name); e != evictions_.end()) {
      eviction_timers_.erase(e->second.timer);
      out_.emplace_back(CancelTimer{e->second.timer});
      evictions_.erase(e);
      Event(NodeEventKind::kEvictionCancelled, name, "", pit->second);
    }
  };
  // Short circuit: all taints were removed from the node. Cancelling all evictions.
  if (taints.empty()) {
    cancel();
    return;
  }
  // GetMatchingTolerations: the default tolerations match only not-ready/unreachable.
  bool all_tolerated = true;
  for (const Taint& t : taints) all_tolerated = all_tolerated && (t.key == kTaintNodeNotReady || t.key == kTaintNodeUnreachable);
  const Duration min_toleration = all_tolerated ? config_.defaultTolerationSeconds : Duration(0);
  MonoTime start = now.mono;
  const MonoTime trigger = start + min_toleration;
  if (auto e = evictions_.find(name); e != evictions_.end()) {
    start = e->second.created_at;
    if (start + min_toleration < trigger) return;  // keep the earlier eviction
    cancel();
  }
  const TimerId id = next_timer_id_++;
  evictions_[name] = Eviction{start, trigger, id};
  eviction_timers_[id] = name;
  out_.emplace_back(ArmNodeTimer{id, trigger, NodeTimerKind::kEviction});
  Event(NodeEventKind::kEvictionScheduled, name, "", pit->second);
}

// The taint eviction queue's handler (deletePodHandler): DELETE each pod.
void NodeLifecycleController::Evict(const std::string& node, LocalTime now) {
  evictions_.erase(node);
  auto it = pods_.find(node);
  const int pods = it == pods_.end() ? 0 : it->second;
  for (int i = 0; i < pods; ++i) Send(NodeVerb::kDelete, NodeResource::kPod, node, nullptr);
  if (pods > 0) Event(NodeEventKind::kPodsEvicted, node, "", pods);
  pods_[node] = 0;
}

}  // namespace leasesim::core
