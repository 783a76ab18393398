// oracles.h — what happened in a run, measured in true time: leadership intervals,
// split-brain (with the assumption that broke), no-leader gaps, failover after each fault,
// lease transitions and API load.
//
// Oracles are pure functions of what the runner recorded (OracleInput); they need no
// simulator, so they are tested on hand-built inputs and can be re-run on a trace.
//
//   sim::OracleInput in;
//   in.end = sim::kTrueEpoch + 10min;
//   in.nodes.push_back({.node = "a", .identity = "a", .believed = {{t0, t1}}, .acting = {{t0, t1}}});
//   sim::OracleResults r = sim::RunOracles(in);   // r.no_leader_total, r.split_brain, ...
//
// Sources: client-go tools/leaderelection (renew/acquire timing, HealthzAdaptor), the
// reference's §1.16 "Timing properties" (overlap when LeaseDuration < RetryPeriod +
// RenewDeadline + write latency, clock-rate differences), kubernetes#23731 (a workload
// that keeps acting after losing the lease), kubernetes#47671 (pre-1.27 expiry on the
// local LeaseDuration).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <boost/container/deque.hpp>

#include "sim/coordination_record.h"
#include "sim/log_arena.h"
#include "sim/true_time.h"

namespace leasesim::sim {

// Interval is a half-open stretch of true time [start, end). Intervals still open when the
// run ends are closed at OracleInput::end by the runner.
struct Interval {
  TrueTime start;
  TrueTime end;
  Duration Length() const { return end - start; }
  friend bool operator==(const Interval&, const Interval&) = default;
};

// RenewalWrite is one successful renewal Update of a leader: sent by the node, `applied`
// = when observers last saw the record change (the write itself, or an earlier one when
// the renewal rewrote identical bytes: a renewal retried within the same attempt after a
// lost response reuses tryAcquireOrRenew's `now`), response received by the node.
// `received - applied` is the delay that eats the LeaseDuration margin
// (reference §1.16: overlap when LDS < RP + RD + (t_s - t_w)).
struct RenewalWrite {
  TrueTime sent;
  TrueTime applied;
  TrueTime received;
  // written: when the API server applied this write. changed: when the stored record last
  // changed at full (microsecond) precision, as of this write (== written when the write
  // changed it). `changed - applied` > 0 means renewals rewrote bytes followers could not
  // tell apart (renewTime compares at whole-second precision in the raw record): record
  // precision, not slowness. `written - changed` > 0 means this write repeated the stored
  // record exactly: a renewal retried with tryAcquireOrRenew's same `now` after its first
  // attempt's response was lost, an ambiguous write whose delay counts as slowness.
  TrueTime written;
  TrueTime changed;
};

// RenewalLog holds a node's renewals for the whole run (one per RetryPeriod while it
// leads: 43,000 over a simulated day). It is a deque in 4 KB blocks, not a vector: a
// vector that doubles copies itself into fresh memory at every growth, faulting every
// page in again (on a virtual machine, a sixth of a 24 h run's CPU time went to such
// faults); blocks are written once and never move. A world's logs take their blocks from
// its LogArena (sim/log_arena.h: a long run's logs in huge pages).
using RenewalLog = boost::container::deque<RenewalWrite, LogAllocator<RenewalWrite>,
                                           boost::container::deque_options_t<boost::container::block_bytes<4096>>>;

// DriftChange says that from `at` on, the node's clock runs at (1 + drift_ppm/1e6) times
// true rate (sim/node_clock.h). A node with no changes runs at drift 0.
struct DriftChange {
  TrueTime at;
  int64_t drift_ppm = 0;
};

// HealthzChange says that from `at` on, the node's leader-election healthz check
// ((*LeaderElector).Check via NewLeaderHealthzAdaptor) answers healthy or not.
struct HealthzChange {
  TrueTime at;
  bool healthy = true;
};

// NodeObservations is everything the runner recorded about one node. All interval lists
// are sorted by start and non-overlapping.
struct NodeObservations {
  std::string node;      // the scenario's candidate name
  std::string identity;  // lock identity (the last one, if restarted with a new one)
  // Timings and client-go version of this node's LeaderElectionConfig (for cause rules).
  Duration lease_duration = std::chrono::seconds(15);
  Duration renew_deadline = std::chrono::seconds(10);
  Duration retry_period = std::chrono::seconds(2);
  int client_go_minor = 37;
  // Workload behaviour (scenario "workload"): keeps acting after OnStoppedLeading
  // (kubernetes#23731) or exits after `stop_lag`.
  bool workload_keeps_acting = false;
  Duration stop_lag{0};

  // believed: acquire success (OnStartedLeading) -> renew loop exit (OnStoppedLeading),
  // crash, or stop. acting: the workload runs as leader and the process is not paused.
  std::vector<Interval> believed;
  std::vector<Interval> acting;
  std::vector<Interval> paused;       // SIGSTOP/GC pauses
  std::vector<Interval> releasing;    // release() running (ReleaseOnCancel), after renew exited
  // lock_objects: the API objects the node's lock kind reads and writes, e.g.
  // {"endpoints"} or {"endpoints", "leases"} for the endpointsleases MultiLock.
  std::vector<std::string> lock_objects;
  std::vector<TrueTime> crashes;
  std::vector<DriftChange> drift;     // step function, sorted by `at`
  RenewalLog renewals;                // successful renewals, sorted by `received`
  std::vector<HealthzChange> healthz; // step function, sorted; healthy before the first
};

// HolderChange is a server-side change of the lock's holderIdentity at `at` (true time
// the API server applied it). The first entry is the object's creation. "" = released.
struct HolderChange {
  TrueTime at;
  std::string holder;
};

// FaultMark is one scheduled fault as the oracles need it: its stable index in the
// scenario's "faults" list, its kind name ("crash", "partition", ...), when it began
// and the nodes it names (empty for API-server faults).
struct FaultMark {
  int index = 0;
  std::string kind;
  TrueTime at;
  std::vector<std::string> nodes;
};

// ApiAccounting is the candidates' per-verb request count ("get", "create", "update"),
// the API server's per-status-code response count (200, 201, 409, 429, 503, ...; plus
// 0 = a client-side timeout or cancel), and what each request's sender saw.
struct ApiAccounting {
  std::map<std::string, uint64_t> requests;
  std::map<int, uint64_t> responses;
  // outcomes[verb][code]: requests of `verb` whose sender saw status `code`, 0 = no
  // response (the client timed out: the request or its answer was lost or late; or the
  // request was cancelled). unanswered[verb]: requests still open when the run ended or
  // whose sender crashed or restarted meanwhile. Per verb, requests = the outcomes' sum
  // + unanswered (the server-side `responses` also count requests of the API server's
  // own controllers, and answers that were lost on the way back, so they need not).
  std::map<std::string, std::map<int, uint64_t>> outcomes;
  std::map<std::string, uint64_t> unanswered;
  // requests_by_node: requests each candidate sent (by node name).
  std::map<std::string, uint64_t> requests_by_node;
  // watch_events: watch notifications the API server fanned out per resource ("leases",
  // "configmaps", "endpoints"): each applied write times the watchers of that resource
  // (informers watching ConfigMaps/Endpoints also see every annotation-lock renewal).
  std::map<std::string, uint64_t> watch_events;
  uint64_t TotalRequests() const;
};

// LogLine is one client-go log line a node emitted (trace `log` events).
struct LogLine {
  TrueTime at;
  std::string node;
  std::string text;
};

// OracleInput is the runner's record of one run.
struct OracleInput {
  TrueTime start = kTrueEpoch;  // scenario time 0
  TrueTime end = kTrueEpoch;    // start + scenario duration
  std::vector<NodeObservations> nodes;  // in scenario candidate order
  std::vector<HolderChange> holder_changes;  // sorted by `at`
  std::vector<FaultMark> faults;             // sorted by `at`, then index
  ApiAccounting api;
  std::vector<LogLine> logs;
  CoordinationRecord coordination;  // coordinated leader election (KEP-4355), when enabled
};

// SplitBrainCause is the rule that explained a split-brain interval (first match wins, in
// this order; docs/split-brain-causes.md gives each rule).
enum class SplitBrainCause : uint8_t {
  kDisjointLockObjects,          // leaders on lock kinds that share no object (a skipped MultiLock step)
  kDuplicateIdentity,            // two leaders with the same identity: each takes the record for its own
  kReleaseInProgress,            // acting while release() runs (hangs without a timeout < 1.31, kubernetes#124588)
  kWorkloadIgnoresCancellation,  // acting while not believing, keep_acting (kubernetes#23731)
  kWorkloadStopLag,              // acting while not believing, within the workload's stopLag
  kProcessPause,                 // a node's pause during its current leadership
  kShortLeaseDurationPre127,     // the new leader's shorter local LeaseDuration on client-go < 1.27 (kubernetes#47671)
  kClockRate,                    // clock-rate ratio beyond LeaseDuration/(RenewDeadline+RetryPeriod)
  kRecordPrecision,              // whole-second leaseDurationSeconds / renewTime hid part of the margin
  kSlowWrite,                    // the old leader's last renewal response latency ate the margin
  kTimingsAllowOverlap,          // LeaseDuration <= RenewDeadline + RetryPeriod
  kUnexplained,
};

// kSplitBrainCauseCount is the number of SplitBrainCause values (kUnexplained last).
inline constexpr int kSplitBrainCauseCount = static_cast<int>(SplitBrainCause::kUnexplained) + 1;

// RecordLeaseDuration is the LeaseDuration a record carries: leaseDurationSeconds is
// int32(LeaseDuration / time.Second) (client-go tryAcquireOrRenew), so 1.5s is written as 1.
Duration RecordLeaseDuration(Duration lease_duration);

// SplitBrainInterval is a maximal stretch when two or more nodes act as leader at once.
// `nodes` lists every node acting during it (scenario order); `cause` is a human text
// such as "process pause of a for 20s" or "clock rate ratio 1.43 > tolerated 1.25".
struct SplitBrainInterval {
  Interval interval;
  std::vector<std::string> nodes;
  SplitBrainCause cause_kind = SplitBrainCause::kUnexplained;
  std::string cause;
};

// NodeIntervals is the per-node output: the input intervals, plus unhealthy stretches of
// its healthz check.
struct NodeIntervals {
  std::string node;
  std::string identity;
  std::vector<Interval> believed;
  std::vector<Interval> acting;
  std::vector<Interval> paused;
  std::vector<Interval> unhealthy;
};

// FailoverResult is what followed one fault. `previous_leader` believed it led just
// before `at`; `lost_at` is when that belief ended (if before the run end);
// `new_leader_at` is the first start of a believed interval at or after `at` (any node,
// the previous leader re-acquiring included). `disrupted` is true when there was no leader
// just before the fault, or the previous leader lost leadership before the next fault (or
// the run end): only those count as failovers.
struct FailoverResult {
  FaultMark fault;
  std::optional<std::string> previous_leader;
  std::optional<TrueTime> lost_at;
  std::optional<std::string> new_leader;
  std::optional<TrueTime> new_leader_at;
  bool disrupted = false;
  std::optional<Duration> Failover() const {
    if (!new_leader_at) return std::nullopt;
    return *new_leader_at - fault.at;
  }
};

// Transition is a change of the lease holder to a different non-empty identity, counted
// as client-go counts leaderTransitions (tryAcquireOrRenew: old holder != new identity;
// the object's creation is not a transition; a release followed by a re-acquire is).
struct Transition {
  TrueTime at;
  std::string from;  // "" after a release
  std::string to;
};

// OracleResults is every oracle's verdict on one run.
struct OracleResults {
  TrueTime start;
  TrueTime end;
  std::vector<NodeIntervals> nodes;

  std::vector<SplitBrainInterval> split_brain;
  Duration split_brain_total{0};
  Duration split_brain_max{0};

  // no_leader: maximal stretches when no node believes it leads (the initial election
  // included; expectations may ignore it with `after`).
  std::vector<Interval> no_leader;
  Duration no_leader_total{0};
  Duration no_leader_max{0};

  std::vector<FailoverResult> failovers;  // one per fault, in fault order

  std::vector<Transition> transitions;
  double transitions_per_hour = 0;  // flapping rate over the run

  ApiAccounting api;
  double api_requests_per_second = 0;  // all verbs, mean over the run
};

// RunOracles evaluates all oracles. Precondition (asserted): intervals within [start, end]
// and each list sorted.
OracleResults RunOracles(const OracleInput& in);

// ComputeSplitBrain returns the split-brain intervals with their causes (exposed for tests).
std::vector<SplitBrainInterval> ComputeSplitBrain(const OracleInput& in);

// ComputeNoLeader returns the maximal no-leader gaps in [in.start, in.end).
std::vector<Interval> ComputeNoLeader(const OracleInput& in);

// ComputeTransitions returns the lease-holder transitions.
std::vector<Transition> ComputeTransitions(const std::vector<HolderChange>& changes);

// DriftAt is the node's drift_ppm in effect at `t`.
int64_t DriftAt(const NodeObservations& n, TrueTime t);

// CauseName is the stable snake_case name of a cause ("process_pause", ...).
std::string_view CauseName(SplitBrainCause c);

}  // namespace leasesim::sim
