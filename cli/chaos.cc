// chaos.cc — `leasesim chaos` (docs/chaos.md) and the chaos half of `leasesim merge`.
//
// chaos: load the chaos file, run the shard's seeds on --jobs threads (a progress bar with
// failures found and an ETA when stderr is a terminal), group failures into classes,
// shrink one reproducer per class, write the output directory atomically and print the
// summary. Exit 0 when nothing failed, 1 when failures were found, 2 on bad input. Wall
// time appears only on stdout/stderr, never in a file.
#include <unistd.h>

#include <filesystem>
#include <ostream>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/outputs.h"
#include "harness/chaos/chaos.h"
#include "harness/check/junit.h"
#include "harness/output_files.h"
#include "harness/progress.h"

namespace leasesim::sim {
namespace {

// Finish builds the report, writes the directory prepared before the runs (and JUnit) and
// prints the summary.
int Finish(const ChaosSpec& spec, const std::vector<ChaosRow>& rows, Shard shard, int64_t budget, int jobs,
           const std::string& out_dir, const std::string& junit, const std::string& program, std::ostream& out,
           std::ostream& err) {
  ChaosReport rep;
  if (shard.count == 1) rep = BuildChaosReport(spec, rows, {.shrink_budget = budget, .jobs = jobs});
  int64_t failing = 0;
  for (const ChaosRow& r : rows) failing += r.Failed() ? 1 : 0;
  if (!CommitOutDir(out_dir, ChaosOutputFiles(spec, rows, rep, shard, budget), err)) return kExitInternal;
  if (!junit.empty() && shard.count == 1) {
    std::string e;
    if (!WriteFileAtomically(junit, ChaosJunitXml(spec, rep, out_dir, program), &e)) {
      err << "leasesim: " << e << "\n";
      return kExitBadInput;
    }
  }
  if (shard.count > 1) {
    out << ShardLine(shard, rows.size(), fmt::format(", {} failing,", failing), out_dir, program);
  } else {
    out << ChaosSummaryText(spec, rep);
    for (const FailureClass& c : rep.classes) {
      out << fmt::format("reproduce {}: {}\n", c.cls, ChaosReproduceCommand(program, out_dir, c.shrunk_path));
    }
  }
  return failing > 0 ? kExitExpectationFailed : kExitPass;
}

// PrepareOutputs checks --out and --junit before any run (nothing is written on failure).
bool PrepareOutputs(const std::string& out_dir, const std::string& junit, std::ostream& err) {
  std::string e;
  if (!PrepareOutputFile(junit, &e)) {
    err << "leasesim: " << e << "\n";
    return false;
  }
  return PrepareOutDir(out_dir, false, err);
}

}  // namespace

int ChaosCommand(const ChaosArgs& a, const WallClock& wall, std::ostream& out, std::ostream& err) {
  const std::optional<Shard> shard_arg = ShardArg(a.shard, err);
  if (!shard_arg) return kExitBadInput;
  const Shard shard = *shard_arg;
  if (a.shrink_budget < 0) {
    err << "leasesim chaos: --shrink-budget: must not be negative\n";
    return kExitBadInput;
  }
  std::string e;
  auto spec = LoadChaosFile(a.chaos, &e);
  if (!spec) {
    err << "leasesim: " << e << "\n";
    return kExitBadInput;
  }
  if (a.seeds) {
    if (*a.seeds < 1 || *a.seeds > kMaxChaosSeeds) {
      err << fmt::format("leasesim chaos: --seeds: expected an integer in [1, {}], got {}\n", kMaxChaosSeeds, *a.seeds);
      return kExitBadInput;
    }
    spec->seeds = *a.seeds;
    spec->source["seeds"] = *a.seeds;  // the manifest's canonical file says how many were run
  }
  // Every destination is checked before the first run, as sweep does.
  if (!PrepareOutputs(a.out_dir, shard.count == 1 ? a.junit : "", err)) return kExitBadInput;
  const double t0 = wall();
  ChaosRunOptions o;
  o.jobs = Jobs(a.jobs);
  o.shard = shard;
  ProgressBar bar(err, wall);
  if (a.progress && isatty(STDERR_FILENO)) {
    o.progress = [&bar](int64_t done, int64_t total, int64_t failures) {
      bar(done, total, fmt::format("{} failing", failures));
    };
  }
  const std::vector<ChaosRow> rows = RunChaos(*spec, o);
  const double run_s = wall() - t0;
  const int code = Finish(*spec, rows, shard, a.shrink_budget, o.jobs, a.out_dir, a.junit, a.program, out, err);
  const double total_s = wall() - t0;
  out << WallLine(rows.size(), o.jobs, run_s, fmt::format(", shrinking {:.2f} s", total_s - run_s), a.out_dir);
  return code;
}

int ChaosMergeCommand(const MergeArgs& a, std::ostream& out, std::ostream& err) {
  if (!PrepareOutputs(a.out_dir, a.junit, err)) return kExitBadInput;
  std::string e;
  auto merged = MergeChaosShardDirs(a.inputs, &e);
  if (!merged) {
    std::error_code ec;
    std::filesystem::remove_all(StagingDir(a.out_dir), ec);
    err << "leasesim: " << e << "\n";
    return kExitBadInput;
  }
  const int code = Finish(merged->spec, merged->rows, Shard{0, 1}, merged->shrink_budget, Jobs(a.jobs), a.out_dir,
                          a.junit, a.program, out, err);
  out << MergedLine(a.inputs.size(), merged->rows.size(), a.out_dir);
  return code;
}

}  // namespace leasesim::sim
