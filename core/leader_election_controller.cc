// leader_election_controller.cc — port of kubernetes pkg/controlplane/controller/
// leaderelection/leaderelection_controller.go and leasecandidategc_controller.go.
//
// Choices where Go leaves one open:
// - Listers iterate Go maps (random order); here candidates come in "namespace/name"
//   order, so pings go out and ties resolve deterministically.
// - Go dereferences a few pointers that may be nil (a candidate's RenewTime in the ping
//   checks, an existing Lease's HolderIdentity); nil reads as the zero value here.
#include "core/leader_election_controller.h"

#include <algorithm>

namespace leasesim::core {
namespace {

std::string KeyOf(const std::string& ns, const std::string& name) { return ns + "/" + name; }

void SplitKey(const std::string& key, std::string& ns, std::string& name) {
  const size_t p = key.find('/');
  ns = key.substr(0, p);
  name = p == std::string::npos ? std::string() : key.substr(p + 1);
}

WallTime OrZero(const std::optional<WallTime>& t) { return t.value_or(WallTime::Zero()); }

bool LeaseSpecEqual(const LeaseSpec& a, const LeaseSpec& b) {
  return a.holderIdentity == b.holderIdentity && a.leaseDurationSeconds == b.leaseDurationSeconds &&
         a.acquireTime == b.acquireTime && a.renewTime == b.renewTime && a.leaseTransitions == b.leaseTransitions &&
         a.strategy == b.strategy && a.preferredHolder == b.preferredHolder;
}

}  // namespace

std::string_view ElectionOutcomeName(ElectionOutcome o) {
  switch (o) {
    case ElectionOutcome::kNone: return "none";
    case ElectionOutcome::kNoCandidates: return "noCandidates";
    case ElectionOutcome::kNotNeeded: return "notNeeded";
    case ElectionOutcome::kPinged: return "pinged";
    case ElectionOutcome::kWaitingForAcks: return "waitingForAcks";
    case ElectionOutcome::kNoAckedCandidates: return "noAckedCandidates";
    case ElectionOutcome::kCreated: return "created";
    case ElectionOutcome::kHolderSet: return "holderSet";
    case ElectionOutcome::kPreferredHolderSet: return "preferredHolderSet";
    case ElectionOutcome::kUnchanged: return "unchanged";
    case ElectionOutcome::kError: return "error";
  }
  return "unknown";
}

// --- informer handlers -----------------------------------------------------------------

std::span<const CoordEffect> LeaderElectionController::OnLeaseEvent(InformerEvent type, const Lease& lease,
                                                                     LocalTime now) {
  out_.clear();
  const std::string key = KeyOf(lease.metadata.namespace_, lease.metadata.name);
  if (type == InformerEvent::kDelete) {
    leases_.erase(key);
  } else {
    leases_[key] = lease;
  }
  // processLease / enqueueLease: every Lease event enqueues its key.
  if (running_) EnqueueLease(lease.metadata.namespace_, lease.metadata.name, now);
  return out_;
}

std::span<const CoordEffect> LeaderElectionController::OnLeaseCandidateEvent(InformerEvent type,
                                                                             const LeaseCandidate& lc,
                                                                             LocalTime now) {
  out_.clear();
  const std::string key = KeyOf(lc.metadata.namespace_, lc.metadata.name);
  if (type == InformerEvent::kDelete) {
    candidates_.erase(key);
  } else {
    candidates_[key] = lc;
  }
  if (running_) EnqueueCandidate(lc, now);
  return out_;
}

// Port of enqueueCandidate.
void LeaderElectionController::EnqueueCandidate(const LeaseCandidate& lc, LocalTime now) {
  // Ignore candidates that transitioned to Pending because reelection is already in progress.
  if (lc.spec.pingTime && OrZero(lc.spec.renewTime) < *lc.spec.pingTime) return;
  EnqueueLease(lc.metadata.namespace_, lc.spec.leaseName, now);
}

void LeaderElectionController::EnqueueLease(const std::string& ns, const std::string& name, LocalTime now) {
  queue_.Add(KeyOf(ns, name));
  MaybeProcessNext(now);
}

// --- Run / worker ------------------------------------------------------------------------

// Port of Run (after the cache sync): list the candidates, enqueue them, start the worker;
// and of LeaseCandidateGCController.Run: wait.UntilWithContext(ctx, c.gc, gcCheckPeriod).
std::span<const CoordEffect> LeaderElectionController::Start(LocalTime now) {
  out_.clear();
  if (running_) return out_;
  running_ = true;
  queue_ = Workqueue{};
  for (const auto& [_, lc] : candidates_) EnqueueCandidate(lc, now);
  if (config_.gc_period > Duration::zero()) RunGc(now);
  MaybeProcessNext(now);
  return out_;
}

std::span<const CoordEffect> LeaderElectionController::Stop() {
  out_.clear();
  if (!running_) return out_;
  running_ = false;
  queue_.ShutDown();
  if (inflight_ != 0) out_.emplace_back(CancelRequest{inflight_, Reason::kContextCanceled});
  if (gc_inflight_ != 0) out_.emplace_back(CancelRequest{gc_inflight_, Reason::kContextCanceled});
  inflight_ = gc_inflight_ = 0;
  step_ = Step::kIdle;
  gc_running_ = gc_deleting_ = false;
  gc_todo_.clear();
  timers_.clear();
  return out_;
}

// Port of processNextElectionItem's Get.
void LeaderElectionController::MaybeProcessNext(LocalTime now) {
  if (!running_ || step_ != Step::kIdle) return;
  std::string key;
  if (!queue_.Get(key)) return;
  BeginReconcile(key, now);
}

RequestId LeaderElectionController::Send(Verb verb, Resource res, const std::string& ns, const std::string& name,
                                         ObjectPtr body) {
  ApiRequest r;
  r.id = next_request_id_++;
  r.verb = verb;
  r.resource = res;
  r.namespace_ = ns;
  r.name = name;
  r.body = std::move(body);
  const RequestId id = r.id;
  out_.emplace_back(SendApiRequest{std::move(r), false, {}});
  return id;
}

void LeaderElectionController::ArmAt(MonoTime at, bool gc) {
  const TimerId id = next_timer_id_++;
  timers_[id] = gc;
  out_.emplace_back(ArmQueueTimer{id, at});
}

std::span<const CoordEffect> LeaderElectionController::TimerFired(TimerId id, LocalTime now) {
  out_.clear();
  auto it = timers_.find(id);
  if (it == timers_.end() || !running_) return out_;
  const bool gc = it->second;
  timers_.erase(it);
  if (gc) {
    RunGc(now);
  } else {
    queue_.Ready(now.mono);
    MaybeProcessNext(now);
  }
  return out_;
}

// --- listAdmissableCandidates, electionNeeded -------------------------------------------

// Port of listAdmissableCandidates.
std::vector<const LeaseCandidate*> LeaderElectionController::ListAdmissableCandidates(const std::string& ns,
                                                                                      const std::string& name,
                                                                                      WallTime now) {
  std::vector<const LeaseCandidate*> results;
  for (const auto& [_, l] : candidates_) {
    if (l.metadata.namespace_ != ns || l.spec.leaseName != name) continue;
    if (!IsLeaseCandidateExpired(now, l)) {
      results.push_back(&l);
    } else {
      Log(0, "LeaseCandidate " + l.metadata.name + " is expired");
    }
  }
  return results;
}

// Port of electionNeeded.
LeaderElectionController::Needed LeaderElectionController::ElectionNeeded(
    std::span<const LeaseCandidate* const> candidates, const std::string& ns, const std::string& name, WallTime now) {
  auto it = leases_.find(KeyOf(ns, name));
  if (it == leases_.end()) return {true, ""};
  const Lease& lease = it->second;
  if (IsLeaseExpired(now, lease) || !lease.spec.holderIdentity || lease.spec.holderIdentity->empty()) {
    return {true, ""};
  }
  // every 15min enforce an election to update all candidates. Every 30min we garbage collect.
  for (const LeaseCandidate* c : candidates) {
    if (c->spec.renewTime && *c->spec.renewTime + kLeaseCandidateValidDuration / 2 < now) return {true, ""};
  }
  StrategyPick prelim = PickBestStrategy(candidates, config_.api);
  if (!prelim.error.empty()) return {false, prelim.error};
  if (prelim.strategy != kOldestEmulationVersion) {
    Log(5, "Strategy \"" + prelim.strategy + "\" is ignored by CLE");
    return {false, ""};
  }
  const LeaseCandidate* prelim_electee = PickBestLeaderOldestEmulationVersion(candidates);
  if (prelim_electee == nullptr) return {false, ""};
  if (prelim_electee->metadata.name == *lease.spec.holderIdentity) {
    Log(5, "Leader " + prelim_electee->metadata.name + " is already most optimal for lease " + KeyOf(ns, name));
    return {false, ""};
  }
  return {true, ""};
}

// --- reconcileElectionStep --------------------------------------------------------------

std::span<const CoordEffect> LeaderElectionController::BeginReconcileForTest(const std::string& lease_key,
                                                                             LocalTime now) {
  out_.clear();
  testing_ = true;
  test_result_.reset();
  BeginReconcile(lease_key, now);
  return out_;
}

// Port of reconcileElectionStep, up to the ping loop.
void LeaderElectionController::BeginReconcile(const std::string& key, LocalTime now) {
  key_ = key;
  SplitKey(key, ns_, name_);
  now_ = now;
  strategy_.clear();
  electee_.reset();
  std::vector<const LeaseCandidate*> candidates = ListAdmissableCandidates(ns_, name_, now.wall);
  if (candidates.empty()) {
    FinishReconcile(Duration::zero(), "", ElectionOutcome::kNoCandidates, now);
    return;
  }
  Log(6, "Reconciling election for " + key + ", candidates: " + std::to_string(candidates.size()));
  // Check if an election is really needed by looking at the current lease and candidates.
  Needed needed = ElectionNeeded(candidates, ns_, name_, now.wall);
  if (!needed.need) {
    FinishReconcile(kDefaultRequeueInterval, needed.error,
                    needed.error.empty() ? ElectionOutcome::kNotNeeded : ElectionOutcome::kError, now);
    return;
  }
  cands_.clear();
  for (const LeaseCandidate* c : candidates) cands_.push_back(*c);
  ping_index_ = 0;
  can_vote_yet_ = true;
  step_ = Step::kPing;
  ContinuePings(now);
}

// The ping loop: for each candidate, wait if a ping is unanswered and young; skip if it
// renewed within electionDuration; otherwise ping it (pingTime = now), one Update at a time.
void LeaderElectionController::ContinuePings(LocalTime now) {
  const WallTime t = now_.wall;
  while (ping_index_ < cands_.size()) {
    const LeaseCandidate& c = cands_[ping_index_++];
    const WallTime renew = OrZero(c.spec.renewTime);
    if (c.spec.pingTime && *c.spec.pingTime + kElectionDuration > t && c.spec.renewTime && renew < *c.spec.pingTime) {
      // continue waiting for the election to timeout
      can_vote_yet_ = false;
      continue;
    }
    if (c.spec.renewTime && renew + kElectionDuration > t) continue;
    // If PingTime is outdated, send another PingTime only if it already acked the first one.
    if (!c.spec.pingTime || (*c.spec.pingTime + kElectionDuration < t && *c.spec.pingTime < renew)) {
      LeaseCandidate clone = c;
      clone.spec.pingTime = t;
      const std::string ns = clone.metadata.namespace_, name = clone.metadata.name;
      inflight_ = Send(Verb::kUpdate, Resource::kLeaseCandidates, ns, name, MakeObject(std::move(clone)));
      can_vote_yet_ = false;
      return;  // resumes in OnApiResponse
    }
  }
  if (!can_vote_yet_) {
    FinishReconcile(kDefaultRequeueInterval, "", ElectionOutcome::kPinged, now);
    return;
  }
  AfterPings(now);
}

// After the ping loop: wait for answers, pick the strategy and the electee, Create.
void LeaderElectionController::AfterPings(LocalTime now) {
  const WallTime t = now_.wall;
  // election is ongoing as long as unexpired PingTimes exist
  for (const LeaseCandidate& c : cands_) {
    if (!c.spec.pingTime) continue;
    if (c.spec.renewTime && *c.spec.pingTime < *c.spec.renewTime) continue;  // renewed already
    if (*c.spec.pingTime + kElectionDuration > t) {
      FinishReconcile(Duration::zero(), "", ElectionOutcome::kWaitingForAcks, now);
      return;
    }
  }
  std::vector<const LeaseCandidate*> acked;
  for (const LeaseCandidate& c : cands_) {
    if (OrZero(c.spec.renewTime) + kElectionDuration > t) acked.push_back(&c);
  }
  if (acked.empty()) {
    FinishReconcile(Duration::zero(), "no available candidates", ElectionOutcome::kNoAckedCandidates, now);
    return;
  }
  StrategyPick sp = PickBestStrategy(acked, config_.api);
  if (!sp.error.empty()) {
    FinishReconcile(Duration::zero(), sp.error, ElectionOutcome::kError, now);
    return;
  }
  strategy_ = sp.strategy;
  Lease leader;
  leader.metadata.namespace_ = ns_;
  leader.metadata.name = name_;
  leader.spec.strategy = strategy_;
  leader.spec.leaseDurationSeconds = kDefaultLeaseDurationSeconds;
  leader.spec.renewTime = now.wall;  // c.clock.Now() when the Lease is built
  if (strategy_ == kOldestEmulationVersion) {
    const LeaseCandidate* electee = PickBestLeaderOldestEmulationVersion(acked);
    if (electee == nullptr) {
      FinishReconcile(Duration::zero(), "should not happen, could not find suitable electee", ElectionOutcome::kError,
                      now);
      return;
    }
    electee_ = electee->metadata.name;
    leader.spec.holderIdentity = electee_;
  } else {
    // do not set the holder identity, but leave it to some other controller.
    Log(2, "Election for strategy \"" + strategy_ + "\" is not handled by leader-election-controller");
  }
  // create the leader election lease
  step_ = Step::kCreate;
  inflight_ = Send(Verb::kCreate, Resource::kLeases, ns_, name_, MakeObject(std::move(leader)));
}

std::span<const CoordEffect> LeaderElectionController::OnApiResponse(const ApiResponse& response, LocalTime now) {
  out_.clear();
  if (gc_inflight_ != 0 && response.id == gc_inflight_) {
    gc_inflight_ = 0;
    if (gc_deleting_) {
      gc_deleting_ = false;
      if (!response.status.ok() && !response.status.IsNotFound()) {
        Log(0, "Error deleting lease: " + response.status.message, true);
      }
    } else if (!response.status.ok()) {
      Log(0, "Error getting lc: " + response.status.message, true);
    } else if (const auto* lc = response.body ? std::get_if<LeaseCandidate>(response.body.get()) : nullptr) {
      // evaluate lease from apiserver
      if (IsLeaseCandidateExpired(now.wall, *lc)) {
        gc_deleting_ = true;
        gc_inflight_ = Send(Verb::kDelete, Resource::kLeaseCandidates, lc->metadata.namespace_, lc->metadata.name,
                            nullptr);
        return out_;
      }
    }
    ContinueGc(now);
    return out_;
  }
  if (inflight_ == 0 || response.id != inflight_) return out_;
  inflight_ = 0;
  const Status& st = response.status;
  switch (step_) {
    case Step::kPing:
      if (!st.ok()) {
        FinishReconcile(kDefaultRequeueInterval, st.message, ElectionOutcome::kError, now);
        return out_;
      }
      ContinuePings(now);
      return out_;
    case Step::kCreate:
      if (st.ok()) {
        if (electee_) {
          Log(0, "Created lease " + key_ + " for \"" + *electee_ + "\"");
        } else {
          Log(0, "Created lease " + key_ + " without leader");
        }
        FinishReconcile(kDefaultRequeueInterval, "", ElectionOutcome::kCreated, now);
        return out_;
      }
      if (!st.IsAlreadyExists()) {
        FinishReconcile(Duration::zero(), st.message, ElectionOutcome::kError, now);
        return out_;
      }
      // Get existing lease.
      step_ = Step::kGet;
      inflight_ = Send(Verb::kGet, Resource::kLeases, ns_, name_, nullptr);
      return out_;
    case Step::kGet: {
      const auto* got = st.ok() && response.body ? std::get_if<Lease>(response.body.get()) : nullptr;
      if (got == nullptr) {
        FinishReconcile(Duration::zero(), st.ok() ? "unexpected object" : st.message, ElectionOutcome::kError, now);
        return out_;
      }
      const Lease& orig = *got;
      Lease existing = orig;
      // isLeaseExpired(c.clock, existing) and time.Now() are read after the Get returned.
      const WallTime t = now.wall;
      const bool is_expired = IsLeaseExpired(t, existing);
      const std::string existing_holder = existing.spec.holderIdentity.value_or("");
      const bool no_holder_identity = (electee_ && !existing.spec.holderIdentity) || existing_holder.empty();
      const bool expired_and_new_holder = is_expired && electee_ && existing_holder != *electee_;
      const bool strategy_changed = !existing.spec.strategy || *existing.spec.strategy != strategy_;
      const bool different_holder = electee_ && *electee_ != existing_holder;
      ElectionOutcome outcome = ElectionOutcome::kUnchanged;
      if (strategy_changed) {
        Log(0, "Lease " + key_ + " strategy changed to \"" + strategy_ + "\"");
        existing.spec.strategy = strategy_;
      }
      if (no_holder_identity || expired_and_new_holder) {
        if (no_holder_identity) {
          Log(0, "Lease " + key_ + " had no holder, setting holder to \"" + electee_.value_or("") + "\"");
        } else {
          Log(0, "Lease " + key_ + " expired, resetting it and setting holder to \"" + electee_.value_or("") + "\"");
        }
        existing.spec.preferredHolder.reset();
        existing.spec.holderIdentity = electee_;
        existing.spec.renewTime = t;  // time.Now()
        existing.spec.leaseDurationSeconds = kDefaultLeaseDurationSeconds;
        existing.spec.acquireTime.reset();
        outcome = ElectionOutcome::kHolderSet;
      } else if (different_holder) {
        Log(0, "Lease " + key_ + " holder changed from \"" + existing_holder + "\" to \"" + *electee_ + "\"");
        existing.spec.preferredHolder = electee_;
        outcome = ElectionOutcome::kPreferredHolderSet;
      }
      if (LeaseSpecEqual(existing.spec, orig.spec)) {
        Log(5, "Lease " + key_ + " already has the most optimal leader \"" + existing_holder + "\"");
        // We need to requeue to ensure that we are aware of an expired lease.
        FinishReconcile(kDefaultRequeueInterval, "", ElectionOutcome::kUnchanged, now);
        return out_;
      }
      step_ = Step::kUpdate;
      keys_[key_].outcome = outcome;
      inflight_ = Send(Verb::kUpdate, Resource::kLeases, ns_, name_, MakeObject(std::move(existing)));
      return out_;
    }
    case Step::kUpdate:
      if (!st.ok()) {
        FinishReconcile(Duration::zero(), st.message, ElectionOutcome::kError, now);
        return out_;
      }
      FinishReconcile(kDefaultRequeueInterval, "", keys_[key_].outcome, now);
      return out_;
    case Step::kIdle:
      break;
  }
  return out_;
}

// processNextElectionItem's tail: HandleError(err); AddAfter(key, requeue) if non-zero
// (deferred: after Done); Done.
void LeaderElectionController::FinishReconcile(Duration requeue, std::string err, ElectionOutcome outcome,
                                               LocalTime now) {
  step_ = Step::kIdle;
  KeyState& ks = keys_[key_];
  ks.outcome = outcome;
  ks.requeue = requeue;
  ks.error = err;
  if (!err.empty()) Log(0, err, true);
  if (testing_) {
    testing_ = false;
    test_result_ = StepResult{requeue, std::move(err)};
    return;
  }
  queue_.Done(key_);
  if (requeue != Duration::zero()) {
    if (auto at = queue_.AddAfter(key_, requeue, now.mono)) ArmAt(*at, false);
  }
  MaybeProcessNext(now);
}

ElectionOutcome LeaderElectionController::last_outcome(const std::string& lease_key) const {
  auto it = keys_.find(lease_key);
  return it == keys_.end() ? ElectionOutcome::kNone : it->second.outcome;
}

Duration LeaderElectionController::last_requeue(const std::string& lease_key) const {
  auto it = keys_.find(lease_key);
  return it == keys_.end() ? Duration::zero() : it->second.requeue;
}

const std::string& LeaderElectionController::last_error(const std::string& lease_key) const {
  static const std::string kEmpty;
  auto it = keys_.find(lease_key);
  return it == keys_.end() ? kEmpty : it->second.error;
}

// --- LeaseCandidateGCController ---------------------------------------------------------

// Port of (*LeaseCandidateGCController).gc: candidates expired in the cache are read
// again from the API server and deleted if still expired. One at a time.
void LeaderElectionController::RunGc(LocalTime now) {
  if (gc_running_) return;
  gc_running_ = true;
  gc_todo_.clear();
  for (const auto& [key, lc] : candidates_) {
    // evaluate lease from cache
    if (IsLeaseCandidateExpired(now.wall, lc)) gc_todo_.push_back(key);
  }
  std::reverse(gc_todo_.begin(), gc_todo_.end());
  ContinueGc(now);
}

void LeaderElectionController::ContinueGc(LocalTime now) {
  if (!gc_todo_.empty()) {
    std::string ns, name;
    SplitKey(gc_todo_.back(), ns, name);
    gc_todo_.pop_back();
    gc_inflight_ = Send(Verb::kGet, Resource::kLeaseCandidates, ns, name, nullptr);
    return;
  }
  gc_running_ = false;
  // wait.UntilWithContext: the next gc one period after this one returned.
  ArmAt(now.mono + config_.gc_period, true);
}

}  // namespace leasesim::core
