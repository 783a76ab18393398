// cluster_world.h — node heartbeats inside one simulated run: kubelets renewing their
// Leases in kube-node-lease and posting Node status, and the node lifecycle controller
// running in whichever kube-controller-manager leads.
//
// The World (sim/world.h) owns the scheduler, the shared fake API server, the
// controller-managers' election and their network paths; it creates a ClusterWorld when
// the scenario has a `cluster` section and tells it when a controller-manager starts and
// stops acting as leader. The ClusterWorld drives, on the same scheduler:
//   * per worker node a core::NodeLeaseController and a core::NodeStatusUpdater (the
//     kubelet), with its own NodeClock and network path (streams "cluster/<node>/...");
//     requests use the heartbeat client's timeout, min(nodeStatusUpdateFrequency,
//     nodeLeaseDurationSeconds) as the kubelet sets it;
//   * per acting controller-manager a core::NodeLifecycleController, created with empty
//     state when it starts leading (informers list everything then) and dropped when it
//     stops; its writes travel its controller-manager's path;
//   * the Node/Lease/Pod store of the cluster. Requests are admitted by the shared
//     ApiServer (latency, max in-flight, throttling, outages and errors apply to them as to
//     the election) and applied to this store at their completion instant; watch events
//     reach each acting controller `watchDelay` after the write unless its responses are cut.
// It records what the oracles need (ClusterRecord).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/node_lease_controller.h"
#include "core/node_lifecycle_controller.h"
#include "core/node_status_updater.h"
#include "sim/api_server.h"
#include "sim/apf.h"
#include "sim/background_clients.h"
#include "sim/cluster_spec.h"
#include "sim/network.h"
#include "sim/node_clock.h"
#include "sim/scheduler.h"
#include "sim/trace.h"

namespace leasesim::sim {

// ClusterRecord is what happened to the worker nodes, in true time.
struct ClusterRecord {
  struct Mark {                 // the controller posted Ready=Unknown (write applied)
    int node = 0;
    TrueTime at{};
    bool node_failed = false;   // kubelet stopped, node down or node cut off at that moment
    std::string cause;          // why (false NotReady) or which failure
    Duration heartbeat_age{0};  // since the node's last heartbeat write
  };
  struct TaintChange {
    int node = 0;
    TrueTime at{};
    bool added = false;  // an unreachable/not-ready NoExecute taint added (else removed)
  };
  struct Eviction {
    int node = 0;
    TrueTime at{};
    int pods = 0;
    bool node_failed = false;
  };
  struct ZoneChange {
    std::string zone;  // zone name ("" for nodes without zone labels)
    TrueTime at{};
    core::ZoneState state = core::ZoneState::kInitial;
    std::string controller;  // controller-manager name
  };
  struct ControllerRun {
    std::string controller;
    TrueTime start{}, end{};
  };
  std::vector<Mark> marks;
  std::vector<TaintChange> taints;
  std::vector<Eviction> evictions;
  std::vector<ZoneChange> zones;
  std::vector<ControllerRun> controllers;
  std::vector<TrueTime> fault_start;  // per cluster fault index (Max if it never began)
  // Heartbeat load at the API server (applied writes of kubelets).
  uint64_t lease_writes = 0;          // Lease create/update applied
  uint64_t status_patches = 0;        // Node status PATCH applied
  uint64_t heartbeat_request_bytes = 0;  // request bodies of those writes
  uint64_t heartbeat_storage_bytes = 0;  // objects written to storage by them
  uint64_t heartbeat_watch_bytes = 0;    // objects sent to watchers by them
  uint64_t kubelet_requests = 0;         // every kubelet request (gets included)
  uint64_t kubelet_failures = 0;         // kubelet requests that failed (timeouts included)
  uint64_t repeated_heartbeat_failures = 0;  // onRepeatedHeartbeatFailure calls
  uint64_t controller_requests = 0;      // node lifecycle controller writes
  uint64_t controller_conflicts = 0;     // its UpdateStatus writes refused with 409
  uint64_t list_bytes = 0;               // informer LISTs at controller starts
  // API Priority and Fairness at the shared API server (empty without APF), per level.
  struct ApfLevel {
    std::string name;
    int nominal_concurrency_limit = 0;
    apf::LevelStats stats;
  };
  std::vector<ApfLevel> apf_levels;
  std::vector<BackgroundClientStats> background;  // the API server's background clients
  // The controller-managers' election: renew loops that gave up ("failed to renew
  // lease"), counted by the runner from the electors' logs.
  uint64_t renew_failures = 0;
};

// ClusterHooks lets the ClusterWorld read the controller-managers' clocks.
struct ClusterHooks {
  std::function<core::LocalTime(int kcm)> local;                     // the node's readings now
  std::function<TrueTime(int kcm, core::MonoTime at)> true_at_mono;  // when its mono reaches `at`
  std::function<std::string(int kcm)> name;
};

class ClusterWorld {
 public:
  ClusterWorld(const ClusterSpec& spec, uint64_t seed, Scheduler& scheduler, ApiServer& server, Network& kcm_network,
               Trace& trace, ClusterHooks hooks);
  ~ClusterWorld();
  ClusterWorld(const ClusterWorld&) = delete;
  ClusterWorld& operator=(const ClusterWorld&) = delete;

  // Start schedules the kubelets' starts and the cluster faults (call before running).
  void Start();
  // StartController / StopController: controller-manager `kcm` starts / stops acting as
  // the leader (OnStartedLeading ran / the process stopped acting).
  void StartController(int kcm, TrueTime now);
  void StopController(int kcm, TrueTime now);
  // Finish closes open controller runs at `end` and returns the record.
  ClusterRecord Finish(TrueTime end);

 private:
  struct Kubelet;
  struct Msg;
  struct Controller;

  // Kubelets.
  void StartKubelet(int k);
  void StopKubelet(int k, bool machine_down);
  void ApplyKubelet(int k, int comp, std::span<const core::NodeEffect> effects);
  void SendFromKubelet(int k, int comp, core::NodeApiRequest req);
  void KubeletArrive(uint32_t slot);
  void KubeletAdmitted(uint32_t slot, const Admission& a);
  void KubeletComplete(uint32_t slot);
  void KubeletRespond(uint32_t slot, core::NodeApiResponse resp);
  void KubeletReceive(uint32_t slot);
  void KubeletTimeout(uint32_t slot);
  void FinishMsg(uint32_t slot, const core::NodeApiResponse& resp);
  void Unref(uint32_t slot);
  uint32_t AllocMsg();

  // Controllers.
  void ApplyController(int kcm, uint64_t gen, std::span<const core::NodeEffect> effects);
  void SendFromController(int kcm, const core::NodeApiRequest& req);

  // Store.
  core::NodeApiResponse Apply(const core::NodeApiRequest& req, TrueTime now, int from_kubelet);
  void Broadcast(int node, bool is_node);
  std::string NextRv();

  // Faults.
  void BeginFault(const ClusterFaultSpec& f);
  void EndFault(const ClusterFaultSpec& f);
  bool NodeFailed(int node) const;
  std::string TransientCauses(int node) const;

  const ClusterSpec& spec_;
  uint64_t seed_;
  Scheduler& sched_;
  ApiServer& server_;
  Network& kcm_network_;
  Trace& trace_;
  ClusterHooks hooks_;
  Network knet_;
  std::vector<std::unique_ptr<Kubelet>> kubelets_;
  std::vector<Msg> msgs_;
  std::vector<uint32_t> free_msgs_;
  std::map<int, std::unique_ptr<Controller>> controllers_;  // by controller-manager index
  uint64_t next_controller_gen_ = 1;
  // The store: per node its Node and Lease (null when absent) and live pods.
  std::vector<core::NodePtr> nodes_;
  std::vector<core::NodeLeasePtr> leases_;
  std::vector<int> pods_;
  std::map<std::string, int> node_index_;
  uint64_t rv_ = 5000;
  core::ApiRequest proxy_;  // what the shared ApiServer admits in place of a node request
  ClusterRecord record_;
};

}  // namespace leasesim::sim
