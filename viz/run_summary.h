// run_summary.h — the summary panel: what the run found, from the trace and a report.
//
// From the trace: scenario, seed, duration, candidates, event count and whether the trace
// hash checks out; split-brain and no-leader findings (count, total, longest, first
// cause); Lease holder transitions and writes; API requests per verb and per outcome. If
// a report JSON (`leasesim run --report`) is given, its scalar fields are listed as
// "path: value" lines (its format is not fixed yet, so nothing in it is interpreted).
//
//   viz::ReportLoad r = viz::LoadReportFile("report.json");
//   viz::RunSummary s = viz::Summarize(trace, r.ok() ? &r.report : nullptr);
#pragma once

#include <array>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "viz/trace_model.h"

namespace leasesim::viz {

// FindingStats aggregates findings of one kind.
struct FindingStats {
  int count = 0;
  TimeNs total_ns = 0;
  TimeNs longest_ns = 0;
  std::string first_cause;
};

// RunSummary is the summary panel's contents.
struct RunSummary {
  std::string scenario;
  uint64_t seed = 0;
  TimeNs duration_ns = 0;
  size_t candidates = 0;
  size_t events = 0;
  std::string hash_status;  // "ok 9f3c…", "MISMATCH …", "no footer"
  FindingStats split_brain;
  FindingStats no_leader;
  int invariant_breaches = 0;
  std::string first_breach;  // "lease_transitions at 317.240469348s [b]"
  // Cluster scenarios: workers, and how many were ever Unknown/NotReady, tainted, evicted.
  bool cluster = false;
  int64_t workers = 0;
  size_t workers_not_ready = 0, workers_false_not_ready = 0, workers_tainted = 0, workers_evicted = 0;
  size_t lease_candidates = 0;  // coordinated election
  int holder_transitions = 0;  // holder changes after the first write
  size_t lease_writes = 0;
  std::array<size_t, 4> requests_by_verb{};     // index: ApiVerb
  std::array<size_t, 6> requests_by_outcome{};  // index: ApiOutcome
  std::vector<std::pair<std::string, std::string>> report;  // flattened report scalars
  std::vector<std::string> warnings;
};

// Summarize builds the summary; `report` may be null.
RunSummary Summarize(const Trace& trace, const nlohmann::json* report);

// ReportLoad is a parsed report file or an error naming the file.
struct ReportLoad {
  nlohmann::json report;
  std::string error;
  bool ok() const { return error.empty(); }
};

// LoadReportFile reads a report JSON file.
ReportLoad LoadReportFile(const std::string& path);

// FormatSummary renders the summary as text lines (the panel and `--help`-free CLI use).
std::vector<std::string> FormatSummary(const RunSummary& s);

}  // namespace leasesim::viz
