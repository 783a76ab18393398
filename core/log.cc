// log.cc — message texts from client-go leaderelection.go (structured since 1.35, commit
// b65019457; printf formats before).
#include "core/log.h"

namespace leasesim::core {
namespace {

struct Texts {
  std::string_view structured;
  std::string_view legacy;  // %L = lock description, %E = err, %H = holder
};

Texts TextsFor(LogMsg m) {
  switch (m) {
    case LogMsg::kAttemptingToAcquire: return {"Attempting to acquire leader lease...", "attempting to acquire leader lease %L..."};
    case LogMsg::kFailedToAcquire: return {"Failed to acquire lease", "failed to acquire lease %L"};
    case LogMsg::kSuccessfullyAcquired: return {"Successfully acquired lease", "successfully acquired lease %L"};
    case LogMsg::kSuccessfullyRenewed: return {"Successfully renewed lease", "successfully renewed lease %L"};
    case LogMsg::kFailedToRenew: return {"Failed to renew lease", "failed to renew lease %L: %E"};
    case LogMsg::kFastPathFailed: return {"Failed to update lease optimistically, falling back to slow path", "Failed to update lock optimistically: %E, falling back to slow path"};
    case LogMsg::kErrorRetrieving: return {"Error retrieving lease lock", "error retrieving resource lock %L: %E"};
    case LogMsg::kErrorCreating: return {"Error initially creating lease lock", "error initially creating leader election record: %E"};
    case LogMsg::kHeldNotExpired: return {"Lease is held by and has not yet expired", "lock is held by %H and has not yet expired"};
    case LogMsg::kFailedToUpdate: return {"Failed to update lease", "Failed to update lock: %E"};
    case LogMsg::kReleaseErrorRetrieving: return {"error retrieving resource lock", "error retrieving resource lock %L: %E"};
    // release() (1.34+): the printf form prints the lock's name, not the error, and the
    // structured form (1.35+) has no err key: `klog.Infof("lease lock not found: %v",
    // le.config.Lock.Describe())` (v0.34.0), `logger.Info("lease lock not found", "lock",
    // ...)` (v0.35.0–v0.37). The elector emits this line without err.
    case LogMsg::kReleaseNotFound: return {"lease lock not found", "lease lock not found: %L"};
    case LogMsg::kReleaseConflictRetrying: return {"Conflict when releasing lease, retrying", "Conflict when releasing lease, retrying"};
    case LogMsg::kFailedToRelease: return {"Failed to release lease", "Failed to release lock: %E"};
    // tryCoordinatedRenew: `klog.Infof("lease lock not found: %v", le.config.Lock.Describe())`
    // (v0.31.0–v0.34.0); 1.35+ logs "err" too.
    case LogMsg::kCoordinatedNotFound: return {"Lease lock not found", "lease lock not found: %L"};
    case LogMsg::kCoordinatedExpired: return {"Lease has expired", "lock has expired: %L"};
    case LogMsg::kCoordinatedHeld: return {"Lease is held and has not yet expired", "lock is held by %H and has not yet expired: %L"};
    case LogMsg::kCoordinatedEndOfTerm: return {"Lease is marked as 'end of term'", "lock is marked as 'end of term': %L"};
    case LogMsg::kCoordinatedFailedToUpdate: return {"Failed to update lock", "Failed to update lock: %E"};
  }
  return {"unknown", "unknown"};
}

void AppendQuoted(std::string& out, std::string_view s) {
  out.push_back('"');
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
}

}  // namespace

std::string RenderLog(const VersionProfile& p, const Log& log, std::string_view lock_desc) {
  Texts t = TextsFor(log.msg);
  // 1.30–1.31: `klog.Errorf("Failed to update lock optimitically: %v, falling back to slow
  // path", err)` (client-go v0.30.0, v0.31.0; typo fixed by commit ae4352748, v0.32.0).
  if (log.msg == LogMsg::kFastPathFailed && p.fast_path_log_typo) {
    t.legacy = "Failed to update lock optimitically: %E, falling back to slow path";
  }
  std::string out;
  if (p.structured_logging) {
    // klog text output: logger.Info(msg, "lock", desc, ...) prints "msg" key="value" ...;
    // logger.Error(err, msg, ...) prints the err key first (klog v2 printS:
    // `KVListFormat(b, "err", err)` before the key-values).
    AppendQuoted(out, t.structured);
    if (log.error && !log.err.empty()) {
      out += " err=";
      AppendQuoted(out, log.err);
    }
    out += " lock=";
    AppendQuoted(out, lock_desc);
    if (!log.holder.empty()) {
      out += " holder=";
      AppendQuoted(out, log.holder);
    }
    if (!log.error && !log.err.empty()) {
      out += " err=";
      AppendQuoted(out, log.err);
    }
    return out;
  }
  for (size_t i = 0; i < t.legacy.size(); ++i) {
    if (t.legacy[i] == '%' && i + 1 < t.legacy.size()) {
      const char k = t.legacy[i + 1];
      if (k == 'L' || k == 'E' || k == 'H') {
        out += k == 'L' ? lock_desc : k == 'E' ? log.err : log.holder;
        ++i;
        continue;
      }
    }
    out.push_back(t.legacy[i]);
  }
  return out;
}

std::string_view LogLevelName(const Log& log) {
  static constexpr std::string_view kLevels[] = {"info", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9"};
  if (log.error) return "error";
  return kLevels[log.verbosity < 0 ? 0 : log.verbosity > 9 ? 9 : log.verbosity];
}

std::string_view TimerKindName(TimerKind k) {
  switch (k) {
    case TimerKind::kAcquireRetry: return "acquire_retry";
    case TimerKind::kRenewPeriod: return "renew_period";
    case TimerKind::kRenewTick: return "renew_tick";
    case TimerKind::kRenewDeadline: return "renew_deadline";
    case TimerKind::kReleaseDeadline: return "release_deadline";
  }
  return "unknown";
}

std::string_view CallbackName(Callback c) {
  switch (c) {
    case Callback::kOnStartedLeading: return "OnStartedLeading";
    case Callback::kOnStoppedLeading: return "OnStoppedLeading";
    case Callback::kOnNewLeader: return "OnNewLeader";
  }
  return "unknown";
}

}  // namespace leasesim::core
