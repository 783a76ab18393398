// initial_lease_test.cc — a scenario's "initialLease" (issue 14 item 1): the lock starts
// as a Lease pasted from `kubectl get lease NAME -o yaml`; the candidates wait out its
// holder's lease and the takeover counts on from its leaseTransitions, as client-go's
// tryAcquireOrRenew does against a live cluster. Bad input names the JSON path.
#include <filesystem>
#include <string>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include "sim/runner.h"
#include "sim/scenario.h"

using namespace leasesim;
using namespace leasesim::sim;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

const fs::path kHeldByOldLeader = fs::path(LEASESIM_SOURCE_DIR) / "tests/data/initial-lease/held-by-old-leader.yaml";

// ScenarioWith is a two-candidate scenario on lock kube-system/kube-scheduler with
// `initial` as its "initialLease" (a JSON object's text) and `lock_kind`.
std::string ScenarioWith(const std::string& initial, const std::string& lock_kind = "leases") {
  return fmt::format(R"({{"duration": "1m", "lock": {{"kind": "{}", "namespace": "kube-system", "name": "kube-scheduler"}},
    "candidates": [{{"name": "a"}}, {{"name": "b"}}], "initialLease": {}}})",
                     lock_kind, initial);
}

std::string ErrorOf(const std::string& text) {
  std::string err;
  CHECK_FALSE(ParseScenario(text, "s.json", &err));
  return err;
}

}  // namespace

TEST_CASE("initialLease: a Lease as kubectl prints it is the lock's state at the start", "[sim][initial-lease]") {
  std::string err;
  auto s = LoadScenarioFile(kHeldByOldLeader, &err);
  INFO(err);
  REQUIRE(s);
  REQUIRE(s->initial_lease);
  CHECK(s->initial_lease->spec.holderIdentity == "old-replica_3c5e1f0a-1b1a-4c1e-9d7e-5f2c9a6b8d10");
  CHECK(s->initial_lease->spec.leaseTransitions == 4);
  CHECK(s->initial_lease->metadata.resourceVersion.empty());  // the server assigns its own
  const RunResult r = RunScenario(*s, RunOptions{});
  CHECK(r.invariant_breaches.empty());  // leaseTransitions counted on from 4, by the Lease history checker
  CHECK(r.passed);
  // Nobody leads before the old holder's 15s have passed since the record was first seen.
  for (const NodeIntervals& n : r.results.nodes) {
    for (const Interval& b : n.believed) CHECK(b.start - r.results.start >= 15s);
  }
  // The takeover is a transition from the old holder.
  REQUIRE(r.results.transitions.size() == 1);
  CHECK(r.results.transitions[0].from == "old-replica_3c5e1f0a-1b1a-4c1e-9d7e-5f2c9a6b8d10");
}

TEST_CASE("initialLease: without it the same cluster elects at once", "[sim][initial-lease]") {
  std::string err;
  auto s = LoadScenarioFile(kHeldByOldLeader, &err);
  REQUIRE(s);
  s->initial_lease.reset();
  const RunResult r = RunScenario(*s, RunOptions{});
  bool early = false;
  for (const NodeIntervals& n : r.results.nodes) {
    for (const Interval& b : n.believed) early |= b.start - r.results.start < 1s;
  }
  CHECK(early);
  CHECK(r.results.transitions.empty());
}

TEST_CASE("initialLease: a candidate that already holds it renews without a transition", "[sim][initial-lease]") {
  std::string err;
  auto s = ParseScenario(ScenarioWith(R"({"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
      "metadata": {"name": "kube-scheduler", "namespace": "kube-system"},
      "spec": {"holderIdentity": "a", "leaseDurationSeconds": 15, "leaseTransitions": 7,
               "renewTime": "2026-01-01T00:00:00.000000Z"}})"),
                         "s.json", &err);
  INFO(err);
  REQUIRE(s);
  const RunResult r = RunScenario(*s, RunOptions{});
  CHECK(r.invariant_breaches.empty());
  CHECK(r.results.transitions.empty());
  REQUIRE_FALSE(r.results.nodes[0].believed.empty());
  CHECK(r.results.nodes[0].believed.front().start - r.results.start < 1s);  // a finds itself the holder
  CHECK(r.results.nodes[1].believed.empty());
}

TEST_CASE("initialLease: bad input names the JSON path", "[sim][initial-lease]") {
  CHECK(ErrorOf(ScenarioWith(R"({"kind": "Lease", "spec": {"leaseDurationSeconds": "15"}})")) ==
        "s.json: $.initialLease.spec.leaseDurationSeconds: expected an integer in int32 range, got \"15\"");
  CHECK(ErrorOf(ScenarioWith(R"({"kind": "ConfigMap"})")) ==
        "s.json: $.initialLease.kind: expected \"Lease\", got \"ConfigMap\"");
  CHECK(ErrorOf(ScenarioWith(R"({"spec": {}})")) == "s.json: $.initialLease: expected a Lease: \"kind\": \"Lease\" is missing");
  CHECK(ErrorOf(ScenarioWith(R"({"kind": "Lease", "metadata": {"name": "kube-controller-manager"}})")) ==
        "s.json: $.initialLease.metadata.name: \"kube-controller-manager\" is not the lock's name \"kube-scheduler\" "
        "($.lock.name)");
  CHECK(ErrorOf(ScenarioWith(R"({"kind": "Lease", "spec": {"leaseDurationSeconds": 0}})")) ==
        "s.json: $.initialLease.spec.leaseDurationSeconds: must be greater than 0, got 0");
  CHECK(ErrorOf(ScenarioWith(R"({"kind": "Lease"})", "configmaps")) ==
        "s.json: $.initialLease: needs the lock kind \"leases\" ($.lock.kind is \"configmaps\")");
  CHECK(ErrorOf(ScenarioWith("[]")) ==
        "s.json: $.initialLease: expected a Lease object (kubectl get lease NAME -o yaml), got an array");
}
