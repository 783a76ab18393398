// chaos.cc — RunChaos, failure classes and shrinking, the output files and merge.
#include "harness/chaos/chaos.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <filesystem>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "harness/csv_fields.h"
#include "harness/check/junit.h"
#include "harness/check/suite.h"
#include "harness/parallel_for.h"
#include "harness/shard_merge.h"
#include "sim/go_duration.h"
#include "sim/runner.h"

namespace leasesim::sim {
namespace {

using nlohmann::json;

constexpr std::string_view kRunsHeader =
    "seed_index,seed,families,faults,verdict,split_brain_s,worst_failover_s,failover_unrecovered,no_leader_max_gap_s,"
    "invariant_breaches,failures,trace_hash";

std::string FileSafe(std::string s) {
  for (char& c : s) {
    if (c == ':' || c == '/' || c == ' ') c = '-';
  }
  return s;
}

std::string D(Duration d) { return FormatGoDuration(d); }

}  // namespace

json ResolveRoleTargets(const json& scenario) {
  const json& faults = scenario["faults"];
  bool any = false;
  for (const json& f : faults) {
    if (f.contains("node") && f["node"].get<std::string>().starts_with("@")) any = true;
    if (f.contains("nodes")) {
      for (const json& n : f["nodes"]) any |= n.get<std::string>().starts_with("@");
    }
  }
  if (!any) return scenario;
  std::string err;
  auto s = ParseScenario(scenario.dump(), scenario.value("name", "chaos"), &err);
  if (!s) return scenario;
  const RunResult r = RunScenario(*s, RunOptions{});
  json out = scenario;
  json list = json::array();
  for (size_t i = 0; i < faults.size(); ++i) {
    json f = faults[i];
    const bool roles = (f.contains("node") && f["node"].get<std::string>().starts_with("@")) || f.contains("nodes");
    if (roles) {
      std::vector<std::string> names;
      bool began = false;
      for (const FaultMark& m : r.input.faults) {
        if (m.index == static_cast<int>(i)) {
          names = m.nodes;
          began = true;
        }
      }
      if (!began || names.empty()) continue;  // skipped: no node had the role
      bool unresolved = false;
      for (const std::string& n : names) unresolved |= n.starts_with("@");
      if (unresolved) continue;  // never began (at the run's very end)
      f.erase("node");
      f.erase("nodes");
      if (names.size() == 1) f["node"] = names.front();
      else f["nodes"] = names;
    }
    list.push_back(std::move(f));
  }
  out["faults"] = std::move(list);
  return out;
}

ChaosRow RunOneSeed(const ChaosSpec& spec, int64_t k) {
  const ChaosRun run = GenerateRun(spec, k);
  std::string err;
  auto s = ParseScenario(run.scenario.dump(), run.scenario["name"].get<std::string>(), &err);
  // The base and every drawn value were validated when the chaos file loaded, so a
  // generated scenario that does not load is a bug here, not bad input.
  if (!s) throw std::runtime_error(fmt::format("chaos {} seed {}: generated scenario does not load: {}", spec.file, run.seed, err));
  const RunResult r = RunScenario(*s, RunOptions{});
  ChaosRow row;
  row.index = k;
  row.seed = run.seed;
  row.families = run.families;
  row.faults = run.faults;
  row.split_brain_ns = r.results.split_brain_total.count();
  row.no_leader_max_ns = r.results.no_leader_max.count();
  for (const FailoverResult& fr : r.results.failovers) {
    if (!fr.disrupted) continue;
    const auto fo = fr.Failover();
    if (!fo) {
      row.worst_failover_ns = -1;
      break;
    }
    if (!row.worst_failover_ns || fo->count() > *row.worst_failover_ns) row.worst_failover_ns = fo->count();
  }
  row.invariant_breaches = static_cast<int64_t>(r.invariant_breaches.size());
  for (const ChaosFailure& f : EvaluateChaosProperties(spec, *s, r)) row.failures.push_back(f.Class());
  row.trace_hash = r.stats.trace_hash;
  return row;
}

std::vector<ChaosRow> RunChaos(const ChaosSpec& spec, const ChaosRunOptions& o) {
  const std::vector<int64_t> seeds = ShardIndices(spec.seeds, o.shard);
  std::vector<ChaosRow> rows(seeds.size());
  std::mutex mu;
  int64_t done = 0, failing = 0;
  ParallelFor(seeds.size(), {.jobs = std::max(1, o.jobs)}, [&](size_t i) {
    rows[i] = RunOneSeed(spec, seeds[i]);
    if (o.progress) {
      std::lock_guard lock(mu);
      failing += rows[i].Failed() ? 1 : 0;
      o.progress(++done, static_cast<int64_t>(seeds.size()), failing);
    }
  });
  return rows;
}

std::string ChaosRunsCsv(const std::vector<ChaosRow>& rows) {
  std::string s = std::string(kRunsHeader) + "\n";
  for (const ChaosRow& r : rows) {
    // A number or an empty cell in worst_failover_s; "no new leader" is its own column.
    const bool unrecovered = r.worst_failover_ns && *r.worst_failover_ns < 0;
    const std::string fo = r.worst_failover_ns && !unrecovered ? FormatSeconds(*r.worst_failover_ns) : "";
    s += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{}\n", r.index, r.seed, fmt::join(r.families, ";"), r.faults,
                     r.Failed() ? "fail" : "pass", FormatSeconds(r.split_brain_ns), fo, unrecovered ? "true" : "false",
                     FormatSeconds(r.no_leader_max_ns), r.invariant_breaches, fmt::join(r.failures, ";"), r.trace_hash);
  }
  return s;
}

std::optional<std::vector<ChaosRow>> ParseChaosRunsCsv(std::string_view text, std::string_view file, std::string* err) {
  std::vector<ChaosRow> rows;
  auto fail = [&](size_t line, std::string_view why) {
    if (err) *err = fmt::format("{}: line {}: {}", file, line, why);
    return std::nullopt;
  };
  const auto records = CsvRecords(text, kRunsHeader, 12, file, "chaos runs.csv", err);
  if (!records) return std::nullopt;
  for (size_t k = 0; k < records->size(); ++k) {
    const std::vector<std::string_view>& f = (*records)[k];
    const size_t i = k + 1;  // fail(i + 1, ...) names the file's line
    ChaosRow r;
    bool ok = ParseInt(f[0], &r.index) && ParseInt(f[1], &r.seed) && ParseInt(f[3], &r.faults) &&
              ParseSeconds(f[5], &r.split_brain_ns) && ParseSeconds(f[8], &r.no_leader_max_ns) &&
              ParseInt(f[9], &r.invariant_breaches);
    if (!ok) return fail(i + 1, "a numeric field is malformed");
    if (!f[2].empty()) {
      for (std::string_view x : Split(f[2], ';')) r.families.emplace_back(x);
    }
    if (f[7] == "true" && f[6].empty()) {
      r.worst_failover_ns = -1;
    } else if (f[7] == "false" && !f[6].empty()) {
      int64_t ns = 0;
      if (!ParseSeconds(f[6], &ns)) return fail(i + 1, "bad worst_failover_s");
      r.worst_failover_ns = ns;
    } else if (f[7] != "false") {
      return fail(i + 1, "bad worst_failover_s/failover_unrecovered");
    }
    if (!f[10].empty()) {
      for (std::string_view x : Split(f[10], ';')) r.failures.emplace_back(x);
    }
    if ((f[4] == "fail") != r.Failed() || (f[4] != "fail" && f[4] != "pass")) return fail(i + 1, "verdict does not match failures");
    r.trace_hash = std::string(f[11]);
    rows.push_back(std::move(r));
  }
  return rows;
}

ChaosReport BuildChaosReport(const ChaosSpec& spec, const std::vector<ChaosRow>& rows, const ChaosReportOptions& o) {
  ChaosReport rep;
  rep.runs = static_cast<int64_t>(rows.size());
  std::map<std::string, FailureClass> by_class;
  for (const ChaosRow& r : rows) {
    if (r.Failed()) ++rep.failing_runs;
    for (const std::string& c : r.failures) {
      auto [it, inserted] = by_class.try_emplace(c);
      FailureClass& fc = it->second;
      if (inserted) {
        fc.cls = c;
        const size_t colon = c.find(':');
        fc.property = c.substr(0, colon);
        fc.cause = c.substr(colon + 1);
        fc.first_index = r.index;
        fc.shrunk_path = fmt::format("shrunk/{}.json", FileSafe(c));
      }
      fc.seeds.push_back(r.seed);
      fc.first_index = std::min(fc.first_index, r.index);
    }
  }
  for (auto& [k, fc] : by_class) {
    std::sort(fc.seeds.begin(), fc.seeds.end());
    rep.classes.push_back(std::move(fc));
  }
  ParallelFor(rep.classes.size(), {.jobs = std::max(1, o.jobs)}, [&](size_t i) {
    FailureClass& fc = rep.classes[i];
    const ChaosRun run = GenerateRun(spec, fc.first_index);
    // Shrink the run with role targets resolved to the nodes they named in this run, so
    // that removing one fault cannot move another onto a different node.
    json resolved = ResolveRoleTargets(run.scenario);
    fc.shrunk = ShrinkFailure(spec, ClassHolds(spec, resolved, fc.cls, nullptr) ? resolved : run.scenario, fc.cls,
                              o.shrink_budget);
  });
  return rep;
}

json ReproducerJson(const ChaosSpec& spec, int64_t k, const std::vector<std::string>& failures) {
  const ChaosRun run = GenerateRun(spec, k);
  json s = run.scenario;
  s["description"] = fmt::format(
      "Generated by leasesim chaos from {} (seed index {}, seed {}); enabled fault families: {}. Fails: {}. Replays "
      "with `leasesim run` to the same trace hash.",
      spec.file, k, run.seed, run.families.empty() ? "none" : fmt::format("{}", fmt::join(run.families, ", ")),
      fmt::join(failures, ", "));
  json expect = json::array();
  std::vector<ChaosPropertyKind> seen;
  for (const std::string& c : failures) {
    for (const ChaosProperty& p : spec.properties) {
      if (c.starts_with(std::string(ChaosPropertyName(p.kind)) + ":") &&
          std::find(seen.begin(), seen.end(), p.kind) == seen.end()) {
        seen.push_back(p.kind);
        json e = PropertyExpectation(spec, p.kind, spec.duration);
        if (!e.is_null()) expect.push_back(std::move(e));
      }
    }
  }
  s["expect"] = expect;
  return s;
}

json ShrunkJson(const ChaosSpec& spec, const FailureClass& c) {
  json s = c.shrunk.scenario;
  s["name"] = fmt::format("{}/{}-{}", spec.name, c.property, c.cause);
  const Duration dur{c.shrunk.duration_after};
  s["description"] = fmt::format(
      "Shrunk by leasesim chaos from {} seed {} ({}): {} -> {} fault(s), {} -> {}, {} -> {} candidate(s) in {} run(s){}. "
      "Fails: {} ({}).",
      spec.file, c.seeds.front(), c.cls, c.shrunk.faults_before, c.shrunk.faults_after, D(c.shrunk.duration_before),
      D(c.shrunk.duration_after), c.shrunk.candidates_before, c.shrunk.candidates_after, c.shrunk.runs,
      c.shrunk.budget_exhausted ? " (shrink budget exhausted)" : "", c.cls, c.shrunk.failure.detail);
  for (const ChaosProperty& p : spec.properties) {
    if (ChaosPropertyName(p.kind) != c.property) continue;
    json e = PropertyExpectation(spec, p.kind, dur);
    s["expect"] = e.is_null() ? json::array() : json::array({e});
  }
  return s;
}

std::string ChaosManifestJson(const ChaosSpec& spec, Shard shard, int64_t shrink_budget) {
  json j = {{"format", kChaosFormat},
            {"chaosFile", spec.file},
            {"shard", shard.index},
            {"shards", shard.count},
            {"seedsTotal", spec.seeds},
            {"shrinkBudget", shrink_budget},
            {"chaos", CanonicalChaosJson(spec)}};
  return j.dump(2) + "\n";
}

std::string ChaosSummaryText(const ChaosSpec& spec, const ChaosReport& rep) {
  std::string s = fmt::format("chaos {}: {} run(s) of {} (seeds {}..{}), {} failing\n", spec.file, rep.runs,
                              D(spec.duration), spec.seed, spec.SeedFor(spec.seeds - 1), rep.failing_runs);
  if (rep.classes.empty()) {
    s += "no failure found\n";
    return s;
  }
  std::vector<std::vector<std::string>> table = {
      {"property", "cause", "failing seeds", "first seed", "faults", "duration", "shrunk reproducer"}};
  for (const FailureClass& c : rep.classes) {
    table.push_back({c.property, c.cause, std::to_string(c.seeds.size()), std::to_string(c.seeds.front()),
                     fmt::format("{} -> {}", c.shrunk.faults_before, c.shrunk.faults_after),
                     fmt::format("{} -> {}", D(c.shrunk.duration_before), D(c.shrunk.duration_after)), c.shrunk_path});
  }
  std::vector<size_t> width(table[0].size(), 0);
  for (const auto& row : table) {
    for (size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  }
  for (const auto& row : table) {
    std::string line = " ";
    for (size_t i = 0; i < row.size(); ++i) line += fmt::format(" {:<{}}", row[i], width[i]);
    while (!line.empty() && line.back() == ' ') line.pop_back();
    s += line + "\n";
  }
  for (const FailureClass& c : rep.classes) {
    s += fmt::format("{}: {}{}\n", c.cls, c.shrunk.failure.detail,
                     c.shrunk.budget_exhausted ? " (shrink budget exhausted: not minimal)" : "");
  }
  return s;
}

std::string ChaosReproduceCommand(std::string_view program, const std::string& out_dir, const std::string& file) {
  return fmt::format("{} run {}", program, ShellQuote((std::filesystem::path(out_dir) / file).string()));
}

std::string ChaosJunitXml(const ChaosSpec& spec, const ChaosReport& rep, const std::string& out_dir,
                          std::string_view program) {
  JunitSuite suite{.name = fmt::format("leasesim chaos {}", spec.file), .cases = {}};
  if (rep.classes.empty()) {
    suite.cases.push_back({.classname = spec.name, .name = "no failure", .time_s = 0, .kind = JunitCase::Kind::kPass,
                           .message = "", .type = "", .text = ""});
  }
  for (const FailureClass& c : rep.classes) {
    suite.cases.push_back(
        {.classname = spec.name,
         .name = c.cls,
         .time_s = 0,
         .kind = JunitCase::Kind::kFailure,
         .message = fmt::format("{} in {} seed(s), first seed {}: {}", c.cls, c.seeds.size(), c.seeds.front(),
                                c.shrunk.failure.detail),
         .type = c.property,
         .text = fmt::format("reproduce: {}\nunshrunk: {}\n", ChaosReproduceCommand(program, out_dir, c.shrunk_path),
                             ChaosReproduceCommand(program, out_dir, fmt::format("reproducers/seed-{}.json", c.seeds.front())))});
  }
  return JunitXml(suite);
}

std::map<std::string, std::string> ChaosOutputFiles(const ChaosSpec& spec, const std::vector<ChaosRow>& rows,
                                                    const ChaosReport& rep, Shard shard, int64_t shrink_budget) {
  std::map<std::string, std::string> files;
  files["manifest.json"] = ChaosManifestJson(spec, shard, shrink_budget);
  files["runs.csv"] = ChaosRunsCsv(rows);
  if (shard.count > 1) return files;
  files["summary.txt"] = ChaosSummaryText(spec, rep);
  for (const ChaosRow& r : rows) {
    if (!r.Failed()) continue;
    files[fmt::format("reproducers/seed-{}.json", r.seed)] = ReproducerJson(spec, r.index, r.failures).dump(2) + "\n";
  }
  for (const FailureClass& c : rep.classes) files[c.shrunk_path] = ShrunkJson(spec, c).dump(2) + "\n";
  return files;
}

bool IsChaosShardDir(const std::string& dir) {
  auto text = ReadTextFile(std::filesystem::path(dir) / "manifest.json");
  if (!text) return false;
  try {
    const json m = json::parse(*text);
    return m.is_object() && m.value("format", "") == kChaosFormat;
  } catch (const json::exception&) {
    return false;
  }
}

std::optional<MergedChaos> MergeChaosShardDirs(const std::vector<std::string>& dirs, std::string* err) {
  auto fail = [&](std::string msg) {
    if (err) *err = std::move(msg);
    return std::nullopt;
  };
  auto reject = [&](std::string msg) {
    if (err) *err = std::move(msg);
    return false;
  };
  std::vector<ChaosRow> rows;
  const ShardManifestKind kind{.format = kChaosFormat,
                               .body_key = "chaos",
                               .file_key = "chaosFile",
                               .extra_integer_keys = {"shrinkBudget"},
                               .kind = "chaos search",
                               .dir_kind = "chaos output directory"};
  auto shards = ReadShardDirs(dirs, kind, [&](const ShardDir& d) {
    const std::filesystem::path rp = std::filesystem::path(d.dir) / "runs.csv";
    auto csv = ReadTextFile(rp);
    if (!csv) return reject(fmt::format("{}: cannot read file", rp.string()));
    auto part = ParseChaosRunsCsv(*csv, rp.string(), err);
    if (!part) return false;
    for (ChaosRow& r : *part) {
      if (r.index % d.shard.count != d.shard.index) {
        return reject(fmt::format("{}: seed index {} does not belong to shard {}/{}", rp.string(), r.index,
                                  d.shard.index, d.shard.count));
      }
      rows.push_back(std::move(r));
    }
    return true;
  }, err);
  if (!shards) return std::nullopt;
  const json& chaos = shards->front().manifest["chaos"];
  const std::string chaos_file = shards->front().manifest["chaosFile"].get<std::string>();
  const int64_t budget = shards->front().manifest["shrinkBudget"].get<int64_t>();
  MergedChaos out;
  auto spec = ParseChaos(chaos.dump(), chaos_file, err);
  if (!spec) return std::nullopt;
  out.spec = std::move(*spec);
  out.shrink_budget = budget;
  std::sort(rows.begin(), rows.end(), [](const ChaosRow& a, const ChaosRow& b) { return a.index < b.index; });
  if (static_cast<int64_t>(rows.size()) != out.spec.seeds) {
    return fail(fmt::format("merge: {} run rows, but the chaos search has {} seeds", rows.size(), out.spec.seeds));
  }
  for (size_t k = 0; k < rows.size(); ++k) {
    if (rows[k].index != static_cast<int64_t>(k) || rows[k].seed != out.spec.SeedFor(static_cast<int64_t>(k))) {
      return fail(fmt::format("merge: seed index {} is missing, duplicated or inconsistent", k));
    }
  }
  out.rows = std::move(rows);
  return out;
}

}  // namespace leasesim::sim
