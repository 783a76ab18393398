// report.cc — report JSON and summary text.
#include "sim/report.h"

#include <fmt/format.h>

#include "sim/go_duration.h"

namespace leasesim::sim {
namespace {

using nlohmann::json;

double S(Duration d) { return std::chrono::duration<double>(d).count(); }
double S(const OracleResults& r, TrueTime t) { return S(t - r.start); }

json Pairs(const OracleResults& r, const std::vector<Interval>& v) {
  json out = json::array();
  for (const Interval& i : v) out.push_back(json::array({S(r, i.start), S(r, i.end)}));
  return out;
}

// D prints a duration rounded to milliseconds in Go form ("17.2s").
std::string D(Duration d) { return FormatGoDuration(std::chrono::round<std::chrono::milliseconds>(d)); }
std::string At(const OracleResults& r, TrueTime t) { return D(t - r.start); }

// ApiText is the summary's API line: per verb, the requests and how they ended, so that
// the figures add up ("get 300 = 200:298 + no-response:2"); code 0 is named.
std::string ApiText(const ApiAccounting& api, double per_second) {
  std::string out = fmt::format("api: {} requests ({:.3f}/s)", api.TotalRequests(), per_second);
  if (api.requests.empty()) return out + "; none";
  bool any_lost = false;
  const char* sep = ": ";
  for (const auto& [verb, n] : api.requests) {
    std::vector<std::string> parts;
    if (auto it = api.outcomes.find(verb); it != api.outcomes.end()) {
      for (const auto& [code, k] : it->second) {
        if (code == 0) continue;  // listed last, by name
        parts.push_back(fmt::format("{}:{}", code, k));
      }
      if (auto z = it->second.find(0); z != it->second.end()) {
        parts.push_back(fmt::format("no-response:{}", z->second));
        any_lost = true;
      }
    }
    if (auto u = api.unanswered.find(verb); u != api.unanswered.end() && u->second > 0) {
      parts.push_back(fmt::format("unanswered:{}", u->second));
    }
    out += fmt::format("{}{} {}{}", sep, verb, n, parts.empty() ? "" : fmt::format(" = {}", fmt::join(parts, " + ")));
    sep = ", ";
  }
  if (any_lost) out += " (no-response: code 0, the client timed out or cancelled)";
  return out;
}

const FaultSpec* FaultByIndex(const Scenario& s, int index) {
  return index >= 0 && index < static_cast<int>(s.faults.size()) ? &s.faults[index] : nullptr;
}

}  // namespace

json BuildReport(const Scenario& s, const OracleResults& r, const std::vector<ExpectationResult>& expect,
                 const RunStats& stats, const std::vector<InvariantBreach>& breaches) {
  json j;
  j["scenario"] = s.name;
  j["scenarioFile"] = s.file;
  j["seed"] = stats.seed;
  j["clientGo"] = s.client_go;
  j["simDurationSeconds"] = S(r.end - r.start);
  j["events"] = stats.events;
  j["wallSeconds"] = stats.wall_s;
  j["traceHash"] = stats.trace_hash;

  json leaders = json::object();
  for (const NodeIntervals& n : r.nodes) {
    leaders[n.node] = {{"identity", n.identity},
                       {"believed", Pairs(r, n.believed)},
                       {"acting", Pairs(r, n.acting)},
                       {"paused", Pairs(r, n.paused)},
                       {"unhealthy", Pairs(r, n.unhealthy)}};
  }
  j["leaders"] = std::move(leaders);

  json sb = json::array();
  for (const SplitBrainInterval& i : r.split_brain) {
    sb.push_back({{"startSeconds", S(r, i.interval.start)},
                  {"endSeconds", S(r, i.interval.end)},
                  {"nodes", i.nodes},
                  {"cause", i.cause},
                  {"causeKind", std::string(CauseName(i.cause_kind))}});
  }
  j["splitBrain"] = {{"totalSeconds", S(r.split_brain_total)}, {"maxSeconds", S(r.split_brain_max)}, {"intervals", sb}};

  json nl = json::array();
  for (const Interval& i : r.no_leader) nl.push_back({{"startSeconds", S(r, i.start)}, {"endSeconds", S(r, i.end)}});
  j["noLeader"] = {{"totalSeconds", S(r.no_leader_total)}, {"maxGapSeconds", S(r.no_leader_max)}, {"intervals", nl}};

  json changes = json::array();
  for (const Transition& t : r.transitions) changes.push_back({{"atSeconds", S(r, t.at)}, {"from", t.from}, {"to", t.to}});
  j["transitions"] = {{"count", r.transitions.size()}, {"perHour", r.transitions_per_hour}, {"changes", changes}};

  json fo = json::array();
  for (const FailoverResult& f : r.failovers) {
    const FaultSpec* spec = FaultByIndex(s, f.fault.index);
    auto opt_str = [](const std::optional<std::string>& v) { return v ? json(*v) : json(nullptr); };
    fo.push_back({{"fault", f.fault.index},
                  {"id", spec ? spec->id : fmt::format("f{}-{}", f.fault.index, f.fault.kind)},
                  {"kind", f.fault.kind},
                  {"atSeconds", S(r, f.fault.at)},
                  {"previousLeader", opt_str(f.previous_leader)},
                  {"newLeader", opt_str(f.new_leader)},
                  {"newLeaderAtSeconds", f.new_leader_at ? json(S(r, *f.new_leader_at)) : json(nullptr)},
                  {"failoverSeconds", f.Failover() ? json(S(*f.Failover())) : json(nullptr)},
                  {"disrupted", f.disrupted}});
  }
  j["failovers"] = std::move(fo);

  json requests = json::object(), responses = json::object();
  for (const auto& [verb, n] : r.api.requests) requests[verb] = n;
  for (const auto& [code, n] : r.api.responses) responses[std::to_string(code)] = n;
  json by_node = json::object(), watch = json::object();
  for (const auto& [node, n] : r.api.requests_by_node) by_node[node] = n;
  uint64_t watch_total = 0;
  for (const auto& [res, n] : r.api.watch_events) {
    watch[res] = n;
    watch_total += n;
  }
  const double run_s = std::chrono::duration<double>(r.end - r.start).count();
  json outcomes = json::object(), unanswered = json::object();
  for (const auto& [verb, codes] : r.api.outcomes) {
    json by_code = json::object();
    for (const auto& [code, n] : codes) by_code[std::to_string(code)] = n;
    outcomes[verb] = std::move(by_code);
  }
  for (const auto& [verb, n] : r.api.unanswered) unanswered[verb] = n;
  j["api"] = {{"requests", requests},
              {"responses", responses},
              {"outcomes", outcomes},
              {"unanswered", unanswered},
              {"total", r.api.TotalRequests()},
              {"perSecond", r.api_requests_per_second},
              {"requestsByNode", by_node},
              {"watchEvents", watch},
              {"watchEventsPerSecond", run_s > 0 ? static_cast<double>(watch_total) / run_s : 0.0}};

  json ex = json::array();
  for (const ExpectationResult& e : expect) {
    ex.push_back({{"index", e.index},
                  {"kind", std::string(ExpectKindName(e.kind))},
                  {"expect", e.expect},
                  {"held", e.held},
                  {"actual", e.actual}});
  }
  j["expectations"] = std::move(ex);
  json ib = json::array();
  for (const InvariantBreach& b : breaches) {
    ib.push_back({{"invariant", b.invariant},
                  {"atSeconds", S(r, b.at)},
                  {"node", b.node},
                  {"message", b.message},
                  {"events", b.events}});
  }
  j["invariantBreaches"] = std::move(ib);
  j["verdict"] = AllHeld(expect) && breaches.empty() ? "pass" : "fail";
  return j;
}

std::string SummaryText(const Scenario& s, const OracleResults& r, const std::vector<ExpectationResult>& expect,
                        const RunStats& stats, const std::vector<InvariantBreach>& breaches) {
  std::string out;
  auto line = [&out](std::string text) {
    out += text;
    out += '\n';
  };
  line(fmt::format("scenario {} (seed {}, client-go {}): {} simulated, {} events, trace {}", s.name, stats.seed, s.client_go,
                   D(r.end - r.start), stats.events, stats.trace_hash.empty() ? "-" : stats.trace_hash));
  line("leaders:");
  bool anyone = false;
  for (const NodeIntervals& n : r.nodes) {
    if (n.believed.empty()) continue;
    anyone = true;
    std::string spans;
    for (const Interval& i : n.believed) spans += fmt::format(" [{} .. {})", At(r, i.start), At(r, i.end));
    line(fmt::format("  {} ({}) led{}", n.node, n.identity, spans));
  }
  if (!anyone) line("  nobody led");

  line(fmt::format("split-brain: {} in {} interval(s), longest {}", D(r.split_brain_total), r.split_brain.size(),
                   D(r.split_brain_max)));
  for (const SplitBrainInterval& i : r.split_brain) {
    line(fmt::format("  [{} .. {}) {} acting: {}", At(r, i.interval.start), At(r, i.interval.end),
                     fmt::join(i.nodes, ", "), i.cause));
  }
  line(fmt::format("no leader: {} in {} gap(s), longest {}", D(r.no_leader_total), r.no_leader.size(),
                   D(r.no_leader_max)));
  for (const Interval& g : r.no_leader) line(fmt::format("  [{} .. {})", At(r, g.start), At(r, g.end)));

  if (!r.failovers.empty()) line("failovers:");
  for (const FailoverResult& f : r.failovers) {
    std::string what = f.new_leader_at
                           ? fmt::format("{} led after {}", *f.new_leader, D(*f.Failover()))
                           : std::string("no new leader");
    if (!f.disrupted && f.previous_leader) what = fmt::format("{} kept leading", *f.previous_leader);
    line(fmt::format("  fault {} {} at {}{}: {}", f.fault.index, f.fault.kind, At(r, f.fault.at),
                     f.fault.nodes.empty() ? "" : fmt::format(" on {}", fmt::join(f.fault.nodes, ", ")), what));
  }
  line(fmt::format("transitions: {} ({:.1f} per hour)", r.transitions.size(), r.transitions_per_hour));
  for (const Transition& t : r.transitions) {
    line(fmt::format("  {} {} -> {}", At(r, t.at), t.from.empty() ? "(released)" : t.from, t.to));
  }
  line(ApiText(r.api, r.api_requests_per_second));
  std::string watches;
  uint64_t watch_total = 0;
  for (const auto& [res, n] : r.api.watch_events) {
    if (n == 0) continue;
    watches += fmt::format(" {} {}", res, n);
    watch_total += n;
  }
  if (watch_total > 0) {
    const double run_s = std::chrono::duration<double>(r.end - r.start).count();
    line(fmt::format("watch fan-out: {} events ({:.3f}/s);{}", watch_total,
                     run_s > 0 ? static_cast<double>(watch_total) / run_s : 0.0, watches));
  }
  if (!expect.empty()) line("expectations:");
  for (const ExpectationResult& e : expect) {
    line(fmt::format("  [{}] {}: {}", e.held ? "ok" : "FAILED", e.expect, e.actual));
  }
  if (!breaches.empty()) line(fmt::format("invariants: {} breach(es):", breaches.size()));
  for (const InvariantBreach& b : breaches) {
    line(fmt::format("  [BREACHED] {} at {}{}: {}", b.invariant, At(r, b.at), b.node.empty() ? "" : " on " + b.node,
                     b.message));
    for (const std::string& e : b.events) line(fmt::format("      {}", e));
  }
  line(AllHeld(expect) && breaches.empty() ? "PASS" : "FAIL");
  return out;
}

}  // namespace leasesim::sim
