// invariants.h — properties every run of a correct client-go must have, checked after the
// run over what the world recorded: the lock's write history at the fake API server, each
// elector's life (Run, callbacks, release, writes) and the simulator's own time.
//
// Unlike the oracles (which measure, and which expectations judge), a breached invariant
// is a failure of the run whatever its expectations say: either the port in core/, the
// world in sim/, or a test-only perturbation broke something client-go guarantees.
// Checkers are pure functions of an InvariantInput, so they are tested on hand-made
// histories.
//
//   sim::InvariantInput in = world.TakeInvariantInput();
//   std::vector<sim::InvariantBreach> b = sim::CheckInvariants(in);   // empty: all held
//   for (auto& x : b) std::cout << x.invariant << " at " << ... << ": " << x.message;
//
// Invariant names (InvariantBreach::invariant; stable, snake_case like other enumerated
// values shared with reports):
//   lease_transitions       leaderTransitions changed other than on a takeover
//   lease_acquire_time      acquireTime changed other than on a takeover or a release
//   lease_resource_version  an applied update did not carry the stored resourceVersion
//   started_leading_once    OnStartedLeading more than once in one Run
//   stopped_leading_once    OnStoppedLeading not exactly once when Run returned
//   leader_after_stopped    believed, wrote or acted as leader after OnStoppedLeading
//   write_after_release     a lock write sent after release() returned
//   true_time_monotonic     the scheduler's true time went backwards
// (A run whose time stops advancing does not reach the checkers: the scheduler throws
// TimeStuckError, sim/scheduler.h, and the command exits 3.)
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/container/deque.hpp>

#include "core/api.h"
#include "core/record.h"
#include "sim/log_arena.h"
#include "sim/true_time.h"

namespace leasesim::sim {

// InvariantBreach is one broken invariant: its name (list above), the true time of the
// breaching event, the node involved ("" when none is: e.g. a write history breach names
// the writer when known), a one-line message, and the events involved, each in words
// with its time in seconds since scenario start ("update by b applied at 312.004s: holder
// a -> b, leaderTransitions 1 -> 1").
struct InvariantBreach {
  std::string invariant;
  TrueTime at;
  std::string node;
  std::string message;
  std::vector<std::string> events;
  friend bool operator==(const InvariantBreach&, const InvariantBreach&) = default;
};

// LockWrite is one write the fake API server applied to a lock object (an object named
// like the scenario's lock, in any resource), in the order applied. `previous` is the
// stored record before the write (nullopt for a create, or when the previous object
// carried no record); `record` the record after it. `multi_lock` is true when the writer
// uses a MultiLock (configmapsleases, endpointsleases): see CheckLeaseHistory.
// `by_elector` is false for a write no client-go LeaderElector made: kube-apiserver's
// coordinated leader election controller (KEP-4355, pkg/controlplane/controller/
// leaderelection reconcileElectionStep) sets holderIdentity without touching
// leaseTransitions or acquireTime, so tryAcquireOrRenew's rules do not bind it.
struct LockWrite {
  TrueTime at;
  std::string object;  // "<resource>/<namespace>/<name>", e.g. "leases/kube-system/kube-scheduler"
  core::Verb verb = core::Verb::kUpdate;
  std::string node;    // the writer's node name ("" when unknown)
  bool multi_lock = false;
  bool by_elector = true;
  std::string sent_resource_version;                     // what the update carried ("" for none)
  std::optional<std::string> previous_resource_version;  // the stored version it replaced
  std::optional<core::LeaderElectionRecord> previous;
  core::LeaderElectionRecord record;
};

// ElectorEvent is one step in a node's elector life; `run` numbers the node's processes
// (each process calls Run once: a crash or exit ends it, a restart starts the next).
struct ElectorEvent {
  enum class Kind : uint8_t {
    kRunStarted,       // the process started and called Run
    kStartedLeading,   // OnStartedLeading invoked
    kBelieved,         // the world starts counting the node as believing it leads
    kActing,           // the workload starts acting as leader
    kActingStopped,    // the workload stops acting
    kLockWrite,        // a create/update of the lock sent (request_id)
    kReleaseReturned,  // release() returned (ReleaseOnCancel)
    kStoppedLeading,   // OnStoppedLeading invoked
    kRunReturned,      // Run returned
    kKilled,           // the process was killed (crash): Run never returns
  };
  TrueTime at;
  uint32_t run = 0;
  Kind kind = Kind::kRunStarted;
  int64_t request_id = 0;  // kLockWrite
};

// ElectorKindName is the words for an event kind ("OnStartedLeading", "lock write", ...).
std::string_view ElectorEventName(ElectorEvent::Kind k);

// ElectorHistory is one node's elector events in time order, and its workload's promise:
// `workload_exits` (scenario workload onStoppedLeading "exit") means acting stops at most
// `stop_lag` after OnStoppedLeading; a workload that keeps acting (kubernetes#23731) is
// a scenario choice, not a breach.
// The world keeps a run's kLockWrite events only from its first kStoppedLeading or
// kReleaseReturned on: an earlier lock write cannot breach anything CheckElectorLife checks.
// (`events` grows for the whole run: a deque is written once
// and never copied, where a doubling vector faults its pages in again. Its blocks are
// small, 256 bytes, because every elector of a 1000-candidate run has a few events. A
// world's logs take their blocks from its LogArena, sim/log_arena.h.)
using ElectorEventLog = boost::container::deque<ElectorEvent, LogAllocator<ElectorEvent>,
                                                boost::container::deque_options_t<boost::container::block_bytes<256>>>;
struct ElectorHistory {
  std::string node;
  bool workload_exits = true;
  Duration stop_lag{0};
  ElectorEventLog events;
};

// TimeStep is the scheduler moving true time from `from` to `to` to run `event` (the
// scheduling function's name). The world records only the steps that went backwards; the
// checker accepts any subset of the steps.
struct TimeStep {
  TrueTime from;
  TrueTime to;
  std::string event;
};

// InvariantInput is what the world recorded for the checkers. The world does not keep
// every lock write (a day-long run applies ~10^5 of them): it feeds each to a
// LeaseHistoryChecker as it is applied and hands over the breaches found, in
// `lease_history_breaches`; `lock_writes` is for histories made by hand (tests, tools).
struct InvariantInput {
  TrueTime start = kTrueEpoch;  // scenario time 0
  TrueTime end = kTrueEpoch;
  std::vector<LockWrite> lock_writes;    // in applied order
  std::vector<InvariantBreach> lease_history_breaches;  // already checked (see above)
  std::vector<ElectorHistory> electors;  // in scenario candidate order
  std::vector<TimeStep> time_steps;
};

// LeaseHistoryChecker is CheckLeaseHistory one write at a time (each LockWrite carries
// the record it replaced, so writes need not be kept): Observe each applied write in
// order, then Take the breaches.
class LeaseHistoryChecker {
 public:
  explicit LeaseHistoryChecker(TrueTime start = kTrueEpoch) : start_(start) {}
  void Observe(const LockWrite& w);
  std::vector<InvariantBreach> Take() { return std::move(breaches_); }

 private:
  TrueTime start_;
  std::vector<InvariantBreach> breaches_;
};

// LeaseUpdateKeepsRecordRules is true when an update of a Lease from spec `old` to spec
// `now`, by an elector that is not a MultiLock user, keeps CheckLeaseHistory's record
// rules (lease_transitions and lease_acquire_time below), reading each field as
// core::LeaseSpecToLeaderElectionRecord decodes it (an absent field is its zero value).
// Observe of such a write (with the stored resourceVersion) then reports nothing, so the
// world's write path checks an ordinary Lease update with it without decoding either
// record, and builds the LockWrite only when it is false.
bool LeaseUpdateKeepsRecordRules(const core::LeaseSpec& old, const core::LeaseSpec& now);

// CheckLeaseHistory checks each applied write of a lock object against the record it
// replaced, by the rules of client-go's (*LeaderElector).tryAcquireOrRenew and release()
// (tools/leaderelection/leaderelection.go):
//  - lease_transitions: a write whose holderIdentity is non-empty and differs from the
//    previous holder (a takeover: "if le.IsLeader() { keep } else { LeaderTransitions =
//    oldLeaderElectionRecord.LeaderTransitions + 1 }") sets leaderTransitions to the
//    previous value + 1; every other write keeps it (a renewal copies it; release() writes
//    `LeaderTransitions: le.observedRecord.LeaderTransitions` with an empty holder). A
//    re-acquire after a release is a takeover ("" -> identity).
//  - lease_acquire_time: acquireTime changes only on a takeover (AcquireTime: now) or a
//    release (release() writes `AcquireTime: now` with the empty holder); a renewal copies
//    oldLeaderElectionRecord.AcquireTime.
//  - lease_resource_version: an update's metadata.resourceVersion equals the stored one it
//    replaced (optimistic concurrency, Kubernetes API concepts "Resource versions"; the
//    generic registry's Store.Update returns 409 Conflict otherwise).
// Creates start an object's history and are not compared. The record rules are not
// applied to writes by MultiLock users: MultiLock.Get reports an empty holder when the
// primary and secondary records disagree (resourcelock/multilock.go), so a correct
// elector then counts a transition without a holder change.
std::vector<InvariantBreach> CheckLeaseHistory(const std::vector<LockWrite>& writes, TrueTime start);

// CheckElectorLife checks one node's elector events, per Run (client-go Run:
// `defer le.config.Callbacks.OnStoppedLeading()`; `go le.config.Callbacks.OnStartedLeading
// (ctx)` after acquire; release() from renew's exit when ReleaseOnCancel):
//  - started_leading_once: OnStartedLeading at most once per Run (acquire runs once).
//  - stopped_leading_once: OnStoppedLeading exactly once when Run returns (it is deferred
//    in Run in every client-go version leasesim ports, even when the elector never led —
//    client-go #1187), and never while Run is still running or after the process died.
//  - leader_after_stopped: after OnStoppedLeading, no OnStartedLeading, no belief, no lock
//    write, and (for a workload that exits) no acting beyond `stop_lag`.
//  - write_after_release: no lock write sent after release() returned.
// `end` is the run's end (still acting then counts when it is past the stop lag).
std::vector<InvariantBreach> CheckElectorLife(const ElectorHistory& h, TrueTime start, TrueTime end);

// CheckTrueTime: true_time_monotonic — every step's `to` >= `from` (the scheduler's
// contract, sim/scheduler.h: a time in the past runs now).
std::vector<InvariantBreach> CheckTrueTime(const std::vector<TimeStep>& steps, TrueTime start);

// CheckInvariants runs every checker (and adds in.lease_history_breaches); breaches sorted by time (stable: checker order,
// then node order, for equal times).
std::vector<InvariantBreach> CheckInvariants(const InvariantInput& in);

}  // namespace leasesim::sim
