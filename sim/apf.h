// apf.h — API Priority and Fairness as kube-apiserver does it (k8s.io/apiserver
// pkg/util/flowcontrol, v0.37): FlowSchema classification, priority levels sharing the
// server's concurrency limit by nominalConcurrencyShares, work estimates in seats, one
// QueueSet per level (shuffle sharding, fair queuing on virtual time, queueLengthLimit),
// 429 with Retry-After when a queue is full or a request waits longer than its limit.
//
// Two layers:
//   * pure logic, time as an input (like the Go code with its clock injected): Classify,
//     EstimateWork, Dealer, QueueSet, DroppedRequestsTracker — tested in tests/sim/apf_test.cc
//     after the Go tests (queueset_test.go, match_test.go, list_work_estimator_test.go);
//   * ApfFilter: the filter in the fake API server. It owns one QueueSet per level and
//     schedules its own events (seat release at completion, queue-wait timeouts) on the
//     run's Scheduler; a queued request is answered through a callback when it is
//     dispatched or rejected.
//
//   apf::ApfFilter f(apf::BootstrapConfig(600), sched, {.slowdown_at_limit = 1});
//   apf::Outcome o = f.Start(digest, now, 2ms, [&](const apf::Outcome& later) { ... });
//   // o.kind: kExecute (o.complete_at), kQueued (callback later), kReject (o.retry_after)
//
// What is simplified (docs/apf.md): no borrowing between levels (each level keeps its
// nominal concurrency limit), sha256 of the flow id is core::StableHash, watches are not
// requests, and the dropped-requests tracker is per level as in Go.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/scheduler.h"
#include "sim/true_time.h"

namespace leasesim::sim::apf {

// UserInfo is the authenticated user of a request (k8s.io/apiserver user.Info).
struct UserInfo {
  std::string name;
  std::vector<std::string> groups;
};

// RequestDigest is what classification and work estimation see of one request
// (flowcontrol.RequestDigest: RequestInfo + user). `objects` is the number of stored
// objects of the resource (the object count tracker) for a list; `watchers` the watches
// a mutating request notifies (the watch tracker).
struct RequestDigest {
  UserInfo user;
  bool is_resource_request = true;
  std::string verb;         // get, list, watch, create, update, patch, delete
  std::string api_group;    // "" for the core group, "coordination.k8s.io", ...
  std::string resource;     // leases, nodes, pods, ...
  std::string subresource;  // status, ...
  std::string namespace_;   // "" for cluster-scoped objects
  std::string name;         // "" for a collection (list)
  std::string path;         // non-resource requests: /healthz, ...
  int64_t objects = 0;      // list: objects of the resource stored
  int64_t limit = 0;        // list: ?limit= (0 = none)
  bool from_cache = false;  // list: served from the watch cache (resourceVersion=0, watch)
  int64_t watchers = 0;     // mutating: watchers notified
};

// Well-known users (k8s.io/apiserver pkg/authentication/user).
UserInfo KubeControllerManagerUser();   // system:kube-controller-manager
UserInfo NodeUser(std::string_view node);  // system:node:<node> in system:nodes
UserInfo ServiceAccountUser(std::string_view namespace_, std::string_view name);
UserInfo LoopbackUser();                // system:apiserver in system:masters

// --- configuration (k8s.io/api flowcontrol/v1) ------------------------------------------

enum class SubjectKind : uint8_t { kUser, kGroup, kServiceAccount };
struct Subject {
  SubjectKind kind = SubjectKind::kUser;
  std::string name;        // user / group / service-account name ("*" = all)
  std::string namespace_;  // service account
};
struct ResourceRule {
  std::vector<std::string> verbs, api_groups, resources, namespaces;
  bool cluster_scope = false;
};
struct NonResourceRule {
  std::vector<std::string> verbs, urls;
};
struct PolicyRules {
  std::vector<Subject> subjects;
  std::vector<ResourceRule> resource_rules;
  std::vector<NonResourceRule> non_resource_rules;
};
enum class Distinguisher : uint8_t { kNone, kByUser, kByNamespace };
struct FlowSchema {
  std::string name;
  std::string priority_level;
  int32_t matching_precedence = 1000;
  Distinguisher distinguisher = Distinguisher::kNone;
  std::vector<PolicyRules> rules;
};
struct PriorityLevel {
  std::string name;
  bool exempt = false;
  int32_t nominal_concurrency_shares = 30;
  int32_t lendable_percent = 0;  // kept for the record: borrowing is not modelled
  bool queuing = true;           // LimitResponse Queue (else Reject)
  int32_t queues = 64;
  int32_t hand_size = 8;
  int32_t queue_length_limit = 50;
};

// Config is a server's APF configuration: schemas in matching order (precedence, then
// name, as the config controller sorts them), levels, and the server's limits.
struct Config {
  std::vector<FlowSchema> flow_schemas;
  std::vector<PriorityLevel> priority_levels;
  // --max-requests-inflight + --max-mutating-requests-inflight (400 + 200).
  int server_concurrency_limit = 600;
  // How long a request may wait in a queue: a quarter of the request's deadline
  // (--request-timeout 60s), at most 1m (priority-and-fairness.go getRequestWaitContext).
  Duration request_wait_limit = std::chrono::seconds(15);
  // SortFlowSchemas orders flow_schemas by (matchingPrecedence, name).
  void SortFlowSchemas();
  // LevelIndex is the index of the level named `name`, or -1.
  int LevelIndex(std::string_view name) const;
};

// BootstrapConfig is the mandatory + suggested configuration of kube-apiserver
// (k8s.io/apiserver pkg/apis/flowcontrol/bootstrap/default.go, v0.37): levels exempt,
// system 30, node-high 40, leader-election 10, workload-high 40, workload-low 100,
// global-default 20, catch-all 5; schemas exempt(1), probes(2),
// system-leader-election(100), system-node-high(400), system-nodes(500),
// kube-controller-manager(800), kube-scheduler(800), kube-system-service-accounts(900),
// service-accounts(9000), global-default(9900), catch-all(10000).
Config BootstrapConfig(int server_concurrency_limit = 600);

// --- classification ---------------------------------------------------------------------

// Classification is the schema and level a request maps to and its flow.
struct Classification {
  int flow_schema = -1;      // index into Config::flow_schemas
  int priority_level = -1;   // index into Config::priority_levels
  std::string flow_distinguisher;
  uint64_t hash = 0;         // hashFlowID(schema, distinguisher) for shuffle sharding
};

// MatchesFlowSchema ports matchesFlowSchema (pkg/util/flowcontrol/rule.go).
bool MatchesFlowSchema(const RequestDigest& d, const FlowSchema& fs);
// Classify ports the selection loop of (*configController).startRequest: the first
// schema (in matching order) that matches, else catch-all.
Classification Classify(const Config& c, const RequestDigest& d);
// HashFlowID stands for hashFlowID (sha256 of "schema\0distinguisher"); here
// core::StableHash of the same bytes, so hands are deterministic but differ from Go's.
uint64_t HashFlowID(std::string_view flow_schema, std::string_view distinguisher);

// --- work estimation (pkg/util/flowcontrol/request) ------------------------------------

struct WorkEstimate {
  int64_t initial_seats = 1;
  int64_t final_seats = 0;
  Duration additional_latency{0};
  int64_t MaxSeats() const { return initial_seats > final_seats ? initial_seats : final_seats; }
};
// EstimateWork ports the work estimator with its defaults (config.go: minimumSeats 1,
// objectsPerSeat 100, watchesPerSeat 10, eventAdditionalDuration 5ms): a list costs
// ceil(objects processed / 100) seats (seatsBasedOnObjectCount: from the cache all stored
// objects, from etcd 2 × limit, or stored + limit with a selector, 1 by name), clamped
// to [1, max_seats]; a mutating request 1 seat plus, with >= 10 watchers,
// ceil(watchers/10) final seats for 5ms of watch-event work (reshaped to max_seats);
// anything else 1 seat.
WorkEstimate EstimateWork(const RequestDigest& d, int64_t max_seats);

// NominalConcurrencyLimits ports finishQueueSetReconfigsLocked: per level
// ceil(serverCL × shares / Σ shares) (exempt levels: 0).
std::vector<int> NominalConcurrencyLimits(const Config& c);
// MaxSeats is max(1, min(ceil(0.15 × nominalCL), nominalCL / handSize)), capped at 10
// (the list and mutating estimators' MaximumSeatsLimit).
int64_t MaxSeats(const PriorityLevel& pl, int nominal_cl);

// --- shuffle sharding (pkg/util/shufflesharding) ----------------------------------------

// Dealer ports shufflesharding.Dealer: deals `hand_size` distinct cards of `deck_size`
// from a hash value (mixed-radix digits).
class Dealer {
 public:
  Dealer(int deck_size, int hand_size);
  std::vector<int> DealIntoHand(uint64_t hash) const;

 private:
  int deck_size_, hand_size_;
};

// --- the queue set (fairqueuing/queueset/queueset.go) ----------------------------------

// SeatNs is work in seat-nanoseconds (fqrequest.SeatSeconds with nanosecond resolution).
using SeatNs = double;

// QueueSet ports queueSet: requests of one priority level are shuffle-sharded into
// queues and dispatched in fair-queuing order while seats are free. Time is an input;
// nothing is scheduled here. Tickets are the caller's request ids (unique).
class QueueSet {
 public:
  enum class Start : uint8_t { kExecute, kQueued, kRejected };

  // QueueSet: `queues` 0 means no queuing (reject when the seats are taken).
  QueueSet(int concurrency_limit, int queues, int hand_size, int queue_length_limit, TrueTime now);

  // StartRequest ports (*queueSet).StartRequest: kExecute (seats taken now), kQueued
  // (call Dispatch after each Finish), kRejected (queue full: 429).
  Start StartRequest(uint64_t ticket, const WorkEstimate& w, uint64_t hash, TrueTime now);
  // FinishRequest ports finishRequestLocked for a request whose execution ended at `now`:
  // its initial phase releases the seats unless it lingers for additional_latency
  // (then call ReleaseLingering at now + additional_latency).
  void FinishRequest(uint64_t ticket, TrueTime now);
  void ReleaseLingering(uint64_t ticket, TrueTime now);
  // Dispatch ports dispatchAsMuchAsPossibleLocked: returns the tickets dispatched, in order.
  std::vector<uint64_t> Dispatch(TrueTime now);
  // Cancel removes a still-waiting request (its wait limit passed; Go's req.wait() on
  // decisionCancel). Returns false if it is not waiting.
  bool Cancel(uint64_t ticket, TrueTime now);

  int seats_in_use() const { return seats_in_use_; }
  int requests_waiting() const { return requests_waiting_; }
  int requests_executing() const { return requests_executing_; }
  int concurrency_limit() const { return concurrency_limit_; }
  SeatNs current_r() const { return current_r_; }
  // QueueOf is the queue a waiting or executing ticket was put in (-1 if none).
  int QueueOf(uint64_t ticket) const;

 private:
  struct Req {
    uint64_t ticket = 0;
    WorkEstimate work;
    SeatNs total_work = 0;
    SeatNs arrival_r = 0;
    TrueTime arrival{};
  };
  struct Queue {
    std::deque<Req> waiting;
    SeatNs waiting_work = 0;  // Σ total_work of waiting requests (QueueSum.TotalWorkSum)
    int waiting_max_seats = 0;
    int executing = 0;
    int seats_in_use = 0;
    SeatNs next_dispatch_r = 0;
  };
  struct Executing {
    int queue = -1;
    WorkEstimate work;
    TrueTime start{};
    bool lingering = false;
  };

  void SyncTime(TrueTime now);
  double VirtualTimeRatio() const;
  int ShuffleShard(uint64_t hash);
  bool CanAccommodate(int64_t seats) const;
  bool DispatchOne(TrueTime now, uint64_t* ticket);
  void BoundNextDispatch(Queue& q);
  SeatNs TotalWork(const WorkEstimate& w) const;

  int concurrency_limit_;
  int queue_length_limit_;
  std::optional<Dealer> dealer_;
  std::vector<Queue> queues_;
  SeatNs current_r_ = 0;
  TrueTime last_real_{};
  int robin_index_ = -1;
  int requests_waiting_ = 0;
  int requests_executing_ = 0;
  int seats_in_use_ = 0;
  uint64_t enqueues_ = 0;
  Duration estimated_service_ = std::chrono::milliseconds(3);  // queueset.go: 3ms
  std::map<uint64_t, Executing> executing_;
};

// DroppedRequestsTracker ports droppedRequestsStats (dropped_requests_tracker.go) for one
// level: Retry-After starts at 1 s, doubles (to 60) when a level dropped >= 3 ×
// retryAfter requests in the last retryAfter seconds, and falls by 1 when it dropped
// fewer than retryAfter.
class DroppedRequestsTracker {
 public:
  void RecordDroppedRequest(int64_t unix_s);
  int64_t RetryAfter() const { return retry_after_; }

 private:
  void UpdateHistory(int64_t unix_s, int64_t count);
  struct Stat { int64_t unix_s, requests; };
  std::vector<Stat> history_;
  int64_t current_unix_ = 0;
  int64_t current_count_ = 0;
  int64_t retry_after_ = 1;
  int64_t retry_after_update_unix_ = 0;
};

// --- the filter in the fake API server -----------------------------------------------

// Outcome is what the filter decided for one request.
struct Outcome {
  enum class Kind : uint8_t { kExecute, kQueued, kReject };
  Kind kind = Kind::kExecute;
  TrueTime start{};          // kExecute: when it got its seats
  TrueTime complete_at{};    // kExecute: start + service time
  Duration service{0};       // kExecute: service time (base × load factor)
  Duration retry_after{0};   // kReject: whole seconds
  bool timed_out = false;    // kReject: waited longer than the wait limit (else queue full)
  int priority_level = -1;
  int flow_schema = -1;
  int64_t seats = 1;
};
using OutcomeCallback = std::function<void(const Outcome&)>;

// LevelStats counts what one priority level did (report "apf.priorityLevels").
struct LevelStats {
  uint64_t arrived = 0;
  uint64_t dispatched = 0;      // executed (immediately or after waiting)
  uint64_t queued = 0;          // had to wait in a queue
  uint64_t rejected_queue_full = 0;
  uint64_t rejected_timeout = 0;  // waited longer than requestWaitLimit
  Duration max_wait{0};
  Duration total_wait{0};       // over dispatched requests
  int max_seats_in_use = 0;
  int max_waiting = 0;
};

struct FilterOptions {
  // Server latency that grows with load: a request's service time is its base latency ×
  // (1 + slowdown_at_limit × seats in use / serverConcurrencyLimit), seats counted when
  // it is dispatched (itself included). 0 = no slowdown.
  double slowdown_at_limit = 1.0;
};

// ApfFilter is WithPriorityAndFairness over the run's scheduler.
class ApfFilter {
 public:
  ApfFilter(Config config, Scheduler& sched, FilterOptions options = {});
  ApfFilter(const ApfFilter&) = delete;
  ApfFilter& operator=(const ApfFilter&) = delete;
  ~ApfFilter();

  // Start classifies, estimates and admits one request arriving at `now` whose base
  // service time is `base`. kQueued: `later` is called (from a scheduled event) with the
  // final kExecute or kReject outcome. Seats are released at complete_at (+ the work
  // estimate's additional latency) by the filter's own events.
  Outcome Start(const RequestDigest& d, TrueTime now, Duration base, OutcomeCallback later);

  const Config& config() const { return config_; }
  const std::vector<int>& nominal_limits() const { return nominal_; }
  const std::vector<LevelStats>& level_stats() const { return stats_; }
  // schema_rejections: 429s by flow schema name (ordered).
  const std::map<std::string, uint64_t>& schema_rejections() const { return schema_rejections_; }
  int SeatsInUse() const;

 private:
  struct Waiting {
    int level = 0;
    int schema = 0;
    int64_t seats = 1;
    Duration base{0};
    TrueTime arrival{};
    EventId timeout_event{};
    Duration additional{0};
    OutcomeCallback later;
  };
  Outcome Execute(int level, int schema, uint64_t ticket, const WorkEstimate& w, TrueTime arrival, TrueTime now,
                  Duration base);
  Outcome Reject(int level, int schema, TrueTime now, bool timed_out);
  void Finish(int level, uint64_t ticket, Duration additional);
  void DispatchLevel(int level);
  void TimeOut(uint64_t ticket);

  Config config_;
  Scheduler& sched_;
  FilterOptions options_;
  std::vector<int> nominal_;
  std::vector<int64_t> max_seats_;
  std::vector<std::optional<QueueSet>> sets_;  // empty for exempt levels
  std::vector<DroppedRequestsTracker> dropped_;
  std::vector<LevelStats> stats_;
  std::map<std::string, uint64_t> schema_rejections_;
  std::map<uint64_t, Waiting> waiting_;
  std::map<uint64_t, WorkEstimate> works_;  // ticket -> estimate, while waiting
  uint64_t next_ticket_ = 1;
  int exempt_in_use_ = 0;
};

}  // namespace leasesim::sim::apf
