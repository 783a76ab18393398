// leasecandidate_json_test.cc — LeaseCandidate in Kubernetes' JSON, by API version.
#include <catch2/catch.hpp>

#include "core/objects_json.h"

namespace leasesim::core {

TEST_CASE("LeaseCandidate JSON: v1beta1 shape and round trip", "[core][coordinated]") {
  LeaseCandidate c;
  c.metadata.name = "kcm-a_1";
  c.metadata.namespace_ = "kube-system";
  c.spec.leaseName = "kube-controller-manager";
  c.spec.binaryVersion = "1.33.0";
  c.spec.emulationVersion = "1.32.0";
  c.spec.strategy = "OldestEmulationVersion";
  c.spec.renewTime = WallTime{std::chrono::seconds(1'700'000'000) + std::chrono::microseconds(5)};
  const nlohmann::json j = ToJson(Object(c));
  CHECK(j["apiVersion"] == "coordination.k8s.io/v1beta1");
  CHECK(j["kind"] == "LeaseCandidate");
  CHECK(j["spec"]["renewTime"] == "2023-11-14T22:13:20.000005Z");
  CHECK_FALSE(j["spec"].contains("pingTime"));
  CHECK_FALSE(j["spec"].contains("preferredStrategies"));
  Object back;
  REQUIRE(FromJson(j, back) == "");
  const auto& b = std::get<LeaseCandidate>(back);
  CHECK(b.api == LeaseCandidateApi::kV1beta1);
  CHECK(b.spec.leaseName == c.spec.leaseName);
  CHECK(b.spec.strategy == "OldestEmulationVersion");
  CHECK(b.spec.renewTime == c.spec.renewTime);
  CHECK(b.spec.emulationVersion == "1.32.0");
}

TEST_CASE("LeaseCandidate JSON: v1alpha1 has preferredStrategies, no strategy", "[core][coordinated]") {
  LeaseCandidate c;
  c.api = LeaseCandidateApi::kV1alpha1;
  c.metadata.name = "a";
  c.spec.leaseName = "l";
  c.spec.preferredStrategies = {"OldestEmulationVersion"};
  const nlohmann::json j = ToJson(Object(c));
  CHECK(j["apiVersion"] == "coordination.k8s.io/v1alpha1");
  CHECK(j["spec"]["preferredStrategies"] == nlohmann::json::array({"OldestEmulationVersion"}));
  CHECK_FALSE(j["spec"].contains("strategy"));
  Object back;
  REQUIRE(FromJson(j, back) == "");
  CHECK(std::get<LeaseCandidate>(back).api == LeaseCandidateApi::kV1alpha1);
  CHECK(FromJson(nlohmann::json::parse(R"({"kind":"LeaseCandidate","spec":{"preferredStrategies":"x"}})"), back) ==
        R"(spec.preferredStrategies: expected an array of strings, got "x")");
}

}  // namespace leasesim::core
