// coordination_test.cc — coordinated leader election (KEP-4355) in the simulator: the
// scenario keys, and runs where the election controller decides who leads.
#include <catch2/catch.hpp>

#include <string>

#include "sim/runner.h"
#include "sim/scenario.h"

using namespace leasesim::sim;

namespace {

std::string Parse(const std::string& text) {
  std::string err;
  auto s = ParseScenario(text, "x.json", &err);
  return s ? std::string() : err;
}

Scenario MustParse(const std::string& text) {
  std::string err;
  auto s = ParseScenario(text, "x.json", &err);
  INFO(err);
  REQUIRE(s);
  return *s;
}

}  // namespace

TEST_CASE("scenario: coordinated candidates, versions and the coordination section", "[sim][coordinated]") {
  Scenario s = MustParse(R"({"clientGo": "1.33", "candidates": [
      {"name": "a", "coordinated": true},
      {"name": "b", "binaryVersion": "1.34.0", "emulationVersion": "1.33.0"},
      {"name": "c"}],
    "faults": [{"kind": "restart", "at": "1m", "node": "c", "identity": "c2", "binaryVersion": "1.35.0"}]})");
  REQUIRE(s.coordination);
  CHECK(s.coordination->apiservers == std::vector<std::string>{"kube-apiserver-0"});
  CHECK(s.candidates[0].binary_version == "1.33.0");  // <client_go>.0 for a coordinated candidate
  CHECK(s.candidates[0].emulation_version == "1.33.0");
  CHECK(s.candidates[1].emulation_version == "1.33.0");
  CHECK(s.candidates[2].binary_version.empty());
  CHECK(s.faults[0].binary_version == std::optional<std::string>("1.35.0"));
  CHECK_FALSE(MustParse(R"({"candidates": [{"name": "a"}]})").coordination);

  CHECK(Parse(R"({"candidates": [{"name": "a", "binaryVersion": "v1.33"}]})") ==
        "x.json: $.candidates[0].binaryVersion: expected a semantic version like \"1.31.0\", got \"v1.33\"");
  CHECK(Parse(R"({"candidates": [{"name": "a"}], "coordination": {"leaseCandidateApi": "v2"}})") ==
        "x.json: $.coordination.leaseCandidateApi: expected \"v1alpha1\", \"v1alpha2\" or \"v1beta1\", got \"v2\"");
  CHECK(Parse(R"({"candidates": [{"name": "a"}], "coordination": {"apiservers": ["a"]}})") ==
        "x.json: $.coordination.apiservers: \"a\" is also a candidate name");
  // Node faults may name an API server instance.
  CHECK(Parse(R"({"candidates": [{"name": "a", "coordinated": true}], "coordination": {"apiservers": ["kas"]},
                  "faults": [{"kind": "crash", "at": "1m", "node": "kas", "for": "10s"}]})") == "");
  CHECK(Parse(R"({"candidates": [{"name": "a"}], "faults": [{"kind": "crash", "at": "1m", "node": "kas"}]})") ==
        "x.json: $.faults[0].node: unknown node \"kas\": no candidate has that name");
}

TEST_CASE("run: a coordinated candidate leads only once the controller names it", "[sim][coordinated]") {
  // One coordinated candidate never acquires by itself (tryCoordinatedRenew never
  // creates); the controller creates the Lease for it and it leads on its next retry.
  Scenario s = MustParse(R"({"duration": "1m", "clientGo": "1.33",
      "lock": {"kind": "leases", "namespace": "kube-system", "name": "kcm"},
      "candidates": [{"name": "a", "coordinated": true}]})");
  RunResult r = RunScenario(s, {});
  REQUIRE(r.input.nodes.size() == 1);
  REQUIRE_FALSE(r.input.nodes[0].believed.empty());
  const Duration first = r.input.nodes[0].believed.front().start - kTrueEpoch;
  CHECK(first > std::chrono::seconds(2));  // the first attempt finds no Lease: one jittered retry
  CHECK(first < std::chrono::milliseconds(4500));
  CHECK(r.input.coordination.enabled);
  CHECK(r.input.coordination.controller_starts == 1);
  REQUIRE_FALSE(r.input.holder_changes.empty());
  CHECK(r.input.holder_changes.front().holder == "a");
}

TEST_CASE("run: without the controller's API server a coordinated candidate never leads", "[sim][coordinated]") {
  Scenario s = MustParse(R"({"duration": "1m", "clientGo": "1.33",
      "candidates": [{"name": "a", "coordinated": true}],
      "coordination": {"apiservers": ["kas"]},
      "faults": [{"kind": "crash", "at": "0s", "node": "kas"}]})");
  RunResult r = RunScenario(s, {});
  CHECK(r.input.nodes[0].believed.empty());
  CHECK(r.input.holder_changes.empty());
}

TEST_CASE("run: the oldest emulation version leads, a newer leader beside an older candidate is measured",
          "[sim][coordinated]") {
  const std::string cands = R"("candidates": [
      {"name": "new", "binaryVersion": "1.34.0"},
      {"name": "old", "binaryVersion": "1.34.0", "emulationVersion": "1.33.0", "start": "5s"}])";
  Scenario coordinated = MustParse(R"({"duration": "2m", "clientGo": "1.34", "defaults": {"coordinated": true}, )" + cands + "}");
  RunResult rc = RunScenario(coordinated, {});
  // "new" is elected first (alone), then the controller moves leadership to "old" with
  // preferredHolder: one handover, and the violation lasts only until it completes.
  REQUIRE(rc.input.coordination.handovers.size() == 1);
  const auto& h = rc.input.coordination.handovers[0];
  CHECK(h.from == "new");
  CHECK(h.to == "old");
  REQUIRE(h.holder_at);
  CHECK(h.new_holder == "old");
  CHECK(rc.input.coordination.oldest_emulation_violation_total > Duration{0});
  CHECK(rc.input.coordination.oldest_emulation_violation_total < std::chrono::seconds(45));
  CHECK(rc.input.holder_changes.back().holder == "old");

  Scenario plain = MustParse(R"({"duration": "2m", "clientGo": "1.34", )" + cands + "}");
  RunResult rp = RunScenario(plain, {});
  // Uncoordinated: "new" acquires first and keeps the lease for the whole run.
  CHECK(rp.input.coordination.handovers.empty());
  CHECK(rp.input.coordination.oldest_emulation_violation_total > std::chrono::seconds(100));
}
