// sweep.cc — RunSweep (a std::thread pool pulling run indices from an atomic counter) and
// MergeShardDirs.
#include "harness/sweep/sweep.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <filesystem>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "harness/shard_merge.h"
#include "sim/runner.h"

namespace leasesim::sim {
std::vector<int64_t> ShardRuns(const SweepSpec& spec, const std::vector<SweepPoint>& points, Shard shard) {
  std::vector<int64_t> runs;
  for (int64_t r : ShardIndices(spec.RunCount(), shard)) {
    if (points[static_cast<size_t>(r / spec.seeds)].scenario) runs.push_back(r);
  }
  return runs;
}

std::vector<RunRow> RunSweep(const SweepSpec& spec, const std::vector<SweepPoint>& points, const SweepRunOptions& o) {
  const std::vector<int64_t> runs = ShardRuns(spec, points, o.shard);
  std::vector<RunRow> rows(runs.size());
  std::atomic<size_t> next{0};
  std::atomic<bool> stop{false};
  std::mutex mu;  // guards first_error, done and calls to o.progress
  std::exception_ptr first_error;
  int64_t done = 0;
  auto worker = [&] {
    for (;;) {
      const size_t slot = next.fetch_add(1);
      if (slot >= runs.size() || stop.load()) return;
      const int64_t r = runs[slot];
      const auto reused = o.reuse != nullptr ? o.reuse->find(r) : std::map<int64_t, RunRow>::const_iterator{};
      const bool reuse = o.reuse != nullptr && reused != o.reuse->end();
      try {
        if (o.cancel != nullptr && o.cancel->load()) throw RunCancelled();
        if (reuse) {
          rows[slot] = reused->second;
        } else {
          const int64_t point = r / spec.seeds, k = r % spec.seeds;
          const Scenario& s = *points[static_cast<size_t>(point)].scenario;
          RunOptions ro;
          ro.seed = SeedFor(spec, k);
          ro.cancel = o.cancel;
          RunResult res = RunScenario(s, ro);
          rows[slot] = MakeRunRow(r, point, k, *ro.seed, s, res);
        }
      } catch (...) {
        std::lock_guard lock(mu);
        if (!first_error) first_error = std::current_exception();
        stop = true;
        return;
      }
      std::lock_guard lock(mu);
      if (o.on_row && !reuse) o.on_row(rows[slot]);
      if (o.progress) o.progress(++done, static_cast<int64_t>(runs.size()));
    }
  };
  const int jobs = std::max(1, std::min<int>(o.jobs, static_cast<int>(std::max<size_t>(1, runs.size()))));
  std::vector<std::thread> threads;
  for (int i = 1; i < jobs; ++i) threads.emplace_back(worker);
  worker();
  for (std::thread& t : threads) t.join();
  if (first_error) std::rethrow_exception(first_error);
  return rows;
}

std::optional<MergedSweep> MergeShardDirs(const std::vector<std::string>& dirs, std::string* err) {
  auto fail = [&](std::string msg) {
    if (err) *err = std::move(msg);
    return std::nullopt;
  };
  auto reject = [&](std::string msg) {
    if (err) *err = std::move(msg);
    return false;
  };
  std::vector<RunRow> rows;
  const ShardManifestKind kind{.format = kSweepFormat,
                               .body_key = "sweep",
                               .file_key = "sweepFile",
                               .extra_integer_keys = {},
                               .kind = "sweep",
                               .dir_kind = "sweep output directory"};
  auto shards = ReadShardDirs(dirs, kind, [&](const ShardDir& d) {
    const std::filesystem::path rp = std::filesystem::path(d.dir) / "runs.csv";
    const std::filesystem::path fp = std::filesystem::path(d.dir) / "failovers.csv";
    auto csv = ReadTextFile(rp);
    if (!csv) return reject(fmt::format("{}: cannot read file", rp.string()));
    auto fcsv = ReadTextFile(fp);
    if (!fcsv) return reject(fmt::format("{}: cannot read file", fp.string()));
    auto part = ParseRunsCsv(*csv, *fcsv, rp.string(), fp.string(), err);
    if (!part) return false;
    for (RunRow& r : *part) {
      if (r.run % d.shard.count != d.shard.index) {
        return reject(fmt::format("{}: run {} does not belong to shard {}/{}", rp.string(), r.run, d.shard.index,
                                  d.shard.count));
      }
      rows.push_back(std::move(r));
    }
    return true;
  }, err);
  if (!shards) return std::nullopt;
  const nlohmann::json& sweep = shards->front().manifest["sweep"];
  const std::string sweep_file = shards->front().manifest["sweepFile"].get<std::string>();
  MergedSweep out;
  auto spec = ParseSweep(sweep.dump(), sweep_file, err);
  if (!spec) return std::nullopt;
  out.spec = std::move(*spec);
  out.points = ExpandPoints(out.spec);
  std::sort(rows.begin(), rows.end(), [](const RunRow& a, const RunRow& b) { return a.run < b.run; });
  const std::vector<int64_t> expected = ShardRuns(out.spec, out.points, Shard{0, 1});
  if (rows.size() != expected.size()) {
    return fail(fmt::format("merge: {} run rows, but the sweep has {} runs of valid points", rows.size(), expected.size()));
  }
  for (size_t k = 0; k < rows.size(); ++k) {
    const RunRow& r = rows[k];
    if (r.run != expected[k] || r.point != r.run / out.spec.seeds || r.seed_index != r.run % out.spec.seeds) {
      return fail(fmt::format("merge: run {} is missing, duplicated or inconsistent", expected[k]));
    }
  }
  out.rows = std::move(rows);
  return out;
}

}  // namespace leasesim::sim
