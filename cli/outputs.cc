// outputs.cc — the shared ends of sweep, chaos and merge (outputs.h).
#include "cli/outputs.h"

#include <algorithm>
#include <ostream>
#include <thread>

#include <fmt/format.h>

#include "harness/output_files.h"

namespace leasesim::sim {

int Jobs(int jobs) { return jobs > 0 ? jobs : static_cast<int>(std::max(1u, std::thread::hardware_concurrency())); }

std::optional<Shard> ShardArg(const std::string& text, std::ostream& err) {
  if (text.empty()) return Shard{};
  std::string e;
  auto s = ParseShard(text, &e);
  if (!s) err << "leasesim: " << e << "\n";
  return s;
}

bool PrepareOutDir(const std::string& out_dir, bool resume, std::ostream& err) {
  std::string e;
  if (PrepareStagingDir(out_dir, "manifest.json", resume, &e)) return true;
  err << "leasesim: " << e << "\n";
  return false;
}

bool CommitOutDir(const std::string& out_dir, const std::map<std::string, std::string>& files, std::ostream& err) {
  if (!WriteDir(StagingDir(out_dir), files, err)) return false;
  std::string e;
  if (CommitStagingDir(out_dir, &e)) return true;
  err << "leasesim: " << e << "\n";
  return false;
}

std::string ShardLine(Shard shard, size_t runs, std::string_view note, const std::string& out_dir, std::string_view program) {
  return fmt::format("shard {}/{}: {} run(s){} written to {}/runs.csv; join the shards with `{} merge`\n", shard.index,
                     shard.count, runs, note, out_dir, program);
}

std::string WallLine(size_t runs, int jobs, double seconds, std::string_view tail, const std::string& out_dir) {
  return fmt::format("{} run(s) on {} worker(s) in {:.2f} s wall ({:.0f} runs/s){}; outputs in {}/\n", runs, jobs, seconds,
                     seconds > 0 ? static_cast<double>(runs) / seconds : 0.0, tail, out_dir);
}

std::string MergedLine(size_t shards, size_t runs, const std::string& out_dir) {
  return fmt::format("merged {} shard(s), {} run(s); outputs in {}/\n", shards, runs, out_dir);
}

}  // namespace leasesim::sim
