// bench_sim.cc — the whole simulator on steady-state elections (no faults, trace off).
//
// Targets (issue 3, this 2-core machine, Release): 3 candidates at >= 1,000,000 simulated
// seconds per wall second (a simulated day in < 90 ms); 1000 candidates for one simulated
// hour in < 5 s; >= 5 M scheduler events per second; peak memory for 1000 candidates for an
// hour, trace off, < 100 MB (peak_rss_mb is the process's peak resident set so far, so run
// `--benchmark_filter=nodes:1000` alone for that figure).
#include <benchmark/benchmark.h>

#include <sys/resource.h>

#include <fmt/format.h>

#include "sim/runner.h"
#include "sim/scenario.h"

using namespace leasesim::sim;

namespace {

Scenario Steady(int nodes, const char* duration) {
  const std::string text = fmt::format(
      R"({{"name": "bench/steady-{0}", "seed": 1, "duration": "{1}",
          "lock": {{"kind": "leases", "namespace": "kube-system", "name": "kube-controller-manager"}},
          "candidateCount": {0}, "defaults": {{}} }})",
      nodes, duration);
  std::string err;
  auto s = ParseScenario(text, "bench", &err);
  if (!s) throw std::runtime_error(err);
  return *s;
}

double PeakRssMb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

void BM_SteadyElection(benchmark::State& state) {
  const int nodes = static_cast<int>(state.range(0));
  const char* duration = nodes <= 3 ? "24h" : "1h";
  const Scenario s = Steady(nodes, duration);
  const double sim_s = std::chrono::duration<double>(s.duration).count();
  uint64_t events = 0;
  double simulated = 0;
  for (auto _ : state) {
    RunResult r = RunScenario(s, {});
    events += r.stats.events;
    simulated += sim_s;
    benchmark::DoNotOptimize(r.stats.trace_hash);
  }
  state.counters["events_per_s"] = benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
  state.counters["sim_s_per_wall_s"] = benchmark::Counter(simulated, benchmark::Counter::kIsRate);
  state.counters["peak_rss_mb"] = PeakRssMb();
}

}  // namespace

BENCHMARK(BM_SteadyElection)->ArgName("nodes")->Arg(3)->Arg(100)->Arg(1000)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_MAIN();
