// bench_core.cc — the election core alone: one elector stepped through acquire attempts.
//
// Each iteration is one acquire attempt of a follower: the retry timer fires, the elector
// sends a Get, the response (a lease held by someone else) comes back, and the elector logs
// and arms its next jittered retry. Target (issue 2): >= 5 M effects/s in Release.
#include <benchmark/benchmark.h>

#include "core/leader_elector.h"

using namespace leasesim::core;
using namespace std::chrono_literals;

namespace {

LeaderElectionConfig Config() {
  LeaderElectionConfig c;
  c.lock = {LockKind::kLeases, "kube-system", "kube-controller-manager", "node-b_7f3a", {}};
  return c;
}

ObjectPtr HeldLease(WallTime renew) {
  Lease l;
  l.metadata.name = "kube-controller-manager";
  l.metadata.namespace_ = "kube-system";
  l.metadata.resourceVersion = "1234";
  LeaderElectionRecord r;
  r.holderIdentity = "node-a_1c2d";
  r.leaseDurationSeconds = 15;
  r.acquireTime = WallTime{std::chrono::seconds(1767225600)};
  r.renewTime = renew;
  l.spec = LeaderElectionRecordToLeaseSpec(r);
  return MakeObject(std::move(l));
}

// The holder renews between attempts: every Get returns a new object (so the raw record is
// re-encoded and compared, and observedTime refreshed), as a follower sees in steady state.
// (With an unchanged lease the follower would rightly take over after LeaseDuration.)
void BM_AcquireAttempts(benchmark::State& state) {
  LeaderElector le(Config(), VersionProfile{}, 42);
  LocalTime now{MonoTime{1h}, WallTime{std::chrono::seconds(1767225600)}};
  ObjectPtr lease = HeldLease(now.wall);
  uint64_t effects = 0;
  TimerId timer = 0;
  RequestId request = 0;
  auto absorb = [&](std::span<const Effect> out) {
    effects += out.size();
    for (const Effect& e : out) {
      if (const auto* s = std::get_if<SendApiRequest>(&e)) request = s->request.id;
      if (const auto* a = std::get_if<ArmTimer>(&e)) {
        timer = a->id;
        now.mono = a->at;
        now.wall = now.wall + 3s;
      }
    }
  };
  absorb(le.Start(now));
  for (auto _ : state) {
    lease = HeldLease(now.wall);
    ApiResponse resp{request, Status::OK(), lease, {}};
    absorb(le.OnApiResponse(resp, now));
    absorb(le.TimerFired(timer, now));
  }
  if (le.phase() != Phase::kAcquiring) state.SkipWithError("the follower acquired the lease");
  state.counters["effects_per_s"] = benchmark::Counter(static_cast<double>(effects), benchmark::Counter::kIsRate);
  state.counters["attempts_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}


}  // namespace

BENCHMARK(BM_AcquireAttempts)->Iterations(1'000'000)->Unit(benchmark::kMillisecond);
BENCHMARK_MAIN();
