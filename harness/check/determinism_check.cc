// determinism_check.cc — CheckDeterminism.
#include "harness/check/determinism_check.h"

#include <stdlib.h>

#include <filesystem>
#include <stdexcept>
#include <system_error>

#include <fmt/format.h>

#include "harness/parallel_for.h"
#include "sim/runner.h"

namespace leasesim::sim {

namespace fs = std::filesystem;

int SecondPassWorkers(size_t n, int jobs) {
  const int first = WorkerCount(n, jobs);
  return first > 1 ? first - 1 : 2;
}

namespace {

// TempDir is a fresh private directory under the system temporary directory ($TMPDIR),
// removed with everything in it when it goes out of scope.
class TempDir {
 public:
  TempDir() {
    std::error_code ec;
    std::string templ = (fs::temp_directory_path(ec) / "leasesim-check-XXXXXX").string();
    if (ec) templ = "/tmp/leasesim-check-XXXXXX";
    if (mkdtemp(templ.data()) == nullptr) throw std::runtime_error(fmt::format("{}: cannot create directory", templ));
    path_ = templ;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// Locate re-runs both variants of case `i` with traces and compares them.
void Locate(const Scenario& s, size_t i, const DeterminismOptions& o, const fs::path& dir, DeterminismResult* r) {
  const std::string first_trace = (dir / fmt::format("{}-run1.jsonl", i)).string();
  const std::string second_trace = (dir / fmt::format("{}-run2.jsonl", i)).string();
  std::string hashes[2];
  try {
    RunOptions ro;
    ro.perturb_order = o.perturb_order;
    ro.trace_path = first_trace;
    hashes[0] = RunScenario(s, ro).stats.trace_hash;
    ro.perturb_order = o.perturb_order == 0 ? 0 : o.perturb_order + 1;
    ro.trace_path = second_trace;
    hashes[1] = RunScenario(s, ro).stats.trace_hash;
  } catch (const std::runtime_error& e) {
    r->note = fmt::format("cannot trace the re-runs: {}", e.what());
    return;
  }
  TraceComparison c = CompareTraces(first_trace, second_trace);
  if (!c.error.empty()) {
    r->note = c.error;
  } else if (!c.divergence) {
    r->note = fmt::format("the traced re-runs agreed (trace hash {} and {}): the nondeterminism did not reproduce",
                          hashes[0], hashes[1]);
  } else {
    r->divergence = std::move(c.divergence);
  }
  std::error_code ec;
  fs::remove(first_trace, ec);
  fs::remove(second_trace, ec);
}

}  // namespace

std::vector<DeterminismResult> CheckDeterminism(const std::vector<SuiteCase>& cases,
                                                const std::vector<SuiteCaseResult>& first,
                                                const DeterminismOptions& o) {
  SuiteRunOptions second_pass;
  second_pass.jobs = SecondPassWorkers(cases.size(), o.jobs);
  second_pass.reverse = true;
  second_pass.perturb_order = o.perturb_order == 0 ? 0 : o.perturb_order + 1;
  second_pass.wall = o.wall;
  const std::vector<SuiteCaseResult> second = RunSuite(cases, second_pass);

  std::vector<DeterminismResult> out(cases.size());
  std::vector<size_t> mismatched;
  for (size_t i = 0; i < cases.size(); ++i) {
    if (!first[i].ran()) continue;
    out[i].checked = true;
    out[i].first_hash = first[i].trace_hash;
    if (!second[i].ran()) {
      // The second run could not write what the first could: report it as a mismatch.
      out[i].second_hash = "(none)";
      out[i].note = second[i].error;
      continue;
    }
    out[i].second_hash = second[i].trace_hash;
    if (out[i].mismatch()) mismatched.push_back(i);
  }
  if (mismatched.empty()) return out;
  TempDir dir;
  ParallelFor(mismatched.size(), {.jobs = o.jobs}, [&](size_t k) {
    const size_t i = mismatched[k];
    Locate(*cases[i].scenario, i, o, dir.path(), &out[i]);
  });
  return out;
}

}  // namespace leasesim::sim
