// leader_elector.h — client-go's LeaderElector as a sans-I/O state machine.
//
// Port of k8s.io/client-go/tools/leaderelection (leaderelection.go) at the 1.37 line, with
// older behaviour selected by a VersionProfile. The elector never reads a clock, sleeps,
// starts a thread or does I/O: each input carries the node's local clock readings and
// returns the effects the caller must carry out, in order (core/README.md).
//
//   core::LeaderElector le(config, core::VersionProfile{}, /*jitter_seed=*/42);
//   for (const core::Effect& e : le.Start(now)) driver.Apply(e);      // Run(ctx)
//   ... le.OnApiResponse(resp, now) ... le.TimerFired(id, now) ... le.Cancel(now)
//
// The returned span is valid until the next call on the same elector.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/api.h"
#include "core/config.h"
#include "core/effects.h"
#include "core/lock.h"
#include "core/prng.h"
#include "core/record.h"
#include "core/time.h"
#include "core/version_profile.h"

namespace leasesim::core {

// Phase is where Run() is: acquire(), renew(), release(), or returned.
enum class Phase : uint8_t { kNotStarted, kAcquiring, kRenewing, kReleasing, kExited };
std::string_view PhaseName(Phase p);

class LeaderElector {
 public:
  // The config must have passed ValidateConfig for the profile (a programming error
  // otherwise). jitter_seed seeds the PRNG stream that replaces Go's rand.Float64 in
  // wait.Jitter.
  LeaderElector(LeaderElectionConfig config, VersionProfile profile, uint64_t jitter_seed);

  // --- Inputs -------------------------------------------------------------------------
  // Start is Run(ctx): logs "Attempting to acquire leader lease..." and makes the first
  // acquire attempt immediately.
  std::span<const Effect> Start(LocalTime now);
  // TimerFired delivers a timer armed with ArmTimer. Unknown or cancelled ids are ignored.
  std::span<const Effect> TimerFired(TimerId id, LocalTime now);
  // OnApiResponse delivers the answer to a SendApiRequest. Responses to cancelled or
  // unknown requests are ignored.
  std::span<const Effect> OnApiResponse(const ApiResponse& response, LocalTime now);
  // Cancel cancels Run's context (graceful stop: SIGTERM in a Kubernetes component).
  std::span<const Effect> Cancel(LocalTime now);

  // --- Queries (client-go's exported methods) -----------------------------------------
  // IsLeader: observedRecord.HolderIdentity == identity (purely observational).
  bool IsLeader() const { return observed_record_.holderIdentity == config_.lock.identity; }
  // GetLeader: the last observed holder identity.
  const std::string& GetLeader() const { return observed_record_.holderIdentity; }
  // Check is (*LeaderElector).Check(maxTolerableExpiredLease): an error text
  // ("failed election to renew leadership on lease <name>") iff this node is the leader
  // and now − observedTime > LeaseDuration + maxTolerableExpiredLease (config duration).
  std::optional<std::string> Check(LocalTime now, Duration max_tolerable_expired_lease) const;

  // --- Introspection (for drivers, traces and the viewer) -----------------------------
  Phase phase() const { return phase_; }
  const LeaderElectionConfig& config() const { return config_; }
  const VersionProfile& profile() const { return profile_; }
  const LeaderElectionRecord& observed_record() const { return observed_record_; }
  const std::string& observed_raw_record() const { return observed_raw_record_; }
  MonoTime observed_time() const { return observed_time_; }
  const std::string& reported_leader() const { return reported_leader_; }
  std::optional<RequestId> inflight_request() const;
  // Lock description "<namespace>/<name>" (Lock.Describe()).
  std::string Describe() const;

  // --- Test access: client-go's unit tests call unexported functions directly ----------
  // SetObservedForTest sets observedRecord, observedRawRecord (json.Marshal of it) and
  // observedTime, as leaderelection_test.go does.
  void SetObservedForTest(const LeaderElectionRecord& r, MonoTime observed_time);
  // BeginTryAcquireOrRenewForTest starts one tryAcquireOrRenew (or tryCoordinatedRenew
  // when config.coordinated) with a background context; feed responses with
  // OnApiResponse, then read test_result().
  std::span<const Effect> BeginTryAcquireOrRenewForTest(LocalTime now);
  // BeginReleaseForTest starts release() (with its RenewDeadline timeout).
  std::span<const Effect> BeginReleaseForTest(LocalTime now);
  // MaybeReportTransitionForTest is maybeReportTransition().
  std::span<const Effect> MaybeReportTransitionForTest();
  // test_result is the bool the last test-started function returned, once it finished.
  std::optional<bool> test_result() const { return test_result_; }

 private:
  struct Ctx;  // defined in leader_elector.cc
  enum class Attempt : uint8_t;
  enum class Waiting : uint8_t;

  LeaderElectionConfig config_;
  VersionProfile profile_;
  Prng jitter_;
  ResourceLock lock_;

  // client-go state (leaderelection.go LeaderElector fields)
  LeaderElectionRecord observed_record_;
  std::string observed_raw_record_;
  MonoTime observed_time_{};
  std::string reported_leader_;

  // Run() state
  Phase phase_ = Phase::kNotStarted;
  bool run_cancelled_ = false;
  std::optional<bool> test_result_;
  bool test_mode_ = false;

  // implementation state: see leader_elector.cc
  struct Impl;
  friend struct Impl;
  std::vector<Effect> out_;
  uint64_t next_timer_id_ = 1;
  uint64_t next_request_id_ = 1;
  uint8_t attempt_ = 0;            // Attempt
  uint8_t attempt_kind_ = 0;       // which function the attempt runs
  uint8_t wait_ = 0;               // Waiting
  LocalTime attempt_now_{};        // `now` captured at the start of the try function
  LeaderElectionRecord attempt_record_;  // the record the try function is writing
  LeaderElectionRecord release_old_;     // release(): the record from its Get
  bool release_in_slow_path_ = false;
  TimerId timer_wait_ = 0;         // the timer the current wait is on (0 = none)
  TimerId timer_deadline_ = 0;     // poll or release deadline timer (0 = none)
  bool ctx_has_deadline_ = false;  // current request context's deadline
  MonoTime ctx_deadline_{};
  bool ctx_cancelled_ = false;     // the current attempt's context is done
  Reason ctx_reason_ = Reason::kOK;
  MonoTime poll_start_{};          // renew poll: ticker anchor
  MonoTime poll_next_tick_{};      // next ticker tick not yet consumed
  bool renew_failed_ = false;
};

}  // namespace leasesim::core
