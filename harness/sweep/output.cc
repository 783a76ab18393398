// output.cc — the output files of a sweep.
#include "harness/sweep/output.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>

#include <fmt/format.h>

#include "harness/sweep/plot.h"
#include "harness/csv_fields.h"
#include "sim/go_duration.h"
#include "sim/json_input.h"

namespace leasesim::sim {
namespace {

using nlohmann::json;

constexpr std::string_view kRunsHeader =
    "run,point,seed_index,seed,duration_ns,split_brain_ns,no_leader_ns,transitions,invariant_breaches,api_get,"
    "api_create,api_update,api_total,failovers,failovers_unrecovered,trace_hash";
constexpr std::string_view kFailoversHeader = "run,point,seed_index,seed,failover,recovered,failover_ns";
// The journal's line format: runs.csv's columns with the failovers packed into one.
constexpr std::string_view kJournalHeader =
    "run,point,seed_index,seed,duration_ns,split_brain_ns,no_leader_ns,transitions,invariant_breaches,api_get,"
    "api_create,api_update,api_total,failovers_ns,trace_hash";

// Csv quotes a field when it holds a comma, quote or newline (RFC 4180).
std::string Csv(std::string_view s) {
  if (s.find_first_of(",\"\n") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// Cell appends ",<v>" to a CSV line.
void Cell(std::string& line, std::string_view v) {
  line += ',';
  line += v;
}

// RoundNs rounds seconds to whole nanoseconds (closed forms are computed in doubles).
double RoundNs(double s) { return static_cast<double>(std::llround(s * 1e9)) / 1e9; }

std::string ParamValues(const SweepSpec& spec, const std::vector<json>& values) {
  std::vector<std::string> parts;
  for (size_t i = 0; i < values.size(); ++i) parts.push_back(fmt::format("{}={}", spec.params[i].name, ValueText(values[i])));
  return parts.empty() ? "(base)" : fmt::format("{}", fmt::join(parts, " "));
}

std::string PointsCsv(const SweepReport& rep) {
  std::string s = "point,valid";
  for (const SweepParam& p : rep.spec->params) Cell(s, Csv(p.name));
  for (std::string_view n : PointColumnNames()) s += fmt::format(",{}", n);
  s += ",pareto,recommended,error\n";
  for (const PointReport& p : rep.points) {
    s += fmt::format("{},{}", p.index, p.valid ? "true" : "false");
    for (const json& v : p.values) Cell(s, Csv(ValueText(v)));
    for (const PointColumn& c : PointColumns(p.figures, p.closed)) Cell(s, (p.valid ? FormatColumn(c) : ""));
    const bool on_front = std::find(rep.front.begin(), rep.front.end(), p.index) != rep.front.end();
    s += fmt::format(",{},{},{}\n", on_front ? "true" : "false", rep.recommended == p.index ? "true" : "false", Csv(p.error));
  }
  return s;
}

const PointReport* Find(const SweepReport& rep, int64_t point) {
  return point >= 0 && point < static_cast<int64_t>(rep.points.size()) ? &rep.points[static_cast<size_t>(point)] : nullptr;
}

// PointRecord is one point as a flat record (points.json is a list of them, so that
// pandas.read_json reads it as a table): "point", the parameters by name, "valid", every
// column of points.csv under its camelCase name (null without a value; a parameter of
// the same name keeps its own value), "pareto", "recommended", "error" (null when valid).
// Keys keep points.csv's column order (an ordered object), so a loaded table reads alike.
nlohmann::ordered_json PointRecord(const SweepReport& rep, const PointReport& p) {
  nlohmann::ordered_json j = {{"point", p.index}};
  for (size_t i = 0; i < p.values.size(); ++i) j[rep.spec->params[i].name] = p.values[i];
  j["valid"] = p.valid;
  for (const PointColumn& c : PointColumns(p.figures, p.closed)) {
    const std::string key = json_input::CamelCaseKey(c.name);
    if (j.contains(key)) continue;
    j[key] = p.valid ? nlohmann::ordered_json(ColumnJson(c)) : nlohmann::ordered_json(nullptr);
  }
  j["pareto"] = std::find(rep.front.begin(), rep.front.end(), p.index) != rep.front.end();
  j["recommended"] = rep.recommended == p.index;
  j["error"] = p.valid ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(p.error);
  return j;
}

nlohmann::ordered_json PointsJson(const SweepReport& rep) {
  nlohmann::ordered_json points = nlohmann::ordered_json::array();
  for (const PointReport& p : rep.points) points.push_back(PointRecord(rep, p));
  return points;
}

// SweepJson is sweep.json: what describes the sweep as a whole, beside points.json.
json SweepJson(const SweepReport& rep) {
  json invalid = json::array();
  for (const PointReport& p : rep.points) {
    if (!p.valid) invalid.push_back({{"point", p.index}, {"error", p.error}});
  }
  json rec = nullptr;
  if (rep.recommended) rec = json::parse(PointRecord(rep, *Find(rep, *rep.recommended)).dump());
  json params = json::array();
  for (const SweepParam& p : rep.spec->params) params.push_back({{"name", p.name}, {"paths", p.paths}, {"values", p.values}});
  return {{"format", kSweepFormat},
          {"sweepFile", rep.spec->file},
          {"baseFile", rep.spec->base_file},
          {"seeds", rep.spec->seeds},
          {"seed", rep.spec->seed},
          {"parameters", params},
          {"invalidPoints", invalid},
          {"paretoFront", rep.front},
          {"recommendationRule",
           "on the Pareto front of (failover p99, API requests/s) among points with no split-brain in any seed and "
           "timings meeting the safety floor, within the sweep's recommend limits: the lowest p99/best_p99 + "
           "rate/best_rate"},
          {"safetyFloor",
           {{"minSafetyMarginSeconds", std::chrono::duration<double>(rep.floor.min_safety_margin).count()},
            {"minToleratedClockRateRatio", rep.floor.min_tolerated_clock_rate_ratio}}},
          {"recommended", rec}};
}

std::string ParetoCsv(const SweepReport& rep) {
  std::string s = "point";
  for (const SweepParam& p : rep.spec->params) Cell(s, Csv(p.name));
  s += ",failover_p99_s,api_rps,split_brain_seed_share,pareto,recommended\n";
  for (const PointReport& p : rep.points) {
    if (!p.valid || !p.figures.failover_p99_s) continue;
    s += fmt::format("{}", p.index);
    for (const json& v : p.values) Cell(s, Csv(ValueText(v)));
    const bool on_front = std::find(rep.front.begin(), rep.front.end(), p.index) != rep.front.end();
    using U = PointColumn::Unit;
    s += fmt::format(",{},{},{},{},{}\n", FormatColumn({"", p.figures.failover_p99_s, U::kSeconds}),
                     FormatColumn({"", p.figures.api_rps, U::kNumber}),
                     FormatColumn({"", p.figures.split_brain_seed_share, U::kNumber}), on_front ? "true" : "false",
                     rep.recommended == p.index ? "true" : "false");
  }
  return s;
}

std::optional<double> Metric(const PointReport& p, std::string_view name) {
  for (const PointColumn& c : PointColumns(p.figures, p.closed)) {
    if (c.name == name) return c.value;
  }
  return std::nullopt;
}

PointColumn::Unit UnitOf(std::string_view name) {
  for (const PointColumn& c : PointColumns(PointFigures{}, ClosedForm{})) {
    if (c.name == name) return c.unit;
  }
  return PointColumn::Unit::kNumber;
}

// Heatmap: each cell is the metric's maximum (the worst case) over the points with those
// x and y values, whatever the other parameters are.
HeatmapGrid BuildHeatmap(const SweepReport& rep) {
  const SweepSpec& spec = *rep.spec;
  HeatmapGrid g;
  const bool other_params = spec.params.size() > (spec.heatmap.y >= 0 ? 2u : 1u);
  g.title = fmt::format("{}{}", spec.heatmap.metric, other_params ? " (max over the other parameters)" : "");
  const SweepParam& px = spec.params[spec.heatmap.x];
  g.x_name = px.name;
  for (const json& v : px.values) g.x_values.push_back(ValueText(v));
  if (spec.heatmap.y >= 0) {
    g.y_name = spec.params[spec.heatmap.y].name;
    for (const json& v : spec.params[spec.heatmap.y].values) g.y_values.push_back(ValueText(v));
  } else {
    g.y_values.push_back("");
  }
  g.cells.assign(g.y_values.size(), std::vector<std::optional<double>>(g.x_values.size()));
  auto index_of = [](const SweepParam& p, const json& v) {
    return static_cast<size_t>(std::find(p.values.begin(), p.values.end(), v) - p.values.begin());
  };
  for (const PointReport& p : rep.points) {
    if (!p.valid) continue;
    const auto m = Metric(p, spec.heatmap.metric);
    if (!m) continue;
    const size_t x = index_of(px, p.values[spec.heatmap.x]);
    const size_t y = spec.heatmap.y >= 0 ? index_of(spec.params[spec.heatmap.y], p.values[spec.heatmap.y]) : 0;
    auto& cell = g.cells[y][x];
    cell = cell ? std::max(*cell, *m) : *m;
  }
  return g;
}

std::string HeatmapCsv(const HeatmapGrid& g, PointColumn::Unit unit) {
  std::string s = fmt::format("{},{},{}\n", Csv(g.x_name), Csv(g.y_name.empty() ? "y" : g.y_name), Csv(g.title));
  for (size_t y = 0; y < g.y_values.size(); ++y) {
    for (size_t x = 0; x < g.x_values.size(); ++x) {
      s += fmt::format("{},{},{}\n", Csv(g.x_values[x]), Csv(g.y_values[y]), FormatColumn({"", g.cells[y][x], unit}));
    }
  }
  return s;
}

}  // namespace

std::optional<Shard> ParseShard(std::string_view text, std::string* err) {
  const size_t slash = text.find('/');
  Shard s;
  if (slash == std::string_view::npos || !ParseInt(text.substr(0, slash), &s.index) ||
      !ParseInt(text.substr(slash + 1), &s.count) || s.count < 1 || s.index < 0 || s.index >= s.count) {
    if (err) *err = fmt::format("--shard: expected \"i/N\" with 0 <= i < N, got \"{}\"", text);
    return std::nullopt;
  }
  return s;
}

std::string FormatFigure(std::optional<double> v) {
  if (!v) return "";
  if (!std::isfinite(*v)) return *v > 0 ? "inf" : "-inf";
  std::string s = fmt::format("{:.6g}", *v);
  return s == "-0" ? "0" : s;
}

std::string FormatColumn(const PointColumn& c) {
  if (!c.value) return "";
  const double v = *c.value;
  if (!std::isfinite(v)) return v > 0 ? "inf" : "-inf";
  switch (c.unit) {
    case PointColumn::Unit::kCount: return fmt::format("{}", std::llround(v));
    case PointColumn::Unit::kSeconds: return FormatSeconds(std::llround(v * 1e9));
    case PointColumn::Unit::kNumber: break;
  }
  std::string s = fmt::format("{}", v);  // shortest text that reads back as the same double
  return s == "-0" ? "0" : s;
}

nlohmann::json ColumnJson(const PointColumn& c) {
  if (!c.value) return nullptr;
  const double v = *c.value;
  if (!std::isfinite(v)) return nullptr;  // JSON has no infinity
  switch (c.unit) {
    case PointColumn::Unit::kCount: return static_cast<int64_t>(std::llround(v));
    case PointColumn::Unit::kSeconds: return RoundNs(v);
    case PointColumn::Unit::kNumber: break;
  }
  return v;
}

std::string FormatSeconds(int64_t ns) {
  const char* sign = ns < 0 ? "-" : "";
  const uint64_t a = ns < 0 ? static_cast<uint64_t>(-(ns + 1)) + 1 : static_cast<uint64_t>(ns);
  return fmt::format("{}{}.{:09}", sign, a / 1'000'000'000, a % 1'000'000'000);
}

bool ParseSeconds(std::string_view s, int64_t* ns) {
  bool neg = false;
  if (!s.empty() && s[0] == '-') {
    neg = true;
    s.remove_prefix(1);
  }
  const size_t dot = s.find('.');
  if (dot == std::string_view::npos || s.size() - dot - 1 != 9 || dot == 0) return false;
  int64_t whole = 0, frac = 0;
  if (!ParseInt(s.substr(0, dot), &whole) || !ParseInt(s.substr(dot + 1), &frac) || frac < 0 || whole < 0) return false;
  *ns = whole * 1'000'000'000 + frac;
  if (neg) *ns = -*ns;
  return true;
}

std::string RunsCsv(const std::vector<RunRow>& rows) {
  std::string s = std::string(kRunsHeader) + "\n";
  for (const RunRow& r : rows) {
    int64_t recovered = 0, unrecovered = 0;
    for (const auto& f : r.failovers_ns) (f ? recovered : unrecovered)++;
    s += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", r.run, r.point, r.seed_index, r.seed,
                     r.duration_ns, r.split_brain_ns, r.no_leader_ns, r.transitions, r.invariant_breaches, r.api_get,
                     r.api_create, r.api_update, r.api_total, recovered, unrecovered, r.trace_hash);
  }
  return s;
}

std::string FailoversCsv(const std::vector<RunRow>& rows) {
  std::string s = std::string(kFailoversHeader) + "\n";
  for (const RunRow& r : rows) {
    for (size_t k = 0; k < r.failovers_ns.size(); ++k) {
      const auto& f = r.failovers_ns[k];
      s += fmt::format("{},{},{},{},{},{},{}\n", r.run, r.point, r.seed_index, r.seed, k, f ? "true" : "false",
                       f ? std::to_string(*f) : "");
    }
  }
  return s;
}

std::optional<std::vector<RunRow>> ParseRunsCsv(std::string_view runs, std::string_view failovers, std::string_view runs_file,
                                                std::string_view failovers_file, std::string* err) {
  std::vector<RunRow> rows;
  std::vector<std::pair<int64_t, int64_t>> counts;  // (recovered, unrecovered) per row
  auto fail = [&](std::string_view file, size_t line, std::string_view why) {
    if (err) *err = fmt::format("{}: line {}: {}", file, line, why);
    return std::nullopt;
  };
  const auto run_records = CsvRecords(runs, kRunsHeader, 16, runs_file, "runs.csv", err);
  if (!run_records) return std::nullopt;
  for (size_t k = 0; k < run_records->size(); ++k) {
    const std::vector<std::string_view>& f = (*run_records)[k];
    const size_t i = k + 1;  // fail(..., i + 1, ...) names the file's line
    RunRow r;
    int64_t rec = 0, unrec = 0;
    const bool ok = ParseInt(f[0], &r.run) && ParseInt(f[1], &r.point) && ParseInt(f[2], &r.seed_index) &&
                    ParseInt(f[3], &r.seed) && ParseInt(f[4], &r.duration_ns) && ParseInt(f[5], &r.split_brain_ns) &&
                    ParseInt(f[6], &r.no_leader_ns) && ParseInt(f[7], &r.transitions) &&
                    ParseInt(f[8], &r.invariant_breaches) && ParseInt(f[9], &r.api_get) && ParseInt(f[10], &r.api_create) &&
                    ParseInt(f[11], &r.api_update) && ParseInt(f[12], &r.api_total) && ParseInt(f[13], &rec) &&
                    ParseInt(f[14], &unrec);
    if (!ok) return fail(runs_file, i + 1, "a numeric field is not an integer");
    r.trace_hash = std::string(f[15]);
    if (!rows.empty() && r.run <= rows.back().run) return fail(runs_file, i + 1, "runs out of order");
    rows.push_back(std::move(r));
    counts.emplace_back(rec, unrec);
  }
  const auto failover_records = CsvRecords(failovers, kFailoversHeader, 7, failovers_file, "failovers.csv", err);
  if (!failover_records) return std::nullopt;
  size_t at = 0;  // rows are ascending by run; so are the failover lines
  for (size_t rec_k = 0; rec_k < failover_records->size(); ++rec_k) {
    const std::vector<std::string_view>& f = (*failover_records)[rec_k];
    const size_t i = rec_k + 1;  // fail(..., i + 1, ...) names the file's line
    int64_t run = 0, k = 0, ns = 0;
    if (!ParseInt(f[0], &run) || !ParseInt(f[4], &k)) return fail(failovers_file, i + 1, "run or failover is not an integer");
    while (at < rows.size() && rows[at].run < run) ++at;
    if (at == rows.size() || rows[at].run != run) {
      return fail(failovers_file, i + 1, fmt::format("run {} is not in {}", run, runs_file));
    }
    RunRow& r = rows[at];
    if (k != static_cast<int64_t>(r.failovers_ns.size())) return fail(failovers_file, i + 1, "failovers out of order");
    if (f[5] == "true" && ParseInt(f[6], &ns)) r.failovers_ns.push_back(ns);
    else if (f[5] == "false" && f[6].empty()) r.failovers_ns.push_back(std::nullopt);
    else return fail(failovers_file, i + 1, "bad recovered/failover_ns");
  }
  for (size_t i = 0; i < rows.size(); ++i) {
    int64_t rec = 0, unrec = 0;
    for (const auto& f : rows[i].failovers_ns) (f ? rec : unrec)++;
    if (rec != counts[i].first || unrec != counts[i].second) {
      return fail(runs_file, i + 2, fmt::format("run {}: failovers do not match {}", rows[i].run, failovers_file));
    }
  }
  return rows;
}

std::string JournalCsv(const std::vector<RunRow>& rows) {
  std::string s = std::string(kJournalHeader) + "\n";
  for (const RunRow& r : rows) {
    std::vector<std::string> fo;
    for (const auto& f : r.failovers_ns) fo.push_back(f ? std::to_string(*f) : "none");
    s += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", r.run, r.point, r.seed_index, r.seed,
                     r.duration_ns, r.split_brain_ns, r.no_leader_ns, r.transitions, r.invariant_breaches, r.api_get,
                     r.api_create, r.api_update, r.api_total, fmt::join(fo, ";"), r.trace_hash);
  }
  return s;
}

std::optional<std::vector<RunRow>> ParseJournalCsv(std::string_view text, std::string_view file, std::string* err) {
  std::vector<RunRow> rows;
  auto fail = [&](size_t line, std::string_view why) {
    if (err) *err = fmt::format("{}: line {}: {}", file, line, why);
    return std::nullopt;
  };
  const auto records = CsvRecords(text, kJournalHeader, 15, file, "sweep journal", err);
  if (!records) return std::nullopt;
  for (size_t k = 0; k < records->size(); ++k) {
    const std::vector<std::string_view>& f = (*records)[k];
    const size_t i = k + 1;  // fail(i + 1, ...) names the file's line
    RunRow r;
    bool ok = ParseInt(f[0], &r.run) && ParseInt(f[1], &r.point) && ParseInt(f[2], &r.seed_index) && ParseInt(f[3], &r.seed) &&
              ParseInt(f[4], &r.duration_ns) && ParseInt(f[5], &r.split_brain_ns) && ParseInt(f[6], &r.no_leader_ns) &&
              ParseInt(f[7], &r.transitions) && ParseInt(f[8], &r.invariant_breaches) && ParseInt(f[9], &r.api_get) &&
              ParseInt(f[10], &r.api_create) && ParseInt(f[11], &r.api_update) && ParseInt(f[12], &r.api_total);
    if (!ok) return fail(i + 1, "a numeric field is not an integer");
    if (!f[13].empty()) {
      for (std::string_view x : Split(f[13], ';')) {
        int64_t ns = 0;
        if (x == "none") r.failovers_ns.push_back(std::nullopt);
        else if (ParseInt(x, &ns)) r.failovers_ns.push_back(ns);
        else return fail(i + 1, fmt::format("bad failover \"{}\"", x));
      }
    }
    r.trace_hash = std::string(f[14]);
    rows.push_back(std::move(r));
  }
  return rows;
}

SweepReport BuildSweepReport(const SweepSpec& spec, const std::vector<SweepPoint>& points, const std::vector<RunRow>& rows,
                             const SafetyFloor& floor) {
  SweepReport rep;
  rep.spec = &spec;
  rep.floor = floor;
  std::vector<std::vector<const RunRow*>> by_point(points.size());
  for (const RunRow& r : rows) by_point.at(static_cast<size_t>(r.point)).push_back(&r);
  for (const SweepPoint& pt : points) {
    PointReport p;
    p.index = pt.index;
    p.values = pt.values;
    p.valid = pt.scenario.has_value();
    p.error = pt.error;
    if (p.valid) {
      p.figures = AggregatePoint(by_point[static_cast<size_t>(pt.index)], static_cast<int64_t>(pt.scenario->candidates.size()));
      p.closed = ClosedFormFor(*pt.scenario);
      const core::LeaderElectionConfig& t = pt.scenario->candidates.front().config;
      if (p.figures.runs > 0 && p.figures.split_brain_seed_share == 0 && p.figures.failover_p99_s &&
          MeetsSafetyFloor(t.leaseDuration, t.renewDeadline, t.retryPeriod, floor)) {
        rep.eligible.push_back({p.index, *p.figures.failover_p99_s, p.figures.api_rps});
      }
    }
    rep.points.push_back(std::move(p));
  }
  rep.front = ParetoFront(rep.eligible);
  rep.recommended = Recommend(rep.eligible, rep.front, spec.recommend);
  return rep;
}

std::string ManifestJson(const SweepSpec& spec, Shard shard) {
  json j = {{"format", kSweepFormat},
            {"sweepFile", spec.file},
            {"shard", shard.index},
            {"shards", shard.count},
            {"runsTotal", spec.RunCount()},
            {"sweep", CanonicalSweepJson(spec)}};
  return j.dump(2) + "\n";
}

std::string SummaryText(const SweepReport& rep) {
  const SweepSpec& spec = *rep.spec;
  std::string s;
  int64_t valid = 0;
  for (const PointReport& p : rep.points) valid += p.valid ? 1 : 0;
  s += fmt::format("sweep {}: {} point(s) ({} valid) x {} seed(s)\n", spec.file, rep.points.size(), valid, spec.seeds);
  for (const PointReport& p : rep.points) {
    if (!p.valid) s += fmt::format("  skipped point {} ({}): {}\n", p.index, ParamValues(spec, p.values), p.error);
  }
  // The table: one row per valid point, measured beside the closed form.
  std::vector<std::vector<std::string>> table;
  std::vector<std::string> head = {"point"};
  for (const SweepParam& p : spec.params) head.push_back(p.name);
  for (const char* h : {"failover p50/p99/max s", "formula s", "split-brain seeds", "no-leader s/h", "API req/s",
                        "formula req/s", "margin s", "tolerated clock ratio"}) {
    head.push_back(h);
  }
  table.push_back(head);
  for (const PointReport& p : rep.points) {
    if (!p.valid) continue;
    const PointFigures& f = p.figures;
    const ClosedForm& c = p.closed;
    std::vector<std::string> row = {std::to_string(p.index)};
    for (const json& v : p.values) row.push_back(ValueText(v));
    // No failover measured: an empty cell (not "//").
    row.push_back(f.failover_p50_s ? fmt::format("{}/{}/{}", FormatFigure(f.failover_p50_s), FormatFigure(f.failover_p99_s),
                                                 FormatFigure(f.failover_max_s))
                                   : "");
    row.push_back(fmt::format("{}..{}", FormatFigure(c.failover_best_s), FormatFigure(c.failover_worst_s)));
    row.push_back(fmt::format("{:.0f}%", f.split_brain_seed_share * 100));
    row.push_back(fmt::format("{:.1f}", f.no_leader_s_per_hour));
    row.push_back(fmt::format("{:.3f}", f.api_rps));
    row.push_back(fmt::format("{:.3f}", c.api_rps));
    row.push_back(FormatFigure(c.safety_margin_s));
    row.push_back(FormatFigure(c.tolerated_clock_rate_ratio));
    table.push_back(std::move(row));
  }
  std::vector<size_t> width(head.size(), 0);
  for (const auto& row : table) {
    for (size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  }
  for (const auto& row : table) {
    std::string line = " ";
    for (size_t i = 0; i < row.size(); ++i) line += fmt::format(" {:<{}}", row[i], width[i]);
    while (!line.empty() && line.back() == ' ') line.pop_back();
    s += line + "\n";
  }
  auto line = [&](const PointReport& p) {
    return fmt::format("point {} ({}): failover p50 {} s, p99 {} s, max {} s; API {} req/s; split-brain in {:.0f}% of seeds\n",
                       p.index, ParamValues(spec, p.values), FormatFigure(p.figures.failover_p50_s),
                       FormatFigure(p.figures.failover_p99_s), FormatFigure(p.figures.failover_max_s),
                       FormatFigure(p.figures.api_rps), p.figures.split_brain_seed_share * 100);
  };
  const std::string constraint = "no split-brain in any seed, " + rep.floor.Describe();
  if (rep.front.empty()) {
    s += fmt::format("pareto front: empty (no point with {} and a measured failover)\n", constraint);
  } else {
    std::vector<std::string> pts;
    for (int64_t i : rep.front) pts.push_back(std::to_string(i));
    s += fmt::format("pareto front (failover p99 vs API requests/s): points {}\n", fmt::join(pts, ", "));
  }
  if (rep.recommended) s += "recommended: " + line(*Find(rep, *rep.recommended));
  else s += "recommended: none (no Pareto point within the recommend limits)\n";
  s += fmt::format("  constraint: {}\n", constraint);
  return s;
}

std::map<std::string, std::string> SweepOutputFiles(const SweepReport& rep, const std::vector<RunRow>& rows, Shard shard) {
  std::map<std::string, std::string> files;
  files["manifest.json"] = ManifestJson(*rep.spec, shard);
  files["runs.csv"] = RunsCsv(rows);
  files["failovers.csv"] = FailoversCsv(rows);
  if (shard.count > 1) return files;
  files["points.csv"] = PointsCsv(rep);
  files["points.json"] = PointsJson(rep).dump(2) + "\n";
  files["sweep.json"] = SweepJson(rep).dump(2) + "\n";
  files["pareto.csv"] = ParetoCsv(rep);
  files["summary.txt"] = SummaryText(rep);
  std::vector<ScatterPoint> scatter;
  for (const PointReport& p : rep.points) {
    if (!p.valid || !p.figures.failover_p99_s) continue;
    auto go = [](double s) { return FormatGoDuration(std::chrono::duration_cast<Duration>(std::chrono::duration<double>(s))); };
    scatter.push_back({p.index, p.figures.api_rps, *p.figures.failover_p99_s, p.figures.split_brain_seed_share > 0,
                       std::find(rep.front.begin(), rep.front.end(), p.index) != rep.front.end(), rep.recommended == p.index,
                       go(p.closed.lease_duration_s) + "/" + go(p.closed.renew_deadline_s) + "/" + go(p.closed.retry_period_s)});
  }
  files["pareto.svg"] = ParetoSvg(scatter, fmt::format("Pareto front: {}", rep.spec->file));
  if (rep.spec->heatmap.x >= 0) {
    const HeatmapGrid g = BuildHeatmap(rep);
    files["heatmap.csv"] = HeatmapCsv(g, UnitOf(rep.spec->heatmap.metric));
    files["heatmap.svg"] = HeatmapSvg(g);
  }
  return files;
}

}  // namespace leasesim::sim
