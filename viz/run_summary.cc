// run_summary.cc — the summary panel's contents (see run_summary.h).
#include "viz/run_summary.h"

#include <sys/stat.h>

#include <algorithm>

#include <fstream>

#include <fmt/format.h>

#include "viz/time_format.h"

namespace leasesim::viz {
namespace {

void Flatten(const nlohmann::json& v, const std::string& path,
             std::vector<std::pair<std::string, std::string>>& out) {
  if (out.size() >= 200) return;  // a panel, not a dump
  if (v.is_object()) {
    for (auto it = v.begin(); it != v.end(); ++it) {
      Flatten(it.value(), path.empty() ? it.key() : path + "." + it.key(), out);
    }
  } else if (v.is_array()) {
    for (size_t i = 0; i < v.size(); ++i) Flatten(v[i], fmt::format("{}[{}]", path, i), out);
  } else {
    out.emplace_back(path, v.is_string() ? v.get<std::string>() : v.dump());
  }
}

void Add(FindingStats& s, const Finding& f) {
  ++s.count;
  const TimeNs d = f.end - f.start;
  s.total_ns += d;
  s.longest_ns = std::max(s.longest_ns, d);
  if (s.first_cause.empty()) s.first_cause = f.cause;
}

}  // namespace

RunSummary Summarize(const Trace& trace, const nlohmann::json* report) {
  RunSummary s;
  s.scenario = trace.header.scenario;
  s.seed = trace.header.seed;
  s.duration_ns = trace.end_ns;
  s.candidates = trace.nodes.size();
  s.events = trace.events.size();
  if (!trace.footer.present) {
    s.hash_status = "no footer (trace incomplete?)";
  } else if (trace.footer.hash_matches()) {
    s.hash_status = "ok " + trace.footer.trace_hash;
  } else {
    s.hash_status = fmt::format("MISMATCH: footer {} != recomputed {}", trace.footer.trace_hash,
                                trace.footer.computed_hash);
  }
  for (const Finding& f : trace.findings) {
    if (f.kind == FindingKind::kSplitBrain) Add(s.split_brain, f);
    if (f.kind == FindingKind::kNoLeader) Add(s.no_leader, f);
    if (f.kind == FindingKind::kInvariantBreach && s.invariant_breaches++ == 0) {
      s.first_breach = fmt::format("{} at {}{}", f.cause, FormatTrueTime(f.start),
                                   f.nodes.empty() ? "" : " [" + f.nodes.front() + "]");
    }
  }
  if (trace.cluster.present) {
    s.cluster = true;
    s.workers = trace.cluster.workers;
    for (const WorkerTrack& w : trace.cluster.tracks) {
      s.workers_not_ready += std::any_of(w.ready.begin(), w.ready.end(),
                                         [](const WorkerInterval& r) { return r.status != ReadyStatus::kTrue; });
      s.workers_false_not_ready += w.false_not_ready;
      s.workers_tainted += !w.tainted.empty();
      s.workers_evicted += w.evicted >= 0;
    }
  }
  s.lease_candidates = trace.lease_candidates.size();
  s.lease_writes = trace.lease_writes.size();
  s.holder_transitions = trace.holder_intervals.empty() ? 0 : static_cast<int>(trace.holder_intervals.size()) - 1;
  for (const NodeTrack& n : trace.nodes) {
    for (const ApiCall& c : n.api) {
      ++s.requests_by_verb[static_cast<int>(c.verb)];
      ++s.requests_by_outcome[static_cast<int>(c.outcome)];
    }
  }
  if (report) Flatten(*report, "", s.report);
  s.warnings = trace.warnings;
  return s;
}

ReportLoad LoadReportFile(const std::string& path) {
  ReportLoad r;
  // stat before open: a FIFO would block the open, as in LoadTraceFile.
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    r.error = fmt::format("{}: {}", path, S_ISDIR(st.st_mode) ? "is a directory" : "is not a regular file");
    return r;
  }
  std::ifstream in(path);
  if (!in) {
    r.error = fmt::format("{}: cannot open the report file", path);
    return r;
  }
  r.report = nlohmann::json::parse(in, nullptr, false);
  if (r.report.is_discarded()) r.error = fmt::format("{}: $: not valid JSON", path);
  return r;
}

std::vector<std::string> FormatSummary(const RunSummary& s) {
  std::vector<std::string> l;
  l.push_back(fmt::format("scenario {}  seed {}", s.scenario, s.seed));
  l.push_back(fmt::format("duration {}  candidates {}  events {}", FormatDuration(s.duration_ns),
                          s.candidates, s.events));
  l.push_back("trace hash " + s.hash_status);
  l.push_back(fmt::format("split-brain: {} x, total {}, longest {}", s.split_brain.count,
                          FormatDuration(s.split_brain.total_ns), FormatDuration(s.split_brain.longest_ns)));
  if (!s.split_brain.first_cause.empty()) l.push_back("  cause: " + s.split_brain.first_cause);
  l.push_back(fmt::format("no leader: {} x, total {}, longest {}", s.no_leader.count,
                          FormatDuration(s.no_leader.total_ns), FormatDuration(s.no_leader.longest_ns)));
  if (s.invariant_breaches > 0) {
    l.push_back(fmt::format("invariant breaches: {} x, first {}", s.invariant_breaches, s.first_breach));
  }
  l.push_back(fmt::format("holder transitions {}  lease writes {}", s.holder_transitions, s.lease_writes));
  if (s.lease_candidates > 0) l.push_back(fmt::format("LeaseCandidates: {}", s.lease_candidates));
  if (s.cluster) {
    l.push_back(fmt::format("nodes: {}, ever Unknown/NotReady {} (false {}), tainted {}, evicted {}", s.workers,
                            s.workers_not_ready, s.workers_false_not_ready, s.workers_tainted, s.workers_evicted));
  }
  l.push_back(fmt::format("requests: get {}  create {}  update {}  other {}", s.requests_by_verb[0],
                          s.requests_by_verb[1], s.requests_by_verb[2], s.requests_by_verb[3]));
  l.push_back(fmt::format("outcomes: ok {}  conflict {}  error {}  timeout {}  cancelled {}  pending {}",
                          s.requests_by_outcome[0], s.requests_by_outcome[1], s.requests_by_outcome[2],
                          s.requests_by_outcome[3], s.requests_by_outcome[4], s.requests_by_outcome[5]));
  for (const std::string& w : s.warnings) l.push_back("warning: " + w);
  if (!s.report.empty()) {
    l.push_back("report:");
    for (const auto& [k, v] : s.report) l.push_back("  " + k + ": " + v);
  }
  return l;
}

}  // namespace leasesim::viz
