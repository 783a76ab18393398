// coordinated_harness.h — a fake clientset with an object tracker and informers, on a
// virtual clock, for the coordinated-election state machines.
//
// Mirrors what the Go tests use (fake.NewSimpleClientset + a SharedInformerFactory): an
// in-memory store of Leases and LeaseCandidates without resourceVersion checks, every
// API call answered after `latency`, and every applied write delivered at once as an
// informer event to the controller's caches and, for its own LeaseCandidate, to each
// candidate client. Time stands still unless an event is scheduled later (as with
// client-go's FakeClock plus real informer goroutines).
#pragma once

#include <catch2/catch.hpp>

#include <functional>
#include <map>
#include <optional>
#include <queue>
#include <string>
#include <vector>

#include "core/lease_candidate.h"
#include "core/leader_election_controller.h"

namespace leasesim::core::testing {

using namespace std::chrono_literals;

inline WallTime TestWall0() { return WallTime{std::chrono::hours(490000)}; }  // 2025-11-23

class Cluster {
 public:
  Duration latency = 1ms;
  std::map<std::string, Lease> leases;
  std::map<std::string, LeaseCandidate> candidates;
  LeaderElectionController* controller = nullptr;
  std::vector<LeaseCandidateClient*> clients;
  // Called after every applied write (the Go tests' mock goroutines).
  std::function<void(Cluster&)> after_write;
  std::vector<ApiRequest> requests;  // every request sent, in order

  LocalTime now() const { return {mono_, TestWall0() + mono_.since_boot}; }
  MonoTime mono() const { return mono_; }

  static std::string Key(const std::string& ns, const std::string& name) { return ns + "/" + name; }

  // Seed objects before the controller starts (the informer's initial list).
  void PutLease(Lease l) {
    const std::string k = Key(l.metadata.namespace_, l.metadata.name);
    leases[k] = l;
    if (controller) Apply(controller->OnLeaseEvent(InformerEvent::kAdd, l, now()), controller, nullptr);
  }
  void PutCandidate(LeaseCandidate c, bool add = true) {
    const std::string k = Key(c.metadata.namespace_, c.metadata.name);
    candidates[k] = c;
    if (controller) {
      Apply(controller->OnLeaseCandidateEvent(add ? InformerEvent::kAdd : InformerEvent::kUpdate, c, now()),
            controller, nullptr);
    }
    for (LeaseCandidateClient* cl : clients) {
      if (!add && cl->config().name == c.metadata.name) Apply(cl->OnInformerUpdate(c, now()), nullptr, cl);
    }
  }
  void DeleteLease(const std::string& ns, const std::string& name) {
    auto it = leases.find(Key(ns, name));
    if (it == leases.end()) return;
    Lease old = it->second;
    leases.erase(it);
    if (controller) Apply(controller->OnLeaseEvent(InformerEvent::kDelete, old, now()), controller, nullptr);
  }

  void StartController() { Apply(controller->Start(now()), controller, nullptr); }
  void StartClient(LeaseCandidateClient& c) {
    clients.push_back(&c);
    Apply(c.Start(now()), nullptr, &c);
  }

  // Apply carries out effects of the controller (ctl) or of one candidate client (cl).
  void Apply(std::span<const CoordEffect> effects, LeaderElectionController* ctl, LeaseCandidateClient* cl) {
    std::vector<CoordEffect> copy(effects.begin(), effects.end());
    for (const CoordEffect& e : copy) {
      if (const auto* s = std::get_if<SendApiRequest>(&e)) {
        requests.push_back(s->request);
        ApiRequest req = s->request;
        At(mono_ + latency, [this, req, ctl, cl] {
          ApiResponse resp = Serve(req);
          if (ctl) Apply(ctl->OnApiResponse(resp, now()), ctl, nullptr);
          if (cl) Apply(cl->OnApiResponse(resp, now()), nullptr, cl);
        });
      } else if (const auto* t = std::get_if<ArmQueueTimer>(&e)) {
        const TimerId id = t->id;
        At(t->at, [this, id, ctl, cl] {
          if (ctl) Apply(ctl->TimerFired(id, now()), ctl, nullptr);
          if (cl) Apply(cl->TimerFired(id, now()), nullptr, cl);
        });
      }
    }
  }

  // RunUntil runs events in time order until `done` holds or virtual time passes `limit`.
  bool RunUntil(const std::function<bool()>& done, Duration limit) {
    const MonoTime end = mono_ + limit;
    while (!done()) {
      if (events_.empty() || events_.top().at > end) {
        mono_ = end;
        return done();
      }
      Event ev = events_.top();
      events_.pop();
      mono_ = std::max(mono_, ev.at);
      ev.fn();
    }
    return true;
  }
  void RunFor(Duration d) { RunUntil([] { return false; }, d); }

  std::optional<std::string> Holder(const std::string& ns, const std::string& name) const {
    auto it = leases.find(Key(ns, name));
    if (it == leases.end()) return std::nullopt;
    return it->second.spec.holderIdentity.value_or("");
  }

 private:
  struct Event {
    MonoTime at;
    uint64_t seq;
    std::function<void()> fn;
    bool operator>(const Event& o) const { return at != o.at ? at > o.at : seq > o.seq; }
  };
  void At(MonoTime t, std::function<void()> fn) { events_.push(Event{t, seq_++, std::move(fn)}); }

  ApiResponse Serve(const ApiRequest& r) {
    ApiResponse resp;
    resp.id = r.id;
    const std::string k = Key(r.namespace_, r.name);
    const bool lease = r.resource == Resource::kLeases;
    auto found = [&]() -> ObjectPtr {
      if (lease) {
        auto it = leases.find(k);
        return it == leases.end() ? nullptr : MakeObject(Lease(it->second));
      }
      auto it = candidates.find(k);
      return it == candidates.end() ? nullptr : MakeObject(LeaseCandidate(it->second));
    }();
    switch (r.verb) {
      case Verb::kGet:
        if (!found) resp.status = Status::NotFound(r.resource, r.name);
        resp.body = found;
        return resp;
      case Verb::kCreate:
        if (found) {
          resp.status = Status::AlreadyExists(r.resource, r.name);
          return resp;
        }
        break;
      case Verb::kUpdate:
        if (!found) {
          resp.status = Status::NotFound(r.resource, r.name);
          return resp;
        }
        break;
      case Verb::kDelete:
        if (!found) {
          resp.status = Status::NotFound(r.resource, r.name);
          return resp;
        }
        if (lease) {
          DeleteLease(r.namespace_, r.name);
        } else {
          LeaseCandidate old = candidates[k];
          candidates.erase(k);
          if (controller) Apply(controller->OnLeaseCandidateEvent(InformerEvent::kDelete, old, now()), controller, nullptr);
        }
        if (after_write) after_write(*this);
        return resp;
    }
    // create / update
    const bool add = r.verb == Verb::kCreate;
    if (lease) {
      Lease l = std::get<Lease>(*r.body);
      l.metadata.namespace_ = r.namespace_;
      leases[k] = l;
      if (controller) {
        Apply(controller->OnLeaseEvent(add ? InformerEvent::kAdd : InformerEvent::kUpdate, l, now()), controller,
              nullptr);
      }
      resp.body = MakeObject(std::move(l));
    } else {
      LeaseCandidate c = std::get<LeaseCandidate>(*r.body);
      c.metadata.namespace_ = r.namespace_;
      if (add) c.metadata.creationTimestamp = now().wall;
      else c.metadata.creationTimestamp = candidates[k].metadata.creationTimestamp;
      PutCandidate(c, add);
      resp.body = MakeObject(std::move(c));
    }
    if (after_write) after_write(*this);
    return resp;
  }

  MonoTime mono_{std::chrono::hours(1)};
  uint64_t seq_ = 0;
  std::priority_queue<Event, std::vector<Event>, std::greater<>> events_;
};

}  // namespace leasesim::core::testing
