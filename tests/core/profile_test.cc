// profile_test.cc — each older client-go behaviour of the reference's "Behaviour-changing
// history" (§1.15), shown where it differs from 1.37.
#include <catch2/catch.hpp>

#include "core/leader_elector.h"
#include "core/log.h"
#include "tests/core/harness.h"

using namespace leasesim::core;
using namespace leasesim::core::testing;

namespace {

Reactor GetReturns(LeaderElectionRecord r) {
  return {Verb::kGet, [r](const ApiRequest&) -> std::optional<ApiResponse> { return Ok(LeaseObject(r)); }};
}
Reactor EchoOn(Verb v) {
  return {v, [](const ApiRequest& r) -> std::optional<ApiResponse> { return Echo(r); }};
}

// A lease store for whole Run()s.
struct Store {
  ObjectPtr obj;
  std::vector<Reactor> Reactors() {
    return {{Verb::kGet, [this](const ApiRequest&) -> std::optional<ApiResponse> {
               if (!obj) return NotFound();
               return Ok(obj);
             }},
            {Verb::kCreate, [this](const ApiRequest& r) -> std::optional<ApiResponse> {
               obj = r.body;
               return Ok(obj);
             }},
            {Verb::kUpdate, [this](const ApiRequest& r) -> std::optional<ApiResponse> {
               obj = r.body;
               return Ok(obj);
             }}};
  }
};

}  // namespace

TEST_CASE("VersionProfile::Parse", "[core][profile]") {
  CHECK(VersionProfile::Parse("1.37")->minor == 37);
  CHECK(VersionProfile::Parse("v0.30.2")->minor == 30);
  CHECK(VersionProfile::Parse("1.26.3")->minor == 26);
  CHECK(VersionProfile::Parse("v1.20")->minor == 20);
  CHECK_FALSE(VersionProfile::Parse("1.19").has_value());
  CHECK_FALSE(VersionProfile::Parse("1.38").has_value());
  CHECK_FALSE(VersionProfile::Parse("1.3x").has_value());
  CHECK_FALSE(VersionProfile::Parse("latest").has_value());
  CHECK(VersionProfile::Parse("1.29")->Name() == "1.29");
}

TEST_CASE("< 1.27: expiry uses the local LeaseDuration, not the record's (kubernetes#47671)", "[core][profile]") {
  // "acquire from led object with the lease duration seconds" under two profiles: the
  // record says 3s, the local config says 10s.
  for (int minor : {26, 37}) {
    CAPTURE(minor);
    LeaderElector le(TestConfig(10s, 5s, 1s), VersionProfile::ForMinor(minor), 1);
    World w(le);
    w.reactors = {GetReturns(Holder("bing", 3)), EchoOn(Verb::kUpdate)};
    w.Apply(le.BeginTryAcquireOrRenewForTest(w.now()));
    w.RunUntilIdle();
    CHECK(*le.test_result() == false);
    w.Advance(3s);
    w.Apply(le.BeginTryAcquireOrRenewForTest(w.now()));
    w.RunUntilIdle();
    CHECK(*le.test_result() == (minor >= 27));
    if (minor < 27) {
      w.Advance(7s);
      w.Apply(le.BeginTryAcquireOrRenewForTest(w.now()));
      w.RunUntilIdle();
      CHECK(*le.test_result() == true);
    }
  }
}

TEST_CASE("< 1.30: no fast path, every renew is a GET then a PUT", "[core][profile]") {
  for (int minor : {29, 30}) {
    CAPTURE(minor);
    LeaderElector le(TestConfig(15s, 10s, 2s), VersionProfile::ForMinor(minor), 1);
    World w(le);
    Store store;
    w.reactors = store.Reactors();
    w.Apply(le.Start(w.now()));
    w.RunUntil(w.mono() + 3s);  // acquire + two renews (at 0 and 2s)
    if (minor == 29) {
      CHECK(w.actions == std::vector<std::string>{"get", "create", "get", "update", "get", "update"});
      CHECK(w.All<Metric>().size() == 1);  // master_status only; no slowpath metric
    } else {
      CHECK(w.actions == std::vector<std::string>{"get", "create", "update", "update"});
    }
  }
}

TEST_CASE("1.30–1.35 log a fast-path failure as an error and 1.36+ at V(2)", "[core][profile]") {
  for (int minor : {35, 36}) {
    CAPTURE(minor);
    LeaderElector le(TestConfig(), VersionProfile::ForMinor(minor), 1);
    World w(le);
    w.reactors = {GetReturns(Holder("baz")), EchoOn(Verb::kUpdate)};
    le.SetObservedForTest(Holder("baz"), w.mono() + 1000h);
    w.Apply(le.BeginTryAcquireOrRenewForTest(w.now()));
    w.RunUntilIdle();
    const Log l = w.All<Log>().at(0);
    REQUIRE(l.msg == LogMsg::kFastPathFailed);
    CHECK(l.error == (minor == 35));
    CHECK(l.verbosity == (minor == 35 ? 0 : 2));
  }
}

TEST_CASE("release by profile: timeout (1.31), Get first (1.34), conflict retry (1.37)", "[core][profile]") {
  auto run = [](int minor, bool conflict_first) {
    LeaderElector le(TestConfig(), VersionProfile::ForMinor(minor), 1);
    World w(le);
    int updates = 0;
    w.reactors = {GetReturns(Holder("baz", 10)),
                  {Verb::kUpdate, [&updates, conflict_first](const ApiRequest& r) -> std::optional<ApiResponse> {
                     if (++updates == 1 && conflict_first) return Err(Status::Conflict(Resource::kLeases, "bar"));
                     return Echo(r);
                   }}};
    // A cached object is needed for the pre-1.34 update-without-Get path.
    w.Apply(le.BeginTryAcquireOrRenewForTest(w.now()));
    w.RunUntilIdle();
    w.actions.clear();
    updates = 0;
    const size_t before = w.effects.size();
    w.Apply(le.BeginReleaseForTest(w.now()));
    w.RunUntilIdle();
    bool armed_deadline = false;
    for (size_t i = before; i < w.effects.size(); ++i)
      if (const auto* a = std::get_if<ArmTimer>(&w.effects[i])) armed_deadline |= a->kind == TimerKind::kReleaseDeadline;
    return std::make_tuple(w.actions, *le.test_result(), armed_deadline);
  };
  SECTION("1.30: no timeout, no Get") {
    auto [actions, ok, timeout] = run(30, false);
    CHECK(actions == std::vector<std::string>{"update"});
    CHECK(ok);
    CHECK_FALSE(timeout);
  }
  SECTION("1.33: timeout, no Get; a conflict fails the release (kubernetes#131867)") {
    auto [actions, ok, timeout] = run(33, true);
    CHECK(actions == std::vector<std::string>{"update"});
    CHECK_FALSE(ok);
    CHECK(timeout);
  }
  SECTION("1.36: Get first, no retry on conflict") {
    auto [actions, ok, timeout] = run(36, true);
    CHECK(actions == std::vector<std::string>{"get", "update"});
    CHECK_FALSE(ok);
  }
  SECTION("1.37: Get first, retry on conflict") {
    auto [actions, ok, timeout] = run(37, true);
    CHECK(actions == std::vector<std::string>{"get", "update", "get", "update"});
    CHECK(ok);
  }
}

TEST_CASE("< 1.27: 'stopped leading' is recorded only when renewal fails", "[core][profile]") {
  for (int minor : {26, 27}) {
    CAPTURE(minor);
    LeaderElector le(TestConfig(15s, 10s, 2s), VersionProfile::ForMinor(minor), 1);
    World w(le);
    Store store;
    w.reactors = store.Reactors();
    w.Apply(le.Start(w.now()));
    w.RunUntil(w.mono() + 5s);
    w.Apply(le.Cancel(w.now()));  // graceful stop between polls
    if (minor == 26) {
      CHECK(w.Events() == std::vector<std::string>{"Normal LeaderElection baz became leader"});
    } else {
      CHECK(w.Events() == std::vector<std::string>{"Normal LeaderElection baz became leader",
                                                   "Normal LeaderElection baz stopped leading"});
    }
  }
}

TEST_CASE("< 1.28 accepts an empty identity and < 1.31 writes the 5-key record", "[core][profile]") {
  LeaderElectionConfig c = TestConfig();
  c.lock.identity = "";
  CHECK_FALSE(ValidateConfig(c, VersionProfile::ForMinor(27)).has_value());
  CHECK(ValidateConfig(c, VersionProfile::ForMinor(28)).has_value());
  LeaderElector le(TestConfig(), VersionProfile::ForMinor(30), 1);
  le.SetObservedForTest(Holder("x"), MonoTime{});
  CHECK(le.observed_raw_record().find("strategy") == std::string::npos);
}

TEST_CASE("< 1.24: a configmaps lock elects through the leader annotation", "[core][profile]") {
  LeaderElectionConfig c = TestConfig();
  c.lock.kind = LockKind::kConfigMaps;
  REQUIRE_FALSE(ValidateConfig(c, VersionProfile::ForMinor(23)).has_value());
  LeaderElector le(c, VersionProfile::ForMinor(23), 1);
  World w(le);
  ObjectPtr stored;
  w.reactors = {{Verb::kGet, [&](const ApiRequest& r) -> std::optional<ApiResponse> {
                   CHECK(r.resource == Resource::kConfigMaps);
                   if (!stored) return Err(Status::NotFound(Resource::kConfigMaps, "bar"));
                   return Ok(stored);
                 }},
                {Verb::kCreate, [&](const ApiRequest& r) -> std::optional<ApiResponse> {
                   stored = r.body;
                   return Ok(stored);
                 }}};
  w.Apply(le.BeginTryAcquireOrRenewForTest(w.now()));
  w.RunUntilIdle();
  CHECK(*le.test_result());
  REQUIRE(stored);
  const auto& cm = std::get<ConfigMap>(*stored);
  CHECK(cm.metadata.annotations.count("control-plane.alpha.kubernetes.io/leader") == 1);
}

TEST_CASE("< 1.28: an endpointsleases MultiLock elector creates both objects", "[core][profile]") {
  LeaderElectionConfig c = TestConfig();
  c.lock.kind = LockKind::kEndpointsLeases;
  LeaderElector le(c, VersionProfile::ForMinor(27), 1);
  World w(le);
  std::vector<std::string> calls;
  w.reactors = {{Verb::kGet, [&](const ApiRequest& r) -> std::optional<ApiResponse> {
                   calls.push_back("get " + std::string(ResourceName(r.resource)));
                   return Err(Status::NotFound(r.resource, "bar"));
                 }},
                {Verb::kCreate, [&](const ApiRequest& r) -> std::optional<ApiResponse> {
                   calls.push_back("create " + std::string(ResourceName(r.resource)));
                   return Ok(r.body);
                 }},
                // duplicate reactor only counts the second create (client-go semantics)
                {Verb::kCreate, nullptr}};
  w.Apply(le.BeginTryAcquireOrRenewForTest(w.now()));
  w.RunUntilIdle();
  CHECK(*le.test_result());
  CHECK(calls == std::vector<std::string>{"get endpoints", "create endpoints", "create leases"});
}

TEST_CASE("RenderLog: structured (>= 1.35) and printf (<= 1.34) texts", "[core][profile]") {
  Log l{LogMsg::kFailedToRenew, 0, false, "context deadline exceeded", ""};
  CHECK(RenderLog(VersionProfile::ForMinor(37), l, "kube-system/kcm") ==
        R"("Failed to renew lease" lock="kube-system/kcm" err="context deadline exceeded")");
  l.err = "timed out waiting for the condition";
  CHECK(RenderLog(VersionProfile::ForMinor(29), l, "kube-system/kcm") ==
        "failed to renew lease kube-system/kcm: timed out waiting for the condition");
  Log held{LogMsg::kHeldNotExpired, 4, false, "", "node-a"};
  CHECK(RenderLog(VersionProfile::ForMinor(34), held, "ns/x") == "lock is held by node-a and has not yet expired");
  CHECK(LogLevelName(held) == "v4");
}
