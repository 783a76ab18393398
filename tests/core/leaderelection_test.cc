// leaderelection_test.cc — client-go's own unit tests (tools/leaderelection/
// leaderelection_test.go @ 32ce75a7), case by case under their client-go names, with the
// API call sequences of reference §4. Reactor semantics: see harness.h.
#include <catch2/catch.hpp>

#include "core/healthz.h"
#include "core/leader_elector.h"
#include "tests/core/harness.h"

using namespace leasesim::core;
using namespace leasesim::core::testing;

namespace {

enum class ObservedTime { kZero, kPast, kFuture };

struct TryCase {
  std::string name;
  std::optional<LeaderElectionRecord> observed;  // nullopt: zero record
  ObservedTime observed_time = ObservedTime::kZero;
  std::vector<Reactor> reactors;
  Duration retry_after{0};
  bool expect_success;
  bool transition_leader;
  std::string out_holder;
};

MonoTime ObservedMono(ObservedTime t, MonoTime now) {
  switch (t) {
    case ObservedTime::kZero: return MonoTime{};  // Go's zero time.Time: ages ago
    case ObservedTime::kPast: return now - 1000h;
    case ObservedTime::kFuture: return now + 1000h;
  }
  return now;
}

Reactor GetReturns(std::optional<LeaderElectionRecord> r) {
  return {Verb::kGet, [r](const ApiRequest&) -> std::optional<ApiResponse> { return Ok(LeaseObject(r)); }};
}
Reactor GetNotFound() {
  return {Verb::kGet, [](const ApiRequest&) -> std::optional<ApiResponse> { return NotFound(); }};
}
Reactor EchoOn(Verb v) {
  return {v, [](const ApiRequest& r) -> std::optional<ApiResponse> { return Echo(r); }};
}

// Runs one testTryAcquireOrRenew case; mirrors the Go test body.
void RunTryCase(const TryCase& test, bool coordinated) {
  CAPTURE(test.name);
  LeaderElectionConfig cfg = TestConfig();
  cfg.coordinated = coordinated;
  LeaderElector le(cfg, VersionProfile{}, /*jitter_seed=*/1);
  World w(le);
  w.reactors = test.reactors;
  le.SetObservedForTest(test.observed.value_or(LeaderElectionRecord{}), ObservedMono(test.observed_time, w.mono()));

  w.Apply(le.BeginTryAcquireOrRenewForTest(w.now()));
  w.RunUntilIdle();
  REQUIRE(le.test_result().has_value());
  if (test.retry_after > Duration::zero()) {
    // time.Sleep(test.retryAfter); le.tryAcquireOrRenew(context.Background())
    w.Advance(test.retry_after);
    w.Apply(le.BeginTryAcquireOrRenewForTest(w.now()));
    w.RunUntilIdle();
    REQUIRE(le.test_result().has_value());
  }
  CHECK(w.actions.size() == test.reactors.size());  // "wrong number of api interactions"
  CHECK(*le.test_result() == test.expect_success);
  CHECK(le.observed_record().holderIdentity == test.out_holder);
  CHECK(le.observed_record().leaderTransitions == (test.transition_leader ? 1 : 0));
  w.Apply(le.MaybeReportTransitionForTest());
  CHECK(w.NewLeaders() == std::vector<std::string>{test.out_holder});
  CHECK(w.Events().empty());
}

}  // namespace

TEST_CASE("TestTryAcquireOrRenewLeases", "[core][client-go]") {
  const LeaderElectionRecord bing = Holder("bing");
  std::vector<TryCase> tests = {
      {"acquire from no object", {}, ObservedTime::kZero, {GetNotFound(), EchoOn(Verb::kCreate)}, {}, true, false, "baz"},
      {"acquire from object without annotations", {}, ObservedTime::kZero,
       {GetReturns(std::nullopt), EchoOn(Verb::kUpdate)}, {}, true, true, "baz"},
      {"acquire from led object with the lease duration seconds", {}, ObservedTime::kZero,
       {GetReturns(Holder("bing", 3)), GetReturns(Holder("bing", 3)), EchoOn(Verb::kUpdate)}, 3s, true, true, "baz"},
      {"acquire from unled object", {}, ObservedTime::kZero,
       {GetReturns(LeaderElectionRecord{}), EchoOn(Verb::kUpdate)}, {}, true, true, "baz"},
      {"acquire from led, unacked object", bing, ObservedTime::kPast,
       {GetReturns(bing), EchoOn(Verb::kUpdate)}, {}, true, true, "baz"},
      {"acquire from empty led, acked object", {}, ObservedTime::kFuture,
       {GetReturns(Holder("")), EchoOn(Verb::kUpdate)}, {}, true, true, "baz"},
      {"don't acquire from led, acked object", {}, ObservedTime::kFuture, {GetReturns(bing)}, {}, false, false, "bing"},
      {"renew already acquired object", Holder("baz"), ObservedTime::kFuture,
       {GetReturns(Holder("baz")), EchoOn(Verb::kUpdate)}, {}, true, false, "baz"},
  };
  for (const TryCase& t : tests) {
    SECTION(t.name) { RunTryCase(t, /*coordinated=*/false); }
  }
}

TEST_CASE("TestTryAcquireOrRenewLeases: renew already acquired object takes the slow path", "[core][client-go]") {
  // The fast path fails locally ("lease not initialized, call get or create first", no
  // API call); the slow path renews and exercises the slowpath metric.
  LeaderElector le(TestConfig(), VersionProfile{}, 1);
  World w(le);
  w.reactors = {GetReturns(Holder("baz")), EchoOn(Verb::kUpdate)};
  le.SetObservedForTest(Holder("baz"), w.mono() + 1000h);
  w.Apply(le.BeginTryAcquireOrRenewForTest(w.now()));
  w.RunUntilIdle();
  CHECK(w.actions == std::vector<std::string>{"get", "update"});
  auto logs = w.All<Log>();
  REQUIRE(!logs.empty());
  CHECK(logs[0].msg == LogMsg::kFastPathFailed);
  CHECK(logs[0].err == "lease not initialized, call get or create first");
  auto metrics = w.All<Metric>();
  REQUIRE(metrics.size() == 1);
  CHECK(metrics[0].name == MetricName::kSlowpathTotal);
  CHECK(metrics[0].value == 1);
}

TEST_CASE("TestTryCoordinatedRenew", "[core][client-go]") {
  std::vector<TryCase> tests = {
      {"don't acquire from led, acked object", {}, ObservedTime::kFuture, {GetReturns(Holder("bing"))}, {}, false, false, "bing"},
      {"renew already acquired object", Holder("baz"), ObservedTime::kFuture,
       {GetReturns(Holder("baz")), EchoOn(Verb::kUpdate)}, {}, true, false, "baz"},
  };
  for (const TryCase& t : tests) {
    SECTION(t.name) { RunTryCase(t, /*coordinated=*/true); }
  }
}

TEST_CASE("TestTryCoordinatedRenew: never creates and steps down at end of term", "[core]") {
  SECTION("Lease lock not found") {
    LeaderElectionConfig cfg = TestConfig();
    cfg.coordinated = true;
    LeaderElector le(cfg, VersionProfile{}, 1);
    World w(le);
    w.reactors = {GetNotFound()};
    w.Apply(le.BeginTryAcquireOrRenewForTest(w.now()));
    w.RunUntilIdle();
    CHECK(*le.test_result() == false);
    CHECK(w.actions == std::vector<std::string>{"get"});
    CHECK(w.HasLog(LogMsg::kCoordinatedNotFound));
  }
  SECTION("Lease is marked as 'end of term'") {
    LeaderElectionConfig cfg = TestConfig();
    cfg.coordinated = true;
    LeaderElector le(cfg, VersionProfile{}, 1);
    World w(le);
    LeaderElectionRecord r = Holder("baz", 10);
    r.strategy = "OldestEmulationVersion";
    r.preferredHolder = "other";
    w.reactors = {GetReturns(r)};
    le.SetObservedForTest(Holder("baz"), w.mono());
    w.Apply(le.BeginTryAcquireOrRenewForTest(w.now()));
    w.RunUntilIdle();
    CHECK(*le.test_result() == false);
    CHECK(w.HasLog(LogMsg::kCoordinatedEndOfTerm));
  }
}

TEST_CASE("TestReleaseLeaseLeases", "[core][client-go]") {
  SECTION("release acquired lock from no object") {
    LeaderElector le(TestConfig(), VersionProfile{}, 1);
    World w(le);
    w.reactors = {GetReturns(Holder("baz")), EchoOn(Verb::kCreate), EchoOn(Verb::kUpdate), GetNotFound()};
    w.Apply(le.BeginTryAcquireOrRenewForTest(w.now()));
    w.RunUntilIdle();
    REQUIRE(*le.test_result() == true);
    w.Apply(le.MaybeReportTransitionForTest());
    w.Apply(le.BeginReleaseForTest(w.now()));
    w.RunUntilIdle();
    CHECK(*le.test_result() == true);
    CHECK(w.actions == std::vector<std::string>{"get", "update", "get", "update"});
    CHECK(le.observed_record().holderIdentity == "");
    CHECK(le.observed_record().leaderTransitions == 0);
    CHECK(le.observed_record().leaseDurationSeconds == 1);
    w.Apply(le.MaybeReportTransitionForTest());
    CHECK(w.NewLeaders() == std::vector<std::string>{"baz", ""});
    CHECK(w.Events().empty());
  }
}

TEST_CASE("TestReleaseMethodCallsGet", "[core][client-go]") {
  LeaderElector le(TestConfig(), VersionProfile{}, 1);
  World w(le);
  bool get_called = false;
  w.reactors = {{Verb::kGet,
                 [&](const ApiRequest&) -> std::optional<ApiResponse> {
                   get_called = true;
                   return Ok(LeaseObject(Holder("baz", 10)));
                 }},
                EchoOn(Verb::kUpdate)};
  le.SetObservedForTest(Holder("baz"), w.mono());
  w.Apply(le.BeginReleaseForTest(w.now()));
  w.RunUntilIdle();
  CHECK(get_called);
  CHECK(*le.test_result() == true);
}

TEST_CASE("TestReleaseRetriesOnConflict", "[core][client-go]") {
  LeaderElector le(TestConfig(10s, 5s, 1s), VersionProfile{}, 1);
  World w(le);
  int updates = 0;
  w.reactors = {GetReturns(Holder("baz", 10)),
                {Verb::kUpdate, [&](const ApiRequest& r) -> std::optional<ApiResponse> {
                   if (++updates == 1) return Err(Status::Conflict(Resource::kLeases, "bar", "the object has been modified"));
                   return Echo(r);
                 }}};
  le.SetObservedForTest(Holder("baz"), w.mono());
  w.Apply(le.BeginReleaseForTest(w.now()));
  w.RunUntilIdle();
  CHECK(*le.test_result() == true);
  CHECK(updates == 2);
  CHECK(w.actions == std::vector<std::string>{"get", "update", "get", "update"});
  CHECK(w.HasLog(LogMsg::kReleaseConflictRetrying));
}

namespace {

// A lease store behind reactors, as testReleaseOnCancellation's lockObj.
struct LockObj {
  ObjectPtr obj;
  std::optional<ApiResponse> Get() const {
    if (!obj) return NotFound();
    return Ok(obj);
  }
  std::optional<ApiResponse> Store(const ApiRequest& r) {
    obj = r.body;
    return Ok(obj);
  }
};

LeaderElectionConfig CancellationConfig() {
  LeaderElectionConfig c = TestConfig(15s, 2s, 1s);
  c.releaseOnCancel = true;
  return c;
}

}  // namespace

TEST_CASE("TestReleaseOnCancellation_Leases", "[core][client-go]") {
  SECTION("release acquired lock on cancellation of update") {
    LeaderElector le(CancellationConfig(), VersionProfile{}, 1);
    World w(le);
    LockObj lock;
    int updates = 0;
    bool renew_called = false;  // onRenewCalled
    w.reactors = {{Verb::kGet, [&](const ApiRequest&) { return lock.Get(); }},
                  {Verb::kCreate, [&](const ApiRequest& r) { return lock.Store(r); }},
                  {Verb::kUpdate, [&](const ApiRequest& r) -> std::optional<ApiResponse> {
                     ++updates;
                     if (updates % 2 == 1 && updates < 5) return Err(Status::ContextCanceled());
                     if (updates == 4) {
                       renew_called = true;
                       return std::nullopt;  // blocks on onRenewResume
                     }
                     return lock.Store(r);
                   }}};
    w.Apply(le.Start(w.now()));
    while (!renew_called && w.Step()) {
    }
    REQUIRE(renew_called);
    w.Apply(le.Cancel(w.now()));  // cancel(); close(onRenewResume)
    w.RunUntilIdle();
    CHECK(w.actions == std::vector<std::string>{"get", "create", "update", "get", "update", "update", "get", "update",
                                                "get", "update"});
    CHECK(updates == 5);
    CHECK(le.phase() == Phase::kExited);
    CHECK(le.observed_record().holderIdentity == "");  // released
    CHECK(w.Events() == std::vector<std::string>{"Normal LeaderElection baz became leader",
                                                 "Normal LeaderElection baz stopped leading"});
  }
  SECTION("release acquired lock on cancellation of get") {
    LeaderElector le(CancellationConfig(), VersionProfile{}, 1);
    World w(le);
    LockObj lock;
    int updates = 0, gets = 0;
    bool renew_called = false, released = false;
    w.reactors = {{Verb::kGet, [&](const ApiRequest&) -> std::optional<ApiResponse> {
                     ++gets;
                     if (gets == 4) {
                       renew_called = true;
                       return std::nullopt;
                     }
                     if (gets > 4) return Err(Status::ContextCanceled());
                     return lock.Get();
                   }},
                  {Verb::kCreate, [&](const ApiRequest& r) { return lock.Store(r); }},
                  {Verb::kUpdate, [&](const ApiRequest& r) -> std::optional<ApiResponse> {
                     ++updates;
                     if (updates % 2 == 1) return Err(Status::ContextCanceled());
                     if (updates == 4) released = true;  // close(onRelease) — during a renew
                     return lock.Store(r);
                   }}};
    w.Apply(le.Start(w.now()));
    while (!renew_called && w.Step()) {
    }
    REQUIRE(renew_called);
    w.Apply(le.Cancel(w.now()));
    w.RunUntilIdle();
    // Reference §4.4: at HEAD this case never performs a successful release.
    CHECK(w.actions == std::vector<std::string>{"get", "create", "update", "get", "update", "update", "get", "update",
                                                "update", "get", "get"});
    CHECK(released);
    CHECK(w.HasLog(LogMsg::kReleaseErrorRetrieving));
    CHECK(le.observed_record().holderIdentity == "baz");
    CHECK(w.Events() == std::vector<std::string>{"Normal LeaderElection baz became leader",
                                                 "Normal LeaderElection baz stopped leading"});
  }
}

TEST_CASE("TestFastPathLeaderElection", "[core][client-go]") {
  SECTION("Exercise fast path after lock acquired") {
    LeaderElector le(TestConfig(15s, 2s, 1s), VersionProfile{}, 1);
    World w(le);
    LockObj lock;
    int updates = 0;
    bool cancel = false;
    w.reactors = {{Verb::kGet, [&](const ApiRequest&) { return lock.Get(); }},
                  {Verb::kCreate, [&](const ApiRequest& r) { return lock.Store(r); }},
                  {Verb::kUpdate, [&](const ApiRequest& r) {
                     if (++updates == 2) cancel = true;  // cancelFunc(), then succeed
                     return lock.Store(r);
                   }}};
    w.after_response = [&] {
      if (cancel) {
        cancel = false;
        w.Apply(le.Cancel(w.now()));
      }
    };
    w.Apply(le.Start(w.now()));
    w.RunUntilIdle();
    CHECK(w.actions == std::vector<std::string>{"get", "create", "update", "update"});
    CHECK(le.phase() == Phase::kExited);
  }
  SECTION("Fallback to slow path after fast path fails") {
    LeaderElector le(TestConfig(15s, 2s, 1s), VersionProfile{}, 1);
    World w(le);
    LockObj lock;
    int updates = 0;
    bool cancel = false;
    w.reactors = {{Verb::kGet, [&](const ApiRequest&) { return lock.Get(); }},
                  {Verb::kCreate, [&](const ApiRequest& r) { return lock.Store(r); }},
                  {Verb::kUpdate, [&](const ApiRequest& r) -> std::optional<ApiResponse> {
                     ++updates;
                     if (updates == 2) return Err(Status::Conflict(Resource::kLeases, "bar", "fake conflict"));
                     if (updates == 4) cancel = true;
                     return lock.Store(r);
                   }}};
    w.after_response = [&] {
      if (cancel) {
        cancel = false;
        w.Apply(le.Cancel(w.now()));
      }
    };
    w.Apply(le.Start(w.now()));
    w.RunUntilIdle();
    CHECK(w.actions == std::vector<std::string>{"get", "create", "update", "update", "get", "update", "update"});
  }
}

TEST_CASE("TestLeaderElectionConfigValidation", "[core][client-go]") {
  LeaderElectionConfig c = TestConfig(15s, 2s, 1s);
  c.releaseOnCancel = true;
  CHECK_FALSE(ValidateConfig(c, VersionProfile{}).has_value());
  c.lock.identity = "";
  CHECK(ValidateConfig(c, VersionProfile{}) == std::optional<std::string>("Lock identity is empty"));
}

TEST_CASE("NewLeaderElector validation order and error strings", "[core]") {
  auto err = [](LeaderElectionConfig c) { return ValidateConfig(c, VersionProfile{}).value_or("ok"); };
  LeaderElectionConfig base = TestConfig(15s, 10s, 2s);
  CHECK(err(base) == "ok");
  auto c = base;
  c.leaseDuration = 10s;
  CHECK(err(c) == "leaseDuration must be greater than renewDeadline");
  c = base;
  c.retryPeriod = 9s;  // 1.2 × 9s = 10.8s >= 10s
  CHECK(err(c) == "renewDeadline must be greater than retryPeriod*JitterFactor");
  c = base;
  c.leaseDuration = -1s;
  c.renewDeadline = -2s;
  c.retryPeriod = -3s;
  CHECK(err(c) == "leaseDuration must be greater than zero");
  c.leaseDuration = 1s;
  CHECK(err(c) == "renewDeadline must be greater than zero");
  c = base;
  c.retryPeriod = 0s;  // checks 1 and 2 pass, 5 fails
  CHECK(err(c) == "retryPeriod must be greater than zero");
  c = base;
  c.has_on_started_leading = false;
  CHECK(err(c) == "OnStartedLeading callback must not be nil");
  c = base;
  c.has_on_stopped_leading = false;
  CHECK(err(c) == "OnStoppedLeading callback must not be nil");
  c = base;
  c.has_lock = false;
  CHECK(err(c) == "Lock must not be nil.");
  c = base;
  c.has_on_new_leader = false;  // OnNewLeader may be nil
  CHECK(err(c) == "ok");
  c = base;
  c.lock.kind = LockKind::kEndpoints;
  CHECK(err(c) == "endpoints lock is removed, migrate to leases");
  c.lock.kind = LockKind::kConfigMaps;
  CHECK(err(c) == "configmaps lock is removed, migrate to leases");
  c.lock.kind = LockKind::kEndpointsLeases;
  CHECK(err(c) == "endpointsleases lock is removed, migrate to leases");
  c.lock.kind = LockKind::kConfigMapsLeases;
  CHECK(err(c) == "configmapsleases lock is removed, migrated to leases");
  CHECK_FALSE(ValidateConfig(c, VersionProfile::ForMinor(27)).has_value());
}

TEST_CASE("TestLeaderElectionHealthChecker", "[core][client-go]") {
  // healthzadaptor_test.go: adaptor timeout 20s, LD 1m, Name "foo", identity "healthTest".
  LeaderElectionConfig cfg = TestConfig(1min, 10s, 2s);
  cfg.lock.identity = "healthTest";
  const MonoTime current{100000h};
  HealthzAdaptor adaptor(20s);
  CHECK(adaptor.Name() == "leaderElection");
  SECTION("call check before leader elector initialized") { CHECK_FALSE(adaptor.Check({current, {}}).has_value()); }
  LeaderElector le(cfg, VersionProfile{}, 1);
  adaptor.SetLeaderElection(&le);
  SECTION("call check when the lease is far expired") {
    le.SetObservedForTest(Holder("healthTest"), current);
    CHECK(adaptor.Check({current + 1h, {}}) == std::optional<std::string>("failed election to renew leadership on lease foo"));
  }
  SECTION("call check when the lease is far expired but held by another server") {
    le.SetObservedForTest(Holder("otherServer"), current);
    CHECK_FALSE(adaptor.Check({current + 1h, {}}).has_value());
  }
  SECTION("call check when the lease is not expired") {
    le.SetObservedForTest(Holder("healthTest"), current);
    CHECK_FALSE(adaptor.Check({current, {}}).has_value());
  }
  SECTION("call check when the lease is expired but inside the timeout") {
    le.SetObservedForTest(Holder("healthTest"), current);
    CHECK_FALSE(adaptor.Check({current + 1min + 1s, {}}).has_value());
    // Strict `>`: exactly LeaseDuration + timeout is still healthy, one ns more is not.
    CHECK_FALSE(adaptor.Check({current + 1min + 20s, {}}).has_value());
    CHECK(adaptor.Check({current + 1min + 20s + 1ns, {}}).has_value());
  }
}

TEST_CASE("observed_raw_changes counts new observations only", "[core]") {
  LeaderElector le(TestConfig(), VersionProfile{}, 1);
  World w(le);
  LeaderElectionRecord bing = Holder("bing", 15);
  w.reactors = {{Verb::kGet, [&](const ApiRequest&) -> std::optional<ApiResponse> { return Ok(LeaseObject(bing)); }}};
  CHECK(le.observed_raw_changes() == 0);
  w.Apply(le.BeginTryAcquireOrRenewForTest(w.now()));
  w.RunUntilIdle();
  CHECK(le.observed_raw_changes() == 1);  // a new record
  w.Apply(le.BeginTryAcquireOrRenewForTest(w.now()));
  w.RunUntilIdle();
  CHECK(le.observed_raw_changes() == 1);  // the same bytes again: not a new observation
  bing.renewTime = WallTime{std::chrono::seconds(1767225700)};
  w.Apply(le.BeginTryAcquireOrRenewForTest(w.now()));
  w.RunUntilIdle();
  CHECK(le.observed_raw_changes() == 2);
}
