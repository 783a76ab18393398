// Expectations evaluated on hand-built oracle inputs: each kind holds and fails where it
// should, and reports the measured figure.
#include "sim/expectations.h"

#include <catch2/catch.hpp>

#include "tests/sim/oracle_fixtures.h"

using namespace leasesim::sim;
using namespace std::chrono_literals;
using namespace leasesim::sim::testing;

namespace {


// A crash failover: a leads 2s..100s, crashes at 100s; b leads from 130s to the end;
// a workload overlap 125..130 would be a split-brain only if a acted, which it does not.
OracleInput CrashRun() {
  OracleInput in;
  in.end = T(10min);
  in.nodes = {Node("a", {I(2s, 100s)}), Node("b", {I(130s, 10min)})};
  in.faults = {{0, "crash", T(100s), {"a"}}};
  in.holder_changes = {{T(2s), "a"}, {T(130s), "b"}};
  in.api.requests = {{"get", 300}, {"update", 300}};
  in.logs = {{T(130s), "b", "successfully acquired lease kube-system/kcm"}};
  return in;
}

ExpectationResult Eval(const Expectation& e, const OracleInput& in) {
  auto r = EvaluateExpectations({e}, in, RunOracles(in));
  REQUIRE(r.size() == 1);
  return r[0];
}

Expectation E(ExpectKind k) {
  Expectation e;
  e.kind = k;
  return e;
}

}  // namespace

TEST_CASE("expectations: kind names round-trip", "[sim][expectations]") {
  for (std::string_view name : AllExpectKindNames()) {
    auto k = ParseExpectKind(name);
    REQUIRE(k.has_value());
    CHECK(ExpectKindName(*k) == name);
  }
  CHECK_FALSE(ParseExpectKind("no_splitbrain").has_value());
}

TEST_CASE("expectations: split-brain kinds", "[sim][expectations]") {
  OracleInput in = CrashRun();
  auto none = Eval(E(ExpectKind::kNoSplitBrain), in);
  CHECK(none.held);
  CHECK(none.expect == "no split-brain");
  CHECK(none.actual == "split-brain 0s");

  in.nodes[0].believed = {I(2s, 135s)};  // a did not crash after all: 5s overlap with b
  in.nodes[0].acting = {I(2s, 135s)};
  auto broken = Eval(E(ExpectKind::kNoSplitBrain), in);
  CHECK_FALSE(broken.held);
  CHECK_THAT(broken.actual, Catch::StartsWith("split-brain 5s in 1 interval(s), first at 2m10s (a, b)"));

  Expectation at_least = E(ExpectKind::kSplitBrainAtLeast);
  at_least.total = 5s;
  CHECK(Eval(at_least, in).held);
  at_least.total = 6s;
  CHECK_FALSE(Eval(at_least, in).held);
  Expectation at_most = E(ExpectKind::kSplitBrainAtMost);
  at_most.total = 4s;
  CHECK_FALSE(Eval(at_most, in).held);
  CHECK(Eval(at_most, CrashRun()).held);
}

TEST_CASE("expectations: leader_within a fault", "[sim][expectations]") {
  OracleInput in = CrashRun();
  Expectation e = E(ExpectKind::kLeaderWithin);
  e.after_fault = 0;
  e.within = 30s;
  auto ok = Eval(e, in);
  CHECK(ok.held);
  CHECK(ok.expect == "a leader within 30s after fault 0 (crash)");
  CHECK(ok.actual == "b led after 30s");
  e.within = 29s;
  CHECK_FALSE(Eval(e, in).held);
  e.after_fault = 7;
  auto missing = Eval(e, in);
  CHECK_FALSE(missing.held);
  CHECK(missing.actual == "fault 7 did not happen");

  SECTION("a fault that spares the leader holds at once") {
    in.faults = {{0, "crash", T(50s), {"b"}}};
    e.after_fault = 0;
    e.within = 1s;
    auto kept = Eval(e, in);
    CHECK(kept.held);
    CHECK(kept.actual == "a kept leading");
  }
  SECTION("a paused leader does not count as leading") {
    in.faults = {{0, "pause", T(50s), {"a"}}};
    in.nodes[0].paused = {I(50s, 60s)};
    e.after_fault = 0;
    e.within = 10s;
    CHECK_FALSE(Eval(e, in).held);
  }
}

TEST_CASE("expectations: failover_at_most over every disrupting fault", "[sim][expectations]") {
  OracleInput in = CrashRun();
  Expectation e = E(ExpectKind::kFailoverAtMost);
  e.within = 30s;
  auto r = Eval(e, in);
  CHECK(r.held);
  CHECK(r.actual == "worst failover 30s after fault 0 (crash)");
  e.within = 20s;
  CHECK_FALSE(Eval(e, in).held);

  in.nodes[1].believed.clear();  // nobody takes over
  in.nodes[1].acting.clear();
  e.within = 1h;
  auto none = Eval(e, in);
  CHECK_FALSE(none.held);
  CHECK(none.actual == "no new leader after fault 0 (crash)");
}

TEST_CASE("expectations: no-leader kinds", "[sim][expectations]") {
  OracleInput in = CrashRun();  // gaps: 0..2s and 100..130s
  Expectation most = E(ExpectKind::kNoLeaderAtMost);
  most.max_gap = 29s;
  auto r = Eval(most, in);
  CHECK_FALSE(r.held);
  CHECK(r.actual == "longest no-leader gap 30s from 1m40s");
  most.max_gap = 30s;
  CHECK(Eval(most, in).held);
  // Ignoring the first 2m leaves no gap at all.
  most.max_gap = 0s;
  most.after_time = 2min + 10s;
  auto after = Eval(most, in);
  CHECK(after.held);
  CHECK(after.actual == "always a leader");
  // A gap straddling `after` is clipped to it.
  most.after_time = 2min;
  most.max_gap = 9s;
  CHECK_FALSE(Eval(most, in).held);
  most.max_gap = 10s;
  CHECK(Eval(most, in).held);

  Expectation least = E(ExpectKind::kNoLeaderAtLeast);
  least.total = 32s;
  CHECK(Eval(least, in).held);
  least.total = 33s;
  CHECK_FALSE(Eval(least, in).held);
}

TEST_CASE("expectations: transitions, leader at end, logs, API rate", "[sim][expectations]") {
  OracleInput in = CrashRun();
  Expectation tmost = E(ExpectKind::kTransitionsAtMost);
  tmost.count = 1;
  CHECK(Eval(tmost, in).held);
  tmost.count = 0;
  CHECK_FALSE(Eval(tmost, in).held);
  Expectation tleast = E(ExpectKind::kTransitionsAtLeast);
  tleast.count = 2;
  CHECK_FALSE(Eval(tleast, in).held);

  Expectation end = E(ExpectKind::kLeaderAtEnd);
  CHECK(Eval(end, in).held);
  end.identity = "b";
  CHECK(Eval(end, in).actual == "b leads at the end");
  end.identity = "a";
  CHECK_FALSE(Eval(end, in).held);

  Expectation log = E(ExpectKind::kLogContains);
  log.text = "successfully acquired lease";
  CHECK(Eval(log, in).held);
  log.node = "a";
  auto nolog = Eval(log, in);
  CHECK_FALSE(nolog.held);
  CHECK(nolog.actual == "not found in 0 log lines");

  Expectation api = E(ExpectKind::kApiRequestsPerSecondAtMost);
  api.rate = 1.0;  // 600 requests in 600s
  CHECK(Eval(api, in).held);
  api.verb = "update";
  api.rate = 0.4;  // 300 updates in 600s = 0.5/s
  auto upd = Eval(api, in);
  CHECK_FALSE(upd.held);
  CHECK(upd.actual == "0.500 requests/s (300 requests)");
}

TEST_CASE("expectations: healthz_unhealthy_within", "[sim][expectations]") {
  OracleInput in = CrashRun();
  in.faults.push_back({1, "pause", T(200s), {"b"}});
  in.nodes[1].healthz = {{T(235s), false}};
  Expectation e = E(ExpectKind::kHealthzUnhealthyWithin);
  e.node = "b";
  e.after_fault = 1;
  e.within = 35s;
  auto r = Eval(e, in);
  CHECK(r.held);
  CHECK(r.actual == "unhealthy 35s after the fault");
  e.within = 34s;
  CHECK_FALSE(Eval(e, in).held);
  e.node = "a";
  CHECK(Eval(e, in).actual == "stayed healthy");
}

TEST_CASE("expectations: AllHeld is the verdict", "[sim][expectations]") {
  CHECK(AllHeld({}));
  CHECK(AllHeld({{0, ExpectKind::kNoSplitBrain, "x", true, "y"}}));
  CHECK_FALSE(AllHeld({{0, ExpectKind::kNoSplitBrain, "x", true, "y"}, {1, ExpectKind::kNoSplitBrain, "x", false, "y"}}));
}
