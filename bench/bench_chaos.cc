// bench_chaos.cc — `leasesim chaos` throughput and shrinking time.
//
// BM_ChaosRuns: whole chaos runs (generation + simulation + properties) per wall second
// on ONE core, for the bundled operator model (scenarios/chaos/operator-15s-10s-2s.json:
// 3 replicas at 15s/10s/2s, every fault family, swarm, 30-minute runs). Issue 10's
// target: >= 200 runs/s per core. BM_Shrink: the time to shrink the first failure of
// each bundled file that rediscovers an upstream bug (target < 10 s each), with the
// default budget; counters report the faults and runs spent.
#include <benchmark/benchmark.h>

#include <string>

#include "harness/chaos/chaos.h"

using namespace leasesim::sim;

namespace {

std::string Bundled(const char* name) { return std::string(LEASESIM_SOURCE_DIR) + "/scenarios/chaos/" + name; }

void BM_ChaosRuns(benchmark::State& state) {
  std::string err;
  const auto spec = LoadChaosFile(Bundled("operator-15s-10s-2s.json"), &err);
  if (!spec) {
    state.SkipWithError(err.c_str());
    return;
  }
  int64_t k = 0, failing = 0;
  for (auto _ : state) {
    const ChaosRow r = RunOneSeed(*spec, k++ % spec->seeds);
    failing += r.Failed() ? 1 : 0;
    benchmark::DoNotOptimize(r);
  }
  state.counters["runs_per_s"] = benchmark::Counter(static_cast<double>(k), benchmark::Counter::kIsRate);
  state.counters["failing_share"] = static_cast<double>(failing) / static_cast<double>(std::max<int64_t>(1, k));
}
BENCHMARK(BM_ChaosRuns)->Unit(benchmark::kMillisecond)->MinTime(5);

void BM_Shrink(benchmark::State& state, const char* file, const char* cls) {
  std::string err;
  const auto spec = LoadChaosFile(Bundled(file), &err);
  if (!spec) {
    state.SkipWithError(err.c_str());
    return;
  }
  std::optional<int64_t> first;
  for (int64_t k = 0; k < spec->seeds && !first; ++k) {
    const ChaosRow r = RunOneSeed(*spec, k);
    for (const std::string& c : r.failures) {
      if (c == cls) first = k;
    }
  }
  if (!first) {
    state.SkipWithError("failure class not found");
    return;
  }
  const ChaosRun run = GenerateRun(*spec, *first);
  ShrinkResult s;
  for (auto _ : state) s = ShrinkFailure(*spec, ResolveRoleTargets(run.scenario), cls, kDefaultShrinkBudget);
  state.counters["faults_before"] = static_cast<double>(s.faults_before);
  state.counters["faults_after"] = static_cast<double>(s.faults_after);
  state.counters["shrink_runs"] = static_cast<double>(s.runs);
}
BENCHMARK_CAPTURE(BM_Shrink, k8s_47671, "pre-1.27-mixed-lease-durations.json", "noSplitBrain:short_lease_duration_pre_1_27")
    ->Unit(benchmark::kSecond)->Iterations(1);
BENCHMARK_CAPTURE(BM_Shrink, k8s_124588, "release-on-cancel-1.30-rolling-restarts.json", "noSplitBrain:release_in_progress")
    ->Unit(benchmark::kSecond)->Iterations(1);
BENCHMARK_CAPTURE(BM_Shrink, k8s_131867, "release-on-cancel-1.33-handover.json", "failoverAtMost:stop")
    ->Unit(benchmark::kSecond)->Iterations(1);
BENCHMARK_CAPTURE(BM_Shrink, k8s_23731, "workload-ignores-cancellation.json", "noSplitBrain:workload_ignores_cancellation")
    ->Unit(benchmark::kSecond)->Iterations(1);

}  // namespace

BENCHMARK_MAIN();
