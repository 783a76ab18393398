// viz_bench.cc — the viewer's budgets: load a 1M-event trace in < 2 s, prepare one frame's
// geometry in < 5 ms. Built as `bench_viz` by viz/CMakeLists.txt (the file is not named
// bench_*.cc so that bench/'s glob, which links leasesim_sim, does not build it twice).
//
//   build/rel/bench_viz --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <string>

#include "viz/event_filter.h"
#include "viz/inspector.h"
#include "viz/lane_geometry.h"
#include "viz/screen_layout.h"
#include "viz/synthetic_trace.h"
#include "viz/trace_loader.h"

namespace {

using namespace leasesim::viz;

// LargeTracePath writes a synthetic 1M-event trace (5 candidates) once per process.
const std::string& LargeTracePath() {
  static const std::string path = [] {
    const std::string p = "/tmp/leasesim-viz-bench-1M.jsonl";
    const std::string text = LargeTrace({.nodes = 5, .events = 1'000'000, .seed = 1});
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }();
  return path;
}

const Trace& LargeTraceLoaded() {
  static const std::unique_ptr<Trace> trace = [] {
    TraceLoad l = LoadTraceFile(LargeTracePath());
    if (!l.ok()) {
      std::fprintf(stderr, "%s\n", l.error.c_str());
      std::abort();
    }
    return std::move(l.trace);
  }();
  return *trace;
}

void BM_LoadTrace1M(benchmark::State& state) {
  const std::string& path = LargeTracePath();
  size_t events = 0, bytes = 0;
  for (auto _ : state) {
    TraceLoad l = LoadTraceFile(path);
    if (!l.ok()) state.SkipWithError(l.error.c_str());
    events = l.trace->events.size();
    bytes = l.trace->text.size();
    benchmark::DoNotOptimize(l.trace->nodes.data());
  }
  state.counters["events"] = static_cast<double>(events);
  state.counters["MB"] = static_cast<double>(bytes) / 1e6;
  state.counters["events_per_s"] = benchmark::Counter(static_cast<double>(events) * state.iterations(),
                                                      benchmark::Counter::kIsRate);
  state.counters["bytes_per_s"] = benchmark::Counter(static_cast<double>(bytes) * state.iterations(),
                                                     benchmark::Counter::kIsRate);
}
BENCHMARK(BM_LoadTrace1M)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();

// One frame at 1280x800: arg 0 = fit all, 1 = a 10 % window in the middle, 2 = a 1 %
// window (zoomed in, little folding).
void BM_PrepareFrame(benchmark::State& state) {
  const Trace& tr = LargeTraceLoaded();
  const ScreenLayout screen = ComputeScreenLayout(1280, 800);
  const TimelineLayout lay = LayoutTimeline(tr, screen.timeline);
  TimeAxis ax = FitAll(tr.end_ns, lay.plot_x0, lay.plot_x1);
  if (state.range(0) > 0) {
    const double span = static_cast<double>(tr.end_ns) * (state.range(0) == 1 ? 0.10 : 0.01);
    const double mid = static_cast<double>(tr.end_ns) / 2;
    ax.start_ns = mid - span / 2;
    ax.end_ns = mid + span / 2;
  }
  DrawList dl;
  TimelineOptions opt;
  opt.cursor_ns = static_cast<double>(tr.end_ns) / 2;
  for (auto _ : state) {
    BuildTimeline(tr, lay, ax, opt, dl);
    benchmark::DoNotOptimize(dl.rects.data());
  }
  state.counters["rects"] = static_cast<double>(dl.rects.size());
  state.counters["frames_per_s"] = benchmark::Counter(static_cast<double>(state.iterations()),
                                                      benchmark::Counter::kIsRate);
}
BENCHMARK(BM_PrepareFrame)->ArgName("zoom")->Arg(0)->Arg(1)->Arg(2)->Unit(benchmark::kMicrosecond);

void BM_InspectAt(benchmark::State& state) {
  const Trace& tr = LargeTraceLoaded();
  TimeNs t = tr.end_ns / 3;
  for (auto _ : state) {
    Inspection in = InspectAt(tr, t);
    benchmark::DoNotOptimize(in.nodes.data());
    t += 1'000'000;
  }
  state.counters["inspections_per_s"] = benchmark::Counter(static_cast<double>(state.iterations()),
                                                           benchmark::Counter::kIsRate);
}
BENCHMARK(BM_InspectAt)->Unit(benchmark::kMicrosecond);

void BM_FilterEvents(benchmark::State& state) {
  const Trace& tr = LargeTraceLoaded();
  EventFilter f = EventFilter::All(tr);
  f.nodes[0] = false;
  f.kinds[static_cast<int>(EventKind::kLog)] = false;
  for (auto _ : state) {
    auto rows = FilterEvents(tr, f);
    benchmark::DoNotOptimize(rows.data());
  }
  state.counters["events_per_s"] = benchmark::Counter(
      static_cast<double>(tr.events.size()) * state.iterations(), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_FilterEvents)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
