// effects.h — what a LeaderElector asks its caller to do.
//
// The elector is sans-I/O (etcd-io/raft style): every input returns a list of effects and
// the caller carries them out, in order. See core/README.md for the contract of each.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "core/api.h"
#include "core/time.h"

namespace leasesim::core {

using TimerId = uint64_t;

// TimerKind says which client-go wait a timer stands for (for traces and debugging).
enum class TimerKind : uint8_t {
  kAcquireRetry,     // JitterUntil period in acquire(): RP + U[0,1)·1.2·RP after an attempt
  kRenewPeriod,      // UntilWithContext period in renew(): RP after a poll returns
  kRenewTick,        // the poll's ticker (PollUntilContextTimeout), RP apart
  kRenewDeadline,    // the poll's context deadline (RenewDeadline after poll start)
  kReleaseDeadline,  // release()'s context.WithTimeout(RenewDeadline)
};
std::string_view TimerKindName(TimerKind k);

// SendApiRequest: send `request` to the API server. `deadline` is the request context's
// deadline on this node's monotonic clock, if it has one; the elector itself arms a
// timer for it and emits CancelRequest when it passes. The caller adds the HTTP client
// timeout (rest.Config.Timeout) and answers every request exactly once with
// OnApiResponse, unless the request was cancelled first.
struct SendApiRequest {
  ApiRequest request;
  bool has_deadline = false;
  MonoTime deadline;
};

// CancelRequest: the request's context is done; drop the request's response if it ever
// comes (the server may still apply the write). The elector already treated the request
// as failed with `reason` (kContextCanceled or kContextDeadlineExceeded).
struct CancelRequest {
  RequestId id = 0;
  Reason reason = Reason::kContextCanceled;
};

// ArmTimer: call TimerFired(id) once this node's monotonic clock reaches `at`.
struct ArmTimer {
  TimerId id = 0;
  MonoTime at;
  TimerKind kind = TimerKind::kAcquireRetry;
};

// CancelTimer: the timer will not be needed; TimerFired for it would be ignored anyway.
struct CancelTimer {
  TimerId id = 0;
};

enum class Callback : uint8_t { kOnStartedLeading, kOnStoppedLeading, kOnNewLeader };
std::string_view CallbackName(Callback c);

// InvokeCallback: run a LeaderCallbacks function. `posted` is true for the ones client-go
// starts in a goroutine (`go OnStartedLeading(ctx)`, `go OnNewLeader(id)`): run them
// later, never inline. OnStoppedLeading is synchronous (a defer in Run). `identity` is
// OnNewLeader's argument (possibly ""); like the effect list, the text it views is valid
// until the next call on the elector (copy it to keep it).
struct InvokeCallback {
  Callback callback = Callback::kOnNewLeader;
  bool posted = true;
  std::string_view identity;
};

// RecordEvent: LeaseLock.RecordEvent — a Kubernetes Event "Normal LeaderElection
// <identity> <message>". message is "became leader" or "stopped leading".
struct RecordEvent {
  std::string_view message;
};
// EventMessage is LeaseLock.RecordEvent's text: "<identity> <message>" (as passed to
// Eventf(..., "Normal", "LeaderElection", "%s", ...)).
inline std::string EventMessage(std::string_view identity, const RecordEvent& e) {
  std::string s(identity);
  s += ' ';
  s += e.message;
  return s;
}

// LogMsg names each log line client-go's leaderelection.go writes (§1.14 of the
// reference). RenderLog gives the text for a version profile.
enum class LogMsg : uint8_t {
  kAttemptingToAcquire,
  kFailedToAcquire,
  kSuccessfullyAcquired,
  kSuccessfullyRenewed,
  kFailedToRenew,
  kFastPathFailed,
  kErrorRetrieving,
  kErrorCreating,
  kHeldNotExpired,
  kFailedToUpdate,
  kReleaseErrorRetrieving,
  kReleaseNotFound,
  kReleaseConflictRetrying,
  kFailedToRelease,
  kCoordinatedNotFound,
  kCoordinatedExpired,
  kCoordinatedHeld,
  kCoordinatedEndOfTerm,
  kCoordinatedFailedToUpdate,
};

// Log: one klog line. verbosity is klog's V level (0 = Info); error is true for
// logger.Error lines. err/holder are the "err"/"holder" key-values when present (empty
// otherwise). Like the effect list, the texts they view are valid until the next call on
// the elector (copy them to keep them); the line's text is rendered only when asked
// (RenderLog), so a caller that does not print it builds no string.
struct Log {
  LogMsg msg = LogMsg::kAttemptingToAcquire;
  int verbosity = 0;
  bool error = false;
  std::string_view err;
  std::string_view holder;
};

enum class MetricName : uint8_t { kMasterStatus, kSlowpathTotal };
// Metric: leader_election_master_status set to value (0 or 1), or
// leader_election_slowpath_total now equal to value.
struct Metric {
  MetricName name = MetricName::kMasterStatus;
  double value = 0;
};

// RunExited: Run() has returned (after OnStoppedLeading). The elector takes no more
// input except queries; client-go callers then exit or build a new elector.
struct RunExited {};

using Effect = std::variant<SendApiRequest, CancelRequest, ArmTimer, CancelTimer, InvokeCallback,
                            RecordEvent, Log, Metric, RunExited>;

}  // namespace leasesim::core
