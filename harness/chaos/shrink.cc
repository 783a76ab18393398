// shrink.cc — ShrinkFailure: ddmin over faults, then fault simplification, duration cut
// and candidate removal, each step kept only when the failure class survives.
#include "harness/chaos/shrink.h"

#include <algorithm>
#include <cmath>
#include <set>

#include <fmt/format.h>

#include "sim/go_duration.h"
#include "sim/runner.h"

namespace leasesim::sim {
namespace {

using nlohmann::json;

constexpr int64_t kMs = 1'000'000;

int64_t Ns(const json& v) {
  auto d = ParseGoDuration(v.get<std::string>());
  return d ? d->count() : 0;
}
std::string Dur(int64_t ns) { return FormatGoDuration(Duration{ns}); }
int64_t RoundMs(int64_t ns) { return ns / kMs * kMs; }

class Shrinker {
 public:
  Shrinker(const ChaosSpec& spec, std::string cls, int64_t budget) : spec_(spec), cls_(std::move(cls)), budget_(budget) {}

  // Test runs a candidate (within the budget); on success it becomes the current best.
  bool Test(const json& cand) {
    if (runs_ >= budget_) {
      exhausted_ = true;
      return false;
    }
    ++runs_;
    ChaosFailure f;
    if (!ClassHolds(spec_, cand, cls_, &f)) return false;
    best_ = cand;
    failure_ = f;
    return true;
  }

  size_t Background() const { return static_cast<size_t>(spec_.base_faults); }

  json WithFaults(const std::vector<json>& drawn) const {
    json c = best_;
    json faults = json::array();
    for (size_t i = 0; i < Background(); ++i) faults.push_back(best_["faults"][i]);
    for (const json& f : drawn) faults.push_back(f);
    c["faults"] = std::move(faults);
    return c;
  }

  std::vector<json> Drawn() const {
    std::vector<json> out;
    const json& f = best_["faults"];
    for (size_t i = Background(); i < f.size(); ++i) out.push_back(f[i]);
    return out;
  }

  // Ddmin over the drawn faults (Zeller's ddmin: subsets, then complements, then finer).
  void Ddmin() {
    std::vector<json> c = Drawn();
    if (c.empty()) return;
    if (Test(WithFaults({}))) return;
    size_t n = 2;
    while (c.size() >= 2 && !exhausted_) {
      const size_t chunk = (c.size() + n - 1) / n;
      std::vector<std::vector<json>> subsets;
      for (size_t i = 0; i < c.size(); i += chunk) subsets.emplace_back(c.begin() + static_cast<ptrdiff_t>(i), c.begin() + static_cast<ptrdiff_t>(std::min(c.size(), i + chunk)));
      bool reduced = false;
      for (const auto& s : subsets) {
        if (Test(WithFaults(s))) {
          c = s;
          n = 2;
          reduced = true;
          break;
        }
      }
      if (!reduced && subsets.size() > 2) {
        for (size_t k = 0; k < subsets.size(); ++k) {
          std::vector<json> comp;
          for (size_t j = 0; j < subsets.size(); ++j) {
            if (j != k) comp.insert(comp.end(), subsets[j].begin(), subsets[j].end());
          }
          if (Test(WithFaults(comp))) {
            c = comp;
            n = std::max<size_t>(n - 1, 2);
            reduced = true;
            break;
          }
        }
      }
      if (!reduced) {
        if (n >= c.size()) break;
        n = std::min(c.size(), n * 2);
      }
    }
    // One-at-a-time removal catches what the partition missed (1-minimality).
    for (size_t i = c.size(); i-- > 0 && !exhausted_;) {
      std::vector<json> d = c;
      d.erase(d.begin() + static_cast<ptrdiff_t>(i));
      if (Test(WithFaults(d))) c = d;
    }
  }

  // TryEdit applies `edit` to drawn fault `i` of the best scenario and tests it.
  template <typename Edit>
  bool TryEdit(size_t i, Edit edit) {
    std::vector<json> d = Drawn();
    if (i >= d.size()) return false;
    if (!edit(d[i])) return false;
    return Test(WithFaults(d));
  }

  void Simplify() {
    // All drawn faults earlier together (keeps their relative timing).
    {
      std::vector<json> d = Drawn();
      int64_t first = INT64_MAX;
      for (const json& f : d) first = std::min(first, Ns(f["at"]));
      if (!d.empty() && first > 0) {
        for (int64_t delta : {first, RoundMs(first / 2), RoundMs(first / 4)}) {
          if (delta <= 0) continue;
          std::vector<json> e = d;
          for (json& f : e) f["at"] = Dur(Ns(f["at"]) - delta);
          if (Test(WithFaults(e))) break;
        }
      }
    }
    const size_t n = Drawn().size();
    for (size_t i = 0; i < n && !exhausted_; ++i) {
      // Shorter.
      for (int k = 0; k < 8; ++k) {
        if (!TryEdit(i, [](json& f) {
              if (!f.contains("for")) return false;
              const int64_t d = RoundMs(Ns(f["for"]) / 2);
              if (d < kMs) return false;
              f["for"] = Dur(d);
              return true;
            })) {
          break;
        }
      }
      // Smaller.
      for (int k = 0; k < 6; ++k) {
        if (!TryEdit(i, [](json& f) {
              for (const char* key : {"delay", "latency", "by"}) {
                if (f.contains(key)) {
                  const int64_t v = RoundMs(Ns(f[key]) / 2);
                  if (v == 0 || v == Ns(f[key])) return false;
                  f[key] = Dur(v);
                  return true;
                }
              }
              if (f.contains("driftPpm")) {
                const int64_t v = f["driftPpm"].get<int64_t>() / 2;
                if (v == f["driftPpm"].get<int64_t>()) return false;
                f["driftPpm"] = v;
                return true;
              }
              if (f.contains("ratio")) {
                const double v = std::round(f["ratio"].get<double>() / 2 * 1000) / 1000;
                if (v == f["ratio"].get<double>() || v <= 0) return false;
                f["ratio"] = v;
                return true;
              }
              return false;
            })) {
          break;
        }
      }
      // Earlier.
      for (int k = 0; k < 4; ++k) {
        if (!TryEdit(i, [](json& f) {
              const int64_t at = Ns(f["at"]);
              const int64_t v = RoundMs(at / 2);
              if (v == at) return false;
              f["at"] = Dur(v);
              return true;
            })) {
          break;
        }
      }
    }
  }

  void CutDuration() {
    const int64_t dur = Ns(best_["duration"]);
    for (int64_t extra : {int64_t{1'000'000'000}, int64_t{10'000'000'000}, int64_t{60'000'000'000}}) {
      // Just past the failure, in whole seconds.
      int64_t cut = (failure_.at.count() + extra + 999'999'999) / 1'000'000'000 * 1'000'000'000;
      if (cut >= Ns(best_["duration"])) return;
      json c = best_;
      c["duration"] = Dur(cut);
      json faults = json::array();
      for (const json& f : c["faults"]) {
        if (Ns(f["at"]) <= cut) faults.push_back(f);
      }
      // Background faults must stay: a cut that drops one is not tried.
      if (faults.size() < Background()) continue;
      bool background_kept = true;
      for (size_t i = 0; i < Background(); ++i) background_kept &= faults[i] == best_["faults"][i];
      if (!background_kept) continue;
      c["faults"] = std::move(faults);
      if (Test(c)) return;
    }
    (void)dur;
  }

  void DropCandidates() {
    std::set<std::string> named;
    for (const json& f : best_["faults"]) {
      if (f.contains("node")) named.insert(f["node"].get<std::string>());
      if (f.contains("nodes")) {
        for (const json& n : f["nodes"]) named.insert(n.get<std::string>());
      }
    }
    if (best_.contains("candidates")) {
      for (size_t i = best_["candidates"].size(); i-- > 0 && !exhausted_;) {
        if (best_["candidates"].size() <= 2) break;  // a handover needs two
        const std::string name = best_["candidates"][i].value("name", "");
        if (named.count(name) || name.starts_with("@")) continue;
        json c = best_;
        c["candidates"].erase(i);
        if (c.contains("network") && c["network"].contains("nodes")) c["network"]["nodes"].erase(name);
        Test(c);
      }
    } else if (best_.contains("candidateCount")) {
      while (!exhausted_) {
        const int64_t n = best_["candidateCount"].get<int64_t>();
        if (n <= 2 || named.count(fmt::format("c{}", n - 1))) break;
        json c = best_;
        c["candidateCount"] = n - 1;
        if (c.contains("network") && c["network"].contains("nodes")) c["network"]["nodes"].erase(fmt::format("c{}", n - 1));
        if (!Test(c)) break;
      }
    }
  }

  const json& best() const { return best_; }
  void SetBest(json b, ChaosFailure f) {
    best_ = std::move(b);
    failure_ = std::move(f);
  }
  const ChaosFailure& failure() const { return failure_; }
  int64_t runs() const { return runs_; }
  bool exhausted() const { return exhausted_; }

 private:
  const ChaosSpec& spec_;
  std::string cls_;
  int64_t budget_;
  int64_t runs_ = 0;
  bool exhausted_ = false;
  json best_;
  ChaosFailure failure_;
};

int64_t CandidateCount(const json& s) {
  if (s.contains("candidates")) return static_cast<int64_t>(s["candidates"].size());
  if (s.contains("candidateCount")) return s["candidateCount"].get<int64_t>();
  return 0;
}

}  // namespace

bool ClassHolds(const ChaosSpec& spec, const json& scenario, const std::string& cls, ChaosFailure* failure) {
  std::string err;
  auto s = ParseScenario(scenario.dump(), scenario.value("name", spec.name), &err);
  if (!s) return false;
  const RunResult r = RunScenario(*s, RunOptions{});
  for (ChaosFailure& f : EvaluateChaosProperties(spec, *s, r)) {
    if (f.Class() == cls) {
      if (failure) *failure = std::move(f);
      return true;
    }
  }
  return false;
}

ShrinkResult ShrinkFailure(const ChaosSpec& spec, const json& scenario, const std::string& cls, int64_t budget) {
  ShrinkResult out;
  Shrinker sh(spec, cls, budget);
  ChaosFailure f;
  const bool holds = ClassHolds(spec, scenario, cls, &f);
  out.runs = 1;
  sh.SetBest(scenario, f);
  out.faults_before = static_cast<int64_t>(scenario["faults"].size()) - spec.base_faults;
  out.duration_before = Duration{Ns(scenario["duration"])};
  out.candidates_before = CandidateCount(scenario);
  if (holds) {
    sh.Ddmin();
    sh.Simplify();
    sh.CutDuration();
    sh.DropCandidates();
  }
  out.scenario = sh.best();
  out.failure = sh.failure();
  out.runs += sh.runs();
  out.budget_exhausted = sh.exhausted();
  out.faults_after = static_cast<int64_t>(out.scenario["faults"].size()) - spec.base_faults;
  out.duration_after = Duration{Ns(out.scenario["duration"])};
  out.candidates_after = CandidateCount(out.scenario);
  return out;
}

}  // namespace leasesim::sim
