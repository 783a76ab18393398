// background_clients.cc — open-loop background load (background_clients.h).
#include "sim/background_clients.h"

#include <cmath>

#include "sim/apf.h"
#include "sim/api_server.h"
#include "sim/scheduler.h"

namespace leasesim::sim {
namespace {

// ProxyVerb is the core verb a background request is counted as in the server's
// per-verb accounting (it never reaches the store).
core::Verb ProxyVerb(const std::string& verb) {
  if (verb == "create") return core::Verb::kCreate;
  if (verb == "update" || verb == "patch") return core::Verb::kUpdate;
  if (verb == "delete") return core::Verb::kDelete;
  return core::Verb::kGet;  // get, list, watch
}

}  // namespace

BackgroundClients::BackgroundClients(std::vector<BackgroundClientSpec> specs, Scheduler& sched, ApiServer& server)
    : specs_(std::move(specs)), sched_(sched), server_(server) {
  for (const BackgroundClientSpec& s : specs_) {
    digests_.push_back(s.Digest());
    BackgroundClientStats st;
    st.name = s.name;
    if (const apf::ApfFilter* f = server_.apf()) {
      const apf::Classification c = apf::Classify(f->config(), digests_.back());
      st.priority_level = f->config().priority_levels[static_cast<size_t>(c.priority_level)].name;
      st.flow_schema = f->config().flow_schemas[static_cast<size_t>(c.flow_schema)].name;
    }
    stats_.push_back(std::move(st));
  }
}

void BackgroundClients::Start() {
  origin_ = sched_.now();
  for (size_t i = 0; i < specs_.size(); ++i) sched_.At(origin_ + specs_[i].start, [this, i] { Send(i, 0); });
}

void BackgroundClients::Send(size_t i, uint64_t k) {
  const BackgroundClientSpec& s = specs_[i];
  const TrueTime now = sched_.now();
  BackgroundClientStats& st = stats_[i];
  ++st.sent;
  core::ApiRequest req;
  req.verb = ProxyVerb(s.verb);
  req.namespace_ = s.namespace_;
  ArriveOptions o;
  o.digest = &digests_[i];
  o.extra_latency = s.ExtraLatency();
  o.later = [this, i, now](const Admission& a) {
    if (a.kind == Admission::Kind::kProcessed) {
      Served(i, now, a.complete_at);
    } else {
      ++stats_[i].rejected;
    }
  };
  const Admission a = server_.Arrive(req, now, std::move(o));
  switch (a.kind) {
    case Admission::Kind::kProcessed: Served(i, now, a.complete_at); break;
    case Admission::Kind::kRejected: ++st.rejected; break;
    case Admission::Kind::kDropped: ++st.dropped; break;
    case Admission::Kind::kQueued: break;
  }
  // The next request, on the client's fixed grid.
  const uint64_t next = k + 1;
  const Duration offset(static_cast<int64_t>(std::llround(static_cast<double>(next) * 1e9 / s.rate)));
  if (s.for_ && offset >= *s.for_) return;
  sched_.At(origin_ + s.start + offset, [this, i, next] { Send(i, next); });
}

void BackgroundClients::Served(size_t i, TrueTime arrival, TrueTime complete_at) {
  BackgroundClientStats& st = stats_[i];
  ++st.served;
  st.max_latency = std::max(st.max_latency, complete_at - arrival);
}

}  // namespace leasesim::sim
