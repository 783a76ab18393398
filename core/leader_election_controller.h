// leader_election_controller.h — kube-apiserver's coordinated leader election controller
// and its LeaseCandidate garbage collector, as one sans-I/O state machine.
//
// Port of kubernetes pkg/controlplane/controller/leaderelection (leaderelection_controller.go,
// leasecandidategc_controller.go; 1.31–1.33, feature gate CoordinatedLeaderElection). The
// controller watches Leases and LeaseCandidates (its informer caches are fed by the caller
// with OnLeaseEvent / OnLeaseCandidateEvent), and for each Lease that has candidates runs
// reconcileElectionStep: ping candidates whose renewTime is older than electionDuration
// (5s) by writing spec.pingTime, wait for them to answer (renewTime after pingTime) or
// for the ping to be electionDuration old, then elect among the candidates that answered:
// create the Lease with holderIdentity = the best candidate (OldestEmulationVersion),
// strategy, leaseDurationSeconds 5 and renewTime now; or, if the Lease exists and is held
// by another live candidate, set spec.preferredHolder so the holder steps down at the end
// of its term (the candidate's elector refuses to renew a Lease with a preferredHolder);
// once that Lease has expired, write the new holder.
//
// One worker, as kube-apiserver runs it. The caller runs the controller only while its
// API server instance leads the controller's own lease (run_with_leaderelection.go).
//
//   core::LeaderElectionController c({.api = core::LeaseCandidateApi::kV1beta1});
//   c.OnLeaseCandidateEvent(core::InformerEvent::kAdd, cand, now);   // cache sync
//   for (const core::CoordEffect& e : c.Start(now)) driver.Apply(e);  // Run(ctx, 1)
#pragma once

#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/api.h"
#include "core/coordinated_effects.h"
#include "core/coordinated_election.h"
#include "core/objects.h"
#include "core/time.h"
#include "core/workqueue.h"

namespace leasesim::core {

enum class InformerEvent : uint8_t { kAdd, kUpdate, kDelete };

struct LeaderElectionControllerConfig {
  LeaseCandidateApi api = LeaseCandidateApi::kV1beta1;
  // The GC's wait.UntilWithContext period (LeaseCandidateGCPeriod); 0 disables the GC.
  Duration gc_period = kLeaseCandidateGCPeriod;
};

// ElectionOutcome is what the last reconcileElectionStep of a Lease did (for traces and
// oracles; not a Go type).
enum class ElectionOutcome : uint8_t {
  kNone,                // never reconciled
  kNoCandidates,        // no admissible candidate: not managed by the controller
  kNotNeeded,           // electionNeeded false (optimal leader, or a foreign strategy)
  kPinged,              // sent pings (or is still waiting for answers to earlier ones)
  kWaitingForAcks,      // unanswered pings younger than electionDuration
  kNoAckedCandidates,   // "no available candidates"
  kCreated,             // created the Lease with the electee
  kHolderSet,           // wrote holderIdentity (no holder / expired lease)
  kPreferredHolderSet,  // set preferredHolder (end of term for the holder)
  kUnchanged,           // the Lease already had the most optimal leader
  kError,               // an API error or a strategy conflict
};
std::string_view ElectionOutcomeName(ElectionOutcome o);

class LeaderElectionController {
 public:
  explicit LeaderElectionController(LeaderElectionControllerConfig config = {}) : config_(config) {}

  // --- Informer caches (the caller delivers watch events; before Start they are the
  // initial list). Events after Start also enqueue, as the registered handlers do.
  std::span<const CoordEffect> OnLeaseEvent(InformerEvent type, const Lease& lease, LocalTime now);
  std::span<const CoordEffect> OnLeaseCandidateEvent(InformerEvent type, const LeaseCandidate& lc, LocalTime now);

  // Start is Run(ctx, 1) (after WaitForNamedCacheSync) plus the GC's Run: enqueue every
  // cached candidate's lease, start the worker, run gc now and every gc_period.
  std::span<const CoordEffect> Start(LocalTime now);
  // Stop cancels the context (leadership of the controller lease lost): the queue shuts
  // down, requests in flight are cancelled. A stopped controller can be Started again
  // (a new Run with fresh queue), keeping its caches.
  std::span<const CoordEffect> Stop();
  std::span<const CoordEffect> OnApiResponse(const ApiResponse& response, LocalTime now);
  std::span<const CoordEffect> TimerFired(TimerId id, LocalTime now);

  // --- Introspection.
  bool running() const { return running_; }
  ElectionOutcome last_outcome(const std::string& lease_key) const;
  // last_requeue is the requeue interval the last reconcile of the key returned (0 = none).
  Duration last_requeue(const std::string& lease_key) const;
  const std::string& last_error(const std::string& lease_key) const;
  const std::map<std::string, LeaseCandidate>& candidate_cache() const { return candidates_; }
  const std::map<std::string, Lease>& lease_cache() const { return leases_; }

  // --- Test access: reconcileElectionStep for one key with a background context; feed
  // the API answers with OnApiResponse, then read test_result().
  struct StepResult {
    Duration requeue{0};
    std::string error;  // "" = nil
  };
  std::span<const CoordEffect> BeginReconcileForTest(const std::string& lease_key, LocalTime now);
  const std::optional<StepResult>& test_result() const { return test_result_; }
  // ListAdmissableCandidates / ElectionNeeded read the caches (ports of the Go functions).
  std::vector<const LeaseCandidate*> ListAdmissableCandidates(const std::string& ns, const std::string& name,
                                                              WallTime now);
  struct Needed {
    bool need = false;
    std::string error;
  };
  Needed ElectionNeeded(std::span<const LeaseCandidate* const> candidates, const std::string& ns,
                        const std::string& name, WallTime now);

 private:
  enum class Step : uint8_t { kIdle, kPing, kCreate, kGet, kUpdate };
  struct KeyState {
    ElectionOutcome outcome = ElectionOutcome::kNone;
    Duration requeue{0};
    std::string error;
  };

  void EnqueueCandidate(const LeaseCandidate& lc, LocalTime now);
  void EnqueueLease(const std::string& ns, const std::string& name, LocalTime now);
  void MaybeProcessNext(LocalTime now);
  void BeginReconcile(const std::string& key, LocalTime now);
  void ContinuePings(LocalTime now);
  void AfterPings(LocalTime now);
  void FinishReconcile(Duration requeue, std::string err, ElectionOutcome outcome, LocalTime now);
  RequestId Send(Verb verb, Resource res, const std::string& ns, const std::string& name, ObjectPtr body);
  void ArmAt(MonoTime at, bool gc);
  void RunGc(LocalTime now);
  void ContinueGc(LocalTime now);
  void Log(int v, std::string text, bool error = false) { out_.emplace_back(CoordLog{v, error, std::move(text)}); }

  LeaderElectionControllerConfig config_;
  std::map<std::string, LeaseCandidate> candidates_;  // "ns/name" -> cached object
  std::map<std::string, Lease> leases_;
  std::map<std::string, KeyState> keys_;
  Workqueue queue_;
  bool running_ = false;
  bool testing_ = false;
  std::optional<StepResult> test_result_;

  // The reconcile in progress (one worker).
  Step step_ = Step::kIdle;
  std::string key_, ns_, name_;
  LocalTime now_{};
  std::vector<LeaseCandidate> cands_;  // snapshot of the admissible candidates
  size_t ping_index_ = 0;
  bool can_vote_yet_ = true;
  std::string strategy_;
  std::optional<std::string> electee_;
  RequestId inflight_ = 0;

  // The GC loop (its own goroutine in Go).
  bool gc_running_ = false;
  std::vector<std::string> gc_todo_;
  bool gc_deleting_ = false;
  RequestId gc_inflight_ = 0;

  std::map<TimerId, bool> timers_;  // id -> is the GC period timer
  std::vector<CoordEffect> out_;
  RequestId next_request_id_ = 1;
  TimerId next_timer_id_ = 1;
};

}  // namespace leasesim::core
