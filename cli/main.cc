// main.cc — the `leasesim` command line. The only place that reads the real clock and the
// only place that handles signals: SIGINT/SIGTERM during `run` or `sweep` set a flag the
// simulation polls; the command then removes what it started (a trace's .tmp; a sweep
// keeps its journal of finished runs for --resume) and exits 128 + the signal (130, 143).
#include <atomic>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <vector>

#include <malloc.h>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/completion.h"
#include "cli/man_page.h"
#include "harness/chaos/spec.h"
#include "harness/sweep/output.h"
#include "harness/sweep/spec.h"
#include "sim/go_duration.h"
#include "sim/runner.h"
#include "sim/starter_scenario.h"
#ifdef LEASESIM_HAVE_VIZ
#include "cli/view_module.h"
#include "viz/viewer.h"
#endif

namespace {
constexpr const char* kVersion = "0.1.0";

// kManTail closes the manual page (cli/man_page.h) after the generated COMMANDS section.
constexpr const char* kManTail = R"(.SH EXIT STATUS
.TP
.B 0
pass (every expectation held; for chaos: no failure found)
.TP
.B 1
an expectation failed or an invariant was breached (chaos: failures found)
.TP
.B 2
bad input or usage: one line on stderr naming the file, the JSON path and the problem
.TP
.B 3
internal error
.TP
.B 4
nondeterminism (check \-\-determinism)
.TP
.B 130, 143
interrupted by SIGINT or SIGTERM
.SH EXAMPLES
.nf
leasesim init \-\-from\-flags "\-\-leader\-elect\-lease\-duration=30s" > mine.json
leasesim run mine.json \-\-trace run.jsonl \-\-report report.json
leasesim check scenarios/ \-\-junit junit.xml \-\-determinism
leasesim sweep docs/sweeps/readme.json \-\-out sweep\-out
leasesim chaos scenarios/chaos/kube\-controller\-manager.json \-\-out chaos\-out
.fi
.SH FILES
Scenario, sweep and chaos files are JSON (comments allowed) or YAML (.yaml, .yml);
durations are Go duration strings ("15s", "1m30s").
An installed copy keeps the bundled scenarios under
.I share/leasesim/scenarios
and the documentation under
.IR share/leasesim/docs .
.SH SEE ALSO
.B leasesim\-viz \-\-help
(the viewer, when built);
docs/ of the source tree: sweep.md, chaos.md, ci.md, trace\-format.md, perfetto.md.
)";

double WallSeconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// The cancellation flag and the signal that set it (lock-free atomics: async-signal-safe).
std::atomic<bool> g_cancel{false};
std::atomic<int> g_signal{0};
static_assert(std::atomic<bool>::is_always_lock_free && std::atomic<int>::is_always_lock_free);

extern "C" void OnTerminatingSignal(int sig) {
  g_signal.store(sig);
  g_cancel.store(true);
}

// CatchTerminatingSignals routes SIGINT and SIGTERM to the flag; a second one of either
// takes the default action (SA_RESETHAND), so a stuck cleanup can still be interrupted.
void CatchTerminatingSignals() {
  struct sigaction sa {};
  sa.sa_handler = OnTerminatingSignal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESETHAND;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}
// IntIn is a CLI11 check that the value is an integer in [lo, hi], with a plain message
// ("expected an integer from 0 to 1024 (0: one worker per core), got -3") instead of
// CLI11's range over the whole double type.
CLI::Validator IntIn(int64_t lo, int64_t hi, std::string note) {
  return CLI::Validator(
      [lo, hi, note](std::string& v) -> std::string {
        int64_t n = 0;
        const auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
        if (ec == std::errc() && p == v.data() + v.size() && n >= lo && n <= hi) return "";
        return fmt::format("expected an integer from {} to {}{}, got \"{}\"", lo, hi, note, v);
      },
      "", "");
}

// SeedCheck is a CLI11 check that the value is a seed as scenario files write it: a
// decimal unsigned 64-bit integer. CLI11's own conversion wraps "-1" and clamps a number
// beyond 2^64-1 to 18446744073709551615, which would run (and report) another seed.
CLI::Validator SeedCheck() {
  return CLI::Validator(
      [](std::string& v) -> std::string {
        uint64_t n = 0;
        const auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
        if (!v.empty() && ec == std::errc() && p == v.data() + v.size()) return "";
        return fmt::format("expected an integer from 0 to {}, got \"{}\"", UINT64_MAX, v);
      },
      "", "");
}

// ShardCheck is a CLI11 check of --shard "i/N" (ParseShard's rule), so that a bad value is
// reported like every other flag, before any file is read.
CLI::Validator ShardCheck() {
  return CLI::Validator(
      [](std::string& v) -> std::string {
        std::string e;
        if (leasesim::sim::ParseShard(v, &e)) return "";
        if (e.starts_with("--shard: ")) e.erase(0, 9);  // (CLI11 names the option)
        return e;
      },
      "", "");
}

// NonNegative is CLI::NonNegativeNumber with a plain message.
CLI::Validator NonNegative() {
  return CLI::Validator(
      [](std::string& v) -> std::string {
        double x = 0;
        const auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), x);
        if (ec == std::errc() && p == v.data() + v.size() && x >= 0) return "";
        return fmt::format("expected a number >= 0, got \"{}\"", v);
      },
      "", "");
}

// GoDurationSeconds is a CLI11 check for a Go duration ("2m", "90s", "1m30.5s"); the
// value is kept as text and converted by SecondsOf.
CLI::Validator GoDurationCheck() {
  return CLI::Validator([](std::string& v) { return leasesim::core::GoDurationFlagProblem(v); }, "", "");
}

[[maybe_unused]] std::optional<double> SecondsOf(const std::optional<std::string>& v) {
  if (!v) return std::nullopt;
  return std::chrono::duration<double>(*leasesim::sim::ParseGoDuration(*v)).count();
}

std::vector<std::string> VisibleCommands(const CLI::App& app) {
  std::vector<std::string> out;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    if (!sub->get_group().empty()) out.push_back(sub->get_name());
  }
  return out;
}

bool LooksNumeric(std::string_view s) {
  double x = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), x);
  return ec == std::errc() && p == s.data() + s.size();
}

// ParseErrorLine turns a CLI11 parse error into one line naming the command: an unknown
// option names itself with "did you mean", anything else keeps CLI11's text.
std::string ParseErrorLine(const CLI::App& app, const CLI::ParseError& e, int argc, char** argv) {
  const std::vector<CLI::App*> parsed = app.get_subcommands();
  const CLI::App* sub = parsed.empty() ? nullptr : parsed.front();
  const std::string where = sub ? "leasesim " + sub->get_name() : "leasesim";
  const std::string hint = sub ? fmt::format(" (leasesim help {})", sub->get_name()) : " (leasesim help)";
  // An option the command does not have is named first, whatever CLI11 tripped over.
  const CLI::App& owner = sub ? *sub : app;
  std::vector<std::string> names;
  for (const CLI::Option* o : owner.get_options([](const CLI::Option* o) { return !o->get_group().empty(); })) {
    for (const std::string& l : o->get_lnames()) names.push_back("--" + l);
    for (const std::string& n : o->get_snames()) names.push_back("-" + n);
  }
  bool in_sub = sub == nullptr;
  bool value_next = false;  // the previous token was an option that takes a value
  for (int i = 1; i < argc; ++i) {
    const std::string_view tok = argv[i];
    if (!in_sub) {
      in_sub = tok == sub->get_name();
      continue;
    }
    if (tok == "--") break;
    const bool is_value = value_next;
    value_next = false;
    if (is_value || tok.size() < 2 || tok[0] != '-' || LooksNumeric(tok)) continue;
    const std::string name(tok.substr(0, tok.find('=')));
    const CLI::Option* o = owner.get_option_no_throw(name);
    if (o == nullptr) return leasesim::sim::UnknownOptionMessage(where, tok, names);
    value_next = o->get_type_size() != 0 && name.size() == tok.size();
  }
  if (dynamic_cast<const CLI::ExtrasError*>(&e) != nullptr) {
    std::string what = e.what();
    if (const size_t colon = what.find(": "); colon != std::string::npos) what.erase(0, colon + 2);
    return fmt::format("{}: unexpected argument(s): {}{}", where, what, hint);
  }
  return fmt::format("{}: {}{}", where, e.what(), hint);
}

// TuneAllocator keeps freed heap memory in the process. A run's buffers grow and are
// freed as it goes (vectors grow by doubling); with glibc's defaults each large buffer is
// a fresh mmap and the heap top is trimmed back to the kernel, so every page is faulted in
// again on first touch (on a virtual machine a minor fault costs microseconds: at 3
// candidates x 24 h that was a tenth of the run's CPU time). Untouched padding costs no
// resident memory.
// (glibc mallopt(3): M_MMAP_THRESHOLD, M_TRIM_THRESHOLD, M_TOP_PAD.)
void TuneAllocator() {
  mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);  // glibc's maximum on 64-bit (DEFAULT_MMAP_THRESHOLD_MAX)
  mallopt(M_TRIM_THRESHOLD, 256 * 1024 * 1024);
  mallopt(M_TOP_PAD, 16 * 1024 * 1024);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace leasesim::sim;
  TuneAllocator();
  CLI::App app{
      "leasesim — deterministic simulation of Kubernetes lease leader election (client-go's "
      "LeaderElector) under clock skew, latency, partitions, crashes and API-server trouble.\n"
      "Exit codes: 0 pass, 1 an expectation failed, 2 bad input or usage, 3 internal error, 4 nondeterminism, "
      "130/143 interrupted by SIGINT/SIGTERM.",
      "leasesim"};  // (named, so that every usage line says "leasesim", not argv[0])
  app.require_subcommand(1);
  app.set_version_flag("--version", VersionText(kVersion));

  RunArgs run;
  CLI::App* run_cmd = app.add_subcommand("run", "Run one scenario and report who led when, split-brain, no-leader, failovers");
  run_cmd->add_option("scenario", run.scenario, "Scenario file (JSON, see scenarios/README.md)")->required()->option_text("FILE");
  run_cmd->add_option("--seed", run.seed, "Seed (default: the scenario's \"seed\")")->check(SeedCheck())->option_text("N");
  run_cmd->add_option("--trace", run.trace, "Write the event trace (JSON Lines, docs/trace-format.md) to FILE (\"-\": stdout, the text then goes to stderr)")->option_text("FILE");
  run_cmd->add_option("--report", run.report, "Write the JSON report to FILE (\"-\": stdout, the text then goes to stderr)")->option_text("FILE");
  run_cmd->add_option("--perfetto", run.perfetto, "Write the run as Chrome Trace Event Format JSON (ui.perfetto.dev, chrome://tracing) to FILE")->option_text("FILE");
  run_cmd->add_flag("--stats", run.stats, "Print events, wall time and the speedup");
  run_cmd->add_flag("-q,--quiet", run.quiet, "Print only the seed and the verdict line");
  run_cmd->add_option("--test-break-invariant", run.test_break_invariant, "Test only: make the world break an invariant")
      ->group("");

  CheckArgs check;
  CLI::App* check_cmd = app.add_subcommand(
      "check", "Run a suite of scenarios for CI: a table of verdicts, optional JUnit XML and determinism check");
  check_cmd->add_option("paths", check.paths, "Scenario files or directories (recursive; default: scenarios)")->option_text("PATH...");
  check_cmd->add_option("--junit", check.junit, "Write JUnit XML to FILE")->option_text("FILE");
  check_cmd->add_option("-j,--jobs", check.jobs, "Worker threads (default: number of cores)")->check(IntIn(0, 1024, " (0: one worker per core)"))->option_text("N");
  check_cmd->add_flag("--determinism", check.determinism,
                      "Run each scenario twice (and across worker counts) and compare trace hashes (exit 4 on a mismatch)");
  check_cmd->add_option("--filter", check.filter, "Only scenarios whose path matches GLOB")->option_text("GLOB");
  check_cmd->add_option("--test-perturb-order", check.test_perturb_order, "Test only: perturb event order")
      ->check(IntIn(0, INT64_MAX, ""))
      ->group("");
  check_cmd->add_flag("-q,--quiet", check.quiet, "Print only failures and the summary line");

  SweepArgs sweep;
  CLI::App* sweep_cmd = app.add_subcommand(
      "sweep", "Sweep LeaseDuration/RenewDeadline/RetryPeriod (and fault intensities) over seeds: failover, split-brain, API load");
  sweep_cmd->add_option("sweep-file", sweep.sweep, "Sweep file (JSON, see docs/sweep.md)")->required()->option_text("FILE");
  sweep_cmd->add_option("--seeds", sweep.seeds, "Seeds per point (default: the file's \"seeds\")")
      ->check(IntIn(1, kMaxSweepSeeds, ""))
      ->option_text("N");
  sweep_cmd->add_option("-j,--jobs", sweep.jobs, "Worker threads (default: number of cores)")->check(IntIn(0, 1024, " (0: one worker per core)"))->option_text("N");
  sweep_cmd->add_option("--out", sweep.out_dir, "Output directory (default: sweep-out)")->option_text("DIR");
  sweep_cmd->add_option("--shard", sweep.shard, "Run only slice i of N (\"i/N\", 0-based), for leasesim merge")
      ->check(ShardCheck())
      ->option_text("i/N");
  sweep_cmd->add_flag_callback("--no-progress", [&sweep] { sweep.progress = false; }, "No progress bar");
  sweep_cmd->add_flag("--resume", sweep.resume,
                      "Reuse the finished runs of an interrupted sweep into the same --out (kept in DIR.partial/)");
  // The safety floor of the Pareto front and the recommendation (docs/sweep.md).
  const auto add_floor = [](CLI::App* cmd, std::string& margin, double& ratio) {
    cmd->add_option("--min-safety-margin", margin,
                    "Only points with LeaseDuration - RenewDeadline - RetryPeriod >= this Go duration are eligible for "
                    "the Pareto front and the recommendation (default 3s: client-go's 15s/10s/2s)")
        ->option_text("DURATION");
    cmd->add_option("--min-clock-rate-ratio", ratio,
                    "Only points with LeaseDuration / (RenewDeadline + RetryPeriod) >= this ratio are eligible "
                    "(default 1.25: client-go's 15s/10s/2s)")
        ->check(NonNegative())
        ->option_text("RATIO");
  };
  add_floor(sweep_cmd, sweep.min_safety_margin, sweep.min_clock_rate_ratio);

  MergeArgs merge;
  CLI::App* merge_cmd = app.add_subcommand("merge", "Join sharded sweep outputs into what one unsharded run writes");
  merge_cmd->add_option("inputs", merge.inputs, "Shard output directories")->required()->option_text("DIR...");
  merge_cmd->add_option("--out", merge.out_dir, "Output directory (default: sweep-out, or chaos-out for chaos shards)")->option_text("DIR");
  merge_cmd->add_option("--junit", merge.junit, "Chaos shards: write JUnit XML (one case per failure class) to FILE")->option_text("FILE");
  merge_cmd->add_option("-j,--jobs", merge.jobs, "Chaos shards: shrinking workers (default: number of cores)")->check(IntIn(0, 1024, " (0: one worker per core)"))->option_text("N");

  add_floor(merge_cmd, merge.min_safety_margin, merge.min_clock_rate_ratio);

  ChaosArgs chaos;
  CLI::App* chaos_cmd = app.add_subcommand(
      "chaos", "Search a fault model at random (one run per seed), check properties, shrink each failure to a minimal scenario");
  chaos_cmd->add_option("chaos-file", chaos.chaos, "Chaos file (JSON, see docs/chaos.md)")->required()->option_text("FILE");
  chaos_cmd->add_option("--seeds", chaos.seeds, "Number of seeds (default: the file's \"seeds\")")
      ->check(IntIn(1, kMaxChaosSeeds, ""))
      ->option_text("N");
  chaos_cmd->add_option("-j,--jobs", chaos.jobs, "Worker threads (default: number of cores)")->check(IntIn(0, 1024, " (0: one worker per core)"))->option_text("N");
  chaos_cmd->add_option("--out", chaos.out_dir, "Output directory (default: chaos-out)")->option_text("DIR");
  chaos_cmd->add_option("--junit", chaos.junit, "Write JUnit XML (one case per failure class) to FILE")->option_text("FILE");
  chaos_cmd->add_option("--shard", chaos.shard, "Run only seeds i of N (\"i/N\", 0-based), for leasesim merge")
      ->check(ShardCheck())
      ->option_text("i/N");
  chaos_cmd->add_option("--shrink-budget", chaos.shrink_budget, "Runs spent shrinking each failure class (default: 400; 0 = no shrinking)")
      ->check(IntIn(0, INT64_MAX, " (0: no shrinking)"))
      ->option_text("N");
  chaos_cmd->add_flag_callback("--no-progress", [&chaos] { chaos.progress = false; }, "No progress bar");

  ExportArgs export_args;
  CLI::App* export_cmd = app.add_subcommand(
      "export", "Convert a trace (leasesim run --trace) for other tools: --perfetto writes Chrome Trace Event Format JSON");
  export_cmd->add_option("trace", export_args.trace, "Trace file (JSON Lines, docs/trace-format.md)")->required()->option_text("TRACE");
  export_cmd->add_option("--perfetto", export_args.perfetto, "Write Trace Event Format JSON for ui.perfetto.dev / chrome://tracing to FILE (\"-\": stdout)")
      ->required()->option_text("FILE");

  InitArgs init;
  CLI::App* init_cmd = app.add_subcommand(
      "init", "Write a commented starter scenario from your leader-election flags, a live Lease, replicas and client-go version");
  init_cmd->add_option("file", init.file, "Output file (.json, or .yaml/.yml for YAML); default: stdout")->option_text("FILE");
  init_cmd->add_option("--from-flags", init.from_flags,
                       "kube-controller-manager/kube-scheduler flags, e.g. \"--leader-elect-lease-duration=30s --leader-elect-renew-deadline=20s\"")
      ->option_text("\"FLAGS\"");
  init_cmd->add_option("--from-lease", init.from_lease, "A Lease as `kubectl get lease NAME -n NS -o yaml` prints it: the lock, holder and duration; the run starts from it (initialLease)")
      ->option_text("FILE");
  init_cmd->add_option("--replicas", init.replicas, "Number of candidates, 1 to 1000 (default 3)")
      ->check(IntIn(1, kMaxStarterReplicas, ""))
      ->option_text("N");
  init_cmd->add_option("--client-go", init.client_go, "client-go version of the components, 1.20 to 1.37 (default 1.37)")->option_text("VERSION");
  init_cmd->add_option("--format", init.format, "json or yaml (default: by FILE's extension; json on stdout)")
      ->check(CLI::IsMember({"json", "yaml"}))
      ->option_text("json|yaml");
  init_cmd->add_flag("--force", init.force, "Overwrite FILE if it exists");

  struct ViewArgs {
    std::string input;
    std::string report;
    std::string screenshot;
    std::optional<std::string> from, to, cursor;  // Go durations of true time since the start
    std::optional<uint64_t> seed;
    int width = 1280, height = 800;
  } view;
  CLI::App* view_cmd = app.add_subcommand(
      "view", "Open a trace (.jsonl) or a scenario (.json, run in-process) in the viewer; --screenshot renders headless");
  view_cmd->add_option("input", view.input, "Trace file (JSON Lines) or scenario file (JSON)")->required()->option_text("FILE");
  view_cmd->add_option("--report", view.report, "Report JSON (from leasesim run --report) for the summary panel")->option_text("FILE");
  view_cmd->add_option("--screenshot", view.screenshot, "Render headless (needs a display, e.g. xvfb-run) and write this PNG")->option_text("FILE");
  view_cmd->add_option("--from", view.from, "Start of the initial window, true time since the start (Go duration: 2m, 90s)")
      ->check(GoDurationCheck())
      ->option_text("DURATION");
  view_cmd->add_option("--to", view.to, "End of the initial window (Go duration)")->check(GoDurationCheck())->option_text("DURATION");
  view_cmd->add_option("--cursor", view.cursor, "Initial cursor (Go duration; default: the first violation)")
      ->check(GoDurationCheck())
      ->option_text("DURATION");
  view_cmd->add_option("--seed", view.seed, "Seed when opening a scenario (default: the scenario's)")
      ->check(SeedCheck())
      ->option_text("N");
  view_cmd->add_option("--width", view.width, "Window width in pixels, 320 to 8192 (default 1280)")->check(IntIn(320, 8192, ""))->option_text("PX");
  view_cmd->add_option("--height", view.height, "Window height in pixels, 240 to 8192 (default 800)")->check(IntIn(240, 8192, ""))->option_text("PX");

  std::string completion_shell;
  CLI::App* completion_cmd = app.add_subcommand("completion", "Print a shell completion script: source <(leasesim completion bash)");
  completion_cmd->add_option("shell", completion_shell, "Shell (bash)")->required()->check(CLI::IsMember({"bash"}))->option_text("SHELL");

  CLI::App* man_cmd = app.add_subcommand("man", "Print the manual page (roff), generated from these help texts: leasesim man | man -l -");

  std::string help_topic;
  CLI::App* help_cmd = app.add_subcommand("help", "Show the help of leasesim or of one command: leasesim help run");
  help_cmd->add_option("command", help_topic, "A command")->option_text("COMMAND");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    if (argc == 1) {  // no command: name them, as for an unknown one
      std::cerr << fmt::format("leasesim: a command is required (commands: {}; leasesim help COMMAND)\n",
                               fmt::join(VisibleCommands(app), ", "));
      return kExitBadInput;
    }
    if (argc > 1) {
      if (auto msg = UnknownCommandMessage(argv[1], VisibleCommands(app))) {
        std::cerr << "leasesim: " << *msg << "\n";
        return kExitBadInput;
      }
    }
    std::cerr << ParseErrorLine(app, e, argc, argv) << "\n";
    return kExitBadInput;
  }
  if (*man_cmd) {
    std::cout << ManPage(app, "leasesim", kVersion, kManTail);
    return kExitPass;
  }
  if (*completion_cmd) {
    std::cout << BashCompletion(app, "leasesim");
    return kExitPass;
  }
  if (*help_cmd) {  // leasesim help [COMMAND]
    if (help_topic.empty()) {
      std::cout << app.get_formatter()->make_help(&app, "leasesim", CLI::AppFormatMode::Normal);
      return kExitPass;
    }
    for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
      if (sub->get_name() == help_topic) {
        std::cout << sub->get_formatter()->make_help(sub, "leasesim " + help_topic, CLI::AppFormatMode::Normal);
        return kExitPass;
      }
    }
    std::cerr << "leasesim: help: " << UnknownCommandMessage(help_topic, VisibleCommands(app)).value_or("unknown command") << "\n";
    return kExitBadInput;
  }
  try {
    if (*run_cmd || *sweep_cmd) CatchTerminatingSignals();
    run.cancel = &g_cancel;
    sweep.cancel = &g_cancel;
    // Printed commands (reproduce lines, JUnit) name leasesim as it was invoked.
    const std::string program = ProgramName(argv[0]);
    check.program = sweep.program = merge.program = chaos.program = program;
    if (*run_cmd) return RunCommand(run, WallSeconds, std::cout, std::cerr);
    if (*check_cmd) return CheckCommand(check, WallSeconds, std::cout, std::cerr);
    if (*sweep_cmd) return SweepCommand(sweep, WallSeconds, std::cout, std::cerr);
    if (*merge_cmd) return MergeCommand(merge, std::cout, std::cerr);
    if (*chaos_cmd) return ChaosCommand(chaos, WallSeconds, std::cout, std::cerr);
    if (*export_cmd) return ExportCommand(export_args, std::cout, std::cerr);
    if (*init_cmd) return InitCommand(init, std::cout, std::cerr);
    if (*view_cmd) {
#ifdef LEASESIM_HAVE_VIZ
      namespace fs = std::filesystem;
      std::vector<fs::path> temp_traces;  // directories, removed with their traces on exit
      leasesim::viz::ViewerOptions o;
      o.trace_path = view.input;
      o.report_path = view.report;
      o.screenshot_path = view.screenshot;
      o.from_s = SecondsOf(view.from);
      o.to_s = SecondsOf(view.to);
      o.cursor_s = SecondsOf(view.cursor);
      o.width = view.width;
      o.height = view.height;
      // Opening a scenario runs it in-process into a temporary trace, removed on exit.
      o.run_scenario = [&](const std::string& path) -> leasesim::viz::ScenarioTrace {
        std::string err;
        auto s = LoadScenarioFile(path, &err);
        if (!s) return {"", err};
        RunOptions ro;
        ro.seed = view.seed;
        // A directory of its own (mkdtemp): two viewers of one scenario never share a
        // trace, and no name in the shared temporary directory is predictable.
        std::string dir_template = (fs::temp_directory_path() / "leasesim-view-XXXXXX").string();
        if (mkdtemp(dir_template.data()) == nullptr) {
          return {"", fmt::format("{}: cannot create a temporary directory: {}", dir_template, std::strerror(errno))};
        }
        const fs::path dir = dir_template;
        temp_traces.push_back(dir);
        const fs::path trace = dir / (fs::path(path).stem().string() + "-seed-" +
                                      std::to_string(view.seed.value_or(s->seed)) + ".jsonl");
        ro.trace_path = trace.string();
        try {
          RunScenario(*s, ro);
        } catch (const std::exception& e) {
          return {"", e.what()};
        }
        return {trace.string(), ""};
      };
      const int code = leasesim::cli::RunViewerModule(o, std::cerr);
      std::error_code ec;
      for (const fs::path& t : temp_traces) fs::remove_all(t, ec);
      return code;
#else
      std::cerr << "leasesim: this build has no viewer (configure with -DLEASESIM_BUILD_VIZ=ON)\n";
      return kExitBadInput;
#endif
    }
  } catch (const RunCancelled&) {
    const int sig = g_signal.load();
    std::cerr << "leasesim: interrupted by " << (sig == SIGTERM ? "SIGTERM" : "SIGINT") << "\n";
    return 128 + (sig != 0 ? sig : SIGINT);
  } catch (const std::exception& e) {
    std::cerr << "leasesim: internal error: " << e.what() << "\n";
    return kExitInternal;
  }
  return kExitBadInput;
}
