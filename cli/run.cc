// run.cc — `leasesim run SCENARIO`.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ostream>

#include <fmt/format.h>

#include "cli/commands.h"
#include "sim/go_duration.h"
#include "sim/cluster_report.h"
#include "sim/input_file.h"
#include "sim/output_target.h"
#include "sim/runner.h"

namespace leasesim::sim {

int RunCommand(const RunArgs& a, const WallClock& wall, std::ostream& out, std::ostream& err) {
  std::string error;
  std::optional<Scenario> s = LoadScenarioFile(a.scenario, &error);
  if (!s) {
    err << "leasesim: " << error << "\n";
    return kExitBadInput;
  }
  // Every output destination is checked before the run, so that a long run never ends in
  // "cannot write" (stale temporary files of these targets are removed on the way).
  const bool trace_to_stdout = a.trace == "-" || a.trace == "/dev/stdout";
  if (trace_to_stdout && a.report == "-") {
    err << fmt::format("leasesim run: --trace {} and --report - both ask for stdout: give one of them a FILE "
                       "(leasesim help run)\n", a.trace);
    return kExitBadInput;
  }
  if (a.perfetto == "-") {
    err << "leasesim run: --perfetto: a FILE, not - (leasesim help run)\n";
    return kExitBadInput;
  }
  for (const std::string* path : {&a.trace, &a.report, &a.perfetto}) {
    if (*path == "-") continue;  // --trace - / --report -: stdout
    if (!PrepareOutputFile(*path, &error)) {
      err << "leasesim: " << error << "\n";
      return kExitBadInput;
    }
  }
  // --report - / --trace -: stdout carries the report JSON or the trace alone (for jq);
  // the text goes to stderr.
  std::ostream& text = a.report == "-" || trace_to_stdout ? err : out;
  const uint64_t seed = a.seed.value_or(s->seed);
  text << "seed: " << seed << "\n" << std::flush;
  RunOptions o;
  o.seed = seed;
  if (!a.test_break_invariant.empty()) {
    const auto b = ParseTestBreak(a.test_break_invariant);
    if (!b) {
      err << "leasesim: --test-break-invariant: unknown value \"" << a.test_break_invariant << "\"\n";
      return kExitBadInput;
    }
    o.test_break = *b;
  }
  // --trace -: the trace is written in place to standard output (sim/output_target.h).
  const std::string trace = a.trace == "-" ? std::string("/dev/stdout") : a.trace;
  o.trace_path = trace;
  o.cancel = a.cancel;
  // A --trace that is a device, FIFO or socket (/dev/null, a shell's >(...)) is written
  // in place (sim/output_target.h): it is never removed, and cannot be read back.
  const bool trace_in_place = !trace.empty() && ClassifyOutput(trace) == OutputTarget::kInPlace;
  // --perfetto without a trace file to read back: the trace goes to a temporary file
  // beside the output (and from there to the --trace device, if one was given).
  const bool temp_trace = !a.perfetto.empty() && (trace.empty() || trace_in_place);
  if (temp_trace) o.trace_path = a.perfetto + ".trace.jsonl";
  const double t0 = wall();
  RunResult r;
  try {
    r = RunScenario(*s, o);
  } catch (const std::runtime_error& e) {
    err << "leasesim: " << e.what() << "\n";
    return kExitBadInput;
  }
  if (!a.perfetto.empty()) {
    bool written = WritePerfettoFile(o.trace_path, a.perfetto, &error);
    if (written && trace_in_place) {
      std::string trace_text;
      written = ReadInputFile(o.trace_path, &trace_text, &error) && WriteFileAtomically(trace, trace_text, &error);
    }
    if (temp_trace) std::remove(o.trace_path.c_str());
    if (!written) {
      err << "leasesim: " << error << "\n";
      return kExitBadInput;
    }
  }
  r.stats.wall_s = wall() - t0;
  if (!a.quiet) {
    if (r.cluster) text << ClusterSummaryText(*s->cluster, *r.cluster);
    text << SummaryText(*s, r.results, r.expectations, r.stats, r.invariant_breaches);
  } else {
    text << (r.passed ? "PASS" : "FAIL") << " " << a.scenario << "\n";
  }
  if (a.stats) {
    const double sim_s = std::chrono::duration<double>(s->duration).count();
    text << fmt::format("stats: {} events in {:.3f} s wall ({:.0f} events/s), {:.0f} simulated s per wall s\n",
                       r.stats.events, r.stats.wall_s, r.stats.wall_s > 0 ? r.stats.events / r.stats.wall_s : 0.0,
                       r.stats.wall_s > 0 ? sim_s / r.stats.wall_s : 0.0);
  }
  nlohmann::json report;
  if (!a.report.empty()) {
    report = BuildReport(*s, r.results, r.expectations, r.stats, r.invariant_breaches);
    if (r.cluster) report["cluster"] = ClusterReportJson(*s->cluster, *r.cluster);
  }
  if (a.report == "-") {
    out << report.dump(2) << "\n";
  } else if (!a.report.empty()) {
    if (!WriteFileAtomically(a.report, report.dump(2) + "\n", &error)) {
      err << "leasesim: " << error << "\n";
      // All outputs or none (but a device such as /dev/null is never removed).
      if (!trace.empty() && !trace_in_place) std::remove(trace.c_str());
      return kExitBadInput;
    }
  }
  if (!r.passed) {
    if (!r.invariant_breaches.empty()) {
      err << fmt::format("leasesim: {}: {} invariant breach(es), first {} at {} (seed {})\n", a.scenario,
                         r.invariant_breaches.size(), r.invariant_breaches.front().invariant,
                         FormatGoDuration(std::chrono::round<std::chrono::milliseconds>(
                             r.invariant_breaches.front().at - kTrueEpoch)),
                         seed);
    }
    if (!AllHeld(r.expectations)) err << fmt::format("leasesim: {}: expectations failed (seed {})\n", a.scenario, seed);
  }
  return r.passed ? kExitPass : kExitExpectationFailed;
}

}  // namespace leasesim::sim
