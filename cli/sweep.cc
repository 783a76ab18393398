// sweep.cc — `leasesim sweep` and `leasesim merge` (docs/sweep.md).
//
// sweep: load the sweep file, expand and validate its points (invalid ones are reported
// and skipped), run the shard's (point, seed) runs on --jobs threads, write the output
// directory (harness/sweep/output.h) and print the summary. merge: rebuild the same directory
// from shard directories. Wall time appears only on stdout/stderr, never in a file.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <ostream>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/outputs.h"
#include "harness/output_files.h"
#include "harness/progress.h"
#include "harness/sweep/journal.h"
#include "harness/chaos/chaos.h"
#include "harness/sweep/sweep.h"
#include "sim/go_duration.h"
#include "sim/runner.h"

namespace leasesim::sim {
namespace {

// Floor reads the safety-floor flags; nullopt after a one-line error on `err`.
std::optional<SafetyFloor> Floor(const std::string& margin, double ratio, std::ostream& err) {
  std::string e;
  const std::optional<Duration> m = ParseGoDuration(margin, &e);
  if (!m) {
    err << "leasesim: --min-safety-margin: " << e << "\n";
    return std::nullopt;
  }
  return SafetyFloor{.min_safety_margin = *m, .min_tolerated_clock_rate_ratio = ratio};
}

}  // namespace

int SweepCommand(const SweepArgs& a, const WallClock& wall, std::ostream& out, std::ostream& err) {
  const std::optional<Shard> shard_arg = ShardArg(a.shard, err);
  if (!shard_arg) return kExitBadInput;
  const Shard shard = *shard_arg;
  const std::optional<SafetyFloor> floor = Floor(a.min_safety_margin, a.min_clock_rate_ratio, err);
  if (!floor) return kExitBadInput;
  std::string e;
  auto spec = LoadSweepFile(a.sweep, &e);
  if (!spec) {
    err << "leasesim: " << e << "\n";
    return kExitBadInput;
  }
  if (a.seeds) {  // the same bounds as the file's "seeds" (harness/sweep/spec.h)
    if (*a.seeds < 1 || *a.seeds > kMaxSweepSeeds) {
      err << fmt::format("leasesim sweep: --seeds: expected an integer in [1, {}], got {}\n", kMaxSweepSeeds, *a.seeds);
      return kExitBadInput;
    }
    if (*a.seeds > kMaxSweepRuns / spec->PointCount()) {
      err << fmt::format("leasesim sweep: --seeds: {} points x {} seeds is more than {} runs\n", spec->PointCount(),
                         *a.seeds, kMaxSweepRuns);
      return kExitBadInput;
    }
    spec->seeds = *a.seeds;  // the output's sweep.json (CanonicalSweepJson) says how many were run
  }
  const double t0 = wall();
  const std::vector<SweepPoint> points = ExpandPoints(*spec);
  for (const SweepPoint& p : points) {
    if (!p.scenario) err << fmt::format("leasesim: warning: skipping invalid point {}: {}\n", p.index, p.error);
  }
  // The output goes to a staging directory, checked and created before any run; the
  // finished runs are journaled there as they complete (harness/sweep/journal.h).
  if (!PrepareOutDir(a.out_dir, a.resume, err)) return kExitBadInput;
  const std::string staging = StagingDir(a.out_dir);
  std::optional<SweepJournal> journal = SweepJournal::Open(staging, *spec, points, shard, a.resume, &e);
  if (!journal) {
    err << "leasesim: " << e << "\n";
    return kExitBadInput;
  }
  if (!journal->finished().empty()) {
    out << fmt::format("resuming: {} finished run(s) reused from {}/\n", journal->finished().size(), staging);
  }
  SweepRunOptions o;
  o.jobs = Jobs(a.jobs);
  o.shard = shard;
  o.reuse = &journal->finished();
  o.cancel = a.cancel;
  bool journal_ok = true;
  o.on_row = [&](const RunRow& r) { journal_ok &= journal->Append(r); };
  ProgressBar bar(err, wall);
  if (a.progress && isatty(STDERR_FILENO)) o.progress = [&bar](int64_t done, int64_t total) { bar(done, total); };
  std::vector<RunRow> rows;
  try {
    rows = RunSweep(*spec, points, o);
  } catch (const RunCancelled&) {
    // The journal stays: `--resume` continues from the runs finished so far.
    err << fmt::format("leasesim: sweep interrupted; {} is unchanged, the finished runs are kept in {}/ (rerun with "
                       "--resume)\n", a.out_dir, staging);
    throw;
  }
  const double seconds = wall() - t0;
  if (!journal_ok) err << fmt::format("leasesim: warning: {}/{}: could not save every finished run\n", staging, SweepJournal::kFile);
  const SweepReport rep = BuildSweepReport(*spec, points, rows, *floor);
  if (!WriteDir(staging, SweepOutputFiles(rep, rows, shard), err)) {
    err << fmt::format("leasesim: {} is unchanged; the finished runs are kept in {}/ (rerun with --resume)\n", a.out_dir,
                       staging);
    return kExitInternal;
  }
  journal->Finish();
  if (!CommitOutDir(a.out_dir, {}, err)) return kExitInternal;
  out << (shard.count > 1 ? ShardLine(shard, rows.size(), "", a.out_dir, a.program) : SummaryText(rep));
  out << WallLine(rows.size(), o.jobs, seconds, "", a.out_dir);
  return kExitPass;
}

int MergeCommand(const MergeArgs& args, std::ostream& out, std::ostream& err) {
  MergeArgs a = args;
  if (!a.inputs.empty() && IsChaosShardDir(a.inputs.front())) {
    if (a.out_dir.empty()) a.out_dir = "chaos-out";
    return ChaosMergeCommand(a, out, err);
  }
  if (a.out_dir.empty()) a.out_dir = "sweep-out";
  const std::optional<SafetyFloor> floor = Floor(a.min_safety_margin, a.min_clock_rate_ratio, err);
  if (!floor) return kExitBadInput;
  if (!PrepareOutDir(a.out_dir, false, err)) return kExitBadInput;
  std::string e;
  auto merged = MergeShardDirs(a.inputs, &e);
  if (!merged) {
    std::error_code ec;
    std::filesystem::remove_all(StagingDir(a.out_dir), ec);
    err << "leasesim: " << e << "\n";
    return kExitBadInput;
  }
  const SweepReport rep = BuildSweepReport(merged->spec, merged->points, merged->rows, *floor);
  if (!CommitOutDir(a.out_dir, SweepOutputFiles(rep, merged->rows, Shard{0, 1}), err)) return kExitInternal;
  out << SummaryText(rep);
  out << MergedLine(a.inputs.size(), merged->rows.size(), a.out_dir);
  return kExitPass;
}

}  // namespace leasesim::sim
