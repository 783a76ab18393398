// Oracles on hand-built runs: known intervals in, known split-brain / no-leader totals,
// causes, failovers and transitions out. Cause rules follow the reference's §1.16 and
// kubernetes#23731 / #47671.
#include "sim/oracles.h"

#include <catch2/catch.hpp>

#include <set>

#include "tests/sim/oracle_fixtures.h"

using namespace leasesim::sim;
using namespace std::chrono_literals;
using namespace leasesim::sim::testing;

namespace {


OracleInput Run(Duration length) {
  OracleInput in;
  in.start = kTrueEpoch;
  in.end = T(length);
  return in;
}

}  // namespace

TEST_CASE("oracles: a steady leader has no split-brain and only the initial gap", "[sim][oracles]") {
  OracleInput in = Run(10min);
  in.nodes = {Node("a", {I(2s, 10min)}), Node("b", {})};
  OracleResults r = RunOracles(in);
  CHECK(r.split_brain.empty());
  CHECK(r.split_brain_total == 0s);
  REQUIRE(r.no_leader.size() == 1);
  CHECK(r.no_leader[0] == I(0s, 2s));
  CHECK(r.no_leader_total == 2s);
  CHECK(r.no_leader_max == 2s);
  REQUIRE(r.nodes.size() == 2);
  CHECK(r.nodes[0].believed == std::vector<Interval>{I(2s, 10min)});
}

TEST_CASE("oracles: no-leader gaps are where no node believes it leads", "[sim][oracles]") {
  OracleInput in = Run(10min);
  // a leads 2s..100s, b 130s..300s, a again 290s..end (overlapping b: no gap there).
  in.nodes = {Node("a", {I(2s, 100s), I(290s, 10min)}), Node("b", {I(130s, 300s)})};
  OracleResults r = RunOracles(in);
  REQUIRE(r.no_leader.size() == 2);
  CHECK(r.no_leader[0] == I(0s, 2s));
  CHECK(r.no_leader[1] == I(100s, 130s));
  CHECK(r.no_leader_total == 32s);
  CHECK(r.no_leader_max == 30s);
  // The 290..300 overlap is a split-brain of a and b.
  REQUIRE(r.split_brain.size() == 1);
  CHECK(r.split_brain[0].interval == I(290s, 300s));
  CHECK(r.split_brain[0].nodes == std::vector<std::string>{"a", "b"});
}

TEST_CASE("oracles: nobody ever leads gives one gap over the whole run", "[sim][oracles]") {
  OracleInput in = Run(1min);
  in.nodes = {Node("a", {})};
  OracleResults r = RunOracles(in);
  REQUIRE(r.no_leader.size() == 1);
  CHECK(r.no_leader[0] == I(0s, 1min));
}

TEST_CASE("oracles: split-brain cause: workload ignores cancellation", "[sim][oracles]") {
  OracleInput in = Run(10min);
  NodeObservations a = Node("a", {I(0s, 30s)});
  a.acting = {I(0s, 60s)};  // kept acting 30s after OnStoppedLeading
  a.workload_keeps_acting = true;
  in.nodes = {a, Node("b", {I(40s, 10min)})};
  OracleResults r = RunOracles(in);
  REQUIRE(r.split_brain.size() == 1);
  CHECK(r.split_brain[0].interval == I(40s, 60s));
  CHECK(r.split_brain_total == 20s);
  CHECK(r.split_brain_max == 20s);
  CHECK(r.split_brain[0].cause_kind == SplitBrainCause::kWorkloadIgnoresCancellation);
  CHECK_THAT(r.split_brain[0].cause, Catch::Contains("kubernetes#23731") && Catch::Contains("a kept acting 20s"));
}

TEST_CASE("oracles: split-brain cause: workload stop lag", "[sim][oracles]") {
  OracleInput in = Run(10min);
  NodeObservations a = Node("a", {I(0s, 30s)});
  a.acting = {I(0s, 35s)};
  a.stop_lag = 5s;
  in.nodes = {a, Node("b", {I(32s, 10min)})};
  auto sb = ComputeSplitBrain(in);
  REQUIRE(sb.size() == 1);
  CHECK(sb[0].interval == I(32s, 35s));
  CHECK(sb[0].cause_kind == SplitBrainCause::kWorkloadStopLag);
}

TEST_CASE("oracles: split-brain cause: process pause of the old leader", "[sim][oracles]") {
  OracleInput in = Run(10min);
  NodeObservations a = Node("a", {I(0s, 50s)});
  a.acting = {I(0s, 20s), I(40s, 50s)};  // paused 20s..40s, still believing on resume
  a.paused = {I(20s, 40s)};
  in.nodes = {a, Node("b", {I(37s, 10min)})};
  auto sb = ComputeSplitBrain(in);
  REQUIRE(sb.size() == 1);
  CHECK(sb[0].interval == I(40s, 50s));
  CHECK(sb[0].cause_kind == SplitBrainCause::kProcessPause);
  CHECK(sb[0].cause == "process pause of a for 20s");
}

TEST_CASE("oracles: split-brain cause: clock rate ratio beyond LD/(RD+RP)", "[sim][oracles]") {
  OracleInput in = Run(10min);
  NodeObservations a = Node("a", {I(0s, 100s)});
  a.drift = {{T(0s), -200'000}};  // runs at 0.8
  NodeObservations b = Node("b", {I(95s, 10min)});
  b.drift = {{T(0s), 150'000}};  // runs at 1.15 -> ratio 1.4375 > 15/(10+2) = 1.25
  in.nodes = {a, b};
  auto sb = ComputeSplitBrain(in);
  REQUIRE(sb.size() == 1);
  CHECK(sb[0].cause_kind == SplitBrainCause::kClockRate);
  CHECK_THAT(sb[0].cause, Catch::StartsWith("clock rate ratio 1.44 > tolerated 1.25"));

  SECTION("a ratio within tolerance is not blamed") {
    in.nodes[0].drift = {{T(0s), -100'000}};  // 1.15/0.9 = 1.28 > 1.25 still
    in.nodes[1].drift = {{T(0s), 100'000}};   // 1.1/0.9 = 1.22 <= 1.25
    CHECK(ComputeSplitBrain(in)[0].cause_kind == SplitBrainCause::kUnexplained);
  }
  SECTION("a drift change inside the lease window counts") {
    in.nodes[1].drift = {{T(0s), 0}, {T(90s), 150'000}};
    CHECK(ComputeSplitBrain(in)[0].cause_kind == SplitBrainCause::kClockRate);
  }
}

TEST_CASE("oracles: split-brain cause: slow renewal response ate the margin", "[sim][oracles]") {
  OracleInput in = Run(10min);
  NodeObservations a = Node("a", {I(0s, 100s)});
  a.renewals = {{T(70s), T(70s) + 10ms, T(70s) + 20ms, T(70s) + 10ms, T(70s) + 10ms},
                {T(80s), T(80s) + 10ms, T(84s), T(80s) + 10ms}};  // 3.99s latency
  in.nodes = {a, Node("b", {I(95s, 10min)})};
  auto sb = ComputeSplitBrain(in);
  REQUIRE(sb.size() == 1);
  CHECK(sb[0].cause_kind == SplitBrainCause::kSlowWrite);
  CHECK(sb[0].cause == "slow or ambiguous renewal: a learned of its last renewal 3.99s after the record last changed, eating the 3s margin");

  SECTION("a fast last renewal is not blamed") {
    in.nodes[0].renewals.pop_back();
    CHECK(ComputeSplitBrain(in)[0].cause_kind == SplitBrainCause::kUnexplained);
  }
}

TEST_CASE("oracles: split-brain cause: timings allow overlap", "[sim][oracles]") {
  OracleInput in = Run(10min);
  NodeObservations a = Node("a", {I(0s, 100s)});
  a.lease_duration = 10s;
  a.renew_deadline = 8s;
  a.retry_period = 2s;
  in.nodes = {a, Node("b", {I(95s, 10min)})};
  auto sb = ComputeSplitBrain(in);
  REQUIRE(sb.size() == 1);
  CHECK(sb[0].cause_kind == SplitBrainCause::kTimingsAllowOverlap);
  CHECK(sb[0].cause == "timings allow overlap: a leaseDuration 10s <= renewDeadline 8s + retryPeriod 2s");
}

TEST_CASE("oracles: split-brain cause: short LeaseDuration before 1.27", "[sim][oracles]") {
  OracleInput in = Run(10min);
  NodeObservations b = Node("b", {I(95s, 10min)});
  b.lease_duration = 5s;
  b.renew_deadline = 3s;
  b.retry_period = 1s;
  b.client_go_minor = 26;
  in.nodes = {Node("a", {I(0s, 100s)}), b};
  auto sb = ComputeSplitBrain(in);
  REQUIRE(sb.size() == 1);
  CHECK(sb[0].cause_kind == SplitBrainCause::kShortLeaseDurationPre127);
  CHECK_THAT(sb[0].cause, Catch::Contains("kubernetes#47671") && Catch::Contains("client-go 1.26"));

  SECTION("on 1.27 the record's leaseDurationSeconds is used: not this cause") {
    in.nodes[1].client_go_minor = 27;
    CHECK(ComputeSplitBrain(in)[0].cause_kind == SplitBrainCause::kUnexplained);
  }
}

TEST_CASE("oracles: three nodes acting merge into one split-brain interval", "[sim][oracles]") {
  OracleInput in = Run(10min);
  in.nodes = {Node("a", {I(0s, 50s)}), Node("b", {I(40s, 60s)}), Node("c", {I(45s, 70s)})};
  auto sb = ComputeSplitBrain(in);
  REQUIRE(sb.size() == 1);
  CHECK(sb[0].interval == I(40s, 60s));
  CHECK(sb[0].nodes == std::vector<std::string>{"a", "b", "c"});
}

TEST_CASE("oracles: touching intervals are not a split-brain", "[sim][oracles]") {
  OracleInput in = Run(10min);
  in.nodes = {Node("a", {I(0s, 50s)}), Node("b", {I(50s, 10min)})};
  CHECK(ComputeSplitBrain(in).empty());
}

TEST_CASE("oracles: failover after each fault", "[sim][oracles]") {
  OracleInput in = Run(10min);
  in.nodes = {Node("a", {I(2s, 100s)}), Node("b", {I(130s, 10min)})};
  in.faults = {{0, "crash", T(100s), {"a"}}, {1, "partition", T(200s), {"a"}}};
  OracleResults r = RunOracles(in);
  REQUIRE(r.failovers.size() == 2);
  const FailoverResult& crash = r.failovers[0];
  CHECK(crash.previous_leader == "a");
  CHECK(crash.lost_at == T(100s));
  CHECK(crash.new_leader == "b");
  CHECK(crash.new_leader_at == T(130s));
  CHECK(crash.Failover() == 30s);
  CHECK(crash.disrupted);
  // Partitioning the (crashed) follower does not disturb b.
  const FailoverResult& part = r.failovers[1];
  CHECK(part.previous_leader == "b");
  CHECK_FALSE(part.lost_at.has_value());
  CHECK_FALSE(part.new_leader_at.has_value());
  CHECK_FALSE(part.disrupted);
}

TEST_CASE("oracles: transitions count holder changes like leaderTransitions", "[sim][oracles]") {
  OracleInput in = Run(10min);
  in.holder_changes = {{T(2s), "a"},    // creation: not a transition
                       {T(50s), ""},    // release
                       {T(51s), "a"},   // re-acquire after release: counts
                       {T(90s), "b"},   // counts
                       {T(95s), "b"}};  // same holder: no change
  OracleResults r = RunOracles(in);
  REQUIRE(r.transitions.size() == 2);
  CHECK(r.transitions[0].from == "");
  CHECK(r.transitions[0].to == "a");
  CHECK(r.transitions[1].from == "a");
  CHECK(r.transitions[1].to == "b");
  CHECK(r.transitions[1].at == T(90s));
  CHECK(r.transitions_per_hour == Approx(12.0));
}

TEST_CASE("oracles: healthz unhealthy intervals and API rates", "[sim][oracles]") {
  OracleInput in = Run(100s);
  NodeObservations a = Node("a", {I(0s, 100s)});
  a.healthz = {{T(10s), true}, {T(40s), false}, {T(60s), true}, {T(90s), false}};
  in.nodes = {a};
  in.api.requests = {{"get", 150}, {"update", 50}};
  in.api.responses = {{200, 190}, {409, 10}};
  OracleResults r = RunOracles(in);
  CHECK(r.nodes[0].unhealthy == std::vector<Interval>{I(40s, 60s), I(90s, 100s)});
  CHECK(r.api_requests_per_second == Approx(2.0));
  CHECK(r.api.responses.at(409) == 10);
}

TEST_CASE("oracles: split-brain cause: leaders on lock kinds that share no object", "[sim][oracles]") {
  OracleInput in = Run(10min);
  in.nodes = {Node("e1", {I(1s, 200s)}), Node("l1", {I(120s, 10min)})};
  in.nodes[0].lock_objects = {"endpoints"};
  in.nodes[1].lock_objects = {"leases"};
  auto sb = ComputeSplitBrain(in);
  REQUIRE(sb.size() == 1);
  CHECK(sb[0].cause_kind == SplitBrainCause::kDisjointLockObjects);
  CHECK(sb[0].cause == "e1 locks endpoints and l1 locks leases: no shared object, no MultiLock migration step");
  // A MultiLock pair shares its secondary Lease with a leases lock: not this rule.
  in.nodes[0].lock_objects = {"endpoints", "leases"};
  CHECK(ComputeSplitBrain(in)[0].cause_kind != SplitBrainCause::kDisjointLockObjects);
}

TEST_CASE("oracles: split-brain cause: acting while release() runs (kubernetes#124588)", "[sim][oracles]") {
  OracleInput in = Run(10min);
  NodeObservations a = Node("a", {I(1s, 100s)});
  a.acting = {I(1s, 200s)};  // the leader context is cancelled only when release returns
  a.releasing = {I(100s, 200s)};
  a.client_go_minor = 30;
  in.nodes = {a, Node("b", {I(115s, 10min)})};
  auto sb = ComputeSplitBrain(in);
  REQUIRE(sb.size() == 1);
  CHECK(sb[0].interval == I(115s, 200s));
  CHECK(sb[0].cause_kind == SplitBrainCause::kReleaseInProgress);
  CHECK(sb[0].cause ==
        "release() of a ran 1m40s with no timeout (client-go 1.30 < 1.31, kubernetes#124588) while its workload kept acting");
  in.nodes[0].client_go_minor = 31;
  CHECK(ComputeSplitBrain(in)[0].cause == "release() of a ran 1m40s while its workload kept acting");
}

TEST_CASE("issue15 item 4: split-brain cause: a later pre-1.27 leader's shorter leaseDuration, even when the old "
          "leader's own timings sit on the overlap boundary", "[sim][oracles]") {
  OracleInput in = Run(10min);
  NodeObservations a = Node("a", {I(0s, 100s)});
  a.lease_duration = 60s;  // 60s <= 35s + 25s: the boundary of rule "timings allow overlap"
  a.renew_deadline = 35s;
  a.retry_period = 25s;
  a.client_go_minor = 26;
  NodeObservations b = Node("b", {I(60s, 10min)});
  b.client_go_minor = 26;  // 15s/10s/2s
  in.nodes = {a, b};
  auto sb = ComputeSplitBrain(in);
  REQUIRE(sb.size() == 1);
  CHECK(sb[0].cause_kind == SplitBrainCause::kShortLeaseDurationPre127);
  CHECK(sb[0].cause == "b on client-go 1.26 expires a's lease on its own leaseDuration 15s < 1m0s (kubernetes#47671)");

  SECTION("the earlier leader's shorter leaseDuration is not the mechanism") {
    std::swap(in.nodes[0].believed, in.nodes[1].believed);  // b leads first, a takes over
    std::swap(in.nodes[0].acting, in.nodes[1].acting);
    CHECK(ComputeSplitBrain(in)[0].cause_kind == SplitBrainCause::kTimingsAllowOverlap);
  }
}

TEST_CASE("issue15 item 4: split-brain cause: record precision, not a slow renewal", "[sim][oracles]") {
  OracleInput in = Run(10min);
  NodeObservations a = Node("a", {I(0s, 100s)});
  a.lease_duration = 1500ms;  // leaseDurationSeconds 1
  a.renew_deadline = 1s;
  a.retry_period = 400ms;     // configured margin 100ms
  // The last renewal before the overlap took 2ms, but it rewrote the record of 99.2s
  // (same wall second): followers last saw a change 600ms before it was written.
  a.renewals = {{T(99800ms), T(99200ms), T(99802ms), T(99801ms), T(99801ms)}};
  NodeObservations b = Node("b", {I(99900ms, 10min)});
  b.lease_duration = 1500ms;
  b.renew_deadline = 1s;
  b.retry_period = 400ms;
  in.nodes = {a, b};
  auto sb = ComputeSplitBrain(in);
  REQUIRE(sb.size() == 1);
  CHECK(sb[0].cause_kind == SplitBrainCause::kRecordPrecision);
  CHECK(sb[0].cause ==
        "record precision: leaseDuration 1.5s is written as leaseDurationSeconds 1; renewTime has whole-second "
        "precision: a's last renewal rewrote identical bytes, unseen by followers for 601ms; nothing was slow (a's "
        "last renewal was answered 1ms after it changed the record, within the configured 100ms margin)");
  CHECK(CauseName(sb[0].cause_kind) == "record_precision");

  SECTION("a truly slow last renewal stays a slow write") {
    in.nodes[0].lease_duration = 15s;
    in.nodes[0].renew_deadline = 10s;
    in.nodes[0].retry_period = 2s;
    in.nodes[1].lease_duration = 15s;
    in.nodes[0].renewals = {{T(90s), T(90s), T(94s), T(90s), T(90s)}};
    CHECK(ComputeSplitBrain(in)[0].cause_kind == SplitBrainCause::kSlowWrite);
  }

  SECTION("an exact rewrite after a lost response is an ambiguous (slow) write, not record precision") {
    // flapping/unstable-network: the renewal applied at 90s lost its response; after the 5s
    // client timeout the slow path of the same tryAcquireOrRenew rewrote the record with the
    // same `now` (identical at full precision). Followers last saw a change at 90s, the
    // leader learned of its write 5.005s later: nothing about precision hid anything.
    in.nodes[0].lease_duration = 15s;
    in.nodes[0].renew_deadline = 10s;
    in.nodes[0].retry_period = 2s;
    in.nodes[1].lease_duration = 15s;
    in.nodes[0].renewals = {{T(95s), T(90s), T(95005ms), T(95s), T(90s)}};
    auto sb2 = ComputeSplitBrain(in);
    CHECK(sb2[0].cause_kind == SplitBrainCause::kSlowWrite);
    CHECK(sb2[0].cause == "slow or ambiguous renewal: a learned of its last renewal 5.005s after the record last changed, "
                          "eating the 3s margin");
  }
}

TEST_CASE("issue15 item 4: split-brain cause: two leaders with the same identity", "[sim][oracles]") {
  OracleInput in = Run(10min);
  NodeObservations b = Node("b", {I(95s, 10min)});
  b.identity = "a";
  in.nodes = {Node("a", {I(0s, 200s)}), b};
  auto sb = ComputeSplitBrain(in);
  REQUIRE(sb.size() == 1);
  CHECK(sb[0].cause_kind == SplitBrainCause::kDuplicateIdentity);
  CHECK(sb[0].cause == "a and b share the identity \"a\": each takes the other's record for its own");
}

TEST_CASE("issue15 item 4: every split-brain cause has a distinct stable name", "[sim][oracles]") {
  std::set<std::string_view> names;
  for (int c = 0; c < kSplitBrainCauseCount; ++c) names.insert(CauseName(static_cast<SplitBrainCause>(c)));
  CHECK(names.size() == static_cast<size_t>(kSplitBrainCauseCount));
  CHECK(CauseName(SplitBrainCause::kUnexplained) == "unexplained");
}
