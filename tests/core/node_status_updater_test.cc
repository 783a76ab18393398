// node_status_updater_test.cc — the kubelet's node status loop (kubelet_node_status.go):
// GET from cache, PATCH only on change or after nodeStatusReportFrequency, retries.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "core/node_status_updater.h"

using namespace leasesim::core;
using namespace std::chrono_literals;

namespace {

LocalTime At(Duration d) { return {MonoTime{d}, WallTime{1'700'000'000s + d}}; }

struct Server {
  Node node;
  std::vector<std::string> actions;
  int fail_next = 0;
  NodeApiResponse Handle(const NodeApiRequest& r) {
    actions.push_back(std::string(NodeVerbName(r.verb)) + (r.from_cache ? " cache" : ""));
    if (fail_next > 0) {
      --fail_next;
      return {r.id, Status::ServerTimeout(), nullptr, nullptr};
    }
    if (r.verb == NodeVerb::kPatch) node = *r.node;
    return {r.id, Status::OK(), nullptr, std::make_shared<const Node>(node)};
  }
};

// One sync: answers requests at once; returns the timer armed at its end and the count of
// heartbeat-failure callbacks.
struct Sync {
  TimerId timer = 0;
  MonoTime at;
  int repeated = 0;
};
Sync RunSync(NodeStatusUpdater& u, Server& s, std::span<const NodeEffect> effects, LocalTime now) {
  Sync out;
  std::vector<NodeEffect> q(effects.begin(), effects.end());
  while (!q.empty()) {
    NodeEffect e = q.front();
    q.erase(q.begin());
    if (auto* r = std::get_if<SendNodeApiRequest>(&e)) {
      auto next = u.OnApiResponse(s.Handle(r->request), now);
      q.insert(q.begin(), next.begin(), next.end());
    } else if (auto* t = std::get_if<ArmNodeTimer>(&e)) {
      out.timer = t->id;
      out.at = t->at;
    } else if (std::holds_alternative<RepeatedHeartbeatFailure>(e)) {
      ++out.repeated;
    }
  }
  return out;
}

}  // namespace

TEST_CASE("node status: PATCH on the first sync, then GET-only until nodeStatusReportFrequency", "[core][nodestatus]") {
  Server s;
  s.node.metadata.name = "n1";
  NodeStatusUpdater u({.nodeName = "n1"}, 3);
  LocalTime now = At(0s);
  Sync sy = RunSync(u, s, u.Run(now), now);
  CHECK(s.actions == std::vector<std::string>{"get cache", "patch"});
  const NodeCondition* ready = GetNodeCondition(s.node.conditions, "Ready");
  REQUIRE(ready);
  CHECK(ready->status == ConditionStatus::kTrue);
  CHECK(ready->reason == "KubeletReady");
  int patches = 1;
  // 1 hour of syncs: a PATCH only once at least 5m passed since the last report.
  MonoTime last_patch = now.mono;
  while (sy.at.since_boot < 1h) {
    CHECK(sy.at - now.mono >= 10s);
    CHECK(sy.at - now.mono < 10400ms);
    now = At(sy.at.since_boot);
    s.actions.clear();
    sy = RunSync(u, s, u.TimerFired(sy.timer, now), now);
    if (s.actions.size() == 2) {
      CHECK(now.mono - last_patch >= 5min);
      CHECK(now.mono - last_patch < 5min + 10400ms);
      last_patch = now.mono;
      ++patches;
    } else {
      CHECK(s.actions == std::vector<std::string>{"get cache"});
    }
  }
  CHECK(patches == 12);
  CHECK(u.patches() == 12);
}

TEST_CASE("node status: Ready=Unknown posted by the node controller is corrected at the next sync", "[core][nodestatus]") {
  Server s;
  NodeStatusUpdater u({.nodeName = "n1"}, 3);
  LocalTime now = At(0s);
  Sync sy = RunSync(u, s, u.Run(now), now);
  // The node lifecycle controller marks the node Unknown.
  GetNodeCondition(s.node.conditions, "Ready")->status = ConditionStatus::kUnknown;
  now = At(sy.at.since_boot);
  s.actions.clear();
  RunSync(u, s, u.TimerFired(sy.timer, now), now);
  CHECK(s.actions == std::vector<std::string>{"get cache", "patch"});
  const NodeCondition* ready = GetNodeCondition(s.node.conditions, "Ready");
  CHECK(ready->status == ConditionStatus::kTrue);
  CHECK(ready->lastTransitionTime == now.wall);
}

TEST_CASE("node status: updateNodeStatus retries 5 times, the first GET from cache, onRepeatedHeartbeatFailure on retries",
          "[core][nodestatus]") {
  Server s;
  s.fail_next = 5;
  NodeStatusUpdater u({.nodeName = "n1"}, 3);
  Sync sy = RunSync(u, s, u.Run(At(0s)), At(0s));
  CHECK(s.actions == std::vector<std::string>{"get cache", "get", "get", "get", "get"});
  CHECK(sy.repeated == 4);
  CHECK_FALSE(u.last_status_report().has_value());
}

TEST_CASE("node status: nodeConditionsHaveChanged ignores heartbeat times", "[core][nodestatus]") {
  std::vector<NodeCondition> a, b;
  KubeletConditions(a, WallTime{100s});
  b = a;
  KubeletConditions(b, WallTime{200s});
  CHECK_FALSE(NodeConditionsHaveChanged(a, b));
  b[3].status = ConditionStatus::kUnknown;
  CHECK(NodeConditionsHaveChanged(a, b));
}
