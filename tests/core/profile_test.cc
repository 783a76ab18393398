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
      // master_status only (0 from NewLeaderElector, 1 on acquire); no slowpath metric.
      const auto metrics = w.All<Metric>();
      REQUIRE(metrics.size() == 2);
      for (const auto& m : metrics) CHECK(m.name == MetricName::kMasterStatus);
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

TEST_CASE("issue15 item 6: before 1.26 release() after a failed renewal Get fails locally with 'resource name may not be empty'",
          "[core][profile]") {
  // client-go v0.25.0: the failed Get stored the typed client's empty Lease in ll.lease;
  // release() (no Get before 1.34) updates that object, and rest.Request.Name("") fails
  // before any request is made. Fixed by client-go commit d04c2ced1 (v0.26.0).
  for (int minor : {25, 26}) {
    CAPTURE(minor);
    LeaderElectionConfig cfg = TestConfig(15s, 10s, 2s);
    cfg.releaseOnCancel = true;
    LeaderElector le(cfg, VersionProfile::ForMinor(minor), 1);
    World w(le);
    Store store;
    bool fail_gets = false;
    w.reactors = store.Reactors();
    ReactorFn get = w.reactors[0].fn;
    w.reactors[0].fn = [&fail_gets, get](const ApiRequest& r) -> std::optional<ApiResponse> {
      if (fail_gets) return Err(Status::InternalError());
      return get(r);
    };
    w.Apply(le.Start(w.now()));
    const MonoTime t0 = w.mono();
    w.RunUntil(t0 + 1s);  // acquire (get 404, create) and the first renewal (get, update)
    REQUIRE(w.actions == std::vector<std::string>{"get", "create", "get", "update"});
    fail_gets = true;
    w.RunUntil(t0 + 3s);  // the renewal at 2 s: its Get fails with 500
    REQUIRE(w.actions.size() == 5);
    w.Apply(le.Cancel(w.now()));  // graceful stop: renew ends, release() runs
    w.RunUntilIdle();
    std::vector<std::string> release_errors;
    for (const auto& l : w.All<Log>())
      if (l.msg == LogMsg::kFailedToRelease) release_errors.push_back(RenderLog(le.profile(), l, le.Describe()));
    if (minor == 25) {
      CHECK(w.actions.size() == 5);  // no update request
      CHECK(release_errors == std::vector<std::string>{"Failed to release lock: resource name may not be empty"});
    } else {
      CHECK(w.actions.back() == "update");
      CHECK(release_errors.empty());
      REQUIRE(store.obj);
      CHECK(std::get<Lease>(*store.obj).spec.holderIdentity == std::optional<std::string>(""));
    }
  }
}

TEST_CASE("issue15 item 6: a failed Create leaves the empty object, so the next fast path fails locally", "[core][profile]") {
  // 1.37: the leader finds its Lease deleted (Get 404) and its Create fails (500); the
  // cache is then the empty Lease the typed client returned, so the next renewal's
  // optimistic Update fails with "resource name may not be empty" without a request and
  // falls back to the slow path.
  LeaderElector le(TestConfig(15s, 10s, 2s), VersionProfile{}, 1);
  World w(le);
  Store store;
  w.reactors = store.Reactors();
  bool fail_creates = false;
  ReactorFn create = w.reactors[1].fn;
  w.reactors[1].fn = [&fail_creates, create](const ApiRequest& r) -> std::optional<ApiResponse> {
    if (fail_creates) return Err(Status::InternalError());
    return create(r);
  };
  w.Apply(le.Start(w.now()));
  const MonoTime t0 = w.mono();
  w.RunUntil(t0 + 1s);  // get 404, create; renewal: fast update
  REQUIRE(w.actions == std::vector<std::string>{"get", "create", "update"});
  // Someone deletes the Lease; the next fast update gets 404, the slow path's Get 404 and
  // its Create 500.
  store.obj = nullptr;
  ReactorFn update = w.reactors[2].fn;
  w.reactors[2].fn = [&store, update](const ApiRequest& r) -> std::optional<ApiResponse> {
    if (!store.obj) return NotFound();
    return update(r);
  };
  fail_creates = true;
  w.RunUntil(t0 + 3s);
  REQUIRE(w.actions == std::vector<std::string>{"get", "create", "update", "update", "get", "create"});
  w.RunUntil(t0 + 5s);  // the next tick (4 s): the fast path fails locally, then get, create
  CHECK(w.actions == std::vector<std::string>{"get", "create", "update", "update", "get", "create", "get", "create"});
  std::vector<std::string> fast_path_errors;
  for (const auto& l : w.All<Log>())
    if (l.msg == LogMsg::kFastPathFailed) fast_path_errors.emplace_back(l.err);
  REQUIRE(fast_path_errors.size() == 2);
  CHECK(fast_path_errors[1] == "resource name may not be empty");
}

TEST_CASE("issue15 item 7: in 1.20 the leader-election client timeout is RenewDeadline", "[core][profile]") {
  // kube-controller-manager / kube-scheduler 1.20 set rest.Config.Timeout = RenewDeadline;
  // 1.21 (kubernetes PRs #97958, #98059) switched to NewFromKubeconfig's max(1s, RD/2).
  CHECK(VersionProfile::ForMinor(20).ClientTimeout(10s) == 10s);
  CHECK(VersionProfile::ForMinor(20).ClientTimeout(1500ms) == 1500ms);
  CHECK(VersionProfile::ForMinor(21).ClientTimeout(10s) == 5s);
  CHECK(VersionProfile::ForMinor(37).ClientTimeout(10s) == 5s);
  CHECK(VersionProfile::ForMinor(37).ClientTimeout(1500ms) == 1s);
}

TEST_CASE("issue15 item 8: 'lease lock not found' names the lock, and from 1.35 release's line has no err", "[core][profile]") {
  auto release_not_found = [](int minor) {
    LeaderElector le(TestConfig(), VersionProfile::ForMinor(minor), 1);
    World w(le);
    w.reactors = {{Verb::kGet, [](const ApiRequest&) -> std::optional<ApiResponse> { return NotFound(); }}};
    w.Apply(le.BeginReleaseForTest(w.now()));
    w.RunUntilIdle();
    for (const auto& l : w.All<Log>())
      if (l.msg == LogMsg::kReleaseNotFound) return RenderLog(le.profile(), l, le.Describe());
    return std::string("(none)");
  };
  CHECK(release_not_found(34) == "lease lock not found: foo/bar");
  CHECK(release_not_found(35) == R"("lease lock not found" lock="foo/bar")");
  CHECK(release_not_found(37) == R"("lease lock not found" lock="foo/bar")");

  auto coordinated_not_found = [](int minor) {
    LeaderElectionConfig c = TestConfig();
    c.coordinated = true;
    LeaderElector le(c, VersionProfile::ForMinor(minor), 1);
    World w(le);
    w.reactors = {{Verb::kGet, [](const ApiRequest&) -> std::optional<ApiResponse> { return NotFound(); }}};
    w.Apply(le.BeginTryAcquireOrRenewForTest(w.now()));
    w.RunUntilIdle();
    for (const auto& l : w.All<Log>())
      if (l.msg == LogMsg::kCoordinatedNotFound) return RenderLog(le.profile(), l, le.Describe());
    return std::string("(none)");
  };
  CHECK(coordinated_not_found(31) == "lease lock not found: foo/bar");
  CHECK(coordinated_not_found(34) == "lease lock not found: foo/bar");
  CHECK(coordinated_not_found(35) == R"("Lease lock not found" lock="foo/bar" err="leases.coordination.k8s.io \"bar\" not found")");
}

TEST_CASE("issue15 item 8: 1.30-1.31 print client-go's 'optimitically' typo", "[core][profile]") {
  const Log l{LogMsg::kFastPathFailed, 0, true, "the object has been modified", ""};
  CHECK(RenderLog(VersionProfile::ForMinor(30), l, "foo/bar") ==
        "Failed to update lock optimitically: the object has been modified, falling back to slow path");
  CHECK(RenderLog(VersionProfile::ForMinor(31), l, "foo/bar") ==
        "Failed to update lock optimitically: the object has been modified, falling back to slow path");
  CHECK(RenderLog(VersionProfile::ForMinor(32), l, "foo/bar") ==
        "Failed to update lock optimistically: the object has been modified, falling back to slow path");
  CHECK(RenderLog(VersionProfile::ForMinor(34), l, "foo/bar") ==
        "Failed to update lock optimistically: the object has been modified, falling back to slow path");
}

TEST_CASE("issue15 item 8: structured Error lines print err before the lock (klog printS)", "[core][profile]") {
  const Log get_err{LogMsg::kErrorRetrieving, 0, true, "etcdserver: request timed out", ""};
  CHECK(RenderLog(VersionProfile::ForMinor(35), get_err, "foo/bar") ==
        R"("Error retrieving lease lock" err="etcdserver: request timed out" lock="foo/bar")");
  // 1.35's fast-path line is an Error (err first); 1.36+ an Info at V(2) (lock, err).
  const Log fast35{LogMsg::kFastPathFailed, 0, true, "conflict", ""};
  CHECK(RenderLog(VersionProfile::ForMinor(35), fast35, "foo/bar") ==
        R"("Failed to update lease optimistically, falling back to slow path" err="conflict" lock="foo/bar")");
  const Log fast36{LogMsg::kFastPathFailed, 2, false, "conflict", ""};
  CHECK(RenderLog(VersionProfile::ForMinor(36), fast36, "foo/bar") ==
        R"("Failed to update lease optimistically, falling back to slow path" lock="foo/bar" err="conflict")");
}

TEST_CASE("issue15 item 8: removed-lock errors by version", "[core][profile]") {
  auto err = [](LockKind k, int minor) {
    LeaderElectionConfig c = TestConfig();
    c.lock.kind = k;
    return ValidateConfig(c, VersionProfile::ForMinor(minor)).value_or("(valid)");
  };
  CHECK(err(LockKind::kEndpoints, 23) == "(valid)");
  for (int minor : {24, 27}) {
    CAPTURE(minor);
    CHECK(err(LockKind::kEndpoints, minor) == "endpoints lock is removed, migrate to endpointsleases");
    CHECK(err(LockKind::kConfigMaps, minor) == "configmaps lock is removed, migrate to configmapsleases");
  }
  for (int minor : {28, 31}) {
    CAPTURE(minor);
    CHECK(err(LockKind::kEndpoints, minor) == "endpoints lock is removed, migrate to endpointsleases (using version v0.27.x)");
    CHECK(err(LockKind::kConfigMaps, minor) == "configmaps lock is removed, migrate to configmapsleases (using version v0.27.x)");
    CHECK(err(LockKind::kEndpointsLeases, minor) == "endpointsleases lock is removed, migrate to leases");
    CHECK(err(LockKind::kConfigMapsLeases, minor) == "configmapsleases lock is removed, migrated to leases");
  }
  for (int minor : {32, 37}) {
    CAPTURE(minor);
    CHECK(err(LockKind::kEndpoints, minor) == "endpoints lock is removed, migrate to leases");
    CHECK(err(LockKind::kConfigMaps, minor) == "configmaps lock is removed, migrate to leases");
  }
}

TEST_CASE("issue15 item 8: leader_election_master_status is 0 from NewLeaderElector on", "[core][profile]") {
  LeaderElector le(TestConfig(), VersionProfile{}, 1);
  CHECK(le.master_status() == 0);
  World w(le);
  w.reactors = {GetReturns(Holder("other", 15))};  // held by another: never leads
  w.Apply(le.Start(w.now()));
  REQUIRE(!w.effects.empty());
  const auto* first = std::get_if<Metric>(&w.effects.front());
  REQUIRE(first != nullptr);
  CHECK(first->name == MetricName::kMasterStatus);
  CHECK(first->value == 0);
  w.RunUntil(w.mono() + 10s);
  CHECK(w.All<Metric>().size() == 1);  // a follower's gauge stays 0
  CHECK(le.master_status() == 0);
}

TEST_CASE("issue15 item 8: LeaseLock.Labels exist only from 1.34", "[core][profile]") {
  LeaderElectionConfig c = TestConfig();
  c.lock.labels = {{"app", "kcm"}};
  CHECK(ValidateConfig(c, VersionProfile::ForMinor(33)) ==
        std::optional<std::string>("lock labels (LeaseLock.Labels, resourcelock.NewWithLabels) need client-go 1.34 or newer (profile 1.33)"));
  CHECK_FALSE(ValidateConfig(c, VersionProfile::ForMinor(34)).has_value());
  c.lock.labels.clear();
  CHECK_FALSE(ValidateConfig(c, VersionProfile::ForMinor(33)).has_value());
}
