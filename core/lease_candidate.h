// lease_candidate.h — client-go's LeaseCandidate controller as a sans-I/O state machine.
//
// Port of k8s.io/client-go/tools/leaderelection/leasecandidate.go (client-go 1.31+,
// KEP-4355 coordinated leader election). A coordinated candidate runs one of these beside
// its LeaderElector (config.coordinated = true): it creates its LeaseCandidate object if
// absent, renews it every 5 minutes (requeueInterval), and renews it at once when the
// election controller pings it (an update whose spec.pingTime is after spec.renewTime).
// Its renewTime is what the controller reads as "this candidate is alive".
//
// Named LeaseCandidateClient here because core::LeaseCandidate is the API object.
//
//   core::LeaseCandidateClient c({.namespace_ = "kube-system", .name = "node-a_1",
//                                 .leaseName = "kube-controller-manager",
//                                 .binaryVersion = "1.33.0", .emulationVersion = "1.33.0"});
//   for (const core::CoordEffect& e : c.Start(now)) driver.Apply(e);
//   ... c.OnApiResponse(resp, now) ... c.OnInformerUpdate(obj, now) ... c.TimerFired(id, now)
#pragma once

#include <span>
#include <string>
#include <vector>

#include "core/api.h"
#include "core/coordinated_effects.h"
#include "core/objects.h"
#include "core/time.h"
#include "core/workqueue.h"

namespace leasesim::core {

// LeaseCandidateConfig is NewCandidate's arguments. `strategy` is v1.CoordinatedLease-
// Strategy (1.32+); with api v1alpha1 (1.31) it is sent as preferredStrategies = [strategy].
struct LeaseCandidateConfig {
  std::string namespace_;
  std::string name;       // the candidate's identity (its elector's lock identity)
  std::string leaseName;  // the Lease it is a candidate for
  std::string binaryVersion;
  std::string emulationVersion;
  std::string strategy = "OldestEmulationVersion";
  LeaseCandidateApi api = LeaseCandidateApi::kV1beta1;
};

// kLeaseCandidateRequeueInterval is leasecandidate.go's requeueInterval.
inline constexpr Duration kLeaseCandidateRequeueInterval = std::chrono::minutes(5);

class LeaseCandidateClient {
 public:
  explicit LeaseCandidateClient(LeaseCandidateConfig config) : config_(std::move(config)) {}

  // Start is Run(ctx) once the informer has synced: enqueueLease and start the worker.
  std::span<const CoordEffect> Start(LocalTime now);
  // OnInformerUpdate is the informer's UpdateFunc for this candidate's object: enqueue if
  // pingTime is set and after renewTime (a ping not yet answered).
  std::span<const CoordEffect> OnInformerUpdate(const LeaseCandidate& obj, LocalTime now);
  // OnApiResponse delivers the answer to a SendApiRequest; unknown ids are ignored.
  std::span<const CoordEffect> OnApiResponse(const ApiResponse& response, LocalTime now);
  // TimerFired delivers an ArmQueueTimer; stale ids are ignored.
  std::span<const CoordEffect> TimerFired(TimerId id, LocalTime now);
  // Stop cancels Run's context: the queue shuts down, a request in flight is cancelled.
  std::span<const CoordEffect> Stop();

  const LeaseCandidateConfig& config() const { return config_; }
  bool running() const { return running_; }
  // ensures counts completed ensureLease calls (successful or not).
  uint64_t ensures() const { return ensures_; }
  const Workqueue& queue() const { return queue_; }
  // NewLeaseCandidate is newLeaseCandidate(): the object Create sends (renewTime = now).
  LeaseCandidate NewLeaseCandidate(WallTime now) const;

 private:
  enum class Step : uint8_t { kIdle, kGet, kCreate, kUpdate };
  void MaybeProcessNext(LocalTime now);
  void Send(Verb verb, ObjectPtr body);
  void FinishEnsure(const Status& err, LocalTime now);
  void ArmAt(MonoTime at);

  LeaseCandidateConfig config_;
  Workqueue queue_;
  bool running_ = false;
  Step step_ = Step::kIdle;
  RequestId inflight_ = 0;
  uint64_t ensures_ = 0;
  std::vector<TimerId> timers_;
  std::vector<CoordEffect> out_;
  RequestId next_request_id_ = 1;
  TimerId next_timer_id_ = 1;
};

}  // namespace leasesim::core
