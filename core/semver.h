// semver.h — the part of github.com/blang/semver/v4 that coordinated leader election uses.
//
// kube-apiserver's election controller (pkg/controlplane/controller/leaderelection,
// election.go) reads LeaseCandidate binary and emulation versions with
// semver.ParseTolerant and orders them with Version.Compare.
//
//   auto v = core::ParseTolerantSemver("v1.31");   // 1.31.0
//   if (v && v->Compare(*core::ParseTolerantSemver("1.30.2")) > 0) { /* newer */ }
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace leasesim::core {

// Semver is blang/semver's Version: major.minor.patch, pre-release identifiers and
// build metadata (ignored by Compare).
struct Semver {
  uint64_t major = 0;
  uint64_t minor = 0;
  uint64_t patch = 0;
  std::vector<std::string> pre;    // pre-release identifiers, in order
  std::vector<std::string> build;  // build metadata

  // Compare is Version.Compare: -1, 0 or 1; pre-release versions order before the
  // release, identifiers compare numerically when both are numeric, numeric < alphanumeric.
  int Compare(const Semver& o) const;
};

// ParseSemver is semver.Parse (strict "MAJOR.MINOR.PATCH[-PRE][+BUILD]", no leading
// zeros). nullopt on error.
std::optional<Semver> ParseSemver(std::string_view s);

// ParseTolerantSemver is semver.ParseTolerant: trims spaces and one leading "v", drops
// leading zeros, pads "1" / "1.2" to "1.0.0" / "1.2.0" (a short version may not carry
// pre-release or build data), then Parse. nullopt on error.
std::optional<Semver> ParseTolerantSemver(std::string_view s);

}  // namespace leasesim::core
