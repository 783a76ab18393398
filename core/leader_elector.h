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
#include <memory>
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
  // Start is Run(ctx): reports the master_status gauge NewLeaderElector set to 0, logs
  // "Attempting to acquire leader lease..." and makes the first acquire attempt
  // immediately.
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
  // (Kept as a flag, updated wherever observedRecord is assigned.)
  bool IsLeader() const { return is_leader_; }
  // GetLeader: the last observed holder identity.
  const std::string& GetLeader() const { return observed_record_.holderIdentity; }
  // Check is (*LeaderElector).Check(maxTolerableExpiredLease): an error text
  // ("failed election to renew leadership on lease <name>") iff this node is the leader
  // and now − observedTime > LeaseDuration + maxTolerableExpiredLease (config duration).
  std::optional<std::string> Check(LocalTime now, Duration max_tolerable_expired_lease) const;
  // CheckFails is Check(...).has_value() without building the text (a /healthz probe that
  // only needs the verdict).
  bool CheckFails(LocalTime now, Duration max_tolerable_expired_lease) const {
    // "Currently not concerned with the case that we are hot standby".
    return IsLeader() && now.mono - observed_time_ > config_.leaseDuration + max_tolerable_expired_lease;
  }

  // --- Introspection (for drivers, traces and the viewer) -----------------------------
  Phase phase() const { return phase_; }
  const LeaderElectionConfig& config() const { return config_; }
  const VersionProfile& profile() const { return profile_; }
  const LeaderElectionRecord& observed_record() const { return observed_record_; }
  const std::string& observed_raw_record() const { return observed_raw_record_; }
  // observed_raw_changes counts assignments of observedRawRecord (a changed record was
  // observed): a cheap way for drivers to notice a new observation.
  uint64_t observed_raw_changes() const { return observed_raw_changes_; }
  MonoTime observed_time() const { return observed_time_; }
  const std::string& reported_leader() const { return reported_leader_; }
  // master_status is the leader_election_master_status gauge: 0 from construction
  // (NewLeaderElector's leaderOff; Start reports it as its first effect), 1 from a
  // successful acquire, 0 again when a renew poll fails.
  double master_status() const { return master_status_; }
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
  // Which client-go function the current attempt is running, and where it is.
  enum class Try : uint8_t { kNone, kAcquireOrRenew, kCoordinatedRenew, kRelease };
  enum class Step : uint8_t { kFastUpdate, kGet, kCreate, kUpdate };
  // What the elector waits for between attempts.
  enum class Wait : uint8_t { kNone, kAcquireRetry, kRenewPeriod, kRenewTick };
  // Where the attempt's result goes when it finishes.
  enum class Caller : uint8_t { kAcquire, kRenewPoll, kRelease, kTest };

  // Contexts (context.Context): the current attempt's cancellation and deadline.
  Reason CtxErr(MonoTime now) const;

  // The try functions (tryAcquireOrRenew, tryCoordinatedRenew, tryRelease).
  void BeginTry(Try t, Caller c, LocalTime now);
  void BeginLockOp(const LockStep& s, LocalTime now);
  void ContinueTry(const Status& st, LocalTime now);
  void FinishWrite(const Status& st, LogMsg failed, LocalTime now);
  void FinishTry(bool ok, LocalTime now);
  void FailInflight(Reason r, LocalTime now);

  // Run() pieces.
  void OnAcquireAttemptDone(bool ok, LocalTime now);
  void StartRenewPoll(LocalTime now);
  void OnRenewAttemptDone(bool ok, LocalTime now);
  void EndRenewPoll(Reason err, LocalTime now);
  void AfterRenew(LocalTime now);
  void StartRelease(LocalTime now);
  void FinishRun(LocalTime now);

  // Helpers.
  bool IsLeaseValid(MonoTime now, int record_lds) const;
  void SetObservedRecord(const LeaderElectionRecord& r, LocalTime now);
  void SetObservedRecordFromTry(LocalTime now);
  void ObserveRawRecord(const LeaderElectionRecord& old, LocalTime now);
  void MaybeReportTransition();
  TimerId Arm(MonoTime at, TimerKind kind);
  void Disarm(TimerId& id);
  void EmitLog(LogMsg m, int v, bool error, std::string_view err = {}, std::string_view holder = {});
  // Keep copies `s` into text that stays valid until the next input (for effects that
  // view a text the elector does not otherwise keep, such as a response's message).
  std::string_view Keep(std::string_view s);
  // BeginInput starts an input: the previous effects and kept texts are dropped.
  void BeginInput() {
    out_.clear();
    kept_used_ = 0;
  }
  Duration JitteredRetryPeriod();

  LeaderElectionConfig config_;
  VersionProfile profile_;
  Prng jitter_;
  ResourceLock lock_;

  // client-go LeaderElector fields.
  LeaderElectionRecord observed_record_;
  std::string observed_raw_record_;
  uint64_t observed_raw_changes_ = 0;
  uint64_t observed_raw_gen_ = 0;  // the lock's got_raw_gen() observedRawRecord equals (0: none)
  bool is_leader_ = false;         // observedRecord.HolderIdentity == identity
  // The lock's generation whose record observedRecord equals but for renewTime (0: none).
  uint64_t observed_record_gen_ = 0;
  bool reported_current_ = false;  // reportedLeader == observedRecord.HolderIdentity (known)
  MonoTime observed_time_{};
  std::string reported_leader_;
  double slowpath_total_ = 0;
  double master_status_ = 0;

  // Run() state.
  Phase phase_ = Phase::kNotStarted;
  bool run_cancelled_ = false;       // Run's ctx (and the leader ctx below it) is done
  std::optional<bool> test_result_;

  // The current attempt.
  Try try_ = Try::kNone;
  Caller caller_ = Caller::kAcquire;
  Step step_ = Step::kGet;
  LocalTime try_now_{};               // `now` read at the top of the try function
  LeaderElectionRecord try_record_;   // the record it writes
  bool try_holder_is_identity_ = false;  // try_record_.holderIdentity == identity (known)
  RequestId inflight_ = 0;            // 0: none
  // The attempt's context: cancelled with Run's ctx (acquire, renew) or not (release);
  // optional deadline (renew poll: poll start + RenewDeadline; release: + RenewDeadline).
  bool ctx_follows_run_ = true;
  bool ctx_has_deadline_ = false;
  MonoTime ctx_deadline_{};

  // Waits and the renew poll.
  Wait wait_ = Wait::kNone;
  TimerId wait_timer_ = 0;
  TimerId deadline_timer_ = 0;
  bool poll_immediate_ = false;       // the attempt running is the poll's immediate one
  bool poll_ticker_started_ = false;
  MonoTime poll_next_tick_{};         // next ticker tick not yet consumed

  std::vector<Effect> out_;
  // Texts the effects of the current input view (slots reused from input to input; each
  // string in its own allocation so that a view stays valid while more are added, and
  // nothing is allocated for an elector that never keeps a text).
  std::vector<std::unique_ptr<std::string>> kept_;
  size_t kept_used_ = 0;
  TimerId next_timer_id_ = 1;
  RequestId next_request_id_ = 1;
};

}  // namespace leasesim::core
