// version_profile.h — client-go behaviour by release.
//
// A scenario picks the client-go version its candidates run ("1.37" by default); each
// flag below is one change from the reference's "Behaviour-changing history" (§1.15),
// with the release that first contains it.
//
//   auto p = core::VersionProfile::Parse("1.29");   // p->fast_path == false
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/time.h"

namespace leasesim::core {

struct VersionProfile {
  int minor = 37;  // Kubernetes 1.<minor>; client-go v0.<minor>

  // 1.27, PR #114872: expiry uses the record's leaseDurationSeconds, not the local
  // LeaseDuration (kubernetes#47671).
  bool expiry_uses_record_duration = true;
  // 1.30: isLeaseValid reads observedRecord.LeaseDurationSeconds (1.27–1.29 used the
  // freshly fetched record's value directly).
  bool expiry_from_observed_record = true;
  // 1.27, PR #111652: the "stopped leading" event is always recorded.
  bool stopped_leading_event_always = true;
  // 1.28, commit 0011bf6b0: NewLeaderElector rejects an empty identity.
  bool rejects_empty_identity = true;
  // 1.30, PR #122069: optimistic fast path and leader_election_slowpath_total.
  bool fast_path = true;
  // 1.31, PR #124012: Coordinated, Strategy/PreferredHolder (7-key raw record; 5 before).
  bool coordinated_fields = true;
  // 1.31, PR #124588: release() is bounded by RenewDeadline (kubernetes#124588).
  bool release_timeout = true;
  // 1.32, PR #127023 (client-go 4379fade3): renew uses PollUntilContextTimeout (ticker
  // anchored at poll start and read directly, so one tick that falls during a slow
  // attempt stays buffered; error "context deadline exceeded"). Before:
  // PollImmediateUntil (ticker started after the immediate attempt; its poller goroutine
  // hands ticks over with a non-blocking send, so a tick during a slow attempt is dropped
  // and the next attempt waits for the next tick — apimachinery v0.31.0
  // pkg/util/wait/poll.go poller, v0.20.0 wait.go; error "timed out waiting for the
  // condition").
  bool poll_until_context_timeout = true;
  // 1.34, PR #132849: release() does a Get first (kubernetes#131867).
  bool release_gets_first = true;
  // 1.35, commit b65019457: structured logging (constant messages).
  bool structured_logging = true;
  // 1.36, PR #137261: the renew condition short-circuits on ctx.Err(); commit ea7a7e7cf:
  // the fast-path failure log is V(2) (Error in 1.30–1.35).
  bool ctx_short_circuit = true;
  // 1.37, PR #137988: release() retries on Conflict.
  bool release_retries_conflict = true;
  // 1.24, commit 276ea3ed9: `endpoints`/`configmaps` single locks removed.
  bool annotation_locks = false;
  // 1.28, commit 27bbe7653: `endpointsleases`/`configmapsleases` removed.
  bool multilock = false;
  // 1.26, client-go commit d04c2ced1 (kubernetes 8690ff626): a failed Get leaves the
  // lock's cached object alone. Before, `ll.lease, err = ...Get(...)` stored the empty
  // object the typed client returns with the error (Lease, ConfigMap and Endpoints locks
  // alike), so a later Update without a Get in between (release() before 1.34, MultiLock's
  // secondary) failed locally with "resource name may not be empty". (A failed Create
  // stores the empty object in every version.)
  bool get_error_keeps_cache = true;
  // 1.34, client-go commit 34f791d2b: LeaseLock.Labels (resourcelock.NewWithLabels).
  bool lease_lock_labels = true;
  // 1.21, kubernetes PRs #97958 (kube-scheduler) and #98059 (kube-controller-manager):
  // the leader-election client's timeout is resourcelock.NewFromKubeconfig's
  // max(1s, RenewDeadline/2). In 1.20 both set rest.Config.Timeout = RenewDeadline
  // (kubernetes v1.20.0 cmd/kube-scheduler/app/options/options.go createClients,
  // cmd/kube-controller-manager/app/options/options.go Config). See ClientTimeout.
  bool client_timeout_half_renew_deadline = true;

  // Log and error texts (reference §1.14; the Go source of each tag).
  // 1.30–1.31 print client-go's typo "Failed to update lock optimitically" (fixed in 1.32,
  // client-go commit ae4352748).
  bool fast_path_log_typo = false;
  // 1.28–1.31: "endpoints lock is removed, migrate to endpointsleases (using version
  // v0.27.x)" (commit 27bbe7653); 1.24–1.27 end at "migrate to endpointsleases"; 1.32+
  // say "migrate to leases" (commit 4d28b8364). The same for configmaps.
  bool removed_lock_error_cites_v027 = false;

  // Parse accepts "1.20" … "1.37" (also "v0.NN" and "1.NN.P"); nullopt otherwise.
  static std::optional<VersionProfile> Parse(std::string_view version);
  // ForMinor builds the profile of Kubernetes 1.<minor>.
  static VersionProfile ForMinor(int minor);
  // Name returns "1.<minor>".
  std::string Name() const;
  // ClientTimeout is the leader-election client's HTTP timeout (rest.Config.Timeout) that
  // kube-controller-manager and kube-scheduler of this release set for `renew_deadline`:
  // max(1s, RenewDeadline/2) since 1.21 (resourcelock.NewFromKubeconfig), RenewDeadline
  // in 1.20 (client_timeout_half_renew_deadline).
  Duration ClientTimeout(Duration renew_deadline) const;

  static constexpr int kOldestMinor = 20;
  static constexpr int kNewestMinor = 37;
};

}  // namespace leasesim::core
