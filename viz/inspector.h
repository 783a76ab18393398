// inspector.h — what the inspector panel shows at the cursor's true time.
//
// At a cursor time t: the Lease as stored by the API server (the last successful write at
// or before t, printed as `kubectl get lease -o yaml` would print it), and for each
// candidate: its lane state, whether it acts, its observed record (the last `observed`
// event) and when it observed it (true time and its own clock readings), its local clock
// readings at t (monotonic and wall, extrapolated from its last event with the current
// drift), its clock offset, and the API request in flight at t, if any. With coordinated
// election, every LeaseCandidate as stored at t; in cluster scenarios, the worker counts.
//
//   viz::Inspection in = viz::InspectAt(trace, 38.2e9);
//   std::puts(in.lease_yaml.c_str());
//   for (const viz::NodeInspection& n : in.nodes) std::puts(n.state.c_str());
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "viz/trace_model.h"

namespace leasesim::viz {

// NodeInspection is one candidate's view at the cursor. Times are formatted for display;
// the raw numbers are kept for tests.
struct NodeInspection {
  std::string node;
  std::string identity;
  NodeState state = NodeState::kUnknown;
  TimeNs state_since = -1;       // start of the current state interval (-1: none)
  bool acting = false;
  bool has_observed = false;
  std::string observed_holder;
  std::string observed_record;   // raw record string as client-go compares it
  TimeNs observed_t = -1;        // true time of the observation
  int64_t observed_mono_ns = 0;  // the node's monotonic reading when it observed
  int64_t observed_wall_ns = 0;
  bool has_clock = false;        // false if the node has no event with clock readings
  int64_t mono_ns = 0;           // local monotonic reading at the cursor
  int64_t wall_ns = 0;           // local wall reading at the cursor
  int64_t offset_ns = 0;         // wall - true wall at the cursor
  int64_t drift_ppm = 0;         // from the last `clock` event (0 if none)
  std::optional<ApiCall> in_flight;  // request sent at or before t, not answered by t
  std::string in_flight_text;        // "update id 12 sent at 30.018s, pending 2.3s"
};

// CandidateInspection is one LeaseCandidate (coordinated election) at the cursor: the
// object as last stored or read at or before t, as `kubectl get leasecandidate -o yaml`
// prints it, and its spec's fields for a one-line summary.
struct CandidateInspection {
  std::string name;
  bool exists = false;           // written and not deleted by t
  bool deleted = false;          // deleted by the election controller at or before t
  TimeNs seen_t = -1;            // true time of that write/read/delete
  bool by_controller = false;    // that write was the controller's (a ping, or the delete)
  std::string holder_identity;   // metadata.name is the candidate's identity
  std::string binary_version;
  std::string emulation_version;
  std::string renew_time;        // RFC 3339 as stored ("" if none)
  std::string ping_time;
  bool ping_pending = false;     // pingTime newer than renewTime: the controller awaits an answer
  std::string yaml;
};

// Inspection is the inspector's contents at one true time.
struct Inspection {
  TimeNs t = 0;
  bool has_lease = false;
  std::string lease_yaml;          // kubectl-style YAML, or a note if no write yet
  std::string lease_holder;        // "" when released or absent
  std::string resource_version;
  TimeNs lease_written_t = -1;     // true time of that write
  std::vector<NodeInspection> nodes;
  std::vector<CandidateInspection> candidates;  // every LeaseCandidate seen by t, by name order of first write
  bool has_cluster = false;
  int64_t workers = 0;
  WorkerCounts worker_counts;                   // cluster scenarios: the counts at t
};

// InspectAt computes the inspector's contents at true time t.
Inspection InspectAt(const Trace& trace, TimeNs t);

// LocalReadingsAt extrapolates a node's clock readings at true time t from its nearest
// event at or before t (or the first one after t): returns false if it has none.
bool LocalReadingsAt(const NodeTrack& node, TimeNs t, int64_t& mono_ns, int64_t& wall_ns);

}  // namespace leasesim::viz
