// leaselock_test.cc — resourcelock/leaselock_test.go (fake.NewClientset with a tracker),
// plus the annotation locks and MultiLock of client-go v0.27 (Appendix A of the reference).
#include <catch2/catch.hpp>

#include <map>

#include "core/effects.h"
#include "core/lock.h"
#include "core/objects_json.h"

using namespace leasesim::core;
using namespace std::chrono_literals;

namespace {

// A tiny object tracker: real NotFound / AlreadyExists / Conflict, resourceVersions.
struct Tracker {
  std::map<std::pair<Resource, std::string>, ObjectPtr> objects;
  int rv = 100;
  std::vector<std::string> actions;

  ApiResponse Handle(const ApiRequest& r) {
    actions.push_back(std::string(VerbName(r.verb)) + " " + std::string(ResourceName(r.resource)));
    auto key = std::make_pair(r.resource, r.name);
    auto it = objects.find(key);
    ApiResponse resp;
    resp.id = r.id;
    switch (r.verb) {
      case Verb::kGet:
        if (it == objects.end()) return {r.id, Status::NotFound(r.resource, r.name), nullptr, {}};
        resp.body = it->second;
        return resp;
      case Verb::kCreate: {
        if (it != objects.end()) return {r.id, Status::AlreadyExists(r.resource, r.name), nullptr, {}};
        Object o = *r.body;
        Meta(o).resourceVersion = std::to_string(++rv);
        objects[key] = resp.body = MakeObject(std::move(o));
        resp.status = Status::OK(201);
        return resp;
      }
      case Verb::kUpdate: {
        if (it == objects.end()) return {r.id, Status::NotFound(r.resource, r.name), nullptr, {}};
        if (Meta(*it->second).resourceVersion != Meta(*r.body).resourceVersion)
          return {r.id, Status::Conflict(r.resource, r.name), nullptr, {}};
        Object o = *r.body;
        Meta(o).resourceVersion = std::to_string(++rv);
        objects[key] = resp.body = MakeObject(std::move(o));
        return resp;
      }
      case Verb::kDelete: break;
    }
    return resp;
  }
};

// Runs one lock operation to completion against the tracker.
Status Run(ResourceLock& lock, LockStep s, Tracker& t) {
  while (s.send) s = lock.OnResponse(t.Handle(s.request));
  return s.status;
}

LockConfig Cfg(LockKind k = LockKind::kLeases) {
  LockConfig c;
  c.kind = k;
  c.namespace_ = "test-namespace";
  c.name = "test-name";
  c.identity = "test-identity";
  return c;
}

LeaderElectionRecord Rec(std::string holder) {
  LeaderElectionRecord r;
  r.holderIdentity = std::move(holder);
  r.leaseDurationSeconds = 15;
  r.acquireTime = WallTime{std::chrono::seconds(1767225600)};
  r.renewTime = WallTime{std::chrono::seconds(1767225605)};
  r.leaderTransitions = 1;
  return r;
}

// SameObject: every field of the two objects is equal (a Lease's or a ConfigMap's; the
// JSON rendering hides sub-second creationTimestamps and sub-microsecond times).
bool SameObject(const Object& a, const Object& b) {
  if (a.index() != b.index()) return false;
  const ObjectMeta& x = Meta(a);
  const ObjectMeta& y = Meta(b);
  if (x.name != y.name || x.namespace_ != y.namespace_ || x.resourceVersion != y.resourceVersion || x.uid != y.uid ||
      x.creationTimestamp != y.creationTimestamp || x.labels != y.labels || x.annotations != y.annotations) {
    return false;
  }
  if (const auto* l = std::get_if<Lease>(&a)) {
    const LeaseSpec& p = l->spec;
    const LeaseSpec& q = std::get<Lease>(b).spec;
    return p.holderIdentity == q.holderIdentity && p.leaseDurationSeconds == q.leaseDurationSeconds &&
           p.acquireTime == q.acquireTime && p.renewTime == q.renewTime && p.leaseTransitions == q.leaseTransitions &&
           p.strategy == q.strategy && p.preferredHolder == q.preferredHolder;
  }
  if (const auto* c = std::get_if<ConfigMap>(&a)) return c->data == std::get<ConfigMap>(b).data;
  return true;
}

}  // namespace

TEST_CASE("TestGetError", "[core][lock][client-go]") {
  Tracker t;
  ResourceLock lock(Cfg(), true);
  Status st = Run(lock, lock.BeginGet(), t);
  CHECK(st.IsNotFound());
  CHECK(lock.cached_object() == nullptr);
}

TEST_CASE("TestGet", "[core][lock][client-go]") {
  Tracker t;
  ResourceLock lock(Cfg(), true);
  LeaderElectionRecord r = Rec("test-identity");
  r.strategy = "OldestEmulationVersion";
  r.preferredHolder = "other";
  REQUIRE(Run(lock, lock.BeginCreate(r), t).ok());
  REQUIRE(Run(lock, lock.BeginGet(), t).ok());
  CHECK(lock.got_record() == r);
  LeaderElectionRecord parsed;
  REQUIRE(UnmarshalRecord(lock.got_raw(), parsed));
  CHECK(parsed.holderIdentity == "test-identity");
  CHECK(lock.got_raw() == MarshalRecord(r));
}

TEST_CASE("Get after renewals and a takeover: the raw bytes are json.Marshal's each time", "[core][lock]") {
  // A reader's raw record is patched in place across renewals (only renewTime changed)
  // and marshalled afresh otherwise; either way the bytes are those of MarshalRecord.
  Tracker t;
  ResourceLock writer(Cfg(), true);
  ResourceLock reader(Cfg(), true);
  LeaderElectionRecord r = Rec("test-identity");
  REQUIRE(Run(writer, writer.BeginCreate(r), t).ok());
  for (int i = 0; i < 4; ++i) {
    CAPTURE(i);
    REQUIRE(Run(reader, reader.BeginGet(), t).ok());
    CHECK(reader.got_record() == r);
    CHECK(reader.got_raw() == MarshalRecord(r));
    if (i == 2) {
      r.holderIdentity = "other";  // a takeover: not a renewal
      r.leaderTransitions++;
    }
    r.renewTime = r.renewTime + std::chrono::seconds(2);
    REQUIRE(Run(writer, writer.BeginUpdate(r), t).ok());
  }
}

TEST_CASE("TestCreateError", "[core][lock][client-go]") {
  Tracker t;
  ResourceLock lock(Cfg(), true);
  REQUIRE(Run(lock, lock.BeginCreate(Rec("a")), t).ok());
  Status st = Run(lock, lock.BeginCreate(Rec("a")), t);
  CHECK(st.IsAlreadyExists());
}

TEST_CASE("TestUpdateError", "[core][lock][client-go]") {
  Tracker t;
  ResourceLock lock(Cfg(), true);
  LockStep s = lock.BeginUpdate(Rec("a"));
  CHECK_FALSE(s.send);  // no API call
  CHECK(s.status.message == "lease not initialized, call get or create first");
  CHECK(t.actions.empty());
}

TEST_CASE("TestRecordEventSuccess", "[core][lock][client-go]") {
  // LeaseLock.RecordEvent: Eventf(lease, "Normal", "LeaderElection", "%s", "<identity> <event>").
  CHECK(EventMessage("test-identity", RecordEvent{"test event"}) == "test-identity test event");
}

TEST_CASE("TestDescribe", "[core][lock][client-go]") {
  ResourceLock lock(Cfg(), true);
  CHECK(lock.Describe() == "test-namespace/test-name");
  CHECK(lock.Identity() == "test-identity");
}

TEST_CASE("TestUpdateWithNilLabelsOnLease", "[core][lock][client-go]") {
  Tracker t;
  LockConfig c = Cfg();
  ResourceLock creator(c, true);
  REQUIRE(Run(creator, creator.BeginCreate(Rec("a")), t).ok());  // lease with no labels
  c.labels = {{"custom-key", "custom-val"}};
  ResourceLock lock(c, true);
  REQUIRE(Run(lock, lock.BeginGet(), t).ok());
  REQUIRE(Run(lock, lock.BeginUpdate(Rec("test-identity")), t).ok());
  const auto& lease = std::get<Lease>(*lock.cached_object());
  CHECK(lease.metadata.labels == std::map<std::string, std::string>{{"custom-key", "custom-val"}});
}

TEST_CASE("TestUpdateWithNilLabelsOnLeaseLock", "[core][lock][client-go]") {
  Tracker t;
  LockConfig c = Cfg();
  ResourceLock lock(c, true);
  REQUIRE(Run(lock, lock.BeginCreate(Rec("a")), t).ok());
  REQUIRE(Run(lock, lock.BeginUpdate(Rec("test-identity")), t).ok());
  CHECK(std::get<Lease>(*lock.cached_object()).metadata.labels.empty());
}

TEST_CASE("TestLabelUpdate", "[core][lock][client-go]") {
  Tracker t;
  LockConfig c = Cfg();
  c.labels = {{"custom-key", "custom-val"}};
  ResourceLock lock(c, true);
  REQUIRE(Run(lock, lock.BeginCreate(Rec("a")), t).ok());
  // A foreign writer adds its own label.
  {
    Object o = *t.objects.begin()->second;
    Meta(o).labels["foreign"] = "keep";
    Meta(o).labels["custom-key"] = "changed";
    Meta(o).resourceVersion = std::to_string(++t.rv);
    t.objects.begin()->second = MakeObject(std::move(o));
  }
  REQUIRE(Run(lock, lock.BeginGet(), t).ok());
  REQUIRE(Run(lock, lock.BeginUpdate(Rec("test-identity")), t).ok());
  CHECK(std::get<Lease>(*lock.cached_object()).metadata.labels ==
        std::map<std::string, std::string>{{"custom-key", "custom-val"}, {"foreign", "keep"}});
}

TEST_CASE("LeaseLock: a failed Update keeps the mutated cache with the old resourceVersion", "[core][lock]") {
  // PR #95939: the cache is not cleared on error, so release still works afterwards, and
  // the next fast-path Update carries the stale resourceVersion (409).
  Tracker t;
  ResourceLock lock(Cfg(), true);
  REQUIRE(Run(lock, lock.BeginCreate(Rec("a")), t).ok());
  const std::string rv = Meta(*lock.cached_object()).resourceVersion;
  ResourceLock other(Cfg(), true);
  REQUIRE(Run(other, other.BeginGet(), t).ok());
  REQUIRE(Run(other, other.BeginUpdate(Rec("b")), t).ok());
  Status st = Run(lock, lock.BeginUpdate(Rec("a2")), t);
  CHECK(st.IsConflict());
  REQUIRE(lock.cached_object() != nullptr);
  CHECK(Meta(*lock.cached_object()).resourceVersion == rv);
  CHECK(std::get<Lease>(*lock.cached_object()).spec.holderIdentity == std::optional<std::string>("a2"));
}

TEST_CASE("Update: a reused body allocation carries exactly the copy a new one would, and a body someone holds never changes",
          "[core][lock]") {
  // LeaseLock.Update mutates a copy of the cached object. The lock reuses the allocation
  // of an earlier Update body once no one else holds it; the body sent must then be, field
  // for field, the cached object with the new record (and labels), and a body a reader
  // still holds must keep its contents.
  for (LockKind k : {LockKind::kLeases, LockKind::kConfigMaps}) {
    CAPTURE(static_cast<int>(k));
    Tracker t;
    LockConfig c = Cfg(k);
    c.labels = {{"custom-key", "custom-val"}};
    ResourceLock lock(c, true);
    LeaderElectionRecord r = Rec("test-identity");
    REQUIRE(Run(lock, lock.BeginCreate(r), t).ok());
    std::vector<std::pair<ObjectPtr, nlohmann::json>> held;  // bodies kept, as sent
    std::vector<const Object*> sent;
    bool reused = false;
    for (int i = 0; i < 12; ++i) {
      CAPTURE(i);
      r.renewTime = r.renewTime + std::chrono::seconds(2);
      if (i == 5) r.holderIdentity = "a-much-longer-identity-than-the-short-string-buffer";
      if (i == 8) {  // a foreign write in between: the fast-path Update conflicts
        Object o = *t.objects.begin()->second;
        Meta(o).labels["foreign"] = "keep";
        Meta(o).annotations["note"] = "foreign";
        Meta(o).uid = "0d6c1b6e-5d3c-4e51-9a4e-2f7f3c1d9b10";
        Meta(o).creationTimestamp = WallTime{std::chrono::nanoseconds(1767225600123456789)};
        if (auto* lease = std::get_if<Lease>(&o)) lease->spec.preferredHolder = "someone";
        Meta(o).resourceVersion = std::to_string(++t.rv);
        t.objects.begin()->second = MakeObject(std::move(o));
      }
      // The general path: a new copy of the cached object, mutated.
      Object expected = *lock.cached_object();
      if (auto* lease = std::get_if<Lease>(&expected)) {
        lease->spec = LeaderElectionRecordToLeaseSpec(r);
        for (const auto& [key, v] : c.labels) lease->metadata.labels[key] = v;
      } else {
        Meta(expected).annotations[std::string(kLeaderAnnotationKey)] = MarshalRecord(r, true);
      }
      const LockStep& s = lock.BeginUpdate(r);
      REQUIRE(s.send);
      const ObjectPtr body = s.request.body;
      CHECK(SameObject(*body, expected));
      CHECK(ToJson(*body) == ToJson(expected));
      for (const Object* p : sent) reused = reused || p == body.get();
      sent.push_back(body.get());
      if (i % 3 == 1) held.emplace_back(body, ToJson(*body));
      const Status st = lock.OnResponse(t.Handle(s.request)).status;
      CHECK(st.ok() == (i != 8));
      if (!st.ok()) REQUIRE(Run(lock, lock.BeginGet(), t).ok());
    }
    CHECK(reused);  // the reuse path ran
    for (const auto& [obj, json] : held) CHECK(ToJson(*obj) == json);
  }
}

TEST_CASE("annotation locks keep the record in control-plane.alpha.kubernetes.io/leader", "[core][lock]") {
  for (LockKind k : {LockKind::kConfigMaps, LockKind::kEndpoints}) {
    CAPTURE(LockKindName(k));
    Tracker t;
    ResourceLock lock(Cfg(k), /*coordinated_fields=*/false);
    LockStep s = lock.BeginUpdate(Rec("a"));
    CHECK(s.status.message ==
          (k == LockKind::kConfigMaps ? "configmap not initialized, call get or create first"
                                      : "endpoint not initialized, call get or create first"));
    REQUIRE(Run(lock, lock.BeginCreate(Rec("a")), t).ok());
    const ObjectPtr obj = t.objects.begin()->second;
    CHECK(ResourceOf(*obj) == (k == LockKind::kConfigMaps ? Resource::kConfigMaps : Resource::kEndpoints));
    const std::string ann = Meta(*obj).annotations.at("control-plane.alpha.kubernetes.io/leader");
    CHECK(ann == MarshalRecord(Rec("a"), false));
    REQUIRE(Run(lock, lock.BeginGet(), t).ok());
    CHECK(lock.got_raw() == ann);
    CHECK(lock.got_record() == Rec("a"));
  }
}

TEST_CASE("testTryAcquireOrRenewMultiLock (v0.27) API call sequences", "[core][lock][client-go]") {
  SECTION("acquire from no object: get P 404; create P; create S") {
    Tracker t;
    ResourceLock lock(Cfg(LockKind::kEndpointsLeases), false);
    CHECK(Run(lock, lock.BeginGet(), t).IsNotFound());
    REQUIRE(Run(lock, lock.BeginCreate(Rec("test-identity")), t).ok());
    CHECK(t.actions == std::vector<std::string>{"get endpoints", "create endpoints", "create leases"});
  }
  SECTION("old client holds the primary only: Get returns the primary record") {
    Tracker t;
    ResourceLock old(Cfg(LockKind::kEndpoints), false);
    REQUIRE(Run(old, old.BeginCreate(Rec("bing")), t).ok());
    ResourceLock lock(Cfg(LockKind::kEndpointsLeases), false);
    REQUIRE(Run(lock, lock.BeginGet(), t).ok());
    CHECK(lock.got_record().holderIdentity == "bing");
    CHECK(lock.got_raw() == MarshalRecord(Rec("bing"), false));
  }
  SECTION("holders differ: UnknownLeader and concatenated raw records") {
    Tracker t;
    ResourceLock p(Cfg(LockKind::kConfigMaps), false);
    REQUIRE(Run(p, p.BeginCreate(Rec("bing")), t).ok());
    ResourceLock s(Cfg(LockKind::kLeases), false);
    REQUIRE(Run(s, s.BeginCreate(Rec("baz")), t).ok());
    ResourceLock lock(Cfg(LockKind::kConfigMapsLeases), false);
    REQUIRE(Run(lock, lock.BeginGet(), t).ok());
    CHECK(lock.got_record().holderIdentity == "leaderelection.k8s.io/unknown");
    LeaderElectionRecord unknown = Rec("bing");
    unknown.holderIdentity = "leaderelection.k8s.io/unknown";
    CHECK(lock.got_raw() == ConcatRawRecord(MarshalRecord(unknown, false), MarshalRecord(Rec("baz"), false)));
  }
  SECTION("update: update P; get S 404; create S") {
    Tracker t;
    ResourceLock old(Cfg(LockKind::kEndpoints), false);
    REQUIRE(Run(old, old.BeginCreate(Rec("bing")), t).ok());
    ResourceLock lock(Cfg(LockKind::kEndpointsLeases), false);
    REQUIRE(Run(lock, lock.BeginGet(), t).ok());
    t.actions.clear();
    REQUIRE(Run(lock, lock.BeginUpdate(Rec("test-identity")), t).ok());
    CHECK(t.actions == std::vector<std::string>{"update endpoints", "get leases", "create leases"});
    REQUIRE(Run(lock, lock.BeginGet(), t).ok());
    CHECK(lock.got_record().holderIdentity == "test-identity");
  }
}

TEST_CASE("issue15 item 6: before 1.26 a failed Get leaves the empty object in the cache (client-go d04c2ced1)",
          "[core][lock][profile]") {
  // v0.25.0 LeaseLock.Get: `ll.lease, err = ll.Client.Leases(ns).Get(...)`; the typed client
  // returns &v1.Lease{} with the error. configMapLock and endpointsLock did the same. An
  // Update then builds Put().Name("") and fails locally: no API call.
  for (LockKind k : {LockKind::kLeases, LockKind::kConfigMaps, LockKind::kEndpoints}) {
    for (bool get_error_keeps_cache : {false, true}) {
      CAPTURE(LockKindName(k), get_error_keeps_cache);
      Tracker t;
      ResourceLock lock(Cfg(k), /*coordinated_fields=*/false, get_error_keeps_cache);
      REQUIRE(Run(lock, lock.BeginCreate(Rec("test-identity")), t).ok());
      LockStep get = lock.BeginGet();
      REQUIRE(get.send);
      LockStep failed = lock.OnResponse(ApiResponse{get.request.id, Status::InternalError(), nullptr, {}});
      REQUIRE_FALSE(failed.send);
      CHECK(failed.status.code == 500);
      t.actions.clear();
      Status st = Run(lock, lock.BeginUpdate(Rec("test-identity")), t);
      if (get_error_keeps_cache) {
        CHECK(st.ok());
        CHECK(t.actions.size() == 1);
      } else {
        CHECK(st.reason == Reason::kEmptyResourceName);
        CHECK(st.message == "resource name may not be empty");
        CHECK(t.actions.empty());
        REQUIRE(lock.cached_object() != nullptr);
        CHECK(Meta(*lock.cached_object()).name.empty());
        CHECK(ResourceOf(*lock.cached_object()) == (k == LockKind::kLeases       ? Resource::kLeases
                                                    : k == LockKind::kConfigMaps ? Resource::kConfigMaps
                                                                                 : Resource::kEndpoints));
      }
    }
  }
}

TEST_CASE("issue15 item 6: a failed Create stores the empty object in every version", "[core][lock]") {
  // `ll.lease, err = ll.Client.Leases(ns).Create(ctx, lease, ...)` (v0.20.0–v0.37): after
  // AlreadyExists the cache is an empty Lease, so an Update fails locally with the rest
  // client's "resource name may not be empty" (not "lease not initialized").
  for (bool get_error_keeps_cache : {false, true}) {
    CAPTURE(get_error_keeps_cache);
    Tracker t;
    ResourceLock other(Cfg(), true);
    REQUIRE(Run(other, other.BeginCreate(Rec("other")), t).ok());
    ResourceLock lock(Cfg(), true, get_error_keeps_cache);
    CHECK(Run(lock, lock.BeginCreate(Rec("test-identity")), t).IsAlreadyExists());
    REQUIRE(lock.cached_object() != nullptr);
    CHECK(Meta(*lock.cached_object()).name.empty());
    t.actions.clear();
    LockStep s = lock.BeginUpdate(Rec("test-identity"));
    CHECK_FALSE(s.send);
    CHECK(s.status.message == "resource name may not be empty");
    // A Get restores a usable cache.
    REQUIRE(Run(lock, lock.BeginGet(), t).ok());
    CHECK(Run(lock, lock.BeginUpdate(Rec("test-identity")), t).ok());
  }
}
