// main.cc — the `leasesim` command line. The only place that reads the real clock.
#include <chrono>
#include <iostream>

#include <CLI/CLI.hpp>

#include "sim/cli.h"

namespace {
double WallSeconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}
}  // namespace

int main(int argc, char** argv) {
  using namespace leasesim::sim;
  CLI::App app{
      "leasesim — deterministic simulation of Kubernetes lease leader election (client-go's "
      "LeaderElector) under clock skew, latency, partitions, crashes and API-server trouble.\n"
      "Exit codes: 0 pass, 1 an expectation failed, 2 bad input, 3 internal error, 4 nondeterminism."};
  app.require_subcommand(1);
  app.set_version_flag("--version", "leasesim 0.1.0");

  RunArgs run;
  CLI::App* run_cmd = app.add_subcommand("run", "Run one scenario and report who led when, split-brain, no-leader, failovers");
  run_cmd->add_option("scenario", run.scenario, "Scenario file (JSON, see scenarios/README.md)")->required();
  run_cmd->add_option("--seed", run.seed, "Seed (default: the scenario's \"seed\")");
  run_cmd->add_option("--trace", run.trace, "Write the event trace (JSON Lines) to FILE");
  run_cmd->add_option("--report", run.report, "Write the JSON report to FILE");
  run_cmd->add_flag("--stats", run.stats, "Print events, wall time and the speedup");
  run_cmd->add_flag("-q,--quiet", run.quiet, "Print only the seed and the verdict line");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : kExitBadInput;
  }
  try {
    if (*run_cmd) return RunCommand(run, WallSeconds, std::cout, std::cerr);
  } catch (const std::exception& e) {
    std::cerr << "leasesim: internal error: " << e.what() << "\n";
    return kExitInternal;
  }
  return kExitBadInput;
}
