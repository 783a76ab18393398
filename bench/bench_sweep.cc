// bench_sweep.cc — `leasesim sweep` throughput: whole runs (1 simulated hour, 3
// candidates, a crash every 90s) per wall second, on 1 and 2 worker threads.
//
// Issue 6's target is 6400 such runs (a 4x4x4 grid x 100 seeds) in under 60 s on a 2-core
// machine, i.e. >= 107 runs/s with --jobs 2. Setup (parsing, point expansion) is outside
// the timed loop; each iteration runs `seeds` runs of one point through RunSweep, so the
// thread pool and result placement are measured too.
#include <benchmark/benchmark.h>

#include <string>

#include <fmt/format.h>

#include "harness/sweep/sweep.h"

using namespace leasesim::sim;

namespace {

// The base is docs/sweeps/base-crash-rotation.json's shape, inline so that the benchmark
// needs no file: 3 candidates, 1h, c0/c1/c2 crash in turn every 90s for 45s.
std::string SweepText(int seeds) {
  std::string faults;
  for (int i = 0, t = 120; t + 75 <= 3600; ++i, t += 90) {
    faults += fmt::format(R"({}{{"at": "{}s", "kind": "crash", "node": "c{}", "for": "45s"}})", i ? "," : "", t, i % 3);
  }
  return fmt::format(R"({{"base": {{"duration": "1h", "candidate_count": 3, "start_spread": "1s", "faults": [{}]}}, "seeds": {}}})",
                     faults, seeds);
}

void BM_SweepRuns(benchmark::State& state) {
  const int jobs = static_cast<int>(state.range(0));
  const int seeds = 16;
  std::string err;
  const auto spec = ParseSweep(SweepText(seeds), "bench.json", &err);
  if (!spec) {
    state.SkipWithError(err.c_str());
    return;
  }
  const std::vector<SweepPoint> points = ExpandPoints(*spec);
  SweepRunOptions o;
  o.jobs = jobs;
  int64_t runs = 0;
  for (auto _ : state) {
    std::vector<RunRow> rows = RunSweep(*spec, points, o);
    benchmark::DoNotOptimize(rows.data());
    runs += static_cast<int64_t>(rows.size());
  }
  state.counters["runs_per_s"] = benchmark::Counter(static_cast<double>(runs), benchmark::Counter::kIsRate);
  state.counters["sim_s_per_s"] = benchmark::Counter(static_cast<double>(runs) * 3600, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_SweepRuns)->ArgName("jobs")->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
