// node_lifecycle_controller_test.cc — pkg/controller/nodelifecycle/node_lifecycle_controller_test.go
// cases the port covers (TestMonitorNodeHealth's zone states, TestMonitorNodeHealthUpdateStatus,
// TestMonitorNodeHealthUpdateNodeAndPodStatusWithLease), plus NoExecute tainting, the
// rate-limited tainter queue, the taint manager's 300s evictions and the grace period by
// version (PR #126287).
#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <vector>

#include "core/node_lifecycle_controller.h"

using namespace leasesim::core;
using namespace std::chrono_literals;

namespace {

// metav1.Date(2015, 1, 1, 12, 0, 0, 0, time.UTC) and metav1.Date(2012, 1, 1, 0, 0, 0, 0, time.UTC).
constexpr WallTime kFakeNow{1420113600s};
constexpr WallTime kCreation2012{1325376000s};

// The controller's clock at fakeNow + d (a monotonic reading as metav1.Now carries).
LocalTime Now(Duration d = 0s) { return {MonoTime{1000s + d}, kFakeNow + d}; }

NodeLifecycleConfig TestConfig() {
  // testNodeMonitorGracePeriod 50s, testNodeStartupGracePeriod 60s, testNodeMonitorPeriod 5s,
  // testRateLimiterQPS 100000, testLargeClusterThreshold 20, testUnhealthyThreshold 0.55.
  NodeLifecycleConfig c;
  c.nodeMonitorGracePeriod = 50s;
  c.nodeStartupGracePeriod = 60s;
  c.nodeMonitorPeriod = 5s;
  c.evictionLimiterQPS = 100000;
  c.secondaryEvictionLimiterQPS = 100000;
  c.largeClusterThreshold = 20;
  c.unhealthyZoneThreshold = 0.55f;
  return c;
}

NodeCondition Ready(ConditionStatus s, WallTime heartbeat, WallTime transition) {
  return NodeCondition{"Ready", s, heartbeat, transition, "", ""};
}

Node MakeNode(std::string name, WallTime created, std::string region = "", std::string zone = "",
              std::vector<NodeCondition> conditions = {}) {
  Node n;
  n.metadata.name = std::move(name);
  n.metadata.uid = n.metadata.name + "-uid";
  n.metadata.creationTimestamp = created;
  if (!region.empty()) {
    n.metadata.labels[std::string(kLabelTopologyRegion)] = region;
    n.metadata.labels[std::string(kLabelFailureDomainBetaRegion)] = region;
  }
  if (!zone.empty()) {
    n.metadata.labels[std::string(kLabelTopologyZone)] = zone;
    n.metadata.labels[std::string(kLabelFailureDomainBetaZone)] = zone;
  }
  n.conditions = std::move(conditions);
  return n;
}

std::string ZoneID(const std::string& region, const std::string& zone) {
  std::string s = region;
  s += ':';
  s += '\0';
  s += ':';
  s += zone;
  return s;
}

NodeLeasePtr MakeNodeLease(const std::string& name, WallTime renew) {
  NodeLease l;
  l.metadata.name = name;
  l.metadata.namespace_ = std::string(kNamespaceNodeLease);
  l.spec.holderIdentity = name;
  l.spec.renewTime = renew;
  return std::make_shared<const NodeLease>(std::move(l));
}

// What one pass sent: node status updates (with their bodies), pod status updates, taint patches.
struct Sent {
  std::vector<NodePtr> node_status_updates;
  int pod_status_updates = 0;
  int pod_deletes = 0;
  std::vector<NodePtr> taint_patches;
  std::vector<NodeEvent> events;
  std::vector<ArmNodeTimer> timers;
};
Sent Collect(std::span<const NodeEffect> effects) {
  Sent s;
  for (const NodeEffect& e : effects) {
    if (auto* r = std::get_if<SendNodeApiRequest>(&e)) {
      const NodeApiRequest& q = r->request;
      if (q.resource == NodeResource::kNodeStatus) s.node_status_updates.push_back(q.node);
      if (q.resource == NodeResource::kPod && q.verb == NodeVerb::kUpdate) ++s.pod_status_updates;
      if (q.resource == NodeResource::kPod && q.verb == NodeVerb::kDelete) ++s.pod_deletes;
      if (q.resource == NodeResource::kNodeTaints) s.taint_patches.push_back(q.node);
    } else if (auto* ev = std::get_if<NodeEvent>(&e)) {
      s.events.push_back(*ev);
    } else if (auto* t = std::get_if<ArmNodeTimer>(&e)) {
      s.timers.push_back(*t);
    }
  }
  return s;
}

void Observe(NodeLifecycleController& nc, const std::vector<Node>& nodes, LocalTime now) {
  for (const Node& n : nodes) (void)nc.ObserveNode(std::make_shared<const Node>(n), now);
}

}  // namespace

TEST_CASE("TestMonitorNodeHealth", "[core][nodelifecycle]") {
  const Duration time_to_pass = 60min;
  const NodeCondition healthy = Ready(ConditionStatus::kTrue, kFakeNow + time_to_pass, kFakeNow);
  const NodeCondition unhealthy = Ready(ConditionStatus::kUnknown, kFakeNow, kFakeNow);
  const NodeCondition unknown_at_now = Ready(ConditionStatus::kUnknown, kFakeNow, kFakeNow);
  const NodeCondition true_at_now = Ready(ConditionStatus::kTrue, kFakeNow, kFakeNow);
  struct Case {
    std::vector<Node> nodes;
    std::vector<std::vector<NodeCondition>> updated;
    std::map<std::string, ZoneState> initial, following;
  };
  const std::string z1 = ZoneID("region1", "zone1"), z2 = ZoneID("region1", "zone2"), r2z2 = ZoneID("region2", "zone2");
  Case c;
  SECTION("No Disruption: Node created recently without failure domain labels (happens only at cluster startup)") {
    c.nodes = {MakeNode("node0", kFakeNow, "", "", {true_at_now})};
    c.updated = {{healthy}};
    c.initial = {{"", ZoneState::kNormal}};
    c.following = {{"", ZoneState::kNormal}};
  }
  SECTION("No Disruption: Initially both zones down, one comes back") {
    c.nodes = {MakeNode("node0", kFakeNow, "region1", "zone1", {unknown_at_now}),
               MakeNode("node1", kFakeNow, "region1", "zone2", {unknown_at_now})};
    c.updated = {{unhealthy}, {healthy}};
    c.initial = {{z1, ZoneState::kFullDisruption}, {z2, ZoneState::kFullDisruption}};
    c.following = {{z1, ZoneState::kFullDisruption}, {z2, ZoneState::kNormal}};
  }
  SECTION("Partial Disruption: Nodes created recently without status conditions (happens only at cluster startup)") {
    for (int i = 0; i < 4; ++i) c.nodes.push_back(MakeNode("node" + std::to_string(i), kFakeNow, "region1", "zone1"));
    c.updated = {{unhealthy}, {unhealthy}, {unhealthy}, {healthy}};
    c.initial = {{z1, ZoneState::kFullDisruption}};
    c.following = {{z1, ZoneState::kPartialDisruption}};
  }
  SECTION("Partial Disruption: one Node failed leading to the number of healthy Nodes to exceed the configured threshold") {
    c.nodes = {MakeNode("node0", kFakeNow, "region1", "zone1", {unknown_at_now}),
               MakeNode("node1", kFakeNow, "region1", "zone1", {unknown_at_now}),
               MakeNode("node2", kFakeNow, "region1", "zone1", {true_at_now}),
               MakeNode("node3", kFakeNow, "region1", "zone1", {true_at_now}),
               MakeNode("node4", kFakeNow, "region1", "zone1", {true_at_now})};
    c.updated = {{unhealthy}, {unhealthy}, {unhealthy}, {healthy}, {healthy}};
    c.initial = {{z1, ZoneState::kNormal}};
    c.following = {{z1, ZoneState::kPartialDisruption}};
  }
  SECTION("Full Disruption: the zone has less than 2 Nodes down, the last healthy Node has failed") {
    c.nodes = {MakeNode("node0", kFakeNow, "region1", "zone1", {unknown_at_now}),
               MakeNode("node1", kFakeNow, "region1", "zone1", {unknown_at_now}),
               MakeNode("node2", kFakeNow, "region1", "zone1", {true_at_now})};
    c.updated = {{unhealthy}, {unhealthy}, {unhealthy}};
    c.initial = {{z1, ZoneState::kNormal}};
    c.following = {{z1, ZoneState::kFullDisruption}};
  }
  SECTION("Full Disruption: all the Nodes in one zone are down") {
    c.nodes = {MakeNode("node0", kFakeNow, "region1", "zone1", {unknown_at_now}),
               MakeNode("node1", kFakeNow, "region1", "zone2", {true_at_now})};
    c.updated = {{unhealthy}, {healthy}};
    c.initial = {{z1, ZoneState::kFullDisruption}, {z2, ZoneState::kNormal}};
    c.following = {{z1, ZoneState::kFullDisruption}, {z2, ZoneState::kNormal}};
  }
  SECTION("Full Disruption: all the Nodes in both the zones are down") {
    c.nodes = {MakeNode("node0", kFakeNow, "region1", "zone1", {unknown_at_now}),
               MakeNode("node1", kFakeNow, "region2", "zone2", {unknown_at_now})};
    c.updated = {{unhealthy}, {unhealthy}};
    c.initial = {{z1, ZoneState::kFullDisruption}, {r2z2, ZoneState::kFullDisruption}};
    c.following = {{z1, ZoneState::kFullDisruption}, {r2z2, ZoneState::kFullDisruption}};
  }
  SECTION("Full Disruption: Ready condition removed from the Node") {
    c.nodes = {MakeNode("node0", kFakeNow, "region1", "zone1", {true_at_now})};
    c.updated = {{}};
    c.initial = {{z1, ZoneState::kNormal}};
    c.following = {{z1, ZoneState::kFullDisruption}};
  }
  SECTION("Full Disruption: the only available Node has the node.kubernetes.io/exclude-disruption label") {
    Node master = MakeNode("node-master", kFakeNow, "region1", "zone1", {true_at_now});
    master.metadata.labels[std::string(kLabelNodeDisruptionExclusion)] = "";
    c.nodes = {MakeNode("node0", kFakeNow, "region1", "zone1", {unknown_at_now}), master};
    c.updated = {{unhealthy}, {healthy}};
    c.initial = {{z1, ZoneState::kFullDisruption}};
    c.following = {{z1, ZoneState::kFullDisruption}};
  }
  NodeLifecycleController nc(TestConfig());
  Observe(nc, c.nodes, Now());
  (void)nc.MonitorNodeHealthForTest(Now());
  CHECK(nc.zone_states() == c.initial);
  for (size_t i = 0; i < c.updated.size(); ++i) c.nodes[i].conditions = c.updated[i];
  Observe(nc, c.nodes, Now(time_to_pass));
  (void)nc.MonitorNodeHealthForTest(Now(time_to_pass));
  CHECK(nc.zone_states() == c.following);
}

TEST_CASE("TestMonitorNodeHealthUpdateStatus", "[core][nodelifecycle]") {
  auto pressure_never = [&](WallTime heartbeat, WallTime transition) {
    std::vector<NodeCondition> v;
    for (const char* t : {"MemoryPressure", "DiskPressure", "PIDPressure"})
      v.push_back(NodeCondition{t, ConditionStatus::kUnknown, heartbeat, transition, "NodeStatusNeverUpdated",
                                "Kubelet never posted node status."});
    return v;
  };
  NodeLifecycleController nc(TestConfig());
  nc.ObservePods("node0", 1);
  SECTION("Node created long time ago, without status: Unknown posted") {
    Observe(nc, {MakeNode("node0", kCreation2012)}, Now());
    Sent s = Collect(nc.MonitorNodeHealthForTest(Now()));
    REQUIRE(s.node_status_updates.size() == 1);  // List+Update
    std::vector<NodeCondition> want = {NodeCondition{"Ready", ConditionStatus::kUnknown, kCreation2012, kFakeNow,
                                                     "NodeStatusNeverUpdated", "Kubelet never posted node status."}};
    for (auto& p : pressure_never(kCreation2012, kFakeNow)) want.push_back(p);
    CHECK(s.node_status_updates[0]->conditions == want);
    CHECK(s.pod_status_updates == 0);  // Pod was never scheduled
  }
  SECTION("Node created recently, without status: no action (within startup grace period)") {
    Observe(nc, {MakeNode("node0", kFakeNow)}, Now());
    Sent s = Collect(nc.MonitorNodeHealthForTest(Now()));
    CHECK(s.node_status_updates.empty());
    CHECK(s.pod_status_updates == 0);
  }
  SECTION("Node created long time ago, with status updated by kubelet exceeds grace period: Unknown posted") {
    Node n = MakeNode("node0", kCreation2012, "", "", {Ready(ConditionStatus::kTrue, kFakeNow, kFakeNow)});
    Observe(nc, {n}, Now());
    CHECK(Collect(nc.MonitorNodeHealthForTest(Now())).node_status_updates.empty());
    Observe(nc, {n}, Now(1h));
    Sent s = Collect(nc.MonitorNodeHealthForTest(Now(1h)));
    REQUIRE(s.node_status_updates.size() == 1);  // (List+)List+Update
    std::vector<NodeCondition> want = {NodeCondition{"Ready", ConditionStatus::kUnknown, kFakeNow, kFakeNow + 1h,
                                                     "NodeStatusUnknown", "Kubelet stopped posting node status."}};
    for (auto& p : pressure_never(kCreation2012, kFakeNow + 1h)) want.push_back(p);
    CHECK(s.node_status_updates[0]->conditions == want);
    CHECK(s.pod_status_updates == 1);
  }
  SECTION("Node created long time ago, with status updated recently: no action (within monitor grace period)") {
    Observe(nc, {MakeNode("node0", kCreation2012, "", "", {Ready(ConditionStatus::kTrue, kFakeNow, kFakeNow)})}, Now());
    Sent s = Collect(nc.MonitorNodeHealthForTest(Now()));
    CHECK(s.node_status_updates.empty());
    CHECK(s.pod_status_updates == 0);
  }
}

TEST_CASE("TestMonitorNodeHealthUpdateNodeAndPodStatusWithLease", "[core][nodelifecycle]") {
  NodeLifecycleController nc(TestConfig());
  nc.ObservePods("node0", 1);
  struct Case {
    Node node;
    NodeLeasePtr lease;
    Duration time_to_pass{0};
    std::optional<std::vector<NodeCondition>> new_status;
    NodeLeasePtr new_lease;
    size_t expected_updates = 0;
    bool expected_pod_status_update = false;
  } c;
  const NodeCondition ready_now = Ready(ConditionStatus::kTrue, kFakeNow, kFakeNow);
  SECTION("Node created recently, without status. Node lease is missing.") {
    c.node = MakeNode("node0", kFakeNow);
  }
  SECTION("Node created recently, without status. Node lease is renewed recently.") {
    c.node = MakeNode("node0", kFakeNow);
    c.lease = MakeNodeLease("node0", kFakeNow);
  }
  SECTION("Node created long time ago, without status. Node lease is missing.") {
    c.node = MakeNode("node0", kCreation2012);
    c.expected_updates = 1;
  }
  SECTION("Node created long time ago, without status. Node lease is renewed recently.") {
    c.node = MakeNode("node0", kCreation2012);
    c.lease = MakeNodeLease("node0", kFakeNow);
    c.time_to_pass = 1h;
    c.new_lease = MakeNodeLease("node0", kFakeNow + 1h);  // Lease is renewed after 1 hour.
  }
  SECTION("Node created long time ago, without status. Node lease is expired.") {
    c.node = MakeNode("node0", kCreation2012);
    c.lease = MakeNodeLease("node0", kFakeNow);
    c.time_to_pass = 1h;
    c.new_lease = MakeNodeLease("node0", kFakeNow);  // Lease is not renewed after 1 hour.
    c.expected_updates = 1;
  }
  SECTION("Node created long time ago, with status updated by kubelet exceeds grace period. Node lease is renewed.") {
    c.node = MakeNode("node0", kCreation2012, "", "", {ready_now});
    c.lease = MakeNodeLease("node0", kFakeNow);
    c.time_to_pass = 1h;
    c.new_status = std::vector<NodeCondition>{ready_now};
    c.new_lease = MakeNodeLease("node0", kFakeNow + 1h);
  }
  SECTION("Node created long time ago, with status updated by kubelet recently. Node lease is expired.") {
    c.node = MakeNode("node0", kCreation2012, "", "", {ready_now});
    c.lease = MakeNodeLease("node0", kFakeNow);
    c.time_to_pass = 1h;
    c.new_status = std::vector<NodeCondition>{Ready(ConditionStatus::kTrue, kFakeNow + 1h, kFakeNow)};
    c.new_lease = MakeNodeLease("node0", kFakeNow);
  }
  SECTION("Node created long time ago, with status updated by kubelet exceeds grace period. Node lease is also expired.") {
    c.node = MakeNode("node0", kCreation2012, "", "", {ready_now});
    c.lease = MakeNodeLease("node0", kFakeNow);
    c.time_to_pass = 1h;
    c.new_status = std::vector<NodeCondition>{ready_now};
    c.new_lease = MakeNodeLease("node0", kFakeNow);
    c.expected_updates = 1;
    c.expected_pod_status_update = true;
  }
  Observe(nc, {c.node}, Now());
  if (c.lease) nc.ObserveLease(c.lease);
  Sent total = Collect(nc.MonitorNodeHealthForTest(Now()));
  if (c.time_to_pass > 0s) {
    if (c.new_status) c.node.conditions = *c.new_status;
    Observe(nc, {c.node}, Now(c.time_to_pass));
    if (c.new_lease) nc.ObserveLease(c.new_lease);
    Sent s = Collect(nc.MonitorNodeHealthForTest(Now(c.time_to_pass)));
    total.node_status_updates.insert(total.node_status_updates.end(), s.node_status_updates.begin(),
                                     s.node_status_updates.end());
    total.pod_status_updates += s.pod_status_updates;
  }
  CHECK(total.node_status_updates.size() == c.expected_updates);
  CHECK((total.pod_status_updates > 0) == c.expected_pod_status_update);
}

TEST_CASE("node lifecycle: ComputeZoneState and ReducedQPSFunc", "[core][nodelifecycle]") {
  NodeLifecycleConfig cfg;  // defaults: 0.55, 50, 0.1, 0.01
  NodeLifecycleController nc(cfg);
  const NodeCondition t = Ready(ConditionStatus::kTrue, kFakeNow, kFakeNow);
  const NodeCondition u = Ready(ConditionStatus::kUnknown, kFakeNow, kFakeNow);
  CHECK(nc.ComputeZoneState({&t, &t, &u}).second == ZoneState::kNormal);
  CHECK(nc.ComputeZoneState({&u, &u}).second == ZoneState::kFullDisruption);
  CHECK(nc.ComputeZoneState({nullptr}).second == ZoneState::kFullDisruption);
  // More than 2 not ready and at least 55%.
  CHECK(nc.ComputeZoneState({&u, &u, &u, &t, &t}).second == ZoneState::kPartialDisruption);  // 0.6
  CHECK(nc.ComputeZoneState({&u, &u, &u, &t, &t, &t}).second == ZoneState::kNormal);         // 0.5
  CHECK(nc.ComputeZoneState({&u, &u, &t}).second == ZoneState::kNormal);                     // only 2
  CHECK(nc.ComputeZoneState({&u, &u, &u, &t}).first == 3);
  CHECK(nc.ReducedQPSFunc(51) == Approx(0.01f));
  CHECK(nc.ReducedQPSFunc(50) == 0);
  CHECK(nc.HealthyQPSFunc(3) == Approx(0.1f));
}

TEST_CASE("node lifecycle: --node-monitor-grace-period default is 40s before 1.32, 50s from 1.32 (PR #126287)",
          "[core][nodelifecycle]") {
  CHECK(DefaultNodeMonitorGracePeriod(VersionProfile::ForMinor(31)) == 40s);
  CHECK(DefaultNodeMonitorGracePeriod(VersionProfile::ForMinor(32)) == 50s);
  CHECK(NodeLifecycleConfig::ForProfile(VersionProfile::ForMinor(37)).nodeMonitorGracePeriod == 50s);
}

TEST_CASE("node lifecycle: RateLimitedTimedQueue under a 0.1 QPS token bucket lets one node through every 10s",
          "[core][nodelifecycle]") {
  RateLimitedTimedQueue q(0.1f, MonoTime{0s});
  for (int i = 0; i < 3; ++i) CHECK(q.Add("n" + std::to_string(i), "", MonoTime{0s}));
  CHECK_FALSE(q.Add("n0", "", MonoTime{0s}));  // unique
  std::vector<std::pair<std::string, Duration>> done;
  for (Duration t = 0s; t <= 30s; t += 100ms)
    q.Try(MonoTime{t}, [&](const std::string& v, const std::string&) {
      done.emplace_back(v, t);
      return std::pair<bool, Duration>{true, 0s};
    });
  REQUIRE(done.size() == 3);
  CHECK(done[0] == std::pair<std::string, Duration>{"n0", 0s});
  CHECK(done[1] == std::pair<std::string, Duration>{"n1", 10s});
  CHECK(done[2] == std::pair<std::string, Duration>{"n2", 20s});
  // UniqueQueue.RemoveFromQueue keeps done values in the set: no second Add until Remove.
  CHECK(q.empty());
  CHECK(q.in_set("n0"));
  CHECK_FALSE(q.Add("n0", "", MonoTime{30s}));
  CHECK(q.Remove("n0"));
  CHECK_FALSE(q.in_set("n0"));
  // SwapLimiter(0): NewFakeNeverRateLimiter — nothing passes.
  q.Add("n3", "", MonoTime{31s});
  q.SwapLimiter(0, MonoTime{31s});
  q.Try(MonoTime{100s}, [&](const std::string&, const std::string&) { return std::pair<bool, Duration>{true, 0s}; });
  CHECK(q.size() == 1);
}

TEST_CASE("TestApplyNoExecuteTaints: Unknown, then unreachable:NoExecute one monitor pass later, eviction after 300s",
          "[core][nodelifecycle]") {
  NodeLifecycleConfig cfg = TestConfig();
  NodeLifecycleController nc(cfg);
  Node n0 = MakeNode("node0", kCreation2012, "region1", "zone1", {Ready(ConditionStatus::kTrue, kFakeNow, kFakeNow)});
  Node n1 = MakeNode("node1", kCreation2012, "region1", "zone1", {Ready(ConditionStatus::kTrue, kFakeNow, kFakeNow)});
  nc.ObservePods("node0", 3);
  Observe(nc, {n0, n1}, Now());
  (void)nc.Run(Now());
  // node1 keeps heartbeating through its Lease; node0 goes silent.
  for (Duration t = 5s; t <= 60s; t += 5s) {
    nc.ObserveLease(MakeNodeLease("node1", kFakeNow + t));
    Sent s = Collect(nc.MonitorNodeHealthForTest(Now(t)));
    if (t <= 50s) {
      CHECK(s.node_status_updates.empty());
      continue;
    }
    // 55s: now > probe (0s) + 50s → Unknown posted; NodeNotReady event; pods marked NotReady.
    REQUIRE(s.node_status_updates.size() == 1);
    CHECK(s.node_status_updates[0]->metadata.name == "node0");
    CHECK(s.pod_status_updates == 3);
    n0 = *s.node_status_updates[0];
    // observedReadyCondition was still True in this pass: not queued for tainting yet.
    CHECK(nc.tainter(ZoneID("region1", "zone1"))->empty());
    break;
  }
  Observe(nc, {n0}, Now(56s));
  (void)nc.MonitorNodeHealthForTest(Now(60s));
  CHECK(nc.tainter(ZoneID("region1", "zone1"))->size() == 1);
  Sent taint = Collect(nc.DoNoExecuteTaintingPassForTest(Now(60100ms)));
  REQUIRE(taint.taint_patches.size() == 1);
  REQUIRE(taint.taint_patches[0]->taints.size() == 1);
  CHECK(taint.taint_patches[0]->taints[0].key == kTaintNodeUnreachable);
  CHECK(taint.taint_patches[0]->taints[0].effect == kTaintEffectNoExecute);
  // The taint manager sees the taint through the informer: eviction in 300s.
  Sent sched = Collect(nc.ObserveNode(taint.taint_patches[0], Now(60200ms)));
  REQUIRE(sched.timers.size() == 1);
  CHECK(sched.timers[0].kind == NodeTimerKind::kEviction);
  CHECK(sched.timers[0].at == Now(360200ms).mono);
  Sent evicted = Collect(nc.TimerFired(sched.timers[0].id, Now(360200ms)));
  CHECK(evicted.pod_deletes == 3);
}

TEST_CASE("node lifecycle: taint removed before tolerationSeconds cancels the eviction", "[core][nodelifecycle]") {
  NodeLifecycleController nc(TestConfig());
  Node n0 = MakeNode("node0", kCreation2012, "", "", {Ready(ConditionStatus::kUnknown, kFakeNow, kFakeNow)});
  n0.taints = {Taint{std::string(kTaintNodeUnreachable), std::string(kTaintEffectNoExecute), kFakeNow}};
  nc.ObservePods("node0", 2);
  // A healthy node1 keeps the zone out of FullDisruption (which would un-taint again).
  Observe(nc, {n0, MakeNode("node1", kCreation2012, "", "", {Ready(ConditionStatus::kTrue, kFakeNow, kFakeNow)})}, Now());
  // Run: the taint manager sees the tainted node (scheduled eviction), and the first
  // monitor pass registers the node and marks it reachable (taints removed): a new
  // leader un-taints every node it adds.
  Sent s = Collect(nc.Run(Now()));
  REQUIRE(nc.scheduled_eviction("node0").has_value());
  REQUIRE(s.taint_patches.size() == 1);
  CHECK(s.taint_patches[0]->taints.empty());
  Sent c = Collect(nc.ObserveNode(s.taint_patches[0], Now(10ms)));
  CHECK_FALSE(nc.scheduled_eviction("node0").has_value());
  bool cancelled = false;
  for (const auto& e : c.events) cancelled = cancelled || e.kind == NodeEventKind::kEvictionCancelled;
  CHECK(cancelled);
}

TEST_CASE("node lifecycle: a new controller assumes now for every probe timestamp", "[core][nodelifecycle]") {
  // "Missing timestamp for Node. Assuming now as a timestamp": after a failover the grace
  // period restarts from the new leader's first pass, however stale the heartbeats are.
  NodeLifecycleController nc(TestConfig());
  Observe(nc, {MakeNode("node0", kCreation2012, "", "", {Ready(ConditionStatus::kTrue, kFakeNow, kFakeNow)})}, Now(40s));
  nc.ObserveLease(MakeNodeLease("node0", kFakeNow));
  (void)nc.MonitorNodeHealthForTest(Now(40s));
  REQUIRE(nc.probe_timestamp("node0"));
  CHECK(nc.probe_timestamp("node0")->mono == Now(40s).mono);
  CHECK(Collect(nc.MonitorNodeHealthForTest(Now(90s))).node_status_updates.empty());
  CHECK(Collect(nc.MonitorNodeHealthForTest(Now(90s + 1ns))).node_status_updates.size() == 1);
}
