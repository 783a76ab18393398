// coordinated_election.h — the pure functions of kube-apiserver's coordinated leader
// election (KEP-4355): which strategy governs a Lease, which candidate should lead it,
// and when a Lease or a LeaseCandidate counts as expired.
//
// Port of kubernetes pkg/controlplane/controller/leaderelection/election.go (1.31 with
// v1alpha1 candidates, 1.32 v1alpha2, 1.33+ v1beta1; the strategy rule changed in 1.32,
// see PickBestStrategy).
//
//   std::vector<const core::LeaseCandidate*> cs = ...;
//   if (const auto* best = core::PickBestLeaderOldestEmulationVersion(cs)) { ... best->metadata.name ... }
#pragma once

#include <span>
#include <string>

#include "core/objects.h"
#include "core/semver.h"
#include "core/time.h"

namespace leasesim::core {

// The controller's constants (leaderelection_controller.go).
inline constexpr Duration kElectionDuration = std::chrono::seconds(5);            // electionDuration
inline constexpr Duration kDefaultRequeueInterval = std::chrono::seconds(5);      // defaultRequeueInterval
inline constexpr int32_t kDefaultLeaseDurationSeconds = 5;                        // defaultLeaseDurationSeconds
inline constexpr Duration kLeaseCandidateValidDuration = std::chrono::minutes(30);  // leaseCandidateValidDuration
// kLeaseCandidateGCPeriod is controlplane/apiserver LeaseCandidateGCPeriod.
inline constexpr Duration kLeaseCandidateGCPeriod = std::chrono::minutes(30);
// kOldestEmulationVersion is coordinationv1.OldestEmulationVersion, the one strategy the
// controller implements.
inline constexpr std::string_view kOldestEmulationVersion = "OldestEmulationVersion";

using CandidateList = std::span<const LeaseCandidate* const>;

// PickBestLeaderOldestEmulationVersion: among candidates whose versions parse, the one
// Compare ranks first (oldest emulation version, then oldest binary version, then oldest
// creationTimestamp); null if none. Port of pickBestLeaderOldestEmulationVersion.
const LeaseCandidate* PickBestLeaderOldestEmulationVersion(CandidateList candidates);

// StrategyPick is pickBestStrategy's (strategy, error): error non-empty on a conflict.
struct StrategyPick {
  std::string strategy;
  std::string error;
};
// PickBestStrategy: 1.32+ (v1alpha2, v1beta1): the strategy of the candidate with the
// highest binary version; two candidates at the same binary version with different
// strategies are an error ("candidates %q, %q at same binary version but received
// differing strategies %s, %s"); no candidates: "no candidates". 1.31 (v1alpha1): a
// topological sort of the preferredStrategies graph that must have a single root
// ("invalid strategy" otherwise). `api` selects the rule. Port of pickBestStrategy.
StrategyPick PickBestStrategy(CandidateList candidates, LeaseCandidateApi api);

// ValidLeaseCandidateForOldestEmulationVersion: both versions parse (ParseTolerant).
bool ValidLeaseCandidateForOldestEmulationVersion(const LeaseCandidate& c);
// GetEmulationVersionOrZero / GetBinaryVersionOrZero: the parsed version or 0.0.0.
Semver GetEmulationVersionOrZero(const LeaseCandidate& c);
Semver GetBinaryVersionOrZero(const LeaseCandidate& c);
// CompareCandidates is election.go's compare: -1 lhs better, 1 rhs better (never 0: a
// full tie goes to the older creationTimestamp, and to rhs when lhs is not newer... as in
// Go, equal timestamps return -1).
int CompareCandidates(const LeaseCandidate& lhs, const LeaseCandidate& rhs);
// ShouldReelect: pickBest(candidates) is strictly better than the current leader.
// Port of shouldReelect (1.31–1.33 election.go).
bool ShouldReelect(CandidateList candidates, const LeaseCandidate& current_leader);

// IsLeaseExpired: renewTime or leaseDurationSeconds unset, or renewTime + duration is
// before `now` (the controller's wall clock). Port of isLeaseExpired.
bool IsLeaseExpired(WallTime now, const Lease& lease);
// IsLeaseCandidateExpired: renewTime unset or renewTime + 30m before now.
// Port of isLeaseCandidateExpired.
bool IsLeaseCandidateExpired(WallTime now, const LeaseCandidate& c);

}  // namespace leasesim::core
