// timing_test.cc — the loop shapes of acquire() and renew() on a scripted clock
// (reference §1.4, §1.5, §1.16, §8 items 4–5).
#include <catch2/catch.hpp>

#include "core/leader_elector.h"
#include "tests/core/harness.h"

using namespace leasesim::core;
using namespace leasesim::core::testing;

namespace {

// A lease store whose behaviour the test switches: normal, or every call failing with 500.
struct Store {
  ObjectPtr obj;
  bool failing = false;
  // When set, every call after the Create fails, with `fail_latency` per call: the leader
  // acquires, then its API server becomes unusable.
  World* fail_after_create = nullptr;
  Duration fail_latency = 1us;
  std::vector<Reactor> Reactors() {
    auto fail = [this]() -> std::optional<ApiResponse> {
      if (failing) return Err(Status::InternalError());
      return std::nullopt;
    };
    return {{Verb::kGet, [this, fail](const ApiRequest&) -> std::optional<ApiResponse> {
               if (auto f = fail()) return f;
               if (!obj) return NotFound();
               return Ok(obj);
             }},
            {Verb::kCreate, [this, fail](const ApiRequest& r) -> std::optional<ApiResponse> {
               if (auto f = fail()) return f;
               obj = r.body;
               if (fail_after_create != nullptr) {
                 failing = true;
                 fail_after_create->latency = fail_latency;
               }
               return Ok(obj);
             }},
            {Verb::kUpdate, [this, fail](const ApiRequest& r) -> std::optional<ApiResponse> {
               if (auto f = fail()) return f;
               obj = r.body;
               return Ok(obj);
             }}};
  }
};

std::vector<double> SecondsSince(const std::vector<MonoTime>& ts, MonoTime t0) {
  std::vector<double> v;
  for (MonoTime t : ts) v.push_back(std::chrono::duration<double>(t - t0).count());
  return v;
}

}  // namespace

TEST_CASE("acquire: retry delays lie between RP and 2.2·RP and follow the elector's PRNG stream", "[core][timing]") {
  const uint64_t seed = GENERATE(1u, 42u, 9001u);
  CAPTURE(seed);
  LeaderElector le(TestConfig(15s, 10s, 2s), VersionProfile{}, seed);
  World w(le);
  // The lease is held by "bing" and changes on every Get, so it never expires.
  w.reactors = {{Verb::kGet, [&](const ApiRequest&) -> std::optional<ApiResponse> {
    LeaderElectionRecord r = Holder("bing", 15);
    r.renewTime = w.now().wall;
    return Ok(LeaseObject(r));
  }}};
  w.Apply(le.Start(w.now()));
  const MonoTime end = w.mono() + 1h;
  w.RunUntil(end);

  Prng expected(seed);
  size_t checked = 0;
  for (size_t i = 0; i < w.effects.size(); ++i) {
    const auto* a = std::get_if<ArmTimer>(&w.effects[i]);
    if (a == nullptr || a->kind != TimerKind::kAcquireRetry) continue;
    const Duration delay = a->at - w.effect_times[i];
    CHECK(delay >= 2s);
    CHECK(delay < 4400ms);
    const Duration want = 2s + Duration(static_cast<int64_t>(expected.Float64() * 1.2 * 2e9));
    CHECK(delay == want);
    ++checked;
  }
  CHECK(checked > 800);  // one hour of attempts at a mean period of 3.2 s
  // The first attempt is immediate at Run.
  auto sends = w.TimesOf<SendApiRequest>([](const SendApiRequest&) { return true; });
  REQUIRE(!sends.empty());
  CHECK(sends[0] == MonoTime{100000h});
  CHECK(le.phase() == Phase::kAcquiring);
}

TEST_CASE("renew: attempts at poll start + k·RP, give up at RenewDeadline", "[core][timing]") {
  LeaderElector le(TestConfig(15s, 10s, 2s), VersionProfile{}, 7);
  World w(le);
  Store store;
  store.fail_after_create = &w;
  w.reactors = store.Reactors();
  w.Apply(le.Start(w.now()));
  // Acquire (get 404, create) completes after two calls; then everything fails.
  while (le.phase() != Phase::kRenewing && w.Step()) {
  }
  REQUIRE(le.phase() == Phase::kRenewing);
  const MonoTime t0 = w.mono();  // the first renew poll starts right after acquisition
  w.RunUntilIdle();
  // Each attempt is a fast-path update (fails) then a slow-path get (fails).
  auto updates = w.TimesOf<SendApiRequest>([](const SendApiRequest& s) { return s.request.verb == Verb::kUpdate; });
  CHECK(SecondsSince(updates, t0) == std::vector<double>{0, 2, 4, 6, 8});
  auto gave_up = w.TimesOf<Log>([](const Log& l) { return l.msg == LogMsg::kFailedToRenew; });
  REQUIRE(gave_up.size() == 1);
  CHECK(gave_up[0] == t0 + 10s);  // exactly: the tick at +10s loses to the deadline
  auto logs = w.All<Log>();
  for (const auto& l : logs)
    if (l.msg == LogMsg::kFailedToRenew) CHECK(l.err == "context deadline exceeded");
  CHECK(w.NewLeaders() == std::vector<std::string>{"baz"});
  CHECK(le.phase() == Phase::kExited);
  auto m = w.All<Metric>();
  REQUIRE(!m.empty());
  CHECK(m.back().name == MetricName::kMasterStatus);
  CHECK(m.back().value == 0);
}

TEST_CASE("renew: a slow condition is followed by an immediate retry (one buffered tick)", "[core][timing]") {
  LeaderElector le(TestConfig(15s, 10s, 2s), VersionProfile{}, 7);
  World w(le);
  Store store;
  store.fail_after_create = &w;
  store.fail_latency = 1500ms;  // each attempt: update 1.5 s + get 1.5 s = 3 s
  w.reactors = store.Reactors();
  w.Apply(le.Start(w.now()));
  while (le.phase() != Phase::kRenewing && w.Step()) {
  }
  const MonoTime t0 = w.mono();
  w.RunUntilIdle();
  auto updates = w.TimesOf<SendApiRequest>([](const SendApiRequest& s) { return s.request.verb == Verb::kUpdate; });
  CHECK(SecondsSince(updates, t0) == std::vector<double>{0, 3, 6, 9});
  // The attempt started at 9 s has its update in flight at the 10 s deadline: cancelled.
  auto cancels = w.TimesOf<CancelRequest>([](const CancelRequest& c) { return c.reason == Reason::kContextDeadlineExceeded; });
  CHECK(SecondsSince(cancels, t0) == std::vector<double>{10});
  auto gave_up = w.TimesOf<Log>([](const Log& l) { return l.msg == LogMsg::kFailedToRenew; });
  CHECK(SecondsSince(gave_up, t0) == std::vector<double>{10});
}

TEST_CASE("renew: before 1.32 the ticker starts after the immediate attempt", "[core][timing][profile]") {
  auto run = [](int minor) {
    LeaderElector le(TestConfig(15s, 10s, 2s), VersionProfile::ForMinor(minor), 7);
    World w(le);
    Store store;
    store.fail_after_create = &w;
    store.fail_latency = 400ms;  // an attempt takes 0.8 s (fast-path update + get)
    w.reactors = store.Reactors();
    w.Apply(le.Start(w.now()));
    while (le.phase() != Phase::kRenewing && w.Step()) {
    }
    const MonoTime t0 = w.mono();
    w.RunUntilIdle();
    auto updates = w.TimesOf<SendApiRequest>([](const SendApiRequest& s) { return s.request.verb == Verb::kUpdate; });
    std::string err;
    for (const auto& l : w.All<Log>())
      if (l.msg == LogMsg::kFailedToRenew) err = l.err;
    return std::make_pair(SecondsSince(updates, t0), err);
  };
  auto [ticks37, err37] = run(37);
  CHECK(ticks37 == std::vector<double>{0, 2, 4, 6, 8});
  CHECK(err37 == "context deadline exceeded");
  auto [ticks31, err31] = run(31);
  CHECK(ticks31 == std::vector<double>{0, 2.8, 4.8, 6.8, 8.8});
  CHECK(err31 == "timed out waiting for the condition");
}

TEST_CASE("issue15 item 5: before 1.32 a tick during a slow attempt is dropped (PollImmediateUntil)", "[core][timing][profile]") {
  // Each failing attempt takes 3 s (fast-path update 1.5 s + get 1.5 s), RetryPeriod 2 s,
  // RenewDeadline 10 s.
  // 1.31 (apimachinery v0.31.0 poller: non-blocking send of each tick): the immediate
  // attempt runs 0–3 s, the ticker starts at 3 s (ticks 5, 7, 9, ...); the attempt on the
  // 5 s tick runs to 8 s, so the 7 s tick is dropped and the next attempt waits for 9 s.
  // 1.32+ (loopConditionUntilContext reads the ticker, one tick buffered): the 2 s tick
  // waits in the channel, so attempts run back to back at 0, 3, 6, 9 s.
  auto run = [](int minor) {
    LeaderElector le(TestConfig(15s, 10s, 2s), VersionProfile::ForMinor(minor), 7);
    World w(le);
    Store store;
    store.fail_after_create = &w;
    store.fail_latency = 1500ms;
    w.reactors = store.Reactors();
    w.Apply(le.Start(w.now()));
    while (le.phase() != Phase::kRenewing && w.Step()) {
    }
    const MonoTime t0 = w.mono();
    w.RunUntilIdle();
    auto updates = w.TimesOf<SendApiRequest>([](const SendApiRequest& s) { return s.request.verb == Verb::kUpdate; });
    auto gave_up = w.TimesOf<Log>([](const Log& l) { return l.msg == LogMsg::kFailedToRenew; });
    return std::make_pair(SecondsSince(updates, t0), SecondsSince(gave_up, t0));
  };
  auto [starts31, end31] = run(31);
  CHECK(starts31 == std::vector<double>{0, 5, 9});
  CHECK(end31 == std::vector<double>{10});
  auto [starts32, end32] = run(32);
  CHECK(starts32 == std::vector<double>{0, 3, 6, 9});
  CHECK(end32 == std::vector<double>{10});
}

TEST_CASE("renew: a tick falling exactly when an attempt returns is taken at once in every profile", "[core][timing][profile]") {
  // Attempts of exactly 2 s (fast update 1 s + get 1 s), RetryPeriod 2 s: in 1.31 the
  // ticker starts at 2 s, the attempt on the 4 s tick returns at 6 s, when the next tick
  // falls: the consumer is back in its select, so the tick is taken at once.
  for (int minor : {31, 37}) {
    CAPTURE(minor);
    LeaderElector le(TestConfig(15s, 10s, 2s), VersionProfile::ForMinor(minor), 7);
    World w(le);
    Store store;
    store.fail_after_create = &w;
    store.fail_latency = 1s;
    w.reactors = store.Reactors();
    w.Apply(le.Start(w.now()));
    while (le.phase() != Phase::kRenewing && w.Step()) {
    }
    const MonoTime t0 = w.mono();
    w.RunUntilIdle();
    auto updates = w.TimesOf<SendApiRequest>([](const SendApiRequest& s) { return s.request.verb == Verb::kUpdate; });
    if (minor == 31) {
      CHECK(SecondsSince(updates, t0) == std::vector<double>{0, 4, 6, 8});
    } else {
      CHECK(SecondsSince(updates, t0) == std::vector<double>{0, 2, 4, 6, 8});
    }
  }
}

TEST_CASE("renew: the leader gives up RetryPeriod + RenewDeadline after its last successful renewal", "[core][timing]") {
  LeaderElector le(TestConfig(15s, 10s, 2s), VersionProfile{}, 3);
  World w(le);
  Store store;
  w.reactors = store.Reactors();
  w.latency = 10ms;
  w.Apply(le.Start(w.now()));
  w.RunUntil(w.mono() + 61s);
  // Find the last renew poll that succeeded before the failures start.
  store.failing = true;
  auto ok_renews = w.TimesOf<Log>([](const Log& l) { return l.msg == LogMsg::kSuccessfullyRenewed; });
  REQUIRE(!ok_renews.empty());
  const MonoTime t_s = ok_renews.back();
  w.RunUntilIdle();
  auto gave_up = w.TimesOf<Log>([](const Log& l) { return l.msg == LogMsg::kFailedToRenew; });
  REQUIRE(gave_up.size() == 1);
  CHECK(gave_up[0] == t_s + 2s + 10s);
  // Successful renewals are RP + one round trip apart (sliding outer loop, fast path).
  for (size_t i = 1; i < ok_renews.size(); ++i) CHECK(ok_renews[i] - ok_renews[i - 1] == 2s + 10ms);
}

TEST_CASE("Cancel between renew polls exits quietly and during acquire OnStoppedLeading still runs", "[core][timing]") {
  SECTION("between polls: no 'Failed to renew lease', master_status stays 1") {
    LeaderElector le(TestConfig(15s, 10s, 2s), VersionProfile{}, 3);
    World w(le);
    Store store;
    w.reactors = store.Reactors();
    w.Apply(le.Start(w.now()));
    w.RunUntil(w.mono() + 5s);
    w.Apply(le.Cancel(w.now()));
    CHECK_FALSE(w.HasLog(LogMsg::kFailedToRenew));
    auto m = w.All<Metric>();
    REQUIRE(!m.empty());
    CHECK(m.back().value == 1);
    CHECK(le.phase() == Phase::kExited);
  }
  SECTION("never led: OnStoppedLeading is called anyway (client-go #1187)") {
    LeaderElector le(TestConfig(15s, 10s, 2s), VersionProfile{}, 3);
    World w(le);
    w.reactors = {{Verb::kGet, [&](const ApiRequest&) -> std::optional<ApiResponse> {
      LeaderElectionRecord r = Holder("bing", 15);
      r.renewTime = w.now().wall;
      return Ok(LeaseObject(r));
    }}};
    w.Apply(le.Start(w.now()));
    w.RunUntil(w.mono() + 10s);
    w.Apply(le.Cancel(w.now()));
    auto cbs = w.All<InvokeCallback>();
    REQUIRE(!cbs.empty());
    CHECK(cbs.back().callback == Callback::kOnStoppedLeading);
    CHECK_FALSE(cbs.back().posted);
    for (const auto& c : cbs) CHECK(c.callback != Callback::kOnStartedLeading);
    CHECK(w.Events().empty());  // renew() never ran: no "stopped leading" event
  }
}
