// journal.h — the finished runs of a sweep in progress, kept so that an interrupted sweep
// can be resumed (`leasesim sweep --resume`).
//
// A sweep writes into a staging directory (harness/output_files.h StagingDir) and renames
// it into place only when every run is done. While it runs, the staging directory holds
// `manifest.json` (this sweep and shard, written first) and `runs.partial.csv`: the
// runs.csv header, then one line per finished run, appended and flushed in completion
// order. After an interruption (SIGINT, SIGTERM, SIGKILL, a lost pod) the lines that were
// completely written are the finished runs; a line cut short is ignored. Resuming reads
// them back (when the manifest is this sweep's and shard's), runs only the rest, and
// writes exactly what an uninterrupted sweep writes: runs are deterministic.
//
//   auto j = sim::SweepJournal::Open(staging, spec, points, shard, /*resume=*/true, &err);
//   o.reuse = &j->finished();  o.on_row = [&](const RunRow& r) { j->Append(r); };
#pragma once

#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "harness/sweep/output.h"
#include "harness/sweep/spec.h"
#include "harness/sweep/stats.h"

namespace leasesim::sim {

class SweepJournal {
 public:
  // kFile is the journal's name inside the staging directory.
  static constexpr const char* kFile = "runs.partial.csv";

  // Open starts the journal in `staging` (an existing directory): it writes
  // manifest.json and a fresh runs.partial.csv, or with `resume` first reads back the
  // finished runs of an interrupted sweep there. Resuming a directory whose manifest is
  // another sweep or shard, or whose rows are not runs of this shard, is an error (*err
  // names the file); no journal there is a fresh start.
  static std::optional<SweepJournal> Open(const std::string& staging, const SweepSpec& spec,
                                          const std::vector<SweepPoint>& points, Shard shard, bool resume,
                                          std::string* err);

  // finished: rows of runs finished before, by run index.
  const std::map<int64_t, RunRow>& finished() const { return finished_; }
  // Append writes one finished run's line and flushes it; false on an I/O error.
  bool Append(const RunRow& row);
  // Finish closes and removes the journal (the complete runs.csv replaces it).
  void Finish();

 private:
  struct Closer {
    void operator()(std::FILE* f) const { std::fclose(f); }
  };
  std::string path_;
  std::unique_ptr<std::FILE, Closer> file_;
  std::map<int64_t, RunRow> finished_;
};

}  // namespace leasesim::sim
