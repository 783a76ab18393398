// coordination.h — coordinated leader election (KEP-4355) in a simulated run.
//
// Owned by World when the scenario has versioned or coordinated candidates. It runs:
//   - per coordinated candidate node, client-go's LeaseCandidate (core::LeaseCandidate-
//     Client) beside the node's elector (config.coordinated = true): its requests travel
//     the node's network path like the elector's, its informer gets the watch events of
//     its own LeaseCandidate after the path's response delay (lost with the response
//     direction of the path), its timers run on the node's clock, a pause defers it;
//   - per API server instance (coordination.apiservers), kube-apiserver's
//     RunWithLeaderElection: a LeaderElector on kube-system/leader-election-controller
//     (15s/10s/2s, identity "<name>_<uuid>") whose OnStartedLeading starts a new
//     core::LeaderElectionController (+ LeaseCandidate GC) and OnStoppedLeading stops it.
//     As in kube-apiserver, RunWithLeaderElection returns when leadership is lost and is
//     not started again until that API server instance restarts. Its requests use the
//     loopback client (no network, the shared fake API server's admission and latency,
//     1s client timeout: NewFromKubeconfig(..., 10) gives max(1s, 10ns/2)); its informers
//     see every Lease / LeaseCandidate write `watchDelay` after it is applied.
//   - the oracles' record (sim/coordination_record.h).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/lease_candidate.h"
#include "core/leader_election_controller.h"
#include "core/leader_elector.h"
#include "sim/api_server.h"
#include "sim/coordination_record.h"
#include "sim/scenario.h"
#include "sim/scheduler.h"

namespace leasesim::sim {

class World;

class Coordination {
 public:
  // kRequestTag marks a LeaseCandidate client's request ids among a node's requests.
  static constexpr core::RequestId kRequestTag = core::RequestId{1} << 62;
  // kControllerTag marks the election controller's requests in the trace.
  static constexpr core::RequestId kControllerTag = core::RequestId{1} << 61;

  explicit Coordination(World& w);
  ~Coordination();

  // Hooks called by World.
  void Start();                                  // Run(): boot the API server instances
  void ProcessStarted(int n);                    // end of StartProcess
  void ProcessStopped(int n);                    // start of Crash (crash, exit, stop)
  void OnWrite(const AppliedWrite& w);           // every applied write
  static bool Owns(core::RequestId id) { return (id & kRequestTag) != 0; }
  void NodeResponse(int n, const core::ApiResponse& resp);  // a tagged request finished
  void BeginFault(const FaultSpec& f);           // before World applies a fault
  void EndFault(const FaultSpec& f);
  void Finish(OracleInput& in);                  // end of TakeOracleInput

 private:
  struct Candidate;
  struct Instance;

  void ApplyClient(int n, std::span<const core::CoordEffect> effects);
  void StartInstance(int a);
  void StopInstance(int a, std::string_view why);
  void ApplyElector(int a, std::span<const core::Effect> effects);
  void ApplyController(int a, std::span<const core::CoordEffect> effects);
  void Loopback(int a, bool elector, const core::ApiRequest& req);
  core::LocalTime ServerLocal() const;
  void StartController(int a);
  void TraceLog(std::string_view who, const core::CoordLog& l, bool apiserver = false);
  void TraceServed(const core::ApiRequest& r, const core::ApiResponse& resp);

  World& w_;
  const CoordinationSpec& spec_;
  core::LeaseCandidateApi api_;
  std::vector<std::unique_ptr<Candidate>> cands_;
  std::vector<std::unique_ptr<Instance>> apiservers_;
  // The watch cache every API server instance's informers share.
  std::map<std::string, core::Lease> leases_;
  std::map<std::string, core::LeaseCandidate> lease_candidates_;
  // The oracles' record.
  struct Presence {
    TrueTime start, end;
    std::string emulation;
  };
  std::vector<std::vector<Presence>> presence_;  // per node
  CoordinationRecord record_;
  std::string holder_, preferred_;
};

}  // namespace leasesim::sim
