// Tests of viz/inspector.h and viz/lease_yaml.h: the inspector's contents at a cursor time.
#include <catch2/catch.hpp>

#include "fixtures.h"
#include "viz/inspector.h"
#include "viz/lease_yaml.h"

namespace leasesim::viz {
namespace {

using testing::kMs;
using testing::kS;

TEST_CASE("inspector: before any write there is no Lease", "[viz]") {
  auto tr = testing::LoadTiny();
  Inspection in = InspectAt(*tr, 500 * kMs);
  CHECK_FALSE(in.has_lease);
  CHECK(in.lease_yaml == "# no Lease kube-system/lock written yet\n");
  CHECK(in.nodes[0].state == NodeState::kAcquiring);
  CHECK_FALSE(in.nodes[0].has_observed);
}

TEST_CASE("inspector: during the split-brain the Lease names b, a still leads with a request in flight", "[viz]") {
  auto tr = testing::LoadTiny();
  Inspection in = InspectAt(*tr, 4500 * kMs);
  REQUIRE(in.has_lease);
  CHECK(in.lease_holder == "b");
  CHECK(in.resource_version == "2");
  CHECK(in.lease_written_t == 3950 * kMs);
  CHECK(in.lease_yaml ==
        "apiVersion: coordination.k8s.io/v1\n"
        "kind: Lease\n"
        "metadata:\n"
        "  name: lock\n"
        "  namespace: kube-system\n"
        "  resourceVersion: \"2\"\n"
        "spec:\n"
        "  holderIdentity: b\n"
        "  leaseDurationSeconds: 15\n"
        "  leaseTransitions: 1\n"
        "  renewTime: \"2026-01-01T00:00:01.000000Z\"\n");
  const NodeInspection& a = in.nodes[0];
  CHECK(a.state == NodeState::kLeading);
  CHECK(a.state_since == 1 * kS);
  CHECK(a.acting);
  CHECK(a.observed_holder == "a");  // a has not seen b's write: it is partitioned
  CHECK(a.observed_record == R"({"holderIdentity":"a"})");
  REQUIRE(a.in_flight.has_value());
  CHECK(a.in_flight->id == 7);
  CHECK(a.in_flight->verb == ApiVerb::kUpdate);
  CHECK_THAT(a.in_flight_text, Catch::Contains("pending for 1.500s"));
  const NodeInspection& b = in.nodes[1];
  CHECK(b.state == NodeState::kLeading);
  CHECK(b.observed_holder == "b");
  CHECK_FALSE(b.in_flight.has_value());
}

TEST_CASE("inspector: local readings follow each node's clock rate and offset", "[viz]") {
  auto tr = testing::LoadTiny();
  // b: boot mono 200 s, wall offset +2 s, +500000 ppm (1.5x) from the start.
  const TimeNs t = 7 * kS;  // after b's last event (4.05 s): extrapolated with the drift
  Inspection in = InspectAt(*tr, t);
  const NodeInspection& b = in.nodes[1];
  REQUIRE(b.has_clock);
  CHECK(b.drift_ppm == 500'000);
  CHECK(b.mono_ns == 200 * kS + t + t / 2);
  CHECK(b.wall_ns == tr->header.epoch_wall_ns + 2 * kS + t + t / 2);
  CHECK(b.offset_ns == 2 * kS + t / 2);
  const NodeInspection& a = in.nodes[0];
  CHECK(a.mono_ns == 100 * kS + t);
  CHECK(a.offset_ns == 0);
}

TEST_CASE("lease yaml: kubectl quoting and layout", "[viz]") {
  auto j = nlohmann::json::parse(R"({
    "metadata": {"name": "x", "labels": {"app": "true", "tier": "", "n": "007"},
                 "annotations": {"note": "a: b", "empty": {}}, "finalizers": ["f1", "2"]},
    "spec": {"holderIdentity": "node-1", "leaseDurationSeconds": 15, "acquireTime": null,
             "preferredHolder": "-x", "list": [{"a": 1, "b": "yes"}, []]}})");
  CHECK(ToKubectlYaml(j) ==
        "metadata:\n"
        "  annotations:\n"
        "    empty: {}\n"
        "    note: \"a: b\"\n"
        "  finalizers:\n"
        "  - f1\n"
        "  - \"2\"\n"
        "  labels:\n"
        "    app: \"true\"\n"
        "    \"n\": \"007\"\n"  // go-yaml v2 reads a plain n as false, so the key is quoted
        "    tier: \"\"\n"
        "  name: x\n"
        "spec:\n"
        "  acquireTime: null\n"
        "  holderIdentity: node-1\n"
        "  leaseDurationSeconds: 15\n"
        "  list:\n"
        "  - a: 1\n"
        "    b: \"yes\"\n"
        "  - []\n"
        "  preferredHolder: \"-x\"\n");
  CHECK(YamlScalar("kube-controller-manager_6f0c") == "kube-controller-manager_6f0c");
  CHECK(YamlScalar("2026-01-01T00:00:00Z") == "\"2026-01-01T00:00:00Z\"");
  CHECK(YamlScalar("1.5") == "\"1.5\"");
  CHECK(YamlScalar("null") == "\"null\"");
  CHECK(YamlScalar("line\nbreak") == "\"line\\nbreak\"");
  CHECK(ToKubectlYaml(nlohmann::json::object()) == "{}\n");
}

}  // namespace
}  // namespace leasesim::viz
