// config.h — LeaderElectionConfig and its validation (client-go NewLeaderElector).
//
//   core::LeaderElectionConfig c;
//   c.lock = {.kind = core::LockKind::kLeases, .namespace_ = "kube-system",
//             .name = "kube-scheduler", .identity = "node-a_1"};
//   if (auto err = core::ValidateConfig(c, core::VersionProfile{})) { /* *err is client-go's text */ }
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/time.h"
#include "core/version_profile.h"

namespace leasesim::core {

// LockKind is a resourcelock type string: "leases", "configmaps", "endpoints",
// "configmapsleases", "endpointsleases".
enum class LockKind : uint8_t { kLeases, kConfigMaps, kEndpoints, kConfigMapsLeases, kEndpointsLeases };
std::string_view LockKindName(LockKind k);
std::optional<LockKind> ParseLockKind(std::string_view s);

// LockConfig is what resourcelock.New takes: the lock type, the object's namespace and
// name, ResourceLockConfig.Identity, and NewWithLabels' labels (client-go 1.34+).
struct LockConfig {
  LockKind kind = LockKind::kLeases;
  std::string namespace_ = "default";
  std::string name = "leasesim";
  std::string identity;
  std::map<std::string, std::string> labels;
};

// LeaderElectionConfig is leaderelection.LeaderElectionConfig. Callbacks are effects, so
// only their presence is configured (validation rejects nil OnStartedLeading and
// OnStoppedLeading). Durations are Go time.Duration values (ns).
struct LeaderElectionConfig {
  LockConfig lock;
  bool has_lock = true;
  Duration leaseDuration = std::chrono::seconds(15);
  Duration renewDeadline = std::chrono::seconds(10);
  Duration retryPeriod = std::chrono::seconds(2);
  bool releaseOnCancel = false;
  std::string name;        // metrics label and healthz error text
  bool coordinated = false;
  bool has_on_started_leading = true;
  bool has_on_stopped_leading = true;
  bool has_on_new_leader = true;
};

// kJitterFactor is leaderelection.JitterFactor.
inline constexpr double kJitterFactor = 1.2;

// ValidateConfig runs NewLeaderElector's checks in client-go's order and returns the first
// failing check's exact error string (e.g. "leaseDuration must be greater than
// renewDeadline"), then resourcelock.New's lock-type errors for the profile (e.g.
// "endpoints lock is removed, migrate to leases"; the text depends on the release), then
// Coordinated on a profile before 1.31 and lock labels before 1.34. nullopt when the
// config is valid.
std::optional<std::string> ValidateConfig(const LeaderElectionConfig& c, const VersionProfile& p);

}  // namespace leasesim::core
