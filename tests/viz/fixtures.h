// fixtures.h — small traces with exactly known times for the viz tests.
#pragma once

#include <string>

#include "viz/synthetic_trace.h"
#include "viz/trace_loader.h"

namespace leasesim::viz::testing {

inline constexpr int64_t kS = 1'000'000'000;
inline constexpr int64_t kMs = 1'000'000;

// TinyTrace: nodes a and b (b's clock +500000 ppm, offset +2s). a leads [1s, 5s) and acts
// [1.05s, 5.5s); b leads from 4s and acts from 4.05s: split-brain [4.05s, 5.5s). One Lease
// write by a at 1s (rv 1), one by b at 4s (rv 2). a's update id 7 sent at 3s is never
// answered before 5s (in flight at 4s) and is cancelled at 5s. Ends at 10s.
inline std::string TinyTrace() {
  TraceHeader h;
  h.scenario = "tiny";
  h.seed = 7;
  h.duration_ns = 10 * kS;
  h.epoch_wall_ns = 1'767'225'600LL * kS;
  h.lock_kind = "leases";
  h.lock_namespace = "kube-system";
  h.lock_name = "lock";
  h.nodes = {{"a", "a", "1.31", 15 * kS, 10 * kS, 2 * kS, false},
             {"b", "b", "1.31", 15 * kS, 10 * kS, 2 * kS, false}};
  TraceWriter w(h, {{100 * kS, 0, 0}, {200 * kS, 2 * kS, 500'000}});
  auto lease = [](const char* holder, int rv) {
    return std::string(R"("lease":{"kind":"Lease","apiVersion":"coordination.k8s.io/v1","metadata":{"name":"lock","namespace":"kube-system","resourceVersion":")") +
           std::to_string(rv) + R"("},"spec":{"holderIdentity":")" + holder +
           R"(","leaseDurationSeconds":15,"renewTime":"2026-01-01T00:00:01.000000Z","leaseTransitions":)" +
           std::to_string(rv - 1) + "}}";
  };
  w.Add(0, 0, "state", R"("state":"acquiring")");
  w.Add(0, 1, "state", R"("state":"following")");
  w.Add(0, 1, "clock", R"("offset_ns":2000000000,"drift_ppm":500000)");
  w.Add(900 * kMs, 0, "api_request", R"("id":1,"verb":"create","resource":"leases","rv":"")");
  w.Add(950 * kMs, -1, "api_served", R"("id":1,"verb":"create","code":201,"reason":"Created","rv":"1",)" + lease("a", 1));
  w.Add(1 * kS, 0, "api_response", R"("id":1,"verb":"create","code":201,"reason":"Created","message":"")");
  w.Add(1 * kS, 0, "observed", R"("holder":"a","record":"{\"holderIdentity\":\"a\"}")");
  w.Add(1 * kS, 0, "state", R"("state":"leading")");
  w.Add(1050 * kMs, 0, "acting", R"("acting":true)");
  w.Add(2 * kS, 1, "api_request", R"("id":2,"verb":"get","resource":"leases","rv":"")");
  w.Add(2 * kS + 1 * kMs, -1, "api_served", R"("id":2,"verb":"get","code":200,"reason":"OK","rv":"1")");
  w.Add(2 * kS + 2 * kMs, 1, "api_response", R"("id":2,"verb":"get","code":200,"reason":"OK","message":"")");
  w.Add(2 * kS + 2 * kMs, 1, "observed", R"("holder":"a","record":"{\"holderIdentity\":\"a\"}")");
  w.Add(3 * kS, -1, "fault", R"("fault":"partition","phase":"begin","nodes":["a"],"params":{"direction":"both"})");
  w.Add(3 * kS, 0, "api_request", R"("id":7,"verb":"update","resource":"leases","rv":"1")");
  w.Add(3900 * kMs, 1, "api_request", R"("id":8,"verb":"update","resource":"leases","rv":"1")");
  w.Add(3950 * kMs, -1, "api_served", R"("id":8,"verb":"update","code":200,"reason":"OK","rv":"2",)" + lease("b", 2));
  w.Add(4 * kS, 1, "api_response", R"("id":8,"verb":"update","code":200,"reason":"OK","message":"")");
  w.Add(4 * kS, 1, "observed", R"("holder":"b","record":"{\"holderIdentity\":\"b\"}")");
  w.Add(4 * kS, 1, "state", R"("state":"leading")");
  w.Add(4050 * kMs, 1, "acting", R"("acting":true)");
  w.Add(5 * kS, 0, "api_cancel", R"("id":7,"reason":"context deadline exceeded")");
  w.Add(5 * kS, 0, "state", R"("state":"following")");
  w.Add(5500 * kMs, 0, "acting", R"("acting":false)");
  w.Add(6 * kS, -1, "fault", R"("fault":"partition","phase":"end","nodes":["a"],"params":{"direction":"both"})");
  w.Add(10 * kS, -1, "finding", R"("finding":"split_brain","start":4050000000,"end":5500000000,"nodes":["a","b"],"cause":"clock-rate ratio 1.5")");
  return w.Finish();
}

inline std::unique_ptr<Trace> LoadTiny() {
  TraceLoad l = LoadTraceText(TinyTrace(), "tiny.jsonl");
  if (!l.ok()) throw std::runtime_error(l.error);
  return std::move(l.trace);
}

inline std::string SamplePath() {
  return std::string(LEASESIM_SOURCE_DIR) + "/tests/data/traces/split-brain-sample.jsonl";
}

}  // namespace leasesim::viz::testing
