// config.cc — NewLeaderElector's validation (leaderelection.go L71–114) and
// resourcelock.New's lock-type errors (interface.go), per version profile.
#include "core/config.h"

#include <cstdint>

namespace leasesim::core {

std::string_view LockKindName(LockKind k) {
  switch (k) {
    case LockKind::kLeases: return "leases";
    case LockKind::kConfigMaps: return "configmaps";
    case LockKind::kEndpoints: return "endpoints";
    case LockKind::kConfigMapsLeases: return "configmapsleases";
    case LockKind::kEndpointsLeases: return "endpointsleases";
  }
  return "unknown";
}

std::optional<LockKind> ParseLockKind(std::string_view s) {
  for (auto k : {LockKind::kLeases, LockKind::kConfigMaps, LockKind::kEndpoints,
                 LockKind::kConfigMapsLeases, LockKind::kEndpointsLeases}) {
    if (LockKindName(k) == s) return k;
  }
  return std::nullopt;
}

std::optional<std::string> ValidateConfig(const LeaderElectionConfig& c, const VersionProfile& p) {
  // Port of NewLeaderElector: the checks in client-go's order, first failure wins.
  // 2: RenewDeadline <= time.Duration(JitterFactor*float64(RetryPeriod)) — the float
  //    product is converted back to a Duration (truncation toward zero).
  //    Out of int64 range, Go on amd64 (CVTTSD2SQ) yields math.MinInt64; C++ would be
  //    undefined, so that case is spelled out (issue 15, item 18).
  const double jittered = kJitterFactor * static_cast<double>(c.retryPeriod.count());
  const Duration jittered_retry{jittered >= -9223372036854775808.0 && jittered < 9223372036854775808.0
                                    ? static_cast<int64_t>(jittered)
                                    : INT64_MIN};
  if (c.leaseDuration <= c.renewDeadline) return "leaseDuration must be greater than renewDeadline";
  if (c.renewDeadline <= jittered_retry) return "renewDeadline must be greater than retryPeriod*JitterFactor";
  if (c.leaseDuration < Duration(1)) return "leaseDuration must be greater than zero";
  if (c.renewDeadline < Duration(1)) return "renewDeadline must be greater than zero";
  if (c.retryPeriod < Duration(1)) return "retryPeriod must be greater than zero";
  if (!c.has_on_started_leading) return "OnStartedLeading callback must not be nil";
  if (!c.has_on_stopped_leading) return "OnStoppedLeading callback must not be nil";
  if (!c.has_lock) return "Lock must not be nil.";
  if (p.rejects_empty_identity && c.lock.identity.empty()) return "Lock identity is empty";

  // resourcelock.New: lock types removed over time. At HEAD (and since 1.28) only leases.
  // The removed single locks point to the MultiLock pairs while those exist (v0.24.0–
  // v0.27.0: "migrate to %s" with endpointsleases/configmapsleases), then to them "(using
  // version v0.27.x)" (v0.28.0–v0.31.0, commit 27bbe7653), then to leases (v0.32.0+,
  // commit 4d28b8364).
  auto removed = [&p](std::string_view kind, std::string_view pair) {
    std::string msg = std::string(kind) + " lock is removed, migrate to ";
    if (p.multilock) return msg + std::string(pair);
    if (p.removed_lock_error_cites_v027) return msg + std::string(pair) + " (using version v0.27.x)";
    return msg + "leases";
  };
  switch (c.lock.kind) {
    case LockKind::kLeases: break;
    case LockKind::kEndpoints:
      if (!p.annotation_locks) return removed("endpoints", "endpointsleases");
      break;
    case LockKind::kConfigMaps:
      if (!p.annotation_locks) return removed("configmaps", "configmapsleases");
      break;
    case LockKind::kEndpointsLeases:
      if (!p.multilock) return "endpointsleases lock is removed, migrate to leases";
      break;
    case LockKind::kConfigMapsLeases:
      if (!p.multilock) return "configmapsleases lock is removed, migrated to leases";  // sic
      break;
  }
  if (c.coordinated && !p.coordinated_fields) {
    return "Coordinated leader election needs client-go 1.31 or newer (profile " + p.Name() + ")";
  }
  // LeaseLock.Labels / resourcelock.NewWithLabels exist from client-go 1.34 (commit
  // 34f791d2b); before, a lock has no labels to set.
  if (!c.lock.labels.empty() && !p.lease_lock_labels) {
    return "lock labels (LeaseLock.Labels, resourcelock.NewWithLabels) need client-go 1.34 or newer (profile " +
           p.Name() + ")";
  }
  return std::nullopt;
}

}  // namespace leasesim::core
