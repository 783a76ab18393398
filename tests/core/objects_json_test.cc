// objects_json_test.cc — core::Object to and from Kubernetes JSON, checked against the
// shapes `kubectl get lease -o json` / `kubectl get cm -o json` print (k8s.io/api
// coordination/v1 and core/v1; Go pointers with omitempty; metav1.MicroTime RFC3339Micro).
#include <catch2/catch.hpp>

#include "core/objects_json.h"

using namespace leasesim::core;
using nlohmann::json;

namespace {

// 2026-01-01T00:00:00Z.
constexpr WallTime kNewYear{std::chrono::seconds(1767225600)};

Lease FullLease() {
  Lease l;
  l.metadata.name = "kube-controller-manager";
  l.metadata.namespace_ = "kube-system";
  l.metadata.resourceVersion = "1001";
  l.metadata.uid = "4c1c8b6e-0000-4000-8000-00000000abcd";
  l.metadata.creationTimestamp = kNewYear + 1500ms;
  l.metadata.labels = {{"app", "kcm"}};
  l.spec.holderIdentity = "node-a_5f1c";
  l.spec.leaseDurationSeconds = 15;
  l.spec.acquireTime = kNewYear + 1234567891ns;
  l.spec.renewTime = kNewYear + 61s + 999999999ns;
  l.spec.leaseTransitions = 3;
  l.spec.strategy = "OldestEmulationVersion";
  l.spec.preferredHolder = "node-b";
  return l;
}

}  // namespace

TEST_CASE("Lease with all fields", "[core][json]") {
  const json expected = json::parse(R"({
    "apiVersion": "coordination.k8s.io/v1",
    "kind": "Lease",
    "metadata": {
      "name": "kube-controller-manager",
      "namespace": "kube-system",
      "uid": "4c1c8b6e-0000-4000-8000-00000000abcd",
      "resourceVersion": "1001",
      "creationTimestamp": "2026-01-01T00:00:01Z",
      "labels": {"app": "kcm"}
    },
    "spec": {
      "holderIdentity": "node-a_5f1c",
      "leaseDurationSeconds": 15,
      "acquireTime": "2026-01-01T00:00:01.234567Z",
      "renewTime": "2026-01-01T00:01:01.999999Z",
      "leaseTransitions": 3,
      "strategy": "OldestEmulationVersion",
      "preferredHolder": "node-b"
    }
  })");
  CHECK(ToJson(Object(FullLease())) == expected);
}

TEST_CASE("Lease with nil fields omits them and a present zero time is null", "[core][json]") {
  Lease l;
  l.metadata.name = "bar";
  CHECK(ToJson(Object(l)) == json::parse(R"({
    "apiVersion": "coordination.k8s.io/v1",
    "kind": "Lease",
    "metadata": {"name": "bar", "creationTimestamp": null},
    "spec": {}
  })"));

  l.spec.holderIdentity = "";
  l.spec.acquireTime = WallTime::Zero();
  l.spec.leaseTransitions = 0;
  CHECK(ToJson(Object(l)).dump() ==
        R"({"apiVersion":"coordination.k8s.io/v1","kind":"Lease",)"
        R"("metadata":{"creationTimestamp":null,"name":"bar"},)"
        R"("spec":{"acquireTime":null,"holderIdentity":"","leaseTransitions":0}})");
}

TEST_CASE("ConfigMap with the leader annotation", "[core][json]") {
  ConfigMap cm;
  cm.metadata.name = "kube-scheduler";
  cm.metadata.namespace_ = "kube-system";
  cm.metadata.resourceVersion = "1000";
  cm.metadata.creationTimestamp = kNewYear;
  const std::string record =
      R"({"holderIdentity":"node-a","leaseDurationSeconds":15,"acquireTime":"2026-01-01T00:00:00Z",)"
      R"("renewTime":"2026-01-01T00:00:00Z","leaderTransitions":0})";
  cm.metadata.annotations[std::string(kLeaderAnnotationKey)] = record;
  const json expected = {
      {"apiVersion", "v1"},
      {"kind", "ConfigMap"},
      {"metadata",
       {{"name", "kube-scheduler"},
        {"namespace", "kube-system"},
        {"resourceVersion", "1000"},
        {"creationTimestamp", "2026-01-01T00:00:00Z"},
        {"annotations", {{"control-plane.alpha.kubernetes.io/leader", record}}}}}};
  CHECK(ToJson(Object(cm)) == expected);

  cm.data = {{"k", "v"}};
  CHECK(ToJson(Object(cm))["data"] == json::parse(R"({"k": "v"})"));
}

TEST_CASE("Endpoints have apiVersion v1 and no spec", "[core][json]") {
  Endpoints e;
  e.metadata.name = "kube-scheduler";
  CHECK(ToJson(Object(e)) == json::parse(R"({"apiVersion": "v1", "kind": "Endpoints",
    "metadata": {"name": "kube-scheduler", "creationTimestamp": null}})"));
}

TEST_CASE("Times before 1970 and leap days format with floor arithmetic", "[core][json]") {
  Lease l;
  l.spec.renewTime = WallTime{-1ns};
  l.spec.acquireTime = WallTime{std::chrono::seconds(951782400)};  // 2000-02-29
  const json j = ToJson(Object(l));
  CHECK(j["spec"]["renewTime"] == "1969-12-31T23:59:59.999999Z");
  CHECK(j["spec"]["acquireTime"] == "2000-02-29T00:00:00.000000Z");
}

TEST_CASE("Round trip through JSON keeps the object up to MicroTime precision", "[core][json]") {
  const Lease original = FullLease();
  Object parsed;
  REQUIRE(FromJson(ToJson(Object(original)), parsed) == "");
  REQUIRE(std::holds_alternative<Lease>(parsed));
  const Lease& l = std::get<Lease>(parsed);
  CHECK(l.metadata.name == original.metadata.name);
  CHECK(l.metadata.namespace_ == original.metadata.namespace_);
  CHECK(l.metadata.uid == original.metadata.uid);
  CHECK(l.metadata.resourceVersion == original.metadata.resourceVersion);
  CHECK(l.metadata.labels == original.metadata.labels);
  CHECK(l.metadata.creationTimestamp == kNewYear + 1s);  // metav1.Time: whole seconds
  CHECK(l.spec.holderIdentity == original.spec.holderIdentity);
  CHECK(l.spec.leaseDurationSeconds == original.spec.leaseDurationSeconds);
  CHECK(l.spec.acquireTime == TruncateToMicros(*original.spec.acquireTime));
  CHECK(l.spec.renewTime == TruncateToMicros(*original.spec.renewTime));
  CHECK(l.spec.leaseTransitions == original.spec.leaseTransitions);
  CHECK(l.spec.strategy == original.spec.strategy);
  CHECK(l.spec.preferredHolder == original.spec.preferredHolder);
  CHECK(ToJson(parsed) == ToJson(Object(original)));

  ConfigMap cm;
  cm.metadata.name = "cm";
  cm.metadata.annotations[std::string(kLeaderAnnotationKey)] = R"({"holderIdentity":"a"})";
  cm.data = {{"x", "y"}};
  Object cm_parsed;
  REQUIRE(FromJson(ToJson(Object(cm)), cm_parsed) == "");
  REQUIRE(std::holds_alternative<ConfigMap>(cm_parsed));
  CHECK(std::get<ConfigMap>(cm_parsed).metadata.annotations == cm.metadata.annotations);
  CHECK(std::get<ConfigMap>(cm_parsed).data == cm.data);
}

TEST_CASE("Nil Lease fields stay nil after a round trip", "[core][json]") {
  Object parsed;
  REQUIRE(FromJson(json::parse(R"({"apiVersion":"coordination.k8s.io/v1","kind":"Lease",
    "metadata":{"name":"bar","creationTimestamp":null},
    "spec":{"holderIdentity":"a","acquireTime":null}})"), parsed) == "");
  const Lease& l = std::get<Lease>(parsed);
  CHECK(l.spec.holderIdentity == "a");
  CHECK_FALSE(l.spec.acquireTime.has_value());
  CHECK_FALSE(l.spec.renewTime.has_value());
  CHECK_FALSE(l.spec.leaseDurationSeconds.has_value());
  CHECK(l.metadata.creationTimestamp.IsZero());
}

TEST_CASE("FromJson accepts RFC 3339 offsets and any fraction length", "[core][json]") {
  Object parsed;
  REQUIRE(FromJson(json::parse(R"({"kind":"Lease","spec":{
    "renewTime":"2026-01-01T02:00:00.5+02:00","acquireTime":"2026-01-01T00:00:00.123456789Z"}})"),
                   parsed) == "");
  const Lease& l = std::get<Lease>(parsed);
  CHECK(l.spec.renewTime == kNewYear + 500ms);
  CHECK(l.spec.acquireTime == kNewYear + 123456789ns);
}

TEST_CASE("FromJson names the JSON path of bad input", "[core][json]") {
  Object o;
  CHECK(FromJson(json::parse(R"({"kind":"Lease","spec":{"leaseDurationSeconds":"15"}})"), o) ==
        R"(spec.leaseDurationSeconds: expected an integer in int32 range, got "15")");
  CHECK(FromJson(json::parse(R"({"kind":"Lease","spec":{"leaseTransitions":4294967296}})"), o) ==
        "spec.leaseTransitions: expected an integer in int32 range, got 4294967296");
  CHECK(FromJson(json::parse(R"({"kind":"Lease","spec":{"leaseDurationSeconds":1.5}})"), o) ==
        "spec.leaseDurationSeconds: expected an integer in int32 range, got 1.5");
  CHECK(FromJson(json::parse(R"({"kind":"Lease","spec":{"renewTime":"2026-13-01T00:00:00Z"}})"), o) ==
        R"(spec.renewTime: month out of range, got "2026-13-01T00:00:00Z")");
  CHECK(FromJson(json::parse(R"({"kind":"Lease","spec":{"renewTime":"2026-01-01 00:00:00Z"}})"), o) ==
        R"(spec.renewTime: not an RFC 3339 time (want 2006-01-02T15:04:05Z), got "2026-01-01 00:00:00Z")");
  CHECK(FromJson(json::parse(R"({"kind":"Lease","spec":{"renewTime":"2026-01-01T00:00:00"}})"), o) ==
        R"(spec.renewTime: missing time zone (want Z or +hh:mm), got "2026-01-01T00:00:00")");
  CHECK(FromJson(json::parse(R"({"kind":"Lease","spec":{"renewTime":"2025-02-29T00:00:00Z"}})"), o) ==
        R"(spec.renewTime: day out of range, got "2025-02-29T00:00:00Z")");
  CHECK(FromJson(json::parse(R"({"kind":"ConfigMap","metadata":{"annotations":{"a.b/c":1}}})"), o) ==
        "metadata.annotations[a.b/c]: expected a string, got 1");
  CHECK(FromJson(json::parse(R"({"kind":"ConfigMap","metadata":{"name":7}})"), o) ==
        "metadata.name: expected a string, got 7");
  CHECK(FromJson(json::parse(R"({"kind":"Pod"})"), o) ==
        R"(kind: expected "Lease", "ConfigMap", "Endpoints" or "LeaseCandidate", got "Pod")");
  CHECK(FromJson(json::parse(R"({"apiVersion":"v1","kind":"Lease"})"), o) ==
        R"(apiVersion: expected "coordination.k8s.io/v1" for kind Lease, got "v1")");
  CHECK(FromJson(json::parse(R"([1])"), o) == "(root): expected an object, got [1]");
}
