// bench_api_server.cc — throughput of the fake kube-apiserver's request lifecycle
// (Arrive + Complete) for GET and UPDATE, with `objects` Leases in the store.
// Release builds only: `bench_api_server --benchmark_counters_tabular=true`.
#include <benchmark/benchmark.h>

#include <string>

#include "sim/api_server.h"

namespace {

using namespace leasesim;
using namespace std::chrono_literals;

// Populate creates `n` Leases named lease-0 .. lease-{n-1}; requests target lease-0.
void Populate(sim::ApiServer& s, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    core::Lease l;
    l.metadata.name = "lease-" + std::to_string(i);
    l.spec.holderIdentity = "node-a";
    l.spec.leaseDurationSeconds = 15;
    core::ApiRequest r{.id = static_cast<core::RequestId>(i), .verb = core::Verb::kCreate,
                       .resource = core::Resource::kLeases, .namespace_ = "kube-system",
                       .name = l.metadata.name, .body = core::MakeObject(std::move(l))};
    const sim::Admission a = s.Arrive(r, sim::kTrueEpoch);
    benchmark::DoNotOptimize(s.Complete(r, a.complete_at));
  }
}

void BM_Get(benchmark::State& state) {
  sim::ApiServer s;
  Populate(s, state.range(0));
  core::ApiRequest r{.id = 0, .verb = core::Verb::kGet, .resource = core::Resource::kLeases,
                     .namespace_ = "kube-system", .name = "lease-0", .body = nullptr};
  sim::TrueTime now = sim::kTrueEpoch;
  for (auto _ : state) {
    now = now + 1ms;
    const sim::Admission a = s.Arrive(r, now);
    core::ApiResponse resp = s.Complete(r, a.complete_at);
    benchmark::DoNotOptimize(resp);
  }
  state.counters["requests"] = benchmark::Counter(static_cast<double>(state.iterations()),
                                                  benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Get)->ArgName("objects")->Arg(1)->Arg(1000);

// BM_Update renews lease-0 as a leader does: read the stored object, copy it with a new
// renewTime, update with its resourceVersion (every update is applied, none conflicts).
void BM_Update(benchmark::State& state) {
  sim::ApiServer s;
  Populate(s, state.range(0));
  sim::TrueTime now = sim::kTrueEpoch;
  core::ApiRequest r{.id = 0, .verb = core::Verb::kUpdate, .resource = core::Resource::kLeases,
                     .namespace_ = "kube-system", .name = "lease-0", .body = nullptr};
  int64_t failed = 0;
  for (auto _ : state) {
    now = now + 1ms;
    core::Lease next = std::get<core::Lease>(*s.Lookup(core::Resource::kLeases, "kube-system", "lease-0"));
    next.spec.renewTime = sim::kEpochWall + (now - sim::kTrueEpoch);
    r.body = core::MakeObject(std::move(next));
    const sim::Admission a = s.Arrive(r, now);
    core::ApiResponse resp = s.Complete(r, a.complete_at);
    failed += !resp.status.ok();
    benchmark::DoNotOptimize(resp);
  }
  if (failed != 0) state.SkipWithError("an update failed");
  state.counters["requests"] = benchmark::Counter(static_cast<double>(state.iterations()),
                                                  benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Update)->ArgName("objects")->Arg(1)->Arg(1000);

}  // namespace

BENCHMARK_MAIN();
