// trace_model.h — a loaded leasesim trace, prepared for drawing.
//
// The model is built once by LoadTrace (trace_loader.h) from a `leasesim-trace/1` JSON
// Lines file (docs/trace-format.md) and is immutable afterwards. Everything the viewer
// draws is here as sorted, non-overlapping interval vectors (so a view window can be
// culled with std::lower_bound, as Tracy's timeline does), plus a compact index of every
// event line: the full text stays in `text` and is parsed again on demand (inspector,
// event table), so a 1M-event trace costs ~40 bytes per event beyond its bytes.
//
//   viz::TraceLoad load = viz::LoadTraceFile("out/trace.jsonl");
//   if (!load.ok()) { fmt::print(stderr, "{}\n", load.error); return 2; }
//   const viz::Trace& trace = *load.trace;
//   for (const viz::StateInterval& s : trace.nodes[0].states) { /* ... */ }
//
// All times are true time in ns since scenario start (the trace's `t`), int64.
// This header includes no ImGui and no GL (STYLE.md item 10).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace leasesim::viz {

// TimeNs is true time in ns since the scenario started (the trace's `t` field).
using TimeNs = int64_t;

// EventKind is the trace's `ev` field. kUnknown keeps lines of kinds this viewer does not
// know (a newer simulator) visible in the event table.
enum class EventKind : uint8_t {
  kState, kActing, kApiRequest, kApiServed, kApiResponse, kApiCancel, kObserved, kCallback,
  kLog, kK8sEvent, kMetric, kFault, kClock, kFinding,
  // coordinated leader election (docs/coordinated.md)
  kCoordinationLog, kApiserverInstance, kController,
  // cluster scenarios (docs/node-leases.md)
  kNodeLifecycleController, kZoneState, kKubelet, kNodeReady, kNodeTaint, kNodeEvicted, kClusterFault,
  kUnknown,
};
inline constexpr int kEventKindCount = 25;
// EventKindName returns the trace spelling ("state", "api_request", …; "unknown").
std::string_view EventKindName(EventKind k);
// ParseEventKind maps a trace `ev` string to its kind (kUnknown if not listed).
EventKind ParseEventKind(std::string_view s);

// NodeState is a candidate's lane state (`state` events). kLeading = believes it leads.
enum class NodeState : uint8_t {
  kFollowing, kAcquiring, kLeading, kReleasing, kStopped, kCrashed, kPaused, kUnknown,
};
inline constexpr int kNodeStateCount = 8;
std::string_view NodeStateName(NodeState s);
NodeState ParseNodeState(std::string_view s);

// ApiVerb is an API request's verb (`verb`); kOther for anything else (e.g. delete).
enum class ApiVerb : uint8_t { kGet, kCreate, kUpdate, kOther };
std::string_view ApiVerbName(ApiVerb v);
ApiVerb ParseApiVerb(std::string_view s);

// ApiOutcome classifies what the node saw: kOk (2xx), kConflict (409), kError (any other
// HTTP status), kTimeout (code 0, client-side timeout), kCancelled (api_cancel or code 0
// with a cancel reason), kPending (no answer before the trace ended).
enum class ApiOutcome : uint8_t { kOk, kConflict, kError, kTimeout, kCancelled, kPending };
std::string_view ApiOutcomeName(ApiOutcome o);

// EventRef indexes one event line of Trace::text. `node` is an index into Trace::nodes
// or -1 for events that concern no single node.
struct EventRef {
  TimeNs t = 0;
  uint64_t seq = 0;
  uint64_t offset = 0;  // byte offset of the line in Trace::text
  uint32_t length = 0;  // bytes, without the newline
  int32_t node = -1;
  EventKind kind = EventKind::kUnknown;
};

// StateInterval is [start, end) of one lane state. Per node the intervals are sorted,
// contiguous and non-overlapping; the last one ends at Trace::end_ns.
struct StateInterval {
  TimeNs start = 0;
  TimeNs end = 0;
  NodeState state = NodeState::kUnknown;
  uint32_t event = 0;  // index of the `state` event that began it
};

// Interval is a plain [start, end) span (acting periods).
struct Interval {
  TimeNs start = 0;
  TimeNs end = 0;
};

// ApiCall is one request's life: sent (api_request), served by the API server
// (api_served, -1 if it never arrived), answered (api_response/api_cancel, -1 if never).
struct ApiCall {
  TimeNs sent = 0;
  TimeNs served = -1;
  TimeNs answered = -1;
  uint64_t id = 0;
  ApiVerb verb = ApiVerb::kOther;
  ApiOutcome outcome = ApiOutcome::kPending;
  int served_code = -1;    // HTTP code the server returned, -1 if not served
  int code = -1;           // code the node saw (0: no HTTP response), -1 if unanswered
  uint32_t request_event = 0;
  int32_t answer_event = -1;
};

// ClockSample is a node's local readings at one of its events: `offset_ns` is local wall
// minus true wall (wall - epoch_wall_ns - t), the clock lane's y value.
struct ClockSample {
  TimeNs t = 0;
  int64_t mono_ns = 0;
  int64_t wall_ns = 0;
  int64_t offset_ns = 0;
};

// ClockChange is a `clock` event: the node's clock parameters from `t` on.
struct ClockChange {
  TimeNs t = 0;
  int64_t offset_ns = 0;
  int64_t drift_ppm = 0;
};

// Observation is an `observed` event: the elector's observedRecord changed.
struct Observation {
  TimeNs t = 0;
  uint32_t event = 0;
  std::string holder;
};

// NodeConfig is one `nodes` entry of the header.
struct NodeConfig {
  std::string node;
  std::string identity;
  std::string client_go;
  int64_t lease_duration_ns = 0;
  int64_t renew_deadline_ns = 0;
  int64_t retry_period_ns = 0;
  bool release_on_cancel = false;
};

// NodeTrack is everything the viewer knows about one candidate, each vector sorted by time.
struct NodeTrack {
  NodeConfig config;
  std::vector<StateInterval> states;
  std::vector<Interval> acting;
  std::vector<ApiCall> api;           // sorted by `sent`
  std::vector<ClockSample> clock;     // one per event of this node that has mono/wall
  std::vector<ClockChange> clock_changes;
  std::vector<Observation> observed;
  std::vector<uint32_t> events;       // indices into Trace::events of this node's events
  int64_t offset_min_ns = 0;          // range of clock[].offset_ns (0 if no samples)
  int64_t offset_max_ns = 0;
};

// LeaseWrite is a successful write seen by the API server (`api_served` with `lease`).
struct LeaseWrite {
  TimeNs t = 0;
  uint32_t event = 0;
  int32_t holder = -1;          // index into Trace::holders; -1 for "" (released)
  std::string resource_version;
  bool holder_changed = false;  // the holder differs from the previous write's
};

// HolderInterval is [start, end) during which the stored Lease named `holder`.
struct HolderInterval {
  TimeNs start = 0;
  TimeNs end = 0;
  int32_t holder = -1;  // index into Trace::holders; -1 for "" (released)
};

// FaultInterval is one scheduled fault: [start, end) for begin/end pairs, start == end
// for `at` faults. `lane` indexes Trace::fault_lanes (one lane per fault name; begin and
// end pair up by name and node set).
struct FaultInterval {
  TimeNs start = 0;
  TimeNs end = 0;
  int32_t lane = 0;
  uint32_t event = 0;
  bool instant = false;
  std::string nodes;  // the fault's `nodes`, comma-separated
};

// FindingKind is an oracle finding's `finding`. An invariant breach is an instant
// (start == end == its `at`).
enum class FindingKind : uint8_t { kSplitBrain, kNoLeader, kInvariantBreach, kOther };
std::string_view FindingKindName(FindingKind k);

// Finding is an oracle finding, [start, end) in true time.
struct Finding {
  FindingKind kind = FindingKind::kOther;
  TimeNs start = 0;
  TimeNs end = 0;
  std::vector<std::string> nodes;
  std::string cause;
  uint32_t event = 0;
};

// ReadyStatus is a worker node's Ready condition (`node_ready` events' `status`).
enum class ReadyStatus : uint8_t { kTrue, kFalse, kUnknown };
std::string_view ReadyStatusName(ReadyStatus s);  // "Ready", "NotReady", "Unknown"

// WorkerInterval is [start, end) of one worker's Ready status.
struct WorkerInterval {
  TimeNs start = 0;
  TimeNs end = 0;
  ReadyStatus status = ReadyStatus::kTrue;
};

// WorkerTrack is one worker node of a cluster scenario that some event names (`worker`).
// Before its first `node_ready` a worker is Ready (every node starts Ready). Vectors are
// sorted by time and cover only what changed: `ready` holds the non-Ready intervals and
// the Ready ones between them (from the first change on).
struct WorkerTrack {
  std::string name;
  std::vector<WorkerInterval> ready;
  std::vector<Interval> tainted;      // the NoExecute unreachable/not-ready taint
  std::vector<Interval> kubelet_down;  // kubelet stopped or machine down
  TimeNs evicted = -1;                 // its last pod was deleted (-1: never)
  TimeNs first_change = -1;            // first non-Ready status, taint, kubelet stop or eviction
  bool false_not_ready = false;        // marked Unknown while it was up and reachable
};

// WorkerCounts is the cluster's worker totals from `t` on (a step function).
struct WorkerCounts {
  TimeNs t = 0;
  int32_t not_ready = 0;  // Ready=False
  int32_t unknown = 0;    // Ready=Unknown
  int32_t tainted = 0;
  int32_t evicted = 0;    // nodes whose last pod was deleted so far
};

// ZoneStateChange is a `zone_state` event: the zone's state from `t` on.
struct ZoneStateChange {
  TimeNs t = 0;
  std::string zone;
  std::string state;  // Normal / PartialDisruption / FullDisruption
};

// ClusterModel is the worker-node side of a cluster scenario. `workers` is the header's
// count (or, without it, the number of workers named in events).
struct ClusterModel {
  bool present = false;
  int64_t workers = 0;
  std::vector<WorkerTrack> tracks;    // in order of first mention
  std::vector<int32_t> by_change;     // indices into tracks: those that changed, by first_change
  std::vector<WorkerCounts> counts;   // step function, sorted by t, starts at t 0
  std::vector<ZoneStateChange> zone_states;
};

// CandidateObject is one LeaseCandidate as the API server stored (or returned) it:
// the `object` of an `api_served` line, or its deletion.
struct CandidateObject {
  TimeNs t = 0;
  uint32_t event = 0;
  bool deleted = false;
  bool by_controller = false;  // the election controller's write (a ping) or delete
  ApiVerb verb = ApiVerb::kOther;
};

// LeaseCandidateTrack is one LeaseCandidate object (by name) of coordinated election.
struct LeaseCandidateTrack {
  std::string name;
  std::vector<CandidateObject> objects;  // sorted by t
};

// ApiserverTrack is one kube-apiserver instance of coordinated election
// (`apiserver_instance` and `controller` events): when it was up, when its election
// controller ran (it leads the controllers' own election), and when it crashed.
struct ApiserverTrack {
  std::string name;
  std::vector<Interval> up;
  std::vector<Interval> controller;
  std::vector<TimeNs> crashes;
};

// TraceHeader is line 1 of the trace.
struct TraceHeader {
  std::string format;
  std::string scenario;
  std::string scenario_file;
  uint64_t seed = 0;
  int64_t duration_ns = 0;
  int64_t epoch_wall_ns = 0;
  std::string lock_kind;
  std::string lock_namespace;
  std::string lock_name;
  std::vector<NodeConfig> nodes;
};

// TraceFooter is the last line, if present (a trace cut short has none).
struct TraceFooter {
  bool present = false;
  uint64_t events = 0;
  std::string trace_hash;     // as written
  std::string computed_hash;  // the running hash `h` of the last event line
  bool hash_matches() const { return present && trace_hash == computed_hash; }
};

// Trace is a loaded trace. Invariants: events are in file order; per-node vectors are
// sorted by time; holder intervals and fault intervals are sorted by start.
struct Trace {
  std::string path;
  std::string text;                 // the whole file
  TraceHeader header;
  TraceFooter footer;
  TimeNs end_ns = 0;                // max(header duration, last event t)
  std::vector<EventRef> events;
  std::vector<NodeTrack> nodes;     // header order, then nodes first seen in events
  std::vector<std::string> holders; // distinct Lease holders, in order of first write
  std::vector<LeaseWrite> lease_writes;
  std::vector<HolderInterval> holder_intervals;
  std::vector<std::string> fault_lanes;  // fault name, plus the nodes if all its faults share them
  std::vector<FaultInterval> faults;
  std::vector<Finding> findings;    // sorted by start
  ClusterModel cluster;             // cluster scenarios only (cluster.present)
  std::vector<LeaseCandidateTrack> lease_candidates;  // coordinated election, by first write
  std::vector<ApiserverTrack> apiservers;             // coordinated election, by first event
  std::vector<std::string> warnings;  // non-fatal problems (unknown kinds, hash mismatch)

  // Line returns the text of event `i` (no newline).
  std::string_view Line(uint32_t i) const {
    const EventRef& e = events[i];
    return std::string_view(text).substr(e.offset, e.length);
  }
  // NodeIndex returns the index of node `name`, or -1.
  int NodeIndex(std::string_view name) const;
  // HolderNode returns the node whose identity is holder `h` (index into holders), or -1.
  int HolderNode(int32_t h) const;
};

// StateAt returns the state of `node` at true time t (kUnknown before its first state).
NodeState StateAt(const NodeTrack& node, TimeNs t);

}  // namespace leasesim::viz
