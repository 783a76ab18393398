// The loader's lean scanner must read exactly what the SAX path reads (trace_loader.h):
// both paths on the same traces, compared field by field.
#include <catch2/catch.hpp>

#include "fixtures.h"
#include "viz/synthetic_trace.h"
#include "viz/trace_loader.h"

namespace leasesim::viz {
namespace {

void CheckSame(const Trace& a, const Trace& b) {
  REQUIRE(a.events.size() == b.events.size());
  for (size_t i = 0; i < a.events.size(); ++i) {
    const EventRef &x = a.events[i], &y = b.events[i];
    CAPTURE(i);
    REQUIRE((x.t == y.t && x.seq == y.seq && x.node == y.node && x.kind == y.kind &&
             x.offset == y.offset && x.length == y.length));
  }
  REQUIRE(a.nodes.size() == b.nodes.size());
  for (size_t n = 0; n < a.nodes.size(); ++n) {
    const NodeTrack &x = a.nodes[n], &y = b.nodes[n];
    REQUIRE(x.states.size() == y.states.size());
    for (size_t i = 0; i < x.states.size(); ++i) {
      REQUIRE((x.states[i].start == y.states[i].start && x.states[i].end == y.states[i].end &&
               x.states[i].state == y.states[i].state));
    }
    REQUIRE(x.acting.size() == y.acting.size());
    REQUIRE(x.api.size() == y.api.size());
    for (size_t i = 0; i < x.api.size(); ++i) {
      const ApiCall &c = x.api[i], &d = y.api[i];
      REQUIRE((c.sent == d.sent && c.served == d.served && c.answered == d.answered && c.id == d.id &&
               c.verb == d.verb && c.outcome == d.outcome && c.code == d.code && c.served_code == d.served_code));
    }
    REQUIRE(x.clock.size() == y.clock.size());
    REQUIRE(x.clock_changes.size() == y.clock_changes.size());
    REQUIRE(x.observed.size() == y.observed.size());
    for (size_t i = 0; i < x.observed.size(); ++i) REQUIRE(x.observed[i].holder == y.observed[i].holder);
  }
  REQUIRE(a.holders == b.holders);
  REQUIRE(a.lease_writes.size() == b.lease_writes.size());
  for (size_t i = 0; i < a.lease_writes.size(); ++i) {
    REQUIRE(a.lease_writes[i].holder == b.lease_writes[i].holder);
    REQUIRE(a.lease_writes[i].resource_version == b.lease_writes[i].resource_version);
  }
  REQUIRE(a.holder_intervals.size() == b.holder_intervals.size());
  REQUIRE(a.fault_lanes == b.fault_lanes);
  REQUIRE(a.faults.size() == b.faults.size());
  REQUIRE(a.findings.size() == b.findings.size());
  for (size_t i = 0; i < a.findings.size(); ++i) {
    REQUIRE(a.findings[i].nodes == b.findings[i].nodes);
    REQUIRE(a.findings[i].cause == b.findings[i].cause);
  }
  REQUIRE(a.cluster.present == b.cluster.present);
  REQUIRE(a.cluster.workers == b.cluster.workers);
  REQUIRE(a.cluster.tracks.size() == b.cluster.tracks.size());
  for (size_t i = 0; i < a.cluster.tracks.size(); ++i) {
    const WorkerTrack &x = a.cluster.tracks[i], &y = b.cluster.tracks[i];
    REQUIRE((x.name == y.name && x.ready.size() == y.ready.size() && x.tainted.size() == y.tainted.size() &&
             x.kubelet_down.size() == y.kubelet_down.size() && x.evicted == y.evicted &&
             x.false_not_ready == y.false_not_ready && x.first_change == y.first_change));
  }
  REQUIRE(a.cluster.counts.size() == b.cluster.counts.size());
  REQUIRE(a.lease_candidates.size() == b.lease_candidates.size());
  for (size_t i = 0; i < a.lease_candidates.size(); ++i) {
    REQUIRE(a.lease_candidates[i].name == b.lease_candidates[i].name);
    REQUIRE(a.lease_candidates[i].objects.size() == b.lease_candidates[i].objects.size());
  }
  REQUIRE(a.apiservers.size() == b.apiservers.size());
  for (size_t i = 0; i < a.apiservers.size(); ++i) {
    REQUIRE(a.apiservers[i].name == b.apiservers[i].name);
    REQUIRE(a.apiservers[i].up.size() == b.apiservers[i].up.size());
    REQUIRE(a.apiservers[i].controller.size() == b.apiservers[i].controller.size());
  }
  REQUIRE(a.footer.computed_hash == b.footer.computed_hash);
  REQUIRE(a.footer.trace_hash == b.footer.trace_hash);
  REQUIRE(a.warnings == b.warnings);
}

TEST_CASE("loader paths: lean scan and SAX agree", "[viz]") {
  const std::string text = GENERATE(as<std::string>{}, "tiny", "sample", "large", "escapes", "cluster", "coordinated");
  CAPTURE(text);
  std::string trace;
  if (text == "tiny") trace = testing::TinyTrace();
  if (text == "sample") trace = SplitBrainSampleTrace();
  if (text == "cluster") trace = testing::ClusterTrace();
  if (text == "coordinated") trace = testing::CoordinatedTrace();
  if (text == "large") trace = LargeTrace({.nodes = 4, .events = 30'000, .seed = 5});
  if (text == "escapes") {
    // Escaped and unusual values: a holder with a quote (SAX path), floats, nested params,
    // whitespace, a \u escape in a skipped field, a lease whose holder is null.
    trace = testing::TinyTrace();
    trace = trace.substr(0, trace.rfind("{\"type\":\"footer\""));
    trace += R"({"seq":100,"t":11000000000,"ev":"observed","node":"a","mono":1,"wall":2,"holder":"q\"x","record":"{\"a\":\"\u00e9\"}"})" "\n";
    trace += R"( { "seq" : 101 , "t" : 11000000001 , "ev" : "log" , "node" : "b", "mono":1,"wall":2, "level":"info", "text":"a \\ b \" c" } )" "\n";
    trace += R"({"seq":102,"t":11000000002,"ev":"metric","node":"b","mono":1,"wall":2,"name":"x","value":1.5e3})" "\n";
    trace += R"({"seq":103,"t":11000000003,"ev":"fault","fault":"latency","phase":"at","nodes":["a","b"],"params":{"mean":"10ms","p":[0.1,{"x":null}]}})" "\n";
    trace += R"({"seq":104,"t":11000000004,"ev":"api_served","id":8,"verb":"update","code":200,"reason":"OK","rv":"3","lease":{"metadata":{"resourceVersion":"3","annotations":{"holderIdentity":"no"}},"spec":{"holderIdentity":null}}})" "\n";
    trace += R"({"seq":105,"t":11000000005,"ev":"clock","node":"a","mono":1,"wall":2,"offset_ns":-5,"drift_ppm":-100})" "\n";
  }
  TraceLoad lean = LoadTraceText(trace, "t.jsonl", {.lean_scan = true});
  TraceLoad sax = LoadTraceText(trace, "t.jsonl", {.lean_scan = false});
  REQUIRE(lean.ok());
  REQUIRE(sax.ok());
  CheckSame(*lean.trace, *sax.trace);
  if (text == "cluster") CHECK(lean.trace->cluster.tracks.size() == 12);
  if (text == "coordinated") CHECK(lean.trace->lease_candidates.size() == 2);
  if (text == "coordinated") CHECK(lean.trace->apiservers.size() == 1);
  if (text == "escapes") {
    CHECK(lean.trace->nodes[0].observed.back().holder == "q\"x");
    CHECK(lean.trace->lease_writes.back().holder == -1);  // null holder: released
    CHECK(lean.trace->nodes[0].clock_changes.back().drift_ppm == -100);
  }
}

TEST_CASE("loader paths: malformed lines fail the same way on both paths", "[viz]") {
  const std::string tiny = testing::TinyTrace();
  const std::string header = tiny.substr(0, tiny.find('\n') + 1);
  const std::string bad = GENERATE(as<std::string>{}, R"({"seq":0,"t":1,"ev":"log",})", R"({"seq":0,"t":1 "ev":"log"})",
                                   R"({"seq":0,"t":1,"ev":"log"} x)", R"({"seq":0,"t":1,"ev":"log","text":"unterminated})");
  CAPTURE(bad);
  TraceLoad lean = LoadTraceText(header + bad + "\n", "bad.jsonl", {.lean_scan = true});
  TraceLoad sax = LoadTraceText(header + bad + "\n", "bad.jsonl", {.lean_scan = false});
  REQUIRE_FALSE(lean.ok());
  CHECK(lean.error == sax.error);
  CHECK_THAT(lean.error, Catch::StartsWith("bad.jsonl:2: $: JSON parse error"));
}

}  // namespace
}  // namespace leasesim::viz
