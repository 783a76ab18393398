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
#include <thread>

#include <fmt/format.h>

#include "cli/commands.h"
#include "harness/output_files.h"
#include "harness/progress.h"
#include "harness/chaos/chaos.h"
#include "harness/sweep/sweep.h"

namespace leasesim::sim {

int SweepCommand(const SweepArgs& a, const WallClock& wall, std::ostream& out, std::ostream& err) {
  Shard shard;
  if (!a.shard.empty()) {
    std::string e;
    auto s = ParseShard(a.shard, &e);
    if (!s) {
      err << e << "\n";
      return kExitBadInput;
    }
    shard = *s;
  }
  std::string e;
  auto spec = LoadSweepFile(a.sweep, &e);
  if (!spec) {
    err << e << "\n";
    return kExitBadInput;
  }
  const double t0 = wall();
  const std::vector<SweepPoint> points = ExpandPoints(*spec);
  for (const SweepPoint& p : points) {
    if (!p.scenario) err << fmt::format("skipping invalid point {}: {}\n", p.index, p.error);
  }
  SweepRunOptions o;
  o.jobs = a.jobs > 0 ? a.jobs : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  o.shard = shard;
  ProgressBar bar(err, wall);
  if (a.progress && isatty(STDERR_FILENO)) o.progress = [&bar](int64_t done, int64_t total) { bar(done, total); };
  const std::vector<RunRow> rows = RunSweep(*spec, points, o);
  const double seconds = wall() - t0;
  const SweepReport rep = BuildSweepReport(*spec, points, rows);
  if (!WriteDir(a.out_dir, SweepOutputFiles(rep, rows, shard), err)) return kExitInternal;
  if (shard.count > 1) {
    out << fmt::format("shard {}/{}: {} run(s) written to {}/runs.csv; join the shards with `leasesim merge`\n",
                       shard.index, shard.count, rows.size(), a.out_dir);
  } else {
    out << SummaryText(rep);
  }
  out << fmt::format("{} run(s) on {} worker(s) in {:.2f} s wall ({:.0f} runs/s); outputs in {}/\n", rows.size(), o.jobs,
                     seconds, seconds > 0 ? static_cast<double>(rows.size()) / seconds : 0.0, a.out_dir);
  return kExitPass;
}

int MergeCommand(const MergeArgs& args, std::ostream& out, std::ostream& err) {
  MergeArgs a = args;
  if (!a.inputs.empty() && IsChaosShardDir(a.inputs.front())) {
    if (a.out_dir.empty()) a.out_dir = "chaos-out";
    return ChaosMergeCommand(a, out, err);
  }
  if (a.out_dir.empty()) a.out_dir = "sweep-out";
  std::string e;
  auto merged = MergeShardDirs(a.inputs, &e);
  if (!merged) {
    err << e << "\n";
    return kExitBadInput;
  }
  const SweepReport rep = BuildSweepReport(merged->spec, merged->points, merged->rows);
  if (!WriteDir(a.out_dir, SweepOutputFiles(rep, merged->rows, Shard{0, 1}), err)) return kExitInternal;
  out << SummaryText(rep);
  out << fmt::format("merged {} shard(s), {} run(s); outputs in {}/\n", a.inputs.size(), merged->rows.size(), a.out_dir);
  return kExitPass;
}

}  // namespace leasesim::sim
