// API Priority and Fairness (sim/apf.h): classification by the bootstrap FlowSchemas,
// concurrency limits and seats, shuffle sharding, fair queuing order, 429s, and the API
// server with APF off behaving as before. Names follow the Go tests of k8s.io/apiserver
// v0.37 where one exists (pkg/util/flowcontrol/match_test.go, request/
// list_work_estimator_test.go, fairqueuing/queueset/queueset_test.go,
// dropped_requests_tracker_test.go, pkg/apis/flowcontrol/bootstrap/default_test.go).
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "sim/api_server.h"
#include "sim/apf.h"
#include "sim/apf_config.h"
#include "sim/background_clients.h"
#include "sim/cluster_report.h"
#include "sim/runner.h"
#include "sim/scenario.h"
#include "sim/scheduler.h"

using namespace leasesim;
using namespace leasesim::sim;
using namespace std::chrono_literals;

namespace {

apf::RequestDigest Req(apf::UserInfo u, std::string verb, std::string group, std::string resource, std::string ns,
                       std::string sub = "") {
  apf::RequestDigest d;
  d.user = std::move(u);
  d.verb = std::move(verb);
  d.api_group = std::move(group);
  d.resource = std::move(resource);
  d.namespace_ = std::move(ns);
  d.subresource = std::move(sub);
  return d;
}

struct Classified {
  std::string schema, level;
};

Classified ClassifyBootstrap(const apf::RequestDigest& d) {
  static const apf::Config c = apf::BootstrapConfig();
  const apf::Classification k = apf::Classify(c, d);
  return {c.flow_schemas[static_cast<size_t>(k.flow_schema)].name,
          c.priority_levels[static_cast<size_t>(k.priority_level)].name};
}

apf::WorkEstimate One() { return apf::WorkEstimate{}; }

}  // namespace

TEST_CASE("TestMatching: each bootstrap FlowSchema matches its requests", "[sim][apf]") {
  const apf::UserInfo kcm = apf::KubeControllerManagerUser();
  const apf::UserInfo sched = UserFromName("system:kube-scheduler");
  const apf::UserInfo node = apf::NodeUser("node-1");
  const apf::UserInfo kube_system_sa = apf::ServiceAccountUser("kube-system", "node-controller");
  const apf::UserInfo app_sa = apf::ServiceAccountUser("monitoring", "scraper");
  const apf::UserInfo alice = UserFromName("alice");
  struct Case {
    const char* what;
    apf::RequestDigest d;
    Classified want;
  };
  apf::RequestDigest healthz;
  healthz.user = alice;
  healthz.is_resource_request = false;
  healthz.verb = "get";
  healthz.path = "/healthz";
  apf::RequestDigest anonymous = Req({"system:anonymous", {"system:unauthenticated"}}, "list", "", "pods", "");
  apf::RequestDigest nobody = Req({"nobody", {}}, "list", "", "pods", "");
  const std::vector<Case> cases = {
      {"controller-manager renews its Lease", Req(kcm, "update", "coordination.k8s.io", "leases", "kube-system"),
       {"system-leader-election", "leader-election"}},
      {"controller-manager gets its Lease", Req(kcm, "get", "coordination.k8s.io", "leases", "kube-system"),
       {"system-leader-election", "leader-election"}},
      {"scheduler creates its Lease", Req(sched, "create", "coordination.k8s.io", "leases", "kube-system"),
       {"system-leader-election", "leader-election"}},
      {"a kube-system service account renews a Lease", Req(kube_system_sa, "update", "coordination.k8s.io", "leases", "kube-system"),
       {"system-leader-election", "leader-election"}},
      {"controller-manager lists Leases (list is not get/create/update)",
       Req(kcm, "list", "coordination.k8s.io", "leases", "kube-system"), {"kube-controller-manager", "workload-high"}},
      {"controller-manager's leader election on a ConfigMap lock (only leases match)",
       Req(kcm, "update", "", "configmaps", "kube-system"), {"kube-controller-manager", "workload-high"}},
      {"kubelet renews its node Lease", Req(node, "update", "coordination.k8s.io", "leases", "kube-node-lease"),
       {"system-node-high", "node-high"}},
      {"kubelet patches its Node status", Req(node, "patch", "", "nodes", "", "status"), {"system-node-high", "node-high"}},
      {"kubelet gets its Node", Req(node, "get", "", "nodes", ""), {"system-node-high", "node-high"}},
      {"kubelet lists pods", Req(node, "list", "", "pods", ""), {"system-nodes", "system"}},
      {"scheduler binds a pod", Req(sched, "create", "", "pods", "default", "binding"), {"kube-scheduler", "workload-high"}},
      {"node lifecycle controller (kube-system SA) patches a Node", Req(kube_system_sa, "patch", "", "nodes", ""),
       {"kube-system-service-accounts", "workload-high"}},
      {"an application's service account lists pods", Req(app_sa, "list", "", "pods", ""), {"service-accounts", "workload-low"}},
      {"a user lists pods", Req(alice, "list", "", "pods", "default"), {"global-default", "global-default"}},
      {"an anonymous list", anonymous, {"global-default", "global-default"}},
      {"loopback (system:masters)", Req(apf::LoopbackUser(), "update", "coordination.k8s.io", "leases", "kube-system"),
       {"exempt", "exempt"}},
      {"a probe", healthz, {"probes", "exempt"}},
      {"a user in no group falls back to catch-all", nobody, {"catch-all", "catch-all"}},
  };
  for (const Case& c : cases) {
    CAPTURE(c.what);
    const Classified got = ClassifyBootstrap(c.d);
    CHECK(got.schema == c.want.schema);
    CHECK(got.level == c.want.level);
  }
}

TEST_CASE("TestMatching: flow distinguishers and hashes", "[sim][apf]") {
  const apf::Config c = apf::BootstrapConfig();
  // ByUser for system-leader-election: two controller-managers are two flows...
  const auto a = apf::Classify(c, Req(apf::KubeControllerManagerUser(), "update", "coordination.k8s.io", "leases", "kube-system"));
  CHECK(a.flow_distinguisher == "system:kube-controller-manager");
  CHECK(a.hash == apf::HashFlowID("system-leader-election", "system:kube-controller-manager"));
  // ...ByNamespace for kube-controller-manager's other requests.
  const auto b = apf::Classify(c, Req(apf::KubeControllerManagerUser(), "list", "", "pods", "ns-1"));
  CHECK(b.flow_distinguisher == "ns-1");
  // catch-all rejects without queues: no distinguisher, hash 0 (numQueues <= 1).
  const auto d = apf::Classify(c, Req({"nobody", {}}, "list", "", "pods", ""));
  CHECK(d.flow_distinguisher.empty());
  CHECK(d.hash == 0);
  CHECK(apf::HashFlowID("a", "bc") != apf::HashFlowID("ab", "c"));
}

TEST_CASE("bootstrap levels: nominal concurrency limits and max seats at 600", "[sim][apf]") {
  const apf::Config c = apf::BootstrapConfig(600);
  const std::vector<int> cl = apf::NominalConcurrencyLimits(c);
  std::map<std::string, int> by_name;
  for (size_t i = 0; i < cl.size(); ++i) by_name[c.priority_levels[i].name] = cl[i];
  // ceil(600 × shares / 245): the shares sum to 30+40+10+40+100+20+5 = 245.
  CHECK(by_name == std::map<std::string, int>{{"exempt", 0},          {"system", 74},         {"node-high", 98},
                                              {"leader-election", 25}, {"workload-high", 98},  {"workload-low", 245},
                                              {"global-default", 49},  {"catch-all", 13}});
  // max(1, min(ceil(0.15 × CL), CL / handSize)).
  CHECK(apf::MaxSeats(c.priority_levels[static_cast<size_t>(c.LevelIndex("leader-election"))], 25) == 4);
  CHECK(apf::MaxSeats(c.priority_levels[static_cast<size_t>(c.LevelIndex("workload-low"))], 245) == 37);
  CHECK(apf::MaxSeats(c.priority_levels[static_cast<size_t>(c.LevelIndex("catch-all"))], 13) == 0);
  // Shares of a level changed in the scenario change every level's limit.
  ApfSpec s;
  s.shares["leader-election"] = 255;
  const std::vector<int> cl2 = apf::NominalConcurrencyLimits(s.Config());
  CHECK(cl2[static_cast<size_t>(c.LevelIndex("leader-election"))] == 313);  // ceil(600 × 255 / 490)
  CHECK(cl2[static_cast<size_t>(c.LevelIndex("workload-low"))] == 123);     // ceil(600 × 100 / 490)
}

TEST_CASE("TestListWorkEstimator: seats by object count", "[sim][apf]") {
  apf::RequestDigest list = Req(apf::ServiceAccountUser("a", "b"), "list", "", "pods", "");
  auto seats = [&](int64_t objects, int64_t limit, bool cache, std::string name = "", int64_t max_seats = 10) {
    apf::RequestDigest d = list;
    d.objects = objects;
    d.limit = limit;
    d.from_cache = cache;
    d.name = std::move(name);
    return apf::EstimateWork(d, max_seats).initial_seats;
  };
  CHECK(seats(799, 0, true) == 8);            // from the cache: all stored objects / 100
  CHECK(seats(799, 0, false) == 10);          // from etcd: 2 × 799 / 100 = 16, capped at 10
  CHECK(seats(799, 10, false) == 1);          // 2 × limit 10 = 20 objects: 1 seat
  CHECK(seats(799, 100, false) == 2);         // 2 × 100 = 200 objects
  CHECK(seats(799, 0, false, "pod-1") == 1);  // metadata.name given: a single object
  CHECK(seats(0, 0, true) == 1);              // never below minimumSeats
  CHECK(seats(10000, 0, true, "", 4) == 4);   // the level's max seats
  CHECK(seats(10000, 0, true, "", 0) == 10);  // no max recorded: MaximumListSeatsLimit
}

TEST_CASE("mutating work estimator: watchers add final seats for 5ms", "[sim][apf]") {
  apf::RequestDigest d = Req(apf::KubeControllerManagerUser(), "update", "", "configmaps", "kube-system");
  d.watchers = 9;
  CHECK(apf::EstimateWork(d, 10).final_seats == 0);
  d.watchers = 29;
  apf::WorkEstimate w = apf::EstimateWork(d, 10);
  CHECK(w.initial_seats == 1);
  CHECK(w.final_seats == 3);
  CHECK(w.additional_latency == 5ms);
  d.watchers = 150;  // 15 final seats reshaped to 10 for 7.5ms: the same final work
  w = apf::EstimateWork(d, 10);
  CHECK(w.final_seats == 10);
  CHECK(w.additional_latency == 7500us);
  CHECK(w.MaxSeats() == 10);
  d.verb = "get";
  CHECK(apf::EstimateWork(d, 10).MaxSeats() == 1);
}

TEST_CASE("shuffle sharding: Dealer deals distinct cards from the hash", "[sim][apf]") {
  // deck 4, hand 2, hash 5: digits 5 % 4 = 1, (5 / 4) % 3 = 1 -> cards 1 and 2.
  CHECK(apf::Dealer(4, 2).DealIntoHand(5) == std::vector<int>{1, 2});
  const apf::Dealer d(128, 6);
  const std::vector<uint64_t> hashes = {0, 1, 12345, 0xffffffffffffffffULL, apf::HashFlowID("service-accounts", "x")};
  for (uint64_t h : hashes) {
    std::vector<int> hand = d.DealIntoHand(h);
    CHECK(hand.size() == 6);
    std::sort(hand.begin(), hand.end());
    CHECK(std::adjacent_find(hand.begin(), hand.end()) == hand.end());
    CHECK(hand.front() >= 0);
    CHECK(hand.back() < 128);
    CHECK(d.DealIntoHand(h).size() == 6);
  }
}

TEST_CASE("TestBaseline: one flow runs up to the concurrency limit, the rest waits in FIFO order", "[sim][apf][queueset]") {
  const TrueTime t0 = kTrueEpoch;
  apf::QueueSet qs(/*concurrency_limit=*/2, /*queues=*/8, /*hand_size=*/1, /*queue_length_limit=*/10, t0);
  for (uint64_t t = 1; t <= 4; ++t) CHECK(qs.StartRequest(t, One(), 3, t0) == apf::QueueSet::Start::kQueued);
  CHECK(qs.Dispatch(t0) == std::vector<uint64_t>{1, 2});
  CHECK(qs.seats_in_use() == 2);
  CHECK(qs.requests_waiting() == 2);
  qs.FinishRequest(1, t0 + 3ms);
  CHECK(qs.Dispatch(t0 + 3ms) == std::vector<uint64_t>{3});
  qs.FinishRequest(2, t0 + 4ms);
  qs.FinishRequest(3, t0 + 5ms);
  CHECK(qs.Dispatch(t0 + 5ms) == std::vector<uint64_t>{4});
  qs.FinishRequest(4, t0 + 8ms);
  CHECK(qs.seats_in_use() == 0);
  CHECK(qs.requests_executing() == 0);
}

TEST_CASE("TestDifferentFlowsExpectEqual: fair queuing serves a second flow before the first flow's backlog", "[sim][apf][queueset]") {
  const TrueTime t0 = kTrueEpoch;
  // Hand size 1 over 8 queues: flow A (hash 0) -> queue 0, flow B (hash 1) -> queue 1.
  apf::QueueSet qs(1, 8, 1, 10, t0);
  for (uint64_t t : std::vector<uint64_t>{1, 2, 3}) REQUIRE(qs.StartRequest(t, One(), 0, t0) == apf::QueueSet::Start::kQueued);
  CHECK(qs.Dispatch(t0) == std::vector<uint64_t>{1});
  REQUIRE(qs.StartRequest(11, One(), 1, t0 + 1ms) == apf::QueueSet::Start::kQueued);  // B arrives behind A's backlog
  CHECK(qs.QueueOf(1) == 0);
  CHECK(qs.QueueOf(11) == 1);
  std::vector<uint64_t> order = {1};
  TrueTime now = t0;
  uint64_t running = 1;
  for (int i = 0; i < 3; ++i) {
    now = now + 3ms;
    qs.FinishRequest(running, now);
    const std::vector<uint64_t> d = qs.Dispatch(now);
    REQUIRE(d.size() == 1);
    running = d[0];
    order.push_back(running);
  }
  // FIFO would be 1, 2, 3, 11: fair queuing interleaves B's request after A's first.
  CHECK(order == std::vector<uint64_t>{1, 11, 2, 3});
}

TEST_CASE("queueset: 429 when the seats are taken and the queue is at queueLengthLimit", "[sim][apf][queueset]") {
  const TrueTime t0 = kTrueEpoch;
  apf::QueueSet qs(1, 1, 1, 2, t0);
  REQUIRE(qs.StartRequest(1, One(), 0, t0) == apf::QueueSet::Start::kQueued);
  CHECK(qs.Dispatch(t0) == std::vector<uint64_t>{1});
  CHECK(qs.StartRequest(2, One(), 0, t0) == apf::QueueSet::Start::kQueued);
  CHECK(qs.StartRequest(3, One(), 0, t0) == apf::QueueSet::Start::kQueued);
  CHECK(qs.StartRequest(4, One(), 0, t0) == apf::QueueSet::Start::kRejected);
  // A waiting request whose limit passes leaves its queue (req.wait on decisionCancel).
  CHECK(qs.Cancel(2, t0 + 15s));
  CHECK_FALSE(qs.Cancel(2, t0 + 15s));
  CHECK_FALSE(qs.Cancel(1, t0 + 15s));  // executing, not waiting
  CHECK(qs.requests_waiting() == 1);
  CHECK(qs.StartRequest(5, One(), 0, t0 + 15s) == apf::QueueSet::Start::kQueued);
}

TEST_CASE("TestDifferentFlowsWithoutQueuing: a level without queues rejects once its seats are taken", "[sim][apf][queueset]") {
  const TrueTime t0 = kTrueEpoch;
  apf::QueueSet qs(2, 0, 0, 0, t0);
  CHECK(qs.StartRequest(1, One(), 0, t0) == apf::QueueSet::Start::kExecute);
  CHECK(qs.StartRequest(2, One(), 7, t0) == apf::QueueSet::Start::kExecute);
  CHECK(qs.StartRequest(3, One(), 9, t0) == apf::QueueSet::Start::kRejected);
  qs.FinishRequest(1, t0 + 1ms);
  CHECK(qs.StartRequest(4, One(), 9, t0 + 1ms) == apf::QueueSet::Start::kExecute);
}

TEST_CASE("TestTooWide: a request wider than the limit runs only alone", "[sim][apf][queueset]") {
  const TrueTime t0 = kTrueEpoch;
  apf::QueueSet qs(4, 1, 1, 10, t0);
  apf::WorkEstimate wide;
  wide.initial_seats = 10;
  REQUIRE(qs.StartRequest(1, One(), 0, t0) == apf::QueueSet::Start::kQueued);
  REQUIRE(qs.Dispatch(t0) == std::vector<uint64_t>{1});
  REQUIRE(qs.StartRequest(2, wide, 0, t0) == apf::QueueSet::Start::kQueued);
  CHECK(qs.Dispatch(t0).empty());
  qs.FinishRequest(1, t0 + 3ms);
  CHECK(qs.Dispatch(t0 + 3ms) == std::vector<uint64_t>{2});
  CHECK(qs.seats_in_use() == 10);
}

TEST_CASE("TestDroppedRequestsTracker: Retry-After doubles under drops and decays", "[sim][apf]") {
  apf::DroppedRequestsTracker t;
  CHECK(t.RetryAfter() == 1);
  for (int i = 0; i < 3; ++i) t.RecordDroppedRequest(1);
  CHECK(t.RetryAfter() == 1);
  t.RecordDroppedRequest(2);  // 3 drops in [1, 2) >= 3 × 1: double
  CHECK(t.RetryAfter() == 2);
  t.RecordDroppedRequest(10);  // nothing dropped in [8, 10): decrease by one
  CHECK(t.RetryAfter() == 1);
}

TEST_CASE("ApfFilter: leader election keeps its seats while a LIST storm fills workload-low", "[sim][apf]") {
  Scheduler sched;
  apf::ApfFilter f(apf::BootstrapConfig(600), sched, apf::FilterOptions{.slowdown_at_limit = 0});
  const apf::Config& c = f.config();
  apf::RequestDigest storm = Req(apf::ServiceAccountUser("monitoring", "scraper"), "list", "", "pods", "");
  storm.objects = 50'000;  // 2 × 50000 / 100 seats, capped at 10
  int executed = 0, queued = 0, rejected = 0;
  for (int i = 0; i < 400; ++i) {
    const apf::Outcome o = f.Start(storm, sched.now(), 2s, nullptr);
    executed += o.kind == apf::Outcome::Kind::kExecute;
    queued += o.kind == apf::Outcome::Kind::kQueued;
    rejected += o.kind == apf::Outcome::Kind::kReject;
    CHECK(o.seats == 10);
  }
  // workload-low has 245 seats: 24 lists of 10 seats run, the rest wait (240 < 245 seats
  // in use, so rejectOrEnqueueToBoundLocked never finds the level full).
  CHECK(executed == 24);
  CHECK(queued == 376);
  CHECK(rejected == 0);
  const apf::Outcome renew =
      f.Start(Req(apf::KubeControllerManagerUser(), "update", "coordination.k8s.io", "leases", "kube-system"), sched.now(),
              2ms, nullptr);
  CHECK(renew.kind == apf::Outcome::Kind::kExecute);
  CHECK(renew.complete_at == sched.now() + 2ms);
  CHECK(c.priority_levels[static_cast<size_t>(renew.priority_level)].name == "leader-election");
  // The storm's waiting lists time out after requestWaitLimit (15s) with 429: 2s lists
  // free 24 slots every 2s, so about 7 rounds run before the limit.
  std::vector<apf::Outcome> later;
  sched.RunFor(1min);
  const apf::LevelStats& low = f.level_stats()[static_cast<size_t>(c.LevelIndex("workload-low"))];
  CHECK(low.arrived == 400);
  CHECK(low.dispatched + low.rejected_timeout == 400);
  CHECK(low.dispatched == 24 * 8);  // dispatched at 0, 2, ..., 14 s (the 15s limit cancels the rest)
  CHECK(low.rejected_timeout == 400 - 24 * 8);
  CHECK(low.max_wait == 14s);
  CHECK(f.schema_rejections().at("service-accounts") == low.rejected_timeout);
  CHECK(f.SeatsInUse() == 0);
}

TEST_CASE("ApfFilter: a full queue answers 429 with Retry-After at once, queued requests are answered later", "[sim][apf]") {
  Scheduler sched;
  apf::Config c = apf::BootstrapConfig(600);
  apf::ApfFilter f(c, sched, apf::FilterOptions{.slowdown_at_limit = 0});
  // leader-election: 25 seats, 16 queues, hand 4, 50 per queue. One flow (one user): its
  // requests spread over its hand of 4 queues, 200 waiting at most.
  const apf::RequestDigest renew = Req(apf::KubeControllerManagerUser(), "get", "coordination.k8s.io", "leases", "kube-system");
  int executed = 0, queued = 0, rejected = 0;
  std::vector<apf::Outcome> answered;
  for (int i = 0; i < 300; ++i) {
    const apf::Outcome o = f.Start(renew, sched.now(), 1s, [&](const apf::Outcome& a) { answered.push_back(a); });
    executed += o.kind == apf::Outcome::Kind::kExecute;
    queued += o.kind == apf::Outcome::Kind::kQueued;
    if (o.kind == apf::Outcome::Kind::kReject) {
      ++rejected;
      CHECK(o.retry_after >= 1s);
      CHECK_FALSE(o.timed_out);
    }
  }
  CHECK(executed == 25);
  CHECK(queued == 200);
  CHECK(rejected == 75);
  sched.RunFor(1min);
  // 25 per second for 15 s: the 200 waiting are all served at 1s..8s.
  CHECK(answered.size() == 200);
  CHECK(std::all_of(answered.begin(), answered.end(), [](const apf::Outcome& o) { return o.kind == apf::Outcome::Kind::kExecute; }));
  CHECK(answered.back().start == kTrueEpoch + 8s);
}

TEST_CASE("ApfFilter: service time grows with the seats in use", "[sim][apf]") {
  Scheduler sched;
  apf::ApfFilter f(apf::BootstrapConfig(1000), sched, apf::FilterOptions{.slowdown_at_limit = 1});
  const apf::RequestDigest get = Req(UserFromName("alice"), "get", "", "pods", "default");
  const apf::Outcome first = f.Start(get, sched.now(), 1s, nullptr);
  CHECK(first.service == 1001ms);  // 1 seat of 1000 in use: × 1.001
  for (int i = 0; i < 9; ++i) (void)f.Start(get, sched.now(), 1s, nullptr);
  const apf::Outcome eleventh = f.Start(get, sched.now(), 1s, nullptr);
  REQUIRE(eleventh.kind == apf::Outcome::Kind::kExecute);
  CHECK(eleventh.service == 1011ms);
}

namespace {

Admission ArriveGet(ApiServer& s, TrueTime now, ArriveOptions o = {}) {
  core::ApiRequest r;
  r.id = 1;
  r.verb = core::Verb::kGet;
  r.resource = core::Resource::kLeases;
  r.namespace_ = "kube-system";
  r.name = "kube-controller-manager";
  return s.Arrive(r, now, std::move(o));
}

}  // namespace

TEST_CASE("a disabled APF behaves as today: FIFO slots, same latencies", "[sim][apf]") {
  ApiServerConfig base;
  base.seed = 7;
  base.latency = Distribution::Uniform(1ms, 9ms);
  base.max_inflight = 2;
  ApiServerConfig off = base;
  off.apf = ApfSpec{};
  off.apf->enabled = false;
  ApiServer plain(base), disabled(off);
  Scheduler sched;
  disabled.AttachScheduler(sched);
  CHECK(disabled.apf() == nullptr);
  for (int i = 0; i < 20; ++i) {
    const TrueTime t = kTrueEpoch + std::chrono::milliseconds(i);
    const Admission a = ArriveGet(plain, t), b = ArriveGet(disabled, t);
    CHECK(a.kind == b.kind);
    CHECK(a.complete_at == b.complete_at);
    CHECK(a.queue_delay == b.queue_delay);
  }
}

TEST_CASE("ApiServer with APF: a queued request is answered through `later`", "[sim][apf]") {
  ApiServerConfig cfg;
  cfg.latency = Distribution::Constant(1s);
  cfg.apf = ApfSpec{};
  cfg.apf->server_concurrency_limit = 10;  // leader-election: ceil(10 × 10 / 245) = 1 seat
  cfg.apf->slowdown_at_limit = 0;
  ApiServer s(cfg);
  Scheduler sched;
  s.AttachScheduler(sched);
  REQUIRE(s.apf() != nullptr);
  const Admission first = ArriveGet(s, sched.now());
  CHECK(first.kind == Admission::Kind::kProcessed);
  CHECK(first.complete_at == kTrueEpoch + 1s);
  std::vector<Admission> later;
  ArriveOptions o;
  o.later = [&](const Admission& a) { later.push_back(a); };
  CHECK(ArriveGet(s, sched.now(), std::move(o)).kind == Admission::Kind::kQueued);
  sched.RunFor(5s);
  REQUIRE(later.size() == 1);
  CHECK(later[0].kind == Admission::Kind::kProcessed);
  CHECK(later[0].queue_delay == 1s);
  CHECK(later[0].complete_at == kTrueEpoch + 2s);
  CHECK(s.stats().max_queue_delay == 1s);
}

TEST_CASE("background clients send a steady rate through the same admission", "[sim][apf]") {
  ApiServerConfig cfg;
  cfg.latency = Distribution::Constant(2ms);
  BackgroundClientSpec b;
  b.name = "storm";
  b.user = UserFromName("system:serviceaccount:monitoring:scraper");
  b.verb = "list";
  b.resource = "pods";
  b.objects = 1000;
  b.rate = 4;
  b.start = 1s;
  b.for_ = 2s;
  b.latency_per_object = 1ms;
  cfg.background_clients = {b};
  cfg.apf = ApfSpec{};
  ApiServer s(cfg);
  Scheduler sched;
  sched.RunUntil(kTrueEpoch);
  s.AttachScheduler(sched);
  sched.RunFor(10s);
  REQUIRE(s.background() != nullptr);
  const BackgroundClientStats& st = s.background()->stats().at(0);
  CHECK(st.sent == 8);  // at 1s, 1.25s, ..., 2.75s
  CHECK(st.served == 8);
  CHECK(st.priority_level == "workload-low");
  CHECK(st.flow_schema == "service-accounts");
  CHECK(st.max_latency >= 1002ms);  // 2ms + 1000 objects × 1ms, slowed by the load
  CHECK(s.stats().requests_by_verb[static_cast<size_t>(core::Verb::kGet)] == 8);
}

TEST_CASE("scenario keys: apf and backgroundClients, errors with JSON paths", "[sim][apf][scenario]") {
  auto err_of = [](std::string_view apiserver) {
    std::string err;
    const std::string text = std::string(R"({"candidates":[{"name":"a"}],"apiserver":)") + std::string(apiserver) + "}";
    CHECK_FALSE(ParseScenario(text, "in.json", &err).has_value());
    return err;
  };
  std::string err;
  auto s = ParseScenario(R"({"candidates":[{"name":"a"}],"apiserver":{"apf":{"serverConcurrencyLimit":100,
      "nominalConcurrencyShares":{"leader-election":20},"requestWaitLimit":"10s"},
      "backgroundClients":[{"name":"storm","user":"system:serviceaccount:m:s","verb":"list","resource":"pods",
      "objects":5000,"rate":20,"start":"10s","for":"1m","resourceVersion":"0","latencyPerObject":"20us"}]}})",
                         "in.json", &err);
  INFO(err);
  REQUIRE(s.has_value());
  REQUIRE(s->apiserver.apf.has_value());
  CHECK(s->apiserver.apf->server_concurrency_limit == 100);
  CHECK(s->apiserver.apf->shares.at("leader-election") == 20);
  CHECK(s->apiserver.apf->request_wait_limit == 10s);
  REQUIRE(s->apiserver.background_clients.size() == 1);
  const BackgroundClientSpec& b = s->apiserver.background_clients[0];
  CHECK(b.from_cache);
  CHECK(b.user.groups == std::vector<std::string>{"system:serviceaccounts", "system:serviceaccounts:m", "system:authenticated"});
  CHECK(b.ExtraLatency() == 100ms);

  CHECK(err_of(R"({"apf":{"nominalConcurrencyShares":{"leader":5}}})") ==
        "in.json: $.apiserver.apf.nominalConcurrencyShares.leader: unknown priority level (one of: exempt, system, "
        "node-high, leader-election, workload-high, workload-low, global-default, catch-all)");
  CHECK(err_of(R"({"apf":{"nominalConcurrencyShares":{"exempt":5}}})") ==
        "in.json: $.apiserver.apf.nominalConcurrencyShares.exempt: the exempt level has no concurrency shares");
  CHECK_THAT(err_of(R"({"apf":{"serverConcurrencyLimit":0}})"), Catch::StartsWith("in.json: $.apiserver.apf.serverConcurrencyLimit: "));
  CHECK(err_of(R"({"apf":{"requestWaitLimit":"2m"}})") ==
        "in.json: $.apiserver.apf.requestWaitLimit: must be at most 1m (kube-apiserver caps the queue wait at 1m)");
  CHECK(err_of(R"({"maxInflight":400,"apf":{}})") ==
        "in.json: $.apiserver.maxInflight: APF replaces the max-in-flight filter: set apf.serverConcurrencyLimit instead");
  CHECK_THAT(err_of(R"({"apf":{"enable":true}})"), Catch::StartsWith("in.json: $.apiserver.apf.enable: unknown key"));
  CHECK(err_of(R"({"backgroundClients":[{"name":"x","user":"u","verb":"lists","rate":1}]})") ==
        "in.json: $.apiserver.backgroundClients[0].verb: unknown verb \"lists\" (one of: get, list, watch, create, "
        "update, patch, delete)");
  CHECK(err_of(R"({"backgroundClients":[{"name":"x","user":"u","rate":0}]})") ==
        "in.json: $.apiserver.backgroundClients[0].rate: must be in (0, 1000000] requests per second");
  CHECK_THAT(err_of(R"({"backgroundClients":[{"name":"x","rate":1}]})"),
             Catch::Contains("$.apiserver.backgroundClients[0]") && Catch::Contains("user"));
  CHECK(err_of(R"({"backgroundClients":[{"name":"x","user":"u","rate":1,"resourceVersion":"5"}]})") ==
        "in.json: $.apiserver.backgroundClients[0].resourceVersion: must be \"\" (a list from etcd) or \"0\" (from the "
        "watch cache)");
  CHECK(err_of(R"({"backgroundClients":[{"name":"x","user":"u","rate":1},{"name":"x","user":"u","rate":1}]})") ==
        "in.json: $.apiserver.backgroundClients[1].name: duplicate background client name \"x\"");
  CHECK(err_of(R"({"backgroundClients":[{"name":"x","user":"u","rate":1,"start":"2h"}]})") ==
        "in.json: $.apiserver.backgroundClients[0].start: must be before the end of the scenario");
}

TEST_CASE("cluster expectations on APF and renew failures: parsing and errors", "[sim][apf][scenario]") {
  const std::string head = R"({"candidates":[{"name":"kcm-a"}],"apiserver":{"apf":{}},"cluster":{"nodes":2,"expect":)";
  std::string err;
  auto s = ParseScenario(head + R"([{"kind":"apf_rejections_at_most","priorityLevel":"leader-election","count":0},
      {"kind":"apf_rejections_at_least","count":1},{"kind":"renew_failures_at_most","count":0}]}})",
                         "in.json", &err);
  INFO(err);
  REQUIRE(s.has_value());
  REQUIRE(s->cluster->expect.size() == 3);
  CHECK(s->cluster->expect[0].kind == ClusterExpectKind::kApfRejectionsAtMost);
  CHECK(s->cluster->expect[0].priority_level == "leader-election");
  CHECK(s->cluster->expect[1].priority_level.empty());
  CHECK(s->cluster->expect[2].kind == ClusterExpectKind::kRenewFailuresAtMost);
  CHECK_FALSE(ParseScenario(head + R"([{"kind":"apf_rejections_at_most","priorityLevel":"leader","count":0}]}})", "in.json", &err));
  CHECK(err ==
        "in.json: $.cluster.expect[0].priorityLevel: unknown priority level \"leader\" (one of: exempt, system, node-high, "
        "leader-election, workload-high, workload-low, global-default, catch-all)");
  CHECK_FALSE(ParseScenario(head + R"([{"kind":"renew_failures_at_most","priorityLevel":"system","count":0}]}})", "in.json", &err));
  CHECK_THAT(err, Catch::StartsWith("in.json: $.cluster.expect[0].priorityLevel: unknown key for a renew_failures_at_most expectation"));
}

TEST_CASE("a LIST storm: the controller-manager's renewals survive with APF and fail without it", "[sim][apf][scenario]") {
  // The bundled pair (scenarios/nodes/list-storm-*.json, docs/apf.md), evaluated here on
  // the report figures the oracles use.
  for (const char* name : {"list-storm-with-apf", "list-storm-without-apf"}) {
    CAPTURE(name);
    std::string err;
    auto s = LoadScenarioFile(std::string(LEASESIM_SOURCE_DIR) + "/scenarios/nodes/" + name + ".json", &err);
    INFO(err);
    REQUIRE(s.has_value());
    const RunResult r = RunScenario(*s, RunOptions{});
    CHECK(r.passed);
    REQUIRE(r.cluster);
    const ClusterRecord& rec = r.cluster->record;
    const nlohmann::json j = ClusterReportJson(*s->cluster, *r.cluster);
    if (std::string(name) == "list-storm-with-apf") {
      CHECK(rec.renew_failures == 0);
      REQUIRE(j.contains("apf"));
      for (const auto& l : j["apf"]["priorityLevels"]) {
        if (l["name"] == "leader-election" || l["name"] == "node-high") {
          CHECK(l["arrived"].get<int>() > 0);
          CHECK(l["rejectedQueueFull"] == 0);
          CHECK(l["rejectedTimeout"] == 0);
          CHECK(l["maxWaitS"] == 0.0);
        }
      }
      CHECK(j["apf"]["backgroundClients"][0]["priorityLevel"] == "workload-low");
      CHECK(j["apf"]["backgroundClients"][0]["rejected"].get<int>() > 110000);
    } else {
      CHECK(rec.renew_failures >= 1);
      CHECK(j["apf"]["enabled"] == false);
      CHECK(j["apf"]["backgroundClients"][0]["rejected"] == 0);
      CHECK(r.results.no_leader_total >= std::chrono::minutes(2));
    }
  }
}
