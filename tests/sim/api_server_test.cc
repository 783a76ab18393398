// api_server_test.cc — the fake kube-apiserver against Kubernetes semantics: the generic
// registry's create/update/delete (k8s.io/apiserver registry/generic/registry/store.go),
// Lease validation (kubernetes pkg/apis/coordination/validation), apimachinery's error
// texts, and the admission model (throttle, injected errors, outages, FIFO slots).
#include <catch2/catch.hpp>

#include <regex>

#include "core/objects_json.h"
#include "sim/api_server.h"

using namespace leasesim;
using core::ApiRequest;
using core::ApiResponse;
using core::Resource;
using core::Verb;
using sim::Admission;
using sim::ApiServer;
using sim::ApiServerConfig;
using sim::kTrueEpoch;
using sim::TrueTime;
using namespace std::chrono_literals;

namespace {

constexpr std::string_view kNs = "kube-system";

core::ObjectPtr LeaseBody(std::string_view holder, std::string rv = "", int32_t lds = 15) {
  core::Lease l;
  l.metadata.name = "bar";
  l.metadata.namespace_ = std::string(kNs);
  l.metadata.resourceVersion = std::move(rv);
  l.spec.holderIdentity = std::string(holder);
  l.spec.leaseDurationSeconds = lds;
  return core::MakeObject(std::move(l));
}

ApiRequest Req(core::RequestId id, Verb verb, core::ObjectPtr body = nullptr,
               Resource resource = Resource::kLeases, std::string name = "bar") {
  return ApiRequest{.id = id, .verb = verb, .resource = resource, .namespace_ = std::string(kNs),
                    .name = std::move(name), .body = std::move(body)};
}

core::ObjectPtr ConfigMapBody(std::string_view leader) {
  core::ConfigMap cm;
  cm.metadata.name = "bar";
  cm.metadata.annotations[std::string(core::kLeaderAnnotationKey)] = std::string(leader);
  return core::MakeObject(std::move(cm));
}

const core::Lease& AsLease(const core::ObjectPtr& p) {
  REQUIRE(p);
  REQUIRE(std::holds_alternative<core::Lease>(*p));
  return std::get<core::Lease>(*p);
}

const std::string& Rv(const core::ObjectPtr& p) { return core::Meta(*p).resourceVersion; }

// Apply runs a request through the whole lifecycle at `now` (no queueing configured).
ApiResponse Apply(ApiServer& s, const ApiRequest& r, TrueTime now = kTrueEpoch) {
  const Admission a = s.Arrive(r, now);
  REQUIRE(a.kind == Admission::Kind::kProcessed);
  return s.Complete(r, a.complete_at);
}

}  // namespace

TEST_CASE("create, get and the stored object's server-owned fields", "[sim][apiserver]") {
  ApiServer s;
  CHECK(s.ResourceVersion() == "1000");
  const ApiResponse created = Apply(s, Req(1, Verb::kCreate, LeaseBody("a")), kTrueEpoch + 3500ms);
  REQUIRE(created.status.ok());
  CHECK(created.status.code == 201);
  CHECK(created.id == 1);
  const core::Lease& l = AsLease(created.body);
  CHECK(l.metadata.resourceVersion == "1001");
  CHECK(std::regex_match(l.metadata.uid,
                         std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")));
  // True wall clock at completion (3.5s + 2ms default latency), metav1.Time seconds.
  CHECK(l.metadata.creationTimestamp == sim::kEpochWall + 3s);
  CHECK(l.spec.holderIdentity == "a");

  const ApiResponse got = Apply(s, Req(2, Verb::kGet), kTrueEpoch + 4s);
  CHECK(got.status.code == 200);
  // Responses share the stored object; nothing is copied per response.
  CHECK(got.body == created.body);
  CHECK(s.Lookup(Resource::kLeases, kNs, "bar") == created.body);
  CHECK(s.Lookup(Resource::kConfigMaps, kNs, "bar") == nullptr);
  CHECK(s.Lookup(Resource::kLeases, "default", "bar") == nullptr);
}

TEST_CASE("uids differ per object and are the same across runs", "[sim][apiserver]") {
  ApiServer s1, s2;
  const auto a1 = Apply(s1, Req(1, Verb::kCreate, LeaseBody("a"))).body;
  const auto b1 = Apply(s1, Req(2, Verb::kCreate, ConfigMapBody("x"), Resource::kConfigMaps)).body;
  const auto a2 = Apply(s2, Req(1, Verb::kCreate, LeaseBody("a"))).body;
  CHECK(core::Meta(*a1).uid != core::Meta(*b1).uid);
  CHECK(core::Meta(*a1).uid == core::Meta(*a2).uid);
}

TEST_CASE("update is a compare-and-swap on resourceVersion", "[sim][apiserver]") {
  ApiServer s;
  const auto created = Apply(s, Req(1, Verb::kCreate, LeaseBody("a"))).body;
  const std::string rv = Rv(created);

  const ApiResponse first = Apply(s, Req(2, Verb::kUpdate, LeaseBody("b", rv)));
  REQUIRE(first.status.code == 200);
  CHECK(AsLease(first.body).spec.holderIdentity == "b");
  CHECK(Rv(first.body) == "1002");
  CHECK(core::Meta(*first.body).uid == core::Meta(*created).uid);
  CHECK(core::Meta(*first.body).creationTimestamp == core::Meta(*created).creationTimestamp);

  const ApiResponse second = Apply(s, Req(3, Verb::kUpdate, LeaseBody("c", rv)));
  CHECK(second.status.IsConflict());
  CHECK(second.status.code == 409);
  CHECK(second.status.message ==
        "Operation cannot be fulfilled on leases.coordination.k8s.io \"bar\": the object has been "
        "modified; please apply your changes to the latest version and try again");
  CHECK(second.body == nullptr);
  // A failed update leaves the stored object unchanged.
  CHECK(s.Lookup(Resource::kLeases, kNs, "bar") == first.body);
  CHECK(s.ResourceVersion() == "1002");
}

TEST_CASE("create twice gives AlreadyExists", "[sim][apiserver]") {
  ApiServer s;
  const auto created = Apply(s, Req(1, Verb::kCreate, LeaseBody("a"))).body;
  const ApiResponse again = Apply(s, Req(2, Verb::kCreate, LeaseBody("b")));
  CHECK(again.status.IsAlreadyExists());
  CHECK(again.status.code == 409);
  CHECK(again.status.message == R"(leases.coordination.k8s.io "bar" already exists)");
  CHECK(s.Lookup(Resource::kLeases, kNs, "bar") == created);
}

TEST_CASE("get, update and delete of a missing object give NotFound", "[sim][apiserver]") {
  ApiServer s;
  for (Verb v : {Verb::kGet, Verb::kUpdate, Verb::kDelete}) {
    CAPTURE(core::VerbName(v));
    const ApiResponse r = Apply(s, Req(1, v, v == Verb::kUpdate ? LeaseBody("a", "1000") : nullptr));
    CHECK(r.status.IsNotFound());
    CHECK(r.status.code == 404);
    CHECK(r.status.message == R"(leases.coordination.k8s.io "bar" not found)");
  }
  const ApiResponse cm = Apply(s, Req(2, Verb::kGet, nullptr, Resource::kConfigMaps));
  CHECK(cm.status.message == R"(configmaps "bar" not found)");
  CHECK(s.ResourceVersion() == "1000");
}

TEST_CASE("Lease validation rejects bad specs with Kubernetes' texts", "[sim][apiserver]") {
  ApiServer s;
  const ApiResponse zero = Apply(s, Req(1, Verb::kCreate, LeaseBody("a", "", 0)));
  CHECK(zero.status.reason == core::Reason::kInvalid);
  CHECK(zero.status.code == 422);
  CHECK(zero.status.message ==
        R"(Lease.coordination.k8s.io "bar" is invalid: spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0)");
  CHECK(s.Lookup(Resource::kLeases, kNs, "bar") == nullptr);

  core::Lease bad;
  bad.metadata.name = "bar";
  bad.spec.leaseDurationSeconds = -5;
  bad.spec.leaseTransitions = -1;
  bad.spec.preferredHolder = "b";
  const ApiResponse three = Apply(s, Req(2, Verb::kCreate, core::MakeObject(bad)));
  CHECK(three.status.message ==
        "Lease.coordination.k8s.io \"bar\" is invalid: [spec.leaseDurationSeconds: Invalid value: -5: "
        "must be greater than 0, spec.leaseTransitions: Invalid value: -1: must be greater than or "
        "equal to 0, spec.preferredHolder: Forbidden: may only be specified if `strategy` is defined]");

  bad = {};
  bad.metadata.name = "bar";
  bad.spec.preferredHolder = "b";
  bad.spec.strategy = "OldestEmulationVersion";
  CHECK(Apply(s, Req(3, Verb::kCreate, core::MakeObject(bad))).status.code == 201);

  // Updates are validated too, after the resourceVersion check.
  const std::string rv = s.ResourceVersion();
  const ApiResponse upd = Apply(s, Req(4, Verb::kUpdate, LeaseBody("a", rv, 0)));
  CHECK(upd.status.code == 422);
  CHECK(Apply(s, Req(5, Verb::kUpdate, LeaseBody("a", "999", 0))).status.IsConflict());
  CHECK(s.ResourceVersion() == rv);
}

TEST_CASE("an update without resourceVersion: leases refuse, configmaps accept", "[sim][apiserver]") {
  ApiServer s;
  Apply(s, Req(1, Verb::kCreate, LeaseBody("a")));
  const ApiResponse lease = Apply(s, Req(2, Verb::kUpdate, LeaseBody("b", "")));
  CHECK(lease.status.code == 422);
  CHECK(lease.status.message ==
        R"(leases.coordination.k8s.io "bar" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be specified for an update)");

  Apply(s, Req(3, Verb::kCreate, ConfigMapBody("x"), Resource::kConfigMaps));
  const ApiResponse cm = Apply(s, Req(4, Verb::kUpdate, ConfigMapBody("y"), Resource::kConfigMaps));
  REQUIRE(cm.status.code == 200);
  CHECK(core::Meta(*cm.body).annotations.at(std::string(core::kLeaderAnnotationKey)) == "y");
}

TEST_CASE("resourceVersion increments once per applied write", "[sim][apiserver]") {
  ApiServer s;
  std::vector<std::string> rvs{s.ResourceVersion()};
  const auto created = Apply(s, Req(1, Verb::kCreate, LeaseBody("a"))).body;
  rvs.push_back(s.ResourceVersion());
  Apply(s, Req(2, Verb::kGet));
  rvs.push_back(s.ResourceVersion());
  const auto updated = Apply(s, Req(3, Verb::kUpdate, LeaseBody("b", Rv(created)))).body;
  rvs.push_back(s.ResourceVersion());
  // Same content again: GuaranteedUpdate skips the write, the object keeps its version.
  const ApiResponse noop = Apply(s, Req(4, Verb::kUpdate, LeaseBody("b", Rv(updated))));
  CHECK(noop.status.code == 200);
  CHECK(noop.body == updated);
  rvs.push_back(s.ResourceVersion());
  Apply(s, Req(5, Verb::kCreate, ConfigMapBody("x"), Resource::kConfigMaps));
  rvs.push_back(s.ResourceVersion());
  const ApiResponse del = Apply(s, Req(6, Verb::kDelete));
  CHECK(del.status.code == 200);
  CHECK(Rv(del.body) == "1004");
  CHECK(s.Lookup(Resource::kLeases, kNs, "bar") == nullptr);
  rvs.push_back(s.ResourceVersion());
  CHECK(rvs == std::vector<std::string>{"1000", "1001", "1001", "1002", "1002", "1003", "1004"});
  CHECK(s.stats().writes == 4);
}

TEST_CASE("the store finds each object by resource, namespace and name across deletes and re-creates",
          "[sim][apiserver]") {
  // Lookups remember the last object found (ApiServer::Find): every request below names
  // an object the previous one did not, or one deleted since.
  ApiServer s;
  const auto lease = Apply(s, Req(1, Verb::kCreate, LeaseBody("a"))).body;
  CHECK(Apply(s, Req(2, Verb::kGet)).body == lease);
  const auto cm = Apply(s, Req(3, Verb::kCreate, ConfigMapBody("x"), Resource::kConfigMaps)).body;
  CHECK(Apply(s, Req(4, Verb::kGet, nullptr, Resource::kConfigMaps)).body == cm);
  CHECK(Apply(s, Req(5, Verb::kGet)).body == lease);
  CHECK(Apply(s, Req(6, Verb::kGet, nullptr, Resource::kLeases, "ba")).status.code == 404);
  ApiRequest other = Req(7, Verb::kGet);
  other.namespace_ = "default";
  CHECK(Apply(s, other).status.code == 404);
  CHECK(Apply(s, Req(8, Verb::kGet)).body == lease);
  CHECK(Apply(s, Req(9, Verb::kDelete)).status.code == 200);
  CHECK(Apply(s, Req(10, Verb::kGet)).status.code == 404);
  CHECK(Apply(s, Req(11, Verb::kUpdate, LeaseBody("a", Rv(lease)))).status.code == 404);
  CHECK(Apply(s, Req(12, Verb::kGet, nullptr, Resource::kConfigMaps)).body == cm);
  const auto again = Apply(s, Req(13, Verb::kCreate, LeaseBody("b"))).body;
  CHECK(Rv(again) == "1004");
  CHECK(Apply(s, Req(14, Verb::kGet)).body == again);
  const auto renewed = Apply(s, Req(15, Verb::kUpdate, LeaseBody("c", Rv(again)))).body;
  CHECK(AsLease(renewed).spec.holderIdentity == "c");
  CHECK(Apply(s, Req(16, Verb::kGet)).body == renewed);
  CHECK(s.Lookup(Resource::kLeases, kNs, "bar") == renewed);
}

// RenewalBody is what LeaseLock.Update sends: the stored object with a new holder and
// renewTime (sub-microsecond digits included), carrying the stored resourceVersion.
core::ObjectPtr RenewalBody(const core::ObjectPtr& stored, std::string_view holder, TrueTime at) {
  core::Object o = *stored;
  auto& l = std::get<core::Lease>(o);
  l.spec.holderIdentity = std::string(holder);
  l.spec.renewTime = sim::kEpochWall + (at - kTrueEpoch) + 123ns;
  l.metadata.labels["round"] = std::string(holder);
  return core::MakeObject(std::move(o));
}

TEST_CASE("an update never changes an object someone else still holds", "[sim][apiserver]") {
  // The server decodes an update into an object it made before and no longer stores
  // when no one else holds it any more; objects a client, a response or a request still
  // holds must keep their content. Every third response is kept (a follower's cache),
  // the others dropped at once; every body sent is kept too.
  ApiServer s;
  core::ObjectPtr stored = Apply(s, Req(1, Verb::kCreate, LeaseBody("a"))).body;
  const std::string uid = core::Meta(*stored).uid;
  struct Kept {
    core::ObjectPtr ptr;
    core::Object copy;  // its content when it was handed out
  };
  std::vector<Kept> kept;
  std::vector<Kept> sent;
  for (int i = 0; i < 30; ++i) {
    const TrueTime at = kTrueEpoch + std::chrono::seconds(2 * i + 1);
    const std::string holder = "n" + std::to_string(i);
    core::ObjectPtr body = RenewalBody(stored, holder, at);
    sent.push_back({body, *body});
    const ApiResponse r = Apply(s, Req(2 + i, Verb::kUpdate, body), at);
    REQUIRE(r.status.code == 200);
    const core::Lease& l = AsLease(r.body);
    CHECK(l.spec.holderIdentity == holder);
    CHECK(l.spec.renewTime == core::TruncateToMicros(*AsLease(body).spec.renewTime));
    CHECK(l.metadata.labels == std::map<std::string, std::string>{{"round", holder}});
    CHECK(l.metadata.resourceVersion == std::to_string(1002 + i));
    CHECK(l.metadata.uid == uid);
    stored = r.body;
    if (i % 3 == 0) kept.push_back({stored, *stored});
  }
  for (const Kept& k : kept) CHECK(core::ToJson(*k.ptr) == core::ToJson(k.copy));
  for (const Kept& k : sent) CHECK(core::ToJson(*k.ptr) == core::ToJson(k.copy));
}

TEST_CASE("updates alternating between kinds decode each body whole into reused allocations",
          "[sim][apiserver]") {
  // A spare object may have held another kind or other maps: the decoded object is the
  // body, nothing of the spare's former content remains.
  ApiServer s;
  core::ObjectPtr lease = Apply(s, Req(1, Verb::kCreate, LeaseBody("a"))).body;
  core::ObjectPtr cm = Apply(s, Req(2, Verb::kCreate, ConfigMapBody("x"), Resource::kConfigMaps)).body;
  for (int i = 0; i < 12; ++i) {
    const TrueTime at = kTrueEpoch + std::chrono::seconds(i + 1);
    if (i % 2 == 0) {
      core::ObjectPtr body = RenewalBody(lease, "h" + std::to_string(i), at);
      lease = Apply(s, Req(10 + i, Verb::kUpdate, body), at).body;
      core::Lease expected = std::get<core::Lease>(*body);
      expected.metadata.resourceVersion = core::Meta(*lease).resourceVersion;
      expected.spec.renewTime = core::TruncateToMicros(*expected.spec.renewTime);
      CHECK(core::ToJson(*lease) == core::ToJson(core::Object{expected}));
    } else {
      core::ConfigMap c = std::get<core::ConfigMap>(*cm);
      c.metadata.annotations.clear();
      c.metadata.annotations["k" + std::to_string(i)] = "v";
      c.data["d" + std::to_string(i)] = "x";
      core::ObjectPtr body = core::MakeObject(c);
      cm = Apply(s, Req(10 + i, Verb::kUpdate, body, Resource::kConfigMaps), at).body;
      c.metadata.resourceVersion = core::Meta(*cm).resourceVersion;
      CHECK(core::ToJson(*cm) == core::ToJson(core::Object{c}));
    }
  }
  CHECK(s.ResourceVersion() == "1014");
}

TEST_CASE("names of the same length that differ in one byte are different objects", "[sim][apiserver]") {
  // The lookup memo compares names and namespaces word-wise by length class (1-3, 4-7,
  // 8-16, longer): a difference at any byte of any length is another object.
  ApiServer s;
  core::RequestId id = 1;
  for (size_t len = 1; len <= 20; ++len) {
    const std::string base(len, 'a');
    core::ConfigMap cm;
    cm.metadata.name = base;
    REQUIRE(Apply(s, Req(id++, Verb::kCreate, core::MakeObject(std::move(cm)), Resource::kConfigMaps, base))
                .status.code == 201);
  }
  for (size_t len = 1; len <= 20; ++len) {
    const std::string base(len, 'a');
    for (size_t at = 0; at < len; ++at) {
      std::string other = base;
      other[at] = 'b';
      REQUIRE(Apply(s, Req(id++, Verb::kGet, nullptr, Resource::kConfigMaps, base)).status.code == 200);
      CHECK(Apply(s, Req(id++, Verb::kGet, nullptr, Resource::kConfigMaps, other)).status.code == 404);
      ApiRequest ns = Req(id++, Verb::kGet, nullptr, Resource::kConfigMaps, base);
      ns.namespace_ = std::string(kNs);
      ns.namespace_[at % ns.namespace_.size()] ^= 1;
      CHECK(Apply(s, ns).status.code == 404);
    }
  }
}

TEST_CASE("MicroTime fields are truncated to microseconds on receipt", "[sim][apiserver]") {
  ApiServer s;
  core::Lease l;
  l.metadata.name = "bar";
  l.spec.acquireTime = sim::kEpochWall + 1234567891ns;
  l.spec.renewTime = sim::kEpochWall + 999ns;
  const auto stored = Apply(s, Req(1, Verb::kCreate, core::MakeObject(l))).body;
  CHECK(AsLease(stored).spec.acquireTime == sim::kEpochWall + 1234567000ns);
  CHECK(AsLease(stored).spec.renewTime == sim::kEpochWall);
  CHECK_FALSE(AsLease(stored).spec.leaseTransitions.has_value());
}

TEST_CASE("the QPS limit answers 429 with Retry-After at once", "[sim][apiserver]") {
  ApiServerConfig cfg;
  cfg.qps = 2;
  cfg.burst = 2;
  cfg.retry_after = 1500ms;
  ApiServer s(cfg);
  const TrueTime t0 = kTrueEpoch + 10s;
  CHECK(s.Arrive(Req(1, Verb::kGet), t0).kind == Admission::Kind::kProcessed);
  CHECK(s.Arrive(Req(2, Verb::kGet), t0).kind == Admission::Kind::kProcessed);
  const Admission third = s.Arrive(Req(3, Verb::kGet), t0);
  REQUIRE(third.kind == Admission::Kind::kRejected);
  CHECK(third.response.id == 3);
  CHECK(third.response.status.reason == core::Reason::kTooManyRequests);
  CHECK(third.response.status.code == 429);
  CHECK(third.response.status.message ==
        "the server has received too many requests and has asked us to try again later");
  CHECK(third.response.retry_after == 2s);  // whole seconds on the wire, rounded up
  // One token comes back after 1/qps = 500ms, not before.
  CHECK(s.Arrive(Req(4, Verb::kGet), t0 + 499ms).kind == Admission::Kind::kRejected);
  CHECK(s.Arrive(Req(5, Verb::kGet), t0 + 500ms).kind == Admission::Kind::kProcessed);
  CHECK(s.Arrive(Req(6, Verb::kGet), t0 + 500ms).kind == Admission::Kind::kRejected);
  // After a long pause the bucket holds `burst` tokens, no more.
  const TrueTime t1 = t0 + 1h;
  CHECK(s.Arrive(Req(7, Verb::kGet), t1).kind == Admission::Kind::kProcessed);
  CHECK(s.Arrive(Req(8, Verb::kGet), t1).kind == Admission::Kind::kProcessed);
  CHECK(s.Arrive(Req(9, Verb::kGet), t1).kind == Admission::Kind::kRejected);
  CHECK(s.stats().responses_by_code.at(429) == 4);

  s.SetQpsLimit(0, 1, 1s);
  for (int i = 0; i < 10; ++i) CHECK(s.Arrive(Req(10, Verb::kGet), t1).kind == Admission::Kind::kProcessed);
}

TEST_CASE("outages drop requests or refuse them with 503", "[sim][apiserver]") {
  ApiServer s;
  Apply(s, Req(1, Verb::kCreate, LeaseBody("a")));
  s.SetOutage(sim::OutageMode::kDrop);
  const Admission dropped = s.Arrive(Req(2, Verb::kGet), kTrueEpoch + 1s);
  CHECK(dropped.kind == Admission::Kind::kDropped);
  CHECK(s.stats().dropped == 1);

  s.SetOutage(sim::OutageMode::kRefuse);
  const Admission refused = s.Arrive(Req(3, Verb::kUpdate, LeaseBody("b", "1001")), kTrueEpoch + 2s);
  REQUIRE(refused.kind == Admission::Kind::kRejected);
  CHECK(refused.response.status.reason == core::Reason::kServiceUnavailable);
  CHECK(refused.response.status.code == 503);
  CHECK(refused.response.status.message == "the server is currently unable to handle the request");
  CHECK(AsLease(s.Lookup(Resource::kLeases, kNs, "bar")).spec.holderIdentity == "a");

  s.SetOutage(sim::OutageMode::kNone);
  CHECK(s.Arrive(Req(4, Verb::kGet), kTrueEpoch + 3s).kind == Admission::Kind::kProcessed);
  CHECK(s.stats().requests_by_verb[static_cast<size_t>(Verb::kGet)] == 2);
  CHECK(s.stats().responses_by_code.at(503) == 1);
}

TEST_CASE("injected errors follow the configured ratio", "[sim][apiserver]") {
  const uint64_t seed = GENERATE(1, 42, 20260101);
  CAPTURE(seed);
  ApiServerConfig cfg;
  cfg.seed = seed;
  cfg.error_ratio = 0.2;
  cfg.error_code = 503;
  ApiServer s(cfg);
  constexpr int kN = 10000;
  int failed = 0;
  for (int i = 0; i < kN; ++i) {
    const Admission a = s.Arrive(Req(static_cast<core::RequestId>(i), Verb::kGet), kTrueEpoch + i * 1ms);
    if (a.kind == Admission::Kind::kRejected) {
      ++failed;
      CHECK(a.response.status.code == 503);
    }
  }
  // Binomial(10000, 0.2): mean 2000, standard deviation 40; 5 sigma either side.
  CHECK(failed > 1800);
  CHECK(failed < 2200);
  CHECK(s.stats().responses_by_code.at(503) == static_cast<uint64_t>(failed));

  s.SetErrorInjection(1, 504);
  const Admission a = s.Arrive(Req(1, Verb::kGet), kTrueEpoch + 20s);
  REQUIRE(a.kind == Admission::Kind::kRejected);
  CHECK(a.response.status.reason == core::Reason::kTimeout);
  s.SetErrorInjection(1, 500);
  CHECK(s.Arrive(Req(1, Verb::kGet), kTrueEpoch + 20s).response.status.code == 500);
  s.SetErrorInjection(0, 500);
  CHECK(s.Arrive(Req(1, Verb::kGet), kTrueEpoch + 20s).kind == Admission::Kind::kProcessed);
}

TEST_CASE("with max_inflight slots, latency grows with the queue", "[sim][apiserver]") {
  ApiServerConfig cfg;
  cfg.latency = sim::Distribution::Constant(100ms);
  SECTION("unlimited: every request takes the processing latency") {
    ApiServer s(cfg);
    for (int i = 0; i < 10; ++i) {
      const Admission a = s.Arrive(Req(i, Verb::kGet), kTrueEpoch);
      CHECK(a.complete_at == kTrueEpoch + 100ms);
      CHECK(a.queue_delay == 0ms);
    }
  }
  SECTION("two slots: FIFO, two at a time") {
    cfg.max_inflight = 2;
    ApiServer s(cfg);
    std::vector<sim::Duration> waits, totals;
    for (int i = 0; i < 10; ++i) {
      const Admission a = s.Arrive(Req(i, Verb::kGet), kTrueEpoch);
      REQUIRE(a.kind == Admission::Kind::kProcessed);
      CHECK(a.latency == 100ms);
      waits.push_back(a.queue_delay);
      totals.push_back(a.complete_at - kTrueEpoch);
    }
    CHECK(totals == std::vector<sim::Duration>{100ms, 100ms, 200ms, 200ms, 300ms, 300ms, 400ms,
                                               400ms, 500ms, 500ms});
    CHECK(waits[9] == 400ms);
    CHECK(s.stats().max_queue_delay == 400ms);
    // Once the backlog has drained, a new request waits no more.
    const Admission later = s.Arrive(Req(11, Verb::kGet), kTrueEpoch + 1s);
    CHECK(later.queue_delay == 0ms);
    CHECK(later.complete_at == kTrueEpoch + 1100ms);
    // A request arriving while one slot is still busy takes the free one.
    const Admission next = s.Arrive(Req(12, Verb::kGet), kTrueEpoch + 1050ms);
    CHECK(next.complete_at == kTrueEpoch + 1150ms);
  }
  SECTION("growing the slot count mid-run serves the backlog faster") {
    cfg.max_inflight = 1;
    ApiServer s(cfg);
    CHECK(s.Arrive(Req(1, Verb::kGet), kTrueEpoch).complete_at == kTrueEpoch + 100ms);
    CHECK(s.Arrive(Req(2, Verb::kGet), kTrueEpoch).complete_at == kTrueEpoch + 200ms);
    s.SetMaxInflight(3);
    CHECK(s.Arrive(Req(3, Verb::kGet), kTrueEpoch).complete_at == kTrueEpoch + 100ms);
    CHECK(s.Arrive(Req(4, Verb::kGet), kTrueEpoch).complete_at == kTrueEpoch + 100ms);
    CHECK(s.Arrive(Req(5, Verb::kGet), kTrueEpoch).complete_at == kTrueEpoch + 200ms);
  }
}

TEST_CASE("watch fan-out counts one event per watcher per applied write", "[sim][apiserver]") {
  ApiServerConfig cfg;
  cfg.watchers[static_cast<size_t>(Resource::kConfigMaps)] = 50;
  ApiServer s(cfg);
  s.SetWatchers(Resource::kLeases, 2);
  Apply(s, Req(1, Verb::kCreate, ConfigMapBody("x"), Resource::kConfigMaps));
  const auto cm = s.Lookup(Resource::kConfigMaps, kNs, "bar");
  core::ConfigMap next = std::get<core::ConfigMap>(*cm);
  next.metadata.annotations[std::string(core::kLeaderAnnotationKey)] = "y";
  Apply(s, Req(2, Verb::kUpdate, core::MakeObject(next), Resource::kConfigMaps));
  Apply(s, Req(3, Verb::kUpdate, core::MakeObject(next), Resource::kConfigMaps));  // stale: 409
  Apply(s, Req(4, Verb::kGet, nullptr, Resource::kConfigMaps));
  Apply(s, Req(5, Verb::kDelete, nullptr, Resource::kConfigMaps));
  Apply(s, Req(6, Verb::kCreate, LeaseBody("a")));
  const auto& w = s.stats().watch_events;
  CHECK(w[static_cast<size_t>(Resource::kConfigMaps)] == 150);
  CHECK(w[static_cast<size_t>(Resource::kLeases)] == 2);
  CHECK(w[static_cast<size_t>(Resource::kEndpoints)] == 0);
}

TEST_CASE("the write observer sees every applied write in order", "[sim][apiserver]") {
  ApiServer s;
  std::vector<sim::AppliedWrite> log;
  s.SetWriteObserver([&](const sim::AppliedWrite& w) { log.push_back(w); });
  const auto created = Apply(s, Req(1, Verb::kCreate, LeaseBody("a")), kTrueEpoch + 1s).body;
  Apply(s, Req(2, Verb::kCreate, LeaseBody("a")), kTrueEpoch + 1500ms);  // AlreadyExists
  const auto updated = Apply(s, Req(3, Verb::kUpdate, LeaseBody("b", Rv(created))), kTrueEpoch + 2s).body;
  Apply(s, Req(4, Verb::kDelete), kTrueEpoch + 3s);
  REQUIRE(log.size() == 3);
  CHECK(log[0].verb == Verb::kCreate);
  CHECK(log[0].request_id == 1);
  CHECK(log[0].at == kTrueEpoch + 1002ms);
  CHECK(log[0].object == created);
  CHECK(log[0].resourceVersion == "1001");
  CHECK(log[1].verb == Verb::kUpdate);
  CHECK(log[1].object == updated);
  CHECK(log[2].verb == Verb::kDelete);
  CHECK(log[2].resourceVersion == "1003");
  CHECK(log[2].resource == Resource::kLeases);
}

TEST_CASE("accounting by verb, code, and verb and code", "[sim][apiserver]") {
  ApiServer s;
  Apply(s, Req(1, Verb::kGet), kTrueEpoch + 100ms);                          // 404
  Apply(s, Req(2, Verb::kCreate, LeaseBody("a")), kTrueEpoch + 200ms);       // 201
  Apply(s, Req(3, Verb::kGet), kTrueEpoch + 2500ms);                         // 200
  Apply(s, Req(4, Verb::kUpdate, LeaseBody("b", "1")), kTrueEpoch + 2600ms); // 409
  const auto& st = s.stats();
  CHECK(st.requests_by_verb == std::array<uint64_t, 4>{2, 1, 1, 0});
  CHECK(st.responses_by_code == std::map<int, uint64_t>{{200, 1}, {201, 1}, {404, 1}, {409, 1}});
  CHECK(st.responses_by_verb_code.at({Verb::kGet, 404}) == 1);
  CHECK(st.responses_by_verb_code.at({Verb::kGet, 200}) == 1);
  CHECK(st.responses_by_verb_code.at({Verb::kCreate, 201}) == 1);
  CHECK(st.responses_by_verb_code.at({Verb::kUpdate, 409}) == 1);
}

TEST_CASE("same seed gives the same decisions and another seed other decisions", "[sim][apiserver]") {
  struct Decision {
    Admission::Kind kind;
    TrueTime complete_at;
    int code;
    bool operator==(const Decision&) const = default;
  };
  auto run = [](uint64_t seed) {
    ApiServerConfig cfg;
    cfg.seed = seed;
    cfg.error_ratio = 0.3;
    cfg.latency = sim::Distribution::Uniform(1ms, 50ms);
    cfg.max_inflight = 4;
    cfg.qps = 50;
    cfg.burst = 10;
    ApiServer s(cfg);
    std::vector<Decision> out;
    for (int i = 0; i < 2000; ++i) {
      const TrueTime now = kTrueEpoch + i * 7ms;
      const Admission a = s.Arrive(Req(i, Verb::kGet), now);
      out.push_back({a.kind, a.complete_at, a.response.status.code});
    }
    return out;
  };
  const auto a = run(7);
  CHECK(a == run(7));
  CHECK(a != run(8));
  CHECK(std::count_if(a.begin(), a.end(), [](const Decision& d) { return d.code == 429; }) > 0);
}

TEST_CASE("issue15 item 9: injected 5xx carry Retry-After when configured, in whole seconds", "[sim][apiserver]") {
  ApiServer s;
  s.SetErrorInjection(1, 503);
  const Admission plain = s.Arrive(Req(1, Verb::kGet), kTrueEpoch + 1s);
  REQUIRE(plain.kind == Admission::Kind::kRejected);
  CHECK_FALSE(plain.response.retry_after.has_value());  // no header: client-go does not retry
  s.SetErrorInjection(1, 500, 1500ms);
  const Admission with = s.Arrive(Req(2, Verb::kGet), kTrueEpoch + 2s);
  REQUIRE(with.kind == Admission::Kind::kRejected);
  CHECK(with.response.status.code == 500);
  CHECK(with.response.retry_after == std::optional<core::Duration>(2s));  // rounded up
  // The outage's refusal carries none.
  s.SetErrorInjection(0, 500);
  s.SetOutage(sim::OutageMode::kRefuse);
  CHECK_FALSE(s.Arrive(Req(3, Verb::kGet), kTrueEpoch + 3s).response.retry_after.has_value());
}

TEST_CASE("issue15 item 2: a fractional qps throttles: qps 0.5 admits one request per 2s", "[sim][apiserver]") {
  ApiServerConfig cfg;
  cfg.qps = 0.5;
  cfg.burst = 1;
  ApiServer s(cfg);
  const TrueTime t0 = kTrueEpoch + 10s;
  CHECK(s.Arrive(Req(1, Verb::kGet), t0).kind == Admission::Kind::kProcessed);  // the bucket starts full
  CHECK(s.Arrive(Req(2, Verb::kGet), t0).kind == Admission::Kind::kRejected);
  // A rejected request takes nothing: the token is back 1/qps = 2s after the first take.
  CHECK(s.Arrive(Req(3, Verb::kGet), t0 + 1999ms).kind == Admission::Kind::kRejected);
  CHECK(s.Arrive(Req(4, Verb::kGet), t0 + 2s).kind == Admission::Kind::kProcessed);
  CHECK(s.Arrive(Req(5, Verb::kGet), t0 + 3s).kind == Admission::Kind::kRejected);
  CHECK(s.stats().responses_by_code.at(429) == 3);
}

TEST_CASE("issue15 item 2: a burst above qps admits that many at once, then refills at the float rate", "[sim][apiserver]") {
  ApiServerConfig cfg;
  cfg.qps = 0.9;
  cfg.burst = 3;
  ApiServer s(cfg);
  const TrueTime t0 = kTrueEpoch + 10s;
  for (int i = 1; i <= 3; ++i) CHECK(s.Arrive(Req(i, Verb::kGet), t0).kind == Admission::Kind::kProcessed);
  CHECK(s.Arrive(Req(4, Verb::kGet), t0).kind == Admission::Kind::kRejected);
  // 1/0.9 s = 1.111...s per token.
  CHECK(s.Arrive(Req(5, Verb::kGet), t0 + 1111ms).kind == Admission::Kind::kRejected);
  CHECK(s.Arrive(Req(6, Verb::kGet), t0 + 1112ms).kind == Admission::Kind::kProcessed);
}

TEST_CASE("TokenBucket: port of x/time/rate Allow: full at start, capped at burst, a refusal changes nothing",
          "[sim][apiserver]") {
  const TrueTime t0 = kTrueEpoch;
  sim::TokenBucket b(2.5, 2, t0);
  CHECK(b.tokens() == 2);
  CHECK(b.Allow(t0));
  CHECK(b.Allow(t0));
  CHECK_FALSE(b.Allow(t0));
  CHECK(b.tokens() == 0);
  CHECK_FALSE(b.Allow(t0 + 399ms));  // 0.9975 tokens
  CHECK(b.tokens() == 0);            // unchanged by the refusal
  CHECK(b.Allow(t0 + 400ms));        // exactly 1 token
  CHECK(b.Allow(t0 + 1h));           // refill capped at burst: 2, then 1 left
  CHECK(b.tokens() == 1);
}
