// sweep.cc — RunSweep (a std::thread pool pulling run indices from an atomic counter) and
// MergeShardDirs.
#include "harness/sweep/sweep.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "sim/runner.h"

namespace leasesim::sim {
namespace {

std::optional<std::string> ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

std::vector<int64_t> ShardRuns(const SweepSpec& spec, const std::vector<SweepPoint>& points, Shard shard) {
  std::vector<int64_t> runs;
  const int64_t total = spec.RunCount();
  // Start at the first index congruent to shard.index and step by count.
  for (int64_t r = shard.index; r < total; r += shard.count) {
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
  if (dirs.empty()) return fail("merge: no shard directories given");
  std::optional<nlohmann::json> sweep;
  std::string sweep_file;
  int64_t count = 0;
  std::vector<bool> seen;
  std::vector<RunRow> rows;
  for (const std::string& dir : dirs) {
    const std::filesystem::path mp = std::filesystem::path(dir) / "manifest.json";
    auto text = ReadFile(mp);
    if (!text) return fail(fmt::format("{}: cannot read file (is {} a sweep output directory?)", mp.string(), dir));
    nlohmann::json m;
    try {
      m = nlohmann::json::parse(*text);
    } catch (const nlohmann::json::parse_error& e) {
      return fail(fmt::format("{}: invalid JSON: {}", mp.string(), e.what()));
    }
    if (!m.is_object() || m.value("format", "") != kSweepFormat || !m.contains("sweep") || !m["shard"].is_number_integer() ||
        !m["shards"].is_number_integer() || !m["sweepFile"].is_string()) {
      return fail(fmt::format("{}: not a {} manifest", mp.string(), kSweepFormat));
    }
    const int64_t i = m["shard"].get<int64_t>(), n = m["shards"].get<int64_t>();
    if (!sweep) {
      sweep = m["sweep"];
      sweep_file = m["sweepFile"].get<std::string>();
      count = n;
      if (n < 1 || n > 1'000'000) return fail(fmt::format("{}: $.shards: bad shard count {}", mp.string(), n));
      seen.assign(static_cast<size_t>(n), false);
    } else if (m["sweep"] != *sweep || m["sweepFile"] != sweep_file) {
      return fail(fmt::format("{}: a shard of a different sweep than {}", mp.string(), dirs.front()));
    }
    if (n != count) return fail(fmt::format("{}: $.shards: {} shards, but {} says {}", mp.string(), n, dirs.front(), count));
    if (i < 0 || i >= n) return fail(fmt::format("{}: $.shard: {} is not in [0, {})", mp.string(), i, n));
    if (seen[static_cast<size_t>(i)]) return fail(fmt::format("{}: shard {}/{} given twice", mp.string(), i, n));
    seen[static_cast<size_t>(i)] = true;
    const std::filesystem::path rp = std::filesystem::path(dir) / "runs.csv";
    auto csv = ReadFile(rp);
    if (!csv) return fail(fmt::format("{}: cannot read file", rp.string()));
    auto part = ParseRunsCsv(*csv, rp.string(), err);
    if (!part) return std::nullopt;
    for (RunRow& r : *part) {
      if (r.run % n != i) return fail(fmt::format("{}: run {} does not belong to shard {}/{}", rp.string(), r.run, i, n));
      rows.push_back(std::move(r));
    }
  }
  for (int64_t i = 0; i < count; ++i) {
    if (!seen[static_cast<size_t>(i)]) return fail(fmt::format("merge: shard {}/{} is missing", i, count));
  }
  MergedSweep out;
  auto spec = ParseSweep(sweep->dump(), sweep_file, err);
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
