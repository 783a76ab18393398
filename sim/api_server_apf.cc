// api_server_apf.cc — the fake API server's API Priority and Fairness hook and its
// background clients (sim/apf.h, sim/background_clients.h, docs/apf.md). Kept apart from
// api_server.cc: Arrive calls ArriveApf where a request would take a FIFO slot.
#include <cassert>

#include "sim/api_server.h"
#include "sim/apf.h"
#include "sim/background_clients.h"
#include "sim/scheduler.h"

namespace leasesim::sim {
namespace {

std::string_view VerbOf(core::Verb v) {
  switch (v) {
    case core::Verb::kGet: return "get";
    case core::Verb::kCreate: return "create";
    case core::Verb::kUpdate: return "update";
    case core::Verb::kDelete: return "delete";
  }
  return "get";
}

// The API group and resource of each core::Resource.
std::pair<std::string_view, std::string_view> GroupResourceOf(core::Resource r) {
  switch (r) {
    case core::Resource::kLeases: return {"coordination.k8s.io", "leases"};
    case core::Resource::kConfigMaps: return {"", "configmaps"};
    case core::Resource::kEndpoints: return {"", "endpoints"};
    case core::Resource::kLeaseCandidates: return {"coordination.k8s.io", "leasecandidates"};
  }
  return {"", ""};
}

}  // namespace

ApiServer::~ApiServer() = default;

void ApiServer::AttachScheduler(Scheduler& scheduler) {
  assert(!apf_ && !background_ && "AttachScheduler is called once");
  if (config_.apf && config_.apf->enabled) {
    assert(config_.max_inflight == 0 && "APF replaces the max-in-flight slots");
    apf::FilterOptions fo;
    fo.slowdown_at_limit = config_.apf->slowdown_at_limit;
    apf_ = std::make_unique<apf::ApfFilter>(config_.apf->Config(), scheduler, fo);
    candidate_user_ = UserFromName(config_.apf->candidate_user);
  }
  if (!config_.background_clients.empty()) {
    background_ = std::make_unique<BackgroundClients>(config_.background_clients, scheduler, *this);
    background_->Start();
  }
}

Admission ApiServer::ArriveApf(const core::ApiRequest& r, TrueTime now, Duration latency, ArriveOptions& options) {
  apf::RequestDigest own;
  const apf::RequestDigest* d = options.digest;
  if (!d) {
    own.user = candidate_user_;
    own.verb = VerbOf(r.verb);
    const auto [group, resource] = GroupResourceOf(r.resource);
    own.api_group = group;
    own.resource = resource;
    own.namespace_ = r.namespace_;
    own.name = r.name;
    d = &own;
  }
  // The final answer of a request, in the server's terms (counted like any other 429).
  auto to_admission = [this, id = r.id, verb = r.verb](const apf::Outcome& o, TrueTime arrival) {
    Admission a;
    if (o.kind == apf::Outcome::Kind::kExecute) {
      a.kind = Admission::Kind::kProcessed;
      a.complete_at = o.complete_at;
      a.queue_delay = o.start - arrival;
      a.latency = o.service;
      stats_.max_queue_delay = std::max(stats_.max_queue_delay, a.queue_delay);
    } else {
      core::ApiRequest stub;
      stub.id = id;
      stub.verb = verb;
      a.kind = Admission::Kind::kRejected;
      a.response = Reject(stub, core::Status::TooManyRequests(), o.retry_after);
    }
    return a;
  };
  AdmissionCallback later = std::move(options.later);
  const apf::Outcome o = apf_->Start(*d, now, latency, [later, to_admission, now](const apf::Outcome& final) {
    if (later) later(to_admission(final, now));
  });
  if (o.kind == apf::Outcome::Kind::kQueued) {
    Admission a;
    a.kind = Admission::Kind::kQueued;
    return a;
  }
  return to_admission(o, now);
}

}  // namespace leasesim::sim
