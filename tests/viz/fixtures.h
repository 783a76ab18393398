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

// ClusterTrace: a cluster scenario's trace (header `cluster.workers` 50) with one
// candidate kcm (leading from 0) and 12 workers that change state: w-0 .. w-9 go Unknown
// at 10s + i*100ms (w-3 a false NotReady) and Ready again at 40s; w-10 goes NotReady
// (False) at 12s for good; w-11's kubelet stops at 5s, it goes Unknown at 20s, is
// tainted at 25s and its last pod is evicted at 28s. An invariant breach at 30s and a
// zone partition fault of zone-a from 8s to 35s. Ends at 60s.
inline std::string ClusterTrace() {
  TraceHeader h;
  h.scenario = "cluster";
  h.seed = 1;
  h.duration_ns = 60 * kS;
  h.epoch_wall_ns = 1'767'225'600LL * kS;
  h.lock_kind = "leases";
  h.lock_namespace = "kube-system";
  h.lock_name = "lock";
  h.nodes = {{"kcm", "kcm", "1.37", 15 * kS, 10 * kS, 2 * kS, false}};
  TraceWriter w(h, {{100 * kS, 0, 0}});
  w.Add(0, 0, "state", R"("state":"leading")");
  w.Add(0, 0, "node_lifecycle_controller", R"("running":true)");
  w.Add(5 * kS, -1, "kubelet", R"("worker":"w-11","running":false,"machine_down":false)");
  w.Add(8 * kS, -1, "cluster_fault", R"("id":"dark","kind":"zone_partition","phase":"begin")");
  for (int i = 0; i < 10; ++i) {
    w.Add(10 * kS + i * 100 * kMs, -1, "node_ready",
          "\"worker\":\"w-" + std::to_string(i) + "\",\"status\":\"Unknown\",\"false_not_ready\":" +
              (i == 3 ? "true" : "false") + ",\"cause\":\"x\"");
  }
  w.Add(12 * kS, -1, "node_ready", R"("worker":"w-10","status":"False","false_not_ready":false,"cause":"kubelet status update")");
  w.Add(15 * kS, 0, "zone_state", R"("zone":"zone-a","state":"FullDisruption")");
  w.Add(20 * kS, -1, "node_ready", R"("worker":"w-11","status":"Unknown","false_not_ready":false,"cause":"kubelet stopped")");
  w.Add(25 * kS, -1, "node_taint", R"("worker":"w-11","tainted":true)");
  w.Add(28 * kS, -1, "node_evicted", R"("worker":"w-11")");
  w.Add(35 * kS, -1, "cluster_fault", R"("id":"dark","kind":"zone_partition","phase":"end")");
  for (int i = 0; i < 10; ++i) {
    w.Add(40 * kS, -1, "node_ready",
          "\"worker\":\"w-" + std::to_string(i) + "\",\"status\":\"True\",\"false_not_ready\":false,\"cause\":\"kubelet status update\"");
  }
  w.Add(60 * kS, -1, "finding",
        R"("finding":"invariant_breach","invariant":"single_writer","at":30000000000,"node":"kcm","message":"two writers")");
  std::string text = w.Finish();
  const std::string type = R"("type":"header")";
  text.replace(text.find(type), type.size(), type + R"(,"cluster":{"workers":50})");
  return text;
}

// CoordinatedTrace: LeaseCandidates of coordinated election. Candidate a (identity a-1)
// creates its LeaseCandidate at 1s (renewTime 00:00:01), the election controller pings it
// at 20s (pingTime 00:00:20), a answers at 21s (renewTime 00:00:21). Candidate b's
// LeaseCandidate b-1 (created at 2s) is pinged at 20s, never answers and is deleted by the
// controller at 50s. The controller writes the Lease (holder a-1) at 3s. Ends at 60s.
inline std::string CoordinatedTrace() {
  TraceHeader h;
  h.scenario = "coordinated";
  h.seed = 2;
  h.duration_ns = 60 * kS;
  h.epoch_wall_ns = 1'767'225'600LL * kS;
  h.lock_kind = "leases";
  h.lock_namespace = "kube-system";
  h.lock_name = "lock";
  h.nodes = {{"a", "a-1", "1.33", 15 * kS, 10 * kS, 2 * kS, false}, {"b", "b-1", "1.34", 15 * kS, 10 * kS, 2 * kS, false}};
  TraceWriter w(h, {{100 * kS, 0, 0}, {200 * kS, 0, 0}});
  auto lc = [](const std::string& name, const std::string& version, const std::string& renew, const std::string& ping,
               int rv) {
    return R"("object":{"apiVersion":"coordination.k8s.io/v1beta1","kind":"LeaseCandidate","metadata":{"name":")" + name +
           R"(","namespace":"kube-system","resourceVersion":")" + std::to_string(rv) +
           R"("},"spec":{"binaryVersion":")" + version + R"(","emulationVersion":")" + version +
           R"(","leaseName":"lock",)" + (ping.empty() ? std::string() : R"("pingTime":"2026-01-01T00:00:)" + ping + R"(.000000Z",)") +
           R"("renewTime":"2026-01-01T00:00:)" + renew + R"(.000000Z","strategy":"OldestEmulationVersion"}})";
  };
  constexpr int64_t kCand = int64_t{1} << 62, kCtl = int64_t{1} << 61;
  auto id = [](int64_t tag, int n) { return std::to_string(tag | n); };
  w.Add(1 * kS, 0, "api_request", R"("id":)" + id(kCand, 1) + R"(,"verb":"create","resource":"leasecandidates","rv":"")");
  w.Add(1 * kS, 0, "api_served", R"("id":)" + id(kCand, 1) + R"(,"verb":"create","code":201,"reason":"OK","rv":"1",)" + lc("a-1", "1.33.0", "01", "", 1));
  w.Add(1 * kS, 0, "coordination_log", R"("level":2,"text":"Created lease candidate")");
  w.Add(2 * kS, 1, "api_request", R"("id":)" + id(kCand, 1) + R"(,"verb":"create","resource":"leasecandidates","rv":"")");
  w.Add(2 * kS, 1, "api_served", R"("id":)" + id(kCand, 1) + R"(,"verb":"create","code":201,"reason":"OK","rv":"2",)" + lc("b-1", "1.34.0", "02", "", 2));
  w.Add(3 * kS, -1, "apiserver_instance", R"("apiserver":"kube-apiserver-0","state":"up","identity":"kube-apiserver-0")");
  w.Add(3 * kS, -1, "controller", R"("apiserver":"kube-apiserver-0","state":"started")");
  w.Add(3 * kS, -1, "api_served", R"("id":)" + id(kCtl, 1) + R"(,"verb":"create","code":201,"reason":"OK","rv":"3","holder":"a-1","object":{"kind":"Lease","apiVersion":"coordination.k8s.io/v1","metadata":{"name":"lock","namespace":"kube-system","resourceVersion":"3"},"spec":{"holderIdentity":"a-1","leaseDurationSeconds":15}})");
  w.Add(20 * kS, -1, "api_served", R"("id":)" + id(kCtl, 2) + R"(,"verb":"update","code":200,"reason":"OK","rv":"4","name":"a-1",)" + lc("a-1", "1.33.0", "01", "20", 4));
  w.Add(20 * kS, -1, "api_served", R"("id":)" + id(kCtl, 3) + R"(,"verb":"update","code":200,"reason":"OK","rv":"5","name":"b-1",)" + lc("b-1", "1.34.0", "02", "20", 5));
  w.Add(21 * kS, 0, "api_request", R"("id":)" + id(kCand, 2) + R"(,"verb":"update","resource":"leasecandidates","rv":"4")");
  w.Add(21 * kS, 0, "api_served", R"("id":)" + id(kCand, 2) + R"(,"verb":"update","code":200,"reason":"OK","rv":"6",)" + lc("a-1", "1.33.0", "21", "20", 6));
  w.Add(50 * kS, -1, "api_served", R"("id":)" + id(kCtl, 4) + R"(,"verb":"delete","code":200,"reason":"OK","rv":"","name":"b-1")");
  w.Add(50 * kS, -1, "coordination_log", R"("apiserver":"kube-apiserver-0","level":0,"text":"deleted expired candidate b-1")");
  return w.Finish();
}

inline std::unique_ptr<Trace> Load(const std::string& text, const char* name) {
  TraceLoad l = LoadTraceText(text, name);
  if (!l.ok()) throw std::runtime_error(l.error);
  return std::move(l.trace);
}

inline std::string SamplePath() {
  return std::string(LEASESIM_SOURCE_DIR) + "/tests/data/traces/split-brain-sample.jsonl";
}

}  // namespace leasesim::viz::testing
