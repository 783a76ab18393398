// shard_merge.h — what sweep and chaos share to run a slice of their runs (a shard) and to
// join shard directories again (`leasesim merge`): the run indices of a shard, and the
// checks that a list of directories is the shards 0..N-1 of one output.
//
//   for (int64_t r : sim::ShardIndices(total, shard)) ...
//   sim::ReadShardDirs(dirs, {.format = "leasesim-sweep/1", ...}, [&](const sim::ShardDir& d) { ... }, &err);
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/sweep/output.h"

namespace leasesim::sim {

// ShardIndices lists the indices r in [0, total) of `shard` (r % count == index), ascending.
std::vector<int64_t> ShardIndices(int64_t total, Shard shard);

// ReadTextFile is the whole file, or nullopt when it cannot be read.
std::optional<std::string> ReadTextFile(const std::filesystem::path& path);

// ShardDir is one shard directory with its parsed manifest.json.
struct ShardDir {
  std::string dir;
  nlohmann::json manifest;
  Shard shard;
};

// ShardManifestKind says what a manifest of this kind of output must hold: its `format`;
// `body_key` (the canonical input, e.g. "sweep") and `file_key` (a string, e.g.
// "sweepFile"), both equal in every shard; `extra_integer_keys` present as integers;
// `kind` and `dir_kind` name it in errors ("sweep", "sweep output directory").
struct ShardManifestKind {
  std::string_view format;
  std::string_view body_key;
  std::string_view file_key;
  std::vector<std::string> extra_integer_keys;
  std::string_view kind;
  std::string_view dir_kind;
};

// ReadShardDirs reads `dirs` in order: each manifest.json is parsed and checked (format,
// integer "shard"/"shards", same body and file as the first, shard i of the same N, each
// shard once), then `read_rows` is called with it (returning false after setting *err
// stops the merge); at the end every shard 0..N-1 must have been given. nullopt and a
// one-line `*err` naming the directory or file otherwise.
std::optional<std::vector<ShardDir>> ReadShardDirs(const std::vector<std::string>& dirs, const ShardManifestKind& kind,
                                                   const std::function<bool(const ShardDir&)>& read_rows, std::string* err);

}  // namespace leasesim::sim
