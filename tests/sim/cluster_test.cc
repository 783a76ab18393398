// cluster_test.cc — the scenario's `cluster` section: bad input names the JSON path, and
// runs of node heartbeats reproduce the figures derived from the ported Go code.
#include <catch2/catch.hpp>

#include "sim/cluster_report.h"
#include "sim/cluster_spec.h"
#include "sim/runner.h"
#include "sim/scenario.h"

using namespace leasesim;
using namespace leasesim::sim;
using namespace std::chrono_literals;

namespace {

std::string WithCluster(const std::string& cluster, const std::string& extra = "") {
  return R"({"duration": "10m", "candidates": [{"name": "kcm-a"}], )" + extra + R"("cluster": )" + cluster + "}";
}

std::string ParseError(const std::string& text) {
  std::string err;
  CHECK_FALSE(ParseScenario(text, "inline.json", &err).has_value());
  CHECK(err.find('\n') == std::string::npos);
  REQUIRE_THAT(err, Catch::StartsWith("inline.json: "));
  return err.substr(std::string("inline.json: ").size());
}

Scenario Parse(const std::string& text) {
  std::string err;
  auto s = ParseScenario(text, "inline.json", &err);
  INFO(err);
  REQUIRE(s.has_value());
  return *s;
}

}  // namespace

TEST_CASE("cluster: bad input names the JSON path", "[sim][cluster]") {
  CHECK(ParseError(WithCluster(R"({"nodes": 3, "nodeCount": 2})")) ==
        "$.cluster.nodeCount: unknown key (known keys: nodes, zones, podsPerNode, version, kubelet, controllerManager, "
        "network, watchDelay, objects, watchers, faults, expect)");
  CHECK(ParseError(WithCluster(R"({})")) == "$.cluster: missing key \"nodes\" or \"zones\"");
  CHECK(ParseError(WithCluster(R"({"nodes": 3, "kubelet": {"nodeStatusUpdateFrequency": "10"}})")) ==
        "$.cluster.kubelet.nodeStatusUpdateFrequency: invalid duration \"10\": time: missing unit in duration \"10\"");
  CHECK(ParseError(WithCluster(R"({"nodes": 2, "faults": [{"at": "1m", "kind": "node_down", "node": "node-7"}]})")) ==
        "$.cluster.faults[0].node: unknown node \"node-7\": no cluster node has that name");
  CHECK(ParseError(WithCluster(R"({"nodes": 2, "faults": [{"at": "1m", "kind": "zone_partition", "zone": "z"}]})")) ==
        "$.cluster.faults[0]: missing key \"for\" (a zone_partition fault lasts a while)");
  CHECK(ParseError(WithCluster(R"({"nodes": 2, "version": "1.19"})")) ==
        "$.cluster.version: unsupported Kubernetes version \"1.19\" (supported: 1.20 to 1.37)");
  CHECK(ParseError(WithCluster(R"({"nodes": 2, "expect": [{"kind": "detected_within", "after": "x", "within": "1m"}]})")) ==
        "$.cluster.expect[0].after: unknown cluster fault id \"x\"");
  // "cluster" is not an expectation kind of the top-level list.
  CHECK_THAT(ParseError(R"({"candidates": [{"name": "a"}], "expect": [{"kind": "cluster"}]})"),
             Catch::StartsWith("$.expect[0].kind: unknown expectation kind \"cluster\""));
}

TEST_CASE("cluster: defaults follow the version (grace 40s before 1.32, 50s from 1.32)", "[sim][cluster]") {
  Scenario old = Parse(WithCluster(R"({"nodes": 1, "version": "1.31"})"));
  CHECK(old.cluster->controller.nodeMonitorGracePeriod == 40s);
  Scenario now = Parse(WithCluster(R"({"zones": [{"name": "a", "nodes": 2}]})", R"("clientGo": "1.32", )"));
  CHECK(now.cluster->controller.nodeMonitorGracePeriod == 50s);
  CHECK(now.cluster->node_names == std::vector<std::string>{"a-0", "a-1"});
  CHECK(now.cluster->heartbeat_timeout == 10s);  // min(nodeStatusUpdateFrequency, nodeLeaseDurationSeconds)
}

TEST_CASE("cluster: a powered-off node is Unknown after grace + renew phase + monitor period, evicted 300s after its taint",
          "[sim][cluster]") {
  Scenario s = Parse(WithCluster(
      R"({"zones": [{"name": "a", "nodes": 3}], "faults": [{"id": "off", "at": "2m", "kind": "node_down", "node": "a-1"}]})"));
  RunOptions o;
  RunResult r = RunScenario(s, o);
  REQUIRE(r.cluster);
  REQUIRE(r.cluster->faults.size() == 1);
  const ClusterNodeOutcome& n = r.cluster->faults[0].nodes[0];
  REQUIRE(n.detected);
  CHECK(*n.detected > 40s);
  CHECK(*n.detected < 61s);
  REQUIRE(n.tainted);
  CHECK(*n.tainted - *n.detected > 4900ms);  // one monitor pass later (+ <= 100ms)
  CHECK(*n.tainted - *n.detected < 5200ms);
  REQUIRE(n.evicted);
  CHECK(*n.evicted - *n.tainted >= 300s);
  CHECK(*n.evicted - *n.tainted < 301s);
  CHECK(r.cluster->false_not_ready.empty());
  CHECK(r.cluster->pods_evicted == 10);
  // The same run twice: the same trace hash.
  RunResult again = RunScenario(s, o);
  CHECK(again.stats.trace_hash == r.stats.trace_hash);
}

TEST_CASE("cluster: a kubelet stopped for less than the grace period is never marked", "[sim][cluster]") {
  Scenario s = Parse(WithCluster(
      R"({"nodes": 2, "faults": [{"id": "restart", "at": "1m", "for": "20s", "kind": "kubelet_stop", "node": "node-0"}],
          "expect": [{"kind": "not_detected", "after": "restart"}, {"kind": "no_false_not_ready"}]})"));
  RunResult r = RunScenario(s, RunOptions{});
  CHECK(r.passed);
  CHECK(r.cluster->record.marks.empty());
}

TEST_CASE("cluster: a kubelet wall clock stepped back stops refreshing the probe (renewTime not after the saved one)",
          "[sim][cluster]") {
  // tryUpdateNodeHealth refreshes the probe only when savedLease.RenewTime.Before(observed):
  // after a 2m step back every renewal carries an older renewTime for 2 minutes, so the
  // heartbeating node is marked Unknown once the grace period passes — a false NotReady.
  Scenario s = Parse(WithCluster(
      R"({"nodes": 2, "faults": [{"id": "step", "at": "1m", "kind": "kubelet_clock_step", "node": "node-0", "by": "-2m"}]})"));
  RunResult r = RunScenario(s, RunOptions{});
  REQUIRE(r.cluster->false_not_ready.size() >= 1);
  CHECK(r.cluster->record.marks[0].node == 0);
  CHECK_THAT(r.cluster->false_not_ready[0]->cause, Catch::Contains("kubelet_clock_step"));
}
