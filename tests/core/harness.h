// harness.h — a scripted API and a tiny event loop for driving one LeaderElector.
//
// Mirrors client-go's leaderelection_test.go harness: a fake.Clientset with reactors and
// no object tracker. Reactors are registered in order; the first one whose verb matches
// handles the action (later duplicates only count calls), and any action no reactor
// matches fails the test ("unreachable action. testclient called too many times"). Each
// API call takes `latency` of the node's clock, so that, as with client-go's real clock,
// time advances during a Get (test "don't acquire from led, acked object" needs that).
#pragma once

#include <catch2/catch.hpp>

#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/leader_elector.h"

namespace leasesim::core::testing {

using namespace std::chrono_literals;

// A reactor answers a request, or returns nullopt to hold it (a hung call).
using ReactorFn = std::function<std::optional<ApiResponse>(const ApiRequest&)>;
struct Reactor {
  Verb verb;
  ReactorFn fn;
};

// The client-go test lock: namespace "foo", name "bar", identity "baz".
inline LeaderElectionConfig TestConfig(Duration ld = 10s, Duration rd = 5s, Duration rp = 1s) {
  LeaderElectionConfig c;
  c.lock.kind = LockKind::kLeases;
  c.lock.namespace_ = "foo";
  c.lock.name = "bar";
  c.lock.identity = "baz";
  c.leaseDuration = ld;
  c.renewDeadline = rd;
  c.retryPeriod = rp;
  c.name = "foo";
  return c;
}

// createLockObject(record): a Lease whose spec is LeaderElectionRecordToLeaseSpec(record),
// or an empty spec when record is null.
inline ObjectPtr LeaseObject(const std::optional<LeaderElectionRecord>& r) {
  Lease l;
  l.metadata.namespace_ = "foo";
  l.metadata.name = "bar";
  if (r) l.spec = LeaderElectionRecordToLeaseSpec(*r);
  return MakeObject(std::move(l));
}

inline ApiResponse Ok(ObjectPtr body) { return ApiResponse{0, Status::OK(), std::move(body), {}}; }
inline ApiResponse Err(Status s) { return ApiResponse{0, std::move(s), nullptr, {}}; }
inline ApiResponse NotFound() { return Err(Status::NotFound(Resource::kLeases, "bar")); }
inline ApiResponse Echo(const ApiRequest& r) { return Ok(r.body); }

inline LeaderElectionRecord Holder(std::string id, int lds = 0) {
  LeaderElectionRecord r;
  r.holderIdentity = std::move(id);
  r.leaseDurationSeconds = lds;
  return r;
}

// World drives one elector: it carries out its effects and delivers responses and timers
// in time order (equal times in scheduling order).
class World {
 public:
  explicit World(LeaderElector& le, MonoTime start = MonoTime{100000h}) : le_(le), now_(start) {}

  std::vector<Reactor> reactors;
  Duration latency = 1us;
  // Called after each response is delivered (e.g. to cancel Run, as a reactor calling
  // cancelFunc() would, once the fake client returned).
  std::function<void()> after_response;

  LocalTime now() const { return {now_, Wall(now_)}; }
  MonoTime mono() const { return now_; }
  static WallTime Wall(MonoTime m) { return WallTime{std::chrono::seconds(1767225600) + (m.since_boot - 100000h)}; }

  // Actions as client-go's c.Actions() verbs: "get", "create", "update".
  std::vector<std::string> actions;
  // Every effect the elector emitted, in order.
  std::vector<Effect> effects;
  std::vector<MonoTime> effect_times;  // when each effect was emitted
  std::vector<RequestId> held;  // requests a reactor is holding

  void Apply(std::span<const Effect> out) {
    for (const Effect& e : out) {
      effects.push_back(Owned(e));
      effect_times.push_back(now_);
      if (const auto* s = std::get_if<SendApiRequest>(&e)) {
        actions.emplace_back(VerbName(s->request.verb));
        const Reactor* r = nullptr;
        for (const Reactor& cand : reactors) {
          if (cand.verb == s->request.verb) {
            r = &cand;
            break;
          }
        }
        if (r == nullptr) {
          FAIL("unreachable action. testclient called too many times: " << VerbName(s->request.verb));
          continue;
        }
        std::optional<ApiResponse> resp = r->fn(s->request);
        if (!resp) {
          held.push_back(s->request.id);
          continue;
        }
        resp->id = s->request.id;
        Schedule(now_ + latency, Event{Event::kResponse, 0, *resp});
      } else if (const auto* a = std::get_if<ArmTimer>(&e)) {
        Schedule(a->at, Event{Event::kTimer, a->id, {}});
      } else if (const auto* c = std::get_if<CancelTimer>(&e)) {
        cancelled_timers_.push_back(c->id);
      } else if (const auto* c = std::get_if<CancelRequest>(&e)) {
        cancelled_requests_.push_back(c->id);
      }
    }
  }

  // Step delivers the next pending event; false when none is left or it lies after `until`.
  bool Step(MonoTime until = MonoTime{Duration::max()}) {
    while (!queue_.empty()) {
      auto it = queue_.begin();
      if (it->first.first > until) return false;
      Event ev = it->second;
      now_ = it->first.first;
      queue_.erase(it);
      if (ev.kind == Event::kTimer) {
        if (Contains(cancelled_timers_, ev.timer)) continue;
        Apply(le_.TimerFired(ev.timer, now()));
      } else {
        if (Contains(cancelled_requests_, ev.response.id)) continue;
        Apply(le_.OnApiResponse(ev.response, now()));
        if (after_response) after_response();
      }
      return true;
    }
    return false;
  }
  void RunUntilIdle(int max_steps = 100000) {
    while (max_steps-- > 0 && Step()) {
    }
  }
  void RunUntil(MonoTime t) {
    while (Step(t)) {
    }
    if (now_ < t) now_ = t;
  }
  void Advance(Duration d) { now_ = now_ + d; }

  // Helpers over the effect log.
  template <class T>
  std::vector<T> All() const {
    std::vector<T> v;
    for (const Effect& e : effects)
      if (const auto* x = std::get_if<T>(&e)) v.push_back(*x);
    return v;
  }
  std::vector<std::string> NewLeaders() const {
    std::vector<std::string> v;
    for (const auto& c : All<InvokeCallback>())
      if (c.callback == Callback::kOnNewLeader) v.emplace_back(c.identity);
    return v;
  }
  std::vector<std::string> Events() const {
    std::vector<std::string> v;
    for (const auto& e : All<RecordEvent>()) v.push_back("Normal LeaderElection baz " + std::string(e.message));
    return v;
  }
  // Times at which effects of type T matching `pred` were emitted.
  template <class T, class P>
  std::vector<MonoTime> TimesOf(P pred) const {
    std::vector<MonoTime> v;
    for (size_t i = 0; i < effects.size(); ++i)
      if (const auto* x = std::get_if<T>(&effects[i]))
        if (pred(*x)) v.push_back(effect_times[i]);
    return v;
  }
  bool HasLog(LogMsg m) const {
    for (const auto& l : All<Log>())
      if (l.msg == m) return true;
    return false;
  }

 private:
  struct Event {
    enum Kind { kTimer, kResponse } kind;
    TimerId timer;
    ApiResponse response;
  };
  // Owned copies an effect for `effects`, with the texts it views (valid only until the
  // elector's next input) copied into storage that lives as long as this World.
  Effect Owned(const Effect& e) {
    Effect c = e;
    auto own = [this](std::string_view& v) {
      if (!v.empty()) v = texts_.emplace_back(v);
    };
    if (auto* l = std::get_if<Log>(&c)) {
      own(l->err);
      own(l->holder);
    } else if (auto* cb = std::get_if<InvokeCallback>(&c)) {
      own(cb->identity);
    }
    return c;
  }
  void Schedule(MonoTime at, Event ev) { queue_.emplace(std::make_pair(at, seq_++), std::move(ev)); }
  template <class V, class X>
  static bool Contains(const V& v, const X& x) {
    for (const auto& y : v)
      if (y == x) return true;
    return false;
  }

  LeaderElector& le_;
  MonoTime now_;
  uint64_t seq_ = 0;
  std::map<std::pair<MonoTime, uint64_t>, Event> queue_;
  std::vector<TimerId> cancelled_timers_;
  std::vector<RequestId> cancelled_requests_;
  std::deque<std::string> texts_;
};

}  // namespace leasesim::core::testing
