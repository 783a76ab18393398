// synthetic_trace.h — writes realistic `leasesim-trace/1` traces without the simulator.
//
// The viewer is built in parallel with the simulator, so its tests, its benchmark and the
// committed sample (tests/data/traces/split-brain-sample.jsonl) come from here. The
// traces follow docs/trace-format.md line for line (seq, true time, per-node mono/wall
// readings derived from a drifting clock, Lease objects in Kubernetes JSON, raw records
// as client-go marshals them, findings, a footer with the FNV-1a trace hash) and the
// timing follows client-go: renew every RetryPeriod, followers poll with JitterUntil
// (factor 1.2), expiry on the follower's own monotonic clock, a RenewDeadline on the
// leader's renew loop, client timeout max(1s, RenewDeadline/2).
//
//   std::string text = viz::SplitBrainSampleTrace();
//   viz::TraceLoad load = viz::LoadTraceText(text, "sample");
//
// Randomness (poll jitter, latencies) comes only from core::Prng named streams.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "viz/time_format.h"
#include "viz/trace_model.h"

namespace leasesim::viz {

// SyntheticClock is one node's clock in a synthetic trace: local readings are derived from
// true time t as mono = boot_mono_ns + t + t*drift_ppm/1e6 and
// wall = epoch + offset_ns + t + t*drift_ppm/1e6 (a clock that runs fast by drift_ppm).
struct SyntheticClock {
  int64_t boot_mono_ns = 0;
  int64_t offset_ns = 0;
  int64_t drift_ppm = 0;
};

// TraceWriter collects events in any order and renders a trace sorted by true time
// (stable: equal times keep the order they were added in), numbering `seq` afterwards.
class TraceWriter {
 public:
  // `header` gives scenario, seed, duration, epoch, lock and nodes; `clocks` one per node.
  TraceWriter(TraceHeader header, std::vector<SyntheticClock> clocks);

  int64_t Mono(int node, TimeNs t) const;
  int64_t Wall(int node, TimeNs t) const;

  // Add queues an event of kind `ev` at true time t; node -1 for none. `fields` is the
  // rest of the JSON object without braces, e.g. R"("state":"leading")" (may be empty).
  void Add(TimeNs t, int node, std::string_view ev, std::string fields);

  // Finish renders header, events and footer (with the trace hash) as JSON Lines.
  std::string Finish() const;

  size_t size() const { return pending_.size(); }
  TraceHeader& header() { return header_; }

 private:
  struct Pending {
    TimeNs t;
    int node;
    std::string ev;
    std::string fields;
  };
  TraceHeader header_;
  std::vector<SyntheticClock> clocks_;
  std::vector<Pending> pending_;
};

// SplitBrainSampleTrace is the committed sample: 3 candidates a, b, c (LeaseDuration 15s,
// RenewDeadline 10s, RetryPeriod 2s); b's clock runs at twice the true rate (+1000000 ppm); a is
// partitioned from the API server at 30s, b's lease expires early by its fast clock and it
// takes over at ~37s while a still believes it leads until its RenewDeadline (~40s) and
// acts until ~40.8s: a split-brain of a few seconds. a restarts at 45s, the partition
// heals at 60s, the trace ends at 90s.
std::string SplitBrainSampleTrace();

// LargeTraceOptions shapes LargeTrace.
struct LargeTraceOptions {
  int nodes = 5;
  uint64_t events = 1'000'000;  // at least this many event lines
  uint64_t seed = 1;
};

// LargeTrace is a long synthetic run for benchmarks: leaders renew, followers poll, the
// leader crashes every few minutes and another candidate takes over after the lease
// expires, with occasional pauses that make split-brains.
std::string LargeTrace(const LargeTraceOptions& options);

}  // namespace leasesim::viz
