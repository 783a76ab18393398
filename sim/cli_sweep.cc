// cli_sweep.cc — `leasesim sweep` and `leasesim merge` (docs/sweep.md).
//
// sweep: load the sweep file, expand and validate its points (invalid ones are reported
// and skipped), run the shard's (point, seed) runs on --jobs threads, write the output
// directory (sweep_output.h) and print the summary. merge: rebuild the same directory
// from shard directories. Wall time appears only on stdout/stderr, never in a file.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <ostream>
#include <thread>

#include <fmt/format.h>

#include "sim/cli.h"
#include "sim/sweep.h"

namespace leasesim::sim {
namespace {

bool WriteDir(const std::string& dir, const std::map<std::string, std::string>& files, std::ostream& err) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    err << fmt::format("{}: cannot create directory: {}\n", dir, ec.message());
    return false;
  }
  for (const auto& [name, content] : files) {
    std::string e;
    if (!WriteFileAtomically((std::filesystem::path(dir) / name).string(), content, &e)) {
      err << e << "\n";
      return false;
    }
  }
  return true;
}

// ProgressBar draws "[#####.....] done/total  rate/s  ETA" on one terminal line.
class ProgressBar {
 public:
  ProgressBar(std::ostream& err, const WallClock& wall) : err_(err), wall_(wall), start_(wall()) {}
  void operator()(int64_t done, int64_t total) {
    // At most ~100 redraws: every 1% and the last run.
    const int64_t step = std::max<int64_t>(1, total / 100);
    if (done % step != 0 && done != total) return;
    const double elapsed = wall_() - start_;
    const double rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0;
    const int width = 30, filled = static_cast<int>(width * done / std::max<int64_t>(1, total));
    err_ << fmt::format("\r[{}{}] {}/{} runs  {:.0f} runs/s  ETA {:.0f}s ", std::string(filled, '#'),
                        std::string(width - filled, '.'), done, total, rate,
                        rate > 0 ? static_cast<double>(total - done) / rate : 0.0);
    if (done == total) err_ << "\n";
    err_.flush();
  }

 private:
  std::ostream& err_;
  const WallClock& wall_;
  double start_;
};

}  // namespace

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
  if (a.progress && isatty(STDERR_FILENO)) o.progress = std::ref(bar);
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

int MergeCommand(const MergeArgs& a, std::ostream& out, std::ostream& err) {
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
