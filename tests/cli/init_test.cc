// init_test.cc — `leasesim init`: the starter scenario from kube-controller-manager /
// kube-scheduler flags, from a `kubectl get lease -o yaml` dump, with --replicas and
// --client-go, loads and passes as it is; files are never overwritten without --force;
// bad input is named with exit 2.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "cli/commands.h"
#include "sim/runner.h"
#include "sim/scenario.h"

using namespace leasesim::sim;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

fs::path TempDir(const std::string& name) {
  fs::path d = fs::temp_directory_path() / ("leasesim-test-" + name);
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const std::string kFlags =
    "--leader-elect-lease-duration=30s --leader-elect-renew-deadline=20s --leader-elect-retry-period=5s "
    "--leader-elect-resource-lock=leases";

// RunsAsIs loads the written file and runs it: every expectation must hold.
Scenario RunsAsIs(const fs::path& file) {
  std::string err;
  auto s = LoadScenarioFile(file, &err);
  INFO(err);
  REQUIRE(s);
  const RunResult r = RunScenario(*s, {});
  CHECK(r.passed);
  CHECK(r.results.split_brain_total == Duration::zero());
  return *s;
}

std::string InitError(InitArgs a) {
  std::ostringstream out, err;
  CHECK(InitCommand(a, out, err) == kExitBadInput);
  CHECK(out.str().empty());
  return err.str();
}

}  // namespace

TEST_CASE("init --from-flags: kube-controller-manager's flags become the timings and the lock", "[cli][init]") {
  const fs::path dir = TempDir("init-flags");
  InitArgs a;
  a.file = (dir / "kcm.json").string();
  a.from_flags = kFlags;
  a.client_go = "1.31";
  std::ostringstream out, err;
  REQUIRE(InitCommand(a, out, err) == kExitPass);
  CHECK(out.str() == "wrote " + a.file + "; run it with: leasesim run " + a.file + "\n");
  const std::string text = Slurp(a.file);
  CHECK(text.find("\"leaseDuration\": \"30s\",") != std::string::npos);
  CHECK(text.find("// --leader-elect-lease-duration") != std::string::npos);
  const Scenario s = RunsAsIs(a.file);
  REQUIRE(s.candidates.size() == 3);
  CHECK(s.name == "kcm");
  CHECK(s.candidates[0].client_go == "1.31");
  for (const auto& c : s.candidates) {
    CHECK(c.config.leaseDuration == 30s);
    CHECK(c.config.renewDeadline == 20s);
    CHECK(c.config.retryPeriod == 5s);
  }
  // Also printed to stdout: the same text.
  InitArgs to_stdout = a;
  to_stdout.file.clear();
  std::ostringstream text_out;
  REQUIRE(InitCommand(to_stdout, text_out, err) == kExitPass);
  CHECK(text_out.str() == text);
}

TEST_CASE("init --from-lease: kubectl's Lease names the lock, the holder and the lease duration", "[cli][init]") {
  const fs::path dir = TempDir("init-lease");
  InitArgs a;
  a.file = (dir / "scheduler.yaml").string();
  a.from_lease = std::string(LEASESIM_SOURCE_DIR) + "/tests/data/init/lease.yaml";
  a.replicas = 2;
  std::ostringstream out, err;
  REQUIRE(InitCommand(a, out, err) == kExitPass);
  const std::string text = Slurp(a.file);
  CHECK(text.rfind("# Starter scenario written by `leasesim init`", 0) == 0);
  CHECK(text.find("7 transitions") != std::string::npos);
  const Scenario s = RunsAsIs(a.file);
  REQUIRE(s.candidates.size() == 2);
  CHECK(s.candidates[0].identity == "control-plane-2_8f0e5f4c-93f1-4b8e-8d4e-7c1a3e7b9d21");
  CHECK(s.candidates[0].config.lock.name == "kube-scheduler");
  CHECK(s.candidates[0].config.lock.namespace_ == "kube-system");
  CHECK(s.candidates[0].config.leaseDuration == 15s);
  // The run starts from the live Lease: initialLease, held by replica 0, counting on from
  // its 7 transitions.
  REQUIRE(s.initial_lease);
  CHECK(s.initial_lease->metadata.name == "kube-scheduler");
  CHECK(s.initial_lease->spec.holderIdentity == "control-plane-2_8f0e5f4c-93f1-4b8e-8d4e-7c1a3e7b9d21");
  CHECK(s.initial_lease->spec.leaseTransitions == 7);
  CHECK(s.initial_lease->spec.renewTime.has_value());
  CHECK(text.find("initialLease:") != std::string::npos);
  CHECK(text.find("replica-0 is its holder and renews it at once; leaseTransitions counts on from 7") != std::string::npos);

  SECTION("never overwrites without --force") {
    const std::string before = Slurp(a.file);
    a.replicas = 4;
    CHECK(InitError(a) == "leasesim: init: " + a.file + ": file exists (use --force to overwrite)\n");
    CHECK(Slurp(a.file) == before);
    a.force = true;
    std::ostringstream o2;
    REQUIRE(InitCommand(a, o2, err) == kExitPass);
    CHECK(RunsAsIs(a.file).candidates.size() == 4);
  }
}

TEST_CASE("init --from-lease: the Lease is initialLease in JSON too, and only when it is the lock the flags keep", "[cli][init]") {
  const fs::path dir = TempDir("init-lease-lock");
  InitArgs a;
  a.file = (dir / "s.json").string();
  a.from_lease = std::string(LEASESIM_SOURCE_DIR) + "/tests/data/init/lease.yaml";
  std::ostringstream out, err;
  REQUIRE(InitCommand(a, out, err) == kExitPass);
  Scenario s = RunsAsIs(a.file);
  REQUIRE(s.initial_lease);
  CHECK(s.initial_lease->spec.leaseDurationSeconds == 15);

  // --leader-elect-resource-name names another Lease: the live one is not that lock.
  a.file = (dir / "other.json").string();
  a.from_flags = "--leader-elect-resource-name=kube-controller-manager";
  REQUIRE(InitCommand(a, out, err) == kExitPass);
  s = RunsAsIs(a.file);
  CHECK_FALSE(s.initial_lease);
  CHECK(s.candidates[0].config.lock.name == "kube-controller-manager");
  CHECK(Slurp(a.file).find("The live Lease is not the lock the flags chose (leases kube-system/kube-controller-manager), so "
                           "the run starts with no lock object.") != std::string::npos);

  // Another lock kind: initialLease is a Lease, for the leases lock only.
  a.file = (dir / "endpoints.json").string();
  a.from_flags = "--leader-elect-resource-lock=endpointsleases";
  a.client_go = "1.26";  // (the last with the endpointsleases lock)
  REQUIRE(InitCommand(a, out, err) == kExitPass);
  CHECK_FALSE(RunsAsIs(a.file).initial_lease);
}

TEST_CASE("init --from-lease: a field the Lease cannot hold is named in the Lease's file, and nothing is written", "[cli][init]") {
  const fs::path dir = TempDir("init-lease-bad");
  const fs::path lease = dir / "lease.yaml";
  std::ofstream(lease) << "apiVersion: coordination.k8s.io/v1\nkind: Lease\nmetadata: {name: kube-scheduler}\n"
                          "spec: {holderIdentity: a, acquireTime: yesterday}\n";
  InitArgs a;
  a.file = (dir / "s.yaml").string();
  a.from_lease = lease.string();
  CHECK(InitError(a) == "leasesim: init: " + lease.string() +
                            ": $.spec.acquireTime: not an RFC 3339 time (want 2006-01-02T15:04:05Z), got \"yesterday\"\n");
  CHECK_FALSE(fs::exists(a.file));

  // A holder that cannot be a candidate's identity (more than 1024 bytes) is named there too.
  std::ofstream(lease) << "apiVersion: coordination.k8s.io/v1\nkind: Lease\nmetadata: {name: kube-scheduler}\n"
                          "spec: {holderIdentity: " << std::string(2000, 'h') << "}\n";
  CHECK(InitError(a) == "leasesim: init: " + lease.string() +
                            ": $.spec.holderIdentity: must be no more than 1024 bytes (it has 2000)\n");
  CHECK_FALSE(fs::exists(a.file));
  // A directory or a FIFO as the Lease: bad input, never a wait.
  a.from_lease = dir.string();
  CHECK(InitError(a) == "leasesim: init: " + dir.string() + ": is a directory\n");
}

TEST_CASE("init: one replica, older client-go versions and lock kinds run as they are", "[cli][init]") {
  const fs::path dir = TempDir("init-variants");
  struct Case {
    std::string flags, client_go;
    int replicas;
  };
  for (const Case& c : {Case{"", "", 1}, Case{"--leader-elect-lease-duration 60s --leader-elect-renew-deadline 40s", "1.20", 5},
                        Case{"--leader-elect-resource-lock=endpointsleases --leader-elect-retry-period=500ms", "1.26", 3},
                        Case{"kube-scheduler --config=/etc/s.yaml --leader-elect=true --leader-elect-resource-name=kube-scheduler",
                             "", 3}}) {
    CAPTURE(c.flags, c.client_go, c.replicas);
    InitArgs a;
    a.file = (dir / fmt::format("s{}.yaml", c.replicas)).string();
    a.force = true;
    a.from_flags = c.flags;
    a.client_go = c.client_go;
    a.replicas = c.replicas;
    std::ostringstream out, err;
    REQUIRE(InitCommand(a, out, err) == kExitPass);
    INFO(Slurp(a.file));
    CHECK(RunsAsIs(a.file).candidates.size() == static_cast<size_t>(c.replicas));
  }
}

TEST_CASE("init: bad input is named and nothing is written", "[cli][init]") {
  const fs::path dir = TempDir("init-bad");
  InitArgs a;
  a.file = (dir / "x.json").string();
  a.from_flags = "--leader-elect-lease-duration=10s --leader-elect-renew-deadline=10s";
  CHECK(InitError(a) ==
        "leasesim: init: the starter scenario would not load: $.candidates[0]: leaseDuration must be greater than renewDeadline\n");
  a.from_flags = "--leader-elect-lease-duration=30";
  CHECK(InitError(a) ==
        "leasesim: init: --from-flags: --leader-elect-lease-duration=30: time: missing unit in duration \"30\"\n");
  a.from_flags = "--leader-elect-lease-durration=30s";
  CHECK(InitError(a).rfind("leasesim: init: --from-flags: --leader-elect-lease-durration: unknown leader-election flag", 0) == 0);
  a.from_flags = "--leader-elect-resource-lock=etcd";
  CHECK(InitError(a).rfind("leasesim: init: --from-flags: --leader-elect-resource-lock=etcd: unknown lock kind", 0) == 0);
  a.from_flags = "--leader-elect=false";
  CHECK(InitError(a).find("leader election is off") != std::string::npos);
  a.from_flags.clear();
  a.client_go = "1.9";
  CHECK(InitError(a) == "leasesim: init: --client-go: unsupported client-go version \"1.9\" (supported: 1.20 to 1.37)\n");
  a.client_go.clear();
  a.replicas = 0;
  CHECK(InitError(a) == "leasesim: init: --replicas: 0 is out of range [1, 1000]\n");
  a.replicas.reset();
  a.from_lease = std::string(LEASESIM_SOURCE_DIR) + "/scenarios/basics/short-pause.yaml";
  CHECK(InitError(a) == "leasesim: init: " + a.from_lease +
                            ": $.kind: expected a Lease (kubectl get lease NAME -o yaml), got kind \"\"\n");
  a.from_lease = (dir / "missing.yaml").string();
  CHECK(InitError(a) == "leasesim: init: " + a.from_lease + ": cannot read file: no such file\n");
  CHECK_FALSE(fs::exists(dir / "x.json"));
}
