// journal.cc — SweepJournal.
#include "harness/sweep/journal.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "harness/output_files.h"
#include "harness/sweep/sweep.h"
#include "sim/input_file.h"

namespace leasesim::sim {

namespace fs = std::filesystem;

namespace {
std::optional<std::string> Slurp(const fs::path& p) {
  std::string text;
  if (!ReadInputFile(p, &text, nullptr)) return std::nullopt;  // (never opens a FIFO)
  return text;
}
}  // namespace

std::optional<SweepJournal> SweepJournal::Open(const std::string& staging, const SweepSpec& spec,
                                               const std::vector<SweepPoint>& points, Shard shard, bool resume,
                                               std::string* err) {
  SweepJournal j;
  const fs::path dir = staging;
  const fs::path manifest = dir / "manifest.json";
  j.path_ = (dir / kFile).string();
  const std::string want = ManifestJson(spec, shard);
  std::string keep;  // the header and the complete lines of finished runs
  if (resume) {
    const std::optional<std::string> have = Slurp(manifest);
    const std::optional<std::string> text = Slurp(j.path_);
    if (have && *have != want) {
      *err = fmt::format("{}: an interrupted run of a different sweep or shard: cannot --resume it (run without "
                         "--resume to start over)", manifest.string());
      return std::nullopt;
    }
    if (have && text) {
      // A line cut short by the interruption is dropped; every complete line must parse.
      const size_t end = text->rfind('\n');
      keep = end == std::string::npos ? "" : text->substr(0, end + 1);
      if (!keep.empty()) {
        auto rows = ParseJournalCsv(keep, j.path_, err);
        if (!rows) return std::nullopt;
        const std::vector<int64_t> runs = ShardRuns(spec, points, shard);
        for (RunRow& r : *rows) {
          if (!std::binary_search(runs.begin(), runs.end(), r.run) || r.point != r.run / spec.seeds ||
              r.seed_index != r.run % spec.seeds || r.seed != SeedFor(spec, r.seed_index)) {
            *err = fmt::format("{}: run {} is not a run of this sweep's shard {}/{}", j.path_, r.run, shard.index,
                               shard.count);
            return std::nullopt;
          }
          const int64_t run = r.run;
          j.finished_[run] = std::move(r);
        }
      }
    }
  }
  if (!WriteFileAtomically(manifest.string(), want, err)) return std::nullopt;
  if (keep.empty()) keep = JournalCsv({});
  // Rewrite the journal without a cut line, then append to it.
  if (!WriteFileAtomically(j.path_, keep, err)) return std::nullopt;
  j.file_.reset(std::fopen(j.path_.c_str(), "ab"));
  if (!j.file_) {
    *err = fmt::format("{}: cannot write: {}", j.path_, std::strerror(errno));
    return std::nullopt;
  }
  return j;
}

bool SweepJournal::Append(const RunRow& row) {
  if (!file_) return false;
  std::string line = JournalCsv({row});
  line.erase(0, line.find('\n') + 1);  // the header
  bool ok = std::fwrite(line.data(), 1, line.size(), file_.get()) == line.size();
  ok &= std::fflush(file_.get()) == 0;
  return ok;
}

void SweepJournal::Finish() {
  file_.reset();
  std::error_code ec;
  fs::remove(path_, ec);
}

}  // namespace leasesim::sim
