// world.h — one simulated run: the scheduler, every candidate's node driver, the network,
// the fake API server, the fault schedule, the oracles' record and the trace.
//
// The world glues core::LeaderElector (sans-I/O) to virtual time. Each node driver owns an
// elector, its NodeClock and its in-flight requests; it turns the elector's effects into
// scheduled events: requests travel the node's network path to the API server (which
// applies them at their completion instant) and back; timers fire when the node's
// monotonic clock reaches them; the HTTP client timeout (rest.Config.Timeout, by default
// max(1s, RenewDeadline/2) as client-go's NewFromKubeconfig sets it; RenewDeadline in the
// 1.20 profile) answers requests that get no response; 429 and 5xx responses carrying
// Retry-After are retried after it as client-go's rest client does. A paused node's events wait until it resumes (its clocks keep running). A crash
// drops the elector and everything of that incarnation; requests already on the wire still
// reach the server.
//
//   sim::Trace trace;                                // hash only
//   sim::World w(scenario, seed, trace, {});
//   w.Run();                                         // to the scenario's end
//   sim::OracleInput in = w.TakeOracleInput();
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <boost/container/flat_map.hpp>

#include "core/leader_elector.h"
#include "sim/api_server.h"
#include "sim/invariants.h"
#include "sim/network.h"
#include "sim/node_clock.h"
#include "sim/oracles.h"
#include "sim/scenario.h"
#include "sim/scheduler.h"
#include "sim/trace.h"

namespace leasesim::sim {

class Coordination;
class ClusterWorld;  // sim/cluster_world.h: node heartbeats, when the scenario has a cluster

// WorldOptions are run-time switches that are not part of the scenario.
struct WorldOptions {
  // record_logs keeps every rendered client-go log line for the oracles (log_contains);
  // they are always written to the trace when it is on.
  bool record_logs = false;
  // perturb_order (test only): when non-zero, events scheduled at equal times on
  // different nodes are offset by a few ns chosen from this value, so that a run's event
  // order differs — used to show that --determinism catches nondeterminism.
  uint64_t perturb_order = 0;
  // cancel: when non-null, Run() checks it every few thousand events and stops early
  // (returning false) once it is set (e.g. by main()'s SIGINT handler).
  const std::atomic<bool>* cancel = nullptr;
  // test_break (test only): make the world break one invariant on purpose, to show that
  // the checkers (sim/invariants.h) report it end to end, one value per invariant:
  //   kLeaseTransitions     every Lease write the world carries to the API server has its
  //                         leaseTransitions reset to 0 (a request path corrupting bodies)
  //   kLeaseAcquireTime     every Lease update carries acquireTime = renewTime (so each
  //                         renewal moves acquireTime)
  //   kLeaseResourceVersion every applied lock write is recorded as having carried the
  //                         resourceVersion "0" (as if the server let a stale write in)
  //   kStartedLeading       OnStartedLeading is recorded twice
  //   kStoppedLeading       OnStoppedLeading is never recorded
  //   kLeaderAfterStopped   the node is recorded believing it leads right after
  //                         OnStoppedLeading
  //   kWriteAfterRelease    a lock write is recorded right after release() returned
  //   kTrueTimeMonotonic    the scheduler is recorded stepping back 1ns at the run's end
  enum class TestBreak : uint8_t {
    kNone,
    kLeaseTransitions,
    kLeaseAcquireTime,
    kLeaseResourceVersion,
    kStartedLeading,
    kStoppedLeading,
    kLeaderAfterStopped,
    kWriteAfterRelease,
    kTrueTimeMonotonic,
  };
  TestBreak test_break = TestBreak::kNone;
};

// ParseTestBreak maps an invariant's name (sim/invariants.h: "lease_transitions",
// "started_leading_once", ...) to the TestBreak that breaks it; nullopt for anything else
// (the hidden --test-break-invariant flag of `leasesim run`).
std::optional<WorldOptions::TestBreak> ParseTestBreak(std::string_view name);

// kMaxEventsPerInstant is the world's time-stuck guard (Scheduler::
// set_max_events_per_instant): a run that runs more events than this at one true instant
// has stopped advancing time, and Run throws TimeStuckError. A real run has at most a few
// dozen events per instant and node.
inline constexpr uint64_t kMaxEventsPerInstant = 1'000'000;

class World {
 public:
  World(const Scenario& scenario, uint64_t seed, Trace& trace, WorldOptions options);
  ~World();
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  // Run simulates from scenario time 0 to its duration; false when stopped early by
  // WorldOptions::cancel (the world is then unfinished and must not be evaluated).
  // Throws TimeStuckError (sim/scheduler.h) when time stops advancing.
  bool Run();

  // TakeOracleInput closes every open interval at the run's end and returns the record.
  // Call it once, after Run: the nodes' observations are the record's own, so the world
  // must not run afterwards.
  OracleInput TakeOracleInput();
  // TakeInvariantInput returns what the invariant checkers need (call after Run).
  InvariantInput TakeInvariantInput();
  uint64_t events() const { return scheduler_.events_processed(); }
  const ApiServer& api_server() const { return server_; }
  // cluster is the node-heartbeat world of a scenario with a `cluster` section, else null.
  ClusterWorld* cluster() { return cluster_.get(); }

 private:
  struct Node;
  struct Message;

  // Node drivers.
  void StartProcess(int n, TrueTime now);
  void Apply(int n, std::span<const core::Effect> effects);
  template <class F>
  void Deliver(int n, F&& fn);
  void Resume(int n);
  void Crash(int n, TrueTime now, std::string_view why);
  void ExitProcess(int n, TrueTime now);
  void StartActing(int n, TrueTime now);
  void StopActing(int n, TrueTime now);
  void SetBelieved(int n, bool believed, TrueTime now);
  void SetReleasing(int n, bool releasing, TrueTime now);
  void SetState(int n, std::string_view state);
  void UpdateHealthz(int n);
  void RescheduleClockEvents(int n);
  EventId ScheduleTimer(int n, core::TimerId id, core::MonoTime at);
  void TraceClock(int n);
  void TraceFault(const FaultSpec& f, std::string_view phase, const nlohmann::json* targets = nullptr,
                  std::string_view reason = {});
  core::LocalTime Local(int n) const;
  // LocalNow is Local, inline in world.cc (one reading per node and instant, memoised).
  core::LocalTime LocalNow(int n) const;

  // Requests.
  void SendRequest(int n, const core::SendApiRequest& s);
  void Transmit(uint64_t msg_id);
  void ServerArrive(uint64_t msg_id);
  void ServerAdmitted(uint64_t msg_id, const Admission& a);
  void ServerComplete(uint64_t msg_id);
  void SendResponse(uint64_t msg_id);  // the response in the message's slot
  void NodeReceive(uint64_t msg_id);
  void ExpectTimeout(Message& m);
  void ClientTimeout(int n, uint32_t incarnation, core::RequestId id);
  void FinishRequest(int n, core::RequestId id, const core::ApiResponse& resp);

  // Faults.
  void ScheduleFaults();
  std::optional<std::vector<int>> ResolveTargets(const FaultSpec& f, std::string* why);
  void BeginFault(const FaultSpec& f);
  void EndFault(const FaultSpec& f);
  void ResetApiServerFault(FaultKind kind);

  Duration Perturb(int n);
  // Life records one step of node n's elector life for the invariant checkers.
  void Life(int n, ElectorEvent::Kind kind, int64_t request_id = 0);
  void RecordLockWrite(const AppliedWrite& w);

  // (declared first: constructed before the API server's observer can run)
  struct LastContent;
  std::unique_ptr<LastContent> last_content_;        // the record as observers compare it
  std::unique_ptr<LastContent> last_exact_content_;  // the record at full precision
  const Scenario& scenario_;
  uint64_t seed_;
  Trace& trace_;
  WorldOptions options_;
  Scheduler scheduler_;
  ApiServer server_;
  Network network_;
  core::Prng ack_rng_;
  int64_t server_inflight_ = 0;  // requests admitted and not yet completed
  std::array<uint64_t, 4> requests_by_verb_{};  // requests sent, by core::Verb (record_.api.requests at the end)
  // OutcomeCounts counts one verb's outcomes by status code (iteration in ascending
  // code): a sorted vector, as a run sees a handful of codes and counting one is then a
  // short search instead of a tree walk.
  using OutcomeCounts = boost::container::flat_map<int, uint64_t>;
  std::array<OutcomeCounts, 4> outcomes_by_verb_{};
  std::vector<std::unique_ptr<Node>> nodes_;
  // Messages on the wire, in a slab (ids = generation << 32 | slot, checked on access).
  class MessageTable;
  std::unique_ptr<MessageTable> messages_;
  TrueTime end_;
  // The blocks of the nodes' renewal and elector-event logs (shared with the record and
  // the invariant input handed out at the end).
  std::shared_ptr<LogArena> log_arena_ = std::make_shared<LogArena>();
  OracleInput record_;
  std::string last_holder_;
  bool have_holder_ = false;
  TrueTime content_changed_at_{};
  TrueTime exact_changed_at_{};
  std::unique_ptr<ClusterWorld> cluster_;  // last: destroyed first (it uses the members above)

  // fault_targets_[index]: the node indexes a begun fault applies to (roles resolved at
  // its start); nullopt for a fault skipped because a role had no node.
  std::vector<std::optional<std::vector<int>>> fault_targets_;
  InvariantInput invariants_;
  LeaseHistoryChecker lease_checker_;
  LockWrite lock_write_;  // scratch for RecordLockWrite
  int lock_write_resource_ = -1;  // the core::Resource lock_write_.object names
  int completing_node_ = -1;  // the node whose request the API server is completing

  // Coordinated leader election (sim/coordination.h); null unless the scenario has it.
  // Declared last: destroyed first.
  friend class Coordination;
  void RunOnNode(int n, uint32_t incarnation, SmallFn fn);
  uint32_t NodeIncarnation(int n) const;
  const std::string& NodeIdentity(int n) const;
  TrueTime NodeTrueAtMono(int n, core::MonoTime m) const;
  void ForgetRequest(int n, core::RequestId id);
  std::unique_ptr<Coordination> coord_;
};

}  // namespace leasesim::sim
