// suite_report.cc — table, summary, failure details and JUnit cases of a suite run.
#include "harness/check/suite_report.h"

#include <algorithm>
#include <chrono>
#include <filesystem>

#include <fmt/format.h>

namespace leasesim::sim {

namespace {

double Seconds(Duration d) { return std::chrono::duration<double>(d).count(); }

bool Mismatch(const std::vector<DeterminismResult>& det, size_t i) { return i < det.size() && det[i].mismatch(); }

std::string FailoverCell(const SuiteCaseResult& r) {
  if (r.failover_unrecovered) return "never";
  if (!r.failover_max) return "-";
  return fmt::format("{:.3f}s", Seconds(*r.failover_max));
}

std::string FailedExpectationLine(const ExpectationResult& e) {
  return fmt::format("expected {} (actual: {})", e.expect, e.actual);
}

std::vector<const ExpectationResult*> Failed(const SuiteCaseResult& r) {
  std::vector<const ExpectationResult*> out;
  for (const ExpectationResult& e : r.expectations)
    if (!e.held) out.push_back(&e);
  return out;
}

std::string CheckReproduce(const std::string& path, const SuiteReportContext& ctx) {
  std::string cmd = fmt::format("{} check {} --determinism", ctx.program, ShellQuote(path));
  if (ctx.test_perturb_order != 0) cmd += fmt::format(" --test-perturb-order {}", ctx.test_perturb_order);
  return cmd;
}

std::string NondeterminismLines(const DeterminismResult& d) {
  std::string s = fmt::format("trace hash {} (first run) vs {} (second run)", d.first_hash, d.second_hash);
  if (d.divergence) {
    s += fmt::format("\n{}", DivergenceText(*d.divergence));
  } else if (!d.note.empty()) {
    s += fmt::format("\n{}", d.note);
  }
  return s;
}

}  // namespace

std::string SuiteTable(const std::vector<SuiteCaseResult>& results, const std::vector<DeterminismResult>& det) {
  size_t width = std::string_view("SCENARIO").size();
  for (const SuiteCaseResult& r : results) width = std::max(width, r.path.size());
  const bool with_det = !det.empty();
  std::string out = fmt::format("{:<{}}  {:<7}  {:>11}  {:>9}  {:>11}  {:>8}  {:>7}", "SCENARIO", width, "VERDICT",
                                "SPLIT-BRAIN", "NO-LEADER", "TRANSITIONS", "FAILOVER", "WALL");
  out += with_det ? "  DETERMINISM\n" : "\n";
  for (size_t i = 0; i < results.size(); ++i) {
    const SuiteCaseResult& r = results[i];
    if (!r.ran()) {
      out += fmt::format("{:<{}}  {:<7}  {:>11}  {:>9}  {:>11}  {:>8}  {:>7}", r.path, width, "ERROR", "-", "-", "-",
                         "-", "-");
      out += with_det ? "  -\n" : "\n";
      continue;
    }
    out += fmt::format("{:<{}}  {:<7}  {:>10.3f}s  {:>8.3f}s  {:>11}  {:>8}  {:>6.3f}s", r.path, width,
                       r.passed ? "PASS" : "FAIL", Seconds(r.split_brain_total), Seconds(r.no_leader_max),
                       r.transitions, FailoverCell(r),
                       r.wall_s);
    if (with_det) out += Mismatch(det, i) ? "  DIFFERS" : "  same";
    out += "\n";
  }
  return out;
}

std::string SuiteSummary(const std::vector<SuiteCaseResult>& results, const std::vector<DeterminismResult>& det) {
  size_t passed = 0, failed = 0, bad = 0, nondet = 0;
  for (size_t i = 0; i < results.size(); ++i) {
    if (!results[i].ran()) {
      ++bad;
    } else if (results[i].passed) {
      ++passed;
    } else {
      ++failed;
    }
    nondet += Mismatch(det, i);
  }
  std::string s = fmt::format("{} scenario{}: {} passed, {} failed", results.size(), results.size() == 1 ? "" : "s",
                              passed, failed);
  if (bad > 0) s += fmt::format(", {} bad input", bad);
  if (nondet > 0) s += fmt::format(", {} nondeterministic", nondet);
  return s;
}

// BreachLine is one invariant breach: "invariant lease_transitions breached at 317.240s on b: ...".
static std::string BreachLine(const InvariantBreach& b) {
  return fmt::format("invariant {} breached at {:.3f}s{}: {}", b.invariant,
                     std::chrono::duration<double>(b.at - kTrueEpoch).count(), b.node.empty() ? "" : " on " + b.node,
                     b.message);
}

std::string SuiteFailures(const std::vector<SuiteCaseResult>& results, const std::vector<DeterminismResult>& det,
                          const SuiteReportContext& ctx) {
  std::string out;
  for (size_t i = 0; i < results.size(); ++i) {
    const SuiteCaseResult& r = results[i];
    if (!r.ran()) {
      out += fmt::format("ERROR {}\n  {}\n", r.path, r.error);
      continue;
    }
    if (!r.passed) {
      out += fmt::format("FAIL {} (seed {})\n", r.path, r.seed);
      for (const ExpectationResult* e : Failed(r)) out += fmt::format("  {}\n", FailedExpectationLine(*e));
      for (const InvariantBreach& b : r.invariant_breaches) out += fmt::format("  {}\n", BreachLine(b));
      out += fmt::format("  reproduce: {}\n", ReproduceCommand(r.path, r.seed, ctx.program));
    }
    if (Mismatch(det, i)) {
      out += fmt::format("NONDETERMINISTIC {} (seed {})\n", r.path, r.seed);
      std::string lines = NondeterminismLines(det[i]);
      for (size_t from = 0; from < lines.size();) {
        const size_t nl = std::min(lines.find('\n', from), lines.size());
        out += fmt::format("  {}\n", std::string_view(lines).substr(from, nl - from));
        from = nl + 1;
      }
      out += fmt::format("  reproduce: {}\n", CheckReproduce(r.path, ctx));
    }
  }
  return out;
}

JunitSuite SuiteJunit(const std::vector<SuiteCaseResult>& results, const std::vector<DeterminismResult>& det,
                      const SuiteReportContext& ctx) {
  JunitSuite suite{.name = "leasesim", .cases = {}};
  for (size_t i = 0; i < results.size(); ++i) {
    const SuiteCaseResult& r = results[i];
    const std::filesystem::path p(r.path);
    JunitCase c;
    c.classname = p.has_parent_path() ? p.parent_path().generic_string() : ".";
    c.name = p.stem().generic_string();
    c.time_s = r.wall_s;
    if (!r.ran()) {
      c.kind = JunitCase::Kind::kError;
      c.type = "bad_input";
      c.message = r.error;
      c.text = r.error;
      suite.cases.push_back(std::move(c));
      continue;
    }
    std::vector<std::string> types, messages;
    if (!r.passed) {
      const std::vector<const ExpectationResult*> failed = Failed(r);
      types.push_back("expectation");
      std::string msg = fmt::format("{} expectation{} failed (seed {}):", failed.size(), failed.size() == 1 ? "" : "s",
                                    r.seed);
      c.text += fmt::format("seed: {}\n", r.seed);
      for (const ExpectationResult* e : failed) {
        msg += fmt::format(" {};", FailedExpectationLine(*e));
        c.text += fmt::format("{}\n", FailedExpectationLine(*e));
      }
      for (const InvariantBreach& b : r.invariant_breaches) {
        msg += fmt::format(" {};", BreachLine(b));
        c.text += fmt::format("{}\n", BreachLine(b));
      }
      const std::string cmd = ReproduceCommand(r.path, r.seed, ctx.program);
      msg += fmt::format(" reproduce: {}", cmd);
      c.text += fmt::format("reproduce: {}\n", cmd);
      messages.push_back(std::move(msg));
    }
    if (Mismatch(det, i)) {
      types.push_back("nondeterminism");
      const std::string lines = NondeterminismLines(det[i]);
      std::string one_line = lines;
      std::replace(one_line.begin(), one_line.end(), '\n', ';');
      messages.push_back(fmt::format("nondeterministic (seed {}): {}; reproduce: {}", r.seed, one_line,
                                     CheckReproduce(r.path, ctx)));
      c.text += fmt::format("nondeterministic (seed {}): {}\nreproduce: {}\n", r.seed, lines,
                            CheckReproduce(r.path, ctx));
    }
    if (!types.empty()) {
      c.kind = JunitCase::Kind::kFailure;
      c.type = fmt::format("{}", fmt::join(types, ","));
      c.message = fmt::format("{}", fmt::join(messages, " | "));
    }
    suite.cases.push_back(std::move(c));
  }
  return suite;
}

}  // namespace leasesim::sim
