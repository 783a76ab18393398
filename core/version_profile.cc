// version_profile.cc — client-go release → behaviour flags (reference §1.15).
#include "core/version_profile.h"

#include <algorithm>
#include <charconv>

namespace leasesim::core {

VersionProfile VersionProfile::ForMinor(int minor) {
  VersionProfile p;
  p.minor = minor;
  p.expiry_uses_record_duration = minor >= 27;
  p.expiry_from_observed_record = minor >= 30;
  p.stopped_leading_event_always = minor >= 27;
  p.rejects_empty_identity = minor >= 28;
  p.fast_path = minor >= 30;
  p.coordinated_fields = minor >= 31;
  p.release_timeout = minor >= 31;
  p.poll_until_context_timeout = minor >= 32;
  p.release_gets_first = minor >= 34;
  p.structured_logging = minor >= 35;
  p.ctx_short_circuit = minor >= 36;
  p.release_retries_conflict = minor >= 37;
  p.annotation_locks = minor < 24;
  p.multilock = minor < 28;
  p.get_error_keeps_cache = minor >= 26;
  p.lease_lock_labels = minor >= 34;
  p.client_timeout_half_renew_deadline = minor >= 21;
  p.fast_path_log_typo = minor >= 30 && minor <= 31;
  p.removed_lock_error_cites_v027 = minor >= 28 && minor <= 31;
  return p;
}

std::optional<VersionProfile> VersionProfile::Parse(std::string_view v) {
  // Accept "1.NN", "1.NN.P", "v1.NN", "v0.NN", "v0.NN.P" (client-go tags), "0.NN".
  if (!v.empty() && v.front() == 'v') v.remove_prefix(1);
  if (v.size() < 3 || (v[0] != '1' && v[0] != '0') || v[1] != '.') return std::nullopt;
  v.remove_prefix(2);
  int minor = 0;
  auto r = std::from_chars(v.data(), v.data() + v.size(), minor);
  if (r.ec != std::errc() || r.ptr == v.data()) return std::nullopt;
  std::string_view rest(r.ptr, static_cast<size_t>(v.data() + v.size() - r.ptr));
  if (!rest.empty()) {
    if (rest.front() != '.') return std::nullopt;
    int patch = 0;
    auto r2 = std::from_chars(rest.data() + 1, rest.data() + rest.size(), patch);
    if (r2.ec != std::errc() || r2.ptr != rest.data() + rest.size()) return std::nullopt;
  }
  if (minor < kOldestMinor || minor > kNewestMinor) return std::nullopt;
  return ForMinor(minor);
}

std::string VersionProfile::Name() const { return "1." + std::to_string(minor); }

Duration VersionProfile::ClientTimeout(Duration renew_deadline) const {
  // resourcelock.NewFromKubeconfig (client-go v0.20.0+): config.Timeout =
  // max(time.Second, renewDeadline/2), used by the components from 1.21.
  if (client_timeout_half_renew_deadline) return std::max<Duration>(std::chrono::seconds(1), renew_deadline / 2);
  // 1.20: `restConfig.Timeout = timeout` with timeout = LeaderElection.RenewDeadline.
  return renew_deadline;
}

}  // namespace leasesim::core
