// coordinated_election.cc — port of kubernetes pkg/controlplane/controller/leaderelection/election.go.
#include "core/coordinated_election.h"

#include <map>
#include <vector>

namespace leasesim::core {

// Port of pickBestLeaderOldestEmulationVersion.
const LeaseCandidate* PickBestLeaderOldestEmulationVersion(CandidateList candidates) {
  const LeaseCandidate* electee = nullptr;
  for (const LeaseCandidate* c : candidates) {
    if (!ValidLeaseCandidateForOldestEmulationVersion(*c)) continue;
    if (electee == nullptr || CompareCandidates(*electee, *c) > 0) electee = c;
  }
  return electee;
}

namespace {

// Port of topologicalSortWithOneRoot (1.31). Go iterates a map to find the roots; with
// more than one root the result is nil whatever the order, so an ordered map is faithful.
std::vector<std::string> TopologicalSortWithOneRoot(const std::map<std::string, std::vector<std::string>>& graph) {
  std::map<std::string, int> in_degree;
  for (const auto& [node, _] : graph) in_degree[node] = 0;
  for (const auto& [_, neighbors] : graph) {
    for (const std::string& n : neighbors) in_degree[n]++;
  }
  std::vector<std::string> queue;
  for (const auto& [v, d] : in_degree) {
    if (d == 0) queue.push_back(v);
  }
  // If multiple nodes have indegree of 0, multiple strategies are non-superceding: a conflict.
  if (queue.size() > 1) return {};
  std::vector<std::string> sorted;
  size_t head = 0;
  while (head < queue.size()) {
    const std::string v = queue[head++];
    sorted.push_back(v);
    if (auto it = graph.find(v); it != graph.end()) {
      for (const std::string& n : it->second) {
        if (--in_degree[n] == 0) queue.push_back(n);
      }
    }
  }
  if (sorted.size() != graph.size()) return {};  // cycle detected
  return sorted;
}

}  // namespace

// Port of pickBestStrategy (1.31 graph version; 1.32+ binary-version version).
StrategyPick PickBestStrategy(CandidateList candidates, LeaseCandidateApi api) {
  if (api == LeaseCandidateApi::kV1alpha1) {
    std::map<std::string, std::vector<std::string>> graph;
    for (const LeaseCandidate* c : candidates) {
      const auto& ps = c->spec.preferredStrategies;
      // Go indexes ps[len(ps)-1] and would panic on an empty list; validation forbids it.
      if (ps.empty()) continue;
      for (size_t i = 0; i + 1 < ps.size(); ++i) graph[ps[i]].push_back(ps[i + 1]);
      graph.try_emplace(ps.back());
    }
    std::vector<std::string> sorted = TopologicalSortWithOneRoot(graph);
    if (sorted.empty()) return {"", "invalid strategy"};
    return {sorted[0], ""};
  }
  if (candidates.empty()) return {"", "no candidates"};
  std::string candidate_name = candidates[0]->metadata.name;
  std::string strategy = candidates[0]->spec.strategy;
  Semver highest = GetBinaryVersionOrZero(*candidates[0]);
  for (size_t i = 1; i < candidates.size(); ++i) {
    const LeaseCandidate& c = *candidates[i];
    const Semver bv = GetBinaryVersionOrZero(c);
    const int result = highest.Compare(bv);
    if (result < 0) {
      strategy = c.spec.strategy;
      highest = bv;
      candidate_name = c.metadata.name;
    } else if (result == 0 && c.spec.strategy != strategy) {
      return {"", "candidates \"" + candidate_name + "\", \"" + c.metadata.name +
                      "\" at same binary version but received differing strategies " + strategy + ", " +
                      c.spec.strategy};
    }
  }
  return {strategy, ""};
}

// Port of validLeaseCandidateForOldestEmulationVersion.
bool ValidLeaseCandidateForOldestEmulationVersion(const LeaseCandidate& c) {
  return ParseTolerantSemver(c.spec.emulationVersion).has_value() &&
         ParseTolerantSemver(c.spec.binaryVersion).has_value();
}

// Port of getEmulationVersionOrZero.
Semver GetEmulationVersionOrZero(const LeaseCandidate& c) {
  return ParseTolerantSemver(c.spec.emulationVersion).value_or(Semver{});
}

// Port of getBinaryVersionOrZero.
Semver GetBinaryVersionOrZero(const LeaseCandidate& c) {
  return ParseTolerantSemver(c.spec.binaryVersion).value_or(Semver{});
}

// Port of compare: -1 lhs better, 1 rhs better.
int CompareCandidates(const LeaseCandidate& lhs, const LeaseCandidate& rhs) {
  int result = GetEmulationVersionOrZero(lhs).Compare(GetEmulationVersionOrZero(rhs));
  if (result == 0) result = GetBinaryVersionOrZero(lhs).Compare(GetBinaryVersionOrZero(rhs));
  if (result == 0) {
    // metav1.Time.After on creationTimestamps.
    return lhs.metadata.creationTimestamp > rhs.metadata.creationTimestamp ? 1 : -1;
  }
  return result;
}

// Port of shouldReelect.
bool ShouldReelect(CandidateList candidates, const LeaseCandidate& current_leader) {
  const LeaseCandidate* picked = PickBestLeaderOldestEmulationVersion(candidates);
  if (picked == nullptr) return false;
  return CompareCandidates(current_leader, *picked) > 0;
}

// Port of isLeaseExpired.
bool IsLeaseExpired(WallTime now, const Lease& lease) {
  return !lease.spec.renewTime || !lease.spec.leaseDurationSeconds ||
         *lease.spec.renewTime + std::chrono::seconds(*lease.spec.leaseDurationSeconds) < now;
}

// Port of isLeaseCandidateExpired.
bool IsLeaseCandidateExpired(WallTime now, const LeaseCandidate& c) {
  return !c.spec.renewTime || *c.spec.renewTime + kLeaseCandidateValidDuration < now;
}

}  // namespace leasesim::core
