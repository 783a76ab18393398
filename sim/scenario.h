// scenario.h — scenario files: a JSON description of one simulated cluster run, loaded
// into a validated Scenario value the runner consumes.
//
// A scenario is data (foundationdb tests/*.toml style): the candidates (client-go
// LeaderElectionConfig per node, start time, clock, workload), the network and fake
// API-server behaviour, a timed fault list and expectations. Durations are Go duration
// strings ("15s"), probabilities are ratios in [0, 1]. The format is documented with an
// annotated example in scenarios/README.md.
//
//   std::string err;
//   auto s = sim::LoadScenarioFile("scenarios/crash-failover.json", &err);
//   if (!s) { std::cerr << err << "\n"; return 2; }   // one line:
//   // scenarios/x.json: $.candidates[1].leaseDuration: invalid duration "15": time: missing unit in duration "15"
//
// Errors: every problem is ONE line `<file>: <json path>: <problem>`; invalid JSON is
// `<file>: line L, column C: invalid JSON: <detail>`; an unreadable file is
// `<file>: cannot read file: <reason>`. Unknown keys are errors. Each candidate's
// config is checked with core::ValidateConfig, reporting client-go's own message at the
// candidate's path (`$.candidates[0]: leaseDuration must be greater than renewDeadline`).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/config.h"
#include "core/version_profile.h"
#include "sim/api_server.h"
#include "sim/coordination_spec.h"
#include "sim/distributions.h"
#include "sim/expectations.h"
#include "sim/oracles.h"
#include "sim/true_time.h"

namespace leasesim::sim {

struct ClusterSpec;  // sim/cluster_spec.h: the optional `cluster` section (node heartbeats)

// WorkloadSpec is what a candidate's OnStartedLeading work does when leadership ends.
// kExit: the process stops acting `stop_lag` after OnStoppedLeading (Kubernetes
// components exit: klog.Fatalf "leaderelection lost"). kKeepActing: the work ignores the
// cancelled context and goes on acting (kubernetes#23731).
struct WorkloadSpec {
  enum class OnStoppedLeading : uint8_t { kExit, kKeepActing };
  OnStoppedLeading on_stopped_leading = OnStoppedLeading::kExit;
  Duration stop_lag{0};
  // restart_after: once the process has exited (kExit), its supervisor starts it again
  // after this long, with the same identity (the kubelet restarts a crashed container;
  // its first back-off is 10s). nullopt ("never") leaves it down.
  std::optional<Duration> restart_after = std::chrono::seconds(10);
};

// ClockSpec is a node's clock at boot: wall offset from true wall time (may be negative)
// and rate error in ppm (|driftPpm| <= kMaxDriftPpm). See sim/node_clock.h.
struct ClockSpec {
  Duration offset{0};
  int64_t drift_ppm = 0;
};

// kMaxDriftPpm bounds clock drift to ±50%: beyond it "a clock" stops being meaningful.
inline constexpr int64_t kMaxDriftPpm = 500'000;
// kMaxBurst bounds an API-server throttle's `burst` (tokens).
inline constexpr int64_t kMaxBurst = 1'000'000'000;

// CandidateSpec is one node running a LeaderElector. `config` is complete and valid
// for `profile` (config.lock.identity = identity, config.name = name); node names are
// unique in a scenario.
struct CandidateSpec {
  std::string name;      // node name: faults and network overrides refer to it
  std::string identity;  // lock identity (default: name)
  Duration start{0};     // when the process starts, scenario time
  std::string client_go = "1.37";
  core::VersionProfile profile;
  core::LeaderElectionConfig config;
  // HTTP client timeout, default profile.ClientTimeout(RenewDeadline): max(1s,
  // RenewDeadline/2) as client-go's resourcelock.NewFromKubeconfig sets it (the
  // components since 1.21), RenewDeadline in 1.20; 0 = none (no rest.Config.Timeout).
  Duration client_timeout{0};
  // NewLeaderHealthzAdaptor(timeout): default 20s as kube-controller-manager uses.
  Duration healthz_timeout = std::chrono::seconds(20);
  WorkloadSpec workload;
  ClockSpec clock;
  // Coordinated leader election (KEP-4355): the LeaseCandidate's versions ("" = not a
  // versioned candidate). Default for a coordinated candidate: "<client_go>.0".
  std::string binary_version;
  std::string emulation_version;
};

// NetworkPathSpec is one node<->API-server path: one-way delays and loss ratio (each
// message is lost independently).
struct NetworkPathSpec {
  // Defaults: 1ms each way, a LAN round trip to the API server.
  Distribution request_delay = Distribution::Constant(std::chrono::milliseconds(1));   // node -> API server
  Distribution response_delay = Distribution::Constant(std::chrono::milliseconds(1));  // API server -> node
  double loss = 0;              // ratio in [0, 1]
};

// NetworkSpec is the default path plus per-node overrides (each fully resolved: fields a
// node does not override are the defaults).
struct NetworkSpec {
  NetworkPathSpec defaults;
  std::map<std::string, NetworkPathSpec> nodes;
  // PathFor is the path of `node`.
  const NetworkPathSpec& PathFor(const std::string& node) const {
    auto it = nodes.find(node);
    return it == nodes.end() ? defaults : it->second;
  }
};

// ApiServerSpec is the fake API server's behaviour. 0 means unlimited for maxInflight
// and qps. Throttled requests get 429 with Retry-After `retryAfter`; a ratio
// `errorRatio` of requests fail with `errorCode` (500, 503 or 504). `watchers` counts
// watch clients per resource (for the API-load comparison of lock kinds).
struct ApiServerSpec {
  Distribution latency = Distribution::Constant(std::chrono::milliseconds(2));  // default: 2ms per request
  int64_t max_inflight = 0;
  double qps = 0;      // tokens per second, fractional allowed (sim/token_bucket.h)
  int64_t burst = 1;   // bucket size; default max(1, floor(qps))
  Duration retry_after = std::chrono::seconds(1);
  double error_ratio = 0;
  int error_code = 503;
  std::map<std::string, int64_t> watchers{{"configmaps", 0}, {"endpoints", 0}, {"leases", 0}};
  // A successful write is acknowledged this long after it committed (readers see it at
  // once): etcd's "request timed out" on writes that did commit, slow response paths under
  // load. writeAckLatencyPerInflight adds this much per request then in the server.
  Distribution write_ack_latency = Distribution::Constant(Duration{0});
  Duration write_ack_latency_per_inflight{0};
  // API Priority and Fairness and background load (sim/apf_config.h, docs/apf.md).
  std::optional<ApfSpec> apf;
  std::vector<BackgroundClientSpec> background_clients;
};

// FaultKind is a fault's "kind". Node faults name node(s); API-server faults name none.
enum class FaultKind : uint8_t {
  kCrash,              // node dies (no release); with `for`: restarts after it
  kRestart,            // node restarts at once, optionally with a new `identity`
  kPause,              // process pause (GC, SIGSTOP) for `for` (required)
  kStop,               // graceful: context cancel (ReleaseOnCancel per config); with `for`: restarts after it
  kPartition,          // node<->API server cut; `mode` symmetric|requests|responses
  kLatency,            // path delay distribution `delay` (both directions)
  kLoss,               // path loss `ratio`
  kClockStep,          // wall clock jumps `by` (may be negative)
  kClockDrift,         // clock rate becomes `driftPpm`; with `for`: reverts after it
  kClockSlew,          // wall clock slews `by` at `ratePpm`
  kApiServerOutage,    // `mode` drop (no answer) | refuse (connection refused)
  kApiServerErrors,    // a `ratio` of requests fail with `code` 500|503|504 (+ `retryAfter`)
  kApiServerLatency,   // processing latency distribution `latency`
  kApiServerThrottle,  // `qps` limit, 429 with `retryAfter`
};
std::string_view FaultKindName(FaultKind k);
std::optional<FaultKind> ParseFaultKind(std::string_view name);
// IsNodeFault is true for kinds that name node(s).
bool IsNodeFault(FaultKind k);

// FaultRole is a fault target named by role instead of by node ("node": "@leader"),
// resolved by the world at the fault's start, in true time (sim/world.h):
//   kLeader   "@leader":   the node that believes it leads (OnStartedLeading ran and its
//                          renew loop has not exited); when several do (split-brain), the
//                          one the stored lock names as holder, else the first in candidate
//                          order. None: the whole fault is skipped (trace phase "skipped").
//   kFollower "@follower": one candidate that does not believe it leads, drawn from the
//                          PRNG stream "fault/<index>/roles" (no other stream is touched).
//   kAny      "@any":      any candidate, drawn from the same stream.
// A role never resolves to a node the same fault already targets; when no node is left,
// the fault is skipped. The fault's end (heal, restart, revert) applies to the resolved
// nodes. Roles are accepted wherever a node fault names nodes ("node" and "nodes").
enum class FaultRole : uint8_t { kLeader, kFollower, kAny };
// ParseFaultRole maps "@leader", "@follower", "@any" to a role; nullopt for anything else.
std::optional<FaultRole> ParseFaultRole(std::string_view name);

// PartitionMode: symmetric (both ways lost), requests (node -> server lost), responses
// (server -> node lost: writes happen but the client times out, an ambiguous outcome).
enum class PartitionMode : uint8_t { kSymmetric, kRequests, kResponses };
// An apiserver_outage's mode is sim::OutageMode (sim/api_server.h): kDrop (requests vanish;
// clients time out) or kRefuse (fail at once).

// FaultSpec is one scheduled fault. `index` is its stable position in "faults" and `id`
// its stable name ("f<index>-<kind>", or the file's "id"). Only the fields of its kind are
// meaningful (see FaultKind). `for_` is how long it lasts (nullopt = instantaneous or
// permanent).
struct FaultSpec {
  int index = 0;
  std::string id;
  FaultKind kind = FaultKind::kCrash;
  Duration at{0};
  std::optional<Duration> for_;
  std::vector<std::string> nodes;        // node faults: candidate names or roles ("@leader", FaultRole)
  std::optional<std::string> identity;   // restart
  std::optional<std::string> binary_version;     // restart: the upgraded binary's versions
  std::optional<std::string> emulation_version;  // restart
  PartitionMode partition_mode = PartitionMode::kSymmetric;
  OutageMode outage_mode = OutageMode::kDrop;
  Distribution delay;                    // latency, apiserver_latency
  double ratio = 0;                      // loss, apiserver_errors
  Duration by{0};                        // clock_step, clock_slew
  int64_t drift_ppm = 0;                 // clock_drift
  int64_t rate_ppm = 0;                  // clock_slew
  int code = 503;                        // apiserver_errors
  // apiserver_errors `retryAfter`: the errors carry this Retry-After (whole seconds), so
  // client-go's rest client retries them; nullopt = no header (not retried).
  std::optional<Duration> error_retry_after;
  double qps = 0;                        // apiserver_throttle
  int64_t burst = 1;                     // apiserver_throttle; default max(1, floor(qps))
  Duration retry_after = std::chrono::seconds(1);  // apiserver_throttle
};

// Scenario is one validated scenario file.
struct Scenario {
  std::string file;  // as given to the loader (for messages)
  std::string name;
  std::string description;
  uint64_t seed = 1;
  Duration duration = std::chrono::minutes(10);
  std::string client_go = "1.37";   // the default for candidates
  core::LockConfig lock;            // the default lock (identity empty)
  // initial_lease: "initialLease", the lock's Lease when the run starts (as kubectl prints
  // it); the API server stores it before any candidate starts. nullopt: no object yet.
  std::optional<core::Lease> initial_lease;
  std::vector<CandidateSpec> candidates;
  NetworkSpec network;
  ApiServerSpec apiserver;
  std::vector<FaultSpec> faults;    // in file order; index == position
  std::vector<Expectation> expect;  // in file order; index == position
  // Present when a candidate is coordinated or versioned, or the file has "coordination".
  std::optional<CoordinationSpec> coordination;
  // cluster: worker nodes, kubelets and the node lifecycle controller run by the leading
  // candidate (the candidates are then kube-controller-managers); null when absent.
  std::shared_ptr<const ClusterSpec> cluster;
};

// NodeNameError checks a node name as Kubernetes checks a Node or Pod name: a DNS-1123
// subdomain, IsDNS1123Subdomain in k8s.io/apimachinery/pkg/util/validation (at most 253
// characters of [a-z0-9.-], labels starting and ending alphanumeric). nullopt when valid,
// else the problem (Kubernetes' wording; the name quoted with QuoteInput).
std::optional<std::string> NodeNameError(std::string_view name);

// kMaxIdentityBytes bounds a lock identity (holderIdentity). Kubernetes does not bound it;
// client-go's components use "<hostname>_<uuid>" (at most 253 + 1 + 36 bytes). 1024 bytes
// leaves room for any such scheme while keeping traces and records small.
inline constexpr size_t kMaxIdentityBytes = 1024;
// IdentityError: an identity may be empty (client-go's own validation judges that, per
// profile), at most kMaxIdentityBytes bytes, with no control characters.
std::optional<std::string> IdentityError(std::string_view identity);

// ParseScenario parses scenario JSON `text`; `file` names it in error messages.
// nullopt and a one-line `*err` on any problem (see the file comment).
std::optional<Scenario> ParseScenario(std::string_view text, std::string_view file, std::string* err);

// LoadScenarioFile reads and parses the file at `path`.
std::optional<Scenario> LoadScenarioFile(const std::filesystem::path& path, std::string* err);

// FaultMarksOf is the scenario's faults as the oracles take them (scenario time 0 =
// kTrueEpoch), sorted by time then index. Role targets ("@leader") are kept as written;
// the world replaces them with the resolved node names when the fault begins.
std::vector<FaultMark> FaultMarksOf(const Scenario& s);

}  // namespace leasesim::sim
