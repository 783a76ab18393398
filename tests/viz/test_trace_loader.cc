// Tests of viz/trace_loader.h: the leasesim-trace/1 contract (docs/trace-format.md).
#include <catch2/catch.hpp>

#include "fixtures.h"
#include "viz/trace_loader.h"

namespace leasesim::viz {
namespace {

using testing::kMs;
using testing::kS;

TEST_CASE("loader: header, nodes, state intervals and acting", "[viz]") {
  auto tr = testing::LoadTiny();
  CHECK(tr->header.scenario == "tiny");
  CHECK(tr->header.seed == 7);
  CHECK(tr->header.lock_name == "lock");
  REQUIRE(tr->nodes.size() == 2);
  CHECK(tr->end_ns == 10 * kS);
  const NodeTrack& a = tr->nodes[0];
  REQUIRE(a.states.size() == 3);
  CHECK(a.states[1].state == NodeState::kLeading);
  CHECK(a.states[1].start == 1 * kS);
  CHECK(a.states[1].end == 5 * kS);
  CHECK(a.states[2].end == 10 * kS);  // the last interval runs to the end of the trace
  REQUIRE(a.acting.size() == 1);
  CHECK(a.acting[0].start == 1050 * kMs);
  CHECK(a.acting[0].end == 5500 * kMs);
  CHECK(tr->nodes[1].acting[0].end == 10 * kS);  // still acting at the end
  CHECK(tr->warnings.empty());
}

TEST_CASE("loader: API calls are matched by id, also for api_served without a node", "[viz]") {
  auto tr = testing::LoadTiny();
  const NodeTrack& a = tr->nodes[0];
  REQUIRE(a.api.size() == 2);
  CHECK(a.api[0].verb == ApiVerb::kCreate);
  CHECK(a.api[0].served == 950 * kMs);
  CHECK(a.api[0].served_code == 201);
  CHECK(a.api[0].outcome == ApiOutcome::kOk);
  CHECK(a.api[1].verb == ApiVerb::kUpdate);
  CHECK(a.api[1].served == -1);
  CHECK(a.api[1].outcome == ApiOutcome::kCancelled);
  CHECK(a.api[1].answered == 5 * kS);
}

TEST_CASE("loader: Lease writes give holder intervals with resourceVersions", "[viz]") {
  auto tr = testing::LoadTiny();
  REQUIRE(tr->lease_writes.size() == 2);
  CHECK(tr->lease_writes[0].resource_version == "1");
  CHECK(tr->lease_writes[1].resource_version == "2");
  CHECK(tr->lease_writes[1].holder_changed);
  REQUIRE(tr->holder_intervals.size() == 2);
  CHECK(tr->holders[tr->holder_intervals[0].holder] == "a");
  CHECK(tr->holder_intervals[0].end == 3950 * kMs);
  CHECK(tr->holders[tr->holder_intervals[1].holder] == "b");
  CHECK(tr->HolderNode(tr->holder_intervals[1].holder) == 1);
}

TEST_CASE("loader: faults, findings and clock samples", "[viz]") {
  auto tr = testing::LoadTiny();
  REQUIRE(tr->fault_lanes.size() == 1);
  CHECK(tr->fault_lanes[0] == "partition a");
  REQUIRE(tr->faults.size() == 1);
  CHECK(tr->faults[0].start == 3 * kS);
  CHECK(tr->faults[0].end == 6 * kS);
  REQUIRE(tr->findings.size() == 1);
  CHECK(tr->findings[0].kind == FindingKind::kSplitBrain);
  CHECK(tr->findings[0].start == 4050 * kMs);
  CHECK(tr->findings[0].nodes == std::vector<std::string>{"a", "b"});
  // b's clock: +2s offset and +500000 ppm, so at true 4s its wall is ahead by 2s + 2s.
  const NodeTrack& b = tr->nodes[1];
  REQUIRE(!b.clock.empty());
  const ClockSample& s = b.clock.back();
  CHECK(s.offset_ns == 2 * kS + s.t / 2);
  CHECK(b.offset_max_ns == s.offset_ns);
}

TEST_CASE("loader: the footer hash matches the last event's running hash and a cut trace does not", "[viz]") {
  // The writer's hash covers event fields (docs/trace-format.md), so the viewer checks the
  // footer against the running hash `h` of the last event line: a trace that lost lines at
  // its end, or whose footer was altered, shows as a mismatch.
  std::string text = testing::TinyTrace();
  auto ok = LoadTraceText(text, "t.jsonl");
  REQUIRE(ok.ok());
  CHECK(ok.trace->footer.present);
  CHECK(ok.trace->footer.hash_matches());
  SECTION("the last event line is gone") {
    const size_t footer = text.rfind("{\"type\":\"footer\"");
    const size_t last = text.rfind('\n', footer - 2) + 1;
    text.erase(last, footer - last);
    auto cut = LoadTraceText(text, "t.jsonl");
    REQUIRE(cut.ok());
    CHECK_FALSE(cut.trace->footer.hash_matches());
    bool warned = false;
    for (const auto& w : cut.trace->warnings) warned |= w.find("does not match") != std::string::npos;
    CHECK(warned);
  }
  SECTION("the footer's hash was altered") {
    const size_t p = text.find("\"trace_hash\":\"");
    REQUIRE(p != std::string::npos);
    text[p + 14] = text[p + 14] == '0' ? '1' : '0';
    auto changed = LoadTraceText(text, "t.jsonl");
    REQUIRE(changed.ok());
    CHECK_FALSE(changed.trace->footer.hash_matches());
    REQUIRE(changed.trace->warnings.size() == 1);
    CHECK_THAT(changed.trace->warnings[0], Catch::Contains("does not match"));
  }
}

TEST_CASE("loader: bad input names the file, the line, the JSON path and the problem", "[viz]") {
  const std::string header = testing::TinyTrace().substr(0, testing::TinyTrace().find('\n') + 1);
  SECTION("missing t") {
    auto l = LoadTraceText(header + R"({"seq":0,"ev":"state","node":"a","state":"leading"})" "\n", "bad.jsonl");
    REQUIRE_FALSE(l.ok());
    CHECK(l.error == "bad.jsonl:2: $.t: missing or not an integer");
  }
  SECTION("broken JSON") {
    auto l = LoadTraceText(header + R"({"seq":0,"t":1,"ev":)" "\n", "bad.jsonl");
    REQUIRE_FALSE(l.ok());
    CHECK_THAT(l.error, Catch::StartsWith("bad.jsonl:2: $: JSON parse error"));
  }
  SECTION("wrong format") {
    auto l = LoadTraceText(R"({"type":"header","format":"leasesim-trace/9"})" "\n", "bad.jsonl");
    REQUIRE_FALSE(l.ok());
    CHECK(l.error == "bad.jsonl:1: $.format: expected \"leasesim-trace/1\", got \"leasesim-trace/9\"");
  }
  SECTION("state without a node") {
    auto l = LoadTraceText(header + R"({"seq":0,"t":1,"ev":"state","state":"leading"})" "\n", "bad.jsonl");
    REQUIRE_FALSE(l.ok());
    CHECK(l.error == "bad.jsonl:2: $.node: a \"state\" event needs a node");
  }
  SECTION("empty file") {
    auto l = LoadTraceText("", "empty.jsonl");
    REQUIRE_FALSE(l.ok());
    CHECK_THAT(l.error, Catch::StartsWith("empty.jsonl:1: $: empty file"));
  }
  SECTION("missing file") {
    auto l = LoadTraceFile("/nonexistent/trace.jsonl");
    REQUIRE_FALSE(l.ok());
    CHECK_THAT(l.error, Catch::StartsWith("/nonexistent/trace.jsonl: cannot open"));
  }
}

TEST_CASE("loader: unknown kinds and fields are kept and warned about, not fatal", "[viz]") {
  const std::string tiny = testing::TinyTrace();
  const std::string header = tiny.substr(0, tiny.find('\n') + 1);
  auto l = LoadTraceText(header + R"({"seq":0,"t":1,"ev":"watch_event","node":"a","mono":1,"wall":2,"extra":{"x":[1,2]}})" "\n" +
                             R"({"seq":1,"t":2,"ev":"state","node":"z","mono":1,"wall":2,"state":"hibernating","new":true})" "\n",
                         "new.jsonl");
  REQUIRE(l.ok());
  CHECK(l.trace->events.size() == 2);
  CHECK(l.trace->events[0].kind == EventKind::kUnknown);
  CHECK(l.trace->NodeIndex("z") == 2);  // a node first seen in events is added
  CHECK(l.trace->nodes[2].states[0].state == NodeState::kUnknown);
  bool warned_kind = false, warned_footer = false;
  for (const auto& w : l.trace->warnings) {
    warned_kind |= w.find("watch_event") != std::string::npos;
    warned_footer |= w.find("no footer") != std::string::npos;
  }
  CHECK(warned_kind);
  CHECK(warned_footer);
}

}  // namespace
}  // namespace leasesim::viz

namespace leasesim::viz {
namespace {

std::string Header() { return testing::TinyTrace().substr(0, testing::TinyTrace().find('\n') + 1); }

std::string LoadErrorBoth(const std::string& text) {
  auto lean = LoadTraceText(text, "bad.jsonl");
  auto sax = LoadTraceText(text, "bad.jsonl", {.lean_scan = false});
  REQUIRE_FALSE(lean.ok());
  REQUIRE_FALSE(sax.ok());
  CHECK(lean.error == sax.error);
  CHECK(lean.error.find('\n') == std::string::npos);
  return lean.error;
}

TEST_CASE("issue15 item 18: a header whose type or format is not a string is bad input, not an uncaught type_error",
          "[viz]") {
  CHECK(LoadErrorBoth(R"({"type":1})" "\n") == "bad.jsonl:1: $.type: expected a string, got number");
  CHECK(LoadErrorBoth(R"({"type":"header","format":[1]})" "\n") == "bad.jsonl:1: $.format: expected a string, got array");
  CHECK(LoadErrorBoth(R"({"type":"header","format":"leasesim-trace/1","lock":{"kind":7}})" "\n") ==
        "bad.jsonl:1: $.lock.kind: expected a string, got number");
}

TEST_CASE("issue15 item 18: out-of-range numbers in a trace are bad input, never cast", "[viz]") {
  const std::string base = R"({"type":"header","format":"leasesim-trace/1")";
  CHECK(LoadErrorBoth(base + R"(,"seed":1e20})" "\n") == "bad.jsonl:1: $.seed: expected an integer in [0, 2^64-1], got 1e+20");
  CHECK(LoadErrorBoth(base + R"(,"duration_ns":1e19})" "\n") ==
        "bad.jsonl:1: $.duration_ns: expected an integer in int64 range, got 1e+19");
  CHECK(LoadErrorBoth(base + R"(,"nodes":[{"node":"a","lease_duration_ns":1e20}]})" "\n") ==
        "bad.jsonl:1: $.nodes[0].lease_duration_ns: expected an integer in int64 range, got 1e+20");
  CHECK(LoadErrorBoth(Header() + R"({"seq":0,"t":1e19,"ev":"state","node":"a","state":"leading"})" "\n") ==
        "bad.jsonl:2: $.t: expected an integer, got 1e+19");
  CHECK(LoadErrorBoth(Header() + R"({"seq":0,"t":18446744073709551615,"ev":"state","node":"a","state":"leading"})" "\n") ==
        "bad.jsonl:2: $.t: 18446744073709551615 is out of range");
  CHECK(LoadErrorBoth(Header() + R"({"seq":0,"t":4611686018427387905,"ev":"state","node":"a","state":"leading"})" "\n") ==
        "bad.jsonl:2: $.t: 4611686018427387905 is out of range (|ns| <= 2^62)");
}

TEST_CASE("issue15 item 18: epoch_wall_ns at the int64 limit with a negative wall reading does not overflow", "[viz]") {
  const std::string base = R"({"type":"header","format":"leasesim-trace/1","nodes":[{"node":"a"}])";
  CHECK(LoadErrorBoth(base + R"(,"epoch_wall_ns":9223372036854775807})" "\n") ==
        "bad.jsonl:1: $.epoch_wall_ns: 9223372036854775807 is out of range (|ns| <= 2^62)");
  // At the bound, wall - epoch_wall - t needs 65 bits: clamped, not wrapped.
  auto l = LoadTraceText(base + R"(,"epoch_wall_ns":4611686018427387904})" "\n" +
                             R"({"seq":0,"t":0,"ev":"state","node":"a","state":"leading","mono":0,"wall":-4611686018427387904})" "\n",
                         "edge.jsonl");
  REQUIRE(l.ok());
  REQUIRE(l.trace->nodes.size() == 1);
  REQUIRE(l.trace->nodes[0].clock.size() == 1);
  CHECK(l.trace->nodes[0].clock[0].offset_ns == -(int64_t{1} << 62));
}

TEST_CASE("issue15 item 11: a directory as the trace is named, not read", "[viz]") {
  auto l = LoadTraceFile("/tmp");
  REQUIRE_FALSE(l.ok());
  CHECK(l.error == "/tmp: is a directory");
  auto n = LoadTraceFile("/dev/null");
  REQUIRE_FALSE(n.ok());
  CHECK(n.error == "/dev/null: is not a regular file");
}

}  // namespace
}  // namespace leasesim::viz
