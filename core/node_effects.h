// node_effects.h — what the node-heartbeat state machines (the kubelet's node lease
// controller and status updater, the node lifecycle controller) ask their caller to do.
//
// Same contract as core/effects.h for the elector: every input returns the effects to
// carry out, in order; timers are on the component's monotonic clock; each
// SendNodeApiRequest must be answered exactly once with the machine's OnApiResponse
// (the caller applies the HTTP client timeout and answers kClientTimeout).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "core/effects.h"
#include "core/node_objects.h"
#include "core/time.h"

namespace leasesim::core {

// NodeTimerKind names the Go wait a timer stands for.
enum class NodeTimerKind : uint8_t {
  kLeaseRenew,    // JitterUntil(sync, renewInterval, 0.04, sliding) in lease controller Run
  kLeaseBackoff,  // backoffEnsureLease's time.After(sleep)
  kStatusSync,    // JitterUntil(syncNodeStatus, nodeStatusUpdateFrequency, 0.04, sliding)
  kMonitor,       // UntilWithContext(monitorNodeHealth, nodeMonitorPeriod)
  kTaintPass,     // UntilWithContext(doNoExecuteTaintingPass, NodeEvictionPeriod = 100ms)
  kEviction,      // the taint manager's timed eviction of one node's pods
};
std::string_view NodeTimerKindName(NodeTimerKind k);

// SendNodeApiRequest: send `request` to the API server; answer with OnApiResponse unless
// `fire_and_forget` (the caller still delivers the request; the machine ignores the
// answer, see the node lifecycle controller's README note on writes).
struct SendNodeApiRequest {
  NodeApiRequest request;
  bool fire_and_forget = false;
};

// ArmNodeTimer: call TimerFired(id) when the component's monotonic clock reaches `at`.
struct ArmNodeTimer {
  TimerId id = 0;
  MonoTime at;
  NodeTimerKind kind = NodeTimerKind::kLeaseRenew;
};

// RepeatedHeartbeatFailure: the kubelet's onRepeatedHeartbeatFailure callback
// (kubelet.go: closes all of the heartbeat client's connections so that the next request
// dials a new one — the fix of kubernetes#48638/#87615 for half-dead TCP connections).
struct RepeatedHeartbeatFailure {};

// NodeLog: one klog line (text as the Go code writes it, key-values appended).
struct NodeLog {
  std::string text;
  bool error = false;
  int verbosity = 0;
};

// NodeEventKind names what the node lifecycle controller decided, for traces and oracles.
enum class NodeEventKind : uint8_t {
  kRegisteredNode,     // "RegisteredNode" event: a node seen for the first time
  kNodeNotReady,       // RecordNodeStatusChange(..., "NodeNotReady"): Ready left True
  kMarkedUnknown,      // tryUpdateNodeHealth posted Ready=Unknown (UpdateStatus sent)
  kTaintQueued,        // markNodeForTainting: added to the zone's NoExecute tainter queue
  kTainted,            // doNoExecuteTaintingPass swapped the NoExecute taint on
  kUntainted,          // markNodeAsReachable removed the NoExecute taints
  kZoneState,          // a zone entered a new state (detail = state name)
  kEvictionScheduled,  // taint manager: pods scheduled for deletion (detail = delay)
  kEvictionCancelled,  // taint manager: the node's taint went away first
  kPodsEvicted,        // taint manager: the node's pods deleted (count = pods)
};
std::string_view NodeEventKindName(NodeEventKind k);

// NodeEvent: one decision of the node lifecycle controller about `node` (or a zone).
struct NodeEvent {
  NodeEventKind kind = NodeEventKind::kRegisteredNode;
  std::string node;    // node name, or the zone key for kZoneState
  std::string detail;  // state name, taint key, ...
  int count = 0;
};

using NodeEffect =
    std::variant<SendNodeApiRequest, ArmNodeTimer, CancelTimer, RepeatedHeartbeatFailure, NodeLog, NodeEvent>;

}  // namespace leasesim::core
