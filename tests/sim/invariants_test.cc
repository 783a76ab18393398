// Invariant checkers (sim/invariants.h) on hand-made histories: for each invariant, a
// history a correct client-go produces (no breach) and one that breaks it (reported with
// its time, node and the events involved). End-to-end: a scenario run with a test-only
// perturbation of the world is reported; the bundled scenarios breach nothing; a run
// whose time stops advancing throws TimeStuckError instead of spinning.
#include "sim/invariants.h"

#include <filesystem>
#include <map>
#include <string>

#include <catch2/catch.hpp>

#include "sim/runner.h"
#include "sim/scenario.h"
#include "sim/scheduler.h"

using namespace leasesim;
using namespace leasesim::sim;
using namespace std::chrono_literals;
using Kind = ElectorEvent::Kind;

namespace {

TrueTime T(Duration d) { return kTrueEpoch + d; }

core::LeaderElectionRecord Rec(std::string holder, int transitions, int acquire_s) {
  core::LeaderElectionRecord r;
  r.holderIdentity = std::move(holder);
  r.leaseDurationSeconds = 15;
  r.leaderTransitions = transitions;
  r.acquireTime = core::WallTime{std::chrono::seconds(1'700'000'000 + acquire_s)};
  r.renewTime = r.acquireTime;
  return r;
}

// History builds a lock's write history: create, then updates each carrying the stored rv.
struct History {
  std::vector<LockWrite> writes;
  int rv = 0;
  void Create(Duration at, core::LeaderElectionRecord r) {
    LockWrite w;
    w.at = T(at);
    w.object = "leases/kube-system/lock";
    w.verb = core::Verb::kCreate;
    w.node = r.holderIdentity;
    w.record = std::move(r);
    writes.push_back(std::move(w));
    ++rv;
  }
  LockWrite& Update(Duration at, std::string node, core::LeaderElectionRecord r) {
    LockWrite w;
    w.at = T(at);
    w.object = "leases/kube-system/lock";
    w.verb = core::Verb::kUpdate;
    w.node = std::move(node);
    w.sent_resource_version = std::to_string(rv);
    w.previous_resource_version = std::to_string(rv);
    w.previous = writes.back().record;
    w.record = std::move(r);
    writes.push_back(std::move(w));
    ++rv;
    return writes.back();
  }
};

// A correct history: a acquires, renews, releases (empty holder, same transitions, new
// acquireTime), b takes over (+1), a takes over from b (+1), a re-acquires after its own
// release (+1: "" -> a is a takeover).
History CorrectHistory() {
  History h;
  h.Create(1s, Rec("a", 0, 1));
  h.Update(3s, "a", Rec("a", 0, 1));
  h.Update(5s, "a", Rec("", 0, 5));   // release(): holder "", AcquireTime: now
  h.Update(7s, "b", Rec("b", 1, 7));  // takeover from "" counts
  h.Update(9s, "b", Rec("b", 1, 7));
  h.Update(30s, "a", Rec("a", 2, 30));  // takeover of an expired lease
  h.Update(40s, "a", Rec("", 2, 40));
  h.Update(42s, "a", Rec("a", 3, 42));  // the same node re-acquires after its release
  return h;
}

ElectorHistory Life(std::vector<ElectorEvent> events, bool exits = true, Duration stop_lag = 0s) {
  ElectorHistory h;
  h.node = "a";
  h.workload_exits = exits;
  h.stop_lag = stop_lag;
  h.events.assign(events.begin(), events.end());
  return h;
}

ElectorEvent E(Duration at, Kind k, uint32_t run = 1, int64_t id = 0) { return {T(at), run, k, id}; }

// A correct life: run 1 leads, releases (ReleaseOnCancel) and returns; run 3 never leads
// and is killed.
std::vector<ElectorEvent> CorrectLife() {
  return {E(0s, Kind::kRunStarted),     E(1s, Kind::kLockWrite, 1, 1),  E(1s, Kind::kStartedLeading),
          E(1s, Kind::kBelieved),       E(1s, Kind::kActing),           E(3s, Kind::kLockWrite, 1, 2),
          E(9s, Kind::kLockWrite, 1, 3), E(9s, Kind::kReleaseReturned), E(9s, Kind::kStoppedLeading),
          E(9s, Kind::kActingStopped),  E(9s, Kind::kRunReturned),     E(20s, Kind::kRunStarted, 3),
          E(21s, Kind::kLockWrite, 3, 1), E(25s, Kind::kKilled, 3)};
}

std::vector<std::string> Names(const std::vector<InvariantBreach>& b) {
  std::vector<std::string> v;
  for (const auto& x : b) v.push_back(x.invariant);
  return v;
}

}  // namespace

// --- lease history ----------------------------------------------------------------------

TEST_CASE("invariants: lease history of a correct elector has no breach", "[sim][invariants]") {
  CHECK(CheckLeaseHistory(CorrectHistory().writes, kTrueEpoch).empty());
}

TEST_CASE("invariants: lease_transitions — a takeover that does not count", "[sim][invariants]") {
  History h = CorrectHistory();
  h.Update(50s, "b", Rec("b", 3, 50));  // holder a -> b, transitions kept
  auto b = CheckLeaseHistory(h.writes, kTrueEpoch);
  REQUIRE(b.size() == 1);
  CHECK(b[0].invariant == "lease_transitions");
  CHECK(b[0].at == T(50s));
  CHECK(b[0].node == "b");
  CHECK_THAT(b[0].message, Catch::Contains("holder changed a -> b but leaderTransitions went 3 -> 3 (expected 4)"));
  REQUIRE(b[0].events.size() == 1);
  CHECK_THAT(b[0].events[0], Catch::Contains("update of leases/kube-system/lock by b applied at 50.000s"));
}

TEST_CASE("invariants: lease_transitions — a count without a takeover (renewal, release)", "[sim][invariants]") {
  History h = CorrectHistory();
  h.Update(50s, "a", Rec("a", 4, 42));  // renewal bumps transitions
  h.Update(52s, "a", Rec("", 5, 52));   // release bumps transitions
  auto b = CheckLeaseHistory(h.writes, kTrueEpoch);
  CHECK(Names(b) == std::vector<std::string>{"lease_transitions", "lease_transitions"});
  CHECK_THAT(b[0].message, Catch::Contains("leaderTransitions changed 3 -> 4 without a takeover"));
  CHECK(b[1].at == T(52s));
}

TEST_CASE("invariants: lease_acquire_time — a renewal that moves acquireTime", "[sim][invariants]") {
  History h = CorrectHistory();
  h.Update(50s, "a", Rec("a", 3, 50));
  auto b = CheckLeaseHistory(h.writes, kTrueEpoch);
  REQUIRE(b.size() == 1);
  CHECK(b[0].invariant == "lease_acquire_time");
  CHECK(b[0].at == T(50s));
}

TEST_CASE("invariants: lease_resource_version — an update applied over a newer version", "[sim][invariants]") {
  History h = CorrectHistory();
  LockWrite& w = h.Update(50s, "b", Rec("a", 3, 42));
  w.sent_resource_version = "5";  // stale: the stored one is "8"
  auto b = CheckLeaseHistory(h.writes, kTrueEpoch);
  REQUIRE(b.size() == 1);
  CHECK(b[0].invariant == "lease_resource_version");
  CHECK_THAT(b[0].message, Catch::Contains("resourceVersion \"5\" but the stored object had \"8\""));
}

TEST_CASE("invariants: MultiLock writes skip the record rules but not the resourceVersion", "[sim][invariants]") {
  History h = CorrectHistory();
  LockWrite& w = h.Update(50s, "a", Rec("a", 4, 42));  // MultiLock.Get blanked the holder: +1
  w.multi_lock = true;
  CHECK(CheckLeaseHistory(h.writes, kTrueEpoch).empty());
  h.writes.back().sent_resource_version = "1";
  CHECK(Names(CheckLeaseHistory(h.writes, kTrueEpoch)) == std::vector<std::string>{"lease_resource_version"});
}

TEST_CASE("invariants: the coordinated election controller's writes skip the record rules but not the resourceVersion",
          "[sim][invariants]") {
  // kube-apiserver's election controller (KEP-4355) sets holderIdentity without counting a
  // transition; tryAcquireOrRenew's rules bind only client-go electors.
  History h = CorrectHistory();
  LockWrite& w = h.Update(50s, "", Rec("b", 3, 42));
  w.by_elector = false;
  CHECK(CheckLeaseHistory(h.writes, kTrueEpoch).empty());
  h.writes.back().by_elector = true;  // the same write by an elector is a breach
  CHECK(Names(CheckLeaseHistory(h.writes, kTrueEpoch)) == std::vector<std::string>{"lease_transitions"});
}

TEST_CASE("invariants: LeaseUpdateKeepsRecordRules is true exactly when Observe reports no record breach",
          "[sim][invariants]") {
  // The world checks an elector's Lease update with LeaseUpdateKeepsRecordRules and only
  // builds the LockWrite for Observe when it is false: the two must agree on every pair of
  // specs, absent fields included (an absent field decodes as its zero value).
  core::Prng rng(20261129);
  const std::vector<std::optional<std::string>> holders = {std::nullopt, std::string(), std::string("a"),
                                                           std::string("b")};
  auto spec = [&] {
    core::LeaseSpec s;
    s.holderIdentity = holders[rng.Uniform(holders.size())];
    if (rng.Uniform(4) != 0) s.leaseTransitions = static_cast<int32_t>(rng.Uniform(3));
    if (rng.Uniform(4) != 0) {
      s.acquireTime = rng.Uniform(3) == 0 ? core::WallTime::Zero()
                                          : core::WallTime{std::chrono::seconds(1'700'000'000 + rng.Uniform(2))};
    }
    if (rng.Uniform(2) != 0) s.renewTime = core::WallTime{std::chrono::seconds(1'700'000'000 + rng.Uniform(5))};
    if (rng.Uniform(2) != 0) s.leaseDurationSeconds = 15;
    return s;
  };
  int kept = 0;
  int broken = 0;
  for (int i = 0; i < 20000; ++i) {
    const core::LeaseSpec old = spec();
    const core::LeaseSpec now = spec();
    LockWrite w;
    w.at = T(1s);
    w.object = "leases/kube-system/lock";
    w.verb = core::Verb::kUpdate;
    w.node = "a";
    w.sent_resource_version = "7";
    w.previous_resource_version = "7";
    w.previous = core::LeaseSpecToLeaderElectionRecord(old);
    w.record = core::LeaseSpecToLeaderElectionRecord(now);
    LeaseHistoryChecker c;
    c.Observe(w);
    const bool clean = c.Take().empty();
    INFO("case " << i);
    REQUIRE(LeaseUpdateKeepsRecordRules(old, now) == clean);
    (clean ? kept : broken)++;
  }
  // Both outcomes are well represented (the draws reach every rule).
  CHECK(kept > 2000);
  CHECK(broken > 2000);
}

// --- elector life -----------------------------------------------------------------------

TEST_CASE("invariants: elector life of a correct elector has no breach", "[sim][invariants]") {
  CHECK(CheckElectorLife(Life(CorrectLife()), kTrueEpoch, T(60s)).empty());
  // A workload with a stop lag stops acting exactly at the lag; one that keeps acting is
  // the scenario's choice (kubernetes#23731), not a breach.
  auto lagged = CorrectLife();
  lagged[9] = E(14s, Kind::kActingStopped);
  std::stable_sort(lagged.begin(), lagged.end(), [](auto& x, auto& y) { return x.at < y.at; });
  CHECK(CheckElectorLife(Life(lagged, true, 5s), kTrueEpoch, T(60s)).empty());
  auto keeps = CorrectLife();
  keeps.erase(keeps.begin() + 9);
  CHECK(CheckElectorLife(Life(keeps, false), kTrueEpoch, T(60s)).empty());
}

TEST_CASE("invariants: started_leading_once", "[sim][invariants]") {
  auto ev = CorrectLife();
  ev.insert(ev.begin() + 6, E(3s, Kind::kStartedLeading));
  auto b = CheckElectorLife(Life(ev), kTrueEpoch, T(60s));
  REQUIRE(Names(b) == std::vector<std::string>{"started_leading_once"});
  CHECK(b[0].at == T(3s));
  CHECK(b[0].node == "a");
  CHECK(b[0].events == std::vector<std::string>{"OnStartedLeading at 1.000s (run 1)", "OnStartedLeading at 3.000s (run 1)"});
}

TEST_CASE("invariants: stopped_leading_once — missing, twice, early", "[sim][invariants]") {
  SECTION("Run returned without OnStoppedLeading") {
    auto ev = CorrectLife();
    ev.erase(ev.begin() + 8);
    CHECK(Names(CheckElectorLife(Life(ev), kTrueEpoch, T(60s))) == std::vector<std::string>{"stopped_leading_once"});
  }
  SECTION("twice") {
    auto ev = CorrectLife();
    ev.insert(ev.begin() + 9, E(9s, Kind::kStoppedLeading));
    CHECK(Names(CheckElectorLife(Life(ev), kTrueEpoch, T(60s))) == std::vector<std::string>{"stopped_leading_once"});
  }
  SECTION("while Run still runs") {
    std::vector<ElectorEvent> ev{E(0s, Kind::kRunStarted), E(5s, Kind::kStoppedLeading)};
    auto b = CheckElectorLife(Life(ev), kTrueEpoch, T(60s));
    CHECK(Names(b) == std::vector<std::string>{"stopped_leading_once"});
    CHECK_THAT(b[0].message, Catch::Contains("while Run was still running"));
  }
  SECTION("after the process was killed") {
    std::vector<ElectorEvent> ev{E(0s, Kind::kRunStarted), E(5s, Kind::kKilled), E(6s, Kind::kStoppedLeading)};
    CHECK(Names(CheckElectorLife(Life(ev), kTrueEpoch, T(60s))) == std::vector<std::string>{"stopped_leading_once"});
  }
}

// The world keeps a run's lock writes only from its first OnStoppedLeading or release()
// on (World::Life). That is sound only if an earlier write never changes what
// CheckElectorLife finds: each row's findings with and without such writes are the same.
TEST_CASE("invariants: lock writes before OnStoppedLeading and release() change no finding", "[sim][invariants]") {
  auto without_early_writes = [](const std::vector<ElectorEvent>& ev) {
    std::vector<ElectorEvent> out;
    std::map<uint32_t, bool> checked;  // by run
    for (const ElectorEvent& e : ev) {
      if (e.kind == Kind::kLockWrite && !checked[e.run]) continue;
      if (e.kind == Kind::kStoppedLeading || e.kind == Kind::kReleaseReturned) checked[e.run] = true;
      out.push_back(e);
    }
    return out;
  };
  auto findings = [](const std::vector<ElectorEvent>& ev) {
    std::vector<std::string> v;
    for (const auto& b : CheckElectorLife(Life(ev), kTrueEpoch, T(60s))) {
      v.push_back(b.invariant + " " + b.message + " " + std::to_string(b.at.since_origin.count()));
      for (const auto& d : b.events) v.back() += " | " + d;
    }
    return v;
  };
  std::vector<std::vector<ElectorEvent>> rows;
  rows.push_back(CorrectLife());
  auto after_stop = CorrectLife();
  after_stop.insert(after_stop.begin() + 10, E(9s, Kind::kLockWrite, 1, 9));
  rows.push_back(after_stop);
  auto after_release_only = CorrectLife();  // release() returned, OnStoppedLeading not yet
  after_release_only.insert(after_release_only.begin() + 8, E(9s, Kind::kLockWrite, 1, 8));
  rows.push_back(after_release_only);
  rows.push_back({E(0s, Kind::kRunStarted), E(1s, Kind::kLockWrite, 1, 1), E(1s, Kind::kStartedLeading),
                  E(2s, Kind::kLockWrite, 1, 2), E(3s, Kind::kStoppedLeading), E(4s, Kind::kLockWrite, 1, 3),
                  E(4s, Kind::kRunReturned), E(5s, Kind::kRunStarted, 2), E(6s, Kind::kLockWrite, 2, 1)});
  for (const auto& ev : rows) {
    const auto all = findings(ev);
    CHECK(findings(without_early_writes(ev)) == all);
  }
  // The rows do breach: the comparison is not between empty lists only.
  CHECK(findings(after_stop).size() == 2);
  CHECK(findings(after_release_only).size() == 1);
  CHECK(findings(rows[3]).size() == 1);
}

TEST_CASE("invariants: leader_after_stopped — belief, write or acting after OnStoppedLeading", "[sim][invariants]") {
  SECTION("a lock write") {
    auto ev = CorrectLife();
    ev.insert(ev.begin() + 10, E(9s, Kind::kLockWrite, 1, 9));
    auto b = CheckElectorLife(Life(ev), kTrueEpoch, T(60s));
    // (also after release() returned)
    CHECK(Names(b) == std::vector<std::string>{"leader_after_stopped", "write_after_release"});
  }
  SECTION("belief") {
    std::vector<ElectorEvent> ev{E(0s, Kind::kRunStarted), E(1s, Kind::kStoppedLeading), E(1s, Kind::kRunReturned),
                                 E(2s, Kind::kBelieved)};
    CHECK(Names(CheckElectorLife(Life(ev), kTrueEpoch, T(60s))) == std::vector<std::string>{"leader_after_stopped"});
  }
  SECTION("a workload acting beyond its stop lag") {
    auto ev = CorrectLife();
    ev[9] = E(16s, Kind::kActingStopped);
    std::stable_sort(ev.begin(), ev.end(), [](auto& x, auto& y) { return x.at < y.at; });
    auto b = CheckElectorLife(Life(ev, true, 5s), kTrueEpoch, T(60s));
    REQUIRE(Names(b) == std::vector<std::string>{"leader_after_stopped"});
    CHECK(b[0].at == T(14s));
  }
  SECTION("a workload still acting at the end") {
    auto ev = CorrectLife();
    ev.erase(ev.begin() + 9);
    CHECK(Names(CheckElectorLife(Life(ev), kTrueEpoch, T(60s))) == std::vector<std::string>{"leader_after_stopped"});
  }
}

TEST_CASE("invariants: write_after_release", "[sim][invariants]") {
  // release() returned, and a write went out before OnStoppedLeading ran.
  std::vector<ElectorEvent> ev{E(0s, Kind::kRunStarted), E(5s, Kind::kReleaseReturned), E(5s, Kind::kLockWrite, 1, 7),
                               E(5s, Kind::kStoppedLeading), E(5s, Kind::kRunReturned)};
  auto b = CheckElectorLife(Life(ev), kTrueEpoch, T(60s));
  REQUIRE(Names(b) == std::vector<std::string>{"write_after_release"});
  CHECK(b[0].events.back() == "lock write sent at 5.000s (run 1) request 7");
}

// --- true time --------------------------------------------------------------------------

TEST_CASE("invariants: true_time_monotonic", "[sim][invariants]") {
  CHECK(CheckTrueTime({{T(1s), T(2s), "x"}, {T(2s), T(2s), "y"}}, kTrueEpoch).empty());
  auto b = CheckTrueTime({{T(5s), T(3s), "World::Timer"}}, kTrueEpoch);
  REQUIRE(b.size() == 1);
  CHECK(b[0].invariant == "true_time_monotonic");
  CHECK(b[0].at == T(3s));
  CHECK(b[0].message == "true time went backwards from 5.000s to 3.000s");
  CHECK(b[0].events == std::vector<std::string>{"World::Timer at 3.000s"});
}

TEST_CASE("invariants: CheckInvariants sorts breaches by time", "[sim][invariants]") {
  InvariantInput in;
  in.end = T(60s);
  History h = CorrectHistory();
  h.Update(50s, "b", Rec("b", 3, 50));
  in.lock_writes = h.writes;
  in.electors.push_back(Life({E(0s, Kind::kRunStarted), E(5s, Kind::kStoppedLeading)}));
  in.time_steps.push_back({T(20s), T(10s), "e"});
  CHECK(Names(CheckInvariants(in)) ==
        std::vector<std::string>{"stopped_leading_once", "true_time_monotonic", "lease_transitions"});
}

// --- the time-stuck guard ---------------------------------------------------------------

namespace {
void Spin(Scheduler& s, int* n) {
  s.Post([&s, n] {
    ++*n;
    Spin(s, n);
  });
}
}  // namespace

TEST_CASE("scheduler: the time-stuck guard throws TimeStuckError naming the event", "[sim][invariants][scheduler]") {
  Scheduler s;
  s.set_max_events_per_instant(1000);
  int n = 0;
  s.After(5s, [&] { Spin(s, &n); });
  try {
    s.RunFor(10s);
    FAIL("no TimeStuckError");
  } catch (const TimeStuckError& e) {
    CHECK(e.at() == T(5s));
    CHECK(n == 999);  // the timed event, then 999 posted ones; the 1001st is refused
    CHECK_THAT(e.event(), Catch::Contains("Spin"));
    CHECK_THAT(std::string(e.what()), Catch::Contains("more than 1000 events at one instant"));
  }
  // Events at distinct instants never trip it.
  Scheduler t;
  t.set_max_events_per_instant(10);
  int ticks = 0;
  for (int i = 0; i < 100; ++i) t.After(std::chrono::seconds(i), [&] { ++ticks; });
  t.RunFor(200s);
  CHECK(ticks == 100);
}

// --- end to end -------------------------------------------------------------------------

namespace {
Scenario Load(const std::string& rel) {
  std::string err;
  auto s = LoadScenarioFile(std::string(LEASESIM_SOURCE_DIR) + "/" + rel, &err);
  INFO(err);
  REQUIRE(s);
  return *s;
}
}  // namespace

TEST_CASE("invariants: a world that corrupts leaseTransitions is reported (test_break)", "[sim][invariants]") {
  Scenario s = Load("scenarios/basics/crash-failover.json");
  RunOptions o;
  RunResult clean = RunScenario(s, o);
  CHECK(clean.invariant_breaches.empty());
  CHECK(clean.passed);
  o.test_break = WorldOptions::TestBreak::kLeaseTransitions;
  RunResult broken = RunScenario(s, o);
  CHECK_FALSE(broken.passed);
  REQUIRE_FALSE(broken.invariant_breaches.empty());
  const InvariantBreach& b = broken.invariant_breaches.front();
  CHECK(b.invariant == "lease_transitions");
  CHECK(b.at > kTrueEpoch + 5min);  // the failover after the crash at 5m
  CHECK_THAT(b.message, Catch::Contains("but leaderTransitions went 0 -> 0 (expected 1)"));
  CHECK(AllHeld(broken.expectations));  // only the invariant fails the run
}

TEST_CASE("invariants: a hand-made break of each invariant is reported end to end (test_break)", "[sim][invariants]") {
  // Each row: the invariant, the bundled scenario whose run exercises it (a failover for
  // the Lease history, a graceful release for Run's return and release()), and a word the
  // breach message must contain.
  struct Row {
    const char* invariant;
    const char* scenario;
    const char* says;
  };
  const Row rows[] = {
      {"lease_transitions", "scenarios/basics/crash-failover.json", "leaderTransitions"},
      {"lease_acquire_time", "scenarios/basics/crash-failover.json", "acquireTime"},
      {"lease_resource_version", "scenarios/basics/crash-failover.json", "resourceVersion"},
      {"started_leading_once", "scenarios/basics/crash-failover.json", "OnStartedLeading"},
      {"stopped_leading_once", "scenarios/basics/graceful-release.json", "OnStoppedLeading"},
      {"leader_after_stopped", "scenarios/basics/graceful-release.json", "OnStoppedLeading"},
      {"write_after_release", "scenarios/basics/graceful-release.json", "release"},
      {"true_time_monotonic", "scenarios/basics/crash-failover.json", "back"},
  };
  for (const Row& row : rows) {
    CAPTURE(row.invariant, row.scenario);
    Scenario s = Load(row.scenario);
    RunOptions o;
    const RunResult clean = RunScenario(s, o);
    CHECK(clean.invariant_breaches.empty());
    const auto b = ParseTestBreak(row.invariant);
    REQUIRE(b);
    o.test_break = *b;
    const RunResult broken = RunScenario(s, o);
    CHECK_FALSE(broken.passed);
    REQUIRE_FALSE(broken.invariant_breaches.empty());
    // Only the invariant the break aims at is reported.
    for (const InvariantBreach& x : broken.invariant_breaches) {
      CAPTURE(x.message);
      CHECK(x.invariant == row.invariant);
    }
    CHECK_THAT(broken.invariant_breaches.front().message, Catch::Contains(row.says));
  }
  CHECK_FALSE(ParseTestBreak("no_such_invariant"));
}

TEST_CASE("invariants: every bundled scenario runs without a breach", "[sim][invariants][slow]") {
  namespace fs = std::filesystem;
  std::vector<std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(std::string(LEASESIM_SOURCE_DIR) + "/scenarios"))
    if (e.path().extension() == ".json") files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  REQUIRE(files.size() > 10);
  for (const std::string& f : files) {
    std::string err;
    auto s = LoadScenarioFile(f, &err);
    if (!s) continue;  // bad-input fixtures are not bundled scenarios
    CAPTURE(f);
    RunResult r = RunScenario(*s, {});
    for (const InvariantBreach& b : r.invariant_breaches) UNSCOPED_INFO(b.invariant << ": " << b.message);
    CHECK(r.invariant_breaches.empty());
  }
}
