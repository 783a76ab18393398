// lease_candidate.cc — port of client-go tools/leaderelection/leasecandidate.go.
#include "core/lease_candidate.h"

#include <algorithm>

namespace leasesim::core {
namespace {
// The queue holds one item at most ("since we only watch one item"): the int key 0.
const std::string kKey = "0";
}  // namespace

// Port of newLeaseCandidate.
LeaseCandidate LeaseCandidateClient::NewLeaseCandidate(WallTime now) const {
  LeaseCandidate lc;
  lc.api = config_.api;
  lc.metadata.name = config_.name;
  lc.metadata.namespace_ = config_.namespace_;
  lc.spec.leaseName = config_.leaseName;
  lc.spec.binaryVersion = config_.binaryVersion;
  lc.spec.emulationVersion = config_.emulationVersion;
  if (config_.api == LeaseCandidateApi::kV1alpha1) {
    lc.spec.preferredStrategies = {config_.strategy};
  } else {
    lc.spec.strategy = config_.strategy;
  }
  lc.spec.renewTime = now;
  return lc;
}

// Port of Run: after the cache sync, enqueueLease() and `go runWorker(ctx)`.
std::span<const CoordEffect> LeaseCandidateClient::Start(LocalTime now) {
  out_.clear();
  running_ = true;
  queue_.Add(kKey);  // enqueueLease
  MaybeProcessNext(now);
  return out_;
}

// Port of the informer UpdateFunc in NewCandidate.
std::span<const CoordEffect> LeaseCandidateClient::OnInformerUpdate(const LeaseCandidate& obj, LocalTime now) {
  out_.clear();
  if (!running_) return out_;
  // leasecandidate.Spec.PingTime.After(leasecandidate.Spec.RenewTime.Time): Go would
  // dereference a nil RenewTime; the zero time stands in for it here.
  const WallTime renew = obj.spec.renewTime.value_or(WallTime::Zero());
  if (obj.spec.pingTime && (renew.IsZero() || *obj.spec.pingTime > renew)) {
    queue_.Add(kKey);  // enqueueLease
    MaybeProcessNext(now);
  }
  return out_;
}

// Port of processNextWorkItem's start and ensureLease's first step (Get).
void LeaseCandidateClient::MaybeProcessNext(LocalTime now) {
  (void)now;
  if (!running_ || step_ != Step::kIdle) return;
  std::string key;
  if (!queue_.Get(key)) return;
  step_ = Step::kGet;
  Send(Verb::kGet, nullptr);
}

void LeaseCandidateClient::Send(Verb verb, ObjectPtr body) {
  ApiRequest r;
  r.id = next_request_id_++;
  r.verb = verb;
  r.resource = Resource::kLeaseCandidates;
  r.namespace_ = config_.namespace_;
  r.name = config_.name;
  r.body = std::move(body);
  inflight_ = r.id;
  out_.emplace_back(SendApiRequest{std::move(r), false, {}});
}

// Port of ensureLease (after each API call) and processNextWorkItem's tail.
std::span<const CoordEffect> LeaseCandidateClient::OnApiResponse(const ApiResponse& response, LocalTime now) {
  out_.clear();
  if (!running_ || inflight_ == 0 || response.id != inflight_) return out_;
  inflight_ = 0;
  const Status& st = response.status;
  switch (step_) {
    case Step::kGet: {
      if (st.IsNotFound()) {
        out_.emplace_back(CoordLog{2, false, "Creating lease candidate"});
        // lease does not exist, create it.
        step_ = Step::kCreate;
        Send(Verb::kCreate, MakeObject(NewLeaseCandidate(now.wall)));
        return out_;
      }
      if (!st.ok()) {
        FinishEnsure(st, now);
        return out_;
      }
      const auto* got = response.body ? std::get_if<LeaseCandidate>(response.body.get()) : nullptr;
      if (got == nullptr) {
        FinishEnsure(Status::InternalError("unexpected object"), now);
        return out_;
      }
      out_.emplace_back(CoordLog{2, false, "lease candidate exists. Renewing."});
      // clone := lease.DeepCopy(); clone.Spec.RenewTime = now. Everything else (versions,
      // strategy) stays as stored: a restarted candidate under the same name keeps its
      // old versions in the object.
      LeaseCandidate clone = *got;
      clone.spec.renewTime = now.wall;
      step_ = Step::kUpdate;
      Send(Verb::kUpdate, MakeObject(std::move(clone)));
      return out_;
    }
    case Step::kCreate:
      if (st.ok()) out_.emplace_back(CoordLog{2, false, "Created lease candidate"});
      FinishEnsure(st, now);
      return out_;
    case Step::kUpdate:
      FinishEnsure(st, now);
      return out_;
    case Step::kIdle:
      break;
  }
  return out_;
}

// processNextWorkItem after ensureLease returned: success requeues after 5 minutes (no
// Forget: the rate limiter's failure count is never reset), an error is logged and the
// key requeued rate-limited; then queue.Done.
void LeaseCandidateClient::FinishEnsure(const Status& err, LocalTime now) {
  ++ensures_;
  step_ = Step::kIdle;
  std::optional<MonoTime> at;
  if (err.ok()) {
    at = queue_.AddAfter(kKey, kLeaseCandidateRequeueInterval, now.mono);
  } else {
    out_.emplace_back(CoordLog{0, true, err.message});
    at = queue_.AddRateLimited(kKey, now.mono);
  }
  queue_.Done(kKey);
  if (at) ArmAt(*at);
  MaybeProcessNext(now);
}

void LeaseCandidateClient::ArmAt(MonoTime at) {
  const TimerId id = next_timer_id_++;
  timers_.push_back(id);
  out_.emplace_back(ArmQueueTimer{id, at});
}

std::span<const CoordEffect> LeaseCandidateClient::TimerFired(TimerId id, LocalTime now) {
  out_.clear();
  auto it = std::find(timers_.begin(), timers_.end(), id);
  if (it == timers_.end() || !running_) return out_;
  timers_.erase(it);
  queue_.Ready(now.mono);
  MaybeProcessNext(now);
  return out_;
}

// ctx.Done(): `defer c.queue.ShutDown()`; the request in flight fails with its context.
std::span<const CoordEffect> LeaseCandidateClient::Stop() {
  out_.clear();
  if (!running_) return out_;
  running_ = false;
  queue_.ShutDown();
  if (inflight_ != 0) out_.emplace_back(CancelRequest{inflight_, Reason::kContextCanceled});
  inflight_ = 0;
  step_ = Step::kIdle;
  timers_.clear();
  return out_;
}

}  // namespace leasesim::core
