// shard_merge.cc — ShardIndices and ReadShardDirs (shard_merge.h).
#include "harness/shard_merge.h"

#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "sim/input_file.h"

namespace leasesim::sim {

std::vector<int64_t> ShardIndices(int64_t total, Shard shard) {
  std::vector<int64_t> out;
  // Start at the first index congruent to shard.index and step by count.
  for (int64_t r = shard.index; r < total; r += shard.count) out.push_back(r);
  return out;
}

std::optional<std::string> ReadTextFile(const std::filesystem::path& path) {
  std::string text;
  if (!ReadInputFile(path, &text, nullptr)) return std::nullopt;  // (never opens a FIFO)
  return text;
}

std::optional<std::vector<ShardDir>> ReadShardDirs(const std::vector<std::string>& dirs, const ShardManifestKind& kind,
                                                   const std::function<bool(const ShardDir&)>& read_rows, std::string* err) {
  using nlohmann::json;
  auto fail = [&](std::string msg) -> std::optional<std::vector<ShardDir>> {
    if (err) *err = std::move(msg);
    return std::nullopt;
  };
  if (dirs.empty()) return fail("merge: no shard directories given");
  const std::string body_key(kind.body_key), file_key(kind.file_key);
  std::vector<ShardDir> out;
  int64_t count = 0;
  std::vector<bool> seen;
  for (const std::string& dir : dirs) {
    const std::filesystem::path mp = std::filesystem::path(dir) / "manifest.json";
    auto text = ReadTextFile(mp);
    if (!text) return fail(fmt::format("{}: cannot read file (is {} a {}?)", mp.string(), dir, kind.dir_kind));
    json m;
    try {
      m = json::parse(*text);
    } catch (const json::parse_error& e) {
      return fail(fmt::format("{}: invalid JSON: {}", mp.string(), e.what()));
    }
    bool ok = m.is_object() && m.value("format", "") == kind.format && m.contains(body_key) &&
              m["shard"].is_number_integer() && m["shards"].is_number_integer() && m[file_key].is_string();
    for (const std::string& k : kind.extra_integer_keys) ok = ok && m[k].is_number_integer();
    if (!ok) return fail(fmt::format("{}: not a {} manifest", mp.string(), kind.format));
    const int64_t i = m["shard"].get<int64_t>(), n = m["shards"].get<int64_t>();
    if (out.empty()) {
      count = n;
      if (n < 1 || n > 1'000'000) return fail(fmt::format("{}: $.shards: bad shard count {}", mp.string(), n));
      seen.assign(static_cast<size_t>(n), false);
    } else if (m[body_key] != out.front().manifest[body_key] || m[file_key] != out.front().manifest[file_key]) {
      return fail(fmt::format("{}: a shard of a different {} than {}", mp.string(), kind.kind, dirs.front()));
    }
    if (n != count) return fail(fmt::format("{}: $.shards: {} shards, but {} says {}", mp.string(), n, dirs.front(), count));
    if (i < 0 || i >= n) return fail(fmt::format("{}: $.shard: {} is not in [0, {})", mp.string(), i, n));
    if (seen[static_cast<size_t>(i)]) return fail(fmt::format("{}: shard {}/{} given twice", mp.string(), i, n));
    seen[static_cast<size_t>(i)] = true;
    out.push_back(ShardDir{dir, std::move(m), Shard{i, n}});
    if (!read_rows(out.back())) return std::nullopt;
  }
  for (int64_t i = 0; i < count; ++i) {
    if (!seen[static_cast<size_t>(i)]) return fail(fmt::format("merge: shard {}/{} is missing", i, count));
  }
  return out;
}

}  // namespace leasesim::sim
