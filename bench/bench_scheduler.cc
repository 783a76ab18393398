// bench_scheduler.cc — timer events per second through sim::Scheduler's direct API and
// through its Asio face (callbacks and coroutines on sim::VirtualTimer).
//
// Each benchmark runs 1e6 timer events per iteration: `timers` independent timers each
// re-arm themselves with a pseudo-random delay in [1, 1024] us, so the heap holds
// `timers` entries throughout, as a simulated cluster's node timers do. BM_ClusterMix
// runs the peer workloads' mix instead (network hops, retry timers, cancelled deadlines).
// Release builds only. Target (kernel brief): >= 5M events/s through the direct API.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <exception>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "sim/scheduler.h"

namespace {

namespace asio = boost::asio;
using leasesim::sim::Duration;
using leasesim::sim::Scheduler;
using leasesim::sim::VirtualTimer;

constexpr int64_t kEventsPerIteration = 1'000'000;

// NextDelay is a cheap per-timer LCG (Knuth's MMIX constants) giving 1..1024 us.
Duration NextDelay(uint64_t& state) {
  state = state * 6364136223846793005ULL + 1442695040888963407ULL;
  return std::chrono::microseconds(1 + static_cast<int64_t>(state >> 54));
}

void SetRate(benchmark::State& state) {
  state.counters["events_per_s"] = benchmark::Counter(
      static_cast<double>(kEventsPerIteration) * static_cast<double>(state.iterations()),
      benchmark::Counter::kIsRate);
}

// DirectTimer re-arms itself through Scheduler::After; 32 bytes of capture, inline.
struct DirectTimer {
  Scheduler* sched;
  int64_t* remaining;
  uint64_t rng;
  void operator()() {
    if (--*remaining <= 0) return;
    DirectTimer next{sched, remaining, rng};
    const Duration d = NextDelay(next.rng);
    sched->After(d, next);
  }
};

void BM_DirectTimers(benchmark::State& state) {
  const int timers = static_cast<int>(state.range(0));
  for (auto _ : state) {
    Scheduler sched;
    int64_t remaining = kEventsPerIteration;
    for (int i = 0; i < timers; ++i) {
      DirectTimer t{&sched, &remaining, static_cast<uint64_t>(i) + 1};
      const Duration d = NextDelay(t.rng);
      sched.After(d, t);
    }
    // Stop once 1e6 events ran; the other timers' last events are still pending.
    sched.RunUntil([&] { return remaining <= 0; });
    benchmark::DoNotOptimize(sched.now());
    if (sched.events_processed() != static_cast<uint64_t>(kEventsPerIteration)) {
      state.SkipWithError("wrong event count");
    }
  }
  SetRate(state);
}
BENCHMARK(BM_DirectTimers)->ArgName("timers")->Arg(1)->Arg(100)->Arg(10000)->Unit(benchmark::kMillisecond);

// DirectCancelHalf schedules every event twice and cancels one copy, as a node driver
// does when it re-arms a timer before it fires.
void BM_DirectCancelHalf(benchmark::State& state) {
  const int timers = static_cast<int>(state.range(0));
  for (auto _ : state) {
    Scheduler sched;
    int64_t remaining = kEventsPerIteration;
    std::vector<leasesim::sim::EventId> shadow(timers);
    struct Timer {
      Scheduler* sched;
      int64_t* remaining;
      leasesim::sim::EventId* shadow;
      uint64_t rng;
      void operator()() {
        if (--*remaining <= 0) return;
        Timer next = *this;
        sched->Cancel(*shadow);
        *shadow = sched->After(NextDelay(next.rng) * 2, [] {});
        sched->After(NextDelay(next.rng), next);
      }
    };
    for (int i = 0; i < timers; ++i) {
      Timer t{&sched, &remaining, &shadow[i], static_cast<uint64_t>(i) + 1};
      sched.After(NextDelay(t.rng), t);
    }
    sched.RunUntil([&] { return remaining <= 0; });
    benchmark::DoNotOptimize(sched.now());
  }
  SetRate(state);
}
BENCHMARK(BM_DirectCancelHalf)->ArgName("timers")->Arg(100)->Unit(benchmark::kMillisecond);

// ClusterMix is a simulated cluster's mix of timers, as the peer workloads drive it: each
// of `nodes` nodes has a retry timer every 2 s (+ up to 1 ms); when it fires, the node
// arms a 10 s deadline and sends a request: a network hop of 1-5 ms to the server, and
// one back, after which the deadline is cancelled: 4 events scheduled and 3 run per
// request, every deadline cancelled within 10 ms. (What callgrind reports for
// `leasesim run peer-n100-hour.json` per event is the figure to compare.)
struct MixNode {
  Scheduler* sched;
  int64_t* remaining;
  uint64_t rng;
  leasesim::sim::EventId deadline;
};

Duration Hop(uint64_t& state) {
  state = state * 6364136223846793005ULL + 1442695040888963407ULL;
  return std::chrono::nanoseconds(1'000'000 + static_cast<int64_t>((state >> 33) % 4'000'000));
}

void MixRetry(MixNode* n);

void MixResponse(MixNode* n) {
  if (--*n->remaining <= 0) return;
  n->sched->Cancel(n->deadline);
}

void MixArrive(MixNode* n) {
  if (--*n->remaining <= 0) return;
  n->sched->After(Hop(n->rng), [n] { MixResponse(n); });
}

void MixRetry(MixNode* n) {
  if (--*n->remaining <= 0) return;
  n->deadline = n->sched->After(std::chrono::seconds(10), [] {});
  n->sched->After(Hop(n->rng), [n] { MixArrive(n); });
  n->sched->After(std::chrono::seconds(2) + Hop(n->rng) / 4, [n] { MixRetry(n); });
}

void BM_ClusterMix(benchmark::State& state) {
  const int nodes = static_cast<int>(state.range(0));
  for (auto _ : state) {
    Scheduler sched;
    int64_t remaining = kEventsPerIteration;
    std::vector<MixNode> ns(nodes);
    for (int i = 0; i < nodes; ++i) {
      ns[i] = {&sched, &remaining, static_cast<uint64_t>(i) + 1, {}};
      MixNode* n = &ns[i];
      sched.After(std::chrono::milliseconds(i), [n] { MixRetry(n); });
    }
    sched.RunUntil([&] { return remaining <= 0; });
    benchmark::DoNotOptimize(sched.now());
    if (sched.events_processed() != static_cast<uint64_t>(kEventsPerIteration)) {
      state.SkipWithError("wrong event count");
    }
  }
  SetRate(state);
}
BENCHMARK(BM_ClusterMix)->ArgName("nodes")->Arg(3)->Arg(100)->Arg(1000)->Unit(benchmark::kMillisecond);

// AsioCallback re-arms a VirtualTimer from its completion handler.
struct AsioCallback {
  VirtualTimer* timer;
  int64_t* remaining;
  uint64_t rng;
  void operator()(boost::system::error_code ec) {
    if (ec || --*remaining <= 0) return;
    timer->expires_after(NextDelay(rng));
    timer->async_wait(*this);
  }
};

void BM_AsioCallbacks(benchmark::State& state) {
  const int timers = static_cast<int>(state.range(0));
  for (auto _ : state) {
    Scheduler sched;
    int64_t remaining = kEventsPerIteration;
    std::vector<VirtualTimer> ts;
    ts.reserve(timers);
    for (int i = 0; i < timers; ++i) {
      ts.emplace_back(sched);
      AsioCallback cb{&ts.back(), &remaining, static_cast<uint64_t>(i) + 1};
      ts.back().expires_after(NextDelay(cb.rng));
      ts.back().async_wait(cb);
    }
    sched.RunUntil([&] { return remaining <= 0; });
    benchmark::DoNotOptimize(sched.now());
    if (sched.events_processed() != static_cast<uint64_t>(kEventsPerIteration)) {
      state.SkipWithError("wrong event count");
    }
  }
  SetRate(state);
}
BENCHMARK(BM_AsioCallbacks)->ArgName("timers")->Arg(1)->Arg(100)->Arg(10000)->Unit(benchmark::kMillisecond);

asio::awaitable<void> Sleeper(Scheduler& sched, int64_t& remaining, uint64_t rng) {
  VirtualTimer t(sched);
  while (remaining > 0) {
    t.expires_after(NextDelay(rng));
    co_await t.async_wait(asio::use_awaitable);
    --remaining;
  }
}

void BM_AsioCoroutines(benchmark::State& state) {
  const int timers = static_cast<int>(state.range(0));
  for (auto _ : state) {
    Scheduler sched;
    int64_t remaining = kEventsPerIteration;
    for (int i = 0; i < timers; ++i) {
      asio::co_spawn(sched, Sleeper(sched, remaining, static_cast<uint64_t>(i) + 1),
                     [](std::exception_ptr e) {
                       if (e) std::rethrow_exception(e);
                     });
    }
    sched.RunUntil([&] { return remaining <= 0; });
    benchmark::DoNotOptimize(sched.now());
  }
  SetRate(state);
}
BENCHMARK(BM_AsioCoroutines)->ArgName("timers")->Arg(100)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
