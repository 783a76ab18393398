// node_lease_controller_test.cc — component-helpers apimachinery/lease/controller_test.go
// (TestNewNodeLease, TestRetryUpdateNodeLease, TestUpdateUsingLatestLease) against a fake
// clientset with reactors, plus the timing of Run (renew interval, jitter, backoff).
#include <catch2/catch.hpp>

#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/node_lease_controller.h"

using namespace leasesim::core;
using namespace std::chrono_literals;

namespace {

// A fake.Clientset: a tracker holding the Node (if any) and the Lease, with reactors
// prepended per verb+resource (client-go's PrependReactor), and the action log.
struct FakeClient {
  std::optional<Node> node;
  NodeLeasePtr lease;
  int rv = 0;
  using Reactor = std::function<std::optional<NodeApiResponse>(const NodeApiRequest&)>;
  std::map<std::string, Reactor> reactors;  // key "get leases", "update leases", ...
  std::vector<std::string> actions;

  static std::string Key(const NodeApiRequest& r) {
    return std::string(NodeVerbName(r.verb)) + " " + std::string(NodeResourceName(r.resource));
  }

  NodeApiResponse Handle(const NodeApiRequest& r) {
    const std::string key = Key(r);
    actions.push_back(key);
    if (auto it = reactors.find(key); it != reactors.end()) {
      if (auto resp = it->second(r)) {
        resp->id = r.id;
        return *resp;
      }
    }
    NodeApiResponse resp;
    resp.id = r.id;
    if (r.resource == NodeResource::kNode) {
      if (!node) {
        resp.status = Status::NotFound(Resource::kLeases, r.name);
        resp.status.message = "nodes \"" + r.name + "\" not found";
        return resp;
      }
      resp.node = std::make_shared<const Node>(*node);
      return resp;
    }
    switch (r.verb) {
      case NodeVerb::kGet:
        if (!lease) return {r.id, Status::NotFound(Resource::kLeases, r.name), nullptr, nullptr};
        resp.lease = lease;
        return resp;
      case NodeVerb::kCreate: {
        NodeLease l = *r.lease;
        l.metadata.resourceVersion = std::to_string(++rv);
        resp.lease = lease = std::make_shared<const NodeLease>(std::move(l));
        resp.status = Status::OK(201);
        return resp;
      }
      case NodeVerb::kUpdate: {
        NodeLease l = *r.lease;
        l.metadata.resourceVersion = std::to_string(++rv);
        resp.lease = lease = std::make_shared<const NodeLease>(std::move(l));
        return resp;
      }
      default:
        return resp;
    }
  }
};

Node FooNode() {
  Node n;
  n.metadata.name = "foo";
  n.metadata.uid = "foo-uid";
  return n;
}

NodeLeasePtr MakeLease(std::string name, std::string rv) {
  NodeLease l;
  l.metadata.namespace_ = std::string(kNamespaceNodeLease);
  l.metadata.name = std::move(name);
  l.metadata.resourceVersion = std::move(rv);
  return std::make_shared<const NodeLease>(std::move(l));
}

LocalTime At(Duration d) { return {MonoTime{d}, WallTime{1'700'000'000s + d}}; }

// Drive runs effects to completion: requests answered at once by the client, backoff
// timers fired when due (time advances to them). Stops when the controller arms its
// renew timer or a test function finished. Returns the number of heartbeat-failure calls.
struct Drive {
  NodeLeaseController& c;
  FakeClient& client;
  LocalTime now = At(0s);
  int repeated_failures = 0;
  std::vector<std::pair<NodeTimerKind, Duration>> timers;  // kind, delay from arming
  std::optional<TimerId> renew_timer;

  void Apply(std::span<const NodeEffect> effects) {
    std::deque<NodeEffect> q(effects.begin(), effects.end());
    while (!q.empty()) {
      NodeEffect e = std::move(q.front());
      q.pop_front();
      std::span<const NodeEffect> next;
      if (auto* s = std::get_if<SendNodeApiRequest>(&e)) {
        next = c.OnApiResponse(client.Handle(s->request), now);
      } else if (auto* t = std::get_if<ArmNodeTimer>(&e)) {
        timers.emplace_back(t->kind, t->at - now.mono);
        if (t->kind == NodeTimerKind::kLeaseRenew) {
          renew_timer = t->id;
          continue;
        }
        now = {t->at, now.wall + (t->at - now.mono)};
        next = c.TimerFired(t->id, now);
      } else if (std::holds_alternative<RepeatedHeartbeatFailure>(e)) {
        ++repeated_failures;
      }
      for (auto it = next.rbegin(); it != next.rend(); ++it) q.push_front(*it);
    }
  }
};

NodeLeaseControllerConfig TestConfig(int32_t lds = 10) {
  NodeLeaseControllerConfig cfg;
  cfg.holderIdentity = "foo";
  cfg.leaseName = "foo";
  cfg.leaseDurationSeconds = lds;
  cfg.renewInterval = KubeletRenewInterval(lds);
  return cfg;
}

}  // namespace

TEST_CASE("TestNewNodeLease", "[core][nodelease]") {
  const LocalTime now = At(100s);
  const OwnerReference owner{"v1", "Node", "foo", "foo-uid"};
  auto run = [&](std::optional<Node> node, NodeLeasePtr base, int32_t lds) {
    FakeClient client;
    client.node = std::move(node);
    NodeLeaseController c(TestConfig(lds), 1);
    Drive d{c, client, now};
    d.Apply(c.BeginNewLeaseForTest(base, now));
    REQUIRE(c.test_done());
    REQUIRE(c.test_lease());
    // the new lease must be newly allocated, not the same object as base
    CHECK(c.test_lease() != base);
    return c.test_lease();
  };
  auto base = [&](bool with_owner, int32_t lds) {
    NodeLease l;
    l.metadata.name = "foo";
    l.metadata.namespace_ = std::string(kNamespaceNodeLease);
    if (with_owner) l.ownerReferences = {owner};
    l.spec.holderIdentity = "foo";
    l.spec.leaseDurationSeconds = lds;
    l.spec.renewTime = now.wall + (-10s);
    return std::make_shared<const NodeLease>(std::move(l));
  };

  SECTION("nil base without node") {
    NodeLeasePtr l = run(std::nullopt, nullptr, 10);
    CHECK(l->metadata.name == "foo");
    CHECK(l->metadata.namespace_ == "kube-node-lease");
    CHECK(l->ownerReferences.empty());
    CHECK(l->spec.holderIdentity == "foo");
    CHECK(l->spec.leaseDurationSeconds == 10);
    CHECK(l->spec.renewTime == now.wall);
  }
  SECTION("nil base with node") {
    NodeLeasePtr l = run(FooNode(), nullptr, 10);
    REQUIRE(l->ownerReferences.size() == 1);
    CHECK(l->ownerReferences[0] == owner);
    CHECK(l->spec.leaseDurationSeconds == 10);
    CHECK(l->spec.renewTime == now.wall);
  }
  SECTION("non-nil base without owner ref, renew time is updated") {
    NodeLeasePtr l = run(FooNode(), base(false, 10), 10);
    REQUIRE(l->ownerReferences.size() == 1);
    CHECK(l->ownerReferences[0] == owner);
    CHECK(l->spec.renewTime == now.wall);
  }
  SECTION("non-nil base with owner ref, renew time is updated") {
    FakeClient client;  // no Get is made when the owner reference is already set
    client.node = FooNode();
    NodeLeaseController c(TestConfig(10), 1);
    Drive d{c, client, now};
    d.Apply(c.BeginNewLeaseForTest(base(true, 10), now));
    REQUIRE(c.test_done());
    CHECK(client.actions.empty());
    CHECK(c.test_lease()->ownerReferences == std::vector<OwnerReference>{owner});
    CHECK(c.test_lease()->spec.renewTime == now.wall);
  }
  SECTION("non-nil base with owner ref, lease duration is updated") {
    NodeLeasePtr l = run(FooNode(), base(true, 123), 456);
    CHECK(l->spec.leaseDurationSeconds == 456);
    CHECK(l->spec.renewTime == now.wall);
  }
}

TEST_CASE("TestRetryUpdateNodeLease", "[core][nodelease]") {
  const Status timeout = Status::ServerTimeout();
  const Status conflict = Status::Conflict(Resource::kLeases, "lease");
  FakeClient client;
  client.node = FooNode();
  NodeLeaseControllerConfig cfg = TestConfig(10);
  bool expect_err = false;
  int max_repeated_failures = 1 << 20;

  SECTION("no errors") {
    client.reactors["update leases"] = [](const NodeApiRequest& r) {
      return NodeApiResponse{0, Status::OK(), std::make_shared<const NodeLease>(), nullptr};
    };
  }
  SECTION("connection errors") {
    client.reactors["update leases"] = [&](const NodeApiRequest&) {
      return NodeApiResponse{0, timeout, nullptr, nullptr};
    };
    expect_err = true;
  }
  SECTION("optimistic lock errors") {
    auto i = std::make_shared<int>(0);
    client.reactors["update leases"] = [&, i](const NodeApiRequest&) -> std::optional<NodeApiResponse> {
      switch (++*i) {
        case 1: return NodeApiResponse{0, timeout, nullptr, nullptr};
        case 2: return NodeApiResponse{0, conflict, nullptr, nullptr};
        default: return NodeApiResponse{0, Status::OK(), std::make_shared<const NodeLease>(), nullptr};
      }
    };
    client.reactors["get leases"] = [](const NodeApiRequest&) {
      return NodeApiResponse{0, Status::OK(), std::make_shared<const NodeLease>(), nullptr};
    };
    max_repeated_failures = 0;  // onRepeatedHeartbeatFailure must not be called
  }
  SECTION("node not found errors") {
    client.node.reset();
    client.reactors["update leases"] = [](const NodeApiRequest&) -> std::optional<NodeApiResponse> {
      FAIL("lease was updated when node does not exist!");
      return std::nullopt;
    };
    expect_err = true;
  }
  NodeLeaseController c(cfg, 1);
  Drive d{c, client};
  d.Apply(c.BeginRetryUpdateLeaseForTest(nullptr, d.now));
  REQUIRE(c.test_done());
  CHECK(c.test_error().has_value() == expect_err);
  CHECK(d.repeated_failures <= max_repeated_failures);
}

TEST_CASE("TestRetryUpdateNodeLease connection errors call onRepeatedHeartbeatFailure after each retry",
          "[core][nodelease]") {
  // retryUpdateLease: `if i > 0 && c.onRepeatedHeartbeatFailure != nil` — 4 of 5 failures.
  FakeClient client;
  client.node = FooNode();
  client.reactors["update leases"] = [](const NodeApiRequest&) {
    return NodeApiResponse{0, Status::ServerTimeout(), nullptr, nullptr};
  };
  NodeLeaseController c(TestConfig(), 1);
  Drive d{c, client};
  d.Apply(c.BeginRetryUpdateLeaseForTest(nullptr, d.now));
  CHECK(d.repeated_failures == 4);
  int updates = 0;
  for (const auto& a : client.actions) updates += a == "update leases";
  CHECK(updates == kMaxUpdateRetries);
}

TEST_CASE("TestUpdateUsingLatestLease", "[core][nodelease]") {
  const Status not_found = Status::NotFound(Resource::kLeases, "foo");
  FakeClient client;
  client.node = FooNode();
  NodeLeasePtr latest;
  bool expect_latest = true;
  std::string expect_rv;

  SECTION("latestLease is nil and need to create") {
    client.reactors["get leases"] = [&](const NodeApiRequest&) { return NodeApiResponse{0, not_found, nullptr, nullptr}; };
    client.reactors["create leases"] = [](const NodeApiRequest&) {
      return NodeApiResponse{0, Status::OK(201), MakeLease("foo", "1"), nullptr};
    };
    expect_rv = "1";
  }
  SECTION("latestLease is nil and need to create, node doesn't exist") {
    client.node.reset();
    client.reactors["get leases"] = [&](const NodeApiRequest&) { return NodeApiResponse{0, not_found, nullptr, nullptr}; };
    client.reactors["create leases"] = [](const NodeApiRequest&) {
      return NodeApiResponse{0, Status::OK(201), MakeLease("foo", "1"), nullptr};
    };
    expect_latest = false;
  }
  SECTION("latestLease is nil and need to update") {
    client.reactors["update leases"] = [](const NodeApiRequest&) {
      return NodeApiResponse{0, Status::OK(), MakeLease("foo", "2"), nullptr};
    };
    client.reactors["get leases"] = [](const NodeApiRequest&) {
      return NodeApiResponse{0, Status::OK(), MakeLease("foo", "1"), nullptr};
    };
    expect_rv = "2";
  }
  SECTION("latestLease exist and need to update") {
    latest = MakeLease("foo", "1");
    client.reactors["update leases"] = [](const NodeApiRequest&) {
      return NodeApiResponse{0, Status::OK(), MakeLease("foo", "2"), nullptr};
    };
    expect_rv = "2";
  }
  SECTION("update with latest lease failed") {
    latest = MakeLease("foo", "1");
    auto i = std::make_shared<int>(0);
    client.reactors["update leases"] = [&, i](const NodeApiRequest&) -> std::optional<NodeApiResponse> {
      switch (++*i) {
        case 1: return NodeApiResponse{0, not_found, nullptr, nullptr};
        case 2: return NodeApiResponse{0, Status::OK(), MakeLease("foo", "3"), nullptr};
        default: FAIL("unexpect call update lease"); return std::nullopt;
      }
    };
    client.reactors["get leases"] = [](const NodeApiRequest&) {
      return NodeApiResponse{0, Status::OK(), MakeLease("foo", "2"), nullptr};
    };
    expect_rv = "3";
  }
  NodeLeaseController c(TestConfig(), 1);
  c.SetLatestLeaseForTest(latest);
  Drive d{c, client};
  d.Apply(c.BeginSyncForTest(d.now));
  REQUIRE(c.test_done());
  if (expect_latest) {
    REQUIRE(c.latest_lease());
    CHECK(c.latest_lease()->metadata.resourceVersion == expect_rv);
  } else {
    CHECK_FALSE(c.latest_lease());
  }
}

TEST_CASE("node lease renew interval is 0.25 x the lease duration", "[core][nodelease]") {
  CHECK(KubeletRenewInterval(40) == 10s);
  CHECK(KubeletRenewInterval(10) == 2500ms);
  CHECK(NodeLeaseControllerConfig::Kubelet("n", 40).renewInterval == 10s);
}

TEST_CASE("node lease Run: create, then renews every renewInterval with up to 4% jitter and no GET",
          "[core][nodelease]") {
  FakeClient client;
  client.node = FooNode();
  NodeLeaseController c(NodeLeaseControllerConfig::Kubelet("foo", 40), 7);
  Drive d{c, client};
  d.Apply(c.Run(d.now));
  // First sync: ensureLease (Get 404, newLease's Node GET for the owner, Create).
  CHECK(client.actions == std::vector<std::string>{"get leases", "get nodes", "create leases"});
  REQUIRE(c.latest_lease());
  CHECK(c.latest_lease()->ownerReferences.size() == 1);
  for (int i = 0; i < 20; ++i) {
    REQUIRE(d.renew_timer);
    const Duration delay = d.timers.back().second;
    CHECK(delay >= 10s);
    CHECK(delay < 10400ms);
    const TimerId id = *d.renew_timer;
    d.renew_timer.reset();
    d.now = {d.now.mono + delay, d.now.wall + delay};
    client.actions.clear();
    d.Apply(c.TimerFired(id, d.now));
    // Renew with the cached object: one Update, no Get.
    CHECK(client.actions == std::vector<std::string>{"update leases"});
    CHECK(c.latest_lease()->spec.renewTime == d.now.wall);
  }
}

TEST_CASE("node lease backoffEnsureLease doubles its sleep from 200ms up to maxBackoff 7s", "[core][nodelease]") {
  FakeClient client;
  client.node = FooNode();
  auto fails = std::make_shared<int>(0);
  client.reactors["get leases"] = [fails](const NodeApiRequest&) -> std::optional<NodeApiResponse> {
    if (++*fails <= 8) return NodeApiResponse{0, Status::ServiceUnavailable(), nullptr, nullptr};
    return std::nullopt;
  };
  NodeLeaseController c(NodeLeaseControllerConfig::Kubelet("foo", 40), 7);
  Drive d{c, client};
  d.Apply(c.Run(d.now));
  std::vector<Duration> sleeps;
  for (auto& [kind, delay] : d.timers)
    if (kind == NodeTimerKind::kLeaseBackoff) sleeps.push_back(delay);
  CHECK(sleeps == std::vector<Duration>{200ms, 400ms, 800ms, 1600ms, 3200ms, 6400ms, 7s, 7s});
  CHECK(c.latest_lease());  // created after the 9th Get
}
