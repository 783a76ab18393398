// outputs.h — what `leasesim sweep`, `leasesim chaos` and `leasesim merge` share at both
// ends of their work: the --jobs and --shard arguments, the output directory checked
// before the runs and committed after them, and the closing lines they print.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "harness/sweep/output.h"

namespace leasesim::sim {

// Jobs is --jobs: 0 means one worker per core.
int Jobs(int jobs);

// ShardArg reads --shard ("i/N"; empty = the whole run); nullopt after a one-line error.
std::optional<Shard> ShardArg(const std::string& text, std::ostream& err);

// PrepareOutDir checks, before any run, that `out_dir` may be replaced (it does not exist,
// is empty, or holds a manifest.json of an earlier output) and creates its staging
// directory (harness/output_files.h PrepareStagingDir); false after a one-line error.
bool PrepareOutDir(const std::string& out_dir, bool resume, std::ostream& err);

// CommitOutDir writes `files` into the staging directory and renames it to `out_dir`
// (never a half-written or mixed directory); false after a one-line error.
bool CommitOutDir(const std::string& out_dir, const std::map<std::string, std::string>& files, std::ostream& err);

// ShardLine is "shard 0/2: 5 run(s)<note> written to DIR/runs.csv; join the shards with
// `PROGRAM merge`" (note: e.g. ", 1 failing,").
std::string ShardLine(Shard shard, size_t runs, std::string_view note, const std::string& out_dir, std::string_view program);

// WallLine is "N run(s) on J worker(s) in S s wall (R runs/s)<tail>; outputs in DIR/"
// (wall time appears only here, never in a file).
std::string WallLine(size_t runs, int jobs, double seconds, std::string_view tail, const std::string& out_dir);

// MergedLine is "merged N shard(s), M run(s); outputs in DIR/".
std::string MergedLine(size_t shards, size_t runs, const std::string& out_dir);

}  // namespace leasesim::sim
