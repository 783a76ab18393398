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

  CheckArgs check;
  CLI::App* check_cmd = app.add_subcommand(
      "check", "Run a suite of scenarios for CI: a table of verdicts, optional JUnit XML and determinism check");
  check_cmd->add_option("paths", check.paths, "Scenario files or directories (recursive; default: scenarios)");
  check_cmd->add_option("--junit", check.junit, "Write JUnit XML to FILE");
  check_cmd->add_option("-j,--jobs", check.jobs, "Worker threads (default: number of cores)")->check(CLI::NonNegativeNumber);
  check_cmd->add_flag("--determinism", check.determinism,
                      "Run each scenario twice (and across worker counts) and compare trace hashes (exit 4 on a mismatch)");
  check_cmd->add_option("--filter", check.filter, "Only scenarios whose path matches GLOB");
  check_cmd->add_option("--test-perturb-order", check.test_perturb_order, "Test only: perturb event order")
      ->group("");
  check_cmd->add_flag("-q,--quiet", check.quiet, "Print only failures and the summary line");

  SweepArgs sweep;
  CLI::App* sweep_cmd = app.add_subcommand(
      "sweep", "Sweep LeaseDuration/RenewDeadline/RetryPeriod (and fault intensities) over seeds: failover, split-brain, API load");
  sweep_cmd->add_option("sweep", sweep.sweep, "Sweep file (JSON, see docs/sweep.md)")->required();
  sweep_cmd->add_option("-j,--jobs", sweep.jobs, "Worker threads (default: number of cores)")->check(CLI::NonNegativeNumber);
  sweep_cmd->add_option("--out", sweep.out_dir, "Output directory (default: sweep-out)");
  sweep_cmd->add_option("--shard", sweep.shard, "Run only slice i of N (\"i/N\", 0-based), for leasesim merge");
  sweep_cmd->add_flag("!--no-progress", sweep.progress, "No progress bar");

  MergeArgs merge;
  CLI::App* merge_cmd = app.add_subcommand("merge", "Join sharded sweep outputs into what one unsharded run writes");
  merge_cmd->add_option("inputs", merge.inputs, "Shard output directories")->required();
  merge_cmd->add_option("--out", merge.out_dir, "Output directory (default: sweep-out)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : kExitBadInput;
  }
  try {
    if (*run_cmd) return RunCommand(run, WallSeconds, std::cout, std::cerr);
    if (*check_cmd) return CheckCommand(check, WallSeconds, std::cout, std::cerr);
    if (*sweep_cmd) return SweepCommand(sweep, WallSeconds, std::cout, std::cerr);
    if (*merge_cmd) return MergeCommand(merge, std::cout, std::cerr);
  } catch (const std::exception& e) {
    std::cerr << "leasesim: internal error: " << e.what() << "\n";
    return kExitInternal;
  }
  return kExitBadInput;
}
