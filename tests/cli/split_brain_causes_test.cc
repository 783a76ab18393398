// split_brain_causes_test.cc — every split-brain cause rule of the oracles
// (sim/oracles.h SplitBrainCause, docs/split-brain-causes.md) is produced, and is the only
// cause produced, by a bundled scenario run end to end.
#include <catch2/catch.hpp>

#include <filesystem>
#include <map>
#include <set>

#include "sim/runner.h"

using namespace leasesim::sim;
namespace fs = std::filesystem;

namespace {

// kCauseScenarios: for each cause (by its stable name) the bundled scenarios showing it.
const std::map<std::string, std::vector<std::string>> kCauseScenarios = {
    {"disjoint_lock_objects", {"incidents/lock-kind-skip-migration-step.json"}},
    {"duplicate_identity", {"split-brain/duplicate-identity.json"}},
    {"release_in_progress", {"incidents/k8s-124588-release-hangs-1.30.json"}},
    {"workload_ignores_cancellation", {"incidents/k8s-23731-workload-ignores-cancellation.json"}},
    {"workload_stop_lag", {"split-brain/workload-stop-lag.json"}},
    {"process_pause", {"split-brain/process-pause.json"}},
    {"short_lease_duration_pre_1_27",
     {"incidents/k8s-47671-short-lease-steals-1.26.json", "incidents/k8s-47671-short-lease-steals-boundary-1.26.json"}},
    {"clock_rate", {"split-brain/clock-drift.json"}},
    {"record_precision", {"split-brain/record-precision.json"}},
    // flapping/unstable-network: an ambiguous renewal (a lost response, then the same
    // tryAcquireOrRenew rewriting the record with the same `now`), not record precision.
    {"slow_write", {"split-brain/slow-write.json", "flapping/unstable-network.json"}},
    {"timings_allow_overlap", {"incidents/timings-allow-overlap.json"}},
};

}  // namespace

TEST_CASE("issue15 item 4: every split-brain cause rule has a bundled scenario producing exactly that cause",
          "[sim][oracles][slow]") {
  std::set<std::string> covered;
  for (const auto& [cause, files] : kCauseScenarios) {
    for (const std::string& file : files) {
      CAPTURE(cause, file);
      std::string err;
      auto s = LoadScenarioFile(fs::path(LEASESIM_SOURCE_DIR) / "scenarios" / file, &err);
      INFO(err);
      REQUIRE(s);
      const RunResult r = RunScenario(*s, {});
      CHECK(r.passed);
      REQUIRE_FALSE(r.results.split_brain.empty());
      for (const SplitBrainInterval& sb : r.results.split_brain) {
        CAPTURE(sb.cause);
        CHECK(CauseName(sb.cause_kind) == cause);
      }
    }
    covered.insert(cause);
  }
  // Every rule but "unexplained" is covered.
  for (int c = 0; c < kSplitBrainCauseCount; ++c) {
    const auto kind = static_cast<SplitBrainCause>(c);
    if (kind == SplitBrainCause::kUnexplained) continue;
    CAPTURE(CauseName(kind));
    CHECK(covered.count(std::string(CauseName(kind))) == 1);
  }
}
