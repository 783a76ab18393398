// bench_cluster.cc — node heartbeats at scale (issue 12 "Speed"): 5,000 kubelets renewing
// their Leases (scenarios/nodes/heartbeat-load-5000-leases.json) with status updates and
// the node lifecycle controller's monitor, for `minutes` simulated minutes. Target: one
// simulated hour in under 10 s on one core (Release).
#include <benchmark/benchmark.h>

#include <sys/resource.h>

#include <memory>
#include <string>

#include "sim/cluster_spec.h"
#include "sim/runner.h"
#include "sim/scenario.h"

using namespace leasesim::sim;

namespace {

void BM_Heartbeats5000(benchmark::State& state) {
  std::string err;
  auto s = LoadScenarioFile(std::string(LEASESIM_SOURCE_DIR) + "/scenarios/nodes/heartbeat-load-5000-leases.json", &err);
  if (!s) {
    state.SkipWithError(err.c_str());
    return;
  }
  s->duration = std::chrono::minutes(state.range(0));
  s->expect.clear();
  if (s->cluster) {
    auto c = std::make_shared<ClusterSpec>(*s->cluster);  // the scenario's 6-minute expectations do not apply
    c->expect.clear();
    s->cluster = std::move(c);
  }
  const double sim_s = std::chrono::duration<double>(s->duration).count();
  double simulated = 0;
  uint64_t events = 0;
  for (auto _ : state) {
    RunResult r = RunScenario(*s, {});
    simulated += sim_s;
    events += r.stats.events;
    benchmark::DoNotOptimize(r.stats.trace_hash);
  }
  state.counters["sim_s_per_wall_s"] = benchmark::Counter(simulated, benchmark::Counter::kIsRate);
  state.counters["events_per_s"] = benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  state.counters["peak_rss_mb"] = static_cast<double>(u.ru_maxrss) / 1024.0;
}

}  // namespace

BENCHMARK(BM_Heartbeats5000)->ArgName("minutes")->Arg(6)->Arg(60)->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();
BENCHMARK_MAIN();
