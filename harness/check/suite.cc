// suite.cc — suite discovery, loading and runs.
#include "harness/check/suite.h"

#include <fnmatch.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>

#include <fmt/format.h>

#include "harness/chaos/spec.h"
#include "harness/parallel_for.h"
#include "sim/document_input.h"
#include "sim/input_file.h"
#include "sim/runner.h"

namespace leasesim::sim {

namespace fs = std::filesystem;

namespace {
// SkipNote is why `leasesim check` leaves a file out: a chaos file (top-level "kind":
// "chaos") or a sweep file (a top-level "base", which no scenario has), in JSON or YAML;
// "" for anything else (unreadable and invalid files included: the scenario loader
// reports those as the file's ERROR row).
std::string SkipNote(const std::string& path) {
  std::string text;
  if (!ReadInputFile(path, &text, nullptr)) return "";  // (never opens a FIFO)
  if (text.find("chaos") == std::string::npos && text.find("base") == std::string::npos) return "";
  nlohmann::json j;
  if (IsYamlPath(path)) {
    std::string err;
    auto d = ParseYaml(text, path, &err);
    if (!d) return "";
    j = std::move(d->root);
  } else {
    j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false, /*ignore_comments=*/true);
  }
  if (IsChaosJson(j)) {
    return fmt::format("{}: a chaos file (\"kind\": \"chaos\"), not a scenario: skipped (run it with `leasesim chaos {}`)",
                       path, path);
  }
  if (j.is_object() && j.contains("base")) {
    return fmt::format("{}: a sweep file (\"base\"), not a scenario: skipped (run it with `leasesim sweep {}`)", path,
                       path);
  }
  return "";
}
}  // namespace

SuiteSelection DiscoverSuite(const std::vector<std::string>& paths, const std::string& filter) {
  SuiteSelection sel;
  std::vector<std::string> found;
  for (const std::string& p : paths) {
    std::error_code ec;
    const fs::file_status st = fs::status(p, ec);
    if (ec || !fs::exists(st)) {
      sel.errors.push_back(fmt::format("{}: no such file or directory", p));
      continue;
    }
    if (!fs::is_directory(st)) {
      found.push_back(p);
      continue;
    }
    fs::recursive_directory_iterator it(p, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
      const fs::directory_entry& e = *it;
      std::error_code fec;
      const bool scenario_ext = e.path().extension() == ".json" || IsYamlPath(e.path().string());
      if (e.is_regular_file(fec) && scenario_ext) found.push_back(e.path().generic_string());
    }
    if (ec) sel.errors.push_back(fmt::format("{}: cannot list directory: {}", p, ec.message()));
  }
  std::sort(found.begin(), found.end());
  found.erase(std::unique(found.begin(), found.end()), found.end());
  for (std::string& f : found) {
    if (!filter.empty() && fnmatch(filter.c_str(), f.c_str(), 0) != 0) continue;
    if (std::string note = SkipNote(f); !note.empty()) {
      sel.skipped.push_back(std::move(note));
      continue;
    }
    sel.files.push_back(std::move(f));
  }
  return sel;
}

std::vector<SuiteCase> LoadSuite(const std::vector<std::string>& files, int jobs) {
  std::vector<SuiteCase> cases(files.size());
  ParallelFor(files.size(), {.jobs = jobs}, [&](size_t i) {
    cases[i].path = files[i];
    // A file that cannot be loaded is that file's ERROR row, never the suite's end: even an
    // unexpected exception (issue 15, item 18) stays with its file.
    try {
      cases[i].scenario = LoadScenarioFile(files[i], &cases[i].error);
    } catch (const std::exception& e) {
      cases[i].scenario.reset();
      cases[i].error = fmt::format("{}: cannot load: {}", files[i], e.what());
    }
  });
  return cases;
}

namespace {

SuiteCaseResult RunCase(const SuiteCase& c, const SuiteRunOptions& o) {
  SuiteCaseResult out;
  out.path = c.path;
  if (!c.scenario) {
    out.error = c.error;
    return out;
  }
  RunOptions ro;
  ro.perturb_order = o.perturb_order;
  const double t0 = o.wall ? o.wall() : 0;
  RunResult r;
  try {
    r = RunScenario(*c.scenario, ro);
  } catch (const std::runtime_error& e) {
    out.error = e.what();
    return out;
  }
  out.wall_s = o.wall ? o.wall() - t0 : 0;
  out.seed = r.seed;
  out.passed = r.passed;
  out.expectations = std::move(r.expectations);
  out.invariant_breaches = std::move(r.invariant_breaches);
  out.split_brain_total = r.results.split_brain_total;
  out.no_leader_max = r.results.no_leader_max;
  out.transitions = r.results.transitions.size();
  for (const FailoverResult& f : r.results.failovers) {
    if (!f.disrupted) continue;
    if (const std::optional<Duration> d = f.Failover()) {
      out.failover_max = std::max(out.failover_max.value_or(Duration{0}), *d);
    } else {
      out.failover_unrecovered = true;
    }
  }
  out.trace_hash = std::move(r.stats.trace_hash);
  return out;
}

}  // namespace

std::vector<SuiteCaseResult> RunSuite(const std::vector<SuiteCase>& cases, const SuiteRunOptions& o) {
  std::vector<SuiteCaseResult> results(cases.size());
  ParallelFor(cases.size(), {.jobs = o.jobs, .reverse = o.reverse},
              [&](size_t i) { results[i] = RunCase(cases[i], o); });
  return results;
}

std::string ShellQuote(std::string_view s) {
  const bool plain = !s.empty() && std::all_of(s.begin(), s.end(), [](char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           std::string_view("/._-+,:=@%").find(ch) != std::string_view::npos;
  });
  if (plain) return std::string(s);
  std::string quoted = "'";
  for (char ch : s) quoted += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
  return quoted + "'";
}

std::string ReproduceCommand(const std::string& path, uint64_t seed, std::string_view program) {
  return fmt::format("{} run {} --seed {}", program, ShellQuote(path), seed);
}

}  // namespace leasesim::sim
