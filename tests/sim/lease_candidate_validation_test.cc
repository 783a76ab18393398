// lease_candidate_validation_test.cc — the fake API server's LeaseCandidate validation
// (ValidateLeaseCandidateSpec, kubernetes pkg/apis/coordination/validation).
#include <catch2/catch.hpp>

#include "sim/api_server.h"
#include "sim/lease_candidate_validation.h"

namespace leasesim::sim {
namespace {

core::LeaseCandidate Valid() {
  core::LeaseCandidate c;
  c.metadata.name = "kcm-a";
  c.metadata.namespace_ = "kube-system";
  c.spec.leaseName = "kube-controller-manager";
  c.spec.binaryVersion = "1.33.0";
  c.spec.emulationVersion = "1.32.0";
  c.spec.strategy = "OldestEmulationVersion";
  return c;
}

}  // namespace

TEST_CASE("ValidateLeaseCandidate", "[sim][coordinated]") {
  CHECK(ValidateLeaseCandidate(Valid(), nullptr) == "");
  auto c = Valid();
  c.spec.leaseName.clear();
  CHECK(ValidateLeaseCandidate(c, nullptr) == "spec.leaseName: Required value");
  c = Valid();
  c.spec.binaryVersion = "1.31.0";
  CHECK(ValidateLeaseCandidate(c, nullptr) ==
        "spec.binaryVersion: Invalid value: \"1.31.0\": must be greater than or equal to `emulationVersion`");
  c = Valid();
  c.spec.emulationVersion.clear();
  CHECK(ValidateLeaseCandidate(c, nullptr) ==
        "spec.emulationVersion: Required value: must be specified when `strategy` is 'OldestEmulationVersion'");
  c = Valid();
  c.spec.strategy = "Newest";
  CHECK(ValidateLeaseCandidate(c, nullptr) ==
        "spec.strategy.strategy: Unsupported value: \"Newest\": supported values: \"OldestEmulationVersion\"");
  c = Valid();
  c.spec.strategy = "foo.com/bar";
  CHECK(ValidateLeaseCandidate(c, nullptr) == "");
  c = Valid();
  c.spec.binaryVersion = "v1.33";  // Parse is strict (not ParseTolerant)
  c.spec.strategy.clear();
  // An unparsable binaryVersion stays 0.0.0 in Go, so it is also "less than" emulationVersion.
  CHECK(ValidateLeaseCandidate(c, nullptr) ==
        "[spec.binaryVersion: Invalid value: \"v1.33\": must be a valid semantic version, spec.binaryVersion: "
        "Invalid value: \"v1.33\": must be greater than or equal to `emulationVersion`, spec.strategy: Required "
        "value]");
  const auto old = Valid();
  c = Valid();
  c.spec.leaseName = "other";
  CHECK(ValidateLeaseCandidate(c, &old) == "spec.leaseName: Invalid value: \"other\": field is immutable");
}

TEST_CASE("ApiServer stores LeaseCandidates: 422 on invalid, resourceVersion required on update",
          "[sim][coordinated]") {
  ApiServer server;
  const TrueTime t = kTrueEpoch + std::chrono::seconds(1);
  core::ApiRequest create{.id = 1, .verb = core::Verb::kCreate, .resource = core::Resource::kLeaseCandidates,
                          .namespace_ = "kube-system", .name = "kcm-a", .body = core::MakeObject(Valid())};
  auto resp = server.Complete(create, t);
  REQUIRE(resp.status.ok());
  auto bad = Valid();
  bad.spec.strategy.clear();
  core::ApiRequest create2 = create;
  create2.name = "kcm-b";
  bad.metadata.name = "kcm-b";
  create2.body = core::MakeObject(bad);
  CHECK(server.Complete(create2, t).status.reason == core::Reason::kInvalid);
  auto upd = std::get<core::LeaseCandidate>(*resp.body);
  upd.metadata.resourceVersion.clear();
  upd.spec.pingTime = core::WallTime{std::chrono::seconds(1'700'000'000)};
  core::ApiRequest update{.id = 3, .verb = core::Verb::kUpdate, .resource = core::Resource::kLeaseCandidates,
                          .namespace_ = "kube-system", .name = "kcm-a", .body = core::MakeObject(upd)};
  auto r = server.Complete(update, t);
  CHECK(r.status.code == 422);
  CHECK(r.status.message.rfind("leasecandidates.coordination.k8s.io \"kcm-a\" is invalid", 0) == 0);
  upd.metadata.resourceVersion = std::get<core::LeaseCandidate>(*resp.body).metadata.resourceVersion;
  update.body = core::MakeObject(upd);
  r = server.Complete(update, t);
  REQUIRE(r.status.ok());
  CHECK(std::get<core::LeaseCandidate>(*r.body).spec.pingTime == upd.spec.pingTime);
  CHECK(core::Meta(*r.body).resourceVersion != core::Meta(*resp.body).resourceVersion);
}

}  // namespace leasesim::sim
