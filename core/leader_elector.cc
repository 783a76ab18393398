// leader_elector.cc — port of client-go tools/leaderelection/leaderelection.go.
//
// Each block names the Go function it ports. Go's blocking calls become waits: a lock
// operation waits for OnApiResponse, wait.JitterUntil / UntilWithContext /
// PollUntilContextTimeout wait for TimerFired, and context cancellation arrives through
// Cancel or a deadline timer. The code after each wait continues exactly where the Go code
// would resume.
#include "core/leader_elector.h"

#include <cassert>
#include <cstring>
#include <utility>

namespace leasesim::core {

std::string_view PhaseName(Phase p) {
  switch (p) {
    case Phase::kNotStarted: return "not_started";
    case Phase::kAcquiring: return "acquiring";
    case Phase::kRenewing: return "renewing";
    case Phase::kReleasing: return "releasing";
    case Phase::kExited: return "exited";
  }
  return "unknown";
}

LeaderElector::LeaderElector(LeaderElectionConfig config, VersionProfile profile, uint64_t jitter_seed)
    : config_(std::move(config)),
      profile_(profile),
      jitter_(jitter_seed),
      lock_(config_.lock, profile_.coordinated_fields, profile_.get_error_keeps_cache) {
  assert(!ValidateConfig(config_, profile_).has_value() && "LeaderElector needs a validated config");
  is_leader_ = observed_record_.holderIdentity == config_.lock.identity;  // an empty identity (< 1.28)
  out_.reserve(4);
}

std::optional<RequestId> LeaderElector::inflight_request() const {
  if (inflight_ == 0) return std::nullopt;
  return inflight_;
}

std::string LeaderElector::Describe() const { return lock_.Describe(); }

// --- small helpers --------------------------------------------------------------------

// The effect emitters are flattened: the list's emplace_back is inlined into them (it was
// an out-of-line call per effect).
[[gnu::flatten]] TimerId LeaderElector::Arm(MonoTime at, TimerKind kind) {
  const TimerId id = next_timer_id_++;
  out_.emplace_back(ArmTimer{id, at, kind});
  return id;
}

[[gnu::flatten]] void LeaderElector::Disarm(TimerId& id) {
  if (id != 0) out_.emplace_back(CancelTimer{id});
  id = 0;
}

[[gnu::flatten]] void LeaderElector::EmitLog(LogMsg m, int v, bool error, std::string_view err,
                                            std::string_view holder) {
  // (Braced: clang, which builds the fuzzing targets, has no parenthesised aggregate init.)
  out_.emplace_back(std::in_place_type<Log>, Log{m, v, error, err, holder});
}

std::string_view LeaderElector::Keep(std::string_view s) {
  if (kept_used_ == kept_.size()) kept_.push_back(std::make_unique<std::string>());
  std::string& slot = *kept_[kept_used_++];
  slot.assign(s);
  return slot;
}

// wait.Jitter(RetryPeriod, JitterFactor): duration + Duration(rand.Float64()*maxFactor*duration).
Duration LeaderElector::JitteredRetryPeriod() {
  const double u = jitter_.Float64();
  const double extra = u * kJitterFactor * static_cast<double>(config_.retryPeriod.count());
  return config_.retryPeriod + Duration(static_cast<int64_t>(extra));
}

Reason LeaderElector::CtxErr(MonoTime now) const {
  if (ctx_follows_run_ && run_cancelled_) return Reason::kContextCanceled;
  // Deadline tie-break (reference §8 item 5): at exactly the deadline the context is done,
  // so a ticker tick at poll start + RenewDeadline loses to the deadline.
  if (ctx_has_deadline_ && now >= ctx_deadline_) return Reason::kContextDeadlineExceeded;
  return Reason::kOK;
}

static Status CtxStatus(Reason r) {
  return r == Reason::kContextCanceled ? Status::ContextCanceled() : Status::ContextDeadlineExceeded();
}

// setObservedRecord: observedRecord = *r; observedTime = le.clock.Now() — a second clock
// read, after the API call returned (reference §8 item 1).
void LeaderElector::SetObservedRecord(const LeaderElectionRecord& r, LocalTime now) {
  if (&r != &observed_record_) observed_record_ = r;
  observed_time_ = now.mono;
  is_leader_ = observed_record_.holderIdentity == config_.lock.identity;
  observed_record_gen_ = 0;
  reported_current_ = false;
}

// setObservedRecord(&leaderElectionRecord) after a successful write. When observedRecord's
// holder already is this identity and so is the written record's (a renewal), the holder
// is left as it is and the other fields copied.
void LeaderElector::SetObservedRecordFromTry(LocalTime now) {
  if (!(is_leader_ && try_holder_is_identity_)) {
    SetObservedRecord(try_record_, now);
    return;
  }
  LeaderElectionRecord& o = observed_record_;
  const LeaderElectionRecord& t = try_record_;
  o.leaseDurationSeconds = t.leaseDurationSeconds;
  o.acquireTime = t.acquireTime;
  o.renewTime = t.renewTime;
  o.leaderTransitions = t.leaderTransitions;
  if (!(o.strategy.empty() && t.strategy.empty())) o.strategy = t.strategy;
  if (!(o.preferredHolder.empty() && t.preferredHolder.empty())) o.preferredHolder = t.preferredHolder;
  observed_time_ = now.mono;
  observed_record_gen_ = 0;  // (is_leader_ and reported_current_ stay: the holder is the same)
}

// tryAcquireOrRenew / tryCoordinatedRenew, after the Get:
//   if !bytes.Equal(le.observedRawRecord, oldLeaderElectionRawRecord) {
//     le.setObservedRecord(oldLeaderElectionRecord)
//     le.observedRawRecord = oldLeaderElectionRawRecord
//   }
// The lock numbers the contents of its raw record: when observedRawRecord was copied from
// the same generation the bytes are equal; when the lock only patched the renewTime since
// the generation copied, only the patched bytes can differ (and are copied). Otherwise
// the whole record is compared — the same answer as bytes.Equal in every case. Likewise,
// when observedRecord was copied from the lock's record of that generation, a patch
// changed only its renewTime, which is all that needs copying.
void LeaderElector::ObserveRawRecord(const LeaderElectionRecord& old, LocalTime now) {
  const std::string& raw = lock_.got_raw();
  const uint64_t gen = lock_.got_raw_gen();
  if (gen == observed_raw_gen_) return;
  const ResourceLock::RawPatch& p = lock_.got_raw_patch();
  if (observed_raw_gen_ != 0 && p.from == observed_raw_gen_ && p.to == gen) {
    const bool record_follows = observed_record_gen_ == observed_raw_gen_;
    observed_raw_gen_ = gen;
    char* mine = observed_raw_record_.data() + p.at;
    const char* theirs = raw.data() + p.at;
    if (p.len == 8) {  // "HH:MM:SS": one word
      uint64_t a, b;
      std::memcpy(&a, mine, 8);
      std::memcpy(&b, theirs, 8);
      if (a == b) return;
      std::memcpy(mine, &b, 8);
    } else {
      if (std::memcmp(mine, theirs, p.len) == 0) return;
      std::memcpy(mine, theirs, p.len);
    }
    ++observed_raw_changes_;
    if (record_follows) {
      // setObservedRecord: the record differs from the one copied only in renewTime.
      observed_record_.renewTime = old.renewTime;
      observed_time_ = now.mono;
      observed_record_gen_ = gen;
      return;
    }
    SetObservedRecord(old, now);
    observed_record_gen_ = gen;
    return;
  }
  observed_raw_gen_ = gen;
  if (observed_raw_record_ == raw) return;
  observed_raw_record_ = raw;
  ++observed_raw_changes_;
  SetObservedRecord(old, now);
  observed_record_gen_ = gen;
}

// isLeaseValid: observedTime.Add(time.Second * LeaseDurationSeconds).After(now).
// `record_lds` is the duration the profile's code reads (see the call sites).
bool LeaderElector::IsLeaseValid(MonoTime now, int record_lds) const {
  Duration d = std::chrono::seconds(record_lds);
  if (!profile_.expiry_uses_record_duration) d = config_.leaseDuration;  // < 1.27 (#47671)
  return observed_time_ + d > now;
}

// maybeReportTransition.
void LeaderElector::MaybeReportTransition() {
  // (reported_current_: observedRecord's holder has not been replaced since the last
  // comparison, which found it equal to reportedLeader.)
  if (reported_current_) return;
  reported_current_ = true;
  if (observed_record_.holderIdentity == reported_leader_) return;
  reported_leader_ = observed_record_.holderIdentity;
  if (config_.has_on_new_leader) {
    out_.emplace_back(InvokeCallback{Callback::kOnNewLeader, /*posted=*/true, Keep(reported_leader_)});
  }
}

// --- lock operations under the attempt's context -----------------------------------------

// BeginLockOp sends the lock's next request, or — when the context is already done —
// fails it at once as Go's HTTP client does, and keeps going until the lock operation
// needs the network or is finished.
void LeaderElector::BeginLockOp(const LockStep& first, LocalTime now) {
  const LockStep* s = &first;  // the lock's own step: valid until its next call
  while (s->send) {
    const Reason err = CtxErr(now.mono);
    if (err != Reason::kOK) {
      ApiResponse failed;
      failed.status = CtxStatus(err);
      s = &lock_.OnResponse(failed);
      continue;
    }
    inflight_ = next_request_id_++;
    // Filled in its slot (clang has no parenthesised aggregate initialisation).
    SendApiRequest& send = std::get<SendApiRequest>(out_.emplace_back(std::in_place_type<SendApiRequest>));
    send.request = s->request;
    send.has_deadline = ctx_has_deadline_;
    send.deadline = ctx_deadline_;
    send.request.id = inflight_;
    return;
  }
  ContinueTry(s->status, now);
}

void LeaderElector::FailInflight(Reason r, LocalTime now) {
  if (inflight_ == 0) return;
  out_.emplace_back(CancelRequest{inflight_, r});
  inflight_ = 0;
  ApiResponse failed;
  failed.status = CtxStatus(r);
  BeginLockOp(lock_.OnResponse(failed), now);
}

// --- the try functions -------------------------------------------------------------------

void LeaderElector::BeginTry(Try t, Caller c, LocalTime now) {
  try_ = t;
  caller_ = c;
  try_now_ = now;
  // leaderElectionRecord := rl.LeaderElectionRecord{HolderIdentity: identity,
  // LeaseDurationSeconds, RenewTime: now, AcquireTime: now} (written in place).
  if (!try_holder_is_identity_) {
    try_record_.holderIdentity.assign(config_.lock.identity);
    try_holder_is_identity_ = true;
  }
  // int(le.config.LeaseDuration / time.Second): integer division truncates.
  try_record_.leaseDurationSeconds = static_cast<int>(config_.leaseDuration / std::chrono::seconds(1));
  try_record_.renewTime = now.wall;
  try_record_.acquireTime = now.wall;
  try_record_.leaderTransitions = 0;
  try_record_.strategy.clear();
  try_record_.preferredHolder.clear();

  if (t == Try::kAcquireOrRenew) {
    // tryAcquireOrRenew, 1. fast path for the leader (PR #122069, client-go >= 1.30):
    // update optimistically with the cached object, no Get.
    if (profile_.fast_path && IsLeader() && IsLeaseValid(now.mono, observed_record_.leaseDurationSeconds)) {
      try_record_.acquireTime = observed_record_.acquireTime;
      try_record_.leaderTransitions = observed_record_.leaderTransitions;
      step_ = Step::kFastUpdate;
      BeginLockOp(lock_.BeginUpdate(try_record_), now);
      return;
    }
    // 2. obtain or create the ElectionRecord.
    step_ = Step::kGet;
    BeginLockOp(lock_.BeginGet(), now);
    return;
  }
  if (t == Try::kCoordinatedRenew) {
    // tryCoordinatedRenew, 1. obtain the electionRecord (no fast path, never creates).
    step_ = Step::kGet;
    BeginLockOp(lock_.BeginGet(), now);
    return;
  }
  // release() / tryRelease().
  if (profile_.release_gets_first) {
    // >= 1.34 (PR #132849): Get first to refresh the cached resourceVersion.
    step_ = Step::kGet;
    BeginLockOp(lock_.BeginGet(), now);
    return;
  }
  // < 1.34: no Get; update the cached object.
  if (!IsLeader()) {
    FinishTry(true, now);
    return;
  }
  try_record_ = LeaderElectionRecord{};
  try_holder_is_identity_ = false;
  try_record_.leaderTransitions = observed_record_.leaderTransitions;
  try_record_.leaseDurationSeconds = 1;
  try_record_.renewTime = now.wall;
  try_record_.acquireTime = now.wall;
  step_ = Step::kUpdate;
  BeginLockOp(lock_.BeginUpdate(try_record_), now);
}

void LeaderElector::ContinueTry(const Status& st, LocalTime now) {
  switch (try_) {
    case Try::kAcquireOrRenew:
      switch (step_) {
        case Step::kFastUpdate:
          if (st.ok()) {
            SetObservedRecordFromTry(now);
            FinishTry(true, now);
            return;
          }
          // "Failed to update lease optimistically, falling back to slow path": V(2) since
          // 1.36 (commit ea7a7e7cf), an Error line in 1.30–1.35.
          EmitLog(LogMsg::kFastPathFailed, profile_.ctx_short_circuit ? 2 : 0, !profile_.ctx_short_circuit,
                  Keep(st.message));
          step_ = Step::kGet;
          BeginLockOp(lock_.BeginGet(), now);
          return;
        case Step::kGet: {
          if (!st.ok()) {
            if (!st.IsNotFound()) {
              EmitLog(LogMsg::kErrorRetrieving, 0, true, Keep(st.message));
              FinishTry(false, now);
              return;
            }
            // Create writes the record as it stands (after a failed fast path it carries
            // the observed AcquireTime/LeaderTransitions, as in Go).
            step_ = Step::kCreate;
            BeginLockOp(lock_.BeginCreate(try_record_), now);
            return;
          }
          const LeaderElectionRecord& old = lock_.got_record();
          // 3. Record obtained, check the Identity & Time.
          ObserveRawRecord(old, now);
          // 1.30+: isLeaseValid reads observedRecord.LeaseDurationSeconds; 1.27–1.29 used
          // oldLeaderElectionRecord.LeaseDurationSeconds.
          const int lds = profile_.expiry_from_observed_record ? observed_record_.leaseDurationSeconds
                                                               : old.leaseDurationSeconds;
          if (!old.holderIdentity.empty() && IsLeaseValid(try_now_.mono, lds) && !IsLeader()) {
            EmitLog(LogMsg::kHeldNotExpired, 4, false, {}, old.holderIdentity);
            FinishTry(false, now);
            return;
          }
          // 4. We're going to try to update.
          if (IsLeader()) {
            try_record_.acquireTime = old.acquireTime;
            try_record_.leaderTransitions = old.leaderTransitions;
            if (profile_.fast_path) out_.emplace_back(Metric{MetricName::kSlowpathTotal, ++slowpath_total_});
          } else {
            try_record_.leaderTransitions = old.leaderTransitions + 1;
          }
          step_ = Step::kUpdate;
          BeginLockOp(lock_.BeginUpdate(try_record_), now);
          return;
        }
        case Step::kCreate:
          FinishWrite(st, LogMsg::kErrorCreating, now);
          return;
        case Step::kUpdate:
          FinishWrite(st, LogMsg::kFailedToUpdate, now);
          return;
      }
      break;

    case Try::kCoordinatedRenew:
      if (step_ == Step::kGet) {
        if (!st.ok()) {
          if (st.IsNotFound()) {
            EmitLog(LogMsg::kCoordinatedNotFound, 0, false, Keep(st.message));
          } else {
            EmitLog(LogMsg::kErrorRetrieving, 0, true, Keep(st.message));
          }
          FinishTry(false, now);
          return;
        }
        const LeaderElectionRecord& old = lock_.got_record();
        ObserveRawRecord(old, now);
        // hasExpired := observedTime.Add(LDS).Before(now) — strict Before (§8 item 2).
        const bool has_expired =
            observed_time_ + std::chrono::seconds(old.leaseDurationSeconds) < try_now_.mono;
        if (has_expired) {
          EmitLog(LogMsg::kCoordinatedExpired, 0, false);
          FinishTry(false, now);
          return;
        }
        if (!IsLeader()) {
          EmitLog(LogMsg::kCoordinatedHeld, 6, false, {}, old.holderIdentity);
          FinishTry(false, now);
          return;
        }
        // 2b. "end of term": the coordinated election controller asked us to step down.
        if (!old.preferredHolder.empty()) {
          EmitLog(LogMsg::kCoordinatedEndOfTerm, 4, false);
          FinishTry(false, now);
          return;
        }
        // 3. IsLeader is true here, so the else branch (transitions + 1) is unreachable.
        try_record_.acquireTime = old.acquireTime;
        try_record_.leaderTransitions = old.leaderTransitions;
        try_record_.strategy = old.strategy;
        out_.emplace_back(Metric{MetricName::kSlowpathTotal, ++slowpath_total_});
        step_ = Step::kUpdate;
        BeginLockOp(lock_.BeginUpdate(try_record_), now);
        return;
      }
      FinishWrite(st, LogMsg::kCoordinatedFailedToUpdate, now);
      return;

    case Try::kRelease:
      if (step_ == Step::kGet) {
        // tryRelease (>= 1.34).
        if (!st.ok()) {
          if (!st.IsNotFound()) {
            EmitLog(LogMsg::kReleaseErrorRetrieving, 0, true, Keep(st.message));
          } else {
            // No err in any version (the printf form prints the lock's name).
            EmitLog(LogMsg::kReleaseNotFound, 0, false);
          }
          FinishTry(false, now);
          return;
        }
        // IsLeader reads the cached observedRecord; the Get does not update it.
        if (!IsLeader()) {
          FinishTry(true, now);
          return;
        }
        try_record_ = LeaderElectionRecord{};
        try_holder_is_identity_ = false;
        try_record_.leaderTransitions = lock_.got_record().leaderTransitions;
        try_record_.leaseDurationSeconds = 1;
        try_record_.renewTime = now.wall;    // le.clock.Now() after the Get returned
        try_record_.acquireTime = now.wall;
        step_ = Step::kUpdate;
        BeginLockOp(lock_.BeginUpdate(try_record_), now);
        return;
      }
      if (!st.ok()) {
        if (st.IsConflict() && profile_.release_retries_conflict) {
          // 1.37 (PR #137988): retry, bounded only by the timeout context.
          EmitLog(LogMsg::kReleaseConflictRetrying, 4, false, Keep(st.message));
          step_ = Step::kGet;
          BeginLockOp(lock_.BeginGet(), now);
          return;
        }
        EmitLog(LogMsg::kFailedToRelease, 0, true, Keep(st.message));
        FinishTry(false, now);
        return;
      }
      SetObservedRecordFromTry(now);
      FinishTry(true, now);
      return;

    case Try::kNone: break;
  }
  assert(false && "ContinueTry without an attempt");
}

// FinishWrite ends a try function after its Create/Update: on error the Error log line
// and `return false`; on success setObservedRecord(&leaderElectionRecord), `return true`.
void LeaderElector::FinishWrite(const Status& st, LogMsg failed, LocalTime now) {
  if (!st.ok()) {
    EmitLog(failed, 0, true, Keep(st.message));
    FinishTry(false, now);
    return;
  }
  SetObservedRecordFromTry(now);
  FinishTry(true, now);
}

void LeaderElector::FinishTry(bool ok, LocalTime now) {
  try_ = Try::kNone;
  inflight_ = 0;
  switch (caller_) {
    case Caller::kAcquire: OnAcquireAttemptDone(ok, now); return;
    case Caller::kRenewPoll: OnRenewAttemptDone(ok, now); return;
    case Caller::kRelease:
      // release() returns; renew() returns; Run's defers run.
      Disarm(deadline_timer_);
      FinishRun(now);
      return;
    case Caller::kTest:
      Disarm(deadline_timer_);
      test_result_ = ok;
      return;
  }
}

// --- Run ------------------------------------------------------------------------------------

// Run: acquire, then `go OnStartedLeading(ctx)`, then renew.
std::span<const Effect> LeaderElector::Start(LocalTime now) {
  BeginInput();
  assert(phase_ == Phase::kNotStarted);
  phase_ = Phase::kAcquiring;
  // NewLeaderElector ends with le.metrics.leaderOff(le.config.Name) (client-go v0.20.0–
  // v0.37): the gauge is 0 from construction. The constructor returns no effects, so
  // the first input reports it, before Run's first line.
  out_.emplace_back(Metric{MetricName::kMasterStatus, master_status_});
  // acquire(): logger.Info("Attempting to acquire leader lease...")
  EmitLog(LogMsg::kAttemptingToAcquire, 0, false);
  // JitterUntilWithContext(ctx, f, RetryPeriod, JitterFactor, sliding=true): f runs at once.
  ctx_follows_run_ = true;
  ctx_has_deadline_ = false;
  if (run_cancelled_) {  // JitterUntil checks ctx.Done() before the first f
    FinishRun(now);
    return out_;
  }
  BeginTry(config_.coordinated ? Try::kCoordinatedRenew : Try::kAcquireOrRenew, Caller::kAcquire, now);
  return out_;
}

// acquire()'s f, after tryAcquireOrRenew returned, then BackoffUntilWithContext's tail.
void LeaderElector::OnAcquireAttemptDone(bool ok, LocalTime now) {
  MaybeReportTransition();
  if (!ok) {
    EmitLog(LogMsg::kFailedToAcquire, 4, false);
  } else {
    out_.emplace_back(RecordEvent{"became leader"});
    master_status_ = 1;  // le.metrics.leaderOn
    out_.emplace_back(Metric{MetricName::kMasterStatus, master_status_});
    EmitLog(LogMsg::kSuccessfullyAcquired, 0, false);
  }
  // BackoffUntil (sliding): t = backoff.Backoff() after every f — the jitter is drawn even
  // when f succeeded and cancelled the context.
  const Duration period = JitteredRetryPeriod();
  if (ok) {
    // cancel() in f: the select sees ctx.Done; acquire returns true.
    phase_ = Phase::kRenewing;
    // Run: ctx, cancel := context.WithCancel(ctx); go OnStartedLeading(ctx); renew(ctx).
    out_.emplace_back(InvokeCallback{Callback::kOnStartedLeading, /*posted=*/true, {}});
    if (run_cancelled_) {  // cannot happen synchronously, but keep renew's first check
      AfterRenew(now);
      return;
    }
    StartRenewPoll(now);  // UntilWithContext: f runs at once
    return;
  }
  if (run_cancelled_) {
    // select { case <-ctx.Done(): return }: acquire returns false; Run returns.
    FinishRun(now);
    return;
  }
  wait_ = Wait::kAcquireRetry;
  wait_timer_ = Arm(now.mono + period, TimerKind::kAcquireRetry);
}

// renew(): UntilWithContext(ctx, f, RetryPeriod) where f is one PollUntilContextTimeout
// (PollImmediateUntil before 1.32) bounded by RenewDeadline.
void LeaderElector::StartRenewPoll(LocalTime now) {
  // deadlineCtx := context.WithTimeout(ctx, RenewDeadline)
  ctx_follows_run_ = true;
  ctx_has_deadline_ = true;
  ctx_deadline_ = now.mono + config_.renewDeadline;
  deadline_timer_ = Arm(ctx_deadline_, TimerKind::kRenewDeadline);
  // >= 1.32: loopConditionUntilContext with sliding=false creates the ticker before the
  // immediate condition, so ticks come at poll start + k·RetryPeriod. Before 1.32,
  // PollImmediateUntil started its ticker only after the immediate condition returned.
  poll_ticker_started_ = profile_.poll_until_context_timeout;
  poll_next_tick_ = now.mono + config_.retryPeriod;
  poll_immediate_ = true;
  // 1.36+ (PR #137261): the condition first returns ctx.Err() if the context is done.
  if (profile_.ctx_short_circuit) {
    const Reason err = CtxErr(now.mono);
    if (err != Reason::kOK) {
      EndRenewPoll(err, now);
      return;
    }
  }
  BeginTry(config_.coordinated ? Try::kCoordinatedRenew : Try::kAcquireOrRenew, Caller::kRenewPoll, now);
}

void LeaderElector::OnRenewAttemptDone(bool ok, LocalTime now) {
  if (ok) {
    EndRenewPoll(Reason::kOK, now);
    return;
  }
  if (poll_immediate_ && !poll_ticker_started_) {
    poll_ticker_started_ = true;
    poll_next_tick_ = now.mono + config_.retryPeriod;
  }
  poll_immediate_ = false;
  // select { case <-ctx.Done(): return ctx.Err(); case <-t.C(): } — a done context wins.
  const Reason err = CtxErr(now.mono);
  if (err != Reason::kOK) {
    EndRenewPoll(err, now);
    return;
  }
  if (poll_next_tick_ < now.mono && !profile_.poll_until_context_timeout) {
    // < 1.32: PollImmediateUntil's poller (apimachinery v0.31.0 pkg/util/wait/poll.go
    // poller; v0.20.0 pkg/util/wait/wait.go) reads the ticker in its own goroutine and
    // hands each tick over with a non-blocking send ("If the consumer isn't ready for
    // this signal drop it"). The consumer (waitForWithContext / WaitFor) is not receiving
    // while the condition runs, so every tick that fell during the attempt is dropped and
    // the next attempt waits for the next tick. A tick at exactly `now` finds the
    // consumer back in its select and is delivered (below).
    const Duration period = config_.retryPeriod;
    const int64_t dropped = (now.mono - poll_next_tick_ + period - Duration(1)) / period;  // ceil
    poll_next_tick_ = poll_next_tick_ + period * dropped;
  }
  if (poll_next_tick_ <= now.mono) {
    // >= 1.32: the ticker fired while the condition ran: one tick is buffered (Go's
    // ticker channel holds one, read directly by loopConditionUntilContext, apimachinery
    // v0.32.0 pkg/util/wait/loop.go); later missed ticks were dropped. The next tick is
    // the first multiple of RetryPeriod from the anchor after now. (Any profile: a tick
    // at exactly `now` is taken at once.)
    const Duration period = config_.retryPeriod;
    const int64_t behind = (now.mono - poll_next_tick_) / period + 1;
    poll_next_tick_ = poll_next_tick_ + period * behind;
    BeginTry(config_.coordinated ? Try::kCoordinatedRenew : Try::kAcquireOrRenew, Caller::kRenewPoll, now);
    return;
  }
  wait_ = Wait::kRenewTick;
  wait_timer_ = Arm(poll_next_tick_, TimerKind::kRenewTick);
}

void LeaderElector::EndRenewPoll(Reason err, LocalTime now) {
  Disarm(deadline_timer_);
  ctx_has_deadline_ = false;
  // Back in renew()'s f.
  MaybeReportTransition();
  if (err == Reason::kOK) {
    EmitLog(LogMsg::kSuccessfullyRenewed, 5, false);
    // UntilWithContext is sliding: the period starts when f returns.
    wait_ = Wait::kRenewPeriod;
    wait_timer_ = Arm(now.mono + config_.retryPeriod, TimerKind::kRenewPeriod);
    return;
  }
  if (!profile_.stopped_leading_event_always) out_.emplace_back(RecordEvent{"stopped leading"});
  master_status_ = 0;  // le.metrics.leaderOff
  out_.emplace_back(Metric{MetricName::kMasterStatus, master_status_});
  // PollUntilContextTimeout returns ctx.Err(); PollImmediateUntil returned ErrWaitTimeout
  // for both a timeout and a cancelled parent.
  const std::string_view text = !profile_.poll_until_context_timeout ? "timed out waiting for the condition"
                                : err == Reason::kContextCanceled   ? "context canceled"
                                                                    : "context deadline exceeded";
  EmitLog(LogMsg::kFailedToRenew, 0, false, text);
  // cancel(): the outer loop exits.
  AfterRenew(now);
}

// The end of renew(): release if ReleaseOnCancel; the deferred "stopped leading" event.
void LeaderElector::AfterRenew(LocalTime now) {
  if (config_.releaseOnCancel) {
    StartRelease(now);
    return;
  }
  FinishRun(now);
}

// release(): a fresh context.Background() with a RenewDeadline timeout (>= 1.31; none
// before, kubernetes#124588), so it is not cancelled with Run's context.
void LeaderElector::StartRelease(LocalTime now) {
  phase_ = Phase::kReleasing;
  ctx_follows_run_ = false;
  ctx_has_deadline_ = profile_.release_timeout;
  if (ctx_has_deadline_) {
    ctx_deadline_ = now.mono + config_.renewDeadline;
    deadline_timer_ = Arm(ctx_deadline_, TimerKind::kReleaseDeadline);
  }
  BeginTry(Try::kRelease, Caller::kRelease, now);
}

void LeaderElector::FinishRun(LocalTime now) {
  // renew()'s `defer RecordEvent("stopped leading")` (always since 1.27, PR #111652) runs
  // after release; it only exists if renew() ran.
  if (phase_ == Phase::kRenewing || phase_ == Phase::kReleasing) {
    if (profile_.stopped_leading_event_always) out_.emplace_back(RecordEvent{"stopped leading"});
  }
  // Run's defers, LIFO: cancel() the leader ctx, then OnStoppedLeading (synchronous, even if
  // this elector never led — client-go #1187).
  Disarm(wait_timer_);
  wait_ = Wait::kNone;
  phase_ = Phase::kExited;
  ctx_has_deadline_ = false;
  out_.emplace_back(InvokeCallback{Callback::kOnStoppedLeading, /*posted=*/false, {}});
  out_.emplace_back(RunExited{});
}

// --- inputs -----------------------------------------------------------------------------------

std::span<const Effect> LeaderElector::TimerFired(TimerId id, LocalTime now) {
  BeginInput();
  if (id == 0) return out_;
  if (id == deadline_timer_) {
    deadline_timer_ = 0;
    // The attempt's context deadline passed: the in-flight request fails with
    // "context deadline exceeded"; a poll waiting for its ticker returns.
    if (inflight_ != 0) {
      FailInflight(Reason::kContextDeadlineExceeded, now);
    } else if (wait_ == Wait::kRenewTick) {
      Disarm(wait_timer_);
      wait_ = Wait::kNone;
      EndRenewPoll(Reason::kContextDeadlineExceeded, now);
    }
    return out_;
  }
  if (id != wait_timer_) return out_;
  wait_timer_ = 0;
  const Wait w = wait_;
  wait_ = Wait::kNone;
  switch (w) {
    case Wait::kAcquireRetry:
      // Next JitterUntil iteration (ctx checked first; Cancel already handled that).
      BeginTry(config_.coordinated ? Try::kCoordinatedRenew : Try::kAcquireOrRenew, Caller::kAcquire, now);
      break;
    case Wait::kRenewPeriod:
      StartRenewPoll(now);
      break;
    case Wait::kRenewTick: {
      poll_next_tick_ = poll_next_tick_ + config_.retryPeriod;
      // After the tick: `if err := ctx.Err(); err != nil { return err }`.
      const Reason err = CtxErr(now.mono);
      if (err != Reason::kOK) {
        EndRenewPoll(err, now);
        break;
      }
      BeginTry(config_.coordinated ? Try::kCoordinatedRenew : Try::kAcquireOrRenew, Caller::kRenewPoll, now);
      break;
    }
    case Wait::kNone: break;
  }
  return out_;
}

std::span<const Effect> LeaderElector::OnApiResponse(const ApiResponse& response, LocalTime now) {
  BeginInput();
  if (inflight_ == 0 || response.id != inflight_) return out_;
  inflight_ = 0;
  BeginLockOp(lock_.OnResponse(response), now);
  return out_;
}

std::span<const Effect> LeaderElector::Cancel(LocalTime now) {
  BeginInput();
  if (run_cancelled_ || phase_ == Phase::kExited) return out_;
  run_cancelled_ = true;
  if (phase_ == Phase::kNotStarted) {
    // Run was never called; nothing to stop.
    return out_;
  }
  if (phase_ == Phase::kReleasing) return out_;  // release() has its own context
  if (inflight_ != 0 && ctx_follows_run_) {
    FailInflight(Reason::kContextCanceled, now);
    return out_;
  }
  switch (wait_) {
    case Wait::kAcquireRetry:
      // BackoffUntil's select sees ctx.Done: acquire returns false; Run returns.
      Disarm(wait_timer_);
      wait_ = Wait::kNone;
      FinishRun(now);
      break;
    case Wait::kRenewPeriod:
      // Cancelled between polls: the loop exits with no log and no leaderOff
      // (the master_status gauge stays 1, reference §1.5).
      Disarm(wait_timer_);
      wait_ = Wait::kNone;
      AfterRenew(now);
      break;
    case Wait::kRenewTick:
      Disarm(wait_timer_);
      wait_ = Wait::kNone;
      EndRenewPoll(Reason::kContextCanceled, now);
      break;
    case Wait::kNone: break;
  }
  return out_;
}

// Check: `if !le.IsLeader() { return nil }` ("Currently not concerned with the case that
// we are hot standby"); an error when le.clock.Since(le.observedTime) > LeaseDuration +
// maxTolerableExpiredLease (CheckFails, in the header).
std::optional<std::string> LeaderElector::Check(LocalTime now, Duration max_tolerable_expired_lease) const {
  if (!CheckFails(now, max_tolerable_expired_lease)) return std::nullopt;
  return "failed election to renew leadership on lease " + config_.name;
}

// --- test access -------------------------------------------------------------------------------

void LeaderElector::SetObservedForTest(const LeaderElectionRecord& r, MonoTime observed_time) {
  observed_record_ = r;
  is_leader_ = observed_record_.holderIdentity == config_.lock.identity;
  observed_raw_record_ = MarshalRecord(r, profile_.coordinated_fields);
  observed_raw_gen_ = 0;  // not copied from the lock
  observed_record_gen_ = 0;
  reported_current_ = false;
  ++observed_raw_changes_;
  observed_time_ = observed_time;
}

std::span<const Effect> LeaderElector::BeginTryAcquireOrRenewForTest(LocalTime now) {
  BeginInput();
  test_result_.reset();
  ctx_follows_run_ = false;
  ctx_has_deadline_ = false;
  BeginTry(config_.coordinated ? Try::kCoordinatedRenew : Try::kAcquireOrRenew, Caller::kTest, now);
  return out_;
}

std::span<const Effect> LeaderElector::BeginReleaseForTest(LocalTime now) {
  BeginInput();
  test_result_.reset();
  ctx_follows_run_ = false;
  ctx_has_deadline_ = profile_.release_timeout;
  if (ctx_has_deadline_) {
    ctx_deadline_ = now.mono + config_.renewDeadline;
    deadline_timer_ = Arm(ctx_deadline_, TimerKind::kReleaseDeadline);
  }
  BeginTry(Try::kRelease, Caller::kTest, now);
  return out_;
}

std::span<const Effect> LeaderElector::MaybeReportTransitionForTest() {
  BeginInput();
  MaybeReportTransition();
  return out_;
}

}  // namespace leasesim::core
