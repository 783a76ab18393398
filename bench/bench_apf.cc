// bench_apf.cc — API Priority and Fairness (sim/apf.h): requests admitted per second by
// the filter under a storm (one LIST-heavy flow and many small flows in their levels),
// and the bundled LIST-storm scenario in simulated seconds per wall second.
#include <benchmark/benchmark.h>

#include <string>

#include "sim/apf.h"
#include "sim/apf_config.h"
#include "sim/runner.h"
#include "sim/scenario.h"
#include "sim/scheduler.h"

using namespace leasesim::sim;
using namespace std::chrono_literals;

namespace {

// BM_ApfFilter: `requests` arrivals 1ms apart (a storm list every 10th), each served 50ms.
void BM_ApfFilter(benchmark::State& state) {
  const int64_t n = state.range(0);
  apf::RequestDigest storm;
  storm.user = apf::ServiceAccountUser("monitoring", "pod-lister");
  storm.verb = "list";
  storm.resource = "pods";
  storm.objects = 20000;
  std::vector<apf::RequestDigest> small;
  for (int i = 0; i < 100; ++i) {
    apf::RequestDigest d;
    d.user = apf::NodeUser("node-" + std::to_string(i));
    d.verb = "update";
    d.api_group = "coordination.k8s.io";
    d.resource = "leases";
    d.namespace_ = "kube-node-lease";
    small.push_back(std::move(d));
  }
  uint64_t requests = 0;
  for (auto _ : state) {
    Scheduler sched;
    apf::ApfFilter f(apf::BootstrapConfig(600), sched);
    for (int64_t i = 0; i < n; ++i) {
      sched.RunFor(1ms);
      const apf::RequestDigest& d = i % 10 == 0 ? storm : small[static_cast<size_t>(i) % small.size()];
      benchmark::DoNotOptimize(f.Start(d, sched.now(), 50ms, nullptr));
    }
    sched.RunFor(1min);
    requests += static_cast<uint64_t>(n);
  }
  state.counters["requests_per_s"] = benchmark::Counter(static_cast<double>(requests), benchmark::Counter::kIsRate);
}

// BM_ListStormScenario: scenarios/nodes/list-storm-with-apf.json (6 simulated minutes).
void BM_ListStormScenario(benchmark::State& state) {
  std::string err;
  auto s = LoadScenarioFile(std::string(LEASESIM_SOURCE_DIR) + "/scenarios/nodes/list-storm-with-apf.json", &err);
  if (!s) {
    state.SkipWithError(err.c_str());
    return;
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
}

}  // namespace

BENCHMARK(BM_ApfFilter)->ArgName("requests")->Arg(100000)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_ListStormScenario)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_MAIN();
