// Tests of the committed sample trace (tests/data/traces/split-brain-sample.jsonl) and of
// the synthetic generator that writes it. Regenerate the sample after changing the
// generator with: LEASESIM_REWRITE=1 ./test_viz "[sample]"  (etcd-io/raft's rewrite flag).
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "fixtures.h"
#include "viz/synthetic_trace.h"
#include "viz/trace_loader.h"

namespace leasesim::viz {
namespace {

using testing::kS;

TEST_CASE("sample: the committed file is what the generator writes", "[viz][sample]") {
  const std::string expected = SplitBrainSampleTrace();
  if (const char* rw = std::getenv("LEASESIM_REWRITE"); rw && std::string(rw) == "1") {
    std::ofstream(testing::SamplePath(), std::ios::binary) << expected;
  }
  std::ifstream in(testing::SamplePath(), std::ios::binary);
  REQUIRE(in);
  std::stringstream ss;
  ss << in.rdbuf();
  CHECK(ss.str() == expected);
}

TEST_CASE("sample: the generator is deterministic", "[viz][sample]") {
  CHECK(SplitBrainSampleTrace() == SplitBrainSampleTrace());
  LargeTraceOptions o;
  o.events = 5000;
  CHECK(LargeTrace(o) == LargeTrace(o));
  o.seed = 2;
  CHECK(LargeTrace(o) != LargeTrace(LargeTraceOptions{.nodes = 5, .events = 5000, .seed = 1}));
}

TEST_CASE("large trace: node-1's clock runs 1.4x over the whole (long) run", "[viz][sample]") {
  TraceLoad l = LoadTraceText(LargeTrace({.nodes = 2, .events = 150'000, .seed = 4}), "large");
  REQUIRE(l.ok());
  const Trace& tr = *l.trace;
  REQUIRE(tr.end_ns > 7 * 3600 * kS);  // past 6.4 h, where t * 400000 overflows 64 bits
  const NodeTrack& n1 = tr.nodes[tr.NodeIndex("node-1")];
  const ClockSample& first = n1.clock.front();
  const ClockSample& last = n1.clock.back();
  // 1.4x: mono = boot + t + floor(t * 400000 / 1e6), exactly (128-bit product).
  auto ahead = [](int64_t t) { return static_cast<int64_t>(static_cast<__int128>(t) * 400'000 / 1'000'000); };
  CHECK(last.mono_ns - first.mono_ns == (last.t - first.t) + ahead(last.t) - ahead(first.t));
  CHECK(last.offset_ns > first.offset_ns);
  CHECK(n1.offset_max_ns == last.offset_ns);
  CHECK(n1.offset_min_ns >= 0);
}

TEST_CASE("sample: b's fast clock makes a split-brain of a few seconds while a still leads", "[viz][sample]") {
  TraceLoad l = LoadTraceFile(testing::SamplePath());
  REQUIRE(l.ok());
  const Trace& tr = *l.trace;
  CHECK(tr.footer.hash_matches());
  CHECK(tr.warnings.empty());
  REQUIRE(tr.nodes.size() == 3);
  const int a = tr.NodeIndex("a"), b = tr.NodeIndex("b");
  // b's clock runs at twice the true rate: its mono advances 2 s per true second.
  const ClockSample& first = tr.nodes[b].clock.front();
  const ClockSample& last = tr.nodes[b].clock.back();
  CHECK(last.mono_ns - first.mono_ns == 2 * (last.t - first.t));
  // Exactly one split-brain, between a and b, a few seconds long, after the partition.
  int splits = 0;
  for (const Finding& f : tr.findings) {
    if (f.kind != FindingKind::kSplitBrain) continue;
    ++splits;
    CHECK(f.nodes == std::vector<std::string>{"a", "b"});
    CHECK(f.start > 30 * kS);
    CHECK(f.end - f.start > 2 * kS);
    CHECK(f.end - f.start < 6 * kS);
    // Both believe they lead at the start of the split-brain.
    CHECK(StateAt(tr.nodes[a], f.start) == NodeState::kLeading);
    CHECK(StateAt(tr.nodes[b], f.start) == NodeState::kLeading);
  }
  CHECK(splits == 1);
  // The Lease moved from a to b exactly once.
  REQUIRE(tr.holder_intervals.size() == 2);
  CHECK(tr.holders[tr.holder_intervals[0].holder] == "a");
  CHECK(tr.holders[tr.holder_intervals[1].holder] == "b");
}

}  // namespace
}  // namespace leasesim::viz
