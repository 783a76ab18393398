// starter_scenario.h — a commented starter scenario from what a Kubernetes user already
// has: the leader-election flags of kube-controller-manager / kube-scheduler, a Lease as
// `kubectl get lease -o yaml` prints it, a replica count and a client-go version
// (`leasesim init`, issue 14).
//
//   sim::StarterInput in;
//   std::string err;
//   if (!sim::ApplyLeaderElectFlags("--leader-elect-lease-duration=30s ...", &in, &err)) ...
//   if (!sim::ApplyLease(lease_document, "lease.yaml", &in, &err)) ...
//   std::optional<std::string> text = sim::StarterScenarioText(in, sim::StarterFormat::kYaml, &err);
//
// The text always loads with LoadScenarioFile and passes as it is: three replicas (or
// --replicas), the leader crashes halfway through, and the expectations say no split-brain
// and a new leader within the crash-failover bound LeaseDuration + 2 x 2.2 x RetryPeriod
// (plus latency slack); every value is commented with the flag or field it came from.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/true_time.h"

namespace leasesim::sim {

// kMaxStarterReplicas bounds `init --replicas`.
inline constexpr int kMaxStarterReplicas = 1000;

// StarterInput is what the starter scenario is made of; each field notes its source.
struct StarterInput {
  // Timings: kube-controller-manager's defaults (LeaderElectionConfiguration,
  // k8s.io/component-base/config/v1alpha1 RecommendedDefaultLeaderElectionConfiguration).
  Duration lease_duration = std::chrono::seconds(15);
  Duration renew_deadline = std::chrono::seconds(10);
  Duration retry_period = std::chrono::seconds(2);
  std::string lock_kind = "leases";
  std::string lock_namespace = "kube-system";
  std::string lock_name = "kube-controller-manager";
  std::string client_go = "1.37";
  int replicas = 3;
  std::string holder;                  // holderIdentity of the live Lease: replica 0's identity
  std::optional<int64_t> transitions;  // leaseTransitions of the live Lease
  // lease: the live Lease as read (a List's one item), written as the scenario's
  // initialLease when it is the lock the scenario uses (the flags may choose another).
  std::optional<nlohmann::json> lease;
  // sources: one line per input, for the description and the header comment
  // ("--leader-elect-lease-duration=30s", "lease.yaml: kube-system/kube-scheduler held by ...").
  std::vector<std::string> sources;
  std::vector<std::string> ignored_flags;  // flags of the command line that are not leader election's
};

// ApplyLeaderElectFlags reads kube-controller-manager / kube-scheduler leader-election
// flags ("--leader-elect-lease-duration=30s --leader-elect-renew-deadline 20s ...",
// `--flag=value` or `--flag value`): lease-duration, renew-deadline, retry-period (Go
// durations), resource-lock, resource-name, resource-namespace; --leader-elect[=bool] is
// accepted. Other flags are listed in `ignored_flags`. false with *err on a bad value or
// an unknown --leader-elect-* flag.
bool ApplyLeaderElectFlags(std::string_view flags, StarterInput* in, std::string* err);

// ApplyLease reads a Lease (coordination.k8s.io/v1, or a List holding one) as kubectl
// prints it: metadata.namespace/name (the lock), spec.holderIdentity (replica 0's
// identity), spec.leaseDurationSeconds, spec.leaseTransitions, and the object itself (the
// starter's `initialLease`, scenarios/README.md: the run starts from it). `file` names it
// in errors ("<file>: $.spec...: problem").
bool ApplyLease(const nlohmann::json& lease, std::string_view file, StarterInput* in, std::string* err);

enum class StarterFormat { kJson, kYaml };

// StarterScenarioText renders the scenario (JSON with // comments, or YAML with #
// comments) and checks that it loads; nullopt with *err (e.g. "leaseDuration must be
// greater than renewDeadline", client-go's own validation) otherwise.
std::optional<std::string> StarterScenarioText(const StarterInput& in, StarterFormat format, std::string* err);

}  // namespace leasesim::sim
