// run.cc — `leasesim run SCENARIO`.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ostream>

#include <fmt/format.h>

#include "cli/commands.h"
#include "sim/cluster_report.h"
#include "sim/runner.h"

namespace leasesim::sim {

int RunCommand(const RunArgs& a, const WallClock& wall, std::ostream& out, std::ostream& err) {
  std::string error;
  std::optional<Scenario> s = LoadScenarioFile(a.scenario, &error);
  if (!s) {
    err << "leasesim: " << error << "\n";
    return kExitBadInput;
  }
  const uint64_t seed = a.seed.value_or(s->seed);
  out << "seed: " << seed << "\n" << std::flush;
  RunOptions o;
  o.seed = seed;
  o.trace_path = a.trace;
  const double t0 = wall();
  RunResult r;
  try {
    r = RunScenario(*s, o);
  } catch (const std::runtime_error& e) {
    err << "leasesim: " << e.what() << "\n";
    return kExitBadInput;
  }
  r.stats.wall_s = wall() - t0;
  if (!a.quiet) {
    if (r.cluster) out << ClusterSummaryText(*s->cluster, *r.cluster);
    out << SummaryText(*s, r.results, r.expectations, r.stats);
  } else {
    out << (r.passed ? "PASS" : "FAIL") << " " << a.scenario << "\n";
  }
  if (a.stats) {
    const double sim_s = std::chrono::duration<double>(s->duration).count();
    out << fmt::format("stats: {} events in {:.3f} s wall ({:.0f} events/s), {:.0f} simulated s per wall s\n",
                       r.stats.events, r.stats.wall_s, r.stats.wall_s > 0 ? r.stats.events / r.stats.wall_s : 0.0,
                       r.stats.wall_s > 0 ? sim_s / r.stats.wall_s : 0.0);
  }
  if (!a.report.empty()) {
    nlohmann::json report = BuildReport(*s, r.results, r.expectations, r.stats);
    if (r.cluster) report["cluster"] = ClusterReportJson(*s->cluster, *r.cluster);
    if (!WriteFileAtomically(a.report, report.dump(2) + "\n", &error)) {
      err << "leasesim: " << error << "\n";
      return kExitBadInput;
    }
  }
  if (!r.passed) err << fmt::format("leasesim: {}: expectations failed (seed {})\n", a.scenario, seed);
  return r.passed ? kExitPass : kExitExpectationFailed;
}

}  // namespace leasesim::sim
